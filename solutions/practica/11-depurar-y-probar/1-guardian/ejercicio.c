/* ejercicio.c — un guardián para el programa que no termina (práctica 1 de la lección 11):
 * una respuesta.
 *
 *   olvido sano|progreso|limite    un trabajo de 100 ms y, salvo en «sano», un olvido: un
 *                                  progreso que repite o un límite de 5 s que nadie cierra.
 *
 * El guardián es un temporizador de 500 ms sin referencia: si el programa está sano, uv_run
 * vuelve antes y el guardián no dice nada; si suena, nombra lo que sigue vivo (activo y con
 * referencia), lo cierra todo (lo que no se está cerrando ya) y el programa sale con 1.
 */
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

/* Cada handle lleva su nombre en ->data. */
static uv_timer_t trabajo, progreso, limite, guardian;
static int estado_salida;

static void describir(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_active(h) || !uv_has_ref(h))
        return; /* no retiene el bucle (el guardián mismo, por ejemplo) */
    printf("  %s «%s»\n", bucle_nombre_tipo(h->type), h->data != NULL ? (const char *)h->data : "sin nombre");
}

static void cerrar_si_abierto(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

static void al_vigilar(uv_timer_t *t)
{
    printf("guardián: siguen vivos:\n");
    uv_walk(t->loop, describir, NULL);
    uv_walk(t->loop, cerrar_si_abierto, NULL);
    estado_salida = 1;
}

static void armar_guardian(uv_loop_t *bucle)
{
    uv_timer_init(bucle, &guardian);
    guardian.data = "guardián";
    uv_timer_start(&guardian, al_vigilar, 500, 0);
    uv_unref((uv_handle_t *)&guardian); /* no mantiene vivo el bucle: solo mira */
}

/* Tras uv_run: si el programa estaba sano, el guardián sigue armado (sin referencia). */
static void desarmar_guardian(void)
{
    if (!uv_is_closing((uv_handle_t *)&guardian))
        uv_close((uv_handle_t *)&guardian, NULL);
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
