/* orden.c — el único lanzador de procesos del calificador.
 *
 * orden_lanzar() hace el fork y todo lo que el hijo debe hacer antes del exec, igual para
 * todos: sesión propia (y con ella grupo de procesos propio, y sin terminal de control),
 * SIGKILL si muere el padre, señales por omisión,
 * descriptores colocados sin pisarse (0, 1, 2 y los que pida quien llama, el resto
 * cerrados), carpeta, un gancho para lo propio de cada uso (límites, seccomp), bajar de
 * usuario y execve. Sobre él:
 *   - orden_ejecutar(): una orden de confianza del ejecutor (compilador, nm, objdump, el
 *     calificador de Criterion) hasta que termine o pase su límite, con la salida
 *     capturada (con tope) o en un archivo;
 *   - cal_lanzar() (lib/lanzar.c): el programa del estudiante, dentro de la caja.
 *
 * Y cómo se interrumpe todo eso (orden_senales_instalar): cada hijo vive en su sesión, así que
 * ni Ctrl+C ni la terminal que se cierra le llegan; si el ejecutor muriera en seco, solo sus
 * hijos directos morirían con él (PDEATHSIG), y los trabajadores de Criterion, bwrap, los
 * programas y el PostgreSQL del 12 seguían vivos, con la copia aparte en /tmp. Así que la
 * señal se anota, y quien espera mata lo suyo y vuelve; el ejecutor barre y borra al salir.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* La señal que interrumpió (0: ninguna). Solo se escribe en el manejador. */
static volatile sig_atomic_t interrumpida;

static void al_interrumpir(int s)
{
    if (interrumpida == 0)
        interrumpida = s;
}

void orden_senales_instalar(void)
{
    static const int senales[] = {SIGHUP, SIGINT, SIGTERM};
    for (size_t i = 0; i < sizeof senales / sizeof senales[0]; i++) {
        struct sigaction antes;
        if (sigaction(senales[i], NULL, &antes) == 0 && antes.sa_handler == SIG_IGN)
            continue; /* quien nos lanzó la quiere ignorada (nohup) */
        struct sigaction sa = {.sa_handler = al_interrumpir, .sa_flags = SA_RESTART};
        sigemptyset(&sa.sa_mask);
        sigaction(senales[i], &sa, NULL);
    }
}

int orden_interrumpida(void)
{
    return interrumpida;
}

/* Primer descriptor libre donde se aparcan los del hijo antes de colocarlos: así un
 * dup2(a, 1) nunca pisa un origen que aún hace falta. */
#define FD_APARCAR 100

/* setgroups + setgid + setuid a `uid` (en el hijo, antes del exec). 0 o -1. */
static int bajar_usuario(uid_t uid)
{
    if (setgroups(0, NULL) < 0 || setgid((gid_t)uid) < 0 || setuid(uid) < 0)
        return -1;
    return 0;
}

/* Mensaje desde el hijo (solo llamadas seguras tras fork) y fin. */
static void hijo_falla(const char *que, const char *arg)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "calificador: no se pudo %s%s%s: %s\n", que,
                     arg != NULL ? " " : "", arg != NULL ? arg : "", strerror(errno));
    if (n > 0 && write(2, buf, (size_t)n) < 0) {
        /* Nada más que hacer. */
    }
    _exit(127);
}

/* Coloca los descriptores del hijo: fds[i] pasa a ser el i (-1: /dev/null si i < 3). */
static void colocar_descriptores(const int *fds, int n)
{
    int aparcados[ORDEN_MAX_FDS];
    for (int i = 0; i < n; i++) {
        int origen = fds[i];
        if (origen < 0 && i < 3)
            origen = open("/dev/null", i == 0 ? O_RDONLY : O_WRONLY);
        aparcados[i] = origen < 0 ? -1 : fcntl(origen, F_DUPFD, FD_APARCAR + i);
        if (origen >= 0 && aparcados[i] < 0)
            hijo_falla("preparar los descriptores", NULL);
    }
    for (int i = 0; i < n; i++) {
        if (aparcados[i] >= 0 && dup2(aparcados[i], i) < 0)
            hijo_falla("preparar los descriptores", NULL);
        if (aparcados[i] < 0)
            close(i); /* nada del padre se cuela con ese número */
    }
    close_range((unsigned)n, ~0U, 0);
}

pid_t orden_lanzar(const orden_hijo_t *h)
{
    pid_t padre = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid < 0 ? -errno : pid;
    /* Una sesión nueva, no solo un grupo de procesos: fuera de la sesión de quien califica, la
     * entrega no tiene terminal de control y /dev/tty no es la de esa persona (ENXIO), así que
     * no puede meter con ioctl TIOCSTI una orden en su entrada, que el shell ejecutaría al
     * acabar (hostiles/inyecta_terminal.c). Con bwrap, --new-session ya lo hace; sin él, lo
     * hacía de paso BoxFort, que lanza cada trabajador de Criterion con setsid: aquí no se
     * deja a una biblioteca. El hijo de un fork nunca es jefe de grupo, así que no falla. */
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != padre)
        _exit(127);
    sigset_t vacio;
    sigemptyset(&vacio);
    sigprocmask(SIG_SETMASK, &vacio, NULL);
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL);
    colocar_descriptores(h->fds, h->nfds < 3 ? 3 : h->nfds);
    if (h->carpeta != NULL && chdir(h->carpeta) < 0)
        hijo_falla("entrar en", h->carpeta);
    if (h->preparar != NULL && h->preparar(h->datos, 0) < 0)
        hijo_falla("preparar el proceso", NULL);
    if (h->uid != 0 && bajar_usuario(h->uid) < 0)
        hijo_falla("cambiar al usuario de la caja", NULL);
    if (h->preparar != NULL && h->preparar(h->datos, 1) < 0)
        hijo_falla("preparar el proceso", NULL);
    if (h->buscar_en_path)
        execvpe(h->argv[0], (char *const *)h->argv, (char *const *)h->entorno);
    else
        execve(h->argv[0], (char *const *)h->argv, (char *const *)h->entorno);
    hijo_falla("ejecutar", h->argv[0]);
    return -1; /* no se llega */
}

/* Añade lo disponible en `fd` a o->capturado (con tope, lo demás se descarta). 1 si leyó
 * algo, 0 en el fin de archivo (o un error), -1 si ahora no hay nada. */
static int capturar(orden_t *o, int fd, size_t *usados)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return -1;
    if (n <= 0)
        return 0;
    size_t tope = o->tope != 0 ? o->tope : TOPE_CAPTURA;
    size_t copia = (size_t)n;
    if (copia > tope - *usados) {
        copia = tope - *usados;
        o->recortado = 1; /* quien juzga lo capturado tiene que saberlo: no es todo */
    }
    memcpy(o->capturado + *usados, buf, copia);
    *usados += copia;
    return 1;
}

/* En el hijo de una orden con límites (solo llamadas seguras tras fork). */
static int limitar_orden(void *datos, int fase)
{
    const orden_t *o = datos;
    if (fase != 0)
        return 0;
    struct rlimit sin_core = {0, 0};
    if (setrlimit(RLIMIT_CORE, &sin_core) < 0)
        return -1;
    if (o->tope_archivo_mib != 0) {
        struct rlimit l = {(rlim_t)o->tope_archivo_mib << 20, (rlim_t)o->tope_archivo_mib << 20};
        if (setrlimit(RLIMIT_FSIZE, &l) < 0)
            return -1;
    }
    if (o->tope_memoria_mib != 0) {
        struct rlimit l = {(rlim_t)o->tope_memoria_mib << 20, (rlim_t)o->tope_memoria_mib << 20};
        if (setrlimit(RLIMIT_AS, &l) < 0)
            return -1;
    }
    return 0;
}

/* Espera a `pid` leyendo su salida (si `tubo` >= 0) y matando al grupo al pasar el límite. */
static void esperar(orden_t *o, pid_t pid, int tubo)
{
    size_t usados = 0;
    int abierto = tubo >= 0;
    reloj_cpu_t reloj;
    reloj_cpu_empezar(&reloj);
    for (;;) {
        int estado;
        if (waitpid(pid, &estado, WNOHANG) == pid) {
            o->estado = estado;
            break;
        }
        if (reloj_cpu_pasado(&reloj, o->limite_s) && !o->excedido) {
            o->excedido = 1;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
        }
        if (interrumpida != 0) { /* Ctrl+C, la terminal cerrada: nada de esperar más */
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
        }
        if (o->al_esperar != NULL)
            o->al_esperar(o->datos_espera);
        struct pollfd pfd = {.fd = abierto ? tubo : -1, .events = POLLIN};
        if (poll(&pfd, 1, abierto ? 50 : 20) > 0 && capturar(o, tubo, &usados) == 0)
            abierto = 0; /* fin de archivo: el hijo cerró su salida pero sigue vivo */
    }
    if (abierto) {
        /* El grupo pudo dejar algo en la tubería. */
        fcntl(tubo, F_SETFL, O_NONBLOCK);
        while (capturar(o, tubo, &usados) > 0)
            ;
    }
    kill(-pid, SIGKILL); /* lo que quede del grupo */
}

int orden_ejecutar(orden_t *o)
{
    int tubo[2] = {-1, -1};
    int destino = -1;
    o->excedido = 0;
    o->recortado = 0;
    o->capturado = NULL;
    if (interrumpida != 0)
        return -EINTR; /* nada nuevo tras Ctrl+C */
    if (o->salida != NULL)
        destino = open(o->salida, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    else if (pipe2(tubo, O_CLOEXEC) == 0 &&
             (o->capturado = calloc(1, (o->tope != 0 ? o->tope : TOPE_CAPTURA) + 1)) == NULL)
        errno = ENOMEM;
    if ((o->salida != NULL && destino < 0) || (o->salida == NULL && o->capturado == NULL)) {
        int e = errno;
        if (tubo[0] >= 0) {
            close(tubo[0]);
            close(tubo[1]);
        }
        return -e;
    }
    int escribe = destino >= 0 ? destino : tubo[1];
    orden_hijo_t h = {.argv = o->argv,
                      .entorno = o->entorno,
                      .carpeta = o->carpeta,
                      .uid = o->uid,
                      .fds = {-1, escribe, escribe, -1},
                      .nfds = 3,
                      .buscar_en_path = 1};
    if (o->con_clave && clave_descriptor() >= 0) {
        h.fds[CLAVE_FD] = clave_descriptor();
        h.nfds = CLAVE_FD + 1;
    }
    if (o->tope_archivo_mib != 0 || o->tope_memoria_mib != 0) {
        h.preparar = limitar_orden;
        h.datos = o;
    }
    pid_t pid = orden_lanzar(&h);
    close(escribe);
    if (pid < 0) {
        if (tubo[0] >= 0)
            close(tubo[0]);
        free(o->capturado);
        o->capturado = NULL;
        return (int)pid;
    }
    esperar(o, pid, tubo[0]);
    if (tubo[0] >= 0)
        close(tubo[0]);
    return 0;
}

int orden_bien(const orden_t *o)
{
    return !o->excedido && WIFEXITED(o->estado) && WEXITSTATUS(o->estado) == 0;
}

void orden_partir(char *s, const char **argv, int *n, int max)
{
    char *guardado = NULL;
    for (char *t = strtok_r(s, " \t\n", &guardado); t != NULL && *n < max - 1;
         t = strtok_r(NULL, " \t\n", &guardado))
        argv[(*n)++] = t;
    argv[*n] = NULL;
}
