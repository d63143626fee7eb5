/* calificador.c — las verificaciones del laboratorio 12 (base de datos con un pool).
 *
 * Cada una prepara su base de datos, lanza `basedatos` en la caja y juzga con lo que dice el
 * servidor (comun.h): las filas, el registro del disparador lento (cuándo empezó y acabó cada
 * inserción, con qué proceso y cuántas conexiones del programa había), pg_stat_activity y
 * pg_stat_database. Lo que el programa imprime solo cuenta si eso lo respalda.
 *
 * Las lecturas del programa pasan, en algunas verificaciones, por una política de seguridad de
 * filas (base_vigilar_lecturas): así se ve desde el servidor que la secuencial ya está cerrada
 * durante las consultas («cierre»: la primera consulta de cada conexión del pool espera 300 ms y
 * mira si el proceso de la secuencial sigue vivo) y qué hace el programa con una consulta
 * rechazada («sentencia_falla», «valgrind»).
 *
 * Lo que no se juzga, y por qué:
 * - Que el tiempo secuencial incluya abrir su conexión: unos ms, dentro de la holgura de los
 *   tiempos (±50 % o ±150 ms) que pide una máquina cargada. Para verlo habría que hacer lenta
 *   solo esa conexión: PostgreSQL 15 no tiene disparadores de inicio de sesión (llegan en la
 *   17), y un retraso puesto por base o por papel (post_auth_delay) frenaría también las
 *   conexiones del pool, o habría que ponerlo justo entre las dos fases: una carrera con el
 *   programa, que abre la secuencial en cuanto acaba la concurrente.
 *
 * - En «cierre», si la secuencial sigue abierta en las lecturas que no son la primera de su
 *   conexión: mirarlo en todas costaría poco (sin esperar más, una consulta a pg_stat_activity
 *   por sentencia), pero no puede cazar nada que la primera no cace. La primera lectura de cada
 *   conexión mira 300 ms después de empezar; cualquier otra lectura de esa conexión empieza
 *   cuando la primera ya terminó, o sea después de esa mirada; y el proceso del servidor de la
 *   secuencial, una vez terminado, no vuelve. Si en la mirada más temprana ya no estaba, en
 *   las posteriores tampoco: ningún mutante podría perder solo por ellas. Mirar al empezar
 *   cada lectura, sin los 300 ms, sí vería más pronto, pero suspendería programas correctos: el
 *   proceso del servidor sale unos ms después de que el programa cierre la conexión.
 *
 * - En «preparacion», que la conexión de la preparación sea de un pool y no una suelta: con -p 1,
 *   un pool y una sola conexión que lo hace todo se ven igual desde el servidor (bd_una.c la
 *   pasa). Lo que sí se ve es que la prepara una sola conexión y que la primera inserción va
 *   por ella (una abierta aparte, o cerrada al devolverla, no). Ni cómo comprueba la forma: eso
 *   lo juzga «tabla_distinta» con siete tablas ajenas.
 *
 * Cerrar el pool saltándose las conexiones que aún se abren se ve siempre en «cierre» (la fila 1
 * falla con la conexión de la preparación justo cuando se piden las otras 3 del pool) y a veces
 * en «sentencia_falla», «servidor_cae», «valgrind», «reemplaza_rotas» o «sigint»: que alguna
 * siga abriéndose al fallar depende de la carga. Su mutante (cerrar_sin_conectando) debe fallar
 * «cierre» y nombra las demás en «Puede fallar», con ese porqué.
 */
#include "comun.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N        40 /* filas por fase en las ejecuciones normales */
#define TAMANO   5  /* -p en las ejecuciones normales */
#define LENTO_MS 15

/* Lo que tardan las -p primeras inserciones en «salida»: la fase concurrente dura así más que
 * la secuencial (40 × 15 ms), la aceleración sale menor que 1 y una división entera de los ms
 * (que daría 0.0x) no se esconde tras una razón casi entera. */
#define PRIMERAS_MS 1500

/* Cuánto se espera la línea CONCURRENTE en «salida» desde que el servidor ve la fase secuencial:
 * con fflush ya está en la tubería; sin él, llega al salir, tras ≥ 600 ms de inserciones en serie
 * (y las filas sorpresa se añaden después: la fase secuencial sigue en marcha). */
#define SECUENCIAL_VISTA_MS 300
#define HOLGURA_MS          20 /* reloj del servidor frente al del programa */
/* Lo que tarda en «salida» la última inserción concurrente (id N, la última que se pide): una
 * fase secuencial que empieza antes de que vuelvan todas (un contador que se queda en uno) se
 * solapa con ella en el servidor, aunque abrir su conexión lleve unos ms. */
#define ULTIMA_MS 300
/* -n 40 -p 5 sin conexiones rotas: esperan 35 inserciones y 5 de las 10 consultas. */
#define ESPERAS (N - TAMANO + 10 - TAMANO)

static const char *const ARGS_NORMAL[] = {"-n", "40", "-p", "5", NULL};

/* Un programa que hace su trabajo pero no sale de uv_run (lo habitual: algo queda abierto) no
 * debe costar más que las verificaciones que piden terminar: tras imprimir POOL tiene
 * MARGEN_MS para salir. Si no sale, las verificaciones que juzgan lo que hizo (codigo < 0) lo
 * paran y siguen; las demás fallan enseguida, con el motivo, sin agotar su tiempo. */
#define MARGEN_MS          5000
#define MARGEN_VALGRIND_MS 15000

/* Espera el final del programa; si no termina o falla, lo explica. `codigo` < 0: cualquiera.
 * Con `parar_si_hecho`, basta con que haya terminado su trabajo (ver MARGEN_MS). */
static int esperar_fin_margen(cal_proceso_t *p, int max_ms, int codigo, int margen_ms,
                              int parar_si_hecho)
{
    char fin[160];
    uint64_t limite = cal_ahora_ms() + (uint64_t)max_ms;
    int hecho = cal_esperar_lineas(p, "POOL", NULL, 1, max_ms);
    uint64_t ahora = cal_ahora_ms();
    int queda = ahora < limite ? (int)(limite - ahora) : 0;
    if (hecho && queda > margen_ms)
        queda = margen_ms;
    if (!cal_esperar_fin(p, queda)) {
        if (hecho && parar_si_hecho) {
            cal_nota("El programa imprimió POOL pero en %d s no terminó (¿algo sigue abierto y "
                     "uv_run no vuelve?): se lo para y se juzga lo que hizo; la verificación "
                     "«cierre» es la que cuenta el fallo.",
                     margen_ms / 1000);
            cal_matar(p);
            return 1;
        }
        if (hecho)
            cal_obtenido("imprimió POOL pero en %d s no terminó: algo sigue abierto (una "
                         "conexión, las señales) y uv_run no vuelve",
                         margen_ms / 1000);
        else
            cal_obtenido("en %d s el programa no terminó", max_ms / 1000);
        cal_nota_salida(p, 10);
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

static int esperar_fin(cal_proceso_t *p, int max_ms, int codigo)
{
    return esperar_fin_margen(p, max_ms, codigo, MARGEN_MS, codigo < 0);
}

/* Prepara la base con la tabla lenta, lanza la ejecución normal y espera a que termine. */
static int ejecucion_normal(base_t *b, const char *id, preparacion_t prep, cal_proceso_t **p)
{
    if (!base_preparar(b, id, prep, LENTO_MS, NULL))
        return 0;
    if (!base_lanzar(b, ARGS_NORMAL, 0, 30, p))
        return 0;
    return esperar_fin(*p, 25000, -1);
}

/* El registro del disparador, con las 2·N inserciones. */
static int registro_completo(const base_t *b, insercion_t **v, int *n)
{
    *n = base_registro(b, v);
    if (*n < 0)
        return 0;
    int conc = 0, sec = 0;
    for (int i = 0; i < *n; i++) {
        conc += (*v)[i].id >= 1 && (*v)[i].id <= N;
        sec += (*v)[i].id > N && (*v)[i].id <= 2 * N;
    }
    if (conc != N || sec != N) {
        cal_obtenido("el servidor registró %d inserciones de la fase concurrente (ids 1…%d) y "
                     "%d de la secuencial (ids %d…%d); se esperaban %d y %d",
                     conc, N, sec, N + 1, 2 * N, N, N);
        return 0;
    }
    return 1;
}

/* Cuántos procesos del servidor (conexiones) hicieron las inserciones de la fase concurrente. */
static int procesos_concurrentes(const insercion_t *v, int n)
{
    int procesos = 0;
    for (int i = 0; i < n; i++) {
        int nuevo = v[i].id >= 1 && v[i].id <= N;
        for (int j = 0; j < i && nuevo; j++)
            if (v[j].id >= 1 && v[j].id <= N && v[j].pid == v[i].pid)
                nuevo = 0;
        procesos += nuevo;
    }
    return procesos;
}

/* Una cola o la concurrencia de un pool solo se pueden juzgar si hubo pool: un programa que
 * inserta en serie por una sola conexión nunca pasa de -p ni desordena nada, y uno que abre una
 * conexión por inserción se solapa sin tener pool. 1 si en la fase concurrente hubo al menos 3
 * inserciones a la vez, hechas por como mucho -p conexiones (explicado si no). */
static int hubo_pool(const insercion_t *v, int n)
{
    int solape = base_solape_maximo(v, n, 1, N);
    if (solape < 3) {
        cal_obtenido("en la fase concurrente el servidor nunca vio más de %d inserciones a la "
                     "vez: sin inserciones simultáneas no hay pool ni cola que juzgar",
                     solape);
        return 0;
    }
    int procesos = procesos_concurrentes(v, n);
    if (procesos > TAMANO) {
        cal_obtenido("las %d inserciones de la fase concurrente las hicieron %d conexiones "
                     "distintas (con -p %d): a la vez, pero sin pool que las reutilice",
                     N, procesos, TAMANO);
        return 0;
    }
    return 1;
}

/* El proceso del servidor que hizo inserciones de las dos fases, o 0: la secuencial usó el pool. */
static int secuencial_por_el_pool(const insercion_t *v, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (v[i].id >= 1 && v[i].id <= N && v[j].id > N && v[i].pid == v[j].pid)
                return v[i].pid;
    return 0;
}

/* Explica, si es el caso, que hay conexiones del programa sin application_name «basedatos». */
static int explica_sin_nombre(PGconn *c)
{
    long long otras = base_sin_nombre(c);
    if (otras <= 0)
        return 0;
    cal_obtenido("el servidor ve %lld conexiones del programa sin application_name «basedatos»: "
                 "pásale «basedatos» a bd_conectar en todas (el calificador reconoce así las "
                 "tuyas)",
                 otras);
    return 1;
}

static int consultas_de_verdad(const base_t *b, int nuevas);

/* Tras un POOL que no cuadra: si el servidor autorizó conexiones del programa sin
 * application_name «basedatos», la cuenta del calificador no las ve (no es que creadas esté
 * mal): se dice en el detalle. */
static void explica_sin_nombre_registro(const sentencias_t *st)
{
    if (st->sin_nombre > 0)
        cal_nota("El servidor autorizó %d conexiones del programa sin application_name "
                 "«basedatos»: el calificador no las cuenta como tuyas. Pásale «basedatos» a "
                 "bd_conectar en todas (también en la de la fase secuencial).",
                 st->sin_nombre);
}

/* Filas con ids de 1 a 4 cifras (-n FILAS_LARGAS): un nombre en un búfer medido para los ids de
 * la ejecución normal (de 1 a 80) sale truncado o desborda desde el id 100; el ejemplo del
 * enunciado (-n 100) ya llega ahí. Sobre la tabla del enunciado ya creada y sin esperas en el
 * servidor (TABLA_LENTA con 0 ms): la de SIN_TABLA frena cada inserción 15 ms, y 1200 serían
 * más de 9 s solo en la fase secuencial. La ejecución ya lanzada `p` sobre `b`; 1 si todas las
 * filas son las del enunciado (explicado si no). Mutante: nombre_corto. */
#define FILAS_LARGAS 600
static int filas_largas(const base_t *b, cal_proceso_t *p)
{
    cal_nota("Con -n %d -p 4 (ids de 1 a %d):", FILAS_LARGAS, 2 * FILAS_LARGAS);
    /* Se juzga la tabla: con cualquier código y parado si imprimió POOL y no sale (no salir lo
     * juzga «cierre»). Si sale con 1 sin terminar (la base admite 6 conexiones del programa: un
     * pool sin tope lo juzga «limite_pool»), solo las filas que hay. */
    if (!esperar_fin(p, 25000, -1))
        return 0;
    int hecho = cal_contar(cal_salida(p), "POOL", NULL) == 1;
    if (!hecho && cal_codigo(p) != 1) {
        char fin[160];
        cal_obtenido("con -n %d: %s sin terminar el trabajo", FILAS_LARGAS,
                     cal_describir_fin(p, fin, sizeof fin));
        cal_nota_salida(p, 6);
        return 0;
    }
    PGconn *c = base_conectar(b);
    if (c == NULL)
        return 0;
    if (!base_tabla_segura(c)) {
        PQfinish(c);
        return 0;
    }
    PGresult *r = PQexec(c, "SELECT id, nombre, correo FROM public.usuarios ORDER BY id");
    int ok = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        cal_obtenido("no se pudo leer la tabla usuarios: %s", PQerrorMessage(c));
    } else if (hecho && PQntuples(r) != 2 * FILAS_LARGAS) {
        cal_obtenido("con -n %d la tabla tiene %d filas (se esperaban %d)", FILAS_LARGAS,
                     PQntuples(r), 2 * FILAS_LARGAS);
    } else {
        ok = 1;
        for (int i = 0; i < PQntuples(r) && ok; i++) {
            /* Terminado, la fila i es la i+1; si salió con 1 a medias, cada una la de su id. */
            long id = hecho ? i + 1 : strtol(PQgetvalue(r, i, 0), NULL, 10);
            char nombre[160], correo[64];
            base_fila_esperada((int)id, nombre, sizeof nombre, correo, sizeof correo);
            if (id < 1 || id > 2 * FILAS_LARGAS || strtol(PQgetvalue(r, i, 0), NULL, 10) != id ||
                strcmp(PQgetvalue(r, i, 1), nombre) != 0 ||
                strcmp(PQgetvalue(r, i, 2), correo) != 0) {
                cal_obtenido("con -n %d, una fila es (%s, «%s», «%s»); se esperaba (%ld, «%s», "
                             "«%s»): ¿un búfer medido para ids más cortos?",
                             FILAS_LARGAS, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                             PQgetvalue(r, i, 2), id, nombre, correo);
                ok = 0;
            }
        }
    }
    if (!ok)
        cal_nota_salida(p, 6);
    PQclear(r);
    PQfinish(c);
    return ok;
}

/* La preparación (el hito A): con argumentos válidos, la tabla queda con la forma del enunciado
 * y sin filas de antes, la prepara una sola conexión del programa, y esa conexión vuelve al pool:
 * con -p 1, la primera inserción (si el programa ya inserta) va por ella. Y el programa termina
 * con 0 (el del hito A, tras vaciarla; uno completo, tras imprimir POOL: si después no sale, lo
 * juzga «cierre»). Un pool que nunca presta su conexión se cuelga sin preparar nada. Mutante:
 * conectada_sin_prestar. */
#define PREP_N "3"
static const char *const FORMA_ENUNCIADO = "id integer NO, nombre text NO, correo text YES";

static int preparacion_vista(const base_t *b, cal_proceso_t *p, const char *que)
{
    char fin[160];
    if (!esperar_fin_margen(p, 15000, 0, MARGEN_MS, 1)) {
        cal_nota("(%s: ¿el pool presta su conexión a la primera petición, la de la preparación, "
                 "cuando termina de abrirse? ¿y pool_cerrar la cierra para que uv_run vuelva?)",
                 que);
        return 0;
    }
    PGconn *c = base_conectar(b);
    if (c == NULL)
        return 0;
    if (!base_tabla_segura(c)) {
        cal_nota("(%s: el programa no dejó la tabla usuarios; %s)", que,
                 cal_describir_fin(p, fin, sizeof fin));
        cal_nota_salida(p, 6);
        PQfinish(c);
        return 0;
    }
    PGresult *r = PQexec(
        c, "SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' ORDER BY "
           "ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND "
           "table_name = 'usuarios'");
    char forma[200] = "?";
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        snprintf(forma, sizeof forma, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    long long viejas = base_entero(
        c, "SELECT count(*) FROM public.usuarios WHERE nombre IN ('antigua', 'ajena')", NULL, NULL);
    long long suyas = base_entero(
        c, "SELECT count(*) FROM public.usuarios WHERE id BETWEEN 1 AND 2 * $1::int", PREP_N, NULL);
    PQfinish(c);
    if (strcmp(forma, FORMA_ENUNCIADO) != 0) {
        cal_obtenido("%s: la tabla usuarios tiene las columnas «%s» (se esperaba «%s»)", que, forma,
                     FORMA_ENUNCIADO);
        return 0;
    }
    if (viejas != 0) {
        cal_obtenido("%s: la tabla sigue con %lld de sus 4 filas de antes: no se vació (TRUNCATE) "
                     "antes de empezar",
                     que, viejas);
        cal_nota_salida(p, 6);
        return 0;
    }
    preparacion_vista_t v;
    if (!base_preparacion(b, suyas > 0, &v))
        return 0;
    if (v.antes == 0) {
        cal_obtenido("%s: el registro del servidor no tiene ninguna sentencia del programa "
                     "(application_name «basedatos») antes de sus inserciones",
                     que);
        if (v.sin_nombre > 0)
            cal_nota("El servidor autorizó %d conexiones del programa sin application_name "
                     "«basedatos»: pásale «basedatos» a bd_conectar en todas.",
                     v.sin_nombre);
        return 0;
    }
    if (v.procesos != 1) {
        cal_obtenido("%s: la preparación (crear, comprobar y vaciar la tabla) la hicieron %d "
                     "conexiones distintas; el enunciado pide una, la primera que presta el pool",
                     que, v.procesos);
        return 0;
    }
    if (v.pid_insercion != 0 && v.pid_insercion != v.pid) {
        cal_obtenido("%s: con -p 1, la primera inserción la hizo una conexión (proceso %d del "
                     "servidor) distinta de la de la preparación (proceso %d): la conexión de la "
                     "preparación no volvió al pool (¿se abrió aparte, o se cerró al devolverla?)",
                     que, v.pid_insercion, v.pid);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(preparacion, 40)
{
    cal_esperado("dos ejecuciones con -n " PREP_N " -p 1, una sin tabla y otra con la tabla del "
                 "enunciado y 4 filas de antes: que el programa termine con 0 y deje la tabla "
                 "usuarios con la forma del enunciado («%s») y sin las filas de antes. Y, según "
                 "el servidor, que la prepare "
                 "(crear, comprobar, vaciar) una sola conexión suya, la del pool: la primera "
                 "inserción, si la hay, va por esa misma conexión",
                 FORMA_ENUNCIADO);
    base_t b, bf;
    cal_proceso_t *p, *pf;
    static const char *const args[] = {"-n", PREP_N, "-p", "1", NULL};
    if (!base_preparar(&b, "preparacion", SIN_TABLA, 0, NULL) ||
        !base_preparar(&bf, "preparacion_filas", TABLA_CON_FILAS, 0, NULL) ||
        !base_lanzar(&b, args, 0, 25, &p) || !base_lanzar(&bf, args, 0, 25, &pf))
        CAL_FIN(0);
    int ok = preparacion_vista(&b, p, "sin tabla") &&
             preparacion_vista(&bf, pf, "con la tabla del enunciado y 4 filas de antes");
    if (ok)
        cal_obtenido("las dos ejecuciones terminan con 0 y dejan la tabla con su forma y sin filas "
                     "de antes, preparada por una sola conexión, la misma de la primera inserción");
    CAL_FIN(ok);
}

CAL_PRUEBA(filas, 40)
{
    cal_esperado("las filas 1…%d, cada una una vez, con nombre y correo tal cual, y ningún valor "
                 "pegado en el texto SQL que recibe el servidor (parámetros $1, $2, $3). Y las 10 "
                 "CONSULTA, que el servidor vio lanzar, con el resultado de cada consulta sobre la "
                 "tabla final (con unas filas al azar que el calificador añade en la fase "
                 "secuencial)",
                 2 * N);
    base_t b, bl;
    cal_proceso_t *p, *pl;
    static const char *const args_largas[] = {"-n", "600", "-p", "4", NULL};
    if (!base_preparar(&b, "filas", SIN_TABLA, 0, NULL) ||
        !base_preparar(&bl, "filas_largas", TABLA_LENTA, 0, NULL) || !base_limitar(&bl, 6) ||
        !base_lanzar(&b, ARGS_NORMAL, 0, 30, &p) || !base_lanzar(&bl, args_largas, 0, 30, &pl))
        CAL_FIN(0);
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        CAL_FIN(0);
    /* Las 10 consultas, aunque sea por una sola conexión (el hito A), se hacen de verdad: unas
     * filas al azar durante la fase secuencial cambian sus resultados. */
    int sorpresa = base_esperar_secuencial(c, p, N) >= 0 && base_tabla_segura(c)
                       ? base_filas_sorpresa(c, N)
                       : 0;
    if (sorpresa < 0 || !esperar_fin(p, 25000, -1)) {
        PQfinish(c);
        CAL_FIN(0);
    }
    if (!base_tabla_segura(c)) {
        PQfinish(c);
        CAL_FIN(0);
    }
    char tope[16];
    snprintf(tope, sizeof tope, "%d", 2 * N);
    const char *v_tope[] = {tope};
    PGresult *r = PQexecParams(c,
                               "SELECT id, nombre, correo FROM public.usuarios WHERE id <= "
                               "$1::int ORDER BY id",
                               1, NULL, v_tope, NULL, NULL, 0);
    long long ajenas = base_entero(
        c, "SELECT count(*) FROM public.usuarios WHERE id > $1::int OR id IS NULL", tope, NULL);
    int ok = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        cal_obtenido("no se pudo leer la tabla usuarios: %s", PQerrorMessage(c));
    } else if (PQntuples(r) != 2 * N || ajenas != sorpresa) {
        cal_obtenido("la tabla tiene %d filas con id ≤ %d y %lld por encima (el calificador "
                     "añadió %d)",
                     PQntuples(r), 2 * N, ajenas, sorpresa);
    } else {
        ok = 1;
        for (int i = 0; i < 2 * N && ok; i++) {
            char nombre[160], correo[64];
            base_fila_esperada(i + 1, nombre, sizeof nombre, correo, sizeof correo);
            if (atoi(PQgetvalue(r, i, 0)) != i + 1) {
                cal_obtenido("la fila %d tiene id %s (¿ids repetidos o que faltan?)", i + 1,
                             PQgetvalue(r, i, 0));
                ok = 0;
            } else if (strcmp(PQgetvalue(r, i, 1), nombre) != 0 ||
                       strcmp(PQgetvalue(r, i, 2), correo) != 0) {
                cal_obtenido("la fila %d es («%s», «%s»); se esperaba («%s», «%s»)", i + 1,
                             PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), nombre, correo);
                ok = 0;
            }
        }
    }
    if (ok) {
        /* Que las filas salgan bien no prueba que viajen como parámetros: unas comillas
         * duplicadas a mano también funcionan. El servidor apunta el texto que recibió. */
        long long total = -1;
        char ejemplo[300];
        int pegadas = base_texto_pegado(&b, &total, ejemplo, sizeof ejemplo);
        if (pegadas < 0) {
            ok = 0;
        } else if (pegadas > 0) {
            cal_obtenido("las filas están bien, pero %d de las %lld inserciones llegaron al "
                         "servidor con los valores pegados en el texto SQL, p. ej. «%s»",
                         pegadas, total, ejemplo);
            ok = 0;
        } else if (total != 2 * N) {
            cal_obtenido("el servidor vio %lld inserciones en la tabla que creó el programa (se "
                         "esperaban %d, una por fila)",
                         total, 2 * N);
            ok = 0;
        } else if (sorpresa == 0) {
            cal_obtenido("las filas están bien, pero la fase secuencial no empezó a tiempo para "
                         "añadir las filas al azar");
            ok = 0;
        } else if (!base_consultas_cuadran(&b, p, N, 0) || !consultas_de_verdad(&b, 0)) {
            ok = 0;
        } else if (!filas_largas(&bl, pl)) {
            ok = 0;
        } else {
            cal_obtenido("las %d filas, tal cual, todas llegaron como parámetros, y las 10 "
                         "consultas se lanzaron y cuadran; con -n %d, las %d filas también",
                         2 * N, FILAS_LARGAS, 2 * FILAS_LARGAS);
        }
    }
    if (!ok)
        cal_nota_salida(p, 6);
    PQclear(r);
    PQfinish(c);
    CAL_FIN(ok);
}

CAL_PRUEBA(concurrencia, 40)
{
    cal_esperado("con inserciones de %d ms en el servidor: al menos 3 a la vez en la fase "
                 "concurrente, y esa fase en ≤ 60 %% del tiempo de la secuencial",
                 LENTO_MS);
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    int n;
    if (!ejecucion_normal(&b, "concurrencia", TABLA_LENTA, &p) || !registro_completo(&b, &v, &n) ||
        !hubo_pool(v, n)) {
        free(v);
        CAL_FIN(0);
    }
    int solape = base_solape_maximo(v, n, 1, N);
    double conc = base_duracion(v, n, 1, N), sec = base_duracion(v, n, N + 1, 2 * N);
    free(v);
    int ok = solape >= 3 && conc <= 0.6 * sec;
    cal_obtenido("según el servidor: como mucho %d inserciones a la vez; fase concurrente %.0f ms, "
                 "secuencial %.0f ms",
                 solape, conc, sec);
    CAL_FIN(ok);
}

CAL_PRUEBA(limite_pool, 40)
{
    cal_esperado("como mucho %d inserciones a la vez, por como mucho %d conexiones, y como mucho "
                 "%d conexiones abiertas en total",
                 TAMANO, TAMANO, TAMANO + 1);
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    int n;
    if (!ejecucion_normal(&b, "limite_pool", TABLA_LENTA, &p))
        CAL_FIN(0);
    base_esperar_sin_conexiones(&b, 3000);
    sesiones_t s;
    if (!base_sesiones(&b, &s) || !registro_completo(&b, &v, &n)) {
        free(v);
        CAL_FIN(0);
    }
    int solape = base_solape_maximo(v, n, 1, N);
    if (solape < 3) {
        free(v);
        cal_obtenido("en la fase concurrente el servidor nunca vio más de %d inserciones a la "
                     "vez: sin inserciones simultáneas no hay pool que juzgar",
                     solape);
        CAL_FIN(0);
    }
    int procesos = procesos_concurrentes(v, n);
    free(v);
    long long abiertas = s.sesiones - SESIONES_CALIFICADOR;
    cal_obtenido("según el servidor: %d inserciones a la vez como mucho, hechas por %d "
                 "conexiones distintas; %lld conexiones del programa en total",
                 solape, procesos, abiertas);
    CAL_FIN(solape <= TAMANO && procesos <= TAMANO && abiertas <= TAMANO + 1);
}

CAL_PRUEBA(fifo, 40)
{
    cal_esperado("de las 20 primeras inserciones que empieza el servidor, al menos 18 con id ≤ 25 "
                 "(las pedidas antes se sirven antes)");
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    int n;
    if (!ejecucion_normal(&b, "fifo", TABLA_LENTA, &p) || !registro_completo(&b, &v, &n) ||
        !hubo_pool(v, n)) {
        free(v);
        CAL_FIN(0);
    }
    int vistas = 0, pronto = 0;
    char orden[400] = "";
    size_t usado = 0;
    for (int i = 0; i < n && vistas < 20; i++) {
        if (v[i].id < 1 || v[i].id > N)
            continue;
        vistas++;
        pronto += v[i].id <= 25;
        int w = snprintf(orden + usado, sizeof orden - usado, "%s%d", usado ? " " : "", v[i].id);
        if (w > 0 && (size_t)w < sizeof orden - usado)
            usado += (size_t)w;
    }
    free(v);
    cal_obtenido("%d de 20; orden en que empezaron: %s", pronto, orden);
    CAL_FIN(pronto >= 18);
}

CAL_PRUEBA(perezoso, 40)
{
    cal_esperado("con -p 10 -n 3, mientras se inserta, como mucho 3 conexiones del programa "
                 "(application_name basedatos) en el servidor");
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    static const char *const args[] = {"-p", "10", "-n", "3", NULL};
    if (!base_preparar(&b, "perezoso", TABLA_LENTA, 300, NULL) || !base_lanzar(&b, args, 0, 30, &p))
        CAL_FIN(0);
    if (!esperar_fin(p, 20000, -1))
        CAL_FIN(0);
    int n = base_registro(&b, &v);
    int maximo = -1, filas = 0;
    for (int i = 0; i < n; i++) {
        if (v[i].id < 1 || v[i].id > 3)
            continue;
        filas++;
        if (v[i].conexiones > maximo)
            maximo = v[i].conexiones;
    }
    /* Abrir pocas solo cuenta si hubo pool: con una sola conexión nunca hay más de una. */
    int solape = n > 0 ? base_solape_maximo(v, n, 1, 3) : 0;
    free(v);
    if (filas != 3) {
        cal_obtenido("el servidor registró %d inserciones de la fase concurrente (se esperaban 3)",
                     filas);
        CAL_FIN(0);
    }
    if (maximo < 1) {
        cal_obtenido("el servidor no vio ninguna conexión con application_name «basedatos» "
                     "(¿se pasa «basedatos» a bd_conectar?)");
        CAL_FIN(0);
    }
    if (solape < 2) {
        cal_obtenido("el servidor nunca vio dos de las 3 inserciones a la vez: sin inserciones "
                     "simultáneas no hay pool que juzgar (como mucho %d conexiones del programa)",
                     maximo);
        CAL_FIN(0);
    }
    /* Abrir pocas tampoco cuenta si no hizo el resto del trabajo: las 10 consultas, según el
     * registro del servidor (con -n 3, la 3 con el parámetro 3). */
    sentencias_t st;
    if (!base_sentencias(&b, 3, &st))
        CAL_FIN(0);
    if (st.hechas_siempre != 0x3ffu) {
        cal_obtenido("como mucho %d conexiones durante las inserciones, pero según el registro "
                     "del servidor el programa no lanzó las 10 consultas del enunciado: no hizo "
                     "el trabajo",
                     maximo);
        CAL_FIN(0);
    }
    cal_obtenido("como mucho %d conexiones del programa durante las inserciones (%d inserciones a "
                 "la vez)",
                 maximo, solape);
    CAL_FIN(maximo <= 3);
}

/* «PREFIJO …» → la línea entera; 0 si no está (explicado). */
static int linea_de(cal_proceso_t *p, const char *prefijo, char *linea, size_t tam)
{
    if (cal_linea(cal_salida(p), prefijo, NULL, 0, linea, tam) >= 0)
        return 1;
    cal_obtenido("no hay ninguna línea «%s …» en la salida", prefijo);
    cal_nota_salida(p, 15);
    return 0;
}

/* Según el registro de sentencias del servidor: las 10 consultas se ejecutaron después de las
 * filas sorpresa, sin valores pegados; con `nuevas`, además por conexiones que no existían antes
 * (las sustitutas de las cortadas). 0 si no (explicado). */
static int consultas_de_verdad(const base_t *b, int nuevas)
{
    sentencias_t st;
    if (!base_sentencias(b, N, &st))
        return 0;
    if (st.pegada[0] != '\0') {
        cal_obtenido("la consulta «%s» llegó al servidor con un valor pegado en el texto: los "
                     "valores van como parámetros ($1)",
                     st.pegada);
        return 0;
    }
    if (st.despues < 10) {
        cal_obtenido("según el registro de sentencias del servidor, el programa solo lanzó %d "
                     "consultas después de que el calificador añadiera sus filas (se esperaban "
                     "las 10)",
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
        cal_obtenido("según el registro de sentencias, %d de las %d consultas las hicieron "
                     "conexiones que ya existían antes de los cortes; se esperaban todas por "
                     "conexiones nuevas (las sustitutas)",
                     st.despues - st.nuevas, st.despues);
        return 0;
    }
    return 1;
}

/* Cuánto (ms) empezó la primera inserción secuencial (id > N) antes de que acabara la última
 * concurrente (id ≤ N), según el servidor; 0 o menos si no se solapan. Mutante: secuencial_antes.
 */
static double solape_de_fases(const insercion_t *v, int n)
{
    double fin_conc = 0, inicio_sec = 0;
    int hay_sec = 0;
    for (int i = 0; i < n; i++) {
        if (v[i].id <= N && v[i].fin > fin_conc)
            fin_conc = v[i].fin;
        if (v[i].id > N && v[i].id <= 2 * N && (!hay_sec || v[i].inicio < inicio_sec)) {
            inicio_sec = v[i].inicio;
            hay_sec = 1;
        }
    }
    return hay_sec ? fin_conc - inicio_sec : 0;
}

static int cerca(double impreso, double real)
{
    double margen = real * 0.5 > 150 ? real * 0.5 : 150;
    return impreso >= real - margen && impreso <= real + margen;
}

CAL_PRUEBA(salida, 40)
{
    cal_esperado("CONCURRENTE, SECUENCIAL, ACELERACION, las 10 CONSULTA y POOL con el formato del "
                 "enunciado y de acuerdo con lo que midió y guarda el servidor; cada línea, en "
                 "cuanto ocurre (CONCURRENTE antes de la fase secuencial: fflush). Y, mientras "
                 "espera al servidor, dormido en uv_run: sin espera activa, usando la CPU o "
                 "esperando turno para usarla como mucho el %.0f %% del tiempo",
                 CAL_ESPERA_FRACCION * 100.0);
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    int n;
    /* Las -p primeras inserciones tardan PRIMERAS_MS: un tiempo que empiece en la primera
     * respuesta, y no en la primera petición, se queda corto sin duda. Y las primeras lecturas
     * tardan al revés de como llegan (LECTURA_AL_REVES): las CONSULTA impresas según llegan
     * salen desordenadas siempre (antes, solo si la máquina las desordenaba: sin nada al lado,
     * el mutante consultas_al_llegar sacaba 100). */
    if (!base_preparar_lenta_fin(&b, "salida", LENTO_MS, TAMANO, PRIMERAS_MS, N, ULTIMA_MS) ||
        !base_vigilar_lecturas(&b, LECTURA_AL_REVES) || !base_lanzar(&b, ARGS_NORMAL, 0, 30, &p))
        CAL_FIN(0);
    /* Mientras dura la fase secuencial, filas que el programa no puede conocer: sus CONSULTA
     * tienen que salir de consultar de verdad después. */
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        CAL_FIN(0);
    int empezada = base_esperar_secuencial(c, p, N) >= 0;
    /* La salida llega a medida que ocurre (fflush): CONCURRENTE se imprime al volver la última
     * respuesta de la fase concurrente, antes de abrir la secuencial, así que cuando el
     * servidor ya ve la secuencial insertando la línea está en la tubería. Sin fflush, stdout
     * (una tubería) se vacía al salir, y de aquí al final quedan al menos las 40 inserciones
     * en serie (600 ms). Mutante: sin_fflush. */
    int al_momento = empezada && !cal_termino(p) &&
                     cal_esperar_lineas(p, "CONCURRENTE", NULL, 1, SECUENCIAL_VISTA_MS) &&
                     !cal_termino(p);
    int sorpresa = empezada ? base_filas_sorpresa(c, N) : 0;
    PQfinish(c);
    if (sorpresa < 0 || !esperar_fin(p, 25000, -1))
        CAL_FIN(0);
    /* Casi todo su tiempo (las primeras inserciones tardan PRIMERAS_MS), el programa espera al
     * servidor: esperar es dormir en uv_run. Mutante: espera_activa. */
    char cpu[512];
    int dormido = cal_sin_espera_activa(p, cpu, sizeof cpu);
    if (!dormido) {
        cal_obtenido("%s", cpu);
        CAL_FIN(0);
    }
    cal_nota("CPU: %s.", cpu);
    if (empezada && !al_momento) {
        cal_obtenido("cuando el servidor ya hacía las inserciones de la fase secuencial, la línea "
                     "CONCURRENTE aún no había llegado por la tubería%s: la salida llega a medida "
                     "que ocurre, con fflush(stdout) tras cada línea (sin él, stdout se vacía al "
                     "salir)",
                     cal_termino(p) ? " (llegó al terminar el programa)" : "");
        cal_nota_salida(p, 15);
        CAL_FIN(0);
    }
    base_esperar_sin_conexiones(&b, 3000);
    sesiones_t s;
    if (!base_sesiones(&b, &s) || !registro_completo(&b, &v, &n)) {
        free(v);
        CAL_FIN(0);
    }
    double conc = base_duracion(v, n, 1, N), sec = base_duracion(v, n, N + 1, 2 * N);
    int mezcla = secuencial_por_el_pool(v, n);
    double solape = solape_de_fases(v, n);
    free(v);
    if (solape > 0) {
        cal_obtenido("según el servidor, la fase secuencial empezó %.0f ms antes de que acabara la "
                     "última inserción de la concurrente: la secuencial empieza cuando han vuelto "
                     "las %d respuestas (y CONCURRENTE mide hasta la última)",
                     solape, N);
        cal_nota_salida(p, 15);
        CAL_FIN(0);
    }
    char l[300], extra;
    int cuantas, maximo, creadas, esperas;
    double ms_c, ms_s, acel;
    if (!linea_de(p, "CONCURRENTE", l, sizeof l))
        CAL_FIN(0);
    int leidos = sscanf(l, "CONCURRENTE %d inserciones en %lf ms%c", &cuantas, &ms_c, &extra);
    if (leidos == 2 && cuantas == N && ms_c < conc - HOLGURA_MS) {
        cal_obtenido("«%s», menos de los %.0f ms que el servidor pasó insertando: el tiempo "
                     "empieza con la primera petición al pool, no con la primera respuesta",
                     l, conc);
        CAL_FIN(0);
    }
    if (leidos != 2 || cuantas != N || !cerca(ms_c, conc)) {
        cal_obtenido("«%s»; el servidor midió esa fase en %.0f ms (se admite ±50 %% o ±150 ms)", l,
                     conc);
        CAL_FIN(0);
    }
    if (!linea_de(p, "SECUENCIAL", l, sizeof l))
        CAL_FIN(0);
    if (sscanf(l, "SECUENCIAL %d inserciones en %lf ms%c", &cuantas, &ms_s, &extra) != 2 ||
        cuantas != N || !cerca(ms_s, sec) || ms_s < sec - HOLGURA_MS) {
        cal_obtenido("«%s»; el servidor midió esa fase en %.0f ms (se admite ±50 %% o ±150 ms, "
                     "y nunca menos de lo que tardó el servidor)",
                     l, sec);
        CAL_FIN(0);
    }
    if (!linea_de(p, "ACELERACION", l, sizeof l))
        CAL_FIN(0);
    double cociente = ms_c > 0 ? ms_s / ms_c : 0;
    if (sscanf(l, "ACELERACION %lfx%c", &acel, &extra) != 1 || acel < cociente * 0.9 - 0.15 ||
        acel > cociente * 1.1 + 0.15) {
        cal_obtenido("«%s»; con los tiempos impresos sería %.1fx", l, cociente);
        CAL_FIN(0);
    }
    if (!base_consultas_cuadran(&b, p, N, 1) || !consultas_de_verdad(&b, 0))
        CAL_FIN(0);
    if (!linea_de(p, "POOL", l, sizeof l))
        CAL_FIN(0);
    if (mezcla > 0) {
        cal_obtenido(
            "la fase secuencial usó una conexión del pool (el proceso %d del servidor hizo "
            "inserciones de las dos fases): la secuencial abre su propia conexión, aparte "
            "del pool",
            mezcla);
        CAL_FIN(0);
    }
    /* Las conexiones del programa que el servidor autorizó (su registro), menos la secuencial:
     * las del pool. La del calificador que añadió las filas sorpresa no es «basedatos». */
    sentencias_t st;
    long long vistas = base_sentencias(&b, N, &st) ? st.conexiones - 1 : -1;
    if (sscanf(l, "POOL maximo=%d creadas=%d esperas=%d%c", &maximo, &creadas, &esperas, &extra) !=
            3 ||
        maximo != TAMANO || creadas != vistas || esperas != ESPERAS) {
        cal_obtenido("«%s»; se esperaba «POOL maximo=%d creadas=%lld esperas=%d»: el servidor vio "
                     "%lld conexiones del pool (sin contar la de la fase secuencial) y, según el "
                     "enunciado, esperan %d de las %d inserciones y %d de las 10 consultas",
                     l, TAMANO, vistas, ESPERAS, vistas, N - TAMANO, N, 10 - TAMANO);
        explica_sin_nombre_registro(&st);
        CAL_FIN(0);
    }
    cal_obtenido("todas las líneas cuadran");
    CAL_FIN(1);
}

/* La ejecución con la fila 1 rechazada de «cierre»: termina (sin colgarse; el código lo juzga
 * sentencia_falla) y no deja ninguna conexión abierta en el servidor, tampoco las que se
 * abrían cuando falló. */
static int cierra_abriendose(const base_t *b, cal_proceso_t *p)
{
    cal_nota("Con la fila 1 rechazada (-n 20 -p 4), cuando el pool aún abre conexiones:");
    if (!esperar_fin_margen(p, 15000, -1, MARGEN_MS, 0))
        return 0;
    int quedan = base_esperar_sin_conexiones(b, 3000);
    if (quedan > 0) {
        cal_obtenido("con la fila 1 rechazada terminó, pero dejó %d conexiones abiertas en el "
                     "servidor: al cerrar, también se cierran las que aún se estaban abriendo",
                     quedan);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(cierre, 40)
{
    cal_esperado(
        "código 0; después, ninguna conexión del programa en el servidor y ninguna "
        "cortada sin cerrar (pg_stat_database.sessions_abandoned = 0), y la secuencial ya "
        "cerrada durante las consultas; y con la fila 1 "
        "rechazada mientras el pool abre conexiones, que termine sin dejar ninguna abierta");
    base_t b, bf;
    cal_proceso_t *p, *pf;
    static const char *const args_falla[] = {"-n", "20", "-p", "4", NULL};
    /* A la vez, otra ejecución con la fila 1 rechazada: falla por la conexión de la preparación
     * (ya abierta) mientras las otras 3 del pool aún se están abriendo; cerrar también esas. */
    /* Las lecturas lentas: mientras la primera de cada conexión del pool espera en el servidor,
     * la conexión secuencial ya debe estar cerrada (se cierra al acabar su fase). */
    if (!base_preparar(&b, "cierre", TABLA_LENTA, LENTO_MS, NULL) ||
        !base_vigilar_lecturas(&b, LECTURA_LENTA) || !base_preparar_falla(&bf, "cierre_falla", 1) ||
        !base_lanzar(&b, ARGS_NORMAL, 0, 30, &p) || !base_lanzar(&bf, args_falla, 0, 20, &pf))
        CAL_FIN(0);
    if (!cierra_abriendose(&bf, pf) || !esperar_fin(p, 25000, 0))
        CAL_FIN(0);
    int quedan = base_esperar_sin_conexiones(&b, 3000);
    sesiones_t s;
    if (!base_sesiones(&b, &s))
        CAL_FIN(0);
    /* Cerrar sin haber abierto nada no demuestra nada: antes tiene que haber hecho su trabajo. */
    long long propias = s.sesiones - SESIONES_CALIFICADOR;
    if (propias < 2) {
        cal_obtenido("salió con 0 pero abrió %lld conexiones (el pool y la secuencial son al menos "
                     "2): no hizo el trabajo",
                     propias);
        CAL_FIN(0);
    }
    long long lecturas, con_secuencial;
    if (!base_lecturas(&b, &lecturas, &con_secuencial))
        CAL_FIN(0);
    if (lecturas == 0) {
        cal_obtenido("salió con 0, pero el servidor no vio ninguna de sus consultas: no hizo el "
                     "trabajo");
        CAL_FIN(0);
    }
    if (con_secuencial > 0) {
        cal_obtenido("la conexión de la fase secuencial seguía abierta en el servidor durante las "
                     "consultas (en %lld de %lld conexiones del pool, 300 ms después de empezar su "
                     "primera consulta): se cierra al acabar su fase, antes de las consultas",
                     con_secuencial, lecturas);
        CAL_FIN(0);
    }
    cal_obtenido(
        "salió con 0; %d conexiones siguen abiertas; %lld de %lld se cortaron sin cerrarse", quedan,
        s.abandonadas, propias);
    CAL_FIN(quedan == 0 && s.abandonadas == 0);
}

/* Lanza -n 5 -p 2 sobre una tabla ajena ya preparada y comprueba que sale con 1, con mensaje, y
 * que la tabla sigue como estaba: `filas` filas, `forma` (columna tipo anulable, …). */
static int tabla_intacta(preparacion_t prep, const char *id, long long filas, const char *forma)
{
    base_t b;
    cal_proceso_t *p;
    static const char *const args[] = {"-n", "5", "-p", "2", NULL};
    if (!base_preparar(&b, id, prep, 0, NULL))
        return 0;
    cal_nota("Con la tabla usuarios «%s» y %lld filas:", forma, filas);
    if (!base_lanzar(&b, args, 0, 20, &p))
        return 0;
    if (!esperar_fin(p, 15000, 1))
        return 0;
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        return 0;
    if (!base_tabla_segura(c)) {
        PQfinish(c);
        return 0;
    }
    long long quedan = base_entero(c, "SELECT count(*) FROM public.usuarios", NULL, NULL);
    PGresult *r = PQexec(
        c, "SELECT string_agg(column_name || ' ' || data_type || ' ' || "
           "is_nullable, ', ' ORDER BY ordinal_position) FROM "
           "information_schema.columns WHERE table_schema = 'public' AND table_name = 'usuarios'");
    char vista[200] = "?";
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        snprintf(vista, sizeof vista, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    int ok = quedan == filas && strcmp(vista, forma) == 0 && cal_errores(p)[0] != '\0';
    cal_obtenido("con la tabla «%s»: salió con 1; quedan %lld filas (había %lld) y las columnas "
                 "«%s»; stderr %s",
                 forma, quedan, filas, vista, cal_errores(p)[0] != '\0' ? "con mensaje" : "vacía");
    return ok;
}

/* La otra cara: una tabla usuarios con la forma del enunciado y filas de antes se vacía antes
 * de llenarla (TRUNCATE). Mutante: sin_vaciar. */
static int tabla_vaciada(void)
{
    base_t b;
    cal_proceso_t *p;
    static const char *const args[] = {"-n", "5", "-p", "2", NULL};
    if (!base_preparar(&b, "tabla_con_filas", TABLA_CON_FILAS, 0, NULL))
        return 0;
    cal_nota("Con la tabla usuarios del enunciado y 4 filas de antes (ids -7, 1, 3 y 90210):");
    /* Con cualquier código, y parado si no sale (haya impreso POOL o no): lo que se juzga es
     * la tabla; no terminar lo juzga «cierre». */
    if (!base_lanzar(&b, args, 0, 20, &p))
        return 0;
    if (!cal_esperar_fin(p, 15000)) {
        cal_nota("En 15 s el programa no terminó: se lo para y se juzga la tabla (no terminar "
                 "lo cuenta «cierre»).");
        cal_matar(p);
    }
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        return 0;
    if (!base_tabla_segura(c)) {
        PQfinish(c);
        return 0;
    }
    PGresult *r = PQexec(c, "SELECT id, nombre, correo FROM public.usuarios ORDER BY id");
    int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 10;
    for (int i = 0; i < 10 && ok; i++) {
        char nombre[160], correo[64];
        base_fila_esperada(i + 1, nombre, sizeof nombre, correo, sizeof correo);
        ok = strtol(PQgetvalue(r, i, 0), NULL, 10) == i + 1 &&
             strcmp(PQgetvalue(r, i, 1), nombre) == 0 && strcmp(PQgetvalue(r, i, 2), correo) == 0;
    }
    if (!ok) {
        cal_esperado("con la tabla usuarios del enunciado y filas de antes: que la vaciara "
                     "(TRUNCATE) y quedaran justo las filas 1…10 de -n 5");
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            cal_obtenido("no se pudo leer la tabla usuarios: %s", PQerrorMessage(c));
        else
            cal_obtenido("la tabla tiene %d filas, de la %s a la %s", PQntuples(r),
                         PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "?",
                         PQntuples(r) > 0 ? PQgetvalue(r, PQntuples(r) - 1, 0) : "?");
        if (cal_codigo(p) > 0)
            cal_nota("(salió con %d: la tabla tenía filas de antes con los ids 1 y 3; si no se "
                     "vacía antes de llenarla, sus inserciones chocan con la clave primaria)",
                     cal_codigo(p));
        cal_nota_salida(p, 6);
    }
    PQclear(r);
    PQfinish(c);
    return ok;
}

CAL_PRUEBA(tabla_distinta, 30)
{
    cal_esperado("con una tabla usuarios de otra forma (otros tipos; los del enunciado pero con "
                 "nombre que admite NULL; id bigint; las columnas en otro orden; una columna de "
                 "más; nombre_completo en vez de nombre; correo que no admite NULL): código 1, "
                 "un mensaje en stderr y la tabla intacta. Y con una de la forma del enunciado y "
                 "filas de antes, vaciarla");
    int ok = tabla_intacta(TABLA_DISTINTA, "tabla_distinta", 2,
                           "id integer YES, nombre character varying YES") &&
             tabla_intacta(TABLA_ANULABLE, "tabla_anulable", 1,
                           "id integer NO, nombre text YES, correo text YES") &&
             tabla_intacta(TABLA_BIGINT, "tabla_bigint", 1,
                           "id bigint NO, nombre text NO, correo text YES") &&
             tabla_intacta(TABLA_DESORDENADA, "tabla_desordenada", 1,
                           "nombre text NO, id integer NO, correo text YES") &&
             tabla_intacta(TABLA_AMPLIADA, "tabla_ampliada", 1,
                           "id integer NO, nombre text NO, correo text YES, alta date YES") &&
             tabla_intacta(TABLA_RENOMBRADA, "tabla_renombrada", 1,
                           "id integer NO, nombre_completo text NO, correo text YES") &&
             tabla_intacta(TABLA_CORREO_NO_NULO, "tabla_correo_no_nulo", 1,
                           "id integer NO, nombre text NO, correo text NO") &&
             tabla_vaciada();
    CAL_FIN(ok);
}

CAL_PRUEBA(reemplaza_rotas, 40)
{
    cal_esperado("tras cortar en el servidor las conexiones ociosas del pool durante la fase "
                 "secuencial: código 0 y las 10 CONSULTA correctas");
    base_t b;
    cal_proceso_t *p;
    if (!base_preparar(&b, "reemplaza_rotas", TABLA_LENTA, 2 * LENTO_MS, NULL) ||
        !base_vigilar_lecturas(&b, LECTURA_AL_REVES) || !base_lanzar(&b, ARGS_NORMAL, 0, 30, &p))
        CAL_FIN(0);
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        CAL_FIN(0);
    /* La fase secuencial ha empezado cuando hay alguna fila con id > N: su conexión se salva. Con
     * inserciones de 30 ms dura más de 1 s: tiempo de sobra para cortar antes de las consultas. */
    long long sec = base_esperar_secuencial(c, p, N);
    if (sec < 0) {
        PQfinish(c);
        cal_obtenido("la fase secuencial no empezó (ninguna fila con id > %d)", N);
        cal_nota_salida(p, 10);
        CAL_FIN(0);
    }
    if (base_filas_sorpresa(c, N) < 0) {
        PQfinish(c);
        CAL_FIN(0);
    }
    char pid[24];
    snprintf(pid, sizeof pid, "%lld", sec);
    long long cortadas =
        base_entero(c,
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname "
                    "= current_database() AND application_name = 'basedatos' AND pid <> $1::int",
                    pid, NULL);
    cal_nota("Se cortaron %lld conexiones del pool.", cortadas);
    if (cortadas < 1) {
        if (!explica_sin_nombre(c))
            cal_obtenido(
                "durante la fase secuencial el pool no tenía ninguna conexión abierta (un pool "
                "conserva sus conexiones para reutilizarlas)");
        PQfinish(c);
        CAL_FIN(0);
    }
    PQfinish(c);
    if (!esperar_fin(p, 20000, 0))
        CAL_FIN(0);
    /* Antes de consultar la tabla: esa conexión también sumaría una sesión. */
    base_esperar_sin_conexiones(&b, 3000);
    sesiones_t s;
    if (!base_sesiones(&b, &s) || !base_consultas_cuadran(&b, p, N, 1) ||
        !consultas_de_verdad(&b, 1))
        CAL_FIN(0);
    /* Las sustitutas también son del pool; las rotas se descartan antes de contar esperas, así
     * que la cuenta es la misma que sin cortes. Una conexión del calificador vigilaba. */
    insercion_t *v = NULL;
    int n = base_registro(&b, &v);
    int mezcla = n > 0 ? secuencial_por_el_pool(v, n) : 0;
    free(v);
    if (mezcla > 0) {
        cal_obtenido(
            "la fase secuencial usó una conexión del pool (el proceso %d del servidor hizo "
            "inserciones de las dos fases), así que creadas no puede cuadrar: la "
            "secuencial abre su propia conexión, aparte del pool",
            mezcla);
        CAL_FIN(0);
    }
    /* Según el registro del servidor (log_connections), sin la secuencial: más exacto que
     * pg_stat_database.sessions, que cada proceso suma al terminar y a veces llegaba tarde. */
    sentencias_t st;
    long long vistas = base_sentencias(&b, N, &st) ? st.conexiones - 1 : -1;
    char l[300], extra;
    int maximo, creadas, esperas;
    if (!linea_de(p, "POOL", l, sizeof l))
        CAL_FIN(0);
    if (sscanf(l, "POOL maximo=%d creadas=%d esperas=%d%c", &maximo, &creadas, &esperas, &extra) !=
            3 ||
        maximo != TAMANO || creadas != vistas || esperas != ESPERAS) {
        if (sscanf(l, "POOL maximo=%d creadas=%d", &maximo, &creadas) == 2 && maximo == TAMANO &&
            creadas == vistas)
            cal_obtenido("«%s»; se esperaba esperas=%d, como sin cortes: las rotas se descartan "
                         "antes de contar, así que la primera consulta tras los cortes abre una "
                         "conexión, cada una de las %d siguientes abre otra sin esperar (el pool "
                         "es perezoso) y solo esperan las %d últimas; las %d inserciones "
                         "concurrentes ya sumaron %d",
                         l, ESPERAS, TAMANO - 1, 10 - TAMANO, N, N - TAMANO);
        else
            cal_obtenido("«%s»; se esperaba «POOL maximo=%d creadas=%lld esperas=%d»: el servidor "
                         "vio %lld conexiones del pool, contadas las que sustituyeron a las %lld "
                         "cortadas",
                         l, TAMANO, vistas, ESPERAS, vistas, cortadas);
        explica_sin_nombre_registro(&st);
        CAL_FIN(0);
    }
    cal_obtenido("se cortaron %lld conexiones; el programa abrió otras, las contó y terminó bien",
                 cortadas);
    CAL_FIN(1);
}

/* Con la base limitada a `limite` conexiones del programa, lanza `args`: la conexión siguiente
 * (`que`) la rechaza el servidor cuando ya hay otra abierta. Exige código 1 (no 2: el arranque
 * ya pasó) y un mensaje en stderr. */
static int rechazada_tras_abrir(const char *id, int limite, const char *const *args,
                                const char *que)
{
    base_t b;
    cal_proceso_t *p;
    cal_nota("Con la base limitada a %d conexiones: se rechaza %s.", limite, que);
    if (!base_preparar(&b, id, TABLA_LENTA, 0, NULL) || !base_limitar(&b, limite) ||
        !base_lanzar(&b, args, 0, 20, &p))
        return 0;
    if (!esperar_fin(p, 10000, 1))
        return 0;
    if (cal_errores(p)[0] == '\0') {
        cal_obtenido("con %s rechazada salió con 1, pero sin mensaje en stderr", que);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(servidor_cae, 50)
{
    cal_esperado("con el servidor parado a mitad de las inserciones: código 1 en menos de 5 s y "
                 "un mensaje en stderr; y código 1 con mensaje cuando el servidor rechaza la "
                 "conexión de la fase secuencial o una nueva del pool (ya había otra abierta)");
    static const char *const args_sec[] = {"-n", "5", "-p", "1", NULL};
    static const char *const args_pool[] = {"-n", "10", "-p", "4", NULL};
    if (!rechazada_tras_abrir("rechaza_secuencial", 1, args_sec, "la conexión secuencial") ||
        !rechazada_tras_abrir("rechaza_pool", 1, args_pool, "la segunda conexión del pool"))
        CAL_FIN(0);
    /* La carpeta de cal_carpeta es del usuario de la caja: el servidor va en una subcarpeta que
     * crea postgres.sh (suya; nunca borra lo que no creó). */
    char padre[480], dir[512];
    if (cal_carpeta("pg", padre, sizeof padre) < 0) {
        cal_obtenido("error del calificador: no se pudo crear la carpeta del servidor");
        CAL_FIN(0);
    }
    snprintf(dir, sizeof dir, "%s/bd", padre);
    char orden[2048];
    snprintf(orden, sizeof orden, "%sPOSTGRES_SIN_TCP=1 bash '%s' iniciar '%s' >/dev/null 2>&1",
             base_plantilla(), POSTGRES_SH, dir);
    if (system(orden) != 0) {
        cal_obtenido("error del calificador: no arrancó un PostgreSQL propio");
        CAL_FIN(0);
    }
    base_t b;
    cal_proceso_t *p;
    int ok = 0;
    if (base_preparar(&b, "servidor_cae", TABLA_LENTA, 200, dir) &&
        base_lanzar(&b, ARGS_NORMAL, 0, 30, &p)) {
        PGconn *c = base_conectar(&b);
        long long activas = 0;
        uint64_t hasta = cal_ahora_ms() + 10000;
        while (c != NULL && activas < 1 && cal_ahora_ms() < hasta && !cal_termino(p)) {
            activas = base_entero(c,
                                  "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                  "current_database() AND application_name = 'basedatos' AND "
                                  "state = 'active'",
                                  NULL, NULL);
            if (activas < 1)
                cal_esperar(20);
        }
        PQfinish(c);
        if (activas < 1) {
            cal_obtenido("el programa no llegó a insertar nada");
            cal_nota_salida(p, 10);
        } else {
            snprintf(orden, sizeof orden, "bash '%s' parar '%s' >/dev/null 2>&1", POSTGRES_SH, dir);
            uint64_t t0 = cal_ahora_ms();
            if (system(orden) != 0)
                cal_nota("(postgres.sh parar no terminó bien)");
            uint64_t quedan = 5000 - (cal_ahora_ms() - t0 < 4000 ? cal_ahora_ms() - t0 : 4000);
            if (esperar_fin(p, (int)quedan, 1)) {
                ok = cal_errores(p)[0] != '\0';
                cal_obtenido("salió con 1 a los %.1f s de parar el servidor; stderr %s",
                             (double)(cal_terminado_ms(p) - t0) / 1000.0,
                             ok ? "con mensaje" : "vacía");
            }
        }
    }
    snprintf(orden, sizeof orden, "bash '%s' borrar '%s' >/dev/null 2>&1", POSTGRES_SH, dir);
    if (system(orden) != 0)
        cal_nota("(postgres.sh borrar no terminó bien)");
    CAL_FIN(ok);
}

/* Lanza con una cadena dada (sin base) y espera código 2 con `motivo` en stderr. */
static int arranque_fallido(const char *cadena, const char *motivo, const char *que)
{
    const char *args[] = {"-n", "5", cadena, NULL};
    cal_lanzamiento_t l = {.args = args, .limite_s = 10};
    cal_proceso_t *p;
    if (cal_lanzar(&l, &p) < 0)
        return 0;
    if (!esperar_fin(p, 5000, 2))
        return 0;
    if (strstr(cal_errores(p), motivo) == NULL) {
        cal_obtenido("con %s salió con 2, pero stderr no incluye el motivo de libpq («%s»)", que,
                     motivo);
        cal_nota_salida(p, 5);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(conexion_mala, 30)
{
    cal_esperado("una cadena que no se entiende y una conexión rechazada: código 2 en menos de "
                 "5 s, con el motivo de libpq en stderr");
    char rechazada[200];
    snprintf(rechazada, sizeof rechazada, "host=127.0.0.1 port=%d user=curso dbname=curso",
             cal_puerto_cerrado());
    int ok = arranque_fallido("esto no es una cadena", "missing \"=\"", "una cadena mala") &&
             arranque_fallido(rechazada, "refused", "una conexión rechazada");
    if (ok)
        cal_obtenido("las dos salen con 2 y explican el motivo");
    CAL_FIN(ok);
}

/* Lanza `args` sobre una base preparada, espera a que el servidor vea `en_vuelo` sentencias
 * del programa en marcha, manda SIGINT y exige 130 en menos de 3 s y ninguna sentencia suya en
 * marcha 2.5 s después. `fase` dice en qué fase está (para los mensajes). */
static int sigint_en_vuelo(base_t *b, const char *const *args, int en_vuelo, const char *fase,
                           int tras_concurrente)
{
    cal_proceso_t *p;
    cal_nota("Ctrl+C en la fase %s:", fase);
    if (!base_lanzar(b, args, 0, 40, &p))
        return 0;
    PGconn *c = base_conectar(b);
    if (c == NULL)
        return 0;
    static const char *const ACTIVAS =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
        "application_name = 'basedatos' AND state = 'active'";
    long long activas = 0;
    uint64_t hasta = cal_ahora_ms() + 6000;
    while (activas < en_vuelo && cal_ahora_ms() < hasta && !cal_termino(p)) {
        /* Con `tras_concurrente`, solo cuentan las que hay cuando la fase concurrente (sus
         * `tras_concurrente` filas, que no esperan) ya está en calif.registro. */
        char filas[16];
        snprintf(filas, sizeof filas, "%d", tras_concurrente);
        activas = tras_concurrente > 0 &&
                          base_entero(c, "SELECT count(*) FROM calif.registro WHERE id <= $1::int",
                                      filas, NULL) < tras_concurrente
                      ? 0
                      : base_entero(c, ACTIVAS, NULL, NULL);
        if (activas < en_vuelo)
            cal_esperar(20);
    }
    if (activas < en_vuelo) {
        if (!explica_sin_nombre(c))
            cal_obtenido("en la fase %s, el servidor nunca vio %d inserciones del programa en "
                         "curso (vio %lld)%s",
                         fase, en_vuelo, activas,
                         activas == 1 && en_vuelo > 1
                             ? ": ¿la fase concurrente espera a que acabe cada inserción antes "
                               "de pedir la siguiente?"
                             : "");
        PQfinish(c);
        cal_nota_salida(p, 10);
        return 0;
    }
    cal_senal(p, SIGINT);
    if (!esperar_fin(p, 3000, 130)) {
        PQfinish(c);
        return 0;
    }
    hasta = cal_ahora_ms() + 2500;
    do {
        activas = base_entero(c, ACTIVAS, NULL, NULL);
        if (activas > 0)
            cal_esperar(50);
    } while (activas > 0 && cal_ahora_ms() < hasta);
    PQfinish(c);
    cal_obtenido("con Ctrl+C en la fase %s, salió con 130; %lld sentencias suyas seguían en "
                 "curso en el servidor 2.5 s después",
                 fase, activas);
    return activas == 0;
}

CAL_PRUEBA(sigint, 50)
{
    cal_esperado("con inserciones de 30 s en curso (3 en la fase concurrente; después, 1 en la "
                 "secuencial), SIGINT: código 130 en menos de 3 s y ninguna sentencia del "
                 "programa sigue en curso en el servidor");
    base_t b;
    static const char *const args[] = {"-n", "10", "-p", "3", NULL};
    if (!base_preparar(&b, "sigint", TABLA_LENTA, 30000, NULL) ||
        !sigint_en_vuelo(&b, args, 3, "concurrente", 0))
        CAL_FIN(0);
    /* La secuencial: las 3 concurrentes van al momento; las de la secuencial tardan 30 s. */
    static const char *const args_sec[] = {"-n", "3", "-p", "3", NULL};
    CAL_FIN(base_preparar_lenta(&b, "sigint_secuencial", 30000, 3, 0) &&
            sigint_en_vuelo(&b, args_sec, 1, "secuencial", 3));
}

/* Varias ejecuciones juzgadas una tras otra: lo que se obtuvo es lo de la primera que falla (una
 * que sale bien después no lo tapa); con `ya_fallo`, el resumen de esta va al detalle. */
static void obtenido_o_nota(int ya_fallo, const char *resumen)
{
    if (ya_fallo)
        cal_nota("%s", resumen);
    else
        cal_obtenido("%s", resumen);
}

/* Juzga una ejecución con la fila `falla` rechazada (-n 20): código 1; en stderr la sentencia y
 * el error del servidor; y, según la tabla, paró ahí: ninguna fila posterior a la que falló
 * (tras un fallo en la fase concurrente no empieza la secuencial; en la secuencial, no sigue
 * con la siguiente). 1 si todo cuadra (explicado si no). */
static int falla_y_para(base_t *b, cal_proceso_t *p, int falla, const char *fase, int ya_fallo)
{
    char resumen[400];
    cal_nota("Con la fila %d rechazada (fase %s):", falla, fase);
    if (!esperar_fin(p, 15000, 1))
        return 0;
    const char *err = cal_errores(p);
    int con_error = strstr(err, b->ficha) != NULL;
    /* La sentencia, como la escribió el programa: «insert» o «INSERT». */
    int con_sentencia = base_contiene_sin_mayusculas(err, "INSERT");
    if (falla == 0) {
        /* Las lecturas rechazadas: todas las filas están y la sentencia es un SELECT. */
        con_sentencia = base_contiene_sin_mayusculas(err, "SELECT");
        snprintf(resumen, sizeof resumen,
                 "consultas rechazadas: salió con 1; stderr %s el error del servidor y %s la "
                 "sentencia (SELECT …)",
                 con_error ? "trae" : "no trae", con_sentencia ? "trae" : "no trae");
        obtenido_o_nota(ya_fallo, resumen);
        if (!con_error || !con_sentencia)
            cal_nota_salida(p, 5);
        return con_error && con_sentencia;
    }
    PGconn *c = base_conectar(b);
    if (c == NULL)
        return 0;
    if (!base_tabla_segura(c)) {
        PQfinish(c);
        return 0;
    }
    char limite[16];
    snprintf(limite, sizeof limite, "%d", falla > 20 ? falla : 20);
    long long despues =
        base_entero(c, "SELECT count(*) FROM public.usuarios WHERE id > $1::integer", limite, NULL);
    PQfinish(c);
    snprintf(resumen, sizeof resumen,
             "fila %d (fase %s): salió con 1; stderr %s el error del servidor y %s la "
             "sentencia; %lld filas insertadas después de la que falló (id > %s)",
             falla, fase, con_error ? "trae" : "no trae", con_sentencia ? "trae" : "no trae",
             despues, limite);
    obtenido_o_nota(ya_fallo, resumen);
    if (!con_error || !con_sentencia)
        cal_nota_salida(p, 5);
    else if (despues != 0)
        cal_nota("siguió insertando después del fallo: una sentencia que falla termina el "
                 "programa (todo se cierra y código 1), no se apunta y se sigue");
    return con_error && con_sentencia && despues == 0;
}

/* Una sentencia que el servidor rechaza, una vez en cada fase (las tres ejecuciones a la vez; en
 * la de consultas, las lecturas): código 1, en stderr la sentencia y el error, y nada más después.
 */
CAL_PRUEBA(sentencia_falla, 30)
{
    base_t bc, bs, bq;
    cal_proceso_t *pc, *ps, *pq;
    static const char *const args[] = {"-n", "20", "-p", "4", NULL};
    /* La fila que falla, al azar dentro de cada fase: un error tratado bien solo en una de las
     * dos fases pierde siempre. */
    uint64_t azar = cal_ahora_ms() ^ (uint64_t)getpid();
    int falla_c = 1 + (int)(azar % 20), falla_s = 21 + (int)((azar / 20) % 20);
    cal_esperado("con -n 20 -p 4 y el servidor rechazando la inserción de la fila %d (fase "
                 "concurrente), en otra ejecución la %d (fase secuencial) y en una tercera las "
                 "consultas: código 1, en stderr la sentencia que falló (INSERT … o SELECT …) y el "
                 "error del servidor, y ninguna inserción después",
                 falla_c, falla_s);
    if (!base_preparar_falla(&bc, "sentencia_falla", falla_c) ||
        !base_preparar_falla(&bs, "sentencia_falla_sec", falla_s) ||
        !base_preparar_falla(&bq, "sentencia_falla_consulta", 0) ||
        !base_vigilar_lecturas(&bq, LECTURA_RECHAZADA) || !base_lanzar(&bc, args, 0, 20, &pc) ||
        !base_lanzar(&bs, args, 0, 20, &ps) || !base_lanzar(&bq, args, 0, 20, &pq))
        CAL_FIN(0);
    int ok = falla_y_para(&bc, pc, falla_c, "concurrente", 0);
    ok = falla_y_para(&bs, ps, falla_s, "secuencial", !ok) && ok;
    CAL_FIN(falla_y_para(&bq, pq, 0, "de consultas", !ok) && ok);
}

/* Juzga una pasada de valgrind ya lanzada: `codigo` el esperado (-1: cualquiera); con
 * `trabajo`, además debe haber impreso POOL. 1 si sale limpia (explicado si no). */
static int pasada_valgrind(cal_proceso_t *p, int codigo, int trabajo, const char *que, int ya_fallo)
{
    char resumen[600];
    if (!esperar_fin_margen(p, 95000, -1, MARGEN_VALGRIND_MS, 0))
        return 0;
    char motivo[300], fin[160];
    if (trabajo && cal_codigo(p) == 0 && cal_contar(cal_salida(p), "POOL", NULL) != 1) {
        cal_obtenido("%s: salió con 0 sin terminar el trabajo (no imprimió la línea POOL)", que);
        cal_nota_salida(p, 10);
        return 0;
    }
    if (cal_codigo(p) == CAL_CODIGO_VALGRIND || codigo < 0 || cal_codigo(p) == codigo) {
        int limpio = cal_valgrind_veredicto(p, motivo, sizeof motivo);
        /* Y todo cerrado al salir, también por los caminos de error: un handle sin uv_close (un
         * temporizador parado, una conexión rota que no pasó por bd_cerrar) deja
         * uv_loop_close() en UV_EBUSY y su memoria alcanzable. Mutante: temporizador_sin_cerrar. */
        if (limpio && cal_codigo(p) != CAL_CODIGO_VALGRIND)
            limpio = cal_valgrind_cerrado(p, motivo, sizeof motivo);
        int ok = limpio && cal_codigo(p) != CAL_CODIGO_VALGRIND;
        snprintf(resumen, sizeof resumen, "%s: %s", que, motivo);
        obtenido_o_nota(ya_fallo, resumen);
        if (!ok)
            cal_valgrind_nota(p);
        return ok;
    }
    cal_obtenido("%s: %s (se esperaba el código %d)", que, cal_describir_fin(p, fin, sizeof fin),
                 codigo);
    cal_nota_salida(p, 10);
    return 0;
}

/* Bajo valgrind, como en reemplaza_rotas: en cuanto empieza la fase secuencial, el servidor
 * corta las demás conexiones del programa (las del pool, ociosas). Una rota que se saca del pool
 * sin bd_cerrar no llega nunca a PQfinish: el servidor ya no la ve (su proceso murió), pero su
 * PGconn y su bd_conexion_t quedan perdidos, y eso solo lo ve valgrind. Mutante: rota_sin_cerrar.
 * Devuelve las conexiones cortadas, o -1 si no se llegó a cortar (la nota lo dice). */
static long long cortar_pool_valgrind(base_t *b, cal_proceso_t *p, int n)
{
    PGconn *c = base_conectar(b);
    if (c == NULL)
        return -1;
    long long sec = base_esperar_secuencial(c, p, n);
    long long cortadas = -1;
    if (sec >= 0) {
        char pid[24];
        snprintf(pid, sizeof pid, "%lld", sec);
        cortadas = base_entero(c,
                               "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND application_name = "
                               "'basedatos' AND pid <> $1::int",
                               pid, NULL);
    }
    PQfinish(c);
    cal_nota("Con las conexiones del pool cortadas en la fase secuencial (-n %d -p 4): se "
             "cortaron %lld.",
             n, cortadas < 0 ? 0 : cortadas);
    return cortadas;
}

CAL_PRUEBA(valgrind, 150)
{
    cal_esperado("bajo valgrind, -n 20 -p 4: código 0; y por los caminos de error (los códigos "
                 "los miran otras verificaciones): una inserción que el servidor rechaza, una "
                 "tabla usuarios ajena, conexiones del pool rechazadas, consultas rechazadas y "
                 "conexiones del pool cortadas en el servidor; "
                 "todas sin errores de "
                 "memoria ni fugas");
    base_t b, bf, bt, bl, bq, br;
    cal_proceso_t *p, *pf, *pt, *pl, *pq, *pr;
    static const char *const args[] = {"-n", "20", "-p", "4", NULL};
    static const char *const args_falla[] = {"-n", "10", "-p", "2", NULL};
    static const char *const args_ajena[] = {"-n", "5", "-p", "2", NULL};
    static const char *const args_limite[] = {"-n", "10", "-p", "4", NULL};
    /* Las dos pasadas a la vez (valgrind es lo más lento de la calificación). La segunda, por el
     * camino de error: el PGresult de una sentencia que falla también es del programa. */
    if (!base_preparar(&b, "valgrind", SIN_TABLA, 0, NULL) ||
        !base_preparar_falla(&bf, "valgrind_falla", 7) ||
        !base_preparar(&bt, "valgrind_ajena", TABLA_DISTINTA, 0, NULL) ||
        !base_preparar(&bl, "valgrind_limite", TABLA_LENTA, 0, NULL) || !base_limitar(&bl, 1) ||
        !base_preparar_falla(&bq, "valgrind_consulta", 0) ||
        !base_vigilar_lecturas(&bq, LECTURA_RECHAZADA) || !base_lanzar(&b, args, 1, 100, &p) ||
        !base_lanzar(&bf, args_falla, 1, 100, &pf) || !base_lanzar(&bt, args_ajena, 1, 100, &pt) ||
        !base_lanzar(&bl, args_limite, 1, 100, &pl) || !base_lanzar(&bq, args_ajena, 1, 100, &pq) ||
        !base_preparar(&br, "valgrind_rotas", TABLA_LENTA, 2 * LENTO_MS, NULL) ||
        !base_lanzar(&br, args_limite, 1, 100, &pr))
        CAL_FIN(0);
    cortar_pool_valgrind(&br, pr, 10);
    /* Todas se esperan (cada una deja su nota), aunque falle una de las primeras. */
    int ok = pasada_valgrind(p, 0, 1, "la ejecución sin errores (-n 20 -p 4)", 0);
    ok = pasada_valgrind(pf, -1, 0, "con la fila 7 rechazada (-n 10 -p 2)", !ok) && ok;
    ok = pasada_valgrind(pt, -1, 0, "con una tabla usuarios ajena (-n 5 -p 2)", !ok) && ok;
    ok = pasada_valgrind(pl, -1, 0,
                         "con la base limitada a 1 conexión: el servidor rechaza las del pool "
                         "tras la primera (-n 10 -p 4)",
                         !ok) &&
         ok;
    ok = pasada_valgrind(pq, -1, 0, "con las consultas rechazadas (-n 5 -p 2)", !ok) && ok;
    ok =
        pasada_valgrind(pr, -1, 0, "con el pool cortado en la fase secuencial (-n 10 -p 4)", !ok) &&
        ok;
    /* Sin fugas no cuenta si la ejecución sin errores no hizo el trabajo: sus 10 consultas, según
     * el registro del servidor (un programa que las calcula no reserva nada para ellas). */
    sentencias_t st;
    if (ok && (!base_sentencias(&b, 20, &st) || st.hechas_siempre != 0x3ffu)) {
        cal_obtenido("la ejecución sin errores (-n 20 -p 4) salió limpia, pero según el registro "
                     "del servidor no lanzó las 10 consultas del enunciado: no hizo el trabajo");
        ok = 0;
    }
    CAL_FIN(ok);
}
