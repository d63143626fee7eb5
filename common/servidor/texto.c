/* texto.c — saneado UTF-8 para jansson y hash de cadenas (ver texto.h). */
#include "texto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Longitud de la secuencia UTF-8 válida que empieza en s (1–4) o 0 si no es válida. */
static size_t secuencia_valida(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t largo;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        largo = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        largo = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        largo = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (largo > n)
        return 0;
    for (size_t i = 1; i < largo; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Formas demasiado largas, sustitutos y fuera de rango. */
    if ((largo == 3 && cp < 0x800) || (largo == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return largo;
}

json_t *texto_json(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int limpio = 1;
    /* NUL dentro de la cadena también se sustituye: jansson lo admitiría, pero no ayuda. */
    while (i < n) {
        size_t l = u[i] == 0 ? 0 : secuencia_valida(u + i, n - i);
        if (l == 0) {
            limpio = 0;
            break;
        }
        i += l;
    }
    if (limpio)
        return json_stringn(s, n);

    /* Cada byte inválido pasa a ocupar 3 (U+FFFD). */
    char *copia = malloc(n * 3 + 1);
    if (copia == NULL)
        return NULL;
    size_t j = 0;
    i = 0;
    while (i < n) {
        size_t l = u[i] == 0 ? 0 : secuencia_valida(u + i, n - i);
        if (l == 0) {
            memcpy(copia + j, "\xEF\xBF\xBD", 3);
            j += 3;
            i++;
        } else {
            memcpy(copia + j, s + i, l);
            j += l;
            i += l;
        }
    }
    json_t *r = json_stringn(copia, j);
    free(copia);
    return r;
}

json_t *texto_json_c(const char *s)
{
    return texto_json(s, strlen(s));
}

unsigned long long texto_hash(const char *s)
{
    unsigned long long h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

const char *texto_cifras(uint64_t v, char cifras[TEXTO_CIFRAS], size_t *n)
{
    size_t i = TEXTO_CIFRAS;
    do {
        cifras[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    *n = TEXTO_CIFRAS - i;
    return cifras + i;
}

const char *texto_motivo_archivo(int e)
{
    switch (e) {
    case ENOENT:
        return "no existe";
    case EACCES:
        return "no hay permiso para leerlo";
    case EISDIR:
        return "es una carpeta";
    default:
        return strerror(e);
    }
}
