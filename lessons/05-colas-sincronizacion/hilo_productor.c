/* hilo_productor.c — un hilo de verdad que produce datos para el bucle: uv_thread_create,
 * un búfer compartido protegido con uv_mutex, un semáforo uv_sem_t para la contrapresión
 * entre hilos y uv_async_send() para despertar al bucle.
 *
 * El hilo «sensor» genera 10 lecturas, una cada 0.05 s, en un búfer de 3 huecos. El bucle
 * tarda 0.20 s en procesar cada una, así que el búfer se llena y el hilo se queda parado
 * en uv_sem_wait() hasta que el bucle libera un hueco con uv_sem_post().
 *
 *   hilo sensor                          hilo del bucle
 *   uv_sem_wait(huecos)  ← espera hueco   uv_sem_post(huecos)  ← tras sacar una lectura
 *   tomar; meter; send; soltar           tomar; sacar; soltar   (el cerrojo)
 *   uv_async_send(aviso) ───────────────→ al_avisar() (varios envíos pueden llegar juntos)
 *
 * uv_async_send() es la única función de libuv que puede tocar un handle desde otro hilo;
 * uv_mutex_* y uv_sem_* son primitivas de hilos y se usan desde cualquiera. El aviso se
 * envía con el cerrojo tomado: así, cuando el bucle ve `terminado` y cierra el handle, el
 * último envío ya ha ocurrido.
 *
 * Solo el hilo del bucle imprime: así la salida no depende de cómo se repartan los hilos.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define LECTURAS 10
#define HUECOS 3

typedef struct {
    /* Compartido entre hilos: todo lo de este bloque solo con el cerrojo tomado. */
    uv_mutex_t mutex;
    int bufer[HUECOS];
    int primero, cuantos;
    int terminado;         /* el sensor ya no producirá más */
    int esperas_sensor;    /* veces que el sensor encontró el búfer lleno */

    uv_sem_t huecos;       /* cuenta los huecos libres: el sensor espera si es 0 */
    uv_async_t aviso;      /* el único handle que otro hilo puede tocar (con uv_async_send) */
    uv_thread_t sensor;

    /* Solo del hilo del bucle. */
    uv_timer_t proceso;
    int ocupado;           /* procesando una lectura */
    int procesadas;
    int avisos;
    uint64_t inicio_ms;
} planta_t;

/* --- Hilo sensor --------------------------------------------------------------------- */

static void sensor(void *arg)
{
    planta_t *p = arg;
    int i;
    for (i = 1; i <= LECTURAS; i++) {
        uv_sleep(50); /* medir lleva su tiempo */
        /* ¿Hay hueco? uv_sem_trywait dice si habría que esperar, solo para contarlo. */
        if (uv_sem_trywait(&p->huecos) != 0) {
            uv_mutex_lock(&p->mutex);
            p->esperas_sensor++;
            uv_mutex_unlock(&p->mutex);
            uv_sem_wait(&p->huecos); /* bloquea ESTE hilo, nunca el del bucle */
        }
        uv_mutex_lock(&p->mutex);
        p->bufer[(p->primero + p->cuantos) % HUECOS] = i;
        p->cuantos++;
        uv_async_send(&p->aviso); /* con el cerrojo tomado (ver abajo) */
        uv_mutex_unlock(&p->mutex);
    }
    /* El último aviso, DENTRO del cerrojo. Si se enviara después de soltarlo, el bucle podría
     * ver `terminado`, cerrar el handle y hasta cerrar el bucle entre el unlock y el send:
     * el send tocaría memoria ya cerrada. Dentro, el bucle solo puede leer `terminado`
     * cuando el envío ya está hecho. */
    uv_mutex_lock(&p->mutex);
    p->terminado = 1;
    uv_async_send(&p->aviso);
    uv_mutex_unlock(&p->mutex);
}

/* --- Hilo del bucle ------------------------------------------------------------------ */

static void al_procesar(uv_timer_t *t);

/* Si está libre y hay lectura, la saca y empieza a procesarla; si no queda nada y el sensor
 * terminó, cierra los handles para que el bucle pueda acabar. */
static void tomar_siguiente(planta_t *p)
{
    int lectura = 0, hay = 0, fin = 0, quedan = 0;

    if (p->ocupado)
        return;
    uv_mutex_lock(&p->mutex);
    if (p->cuantos > 0) {
        lectura = p->bufer[p->primero];
        p->primero = (p->primero + 1) % HUECOS;
        p->cuantos--;
        quedan = p->cuantos;
        hay = 1;
    } else {
        fin = p->terminado;
    }
    uv_mutex_unlock(&p->mutex);

    if (hay) {
        /* Se imprime antes de devolver el hueco: después el sensor podría rellenarlo. */
        printf("[%.2f s] tomo la lectura %d (quedan %d en el búfer)\n", reloj_desde(p->inicio_ms),
               lectura, quedan);
        uv_sem_post(&p->huecos);
        p->ocupado = 1;
        /* Solo falla si el temporizador se está cerrando, y solo se cierra tras la última. */
        (void)uv_timer_start(&p->proceso, al_procesar, 200, 0);
    } else if (fin) {
        uv_close((uv_handle_t *)&p->aviso, NULL);
        uv_close((uv_handle_t *)&p->proceso, NULL);
    }
}

static void al_procesar(uv_timer_t *t)
{
    planta_t *p = t->data;
    p->ocupado = 0;
    p->procesadas++;
    tomar_siguiente(p);
}

/* Llega desde el bucle tras uno o VARIOS uv_async_send(): libuv los fusiona, así que aquí
 * nunca se supone «un aviso = una lectura». */
static void al_avisar(uv_async_t *a)
{
    planta_t *p = a->data;
    p->avisos++;
    tomar_siguiente(p);
}

int main(void)
{
    uv_loop_t bucle;
    planta_t p = {0};
    int r;

    if (uv_mutex_init(&p.mutex) < 0)
        return 1;
    if (uv_sem_init(&p.huecos, HUECOS) < 0) {
        uv_mutex_destroy(&p.mutex);
        return 1;
    }
    r = uv_loop_init(&bucle);
    if (r == 0) {
        uv_timer_init(&bucle, &p.proceso); /* en Unix no puede fallar */
        p.proceso.data = &p;
        r = uv_async_init(&bucle, &p.aviso, al_avisar);
        if (r == 0) {
            p.aviso.data = &p;
            p.inicio_ms = reloj_ms();
            r = uv_thread_create(&p.sensor, sensor, &p);
            if (r < 0)
                uv_close((uv_handle_t *)&p.aviso, NULL);
        }
        if (r < 0) {
            fprintf(stderr, "no puedo arrancar: %s\n", error_texto(r));
            uv_close((uv_handle_t *)&p.proceso, NULL);
            bucle_terminar(&bucle);
        }
    }
    if (r < 0) {
        uv_sem_destroy(&p.huecos);
        uv_mutex_destroy(&p.mutex);
        return 1;
    }

    r = bucle_terminar(&bucle);
    /* El bucle acabó porque vio `terminado`: el sensor ya hizo su último envío y solo le
     * falta soltar el cerrojo y volver. join espera a eso, nada más. */
    uv_thread_join(&p.sensor);
    printf("Procesadas: %d lecturas en %.2f s\n", p.procesadas, reloj_desde(p.inicio_ms));
    printf("El sensor encontró el búfer lleno y esperó: %s\n", p.esperas_sensor > 0 ? "sí" : "no");
    printf("Avisos recibidos ≤ lecturas: %s\n", p.avisos <= LECTURAS + 1 ? "sí" : "no");
    uv_sem_destroy(&p.huecos);
    uv_mutex_destroy(&p.mutex);
    return r == 0 ? 0 : 1;
}
