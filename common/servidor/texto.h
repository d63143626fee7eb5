/* texto.h — cadenas JSON a partir de bytes que manda el cliente (pueden no ser UTF-8).
 *
 * jansson rechaza cadenas que no son UTF-8 válido; una petición puede traer cualquier byte
 * en la ruta o en las cabeceras, así que todo texto del cliente pasa por aquí: los bytes
 * inválidos se sustituyen por U+FFFD («�»).
 *
 * Memoria: devuelve una referencia propia de jansson (json_decref) o NULL si no hay memoria.
 */
#ifndef SERVIDOR_TEXTO_H
#define SERVIDOR_TEXTO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

json_t *texto_json(const char *s, size_t n);

/* Atajo para cadenas terminadas en NUL. */
json_t *texto_json_c(const char *s);

/* Las cifras decimales de v, sin snprintf (va en el camino de cada petición): las escribe
 * al final de cifras[TEXTO_CIFRAS] y devuelve dónde empiezan; *n recibe cuántas son. */
#define TEXTO_CIFRAS 24
const char *texto_cifras(uint64_t v, char cifras[TEXTO_CIFRAS], size_t *n);

/* Hash FNV-1a de 64 bits: lo usan los datos deterministas (usuarios, clima). */
unsigned long long texto_hash(const char *s);

/* Por qué no se pudo abrir un archivo que da el usuario (--guion, --alias), en español:
 * «no existe», «no hay permiso para leerlo», «es una carpeta» o el strerror. No es memoria
 * nueva. */
const char *texto_motivo_archivo(int e);

#endif
