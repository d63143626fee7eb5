/* temporizadores.c — los tres usos de uv_timer_t: una vez, repetido y «vigilante» que se
 * reprograma con uv_timer_again() cada vez que hay actividad.
 *
 *   latido      cada 0.30 s (repetido)            lo para la alarma
 *   actividad   a 0.25, 0.50 y 0.75 s             cada vez empuja al vigilante
 *   alarma      una sola vez a 1.00 s             para el latido
 *   vigilante   vence 0.45 s después de la última actividad → 1.20 s
 *
 * Todos los temporizadores viven en una struct en la pila de main(): su memoria dura más
 * que el bucle, así que las callbacks de cierre no tienen nada que liberar.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

typedef struct {
    uv_timer_t latido;
    uv_timer_t alarma;
    uv_timer_t actividad;
    uv_timer_t vigilante;
    uint64_t inicio_ms;
    int latidos;
    int actividades;
} reloj_demo_t;

/* Instante actual en segundos desde el arranque, para imprimir. */
static double ahora(const reloj_demo_t *d)
{
    return reloj_desde(d->inicio_ms);
}

static void al_latir(uv_timer_t *t)
{
    reloj_demo_t *d = t->data;
    d->latidos++;
    printf("[%.2f s] latido %d\n", ahora(d), d->latidos);
}

static void al_sonar_alarma(uv_timer_t *t)
{
    reloj_demo_t *d = t->data;
    printf("[%.2f s] alarma: paro el latido tras %d latidos\n", ahora(d), d->latidos);
    /* Un temporizador parado sigue abierto: deja de contar para el bucle, pero su memoria
     * sigue siendo de libuv hasta uv_close(). */
    uv_timer_stop(&d->latido);
    uv_close((uv_handle_t *)&d->latido, NULL);
    uv_close((uv_handle_t *)t, NULL);
}

static void al_haber_actividad(uv_timer_t *t)
{
    reloj_demo_t *d = t->data;
    d->actividades++;
    /* uv_timer_again() vuelve a contar el intervalo de repetición desde AHORA: el vigilante
     * solo vence cuando pasan 0.45 s seguidos sin actividad. */
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_again(&d->vigilante);
    printf("[%.2f s] actividad %d: el vigilante vencerá dentro de %.2f s\n", ahora(d),
           d->actividades, (double)uv_timer_get_due_in(&d->vigilante) / 1000.0);
    if (d->actividades == 3)
        uv_close((uv_handle_t *)t, NULL);
}

static void al_vencer_vigilante(uv_timer_t *t)
{
    reloj_demo_t *d = t->data;
    printf("[%.2f s] vigilante: 0.45 s sin actividad, cierro\n", ahora(d));
    uv_close((uv_handle_t *)t, NULL);
}

int main(void)
{
    uv_loop_t bucle;
    reloj_demo_t d = {0};
    int r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    d.inicio_ms = reloj_ms();

    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_init(&bucle, &d.latido);
    uv_timer_init(&bucle, &d.alarma);
    uv_timer_init(&bucle, &d.actividad);
    uv_timer_init(&bucle, &d.vigilante);
    d.latido.data = d.alarma.data = d.actividad.data = d.vigilante.data = &d;

    /* uv_timer_start(handle, callback, primera_vez_ms, repetir_cada_ms); repetir 0 = una vez */
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_start(&d.latido, al_latir, 300, 300);
    /* La alarma, a mitad de camino entre el latido 3 (0.90 s) y el 4 (1.20 s): con carga, un
     * latido repetido puede retrasarse, y 0.15 s de margen a cada lado lo absorben. */
    uv_timer_start(&d.alarma, al_sonar_alarma, 1050, 0);
    uv_timer_start(&d.actividad, al_haber_actividad, 250, 250);
    /* uv_timer_again() usa el valor de repetición: por eso el vigilante lo tiene (0.45 s). */
    uv_timer_start(&d.vigilante, al_vencer_vigilante, 450, 450);

    r = bucle_terminar(&bucle);
    printf("Latidos: %d, actividades: %d\n", d.latidos, d.actividades);
    return r == 0 ? 0 : 1;
}
