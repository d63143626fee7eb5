/* ejercicio.c — un latido que no se para (práctica 2 de la lección 1).
 *
 * Un latido cada 400 ms, seis veces; a los 600 ms empieza un trabajo de 1600 ms. Tal como
 * está, el trabajo espera con uv_sleep() dentro de su callback y congela el latido. Tu
 * trabajo: que espere con un segundo temporizador (el enunciado, en README.md).
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

static void al_empezar_trabajo(uv_timer_t *t)
{
    printf("trabajo empieza\n");
    /* TODO: esto congela el bucle 1600 ms. Arranca otro temporizador y que SU callback
     * diga «trabajo terminado». */
    uv_sleep(1600);
    printf("trabajo terminado\n");
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
    uv_timer_init(&bucle, &latido);
    uv_timer_start(&latido, al_latir, 400, 400);
    uv_timer_init(&bucle, &trabajo);
    uv_timer_start(&trabajo, al_empezar_trabajo, 600, 0);
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
