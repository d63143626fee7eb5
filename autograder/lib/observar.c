/* observar.c — mirar lo que hace la entrega mientras se califica: strace desde fuera de la
 * caja.
 *
 * Los medios se juzgan por lo que hace el programa, no por los nombres de sus símbolos
 * (runner/conducta.c lee las trazas al terminar el laboratorio). Cada lanzamiento sin
 * valgrind de cal_lanzar corre bajo `strace -f`, que está FUERA de la caja: strace es
 * nuestro hijo directo y lanza bwrap (o, sin bwrap, la puerta del calificador, que pone el
 * filtro seccomp y ejecuta el programa). Así:
 *
 *   - la traza va a un archivo que la caja no monta (sin bwrap, en una carpeta 0700 de quien
 *     califica y con el descriptor cerrado antes del exec: la puerta lo cierra), así que el
 *     programa no puede escribirla ni borrarla;
 *   - dentro del espacio de PID de bwrap, TracerPid vale 0 (el trazador no se ve) y el filtro
 *     de la caja niega ptrace a todos: PTRACE_TRACEME no delata nada;
 *   - se observan TODAS las ejecuciones que dan puntos: portarse bien solo cuando se mira es
 *     portarse bien siempre. Las de valgrind, solo sus execve (ya van lentas): un programa
 *     que bajo valgrind escribe un resumen limpio falso en el informe de valgrind (el
 *     descriptor es suyo también), lo cierra y se cambia por /bin/true con un execve no deja
 *     otra «Command:» en ese informe, pero sí un segundo arranque de la herramienta de
 *     valgrind en la traza (runner/conducta.c).
 *
 * Solo se paran las llamadas que importan al laboratorio (--seccomp-bpf con -e trace=…): el
 * arranque cuesta unos 50 ms más (medido en autograder/README.md, «Medios»).
 *
 * Se activa si el ejecutor da CALIF_OBSERVAR (la carpeta de trazas) y CALIF_PUERTA; si no
 * (calificar a mano, o la máquina no deja usar ptrace), nada cambia y el ejecutor ya ha dicho
 * en el informe que los medios solo se juzgaron por los nombres.
 */
#define _GNU_SOURCE
#include "interno.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Las llamadas que se paran las elige el ejecutor según las reglas del laboratorio
 * (CALIF_OBSERVAR_LLAMADAS, runner/conducta.c): cada parada cuesta un cambio de contexto, y
 * las de lectura y escritura solo hacen falta donde se juzgan los archivos. */
#define LLAMADAS_MINIMAS "execve,execveat,clone,clone3,fork,vfork"

const char *observar_carpeta(void)
{
    const char *d = getenv("CALIF_OBSERVAR");
    const char *puerta = getenv("CALIF_PUERTA");
    if (d == NULL || d[0] != '/' || puerta == NULL || puerta[0] != '/')
        return NULL;
    return d;
}

/* La ruta de la última traza abierta (para que cal_valgrind_veredicto la lea). */
static char ultima[PATH_MAX];

const char *observar_ultima(void)
{
    return ultima;
}

int observar_abrir(int valgrind)
{
    const char *d = observar_carpeta();
    if (d == NULL)
        return 0;
    static unsigned n;
    char ruta[PATH_MAX];
    if (snprintf(ruta, sizeof ruta, "%s/%ld-%u%s.traza", d, (long)getpid(), n++,
                 valgrind ? "-valgrind" : "") >= (int)sizeof ruta)
        return -ENAMETOOLONG;
    int fd = open(ruta, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    snprintf(ultima, sizeof ultima, "%s", ruta);
    /* strace corre como el usuario de la caja y reabre el archivo por /proc/self/fd: debe
     * ser suyo; la carpeta (0700, de quien califica) no la atraviesa nadie más. */
    if (geteuid() == 0 && fchown(fd, uid_caja(), uid_caja()) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

void observar_argumentos(caja_orden_t *a, int fd_traza, int filtro, int fd_info, int valgrind)
{
    static char salida[32], info[16];
    snprintf(salida, sizeof salida, "/proc/self/fd/%d", fd_traza);
    snprintf(info, sizeof info, "%d", fd_info);
    const char *strace = getenv("CALIF_STRACE");
    caja_poner(a, strace != NULL && strace[0] == '/' ? strace : "/usr/bin/strace");
    /* Con reglas sobre lo que pide cada lectura (CALIF_OBSERVAR_ENTRADA, «reglas_traza» de
     * lab.json), strace escribe 16 bytes de cada texto y 16 elementos de cada lista: con -s 0
     * el iovec de readv/preadv sale como «[...]» y no se ve cuánto pide. */
    caja_poner(a, "-s");
    caja_poner(a, observar_entrada() && !valgrind ? "16" : "0");
    static char llamadas[2048], inyectar[1200];
    const char *pedidas = getenv("CALIF_OBSERVAR_LLAMADAS");
    /* Más las prohibidas que se nombran (base/filtro.c): el filtro de la caja las para con
     * SECCOMP_RET_TRACE y strace las hace fallar con ENOSYS sin ejecutarlas (inject) y las
     * escribe en la traza (runner/conducta.c las nombra). Deben ir todas: bajo un trazador
     * que no la pide, una llamada parada con TRACE sigue adelante. */
    const char *nombradas = filtro_nombradas();
    snprintf(llamadas, sizeof llamadas, "trace=%s%s%s",
             pedidas != NULL && pedidas[0] != '\0' && !valgrind ? pedidas : LLAMADAS_MINIMAS,
             nombradas[0] != '\0' ? "," : "", nombradas);
    snprintf(inyectar, sizeof inyectar, "inject=%s:error=ENOSYS", nombradas);
    /* Con la dirección de cada llamada parada (-i): desde dónde se hizo, libc o el propio
     * programa (runner/conducta.c). No bajo valgrind: ahí solo se paran execve y clone, y el
     * código que corre es el de valgrind. */
    const char *origen = getenv("CALIF_OBSERVAR_ORIGEN");
    if (origen != NULL && strcmp(origen, "1") == 0 && !valgrind)
        caja_poner(a, "-i");
    const char *const opciones[] = {"-f", "-qq", "-y", "--seccomp-bpf", "-e", llamadas, NULL};
    /* Con valgrind, -q y no -qq: también cómo acabó cada proceso («+++ exited with N +++» o
     * «+++ killed by SIGx +++», y las señales recibidas, «--- SIGx ---»; `-e signal=none` quita
     * también lo primero). Con bwrap, morir por una señal llega como exit(128 + N), y valgrind
     * solo da su código de error si el programa sale por su pie: esta es la prueba que el
     * programa no puede escribir (lib/valgrind.c). runner/conducta.c salta esas líneas. */
    for (int i = 0; opciones[i] != NULL; i++)
        caja_poner(a, valgrind && i == 1 ? "-q" : opciones[i]);
    if (nombradas[0] != '\0') {
        caja_poner(a, "-e");
        caja_poner(a, inyectar);
    }
    caja_poner(a, "-o");
    caja_poner(a, salida);
    caja_poner(a, "--");
    caja_poner(a, getenv("CALIF_PUERTA"));
    caja_poner(a, "--cerrar");
    caja_poner(a, salida + strlen("/proc/self/fd/"));
    if (filtro) {
        /* La puerta construye el mismo filtro que cal_lanzar (lo que añade el laboratorio y,
         * con valgrind, sin W^X). */
        const char *extra = getenv("CALIF_LLAMADAS");
        caja_poner(a, "--filtro");
        caja_poner(a, extra != NULL ? extra : "");
        if (valgrind)
            caja_poner(a, "--valgrind");
    }
    if (fd_info >= 0) {
        caja_poner(a, "--info");
        caja_poner(a, info);
    }
    caja_poner(a, "--");
}

int observar_entrada(void)
{
    const char *e = getenv("CALIF_OBSERVAR_ENTRADA");
    return observar_carpeta() != NULL && e != NULL && strcmp(e, "1") == 0;
}

/* Escribe en `f` la ruta de cada archivo regular bajo `dir` (sin seguir enlaces). Las
 * carpetas «trabajo-N» de la primera altura son la carpeta de trabajo del programa sin bwrap
 * (lib/lanzar.c): lo que haya allí lo escribió él, no el calificador. */
static void anotar_arbol(FILE *f, const char *dir, int altura, int *quedan)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && *quedan > 0) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            (altura == 0 && strncmp(e->d_name, "trabajo-", 8) == 0))
            continue;
        char ruta[PATH_MAX];
        struct stat st;
        if (snprintf(ruta, sizeof ruta, "%s/%s", dir, e->d_name) >= (int)sizeof ruta ||
            lstat(ruta, &st) < 0)
            continue;
        if (S_ISREG(st.st_mode) && strchr(ruta, '\n') == NULL) {
            fprintf(f, "%s\n", ruta);
            (*quedan)--;
        } else if (S_ISDIR(st.st_mode) && altura < 16) {
            anotar_arbol(f, ruta, altura + 1, quedan);
        }
    }
    closedir(d);
}

void observar_anotar_entrada(const char *raiz, const char *id)
{
    const char *d = observar_carpeta();
    if (d == NULL || !observar_entrada() || raiz == NULL || raiz[0] == '\0')
        return;
    /* La ruta tal como la da strace -y (readlink de /proc/<pid>/fd): sin enlaces en medio.
     * La caja monta las carpetas de la verificación en la misma ruta (lib/lanzar.c). */
    char real[PATH_MAX], ruta[PATH_MAX];
    if (realpath(raiz, real) == NULL ||
        snprintf(ruta, sizeof ruta, "%s/%ld-%s.entrada", d, (long)getpid(), id) >= (int)sizeof ruta)
        return;
    int fd = open(ruta, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        if (fd >= 0)
            close(fd);
        return;
    }
    int quedan = 100000;
    anotar_arbol(f, real, 0, &quedan);
    fclose(f);
}
