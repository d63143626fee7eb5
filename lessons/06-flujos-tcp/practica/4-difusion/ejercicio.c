/* ejercicio.c — un servidor de difusión (práctica 4 de la lección 6).
 *
 *   difusion [PRUEBA]   escucha en 127.0.0.1 (un puerto libre, que anuncia); cada línea de un
 *                       cliente llega a todos los demás; quien no lee se desconecta al tope.
 *                       PRUEBA (charla, corte, lento, valgrind): clientes de prueba en otro
 *                       proceso (curso/clientes_prueba.h), que al final mandan la señal.
 *
 * Tal como está, escucha y anuncia su puerto, pero no recoge a nadie, no difunde nada y la
 * señal no lo para. Tu trabajo: los TODO (ver README.md); lo demás ya está escrito.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/clientes_prueba.h"
#include "curso/errores.h"
#include "curso/escritura.h"
#include "curso/senales.h"

#define MAX_LINEA 4096          /* una línea más larga se difunde a trozos de este tamaño */
#define TOPE_COLA (1024 * 1024) /* bytes en la cola de escritura de un cliente, como mucho */

typedef struct conexion_s {
    uv_tcp_t tcp;                 /* tcp.data apunta a la propia conexion_t */
    struct conexion_s *siguiente; /* la lista de las que reciben */
    char linea[MAX_LINEA];        /* la línea a medio recibir */
    size_t largo;
} conexion_t;

static uv_tcp_t escucha;
static senales_t senales;
static conexion_t *conexiones;
static char entrada[4096]; /* una lectura cada vez: al_leer copia lo que guarda */

/* La conexión se libera aquí, y no antes: libuv usa el handle hasta esta callback. */
static void al_cerrar_conexion(uv_handle_t *h)
{
    /* TODO */
    (void)h;
}

/* La saca de la lista (ya no recibe nada) y la cierra. */
static void cerrar_conexion(conexion_t *c)
{
    /* TODO */
    (void)c;
    (void)al_cerrar_conexion;
}

/* Llega una vez por escritura: con éxito, con error o cancelada (UV_ECANCELED) porque su
 * conexión se cerró con ella aún en la cola. */
static void al_escribir(uv_write_t *req, int estado)
{
    /* TODO */
    (void)req;
    (void)estado;
}

/* Una copia de la línea a la cola de `c` (una escritura_t); si con ella su cola de escritura
 * pasaría de TOPE_COLA, `c` no lee: se desconecta. */
static void enviar(conexion_t *c, const char *linea, size_t n)
{
    /* TODO */
    (void)c;
    (void)linea;
    (void)n;
    (void)al_escribir;
}

/* La línea va a todas las conexiones de la lista menos a la de quien la mandó. */
static void difundir(conexion_t *origen, const char *linea, size_t n)
{
    /* TODO */
    (void)origen;
    (void)linea;
    (void)n;
    (void)enviar;
    (void)conexiones;
}

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(entrada, sizeof entrada);
}

/* Encuadre: cada línea completa se difunde con su '\n' (una muy larga, a trozos). */
static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    conexion_t *c = flujo->data;

    if (n < 0) /* UV_EOF, o un corte (UV_ECONNRESET): se cierra esta y nada más */
        cerrar_conexion(c);
    for (ssize_t i = 0; i < n; i++) {
        c->linea[c->largo++] = buf->base[i];
        if (buf->base[i] == '\n' || c->largo == MAX_LINEA) {
            difundir(c, c->linea, c->largo);
            c->largo = 0;
        }
    }
}

/* Una conexión nueva: recogerla, ponerla en la lista y empezar a leerle. */
static void al_conectar(uv_stream_t *servidor, int estado)
{
    /* TODO */
    (void)servidor;
    (void)estado;
    (void)reservar;
    (void)al_leer;
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)datos;
    printf("%s: dejo de aceptar y cierro las conexiones\n", signum == SIGINT ? "SIGINT" : "SIGTERM");
    /* TODO: dejar de aceptar, cerrar cada conexión y dejar de escuchar las señales. */
    (void)s;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    struct sockaddr_in dir;
    int largo = sizeof dir, r;

    signal(SIGPIPE, SIG_IGN); /* un cliente que corta no tumba el servidor (lección 6, §2.6) */
    if (argc > 2 || uv_loop_init(&bucle) < 0)
        return 2;
    uv_tcp_init(&bucle, &escucha); /* sin familia: no puede fallar */
    uv_ip4_addr("127.0.0.1", 0, &dir); /* dirección literal: no falla */
    r = uv_tcp_bind(&escucha, (const struct sockaddr *)&dir, 0);
    if (r == 0)
        r = uv_listen((uv_stream_t *)&escucha, 128, al_conectar);
    if (r == 0) /* el puerto que eligió el sistema */
        r = uv_tcp_getsockname(&escucha, (struct sockaddr *)&dir, &largo);
    if (r == 0)
        r = senales_iniciar(&bucle, &senales, al_parar, NULL);
    if (r == 0) {
        printf("Escuchando en 127.0.0.1:%d\n", ntohs(dir.sin_port));
        fflush(stdout);
        if (argc == 2) /* los clientes de prueba, en otro proceso: al acabar, la señal */
            r = clientes_prueba_lanzar(argv[1], ntohs(dir.sin_port));
    }
    if (r < 0) {
        fprintf(stderr, "no puedo empezar: %s\n", error_texto(r));
        uv_close((uv_handle_t *)&escucha, NULL); /* y bucle_terminar cierra las señales */
    }
    r = bucle_terminar(&bucle);
    clientes_prueba_esperar();
    printf("uv_loop_close: %s\n", r == 0 ? "0" : error_texto(r));
    return r == 0 ? 0 : 1;
}
