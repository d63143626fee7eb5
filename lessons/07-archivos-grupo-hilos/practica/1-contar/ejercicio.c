/* ejercicio.c — contar un archivo a trozos (práctica 1 de la lección 7).
 *
 *   contar ARCHIVO    bytes y saltos de línea, leídos en trozos de 16 bytes con uv_fs_*.
 *
 * Tal como está, abre el archivo y no hace nada más. Tu trabajo: la cadena de lecturas, el
 * cierre y la línea final (ver README.md).
 */
#include <fcntl.h>
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

static uv_fs_t req;
static uv_file fd;
static char trozo[16];
static const char *nombre;
static long bytes, saltos;
static int estado_salida;

/* TODO: al_leer (cuenta, lanza la siguiente lectura; con 0, cierra) y al_cerrar (imprime). */

static void al_abrir(uv_fs_t *r)
{
    uv_buf_t buf = uv_buf_init(trozo, sizeof trozo);

    fd = (uv_file)r->result;
    uv_fs_req_cleanup(r);
    if (fd < 0) {
        fprintf(stderr, "no puedo abrir %s: %s\n", nombre, error_texto(fd));
        estado_salida = 1;
        return;
    }
    /* TODO: la primera lectura */
    (void)buf;
    (void)bytes;
    (void)saltos;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    int r;

    if (argc != 2) {
        fprintf(stderr, "uso: %s ARCHIVO\n", argv[0]);
        return 2;
    }
    nombre = argv[1];
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    r = uv_fs_open(&bucle, &req, nombre, O_RDONLY, 0, al_abrir);
    if (r < 0) { /* fallo síncrono: al_abrir no se llamará */
        fprintf(stderr, "no puedo abrir %s: %s\n", nombre, error_texto(r));
        uv_fs_req_cleanup(&req);
        estado_salida = 1;
    }
    if (bucle_terminar(&bucle) != 0)
        return 1;
    return estado_salida;
}
