/* json_util.h — ayudas sobre jansson: analizar texto con errores legibles y leer valores por
 * ruta («main.temp», «current_weather.temperature», «items.0.id»).
 *
 * Memoria: jutil_analizar() devuelve una referencia propia (json_decref al terminar). Las
 * funciones de lectura devuelven valores prestados que viven lo que viva `raiz`.
 */
#ifndef CURSO_JSON_UTIL_H
#define CURSO_JSON_UTIL_H

#include <jansson.h>
#include <stddef.h>

/* Analiza `n` bytes de `texto` (no hace falta el NUL final). Si no es JSON válido
 * devuelve NULL y escribe en `error` (si no es NULL) un mensaje en español con línea y
 * columna: «JSON inválido en la línea 1, columna 9: se esperaba ',' o '}'». */
json_t *jutil_analizar(const char *texto, size_t n, char *error, size_t tam_error);

/* El valor en `ruta` (claves separadas por puntos; un número indexa un array) o NULL. */
json_t *jutil_buscar(json_t *raiz, const char *ruta);

/* Número (entero o real) en `ruta`. Devuelve 0 y lo deja en *valor, o -1 si no existe o no
 * es un número. */
int jutil_numero(json_t *raiz, const char *ruta, double *valor);

/* Cadena en `ruta` o NULL si no existe o no es cadena. */
const char *jutil_texto(json_t *raiz, const char *ruta);

#endif
