/* lectura.c — leer sin bloquear: read() frente a uv_read_start() sobre una tubería.
 *
 * Un «latido» (temporizador cada 250 ms) demuestra si el bucle está vivo. Un hilo aparte
 * hace de cocina: tarda 1.4 s y luego escribe «¡pedido listo!» en una tubería.
 *
 *   lectura bloqueante   a los 0.3 s se llama a read() dentro de una callback: el hilo del
 *                        bucle se queda parado hasta que llegan los datos y no late nadie.
 *   lectura asincrona    a los 0.3 s se pide a libuv que avise cuando haya datos
 *                        (uv_read_start): los latidos siguen a su ritmo mientras tanto.
 *
 * Al final se imprime el mayor hueco entre dos latidos: ≈ 0.25 s si nadie bloqueó el bucle.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define LATIDO_MS 250
#define LATIDOS 8
#define COCINA_MS 1400
#define PEDIR_MS 300

static const char mensaje[] = "¡pedido listo!\n";

typedef struct {
    uv_timer_t latido;
    uv_timer_t pedir;      /* dispara la lectura a los 0.3 s */
    uv_pipe_t tuberia;     /* extremo de lectura, solo en modo asíncrono */
    uv_file fd_lectura;
    uv_file fd_escritura;
    int asincrona;
    int latidos;
    uint64_t origen_ms;
    uint64_t ultimo_latido_ms;
    uint64_t hueco_maximo_ms;
} programa_t;

static double ahora(const programa_t *p)
{
    return reloj_desde(p->origen_ms);
}

/* La cocina: otro hilo que tarda y luego escribe (bloquearse aquí no molesta al bucle). */
static void cocina(void *arg)
{
    programa_t *p = arg;

    uv_sleep(COCINA_MS);
    if (write(p->fd_escritura, mensaje, sizeof mensaje - 1) < 0)
        perror("write");
    close(p->fd_escritura);
}

static void al_latir(uv_timer_t *t)
{
    programa_t *p = t->data;
    uint64_t ahora_ms = reloj_ms();

    if (ahora_ms - p->ultimo_latido_ms > p->hueco_maximo_ms)
        p->hueco_maximo_ms = ahora_ms - p->ultimo_latido_ms;
    p->ultimo_latido_ms = ahora_ms;
    p->latidos++;
    printf("[%5.2f s] latido %d\n", ahora(p), p->latidos);
    if (p->latidos == LATIDOS)
        uv_close((uv_handle_t *)t, NULL);
}

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    buf->base = malloc(sugerido);
    buf->len = buf->base == NULL ? 0 : sugerido;
}

static void al_leer(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    programa_t *p = s->data;

    if (n > 0) {
        printf("[%5.2f s] llegaron %zd bytes: %.*s", ahora(p), n, (int)n, buf->base);
    } else if (n < 0) {
        /* UV_EOF: la cocina cerró su extremo. Cualquier otro error también termina. */
        if (n != UV_EOF)
            fprintf(stderr, "lectura: %s\n", error_texto((int)n));
        uv_close((uv_handle_t *)s, NULL);
    }
    free(buf->base);
}

static void al_pedir(uv_timer_t *t)
{
    programa_t *p = t->data;

    uv_close((uv_handle_t *)t, NULL);
    if (p->asincrona) {
        int r = uv_pipe_open(&p->tuberia, p->fd_lectura);
        if (r < 0)
            close(p->fd_lectura); /* libuv no lo adoptó: sigue siendo nuestro */
        else
            r = uv_read_start((uv_stream_t *)&p->tuberia, reservar, al_leer);
        if (r < 0) {
            fprintf(stderr, "uv_pipe_open/uv_read_start: %s\n", error_texto(r));
            uv_close((uv_handle_t *)&p->tuberia, NULL);
            return;
        }
        printf("[%5.2f s] pido a libuv que me avise cuando haya datos y sigo\n", ahora(p));
    } else {
        char datos[64];
        ssize_t n;

        printf("[%5.2f s] llamo a read(): el bucle se queda esperando…\n", ahora(p));
        n = read(p->fd_lectura, datos, sizeof datos);
        if (n > 0)
            printf("[%5.2f s] llegaron %zd bytes: %.*s", ahora(p), n, (int)n, datos);
        close(p->fd_lectura);
        uv_close((uv_handle_t *)&p->tuberia, NULL); /* en este modo nunca se usó */
    }
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    programa_t p;
    uv_thread_t hilo_cocina;
    uv_file fds[2];
    int hilo_creado = 0;
    int r;

    if (argc != 2 || (strcmp(argv[1], "bloqueante") != 0 && strcmp(argv[1], "asincrona") != 0)) {
        fprintf(stderr, "uso: %s bloqueante|asincrona\n", argv[0]);
        return 2;
    }
    memset(&p, 0, sizeof p);
    p.asincrona = strcmp(argv[1], "asincrona") == 0;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    r = uv_pipe(fds, 0, 0);
    if (r == 0) {
        p.fd_lectura = fds[0];
        p.fd_escritura = fds[1];
        p.origen_ms = reloj_ms();
        p.ultimo_latido_ms = p.origen_ms;
        /* Los tres handles se inicializan antes de nada: así el cierre es siempre el mismo. */
        /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
        uv_timer_init(&bucle, &p.latido);
        uv_timer_init(&bucle, &p.pedir);
        uv_pipe_init(&bucle, &p.tuberia, 0);
        p.latido.data = p.pedir.data = p.tuberia.data = &p;
        r = uv_thread_create(&hilo_cocina, cocina, &p);
    }
    if (r == 0) {
        hilo_creado = 1;
        /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
        uv_timer_start(&p.latido, al_latir, LATIDO_MS, LATIDO_MS);
        uv_timer_start(&p.pedir, al_pedir, PEDIR_MS, 0);
    } else {
        fprintf(stderr, "error al preparar: %s\n", error_texto(r));
    }

    if (bucle_terminar(&bucle) != 0 && r == 0)
        r = UV_EBUSY;
    if (hilo_creado) {
        uv_thread_join(&hilo_cocina);
        printf("mayor hueco entre latidos: %.2f s\n", (double)p.hueco_maximo_ms / 1000.0);
    }
    return r == 0 ? 0 : 1;
}
