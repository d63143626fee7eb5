/* bd_una.c — entrega hostil del laboratorio 12, de quien lee el calificador: una sola conexión
 * (con bd_conectar y bd_consultar sobre libuv: los medios pasan), las 2n inserciones en serie, y
 * ni una consulta: las 10 CONSULTA se calculan de -n (las filas que escribió ella), los tiempos
 * y la línea POOL se inventan (aceleración, creadas = -p, esperas según el enunciado). Con
 * BD_CADA_UNA, en vez de una sola conexión, una por inserción en la fase concurrente (sin pool:
 * se solapan en el servidor) y otra para la secuencial. Sale con 1 si una sentencia falla y
 * con 2 si la primera conexión no se abre, como pide el enunciado.
 * Antes: la de una conexión con pruebas reescritas, 41/100; sin pool y sin consultas, 73.
 */
#include "curso/bd.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static const char *const INSERTAR = "INSERT INTO usuarios (id, nombre, correo) VALUES ($1, $2, $3)";

static uv_loop_t *bucle;
static const char *cadena;
static int n = 100, p = 10, siguiente = 1, fallo, abiertas;
#ifdef BD_CADA_UNA
static int pendientes;
#endif
static uint64_t t0, t_conc, t_sec;

static void cerrada(bd_conexion_t *c, void *datos)
{
    (void)c;
    (void)datos;
    abiertas--;
}

static void cerrar(bd_conexion_t *c)
{
    bd_cerrar(c, cerrada, NULL);
}

static int insertar(bd_conexion_t *c, int i, bd_resultado_cb cb)
{
    static char id[16], nombre[96], correo[48];
    snprintf(id, sizeof id, "%d", i);
    snprintf(nombre, sizeof nombre, "Usuaria «%d» O'Higgins; DROP TABLE usuarios; --", i);
    snprintf(correo, sizeof correo, "u%d@ejemplo.es", i);
    const char *v[] = {id, nombre, correo};
    return bd_consultar(c, INSERTAR, 3, v, cb, NULL);
}

static int mal(bd_conexion_t *c, int estado, PGresult *res, const char *que)
{
    PQclear(res);
    if (estado >= 0)
        return 0;
    fprintf(stderr, "basedatos: %s: %s\n", que, bd_error(c));
    fallo = 1;
    cerrar(c);
    return 1;
}

static void imprimir(void)
{
    double ms_c = (double)(t_conc - t0) / 1e6, ms_s = (double)(t_sec - t_conc) / 1e6;
    printf("CONCURRENTE %d inserciones en %.0f ms\n", n, ms_c);
    printf("SECUENCIAL %d inserciones en %.0f ms\n", n, ms_s);
    printf("ACELERACION %.1fx\n", ms_c > 0 ? ms_s / ms_c : 0);
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
    printf("CONSULTA 1 %d\nCONSULTA 2 1 %d\n", 2 * n, 2 * n);
    printf("CONSULTA 3 Usuaria «%d» O'Higgins; DROP TABLE usuarios; --\n", n);
    printf("CONSULTA 4 %d\nCONSULTA 5 %d\nCONSULTA 6 %lld\nCONSULTA 7 %d\n", u1, 2 * n, suma,
           largo);
    printf("CONSULTA 8 %d\nCONSULTA 9 u%d@ejemplo.es\nCONSULTA 10 %d\n", n, 2 * n, 2 * n);
    printf("POOL maximo=%d creadas=%d esperas=%d\n", p, p > n ? n : p,
           (n > p ? n - p : 0) + (10 > p ? 10 - p : 0));
}

/* La fase secuencial, por su conexión. */
static void secuencial(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    if (mal(c, estado, res, "INSERT (secuencial)"))
        return;
    if (siguiente > 2 * n) {
        t_sec = uv_hrtime();
        cerrar(c);
        imprimir();
        return;
    }
    insertar(c, siguiente++, secuencial);
}

#ifdef BD_CADA_UNA
static void secuencial_abierta(bd_conexion_t *c, int estado, void *datos)
{
    (void)datos;
    if (estado < 0) {
        fprintf(stderr, "basedatos: no se pudo conectar: %s\n", bd_error(c));
        fallo = 1;
        cerrar(c);
        return;
    }
    insertar(c, siguiente++, secuencial);
}
#endif

static void empezar_secuencial(bd_conexion_t *c)
{
    t_conc = uv_hrtime();
#ifdef BD_CADA_UNA
    (void)c;
    bd_conexion_t *s;
    abiertas++;
    if (bd_conectar(bucle, &s, cadena, "basedatos", secuencial_abierta, NULL) < 0) {
        abiertas--;
        fallo = 1;
    }
#else
    insertar(c, siguiente++, secuencial);
#endif
}

#ifdef BD_CADA_UNA
/* Una conexión por inserción: se solapan, pero no hay pool (ni tope ni cola). */
static void una_hecha(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    int roto = mal(c, estado, res, "INSERT (concurrente)");
    if (!roto)
        cerrar(c);
    if (--pendientes == 0 && !fallo)
        empezar_secuencial(NULL);
}

static void una_abierta(bd_conexion_t *c, int estado, void *datos)
{
    int i = (int)(intptr_t)datos;
    if (estado < 0 || fallo) {
        if (estado < 0)
            fprintf(stderr, "basedatos: no se pudo conectar: %s\n", bd_error(c));
        fallo = 1;
        cerrar(c);
        pendientes--;
        return;
    }
    insertar(c, i, una_hecha);
}
#else
static void concurrente(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    if (mal(c, estado, res, "INSERT (concurrente)"))
        return;
    if (siguiente > n) {
        empezar_secuencial(c);
        return;
    }
    insertar(c, siguiente++, concurrente);
}
#endif

static void preparada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    if (mal(c, estado, res, "TRUNCATE"))
        return;
    t0 = uv_hrtime();
#ifdef BD_CADA_UNA
    cerrar(c);
    pendientes = n;
    for (int i = 1; i <= n; i++) {
        bd_conexion_t *x;
        abiertas++;
        if (bd_conectar(bucle, &x, cadena, "basedatos", una_abierta, (void *)(intptr_t)i) < 0) {
            abiertas--;
            pendientes--;
        }
    }
    siguiente = n + 1;
#else
    insertar(c, siguiente++, concurrente);
#endif
}

static void creada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    if (mal(c, estado, res, "CREATE TABLE"))
        return;
    bd_consultar(c, "TRUNCATE usuarios", 0, NULL, preparada, NULL);
}

static void abierta(bd_conexion_t *c, int estado, void *datos)
{
    (void)datos;
    if (estado < 0) {
        fprintf(stderr, "basedatos: no se pudo conectar: %s\n", bd_error(c));
        cerrar(c);
        exit(2);
    }
    bd_consultar(c,
                 "CREATE TABLE IF NOT EXISTS usuarios (id integer PRIMARY KEY, nombre text NOT "
                 "NULL, correo text)",
                 0, NULL, creada, NULL);
}

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-n") == 0)
            n = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "-p") == 0)
            p = (int)strtol(argv[i + 1], NULL, 10);
    }
    cadena = argc > 1 ? argv[argc - 1] : "";
    char motivo[300];
    if (bd_comprobar_cadena(cadena, motivo, sizeof motivo) < 0) {
        fprintf(stderr, "basedatos: %s\n", motivo);
        return 2;
    }
    bucle = uv_default_loop();
    bd_conexion_t *c;
    abiertas++;
    if (bd_conectar(bucle, &c, cadena, "basedatos", abierta, NULL) < 0)
        return 2;
    uv_run(bucle, UV_RUN_DEFAULT);
    uv_loop_close(bucle);
    return fallo ? 1 : 0;
}
