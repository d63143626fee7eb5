/* cuota.c — lo que la entrega puede escribir en disco durante una verificación.
 *
 * Sin esto, una entrega llenaba el disco: cada verificación le da carpetas propias
 * (cal_carpeta, y sin bwrap su carpeta de trabajo, que es su TMPDIR y su HOME), y en ellas no
 * había más tope que RLIMIT_FSIZE por archivo. Muchos archivos de 16 MiB, o muchísimos
 * pequeños, llenaban la partición de build/: en `grade-clase J=2` eso rompía la nota de las
 * demás entregas y la máquina de quien califica.
 *
 * Dos límites, los dos con bwrap y sin él, como root y como usuario normal:
 *
 *   - por archivo, RLIMIT_FSIZE (lanzar.c): el núcleo corta cada escritura más allá;
 *   - en total, esta cuota: mientras algún programa de la verificación está vivo, la
 *     biblioteca mide, en cada espera (bombear() en proceso.c, como mucho cada
 *     CUOTA_CADA_MS), todo el árbol de temporales de la verificación (temporal_raiz()), más
 *     los archivos que el programa tiene abiertos y ya borró (siguen ocupando disco). Si
 *     crece más de CUOTA_MIB desde que se lanzó el primer programa vivo, se mata todo lo
 *     lanzado y la verificación falla con un mensaje que lo dice (cal_fin). Cada entrada
 *     (archivo, carpeta, enlace) cuenta al menos CUOTA_POR_ENTRADA: un millón de archivos
 *     vacíos no ocupan bloques, pero sí inodos.
 *
 * Por qué medir y no un tmpfs con tope: la carpeta de una verificación la ven a la vez el
 * calificador (fuera de la caja) y el programa, en la misma ruta; un tmpfs propio exigiría
 * montar en el espacio de nombres del calificador (root o un espacio de usuario), que sin
 * bwrap (un contenedor sin CAP_SYS_ADMIN, un Ubuntu con AppArmor) no existe, y llevaría a la
 * memoria los 200 MB que el calificador del 08 escribe. Medir funciona en todas partes; su
 * precio: lo que el programa escriba entre dos medidas (unos 50 ms a la velocidad de la caché
 * de páginas, del orden de 100 MB) pasa del tope antes de que se le pare, y se borra en
 * cal_fin con el resto de temporales. Con bwrap, /tmp (32 MiB) y /dev/shm (1 MiB) son tmpfs
 * con tope de bytes y la raíz es de solo lectura: no hay otro sitio donde escribir; pero un
 * tmpfs no limita los inodos (cientos de miles de archivos vacíos son memoria del núcleo), así
 * que también se miden, por /proc/PID/root, y cuentan contra la misma cuota. Sin bwrap
 * el programa puede escribir donde su usuario pueda (autograder/README.md, «La caja de
 * arena»): como root, con un uid propio sin cuenta (uid_caja), eso son /tmp, /var/tmp y
 * /dev/shm del sistema, así que también se mide lo que cuelga de ellos y es de ese uid, y se
 * borra al terminar la verificación (cuota_limpiar). Sin root y sin bwrap (el portátil del
 * estudiante) el programa es el mismo usuario que califica: lo que escriba fuera de su
 * carpeta no se distingue de lo demás y no se mide.
 *
 * Una carpeta que no se puede abrir (el programa le quitó los permisos, sin root) o más honda
 * que CUOTA_NIVELES cuenta como pasarse: no se puede medir lo que esconde. Salvo las que ya
 * estaban así al lanzar el programa: las prepara el calificador (la subcarpeta sin permisos
 * de «falla_sigue» del 08), y sin root tampoco se pueden abrir. Se anotan al medir la base y
 * después se cuentan como vacías; si el programa les devuelve los permisos, se miden.
 */
#define _GNU_SOURCE
#include "interno.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CUOTA_BYTES       ((uint64_t)CUOTA_MIB << 20)
#define CUOTA_POR_ENTRADA 4096u
#define CUOTA_CADA_MS     50
#define CUOTA_NIVELES     64
#define CUOTA_INMEDIBLE   UINT64_MAX

#define CUOTA_CIEGAS 32

/* Las carpetas que la verificación pide vigilar además (cal_cuota_vigilar): lo que la entrega
 * escribe a través de otro proceso, como el PostgreSQL del 12 en la suya. Se miden más de
 * tarde en tarde (pueden ser miles de archivos: un clúster con una base por verificación) y se
 * suma la última medida. */
#define CUOTA_VIGILADAS         4
#define CUOTA_VIGILADAS_CADA_MS 250
static char vigiladas[CUOTA_VIGILADAS][PATH_MAX];
/* Cada una, abierta al pedirla (antes de lanzar): se mide desde ese descriptor, nunca por
 * su ruta (base/arbol.c). */
static int vigiladas_fd[CUOTA_VIGILADAS];
static int nvigiladas;
static char vigiladas_que[160];
static uint64_t vigiladas_bytes, vigiladas_ms;

static uint64_t base; /* lo que ocupaba el árbol al lanzar el primer programa vivo */
/* Las carpetas que ya no se podían abrir al medir la base (dispositivo e inodo). */
static struct {
    dev_t disp;
    ino_t ino;
} ciegas[CUOTA_CIEGAS];
static int nciegas;
static int anotando;       /* midiendo la base: las carpetas que no se abren se anotan */
static uint64_t ultima_ms; /* última medida */
static int disparada;      /* en esta verificación, algún programa pasó de la cuota */
static char mensaje[512];

static uint64_t coste(const struct stat *st)
{
    uint64_t b = (uint64_t)st->st_blocks * 512u;
    return b > CUOTA_POR_ENTRADA ? b : CUOTA_POR_ENTRADA;
}

/* 1 si la carpeta `st`, que no se puede abrir, ya estaba así al lanzar (al medir la base se
 * anota y cuenta como vacía). */
static int ciega(const struct stat *st)
{
    for (int i = 0; i < nciegas; i++)
        if (ciegas[i].disp == st->st_dev && ciegas[i].ino == st->st_ino)
            return 1;
    if (!anotando || nciegas >= CUOTA_CIEGAS)
        return 0;
    ciegas[nciegas].disp = st->st_dev;
    ciegas[nciegas].ino = st->st_ino;
    nciegas++;
    return 1;
}

/* Suma lo que ocupa la carpeta abierta `dir` (que se cierra), sin seguir enlaces ni salir de
 * su sistema de archivos; para en cuanto pasa de `tope` (devuelve algo mayor que `tope`). */
static uint64_t medir_carpeta(int dir, dev_t disp, int nivel, uint64_t tope)
{
    DIR *d = fdopendir(dir);
    if (d == NULL) {
        close(dir);
        return CUOTA_INMEDIBLE;
    }
    uint64_t total = 0;
    struct dirent *e;
    while (total <= tope && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (arbol_estado(dirfd(d), e->d_name, &st) < 0)
            continue; /* borrado mientras se mira */
        total += coste(&st);
        if (!S_ISDIR(st.st_mode) || st.st_dev != disp)
            continue;
        if (nivel >= CUOTA_NIVELES) {
            total = CUOTA_INMEDIBLE;
            break;
        }
        int sub = arbol_abrir(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY);
        uint64_t dentro = sub >= 0         ? medir_carpeta(sub, disp, nivel + 1, tope - total)
                          : sub == -ENOENT ? 0
                          : ciega(&st)     ? 0
                                           : CUOTA_INMEDIBLE;
        total =
            dentro == CUOTA_INMEDIBLE || total + dentro < total ? CUOTA_INMEDIBLE : total + dentro;
    }
    closedir(d);
    return total;
}

/* Las carpetas del sistema donde cualquiera escribe: sin bwrap, el programa puede dejar ahí
 * lo que quiera. */
static const char *const compartidas[] = {"/tmp", "/var/tmp", "/dev/shm", NULL};

/* Sin bwrap y como root, el programa tiene un uid solo suyo (uid_caja): 1 si hay que mirar y
 * limpiar lo que deje en `compartidas`. */
static int mirar_compartidas(void)
{
    return geteuid() == 0 && strcmp(cal_caja(), "bwrap") != 0;
}

/* Suma (o, con `borrar`, borra) lo que hay en `carpeta` y es del uid de la caja. */
static uint64_t compartida(const char *carpeta, uint64_t tope, int borrar)
{
    int dir = open(carpeta, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dir >= 0 ? fdopendir(dir) : NULL;
    if (d == NULL) {
        if (dir >= 0)
            close(dir);
        return 0;
    }
    uid_t uid = uid_caja();
    uint64_t total = 0;
    struct dirent *e;
    while (total <= tope && (e = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            arbol_estado(dirfd(d), e->d_name, &st) < 0 || st.st_uid != uid)
            continue;
        if (borrar) {
            /* Desde el descriptor de la carpeta del sistema, sin seguir nada (base/arbol.c). */
            arbol_borrar(dirfd(d), e->d_name);
            continue;
        }
        total += coste(&st);
        if (!S_ISDIR(st.st_mode))
            continue;
        int sub = arbol_abrir(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY);
        uint64_t dentro = sub >= 0 ? medir_carpeta(sub, st.st_dev, 1, tope - total) : 0;
        total =
            dentro == CUOTA_INMEDIBLE || total + dentro < total ? CUOTA_INMEDIBLE : total + dentro;
    }
    closedir(d);
    return total;
}

/* Lo que ocupan las carpetas vigiladas. Una que no se puede medir (sin permiso para leer la
 * del servidor) cuenta como vacía: no es algo que haya hecho la entrega. */
static uint64_t medir_vigiladas(void)
{
    uint64_t total = 0;
    for (int i = 0; i < nvigiladas; i++) {
        int d = arbol_abrir(vigiladas_fd[i], "", O_RDONLY | O_DIRECTORY);
        struct stat st;
        if (d < 0 || fstat(d, &st) < 0) {
            if (d >= 0)
                close(d);
            continue;
        }
        uint64_t c = medir_carpeta(d, st.st_dev, 1, UINT64_MAX / 4);
        total += c == CUOTA_INMEDIBLE ? 0 : c;
    }
    return total;
}

/* Lo que ocupan el árbol de temporales de la verificación, los archivos ya borrados que
 * siguen abiertos en los programas vivos, (sin bwrap, como root) lo suyo en las carpetas
 * compartidas y las carpetas vigiladas (su última medida); como mucho algo más que `tope`. */
static uint64_t medir(uint64_t tope)
{
    uint64_t total = 0;
    int raiz = temporal_raiz_fd();
    int dir = raiz >= 0 ? arbol_abrir(raiz, "", O_RDONLY | O_DIRECTORY) : -1;
    struct stat st;
    /* La raíz es del calificador: si no está, no hay nada que medir en ella. */
    if (dir >= 0 && fstat(dir, &st) == 0) {
        total = medir_carpeta(dir, st.st_dev, 0, tope);
        if (total <= tope)
            total += procesos_borrados_abiertos(st.st_dev);
    } else if (dir >= 0) {
        close(dir);
    }
    if (total != CUOTA_INMEDIBLE)
        total += vigiladas_bytes;
    /* Con bwrap, /tmp y /dev/shm de la caja son tmpfs con tope de bytes pero no de inodos:
     * cientos de miles de archivos vacíos son memoria del núcleo. Se miden por
     * /proc/PID/root (solo lo cuenta el coste mínimo de cada entrada, casi siempre). */
    pid_t caja[16];
    int n = procesos_en_caja(caja, 16);
    for (int i = 0; i < n && total <= tope; i++)
        for (int k = 0; k < 2 && total <= tope; k++) {
            char ruta[64];
            snprintf(ruta, sizeof ruta, "/proc/%d/root/%s", (int)caja[i],
                     k == 0 ? "tmp" : "dev/shm");
            int d = open(ruta, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            struct stat sd;
            if (d < 0 || fstat(d, &sd) < 0) {
                if (d >= 0)
                    close(d);
                continue; /* ya terminó, o sin permiso para mirar dentro */
            }
            uint64_t c = medir_carpeta(d, sd.st_dev, 1, tope - total);
            total = c == CUOTA_INMEDIBLE ? CUOTA_INMEDIBLE : total + c;
        }
    for (int i = 0; mirar_compartidas() && compartidas[i] != NULL && total <= tope; i++) {
        uint64_t c = compartida(compartidas[i], tope - total, 0);
        total = c == CUOTA_INMEDIBLE ? CUOTA_INMEDIBLE : total + c;
    }
    return total;
}

void cuota_limpiar(void)
{
    for (int i = 0; mirar_compartidas() && compartidas[i] != NULL; i++)
        compartida(compartidas[i], UINT64_MAX, 1);
}

int cal_cuota_vigilar(const char *ruta, const char *que)
{
    if (ruta == NULL || ruta[0] != '/' || strlen(ruta) >= PATH_MAX)
        return -EINVAL;
    for (int i = 0; i < nvigiladas; i++)
        if (strcmp(vigiladas[i], ruta) == 0)
            return 0;
    if (nvigiladas >= CUOTA_VIGILADAS)
        return -ENOSPC;
    int fd = arbol_raiz(ruta);
    if (fd < 0)
        return fd;
    vigiladas_fd[nvigiladas] = fd;
    snprintf(vigiladas[nvigiladas++], PATH_MAX, "%s", ruta);
    if (que != NULL && que[0] != '\0')
        snprintf(vigiladas_que, sizeof vigiladas_que, "%s", que);
    return 0;
}

void cuota_reiniciar(void)
{
    for (int i = 0; i < nvigiladas; i++)
        close(vigiladas_fd[i]);
    nvigiladas = 0;
    vigiladas_que[0] = '\0';
    vigiladas_bytes = 0;
    vigiladas_ms = 0;
    base = 0;
    nciegas = 0;
    ultima_ms = 0;
    disparada = 0;
    mensaje[0] = '\0';
}

void cuota_lanzado(int otros_vivos)
{
    if (!otros_vivos) {
        vigiladas_bytes = medir_vigiladas();
        vigiladas_ms = cal_ahora_ms();
        anotando = 1;
        uint64_t b = medir(UINT64_MAX / 2);
        anotando = 0;
        base = b == CUOTA_INMEDIBLE ? 0 : b;
    }
}

int cuota_mirar(uint64_t ahora)
{
    if (ahora < ultima_ms + CUOTA_CADA_MS)
        return 0;
    ultima_ms = ahora;
    if (nvigiladas > 0 && ahora >= vigiladas_ms + CUOTA_VIGILADAS_CADA_MS) {
        vigiladas_ms = ahora;
        vigiladas_bytes = medir_vigiladas();
    }
    uint64_t tope = base + CUOTA_BYTES;
    uint64_t usado = medir(tope);
    if (usado <= tope)
        return 0;
    if (!disparada) {
        disparada = 1;
        if (usado == CUOTA_INMEDIBLE)
            snprintf(mensaje, sizeof mensaje,
                     "la entrega dejó en la carpeta de la verificación algo que no se puede "
                     "medir (una carpeta sin permisos, o más honda que el nivel %d): el "
                     "calificador mató sus procesos",
                     CUOTA_NIVELES);
        else
            snprintf(
                mensaje, sizeof mensaje,
                "la entrega escribió más de %d MiB (en la carpeta de la verificación, /tmp, "
                "/var/tmp%s%s): el calificador mató sus procesos; cada archivo cuenta al menos "
                "%u KiB",
                CUOTA_MIB, vigiladas_que[0] != '\0' ? ", /dev/shm o " : " o /dev/shm",
                vigiladas_que, CUOTA_POR_ENTRADA / 1024);
    }
    return 1;
}

const char *cuota_disparada(void)
{
    return disparada ? mensaje : NULL;
}
