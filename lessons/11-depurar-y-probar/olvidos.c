/* olvidos.c — un programa que debería acabar y no acaba: encontrar los handles olvidados.
 *
 * Tres «descargas» (temporizadores que simulan el trabajo) tienen cada una su tiempo límite
 * de 5 s, y un temporizador de progreso repite cada 0.25 s. Los dos fallos son de los más
 * comunes: al terminar una descarga se cierra su trabajo pero no su límite, y al terminar
 * todas nadie para el progreso. uv_run() no vuelve nunca.
 *
 * Un «guardián» (otro temporizador, con uv_unref para no ser él quien mantenga vivo el
 * bucle) se despierta a los 1.00 s, enseña lo que queda con bucle_listar() y con un listado
 * propio que usa el nombre guardado al principio de cada contexto, y lo cierra todo.
 */
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define DESCARGAS 3

/* Convenio de depuración: el primer campo de todo contexto es su nombre, así que un
 * handle->data que apunte a un contexto también apunta a una cadena legible. */
typedef struct {
    char nombre[32];
} etiqueta_t;

typedef struct programa_s programa_t;

typedef struct {
    etiqueta_t trabajo_eti; /* data del temporizador de trabajo */
    etiqueta_t limite_eti;  /* data del temporizador límite */
    uv_timer_t trabajo;
    uv_timer_t limite;
    programa_t *prog;
} descarga_t;

struct programa_s {
    etiqueta_t eti;
    uv_timer_t progreso;
    uv_timer_t guardian;
    descarga_t descargas[DESCARGAS];
    int pendientes;
    uint64_t inicio_ms;
};

static void al_vencer_limite(uv_timer_t *t)
{
    descarga_t *d = CONTENEDOR_DE(t, descarga_t, limite);
    printf("[%.2f s] %s: límite vencido\n", reloj_desde(d->prog->inicio_ms), d->limite_eti.nombre);
}

static void al_terminar_trabajo(uv_timer_t *t)
{
    descarga_t *d = CONTENEDOR_DE(t, descarga_t, trabajo);
    programa_t *p = d->prog;
    printf("[%.2f s] %s terminada\n", reloj_desde(p->inicio_ms), d->trabajo_eti.nombre);
    uv_close((uv_handle_t *)&d->trabajo, NULL);
    /* FALLO 1: falta uv_close(&d->limite): el límite sigue armado 5 s más. */
    p->pendientes--;
    if (p->pendientes == 0)
        printf("[%.2f s] todas terminadas: el programa debería acabar ya\n",
               reloj_desde(p->inicio_ms));
    /* FALLO 2: falta uv_close(&p->progreso): repite para siempre. */
}

static void al_progresar(uv_timer_t *t)
{
    (void)t; /* aquí se redibujaría una barra de progreso */
}

/* Para uv_walk: describe los handles que mantienen vivo el bucle (activos y con ref). */
static void describir(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_active(h) || !uv_has_ref(h))
        return;
    const etiqueta_t *e = h->data;
    printf("  %-6s «%s»", bucle_nombre_tipo(h->type), e != NULL ? e->nombre : "sin nombre");
    if (h->type == UV_TIMER) {
        uv_timer_t *t = (uv_timer_t *)h;
        if (uv_timer_get_repeat(t) > 0)
            printf(" repite cada %.2f s", uv_timer_get_repeat(t) / 1000.0);
        else
            printf(" vence dentro de %.2f s", uv_timer_get_due_in(t) / 1000.0);
    }
    printf("\n");
}

static void cerrar_si_abierto(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

static void al_vigilar(uv_timer_t *t)
{
    programa_t *p = t->data;
    printf("[%.2f s] guardián: uv_run sigue dentro. bucle_listar():\n", reloj_desde(p->inicio_ms));
    bucle_listar(t->loop, stdout);
    printf("guardián: los que mantienen vivo el bucle, por su nombre:\n");
    uv_walk(t->loop, describir, NULL);
    printf("guardián: los cierro todos para poder terminar\n");
    uv_walk(t->loop, cerrar_si_abierto, NULL);
}

int main(void)
{
    static const uint64_t duracion_ms[DESCARGAS] = {200, 300, 400};
    programa_t p = {.eti = {"progreso"}, .pendientes = DESCARGAS};
    uv_loop_t bucle;
    int r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    p.inicio_ms = reloj_ms();
    /* uv_timer_init solo falla con un bucle inválido: aquí no puede fallar. */
    uv_timer_init(&bucle, &p.progreso);
    p.progreso.data = &p.eti;
    uv_timer_start(&p.progreso, al_progresar, 250, 250);
    for (int i = 0; i < DESCARGAS; i++) {
        descarga_t *d = &p.descargas[i];
        d->prog = &p;
        snprintf(d->trabajo_eti.nombre, sizeof d->trabajo_eti.nombre, "descarga-%d", i + 1);
        snprintf(d->limite_eti.nombre, sizeof d->limite_eti.nombre, "descarga-%d: límite", i + 1);
        uv_timer_init(&bucle, &d->trabajo);
        uv_timer_init(&bucle, &d->limite);
        d->trabajo.data = &d->trabajo_eti;
        d->limite.data = &d->limite_eti;
        uv_timer_start(&d->trabajo, al_terminar_trabajo, duracion_ms[i], 0);
        uv_timer_start(&d->limite, al_vencer_limite, 5000, 0);
    }
    /* El guardián no cuenta para mantener vivo el bucle: si todo va bien, no llega a sonar. */
    uv_timer_init(&bucle, &p.guardian);
    p.guardian.data = &p;
    uv_timer_start(&p.guardian, al_vigilar, 1100, 0);
    uv_unref((uv_handle_t *)&p.guardian);

    uv_run(&bucle, UV_RUN_DEFAULT);
    printf("[%.2f s] uv_run volvió\n", reloj_desde(p.inicio_ms));
    r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0, nada abierto" : error_texto(r));
    return r == 0 ? 0 : 1;
}
