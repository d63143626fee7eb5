/* memoria.c — el programa bajo valgrind: una ejecución normal, otra con una sentencia que
 * falla y otra con conexiones cortadas, sin fugas ni errores de memoria.
 */
#include "comun.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Tras Ctrl+C, bajo valgrind: cancelar, cerrar y el informe de valgrind son unos segundos; un
 * programa que no sale (ignora la señal o se cuelga al parar) no hace esperar los 95 s de las
 * demás pasadas (eso lo cobra sigint). */
#define SIGINT_VALGRIND_MS 30000

/* Qué juzga una pasada de valgrind, además de errores y fugas. */
enum {
    PASADA_TRABAJO = 1, /* debe haber impreso POOL */
    PASADA_CERRADO = 2, /* nada alcanzable al salir (cal_valgrind_cerrado) */
    PASADA_SIGINT = 4,  /* tras Ctrl+C: morir por la señal o no cerrar lo cobra sigint */
};

/* Juzga una pasada de valgrind ya lanzada: `codigo` el esperado (-1: cualquiera) y, según
 * `juzga`, lo de arriba. Debe acabar en 95 s (tras Ctrl+C, en SIGINT_VALGRIND_MS). 1 si sale
 * limpia (explicado si no). */
static int pasada_valgrind(cal_proceso_t *p, int codigo, int juzga, const char *que, int ya_fallo)
{
    char resumen[600];
    int trabajo = (juzga & PASADA_TRABAJO) != 0;
    int max_ms = (juzga & PASADA_SIGINT) ? SIGINT_VALGRIND_MS : 95000;
    if (!base_esperar_fin_margen(p, max_ms, -1, MARGEN_VALGRIND_MS, 0))
        return 0;
    if ((juzga & PASADA_SIGINT) && cal_valgrind_senal(p) != 0) {
        cal_nota("%s: murió por la señal, sin capturarla; eso lo cobra «Ctrl+C cancela en el "
                 "servidor…», y aquí no se juzga su memoria",
                 que);
        return 1;
    }
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
        if (limpio && (juzga & PASADA_CERRADO) && cal_codigo(p) != CAL_CODIGO_VALGRIND)
            limpio = cal_valgrind_cerrado(p, motivo, sizeof motivo);
        int ok = limpio && cal_codigo(p) != CAL_CODIGO_VALGRIND;
        snprintf(resumen, sizeof resumen, "%s: %s", que, motivo);
        base_obtenido_o_nota(ya_fallo, resumen);
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
                               "WHERE datname = current_database() AND " BASE_SESIONES_DEL_PROGRAMA
                               " AND pid <> $1::int",
                               pid, NULL);
    }
    PQfinish(c);
    cal_nota("Con las conexiones del pool cortadas en la fase secuencial (-n %d -p 4): "
             "conexiones cortadas, %lld.",
             n, cortadas < 0 ? 0 : cortadas);
    return cortadas;
}

/* Bajo valgrind, Ctrl+C con inserciones en curso: en cuanto el servidor ve un INSERT suyo en
 * marcha (tardan 30 s cada una; las demás esperan en la cola del pool), SIGINT. Una sentencia
 * cualquiera no vale: en la preparación la cola aún está vacía (la pasada de la sesión 42: así
 * fuga_solo_sigint sacaba 100). Es la única salida que
 * pasa por bd_cancelar y que avisa con UV_ECANCELED a peticiones que aún esperan: lo que se
 * libere solo por los demás caminos se pierde aquí (el estudiante de prueba de la sesión 41,
 * bug 53: una fuga solo tras Ctrl+C, 100/100). Mutante: fuga_solo_sigint. Basta con una en
 * curso (un programa sin pool también tiene cola). Si el servidor no ve ninguna, no hay Ctrl+C
 * que juzgar y la verificación no pasa: un programa que bajo valgrind no inserta (y que se
 * sabe mirado: la precarga de valgrind se ve en su entorno) no se salta así esta ejecución.
 * Devuelve 1 si llegó a mandarla. */
static int sigint_valgrind(const base_t *b, cal_proceso_t *p)
{
    PGconn *c = base_conectar(b);
    if (c == NULL)
        return 0;
    long long activas = base_esperar_en_curso(c, p, 1, 1, 0, 60000);
    PQfinish(c);
    if (activas < 1) {
        cal_obtenido("bajo valgrind (-n 10 -p 3), el servidor nunca vio una inserción del "
                     "programa en curso en 60 s: no se le pudo mandar Ctrl+C con trabajo "
                     "pendiente");
        return 0;
    }
    cal_senal(p, SIGINT);
    return 1;
}

CAL_PRUEBA(valgrind, 150)
static void valgrind(void)
{
    cal_esperado("bajo valgrind, -n 20 -p 4: código 0. Y por los caminos de error (los códigos "
                 "los miran otras verificaciones): una inserción que el servidor rechaza (en la "
                 "fase concurrente y en la secuencial), una tabla usuarios ajena, conexiones del "
                 "pool rechazadas, consultas rechazadas y conexiones del pool cortadas en el "
                 "servidor. Y con Ctrl+C (código 130), con inserciones en curso y otras en la "
                 "cola del pool. Todas sin errores de memoria ni fugas");
    base_t b, bf, bs, bt, bl, bq, br, bc;
    cal_proceso_t *p, *pf, *ps, *pt, *pl, *pq, *pr, *pc;
    static const char *const args[] = {"-n", "20", "-p", "4", NULL};
    static const char *const args_falla[] = {"-n", "10", "-p", "2", NULL};
    static const char *const args_ajena[] = {"-n", "5", "-p", "2", NULL};
    static const char *const args_limite[] = {"-n", "10", "-p", "4", NULL};
    static const char *const args_sigint[] = {"-n", "10", "-p", "3", NULL};
    /* Las dos pasadas a la vez (valgrind es lo más lento de la calificación). La segunda, por el
     * camino de error: el PGresult de una sentencia que falla también es del programa. */
    if (!base_preparar(&b, SIN_TABLA, 0, NULL) || !base_preparar_falla(&bf, 7) ||
        !base_preparar_falla(&bs, 15) || !base_preparar(&bt, TABLA_DISTINTA, 0, NULL) ||
        !base_preparar(&bl, TABLA_LENTA, 0, NULL) || !base_limitar(&bl, 1) ||
        !base_preparar_falla(&bq, 0) || !base_vigilar_lecturas(&bq, LECTURA_RECHAZADA) ||
        !base_lanzar(&b, args, 1, 100, &p) || !base_lanzar(&bf, args_falla, 1, 100, &pf) ||
        !base_lanzar(&bs, args_falla, 1, 100, &ps) || !base_lanzar(&bt, args_ajena, 1, 100, &pt) ||
        !base_lanzar(&bl, args_limite, 1, 100, &pl) || !base_lanzar(&bq, args_ajena, 1, 100, &pq) ||
        !base_preparar(&br, TABLA_LENTA, 2 * LENTO_MS, NULL) ||
        !base_lanzar(&br, args_limite, 1, 100, &pr) ||
        !base_preparar(&bc, TABLA_LENTA, 30000, NULL) ||
        !base_lanzar(&bc, args_sigint, 1, 100, &pc))
        CAL_FIN(0);
    cortar_pool_valgrind(&br, pr, 10);
    int senal = sigint_valgrind(&bc, pc);
    /* Todas se esperan (cada una deja su nota), aunque falle una de las primeras. Si no hubo
     * Ctrl+C que mandar, su «Obtenido» ya está escrito: las demás van como notas (antes la última
     * lo tapaba con «… todo liberado al salir», y el informe no decía por qué fallaba). */
    int ok = pasada_valgrind(p, 0, PASADA_TRABAJO | PASADA_CERRADO,
                             "la ejecución sin errores (-n 20 -p 4)", !senal) &&
             senal;
    /* Los caminos de error, con cualquier código (lo miran otras verificaciones). El error de
     * una inserción de la fase secuencial sale por otra callback que el de la concurrente: su
     * PGresult también es del programa (el estudiante de prueba de la sesión 32, bug 66: sin
     * PQclear solo ahí, 100/100). Mutante: fuga_insercion_secuencial. */
    const struct {
        cal_proceso_t *p;
        const char *que;
    } errores[] = {
        {pf, "con la fila 7 rechazada (-n 10 -p 2)"},
        {ps, "con la fila 15 rechazada, en la fase secuencial (-n 10 -p 2)"},
        {pt, "con una tabla usuarios ajena (-n 5 -p 2)"},
        {pl, "con la base limitada a 1 conexión: el servidor rechaza las del pool tras la primera "
             "(-n 10 -p 4)"},
        {pq, "con las consultas rechazadas (-n 5 -p 2)"},
        {pr, "con el pool cortado en la fase secuencial (-n 10 -p 4)"},
    };
    for (size_t i = 0; i < sizeof errores / sizeof errores[0]; i++)
        ok = pasada_valgrind(errores[i].p, -1, PASADA_CERRADO, errores[i].que, !ok) && ok;
    if (!senal) {
        cal_matar(pc);
        ok = 0;
    } else {
        /* Cerrar todo tras Ctrl+C (salir con exit() desde la callback de la señal) ya lo cobra
         * sigint (mutante sigint_sale_sin_cerrar): aquí solo errores y memoria perdida. */
        ok = pasada_valgrind(pc, 130, PASADA_SIGINT,
                             "con Ctrl+C e inserciones en curso (-n 10 -p 3)", !ok) &&
             ok;
    }
    /* Sin fugas no cuenta si la ejecución sin errores no hizo el trabajo: sus 10 consultas, según
     * el registro del servidor (un programa que las calcula no reserva nada para ellas). */
    sentencias_t st;
    if (ok && !base_sentencias(&b, 20, &st)) {
        ok = 0;
    } else if (ok && __builtin_popcount(st.hechas_siempre & 0x3ffu) < CONSULTAS_TRABAJO) {
        char faltan[80];
        cal_obtenido("la ejecución sin errores (-n 20 -p 4) salió limpia, pero el registro del "
                     "servidor no tiene %s de las 10 consultas del enunciado, con su texto y sus "
                     "parámetros: sin ellas no hay trabajo que juzgar",
                     base_consultas_que_faltan(st.hechas_siempre, faltan, sizeof faltan));
        ok = 0;
    }
    CAL_FIN(ok);
}
