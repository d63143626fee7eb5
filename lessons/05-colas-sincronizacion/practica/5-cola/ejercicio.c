/* ejercicio.c — una cola asíncrona acotada (práctica 5 de la lección 5).
 *
 *   cadena CAPACIDAD N    un productor rápido pone N elementos en una cola de CAPACIDAD
 *                         huecos; un consumidor lento (100 ms por elemento) los procesa.
 *
 * El productor, el consumidor y las ayudas de la cola ya están escritos. Tal como está, la
 * cola no guarda nada: los elementos se pierden y el consumidor nunca recibe ninguno. Tu
 * trabajo: poner, sacar, tarea hecha y el «join» de la cola (ver README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

#define MAX_CAPACIDAD 16
#define MAX_ELEMENTOS 100

/* ---- La cola: tipos y ayudas (ya escrito: no lo cambies) ----------------------------- */

/* Quien no puede seguir (cola llena o vacía) deja una espera_t y se le avisa después. */
typedef struct espera_s {
    struct espera_s *siguiente;
    void *elemento; /* productor: lo que quiere poner; consumidor: lo que recibe */
    void (*al_despertar)(struct espera_s *e);
} espera_t;

typedef struct {
    void *anillo[MAX_CAPACIDAD];
    size_t capacidad, primero, cuantos;
    espera_t *productores, *ult_productor;   /* FIFO: esperan hueco */
    espera_t *consumidores, *ult_consumidor; /* FIFO: esperan elemento */
    unsigned sin_terminar;                   /* puestos y aún sin cola_tarea_hecha() */
    void (*al_vaciar)(void *datos);          /* el «join»: se llama cuando llega a 0 */
    void *datos_vaciar;
} cola_t;

static void encolar_espera(espera_t **cabeza, espera_t **ultima, espera_t *e)
{
    e->siguiente = NULL;
    if (*ultima != NULL)
        (*ultima)->siguiente = e;
    else
        *cabeza = e;
    *ultima = e;
}

static espera_t *desencolar_espera(espera_t **cabeza, espera_t **ultima)
{
    espera_t *e = *cabeza;

    if (e != NULL) {
        *cabeza = e->siguiente;
        if (*cabeza == NULL)
            *ultima = NULL;
    }
    return e;
}

/* Mete al final del anillo (debe haber hueco) y cuenta el elemento como sin terminar. */
static void meter_en_anillo(cola_t *c, void *elemento)
{
    c->anillo[(c->primero + c->cuantos) % c->capacidad] = elemento;
    c->cuantos++;
    c->sin_terminar++;
}

/* ---- La cola: lo que escribes --------------------------------------------------------- */

/* 1: `elemento` ya está dentro. 0: cola llena; `e` espera y e->al_despertar llegará cuando
 * el elemento haya entrado. */
static int cola_poner(cola_t *c, void *elemento, espera_t *e)
{
    /* TODO: si un consumidor espera, entregárselo en mano (cuenta como sin terminar) y
     * despertarlo; si hay hueco, al anillo; si no, `e` espera con su elemento y devuelve 0. */
    (void)c;
    (void)elemento;
    (void)e;
    return 1;
}

/* 1: deja un elemento en *elemento. 0: cola vacía; `e` espera y, al llamar a
 * e->al_despertar, el elemento estará en e->elemento. */
static int cola_sacar(cola_t *c, void **elemento, espera_t *e)
{
    /* TODO: vacía, `e` espera y devuelve 0; si no, sacar el primero del anillo y, si un
     * productor esperaba hueco, meter su elemento y despertarlo. */
    (void)c;
    (void)elemento;
    (void)e;
    (void)encolar_espera;
    (void)desencolar_espera;
    (void)meter_en_anillo;
    return 0;
}

/* El consumidor terminó de procesar un elemento: uno menos sin terminar. */
static void cola_tarea_hecha(cola_t *c)
{
    /* TODO: uno menos sin terminar; al llegar a 0, avisar (una sola vez) a quien hizo join. */
    (void)c;
}

/* «join»: `cb` se llamará cuando todo lo puesto esté procesado (ya mismo si no hay nada). */
static void cola_al_vaciar(cola_t *c, void (*cb)(void *datos), void *datos)
{
    /* TODO: sin nada por terminar, llamar ya a cb; si no, apuntarlo para cola_tarea_hecha. */
    (void)c;
    cb(datos);
}

/* ---- El productor y el consumidor (ya escrito: no lo cambies) ------------------------ */

static cola_t cola;
static int total, siguiente;
static espera_t espera_productor, espera_consumidor;
static uv_timer_t proceso;
static int *en_proceso;

static void consumir(void);

static void al_procesar(uv_timer_t *t)
{
    (void)t;
    printf("hecho %d\n", *en_proceso);
    free(en_proceso); /* el elemento es de quien lo saca */
    en_proceso = NULL;
    cola_tarea_hecha(&cola);
    consumir();
}

static void procesar(int *elemento)
{
    if (elemento == NULL) { /* el centinela */
        printf("fin del consumidor\n");
        uv_close((uv_handle_t *)&proceso, NULL);
        return;
    }
    printf("saca %d\n", *elemento);
    en_proceso = elemento;
    uv_timer_start(&proceso, al_procesar, 100, 0); /* no falla: no se está cerrando */
}

static void consumidor_despierta(espera_t *e)
{
    procesar(e->elemento);
}

static void consumir(void)
{
    void *elemento;

    if (cola_sacar(&cola, &elemento, &espera_consumidor))
        procesar(elemento);
}

static void al_vaciarse(void *datos)
{
    (void)datos;
    printf("todo hecho\n");
    if (!cola_poner(&cola, NULL, &espera_productor)) /* el centinela */
        printf("cola llena: el centinela espera\n");
}

static void producir(void);

static void productor_despierta(espera_t *e)
{
    (void)e;
    producir(); /* su elemento ya entró: el siguiente */
}

static void producir(void)
{
    while (siguiente < total) {
        int *elemento = malloc(sizeof *elemento);

        if (elemento == NULL) {
            fprintf(stderr, "sin memoria\n");
            total = siguiente;
            break;
        }
        *elemento = ++siguiente;
        printf("pone %d\n", *elemento);
        if (!cola_poner(&cola, elemento, &espera_productor)) {
            printf("cola llena: el productor espera\n");
            return; /* contrapresión: seguirá en productor_despierta */
        }
    }
    cola_al_vaciar(&cola, al_vaciarse, NULL); /* «join»: todo puesto; falta que se procese */
}

static int leer(const char *texto, long min, long max, long *valor)
{
    char *fin;

    errno = 0;
    *valor = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *valor >= min && *valor <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    long capacidad, n;
    int r;

    if (argc != 3 || leer(argv[1], 1, MAX_CAPACIDAD, &capacidad) < 0 ||
        leer(argv[2], 0, MAX_ELEMENTOS, &n) < 0) {
        fprintf(stderr, "uso: %s CAPACIDAD N (capacidad de 1 a %d, de 0 a %d elementos)\n",
                argv[0], MAX_CAPACIDAD, MAX_ELEMENTOS);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    cola.capacidad = (size_t)capacidad;
    total = (int)n;
    espera_productor.al_despertar = productor_despierta;
    espera_consumidor.al_despertar = consumidor_despierta;
    uv_timer_init(&bucle, &proceso); /* no falla: lección 2, §3 */
    consumir(); /* el consumidor llega primero: la cola está vacía y espera */
    producir();
    r = bucle_terminar(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 ? 0 : 1;
}
