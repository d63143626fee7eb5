/* ejercicio.c — un latido que no se para (práctica 2 de la lección 1): una respuesta.
 *
 * Un latido cada 400 ms, seis veces; a los 600 ms empieza un trabajo de 1600 ms que se espera
 * con el mismo temporizador, vuelto a arrancar: la callback vuelve enseguida y el latido
 * sigue a su ritmo.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define LATIDOS 6

static uv_timer_t latido;
static uv_timer_t trabajo;
static int latidos;

static void al_latir(uv_timer_t *t)
{
    latidos++;
    printf("latido %d\n", latidos);
    if (latidos == LATIDOS)
        uv_close((uv_handle_t *)t, NULL);
}

static void al_terminar_trabajo(uv_timer_t *t)
{
    printf("trabajo terminado\n");
    uv_close((uv_handle_t *)t, NULL);
}

static void al_empezar_trabajo(uv_timer_t *t)
{
    printf("trabajo empieza\n");
    /* El mismo handle, otra callback: un temporizador que ya venció se puede rearrancar. */
    uv_timer_start(t, al_terminar_trabajo, 1600, 0);
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
    uv_timer_init(&bucle, &latido);
    uv_timer_start(&latido, al_latir, 400, 400);
    uv_timer_init(&bucle, &trabajo);
    uv_timer_start(&trabajo, al_empezar_trabajo, 600, 0);
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
