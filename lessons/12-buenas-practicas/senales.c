/* senales.c — un servicio que trata las señales como eventos del bucle.
 *
 *   SIGPIPE  se ignora: escribir en una conexión o tubería cerrada devuelve UV_EPIPE en vez
 *            de matar el proceso sin aviso;
 *   SIGHUP   «vuelve a leer la configuración» (aquí, cambia el ritmo de trabajo);
 *   SIGTERM  y SIGINT: parada ordenada. No se aceptan trabajos nuevos, los que están en
 *            curso terminan, todo se cierra y el programa sale con 0.
 *
 * Para que el ejemplo se conduzca solo, el propio programa se envía SIGHUP a los 0.80 s y
 * SIGTERM a los 1.25 s con uv_kill(): exactamente lo que haría `kill -HUP PID` desde fuera.
 *
 * Los tiempos dejan al menos 150 ms entre dos sucesos de temporizadores distintos: cada uno
 * se rearma desde su callback, así que en una máquina cargada los retrasos se acumulan, y
 * con huecos de 50 ms el orden de la salida podría cambiar.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define MAX_EN_VUELO 8

typedef struct servicio_s servicio_t;

typedef struct {
    uv_timer_t temporizador;
    servicio_t *servicio;
    int numero;
    int ocupado;
} trabajo_t;

struct servicio_s {
    uv_signal_t hup, term, intr;
    uv_timer_t generador; /* hace llegar un trabajo nuevo cada `ritmo_ms` */
    uv_timer_t guion;     /* se envía las señales a sí mismo */
    trabajo_t trabajos[MAX_EN_VUELO];
    uint64_t ritmo_ms;
    uint64_t inicio_ms;
    int siguiente;
    int en_vuelo;
    int parando;
    int paso_guion;
};

static double ahora(servicio_t *s)
{
    return reloj_desde(s->inicio_ms);
}

static void cerrar_todo_si_acabo(servicio_t *s)
{
    if (!s->parando || s->en_vuelo > 0)
        return;
    printf("[%.2f s] nada en curso: cierro y salgo\n", ahora(s));
    uv_close((uv_handle_t *)&s->hup, NULL);
    uv_close((uv_handle_t *)&s->term, NULL);
    uv_close((uv_handle_t *)&s->intr, NULL);
    for (int i = 0; i < MAX_EN_VUELO; i++)
        uv_close((uv_handle_t *)&s->trabajos[i].temporizador, NULL);
}

static void al_acabar_trabajo(uv_timer_t *t)
{
    trabajo_t *tr = CONTENEDOR_DE(t, trabajo_t, temporizador);
    servicio_t *s = tr->servicio;
    tr->ocupado = 0;
    s->en_vuelo--;
    printf("[%.2f s] trabajo %d terminado\n", ahora(s), tr->numero);
    cerrar_todo_si_acabo(s);
}

static void al_llegar_trabajo(uv_timer_t *t)
{
    servicio_t *s = t->data;
    for (int i = 0; i < MAX_EN_VUELO; i++) {
        trabajo_t *tr = &s->trabajos[i];
        if (tr->ocupado)
            continue;
        tr->ocupado = 1;
        tr->numero = ++s->siguiente;
        s->en_vuelo++;
        printf("[%.2f s] trabajo %d empieza (dura 0.60 s)\n", ahora(s), tr->numero);
        uv_timer_start(&tr->temporizador, al_acabar_trabajo, 600, 0);
        return;
    }
    printf("[%.2f s] lleno: trabajo rechazado\n", ahora(s));
}

static void al_recibir_senal(uv_signal_t *h, int senal)
{
    servicio_t *s = h->data;
    if (senal == SIGHUP) {
        s->ritmo_ms = 900;
        uv_timer_set_repeat(&s->generador, s->ritmo_ms);
        printf("[%.2f s] SIGHUP: configuración releída, un trabajo cada %.2f s\n", ahora(s),
               s->ritmo_ms / 1000.0);
        return;
    }
    const char *nombre = senal == SIGTERM ? "SIGTERM" : "SIGINT";
    if (s->parando) {
        printf("[%.2f s] %s otra vez: ya estoy parando\n", ahora(s), nombre);
        return;
    }
    s->parando = 1;
    printf("[%.2f s] %s: no acepto más trabajo; espero a %d en curso\n", ahora(s), nombre,
           s->en_vuelo);
    uv_close((uv_handle_t *)&s->generador, NULL);
    uv_close((uv_handle_t *)&s->guion, NULL);
    cerrar_todo_si_acabo(s);
}

static void al_seguir_guion(uv_timer_t *t)
{
    servicio_t *s = t->data;
    /* uv_kill: enviar una señal a un proceso (aquí, a nosotros mismos). */
    int r = uv_kill(getpid(), s->paso_guion == 0 ? SIGHUP : SIGTERM);
    if (r < 0)
        fprintf(stderr, "uv_kill: %s\n", error_texto(r));
    s->paso_guion++;
    uv_timer_start(t, al_seguir_guion, 450, 0);
}

static void probar_sigpipe(uv_loop_t *bucle)
{
    uv_file extremos[2];
    static uv_pipe_t escritor; /* el cierre termina en uv_run: no puede vivir en la pila */
    char dato = 'x';
    uv_buf_t buf = uv_buf_init(&dato, 1);
    if (uv_pipe(extremos, 0, 0) < 0)
        return;
    close(extremos[0]); /* nadie leerá nunca */
    uv_pipe_init(bucle, &escritor, 0);
    uv_pipe_open(&escritor, extremos[1]);
    int r = uv_try_write((uv_stream_t *)&escritor, &buf, 1);
    printf("escribir en una tubería sin lector: %s; el proceso sigue vivo\n", error_texto(r));
    uv_close((uv_handle_t *)&escritor, NULL);
}

int main(void)
{
    static servicio_t s;
    uv_loop_t bucle;
    int r;

    /* Lo primero, antes de abrir un solo socket: sin esto, un cliente que cuelga con datos
     * pendientes de escribir mata el proceso entero con SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    probar_sigpipe(&bucle);
    s.inicio_ms = reloj_ms();
    s.ritmo_ms = 450;
    uv_signal_t *senales[3] = {&s.hup, &s.term, &s.intr};
    int numeros[3] = {SIGHUP, SIGTERM, SIGINT};
    for (int i = 0; i < 3; i++) {
        uv_signal_init(&bucle, senales[i]);
        senales[i]->data = &s;
        r = uv_signal_start(senales[i], al_recibir_senal, numeros[i]);
        if (r < 0)
            fprintf(stderr, "uv_signal_start(%d): %s\n", numeros[i], error_texto(r));
    }
    for (int i = 0; i < MAX_EN_VUELO; i++) {
        uv_timer_init(&bucle, &s.trabajos[i].temporizador);
        s.trabajos[i].servicio = &s;
    }
    uv_timer_init(&bucle, &s.generador);
    s.generador.data = &s;
    uv_timer_start(&s.generador, al_llegar_trabajo, 50, s.ritmo_ms);
    uv_timer_init(&bucle, &s.guion);
    s.guion.data = &s;
    uv_timer_start(&s.guion, al_seguir_guion, 800, 0);

    uv_run(&bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0, todo cerrado" : error_texto(r));
    return r == 0 ? 0 : 1;
}
