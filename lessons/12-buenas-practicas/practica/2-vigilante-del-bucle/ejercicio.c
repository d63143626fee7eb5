/* ejercicio.c — un vigilante que mide el retraso del bucle (práctica 2 de la lección 12).
 *
 *   programa sano|bloquea    un trabajo que hace algo cada 100 ms, ocho veces; con
 *                            «bloquea», su tercera vuelta bloquea el bucle 0.8 s.
 *
 * Tal como está, nadie mide nada. Tu trabajo: el vigilante del bucle (ver README.md); el
 * programa vigilado, abajo, no se cambia.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"

#define PERIODO_MS 50 /* cada cuánto debería sonar el vigilante */
#define UMBRAL_S 0.3  /* desde cuánto retraso avisa */

/* TODO: el temporizador del vigilante, lo que recuerda y su callback */

static void vigilante_arrancar(uv_loop_t *bucle)
{
    /* TODO: un temporizador que suena cada PERIODO_MS y no mantiene vivo el bucle */
    (void)bucle;
}

/* Tras uv_run: el informe y el cierre. */
static void vigilante_parar(void)
{
    /* TODO */
}

/* ---- El programa vigilado (no lo cambies) ---- */

static uv_timer_t trabajo;
static int vueltas, bloquear;

static void al_trabajar(uv_timer_t *t)
{
    vueltas++;
    if (bloquear && vueltas == 3)
        usleep(800 * 1000); /* EL ERROR: una callback que bloquea el bucle 0.8 s */
    if (vueltas == 8) {
        printf("trabajo terminado\n");
        uv_close((uv_handle_t *)t, NULL);
    }
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    const char *modo = argc == 2 ? argv[1] : "";

    if (strcmp(modo, "sano") != 0 && strcmp(modo, "bloquea") != 0) {
        fprintf(stderr, "uso: %s sano|bloquea\n", argv[0]);
        return 2;
    }
    bloquear = strcmp(modo, "bloquea") == 0;
    if (uv_loop_init(&bucle) < 0)
        return 1;
    vigilante_arrancar(&bucle);
    uv_timer_init(&bucle, &trabajo);
    uv_timer_start(&trabajo, al_trabajar, 100, 100);
    uv_run(&bucle, UV_RUN_DEFAULT);
    vigilante_parar();
    if (bucle_terminar(&bucle) != 0)
        return 1;
    return 0;
}
