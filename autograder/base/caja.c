/* caja.c — piezas de bubblewrap que comparten la biblioteca (lanzar la entrega, traducir sus
 * direcciones) y el ejecutor (compilarla): la orden como lista de argumentos, el sistema de solo
 * lectura, la caja de una herramienta de confianza que lee archivos de la entrega, la ruta de
 * bwrap y la prueba de que funciona aquí; qué alcanza su usuario y dónde poner lo que debe
 * alcanzar (la carpeta aparte).
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *caja_bwrap(void)
{
    const char *b = getenv("CALIF_BWRAP");
    return (b != NULL && b[0] != '\0') ? b : "/usr/bin/bwrap";
}

void caja_poner(caja_orden_t *o, const char *a)
{
    if (o->n < CAJA_MAX_ARGS - 1)
        o->argv[o->n++] = a;
    o->argv[o->n] = NULL;
}

void caja_sistema(caja_orden_t *o)
{
    static const char *raices[] = {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};
    caja_poner(o, "--ro-bind");
    caja_poner(o, "/usr");
    caja_poner(o, "/usr");
    caja_poner(o, "--ro-bind");
    caja_poner(o, "/etc");
    caja_poner(o, "/etc");
    /* /bin, /lib…: enlaces en un sistema con /usr fusionado, carpetas en uno antiguo. */
    for (size_t i = 0; i < sizeof raices / sizeof raices[0]; i++) {
        struct stat st;
        if (lstat(raices[i], &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode) && o->nenlaces < CAJA_MAX_ENLACES) {
            char *destino = o->enlaces[o->nenlaces];
            ssize_t n = readlink(raices[i], destino, PATH_MAX - 1);
            if (n <= 0)
                continue;
            destino[n] = '\0';
            o->nenlaces++;
            caja_poner(o, "--symlink");
            caja_poner(o, destino);
            caja_poner(o, raices[i]);
        } else if (S_ISDIR(st.st_mode)) {
            caja_poner(o, "--ro-bind");
            caja_poner(o, raices[i]);
            caja_poner(o, raices[i]);
        }
    }
}

void caja_herramienta(caja_orden_t *o)
{
    o->n = 0;
    o->nenlaces = 0;
    caja_poner(o, caja_bwrap());
    caja_poner(o, "--unshare-all");
    caja_poner(o, "--die-with-parent");
    caja_poner(o, "--new-session");
    caja_sistema(o);
}

static const char *const entorno_minimo[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};

/* Ejecuta `argv` como el usuario de la caja (si somos root) y dice si salió con 0. */
static int como_la_caja(const char *const *argv)
{
    orden_t o = {.argv = argv,
                 .entorno = entorno_minimo,
                 .limite_s = 20,
                 .uid = geteuid() == 0 ? uid_caja() : 0};
    int r = orden_ejecutar(&o);
    free(o.capturado);
    return r == 0 && orden_bien(&o);
}

int caja_probar(char *motivo, size_t tam)
{
    const char *b = caja_bwrap();
    const char *sin = getenv("CALIF_SIN_BWRAP");
    if (sin != NULL && strcmp(sin, "1") == 0) {
        snprintf(motivo, tam, "está desactivado con CALIF_SIN_BWRAP=1");
        return 0;
    }
    if (access(b, X_OK) != 0) {
        snprintf(motivo, tam, "no está instalado (%s); instálalo con «make deps»", b);
        return 0;
    }
    const char *const prueba[] = {b,
                                  "--unshare-user",
                                  "--unshare-pid",
                                  "--unshare-net",
                                  "--die-with-parent",
                                  "--ro-bind",
                                  "/",
                                  "/",
                                  "--dev",
                                  "/dev",
                                  "--proc",
                                  "/proc",
                                  "--",
                                  "/bin/true",
                                  NULL};
    if (!como_la_caja(prueba)) {
        snprintf(motivo, tam,
                 "está instalado pero no puede crear espacios de nombres de "
                 "usuario aquí");
        return 0;
    }
    return 1;
}

int caja_sin_userns(void)
{
    /* bwrap 0.8 (Debian 12) y posteriores conocen --disable-userns; el 0.6 de Ubuntu 22.04, no
     * (y bwrap rechaza una opción que no conoce). Sin lanzar nada en cada verificación: la
     * opción está escrita en el binario si la conoce. */
    static int sabido = -1;
    if (sabido >= 0)
        return sabido;
    sabido = 0;
    int fd = open(caja_bwrap(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return sabido;
    char *m = fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size < (64 << 20)
                  ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
                  : MAP_FAILED;
    close(fd);
    if (m == MAP_FAILED)
        return sabido;
    sabido = memmem(m, (size_t)st.st_size, "--disable-userns", 16) != NULL;
    munmap(m, (size_t)st.st_size);
    return sabido;
}

int caja_alcanza(const char *ruta)
{
    const char *const prueba[] = {"test", "-x", ruta, NULL};
    return como_la_caja(prueba);
}

int caja_lee(const char *ruta)
{
    const char *const prueba[] = {"test", "-r", ruta, NULL};
    return como_la_caja(prueba);
}

/* 1 si solo quien califica puede cambiar lo que hay en la carpeta `c`: es suya (o de root) y
 * ni el grupo ni los demás escriben en ella, o tiene el bit pegajoso (/tmp: nadie borra ni
 * renombra lo ajeno). Root crea ahí su carpeta con mkdtemp, que no sigue enlaces en el último paso;
 * lo que no debe es trabajar donde otro usuario puede cambiarla por un enlace. */
static int solo_de_quien_califica(const char *c)
{
    struct stat st;
    if (stat(c, &st) < 0 || !S_ISDIR(st.st_mode))
        return 0;
    if (st.st_uid != 0 && st.st_uid != geteuid())
        return 0; /* el dueño de una carpeta, aun pegajosa, borra y renombra lo de dentro */
    return (st.st_mode & S_ISVTX) || (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

void caja_carpeta_aparte(char *buf, size_t tam, const char *nombre)
{
    const char *t = getenv("TMPDIR");
    const char *base = "/tmp";
    if (t != NULL && t[0] == '/' && strlen(t) < PATH_MAX / 2 && solo_de_quien_califica(t) &&
        (geteuid() != 0 || caja_alcanza(t)))
        base = t;
    snprintf(buf, tam, "%s/%s-XXXXXX", base, nombre);
}
