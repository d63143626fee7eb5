/* clientes_prueba.c — los clientes de prueba de un servidor de difusión (ver
 * clientes_prueba.h).
 *
 * El hijo no usa libuv: sockets bloqueantes, poll() con límite de tiempo y una sola hebra.
 * Hereda del padre el bucle y el socket que escucha; cierra todos sus descriptores salvo
 * 0–2 para que, cuando el servidor cierre su escucha, el puerto rechace conexiones de
 * verdad. Tras el primer fallo deja de probar, lo dice en una línea y pasa a parar el
 * servidor: así el comprobador enseña el primer síntoma y no una cascada.
 */
#define _GNU_SOURCE
#include "curso/clientes_prueba.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define ESPERA_MS        3000        /* lo que se espera una línea o un cierre */
#define SILENCIO_MS      300         /* lo que se escucha para decir «no le llegó nada más» */
#define LINEA_RIADA      4000        /* bytes de cada línea de la riada, con su '\n' */
#define ADELANTO_MAXIMO  (256 << 10) /* el emisor no se adelanta más que esto al lector */
#define CRECE_MAXIMO_KIB (8 * 1024)  /* memoria residente máxima que puede ganar el servidor */
#define RIADA_MS         20000

typedef struct {
    const char *nombre;
    int fd; /* -1: cerrado */
    char buf[65536];
    size_t ini, fin; /* bytes recibidos y aún no sacados: buf[ini..fin) */
    unsigned long long recibidos;
} cliente_t;

static pid_t hijo;  /* en el padre: el proceso de los clientes (0 si no hay) */
static pid_t padre; /* en el hijo: el servidor */
static int puerto_servidor;
static int fallo; /* en el hijo: ya falló algo; solo queda parar el servidor */

static long long ahora_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void decir(const char *formato, ...) __attribute__((format(printf, 1, 2)));
static void decir(const char *formato, ...)
{
    va_list ap;
    va_start(ap, formato);
    vprintf(formato, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* Conecta (bloqueante). Con rcvbuf > 0, el búfer de recepción es ese desde antes de conectar:
 * la ventana TCP que anuncia es pequeña. Devuelve 0 o -errno. */
static int conectar(cliente_t *c, const char *nombre, int rcvbuf)
{
    struct sockaddr_in dir;
    int e;

    memset(c, 0, sizeof *c);
    c->nombre = nombre;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -errno;
    if (rcvbuf > 0)
        setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    memset(&dir, 0, sizeof dir);
    dir.sin_family = AF_INET;
    dir.sin_port = htons((unsigned short)puerto_servidor);
    dir.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&dir, sizeof dir) == 0)
        return 0;
    e = -errno;
    close(c->fd);
    c->fd = -1;
    return e;
}

static void conectar_o_fallar(cliente_t *c, const char *nombre, int rcvbuf)
{
    int r = conectar(c, nombre, rcvbuf);
    if (r < 0 && !fallo) {
        fallo = 1;
        decir("%s no pudo conectar: %s", nombre, strerror(-r));
    }
}

/* Espera hasta `ms` a que lleguen bytes. 1: llegaron; 0: nada a tiempo; -1: cerrada. */
static int recibir(cliente_t *c, int ms)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    ssize_t r;

    if (c->fd < 0)
        return -1;
    if (c->ini > 0) {
        memmove(c->buf, c->buf + c->ini, c->fin - c->ini);
        c->fin -= c->ini;
        c->ini = 0;
    }
    if (c->fin == sizeof c->buf)
        c->fin = 0; /* 64 KiB sin un '\n': se descartan */
    if (poll(&p, 1, ms) <= 0)
        return 0;
    r = recv(c->fd, c->buf + c->fin, sizeof c->buf - c->fin, MSG_DONTWAIT);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (r <= 0)
        return -1;
    c->fin += (size_t)r;
    c->recibidos += (unsigned long long)r;
    return 1;
}

/* Saca una línea completa (sin su '\n') de lo recibido. 1 si había. */
static int sacar_linea(cliente_t *c, char *linea, size_t max)
{
    char *nl = memchr(c->buf + c->ini, '\n', c->fin - c->ini);
    size_t largo;

    if (nl == NULL)
        return 0;
    largo = (size_t)(nl - (c->buf + c->ini));
    snprintf(linea, max, "%.*s", (int)largo, c->buf + c->ini);
    c->ini += largo + 1;
    return 1;
}

/* Una línea en `ms` como mucho. 1: llegó; 0: no llegó; -1: la conexión se cerró. */
static int leer_linea(cliente_t *c, char *linea, size_t max, int ms)
{
    long long limite = ahora_ms() + ms;
    while (!sacar_linea(c, linea, max)) {
        long long queda = limite - ahora_ms();
        if (queda <= 0)
            return 0;
        if (recibir(c, (int)queda) < 0)
            return -1;
    }
    return 1;
}

static void enviar(cliente_t *c, const char *datos, size_t n)
{
    size_t hecho = 0;
    while (!fallo && hecho < n) {
        ssize_t r = send(c->fd, datos + hecho, n - hecho, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fallo = 1;
            decir("%s no pudo enviar: el servidor cerró su conexión", c->nombre);
            return;
        }
        hecho += (size_t)r;
    }
}

static void enviar_texto(cliente_t *c, const char *texto)
{
    enviar(c, texto, strlen(texto));
}

/* `c` debe recibir la línea `esperada`: lo dice, o dice qué recibió en su lugar. */
static void espera(cliente_t *c, const char *esperada)
{
    char linea[2048];
    int r;

    if (fallo)
        return;
    r = leer_linea(c, linea, sizeof linea, ESPERA_MS);
    if (r == 1 && strcmp(linea, esperada) == 0) {
        decir("%s recibe: %s", c->nombre, linea);
        return;
    }
    fallo = 1;
    if (r == 1)
        decir("%s esperaba «%s» y recibió «%s»", c->nombre, esperada, linea);
    else if (r == 0)
        decir("%s esperaba «%s» y no le llegó nada en %d s", c->nombre, esperada, ESPERA_MS / 1000);
    else
        decir("%s esperaba «%s» y el servidor cerró su conexión", c->nombre, esperada);
}

/* A `c` no le llega nada más (por ejemplo, sus propias líneas). */
static void nada_mas(cliente_t *c)
{
    char linea[2048];
    if (!fallo && leer_linea(c, linea, sizeof linea, SILENCIO_MS) == 1) {
        fallo = 1;
        decir("a %s le llegó «%s», que no debía llegarle", c->nombre, linea);
    }
}

/* Lee y descarta hasta que el servidor cierre (1) o pasen `ms` (0). */
static int esperar_cierre(cliente_t *c, int ms)
{
    long long limite = ahora_ms() + ms;
    while (ahora_ms() < limite) {
        c->ini = c->fin = 0;
        if (recibir(c, (int)(limite - ahora_ms())) < 0)
            return 1;
    }
    return 0;
}

static void cerrar(cliente_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Corta de golpe: con SO_LINGER a 0, close() manda un RST en vez del cierre ordenado. */
static void cortar_de_golpe(cliente_t *c)
{
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    cerrar(c);
}

/* Memoria residente máxima del servidor (VmHWM de /proc/PID/status), en KiB; 0 si no se sabe. */
static long memoria_pico_kib(void)
{
    char ruta[64], linea[256];
    long kib = 0;
    FILE *f;

    snprintf(ruta, sizeof ruta, "/proc/%d/status", (int)padre);
    f = fopen(ruta, "r");
    if (f == NULL)
        return 0;
    while (fgets(linea, sizeof linea, f) != NULL)
        if (sscanf(linea, "VmHWM: %ld", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* Manda la señal al servidor; cada cliente abierto debe ver su cierre, y una conexión nueva,
 * ser rechazada (el servidor ya no escucha). */
static void parar(int senal, cliente_t **clientes, int n)
{
    cliente_t nuevo;

    fflush(stdout);
    kill(padre, senal);
    for (int i = 0; i < n; i++) {
        if (clientes[i]->fd < 0)
            continue;
        if (esperar_cierre(clientes[i], ESPERA_MS))
            decir("%s: el servidor cerró la conexión", clientes[i]->nombre);
        else
            decir("%s: la conexión sigue abierta %d s después de la señal", clientes[i]->nombre,
                  ESPERA_MS / 1000);
        cerrar(clientes[i]);
    }
    if (conectar(&nuevo, "nuevo", 0) == 0) {
        decir("una conexión nueva: aceptada (el servidor sigue escuchando)");
        cerrar(&nuevo);
    } else {
        decir("una conexión nueva: rechazada");
    }
}

static void formatear_riada(char *linea, unsigned k)
{
    int n = snprintf(linea, LINEA_RIADA, "riada %06u ", k);
    memset(linea + n, 'x', (size_t)(LINEA_RIADA - 1 - n));
    linea[LINEA_RIADA - 1] = '\n';
}

/* El emisor manda `mib` MiB en líneas numeradas sin adelantarse al lector más de 256 KiB (el
 * lector nunca es lento); el lento no lee nunca. */
static void riada(cliente_t *emisor, cliente_t *lector, int mib)
{
    unsigned total = (unsigned)(((unsigned long long)mib << 20) / LINEA_RIADA);
    unsigned enviadas = 0, recibidas = 0, desordenadas = 0;
    size_t hecho = 0;
    char linea[LINEA_RIADA], recibida[LINEA_RIADA + 1];
    long long limite = ahora_ms() + RIADA_MS;
    unsigned long long base = lector->recibidos;

    if (fallo)
        return;
    formatear_riada(linea, 0);
    while (recibidas < total && ahora_ms() < limite) {
        struct pollfd p[2] = {{.fd = lector->fd, .events = POLLIN},
                              {.fd = emisor->fd, .events = POLLOUT}};
        int escribir = enviadas < total && (unsigned long long)enviadas * LINEA_RIADA <
                                               lector->recibidos - base + ADELANTO_MAXIMO;

        if (poll(p, escribir ? 2 : 1, 100) < 0 && errno != EINTR)
            break;
        if (escribir && p[1].revents != 0) {
            ssize_t r =
                send(emisor->fd, linea + hecho, LINEA_RIADA - hecho, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (r < 0 && errno != EAGAIN && errno != EINTR) {
                fallo = 1;
                decir("emisor: el servidor cortó su conexión tras %u líneas", enviadas);
                return;
            }
            if (r > 0 && (hecho += (size_t)r) == LINEA_RIADA) {
                hecho = 0;
                formatear_riada(linea, ++enviadas);
            }
        }
        if (p[0].revents != 0 && recibir(lector, 0) < 0) {
            fallo = 1;
            decir("lector: el servidor cortó su conexión tras %u líneas", recibidas);
            return;
        }
        while (sacar_linea(lector, recibida, sizeof recibida)) {
            unsigned k;
            if (sscanf(recibida, "riada %u", &k) != 1 || k != recibidas)
                desordenadas++;
            recibidas++;
        }
    }
    if (recibidas < total) {
        fallo = 1;
        decir("lector: %u líneas de %u en %d s", recibidas, total, RIADA_MS / 1000);
    } else {
        decir("lector: %u líneas de %u, %s", recibidas, total,
              desordenadas == 0 ? "todas en orden" : "con alguna cambiada o fuera de orden");
    }
}

static void charla(void)
{
    cliente_t a, b, c;
    cliente_t *todos[] = {&a, &b, &c};

    /* En orden: cuando el servidor lee a C, ya aceptó a A y a B (llegaron antes). */
    conectar_o_fallar(&a, "A", 0);
    conectar_o_fallar(&b, "B", 0);
    conectar_o_fallar(&c, "C", 0);
    enviar_texto(&c, "hola, soy C\n");
    espera(&a, "hola, soy C");
    espera(&b, "hola, soy C");
    enviar_texto(&a, "uno\ndos\n"); /* dos líneas en un solo trozo */
    enviar_texto(&a, "tr");         /* y una en dos trozos */
    usleep(100 * 1000);
    enviar_texto(&a, "es\n");
    espera(&b, "uno");
    espera(&b, "dos");
    espera(&b, "tres");
    espera(&c, "uno");
    espera(&c, "dos");
    espera(&c, "tres");
    enviar_texto(&b, "¡adiós, sala!\n");
    espera(&a, "¡adiós, sala!");
    espera(&c, "¡adiós, sala!");
    nada_mas(&a);
    nada_mas(&b);
    nada_mas(&c);
    parar(SIGINT, todos, 3);
}

static void corte(cliente_t *a, cliente_t *b, cliente_t *d)
{
    cliente_t x;

    conectar_o_fallar(a, "A", 0);
    conectar_o_fallar(b, "B", 0);
    conectar_o_fallar(&x, "X", 0);
    enviar_texto(&x, "hola, soy X\n");
    espera(a, "hola, soy X");
    espera(b, "hola, soy X");
    enviar_texto(a, "esto X no lo lee\n");
    espera(b, "esto X no lo lee");
    if (!fallo) {
        usleep(100 *
               1000); /* que la línea esté ya en el búfer de X, sin leer: el cierre es un RST */
        cortar_de_golpe(&x);
        decir("X corta de golpe");
    }
    enviar_texto(a, "¿seguís ahí?\n");
    espera(b, "¿seguís ahí?");
    conectar_o_fallar(d, "D", 0);
    enviar_texto(d, "hola, soy D\n");
    espera(a, "hola, soy D");
    espera(b, "hola, soy D");
    enviar_texto(b, "sí\n");
    espera(a, "sí");
    espera(d, "sí");
    nada_mas(a);
    cerrar(&x);
}

/* El lento no lee y tiene una ventana TCP de 4 KiB: lo que se le manda se queda en el
 * servidor. Con medir, la memoria residente máxima del servidor no debe crecer más de 8 MiB. */
static void lento(int mib, int medir, int senal)
{
    cliente_t l, lector, emisor;
    cliente_t *siguen[] = {&lector, &emisor};
    long antes, despues;

    conectar_o_fallar(&l, "lento", 4096);
    conectar_o_fallar(&lector, "lector", 0);
    conectar_o_fallar(&emisor, "emisor", 0);
    enviar_texto(&emisor, "empieza\n");
    espera(&lector, "empieza");
    antes = memoria_pico_kib();
    riada(&emisor, &lector, mib);
    despues = memoria_pico_kib();
    if (medir && antes > 0 && despues > 0 && !(fallo && despues - antes <= CRECE_MAXIMO_KIB)) {
        if (despues - antes <= CRECE_MAXIMO_KIB)
            decir("memoria del servidor: creció menos de %d MiB", CRECE_MAXIMO_KIB / 1024);
        else
            decir("memoria del servidor: creció %.1f MiB (más de %d)", (despues - antes) / 1024.0,
                  CRECE_MAXIMO_KIB / 1024);
    }
    if (!fallo) {
        if (esperar_cierre(&l, ESPERA_MS)) {
            decir("lento: el servidor cortó su conexión");
        } else {
            fallo = 1;
            decir("lento: su conexión sigue abierta, %d s después de la riada", ESPERA_MS / 1000);
        }
    }
    cerrar(&l);
    parar(senal, siguen, 2);
}

static void ejecutar(const char *escenario)
{
    cliente_t a, b, d;
    cliente_t *siguen[] = {&a, &b, &d};

    if (strcmp(escenario, "charla") == 0) {
        charla();
    } else if (strcmp(escenario, "corte") == 0) {
        corte(&a, &b, &d);
        parar(SIGTERM, siguen, 3);
    } else if (strcmp(escenario, "lento") == 0) {
        lento(16, 1, SIGINT);
    } else {
        corte(&a, &b, &d);
        cerrar(&a);
        cerrar(&b);
        cerrar(&d);
        lento(4, 0, SIGTERM);
    }
}

int clientes_prueba_lanzar(const char *escenario, int puerto)
{
    static const char *const validos[] = {"charla", "corte", "lento", "valgrind"};
    struct rlimit lim;
    pid_t pid;
    int valido = 0;

    for (size_t i = 0; i < sizeof validos / sizeof validos[0]; i++)
        valido |= strcmp(escenario, validos[i]) == 0;
    if (!valido || puerto <= 0 || hijo != 0)
        return -EINVAL;
    fflush(stdout);
    fflush(stderr);
    padre = getpid();
    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid > 0) {
        hijo = pid;
        return 0;
    }
    /* El hijo. */
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != padre)
        _exit(1);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGRTMIN + 4, SIG_DFL); /* la del comprobador cuando vence el límite: morir sin más */
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
        lim.rlim_cur <= 65536)
        for (int fd = 3; fd < (int)lim.rlim_cur; fd++)
            close(fd);
    puerto_servidor = puerto;
    ejecutar(escenario);
    fflush(stdout);
    _exit(fallo ? 1 : 0);
}

int clientes_prueba_esperar(void)
{
    int estado;
    pid_t r;

    if (hijo == 0)
        return 0;
    do
        r = waitpid(hijo, &estado, 0);
    while (r < 0 && errno == EINTR);
    hijo = 0;
    return r > 0 && WIFEXITED(estado) && WEXITSTATUS(estado) == 0 ? 0 : 1;
}
