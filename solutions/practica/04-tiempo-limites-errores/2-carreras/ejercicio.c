/* ejercicio.c — carreras (práctica 2 de la lección 4): una respuesta.
 *
 *   carreras LIMITE_MS OP_MS...   cada operación contra su propio límite.
 *
 * Cada operación lleva dos handles (la operación y su límite): el primero que vence decide
 * el resultado y cierra los dos. La struct se libera cuando han llegado los dos cierres:
 * hasta entonces el bucle aún tiene enlazado el otro handle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

typedef struct {
    uv_timer_t operacion;
    uv_timer_t limite;
    int numero;
    long ms;
    int cierres; /* cierres ya entregados: se libera con el segundo */
} carrera_t;

static int pendientes, bien, agotadas;

static void al_cerrar(uv_handle_t *h)
{
    carrera_t *c = h->data;

    c->cierres++;
    if (c->cierres == 2)
        free(c);
}

static void terminar(carrera_t *c)
{
    uv_close((uv_handle_t *)&c->operacion, al_cerrar);
    uv_close((uv_handle_t *)&c->limite, al_cerrar);
    pendientes--;
    if (pendientes == 0)
        printf("resumen: %d bien, %d agotadas\n", bien, agotadas);
}

static void al_terminar_operacion(uv_timer_t *t)
{
    carrera_t *c = CONTENEDOR_DE(t, carrera_t, operacion);

    printf("op %d: bien (%ld ms)\n", c->numero, c->ms);
    bien++;
    terminar(c);
}

static void al_vencer_limite(uv_timer_t *t)
{
    carrera_t *c = CONTENEDOR_DE(t, carrera_t, limite);

    printf("op %d: tiempo agotado\n", c->numero);
    agotadas++;
    terminar(c);
}

static int leer_ms(const char *texto, long *ms)
{
    char *fin;

    errno = 0;
    *ms = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *ms >= 0 && *ms <= 60000 ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    long limite;
    int r;

    if (argc < 3 || leer_ms(argv[1], &limite) < 0) {
        fprintf(stderr, "uso: %s LIMITE_MS OP_MS...\n", argv[0]);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        carrera_t *c;
        long ms;

        if (leer_ms(argv[i], &ms) < 0) {
            fprintf(stderr, "duración no válida: %s\n", argv[i]);
            break;
        }
        c = calloc(1, sizeof *c);
        if (c == NULL) {
            fprintf(stderr, "sin memoria\n");
            break;
        }
        c->numero = i - 1;
        c->ms = ms;
        /* Con una callback no NULL, uv_timer_init y uv_timer_start no fallan (lección 2, §3). */
        uv_timer_init(&bucle, &c->operacion);
        uv_timer_init(&bucle, &c->limite);
        c->operacion.data = c;
        c->limite.data = c;
        uv_timer_start(&c->operacion, al_terminar_operacion, (uint64_t)ms, 0);
        uv_timer_start(&c->limite, al_vencer_limite, (uint64_t)limite, 0);
        pendientes++;
    }
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
