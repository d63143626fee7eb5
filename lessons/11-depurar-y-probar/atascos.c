/* atascos.c — dos maneras de atascar un bucle de eventos, ejecutadas y detectadas:
 *
 *   1. Interbloqueo (deadlock): una callback espera (uv_sem_wait) algo que solo puede
 *      llegar desde OTRA callback del mismo bucle. El bucle está parado dentro de la
 *      primera, así que la segunda no llegará nunca. Un hilo vigilante lo detecta (el bucle
 *      no ha latido en 0.5 s) y, para que el ejemplo termine, hace él el uv_sem_post.
 *   2. uv_run reentrante: una callback llama a uv_run sobre su propio bucle. libuv no lo
 *      admite (la documentación: «uv_run() is not reentrant»): el bucle corre anidado dentro
 *      de la callback, la callback no vuelve mientras quede trabajo, y un temporizador
 *      repetido vuelve a entrar en ella antes de que haya salido. El ejemplo se detiene a
 *      la tercera entrada con uv_stop.
 *
 *   atascos
 *
 * Memoria: todo en la pila de main; los handles se cierran antes de bucle_terminar.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

typedef struct {
    uv_loop_t *bucle;
    uint64_t inicio_ms;
    /* 1. Interbloqueo */
    uv_timer_t pedir, responder, latido;
    uv_sem_t respuesta;
    uv_thread_t vigilante;
    int latidos;   /* lo escribe el bucle y lo lee el vigilante: con __atomic */
    int terminado; /* lo escribe main y lo lee el vigilante: con __atomic */
    /* 2. Reentrada */
    uv_timer_t repetido;
    int dentro, maximo, entradas;
} programa_t;

static double ahora(programa_t *p)
{
    return reloj_desde(p->inicio_ms);
}

/* --- 1. Interbloqueo ------------------------------------------------------------------ */

static void al_latir(uv_timer_t *t)
{
    programa_t *p = t->data;
    __atomic_add_fetch(&p->latidos, 1, __ATOMIC_RELAXED);
}

static void al_responder(uv_timer_t *t)
{
    programa_t *p = t->data;
    printf("[%.2f s] al_responder: por fin, uv_sem_post (ya no hace falta)\n", ahora(p));
    uv_sem_post(&p->respuesta);
}

static void al_pedir(uv_timer_t *t)
{
    programa_t *p = t->data;
    printf("[%.2f s] al_pedir: espero la respuesta con uv_sem_wait…\n", ahora(p));
    fflush(stdout);
    /* EL ERROR: la respuesta la da al_responder, otra callback de este mismo bucle, que no
     * puede ejecutarse mientras esta no vuelva. */
    uv_sem_wait(&p->respuesta);
    printf("[%.2f s] al_pedir: desbloqueada desde fuera del bucle\n", ahora(p));
}

/* Un hilo aparte: si el bucle no late en 0.5 s, está atascado. Lo dice y lo desbloquea. */
static void vigilar(void *arg)
{
    programa_t *p = arg;
    int antes = -1, ahora_latidos;
    uint64_t desde = reloj_ms();
    while (!__atomic_load_n(&p->terminado, __ATOMIC_RELAXED)) {
        uv_sleep(50);
        ahora_latidos = __atomic_load_n(&p->latidos, __ATOMIC_RELAXED);
        if (ahora_latidos != antes) {
            antes = ahora_latidos;
            desde = reloj_ms();
        } else if (reloj_ms() - desde >= 500) {
            printf("[%.2f s] vigilante: el bucle lleva 0.50 s sin latir: interbloqueo\n",
                   ahora(p));
            fflush(stdout);
            uv_sem_post(&p->respuesta);
            return;
        }
    }
}

/* --- 2. uv_run reentrante ------------------------------------------------------------- */

static void al_repetir(uv_timer_t *t)
{
    programa_t *p = t->data;
    int nivel = ++p->dentro;
    p->entradas++;
    printf("[%.2f s] al_repetir: entro (anidada %d %s)\n", ahora(p), nivel,
           nivel == 1 ? "vez" : "veces");
    if (p->entradas == p->maximo) {
        /* Sin esto, cada entrada anida otra: la pila crece sin límite. */
        uv_timer_stop(t);
        uv_stop(p->bucle);
    } else {
        /* EL ERROR: uv_run dentro de una callback de su propio bucle. */
        int r = uv_run(p->bucle, UV_RUN_DEFAULT);
        printf("[%.2f s] al_repetir (nivel %d): el uv_run anidado volvió %d\n", ahora(p),
               nivel, r);
    }
    p->dentro--;
}

int main(void)
{
    uv_loop_t bucle;
    programa_t p = {0};
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    p.bucle = &bucle;
    p.inicio_ms = reloj_ms();
    p.maximo = 3;

    printf("1. Interbloqueo: una callback espera a otra del mismo bucle\n");
    r = uv_sem_init(&p.respuesta, 0);
    if (r < 0) {
        fprintf(stderr, "uv_sem_init: %s\n", error_texto(r));
        return 1;
    }
    /* Sobre un bucle válido, uv_timer_init no falla. */
    uv_timer_init(&bucle, &p.pedir);
    uv_timer_init(&bucle, &p.responder);
    uv_timer_init(&bucle, &p.latido);
    p.pedir.data = p.responder.data = p.latido.data = &p;
    uv_timer_start(&p.latido, al_latir, 50, 50);
    uv_timer_start(&p.pedir, al_pedir, 100, 0);
    uv_timer_start(&p.responder, al_responder, 200, 0);
    r = uv_thread_create(&p.vigilante, vigilar, &p);
    if (r < 0) {
        fprintf(stderr, "uv_thread_create: %s\n", error_texto(r));
        return 1;
    }
    /* Hasta que al_responder haya pasado: entonces ya no queda nada más que el latido. */
    while (uv_is_active((uv_handle_t *)&p.responder))
        uv_run(&bucle, UV_RUN_ONCE);
    __atomic_store_n(&p.terminado, 1, __ATOMIC_RELAXED);
    uv_thread_join(&p.vigilante);
    uv_sem_destroy(&p.respuesta);
    uv_close((uv_handle_t *)&p.pedir, NULL);
    uv_close((uv_handle_t *)&p.responder, NULL);
    uv_close((uv_handle_t *)&p.latido, NULL);
    uv_run(&bucle, UV_RUN_DEFAULT);

    printf("2. uv_run reentrante: una callback llama a uv_run sobre su propio bucle\n");
    p.inicio_ms = reloj_ms();
    uv_timer_init(&bucle, &p.repetido);
    p.repetido.data = &p;
    uv_timer_start(&p.repetido, al_repetir, 100, 100);
    r = uv_run(&bucle, UV_RUN_DEFAULT);
    printf("[%.2f s] main: el uv_run de main volvió %d; entradas: %d\n", ahora(&p), r,
           p.entradas);
    uv_close((uv_handle_t *)&p.repetido, NULL);
    r = bucle_terminar(&bucle);
    return r == 0 ? 0 : 1;
}
