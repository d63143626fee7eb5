/* ejercicio.c — reunir resultados (práctica 1 de la lección 3).
 *
 *   reunir MS...    una tarea por argumento; la tarea i tarda MS ms y da 2·MS.
 *
 * Tal como está, lanza las tareas pero nadie cuenta cuántas faltan ni guarda resultados, y
 * la memoria de cada tarea no se libera nunca. Tu trabajo: el contador, los resultados en su
 * sitio y liberar en la callback de cierre (ver README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_TAREAS 16

typedef struct {
    uv_timer_t temporizador;
    int indice; /* su posición entre los argumentos, desde 0 */
    long ms;
} tarea_t;

static long resultados[MAX_TAREAS];
static int total;

static void al_terminar(uv_timer_t *t)
{
    tarea_t *tarea = t->data;

    printf("tarea %d terminada\n", tarea->indice + 1);
    /* TODO: guardar el resultado, cerrar con una callback que libere, contar pendientes y,
     * con la última, imprimir «resultados: …». */
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    int r;

    total = argc - 1;
    if (total < 1 || total > MAX_TAREAS) {
        fprintf(stderr, "uso: %s MS... (de 1 a %d tareas)\n", argv[0], MAX_TAREAS);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    for (int i = 0; i < total; i++) {
        char *fin;
        tarea_t *tarea;
        long ms;

        errno = 0;
        ms = strtol(argv[i + 1], &fin, 10);
        if (errno != 0 || fin == argv[i + 1] || *fin != '\0' || ms < 0 || ms > 60000) {
            fprintf(stderr, "duración no válida: %s\n", argv[i + 1]);
            bucle_terminar(&bucle);
            return 2;
        }
        tarea = malloc(sizeof *tarea);
        if (tarea == NULL) {
            fprintf(stderr, "sin memoria\n");
            return 1;
        }
        tarea->indice = i;
        tarea->ms = ms;
        uv_timer_init(&bucle, &tarea->temporizador); /* no falla: lección 2, §3 */
        tarea->temporizador.data = tarea;
        uv_timer_start(&tarea->temporizador, al_terminar, (uint64_t)ms, 0);
    }
    (void)resultados;
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
