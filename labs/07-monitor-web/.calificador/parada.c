/* parada.c — verificaciones de la parada del monitor: Ctrl+C y SIGTERM (cancelar, resumir y
 * salir con 0) y la media del RESUMEN, con cada tiempo respaldado por el servidor.
 */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ parada */

/* ¿El RESUMEN de `u` dice «media=-» (lo que toca sin ninguna verificación)? */
static int media_guion(const char *out, const char *u)
{
    char linea[1024], w[64];
    return cal_linea(out, "RESUMEN", u, 0, linea, sizeof linea) >= 0 &&
           cal_palabra(linea, 5, w, sizeof w) != NULL && strcmp(w, "media=-") == 0;
}

/* Comprueba que haya un RESUMEN por URL y que cuadre con sus líneas OK/FALLO (y, sin ninguna
 * verificación, con «media=-»). Con `sin_otros`, además, que no haya ninguno de otra URL (lo
 * juzga solo sigint: un RESUMEN de más es un fallo, no dos). */
static int resumen_coherente(const char *out, const char *const *urls, int n, int sin_otros,
                             char *informe, size_t tam)
{
    size_t u = 0;
    int ok = 1;
    informe[0] = '\0';
    for (int i = 0; i < n; i++) {
        int v = 0, c = 0, f = 0;
        int r = mon_leer_resumen(out, urls[i], &v, &c, &f);
        int oks = cal_contar(out, "OK", urls[i]), fallos = cal_contar(out, "FALLO", urls[i]);
        int w;
        if (r == -1) {
            w = snprintf(informe + u, tam - u, "%sfalta «RESUMEN %s …»", u ? "; " : "", urls[i]);
            ok = 0;
        } else if (r == -2) {
            char linea[512];
            cal_linea(out, "RESUMEN", urls[i], 0, linea, sizeof linea);
            w = snprintf(informe + u, tam - u, "%sRESUMEN mal formado: %s", u ? "; " : "", linea);
            ok = 0;
        } else if (cal_contar(out, "RESUMEN", urls[i]) != 1 || c != oks || f != fallos ||
                   v != c + f) {
            int resumenes = cal_contar(out, "RESUMEN", urls[i]);
            /* Una línea OK/FALLO después del RESUMEN es la de una comprobación cancelada al
             * parar: lo que sobra es esa línea, no la cuenta del RESUMEN. */
            char resumen_linea[1024], tras[1024] = "";
            int pos = cal_linea(out, "RESUMEN", urls[i], 0, resumen_linea, sizeof resumen_linea);
            for (int t = 0; t < 2 && tras[0] == '\0'; t++)
                for (int j = 0;; j++) {
                    int num =
                        cal_linea(out, t == 0 ? "OK" : "FALLO", urls[i], j, tras, sizeof tras);
                    if (num < 0) {
                        tras[0] = '\0';
                        break;
                    }
                    if (num > pos)
                        break;
                }
            if (resumenes == 1 && tras[0] != '\0')
                w = snprintf(informe + u, tam - u,
                             "%s%s: «%.200s» sale después de su RESUMEN (una comprobación "
                             "cancelada al parar no se imprime ni cuenta)",
                             u ? "; " : "", urls[i], tras);
            else if (resumenes != 1)
                w = snprintf(informe + u, tam - u,
                             "%s%s: líneas RESUMEN, %d (tiene que haber una sola por URL)",
                             u ? "; " : "", urls[i], resumenes);
            else
                w = snprintf(informe + u, tam - u,
                             "%s%s: RESUMEN dice comprobaciones=%d correctas=%d fallos=%d, pero "
                             "hubo %d OK y %d FALLO",
                             u ? "; " : "", urls[i], v, c, f, oks, fallos);
            ok = 0;
        } else if (v == 0 && !media_guion(out, urls[i])) {
            char linea[512];
            cal_linea(out, "RESUMEN", urls[i], 0, linea, sizeof linea);
            w = snprintf(informe + u, tam - u,
                         "%s%s: sin ninguna comprobación, la media es «media=-», no: %s",
                         u ? "; " : "", urls[i], linea);
            ok = 0;
        } else {
            w = snprintf(informe + u, tam - u, "%s%s: comprobaciones=%d correctas=%d fallos=%d",
                         u ? "; " : "", urls[i], v, c, f);
        }
        if (w > 0 && (size_t)w < tam - u)
            u += (size_t)w;
    }
    /* Y ninguno más que los de las URL dadas: un bucle que se pasa de la última lee un sitio
     * que no existe (el estudiante de prueba de la sesión 51 imprimía «RESUMEN (null) …», y solo
     * lo veía valgrind). Mutante: resumen_de_mas. */
    int de_las_dadas = 0;
    for (int i = 0; i < n && sin_otros; i++)
        de_las_dadas += cal_contar(out, "RESUMEN", urls[i]);
    for (int j = 0; sin_otros && de_las_dadas < cal_contar(out, "RESUMEN", NULL); j++) {
        char linea[512], url[400];
        if (cal_linea(out, "RESUMEN", NULL, j, linea, sizeof linea) < 0)
            break;
        int dada = 0;
        for (int i = 0; i < n && cal_palabra(linea, 1, url, sizeof url) != NULL; i++)
            dada |= strcmp(url, urls[i]) == 0;
        if (dada)
            continue;
        int w = snprintf(informe + u, tam - u,
                         "%s«%.200s»: un RESUMEN de una URL que no se dio (uno por cada URL de la "
                         "línea de comandos, ninguno más)",
                         u ? "; " : "", linea);
        if (w > 0 && (size_t)w < tam - u)
            u += (size_t)w;
        ok = 0;
        break;
    }
    return ok;
}

/* ¿La petición `v` es una de las cortadas al parar (acabó cortada después de la señal, enviada
 * en `senal_ms`)? No cuenta en el RESUMEN. */
static int cortada_al_parar(const cal_peticion_t *v, uint64_t senal_ms)
{
    return v->abortada && v->fin_ms + 50 >= senal_ms;
}

/* Comprueba que cada RESUMEN de `o` case con lo que el servidor atendió: las peticiones
 * registradas a esa URL, sin las cortadas al parar. Ni más (un recuento inventado) ni más de
 * una de menos (la que el servidor ya había terminado cuando llegó la señal puede no haberse
 * contado). Y el servidor terminó al menos una petición a las URL del programa (no a otra
 * ruta cualquiera): el programa corrió desde su lanzamiento hasta la señal, y el primer ciclo sale
 * al arrancar (un programa que solo espera la señal e imprime un RESUMEN de ceros no verificó
 * nada; uno que pide otra cosa, o una URL que nunca acaba, tampoco: un adversario de la sesión
 * 32, con una petición a /ping, cobraba sigint y sigterm). No se exige una a cada URL: uno que
 * las verifica de una en una no llega a la segunda detrás de una lenta, y eso ya lo paga
 * «concurrencia»; por eso la URL que acaba va primero. Devuelve 1, o 0 y lo anota (sustituye
 * a «Obtenido»). */
static int resumen_respaldado(cal_servidor_t *s, cal_proceso_t *p, const opaca_t *o, int n,
                              uint64_t senal_ms)
{
    int corrio_ms = (int)(senal_ms - cal_lanzado_ms(p));
    static cal_peticion_t v[MAX_PETICIONES];
    int terminadas = 0;
    for (int k = 0; k < n; k++) {
        int m = cal_registro_ruta(s, o[k].ruta, v, MAX_PETICIONES);
        for (int j = 0; j < m && j < MAX_PETICIONES; j++)
            terminadas += !cortada_al_parar(&v[j], senal_ms);
    }
    if (terminadas == 0) {
        cal_obtenido("el servidor no terminó ninguna petición a %s en los %d ms que corrió el "
                     "programa antes de la señal (las cortadas al parar no cuentan): el primer "
                     "ciclo sale al arrancar",
                     n == 1 ? "la URL" : "las URL", corrio_ms);
        cal_nota_salida(p, 10);
        return 0;
    }
    for (int k = 0; k < n; k++) {
        int vr = 0, c = 0, f = 0;
        int m = cal_registro_ruta(s, o[k].ruta, v, MAX_PETICIONES);
        if (m > MAX_PETICIONES)
            m = MAX_PETICIONES;
        if (mon_leer_resumen(cal_salida(p), o[k].url, &vr, &c, &f) < 0)
            continue; /* sin RESUMEN legible: ya lo dice resumen_coherente */
        int buenas = 0, malas = 0;
        for (int j = 0; j < m; j++) {
            if (cortada_al_parar(&v[j], senal_ms))
                continue;
            if (!v[j].abortada && v[j].estado < 400)
                buenas++;
            else
                malas++;
        }
        if (vr > buenas + malas || c > buenas || f > malas) {
            cal_obtenido(
                "«RESUMEN %s comprobaciones=%d correctas=%d fallos=%d» cuenta más de lo "
                "que el servidor atendió: registró %d %s a esa URL "
                "(correctas: %d; fallidas: %d; las canceladas al parar no cuentan)",
                o[k].url, vr, c, f, buenas + malas,
                texto_plural(buenas + malas, "petición terminada", "peticiones terminadas"), buenas,
                malas);
            cal_nota_salida(p, 10);
            return 0;
        }
        if (vr + 1 < buenas + malas) {
            cal_obtenido(
                "«RESUMEN %s comprobaciones=%d …» cuenta menos de lo que el servidor "
                "atendió: registró %d %s a esa URL antes de parar (correctas: %d; "
                "fallidas: %d; solo la última puede no haberse contado)",
                o[k].url, vr, buenas + malas,
                texto_plural(buenas + malas, "petición terminada", "peticiones terminadas"), buenas,
                malas);
            cal_nota_salida(p, 10);
            return 0;
        }
    }
    return 1;
}

CAL_PRUEBA(sigint, 20)
static void sigint(void)
{
    cal_esperado(
        "con -i 4000 y SIGINT tras el segundo ciclo (el segundo OK de la URL rápida, y "
        "0.3 s más): código 0 en menos de 2 s, sin esperar al ciclo siguiente (la "
        "petición a la URL lenta, opaca, que tarda 10 s, se cancela; en el segundo ciclo "
        "es una OMITIDA, que no cuenta en su RESUMEN). Una línea RESUMEN por URL que cuadre con "
        "sus OK/FALLO y con lo que "
        "registró el servidor (que vio alguna petición), ninguna petición nueva después "
        "de la señal y cada handle cerrado por la parada");
    /* La rápida primero: uno que verifica de una en una también la termina (resumen_respaldado
     * exige una petición terminada), y la lenta está en curso al llegar la señal. */
    opaca_t o[] = {{.guion = SIEMPRE(200)}, {.guion = TARDA(10000)}};
    cal_servidor_t *s = mon_servidor_opaco(o, 2);
    if (s == NULL)
        CAL_FIN(0);
    const char *rapida = o[0].url, *lenta = o[1].url;
    /* Con -i 4000, la señal llega entre dos ciclos: quien solo apunta «parar» y para en el
     * siguiente tic sale a los 4 s (el estudiante de prueba de la sesión 29; con -i 300 no se
     * notaba y sacaba 100/100). La parada no espera a nada. */
    const char *args[] = {"-i", "4000", "-t", "20000", rapida, lenta, NULL};
    cal_proceso_t *p = mon_lanzar_vigilando_cierre(s, args, 14);
    if (p == NULL)
        CAL_FIN(0);
    /* La señal, con el segundo ciclo ya hecho (a los 4 s): la lenta sigue en curso, así que ese
     * ciclo da una OMITIDA, que el RESUMEN no cuenta (el estudiante de prueba de la sesión 32 la
     * sumaba a comprobaciones y a fallos y sacaba 100/100: ningún RESUMEN juzgado tenía una
     * OMITIDA antes). Un ciclo tardío (lo juzga «intervalo») no deja a esta verificación sin
     * nada que parar: si la OMITIDA no llega, se para igual. */
    mon_esperar(p, "OK", rapida, 1, 6000);
    mon_esperar(p, "OK", rapida, 2, 5000);
    mon_esperar(p, "OMITIDA", lenta, 1, 300);
    cal_esperar(300);
    char fin[256];
    if (cal_termino(p)) {
        cal_obtenido("el programa ya había terminado antes de la señal: %s",
                     cal_describir_fin(p, fin, sizeof fin));
        cal_nota_salida(p, 10);
        CAL_FIN(0);
    }
    uint64_t senal = cal_ahora_ms();
    cal_senal(p, SIGINT);
    int termino = cal_termino_en(p, senal, 2000);
    cal_describir_fin(p, fin, sizeof fin);
    long tardo = termino ? (long)(cal_terminado_ms(p) - senal) : -1;
    const cal_peticion_t *v;
    int n = cal_registro(s, &v), despues = 0;
    for (int i = 0; i < n; i++)
        if (v[i].inicio_ms > senal + 150)
            despues++;
    const char *urls[] = {rapida, lenta};
    char resumen[2048];
    int coherente = resumen_coherente(cal_salida(p), urls, 2, 1, resumen, sizeof resumen);
    int ok = termino && cal_codigo(p) == 0 && coherente && despues == 0;
    if (termino)
        cal_obtenido("%s a los %ld ms de la señal; %s; %d %s después de la señal", fin, tardo,
                     resumen, despues, texto_plural(despues, "petición", "peticiones"));
    else
        cal_obtenido("a los 2 s de SIGINT el programa %s; %s", fin, resumen);
    /* Un código distinto de 0 tras la parada suele ser uv_loop_close que no da 0: qué handle
     * quedó sin cerrar lo sabe la precarga (el estudiante de prueba de la sesión 51, bug02:
     * uv_timer_stop sin uv_close, y el informe solo decía «código 1»). */
    if (termino && cal_codigo(p) != 0) {
        char abiertos[1024];
        int k = cal_sin_cerrar(p, abiertos, sizeof abiertos);
        if (k > 0)
            cal_nota("Al volver uv_run %s %d %s sin uv_close (uv_loop_close no da 0 "
                     "mientras quede alguno):\n%s",
                     k == 1 ? "quedaba" : "quedaban", k, texto_plural(k, "handle", "handles"),
                     abiertos);
    }
    cal_esperar(150); /* el servidor anota la petición cancelada al ver cerrarse la conexión */
    int pruebas = mon_con_pruebas(s, p, o, 2, COMPLETAS) && resumen_respaldado(s, p, o, 2, senal);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    /* Y en orden: un exit(0) desde la callback de la señal, o un handle que cierra la red de
     * seguridad, sale con 0 y la misma salida, pero no es la parada que pide el enunciado. */
    if (ok && pruebas &&
        !cal_parada_cerro_todo(p, "el temporizador, el cliente HTTP con http_cliente_cerrar y "
                                  "los handles de las señales con senales_cerrar"))
        CAL_FIN(0);
    CAL_FIN(ok && pruebas);
}

/* ¿Empieza cada línea no vacía de `out` por una de las seis palabras de los sucesos? Si no, 0 y
 * la primera que no, en `mala`. Un «Vigilando 3 URL…» al arrancar o un «Parando…» en la
 * callback de la señal, en stdout, pasaban todas las verificaciones: cada una busca solo sus
 * líneas (auditoría de la sesión 98). */
static int solo_sucesos(const char *out, char *mala, size_t tam)
{
    static const char *const palabras[] = {"OK",      "FALLO",   "ALERTA",
                                           "OMITIDA", "RESUMEN", "RECUPERADO"};
    const char *c = out;
    while (*c != '\0') {
        const char *fin = strchr(c, '\n');
        size_t largo = fin != NULL ? (size_t)(fin - c) : strlen(c);
        char linea[1024], primera[32];
        snprintf(linea, sizeof linea, "%.*s",
                 (int)(largo < sizeof linea ? largo : sizeof linea - 1), c);
        c += largo + (fin != NULL);
        if (cal_palabra(linea, 0, primera, sizeof primera) == NULL)
            continue;
        int conocida = 0;
        for (size_t i = 0; i < CAL_CUANTOS(palabras) && !conocida; i++)
            conocida = strcmp(primera, palabras[i]) == 0;
        if (!conocida) {
            snprintf(mala, tam, "%.200s", linea);
            return 0;
        }
    }
    return 1;
}

CAL_PRUEBA(sigterm, 20)
static void sigterm(void)
{
    cal_esperado("tres URL opacas: dos siempre 200 y una que da 503 tres veces y después 200. "
                 "Con SIGTERM a los 0.8 s del primer ciclo (o tras el RECUPERADO de la tercera), "
                 "código 0 en menos de 2 s y una línea RESUMEN por URL, en el orden de la línea "
                 "de comandos, que cuadre con sus líneas OK y FALLO y con lo que registró el "
                 "servidor, que vio al menos una petición. Y en stdout, solo líneas de sucesos "
                 "(OK, FALLO, ALERTA, RECUPERADO, OMITIDA, RESUMEN)");
    /* La tercera falla tres veces y se recupera: la única URL con RESUMEN juzgado que mezcla OK y
     * FALLO. En sigint y resumen_media cada URL o acaba siempre bien o siempre mal, y un
     * RESUMEN con «fallos» mal contado (sin sumar en una rama, o a 0 al recuperarse) sacaba 100
     * (auditoría de la sesión 98). */
    opaca_t o[] = {{.guion = SIEMPRE(200)}, {.guion = SIEMPRE(200)}, {.guion = FALLA_Y_VUELVE(3)}};
    cal_servidor_t *s = mon_servidor_opaco(o, 3);
    if (s == NULL)
        CAL_FIN(0);
    const char *u = o[0].url;
    /* -t 1000, por lo mismo que en alerta_tres_fallos (con 100 ms por omisión). */
    const char *args[] = {"-i", "200", "-t", "1000", u, o[1].url, o[2].url, NULL};
    cal_proceso_t *p = mon_lanzar(s, args, 12, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* 0.8 s desde el primer ciclo (el arranque no cuenta: ARRANQUE_MS), y el RECUPERADO de la
     * tercera (su cuarto ciclo, a los 0.6 s; con la máquina cargada, algo después). Quien no lo
     * imprime (eso es de «recuperacion») recibe la señal 3 s después. */
    mon_primer_ciclo(p, NULL);
    mon_mirar(800);
    mon_esperar(p, "RECUPERADO", o[2].url, 1, 3000);
    char fin[256];
    int vivo = !cal_termino(p);
    uint64_t senal = cal_ahora_ms();
    cal_senal(p, SIGTERM);
    int termino = cal_termino_en(p, senal, 2000);
    cal_describir_fin(p, fin, sizeof fin);
    const char *urls[] = {u, o[1].url, o[2].url};
    char resumen[2048];
    int coherente = resumen_coherente(cal_salida(p), urls, 3, 0, resumen, sizeof resumen);
    /* El orden: el de la línea de comandos (la primera URL, la primera). */
    char l0[1024], l1[1024];
    int pos0 = cal_linea(cal_salida(p), "RESUMEN", u, 0, l0, sizeof l0);
    int pos1 = cal_linea(cal_salida(p), "RESUMEN", o[1].url, 0, l1, sizeof l1);
    int en_orden = pos0 < 0 || pos1 < 0 || pos0 < pos1;
    char mala[256] = "";
    int sucesos = solo_sucesos(cal_salida(p), mala, sizeof mala);
    int ok = vivo && termino && cal_codigo(p) == 0 && coherente && en_orden && sucesos;
    cal_obtenido("%s%s; %s%s%s%s%s", vivo ? "" : "ya había terminado antes de la señal: ", fin,
                 resumen,
                 en_orden ? ""
                          : "; las líneas RESUMEN no van en el orden de la línea de comandos (la "
                            "de la segunda URL sale antes que la de la primera)",
                 sucesos ? "" : "; en stdout, «", mala,
                 sucesos ? ""
                         : "», que no es una línea de suceso: stdout es solo para OK, FALLO, "
                           "ALERTA, RECUPERADO, OMITIDA y RESUMEN (los avisos, a stderr)");
    cal_esperar(150);
    int pruebas = mon_con_pruebas(s, p, o, 3, COMPLETAS) && resumen_respaldado(s, p, o, 3, senal);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}

/* Suma de los <ms> de las líneas OK/FALLO de `u` en *suma; devuelve cuántas hay. Solo las
 * de antes de su RESUMEN: lo que llega después (una cancelada que sale como FALLO, p. ej.)
 * ya no puede estar en la media, y ese fallo lo juzga «sigint». */
static int tiempos_de(const char *salida, const char *u, long *suma)
{
    static const char *tipos[] = {"OK", "FALLO"};
    char resumen[1024];
    int hasta = cal_linea(salida, "RESUMEN", u, 0, resumen, sizeof resumen);
    int n = 0;
    *suma = 0;
    for (int t = 0; t < 2; t++)
        for (int i = 0;; i++) {
            char linea[1024], w[64], *fin = NULL;
            int num = cal_linea(salida, tipos[t], u, i, linea, sizeof linea);
            if (num < 0 || (hasta >= 0 && num > hasta))
                break;
            long ms = cal_palabra(linea, 3, w, sizeof w) != NULL ? strtol(w, &fin, 10) : -1;
            if (fin != NULL && fin != w && *fin == '\0' && ms >= 0) {
                *suma += ms;
                n++;
            }
        }
    return n;
}

/* Guion de una ruta que responde `estado` tras retrasos distintos en cada petición (para que
 * los <ms> impresos varíen y su media no sea entera). */
static void variados(char *buf, size_t tam, int estado, const int *retrasos, int n)
{
    size_t u = (size_t)snprintf(buf, tam, "\"pasos\": [");
    for (int i = 0; i < n && u < tam; i++) {
        int w = snprintf(buf + u, tam - u, "%s{\"estado\": %d, \"retraso_ms\": %d}",
                         i > 0 ? ", " : "", estado, retrasos[i]);
        if (w > 0)
            u += (size_t)w;
    }
    if (u < tam)
        snprintf(buf + u, tam - u, "], \"despues\": {\"estado\": %d, \"retraso_ms\": 17}", estado);
}

CAL_PRUEBA(resumen_media, 20)
static void resumen_media(void)
{
    cal_esperado(
        "en cada «RESUMEN <url> … media=<x> ms», <x> con un decimal y igual (±0.55 ms) a "
        "la media de los <ms> de las líneas OK y FALLO de esa URL, y cada <ms> medido de "
        "verdad: entre lo que tardó su petición en el servidor y lo que pasó hasta verse "
        "la línea. Cada línea sale en cuanto ocurre (como mucho 2 s después). Son tres URL "
        "opacas, una que falla, con tiempos al azar en cada "
        "petición (unos cortos y otros de 120 a 220 ms), y una cuarta que nunca responde "
        "(cada comprobación se agota con -t: FALLO con estado 0, que cuenta como cualquiera). "
        "SIGINT llega cuando alguna de las opacas tiene una media con una parte decimal de 0.6 "
        "o más");
    /* Retrasos nuevos en cada calificación (el calificador se puede leer: fijos, se sabrían de
     * antemano), mezcla de cortos y largos para que un <ms> inventado no case con todos. */
    int r[3][16];
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 16; i++) {
            r[k][i] = cal_azar(0, 1) == 0 ? (int)cal_azar(3, 40) : (int)cal_azar(120, 220);
        }
    static char ga[1024], gb[1024], gc[1024];
    variados(ga, sizeof ga, 200, r[0], 16);
    variados(gb, sizeof gb, 503, r[1], 16);
    variados(gc, sizeof gc, 200, r[2], 16);
    /* La cuarta nunca responde a tiempo (tarda 5 s, con -t 290): sus FALLO (estado 0, unos
     * 290 ms) cuentan en el RESUMEN y en la media como los demás (el estudiante de prueba de la
     * sesión 29: uno que no contaba los tiempos agotados, y otro que los dejaba fuera de la
     * suma, sacaban 100/100). Es del servidor de práctica, y no un puerto mudo, para que su
     * <ms> también se coteje con lo que duró la petición cortada (el de la sesión 32 imprimía
     * «0 ms» en cada FALLO sin respuesta, y su media 0.0, y sacaba 100/100). */
    opaca_t o[] = {{.guion = ga}, {.guion = gb}, {.guion = gc}, {.guion = TARDA(5000)}};
    cal_servidor_t *s = mon_servidor_opaco(o, 4);
    if (s == NULL)
        CAL_FIN(0);
    const char *sin_respuesta = o[3].url;
    const char *args[] = {"-i",     "300",    "-t",          "290", o[0].url,
                          o[1].url, o[2].url, sin_respuesta, NULL};
    cal_proceso_t *p = mon_lanzar(s, args, 12, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Se para justo después de una línea que deja la media de su URL con decimales ≥ 0,6: la
     * siguiente de esa URL no llega hasta el ciclo siguiente, así que su media ya no cambia. */
    int propicio = 0;
    mon_primer_ciclo(p, NULL); /* los 4 s, desde el primer ciclo (ARRANQUE_MS) */
    for (uint64_t fin = cal_ahora_ms() + 4000;
         !propicio && !cal_termino(p) && cal_ahora_ms() < fin;) {
        cal_esperar(5);
        for (int k = 0; k < 3 && !propicio; k++) {
            long suma = 0;
            int n = tiempos_de(cal_salida(p), o[k].url, &suma);
            propicio = n >= 3 && (suma % n) * 10 >= 6L * n;
        }
    }
    /* Aquí solo se juzga la media: si SIGINT no lo para (eso lo juzga «sigint»), SIGTERM. */
    uint64_t corrio = cal_ahora_ms() - cal_lanzado_ms(p);
    cal_senal(p, SIGINT);
    if (!cal_esperar_fin(p, 1000))
        cal_senal(p, SIGTERM);
    cal_esperar_fin(p, 1500);
    cal_esperar(150);
    const char *out = cal_salida(p);
    char informe[2048];
    size_t u = 0;
    int ok = 1;
    for (int k = 0; k < 4; k++) {
        long suma = 0;
        const char *url = k < 3 ? o[k].url : sin_respuesta;
        int n = tiempos_de(out, url, &suma);
        /* La 4.ª sin ninguna línea: nunca se agotó su -t (eso lo juzga
         * «limite_por_verificacion»); aquí no hay media que juzgar. */
        if (k == 3 && n == 0)
            continue;
        char linea[1024], w[64] = "";
        int w_;
        const char *nombre = k == 0   ? "la 1.ª"
                             : k == 1 ? "la 2.ª (falla)"
                             : k == 2
                                 ? "la 3.ª"
                                 : "la 4.ª (nunca responde: FALLO con estado 0 al agotarse -t)";
        if (cal_linea(out, "RESUMEN", url, 0, linea, sizeof linea) < 0) {
            w_ = snprintf(informe + u, sizeof informe - u, "%s%s: ninguna línea RESUMEN",
                          u > 0 ? "; " : "", nombre);
            ok = 0;
        } else {
            char *fin = NULL;
            const char *x =
                cal_palabra(linea, 5, w, sizeof w) != NULL && strncmp(w, "media=", 6) == 0 ? w + 6
                                                                                           : NULL;
            double media = x != NULL ? strtod(x, &fin) : -1;
            const char *punto = x != NULL ? strchr(x, '.') : NULL;
            int forma = x != NULL && fin != x && *fin == '\0' && punto != NULL &&
                        strlen(punto) == 2 && strspn(x, "0123456789") == (size_t)(punto - x) &&
                        punto > x && punto[1] >= '0' && punto[1] <= '9';
            double esperada = n > 0 ? (double)suma / n : 0;
            /* Sin ninguna línea OK/FALLO, «media=-» sería lo correcto, pero no cabe aquí: cada
             * URL se verifica al arrancar y cada 300 ms, y la señal llega cuando alguna ya tiene
             * 3 tiempos (o a los 4 s): un programa que no verifica nada no juzga ninguna media. */
            int bien = n > 0 && forma && media - esperada <= 0.55 + 1e-9 &&
                       esperada - media <= 0.55 + 1e-9;
            if (n > 0)
                w_ = snprintf(informe + u, sizeof informe - u,
                              "%s%s: %s; la media de sus tiempos (%d) es %.2f%s", u > 0 ? "; " : "",
                              nombre, w, n, esperada,
                              bien    ? ""
                              : forma ? " (no cuadra)"
                                      : " (se esperaba «media=<x>» con un decimal)");
            else
                w_ = snprintf(informe + u, sizeof informe - u,
                              "%s%s: %s sin ninguna línea OK ni FALLO, y el programa corrió %.1f s "
                              "(con -i 300, una comprobación al arrancar y otra cada 300 ms)",
                              u > 0 ? "; " : "", nombre, w, (double)corrio / 1000);
            ok &= bien;
        }
        if (w_ > 0 && (size_t)w_ < sizeof informe - u)
            u += (size_t)w_;
    }
    cal_obtenido("%s", informe);
    int pruebas = mon_con_pruebas(s, p, o, 4, TIEMPOS);
    if (!ok && pruebas)
        cal_nota_salida(p, 8);
    CAL_FIN(ok && pruebas);
}
