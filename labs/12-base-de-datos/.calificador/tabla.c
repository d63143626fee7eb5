/* tabla.c — la tabla: la preparación (lista y vacía, por la conexión del pool), cada fila
 * una vez y tal cual, y una tabla usuarios con otra forma que no se toca.
 *
 * Lo que no se juzga, y por qué:
 * - En «preparacion», que la conexión de la preparación sea de un pool y no una suelta: con -p 1,
 *   un pool y una sola conexión que lo hace todo se ven igual desde el servidor (bd_una.c la
 *   pasa). Lo que sí se ve es que la prepara una sola conexión y que la primera inserción va
 *   por ella (una abierta aparte, o cerrada al devolverla, no). Ni cómo comprueba la forma: eso
 *   lo juzga «tabla_distinta» con siete tablas ajenas.
 */
#include "comun.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Filas con ids de 1 a 4 cifras (-n FILAS_LARGAS): un nombre en un búfer medido para los ids de
 * la ejecución normal (de 1 a 80) sale truncado o desborda desde el id 100; el ejemplo del
 * enunciado (-n 100) ya llega ahí. Sobre la tabla del enunciado ya creada y sin esperas en el
 * servidor (TABLA_LENTA con 0 ms): la de SIN_TABLA frena cada inserción 15 ms, y 1200 serían
 * más de 9 s solo en la fase secuencial. La ejecución ya lanzada `p` sobre `b`; 1 si todas las
 * filas son las del enunciado (explicado si no). Mutante: nombre_corto. */
#define FILAS_LARGAS 600

/* La preparación (el hito A): con argumentos válidos, la tabla queda con la forma del enunciado
 * y sin filas de antes, la prepara una sola conexión del programa, y esa conexión vuelve al pool:
 * con -p 1, la primera inserción (si el programa ya inserta) va por ella. Y el programa termina
 * con 0 (el del hito A, tras vaciarla; uno completo, tras imprimir POOL: si después no sale, lo
 * juzga «cierre»). Un pool que nunca presta su conexión se cuelga sin preparar nada. Mutante:
 * conectada_sin_prestar. */
#define PREP_N "3"
static const char *const FORMA_ENUNCIADO = "id integer NO, nombre text NO, correo text YES";

static int filas_largas(const base_t *b, cal_proceso_t *p)
{
    cal_nota("Con -n %d -p 4 (ids de 1 a %d):", FILAS_LARGAS, 2 * FILAS_LARGAS);
    /* Se juzga la tabla: con cualquier código y parado si imprimió POOL y no sale (no salir lo
     * juzga «cierre»). Si sale con 1 sin terminar (la base admite 6 conexiones del programa: un
     * pool sin tope lo juzga «limite_pool»), solo las filas que hay. */
    if (!base_esperar_fin(p, 25000, -1))
        return 0;
    int hecho = cal_contar(cal_salida(p), "POOL", NULL) == 1;
    if (!hecho && cal_codigo(p) != 1) {
        char fin[160];
        cal_obtenido("con -n %d: %s sin haber impreso POOL", FILAS_LARGAS,
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
        cal_obtenido("con -n %d, la tabla tiene %d %s (se esperaban %d)", FILAS_LARGAS,
                     PQntuples(r), texto_plural(PQntuples(r), "fila", "filas"), 2 * FILAS_LARGAS);
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

static int preparacion_vista(const base_t *b, cal_proceso_t *p, const char *que)
{
    char fin[160];
    if (!base_esperar_fin_margen(p, 15000, 0, MARGEN_MS, 1)) {
        /* Si ya imprimió CONCURRENTE, la preparación fue bien: el cuelgue es de después. */
        if (cal_contar(cal_salida(p), "CONCURRENTE", NULL) > 0)
            cal_nota("(%s: la preparación y las inserciones se hicieron —ya imprimió "
                     "CONCURRENTE—, así que el programa se quedó colgado después: ¿cada consulta "
                     "devuelve su conexión al pool? ¿y pool_cerrar la cierra para que uv_run "
                     "vuelva?)",
                     que);
        else
            cal_nota("(%s: ¿el pool presta su conexión a la primera petición, la de la "
                     "preparación, cuando termina de abrirse? ¿y pool_cerrar la cierra para que "
                     "uv_run vuelva?)",
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
        cal_obtenido("%s: la tabla usuarios tiene las columnas «%s» (se esperaba «%s»; YES/NO: si "
                     "la columna admite NULL)",
                     que, forma, FORMA_ENUNCIADO);
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
                     "antes de sus inserciones",
                     que);
        return 0;
    }
    if (v.procesos != 1) {
        cal_obtenido("%s: conexiones distintas que hicieron la preparación (crear, comprobar y "
                     "vaciar la tabla): %d; el enunciado pide una, la primera que presta el pool",
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
static void preparacion(void)
{
    cal_esperado("dos ejecuciones con -n " PREP_N " -p 1, una sin tabla y otra con la tabla del "
                 "enunciado y 4 filas de antes: que el programa termine con 0 y deje la tabla "
                 "usuarios con la forma del enunciado («%s»; YES/NO: si la columna admite NULL) y "
                 "sin las filas de antes. Y, según el servidor, que la prepare "
                 "(crear, comprobar, vaciar) una sola conexión suya, la del pool: la primera "
                 "inserción, si la hay, va por esa misma conexión",
                 FORMA_ENUNCIADO);
    base_t b, bf;
    cal_proceso_t *p, *pf;
    static const char *const args[] = {"-n", PREP_N, "-p", "1", NULL};
    if (!base_preparar(&b, SIN_TABLA, 0, NULL) || !base_preparar(&bf, TABLA_CON_FILAS, 0, NULL) ||
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
static void filas(void)
{
    cal_esperado("las filas 1…%d, cada una una vez, con nombre y correo tal cual, y ningún valor "
                 "pegado en el texto SQL que recibe el servidor (parámetros $1, $2, $3). Y las 10 "
                 "CONSULTA, que el servidor vio lanzar, con el resultado de cada consulta sobre la "
                 "tabla final (con unas filas al azar que el calificador añade en la fase "
                 "secuencial; la última, con correo NULL: un NULL de SQL se imprime NULL)",
                 2 * N);
    base_t b, bl;
    cal_proceso_t *p, *pl;
    static const char *const args_largas[] = {"-n", "600", "-p", "4", NULL};
    if (!base_preparar(&b, SIN_TABLA, 0, NULL) || !base_preparar(&bl, TABLA_LENTA, 0, NULL) ||
        !base_limitar(&bl, 6) || !base_lanzar(&b, base_args_normal, 0, 30, &p) ||
        !base_lanzar(&bl, args_largas, 0, 30, &pl))
        CAL_FIN(0);
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        CAL_FIN(0);
    if (!base_sorpresa_preparar(&b, c)) {
        PQfinish(c);
        CAL_FIN(0);
    }
    /* Las 10 consultas, aunque sea por una sola conexión (el hito A), se hacen de verdad: unas
     * filas al azar durante la fase secuencial cambian sus resultados. La última, sin correo:
     * la consulta 9 da un NULL de SQL, que se imprime NULL (base_filas_sorpresa). Solo aquí, la
     * verificación de lo que da cada CONSULTA. */
    int sorpresa = base_esperar_secuencial(c, p, N) >= 0 && base_tabla_segura(c)
                       ? base_filas_sorpresa(&b, c, N, 1)
                       : 0;
    base_sorpresa_quitar(&b, c);
    if (sorpresa < 0 || !base_esperar_fin(p, 25000, -1)) {
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
        cal_obtenido("la tabla tiene %d %s con id ≤ %d y %lld por encima (el calificador "
                     "añadió %d)",
                     PQntuples(r), texto_plural(PQntuples(r), "fila", "filas"), 2 * N, ajenas,
                     sorpresa);
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
            cal_obtenido("las filas están bien, pero hay inserciones que llegaron al servidor "
                         "con los valores pegados en el texto SQL (%d de %lld), p. ej. «%s»",
                         pegadas, total, ejemplo);
            ok = 0;
        } else if (total != 2 * N) {
            cal_obtenido("el servidor vio %lld %s en la tabla que creó el programa (se "
                         "esperaban %d, una por fila)",
                         total, texto_plural(total, "inserción", "inserciones"), 2 * N);
            ok = 0;
        } else if (sorpresa == 0) {
            cal_obtenido("las filas están bien, pero el calificador no vio empezar la fase "
                         "secuencial y no pudo añadir sus filas al azar");
            ok = 0;
        } else if (!base_consultas_cuadran(&b, p, N, 0) || !base_consultas_de_verdad(&b, 0, 1)) {
            ok = 0;
        } else if (!filas_largas(&bl, pl)) {
            ok = 0;
        } else {
            cal_obtenido("todas las filas (%d) están tal cual y llegaron como parámetros, y las "
                         "10 consultas se lanzaron y cuadran; con -n %d, también todas sus filas "
                         "(%d)",
                         2 * N, FILAS_LARGAS, 2 * FILAS_LARGAS);
        }
    }
    if (!ok)
        cal_nota_salida(p, 6);
    PQclear(r);
    PQfinish(c);
    CAL_FIN(ok);
}

/* Lanza -n 5 -p 2 sobre una tabla ajena ya preparada y comprueba que sale con 1, con mensaje, y
 * que la tabla sigue como estaba: `filas` filas, `forma` (columna tipo anulable, …). */
static int tabla_intacta(preparacion_t prep, long long filas, const char *forma)
{
    base_t b;
    cal_proceso_t *p;
    static const char *const args[] = {"-n", "5", "-p", "2", NULL};
    if (!base_preparar(&b, prep, 0, NULL))
        return 0;
    cal_nota("Con la tabla usuarios «%s» (YES/NO: si la columna admite NULL) y %lld %s:", forma,
             filas, filas == 1 ? "fila" : "filas");
    if (!base_lanzar(&b, args, 0, 20, &p))
        return 0;
    if (!base_esperar_fin(p, 15000, 1))
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
    cal_obtenido("con la tabla «%s»: salió con 1; filas: %lld (había %lld); columnas: «%s»; "
                 "stderr %s",
                 forma, quedan, filas, vista, cal_errores(p)[0] != '\0' ? "con mensaje" : "vacío");
    return ok;
}

/* La otra cara: una tabla usuarios con la forma del enunciado y filas de antes se vacía antes
 * de llenarla (TRUNCATE). Mutante: sin_vaciar. */
static int tabla_vaciada(void)
{
    base_t b;
    cal_proceso_t *p;
    static const char *const args[] = {"-n", "5", "-p", "2", NULL};
    if (!base_preparar(&b, TABLA_CON_FILAS, 0, NULL))
        return 0;
    cal_nota("Con la tabla usuarios del enunciado y 4 filas de antes (ids -7, 1, 3 y 90210):");
    /* Con cualquier código, y parado si no sale (haya impreso POOL o no): lo que se juzga es
     * la tabla; no terminar lo juzga «cierre». */
    if (!base_lanzar(&b, args, 0, 20, &p))
        return 0;
    if (!cal_esperar_fin(p, 15000)) {
        cal_nota("En 15 s el programa no terminó: el calificador lo mata y juzga la tabla (no "
                 "terminar "
                 "lo cuenta «Cierra todas sus conexiones y termina»).");
        cal_matar(p);
    }
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        return 0;
    if (!base_tabla_segura(c)) {
        PQfinish(c);
        return 0;
    }
    /* Lo que se juzga aquí es que la vació: ninguna fila de antes, y las 5 de la fase
     * concurrente (la 1 y la 3 chocarían con las de antes) con sus valores. Que estén también las
     * 5 de la secuencial lo cobra filas, no esta (mutante secuencial_una_menos). */
    PGresult *r = PQexec(c, "SELECT id, nombre, correo FROM public.usuarios ORDER BY id");
    int filas = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : -1;
    int ok = filas >= 5 && filas <= 10;
    long anterior = 0;
    for (int i = 0; i < filas && ok; i++) {
        char nombre[160], correo[64];
        long id = strtol(PQgetvalue(r, i, 0), NULL, 10);
        base_fila_esperada((int)id, nombre, sizeof nombre, correo, sizeof correo);
        /* Ordenadas por id y cada una una vez: las 5 primeras son la 1…5; después, ids de la
         * secuencial. */
        ok = id > anterior && (i < 5 ? id == i + 1 : id <= 10) &&
             strcmp(PQgetvalue(r, i, 1), nombre) == 0 && strcmp(PQgetvalue(r, i, 2), correo) == 0;
        anterior = id;
    }
    if (!ok) {
        cal_esperado("con la tabla usuarios del enunciado y filas de antes: que la vaciara "
                     "(TRUNCATE) y quedaran solo filas suyas, las 1…5 de la fase concurrente "
                     "y las de la secuencial (6…10 con -n 5)");
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            cal_obtenido("no se pudo leer la tabla usuarios: %s", PQerrorMessage(c));
        else
            cal_obtenido("la tabla tiene %d %s, con ids del %s al %s", PQntuples(r),
                         texto_plural(PQntuples(r), "fila", "filas"),
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
static void tabla_distinta(void)
{
    cal_esperado("con una tabla usuarios de otra forma (otros tipos; los del enunciado pero con "
                 "nombre que admite NULL; id bigint; las columnas en otro orden; una columna de "
                 "más; nombre_completo en vez de nombre; correo que no admite NULL): código 1, "
                 "un mensaje en stderr y la tabla intacta. Y con una de la forma del enunciado y "
                 "filas de antes, vaciarla");
    int ok =
        tabla_intacta(TABLA_DISTINTA, 2, "id integer YES, nombre character varying YES") &&
        tabla_intacta(TABLA_ANULABLE, 1, "id integer NO, nombre text YES, correo text YES") &&
        tabla_intacta(TABLA_BIGINT, 1, "id bigint NO, nombre text NO, correo text YES") &&
        tabla_intacta(TABLA_DESORDENADA, 1, "nombre text NO, id integer NO, correo text YES") &&
        tabla_intacta(TABLA_AMPLIADA, 1,
                      "id integer NO, nombre text NO, correo text YES, alta date YES") &&
        tabla_intacta(TABLA_RENOMBRADA, 1,
                      "id integer NO, nombre_completo text NO, correo text YES") &&
        tabla_intacta(TABLA_CORREO_NO_NULO, 1, "id integer NO, nombre text NO, correo text NO") &&
        tabla_vaciada();
    CAL_FIN(ok);
}
