/* red_fuera.c — entrega hostil: con el propio cliente del curso, intenta hablar con un
 * servidor de fuera de su verificación (127.0.0.1:@PUERTO@, lo abre la prueba). La red de
 * cada verificación es propia: ese servidor no debe recibir nada. */
#include "curso/http.h"

#include <stdio.h>
#include <uv.h>

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *datos)
{
    (void)p;
    (void)datos;
    printf("RESPUESTA %d\n", r->estado);
}

int main(void)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    http_cliente_t *c = NULL;
    if (http_cliente_nuevo(&bucle, 4, &c) == 0) {
        for (int i = 0; i < 3; i++)
            http_pedir(c, "http://127.0.0.1:@PUERTO@/fuera", NULL, al_terminar, NULL, NULL);
        uv_run(&bucle, UV_RUN_DEFAULT);
        http_cliente_cerrar(c, NULL, NULL);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    uv_loop_close(&bucle);
    return 0;
}
