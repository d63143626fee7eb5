/* red.c — la prueba de VIVOS_CIERRE: termina con 0, pero deja a su propia red de seguridad
 * (un uv_walk tras uv_run, como bucle_cerrar de libcurso) un temporizador que ya venció y un
 * uv_signal_t sin referencia. Con VIVOS_CIERRE=1, el informe tiene que nombrar los dos, con
 * la línea donde se crearon, y nada más. */
#include <signal.h>
#include <stdio.h>
#include <uv.h>

static uv_timer_t t;
static uv_signal_t s;
static uv_timer_t bien; /* este sí se cierra a tiempo */

static void al_interrumpir(uv_signal_t *h, int senal)
{
    (void)h;
    (void)senal;
}

static void vencido(uv_timer_t *h)
{
    (void)h; /* vence una vez y se queda parado, sin uv_close */
}

static void vencido_bien(uv_timer_t *h)
{
    uv_close((uv_handle_t *)h, NULL);
}

static void cerrar_uno(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

int main(void)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    uv_timer_init(&bucle, &t); /* vivos: cierre */
    uv_timer_start(&t, vencido, 20, 0);
    uv_timer_init(&bucle, &bien);
    uv_timer_start(&bien, vencido_bien, 30, 0);
    uv_signal_init(&bucle, &s); /* vivos: cierre */
    uv_signal_start(&s, al_interrumpir, SIGINT);
    uv_unref((uv_handle_t *)&s);
    uv_run(&bucle, UV_RUN_DEFAULT);
    /* La red de seguridad: cierra lo que quede y vuelve a ejecutar el bucle. */
    uv_walk(&bucle, cerrar_uno, NULL);
    uv_run(&bucle, UV_RUN_DEFAULT);
    printf("red\n");
    return uv_loop_close(&bucle) != 0;
}
