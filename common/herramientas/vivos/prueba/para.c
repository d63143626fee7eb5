/* para.c — la prueba de VIVOS_CIERRE con uv_stop: la parada no cierra nada, para el bucle con
 * uv_stop (uv_run vuelve con el bucle aún vivo: un temporizador de repetición en marcha) y deja
 * los dos handles a su propia red de seguridad. Con VIVOS_CIERRE, el informe tiene que nombrar
 * los dos, con la línea donde se crearon. Imprime lo que le queda en VIVOS_CIERRE: con una
 * clave, la precarga la borra del entorno en cuanto se carga. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "parada_sin_cerrar.h"

static uv_timer_t t;
static uv_signal_t s;

int main(void)
{
    const char *clave = getenv("VIVOS_CIERRE");
    printf("VIVOS_CIERRE=%s\n", clave != NULL ? clave : "");
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    uv_timer_init(&bucle, &t); /* vivos: cierre */
    uv_timer_start(&t, vencido, 20, 20);
    uv_signal_init(&bucle, &s); /* vivos: cierre */
    uv_signal_start(&s, al_interrumpir, SIGINT);
    uv_run(&bucle, UV_RUN_DEFAULT);
    /* La red de seguridad: cierra lo que quede y vuelve a ejecutar el bucle. */
    uv_walk(&bucle, cerrar_uno, NULL);
    uv_run(&bucle, UV_RUN_DEFAULT);
    return uv_loop_close(&bucle) != 0;
}
