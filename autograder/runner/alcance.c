/* alcance.c — calificar como root un curso que cuelga de una carpeta cerrada (/root/curso,
 * un HOME 0700): el compilador y el programa corren como el usuario sin privilegios de la
 * caja, que no puede entrar en esa carpeta, así que ni bwrap encuentra las cabeceras del
 * curso («Permission denied») ni el compilador puede trabajar en build/calificacion/trabajo.
 *
 * Si es así, se prepara una carpeta aparte (bajo $TMPDIR o /tmp: caja_carpeta_aparte), de
 * root y legible por todos (0755), con una copia de lo que la compilación necesita del
 * repositorio: las carpetas -I/-L y los archivos (libcurso.a) que nombran --cflags y --libs
 * y el usuario de la caja no alcanza (una carpeta, entrar; un archivo, leerlo), y se
 * reescriben esas opciones para que apunten a la copia. Las carpetas de trabajo de cada laboratorio
 * (fuentes, binario, temporales, resultados) van también allí. El resto del repositorio sigue
 * cerrado: el usuario de la caja solo ve lo que ya ve cualquier estudiante (cabeceras y biblioteca
 * del curso), nunca solutions/ ni los calificadores. Se borra al terminar la calificación.
 *
 * Alternativa descartada: montar con bwrap las rutas originales. bwrap corre ya como el
 * usuario de la caja y no puede abrir lo que ese usuario no alcanza; sin bwrap (en un
 * contenedor) no hay montajes. Copiar vale para los dos caminos.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copia `origen` (archivo regular o carpeta, sin seguir enlaces) en `destino`, legible por
 * todos. 0 o -errno. Son archivos nuestros (cabeceras, libcurso.a): sin tope de tamaño. */
static int copiar_arbol(const char *origen, const char *destino)
{
    struct stat st;
    if (lstat(origen, &st) < 0)
        return -errno;
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(destino, 0755) < 0 && errno != EEXIST)
            return -errno;
        chmod(destino, 0755);
        DIR *d = opendir(origen);
        if (d == NULL)
            return -errno;
        struct dirent *e;
        int r = 0;
        while (r == 0 && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char a[PATH_MAX], b[PATH_MAX];
            texto_poner(a, sizeof a, "%s/%s", origen, e->d_name);
            texto_poner(b, sizeof b, "%s/%s", destino, e->d_name);
            r = copiar_arbol(a, b);
        }
        closedir(d);
        return r;
    }
    if (!S_ISREG(st.st_mode))
        return 0; /* enlaces y demás: no se copian */
    int in = open(origen, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return -errno;
    int out = open(destino, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        int e = -errno;
        close(in);
        return e;
    }
    char buf[65536];
    ssize_t n;
    int r = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            r = -EIO;
            break;
        }
    if (n < 0)
        r = -errno;
    close(in);
    close(out);
    fchmodat(AT_FDCWD, destino, 0644, 0);
    return r;
}

static int es_carpeta(const char *ruta)
{
    struct stat st;
    return stat(ruta, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Reescribe las opciones de `texto`: cada ruta (-I/ruta, -L/ruta o /ruta) fuera de /usr que
 * el usuario de la caja no alcanza se copia a `aparte`/N y se cambia por la copia. Devuelve
 * el texto nuevo (memoria nuestra) o NULL si una copia falla. *n cuenta las copias. */
static char *reescribir(const char *texto, const char *aparte, int *n)
{
    char *copia = texto_dup(texto);
    const char *trozos[400];
    int nt = 0;
    orden_partir(copia, trozos, &nt, 400);
    char *fuera = texto_dup("");
    for (int i = 0; fuera != NULL && i < nt; i++) {
        const char *t = trozos[i], *ruta = NULL;
        char prefijo[3] = "";
        if ((strncmp(t, "-I", 2) == 0 || strncmp(t, "-L", 2) == 0) && t[2] == '/') {
            memcpy(prefijo, t, 2);
            ruta = t + 2;
        } else if (t[0] == '/') {
            ruta = t;
        }
        char *nuevo = NULL;
        if (ruta != NULL && strncmp(ruta, "/usr/", 5) != 0 && access(ruta, F_OK) == 0 &&
            !(es_carpeta(ruta) ? caja_alcanza(ruta) : caja_lee(ruta))) {
            const char *base = strrchr(ruta, '/') + 1;
            char destino[PATH_MAX];
            texto_poner(destino, sizeof destino, "%s/%d-%s", aparte, (*n)++, base);
            if (copiar_arbol(ruta, destino) < 0) {
                free(fuera);
                fuera = NULL;
                break;
            }
            nuevo = texto_formato("%s%s", prefijo, destino);
        }
        char *t2 =
            texto_formato("%s%s%s", fuera, fuera[0] != '\0' ? " " : "", nuevo != NULL ? nuevo : t);
        free(nuevo);
        free(fuera);
        fuera = t2;
    }
    free(copia);
    return fuera;
}

int alcance_preparar(alcance_t *a, const opciones_t *op)
{
    memset(a, 0, sizeof *a);
    a->cflags = op->cflags;
    a->libs = op->libs;
    a->trabajo = op->salida;
    if (geteuid() != 0)
        return 0; /* sin root, la caja es el propio usuario: llega a lo suyo */
    int salida_cerrada = !caja_alcanza(op->salida);
    caja_carpeta_aparte(a->aparte, sizeof a->aparte, "calificar-curso");
    if (mkdtemp(a->aparte) == NULL) {
        a->aparte[0] = '\0';
        return -errno;
    }
    chmod(a->aparte, 0755);
    int n = 0;
    a->cflags_nuevas = reescribir(op->cflags, a->aparte, &n);
    a->libs_nuevas = reescribir(op->libs, a->aparte, &n);
    if (a->cflags_nuevas == NULL || a->libs_nuevas == NULL) {
        alcance_liberar(a);
        return -EIO;
    }
    if (n == 0 && !salida_cerrada) {
        /* Todo estaba al alcance: nada que copiar. */
        alcance_liberar(a);
        a->cflags = op->cflags;
        a->libs = op->libs;
        a->trabajo = op->salida;
        return 0;
    }
    a->cflags = a->cflags_nuevas;
    a->libs = a->libs_nuevas;
    if (salida_cerrada) {
        texto_poner(a->trabajo_aparte, sizeof a->trabajo_aparte, "%s/calificacion", a->aparte);
        if (archivos_crear_carpetas(a->trabajo_aparte) < 0) {
            alcance_liberar(a);
            a->cflags = op->cflags;
            a->libs = op->libs;
            return -EIO;
        }
        a->trabajo = a->trabajo_aparte;
    }
    return 1;
}

void alcance_liberar(alcance_t *a)
{
    if (a->aparte[0] != '\0')
        archivos_borrar_arbol(a->aparte);
    a->aparte[0] = '\0';
    free(a->cflags_nuevas);
    free(a->libs_nuevas);
    a->cflags_nuevas = a->libs_nuevas = NULL;
}
