/* http_peticion.c — una petición del cliente HTTP: su easy handle de libcurl, las
 * callbacks de datos, cabeceras y progreso, y la respuesta que recibe `al_terminar`.
 *
 * Aquí no se toca el multi ni libuv: eso es de http_cliente.c. Las callbacks de este
 * archivo corren DENTRO de curl_multi_socket_action, así que no llaman a ninguna función
 * de curl_multi_* (sería CURLM_RECURSIVE_API_CALL): para parar una transferencia devuelven
 * el valor que curl entiende como «aborta» y anotan el motivo en la petición.
 */
#define _GNU_SOURCE /* strncasecmp, strcasecmp */
#include "http_interno.h"

#include "curso/errores.h"
#include "curso/json_util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_MAX_CUERPO_OMISION ((size_t)64 * 1024 * 1024)
#define HTTP_AGENTE             "curso-async-c/1.0"

/* ---- URL ------------------------------------------------------------------------------ */

int peticion_validar_url(const char *url)
{
    int r = HTTP_E_URL;
    CURLU *u = NULL;
    char *esquema = NULL;
    char *anfitrion = NULL;

    if (url == NULL || url[0] == '\0')
        goto fin;
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
        goto fin;
    /* El analizador de URL de curl (el mismo que usará la transferencia) descarta lo
     * malformado antes de lanzar nada: así el error es síncrono. */
    u = curl_url();
    if (u == NULL) {
        r = UV_ENOMEM;
        goto fin;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto fin;
    if (curl_url_get(u, CURLUPART_SCHEME, &esquema, 0) != CURLUE_OK)
        goto fin;
    if (curl_url_get(u, CURLUPART_HOST, &anfitrion, 0) != CURLUE_OK || anfitrion[0] == '\0')
        goto fin;
    if (strcmp(esquema, "http") != 0 && strcmp(esquema, "https") != 0)
        goto fin;
    r = 0;
fin:
    curl_free(esquema);
    curl_free(anfitrion);
    curl_url_cleanup(u);
    return r;
}

/* ---- Callbacks de curl ---------------------------------------------------------------- */

/* Cuerpo: a la callback del usuario o a memoria, con tope. */
static size_t al_escribir(char *datos, size_t tam, size_t n, void *arg)
{
    http_peticion_t *p = arg;
    size_t total = tam * n;

    if (p->cancelada)
        return 0; /* ni un byte más al usuario después de http_cancelar() */
    /* Pausada: curl guarda este trozo y lo vuelve a dar al reanudar. Se mira aquí además de
     * pedir la pausa a curl porque curl puede tener más trozos de la misma lectura. */
    if (p->pausada)
        return CURL_WRITEFUNC_PAUSE;
    p->bytes += total;
    if (p->op.al_recibir != NULL) {
        if (p->op.al_recibir(p, datos, total, p->usuario) != 0) {
            p->motivo_corte = HTTP_E_ABORTADA;
            return 0;
        }
        return total;
    }
    if (total > p->max_cuerpo - p->longitud) {
        p->motivo_corte = HTTP_E_DEMASIADO;
        return 0;
    }
    if (p->longitud + total + 1 > p->capacidad) {
        size_t nueva = p->capacidad ? p->capacidad : 4096;
        while (nueva < p->longitud + total + 1)
            nueva *= 2;
        char *m = realloc(p->cuerpo, nueva);
        if (m == NULL) {
            p->motivo_corte = UV_ENOMEM;
            return 0;
        }
        p->cuerpo = m;
        p->capacidad = nueva;
    }
    memcpy(p->cuerpo + p->longitud, datos, total);
    p->longitud += total;
    p->cuerpo[p->longitud] = '\0';
    return total;
}

static void borrar_cabeceras(http_peticion_t *p)
{
    for (size_t i = 0; i < p->n_cabeceras; i++)
        free(p->cabeceras[i]);
    p->n_cabeceras = 0;
}

/* Cabeceras: una línea por llamada, con su CRLF. Una línea de estado («HTTP/1.1 200 OK»)
 * empieza una respuesta nueva (tras un 100 Continue o una redirección): solo guardamos las
 * cabeceras de la última. */
static size_t al_cabecera(char *datos, size_t tam, size_t n, void *arg)
{
    http_peticion_t *p = arg;
    size_t total = tam * n;
    size_t len = total;

    if (p->cancelada)
        return 0;
    if (len >= 5 && memcmp(datos, "HTTP/", 5) == 0) {
        borrar_cabeceras(p);
        return total;
    }
    while (len > 0 && (datos[len - 1] == '\n' || datos[len - 1] == '\r'))
        len--;
    if (len == 0 || memchr(datos, ':', len) == NULL)
        return total; /* la línea vacía final o algo que no es «Nombre: valor» */
    if (p->n_cabeceras == p->cap_cabeceras) {
        size_t nueva = p->cap_cabeceras ? p->cap_cabeceras * 2 : 16;
        char **m = realloc(p->cabeceras, nueva * sizeof *m);
        if (m == NULL) {
            p->motivo_corte = UV_ENOMEM;
            return 0;
        }
        p->cabeceras = m;
        p->cap_cabeceras = nueva;
    }
    char *linea = malloc(len + 1);
    if (linea == NULL) {
        p->motivo_corte = UV_ENOMEM;
        return 0;
    }
    memcpy(linea, datos, len);
    linea[len] = '\0';
    p->cabeceras[p->n_cabeceras++] = linea;
    return total;
}

static void avisar_progreso(http_peticion_t *p)
{
    curl_off_t largo = -1;
    int64_t total = -1;

    if (curl_easy_getinfo(p->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &largo) == CURLE_OK &&
        largo >= 0)
        total = (int64_t)largo;
    /* Solo cuando algo cambió: recibidos nunca retrocede porque es nuestra propia cuenta. */
    if (p->progreso_avisado && p->progreso_recibidos == p->bytes && p->progreso_total == total)
        return;
    p->progreso_avisado = 1;
    p->progreso_recibidos = p->bytes;
    p->progreso_total = total;
    p->op.al_progresar(p, p->bytes, total, p->usuario);
}

static int al_progresar(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                        curl_off_t ulnow)
{
    http_peticion_t *p = arg;
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    if (p->cancelada)
        return 1;
    avisar_progreso(p);
    return 0;
}

/* ---- Ciclo de vida -------------------------------------------------------------------- */

static int metodo_valido(const char *m)
{
    size_t n = strlen(m);
    if (n == 0 || n > 16)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i] < 'A' || m[i] > 'Z')
            return 0;
    }
    return 1;
}

/* Aplica las opciones a p->easy. Devuelve 0, UV_ENOMEM o UV_EINVAL. */
static int configurar(http_peticion_t *p, const http_opciones_t *op)
{
    CURL *e = p->easy;
    CURLcode r = CURLE_OK;
    const char *metodo = op->metodo != NULL ? op->metodo : "GET";

    if (!metodo_valido(metodo))
        return UV_EINVAL;

/* Anota el primer fallo y sigue: una sola comprobación al final. */
#define OPCION(o, v)                                                                               \
    do {                                                                                           \
        CURLcode r_ = curl_easy_setopt(e, o, v);                                                   \
        if (r == CURLE_OK)                                                                         \
            r = r_;                                                                                \
    } while (0)

    OPCION(CURLOPT_URL, p->url);
    OPCION(CURLOPT_PRIVATE, (void *)p);
    OPCION(CURLOPT_NOSIGNAL, 1L);
    OPCION(CURLOPT_USERAGENT, HTTP_AGENTE);
    /* Nunca un proxy del entorno (http_proxy…): el curso solo habla con 127.0.0.1. */
    OPCION(CURLOPT_NOPROXY, "*");
#if LIBCURL_VERSION_NUM >= 0x075500
    OPCION(CURLOPT_PROTOCOLS_STR, "http,https");
    OPCION(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    OPCION(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    OPCION(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    OPCION(CURLOPT_FOLLOWLOCATION, 0L);
    OPCION(CURLOPT_ERRORBUFFER, p->error_curl);
    OPCION(CURLOPT_WRITEFUNCTION, al_escribir);
    OPCION(CURLOPT_WRITEDATA, (void *)p);
    OPCION(CURLOPT_HEADERFUNCTION, al_cabecera);
    OPCION(CURLOPT_HEADERDATA, (void *)p);
    if (op->tiempo_limite_ms > 0) {
        /* curl lo cuenta desde que la transferencia entra en el multi, y solo la metemos
         * al salir de la cola: el tiempo de espera en cola no cuenta. */
        long ms = op->tiempo_limite_ms > (uint64_t)LONG_MAX ? LONG_MAX : (long)op->tiempo_limite_ms;
        OPCION(CURLOPT_TIMEOUT_MS, ms);
    }
    if (op->al_recibir == NULL)
        OPCION(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)p->max_cuerpo);
    if (op->al_progresar != NULL) {
        OPCION(CURLOPT_XFERINFOFUNCTION, al_progresar);
        OPCION(CURLOPT_XFERINFODATA, (void *)p);
        OPCION(CURLOPT_NOPROGRESS, 0L);
    }

    int lleva_cuerpo = op->cuerpo != NULL || strcmp(metodo, "POST") == 0;
    if (strcmp(metodo, "HEAD") == 0) {
        OPCION(CURLOPT_NOBODY, 1L);
    } else if (lleva_cuerpo) {
        OPCION(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(op->cuerpo ? op->longitud_cuerpo : 0));
        OPCION(CURLOPT_COPYPOSTFIELDS, op->cuerpo ? op->cuerpo : "");
        if (strcmp(metodo, "POST") != 0)
            OPCION(CURLOPT_CUSTOMREQUEST, metodo);
    } else if (strcmp(metodo, "GET") != 0) {
        OPCION(CURLOPT_CUSTOMREQUEST, metodo);
    }

    int tiene_expect = 0;
    for (const char *const *h = op->cabeceras; h != NULL && *h != NULL; h++) {
        struct curl_slist *l = curl_slist_append(p->cabeceras_envio, *h);
        if (l == NULL)
            return UV_ENOMEM;
        p->cabeceras_envio = l;
        if (strncasecmp(*h, "Expect:", 7) == 0)
            tiene_expect = 1;
    }
    if (lleva_cuerpo && !tiene_expect) {
        /* Sin «Expect: 100-continue»: con cuerpos grandes curl esperaría un 100 que un
         * servidor sencillo no manda. */
        struct curl_slist *l = curl_slist_append(p->cabeceras_envio, "Expect:");
        if (l == NULL)
            return UV_ENOMEM;
        p->cabeceras_envio = l;
    }
    if (p->cabeceras_envio != NULL)
        OPCION(CURLOPT_HTTPHEADER, p->cabeceras_envio);
#undef OPCION

    if (r == CURLE_OUT_OF_MEMORY)
        return UV_ENOMEM;
    return r == CURLE_OK ? 0 : UV_EINVAL;
}

int peticion_nueva(http_cliente_t *c, const char *url, const http_opciones_t *op,
                   http_fin_cb al_terminar, void *usuario, http_peticion_t **salida)
{
    static const http_opciones_t sin_opciones;
    http_peticion_t *p = NULL;
    int r = UV_ENOMEM;

    *salida = NULL;
    if (op == NULL)
        op = &sin_opciones;
    p = calloc(1, sizeof *p);
    if (p == NULL)
        goto fallo;
    p->cliente = c;
    p->al_terminar = al_terminar;
    p->usuario = usuario;
    p->op = *op;
    /* Las cadenas del llamador solo se leen en configurar() (curl las copia). */
    p->op.metodo = NULL;
    p->op.cuerpo = NULL;
    p->op.cabeceras = NULL;
    p->max_cuerpo = op->max_cuerpo ? op->max_cuerpo : HTTP_MAX_CUERPO_OMISION;
    p->progreso_total = -1;
    p->url = strdup(url);
    if (p->url == NULL)
        goto fallo;
    p->easy = curl_easy_init();
    if (p->easy == NULL)
        goto fallo;
    r = configurar(p, op);
    if (r < 0)
        goto fallo;
    *salida = p;
    return 0;
fallo:
    if (p != NULL)
        peticion_liberar(p);
    return r;
}

void peticion_empezar(http_peticion_t *p)
{
    p->inicio_ns = uv_hrtime();
}

/* El motivo en español, corto y en una línea (sin la URL: quien lo imprime ya la tiene), y
 * aparte el texto de curl tal cual, en inglés, para quien quiera más detalle. */
static void redactar_mensaje(http_peticion_t *p, CURLcode resultado)
{
    http_respuesta_t *r = &p->respuesta;
    long errno_so = 0;

    if (r->error != 0 && p->error_curl[0] == '\0' && resultado != CURLE_OK)
        snprintf(p->error_curl, sizeof p->error_curl, "%s", curl_easy_strerror(resultado));

    switch (r->error) {
    case 0:
        p->mensaje[0] = '\0';
        p->error_curl[0] = '\0';
        return;
    case HTTP_E_TIEMPO:
        if (p->op.tiempo_limite_ms > 0)
            snprintf(p->mensaje, sizeof p->mensaje, "se agotó el tiempo límite (%llu ms)",
                     (unsigned long long)p->op.tiempo_limite_ms);
        else
            snprintf(p->mensaje, sizeof p->mensaje, "se agotó el tiempo de espera");
        break;
    case HTTP_E_CONEXION:
        /* El errno del connect() fallido dice por qué: rechazada, inalcanzable… */
        if (p->easy != NULL)
            curl_easy_getinfo(p->easy, CURLINFO_OS_ERRNO, &errno_so);
        if (errno_so > 0)
            snprintf(p->mensaje, sizeof p->mensaje, "no se pudo conectar: %s",
                     error_texto(uv_translate_sys_error((int)errno_so)));
        else
            snprintf(p->mensaje, sizeof p->mensaje, "no se pudo conectar con el servidor");
        break;
    case HTTP_E_CORTADA:
        snprintf(p->mensaje, sizeof p->mensaje,
                 "el servidor cortó la transferencia tras %llu bytes de cuerpo",
                 (unsigned long long)p->bytes);
        break;
    case HTTP_E_ESTADO:
        snprintf(p->mensaje, sizeof p->mensaje, "estado HTTP %ld", r->estado);
        p->error_curl[0] = '\0';
        break;
    case HTTP_E_DEMASIADO:
        snprintf(p->mensaje, sizeof p->mensaje, "el cuerpo superó el máximo de %zu bytes",
                 p->max_cuerpo);
        break;
    case HTTP_E_CANCELADA:
    case HTTP_E_ABORTADA:
        snprintf(p->mensaje, sizeof p->mensaje, "%s", http_error_texto(r->error));
        p->error_curl[0] = '\0'; /* el «Failure writing output» de curl solo confundiría */
        break;
    case HTTP_E_OTRO:
        snprintf(p->mensaje, sizeof p->mensaje, "%s (CURLcode %d)", http_error_texto(r->error),
                 (int)resultado);
        break;
    default:
        snprintf(p->mensaje, sizeof p->mensaje, "%s", http_error_texto(r->error));
        break;
    }
}

void peticion_cerrar_resultado(http_peticion_t *p, CURLcode resultado, int error_propio)
{
    http_respuesta_t *r = &p->respuesta;
    long estado = 0;
    int error;

    if (p->cancelada || error_propio == HTTP_E_CANCELADA)
        error = HTTP_E_CANCELADA; /* http_cancelar() devolvió 0: eso es lo que se prometió */
    else if (error_propio != 0)
        error = error_propio;
    else if (resultado != CURLE_OK && p->motivo_corte != 0)
        error = p->motivo_corte; /* lo cortó una de nuestras callbacks */
    else
        error = http_error_desde_curl(resultado);

    if (p->inicio_ns != 0)
        curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &estado);
    if (error == 0 && p->op.error_si_estado && estado >= 400)
        error = HTTP_E_ESTADO;

    /* El último aviso de progreso, por si curl no llegó a darlo con todo el cuerpo. */
    if (error == 0 && p->op.al_progresar != NULL)
        avisar_progreso(p);

    r->error = error;
    r->estado = estado;
    r->bytes = p->bytes;
    r->url = p->url;
    r->segundos = p->inicio_ns ? (double)(uv_hrtime() - p->inicio_ns) / 1e9 : 0.0;
    if ((error == 0 || error == HTTP_E_ESTADO) && p->op.al_recibir == NULL) {
        r->cuerpo = p->cuerpo != NULL ? p->cuerpo : "";
        r->longitud = p->longitud;
    } else {
        r->cuerpo = NULL;
        r->longitud = 0;
    }
    redactar_mensaje(p, resultado);
    r->mensaje = p->mensaje;
    r->detalle = p->error_curl;
}

void peticion_liberar(http_peticion_t *p)
{
    if (p->easy != NULL)
        curl_easy_cleanup(p->easy);
    curl_slist_free_all(p->cabeceras_envio);
    borrar_cabeceras(p);
    free(p->cabeceras);
    free(p->cuerpo);
    free(p->url);
    free(p);
}

/* ---- Consultas públicas --------------------------------------------------------------- */

void *http_peticion_usuario(const http_peticion_t *peticion)
{
    return peticion != NULL ? peticion->usuario : NULL;
}

const char *http_respuesta_cabecera(const http_respuesta_t *r, const char *nombre)
{
    if (r == NULL || nombre == NULL)
        return NULL;
    /* `r` es siempre la respuesta que vive dentro de su petición. */
    return peticion_cabecera(HTTP_CONTENEDOR(r, http_peticion_t, respuesta), nombre);
}

const char *http_peticion_cabecera(const http_peticion_t *peticion, const char *nombre)
{
    if (peticion == NULL || nombre == NULL)
        return NULL;
    return peticion_cabecera(peticion, nombre);
}

long http_peticion_estado(const http_peticion_t *peticion)
{
    long estado = 0;
    if (peticion == NULL || peticion->easy == NULL || peticion->inicio_ns == 0)
        return 0;
    if (curl_easy_getinfo(peticion->easy, CURLINFO_RESPONSE_CODE, &estado) != CURLE_OK)
        return 0;
    return estado;
}

const char *peticion_cabecera(const http_peticion_t *p, const char *nombre)
{
    size_t n = strlen(nombre);
    for (size_t i = 0; i < p->n_cabeceras; i++) {
        const char *linea = p->cabeceras[i];
        if (strncasecmp(linea, nombre, n) == 0 && linea[n] == ':') {
            const char *v = linea + n + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            return v;
        }
    }
    return NULL;
}

json_t *http_respuesta_json(const http_respuesta_t *r, char *error, size_t tam_error)
{
    if (r == NULL || r->cuerpo == NULL) {
        if (error != NULL && tam_error > 0)
            snprintf(error, tam_error, "la respuesta no tiene cuerpo en memoria que analizar");
        return NULL;
    }
    return jutil_analizar(r->cuerpo, r->longitud, error, tam_error);
}
