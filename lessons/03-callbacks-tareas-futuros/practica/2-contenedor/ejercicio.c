/* ejercicio.c — del handle a su tarea con CONTENEDOR_DE (práctica 2 de la lección 3).
 *
 *   saludos NOMBRE...    saluda a cada nombre a los 100·i ms.
 *
 * Tal como está, las callbacks no saben a quién saludan y nada se libera. Tu trabajo:
 * recuperar el saludo_t con CONTENEDOR_DE en las dos callbacks (ver README.md).
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
    (void)h; /* TODO: recupera el saludo_t y libéralo */
}

static void al_vencer(uv_timer_t *t)
{
    /* TODO: recupera el saludo_t con CONTENEDOR_DE */
    printf("hola, ? (saludo ?)\n");
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
    /* TODO: rechaza los nombres de más de 31 bytes antes de lanzar nada. */
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
