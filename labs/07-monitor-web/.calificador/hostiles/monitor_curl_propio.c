/* monitor_curl_propio.c — entrega hostil del 07: el monitor sin el bucle de libuv ni
 * http_pedir. Mueve libcurl con su propio bucle (curl_multi_perform y curl_multi_poll) en el
 * hilo principal; las funciones de libcurl se buscan en su tabla de símbolos con
 * dl_iterate_phdr, sin nombrarlas. Los sockets los crea libcurl (en su pila hay libcurl, no
 * libuv), y poll no se para en el 07. Al final, un bucle de libuv vacío (init, run, close).
 * Con la regla de la pila que aceptaba cualquier marco de libcurl, pasaba como http_pedir. */
#define _GNU_SOURCE
#include "curso/practica.h"
#include "curso/http.h"
#include <curl/curl.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <link.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

/* Solo para que el nombre esté (el aviso de «requeridos» mira los nombres): nunca se llama. */
void *volatile no_se_usa = (void *)&http_pedir;

enum {
    F_MINIT,
    F_EINIT,
    F_SETOPT,
    F_ADD,
    F_REMOVE,
    F_PERFORM,
    F_POLL,
    F_INFO,
    F_GETINFO,
    F_ECLEAN,
    F_N
};
static const char *const nombres[F_N] = {
    "curl_multi_init",          "curl_easy_init",     "curl_easy_setopt", "curl_multi_add_handle",
    "curl_multi_remove_handle", "curl_multi_perform", "curl_multi_poll",  "curl_multi_info_read",
    "curl_easy_getinfo",        "curl_easy_cleanup"};
static void *dirs[F_N];

static int buscar(struct dl_phdr_info *info, size_t sz, void *d)
{
    (void)sz;
    (void)d;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libcurl") == NULL)
        return 0;
    ElfW(Dyn) *dyn = NULL;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            dyn = (ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    if (dyn == NULL)
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
        for (int k = 0; k < F_N; k++)
            if (dirs[k] == NULL && strcmp(nm, nombres[k]) == 0)
                dirs[k] = (void *)(info->dlpi_addr + s[i].st_value);
    }
    return 1;
}

typedef struct {
    char *url;
    CURL *easy;
    double inicio;
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
static size_t tirar(char *p, size_t t, size_t n, void *u)
{
    (void)p;
    (void)u;
    return t * n;
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

static CURLM *multi;

static void lanzar(sitio_t *s)
{
    CURL *(*e_init)(void) = dirs[F_EINIT];
    CURLcode (*setopt)(CURL *, CURLoption, ...) = dirs[F_SETOPT];
    CURLMcode (*add)(CURLM *, CURL *) = dirs[F_ADD];
    s->inicio = ahora();
    s->easy = e_init();
    setopt(s->easy, CURLOPT_URL, s->url);
    setopt(s->easy, CURLOPT_WRITEFUNCTION, tirar);
    setopt(s->easy, CURLOPT_TIMEOUT_MS, (long)limite);
    setopt(s->easy, CURLOPT_PRIVATE, (void *)s);
    add(multi, s->easy);
}

static void terminar(sitio_t *s, CURLcode r)
{
    CURLcode (*getinfo)(CURL *, CURLINFO, ...) = dirs[F_GETINFO];
    CURLMcode (*quitar)(CURLM *, CURL *) = dirs[F_REMOVE];
    void (*limpiar)(CURL *) = dirs[F_ECLEAN];
    long estado = 0, m = lround(ahora() - s->inicio);
    getinfo(s->easy, CURLINFO_RESPONSE_CODE, &estado);
    quitar(multi, s->easy);
    limpiar(s->easy);
    s->easy = NULL;
    s->comp++;
    s->suma_ms += m;
    const char *motivo = r == CURLE_OPERATION_TIMEDOUT ? "se agotó el tiempo límite"
                         : r != CURLE_OK               ? "no se pudo conectar"
                         : estado >= 400               ? "estado HTTP"
                                                       : NULL;
    if (motivo == NULL) {
        s->bien++;
        printf("OK %s %ld %ld ms\n", s->url, estado, m);
        if (s->seguidos >= 3)
            printf("RECUPERADO %s responde de nuevo tras %ld fallos seguidos\n", s->url,
                   s->seguidos);
        s->seguidos = 0;
    } else {
        s->mal++;
        printf("FALLO %s %ld %ld ms %s %ld\n", s->url, estado, m, motivo, estado);
        if (++s->seguidos == 3)
            printf("ALERTA %s falló 3 veces seguidas\n", s->url);
    }
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
    dl_iterate_phdr(buscar, NULL);
    for (int k = 0; k < F_N; k++)
        if (dirs[k] == NULL) {
            fprintf(stderr, "monitor: sin libcurl\n");
            return 1;
        }
    CURLM *(*m_init)(void) = dirs[F_MINIT];
    CURLMcode (*perform)(CURLM *, int *) = dirs[F_PERFORM];
    CURLMcode (*sondear)(CURLM *, struct curl_waitfd *, unsigned, int, int *) = dirs[F_POLL];
    CURLMsg *(*info_read)(CURLM *, int *) = dirs[F_INFO];
    CURLcode (*getinfo)(CURL *, CURLINFO, ...) = dirs[F_GETINFO];
    multi = m_init();
    ns = argc - optind;
    sitios = calloc(ns, sizeof *sitios);
    for (int i = 0; i < ns; i++) {
        const char *u = argv[optind + i];
        if (u[0] == '/') {
            const char *b = practica_url();
            size_t l = strlen(b) + strlen(u) + 1;
            sitios[i].url = malloc(l);
            snprintf(sitios[i].url, l, "%s%s", b, u);
        } else
            sitios[i].url = strdup(u);
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
                if (sitios[i].easy != NULL)
                    printf("OMITIDA %s la comprobación anterior sigue en curso\n", sitios[i].url);
                else
                    lanzar(&sitios[i]);
            }
            siguiente += intervalo;
            if (siguiente <= t)
                siguiente = t + intervalo;
        }
        int corriendo = 0, quedan = 0;
        perform(multi, &corriendo);
        CURLMsg *msg;
        while ((msg = info_read(multi, &quedan)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            sitio_t *s = NULL;
            getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            terminar(s, msg->data.result);
        }
        int espera = (int)ceil(siguiente - ahora());
        if (espera > 50)
            espera = 50;
        if (espera < 0)
            espera = 0;
        sondear(multi, NULL, 0, espera, NULL);
    }
    for (int i = 0; i < ns; i++) {
        sitio_t *s = &sitios[i];
        if (s->comp)
            printf("RESUMEN %s comprobaciones=%ld correctas=%ld fallos=%ld media=%.1f ms\n", s->url,
                   s->comp, s->bien, s->mal, s->suma_ms / s->comp);
        else
            printf("RESUMEN %s comprobaciones=0 correctas=0 fallos=0 media=- ms\n", s->url);
    }
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    uv_run(&bucle, UV_RUN_DEFAULT);
    return uv_loop_close(&bucle) == 0 ? 0 : 1;
}
