/* contexto.c — un gestor de contexto asíncrono en C: adquirir un recurso de forma asíncrona,
 * usarlo y liberarlo SIEMPRE, también cuando el uso falla, con callbacks de limpieza.
 *
 * El recurso es una conexión TCP con el servidor de práctica:
 *   entrar = uv_tcp_connect             (asíncrono; puede fallar)
 *   cuerpo = lo que se hace con ella     (lo escribe quien la usa)
 *   salir  = uv_shutdown + uv_close      (asíncrono; siempre)
 *
 * con_conexion() promete tres cosas:
 *   1. si entrar falla, el cuerpo no se ejecuta, lo ya adquirido (el handle) se libera y
 *      al_terminar recibe el error;
 *   2. el cuerpo acaba llamando a contexto_salir(ctx, error), con éxito o con error (una
 *      segunda llamada se ignora);
 *   3. la salida se ejecuta siempre, y al_terminar llega DESPUÉS de ella con el error del
 *      cuerpo: la limpieza no lo tapa.
 *
 * Tres usos, uno tras otro: uno que va bien, uno cuyo cuerpo falla (tiempo agotado) y uno
 * que no consigue entrar (conexión rechazada).
 *
 * Memoria: los contextos viven en la pila de main; cada uno lleva dentro sus handles y
 * peticiones. Nada se reserva con malloc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/practica.h"

#define PLAZO_MS 300

typedef struct contexto_s contexto_t;
typedef void (*cuerpo_cb)(contexto_t *ctx);
typedef void (*terminar_cb)(contexto_t *ctx, int error);

struct contexto_s {
    /* Lo que gestiona el «gestor de contexto». */
    uv_tcp_t tcp;
    uv_connect_t conexion;
    uv_shutdown_t apagado;
    cuerpo_cb cuerpo;
    terminar_cb al_terminar;
    int error;
    int saliendo;
    /* Lo que usa el cuerpo de cada ejemplo. */
    const char *nombre;
    const char *peticion;
    uv_write_t escritura;
    uv_timer_t plazo;
    char respuesta[512];
    size_t largo;
};

/* ---------- El gestor ------------------------------------------------------------------------ */

static void al_cerrar_conexion(uv_handle_t *h)
{
    contexto_t *ctx = CONTENEDOR_DE(h, contexto_t, tcp);
    /* Ahora sí: el recurso está liberado del todo. El resultado es el del cuerpo. */
    ctx->al_terminar(ctx, ctx->error);
}

static void al_apagar(uv_shutdown_t *req, int estado)
{
    contexto_t *ctx = CONTENEDOR_DE(req, contexto_t, apagado);
    (void)estado; /* un fallo al apagar no sustituye al error del cuerpo */
    printf("[%s] salida: conexión cerrada\n", ctx->nombre);
    uv_close((uv_handle_t *)&ctx->tcp, al_cerrar_conexion);
}

/* El final del cuerpo, con éxito (0) o con error. Solo cuenta la primera llamada. */
static void contexto_salir(contexto_t *ctx, int error)
{
    if (ctx->saliendo)
        return;
    ctx->saliendo = 1;
    ctx->error = error;
    uv_read_stop((uv_stream_t *)&ctx->tcp);
    /* Salida suave: lo que quede por enviar sale antes del FIN. Si ni eso se puede,
     * se cierra directamente; la limpieza no depende de que el apagado funcione. */
    if (uv_shutdown(&ctx->apagado, (uv_stream_t *)&ctx->tcp, al_apagar) < 0) {
        printf("[%s] salida: conexión cerrada\n", ctx->nombre);
        uv_close((uv_handle_t *)&ctx->tcp, al_cerrar_conexion);
    }
}

static void al_entrar(uv_connect_t *req, int estado)
{
    contexto_t *ctx = CONTENEDOR_DE(req, contexto_t, conexion);
    if (estado < 0) {
        /* La entrada falló: el cuerpo no se ejecuta, pero el handle ya existe y hay que
         * cerrarlo; al_terminar llega desde su callback de cierre. */
        printf("[%s] entrada: %s\n", ctx->nombre, error_texto(estado));
        ctx->saliendo = 1;
        ctx->error = estado;
        uv_close((uv_handle_t *)&ctx->tcp, al_cerrar_conexion);
        return;
    }
    printf("[%s] entrada: conectado\n", ctx->nombre);
    ctx->cuerpo(ctx);
}

/* Devuelve 0 si el contexto arrancó (al_terminar llegará exactamente una vez) o un error
 * (y entonces no llegará nada y no queda nada abierto). */
static int con_conexion(uv_loop_t *bucle, contexto_t *ctx, const struct sockaddr *dir,
                        cuerpo_cb cuerpo, terminar_cb al_terminar)
{
    int r = uv_tcp_init(bucle, &ctx->tcp);
    if (r < 0)
        return r;
    ctx->cuerpo = cuerpo;
    ctx->al_terminar = al_terminar;
    ctx->error = 0;
    ctx->saliendo = 0;
    r = uv_tcp_connect(&ctx->conexion, &ctx->tcp, dir, al_entrar);
    if (r < 0) {
        /* Sin callback de terminar: el llamador recibe el error aquí. El handle se cierra
         * sin avisar a nadie (vive en la struct del llamador, que sigue existiendo). */
        uv_close((uv_handle_t *)&ctx->tcp, NULL);
    }
    return r;
}

/* ---------- Cuerpos de ejemplo --------------------------------------------------------------- */

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    contexto_t *ctx = CONTENEDOR_DE(h, contexto_t, tcp);
    (void)sugerido;
    *buf = uv_buf_init(ctx->respuesta + ctx->largo, (unsigned)(sizeof ctx->respuesta - 1 -
                                                               ctx->largo));
}

static void al_cerrar_plazo(uv_handle_t *h)
{
    contexto_t *ctx = CONTENEDOR_DE(h, contexto_t, plazo);
    contexto_salir(ctx, ctx->error);
}

/* El cuerpo termina en un solo sitio: cerrar su temporizador y, desde su cierre, salir. */
static void terminar_cuerpo(contexto_t *ctx, int error)
{
    if (uv_is_closing((uv_handle_t *)&ctx->plazo))
        return;
    ctx->error = error;
    uv_close((uv_handle_t *)&ctx->plazo, al_cerrar_plazo);
}

static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    contexto_t *ctx = CONTENEDOR_DE(flujo, contexto_t, tcp);
    char *fin_linea;
    (void)buf;
    if (n > 0)
        ctx->largo += (size_t)n;
    ctx->respuesta[ctx->largo] = '\0';
    fin_linea = strstr(ctx->respuesta, "\r\n");
    if (fin_linea != NULL) { /* basta la línea de estado */
        *fin_linea = '\0';
        printf("[%s] cuerpo: %s\n", ctx->nombre, ctx->respuesta);
        terminar_cuerpo(ctx, 0);
    } else if (n < 0 || ctx->largo == sizeof ctx->respuesta - 1) {
        terminar_cuerpo(ctx, n < 0 ? (int)n : UV_EPROTO);
    }
}

static void al_vencer_plazo(uv_timer_t *t)
{
    contexto_t *ctx = CONTENEDOR_DE(t, contexto_t, plazo);
    printf("[%s] cuerpo: sin respuesta en %.2f s\n", ctx->nombre, PLAZO_MS / 1000.0);
    terminar_cuerpo(ctx, UV_ETIMEDOUT);
}

static void al_escribir(uv_write_t *req, int estado)
{
    contexto_t *ctx = CONTENEDOR_DE(req, contexto_t, escritura);
    if (estado < 0)
        terminar_cuerpo(ctx, estado);
}

/* El cuerpo: enviar una petición HTTP y esperar su línea de estado, como mucho 0.30 s. */
static void pedir(contexto_t *ctx)
{
    uv_buf_t buf = uv_buf_init((char *)ctx->peticion, (unsigned)strlen(ctx->peticion));
    int r;
    /* El temporizador es del cuerpo: lo abre él y lo cierra él antes de salir. */
    uv_timer_init(ctx->tcp.loop, &ctx->plazo);
    uv_timer_start(&ctx->plazo, al_vencer_plazo, PLAZO_MS, 0);
    r = uv_write(&ctx->escritura, (uv_stream_t *)&ctx->tcp, &buf, 1, al_escribir);
    if (r == 0)
        r = uv_read_start((uv_stream_t *)&ctx->tcp, reservar, al_leer);
    if (r < 0)
        terminar_cuerpo(ctx, r);
}

/* ---------- Los tres usos, uno tras otro ----------------------------------------------------- */

typedef struct {
    contexto_t usos[3];
    struct sockaddr_in servidor, cerrado;
    uv_tcp_t ocupante; /* enlazado sin escuchar: su puerto rechaza conexiones */
    int siguiente;
    int fallos;
} demo_t;

static demo_t demo;

static void siguiente_uso(uv_loop_t *bucle);

static void al_terminar_uso(contexto_t *ctx, int error)
{
    printf("[%s] resultado: %s\n", ctx->nombre, error_texto(error));
    siguiente_uso(ctx->tcp.loop);
}

static void siguiente_uso(uv_loop_t *bucle)
{
    while (demo.siguiente < 3) {
        contexto_t *ctx = &demo.usos[demo.siguiente++];
        const struct sockaddr_in *dir = demo.siguiente == 3 ? &demo.cerrado : &demo.servidor;
        int r = con_conexion(bucle, ctx, (const struct sockaddr *)dir, pedir, al_terminar_uso);
        if (r == 0)
            return; /* el siguiente, desde al_terminar_uso */
        printf("[%s] no arrancó: %s\n", ctx->nombre, error_texto(r));
        demo.fallos++;
    }
    uv_close((uv_handle_t *)&demo.ocupante, NULL);
}

int main(void)
{
    uv_loop_t bucle;
    const char *url = practica_url();
    const char *dos_puntos = strrchr(url, ':');
    struct sockaddr_storage real;
    int largo = sizeof real;
    char *fin;
    long puerto;
    int r;

    errno = 0;
    puerto = dos_puntos != NULL ? strtol(dos_puntos + 1, &fin, 10) : -1;
    if (dos_puntos == NULL || errno != 0 || *fin != '\0' || puerto < 1 || puerto > 65535) {
        fprintf(stderr, "contexto: no entiendo la URL del servidor de práctica: %s\n", url);
        return 2;
    }
    demo.usos[0] = (contexto_t){.nombre = "ping",
                                .peticion = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"};
    demo.usos[1] = (contexto_t){.nombre = "lento",
                                .peticion = "GET /delay/2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"};
    demo.usos[2] = (contexto_t){.nombre = "rechazada", .peticion = ""};
    uv_ip4_addr("127.0.0.1", (int)puerto, &demo.servidor);

    if (uv_loop_init(&bucle) < 0)
        return 1;
    /* Un puerto con seguridad cerrado: un socket enlazado que no escucha (lección 4). */
    uv_ip4_addr("127.0.0.1", 0, &demo.cerrado);
    r = uv_tcp_init(&bucle, &demo.ocupante);
    if (r == 0)
        r = uv_tcp_bind(&demo.ocupante, (const struct sockaddr *)&demo.cerrado, 0);
    if (r == 0)
        r = uv_tcp_getsockname(&demo.ocupante, (struct sockaddr *)&real, &largo);
    if (r < 0) {
        fprintf(stderr, "contexto: %s\n", error_texto(r));
        bucle_cerrar(&bucle, 0);
        return 1;
    }
    demo.cerrado.sin_port = ((struct sockaddr_in *)&real)->sin_port;

    siguiente_uso(&bucle);
    r = bucle_terminar(&bucle);
    return r == 0 && demo.fallos == 0 ? 0 : 1;
}
