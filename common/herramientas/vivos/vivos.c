/* vivos.c — biblioteca de precarga (LD_PRELOAD) que dice qué mantiene vivo el bucle de un
 * programa que no termina: cada handle activo y con referencia y cada petición en curso, con
 * dónde lo creó (y lo arrancó) el código que llamó a libuv.
 *
 * Por qué una precarga: tiene que valer con cualquier programa (un ejercicio de práctica, la
 * entrega de un laboratorio) sin tocar su código ni su lógica. Se pone delante de libuv
 * (LD_PRELOAD; libuv es una biblioteca compartida) y envuelve:
 *   - los uv_*_init de los handles (y uv_spawn): apunta el handle, su bucle y la dirección
 *     de quien llamó (__builtin_return_address), traducida ya a «módulo + desplazamiento»
 *     con dladdr1 (el desplazamiento que entiende addr2line también si el binario es PIE);
 *   - los uv_*_start, uv_listen, uv_read_start/stop: dónde se arrancó y qué hace;
 *   - las peticiones con callback (uv_fs_* con callback, uv_queue_work, uv_getaddrinfo,
 *     uv_write, uv_tcp_connect, uv_shutdown): las apunta como en curso y les pone delante
 *     una callback propia que las borra de la lista antes de llamar a la del programa;
 *   - uv_run y uv_loop_close: qué bucles existen (un bucle cerrado ya no se recorre).
 * Las llamadas que libuv se hace a sí misma (uv_tcp_init llama a uv_tcp_init_ex) no se
 * apuntan dos veces: un contador por hilo dice si ya estamos dentro de una envoltura.
 *
 * El informe: al recibir VIVOS_SENAL (SIGRTMIN+4; el corredor se la manda cuando vence el
 * tiempo, p. ej. `timeout -s RTMIN+4`), el manejador recorre cada bucle con uv_walk, escribe
 * la lista en VIVOS_INFORME (una ruta, que se abre para añadir, o un número de descriptor) y
 * se deja matar por la misma señal con su acción por omisión, como si no hubiera precarga.
 * Sin VIVOS_INFORME no se instala nada: la biblioteca solo apunta. Un programa que termina
 * bien no recibe la señal y no deja informe.
 *
 * Con VIVOS_CIERRE=1 además (el calificador lo pide en la verificación de la parada), la
 * primera vez que uv_run vuelve con el bucle ya sin nada vivo (!uv_loop_alive), escribe en el
 * informe una línea «cierre: TIPO sin cerrar al acabar uv_run, creado en @…» por cada handle
 * que sigue abierto y sin uv_close: los que el programa dejó a la red de seguridad
 * (bucle_cerrar de libcurso, o su propio uv_walk) en vez de cerrarlos al parar. Y, hasta esa
 * revisión, una línea igual por cada uv_close fuera de uv_run de un handle de un bucle que ya
 * corrió: un uv_run que vuelve con el bucle aún vivo (uv_stop, UV_RUN_ONCE con un indicador:
 * hostiles/chat_para.patch) no llega a la revisión, pero su red de seguridad cierra fuera de
 * uv_run. Y al salir (sin ningún uv_run en marcha), una línea «cierre: TIPO sin cerrar al
 * salir del programa…» por cada handle de un bucle que corrió y que nadie cerró, ni con
 * uv_close ni con un uv_loop_close que diera 0: el de un bucle que nunca se quedó sin nada
 * vivo, aunque otro sí pasara la revisión (hostiles/chat_otro_bucle.patch). Un programa que lo
 * cerró todo a tiempo no escribe ninguna.
 *
 * El testigo: con VIVOS_CIERRE=<clave> (no «1»), o con VIVOS_CIERRE=@N y la clave por el
 * descriptor N (lo que hace el calificador, con una al azar por lanzamiento: así no está en
 * ningún argv ni entorno que el programa lea), la precarga de un programa con libuv (no la de
 * strace o timeout, que lo lanzan) toma la clave al cargarse (la del entorno la borra en su
 * sitio: tampoco queda en /proc/self/environ; el descriptor lo lee y lo cierra) y, al salir
 * el programa, escribe «cierre-fin <líneas> <bucles> <dentro> <firma>»: cuántas líneas
 * «cierre:» escribió, cuántos bucles revisó y cuántos uv_run seguían en marcha (un exit() desde
 * una callback: uv_run no llegó a volver, y no hay nada que mirar), firmado con una llave sacada
 * de la clave (firma.h: la clave no sale nunca del proceso, y un programa que llama él mismo a
 * las funciones de la precarga con su descriptor cambiado solo se lleva líneas ciertas). Sin
 * esa línea, sin la firma buena, sin nada revisado ni en marcha, o con otras cuentas que las
 * recibidas, el calificador no da el cierre por bueno: un programa que calla la precarga (su
 * descriptor a /dev/null: hostiles/chat_calla.c) o que no pasa por su uv_run no tiene un
 * informe limpio, sino ninguno. Lo que esto no cierra: la llave vive en el proceso del
 * programa, y uno que la busque a propósito (leer la clave antes de que se cargue la precarga,
 * en .preinit_array; su memoria) puede firmar lo que quiera (autograder/README.md, «La caja de
 * arena», el testigo de la parada).
 *
 * Las cuentas: con la clave por VIVOS_CLAVE=@N (el calificador la da a la vez que VIVOS_CIERRE=1,
 * o sola, cuando pide las cuentas: cal_lanzamiento_t.trafico) y el informe por un descriptor, la
 * precarga cuenta, por el puerto de cada cliente de 127.0.0.1, los bytes que libuv lee y escribe
 * en su conexión (envuelve read, readv, write y writev de libc: «Las cuentas del tráfico», más
 * abajo), los uv_poll que crea el programa y sus temporizadores que se repiten cada menos de
 * 10 ms. Al recibir VIVOS_CUENTAS (SIGRTMIN+5; el calificador la manda con sigqueue y un número
 * al azar), y al salir, escribe, firmadas, «conexion <vez> <puerto> <leídos> <escritos>» por
 * cliente y «cuentas <vez> <conexiones> <uv_poll> <rápidos> <sitios>» (cuántas llamadas de libuv
 * a esas cuatro funciones encontró: 0, y vale cualquier vuelta a su código), y sigue. El
 * calificador las compara con lo que mandó y recibió cada uno de sus clientes
 * (autograder/lib/vivos.c, procesos_trafico_por_libuv): un servidor que acepta con libuv y después
 * lee y escribe él mismo el descriptor (lo duplica y cierra el handle, lo vigila con uv_poll, su
 * propio epoll, un hilo del grupo: hostiles/chat_prestado_*.c) no tiene esos bytes en las cuentas,
 * y el programa no puede firmar otras sin la llave. Lo que no cierra (autograder/README.md, «Lo que
 * pasa por libuv en un servidor»): las cuentas viven en el proceso, y uno que las busque a
 * propósito en la memoria de la precarga las puede cambiar.
 *
 * El manejador solo usa llamadas seguras en una señal (open, write, close) y memoria
 * estática; recorre las listas de libuv sin cerrojo: si la señal llega justo mientras el
 * programa abre o cierra un handle, una línea puede faltar o sobrar (el programa ya se da por
 * colgado). Las direcciones salen como «@módulo+0xDESPLAZAMIENTO» («@programa» es el
 * ejecutable): vivos.sh las traduce a archivo:línea FUERA del programa, con addr2line sobre
 * el binario (compilado con -g). Así el programa no abre nada más que el informe: vale
 * también dentro de la caja de arena del calificador.
 *
 * Límites: 6144 handles y peticiones apuntados a la vez (un handle que no cabe sale sin
 * «creado en»), y una petición solo se apunta si hay menos de 4096 (las demás no se
 * listan); 16 bucles. Se apunta solo el primer llamador, no la pila: si un handle lo
 * crea una función de libcurso, el informe nombra esa función (common/src/…).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

#include "firma.h"

#define VIVOS_SENAL   (SIGRTMIN + 4)
#define VIVOS_CUENTAS (SIGRTMIN + 5)
#define CAPACIDAD     8192 /* potencia de 2 */
/* Cuántas casillas puede ocupar cada clase. Sondeo lineal: con la tabla a 3/4 una búsqueda
 * mira unas pocas casillas; llena, cada una recorre las 8192 (y cada uv_write hace dos). Un
 * servidor que escribe a cada destinatario por separado tiene decenas de miles de uv_write
 * en curso en una vuelta del bucle (200 clientes del 09): con la tabla llena se pasaba
 * segundos en la CPU dentro de la precarga, sin una llamada al sistema, y suspendía por
 * lento. Las peticiones paran en la mitad: las que no caben no se apuntan (la envoltura deja
 * su callback como está) y los handles, que son lo que el informe más necesita, siguen
 * teniendo sitio. */
#define TOPE_HANDLES    (CAPACIDAD / 4 * 3)
#define TOPE_PETICIONES (CAPACIDAD / 2)
#define MAX_BUCLES      16

enum { VACIO = 0, HANDLE, PETICION };
enum { LEYENDO = 1, ESCUCHANDO = 2, RECIBIENDO = 4 };

typedef struct {
    const char *modulo; /* NULL: sin dato; "" el ejecutable */
    uintptr_t desplazamiento;
} lugar_t;

typedef struct {
    const void *clave;
    uv_loop_t *bucle;
    lugar_t creado, arrancado;
    void *cb;              /* peticiones: la callback del programa */
    const char *funcion;   /* peticiones: qué función la pidió */
    unsigned char clase;   /* VACIO, HANDLE, PETICION */
    unsigned char tipo;    /* handles: su uv_handle_type (al salir no se lee el handle) */
    unsigned char dicho;   /* handles: ya salió en una línea «cierre:» */
    unsigned char estado;  /* handles: LEYENDO, ESCUCHANDO, RECIBIENDO */
    unsigned char interna; /* peticiones: la pidió la propia libuv (uv_fs_poll_t): no se lista */
} registro_t;

static registro_t tabla[CAPACIDAD];
static uv_loop_t *bucles[MAX_BUCLES];
static atomic_int en_uv_run;
static atomic_int en_uv_run_de[MAX_BUCLES]; /* uv_run en marcha de cada bucle de `corridos` */
static atomic_flag cerrojo = ATOMIC_FLAG_INIT;
static size_t ocupadas;              /* casillas no vacías de la tabla (con el cerrojo) */
static __thread int dentro;          /* >0: ya en una envoltura (libuv llamándose a sí misma) */
static uv_loop_t *bucle_por_omision; /* el de uv_default_loop, si el programa lo pidió */
static int informe_fd = -1;
static const char *informe_ruta;
static int vigilar_cierre;               /* VIVOS_CIERRE=1 o una clave (ver arriba) */
static uv_loop_t *revisados[MAX_BUCLES]; /* bucles cuyo cierre ya se miró */
static uv_loop_t *corridos[MAX_BUCLES];  /* bucles que ya pasaron por uv_run */
static char clave[64];                   /* la del testigo, o "" */
static firma_llave_t llave;              /* la de las firmas, sacada de la clave */
static unsigned lineas_cierre;           /* líneas «cierre:» escritas */
/* Las cuentas (ver la cabecera, «Las cuentas»): uv_poll creados por el programa y sus
 * temporizadores que se repiten cada menos de 10 ms; los bytes, en «Las cuentas del tráfico». */
static atomic_uint sondeos, rapidos;

/* --- Tabla (con cerrojo; el manejador de la señal la lee sin él) ------------------------ */

static void cerrar_tabla(void)
{
    while (atomic_flag_test_and_set_explicit(&cerrojo, memory_order_acquire))
        ;
}

static void abrir_tabla(void)
{
    atomic_flag_clear_explicit(&cerrojo, memory_order_release);
}

static size_t casilla_de(const void *clave)
{
    uintptr_t x = (uintptr_t)clave;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15u;
    return (size_t)(x >> 20) & (CAPACIDAD - 1);
}

/* La casilla de `clave`, o NULL. Con el cerrojo echado (o desde el manejador). */
static registro_t *buscar(const void *clave)
{
    size_t i = casilla_de(clave);
    for (size_t n = 0; n < CAPACIDAD; n++, i = (i + 1) & (CAPACIDAD - 1)) {
        if (tabla[i].clase == VACIO)
            return NULL;
        if (tabla[i].clave == clave)
            return &tabla[i];
    }
    return NULL;
}

/* Vacía la casilla `r` sin dejar lápidas: las que venían detrás de ella en su racha y ya no
 * se encontrarían se mueven hacia atrás (borrado con desplazamiento del sondeo lineal). Con
 * lápidas, cada escritura terminada dejaba una y, en un servidor con cientos de miles de
 * uv_write, cada búsqueda acababa recorriendo la tabla entera: el programa se volvía lento
 * bajo la precarga (200 clientes del 09 sin bienvenida a tiempo). Con el cerrojo echado. */
static void quitar(registro_t *r)
{
    size_t i = (size_t)(r - tabla);
    size_t j = i;
    for (;;) {
        j = (j + 1) & (CAPACIDAD - 1);
        if (tabla[j].clase == VACIO)
            break;
        size_t k = casilla_de(tabla[j].clave);
        /* ¿Su casilla natural k está en el tramo circular (i, j]? Entonces se queda. */
        int se_queda = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!se_queda) {
            tabla[i] = tabla[j];
            i = j;
        }
    }
    memset(&tabla[i], 0, sizeof tabla[i]);
    ocupadas--;
}

/* La casilla de `clave` (la suya o una libre, vaciada), o NULL si ya hay `tope` ocupadas. */
static registro_t *apuntar(const void *clave, size_t tope)
{
    registro_t *r = buscar(clave);
    if (r == NULL) {
        if (ocupadas >= tope)
            return NULL;
        ocupadas++;
        size_t i = casilla_de(clave);
        for (size_t n = 0; n < CAPACIDAD && r == NULL; n++, i = (i + 1) & (CAPACIDAD - 1))
            if (tabla[i].clase == VACIO)
                r = &tabla[i];
    }
    if (r != NULL) {
        memset(r, 0, sizeof *r);
        r->clave = clave;
    }
    return r;
}

static struct link_map *mapa_de(const void *direccion)
{
    Dl_info info;
    struct link_map *mapa = NULL;
    if (dladdr1(direccion, &info, (void **)&mapa, RTLD_DL_LINKMAP) == 0)
        return NULL;
    return mapa;
}

/* Dónde está `direccion` (módulo y desplazamiento en su archivo). Si es la propia libuv (un
 * uv_timer_start que libuv se hace al repetir un temporizador, los handles internos de
 * uv_loop_init), sin dato: eso no lo escribió el programa. */
static struct link_map *mapa_libuv(void)
{
    static struct link_map *mapa;
    if (mapa == NULL)
        mapa = mapa_de(dlsym(RTLD_NEXT, "uv_run"));
    return mapa;
}

static lugar_t lugar_de(void *direccion)
{
    lugar_t l = {NULL, 0};
    struct link_map *mapa = mapa_de(direccion);
    if (mapa != NULL && mapa != mapa_libuv()) {
        l.modulo = mapa->l_name != NULL ? mapa->l_name : "";
        l.desplazamiento = (uintptr_t)direccion - (uintptr_t)mapa->l_addr;
    }
    return l;
}

static void bucle_visto(uv_loop_t *bucle)
{
    if (bucle == NULL)
        return;
    for (int i = 0; i < MAX_BUCLES; i++) {
        if (bucles[i] == bucle)
            return;
    }
    for (int i = 0; i < MAX_BUCLES; i++) {
        if (bucles[i] == NULL) {
            bucles[i] = bucle;
            return;
        }
    }
}

/* GCC 12 avisa de un puntero colgante a `l` en `r->creado = l` (falso: se copia por valor a
 * la tabla estática); solo aquí. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
static void handle_creado(void *h, uv_loop_t *bucle, void *quien)
{
    lugar_t l = lugar_de(quien);
    if (l.modulo == NULL)
        return; /* un handle de la propia libuv */
    cerrar_tabla();
    bucle_visto(bucle);
    registro_t *r = apuntar(h, TOPE_HANDLES);
    if (r != NULL) {
        r->clase = HANDLE;
        r->tipo = (unsigned char)((uv_handle_t *)h)->type;
        r->bucle = bucle;
        r->creado = l;
    }
    abrir_tabla();
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* Un uv_*_start: dónde y, con `poner`/`quitar`, qué hace ahora. */
static void handle_arrancado(const void *h, void *quien, unsigned poner, unsigned quitar)
{
    lugar_t l = quien != NULL ? lugar_de(quien) : (lugar_t){NULL, 0};
    cerrar_tabla();
    registro_t *r = buscar(h);
    if (r != NULL && r->clase == HANDLE) {
        if (l.modulo != NULL)
            r->arrancado = l;
        r->estado = (unsigned char)((r->estado | poner) & ~quitar);
    }
    abrir_tabla();
}

/* Devuelve 1 si la apuntó; 0 si la tabla está llena: entonces la envoltura no cambia la
 * callback (perder la del programa sería cambiar lo que hace). */
static int peticion_pedida(void *req, uv_loop_t *bucle, void *cb, const char *funcion, void *quien)
{
    lugar_t l = lugar_de(quien);
    cerrar_tabla();
    bucle_visto(bucle);
    registro_t *r = apuntar(req, TOPE_PETICIONES);
    if (r != NULL) {
        r->clase = PETICION;
        r->bucle = bucle;
        r->creado = l;
        r->cb = cb;
        r->funcion = funcion;
        r->interna = l.modulo == NULL;
    }
    abrir_tabla();
    return r != NULL;
}

/* La petición terminó (o no llegó a empezar): su callback del programa, o NULL. */
static void *peticion_hecha(const void *req)
{
    void *cb = NULL;
    cerrar_tabla();
    registro_t *r = buscar(req);
    if (r != NULL && r->clase == PETICION) {
        cb = r->cb;
        quitar(r);
    }
    abrir_tabla();
    return cb;
}

static void *siguiente(const char *nombre)
{
    void *f = dlsym(RTLD_NEXT, nombre);
    if (f == NULL)
        abort(); /* sin libuv detrás no hay nada que envolver */
    return f;
}

#define REAL(nombre)                                                                               \
    static __typeof__(nombre) *real;                                                               \
    if (real == NULL)                                                                              \
    real = (__typeof__(nombre) *)siguiente(#nombre)

/* --- Handles ---------------------------------------------------------------------------- */

/* int nombre(uv_loop_t *loop, TIPO *h, ...): apunta h si la llamada sale bien. */
#define ENVOLVER_INIT(nombre, PARAMS, ARGS)                                                        \
    int nombre PARAMS                                                                              \
    {                                                                                              \
        REAL(nombre);                                                                              \
        void *quien = __builtin_return_address(0);                                                 \
        dentro++;                                                                                  \
        int r = real ARGS;                                                                         \
        dentro--;                                                                                  \
        if (r == 0 && dentro == 0)                                                                 \
            handle_creado(h, loop, quien);                                                         \
        return r;                                                                                  \
    }

ENVOLVER_INIT(uv_timer_init, (uv_loop_t * loop, uv_timer_t *h), (loop, h))
ENVOLVER_INIT(uv_tcp_init, (uv_loop_t * loop, uv_tcp_t *h), (loop, h))
ENVOLVER_INIT(uv_tcp_init_ex, (uv_loop_t * loop, uv_tcp_t *h, unsigned int f), (loop, h, f))
ENVOLVER_INIT(uv_pipe_init, (uv_loop_t * loop, uv_pipe_t *h, int ipc), (loop, h, ipc))
ENVOLVER_INIT(uv_tty_init, (uv_loop_t * loop, uv_tty_t *h, uv_file fd, int legible),
              (loop, h, fd, legible))
ENVOLVER_INIT(uv_udp_init, (uv_loop_t * loop, uv_udp_t *h), (loop, h))
ENVOLVER_INIT(uv_udp_init_ex, (uv_loop_t * loop, uv_udp_t *h, unsigned int f), (loop, h, f))
ENVOLVER_INIT(uv_signal_init, (uv_loop_t * loop, uv_signal_t *h), (loop, h))
ENVOLVER_INIT(uv_idle_init, (uv_loop_t * loop, uv_idle_t *h), (loop, h))
ENVOLVER_INIT(uv_prepare_init, (uv_loop_t * loop, uv_prepare_t *h), (loop, h))
ENVOLVER_INIT(uv_check_init, (uv_loop_t * loop, uv_check_t *h), (loop, h))
ENVOLVER_INIT(uv_async_init, (uv_loop_t * loop, uv_async_t *h, uv_async_cb cb), (loop, h, cb))
/* Los uv_poll, además, se cuentan (las cuentas del tráfico): con uno sobre el descriptor de
 * una conexión aceptada, el programa lee y escribe por su cuenta (hostiles/chat_prestado_sondeo.c).
 */
#define ENVOLVER_SONDEO(nombre, PARAMS, ARGS)                                                      \
    int nombre PARAMS                                                                              \
    {                                                                                              \
        REAL(nombre);                                                                              \
        void *quien = __builtin_return_address(0);                                                 \
        dentro++;                                                                                  \
        int r = real ARGS;                                                                         \
        dentro--;                                                                                  \
        if (r == 0 && dentro == 0) {                                                               \
            handle_creado(h, loop, quien);                                                         \
            if (lugar_de(quien).modulo != NULL)                                                    \
                atomic_fetch_add(&sondeos, 1);                                                     \
        }                                                                                          \
        return r;                                                                                  \
    }

ENVOLVER_SONDEO(uv_poll_init, (uv_loop_t * loop, uv_poll_t *h, int fd), (loop, h, fd))
ENVOLVER_SONDEO(uv_poll_init_socket, (uv_loop_t * loop, uv_poll_t *h, uv_os_sock_t s), (loop, h, s))
ENVOLVER_INIT(uv_fs_event_init, (uv_loop_t * loop, uv_fs_event_t *h), (loop, h))
ENVOLVER_INIT(uv_fs_poll_init, (uv_loop_t * loop, uv_fs_poll_t *h), (loop, h))
ENVOLVER_INIT(uv_spawn, (uv_loop_t * loop, uv_process_t *h, const uv_process_options_t *o),
              (loop, h, o))

/* int nombre(TIPO *h, ...): apunta dónde se arrancó y el estado que pone o quita. */
#define ENVOLVER_START(nombre, PARAMS, ARGS, PONER, QUITAR)                                        \
    int nombre PARAMS                                                                              \
    {                                                                                              \
        REAL(nombre);                                                                              \
        void *quien = __builtin_return_address(0);                                                 \
        dentro++;                                                                                  \
        int r = real ARGS;                                                                         \
        dentro--;                                                                                  \
        if (r == 0 && dentro == 0)                                                                 \
            handle_arrancado(h, quien, PONER, QUITAR);                                             \
        return r;                                                                                  \
    }

/* uv_timer_start y uv_timer_set_repeat, además, cuentan los temporizadores del programa que se
 * repiten cada menos de REPETICION_RAPIDA_MS (las cuentas del tráfico): un servidor que mira
 * cada milisegundo si hay algo que hacer espera dando vueltas, aunque gaste poca CPU. */
#define REPETICION_RAPIDA_MS 10
static void repeticion_vista(uint64_t rep, void *quien)
{
    if (rep > 0 && rep < REPETICION_RAPIDA_MS && lugar_de(quien).modulo != NULL)
        atomic_fetch_add(&rapidos, 1);
}

int uv_timer_start(uv_timer_t *h, uv_timer_cb cb, uint64_t t, uint64_t rep)
{
    REAL(uv_timer_start);
    void *quien = __builtin_return_address(0);
    dentro++;
    int r = real(h, cb, t, rep);
    dentro--;
    if (r == 0 && dentro == 0) {
        handle_arrancado(h, quien, 0, 0);
        repeticion_vista(rep, quien);
    }
    return r;
}

void uv_timer_set_repeat(uv_timer_t *h, uint64_t rep)
{
    REAL(uv_timer_set_repeat);
    real(h, rep);
    if (dentro == 0)
        repeticion_vista(rep, __builtin_return_address(0));
}
ENVOLVER_START(uv_signal_start, (uv_signal_t * h, uv_signal_cb cb, int s), (h, cb, s), 0, 0)
ENVOLVER_START(uv_signal_start_oneshot, (uv_signal_t * h, uv_signal_cb cb, int s), (h, cb, s), 0, 0)
ENVOLVER_START(uv_idle_start, (uv_idle_t * h, uv_idle_cb cb), (h, cb), 0, 0)
ENVOLVER_START(uv_prepare_start, (uv_prepare_t * h, uv_prepare_cb cb), (h, cb), 0, 0)
ENVOLVER_START(uv_check_start, (uv_check_t * h, uv_check_cb cb), (h, cb), 0, 0)
ENVOLVER_START(uv_poll_start, (uv_poll_t * h, int ev, uv_poll_cb cb), (h, ev, cb), 0, 0)
ENVOLVER_START(uv_fs_event_start,
               (uv_fs_event_t * h, uv_fs_event_cb cb, const char *ruta, unsigned int f),
               (h, cb, ruta, f), 0, 0)
ENVOLVER_START(uv_fs_poll_start,
               (uv_fs_poll_t * h, uv_fs_poll_cb cb, const char *ruta, unsigned int t),
               (h, cb, ruta, t), 0, 0)
ENVOLVER_START(uv_read_start, (uv_stream_t * h, uv_alloc_cb a, uv_read_cb cb), (h, a, cb), LEYENDO,
               0)
ENVOLVER_START(uv_listen, (uv_stream_t * h, int cola, uv_connection_cb cb), (h, cola, cb),
               ESCUCHANDO, 0)
ENVOLVER_START(uv_udp_recv_start, (uv_udp_t * h, uv_alloc_cb a, uv_udp_recv_cb cb), (h, a, cb),
               RECIBIENDO, 0)

/* --- Las cuentas del tráfico ------------------------------------------------------------ */

/* Qué se cuenta: los bytes que libuv lee y escribe en un socket cuyo otro extremo es un cliente
 * de 127.0.0.1 (el calificador), por el puerto de ese cliente. Se envuelven read, readv, write y
 * writev de libc, las que usa libuv en los streams (uv__read, uv__try_write), y solo se cuenta
 * una llamada de un stream de libuv (se_cuenta: en el hilo del bucle, fuera de una uv_fs_*,
 * volviendo justo detrás de una llamada de libuv.so a esa función) cuyo descriptor es, en ese
 * momento, un socket TCP con ese otro extremo (getsockopt y getpeername en cada llamada: dos más
 * por lectura o escritura, y solo con las cuentas pedidas).
 *
 * Por qué ahí y no en uv_write o en las callbacks de uv_read_start (como antes): lo pedido a
 * uv_write se podía inflar sin que saliera nada (un uv_write de un TiB desde una dirección que no
 * es del proceso: falla dentro de libuv, después de contado), y las cuentas del proceso entero
 * se podían llenar en una conexión consigo mismo. Lo que cuenta ahora es lo que el núcleo tomó o
 * dio a libuv en la conexión de cada cliente, y el calificador lo compara cliente a cliente.
 * Cambiar el descriptor de sitio (dup2 de otro socket sobre el de un cliente) no engaña: el
 * puerto se pregunta en cada llamada, y un socket con el puerto de un cliente del calificador en
 * 127.0.0.1 no lo puede tener el programa (ese par dirección-puerto ya está en uso).
 *
 * Lo escrito cuenta ANTES de la llamada de verdad (y se descuenta lo que no se escribió): el
 * cliente puede recibirlo, y el calificador pedir las cuentas, antes de que este hilo vuelva a
 * correr. Las cuentas pueden ir un momento por delante, nunca por detrás. */
static int contar_trafico;                 /* con clave e informe por descriptor (vivos_iniciar) */
static __thread int hilo_del_bucle;        /* este hilo ha llamado a uv_run (no es del grupo) */
static __thread int en_fs;                 /* dentro de una uv_fs_* (ENVOLVER_FS) */
static uintptr_t libuv_desde, libuv_hasta; /* el código de libuv.so */
static atomic_uint_fast64_t leidos_de[65536], escritos_de[65536]; /* por puerto del cliente */

/* El código de libuv.so (su segmento ejecutable), para saber si una llamada viene de ella. */
static int codigo_de_libuv(struct dl_phdr_info *info, size_t tam, void *dato)
{
    (void)tam;
    struct link_map *mapa = dato;
    if (info->dlpi_addr != mapa->l_addr)
        return 0;
    for (int i = 0; i < info->dlpi_phnum && libuv_hasta == 0; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_X) == 0)
            continue;
        libuv_desde = info->dlpi_addr + ph->p_vaddr;
        libuv_hasta = libuv_desde + ph->p_memsz;
    }
    return 1;
}

#if defined(__x86_64__)
/* Las llamadas de libuv a read, readv, write y writev: sus direcciones de vuelta. Una llamada
 * se cuenta solo si vuelve justo detrás de una de ellas (no basta con volver a cualquier punto
 * del código de libuv: un programa puede poner él mismo esa dirección de vuelta, con un salto a
 * un «ret» de libuv, y pasar por libuv sus propias lecturas: un adversario de la sesión 38).
 * Se buscan una vez, en el código de libuv.so: las ranuras de la GOT de esas cuatro funciones
 * (sus reubicaciones JUMP_SLOT o GLOB_DAT), las entradas de la PLT que saltan a ellas
 * («jmp *ranura», con o sin endbr64 y bnd delante) y cada «call» a una de esas entradas (E8
 * rel32) o por la ranura («call *ranura», FF 15 disp32). */
#define MAX_SITIOS 128
static uintptr_t sitios[MAX_SITIOS]; /* direcciones de vuelta válidas, sin orden */
static size_t n_sitios; /* 0: no se encontraron (o no cabían): vale el código de libuv entero */

static int es_de_libc_io(const char *nombre)
{
    return strcmp(nombre, "read") == 0 || strcmp(nombre, "readv") == 0 ||
           strcmp(nombre, "write") == 0 || strcmp(nombre, "writev") == 0;
}

/* La dirección de `valor` de una entrada de la sección dinámica: glibc ya les suma la base en
 * x86-64; si no (otra arquitectura, o una sección de solo lectura), se la suma aquí. */
static uintptr_t direccion_dinamica(const struct link_map *mapa, uintptr_t valor)
{
    return valor < (uintptr_t)mapa->l_addr ? valor + (uintptr_t)mapa->l_addr : valor;
}

#define MAX_RANURAS 16
static uintptr_t ranuras[MAX_RANURAS]; /* las ranuras de la GOT de las cuatro */
static size_t n_ranuras;
static int desbordado; /* alguna tabla no cabía: mejor ninguna que una a medias */

static void ranuras_de(const struct link_map *mapa, uintptr_t rela, size_t tam,
                       const ElfW(Sym) * simbolos, const char *nombres)
{
    for (size_t i = 0; i + sizeof(ElfW(Rela)) <= tam; i += sizeof(ElfW(Rela))) {
        const ElfW(Rela) *r = (const ElfW(Rela) *)(rela + i);
        unsigned long tipo = ELF64_R_TYPE(r->r_info);
        if (tipo != R_X86_64_JUMP_SLOT && tipo != R_X86_64_GLOB_DAT)
            continue;
        const ElfW(Sym) *s = &simbolos[ELF64_R_SYM(r->r_info)];
        if (!es_de_libc_io(nombres + s->st_name))
            continue;
        if (n_ranuras == MAX_RANURAS) {
            desbordado = 1;
            return;
        }
        ranuras[n_ranuras++] = (uintptr_t)mapa->l_addr + r->r_offset;
    }
}

static int es_ranura(uintptr_t d)
{
    for (size_t i = 0; i < n_ranuras; i++) {
        if (ranuras[i] == d)
            return 1;
    }
    return 0;
}

static int32_t entero32(const unsigned char *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Añade `d` a los sitios de vuelta; si ya no cabe, lo apunta (desbordado). */
static void anadir_sitio(uintptr_t d)
{
    if (n_sitios == MAX_SITIOS)
        desbordado = 1;
    else
        sitios[n_sitios++] = d;
}

/* Las entradas de la PLT que saltan a una de las ranuras (su primer byte, contando endbr64 y
 * bnd), y después los sitios de vuelta de cada «call» a ellas o por la ranura. Si alguna tabla
 * no cabe, ningún sitio (n_sitios = 0): con una lista a medias, las llamadas de libuv que
 * faltaran no se contarían y un servidor correcto perdería puntos; sin lista vale el código de
 * libuv entero (más débil: el trampolín de la sesión 38 pasa), y la línea «cuentas» lo dice
 * (sus <sitios>, 0) para que el calificador lo anote en el informe. */
static void buscar_sitios(const struct link_map *mapa)
{
    uintptr_t rela = 0, jmprel = 0, simbolos = 0, nombres = 0;
    size_t tam_rela = 0, tam_jmprel = 0;
    for (const ElfW(Dyn) *d = mapa->l_ld; d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_RELA:
            rela = direccion_dinamica(mapa, d->d_un.d_ptr);
            break;
        case DT_RELASZ:
            tam_rela = d->d_un.d_val;
            break;
        case DT_JMPREL:
            jmprel = direccion_dinamica(mapa, d->d_un.d_ptr);
            break;
        case DT_PLTRELSZ:
            tam_jmprel = d->d_un.d_val;
            break;
        case DT_SYMTAB:
            simbolos = direccion_dinamica(mapa, d->d_un.d_ptr);
            break;
        case DT_STRTAB:
            nombres = direccion_dinamica(mapa, d->d_un.d_ptr);
            break;
        default:
            break;
        }
    }
    if (simbolos == 0 || nombres == 0)
        return;
    if (jmprel != 0)
        ranuras_de(mapa, jmprel, tam_jmprel, (const ElfW(Sym) *)simbolos, (const char *)nombres);
    if (rela != 0)
        ranuras_de(mapa, rela, tam_rela, (const ElfW(Sym) *)simbolos, (const char *)nombres);
    if (n_ranuras == 0 || desbordado)
        return;
    const unsigned char *codigo = (const unsigned char *)libuv_desde;
    size_t largo = libuv_hasta - libuv_desde;
    uintptr_t entradas[4 * MAX_RANURAS];
    size_t n_entradas = 0;
    for (size_t p = 0; p + 6 <= largo; p++) {
        if (codigo[p] != 0xff || codigo[p + 1] != 0x25 ||
            !es_ranura(libuv_desde + p + 6 + (intptr_t)entero32(codigo + p + 2)))
            continue;
        if (n_entradas + 2 > 4 * MAX_RANURAS) {
            desbordado = 1;
            return;
        }
        size_t inicio = p;
        if (inicio >= 1 && codigo[inicio - 1] == 0xf2) /* bnd jmp */
            inicio--;
        entradas[n_entradas++] = libuv_desde + inicio;
        if (inicio >= 4 && memcmp(codigo + inicio - 4, "\xf3\x0f\x1e\xfa", 4) == 0)
            entradas[n_entradas++] = libuv_desde + inicio - 4; /* endbr64 */
    }
    for (size_t q = 0; q + 6 <= largo; q++) {
        if (codigo[q] == 0xe8) {
            uintptr_t destino = libuv_desde + q + 5 + (intptr_t)entero32(codigo + q + 1);
            for (size_t i = 0; i < n_entradas; i++) {
                if (entradas[i] == destino) {
                    anadir_sitio(libuv_desde + q + 5);
                    break;
                }
            }
        } else if (codigo[q] == 0xff && codigo[q + 1] == 0x15 &&
                   es_ranura(libuv_desde + q + 6 + (intptr_t)entero32(codigo + q + 2))) {
            anadir_sitio(libuv_desde + q + 6);
        }
    }
    if (desbordado)
        n_sitios = 0;
}

/* 1 si `desde` es la vuelta de una llamada de libuv a read, readv, write o writev. */
static int vuelve_a_libuv(uintptr_t desde)
{
    for (size_t i = 0; i < n_sitios; i++) {
        if (sitios[i] == desde)
            return 1;
    }
    return 0;
}
#else
/* En otra arquitectura no se buscan las llamadas: vale cualquier vuelta al código de libuv. */
static void buscar_sitios(const struct link_map *mapa)
{
    (void)mapa;
}

static int vuelve_a_libuv(uintptr_t desde)
{
    (void)desde;
    return 0;
}
#define n_sitios 0
#endif

/* El puerto del cliente si `fd` es un socket TCP conectado a 127.0.0.1 (o ::ffff:127.0.0.1), o
 * -1. TCP, porque los puertos de UDP son otros: un socket UDP «conectado» al mismo número que el
 * de un cliente, abierto como uv_tcp_t con uv_tcp_open, no es su conexión (un adversario de la
 * sesión 38). Un socket TCP con ese otro extremo sí lo es: el par 127.0.0.1:puerto es del
 * cliente del calificador, conectado al servidor, y nadie más puede tenerlo. Deja errno como
 * estaba. */
static int puerto_del_cliente(int fd)
{
    struct sockaddr_storage d;
    socklen_t n = sizeof d;
    int guardado = errno, puerto = -1, protocolo = 0;
    socklen_t largo = sizeof protocolo;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocolo, &largo) == 0 &&
        protocolo == IPPROTO_TCP && getpeername(fd, (struct sockaddr *)&d, &n) == 0) {
        if (d.ss_family == AF_INET) {
            const struct sockaddr_in *v4 = (const struct sockaddr_in *)&d;
            if (ntohl(v4->sin_addr.s_addr) == INADDR_LOOPBACK)
                puerto = ntohs(v4->sin_port);
        } else if (d.ss_family == AF_INET6) {
            const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&d;
            static const unsigned char local[16] = {0, 0, 0,    0,    0,   0, 0, 0,
                                                    0, 0, 0xff, 0xff, 127, 0, 0, 1};
            if (memcmp(&v6->sin6_addr, local, sizeof local) == 0)
                puerto = ntohs(v6->sin6_port);
        }
    }
    errno = guardado;
    return puerto;
}

/* El puerto del cliente de `fd` si la llamada (vuelve a `desde`) se cuenta, o -1: la de un
 * stream de libuv, en el hilo del bucle (el que llamó a uv_run: no el grupo de hilos, donde
 * corren las uv_fs_* con callback) y fuera de una uv_fs_* sin callback (libuv.so llama a read y
 * write de libc también ahí, sobre el descriptor que le den: un adversario de la sesión 38 llevó
 * la sala entera con uv_fs_read y uv_fs_write sobre los sockets), que vuelve justo detrás de una
 * llamada de libuv a esa función (vuelve_a_libuv; en otra arquitectura, a cualquier punto de su
 * código). */
static int se_cuenta(int fd, const void *desde)
{
    uintptr_t d = (uintptr_t)desde;
    if (!contar_trafico || !hilo_del_bucle || en_fs > 0)
        return -1;
    if (n_sitios > 0 ? !vuelve_a_libuv(d) : d < libuv_desde || d >= libuv_hasta)
        return -1;
    return puerto_del_cliente(fd);
}

static size_t bytes_de(const struct iovec *iov, int n)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].iov_len;
    return total;
}

static void leido(int puerto, ssize_t r)
{
    if (puerto >= 0 && r > 0)
        atomic_fetch_add(&leidos_de[puerto], (uint_fast64_t)r);
}

/* Cuenta `pedido` bytes antes de escribir; devuelve lo sumado (para descontar). */
static size_t por_escribir(int puerto, size_t pedido)
{
    if (puerto < 0)
        return 0;
    atomic_fetch_add(&escritos_de[puerto], (uint_fast64_t)pedido);
    return pedido;
}

static void escrito(int puerto, size_t sumado, ssize_t r)
{
    size_t hecho = r > 0 ? (size_t)r : 0;
    if (puerto >= 0 && sumado > hecho)
        atomic_fetch_sub(&escritos_de[puerto], (uint_fast64_t)(sumado - hecho));
}

#define REAL_LIBC(nombre)                                                                          \
    static __typeof__(nombre) *real_##nombre;                                                      \
    if (real_##nombre == NULL)                                                                     \
        real_##nombre = (__typeof__(nombre) *)dlsym(RTLD_NEXT, #nombre);

ssize_t read(int fd, void *buf, size_t n)
{
    REAL_LIBC(read);
    int puerto = se_cuenta(fd, __builtin_return_address(0));
    ssize_t r = real_read(fd, buf, n);
    leido(puerto, r);
    return r;
}

ssize_t readv(int fd, const struct iovec *iov, int n)
{
    REAL_LIBC(readv);
    int puerto = se_cuenta(fd, __builtin_return_address(0));
    ssize_t r = real_readv(fd, iov, n);
    leido(puerto, r);
    return r;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL_LIBC(write);
    int puerto = se_cuenta(fd, __builtin_return_address(0));
    size_t sumado = por_escribir(puerto, n);
    ssize_t r = real_write(fd, buf, n);
    escrito(puerto, sumado, r);
    return r;
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
    REAL_LIBC(writev);
    int puerto = se_cuenta(fd, __builtin_return_address(0));
    size_t sumado = por_escribir(puerto, puerto >= 0 ? bytes_de(iov, n) : 0);
    ssize_t r = real_writev(fd, iov, n);
    escrito(puerto, sumado, r);
    return r;
}

int uv_read_stop(uv_stream_t *h)
{
    REAL(uv_read_stop);
    handle_arrancado(h, NULL, 0, LEYENDO);
    return real(h);
}

int uv_udp_recv_stop(uv_udp_t *h)
{
    REAL(uv_udp_recv_stop);
    handle_arrancado(h, NULL, 0, RECIBIENDO);
    return real(h);
}

static void revisar_cierre(uv_loop_t *bucle);
static void cerrado_fuera(uv_handle_t *h, const registro_t *r);

static int esta_bucle(uv_loop_t *const *lista, const uv_loop_t *bucle)
{
    for (int i = 0; i < MAX_BUCLES; i++)
        if (lista[i] == bucle)
            return 1;
    return 0;
}

/* Con el cerrojo echado. */
static void apuntar_bucle(uv_loop_t **lista, uv_loop_t *bucle)
{
    if (bucle == NULL || esta_bucle(lista, bucle))
        return;
    for (int i = 0; i < MAX_BUCLES; i++)
        if (lista[i] == NULL) {
            lista[i] = bucle;
            return;
        }
}

/* --- Bucles ----------------------------------------------------------------------------- */

uv_loop_t *uv_default_loop(void)
{
    REAL(uv_default_loop);
    uv_loop_t *b = real();
    bucle_por_omision = b;
    return b;
}

/* El sitio de `bucle` en `corridos`, o -1. */
static int indice_corrido(const uv_loop_t *bucle)
{
    for (int i = 0; i < MAX_BUCLES; i++)
        if (corridos[i] == bucle)
            return i;
    return -1;
}

/* ¿Hay un uv_run en marcha de `bucle`? Por bucle y no en todo el proceso: un hilo que se queda
 * en el uv_run de un bucle propio (un uv_queue_work que no vuelve) no hace que lo que se
 * cierra en el bucle del programa se cierre «dentro de uv_run» (un adversario de fuera lo
 * usó: hostiles/chat_run_ajeno.patch). */
static int corriendo(const uv_loop_t *bucle)
{
    int i = indice_corrido(bucle);
    return i >= 0 && atomic_load(&en_uv_run_de[i]) > 0;
}

int uv_run(uv_loop_t *loop, uv_run_mode modo)
{
    REAL(uv_run);
    hilo_del_bucle = 1;
    cerrar_tabla();
    bucle_visto(loop);
    apuntar_bucle(corridos, loop);
    int i = indice_corrido(loop);
    abrir_tabla();
    atomic_fetch_add(&en_uv_run, 1);
    if (i >= 0)
        atomic_fetch_add(&en_uv_run_de[i], 1);
    int r = real(loop, modo);
    if (i >= 0)
        atomic_fetch_sub(&en_uv_run_de[i], 1);
    atomic_fetch_sub(&en_uv_run, 1);
    if (vigilar_cierre && !uv_loop_alive(loop))
        revisar_cierre(loop);
    return r;
}

/* Un handle que se cierra ya no mantiene vivo el bucle por mucho: sale de la tabla (si no,
 * un servidor con miles de conexiones la llenaría de handles muertos). */
void uv_close(uv_handle_t *h, uv_close_cb cb)
{
    REAL(uv_close);
    cerrar_tabla();
    registro_t *r = buscar(h);
    /* Con VIVOS_CIERRE: un handle que se cierra fuera de uv_run, de un bucle que ya corrió y
     * cuyo cierre aún no se revisó, es la red de seguridad (ver la cabecera). */
    if (vigilar_cierre && !corriendo(h->loop) && !uv_is_closing(h) &&
        esta_bucle(corridos, h->loop) && !esta_bucle(revisados, h->loop))
        cerrado_fuera(h, r != NULL && r->clase == HANDLE ? r : NULL);
    if (r != NULL && r->clase == HANDLE)
        quitar(r);
    abrir_tabla();
    real(h, cb);
}

int uv_loop_close(uv_loop_t *loop)
{
    REAL(uv_loop_close);
    int r = real(loop);
    if (r == 0) {
        cerrar_tabla();
        for (int i = 0; i < MAX_BUCLES; i++)
            if (bucles[i] == loop)
                bucles[i] = NULL;
        /* Sin avanzar tras quitar: el desplazamiento puede traer otra de este bucle a i. */
        for (size_t i = 0; i < CAPACIDAD;)
            if (tabla[i].clase != VACIO && tabla[i].bucle == loop)
                quitar(&tabla[i]);
            else
                i++;
        abrir_tabla();
    }
    return r;
}

/* --- Peticiones ------------------------------------------------------------------------- */

static void fs_hecho(uv_fs_t *req)
{
    uv_fs_cb cb = (uv_fs_cb)peticion_hecha(req);
    if (cb != NULL)
        cb(req);
}

/* int nombre(uv_loop_t *loop, uv_fs_t *req, ..., uv_fs_cb cb): con callback es asíncrona. */
/* en_fs: lo que libuv lea o escriba dentro de una uv_fs_* (sin callback, en este hilo) no es de
 * un stream, aunque sea sobre un socket (las cuentas del tráfico: se_cuenta). */
#define ENVOLVER_FS(nombre, PARAMS, ARGS)                                                          \
    int nombre PARAMS                                                                              \
    {                                                                                              \
        REAL(nombre);                                                                              \
        void *quien = __builtin_return_address(0);                                                 \
        int r;                                                                                     \
        en_fs++;                                                                                   \
        if (cb == NULL || dentro > 0 || !peticion_pedida(req, loop, (void *)cb, #nombre, quien)) { \
            r = real ARGS;                                                                         \
        } else {                                                                                   \
            cb = fs_hecho;                                                                         \
            dentro++;                                                                              \
            r = real ARGS;                                                                         \
            dentro--;                                                                              \
            if (r < 0)                                                                             \
                peticion_hecha(req);                                                               \
        }                                                                                          \
        en_fs--;                                                                                   \
        return r;                                                                                  \
    }

#define FS_PARAMS(...) (uv_loop_t * loop, uv_fs_t * req, __VA_ARGS__, uv_fs_cb cb)
#define FS_ARGS(...)   (loop, req, __VA_ARGS__, cb)

ENVOLVER_FS(uv_fs_open, FS_PARAMS(const char *ruta, int f, int modo), FS_ARGS(ruta, f, modo))
ENVOLVER_FS(uv_fs_close, FS_PARAMS(uv_file fd), FS_ARGS(fd))
ENVOLVER_FS(uv_fs_read, FS_PARAMS(uv_file fd, const uv_buf_t b[], unsigned int n, int64_t o),
            FS_ARGS(fd, b, n, o))
ENVOLVER_FS(uv_fs_write, FS_PARAMS(uv_file fd, const uv_buf_t b[], unsigned int n, int64_t o),
            FS_ARGS(fd, b, n, o))
ENVOLVER_FS(uv_fs_stat, FS_PARAMS(const char *ruta), FS_ARGS(ruta))
ENVOLVER_FS(uv_fs_lstat, FS_PARAMS(const char *ruta), FS_ARGS(ruta))
ENVOLVER_FS(uv_fs_fstat, FS_PARAMS(uv_file fd), FS_ARGS(fd))
ENVOLVER_FS(uv_fs_unlink, FS_PARAMS(const char *ruta), FS_ARGS(ruta))
ENVOLVER_FS(uv_fs_rmdir, FS_PARAMS(const char *ruta), FS_ARGS(ruta))
ENVOLVER_FS(uv_fs_mkdir, FS_PARAMS(const char *ruta, int modo), FS_ARGS(ruta, modo))
ENVOLVER_FS(uv_fs_mkdtemp, FS_PARAMS(const char *plantilla), FS_ARGS(plantilla))
ENVOLVER_FS(uv_fs_rename, FS_PARAMS(const char *ruta, const char *nueva), FS_ARGS(ruta, nueva))
ENVOLVER_FS(uv_fs_scandir, FS_PARAMS(const char *ruta, int f), FS_ARGS(ruta, f))
ENVOLVER_FS(uv_fs_opendir, FS_PARAMS(const char *ruta), FS_ARGS(ruta))
ENVOLVER_FS(uv_fs_readdir, FS_PARAMS(uv_dir_t *dir), FS_ARGS(dir))
ENVOLVER_FS(uv_fs_closedir, FS_PARAMS(uv_dir_t *dir), FS_ARGS(dir))
ENVOLVER_FS(uv_fs_fsync, FS_PARAMS(uv_file fd), FS_ARGS(fd))
ENVOLVER_FS(uv_fs_fdatasync, FS_PARAMS(uv_file fd), FS_ARGS(fd))
ENVOLVER_FS(uv_fs_ftruncate, FS_PARAMS(uv_file fd, int64_t o), FS_ARGS(fd, o))
ENVOLVER_FS(uv_fs_sendfile, FS_PARAMS(uv_file out, uv_file in, int64_t o, size_t n),
            FS_ARGS(out, in, o, n))
ENVOLVER_FS(uv_fs_access, FS_PARAMS(const char *ruta, int modo), FS_ARGS(ruta, modo))
ENVOLVER_FS(uv_fs_realpath, FS_PARAMS(const char *ruta), FS_ARGS(ruta))
ENVOLVER_FS(uv_fs_copyfile, FS_PARAMS(const char *ruta, const char *nueva, int f),
            FS_ARGS(ruta, nueva, f))

static void trabajo_hecho(uv_work_t *req, int estado)
{
    uv_after_work_cb cb = (uv_after_work_cb)peticion_hecha(req);
    if (cb != NULL)
        cb(req, estado);
}

int uv_queue_work(uv_loop_t *loop, uv_work_t *req, uv_work_cb trabajo, uv_after_work_cb cb)
{
    REAL(uv_queue_work);
    void *quien = __builtin_return_address(0);
    if (!peticion_pedida(req, loop, (void *)cb, "uv_queue_work", quien))
        return real(loop, req, trabajo, cb);
    int r = real(loop, req, trabajo, trabajo_hecho);
    if (r < 0)
        peticion_hecha(req);
    return r;
}

static void direcciones_hechas(uv_getaddrinfo_t *req, int estado, struct addrinfo *res)
{
    uv_getaddrinfo_cb cb = (uv_getaddrinfo_cb)peticion_hecha(req);
    if (cb != NULL)
        cb(req, estado, res);
    else
        uv_freeaddrinfo(res);
}

int uv_getaddrinfo(uv_loop_t *loop, uv_getaddrinfo_t *req, uv_getaddrinfo_cb cb, const char *nodo,
                   const char *servicio, const struct addrinfo *pistas)
{
    REAL(uv_getaddrinfo);
    void *quien = __builtin_return_address(0);
    if (cb == NULL)
        return real(loop, req, cb, nodo, servicio, pistas);
    if (!peticion_pedida(req, loop, (void *)cb, "uv_getaddrinfo", quien))
        return real(loop, req, cb, nodo, servicio, pistas);
    int r = real(loop, req, direcciones_hechas, nodo, servicio, pistas);
    if (r < 0)
        peticion_hecha(req);
    return r;
}

static void escritura_hecha(uv_write_t *req, int estado)
{
    uv_write_cb cb = (uv_write_cb)peticion_hecha(req);
    if (cb != NULL)
        cb(req, estado);
}

int uv_write(uv_write_t *req, uv_stream_t *h, const uv_buf_t bufs[], unsigned int n, uv_write_cb cb)
{
    REAL(uv_write);
    void *quien = __builtin_return_address(0);
    if (dentro > 0)
        return real(req, h, bufs, n, cb);
    if (!peticion_pedida(req, h->loop, (void *)cb, "uv_write", quien))
        return real(req, h, bufs, n, cb);
    dentro++;
    int r = real(req, h, bufs, n, escritura_hecha);
    dentro--;
    if (r < 0)
        peticion_hecha(req);
    return r;
}

static void conexion_hecha(uv_connect_t *req, int estado)
{
    uv_connect_cb cb = (uv_connect_cb)peticion_hecha(req);
    if (cb != NULL)
        cb(req, estado);
}

int uv_tcp_connect(uv_connect_t *req, uv_tcp_t *h, const struct sockaddr *dir, uv_connect_cb cb)
{
    REAL(uv_tcp_connect);
    void *quien = __builtin_return_address(0);
    if (!peticion_pedida(req, h->loop, (void *)cb, "uv_tcp_connect", quien))
        return real(req, h, dir, cb);
    int r = real(req, h, dir, conexion_hecha);
    if (r < 0)
        peticion_hecha(req);
    return r;
}

static void cierre_escritura_hecho(uv_shutdown_t *req, int estado)
{
    uv_shutdown_cb cb = (uv_shutdown_cb)peticion_hecha(req);
    if (cb != NULL)
        cb(req, estado);
}

int uv_shutdown(uv_shutdown_t *req, uv_stream_t *h, uv_shutdown_cb cb)
{
    REAL(uv_shutdown);
    void *quien = __builtin_return_address(0);
    if (!peticion_pedida(req, h->loop, (void *)cb, "uv_shutdown", quien))
        return real(req, h, cb);
    int r = real(req, h, cierre_escritura_hecho);
    if (r < 0)
        peticion_hecha(req);
    return r;
}

/* --- El informe (dentro del manejador de la señal: sin malloc ni stdio) ----------------- */

static char texto[16384];
static size_t usado;

static void volcar(void)
{
    size_t hecho = 0;
    while (hecho < usado) {
        ssize_t n = write(informe_fd, texto + hecho, usado - hecho);
        if (n <= 0)
            break;
        hecho += (size_t)n;
    }
    usado = 0;
}

static void poner(const char *s)
{
    for (; *s != '\0'; s++) {
        if (usado == sizeof texto)
            volcar();
        texto[usado++] = *s;
    }
}

static void poner_numero(uint64_t n, int base)
{
    char cifras[24];
    int i = 0;
    do {
        cifras[i++] = "0123456789abcdef"[n % (uint64_t)base];
        n /= (uint64_t)base;
    } while (n > 0);
    char s[26];
    int j = 0;
    if (base == 16) {
        s[j++] = '0';
        s[j++] = 'x';
    }
    while (i > 0)
        s[j++] = cifras[--i];
    s[j] = '\0';
    poner(s);
}

static void poner_lugar(const char *que, lugar_t l)
{
    if (l.modulo == NULL)
        return;
    poner(que);
    poner(" @");
    poner(l.modulo[0] == '\0' ? "programa" : l.modulo);
    poner("+");
    /* La dirección de retorno es la instrucción siguiente a la llamada: una menos cae en
     * la línea de la llamada. */
    poner_numero(l.desplazamiento > 0 ? l.desplazamiento - 1 : 0, 16);
}

typedef struct {
    int cosas;
} recorrido_t;

static const char *nombre_tipo(uv_handle_type t)
{
    switch (t) {
#define XX(mayus, minus)                                                                           \
    case UV_##mayus:                                                                               \
        return "uv_" #minus "_t";
        UV_HANDLE_TYPE_MAP(XX)
#undef XX
    default:
        return "handle";
    }
}

static void poner_senal(int s)
{
    switch (s) {
    case SIGINT:
        poner("SIGINT");
        break;
    case SIGTERM:
        poner("SIGTERM");
        break;
    case SIGHUP:
        poner("SIGHUP");
        break;
    case SIGUSR1:
        poner("SIGUSR1");
        break;
    case SIGUSR2:
        poner("SIGUSR2");
        break;
    case SIGCHLD:
        poner("SIGCHLD");
        break;
    case SIGPIPE:
        poner("SIGPIPE");
        break;
    case SIGWINCH:
        poner("SIGWINCH");
        break;
    default:
        poner("la señal ");
        poner_numero((uint64_t)s, 10);
    }
}

/* Una línea por handle activo y con referencia (los demás no mantienen vivo el bucle). */
static void ver_handle(uv_handle_t *h, void *arg)
{
    recorrido_t *rec = arg;
    if (!uv_is_active(h) || !uv_has_ref(h) || uv_is_closing(h))
        return;
    rec->cosas++;
    const registro_t *r = buscar(h);
    if (r != NULL && r->clase != HANDLE)
        r = NULL;
    unsigned estado = r != NULL ? r->estado : 0;
    poner("  - ");
    poner(nombre_tipo(h->type));
    const char *consejo = "ciérralo con uv_close() cuando ya no haga falta";
    switch (h->type) {
    case UV_TIMER: {
        uint64_t cada = uv_timer_get_repeat((uv_timer_t *)h);
        poner(" activo");
        if (cada > 0) {
            poner(" (se repite cada ");
            poner_numero(cada, 10);
            poner(" ms)");
        } else {
            poner(" (vence una vez)");
        }
        consejo = "páralo con uv_timer_stop() o ciérralo con uv_close() cuando ya no haga falta";
        break;
    }
    case UV_TCP:
    case UV_NAMED_PIPE:
    case UV_TTY:
        if (estado & ESCUCHANDO) {
            poner(" escuchando");
            consejo = "el servidor sigue aceptando conexiones: ciérralo con uv_close() al "
                      "terminar";
        } else if (estado & LEYENDO) {
            poner(" leyendo");
            consejo = "sigue esperando datos: uv_read_stop() o uv_close() cuando acabes "
                      "con él";
        } else {
            poner(" activo (una escritura o una conexión en curso)");
        }
        break;
    case UV_UDP:
        poner((estado & RECIBIENDO) ? " recibiendo" : " activo");
        break;
    case UV_SIGNAL:
        poner(" esperando ");
        poner_senal(((uv_signal_t *)h)->signum);
        consejo = "páralo con uv_signal_stop() o ciérralo con uv_close() cuando ya no haga "
                  "falta";
        break;
    case UV_ASYNC:
        poner(" (activo desde uv_async_init)");
        consejo = "un uv_async_t mantiene vivo el bucle hasta que lo cierras con uv_close()";
        break;
    case UV_PROCESS:
        poner(" (el proceso hijo aún no ha terminado)");
        consejo = "espera a que termine el hijo o ciérralo con uv_close()";
        break;
    case UV_IDLE:
    case UV_PREPARE:
    case UV_CHECK:
    case UV_POLL:
    case UV_FS_EVENT:
    case UV_FS_POLL:
        poner(" activo");
        consejo = "páralo (uv_…_stop) o ciérralo con uv_close() cuando ya no haga falta";
        break;
    default:
        poner(" activo");
    }
    if (r != NULL) {
        poner_lugar(", creado en", r->creado);
        poner_lugar(", arrancado en", r->arrancado);
    } else {
        poner(", creado fuera de lo que esta herramienta ve");
    }
    poner(": ");
    poner(consejo);
    poner("\n");
}

static void informe_bucle(uv_loop_t *bucle, int numero)
{
    recorrido_t rec = {0};
    poner("Bucle ");
    poner_numero((uint64_t)numero, 10);
    poner(bucle == bucle_por_omision ? " (uv_default_loop)" : "");
    poner(":\n");
    uv_walk(bucle, ver_handle, &rec);
    unsigned sabidas = 0;
    for (size_t i = 0; i < CAPACIDAD; i++) {
        const registro_t *r = &tabla[i];
        if (r->clase != PETICION || r->bucle != bucle)
            continue;
        sabidas++;
        if (r->interna)
            continue; /* la de un handle de la lista (uv_fs_poll_t): ya sale él */
        rec.cosas++;
        poner("  - ");
        poner(strncmp(r->funcion, "uv_fs_", 6) == 0       ? "uv_fs_t"
              : strcmp(r->funcion, "uv_queue_work") == 0  ? "uv_work_t"
              : strcmp(r->funcion, "uv_getaddrinfo") == 0 ? "uv_getaddrinfo_t"
              : strcmp(r->funcion, "uv_write") == 0       ? "uv_write_t"
              : strcmp(r->funcion, "uv_tcp_connect") == 0 ? "uv_connect_t"
                                                          : "uv_shutdown_t");
        poner(" en curso (");
        poner(r->funcion);
        poner(")");
        poner_lugar(", pedida en", r->creado);
        poner(": su callback aún no ha llegado; ¿espera algo que nunca llega?\n");
    }
    unsigned total = bucle->active_reqs.count;
    if (total > sabidas) {
        rec.cosas++;
        poner("  - ");
        poner_numero(total - sabidas, 10);
        poner(" petición(es) en curso más, de funciones que esta herramienta no envuelve\n");
    }
    if (rec.cosas == 0)
        poner("  (nada activo con referencia: este bucle terminaría; el programa está en otra "
              "parte)\n");
}

/* Una línea «cierre: …» por handle aún abierto y sin uv_close (ver la cabecera). */
static void ver_sin_cerrar(uv_handle_t *h, void *arg)
{
    recorrido_t *rec = arg;
    if (uv_is_closing(h))
        return;
    rec->cosas++;
    lineas_cierre++;
    registro_t *r = buscar(h);
    if (r != NULL && r->clase == HANDLE)
        r->dicho = 1;
    poner("cierre: ");
    poner(nombre_tipo(h->type));
    poner(" sin cerrar al acabar uv_run");
    if (r != NULL && r->clase == HANDLE)
        poner_lugar(", creado en", r->creado);
    poner("\n");
}

/* Fuera de un manejador de señal: con una ruta, el informe se abre para añadir mientras se
 * escribe. Devuelve lo que había en informe_fd, para informe_soltar. */
static int informe_tomar(void)
{
    int antes = informe_fd;
    if (informe_fd < 0 && informe_ruta != NULL)
        informe_fd = open(informe_ruta, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    return antes;
}

static void informe_soltar(int antes)
{
    if (antes < 0 && informe_fd >= 0) {
        close(informe_fd);
        informe_fd = -1;
    }
}

/* Una línea «cierre: …» por un handle que se cierra fuera de uv_run (uv_close, ver arriba).
 * Con el cerrojo echado. */
static void cerrado_fuera(uv_handle_t *h, const registro_t *r)
{
    int antes = informe_tomar();
    if (informe_fd >= 0) {
        lineas_cierre++;
        usado = 0;
        poner("cierre: ");
        poner(nombre_tipo(h->type));
        poner(" sin cerrar al acabar uv_run (lo cerró después un uv_close fuera de uv_run)");
        if (r != NULL)
            poner_lugar(", creado en", r->creado);
        poner("\n");
        volcar();
    }
    informe_soltar(antes);
}

/* La primera vez que `bucle` se queda sin nada vivo: lo que sigue abierto, al informe. */
static void revisar_cierre(uv_loop_t *bucle)
{
    cerrar_tabla();
    if (esta_bucle(revisados, bucle)) {
        abrir_tabla();
        return;
    }
    apuntar_bucle(revisados, bucle);
    int antes = informe_tomar();
    if (informe_fd >= 0) {
        recorrido_t rec = {0};
        usado = 0;
        uv_walk(bucle, ver_sin_cerrar, &rec);
        volcar();
    }
    informe_soltar(antes);
    abrir_tabla();
}

/* Al salir: cada handle que el programa creó en un bucle que ya corrió, que no está en su
 * uv_run (un exit() desde una callback lo deja dentro: eso lo juzga valgrind) y que nadie
 * cerró (ni uv_close ni un uv_loop_close que diera 0), si la revisión de uv_run no lo nombró
 * ya. Es el del bucle que nunca se quedó sin nada vivo —uv_stop o
 * UV_RUN_NOWAIT, y después otro bucle vacío que sí pasa la revisión, o ninguno—: sin esto, la
 * parada que no cierra nada tenía un informe limpio (hostiles/chat_otro_bucle.patch). Solo
 * con la tabla: la memoria del handle, y la del bucle (quizá en la pila de main), puede no
 * existir ya. Con el cerrojo echado. */
static void revisar_salida(void)
{
    usado = 0;
    for (size_t i = 0; i < CAPACIDAD; i++) {
        registro_t *r = &tabla[i];
        if (r->clase != HANDLE || r->dicho || !esta_bucle(corridos, r->bucle) ||
            corriendo(r->bucle))
            continue;
        r->dicho = 1;
        lineas_cierre++;
        poner("cierre: ");
        poner(nombre_tipo((uv_handle_type)r->tipo));
        poner(" sin cerrar al salir del programa (ni uv_close ni uv_loop_close)");
        poner_lugar(", creado en", r->creado);
        poner("\n");
        apuntar_bucle(revisados, r->bucle);
    }
    volcar();
}

static void al_vencer(int senal)
{
    /* La señal va al proceso: con el grupo de hilos, otro hilo puede recibir la segunda (timeout
     * la manda al programa y a su grupo). Informa uno; los demás esperan a que muera. */
    static atomic_int informando;
    if (atomic_exchange(&informando, 1) != 0) {
        for (;;)
            pause();
    }
    int fd = informe_fd;
    int propio = fd < 0;
    if (propio)
        fd = open(informe_ruta, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
        int antes = informe_fd;
        informe_fd = fd;
        usado = 0;
        int abiertos = 0;
        for (int i = 0; i < MAX_BUCLES; i++)
            abiertos += bucles[i] != NULL;
        if (abiertos == 0) {
            /* Sin bucle no hay nada que lo mantenga vivo: decir «lo que mantenía vivo el
             * bucle» y «ningún bucle» a la vez se contradice (ronda de estudiantes del 09). */
            poner("No quedaba ningún bucle de libuv abierto (ya se había cerrado o no llegó a "
                  "crearse): el programa seguía en su propio código, fuera de uv_run (p. ej. un "
                  "sleep, un read, un bucle sin fin o la espera a un hilo).\n");
        } else {
            poner("Lo que mantenía vivo el bucle");
            poner(atomic_load(&en_uv_run) > 0
                      ? " (el programa esperaba dentro de uv_run):\n"
                      : " (el programa NO estaba dentro de uv_run: está ocupado o bloqueado en "
                        "su propio código, p. ej. un sleep, un read o un bucle sin fin):\n");
            int vistos = 0;
            for (int i = 0; i < MAX_BUCLES; i++) {
                if (bucles[i] != NULL)
                    informe_bucle(bucles[i], ++vistos);
            }
        }
        volcar();
        informe_fd = antes;
        if (propio)
            close(fd);
    }
    signal(senal, SIG_DFL);
    raise(senal);
}

/* Las líneas de las cuentas, firmadas (firma.h) y con memoria de la pila (desde el manejador de
 * VIVOS_CUENTAS, que puede llegar mientras otro informe usa `texto`):
 *   «conexion <vez> <puerto> <leídos> <escritos> <firma>», una por cliente de 127.0.0.1 con algo
 *   contado, y al final «cuentas <vez> <conexiones> <uv_poll> <rápidos> <firma>».
 * <vez> es el número que el calificador mandó con la señal (sigqueue), «0» si llegó sin él y
 * «fin» al salir: así las líneas de una petición no valen por las de otra. */
static size_t poner_cifras(char *dst, uint64_t n)
{
    char al_reves[24];
    size_t k = 0;
    do {
        al_reves[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    for (size_t i = 0; i < k; i++)
        dst[i] = al_reves[k - 1 - i];
    return k;
}

static void escribir_todo(const char *datos, size_t n)
{
    while (n > 0) {
        ssize_t r = write(informe_fd, datos, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return;
        datos += r;
        n -= (size_t)r;
    }
}

/* Añade a `lote` la línea `texto` (sin '\n') con su firma; vacía el lote si no cabe otra. */
static void poner_linea(char *lote, size_t tam, size_t *usados, char *texto, size_t n)
{
    if (*usados + n + FIRMA_CIFRAS + 2 > tam) {
        escribir_todo(lote, *usados);
        *usados = 0;
    }
    memcpy(lote + *usados, texto, n);
    lote[*usados + n] = ' ';
    firma_poner(llave, texto, n, lote + *usados + n + 1);
    *usados += n + 1 + FIRMA_CIFRAS;
    lote[(*usados)++] = '\n';
}

/* Arma en `linea` «<cabeza> <vez> <cifra> <cifra>…» (sin '\n' ni firma); devuelve su largo. */
static size_t armar_linea(char *linea, const char *cabeza, const char *vez, const uint64_t *cifras,
                          size_t cuantas)
{
    size_t n = strlen(cabeza), largo_vez = strlen(vez);
    memcpy(linea, cabeza, n);
    linea[n++] = ' ';
    memcpy(linea + n, vez, largo_vez);
    n += largo_vez;
    for (size_t i = 0; i < cuantas; i++) {
        linea[n++] = ' ';
        n += poner_cifras(linea + n, cifras[i]);
    }
    return n;
}

static void escribir_cuentas(const char *vez)
{
    int guardado = errno;
    char lote[4000], linea[160];
    size_t usados = 0;
    uint64_t conexiones = 0;
    for (size_t puerto = 0; puerto < 65536; puerto++) {
        uint64_t l = atomic_load(&leidos_de[puerto]), e = atomic_load(&escritos_de[puerto]);
        if (l == 0 && e == 0)
            continue;
        const uint64_t cifras[] = {puerto, l, e};
        size_t n = armar_linea(linea, "conexion", vez, cifras, 3);
        poner_linea(lote, sizeof lote, &usados, linea, n);
        conexiones++;
    }
    const uint64_t cifras[] = {conexiones, atomic_load(&sondeos), atomic_load(&rapidos), n_sitios};
    size_t n = armar_linea(linea, "cuentas", vez, cifras, 4);
    poner_linea(lote, sizeof lote, &usados, linea, n);
    escribir_todo(lote, usados);
    errno = guardado;
}

static void al_pedir_cuentas(int senal, siginfo_t *info, void *contexto)
{
    (void)senal;
    (void)contexto;
    char vez[24];
    uint64_t numero = info != NULL && info->si_code == SI_QUEUE
                          ? (uint64_t)(uint32_t)info->si_value.sival_int
                          : 0;
    vez[poner_cifras(vez, numero)] = '\0';
    escribir_cuentas(vez);
}

/* VIVOS_CIERRE=@N (la del calificador): la clave llega por el descriptor N, una tubería ya
 * escrita y cerrada por el otro lado; se lee entera y se cierra antes de que corra el
 * programa. Así no está en ningún argv ni entorno que el programa pueda leer (/proc/1/cmdline,
 * el de bwrap, la enseñaba: hostiles/chat_clave_ajena.c). Sin clave entera, ninguna. */
static void leer_clave(const char *numero)
{
    char *fin = NULL;
    long fd = strtol(numero, &fin, 10);
    if (fin == numero || *fin != '\0' || fd < 3 || fd >= 1024)
        return;
    size_t n = 0;
    for (;;) {
        ssize_t r = read((int)fd, clave + n, sizeof clave - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0 && n + (size_t)r < sizeof clave - 1) {
            n += (size_t)r;
            continue;
        }
        if (r == 0 && n > 0)
            clave[n] = '\0';
        else
            n = 0;
        break;
    }
    if (n == 0)
        memset(clave, 0, sizeof clave);
    close((int)fd);
}

__attribute__((constructor)) static void vivos_iniciar(void)
{
    const char *destino = getenv("VIVOS_INFORME");
    if (destino == NULL || destino[0] == '\0')
        return;
    char *fin = NULL;
    long fd = strtol(destino, &fin, 10);
    if (fin != destino && *fin == '\0' && fd >= 0 && fd < 1024)
        informe_fd = (int)fd;
    else
        informe_ruta = destino;
    char *cierre = getenv("VIVOS_CIERRE");
    vigilar_cierre = cierre != NULL && cierre[0] != '\0';
    const char *de_la_clave = getenv("VIVOS_CLAVE");
    if (de_la_clave != NULL && de_la_clave[0] == '@' && dlsym(RTLD_NEXT, "uv_run") != NULL)
        leer_clave(de_la_clave + 1);
    /* La clave, solo en un programa con libuv: sin bwrap, la precarga va también en el entorno
     * de strace y de la puerta del calificador (y aquí de timeout), que ejecutan el programa
     * con su entorno; borrarla en ellos se la quitaría al programa. */
    if (vigilar_cierre && strcmp(cierre, "1") != 0 && dlsym(RTLD_NEXT, "uv_run") != NULL) {
        if (cierre[0] == '@')
            leer_clave(cierre + 1);
        else {
            size_t n = strlen(cierre);
            if (n < sizeof clave) {
                memcpy(clave, cierre, n + 1);
            }
            /* En su sitio: es la memoria que /proc/self/environ enseña. */
            memset(cierre, '0', n);
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = al_vencer;
    sigemptyset(&sa.sa_mask);
    sigaction(VIVOS_SENAL, &sa, NULL);
    if (clave[0] != '\0')
        llave = firma_llave(clave);
    if (clave[0] != '\0' && informe_fd >= 0 && de_la_clave != NULL) {
        struct link_map *uv = mapa_libuv();
        if (uv != NULL) {
            dl_iterate_phdr(codigo_de_libuv, uv);
            if (libuv_hasta > libuv_desde)
                buscar_sitios(uv);
        }
        contar_trafico = libuv_hasta > libuv_desde;
        sa.sa_sigaction = al_pedir_cuentas;
        sa.sa_flags = SA_RESTART | SA_SIGINFO;
        sigaction(VIVOS_CUENTAS, &sa, NULL);
    }
}

/* Al salir: lo que nadie cerró (revisar_salida) y el testigo (ver la cabecera), con lo que se
 * revisó. Sin VIVOS_CIERRE, nada; sin clave, sin testigo. */
__attribute__((destructor)) static void vivos_terminar(void)
{
    if (contar_trafico)
        escribir_cuentas("fin");
    if (!vigilar_cierre)
        return;
    cerrar_tabla();
    int antes = informe_tomar();
    if (informe_fd >= 0)
        revisar_salida();
    if (informe_fd >= 0 && clave[0] != '\0') {
        unsigned bucles = 0;
        for (int i = 0; i < MAX_BUCLES; i++)
            bucles += revisados[i] != NULL;
        usado = 0;
        poner("cierre-fin ");
        poner_numero(lineas_cierre, 10);
        poner(" ");
        poner_numero(bucles, 10);
        poner(" ");
        poner_numero((uint64_t)atomic_load(&en_uv_run), 10);
        char firmada[FIRMA_CIFRAS + 2];
        firmada[0] = ' ';
        firma_poner(llave, texto, usado, firmada + 1);
        firmada[FIRMA_CIFRAS + 1] = '\0';
        poner(firmada);
        poner("\n");
        volcar();
    }
    informe_soltar(antes);
    abrir_tabla();
}
