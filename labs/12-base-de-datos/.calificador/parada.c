/* parada.c — la parada ordenada: al terminar, el programa cierra todas sus conexiones (también
 * las que aún se abren) antes de salir, y con Ctrl+C cancela en el servidor lo que está en
 * curso.
 *
 * Lo que no se juzga, y por qué:
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
 * Cerrar el pool saltándose las conexiones que aún se abren se ve siempre en «cierre» (la fila 1
 * falla con la conexión de la preparación justo cuando se piden las otras 3 del pool) y a veces
 * en «sentencia_falla», «servidor_cae», «valgrind» o «reemplaza_rotas»: que alguna siga
 * abriéndose al fallar depende de la carga. Su mutante (cerrar_sin_conectando) debe fallar
 * «cierre» y nombra las demás en puede_fallar (mutantes.tsv), con ese porqué en su cabecera.
 * «sigint» ya no lo cobra: manda Ctrl+C con las 3 conexiones del pool insertando (-p 3: ninguna
 * se abre) o con un pool de una sola conexión, ya abierta (-p 1). Antes, con -n 3 -p 3 en la
 * fase secuencial, una de las del pool podía seguir abriéndose con la máquina cargada: el mismo
 * olvido costaba hasta 33 puntos, según la carga.
 */
#include "comun.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* La ejecución con la fila 1 rechazada de «cierre»: termina (sin colgarse; el código lo juzga
 * sentencia_falla) y no deja ninguna conexión abierta en el servidor, tampoco las que se
 * abrían cuando falló. */
static int cierra_abriendose(const base_t *b, cal_proceso_t *p)
{
    cal_nota("Con la fila 1 rechazada (-n 20 -p 4), cuando el pool aún abre conexiones:");
    if (!base_esperar_fin_margen(p, 15000, -1, MARGEN_MS, 0))
        return 0;
    int quedan = base_esperar_sin_conexiones(b, 3000);
    if (quedan > 0) {
        cal_obtenido("con la fila 1 rechazada terminó, pero dejó en el servidor %d %s: "
                     "al cerrar, también se cierran las que aún se estaban abriendo",
                     quedan, texto_plural(quedan, "conexión abierta", "conexiones abiertas"));
        return 0;
    }
    return 1;
}

CAL_PRUEBA(cierre, 40)
static void cierre(void)
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
    if (!base_preparar(&b, TABLA_LENTA, LENTO_MS, NULL) ||
        !base_vigilar_lecturas(&b, LECTURA_LENTA) || !base_preparar_falla(&bf, 1) ||
        !base_lanzar(&b, base_args_normal, 0, 30, &p) || !base_lanzar(&bf, args_falla, 0, 20, &pf))
        CAL_FIN(0);
    if (!cierra_abriendose(&bf, pf) || !base_esperar_fin(p, 25000, 0))
        CAL_FIN(0);
    int quedan = base_esperar_sin_conexiones(&b, 3000);
    sesiones_t s;
    if (!base_sesiones(&b, &s))
        CAL_FIN(0);
    /* Cerrar sin haber abierto nada no demuestra nada: antes tiene que haber hecho su trabajo. */
    long long propias = s.sesiones - SESIONES_CALIFICADOR;
    if (propias < 2) {
        cal_obtenido("salió con 0, pero solo abrió %s (el pool y la secuencial son al menos 2): "
                     "no hizo el trabajo",
                     propias == 1 ? "una conexión" : "ninguna conexión");
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
                     "consultas (en %lld de %lld %s del pool, 300 ms después de empezar su "
                     "primera consulta): se cierra al acabar su fase, antes de las consultas",
                     con_secuencial, lecturas, texto_plural(lecturas, "conexión", "conexiones"));
        CAL_FIN(0);
    }
    cal_obtenido("salió con 0; conexiones aún abiertas: %d; cortadas sin cerrarse: %lld de %lld",
                 quedan, s.abandonadas, propias);
    CAL_FIN(quedan == 0 && s.abandonadas == 0);
}

/* Si `p` salió desde la callback de la señal (sin volver a uv_run), que cerrara todo antes:
 * cada conexión con bd_cerrar (`detalle`) y los handles de las señales. 1 si no salió desde la
 * callback o si cerró todo. */
static int cerro_todo_al_salir(cal_proceso_t *p, const char *detalle)
{
    char porque[512], que[300];
    if (cal_salio_desde_callback(p, porque, sizeof porque) != 1)
        return 1;
    snprintf(que, sizeof que,
             "cada conexión con bd_cerrar (%s), y los handles de las señales, antes de salir con "
             "130 al volver uv_run",
             detalle);
    return cal_parada_cerro_todo(p, que);
}

/* Lanza `args` sobre una base preparada, espera a que el servidor vea `en_vuelo` sentencias
 * del programa en marcha, manda SIGINT y exige 130 en menos de 3 s y ninguna sentencia suya en
 * marcha 2.5 s después. `fase` dice en qué fase está (para los mensajes). */
static int sigint_en_vuelo(base_t *b, const char *const *args, int en_vuelo, const char *fase,
                           int tras_concurrente)
{
    cal_proceso_t *p;
    cal_nota("Ctrl+C en la fase %s:", fase);
    /* Con el testigo del cierre: cancelar y después salir con exit(130) desde la callback de la
     * señal sale con el mismo código y cancela lo mismo, pero no cierra nada (el estudiante de
     * prueba de la sesión 29, 100/100). Mutante: sigint_sale_sin_cerrar. */
    if (!base_lanzar_vigilando_cierre(b, args, 40, &p))
        return 0;
    PGconn *c = base_conectar(b);
    if (c == NULL)
        return 0;
    /* Con `tras_concurrente`, solo cuentan las que hay cuando la fase concurrente (sus
     * `tras_concurrente` filas, que no esperan) ya está en calif.registro. */
    long long activas = base_esperar_en_curso(c, p, en_vuelo, 0, tras_concurrente, 6000);
    uint64_t hasta;
    if (activas < en_vuelo) {
        char cuantas[80];
        if (en_vuelo == 1)
            snprintf(cuantas, sizeof cuantas, "ninguna inserción del programa en curso");
        else
            snprintf(cuantas, sizeof cuantas, "%d %s del programa en curso a la vez", en_vuelo,
                     texto_plural(en_vuelo, "inserción", "inserciones"));
        cal_obtenido("en la fase %s, el servidor nunca vio %s (la última vez que miró, "
                     "%lld)%s",
                     fase, cuantas, activas,
                     activas == 1 && en_vuelo > 1
                         ? ": ¿la fase concurrente espera a que acabe cada inserción antes "
                           "de pedir la siguiente?"
                         : "");
        PQfinish(c);
        cal_nota_salida(p, 10);
        return 0;
    }
    /* Las que tiene en curso al llegar la señal: el servidor debe cancelarlas (abajo). */
    en_vuelo_t vuelo[16];
    int n_vuelo = base_en_vuelo(c, b, vuelo, 16);
    if (n_vuelo < 0) {
        PQfinish(c);
        return 0;
    }
    /* Las que se juzgan son inserciones en la tabla lenta: si lo que tiene en curso no lo es
     * (un SELECT pg_sleep, o una inserción con un comentario delante más largo de lo que guarda
     * pg_stat_activity), la lista quedaba vacía y la cancelación se daba por buena sin mirar
     * nada (el adversario de la sesión 88). */
    if (n_vuelo < en_vuelo) {
        cal_obtenido("en la fase %s, el servidor vio %lld %s del programa en curso, pero solo "
                     "%d %s en usuarios: lo que tiene en curso al llegar Ctrl+C deben ser sus "
                     "inserciones",
                     fase, activas, texto_plural(activas, "sentencia", "sentencias"), n_vuelo,
                     texto_plural(n_vuelo, "era una inserción", "eran inserciones"));
        PQfinish(c);
        cal_nota_salida(p, 10);
        return 0;
    }
    cal_senal(p, SIGINT);
    if (!base_esperar_fin(p, 3000, 130)) {
        PQfinish(c);
        return 0;
    }
    hasta = cal_ahora_ms() + 2500;
    do {
        activas = base_entero(c, BASE_SQL_EN_CURSO, NULL, NULL);
        if (activas > 0)
            cal_esperar(50);
    } while (activas > 0 && cal_ahora_ms() < hasta);
    PQfinish(c);
    cal_obtenido("con Ctrl+C en la fase %s, salió con 130; sentencias suyas que seguían en "
                 "curso en el servidor 2.5 s después: %lld",
                 fase, activas);
    if (activas != 0) {
        /* Con exit() en la callback de la señal no hay cancelación ni cierre: decirlo, y no
         * solo «hay que cancelar» (la pista), que se lee como si faltara bd_cancelar y nada
         * más (la sesión 86). Mutante: sigint_exit_sin_cancelar. */
        char porque[512];
        if (cal_salio_desde_callback(p, porque, sizeof porque) == 1)
            cal_obtenido(
                "con Ctrl+C en la fase %s, salió con 130 con exit() desde una "
                "callback (uv_run aún no había vuelto): sin cancelar ni cerrar nada, y %lld %s "
                "en curso en el servidor 2.5 s después. Al "
                "llegar la señal: bd_cancelar de lo que esté en curso, bd_cerrar de "
                "cada conexión y de los handles, y salir con 130 cuando uv_run vuelva",
                fase, activas,
                texto_plural((int)activas, "sentencia suya seguía", "sentencias suyas seguían"));
        return 0;
    }
    /* Que no sigan no basta: cerrar la conexión también las acaba si el servidor mira a su
     * cliente (client_connection_check_interval, que el programa puede poner en su sesión o en
     * su papel; el adversario de la sesión 49 sacaba así 100 sin cancelar nada). Cancelar deja
     * en el registro un 57014 en el proceso y la transacción de cada una. */
    int canceladas = base_canceladas(b, vuelo, n_vuelo);
    if (canceladas < n_vuelo) {
        if (canceladas >= 0)
            cal_obtenido("con Ctrl+C en la fase %s, salió con 130, pero de sus %d %s en curso, "
                         "el servidor canceló %d por una petición de cancelación (el registro de "
                         "cada una dice «canceling statement due to user request»): las demás "
                         "acabaron sin que nadie las cancelara. Cerrar la conexión no cancela: "
                         "bd_cancelar, antes de bd_cerrar",
                         fase, n_vuelo, texto_plural(n_vuelo, "inserción", "inserciones"),
                         canceladas);
        return 0;
    }
    /* Solo lo propio de Ctrl+C: salir desde la callback de la señal, sin que uv_run vuelva. Un
     * handle que ninguna salida cierra (un temporizador parado, nunca uv_close) ya lo juzga
     * valgrind, que pasa por todos los caminos: aquí no se cobra otra vez (mutante
     * temporizador_sin_cerrar). Un olvido activo solo en esta salida (la conexión
     * secuencial sin cerrar) no deja volver a uv_run: ya no sale con 130 a tiempo. */
    return cerro_todo_al_salir(p, "tras cancelar lo que tenga en curso");
}

/* Lo que tarda cada inserción de «sigint_conectando»: la fase concurrente (3 filas por una sola
 * conexión) dura 1.5 s, de sobra para retener las conexiones nuevas antes de que acabe. */
#define CONECTANDO_LENTO_MS 500

/* Ctrl+C con la conexión de la fase secuencial aún abriéndose: el servidor retiene las
 * conexiones nuevas (base_retener_conexiones, unos 5 s) en cuanto la del pool (-p 1) está
 * abierta, y la secuencial, que se pide al acabar la fase concurrente, se queda esperando. Al
 * terminar también se cierra esa: con bd_cerrar, que cierra las que aún conectan, el programa
 * sale enseguida; quien solo la cierra cuando vuelve su inserción cancelada (no tiene ninguna)
 * se queda colgado (mutante sigint_con_secuencial_conectando: 100/100 antes, porque ningún
 * Ctrl+C llegaba en ese momento). 1 si sale con 130 en menos de 3 s con todo cerrado, o si no
 * se vio a la secuencial esperando (no hay nada que juzgar; lo dice una nota). */
static int sigint_conectando(void)
{
    static const char *const args[] = {"-n", "3", "-p", "1", NULL};
    base_t b;
    cal_proceso_t *p;
    cal_nota("Ctrl+C con la conexión de la fase secuencial aún abriéndose:");
    if (!base_preparar(&b, TABLA_LENTA, CONECTANDO_LENTO_MS, NULL) ||
        !base_lanzar_vigilando_cierre(&b, args, 40, &p))
        return 0;
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        return 0;
    /* Con la primera inserción en curso, la única conexión del pool ya está abierta. */
    if (base_esperar_en_curso(c, p, 1, 1, 0, 6000) < 1) {
        cal_obtenido("en la fase concurrente, el servidor nunca vio ninguna inserción del "
                     "programa en curso");
        PQfinish(c);
        cal_nota_salida(p, 10);
        return 0;
    }
    PGconn *retencion = base_retener_conexiones(&b);
    if (retencion == NULL) {
        cal_obtenido("error del calificador: no se pudieron retener las conexiones nuevas");
        PQfinish(c);
        return 0;
    }
    /* Acabada la fase concurrente (sus 3 filas, en calif.registro), la secuencial espera su
     * turno en el servidor: un cerrojo de la base aún sin conceder. Por la conexión del
     * calificador, abierta antes de retener (una nueva también esperaría). */
    long long esperando = 0;
    plazo_t plazo;
    plazo_empezar(&plazo, 6000);
    while (esperando < 1 && !plazo_vencido(&plazo) && !cal_termino(p)) {
        esperando = base_entero(c,
                                "SELECT CASE WHEN (SELECT count(*) FROM calif.registro WHERE id "
                                "<= 3) < 3 THEN 0 ELSE (SELECT count(*) FROM pg_locks WHERE "
                                "locktype = 'object' AND classid = 'pg_database'::regclass AND "
                                "objid = (SELECT oid FROM pg_database WHERE datname = "
                                "current_database()) AND NOT granted) END",
                                NULL, NULL);
        if (esperando < 1)
            cal_esperar(20);
    }
    if (esperando < 1 || cal_termino(p)) {
        PQfinish(c);
        base_soltar_conexiones_ya(&b, retencion);
        cal_nota("No se vio la conexión de la fase secuencial esperando a abrirse tras la fase "
                 "concurrente: este Ctrl+C no se juzga.");
        return 1;
    }
    cal_senal(p, SIGINT);
    int ok = base_esperar_fin(p, 3000, 130);
    PQfinish(c);
    base_soltar_conexiones_ya(&b, retencion);
    if (!ok) {
        if (!cal_termino(p))
            cal_obtenido("con Ctrl+C mientras su conexión de la fase secuencial aún se abría, en "
                         "3 s no salió: al terminar se cierran todas las conexiones con "
                         "bd_cerrar, también las que aún se abren (no tienen nada que cancelar)");
        return 0;
    }
    return cerro_todo_al_salir(p, "también la secuencial que aún se abría");
}

CAL_PRUEBA(sigint, 50)
static void sigint(void)
{
    cal_esperado("con inserciones de 30 s en curso (3 en la fase concurrente; después, 1 en la "
                 "secuencial), SIGINT: código 130 en menos de 3 s, todo cerrado (uv_loop_close() "
                 "== 0) y, 2.5 s después, ninguna sentencia del programa en curso en el "
                 "servidor: cada una, cancelada (según el registro del servidor). Y con la "
                 "conexión de la fase secuencial aún abriéndose, código 130 en menos de 3 s y "
                 "todo cerrado");
    base_t b;
    static const char *const args[] = {"-n", "10", "-p", "3", NULL};
    if (!base_preparar(&b, TABLA_LENTA, 30000, NULL) ||
        !sigint_en_vuelo(&b, args, 3, "concurrente", 0))
        CAL_FIN(0);
    /* La secuencial: las 3 concurrentes van al momento; las de la secuencial tardan 30 s. Con
     * -p 1: ninguna conexión del pool sigue abriéndose al llegar Ctrl+C (lo juzga cierre). */
    static const char *const args_sec[] = {"-n", "3", "-p", "1", NULL};
    if (!base_preparar_lenta(&b, 30000, 3, 0) || !sigint_en_vuelo(&b, args_sec, 1, "secuencial", 3))
        CAL_FIN(0);
    CAL_FIN(sigint_conectando());
}
