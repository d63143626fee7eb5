/* fallos.c — los fallos: conexiones rotas que se descartan y se sustituyen, una sentencia
 * que falla y un servidor que cae a mitad.
 */
#include "comun.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Las dos ejecuciones con -p 1 de reemplaza_rotas (una con la conexión del pool cortada en la
 * fase secuencial, otra sin cortes): sus inserciones tardan ROTAS_LENTO_MS, así que la fase
 * secuencial dura 3 s, de sobra para cortar antes de las consultas. */
#define ROTAS_N        "10"
#define ROTAS_FILAS    10
#define ROTAS_LENTO_MS 300
/* Lo que da el enunciado con -n 10 -p 1, se corte o no la conexión: esperan todas las
 * inserciones menos la primera y todas las consultas menos la primera (la que la encuentra
 * libre, o la que abre la sustituta de la rota). */
#define ROTAS_ESPERAS (ROTAS_FILAS - 1 + 10 - 1)

/* Espera (como mucho `max_ms`) a que `p` imprima POOL. 1 si la imprimió. Sin más juicio: que
 * termine lo juzgan la ejecución principal y cierre. */
static int pool_impreso(cal_proceso_t *p, int max_ms)
{
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    while (!cal_termino(p) && cal_contar(cal_salida(p), "POOL", NULL) < 1 && !plazo_vencido(&plazo))
        cal_esperar(20);
    return cal_contar(cal_salida(p), "POOL", NULL) >= 1;
}

/* esperas=<e> de la línea POOL de `p`, o -1 si no la hay. */
static int esperas_de(cal_proceso_t *p)
{
    char l[300];
    int maximo, creadas, esperas;
    if (cal_linea(cal_salida(p), "POOL", NULL, 0, l, sizeof l) < 0 ||
        sscanf(l, "POOL maximo=%d creadas=%d esperas=%d", &maximo, &creadas, &esperas) != 3)
        return -1;
    return esperas;
}

/* Una conexión rota que aún no se ha descartado no es ni libre ni abierta: se descarta antes de
 * contar las esperas (el enunciado). Quien la da por no libre (bd_disponible) pero la sigue
 * contando entre las abiertas hasta que la descarta al repartir hace esperar a la primera
 * consulta tras los cortes, que en realidad abre su sustituta: una espera de más (mutante
 * esperas_con_rotas_sin_descartar, 100/100 antes: salida no corta nada y aquí no se miraba
 * esperas). Cuántas esperan en general lo juzga salida: aquí solo se compara con lo que da el
 * mismo programa sin cortes, y solo si sin cortes da lo del enunciado (un esperas mal contado
 * siempre, como esperas_de_mas, no se cobra otra vez) y si tras los cortes no abrió más
 * sustitutas que conexiones cortadas (un pool sin tope, como sin_limite, espera distinto, y eso
 * lo cobran limite_pool y salida). Con -p 1 un pool que abre todas al empezar (todas_al_empezar,
 * que cobra perezoso) se porta como uno perezoso. 1 si cuadra o no se juzga (con una nota). */
static int esperas_tras_cortes(const base_t *bu, cal_proceso_t *pu, const base_t *bs,
                               cal_proceso_t *ps, long long cortadas)
{
    int sin_cortes = pool_impreso(ps, 20000) ? esperas_de(ps) : -1;
    if (sin_cortes != ROTAS_ESPERAS) {
        cal_nota("Con -n %s -p 1 y sin cortes, %s (el enunciado da %d): cuántas esperan lo juzga "
                 "«La salida cuadra con lo que vio el servidor»; aquí no se comparan las esperas "
                 "tras los cortes.",
                 ROTAS_N, sin_cortes < 0 ? "ninguna línea POOL con sus esperas" : "otras esperas",
                 ROTAS_ESPERAS);
        return 1;
    }
    int con_cortes = cortadas >= 1 && pool_impreso(pu, 20000) ? esperas_de(pu) : -1;
    if (con_cortes < 0) {
        cal_nota("Con -n %s -p 1, la conexión del pool no se cortó antes de las consultas o el "
                 "programa no imprimió POOL: no se comparan las esperas tras los cortes.",
                 ROTAS_N);
        return 1;
    }
    sentencias_t su, ss;
    if (!base_sentencias(bu, ROTAS_FILAS, &su) || !base_sentencias(bs, ROTAS_FILAS, &ss))
        return 0;
    if (su.conexiones - 1 > ss.conexiones - 1 + cortadas) {
        cal_nota("Con -n %s -p 1, tras los cortes el pool abrió más conexiones que las cortadas "
                 "(el servidor vio %d del pool, y %d sin cortes): el tope lo juzgan «El pool "
                 "nunca pasa de -p conexiones» y la salida; aquí no se comparan las esperas.",
                 ROTAS_N, su.conexiones - 1, ss.conexiones - 1);
        return 1;
    }
    if (con_cortes != sin_cortes) {
        cal_obtenido("con -n %s -p 1 y la conexión del pool cortada durante la fase secuencial, "
                     "la línea POOL dice esperas=%d; sin cortarla, esperas=%d, lo que da el "
                     "enunciado. Una conexión rota que aún no se ha descartado no es ni libre ni "
                     "abierta: se descarta antes de contar, y la primera consulta, que abre su "
                     "sustituta, no espera",
                     ROTAS_N, con_cortes, sin_cortes);
        return 0;
    }
    cal_nota("Con -n %s -p 1: esperas=%d con la conexión del pool cortada y sin cortarla.", ROTAS_N,
             con_cortes);
    return 1;
}

/* Las 10 líneas CONSULTA, una por k. Lo que da cada una lo juzga filas (y su orden, salida):
 * aquí, que las hicieron las sustitutas, y eso lo dice el registro del servidor
 * (base_consultas_de_verdad). Antes se cotejaba también cada resultado, y una consulta mal
 * (un parámetro equivocado) se cobraba tres veces: 23 puntos (mutante
 * consulta_parametro_equivocado). */
static int consultas_impresas(cal_proceso_t *p)
{
    for (int k = 1; k <= 10; k++) {
        char numero[8], linea[400];
        snprintf(numero, sizeof numero, "%d", k);
        if (cal_linea(cal_salida(p), "CONSULTA", numero, 0, linea, sizeof linea) < 0) {
            cal_obtenido("tras los cortes terminó con 0, pero no hay ninguna línea «CONSULTA %d …»",
                         k);
            cal_nota_salida(p, 12);
            return 0;
        }
    }
    return 1;
}

CAL_PRUEBA(reemplaza_rotas, 40)
static void reemplaza_rotas(void)
{
    cal_esperado("tras cortar en el servidor las conexiones ociosas del pool durante la fase "
                 "secuencial: código 0, las 10 CONSULTA, hechas por conexiones nuevas, y las "
                 "sustitutas contadas en creadas. Y, con -n " ROTAS_N " -p 1, las mismas esperas "
                 "con la conexión del pool cortada que sin cortarla");
    base_t b, bu, bs;
    cal_proceso_t *p, *pu, *ps;
    static const char *const args_uno[] = {"-n", ROTAS_N, "-p", "1", NULL};
    if (!base_preparar(&b, TABLA_LENTA, 2 * LENTO_MS, NULL) ||
        !base_vigilar_lecturas(&b, LECTURA_AL_REVES) ||
        !base_preparar(&bu, TABLA_LENTA, ROTAS_LENTO_MS, NULL) ||
        !base_preparar(&bs, TABLA_LENTA, ROTAS_LENTO_MS, NULL) ||
        !base_lanzar_vigilando_cierre(&b, base_args_normal, 30, &p) ||
        !base_lanzar(&bu, args_uno, 0, 30, &pu) || !base_lanzar(&bs, args_uno, 0, 30, &ps))
        CAL_FIN(0);
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        CAL_FIN(0);
    if (!base_sorpresa_preparar(&b, c)) {
        PQfinish(c);
        CAL_FIN(0);
    }
    /* La fase secuencial ha empezado cuando hay alguna fila con id > N: su conexión se salva. Con
     * inserciones de 30 ms dura más de 1 s: tiempo de sobra para cortar antes de las consultas. */
    long long sec = base_esperar_secuencial(c, p, N);
    if (sec < 0) {
        base_sorpresa_quitar(&b, c);
        PQfinish(c);
        cal_obtenido("la fase secuencial no empezó (ninguna fila con id > %d)", N);
        cal_nota_salida(p, 10);
        CAL_FIN(0);
    }
    int sorpresa = base_filas_sorpresa(&b, c, N, 0);
    base_sorpresa_quitar(&b, c);
    if (sorpresa < 0) {
        PQfinish(c);
        CAL_FIN(0);
    }
    char pid[24];
    snprintf(pid, sizeof pid, "%lld", sec);
    long long cortadas =
        base_entero(c,
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname "
                    "= current_database() AND " BASE_SESIONES_DEL_PROGRAMA " AND pid <> $1::int",
                    pid, NULL);
    cal_nota("Conexiones del pool cortadas: %lld.", cortadas);
    if (cortadas < 1) {
        cal_obtenido("durante la fase secuencial el pool no tenía ninguna conexión abierta (un "
                     "pool conserva sus conexiones para reutilizarlas)");
        PQfinish(c);
        CAL_FIN(0);
    }
    PQfinish(c);
    /* La ejecución con -p 1: su conexión del pool, cortada en cuanto empieza su fase secuencial
     * (la principal ya lo está), si aún no ha acabado (después irían las consultas por ella). */
    PGconn *cu = base_conectar(&bu);
    if (cu == NULL)
        CAL_FIN(0);
    long long sec_u = base_esperar_secuencial(cu, pu, ROTAS_FILAS);
    long long hechas_u =
        sec_u >= 0 ? base_entero(cu, "SELECT count(*) FROM calif.registro WHERE id > $1::int",
                                 ROTAS_N, NULL)
                   : -1;
    long long cortadas_u =
        hechas_u >= 0 && hechas_u < ROTAS_FILAS ? base_cortar_pool(cu, sec_u) : -1;
    PQfinish(cu);
    if (!base_esperar_fin(p, 20000, 0))
        CAL_FIN(0);
    /* Antes de consultar la tabla: esa conexión también sumaría una sesión. */
    base_esperar_sin_conexiones(&b, 3000);
    sesiones_t s;
    if (!base_sesiones(&b, &s) || !consultas_impresas(p) || !base_consultas_de_verdad(&b, 1, 0))
        CAL_FIN(0);
    /* Las sustitutas también son del pool y cuentan en creadas. Las esperas de esta ejecución
     * y el orden de las CONSULTA los juzga salida: aquí cobraban otra vez un contador o un
     * formato mal hechos, con la pista de las rotas (el estudiante de prueba de la sesión 49:
     * −14 por un esperas mal contado). Lo propio de las rotas en esperas (descartarlas antes de
     * contar), con -p 1: esperas_tras_cortes. Una conexión del calificador vigilaba. */
    insercion_t *v = NULL;
    int n = base_registro(&b, &v);
    int mezcla = n > 0 ? base_secuencial_por_el_pool(v, n) : 0;
    /* Sustituir rotas solo lo hace un pool que trabaja: sin él, un programa que abre una
     * conexión por consulta «sustituye» sin hacer nada (el hostil bd_en_fila, en serie por
     * una sola conexión: antes lo paraba esperas, que ahora juzga solo salida). */
    int a_la_vez = n > 0 ? base_solape_maximo(v, n, 1, N) : 0;
    free(v);
    if (!base_hubo_pool(
            a_la_vez, 2,
            "sin un pool que trabaje no hay conexiones suyas que descartar y sustituir"))
        CAL_FIN(0);
    if (mezcla > 0) {
        cal_obtenido(
            "la fase secuencial usó una conexión del pool (el proceso %d del servidor hizo "
            "inserciones de las dos fases), así que «creadas» (de POOL) no puede cuadrar: la "
            "secuencial abre su propia conexión, aparte del pool",
            mezcla);
        CAL_FIN(0);
    }
    /* Según el registro del servidor (log_connections), sin la secuencial: más exacto que
     * pg_stat_database.sessions, que cada proceso suma al terminar y a veces llegaba tarde. */
    sentencias_t st;
    long long vistas = base_sentencias(&b, N, &st) ? st.conexiones - 1 : -1;
    char l[300];
    int maximo, creadas;
    if (!base_linea_de(p, "POOL", l, sizeof l))
        CAL_FIN(0);
    if (sscanf(l, "POOL maximo=%d creadas=%d", &maximo, &creadas) != 2 || maximo != TAMANO ||
        creadas != vistas) {
        cal_obtenido("«%s»; se esperaba «POOL maximo=%d creadas=%lld …»: el servidor vio %lld %s "
                     "del pool, contadas las que sustituyeron a las cortadas (%lld)",
                     l, TAMANO, vistas, vistas, texto_plural(vistas, "conexión", "conexiones"),
                     cortadas);
        CAL_FIN(0);
    }
    if (!esperas_tras_cortes(&bu, pu, &bs, ps, cortadas_u))
        CAL_FIN(0);
    cal_obtenido("conexiones cortadas: %lld; el programa abrió otras, las contó y terminó bien",
                 cortadas);
    /* Una conexión rota sale del pool, pero también se cierra (bd_cerrar): si no, su handle
     * sigue abierto y uv_loop_close no da 0, aunque todo lo demás cuadre. */
    CAL_FIN(base_camino_cerro_lo_suyo(p, "cada conexión con bd_cerrar, también las rotas que el "
                                         "pool descartó"));
}

/* Con la base limitada a `limite` conexiones del programa, lanza `args`: la conexión siguiente
 * (`que`) la rechaza el servidor cuando ya hay otra abierta. Exige código 1 (no 2: el arranque
 * ya pasó) y un mensaje en stderr. Con `filas` > 0 (las de la fase concurrente), cada inserción
 * tarda `lento_ms` y, tras el rechazo, el programa no sigue con ellas: la primera petición de la
 * cola se entera y todo termina. */
static int rechazada_tras_abrir(int limite, const char *const *args, const char *que, int lento_ms,
                                int filas)
{
    base_t b;
    cal_proceso_t *p;
    cal_nota("Con la base limitada a %d %s: se rechaza %s.", limite,
             limite == 1 ? "conexión" : "conexiones", que);
    if (!base_preparar(&b, TABLA_LENTA, lento_ms, NULL) || !base_limitar(&b, limite) ||
        !base_lanzar_vigilando_cierre(&b, args, 20, &p))
        return 0;
    if (!base_esperar_fin(p, 10000, 1))
        return 0;
    if (cal_errores(p)[0] == '\0') {
        cal_obtenido("con %s rechazada salió con 1, pero sin mensaje en stderr", que);
        return 0;
    }
    /* Las demás conexiones del pool se rechazan en cuanto el servidor las ve (unos ms) y la
     * primera inserción ocupa la abierta `lento_ms`: quien termina al primer rechazo hace una o
     * dos. Quien solo avisa a la cola si no queda ninguna abierta sigue con todas por esa (y
     * sale con 1 al rechazarse la secuencial): el estudiante de prueba de la sesión 29, 100/100.
     * Mutante: rechazo_sin_avisar. */
    /* Lo que llegó después del primer rechazo, en el registro del servidor: un programa que
     * nunca pide una segunda conexión del pool (inserciones una a una) no tiene rechazo que
     * juzgar hasta la secuencial, al final. Quien para al primer rechazo manda como mucho la
     * que ya iba a salir (una o dos si tarda en enterarse: cada una ocupa la conexión 500 ms);
     * el mutante, todas. Desde 5, sin duda. */
    int rechazos = 0, despues = 0;
    if (filas > 0 && base_rechazos(&b, &rechazos, &despues) && rechazos > 0 && despues >= 5) {
        cal_obtenido("con %s rechazada (ya estaba abierta la primera), el servidor siguió "
                     "recibiendo inserciones por la que quedaba (después del primer rechazo: "
                     "%d, de %d ms cada una). Una conexión "
                     "del pool que no se abre cuando ya se abrió otra es que el servidor cayó: el "
                     "pool se lo dice a la primera petición de la cola y el programa termina con "
                     "1, sin seguir",
                     que, despues, lento_ms);
        return 0;
    }
    /* Y todo cerrado: una conexión que no llegó a abrirse también se cierra con bd_cerrar (su
     * handle sigue en el bucle). Sin ello uv_loop_close fallaba y el código era el bueno (el
     * estudiante de prueba de la sesión 29: 100/100; ningún valgrind pasa por aquí). */
    return base_camino_cerro_lo_suyo(p, "cada conexión con bd_cerrar, también la que el servidor "
                                        "rechazó");
}

/* Cada inserción de «rechaza_pool»: mientras la primera ocupa la conexión abierta, llegan los
 * rechazos de las otras. Las 10 por esa sola conexión tardan 5 s; quien para al primer rechazo,
 * unos ms. */
#define RECHAZO_LENTO_MS 500

/* Las inserciones de «rechaza_consultas» (-n 10 -p 3): la secuencial dura 2 s, de sobra para
 * cortar las del pool y cerrar la base a nuevas conexiones antes de las consultas. */
#define SUSTITUTA_LENTO_MS 200

/* Una sustituta del pool rechazada en la fase de consultas: durante la secuencial, la base se
 * cierra a conexiones nuevas del programa (CONNECTION LIMIT 0; la secuencial, ya abierta,
 * sigue) y se cortan las del pool. Al consultar, el pool descarta las rotas y abre otras, que
 * el servidor rechaza: ya se abrieron conexiones antes, así que es código 1, no el 2 del
 * arranque (el estudiante de prueba de la sesión 29 daba 2 solo en las consultas: 100/100).
 * Mutante: consulta_rechazada_con_2. */
static int sustituta_rechazada(void)
{
    static const char *const args[] = {"-n", "10", "-p", "3", NULL};
    base_t b;
    cal_proceso_t *p;
    cal_nota("Con las conexiones del pool cortadas en la fase secuencial y la base cerrada a "
             "conexiones nuevas: se rechazan las sustitutas, en la fase de consultas.");
    if (!base_preparar(&b, TABLA_LENTA, SUSTITUTA_LENTO_MS, NULL) ||
        !base_lanzar(&b, args, 0, 30, &p))
        return 0;
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        return 0;
    long long sec = base_esperar_secuencial(c, p, 10);
    if (sec < 0) {
        PQfinish(c);
        cal_obtenido("la fase secuencial no empezó (ninguna fila con id > 10)");
        cal_nota_salida(p, 10);
        return 0;
    }
    char pid[24];
    snprintf(pid, sizeof pid, "%lld", sec);
    long long cortadas = -1;
    if (base_limitar(&b, 0))
        cortadas = base_entero(
            c,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
            "current_database() AND " BASE_SESIONES_DEL_PROGRAMA " AND pid <> $1::int",
            pid, NULL);
    if (cortadas < 1) {
        if (cortadas == 0)
            cal_obtenido("durante la fase secuencial el pool no tenía ninguna conexión abierta "
                         "(un pool conserva sus conexiones para reutilizarlas)");
        PQfinish(c);
        return 0;
    }
    PQfinish(c);
    cal_nota("Conexiones del pool cortadas: %lld.", cortadas);
    if (!base_esperar_fin(p, 15000, -1))
        return 0;
    int codigo = cal_codigo(p);
    /* Sin ningún rechazo en el registro del servidor, no pidió conexiones nuevas en la fase de
     * consultas (¿no las hizo?): eso lo juzgan filas, salida y cierre, no esta ejecución. */
    int rechazos = 0, despues = 0;
    if (codigo == 0 && base_rechazos(&b, &rechazos, &despues) && rechazos == 0) {
        cal_nota("Salió con 0 sin que el servidor rechazara ninguna conexión: no pidió ninguna "
                 "nueva tras los cortes, así que aquí no hay rechazo que juzgar.");
        return 1;
    }
    if (codigo != 1 || cal_errores(p)[0] == '\0') {
        cal_obtenido("con las sustitutas del pool rechazadas en la fase de consultas salió con "
                     "%d%s; se espera 1 con un mensaje en stderr: ya se habían abierto "
                     "conexiones, así que el servidor cayó (el 2 es solo para el arranque, "
                     "cuando ninguna llegó a abrirse)",
                     codigo, cal_errores(p)[0] == '\0' ? " y sin mensaje en stderr" : "");
        cal_nota_salida(p, 10);
        return 0;
    }
    /* Aquí solo el código: cerrar las rechazadas lo juzga «rechaza_pool» y cerrar las rotas,
     * reemplaza_rotas (cobrarlo aquí otra vez sería el mismo olvido tres veces). */
    return 1;
}

/* Cada inserción de «insercion_cortada»: cortar una que el servidor ve en curso no puede
 * llegar tarde (la consulta que la elige y la corta es una sola sentencia). */
#define CORTADA_LENTO_MS 1000
/* Su -n: las filas de su fase secuencial son las de id mayor. */
#define CORTADA_N "6"

/* Una conexión del pool cortada en el servidor con su INSERT en curso: esa sentencia falla
 * (BD_E_CONEXION) y el programa termina con 1 y un mensaje; no la vuelve a pedir por otra
 * conexión (no se sabe si la fila entró: reintentarla puede duplicarla). Las cortadas de
 * reemplaza_rotas estaban ociosas, y el servidor parado de abajo tampoco deja reintentar: el
 * estudiante de prueba de la sesión 49 (bug48) reintentaba la fila y sacaba 100/100. Mutante:
 * reintenta_la_caida. Y termina ahí: quien apunta el fallo y sigue (sin la fila, con las demás,
 * la fase secuencial y las consultas) para salir con 1 al final daba el mismo código y el mismo
 * mensaje, y solo se miraban esos dos (mutante conexion_caida_sigue). Lo que ya iba por otras
 * conexiones puede acabar; la fase secuencial solo empieza si el programa siguió. */
static int insercion_cortada(void)
{
    static const char *const args[] = {"-n", CORTADA_N, "-p", "3", NULL};
    base_t b;
    cal_proceso_t *p;
    cal_nota("Con una conexión del pool cortada con su INSERT en curso:");
    if (!base_preparar(&b, TABLA_LENTA, CORTADA_LENTO_MS, NULL) ||
        !base_lanzar(&b, args, 0, 30, &p))
        return 0;
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        return 0;
    /* Con las 3 conexiones del pool insertando (ninguna se está abriendo: cerrar también las
     * que se abren lo juzga cierre, y el mutante cerrar_sin_conectando se colgaba aquí según lo
     * que tardaran en abrirse). Quien no llega a 3 a la vez en 1 s más (en serie) se corta igual,
     * aún en la fase concurrente: 6 filas de 1 s. */
    long long cortada = 0, en_curso = base_esperar_en_curso(c, p, 1, 1, 0, 10000);
    if (en_curso >= 1 && en_curso < 3)
        en_curso = base_esperar_en_curso(c, p, 3, 1, 0, 1000);
    if (en_curso >= 1)
        cortada = base_entero(
            c,
            "SELECT count(pg_terminate_backend(pid)) FROM (SELECT pid " BASE_DESDE_EN_CURSO
            " AND query ILIKE '%insert%' LIMIT 1) AS una",
            NULL, NULL);
    PQfinish(c);
    if (cortada < 1) {
        cal_obtenido("el servidor nunca vio un INSERT del programa en curso: no se pudo cortar "
                     "su conexión a mitad");
        cal_nota_salida(p, 10);
        return 0;
    }
    if (!base_esperar_fin(p, 15000, 1)) {
        if (cal_termino(p) && cal_codigo(p) == 0)
            cal_nota("Una sentencia cuya conexión se rompe falla (BD_E_CONEXION) y, en este "
                     "laboratorio, termina el programa con 1: no se vuelve a pedir por otra "
                     "conexión (no se sabe si la fila entró).");
        return 0;
    }
    if (cal_errores(p)[0] == '\0') {
        cal_obtenido("con la conexión de un INSERT cortada salió con 1, pero sin mensaje en "
                     "stderr");
        return 0;
    }
    /* Según el disparador, que anota cada inserción que acaba (el programa no lo toca). */
    c = base_conectar(&b);
    if (c == NULL)
        return 0;
    long long secuenciales =
        base_entero(c, "SELECT count(*) FROM calif.registro WHERE id > $1::int", CORTADA_N, NULL);
    PQfinish(c);
    if (secuenciales < 0) {
        cal_obtenido("error del calificador: no se pudo leer calif.registro");
        return 0;
    }
    if (secuenciales > 0) {
        cal_obtenido("con la conexión de un INSERT cortada salió con 1 y un mensaje, pero antes "
                     "siguió: el servidor hizo %lld %s de la fase secuencial. Una sentencia cuya "
                     "conexión se rompe termina el programa ahí (todo se cierra y código 1), no "
                     "se apunta para seguir con lo demás",
                     secuenciales, texto_plural(secuenciales, "inserción", "inserciones"));
        cal_nota_salida(p, 10);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(servidor_cae, 60)
static void servidor_cae(void)
{
    cal_esperado("con el servidor parado a mitad de las inserciones, código 1 en menos de 5 s y "
                 "un mensaje en stderr. Con una sola conexión del pool cortada con su INSERT en "
                 "curso, código 1 y un mensaje en menos de 15 s, sin volver a pedir la fila y "
                 "sin seguir (ninguna inserción de la fase secuencial). Y código 1 con mensaje "
                 "en menos de 10 s (15 s las sustitutas) cuando el servidor rechaza una "
                 "conexión tras abrirse otra: la de la fase secuencial, una nueva del pool (sin "
                 "seguir insertando por la abierta) o las sustitutas de las del pool cortadas, "
                 "en la fase de consultas");
    static const char *const args_sec[] = {"-n", "5", "-p", "1", NULL};
    static const char *const args_pool[] = {"-n", "10", "-p", "4", NULL};
    if (!rechazada_tras_abrir(1, args_sec, "la conexión secuencial", 0, 0) ||
        !rechazada_tras_abrir(1, args_pool, "la segunda conexión del pool", RECHAZO_LENTO_MS, 10) ||
        !sustituta_rechazada() || !insercion_cortada())
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
    snprintf(orden, sizeof orden,
             BASE_TOPE_MEMORIA BASE_SIN_CLAVE "%sPOSTGRES_SIN_TCP=1 bash '%s' iniciar '%s' "
                                              ">/dev/null 2>&1",
             base_plantilla(), POSTGRES_SH, dir);
    if (system(orden) != 0) {
        cal_obtenido("error del calificador: no arrancó un PostgreSQL propio");
        CAL_FIN(0);
    }
    if (!base_solo_sus_bases(dir))
        CAL_FIN(0);
    base_t b;
    cal_proceso_t *p;
    int ok = 0;
    if (base_preparar(&b, TABLA_LENTA, 200, dir) && base_lanzar(&b, base_args_normal, 0, 30, &p)) {
        PGconn *c = base_conectar(&b);
        long long activas = c != NULL ? base_esperar_en_curso(c, p, 1, 0, 0, 10000) : 0;
        PQfinish(c);
        if (activas < 1) {
            cal_obtenido("el servidor nunca vio una sentencia del programa en curso: no se pudo "
                         "parar a mitad de las inserciones");
            cal_nota_salida(p, 10);
        } else {
            snprintf(orden, sizeof orden, BASE_SIN_CLAVE "bash '%s' parar '%s' >/dev/null 2>&1",
                     POSTGRES_SH, dir);
            uint64_t t0 = cal_ahora_ms();
            if (system(orden) != 0)
                cal_nota("(postgres.sh parar no terminó bien)");
            uint64_t quedan = 5000 - (cal_ahora_ms() - t0 < 4000 ? cal_ahora_ms() - t0 : 4000);
            if (base_esperar_fin(p, (int)quedan, 1)) {
                ok = cal_errores(p)[0] != '\0';
                cal_obtenido("salió con 1 a los %.1f s de parar el servidor; stderr %s",
                             (double)(cal_terminado_ms(p) - t0) / 1000.0,
                             ok ? "con mensaje" : "vacío");
            }
        }
    }
    snprintf(orden, sizeof orden, BASE_SIN_CLAVE "bash '%s' borrar '%s' >/dev/null 2>&1",
             POSTGRES_SH, dir);
    if (system(orden) != 0)
        cal_nota("(postgres.sh borrar no terminó bien)");
    CAL_FIN(ok);
}

/* Juzga la ejecución con las lecturas rechazadas (ya terminada con 1): en stderr el error del
 * servidor y la sentencia (SELECT …); ninguna línea CONSULTA (una rechazada no tiene resultado
 * que imprimir, ni las demás, que no llegan a terminar todas); y, según el registro de
 * sentencias del servidor, ningún proceso del servidor hace otra lectura después de que le
 * rechazaran la suya: el programa se detiene en el primer error, no lo apunta y sigue por esa
 * conexión. Se mira por proceso porque las lecturas que ya iban por otras conexiones cuando
 * llegó el error pueden llegar (cada una, la primera de su conexión, rechazada también): contar
 * todas las que llegan cobraría dos veces a un pool sin límite o con una conexión de más, que
 * ya pierden sus verificaciones (el estudiante de prueba de la sesión 32, bug 49: «CONSULTA k
 * NULL», sigue y sale con 1 al final, 100/100). Mutante: consulta_rechazada_sigue. */
static int lecturas_rechazadas(const base_t *b, cal_proceso_t *p, int con_error, int ya_fallo)
{
    char resumen[400];
    int con_sentencia = base_contiene_sin_mayusculas(cal_errores(p), "SELECT");
    int consultas = cal_contar(cal_salida(p), "CONSULTA", NULL);
    sentencias_t st;
    if (!base_sentencias(b, 20, &st))
        return 0;
    snprintf(resumen, sizeof resumen,
             "consultas rechazadas: salió con 1; stderr %s el error del servidor y %s la "
             "sentencia (SELECT …); líneas CONSULTA: %d; lecturas por una conexión después de "
             "que le rechazaran una: %d",
             con_error ? "trae" : "no trae", con_sentencia ? "trae" : "no trae", consultas,
             st.repetidas);
    base_obtenido_o_nota(ya_fallo, resumen);
    if (!con_error || !con_sentencia)
        cal_nota_salida(p, 5);
    else if (consultas > 0 || st.repetidas > 0)
        cal_nota("siguió con las consultas después del error: una consulta rechazada termina el "
                 "programa (todo se cierra y código 1), no se imprime ni se sigue con las demás");
    return con_error && con_sentencia && consultas == 0 && st.repetidas == 0;
}

/* Juzga una ejecución con la fila `falla` rechazada (-n 20): código 1; en stderr la sentencia y
 * el error del servidor; y, según la tabla, paró ahí: ninguna fila posterior a la que falló
 * (tras un fallo en la fase concurrente no empieza la secuencial; en la secuencial, no sigue
 * con la siguiente). 1 si todo cuadra (explicado si no). */
static int falla_y_para(base_t *b, cal_proceso_t *p, int falla, const char *fase, int ya_fallo)
{
    char resumen[400];
    if (falla == 0)
        cal_nota("Con las consultas rechazadas:");
    else
        cal_nota("Con la fila %d rechazada (fase %s):", falla, fase);
    if (!base_esperar_fin(p, 15000, 1))
        return 0;
    const char *err = cal_errores(p);
    int con_error = strstr(err, b->ficha) != NULL;
    /* La sentencia, como la escribió el programa: «insert» o «INSERT». */
    int con_sentencia = base_contiene_sin_mayusculas(err, "INSERT");
    if (falla == 0)
        return lecturas_rechazadas(b, p, con_error, ya_fallo);
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
    /* Y en la conexión que dio el error, ninguna inserción más: la que rechazó la fila estuvo
     * ocupada con ella hasta el error, así que lo que empieza después en ese mismo proceso del
     * servidor lo mandó el programa sabiendo del fallo (devolverla al pool antes de terminar:
     * la siguiente de la cola salía por ella; el estudiante de prueba de la sesión 29, 100/100,
     * también si al cerrar la cancela). Las que iban por otras conexiones cuando llegó el
     * error pueden acabar: ya estaban en marcha. Lo cuenta el disparador en calif.tras_falla. */
    long long en_la_misma = base_entero(
        c, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM calif.tras_falla", NULL,
        NULL);
    PQfinish(c);
    snprintf(resumen, sizeof resumen,
             "fila %d (fase %s): salió con 1; stderr %s el error del servidor y %s la "
             "sentencia; filas insertadas después de la que falló (id > %s): %lld",
             falla, fase, con_error ? "trae" : "no trae", con_sentencia ? "trae" : "no trae",
             limite, despues);
    if (en_la_misma > 0 && con_error && con_sentencia && despues == 0)
        snprintf(resumen, sizeof resumen,
                 "fila %d (fase %s): salió con 1 y stderr trae el error y la sentencia, pero "
                 "por la misma conexión que dio el error llegaron después más inserciones (%lld): "
                 "tras el fallo no sale ninguna inserción nueva; la conexión no vuelve al pool ni "
                 "atiende a la cola",
                 falla, fase, en_la_misma);
    base_obtenido_o_nota(ya_fallo, resumen);
    if (!con_error || !con_sentencia)
        cal_nota_salida(p, 5);
    else if (despues != 0)
        cal_nota("siguió insertando después del fallo: una sentencia que falla termina el "
                 "programa (todo se cierra y código 1), no se apunta y se sigue");
    if (en_la_misma < 0)
        cal_nota("no se pudo mirar qué llegó por la conexión que dio el error (error del "
                 "calificador al leer calif.registro): eso no se juzga");
    return con_error && con_sentencia && despues == 0 && en_la_misma <= 0;
}

/* Una sentencia que el servidor rechaza, una vez en cada fase (las tres ejecuciones a la vez; en
 * la de consultas, las lecturas): código 1, en stderr la sentencia y el error, y nada más después.
 */
CAL_PRUEBA(sentencia_falla, 30)
static void sentencia_falla(void)
{
    base_t bc, bs, bq;
    cal_proceso_t *pc, *ps, *pq;
    static const char *const args[] = {"-n", "20", "-p", "4", NULL};
    /* La fila que falla, al azar dentro de cada fase: un error tratado bien solo en una de las
     * dos fases pierde siempre. En la concurrente, entre la 1 y la 16: con -p 4 quedan al
     * menos 4 en la cola cuando falla, y una conexión devuelta al pool tras el error se ve
     * (desde la 18 nadie esperaba en la cola, y el mutante devuelve_tras_error podía pasar). */
    uint64_t azar = cal_ahora_ms() ^ (uint64_t)getpid();
    int falla_c = 1 + (int)(azar % 16), falla_s = 21 + (int)((azar / 16) % 20);
    cal_esperado("con -n 20 -p 4 y el servidor rechazando la inserción de la fila %d (fase "
                 "concurrente), en otra ejecución la %d (fase secuencial) y en una tercera las "
                 "consultas: código 1, en stderr la sentencia que falló (INSERT … o SELECT …) y el "
                 "error del servidor, y ninguna inserción después",
                 falla_c, falla_s);
    if (!base_preparar_falla(&bc, falla_c) || !base_preparar_falla(&bs, falla_s) ||
        !base_preparar_falla(&bq, 0) || !base_vigilar_lecturas(&bq, LECTURA_RECHAZADA) ||
        !base_lanzar_vigilando_cierre(&bc, args, 20, &pc) ||
        !base_lanzar_vigilando_cierre(&bs, args, 20, &ps) ||
        !base_lanzar_vigilando_cierre(&bq, args, 20, &pq))
        CAL_FIN(0);
    int ok = falla_y_para(&bc, pc, falla_c, "concurrente", 0);
    ok = falla_y_para(&bs, ps, falla_s, "secuencial", !ok) && ok;
    ok = falla_y_para(&bq, pq, 0, "de consultas", !ok) && ok;
    /* «Todo se cierra y código 1»: un exit(1) desde la callback del error sale con el mismo
     * código y el mismo mensaje, pero no cierra nada (las conexiones mueren con el proceso). */
    static const char *const que = "cada conexión con bd_cerrar, la secuencial y las del pool";
    CAL_FIN(ok && base_camino_cerro_lo_suyo(pc, que) && base_camino_cerro_lo_suyo(ps, que) &&
            base_camino_cerro_lo_suyo(pq, que));
}
