/* es_vs_cpu.c — la asincronía acelera las esperas, no los cálculos.
 *
 *   es_vs_cpu es    tres tareas que ESPERAN 1 s cada una (E/S simulada con temporizadores):
 *                   se solapan y el total es ≈ 1 s.
 *   es_vs_cpu cpu   tres tareas que CALCULAN 1 s cada una dentro de su callback: el bucle
 *                   solo tiene un hilo, así que van una detrás de otra y el total es ≈ 3 s.
 *
 * El cálculo está medido por reloj (calcula hasta que pasa 1 s) y no por número de vueltas,
 * para que dure lo mismo en cualquier máquina y también bajo valgrind.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/cronograma.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define TAREAS 3
#define DURACION_MS 1000

typedef struct {
    uv_timer_t temporizador;
    char nombre[16];
    int id_cronograma;
} tarea_t;

static cronograma_t *cronograma;

/* Trabajo de CPU de verdad (sumar cuadrados) hasta que pasan `ms` milisegundos. */
static uint64_t calcular_durante(uint64_t ms)
{
    uint64_t fin = reloj_ms() + ms;
    uint64_t suma = 0;

    while (reloj_ms() < fin) {
        for (uint64_t i = 0; i < 10000; i++)
            suma += i * i;
    }
    return suma;
}

static void al_terminar_espera(uv_timer_t *temporizador)
{
    tarea_t *tarea = temporizador->data;

    cronograma_terminar(cronograma, tarea->id_cronograma);
    printf("%s: terminó su espera\n", tarea->nombre);
    uv_close((uv_handle_t *)temporizador, NULL);
}

/* Esta callback no espera: ocupa el único hilo del bucle mientras calcula. */
static void al_tocar_calcular(uv_timer_t *temporizador)
{
    tarea_t *tarea = temporizador->data;
    uint64_t suma;

    tarea->id_cronograma = cronograma_empezar(cronograma, tarea->nombre);
    suma = calcular_durante(DURACION_MS);
    cronograma_terminar(cronograma, tarea->id_cronograma);
    printf("%s: terminó su cálculo%s\n", tarea->nombre, suma == 0 ? " (vacío)" : "");
    uv_close((uv_handle_t *)temporizador, NULL);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    tarea_t tareas[TAREAS];
    int cpu;
    int r;

    if (argc != 2 || (strcmp(argv[1], "es") != 0 && strcmp(argv[1], "cpu") != 0)) {
        fprintf(stderr, "uso: %s es|cpu\n", argv[0]);
        return 2;
    }
    cpu = strcmp(argv[1], "cpu") == 0;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    cronograma = cronograma_nuevo();
    if (cronograma == NULL)
        r = UV_ENOMEM;
    for (int i = 0; i < TAREAS && r == 0; i++) {
        tarea_t *tarea = &tareas[i];

        snprintf(tarea->nombre, sizeof tarea->nombre, "tarea %c", 'A' + i);
        r = uv_timer_init(&bucle, &tarea->temporizador);
        if (r < 0)
            break;
        tarea->temporizador.data = tarea;
        if (cpu) {
            /* Las tres quedan listas «ya» (0 ms): el bucle las ejecutará por turnos. */
            r = uv_timer_start(&tarea->temporizador, al_tocar_calcular, 0, 0);
        } else {
            tarea->id_cronograma = cronograma_empezar(cronograma, tarea->nombre);
            r = uv_timer_start(&tarea->temporizador, al_terminar_espera, DURACION_MS, 0);
        }
        if (r < 0)
            uv_close((uv_handle_t *)&tarea->temporizador, NULL);
    }
    if (r < 0)
        fprintf(stderr, "error: %s\n", error_texto(r));

    if (bucle_terminar(&bucle) != 0 && r == 0)
        r = UV_EBUSY;
    if (cronograma != NULL) {
        cronograma_imprimir(cronograma, stdout);
        cronograma_liberar(cronograma);
    }
    return r == 0 ? 0 : 1;
}
