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

static uv_timer_t vigilante;
static uint64_t esperado_ms; /* cuándo debería sonar la próxima vez (reloj del bucle) */
static double retraso_maximo;

static void al_vigilar(uv_timer_t *t)
{
    /* uv_now es la hora del bucle al empezar esta vuelta: si una callback lo bloqueó, llega
     * tarde, y esa tardanza es el retraso. */
    uint64_t ahora = uv_now(t->loop);
    double retraso = ahora > esperado_ms ? (double)(ahora - esperado_ms) / 1000.0 : 0.0;
    if (retraso > retraso_maximo)
        retraso_maximo = retraso;
    if (retraso >= UMBRAL_S)
        printf("aviso: el bucle estuvo bloqueado %.2f s\n", retraso);
    /* libuv cuenta la repetición desde ahora, no desde el plan: el plazo también. */
    esperado_ms = ahora + PERIODO_MS;
}

static void vigilante_arrancar(uv_loop_t *bucle)
{
    uv_timer_init(bucle, &vigilante);
    esperado_ms = uv_now(bucle) + PERIODO_MS;
    uv_timer_start(&vigilante, al_vigilar, PERIODO_MS, PERIODO_MS);
    uv_unref((uv_handle_t *)&vigilante); /* mira, pero no retiene el bucle */
}

/* Tras uv_run: el informe y el cierre. */
static void vigilante_parar(void)
{
    printf("retraso máximo del bucle: %.2f s\n", retraso_maximo);
    uv_close((uv_handle_t *)&vigilante, NULL);
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
