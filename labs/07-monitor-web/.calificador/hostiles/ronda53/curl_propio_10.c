/* clima.c — ataque «curl_propio» del laboratorio 10: sin http_pedir. libcurl a su manera en
 * un hilo del grupo de libuv: un solo uv_queue_work que dura todo el programa lleva un
 * curl_multi con su propio bucle (curl_multi_perform + curl_multi_poll). El hilo del bucle
 * reparte las peticiones (el tope -c lo lleva él), crea el socket TCP de cada una (curl lo
 * recibe con CURLOPT_OPENSOCKETFUNCTION) y recibe los resultados por un uv_async. Las
 * funciones curl_* y socket se buscan con dl_iterate_phdr (el objeto no las nombra). */
#define _GNU_SOURCE
#include "curso/http.h"
#include "curso/json_util.h"
#include "curso/practica.h"

#include <curl/curl.h>
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <link.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

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
    /* transporte */
    CURL *easy;
    int fd_previo;
    CURLcode rc;
    long estado;
    char *cuerpo;
    size_t largo;
    char error[CURL_ERROR_SIZE];
} consulta_t;

static uv_loop_t bucle;
static uv_signal_t sig_int;
static uv_async_t aviso;
static uv_work_t trabajo;
static int trabajando, cerrado;
static CURLM *multi;
static pthread_mutex_t cerrojo = PTHREAD_MUTEX_INITIALIZER;
static consulta_t *nuevas, *hechas;
static atomic_int abortar;

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
    if (c->rc != CURLE_OK) {
        if (c->rc == CURLE_OPERATION_TIMEDOUT)
            snprintf(c->motivo, sizeof c->motivo, "se agotó el tiempo límite (%ld ms)",
                     limite_ms);
        else if (c->rc == CURLE_COULDNT_CONNECT)
            snprintf(c->motivo, sizeof c->motivo, "no se pudo conectar: conexión rechazada");
        else if (c->rc == CURLE_COULDNT_RESOLVE_HOST)
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

/* ---------- el transporte: curl en el grupo de hilos ---------- */
static size_t guardar(char *p, size_t t, size_t n, void *u)
{
    consulta_t *c = u;
    size_t k = t * n;
    char *nuevo = realloc(c->cuerpo, c->largo + k + 1);
    if (nuevo == NULL)
        return 0;
    c->cuerpo = nuevo;
    memcpy(c->cuerpo + c->largo, p, k);
    c->largo += k;
    c->cuerpo[c->largo] = '\0';
    return k;
}

static curl_socket_t abrir_previo(void *u, curlsocktype tipo, struct curl_sockaddr *d)
{
    (void)tipo;
    consulta_t *c = u;
    int fd = c->fd_previo;
    c->fd_previo = -1;
    if (fd < 0 || d->family != AF_INET) {
        if (fd >= 0)
            close(fd);
        return CURL_SOCKET_BAD;
    }
    return fd;
}

static void en_grupo(uv_work_t *w)
{
    (void)w;
    int vivas = 0;
    while (!atomic_load(&abortar)) {
        pthread_mutex_lock(&cerrojo);
        consulta_t *l = nuevas;
        nuevas = NULL;
        pthread_mutex_unlock(&cerrojo);
        while (l != NULL) {
            consulta_t *sig = l->sig;
            x_curl_multi_add_handle(multi, l->easy);
            l = sig;
        }
        x_curl_multi_perform(multi, &vivas);
        CURLMsg *m;
        int q, terminadas = 0;
        while ((m = x_curl_multi_info_read(multi, &q)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            consulta_t *c = NULL;
            x_curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            c->rc = m->data.result;
            x_curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &c->estado);
            x_curl_multi_remove_handle(multi, m->easy_handle);
            x_curl_easy_cleanup(m->easy_handle);
            c->easy = NULL;
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
    /* Parada: lo que sigue en el multi se cancela. */
    for (size_t i = 0; i < total; i++) {
        consulta_t *c = &consultas[i];
        if (c->easy != NULL && !c->terminada) {
            x_curl_multi_remove_handle(multi, c->easy);
            x_curl_easy_cleanup(c->easy);
            c->easy = NULL;
            if (c->fd_previo >= 0) {
                close(c->fd_previo);
                c->fd_previo = -1;
            }
        }
    }
}

static void cerrar_todo(void)
{
    if (cerrado)
        return;
    cerrado = 1;
    atomic_store(&abortar, 1);
    x_curl_multi_wakeup(multi);
    uv_close((uv_handle_t *)&sig_int, NULL);
    if (!trabajando)
        uv_close((uv_handle_t *)&aviso, NULL);
}

static void lanzar(consulta_t *c)
{
    CURL *e = x_curl_easy_init();
    c->easy = e;
    c->fd_previo = x_sock(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); /* en el hilo del bucle */
    x_curl_easy_setopt(e, CURLOPT_URL, c->url);
    x_curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, guardar);
    x_curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    x_curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, limite_ms);
    x_curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    x_curl_easy_setopt(e, CURLOPT_PRIVATE, c);
    x_curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    x_curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->error);
    x_curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, abrir_previo);
    x_curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, c);
    en_curso++;
    pthread_mutex_lock(&cerrojo);
    c->sig = nuevas;
    nuevas = c;
    pthread_mutex_unlock(&cerrojo);
}

static void repartir(void)
{
    int alguna = 0;
    while (lanzadas < total && en_curso < (size_t)simultaneas) {
        lanzar(&consultas[lanzadas++]);
        alguna = 1;
    }
    if (alguna)
        x_curl_multi_wakeup(multi);
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
        int completa = 1;
        for (size_t j = 0; j < nproveedores && completa; j++)
            completa = consultas[i * nproveedores + j].terminada;
        if (!completa)
            break;
        double media;
        if (promedio(i, &media) == 0)
            sin_datos = 1;
        if (!json_salida)
            imprimir_ciudad(i);
        siguiente++;
    }
}

static void al_aviso(uv_async_t *a)
{
    (void)a;
    pthread_mutex_lock(&cerrojo);
    consulta_t *l = hechas;
    hechas = NULL;
    pthread_mutex_unlock(&cerrojo);
    while (l != NULL) {
        consulta_t *sig = l->sig;
        en_curso--;
        if (!interrumpido)
            terminada(l);
        l = sig;
    }
    if (interrumpido)
        return;
    if (pendientes == 0) {
        if (json_salida)
            imprimir_json();
        cerrar_todo();
    } else {
        repartir();
    }
}

static void tras_grupo(uv_work_t *w, int status)
{
    (void)w;
    (void)status;
    trabajando = 0;
    pthread_mutex_lock(&cerrojo);
    consulta_t *l = hechas;
    hechas = NULL;
    consulta_t *n = nuevas;
    nuevas = NULL;
    pthread_mutex_unlock(&cerrojo);
    (void)l; /* su memoria es de consultas[] */
    for (; n != NULL; n = n->sig) {
        if (n->easy != NULL)
            x_curl_easy_cleanup(n->easy);
        n->easy = NULL;
        if (n->fd_previo >= 0)
            close(n->fd_previo);
        n->fd_previo = -1;
    }
    uv_close((uv_handle_t *)&aviso, NULL);
}

static void al_senal(uv_signal_t *h, int signum)
{
    (void)h;
    (void)signum;
    interrumpido = 1;
    cerrar_todo();
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
        consultas[i].fd_previo = -1;
        consultas[i].url = url_consulta(proveedores[i % nproveedores].url,
                                        ciudades[i / nproveedores]);
    }
    pendientes = total;
    x_curl_global_init(CURL_GLOBAL_DEFAULT);
    multi = x_curl_multi_init();
    uv_loop_init(&bucle);
    uv_signal_init(&bucle, &sig_int);
    uv_signal_start(&sig_int, al_senal, SIGINT);
    uv_async_init(&bucle, &aviso, al_aviso);
    trabajando = uv_queue_work(&bucle, &trabajo, en_grupo, tras_grupo) == 0;
    repartir();
    uv_run(&bucle, UV_RUN_DEFAULT);
    int r = uv_loop_close(&bucle);
    if (r != 0)
        fprintf(stderr, "clima: el bucle no quedó cerrado\n");
    x_curl_multi_cleanup(multi);
    x_curl_global_cleanup();
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
