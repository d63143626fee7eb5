/* parada_sin_cerrar.h — lo que comparten las pruebas de VIVOS_CIERRE cuya parada no cierra sus
 * handles (para.c, otro_bucle.c, run_ajeno.c): un temporizador que se repite y, al vencer, para
 * el bucle con uv_stop dejándolo vivo; una señal que no hace nada; y la red de seguridad que
 * cierra lo que quede desde fuera de uv_run (uv_walk). Cada prueba crea sus handles en su propio
 * fuente: las líneas marcadas «vivos: cierre» son las suyas. */
#ifndef VIVOS_PARADA_SIN_CERRAR_H
#define VIVOS_PARADA_SIN_CERRAR_H

#include <uv.h>

static inline void al_interrumpir(uv_signal_t *h, int senal)
{
    (void)h;
    (void)senal;
}

static inline void vencido(uv_timer_t *h)
{
    uv_stop(h->loop); /* y el temporizador sigue en marcha: el bucle, vivo */
}

static inline void cerrar_uno(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

#endif
