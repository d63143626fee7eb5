/* canal.c — el canal de Criterion (nanomsg) en una carpeta de esta calificación, no en /tmp, y
 * abierto solo a los trabajadores del propio calificador.
 *
 * Criterion 2.4.x une su proceso principal y sus trabajadores por un socket de nanomsg con la
 * ruta fija «ipc:///tmp/criterion_<pid>.sock». En el /tmp de todos, eso fallaba de dos modos:
 * un socket viejo de otro usuario con el mismo pid (los que deja un calificador parado, p. ej.
 * de root) no se puede borrar, y Criterion se detiene sin TAP («Could not initialize the
 * message server: Address already in use»: 1 de cada 15 calificaciones como usuario normal
 * tras las de root, medido); y cada calificación dejaba allí su socket. Aquí el calificador
 * define nn_bind y nn_connect (el enlazador los exporta: libcriterion los pide, y el enlazado
 * dinámico busca primero en el ejecutable) y cambia esa ruta por la misma en la carpeta
 * $CALIF_CANAL, que el ejecutor crea nueva (0700) para cada laboratorio y borra al acabar
 * (runner/calificar.c). Sin la variable, o si la ruta no cabe en un sockaddr_un, se usa la de
 * Criterion tal cual: nada cambia de significado, solo de sitio. Cualquier otra dirección
 * pasa sin tocar.
 *
 * Quién entra. Sin bwrap y con el mismo uid que el calificador (Moodle VPL), la entrega ve esa
 * carpeta y, en el laboratorio que puede abrir sockets AF_UNIX (el 12, por libpq), podía
 * conectarse al canal y hablar el protocolo de Criterion: anunciar como superada una prueba
 * (hostiles/bd_canal.c: el calificador aceptaba y mantenía la conexión). Por eso el calificador
 * define también accept4 y accept: libnanomsg los pide y el enlazador los exporta igual que
 * nn_bind, sin nada en autograder.mk (nm -D y LD_DEBUG=bindings: libnanomsg.so se enlaza con
 * los del calificador). En el socket que escucha del canal (la ruta que pasó por nn_bind),
 * después del accept de verdad, solo deja entrar a un trabajador suyo: el proceso que hizo
 * connect (SO_PEERCRED) tiene nuestro uid y es el propio proceso principal (Criterion se conecta
 * también a su canal) o un hijo directo nuestro (BoxFort lanza cada trabajador con fork y
 * execve de este mismo ejecutable; medido); lleva los mismos filtros seccomp que nosotros (la
 * entrega, con filtro, lleva uno más, el de base/filtro.c, que no se quita); y, si nos deja
 * mirarlo (root; un trabajador es no volcable, así que un usuario normal no puede), su
 * /proc/<pid>/exe es nuestro ejecutable. La entrega no llega a hija nuestra: no la lanzamos
 * nosotros (la lanza un trabajador), no crea procesos (el filtro; y sin él, clone con
 * CLONE_PARENT le daría por padre el suyo, no a nosotros) y, huérfana, va a su trabajador, que
 * es «subreaper», o al ejecutor, que también lo es; nunca a nosotros, que no lo somos
 * (PR_SET_CHILD_SUBREAPER no pasa por fork) ni somos el init de un espacio de PID. Con
 * SO_PEERPIDFD (Linux ≥ 6.5), además, lo mirado en /proc es del que se conectó y no de otro que
 * heredó su pid. Cualquier otra conexión se cierra y accept falla con ECONNABORTED, que nanomsg
 * toma como una conexión que se fue antes de aceptarla y sigue esperando (nanomsg 1.1.5,
 * src/aio/usock_posix.inc; su epoll no es edge-triggered: la siguiente en cola se acepta). Los
 * demás sockets pasan sin tocar.
 */
#define _GNU_SOURCE
#include "interno.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

/* Linux ≥ 6.5 (asm-generic/socket.h); las cabeceras de Debian 12 aún no la traen. */
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* Las dos de nanomsg (nn.h) que usa Criterion para su canal. */
int nn_bind(int s, const char *direccion);
int nn_connect(int s, const char *direccion);

typedef int (*nn_unir_t)(int, const char *);

static const char ORIGINAL[] = "ipc:///tmp/criterion_";

/* La ruta del socket que escucha del canal (sin «ipc://»), la del último nn_bind del canal de
 * Criterion: solo el proceso principal la tiene. La escribe el hilo principal antes de llamar
 * al nn_bind de verdad, y el hilo de nanomsg que hace accept la lee después. */
static char escucha[sizeof((struct sockaddr_un *)0)->sun_path];

/* La dirección que se usa de verdad: `direccion` en `tam` bytes de `dst` o, si no es la del
 * canal de Criterion o no hay carpeta, `direccion` sin cambiar (devuelve el puntero a usar). */
static const char *direccion_canal(const char *direccion, char *dst, size_t tam)
{
    const char *carpeta = getenv("CALIF_CANAL");
    if (direccion == NULL || carpeta == NULL || carpeta[0] != '/' ||
        strncmp(direccion, ORIGINAL, sizeof ORIGINAL - 1) != 0)
        return direccion;
    const char *nombre = direccion + strlen("ipc:///tmp/");
    int n = snprintf(dst, tam, "ipc://%s/%s", carpeta, nombre);
    /* La ruta del socket (sin «ipc://») debe caber en sun_path con su '\0'. */
    struct sockaddr_un su;
    if (n < 0 || (size_t)n >= tam || strlen(dst) - strlen("ipc://") >= sizeof su.sun_path)
        return direccion;
    return dst;
}

static int unir(const char *simbolo, int s, const char *direccion)
{
    nn_unir_t real = (nn_unir_t)dlsym(RTLD_NEXT, simbolo);
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    char propia[256];
    const char *usada = direccion_canal(direccion, propia, sizeof propia);
    /* El canal: la ruta en $CALIF_CANAL o, sin ella, la de Criterion en /tmp. */
    int del_canal =
        usada != NULL && (usada == propia || strncmp(usada, ORIGINAL, sizeof ORIGINAL - 1) == 0);
    if (strcmp(simbolo, "nn_bind") == 0 && del_canal &&
        strlen(usada + strlen("ipc://")) < sizeof escucha)
        snprintf(escucha, sizeof escucha, "%s", usada + strlen("ipc://"));
    return real(s, usada);
}

int nn_bind(int s, const char *direccion)
{
    return unir("nn_bind", s, direccion);
}

int nn_connect(int s, const char *direccion)
{
    return unir("nn_connect", s, direccion);
}

/* ¿Es `s` el socket que escucha del canal? AF_UNIX con la ruta de nn_bind. */
static int es_canal(int s)
{
    if (escucha[0] == '\0')
        return 0;
    struct sockaddr_un su;
    socklen_t n = sizeof su;
    memset(&su, 0, sizeof su);
    if (getsockname(s, (struct sockaddr *)&su, &n) < 0 || su.sun_family != AF_UNIX ||
        n <= offsetof(struct sockaddr_un, sun_path))
        return 0;
    size_t largo = strnlen(su.sun_path, n - offsetof(struct sockaddr_un, sun_path));
    return largo == strlen(escucha) && memcmp(su.sun_path, escucha, largo) == 0;
}

/* De /proc/<pid>/status (pid 0: el nuestro), la línea que empieza por `clave` (con sus «:»),
 * sin la clave, en `dst`. 0, o -1 si no está o no se puede leer. */
static int estado_linea(pid_t pid, const char *clave, char *dst, size_t tam)
{
    char ruta[64], texto[4096];
    if (pid == 0)
        snprintf(ruta, sizeof ruta, "/proc/self/status");
    else
        snprintf(ruta, sizeof ruta, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(ruta, "re");
    if (f == NULL)
        return -1;
    size_t n = fread(texto, 1, sizeof texto - 1, f);
    fclose(f);
    texto[n] = '\0';
    /* Cada línea empieza tras un '\n' (el nombre, la primera, va escapado: no trae '\n'). */
    char buscada[64];
    snprintf(buscada, sizeof buscada, "\n%s", clave);
    const char *p = strstr(texto, buscada);
    if (p == NULL)
        return -1;
    p += strlen(buscada);
    size_t largo = strcspn(p, "\n");
    if (largo >= tam)
        return -1;
    memcpy(dst, p, largo);
    dst[largo] = '\0';
    return 0;
}

/* ¿Son iguales en `pid` y en nosotros la línea `clave` de status? Si nosotros no la tenemos
 * (Seccomp_filters: Linux ≥ 5.9), no cuenta. */
static int igual_que_yo(pid_t pid, const char *clave)
{
    char suyo[128], mio[128];
    if (estado_linea(0, clave, mio, sizeof mio) < 0)
        return 1;
    return estado_linea(pid, clave, suyo, sizeof suyo) == 0 && strcmp(suyo, mio) == 0;
}

/* ¿Es el otro lado de `fd` (una conexión aceptada del canal) un trabajador nuestro? */
static int es_trabajador(int fd)
{
    struct ucred cred;
    socklen_t n = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &n) < 0 || cred.pid <= 0 ||
        cred.uid != geteuid())
        return 0;
    /* Nosotros mismos: el proceso principal de Criterion también se conecta a su canal. */
    if (cred.pid == getpid())
        return 1;
    /* El proceso que se conectó, fijo (su pid podría pasar a otro si muere y se recoge). */
    int pidfd = -1;
    n = sizeof pidfd;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &n) < 0) {
        /* EINVAL o ESRCH: ya se recogió; otro (ENOPROTOOPT, un núcleo < 6.5), sin pidfd. */
        if (errno == EINVAL || errno == ESRCH)
            return 0;
        pidfd = -1;
    }
    char padre[32], esperado[32];
    snprintf(esperado, sizeof esperado, "\t%ld", (long)getpid());
    int bien = estado_linea(cred.pid, "PPid:", padre, sizeof padre) == 0 &&
               strcmp(padre, esperado) == 0 && igual_que_yo(cred.pid, "Seccomp:") &&
               igual_que_yo(cred.pid, "Seccomp_filters:");
    /* Su ejecutable, si nos deja mirarlo: un trabajador es no volcable y, sin CAP_SYS_PTRACE
     * (un usuario normal), su /proc/<pid>/exe da EACCES. */
    char ruta[64];
    snprintf(ruta, sizeof ruta, "/proc/%ld/exe", (long)cred.pid);
    struct stat suyo, mio;
    if (bien && stat(ruta, &suyo) == 0)
        bien = stat("/proc/self/exe", &mio) == 0 && suyo.st_dev == mio.st_dev &&
               suyo.st_ino == mio.st_ino;
    else if (bien)
        bien = errno == EACCES || errno == EPERM;
    /* Si el que se conectó sigue ahí (vivo o sin recoger), lo de /proc era suyo. ESRCH: ya se
     * recogió. Otro error (un filtro seccomp de fuera, p. ej. el de un Docker viejo, da EPERM o
     * ENOSYS) no dice nada: vale lo de /proc. */
    if (pidfd >= 0) {
        if (bien && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
            bien = errno != ESRCH;
        close(pidfd);
    }
    return bien;
}

/* Lo que hacen accept4 y accept tras el de verdad: en el canal, una conexión que no es de un
 * trabajador nuestro se cierra y falla con ECONNABORTED (nanomsg sigue esperando). */
static int filtrar(int s, int fd)
{
    if (fd < 0)
        return fd;
    int guardado = errno;
    if (!es_canal(s) || es_trabajador(fd)) {
        errno = guardado;
        return fd;
    }
    close(fd);
    errno = ECONNABORTED;
    return -1;
}

typedef int (*aceptar4_t)(int, __SOCKADDR_ARG, socklen_t *restrict, int);
typedef int (*aceptar_t)(int, __SOCKADDR_ARG, socklen_t *restrict);

int accept4(int s, __SOCKADDR_ARG dir, socklen_t *restrict tam, int indicadores)
{
    aceptar4_t real = (aceptar4_t)dlsym(RTLD_NEXT, "accept4");
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return filtrar(s, real(s, dir, tam, indicadores));
}

int accept(int s, __SOCKADDR_ARG dir, socklen_t *restrict tam)
{
    aceptar_t real = (aceptar_t)dlsym(RTLD_NEXT, "accept");
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return filtrar(s, real(s, dir, tam));
}

/* ¿Va el canal en la carpeta de esta calificación? Lo llama el constructor de verificacion.c,
 * y así el enlazador trae este módulo de libcalificador.a a todo calificador. */
int canal_propio(void)
{
    const char *carpeta = getenv("CALIF_CANAL");
    return carpeta != NULL && carpeta[0] == '/';
}
