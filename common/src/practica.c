/* practica.c — localizar, arrancar y parar el servidor de práctica (ver practica.h).
 *
 * Se usa fork/exec y no posix_spawn porque el hijo necesita PR_SET_PDEATHSIG antes del exec:
 * si la prueba que lo lanzó se estrella, el servidor no debe quedar huérfano. Entre fork y
 * exec solo se llaman funciones seguras ante señales (prctl, dup2, execve, _exit); el entorno
 * con la clave de la secuencia (si la hay) se prepara antes del fork.
 */
#define _GNU_SOURCE
#include "curso/practica.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define PRACTICA_URL_OMISION      "http://127.0.0.1:8080"
#define PRACTICA_ESPERA_LINEA_MS  10000
#define PRACTICA_ESPERA_PARADA_MS 5000

const char *practica_url(void)
{
    const char *url = getenv("CURSO_SERVIDOR");
    if (url == NULL || url[0] == '\0')
        return PRACTICA_URL_OMISION;
    return url;
}

static long long ahora_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Busca el binario; escribe su ruta en `ruta`. Devuelve 0 o -ENOENT. */
static int buscar_binario(char *ruta, size_t tam)
{
    const char *env = getenv("CURSO_SERVIDOR_BIN");
    if (env != NULL && env[0] != '\0') {
        int n = snprintf(ruta, tam, "%s", env);
        if (n < 0 || (size_t)n >= tam)
            return -ENAMETOOLONG;
        return access(ruta, X_OK) == 0 ? 0 : -ENOENT;
    }

    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        /* Sube carpeta a carpeta desde la del ejecutable (máximo 5 niveles). */
        for (int nivel = 0; nivel < 5; nivel++) {
            char *barra = strrchr(exe, '/');
            if (barra == NULL || barra == exe)
                break;
            *barra = '\0';
            int m = snprintf(ruta, tam, "%s/bin/servidor-practica", exe);
            if (m > 0 && (size_t)m < tam && access(ruta, X_OK) == 0)
                return 0;
        }
    }

    int m = snprintf(ruta, tam, "build/bin/servidor-practica");
    if (m < 0 || (size_t)m >= tam)
        return -ENAMETOOLONG;
    return access(ruta, X_OK) == 0 ? 0 : -ENOENT;
}

/* Espera al hijo como mucho `espera_ms`. Devuelve 1 y deja el estado si terminó, 0 si no,
 * o un error negativo. */
static int esperar_hijo(pid_t pid, long long espera_ms, int *estado)
{
    long long limite = ahora_ms() + espera_ms;
    for (;;) {
        pid_t r = waitpid(pid, estado, WNOHANG);
        if (r == pid)
            return 1;
        if (r < 0 && errno != EINTR)
            return -errno;
        if (ahora_ms() >= limite)
            return 0;
        struct timespec pausa = {0, 10 * 1000000L};
        nanosleep(&pausa, NULL);
    }
}

static void matar_y_recoger(pid_t pid)
{
    int estado;
    kill(pid, SIGKILL);
    while (waitpid(pid, &estado, 0) < 0 && errno == EINTR)
        ;
}

/* Lee de `fd` hasta un '\n' o hasta el plazo. Devuelve la longitud de la línea (sin '\n'),
 * -ETIMEDOUT, -ECHILD si llegó fin de archivo, o -EPROTO si la línea no cabe. */
static int leer_linea(int fd, char *linea, size_t tam)
{
    size_t usados = 0;
    long long limite = ahora_ms() + PRACTICA_ESPERA_LINEA_MS;
    for (;;) {
        long long queda = limite - ahora_ms();
        if (queda <= 0)
            return -ETIMEDOUT;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int r = poll(&pfd, 1, (int)queda);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            return -ETIMEDOUT;
        if (usados + 1 >= tam)
            return -EPROTO;
        ssize_t n = read(fd, linea + usados, tam - 1 - usados);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -ECHILD;
        usados += (size_t)n;
        linea[usados] = '\0';
        char *fin = memchr(linea, '\n', usados);
        if (fin != NULL) {
            *fin = '\0';
            return (int)(fin - linea);
        }
    }
}

/* Comprueba que la línea sea «http://127.0.0.1:PUERTO» y saca el puerto. */
static int analizar_url(const char *linea, int *puerto)
{
    static const char prefijo[] = "http://127.0.0.1:";
    if (strncmp(linea, prefijo, sizeof prefijo - 1) != 0)
        return -EPROTO;
    const char *num = linea + sizeof prefijo - 1;
    char *fin = NULL;
    errno = 0;
    long v = strtol(num, &fin, 10);
    if (errno != 0 || fin == num || *fin != '\0' || v <= 0 || v > 65535)
        return -EPROTO;
    *puerto = (int)v;
    return 0;
}

int practica_arrancar(practica_t *p, const char *registro)
{
    return practica_arrancar_guion(p, registro, NULL);
}

int practica_arrancar_guion(practica_t *p, const char *registro, const char *guion)
{
    return practica_arrancar_alias(p, registro, guion, NULL);
}

int practica_arrancar_alias(practica_t *p, const char *registro, const char *guion,
                            const char *alias)
{
    return practica_arrancar_secreto(p, registro, guion, alias, NULL);
}

/* El entorno del servidor: el nuestro sin CURSO_SERVIDOR_CLAVE y, si hay `clave`, con ella en
 * `linea` (que debe vivir hasta el exec). NULL si no hay memoria; se libera con free(). */
static char **entorno_con_clave(const secuencia_clave_t *clave, char *linea, size_t tam)
{
    static const char nombre[] = "CURSO_SERVIDOR_CLAVE=";
    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    char **v = calloc(n + 2, sizeof *v);
    if (v == NULL)
        return NULL;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], nombre, sizeof nombre - 1) != 0)
            v[m++] = environ[i];
    if (clave != NULL) {
        char hex[SECUENCIA_CLAVE_HEX + 1];
        secuencia_clave_a_texto(clave, hex);
        snprintf(linea, tam, "%s%s", nombre, hex);
        v[m++] = linea;
    }
    v[m] = NULL;
    return v;
}

int practica_arrancar_secreto(practica_t *p, const char *registro, const char *guion,
                              const char *alias, const secuencia_clave_t *clave)
{
    char ruta[PATH_MAX];
    char linea_clave[64];
    char **entorno = NULL;
    int tubo[2] = {-1, -1};
    pid_t pid = -1;
    int r;

    memset(p, 0, sizeof *p);
    r = buscar_binario(ruta, sizeof ruta);
    if (r < 0)
        goto fin;
    if (pipe2(tubo, O_CLOEXEC) < 0) {
        r = -errno;
        goto fin;
    }

    char *args[11] = {ruta, "--puerto", "0", "--silencioso", NULL};
    int nargs = 4;
    if (registro != NULL) {
        args[nargs++] = "--registro";
        args[nargs++] = (char *)registro;
    }
    if (guion != NULL) {
        args[nargs++] = "--guion";
        args[nargs++] = (char *)guion;
    }
    if (alias != NULL) {
        args[nargs++] = "--alias";
        args[nargs++] = (char *)alias;
    }
    args[nargs] = NULL;
    entorno = entorno_con_clave(clave, linea_clave, sizeof linea_clave);
    if (entorno == NULL) {
        r = -ENOMEM;
        goto fin;
    }

    pid_t padre = getpid();
    pid = fork();
    if (pid < 0) {
        r = -errno;
        goto fin;
    }
    if (pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != padre)
            _exit(127);
#else
        (void)padre;
#endif
        if (dup2(tubo[1], STDOUT_FILENO) < 0)
            _exit(127);
        execve(ruta, args, entorno);
        _exit(127);
    }
    close(tubo[1]);
    tubo[1] = -1;

    char linea[sizeof p->url];
    r = leer_linea(tubo[0], linea, sizeof linea);
    if (r >= 0)
        r = analizar_url(linea, &p->puerto);
    if (r < 0) {
        matar_y_recoger(pid);
        p->puerto = 0;
        goto fin;
    }
    snprintf(p->url, sizeof p->url, "%s", linea);
    p->pid = pid;
    r = 0;

fin:
    free(entorno);
    explicit_bzero(linea_clave, sizeof linea_clave);
    if (tubo[0] >= 0)
        close(tubo[0]);
    if (tubo[1] >= 0)
        close(tubo[1]);
    return r;
}

int practica_parar(practica_t *p)
{
    if (p == NULL || p->pid <= 0)
        return -EINVAL;
    pid_t pid = p->pid;
    int estado = 0;
    int r;

    p->pid = 0;
    kill(pid, SIGTERM);
    r = esperar_hijo(pid, PRACTICA_ESPERA_PARADA_MS, &estado);
    if (r == 0) {
        kill(pid, SIGKILL);
        r = esperar_hijo(pid, PRACTICA_ESPERA_PARADA_MS, &estado);
    }
    if (r < 0)
        return r;
    if (r == 0)
        return -ETIMEDOUT;
    if (WIFEXITED(estado))
        return WEXITSTATUS(estado);
    if (WIFSIGNALED(estado))
        return 128 + WTERMSIG(estado);
    return -ECHILD;
}
