/* cliente_chat.c — cliente de ejemplo para probar la sala de chat a mano (laboratorio 09).
 *
 *   cliente_chat [--puerto N]        (por omisión 9999; siempre 127.0.0.1)
 *
 * Lo que escribes (stdin) va al servidor tal cual; lo que manda el servidor sale por
 * stdout tal cual. Los mensajes del propio cliente («Conectado…», «Conexión cerrada…») van a
 * stderr, así stdout es solo el protocolo y se puede usar en guiones:
 *
 *     printf 'ana\nhola\n/list\n/quit\n' | cliente_chat --puerto 9999
 *
 * Lee del teclado y del socket a la vez, sin hilos: en libuv la entrada estándar es
 * un flujo más del bucle (uv_tty si es una terminal, uv_pipe si es una tubería) y se lee
 * igual que el socket. Dos flujos, un bucle, ningún hilo.
 *
 * Contrapresión: si el servidor no lee y la cola de escritura del socket pasa de 64 KiB, se
 * deja de leer stdin (uv_read_stop) hasta que se vacíe. Al terminar stdin (Ctrl+D o fin de
 * la tubería) se cierra nuestra mitad de la conexión (uv_shutdown) y se sigue leyendo hasta
 * que el servidor cierre la suya. Ctrl+C cierra todo al momento.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/errores.h"
#include "curso/bucle.h"
#include "curso/senales.h"

#define PUERTO_POR_OMISION 9999
#define COLA_MAXIMA        (64 * 1024)

typedef struct {
    uv_loop_t *bucle;
    uv_tcp_t socket;
    uv_connect_t conexion;
    uv_shutdown_t cierre;
    union {
        uv_tty_t tty;
        uv_pipe_t tuberia;
    } entrada;
    int hay_entrada; /* la entrada está inicializada (y hay que cerrarla) */
    int leyendo_entrada;
    int conectado;
    senales_t senales;
    char leido[64 * 1024]; /* un búfer para cada lectura: se consume antes de volver */
} cliente_t;

/* Una escritura en curso: la petición y su copia de los datos, juntas en un malloc. */
typedef struct {
    uv_write_t req;
    char datos[];
} envio_t;

static void al_leer_entrada(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

static void cerrar_si_abierto(uv_handle_t *h)
{
    if (!uv_is_closing(h)) {
        uv_close(h, NULL);
    }
}

/* Cierra todo lo que quede abierto; el bucle termina cuando se entreguen los cierres. */
static void terminar(cliente_t *c)
{
    if (c->hay_entrada) {
        cerrar_si_abierto((uv_handle_t *)&c->entrada);
    }
    cerrar_si_abierto((uv_handle_t *)&c->socket);
    senales_cerrar(&c->senales);
}

static void al_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    cliente_t *c = h->data;

    (void)sugerido;
    *buf = uv_buf_init(c->leido, sizeof c->leido);
}

/* --- Del servidor a la pantalla ------------------------------------------------------- */

static void al_leer_socket(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    cliente_t *c = s->data;

    if (n > 0) {
        fwrite(buf->base, 1, (size_t)n, stdout);
        fflush(stdout);
    } else if (n < 0) {
        fprintf(stderr, "Conexión cerrada por el servidor%s%s.\n", n == UV_EOF ? "" : ": ",
                n == UV_EOF ? "" : error_texto((int)n));
        terminar(c);
    }
}

/* --- Del teclado al servidor ---------------------------------------------------------- */

static void al_escribir(uv_write_t *req, int estado)
{
    envio_t *e = req->data;
    cliente_t *c = req->handle->data;

    free(e);
    if (estado < 0 && estado != UV_ECANCELED) {
        fprintf(stderr, "No se pudo enviar: %s\n", error_texto(estado));
        terminar(c);
        return;
    }
    /* La cola bajó: volvemos a leer del teclado si lo habíamos parado. */
    if (c->hay_entrada && !c->leyendo_entrada && !uv_is_closing((uv_handle_t *)&c->entrada) &&
        uv_stream_get_write_queue_size((uv_stream_t *)&c->socket) < COLA_MAXIMA / 2) {
        if (uv_read_start((uv_stream_t *)&c->entrada, al_reservar, al_leer_entrada) == 0) {
            c->leyendo_entrada = 1;
        }
    }
}

static void al_cerrar_escritura(uv_shutdown_t *req, int estado)
{
    (void)req;
    (void)estado;
    /* Nada más: seguimos leyendo hasta que el servidor cierre su mitad. */
}

static void al_leer_entrada(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    cliente_t *c = s->data;
    envio_t *e;
    uv_buf_t b;

    if (n < 0) {
        /* Fin de la entrada: avisamos al servidor cerrando nuestra mitad (él lo verá como
         * EOF, igual que un /quit sin despedida) y esperamos a que cierre la suya. */
        c->leyendo_entrada = 0;
        cerrar_si_abierto((uv_handle_t *)&c->entrada);
        if (uv_shutdown(&c->cierre, (uv_stream_t *)&c->socket, al_cerrar_escritura) < 0) {
            terminar(c);
        }
        return;
    }
    if (n == 0) {
        return;
    }
    e = malloc(sizeof *e + (size_t)n);
    if (e == NULL) {
        terminar(c);
        return;
    }
    /* uv_write no copia: los datos deben vivir hasta su callback, y buf->base se reutiliza
     * en la siguiente lectura. */
    memcpy(e->datos, buf->base, (size_t)n);
    e->req.data = e;
    b = uv_buf_init(e->datos, (unsigned int)n);
    if (uv_write(&e->req, (uv_stream_t *)&c->socket, &b, 1, al_escribir) < 0) {
        free(e);
        terminar(c);
        return;
    }
    if (uv_stream_get_write_queue_size((uv_stream_t *)&c->socket) > COLA_MAXIMA) {
        uv_read_stop(s); /* el servidor no lee: no acumulemos el teclado en memoria */
        c->leyendo_entrada = 0;
    }
}

static int abrir_entrada(cliente_t *c)
{
    int r;

    switch (uv_guess_handle(0)) {
    case UV_TTY:
        r = uv_tty_init(c->bucle, &c->entrada.tty, 0, 1);
        break;
    case UV_NAMED_PIPE:
        r = uv_pipe_init(c->bucle, &c->entrada.tuberia, 0);
        if (r == 0) {
            r = uv_pipe_open(&c->entrada.tuberia, 0);
            if (r < 0) {
                uv_close((uv_handle_t *)&c->entrada.tuberia, NULL);
            }
        }
        break;
    default:
        fprintf(stderr, "La entrada estándar tiene que ser una terminal o una tubería "
                        "(prueba: cat archivo | cliente_chat).\n");
        return UV_EINVAL;
    }
    if (r < 0) {
        return r;
    }
    c->hay_entrada = 1;
    ((uv_handle_t *)&c->entrada)->data = c;
    r = uv_read_start((uv_stream_t *)&c->entrada, al_reservar, al_leer_entrada);
    c->leyendo_entrada = r == 0;
    return r;
}

/* --- Conexión y señales --------------------------------------------------------------- */

static void al_conectar(uv_connect_t *req, int estado)
{
    cliente_t *c = req->data;
    int r;

    if (estado < 0) {
        fprintf(stderr, "No se pudo conectar: %s\n", error_texto(estado));
        terminar(c);
        return;
    }
    c->conectado = 1;
    fprintf(stderr, "Conectado. Escribe tu nombre y pulsa Intro; /list, /quit, Ctrl+D o Ctrl+C "
                    "para salir.\n");
    r = uv_read_start((uv_stream_t *)&c->socket, al_reservar, al_leer_socket);
    if (r == 0) {
        r = abrir_entrada(c);
    }
    if (r < 0) {
        fprintf(stderr, "No se pudo empezar a leer: %s\n", error_texto(r));
        terminar(c);
    }
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)s;
    (void)signum;
    terminar(datos);
}

int main(int argc, char **argv)
{
    static cliente_t c;
    uv_loop_t bucle;
    struct sockaddr_in dir;
    long puerto = PUERTO_POR_OMISION;
    char *fin;
    int r;

    if (argc == 3 && strcmp(argv[1], "--puerto") == 0) {
        puerto = strtol(argv[2], &fin, 10);
        if (fin == argv[2] || *fin != '\0' || puerto < 1 || puerto > 65535) {
            puerto = -1;
        }
    } else if (argc != 1) {
        puerto = -1;
    }
    if (puerto < 0) {
        fprintf(stderr, "uso: %s [--puerto N]   (se conecta a 127.0.0.1)\n", argv[0]);
        return 2;
    }
    uv_loop_init(&bucle);
    c.bucle = &bucle;
    uv_ip4_addr("127.0.0.1", (int)puerto, &dir);
    r = uv_tcp_init(&bucle, &c.socket);
    if (r == 0) {
        c.socket.data = &c;
        c.conexion.data = &c;
        r = uv_tcp_connect(&c.conexion, &c.socket, (const struct sockaddr *)&dir, al_conectar);
        if (r < 0) {
            uv_close((uv_handle_t *)&c.socket, NULL);
        }
    }
    if (r == 0) {
        r = senales_iniciar(&bucle, &c.senales, al_parar, &c);
        if (r < 0) {
            uv_close((uv_handle_t *)&c.socket, NULL);
        }
    }
    if (r < 0) {
        fprintf(stderr, "No se pudo conectar con 127.0.0.1:%ld: %s\n", puerto, error_texto(r));
    }
    if (bucle_terminar(&bucle) != 0 || r < 0 || !c.conectado) {
        return 1;
    }
    return 0;
}
