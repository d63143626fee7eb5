/* parada.c — Ctrl+C en el laboratorio 10: con peticiones en curso, el programa cancela lo
 * que falta, cierra lo suyo y sale con 130 sin escribir resultados (tampoco el documento de
 * --json); bajo valgrind, sin memoria en uso al salir. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Lo difícil de la parada es cancelar peticiones que el servidor tiene retenidas (con
 * «&retraso=» no responde hasta pasados unos segundos) y cerrar después todo. Antes la señal
 * salía a ciegas, entre 1 y 1.5 s después de lanzar el programa: con la máquina cargada la
 * primera petición puede salir más tarde (en el 07, a los 1.7 s del lanzamiento con carga 14),
 * y entonces la señal llegaba antes de que hubiera nada que cancelar, o incluso antes de
 * senales_iniciar (y el sistema mataba a un programa correcto). Como sigint del 07 (la señal,
 * tras ver el segundo ciclo: la lenta, en curso) y del 11 (tras ver en el registro y en el
 * .parte que la descarga va), se espera una prueba de vida: cada escenario de la parada tiene
 * `rapidas` peticiones que el servidor responde enseguida y anota, lanzadas a la vez que las
 * lentas (y antes, en el orden de los argumentos y del archivo: también un programa que las
 * encadena tiene una lenta en curso). Tras ellas, 300–600 ms (para que las lentas lleguen) y
 * SIGINT; *t0, cuándo. Si en `max_ms` (con el reloj de los topes) no llegan, no se manda:
 * 0 y anotado. */
static int senal_con_retenidas(esc_t *e, int rapidas, int max_ms, const char *como, uint64_t *t0)
{
    const cal_peticion_t *v;
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    int hay = clima_registro_programa(e, &v);
    while (hay < rapidas && !plazo_vencido(&plazo) && !cal_termino(e->p)) {
        cal_esperar(20);
        hay = clima_registro_programa(e, &v);
    }
    if (hay < rapidas) {
        char fin[128];
        cal_obtenido("%sel servidor no vio llegar %s rápida%s en %.0f s (el programa %s): no "
                     "había peticiones en curso a las que mandar Ctrl+C (se lanzan todas a la vez, "
                     "requisito 1)",
                     como, rapidas == 1 ? "la petición" : "las peticiones", rapidas == 1 ? "" : "s",
                     max_ms / 1000.0, cal_describir_fin(e->p, fin, sizeof fin));
        cal_nota_salida(e->p, 8);
        return 0;
    }
    cal_esperar((int)cal_azar(300, 600));
    *t0 = cal_ahora_ms();
    cal_senal(e->p, SIGINT);
    return 1;
}

/* Cuántas peticiones del programa tenía el servidor retenidas al llegar la señal (t0): empezadas
 * antes y acabadas (cortadas o respondidas) después. Con el programa ya terminado: el servidor
 * anota cada una al cerrarse su conexión, así que se le da un momento. Si es 0, Ctrl+C no probó
 * nada (no había qué cancelar): lo anota con `como` delante y la verificación no pasa. */
static int retenidas_en(esc_t *e, uint64_t t0, const char *como)
{
    plazo_t plazo;
    plazo_empezar(&plazo, 1000);
    int k = 0, visto = 0;
    for (;;) {
        const cal_peticion_t *v;
        int n = clima_registro_programa(e, &v);
        k = 0;
        for (int i = 0; i < n; i++)
            if (v[i].inicio_ms < t0 && v[i].fin_ms >= t0)
                k++;
        if (visto || plazo_vencido(&plazo))
            break;
        if (k > 0) {
            visto = 1; /* una vuelta más: las demás se cierran a la vez */
            cal_esperar(150);
        } else {
            cal_esperar(20);
        }
    }
    if (k == 0)
        cal_obtenido("%ssalió bien, pero al llegar la señal el servidor no tenía ninguna de sus "
                     "peticiones en curso (las lentas tardan varios segundos y se lanzan a la vez "
                     "que las que ya habían respondido): Ctrl+C no canceló nada, y eso es lo "
                     "que se juzga",
                     como);
    return k;
}

/* Ctrl+C bajo valgrind: una ciudad por proveedor rápido (su petición, ya en el registro del
 * servidor, dice que el programa está en marcha) y otro lento en curso. Exige 130 y que, según
 * valgrind, no quede memoria en uso al salir: quien sale con exit() desde la callback, o deja
 * abiertas las señales (uv_loop_close falla), sale sin liberar. 1 o 0 (anotado). */
static int sigint_liberado(void)
{
    char retraso[48];
    clima_con_retraso(retraso, sizeof retraso, (int)cal_azar(15000, 20000), NULL);
    const prov_t provs[] = {{"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
                            {"b", "weatherapi", retraso, "current.temp_c", "C", ERROR}};
    esc_t e = {.ciudades = clima_dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 2};
    const char *op[] = {"-t", "30000", NULL};
    cal_nota("Bajo valgrind, con una petición lenta en curso:");
    uint64_t t0;
    if (clima_preparar(&e) < 0 || clima_lanzar(&e, op, 1, 60) < 0 ||
        !senal_con_retenidas(&e, 2, 30000, "bajo valgrind, ", &t0))
        return 0;
    char fin[128], motivo[300];
    if (!cal_esperar_fin(e.p, 15000) ||
        (cal_codigo(e.p) != 130 && cal_codigo(e.p) != CAL_CODIGO_VALGRIND)) {
        cal_obtenido("bajo valgrind, tras SIGINT: %s (se esperaba 130)",
                     cal_describir_fin(e.p, fin, sizeof fin));
        cal_nota_salida(e.p, 8);
        return 0;
    }
    int limpio = cal_valgrind_veredicto(e.p, motivo, sizeof motivo) &&
                 cal_codigo(e.p) != CAL_CODIGO_VALGRIND;
    if (!limpio) {
        cal_obtenido("bajo valgrind, tras SIGINT: %s", motivo);
        cal_valgrind_nota(e.p);
        return 0;
    }
    /* Cada «in use at exit:» del informe, con 0 bytes: memoria sin liberar, aunque siga
     * alcanzable. Todas, y alguna: el programa puede escribir en el descriptor de valgrind, así
     * que una línea suya «in use at exit: 0 bytes» no prueba nada (un adversario de la sesión
     * 29 la escribía y salía con exit(130): 100/100); la de valgrind, que va después, sí. */
    const char *uso = NULL, *vg = cal_valgrind(e.p);
    int lineas = 0;
    for (const char *r = strstr(vg, "in use at exit: "); r != NULL;
         r = strstr(r + 1, "in use at exit: ")) {
        lineas++;
        if (uso == NULL && strncmp(r + strlen("in use at exit: "), "0 bytes in 0 blocks", 19) != 0)
            uso = r;
    }
    if (uso != NULL || lineas == 0) {
        /* La línea de valgrind hasta su final (antes, 60 bytes cortaban la siguiente). */
        int largo = uso != NULL ? (int)strcspn(uso, "\n") : 1;
        cal_obtenido("salió con 130, pero sin cerrar ni liberar: según valgrind, «%.*s» al "
                     "salir. Tras Ctrl+C se cancela, se cierra todo (también las señales: si no, "
                     "uv_loop_close falla) y main devuelve 130; un exit() desde la callback no "
                     "cierra nada",
                     largo < 80 ? largo : 80, uso != NULL ? uso : "?");
        return 0;
    }
    return retenidas_en(&e, t0, "bajo valgrind, tras SIGINT, ") > 0;
}

/* El escenario de la parada: dos proveedores lentos (8–12 s) para las dos ciudades, salvo el
 * primero para la primera ciudad, que responde enseguida (la prueba de vida de
 * senal_con_retenidas): tres peticiones retenidas en el servidor al llegar la señal, y ninguna
 * ciudad completa. Es de quien llama (en la pila): esc_t apunta a sus proveedores. */
typedef struct {
    char retraso[48], retraso_solo[96];
    prov_t provs[2];
    esc_t e;
} lentas_t;

/* Lanza el programa con -t 20000 (y `extra`, si no es NULL) sobre el escenario de la parada y,
 * cuando sus peticiones lentas ya están en curso, le manda SIGINT; *t0, cuándo. 1, o 0 si no
 * se pudo lanzar o no llegó la rápida (anotado, con `como` delante). */
static int lentas_y_sigint(lentas_t *l, const char *extra, const char *como, uint64_t *t0)
{
    int ms = (int)cal_azar(8000, 12000);
    clima_con_retraso(l->retraso, sizeof l->retraso, ms, NULL);
    clima_con_retraso(l->retraso_solo, sizeof l->retraso_solo, ms, clima_dos_ciudades[1]);
    l->provs[0] =
        (prov_t){"a", "openmeteo", l->retraso_solo, "current_weather.temperature", "C", ERROR};
    l->provs[1] = (prov_t){"b", "weatherapi", l->retraso, "current.temp_c", "C", ERROR};
    l->e = (esc_t){.ciudades = clima_dos_ciudades, .nciudades = 2, .provs = l->provs, .nprovs = 2};
    const char *op[] = {"-t", "20000", extra, NULL};
    if (clima_preparar(&l->e) < 0 || clima_lanzar(&l->e, op, 0, 20) < 0)
        return 0;
    return senal_con_retenidas(&l->e, 1, 10000, como, t0);
}

/* Ctrl+C con --json: lo mismo, y sin documento. El JSON es de los resultados completos, y tras
 * Ctrl+C no hay ninguno: ni un documento a medias con las canceladas como errores, ni uno
 * vacío. 1 o 0 (anotado). */
static int sigint_json(void)
{
    lentas_t l;
    uint64_t t0;
    cal_nota("Con --json, tres peticiones lentas en curso:");
    if (!lentas_y_sigint(&l, "--json", "con --json, ", &t0))
        return 0;
    esc_t *e = &l.e;
    char fin[128];
    if (!cal_termino_en(e->p, t0, 2000) || cal_codigo(e->p) != 130 || cal_senal_mortal(e->p) != 0) {
        cal_obtenido("con --json, tras SIGINT: %s (se esperaba que saliera por su pie con 130)",
                     cal_describir_fin(e->p, fin, sizeof fin));
        cal_nota_salida(e->p, 8);
        return 0;
    }
    /* Solo el documento: una línea de otra cosa en stdout es un fallo de forma, que juzgan
     * salida_basica y salida_json. */
    const char *doc = strchr(cal_salida(e->p), '{');
    if (doc != NULL) {
        cal_obtenido("con --json, salió con 130 pero escribió un documento en stdout («%.120s»): "
                     "tras Ctrl+C no se escribe nada, tampoco el JSON (lo cancelado no es un "
                     "resultado, y ninguna ciudad llegó a completarse)",
                     doc);
        return 0;
    }
    return retenidas_en(e, t0, "con --json, ") > 0;
}

CAL_PRUEBA(sigint, 60)
static void sigint(void)
{
    cal_esperado("tres peticiones lentas (-t 20000) retenidas en el servidor y una rápida, que "
                 "ya respondió. Con SIGINT, el programa la atiende (no muere por la señal), "
                 "cancela y sale por su pie con código 130 en menos de 2 s, sin esperarlas. Lo "
                 "mismo con --json, sin escribir el documento; y bajo valgrind, tras SIGINT, 130 "
                 "sin memoria en uso al salir (todo cerrado y liberado). Cada vez, según el "
                 "registro del servidor, con alguna petición en curso al llegar la señal");
    lentas_t l;
    uint64_t t0;
    if (!lentas_y_sigint(&l, NULL, "", &t0))
        CAL_FIN(0);
    esc_t *e = &l.e;
    char fin[128];
    int termino = cal_termino_en(e->p, t0, 2000);
    int mortal = cal_senal_mortal(e->p);
    int ok = termino && cal_codigo(e->p) == 130 && mortal == 0;
    /* Un resultado de una cancelada empieza por su ciudad; una línea de otra cosa en stdout
     * es un fallo de forma, que juzga salida_basica. */
    int callada = !clima_hay_linea_de_ciudad(e);
    if (ok && !callada) {
        ok = 0;
        cal_obtenido("salió con 130, pero escribió resultados en stdout: una petición cancelada "
                     "no es un resultado (HTTP_E_CANCELADA), y ninguna ciudad llegó a "
                     "completarse");
    } else if (termino && mortal != 0)
        cal_obtenido("murió por la señal SIGINT %llu ms después de mandarla: el código 130 se "
                     "lo puso el sistema; el programa tiene que atenderla (senales_iniciar), "
                     "cancelar lo que está en curso, cerrar y devolver 130",
                     (unsigned long long)(cal_ahora_ms() - t0));
    else
        cal_obtenido("%s (a los %llu ms de SIGINT; se esperaba el código 130 en menos de 2 s)",
                     cal_describir_fin(e->p, fin, sizeof fin),
                     (unsigned long long)(cal_ahora_ms() - t0));
    if (!ok)
        cal_nota_salida(e->p, 8);
    else
        ok = retenidas_en(e, t0, "") > 0;
    CAL_FIN(ok && sigint_json() && sigint_liberado());
}
