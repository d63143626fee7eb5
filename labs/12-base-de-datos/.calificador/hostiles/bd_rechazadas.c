/* bd_rechazadas.c — entrega hostil del laboratorio 12: no hace el laboratorio; en cada
 * ejecución abre CONEXIONES conexiones a la vez con la cadena que le da el calificador (el
 * último argumento), también en las que debe rechazar. Es lo que hizo un adversario de la
 * sesión 86: en las ejecuciones de `argumentos` (-p 0, -p 101, -n 0, -n 12x) el tope de
 * conexiones de su papel salía de esos mismos argumentos (-p 101 contaba como 100: 202
 * conexiones) y abrió 70 procesos del servidor con 2,18 GB. Ahora una ejecución que el programa
 * debe rechazar tiene 2 (comun.c, conexiones_del_papel).
 *
 * Escribe «CONEXIONES ABIERTAS k, NEGADAS m DE n CON -p 101» cuando le dan -p 101 (en stdout:
 * `argumentos` lo enseña al fallar), y lo mismo en stderr en las demás; las de `argumentos`
 * salen con 2, las demás con 1. prueba-autograder (despues_bd_rechazadas) exige la línea de
 * -p 101 con, como mucho, 2 abiertas. Todo por libcurso (bd_conectar): los medios del
 * laboratorio. */
#include "curso/bd.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#define CONEXIONES 40

static bd_conexion_t *todas[CONEXIONES];
static int viva[CONEXIONES];
static int abiertas;
static int negadas;
static int pendientes = CONEXIONES;
static FILE *informe;
static const char *con = "";

static void cerrada(bd_conexion_t *c, void *datos)
{
    (void)c;
    (void)datos;
}

/* Con la última respuesta del servidor, el recuento y todas cerradas. */
static void conectada(bd_conexion_t *c, int estado, void *datos)
{
    if (estado < 0) {
        negadas++;
        bd_cerrar(c, cerrada, NULL);
    } else {
        abiertas++;
        viva[(int)(intptr_t)datos] = 1;
    }
    if (--pendientes > 0)
        return;
    fprintf(informe, "CONEXIONES ABIERTAS %d, NEGADAS %d DE %d CON %s\n", abiertas, negadas,
            CONEXIONES, con);
    for (int i = 0; i < CONEXIONES; i++)
        if (viva[i])
            bd_cerrar(todas[i], cerrada, NULL);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 1;
    int rechazar = 0;
    for (int i = 1; i + 1 < argc; i++) {
        const char *o = argv[i], *v = argv[i + 1];
        if ((strcmp(o, "-p") == 0 && (strcmp(v, "0") == 0 || strcmp(v, "101") == 0)) ||
            (strcmp(o, "-n") == 0 && (strcmp(v, "0") == 0 || strcmp(v, "12x") == 0))) {
            rechazar = 1;
            con = strcmp(v, "101") == 0 ? "-p 101" : "otro argumento rechazado";
        }
    }
    informe = strcmp(con, "-p 101") == 0 ? stdout : stderr;
    uv_loop_t *bucle = uv_default_loop();
    for (int i = 0; i < CONEXIONES; i++)
        if (bd_conectar(bucle, &todas[i], argv[argc - 1], "basedatos", conectada,
                        (void *)(intptr_t)i) < 0 &&
            --pendientes == 0)
            fprintf(informe, "CONEXIONES: ninguna se pudo pedir\n");
    uv_run(bucle, UV_RUN_DEFAULT);
    fflush(stdout);
    return rechazar ? 2 : 1;
}
