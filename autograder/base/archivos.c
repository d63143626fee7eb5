/* archivos.c — lo que el calificador hace con archivos: crear carpetas, copiar una entrega
 * sin seguir enlaces (ni aceptar archivos enormes), leer con tope y borrar un árbol (con
 * arbol.c). Todo por ruta: solo para rutas que la entrega no pudo tocar (el repositorio, la
 * entrega original, build/); lo que cuelga de un árbol suyo va por arbol.c.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOPE_ARCHIVO (1024 * 1024)

int archivos_crear_carpetas(const char *ruta)
{
    char tmp[PATH_MAX];
    texto_poner(tmp, sizeof tmp, "%s", ruta);
    for (char *p = tmp + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

/* Copia un archivo regular (nunca un enlace simbólico: la entrega podría apuntar a
 * cualquier parte) de como mucho TOPE_ARCHIVO bytes. Devuelve 0 o un mensaje en `error`. */
int archivos_copiar(const char *origen, const char *destino, char *error, size_t tam)
{
    struct stat st;
    if (lstat(origen, &st) < 0) {
        texto_poner(error, tam, "no existe %s", origen);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        texto_poner(error, tam, "%s no es un archivo normal (¿un enlace simbólico?)", origen);
        return -1;
    }
    if (st.st_size > TOPE_ARCHIVO) {
        texto_poner(error, tam, "%s ocupa más de 1 MiB", origen);
        return -1;
    }
    int in = open(origen, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) {
        texto_poner(error, tam, "no se puede leer %s: %s", origen, strerror(errno));
        return -1;
    }
    int out = open(destino, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        texto_poner(error, tam, "no se puede escribir %s: %s", destino, strerror(errno));
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int r = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            texto_poner(error, tam, "no se pudo copiar %s", origen);
            r = -1;
            break;
        }
    close(in);
    close(out);
    return r;
}

char *archivos_leer(const char *ruta, size_t tope)
{
    FILE *f = fopen(ruta, "r");
    if (f == NULL)
        return NULL;
    char *buf = malloc(tope + 1);
    size_t n = buf != NULL ? fread(buf, 1, tope, f) : 0;
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    return buf;
}

void archivos_borrar_arbol(const char *ruta)
{
    /* Lo de dentro puede ser de la entrega (la carpeta de trabajo de un laboratorio, las
     * temporales): se borra desde el descriptor de la carpeta que lo contiene, sin seguir
     * nada (arbol.c). Esa carpeta la nombra quien califica y es suya. */
    char padre[PATH_MAX];
    texto_poner(padre, sizeof padre, "%s", ruta);
    char *barra = strrchr(padre, '/');
    const char *nombre = barra != NULL ? barra + 1 : padre;
    if (nombre[0] == '\0')
        return;
    if (barra != NULL)
        *barra = '\0';
    int dir = arbol_raiz(barra == NULL ? "." : barra == padre ? "/" : padre);
    if (dir < 0)
        return;
    arbol_borrar(dir, nombre);
    close(dir);
}
