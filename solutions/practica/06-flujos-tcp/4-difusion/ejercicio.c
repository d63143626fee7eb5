/* ejercicio.c — un servidor de difusión (práctica 4 de la lección 6): una respuesta.
 *
 *   difusion [PRUEBA]   escucha en 127.0.0.1 (un puerto libre, que anuncia); cada línea de un
 *                       cliente llega a todos los demás; quien no lee se desconecta al tope.
 *                       PRUEBA (charla, corte, lento, valgrind): clientes de prueba en otro
 *                       proceso (curso/clientes_prueba.h), que al final mandan la señal.
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

static void al_cerrar_conexion(uv_handle_t *h)
{
    free(h->data); /* ahora, y no antes: libuv usó el handle hasta esta callback */
}

/* La saca de la lista (ya no recibe nada) y la cierra. */
static void cerrar_conexion(conexion_t *c)
{
    conexion_t **p = &conexiones;
    while (*p != c)
        p = &(*p)->siguiente;
    *p = c->siguiente;
    uv_close((uv_handle_t *)&c->tcp, al_cerrar_conexion);
}

static void al_escribir(uv_write_t *req, int estado)
{
    (void)estado; /* UV_ECANCELED si su conexión se cerró con ella en la cola */
    free(req->data);
}

/* Una copia de la línea a la cola de `c`; si con ella pasaría del tope, `c` se desconecta. */
static void enviar(conexion_t *c, const char *linea, size_t n)
{
    escritura_t *e = NULL;

    if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) + n <= TOPE_COLA)
        e = malloc(sizeof *e + n);
    if (e != NULL) {
        memcpy(e->datos, linea, n);
        e->buf = uv_buf_init(e->datos, (unsigned)n);
        e->req.data = e;
        if (uv_write(&e->req, (uv_stream_t *)&c->tcp, &e->buf, 1, al_escribir) == 0)
            return;
        free(e); /* falló al llamar: no habrá callback */
    }
    cerrar_conexion(c); /* no lee (o no hay memoria): fuera, antes que crecer sin límite */
}

static void difundir(conexion_t *origen, const char *linea, size_t n)
{
    conexion_t *c, *siguiente;
    for (c = conexiones; c != NULL; c = siguiente) {
        siguiente = c->siguiente; /* enviar() puede sacar a `c` de la lista */
        if (c != origen)
            enviar(c, linea, n);
    }
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

/* Sin memoria para un cliente. libuv ya hizo el accept() del sistema y guarda la conexión;
 * mientras no se recoja con uv_accept, deja de vigilar la escucha (lección 6, «Recoger
 * siempre lo que libuv ya aceptó»). Se recoge en un handle de reserva y se cierra en el
 * acto: ese cliente ve un cierre y los demás siguen entrando. */
static uv_tcp_t descarte;
static int descartando, por_descartar;

static void descartar(uv_stream_t *servidor);

static void al_cerrar_descarte(uv_handle_t *h)
{
    descartando = 0;
    if (por_descartar) { /* otra llegó sin memoria mientras se cerraba esta */
        por_descartar = 0;
        descartar(h->data);
    }
}

static void descartar(uv_stream_t *servidor)
{
    if (uv_is_closing((uv_handle_t *)servidor))
        return; /* al cerrar la escucha, libuv cierra también la pendiente */
    if (descartando) {
        por_descartar = 1;
        return;
    }
    uv_tcp_init(servidor->loop, &descarte); /* sin familia: no crea socket, no falla */
    descarte.data = servidor;
    descartando = 1;
    if (uv_accept(servidor, (uv_stream_t *)&descarte) < 0)
        fprintf(stderr, "uv_accept falló con la conexión descartada\n");
    uv_close((uv_handle_t *)&descarte, al_cerrar_descarte);
}

static void al_conectar(uv_stream_t *servidor, int estado)
{
    conexion_t *c;

    if (estado < 0)
        return;
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        descartar(servidor);
        return;
    }
    uv_tcp_init(servidor->loop, &c->tcp); /* sin familia: no puede fallar */
    c->tcp.data = c;
    c->siguiente = conexiones;
    conexiones = c;
    if (uv_accept(servidor, (uv_stream_t *)&c->tcp) < 0 ||
        uv_read_start((uv_stream_t *)&c->tcp, reservar, al_leer) < 0)
        cerrar_conexion(c);
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)datos;
    printf("%s: dejo de aceptar y cierro las conexiones\n", signum == SIGINT ? "SIGINT" : "SIGTERM");
    uv_close((uv_handle_t *)&escucha, NULL);
    while (conexiones != NULL)
        cerrar_conexion(conexiones);
    senales_cerrar(s);
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
