/* ejercicio.c — peticiones encadenadas y conexión persistente (práctica 3 de la lección 9).
 *
 *   encadenadas < peticiones    la entrada estándar hace de conexión: lo que llega por ella son
 *                               los bytes que un cliente envía por el socket, quizá varias
 *                               peticiones seguidas en una sola lectura (*pipelining*).
 *
 * Lo de la sección 2.2 de la lección: una petición cada vez. Al completar un mensaje, la
 * callback devuelve HPE_PAUSED; quien llamó a llhttp_execute guarda lo que sobró (el principio
 * de la petición siguiente) y deja de leer. Cuando la respuesta ha salido, se reanuda con
 * llhttp_resume y se procesa lo guardado; si el cliente no quería conexión persistente, se cierra.
 * /lento?ms=N responde tras N ms (un temporizador): sin la pausa, la petición de detrás
 * respondería antes y las respuestas saldrían desordenadas.
 *
 * Tal como está, el analizador recorre todo sin pausa y nadie atiende nada. Tu trabajo:
 * al_completar, procesar y al_respondida (ver README.md); lo demás ya está escrito.
 *
 * La «escritura» de cada respuesta es una línea en stdout y un temporizador de 0 ms que hace
 * de callback de uv_write: la respuesta termina en otra vuelta del bucle, como con un socket.
 * Todo es estático: una sola conexión.
 */
#include <llhttp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_URL 256
#define TAM_RESTO 65536

static uv_pipe_t entrada;      /* la «conexión»: lo que envía el cliente */
static uv_timer_t espera;      /* el de /lento */
static uv_timer_t escritura;   /* la «escritura» de la respuesta en curso */
static llhttp_t analizador;
static llhttp_settings_t ajustes;
static char url[MAX_URL + 1], metodo[16];
static size_t largo_url;
static char resto[TAM_RESTO]; /* lo que llegó detrás de la petición en curso */
static size_t largo_resto;
static int mantener;   /* ¿el cliente quiere seguir (conexión persistente)? */
static int fin_entrada; /* el cliente ya cerró su lado (EOF) */
static int respuestas;

static void al_respondida(void);
static void procesar(const char *datos, size_t n);

/* ─────────────── lo que ya está escrito ─────────────── */

static void cerrar(void)
{
    if (uv_is_closing((uv_handle_t *)&entrada))
        return;
    uv_close((uv_handle_t *)&entrada, NULL);
    uv_close((uv_handle_t *)&espera, NULL);
    uv_close((uv_handle_t *)&escritura, NULL);
    printf("conexión cerrada tras %d respuestas\n", respuestas);
}

static void al_escribir(uv_timer_t *t)
{
    (void)t;
    al_respondida();
}

/* «Escribe» la respuesta: una línea y, en otra vuelta del bucle, al_respondida(). */
static void responder(int estado)
{
    printf("respuesta %d: %d %s %s (%s)\n", ++respuestas, estado, metodo, url,
           mantener ? "sigue abierta" : "se cierra");
    uv_timer_start(&escritura, al_escribir, 0, 0);
}

static void al_vencer_lento(uv_timer_t *t)
{
    (void)t;
    responder(200);
}

/* El encaminador: /hola al instante, /lento?ms=N tras N ms, lo demás 404. */
static void atender(void)
{
    int ms;
    if (strcmp(url, "/hola") == 0)
        responder(200);
    else if (sscanf(url, "/lento?ms=%d", &ms) == 1 && ms >= 0 && ms <= 5000)
        uv_timer_start(&espera, al_vencer_lento, (uint64_t)ms, 0);
    else
        responder(404);
}

static int al_empezar(llhttp_t *a)
{
    (void)a;
    largo_url = 0;
    url[0] = '\0';
    return 0;
}

static int al_recibir_url(llhttp_t *a, const char *at, size_t n)
{
    (void)a;
    if (largo_url + n > MAX_URL)
        return -1;
    memcpy(url + largo_url, at, n);
    largo_url += n;
    url[largo_url] = '\0';
    return 0;
}

static void al_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    static char bloque[TAM_RESTO]; /* se consume en al_leer, antes de la lectura siguiente */
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(bloque, sizeof bloque);
}

static void al_leer(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    (void)s;
    if (n == 0)
        return;
    if (n < 0) { /* EOF: el cliente no enviará más; nada en curso (no se lee mientras se atiende) */
        fin_entrada = 1;
        cerrar();
        return;
    }
    procesar(buf->base, (size_t)n);
}

static void leer(void)
{
    uv_read_start((uv_stream_t *)&entrada, al_reservar, al_leer);
}

/* ─────────────── lo que escribes tú ─────────────── */

/* Un mensaje completo: se apunta si sigue la conexión, se atiende y se PAUSA el analizador. */
static int al_completar(llhttp_t *a)
{
    /* TODO: mantener, metodo, atender() y la pausa */
    (void)a;
    return 0;
}

/* Da `datos` al analizador. `datos` puede ser el propio `resto`. */
static void procesar(const char *datos, size_t n)
{
    /* TODO: HPE_OK, HPE_PAUSED (guardar lo que sobra y dejar de leer) o basura (400) */
    llhttp_execute(&analizador, datos, n);
}

/* La respuesta ha salido: la conexión sigue (la petición siguiente) o se cierra. */
static void al_respondida(void)
{
    /* TODO */
}

/* ─────────────── lo que ya está escrito ─────────────── */

int main(void)
{
    uv_loop_t bucle;

    if (uv_loop_init(&bucle) < 0)
        return 1;
    llhttp_settings_init(&ajustes);
    ajustes.on_message_begin = al_empezar;
    ajustes.on_url = al_recibir_url;
    ajustes.on_message_complete = al_completar;
    llhttp_init(&analizador, HTTP_REQUEST, &ajustes);
    uv_timer_init(&bucle, &espera);
    uv_timer_init(&bucle, &escritura);
    uv_pipe_init(&bucle, &entrada, 0);
    if (uv_pipe_open(&entrada, 0) < 0) {
        fprintf(stderr, "la entrada estándar debe ser una tubería: encadenadas < archivo no vale, "
                        "cat archivo | encadenadas sí\n");
        bucle_terminar(&bucle);
        return 2;
    }
    leer();
    if (bucle_terminar(&bucle) != 0)
        return 1;
    printf("uv_loop_close: 0\n");
    return 0;
}
