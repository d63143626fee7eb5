/* modos.c — los tres modos de uv_run y cómo construir con ellos «ejecutar hasta completar»
 * y «ejecutar para siempre»: hasta que acabe una operación concreta, o hasta uv_stop().
 *
 * Cuatro experimentos en orden, cada uno con sus propios temporizadores:
 *   1. UV_RUN_NOWAIT: una vuelta sin esperar nada.
 *   2. UV_RUN_ONCE: una vuelta, esperando si hace falta a que ocurra algo.
 *   3. Hasta completar: UV_RUN_ONCE en un bucle hasta que la operación que nos interesa acaba.
 *   4. Para siempre: UV_RUN_DEFAULT con un temporizador que nunca termina, hasta uv_stop().
 */
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "curso/errores.h"
#include "curso/reloj.h"

static uint64_t origen_ms;

static double t(void)
{
    return reloj_desde(origen_ms);
}

/* Cada temporizador lleva su nombre en ->data y se cierra al vencer (salvo el repetitivo). */
static void al_vencer(uv_timer_t *temporizador)
{
    printf("[%4.2f s]   vence «%s»\n", t(), (const char *)temporizador->data);
    if (uv_timer_get_repeat(temporizador) == 0)
        uv_close((uv_handle_t *)temporizador, NULL);
}

static void al_parar(uv_timer_t *temporizador)
{
    printf("[%4.2f s]   «parada» llama a uv_stop()\n", t());
    uv_stop(temporizador->loop);
    uv_close((uv_handle_t *)temporizador, NULL);
}

/* Nuestro propio inventario con uv_walk: nombre (de ->data) y estado de cada handle. */
static void listar_uno(uv_handle_t *h, void *arg)
{
    (void)arg;
    printf("           - «%s»: %s\n", (const char *)h->data,
           uv_is_closing(h) ? "cerrándose (su cierre se entrega en la próxima vuelta)"
                            : uv_is_active(h) ? "activo" : "inactivo");
}

static void empezar(uv_loop_t *bucle, uv_timer_t *temp, const char *nombre, uint64_t ms,
                    uint64_t repetir, uv_timer_cb cb)
{
    /* En Unix uv_timer_init no puede fallar y uv_timer_start solo falla sin callback o con
     * el temporizador cerrándose: aquí ninguna de las dos cosas es posible. */
    /* Sin comprobar a propósito: aquí no pueden fallar (sección 3). */
    uv_timer_init(bucle, temp);
    temp->data = (void *)nombre;
    (void)uv_timer_start(temp, cb, ms, repetir);
}

int main(void)
{
    uv_loop_t bucle;
    uv_timer_t a, b, c, d, tic, parada;
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    origen_ms = reloj_ms();

    printf("1) UV_RUN_NOWAIT con un temporizador de 0.5 s pendiente\n");
    empezar(&bucle, &a, "a (0.5 s)", 500, 0, al_vencer);
    r = uv_run(&bucle, UV_RUN_NOWAIT);
    printf("[%4.2f s]   uv_run devolvió %d: aún queda trabajo y no esperó a nadie\n", t(), r);

    printf("2) UV_RUN_ONCE: espera lo necesario para que ocurra algo\n");
    r = uv_run(&bucle, UV_RUN_ONCE);
    printf("[%4.2f s]   uv_run devolvió %d: «a» venció, pero su cierre aún está pendiente\n", t(), r);

    printf("3) Hasta completar «c»: ONCE una y otra vez mientras «c» siga abierto\n");
    empezar(&bucle, &b, "b (0.2 s)", 200, 0, al_vencer);
    empezar(&bucle, &c, "c (0.4 s)", 400, 0, al_vencer);
    empezar(&bucle, &d, "d (0.9 s)", 900, 0, al_vencer);
    while (!uv_is_closing((uv_handle_t *)&c)) {
        /* 0 = no queda trabajo: «c» ya no puede terminar y seguir sería girar en vacío. */
        if (uv_run(&bucle, UV_RUN_ONCE) == 0)
            break;
    }
    printf("[%4.2f s]   «c» completado; lo que queda en el bucle (uv_walk):\n", t());
    uv_walk(&bucle, listar_uno, NULL);

    printf("4) Para siempre: un disparo cada 0.3 s hasta que «parada» llame a uv_stop()\n");
    empezar(&bucle, &tic, "tic", 300, 300, al_vencer);
    empezar(&bucle, &parada, "parada", 1000, 0, al_parar);
    r = uv_run(&bucle, UV_RUN_DEFAULT);
    printf("[%4.2f s]   uv_run devolvió %d: se paró con trabajo pendiente (el tic)\n", t(), r);

    /* Cierre ordenado: el tic no terminará nunca solo, así que lo cerramos nosotros. */
    uv_close((uv_handle_t *)&tic, NULL);
    r = uv_run(&bucle, UV_RUN_DEFAULT);
    printf("[%4.2f s]   tras cerrar el tic, uv_run devolvió %d\n", t(), r);
    r = uv_loop_close(&bucle);
    printf("uv_loop_close devolvió %d\n", r);
    return r == 0 ? 0 : 1;
}
