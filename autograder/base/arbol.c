/* arbol.c — lo ÚNICO que el calificador y el ejecutor hacen sobre un árbol que la entrega pudo
 * escribir: abrir, leer, listar, medir, cambiar de modo o de dueño, crear y borrar.
 *
 * Por qué: el calificador corre fuera de la caja, muchas veces como root, y la entrega escribe
 * en las carpetas de su verificación (son del usuario de la caja), en su carpeta de trabajo y,
 * al compilar, en la de fuentes. Cualquier nombre de ahí dentro puede ser, cuando el
 * calificador llega, un enlace simbólico o una carpeta cambiada por un enlace: un
 * `chmod(DIR/arbol/cerrada)` hecho por ruta cambiaba el modo de un archivo cualquiera del
 * sistema, y un `opendir(DIR/destino)` listaba una carpeta 0700 ajena en el informe
 * (hostiles/enlace_08.c y enlace_11.c en prueba-autograder).
 *
 * La regla: todo paso empieza en un descriptor de carpeta abierto ANTES de lanzar nada de la
 * entrega (la raíz del árbol, de quien califica: arbol_raiz) y baja con
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS). Si el núcleo no tiene
 * openat2 (ENOSYS: Linux < 5.6, o un seccomp de contenedor que no lo conoce), se baja
 * componente a componente con openat(O_PATH | O_DIRECTORY | O_NOFOLLOW), nunca con la ruta
 * entera. Lo que se cambia o se mide, se cambia o se mide sobre el descriptor abierto
 * (fstat, fchownat con AT_EMPTY_PATH, chmod por /proc/self/fd de un O_PATH ya comprobado), y
 * lo que se borra o se crea, con el descriptor de la carpeta padre (unlinkat, mkdirat,
 * mkfifoat, symlinkat, openat con O_EXCL). Un enlace simbólico en cualquier punto da -ELOOP y
 * un nombre que sale del árbol («..», una ruta absoluta) -EXDEV: nunca se sigue; el texto para
 * el informe lo da arbol_error(). La prueba estática de prueba-autograder
 * (pruebas/rutas-estaticas.sh) falla si el calificador, su biblioteca o el ejecutor hacen una
 * llamada por ruta fuera de este archivo y de las excepciones que ella justifica.
 *
 * Quién es dueño de qué: los descriptores que devuelven estas funciones (y el DIR* de
 * arbol_listar) son de quien llama, que los cierra; `raiz` es prestado y debe seguir abierto
 * durante la llamada. Ninguna función guarda nada entre llamadas salvo si openat2 existe.
 * Errores: 0 o un descriptor, o un error negativo estilo errno.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

/* Al borrar, cuántas carpetas abiertas a la vez como mucho; lo más hondo se sube a la raíz de
 * lo que se borra (renameat) y se sigue desde ahí: ningún árbol agota los descriptores. */
#define ARBOL_NIVELES 48

/* 1 tras un ENOSYS: no se vuelve a intentar. -1: aún no se sabe; CALIF_SIN_OPENAT2=1 (las
 * pruebas: prueba-autograder) lo fuerza, para probar el recorrido de un núcleo < 5.6. */
static int sin_openat2 = -1;

const char *arbol_error(int r)
{
    switch (-r) {
    case ELOOP:
        return "la entrega puso un enlace simbólico donde se esperaba un archivo o una carpeta: "
               "no se sigue";
    case EXDEV:
        return "la ruta sale de la carpeta de la verificación: no se sigue";
    case EMLINK:
        return "la entrega puso un enlace duro a otro archivo donde se esperaba uno suyo: no se "
               "toca";
    case ENOENT:
        return "no existe";
    default:
        return strerror(r < 0 ? -r : r);
    }
}

int arbol_raiz(const char *ruta)
{
    int fd = open(ruta, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

/* 0 si `rel` es relativa y no tiene ningún «..»; si no, -EXDEV. */
static int validar(const char *rel)
{
    if (rel[0] == '/')
        return -EXDEV;
    for (const char *p = rel; *p != '\0';) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return -EXDEV;
        p += n;
        while (*p == '/')
            p++;
    }
    return 0;
}

/* openat2 con las tres restricciones; -ENOSYS si no hay (entonces, el recorrido). */
static int con_openat2(int dir, const char *rel, int flags, mode_t modo)
{
#ifdef SYS_openat2
    if (sin_openat2 < 0) {
        const char *forzar = getenv("CALIF_SIN_OPENAT2");
        sin_openat2 = forzar != NULL && strcmp(forzar, "1") == 0;
    }
    if (sin_openat2)
        return -ENOSYS;
    struct open_how como = {
        .flags = (unsigned long long)(unsigned)flags,
        .mode = (flags & O_CREAT) == O_CREAT ? modo : 0,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    for (int intento = 0; intento < 8; intento++) {
        long fd = syscall(SYS_openat2, dir, rel, &como, sizeof como);
        if (fd >= 0)
            return (int)fd;
        if (errno == EAGAIN || errno == EINTR)
            continue; /* un rename a la vez que se resuelve: otra vez */
        if (errno == ENOSYS) {
            sin_openat2 = 1;
            return -ENOSYS;
        }
        /* EPERM puede ser un seccomp de contenedor que no lo deja: el recorrido lo repite y,
         * si era de verdad, da el mismo error. */
        return errno == EPERM ? -ENOSYS : -errno;
    }
    return -EAGAIN;
#else
    (void)dir;
    (void)rel;
    (void)flags;
    (void)modo;
    return -ENOSYS;
#endif
}

/* Tras un fallo al abrir `nombre` en `dir`: -ELOOP si es un enlace simbólico, o `e`. */
static int enlace_o(int dir, const char *nombre, int e)
{
    struct stat st;
    if ((e == ENOTDIR || e == ELOOP) && fstatat(dir, nombre, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(st.st_mode))
        return -ELOOP;
    return -e;
}

/* Sin openat2: baja por `rel` desde `raiz` un componente cada vez, sin seguir ningún enlace. */
static int recorrer(int raiz, const char *rel, int flags, mode_t modo)
{
    char copia[PATH_MAX];
    if (snprintf(copia, sizeof copia, "%s", rel) >= (int)sizeof copia)
        return -ENAMETOOLONG;
    int dir = raiz, propio = 0;
    char *trozo = copia;
    for (;;) {
        while (*trozo == '/')
            trozo++;
        char *barra = strchr(trozo, '/');
        if (barra != NULL)
            *barra = '\0';
        char *resto = barra != NULL ? barra + 1 : NULL;
        while (resto != NULL && *resto == '/')
            resto++;
        int ultimo = resto == NULL || *resto == '\0';
        const char *nombre = trozo[0] != '\0' ? trozo : ".";
        int fd = ultimo ? openat(dir, nombre, flags | O_NOFOLLOW | O_CLOEXEC, modo)
                        : openat(dir, nombre, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int r = fd >= 0 ? fd : enlace_o(dir, nombre, errno);
        if (propio)
            close(dir);
        if (r < 0 || ultimo)
            return r;
        dir = fd;
        propio = 1;
        trozo = resto;
    }
}

/* El descriptor de `rel` bajo `raiz` (flags de open; siempre O_NOFOLLOW y O_CLOEXEC). Un
 * O_PATH que resulte ser el propio enlace también es -ELOOP. */
static int resolver(int raiz, const char *rel, int flags, mode_t modo)
{
    int r = validar(rel);
    if (r < 0)
        return r;
    if (rel[0] == '\0')
        rel = ".";
    flags |= O_NOFOLLOW | O_CLOEXEC;
    int fd = con_openat2(raiz, rel, flags, modo);
    if (fd == -ENOSYS)
        fd = recorrer(raiz, rel, flags, modo);
    if (fd >= 0 && (flags & O_PATH) == O_PATH) {
        struct stat st;
        if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
            close(fd);
            return -ELOOP;
        }
    }
    if (fd == -ENOTDIR) {
        /* O_DIRECTORY sobre un enlace da ENOTDIR: que se sepa que era un enlace. */
        struct stat st;
        if (arbol_estado(raiz, rel, &st) == 0 && S_ISLNK(st.st_mode))
            return -ELOOP;
    }
    return fd;
}

/* Abre (O_PATH) la carpeta que contiene el último nombre de `rel` y copia ese nombre en
 * `nombre`. El descriptor, o un error. */
static int padre(int raiz, const char *rel, char *nombre, size_t tam)
{
    char copia[PATH_MAX];
    size_t n = strlen(rel);
    while (n > 1 && rel[n - 1] == '/')
        n--;
    if (n >= sizeof copia)
        return -ENAMETOOLONG;
    memcpy(copia, rel, n);
    copia[n] = '\0';
    char *barra = strrchr(copia, '/');
    const char *base = barra != NULL ? barra + 1 : copia;
    if (base[0] == '\0' || strcmp(base, ".") == 0)
        return -EINVAL;
    if (strcmp(base, "..") == 0)
        return -EXDEV;
    if (snprintf(nombre, tam, "%s", base) >= (int)tam)
        return -ENAMETOOLONG;
    if (barra != NULL)
        *barra = '\0';
    return resolver(raiz, barra != NULL ? (copia[0] != '\0' ? copia : "/") : ".",
                    O_PATH | O_DIRECTORY, 0);
}

int arbol_abrir(int raiz, const char *rel, int flags)
{
    /* Crear es arbol_crear. O_TMPFILE lleva dentro O_DIRECTORY: se mira entero. */
    if ((flags & O_CREAT) == O_CREAT || (flags & O_TMPFILE) == O_TMPFILE)
        return -EINVAL;
    return resolver(raiz, rel, flags, 0);
}

char *arbol_leer(int raiz, const char *rel, size_t tope)
{
    /* O_NONBLOCK: una FIFO puesta en lugar del archivo no deja a quien lee esperando. */
    int fd = arbol_abrir(raiz, rel, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        buf = malloc(tope + 1);
    size_t n = 0;
    while (buf != NULL && n < tope) {
        ssize_t r = read(fd, buf + n, tope - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (buf != NULL)
        buf[n] = '\0';
    return buf;
}

int arbol_crear(int raiz, const char *rel, int flags, mode_t modo)
{
    char nombre[NAME_MAX + 1];
    int dir = padre(raiz, rel, nombre, sizeof nombre);
    if (dir < 0)
        return dir;
    /* Lo que hubiera con ese nombre (un enlace, una FIFO, un archivo del programa) se va. */
    int r = 0;
    if (unlinkat(dir, nombre, 0) < 0 && errno != ENOENT)
        r = -errno;
    int fd =
        r < 0 ? r : openat(dir, nombre, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, modo);
    if (fd < 0 && r == 0)
        r = -errno;
    close(dir);
    return fd >= 0 ? fd : r;
}

int arbol_estado(int raiz, const char *rel, struct stat *st)
{
    if (validar(rel) < 0)
        return -EXDEV;
    if (rel[0] == '\0' || strcmp(rel, ".") == 0)
        return fstat(raiz, st) == 0 ? 0 : -errno;
    if (strchr(rel, '/') == NULL) /* un solo nombre (cuota.c lo hace con cada entrada) */
        return fstatat(raiz, rel, st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
    char nombre[NAME_MAX + 1];
    int dir = padre(raiz, rel, nombre, sizeof nombre);
    if (dir < 0)
        return dir;
    int r = fstatat(dir, nombre, st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
    close(dir);
    return r;
}

/* chmod sobre un O_PATH ya comprobado (no es un enlace): por su enlace de /proc/self/fd, que
 * apunta a ese mismo inodo; sin /proc, abriéndolo de nuevo desde su carpeta. */
static int modo_de(int fd, mode_t modo)
{
    char propio[40];
    snprintf(propio, sizeof propio, "/proc/self/fd/%d", fd);
    if (chmod(propio, modo) == 0)
        return 0;
    if (errno != ENOENT)
        return -errno;
    int abierto = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (abierto < 0)
        return -ENOSYS;
    int r = fchmod(abierto, modo) == 0 ? 0 : -errno;
    close(abierto);
    return r;
}

/* Abre `rel` (O_PATH) para cambiarlo: ni un enlace simbólico ni un enlace duro de otro. */
static int para_cambiar(int raiz, const char *rel)
{
    int fd = resolver(raiz, rel, O_PATH, 0);
    if (fd < 0)
        return fd;
    struct stat st;
    if (fstat(fd, &st) < 0 || (!S_ISDIR(st.st_mode) && st.st_nlink > 1)) {
        close(fd);
        return -EMLINK;
    }
    return fd;
}

int arbol_chmod(int raiz, const char *rel, mode_t modo)
{
    int fd = para_cambiar(raiz, rel);
    if (fd < 0)
        return fd;
    int r = modo_de(fd, modo);
    close(fd);
    return r;
}

int arbol_chown(int raiz, const char *rel, uid_t uid, gid_t gid)
{
    int fd = para_cambiar(raiz, rel);
    if (fd < 0)
        return fd;
    int r = fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
    close(fd);
    return r;
}

int arbol_listar(int raiz, const char *rel, DIR **d)
{
    *d = NULL;
    int fd = resolver(raiz, rel, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return fd;
    *d = fdopendir(fd);
    if (*d == NULL) {
        int e = errno;
        close(fd);
        return -e;
    }
    return 0;
}

int arbol_carpeta(int raiz, const char *rel, mode_t modo)
{
    char nombre[NAME_MAX + 1];
    int dir = padre(raiz, rel, nombre, sizeof nombre);
    if (dir < 0)
        return dir;
    int r = mkdirat(dir, nombre, modo) == 0 ? 0 : -errno;
    close(dir);
    return r;
}

int arbol_fifo(int raiz, const char *rel, mode_t modo)
{
    char nombre[NAME_MAX + 1];
    int dir = padre(raiz, rel, nombre, sizeof nombre);
    if (dir < 0)
        return dir;
    int r = mkfifoat(dir, nombre, modo) == 0 ? 0 : -errno;
    close(dir);
    return r;
}

int arbol_enlace(int raiz, const char *destino, const char *rel)
{
    char nombre[NAME_MAX + 1];
    int dir = padre(raiz, rel, nombre, sizeof nombre);
    if (dir < 0)
        return dir;
    int r = symlinkat(destino, dir, nombre) == 0 ? 0 : -errno;
    close(dir);
    return r;
}

/* ---------------------------------------------------------------- borrar */

/* Abre para vaciar la carpeta `nombre` de `dir`; sin root, si está cerrada (0, 0500), se abre
 * antes para quien la borra (si es suya). */
static int abrir_para_vaciar(int dir, const char *nombre)
{
    int fd = openat(dir, nombre, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == EACCES) {
        int ruta = openat(dir, nombre, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (ruta >= 0) {
            modo_de(ruta, 0700);
            close(ruta);
        }
        fd = openat(dir, nombre, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd >= 0 && geteuid() != 0)
        (void)fchmod(fd, 0700); /* sin escritura en ella no se borra lo de dentro */
    return fd;
}

/* Borra lo que hay en la carpeta abierta `fd` (que se cierra). Lo que está a ARBOL_NIVELES se
 * sube a `cima` con un nombre nuevo y *pendiente pasa a 1: quien llama vuelve a vaciar. */
static void vaciar(int cima, int fd, int nivel, int *pendiente)
{
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return;
    }
    for (int vuelta = 0, hubo = 1; hubo && vuelta < 64; vuelta++) {
        hubo = 0;
        rewinddir(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (unlinkat(dirfd(d), e->d_name, 0) == 0) {
                hubo = 1;
                continue;
            }
            if (errno != EISDIR && errno != EPERM)
                continue;
            if (nivel >= ARBOL_NIVELES) {
                char nuevo[64];
                static unsigned contador;
                snprintf(nuevo, sizeof nuevo, ".borrar-%ld-%u", (long)getpid(), contador++);
                if (renameat(dirfd(d), e->d_name, cima, nuevo) == 0) {
                    *pendiente = 1;
                    hubo = 1;
                }
                continue;
            }
            int sub = abrir_para_vaciar(dirfd(d), e->d_name);
            if (sub < 0)
                continue;
            vaciar(cima, sub, nivel + 1, pendiente);
            if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) == 0)
                hubo = 1;
        }
    }
    closedir(d);
}

int arbol_borrar(int raiz, const char *rel)
{
    char nombre[NAME_MAX + 1];
    int dir = padre(raiz, rel, nombre, sizeof nombre);
    if (dir < 0)
        return dir;
    int r = 0;
    if (unlinkat(dir, nombre, 0) < 0) {
        r = -errno;
        if (r == -EISDIR || r == -EPERM) {
            /* Una carpeta: se vacía y se quita. Lo más hondo sube a ella misma y se vuelve. */
            int pendiente = 1;
            for (int vuelta = 0; pendiente && vuelta < 1000; vuelta++) {
                pendiente = 0;
                int fd = abrir_para_vaciar(dir, nombre);
                int cima = fd >= 0 ? dup(fd) : -1;
                if (fd < 0 || cima < 0) {
                    if (fd >= 0)
                        close(fd);
                    break;
                }
                vaciar(cima, fd, 1, &pendiente);
                close(cima);
            }
            r = unlinkat(dir, nombre, AT_REMOVEDIR) == 0 ? 0 : -errno;
        }
    }
    close(dir);
    return r;
}
