/* texto.c — textos del calificador: copias que nunca fallan en silencio, formato en memoria
 * nueva, el singular o el plural tras un número, y saneado para informes (UTF-8 válido y
 * solo los caracteres de una lista de permitidos: sin controles ni caracteres de formato).
 *
 * Sin memoria no hay calificación fiable: texto_dup y texto_formato terminan el proceso
 * con un mensaje en vez de devolver NULL (así ningún llamador lo olvida).
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <stdarg.h>
#include <stdbool.h>
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

/* Longitud de la secuencia UTF-8 válida que empieza en `s` (0 si no es válida) y, en
 * `*punto`, su punto de código. */
static size_t utf8_valida(const unsigned char *s, unsigned *punto)
{
    *punto = s[0];
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
    *punto = cp;
    return n;
}

/* Lo que puede salir tal cual en un informe, por lista de permitidos: los bloques de las
 * escrituras y los símbolos que escriben el calificador y un programa del curso (latín con sus
 * acentos y marcas combinadas, griego, cirílico, armenio, hebreo, árabe, las de la India,
 * tailandés, georgiano, CJK y hangul; puntuación, flechas, símbolos, cajas, dingbats como ✔ y
 * ✘, emojis; el 10 pide ciudades como «東京» o «กรุงเทพมหานคร»). Cada tramo quedó sin un solo
 * carácter de control, de formato, separador de línea o párrafo, suplente ni de uso privado
 * (categorías Cc, Cf, Zl, Zp, Cs, Co; medido con unicodedata de Python, Unicode 14). Fuera queda
 * todo lo que cambia cómo se ve lo demás: los controles C0 y C1 (U+009B es el CSI de 8 bits,
 * que borra la pantalla como ESC [), NEL, U+2028 y U+2029, los de dirección (U+202E da la
 * vuelta a «Total: 0/100»), los invisibles de anchura cero, el guion débil, el BOM, las
 * etiquetas. Una lista de prohibidos se quedaría corta con el próximo carácter de formato; un
 * carácter de una escritura que no está aquí sale como U+FFFD y no cambia nada que se juzgue.
 * \n y \t pasan; lo demás de C0 y DEL, «?». */
static bool punto_permitido(unsigned cp)
{
    static const struct {
        unsigned desde, hasta;
    } bloques[] = {
        {0x0020, 0x007e},   /* ASCII imprimible */
        {0x00a0, 0x00ac},   /* latín-1, sin el guion débil U+00AD */
        {0x00ae, 0x05ff},   /* latín, IPA, marcas, griego, cirílico, armenio, hebreo */
        {0x0606, 0x061b},   /* árabe, sin U+0600–0605 ni U+061C */
        {0x061d, 0x06dc},   /* … */
        {0x06de, 0x06ff},   /* … sin U+06DD */
        {0x0900, 0x0e7f},   /* devanagari … tailandés */
        {0x10a0, 0x11ff},   /* georgiano, jamo */
        {0x1e00, 0x1fff},   /* latín y griego extendidos */
        {0x2010, 0x2027},   /* guiones, comillas, viñetas, puntos suspensivos */
        {0x202f, 0x205f},   /* por mil, primas, más puntuación */
        {0x2070, 0x2bff},   /* superíndices, monedas, flechas, matemáticas, técnicos, cajas,
                               formas, símbolos, dingbats */
        {0x2e80, 0x2fdf},   /* radicales CJK */
        {0x3000, 0x9fff},   /* puntuación CJK, kana, ideogramas */
        {0xac00, 0xd7af},   /* hangul */
        {0xff00, 0xffef},   /* formas de anchura completa */
        {0xfffd, 0xfffd},   /* el de sustitución */
        {0x1f300, 0x1faff}, /* pictogramas, emoticonos, transporte */
    };
    for (size_t i = 0; i < sizeof bloques / sizeof bloques[0]; i++)
        if (cp >= bloques[i].desde && cp <= bloques[i].hasta)
            return true;
    return false;
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
        unsigned cp = 0;
        size_t n = utf8_valida(s, &cp);
        if (n == 0) {
            memcpy(r + k, "\xef\xbf\xbd", 3); /* U+FFFD */
            k += 3;
            s++;
            continue;
        }
        if (n == 1 && cp != '\n' && cp != '\t' && !punto_permitido(cp)) {
            r[k++] = '?';
            s++;
            continue;
        }
        if (n > 1 && !punto_permitido(cp)) {
            memcpy(r + k, "\xef\xbf\xbd", 3); /* U+FFFD: cabe, n ≥ 2 y se reservó 3 por byte */
            k += 3;
            s += n;
            continue;
        }
        memcpy(r + k, s, n);
        k += n;
        s += n;
    }
    r[k] = '\0';
    return r;
}
