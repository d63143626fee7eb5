/* olvido.c — un handle olvidado impide cerrar el bucle, y cómo encontrarlo.
 *
 * Un «vigilante» que late cada 0.30 s se marca con uv_unref(): no mantiene vivo el bucle,
 * así que uv_run() vuelve en cuanto termina el trabajo de verdad (0.75 s). Pero el vigilante
 * sigue abierto, y uv_loop_close() se niega a cerrar (UV_EBUSY). bucle_listar() lo delata;
 * uv_walk() + uv_close() lo arreglan.
 */
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

static uint64_t origen_ms;

static void al_latir(uv_timer_t *t)
{
    (void)t;
    printf("[%4.2f s] vigilante: sigo aquí\n", reloj_desde(origen_ms));
}

static void al_trabajar(uv_timer_t *t)
{
    printf("[%4.2f s] trabajo terminado\n", reloj_desde(origen_ms));
    uv_close((uv_handle_t *)t, NULL);
}

static void al_cerrar(uv_handle_t *h)
{
    printf("  cerrado: %s\n", bucle_nombre_tipo(h->type));
}

/* Para uv_walk: cierra todo lo que no se esté cerrando ya. */
static void cerrar_si_abierto(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, al_cerrar);
}

int main(void)
{
    uv_loop_t bucle;
    uv_timer_t vigilante, trabajo;
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    origen_ms = reloj_ms();
    /* Sin comprobar a propósito: aquí no pueden fallar (sección 3). */
    uv_timer_init(&bucle, &vigilante);
    vigilante.data = NULL;
    uv_timer_start(&vigilante, al_latir, 300, 300);
    printf("vigilante: ¿cuenta para mantener vivo el bucle? %s\n",
           uv_has_ref((uv_handle_t *)&vigilante) ? "sí" : "no");
    uv_unref((uv_handle_t *)&vigilante); /* «no me esperes para terminar» */
    printf("tras uv_unref: %s\n", uv_has_ref((uv_handle_t *)&vigilante) ? "sí" : "no");

    /* Sin comprobar a propósito: aquí no pueden fallar (sección 3). */
    uv_timer_init(&bucle, &trabajo);
    trabajo.data = NULL;
    /* A mitad de camino entre el 2.º latido (0.60 s) y el 3.º (0.90 s): con 150 ms de margen a
     * cada lado, una máquina cargada no cambia cuántos latidos se ven. */
    uv_timer_start(&trabajo, al_trabajar, 750, 0);

    r = uv_run(&bucle, UV_RUN_DEFAULT);
    printf("[%4.2f s] uv_run devolvió %d: no queda nada con referencia\n",
           reloj_desde(origen_ms), r);

    /* El error: dar el programa por terminado sin cerrar el vigilante. */
    r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s (%s)\n", uv_err_name(r), error_texto(r));
    printf("handles vivos según bucle_listar():\n");
    bucle_listar(&bucle, stdout);

    /* La solución: cerrar lo que quede y dar una vuelta más para entregar los cierres. */
    printf("cerrando lo que queda con uv_walk + uv_close:\n");
    uv_walk(&bucle, cerrar_si_abierto, NULL);
    uv_run(&bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(&bucle);
    printf("uv_loop_close: %d\n", r);
    return r == 0 ? 0 : 1;
}
