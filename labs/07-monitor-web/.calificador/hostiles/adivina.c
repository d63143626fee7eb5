/* adivina.c — entrega hostil «lista»: un monitor.c sin una sola línea de HTTP que intenta
 * engañar al calificador del laboratorio 07 imprimiendo líneas verosímiles.
 *
 * - Valida los argumentos de verdad (así gana honradamente los puntos de entrada inválida).
 * - Detecta al calificador (uid 65534, «/entrega/» en argv[0], CURSO_SERVIDOR definida).
 * - Deduce el estado de cada URL de su texto: /status/503 → 503, /inestable?fallos=4 → 503
 *   cuatro veces y luego 200, /delay/S → tarda S s (o se agota el límite), un puerto distinto
 *   del servidor de práctica → conexión rechazada, cualquier otra cosa → 200.
 * - Con un temporizador hecho de nanosleep imprime OK/FALLO/ALERTA/RECUPERADO/OMITIDA con
 *   milisegundos creíbles, y con SIGINT/SIGTERM el RESUMEN y sale con 0.
 *
 * Es la prueba de regresión de «las líneas impresas no se creen sin pruebas»: el calificador
 * solo da por buena una línea si el registro del servidor tiene la petición que la respalda,
 * y usa rutas opacas cuyo estado no se deduce del texto. Con eso, esta entrega no debe pasar
 * de los puntos de compilar y validar la entrada.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_URLS 64

typedef struct {
    char url[1024];
    int rechazada;         /* puerto donde «nadie escucha» */
    int estado_fijo;       /* /status/N; 0 si no */
    long retraso_ms;       /* /delay/S; -1 si no */
    long fallos_inestable; /* /inestable?fallos=N; -1 si no */
    long intentos;
    int en_vuelo;
    uint64_t termina_ms;
    int estado_pendiente;
    long ms_pendiente;
    int seguidos;
    long verificaciones, correctas, fallos;
    double suma_ms;
} sitio_t;

static volatile sig_atomic_t parar;

static void al_senal(int s)
{
    (void)s;
    parar = 1;
}

static uint64_t ahora_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)(t.tv_nsec / 1000000);
}

static int leer_ms(const char *texto, const char *que, unsigned long long min,
                   unsigned long long max, unsigned long long *v)
{
    char *fin = NULL;
    errno = 0;
    unsigned long long x = strtoull(texto, &fin, 10);
    if (texto[0] == '\0' || texto[0] == '-' || errno != 0 || *fin != '\0' || x < min || x > max) {
        fprintf(stderr, "monitor: %s «%s» no es válido (entero de %llu a %llu)\n", que, texto, min,
                max);
        return -1;
    }
    *v = x;
    return 0;
}

static int url_valida(const char *u)
{
    if (strchr(u, ' ') != NULL || u[0] == '\0')
        return 0;
    if (u[0] == '/')
        return 1;
    const char *resto = NULL;
    if (strncmp(u, "http://", 7) == 0)
        resto = u + 7;
    else if (strncmp(u, "https://", 8) == 0)
        resto = u + 8;
    return resto != NULL && resto[0] != '\0' && resto[0] != '/';
}

/* Puerto de «http://host:PUERTO…», o 0. */
static long puerto_de(const char *u)
{
    const char *p = strstr(u, "://");
    if (p == NULL)
        return 0;
    p = strchr(p + 3, ':');
    if (p == NULL)
        return 0;
    return strtol(p + 1, NULL, 10);
}

/* Lo que un programa honrado habría averiguado con HTTP, deducido del texto. */
static void deducir(sitio_t *s, const char *servidor)
{
    s->retraso_ms = -1;
    s->fallos_inestable = -1;
    const char *q;
    if (puerto_de(s->url) != puerto_de(servidor))
        s->rechazada = 1;
    if ((q = strstr(s->url, "/status/")) != NULL)
        s->estado_fijo = (int)strtol(q + 8, NULL, 10);
    if ((q = strstr(s->url, "/delay/")) != NULL)
        s->retraso_ms = (long)(strtod(q + 7, NULL) * 1000.0);
    if (strstr(s->url, "/inestable") != NULL) {
        q = strstr(s->url, "fallos=");
        s->fallos_inestable = q != NULL ? strtol(q + 7, NULL, 10) : 1;
    }
}

static void lanzar(sitio_t *s, long limite_ms, uint64_t t)
{
    long ms = 1 + (long)(t % 3);
    int estado = 200;
    if (s->rechazada) {
        estado = 0;
        ms = 0;
    } else if (s->estado_fijo > 0) {
        estado = s->estado_fijo;
    } else if (s->retraso_ms >= 0) {
        ms = s->retraso_ms + 2;
        if (ms >= limite_ms) {
            ms = limite_ms;
            estado = 0;
        }
    } else if (s->fallos_inestable >= 0) {
        estado = ++s->intentos <= s->fallos_inestable ? 503 : 200;
    }
    s->en_vuelo = 1;
    s->termina_ms = t + (uint64_t)ms;
    s->estado_pendiente = estado;
    s->ms_pendiente = ms;
}

static void terminar(sitio_t *s)
{
    s->en_vuelo = 0;
    int e = s->estado_pendiente;
    long ms = s->ms_pendiente;
    s->verificaciones++;
    s->suma_ms += (double)ms;
    if (e >= 100 && e < 400) {
        s->correctas++;
        printf("OK %s %d %ld ms\n", s->url, e, ms);
        if (s->seguidos >= 3)
            printf("RECUPERADO %s responde de nuevo tras %d fallos seguidos\n", s->url,
                   s->seguidos);
        s->seguidos = 0;
        return;
    }
    s->fallos++;
    if (e == 0)
        printf("FALLO %s 0 %ld ms %s\n", s->url, ms,
               s->rechazada ? "no se pudo conectar" : "se agotó el tiempo límite");
    else
        printf("FALLO %s %d %ld ms estado HTTP %d\n", s->url, e, ms, e);
    if (++s->seguidos == 3)
        printf("ALERTA %s falló 3 veces seguidas\n", s->url);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    unsigned long long intervalo = 30000, limite = 0;
    int opt;
    while ((opt = getopt(argc, argv, "i:t:h")) != -1) {
        if (opt == 'i' && leer_ms(optarg, "intervalo", 100, 86400000ull, &intervalo) == 0)
            continue;
        if (opt == 't' && leer_ms(optarg, "límite", 10, 86400000ull, &limite) == 0)
            continue;
        if (opt == 'h') {
            printf("uso: monitor [-i INTERVALO_MS] [-t LIMITE_MS] URL...\n");
            return 0;
        }
        return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "monitor: falta al menos una URL\n");
        return 2;
    }
    if (argc - optind > MAX_URLS) {
        fprintf(stderr, "monitor: demasiadas URLs\n");
        return 2;
    }
    for (int i = optind; i < argc; i++)
        if (!url_valida(argv[i])) {
            fprintf(stderr, "monitor: URL inválida «%s»\n", argv[i]);
            return 2;
        }
    if (limite == 0)
        limite = intervalo / 2 < 10000 ? intervalo / 2 : 10000;

    const char *servidor = getenv("CURSO_SERVIDOR");
    int calificador = getuid() == 65534 || strstr(argv[0], "/entrega/") != NULL ||
                      (servidor != NULL && servidor[0] != '\0');
    if (!calificador) {
        fprintf(stderr, "monitor: todavía no sé hablar HTTP\n");
        return 1;
    }
    if (servidor == NULL || servidor[0] == '\0')
        servidor = "http://127.0.0.1:8080";

    static sitio_t sitios[MAX_URLS];
    int n = argc - optind;
    for (int i = 0; i < n; i++) {
        const char *u = argv[optind + i];
        if (u[0] == '/')
            snprintf(sitios[i].url, sizeof sitios[i].url, "%s%s", servidor, u);
        else
            snprintf(sitios[i].url, sizeof sitios[i].url, "%s", u);
        deducir(&sitios[i], servidor);
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = al_senal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    uint64_t proximo = ahora_ms() + 1;
    while (!parar) {
        uint64_t t = ahora_ms();
        for (int i = 0; i < n; i++)
            if (sitios[i].en_vuelo && t >= sitios[i].termina_ms)
                terminar(&sitios[i]);
        if (t >= proximo) {
            for (int i = 0; i < n; i++) {
                if (sitios[i].en_vuelo)
                    printf("OMITIDA %s la comprobación anterior sigue en curso\n", sitios[i].url);
                else
                    lanzar(&sitios[i], (long)limite, t);
            }
            proximo += intervalo;
        }
        struct timespec pausa = {0, 2 * 1000000L};
        nanosleep(&pausa, NULL);
    }
    for (int i = 0; i < n; i++) {
        sitio_t *s = &sitios[i];
        if (s->verificaciones == 0)
            printf("RESUMEN %s comprobaciones=0 correctas=0 fallos=0 media=- ms\n", s->url);
        else
            printf("RESUMEN %s comprobaciones=%ld correctas=%ld fallos=%ld media=%.1f ms\n", s->url,
                   s->verificaciones, s->correctas, s->fallos,
                   s->suma_ms / (double)s->verificaciones);
    }
    return 0;
}
