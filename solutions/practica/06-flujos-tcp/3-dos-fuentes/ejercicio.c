/* ejercicio.c — dos fuentes a la vez (práctica 3 de la lección 6): una respuesta.
 *
 *   conversa < TEXTO   envía lo que llega por la entrada estándar (una tubería) a un servidor
 *                      que vive en el mismo programa, y enseña lo que el servidor contesta.
 *
 * Un solo hilo lee dos flujos a la vez: la entrada estándar (uv_pipe_open sobre el
 * descriptor 0) y el socket. Cuando se acaba la entrada, el cliente no cierra la conexión de
 * golpe: uv_shutdown() dice «no envío más» y sigue leyendo hasta que el servidor cierre
 * (UV_EOF), porque la respuesta aún no ha llegado.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

/* ---- El servidor (ya escrito: no lo cambies) ---------------------------------------- */
/* Escucha en 127.0.0.1 en un puerto libre y acepta UNA conexión. Al aceptarla saluda; después
 * guarda todo lo que recibe y, cuando el cliente dice «no envío más» (UV_EOF), espera 200 ms
 * (está pensando), contesta todo en mayúsculas y cierra la conexión. */

#define SALUDO "HOLA, CLIENTE\n"

static uv_tcp_t servidor, atendida;
static uv_timer_t pensar;
static uv_write_t saludo_req, respuesta_req;
static uv_shutdown_t servidor_apagado;
static char bufer_servidor[64];
static char guardado[4096];
static size_t n_guardado;

static void servidor_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(bufer_servidor, sizeof bufer_servidor);
}

static void servidor_al_escribir(uv_write_t *req, int estado)
{
    (void)req;
    (void)estado;
}

static void servidor_al_apagar(uv_shutdown_t *req, int estado)
{
    (void)estado;
    uv_close((uv_handle_t *)req->handle, NULL);
}

static void servidor_contestar(uv_timer_t *t)
{
    uv_buf_t salida = uv_buf_init(guardado, (unsigned int)n_guardado);

    uv_close((uv_handle_t *)t, NULL);
    for (size_t i = 0; i < n_guardado; i++)
        if (guardado[i] >= 'a' && guardado[i] <= 'z')
            guardado[i] = (char)(guardado[i] - 32);
    if (uv_write(&respuesta_req, (uv_stream_t *)&atendida, &salida, 1, servidor_al_escribir) < 0 ||
        uv_shutdown(&servidor_apagado, (uv_stream_t *)&atendida, servidor_al_apagar) < 0)
        uv_close((uv_handle_t *)&atendida, NULL);
}

static void servidor_al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    if (n == UV_EOF) {
        uv_timer_start(&pensar, servidor_contestar, 200, 0); /* no falla: no se está cerrando */
        return;
    }
    if (n < 0) {
        uv_close((uv_handle_t *)&pensar, NULL);
        uv_close((uv_handle_t *)flujo, NULL);
        return;
    }
    if ((size_t)n > sizeof guardado - n_guardado)
        n = (ssize_t)(sizeof guardado - n_guardado);
    memcpy(guardado + n_guardado, buf->base, (size_t)n);
    n_guardado += (size_t)n;
}

static void servidor_al_conectar(uv_stream_t *s, int estado)
{
    uv_buf_t saludo = uv_buf_init(SALUDO, sizeof SALUDO - 1);

    if (estado < 0)
        return;
    uv_tcp_init(s->loop, &atendida); /* no falla: lección 2, §3 */
    uv_timer_init(s->loop, &pensar); /* no falla: lección 2, §3 */
    if (uv_accept(s, (uv_stream_t *)&atendida) < 0 ||
        uv_write(&saludo_req, (uv_stream_t *)&atendida, &saludo, 1, servidor_al_escribir) < 0 ||
        uv_read_start((uv_stream_t *)&atendida, servidor_reservar, servidor_al_leer) < 0) {
        uv_close((uv_handle_t *)&pensar, NULL);
        uv_close((uv_handle_t *)&atendida, NULL);
    }
}

/* Arranca el servidor y devuelve su puerto (o un error negativo). */
static int servidor_arrancar(uv_loop_t *bucle)
{
    struct sockaddr_in dir;
    struct sockaddr_storage propia;
    int largo = sizeof propia;
    int r;

    uv_tcp_init(bucle, &servidor); /* no falla: lección 2, §3 */
    uv_ip4_addr("127.0.0.1", 0, &dir); /* dirección literal: no falla */
    r = uv_tcp_bind(&servidor, (const struct sockaddr *)&dir, 0);
    if (r == 0)
        r = uv_listen((uv_stream_t *)&servidor, 8, servidor_al_conectar);
    if (r == 0)
        r = uv_tcp_getsockname(&servidor, (struct sockaddr *)&propia, &largo);
    if (r < 0)
        return r;
    return ntohs(((struct sockaddr_in *)&propia)->sin_port);
}

/* ---- El cliente ------------------------------------------------------------------------ */

/* Una escritura y sus bytes en un solo bloque: se libera en la callback de escritura. */
typedef struct {
    uv_write_t req;
    char datos[];
} escritura_t;

static uv_tcp_t cliente;
static uv_pipe_t entrada;
static uv_connect_t conexion;
static uv_shutdown_t apagado;
static char bufer_entrada[64], bufer_red[64];

static void reservar_entrada(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(bufer_entrada, sizeof bufer_entrada);
}

static void reservar_red(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(bufer_red, sizeof bufer_red);
}

static void cerrar_todo(void)
{
    if (!uv_is_closing((uv_handle_t *)&entrada))
        uv_close((uv_handle_t *)&entrada, NULL);
    uv_close((uv_handle_t *)&cliente, NULL);
    uv_close((uv_handle_t *)&servidor, NULL);
}

static void al_escribir(uv_write_t *req, int estado)
{
    if (estado < 0)
        fprintf(stderr, "escribiendo: %s\n", error_texto(estado));
    free(req); /* req es el primer miembro de escritura_t: es el bloque entero */
}

static void al_apagar(uv_shutdown_t *req, int estado)
{
    (void)req;
    if (estado < 0)
        fprintf(stderr, "uv_shutdown: %s\n", error_texto(estado));
}

/* Lo que llega de la red se enseña tal cual, en cuanto llega. Con UV_EOF, el servidor cerró:
 * se cierra todo. */
static void al_leer_red(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    (void)flujo;
    if (n < 0) {
        if (n != UV_EOF)
            fprintf(stderr, "leyendo de la red: %s\n", error_texto((int)n));
        cerrar_todo();
        return;
    }
    fwrite(buf->base, 1, (size_t)n, stdout);
}

/* Lo que llega de la entrada se copia (el búfer de lectura se reutiliza) y se envía. Al
 * acabarse la entrada: se cierra y se dice «no envío más», sin cerrar la conexión. */
static void al_leer_entrada(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    if (n < 0) {
        if (n != UV_EOF)
            fprintf(stderr, "leyendo la entrada: %s\n", error_texto((int)n));
        uv_close((uv_handle_t *)flujo, NULL);
        if (uv_shutdown(&apagado, (uv_stream_t *)&cliente, al_apagar) < 0)
            cerrar_todo();
        return;
    }
    if (n == 0)
        return;
    escritura_t *e = malloc(sizeof *e + (size_t)n);
    uv_buf_t salida;

    if (e == NULL) {
        fprintf(stderr, "sin memoria\n");
        return;
    }
    memcpy(e->datos, buf->base, (size_t)n);
    salida = uv_buf_init(e->datos, (unsigned int)n);
    if (uv_write(&e->req, (uv_stream_t *)&cliente, &salida, 1, al_escribir) < 0)
        free(e); /* fallo síncrono: al_escribir no se llamará */
}

static void al_conectar(uv_connect_t *req, int estado)
{
    int r;

    (void)req;
    if (estado < 0) {
        fprintf(stderr, "conectando: %s\n", error_texto(estado));
        cerrar_todo();
        return;
    }
    /* Las dos fuentes a la vez: la red y la entrada estándar (una tubería). */
    r = uv_read_start((uv_stream_t *)&cliente, reservar_red, al_leer_red);
    if (r == 0)
        r = uv_pipe_open(&entrada, 0);
    if (r == 0)
        r = uv_read_start((uv_stream_t *)&entrada, reservar_entrada, al_leer_entrada);
    if (r < 0) {
        fprintf(stderr, "cliente: %s\n", error_texto(r));
        cerrar_todo();
    }
}

int main(void)
{
    uv_loop_t bucle;
    struct sockaddr_in dir;
    int puerto, r;

    signal(SIGPIPE, SIG_IGN);
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    puerto = servidor_arrancar(&bucle);
    if (puerto < 0) {
        fprintf(stderr, "servidor: %s\n", error_texto(puerto));
        bucle_terminar(&bucle);
        return 1;
    }
    uv_tcp_init(&bucle, &cliente); /* no falla: lección 2, §3 */
    uv_pipe_init(&bucle, &entrada, 0); /* no falla: lección 2, §3 */
    uv_ip4_addr("127.0.0.1", puerto, &dir); /* dirección literal: no falla */
    r = uv_tcp_connect(&conexion, &cliente, (const struct sockaddr *)&dir, al_conectar);
    if (r < 0) {
        fprintf(stderr, "uv_tcp_connect: %s\n", error_texto(r));
        cerrar_todo();
    }
    r = bucle_terminar(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 ? 0 : 1;
}
