/* unix_fuera.c — entrega hostil: con libuv (uv_pipe_connect, nada que el análisis de medios
 * prohíba en el 07), se conecta a un socket AF_UNIX con nombre de fuera de su carpeta
 * (@UNIX@, lo abre la prueba), como haría con docker.sock, el PostgreSQL de la máquina o el
 * canal de Criterion del calificador (ipc://…/criterion_<pid>.sock), y escribe una marca. El
 * filtro de la caja solo deja abrir AF_UNIX al laboratorio que lo pide en su lab.json (el 12,
 * para libpq): aquí socket() falla y el oyente no recibe nada. */
#include "curso/http.h"

#include <stdio.h>
#include <uv.h>

static uv_buf_t marca;

static void al_escribir(uv_write_t *w, int estado)
{
    printf("ESCRITO %d\n", estado);
    uv_close((uv_handle_t *)w->handle, NULL);
}

static void al_conectar(uv_connect_t *c, int estado)
{
    static uv_write_t w;
    printf("CONECTADO %d\n", estado);
    if (estado < 0 || uv_write(&w, c->handle, &marca, 1, al_escribir) < 0)
        uv_close((uv_handle_t *)c->handle, NULL);
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *datos)
{
    (void)p;
    (void)r;
    (void)datos;
}

int main(void)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    marca = uv_buf_init("INTRUSO unix_fuera\n", 19);
    static uv_pipe_t tubos[3];
    static uv_connect_t conexiones[3];
    for (int i = 0; i < 3; i++) {
        uv_pipe_init(&bucle, &tubos[i], 0);
        uv_pipe_connect(&conexiones[i], &tubos[i], "@UNIX@", al_conectar);
    }
    /* Lo que el 07 pide ver (http_pedir), hacia ninguna parte. */
    http_cliente_t *c = NULL;
    if (http_cliente_nuevo(&bucle, 1, &c) == 0) {
        http_pedir(c, "http://127.0.0.1:9/nada", NULL, al_terminar, NULL, NULL);
        uv_run(&bucle, UV_RUN_DEFAULT);
        http_cliente_cerrar(c, NULL, NULL);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    uv_loop_close(&bucle);
    return 0;
}
