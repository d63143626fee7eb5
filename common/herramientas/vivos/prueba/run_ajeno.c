/* run_ajeno.c — la prueba de VIVOS_CIERRE con un uv_run en marcha en otro hilo: un hilo se
 * queda en el uv_run de un bucle propio (con un temporizador) mientras la parada del bucle
 * principal no cierra nada, para con uv_stop y deja los dos handles a su propia red de
 * seguridad, que los cierra fuera de uv_run. Con VIVOS_CIERRE, el informe tiene que nombrar
 * los dos: que otro hilo esté en su uv_run no hace que el bucle principal lo esté. */
#include <signal.h>
#include <stdatomic.h>
#include <uv.h>

#include "parada_sin_cerrar.h"

static uv_timer_t t;
static uv_signal_t s;
static atomic_int acabar;

static void latido(uv_timer_t *h)
{
    if (atomic_load(&acabar))
        uv_close((uv_handle_t *)h, NULL);
}

static void ajeno(void *arg)
{
    (void)arg;
    uv_loop_t propio;
    uv_timer_t pulso;
    uv_loop_init(&propio);
    uv_timer_init(&propio, &pulso);
    uv_timer_start(&pulso, latido, 5, 5);
    uv_run(&propio, UV_RUN_DEFAULT);
    uv_loop_close(&propio);
}

int main(void)
{
    uv_thread_t hilo;
    uv_thread_create(&hilo, ajeno, NULL);
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    uv_timer_init(&bucle, &t); /* vivos: cierre */
    uv_timer_start(&t, vencido, 20, 20);
    uv_signal_init(&bucle, &s); /* vivos: cierre */
    uv_signal_start(&s, al_interrumpir, SIGINT);
    uv_run(&bucle, UV_RUN_DEFAULT);
    /* La red de seguridad, con el otro hilo aún en su uv_run. */
    uv_walk(&bucle, cerrar_uno, NULL);
    uv_run(&bucle, UV_RUN_DEFAULT);
    atomic_store(&acabar, 1);
    uv_thread_join(&hilo);
    return uv_loop_close(&bucle) != 0;
}
