/* futuro.c — un futuro (promesa) mínimo con callbacks de «hecho», escrito a mano.
 *
 * Un futuro es un hueco para un resultado que aún no existe. Quien lo produce lo resuelve
 * (con un valor) o lo rechaza (con un código de error); quien lo consume registra callbacks
 * que se llamarán cuando esté hecho. Dos reglas:
 *   - se resuelve una sola vez: resolver o rechazar de nuevo es un error (UV_EALREADY);
 *   - las callbacks NUNCA se llaman dentro de futuro_resolver() ni de futuro_al_terminar(),
 *     sino desde el bucle, un poco después («llamar pronto», con un uv_idle_t). Así el
 *     código que registra una callback nunca se ve interrumpido por ella, aunque el futuro
 *     ya estuviera hecho.
 * Es un ejemplo para la lección, no una biblioteca: capacidad fija y un solo hilo.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define MAX_CALLBACKS 4

typedef struct futuro_s futuro_t;
typedef void (*futuro_cb)(futuro_t *f, void *usuario);

typedef enum { PENDIENTE, RESUELTO, RECHAZADO } estado_t;

struct futuro_s {
    const char *nombre;
    estado_t estado;
    char valor[64];          /* válido si RESUELTO */
    int error;               /* válido si RECHAZADO */
    futuro_cb cbs[MAX_CALLBACKS];
    void *usuarios[MAX_CALLBACKS];
    int n_cbs;               /* registradas y aún no llamadas */
    uv_idle_t pronto;        /* entrega las callbacks en la próxima fase idle */
};

static uint64_t origen_ms;

static double t(void)
{
    return reloj_desde(origen_ms);
}

/* Entrega las callbacks pendientes, en orden de registro, y se detiene. */
static void al_entregar(uv_idle_t *h)
{
    futuro_t *f = h->data;
    int n = f->n_cbs;

    uv_idle_stop(h);
    f->n_cbs = 0;
    for (int i = 0; i < n; i++)
        f->cbs[i](f, f->usuarios[i]);
}

static int futuro_iniciar(uv_loop_t *bucle, futuro_t *f, const char *nombre)
{
    memset(f, 0, sizeof(*f));
    f->nombre = nombre;
    f->estado = PENDIENTE;
    f->pronto.data = f;
    return uv_idle_init(bucle, &f->pronto);
}

static int futuro_al_terminar(futuro_t *f, futuro_cb cb, void *usuario)
{
    if (f->n_cbs == MAX_CALLBACKS)
        return UV_ENOBUFS;
    f->cbs[f->n_cbs] = cb;
    f->usuarios[f->n_cbs] = usuario;
    f->n_cbs++;
    if (f->estado != PENDIENTE)
        return uv_idle_start(&f->pronto, al_entregar); /* ya hecho: pronto, no ahora */
    return 0;
}

static int completar(futuro_t *f, estado_t estado, const char *valor, int error)
{
    if (f->estado != PENDIENTE)
        return UV_EALREADY;
    f->estado = estado;
    f->error = error;
    if (valor != NULL)
        snprintf(f->valor, sizeof f->valor, "%s", valor);
    return f->n_cbs > 0 ? uv_idle_start(&f->pronto, al_entregar) : 0;
}

static int futuro_resolver(futuro_t *f, const char *valor)
{
    return completar(f, RESUELTO, valor, 0);
}

static int futuro_rechazar(futuro_t *f, int error)
{
    return completar(f, RECHAZADO, NULL, error);
}

static void futuro_cerrar(futuro_t *f)
{
    uv_close((uv_handle_t *)&f->pronto, NULL);
}

/* ------------------------------------------------------------------------------------- */
/* Uso: dos pedidos a una cocina simulada. El productor resuelve; los consumidores miran. */

typedef struct {
    uv_timer_t temporizador;
    futuro_t *futuro;
    const char *plato;       /* NULL = la cocina no puede hacerlo */
} cocina_t;

static void consumidor(futuro_t *f, void *usuario)
{
    const char *quien = usuario;

    if (f->estado == RESUELTO)
        printf("[%4.2f s]   %s ve «%s» hecho: %s\n", t(), quien, f->nombre, f->valor);
    else
        printf("[%4.2f s]   %s ve «%s» fallido: %s\n", t(), quien, f->nombre,
               uv_err_name(f->error));
}

static void al_cocinar(uv_timer_t *tm)
{
    cocina_t *c = tm->data;
    int r;

    if (c->plato != NULL) {
        printf("[%4.2f s] la cocina resuelve «%s»\n", t(), c->futuro->nombre);
        futuro_resolver(c->futuro, c->plato);
    } else {
        printf("[%4.2f s] la cocina rechaza «%s»\n", t(), c->futuro->nombre);
        futuro_rechazar(c->futuro, UV_ECANCELED);
    }
    printf("[%4.2f s] (las callbacks aún no se han llamado: llegarán desde el bucle)\n", t());
    r = futuro_resolver(c->futuro, "otro plato");
    printf("[%4.2f s] resolver otra vez: %s\n", t(), uv_err_name(r));
    uv_close((uv_handle_t *)tm, NULL);
}

static void tardio(uv_timer_t *tm)
{
    futuro_t *f = tm->data;

    printf("[%4.2f s] alguien se interesa tarde por «%s»\n", t(), f->nombre);
    futuro_al_terminar(f, consumidor, "cliente tardío");
    printf("[%4.2f s] callback registrada (aún no se ha llamado)\n", t());
    uv_close((uv_handle_t *)tm, NULL);
}

int main(void)
{
    uv_loop_t bucle;
    futuro_t pedido1, pedido2;
    cocina_t cocina1 = {.plato = "tortilla de patatas"};
    cocina_t cocina2 = {.plato = NULL};
    uv_timer_t tarde;
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    origen_ms = reloj_ms();
    /* uv_timer_init y uv_idle_init solo rellenan la estructura: en Unix no fallan. */
    futuro_iniciar(&bucle, &pedido1, "pedido 1");
    futuro_iniciar(&bucle, &pedido2, "pedido 2");
    futuro_al_terminar(&pedido1, consumidor, "camarero");
    futuro_al_terminar(&pedido1, consumidor, "caja");
    futuro_al_terminar(&pedido2, consumidor, "camarero");

    cocina1.futuro = &pedido1;
    cocina2.futuro = &pedido2;
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_init(&bucle, &cocina1.temporizador);
    uv_timer_init(&bucle, &cocina2.temporizador);
    uv_timer_init(&bucle, &tarde);
    cocina1.temporizador.data = &cocina1;
    cocina2.temporizador.data = &cocina2;
    tarde.data = &pedido1;
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_start(&cocina1.temporizador, al_cocinar, 1000, 0);
    uv_timer_start(&cocina2.temporizador, al_cocinar, 500, 0);
    uv_timer_start(&tarde, tardio, 1500, 0);
    printf("[%4.2f s] dos pedidos en curso; main() no espera a ninguno\n", t());

    uv_run(&bucle, UV_RUN_DEFAULT);
    futuro_cerrar(&pedido1);
    futuro_cerrar(&pedido2);
    if (bucle_terminar(&bucle) != 0)
        r = UV_EBUSY;
    return r == 0 ? 0 : 1;
}
