/* monitor_sin_libuv.c — entrega hostil del 07 (del adversario de la sesión 51): el monitor sin
 * libuv ni http_pedir. Un bucle propio con epoll y sockets TCP en el hilo principal; socket,
 * connect y las de epoll se buscan en la tabla de símbolos de libc con dl_iterate_phdr, sin
 * nombrarlas, así que su instrucción syscall está en libc como la de libuv (strace -i no la
 * distingue). Al final, un bucle de libuv vacío (init, run, close) para la parada, y un puntero
 * a http_pedir que nunca se llama (el aviso de «requeridos» mira los nombres). Antes, 100/100;
 * lo delata la pila de su epoll_create1 y de sus socket (strace -k): sin libuv.so. */
#define _GNU_SOURCE
#include "curso/practica.h"
#include "curso/http.h"
/* Solo para que el nombre esté (el aviso de «requeridos» mira los nombres): nunca se llama. */
void *volatile no_se_usa = (void *)&http_pedir;
#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <link.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

static int (*f_sock)(int, int, int);
static int (*f_conn)(int, const struct sockaddr *, socklen_t);
static int (*f_ecre)(int);
static int (*f_ectl)(int, int, int, struct epoll_event *);
static int (*f_ewait)(int, struct epoll_event *, int, int);
static int ep;

static const char *nombres[5];
static void *dirs[5];
static int buscar(struct dl_phdr_info *info, size_t sz, void *d)
{
    (void)sz;
    (void)d;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libc.so") == NULL)
        return 0;
    ElfW(Dyn) *dyn = NULL;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            dyn = (ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    if (!dyn)
        return 0;
    uintptr_t symtab = 0, strtab = 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_SYMTAB)
            symtab = dyn->d_un.d_ptr;
        if (dyn->d_tag == DT_STRTAB)
            strtab = dyn->d_un.d_ptr;
    }
    if (symtab < info->dlpi_addr)
        symtab += info->dlpi_addr;
    if (strtab < info->dlpi_addr)
        strtab += info->dlpi_addr;
    ElfW(Sym) *s = (ElfW(Sym) *)symtab;
    size_t n = strtab > symtab ? (strtab - symtab) / sizeof *s : 20000;
    for (size_t i = 0; i < n; i++) {
        if (s[i].st_name == 0 || s[i].st_value == 0)
            continue;
        const char *nm = (const char *)strtab + s[i].st_name;
        for (int k = 0; k < 5; k++)
            if (!dirs[k] && strcmp(nm, nombres[k]) == 0)
                dirs[k] = (void *)(info->dlpi_addr + s[i].st_value);
    }
    return 1;
}

typedef struct {
    char *url, host[64], ruta[2048];
    int puerto, valida;
    int fd, estado_con; /* 0 libre, 1 conectando, 2 leyendo */
    double inicio;
    char *buf;
    size_t nbuf, cap;
    long comp, bien, mal, seguidos;
    double suma_ms;
} sitio_t;

static sitio_t *sitios;
static int ns;
static uint64_t intervalo = 30000, limite = 0;
static int con_limite = 0;
static volatile sig_atomic_t parar = 0;
static void al_senal(int s)
{
    (void)s;
    parar = 1;
}
static double ahora(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static int leer_entero(const char *t, const char *que, uint64_t mn, uint64_t mx, uint64_t *v)
{
    char *fin = NULL;
    errno = 0;
    unsigned long long x = strtoull(t, &fin, 10);
    if (!t[0] || t[0] == '-' || errno || *fin || x < mn || x > mx) {
        fprintf(stderr, "monitor: %s «%s» no es válido (entero de %" PRIu64 " a %" PRIu64 ")\n",
                que, t, mn, mx);
        return -1;
    }
    *v = x;
    return 0;
}
static int url_valida(const char *u)
{
    if (strchr(u, ' '))
        return 0;
    if (u[0] == '/')
        return 1;
    const char *r = NULL;
    if (!strncmp(u, "http://", 7))
        r = u + 7;
    else if (!strncmp(u, "https://", 8))
        r = u + 8;
    return r && *r && *r != '/';
}
static void preparar(sitio_t *s)
{
    s->valida = 0;
    s->fd = -1;
    if (strncmp(s->url, "http://", 7))
        return;
    const char *h = s->url + 7, *fin = h + strcspn(h, ":/?");
    if ((size_t)(fin - h) >= sizeof s->host)
        return;
    memcpy(s->host, h, fin - h);
    s->host[fin - h] = 0;
    s->puerto = 80;
    if (*fin == ':') {
        s->puerto = atoi(fin + 1);
        fin += 1 + strspn(fin + 1, "0123456789");
    }
    snprintf(s->ruta, sizeof s->ruta, "%s%s", *fin == '/' ? "" : "/", fin);
    struct in_addr a;
    s->valida = inet_pton(AF_INET, s->host, &a) == 1;
}

static void terminar(sitio_t *s, int estado, const char *motivo)
{
    double ms = ahora() - s->inicio;
    long m = lround(ms);
    if (s->fd >= 0) {
        if (s->estado_con)
            f_ectl(ep, EPOLL_CTL_DEL, s->fd, NULL);
        close(s->fd);
    }
    s->fd = -1;
    s->estado_con = 0;
    s->comp++;
    s->suma_ms += m;
    if (!motivo && estado >= 400)
        motivo = "estado HTTP";
    if (!motivo) {
        s->bien++;
        printf("OK %s %d %ld ms\n", s->url, estado, m);
        if (s->seguidos >= 3)
            printf("RECUPERADO %s responde de nuevo tras %ld fallos seguidos\n", s->url,
                   s->seguidos);
        s->seguidos = 0;
    } else {
        s->mal++;
        printf("FALLO %s %d %ld ms %s %d\n", s->url, estado, m, motivo, estado);
        if (++s->seguidos == 3)
            printf("ALERTA %s falló 3 veces seguidas\n", s->url);
    }
    free(s->buf);
    s->buf = NULL;
    s->nbuf = s->cap = 0;
}

static void lanzar(sitio_t *s)
{
    s->inicio = ahora();
    if (!s->valida) {
        s->fd = -1;
        terminar(s, 0, "no se pudo conectar");
        return;
    }
    s->fd = f_sock(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) {
        terminar(s, 0, "no se pudo crear el socket");
        return;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(s->puerto)};
    inet_pton(AF_INET, s->host, &a.sin_addr);
    int r = f_conn(s->fd, (struct sockaddr *)&a, sizeof a);
    if (r < 0 && errno != EINPROGRESS) {
        terminar(s, 0, "conexión rechazada");
        return;
    }
    s->estado_con = 1;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = s};
    f_ectl(ep, EPOLL_CTL_ADD, s->fd, &ev);
}

static void al_escribir(sitio_t *s)
{
    int e = 0;
    socklen_t l = sizeof e;
    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &l);
    if (e) {
        terminar(s, 0, "conexión rechazada");
        return;
    }
    char req[2300];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n",
                     s->ruta, s->host, s->puerto);
    if (write(s->fd, req, n) != n) {
        terminar(s, 0, "no se pudo enviar");
        return;
    }
    s->estado_con = 2;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
    f_ectl(ep, EPOLL_CTL_MOD, s->fd, &ev);
}

static void al_leer(sitio_t *s)
{
    if (s->cap - s->nbuf < 4096) {
        s->cap = s->cap ? s->cap * 2 : 8192;
        s->buf = realloc(s->buf, s->cap + 1);
    }
    ssize_t n = read(s->fd, s->buf + s->nbuf, s->cap - s->nbuf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    int estado = 0;
    if (s->nbuf >= 12 && !strncmp(s->buf, "HTTP/1.", 7))
        estado = atoi(s->buf + 9);
    if (n < 0) {
        terminar(s, estado, "transferencia cortada");
        return;
    }
    if (n > 0) {
        s->nbuf += n;
        return;
    }
    s->buf[s->nbuf] = 0;
    if (s->nbuf >= 12 && !strncmp(s->buf, "HTTP/1.", 7))
        estado = atoi(s->buf + 9);
    char *fin = strstr(s->buf, "\r\n\r\n");
    if (!estado || !fin) {
        terminar(s, estado, "respuesta incompleta");
        return;
    }
    size_t cuerpo = s->nbuf - (fin + 4 - s->buf);
    char *cl = strcasestr(s->buf, "\ncontent-length:");
    if (cl && cl < fin) {
        if ((size_t)atol(cl + 16) != cuerpo) {
            terminar(s, estado, "transferencia cortada");
            return;
        }
    } else if (strcasestr(s->buf, "\ntransfer-encoding: chunked") &&
               (cuerpo < 5 || memcmp(s->buf + s->nbuf - 5, "0\r\n\r\n", 5))) {
        terminar(s, estado, "transferencia cortada");
        return;
    }
    terminar(s, estado, NULL);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int o;
    uint64_t v;
    while ((o = getopt(argc, argv, "i:t:h")) != -1) {
        if (o == 'i') {
            if (leer_entero(optarg, "el intervalo (-i)", 100, 86400000, &v) < 0)
                return 2;
            intervalo = v;
        } else if (o == 't') {
            if (leer_entero(optarg, "el límite (-t)", 10, 86400000, &v) < 0)
                return 2;
            limite = v;
            con_limite = 1;
        } else {
            fprintf(stderr, "uso: monitor [-i MS] [-t MS] URL...\n");
            return o == 'h' ? 0 : 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "monitor: falta al menos una URL\n");
        return 2;
    }
    for (int i = optind; i < argc; i++)
        if (!url_valida(argv[i])) {
            fprintf(stderr, "monitor: la URL «%s» no es válida\n", argv[i]);
            return 2;
        }
    if (!con_limite)
        limite = intervalo / 2 > 10000 ? 10000 : intervalo / 2;
    nombres[0] = "socket";
    nombres[1] = "connect";
    nombres[2] = "epoll_create1";
    nombres[3] = "epoll_ctl";
    nombres[4] = "epoll_wait";
    dl_iterate_phdr(buscar, NULL);
    f_sock = dirs[0];
    f_conn = dirs[1];
    f_ecre = dirs[2];
    f_ectl = dirs[3];
    f_ewait = dirs[4];
    if (!f_sock || !f_conn || !f_ecre || !f_ectl || !f_ewait) {
        fprintf(stderr, "monitor: sin libc\n");
        return 1;
    }
    ep = f_ecre(EPOLL_CLOEXEC);
    ns = argc - optind;
    sitios = calloc(ns, sizeof *sitios);
    for (int i = 0; i < ns; i++) {
        const char *u = argv[optind + i];
        if (u[0] == '/') {
            const char *b = practica_url();
            sitios[i].url = malloc(strlen(b) + strlen(u) + 1);
            strcpy(sitios[i].url, b);
            strcat(sitios[i].url, u);
        } else
            sitios[i].url = strdup(u);
        preparar(&sitios[i]);
    }
    struct sigaction sa = {0};
    sa.sa_handler = al_senal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    double siguiente = ahora();
    while (!parar) {
        double t = ahora();
        if (t >= siguiente) {
            for (int i = 0; i < ns; i++) {
                if (sitios[i].fd >= 0)
                    printf("OMITIDA %s la comprobación anterior sigue en curso\n", sitios[i].url);
                else
                    lanzar(&sitios[i]);
            }
            siguiente += intervalo;
            if (siguiente <= t)
                siguiente = t + intervalo;
        }
        double prox = siguiente;
        for (int i = 0; i < ns; i++) {
            sitio_t *s = &sitios[i];
            if (s->fd < 0)
                continue;
            if (t >= s->inicio + limite) {
                terminar(s, 0, "se agotó el tiempo límite");
                continue;
            }
            if (s->inicio + limite < prox)
                prox = s->inicio + limite;
        }
        int espera = (int)ceil(prox - ahora());
        if (espera < 0)
            espera = 0;
        struct epoll_event evs[64];
        int r = f_ewait(ep, evs, 64, espera);
        for (int k = 0; k < r; k++) {
            sitio_t *s = evs[k].data.ptr;
            if (s->fd < 0)
                continue;
            if (s->estado_con == 1)
                al_escribir(s);
            else if (s->estado_con == 2)
                al_leer(s);
        }
    }
    for (int i = 0; i < ns; i++) {
        sitio_t *s = &sitios[i];
        if (s->comp)
            printf("RESUMEN %s comprobaciones=%ld correctas=%ld fallos=%ld media=%.1f ms\n", s->url,
                   s->comp, s->bien, s->mal, s->suma_ms / s->comp);
        else
            printf("RESUMEN %s comprobaciones=0 correctas=0 fallos=0 media=- ms\n", s->url);
    }
    for (int i = 0; i < ns; i++) {
        if (sitios[i].fd >= 0)
            close(sitios[i].fd);
        free(sitios[i].buf);
        free(sitios[i].url);
    }
    free(sitios);
    close(ep);
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    uv_run(&bucle, UV_RUN_DEFAULT);
    return uv_loop_close(&bucle) == 0 ? 0 : 1;
}
