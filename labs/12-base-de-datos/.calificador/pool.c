/* pool.c — el pool: las inserciones van de verdad a la vez, nunca más de -p conexiones, la
 * cola de espera es FIFO y las conexiones se abren solo cuando hacen falta.
 */
#include "comun.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Prepara la base con la tabla lenta, lanza la ejecución normal y espera a que termine. */
static int ejecucion_normal(base_t *b, preparacion_t prep, cal_proceso_t **p)
{
    if (!base_preparar(b, prep, LENTO_MS, NULL))
        return 0;
    if (!base_lanzar(b, base_args_normal, 0, 30, p))
        return 0;
    return base_esperar_fin(*p, 25000, -1);
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
 * inserciones a la vez, hechas por como mucho el doble de -p conexiones (explicado si no).
 * Pasarse un poco de -p (una de más, p. ej.) es un fallo del tope, y lo cobran limite_pool y
 * salida, no también la cola y la concurrencia (el estudiante de prueba del 12: −31 por una
 * conexión de más, casi como sin tope); más del doble ya no es un pool con un tope mal
 * contado, sino ninguno (mutante sin_limite: unas 20 conexiones distintas insertan). */
static int hubo_pool(const insercion_t *v, int n)
{
    if (!base_hubo_pool(base_solape_maximo(v, n, 1, N), 3,
                        "sin inserciones simultáneas no hay pool ni cola que juzgar"))
        return 0;
    int procesos = procesos_concurrentes(v, n);
    if (procesos > 2 * TAMANO) {
        cal_obtenido("las inserciones de la fase concurrente (%d) las hicieron %d %s (con -p "
                     "%d): a la vez, pero sin un pool que las limite y las reutilice",
                     N, procesos,
                     texto_plural(procesos, "conexión distinta", "conexiones distintas"), TAMANO);
        return 0;
    }
    if (procesos > TAMANO)
        cal_nota("Las inserciones de la fase concurrente (%d) las hicieron %d %s (con -p %d): "
                 "el tope lo juzga «El pool nunca pasa de -p conexiones»; aquí solo cuenta si "
                 "hubo pool.",
                 N, procesos, texto_plural(procesos, "conexión", "conexiones"), TAMANO);
    return 1;
}

/* «A la vez» lo juzga el registro de la fase concurrente (hubo_pool: al menos 3 inserciones a
 * la vez, por como mucho 2·-p conexiones). Hasta la sesión 60 se pedía además que esa fase
 * durara ≤ 60 % de la secuencial: eso compara dos momentos distintos, y la concurrente paga
 * además abrir las conexiones del pool; con la máquina cargada (la tanda del 12, carga 16) la
 * razón iba de 0.28 a 1.05 en programas con un pool correcto, también la solución, y ningún
 * mutante dependía de ella. Lo que deja pasar: un programa que lanza unas pocas y después
 * encadena. Medido (sesión 61, con la máquina cargada) no llegó a 3 a la vez: la primera conexión
 * despachaba la cola mientras las otras conectaban; pero eso depende de lo que tarde conectar, y
 * con la máquina libre podría llegar. */
CAL_PRUEBA(concurrencia, 40)
static void concurrencia(void)
{
    cal_esperado("con inserciones de %d ms en el servidor: al menos 3 a la vez en la fase "
                 "concurrente, por como mucho %d %s, y cada fila en su propia sentencia INSERT",
                 LENTO_MS, 2 * TAMANO, texto_plural(2 * TAMANO, "conexión", "conexiones"));
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    int n;
    /* Con al menos la mitad de las filas de la secuencial (las que falten las cobra filas): de
     * ella se mira cuántas sentencias INSERT la hicieron. */
    if (!ejecucion_normal(&b, TABLA_LENTA, &p) || !base_registro_fases(&b, &v, &n, N / 2) ||
        !hubo_pool(v, n)) {
        free(v);
        CAL_FIN(0);
    }
    int solape = base_solape_maximo(v, n, 1, N);
    free(v);
    /* Cada fila, su propia inserción: la secuencial como un INSERT … SELECT (o con varias filas
     * en VALUES) sigue disparando el disparador fila a fila sin ir una tras otra (el adversario
     * de la sesión 49: una fila y después las 39 de una vez, 100/100). Mutante:
     * secuencial_de_una_vez. */
    sentencias_t st;
    if (!base_sentencias(&b, N, &st))
        CAL_FIN(0);
    /* Contra las filas que registró el servidor, no contra 2·N: una fila que falta ya la
     * cobra filas (la pasada de la sesión 49: secuencial_una_menos perdía también esta). */
    if (st.inserciones < n) {
        cal_obtenido("el servidor registró %d %s del programa y recibió solo %d %s INSERT: "
                     "cada fila va en su propia inserción (las de la fase secuencial, una tras "
                     "otra, cada una cuando ha vuelto la anterior), no varias filas en una "
                     "sentencia",
                     n, texto_plural(n, "fila", "filas"), st.inserciones,
                     texto_plural(st.inserciones, "sentencia", "sentencias"));
        CAL_FIN(0);
    }
    cal_obtenido("según el servidor: como mucho %d %s a la vez en la fase concurrente, y %d "
                 "%s INSERT para %d %s",
                 solape, texto_plural(solape, "inserción", "inserciones"), st.inserciones,
                 texto_plural(st.inserciones, "sentencia", "sentencias"), n,
                 texto_plural(n, "fila", "filas"));
    CAL_FIN(1);
}

CAL_PRUEBA(limite_pool, 40)
static void limite_pool(void)
{
    cal_esperado("según el servidor, como mucho: inserciones a la vez, %d; conexiones distintas "
                 "que las hacen, %d; conexiones del programa en total (las del pool y la "
                 "secuencial), %d",
                 TAMANO, TAMANO, TAMANO + 1);
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    int n;
    if (!ejecucion_normal(&b, TABLA_LENTA, &p))
        CAL_FIN(0);
    base_esperar_sin_conexiones(&b, 3000);
    sesiones_t s;
    if (!base_sesiones(&b, &s) || !base_registro_fases(&b, &v, &n, 0)) {
        free(v);
        CAL_FIN(0);
    }
    int solape = base_solape_maximo(v, n, 1, N);
    if (!base_hubo_pool(solape, 3, "sin inserciones simultáneas no hay pool que juzgar")) {
        free(v);
        CAL_FIN(0);
    }
    int procesos = procesos_concurrentes(v, n);
    free(v);
    long long abiertas = s.sesiones - SESIONES_CALIFICADOR;
    cal_obtenido("según el servidor: inserciones a la vez, como mucho %d; conexiones distintas "
                 "que las hicieron, %d; conexiones del programa en total, %lld",
                 solape, procesos, abiertas);
    CAL_FIN(solape <= TAMANO && procesos <= TAMANO && abiertas <= TAMANO + 1);
}

/* La fila lenta de la segunda corrida de fifo, y lo que tarda su inserción. Las otras 39 de la
 * fase concurrente tardan 15 ms cada una: por las otras 4 conexiones, unos 150 ms en total
 * (medido con la solución: menos de 0.5 s con la máquina cargada). */
#define FILA_LENTA    3
#define FILA_LENTA_MS 2500

/* Una cola de verdad, vista desde el servidor: con solo la fila FILA_LENTA lenta, ninguna otra
 * de la fase concurrente empieza después de que ella acabe, porque la siguiente de la cola se
 * la lleva la primera conexión que queda libre. Con todas las inserciones igual de lentas, un
 * reparto fijo de filas por conexión (k, k+p, k+2p…, sin cola ni préstamo) deja la misma huella
 * que un pool y sacaba 100 (el adversario de la sesión 47); aquí las filas de la conexión de la
 * lenta esperan detrás de ella (mutante ranura_fija). */
static int ninguna_detras_de_la_lenta(void)
{
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    int n;
    cal_nota("Y con solo la fila %d lenta (%.1f s; las demás, %d ms):", FILA_LENTA,
             FILA_LENTA_MS / 1000.0, LENTO_MS);
    if (!base_preparar_lenta_fin(&b, LENTO_MS, 0, 0, FILA_LENTA, FILA_LENTA_MS) ||
        !base_lanzar(&b, base_args_normal, 0, 30, &p) || !base_esperar_fin(p, 25000, -1) ||
        !base_registro_fases(&b, &v, &n, 0)) {
        free(v);
        return 0;
    }
    double fin_lenta = -1;
    for (int i = 0; i < n; i++)
        if (v[i].id == FILA_LENTA)
            fin_lenta = v[i].fin;
    int detras = 0;
    char cuales[200] = "";
    size_t usado = 0;
    for (int i = 0; i < n && fin_lenta >= 0; i++) {
        if (v[i].id < 1 || v[i].id > N || v[i].id == FILA_LENTA || v[i].inicio < fin_lenta)
            continue;
        detras++;
        int w = snprintf(cuales + usado, sizeof cuales - usado, "%s%d", usado ? " " : "", v[i].id);
        if (w > 0 && (size_t)w < sizeof cuales - usado)
            usado += (size_t)w;
    }
    free(v);
    if (fin_lenta < 0) {
        cal_obtenido("con la fila %d lenta, el servidor no registró su inserción", FILA_LENTA);
        return 0;
    }
    if (detras > 0) {
        cal_obtenido("con la fila %d lenta, %d %s de la fase concurrente no empezaron hasta que "
                     "ella acabó (%s): esperaban detrás de la lenta aunque otras conexiones "
                     "estaban libres, como en un reparto fijo de filas por conexión",
                     FILA_LENTA, detras, texto_plural(detras, "fila", "filas"), cuales);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(fifo, 40)
static void fifo(void)
{
    cal_esperado("de las 20 primeras inserciones que empieza el servidor, al menos 18 con id ≤ 25 "
                 "(las pedidas antes se sirven antes); y con solo la fila %d lenta, ninguna otra "
                 "de la fase concurrente empieza después de que ella acabe (la siguiente de la "
                 "cola se la lleva la primera conexión libre)",
                 FILA_LENTA);
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    int n;
    if (!ejecucion_normal(&b, TABLA_LENTA, &p) || !base_registro_fases(&b, &v, &n, 0) ||
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
    cal_obtenido("%d de las 20 con id ≤ 25; orden en que empezaron: %s", pronto, orden);
    CAL_FIN(pronto >= 18 && ninguna_detras_de_la_lenta());
}

/* Lo que tarda en el servidor el TRUNCATE de la preparación en la segunda corrida de perezoso. */
#define PREPARACION_LENTA_MS 1500

/* La preparación es una sola petición al pool: mientras su TRUNCATE tarda
 * PREPARACION_LENTA_MS, el programa tiene una conexión, no las -p (ni min(-p, -n)) de golpe.
 * Con -n 3 y -p 10 eso no se ve: abrir 3 de golpe da lo mismo que abrirlas cuando hacen falta
 * (el estudiante de prueba y el adversario de la sesión 49: 100/100). Mutante:
 * abre_de_golpe. 1 si fue así; si no, 0 y el motivo. */
static int preparacion_con_una(void)
{
    base_t b;
    cal_proceso_t *p;
    if (!base_preparar(&b, TABLA_LENTA, 0, NULL) || !base_vaciado_lento(&b, PREPARACION_LENTA_MS) ||
        !base_lanzar(&b, base_args_normal, 0, 30, &p))
        return 0;
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        return 0;
    /* Solo cuentan las muestras con el TRUNCATE del programa en curso: cuando acaba, el programa
     * sigue con la fase concurrente y abre más (la fila de calif.vaciado no se ve hasta que su
     * transacción se confirma, y entonces ya puede haber otra conexión: la pasada de esta sesión
     * lo vio en mutantes con el pool bien hecho). El servidor marca la sesión como libre antes de
     * contestar, así que mientras se ve activa el programa aún no sabe que acabó. */
    long long maximo = 0, vistas = 0;
    int fuera = 0;
    plazo_t plazo;
    plazo_empezar(&plazo, 10000);
    while (!fuera && !cal_termino(p) && !plazo_vencido(&plazo)) {
        PGresult *r =
            PQexec(c, "SELECT count(*), count(*) FILTER (WHERE state = 'active' AND query "
                      "ILIKE '%truncate%') FROM pg_stat_activity WHERE datname = "
                      "current_database() AND " BASE_SESIONES_DEL_PROGRAMA);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
            long long todas = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
            int vaciando = strtoll(PQgetvalue(r, 0, 1), NULL, 10) > 0;
            if (vaciando) {
                vistas++;
                if (todas > maximo)
                    maximo = todas;
            }
            fuera = vistas > 0 && !vaciando;
        }
        PQclear(r);
        if (!fuera)
            cal_esperar(20);
    }
    PQfinish(c);
    /* Cómo acabe no se juzga aquí. */
    if (!cal_esperar_fin(p, 20000))
        cal_matar(p);
    if (vistas == 0) {
        cal_nota("Con -n 40 -p 5, el servidor no llegó a ver en curso el TRUNCATE de la "
                 "preparación (que lo haga lo juzga «preparacion»): no se miró cuántas conexiones "
                 "tenía el programa mientras tanto.");
        return 1;
    }
    if (maximo > 1) {
        cal_obtenido("con -n 40 -p 5, mientras la preparación vaciaba la tabla (su TRUNCATE "
                     "tarda %d ms en el servidor), las conexiones del programa llegaron a %lld: la "
                     "preparación es una sola petición al pool, y una conexión se abre cuando una "
                     "petición no encuentra ninguna libre, no antes",
                     PREPARACION_LENTA_MS, maximo);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(perezoso, 40)
static void perezoso(void)
{
    cal_esperado("con -p 10 -n 3, mientras se inserta, como mucho 3 conexiones del programa "
                 "en el servidor; y con -n 40 -p 5, mientras la preparación vacía la tabla, una");
    base_t b;
    cal_proceso_t *p;
    insercion_t *v = NULL;
    static const char *const args[] = {"-p", "10", "-n", "3", NULL};
    if (!base_preparar(&b, TABLA_LENTA, 300, NULL) || !base_lanzar(&b, args, 0, 30, &p))
        CAL_FIN(0);
    if (!base_esperar_fin(p, 20000, -1))
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
        cal_obtenido("el servidor registró %d de las 3 inserciones de la fase concurrente", filas);
        CAL_FIN(0);
    }
    if (maximo < 1) {
        cal_obtenido("el servidor no vio ninguna conexión del programa mientras insertaba");
        CAL_FIN(0);
    }
    char sin_pool[200];
    snprintf(sin_pool, sizeof sin_pool,
             "sin inserciones simultáneas no hay pool que juzgar (conexiones del programa, como "
             "mucho: %d)",
             maximo);
    if (!base_hubo_pool(solape, 2, sin_pool))
        CAL_FIN(0);
    /* Abrir pocas tampoco cuenta si no hizo el resto del trabajo: las 10 consultas, según el
     * registro del servidor (con -n 3, la 3 con el parámetro 3). */
    sentencias_t st;
    if (!base_sentencias(&b, 3, &st))
        CAL_FIN(0);
    if (__builtin_popcount(st.hechas_siempre & 0x3ffu) < CONSULTAS_TRABAJO) {
        char faltan[80];
        cal_obtenido("como mucho %d %s durante las inserciones, pero el registro del "
                     "servidor no tiene %s de las 10 consultas del enunciado, con su texto y sus "
                     "parámetros (con -n 3): no hizo todo el trabajo",
                     maximo, texto_plural(maximo, "conexión", "conexiones"),
                     base_consultas_que_faltan(st.hechas_siempre, faltan, sizeof faltan));
        CAL_FIN(0);
    }
    cal_obtenido("como mucho %d %s del programa durante las inserciones (inserciones a la vez: "
                 "%d)",
                 maximo, texto_plural(maximo, "conexión", "conexiones"), solape);
    if (maximo > 3 || !preparacion_con_una())
        CAL_FIN(0);
    cal_obtenido("como mucho %d %s del programa durante las inserciones (inserciones a la vez: "
                 "%d); y, con -n 40 -p 5, una sola mientras la preparación vaciaba la tabla",
                 maximo, texto_plural(maximo, "conexión", "conexiones"), solape);
    CAL_FIN(1);
}
