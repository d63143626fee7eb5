/* ejercicio.c — un hilo propio que habla con el bucle (práctica 3 de la lección 5): una
 * respuesta.
 *
 *   hilo N    un hilo productor genera los datos 1..N en un búfer de HUECOS huecos; el hilo
 *             del bucle los recoge, en orden, y al final resume lo recibido.
 *
 * Tres piezas (sección 5.3 de la lección): uv_mutex_t protege el búfer, que tocan los dos
 * hilos; uv_sem_t cuenta los huecos libres (el productor espera en uv_sem_wait, nunca el
 * bucle); uv_async_send() despierta al bucle. Los avisos pueden fusionarse: la callback vacía
 * todo lo que haya. El último aviso va con el mutex tomado, para que el bucle no pueda cerrar
 * el handle entre el unlock y el send.
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
static uv_mutex_t cerrojo;   /* protege bufer, primero, cuantos y terminado */
static uv_sem_t huecos;      /* huecos libres en el búfer */
static uv_async_t aviso;     /* el productor despierta al bucle */
static int bufer[HUECOS];
static int primero, cuantos, terminado;
static int total;

static void productor(void *arg)
{
    (void)arg;
    for (int i = 1; i <= total; i++) {
        uv_sem_wait(&huecos); /* bloquea ESTE hilo, nunca el del bucle */
        uv_mutex_lock(&cerrojo);
        bufer[(primero + cuantos) % HUECOS] = i;
        cuantos++;
        uv_async_send(&aviso);
        uv_mutex_unlock(&cerrojo);
    }
    /* El último aviso, dentro del mutex: el bucle solo puede ver `terminado` (y cerrar el
     * handle) cuando este envío ya está hecho. */
    uv_mutex_lock(&cerrojo);
    terminado = 1;
    uv_async_send(&aviso);
    uv_mutex_unlock(&cerrojo);
}

/* En el hilo del bucle. Un aviso puede valer por muchos envíos: se vacía todo lo que haya. */
static void al_avisar(uv_async_t *a)
{
    for (;;) {
        int dato = 0, hay = 0, fin = 0;

        uv_mutex_lock(&cerrojo);
        if (cuantos > 0) {
            dato = bufer[primero];
            primero = (primero + 1) % HUECOS;
            cuantos--;
            hay = 1;
        } else {
            fin = terminado;
        }
        uv_mutex_unlock(&cerrojo);
        if (!hay) {
            if (fin)
                uv_close((uv_handle_t *)a, NULL);
            return;
        }
        anotar(dato);
        uv_sem_post(&huecos); /* un hueco más para el productor */
    }
}

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
    int r, hay_hilo;

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
    /* Todo listo antes de que el hilo exista: el hilo usa el mutex, el semáforo y el aviso. */
    r = uv_mutex_init(&cerrojo);
    if (r == 0) {
        r = uv_sem_init(&huecos, HUECOS);
        if (r < 0)
            uv_mutex_destroy(&cerrojo);
    }
    if (r < 0) {
        fprintf(stderr, "uv_mutex_init/uv_sem_init: %s\n", error_texto(r));
        bucle_terminar(&bucle);
        return 1;
    }
    uv_async_init(&bucle, &aviso, al_avisar); /* solo falla sin descriptores */
    hay_hilo = uv_thread_create(&hilo, productor, NULL);
    if (hay_hilo < 0) {
        fprintf(stderr, "uv_thread_create: %s\n", error_texto(hay_hilo));
        uv_close((uv_handle_t *)&aviso, NULL);
    }
    r = bucle_terminar(&bucle);
    /* El bucle acabó: el productor ya hizo su último envío; join espera a que vuelva. */
    if (hay_hilo == 0)
        uv_thread_join(&hilo);
    uv_sem_destroy(&huecos);
    uv_mutex_destroy(&cerrojo);
    printf("recibidos: %ld de %d, %s\n", recibidos, total, en_orden ? "en orden" : "DESORDENADOS");
    printf("suma: %ld\n", suma);
    return r == 0 ? 0 : 1;
}
