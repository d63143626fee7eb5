/* huella.h — SHA-256 (FIPS 180-4) por trozos y su forma en base64: la huella con la que un
 * gestor de descargas comprueba que el archivo es el que el servidor quería mandar
 * (cabecera «Repr-Digest: sha-256=:<base64>:», RFC 9530).
 *
 * Por trozos: se añade lo que se vaya teniendo (un archivo de 200 MiB no cabe entero en
 * memoria ni hace falta). No es para criptografía de verdad (no es de tiempo constante):
 * sirve para detectar un archivo corrupto o incompleto, no para secretos.
 *
 * Memoria: huella_t la aporta el llamador (en la pila vale) y no reserva nada.
 */
#ifndef CURSO_HUELLA_H
#define CURSO_HUELLA_H

#include <stddef.h>
#include <stdint.h>

#define HUELLA_BYTES  32 /* tamaño del resumen SHA-256 */
#define HUELLA_BASE64 45 /* 44 caracteres de base64 y el NUL */

typedef struct {
    uint32_t h[8];
    uint64_t bytes;              /* añadidos en total */
    unsigned char pendiente[64]; /* bloque a medias */
    size_t usados;
} huella_t;

void huella_iniciar(huella_t *h);
void huella_anadir(huella_t *h, const void *datos, size_t n);
/* Termina y deja el resumen en `resumen`. Después `h` ya no sirve (huella_iniciar de nuevo). */
void huella_terminar(huella_t *h, unsigned char resumen[HUELLA_BYTES]);
/* El resumen en base64 estándar con relleno («47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=»
 * es la huella de 0 bytes), como va entre los dos puntos de Repr-Digest. */
void huella_base64(const unsigned char resumen[HUELLA_BYTES], char salida[HUELLA_BASE64]);

#endif
