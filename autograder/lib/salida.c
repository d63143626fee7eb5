/* salida.c — leer las líneas que escribe el programa del estudiante («OK <url> …»). */
#include "calificador/calificador.h"
#include "interno.h"

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

int cal_linea(const char *texto, const char *prefijo, const char *url, int i, char *buf,
              size_t tam)
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
        int w = snprintf(buf + usados, tam - usados, "%s  %.*s%s", lineas > 0 ? "\n" : "",
                         (int)n, p, recortada ? "…" : "");
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

/* Las últimas `n` líneas de `texto`. */
static const char *cola(const char *texto, int n)
{
    const char *p = texto + strlen(texto);
    if (p > texto && p[-1] == '\n')
        p--;
    int vistas = 0;
    while (p > texto) {
        if (p[-1] == '\n' && ++vistas >= n)
            break;
        p--;
    }
    return p;
}

void cal_nota_salida(const cal_proceso_t *p, int n)
{
    char buf[8192];
    const char *s = cal_salida(p), *e = cal_errores(p);
    cal_nota("Salida estándar del programa (últimas %d líneas):\n%s", n,
             cal_extracto(cola(s, n), n, buf, sizeof buf));
    if (e[0] != '\0')
        cal_nota("Salida de errores del programa (últimas %d líneas):\n%s", n,
                 cal_extracto(cola(e, n), n, buf, sizeof buf));
    if (cal_descartados(p) > 0)
        cal_nota("(el programa escribió demasiado: se descartaron %llu bytes de salida)",
                 (unsigned long long)cal_descartados(p));
}

/* Longitud de la secuencia UTF-8 válida que empieza en `s` (0 si no es válida). */
static size_t utf8_valida(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    unsigned minimo;
    unsigned cp;
    if ((s[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = s[0] & 0x1f;
        minimo = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = s[0] & 0x0f;
        minimo = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = s[0] & 0x07;
        minimo = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < minimo || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

char *cal_sanear(const char *texto)
{
    const unsigned char *s = (const unsigned char *)(texto != NULL ? texto : "");
    size_t largo = strlen((const char *)s);
    char *r = malloc(largo * 3 + 1);
    if (r == NULL)
        return NULL;
    size_t k = 0;
    while (*s != '\0') {
        size_t n = utf8_valida(s);
        if (n == 0) {
            memcpy(r + k, "\xef\xbf\xbd", 3); /* U+FFFD */
            k += 3;
            s++;
            continue;
        }
        if (n == 1 && ((*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f)) {
            r[k++] = '?';
            s++;
            continue;
        }
        memcpy(r + k, s, n);
        k += n;
        s += n;
    }
    r[k] = '\0';
    return r;
}
