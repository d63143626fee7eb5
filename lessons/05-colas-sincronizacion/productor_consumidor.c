/* productor_consumidor.c — una cola asíncrona acotada con productores y consumidores en un
 * solo hilo: contrapresión (el productor espera si la cola está llena), «join» (esperar a
 * que todo lo puesto esté procesado) y un centinela NULL para despedir a los consumidores.
 *
 * 3 productores × 4 elementos, 2 consumidores, cola de capacidad 5. Los productores son
 * más rápidos que los consumidores, así que la cola se llena y tienen que esperar.
 *
 * La cola no copia los elementos: guarda punteros. Quien pone un elemento entrega su
 * propiedad; quien lo saca la recibe y lo libera.
 */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/reloj.h"

/* ===================== La cola asíncrona ================================================ */

/* Quien no puede seguir (cola llena o vacía) deja una espera_t y se le avisa después.
 * La memoria es de quien espera y debe vivir hasta el aviso. */
typedef struct espera_s {
    struct espera_s *siguiente;
    void *elemento; /* productor: lo que quiere poner; consumidor: lo que recibe */
    void (*al_despertar)(struct espera_s *e);
} espera_t;

typedef struct {
    void **anillo;
    size_t capacidad, primero, cuantos;
    espera_t *productores, *ult_productor;   /* FIFO: esperan hueco */
    espera_t *consumidores, *ult_consumidor; /* FIFO: esperan elemento */
    unsigned sin_terminar;                   /* puestos y aún sin cola_tarea_hecha() */
    void (*al_vaciar)(void *datos);          /* el «join»: se llama cuando llega a 0 */
    void *datos_vaciar;
} cola_t;

static int cola_iniciar(cola_t *c, size_t capacidad)
{
    *c = (cola_t){.capacidad = capacidad};
    c->anillo = calloc(capacidad, sizeof *c->anillo);
    return c->anillo == NULL ? UV_ENOMEM : 0;
}

static void cola_liberar(cola_t *c)
{
    free(c->anillo);
    c->anillo = NULL;
}

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

static void meter_en_anillo(cola_t *c, void *elemento)
{
    c->anillo[(c->primero + c->cuantos) % c->capacidad] = elemento;
    c->cuantos++;
    c->sin_terminar++;
}

/* Pone `elemento`. Devuelve 1 si ya está dentro, o 0 si la cola está llena: entonces `e`
 * queda esperando y e->al_despertar se llamará cuando el elemento haya entrado.
 *
 * Las callbacks de OTROS (un consumidor que esperaba) pueden llamarse desde aquí dentro:
 * una al_despertar no debe volver a llamar a la cola de forma que se anide sin fin. */
static int cola_poner(cola_t *c, void *elemento, espera_t *e)
{
    espera_t *consumidor = desencolar_espera(&c->consumidores, &c->ult_consumidor);
    if (consumidor != NULL) {
        /* Alguien esperaba con la cola vacía: se le entrega en mano. */
        c->sin_terminar++;
        consumidor->elemento = elemento;
        consumidor->al_despertar(consumidor);
        return 1;
    }
    if (c->cuantos < c->capacidad) {
        meter_en_anillo(c, elemento);
        return 1;
    }
    e->elemento = elemento;
    encolar_espera(&c->productores, &c->ult_productor, e);
    return 0; /* contrapresión: el productor se queda quieto hasta que haya hueco */
}

/* Saca un elemento. Devuelve 1 y lo deja en *elemento, o 0 si la cola está vacía: entonces
 * `e` queda esperando y, cuando llegue uno, estará en e->elemento al llamar a al_despertar. */
static int cola_sacar(cola_t *c, void **elemento, espera_t *e)
{
    espera_t *productor;
    if (c->cuantos == 0) {
        encolar_espera(&c->consumidores, &c->ult_consumidor, e);
        return 0;
    }
    *elemento = c->anillo[c->primero];
    c->primero = (c->primero + 1) % c->capacidad;
    c->cuantos--;
    /* Ha quedado un hueco: entra el elemento del primer productor que esperaba. */
    productor = desencolar_espera(&c->productores, &c->ult_productor);
    if (productor != NULL) {
        meter_en_anillo(c, productor->elemento);
        productor->al_despertar(productor);
    }
    return 1;
}

/* El consumidor terminó de procesar un elemento: uno menos sin terminar. */
static void cola_tarea_hecha(cola_t *c)
{
    c->sin_terminar--;
    if (c->sin_terminar == 0 && c->al_vaciar != NULL) {
        void (*cb)(void *) = c->al_vaciar;
        c->al_vaciar = NULL; /* se avisa una vez */
        cb(c->datos_vaciar);
    }
}

/* «join»: `cb` se llamará cuando todo lo puesto esté procesado (ya mismo si no hay nada). */
static void cola_al_vaciar(cola_t *c, void (*cb)(void *datos), void *datos)
{
    if (c->sin_terminar == 0) {
        cb(datos);
        return;
    }
    c->al_vaciar = cb;
    c->datos_vaciar = datos;
}

/* ===================== Productores y consumidores ====================================== */

#define PRODUCTORES 3
#define POR_PRODUCTOR 4
#define CONSUMIDORES 2
#define CAPACIDAD 5

typedef struct {
    int productor, numero;
} elemento_t;

typedef struct programa_s programa_t;

typedef struct {
    programa_t *prog;
    int id, hechos;
    unsigned pausa_ms;     /* lo que tarda en fabricar un elemento */
    uv_timer_t temporizador;
    espera_t espera;
} productor_t;

typedef struct {
    programa_t *prog;
    int id, procesados;
    unsigned pausa_ms;     /* lo que tarda en procesar un elemento */
    uv_timer_t temporizador;
    espera_t espera;
    elemento_t *actual;
} consumidor_t;

struct programa_s {
    cola_t cola;
    productor_t productores[PRODUCTORES];
    consumidor_t consumidores[CONSUMIDORES];
    int productores_vivos;
    uint64_t inicio_ms;
};

static double ahora(const programa_t *prog)
{
    return reloj_desde(prog->inicio_ms);
}

static void consumidor_pedir(consumidor_t *c);
static void consumidor_al_procesar(uv_timer_t *t);
static void productor_fabricar(productor_t *p);
static void al_procesar_todo(void *datos);

/* --- Productor: fabrica (temporizador) → pone (quizá espera) → fabrica el siguiente --- */

static void productor_siguiente(productor_t *p)
{
    programa_t *prog = p->prog;
    p->hechos++;
    if (p->hechos < POR_PRODUCTOR) {
        productor_fabricar(p);
        return;
    }
    printf("[%.2f s] productor %d terminó\n", ahora(prog), p->id);
    uv_close((uv_handle_t *)&p->temporizador, NULL);
    prog->productores_vivos--;
    if (prog->productores_vivos == 0) {
        /* Ya no entrará nada nuevo: esperar a que se procese lo que queda (join). */
        printf("[%.2f s] productores terminados; espero a que se vacíe la cola\n", ahora(prog));
        cola_al_vaciar(&prog->cola, al_procesar_todo, prog);
    }
}

static void productor_hubo_hueco(espera_t *e)
{
    productor_t *p = CONTENEDOR_DE(e, productor_t, espera);
    elemento_t *el = e->elemento;
    printf("[%.2f s] productor %d puso Item-%d-%d (tras esperar hueco)\n", ahora(p->prog), p->id,
           el->productor, el->numero);
    productor_siguiente(p);
}

static void productor_al_fabricar(uv_timer_t *t)
{
    productor_t *p = t->data;
    programa_t *prog = p->prog;
    elemento_t *el = malloc(sizeof *el);
    if (el == NULL) {
        fprintf(stderr, "sin memoria\n");
        exit(1);
    }
    el->productor = p->id;
    el->numero = p->hechos;
    if (cola_poner(&prog->cola, el, &p->espera)) {
        printf("[%.2f s] productor %d puso Item-%d-%d (%zu en cola)\n", ahora(prog), p->id,
               el->productor, el->numero, prog->cola.cuantos);
        productor_siguiente(p);
    } else {
        printf("[%.2f s] productor %d espera: cola llena (%zu/%zu)\n", ahora(prog), p->id,
               prog->cola.cuantos, prog->cola.capacidad);
    }
}

static void productor_fabricar(productor_t *p)
{
    /* uv_timer_start solo falla sin callback o con el temporizador cerrándose, y este solo
     * se cierra cuando el productor ya no fabricará más: no se comprueba. */
    (void)uv_timer_start(&p->temporizador, productor_al_fabricar, p->pausa_ms, 0);
}

/* --- Consumidor: saca (quizá espera) → procesa (temporizador) → tarea hecha → saca --- */

static void consumidor_procesar(consumidor_t *c, elemento_t *el)
{
    if (el == NULL) {
        /* El centinela: no hay más trabajo. También cuenta como tarea hecha. */
        printf("[%.2f s] consumidor %d terminó (%d procesados)\n", ahora(c->prog), c->id,
               c->procesados);
        cola_tarea_hecha(&c->prog->cola);
        uv_close((uv_handle_t *)&c->temporizador, NULL);
        return;
    }
    c->actual = el;
    /* No falla: el temporizador no se está cerrando. */
    (void)uv_timer_start(&c->temporizador, consumidor_al_procesar, c->pausa_ms, 0);
}

static void consumidor_recibio(espera_t *e)
{
    consumidor_t *c = CONTENEDOR_DE(e, consumidor_t, espera);
    consumidor_procesar(c, e->elemento);
}

static void consumidor_al_procesar(uv_timer_t *t)
{
    consumidor_t *c = t->data;
    elemento_t *el = c->actual;
    printf("[%.2f s] consumidor %d procesó Item-%d-%d\n", ahora(c->prog), c->id, el->productor,
           el->numero);
    free(el); /* la propiedad llegó con el elemento */
    c->actual = NULL;
    c->procesados++;
    cola_tarea_hecha(&c->prog->cola);
    consumidor_pedir(c);
}

static void consumidor_pedir(consumidor_t *c)
{
    void *el;
    if (cola_sacar(&c->prog->cola, &el, &c->espera))
        consumidor_procesar(c, el);
    /* si no, consumidor_recibio() llegará cuando alguien ponga algo */
}

/* --- El «main» asíncrono --------------------------------------------------------------- */

/* Todo lo puesto está procesado: un centinela por consumidor para que terminen. */
static void al_procesar_todo(void *datos)
{
    programa_t *prog = datos;
    int i;
    printf("[%.2f s] cola vacía y todo procesado: envío %d centinelas\n", ahora(prog),
           CONSUMIDORES);
    for (i = 0; i < CONSUMIDORES; i++) {
        /* Con la cola vacía siempre hay sitio: la espera no llega a usarse. */
        espera_t sin_uso;
        if (!cola_poner(&prog->cola, NULL, &sin_uso))
            abort();
    }
}

int main(void)
{
    /* Elegidas para que dos sucesos de tareas distintas disten siempre ≥ 150 ms: cada
     * temporizador se rearma desde la callback anterior, así que los retrasos de una máquina
     * cargada se acumulan en cada tarea, y con huecos de 40 ms el orden de la salida podría
     * invertirse. */
    static const unsigned pausa_productor[PRODUCTORES] = {150, 800, 950};
    static const unsigned pausa_consumidor[CONSUMIDORES] = {950, 1950};
    uv_loop_t bucle;
    programa_t prog;
    int i, r;

    if (uv_loop_init(&bucle) < 0)
        return 1;
    r = cola_iniciar(&prog.cola, CAPACIDAD);
    if (r < 0) {
        uv_loop_close(&bucle);
        return 1;
    }
    prog.inicio_ms = reloj_ms();
    prog.productores_vivos = PRODUCTORES;

    for (i = 0; i < PRODUCTORES; i++) {
        productor_t *p = &prog.productores[i];
        *p = (productor_t){.prog = &prog, .id = i, .pausa_ms = pausa_productor[i]};
        p->espera.al_despertar = productor_hubo_hueco;
        uv_timer_init(&bucle, &p->temporizador); /* en Unix no puede fallar */
        p->temporizador.data = p;
        productor_fabricar(p);
    }
    for (i = 0; i < CONSUMIDORES; i++) {
        consumidor_t *c = &prog.consumidores[i];
        *c = (consumidor_t){.prog = &prog, .id = i, .pausa_ms = pausa_consumidor[i]};
        c->espera.al_despertar = consumidor_recibio;
        uv_timer_init(&bucle, &c->temporizador); /* ídem */
        c->temporizador.data = c;
        consumidor_pedir(c);
    }

    r = bucle_terminar(&bucle);
    cola_liberar(&prog.cola);
    printf("Cadena de producción completada en %.2f s\n", ahora(&prog));
    return r == 0 ? 0 : 1;
}
