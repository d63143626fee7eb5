/* nunca_esperado.c — los tres «nunca esperado» de C, y cómo los delata uv_loop_close().
 *
 * Una operación que se prepara y nadie lleva a término no da ningún aviso en C: simplemente
 * no ocurre, o queda a medias. Tres
 * escenarios, cada uno con su propio bucle y un temporizador que debería decir «hola»:
 *   1. nunca arrancada: uv_timer_init sin uv_timer_start;
 *   2. nunca ejecutada: arrancada, pero nadie llama a uv_run;
 *   3. nunca cerrada: ejecutada, pero la callback no llama a uv_close.
 * En los tres, uv_loop_close() devuelve UV_EBUSY y bucle_listar() enseña el handle. Después
 * se repara con bucle_cerrar() para que el programa termine limpio. El 4.º lo hace bien.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"

static void saludar(uv_timer_t *t)
{
    printf("   callback: ¡hola!\n");
    if (t->data != NULL) /* ->data no nulo = «esta vez sí cierro» */
        uv_close((uv_handle_t *)t, NULL);
}

/* Cierra el bucle y, si no puede, enseña qué quedó vivo y lo repara. Devuelve el
 * resultado final (0 = cerrado). */
static int diagnosticar(uv_loop_t *bucle)
{
    int r = uv_loop_close(bucle);

    if (r == 0) {
        printf("   uv_loop_close: 0, todo en orden\n");
        return 0;
    }
    printf("   uv_loop_close: %s; sigue vivo:\n", uv_err_name(r));
    bucle_listar(bucle, stdout);
    /* Reparación: cerrar lo que quede, entregar los cierres y volver a intentarlo. */
    r = bucle_cerrar(bucle, 0);
    printf("   reparado con bucle_cerrar: %d\n", r);
    return r;
}

/* Un bucle nuevo con un temporizador inicializado (sin arrancar). */
static int preparar(uv_loop_t *bucle, uv_timer_t *temporizador, void *data)
{
    int r = uv_loop_init(bucle);
    if (r == 0) {
        r = uv_timer_init(bucle, temporizador);
        temporizador->data = data;
    }
    return r;
}

int main(void)
{
    uv_loop_t bucle;
    uv_timer_t temporizador;
    static int cerrar = 1;
    int fallos = 0;

    printf("1) nunca arrancada\n");
    if (preparar(&bucle, &temporizador, NULL) != 0)
        return 1;
    /* falta: uv_timer_start(&temporizador, saludar, 100, 0); */
    uv_run(&bucle, UV_RUN_DEFAULT);
    fallos += diagnosticar(&bucle) != 0;

    printf("2) nunca ejecutada\n");
    if (preparar(&bucle, &temporizador, NULL) != 0)
        return 1;
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_start(&temporizador, saludar, 100, 0);
    /* falta: uv_run(&bucle, UV_RUN_DEFAULT); */
    fallos += diagnosticar(&bucle) != 0;

    printf("3) nunca cerrada\n");
    if (preparar(&bucle, &temporizador, NULL) != 0) /* NULL: la callback no cerrará */
        return 1;
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_start(&temporizador, saludar, 100, 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    fallos += diagnosticar(&bucle) != 0;

    printf("4) bien hecho\n");
    if (preparar(&bucle, &temporizador, &cerrar) != 0)
        return 1;
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_start(&temporizador, saludar, 100, 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    fallos += diagnosticar(&bucle) != 0;
    return fallos == 0 ? 0 : 1;
}
