/* defectos.c — tres fallos típicos de un programa con libuv, y su versión corregida, para
 * verlos con las herramientas de la lección 11 (herramientas.c los ejecuta bajo cada una).
 *
 *   defectos uso-tras-liberar   libera un handle antes de que llegue su callback de cierre
 *   defectos carrera            dos hilos suman en el mismo contador sin cerrojo
 *   defectos desplazamiento     una espera exponencial calculada con un int que desborda
 *   defectos corregido          las tres cosas bien hechas
 *
 * El makefile de las lecciones construye además dos variantes de este programa, con
 * AddressSanitizer + UBSan (defectos-asan) y con ThreadSanitizer (defectos-tsan):
 * variantes: asan tsan
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/errores.h"

#define VUELTAS 50000

typedef struct {
    uv_timer_t temporizador;
    int vencimientos;
} tarea_t;

/* Cuántas tareas hay reservadas: un contador barato que delata fugas y dobles free. */
static int tareas_vivas;

/* --- 1. Liberar un handle demasiado pronto ------------------------------------------- */

static void al_cerrar_tarea(uv_handle_t *h)
{
    tarea_t *tarea = h->data;
    printf("cierre: %d vencimiento, temporizador cerrado\n", tarea->vencimientos);
    free(tarea); /* libuv ya no volverá a tocar el handle: ahora sí se puede liberar */
    tareas_vivas--;
}

static void al_vencer_mal(uv_timer_t *t)
{
    tarea_t *tarea = t->data;
    tarea->vencimientos++;
    uv_close((uv_handle_t *)t, al_cerrar_tarea);
    free(tarea); /* FALLO: el handle vive dentro de tarea y libuv aún no ha terminado con él */
    tareas_vivas--;
}

static void al_vencer_bien(uv_timer_t *t)
{
    tarea_t *tarea = t->data;
    tarea->vencimientos++;
    uv_close((uv_handle_t *)t, al_cerrar_tarea);
}

static int probar_cierre(uv_loop_t *bucle, int corregido)
{
    tarea_t *tarea = malloc(sizeof *tarea);
    if (tarea == NULL)
        return UV_ENOMEM;
    tareas_vivas++;
    uv_timer_init(bucle, &tarea->temporizador);
    tarea->temporizador.data = tarea;
    tarea->vencimientos = 0;
    uv_timer_start(&tarea->temporizador, corregido ? al_vencer_bien : al_vencer_mal, 10, 0);
    if (uv_run(bucle, UV_RUN_DEFAULT) != 0)
        return UV_EBUSY;
    printf("cierre: tareas vivas al final: %d\n", tareas_vivas);
    return 0;
}

/* --- 2. Dos hilos y un contador ------------------------------------------------------- */

typedef struct {
    long total;
    int con_cerrojo;
    uv_mutex_t cerrojo;
} contador_t;

static void sumar(void *arg)
{
    contador_t *c = arg;
    for (int i = 0; i < VUELTAS; i++) {
        if (c->con_cerrojo)
            uv_mutex_lock(&c->cerrojo);
        c->total++; /* sin cerrojo: leer, sumar y escribir no es una operación atómica */
        if (c->con_cerrojo)
            uv_mutex_unlock(&c->cerrojo);
    }
}

static int probar_hilos(int corregido)
{
    contador_t c = {.total = 0, .con_cerrojo = corregido};
    uv_thread_t hilos[2];
    int r = uv_mutex_init(&c.cerrojo);
    if (r < 0)
        return r;
    for (int i = 0; i < 2; i++) {
        r = uv_thread_create(&hilos[i], sumar, &c);
        if (r < 0) {
            fprintf(stderr, "uv_thread_create: %s\n", error_texto(r));
            exit(1); /* con un hilo ya lanzado no hay vuelta atrás ordenada */
        }
    }
    for (int i = 0; i < 2; i++)
        uv_thread_join(&hilos[i]);
    uv_mutex_destroy(&c.cerrojo);
    /* Sin cerrojo el total suele salir menor, pero no siempre: por eso hacen falta
     * herramientas que vean la carrera aunque el resultado salga bien. */
    if (corregido)
        printf("hilos: total %ld de %d\n", c.total, 2 * VUELTAS);
    else
        printf("hilos: terminados\n");
    return 0;
}

/* --- 3. Una espera exponencial ------------------------------------------------------- */

static void probar_espera(int corregido)
{
    uint64_t suma_ms = 0;
    for (int intento = 0; intento < 28; intento++) {
        uint64_t espera_ms;
        if (corregido) {
            /* En 64 bits y con tope: 100 ms · 2^intento, como mucho 30 s. */
            espera_ms = intento < 9 ? (uint64_t)100 << intento : 30000;
            if (espera_ms > 30000)
                espera_ms = 30000;
        } else {
            int espera = 100 << intento; /* FALLO: a partir del intento 25 no cabe en un int */
            espera_ms = (uint64_t)espera;
        }
        suma_ms += espera_ms;
    }
    printf("espera: 28 intentos sumarían %.1f min\n", (double)suma_ms / 60000.0);
}

int main(int argc, char **argv)
{
    const char *modo = argc > 1 ? argv[1] : "";
    int todo = strcmp(modo, "corregido") == 0;
    uv_loop_t bucle;
    int r;

    if (!todo && strcmp(modo, "uso-tras-liberar") != 0 && strcmp(modo, "carrera") != 0 &&
        strcmp(modo, "desplazamiento") != 0) {
        fprintf(stderr, "uso: defectos uso-tras-liberar|carrera|desplazamiento|corregido\n");
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    if (todo || strcmp(modo, "uso-tras-liberar") == 0)
        r = probar_cierre(&bucle, todo);
    if (r == 0 && (todo || strcmp(modo, "carrera") == 0))
        r = probar_hilos(todo);
    if (r == 0 && (todo || strcmp(modo, "desplazamiento") == 0))
        probar_espera(todo);
    if (r < 0)
        fprintf(stderr, "defectos: %s\n", error_texto(r));
    if (uv_loop_close(&bucle) != 0) {
        fprintf(stderr, "defectos: el bucle quedó con handles abiertos\n");
        return 1;
    }
    return r == 0 ? 0 : 1;
}
