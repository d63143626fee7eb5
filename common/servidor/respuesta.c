/* respuesta.c — construcción y serialización de respuestas (ver respuesta.h). */
#include "respuesta.h"

#include "bytes.h"
#include "texto.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void respuesta_iniciar(respuesta_t *r)
{
    memset(r, 0, sizeof *r);
    r->estado = 200;
    r->tipo = "text/plain; charset=utf-8";
}

void respuesta_liberar(respuesta_t *r)
{
    free(r->cuerpo);
    r->cuerpo = NULL;
}

/* Pone un cuerpo en memoria (toma `cuerpo`, de malloc). */
static void poner_cuerpo(respuesta_t *r, int estado, const char *tipo, char *cuerpo, size_t n)
{
    free(r->cuerpo);
    r->prestado = NULL;
    r->fuente = FUENTE_MEMORIA;
    r->estado = estado;
    r->tipo = tipo;
    r->cuerpo = cuerpo;
    r->longitud = r->anunciada = cuerpo != NULL ? n : 0;
    if (cuerpo == NULL)
        r->estado = 500;
}

void respuesta_texto(respuesta_t *r, int estado, const char *texto)
{
    size_t n = strlen(texto);
    char *copia = malloc(n + 1);
    if (copia != NULL)
        memcpy(copia, texto, n + 1);
    poner_cuerpo(r, estado, "text/plain; charset=utf-8", copia, n);
}

void respuesta_json(respuesta_t *r, int estado, json_t *json)
{
    char *texto =
        json != NULL
            ? json_dumps(json, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))
            : NULL;
    json_decref(json);
    size_t n = 0;
    if (texto != NULL) {
        /* Un salto de línea final: cómodo al mirar con curl. */
        n = strlen(texto);
        char *con_salto = realloc(texto, n + 2);
        if (con_salto == NULL) {
            free(texto);
            texto = NULL;
        } else {
            texto = con_salto;
            texto[n++] = '\n';
            texto[n] = '\0';
        }
    }
    poner_cuerpo(r, estado, "application/json", texto, n);
}

void respuesta_prestada(respuesta_t *r, int estado, const char *tipo, const char *texto, size_t n)
{
    poner_cuerpo(r, estado, tipo, NULL, 0);
    r->estado = estado;
    r->prestado = texto;
    r->longitud = r->anunciada = n;
}

void respuesta_error(respuesta_t *r, int estado, const char *mensaje)
{
    respuesta_json(r, estado, json_pack("{s:s, s:i}", "error", mensaje, "estado", estado));
}

const char *respuesta_frase(int estado)
{
    switch (estado) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 203:
        return "Non-Authoritative Information";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Content Too Large";
    case 416:
        return "Range Not Satisfiable";
    case 418:
        return "I'm a teapot";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Unknown";
    }
}

/* Escritura de la cabecera a mano, sin snprintf: se hace en cada respuesta y el formateo
 * genérico era una parte visible del coste por petición (perfil con callgrind). */
typedef struct {
    char *p, *fin; /* siguiente byte libre; fin deja sitio para el NUL */
    int lleno;
} escritor_t;

static void poner(escritor_t *e, const char *s, size_t n)
{
    if (e->lleno || (size_t)(e->fin - e->p) < n) {
        e->lleno = 1;
        return;
    }
    memcpy(e->p, s, n);
    e->p += n;
}

static void poner_c(escritor_t *e, const char *s)
{
    poner(e, s, strlen(s));
}

static void poner_numero(escritor_t *e, uint64_t v)
{
    char cifras[TEXTO_CIFRAS];
    size_t n;
    const char *p = texto_cifras(v, cifras, &n);
    poner(e, p, n);
}

size_t respuesta_cabeza(const respuesta_t *r, int mantener_10, char *destino, size_t tam)
{
    if (tam == 0)
        return 0;
    escritor_t e = {destino, destino + tam - 1, 0};
    static const char linea[] = "HTTP/1.1 ";
    poner(&e, linea, sizeof linea - 1);
    poner_numero(&e, r->estado >= 0 ? (uint64_t)r->estado : 0);
    poner(&e, " ", 1);
    poner_c(&e, respuesta_frase(r->estado));
    static const char servidor[] = "\r\nServer: servidor-practica\r\n";
    poner(&e, servidor, sizeof servidor - 1);
    if (!r->sin_cuerpo) {
        static const char tipo[] = "Content-Type: ";
        poner(&e, tipo, sizeof tipo - 1);
        poner_c(&e, r->tipo);
        poner(&e, "\r\n", 2);
    }
    if (r->troceado) {
        static const char troceado[] = "Transfer-Encoding: chunked\r\n";
        poner(&e, troceado, sizeof troceado - 1);
    } else if (!r->sin_cuerpo) {
        static const char longitud[] = "Content-Length: ";
        poner(&e, longitud, sizeof longitud - 1);
        poner_numero(&e, r->anunciada);
        poner(&e, "\r\n", 2);
    }
    if (r->cerrar)
        poner_c(&e, "Connection: close\r\n");
    else if (mantener_10)
        poner_c(&e, "Connection: keep-alive\r\n");
    poner_c(&e, r->cabeceras_extra);
    poner(&e, "\r\n", 2);
    if (e.lleno)
        return 0;
    *e.p = '\0';
    return (size_t)(e.p - destino);
}

void respuesta_leer(const respuesta_t *r, uint64_t desde, char *destino, size_t n)
{
    switch (r->fuente) {
    case FUENTE_MEMORIA: {
        const char *cuerpo = r->cuerpo != NULL ? r->cuerpo : r->prestado;
        if (cuerpo != NULL && desde + n <= r->longitud)
            memcpy(destino, cuerpo + desde, n);
        else
            memset(destino, 0, n);
        break;
    }
    case FUENTE_BYTES:
        bytes_generar(r->semilla, r->desde + desde, (unsigned char *)destino, n);
        break;
    case FUENTE_IMAGEN:
        imagen_generar(&r->imagen, desde, (unsigned char *)destino, n);
        break;
    case FUENTE_GOTEO:
        memset(destino, '*', n);
        break;
    }
}
