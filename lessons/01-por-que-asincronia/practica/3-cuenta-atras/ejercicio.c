/* ejercicio.c — cuenta atrás (práctica 3 de la lección 1).
 *
 *   cuenta N MS    imprime N, N-1… 1 y «¡despegue!», una línea cada MS milisegundos.
 *
 * Tal como está, lo imprime todo de golpe. Tu trabajo: un solo temporizador con repetición
 * que imprime una línea en cada vuelta y se cierra tras «¡despegue!» (ver README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

static uv_timer_t temporizador;
static long restantes;

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
    /* TODO: un temporizador que se repite cada ms; su callback imprime y cuenta. */
    (void)temporizador;
    for (; restantes > 0; restantes--)
        printf("%ld\n", restantes);
    printf("¡despegue!\n");
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
