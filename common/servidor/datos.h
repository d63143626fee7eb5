/* datos.h — documentos JSON de ejemplo, deterministas: /json, /posts/{id}, /users/{nombre}.
 *
 * Imitan la forma de httpbin, JSONPlaceholder y la API de GitHub para que los ejemplos del
 * curso se parezcan a los de verdad, pero sin red. Cada función devuelve una referencia
 * nueva de jansson (o NULL si no hay memoria); las cadenas de entrada son prestadas.
 */
#ifndef SERVIDOR_DATOS_H
#define SERVIDOR_DATOS_H

#include <jansson.h>

#define DATOS_MAX_POST 100

/* El documento fijo de /json (una presentación, como el de httpbin). */
json_t *datos_presentacion(void);

/* Publicación `id` (1..DATOS_MAX_POST): userId, id, title, body. */
json_t *datos_post(long id);

/* Usuario con ese login (estilo GitHub). `base` es la URL del servidor para los enlaces
 * ("http://127.0.0.1:8080"). */
json_t *datos_usuario(const char *login, const char *base);

#endif
