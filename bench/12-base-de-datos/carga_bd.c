/* carga_bd.c — los dos contrincantes de libpq «a pelo» de bench/12-base-de-datos: el bucle
 * secuencial de siempre (PQexecParams, una inserción tras otra, esperando cada respuesta) y el modo
 * pipeline de PostgreSQL 14+ (una sola conexión, todas las inserciones enviadas sin esperar y
 * los resultados leídos después, en orden).
 *
 *   carga_bd secuencial N CONEXION
 *   carga_bd pipeline N CONEXION
 *
 * Crea la tabla usuarios si falta, la vacía, inserta las filas 1…N (las del laboratorio 12) e
 * imprime «ms=<milisegundos> filas=<N>», medidos desde antes de conectar hasta la última
 * respuesta: lo mismo que mide la fase concurrente del laboratorio (abrir incluido). En modo
 * pipeline cada inserción lleva su propio Sync: N transacciones, como en los demás.
 *
 * Es código de banco de pruebas, bloqueante a propósito: es la referencia contra la que se mide.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double ahora_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int ejecutar(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "carga_bd: «%s»: %s", sql, PQerrorMessage(c));
    PQclear(r);
    return ok;
}

static void fila(int i, char *id, char *nombre, char *correo)
{
    snprintf(id, 16, "%d", i);
    snprintf(nombre, 96, "Usuaria «%d» O'Higgins; DROP TABLE usuarios; --", i);
    snprintf(correo, 48, "u%d@ejemplo.es", i);
}

static void callar(void *arg, const char *mensaje)
{
    (void)arg; /* «relation "usuarios" already exists, skipping» no le importa a nadie */
    (void)mensaje;
}

static const char *const INSERTAR = "INSERT INTO usuarios (id, nombre, correo) VALUES ($1, $2, $3)";

static int secuencial(PGconn *c, int n)
{
    for (int i = 1; i <= n; i++) {
        char id[16], nombre[96], correo[48];
        fila(i, id, nombre, correo);
        const char *v[] = {id, nombre, correo};
        PGresult *r = PQexecParams(c, INSERTAR, 3, NULL, v, NULL, NULL, 0);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            fprintf(stderr, "carga_bd: inserción %d: %s", i, PQerrorMessage(c));
            return 0;
        }
    }
    return 1;
}

/* Lee los resultados de `cuantas` inserciones: su resultado, el NULL que lo cierra y el
 * PGRES_PIPELINE_SYNC de su Sync. */
static int leer(PGconn *c, int cuantas)
{
    for (int i = 0; i < cuantas; i++) {
        PGresult *r = PQgetResult(c);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "carga_bd: resultado: %s", PQresultErrorMessage(r));
        PQclear(r);
        PQclear(PQgetResult(c));
        r = PQgetResult(c);
        ok = ok && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (!ok)
            return 0;
    }
    return 1;
}

/* Por tandas de LOTE: con una conexión bloqueante, enviar las 10 000 sin leer nada llenaría los
 * búferes de los dos lados (el servidor deja de leer si nadie lee sus respuestas). */
#define LOTE 256

static int pipeline(PGconn *c, int n)
{
    if (PQenterPipelineMode(c) != 1)
        return 0;
    int enviadas = 0, leidas = 0;
    for (int i = 1; i <= n; i++) {
        char id[16], nombre[96], correo[48];
        fila(i, id, nombre, correo);
        const char *v[] = {id, nombre, correo};
        if (PQsendQueryParams(c, INSERTAR, 3, NULL, v, NULL, NULL, 0) != 1 ||
            PQpipelineSync(c) != 1) {
            fprintf(stderr, "carga_bd: envío %d: %s", i, PQerrorMessage(c));
            return 0;
        }
        enviadas++;
        /* Se leen las de la tanda anterior mientras el servidor trabaja en esta. */
        if (enviadas - leidas >= 2 * LOTE) {
            if (!leer(c, LOTE))
                return 0;
            leidas += LOTE;
        }
    }
    return leer(c, enviadas - leidas) && PQexitPipelineMode(c) == 1;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "secuencial") != 0 && strcmp(argv[1], "pipeline") != 0)) {
        fprintf(stderr, "uso: carga_bd secuencial|pipeline N CONEXION\n");
        return 2;
    }
    int n = (int)strtol(argv[2], NULL, 10);
    PGconn *prep = PQconnectdb(argv[3]);
    if (PQstatus(prep) != CONNECTION_OK) {
        fprintf(stderr, "carga_bd: %s", PQerrorMessage(prep));
        PQfinish(prep);
        return 1;
    }
    PQsetNoticeProcessor(prep, callar, NULL);
    int ok = ejecutar(prep, "CREATE TABLE IF NOT EXISTS usuarios (id integer PRIMARY KEY, "
                            "nombre text NOT NULL, correo text)") &&
             ejecutar(prep, "TRUNCATE usuarios");
    PQfinish(prep);
    if (!ok)
        return 1;
    double t0 = ahora_ms();
    PGconn *c = PQconnectdb(argv[3]);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "carga_bd: %s", PQerrorMessage(c));
        PQfinish(c);
        return 1;
    }
    ok = strcmp(argv[1], "secuencial") == 0 ? secuencial(c, n) : pipeline(c, n);
    double ms = ahora_ms() - t0;
    PQfinish(c);
    if (!ok)
        return 1;
    printf("ms=%.0f filas=%d\n", ms, n);
    return 0;
}
