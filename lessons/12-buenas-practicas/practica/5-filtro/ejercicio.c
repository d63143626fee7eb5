/* ejercicio.c — un filtro externo con uv_spawn (práctica 5 de la lección 12).
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
 * Tal como está, lanzar() no lanza nada. Tu trabajo: lanzar, al_escribir, al_apagar, al_leer
 * y al_salir (ver README.md); main, la reserva de cada lectura y el resultado ya están.
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

/* exit_cb: el hijo ha terminado (estado si salió él, signum si lo mató una señal). */
static void al_salir(uv_process_t *p, int64_t estado, int signum)
{
    /* TODO */
    (void)p;
    (void)estado;
    (void)signum;
}

/* Un trozo de la salida del hijo, o su EOF. */
static void al_leer(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    /* TODO */
    (void)s;
    (void)n;
    (void)buf;
}

/* La entrada del hijo ya tiene su EOF. */
static void al_apagar(uv_shutdown_t *req, int estado)
{
    /* TODO */
    (void)req;
    (void)estado;
}

static void al_escribir(uv_write_t *req, int estado)
{
    /* TODO */
    (void)req;
    (void)estado;
}

/* Lanza el hijo. Devuelve 0, o el error de uv_spawn con todo ya cerrado. */
static int lanzar(uv_loop_t *bucle, char **args)
{
    /* TODO: las dos tuberías, uv_spawn, leer su salida, escribirle `texto` y cerrar su entrada */
    (void)bucle;
    (void)args;
    return UV_ENOSYS;
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
