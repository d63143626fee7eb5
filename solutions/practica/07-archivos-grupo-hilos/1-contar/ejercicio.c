/* ejercicio.c — contar un archivo a trozos (práctica 1 de la lección 7): una respuesta.
 *
 *   contar ARCHIVO    bytes y saltos de línea, leídos en trozos de 16 bytes con uv_fs_*.
 *
 * Una sola petición uv_fs_t, reutilizada: abrir → leer → … → leer (0: final) → cerrar. Cada
 * callback limpia la petición (uv_fs_req_cleanup) antes de lanzar la siguiente operación.
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

static void al_cerrar(uv_fs_t *r)
{
    uv_fs_req_cleanup(r);
    printf("%s: %ld bytes, %ld saltos de línea\n", nombre, bytes, saltos);
}

static void al_leer(uv_fs_t *r)
{
    ssize_t n = r->result;
    uv_buf_t buf = uv_buf_init(trozo, sizeof trozo);

    uv_fs_req_cleanup(r);
    if (n < 0) {
        fprintf(stderr, "leyendo %s: %s\n", nombre, error_texto((int)n));
        estado_salida = 1;
        uv_fs_close(r->loop, &req, fd, NULL); /* sin callback: síncrona, ya acabamos */
        uv_fs_req_cleanup(&req);
        return;
    }
    if (n == 0) { /* final del archivo */
        uv_fs_close(r->loop, &req, fd, al_cerrar);
        return;
    }
    for (ssize_t i = 0; i < n; i++)
        saltos += trozo[i] == '\n';
    bytes += n;
    uv_fs_read(r->loop, &req, fd, &buf, 1, bytes, al_leer);
}

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
    uv_fs_read(r->loop, &req, fd, &buf, 1, 0, al_leer);
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
