/* ejercicio.c — limitador de velocidad (práctica 3 de la lección 4).
 *
 *   limitador N VENTANA_MS PETICIONES   como mucho N concesiones en cualquier ventana.
 *
 * Tal como está, lo concede todo en el acto. Tu trabajo: recordar cuándo se dieron las N
 * últimas y, si no hay hueco, programar el único temporizador para cuando lo haya
 * (ver README.md).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_N 16

static uv_timer_t temporizador;
static uint64_t concedidas[MAX_N]; /* anillo: instantes de las N últimas concesiones */
static long n, ventana, peticiones;
static long dadas; /* turnos concedidos hasta ahora */
static uint64_t origen;

/* Concede todo lo que quepa ahora. TODO: mirar la ventana, programar el temporizador
 * cuando no haya hueco y cerrarlo al acabar. */
static void despachar(uv_loop_t *bucle)
{
    uint64_t ahora = uv_now(bucle);

    while (dadas < peticiones) {
        dadas++;
        printf("[%.2f s] petición %ld\n", (double)(ahora - origen) / 1000.0, dadas);
    }
    (void)concedidas;
    (void)ventana;
}

static int leer(const char *texto, long max, long *valor)
{
    char *fin;

    errno = 0;
    *valor = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *valor >= 1 && *valor <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    int r;

    if (argc != 4 || leer(argv[1], MAX_N, &n) < 0 || leer(argv[2], 60000, &ventana) < 0 ||
        leer(argv[3], 1000, &peticiones) < 0) {
        fprintf(stderr, "uso: %s N VENTANA_MS PETICIONES\n", argv[0]);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    uv_timer_init(&bucle, &temporizador); /* no falla: lección 2, §3 */
    origen = uv_now(&bucle);
    despachar(&bucle);
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
