//@ partida: /* chat.c — Laboratorio 09: servidor de la sala de chat (programa de partida).
//@ solucion {
/* chat.c — servidor de la sala de chat del laboratorio 09 (solución de referencia).
//@ }
 *
//@ partida:  *   chat [--puerto N]      (por omisión 9999; 0 = el sistema elige un puerto libre)
//@ solucion {
 * Un solo hilo y un solo bucle atienden a todos los clientes. Cada conexión es un cliente_t
 * con su propio lector de líneas (protocolo.c) y un estado: primero se le pide el nombre y
 * después charla.
//@ }
 *
//@ partida:  * Un solo hilo y un solo bucle de libuv atienden a todos los clientes. Cada conexión es un
//@ partida:  * cliente_t con su lector de líneas (protocolo.c) y un estado: primero se le pide el
//@ partida:  * nombre y después charla. El protocolo exacto (qué se escribe y cuándo) está en
//@ partida:  * README.md: el calificador lo comprueba carácter a carácter.
//@ solucion {
 * Lo que un servidor de verdad no puede olvidar y aquí se resuelve:
 *   - TCP no entrega líneas: el lector guarda los trozos hasta el '\n' (LF o CRLF);
 *   - una línea de más de 4 KiB se rechaza sin cerrar la sesión;
 *   - un cliente que no lee acumula escrituras pendientes: al pasar de LIMITE_COLA se le
 *     desconecta (si no, la memoria del servidor crece sin límite);
 *   - un corte brusco (EOF, ECONNRESET, EPIPE) cuenta como /quit: los demás se enteran;
 *   - SIGINT/SIGTERM avisan a todos, cierran cada handle y el programa sale con 0 solo si
 *     uv_loop_close() devuelve 0.
//@ }
 *
//@ partida:  * Así como está, compila, escucha, anuncia su puerto, acepta conexiones y parte lo que
//@ partida:  * llega en líneas (el lector de protocolo.c ya está hecho), pero no contesta nada: enviar()
//@ partida:  * no envía, las líneas no hacen nada y Ctrl+C no cierra a los clientes. Completa los TODO
//@ partida:  * en orden (1 → 8; el de protocolo.c con el 6) y prueba después de cada uno con el cliente
//@ partida:  * de ejemplo o con nc (ver README.md).
//@ solucion {
 * Rendimiento: lo caro de un chat es la difusión (cada línea sale N−1 veces). Un uv_write
 * por línea y destinatario cuesta una llamada al sistema y un segmento TCP por entrega. Aquí
 * lo que hay que mandar a cada cliente se acumula en su búfer de salida durante la vuelta
 * del bucle y se entrega a libuv con UN uv_write por cliente en la fase «check» (justo
 * después de atender todas las lecturas de esa vuelta). Mismo protocolo, muchas menos
 * llamadas al sistema cuando hay carga.
//@ }
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
//@ partida: /* Bytes pendientes de escribir a un cliente a partir de los cuales se le da por perdido. */
//@ solucion {
/* Bytes pendientes de escribir a un cliente (en libuv + en su búfer) a partir de los cuales
 * se le da por perdido. */
//@ }
#define LIMITE_COLA (1024 * 1024)
//@ solucion {
/* Lo acumulado para un cliente se entrega a libuv al final de cada vuelta del bucle o en
 * cuanto pasa de este tamaño. */
#define UMBRAL_VOLCADO (64 * 1024)
/* Al apagar, cuánto esperamos a que los clientes reciban el aviso antes de cortar. */
#define PLAZO_APAGADO_MS 2000
//@ }

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
    //@ partida:     cliente_t *ant, *sig; /* lista de la sala, en orden de llegada */
    //@ solucion {
    char *salida;               /* lo que aún no se ha entregado a libuv (o NULL) */
    size_t salida_usados;
    size_t salida_capacidad;
    cliente_t *ant, *sig;       /* lista de la sala, en orden de llegada */
    cliente_t *sig_vaciar;      /* lista de clientes con salida pendiente */
    int por_vaciar;             /* ya está en esa lista */
    cliente_t *sig_expulsion;   /* pila de clientes que hay que desconectar */
    int marcado;                /* ya está en esa pila */
    motivo_t motivo_expulsion;
    //@ }
};

struct sala_s {
    uv_loop_t *bucle;
    uv_tcp_t servidor;
    senales_t senales;
    //@ solucion {
    uv_check_t vaciado;         /* activo solo mientras hay salida pendiente */
    uv_timer_t plazo;
    int plazo_iniciado;
    int apagando;
    //@ }
    cliente_t *primero, *ultimo;
    uv_tcp_t descarte;          /* recoge una conexión que no podemos atender (descartar) */
    int descartando;            /* descarte se está cerrando */
    int por_descartar;          /* otra espera a que acabe de cerrarse */
    //@ partida:     size_t en_sala; /* clientes con nombre */
    //@ solucion {
    cliente_t *vaciar;
    cliente_t *por_expulsar;
    int expulsando;
    size_t abiertos;            /* clientes cuyo handle aún no se ha cerrado del todo */
    size_t en_sala;             /* clientes con nombre */
    //@ }
    /* Un único búfer de lectura para todos: libuv llama a alloc_cb y enseguida a read_cb,
     //@ solucion {
     * y lo leído se consume (o se copia al lector) antes de volver. 10 000 clientes
     * callados no gastan 10 000 búferes. */
     //@ }
     //@ partida:      * y lo leído se consume (o se copia al lector del cliente) antes de volver. */
    char lectura[64 * 1024];
};

//@ solucion {
/* Una escritura en curso: el búfer pasa a ser suyo y se libera en su callback. */
typedef struct {
    uv_write_t req;
    char *datos;
} envio_t;

//@ }
static void cliente_cerrar(cliente_t *c, motivo_t motivo);

//@ partida: /* --- Enviar --------------------------------------------------------------------------- */
//@ solucion {
/* --- Expulsiones ---------------------------------------------------------------------- */
//@ }

//@ partida: /* Envía a `c` las `n` partes, seguidas, como un solo mensaje. */
//@ solucion {
/* Apunta al cliente para desconectarlo cuando termine lo que se está haciendo: cerrarlo en
 * mitad de una difusión cambiaría la lista que se está recorriendo. */
static void marcar(cliente_t *c, motivo_t motivo)
{
    if (c->marcado || c->estado == CERRANDO) {
        return;
    }
    c->marcado = 1;
    c->motivo_expulsion = motivo;
    c->sig_expulsion = c->sala->por_expulsar;
    c->sala->por_expulsar = c;
}

static void procesar_expulsiones(sala_t *s)
{
    cliente_t *c;

    if (s->expulsando) {
        return; /* ya lo hace una llamada más externa */
    }
    s->expulsando = 1;
    /* Cerrar a uno avisa a los demás, y ese aviso puede desbordar a otro: por eso la pila
     * se vacía en bucle hasta que no queda nadie. */
    while (s->por_expulsar != NULL) {
        c = s->por_expulsar;
        s->por_expulsar = c->sig_expulsion;
        c->sig_expulsion = NULL;
        if (c->motivo_expulsion == SALE_LENTO) {
            bitacora_aviso("%s no lee: más de %d bytes pendientes; se le desconecta",
                           c->estado == EN_SALA ? c->nombre : "(sin nombre)", LIMITE_COLA);
        }
        cliente_cerrar(c, c->motivo_expulsion);
    }
    s->expulsando = 0;
}

/* --- Salida --------------------------------------------------------------------------- */

static void al_escribir(uv_write_t *req, int estado)
{
    envio_t *e = req->data;
    cliente_t *c = req->handle->data;

    free(e->datos);
    free(e);
    /* UV_ECANCELED: el handle se está cerrando y libuv descarta lo pendiente. */
    if (estado < 0 && estado != UV_ECANCELED && c->estado != CERRANDO) {
        bitacora_info("error al escribir a %s: %s", c->estado == EN_SALA ? c->nombre : "?",
                      error_texto(estado));
        marcar(c, SALE_CORTE);
        procesar_expulsiones(c->sala);
    }
}

/* Entrega a libuv todo lo acumulado para `c` con un solo uv_write. */
static void volcar(cliente_t *c)
{
    envio_t *e;
    uv_buf_t buf;

    if (c->salida_usados == 0 || c->estado == CERRANDO) {
        return;
    }
    e = malloc(sizeof *e);
    if (e == NULL) {
        marcar(c, SALE_CORTE);
        return;
    }
    e->datos = c->salida;
    e->req.data = e;
    buf = uv_buf_init(c->salida, (unsigned int)c->salida_usados);
    c->salida = NULL;
    c->salida_usados = 0;
    c->salida_capacidad = 0;
    if (uv_write(&e->req, (uv_stream_t *)&c->tcp, &buf, 1, al_escribir) < 0) {
        free(e->datos);
        free(e);
        marcar(c, SALE_CORTE);
    }
}

/* Fase «check»: ya se atendieron las lecturas de esta vuelta; se vacía lo acumulado. */
static void al_vaciar(uv_check_t *h)
{
    sala_t *s = h->data;
    cliente_t *c;

    /* Volcar puede descubrir a alguien que hay que expulsar, y expulsarlo avisa a los demás
     * (más salida). Se repite hasta que no quede nada: así ningún cliente cerrado en esta
     * vuelta sigue en la lista cuando libuv libere su memoria (fase de cierres). */
    do {
        procesar_expulsiones(s);
        while (s->vaciar != NULL) {
            c = s->vaciar;
            s->vaciar = c->sig_vaciar;
            c->sig_vaciar = NULL;
            c->por_vaciar = 0;
            volcar(c);
        }
    } while (s->por_expulsar != NULL);
    uv_check_stop(h);
}

/* Añade las `n` partes al búfer de salida de `c`. Nunca cierra al cliente directamente: si
 * no lee (o falta memoria) lo marca para expulsarlo. */
//@ }
static void enviar(cliente_t *c, const uv_buf_t *partes, size_t n)
{
    //@ partida:     /* TODO 1: envía las partes a `c` con uv_write.
    //@ partida:      *   - uv_write NO copia los datos y vuelve antes de escribirlos: reserva en un solo
    //@ partida:      *     malloc la petición y una COPIA de las partes, una detrás de otra (es el
    //@ partida:      *     escritura_t de curso/escritura.h, lección 6, §2.4: inclúyelo), y libérala en la
    //@ partida:      *     callback de escritura, que escribes tú (req->data te lleva hasta ella), también
    //@ partida:      *     cuando llega con error. Sin la copia todo parece ir bien hasta el hito C: ahí
    //@ partida:      *     `quit` y `apagado_lento` encuentran bytes cambiados en la cola de quien no lee.
    //@ partida:      *   - No escribas a un cliente en estado CERRANDO.
    //@ partida:      *   - Si uv_write devuelve un error, libera lo reservado: su callback no se llamará.
    //@ partida:      *   - Después (TODO 7): si lo que espera en su cola de escritura pasa de LIMITE_COLA, el
    //@ partida:      *     cliente no lee: hay que desconectarlo (¡pero no en mitad de una difusión que está
    //@ partida:      *     recorriendo la lista! apúntalo y ciérralo al terminar).
    //@ partida:      * Con esto ya debería llegar «* ¿Cómo te llamas?» a quien se conecta. */
    //@ partida:     (void)c;
    //@ partida:     (void)partes;
    //@ partida:     (void)n;
    //@ solucion {
    sala_t *s = c->sala;
    size_t total = 0;

    if (c->estado == CERRANDO || c->marcado) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        total += partes[i].len;
    }
    /* Lo que libuv aún no pudo escribir + lo acumulado: eso es lo que el cliente no lee. */
    if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) + c->salida_usados + total >
        LIMITE_COLA) {
        marcar(c, SALE_LENTO);
        return;
    }
    if (c->salida_usados + total > c->salida_capacidad) {
        size_t capacidad = c->salida_capacidad > 0 ? c->salida_capacidad * 2 : 256;
        char *nuevo;
        while (capacidad < c->salida_usados + total) {
            capacidad *= 2;
        }
        nuevo = realloc(c->salida, capacidad);
        if (nuevo == NULL) {
            marcar(c, SALE_CORTE);
            return;
        }
        c->salida = nuevo;
        c->salida_capacidad = capacidad;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(c->salida + c->salida_usados, partes[i].base, partes[i].len);
        c->salida_usados += partes[i].len;
    }
    if (c->salida_usados >= UMBRAL_VOLCADO) {
        /* Una ráfaga grande en una sola vuelta (libuv lee hasta 32 veces seguidas de un
         * socket) no espera al final: así la cola de libuv refleja de verdad lo que el
         * cliente no ha leído y el límite no expulsa a quien sí lee. */
        volcar(c);
    }
    if (!c->por_vaciar) {
        c->por_vaciar = 1;
        c->sig_vaciar = s->vaciar;
        s->vaciar = c;
        if (!uv_is_active((uv_handle_t *)&s->vaciado)) {
            uv_check_start(&s->vaciado, al_vaciar);
        }
    }
    //@ }
}

static void enviar_texto(cliente_t *c, const char *texto)
{
    uv_buf_t parte = uv_buf_init((char *)texto, (unsigned int)strlen(texto));
    enviar(c, &parte, 1);
}

//@ partida: /* printf para avisos cortos. El texto de los usuarios NO pasa por aquí: puede traer bytes
//@ partida:  * nulos y "%s" lo cortaría (va por enviar() tal cual, en partes: ver hablar()). */
//@ solucion {
/* printf solo para avisos, que nunca pasan de unos cientos de bytes: el texto de los
 * usuarios puede traer bytes nulos y va por enviar() tal cual (ver hablar()). */
//@ }
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
    //@ partida:     /* TODO 3: recorre la lista y envía las partes a cada cliente EN_SALA que no sea el
    //@ partida:      * remitente. */
    //@ partida:     (void)s;
    //@ partida:     (void)remitente;
    //@ partida:     (void)partes;
    //@ partida:     (void)n;
    //@ solucion {
    for (cliente_t *c = s->primero; c != NULL; c = c->sig) {
        if (c != remitente && c->estado == EN_SALA) {
            enviar(c, partes, n);
        }
    }
    procesar_expulsiones(s);
    //@ }
}

//@ partida: /* Un aviso con formato (hecho) a todos los de la sala menos al remitente. Como
//@ partida:  * enviar_formato: solo para avisos cortos, nunca para el texto de un usuario. */
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

//@ partida: /* --- Lista de la sala (hecha) --------------------------------------------------------- */
//@ solucion {
/* --- Lista de la sala ----------------------------------------------------------------- */
//@ }

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

//@ solucion {
static int nombre_en_uso(const sala_t *s, const char *nombre, size_t largo)
{
    for (const cliente_t *c = s->primero; c != NULL; c = c->sig) {
        if (c->estado == EN_SALA && strlen(c->nombre) == largo &&
            memcmp(c->nombre, nombre, largo) == 0) {
            return 1;
        }
    }
    return 0;
}

//@ }
/* --- Cierre de un cliente ------------------------------------------------------------- */

static void al_cerrar_cliente(uv_handle_t *h)
{
    cliente_t *c = h->data;
    //@ solucion {
    sala_t *s = c->sala;
    //@ }

    //@ partida:     /* La memoria del cliente se libera aquí, cuando libuv ya no usa el handle. */
    lector_liberar(&c->lector);
    //@ solucion {
    free(c->salida);
    //@ }
    free(c);
    //@ solucion {
    s->abiertos--;
    if (s->apagando && s->abiertos == 0 && s->plazo_iniciado &&
        !uv_is_closing((uv_handle_t *)&s->plazo)) {
        uv_close((uv_handle_t *)&s->plazo, NULL);
    }
    //@ }
}

//@ solucion {
static void al_apagar_escritura(uv_shutdown_t *req, int estado)
{
    (void)estado; /* con o sin error, lo siguiente es cerrar */
    if (!uv_is_closing((uv_handle_t *)req->handle)) {
        uv_close((uv_handle_t *)req->handle, al_cerrar_cliente);
    }
}

/* Saca al cliente de la sala. Con /quit y al apagar se le despide y se espera a que salga
 * lo que tenía pendiente (uv_shutdown); con un corte o por lento se cierra ya (libuv cancela
 * lo pendiente). Los demás se enteran de que se fue, salvo al apagar (reciben otro aviso). */
//@ }
static void cliente_cerrar(cliente_t *c, motivo_t motivo)
{
    //@ partida:     /* TODO 5: saca al cliente de la sala.
    //@ partida:      *   - Si ya está CERRANDO, no hagas nada (puede llegar aquí dos veces).
    //@ partida:      *   - Con SALE_QUIT: envía «* ¡Adiós, NOMBRE!» (o «* ¡Adiós!» sin nombre), antes de
    //@ partida:      *     pasar a CERRANDO: enviar() no escribe a quien ya lo está.
    //@ partida:      *   - Guarda su estado de antes y pasa a CERRANDO; quítalo de la lista (y, si estaba
    //@ partida:      *     EN_SALA, de la cuenta de la sala, que solo cuenta a los que tienen nombre),
    //@ partida:      *     uv_read_stop, lector_liberar.
    //@ partida:      *   - Con despedida (SALE_QUIT y SALE_APAGADO): uv_shutdown (espera a que salga lo
    //@ partida:      *     pendiente) y uv_close en su callback (req->handle->data es el cliente); si
    //@ partida:      *     uv_shutdown devuelve un error, uv_close ya. Sin despedida (SALE_CORTE y
    //@ partida:      *     SALE_LENTO): uv_close directamente con al_cerrar_cliente.
    //@ partida:      *   - Si estaba EN_SALA, difunde «* NOMBRE ha salido de la sala» a los demás.
    //@ partida:      *   - Un error de escritura (en la callback de uv_write: req->handle->data es el
    //@ partida:      *     cliente) también es un corte. Con UV_ECANCELED el cliente ya está CERRANDO.
    //@ partida:      * Por ahora solo se cierra la conexión, sin avisar a nadie. */
    //@ partida:     (void)motivo;
    //@ solucion {
    sala_t *s = c->sala;
    int estaba = c->estado == EN_SALA;
    int r = -1;

    //@ }
    if (c->estado == CERRANDO) {
        return;
    }
    //@ partida:     c->estado = CERRANDO;
    //@ partida:     lista_quitar(c->sala, c);
    //@ partida:     uv_close((uv_handle_t *)&c->tcp, al_cerrar_cliente);
    //@ solucion {
    if (motivo == SALE_QUIT && estaba) {
        enviar_formato(c, "* ¡Adiós, %s!\n", c->nombre);
    } else if (motivo == SALE_QUIT) {
        enviar_texto(c, "* ¡Adiós!\n");
    } else if (motivo == SALE_APAGADO) {
        enviar_texto(c, TEXTO_APAGADO);
    }
    if ((motivo == SALE_QUIT || motivo == SALE_APAGADO) && !c->marcado) {
        /* La despedida tiene que estar en la cola de libuv ANTES del shutdown. */
        volcar(c);
    }
    c->estado = CERRANDO; /* a partir de aquí nadie le escribe ni lo vuelca */
    lista_quitar(s, c);
    if (estaba) {
        s->en_sala--;
    }
    uv_read_stop((uv_stream_t *)&c->tcp);
    lector_liberar(&c->lector);
    if ((motivo == SALE_QUIT || motivo == SALE_APAGADO) && !c->marcado) {
        r = uv_shutdown(&c->cierre, (uv_stream_t *)&c->tcp, al_apagar_escritura);
    }
    if (r != 0) {
        uv_close((uv_handle_t *)&c->tcp, al_cerrar_cliente);
    }

    if (estaba) {
        bitacora_info("sale %s (%s)", c->nombre,
                      motivo == SALE_QUIT    ? "/quit"
                      : motivo == SALE_CORTE ? "corte"
                      : motivo == SALE_LENTO ? "no lee"
                                             : "apagado");
        if (motivo == SALE_LENTO) {
            difundir_aviso(s, NULL, "* %s ha salido de la sala (no leía sus mensajes)\n",
                           c->nombre);
        } else if (motivo != SALE_APAGADO) {
            difundir_aviso(s, NULL, "* %s ha salido de la sala\n", c->nombre);
        }
    }
    //@ }
}

/* --- Lo que dice un cliente ----------------------------------------------------------- */

static void registrar(cliente_t *c, const char *nombre, size_t largo)
{
    //@ partida:     /* TODO 2: si el nombre está vacío o pasa de PROTO_MAX_NOMBRE bytes, envía la línea de
    //@ partida:      * error del enunciado y otra vez TEXTO_PREGUNTA. Si vale: cópialo en c->nombre
    //@ partida:      * (termínalo en '\0'), pasa a EN_SALA (y súmalo a la cuenta de la sala), muévelo al
    //@ partida:      * final de la lista (orden de entrada para /list), envíale
    //@ partida:      * «* Hola, NOMBRE. Órdenes: /list, /quit» y difunde a los demás
    //@ partida:      * «* NOMBRE ha entrado en la sala» (difundir_aviso).
    //@ partida:      * Después (TODO 6): valida el nombre entero con proto_validar_nombre() (protocolo.c),
    //@ partida:      * cada error con su línea, y comprueba que nadie EN_SALA lo tenga ya. */
    //@ partida:     (void)c;
    //@ partida:     (void)nombre;
    //@ partida:     (void)largo;
    //@ partida:     (void)enviar_formato; /* para que compile sin usarla aún: bórralo cuando la uses */
    //@ partida:     (void)difundir_aviso; /* ídem */
    //@ solucion {
    sala_t *s = c->sala;
    const char *error = NULL;

    switch (proto_validar_nombre(nombre, largo)) {
    case NOMBRE_VACIO:
        error = "! El nombre no puede estar vacío\n";
        break;
    case NOMBRE_LARGO:
        error = "! El nombre es demasiado largo (máximo 32 bytes)\n";
        break;
    case NOMBRE_NO_PERMITIDO:
        error = "! El nombre tiene caracteres no permitidos\n";
        break;
    case NOMBRE_VALIDO:
        break;
    }
    if (error != NULL) {
        enviar_texto(c, error);
        enviar_texto(c, TEXTO_PREGUNTA);
        return;
    }
    if (nombre_en_uso(s, nombre, largo)) {
        /* Ya validado (UTF-8, sin controles, ≤ 32 bytes): se puede repetir sin peligro. */
        enviar_formato(c, "! El nombre «%.*s» ya está en uso\n", (int)largo, nombre);
        enviar_texto(c, TEXTO_PREGUNTA);
        return;
    }
    memcpy(c->nombre, nombre, largo);
    c->nombre[largo] = '\0';
    c->estado = EN_SALA;
    s->en_sala++;
    /* /list enseña a la gente en el orden en que entró en la sala. */
    lista_quitar(s, c);
    lista_anadir(s, c);
    bitacora_info("entra %s (%zu en la sala)", c->nombre, s->en_sala);
    enviar_formato(c, "* Hola, %s. Órdenes: /list, /quit\n", c->nombre);
    difundir_aviso(s, c, "* %s ha entrado en la sala\n", c->nombre);
    //@ }
}

static void listar(cliente_t *c)
{
    //@ partida:     /* TODO 4: responde SOLO a `c` con «* Conectados (N): a, b, c», con los clientes EN_SALA
    //@ partida:      * en el orden en que entraron. La línea crece con la sala: envíala por partes. */
    //@ partida:     (void)c;
    //@ solucion {
    const sala_t *s = c->sala;
    char cabecera[64];
    uv_buf_t partes[3];
    size_t n = 0;

    snprintf(cabecera, sizeof cabecera, "* Conectados (%zu):", s->en_sala);
    enviar_texto(c, cabecera);
    /* «* Conectados (3): ana, beto, carla» se envía por partes al mismo búfer. */
    for (const cliente_t *o = s->primero; o != NULL; o = o->sig) {
        if (o->estado == EN_SALA) {
            partes[0] = uv_buf_init(n == 0 ? " " : ", ", n == 0 ? 1 : 2);
            partes[1] = uv_buf_init((char *)o->nombre, (unsigned int)strlen(o->nombre));
            enviar(c, partes, 2);
            n++;
        }
    }
    enviar_texto(c, "\n");
    //@ }
}

static void hablar(cliente_t *c, const char *texto, size_t largo)
{
    //@ partida:     /* TODO 3: difunde «NOMBRE: texto\n» a los demás, en cuatro partes (nombre, ": ", el
    //@ partida:      * texto con su largo y "\n"): el texto puede traer bytes nulos y va tal cual. */
    //@ partida:     (void)c;
    //@ partida:     (void)texto;
    //@ partida:     (void)largo;
    //@ solucion {
    /* Por partes y con su longitud: el texto puede traer bytes nulos y se reenvía tal cual. */
    uv_buf_t partes[4] = {
        uv_buf_init(c->nombre, (unsigned int)strlen(c->nombre)),
        uv_buf_init(": ", 2),
        uv_buf_init((char *)texto, (unsigned int)largo),
        uv_buf_init("\n", 1),
    };

    difundir(c->sala, c, partes, 4);
    //@ }
}

static int es_orden(const char *linea, size_t largo, const char *orden)
{
    return largo == strlen(orden) && memcmp(linea, orden, largo) == 0;
}

//@ partida: /* Callback del lector de líneas (protocolo.c): una línea completa, ya sin "\n" ni "\r", o
//@ partida:  * el aviso de que era demasiado larga. `linea` NO termina en '\0': usa `largo`.
//@ partida:  * Devuelve distinto de 0 cuando ya no tiene sentido seguir con lo que mandó. */
//@ solucion {
/* Callback del lector: una línea completa del cliente (o el aviso de que era demasiado
 * larga). Devuelve distinto de 0 cuando ya no tiene sentido seguir con lo que mandó. */
//@ }
static int al_recibir_linea(void *ctx, const char *linea, size_t largo, int demasiado_larga)
{
    cliente_t *c = ctx;

    if (demasiado_larga) {
        //@ partida:         /* TODO 6: envía «! Línea demasiado larga (máximo 4096 bytes): se descarta» y, si
        //@ partida:          * aún no tiene nombre, otra vez la pregunta. */
        //@ solucion {
        enviar_texto(c, "! Línea demasiado larga (máximo 4096 bytes): se descarta\n");
        if (c->estado == ESPERANDO_NOMBRE) {
            enviar_texto(c, TEXTO_PREGUNTA);
        }
        //@ }
    } else if (es_orden(linea, largo, "/quit")) {
        cliente_cerrar(c, SALE_QUIT);
    } else if (c->estado == ESPERANDO_NOMBRE) {
        registrar(c, linea, largo);
    } else if (es_orden(linea, largo, "/list")) {
        listar(c);
    } else if (largo > 0 && linea[0] == '/') {
        //@ partida:         /* TODO 4: «! Orden desconocida (usa /list o /quit)». */
        //@ solucion {
        enviar_texto(c, "! Orden desconocida (usa /list o /quit)\n");
        //@ }
    } else if (largo > 0) {
        hablar(c, linea, largo);
    }
    //@ partida:     return c->estado == CERRANDO;
    //@ solucion {
    return c->estado == CERRANDO || c->marcado;
    //@ }
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
    //@ solucion {
    sala_t *s = c->sala;
    //@ }

    if (nleidos > 0) {
        //@ partida:         /* Cada línea completa (ya sin "\n" ni "\r") llega a al_recibir_linea; la línea a
        //@ partida:          * medias se queda en el lector de este cliente hasta la siguiente lectura. */
        if (lector_alimentar(&c->lector, buf->base, (size_t)nleidos, al_recibir_linea, c) < 0) {
            //@ partida:             cliente_cerrar(c, SALE_CORTE); /* sin memoria para su línea */
            //@ solucion {
            marcar(c, SALE_CORTE); /* sin memoria para su línea */
            //@ }
        }
    } else if (nleidos < 0) {
        //@ partida:         /* UV_EOF o un error (UV_ECONNRESET…): el cliente se fue. Para los demás es igual
        //@ partida:          * que un /quit: cliente_cerrar avisa (TODO 5). */
        //@ solucion {
        /* UV_EOF o un error (ECONNRESET): para los demás es como un /quit. Una línea a
         * medias sin su '\n' se descarta. */
        //@ }
        cliente_cerrar(c, SALE_CORTE);
    }
    //@ solucion {
    procesar_expulsiones(s);
    //@ }
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
    //@ solucion {
    s->abiertos++;
    //@ }
    lista_anadir(s, c);
    r = uv_accept(servidor, (uv_stream_t *)&c->tcp);
    if (r == 0) {
        //@ solucion {
        uv_tcp_nodelay(&c->tcp, 1); /* un chat es interactivo: nada de esperar a Nagle */
        //@ }
        r = uv_read_start((uv_stream_t *)&c->tcp, al_reservar, al_leer);
    }
    if (r < 0) {
        //@ solucion {
        bitacora_aviso("no se pudo atender una conexión: %s", error_texto(r));
        //@ }
        cliente_cerrar(c, SALE_CORTE);
        return;
    }
    enviar_texto(c, TEXTO_PREGUNTA);
}

/* --- Apagado -------------------------------------------------------------------------- */

//@ solucion {
static void cortar_uno(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (h->type == UV_TCP && !uv_is_closing(h)) {
        uv_close(h, al_cerrar_cliente);
    }
}

/* Quien no recogió su aviso a tiempo (un cliente que no lee) se corta sin más. */
static void al_vencer_plazo(uv_timer_t *t)
{
    sala_t *s = t->data;

    bitacora_aviso("quedan %zu clientes sin despedir; se cortan", s->abiertos);
    uv_walk(s->bucle, cortar_uno, NULL);
    uv_close((uv_handle_t *)&s->plazo, NULL);
}

//@ }
static void al_parar(senales_t *senales, int signum, void *datos)
{
    sala_t *s = datos;

    //@ partida:     (void)signum;
    //@ solucion {
    (void)senales;
    bitacora_info("recibida la señal %d: se cierra la sala", signum);
    s->apagando = 1;
    //@ }
    uv_close((uv_handle_t *)&s->servidor, NULL);
    //@ partida:     senales_cerrar(senales);
    //@ partida:     /* TODO 8: a CADA cliente (tenga nombre o no): envía TEXTO_APAGADO y ciérralo con
    //@ partida:      * despedida (uv_shutdown + uv_close). Si alguno no lee, su shutdown no acaba nunca:
    //@ partida:      * un uv_timer de 2 s que cierre lo que quede evita que el servidor no termine.
    //@ partida:      * Cuando no quede ningún handle, uv_run vuelve y main comprueba uv_loop_close(). */
    //@ solucion {
    senales_cerrar(&s->senales);
    while (s->primero != NULL) {
        cliente_cerrar(s->primero, SALE_APAGADO); /* lo saca de la lista */
    }
    procesar_expulsiones(s);
    /* Cada cliente ya volcó su despedida: no queda nada que vaciar. */
    s->vaciar = NULL;
    uv_close((uv_handle_t *)&s->vaciado, NULL);
    if (s->abiertos > 0 && uv_timer_init(s->bucle, &s->plazo) == 0) {
        s->plazo_iniciado = 1;
        s->plazo.data = s;
        uv_timer_start(&s->plazo, al_vencer_plazo, PLAZO_APAGADO_MS, 0);
    }
    //@ }
}

//@ partida: /* --- Programa principal (hecho) ------------------------------------------------------- */
//@ solucion {
/* --- Programa principal --------------------------------------------------------------- */
//@ }

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
    //@ solucion {
    uv_check_init(&bucle, &sala.vaciado);
    sala.vaciado.data = &sala;
    //@ }
    r = escuchar(&sala, puerto);
    if (r == 0) {
        r = senales_iniciar(&bucle, &sala.senales, al_parar, &sala);
        if (r < 0) {
            uv_close((uv_handle_t *)&sala.servidor, NULL);
        }
    }
    if (r < 0) {
        fprintf(stderr, "no se puede escuchar en 127.0.0.1:%d: %s\n", puerto, error_texto(r));
        //@ solucion {
        uv_close((uv_handle_t *)&sala.vaciado, NULL);
        //@ }
    }
    /* bucle_terminar ejecuta hasta que no queda nada y comprueba uv_loop_close() == 0. */
    if (bucle_terminar(&bucle) != 0 || r < 0) {
        return 1;
    }
    return 0;
}
