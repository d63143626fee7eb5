/* ejercicio.c — del handle a su tarea con CONTENEDOR_DE (práctica 2 de la lección 3):
 * una respuesta.
 *
 *   saludos NOMBRE...    saluda a cada nombre a los 100·i ms.
 *
 * Las callbacks reciben el handle, que está en medio de saludo_t: CONTENEDOR_DE resta su
 * posición y da la struct entera. La de cierre la libera: es el último uso del handle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

typedef struct {
    char nombre[32];
    int numero;
    uv_timer_t temporizador; /* a propósito, no es el primer miembro */
} saludo_t;

static void al_cerrar(uv_handle_t *h)
{
    saludo_t *s = CONTENEDOR_DE((uv_timer_t *)h, saludo_t, temporizador);

    free(s);
}

static void al_vencer(uv_timer_t *t)
{
    saludo_t *s = CONTENEDOR_DE(t, saludo_t, temporizador);

    printf("hola, %s (saludo %d)\n", s->nombre, s->numero);
    uv_close((uv_handle_t *)t, al_cerrar);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    int r;

    if (argc < 2) {
        fprintf(stderr, "uso: %s NOMBRE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (strlen(argv[i]) >= sizeof((saludo_t *)0)->nombre) {
            fprintf(stderr, "nombre demasiado largo: %s\n", argv[i]);
            return 2;
        }
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        saludo_t *s = malloc(sizeof *s);

        if (s == NULL) {
            fprintf(stderr, "sin memoria\n");
            return 1;
        }
        snprintf(s->nombre, sizeof s->nombre, "%s", argv[i]);
        s->numero = i;
        uv_timer_init(&bucle, &s->temporizador); /* no falla: lección 2, §3 */
        uv_timer_start(&s->temporizador, al_vencer, (uint64_t)(100 * i), 0);
    }
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
