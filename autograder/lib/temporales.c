/* temporales.c — las carpetas temporales de una verificación: todas cuelgan de una sola
 * (TMPDIR/calif-<id>-XXXXXX), que se crea al pedir la primera y se borra entera al
 * terminar la verificación (cal_fin o el atexit de cal_inicio).
 *
 * Esa raíz es de quien califica (0755: nadie más escribe en ella); las carpetas de dentro
 * son de la entrega en cuanto se le dan (cal_carpeta, la de trabajo sin bwrap). Por eso la
 * raíz se abre una sola vez, al crearla y antes de lanzar nada, y todo lo que se hace después
 * dentro baja desde ese descriptor con base/arbol.c (temporal_relativa): nunca por ruta.
 */
#define _GNU_SOURCE
#include "interno.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char id_verificacion[128];
static char carpeta[PATH_MAX]; /* "" = aún no creada */
static int carpeta_fd = -1;    /* O_PATH de `carpeta`, abierto al crearla */
static int contador;

void temporales_iniciar(const char *id)
{
    snprintf(id_verificacion, sizeof id_verificacion, "%s", id);
}

const char *temporales_id(void)
{
    return id_verificacion;
}

void temporales_borrar(void)
{
    if (carpeta[0] != '\0') {
        /* Desde el descriptor de TMPDIR no: TMPDIR es del ejecutor, y la raíz, nuestra. */
        archivos_borrar_arbol(carpeta);
        carpeta[0] = '\0';
    }
    if (carpeta_fd >= 0) {
        close(carpeta_fd);
        carpeta_fd = -1;
    }
}

const char *temporal_raiz(void)
{
    return carpeta;
}

int temporal_raiz_fd(void)
{
    return carpeta_fd;
}

int temporal_relativa(const char *ruta, const char **rel)
{
    size_t n = strlen(carpeta);
    if (n == 0 || carpeta_fd < 0 || strncmp(ruta, carpeta, n) != 0 ||
        (ruta[n] != '/' && ruta[n] != '\0'))
        return -EXDEV;
    const char *r = ruta + n;
    while (*r == '/')
        r++;
    *rel = r;
    return 0;
}

int temporal_nuevo(const char *nombre, char *ruta, size_t tam)
{
    /* Sin cal_inicio nadie la borraría (ni cal_fin ni el atexit): «calif--XXXXXX» quedaba en
     * TMPDIR. Mejor que la prueba falle aquí, con el motivo, que un temporal huérfano. */
    if (id_verificacion[0] == '\0')
        return -ESRCH;
    if (carpeta[0] == '\0') {
        const char *tmp = getenv("TMPDIR");
        if (tmp == NULL || tmp[0] == '\0')
            tmp = "/tmp";
        snprintf(carpeta, sizeof carpeta, "%s/calif-%s-XXXXXX", tmp, id_verificacion);
        if (mkdtemp(carpeta) == NULL) {
            int e = errno;
            carpeta[0] = '\0';
            return -e;
        }
        carpeta_fd = arbol_raiz(carpeta);
        if (carpeta_fd < 0) {
            int e = carpeta_fd;
            archivos_borrar_arbol(carpeta);
            carpeta[0] = '\0';
            return e;
        }
        /* nobody (modo límites) tiene que poder atravesarla hasta su carpeta de trabajo. */
        arbol_chmod(carpeta_fd, "", 0755);
    }
    char rel[NAME_MAX + 1];
    int n = snprintf(rel, sizeof rel, "%s-%d", nombre, ++contador);
    int m = snprintf(ruta, tam, "%s/%s", carpeta, rel);
    if (n < 0 || (size_t)n >= sizeof rel || m < 0 || (size_t)m >= tam)
        return -ENAMETOOLONG;
    return arbol_carpeta(carpeta_fd, rel, 0755);
}
