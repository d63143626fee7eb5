/* ejecutor.c — una función bloqueante llevada al grupo de hilos con uv_queue_work, y lo que
 * pasa si la llamas en el bucle.
 *
 *   ejecutor ARCHIVO
 *
 * resumen_lento() es la «biblioteca antigua» que no sabe nada de bucles: abre el archivo,
 * lo lee por trozos de 512 bytes con la forma SÍNCRONA de uv_fs_* (sin callback) y calcula
 * un resumen FNV-1a de 64 bits; tras cada trozo duerme 0.25 s, como un disco de red lento.
 * Se ejecuta dos veces mientras un latido de 50 ms mide si el bucle sigue atendiendo:
 *
 *   A) con uv_queue_work: corre en un hilo del grupo; el latido no se entera.
 *   B) llamada directa desde una callback: el bucle se congela hasta que vuelve.
 *
 * Memoria: todo en la pila de main. El hilo trabajador solo toca su trabajo_t; el bucle lo
 * lee en after_work, cuando libuv garantiza que el hilo ya terminó con él.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define TROZO       512
#define PAUSA_MS    250
#define LATIDO_MS   50

typedef struct {
    uv_loop_t *bucle; /* solo para pasarlo a uv_fs_*: en la forma síncrona no se toca */
    const char *ruta;
    uint64_t resumen;
    int trozos;
    int error;          /* 0 o el código negativo del primer fallo */
    uv_thread_t hilo;   /* en qué hilo se ejecutó */
} trabajo_t;

typedef struct {
    uv_loop_t *bucle;
    uv_thread_t hilo_bucle;
    uv_timer_t latido, arranque;
    uv_work_t req;
    trabajo_t trabajo;
    uint64_t inicio_ms, ultimo_latido_ms, mayor_hueco_ms;
    int fase; /* 0: A en curso, 1: B en curso */
} demo_t;

/* --- La función bloqueante: no sabe nada del bucle (y no debe tocarlo). --- */
static void resumen_lento(trabajo_t *t)
{
    uv_fs_t req;
    char bufer[TROZO];
    uint64_t h = 14695981039346656037ULL; /* FNV-1a: desplazamiento inicial */
    int64_t desplazamiento = 0;
    uv_file fd;
    int r;

    t->hilo = uv_thread_self();
    /* Forma síncrona: callback NULL. La llamada bloquea y devuelve el resultado; el bucle
     * que se pasa no se usa, así que llamarla desde otro hilo es seguro. */
    r = uv_fs_open(t->bucle, &req, t->ruta, O_RDONLY, 0, NULL);
    uv_fs_req_cleanup(&req);
    if (r < 0) {
        t->error = r;
        return;
    }
    fd = r;
    for (;;) {
        uv_buf_t buf = uv_buf_init(bufer, sizeof bufer);
        ssize_t n = uv_fs_read(t->bucle, &req, fd, &buf, 1, desplazamiento, NULL);
        uv_fs_req_cleanup(&req);
        if (n <= 0) {
            if (n < 0)
                t->error = (int)n;
            break;
        }
        for (ssize_t i = 0; i < n; i++) {
            h ^= (unsigned char)bufer[i];
            h *= 1099511628211ULL; /* primo FNV de 64 bits */
        }
        desplazamiento += n;
        t->trozos++;
        uv_sleep(PAUSA_MS); /* el disco lento: bloquea ESTE hilo, sea cual sea */
    }
    uv_fs_close(t->bucle, &req, fd, NULL); /* solo se leyó: cerrar no puede perder nada */
    uv_fs_req_cleanup(&req);
    t->resumen = h;
}

static void informar(demo_t *d, const char *titulo)
{
    trabajo_t *t = &d->trabajo;
    printf("%s\n", titulo);
    if (t->error < 0) {
        printf("   falló: %s\n", error_texto(t->error));
        return;
    }
    printf("   resumen %016llx en %d trozos, %.2f s\n", (unsigned long long)t->resumen,
           t->trozos, reloj_desde(d->inicio_ms));
    printf("   ¿en el hilo del bucle? %s\n",
           uv_thread_equal(&t->hilo, &d->hilo_bucle) ? "sí" : "no");
    printf("   mayor hueco entre latidos: %.2f s\n", (double)d->mayor_hueco_ms / 1000.0);
}

static void al_latir(uv_timer_t *t)
{
    demo_t *d = t->data;
    uint64_t ahora = reloj_ms();
    if (ahora - d->ultimo_latido_ms > d->mayor_hueco_ms)
        d->mayor_hueco_ms = ahora - d->ultimo_latido_ms;
    d->ultimo_latido_ms = ahora;
}

static void reiniciar_medida(demo_t *d)
{
    memset(&d->trabajo.resumen, 0, sizeof d->trabajo - offsetof(trabajo_t, resumen));
    d->inicio_ms = d->ultimo_latido_ms = reloj_ms();
    d->mayor_hueco_ms = 0;
}

/* B: la misma función, llamada directamente en el hilo del bucle. */
static void al_arrancar_b(uv_timer_t *t)
{
    demo_t *d = t->data;
    reiniciar_medida(d);
    resumen_lento(&d->trabajo); /* ← bloquea el bucle entero durante 1 s */
    al_latir(&d->latido);       /* el latido que tocaba: ¿cuánto llevaba sin latir? */
    informar(d, "B) llamada directa en el bucle:");
    uv_close((uv_handle_t *)&d->latido, NULL);
    uv_close((uv_handle_t *)&d->arranque, NULL);
}

/* --- A: en un hilo del grupo. --- */
static void trabajar(uv_work_t *req)
{
    demo_t *d = CONTENEDOR_DE(req, demo_t, req);
    resumen_lento(&d->trabajo); /* aquí puede bloquear: es otro hilo */
}

static void al_terminar_trabajo(uv_work_t *req, int estado)
{
    demo_t *d = CONTENEDOR_DE(req, demo_t, req);
    if (estado < 0)
        d->trabajo.error = estado; /* UV_ECANCELED si alguien lo hubiera cancelado */
    al_latir(&d->latido);
    informar(d, "A) con uv_queue_work (grupo de hilos):");
    /* Dentro de 0.10 s, la versión B. */
    uv_timer_start(&d->arranque, al_arrancar_b, 100, 0);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    demo_t d;
    int r;

    if (argc != 2) {
        fprintf(stderr, "uso: ejecutor ARCHIVO\n");
        return 2;
    }
    memset(&d, 0, sizeof d);
    d.trabajo.ruta = argv[1];
    d.trabajo.bucle = &bucle;
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    d.bucle = &bucle;
    d.hilo_bucle = uv_thread_self();
    /* Dos temporizadores en la pila de main: no fallan al iniciarse sobre un bucle válido. */
    uv_timer_init(&bucle, &d.latido);
    uv_timer_init(&bucle, &d.arranque);
    d.latido.data = d.arranque.data = &d;
    uv_timer_start(&d.latido, al_latir, LATIDO_MS, LATIDO_MS);

    reiniciar_medida(&d);
    r = uv_queue_work(&bucle, &d.req, trabajar, al_terminar_trabajo);
    if (r < 0) {
        fprintf(stderr, "uv_queue_work: %s\n", error_texto(r));
        uv_close((uv_handle_t *)&d.latido, NULL);
        uv_close((uv_handle_t *)&d.arranque, NULL);
    }
    r = bucle_terminar(&bucle);
    return r == 0 && d.trabajo.error == 0 ? 0 : 1;
}
