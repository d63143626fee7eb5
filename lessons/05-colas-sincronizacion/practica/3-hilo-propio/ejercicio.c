/* ejercicio.c — un hilo propio que habla con el bucle (práctica 3 de la lección 5).
 *
 *   hilo N    un hilo productor genera los datos 1..N en un búfer de HUECOS huecos; el hilo
 *             del bucle los recoge, en orden, y al final resume lo recibido.
 *
 * Tal como está, no hay hilo: no llega ningún dato. Tu trabajo: el productor, la callback
 * del aviso y, en main, preparar y recoger el cerrojo, el semáforo, el aviso y el hilo (ver
 * README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define HUECOS 4
#define MAX_DATOS 100000

/* ---- Ya escrito: no lo cambies ------------------------------------------------------- */
/* Anota un dato recibido (solo desde el hilo del bucle): cuántos, su suma y si llegan en orden. */
static long recibidos, suma, esperado = 1;
static int en_orden = 1;

static void anotar(int dato)
{
    if (dato != esperado)
        en_orden = 0;
    esperado = dato + 1;
    recibidos++;
    suma += dato;
}

/* ---- Lo compartido entre los dos hilos ----------------------------------------------- */
static uv_mutex_t cerrojo; /* protege bufer, primero, cuantos y terminado */
static uv_sem_t huecos;    /* huecos libres en el búfer */
static uv_async_t aviso;   /* el productor despierta al bucle */
static int bufer[HUECOS];
static int primero, cuantos, terminado;
static int total;

/* TODO: productor(void *arg), que corre en el hilo propio: para cada dato de 1 a total,
 * esperar un hueco (uv_sem_wait), meterlo en el búfer con el cerrojo tomado y avisar al bucle
 * (uv_async_send); al final, terminado = 1 y un último aviso, también con el cerrojo tomado. */

/* TODO: al_avisar(uv_async_t *a), en el hilo del bucle: sacar del búfer TODO lo que haya (los
 * avisos se fusionan), anotar(dato) cada uno y devolver su hueco (uv_sem_post); si no queda
 * nada y el productor terminó, cerrar el aviso. */

static int leer(const char *texto, long min, long max, long *valor)
{
    char *fin;

    errno = 0;
    *valor = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *valor >= min && *valor <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    uv_thread_t hilo;
    long n;
    int r;

    if (argc != 2 || leer(argv[1], 1, MAX_DATOS, &n) < 0) {
        fprintf(stderr, "uso: %s N (de 1 a %d datos)\n", argv[0], MAX_DATOS);
        return 2;
    }
    total = (int)n;
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    /* TODO: uv_mutex_init, uv_sem_init (HUECOS huecos libres), uv_async_init y
     * uv_thread_create con productor, por este orden. */
    r = bucle_terminar(&bucle);
    /* TODO: con el bucle ya acabado, uv_thread_join y destruir el semáforo y el cerrojo. */
    (void)hilo;
    (void)anotar;
    (void)cerrojo;
    (void)huecos;
    (void)aviso;
    (void)bufer;
    (void)primero;
    (void)cuantos;
    (void)terminado;
    printf("recibidos: %ld de %d, %s\n", recibidos, total, en_orden ? "en orden" : "DESORDENADOS");
    printf("suma: %ld\n", suma);
    return r == 0 ? 0 : 1;
}
