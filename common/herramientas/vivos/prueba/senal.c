/* senal.c — colgado a propósito (prueba de vivos): un uv_signal_t para SIGINT que nadie
 * cierra, en un bucle propio. El informe tiene que nombrar «uv_signal_t esperando SIGINT». */
#include <signal.h>
#include <stdio.h>
#include <uv.h>

static void al_interrumpir(uv_signal_t *s, int senal)
{
    (void)s;
    (void)senal;
}

int main(void)
{
    uv_loop_t bucle;
    uv_signal_t senal;
    uv_loop_init(&bucle);
    uv_signal_init(&bucle, &senal);                  /* vivos: creado */
    uv_signal_start(&senal, al_interrumpir, SIGINT); /* vivos: arrancado */
    return uv_run(&bucle, UV_RUN_DEFAULT);
}
