/* bd_memoria.c — entrega hostil del laboratorio 12: no hace el laboratorio, gasta la memoria del
 * PostgreSQL de la calificación, fuera de la caja. La memoria del programa tiene su tope
 * (RLIMIT_AS, lib/lanzar.c), pero cada conexión es un proceso del servidor que no lo hereda:
 * antes de la sesión 84, `repeat('x', 300 MiB)` en tres conexiones de cada una de las 8
 * ejecuciones a la vez de la verificación de valgrind llegó a 12,7 GB en 31 procesos del
 * servidor. Ahora cada proceso del servidor tiene un tope de memoria privada (RLIMIT_DATA) y el
 * papel de cada verificación un número máximo de conexiones (comun.c). En cada ejecución, con
 * la cadena que le da el calificador (el último argumento):
 *  - abre CONEXIONES conexiones a la vez; en las MEMORIA primeras pide 300 MiB y escribe
 *    «MEMORIA CONSEGUIDA» o «MEMORIA NEGADA: error»;
 *  - al acabar todas, «CONEXIONES ABIERTAS k, NEGADAS m DE n» (m: las que rechazó el
 *    servidor), las cierra y sale con 1.
 * prueba-autograder (despues_bd_memoria) exige ninguna CONSEGUIDA, alguna NEGADA y alguna
 * conexión rechazada. Todo por libcurso (bd_conectar, bd_consultar): los medios del laboratorio.
 *
 * Con RECHAZADAS definido (bd_rechazadas.c, que va delante de este archivo en casos.tsv) no pide
 * memoria: solo cuenta conexiones, y las de las ejecuciones que debe rechazar las dice aparte. */
#include "curso/bd.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#ifndef RECHAZADAS
#define RECHAZADAS 0
#endif
#define CONEXIONES 40
#define MEMORIA    (RECHAZADAS ? 0 : 3)

static const char *const GRANDE = "SELECT length(repeat('x', 300 * 1024 * 1024))";
static bd_conexion_t *todas[CONEXIONES];
static int viva[CONEXIONES];
static int abiertas;
static int negadas;
static int pendientes = CONEXIONES;
static FILE *informe;
static const char *con = "cualquier argumento";

static void cerrada(bd_conexion_t *c, void *datos)
{
    (void)c;
    (void)datos;
}

/* Una conexión ya sabe lo suyo; con la última, el recuento y todas cerradas. */
static void una_menos(void)
{
    pendientes--;
    if (pendientes > 0)
        return;
    fprintf(informe, "CONEXIONES ABIERTAS %d, NEGADAS %d DE %d CON %s\n", abiertas, negadas,
            CONEXIONES, con);
    for (int i = 0; i < CONEXIONES; i++)
        if (viva[i])
            bd_cerrar(todas[i], cerrada, NULL);
}

static void respuesta(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    viva[(int)(intptr_t)datos] = 0;
    if (estado < 0) {
        const char *e = bd_error(c);
        printf("MEMORIA NEGADA: %.*s\n", (int)strcspn(e, "\n"), e);
    } else
        printf("MEMORIA CONSEGUIDA: %s bytes\n", PQgetvalue(res, 0, 0));
    PQclear(res);
    bd_cerrar(c, cerrada, NULL);
    una_menos();
}

static void conectada(bd_conexion_t *c, int estado, void *datos)
{
    int i = (int)(intptr_t)datos;
    if (estado < 0) {
        negadas++;
        bd_cerrar(c, cerrada, NULL);
        una_menos();
        return;
    }
    abiertas++;
    viva[i] = 1;
    if (i < MEMORIA && bd_consultar(c, GRANDE, 0, NULL, respuesta, datos) == 0)
        return;
    una_menos();
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
    /* bd_memoria, todo en stdout (sale en el detalle de lo que pierde); bd_rechazadas, en stdout
     * solo la línea de -p 101 (`argumentos` la enseña al fallar) y las demás en stderr. */
    informe = !RECHAZADAS || strcmp(con, "-p 101") == 0 ? stdout : stderr;
    uv_loop_t *bucle = uv_default_loop();
    for (int i = 0; i < CONEXIONES; i++) {
        if (bd_conectar(bucle, &todas[i], argv[argc - 1], "basedatos", conectada,
                        (void *)(intptr_t)i) < 0)
            una_menos();
    }
    uv_run(bucle, UV_RUN_DEFAULT);
    fflush(stdout);
    return RECHAZADAS && rechazar ? 2 : 1;
}
