/* lineas.c — leer las líneas que escribe el programa del estudiante («OK <url> …»): contar,
 * encontrar, partir en palabras y sacar extractos para el informe. Solo texto: no sabe de
 * procesos ni de verificaciones. */
#include "calificador/calificador.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Compara la palabra que empieza en `p` (hasta espacio o fin de línea) con `palabra`. */
static int palabra_es(const char *p, const char *fin, const char *palabra)
{
    size_t n = strlen(palabra);
    if ((size_t)(fin - p) < n || strncmp(p, palabra, n) != 0)
        return 0;
    return p + n == fin || p[n] == ' ' || p[n] == '\t' || p[n] == '\r';
}

static const char *saltar_palabra(const char *p, const char *fin)
{
    while (p < fin && *p != ' ' && *p != '\t')
        p++;
    while (p < fin && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static int coincide(const char *ini, const char *fin, const char *prefijo, const char *url)
{
    if (!palabra_es(ini, fin, prefijo))
        return 0;
    if (url == NULL)
        return 1;
    return palabra_es(saltar_palabra(ini, fin), fin, url);
}

int cal_linea(const char *texto, const char *prefijo, const char *url, int i, char *buf, size_t tam)
{
    int vistas = 0, numero = 0;
    const char *p = texto != NULL ? texto : "";
    while (*p != '\0') {
        const char *fin = strchr(p, '\n');
        if (fin == NULL)
            fin = p + strlen(p);
        if (coincide(p, fin, prefijo, url)) {
            if (vistas == i) {
                if (buf != NULL && tam > 0) {
                    size_t n = (size_t)(fin - p);
                    if (n >= tam)
                        n = tam - 1;
                    memcpy(buf, p, n);
                    buf[n] = '\0';
                }
                return numero;
            }
            vistas++;
        }
        numero++;
        p = *fin == '\n' ? fin + 1 : fin;
    }
    return -1;
}

int cal_contar(const char *texto, const char *prefijo, const char *url)
{
    int n = 0;
    const char *p = texto != NULL ? texto : "";
    while (*p != '\0') {
        const char *fin = strchr(p, '\n');
        if (fin == NULL)
            fin = p + strlen(p);
        if (coincide(p, fin, prefijo, url))
            n++;
        p = *fin == '\n' ? fin + 1 : fin;
    }
    return n;
}

const char *cal_palabra(const char *linea, int n, char *buf, size_t tam)
{
    const char *p = linea;
    const char *fin = linea + strlen(linea);
    while (p < fin && (*p == ' ' || *p == '\t'))
        p++;
    for (int i = 0; i < n && p < fin; i++)
        p = saltar_palabra(p, fin);
    if (p >= fin)
        return NULL;
    const char *q = p;
    while (q < fin && *q != ' ' && *q != '\t' && *q != '\r')
        q++;
    size_t len = (size_t)(q - p);
    if (len >= tam)
        len = tam - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}

const char *cal_extracto(const char *texto, int max_lineas, char *buf, size_t tam)
{
    size_t usados = 0;
    int lineas = 0;
    const char *p = texto != NULL ? texto : "";
    buf[0] = '\0';
    while (*p != '\0' && lineas < max_lineas) {
        const char *fin = strchr(p, '\n');
        if (fin == NULL)
            fin = p + strlen(p);
        size_t n = (size_t)(fin - p);
        int recortada = n > 160;
        if (recortada)
            n = 160;
        int w = snprintf(buf + usados, tam - usados, "%s  %.*s%s", lineas > 0 ? "\n" : "", (int)n,
                         p, recortada ? "…" : "");
        if (w < 0 || (size_t)w >= tam - usados)
            break;
        usados += (size_t)w;
        lineas++;
        p = *fin == '\n' ? fin + 1 : fin;
    }
    if (*p != '\0' && usados + 8 < tam)
        snprintf(buf + usados, tam - usados, "\n  …");
    if (lineas == 0)
        snprintf(buf, tam, "  (vacío)");
    return buf;
}
