//@ partida: /* monitor.c — Laboratorio 07: monitor de sitios web (programa de partida).
//@ solucion {
/* monitor.c — Laboratorio 07: monitor de sitios web (solución de referencia).
//@ }
 *
//@ partida:  * Cada `intervalo` milisegundos hay que comprobar TODAS las URL a la vez con el cliente
//@ partida:  * HTTP del curso, imprimir una línea por comprobación, avisar cuando un sitio falla 3 veces
//@ partida:  * seguidas (una sola vez por racha) y cuando se recupera, y con Ctrl+C (o SIGTERM) parar el
//@ partida:  * temporizador, cancelar lo que esté en curso, imprimir el resumen y cerrar el bucle.
//@ solucion {
 * Cada `intervalo` milisegundos comprueba TODAS las URL a la vez con el cliente HTTP del
 * curso, imprime una línea por verificación, avisa cuando un sitio falla 3 veces seguidas
 * (una sola vez por racha) y cuando se recupera, y con Ctrl+C (o SIGTERM) para el
 * temporizador, cancela lo que esté en curso, imprime el resumen y cierra el bucle.
//@ }
 *
 *   monitor [-i INTERVALO_MS] [-t LIMITE_MS] URL...
 *
//@ partida:  * El formato exacto de cada línea está en README.md: el calificador lo lee tal cual.
//@ partida:  *
//@ partida:  * Así como está, compila y arranca, pero no vigila nada: el temporizador llama a al_tic(),
//@ partida:  * que está vacía, y Ctrl+C solo lo detiene a las bravas (sale con 1 y avisa de que falta el
//@ partida:  * TODO 6). Completa los TODO en orden (1 → 6) y prueba después de cada uno.
//@ solucion {
 * El formato de cada línea está en labs/07-monitor-web/README.md.
//@ }
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
    //@ partida:     /* TODO 1: convierte `texto` en un número entero de milisegundos y rechaza todo lo que
    //@ partida:      * no lo sea del todo: vacío, negativo, con restos («12x»), demasiado grande para 64 bits
    //@ partida:      * o fuera de [minimo, maximo]. Si no vale, escribe en stderr un mensaje que CITE el
    //@ partida:      * texto, diga qué opción era (`que`) y qué se esperaba, como
    //@ partida:      *     monitor: el intervalo «abc» no es válido: tiene que ser un número entero de
    //@ partida:      *     milisegundos entre 100 y 86400000
    //@ partida:      * y devuelve -1. Si vale, *valor = el número y devuelve 0.
    //@ partida:      * (atoi() no sirve: no distingue «0» de «abc» ni avisa si se desborda. La función de C
    //@ partida:      * que sí lo hace te dice dónde paró de leer y usa errno.) */
    //@ partida:     (void)texto;
    //@ partida:     (void)que;
    //@ partida:     (void)minimo;
    //@ partida:     (void)maximo;
    //@ partida:     (void)valor;
    //@ solucion {
    char *fin = NULL;
    errno = 0;
    unsigned long long v = strtoull(texto, &fin, 10);
    if (texto[0] == '\0' || texto[0] == '-' || errno != 0 || *fin != '\0' || v < minimo ||
        v > maximo) {
        fprintf(stderr,
                "monitor: %s «%s» no es válido: tiene que ser un número entero de "
                "milisegundos entre %" PRIu64 " y %" PRIu64 "\n",
                que, texto, minimo, maximo);
        return -1;
    }
    *valor = v;
    //@ }
    return 0;
}

/* Devuelve la URL completa (memoria nueva) o NULL si no es válida (ya avisado). */
static char *leer_url(const char *texto)
{
    //@ partida:     /* TODO 2: una URL que empieza por '/' se completa con la dirección del servidor de
    //@ partida:      * práctica (curso/practica.h): "/status/200" → "http://127.0.0.1:8080/status/200".
    //@ partida:      * Cualquier otra tiene que ser http:// o https:// seguido de un nombre de máquina.
    //@ partida:      * Ninguna puede tener espacios, tampoco una que empieza por '/'. Si no vale,
    //@ partida:      * escribe en stderr un mensaje que CITE la URL y devuelve NULL.
    //@ partida:      * Si vale, devuelve la URL completa en memoria nueva (la libera quien la pidió). */
    //@ solucion {
    if (texto[0] == '/' && strpbrk(texto, " \t\r\n\v\f") == NULL) {
        size_t n = strlen(practica_url()) + strlen(texto) + 1;
        char *url = malloc(n);
        if (url != NULL)
            snprintf(url, n, "%s%s", practica_url(), texto);
        return url;
    }
    const char *resto = NULL;
    if (strncmp(texto, "http://", 7) == 0)
        resto = texto + 7;
    else if (strncmp(texto, "https://", 8) == 0)
        resto = texto + 8;
    int valida = resto != NULL && resto[0] != '\0' && resto[0] != '/';
    for (const char *p = texto; valida && *p != '\0'; p++)
        if ((unsigned char)*p <= ' ')
            valida = 0;
    if (!valida) {
        fprintf(stderr, "monitor: la URL «%s» no es válida: tiene que empezar por http:// o "
                        "https:// (o por / para el servidor de práctica) y no tener espacios\n",
                texto);
        return NULL;
    }
    //@ }
    return strdup(texto);
}

//@ solucion {
/* El motivo de un fallo en una sola línea. */
static void motivo_fallo(const http_respuesta_t *r, char *buf, size_t tam)
{
    if (r->error == 0)
        snprintf(buf, tam, "estado HTTP %ld", r->estado);
    else
        snprintf(buf, tam, "%s", r->mensaje != NULL && r->mensaje[0] != '\0'
                                     ? r->mensaje
                                     : http_error_texto(r->error));
    for (char *p = buf; *p != '\0'; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

//@ }
/* Callback de fin de cada comprobación (la llama el cliente HTTP desde el bucle). */
static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    (void)p;
    sitio_t *s = usuario;
    s->en_curso = NULL;
    //@ partida:     /* TODO 4: el resultado de esta comprobación (qué trae la respuesta: curso/http.h).
    //@ partida:      *  - Una comprobación cancelada al parar no cuenta para nada.
    //@ partida:      *  - Si no, es correcta o un fallo (requisito 2 del enunciado) y se anuncia con su
    //@ partida:      *    línea OK o FALLO, tal como pide «Formato de la salida».
    //@ partida:      *  - Los fallos seguidos de cada sitio deciden cuándo toca una ALERTA y cuándo un
    //@ partida:      *    RECUPERADO (requisitos 5 y 6).
    //@ partida:      *  - Lo que el RESUMEN necesita saber (TODO 5) se apunta en el sitio. */
    //@ partida:     (void)r;
    //@ solucion {
    /* Cancelada al parar: no fue una verificación completa, no cuenta. */
    if (r->error == HTTP_E_CANCELADA)
        return;

    long ms = lround(r->segundos * 1000.0);
    s->verificaciones++;
    s->suma_ms += (double)ms;
    if (r->error == 0 && r->estado < 400) {
        s->correctas++;
        printf("OK %s %ld %ld ms\n", s->url, r->estado, ms);
        if (s->fallos_seguidos >= FALLOS_PARA_ALERTA)
            printf("RECUPERADO %s responde de nuevo tras %d fallos seguidos\n", s->url,
                   s->fallos_seguidos);
        s->fallos_seguidos = 0;
        return;
    }
    char motivo[512];
    motivo_fallo(r, motivo, sizeof motivo);
    s->fallos++;
    s->fallos_seguidos++;
    printf("FALLO %s %ld %ld ms %s\n", s->url, r->estado, ms, motivo);
    /* Justo al llegar a 3, no en cada fallo posterior de la misma racha. */
    if (s->fallos_seguidos == FALLOS_PARA_ALERTA)
        printf("ALERTA %s falló %d veces seguidas\n", s->url, FALLOS_PARA_ALERTA);
    //@ }
}

/* Un ciclo: se llama cada intervalo. */
static void al_tic(uv_timer_t *t)
{
    monitor_t *m = t->data;
    //@ partida:     /* TODO 3a: lanza a la vez una comprobación por sitio, sin esperar a ninguna, con
    //@ partida:      * al_terminar como callback (el cliente HTTP del curso, curso/http.h; lo usaste en la
    //@ partida:      * lección 3, gather_http.c). Guarda qué sitio es cada comprobación y cuál está en curso.
    //@ partida:      * Recuerda la regla de libuv: una operación que no arranca no llama a su callback;
    //@ partida:      * ese fallo lo cuentas tú, como FALLO con estado 0.
    //@ partida:      * TODO 3b: cada comprobación lleva el límite m->limite_ms (requisito 3), y un sitio
    //@ partida:      * cuya comprobación anterior sigue en curso NO lanza otra: imprime
    //@ partida:      * «OMITIDA <url> la comprobación anterior sigue en curso» (requisito 4). */
    //@ partida:     (void)m;
    //@ partida:     (void)al_terminar; /* bórralo al completar el TODO 3: entonces ya la usas */
    //@ solucion {
    http_opciones_t opciones = {.tiempo_limite_ms = m->limite_ms};
    for (size_t i = 0; i < m->nsitios; i++) {
        sitio_t *s = &m->sitios[i];
        if (s->en_curso != NULL) {
            printf("OMITIDA %s la comprobación anterior sigue en curso\n", s->url);
            continue;
        }
        int r = http_pedir(m->cliente, s->url, &opciones, al_terminar, s, &s->en_curso);
        if (r < 0) {
            /* Ni siquiera salió: también es un fallo del sitio. */
            s->en_curso = NULL;
            s->verificaciones++;
            s->fallos++;
            s->fallos_seguidos++;
            printf("FALLO %s 0 0 ms %s\n", s->url, http_error_texto(r));
            if (s->fallos_seguidos == FALLOS_PARA_ALERTA)
                printf("ALERTA %s falló %d veces seguidas\n", s->url, FALLOS_PARA_ALERTA);
        }
    }
    //@ }
}

/* Imprime «RESUMEN <url> comprobaciones=N correctas=C fallos=F media=X ms» por sitio. */
static void imprimir_resumen(const monitor_t *m)
{
    //@ partida:     /* TODO 5: una línea por sitio, en el orden de la línea de comandos. media: el tiempo
    //@ partida:      * medio de sus comprobaciones en ms con un decimal, o «-» si no hubo ninguna. */
    //@ partida:     (void)m;
    //@ solucion {
    for (size_t i = 0; i < m->nsitios; i++) {
        const sitio_t *s = &m->sitios[i];
        if (s->verificaciones > 0)
            printf("RESUMEN %s comprobaciones=%u correctas=%u fallos=%u media=%.1f ms\n",
                   s->url, s->verificaciones, s->correctas, s->fallos,
                   s->suma_ms / s->verificaciones);
        else
            printf("RESUMEN %s comprobaciones=0 correctas=0 fallos=0 media=- ms\n", s->url);
    }
    //@ }
}

/* Ctrl+C o SIGTERM (una sola vez: senales.h se encarga). */
static void al_parar(senales_t *senales, int signum, void *datos)
{
    (void)senales;
    //@ partida:     (void)signum;
    monitor_t *m = datos;
    //@ partida:     /* TODO 6: parada ordenada. Antes del resumen, que no haya más ciclos: el temporizador
    //@ partida:      * parado y cerrado (su memoria es de main: ¿necesita callback de cierre?). */
    //@ partida:
    //@ solucion {
    fprintf(stderr, "monitor: recibida %s, parando…\n", signum == SIGINT ? "SIGINT" : "SIGTERM");
    uv_timer_stop(&m->temporizador);
    uv_close((uv_handle_t *)&m->temporizador, NULL);
    //@ }
    imprimir_resumen(m);
    //@ partida:
    //@ partida:     /* TODO 6 (sigue): después, cierra el cliente HTTP (cancela lo que esté en curso: esas
    //@ partida:      * callbacks llegan como canceladas) y las señales. Cuando no quede nada abierto,
    //@ partida:      * uv_run() volverá en main. */
    //@ partida:
    //@ partida:     /* Provisional, mientras el TODO 6 no cierre nada: sin esto el bucle seguiría vivo y
    //@ partida:      * senales.h ignoraría el segundo Ctrl+C. uv_stop() hace volver a uv_run() con los
    //@ partida:      * handles abiertos, así que main dirá que el bucle no quedó cerrado y saldrá con 1.
    //@ partida:      * Deja de actuar en cuanto cierres el temporizador; bórralo al terminar el TODO 6. */
    //@ partida:     if (!uv_is_closing((uv_handle_t *)&m->temporizador)) {
    //@ partida:         fprintf(stderr, "monitor: parada ordenada sin hacer (TODO 6): salgo sin cerrar\n");
    //@ partida:         uv_stop(&m->bucle);
    //@ partida:     }
    //@ solucion {
    /* Cancela lo que esté en curso: cada callback llega con HTTP_E_CANCELADA. */
    http_cliente_cerrar(m->cliente, NULL, NULL);
    senales_cerrar(&m->senales);
    //@ }
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
    //@ partida:     /* TODO 1 (bis): si no queda ninguna URL (optind >= argc), explica el error en stderr,
    //@ partida:      * llama a uso() y sal con 2 (goto fin: `codigo` ya vale 2). */
    //@ solucion {
    if (optind >= argc) {
        fprintf(stderr, "monitor: no hay ninguna URL que vigilar\n");
        uso();
        goto fin;
    }
    //@ }
    //@ partida:
    /* Sin -t, la mitad del intervalo (como mucho 10 s); un -t dado, tal cual (aunque pase de -i). */
    if (!limite_dado) {
        m.limite_ms = m.intervalo_ms / 2;
        if (m.limite_ms > LIMITE_MAXIMO_OMISION_MS)
            m.limite_ms = LIMITE_MAXIMO_OMISION_MS;
    }

    //@ partida:     m.nsitios = optind < argc ? (size_t)(argc - optind) : 0;
    //@ partida:     m.sitios = calloc(m.nsitios > 0 ? m.nsitios : 1, sizeof *m.sitios);
    //@ solucion {
    m.nsitios = (size_t)(argc - optind);
    m.sitios = calloc(m.nsitios, sizeof *m.sitios);
    //@ }
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
