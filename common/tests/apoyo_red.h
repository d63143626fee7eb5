/* apoyo_red.h — ayudas de las pruebas del servidor de práctica (test_servidor*.c): arrancar
 * un servidor propio en un puerto efímero y hablarle con sockets bloqueantes por loopback,
 * byte a byte, sin cliente HTTP de por medio (la caja negra se mira desde fuera).
 *
 * Es un .h con funciones static porque cada archivo de common/tests/ es un binario aparte.
 *
 * Memoria: red_srv_t y red_con_t son del llamador (en la pila); el cuerpo de red_resp_t es
 * suyo (malloc) hasta red_resp_liberar(). red_srv_parar() borra el registro temporal.
 */
#ifndef APOYO_RED_H
#define APOYO_RED_H

#include "curso/practica.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    practica_t practica;
    char registro[512]; /* "" si se arrancó sin registro */
} red_srv_t;

static inline void red_srv_arrancar(red_srv_t *s, int con_registro)
{
    s->registro[0] = '\0';
    if (con_registro) {
        const char *tmp = getenv("TMPDIR");
        if (tmp == NULL || tmp[0] == '\0')
            tmp = "/tmp";
        snprintf(s->registro, sizeof s->registro, "%s/registro-servidor-XXXXXX", tmp);
        int fd = mkstemp(s->registro);
        cr_assert(fd >= 0, "no se pudo crear el registro temporal en %s", tmp);
        close(fd);
    }
    int r = practica_arrancar(&s->practica, con_registro ? s->registro : NULL);
    if (r < 0 && con_registro)
        unlink(s->registro);
    cr_assert_eq(r, 0, "no arrancó el servidor de práctica: %s", strerror(-r));
}

/* Para el servidor y devuelve su estado de salida. */
static inline int red_srv_parar(red_srv_t *s)
{
    int r = practica_parar(&s->practica);
    if (s->registro[0] != '\0')
        unlink(s->registro);
    return r;
}

static inline double red_ahora(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --- Conexión con búfer (para leer varias respuestas seguidas) ----------------------- */

typedef struct {
    int fd;
    char buf[64 * 1024];
    size_t ini, fin;
    int cerrada; /* el servidor cerró (recv devolvió 0) */
} red_con_t;

/* Conecta a 127.0.0.1:puerto con un tiempo límite de lectura de `espera_s` segundos. */
static inline void red_conectar(red_con_t *c, int puerto, int espera_s)
{
    memset(c, 0, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert(c->fd >= 0, "socket: %s", strerror(errno));
    struct timeval tv = {.tv_sec = espera_s, .tv_usec = 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in d = {.sin_family = AF_INET, .sin_port = htons((uint16_t)puerto)};
    d.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int r = connect(c->fd, (struct sockaddr *)&d, sizeof d);
    cr_assert_eq(r, 0, "connect a 127.0.0.1:%d: %s", puerto, strerror(errno));
}

static inline void red_cerrar(red_con_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Envía todo; devuelve 0 o -errno (el servidor pudo cerrar ya: no se aborta la prueba). */
static inline int red_enviar_n(red_con_t *c, const void *datos, size_t n)
{
    const char *p = datos;
    while (n > 0) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static inline int red_enviar(red_con_t *c, const char *texto)
{
    return red_enviar_n(c, texto, strlen(texto));
}

/* Rellena el búfer. Devuelve bytes nuevos, 0 si el servidor cerró, -1 si venció el plazo. */
static inline ssize_t red_llenar(red_con_t *c)
{
    if (c->ini > 0) {
        memmove(c->buf, c->buf + c->ini, c->fin - c->ini);
        c->fin -= c->ini;
        c->ini = 0;
    }
    if (c->fin == sizeof c->buf)
        return -1;
    for (;;) {
        ssize_t n = recv(c->fd, c->buf + c->fin, sizeof c->buf - c->fin, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == ECONNRESET)
            n = 0;
        if (n == 0)
            c->cerrada = 1;
        if (n > 0)
            c->fin += (size_t)n;
        return n;
    }
}

/* Lee exactamente n bytes (o hasta que el servidor cierre). Devuelve los leídos. */
static inline size_t red_leer_n(red_con_t *c, char *destino, size_t n)
{
    size_t hechos = 0;
    while (hechos < n) {
        if (c->ini == c->fin && red_llenar(c) <= 0)
            break;
        size_t m = c->fin - c->ini;
        if (m > n - hechos)
            m = n - hechos;
        if (destino != NULL)
            memcpy(destino + hechos, c->buf + c->ini, m);
        c->ini += m;
        hechos += m;
    }
    return hechos;
}

/* Una línea terminada en CRLF (sin él). -1 si no llegó. */
static inline int red_linea(red_con_t *c, char *linea, size_t tam)
{
    for (;;) {
        char *fin = memmem(c->buf + c->ini, c->fin - c->ini, "\r\n", 2);
        if (fin != NULL) {
            size_t n = (size_t)(fin - (c->buf + c->ini));
            if (n >= tam)
                return -1;
            memcpy(linea, c->buf + c->ini, n);
            linea[n] = '\0';
            c->ini += n + 2;
            return (int)n;
        }
        if (red_llenar(c) <= 0)
            return -1;
    }
}

/* --- Respuestas ---------------------------------------------------------------------- */

typedef struct {
    int estado;         /* 0 si no llegó una línea de estado */
    char cabeza[16384]; /* cabeceras tal cual, "Nombre: valor\n" por línea */
    long long longitud; /* Content-Length, o -1 */
    int troceada;       /* Transfer-Encoding: chunked */
    int trozos;         /* trozos chunked recibidos (sin el final) */
    int completa;       /* el cuerpo llegó entero según su encuadre */
    char *cuerpo;       /* terminado en NUL */
    size_t largo;       /* bytes de cuerpo recibidos */
} red_resp_t;

static inline void red_resp_liberar(red_resp_t *r)
{
    free(r->cuerpo);
    r->cuerpo = NULL;
}

/* Valor de la cabecera `nombre` en `valor` (o NULL si no está). */
static inline const char *red_cabecera(const red_resp_t *r, const char *nombre, char *valor,
                                       size_t tam)
{
    size_t n = strlen(nombre);
    const char *p = r->cabeza;
    while (*p != '\0') {
        const char *fin = strchr(p, '\n');
        if (fin == NULL)
            break;
        if ((size_t)(fin - p) > n + 1 && strncasecmp(p, nombre, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            size_t m = (size_t)(fin - v);
            if (m >= tam)
                m = tam - 1;
            memcpy(valor, v, m);
            valor[m] = '\0';
            return valor;
        }
        p = fin + 1;
    }
    return NULL;
}

static inline void anadir_cuerpo(red_resp_t *r, const char *datos, size_t n, size_t *cap)
{
    if (r->largo + n + 1 > *cap) {
        while (r->largo + n + 1 > *cap)
            *cap = *cap > 0 ? *cap * 2 : 4096;
        r->cuerpo = realloc(r->cuerpo, *cap);
        cr_assert_not_null(r->cuerpo);
    }
    memcpy(r->cuerpo + r->largo, datos, n);
    r->largo += n;
    r->cuerpo[r->largo] = '\0';
}

/* Lee una respuesta completa. `sin_cuerpo`: respuesta a HEAD. Devuelve 0 si llegó entera,
 * -1 si no (r->estado y lo recibido quedan para el diagnóstico). */
static inline int red_leer(red_con_t *c, red_resp_t *r, int sin_cuerpo)
{
    char linea[16384];
    size_t cap = 0;
    memset(r, 0, sizeof *r);
    r->longitud = -1;
    r->cuerpo = calloc(1, 1);
    cr_assert_not_null(r->cuerpo);
    if (red_linea(c, linea, sizeof linea) < 0)
        return -1;
    if (sscanf(linea, "HTTP/1.%*d %d", &r->estado) != 1)
        return -1;
    size_t usados = 0;
    for (;;) {
        int n = red_linea(c, linea, sizeof linea);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        if (usados + (size_t)n + 2 < sizeof r->cabeza) {
            memcpy(r->cabeza + usados, linea, (size_t)n);
            usados += (size_t)n;
            r->cabeza[usados++] = '\n';
            r->cabeza[usados] = '\0';
        }
    }
    char v[64];
    if (red_cabecera(r, "Content-Length", v, sizeof v) != NULL)
        r->longitud = strtoll(v, NULL, 10);
    if (red_cabecera(r, "Transfer-Encoding", v, sizeof v) != NULL && strcasecmp(v, "chunked") == 0)
        r->troceada = 1;
    if (sin_cuerpo || r->estado < 200 || r->estado == 204 || r->estado == 304) {
        r->completa = 1;
        return 0;
    }
    char trozo[16384];
    if (r->troceada) {
        for (;;) {
            if (red_linea(c, linea, sizeof linea) < 0)
                return -1;
            long long t = strtoll(linea, NULL, 16);
            if (t == 0) {
                if (red_linea(c, linea, sizeof linea) < 0)
                    return -1;
                r->completa = 1;
                return 0;
            }
            r->trozos++;
            while (t > 0) {
                size_t pide = t > (long long)sizeof trozo ? sizeof trozo : (size_t)t;
                size_t n = red_leer_n(c, trozo, pide);
                anadir_cuerpo(r, trozo, n, &cap);
                if (n < pide)
                    return -1;
                t -= (long long)n;
            }
            if (red_linea(c, linea, sizeof linea) != 0)
                return -1;
        }
    }
    if (r->longitud < 0)
        return -1;
    long long queda = r->longitud;
    while (queda > 0) {
        size_t pide = queda > (long long)sizeof trozo ? sizeof trozo : (size_t)queda;
        size_t n = red_leer_n(c, trozo, pide);
        anadir_cuerpo(r, trozo, n, &cap);
        if (n < pide)
            return -1;
        queda -= (long long)n;
    }
    r->completa = 1;
    return 0;
}

/* GET de una sola vez por una conexión nueva. Devuelve lo que red_leer(). */
static inline int red_get(int puerto, const char *ruta, red_resp_t *r)
{
    red_con_t *c = malloc(sizeof *c);
    cr_assert_not_null(c);
    red_conectar(c, puerto, 20);
    char peticion[4096];
    snprintf(peticion, sizeof peticion,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", ruta, puerto);
    red_enviar(c, peticion);
    int res = red_leer(c, r, 0);
    red_cerrar(c);
    free(c);
    return res;
}

/* Espera a que el servidor cierre la conexión (recv == 0) como mucho `espera_s`.
 * Devuelve 1 si cerró. Descarta lo que llegue. */
static inline int red_espera_cierre(red_con_t *c, double espera_s)
{
    double limite = red_ahora() + espera_s;
    c->ini = c->fin = 0;
    while (red_ahora() < limite) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int ms = (int)((limite - red_ahora()) * 1000) + 1;
        if (poll(&p, 1, ms) <= 0)
            continue;
        ssize_t n = red_llenar(c);
        if (n == 0)
            return 1;
        c->ini = c->fin = 0;
    }
    return 0;
}

#endif
