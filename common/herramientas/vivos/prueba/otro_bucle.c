/* otro_bucle.c — la prueba de VIVOS_CIERRE al salir: la parada no cierra nada y para el
 * bucle con uv_stop (uv_run vuelve con el bucle aún vivo); después corre uv_run en otro bucle,
 * vacío, que sí se queda sin nada vivo y pasa la revisión, y sale sin cerrar el primero. Con
 * VIVOS_CIERRE, el informe tiene que nombrar al salir los dos handles del primero, con la
 * línea donde se crearon (hostiles/chat_otro_bucle.patch, en el laboratorio 09). */
#include <signal.h>
#include <uv.h>

#include "parada_sin_cerrar.h"

static uv_timer_t t;
static uv_signal_t s;

int main(void)
{
    static uv_loop_t bucle, vacio;
    uv_loop_init(&bucle);
    uv_timer_init(&bucle, &t); /* vivos: cierre */
    uv_timer_start(&t, vencido, 20, 20);
    uv_signal_init(&bucle, &s); /* vivos: cierre */
    uv_signal_start(&s, al_interrumpir, SIGINT);
    uv_run(&bucle, UV_RUN_DEFAULT);
    uv_loop_init(&vacio);
    uv_run(&vacio, UV_RUN_DEFAULT);
    uv_loop_close(&vacio);
    return 0;
}
