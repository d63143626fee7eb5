/* ejercicio.c — cuenta atrás (práctica 3 de la lección 1): una respuesta.
 *
 *   cuenta N MS    imprime N, N-1… 1 y «¡despegue!», una línea cada MS milisegundos.
 *
 * Un solo temporizador con repetición: cada vuelta imprime una línea; tras «¡despegue!» se
 * cierra desde su propia callback (cerrar también lo para) y el bucle se queda sin trabajo.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

static uv_timer_t temporizador;
static long restantes;

static void al_latir(uv_timer_t *t)
{
    if (restantes > 0) {
        printf("%ld\n", restantes);
        restantes--;
        return;
    }
    printf("¡despegue!\n");
    uv_close((uv_handle_t *)t, NULL);
}

/* Lee un entero de min a max; -1 si el texto no lo es. */
static int leer_entero(const char *texto, long min, long max, long *valor)
{
    char *fin;

    errno = 0;
    *valor = strtol(texto, &fin, 10);
    if (errno != 0 || fin == texto || *fin != '\0' || *valor < min || *valor > max)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    long ms;
    int r;

    if (argc != 3 || leer_entero(argv[1], 1, 100, &restantes) < 0 ||
        leer_entero(argv[2], 1, 10000, &ms) < 0) {
        fprintf(stderr, "argumentos no válidos\nuso: %s N MS\n", argv[0]);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    /* Con una callback no NULL, uv_timer_init y uv_timer_start no fallan (lección 2, §3). */
    uv_timer_init(&bucle, &temporizador);
    uv_timer_start(&temporizador, al_latir, (uint64_t)ms, (uint64_t)ms);
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
