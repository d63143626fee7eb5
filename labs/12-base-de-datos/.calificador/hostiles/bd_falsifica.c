/* bd_falsifica.c — entrega hostil del laboratorio 12: sin pool y sin consultas. Inserta las 2n
 * filas una tras otra por una sola conexión (bloqueante), después reescribe las pruebas de
 * cargo del calificador con un UPDATE (las reparte entre cinco procesos del servidor inventados
 * y desplaza sus horas para que parezcan solapadas) e imprime unas líneas deducidas de -n y -p
 * sin lanzar ni una consulta. Cuando las pruebas vivían en la base del programa
 * (calif_registro), esto sacaba 92/100. Ahora están en un esquema que el papel del programa ni
 * ve, y las CONSULTA no se pueden deducir: como mucho, compilar, las filas y valgrind (20).
 * Desde libpq_bloqueante (runner/medios.c) ni se califica: usa PQconnectdb y PQexec. Con los
 * medios del laboratorio, lo que aún podría intentar lo prueba hostiles/bd_una.c.
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
}

static void sin_avisos(void *datos, const char *mensaje)
{
    (void)datos;
    (void)mensaje;
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
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    uv_run(&bucle, UV_RUN_DEFAULT);
    uv_loop_close(&bucle);
    PGconn *c = PQconnectdb(argc > 1 ? argv[argc - 1] : "");
    PQsetNoticeProcessor(c, sin_avisos, NULL);
    PQclear(PQexec(c, "CREATE TABLE IF NOT EXISTS usuarios (id integer PRIMARY KEY, nombre text "
                      "NOT NULL, correo text)"));
    PQclear(PQexec(c, "TRUNCATE usuarios"));
    for (int i = 1; i <= 2 * n; i++) {
        char id[16], nombre[96], correo[48];
        snprintf(id, sizeof id, "%d", i);
        snprintf(nombre, sizeof nombre, "Usuaria «%d» O'Higgins; DROP TABLE usuarios; --", i);
        snprintf(correo, sizeof correo, "u%d@ejemplo.es", i);
        const char *v[] = {id, nombre, correo};
        PQclear(PQexecParams(c, "INSERT INTO usuarios (id, nombre, correo) VALUES ($1, $2, $3)", 3,
                             NULL, v, NULL, NULL, 0));
    }
    /* Las pruebas de cargo, a gusto: donde estaban antes y donde están ahora. */
    const char *falsificar[] = {
        "UPDATE calif_registro SET pid = 1000 + id % 5, inicio = inicio - (id % 5) * interval "
        "'15 ms', fin = fin - (id % 5) * interval '15 ms' WHERE id <= (SELECT max(id) / 2 FROM "
        "calif_registro)",
        "UPDATE calif.registro SET pid = 1000 + id % 5, inicio = inicio - (id % 5) * interval "
        "'15 ms', fin = fin - (id % 5) * interval '15 ms'",
        NULL};
    for (int i = 0; falsificar[i] != NULL; i++)
        PQclear(PQexec(c, falsificar[i]));
    PQfinish(c);
    /* Las líneas, deducidas. */
    long long suma = (long long)n * (2 * n + 1);
    int u1 = 0, largo = 0;
    for (int i = 1; i <= 2 * n; i++) {
        char correo[48], nombre[96];
        snprintf(correo, sizeof correo, "u%d@ejemplo.es", i);
        snprintf(nombre, sizeof nombre, "Usuaria «%d» O'Higgins; DROP TABLE usuarios; --", i);
        u1 += strncmp(correo, "u1", 2) == 0;
        int letras = 0;
        for (const char *k = nombre; *k != '\0'; k++)
            letras += ((unsigned char)*k & 0xC0) != 0x80;
        if (letras > largo)
            largo = letras;
    }
    printf("CONCURRENTE %d inserciones en %d ms\n", n, n * 15 / p + 40);
    printf("SECUENCIAL %d inserciones en %d ms\n", n, n * 15 + 20);
    printf("ACELERACION %.1fx\n", (n * 15.0 + 20) / (n * 15.0 / p + 40));
    printf("CONSULTA 1 %d\nCONSULTA 2 1 %d\n", 2 * n, 2 * n);
    printf("CONSULTA 3 Usuaria «%d» O'Higgins; DROP TABLE usuarios; --\n", n);
    printf("CONSULTA 4 %d\nCONSULTA 5 %d\nCONSULTA 6 %lld\nCONSULTA 7 %d\n", u1, 2 * n, suma,
           largo);
    printf("CONSULTA 8 %d\nCONSULTA 9 u%d@ejemplo.es\nCONSULTA 10 %d\n", n, 2 * n, 2 * n);
    printf("POOL maximo=%d creadas=%d esperas=%d\n", p, p, n - p + (10 > p ? 10 - p : 0));
    return 0;
}
