/* ejercicio.c — platos a la vez (práctica 1 de la lección 1): una respuesta.
 *
 *   platos MS...    un plato por argumento; cada uno tarda MS milisegundos en cocinarse.
 *
 * Un uv_timer_t por plato: el bucle espera todos a la vez y cada callback sirve su plato.
 * Los platos viven en un array estático, así que cerrar no necesita liberar nada.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_PLATOS 16

typedef struct {
    uv_timer_t temporizador;
    int numero;
    long ms;
} plato_t;

static plato_t platos[MAX_PLATOS];
static int pendientes;

static void al_estar_listo(uv_timer_t *temporizador)
{
    plato_t *plato = temporizador->data;

    printf("plato %d listo (%ld ms)\n", plato->numero, plato->ms);
    uv_close((uv_handle_t *)temporizador, NULL);
    pendientes--;
    if (pendientes == 0)
        printf("todos servidos\n");
}

/* Lee «texto» como milisegundos: 0 si es un entero de 0 a 60000, -1 si no. */
static int leer_ms(const char *texto, long *ms)
{
    char *fin;

    errno = 0;
    *ms = strtol(texto, &fin, 10);
    if (errno != 0 || fin == texto || *fin != '\0' || *ms < 0 || *ms > 60000)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    int n = argc - 1;
    int r;

    if (n < 1 || n > MAX_PLATOS) {
        fprintf(stderr, "uso: %s MS... (de 1 a %d platos)\n", argv[0], MAX_PLATOS);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        platos[i].numero = i + 1;
        if (leer_ms(argv[i + 1], &platos[i].ms) < 0) {
            fprintf(stderr, "duración no válida: %s\n", argv[i + 1]);
            return 2;
        }
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    for (int i = 0; i < n; i++) {
        /* uv_timer_init y uv_timer_start con una callback no NULL no fallan (lección 2, §3). */
        uv_timer_init(&bucle, &platos[i].temporizador);
        platos[i].temporizador.data = &platos[i];
        uv_timer_start(&platos[i].temporizador, al_estar_listo, (uint64_t)platos[i].ms, 0);
        pendientes++;
    }
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
