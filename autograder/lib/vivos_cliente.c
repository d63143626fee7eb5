/* vivos_cliente.c — lo que pasa por libcurl en un cliente: las peticiones que recibió el servidor
 * de práctica, ¿las escribió libcurl llevada por el bucle de libuv?
 *
 * Un cliente del curso (el 07, el 10, el 11) pide con http_pedir: libcurso lleva libcurl desde
 * el bucle (curl_multi_socket_action en las callbacks de sus uv_poll y de su temporizador), y
 * libcurl escribe y lee sus sockets en el hilo del bucle, dentro de uv_run. La traza no separa
 * eso de un cliente que lo hace todo por su cuenta: sockets propios con su epoll (sin libuv ni
 * libcurl: 100/100 en el 07), un uv_poll sobre su propio socket, o libcurl en su bucle
 * (curl_easy_perform), con las llamadas escondidas de los nombres. La prueba sale de fuera del
 * programa: el servidor de práctica anota en su registro, por cada respuesta, el puerto del
 * cliente y todo lo que llegó por esa conexión («recibidos», common/servidor/registro.h); la
 * precarga vivos cuenta, por el puerto local de cada conexión, lo que escribió libcurl —sus
 * llamadas a send, en un hilo dentro de uv_run— y lo da firmado con la clave del lanzamiento
 * (common/herramientas/vivos/vivos.c, «Las cuentas de un cliente»). Lo que el servidor recibió
 * por una conexión, libcurl lo tuvo que escribir en ella.
 *
 * Qué se mira: las líneas del registro de cada servidor de la verificación que empezaron
 * mientras corría un programa contado (las que el calificador pide entre dos lanzamientos, para
 * sus referencias —el 10—, no son del programa), salvo las que caen mientras corría uno que no
 * se pudo contar (bajo valgrind, que no lleva la precarga; o parado por el calificador antes de
 * dar sus cuentas). Un programa que no las da —vivo, en 500 ms; o terminado por su cuenta sin
 * pasar por exit(): _exit, una señal— pierde la verificación, como en un servidor
 * (lib/vivos.c). Uno que el calificador mata vivo da antes las suyas (vivos_guardar_cuentas):
 * valen hasta cuando se pidieron.
 *
 * Una petición que no escribió libcurl es el trabajo principal hecho por otros medios: en una
 * verificación del núcleo, el laboratorio no se califica (notas_medio;
 * runner/calificar.c, juzgar_medios_vistos), como con lo que prohíbe la traza.
 *
 * Lo que no cierra: las cuentas viven en el proceso (como las del servidor, autograder/README.md,
 * «Lo que pasa por libuv en un servidor»); y un programa que lleva libcurl él mismo desde
 * callbacks de libuv (curl_multi_socket_action en sus propios uv_poll) está haciendo, con otros
 * nombres, lo que hace libcurso: eso lo juzgan los nombres de lab.json, no esto.
 */
#define _GNU_SOURCE
#include "calificador/calificador.h"
#include "interno.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VENTANAS 16

/* Un intervalo [desde, hasta] en que corrió un programa que no se pudo contar. */
typedef struct {
    uint64_t desde, hasta;
} ventana_t;

typedef struct {
    ventana_t v[MAX_VENTANAS];
    int n;
} ventanas_t;

typedef struct {
    uint64_t escritos[65536]; /* lo que libcurl escribió, por puerto local */
    int dados;                /* programas que dieron sus cuentas */
    int sin_libcurl;          /* de ellos, los que no tenían libcurl cargada */
    int sin_sitios;           /* y los que no hallaron sus llamadas a send y recv */
    ventanas_t contadas;      /* mientras corría un programa que dio sus cuentas */
    ventanas_t ciegas;        /* mientras corría uno que no se pudo contar */
    int demasiadas;           /* más programas de los que caben: no se mira nada */
    unsigned ajeno_veces;     /* el hilo del bucle, visto dormido en un epoll que no es de libuv */
    unsigned ajeno_vistas;    /* de cuántas veces que se le vio dormido en un epoll */
    int ajeno_fd;             /* ese epoll (el más visto) */
} cliente_cuentas_t;

/* Cuántas veces se vio al hilo del bucle de `p` dormido en un epoll que no es el de un bucle de
 * libuv que pasó por uv_run (las cuentas de la precarga, `epolls`), y cuál fue el más visto. */
static void epoll_ajeno(cliente_cuentas_t *t, const cal_proceso_t *p, const cuentas_t *c)
{
    unsigned veces = 0, vistas = 0, mas = 0;
    int fd = -1;
    for (int i = 0; i < 64; i++) {
        unsigned n = p->dormido_en_epoll[i];
        vistas += n;
        if (n == 0 || (c->epolls_de_libuv >> i) & 1u)
            continue;
        veces += n;
        if (n > mas) {
            mas = n;
            fd = i;
        }
    }
    if (veces > t->ajeno_veces) {
        t->ajeno_veces = veces;
        t->ajeno_vistas = vistas;
        t->ajeno_fd = fd;
    }
}

static void anotar_ventana(cliente_cuentas_t *t, ventanas_t *w, uint64_t desde, uint64_t hasta)
{
    if (desde > hasta)
        return;
    if (w->n == MAX_VENTANAS) {
        t->demasiadas = 1;
        return;
    }
    w->v[w->n++] = (ventana_t){desde, hasta};
}

/* Hasta cuándo corrió `p` (o sigue: sin fin). */
static uint64_t fin_de(const cal_proceso_t *p)
{
    return p->termino && p->terminado_ms != 0 ? p->terminado_ms : UINT64_MAX;
}

static int en_ventana(const ventanas_t *w, uint64_t ms)
{
    for (int i = 0; i < w->n; i++) {
        if (ms >= w->v[i].desde && ms <= w->v[i].hasta)
            return 1;
    }
    return 0;
}

/* Pide las cuentas a cada programa de la verificación: 1 si se juntaron (las que se pudieron),
 * 0 si uno no las dio (y lo explica). */
static int juntar(cliente_cuentas_t *t)
{
    for (int i = 0; i < procesos_cuantos(); i++) {
        cal_proceso_t *p = procesos_en(i);
        if (p == NULL)
            continue;
        cuentas_t c;
        int r = p->trafico_http ? vivos_cuentas(p, &c) : -1;
        if (r == 0) {
            char fin[160];
            cal_esperado("que el programa diera las cuentas de la precarga «vivos» (lo que "
                         "libcurl escribió y leyó en cada conexión): al pedírselas o, si termina, "
                         "al salir por exit() o return");
            if (!p->termino)
                cal_obtenido("no las dio en 500 ms: el programa cambió o bloqueó la señal "
                             "SIGRTMIN+5, o cerró el descriptor por el que escribe la precarga");
            else
                cal_obtenido("terminó sin darlas: %s", cal_describir_fin(p, fin, sizeof fin));
            return 0;
        }
        if (r != 1) {
            anotar_ventana(t, &t->ciegas, p->lanzado_ms, fin_de(p));
            continue;
        }
        for (size_t k = 0; k < c.nclientes; k++)
            t->escritos[c.clientes[k].puerto] += c.clientes[k].escritos;
        t->dados++;
        t->sin_libcurl += !c.con_libcurl;
        t->sin_sitios += c.con_libcurl && c.sitios_curl == 0;
        epoll_ajeno(t, p, &c);
        /* Lo enviado antes de pedirlas está contado; lo de después, no (un programa vivo sigue
         * pidiendo; uno que el calificador mató tras pedírselas, hasta que murió). El
         * milisegundo en que se pidieron, tampoco: el reloj del registro va en ms enteros. */
        uint64_t hasta = c.medido_ms > 0 ? c.medido_ms - 1 : 0;
        anotar_ventana(t, &t->contadas, p->lanzado_ms, hasta);
        if (hasta < fin_de(p))
            anotar_ventana(t, &t->ciegas, hasta + 1, fin_de(p));
        cuentas_liberar(&c);
    }
    return 1;
}

/* La primera respuesta del registro de `s` que recibió por su conexión más de lo que libcurl
 * escribió en ella, o NULL. */
static const cal_peticion_t *sin_libcurl(cal_servidor_t *s, const cliente_cuentas_t *t)
{
    const cal_peticion_t *v;
    int n = cal_registro(s, &v);
    for (int i = 0; i < n; i++) {
        if (v[i].puerto_cliente <= 0 || !en_ventana(&t->contadas, v[i].inicio_ms) ||
            en_ventana(&t->ciegas, v[i].inicio_ms))
            continue;
        if (v[i].recibidos > t->escritos[v[i].puerto_cliente])
            return &v[i];
    }
    return NULL;
}

/* El hilo del bucle, dormido en un epoll que no es el de libuv (lib/proceso.c lo mira en
 * /proc/<pid>/syscall cada vez que lo ve dormido en uno; la precarga dice cuáles son los de sus
 * bucles): el programa espera en un bucle suyo, dentro de una callback o fuera de uv_run. Es el
 * cliente que lleva libcurl él mismo desde la callback de un temporizador con su propio
 * epoll_wait, hallado en la tabla de libc (el adversario de la sesión 53: 100/100 sin
 * http_pedir; sus bytes los escribe libcurl dentro de uv_run, así que las cuentas de libcurl no
 * lo ven). Un programa de libuv no duerme nunca en otro epoll: basta con verlo tres veces (las
 * miradas van cada 50 ms como poco), para no juzgar por una sola. */
#define EPOLL_AJENO_MIN 3

static int durmio_en_epoll_ajeno(const cliente_cuentas_t *t)
{
    if (t->ajeno_veces < EPOLL_AJENO_MIN)
        return 0;
    char visto[512];
    snprintf(visto, sizeof visto,
             "el hilo del bucle durmió en un epoll que no es el de libuv (el descriptor %d%s): el "
             "programa espera a la red en un bucle suyo, no en el de libuv",
             t->ajeno_fd, t->ajeno_fd == 63 ? " o uno mayor" : "");
    notas_medio(visto);
    cal_esperado("que el hilo del bucle esperara solo en uv_run (en el epoll de libuv), y las "
                 "peticiones fueran por el cliente HTTP del curso (http_pedir)");
    cal_obtenido("de %u %s que se le vio dormido en un epoll, %u fueron en uno que no es el de "
                 "ningún bucle de libuv (el descriptor %d%s): el programa espera en un epoll "
                 "propio —dentro de una callback o fuera de uv_run— en vez de dejar que espere "
                 "uv_run",
                 t->ajeno_vistas, texto_plural(t->ajeno_vistas, "vez", "veces"), t->ajeno_veces,
                 t->ajeno_fd, t->ajeno_fd == 63 ? " o uno mayor" : "");
    return 1;
}

int procesos_trafico_por_libcurl(void)
{
    if (servidores_en_marcha() == 0)
        return 1;
    cliente_cuentas_t *t = calloc(1, sizeof *t);
    if (t == NULL) {
        cal_esperado("poder mirar las cuentas de la precarga «vivos»");
        cal_obtenido("error del calificador: sin memoria");
        return 0;
    }
    int ok = juntar(t);
    if (ok && t->dados > 0 && !t->demasiadas) {
        for (int i = 0; i < 4 && ok; i++) {
            cal_servidor_t *s = servidores_en(i);
            const cal_peticion_t *mala = s != NULL ? sin_libcurl(s, t) : NULL;
            if (mala == NULL)
                continue;
            ok = 0;
            uint64_t escritos = t->escritos[mala->puerto_cliente];
            /* Otros medios para el trabajo principal: en el núcleo, el laboratorio no se
             * califica (runner/calificar.c). */
            char visto[512];
            snprintf(
                visto, sizeof visto,
                "el servidor de práctica recibió peticiones (%.15s %.120s, por el puerto %d) que "
                "no escribió libcurl dentro de uv_run: el programa no hace sus peticiones "
                "con el cliente HTTP del curso (http_pedir)",
                mala->metodo, mala->ruta, mala->puerto_cliente);
            notas_medio(visto);
            cal_esperado("que las peticiones salieran por el cliente HTTP del curso (http_pedir): "
                         "libcurl, llevada por el bucle de libuv, escribe cada petición dentro de "
                         "uv_run");
            if (t->sin_libcurl == t->dados)
                cal_obtenido("el servidor recibió %s %s por una conexión (puerto %d) y el "
                             "programa no tiene libcurl: hizo la petición por su cuenta, con "
                             "sockets propios",
                             mala->metodo, mala->ruta, mala->puerto_cliente);
            else
                cal_obtenido(
                    "el servidor recibió %s %s: %llu %s por esa conexión (puerto %d), y "
                    "libcurl solo escribió %llu en ella dentro de uv_run; el resto lo mandó el "
                    "programa por su cuenta (un socket propio, o libcurl fuera del bucle de "
                    "libuv: curl_easy_perform, un bucle de espera propio, otro hilo)",
                    mala->metodo, mala->ruta, (unsigned long long)mala->recibidos,
                    texto_plural((long long)mala->recibidos, "byte", "bytes"), mala->puerto_cliente,
                    (unsigned long long)escritos);
        }
    }
    if (ok && durmio_en_epoll_ajeno(t))
        ok = 0;
    /* Una verificación con más programas de los que caben no se coteja: lo dice, no lo calla
     * (las verificaciones del curso lanzan pocos programas cada una). */
    if (ok && t->demasiadas)
        cal_nota("(esta verificación lanzó más de " CAL_TEXTO(
            MAX_VENTANAS) " programas contra el "
                          "servidor de práctica: lo que recibió el servidor no se cotejó con lo "
                          "que "
                          "escribió libcurl)");
    if (ok && t->sin_sitios > 0)
        cal_nota("(en esta máquina la precarga «vivos» no encontró en libcurl sus llamadas a send "
                 "y recv —otra arquitectura que x86-64, o una libcurl compilada de otra forma—: "
                 "de cada escritura solo se miró que volviera al código de libcurl, una prueba "
                 "más débil que la de las máquinas del curso)");
    free(t);
    return ok;
}
