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
 *     portarse bien siempre. Las de valgrind, solo sus execve, clone, exit, mmap y mprotect con
 *     la dirección de cada una (-i; ya van lentas): un programa
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
/* Bajo valgrind, además, cómo acaba cada hilo y lo que se mapea ejecutable, con la dirección
 * de cada instrucción (-i): todo lo que el programa pide pasa por valgrind, que hace las
 * llamadas desde su propio binario; una llamada desde otro sitio es código que valgrind no
 * instrumenta (lib/valgrind.c). Son unas 100 paradas más por ejecución (sus mmap). */
#define LLAMADAS_VALGRIND                                                                          \
    LLAMADAS_MINIMAS ",exit,exit_group,mmap,mprotect,pkey_mprotect,remap_file_pages"

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

int observar_abrir(int valgrind, int lento)
{
    const char *d = observar_carpeta();
    if (d == NULL)
        return 0;
    static unsigned n;
    char ruta[PATH_MAX];
    /* «@<id>»: la verificación que lanza (un medio prohibido visto solo fuera del núcleo del
     * laboratorio cuesta esa verificación, no el laboratorio: runner/conducta.c). */
    const char *id = temporales_id();
    if (snprintf(ruta, sizeof ruta, "%s/%ld-%u%s%s%s%s.traza", d, (long)getpid(), n++,
                 valgrind ? "-valgrind" : "", lento ? "-lento" : "", id[0] != '\0' ? "@" : "",
                 id) >= (int)sizeof ruta)
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

/* Las llamadas de un disco lento (cal_lanzamiento_t.escritura_lenta_ms y rename_lento_ms):
 * las escrituras con posición, que son las de uv_fs_write en un archivo (la salida y el
 * eventfd de libuv van con write y no tardan), y los rename. Las hace el grupo de hilos de
 * libuv: strace para solo el hilo que la pide (delay_enter), los demás y el bucle siguen.
 * openat no: también lo usa el cargador dinámico al arrancar (unas 30 bibliotecas), -P (por
 * ruta) filtraría también la traza de los medios y when= cuenta por hilo (autograder/README.md,
 * «El disco lento como entrada»). */
#define LLAMADAS_ESCRITURA "pwrite64,pwritev,pwritev2"
#define LLAMADAS_RENAME    "rename,renameat,renameat2"

int cal_disco_lento_posible(void)
{
    return observar_carpeta() != NULL;
}

/* ¿Es la verificación que lanza ahora una de la lista «id,id…»? */
static int pila_aqui(const char *lista)
{
    const char *id = temporales_id();
    size_t l = strlen(id);
    for (const char *p = lista; l > 0 && *p != '\0';) {
        size_t n = strcspn(p, ",");
        if (n == l && strncmp(p, id, l) == 0)
            return 1;
        p += n + (p[n] == ',');
    }
    return 0;
}

int observar_con_pila(int valgrind)
{
    const char *origen = getenv("CALIF_OBSERVAR_ORIGEN");
    return !valgrind && origen != NULL &&
           (strcmp(origen, "2") == 0 || (strncmp(origen, "3:", 2) == 0 && pila_aqui(origen + 2)));
}

void observar_argumentos(caja_orden_t *a, int fd_traza, int filtro, int fd_info, int fd_encierro,
                         int valgrind, uint64_t tope_archivo, unsigned escritura_ms,
                         unsigned rename_ms)
{
    static char salida[32], info[16], encierro[16], tope[24], lenta[96], lento[96];
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
    snprintf(llamadas, sizeof llamadas, "trace=%s%s%s%s%s",
             valgrind                                ? LLAMADAS_VALGRIND
             : pedidas != NULL && pedidas[0] != '\0' ? pedidas
                                                     : LLAMADAS_MINIMAS,
             nombradas[0] != '\0' ? "," : "", nombradas,
             escritura_ms > 0 ? "," LLAMADAS_ESCRITURA : "",
             rename_ms > 0 ? "," LLAMADAS_RENAME : "");
    snprintf(inyectar, sizeof inyectar, "inject=%s:error=ENOSYS", nombradas);
    /* Con la dirección de cada llamada parada (-i): desde dónde se hizo, libc o el propio
     * programa (runner/conducta.c). Bajo valgrind siempre: todo sale del binario de valgrind,
     * y lo que no, es código del programa en la CPU de verdad (lib/valgrind.c). */
    const char *origen = getenv("CALIF_OBSERVAR_ORIGEN");
    if (valgrind || (origen != NULL && (strcmp(origen, "1") == 0 || strcmp(origen, "2") == 0 ||
                                        strncmp(origen, "3:", 2) == 0)))
        caja_poner(a, "-i");
    /* 2: además la pila de cada llamada parada (-k: quién llamó a libc, libuv o el programa).
     * Cuesta de 1 a 5 ms por llamada: solo donde se paran pocas (el 09, runner/conducta.c).
     * «3:id,id…»: solo en las ejecuciones de esas verificaciones («medios.pila_en» de
     * lab.json, el 08: las de pocos archivos; con miles, -k no acabaría a tiempo). El programa
     * no sabe en cuáles: la traza está fuera de la caja. */
    if (observar_con_pila(valgrind))
        caja_poner(a, "-k");
    const char *const opciones[] = {"-f", "-qq", "-y", "--seccomp-bpf", "-e", llamadas, NULL};
    /* Con valgrind, -q y no -qq: también cómo acabó cada proceso («+++ exited with N +++» o
     * «+++ killed by SIGx +++», y las señales recibidas, «--- SIGx ---»; `-e signal=none` quita
     * también lo primero). Con bwrap, morir por una señal llega como exit(128 + N), y valgrind
     * solo da su código de error si el programa sale por su pie: esta es la prueba que el
     * programa no puede escribir (lib/valgrind.c). runner/conducta_traza.c salta esas líneas. */
    for (int i = 0; opciones[i] != NULL; i++)
        caja_poner(a, valgrind && i == 1 ? "-q" : opciones[i]);
    if (nombradas[0] != '\0') {
        caja_poner(a, "-e");
        caja_poner(a, inyectar);
    }
    if (escritura_ms > 0) {
        snprintf(lenta, sizeof lenta, "inject=" LLAMADAS_ESCRITURA ":delay_enter=%llu",
                 (unsigned long long)escritura_ms * 1000ULL);
        caja_poner(a, "-e");
        caja_poner(a, lenta);
    }
    if (rename_ms > 0) {
        snprintf(lento, sizeof lento, "inject=" LLAMADAS_RENAME ":delay_enter=%llu",
                 (unsigned long long)rename_ms * 1000ULL);
        caja_poner(a, "-e");
        caja_poner(a, lento);
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
    /* El tope de archivo de este lanzamiento (cal_lanzamiento_t.tope_archivo), en la puerta y
     * no antes: strace, que también escribe un archivo (la traza), no debe quedarse corto. */
    if (tope_archivo > 0) {
        snprintf(tope, sizeof tope, "%llu", (unsigned long long)tope_archivo);
        caja_poner(a, "--tope-archivo");
        caja_poner(a, tope);
    }
    /* Sin bwrap, el encierro de Landlock (base/encierro.c): en la puerta, que strace no lo
     * tenga (escribe la traza fuera). */
    if (fd_encierro >= 0) {
        snprintf(encierro, sizeof encierro, "%d", fd_encierro);
        caja_poner(a, "--encierro");
        caja_poner(a, encierro);
    }
    caja_poner(a, "--");
}

int observar_entrada(void)
{
    const char *e = getenv("CALIF_OBSERVAR_ENTRADA");
    return observar_carpeta() != NULL && e != NULL && strcmp(e, "1") == 0;
}

/* Escribe en `f` la ruta (`ruta`/nombre) de cada archivo regular bajo la carpeta abierta `dir`
 * (que se cierra), sin seguir enlaces: los nombres son de la entrega, y se baja desde el
 * descriptor (base/arbol.c, la regla). Las carpetas «trabajo-N» de la primera altura son la
 * carpeta de trabajo del programa sin bwrap (lib/lanzar.c): lo que haya allí lo escribió él, no
 * el calificador. */
static void anotar_arbol(FILE *f, int dir, const char *ruta, int altura, int *quedan)
{
    DIR *d = fdopendir(dir);
    if (d == NULL) {
        close(dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && *quedan > 0) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            (altura == 0 && strncmp(e->d_name, "trabajo-", 8) == 0))
            continue;
        char sub[PATH_MAX];
        struct stat st;
        if (snprintf(sub, sizeof sub, "%s/%s", ruta, e->d_name) >= (int)sizeof sub ||
            arbol_estado(dirfd(d), e->d_name, &st) < 0)
            continue;
        if (S_ISREG(st.st_mode) && strchr(sub, '\n') == NULL) {
            fprintf(f, "%s\n", sub);
            (*quedan)--;
        } else if (S_ISDIR(st.st_mode) && altura < 16) {
            int hijo = arbol_abrir(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY);
            if (hijo >= 0)
                anotar_arbol(f, hijo, sub, altura + 1, quedan);
        }
    }
    closedir(d);
}

void observar_anotar_entrada(const char *raiz, int raiz_fd, const char *id)
{
    const char *d = observar_carpeta();
    if (d == NULL || !observar_entrada() || raiz == NULL || raiz[0] == '\0' || raiz_fd < 0)
        return;
    /* La ruta tal como la da strace -y (readlink de /proc/<pid>/fd): sin enlaces en medio.
     * La caja monta las carpetas de la verificación en la misma ruta (lib/lanzar.c). La raíz
     * es de quien califica (temporales.c): su ruta sí se resuelve. */
    char real[PATH_MAX], ruta[PATH_MAX];
    if (realpath(raiz, real) == NULL ||
        snprintf(ruta, sizeof ruta, "%s/%ld-%s.entrada", d, (long)getpid(), id) >= (int)sizeof ruta)
        return;
    int dir = arbol_abrir(raiz_fd, "", O_RDONLY | O_DIRECTORY);
    if (dir < 0)
        return;
    int fd = open(ruta, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        if (fd >= 0)
            close(fd);
        close(dir);
        return;
    }
    int quedan = 100000;
    anotar_arbol(f, dir, real, 0, &quedan);
    fclose(f);
}
