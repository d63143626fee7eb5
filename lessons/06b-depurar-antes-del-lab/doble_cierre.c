/* doble_cierre.c — el síntoma «Assertion `!uv__is_closing(handle)' failed»: cerrar dos veces.
 *
 *   doble_cierre        cierra el mismo temporizador dos veces: libuv aborta (código de salida 134)
 *   doble_cierre bien   la segunda vez mira antes uv_is_closing() y no cierra
 *
 * libuv comprueba con assert() que nadie cierra un handle que ya se está cerrando: es casi
 * siempre el síntoma de dos caminos (un error y un final normal, dos callbacks) que creen
 * ser el dueño del cierre.
 */
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

static uv_timer_t temporizador;
static int bien;

static void cerrar(const char *quien)
{
    if (bien && uv_is_closing((uv_handle_t *)&temporizador)) {
        printf("%s: ya se está cerrando, no hago nada\n", quien);
        return;
    }
    printf("%s: cierro el temporizador\n", quien);
    uv_close((uv_handle_t *)&temporizador, NULL);
}

/* Dos dueños del mismo cierre: la callback (final normal) y main (por si acaso). */
static void al_vencer(uv_timer_t *t)
{
    (void)t;
    cerrar("la callback");
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    int r;

    bien = argc > 1 && strcmp(argv[1], "bien") == 0;
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    uv_timer_init(&bucle, &temporizador); /* no falla: lección 2, §3 */
    uv_timer_start(&temporizador, al_vencer, 10, 0);
    uv_run(&bucle, UV_RUN_ONCE); /* vence y la callback pide el cierre */
    cerrar("main");
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
