/* contexto.h — estado del servidor compartido por todas las conexiones.
 *
 * Lo crea principal.c (o el arnés de fuzzing) y vive más que cualquier conexión. El
 * registro, el guion y los alias son del contexto: quien creó el contexto los cierra y libera al
 * final. Solo se usa desde el hilo del bucle.
 */
#ifndef SERVIDOR_CONTEXTO_H
#define SERVIDOR_CONTEXTO_H

#include "alias.h"
#include "guion.h"
#include "inestable.h"
#include "registro.h"

#include <stdint.h>

typedef struct {
    registro_t *registro;    /* NULL = sin registro */
    inestable_t inestable;   /* contadores de /inestable */
    guion_t *guion;          /* rutas opacas (--guion); NULL = ninguna */
    alias_t *alias;          /* alias «/c/FICHA» (--alias); NULL = ninguno */
    uint64_t inactividad_ms; /* plazo para recibir una petición completa, y para que un
                                cliente lento acepte lo que le enviamos */
} contexto_t;

#endif
