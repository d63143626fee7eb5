/* sale.c — la prueba del testigo con «dentro» = 1: sale con exit(0) desde la callback de un
 * temporizador, sin que uv_run vuelva nunca (el bucle queda sin cerrar). Con una clave en
 * VIVOS_CIERRE, el testigo es «cierre-fin 0 0 1 <firma>»: ninguna línea, uv_run en marcha. */
#include <stdlib.h>
#include <uv.h>

static uv_timer_t t;

static void vencido(uv_timer_t *h)
{
    (void)h;
    exit(0);
}

int main(void)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    uv_timer_init(&bucle, &t);
    uv_timer_start(&t, vencido, 20, 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    return 1; /* no se llega */
}
