/* bd_llena.c — entrega hostil del laboratorio 12: llena el disco a través de PostgreSQL. Con los
 * medios del laboratorio (bd_conectar y bd_consultar sobre libuv), en las ejecuciones -n 40 -p 5
 * crea su propia tabla y le mete filas de 4 MiB (un md5 al azar repetido, guardado sin
 * comprimir) por 4 conexiones a la vez, sin parar. Lo escribe el servidor, como el usuario del
 * servidor y en la carpeta de datos del clúster: fuera de la carpeta de la verificación. Antes
 * escribía 542 MiB por ejecución sin que la cuota de disco (lib/cuota.c) lo viera; ahora la
 * verificación mide también la carpeta del clúster: se para al pasar de 256 MiB y la verificación
 * falla con el mensaje de la cuota. Las demás ejecuciones salen con 1 sin hacer nada.
 */
#include "curso/bd.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define CONEXIONES 4

/* Sin comprimir (STORAGE EXTERNAL): cada fila ocupa sus 4 MiB en TOAST, y repetir un md5 cuesta
 * poco al servidor (con la máquina cargada, 4 MiB de md5 distintos no llegaban a 256 MiB en los
 * 25 s que espera una verificación). */
static const char *const PREPARAR = "CREATE TABLE IF NOT EXISTS relleno (x text)";
static const char *const SIN_COMPRIMIR = "ALTER TABLE relleno ALTER COLUMN x SET STORAGE EXTERNAL";
static const char *const LLENAR = "INSERT INTO relleno SELECT repeat(md5(random()::text), 131072)";

static void otra(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    PQclear(res);
    if (estado < 0 && estado != BD_E_SQL) { /* un error de SQL (la tabla aún no está): otra vez */
        fprintf(stderr, "relleno: %s\n", bd_error(c));
        bd_cerrar(c, NULL, NULL);
        return;
    }
    bd_consultar(c, LLENAR, 0, NULL, otra, NULL);
}

static void creada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    PQclear(res);
    if (estado < 0 && estado != BD_E_SQL) {
        bd_cerrar(c, NULL, NULL);
        return;
    }
    bd_consultar(c, SIN_COMPRIMIR, 0, NULL, otra, NULL);
}

static void conectada(bd_conexion_t *c, int estado, void *datos)
{
    (void)datos;
    if (estado < 0) {
        bd_cerrar(c, NULL, NULL);
        return;
    }
    bd_consultar(c, PREPARAR, 0, NULL, creada, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 6 || strcmp(argv[1], "-n") != 0 || strcmp(argv[2], "40") != 0)
        return 1;
    uv_loop_t *bucle = uv_default_loop();
    for (int i = 0; i < CONEXIONES; i++) {
        bd_conexion_t *c;
        if (bd_conectar(bucle, &c, argv[5], "basedatos", conectada, NULL) < 0)
            return 2;
    }
    uv_run(bucle, UV_RUN_DEFAULT);
    return 0;
}
