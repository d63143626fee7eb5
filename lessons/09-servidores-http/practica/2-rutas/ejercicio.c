/* ejercicio.c — un servidor que responde JSON (práctica 2 de la lección 9).
 *
 *   servidor "MÉTODO RUTA"...   arranca un servidor HTTP en 127.0.0.1 (un puerto libre) y le
 *                               hace todas esas peticiones A LA VEZ con el cliente del curso;
 *                               imprime cada respuesta según llega: «GET /hola → 200 {…}».
 *
 * Rutas: GET /hola → 200 {"saludo":"¡hola!"}; GET /lento?ms=N (0–5000) → 200
 * {"esperado_ms":N} tras N ms SIN bloquear el bucle (un uv_timer: la función de ruta
 * empieza la espera y responde desde su callback); ms que no vale → 400; otro método en
 * esas rutas → 405; otra ruta → 404. Cada respuesta lleva Content-Length (en bytes) y
 * Connection: close.
 *
 * Tal como está, el servidor acepta, analiza cada petición y cierra sin responder. Tu
 * trabajo: al_escribir, responder, al_vencer_lento y atender (ver README.md); lo demás
 * (aceptar, leer, llhttp y el cliente que hace las peticiones) ya está escrito.
 *
 * Memoria: cada conexion_t se reserva al aceptar y se libera cuando se han cerrado sus dos
 * handles (el socket y el temporizador de /lento). Cada respuesta es una escritura_t que se
 * libera en su callback.
 */
#include <llhttp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/escritura.h"
#include "curso/http.h"

#define MAX_URL 256
#define MAX_LENTO 5000

typedef struct {
    uv_tcp_t tcp;
    uv_timer_t espera; /* el de /lento */
    llhttp_t analizador;
    char url[MAX_URL + 1];
    size_t largo_url;
    char metodo[16];
    int handles_abiertos; /* se libera cuando llega a 0 */
    int lento_ms;
} conexion_t;

static llhttp_settings_t ajustes;
static uv_tcp_t escucha;
static http_cliente_t *cliente;
static int pendientes; /* peticiones del cliente sin respuesta */

/* ─────────────── lo que ya está escrito: aceptar, leer y analizar ─────────────── */

static void al_cerrar_handle(uv_handle_t *h)
{
    conexion_t *c = h->data;
    if (--c->handles_abiertos == 0)
        free(c);
}

/* Cierra la conexión entera: el socket y el temporizador (su callback ya no llegará). */
static void cerrar(conexion_t *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, al_cerrar_handle);
    if (!uv_is_closing((uv_handle_t *)&c->espera))
        uv_close((uv_handle_t *)&c->espera, al_cerrar_handle);
}

/* ─────────────── lo que escribes tú ─────────────── */

/* La respuesta ha salido (o ha fallado): libera la escritura y cierra la conexión. */
static void al_escribir(uv_write_t *req, int estado)
{
    /* TODO */
    (void)req;
    (void)estado;
}

/* Envía la respuesta: línea de estado, cabeceras con Content-Length en BYTES y el cuerpo. */
static void responder(conexion_t *c, int estado, const char *frase, const char *cuerpo)
{
    /* TODO: por ahora cierra la conexión sin responder nada */
    (void)estado;
    (void)frase;
    (void)cuerpo;
    cerrar(c);
}

/* El temporizador de /lento ha vencido: ahora sí, la respuesta. */
static void al_vencer_lento(uv_timer_t *t)
{
    /* TODO */
    (void)t;
}

/* El encaminador: la petición entera está en c->metodo y c->url. */
static void atender(conexion_t *c)
{
    /* TODO: /hola, /lento?ms=N, 400, 404 y 405 (ver README.md) */
    responder(c, 404, "Not Found", "{\"error\":\"no existe\"}");
}

/* ─────────────── lo que ya está escrito: analizar, aceptar, y el cliente ─────────────── */

static int al_recibir_url(llhttp_t *a, const char *at, size_t n)
{
    conexion_t *c = a->data;
    if (c->largo_url + n > MAX_URL)
        return -1;
    memcpy(c->url + c->largo_url, at, n);
    c->largo_url += n;
    c->url[c->largo_url] = '\0';
    return 0;
}

static int al_completar(llhttp_t *a)
{
    conexion_t *c = a->data;
    snprintf(c->metodo, sizeof c->metodo, "%s", llhttp_method_name((llhttp_method_t)a->method));
    uv_read_stop((uv_stream_t *)&c->tcp); /* una petición por conexión: no se lee más */
    atender(c);
    return HPE_PAUSED;
}

static void al_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    static char bloque[4096]; /* un solo hilo: se consume en al_leer antes de la siguiente */
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(bloque, sizeof bloque);
}

static void al_leer(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    conexion_t *c = s->data;
    llhttp_errno_t e;
    if (n == 0)
        return;
    if (n < 0) { /* el cliente se fue antes de terminar la petición */
        cerrar(c);
        return;
    }
    e = llhttp_execute(&c->analizador, buf->base, (size_t)n);
    if (e != HPE_OK && e != HPE_PAUSED)
        responder(c, 400, "Bad Request", "{\"error\":\"petición mal formada\"}");
}

/* Sin memoria para atender a un cliente. Cuando libuv llama a al_conectar ya hizo el
 * accept() del sistema y guarda la conexión; mientras no se recoja con uv_accept, deja de
 * vigilar la escucha (lección 6). Se recoge en un handle de reserva y se cierra en el acto:
 * ese cliente ve un cierre y los demás siguen entrando. */
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
    uv_tcp_init(servidor->loop, &c->tcp);
    uv_timer_init(servidor->loop, &c->espera);
    c->tcp.data = c->espera.data = c;
    c->handles_abiertos = 2;
    llhttp_init(&c->analizador, HTTP_REQUEST, &ajustes);
    c->analizador.data = c;
    if (uv_accept(servidor, (uv_stream_t *)&c->tcp) < 0 ||
        uv_read_start((uv_stream_t *)&c->tcp, al_reservar, al_leer) < 0)
        cerrar(c);
}

static void al_responder(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    (void)p;
    if (r->error == 0)
        printf("%s → %ld %.*s\n", (const char *)usuario, r->estado, (int)r->longitud, r->cuerpo);
    else
        printf("%s → error: %s\n", (const char *)usuario, r->mensaje);
    if (--pendientes == 0) { /* la última: el cliente y el servidor se cierran */
        http_cliente_cerrar(cliente, NULL, NULL);
        uv_close((uv_handle_t *)&escucha, NULL);
    }
}

int main(int argc, char **argv)
{
    static char metodos[32][16], urls[32][MAX_URL + 64];
    uv_loop_t bucle;
    struct sockaddr_in dir;
    struct sockaddr_storage real;
    int largo = sizeof real, puerto;

    if (argc < 2 || argc > 33) {
        fprintf(stderr, "uso: %s \"MÉTODO RUTA\"...   (de 1 a 32 peticiones)\n", argv[0]);
        return 2;
    }
    llhttp_settings_init(&ajustes);
    ajustes.on_url = al_recibir_url;
    ajustes.on_message_complete = al_completar;
    if (uv_loop_init(&bucle) < 0)
        return 1;
    uv_tcp_init(&bucle, &escucha);
    uv_ip4_addr("127.0.0.1", 0, &dir);
    if (uv_tcp_bind(&escucha, (const struct sockaddr *)&dir, 0) < 0 ||
        uv_listen((uv_stream_t *)&escucha, 64, al_conectar) < 0 ||
        uv_tcp_getsockname(&escucha, (struct sockaddr *)&real, &largo) < 0 ||
        http_cliente_nuevo(&bucle, 0, &cliente) < 0) {
        fprintf(stderr, "no se pudo arrancar el servidor\n");
        bucle_terminar(&bucle);
        return 1;
    }
    puerto = ntohs(((struct sockaddr_in *)&real)->sin_port);
    for (int i = 1; i < argc; i++) {
        http_opciones_t op = {0};
        char ruta[MAX_URL + 1];
        if (sscanf(argv[i], "%15s %256s", metodos[i - 1], ruta) != 2) {
            fprintf(stderr, "petición sin método y ruta: «%s»\n", argv[i]);
            continue;
        }
        snprintf(urls[i - 1], sizeof urls[i - 1], "http://127.0.0.1:%d%s", puerto, ruta);
        op.metodo = metodos[i - 1];
        op.tiempo_limite_ms = 30000; /* solo una red de seguridad: la carga y valgrind lo alargan todo */
        if (http_pedir(cliente, urls[i - 1], &op, al_responder, argv[i], NULL) == 0)
            pendientes++;
    }
    if (pendientes == 0) {
        http_cliente_cerrar(cliente, NULL, NULL);
        uv_close((uv_handle_t *)&escucha, NULL);
    }
    if (bucle_terminar(&bucle) != 0)
        return 1;
    printf("uv_loop_close: 0\n");
    return 0;
}
