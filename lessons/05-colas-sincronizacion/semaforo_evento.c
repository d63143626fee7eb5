/* semaforo_evento.c — un semáforo (como mucho N a la vez) y un evento (todos esperan a una
 * señal), ambos asíncronos y dentro de un solo bucle.
 *
 * Parte 1: cuatro trabajadores A–D comparten un semáforo de 2 plazas; cada uno trabaja
 *          0.50 s. C y D esperan a que A y B suelten su plaza.
 * Parte 2: dos esperadores aguardan un evento que se activa a los 0.50 s; un tercero que
 *          llega después de activarlo pasa sin esperar.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/reloj.h"

typedef struct espera_s {
    struct espera_s *siguiente;
    void (*al_despertar)(struct espera_s *e);
} espera_t;

/* Lista FIFO de esperas: la pieza común del semáforo y del evento. */
typedef struct {
    espera_t *cabeza, *cola;
} fila_t;

static void fila_meter(fila_t *f, espera_t *e)
{
    e->siguiente = NULL;
    if (f->cola != NULL)
        f->cola->siguiente = e;
    else
        f->cabeza = e;
    f->cola = e;
}

static espera_t *fila_sacar(fila_t *f)
{
    espera_t *e = f->cabeza;
    if (e != NULL) {
        f->cabeza = e->siguiente;
        if (f->cabeza == NULL)
            f->cola = NULL;
    }
    return e;
}

/* ===================== Semáforo ======================================================== */

typedef struct {
    int plazas; /* libres */
    fila_t fila;
} semaforo_t;

/* 1 = plaza obtenida ya; 0 = `e` espera y e->al_despertar llegará con la plaza. */
static int semaforo_tomar(semaforo_t *s, espera_t *e)
{
    if (s->plazas > 0) {
        s->plazas--;
        return 1;
    }
    fila_meter(&s->fila, e);
    return 0;
}

/* Devuelve una plaza; si alguien espera, la plaza pasa a él directamente. */
static void semaforo_soltar(semaforo_t *s)
{
    espera_t *e = fila_sacar(&s->fila);
    if (e != NULL)
        e->al_despertar(e);
    else
        s->plazas++;
}

/* ===================== Evento ========================================================== */

typedef struct {
    int activado;
    fila_t fila;
} evento_t;

/* 1 = ya estaba activado; 0 = `e` espera hasta evento_activar(). */
static int evento_esperar(evento_t *ev, espera_t *e)
{
    if (ev->activado)
        return 1;
    fila_meter(&ev->fila, e);
    return 0;
}

/* Activa el evento y despierta a TODOS los que esperaban (el semáforo despierta a uno). */
static void evento_activar(evento_t *ev)
{
    espera_t *e;
    ev->activado = 1;
    for (e = fila_sacar(&ev->fila); e != NULL; e = fila_sacar(&ev->fila))
        e->al_despertar(e);
}

/* ===================== Parte 1: trabajadores con semáforo ============================== */

static uint64_t inicio_ms;

typedef struct {
    char nombre;
    semaforo_t *semaforo;
    uv_timer_t trabajo;
    espera_t espera;
} trabajador_t;

static void trabajador_acabar(uv_timer_t *t)
{
    trabajador_t *tr = t->data;
    printf("[%.2f s] trabajador %c suelta su plaza\n", reloj_desde(inicio_ms), tr->nombre);
    uv_close((uv_handle_t *)t, NULL);
    semaforo_soltar(tr->semaforo);
}

static void trabajador_trabajar(trabajador_t *tr)
{
    printf("[%.2f s] trabajador %c obtiene plaza (libres: %d)\n", reloj_desde(inicio_ms),
           tr->nombre, tr->semaforo->plazas);
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_start(&tr->trabajo, trabajador_acabar, 500, 0);
}

static void trabajador_despertar(espera_t *e)
{
    trabajador_trabajar(CONTENEDOR_DE(e, trabajador_t, espera));
}

static int parte_semaforo(void)
{
    uv_loop_t bucle;
    semaforo_t semaforo = {.plazas = 2};
    trabajador_t tr[4];
    int i;

    if (uv_loop_init(&bucle) < 0)
        return -1;
    inicio_ms = reloj_ms();
    printf("Semáforo de 2 plazas, 4 trabajadores:\n");
    for (i = 0; i < 4; i++) {
        tr[i].nombre = (char)('A' + i);
        tr[i].semaforo = &semaforo;
        tr[i].espera.al_despertar = trabajador_despertar;
        /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
        uv_timer_init(&bucle, &tr[i].trabajo);
        tr[i].trabajo.data = &tr[i];
        if (semaforo_tomar(&semaforo, &tr[i].espera))
            trabajador_trabajar(&tr[i]);
        else
            printf("[%.2f s] trabajador %c espera plaza\n", reloj_desde(inicio_ms), tr[i].nombre);
    }
    return bucle_terminar(&bucle);
}

/* ===================== Parte 2: evento ================================================= */

typedef struct {
    const char *nombre;
    espera_t espera;
} esperador_t;

typedef struct {
    evento_t evento;
    esperador_t tardio;
    uv_timer_t activador;
    uv_timer_t llegada_tardia;
} escena_t;

static void esperador_despertar(espera_t *e)
{
    esperador_t *es = CONTENEDOR_DE(e, esperador_t, espera);
    printf("[%.2f s] %s: ¡recibí el evento!\n", reloj_desde(inicio_ms), es->nombre);
}

static void esperador_llegar(evento_t *ev, esperador_t *es)
{
    es->espera.al_despertar = esperador_despertar;
    if (evento_esperar(ev, &es->espera))
        printf("[%.2f s] %s: el evento ya estaba activado, sigo sin esperar\n",
               reloj_desde(inicio_ms), es->nombre);
    else
        printf("[%.2f s] %s espera el evento\n", reloj_desde(inicio_ms), es->nombre);
}

static void al_activar(uv_timer_t *t)
{
    escena_t *esc = t->data;
    printf("[%.2f s] se activa el evento\n", reloj_desde(inicio_ms));
    evento_activar(&esc->evento);
    uv_close((uv_handle_t *)t, NULL);
}

static void al_llegar_tarde(uv_timer_t *t)
{
    escena_t *esc = t->data;
    esperador_llegar(&esc->evento, &esc->tardio);
    uv_close((uv_handle_t *)t, NULL);
}

static int parte_evento(void)
{
    uv_loop_t bucle;
    escena_t esc = {.tardio = {.nombre = "esperador C"}};
    esperador_t a = {.nombre = "esperador A"}, b = {.nombre = "esperador B"};

    if (uv_loop_init(&bucle) < 0)
        return -1;
    inicio_ms = reloj_ms();
    printf("Evento:\n");
    esperador_llegar(&esc.evento, &a);
    esperador_llegar(&esc.evento, &b);
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_init(&bucle, &esc.activador);
    uv_timer_init(&bucle, &esc.llegada_tardia);
    esc.activador.data = esc.llegada_tardia.data = &esc;
    uv_timer_start(&esc.activador, al_activar, 500, 0);
    uv_timer_start(&esc.llegada_tardia, al_llegar_tarde, 700, 0);
    return bucle_terminar(&bucle);
}

int main(void)
{
    int r = parte_semaforo();
    if (r == 0)
        r = parte_evento();
    return r == 0 ? 0 : 1;
}
