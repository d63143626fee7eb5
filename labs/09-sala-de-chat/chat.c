/* chat.c — Laboratorio 09: servidor de la sala de chat (programa de partida).
 *
 *   chat [--puerto N]      (por omisión 9999; 0 = el sistema elige un puerto libre)
 *
 * Un solo hilo y un solo bucle de libuv atienden a todos los clientes. Cada conexión es un
 * cliente_t con su lector de líneas (protocolo.c) y un estado: primero se le pide el
 * nombre y después charla. El protocolo exacto (qué se escribe y cuándo) está en
 * README.md: el calificador lo comprueba carácter a carácter.
 *
 * Así como está, compila, escucha, anuncia su puerto, acepta conexiones y parte lo que
 * llega en líneas (el lector de protocolo.c ya está hecho), pero no contesta nada: enviar()
 * no envía, las líneas no hacen nada y Ctrl+C no cierra a los clientes. Completa los TODO
 * en orden (1 → 8; el de protocolo.c con el 6) y prueba después de cada uno con el cliente
 * de ejemplo o con nc (ver README.md).
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/errores.h"
#include "curso/bitacora.h"
#include "curso/bucle.h"
#include "curso/senales.h"
#include "protocolo.h"

#define PUERTO_POR_OMISION 9999
/* Bytes pendientes de escribir a un cliente a partir de los cuales se le da por perdido. */
#define LIMITE_COLA (1024 * 1024)

#define TEXTO_PREGUNTA "* ¿Cómo te llamas?\n"
#define TEXTO_APAGADO "* El servidor se va a cerrar. ¡Hasta pronto!\n"

typedef enum { ESPERANDO_NOMBRE, EN_SALA, CERRANDO } estado_t;

/* Por qué se va un cliente: decide qué se le dice a él y qué a los demás. */
typedef enum { SALE_QUIT, SALE_CORTE, SALE_LENTO, SALE_APAGADO } motivo_t;

typedef struct sala_s sala_t;
typedef struct cliente_s cliente_t;

struct cliente_s {
    uv_tcp_t tcp;
    uv_shutdown_t cierre;
    sala_t *sala;
    estado_t estado;
    char nombre[PROTO_MAX_NOMBRE + 1];
    lector_t lector;
    cliente_t *ant, *sig; /* lista de la sala, en orden de llegada */
};

struct sala_s {
    uv_loop_t *bucle;
    uv_tcp_t servidor;
    senales_t senales;
    cliente_t *primero, *ultimo;
    uv_tcp_t descarte;          /* recoge una conexión que no podemos atender (descartar) */
    int descartando;            /* descarte se está cerrando */
    int por_descartar;          /* otra espera a que acabe de cerrarse */
    size_t en_sala; /* clientes con nombre */
    /* Un único búfer de lectura para todos: libuv llama a alloc_cb y enseguida a read_cb,
     * y lo leído se consume (o se copia al lector del cliente) antes de volver. */
    char lectura[64 * 1024];
};

static void cliente_cerrar(cliente_t *c, motivo_t motivo);

/* --- Enviar --------------------------------------------------------------------------- */

/* Envía a `c` las `n` partes, seguidas, como un solo mensaje. */
static void enviar(cliente_t *c, const uv_buf_t *partes, size_t n)
{
    /* TODO 1: envía las partes a `c` con uv_write.
     *   - uv_write NO copia los datos y vuelve antes de escribirlos: reserva en un solo
     *     malloc la petición y una COPIA de las partes, una detrás de otra (es el
     *     escritura_t de curso/escritura.h, lección 6, §2.4: inclúyelo), y libérala en la
     *     callback de escritura, que escribes tú (req->data te lleva hasta ella), también
     *     cuando llega con error. Sin la copia todo parece ir bien hasta el hito C: ahí
     *     `quit` y `apagado_lento` encuentran bytes cambiados en la cola de quien no lee.
     *   - No escribas a un cliente en estado CERRANDO.
     *   - Si uv_write devuelve un error, libera lo reservado: su callback no se llamará.
     *   - Después (TODO 7): si lo que espera en su cola de escritura pasa de LIMITE_COLA, el
     *     cliente no lee: hay que desconectarlo (¡pero no en mitad de una difusión que está
     *     recorriendo la lista! apúntalo y ciérralo al terminar).
     * Con esto ya debería llegar «* ¿Cómo te llamas?» a quien se conecta. */
    (void)c;
    (void)partes;
    (void)n;
}

static void enviar_texto(cliente_t *c, const char *texto)
{
    uv_buf_t parte = uv_buf_init((char *)texto, (unsigned int)strlen(texto));
    enviar(c, &parte, 1);
}

/* printf para avisos cortos. El texto de los usuarios NO pasa por aquí: puede traer bytes
 * nulos y "%s" lo cortaría (va por enviar() tal cual, en partes: ver hablar()). */
static void enviar_formato(cliente_t *c, const char *formato, ...)
    __attribute__((format(printf, 2, 3)));
static void enviar_formato(cliente_t *c, const char *formato, ...)
{
    char texto[256];
    va_list args;

    va_start(args, formato);
    vsnprintf(texto, sizeof texto, formato, args);
    va_end(args);
    enviar_texto(c, texto);
}

/* A todos los que están en la sala menos al remitente (que puede ser NULL). */
static void difundir(sala_t *s, const cliente_t *remitente, const uv_buf_t *partes, size_t n)
{
    /* TODO 3: recorre la lista y envía las partes a cada cliente EN_SALA que no sea el
     * remitente. */
    (void)s;
    (void)remitente;
    (void)partes;
    (void)n;
}

/* Un aviso con formato (hecho) a todos los de la sala menos al remitente. Como
 * enviar_formato: solo para avisos cortos, nunca para el texto de un usuario. */
static void difundir_aviso(sala_t *s, const cliente_t *remitente, const char *formato, ...)
    __attribute__((format(printf, 3, 4)));
static void difundir_aviso(sala_t *s, const cliente_t *remitente, const char *formato, ...)
{
    char texto[256];
    va_list args;
    uv_buf_t parte;

    va_start(args, formato);
    vsnprintf(texto, sizeof texto, formato, args);
    va_end(args);
    parte = uv_buf_init(texto, (unsigned int)strlen(texto));
    difundir(s, remitente, &parte, 1);
}

/* --- Lista de la sala (hecha) --------------------------------------------------------- */

static void lista_quitar(sala_t *s, cliente_t *c)
{
    if (c->ant != NULL) {
        c->ant->sig = c->sig;
    } else {
        s->primero = c->sig;
    }
    if (c->sig != NULL) {
        c->sig->ant = c->ant;
    } else {
        s->ultimo = c->ant;
    }
    c->ant = NULL;
    c->sig = NULL;
}

static void lista_anadir(sala_t *s, cliente_t *c)
{
    c->sig = NULL;
    c->ant = s->ultimo;
    if (s->ultimo != NULL) {
        s->ultimo->sig = c;
    } else {
        s->primero = c;
    }
    s->ultimo = c;
}

/* --- Cierre de un cliente ------------------------------------------------------------- */

static void al_cerrar_cliente(uv_handle_t *h)
{
    cliente_t *c = h->data;

    /* La memoria del cliente se libera aquí, cuando libuv ya no usa el handle. */
    lector_liberar(&c->lector);
    free(c);
}

static void cliente_cerrar(cliente_t *c, motivo_t motivo)
{
    /* TODO 5: saca al cliente de la sala.
     *   - Si ya está CERRANDO, no hagas nada (puede llegar aquí dos veces).
     *   - Con SALE_QUIT: envía «* ¡Adiós, NOMBRE!» (o «* ¡Adiós!» sin nombre), antes de
     *     pasar a CERRANDO: enviar() no escribe a quien ya lo está.
     *   - Guarda su estado de antes y pasa a CERRANDO; quítalo de la lista (y, si estaba
     *     EN_SALA, de la cuenta de la sala, que solo cuenta a los que tienen nombre),
     *     uv_read_stop, lector_liberar.
     *   - Con despedida (SALE_QUIT y SALE_APAGADO): uv_shutdown (espera a que salga lo
     *     pendiente) y uv_close en su callback (req->handle->data es el cliente); si
     *     uv_shutdown devuelve un error, uv_close ya. Sin despedida (SALE_CORTE y
     *     SALE_LENTO): uv_close directamente con al_cerrar_cliente.
     *   - Si estaba EN_SALA, difunde «* NOMBRE ha salido de la sala» a los demás.
     *   - Un error de escritura (en la callback de uv_write: req->handle->data es el
     *     cliente) también es un corte. Con UV_ECANCELED el cliente ya está CERRANDO.
     * Por ahora solo se cierra la conexión, sin avisar a nadie. */
    (void)motivo;
    if (c->estado == CERRANDO) {
        return;
    }
    c->estado = CERRANDO;
    lista_quitar(c->sala, c);
    uv_close((uv_handle_t *)&c->tcp, al_cerrar_cliente);
}

/* --- Lo que dice un cliente ----------------------------------------------------------- */

static void registrar(cliente_t *c, const char *nombre, size_t largo)
{
    /* TODO 2: si el nombre está vacío o pasa de PROTO_MAX_NOMBRE bytes, envía la línea de
     * error del enunciado y otra vez TEXTO_PREGUNTA. Si vale: cópialo en c->nombre
     * (termínalo en '\0'), pasa a EN_SALA (y súmalo a la cuenta de la sala), muévelo al
     * final de la lista (orden de entrada para /list), envíale
     * «* Hola, NOMBRE. Órdenes: /list, /quit» y difunde a los demás
     * «* NOMBRE ha entrado en la sala» (difundir_aviso).
     * Después (TODO 6): valida el nombre entero con proto_validar_nombre() (protocolo.c),
     * cada error con su línea, y comprueba que nadie EN_SALA lo tenga ya. */
    (void)c;
    (void)nombre;
    (void)largo;
    (void)enviar_formato; /* para que compile sin usarla aún: bórralo cuando la uses */
    (void)difundir_aviso; /* ídem */
}

static void listar(cliente_t *c)
{
    /* TODO 4: responde SOLO a `c` con «* Conectados (N): a, b, c», con los clientes EN_SALA
     * en el orden en que entraron. La línea crece con la sala: envíala por partes. */
    (void)c;
}

static void hablar(cliente_t *c, const char *texto, size_t largo)
{
    /* TODO 3: difunde «NOMBRE: texto\n» a los demás, en cuatro partes (nombre, ": ", el
     * texto con su largo y "\n"): el texto puede traer bytes nulos y va tal cual. */
    (void)c;
    (void)texto;
    (void)largo;
}

static int es_orden(const char *linea, size_t largo, const char *orden)
{
    return largo == strlen(orden) && memcmp(linea, orden, largo) == 0;
}

/* Callback del lector de líneas (protocolo.c): una línea completa, ya sin "\n" ni "\r", o
 * el aviso de que era demasiado larga. `linea` NO termina en '\0': usa `largo`.
 * Devuelve distinto de 0 cuando ya no tiene sentido seguir con lo que mandó. */
static int al_recibir_linea(void *ctx, const char *linea, size_t largo, int demasiado_larga)
{
    cliente_t *c = ctx;

    if (demasiado_larga) {
        /* TODO 6: envía «! Línea demasiado larga (máximo 4096 bytes): se descarta» y, si
         * aún no tiene nombre, otra vez la pregunta. */
    } else if (es_orden(linea, largo, "/quit")) {
        cliente_cerrar(c, SALE_QUIT);
    } else if (c->estado == ESPERANDO_NOMBRE) {
        registrar(c, linea, largo);
    } else if (es_orden(linea, largo, "/list")) {
        listar(c);
    } else if (largo > 0 && linea[0] == '/') {
        /* TODO 4: «! Orden desconocida (usa /list o /quit)». */
    } else if (largo > 0) {
        hablar(c, linea, largo);
    }
    return c->estado == CERRANDO;
}

static void al_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    cliente_t *c = h->data;

    (void)sugerido;
    *buf = uv_buf_init(c->sala->lectura, sizeof c->sala->lectura);
}

static void al_leer(uv_stream_t *flujo, ssize_t nleidos, const uv_buf_t *buf)
{
    cliente_t *c = flujo->data;

    if (nleidos > 0) {
        /* Cada línea completa (ya sin "\n" ni "\r") llega a al_recibir_linea; la línea a
         * medias se queda en el lector de este cliente hasta la siguiente lectura. */
        if (lector_alimentar(&c->lector, buf->base, (size_t)nleidos, al_recibir_linea, c) < 0) {
            cliente_cerrar(c, SALE_CORTE); /* sin memoria para su línea */
        }
    } else if (nleidos < 0) {
        /* UV_EOF o un error (UV_ECONNRESET…): el cliente se fue. Para los demás es igual
         * que un /quit: cliente_cerrar avisa (TODO 5). */
        cliente_cerrar(c, SALE_CORTE);
    }
}

/* --- Conexiones nuevas ---------------------------------------------------------------- */

static void descartar(sala_t *s);

static void al_cerrar_descarte(uv_handle_t *h)
{
    sala_t *s = h->data;
    s->descartando = 0;
    if (s->por_descartar) {
        s->por_descartar = 0;
        descartar(s);
    }
}

/* Sin memoria para un cliente. Cuando libuv llama a al_conectar ya ha hecho el accept(): la
 * conexión es nuestra y, mientras no la recojamos con uv_accept(), libuv deja de vigilar la
 * escucha (no aceptaría a nadie más). Se recoge en el handle de reserva de la sala y se cierra
 * en el acto: ese cliente ve un cierre y los demás siguen entrando (lección 6). */
static void descartar(sala_t *s)
{
    if (uv_is_closing((uv_handle_t *)&s->servidor))
        return; /* apagando: al cerrar la escucha, libuv cierra también la pendiente */
    if (s->descartando) {
        s->por_descartar = 1; /* la recogerá al_cerrar_descarte */
        return;
    }
    /* uv_tcp_init sin familia no crea socket todavía: en Unix no puede fallar. */
    uv_tcp_init(s->bucle, &s->descarte);
    s->descarte.data = s;
    s->descartando = 1;
    int r = uv_accept((uv_stream_t *)&s->servidor, (uv_stream_t *)&s->descarte);
    uv_close((uv_handle_t *)&s->descarte, al_cerrar_descarte);
    if (r < 0)
        bitacora_error("uv_accept falló: el servidor ya no puede aceptar conexiones");
}

static void al_conectar(uv_stream_t *servidor, int estado)
{
    sala_t *s = servidor->data;
    cliente_t *c;
    int r;

    if (estado < 0) {
        bitacora_aviso("error al aceptar: %s", error_texto(estado));
        return;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        bitacora_error("sin memoria para un cliente nuevo: se le cierra la conexión");
        descartar(s);
        return;
    }
    c->sala = s;
    c->estado = ESPERANDO_NOMBRE;
    lector_iniciar(&c->lector);
    uv_tcp_init(s->bucle, &c->tcp); /* sin familia: no puede fallar (ver descartar) */
    c->tcp.data = c;
    lista_anadir(s, c);
    r = uv_accept(servidor, (uv_stream_t *)&c->tcp);
    if (r == 0) {
        r = uv_read_start((uv_stream_t *)&c->tcp, al_reservar, al_leer);
    }
    if (r < 0) {
        cliente_cerrar(c, SALE_CORTE);
        return;
    }
    enviar_texto(c, TEXTO_PREGUNTA);
}

/* --- Apagado -------------------------------------------------------------------------- */

static void al_parar(senales_t *senales, int signum, void *datos)
{
    sala_t *s = datos;

    (void)signum;
    uv_close((uv_handle_t *)&s->servidor, NULL);
    senales_cerrar(senales);
    /* TODO 8: a CADA cliente (tenga nombre o no): envía TEXTO_APAGADO y ciérralo con
     * despedida (uv_shutdown + uv_close). Si alguno no lee, su shutdown no acaba nunca:
     * un uv_timer de 2 s que cierre lo que quede evita que el servidor no termine.
     * Cuando no quede ningún handle, uv_run vuelve y main comprueba uv_loop_close(). */
}

/* --- Programa principal (hecho) ------------------------------------------------------- */

static int leer_puerto(const char *texto, int *puerto)
{
    char *fin;
    long valor;

    valor = strtol(texto, &fin, 10);
    if (fin == texto || *fin != '\0' || valor < 0 || valor > 65535) {
        return -1;
    }
    *puerto = (int)valor;
    return 0;
}

static int escuchar(sala_t *s, int puerto)
{
    struct sockaddr_in dir;
    struct sockaddr_storage real;
    int largo = sizeof real;
    int r;

    uv_ip4_addr("127.0.0.1", puerto, &dir);
    r = uv_tcp_init(s->bucle, &s->servidor);
    if (r < 0) {
        return r;
    }
    s->servidor.data = s;
    r = uv_tcp_bind(&s->servidor, (const struct sockaddr *)&dir, 0);
    if (r == 0) {
        /* EADDRINUSE aparece aquí, no en bind (libuv 1.44). */
        r = uv_listen((uv_stream_t *)&s->servidor, 1024, al_conectar);
    }
    if (r == 0) {
        r = uv_tcp_getsockname(&s->servidor, (struct sockaddr *)&real, &largo);
    }
    if (r < 0) {
        uv_close((uv_handle_t *)&s->servidor, NULL);
        return r;
    }
    /* La primera línea de stdout es un contrato: quien nos arranca lee de aquí el puerto.
     * stdout a una tubería va con búfer completo: sin fflush nadie la vería. */
    printf("Escuchando en 127.0.0.1:%d\n", ntohs(((struct sockaddr_in *)&real)->sin_port));
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    static sala_t sala; /* 64 KiB de búfer: mejor fuera de la pila */
    uv_loop_t bucle;
    int puerto = PUERTO_POR_OMISION;
    int r;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--puerto") == 0 && i + 1 < argc &&
            leer_puerto(argv[i + 1], &puerto) == 0) {
            i++;
        } else {
            fprintf(stderr, "uso: %s [--puerto N]   (0 = puerto efímero)\n", argv[0]);
            return 2;
        }
    }
    /* Escribir a un socket que el otro extremo ya cerró lanza SIGPIPE y, por omisión, mata
     * el proceso. Ignorada, la escritura falla con EPIPE y se trata como un corte más. */
    signal(SIGPIPE, SIG_IGN);

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    sala.bucle = &bucle;
    r = escuchar(&sala, puerto);
    if (r == 0) {
        r = senales_iniciar(&bucle, &sala.senales, al_parar, &sala);
        if (r < 0) {
            uv_close((uv_handle_t *)&sala.servidor, NULL);
        }
    }
    if (r < 0) {
        fprintf(stderr, "no se puede escuchar en 127.0.0.1:%d: %s\n", puerto, error_texto(r));
    }
    /* bucle_terminar ejecuta hasta que no queda nada y comprueba uv_loop_close() == 0. */
    if (bucle_terminar(&bucle) != 0 || r < 0) {
        return 1;
    }
    return 0;
}
