/* rutas.h — qué responde el servidor a cada ruta (el «enrutador»).
 *
 * rutas_atender() no toca sockets ni el tiempo: solo mira la petición y rellena la
 * respuesta (incluidas las esperas que la conexión debe respetar). Por eso se puede probar
 * y fuzzear sin red. El contexto da el estado compartido (/inestable y las
 * rutas opacas del guion, que se miran antes que las demás).
 *
 * Memoria: lo que la ruta pone en `r` es de `r` (respuesta_liberar). La petición y el origen
 * son prestados durante la llamada.
 */
#ifndef SERVIDOR_RUTAS_H
#define SERVIDOR_RUTAS_H

#include "contexto.h"
#include "peticion.h"
#include "respuesta.h"

/* Topes de tamaño: más allá, 400 con explicación. */
#define RUTAS_MAX_BYTES      (1024ull * 1024 * 1024)
#define RUTAS_MAX_CORTAR     (10ull * 1024 * 1024)
#define RUTAS_MAX_GOTEO      (10ull * 1024 * 1024)
#define RUTAS_MAX_RETRASO_S  30.0
#define RUTAS_MAX_DURACION_S 60.0

/* `origen` es la IP del cliente ("127.0.0.1"). `r` debe llegar iniciada. */
void rutas_atender(contexto_t *ctx, const peticion_t *p, const char *origen, respuesta_t *r);

#endif
