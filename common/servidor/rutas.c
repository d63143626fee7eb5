/* rutas.c — despacho de rutas y construcción de cada respuesta (ver rutas.h). */
#include "rutas.h"

#include "bytes.h"
#include "clima.h"
#include "consulta.h"
#include "datos.h"
#include "texto.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define TAM_VALOR 512

typedef struct {
    contexto_t *ctx;
    const peticion_t *p;
    const char *origen;
    const char *consulta;
    respuesta_t *r;
} pedido_t;

/* Si `ruta` empieza por `prefijo`, deja en *resto lo que sigue y devuelve 1. */
static int empieza(const char *ruta, const char *prefijo, const char **resto)
{
    size_t n = strlen(prefijo);
    if (strncmp(ruta, prefijo, n) != 0)
        return 0;
    *resto = ruta + n;
    return 1;
}

/* Un segmento sin '/' dentro, decodificado (%XX). 0 o -1 si está vacío o no cabe. */
static int segmento(const char *texto, char *destino, size_t tam)
{
    size_t n = strlen(texto);
    if (n == 0 || memchr(texto, '/', n) != NULL)
        return -1;
    return consulta_decodificar(texto, n, destino, tam, 0) > 0 ? 0 : -1;
}

/* Parámetro entero opcional. Devuelve 0 (con *v = omision si falta) o -1 si es inválido. */
static int param_entero(const pedido_t *pd, const char *nombre, long long min, long long max,
                        long long omision, long long *v)
{
    char valor[64];
    *v = omision;
    if (!consulta_valor(pd->consulta, nombre, valor, sizeof valor))
        return 0;
    return consulta_entero(valor, min, max, v);
}

static int param_real(const pedido_t *pd, const char *nombre, double min, double max,
                      double omision, double *v)
{
    char valor[64];
    *v = omision;
    if (!consulta_valor(pd->consulta, nombre, valor, sizeof valor))
        return 0;
    return consulta_real(valor, min, max, v);
}

static void error_parametro(pedido_t *pd, const char *nombre, const char *rango)
{
    char m[192];
    snprintf(m, sizeof m, "parámetro «%s» inválido: %s", nombre, rango);
    respuesta_error(pd->r, 400, m);
}

/* "http://host" a partir de la cabecera Host (o la dirección de escucha si falta). */
static void base_url(const pedido_t *pd, char *destino, size_t tam)
{
    const char *host = peticion_cabecera(pd->p, "Host");
    snprintf(destino, tam, "http://%s", host != NULL && host[0] != '\0' ? host : "127.0.0.1");
}

/* El eco estilo httpbin: args, headers, method, origin, url. */
static json_t *eco(const pedido_t *pd)
{
    json_t *args = json_object();
    json_t *cabeceras = json_object();
    char nombre[256], valor[TAM_VALOR * 4];
    const char *cursor = pd->consulta;
    while (consulta_siguiente(&cursor, nombre, sizeof nombre, valor, sizeof valor)) {
        json_t *v = texto_json_c(valor);
        json_t *n = texto_json_c(nombre);
        if (v != NULL && n != NULL)
            json_object_set(args, json_string_value(n), v);
        json_decref(v);
        json_decref(n);
    }
    for (unsigned i = 0; i < pd->p->num_cabeceras; i++) {
        json_t *v = texto_json_c(peticion_valor_i(pd->p, i));
        json_t *n = texto_json_c(peticion_campo_i(pd->p, i));
        if (v != NULL && n != NULL)
            json_object_set(cabeceras, json_string_value(n), v);
        json_decref(v);
        json_decref(n);
    }
    char base[300];
    base_url(pd, base, sizeof base);
    char url[PETICION_MAX_CABEZA + 320];
    snprintf(url, sizeof url, "%s%s", base, peticion_url(pd->p));
    return json_pack("{s:o, s:o, s:s, s:s, s:o}", "args", args, "headers", cabeceras, "method",
                     pd->p->metodo, "origin", pd->origen, "url", texto_json_c(url));
}

static void ruta_indice(pedido_t *pd)
{
    respuesta_texto(
        pd->r, 200,
        "servidor-practica — servidor de práctica del curso de programación asíncrona\n"
        "\n"
        "Rutas:\n"
        "  /ping                          pong\n"
        "  /get                           eco de la petición (JSON)\n"
        "  /json                          documento JSON de ejemplo\n"
        "  /status/{código}               responde con ese código (100–599)\n"
        "      ?vacio=si                  sin cuerpo (Content-Length: 0)\n"
        "  /delay/{s}                     responde tras s segundos (máx. 30)\n"
        "  /bytes/{n}?seed=               n bytes deterministas; Range (206/416)\n"
        "      &kbps=K                    a K KiB/s (para ver el progreso)\n"
        "      &cortar=k                  corta tras el byte k del archivo\n"
        "      &corto=k                   con Range, un 206 honesto solo hasta el byte k\n"
        "                                 (sin cortar: tras un &cortar=, el reintento)\n"
        "      &rango=mal                 con Range, un 206 desde el byte 0 (no el pedido)\n"
        "      &espera_rango=ms           con Range, la cabecera sale tras ms (máx. 30 s)\n"
        "      &digest=si|no|mal          Repr-Digest sha-256 (de serie, ≤ 16 MiB)\n"
        "      &callar=k&callar_ms=m      tras el byte k, calla m ms sin cerrar (máx. 30 s)\n"
        "      &fallos=N&id=X             503 con cuerpo las N primeras veces de ese id\n"
        "  /stream-bytes/{n}?seed=&chunk_size=   lo mismo, troceado (chunked)\n"
        "      &kbps=K                    a K KiB/s (troceado y lento: sin longitud)\n"
        "  /drip?numbytes=&duration=&delay=      cuerpo lento, gota a gota\n"
        "  /imagen/{ancho}/{alto}?formato=ppm|bmp  una imagen\n"
        "  /posts/{id}                    publicación 1–100\n"
        "  /users/{nombre}                usuario estilo GitHub\n"
        "  /clima/{proveedor}?ciudad=     openweather | weatherapi | openmeteo | weathergov\n"
        "       &retraso=S &estado=N &fallo=json|texto|nulo|falta|imposible\n"
        "       &valor=N &solo=CIUDAD &unidades=kelvin (openweather) &sal=   (ver clima.h)\n"
        "  /cortar/{n}                    promete n+1000 bytes, envía n y corta\n"
        "  /json-invalido                 JSON mal formado\n"
        "  /inestable?id=&fallos=N        503 las N primeras veces, luego 200\n");
}

/* Respuesta de texto con el código `codigo` (ya validado, 100–599), como /status. */
static void responder_estado(respuesta_t *r, int codigo)
{
    char texto[128];
    snprintf(texto, sizeof texto, "%d %s\n", codigo, respuesta_frase(codigo));
    respuesta_texto(r, codigo, texto);
    if (codigo < 200 || codigo == 204 || codigo == 304) {
        /* Estos códigos no llevan cuerpo. Un 1xx no es una respuesta final: se cierra la
         * conexión después para que el cliente no espere otra. */
        r->sin_cuerpo = 1;
        r->longitud = r->anunciada = 0;
        if (codigo < 200)
            r->cerrar = 1;
    }
}

/* /status/{código}; con ?vacio=si, sin cuerpo (Content-Length: 0): un 4xx sin página de
 * error, la respuesta que un cliente que solo mira el estado al recibir bytes da por buena. */
static void ruta_status(pedido_t *pd, const char *resto)
{
    long long codigo;
    char vacio[4];
    if (consulta_entero(resto, 100, 599, &codigo) < 0) {
        respuesta_error(pd->r, 400, "el código de estado debe ser un entero entre 100 y 599");
        return;
    }
    int sin_pagina = consulta_valor(pd->consulta, "vacio", vacio, sizeof vacio);
    if (sin_pagina && strcmp(vacio, "si") != 0) {
        error_parametro(pd, "vacio", "si");
        return;
    }
    responder_estado(pd->r, (int)codigo);
    if (sin_pagina)
        pd->r->longitud = pd->r->anunciada = 0;
}

/* Ruta opaca del guion: el estado y el retraso que tocan a esta petición, y nada más (ni
 * el cuerpo ni las cabeceras dicen qué vendrá después). */
static void ruta_guion(pedido_t *pd, const guion_paso_t *paso)
{
    responder_estado(pd->r, paso->estado);
    pd->r->espera_ms = paso->retraso_ms;
}

static void ruta_delay(pedido_t *pd, const char *resto)
{
    double s;
    if (consulta_real(resto, 0.0, 1e9, &s) < 0) {
        respuesta_error(pd->r, 400, "el retraso debe ser un número de segundos, p. ej. 1.5");
        return;
    }
    if (s > RUTAS_MAX_RETRASO_S)
        s = RUTAS_MAX_RETRASO_S;
    json_t *doc = eco(pd);
    if (doc != NULL)
        json_object_set_new(doc, "retraso", json_real(s));
    respuesta_json(pd->r, 200, doc);
    pd->r->espera_ms = (uint64_t)llround(s * 1000.0);
}

/* /bytes/{n}, /stream-bytes/{n} y /cortar/{n} comparten la fuente de bytes. */
static int preparar_bytes(pedido_t *pd, const char *resto, unsigned long long maximo)
{
    long long n, semilla;
    if (consulta_entero(resto, 0, (long long)maximo, &n) < 0) {
        char m[128];
        snprintf(m, sizeof m, "el número de bytes debe ser un entero entre 0 y %llu", maximo);
        respuesta_error(pd->r, 400, m);
        return -1;
    }
    if (param_entero(pd, "seed", 0, INT64_MAX, 0, &semilla) < 0) {
        error_parametro(pd, "seed", "entero no negativo");
        return -1;
    }
    respuesta_t *r = pd->r;
    r->estado = 200;
    r->tipo = "application/octet-stream";
    r->fuente = FUENTE_BYTES;
    r->semilla = (uint64_t)semilla;
    r->longitud = r->anunciada = (uint64_t)n;
    return 0;
}

/* Las cabeceras de descarga de /bytes: Accept-Ranges, Content-Range y Repr-Digest (la
 * huella es de la representación entera, no del trozo: RFC 9530 §3). */
static void cabeceras_descarga(respuesta_t *r, const char *rango, const char *huella)
{
    char digest[96] = "";
    if (huella != NULL)
        snprintf(digest, sizeof digest, "Repr-Digest: sha-256=:%s:\r\n", huella);
    snprintf(r->cabeceras_extra, sizeof r->cabeceras_extra, "Accept-Ranges: bytes\r\n%s%s", rango,
             digest);
}

/* ?kbps=K (1–1048576 KiB/s): reparte el cuerpo ya preparado a lo largo del tiempo que toca.
 * Un valor malo deja puesta la respuesta de error. Lo comparten /bytes y /stream-bytes. */
static void ritmo(pedido_t *pd)
{
    long long kbps;
    respuesta_t *r = pd->r;
    if (param_entero(pd, "kbps", 1, 1024 * 1024, 0, &kbps) < 0) {
        respuesta_iniciar(r);
        error_parametro(pd, "kbps", "entero entre 1 y 1048576 (KiB por segundo)");
        return;
    }
    if (kbps > 0 && r->longitud > 0) {
        uint64_t ms = r->longitud * 1000 / ((uint64_t)kbps * 1024);
        r->goteo_ms = ms > 0 ? ms : 1;
    }
}

/* /bytes/{n} como un servidor de descargas: Range (206 o 416), ?kbps= (ritmo en KiB/s),
 * ?cortar=k (corta la conexión tras k bytes de cuerpo), ?digest=si|no|mal y, para probar
 * clientes que reanudan, dos servidores raros: ?corto=k (con Range, un 206 bien formado que
 * acaba en el byte k: más corto que lo pedido) y ?rango=mal (con Range, un 206 que empieza en
 * el byte 0 en vez de donde se pidió). Cuando ?corto= recorta un 206, ese 206 no se corta
 * aunque haya ?cortar=: así ?cortar=c&corto=k da un primer intento cortado en c y un
 * reintento (Range desde c) que acaba, completo y honesto, en k. ?espera_rango=ms retrasa la
 * cabecera de las peticiones con Range (los reintentos y las reanudaciones): un cliente que
 * ha de seguir enseñando su progreso mientras espera tiene así una espera que se ve.
 * ?callar=k&callar_ms=m: tras el byte k del archivo, la respuesta calla m ms sin cerrar y
 * después sigue (un servidor que se atasca a media descarga: el -t de un cliente debe
 * saltar). ?fallos=N&id=X: las N primeras peticiones con ese id reciben un 503 con cuerpo
 * (una página de error, como /inestable), y las siguientes los bytes (el cuerpo de un error
 * no es parte del archivo). */
static void ruta_bytes(pedido_t *pd, const char *resto)
{
    long long cortar, corto, espera_rango, callar, callar_ms, fallos;
    char digest[8], rango_modo[8] = "";
    char huella[45];
    char rango[96] = "";
    uint64_t desde = 0, hasta = 0;

    if (preparar_bytes(pd, resto, RUTAS_MAX_BYTES) < 0)
        return;
    respuesta_t *r = pd->r;
    uint64_t total = r->longitud;
    if (param_entero(pd, "fallos", 0, 1000000, 0, &fallos) < 0) {
        respuesta_iniciar(r);
        error_parametro(pd, "fallos", "entero entre 0 y 1000000");
        return;
    }
    if (fallos > 0) {
        char id[INESTABLE_MAX_ID] = "";
        consulta_valor(pd->consulta, "id", id, sizeof id);
        unsigned intento = inestable_intento(&pd->ctx->inestable, id);
        if ((long long)intento <= fallos) {
            respuesta_iniciar(r);
            respuesta_json(r, 503,
                           json_pack("{s:s, s:i, s:I}", "error",
                                     "servicio no disponible, inténtalo de nuevo", "intento",
                                     (int)intento, "fallos", (json_int_t)fallos));
            snprintf(r->cabeceras_extra, sizeof r->cabeceras_extra, "Retry-After: 1\r\n");
            return;
        }
    }
    if (param_entero(pd, "callar", 0, (long long)total, (long long)total, &callar) < 0) {
        respuesta_iniciar(r);
        error_parametro(pd, "callar", "entero entre 0 y el tamaño del cuerpo");
        return;
    }
    if (param_entero(pd, "callar_ms", 0, (long long)(RUTAS_MAX_RETRASO_S * 1000.0), 0, &callar_ms) <
        0) {
        respuesta_iniciar(r);
        error_parametro(pd, "callar_ms", "entero entre 0 y 30000 (milisegundos)");
        return;
    }
    if (param_entero(pd, "espera_rango", 0, (long long)(RUTAS_MAX_RETRASO_S * 1000.0), 0,
                     &espera_rango) < 0) {
        respuesta_iniciar(r);
        error_parametro(pd, "espera_rango", "entero entre 0 y 30000 (milisegundos)");
        return;
    }
    if (param_entero(pd, "cortar", 0, (long long)total, (long long)total, &cortar) < 0) {
        respuesta_iniciar(r);
        error_parametro(pd, "cortar", "entero entre 0 y el tamaño del cuerpo");
        return;
    }
    if (param_entero(pd, "corto", 1, (long long)total, (long long)total, &corto) < 0) {
        respuesta_iniciar(r);
        error_parametro(pd, "corto", "entero entre 1 y el tamaño del cuerpo");
        return;
    }
    if (consulta_valor(pd->consulta, "rango", rango_modo, sizeof rango_modo) &&
        strcmp(rango_modo, "mal") != 0) {
        respuesta_iniciar(r);
        error_parametro(pd, "rango", "mal");
        return;
    }
    if (!consulta_valor(pd->consulta, "digest", digest, sizeof digest))
        snprintf(digest, sizeof digest, "auto");
    else if (strcmp(digest, "si") != 0 && strcmp(digest, "no") != 0 && strcmp(digest, "mal") != 0) {
        respuesta_iniciar(r);
        error_parametro(pd, "digest", "si, no o mal");
        return;
    }
    int rango_pedido = bytes_rango(peticion_cabecera(pd->p, "Range"), total, &desde, &hasta);
    if (peticion_cabecera(pd->p, "Range") != NULL)
        r->espera_ms = (uint64_t)espera_rango;
    if (rango_pedido < 0) {
        respuesta_iniciar(r);
        respuesta_texto(r, 416, "rango imposible\n");
        snprintf(rango, sizeof rango, "Content-Range: bytes */%llu\r\n", (unsigned long long)total);
        cabeceras_descarga(r, rango, NULL);
        return;
    }
    /* Calcularla para el servidor un rato: con un tope, ni pidiéndola se hace esperar más
     * de ~0.3 s a las demás conexiones. */
    if (total > BYTES_MAX_HUELLA)
        huella[0] = '\0';
    else if (strcmp(digest, "si") == 0 ||
             (strcmp(digest, "auto") == 0 && total <= BYTES_MAX_HUELLA_AUTO))
        bytes_huella(r->semilla, total, huella);
    else if (strcmp(digest, "mal") == 0)
        bytes_huella(r->semilla ^ 1, total, huella); /* bien formada, de otros bytes */
    else
        huella[0] = '\0';
    if (rango_pedido > 0 && strcmp(rango_modo, "mal") == 0)
        desde = 0; /* un servidor que se equivoca de inicio: lo anuncia, no lo esconde */
    int recortado = rango_pedido > 0 && (uint64_t)corto < total && (uint64_t)corto > desde &&
                    hasta >= (uint64_t)corto;
    if (recortado)
        hasta = (uint64_t)corto - 1;
    if (rango_pedido > 0) {
        r->estado = 206;
        r->desde = desde;
        r->longitud = r->anunciada = hasta - desde + 1;
        snprintf(rango, sizeof rango, "Content-Range: bytes %llu-%llu/%llu\r\n",
                 (unsigned long long)desde, (unsigned long long)hasta, (unsigned long long)total);
    }
    cabeceras_descarga(r, rango, huella[0] != '\0' ? huella : NULL);
    /* ?cortar=k cuenta desde el principio del archivo: con un rango, corta en el mismo
     * byte del archivo (si cae dentro de lo pedido). */
    if ((uint64_t)cortar < total && !recortado) {
        uint64_t fin = (uint64_t)cortar > desde ? (uint64_t)cortar - desde : 0;
        if (fin < r->longitud) {
            r->longitud = fin;
            r->cerrar = 1;
        }
    }
    /* ?callar=k, como ?cortar=, cuenta desde el principio del archivo. */
    if (callar_ms > 0 && (uint64_t)callar < total && (uint64_t)callar >= desde &&
        (uint64_t)callar - desde < r->longitud) {
        r->callar_ms = (uint64_t)callar_ms;
        r->callar_tras = (uint64_t)callar - desde;
    }
    ritmo(pd);
    if (r->callar_ms > 0 && r->goteo_ms > 0) {
        respuesta_iniciar(r);
        error_parametro(pd, "callar", "sin kbps (un ritmo y un silencio no se combinan)");
    }
}

static void ruta_stream_bytes(pedido_t *pd, const char *resto)
{
    long long trozo;
    if (preparar_bytes(pd, resto, RUTAS_MAX_BYTES) < 0)
        return;
    if (param_entero(pd, "chunk_size", 1, 1024 * 1024, 10240, &trozo) < 0) {
        respuesta_iniciar(pd->r);
        error_parametro(pd, "chunk_size", "entero entre 1 y 1048576");
        return;
    }
    pd->r->troceado = 1;
    pd->r->tam_trozo = (size_t)trozo;
    ritmo(pd);
}

static void ruta_cortar(pedido_t *pd, const char *resto)
{
    if (preparar_bytes(pd, resto, RUTAS_MAX_CORTAR) < 0)
        return;
    pd->r->anunciada = pd->r->longitud + 1000;
    pd->r->cerrar = 1;
}

static void ruta_drip(pedido_t *pd)
{
    long long numbytes, codigo;
    double duracion, retraso;
    if (param_entero(pd, "numbytes", 0, (long long)RUTAS_MAX_GOTEO, 10, &numbytes) < 0) {
        error_parametro(pd, "numbytes", "entero entre 0 y 10485760");
        return;
    }
    if (param_real(pd, "duration", 0.0, RUTAS_MAX_DURACION_S, 2.0, &duracion) < 0) {
        error_parametro(pd, "duration", "segundos entre 0 y 60");
        return;
    }
    if (param_real(pd, "delay", 0.0, RUTAS_MAX_RETRASO_S, 0.0, &retraso) < 0) {
        error_parametro(pd, "delay", "segundos entre 0 y 30");
        return;
    }
    if (param_entero(pd, "code", 200, 599, 200, &codigo) < 0) {
        error_parametro(pd, "code", "entero entre 200 y 599");
        return;
    }
    respuesta_t *r = pd->r;
    r->estado = (int)codigo;
    r->tipo = "application/octet-stream";
    r->fuente = FUENTE_GOTEO;
    r->longitud = r->anunciada = (uint64_t)numbytes;
    r->espera_ms = (uint64_t)llround(retraso * 1000.0);
    r->goteo_ms = (uint64_t)llround(duracion * 1000.0);
}

static void ruta_imagen(pedido_t *pd, const char *resto)
{
    char ancho_txt[16], alto_txt[16], formato[16];
    const char *barra = strchr(resto, '/');
    long long ancho, alto;
    if (barra == NULL || (size_t)(barra - resto) >= sizeof ancho_txt ||
        strlen(barra + 1) >= sizeof alto_txt) {
        respuesta_error(pd->r, 404, "uso: /imagen/{ancho}/{alto}");
        return;
    }
    memcpy(ancho_txt, resto, (size_t)(barra - resto));
    ancho_txt[barra - resto] = '\0';
    snprintf(alto_txt, sizeof alto_txt, "%s", barra + 1);
    imagen_formato_t f = IMAGEN_PPM;
    if (consulta_valor(pd->consulta, "formato", formato, sizeof formato)) {
        if (strcmp(formato, "bmp") == 0) {
            f = IMAGEN_BMP;
        } else if (strcmp(formato, "ppm") != 0) {
            error_parametro(pd, "formato", "ppm o bmp");
            return;
        }
    }
    respuesta_t *r = pd->r;
    if (consulta_entero(ancho_txt, 1, IMAGEN_MAX_LADO, &ancho) < 0 ||
        consulta_entero(alto_txt, 1, IMAGEN_MAX_LADO, &alto) < 0 ||
        imagen_preparar(&r->imagen, ancho, alto, f) < 0) {
        char m[160];
        snprintf(m, sizeof m, "medidas inválidas: cada lado entre 1 y %d y como mucho %u píxeles",
                 IMAGEN_MAX_LADO, IMAGEN_MAX_PIXELES);
        respuesta_error(r, 400, m);
        return;
    }
    r->estado = 200;
    r->tipo = imagen_tipo(&r->imagen);
    r->fuente = FUENTE_IMAGEN;
    r->longitud = r->anunciada = r->imagen.total;
}

static void ruta_posts(pedido_t *pd, const char *resto)
{
    long long id;
    if (consulta_entero(resto, 1, DATOS_MAX_POST, &id) < 0) {
        respuesta_json(pd->r, 404,
                       json_pack("{s:s, s:s}", "error", "no existe esa publicación", "detalle",
                                 "los ids van de 1 a 100"));
        return;
    }
    respuesta_json(pd->r, 200, datos_post((long)id));
}

static void ruta_users(pedido_t *pd, const char *resto)
{
    char login[128];
    if (segmento(resto, login, sizeof login) < 0) {
        respuesta_json(pd->r, 404, json_pack("{s:s}", "message", "Not Found"));
        return;
    }
    char base[300];
    base_url(pd, base, sizeof base);
    respuesta_json(pd->r, 200, datos_usuario(login, base));
}

static void ruta_inestable(pedido_t *pd)
{
    char id[INESTABLE_MAX_ID];
    long long fallos;
    if (param_entero(pd, "fallos", 0, 1000000, 1, &fallos) < 0) {
        error_parametro(pd, "fallos", "entero entre 0 y 1000000");
        return;
    }
    consulta_valor(pd->consulta, "id", id, sizeof id);
    unsigned intento = inestable_intento(&pd->ctx->inestable, id);
    json_t *jid = texto_json_c(id);
    if ((long long)intento <= fallos) {
        respuesta_json(pd->r, 503,
                       json_pack("{s:s, s:o, s:i, s:I}", "error",
                                 "servicio no disponible, inténtalo de nuevo", "id", jid, "intento",
                                 (int)intento, "fallos", (json_int_t)fallos));
        snprintf(pd->r->cabeceras_extra, sizeof pd->r->cabeceras_extra, "Retry-After: 1\r\n");
    } else {
        respuesta_json(pd->r, 200,
                       json_pack("{s:s, s:o, s:i}", "mensaje", "por fin funcionó", "id", jid,
                                 "intento", (int)intento));
    }
}

/* /json: el documento es siempre el mismo, así que se serializa una sola vez (con el mismo
 * respuesta_json de siempre: mismos bytes) y después se sirve prestado, sin jansson ni malloc
 * por petición. Antes era lo más caro de cada respuesta (dos tercios de las instrucciones,
 * medido con callgrind). Búfer estático: nada que liberar al salir. */
static void ruta_json(pedido_t *pd)
{
    static char texto[1024];
    static size_t largo;
    if (largo > 0) {
        respuesta_prestada(pd->r, 200, "application/json", texto, largo);
        return;
    }
    respuesta_json(pd->r, 200, datos_presentacion());
    if (pd->r->estado == 200 && pd->r->cuerpo != NULL && pd->r->longitud < sizeof texto) {
        memcpy(texto, pd->r->cuerpo, (size_t)pd->r->longitud);
        largo = (size_t)pd->r->longitud;
    }
}

void rutas_atender(contexto_t *ctx, const peticion_t *p, const char *origen, respuesta_t *r)
{
    pedido_t pd = {ctx, p, origen, peticion_consulta(p), r};
    const char *ruta = peticion_ruta(p);
    const char *resto;
    guion_paso_t paso;

    /* Las rutas del guion van primero: el calificador decide qué responde cada una. */
    if (guion_siguiente(ctx->guion, ruta, &paso))
        ruta_guion(&pd, &paso);
    else if (strcmp(ruta, "/") == 0)
        ruta_indice(&pd);
    else if (strcmp(ruta, "/ping") == 0)
        respuesta_texto(r, 200, "pong");
    else if (strcmp(ruta, "/get") == 0)
        respuesta_json(r, 200, eco(&pd));
    else if (strcmp(ruta, "/json") == 0)
        ruta_json(&pd);
    else if (strcmp(ruta, "/json-invalido") == 0) {
        respuesta_texto(r, 200,
                        "{\"nombre\": \"Ana\", \"edad\": 31, \"aficiones\": [\"leer\", "
                        "\"correr\",, }\n");
        r->tipo = "application/json";
    } else if (strcmp(ruta, "/drip") == 0)
        ruta_drip(&pd);
    else if (strcmp(ruta, "/inestable") == 0)
        ruta_inestable(&pd);
    else if (empieza(ruta, "/status/", &resto))
        ruta_status(&pd, resto);
    else if (empieza(ruta, "/delay/", &resto))
        ruta_delay(&pd, resto);
    else if (empieza(ruta, "/bytes/", &resto))
        ruta_bytes(&pd, resto);
    else if (empieza(ruta, "/stream-bytes/", &resto))
        ruta_stream_bytes(&pd, resto);
    else if (empieza(ruta, "/cortar/", &resto))
        ruta_cortar(&pd, resto);
    else if (empieza(ruta, "/imagen/", &resto))
        ruta_imagen(&pd, resto);
    else if (empieza(ruta, "/posts/", &resto))
        ruta_posts(&pd, resto);
    else if (empieza(ruta, "/users/", &resto))
        ruta_users(&pd, resto);
    else if (empieza(ruta, "/clima/", &resto))
        clima_atender(r, resto, pd.consulta);
    else {
        char m[160];
        json_t *jruta = texto_json_c(ruta);
        snprintf(m, sizeof m, "no existe la ruta (GET / lista las que hay)");
        respuesta_json(r, 404, json_pack("{s:s, s:o}", "error", m, "ruta", jruta));
    }
}
