/* salida.c — la salida: cada número que imprime el programa cuadra con lo que vio el
 * servidor (las fases, sus tiempos, las consultas).
 *
 * Que el tiempo secuencial no incluya abrir su conexión (unos ms, dentro de la holgura de los
 * tiempos que pide una máquina cargada) se ve reteniendo las conexiones nuevas a la base en
 * cuanto el pool tiene abiertas las suyas, durante la fase concurrente: la secuencial, que se
 * abre después, tarda unos segundos en abrirse (base_retener_conexiones). PostgreSQL 15 no tiene
 * disparadores de inicio de sesión (llegan en la 17), y un retraso por base o por papel
 * (post_auth_delay) no se puede poner con ALTER … SET.
 *
 * Lo que no se juzga, y por qué:
 * - Que los tiempos se midan con uv_now (la hora del bucle, guardada al volver de epoll) en vez
 *   de con uv_hrtime: las dos marcas se toman en callbacks, justo después de que el bucle
 *   ponga su hora al día, así que difieren en microsegundos, muy por debajo de la holgura.
 */
#include "comun.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Lo que tardan las -p primeras inserciones en «salida»: la fase concurrente dura así más que
 * la secuencial (40 × 15 ms), la aceleración sale menor que 1 y una división entera de los ms
 * (que daría 0.0x) no se esconde tras una razón casi entera. */
#define PRIMERAS_MS 1500

/* Lo que tarda el TRUNCATE de la preparación: un tiempo concurrente que empiece antes de
 * preparar la tabla (y no justo antes de la primera petición de la fase) se pasa de la holgura
 * (±50 % de unos 1900 ms) sin duda. Con la preparación casi instantánea no se veía: el
 * estudiante de prueba de la sesión 29, 100/100. Mutante: tiempo_con_preparacion. */
#define VACIADO_MS 2000

/* Los despertares del hilo principal mientras el programa no tiene nada que hacer: las TAMANO
 * primeras inserciones (PRIMERAS_MS cada una) en curso en el servidor, las demás en la cola del
 * pool y ninguna respuesta en camino. Quien espera a que libuv le avise duerme en uv_run y no
 * tiene nada que lo despierte (la solución, sin medir aún en una pasada); quien mira con un
 * temporizador si hay una conexión libre despierta en cada vuelta, aunque no haya nada. La
 * media de toda la ejecución (cal_sin_espera_activa, más de 300 por segundo) no veía un sondeo
 * de 5 ms, unas 200 vueltas por segundo: la ejecución tiene ratos de mucho trabajo y ratos sin
 * nada (mutante sondeo_cada_5ms). Mirar cada pocos milisegundos si hay algo que hacer es una
 * espera activa (el glosario). Aquí, sin nada que hacer, más de QUIETO_DESPERTARES_S por
 * segundo: un temporizador de 10 ms da unos 100, y uno de 5 ms, unos 200. */
#define QUIETO_DESPERTARES_S 50.0
/* La ventana: de QUIETO_MIN_MS (si no, no se juzga) a QUIETO_MAX_MS. */
#define TAMANO_TEXTO  CAL_TEXTO(TAMANO)
#define QUIETO_MIN_MS 300
#define QUIETO_MAX_MS 800

/* Pregunta `sql` (con `param` como $1, o sin parámetros) cada 20 ms por la conexión `c` hasta
 * que da TAMANO o más, da -1 (ya no vale la pena esperar), vence `ms` o `p` termina. Lo último
 * que dio. */
static long long esperar_tamano(PGconn *c, cal_proceso_t *p, const char *sql, const char *param,
                                int ms)
{
    long long v = 0;
    plazo_t plazo;
    plazo_empezar(&plazo, ms);
    while (v >= 0 && v < TAMANO && !plazo_vencido(&plazo) && !cal_termino(p)) {
        v = base_entero(c, sql, param, NULL);
        if (v >= 0 && v < TAMANO)
            cal_esperar(20);
    }
    return v;
}

typedef struct {
    int medido; /* 1 si hubo una ventana de al menos QUIETO_MIN_MS */
    long long despertares, ms;
} quieto_t;

/* Mide, por la conexión `c` del calificador, los despertares del programa `p` en la ventana en
 * que no tiene nada que hacer. Empieza cuando el servidor ve las TAMANO inserciones en curso y
 * aún no ha acabado ninguna; cada 100 ms, una lectura de /proc (cal_cpu) y, después, el servidor
 * dice que sigue sin acabar ninguna: hasta esa lectura, ninguna respuesta pudo llegar al
 * programa (el disparador anota cada una antes de que su transacción se confirme). */
static quieto_t despertares_sin_nada(PGconn *c, cal_proceso_t *p)
{
    quieto_t q = {0, 0, 0};
    long long en_curso = esperar_tamano(c, p,
                                        "SELECT CASE WHEN EXISTS (SELECT 1 FROM calif.registro) "
                                        "THEN -1 ELSE (" BASE_SQL_INSERCIONES_EN_CURSO ") END",
                                        NULL, 3000);
    plazo_t plazo;
    cal_cpu_t antes, ahora;
    if (en_curso < TAMANO || cal_cpu(p, &antes) < 0 || antes.despertares < 0)
        return q;
    cal_cpu_t ultima = antes;
    plazo_empezar(&plazo, QUIETO_MAX_MS);
    while (!plazo_vencido(&plazo) && !cal_termino(p)) {
        cal_esperar(100);
        if (cal_cpu(p, &ahora) < 0 ||
            base_entero(c, "SELECT count(*) FROM calif.registro", NULL, NULL) != 0)
            break;
        ultima = ahora;
    }
    q.ms = (long long)(ultima.reloj_ms - antes.reloj_ms);
    q.despertares = (long long)(ultima.despertares - antes.despertares);
    q.medido = q.ms >= QUIETO_MIN_MS;
    return q;
}

/* Cuándo empezó (ms desde 1970, según el servidor) la primera inserción secuencial (id > N), o
 * 0 si ninguna. */
static double inicio_secuencial(const insercion_t *v, int n)
{
    double inicio = 0;
    for (int i = 0; i < n; i++)
        if (v[i].id > N && v[i].id <= 2 * N && (inicio == 0 || v[i].inicio < inicio))
            inicio = v[i].inicio;
    return inicio;
}

/* Cuándo acabó (ms desde 1970, según el servidor) la última inserción concurrente (id ≤ N). */
static double fin_concurrente(const insercion_t *v, int n)
{
    double fin = 0;
    for (int i = 0; i < n; i++)
        if (v[i].id <= N && v[i].fin > fin)
            fin = v[i].fin;
    return fin;
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
static void salida(void)
{
    cal_esperado("CONCURRENTE, SECUENCIAL, ACELERACION, las 10 CONSULTA y POOL con el formato del "
                 "enunciado y de acuerdo con lo que midió y guarda el servidor; cada línea, en "
                 "cuanto ocurre (CONCURRENTE antes de la fase secuencial: fflush). Y, mientras "
                 "espera al servidor, dormido en uv_run, sin espera activa: en la CPU o esperando "
                 "turno para ella como mucho el %.0f %% del tiempo transcurrido, y sin despertar "
                 "más de %.0f veces por segundo mientras no tiene nada que hacer",
                 CAL_ESPERA_FRACCION * 100.0, QUIETO_DESPERTARES_S);
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    int n;
    /* Las -p primeras inserciones tardan PRIMERAS_MS: un tiempo que empiece en la primera
     * respuesta, y no en la primera petición, se queda corto sin duda. Y las primeras lecturas
     * tardan al revés de como llegan (LECTURA_AL_REVES): las CONSULTA impresas según llegan
     * salen desordenadas siempre (antes, solo si la máquina las desordenaba: sin nada al lado,
     * el mutante consultas_al_llegar sacaba 100). */
    if (!base_preparar_lenta_fin(&b, LENTO_MS, TAMANO, PRIMERAS_MS, N, ULTIMA_MS) ||
        !base_vaciado_lento(&b, VACIADO_MS) || !base_vigilar_lecturas(&b, LECTURA_AL_REVES) ||
        !base_lanzar(&b, base_args_normal, 0, 30, &p))
        CAL_FIN(0);
    /* Mientras dura la fase secuencial, filas que el programa no puede conocer: sus CONSULTA
     * tienen que salir de consultar de verdad después. */
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        CAL_FIN(0);
    /* Antes de retener las conexiones nuevas (abajo): la de las filas sorpresa también lo sería. */
    if (!base_sorpresa_preparar(&b, c)) {
        PQfinish(c);
        CAL_FIN(0);
    }
    /* En cuanto el pool tiene sus TAMANO conexiones (las 5 primeras inserciones tardan
     * PRIMERAS_MS: aún falta para la secuencial), las nuevas se retienen unos 5 s: la
     * secuencial tarda en abrirse, y eso no cuenta en SECUENCIAL (el estudiante de prueba de la
     * sesión 29, bug 27: 100/100). Mutante: secuencial_cuenta_conectar. */
    long long del_pool = esperar_tamano(
        c, p,
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM calif.registro WHERE id > $1::int) THEN -1 ELSE "
        "(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND " BASE_SESIONES_DEL_PROGRAMA ") END",
        CAL_TEXTO(N), 5000);
    PGconn *retencion = del_pool >= TAMANO ? base_retener_conexiones(&b) : NULL;
    /* Las TAMANO primeras inserciones tardan PRIMERAS_MS: mientras, el programa no tiene nada
     * que hacer (juzgado abajo, con la CPU). */
    quieto_t quieto = del_pool >= TAMANO ? despertares_sin_nada(c, p) : (quieto_t){0, 0, 0};
    long long sec_pid = base_esperar_secuencial(c, p, N);
    int empezada = sec_pid >= 0;
    /* Cuándo arrancó en el servidor el proceso de la conexión secuencial (ms desde 1970). */
    double sec_arranque = -1;
    if (empezada && retencion != NULL) {
        char pid[24];
        snprintf(pid, sizeof pid, "%lld", sec_pid);
        PGresult *r = PQexecParams(c,
                                   "SELECT extract(epoch FROM backend_start) * 1000 FROM "
                                   "pg_stat_activity WHERE pid = $1::int",
                                   1, NULL, (const char *const[]){pid}, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
            sec_arranque = atof(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    /* La salida llega a medida que ocurre (fflush): CONCURRENTE se imprime al volver la última
     * respuesta de la fase concurrente, antes de abrir la secuencial, así que cuando el
     * servidor ya ve la secuencial insertando la línea está en la tubería. Sin fflush, stdout
     * (una tubería) se vacía al salir, y de aquí al final quedan al menos las 40 inserciones
     * en serie (600 ms). Mutante: sin_fflush. */
    int vista = empezada && !cal_termino(p) &&
                cal_esperar_lineas(p, "CONCURRENTE", NULL, 1, SECUENCIAL_VISTA_MS);
    int al_momento = vista && !cal_termino(p);
    /* Vista en ese rato pero con el programa ya terminado: llegó con el vaciado al salir. */
    int al_salir = vista && !al_momento;
    int sorpresa = empezada ? base_filas_sorpresa(&b, c, N, 0) : 0;
    base_sorpresa_quitar(&b, c);
    PQfinish(c);
    base_soltar_conexiones(&b, retencion);
    if (sorpresa < 0 || !base_esperar_fin(p, 25000, -1))
        CAL_FIN(0);
    /* Casi todo su tiempo (las primeras inserciones tardan PRIMERAS_MS), el programa espera al
     * servidor: esperar es dormir en uv_run. Mutante: espera_activa. */
    char cpu[512];
    int dormido = cal_sin_espera_activa(p, CAL_ESPERA_TRANQUILA, cpu, sizeof cpu);
    if (!dormido) {
        cal_obtenido("%s", cpu);
        CAL_FIN(0);
    }
    cal_nota("CPU: %s.", cpu);
    if (quieto.medido &&
        (double)quieto.despertares * 1000.0 / (double)quieto.ms > QUIETO_DESPERTARES_S) {
        cal_obtenido("mientras no tenía nada que hacer (las " TAMANO_TEXTO " primeras inserciones, "
                     "de %d ms, en curso en el servidor y las demás en la cola del pool), su hilo "
                     "principal despertó %lld %s en %lld ms (%.0f por segundo). Quien espera a "
                     "que libuv le avise no despierta hasta que vuelve una respuesta: ¿un "
                     "temporizador que mira cada pocos milisegundos si hay una conexión libre? El "
                     "pool reparte cuando una conexión vuelve (pool_devolver), no cuando un reloj "
                     "lo pregunta",
                     PRIMERAS_MS, quieto.despertares,
                     texto_plural(quieto.despertares, "vez", "veces"), quieto.ms,
                     (double)quieto.despertares * 1000.0 / (double)quieto.ms);
        CAL_FIN(0);
    }
    if (quieto.medido)
        cal_nota("Sin nada que hacer (las " TAMANO_TEXTO " primeras inserciones en curso), su "
                 "hilo principal despertó %lld %s en %lld ms.",
                 quieto.despertares, texto_plural(quieto.despertares, "vez", "veces"), quieto.ms);
    else
        cal_nota("No se pudo medir cuánto despierta sin nada que hacer (el servidor no vio "
                 "las " TAMANO_TEXTO
                 " primeras inserciones a la vez durante %d ms): eso no se juzga.",
                 QUIETO_MIN_MS);
    /* Tres casos, y solo se dice lo que se vio: nunca llegó; llegó al salir (sin fflush); o
     * llegó más tarde, sin saber si antes de salir (impresa tarde, o sin fflush). */
    if (empezada && !al_momento && strstr(cal_salida(p), "CONCURRENTE") == NULL) {
        cal_obtenido("la línea CONCURRENTE no llegó nunca por la tubería");
        cal_nota_salida(p, 15);
        CAL_FIN(0);
    }
    if (empezada && !al_momento) {
        cal_obtenido("cuando el servidor ya hacía las inserciones de la fase secuencial, la línea "
                     "CONCURRENTE aún no había llegado por la tubería%s: se imprime en cuanto "
                     "vuelve la última respuesta de la fase concurrente, antes de lanzar la "
                     "secuencial, con fflush(stdout) tras cada línea (sin él, stdout se vacía al "
                     "salir)",
                     al_salir ? " (llegó al terminar el programa)" : "");
        cal_nota_salida(p, 15);
        CAL_FIN(0);
    }
    base_esperar_sin_conexiones(&b, 3000);
    sesiones_t s;
    if (!base_sesiones(&b, &s) || !base_registro_completo(&b, &v, &n)) {
        free(v);
        CAL_FIN(0);
    }
    double conc = base_duracion(v, n, 1, N), sec = base_duracion(v, n, N + 1, 2 * N);
    int mezcla = base_secuencial_por_el_pool(v, n);
    double solape = solape_de_fases(v, n);
    int a_la_vez = base_solape_maximo(v, n, 1, N);
    double fin_c = fin_concurrente(v, n), fin_vaciado = base_vaciado_fin(&b);
    double inicio_s = inicio_secuencial(v, n);
    /* Lo que tardó en abrirse la conexión secuencial, según el servidor: de que arrancó su
     * proceso a su primera inserción. */
    double apertura = sec_arranque > 0 && inicio_s > sec_arranque ? inicio_s - sec_arranque : 0;
    free(v);
    if (solape > 0) {
        cal_obtenido("según el servidor, la fase secuencial empezó %.0f ms antes de que acabara la "
                     "última inserción de la concurrente: la secuencial empieza cuando han vuelto "
                     "las " CAL_TEXTO(N) " respuestas (y CONCURRENTE mide hasta la última)",
                     solape);
        cal_nota_salida(p, 15);
        CAL_FIN(0);
    }
    char l[300], extra;
    int cuantas, maximo, creadas, esperas;
    double ms_c, ms_s, acel;
    if (!base_linea_de(p, "CONCURRENTE", l, sizeof l))
        CAL_FIN(0);
    int leidos = sscanf(l, "CONCURRENTE %d inserciones en %lf ms%c", &cuantas, &ms_c, &extra);
    if (leidos == 2 && cuantas == N && ms_c < conc - HOLGURA_MS) {
        cal_obtenido("«%s», menos de los %.0f ms que el servidor pasó insertando: el tiempo "
                     "empieza con la primera petición al pool, no con la primera respuesta",
                     l, conc);
        CAL_FIN(0);
    }
    /* Desde que empezó el TRUNCATE hasta la última inserción: lo que mide quien pone el reloj
     * antes de la preparación. */
    double con_vaciado = fin_vaciado > 0 ? fin_c - (fin_vaciado - VACIADO_MS) : 0;
    if (leidos == 2 && cuantas == N && !cerca(ms_c, conc) && ms_c > conc && con_vaciado > 0 &&
        ms_c >= conc + VACIADO_MS / 2.0) {
        cal_obtenido("«%s»: el servidor midió esa fase en %.0f ms, y desde el TRUNCATE de la "
                     "preparación (que tardó %d ms) hasta su última inserción van %.0f ms: el "
                     "tiempo concurrente empieza justo antes de la primera petición al pool de "
                     "esa fase, con la tabla ya preparada, no antes de prepararla",
                     l, conc, VACIADO_MS, con_vaciado);
        CAL_FIN(0);
    }
    if (leidos != 2 || cuantas != N || !cerca(ms_c, conc)) {
        cal_obtenido("«%s»; se espera «CONCURRENTE <n> inserciones en <ms> ms», y el servidor "
                     "midió esa fase en %.0f ms (se admite ±50 %% o ±150 ms)",
                     l, conc);
        CAL_FIN(0);
    }
    if (!base_linea_de(p, "SECUENCIAL", l, sizeof l))
        CAL_FIN(0);
    if (sscanf(l, "SECUENCIAL %d inserciones en %lf ms%c", &cuantas, &ms_s, &extra) == 2 &&
        cuantas == N && !cerca(ms_s, sec) && ms_s > sec && apertura >= 1000 &&
        ms_s >= sec + apertura / 2) {
        cal_obtenido("«%s»: el servidor midió esa fase en %.0f ms, y su conexión tardó %.0f ms en "
                     "abrirse (el calificador la retuvo a propósito): el tiempo secuencial "
                     "empieza con la conexión ya abierta, justo antes de su primera inserción",
                     l, sec, apertura);
        CAL_FIN(0);
    }
    if (sscanf(l, "SECUENCIAL %d inserciones en %lf ms%c", &cuantas, &ms_s, &extra) != 2 ||
        cuantas != N || !cerca(ms_s, sec) || ms_s < sec - HOLGURA_MS) {
        cal_obtenido("«%s»; se espera «SECUENCIAL <n> inserciones en <ms> ms», y el servidor "
                     "midió esa fase en %.0f ms (se admite ±50 %% o ±150 ms, y nunca más de %d ms "
                     "por debajo de lo que tardó el servidor)",
                     l, sec, HOLGURA_MS);
        CAL_FIN(0);
    }
    if (!base_linea_de(p, "ACELERACION", l, sizeof l))
        CAL_FIN(0);
    double cociente = ms_c > 0 ? ms_s / ms_c : 0;
    if (sscanf(l, "ACELERACION %lfx%c", &acel, &extra) != 1 || acel < cociente * 0.9 - 0.15 ||
        acel > cociente * 1.1 + 0.15) {
        cal_obtenido("«%s»; con los tiempos impresos, secuencial / concurrente da %.1fx", l,
                     cociente);
        CAL_FIN(0);
    }
    if (!base_consultas_cuadran(&b, p, N, 1) || !base_consultas_de_verdad(&b, 0, 0) ||
        !base_consultas_a_la_vez(&b))
        CAL_FIN(0);
    if (!base_linea_de(p, "POOL", l, sizeof l))
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
     * las del pool. La del calificador que añadió las filas sorpresa es de su papel de un solo
     * uso (s_<base>, sesion_sorpresa), no del programa. */
    sentencias_t st;
    long long vistas = base_sentencias(&b, N, &st) ? st.conexiones - 1 : -1;
    if (sscanf(l, "POOL maximo=%d creadas=%d esperas=%d%c", &maximo, &creadas, &esperas, &extra) !=
            3 ||
        maximo != TAMANO || creadas != vistas || esperas != ESPERAS) {
        cal_obtenido("«%s»; se esperaba «POOL maximo=%d creadas=%lld esperas=%d»: el servidor vio "
                     "%lld %s del pool (sin contar la de la fase secuencial) y, según el "
                     "enunciado, esperan %d de las inserciones, que son %d, y %d de las 10 "
                     "consultas",
                     l, TAMANO, vistas, ESPERAS, vistas,
                     texto_plural(vistas, "conexión", "conexiones"), N - TAMANO, N, 10 - TAMANO);
        CAL_FIN(0);
    }
    if (!base_esperas_vistas(a_la_vez, l))
        CAL_FIN(0);
    cal_obtenido("todas las líneas cuadran");
    CAL_FIN(1);
}
