/* ejercicio.c — un vigilante que no retiene el bucle (práctica 3 de la lección 2): una
 * respuesta.
 *
 * El vigilante, sin referencia (uv_unref), no cuenta para mantener vivo el bucle: uv_run
 * vuelve cuando el trabajo acaba. Sigue abierto, así que main lo cierra y da otra vuelta.
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
    uv_unref((uv_handle_t *)&vigilante);
    uv_timer_init(&bucle, &trabajo);
    uv_timer_start(&trabajo, al_terminar_trabajo, 450, 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&vigilante, NULL);
    uv_run(&bucle, UV_RUN_DEFAULT); /* entrega el cierre del vigilante */
    r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 ? 0 : 1;
}
