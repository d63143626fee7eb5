/* notas.c — lo que dice el resultado de la verificación en curso: lo esperado, lo obtenido
 * y el detalle (cal_esperado, cal_obtenido, cal_nota; ver calificador.h).
 *
 * Vive aparte de verificacion.c, que escribe el resultado, porque todos los módulos anotan
 * (proceso.c, vivos.c, valgrind.c…) y verificacion.c usa a todos: con las notas dentro, cada
 * uno de ellos y verificacion.c se llamarían en círculo. Aquí no se usa nada de la
 * biblioteca.
 */
#define _GNU_SOURCE
#include "calificador/calificador.h"
#include "interno.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static char *esperado, *obtenido, *detalle;

const char *notas_errno(int e)
{
    static const struct {
        int e;
        const char *texto;
    } tabla[] = {
        {ENOENT, "no existe"},
        {EACCES, "permiso denegado"},
        {EPERM, "operación no permitida"},
        {ENOMEM, "no hay memoria"},
        {EAGAIN, "recurso no disponible por ahora"},
        {EMFILE, "demasiados descriptores abiertos en el proceso"},
        {ENFILE, "demasiados archivos abiertos en el sistema"},
        {ENOEXEC, "no es un ejecutable válido"},
        {E2BIG, "la lista de argumentos es demasiado larga"},
        {ETXTBSY, "el ejecutable está abierto para escribir"},
        {ENOSPC, "no queda espacio en el disco"},
        {ENOTDIR, "una parte de la ruta no es una carpeta"},
        {EISDIR, "es una carpeta"},
        {ESRCH, "el proceso ya no existe"},
        {EINVAL, "argumento no válido"},
        {EIO, "error de entrada/salida"},
        {ENAMETOOLONG, "la ruta es demasiado larga"},
        {ELOOP, "demasiados enlaces simbólicos"},
    };
    static char otro[32];
    for (size_t i = 0; i < sizeof tabla / sizeof tabla[0]; i++)
        if (tabla[i].e == e)
            return tabla[i].texto;
    snprintf(otro, sizeof otro, "error %d", e);
    return otro;
}

static char *formatear(const char *formato, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, formato, ap) < 0)
        return NULL;
    return s;
}

void cal_esperado(const char *formato, ...)
{
    va_list ap;
    va_start(ap, formato);
    free(esperado);
    esperado = formatear(formato, ap);
    va_end(ap);
}

void cal_obtenido(const char *formato, ...)
{
    va_list ap;
    va_start(ap, formato);
    free(obtenido);
    obtenido = formatear(formato, ap);
    va_end(ap);
}

void cal_nota(const char *formato, ...)
{
    va_list ap;
    va_start(ap, formato);
    char *linea = formatear(formato, ap);
    va_end(ap);
    if (linea == NULL)
        return;
    char *nuevo = NULL;
    if (asprintf(&nuevo, "%s%s%s", detalle != NULL ? detalle : "", detalle != NULL ? "\n" : "",
                 linea) >= 0) {
        free(detalle);
        detalle = nuevo;
    }
    free(linea);
}

const char *cal_resumen(void)
{
    static char buf[2048];
    snprintf(buf, sizeof buf, "esperado: %s | obtenido: %s", esperado != NULL ? esperado : "",
             obtenido != NULL ? obtenido : "");
    return buf;
}

const char *notas_esperado(void)
{
    return esperado;
}

const char *notas_obtenido(void)
{
    return obtenido;
}

const char *notas_detalle(void)
{
    return detalle;
}
