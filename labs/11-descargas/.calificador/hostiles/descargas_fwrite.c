/* descargas_fwrite.c — entrega hostil del laboratorio 11: baja con el cliente del curso, pero
 * guarda cada cuerpo con fopen/fwrite y rename, que esperan al disco en el hilo del bucle.
 * Los archivos saldrían bien, pero no es lo que enseña el laboratorio: el ejecutor la rechaza
 * por sus símbolos (archivos_bloqueantes). */
#include "curso/http.h"
#include "curso/practica.h"

#include <stdio.h>
#include <string.h>
#include <uv.h>

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    (void)p;
    const char *nombre = usuario;
    if (r->error == 0 && r->cuerpo != NULL) {
        FILE *f = fopen("descarga.parte", "wb");
        if (f != NULL) {
            fwrite(r->cuerpo, 1, r->longitud, f);
            fclose(f);
            rename("descarga.parte", nombre);
            printf("OK %s %zu 0.00 s 0.0\n", nombre, r->longitud);
        }
    }
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    http_cliente_t *c;
    char url[512];
    uv_loop_init(&bucle);
    http_cliente_nuevo(&bucle, 0, &c);
    for (int i = 1; i < argc; i++) {
        snprintf(url, sizeof url, "%s%s", practica_url(), argv[i]);
        http_pedir(c, url, NULL, al_terminar, argv[i], NULL);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    uv_run(&bucle, UV_RUN_DEFAULT);
    return uv_loop_close(&bucle);
}
