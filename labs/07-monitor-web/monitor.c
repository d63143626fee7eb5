/* monitor.c — Laboratorio 07: monitor de sitios web (programa de partida).
 *
 * Cada `intervalo` milisegundos hay que comprobar TODAS las URL a la vez con el cliente
 * HTTP del curso, imprimir una línea por comprobación, avisar cuando un sitio falla 3 veces
 * seguidas (una sola vez por racha) y cuando se recupera, y con Ctrl+C (o SIGTERM) parar el
 * temporizador, cancelar lo que esté en curso, imprimir el resumen y cerrar el bucle.
 *
 *   monitor [-i INTERVALO_MS] [-t LIMITE_MS] URL...
 *
 * El formato exacto de cada línea está en README.md: el calificador lo lee tal cual.
 *
 * Así como está, compila y arranca, pero no vigila nada: el temporizador llama a al_tic(),
 * que está vacía, y Ctrl+C solo lo detiene a las bravas (sale con 1 y avisa de que falta el
 * TODO 6). Completa los TODO en orden (1 → 6) y prueba después de cada uno.
 */
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/senales.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define INTERVALO_OMISION_MS 30000
#define INTERVALO_MINIMO_MS 100
#define LIMITE_MAXIMO_OMISION_MS 10000
#define MAXIMO_MS 86400000 /* un día */
#define FALLOS_PARA_ALERTA 3

typedef struct monitor_s monitor_t;

/* Estado de un sitio vigilado. */
typedef struct {
    char *url;                 /* copia propia (malloc): se libera al final de main */
    monitor_t *monitor;
    http_peticion_t *en_curso; /* la comprobación en curso, o NULL */
    int fallos_seguidos;
    unsigned verificaciones, correctas, fallos;
    double suma_ms;
} sitio_t;

struct monitor_s {
    uv_loop_t bucle;
    uv_timer_t temporizador;
    http_cliente_t *cliente;
    senales_t senales;
    sitio_t *sitios;
    size_t nsitios;
    uint64_t intervalo_ms, limite_ms;
};

static void uso(void)
{
    fprintf(stderr, "uso: monitor [-i INTERVALO_MS] [-t LIMITE_MS] URL...\n"
                    "  -i  milisegundos entre ciclos (%d a %d; por omisión %d)\n"
                    "  -t  límite de cada comprobación en ms (por omisión, la mitad del "
                    "intervalo y como mucho %d)\n"
                    "  Una URL que empieza por / se completa con el servidor de práctica.\n",
            INTERVALO_MINIMO_MS, MAXIMO_MS, INTERVALO_OMISION_MS, LIMITE_MAXIMO_OMISION_MS);
}

/* Lee un número entero de milisegundos en [minimo, maximo]. Devuelve 0 o -1 (ya avisado). */
static int leer_ms(const char *texto, const char *que, uint64_t minimo, uint64_t maximo,
                   uint64_t *valor)
{
    /* TODO 1: convierte `texto` en un número entero de milisegundos y rechaza todo lo que
     * no lo sea del todo: vacío, negativo, con restos («12x»), demasiado grande para 64 bits
     * o fuera de [minimo, maximo]. Si no vale, escribe en stderr un mensaje que CITE el
     * texto, diga qué opción era (`que`) y qué se esperaba, como
     *     monitor: el intervalo «abc» no es válido: tiene que ser un número entero de
     *     milisegundos entre 100 y 86400000
     * y devuelve -1. Si vale, *valor = el número y devuelve 0.
     * (atoi() no sirve: no distingue «0» de «abc» ni avisa si se desborda. La función de C
     * que sí lo hace te dice dónde paró de leer y usa errno.) */
    (void)texto;
    (void)que;
    (void)minimo;
    (void)maximo;
    (void)valor;
    return 0;
}

/* Devuelve la URL completa (memoria nueva) o NULL si no es válida (ya avisado). */
static char *leer_url(const char *texto)
{
    /* TODO 2: una URL que empieza por '/' se completa con la dirección del servidor de
     * práctica (curso/practica.h): "/status/200" → "http://127.0.0.1:8080/status/200".
     * Cualquier otra tiene que ser http:// o https:// seguido de un nombre de máquina.
     * Ninguna puede tener espacios, tampoco una que empieza por '/'. Si no vale,
     * escribe en stderr un mensaje que CITE la URL y devuelve NULL.
     * Si vale, devuelve la URL completa en memoria nueva (la libera quien la pidió). */
    return strdup(texto);
}

/* Callback de fin de cada comprobación (la llama el cliente HTTP desde el bucle). */
static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    (void)p;
    sitio_t *s = usuario;
    s->en_curso = NULL;
    /* TODO 4: el resultado de esta comprobación (qué trae la respuesta: curso/http.h).
     *  - Una comprobación cancelada al parar no cuenta para nada.
     *  - Si no, es correcta o un fallo (requisito 2 del enunciado) y se anuncia con su
     *    línea OK o FALLO, tal como pide «Formato de la salida».
     *  - Los fallos seguidos de cada sitio deciden cuándo toca una ALERTA y cuándo un
     *    RECUPERADO (requisitos 5 y 6).
     *  - Lo que el RESUMEN necesita saber (TODO 5) se apunta en el sitio. */
    (void)r;
}

/* Un ciclo: se llama cada intervalo. */
static void al_tic(uv_timer_t *t)
{
    monitor_t *m = t->data;
    /* TODO 3a: lanza a la vez una comprobación por sitio, sin esperar a ninguna, con
     * al_terminar como callback (el cliente HTTP del curso, curso/http.h; lo usaste en la
     * lección 3, gather_http.c). Guarda qué sitio es cada comprobación y cuál está en curso.
     * Recuerda la regla de libuv: una operación que no arranca no llama a su callback;
     * ese fallo lo cuentas tú, como FALLO con estado 0.
     * TODO 3b: cada comprobación lleva el límite m->limite_ms (requisito 3), y un sitio
     * cuya comprobación anterior sigue en curso NO lanza otra: imprime
     * «OMITIDA <url> la comprobación anterior sigue en curso» (requisito 4). */
    (void)m;
    (void)al_terminar; /* bórralo al completar el TODO 3: entonces ya la usas */
}

/* Imprime «RESUMEN <url> comprobaciones=N correctas=C fallos=F media=X ms» por sitio. */
static void imprimir_resumen(const monitor_t *m)
{
    /* TODO 5: una línea por sitio, en el orden de la línea de comandos. media: el tiempo
     * medio de sus comprobaciones en ms con un decimal, o «-» si no hubo ninguna. */
    (void)m;
}

/* Ctrl+C o SIGTERM (una sola vez: senales.h se encarga). */
static void al_parar(senales_t *senales, int signum, void *datos)
{
    (void)senales;
    (void)signum;
    monitor_t *m = datos;
    /* TODO 6: parada ordenada. Antes del resumen, que no haya más ciclos: el temporizador
     * parado y cerrado (su memoria es de main: ¿necesita callback de cierre?). */

    imprimir_resumen(m);

    /* TODO 6 (sigue): después, cierra el cliente HTTP (cancela lo que esté en curso: esas
     * callbacks llegan como canceladas) y las señales. Cuando no quede nada abierto,
     * uv_run() volverá en main. */

    /* Provisional, mientras el TODO 6 no cierre nada: sin esto el bucle seguiría vivo y
     * senales.h ignoraría el segundo Ctrl+C. uv_stop() hace volver a uv_run() con los
     * handles abiertos, así que main dirá que el bucle no quedó cerrado y saldrá con 1.
     * Deja de actuar en cuanto cierres el temporizador; bórralo al terminar el TODO 6. */
    if (!uv_is_closing((uv_handle_t *)&m->temporizador)) {
        fprintf(stderr, "monitor: parada ordenada sin hacer (TODO 6): salgo sin cerrar\n");
        uv_stop(&m->bucle);
    }
}

int main(int argc, char **argv)
{
    monitor_t m;
    memset(&m, 0, sizeof m);
    m.intervalo_ms = INTERVALO_OMISION_MS;
    int limite_dado = 0;
    int codigo = 2;
    int opcion;

    /* Línea a línea aunque la salida sea una tubería: quien la lee la ve al momento. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    while ((opcion = getopt(argc, argv, "i:t:h")) != -1) {
        if (opcion == 'i') {
            if (leer_ms(optarg, "el intervalo", INTERVALO_MINIMO_MS, MAXIMO_MS,
                        &m.intervalo_ms) < 0)
                goto fin;
        } else if (opcion == 't') {
            if (leer_ms(optarg, "el límite", 10, MAXIMO_MS, &m.limite_ms) < 0)
                goto fin;
            limite_dado = 1;
        } else if (opcion == 'h') {
            uso();
            codigo = 0;
            goto fin;
        } else {
            uso();
            goto fin;
        }
    }
    /* TODO 1 (bis): si no queda ninguna URL (optind >= argc), explica el error en stderr,
     * llama a uso() y sal con 2 (goto fin: `codigo` ya vale 2). */

    /* Sin -t, la mitad del intervalo (como mucho 10 s); un -t dado, tal cual (aunque pase de -i). */
    if (!limite_dado) {
        m.limite_ms = m.intervalo_ms / 2;
        if (m.limite_ms > LIMITE_MAXIMO_OMISION_MS)
            m.limite_ms = LIMITE_MAXIMO_OMISION_MS;
    }

    m.nsitios = optind < argc ? (size_t)(argc - optind) : 0;
    m.sitios = calloc(m.nsitios > 0 ? m.nsitios : 1, sizeof *m.sitios);
    if (m.sitios == NULL) {
        fprintf(stderr, "monitor: sin memoria\n");
        codigo = 1;
        goto fin;
    }
    /* Se validan TODAS las URL antes de arrancar nada. */
    for (size_t i = 0; i < m.nsitios; i++) {
        m.sitios[i].monitor = &m;
        m.sitios[i].url = leer_url(argv[optind + (int)i]);
        if (m.sitios[i].url == NULL)
            goto fin;
    }

    codigo = 1;
    int r = uv_loop_init(&m.bucle);
    if (r < 0) {
        fprintf(stderr, "monitor: uv_loop_init: %s\n", error_texto(r));
        goto fin;
    }
    /* Cada pieza que arranca se apunta: si otra falla, se cierran solo las abiertas. */
    int con_senales = 0, con_temporizador = 0;
    r = http_cliente_nuevo(&m.bucle, 0, &m.cliente);
    if (r == 0) {
        r = senales_iniciar(&m.bucle, &m.senales, al_parar, &m);
        con_senales = r == 0;
    }
    if (r == 0) {
        r = uv_timer_init(&m.bucle, &m.temporizador);
        con_temporizador = r == 0;
    }
    if (r == 0) {
        m.temporizador.data = &m;
        /* Primer ciclo ya (a 1 ms: sin esperar un intervalo entero) y después cada
         * intervalo: libuv lo rearma solo. */
        r = uv_timer_start(&m.temporizador, al_tic, 1, m.intervalo_ms);
    }
    if (r < 0) {
        fprintf(stderr, "monitor: no se pudo arrancar: %s\n", http_error_texto(r));
        if (m.cliente != NULL)
            http_cliente_cerrar(m.cliente, NULL, NULL);
        if (con_temporizador)
            uv_close((uv_handle_t *)&m.temporizador, NULL);
        if (con_senales)
            senales_cerrar(&m.senales);
        uv_run(&m.bucle, UV_RUN_DEFAULT);
        uv_loop_close(&m.bucle);
        goto fin;
    }

    uv_run(&m.bucle, UV_RUN_DEFAULT);
    /* uv_loop_close() == 0 prueba que no quedó nada abierto: solo entonces se sale con 0. */
    r = uv_loop_close(&m.bucle);
    if (r != 0) {
        fprintf(stderr, "monitor: el bucle no quedó cerrado: %s\n", error_texto(r));
        goto fin;
    }
    codigo = 0;

fin:
    for (size_t i = 0; i < m.nsitios && m.sitios != NULL; i++)
        free(m.sitios[i].url);
    free(m.sitios);
    return codigo;
}
