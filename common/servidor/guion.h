/* guion.h — rutas opacas con un guion de respuestas (servidor-practica --guion ARCHIVO).
 *
 * Un calificador que quiere que el estado de una URL no se pueda adivinar por su texto
 * («/status/503» lo dice todo) define rutas sin significado («/v/3f9a…») y escribe en un
 * archivo JSON qué responde cada una, petición a petición:
 *
 *   {
 *     "/v/3f9a0c": {"pasos": [{"estado": 503, "veces": 4}], "despues": {"estado": 200}},
 *     "/v/77be41": {"pasos": [{"estado": 200, "retraso_ms": 600}]},
 *     "/v/d00d01": {"despues": {"estado": 503}}
 *   }
 *
 * - "pasos": lista de pasos que se recorren en orden; cada uno sirve "veces" peticiones
 *   (1 por omisión, hasta 1000000) con "estado" (100–599, obligatorio) tras "retraso_ms"
 *   (0 por omisión, hasta 30000).
 * - "despues": el paso (sin "veces") que se repite para siempre al acabar la lista; si falta,
 *   se repite el último paso de la lista. Tiene que haber "pasos", "despues" o los dos.
 * - La ruta empieza por '/', no lleva consulta ('?', '#'), espacios ni caracteres de control,
 *   y tiene como mucho GUION_MAX_RUTA - 1 bytes. Se compara con la ruta de la petición sin
 *   su consulta. Como mucho GUION_MAX_RUTAS rutas y GUION_MAX_PASOS pasos por ruta.
 *   Cualquier otra clave es un error (una errata no debe pasar inadvertida).
 *
 * Las peticiones a una misma ruta toman los pasos en el orden en que llegan completas (el
 * servidor tiene un solo hilo), también cuando van a la vez. El guion no se ve nunca por
 * HTTP: ni GET / lo lista ni la respuesta lo repite. Una ruta opaca que no está en el guion
 * cae en el 404 de siempre.
 *
 * Memoria: guion_cargar() deja en *g un guion_t que es del llamador hasta guion_liberar().
 * guion_siguiente() no reserva nada. Solo se usa desde el hilo del bucle.
 */
#ifndef SERVIDOR_GUION_H
#define SERVIDOR_GUION_H

#include <stddef.h>
#include <stdint.h>

#define GUION_MAX_RUTAS      256
#define GUION_MAX_PASOS      64
#define GUION_MAX_RUTA       256
#define GUION_MAX_VECES      1000000
#define GUION_MAX_RETRASO_MS 30000

typedef struct guion_s guion_t;

typedef struct {
    int estado;
    uint64_t retraso_ms;
} guion_paso_t;

/* Lee y valida `archivo`. Devuelve 0 y deja el guion en *g, o -1 con *g = NULL y una
 * explicación en español en `error` (tamaño `tam`), p. ej. «"/v/1": "estado" tiene que
 * ser un entero entre 100 y 599». */
int guion_cargar(const char *archivo, guion_t **g, char *error, size_t tam);

/* Si `ruta` (sin consulta) está en el guion, deja en *paso lo que toca responder a esta
 * petición, avanza su secuencia y devuelve 1. Si no está (o g es NULL), devuelve 0. */
int guion_siguiente(guion_t *g, const char *ruta, guion_paso_t *paso);

/* Número de rutas del guion (0 si g es NULL). */
int guion_rutas(const guion_t *g);

/* Libera el guion. NULL no hace nada. */
void guion_liberar(guion_t *g);

#endif
