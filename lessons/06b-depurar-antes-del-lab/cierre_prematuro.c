/* cierre_prematuro.c — el síntoma «Invalid read» dentro de uv_run: liberar la struct que
 * contiene un handle en cuanto se pide cerrarlo, antes de que llegue su callback de cierre.
 *
 *   cierre_prematuro mal    libera justo después de uv_close(): uso tras liberar
 *   cierre_prematuro bien   libera en la callback de cierre, cuando libuv ya no la toca
 *
 * A simple vista las dos versiones pueden imprimir lo mismo: el fallo solo se ve con
 * valgrind o con AddressSanitizer (informes.c los ejecuta sobre este programa).
 * El makefile de las lecciones construye además cierre_prematuro-asan:
 * variantes: asan
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

typedef struct {
    uv_timer_t temporizador; /* el handle vive dentro de la struct */
    char nombre[32];
} tarea_t;

static int bien;
static int tareas_vivas; /* +1 al reservar, −1 al liberar: al final debe valer 0 */

static void al_cerrar(uv_handle_t *h)
{
    tarea_t *tarea = h->data; /* en la versión mala, tarea ya está liberada */
    printf("cierre de «%s» entregado\n", tarea->nombre);
    if (bien) {
        free(tarea); /* libuv ya no volverá a tocar el handle: ahora sí */
        tareas_vivas--;
    }
}

static void al_vencer(uv_timer_t *t)
{
    tarea_t *tarea = t->data;
    printf("«%s» terminada: cierro su temporizador\n", tarea->nombre);
    uv_close((uv_handle_t *)t, al_cerrar);
    if (!bien) {
        free(tarea); /* EL FALLO: uv_close solo apuntó el cierre; el bucle aún usará el handle */
        tareas_vivas--;
    }
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    tarea_t *tarea;
    int r;

    if (argc != 2 || (strcmp(argv[1], "mal") != 0 && strcmp(argv[1], "bien") != 0)) {
        fprintf(stderr, "uso: cierre_prematuro mal|bien\n");
        return 2;
    }
    bien = strcmp(argv[1], "bien") == 0;
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    tarea = malloc(sizeof *tarea);
    if (tarea == NULL) {
        fprintf(stderr, "cierre_prematuro: sin memoria\n");
        uv_loop_close(&bucle);
        return 1;
    }
    tareas_vivas++;
    snprintf(tarea->nombre, sizeof tarea->nombre, "descarga");
    uv_timer_init(&bucle, &tarea->temporizador); /* no falla: lección 2, §3 */
    tarea->temporizador.data = tarea;
    uv_timer_start(&tarea->temporizador, al_vencer, 10, 0);
    r = bucle_terminar(&bucle);
    printf("tareas vivas al final: %d\n", tareas_vivas);
    return r == 0 ? 0 : 1;
}
