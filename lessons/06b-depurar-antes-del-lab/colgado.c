/* colgado.c — el síntoma «el programa no termina»: un handle que nadie cerró.
 *
 * El trabajo acaba a los 0.2 s, pero un latido que se repite sigue activo y con referencia:
 * uv_run no vuelve. Un guardián (un temporizador sin referencia, que por sí solo no retiene
 * el bucle) lo descubre al segundo, enseña con bucle_listar() qué sigue vivo y sale.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

static uv_timer_t latido, trabajo, guardian;
static uint64_t origen;

static void al_latir(uv_timer_t *t)
{
    (void)t; /* un latido que nadie para ni cierra */
}

static void al_terminar(uv_timer_t *t)
{
    printf("[%.2f s] trabajo terminado: el programa debería acabar ya\n", reloj_desde(origen));
    uv_close((uv_handle_t *)t, NULL);
}

static void cerrar_uno(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

static void al_vigilar(uv_timer_t *t)
{
    printf("[%.2f s] guardián: uv_run sigue dentro. bucle_listar():\n", reloj_desde(origen));
    bucle_listar(t->loop, stdout);
    printf("guardián: lo cierro todo y salgo con estado 1\n");
    uv_walk(t->loop, cerrar_uno, NULL);
}

int main(void)
{
    uv_loop_t bucle;
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    origen = reloj_ms();
    /* Con una callback no NULL, uv_timer_init y uv_timer_start no fallan (lección 2, §3). */
    uv_timer_init(&bucle, &latido);
    uv_timer_start(&latido, al_latir, 100, 100);
    uv_timer_init(&bucle, &trabajo);
    uv_timer_start(&trabajo, al_terminar, 200, 0);
    uv_timer_init(&bucle, &guardian);
    uv_timer_start(&guardian, al_vigilar, 1000, 0);
    uv_unref((uv_handle_t *)&guardian); /* el guardián no retiene el bucle */
    uv_run(&bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(&bucle);
    return r == 0 ? 1 : 2; /* 1: salió el guardián; nunca 0, porque algo se colgó */
}
