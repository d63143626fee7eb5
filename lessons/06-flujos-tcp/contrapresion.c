/* contrapresion.c — qué pasa cuando se escribe más deprisa de lo que el otro lee.
 *
 * uv_write() nunca bloquea: lo que el núcleo no acepta en el acto se queda en la cola de
 * escritura del handle, en memoria del programa. Si el lector es lento, esa cola crece sin
 * límite. uv_stream_get_write_queue_size() dice cuántos bytes esperan en ella; con ese dato
 * el productor puede pararse (marca alta) y reanudarse (marca baja) desde la callback de
 * escritura: eso es la contrapresión.
 *
 * Un servidor y un cliente en el mismo bucle, por 127.0.0.1. El servidor envía 8 MiB en
 * trozos de 64 KiB; el cliente no empieza a leer hasta pasados 0.30 s. Dos rondas:
 *   sin control   el servidor encola los 128 trozos de golpe;
 *   con control   se para con 1 MiB en cola y sigue al bajar de 256 KiB.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define TROZO (64 * 1024)
#define TOTAL (8 * 1024 * 1024)
#define MARCA_ALTA (1024 * 1024)
#define MARCA_BAJA (256 * 1024)
#define MIB (1024.0 * 1024.0)

typedef struct {
    int con_control;
    uv_tcp_t escucha, servidor, cliente;
    uv_connect_t conexion;
    uv_shutdown_t apagado;
    uv_timer_t retraso;           /* el cliente tarda en empezar a leer */
    char *trozo;                  /* los mismos 64 KiB para todas las escrituras */
    size_t encolado;              /* bytes entregados a uv_write */
    size_t cola_maxima;
    int pausas;
    int pausado;
    uint64_t recibidos;
    char bufer[TROZO];
    uint64_t inicio_ms;
} escena_t;

static void producir(escena_t *e);

static void al_apagar(uv_shutdown_t *req, int estado)
{
    escena_t *e = req->data;
    (void)estado;
    uv_close((uv_handle_t *)&e->servidor, NULL);
}

static void al_escribir(uv_write_t *req, int estado)
{
    escena_t *e = req->handle->data;
    free(req); /* los datos (e->trozo) son compartidos y viven hasta el final */
    if (estado < 0)
        return;
    if (e->pausado &&
        uv_stream_get_write_queue_size((uv_stream_t *)&e->servidor) < MARCA_BAJA) {
        e->pausado = 0;
        producir(e);
    }
}

/* Escribe trozos mientras quede algo por enviar y (con control) la cola no pase de la
 * marca alta. */
static void producir(escena_t *e)
{
    uv_stream_t *flujo = (uv_stream_t *)&e->servidor;
    while (e->encolado < TOTAL) {
        size_t cola = uv_stream_get_write_queue_size(flujo);
        uv_write_t *req;
        uv_buf_t buf;
        if (cola > e->cola_maxima)
            e->cola_maxima = cola;
        if (e->con_control && cola >= MARCA_ALTA) {
            e->pausado = 1;
            e->pausas++;
            return; /* al_escribir() nos despertará */
        }
        req = malloc(sizeof *req);
        if (req == NULL)
            break;
        buf = uv_buf_init(e->trozo, TROZO);
        if (uv_write(req, flujo, &buf, 1, al_escribir) < 0) {
            free(req);
            break;
        }
        e->encolado += TROZO;
    }
    if (uv_stream_get_write_queue_size(flujo) > e->cola_maxima)
        e->cola_maxima = uv_stream_get_write_queue_size(flujo);
    /* Todo entregado: uv_shutdown espera a que la cola se vacíe y envía el EOF. */
    e->apagado.data = e;
    if (uv_shutdown(&e->apagado, flujo, al_apagar) < 0)
        uv_close((uv_handle_t *)&e->servidor, NULL);
}

static void al_aceptar(uv_stream_t *escucha, int estado)
{
    escena_t *e = escucha->data;
    int r;
    if (estado < 0)
        return;
    uv_tcp_init(escucha->loop, &e->servidor); /* sin familia: no puede fallar */
    e->servidor.data = e;
    r = uv_accept(escucha, (uv_stream_t *)&e->servidor);
    uv_close((uv_handle_t *)escucha, NULL); /* un solo cliente en este ejemplo */
    if (r < 0) {
        uv_close((uv_handle_t *)&e->servidor, NULL);
        return;
    }
    /* Búferes del núcleo pequeños: así la cola de libuv se nota antes. Si el sistema no
     * deja cambiarlos, el ejemplo sigue valiendo: la cola solo tarda más en crecer. */
    (void)uv_send_buffer_size((uv_handle_t *)&e->servidor, &(int){64 * 1024});
    producir(e);
}

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    escena_t *e = h->data;
    (void)sugerido;
    *buf = uv_buf_init(e->bufer, sizeof e->bufer);
}

static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    escena_t *e = flujo->data;
    (void)buf;
    if (n > 0)
        e->recibidos += (uint64_t)n;
    else if (n < 0)
        uv_close((uv_handle_t *)flujo, NULL);
}

static void al_empezar_a_leer(uv_timer_t *t)
{
    escena_t *e = t->data;
    uv_close((uv_handle_t *)t, NULL);
    if (uv_read_start((uv_stream_t *)&e->cliente, reservar, al_leer) < 0)
        uv_close((uv_handle_t *)&e->cliente, NULL);
}

static void al_conectar(uv_connect_t *req, int estado)
{
    escena_t *e = req->data;
    if (estado < 0) {
        fprintf(stderr, "conexión: %s\n", error_texto(estado));
        uv_close((uv_handle_t *)&e->cliente, NULL);
        uv_close((uv_handle_t *)&e->retraso, NULL);
        if (!uv_is_closing((uv_handle_t *)&e->escucha))
            uv_close((uv_handle_t *)&e->escucha, NULL);
        return;
    }
    (void)uv_recv_buffer_size((uv_handle_t *)&e->cliente, &(int){64 * 1024}); /* ídem */
    (void)uv_timer_start(&e->retraso, al_empezar_a_leer, 300, 0); /* abierto y con callback */
}

static int ronda(int con_control)
{
    uv_loop_t bucle;
    escena_t *e = calloc(1, sizeof *e);
    struct sockaddr_in dir;
    struct sockaddr_storage real;
    int largo = sizeof real, r;

    if (e == NULL || uv_loop_init(&bucle) < 0) {
        free(e);
        return -1;
    }
    e->con_control = con_control;
    e->trozo = malloc(TROZO);
    if (e->trozo == NULL) {
        free(e);
        uv_loop_close(&bucle);
        return -1;
    }
    memset(e->trozo, 'x', TROZO);
    e->inicio_ms = reloj_ms();

    /* En Unix estas tres solo preparan la estructura (el socket se crea al hacer bind o
     * connect): no pueden fallar. */
    uv_tcp_init(&bucle, &e->escucha);
    uv_tcp_init(&bucle, &e->cliente);
    uv_timer_init(&bucle, &e->retraso);
    e->escucha.data = e->cliente.data = e->retraso.data = e->conexion.data = e;
    r = uv_ip4_addr("127.0.0.1", 0, &dir);
    if (r == 0)
        r = uv_tcp_bind(&e->escucha, (const struct sockaddr *)&dir, 0);
    if (r == 0)
        r = uv_listen((uv_stream_t *)&e->escucha, 1, al_aceptar);
    if (r == 0)
        r = uv_tcp_getsockname(&e->escucha, (struct sockaddr *)&real, &largo);
    if (r == 0)
        r = uv_tcp_connect(&e->conexion, &e->cliente, (const struct sockaddr *)&real,
                           al_conectar);
    if (r < 0) {
        fprintf(stderr, "preparación: %s\n", error_texto(r));
        uv_close((uv_handle_t *)&e->escucha, NULL);
        uv_close((uv_handle_t *)&e->cliente, NULL);
        uv_close((uv_handle_t *)&e->retraso, NULL);
    }
    r = bucle_terminar(&bucle);

    if (con_control)
        printf("Con control (pausa con %.2f MiB en cola, sigue por debajo de %.2f MiB):\n",
               MARCA_ALTA / MIB, MARCA_BAJA / MIB);
    else
        printf("Sin control:\n");
    printf("  cola de escritura máxima: %.2f MiB\n", e->cola_maxima / MIB);
    printf("  el productor se pausó: %s\n", e->pausas > 0 ? "sí" : "no");
    printf("  el cliente recibió %.2f MiB en %.2f s\n", e->recibidos / MIB,
           reloj_desde(e->inicio_ms));
    free(e->trozo);
    free(e);
    return r;
}

int main(void)
{
    int r;
    /* Los dos extremos son nuestros y ninguno corta antes de tiempo, pero la regla de la
     * lección vale igual: quien escribe en sockets ignora SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    r = ronda(0);
    if (r == 0)
        r = ronda(1);
    return r == 0 ? 0 : 1;
}
