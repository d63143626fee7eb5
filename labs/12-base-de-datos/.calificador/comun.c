/* comun.c — el PostgreSQL de la calificación y las pruebas que deja (ver comun.h). */
#include "comun.h"

#include <ctype.h>
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <errno.h>
#include <jansson.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef POSTGRES_SH
#error "POSTGRES_SH: ruta de common/herramientas/postgres.sh (la pone autograder/autograder.mk)"
#endif

/* ------------------------------------------------------------------ el servidor de la calificación
 */

static char carpeta_servidor[400];
static pid_t vigilante;

const char *base_plantilla(void)
{
    /* Solo con el TMPDIR de la calificación (el ejecutor lo crea y lo borra al final): la
     * comparten la pasada entera, las verificaciones repetidas solas y el servidor propio de
     * servidor_cae; sin TMPDIR (a mano), initdb cada vez y nada que dejar en /tmp. */
    static char prefijo[600];
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0' || strchr(tmp, '\'') != NULL)
        return "";
    snprintf(prefijo, sizeof prefijo, "POSTGRES_PLANTILLA='%s/pg12-plantilla' ", tmp);
    return prefijo;
}

/* Lo que escribe el programa a través del servidor cuenta contra la cuota de disco de la
 * verificación (lib/cuota.c): base_lanzar le pide vigilar la carpeta entera del clúster (datos,
 * WAL, registros), desde lo que ocupe al lanzar. Además, cada proceso del servidor tiene un
 * tope para sus archivos temporales (temp_file_limit, que solo un superusuario cambia: el
 * papel del programa no): un ORDER BY enorme falla con un error en lugar de escribir sin fin. */
#define TEMPORALES_MIB 128

/* Ejecuta «postgres.sh ORDEN DIR [más]» y deja la primera línea de su salida en `linea`.
 * Código de salida de la orden, o -1. */
static int postgres_sh(const char *orden, const char *dir, const char *mas, char *linea, size_t tam)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             BASE_TOPE_MEMORIA BASE_SIN_CLAVE
             "%sPOSTGRES_SIN_TCP=1 POSTGRES_SENTENCIAS=1 "
             "POSTGRES_OPCIONES='-c max_connections=300 -c temp_file_limit=%dMB "
             "-c lc_messages=C' "
             "bash '%s' %s '%s' %s",
             base_plantilla(), TEMPORALES_MIB, POSTGRES_SH, orden, dir, mas != NULL ? mas : "");
    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return -1;
    if (linea != NULL && tam > 0) {
        linea[0] = '\0';
        if (fgets(linea, (int)tam, f) != NULL)
            linea[strcspn(linea, "\n")] = '\0';
    }
    char resto[256];
    while (fgets(resto, sizeof resto, f) != NULL) {
    }
    int r = pclose(f);
    return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

ReportHook(PRE_ALL)(struct criterion_test_set *conjunto)
{
    (void)conjunto;
    const char *tmp = getenv("TMPDIR");
    snprintf(carpeta_servidor, sizeof carpeta_servidor, "%s/pg12-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(carpeta_servidor) == NULL) {
        carpeta_servidor[0] = '\0';
        return;
    }
    chmod(carpeta_servidor, 0755);
    char cadena[512];
    if (postgres_sh("iniciar", carpeta_servidor, NULL, cadena, sizeof cadena) != 0) {
        setenv("CAL12_ERROR", "no arrancó el PostgreSQL de la calificación (postgres.sh iniciar)",
               1);
        return;
    }
    setenv("CAL12_SERVIDOR", carpeta_servidor, 1);
    /* Las cadenas, una vez: cada verificación las hereda (sin lanzar postgres.sh otra vez). */
    char linea[600];
    if (postgres_sh("conexion", carpeta_servidor, "socket", linea, sizeof linea) == 0)
        setenv("CAL12_SOCKET", linea, 1);
    if (postgres_sh("conexion", carpeta_servidor, "admin", linea, sizeof linea) == 0)
        setenv("CAL12_ADMIN", linea, 1);
    if (postgres_sh("sentencias", carpeta_servidor, NULL, linea, sizeof linea) == 0)
        setenv("CAL12_SENTENCIAS", linea, 1);
    /* El programa, solo en las bases de sus verificaciones (no en la base curso). */
    if (!base_solo_sus_bases(carpeta_servidor))
        setenv("CAL12_ERROR", "no se pudo cerrar la base curso del PostgreSQL de la calificación",
               1);
    /* Si este proceso muere sin llegar a POST_ALL (Ctrl+C en make grade, SIGKILL), el
     * vigilante para el servidor y borra su carpeta. */
    char yo[24];
    snprintf(yo, sizeof yo, "%d", (int)getpid());
    if (postgres_sh("vigilar", carpeta_servidor, yo, linea, sizeof linea) == 0)
        vigilante = (pid_t)strtol(linea, NULL, 10);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    if (vigilante > 0)
        kill(vigilante, SIGTERM);
    if (carpeta_servidor[0] != '\0')
        postgres_sh("borrar", carpeta_servidor, NULL, NULL, 0);
}

/* ------------------------------------------------------------------ bases de datos */

static int ejecutar(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) {
        cal_esperado("preparar la base de datos de la verificación");
        cal_obtenido("error del calificador: %s falló: %s", sql, PQerrorMessage(c));
    }
    PQclear(r);
    return ok;
}

/* Una cadena de una carpeta de postgres.sh («socket»: la del papel curso, que papel_propio
 * cambia por la del papel de la verificación; «admin»: la del superusuario), con la base
 * `nombre` en vez de «curso». Con `carpeta`, la del socket. */
static int cadena_de(const char *dir, const char *tipo, const char *nombre, char *cadena,
                     size_t tam, char *carpeta, size_t tc)
{
    char linea[600];
    const char *servidor = getenv("CAL12_SERVIDOR");
    const char *guardada = getenv(strcmp(tipo, "admin") == 0 ? "CAL12_ADMIN" : "CAL12_SOCKET");
    if (servidor != NULL && guardada != NULL && strcmp(dir, servidor) == 0)
        snprintf(linea, sizeof linea, "%s", guardada);
    else if (postgres_sh("conexion", dir, tipo, linea, sizeof linea) != 0)
        return 0;
    /* «host=CARPETA port=N user=U password=K dbname=curso» */
    char host[400], usuario[64], clave[128];
    int puerto;
    if (sscanf(linea, "host=%399s port=%d user=%63s password=%127s", host, &puerto, usuario,
               clave) != 4)
        return 0;
    if (carpeta != NULL)
        snprintf(carpeta, tc, "%s", host);
    snprintf(cadena, tam, "host=%s port=%d user=%s password=%s dbname=%s", host, puerto, usuario,
             clave, nombre);
    return 1;
}

/* Las conexiones del calificador son del superusuario: nunca deben ejecutar nada que haya
 * definido el programa. Con search_path = pg_catalog, un operador o una función que el programa
 * cree en public (p. ej. un «||» para integer) no se elige nunca (CVE-2018-1058); las tablas van
 * siempre con su esquema (public.usuarios), y antes de leer una que pueda ser del programa se
 * comprueba que es una tabla de verdad (base_tabla_segura): una vista suya llamaría a sus
 * funciones con los privilegios de quien la lee. Y al programa no se le da TRIGGER sobre las
 * tablas del calificador: un disparador suyo correría con las filas sorpresa como superusuario. */
static PGconn *conectar(const char *cadena)
{
    char completa[1200];
    snprintf(completa, sizeof completa,
             "%s application_name=calificador options='-c search_path=pg_catalog'", cadena);
    PGconn *c = PQconnectdb(completa);
    if (PQstatus(c) != CONNECTION_OK) {
        cal_esperado("conectar el calificador con PostgreSQL");
        cal_obtenido("error del calificador: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, NULL, NULL);
    return c;
}

/* Conecta con `cadena`, ejecuta `sql` y cierra: lo que hace cada preparación suelta del
 * calificador (un disparador, una función, un límite). 1 si fue bien (si no, ya anotado). */
static int ejecutar_en(const char *cadena, const char *sql)
{
    PGconn *c = conectar(cadena);
    if (c == NULL)
        return 0;
    int ok = ejecutar(c, sql);
    PQfinish(c);
    return ok;
}

/* Nadie entra en la base curso: los programas, cada uno en la de su verificación (c_<azar>, que
 * se borra WITH (FORCE) al acabarla, con su papel: papel_propio). La base curso que postgres.sh le
 * da, suya, sería una base en la que una sesión del programa sobrevive a su verificación (una
 * sentencia larga sigue en el servidor aunque el programa cierre) y escribe fuera de la cuota de
 * nadie (un adversario, sesión 32: 440 MB tras acabar perezoso). Deja de ser suya (su dueño podría
 * volver a darse CONNECT) y nadie puede conectarse a ella; postgres y template1 ya estaban
 * cerradas. Para el servidor de la calificación y el propio de servidor_cae, una vez al arrancar
 * (no en cada preparación: dos ALTER DATABASE a la vez chocan). */
int base_solo_sus_bases(const char *dir)
{
    char servidor[sizeof((base_t *)0)->servidor];
    if (!cadena_de(dir, "admin", "postgres", servidor, sizeof servidor, NULL, 0))
        return 0;
    return ejecutar_en(servidor, "ALTER DATABASE curso OWNER TO CURRENT_USER;"
                                 "REVOKE ALL ON DATABASE curso FROM PUBLIC");
}

PGconn *base_conectar(const base_t *b)
{
    return conectar(b->admin);
}

/* Las pruebas de cargo viven en el esquema calif, del superusuario: el papel del programa
 * (curso, sin superusuario) no puede ni verlas ni escribirlas. Las funciones que las escriben
 * son SECURITY DEFINER con search_path fijo (nada del programa se cuela en ellas) y solo se
 * disparan desde la tabla; nadie más puede ejecutarlas. Las filas que inserta el propio
 * calificador (session_user no es curso) no se frenan ni se apuntan. */
static const char *const SQL_ESQUEMA =
    "CREATE SCHEMA calif; REVOKE ALL ON SCHEMA calif FROM PUBLIC;"
    "GRANT CREATE ON SCHEMA public TO curso;" /* CREATE TABLE IF NOT EXISTS lo pide siempre */
    "ALTER DEFAULT PRIVILEGES IN SCHEMA calif REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;"
    /* Lo único que define quien no es superusuario son tablas, con sus índices y secuencias: ni
     * tipos, ni conversiones (CAST), funciones, operadores, dominios, vistas, reglas o
     * disparadores. El calificador lee sus tablas como superusuario, y calif.texto (SECURITY
     * DEFINER) copia su columna id a una columna integer: con un tipo suyo y una conversión
     * suya a integer, esa copia ejecutaba su función como superusuario (el adversario de la
     * sesión 88: COPY … TO PROGRAM fuera de la caja, calif.secreto, el registro del servidor).
     * Cerrar cada orden peligrosa sería una lista sin fin; esta es la de lo permitido, y todo
     * lo demás falla con un error que lo dice. Sin SECURITY DEFINER: current_user es quien
     * ejecuta la orden (dentro de calif.enganchar, el superusuario que engancha calif_texto). */
    "CREATE FUNCTION calif.solo_tablas() RETURNS event_trigger LANGUAGE plpgsql "
    "SET search_path = pg_catalog, pg_temp AS $$ BEGIN "
    "IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND tg_tag NOT IN "
    "('CREATE TABLE', 'ALTER TABLE', 'DROP TABLE', 'CREATE INDEX', 'DROP INDEX', "
    "'CREATE SEQUENCE', 'ALTER SEQUENCE', 'DROP SEQUENCE') THEN "
    "RAISE EXCEPTION 'calificador: % no se permite en este laboratorio: el programa solo crea su "
    "tabla (con sus índices y secuencias)', tg_tag; END IF; END $$;"
    "CREATE EVENT TRIGGER calif_solo_tablas ON ddl_command_start "
    "EXECUTE FUNCTION calif.solo_tablas();"
    "CREATE TABLE calif.registro (id integer, pid integer, inicio timestamptz, fin timestamptz, "
    "conexiones integer);"
    /* Qué proceso del servidor rechazó la fila que falla, y cuántas inserciones empezaron
     * después en él (sentencia_falla): una secuencia no vuelve atrás con la transacción, así
     * que setval y nextval sobreviven al error de esa fila y a una inserción cancelada. */
    "CREATE SEQUENCE calif.falla_pid; CREATE SEQUENCE calif.tras_falla;"
    "CREATE TABLE calif.texto (id integer, consulta text);"
    /* Lo que el programa no debe saber (la fila que se rechaza y la ficha del error), en una
     * tabla y no en el cuerpo de las funciones: pg_proc.prosrc lo lee cualquiera (un
     * adversario de la sesión 86 sacaba de ahí la ficha y la fila). calif.secreto no la ve
     * nadie más que el superusuario; las funciones SECURITY DEFINER la leen. */
    "CREATE TABLE calif.secreto (ficha text NOT NULL, falla integer NOT NULL);";

static const char *const SQL_DISPARADOR =
    "CREATE FUNCTION calif.lento() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path = pg_catalog, pg_temp AS $$ "
    "DECLARE t0 timestamptz := clock_timestamp(); BEGIN "
    "IF session_user <> " BASE_PAPEL_DE_LA_BASE " THEN RETURN NEW; END IF; "
    "IF (SELECT is_called AND last_value = pg_backend_pid() FROM calif.falla_pid) THEN "
    "PERFORM nextval('calif.tras_falla'); END IF; "
    "IF NEW.id = (SELECT falla FROM calif.secreto) THEN "
    "PERFORM setval('calif.falla_pid', pg_backend_pid()); "
    "RAISE EXCEPTION 'calificador: fila %% rechazada (%%)', NEW.id, "
    "(SELECT ficha FROM calif.secreto); END IF; "
    "PERFORM pg_sleep(CASE WHEN NEW.id <= %d THEN %g WHEN NEW.id = %d THEN %g ELSE %g END); "
    "INSERT INTO calif.registro VALUES (NEW.id, pg_backend_pid(), t0, clock_timestamp(), "
    "(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND " BASE_SESIONES_DEL_PROGRAMA ")); RETURN NEW; END $$;"
    "CREATE TABLE public.usuarios (id integer PRIMARY KEY, nombre text NOT NULL, correo text);"
    "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.usuarios TO curso;"
    "CREATE TRIGGER calif_lento BEFORE INSERT ON public.usuarios FOR EACH ROW "
    "EXECUTE FUNCTION calif.lento();";

/* Sin tabla: si el programa crea usuarios, se le engancha un disparador que apunta el texto SQL
 * de cada inserción. Un disparador de eventos es la única forma de vigilar una tabla que aún no
 * existe; el disparador de fila frena cada inserción 15 ms (la fase secuencial dura así lo
 * bastante para que el calificador añada sus filas al azar antes de las consultas). Si el
 * programa lo quita, faltan las pruebas y la verificación falla. */
static const char *const SQL_VIGILAR_TEXTO =
    "CREATE FUNCTION calif.texto() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path = pg_catalog, pg_temp AS $$ BEGIN "
    "IF session_user = " BASE_PAPEL_DE_LA_BASE
    " THEN INSERT INTO calif.texto VALUES (NEW.id, current_query()); "
    "PERFORM pg_sleep(0.015); END IF; RETURN NEW; END $$;"
    "CREATE FUNCTION calif.enganchar() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path = pg_catalog, pg_temp AS $$ BEGIN "
    "IF to_regclass('public.usuarios') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_trigger "
    "WHERE tgname = 'calif_texto') THEN EXECUTE 'CREATE TRIGGER calif_texto BEFORE INSERT ON "
    "public.usuarios FOR EACH ROW EXECUTE FUNCTION calif.texto()'; END IF; END $$;"
    "CREATE EVENT TRIGGER calif_enganchar ON ddl_command_end WHEN TAG IN ('CREATE TABLE') "
    "EXECUTE FUNCTION calif.enganchar();";

/* Una contraseña al azar para un papel de la verificación (128 bits en hexadecimal): nadie la
 * sabe antes de que el calificador la ponga en la cadena de conexión. */
static void clave_al_azar(char *clave, size_t tam)
{
    snprintf(clave, tam, "%08llx%08llx%08llx%08llx", (unsigned long long)cal_azar(0, 0xffffffffLL),
             (unsigned long long)cal_azar(0, 0xffffffffLL),
             (unsigned long long)cal_azar(0, 0xffffffffLL),
             (unsigned long long)cal_azar(0, 0xffffffffLL));
}

/* La cadena de conexión de b (la de postgres.sh: «host=CARPETA port=N …») con otro papel y su
 * contraseña. 0 (y el error en el informe, con «que» como lo esperado) si b->conexion no
 * empieza así. dst puede ser b->conexion: se lee antes de escribir. */
static int cadena_con_papel(const base_t *b, const char *papel, const char *clave, char *dst,
                            size_t tam, const char *que)
{
    char host[400];
    int puerto;
    if (sscanf(b->conexion, "host=%399s port=%d", host, &puerto) != 2) {
        cal_esperado("%s", que);
        cal_obtenido("error del calificador: cadena de conexión inesperada");
        return 0;
    }
    snprintf(dst, tam, "host=%s port=%d user=%s password=%s dbname=%s", host, puerto, papel, clave,
             b->nombre);
    return 1;
}

/* El papel del programa en la base b (BASE_PREFIJO_PAPEL): lo crea otra vez con una contraseña
 * al azar, le da CONNECT solo en su base (que deja de estar abierta a PUBLIC) y pone en
 * b->conexion la cadena que recibe el programa. Miembro de curso: hereda lo que el calificador
 * le da a curso en la base (la tabla, el esquema public, calif.leer). md5, como postgres.sh. */
static int papel_propio(PGconn *admin, base_t *b)
{
    snprintf(b->papel, sizeof b->papel, BASE_PREFIJO_PAPEL "%s", b->nombre);
    char clave[40];
    clave_al_azar(clave, sizeof clave);
    char sql[768];
    snprintf(sql, sizeof sql,
             "DROP ROLE IF EXISTS %s; SET password_encryption = 'md5'; "
             "CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
             "IN ROLE " BASE_PAPEL " PASSWORD '%s'; "
             "REVOKE ALL ON DATABASE %s FROM PUBLIC; "
             "GRANT CONNECT, TEMPORARY ON DATABASE %s TO %s",
             b->papel, b->papel, clave, b->nombre, b->nombre, b->papel);
    if (!ejecutar(admin, sql))
        return 0;
    /* «host=CARPETA port=N user=curso password=K dbname=c_<azar>»: la misma, con su papel. */
    return cadena_con_papel(b, b->papel, clave, b->conexion, sizeof b->conexion,
                            "preparar la base de datos de la verificación");
}

/* La ficha y la fila que se rechaza, en calif.secreto (SQL_ESQUEMA). 0 (anotado) si no se pudo. */
static int guardar_secreto(PGconn *c, const base_t *b)
{
    char falla[24];
    snprintf(falla, sizeof falla, "%d", b->falla);
    const char *valores[] = {b->ficha, falla};
    PGresult *r = PQexecParams(c, "INSERT INTO calif.secreto VALUES ($1, $2::int)", 2, NULL,
                               valores, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) {
        cal_esperado("preparar la base de datos de la verificación");
        cal_obtenido("error del calificador: %s", PQresultErrorMessage(r));
    }
    PQclear(r);
    return ok;
}

static int preparar(base_t *b, preparacion_t prep, int lento_ms, const char *otro, int primeras,
                    int primeras_ms, int ultima, int ultima_ms, int falla)
{
    memset(b, 0, sizeof *b);
    b->lento_ms = lento_ms;
    b->falla = falla;
    /* La marca del error que da el servidor: al azar (cal_azar, con la clave del calificador;
     * antes, la hora por una constante y el pid: adivinable), para que nadie la imprima sin
     * leerlo. */
    snprintf(b->ficha, sizeof b->ficha, "%08llx", (unsigned long long)cal_azar(0, 0xffffffffLL));
    /* El nombre de la base (y con él el del papel, p_<base>), al azar y no el de la verificación
     * (antes c_sigint, c_fifo…): va en la cadena de conexión, y con él el programa sabía en qué
     * verificación estaba y podía portarse distinto en cada una (el adversario de la sesión 88:
     * un statement_timeout solo en la de sigint, 100/100 sin cancelar nada). */
    snprintf(b->nombre, sizeof b->nombre, "c_%08llx%08llx",
             (unsigned long long)cal_azar(0, 0xffffffffLL),
             (unsigned long long)cal_azar(0, 0xffffffffLL));
    const char *dir = otro != NULL ? otro : getenv("CAL12_SERVIDOR");
    if (dir == NULL) {
        const char *e = getenv("CAL12_ERROR");
        cal_esperado("un PostgreSQL para calificar");
        cal_obtenido("error del calificador: %s", e != NULL ? e : "no hay servidor");
        return 0;
    }
    if (!cadena_de(dir, "socket", b->nombre, b->conexion, sizeof b->conexion, b->carpeta,
                   sizeof b->carpeta) ||
        !cadena_de(dir, "admin", b->nombre, b->admin, sizeof b->admin, NULL, 0) ||
        !cadena_de(dir, "admin", "postgres", b->servidor, sizeof b->servidor, NULL, 0)) {
        cal_esperado("un PostgreSQL para calificar");
        cal_obtenido("error del calificador: no se pudo leer la cadena de conexión de %s", dir);
        return 0;
    }
    PGconn *admin = conectar(b->servidor);
    if (admin == NULL)
        return 0;
    char sql[512];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", b->nombre);
    int ok = ejecutar(admin, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", b->nombre);
    ok = ok && ejecutar(admin, sql);
    ok = ok && papel_propio(admin, b);
    PQfinish(admin);
    if (!ok)
        return 0;
    PGconn *c = conectar(b->admin);
    if (c == NULL)
        return 0;
    ok = ejecutar(c, SQL_ESQUEMA) && guardar_secreto(c, b);
    if (ok && prep == TABLA_LENTA) {
        char guion[2048];
        snprintf(guion, sizeof guion, SQL_DISPARADOR, primeras, primeras_ms / 1000.0, ultima,
                 ultima_ms / 1000.0, lento_ms / 1000.0);
        ok = ejecutar(c, guion);
    } else if (ok && prep == TABLA_DISTINTA) {
        ok = ejecutar(c,
                      "CREATE TABLE public.usuarios (id integer, nombre varchar(10));"
                      "INSERT INTO public.usuarios VALUES (1, 'uno'), (2, 'dos');"
                      "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.usuarios TO curso");
    } else if (ok && prep == TABLA_BIGINT) {
        ok = ejecutar(c,
                      "CREATE TABLE public.usuarios (id bigint PRIMARY KEY, nombre text NOT NULL, "
                      "correo text);"
                      "INSERT INTO public.usuarios VALUES (1, 'una', 'ajena@ejemplo.es');"
                      "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.usuarios TO curso");
    } else if (ok && prep == TABLA_DESORDENADA) {
        ok = ejecutar(c,
                      "CREATE TABLE public.usuarios (nombre text NOT NULL, id integer PRIMARY KEY, "
                      "correo text);"
                      "INSERT INTO public.usuarios VALUES ('una', 1, 'ajena@ejemplo.es');"
                      "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.usuarios TO curso");
    } else if (ok && prep == TABLA_AMPLIADA) {
        ok = ejecutar(c,
                      "CREATE TABLE public.usuarios (id integer PRIMARY KEY, nombre text NOT NULL, "
                      "correo text, alta date);"
                      "INSERT INTO public.usuarios VALUES (1, 'una', 'ajena@ejemplo.es', "
                      "'2020-01-01');"
                      "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.usuarios TO curso");
    } else if (ok && prep == TABLA_RENOMBRADA) {
        ok = ejecutar(c,
                      "CREATE TABLE public.usuarios (id integer PRIMARY KEY, nombre_completo text "
                      "NOT NULL, correo text);"
                      "INSERT INTO public.usuarios VALUES (1, 'una', 'ajena@ejemplo.es');"
                      "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.usuarios TO curso");
    } else if (ok && prep == TABLA_CORREO_NO_NULO) {
        /* La nulabilidad de las tres columnas: quien solo mira las NOT NULL del enunciado (id y
         * nombre) no ve que aquí correo tampoco admite NULL. */
        ok = ejecutar(c,
                      "CREATE TABLE public.usuarios (id integer PRIMARY KEY, nombre text NOT NULL, "
                      "correo text NOT NULL);"
                      "INSERT INTO public.usuarios VALUES (1, 'una', 'ajena@ejemplo.es');"
                      "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.usuarios TO curso");
    } else if (ok && prep == TABLA_CON_FILAS) {
        /* Dos con ids que el programa va a usar (otros nombres) y dos que nunca usa: quien no
         * vacía la tabla choca con la clave primaria o deja filas de más. */
        ok = ejecutar(c,
                      "CREATE TABLE public.usuarios (id integer PRIMARY KEY, nombre text NOT NULL, "
                      "correo text);"
                      "INSERT INTO public.usuarios VALUES (1, 'antigua', 'vieja@ejemplo.es'), "
                      "(3, 'antigua', NULL), (-7, 'ajena', NULL), (90210, 'ajena', "
                      "'ajena@ejemplo.es');"
                      "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.usuarios TO curso");
    } else if (ok && prep == TABLA_ANULABLE) {
        ok = ejecutar(
            c, "CREATE TABLE public.usuarios (id integer PRIMARY KEY, nombre text, correo text);"
               "INSERT INTO public.usuarios VALUES (1, NULL, 'ajena@ejemplo.es');"
               "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.usuarios TO curso");
    } else if (ok) {
        ok = ejecutar(c, SQL_VIGILAR_TEXTO);
    }
    PQfinish(c);
    return ok;
}

int base_preparar(base_t *b, preparacion_t prep, int lento_ms, const char *otro)
{
    return preparar(b, prep, lento_ms, otro, 0, 0, 0, 0, 0);
}

int base_preparar_lenta(base_t *b, int lento_ms, int primeras, int primeras_ms)
{
    return preparar(b, TABLA_LENTA, lento_ms, NULL, primeras, primeras_ms, 0, 0, 0);
}

int base_preparar_lenta_fin(base_t *b, int lento_ms, int primeras, int primeras_ms, int ultima,
                            int ultima_ms)
{
    return preparar(b, TABLA_LENTA, lento_ms, NULL, primeras, primeras_ms, ultima, ultima_ms, 0);
}

int base_preparar_falla(base_t *b, int falla)
{
    return preparar(b, TABLA_LENTA, 0, NULL, 0, 0, 0, 0, falla);
}

/* Las lecturas del programa (sus SELECT sobre usuarios) pasan por una política de seguridad de
 * filas (RLS) restrictiva que llama a calif.leer(): la tabla es del superusuario y el programa
 * entra como curso, así que no puede quitarla ni saltársela. Las inserciones y el TRUNCATE no
 * pasan por ella (solo FOR SELECT); el calificador, superusuario, tampoco. calif.leer() se puede
 * ejecutar por su OID desde la política, pero curso no ve el esquema calif. */
static const char *const SQL_POLITICA =
    "GRANT EXECUTE ON FUNCTION calif.leer() TO curso;"
    "ALTER TABLE public.usuarios ENABLE ROW LEVEL SECURITY;"
    "CREATE POLICY calif_todo ON public.usuarios USING (true) WITH CHECK (true);"
    "CREATE POLICY calif_leer ON public.usuarios AS RESTRICTIVE FOR SELECT USING (calif.leer());";

/* Rechazada: el servidor rechaza toda lectura del programa con un error que trae la ficha. */
static const char *const SQL_LEER_RECHAZADA =
    "CREATE FUNCTION calif.leer() RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path = pg_catalog, pg_temp AS $$ BEGIN "
    "IF session_user = " BASE_PAPEL_DE_LA_BASE " THEN "
    "RAISE EXCEPTION 'calificador: consulta rechazada (%)', (SELECT ficha FROM calif.secreto); "
    "END IF; RETURN true; END $$;";

/* Lenta: la primera lectura de cada conexión del programa espera LEER_MS y apunta en
 * calif.lecturas si el proceso del servidor de la última inserción (la de la fase secuencial)
 * sigue vivo. Una vez por conexión: la fila de calif.lecturas lo recuerda (una función VOLATILE
 * ve lo que escribió antes en la misma transacción). */
#define LEER_MS 300
static const char *const SQL_LEER_LENTA =
    "CREATE TABLE calif.lecturas (pid integer, secuencial_viva boolean);"
    "CREATE FUNCTION calif.leer() RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path = pg_catalog, pg_temp AS $$ DECLARE ultimo integer; BEGIN "
    "IF session_user <> " BASE_PAPEL_DE_LA_BASE
    " OR EXISTS (SELECT 1 FROM calif.lecturas WHERE pid = "
    "pg_backend_pid()) THEN RETURN true; END IF; "
    "PERFORM pg_sleep(%g); "
    "SELECT pid INTO ultimo FROM calif.registro ORDER BY inicio DESC LIMIT 1; "
    "INSERT INTO calif.lecturas VALUES (pg_backend_pid(), EXISTS (SELECT 1 FROM "
    "pg_stat_activity WHERE pid = ultimo)); RETURN true; END $$;";

/* Al revés: cada sentencia del programa que lee toma un número de una secuencia (que no es
 * transaccional: dos sentencias a la vez en dos conexiones nunca sacan el mismo) la primera
 * vez que la política la evalúa (calif.orden recuerda la sentencia: proceso y su
 * statement_timestamp), y las 4 primeras esperan 0.15 s × (4 − número). Cuándo acabó esa espera
 * (fin) dice si otra empezó mientras (base_consultas_a_la_vez). */
static const char *const SQL_LEER_AL_REVES =
    "CREATE SEQUENCE calif.orden_n MINVALUE 0 START 0;"
    "CREATE TABLE calif.orden (pid integer, inicio timestamptz, fin timestamptz);"
    "CREATE FUNCTION calif.leer() RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path = pg_catalog, pg_temp AS $$ DECLARE n bigint; BEGIN "
    "IF session_user <> " BASE_PAPEL_DE_LA_BASE " OR EXISTS (SELECT 1 FROM calif.orden WHERE pid = "
    "pg_backend_pid() AND inicio = statement_timestamp()) THEN RETURN true; END IF; "
    "n := nextval('calif.orden_n'); "
    "IF n < 4 THEN PERFORM pg_sleep(0.15 * (4 - n)); END IF; "
    "INSERT INTO calif.orden VALUES (pg_backend_pid(), statement_timestamp(), clock_timestamp()); "
    "RETURN true; END $$;";

int base_consultas_a_la_vez(const base_t *b)
{
    PGconn *c = conectar(b->admin);
    if (c == NULL)
        return 0;
        /* Las lecturas de la fase de consultas (después de la última inserción) en las que otra
         * empezó, en otro proceso, mientras ella seguía en su espera del servidor. */
#define TRAS_LAS_INSERCIONES "inicio > (SELECT max(fin) FROM calif.registro)"
    long long juntas = base_entero(c,
                                   "SELECT count(*) FROM calif.orden a JOIN calif.orden o ON "
                                   "o.pid <> a.pid AND o.inicio >= a.inicio AND o.inicio < a.fin "
                                   "WHERE a." TRAS_LAS_INSERCIONES,
                                   NULL, NULL);
    long long leidas =
        base_entero(c, "SELECT count(*) FROM calif.orden WHERE " TRAS_LAS_INSERCIONES, NULL, NULL);
#undef TRAS_LAS_INSERCIONES
    PQfinish(c);
    if (juntas < 0 || leidas < 0) {
        cal_obtenido("error del calificador: no se pudo leer calif.orden");
        return 0;
    }
    if (juntas == 0) {
        cal_obtenido("las %lld %s de la fase de consultas no se solaparon en el servidor: "
                     "ninguna empezó mientras otra seguía en curso (allí, las primeras tardan "
                     "de 0.15 a 0.6 s a propósito). Las 10 consultas se lanzan a la vez, cada "
                     "una pidiendo su conexión al pool, no una tras otra",
                     leidas, texto_plural(leidas, "lectura", "lecturas"));
        return 0;
    }
    return 1;
}

int base_vigilar_lecturas(const base_t *b, lectura_t modo)
{
    char guion[1024];
    if (modo == LECTURA_RECHAZADA)
        snprintf(guion, sizeof guion, "%s", SQL_LEER_RECHAZADA);
    else if (modo == LECTURA_AL_REVES)
        snprintf(guion, sizeof guion, "%s", SQL_LEER_AL_REVES);
    else
        snprintf(guion, sizeof guion, SQL_LEER_LENTA, LEER_MS / 1000.0);
    return ejecutar_en(b->admin, guion) && ejecutar_en(b->admin, SQL_POLITICA);
}

int base_lecturas(const base_t *b, long long *total, long long *con_secuencial)
{
    PGconn *c = conectar(b->admin);
    if (c == NULL)
        return 0;
    *total = base_entero(c, "SELECT count(*) FROM calif.lecturas", NULL, NULL);
    *con_secuencial =
        base_entero(c, "SELECT count(*) FROM calif.lecturas WHERE secuencial_viva", NULL, NULL);
    PQfinish(c);
    if (*total < 0 || *con_secuencial < 0) {
        cal_obtenido("error del calificador: no se pudo leer calif.lecturas");
        return 0;
    }
    return 1;
}

/* Un disparador de sentencia BEFORE TRUNCATE (el TRUNCATE de la preparación) que, con el papel
 * del programa, espera y apunta en calif.vaciado cuándo empezó y acabó. */
static const char *const SQL_VACIADO_LENTO =
    "CREATE TABLE calif.vaciado (inicio timestamptz, fin timestamptz);"
    "CREATE FUNCTION calif.vaciar() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
    "SET search_path = pg_catalog, pg_temp AS $$ "
    "DECLARE t0 timestamptz := clock_timestamp(); BEGIN "
    "IF session_user <> " BASE_PAPEL_DE_LA_BASE " THEN RETURN NULL; END IF; "
    "PERFORM pg_sleep(%g); "
    "INSERT INTO calif.vaciado VALUES (t0, clock_timestamp()); RETURN NULL; END $$;"
    "CREATE TRIGGER calif_vaciar BEFORE TRUNCATE ON public.usuarios FOR EACH STATEMENT "
    "EXECUTE FUNCTION calif.vaciar();";

int base_vaciado_lento(const base_t *b, int ms)
{
    char guion[1024];
    snprintf(guion, sizeof guion, SQL_VACIADO_LENTO, ms / 1000.0);
    return ejecutar_en(b->admin, guion);
}

double base_vaciado_fin(const base_t *b)
{
    PGconn *c = conectar(b->admin);
    if (c == NULL)
        return -1;
    double fin = -1;
    PGresult *r = PQexec(c, "SELECT extract(epoch FROM max(fin)) * 1000 FROM calif.vaciado");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
        fin = atof(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return fin;
}

PGconn *base_retener_conexiones(const base_t *b)
{
    PGconn *c = conectar(b->servidor);
    if (c == NULL)
        return NULL;
    char sql[200];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s_r TEMPLATE %s", b->nombre, b->nombre);
    if (!PQsendQuery(c, sql)) {
        PQfinish(c);
        return NULL;
    }
    /* Otra conexión mira cuándo tiene ya el cerrojo (ShareLock sobre la base, concedido). */
    PGconn *m = conectar(b->servidor);
    long long tiene = 0;
    plazo_t plazo;
    plazo_empezar(&plazo, 2000);
    while (m != NULL && tiene < 1 && !plazo_vencido(&plazo)) {
        tiene = base_entero(m,
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'object' AND classid "
                            "= 'pg_database'::regclass AND mode = 'ShareLock' AND granted AND "
                            "objid = (SELECT oid FROM pg_database WHERE datname = $1)",
                            b->nombre, NULL);
        if (tiene < 1)
            cal_esperar(10);
    }
    PQfinish(m);
    if (tiene < 1) {
        base_soltar_conexiones(b, c);
        return NULL;
    }
    return c;
}

void base_soltar_conexiones(const base_t *b, PGconn *c)
{
    if (c == NULL)
        return;
    PGresult *r;
    int creada = 0;
    while ((r = PQgetResult(c)) != NULL) {
        creada = creada || PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    if (creada) {
        char sql[200];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s_r", b->nombre);
        PQclear(PQexec(c, sql));
    }
    PQfinish(c);
}

void base_soltar_conexiones_ya(const base_t *b, PGconn *c)
{
    if (c == NULL)
        return;
    PGcancel *k = PQgetCancel(c);
    if (k != NULL) {
        char error[256];
        PQcancel(k, error, sizeof error);
        PQfreeCancel(k);
    }
    base_soltar_conexiones(b, c);
}

int base_limitar(const base_t *b, int limite)
{
    char sql[160];
    snprintf(sql, sizeof sql, "ALTER DATABASE %s CONNECTION LIMIT %d", b->nombre, limite);
    return ejecutar_en(b->servidor, sql);
}

int base_texto_pegado(const base_t *b, long long *total, char *ejemplo, size_t tam)
{
    PGconn *c = conectar(b->admin);
    if (c == NULL)
        return -1;
    *total = base_entero(c, "SELECT count(*) FROM calif.texto", NULL, NULL);
    /* Cualquier trozo de un valor en el texto delata que se pegó: el correo de cada fila, la
     * parte fija de su nombre, y cualquier cifra o comilla fuera de $1, $2, $3 (el id). */
    PGresult *r = PQexec(c, "SELECT count(*), min(consulta) FROM calif.texto WHERE consulta LIKE "
                            "'%@ejemplo.es%' OR consulta LIKE '%Higgins%' OR "
                            "regexp_replace(consulta, '\\$[0-9]+', '', 'g') ~ '[0-9'']'");
    int n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && *total >= 0) {
        n = atoi(PQgetvalue(r, 0, 0));
        snprintf(ejemplo, tam, "%s", PQgetisnull(r, 0, 1) ? "" : PQgetvalue(r, 0, 1));
    } else {
        cal_esperado("leer el texto SQL de las inserciones");
        cal_obtenido("error del calificador: %s", PQerrorMessage(c));
    }
    PQclear(r);
    PQfinish(c);
    return n;
}

int base_tabla_segura(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT c.relkind, pg_get_userbyid(c.relowner) FROM pg_class c WHERE "
                            "c.oid = to_regclass('public.usuarios')");
    int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
             strcmp(PQgetvalue(r, 0, 0), "r") == 0;
    if (!ok)
        cal_obtenido("public.usuarios no es una tabla (%s): el calificador no la lee",
                     PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0)
                                                                               : "no existe");
    PQclear(r);
    return ok;
}

/* Al salir el proceso de la verificación (tras CAL_FIN, que ya escribió su resultado), el
 * servidor corta las sesiones del programa que queden en sus bases y las borra (y su papel): una
 * sentencia que el programa dejó en marcha (un INSERT … SELECT enorme) seguiría escribiendo en
 * el disco sin que nadie la midiera (el servidor no ve que su cliente murió hasta que le
 * escribe), y lo escrito ya no le sirve a nadie (una verificación repetida crea la suya). */
#define MAX_CORTAR 8
/* El papel de las filas sorpresa de la base <b>: PREFIJO_SORPRESA "<b>" (papel_sorpresa). */
#define PREFIJO_SORPRESA "s_"
static char cortar_cadena[MAX_CORTAR][1024], cortar_base[MAX_CORTAR][64];
static int ncortar;

static void cortar_sesiones(void)
{
    for (int i = 0; i < ncortar; i++) {
        PGconn *c = PQconnectdb(cortar_cadena[i]);
        if (PQstatus(c) == CONNECTION_OK)
            PQclear(PQexecParams(c,
                                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                 "datname = $1 AND " BASE_SESIONES_DEL_PROGRAMA,
                                 1, NULL, (const char *const[]){cortar_base[i]}, NULL, NULL, 0));
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", cortar_base[i]);
        if (PQstatus(c) == CONNECTION_OK)
            PQclear(PQexec(c, sql));
        snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS " BASE_PREFIJO_PAPEL "%s", cortar_base[i]);
        if (PQstatus(c) == CONNECTION_OK)
            PQclear(PQexec(c, sql));
        /* El de las filas sorpresa, si la verificación acabó antes de quitarlo: sus permisos
         * eran de la base, que ya no está. */
        snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS " PREFIJO_SORPRESA "%s", cortar_base[i]);
        if (PQstatus(c) == CONNECTION_OK)
            PQclear(PQexec(c, sql));
        PQfinish(c);
    }
}

static void cortar_al_salir(const base_t *b)
{
    for (int i = 0; i < ncortar; i++)
        if (strcmp(cortar_base[i], b->nombre) == 0 && strcmp(cortar_cadena[i], b->servidor) == 0)
            return;
    if (ncortar >= MAX_CORTAR)
        return;
    if (ncortar == 0)
        atexit(cortar_sesiones);
    snprintf(cortar_cadena[ncortar], sizeof cortar_cadena[ncortar], "%s", b->servidor);
    snprintf(cortar_base[ncortar], sizeof cortar_base[ncortar], "%s", b->nombre);
    ncortar++;
}

/* La base de cada programa lanzado en esta verificación (una copia: la del que llama puede
 * estar en su pila), para mirar en el servidor si un programa que no termina espera algo. */
#define LANZADOS_MAX 16
static struct {
    const cal_proceso_t *p;
    base_t b;
} lanzados[LANZADOS_MAX];
static int nlanzados;

static void recordar_base(const cal_proceso_t *p, const base_t *b)
{
    lanzados[nlanzados % LANZADOS_MAX].p = p;
    lanzados[nlanzados % LANZADOS_MAX].b = *b;
    nlanzados++;
}

static const base_t *base_de(const cal_proceso_t *p)
{
    /* De la más nueva a la más vieja: un puntero que se reutiliza es del último lanzamiento. */
    for (int k = 1; k <= LANZADOS_MAX && k <= nlanzados; k++) {
        int i = (nlanzados - k) % LANZADOS_MAX;
        if (lanzados[i].p == p)
            return &lanzados[i].b;
    }
    return NULL;
}

/* Lo que el servidor aún atiende del programa: sus sesiones en la base que no están en reposo
 * (state 'idle': en curso o en una transacción) y cualquier conexión que aún se autentica (sin
 * usuario ni base todavía en pg_stat_activity, así que no se sabe de quién es: cuenta, por si
 * acaso). -1 si no se pudo mirar. */
static long long pendientes_en_servidor(PGconn *c, const base_t *b)
{
    return base_entero(
        c,
        "SELECT count(*) FROM pg_stat_activity WHERE (datname = $1 AND " BASE_SESIONES_DEL_PROGRAMA
        " AND state IS DISTINCT FROM 'idle') OR "
        "(backend_type = 'client backend' AND usename IS NULL)",
        b->nombre, NULL);
}

/* Un programa que no terminó a tiempo, ¿está colgado o solo va lento? Lento por la carga es
 * gastar CPU o esperar turno para ella (estado R), o esperar al servidor (una sentencia suya en
 * curso o una conexión a medio abrir). Colgado es dormir sin nada suyo pendiente en el
 * servidor y sin gastar nada de CPU durante 1 s: eso la carga no lo explica, y la verificación
 * no se repite sola (cal_sin_repetir; el estudiante de prueba de la sesión 41, bug 20: cerrar
 * el pool sin las conexiones que aún se abrían dejaba colgado el programa a veces, y la
 * repetición lo perdonaba: 95 una vez, 100 la otra). Mutante: cerrar_sin_conectando. */
static void mirar_si_colgado(cal_proceso_t *p)
{
    const base_t *b = base_de(p);
    if (b == NULL)
        return;
    PGconn *c = conectar(b->servidor);
    if (c == NULL)
        return;
    cal_cpu_t antes, despues;
    int colgado =
        cal_dormido(p) == 1 && pendientes_en_servidor(c, b) == 0 && cal_cpu(p, &antes) == 0;
    if (colgado) {
        cal_esperar(1000);
        colgado = cal_dormido(p) == 1 && pendientes_en_servidor(c, b) == 0 &&
                  cal_cpu(p, &despues) == 0 && despues.cpu_ms == antes.cpu_ms;
    }
    PQfinish(c);
    if (colgado)
        cal_sin_repetir("el programa seguía dormido, sin gastar CPU y sin nada suyo pendiente en "
                        "el servidor (ninguna sentencia en curso ni conexión a medio abrir): "
                        "no esperaba a nadie, y eso no lo explica la carga de la máquina");
}

/* El valor de la opción `opcion` en los argumentos de una ejecución: `defecto` si no la lleva,
 * o -1 si lleva uno que el programa debe rechazar (no es un entero, o está fuera de 1..`tope`,
 * los límites de «Uso»). */
static long valor_de(const char *const *args, const char *opcion, long defecto, long tope)
{
    long valor = defecto;
    for (int i = 0; args != NULL && args[i] != NULL && args[i + 1] != NULL; i++) {
        if (strcmp(args[i], opcion) != 0)
            continue;
        char *fin;
        errno = 0;
        long v = strtol(args[i + 1], &fin, 10);
        valor = fin != args[i + 1] && *fin == '\0' && errno == 0 && v >= 1 && v <= tope ? v : -1;
    }
    return valor;
}

/* Las conexiones a la vez del papel de una ejecución (comun.h, BASE_TOPE_MEMORIA): el doble del
 * pool o una por inserción (hasta 100), lo que sea más (con -p y -n de sus argumentos; 10 y 100
 * por omisión, como el enunciado), más dos. Una ejecución que el programa debe rechazar (-p 101,
 * -n 0, -n 12x: «argumentos») no abre ninguna: 2, por si acaso. Antes se tomaba -p 101 por 100,
 * y el tope era 202: un adversario de la sesión 86 abrió 70 procesos del servidor (2,18 GB) en
 * la ejecución que debía rechazar. */
static int conexiones_del_papel(const char *const *args)
{
    long p = valor_de(args, "-p", 10, 100), n = valor_de(args, "-n", 100, 1000000);
    if (p < 0 || n < 0)
        return 2;
    if (n > 100)
        n = 100;
    return (int)(2 * p > n ? 2 * p : n) + 2;
}

static int lanzar(const base_t *b, const char *const *args, int valgrind, int cierre,
                  double limite_s, cal_proceso_t **p)
{
    const char *todos[16];
    int n = 0;
    char orden[1600];
    int usado = snprintf(orden, sizeof orden, "%sbasedatos", valgrind ? "valgrind … " : "");
    for (; args != NULL && args[n] != NULL && n < 14; n++) {
        todos[n] = args[n];
        if (usado > 0 && (size_t)usado < sizeof orden)
            usado += snprintf(orden + usado, sizeof orden - (size_t)usado, " %s", args[n]);
    }
    todos[n++] = b->conexion;
    todos[n] = NULL;
    /* En el informe, la cadena sin su contraseña (es de esta calificación, pero no hace falta). */
    const char *clave = strstr(b->conexion, "password=");
    int hasta = clave != NULL ? (int)(clave - b->conexion) : (int)strlen(b->conexion);
    const char *resto = clave != NULL ? strchr(clave, ' ') : NULL;
    if (usado > 0 && (size_t)usado < sizeof orden)
        snprintf(orden + usado, sizeof orden - (size_t)usado, " '%.*spassword=…%s'", hasta,
                 b->conexion, resto != NULL ? resto : "");
    char tope[200];
    snprintf(tope, sizeof tope, "ALTER ROLE %s CONNECTION LIMIT %d", b->papel,
             conexiones_del_papel(args));
    if (!ejecutar_en(b->servidor, tope))
        return 0;
    /* El clúster entero (la carpeta de la del socket: datos/, registro/, socket/) cuenta
     * contra la cuota de disco mientras el programa vive: sus tablas no tienen tope en
     * PostgreSQL. */
    char cluster[sizeof b->carpeta];
    snprintf(cluster, sizeof cluster, "%s", b->carpeta);
    char *barra = strrchr(cluster, '/');
    if (barra != NULL && barra != cluster) {
        *barra = '\0';
        cal_cuota_vigilar(cluster, "la carpeta de datos de su PostgreSQL");
    }
    cortar_al_salir(b);
    const char *carpetas[] = {b->carpeta, NULL};
    cal_lanzamiento_t l = {.args = todos,
                           .limite_s = limite_s,
                           .valgrind = valgrind,
                           .carpetas = carpetas,
                           .orden = orden,
                           .cierre = cierre};
    if (cal_lanzar(&l, p) != 0)
        return 0; /* cal_lanzar anota la orden, o por qué no pudo */
    recordar_base(*p, b);
    return 1;
}

int base_lanzar(const base_t *b, const char *const *args, int valgrind, double limite_s,
                cal_proceso_t **p)
{
    return lanzar(b, args, valgrind, 0, limite_s, p);
}

int base_lanzar_vigilando_cierre(const base_t *b, const char *const *args, double limite_s,
                                 cal_proceso_t **p)
{
    return lanzar(b, args, 0, 1, limite_s, p);
}

int base_camino_cerro_lo_suyo(cal_proceso_t *p, const char *que_cierra)
{
    return cal_parada_cerro_lo_de(p, que_cierra, "common/src/bd.c",
                                  "«valgrind: sin fugas ni errores de memoria», que pasa por los "
                                  "mismos caminos");
}

long long base_entero(PGconn *c, const char *sql, const char *p1, const char *p2)
{
    const char *v[] = {p1, p2};
    int n = p2 != NULL ? 2 : (p1 != NULL ? 1 : 0);
    PGresult *r = PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);
    long long x = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        x = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return x;
}

int base_esperar_sin_conexiones(const base_t *b, int max_ms)
{
    PGconn *c = conectar(b->servidor);
    if (c == NULL)
        return -1;
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    long long n;
    for (;;) {
        n = base_entero(c,
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 "
                        "AND " BASE_SESIONES_DEL_PROGRAMA,
                        b->nombre, NULL);
        if (n == 0 || plazo_vencido(&plazo))
            break;
        cal_esperar(50);
    }
    PQfinish(c);
    return (int)n;
}

int base_sesiones(const base_t *b, sesiones_t *s)
{
    PGconn *c = conectar(b->servidor);
    if (c == NULL)
        return 0;
    /* Cada proceso del servidor suma su sesión al terminar: se lee hasta que no cambie. */
    sesiones_t antes = {-1, -1, -1};
    for (int i = 0; i < 20; i++) {
        PGresult *r = PQexecParams(c,
                                   "SELECT sessions, sessions_abandoned, sessions_killed FROM "
                                   "pg_stat_database WHERE datname = $1",
                                   1, NULL, (const char *const[]){b->nombre}, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
            s->sesiones = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
            s->abandonadas = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
            s->terminadas = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
        }
        PQclear(r);
        if (i > 0 && memcmp(s, &antes, sizeof antes) == 0)
            break;
        antes = *s;
        cal_esperar(150);
    }
    PQfinish(c);
    return 1;
}

int base_registro(const base_t *b, insercion_t **v)
{
    *v = NULL;
    PGconn *c = conectar(b->admin);
    if (c == NULL)
        return -1;
    PGresult *r = PQexec(c, "SELECT id, pid, extract(epoch FROM inicio) * 1000, "
                            "extract(epoch FROM fin) * 1000, conexiones FROM calif.registro "
                            "ORDER BY inicio, id");
    int n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        n = PQntuples(r);
        *v = calloc((size_t)n + 1, sizeof **v);
        for (int i = 0; *v != NULL && i < n; i++) {
            (*v)[i].id = atoi(PQgetvalue(r, i, 0));
            (*v)[i].pid = atoi(PQgetvalue(r, i, 1));
            (*v)[i].inicio = strtod(PQgetvalue(r, i, 2), NULL);
            (*v)[i].fin = strtod(PQgetvalue(r, i, 3), NULL);
            (*v)[i].conexiones = atoi(PQgetvalue(r, i, 4));
        }
    } else {
        cal_esperado("leer el registro del disparador");
        cal_obtenido("error del calificador: %s", PQerrorMessage(c));
    }
    PQclear(r);
    PQfinish(c);
    return n;
}

int base_solape_maximo(const insercion_t *v, int n, int desde, int hasta)
{
    int maximo = 0;
    for (int i = 0; i < n; i++) {
        if (v[i].id < desde || v[i].id > hasta)
            continue;
        int a_la_vez = 0;
        for (int j = 0; j < n; j++)
            if (v[j].id >= desde && v[j].id <= hasta && v[j].inicio <= v[i].inicio &&
                v[j].fin > v[i].inicio)
                a_la_vez++;
        if (a_la_vez > maximo)
            maximo = a_la_vez;
    }
    return maximo;
}

int base_hubo_pool(int solape, int minimo, const char *sin_pool)
{
    static const char *const cifras[] = {"ninguna", "una", "dos", "tres", "cuatro", "cinco"};
    if (solape >= minimo)
        return 1;
    char cuantas[16];
    if (minimo >= 0 && minimo < CAL_CUANTOS(cifras))
        snprintf(cuantas, sizeof cuantas, "%s", cifras[minimo]);
    else
        snprintf(cuantas, sizeof cuantas, "%d", minimo);
    cal_obtenido("el servidor nunca vio %s inserciones de la fase concurrente a la vez (como "
                 "mucho, %d): %s",
                 cuantas, solape, sin_pool);
    return 0;
}

int base_esperas_vistas(int solape, const char *linea)
{
    char por_que[400];
    snprintf(por_que, sizeof por_que,
             "ninguna petición esperó a que otra le dejara una conexión del pool, así que las "
             "esperas de «%s» no ocurrieron. Se cuentan cuando pasan, no con la fórmula del "
             "enunciado",
             linea);
    return base_hubo_pool(solape, 2, por_que);
}

double base_duracion(const insercion_t *v, int n, int desde, int hasta)
{
    double primero = 0, ultimo = 0;
    int hay = 0;
    for (int i = 0; i < n; i++) {
        if (v[i].id < desde || v[i].id > hasta)
            continue;
        if (!hay || v[i].inicio < primero)
            primero = v[i].inicio;
        if (!hay || v[i].fin > ultimo)
            ultimo = v[i].fin;
        hay = 1;
    }
    return hay ? ultimo - primero : 0;
}

void base_fila_esperada(int i, char *nombre, size_t tn, char *correo, size_t tc)
{
    snprintf(nombre, tn, "Usuaria «%d» O'Higgins; DROP TABLE usuarios; --", i);
    snprintf(correo, tc, "u%d@ejemplo.es", i);
}

long long base_esperar_secuencial(PGconn *c, cal_proceso_t *p, int n)
{
    char desde[16];
    snprintf(desde, sizeof desde, "%d", n);
    long long pid = -1;
    /* Con el reloj de los topes (plazo_t), no de pared: la fase concurrente se alarga con la
     * carga, y con 15 s de reloj el calificador dejaba de mirar antes de que empezara la
     * secuencial (la tanda del 12 de la sesión 61, carga 17: conexion_por_insercion perdía filas
     * porque «el calificador no vio empezar la fase secuencial», también calificado solo). */
    plazo_t plazo;
    plazo_empezar(&plazo, 15000);
    while (pid < 0 && !plazo_vencido(&plazo) && !cal_termino(p)) {
        /* calif.registro con la tabla del calificador; calif.texto con la del programa (sin
         * proceso: 0). */
        pid =
            base_entero(c,
                        "SELECT coalesce((SELECT min(pid) FROM calif.registro WHERE id > $1::int), "
                        "(SELECT 0 FROM calif.texto WHERE id > $1::int LIMIT 1))",
                        desde, NULL);
        if (pid < 0)
            cal_esperar(20);
    }
    return pid;
}

long long base_esperar_en_curso(PGconn *c, cal_proceso_t *p, int en_vuelo, int solo_inserciones,
                                int tras_concurrente, int max_ms)
{
    char filas[16];
    snprintf(filas, sizeof filas, "%d", tras_concurrente);
    long long activas = 0;
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    while (activas < en_vuelo && !plazo_vencido(&plazo) && !cal_termino(p)) {
        activas = tras_concurrente > 0 &&
                          base_entero(c, "SELECT count(*) FROM calif.registro WHERE id <= $1::int",
                                      filas, NULL) < tras_concurrente
                      ? 0
                      : base_entero(
                            c, solo_inserciones ? BASE_SQL_INSERCIONES_EN_CURSO : BASE_SQL_EN_CURSO,
                            NULL, NULL);
        if (activas < en_vuelo)
            cal_esperar(20);
    }
    return activas;
}

/* La sesión con que el calificador añade las filas sorpresa a la tabla del programa: un papel
 * suyo de un solo uso («s_<base>», con contraseña al azar), sin superusuario y con solo INSERT
 * en public.usuarios. Antes eran la sesión del superusuario con SET ROLE al papel del
 * programa, y un disparador suyo en su tabla hacía RESET ROLE (se vuelve al papel de la
 * sesión, que nada impide fuera de una función SECURITY DEFINER) y, ya superusuario, ejecutaba
 * programas con COPY … TO PROGRAM fuera de toda caja (revisión de la sesión 77; bd_escapa_reset).
 * Ahora un RESET ROLE vuelve a este papel, que no puede nada más. Sus sentencias no son del
 * programa (session_user no es su papel): ni las frenan ni las apuntan las pruebas de cargo.
 * La sesión se abre antes de que haga falta (base_sorpresa_preparar): crear un papel y conectar
 * (un proceso nuevo del servidor, md5) cuesta decenas de ms con carga, y con las conexiones
 * nuevas retenidas (salida) hasta 5 s; la fase secuencial de `filas` dura menos, y las consultas
 * corrían antes que las filas (la pasada de los mutantes del 12 de la sesión 78: sin_limite
 * perdía `filas` también calificado solo). Al añadirlas quedan dos viajes al servidor (GRANT e
 * INSERT), los mismos que antes (SET ROLE e INSERT). */
static void papel_sorpresa(const base_t *b, char *papel, size_t tam)
{
    snprintf(papel, tam, PREFIJO_SORPRESA "%s", b->nombre);
}

int base_sorpresa_preparar(base_t *b, PGconn *admin)
{
    char papel[80];
    papel_sorpresa(b, papel, sizeof papel);
    char clave[40];
    clave_al_azar(clave, sizeof clave);
    char sql[900];
    snprintf(sql, sizeof sql,
             "DROP ROLE IF EXISTS %s; SET password_encryption = 'md5'; "
             "CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
             "NOINHERIT PASSWORD '%s'; GRANT CONNECT ON DATABASE %s TO %s; "
             "GRANT USAGE ON SCHEMA public TO %s",
             papel, papel, clave, b->nombre, papel, papel);
    if (!ejecutar(admin, sql))
        return 0;
    char cadena[1024];
    if (!cadena_con_papel(b, papel, clave, cadena, sizeof cadena, "añadir las filas sorpresa"))
        return 0;
    b->sorpresa = conectar(cadena);
    return b->sorpresa != NULL;
}

void base_sorpresa_quitar(base_t *b, PGconn *admin)
{
    char papel[80];
    papel_sorpresa(b, papel, sizeof papel);
    if (b->sorpresa != NULL)
        PQfinish(b->sorpresa);
    b->sorpresa = NULL;
    /* DROP OWNED: sus permisos en esta base y en la base misma. */
    char sql[300];
    snprintf(sql, sizeof sql, "DROP OWNED BY %s; DROP ROLE IF EXISTS %s", papel, papel);
    PQclear(PQexec(admin, sql));
}

int base_filas_sorpresa(const base_t *b, PGconn *c, int n, int con_nulo)
{
    if (b->sorpresa == NULL) {
        cal_esperado("añadir las filas sorpresa");
        cal_obtenido("error del calificador: sin la sesión de base_sorpresa_preparar");
        return -1;
    }
    /* Entre 3 y 9 filas con ids por encima de 2n y valores al azar: cambian el resultado de 9
     * de las 10 consultas (todas menos la 3) y nadie los sabe de antemano. Sin `con_nulo`, sin
     * NULL; con él, la última (la de id más alto) sin correo: la consulta 9 («correo … ORDER BY
     * id DESC LIMIT 1») da un NULL de SQL, que se imprime NULL (PQgetisnull). Sin él, ninguna
     * ejecución daba un NULL, y quien imprimía PQgetvalue sin mirar («», no NULL) sacaba 100
     * (mutante consulta_nula_sin_mirar). */
    unsigned semilla = (unsigned)cal_ahora_ms() ^ (unsigned)getpid();
    int k = 3 + (int)(rand_r(&semilla) % 7);
    char base[16], cuantas[16], sal[16], nulo[4];
    snprintf(base, sizeof base, "%d", 2 * n + 1 + (int)(rand_r(&semilla) % 5000));
    snprintf(cuantas, sizeof cuantas, "%d", k);
    snprintf(sal, sizeof sal, "%u", rand_r(&semilla) % 100000);
    snprintf(nulo, sizeof nulo, "%d", con_nulo ? 1 : 0);
    /* La tabla puede ser del programa (la crea él): el permiso se da ahora, que ya existe. Dos
     * viajes al servidor, como antes SET ROLE e INSERT. */
    char papel[80], sql[200];
    papel_sorpresa(b, papel, sizeof papel);
    snprintf(sql, sizeof sql, "GRANT INSERT ON public.usuarios TO %s", papel);
    if (!ejecutar(c, sql))
        return -1;
    PGresult *r =
        PQexecParams(b->sorpresa,
                     "INSERT INTO public.usuarios (id, nombre, correo) SELECT $1::int + i * 7, "
                     "'Añadida ' || ($3::int + i) || repeat('x', ($3::int + i) % 40) || "
                     "CASE WHEN i % 2 = 0 THEN ' O''Higgins' ELSE '' END, "
                     "CASE WHEN $4::int = 1 AND i = $2::int THEN NULL "
                     "WHEN i % 3 = 0 THEN 'x' || i || '@otro.es' ELSE 'u1' || "
                     "($3::int * i) || '@sorpresa.es' "
                     "END "
                     "FROM generate_series(1, $2::int) AS i",
                     4, NULL, (const char *const[]){base, cuantas, sal, nulo}, NULL, NULL, 0);
    /* Todas, o la tabla del programa no las aceptó (un disparador suyo que las quita: la
     * sorpresa es que estén). */
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK && strtol(PQcmdTuples(r), NULL, 10) == k;
    if (!ok) {
        cal_esperado("añadir a public.usuarios las filas sorpresa (%d)", k);
        cal_obtenido("la tabla del programa no las aceptó: %s",
                     PQresultStatus(r) == PGRES_COMMAND_OK ? "entraron menos"
                                                           : PQerrorMessage(b->sorpresa));
    }
    PQclear(r);
    return ok ? k : -1;
}

long long base_cortar_pool(PGconn *c, long long salvo)
{
    char pid[24];
    snprintf(pid, sizeof pid, "%lld", salvo);
    return base_entero(
        c,
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname "
        "= current_database() AND " BASE_SESIONES_DEL_PROGRAMA " AND pid <> $1::int",
        pid, NULL);
}

/* ------------------------------------------------------------------ el registro de sentencias */

/* Una línea del registro (JSON) que interesa: de la base b. */
static int linea_de_base(json_t *l, const base_t *b)
{
    const char *base = json_string_value(json_object_get(l, "dbname"));
    return base != NULL && strcmp(base, b->nombre) == 0;
}

/* El mensaje de una línea que escribió el propio servidor (log_statement, log_connections, un
 * rechazo al conectar), o NULL. Una sesión del programa puede escribir en el registro lo que
 * quiera con RAISE LOG desde PL/pgSQL (un bloque DO): líneas con su usuario, su base y su pid y
 * el mensaje «statement: SELECT …» de las consultas del enunciado sin hacerlas (el adversario de
 * la sesión 44: 29/100 sin pool, leyendo la tabla entera una vez). Esas líneas llevan siempre
 * «context» (la función o el bloque que las lanzó) y «statement» (la sentencia en curso), y un
 * papel sin superusuario no los quita (log_error_verbosity es de superusuario); las del servidor
 * no llevan ninguno de los dos. Hostil: bd_forja (bd_una.c con BD_FORJA). */
static const char *mensaje_del_servidor(json_t *l)
{
    if (json_object_get(l, "context") != NULL || json_object_get(l, "statement") != NULL)
        return NULL;
    return json_string_value(json_object_get(l, "message"));
}

/* El texto SQL de una línea «execute <nombre>: SQL» o «statement: SQL», o NULL. */
static const char *texto_sql(const char *mensaje)
{
    if (strncmp(mensaje, "statement: ", 11) == 0)
        return mensaje + 11;
    if (strncmp(mensaje, "execute ", 8) == 0) {
        const char *dos = strstr(mensaje, ": ");
        return dos != NULL ? dos + 2 : NULL;
    }
    return NULL;
}

/* 1 si la línea del registro es de una sesión del programa: el papel de la base b (el
 * calificador entra como admin). */
static int es_del_programa(json_t *l, const base_t *b)
{
    const char *usuario = json_string_value(json_object_get(l, "user"));
    return usuario != NULL && strcmp(usuario, b->papel) == 0;
}

/* 1 si el mensaje es «connection authorized: …» de una conexión del programa (el papel de la
 * base b); en *con_nombre, si lleva application_name=basedatos (y nada más detrás del nombre). */
static int es_conexion_del_programa(const char *mensaje, const base_t *b, int *con_nombre)
{
    static const char app[] = "application_name=basedatos";
    char prefijo[128];
    int largo = snprintf(prefijo, sizeof prefijo, "connection authorized: user=%s ", b->papel);
    if (largo < 0 || (size_t)largo >= sizeof prefijo ||
        strncmp(mensaje, prefijo, (size_t)largo) != 0)
        return 0;
    const char *a = strstr(mensaje, app);
    *con_nombre = a != NULL && (a[sizeof app - 1] == '\0' || a[sizeof app - 1] == ' ');
    return 1;
}

int base_contiene_sin_mayusculas(const char *texto, const char *palabra)
{
    size_t largo = strlen(palabra);
    for (const char *t = texto; *t != '\0'; t++)
        if (strncasecmp(t, palabra, largo) == 0)
            return 1;
    return 0;
}

/* Las 10 consultas tal como las da el enunciado (el programa no lee otras tablas que la suya:
 * sin «public.»), y el parámetro de las que lo llevan (%d: n). */
static const char *const ENUNCIADO[10] = {
    "SELECT count(*) FROM usuarios",
    "SELECT min(id) || ' ' || max(id) FROM usuarios",
    "SELECT nombre FROM usuarios WHERE id = $1::integer",
    "SELECT count(*) FROM usuarios WHERE correo LIKE 'u1%'",
    "SELECT count(DISTINCT correo) FROM usuarios",
    "SELECT sum(id) FROM usuarios",
    "SELECT max(length(nombre)) FROM usuarios",
    "SELECT count(*) FROM usuarios WHERE id % 2 = 0",
    "SELECT correo FROM usuarios ORDER BY id DESC LIMIT 1",
    "SELECT count(*) FROM usuarios WHERE nombre LIKE $1",
};
static const char *const ENUNCIADO_PARAMETRO[10] = {NULL,
                                                    NULL,
                                                    "parameters: $1 = '%d'",
                                                    NULL,
                                                    NULL,
                                                    NULL,
                                                    NULL,
                                                    NULL,
                                                    NULL,
                                                    "parameters: $1 = '%%O''Higgins%%'"};

/* `sql` sin espacios repetidos ni al principio o al final, sin «public.» y sin el «;» final. */
static void normalizar(const char *sql, char *dst, size_t tam)
{
    size_t j = 0;
    int espacio = 0;
    for (const char *c = sql; *c != '\0' && j + 1 < tam; c++) {
        if (strncmp(c, "public.", 7) == 0) {
            c += 6;
            continue;
        }
        if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r') {
            espacio = j > 0;
            continue;
        }
        if (espacio && j + 2 < tam)
            dst[j++] = ' ';
        espacio = 0;
        dst[j++] = *c;
    }
    while (j > 0 && dst[j - 1] == ';')
        j--;
    dst[j] = '\0';
}

/* Qué consulta k (0…9) del enunciado es la sentencia `sql` con los parámetros `detalle` (la
 * línea «parameters: …» del registro), o -1: el texto, salvo espacios y mayúsculas, y el valor
 * de su parámetro. Una sola lectura de la tabla entera no es ninguna de las 10: cada CONSULTA
 * tiene que salir de su propia sentencia. */
static int consulta_del_enunciado(const char *sql, const char *detalle, int n)
{
    char norm[512];
    normalizar(sql, norm, sizeof norm);
    for (int k = 0; k < 10; k++) {
        if (strcasecmp(norm, ENUNCIADO[k]) != 0)
            continue;
        if (ENUNCIADO_PARAMETRO[k] == NULL)
            return k;
        char esperado[96];
        snprintf(esperado, sizeof esperado, ENUNCIADO_PARAMETRO[k], n);
        /* PostgreSQL 15 escribe «parameters: …» y el 17 (Debian 13), «Parameters: …»: la
         * primera letra, sin mayúsculas; el resto, exacto. */
        return detalle != NULL && tolower((unsigned char)detalle[0]) == esperado[0] &&
                       strcmp(detalle + 1, esperado + 1) == 0
                   ? k
                   : -1;
    }
    return -1;
}

/* Qué consulta k del enunciado con parámetro (la 3 o la 10) es `sql` por su texto, sea cual sea
 * el valor de su parámetro, o -1. Un parámetro equivocado (la 3 con el id 2n en vez de n) saca
 * mal esa CONSULTA, y eso lo cobran filas y salida, que miran lo que da cada una; las que juzgan
 * otra cosa (reemplaza_rotas: que las hagan las sustitutas) la cuentan como hecha (mutante
 * consulta_parametro_equivocado: antes 23 puntos, tres verificaciones por una consulta). */
static int consulta_con_otro_parametro(const char *sql)
{
    char norm[512];
    normalizar(sql, norm, sizeof norm);
    for (int k = 0; k < 10; k++)
        if (ENUNCIADO_PARAMETRO[k] != NULL && strcasecmp(norm, ENUNCIADO[k]) == 0)
            return k;
    return -1;
}

/* Qué consulta k del enunciado con parámetro (la 3 o la 10) es `sql` con el valor pegado en su
 * texto en vez de $1 («WHERE id = 40», «LIKE '%O''Higgins%'»), o -1. La misma consulta, mal
 * escrita: la forma la cobra filas; las que juzgan otra cosa (salida, reemplaza_rotas) la
 * cuentan como hecha (el estudiante de prueba de la sesión 41, bug 36: 77/100; mutante
 * consulta_pegada). */
/* `texto` sin los espacios que rodean a cada «=» («id=40» e «id = 40» son la misma consulta). */
static void sin_espacios_en_igual(char *texto)
{
    size_t j = 0;
    for (size_t i = 0; texto[i] != '\0'; i++) {
        if (texto[i] == ' ' && (texto[i + 1] == '=' || (j > 0 && texto[j - 1] == '=')))
            continue;
        texto[j++] = texto[i];
    }
    texto[j] = '\0';
}

static int consulta_pegada_del_enunciado(const char *sql, int n)
{
    char norm[512], valor[4][64], esperado[512];
    normalizar(sql, norm, sizeof norm);
    sin_espacios_en_igual(norm);
    for (int k = 0; k < 10; k++) {
        if (ENUNCIADO_PARAMETRO[k] == NULL)
            continue;
        int valores;
        if (k == 2) {
            snprintf(valor[0], sizeof valor[0], "%d", n);
            snprintf(valor[1], sizeof valor[1], "'%d'", n);
            snprintf(valor[2], sizeof valor[2], "%d::integer", n);
            snprintf(valor[3], sizeof valor[3], "'%d'::integer", n);
            valores = 4;
        } else {
            snprintf(valor[0], sizeof valor[0], "'%%O''Higgins%%'");
            valores = 1;
        }
        const char *dolar = strstr(ENUNCIADO[k], "$1");
        size_t antes = (size_t)(dolar - ENUNCIADO[k]);
        const char *despues = dolar + 2;
        if (strncmp(despues, "::integer", 9) == 0)
            despues += 9;
        for (int i = 0; i < valores; i++) {
            snprintf(esperado, sizeof esperado, "%.*s%s%s", (int)antes, ENUNCIADO[k], valor[i],
                     despues);
            sin_espacios_en_igual(esperado);
            if (strcasecmp(norm, esperado) == 0)
                return k;
        }
    }
    return -1;
}

/* 1 si la línea es el rechazo de una lectura de LECTURA_RECHAZADA: el error que lanza la
 * función del calificador (calif.leer) dentro de la sesión del programa, así que lleva su
 * «context». Que el programa escriba uno falso solo le cuesta: marca su sesión como rechazada. */
static int rechazo_de_lectura(json_t *l)
{
    const char *msj = json_string_value(json_object_get(l, "message"));
    return msj != NULL && strncmp(msj, "calificador: consulta rechazada", 31) == 0;
}

static void registro_leer(const base_t *b, int n, sentencias_t *s, FILE *f, regex_t *pegado)
{
    char sorpresa[80]; /* quien añade las filas sorpresa (sesion_sorpresa) */
    papel_sorpresa(b, sorpresa, sizeof sorpresa);
    memset(s, 0, sizeof *s);
    int pids_antes[512], n_antes = 0, marca = 0;
    /* Los procesos del servidor a los que ya se les rechazó una lectura (LECTURA_RECHAZADA). */
    int rechazados[64], n_rechazados = 0;
    char linea[16384];
    while (fgets(linea, sizeof linea, f) != NULL) {
        json_t *l = json_loads(linea, 0, NULL);
        if (l == NULL)
            continue;
        const char *usuario = json_string_value(json_object_get(l, "user"));
        const char *msj = mensaje_del_servidor(l);
        const char *sql = msj != NULL ? texto_sql(msj) : NULL;
        int pid = (int)json_integer_value(json_object_get(l, "pid"));
        /* Cada conexión que abre, según el propio servidor (log_connections): a diferencia de
         * pg_stat_database.sessions, que cada proceso suma al terminar y a veces llega tarde,
         * la línea se escribe al autorizarla. */
        int con_nombre = 0;
        if (linea_de_base(l, b) && msj != NULL && es_conexion_del_programa(msj, b, &con_nombre)) {
            s->conexiones++;
            s->sin_nombre += !con_nombre;
        }
        if (linea_de_base(l, b) && sql != NULL) {
            if (usuario != NULL && strcmp(usuario, sorpresa) == 0 && strstr(sql, "Añadida") != NULL)
                marca = 1;
            int suya = es_del_programa(l, b);
            if (suya && base_contiene_sin_mayusculas(sql, "INSERT"))
                s->inserciones++;
            int ya_rechazado = 0;
            for (int i = 0; i < n_rechazados; i++)
                ya_rechazado |= rechazados[i] == pid;
            /* Las palabras clave de SQL, en mayúsculas o minúsculas: el servidor no distingue
             * y consulta_del_enunciado tampoco. */
            int consulta = suya && base_contiene_sin_mayusculas(sql, "SELECT") &&
                           base_contiene_sin_mayusculas(sql, "usuarios") &&
                           !base_contiene_sin_mayusculas(sql, "information_schema");
            if (suya && !marca && n_antes < 512)
                pids_antes[n_antes++] = pid;
            int k = consulta ? consulta_del_enunciado(
                                   sql, json_string_value(json_object_get(l, "detail")), n)
                             : -1;
            if (k >= 0)
                s->hechas_siempre |= 1u << k;
            s->repetidas += consulta && ya_rechazado;
            if (consulta && marca) {
                int kp = k < 0 ? consulta_pegada_del_enunciado(sql, n) : -1;
                int ko = k < 0 && kp < 0 ? consulta_con_otro_parametro(sql) : -1;
                if (k >= 0)
                    s->hechas |= 1u << k;
                if (kp >= 0)
                    s->pegadas |= 1u << kp;
                if (ko >= 0)
                    s->otro_parametro |= 1u << ko;
                s->despues++;
                int vieja = 0;
                for (int i = 0; i < n_antes; i++)
                    vieja |= pids_antes[i] == pid;
                s->nuevas += !vieja;
            }
            if (consulta && s->pegada[0] == '\0' && regexec(pegado, sql, 0, NULL, 0) == 0)
                snprintf(s->pegada, sizeof s->pegada, "%s", sql);
        } else if (linea_de_base(l, b) && es_del_programa(l, b) && n_rechazados < 64 &&
                   rechazo_de_lectura(l)) {
            rechazados[n_rechazados++] = pid;
        }
        json_decref(l);
    }
    s->marca = marca;
}

/* Lee el registro de sentencias del servidor (CAL12_SENTENCIAS: una línea JSON por entrada)
 * con leer(f, datos), que devuelve 1 cuando ya está lo que se busca. El recolector del
 * servidor escribe con un poco de retraso: se relee, 200 ms entre una vez y otra, hasta
 * `veces` veces. 1 si hay registro (si no, 0 y ya anotado); lo leído, en `datos`. */
static int registro_releer(int veces, int (*leer)(FILE *f, void *datos), void *datos)
{
    const char *ruta = getenv("CAL12_SENTENCIAS");
    if (ruta == NULL) {
        cal_esperado("leer el registro de sentencias del servidor");
        cal_obtenido("error del calificador: no hay registro de sentencias");
        return 0;
    }
    for (int vez = 0; vez < veces; vez++) {
        if (vez > 0)
            cal_esperar(200);
        FILE *f = fopen(ruta, "r");
        if (f == NULL)
            continue;
        int listo = leer(f, datos);
        fclose(f);
        if (listo)
            break;
    }
    return 1;
}

typedef struct {
    const base_t *b;
    int n;
    sentencias_t *s;
    regex_t pegado;
} sentencias_lectura_t;

static int sentencias_leer(FILE *f, void *datos)
{
    sentencias_lectura_t *x = datos;
    registro_leer(x->b, x->n, x->s, f, &x->pegado);
    /* Sin filas sorpresa (perezoso), basta con las 10 en cualquier momento. */
    return x->s->marca ? x->s->despues >= 10 &&
                             (x->s->hechas | x->s->pegadas | x->s->otro_parametro) == 0x3ffu
                       : x->s->hechas_siempre == 0x3ffu;
}

int base_sentencias(const base_t *b, int n, sentencias_t *s)
{
    sentencias_lectura_t x = {.b = b, .n = n, .s = s};
    /* Un valor pegado en una consulta: el nombre (O'Higgins) o un número tras «id =». */
    if (regcomp(&x.pegado, "Higgins|id[[:space:]]*=[[:space:]]*[0-9]", REG_EXTENDED | REG_NOSUB) !=
        0) {
        cal_obtenido("error del calificador: no se pudo compilar la expresión regular");
        return 0;
    }
    int hay = registro_releer(15, sentencias_leer, &x);
    regfree(&x.pegado);
    return hay;
}

typedef struct {
    const base_t *b;
    int minimo, rechazos, despues;
} rechazos_lectura_t;

static int rechazos_leer(FILE *f, void *datos)
{
    rechazos_lectura_t *x = datos;
    x->rechazos = x->despues = 0;
    char linea[16384];
    while (fgets(linea, sizeof linea, f) != NULL) {
        json_t *l = json_loads(linea, 0, NULL);
        if (l == NULL)
            continue;
        const char *msj = mensaje_del_servidor(l);
        const char *sql = msj != NULL ? texto_sql(msj) : NULL;
        if (linea_de_base(l, x->b) && msj != NULL && strncmp(msj, "too many connections", 20) == 0)
            x->rechazos++;
        else if (x->rechazos > 0 && linea_de_base(l, x->b) && sql != NULL &&
                 es_del_programa(l, x->b) && base_contiene_sin_mayusculas(sql, "INSERT"))
            x->despues++;
        json_decref(l);
    }
    return x->rechazos >= x->minimo;
}

int base_en_vuelo(PGconn *c, const base_t *b, en_vuelo_t *v, int max)
{
    PGresult *r = PQexecParams(
        c,
        "SELECT a.pid, l.virtualxid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND "
        "l.locktype = 'virtualxid' AND l.mode = 'ExclusiveLock' AND l.granted WHERE a.datname = $1 "
        "AND a.state = 'active' AND " BASE_SESIONES_DEL_PROGRAMA " AND a.query ILIKE '%insert%'",
        1, NULL, (const char *const[]){b->nombre}, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        cal_obtenido("error del calificador: %s", PQerrorMessage(c));
        PQclear(r);
        return -1;
    }
    int n = 0;
    for (int i = 0; i < PQntuples(r) && n < max; i++, n++) {
        v[n].pid = (int)strtol(PQgetvalue(r, i, 0), NULL, 10);
        snprintf(v[n].vxid, sizeof v[n].vxid, "%s", PQgetvalue(r, i, 1));
    }
    PQclear(r);
    return n;
}

typedef struct {
    const base_t *b;
    const en_vuelo_t *v;
    int n, canceladas;
} cancelaciones_lectura_t;

/* Dónde acaba una cancelación de verdad: dentro del disparador del calificador (su pg_sleep), que
 * el programa no puede definir ni cambiar (calif.solo_tablas), según la última línea del «context».
 * Una línea con el mismo código, el mismo mensaje, el mismo proceso y la misma transacción virtual
 * la escribe también un bloque DO del programa que captura su propio statement_timeout (EXCEPTION
 * WHEN query_canceled) y lanza otra con RAISE (el adversario de la sesión 88); su «context» es
 * «PL/pgSQL function inline_code_block…». */
#define BASE_CANCELADA_EN "PL/pgSQL function calif.lento() line "

/* 1 si el marco más externo del «context» (su última línea: «SQL statement "SELECT
 * pg_sleep(…)"» y, debajo, «PL/pgSQL function calif.lento() line 1 at PERFORM») es el
 * disparador del calificador. Solo la última: el texto de una sentencia del programa sale entero
 * en su línea «SQL statement "…"», saltos de línea incluidos, y podría llevar una línea
 * idéntica. */
static int cancelada_en_lento(const char *contexto)
{
    const char *ultima = strrchr(contexto, '\n');
    ultima = ultima != NULL ? ultima + 1 : contexto;
    return strncmp(ultima, BASE_CANCELADA_EN, strlen(BASE_CANCELADA_EN)) == 0;
}

/* La línea del 57014 lleva «context» (el servidor la cancela dentro del disparador del
 * calificador), así que no pasa por mensaje_del_servidor. Se pide lo que solo deja una
 * cancelación de verdad: el código, el proceso y la transacción virtual de una sentencia que
 * estaba en curso, su mensaje y dónde ocurrió (arriba). Con su mensaje: un
 * statement_timeout del programa (en su cadena, options='-c statement_timeout=2000') acaba
 * la sentencia con el mismo 57014 y en la misma transacción, sin cancelar nada (el adversario
 * de la sesión 88: 7 puntos de sigint). El mensaje, en inglés siempre: el clúster arranca con
 * lc_messages=C, que el papel no puede cambiar. */
#define BASE_CANCELADA_POR_PETICION "canceling statement due to user request"
static int cancelaciones_leer(FILE *f, void *datos)
{
    cancelaciones_lectura_t *x = datos;
    int vista[16] = {0};
    char linea[16384];
    while (fgets(linea, sizeof linea, f) != NULL) {
        json_t *l = json_loads(linea, 0, NULL);
        if (l == NULL)
            continue;
        const char *codigo = json_string_value(json_object_get(l, "state_code"));
        const char *mensaje = json_string_value(json_object_get(l, "message"));
        const char *contexto = json_string_value(json_object_get(l, "context"));
        const char *vxid = json_string_value(json_object_get(l, "vxid"));
        int pid = (int)json_integer_value(json_object_get(l, "pid"));
        if (linea_de_base(l, x->b) && es_del_programa(l, x->b) && codigo != NULL &&
            strcmp(codigo, "57014") == 0 && mensaje != NULL &&
            strcmp(mensaje, BASE_CANCELADA_POR_PETICION) == 0 && contexto != NULL &&
            cancelada_en_lento(contexto) && vxid != NULL)
            for (int i = 0; i < x->n && i < 16; i++)
                if (x->v[i].pid == pid && strcmp(x->v[i].vxid, vxid) == 0)
                    vista[i] = 1;
        json_decref(l);
    }
    x->canceladas = 0;
    for (int i = 0; i < x->n && i < 16; i++)
        x->canceladas += vista[i];
    return x->canceladas == x->n;
}

int base_canceladas(const base_t *b, const en_vuelo_t *v, int n)
{
    /* Hasta 2 s, por si la cancelación aún no está escrita. */
    cancelaciones_lectura_t x = {.b = b, .v = v, .n = n};
    if (!registro_releer(10, cancelaciones_leer, &x))
        return -1;
    return x.canceladas;
}

int base_rechazos_al_menos(const base_t *b, int minimo, int *rechazos, int *despues)
{
    /* Hasta 2 s, por si el rechazo aún no está escrito. */
    rechazos_lectura_t x = {.b = b, .minimo = minimo};
    int hay = registro_releer(10, rechazos_leer, &x);
    *rechazos = x.rechazos;
    *despues = x.despues;
    return hay;
}

int base_rechazos(const base_t *b, int *rechazos, int *despues)
{
    return base_rechazos_al_menos(b, 1, rechazos, despues);
}

static void preparacion_leer(const base_t *b, FILE *f, preparacion_vista_t *s)
{
    memset(s, 0, sizeof *s);
    int pids[16], npids = 0;
    char linea[16384];
    while (fgets(linea, sizeof linea, f) != NULL) {
        json_t *l = json_loads(linea, 0, NULL);
        if (l == NULL)
            continue;
        const char *msj = mensaje_del_servidor(l);
        const char *sql = msj != NULL ? texto_sql(msj) : NULL;
        int pid = (int)json_integer_value(json_object_get(l, "pid"));
        int suya = es_del_programa(l, b);
        if (linea_de_base(l, b) && sql != NULL && suya && s->pid_insercion == 0) {
            if (base_contiene_sin_mayusculas(sql, "INSERT")) {
                s->pid_insercion = pid;
            } else {
                if (s->antes++ == 0)
                    s->pid = pid;
                int visto = 0;
                for (int i = 0; i < npids; i++)
                    visto |= pids[i] == pid;
                if (!visto && npids < 16)
                    pids[npids++] = pid;
                s->procesos = npids;
            }
        }
        json_decref(l);
    }
}

typedef struct {
    const base_t *b;
    int inserto;
    preparacion_vista_t *s;
} preparacion_lectura_t;

/* Listo cuando están la preparación y, si el programa insertó filas, su primer INSERT. */
static int preparacion_releida(FILE *f, void *datos)
{
    preparacion_lectura_t *x = datos;
    preparacion_leer(x->b, f, x->s);
    return x->s->antes > 0 && (!x->inserto || x->s->pid_insercion != 0);
}

int base_preparacion(const base_t *b, int inserto, preparacion_vista_t *s)
{
    memset(s, 0, sizeof *s);
    preparacion_lectura_t x = {.b = b, .inserto = inserto, .s = s};
    if (!registro_releer(15, preparacion_releida, &x))
        return 0;
    return 1;
}

/* Las 10 consultas del enunciado, con su parámetro si lo tienen. */
static const char *const CONSULTAS[10] = {
    "SELECT count(*) FROM public.usuarios",
    "SELECT min(id) || ' ' || max(id) FROM public.usuarios",
    "SELECT nombre FROM public.usuarios WHERE id = $1::integer",
    "SELECT count(*) FROM public.usuarios WHERE correo LIKE 'u1%'",
    "SELECT count(DISTINCT correo) FROM public.usuarios",
    "SELECT sum(id) FROM public.usuarios",
    "SELECT max(length(nombre)) FROM public.usuarios",
    "SELECT count(*) FROM public.usuarios WHERE id % 2 = 0",
    "SELECT correo FROM public.usuarios ORDER BY id DESC LIMIT 1",
    "SELECT count(*) FROM public.usuarios WHERE nombre LIKE '%O''Higgins%'",
};

int base_consultas_cuadran(const base_t *b, cal_proceso_t *p, int n, int en_orden)
{
    PGconn *c = conectar(b->admin);
    if (c == NULL)
        return 0;
    if (!base_tabla_segura(c)) {
        PQfinish(c);
        return 0;
    }
    char id[16];
    snprintf(id, sizeof id, "%d", n);
    int ok = 1;
    for (int k = 0; k < 10 && ok; k++) {
        const char *v[] = {id};
        PGresult *r = PQexecParams(c, CONSULTAS[k], k == 2 ? 1 : 0, NULL, v, NULL, NULL, 0);
        char esperada[300];
        /* Como pide el enunciado: sin filas, o con un NULL de SQL, la palabra NULL. */
        const char *valor = "?";
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            valor = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "NULL";
        snprintf(esperada, sizeof esperada, "CONSULTA %d %s", k + 1, valor);
        PQclear(r);
        /* La k-ésima línea CONSULTA de la salida, no la que lleve el número k: el enunciado
         * pide las 10 en orden de k, cuando hayan terminado todas (no según van llegando). */
        char linea[400], numero[8];
        snprintf(numero, sizeof numero, "%d", k + 1);
        int pos = en_orden ? cal_linea(cal_salida(p), "CONSULTA", NULL, k, linea, sizeof linea)
                           : cal_linea(cal_salida(p), "CONSULTA", numero, 0, linea, sizeof linea);
        if (pos < 0 || strcmp(linea, esperada) != 0) {
            if (en_orden)
                cal_esperado("como línea CONSULTA número %d, «%s» (el resultado de la consulta %d "
                             "sobre la tabla final; las 10, en orden de k)",
                             k + 1, esperada, k + 1);
            else
                cal_esperado("«%s» (el resultado de la consulta %d sobre la tabla final)", esperada,
                             k + 1);
            if (pos < 0 && !en_orden)
                cal_obtenido("no hay ninguna línea «CONSULTA %d …»", k + 1);
            else if (pos < 0)
                cal_obtenido("solo hay %d de las 10 líneas CONSULTA", k);
            else
                cal_obtenido("«%s»", linea);
            ok = 0;
        }
    }
    if (!ok)
        cal_nota_salida(p, 12);
    PQfinish(c);
    return ok;
}

/* ------------------------------------------------------------------ lo que comparten las
 * verificaciones (ver comun.h) */

const char *const base_args_normal[] = {"-n", "40", "-p", "5", NULL};

int base_esperar_fin_margen(cal_proceso_t *p, int max_ms, int codigo, int margen_ms,
                            int parar_si_hecho)
{
    char fin[160];
    /* Con plazo_t, como el límite de base_lanzar (lib/lanzar.c): los dos se alargan igual con la
     * carga, y la espera (más corta, y empezada después) acaba antes que el límite, así que
     * mirar_si_colgado ve vivo al programa que no terminó. */
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    while (!cal_termino(p) && cal_contar(cal_salida(p), "POOL", NULL) < 1 && !plazo_vencido(&plazo))
        cal_esperar(10);
    int hecho = cal_contar(cal_salida(p), "POOL", NULL) >= 1;
    /* Con POOL impreso, como mucho margen_ms más (y nunca más allá de max_ms). */
    plazo_t margen;
    plazo_empezar(&margen, hecho ? margen_ms : max_ms);
    while (!cal_termino(p) && !plazo_vencido(&plazo) && !plazo_vencido(&margen))
        cal_esperar(10);
    if (!cal_esperar_fin(p, 0)) {
        if (hecho && parar_si_hecho) {
            cal_nota(
                "El programa imprimió POOL, pero en %d s no terminó (¿algo sigue abierto y "
                "uv_run no vuelve?): el calificador lo mata y juzga lo que hizo; la "
                "verificación «Cierra todas sus conexiones y termina» es la que cuenta el fallo.",
                margen_ms / 1000);
            cal_matar(p);
            return 1;
        }
        if (hecho)
            cal_obtenido("imprimió POOL, pero en %d s no terminó (¿sigue algo abierto, una "
                         "conexión o las señales, y uv_run no vuelve?)",
                         margen_ms / 1000);
        else
            cal_obtenido("en %d s el programa no terminó", max_ms / 1000);
        cal_nota_salida(p, 10);
        mirar_si_colgado(p);
        return 0;
    }
    if (codigo >= 0 && cal_codigo(p) != codigo) {
        cal_obtenido("%s (se esperaba el código %d)", cal_describir_fin(p, fin, sizeof fin),
                     codigo);
        cal_nota_salida(p, 10);
        return 0;
    }
    return 1;
}

int base_esperar_fin(cal_proceso_t *p, int max_ms, int codigo)
{
    return base_esperar_fin_margen(p, max_ms, codigo, MARGEN_MS, codigo < 0);
}

int base_registro_fases(const base_t *b, insercion_t **v, int *n, int sec_min)
{
    *n = base_registro(b, v);
    if (*n < 0)
        return 0;
    int conc = 0, sec = 0;
    for (int i = 0; i < *n; i++) {
        conc += (*v)[i].id >= 1 && (*v)[i].id <= N;
        sec += (*v)[i].id > N && (*v)[i].id <= 2 * N;
    }
    if (conc != N || sec < sec_min || sec > N) {
        char secuencial[64];
        if (sec_min == N)
            snprintf(secuencial, sizeof secuencial, "%d", N);
        else if (sec_min > 0)
            snprintf(secuencial, sizeof secuencial, "de %d a %d", sec_min, N);
        else
            snprintf(secuencial, sizeof secuencial, "como mucho %d", N);
        cal_obtenido("inserciones que registró el servidor: %d de la fase concurrente (ids "
                     "1…%d) y %d de la secuencial (ids %d…%d); se esperaban %d y %s",
                     conc, N, sec, N + 1, 2 * N, N, secuencial);
        return 0;
    }
    return 1;
}

int base_registro_completo(const base_t *b, insercion_t **v, int *n)
{
    return base_registro_fases(b, v, n, N);
}

int base_secuencial_por_el_pool(const insercion_t *v, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (v[i].id >= 1 && v[i].id <= N && v[j].id > N && v[i].pid == v[j].pid)
                return v[i].pid;
    return 0;
}

int base_linea_de(cal_proceso_t *p, const char *prefijo, char *linea, size_t tam)
{
    if (cal_linea(cal_salida(p), prefijo, NULL, 0, linea, tam) >= 0)
        return 1;
    cal_obtenido("no hay ninguna línea «%s …» en la salida", prefijo);
    cal_nota_salida(p, 15);
    return 0;
}

int base_consultas_de_verdad(const base_t *b, int nuevas, int forma)
{
    sentencias_t st;
    if (!base_sentencias(b, N, &st))
        return 0;
    if (!forma)
        st.hechas |= st.pegadas | st.otro_parametro;
    if (forma && st.pegada[0] != '\0') {
        cal_obtenido("la consulta «%s» llegó al servidor con un valor pegado en el texto: los "
                     "valores van como parámetros ($1)",
                     st.pegada);
        return 0;
    }
    if (st.despues < 10) {
        cal_obtenido("según el registro de sentencias del servidor, el programa solo lanzó %d "
                     "de las 10 consultas después de que el calificador añadiera sus filas",
                     st.despues);
        return 0;
    }
    if (st.hechas != 0x3ffu) {
        char faltan[64] = "";
        size_t usado = 0;
        for (int k = 0; k < 10; k++)
            if (!(st.hechas & (1u << k))) {
                int w = snprintf(faltan + usado, sizeof faltan - usado, "%s%d", usado ? ", " : "",
                                 k + 1);
                if (w > 0 && (size_t)w < sizeof faltan - usado)
                    usado += (size_t)w;
            }
        cal_obtenido("según el registro de sentencias del servidor, después de que el calificador "
                     "añadiera sus filas el programa no lanzó las consultas %s del enunciado (con "
                     "su texto y, la 3 y la 10, su parámetro): cada CONSULTA sale de su propia "
                     "sentencia, no de calcularla ni de leer la tabla entera",
                     faltan);
        return 0;
    }
    if (nuevas && st.nuevas < 10) {
        cal_obtenido("según el registro de sentencias, consultas hechas por conexiones que ya "
                     "existían antes de los cortes: %d de %d; se esperaban todas por conexiones "
                     "nuevas (las sustitutas)",
                     st.despues - st.nuevas, st.despues);
        return 0;
    }
    return 1;
}

void base_obtenido_o_nota(int ya_fallo, const char *resumen)
{
    if (ya_fallo)
        cal_nota("%s", resumen);
    else
        cal_obtenido("%s", resumen);
}

const char *base_consultas_que_faltan(unsigned hechas, char *buf, size_t tam)
{
    int faltan[10], n = 0;
    for (int k = 0; k < 10; k++)
        if (!(hechas & (1u << k)))
            faltan[n++] = k + 1;
    size_t u = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && u < tam; i++) {
        int w = snprintf(buf + u, tam - u, "%sla %d",
                         i == 0       ? ""
                         : i == n - 1 ? " y "
                                      : ", ",
                         faltan[i]);
        if (w > 0)
            u += (size_t)w;
    }
    return buf;
}
