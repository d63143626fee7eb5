/* servidor.c — aceptación de clientes y operaciones de conexion_t sobre libuv
 * (ver servidor.h y conexion.h).
 *
 * Cada cliente tiene dos handles (el socket y un temporizador) y se libera cuando se han
 * cerrado los dos. Una escritura con la cola vacía se intenta primero directamente
 * (uv_try_write); lo que no cabe en el socket va a la cola de libuv con su propia copia de
 * los datos. `pendiente` cuenta los bytes en cola cuyas callbacks aún no han llegado, y es
 * lo que usa la conexión para la contrapresión (un cliente que no lee no hace crecer la
 * memoria).
 *
 * Cierre suave (tras «Connection: close», /cortar o un error 4xx): shutdown() para mandar
 * FIN y seguir leyendo (y tirando) lo que llegue durante un momento antes de cerrar. Cerrar
 * de golpe con datos sin leer en el socket hace que el núcleo mande RST, y el cliente podría
 * perder la respuesta que acabamos de enviarle.
 */
#include "servidor.h"

#include "conexion.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ESPERA_CIERRE_SUAVE_MS 2000
#define COLA_ESCUCHA           4096

typedef struct cliente_s cliente_t;

struct servidor_s {
    uv_loop_t *bucle;
    uv_tcp_t escucha;
    contexto_t *ctx;
    cliente_t *clientes; /* lista doblemente enlazada */
    unsigned num_clientes;
    /* Vuelcan el registro antes (prepare) y después (check) de cada espera de E/S: lo
     * anotado en temporizadores y cierres sale antes de dormir, lo anotado al atender E/S
     * sale al terminar esa vuelta. Sin referencia: no mantienen vivo el bucle. */
    uv_prepare_t antes_de_esperar;
    uv_check_t tras_esperar;
    int cerrando;
    int handles_cerrados; /* escucha + los dos de arriba: 3 = todo cerrado */
    /* Una conexión que no se puede atender (sin memoria): se recoge aquí y se cierra (descartar).
     */
    uv_tcp_t descarte;
    int descartando;   /* su cierre está pedido */
    int por_descartar; /* llegó otra mientras tanto */
    void (*al_cerrado)(void *datos);
    void *datos_cerrado;
    /* Un solo búfer de lectura para todos: libuv llama a alloc_cb y justo después a read_cb,
     * y la conexión copia lo que tenga que guardar. Evita 64 KiB por cliente ocioso. */
    char lectura[64 * 1024];
};

struct cliente_s {
    uv_tcp_t tcp;
    uv_timer_t reloj;
    uv_shutdown_t apagado;
    servidor_t *srv;
    conexion_t *con;
    size_t pendiente;
    int apagando; /* cierre suave en marcha: ya no se habla con la conexión */
    int cerrando; /* uv_close pedido */
    int cierres;  /* handles ya cerrados (2 = liberar) */
    cliente_t *ant, *sig;
};

typedef struct {
    uv_write_t req;
    cliente_t *cli;
    size_t n;
    char datos[];
} escritura_t;

static void comprobar_fin(servidor_t *s)
{
    if (s->cerrando && s->handles_cerrados == 3 && s->num_clientes == 0 && !s->descartando) {
        void (*al_cerrado)(void *) = s->al_cerrado;
        void *datos = s->datos_cerrado;
        free(s);
        if (al_cerrado != NULL)
            al_cerrado(datos);
    }
}

/* --- Cierre de un cliente ------------------------------------------------------------ */

static void al_cerrar_handle(uv_handle_t *h)
{
    cliente_t *cli = h->data;
    cli->cierres++;
    if (cli->cierres < 2)
        return;
    servidor_t *s = cli->srv;
    conexion_liberar(cli->con);
    if (cli->ant != NULL)
        cli->ant->sig = cli->sig;
    else
        s->clientes = cli->sig;
    if (cli->sig != NULL)
        cli->sig->ant = cli->ant;
    s->num_clientes--;
    free(cli);
    comprobar_fin(s);
}

static void cerrar_cliente(cliente_t *cli)
{
    if (cli->cerrando)
        return;
    cli->cerrando = 1;
    uv_close((uv_handle_t *)&cli->tcp, al_cerrar_handle);
    uv_close((uv_handle_t *)&cli->reloj, al_cerrar_handle);
}

static void al_vencer(uv_timer_t *t)
{
    cliente_t *cli = t->data;
    if (cli->apagando)
        cerrar_cliente(cli); /* fin de la espera del cierre suave */
    else
        conexion_vencido(cli->con);
}

static void al_apagar(uv_shutdown_t *req, int estado)
{
    cliente_t *cli = req->data;
    if (cli->cerrando)
        return;
    if (estado < 0) {
        cerrar_cliente(cli);
        return;
    }
    /* FIN enviado: se espera el del cliente (al_leer) o, como mucho, un par de segundos. */
    uv_timer_start(&cli->reloj, al_vencer, ESPERA_CIERRE_SUAVE_MS, 0);
}

/* --- Operaciones para conexion_t ----------------------------------------------------- */

static void al_escribir(uv_write_t *req, int estado)
{
    escritura_t *e = (escritura_t *)((char *)req - offsetof(escritura_t, req));
    cliente_t *cli = e->cli;
    cli->pendiente -= e->n;
    free(e);
    if (cli->cerrando || cli->apagando)
        return;
    if (estado < 0) {
        /* El cliente se fue (EPIPE, ECONNRESET): solo muere esta conexión. */
        cerrar_cliente(cli);
        return;
    }
    conexion_escrito(cli->con);
}

static int op_enviar(void *usuario, const char *datos, size_t n)
{
    cliente_t *cli = usuario;
    if (cli->cerrando || cli->apagando)
        return UV_ECANCELED;
    /* Sin nada en cola, se intenta entregar ya al sistema (uv_try_write): lo normal con una
     * respuesta pequeña es que quepa entera, y entonces no hay copia, ni petición de
     * escritura, ni callback, ni el cambio de interés en epoll que libuv hace al vaciar su
     * cola. Lo que no quepa va por uv_write, detrás, en orden. */
    if (cli->pendiente == 0 && n > 0) {
        uv_buf_t directo = uv_buf_init((char *)datos, (unsigned)n);
        int w = uv_try_write((uv_stream_t *)&cli->tcp, &directo, 1);
        if (w == (int)n)
            return 0;
        if (w > 0) {
            datos += w;
            n -= (size_t)w;
        } else if (w != UV_EAGAIN) {
            return w; /* EPIPE, ECONNRESET…: la conexión se abandona */
        }
    }
    escritura_t *e = malloc(sizeof *e + n);
    if (e == NULL)
        return UV_ENOMEM;
    memcpy(e->datos, datos, n);
    e->cli = cli;
    e->n = n;
    uv_buf_t buf = uv_buf_init(e->datos, (unsigned)n);
    int r = uv_write(&e->req, (uv_stream_t *)&cli->tcp, &buf, 1, al_escribir);
    if (r < 0) {
        free(e);
        return r;
    }
    cli->pendiente += n;
    return 0;
}

static size_t op_pendiente(void *usuario)
{
    return ((cliente_t *)usuario)->pendiente;
}

static void op_programar(void *usuario, uint64_t ms)
{
    cliente_t *cli = usuario;
    if (!cli->cerrando)
        uv_timer_start(&cli->reloj, al_vencer, ms, 0);
}

static void op_desprogramar(void *usuario)
{
    uv_timer_stop(&((cliente_t *)usuario)->reloj);
}

static void al_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)sugerido;
    cliente_t *cli = h->data;
    *buf = uv_buf_init(cli->srv->lectura, sizeof cli->srv->lectura);
}

static void al_leer(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    cliente_t *cli = st->data;
    if (cli->cerrando)
        return;
    if (n > 0) {
        if (!cli->apagando)
            conexion_recibir(cli->con, buf->base, (size_t)n);
        return;
    }
    if (n == 0)
        return; /* EAGAIN: nada que hacer */
    if (cli->apagando || n != UV_EOF) {
        /* Fin del cierre suave, o error de lectura (ECONNRESET…). */
        cerrar_cliente(cli);
        return;
    }
    uv_read_stop(st);
    conexion_fin_entrada(cli->con);
}

static void op_leer(void *usuario, int activo)
{
    cliente_t *cli = usuario;
    if (cli->cerrando)
        return;
    if (activo)
        uv_read_start((uv_stream_t *)&cli->tcp, al_reservar, al_leer);
    else
        uv_read_stop((uv_stream_t *)&cli->tcp);
}

static void op_cerrar(void *usuario, int suave)
{
    cliente_t *cli = usuario;
    if (cli->cerrando || cli->apagando)
        return;
    if (!suave) {
        cerrar_cliente(cli);
        return;
    }
    cli->apagando = 1;
    uv_timer_stop(&cli->reloj);
    cli->apagado.data = cli;
    if (uv_shutdown(&cli->apagado, (uv_stream_t *)&cli->tcp, al_apagar) < 0) {
        cerrar_cliente(cli);
        return;
    }
    /* Se sigue leyendo (y descartando) hasta el FIN del cliente. */
    uv_read_start((uv_stream_t *)&cli->tcp, al_reservar, al_leer);
}

static const conexion_ops_t operaciones = {
    .enviar = op_enviar,
    .pendiente = op_pendiente,
    .programar = op_programar,
    .desprogramar = op_desprogramar,
    .leer = op_leer,
    .cerrar = op_cerrar,
};

/* --- Aceptación ---------------------------------------------------------------------- */

static void descartar(servidor_t *s);

static void al_cerrar_descarte(uv_handle_t *h)
{
    servidor_t *s = h->data;
    s->descartando = 0;
    if (s->por_descartar && !s->cerrando) {
        s->por_descartar = 0;
        descartar(s);
        return;
    }
    s->por_descartar = 0;
    comprobar_fin(s);
}

/* Sin memoria para atender a un cliente. Cuando libuv llama a al_conectar ya ha hecho el
 * accept(): la conexión es nuestra y, mientras no la recojamos con uv_accept(), libuv deja de
 * vigilar la escucha (no aceptaría a nadie más). Se recoge en un handle de reserva y se cierra
 * en el acto: ese cliente ve un cierre y los demás siguen entrando (lección 06). */
static void descartar(servidor_t *s)
{
    if (s->cerrando)
        return; /* al cerrar la escucha, libuv cierra también la pendiente */
    if (s->descartando) {
        s->por_descartar = 1; /* la recoge al_cerrar_descarte */
        return;
    }
    /* uv_tcp_init sin familia no crea socket todavía: en Unix no puede fallar. */
    uv_tcp_init(s->bucle, &s->descarte);
    s->descarte.data = s;
    s->descartando = 1;
    if (uv_accept((uv_stream_t *)&s->escucha, (uv_stream_t *)&s->descarte) < 0)
        fprintf(stderr, "servidor-practica: no se pudo descartar una conexión\n");
    uv_close((uv_handle_t *)&s->descarte, al_cerrar_descarte);
}

static void al_conectar(uv_stream_t *escucha, int estado)
{
    servidor_t *s = escucha->data;
    if (estado < 0 || s->cerrando) {
        if (estado < 0)
            fprintf(stderr, "servidor-practica: error al aceptar: %s\n", uv_strerror(estado));
        return;
    }
    cliente_t *cli = calloc(1, sizeof *cli);
    if (cli == NULL) {
        fprintf(stderr, "servidor-practica: sin memoria para un cliente nuevo\n");
        descartar(s);
        return;
    }
    cli->srv = s;
    uv_tcp_init(s->bucle, &cli->tcp);
    uv_timer_init(s->bucle, &cli->reloj);
    cli->tcp.data = cli;
    cli->reloj.data = cli;
    cli->sig = s->clientes;
    if (s->clientes != NULL)
        s->clientes->ant = cli;
    s->clientes = cli;
    s->num_clientes++;

    if (uv_accept(escucha, (uv_stream_t *)&cli->tcp) < 0) {
        cerrar_cliente(cli);
        return;
    }
    uv_tcp_nodelay(&cli->tcp, 1);

    struct sockaddr_storage dir;
    int largo = sizeof dir;
    char ip[64] = "127.0.0.1";
    int puerto = 0;
    if (uv_tcp_getpeername(&cli->tcp, (struct sockaddr *)&dir, &largo) == 0 &&
        dir.ss_family == AF_INET) {
        const struct sockaddr_in *d4 = (const struct sockaddr_in *)&dir;
        uv_ip4_name(d4, ip, sizeof ip);
        puerto = ntohs(d4->sin_port);
    }
    cli->con = conexion_nueva(s->ctx, &operaciones, cli, ip, puerto);
    if (cli->con == NULL || uv_read_start((uv_stream_t *)&cli->tcp, al_reservar, al_leer) < 0)
        cerrar_cliente(cli);
}

static void al_cerrar_propio(uv_handle_t *h)
{
    servidor_t *s = h->data;
    s->handles_cerrados++;
    comprobar_fin(s);
}

static void volcar_antes(uv_prepare_t *h)
{
    registro_volcar(((servidor_t *)h->data)->ctx->registro);
}

static void volcar_despues(uv_check_t *h)
{
    registro_volcar(((servidor_t *)h->data)->ctx->registro);
}

static void cerrar_handles(servidor_t *s)
{
    uv_close((uv_handle_t *)&s->escucha, al_cerrar_propio);
    uv_close((uv_handle_t *)&s->antes_de_esperar, al_cerrar_propio);
    uv_close((uv_handle_t *)&s->tras_esperar, al_cerrar_propio);
}

int servidor_iniciar(uv_loop_t *bucle, contexto_t *ctx, int puerto, servidor_t **salida,
                     int *puerto_real)
{
    struct sockaddr_in dir;
    int r;

    *salida = NULL;
    servidor_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return UV_ENOMEM;
    s->bucle = bucle;
    s->ctx = ctx;
    r = uv_tcp_init(bucle, &s->escucha);
    if (r < 0) {
        free(s);
        return r;
    }
    s->escucha.data = s;
    uv_prepare_init(bucle, &s->antes_de_esperar);
    uv_check_init(bucle, &s->tras_esperar);
    s->antes_de_esperar.data = s;
    s->tras_esperar.data = s;
    if (ctx->registro != NULL) {
        uv_prepare_start(&s->antes_de_esperar, volcar_antes);
        uv_check_start(&s->tras_esperar, volcar_despues);
        uv_unref((uv_handle_t *)&s->antes_de_esperar);
        uv_unref((uv_handle_t *)&s->tras_esperar);
    }
    r = uv_ip4_addr("127.0.0.1", puerto, &dir);
    if (r == 0)
        r = uv_tcp_bind(&s->escucha, (const struct sockaddr *)&dir, 0);
    /* libuv 1.44 avisa de EADDRINUSE en uv_listen, no en uv_tcp_bind. */
    if (r == 0)
        r = uv_listen((uv_stream_t *)&s->escucha, COLA_ESCUCHA, al_conectar);
    if (r == 0) {
        struct sockaddr_storage real;
        int largo = sizeof real;
        r = uv_tcp_getsockname(&s->escucha, (struct sockaddr *)&real, &largo);
        if (r == 0)
            *puerto_real = ntohs(((struct sockaddr_in *)&real)->sin_port);
    }
    if (r < 0) {
        /* Sin clientes ni escucha activa: la memoria se libera en el cierre. */
        s->cerrando = 1;
        cerrar_handles(s);
        return r;
    }
    *salida = s;
    return 0;
}

void servidor_cerrar(servidor_t *s, void (*al_cerrado)(void *datos), void *datos)
{
    if (s == NULL || s->cerrando)
        return;
    s->cerrando = 1;
    s->al_cerrado = al_cerrado;
    s->datos_cerrado = datos;
    cerrar_handles(s);
    for (cliente_t *cli = s->clientes; cli != NULL; cli = cli->sig)
        cerrar_cliente(cli);
}

unsigned servidor_clientes(const servidor_t *s)
{
    return s->num_clientes;
}
