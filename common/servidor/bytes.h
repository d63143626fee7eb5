/* bytes.h — bytes pseudoaleatorios deterministas para /bytes, /stream-bytes y /cortar, y lo
 * que /bytes necesita para servir descargas: rangos (Range, RFC 9110 §14) y la huella
 * Repr-Digest (RFC 9530).
 *
 * El byte de la posición i depende solo de (semilla, i) y de la clave del servidor, si la
 * tiene (curso/secuencia.h): se pueden generar por trozos, en cualquier orden, sin guardar el
 * cuerpo entero en memoria. Sin clave, la misma semilla da siempre los mismos bytes (las
 * pruebas lo comprueban). Nada de este módulo reserva memoria; la clave y la caché de huellas
 * son estáticas y solo se usan desde el hilo del bucle.
 */
#ifndef SERVIDOR_BYTES_H
#define SERVIDOR_BYTES_H

#include "curso/secuencia.h"

#include <stddef.h>
#include <stdint.h>

/* Hasta este tamaño /bytes manda Repr-Digest siempre; por encima, solo si se pide con
 * ?digest=si (hasta BYTES_MAX_HUELLA): calcularla recorre el cuerpo entero en el hilo del servidor
 * (unos 5 ms por MiB), y una descarga de 200 MB no debe esperar un segundo antes de su primer byte.
 */
#define BYTES_MAX_HUELLA_AUTO (16ull * 1024 * 1024)
/* Ni con ?digest=si por encima de esto (unos 0.3 s de cálculo con el servidor parado). */
#define BYTES_MAX_HUELLA (64ull * 1024 * 1024)

/* Desde ahora, la secuencia secreta de `clave` (se copia) en vez de la pública. Se llama una
 * vez, al arrancar y antes de servir nada: la caché de huellas no distingue claves. */
void bytes_poner_clave(const secuencia_clave_t *clave);

/* Escribe en `destino` los bytes [desde, desde + n) de la secuencia de `semilla`. */
void bytes_generar(uint64_t semilla, uint64_t desde, unsigned char *destino, size_t n);

/* Interpreta la cabecera Range (`cabecera` puede ser NULL) para un cuerpo de `total` bytes.
 * Solo entiende un rango de bytes: «bytes=A-B», «bytes=A-» y «bytes=-N» (los N últimos).
 * Devuelve:
 *    1  rango válido: el cuerpo es [*desde, *hasta] (ambos incluidos) → 206;
 *    0  sin cabecera, o una que se ignora (otra unidad, varios rangos, sintaxis rara): el
 *       servidor responde el cuerpo entero con 200, como permite la RFC;
 *   -1  rango bien escrito pero imposible (A >= total, o «bytes=-0») → 416. */
int bytes_rango(const char *cabecera, uint64_t total, uint64_t *desde, uint64_t *hasta);

/* SHA-256 de los `n` primeros bytes de la secuencia de `semilla`, en base64 (44 caracteres
 * y NUL), como va en «Repr-Digest: sha-256=:…:». Guarda las últimas huellas calculadas:
 * pedir la misma descarga otra vez (reanudar) no la recalcula. */
void bytes_huella(uint64_t semilla, uint64_t n, char base64[45]);

#endif
