/* orden.c — ejecutar una orden de confianza del ejecutor (compilador, nm, objdump, el
 * calificador de Criterion) en su propio grupo de procesos, con tiempo límite y con su
 * salida capturada (con tope) o a un archivo. Nunca ejecuta el programa del estudiante:
 * eso lo hace la biblioteca, dentro de la caja.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


/* Ejecuta una orden de confianza (compilador, calificador) en su propio grupo de procesos,
 * con tiempo límite. Devuelve 0 si pudo ejecutarla (mirar o->estado) o -errno. */
int orden_ejecutar(orden_t *o)
{
    int tubo[2] = {-1, -1};
    int destino = -1;
    if (o->salida != NULL) {
        destino = open(o->salida, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (destino < 0)
            return -errno;
    } else if (pipe2(tubo, O_CLOEXEC) < 0) {
        return -errno;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        if (destino >= 0)
            close(destino);
        if (tubo[0] >= 0) {
            close(tubo[0]);
            close(tubo[1]);
        }
        return -e;
    }
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = destino >= 0 ? destino : tubo[1];
        int nulo = open("/dev/null", O_RDONLY);
        if (nulo < 0 || dup2(nulo, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(127);
        if (o->carpeta != NULL && chdir(o->carpeta) < 0)
            _exit(127);
        if (o->uid != 0 && caja_bajar_usuario(o->uid) < 0)
            _exit(127);
        execvpe(o->argv[0], (char *const *)o->argv, (char *const *)o->entorno);
        dprintf(2, "calificar: no se pudo ejecutar %s: %s\n", o->argv[0], strerror(errno));
        _exit(127);
    }
    size_t usados = 0;
    if (o->salida == NULL) {
        close(tubo[1]);
        o->capturado = calloc(1, TOPE_CAPTURA + 1);
    } else {
        close(destino);
    }
    double limite = reloj_s() + o->limite_s;
    o->excedido = 0;
    for (;;) {
        int estado;
        pid_t r = waitpid(pid, &estado, WNOHANG);
        if (r == pid) {
            o->estado = estado;
            break;
        }
        if (reloj_s() > limite && !o->excedido) {
            o->excedido = 1;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
        }
        if (o->salida == NULL) {
            struct pollfd pfd = {.fd = tubo[0], .events = POLLIN};
            if (poll(&pfd, 1, 50) > 0) {
                char buf[4096];
                ssize_t n = read(tubo[0], buf, sizeof buf);
                if (n > 0 && o->capturado != NULL) {
                    size_t copia = (size_t)n;
                    if (copia > TOPE_CAPTURA - usados)
                        copia = TOPE_CAPTURA - usados;
                    memcpy(o->capturado + usados, buf, copia);
                    usados += copia;
                }
            }
        } else {
            struct timespec pausa = {0, 20 * 1000000L};
            nanosleep(&pausa, NULL);
        }
    }
    if (o->salida == NULL) {
        /* El grupo pudo dejar algo en la tubería. */
        fcntl(tubo[0], F_SETFL, O_NONBLOCK);
        char buf[4096];
        ssize_t n;
        while ((n = read(tubo[0], buf, sizeof buf)) > 0 && o->capturado != NULL) {
            size_t copia = (size_t)n;
            if (copia > TOPE_CAPTURA - usados)
                copia = TOPE_CAPTURA - usados;
            memcpy(o->capturado + usados, buf, copia);
            usados += copia;
        }
        close(tubo[0]);
    }
    kill(-pid, SIGKILL); /* lo que quede del grupo */
    return 0;
}

/* Parte una cadena de opciones del compilador por espacios (las rutas del curso no los
 * llevan). Añade los trozos a `argv` a partir de *n. */
void orden_partir(char *s, const char **argv, int *n, int max)
{
    char *guardado = NULL;
    for (char *t = strtok_r(s, " \t\n", &guardado); t != NULL && *n < max - 1;
         t = strtok_r(NULL, " \t\n", &guardado))
        argv[(*n)++] = t;
    argv[*n] = NULL;
}


int orden_bien(const orden_t *o)
{
    return !o->excedido && WIFEXITED(o->estado) && WEXITSTATUS(o->estado) == 0;
}
