/* json_util.c — jansson con mensajes en español y acceso por ruta con puntos. */
#include "curso/json_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* jansson explica en inglés; traducimos los textos más frecuentes y dejamos el original
 * entre paréntesis cuando no lo conocemos. */
static const char *traducir(const char *texto)
{
    static const struct {
        const char *ingles;
        const char *espanol;
    } tabla[] = {
        {"'[' or '{' expected", "se esperaba '[' o '{'"},
        {"'}' expected", "se esperaba '}'"},
        {"']' expected", "se esperaba ']'"},
        {"':' expected", "se esperaba ':'"},
        {"string or '}' expected", "se esperaba una cadena o '}'"},
        {"unexpected token", "símbolo inesperado"},
        {"unexpected newline", "salto de línea inesperado"},
        {"premature end of input", "el texto termina antes de tiempo"},
        {"end of file expected", "sobra texto después del valor"},
        {"invalid token", "símbolo no válido"},
        {"control character", "carácter de control dentro de una cadena"},
        {"invalid escape", "secuencia de escape no válida"},
        {"unable to decode byte", "UTF-8 no válido"},
        {"NUL byte", "byte NUL en el texto"},
        {"duplicate object key", "clave repetida"},
        {"too big", "número demasiado grande"},
        {"maximum parsing depth", "anidamiento demasiado profundo"},
        {"'[' or '{' expected near end of file", "texto vacío: se esperaba un valor JSON"},
    };
    for (size_t i = sizeof(tabla) / sizeof(tabla[0]); i-- > 0;) {
        if (strstr(texto, tabla[i].ingles) != NULL) {
            return tabla[i].espanol;
        }
    }
    return NULL;
}

json_t *jutil_analizar(const char *texto, size_t n, char *error, size_t tam_error)
{
    json_error_t e;
    json_t *raiz;

    if (texto == NULL) {
        if (error != NULL && tam_error > 0) {
            snprintf(error, tam_error, "JSON inválido: no hay texto");
        }
        return NULL;
    }
    raiz = json_loadb(texto, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
    if (raiz == NULL && error != NULL && tam_error > 0) {
        const char *es = traducir(e.text);
        if (es != NULL) {
            snprintf(error, tam_error, "JSON inválido en la línea %d, columna %d: %s", e.line,
                     e.column, es);
        } else {
            snprintf(error, tam_error, "JSON inválido en la línea %d, columna %d (%s)", e.line,
                     e.column, e.text);
        }
    }
    return raiz;
}

/* Avanza un segmento de la ruta: clave en un objeto o índice en un array. */
static json_t *paso(json_t *actual, const char *segmento, size_t largo)
{
    char clave[256];

    if (largo == 0 || largo >= sizeof(clave)) {
        return NULL;
    }
    memcpy(clave, segmento, largo);
    clave[largo] = '\0';
    if (json_is_object(actual)) {
        return json_object_get(actual, clave);
    }
    if (json_is_array(actual)) {
        char *fin;
        unsigned long indice;
        errno = 0;
        indice = strtoul(clave, &fin, 10);
        if (errno != 0 || *fin != '\0' || clave[0] == '-') {
            return NULL;
        }
        return json_array_get(actual, indice);
    }
    return NULL;
}

json_t *jutil_buscar(json_t *raiz, const char *ruta)
{
    json_t *actual = raiz;
    const char *p = ruta;

    if (raiz == NULL || ruta == NULL) {
        return NULL;
    }
    if (*p == '\0') {
        return raiz;
    }
    while (actual != NULL) {
        const char *punto = strchr(p, '.');
        size_t largo = punto != NULL ? (size_t)(punto - p) : strlen(p);
        actual = paso(actual, p, largo);
        if (punto == NULL) {
            break;
        }
        p = punto + 1;
    }
    return actual;
}

int jutil_numero(json_t *raiz, const char *ruta, double *valor)
{
    json_t *v = jutil_buscar(raiz, ruta);
    if (!json_is_number(v)) {
        return -1;
    }
    *valor = json_number_value(v);
    return 0;
}

const char *jutil_texto(json_t *raiz, const char *ruta)
{
    json_t *v = jutil_buscar(raiz, ruta);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
