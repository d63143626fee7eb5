/* mientras_terminal.c — ejecuta una orden mientras viva la terminal desde la que se lanzó.
 *
 *   mientras-terminal ORDEN [ARG…]
 *
 * Para qué: lo que un estudiante deja corriendo en una terminal (make vigilar, make
 * vigilar-practica, make servidor, make grade, make practica) tiene que morir cuando cierra
 * esa terminal, con todo lo que arrancó. No pasaba: con `tmux kill-session` (o al cerrar la
 * ventana) el núcleo manda SIGHUP solo al líder de la sesión, y cuando ese líder es make (la
 * orden de la ventana) make lo atrapa y espera a sus hijos, que nunca reciben nada: vigilar.sh,
 * su inotifywait y un calificar seguían calificando cada guardado, adoptados por init. Una
 * shell interactiva sí reenvía el SIGHUP al grupo de la orden, pero no a los grupos que crean
 * `timeout` o el calificador. Esto hace lo que haría la shell, sea quien sea el líder:
 *
 *   · abre /dev/tty al empezar; sin terminal no hay nada que atar y ejecuta ORDEN tal cual;
 *   · lanza ORDEN como hijo, en el mismo grupo de procesos (Ctrl+C le llega como siempre:
 *     este proceso ignora SIGINT y SIGQUIT y espera a que ORDEN decida) y se hace
 *     «subreaper», para que lo que quede huérfano por debajo sea hijo suyo;
 *   · espera con poll() sobre la terminal: al colgarse, el núcleo cambia sus operaciones y
 *     poll devuelve POLLHUP (sin sondear cada cierto tiempo). Un SIGHUP directo vale igual;
 *   · al colgarse: SIGHUP y SIGCONT a su grupo de procesos (ORDEN y lo que lanzó sin cambiar
 *     de grupo; cada uno se para como ya sabe: calificar barre sus verificaciones), hasta 5 s
 *     para que ORDEN termine, y después SIGKILL a ORDEN y a todo lo que le quede por debajo;
 *   · SIGTERM se pasa a ORDEN; cuando ORDEN termina sola, sale con su mismo código (o muere
 *     de su misma señal), sin tocar a nadie más.
 *
 * Compromiso: con una terminal, el grupo de procesos de ORDEN es el de primer plano que creó
 * la shell (o make, si es el líder) para esta orden; mandarle SIGHUP es exactamente lo que
 * hace bash al cerrarse. Lo que ORDEN mete en otra sesión (los servidores de práctica del
 * calificador, con setsid) lo barre quien lo arrancó, o, si murió antes, este subreaper.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GRACIA_MS 5000 /* lo que ORDEN tiene para pararse sola tras el SIGHUP */

static long ahora_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Padre de `pid` según /proc/PID/stat («pid (nombre) estado ppid …»: el nombre puede tener
 * paréntesis, así que se lee desde el último «)»). -1 si ya no está. */
static long padre_de(long pid)
{
    char ruta[64], linea[512];
    snprintf(ruta, sizeof ruta, "/proc/%ld/stat", pid);
    int fd = open(ruta, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, linea, sizeof linea - 1);
    close(fd);
    if (n <= 0)
        return -1;
    linea[n] = '\0';
    char *cierre = strrchr(linea, ')');
    char estado;
    long ppid;
    if (cierre == NULL || sscanf(cierre + 1, " %c %ld", &estado, &ppid) != 2)
        return -1;
    return ppid;
}

/* Mata y recoge a todos nuestros hijos (ORDEN y los huérfanos heredados como subreaper).
 * Repite: matar a uno nos deja a sus hijos. */
static void matar_descendencia(void)
{
    pid_t yo = getpid();
    for (int vuelta = 0; vuelta < 50; vuelta++) {
        int encontrados = 0;
        DIR *d = opendir("/proc");
        if (d == NULL)
            return;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char *fin;
            long pid = strtol(e->d_name, &fin, 10);
            if (*fin != '\0' || pid <= 1 || padre_de(pid) != (long)yo)
                continue;
            encontrados++;
            kill((pid_t)pid, SIGKILL);
            waitpid((pid_t)pid, NULL, 0);
        }
        closedir(d);
        if (encontrados == 0)
            return;
    }
}

/* Sale como salió ORDEN: con su código, o muriendo de su misma señal. */
static void salir_como(int estado)
{
    if (WIFSIGNALED(estado)) {
        int s = WTERMSIG(estado);
        signal(s, SIG_DFL);
        sigset_t una;
        sigemptyset(&una);
        sigaddset(&una, s);
        sigprocmask(SIG_UNBLOCK, &una, NULL);
        raise(s);
        _exit(128 + s);
    }
    _exit(WIFEXITED(estado) ? WEXITSTATUS(estado) : 1);
}

/* Recoge a los hijos que hayan terminado; 1 si entre ellos está ORDEN (y deja su estado). */
static int recoger(pid_t orden, int *estado)
{
    int termino = 0, st;
    pid_t p;
    while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
        if (p == orden) {
            *estado = st;
            termino = 1;
        }
    }
    return termino;
}

/* La terminal se cerró: lo que haría la shell (SIGHUP al grupo), un plazo y, después, nada
 * vivo por debajo. */
static void colgar(pid_t orden, int sfd)
{
    signal(SIGHUP, SIG_IGN);
    kill(0, SIGHUP);
    kill(0, SIGCONT);
    int estado;
    long limite = ahora_ms() + GRACIA_MS;
    int termino = recoger(orden, &estado);
    while (!termino && ahora_ms() < limite) {
        struct pollfd p = {.fd = sfd, .events = POLLIN};
        if (poll(&p, 1, 100) > 0) {
            struct signalfd_siginfo info;
            while (read(sfd, &info, sizeof info) == (ssize_t)sizeof info) {
            }
        }
        termino = recoger(orden, &estado);
    }
    matar_descendencia();
    _exit(128 + SIGHUP);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "uso: mientras-terminal ORDEN [ARG…]\n");
        return 2;
    }
    int tty = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (tty < 0) {
        /* Sin terminal (CI, una tubería, un servicio): no hay nada que atar. */
        execvp(argv[1], argv + 1);
        fprintf(stderr, "mientras-terminal: no se pudo ejecutar %s: %s\n", argv[1],
                strerror(errno));
        return 127;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    sigset_t propias, antes;
    sigemptyset(&propias);
    sigaddset(&propias, SIGCHLD);
    sigaddset(&propias, SIGHUP);
    sigaddset(&propias, SIGTERM);
    sigprocmask(SIG_BLOCK, &propias, &antes);

    pid_t orden = fork();
    if (orden < 0) {
        fprintf(stderr, "mientras-terminal: fork: %s\n", strerror(errno));
        return 127;
    }
    if (orden == 0) {
        sigprocmask(SIG_SETMASK, &antes, NULL);
        execvp(argv[1], argv + 1);
        fprintf(stderr, "mientras-terminal: no se pudo ejecutar %s: %s\n", argv[1],
                strerror(errno));
        _exit(127);
    }
    /* Ctrl+C y Ctrl+\ llegan también a ORDEN, que está en el mismo grupo: que decida ella. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    int sfd = signalfd(-1, &propias, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) {
        fprintf(stderr, "mientras-terminal: signalfd: %s\n", strerror(errno));
        kill(orden, SIGTERM);
        int st;
        waitpid(orden, &st, 0);
        salir_como(st);
    }

    int estado;
    for (;;) {
        /* events = 0: de la terminal solo interesa POLLHUP/POLLERR, que llegan siempre. */
        struct pollfd p[2] = {{.fd = sfd, .events = POLLIN}, {.fd = tty, .events = 0}};
        int n = poll(p, 2, -1);
        if (n < 0 && errno != EINTR)
            break;
        if (p[1].revents & (POLLHUP | POLLERR | POLLNVAL))
            colgar(orden, sfd);
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(sfd, &info, sizeof info) == (ssize_t)sizeof info) {
                if (info.ssi_signo == SIGHUP)
                    colgar(orden, sfd);
                if (info.ssi_signo == SIGTERM)
                    kill(orden, SIGTERM);
            }
            if (recoger(orden, &estado))
                salir_como(estado);
        }
    }
    /* poll falló de verdad: no se puede vigilar la terminal; se espera a ORDEN sin más. */
    waitpid(orden, &estado, 0);
    salir_como(estado);
}
