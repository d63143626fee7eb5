/* ebusy.c — el síntoma «uv_loop_close devuelve UV_EBUSY»: algo sigue abierto.
 *
 * uv_run vuelve (nada activo lo retiene), pero un temporizador inicializado y nunca
 * arrancado sigue perteneciendo al bucle: uv_loop_close se niega. bucle_listar() lo
 * encuentra; se cierra, una vuelta más entrega el cierre y ya se puede cerrar el bucle.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

static uv_timer_t trabajo, reserva;

static void al_terminar(uv_timer_t *t)
{
    printf("trabajo terminado\n");
    uv_close((uv_handle_t *)t, NULL);
}

int main(void)
{
    uv_loop_t bucle;
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    uv_timer_init(&bucle, &trabajo); /* no falla: lección 2, §3 */
    uv_timer_start(&trabajo, al_terminar, 50, 0);
    uv_timer_init(&bucle, &reserva); /* «por si acaso»: nunca se arranca ni se cierra */
    r = uv_run(&bucle, UV_RUN_DEFAULT);
    printf("uv_run devolvió %d\n", r);
    r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s; bucle_listar():\n", r == 0 ? "0" : uv_err_name(r));
    bucle_listar(&bucle, stdout);
    uv_close((uv_handle_t *)&reserva, NULL);
    uv_run(&bucle, UV_RUN_DEFAULT); /* entrega el cierre */
    r = uv_loop_close(&bucle);
    printf("tras cerrarlo y dar otra vuelta, uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 ? 0 : 1;
}
