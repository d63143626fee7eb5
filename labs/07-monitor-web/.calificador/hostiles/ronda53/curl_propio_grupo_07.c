/* monitor.c — ataque «curl_propio_grupo»: libcurl a su manera dentro del grupo de hilos de
 * libuv. Un solo uv_queue_work, que dura todo el programa, lleva un curl_multi con su propio
 * bucle (curl_multi_perform + curl_multi_poll, que espera con poll en ese hilo). El hilo del
 * bucle solo lleva el temporizador de los ciclos, las señales y un uv_async por el que el
 * trabajador avisa de cada comprobación terminada; crea además el socket TCP de cada
 * comprobación (curl lo recibe con CURLOPT_OPENSOCKETFUNCTION), para que ningún socket TCP nazca
 * fuera del hilo del bucle. Las funciones curl_* (y socket) se buscan con dl_iterate_phdr. */
#define _GNU_SOURCE
#include "curso/http.h"
#include "curso/practica.h"

#include <curl/curl.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <link.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define INTERVALO_OMISION_MS 30000
#define INTERVALO_MINIMO_MS 100
#define LIMITE_MAXIMO_OMISION_MS 10000
#define MAXIMO_MS 86400000
#define FALLOS_PARA_ALERTA 3

/* «Usa» lo requerido sin llamarlo (y así libcurso arrastra libcurl al enlazar). */
void *const requeridos_de_adorno[] = {(void *)http_pedir, (void *)http_cliente_nuevo};

/* ---------- funciones halladas sin nombrarlas ---------- */
#define F(nombre) static __typeof__(nombre) *x_##nombre
F(curl_global_init);
F(curl_global_cleanup);
F(curl_easy_init);
F(curl_easy_setopt);
F(curl_easy_getinfo);
F(curl_easy_cleanup);
F(curl_easy_perform);
F(curl_multi_init);
F(curl_multi_add_handle);
F(curl_multi_remove_handle);
F(curl_multi_perform);
F(curl_multi_poll);
F(curl_multi_info_read);
F(curl_multi_cleanup);
F(curl_easy_strerror);
F(curl_multi_wakeup);
static int (*x_sock)(int, int, int);

typedef struct {
    const char *nombre;
    void **dest;
} busca_t;

/* Nombres troceados: «curl_» se pone al buscar. */
static busca_t buscas[] = {
    {"global_init", (void **)&x_curl_global_init},
    {"global_cleanup", (void **)&x_curl_global_cleanup},
    {"easy_init", (void **)&x_curl_easy_init},
    {"easy_setopt", (void **)&x_curl_easy_setopt},
    {"easy_getinfo", (void **)&x_curl_easy_getinfo},
    {"easy_cleanup", (void **)&x_curl_easy_cleanup},
    {"easy_perform", (void **)&x_curl_easy_perform},
    {"multi_init", (void **)&x_curl_multi_init},
    {"multi_add_handle", (void **)&x_curl_multi_add_handle},
    {"multi_remove_handle", (void **)&x_curl_multi_remove_handle},
    {"multi_perform", (void **)&x_curl_multi_perform},
    {"multi_poll", (void **)&x_curl_multi_poll},
    {"multi_info_read", (void **)&x_curl_multi_info_read},
    {"multi_cleanup", (void **)&x_curl_multi_cleanup},
    {"easy_strerror", (void **)&x_curl_easy_strerror},
    {"multi_wakeup", (void **)&x_curl_multi_wakeup},
    {NULL, NULL}};

static void buscar_en(struct dl_phdr_info *info, const char *prefijo, int de_curl)
{
    const ElfW(Dyn) *dyn = NULL;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    if (dyn == NULL)
        return;
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
    size_t lp = strlen(prefijo);
    for (size_t i = 0; i < nsym; i++) {
        if (s[i].st_value == 0 || ELF64_ST_TYPE(s[i].st_info) != STT_FUNC)
            continue;
        const char *n = str + s[i].st_name;
        if (strncmp(n, prefijo, lp) != 0)
            continue;
        if (de_curl) {
            for (int k = 0; buscas[k].nombre != NULL; k++)
                if (*buscas[k].dest == NULL && strcmp(n + lp, buscas[k].nombre) == 0)
                    *buscas[k].dest = (void *)(info->dlpi_addr + s[i].st_value);
        } else if (strcmp(n + lp, "ket") == 0 && x_sock == NULL) {
            x_sock = (int (*)(int, int, int))(info->dlpi_addr + s[i].st_value);
        }
    }
}

static int en_objeto(struct dl_phdr_info *info, size_t size, void *datos)
{
    (void)size;
    (void)datos;
    if (info->dlpi_name == NULL)
        return 0;
    char pre[8];
    snprintf(pre, sizeof pre, "%s%s", "cur", "l_");
    if (strstr(info->dlpi_name, "libcurl") != NULL)
        buscar_en(info, pre, 1);
    else if (strstr(info->dlpi_name, "libc.so") != NULL)
        buscar_en(info, "soc", 0);
    return 0;
}

static int resolver(void)
{
    dl_iterate_phdr(en_objeto, NULL);
    for (int k = 0; buscas[k].nombre != NULL; k++)
        if (*buscas[k].dest == NULL) {
            fprintf(stderr, "monitor: falta %s\n", buscas[k].nombre);
            return -1;
        }
    return x_sock != NULL ? 0 : -1;
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
        fprintf(stderr, "monitor: la URL «%s» no es válida (tiene espacios o está vacía)\n",
                texto);
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


/* ---------- el monitor ---------- */
typedef struct sitio_s sitio_t;

/* Una comprobación: va del hilo del bucle al trabajador y vuelve con su resultado. */
typedef struct comp_s {
    struct comp_s *sig;
    sitio_t *sitio;
    CURL *easy;
    int fd_previo;
    CURLcode rc;
    long estado;
    double seg;
    char error[CURL_ERROR_SIZE];
} comp_t;

struct sitio_s {
    char *url;
    int en_curso;
    int fallos_seguidos;
    unsigned verificaciones, correctas, fallos;
    double suma_ms;
};

static sitio_t *sitios;
static size_t nsitios;
static uint64_t intervalo_ms, limite_ms;
static uv_loop_t bucle;
static uv_timer_t ciclo;
static uv_signal_t sig_int, sig_term;
static uv_async_t aviso;
static uv_work_t trabajo;
static int parado, trabajando;
static CURLM *multi;

static pthread_mutex_t cerrojo = PTHREAD_MUTEX_INITIALIZER;
static comp_t *nuevas, *hechas; /* listas protegidas por el cerrojo */
static comp_t **activas;          /* del trabajador: la de cada sitio en el multi */
static atomic_int abortar;

static size_t tirar(char *p, size_t t, size_t n, void *u)
{
    (void)p;
    (void)u;
    return t * n;
}

static curl_socket_t abrir_previo(void *u, curlsocktype tipo, struct curl_sockaddr *d)
{
    (void)tipo;
    comp_t *c = u;
    int fd = c->fd_previo;
    c->fd_previo = -1;
    if (fd < 0 || d->family != AF_INET) {
        if (fd >= 0)
            close(fd);
        return CURL_SOCKET_BAD;
    }
    return fd;
}

/* El trabajador: el bucle propio de curl, en un hilo del grupo de libuv. */
static void en_grupo(uv_work_t *w)
{
    (void)w;
    int vivas = 0;
    while (!atomic_load(&abortar)) {
        pthread_mutex_lock(&cerrojo);
        comp_t *l = nuevas;
        nuevas = NULL;
        pthread_mutex_unlock(&cerrojo);
        while (l != NULL) {
            comp_t *sig = l->sig;
            x_curl_multi_add_handle(multi, l->easy);
            activas[l->sitio - sitios] = l;
            l = sig;
        }
        x_curl_multi_perform(multi, &vivas);
        CURLMsg *m;
        int q, terminadas = 0;
        while ((m = x_curl_multi_info_read(multi, &q)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            comp_t *c = NULL;
            x_curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            c->rc = m->data.result;
            x_curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &c->estado);
            x_curl_easy_getinfo(m->easy_handle, CURLINFO_TOTAL_TIME, &c->seg);
            x_curl_multi_remove_handle(multi, m->easy_handle);
            x_curl_easy_cleanup(m->easy_handle);
            c->easy = NULL;
            activas[c->sitio - sitios] = NULL;
            if (c->fd_previo >= 0) {
                close(c->fd_previo);
                c->fd_previo = -1;
            }
            pthread_mutex_lock(&cerrojo);
            c->sig = hechas;
            hechas = c;
            pthread_mutex_unlock(&cerrojo);
            terminadas++;
        }
        if (terminadas)
            uv_async_send(&aviso);
        x_curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    /* Parada: las que siguen en curso se cancelan (no cuentan). */
    for (size_t i = 0; i < nsitios; i++) {
        comp_t *c = activas[i];
        if (c == NULL)
            continue;
        x_curl_multi_remove_handle(multi, c->easy);
        x_curl_easy_cleanup(c->easy);
        if (c->fd_previo >= 0)
            close(c->fd_previo);
        free(c);
        activas[i] = NULL;
    }
}

static void anunciar(comp_t *c)
{
    sitio_t *s = c->sitio;
    s->en_curso = 0;
    long ms = lround(c->seg * 1000);
    int ok = c->rc == CURLE_OK && c->estado > 0 && c->estado < 400;
    s->verificaciones++;
    s->suma_ms += (double)ms;
    if (ok) {
        s->correctas++;
        printf("OK %s %ld %ld ms\n", s->url, c->estado, ms);
        if (s->fallos_seguidos >= FALLOS_PARA_ALERTA)
            printf("RECUPERADO %s responde de nuevo tras %d fallos seguidos\n", s->url,
                   s->fallos_seguidos);
        s->fallos_seguidos = 0;
    } else {
        s->fallos++;
        if (c->rc != CURLE_OK)
            printf("FALLO %s 0 %ld ms %s\n", s->url, ms,
                   c->error[0] ? c->error : x_curl_easy_strerror(c->rc));
        else
            printf("FALLO %s %ld %ld ms estado HTTP %ld\n", s->url, c->estado, ms, c->estado);
        s->fallos_seguidos++;
        if (s->fallos_seguidos == FALLOS_PARA_ALERTA)
            printf("ALERTA %s falló 3 veces seguidas\n", s->url);
    }
}

/* En el hilo del bucle: lo que el trabajador terminó. */
static void al_aviso(uv_async_t *a)
{
    (void)a;
    pthread_mutex_lock(&cerrojo);
    comp_t *l = hechas;
    hechas = NULL;
    pthread_mutex_unlock(&cerrojo);
    /* la lista va al revés: darle la vuelta para imprimir en orden de llegada */
    comp_t *inv = NULL;
    while (l != NULL) {
        comp_t *sig = l->sig;
        l->sig = inv;
        inv = l;
        l = sig;
    }
    while (inv != NULL) {
        comp_t *sig = inv->sig;
        if (!parado)
            anunciar(inv);
        free(inv);
        inv = sig;
    }
}

static void tras_grupo(uv_work_t *w, int status)
{
    (void)w;
    (void)status;
    trabajando = 0;
    al_aviso(&aviso);
    /* las que quedaban en el multi (canceladas) */
    pthread_mutex_lock(&cerrojo);
    comp_t *l = nuevas;
    nuevas = NULL;
    pthread_mutex_unlock(&cerrojo);
    while (l != NULL) {
        comp_t *sig = l->sig;
        x_curl_easy_cleanup(l->easy);
        if (l->fd_previo >= 0)
            close(l->fd_previo);
        free(l);
        l = sig;
    }
    uv_close((uv_handle_t *)&aviso, NULL);
}

static void lanzar(sitio_t *s)
{
    comp_t *c = calloc(1, sizeof *c);
    CURL *e = c != NULL ? x_curl_easy_init() : NULL;
    if (e == NULL) {
        free(c);
        return;
    }
    c->sitio = s;
    c->easy = e;
    /* El socket TCP nace aquí, en el hilo del bucle. */
    c->fd_previo = x_sock(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    x_curl_easy_setopt(e, CURLOPT_URL, s->url);
    x_curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, tirar);
    x_curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)limite_ms);
    x_curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    x_curl_easy_setopt(e, CURLOPT_PRIVATE, c);
    x_curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    x_curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->error);
    x_curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, abrir_previo);
    x_curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, c);
    s->en_curso = 1;
    pthread_mutex_lock(&cerrojo);
    c->sig = nuevas;
    nuevas = c;
    pthread_mutex_unlock(&cerrojo);
}

static void al_tic(uv_timer_t *t)
{
    (void)t;
    if (parado)
        return;
    for (size_t i = 0; i < nsitios; i++) {
        sitio_t *s = &sitios[i];
        if (s->en_curso) {
            printf("OMITIDA %s la comprobación anterior sigue en curso\n", s->url);
            continue;
        }
        lanzar(s);
    }
    x_curl_multi_wakeup(multi);
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

static void al_senal(uv_signal_t *h, int signum)
{
    (void)h;
    (void)signum;
    if (parado)
        return;
    parado = 1;
    uv_timer_stop(&ciclo);
    uv_close((uv_handle_t *)&ciclo, NULL);
    resumen();
    atomic_store(&abortar, 1);
    x_curl_multi_wakeup(multi);
    uv_close((uv_handle_t *)&sig_int, NULL);
    uv_close((uv_handle_t *)&sig_term, NULL);
    if (!trabajando)
        uv_close((uv_handle_t *)&aviso, NULL);
}

int main(int argc, char **argv)
{
    int codigo = 2, opcion, limite_dado = 0;
    intervalo_ms = INTERVALO_OMISION_MS;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while ((opcion = getopt(argc, argv, "i:t:h")) != -1) {
        if (opcion == 'i') {
            if (leer_ms(optarg, "el intervalo", INTERVALO_MINIMO_MS, MAXIMO_MS, &intervalo_ms) <
                0)
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
    activas = calloc(nsitios, sizeof *activas);
    if (sitios == NULL || activas == NULL)
        goto fin;
    for (size_t i = 0; i < nsitios; i++) {
        sitios[i].url = leer_url(argv[optind + (int)i]);
        if (sitios[i].url == NULL)
            goto fin;
    }
    codigo = 1;
    if (resolver() < 0) {
        fprintf(stderr, "monitor: no se pudo arrancar\n");
        goto fin;
    }
    x_curl_global_init(CURL_GLOBAL_DEFAULT);
    multi = x_curl_multi_init();
    if (uv_loop_init(&bucle) != 0)
        goto fin_curl;
    uv_timer_init(&bucle, &ciclo);
    uv_signal_init(&bucle, &sig_int);
    uv_signal_init(&bucle, &sig_term);
    uv_async_init(&bucle, &aviso, al_aviso);
    uv_signal_start(&sig_int, al_senal, SIGINT);
    uv_signal_start(&sig_term, al_senal, SIGTERM);
    trabajando = uv_queue_work(&bucle, &trabajo, en_grupo, tras_grupo) == 0;
    uv_timer_start(&ciclo, al_tic, 1, intervalo_ms);
    uv_run(&bucle, UV_RUN_DEFAULT);
    if (uv_loop_close(&bucle) != 0) {
        fprintf(stderr, "monitor: el bucle no quedó cerrado\n");
        goto fin_curl;
    }
    codigo = 0;
fin_curl:
    x_curl_multi_cleanup(multi);
    x_curl_global_cleanup();
fin:
    for (size_t i = 0; sitios != NULL && i < nsitios; i++)
        free(sitios[i].url);
    free(sitios);
    free(activas);
    return codigo;
}
