/* ejercicio.c — UV_EBUSY de verdad, y cerrar bien (práctica 1 de la lección 2): una respuesta.
 *
 *   ebusy N    N temporizadores en el montón que vencen y se quedan abiertos.
 *
 * Tras uv_run, uv_loop_close da UV_EBUSY (quedan handles abiertos); uv_walk los cierra todos
 * y la callback de cierre libera cada uno: hasta entonces el bucle aún lo tiene enlazado.
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

static int cerrados;

static void al_vencer(uv_timer_t *t)
{
    reloj_t *reloj = t->data;

    printf("temporizador %d vence\n", reloj->numero);
    /* A propósito, no se cierra aquí: se cierra todo al final, con uv_walk. */
}

/* La memoria del reloj es del bucle hasta este momento: aquí, y no antes, se libera. */
static void al_cerrar(uv_handle_t *h)
{
    free(h->data);
    cerrados++;
}

static void cerrar_uno(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, al_cerrar);
}

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
    r = uv_loop_close(&bucle);
    printf("primer intento: %s\n", r == 0 ? "0" : uv_err_name(r));
    uv_walk(&bucle, cerrar_uno, NULL);
    uv_run(&bucle, UV_RUN_DEFAULT); /* la vuelta que entrega los cierres */
    printf("cerrados: %d\n", cerrados);
    r = uv_loop_close(&bucle);
    printf("segundo intento: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 ? 0 : 1;
}
