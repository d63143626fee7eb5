/* ejercicio.c — UV_EBUSY de verdad, y cerrar bien (práctica 1 de la lección 2).
 *
 *   ebusy N    N temporizadores en el montón que vencen y se quedan abiertos.
 *
 * Tal como está, el programa ejecuta el bucle y sale sin cerrar nada (pierde memoria y deja
 * el bucle abierto). Tu trabajo, en main() tras uv_run: ver el UV_EBUSY, cerrarlo todo con
 * uv_walk y liberar en la callback de cierre (el enunciado, en README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/errores.h"

typedef struct {
    uv_timer_t temporizador;
    int numero;
} reloj_t;

static void al_vencer(uv_timer_t *t)
{
    reloj_t *reloj = t->data;

    printf("temporizador %d vence\n", reloj->numero);
    /* A propósito, no se cierra aquí: se cierra todo al final, con uv_walk. */
}

/* TODO: la callback de uv_walk (cierra cada handle) y la de cierre (libera y cuenta). */

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    char *fin;
    long n;
    int r;

    errno = 0;
    n = argc == 2 ? strtol(argv[1], &fin, 10) : 0;
    if (argc != 2 || errno != 0 || *fin != '\0' || n < 1 || n > 100) {
        fprintf(stderr, "uso: %s N   (de 1 a 100 temporizadores)\n", argv[0]);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    for (int i = 1; i <= n; i++) {
        reloj_t *reloj = malloc(sizeof *reloj);

        if (reloj == NULL) {
            fprintf(stderr, "sin memoria\n");
            return 1;
        }
        reloj->numero = i;
        uv_timer_init(&bucle, &reloj->temporizador); /* no falla: lección 2, §3 */
        reloj->temporizador.data = reloj;
        uv_timer_start(&reloj->temporizador, al_vencer, (uint64_t)(10 * i), 0);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    /* TODO: primer intento de uv_loop_close, uv_walk, otra vuelta y segundo intento. */
    return 0;
}
