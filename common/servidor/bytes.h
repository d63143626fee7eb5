/* bytes.h — bytes pseudoaleatorios deterministas para /bytes, /stream-bytes y /cortar.
 *
 * El byte de la posición i depende solo de (semilla, i): se pueden generar por trozos, en
 * cualquier orden, sin guardar el cuerpo entero en memoria. La misma semilla da siempre los
 * mismos bytes (las pruebas lo comprueban). No reserva memoria.
 */
#ifndef SERVIDOR_BYTES_H
#define SERVIDOR_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* Escribe en `destino` los bytes [desde, desde + n) de la secuencia de `semilla`. */
void bytes_generar(uint64_t semilla, uint64_t desde, unsigned char *destino, size_t n);

#endif
