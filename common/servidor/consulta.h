/* consulta.h — decodificación de URL (%XX y '+') y lectura de parámetros de la consulta
 * («?ciudad=M%C3%A1laga&seed=3»), más conversiones numéricas estrictas.
 *
 * Memoria: nada reserva memoria; el llamador aporta los búferes de salida. Las cadenas de
 * entrada son prestadas y solo se leen durante la llamada.
 */
#ifndef SERVIDOR_CONSULTA_H
#define SERVIDOR_CONSULTA_H

#include <stddef.h>

/* Decodifica `n` bytes de `origen` en `destino` (tamaño `tam`, siempre termina en NUL).
 * Con `mas_es_espacio` != 0, '+' se convierte en espacio (formularios). Una secuencia %
 * inválida se copia tal cual. Devuelve la longitud decodificada, o -1 si no cabe. */
int consulta_decodificar(const char *origen, size_t n, char *destino, size_t tam,
                         int mas_es_espacio);

/* Recorre los pares de `*cursor` (sin el '?'), decodificados. Devuelve 1 si dejó un par en
 * nombre/valor, 0 al final. Los pares que no caben en los búferes se saltan. */
int consulta_siguiente(const char **cursor, char *nombre, size_t tam_nombre, char *valor,
                       size_t tam_valor);

/* Busca el parámetro `nombre` en la consulta. Devuelve 1 y deja su valor decodificado en
 * `valor`, o 0 si no está. */
int consulta_valor(const char *consulta, const char *nombre, char *valor, size_t tam_valor);

/* Convierte `texto` entero en decimal, sin espacios ni restos, dentro de [min, max].
 * Devuelve 0 o -1. */
int consulta_entero(const char *texto, long long min, long long max, long long *valor);

/* Lo mismo para un número real finito (admite «1.5», «0.25», «2»). */
int consulta_real(const char *texto, double min, double max, double *valor);

#endif
