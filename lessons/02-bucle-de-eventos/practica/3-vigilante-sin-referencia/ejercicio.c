/* ejercicio.c — un vigilante que no retiene el bucle (práctica 3 de la lección 2).
 *
 * Un vigilante se repite cada 100 ms; un trabajo termina a los 450 ms. Tal como está, el
 * vigilante mantiene vivo el bucle para siempre y uv_run no vuelve. Tu trabajo: uv_unref,
 * y cerrar el vigilante después (el enunciado, en README.md).
 */
#include <stdio.h>
#include <uv.h>

#include "curso/errores.h"

static uv_timer_t vigilante;
static uv_timer_t trabajo;
static int vueltas;

static void al_vigilar(uv_timer_t *t)
{
    (void)t;
    vueltas++; /* un vigilante de verdad miraría aquí si algo se atascó */
}

static void al_terminar_trabajo(uv_timer_t *t)
{
    printf("trabajo hecho\n");
    uv_close((uv_handle_t *)t, NULL);
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
    /* Con una callback no NULL, uv_timer_init y uv_timer_start no fallan (lección 2, §3). */
    uv_timer_init(&bucle, &vigilante);
    uv_timer_start(&vigilante, al_vigilar, 100, 100);
    /* TODO: que el vigilante no mantenga vivo el bucle. */
    uv_timer_init(&bucle, &trabajo);
    uv_timer_start(&trabajo, al_terminar_trabajo, 450, 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    /* TODO: cerrar el vigilante y entregar el cierre. */
    r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 ? 0 : 1;
}
