/* ejercicio.c — un error «dentro de libuv» que es tuyo (práctica 4 de la lección 11).
 *
 *   conexiones N    abre N «conexiones» simuladas (de 1 a 50); la i-ésima termina a los
 *                   10·i ms, y el programa acaba cuando terminan todas.
 *
 * Tal como está, funciona y su salida es la correcta. Pero valgrind (y AddressSanitizer)
 * encuentran dos errores de memoria. Tu trabajo: leer sus informes y arreglarlos (ver
 * README.md). Todo el archivo es tuyo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"

typedef struct {
    uv_timer_t temporizador;
    char *nombre; /* propio: strdup */
} conexion_t;

static int abiertas;

static void al_terminar(uv_timer_t *t)
{
    conexion_t *c = t->data;
    printf("%s terminada\n", c->nombre);
    uv_close((uv_handle_t *)t, NULL);
    free(c);
    if (--abiertas == 0)
        printf("todas terminadas\n");
}

static int abrir(uv_loop_t *bucle, int i)
{
    char nombre[32];
    conexion_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return UV_ENOMEM;
    snprintf(nombre, sizeof nombre, "conexión %d", i);
    c->nombre = strdup(nombre);
    uv_timer_init(bucle, &c->temporizador);
    c->temporizador.data = c;
    uv_timer_start(&c->temporizador, al_terminar, (uint64_t)(10 * i), 0);
    abiertas++;
    return 0;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    char *fin = NULL;
    long n = argc == 2 ? strtol(argv[1], &fin, 10) : 0;

    if (argc != 2 || fin == argv[1] || *fin != '\0' || n < 1 || n > 50) {
        fprintf(stderr, "uso: %s N   (N conexiones, de 1 a 50)\n", argv[0]);
        return 2;
    }
    if (uv_loop_init(&bucle) < 0)
        return 1;
    for (int i = 1; i <= n; i++) {
        int r = abrir(&bucle, i);
        if (r < 0) {
            fprintf(stderr, "conexión %d: %s\n", i, uv_strerror(r));
            break;
        }
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    return bucle_terminar(&bucle) != 0 ? 1 : 0;
}
