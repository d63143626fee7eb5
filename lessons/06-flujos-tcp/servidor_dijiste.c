/* servidor_dijiste.c — el servidor TCP más pequeño que hace las cosas bien: acepta muchos
 * clientes a la vez, corta lo que recibe en líneas y responde «Dijiste: …» a cada una.
 *
 *   servidor_dijiste [--puerto N]     (8888 por omisión; 0 = un puerto libre cualquiera)
 *
 * La primera línea de stdout es la dirección donde escucha. Ctrl+C (SIGINT) o SIGTERM lo
 * paran limpiamente: deja de aceptar, cierra las conexiones y sale con estado 0.
 *
 * Memoria: cada conexión es un conexion_t reservado al aceptarla y liberado en la callback
 * de cierre de su handle; cada respuesta es un escritura_t (curso/escritura.h) liberado en
 * la callback de escritura.
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
#include "curso/senales.h"

#define MAX_LINEA 1024

typedef struct servidor_s servidor_t;

typedef struct conexion_s {
    uv_tcp_t tcp;
    servidor_t *servidor;
    struct conexion_s *anterior, *siguiente; /* lista de conexiones vivas */
    int id;
    char entrada[4096];    /* búfer de lectura: solo hay una lectura en curso por conexión */
    char linea[MAX_LINEA]; /* línea a medio recibir */
    size_t largo;
    int despidiendo;       /* ya se pidió el cierre ordenado: no se atiende nada más */
    uv_shutdown_t apagado;
} conexion_t;

struct servidor_s {
    uv_tcp_t escucha;
    uv_tcp_t descarte;     /* para recoger y cerrar una conexión que no podemos atender */
    int descartando;       /* `descarte` está cerrándose */
    int por_descartar;     /* llegó otra sin memoria mientras tanto */
    senales_t senales;
    conexion_t *conexiones;
    int ultimo_id;
};

/* --- Cierre ------------------------------------------------------------------------- */

static void al_cerrar_conexion(uv_handle_t *h)
{
    conexion_t *c = h->data;
    servidor_t *s = c->servidor;
    if (c->anterior != NULL)
        c->anterior->siguiente = c->siguiente;
    else
        s->conexiones = c->siguiente;
    if (c->siguiente != NULL)
        c->siguiente->anterior = c->anterior;
    printf("conexión %d cerrada\n", c->id);
    free(c); /* ahora, y no antes: libuv usó el handle hasta esta callback */
}

static void cerrar_conexion(conexion_t *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, al_cerrar_conexion);
}

/* --- Escritura ----------------------------------------------------------------------- */

static void al_escribir(uv_write_t *req, int estado)
{
    escritura_t *e = req->data;
    if (estado < 0 && estado != UV_ECANCELED)
        fprintf(stderr, "error al escribir: %s\n", error_texto(estado));
    free(e); /* con éxito, con error o cancelada: la callback llega siempre una vez */
}

/* Copia `n` bytes y los pone en la cola de escritura de la conexión. */
static int enviar(conexion_t *c, const char *texto, size_t n)
{
    escritura_t *e = malloc(sizeof *e + n);
    int r;
    if (e == NULL)
        return UV_ENOMEM;
    memcpy(e->datos, texto, n);
    e->buf = uv_buf_init(e->datos, (unsigned)n);
    e->req.data = e;
    r = uv_write(&e->req, (uv_stream_t *)&c->tcp, &e->buf, 1, al_escribir);
    if (r < 0)
        free(e); /* falló al llamar: no habrá callback, así que se libera aquí */
    return r;
}

/* El cierre ordenado: uv_shutdown espera a que salga todo lo que sigue en la cola de
 * escritura y cierra nuestro lado (el cliente recibe EOF); después se cierra el handle.
 * Un uv_close() directo cancelaría lo que aún no hubiera salido. */
static void al_apagar(uv_shutdown_t *req, int estado)
{
    conexion_t *c = req->data;
    (void)estado; /* UV_ECANCELED si el servidor se paraba: cerrar_conexion lo tolera */
    cerrar_conexion(c);
}

static void despedir(conexion_t *c)
{
    if (c->despidiendo || uv_is_closing((uv_handle_t *)&c->tcp))
        return;
    c->despidiendo = 1;
    uv_read_stop((uv_stream_t *)&c->tcp); /* siempre devuelve 0 */
    c->apagado.data = c;
    if (uv_shutdown(&c->apagado, (uv_stream_t *)&c->tcp, al_apagar) < 0)
        cerrar_conexion(c); /* no habrá callback: se cierra ya */
}

/* --- Lectura y encuadre en líneas --------------------------------------------------- */

static void atender_linea(conexion_t *c, const char *linea)
{
    char respuesta[MAX_LINEA + 16];
    int n = snprintf(respuesta, sizeof respuesta, "Dijiste: %s\n", linea);
    printf("conexión %d: %s\n", c->id, linea);
    if (enviar(c, respuesta, (size_t)n) < 0)
        cerrar_conexion(c);
}

/* Los bytes llegan en trozos arbitrarios: media línea, tres líneas, línea y media… Se
 * acumulan en c->linea y se atiende cada línea completa al ver su '\n'. */
static void trocear_en_lineas(conexion_t *c, const char *datos, size_t n)
{
    size_t i;
    for (i = 0; i < n && !c->despidiendo && !uv_is_closing((uv_handle_t *)&c->tcp); i++) {
        if (datos[i] == '\n') {
            if (c->largo > 0 && c->linea[c->largo - 1] == '\r')
                c->largo--; /* telnet termina las líneas en \r\n */
            c->linea[c->largo] = '\0';
            atender_linea(c, c->linea);
            c->largo = 0;
        } else if (c->largo < MAX_LINEA - 1) {
            c->linea[c->largo++] = datos[i];
        } else {
            static const char aviso[] = "Línea demasiado larga: adiós\n";
            if (enviar(c, aviso, sizeof aviso - 1) < 0)
                cerrar_conexion(c);
            else
                despedir(c); /* que el aviso llegue antes del cierre */
        }
    }
}

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    conexion_t *c = h->data;
    (void)sugerido;
    *buf = uv_buf_init(c->entrada, sizeof c->entrada);
}

static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    conexion_t *c = flujo->data;
    if (n > 0) {
        trocear_en_lineas(c, buf->base, (size_t)n);
    } else if (n < 0) {
        /* UV_EOF: el cliente cerró su lado, pero quizá aún lee: lo que le debemos sale
         * antes del cierre. Cualquier otro: la conexión está rota y no hay nada que vaciar. */
        if (n == UV_EOF) {
            despedir(c);
        } else {
            fprintf(stderr, "conexión %d: %s\n", c->id, error_texto((int)n));
            cerrar_conexion(c);
        }
    }
    /* n == 0: no había nada que leer (equivale a EAGAIN); no se hace nada. */
}

/* --- Aceptar ------------------------------------------------------------------------- */

static void descartar(servidor_t *s);
static void al_parar(senales_t *senales, int signum, void *datos);

static void al_cerrar_descarte(uv_handle_t *h)
{
    servidor_t *s = h->data;
    s->descartando = 0;
    if (s->por_descartar) {
        s->por_descartar = 0;
        descartar(s);
    }
}

/* Sin memoria para atender a un cliente. Cuando libuv llama a al_conectar ya ha hecho el
 * accept(): la conexión es nuestra y, mientras no la recojamos con uv_accept(), libuv deja
 * de vigilar la escucha (no aceptaría a nadie más). Se recoge en un handle de reserva y se
 * cierra en el acto: ese cliente ve un cierre y los demás siguen entrando. */
static void descartar(servidor_t *s)
{
    int r;
    if (uv_is_closing((uv_handle_t *)&s->escucha))
        return; /* parando: al cerrar la escucha, libuv cierra también la pendiente */
    if (s->descartando) {
        s->por_descartar = 1; /* la recogerá al_cerrar_descarte */
        return;
    }
    /* uv_tcp_init sin familia no crea socket todavía: en Unix no puede fallar. */
    uv_tcp_init(s->escucha.loop, &s->descarte);
    s->descarte.data = s;
    s->descartando = 1;
    r = uv_accept((uv_stream_t *)&s->escucha, (uv_stream_t *)&s->descarte);
    uv_close((uv_handle_t *)&s->descarte, al_cerrar_descarte);
    if (r < 0) {
        fprintf(stderr, "uv_accept falló: el servidor ya no puede aceptar conexiones\n");
        al_parar(&s->senales, 0, s);
    }
}

/* Cierre de una conexión que no llegó a aceptarse (no está en la lista). */
static void liberar_rechazada(uv_handle_t *h)
{
    free(h->data);
}

static void al_conectar(uv_stream_t *escucha, int estado)
{
    servidor_t *s = escucha->data;
    conexion_t *c;
    struct sockaddr_storage dir;
    int largo = sizeof dir;
    char ip[64] = "?";
    int puerto = 0;

    if (estado < 0) {
        fprintf(stderr, "error al aceptar: %s\n", error_texto(estado));
        return;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        descartar(s);
        return;
    }
    c->servidor = s;
    uv_tcp_init(escucha->loop, &c->tcp); /* sin familia: no puede fallar (ver descartar) */
    c->tcp.data = c;
    if (uv_accept(escucha, (uv_stream_t *)&c->tcp) < 0) {
        /* libuv ya cerró esa conexión y, tras un uv_accept fallido, no vuelve a vigilar la
         * escucha: seguir «escuchando» sin aceptar a nadie sería peor que pararse. */
        fprintf(stderr, "uv_accept falló: el servidor ya no puede aceptar conexiones\n");
        uv_close((uv_handle_t *)&c->tcp, liberar_rechazada);
        al_parar(&s->senales, 0, s);
        return;
    }
    c->id = ++s->ultimo_id;
    c->siguiente = s->conexiones;
    if (s->conexiones != NULL)
        s->conexiones->anterior = c;
    s->conexiones = c;

    /* La dirección del cliente solo sirve para el registro: si no se puede saber (el cliente
     * ya se fue), se imprime «?:0» y se sigue; la lectura descubrirá el corte. */
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&dir, &largo) == 0 &&
        uv_ip4_name((struct sockaddr_in *)&dir, ip, sizeof ip) == 0)
        puerto = ntohs(((struct sockaddr_in *)&dir)->sin_port);
    printf("conexión %d desde %s:%d\n", c->id, ip, puerto);
    if (uv_read_start((uv_stream_t *)&c->tcp, reservar, al_leer) < 0)
        cerrar_conexion(c);
}

/* --- Parada y arranque --------------------------------------------------------------- */

static void al_parar(senales_t *senales, int signum, void *datos)
{
    servidor_t *s = datos;
    conexion_t *c;
    (void)signum;
    printf("Parando: cierro la escucha y %s\n",
           s->conexiones != NULL ? "las conexiones abiertas" : "no queda ninguna conexión");
    uv_close((uv_handle_t *)&s->escucha, NULL);
    for (c = s->conexiones; c != NULL; c = c->siguiente)
        cerrar_conexion(c);
    senales_cerrar(senales);
}

/* Lee «--puerto N». Devuelve el puerto (0–65535) o -1 si los argumentos no valen. */
static int leer_puerto(int argc, char **argv)
{
    char *fin;
    long n;
    if (argc == 1)
        return 8888;
    if (argc != 3 || strcmp(argv[1], "--puerto") != 0)
        return -1;
    errno = 0;
    n = strtol(argv[2], &fin, 10);
    if (errno != 0 || *fin != '\0' || n < 0 || n > 65535)
        return -1;
    return (int)n;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    servidor_t s = {0};
    struct sockaddr_in dir;
    struct sockaddr_storage real;
    int largo = sizeof real;
    int puerto = leer_puerto(argc, argv);
    int r;

    if (puerto < 0) {
        fprintf(stderr, "uso: %s [--puerto N]\n", argv[0]);
        return 2;
    }
    /* Seguir escribiendo en un socket cuyo cliente ya se fue lanza SIGPIPE, y su acción por
     * omisión mata el proceso: un cliente que corta con respuestas pendientes tumbaría el
     * servidor. Ignorada, la escritura falla con UV_EPIPE y se trata como otro error. */
    signal(SIGPIPE, SIG_IGN);
    if (uv_loop_init(&bucle) < 0)
        return 1;
    uv_tcp_init(&bucle, &s.escucha); /* sin familia: no puede fallar */
    s.escucha.data = &s;
    r = uv_ip4_addr("127.0.0.1", puerto, &dir);
    if (r == 0)
        r = uv_tcp_bind(&s.escucha, (const struct sockaddr *)&dir, 0);
    if (r == 0) /* un puerto ocupado se descubre aquí, no en el bind */
        r = uv_listen((uv_stream_t *)&s.escucha, 128, al_conectar);
    if (r == 0)
        r = uv_tcp_getsockname(&s.escucha, (struct sockaddr *)&real, &largo);
    if (r == 0)
        r = senales_iniciar(&bucle, &s.senales, al_parar, &s);
    if (r < 0) {
        fprintf(stderr, "no puedo escuchar en el puerto %d: %s\n", puerto, error_texto(r));
        uv_close((uv_handle_t *)&s.escucha, NULL);
        bucle_terminar(&bucle);
        return 1;
    }
    printf("Escuchando en 127.0.0.1:%d\n", ntohs(((struct sockaddr_in *)&real)->sin_port));
    fflush(stdout);

    r = bucle_terminar(&bucle);
    printf("Servidor detenido\n");
    return r == 0 ? 0 : 1;
}
