/* un_bucle_por_hilo.c — dos hilos, dos bucles, y la única forma segura de hablar entre ellos.
 *
 * Un uv_loop_t no es seguro entre hilos: solo lo toca el hilo que lo ejecuta. Aquí el hilo
 * principal tiene su bucle y un hilo «trabajador» tiene el suyo, con su propio temporizador.
 * Para avisar al principal, el trabajador usa uv_async_send(), la única función de libuv
 * que puede tocar un handle (o un bucle) ajeno desde otro hilo; las primitivas de hilos
 * (uv_mutex_*, uv_sem_*, uv_thread_*) sí se usan desde cualquier hilo, para eso existen.
 * El dato compartido (cuántos tics lleva) va protegido por un cerrojo, porque varios
 * uv_async_send seguidos pueden fusionarse en una sola callback.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define TICS 3

typedef struct {
    uv_async_t aviso;       /* del bucle principal; el trabajador solo llama a send */
    uv_mutex_t cerrojo;     /* protege `tics` */
    int tics;
    int vistos;             /* solo lo toca el hilo principal */
} compartido_t;

/* --- Hilo trabajador: su propio bucle, de principio a fin ---------------------------- */

static void al_tic(uv_timer_t *t)
{
    compartido_t *c = t->data;
    int n;

    uv_mutex_lock(&c->cerrojo);
    n = ++c->tics;
    printf("[trabajador] tic %d en mi propio bucle\n", n);
    /* Con el cerrojo tomado: en cuanto el principal lea tics == TICS cerrará el aviso (y
     * luego su bucle). Si el envío fuera tras el unlock, podría llegar a un handle cerrado. */
    uv_async_send(&c->aviso);
    uv_mutex_unlock(&c->cerrojo);
    if (n == TICS)
        uv_close((uv_handle_t *)t, NULL);
}

static void trabajador(void *arg)
{
    uv_loop_t bucle;
    uv_timer_t tic;

    if (uv_loop_init(&bucle) < 0)
        return;
    uv_timer_init(&bucle, &tic); /* en Unix no puede fallar: solo prepara la estructura */
    tic.data = arg;
    (void)uv_timer_start(&tic, al_tic, 300, 300); /* falla solo sin callback o cerrándose */
    if (bucle_terminar(&bucle) != 0)
        fprintf(stderr, "[trabajador] el bucle no cerró limpio\n");
}

/* --- Hilo principal ------------------------------------------------------------------- */

static void al_avisar(uv_async_t *a)
{
    compartido_t *c = a->data;
    int n;

    uv_mutex_lock(&c->cerrojo);
    n = c->tics;
    uv_mutex_unlock(&c->cerrojo);
    printf("[principal] aviso recibido: tics del trabajador = %d\n", n);
    c->vistos = n;
    if (c->vistos == TICS)
        uv_close((uv_handle_t *)a, NULL); /* sin el aviso abierto, el bucle puede acabar */
}

int main(void)
{
    uv_loop_t *bucle = uv_default_loop();
    compartido_t c = {.tics = 0, .vistos = 0};
    uv_thread_t hilo;
    int r;

    if (uv_mutex_init(&c.cerrojo) < 0)
        return 1;
    r = uv_async_init(bucle, &c.aviso, al_avisar);
    if (r == 0) {
        c.aviso.data = &c;
        r = uv_thread_create(&hilo, trabajador, &c);
        if (r < 0)
            uv_close((uv_handle_t *)&c.aviso, NULL);
    }
    if (r < 0)
        fprintf(stderr, "error: %s\n", error_texto(r));
    /* El aviso activo mantiene vivo el bucle principal hasta el último tic. */
    if (bucle_terminar(bucle) != 0 && r == 0)
        r = UV_EBUSY;
    if (r == 0) {
        uv_thread_join(&hilo);
        printf("[principal] hilo trabajador terminado; los dos bucles, cerrados\n");
    }
    uv_mutex_destroy(&c.cerrojo);
    return r == 0 ? 0 : 1;
}
