/* ejercicio.c — tamaños de una carpeta (práctica 2 de la lección 7).
 *
 *   tamanos CARPETA    lista cada entrada con su tamaño y el total, con uv_fs_scandir y un
 *                      uv_fs_stat por entrada, todos a la vez.
 *
 * Tal como está, lista la carpeta y no consulta ninguna entrada. Tu trabajo: un uv_fs_stat
 * por entrada, todos a la vez, su callback y el total (ver README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

typedef struct {
    uv_fs_t req;
    char ruta[]; /* CARPETA/nombre */
} consulta_t;

static const char *carpeta;
static int pendientes, archivos, estado_salida;
static long total;

/* TODO: al_consultar (imprime «nombre: N bytes», suma, limpia y libera la consulta; cuando
 * vuelve la última, el total). */

static void al_listar(uv_fs_t *r)
{
    uv_dirent_t ent;

    if (r->result < 0) {
        fprintf(stderr, "no puedo listar %s: %s\n", carpeta, error_texto((int)r->result));
        estado_salida = 1;
        uv_fs_req_cleanup(r);
        return;
    }
    while (uv_fs_scandir_next(r, &ent) != UV_EOF) {
        /* TODO: una consulta_t del montón con la ruta CARPETA/nombre y su uv_fs_stat */
        (void)ent;
    }
    uv_fs_req_cleanup(r); /* libera la lista de nombres: ent.name ya no vale */
    if (pendientes == 0)
        printf("total: 0 entradas, 0 bytes\n");
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    uv_fs_t listar;
    int r;

    if (argc != 2) {
        fprintf(stderr, "uso: %s CARPETA\n", argv[0]);
        return 2;
    }
    carpeta = argv[1];
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    r = uv_fs_scandir(&bucle, &listar, carpeta, 0, al_listar);
    if (r < 0) { /* fallo síncrono: al_listar no se llamará */
        fprintf(stderr, "no puedo listar %s: %s\n", carpeta, error_texto(r));
        uv_fs_req_cleanup(&listar);
        estado_salida = 1;
    }
    if (bucle_terminar(&bucle) != 0)
        return 1;
    return estado_salida;
}
