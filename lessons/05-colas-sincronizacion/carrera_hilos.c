/* carrera_hilos.c — la carrera de la lección 4 (un tiempo límite contra la operación) cuando
 * la operación es un trabajo del grupo de hilos.
 *
 * Quien llega primero decide el resultado; el perdedor hay que pararlo:
 *   - si gana la operación, se para y se cierra el temporizador;
 *   - si gana el temporizador, se intenta cancelar la operación con uv_cancel(). Eso solo
 *     funciona mientras la petición espera en la cola del grupo de hilos: si un hilo ya la
 *     está ejecutando, uv_cancel() devuelve UV_EBUSY y no queda más remedio que esperar a
 *     que acabe y tirar su resultado: un hilo no se puede interrumpir.
 *
 * Tres carreras a la vez sobre un grupo de SOLO 2 hilos (para que alguna espere en cola):
 *   corta    trabajo 0.20 s, límite 1.00 s  → gana la operación
 *   larga    trabajo 1.20 s, límite 0.50 s  → gana el límite; uv_cancel da EBUSY
 *   en cola  trabajo 0.20 s, límite 0.10 s  → gana el límite; uv_cancel la saca de la cola
 */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

typedef struct {
    const char *nombre;
    unsigned trabajo_ms;  /* lo que tarda la operación (un hilo que duerme) */
    unsigned limite_ms;   /* tiempo límite */
    uv_work_t trabajo;
    uv_timer_t limite;
    int decidida;         /* ya hay ganador: lo que llegue después se descarta */
} carrera_t;

static uint64_t inicio_ms;

/* Trabajo bloqueante: se ejecuta en un hilo del grupo, nunca en el del bucle. */
static void trabajar(uv_work_t *req)
{
    carrera_t *c = req->data;
    uv_sleep(c->trabajo_ms);
}

/* Fin de la operación, en el hilo del bucle. `estado` es UV_ECANCELED si uv_cancel() la
 * sacó de la cola antes de empezar. */
static void al_terminar_trabajo(uv_work_t *req, int estado)
{
    carrera_t *c = req->data;
    double t = reloj_desde(inicio_ms);
    if (estado == UV_ECANCELED) {
        printf("[%.2f s] %-8s la operación llega cancelada (%s)\n", t, c->nombre,
               uv_err_name(estado));
    } else if (c->decidida) {
        printf("[%.2f s] %-8s la operación acaba tarde: resultado descartado\n", t,
               c->nombre);
    } else {
        c->decidida = 1;
        printf("[%.2f s] %-8s gana la operación: resultado a tiempo\n", t, c->nombre);
        /* Parar al perdedor: el temporizador. */
        uv_timer_stop(&c->limite);
        uv_close((uv_handle_t *)&c->limite, NULL);
    }
}

static void al_vencer_limite(uv_timer_t *t)
{
    carrera_t *c = t->data;
    int r;
    c->decidida = 1;
    r = uv_cancel((uv_req_t *)&c->trabajo);
    printf("[%.2f s] %-8s gana el límite de %.2f s; uv_cancel → %s\n", reloj_desde(inicio_ms),
           c->nombre, c->limite_ms / 1000.0, r == 0 ? "0 (sacada de la cola)" : uv_err_name(r));
    uv_close((uv_handle_t *)t, NULL);
}

static int empezar(uv_loop_t *bucle, carrera_t *c)
{
    int r;
    c->trabajo.data = c;
    c->limite.data = c;
    r = uv_queue_work(bucle, &c->trabajo, trabajar, al_terminar_trabajo);
    if (r < 0)
        return r; /* no arrancó: no habrá callback y no hay temporizador que cerrar */
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_init(bucle, &c->limite);
    return uv_timer_start(&c->limite, al_vencer_limite, c->limite_ms, 0);
}

int main(void)
{
    uv_loop_t bucle;
    carrera_t carreras[] = {
        {.nombre = "corta", .trabajo_ms = 200, .limite_ms = 1000},
        {.nombre = "larga", .trabajo_ms = 1200, .limite_ms = 500},
        {.nombre = "en cola", .trabajo_ms = 200, .limite_ms = 100},
    };
    size_t i;
    int r;

    /* El grupo de hilos se crea con el primer uv_queue_work(): la variable debe fijarse
     * antes. Con 2 hilos, «en cola» espera a que «corta» o «larga» dejen uno libre. */
    setenv("UV_THREADPOOL_SIZE", "2", 1);
    if (uv_loop_init(&bucle) < 0)
        return 1;
    inicio_ms = reloj_ms();

    for (i = 0; i < sizeof carreras / sizeof carreras[0]; i++) {
        r = empezar(&bucle, &carreras[i]);
        if (r < 0)
            fprintf(stderr, "%s: no arrancó: %s\n", carreras[i].nombre, error_texto(r));
    }

    /* uv_run no vuelve mientras quede un trabajo en un hilo: «larga» retiene el programa
     * hasta 1.20 s aunque su resultado ya no le importe a nadie. */
    r = bucle_terminar(&bucle);
    printf("Tiempo total: %.2f s\n", reloj_desde(inicio_ms));
    return r == 0 ? 0 : 1;
}
