/* secuencia.h — los bytes que sirven /bytes, /stream-bytes y /cortar del servidor de práctica:
 * el byte de la posición i depende solo de (clave, semilla, i), así que se generan por trozos,
 * en cualquier orden, sin guardar el cuerpo entero.
 *
 * Dos secuencias, y el porqué:
 *   - sin clave (NULL), la pública de siempre: cada bloque de 8 bytes es el finalizador de
 *     splitmix64 aplicado a (mezcla de la semilla) XOR (número de bloque). Es rápida (varios
 *     GiB por segundo) y la misma en cualquier máquina: la usan las lecciones, las prácticas y las
 *     comparaciones de `make bench`. Pero se invierte: de 8 bytes cualesquiera de la
 *     respuesta sale la semilla, y de ella todos los demás bytes.
 *   - con clave (la que el calificador da a su servidor, de getrandom), cada trozo de 64
 *     bytes sale de SipHash-2-4 de (semilla, número de trozo) con esa clave de 128 bits: una
 *     función pseudoaleatoria con clave, que no se predice sin ella. De lo recibido se deduce
 *     como mucho el resto de su trozo de 64 bytes; un archivo bien descargado solo sale de
 *     escribir los bytes recibidos (el laboratorio 11 lo juzga con su SHA-256). Más lenta que
 *     la pública, pero el servidor la genera más deprisa de lo que un gestor la escribe.
 *
 * Nada de aquí reserva memoria ni guarda estado: la clave la aporta el llamador.
 */
#ifndef CURSO_SECUENCIA_H
#define CURSO_SECUENCIA_H

#include <stddef.h>
#include <stdint.h>

/* Clave de la secuencia secreta: 128 bits. */
typedef struct {
    uint64_t k0, k1;
} secuencia_clave_t;

/* Longitud de una clave escrita en hexadecimal (32 cifras) sin el NUL. */
#define SECUENCIA_CLAVE_HEX 32

/* Escribe en `destino` los bytes [desde, desde + n) de la secuencia de `semilla`: la pública
 * si `clave` es NULL, la secreta de esa clave si no. */
void secuencia_generar(const secuencia_clave_t *clave, uint64_t semilla, uint64_t desde,
                       unsigned char *destino, size_t n);

/* SipHash-2-4 de los 16 bytes m0‖m1 (cada uno en little-endian) con la clave k0‖k1: el núcleo
 * de la secuencia secreta, aparte para probarlo con los vectores del artículo. */
uint64_t secuencia_siphash(uint64_t k0, uint64_t k1, uint64_t m0, uint64_t m1);

/* Los usos de la clave de un servidor: cada uno con su propia subclave (secuencia_subclave),
 * para que lo que se aprenda de uno no diga nada de otro. */
#define SECUENCIA_USO_BYTES 1 /* la secuencia secreta de /bytes */
#define SECUENCIA_USO_CLIMA 2 /* el secreto de /clima (common/servidor/clima.h) */

/* La subclave de `clave` para `uso` (SECUENCIA_USO_*): SipHash-2-4 de la clave sobre
 * (uso, ~0) y (uso, ~1), números de trozo que la secuencia no alcanza. */
void secuencia_subclave(const secuencia_clave_t *clave, uint64_t uso, secuencia_clave_t *sub);

/* Una clave nueva de getrandom. 0, o -errno si no hay azar del sistema. */
int secuencia_clave_nueva(secuencia_clave_t *clave);

/* La clave en hexadecimal (32 cifras y el NUL), y al revés: 0, o -EINVAL si `texto` no son
 * exactamente 32 cifras hexadecimales. */
void secuencia_clave_a_texto(const secuencia_clave_t *clave, char texto[SECUENCIA_CLAVE_HEX + 1]);
int secuencia_clave_de_texto(const char *texto, secuencia_clave_t *clave);

#endif
