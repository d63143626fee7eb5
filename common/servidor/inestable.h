/* inestable.h — contadores por identificador para /inestable?id=&fallos=N.
 *
 * Tabla fija y pequeña (INESTABLE_ENTRADAS): cuando se llena se reutiliza la entrada usada
 * hace más tiempo, así que un cliente que invente ids sin fin no hace crecer la memoria.
 * inestable_t es un valor; el llamador lo aloja (dentro del contexto del servidor).
 */
#ifndef SERVIDOR_INESTABLE_H
#define SERVIDOR_INESTABLE_H

#include <stdint.h>

#define INESTABLE_ENTRADAS 256
#define INESTABLE_MAX_ID   64

typedef struct {
    struct {
        char id[INESTABLE_MAX_ID];
        unsigned intentos;
        uint64_t uso;
    } entradas[INESTABLE_ENTRADAS];
    uint64_t reloj; /* contador de usos, no tiempo real */
} inestable_t;

void inestable_iniciar(inestable_t *t);

/* Anota un intento más para `id` y devuelve cuántos lleva contando este (1, 2, …). Los ids
 * de más de INESTABLE_MAX_ID - 1 bytes se recortan. */
unsigned inestable_intento(inestable_t *t, const char *id);

#endif
