/* ejercicio.c — un cliente que se despide bien (práctica 2 de la lección 6): una respuesta.
 *
 *   cliente TEXTO...   envía cada TEXTO como una línea a un servidor de mayúsculas que vive
 *                      en el mismo programa, y enseña lo que vuelve.
 *
 * El cliente conecta, escribe una línea por argumento (cada escritura con su memoria, que se
 * libera en su callback), pide uv_shutdown para decir «no envío más» y lee hasta UV_EOF: el
 * servidor cierra cuando ha respondido a todo. Entonces cierra su socket y el servidor.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

/* ---- El servidor (ya escrito: no lo cambies) ---------------------------------------- */
/* Escucha en 127.0.0.1 en un puerto libre, acepta UNA conexión y devuelve en mayúsculas lo
 * que recibe. Cuando el cliente deja de enviar (UV_EOF), termina y cierra la conexión. */

static uv_tcp_t servidor, atendida;
static char bufer_servidor[64];

static void servidor_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(bufer_servidor, sizeof bufer_servidor);
}

static void servidor_al_escribir(uv_write_t *req, int estado)
{
    (void)estado;
    free(req); /* la petición y sus bytes van en un solo bloque */
}

static void servidor_al_apagar(uv_shutdown_t *req, int estado)
{
    (void)estado;
    uv_close((uv_handle_t *)req->handle, NULL);
    free(req);
}

static void servidor_al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    if (n < 0) {
        uv_shutdown_t *req = malloc(sizeof *req);

        if (req == NULL || uv_shutdown(req, flujo, servidor_al_apagar) < 0) {
            free(req);
            uv_close((uv_handle_t *)flujo, NULL);
        }
        return;
    }
    if (n == 0)
        return;
    uv_write_t *req = malloc(sizeof *req + (size_t)n);
    char *copia = (char *)(req + 1);
    uv_buf_t salida;

    if (req == NULL)
        return;
    for (ssize_t i = 0; i < n; i++)
        copia[i] = buf->base[i] >= 'a' && buf->base[i] <= 'z' ? buf->base[i] - 32 : buf->base[i];
    salida = uv_buf_init(copia, (unsigned int)n);
    if (uv_write(req, flujo, &salida, 1, servidor_al_escribir) < 0)
        free(req);
}

static void servidor_al_conectar(uv_stream_t *s, int estado)
{
    if (estado < 0)
        return;
    uv_tcp_init(s->loop, &atendida); /* no falla: lección 2, §3 */
    if (uv_accept(s, (uv_stream_t *)&atendida) < 0 ||
        uv_read_start((uv_stream_t *)&atendida, servidor_reservar, servidor_al_leer) < 0)
        uv_close((uv_handle_t *)&atendida, NULL);
}

/* Arranca el servidor y devuelve su puerto (o un error negativo). */
static int servidor_arrancar(uv_loop_t *bucle)
{
    struct sockaddr_in dir;
    struct sockaddr_storage propia;
    int largo = sizeof propia;
    int r;

    uv_tcp_init(bucle, &servidor); /* no falla: lección 2, §3 */
    uv_ip4_addr("127.0.0.1", 0, &dir); /* dirección literal: no falla */
    r = uv_tcp_bind(&servidor, (const struct sockaddr *)&dir, 0);
    if (r == 0)
        r = uv_listen((uv_stream_t *)&servidor, 8, servidor_al_conectar);
    if (r == 0)
        r = uv_tcp_getsockname(&servidor, (struct sockaddr *)&propia, &largo);
    if (r < 0)
        return r;
    return ntohs(((struct sockaddr_in *)&propia)->sin_port);
}

/* ---- El cliente ------------------------------------------------------------------------ */

typedef struct {
    uv_write_t req;
    char datos[]; /* la línea, con su '\n' */
} escritura_t;

static uv_tcp_t cliente;
static uv_connect_t conexion;
static uv_shutdown_t apagado;
static char bufer_cliente[64];
static char recibido[1024];
static size_t n_recibido;
static char **textos;
static int n_textos;

static void cliente_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(bufer_cliente, sizeof bufer_cliente);
}

static void al_escribir(uv_write_t *req, int estado)
{
    if (estado < 0)
        fprintf(stderr, "escribiendo: %s\n", error_texto(estado));
    free(req); /* req es el primer miembro de escritura_t: es el bloque entero */
}

static void al_apagar(uv_shutdown_t *req, int estado)
{
    (void)req;
    if (estado < 0)
        fprintf(stderr, "uv_shutdown: %s\n", error_texto(estado));
}

static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    if (n < 0) {
        if (n != UV_EOF)
            fprintf(stderr, "leyendo: %s\n", error_texto((int)n));
        printf("recibido:\n%.*s", (int)n_recibido, recibido);
        uv_close((uv_handle_t *)flujo, NULL);
        uv_close((uv_handle_t *)&servidor, NULL);
        return;
    }
    if ((size_t)n > sizeof recibido - n_recibido)
        n = (ssize_t)(sizeof recibido - n_recibido);
    memcpy(recibido + n_recibido, buf->base, (size_t)n);
    n_recibido += (size_t)n;
}

static void al_conectar(uv_connect_t *req, int estado)
{
    uv_stream_t *flujo = req->handle;
    int r;

    if (estado < 0) {
        fprintf(stderr, "conectando: %s\n", error_texto(estado));
        uv_close((uv_handle_t *)flujo, NULL);
        uv_close((uv_handle_t *)&servidor, NULL);
        return;
    }
    for (int i = 0; i < n_textos; i++) {
        size_t largo = strlen(textos[i]);
        escritura_t *e = malloc(sizeof *e + largo + 1);
        uv_buf_t buf;

        if (e == NULL)
            break;
        memcpy(e->datos, textos[i], largo);
        e->datos[largo] = '\n';
        buf = uv_buf_init(e->datos, (unsigned int)(largo + 1));
        r = uv_write(&e->req, flujo, &buf, 1, al_escribir);
        if (r < 0) { /* fallo síncrono: al_escribir no se llamará */
            free(e);
            break;
        }
    }
    /* Tras las escrituras encoladas: «no envío más». El servidor verá UV_EOF. */
    r = uv_shutdown(&apagado, flujo, al_apagar);
    if (r == 0)
        r = uv_read_start(flujo, cliente_reservar, al_leer);
    if (r < 0) {
        fprintf(stderr, "cliente: %s\n", error_texto(r));
        uv_close((uv_handle_t *)flujo, NULL);
        uv_close((uv_handle_t *)&servidor, NULL);
    }
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    struct sockaddr_in dir;
    int puerto, r;

    signal(SIGPIPE, SIG_IGN);
    textos = argv + 1;
    n_textos = argc - 1;
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    puerto = servidor_arrancar(&bucle);
    if (puerto < 0) {
        fprintf(stderr, "servidor: %s\n", error_texto(puerto));
        bucle_terminar(&bucle);
        return 1;
    }
    uv_tcp_init(&bucle, &cliente); /* no falla: lección 2, §3 */
    uv_ip4_addr("127.0.0.1", puerto, &dir); /* dirección literal: no falla */
    r = uv_tcp_connect(&conexion, &cliente, (const struct sockaddr *)&dir, al_conectar);
    if (r < 0) {
        fprintf(stderr, "uv_tcp_connect: %s\n", error_texto(r));
        uv_close((uv_handle_t *)&cliente, NULL);
        uv_close((uv_handle_t *)&servidor, NULL);
    }
    r = bucle_terminar(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 ? 0 : 1;
}
