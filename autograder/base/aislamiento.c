/* aislamiento.c — lo que separa a cada verificación de las demás y del resto de la máquina,
 * además de la caja de bubblewrap: su propia red y su propia identidad para los límites.
 *
 * Red: cada verificación (un proceso de Criterion) entra al empezar en un espacio de
 * nombres de red nuevo, con solo su interfaz de loopback levantada. Su servidor de
 * práctica, el programa del estudiante y los clientes del calificador viven ahí: la entrega
 * no llega a ningún puerto de fuera (ni de otras verificaciones ni de otras calificaciones)
 * ni a Internet, y en /proc/net/tcp solo ve lo suyo. Como root basta unshare(CLONE_NEWNET);
 * sin privilegios, antes hace falta un espacio de nombres de usuario propio que conserve el
 * mismo uid (uid_map «U U 1»), que es lo que permite crear la red sin ser root. Si el
 * sistema no lo deja (p. ej. Ubuntu 24.04 restringe los espacios de usuario con AppArmor),
 * la verificación sigue en la red de la máquina y el informe lo dice.
 *
 * Identidad: como root, la entrega no corre como un usuario compartido (nobody) sino con un
 * uid propio de la verificación, sin cuenta en el sistema (ver uid_caja). Así
 * RLIMIT_NPROC, que el núcleo cuenta por uid real, es un límite de esta verificación y no
 * de todas las que corren a la vez. Sin privilegios el uid es el del estudiante: el límite
 * se calcula sobre lo que ese usuario ya tiene en marcha (ver limite_procesos).
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define UID_CAJA_BASE          200000u
#define UID_CAJA_SALTO         5000000u
#define PROCESOS_DE_LA_ENTREGA 128

static char estado_red[160] = "sin aislar (la verificación no lo pidió)";

static int escribir_archivo(const char *ruta, const char *texto)
{
    int fd = open(ruta, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t n = strlen(texto);
    ssize_t w = write(fd, texto, n);
    int r = (w == (ssize_t)n) ? 0 : (w < 0 ? -errno : -EIO);
    close(fd);
    return r;
}

/* Espacio de usuario propio con el mismo uid y gid (solo sin privilegios). */
static int usuario_propio(void)
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
        return -errno;
    char mapa[64];
    int r = escribir_archivo("/proc/self/setgroups", "deny");
    if (r == 0) {
        snprintf(mapa, sizeof mapa, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
        r = escribir_archivo("/proc/self/uid_map", mapa);
    }
    if (r == 0) {
        snprintf(mapa, sizeof mapa, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
        r = escribir_archivo("/proc/self/gid_map", mapa);
    }
    return r;
}

static int levantar_loopback(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    int r = 0;
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        r = -errno;
    } else {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
            r = -errno;
    }
    close(fd);
    return r;
}

int red_aislar(void)
{
    int r;
    if (geteuid() == 0)
        r = unshare(CLONE_NEWNET) < 0 ? -errno : 0;
    else
        r = usuario_propio();
    if (r == 0)
        r = levantar_loopback();
    if (r == 0)
        snprintf(estado_red, sizeof estado_red, "aislada (solo su loopback)");
    else
        snprintf(estado_red, sizeof estado_red,
                 "sin aislar: el sistema no deja crear un espacio de nombres de red (%s)",
                 strerror(-r));
    return r;
}

const char *red_estado(void)
{
    return estado_red;
}

uid_t uid_caja(void)
{
    static uid_t elegido;
    if (elegido != 0)
        return elegido;
    /* Único mientras viva la verificación (los pid no se repiten entre procesos vivos) y
     * fuera de los uid que usan las cuentas del sistema; si alguno tuviera cuenta, otro. */
    uid_t uid = UID_CAJA_BASE + (uid_t)getpid();
    while (getpwuid(uid) != NULL)
        uid += UID_CAJA_SALTO;
    elegido = uid;
    return elegido;
}

/* Hilos y procesos que tiene ya el usuario `uid` (RLIMIT_NPROC los cuenta todos). */
static long tareas_de(uid_t uid)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return -1;
    long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char ruta[300], linea[256];
        snprintf(ruta, sizeof ruta, "/proc/%s/status", e->d_name);
        FILE *f = fopen(ruta, "r");
        if (f == NULL)
            continue;
        long real = -1, hilos = 0;
        while (fgets(linea, sizeof linea, f) != NULL) {
            if (strncmp(linea, "Uid:", 4) == 0)
                real = strtol(linea + 4, NULL, 10);
            else if (strncmp(linea, "Threads:", 8) == 0)
                hilos = strtol(linea + 8, NULL, 10);
        }
        fclose(f);
        if (real == (long)uid)
            total += hilos > 0 ? hilos : 1;
    }
    closedir(d);
    return total;
}

unsigned long limite_procesos(void)
{
    if (geteuid() == 0)
        return PROCESOS_DE_LA_ENTREGA; /* uid propio de la verificación: empieza en 0 */
    static unsigned long calculado;
    if (calculado == 0) {
        long ya = tareas_de(getuid());
        calculado = (unsigned long)(ya > 0 ? ya : 0) + PROCESOS_DE_LA_ENTREGA;
    }
    return calculado;
}

int red_probar(char *motivo, size_t tam)
{
    int tubo[2];
    if (pipe2(tubo, O_CLOEXEC) < 0) {
        snprintf(motivo, tam, "%s", strerror(errno));
        return 0;
    }
    /* En un hijo que no ejecuta nada: el espacio de nombres muere con él. */
    pid_t pid = fork();
    if (pid == 0) {
        int r = red_aislar();
        if (write(tubo[1], &r, sizeof r) < 0)
            _exit(2);
        _exit(r == 0 ? 0 : 1);
    }
    close(tubo[1]);
    int r = -ECHILD;
    if (pid < 0 || read(tubo[0], &r, sizeof r) != (ssize_t)sizeof r)
        r = pid < 0 ? -errno : -ECHILD;
    close(tubo[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    if (r < 0)
        snprintf(motivo, tam, "%s", strerror(-r));
    return r == 0;
}
