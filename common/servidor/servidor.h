/* servidor.h — el pegamento con libuv: escucha en 127.0.0.1, acepta clientes y conecta cada
 * uv_tcp_t (más su uv_timer_t) con una conexion_t (el protocolo, en conexion.h).
 *
 * Memoria: servidor_iniciar() reserva el servidor; se libera solo cuando, tras
 * servidor_cerrar(), se han cerrado la escucha y todos los clientes (entonces se llama a
 * `al_cerrado`). El contexto es prestado y debe vivir hasta ese momento.
 * Todo desde el hilo del bucle.
 */
#ifndef SERVIDOR_SERVIDOR_H
#define SERVIDOR_SERVIDOR_H

#include "contexto.h"

#include <uv.h>

typedef struct servidor_s servidor_t;

/* Escucha en 127.0.0.1:`puerto` (0 = efímero) y deja el puerto real en *puerto_real.
 * Devuelve 0 o un error negativo de libuv (p. ej. UV_EADDRINUSE); si falla, *s es NULL y
 * la escucha ya está cerrándose: basta con ejecutar el bucle para que se libere todo. */
int servidor_iniciar(uv_loop_t *bucle, contexto_t *ctx, int puerto, servidor_t **s,
                     int *puerto_real);

/* Deja de aceptar, cierra todas las conexiones (las respuestas a medias se anotan como
 * abortadas) y libera el servidor. `al_cerrado` (puede ser NULL) se llama al final, desde el
 * bucle. La segunda llamada no hace nada. */
void servidor_cerrar(servidor_t *s, void (*al_cerrado)(void *datos), void *datos);

/* Conexiones abiertas ahora mismo. */
unsigned servidor_clientes(const servidor_t *s);

#endif
