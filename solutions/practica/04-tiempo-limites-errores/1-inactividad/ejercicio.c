/* ejercicio.c — un vigilante de inactividad (práctica 1 de la lección 4): una respuesta.
 *
 *   inactividad LIMITE_MS PAUSA...   eventos separados por esas pausas; se para si pasan
 *                                    LIMITE_MS sin ninguno.
 *
 * El vigilante se arranca con repetición LIMITE_MS y cada evento lo reprograma con
 * uv_timer_again(): vuelve a contar desde cero sin pararlo ni arrancarlo otra vez.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_EVENTOS 16

static uv_timer_t eventos;
static uv_timer_t vigilante;
static long pausas[MAX_EVENTOS];
static int n_pausas, siguiente;

static void cerrar_todo(void)
{
    uv_close((uv_handle_t *)&eventos, NULL);
    uv_close((uv_handle_t *)&vigilante, NULL);
}

static void al_inactivo(uv_timer_t *t)
{
    (void)t;
    printf("inactivo: paro\n");
    cerrar_todo();
}

static void al_evento(uv_timer_t *t)
{
    siguiente++;
    printf("evento %d\n", siguiente);
    uv_timer_again(&vigilante); /* arrancado en main(): no falla */
    if (siguiente == n_pausas) {
        printf("todos los eventos\n");
        cerrar_todo();
        return;
    }
    uv_timer_start(t, al_evento, (uint64_t)pausas[siguiente], 0);
}

static int leer_ms(const char *texto, long *ms)
{
    char *fin;

    errno = 0;
    *ms = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *ms > 0 && *ms <= 60000 ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    long limite;
    int r;

    n_pausas = argc - 2;
    if (argc < 3 || n_pausas > MAX_EVENTOS || leer_ms(argv[1], &limite) < 0) {
        fprintf(stderr, "uso: %s LIMITE_MS PAUSA... (de 1 a %d pausas)\n", argv[0], MAX_EVENTOS);
        return 2;
    }
    for (int i = 0; i < n_pausas; i++) {
        if (leer_ms(argv[i + 2], &pausas[i]) < 0) {
            fprintf(stderr, "pausa no válida: %s\n", argv[i + 2]);
            return 2;
        }
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    /* Con una callback no NULL, uv_timer_init y uv_timer_start no fallan (lección 2, §3). */
    uv_timer_init(&bucle, &eventos);
    uv_timer_start(&eventos, al_evento, (uint64_t)pausas[0], 0);
    uv_timer_init(&bucle, &vigilante);
    uv_timer_start(&vigilante, al_inactivo, (uint64_t)limite, (uint64_t)limite);
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
