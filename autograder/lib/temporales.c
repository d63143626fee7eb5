/* temporales.c — las carpetas temporales de una verificación: todas cuelgan de una sola
 * (TMPDIR/calif-<id>-XXXXXX), que se crea al pedir la primera y se borra entera al
 * terminar la verificación (cal_fin o el atexit de cal_inicio).
 */
#define _GNU_SOURCE
#include "interno.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char id_verificacion[128];
static char carpeta[PATH_MAX]; /* "" = aún no creada */
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
        observar_anotar_entrada(carpeta, id_verificacion);
        archivos_borrar_arbol(carpeta);
        carpeta[0] = '\0';
    }
}

const char *temporal_raiz(void)
{
    return carpeta;
}

int temporal_nuevo(const char *nombre, char *ruta, size_t tam)
{
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
        /* nobody (modo límites) tiene que poder atravesarla hasta su carpeta de trabajo. */
        chmod(carpeta, 0755);
    }
    int n = snprintf(ruta, tam, "%s/%s-%d", carpeta, nombre, ++contador);
    if (n < 0 || (size_t)n >= tam)
        return -ENAMETOOLONG;
    if (mkdir(ruta, 0755) < 0)
        return -errno;
    return 0;
}
