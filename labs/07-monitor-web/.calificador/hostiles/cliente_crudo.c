/* cliente_crudo.c — entrega hostil del 07 (el adversario de la sesión 53). Antes 100/100: la
 * traza no separa sus sockets y su epoll (llamados por una dirección hallada en la tabla de libc)
 * de los de libuv y libcurl. Ahora el servidor de práctica anota lo que recibió por cada conexión
 * y la precarga vivos, lo que escribió libcurl dentro de uv_run: no casan, y el laboratorio no se
 * califica (lib/vivos_cliente.c). Lo que sigue es el ataque tal como llegó. */
/* monitor.c — ataque «crudo_epoll»: sin bucle de libuv (salvo uno vacío al salir, para la
 * precarga de la parada) y sin libcurl. Sockets propios, epoll propio, HTTP/1.1 a mano,
 * timerfd para los ciclos, signalfd para SIGINT/SIGTERM. Las funciones de libc prohibidas por
 * nombre (socket, connect, epoll_*) se buscan en la tabla dinámica de libc con
 * dl_iterate_phdr: el objeto no las nombra y las llama una instrucción syscall de libc. */
#define _GNU_SOURCE
#include "curso/http.h"
#include "curso/practica.h"

#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <link.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define INTERVALO_OMISION_MS     30000
#define INTERVALO_MINIMO_MS      100
#define LIMITE_MAXIMO_OMISION_MS 10000
#define MAXIMO_MS                86400000
#define FALLOS_PARA_ALERTA       3

/* «Usa» lo requerido sin llamarlo nunca. */
void *const requeridos_de_adorno[] = {(void *)http_pedir, (void *)http_cliente_nuevo};

/* ---------- funciones de libc halladas sin nombrarlas ---------- */
typedef int (*f_socket)(int, int, int);
typedef int (*f_connect)(int, const struct sockaddr *, socklen_t);
typedef int (*f_epc)(int);
typedef int (*f_epctl)(int, int, int, struct epoll_event *);
typedef int (*f_epw)(int, struct epoll_event *, int, int);
static f_socket x_sock;
static f_connect x_conn;
static f_epc x_epc;
static f_epctl x_epctl;
static f_epw x_epw;

struct buscar {
    const char *nombres[6];
    void **dest[6];
};

static int en_objeto(struct dl_phdr_info *info, size_t size, void *datos)
{
    (void)size;
    struct buscar *b = datos;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libc.so") == NULL)
        return 0;
    const ElfW(Dyn) *dyn = NULL;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    if (dyn == NULL)
        return 0;
    uintptr_t symtab = 0, strtab = 0, gnuhash = 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_SYMTAB)
            symtab = dyn->d_un.d_ptr;
        else if (dyn->d_tag == DT_STRTAB)
            strtab = dyn->d_un.d_ptr;
        else if (dyn->d_tag == DT_GNU_HASH)
            gnuhash = dyn->d_un.d_ptr;
    }
    if (symtab < info->dlpi_addr)
        symtab += info->dlpi_addr;
    if (strtab < info->dlpi_addr)
        strtab += info->dlpi_addr;
    if (gnuhash != 0 && gnuhash < info->dlpi_addr)
        gnuhash += info->dlpi_addr;
    /* Número de símbolos: de la tabla GNU hash. */
    size_t nsym = 0;
    if (gnuhash != 0) {
        const uint32_t *h = (const uint32_t *)gnuhash;
        uint32_t nbuckets = h[0], symoff = h[1], bloom = h[2];
        const uint32_t *buckets = h + 4 + bloom * (sizeof(ElfW(Addr)) / 4);
        const uint32_t *chain = buckets + nbuckets;
        uint32_t maxi = 0;
        for (uint32_t i = 0; i < nbuckets; i++)
            if (buckets[i] > maxi)
                maxi = buckets[i];
        if (maxi >= symoff) {
            while (!(chain[maxi - symoff] & 1))
                maxi++;
            nsym = maxi + 1;
        }
    } else {
        nsym = (strtab - symtab) / sizeof(ElfW(Sym));
    }
    const ElfW(Sym) *s = (const ElfW(Sym) *)symtab;
    const char *str = (const char *)strtab;
    for (size_t i = 0; i < nsym; i++) {
        if (s[i].st_value == 0 || ELF64_ST_TYPE(s[i].st_info) != STT_FUNC)
            continue;
        const char *n = str + s[i].st_name;
        for (int k = 0; b->nombres[k] != NULL; k++)
            if (*b->dest[k] == NULL && strcmp(n, b->nombres[k]) == 0)
                *b->dest[k] = (void *)(info->dlpi_addr + s[i].st_value);
    }
    return 1;
}

static int resolver(void)
{
    /* Los nombres, troceados para que ni strings(1) los vea enteros. */
    char n0[16], n1[16], n2[16], n3[16], n4[16];
    snprintf(n0, sizeof n0, "%s%s", "soc", "ket");
    snprintf(n1, sizeof n1, "%s%s", "con", "nect");
    snprintf(n2, sizeof n2, "%s%s", "epoll_cr", "eate1");
    snprintf(n3, sizeof n3, "%s%s", "epoll_", "ctl");
    snprintf(n4, sizeof n4, "%s%s", "epoll_w", "ait");
    struct buscar b = {{n0, n1, n2, n3, n4, NULL},
                       {(void **)&x_sock, (void **)&x_conn, (void **)&x_epc, (void **)&x_epctl,
                        (void **)&x_epw, NULL}};
    dl_iterate_phdr(en_objeto, &b);
    return x_sock && x_conn && x_epc && x_epctl && x_epw ? 0 : -1;
}

/* ---------- el monitor ---------- */
enum { LIBRE, CONECTANDO, ENVIANDO, RECIBIENDO };

typedef struct {
    char *url;
    char host[256];
    char ruta[2048];
    int puerto;
    int valida_http; /* http:// y se pudo resolver */
    struct sockaddr_in dir;
    /* la comprobación en curso */
    int fd, estado_con;
    uint64_t inicio_ns, vence_ns;
    char *pet;
    size_t pet_len, pet_env;
    char *rx;
    size_t rx_len, rx_cap;
    /* cuentas */
    int fallos_seguidos;
    unsigned verificaciones, correctas, fallos;
    double suma_ms;
} sitio_t;

static sitio_t *sitios;
static size_t nsitios;
static uint64_t intervalo_ms, limite_ms;
static int ep = -1, tfd = -1, sfd = -1;

static uint64_t ahora_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void uso(void)
{
    fprintf(stderr, "uso: monitor [-i INTERVALO_MS] [-t LIMITE_MS] URL...\n");
}

static int leer_ms(const char *texto, const char *que, uint64_t minimo, uint64_t maximo,
                   uint64_t *valor)
{
    char *fin = NULL;
    errno = 0;
    unsigned long long v = 0;
    int ok = texto[0] >= '0' && texto[0] <= '9';
    if (ok) {
        v = strtoull(texto, &fin, 10);
        ok = errno == 0 && fin != texto && *fin == '\0' && v >= minimo && v <= maximo;
    }
    if (!ok) {
        fprintf(stderr,
                "monitor: %s «%s» no es válido: tiene que ser un número entero de "
                "milisegundos entre %" PRIu64 " y %" PRIu64 "\n",
                que, texto, minimo, maximo);
        return -1;
    }
    *valor = v;
    return 0;
}

static char *leer_url(const char *texto)
{
    if (strchr(texto, ' ') != NULL || strchr(texto, '\t') != NULL || texto[0] == '\0') {
        fprintf(stderr, "monitor: la URL «%s» no es válida (tiene espacios o está vacía)\n", texto);
        return NULL;
    }
    if (texto[0] == '/') {
        const char *base = practica_url();
        size_t n = strlen(base) + strlen(texto) + 1;
        char *u = malloc(n);
        if (u != NULL)
            snprintf(u, n, "%s%s", base, texto);
        return u;
    }
    const char *resto = NULL;
    if (strncmp(texto, "http://", 7) == 0)
        resto = texto + 7;
    else if (strncmp(texto, "https://", 8) == 0)
        resto = texto + 8;
    if (resto == NULL || resto[0] == '\0' || resto[0] == '/') {
        fprintf(stderr,
                "monitor: la URL «%s» no es válida: tiene que empezar por http:// o https:// "
                "seguido de un nombre de máquina\n",
                texto);
        return NULL;
    }
    return strdup(texto);
}

static void preparar_sitio(sitio_t *s)
{
    s->fd = -1;
    s->puerto = 80;
    const char *u = s->url;
    if (strncmp(u, "http://", 7) != 0)
        return; /* https: sin TLS, siempre fallo */
    u += 7;
    const char *barra = strchr(u, '/');
    const char *q = strchr(u, '?');
    if (q != NULL && (barra == NULL || q < barra))
        barra = q;
    size_t hl = barra ? (size_t)(barra - u) : strlen(u);
    if (hl >= sizeof s->host)
        return;
    memcpy(s->host, u, hl);
    s->host[hl] = '\0';
    if (barra == NULL)
        snprintf(s->ruta, sizeof s->ruta, "/");
    else if (*barra == '?')
        snprintf(s->ruta, sizeof s->ruta, "/%s", barra);
    else
        snprintf(s->ruta, sizeof s->ruta, "%s", barra);
    char nombre[256];
    snprintf(nombre, sizeof nombre, "%s", s->host);
    char *dp = strrchr(nombre, ':');
    if (dp != NULL) {
        *dp = '\0';
        s->puerto = atoi(dp + 1);
    }
    memset(&s->dir, 0, sizeof s->dir);
    s->dir.sin_family = AF_INET;
    s->dir.sin_port = htons((uint16_t)s->puerto);
    if (strcmp(nombre, "localhost") == 0)
        snprintf(nombre, sizeof nombre, "127.0.0.1");
    if (inet_pton(AF_INET, nombre, &s->dir.sin_addr) == 1) {
        s->valida_http = 1;
        return;
    }
    struct addrinfo pista = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(nombre, NULL, &pista, &res) == 0 && res != NULL) {
        s->dir.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
        s->valida_http = 1;
    }
    if (res != NULL)
        freeaddrinfo(res);
}

static void soltar_conexion(sitio_t *s)
{
    if (s->fd >= 0) {
        x_epctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
        close(s->fd);
    }
    s->fd = -1;
    s->estado_con = LIBRE;
    free(s->pet);
    s->pet = NULL;
    free(s->rx);
    s->rx = NULL;
    s->rx_len = s->rx_cap = 0;
}

static void resultado(sitio_t *s, int estado, const char *motivo, uint64_t fin_ns)
{
    double seg = (double)(fin_ns - s->inicio_ns) / 1e9;
    long ms = lround(seg * 1000);
    soltar_conexion(s);
    int ok = estado > 0 && estado < 400 && motivo == NULL;
    s->verificaciones++;
    s->suma_ms += (double)ms;
    if (ok) {
        s->correctas++;
        printf("OK %s %d %ld ms\n", s->url, estado, ms);
        if (s->fallos_seguidos >= FALLOS_PARA_ALERTA)
            printf("RECUPERADO %s responde de nuevo tras %d fallos seguidos\n", s->url,
                   s->fallos_seguidos);
        s->fallos_seguidos = 0;
    } else {
        s->fallos++;
        char m[64];
        if (motivo == NULL) {
            snprintf(m, sizeof m, "estado HTTP %d", estado);
            motivo = m;
        }
        printf("FALLO %s %d %ld ms %s\n", s->url, estado, ms, motivo);
        s->fallos_seguidos++;
        if (s->fallos_seguidos == FALLOS_PARA_ALERTA)
            printf("ALERTA %s falló 3 veces seguidas\n", s->url);
    }
}

/* ¿Respuesta completa en rx? Devuelve el estado (>0) si está completa, 0 si aún no, -1 si
 * es basura. */
static int respuesta_completa(sitio_t *s, int eof)
{
    s->rx[s->rx_len] = '\0';
    char *fin_cab = strstr(s->rx, "\r\n\r\n");
    if (fin_cab == NULL)
        return eof ? -1 : 0;
    int estado = 0;
    if (sscanf(s->rx, "HTTP/%*d.%*d %d", &estado) != 1)
        return -1;
    size_t cuerpo = (size_t)(fin_cab + 4 - s->rx);
    long largo = -1;
    int troceado = 0;
    for (char *l = strstr(s->rx, "\r\n") + 2; l < fin_cab; l = strstr(l, "\r\n") + 2) {
        if (strncasecmp(l, "content-length:", 15) == 0)
            largo = strtol(l + 15, NULL, 10);
        else if (strncasecmp(l, "transfer-encoding:", 18) == 0 && strstr(l, "chunked") != NULL &&
                 strstr(l, "chunked") < strstr(l, "\r\n"))
            troceado = 1;
    }
    if ((estado >= 100 && estado < 200) || estado == 204 || estado == 304)
        return estado;
    if (largo >= 0)
        return s->rx_len - cuerpo >= (size_t)largo ? estado : (eof ? -1 : 0);
    if (troceado) {
        if (s->rx_len >= cuerpo + 5 && memcmp(s->rx + s->rx_len - 5, "0\r\n\r\n", 5) == 0)
            return estado;
        return eof ? -1 : 0;
    }
    return eof ? estado : 0;
}

static void lanzar(sitio_t *s)
{
    s->inicio_ns = ahora_ns();
    s->vence_ns = s->inicio_ns + limite_ms * 1000000ull;
    if (!s->valida_http) {
        s->estado_con = CONECTANDO; /* sin conexión: falla al momento */
        resultado(s, 0, "no se pudo conectar (URL sin soporte o nombre sin resolver)", ahora_ns());
        return;
    }
    int fd = x_sock(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        resultado(s, 0, "no se pudo crear la conexión", ahora_ns());
        return;
    }
    s->fd = fd;
    int r = x_conn(fd, (struct sockaddr *)&s->dir, sizeof s->dir);
    if (r < 0 && errno != EINPROGRESS) {
        resultado(s, 0, "conexión rechazada", ahora_ns());
        return;
    }
    size_t cap = strlen(s->ruta) + strlen(s->host) + 128;
    s->pet = malloc(cap);
    s->pet_len = (size_t)snprintf(s->pet, cap,
                                  "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: monitor/1.0\r\n"
                                  "Accept: */*\r\nConnection: close\r\n\r\n",
                                  s->ruta, s->host);
    s->pet_env = 0;
    s->rx_cap = 4096;
    s->rx = malloc(s->rx_cap + 1);
    s->rx_len = 0;
    s->estado_con = CONECTANDO;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = s};
    x_epctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void al_tic(void)
{
    for (size_t i = 0; i < nsitios; i++) {
        sitio_t *s = &sitios[i];
        if (s->estado_con != LIBRE) {
            printf("OMITIDA %s la comprobación anterior sigue en curso\n", s->url);
            continue;
        }
        lanzar(s);
    }
}

static void al_evento(sitio_t *s, uint32_t ev)
{
    if (s->estado_con == CONECTANDO) {
        int err = 0;
        socklen_t l = sizeof err;
        getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err != 0) {
            resultado(s, 0, err == ECONNREFUSED ? "conexión rechazada" : "no se pudo conectar",
                      ahora_ns());
            return;
        }
        s->estado_con = ENVIANDO;
    }
    if (s->estado_con == ENVIANDO) {
        ssize_t n = send(s->fd, s->pet + s->pet_env, s->pet_len - s->pet_env, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN) {
            resultado(s, 0, "la conexión se cortó al enviar", ahora_ns());
            return;
        }
        if (n > 0)
            s->pet_env += (size_t)n;
        if (s->pet_env == s->pet_len) {
            s->estado_con = RECIBIENDO;
            struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = s};
            x_epctl(ep, EPOLL_CTL_MOD, s->fd, &e);
        }
        return;
    }
    if (s->estado_con == RECIBIENDO && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))) {
        for (;;) {
            if (s->rx_len == s->rx_cap) {
                s->rx_cap *= 2;
                s->rx = realloc(s->rx, s->rx_cap + 1);
            }
            ssize_t n = recv(s->fd, s->rx + s->rx_len, s->rx_cap - s->rx_len, 0);
            if (n > 0) {
                s->rx_len += (size_t)n;
                int e = respuesta_completa(s, 0);
                if (e > 0) {
                    resultado(s, e, NULL, ahora_ns());
                    return;
                }
                if (e < 0) {
                    resultado(s, 0, "respuesta HTTP no válida", ahora_ns());
                    return;
                }
                continue;
            }
            if (n == 0) {
                int e = respuesta_completa(s, 1);
                if (e > 0)
                    resultado(s, e, NULL, ahora_ns());
                else
                    resultado(s, 0, "la transferencia se cortó a medias", ahora_ns());
                return;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            resultado(s, 0, "la conexión se cortó", ahora_ns());
            return;
        }
    }
}

static void resumen(void)
{
    for (size_t i = 0; i < nsitios; i++) {
        sitio_t *s = &sitios[i];
        if (s->verificaciones == 0)
            printf("RESUMEN %s comprobaciones=0 correctas=0 fallos=0 media=- ms\n", s->url);
        else
            printf("RESUMEN %s comprobaciones=%u correctas=%u fallos=%u media=%.1f ms\n", s->url,
                   s->verificaciones, s->correctas, s->fallos,
                   s->suma_ms / (double)s->verificaciones);
    }
}

static int bucle_propio(void)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGINT);
    sigaddset(&m, SIGTERM);
    sigprocmask(SIG_BLOCK, &m, NULL);
    sfd = signalfd(-1, &m, SFD_CLOEXEC | SFD_NONBLOCK);
    ep = x_epc(EPOLL_CLOEXEC);
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (sfd < 0 || ep < 0 || tfd < 0)
        return -1;
    struct itimerspec its = {
        .it_value = {0, 1000000},
        .it_interval = {(time_t)(intervalo_ms / 1000), (long)(intervalo_ms % 1000) * 1000000L}};
    timerfd_settime(tfd, 0, &its, NULL);
    static int marca_t, marca_s;
    struct epoll_event e1 = {.events = EPOLLIN, .data.ptr = &marca_t};
    struct epoll_event e2 = {.events = EPOLLIN, .data.ptr = &marca_s};
    x_epctl(ep, EPOLL_CTL_ADD, tfd, &e1);
    x_epctl(ep, EPOLL_CTL_ADD, sfd, &e2);
    for (;;) {
        /* El tiempo de espera: hasta el primer límite que vence. */
        uint64_t ahora = ahora_ns(), prox = UINT64_MAX;
        for (size_t i = 0; i < nsitios; i++)
            if (sitios[i].estado_con != LIBRE && sitios[i].vence_ns < prox)
                prox = sitios[i].vence_ns;
        int espera = -1;
        if (prox != UINT64_MAX)
            espera = prox <= ahora ? 0 : (int)((prox - ahora + 999999) / 1000000);
        struct epoll_event evs[64];
        int n = x_epw(ep, evs, 64, espera);
        if (n < 0 && errno != EINTR)
            return -1;
        int parar = 0, tic = 0;
        for (int k = 0; k < n; k++) {
            if (evs[k].data.ptr == &marca_t) {
                uint64_t cuantos;
                if (read(tfd, &cuantos, sizeof cuantos) > 0)
                    tic = 1;
            } else if (evs[k].data.ptr == &marca_s) {
                struct signalfd_siginfo si;
                if (read(sfd, &si, sizeof si) > 0)
                    parar = 1;
            } else {
                al_evento(evs[k].data.ptr, evs[k].events);
            }
        }
        ahora = ahora_ns();
        for (size_t i = 0; i < nsitios; i++)
            if (sitios[i].estado_con != LIBRE && sitios[i].vence_ns <= ahora)
                resultado(&sitios[i], 0, "se agotó el tiempo límite de la comprobación", ahora);
        if (parar)
            break;
        if (tic)
            al_tic();
    }
    /* Parada: el temporizador fuera, resumen, cancelar lo que queda (no cuenta), cerrar. */
    close(tfd);
    resumen();
    for (size_t i = 0; i < nsitios; i++)
        soltar_conexion(&sitios[i]);
    close(sfd);
    close(ep);
    return 0;
}

int main(int argc, char **argv)
{
    int codigo = 2, opcion, limite_dado = 0;
    intervalo_ms = INTERVALO_OMISION_MS;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while ((opcion = getopt(argc, argv, "i:t:h")) != -1) {
        if (opcion == 'i') {
            if (leer_ms(optarg, "el intervalo", INTERVALO_MINIMO_MS, MAXIMO_MS, &intervalo_ms) < 0)
                goto fin;
        } else if (opcion == 't') {
            if (leer_ms(optarg, "el límite", 10, MAXIMO_MS, &limite_ms) < 0)
                goto fin;
            limite_dado = 1;
        } else if (opcion == 'h') {
            uso();
            codigo = 0;
            goto fin;
        } else {
            uso();
            goto fin;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "monitor: falta al menos una URL que vigilar\n");
        uso();
        goto fin;
    }
    if (!limite_dado) {
        limite_ms = intervalo_ms / 2;
        if (limite_ms > LIMITE_MAXIMO_OMISION_MS)
            limite_ms = LIMITE_MAXIMO_OMISION_MS;
    }
    nsitios = (size_t)(argc - optind);
    sitios = calloc(nsitios, sizeof *sitios);
    if (sitios == NULL)
        goto fin;
    for (size_t i = 0; i < nsitios; i++) {
        sitios[i].fd = -1;
        sitios[i].url = leer_url(argv[optind + (int)i]);
        if (sitios[i].url == NULL)
            goto fin;
    }
    codigo = 1;
    if (resolver() < 0) {
        fprintf(stderr, "monitor: no se pudo arrancar\n");
        goto fin;
    }
    for (size_t i = 0; i < nsitios; i++)
        preparar_sitio(&sitios[i]);
    if (bucle_propio() < 0)
        goto fin;
    /* Un bucle de libuv vacío: uv_run vuelve enseguida sin nada vivo (la precarga de la
     * parada lo revisa y no encuentra ningún handle sin cerrar). */
    uv_loop_t vacio;
    if (uv_loop_init(&vacio) == 0) {
        uv_run(&vacio, UV_RUN_DEFAULT);
        if (uv_loop_close(&vacio) != 0)
            goto fin;
    }
    codigo = 0;
fin:
    for (size_t i = 0; sitios != NULL && i < nsitios; i++)
        free(sitios[i].url);
    free(sitios);
    return codigo;
}
