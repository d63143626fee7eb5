/* temporizador.c — colgado a propósito (prueba de vivos): un temporizador que se repite y
 * nadie para. El informe tiene que nombrar «uv_timer_t activo» y las dos líneas marcadas. */
#include <stdio.h>
#include <uv.h>

static void tic(uv_timer_t *t)
{
    (void)t;
}

int main(void)
{
    static uv_timer_t latido;
    uv_timer_init(uv_default_loop(), &latido); /* vivos: creado */
    uv_timer_start(&latido, tic, 100, 100);    /* vivos: arrancado */
    return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
