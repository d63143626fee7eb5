/* bd_bloqueante.c — entrega hostil del laboratorio 12: todo el trabajo con libpq bloqueante en
 * main, sin libuv y sin pool. Una conexión para la fase «concurrente» (en serie), otra para la
 * secuencial, las 10 consultas de verdad y una línea POOL inventada. Sin la regla de
 * libpq_bloqueante sacaba 53/100 (ningún grupo nombraba esas llamadas y poll no se trazaba).
 *
 * Dos formas (prueba-autograder las califica las dos):
 *   - tal cual: PQconnectdbParams y PQexecParams; los nombres la delatan (runner/medios.c);
 *   - con BD_OCULTA definida: ningún nombre de la lista. Conecta con PQconnectStartParams y
 *     PQconnectPoll dando vueltas (sin esperar a nada) y cada sentencia es PQsendQueryParams
 *     más PQgetResult sin PQisBusy, que espera con poll() en el hilo que llama: eso lo ve la
 *     observación (runner/conducta.c), porque libuv espera con epoll.
 * Lo que debe pasar con las dos: el laboratorio no se califica.
 */
#include "curso/bd.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

/* Nunca se llama: solo para que el programa «use» lo que pide el laboratorio. */
void nunca(bd_conexion_t *x);
void nunca(bd_conexion_t *x)
{
    bd_consultar(x, "SELECT 1", 0, NULL, NULL, NULL);
    uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}

static void sin_avisos(void *datos, const char *mensaje)
{
    (void)datos;
    (void)mensaje;
}

static PGconn *conectar(const char *cadena)
{
    const char *claves[] = {"dbname", "application_name", NULL};
    const char *valores[] = {cadena, "basedatos", NULL};
#ifdef BD_OCULTA
    PGconn *c = PQconnectStartParams(claves, valores, 1);
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (c != NULL && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED)
        st = PQconnectPoll(c); /* sin esperar: vueltas hasta que conecte */
#else
    PGconn *c = PQconnectdbParams(claves, valores, 1);
#endif
    if (c == NULL || PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "error: no se pudo conectar: %s", c != NULL ? PQerrorMessage(c) : "?\n");
        exit(2);
    }
    PQsetNoticeProcessor(c, sin_avisos, NULL);
    return c;
}

/* Una sentencia, esperando su resultado en el hilo que llama. */
static PGresult *ejecutar(PGconn *c, const char *sql, int n, const char *const *v)
{
#ifdef BD_OCULTA
    if (PQsendQueryParams(c, sql, n, NULL, v, NULL, NULL, 0) == 0)
        return NULL;
    PGresult *r = PQgetResult(c), *mas; /* espera con poll() */
    while ((mas = PQgetResult(c)) != NULL)
        PQclear(mas);
    return r;
#else
    return PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);
#endif
}

static void o_salir(PGconn *c, PGresult *r, const char *sql)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return;
    fprintf(stderr, "error: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    exit(1);
}

static double insertar(PGconn *c, int desde, int hasta)
{
    static const char sql[] = "INSERT INTO usuarios (id, nombre, correo) VALUES ($1, $2, $3)";
    uint64_t t0 = uv_hrtime();
    for (int i = desde; i <= hasta; i++) {
        char id[16], nombre[96], correo[48];
        snprintf(id, sizeof id, "%d", i);
        snprintf(nombre, sizeof nombre, "Usuaria «%d» O'Higgins; DROP TABLE usuarios; --", i);
        snprintf(correo, sizeof correo, "u%d@ejemplo.es", i);
        const char *v[] = {id, nombre, correo};
        PGresult *r = ejecutar(c, sql, 3, v);
        o_salir(c, r, sql);
        PQclear(r);
    }
    return (double)(uv_hrtime() - t0) / 1e6;
}

int main(int argc, char **argv)
{
    int n = 100, p = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-n") == 0)
            n = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "-p") == 0)
            p = (int)strtol(argv[i + 1], NULL, 10);
    }
    const char *cadena = argc > 1 ? argv[argc - 1] : "";
    PGconn *c = conectar(cadena);
    static const char *const preparar[] = {
        "CREATE TABLE IF NOT EXISTS usuarios (id integer PRIMARY KEY, nombre text NOT NULL, "
        "correo text)",
        "TRUNCATE usuarios", NULL};
    for (int i = 0; preparar[i] != NULL; i++) {
        PGresult *r = ejecutar(c, preparar[i], 0, NULL);
        o_salir(c, r, preparar[i]);
        PQclear(r);
    }
    double ms_c = insertar(c, 1, n);
    PGconn *s = conectar(cadena);
    double ms_s = insertar(s, n + 1, 2 * n);
    PQfinish(s);
    printf("CONCURRENTE %d inserciones en %.0f ms\n", n, ms_c);
    printf("SECUENCIAL %d inserciones en %.0f ms\n", n, ms_s);
    printf("ACELERACION %.1fx\n", ms_c > 0 ? ms_s / ms_c : 0);
    static const char *const consultas[10] = {
        "SELECT count(*) FROM usuarios",
        "SELECT min(id) || ' ' || max(id) FROM usuarios",
        "SELECT nombre FROM usuarios WHERE id = $1::integer",
        "SELECT count(*) FROM usuarios WHERE correo LIKE 'u1%'",
        "SELECT count(DISTINCT correo) FROM usuarios",
        "SELECT sum(id) FROM usuarios",
        "SELECT max(length(nombre)) FROM usuarios",
        "SELECT count(*) FROM usuarios WHERE id % 2 = 0",
        "SELECT correo FROM usuarios ORDER BY id DESC LIMIT 1",
        "SELECT count(*) FROM usuarios WHERE nombre LIKE '%O''Higgins%'",
    };
    char id[16];
    snprintf(id, sizeof id, "%d", n);
    for (int k = 0; k < 10; k++) {
        const char *v[] = {id};
        PGresult *r = ejecutar(c, consultas[k], k == 2 ? 1 : 0, v);
        o_salir(c, r, consultas[k]);
        printf("CONSULTA %d %s\n", k + 1, PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
        PQclear(r);
    }
    PQfinish(c);
    printf("POOL maximo=%d creadas=%d esperas=%d\n", p, p, n - p + (10 > p ? 10 - p : 0));
    return 0;
}
