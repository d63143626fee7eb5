/* ejercicio.c — platos a la vez (práctica 1 de la lección 1).
 *
 *   platos MS...    un plato por argumento; cada uno tarda MS milisegundos en cocinarse.
 *
 * Tal como está, el camarero espera de pie cada plato con uv_sleep(): tres platos de 300,
 * 100 y 200 ms tardan 600 ms y salen en el orden en que se pidieron. Tu trabajo: un
 * uv_timer_t por plato, para que el bucle los espere a la vez (el enunciado, en README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_PLATOS 16

typedef struct {
    uv_timer_t temporizador; /* TODO: úsalo en vez de uv_sleep() */
    int numero;
    long ms;
} plato_t;

static plato_t platos[MAX_PLATOS];

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    int n = argc - 1;
    int r;

    if (n < 1 || n > MAX_PLATOS) {
        fprintf(stderr, "uso: %s MS... (de 1 a %d platos)\n", argv[0], MAX_PLATOS);
        return 2;
    }
    /* TODO: comprueba cada argumento con strtol (un número entero de 0 a 60000). */
    for (int i = 0; i < n; i++) {
        platos[i].numero = i + 1;
        platos[i].ms = strtol(argv[i + 1], NULL, 10);
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    /* TODO: en vez de esperar aquí, arranca un temporizador por plato y que su callback
     * imprima la línea, cierre el temporizador y, con el último, diga «todos servidos». */
    for (int i = 0; i < n; i++) {
        uv_sleep((unsigned int)platos[i].ms);
        printf("plato %d listo (%ld ms)\n", platos[i].numero, platos[i].ms);
    }
    printf("todos servidos\n");
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
