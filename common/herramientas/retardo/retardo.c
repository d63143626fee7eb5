/* retardo.c — un relé TCP que añade una ida y vuelta de red a voluntad, sobre libuv.
 *
 *   retardo --destino unix:RUTA | --destino IP:PUERTO [--retardo-ms MS] [--puerto P]
 *
 * Escucha en 127.0.0.1 (puerto P; por omisión, uno efímero) y, por cada conexión que llega,
 * abre otra al destino (un socket de Unix, p. ej. el de PostgreSQL, o TCP) y pasa los bytes en
 * los dos sentidos, cada trozo MS milisegundos después de recibirlo (decimales admitidos:
 * 0.5 en cada sentido da una ida y vuelta de 1 ms). Imprime «ESCUCHA <puerto>» en cuanto
 * acepta conexiones; SIGINT o SIGTERM lo paran limpiamente.
 *
 * Para qué: en loopback una ida y vuelta cuesta microsegundos, así que lo que un pool de
 * conexiones gana —esperar la red de varias peticiones a la vez— no se ve. Con este relé en
 * medio, `make bench-basedatos` mide el pool con una red de verdad (la de otra máquina del
 * centro de datos, ~1 ms) sin salir de la máquina.
 *
 * Compromisos: el retardo se aplica por trozo leído, con un timerfd por sentido (precisión de
 * microsegundos; los temporizadores de libuv van de milisegundo en milisegundo y 0.5 ms
 * acabarían en 1). El orden de los bytes se conserva: cada sentido es una cola FIFO y los
 * plazos crecen. Si un sentido acumula más de 4 MiB sin escribir, se deja de leer de su
 * origen hasta que baje (contrapresión). Un sentido que ve EOF lo reenvía (shutdown) a su
 * hora; la pareja se cierra cuando los dos sentidos han terminado o hay un error.
 *
 * Memoria: cada pareja (pareja_t) es del relé; se libera en la callback de cierre del último
 * de sus handles. Cada trozo es del sentido hasta que su escritura termina.
 */
#define _GNU_SOURCE
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/senales.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <uv.h>

#define MAX_EN_COLA (4u << 20)
#define TAM_LECTURA 65536

typedef struct trozo_s {
    struct trozo_s *siguiente;
    uint64_t plazo_ns; /* cuándo se escribe (uv_hrtime) */
    char *datos;       /* NULL: marca de fin (EOF) */
    size_t largo;
} trozo_t;

typedef struct pareja_s pareja_t;

/* Un sentido: lo que se lee de `origen` se escribe en `destino` con retardo. */
typedef struct {
    pareja_t *pareja;
    uv_stream_t *origen, *destino;
    trozo_t *primero, *ultimo;
    size_t en_cola;
    int leyendo;
    int fin_enviado;
    int fd_temporizador;
    uv_poll_t sondeo; /* del timerfd */
} sentido_t;

struct pareja_s {
    uv_tcp_t cliente;
    union {
        uv_tcp_t tcp;
        uv_pipe_t local;
    } servidor;
    uv_connect_t conexion;
    sentido_t ida, vuelta; /* ida: cliente → servidor; vuelta: servidor → cliente */
    int handles_abiertos;
    int cerrando;
    pareja_t *anterior, *posterior;
};

typedef struct {
    uv_write_t req;
    char *datos;
} envio_t;

static uv_loop_t bucle;
static uv_tcp_t escucha;
static senales_t senales;
static uint64_t retardo_ns;
static int destino_unix;
static char destino_ruta[108];
static struct sockaddr_in destino_tcp;
static pareja_t *parejas; /* lista de las abiertas, para cerrarlas al parar */

static void cerrar_pareja(pareja_t *p);

static void al_cerrar_handle(uv_handle_t *h)
{
    pareja_t *p = h->data;
    if (--p->handles_abiertos > 0)
        return;
    for (int i = 0; i < 2; i++) {
        sentido_t *s = i == 0 ? &p->ida : &p->vuelta;
        while (s->primero != NULL) {
            trozo_t *t = s->primero;
            s->primero = t->siguiente;
            free(t->datos);
            free(t);
        }
        if (s->fd_temporizador >= 0)
            close(s->fd_temporizador);
    }
    free(p);
}

/* Cierra `h` si llegó a iniciarse: la pareja sale de calloc y libuv pone el tipo al iniciar un
 * handle, así que un handle sin iniciar tiene UV_UNKNOWN_HANDLE. */
static void cerrar_uno(uv_handle_t *h)
{
    if (h->type != UV_UNKNOWN_HANDLE && !uv_is_closing(h))
        uv_close(h, al_cerrar_handle);
}

static void cerrar_pareja(pareja_t *p)
{
    if (p->cerrando)
        return;
    p->cerrando = 1;
    if (p->anterior != NULL)
        p->anterior->posterior = p->posterior;
    else
        parejas = p->posterior;
    if (p->posterior != NULL)
        p->posterior->anterior = p->anterior;
    cerrar_uno((uv_handle_t *)&p->cliente);
    cerrar_uno((uv_handle_t *)&p->servidor);
    cerrar_uno((uv_handle_t *)&p->ida.sondeo);
    cerrar_uno((uv_handle_t *)&p->vuelta.sondeo);
}

/* Programa el timerfd del sentido para el plazo del primer trozo (o lo desarma). */
static void programar(sentido_t *s)
{
    struct itimerspec t = {0};
    if (s->primero != NULL) {
        uint64_t ahora = uv_hrtime();
        uint64_t falta = s->primero->plazo_ns > ahora ? s->primero->plazo_ns - ahora : 1;
        t.it_value.tv_sec = (time_t)(falta / 1000000000u);
        t.it_value.tv_nsec = (long)(falta % 1000000000u);
    }
    (void)timerfd_settime(s->fd_temporizador, 0, &t, NULL);
}

static void al_escribir(uv_write_t *req, int estado)
{
    envio_t *e = CONTENEDOR_DE(req, envio_t, req);
    sentido_t *s = req->data;
    free(e->datos);
    free(e);
    if (estado < 0) {
        cerrar_pareja(s->pareja);
        return;
    }
}

static void al_cerrar_escritura(uv_shutdown_t *req, int estado)
{
    sentido_t *s = req->data;
    pareja_t *p = s->pareja;
    free(req);
    (void)estado;
    if (p->ida.fin_enviado && p->vuelta.fin_enviado)
        cerrar_pareja(p);
}

static void al_recibir(uv_stream_t *origen, ssize_t n, const uv_buf_t *buf);

static void reanudar_si_cabe(sentido_t *s)
{
    if (!s->leyendo && s->en_cola < MAX_EN_COLA / 2 && !s->pareja->cerrando) {
        if (uv_read_start(s->origen, NULL, al_recibir) == 0)
            s->leyendo = 1;
    }
}

/* Escribe (o cierra) lo que ya venció; deja programado el resto. */
static void entregar_vencidos(sentido_t *s)
{
    uint64_t ahora = uv_hrtime();
    while (s->primero != NULL && s->primero->plazo_ns <= ahora && !s->pareja->cerrando) {
        trozo_t *t = s->primero;
        s->primero = t->siguiente;
        if (s->primero == NULL)
            s->ultimo = NULL;
        if (t->datos == NULL) {
            free(t);
            uv_shutdown_t *req = malloc(sizeof *req);
            s->fin_enviado = 1;
            if (req == NULL) {
                cerrar_pareja(s->pareja);
                return;
            }
            req->data = s;
            if (uv_shutdown(req, s->destino, al_cerrar_escritura) < 0) {
                free(req);
                cerrar_pareja(s->pareja);
                return;
            }
            continue;
        }
        s->en_cola -= t->largo;
        envio_t *e = malloc(sizeof *e);
        if (e == NULL) {
            free(t->datos);
            free(t);
            cerrar_pareja(s->pareja);
            return;
        }
        e->datos = t->datos;
        e->req.data = s;
        uv_buf_t b = uv_buf_init(t->datos, (unsigned)t->largo);
        free(t);
        if (uv_write(&e->req, s->destino, &b, 1, al_escribir) < 0) {
            free(e->datos);
            free(e);
            cerrar_pareja(s->pareja);
            return;
        }
    }
    if (!s->pareja->cerrando) {
        programar(s);
        reanudar_si_cabe(s);
    }
}

static void al_vencer(uv_poll_t *h, int estado, int eventos)
{
    sentido_t *s = CONTENEDOR_DE(h, sentido_t, sondeo);
    uint64_t veces;
    (void)eventos;
    if (estado < 0) {
        cerrar_pareja(s->pareja);
        return;
    }
    /* Vaciar el timerfd (EAGAIN si otra pasada ya lo leyó). */
    if (read(s->fd_temporizador, &veces, sizeof veces) < 0 && errno != EAGAIN) {
        cerrar_pareja(s->pareja);
        return;
    }
    entregar_vencidos(s);
}

static void encolar(sentido_t *s, char *datos, size_t largo)
{
    trozo_t *t = malloc(sizeof *t);
    if (t == NULL) {
        free(datos);
        cerrar_pareja(s->pareja);
        return;
    }
    t->siguiente = NULL;
    t->plazo_ns = uv_hrtime() + retardo_ns;
    t->datos = datos;
    t->largo = largo;
    if (s->ultimo != NULL)
        s->ultimo->siguiente = t;
    else
        s->primero = t;
    s->ultimo = t;
    s->en_cola += largo;
    if (s->en_cola > MAX_EN_COLA && s->leyendo) {
        uv_read_stop(s->origen);
        s->leyendo = 0;
    }
    if (retardo_ns == 0)
        entregar_vencidos(s);
    else if (s->primero == t)
        programar(s);
}

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    char *m = malloc(TAM_LECTURA);
    *buf = uv_buf_init(m, m != NULL ? TAM_LECTURA : 0);
}

static void al_recibir(uv_stream_t *origen, ssize_t n, const uv_buf_t *buf)
{
    pareja_t *p = origen->data;
    sentido_t *s = origen == (uv_stream_t *)&p->cliente ? &p->ida : &p->vuelta;
    if (n > 0) {
        encolar(s, buf->base, (size_t)n);
        return;
    }
    free(buf->base);
    if (n == 0)
        return;
    if (n == UV_EOF) {
        uv_read_stop(origen);
        s->leyendo = 0;
        encolar(s, NULL, 0);
        return;
    }
    cerrar_pareja(p);
}

static int iniciar_sentido(pareja_t *p, sentido_t *s, uv_stream_t *origen, uv_stream_t *destino)
{
    s->pareja = p;
    s->origen = origen;
    s->destino = destino;
    s->fd_temporizador = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (s->fd_temporizador < 0)
        return -errno;
    int r = uv_poll_init(&bucle, &s->sondeo, s->fd_temporizador);
    if (r < 0)
        return r;
    p->handles_abiertos++;
    s->sondeo.data = p;
    r = uv_poll_start(&s->sondeo, UV_READABLE, al_vencer);
    if (r < 0)
        return r;
    r = uv_read_start(origen, reservar, al_recibir);
    if (r == 0)
        s->leyendo = 1;
    return r;
}

static void al_conectar(uv_connect_t *req, int estado)
{
    pareja_t *p = CONTENEDOR_DE(req, pareja_t, conexion);
    if (p->cerrando)
        return;
    if (estado < 0) {
        fprintf(stderr, "retardo: no se pudo conectar con el destino: %s\n", error_texto(estado));
        cerrar_pareja(p);
        return;
    }
    if (iniciar_sentido(p, &p->ida, (uv_stream_t *)&p->cliente, (uv_stream_t *)&p->servidor) < 0 ||
        iniciar_sentido(p, &p->vuelta, (uv_stream_t *)&p->servidor, (uv_stream_t *)&p->cliente) < 0)
        cerrar_pareja(p);
}

static void al_llegar(uv_stream_t *servidor, int estado)
{
    if (estado < 0)
        return;
    pareja_t *p = calloc(1, sizeof *p);
    if (p == NULL)
        return;
    p->ida.fd_temporizador = p->vuelta.fd_temporizador = -1;
    if (uv_tcp_init(&bucle, &p->cliente) < 0) {
        free(p);
        return;
    }
    p->cliente.data = p;
    p->handles_abiertos = 1;
    p->posterior = parejas;
    if (parejas != NULL)
        parejas->anterior = p;
    parejas = p;
    if (uv_accept(servidor, (uv_stream_t *)&p->cliente) < 0) {
        cerrar_pareja(p);
        return;
    }
    (void)uv_tcp_nodelay(&p->cliente, 1);
    int r;
    if (destino_unix) {
        r = uv_pipe_init(&bucle, &p->servidor.local, 0);
        if (r == 0) {
            p->servidor.local.data = p;
            p->handles_abiertos++;
            uv_pipe_connect(&p->conexion, &p->servidor.local, destino_ruta, al_conectar);
        }
    } else {
        r = uv_tcp_init(&bucle, &p->servidor.tcp);
        if (r == 0) {
            p->servidor.tcp.data = p;
            p->handles_abiertos++;
            (void)uv_tcp_nodelay(&p->servidor.tcp, 1);
            r = uv_tcp_connect(&p->conexion, &p->servidor.tcp,
                               (const struct sockaddr *)&destino_tcp, al_conectar);
        }
    }
    if (r < 0)
        cerrar_pareja(p);
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)signum;
    (void)datos;
    uv_close((uv_handle_t *)&escucha, NULL);
    while (parejas != NULL)
        cerrar_pareja(parejas);
    senales_cerrar(s);
}

static int leer_destino(const char *texto)
{
    if (strncmp(texto, "unix:", 5) == 0) {
        size_t n = strlen(texto + 5);
        if (n == 0 || n >= sizeof destino_ruta)
            return -1;
        memcpy(destino_ruta, texto + 5, n + 1);
        destino_unix = 1;
        return 0;
    }
    char ip[64];
    const char *dos_puntos = strrchr(texto, ':');
    if (dos_puntos == NULL || (size_t)(dos_puntos - texto) >= sizeof ip)
        return -1;
    memcpy(ip, texto, (size_t)(dos_puntos - texto));
    ip[dos_puntos - texto] = '\0';
    char *fin;
    long puerto = strtol(dos_puntos + 1, &fin, 10);
    if (*fin != '\0' || puerto <= 0 || puerto > 65535)
        return -1;
    return uv_ip4_addr(ip, (int)puerto, &destino_tcp) == 0 ? 0 : -1;
}

static void uso(void)
{
    fprintf(stderr, "uso: retardo --destino unix:RUTA|IP:PUERTO [--retardo-ms MS] [--puerto P]\n"
                    "  MS: milisegundos en cada sentido, con decimales (0.5 → 1 ms de ida y "
                    "vuelta)\n");
}

int main(int argc, char **argv)
{
    const char *destino = NULL;
    double ms = 0;
    long puerto = 0;
    for (int i = 1; i < argc; i++) {
        char *fin = NULL;
        if (strcmp(argv[i], "--destino") == 0 && i + 1 < argc) {
            destino = argv[++i];
        } else if (strcmp(argv[i], "--retardo-ms") == 0 && i + 1 < argc) {
            ms = strtod(argv[++i], &fin);
            if (*fin != '\0' || fin == argv[i] || !(ms >= 0 && ms <= 10000)) {
                fprintf(stderr, "retardo: --retardo-ms «%s» no es un número de 0 a 10000\n",
                        argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--puerto") == 0 && i + 1 < argc) {
            puerto = strtol(argv[++i], &fin, 10);
            if (*fin != '\0' || fin == argv[i] || puerto < 0 || puerto > 65535) {
                fprintf(stderr, "retardo: --puerto «%s» no es un puerto válido\n", argv[i]);
                return 2;
            }
        } else {
            uso();
            return 2;
        }
    }
    if (destino == NULL || leer_destino(destino) < 0) {
        if (destino != NULL)
            fprintf(stderr, "retardo: destino «%s» no válido (unix:RUTA o IP:PUERTO)\n", destino);
        uso();
        return 2;
    }
    retardo_ns = (uint64_t)(ms * 1e6 + 0.5);
    int r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "retardo: uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    struct sockaddr_in dir;
    uv_ip4_addr("127.0.0.1", (int)puerto, &dir);
    r = uv_tcp_init(&bucle, &escucha);
    if (r == 0)
        r = uv_tcp_bind(&escucha, (const struct sockaddr *)&dir, 0);
    if (r == 0)
        r = uv_listen((uv_stream_t *)&escucha, 128, al_llegar);
    if (r < 0) {
        fprintf(stderr, "retardo: no puedo escuchar en 127.0.0.1:%ld: %s\n", puerto,
                error_texto(r));
        if (uv_is_active((uv_handle_t *)&escucha) || r != 0)
            uv_close((uv_handle_t *)&escucha, NULL);
        uv_run(&bucle, UV_RUN_DEFAULT);
        uv_loop_close(&bucle);
        return 1;
    }
    struct sockaddr_storage real;
    int largo = sizeof real;
    uv_tcp_getsockname(&escucha, (struct sockaddr *)&real, &largo);
    printf("ESCUCHA %d\n", ntohs(((struct sockaddr_in *)&real)->sin_port));
    fflush(stdout);
    r = senales_iniciar(&bucle, &senales, al_parar, NULL);
    if (r < 0) {
        fprintf(stderr, "retardo: señales: %s\n", error_texto(r));
        uv_close((uv_handle_t *)&escucha, NULL);
    } else {
        /* El relé vive hasta que lo paren: la escucha lo mantiene, las señales no. */
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(&bucle);
    if (r != 0) {
        fprintf(stderr, "retardo: el bucle no cerró limpio: %s\n", error_texto(r));
        return 1;
    }
    return 0;
}
