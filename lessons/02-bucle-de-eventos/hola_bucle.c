/* hola_bucle.c — el ciclo de vida completo de un bucle de libuv, en su forma mínima.
 *
 *   hola_bucle propio           crea su propio uv_loop_t (uv_loop_init)
 *   hola_bucle predeterminado   usa el bucle global de la biblioteca (uv_default_loop)
 *
 * En los dos casos: preparar trabajo (un temporizador de 1 s), ejecutar el bucle hasta que
 * no quede nada (uv_run) y cerrarlo comprobando que quedó vacío (uv_loop_close == 0).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/errores.h"
#include "curso/reloj.h"

static uint64_t origen_ms;

static void al_vencer(uv_timer_t *temporizador)
{
    printf("[%4.2f s] ¡Adiós desde el bucle!\n", reloj_desde(origen_ms));
    uv_close((uv_handle_t *)temporizador, NULL);
}

int main(int argc, char **argv)
{
    uv_loop_t propio;
    uv_loop_t *bucle;
    uv_timer_t temporizador;
    int r;

    if (argc != 2 || (strcmp(argv[1], "propio") != 0 && strcmp(argv[1], "predeterminado") != 0)) {
        fprintf(stderr, "uso: %s propio|predeterminado\n", argv[0]);
        return 2;
    }
    origen_ms = reloj_ms();

    /* 1. Crear (o pedir) el bucle. */
    if (strcmp(argv[1], "propio") == 0) {
        r = uv_loop_init(&propio);
        if (r < 0) {
            fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
            return 1;
        }
        bucle = &propio;
    } else {
        bucle = uv_default_loop(); /* lo crea la primera vez; NULL si no pudo iniciarlo */
        if (bucle == NULL)
            return 1;
    }

    /* 2. Darle trabajo. Sin esto, uv_run volvería al instante. */
    /* Sin comprobar a propósito: aquí no pueden fallar (sección 3). */
    uv_timer_init(bucle, &temporizador);
    uv_timer_start(&temporizador, al_vencer, 1000, 0);
    printf("[%4.2f s] ¡Hola desde el bucle %s! ¿Vivo? %s\n", reloj_desde(origen_ms), argv[1],
           uv_loop_alive(bucle) ? "sí" : "no");

    /* 3. Ejecutarlo: vuelve cuando no queda ningún handle activo ni petición en curso. */
    r = uv_run(bucle, UV_RUN_DEFAULT);
    printf("[%4.2f s] uv_run devolvió %d. ¿Vivo? %s\n", reloj_desde(origen_ms), r,
           uv_loop_alive(bucle) ? "sí" : "no");

    /* 4. Cerrarlo. 0 significa que no quedó nada abierto. */
    r = uv_loop_close(bucle);
    printf("uv_loop_close devolvió %d (%s)\n", r, r == 0 ? "cerrado limpio" : uv_err_name(r));
    return r == 0 ? 0 : 1;
}
