/* texto.h — cadenas JSON a partir de bytes que manda el cliente (pueden no ser UTF-8).
 *
 * jansson rechaza cadenas que no son UTF-8 válido; una petición puede traer cualquier byte
 * en la ruta o en las cabeceras, así que todo texto del cliente pasa por aquí: los bytes
 * inválidos se sustituyen por U+FFFD («�»).
 *
 * Memoria: devuelve una referencia nueva de jansson (json_decref) o NULL si no hay memoria.
 */
#ifndef SERVIDOR_TEXTO_H
#define SERVIDOR_TEXTO_H

#include <jansson.h>
#include <stddef.h>

json_t *texto_json(const char *s, size_t n);

/* Atajo para cadenas terminadas en NUL. */
json_t *texto_json_c(const char *s);

/* Hash FNV-1a de 64 bits: lo usan los datos deterministas (usuarios, clima). */
unsigned long long texto_hash(const char *s);

#endif
