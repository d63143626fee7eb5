/* ejercicio.c — un filtro externo con uv_spawn (práctica 5 de la lección 12): una respuesta.
 *
 *   filtro TEXTO PROGRAMA [ARG...]   lanza PROGRAMA con sus argumentos (entorno: LC_ALL=C y
 *                                    PATH=/usr/bin:/bin), le da TEXTO por su entrada, la
 *                                    cierra, recoge todo lo que escribe y cuenta cómo acabó.
 *
 * Es la sección 6 de la lección: uv_spawn con dos tuberías (los indicadores, desde el punto de
 * vista del hijo), uv_write + uv_shutdown en su entrada (sin el shutdown, un hijo que lee
 * hasta el final, como sort, esperaría para siempre) y DOS avisos independientes que pueden
 * llegar en cualquier orden: el EOF de su salida y su exit_cb. El resultado se escribe
 * cuando han llegado los dos.
 *
 * Memoria: los handles son estáticos; cada trozo leído se libera en al_leer. Si uv_spawn
 * falla (UV_ENOENT), el handle del proceso ya está iniciado y hay que cerrarlo, igual que
 * las tuberías.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

static char *entorno[] = {"LC_ALL=C", "PATH=/usr/bin:/bin", NULL};

static uv_process_t hijo;
static uv_pipe_t entrada, salida; /* nuestros extremos: el hijo lee de entrada y escribe en salida */
static uv_write_t escritura;
static uv_shutdown_t apagado;
static uv_buf_t texto;
static char recogido[65536]; /* lo que escribió el hijo */
static size_t largo;
static int64_t estado_salida;
static int senal, avisos; /* avisos que faltan: el EOF de su salida y su exit_cb */

/* ─────────────── lo que ya está escrito ─────────────── */

/* Los dos avisos han llegado: el resultado completo. */
static void un_aviso_menos(void)
{
    if (--avisos > 0)
        return;
    printf("el hijo escribió %zu bytes:\n%.*s", largo, (int)largo, recogido);
    if (largo > 0 && recogido[largo - 1] != '\n')
        printf("\n");
    printf("estado: %lld, señal: %d\n", (long long)estado_salida, senal);
}

static void al_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    buf->base = malloc(sugerido);
    buf->len = buf->base != NULL ? sugerido : 0;
}

/* ─────────────── lo que escribes tú ─────────────── */

static void al_salir(uv_process_t *p, int64_t estado, int signum)
{
    estado_salida = estado;
    senal = signum;
    uv_close((uv_handle_t *)p, NULL);
    un_aviso_menos();
}

static void al_leer(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    if (n > 0) {
        size_t cabe = sizeof recogido - largo;
        size_t copiar = (size_t)n < cabe ? (size_t)n : cabe;
        memcpy(recogido + largo, buf->base, copiar);
        largo += copiar;
    }
    free(buf->base); /* también con n == 0 o n < 0: el trozo es nuestro */
    if (n < 0) { /* UV_EOF: no escribirá más (u otro error: tampoco) */
        uv_close((uv_handle_t *)s, NULL);
        un_aviso_menos();
    }
}

static void al_apagar(uv_shutdown_t *req, int estado)
{
    (void)estado;
    uv_close((uv_handle_t *)req->handle, NULL); /* su entrada, cerrada: ya tiene su EOF */
}

static void al_escribir(uv_write_t *req, int estado)
{
    (void)req;
    (void)estado; /* si falla (el hijo no leía), el shutdown lo dirá: se cierra igual */
}

/* Lanza el hijo. Devuelve 0, o el error de uv_spawn con todo ya cerrado. */
static int lanzar(uv_loop_t *bucle, char **args)
{
    uv_process_options_t op;
    uv_stdio_container_t stdio[3];
    int r;

    uv_pipe_init(bucle, &entrada, 0);
    uv_pipe_init(bucle, &salida, 0);
    stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE; /* el hijo lee de aquí */
    stdio[0].data.stream = (uv_stream_t *)&entrada;
    stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE; /* el hijo escribe aquí */
    stdio[1].data.stream = (uv_stream_t *)&salida;
    stdio[2].flags = UV_INHERIT_FD; /* sus errores, a nuestro stderr */
    stdio[2].data.fd = 2;
    memset(&op, 0, sizeof op);
    op.file = args[0];
    op.args = args;
    op.env = entorno;
    op.stdio = stdio;
    op.stdio_count = 3;
    op.exit_cb = al_salir;
    r = uv_spawn(bucle, &hijo, &op);
    if (r < 0) { /* el handle quedó iniciado aunque el hijo no exista: se cierra */
        uv_close((uv_handle_t *)&hijo, NULL);
        uv_close((uv_handle_t *)&entrada, NULL);
        uv_close((uv_handle_t *)&salida, NULL);
        return r;
    }
    avisos = 2;
    uv_read_start((uv_stream_t *)&salida, al_reservar, al_leer);
    uv_write(&escritura, (uv_stream_t *)&entrada, &texto, 1, al_escribir);
    uv_shutdown(&apagado, (uv_stream_t *)&entrada, al_apagar); /* sale detrás de la escritura */
    return 0;
}

/* ─────────────── lo que ya está escrito ─────────────── */

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    int r;

    if (argc < 3) {
        fprintf(stderr, "uso: %s TEXTO PROGRAMA [ARG...]\n", argv[0]);
        return 2;
    }
    if (uv_loop_init(&bucle) < 0)
        return 1;
    texto = uv_buf_init(argv[1], (unsigned)strlen(argv[1]));
    r = lanzar(&bucle, argv + 2);
    if (r < 0)
        printf("no se pudo lanzar %s: %s (%s)\n", argv[2], error_texto(r), error_nombre(r));
    if (bucle_terminar(&bucle) != 0)
        return 1;
    printf("uv_loop_close: 0\n");
    return r < 0 ? 1 : 0;
}
