/* ejercicio.c — parar a tiempo (práctica 2 de la lección 2): una respuesta.
 *
 *   limite TAREA_MS LIMITE_MS    la tarea o el límite, lo que llegue antes.
 *
 * El límite llama a uv_stop(): uv_run vuelve, pero la tarea sigue abierta y en marcha; main
 * la cierra y da otra vuelta para entregar los cierres. Si la tarea gana, cierra el límite.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/errores.h"

static uv_timer_t tarea;
static uv_timer_t limite;
static int terminada;

static void al_terminar_tarea(uv_timer_t *t)
{
    terminada = 1;
    printf("tarea terminada\n");
    uv_close((uv_handle_t *)t, NULL);
    uv_close((uv_handle_t *)&limite, NULL); /* cerrarlo también lo para */
}

static void al_vencer_limite(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static int leer_ms(const char *texto, long *ms)
{
    char *fin;

    errno = 0;
    *ms = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *ms >= 0 && *ms <= 60000 ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    long tarea_ms, limite_ms;
    int r;

    if (argc != 3 || leer_ms(argv[1], &tarea_ms) < 0 || leer_ms(argv[2], &limite_ms) < 0) {
        fprintf(stderr, "uso: %s TAREA_MS LIMITE_MS\n", argv[0]);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    /* Con una callback no NULL, uv_timer_init y uv_timer_start no fallan (lección 2, §3). */
    uv_timer_init(&bucle, &tarea);
    uv_timer_start(&tarea, al_terminar_tarea, (uint64_t)tarea_ms, 0);
    uv_timer_init(&bucle, &limite);
    uv_timer_start(&limite, al_vencer_limite, (uint64_t)limite_ms, 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    if (!terminada) {
        printf("límite vencido: cancelo la tarea\n");
        uv_close((uv_handle_t *)&tarea, NULL);
        uv_close((uv_handle_t *)&limite, NULL);
        uv_run(&bucle, UV_RUN_DEFAULT); /* entrega los dos cierres */
    }
    r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 ? 0 : 1;
}
