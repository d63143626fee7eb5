/* ejercicio.c — un cliente que se despide bien (práctica 2 de la lección 6).
 *
 *   cliente TEXTO...   envía cada TEXTO como una línea a un servidor de mayúsculas que vive
 *                      en el mismo programa, y enseña lo que vuelve.
 *
 * El servidor ya está escrito. Tal como está, el cliente conecta y no hace nada más: el
 * programa no acaba nunca. Tu trabajo: el cliente (ver README.md).
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

/* Una escritura y sus bytes en un solo bloque: se libera en la callback de escritura. */
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

/* TODO: al_escribir (libera la escritura), al_apagar, al_leer (junta lo recibido; en
 * UV_EOF lo imprime y cierra el cliente y el servidor). */

static void al_conectar(uv_connect_t *req, int estado)
{
    /* TODO: si falló, cerrar; si no, una escritura por texto, uv_shutdown y uv_read_start. */
    (void)req;
    (void)estado;
    (void)apagado;
    (void)recibido;
    (void)n_recibido;
    (void)cliente_reservar;
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
