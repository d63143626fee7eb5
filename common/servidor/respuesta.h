/* respuesta.h — la respuesta que produce una ruta y cómo se serializa.
 *
 * Una ruta no escribe en el socket: rellena un respuesta_t (estado, tipo, de dónde sale el
 * cuerpo, si hay que esperar antes o gotear el cuerpo poco a poco) y la conexión se ocupa
 * del ritmo y de la contrapresión. El cuerpo sale de una «fuente»:
 *   - MEMORIA: texto ya construido (JSON, texto) — respuestas pequeñas;
 *   - BYTES:   bytes deterministas de una semilla (bytes.h), de cualquier tamaño;
 *   - IMAGEN:  un archivo PPM/BMP generado por posición (imagen.h);
 *   - GOTEO:   asteriscos '*' (para /drip).
 * Las tres últimas no ocupan memoria: se generan por trozos al enviar.
 *
 * Memoria: el `cuerpo` de una respuesta en MEMORIA es de la respuesta (malloc) hasta
 * respuesta_liberar(); `prestado` (respuesta_prestada) no es suyo y debe vivir más que ella
 * (un texto estático). `tipo` y `cabeceras_extra` son cadenas estáticas o copiadas dentro.
 */
#ifndef SERVIDOR_RESPUESTA_H
#define SERVIDOR_RESPUESTA_H

#include "imagen.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { FUENTE_MEMORIA = 0, FUENTE_BYTES, FUENTE_IMAGEN, FUENTE_GOTEO } respuesta_fuente_t;

typedef struct {
    int estado;
    const char *tipo; /* Content-Type (estática) */
    respuesta_fuente_t fuente;
    char *cuerpo;         /* FUENTE_MEMORIA */
    const char *prestado; /* FUENTE_MEMORIA sin copia (respuesta_prestada) */
    uint64_t longitud;    /* bytes de cuerpo que se enviarán */
    uint64_t anunciada;   /* Content-Length anunciado (> longitud solo en /cortar) */
    int troceado;         /* Transfer-Encoding: chunked (sin Content-Length) */
    size_t tam_trozo;     /* tamaño de cada trozo chunked (0 = el de la conexión) */
    int sin_cuerpo;       /* 1xx, 204, 304: ni cuerpo ni Content-Length */
    int cerrar;           /* Connection: close y cerrar tras enviar */
    uint64_t espera_ms;   /* esperar antes de enviar la cabecera (/delay, /drip?delay=) */
    uint64_t goteo_ms;    /* > 0: repartir el cuerpo a lo largo de este tiempo */
    uint64_t callar_ms;   /* > 0: tras `callar_tras` bytes de cuerpo, callar este rato
                             (sin cerrar) y seguir: /bytes?callar= */
    uint64_t callar_tras;
    uint64_t semilla;          /* FUENTE_BYTES */
    uint64_t desde;            /* FUENTE_BYTES: posición de la secuencia del primer byte del
                                  cuerpo (> 0 en un 206 de /bytes con Range) */
    imagen_t imagen;           /* FUENTE_IMAGEN */
    char cabeceras_extra[256]; /* líneas "Nombre: valor\r\n" adicionales */
} respuesta_t;

/* Deja la respuesta vacía (200, sin cuerpo). */
void respuesta_iniciar(respuesta_t *r);
void respuesta_liberar(respuesta_t *r);

/* Respuestas en memoria. Si falta memoria quedan como 500 sin cuerpo. `texto` se copia. */
void respuesta_texto(respuesta_t *r, int estado, const char *texto);
/* Toma la referencia de `json` (json_decref incluido). Se serializa con sangría. */
void respuesta_json(respuesta_t *r, int estado, json_t *json);
/* Cuerpo en MEMORIA que no se copia ni se libera: `texto` (de `n` bytes) debe vivir más que
 * la respuesta. Para documentos fijos que se sirven una y otra vez. */
void respuesta_prestada(respuesta_t *r, int estado, const char *tipo, const char *texto, size_t n);
/* {"error": mensaje, "estado": estado} */
void respuesta_error(respuesta_t *r, int estado, const char *mensaje);

/* Frase estándar del código («Not Found»), o "Unknown" si no es uno conocido. */
const char *respuesta_frase(int estado);

/* Escribe la cabecera HTTP en `destino`. `mantener_10` añade «Connection: keep-alive»
 * (cliente HTTP/1.0 que pidió keep-alive). Devuelve su longitud, o 0 si no cabe. */
size_t respuesta_cabeza(const respuesta_t *r, int mantener_10, char *destino, size_t tam);

/* Bytes [desde, desde + n) del cuerpo, de la fuente que toque. */
void respuesta_leer(const respuesta_t *r, uint64_t desde, char *destino, size_t n);

#endif
