/* apoyo_red.h — ayudas de las pruebas del servidor de práctica (test_servidor*.c): arrancar
 * un servidor propio en un puerto efímero y hablarle por loopback, byte a byte, sin cliente
 * HTTP de por medio (la caja negra se mira desde fuera). Los bytes los mueve el cliente TCP
 * crudo de libcurso (curso/tcp_prueba.h); aquí solo queda lo que es HTTP: leer y trocear respuestas
 * (red_leer, red_get, red_cabecera).
 *
 * Es un .h con funciones static porque cada archivo de common/tests/ es un binario aparte.
 *
 * Memoria: red_srv_t y red_con_t son del llamador (en la pila); el búfer de una red_con_t es
 * suyo desde red_conectar() hasta red_cerrar(); el cuerpo de red_resp_t es suyo (malloc)
 * hasta red_resp_liberar(). red_srv_parar() borra el registro temporal.
 */
#ifndef APOYO_RED_H
#define APOYO_RED_H

#include "curso/practica.h"
#include "curso/reloj.h"
#include "curso/tcp_prueba.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
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

/* Una suite con un servidor propio sin registro, arrancado antes de cada prueba y parado
 * después (que termine limpio también se comprueba): deja `srv` para las pruebas. */
#define RED_SUITE(nombre)                                                                          \
    static red_srv_t srv;                                                                          \
    static void red_suite_arrancar(void)                                                           \
    {                                                                                              \
        red_srv_arrancar(&srv, 0);                                                                 \
    }                                                                                              \
    static void red_suite_parar(void)                                                              \
    {                                                                                              \
        int r_ = red_srv_parar(&srv);                                                              \
        cr_expect_eq(r_, 0, "el servidor no terminó limpio (estado %d)", r_);                      \
    }                                                                                              \
    TestSuite(nombre, .init = red_suite_arrancar, .fini = red_suite_parar, .timeout = 60)

static inline double red_ahora(void)
{
    return reloj_s();
}

/* --- Conexión (el cliente TCP crudo, curso/tcp_prueba.h) --------------------------------- */

typedef struct {
    tcp_t tcp;     /* tcp.fin: el servidor cerró (EOF) o cortó (ECONNRESET) */
    int espera_ms; /* lo que se espera, como mucho, cada trozo de una lectura */
} red_con_t;

/* Conecta a 127.0.0.1:puerto; cada lectura espera como mucho `espera_s` segundos. */
static inline void red_conectar(red_con_t *c, int puerto, int espera_s)
{
    int r = tcp_abrir(&c->tcp, puerto, "cliente", 0);
    cr_assert_eq(r, 0, "connect a 127.0.0.1:%d: %s", puerto, strerror(-r));
    c->espera_ms = espera_s * 1000;
}

static inline void red_cerrar(red_con_t *c)
{
    tcp_cerrar(&c->tcp);
}

/* Envía todo; devuelve 0 o -errno (el servidor pudo cerrar ya: no se aborta la prueba). */
static inline int red_enviar_n(red_con_t *c, const void *datos, size_t n)
{
    return tcp_enviar(&c->tcp, datos, n);
}

static inline int red_enviar(red_con_t *c, const char *texto)
{
    return tcp_texto(&c->tcp, texto);
}

/* Lee exactamente n bytes (o hasta que el servidor cierre o venza la espera). Devuelve los
 * leídos. */
static inline size_t red_leer_n(red_con_t *c, char *destino, size_t n)
{
    return tcp_leer(&c->tcp, c->espera_ms, destino, n);
}

/* Una línea terminada en CRLF (sin él; cabe si tiene menos de tam-1 bytes). -1 si no llegó
 * o no acaba en CRLF. */
static inline int red_linea(red_con_t *c, char *linea, size_t tam)
{
    size_t largo;
    if (tcp_linea(&c->tcp, c->espera_ms, linea, tam, &largo) != 1)
        return -1;
    if (largo == 0 || largo >= tam || linea[largo - 1] != '\r')
        return -1;
    linea[largo - 1] = '\0';
    return (int)(largo - 1);
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

/* Espera a que el servidor cierre la conexión (EOF o corte) como mucho `espera_s`.
 * Devuelve 1 si cerró. Descarta lo que llegue. */
static inline int red_espera_cierre(red_con_t *c, double espera_s)
{
    return tcp_esperar_cierre(&c->tcp, (int)(espera_s * 1000));
}

/* Escribe `texto` (n bytes) en un temporal nuevo de TMPDIR llamado «prefijo-XXXXXX» y deja
 * su ruta en `ruta` (lo borra quien llama). */
static inline void red_temporal(const char *prefijo, const char *texto, size_t n, char *ruta,
                                size_t tam)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(ruta, tam, "%s/%s-XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp", prefijo);
    int fd = mkstemp(ruta);
    cr_assert(fd >= 0, "no se pudo crear el temporal %s", ruta);
    cr_assert_eq(write(fd, texto, n), (ssize_t)n);
    close(fd);
}

/* `que` dentro de la carpeta de construcción ($(B)), subiendo desde la de esta prueba
 * ($(B)/tests/common/<prueba>), en `ruta`. */
static inline void red_en_construccion(const char *que, char *ruta, size_t tam)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert(n > 0);
    exe[n] = '\0';
    for (int i = 0; i < 3; i++) {
        char *barra = strrchr(exe, '/');
        cr_assert_not_null(barra);
        *barra = '\0';
    }
    int w = snprintf(ruta, tam, "%s/%s", exe, que);
    cr_assert(w > 0 && (size_t)w < tam, "ruta demasiado larga: %s/%s", exe, que);
}

/* Ruta del binario del servidor: CURSO_SERVIDOR_BIN o build/bin, subiendo desde
 * build/tests/common. */
static inline void red_binario(char *ruta, size_t tam)
{
    const char *env = getenv("CURSO_SERVIDOR_BIN");
    if (env != NULL && env[0] != '\0') {
        snprintf(ruta, tam, "%s", env);
        return;
    }
    red_en_construccion("bin/servidor-practica", ruta, tam);
}

/* Arranca el servidor con «opcion archivo» (p. ej. «--guion», «--alias») y devuelve su
 * código de salida; deja su stderr (y stdout) en `salida`. Lo mata si a los 5 s sigue vivo
 * (-1): un archivo inválido debe hacerlo salir antes, con su mensaje. */
static inline int red_arrancar_con_archivo(const char *opcion, const char *archivo, char *salida,
                                           size_t tam)
{
    char bin[PATH_MAX], orden[3 * PATH_MAX];
    red_binario(bin, sizeof bin);
    snprintf(orden, sizeof orden, "timeout -s KILL 5 '%s' --puerto 0 %s '%s' 2>&1", bin, opcion,
             archivo);
    FILE *p = popen(orden, "r");
    cr_assert_not_null(p);
    size_t usados = fread(salida, 1, tam - 1, p);
    salida[usados] = '\0';
    int estado = pclose(p);
    return WIFEXITED(estado) ? WEXITSTATUS(estado) : -1;
}

#endif
