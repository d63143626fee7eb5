/* ejercicio.c — un guardián para el programa que no termina (práctica 1 de la lección 11).
 *
 *   olvido sano|progreso|limite    un trabajo de 100 ms y, salvo en «sano», un olvido: un
 *                                  progreso que repite o un límite de 5 s que nadie cierra.
 *
 * Tal como está, no hay guardián: con un olvido, el programa no termina. Tu trabajo: el
 * guardián (ver README.md); el programa vigilado, abajo, no se cambia.
 */
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

/* Cada handle lleva su nombre en ->data. */
static uv_timer_t trabajo, progreso, limite, guardian;
static int estado_salida;

/* TODO: describir y cerrar_si_abierto (para uv_walk) y al_vigilar */

static void armar_guardian(uv_loop_t *bucle)
{
    /* TODO: un temporizador de 500 ms que no mantenga vivo el bucle */
    (void)bucle;
}

/* Tras uv_run: si el programa estaba sano, el guardián sigue armado (sin referencia). */
static void desarmar_guardian(void)
{
    /* TODO */
}

/* ---- El programa vigilado (no lo cambies) ---- */

static void al_progresar(uv_timer_t *t) { (void)t; }
static void al_vencer(uv_timer_t *t) { (void)t; }

static void al_terminar(uv_timer_t *t)
{
    printf("trabajo terminado\n");
    uv_close((uv_handle_t *)t, NULL);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    const char *modo = argc == 2 ? argv[1] : "";

    if (strcmp(modo, "sano") != 0 && strcmp(modo, "progreso") != 0 && strcmp(modo, "limite") != 0) {
        fprintf(stderr, "uso: %s sano|progreso|limite\n", argv[0]);
        return 2;
    }
    if (uv_loop_init(&bucle) < 0)
        return 1;
    uv_timer_init(&bucle, &trabajo);
    trabajo.data = "trabajo";
    uv_timer_start(&trabajo, al_terminar, 100, 0);
    if (strcmp(modo, "progreso") == 0) { /* olvido: nadie lo para */
        uv_timer_init(&bucle, &progreso);
        progreso.data = "progreso";
        uv_timer_start(&progreso, al_progresar, 50, 50);
    } else if (strcmp(modo, "limite") == 0) { /* olvido: nadie lo cierra */
        uv_timer_init(&bucle, &limite);
        limite.data = "límite";
        uv_timer_start(&limite, al_vencer, 5000, 0);
    }
    armar_guardian(&bucle);
    uv_run(&bucle, UV_RUN_DEFAULT);
    desarmar_guardian();
    if (bucle_terminar(&bucle) != 0)
        return 1;
    return estado_salida;
}
