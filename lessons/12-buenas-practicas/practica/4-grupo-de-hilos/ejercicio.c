/* ejercicio.c — ocho consultas bloqueantes sin bloquear el bucle (práctica 4 de la lección 12).
 *
 *   consultas    hace ocho consultas a una «biblioteca» que solo sabe bloquear (cada una,
 *                0.5 s) e imprime los resultados, cuántas fueron a la vez como mucho y
 *                cuántas corrieron en el hilo del bucle.
 *
 * Tal como está, no se hace ninguna. Tu trabajo: lanzar_consultas y sus dos callbacks (ver
 * README.md); la biblioteca y el programa, abajo, no se cambian.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"

#define N_CONSULTAS 8

static int consulta_bloqueante(int i);
static int resultados[N_CONSULTAS];
static int terminadas;

/* TODO: las peticiones y las dos callbacks (una en un hilo del grupo, otra en el bucle) */

static void lanzar_consultas(uv_loop_t *bucle)
{
    /* TODO: las ocho a la vez, sin bloquear el bucle */
    (void)bucle;
}

/* ---- La biblioteca y el programa (no los cambies) ---- */

static uv_thread_t hilo_del_bucle;
static atomic_int en_curso, maximo, en_el_bucle;

/* Como una biblioteca sin versión asíncrona: bloquea medio segundo y devuelve i². */
static int consulta_bloqueante(int i)
{
    uv_thread_t yo = uv_thread_self();
    if (uv_thread_equal(&yo, &hilo_del_bucle))
        atomic_fetch_add(&en_el_bucle, 1);
    int ahora = atomic_fetch_add(&en_curso, 1) + 1;
    int antes = atomic_load(&maximo);
    while (ahora > antes && !atomic_compare_exchange_weak(&maximo, &antes, ahora))
        ;
    usleep(500 * 1000);
    atomic_fetch_sub(&en_curso, 1);
    return i * i;
}

int main(void)
{
    uv_loop_t bucle;
    hilo_del_bucle = uv_thread_self();
    if (uv_loop_init(&bucle) < 0)
        return 1;
    lanzar_consultas(&bucle);
    uv_run(&bucle, UV_RUN_DEFAULT);
    printf("terminadas: %d; resultados:", terminadas);
    for (int i = 0; i < N_CONSULTAS; i++)
        printf(" %d", resultados[i]);
    printf("\na la vez, como mucho: %d\n", atomic_load(&maximo));
    printf("en el hilo del bucle: %d\n", atomic_load(&en_el_bucle));
    return bucle_terminar(&bucle) != 0 ? 1 : 0;
}
