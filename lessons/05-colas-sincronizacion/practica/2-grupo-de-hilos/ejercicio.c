/* ejercicio.c — lo bloqueante, al grupo de hilos (práctica 2 de la lección 5).
 *
 *   consultas N    N consultas bloqueantes de 500 ms, en el grupo de hilos.
 *
 * Tal como está, las consultas se hacen una detrás de otra en el hilo del bucle (2 s con
 * 4). Tu trabajo: cada una a su uv_work_t en el grupo de hilos (ver README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

typedef struct {
    uv_work_t peticion;
    int numero;
    int resultado;
} consulta_t;

static int pendientes, hechas;

/* Una función bloqueante cualquiera (una biblioteca sin versión asíncrona). No la cambies. */
static int consulta_lenta(int i)
{
    uv_sleep(500);
    return 10 * i;
}

/* TODO: la función de trabajo (en un hilo del grupo) y la de después (en el bucle). */

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    char *fin;
    long n;
    int r;

    errno = 0;
    n = argc == 2 ? strtol(argv[1], &fin, 10) : 0;
    if (argc != 2 || errno != 0 || *fin != '\0' || n < 1 || n > 64) {
        fprintf(stderr, "uso: %s N   (de 1 a 64 consultas)\n", argv[0]);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    /* TODO: en vez de esto, una consulta_t en el montón por consulta y uv_queue_work. */
    for (int i = 1; i <= n; i++)
        printf("consulta %d: %d\n", i, consulta_lenta(i));
    printf("hechas: %ld\n", n);
    (void)pendientes;
    (void)hechas;
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
