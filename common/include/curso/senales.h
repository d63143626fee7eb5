/* senales.h — parada limpia con Ctrl+C (SIGINT) y SIGTERM sobre uv_signal.
 *
 * Un programa asíncrono no debe morir a medias: al recibir la señal se llama una vez a
 * `al_parar`, que cancela lo que esté en curso y cierra sus handles; el bucle termina solo
 * cuando ya no queda nada. Mientras los handles sigan abiertos, una segunda señal se ignora
 * y la tercera sale con _exit(130) (la escotilla de emergencia habitual); después de
 * senales_cerrar() cada señal recupera su acción por omisión.
 *
 * Memoria: `senales_t` la aporta el llamador (en la pila de main o dentro de su estado) y
 * debe vivir hasta que termine el cierre pedido con senales_cerrar().
 */
#ifndef CURSO_SENALES_H
#define CURSO_SENALES_H

#include <uv.h>

typedef struct senales_s senales_t;
typedef void (*senales_cb)(senales_t *s, int signum, void *datos);

struct senales_s {
    uv_signal_t sigint;
    uv_signal_t sigterm;
    senales_cb al_parar;
    void *datos;
    int recibidas;
    int cerrando;
};

/* Empieza a escuchar SIGINT y SIGTERM. Los handles no mantienen vivo el bucle (uv_unref):
 * un programa que ya terminó su trabajo sale aunque nadie pulse Ctrl+C.
 * Devuelve 0 o un código de error negativo de libuv (y entonces no queda nada abierto). */
int senales_iniciar(uv_loop_t *bucle, senales_t *s, senales_cb al_parar, void *datos);

/* Deja de escuchar y cierra los dos handles (idempotente). */
void senales_cerrar(senales_t *s);

#endif
