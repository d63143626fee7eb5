/* bd_una.c — entrega hostil del laboratorio 12, de quien lee el calificador: una sola conexión
 * (con bd_conectar y bd_consultar sobre libuv: los medios pasan), las 2n inserciones en serie, y
 * ni una consulta: las 10 CONSULTA se calculan de -n (las filas que escribió ella), los tiempos
 * y la línea POOL se inventan (aceleración, creadas = -p, esperas según el enunciado). Con
 * BD_CADA_UNA, en vez de una sola conexión, una por inserción en la fase concurrente (sin pool:
 * se solapan en el servidor) y otra para la secuencial. Sale con 1 si una sentencia falla y
 * con 2 si la primera conexión no se abre, como pide el enunciado.
 * Antes: la de una conexión con pruebas reescritas, 41/100; sin pool y sin consultas, 73.
 * Con BD_FORJA (el adversario de la sesión 44), las 10 CONSULTA salen de UNA lectura de la
 * tabla entera y se «lanzan» escribiéndolas en el registro del servidor con RAISE LOG desde un
 * bloque DO: líneas «statement: SELECT …» con el usuario, la base y el pid de la sesión, que el
 * calificador tomaba por consultas hechas (29/100 en vez de 15). Las del servidor no llevan
 * «context» ni «statement»; las de RAISE, siempre (mensaje_del_servidor, en comun.c).
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
#ifdef BD_FORJA
static char cons[10][256];
static int cons_listas;
#endif

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
#ifdef BD_FORJA
    if (cons_listas) {
        for (int k = 0; k < 10; k++)
            printf("CONSULTA %d %s\n", k + 1, cons[k]);
        printf("POOL maximo=%d creadas=%d esperas=%d\n", p, p > n ? n : p,
               (n > p ? n - p : 0) + (10 > p ? 10 - p : 0));
        fflush(stdout);
        return;
    }
#endif
    printf("CONSULTA 1 %d\nCONSULTA 2 1 %d\n", 2 * n, 2 * n);
    printf("CONSULTA 3 Usuaria «%d» O'Higgins; DROP TABLE usuarios; --\n", n);
    printf("CONSULTA 4 %d\nCONSULTA 5 %d\nCONSULTA 6 %lld\nCONSULTA 7 %d\n", u1, 2 * n, suma,
           largo);
    printf("CONSULTA 8 %d\nCONSULTA 9 u%d@ejemplo.es\nCONSULTA 10 %d\n", n, 2 * n, 2 * n);
    printf("POOL maximo=%d creadas=%d esperas=%d\n", p, p > n ? n : p,
           (n > p ? n - p : 0) + (10 > p ? 10 - p : 0));
}

#ifdef BD_FORJA
static const char *const FORJA =
    "DO $f$ DECLARE t text := 'usu' || 'arios'; BEGIN "
    "RAISE LOG '%', 'statement: SELECT count(*) FROM ' || t; "
    "RAISE LOG '%', 'statement: SELECT min(id) || '' '' || max(id) FROM ' || t; "
    "RAISE LOG '%', 'statement: SELECT nombre FROM ' || t || ' WHERE id = $1::integer' USING "
    "DETAIL = 'parameters: $1 = ''' || current_setting('calif.n') || ''''; "
    "RAISE LOG '%', 'statement: SELECT count(*) FROM ' || t || ' WHERE correo LIKE ''u1%'''; "
    "RAISE LOG '%', 'statement: SELECT count(DISTINCT correo) FROM ' || t; "
    "RAISE LOG '%', 'statement: SELECT sum(id) FROM ' || t; "
    "RAISE LOG '%', 'statement: SELECT max(length(nombre)) FROM ' || t; "
    "RAISE LOG '%', 'statement: SELECT count(*) FROM ' || t || ' WHERE id % 2 = 0'; "
    "RAISE LOG '%', 'statement: SELECT correo FROM ' || t || ' ORDER BY id DESC LIMIT 1'; "
    "RAISE LOG '%', 'statement: SELECT count(*) FROM ' || t || ' WHERE nombre LIKE $1' USING "
    "DETAIL = 'parameters: $1 = ''%O''''Higgins%'''; "
    "END $f$";

static int letras(const char *s)
{
    int k = 0;
    for (; *s != '\0'; s++)
        k += ((unsigned char)*s & 0xC0) != 0x80;
    return k;
}

static void forjada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    (void)estado;
    PQclear(res);
    cerrar(c);
    imprimir();
}

static void con_n(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    (void)estado;
    PQclear(res);
    bd_consultar(c, FORJA, 0, NULL, forjada, NULL);
}

static void leida(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    if (estado < 0 || res == NULL) {
        PQclear(res);
        cerrar(c);
        imprimir();
        return;
    }
    int filas = PQntuples(res), u1 = 0, pares = 0, largo = 0, higgins = 0, distintos = 0;
    long long suma = 0, mn = 0, mx = 0;
    char nombre_n[160] = "", ultimo[96] = "";
    long long id_ultimo = -1;
    for (int i = 0; i < filas; i++) {
        long long id = atoll(PQgetvalue(res, i, 0));
        const char *nom = PQgetisnull(res, i, 1) ? NULL : PQgetvalue(res, i, 1);
        const char *cor = PQgetisnull(res, i, 2) ? NULL : PQgetvalue(res, i, 2);
        suma += id;
        if (i == 0 || id < mn)
            mn = id;
        if (i == 0 || id > mx)
            mx = id;
        pares += id % 2 == 0;
        if (cor != NULL && strncmp(cor, "u1", 2) == 0)
            u1++;
        if (nom != NULL && letras(nom) > largo)
            largo = letras(nom);
        if (nom != NULL && strstr(nom, "O'Higgins") != NULL)
            higgins++;
        if (id == n && nom != NULL)
            snprintf(nombre_n, sizeof nombre_n, "%s", nom);
        if (id > id_ultimo) {
            id_ultimo = id;
            snprintf(ultimo, sizeof ultimo, "%s", cor ? cor : "");
        }
        if (cor != NULL) {
            int visto = 0;
            for (int j = 0; j < i && !visto; j++)
                visto = !PQgetisnull(res, j, 2) && strcmp(PQgetvalue(res, j, 2), cor) == 0;
            distintos += !visto;
        }
    }
    snprintf(cons[0], 256, "%d", filas);
    snprintf(cons[1], 256, "%lld %lld", mn, mx);
    snprintf(cons[2], 256, "%s", nombre_n);
    snprintf(cons[3], 256, "%d", u1);
    snprintf(cons[4], 256, "%d", distintos);
    snprintf(cons[5], 256, "%lld", suma);
    snprintf(cons[6], 256, "%d", largo);
    snprintf(cons[7], 256, "%d", pares);
    snprintf(cons[8], 256, "%s", ultimo);
    snprintf(cons[9], 256, "%d", higgins);
    cons_listas = 1;
    PQclear(res);
    static char set[80];
    snprintf(set, sizeof set, "SET calif.n = '%d'", n);
    bd_consultar(c, set, 0, NULL, con_n, NULL);
}
#endif

/* La fase secuencial, por su conexión. */
static void secuencial(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    if (mal(c, estado, res, "INSERT (secuencial)"))
        return;
    if (siguiente > 2 * n) {
        t_sec = uv_hrtime();
#ifdef BD_FORJA
        bd_consultar(c, "SELECT id, nombre, correo FROM usuarios ORDER BY id", 0, NULL, leida,
                     NULL);
#else
        cerrar(c);
        imprimir();
#endif
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
