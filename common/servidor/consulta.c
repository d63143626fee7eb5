/* consulta.c — decodificación de URL y parámetros de la consulta (ver consulta.h). */
#include "consulta.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int valor_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int consulta_decodificar(const char *origen, size_t n, char *destino, size_t tam,
                         int mas_es_espacio)
{
    size_t j = 0;
    if (tam == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = origen[i];
        if (c == '%' && i + 2 < n) {
            int alto = valor_hex(origen[i + 1]);
            int bajo = valor_hex(origen[i + 2]);
            if (alto >= 0 && bajo >= 0) {
                c = (char)(alto * 16 + bajo);
                i += 2;
            }
        } else if (c == '+' && mas_es_espacio) {
            c = ' ';
        }
        if (j + 1 >= tam)
            return -1;
        destino[j++] = c;
    }
    destino[j] = '\0';
    return (int)j;
}

int consulta_siguiente(const char **cursor, char *nombre, size_t tam_nombre, char *valor,
                       size_t tam_valor)
{
    const char *p = *cursor;
    while (p != NULL && *p != '\0') {
        const char *fin = strchr(p, '&');
        size_t largo = fin != NULL ? (size_t)(fin - p) : strlen(p);
        const char *igual = memchr(p, '=', largo);
        size_t largo_nombre = igual != NULL ? (size_t)(igual - p) : largo;
        const char *v = igual != NULL ? igual + 1 : p + largo;
        size_t largo_valor = igual != NULL ? largo - largo_nombre - 1 : 0;
        const char *siguiente = fin != NULL ? fin + 1 : p + largo;
        *cursor = siguiente;
        if (largo_nombre > 0 && consulta_decodificar(p, largo_nombre, nombre, tam_nombre, 1) >= 0 &&
            consulta_decodificar(v, largo_valor, valor, tam_valor, 1) >= 0)
            return 1;
        p = siguiente;
    }
    *cursor = p;
    return 0;
}

int consulta_valor(const char *consulta, const char *nombre, char *valor, size_t tam_valor)
{
    char n[64];
    const char *cursor = consulta;
    while (consulta_siguiente(&cursor, n, sizeof n, valor, tam_valor)) {
        if (strcmp(n, nombre) == 0)
            return 1;
    }
    if (tam_valor > 0)
        valor[0] = '\0';
    return 0;
}

int consulta_entero(const char *texto, long long min, long long max, long long *valor)
{
    char *fin = NULL;
    if (texto == NULL || !(isdigit((unsigned char)texto[0]) || texto[0] == '-'))
        return -1;
    errno = 0;
    long long v = strtoll(texto, &fin, 10);
    if (errno != 0 || fin == texto || *fin != '\0' || v < min || v > max)
        return -1;
    *valor = v;
    return 0;
}

int consulta_real(const char *texto, double min, double max, double *valor)
{
    char *fin = NULL;
    if (texto == NULL || !(isdigit((unsigned char)texto[0]) || texto[0] == '-' || texto[0] == '.'))
        return -1;
    errno = 0;
    double v = strtod(texto, &fin);
    if (errno != 0 || fin == texto || *fin != '\0' || !isfinite(v) || v < min || v > max)
        return -1;
    *valor = v;
    return 0;
}
