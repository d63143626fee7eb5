/* texto.c — textos del calificador: copias que nunca fallan en silencio, formato en memoria
 * nueva, el singular o el plural tras un número, y saneado para informes (UTF-8 válido, sin
 * caracteres de control).
 *
 * Sin memoria no hay calificación fiable: texto_dup y texto_formato terminan el proceso
 * con un mensaje en vez de devolver NULL (así ningún llamador lo olvida).
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *texto_dup(const char *s)
{
    char *r = strdup(s != NULL ? s : "");
    if (r == NULL) {
        fprintf(stderr, "calificar: sin memoria\n");
        exit(1);
    }
    return r;
}

char *texto_formato(const char *formato, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, formato);
    if (vasprintf(&s, formato, ap) < 0) {
        fprintf(stderr, "calificar: sin memoria\n");
        exit(1);
    }
    va_end(ap);
    return s;
}

/* snprintf para rutas y mensajes. Con rutas de hasta PATH_MAX no se recorta nada; si algún
 * día se recortara, el archivo no existiría y se diría. (Envoltorio: así gcc no avisa de
 * recortes teóricos con -Werror=format-truncation.) */
void texto_poner(char *buf, size_t tam, const char *formato, ...)
{
    va_list ap;
    va_start(ap, formato);
    vsnprintf(buf, tam, formato, ap);
    va_end(ap);
}

const char *texto_plural(long long n, const char *singular, const char *plural)
{
    return n == 1 || n == -1 ? singular : plural;
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

char *texto_sanear(const char *texto)
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
