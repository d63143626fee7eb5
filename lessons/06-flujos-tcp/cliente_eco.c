/* cliente_eco.c — cliente de línea de comandos (un telnet mínimo) escrito sobre libuv:
 * conecta por TCP, envía cada línea de la entrada estándar y escribe cada línea que llega
 * del servidor precedida de «< ».
 *
 *   cliente_eco [DIRECCIÓN]     127.0.0.1:8888 por omisión; también vale http://127.0.0.1:N
 *
 * Dos fuentes de datos a la vez en un solo hilo: el socket y la entrada estándar. La
 * entrada puede ser una terminal (uv_tty_t), una tubería (uv_pipe_t) o un archivo
 * redirigido: epoll no vigila archivos normales, así que entonces se lee con uv_fs_read.
 *
 * Al acabarse la entrada (EOF, Ctrl+D) se cierra nuestro lado de escritura con
 * uv_shutdown() y se sigue leyendo hasta que el servidor cierre; si no cierra en 5 s, se
 * cierra igualmente (un tiempo límite como los de la lección 4).
 * Las líneas se envían terminadas en \r\n, como hace telnet.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/escritura.h"

#define MAX_LINEA 4096

typedef struct {
    uv_loop_t *bucle;
    uv_tcp_t socket;
    uv_connect_t conexion;
    uv_shutdown_t apagado;
    uv_timer_t plazo;            /* espera máxima al cierre del servidor tras el EOF */
    /* Entrada estándar: uno de estos tres, según su tipo. */
    uv_handle_type tipo_entrada;
    union {
        uv_tty_t tty;
        uv_pipe_t tuberia;
    } entrada;
    uv_fs_t lectura_fs;
    char bufer_fs[4096];
    int entrada_abierta;
    /* Lo recibido del servidor, cortado en líneas. */
    char bufer_socket[4096];
    char linea[MAX_LINEA];
    size_t largo;
    char bufer_lectura[4096];    /* lo que entrega uv_read_start de la entrada estándar */
    char linea_entrada[MAX_LINEA];
    size_t largo_entrada;
    int enviadas;
    int fallo;                   /* para el estado de salida */
} cliente_t;

static void al_escribir(uv_write_t *req, int estado)
{
    if (estado < 0 && estado != UV_ECANCELED)
        fprintf(stderr, "error al enviar: %s\n", error_texto(estado));
    free(req->data);
}

/* Envía una línea con \r\n. La línea se copia: el búfer de entrada se reutiliza. */
static void enviar_linea(cliente_t *c, const char *texto, size_t n)
{
    escritura_t *e;
    if (n > 0 && texto[n - 1] == '\r')
        n--;
    e = malloc(sizeof *e + n + 2);
    if (e == NULL)
        return;
    memcpy(e->datos, texto, n);
    memcpy(e->datos + n, "\r\n", 2);
    e->buf = uv_buf_init(e->datos, (unsigned)(n + 2));
    e->req.data = e;
    if (uv_write(&e->req, (uv_stream_t *)&c->socket, &e->buf, 1, al_escribir) < 0)
        free(e);
    else
        c->enviadas++;
}

/* --- Cierre ordenado ------------------------------------------------------------------ */

static void cerrar_entrada(cliente_t *c)
{
    if (!c->entrada_abierta)
        return;
    c->entrada_abierta = 0;
    if (c->tipo_entrada == UV_TTY) {
        uv_tty_reset_mode();
        uv_close((uv_handle_t *)&c->entrada.tty, NULL);
    } else if (c->tipo_entrada == UV_NAMED_PIPE) {
        uv_close((uv_handle_t *)&c->entrada.tuberia, NULL);
    }
    /* con uv_fs_read no hay handle: basta con no pedir otra lectura */
}

static void cerrar_todo(cliente_t *c)
{
    cerrar_entrada(c);
    if (!uv_is_closing((uv_handle_t *)&c->socket))
        uv_close((uv_handle_t *)&c->socket, NULL);
    if (!uv_is_closing((uv_handle_t *)&c->plazo))
        uv_close((uv_handle_t *)&c->plazo, NULL);
}

static void al_agotar_plazo(uv_timer_t *t)
{
    cliente_t *c = t->data;
    printf("El servidor no cerró en 5 s: cierro yo\n");
    cerrar_todo(c);
}

static void al_apagar(uv_shutdown_t *req, int estado)
{
    (void)req;
    (void)estado; /* ECANCELED si el socket ya se estaba cerrando */
}

/* Se acabó la entrada: avisamos al servidor (EOF en su lectura) y esperamos su cierre. */
static void fin_de_entrada(cliente_t *c)
{
    cerrar_entrada(c);
    if (uv_is_closing((uv_handle_t *)&c->socket))
        return;
    c->apagado.data = c;
    if (uv_shutdown(&c->apagado, (uv_stream_t *)&c->socket, al_apagar) < 0) {
        cerrar_todo(c);
        return;
    }
    /* Solo falla con un temporizador cerrándose o sin callback; aquí no es el caso. */
    (void)uv_timer_start(&c->plazo, al_agotar_plazo, 5000, 0);
}

/* --- Entrada estándar ----------------------------------------------------------------- */

/* Reenvía las líneas completas de un trozo de entrada; lo que quede sin '\n' espera en
 * c->linea_entrada al trozo siguiente. */
static void procesar_entrada(cliente_t *c, const char *datos, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (datos[i] == '\n') {
            enviar_linea(c, c->linea_entrada, c->largo_entrada);
            c->largo_entrada = 0;
        } else if (c->largo_entrada < sizeof c->linea_entrada) {
            c->linea_entrada[c->largo_entrada++] = datos[i];
        }
    }
}

static void terminar_entrada(cliente_t *c)
{
    if (c->largo_entrada > 0) { /* última línea sin '\n' */
        enviar_linea(c, c->linea_entrada, c->largo_entrada);
        c->largo_entrada = 0;
    }
    fin_de_entrada(c);
}

static void reservar_entrada(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    cliente_t *c = h->data;
    (void)sugerido;
    *buf = uv_buf_init(c->bufer_lectura, sizeof c->bufer_lectura);
}

static void al_leer_entrada(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    cliente_t *c = flujo->data;
    if (n > 0)
        procesar_entrada(c, buf->base, (size_t)n);
    else if (n < 0)
        terminar_entrada(c); /* UV_EOF o error: en ambos casos no habrá más entrada */
}

static void al_leer_archivo(uv_fs_t *req)
{
    cliente_t *c = req->data;
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    if (n > 0 && !uv_is_closing((uv_handle_t *)&c->socket)) {
        uv_buf_t buf = uv_buf_init(c->bufer_fs, sizeof c->bufer_fs);
        procesar_entrada(c, c->bufer_fs, (size_t)n);
        /* offset -1: lee desde la posición actual, como read() */
        if (uv_fs_read(c->bucle, req, 0, &buf, 1, -1, al_leer_archivo) == 0)
            return;
    }
    terminar_entrada(c);
}

static int abrir_entrada(cliente_t *c)
{
    int r;
    c->tipo_entrada = uv_guess_handle(0);
    switch (c->tipo_entrada) {
    case UV_TTY:
        r = uv_tty_init(c->bucle, &c->entrada.tty, 0, 1);
        if (r < 0)
            return r;
        c->entrada.tty.data = c;
        c->entrada_abierta = 1;
        return uv_read_start((uv_stream_t *)&c->entrada.tty, reservar_entrada, al_leer_entrada);
    case UV_NAMED_PIPE:
        r = uv_pipe_init(c->bucle, &c->entrada.tuberia, 0);
        if (r < 0)
            return r;
        c->entrada.tuberia.data = c;
        c->entrada_abierta = 1;
        r = uv_pipe_open(&c->entrada.tuberia, 0);
        if (r < 0)
            return r;
        return uv_read_start((uv_stream_t *)&c->entrada.tuberia, reservar_entrada,
                             al_leer_entrada);
    default: {
        /* Archivo normal, /dev/null…: lectura en el grupo de hilos. */
        uv_buf_t buf = uv_buf_init(c->bufer_fs, sizeof c->bufer_fs);
        c->entrada_abierta = 1;
        c->lectura_fs.data = c;
        return uv_fs_read(c->bucle, &c->lectura_fs, 0, &buf, 1, -1, al_leer_archivo);
    }
    }
}

/* --- Socket ---------------------------------------------------------------------------- */

static void reservar_socket(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    cliente_t *c = h->data;
    (void)sugerido;
    *buf = uv_buf_init(c->bufer_socket, sizeof c->bufer_socket);
}

static void mostrar_linea(cliente_t *c)
{
    if (c->largo > 0 && c->linea[c->largo - 1] == '\r')
        c->largo--;
    printf("< %.*s\n", (int)c->largo, c->linea);
    c->largo = 0;
}

static void al_leer_socket(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    cliente_t *c = flujo->data;
    ssize_t i;
    if (n > 0) {
        for (i = 0; i < n; i++) {
            if (buf->base[i] == '\n')
                mostrar_linea(c);
            else if (c->largo < MAX_LINEA)
                c->linea[c->largo++] = buf->base[i];
        }
    } else if (n < 0) {
        if (c->largo > 0)
            mostrar_linea(c); /* lo último, aunque no terminara en '\n' */
        if (n == UV_EOF)
            printf("El servidor cerró la conexión (enviadas %d líneas)\n", c->enviadas);
        else {
            fprintf(stderr, "error en la conexión: %s\n", error_texto((int)n));
            c->fallo = 1;
        }
        cerrar_todo(c);
    }
}

static void al_conectar(uv_connect_t *req, int estado)
{
    cliente_t *c = req->data;
    int r;
    if (estado < 0) {
        fprintf(stderr, "no pude conectar: %s\n", error_texto(estado));
        c->fallo = 1;
        cerrar_todo(c);
        return;
    }
    r = uv_read_start((uv_stream_t *)&c->socket, reservar_socket, al_leer_socket);
    if (r == 0)
        r = abrir_entrada(c);
    if (r < 0) {
        fprintf(stderr, "no puedo leer: %s\n", error_texto(r));
        c->fallo = 1;
        cerrar_todo(c);
    }
}

/* «127.0.0.1:8888» o «http://127.0.0.1:8888[/]» → dirección IPv4. */
static int leer_direccion(const char *texto, struct sockaddr_in *dir)
{
    char ip[64];
    const char *dos_puntos;
    char *fin;
    long puerto;
    size_t largo;

    if (strncmp(texto, "http://", 7) == 0)
        texto += 7;
    dos_puntos = strrchr(texto, ':');
    if (dos_puntos == NULL)
        return UV_EINVAL;
    largo = (size_t)(dos_puntos - texto);
    if (largo == 0 || largo >= sizeof ip)
        return UV_EINVAL;
    memcpy(ip, texto, largo);
    ip[largo] = '\0';
    errno = 0;
    puerto = strtol(dos_puntos + 1, &fin, 10);
    if (errno != 0 || (*fin != '\0' && strcmp(fin, "/") != 0) || puerto < 1 || puerto > 65535)
        return UV_EINVAL;
    return uv_ip4_addr(ip, (int)puerto, dir);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    static cliente_t c; /* grande: fuera de la pila */
    struct sockaddr_in dir;
    int r;

    if (argc > 2 || leer_direccion(argc == 2 ? argv[1] : "127.0.0.1:8888", &dir) < 0) {
        fprintf(stderr, "uso: %s [IP:PUERTO]\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN); /* si el servidor corta, el envío da UV_EPIPE en vez de matarnos */
    if (uv_loop_init(&bucle) < 0)
        return 1;
    c.bucle = &bucle;
    /* Ni uv_tcp_init (sin familia aún no crea el socket) ni uv_timer_init fallan en Unix:
     * solo preparan la estructura. */
    uv_tcp_init(&bucle, &c.socket);
    c.socket.data = &c;
    uv_timer_init(&bucle, &c.plazo);
    c.plazo.data = &c;
    c.conexion.data = &c;
    r = uv_tcp_connect(&c.conexion, &c.socket, (const struct sockaddr *)&dir, al_conectar);
    if (r < 0) {
        fprintf(stderr, "no pude conectar: %s\n", error_texto(r));
        c.fallo = 1;
        cerrar_todo(&c);
    }
    r = bucle_terminar(&bucle);
    return r == 0 && !c.fallo ? 0 : 1;
}
