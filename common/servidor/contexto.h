/* contexto.h — estado del servidor compartido por todas las conexiones.
 *
 * Lo crea principal.c (o el arnés de fuzzing) y vive más que cualquier conexión. El
 * registro es del contexto: quien creó el contexto lo cierra al final. Solo se usa desde el
 * hilo del bucle.
 */
#ifndef SERVIDOR_CONTEXTO_H
#define SERVIDOR_CONTEXTO_H

#include "inestable.h"
#include "registro.h"

#include <stdint.h>

typedef struct {
    registro_t *registro;    /* NULL = sin registro */
    inestable_t inestable;   /* contadores de /inestable */
    uint64_t inactividad_ms; /* plazo para recibir una petición completa, y para que un
                                cliente lento acepte lo que le enviamos */
} contexto_t;

#endif
