/* ciclos.c — verificaciones del funcionamiento del monitor: estado y tiempo de cada línea,
 * concurrencia, ritmo de los ciclos, alertas y recuperación, duplicados, límite de tiempo y
 * el sitio inalcanzable.
 */
#define _GNU_SOURCE /* accept4 */
#include <criterion/criterion.h>

#include "comun.h"
#include "curso/errores.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------------ funcionamiento */

/* Comprueba que la primera línea de `u` sea «<tipo> <u> <estado> <n> ms…». */
static int linea_correcta(const char *salida, const char *u, const char *tipo, int estado,
                          char *informe, size_t tam)
{
    char linea[1024], w[4][64];
    const char *otro = strcmp(tipo, "OK") == 0 ? "FALLO" : "OK";
    if (cal_linea(salida, tipo, u, 0, linea, sizeof linea) < 0) {
        char otra[1024];
        if (cal_linea(salida, otro, u, 0, otra, sizeof otra) >= 0)
            snprintf(informe, tam, "para %s se esperaba %s y se imprimió: %s", u, tipo, otra);
        else
            snprintf(informe, tam, "ninguna línea «%s %s …»", tipo, u);
        return 0;
    }
    char *fin = NULL;
    int ok = cal_palabra(linea, 2, w[0], sizeof w[0]) != NULL &&
             cal_palabra(linea, 3, w[1], sizeof w[1]) != NULL &&
             cal_palabra(linea, 4, w[2], sizeof w[2]) != NULL && strcmp(w[2], "ms") == 0 &&
             strtol(w[0], &fin, 10) == estado && *fin == '\0';
    long ms = ok ? strtol(w[1], &fin, 10) : -1;
    ok = ok && *fin == '\0' && ms >= 0 && ms < 60000;
    /* Un FALLO dice por qué: sin <motivo> («… 503 2 ms» y nada más) la línea está incompleta. */
    if (ok && strcmp(tipo, "FALLO") == 0 && cal_palabra(linea, 5, w[3], sizeof w[3]) == NULL) {
        snprintf(informe, tam,
                 "línea sin <motivo> (se esperaba «FALLO %s %d <ms> ms <motivo>»): %s", u, estado,
                 linea);
        return 0;
    }
    if (ok && cal_contar(salida, otro, u) > 0) {
        snprintf(informe, tam, "%s también tiene líneas %s (el estado %d es siempre %s)", u, otro,
                 estado, tipo);
        return 0;
    }
    if (!ok)
        snprintf(informe, tam, "línea mal formada (se esperaba «%s %s %d <ms> ms»): %s", tipo, u,
                 estado, linea);
    else
        snprintf(informe, tam, "bien: %s", linea);
    return ok;
}

/* Comprueba que el <ms> de la primera línea OK/FALLO de `o` se parezca a lo que tardó en el
 * servidor su primera petición: a menos de 150 ms o de la mitad de esa duración (lo que sea
 * más). El cliente mide un poco más que el servidor (conexión, cola), nunca una fracción. */
static int tiempo_creible(cal_servidor_t *s, const char *salida, const opaca_t *o, char *informe,
                          size_t tam)
{
    char linea[1024], w[64];
    if (cal_linea(salida, "OK", o->url, 0, linea, sizeof linea) < 0 &&
        cal_linea(salida, "FALLO", o->url, 0, linea, sizeof linea) < 0) {
        snprintf(informe, tam, "ninguna línea OK/FALLO de %s", o->url);
        return 0;
    }
    cal_peticion_t v[4];
    int n = cal_registro_ruta(s, o->ruta, v, 4);
    char *fin = NULL;
    long ms = cal_palabra(linea, 3, w, sizeof w) != NULL ? strtol(w, &fin, 10) : -1;
    if (fin == NULL || fin == w || *fin != '\0' || ms < 0) {
        snprintf(informe, tam, "sin tiempo en ms legible: %s", linea);
        return 0;
    }
    if (n <= 0) {
        snprintf(informe, tam, "«%s», pero el servidor no registró ninguna petición a esa URL",
                 linea);
        return 0;
    }
    long d = (long)(v[0].fin_ms - v[0].inicio_ms);
    long margen = d / 2 > 150 ? d / 2 : 150;
    int ok = ms >= d - margen && ms <= d + margen;
    snprintf(informe, tam, "%s (el servidor tardó %ld ms; se admite de %ld a %ld ms)%s", linea, d,
             d - margen > 0 ? d - margen : 0, d + margen,
             ok ? "" : ": el tiempo no es el de la petición");
    return ok;
}

CAL_PRUEBA(registra_estado, 20)
static void registra_estado(void)
{
    cal_esperado(
        "«OK <url> 200 <ms> ms», «FALLO <url> 404 <ms> ms <motivo>», "
        "«FALLO <url> 503 <ms> ms <motivo>», «OK <url> 200 <ms> ms», «FALLO <url> 400 "
        "<ms> ms <motivo>» y «OK <url> 301 <ms> ms». Son seis URL opacas que responden "
        "siempre 200, 404, 503, 200 tras 0.6 s, 400 y 301 (la del 404 se da como «/v/…», "
        "larga, y se imprime completa, con el servidor de CURSO_SERVIDOR). Cada línea está "
        "respaldada por una petición en el registro del servidor, y cada <ms> se parece "
        "a lo que tardó esa petición en el servidor (±50 %% o ±150 ms, lo que sea más). "
        "Ninguna OMITIDA: con -i 2000 ninguna comprobación sigue en curso al llegar el ciclo "
        "siguiente. Y otro monitor al lado, sin CURSO_SERVIDOR en su entorno, con «/status/200»: "
        "la completa con la dirección por omisión de practica_url() y da una línea OK, FALLO o "
        "RESUMEN de " MON_URL_OMISION "/status/200");
    /* La del 404 («/v/…», completada con CURSO_SERVIDOR) es larga: más de 150 bytes. */
    opaca_t o[] = {{.guion = SIEMPRE(200)}, {.guion = SIEMPRE(404), .larga = 1},
                   {.guion = SIEMPRE(503)}, {.guion = TARDA(600)},
                   {.guion = SIEMPRE(400)}, {.guion = SIEMPRE(301)}};
    cal_servidor_t *s = mon_servidor_opaco(o, 6);
    if (s == NULL)
        CAL_FIN(0);
    const char *u200 = o[0].url, *u404 = o[1].url, *u503 = o[2].url, *lenta = o[3].url;
    /* Sin -t: con -i 2000 el límite por omisión (1 s) deja tiempo de sobra a la lenta. El 400
     * (el borde de «400 o más») y el 301 (un 3xx es correcto) separan «>= 400» de «> 400» y
     * de «solo 200»; la ruta «/v/…» se completa con practica_url(). */
    const char *args[] = {"-i", "2000", u200, o[1].ruta, u503, lenta, o[4].url, o[5].url, NULL};
    cal_proceso_t *p = mon_lanzar(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Al lado, sin CURSO_SERVIDOR: practica_url() da entonces su dirección por omisión, donde en
     * la red de la verificación nadie escucha (un FALLO con estado 0). Completar a mano con
     * getenv("CURSO_SERVIDOR") da lo mismo con la variable puesta y aquí nada (o «(null)»). Vale
     * cualquier línea de esa URL, también su RESUMEN: quien no imprime la conexión rechazada o se
     * la deja en el búfer de stdout hasta salir lo pierde en las verificaciones de eso, no aquí. */
    const char *lado_args[] = {"-i", "2000", "/status/200", NULL};
    cal_proceso_t *lado = mon_lanzar_sin_variable(lado_args, 8);
    if (lado == NULL)
        CAL_FIN(0);
    /* El primer ciclo, llegue cuando llegue (si tarda, eso lo juzga «intervalo»). */
    mon_esperar(p, "OK", u200, 1, ARRANQUE_MS);
    mon_esperar(p, "OK", lenta, 1, 2000);
    mon_esperar(p, "FALLO", u503, 1, 500);
    mon_esperar(lado, "FALLO", MON_URL_OMISION "/status/200", 1, 500);
    cal_esperar(100);
    mon_parar(p, 2000);
    mon_parar(lado, 2000);
    const char *de_lado = cal_salida(lado);
    int lineas_lado = cal_contar(de_lado, "OK", MON_URL_OMISION "/status/200") +
                      cal_contar(de_lado, "FALLO", MON_URL_OMISION "/status/200") +
                      cal_contar(de_lado, "RESUMEN", MON_URL_OMISION "/status/200");
    const char *out = mon_salida(p);
    /* Ninguna OMITIDA: la lenta tarda 0.6 s y el intervalo es de 2 s. Un ciclo de más al
     * arrancar (el temporizador y además una llamada a mano) las da aquí. */
    int omitidas = cal_contar(out, "OMITIDA", NULL);
    char i[6][1200];
    int ok = linea_correcta(out, u200, "OK", 200, i[0], sizeof i[0]);
    ok &= linea_correcta(out, u404, "FALLO", 404, i[1], sizeof i[1]);
    ok &= linea_correcta(out, u503, "FALLO", 503, i[2], sizeof i[2]);
    ok &= linea_correcta(out, lenta, "OK", 200, i[3], sizeof i[3]);
    ok &= linea_correcta(out, o[4].url, "FALLO", 400, i[4], sizeof i[4]);
    ok &= linea_correcta(out, o[5].url, "OK", 301, i[5], sizeof i[5]);
    int tiempos = 1;
    char t[6][1200];
    for (int k = 0; k < 6; k++)
        tiempos &= tiempo_creible(s, out, &o[k], t[k], sizeof t[k]);
    if (ok && tiempos && omitidas > 0)
        cal_obtenido("%d %s OMITIDA, y con -i 2000 ninguna comprobación seguía en curso (la "
                     "más lenta tarda 0.6 s): ¿se lanzó un ciclo de más al arrancar, el del "
                     "temporizador y otro a mano?",
                     omitidas, texto_plural(omitidas, "línea", "líneas"));
    else if (ok && tiempos && lineas_lado == 0) {
        char fin[256];
        cal_obtenido("el monitor sin CURSO_SERVIDOR en su entorno no dio ninguna línea OK, FALLO "
                     "ni RESUMEN de %s/status/200; %s. Una URL que empieza por «/» se completa "
                     "con practica_url(), que sin la variable da %s (no con "
                     "getenv(\"CURSO_SERVIDOR\"))",
                     MON_URL_OMISION, cal_describir_fin(lado, fin, sizeof fin), MON_URL_OMISION);
    } else if (ok && tiempos)
        cal_obtenido("las seis líneas con el formato y el estado correctos y un tiempo "
                     "creíble; la lenta: %s",
                     t[3]);
    else if (ok)
        cal_obtenido("formato y estados bien, pero algún tiempo no casa con lo que tardó el "
                     "servidor:\n%s\n%s\n%s\n%s\n%s\n%s",
                     t[0], t[1], t[2], t[3], t[4], t[5]);
    else
        cal_obtenido("%s\n%s\n%s\n%s\n%s\n%s", i[0], i[1], i[2], i[3], i[4], i[5]);
    int pruebas = mon_con_pruebas(s, p, o, 6, 0);
    if (!(ok && tiempos) && pruebas)
        cal_nota_salida(p, 12);
    else if (ok && tiempos && omitidas == 0 && lineas_lado == 0)
        cal_nota_salida(lado, 6);
    CAL_FIN(ok && tiempos && omitidas == 0 && lineas_lado > 0 && pruebas);
}

/* URLs de «concurrencia»: más que los topes que se ponen al cliente (http_cliente_nuevo con
 * max_simultaneas = 4, el del limitador de la lección 4, u 8, un número redondo): con uno, la
 * siguiente espera a que acabe una. Con seis, un tope de 8 sacaba 100 (mutante tope_8). */
#define CONCURRENTES 12

CAL_PRUEBA(concurrencia, 20)
static void concurrencia(void)
{
    cal_esperado("que las doce peticiones del primer ciclo (doce URL opacas que tardan 0.6 s) "
                 "estén en curso a la vez en el servidor (la última en empezar lo hace antes de "
                 "que termine ninguna), llegue ese ciclo cuando llegue");
    opaca_t o[CONCURRENTES];
    const char *rutas[CONCURRENTES];
    const char *args[CONCURRENTES + 3] = {"-i", "3000"};
    for (int i = 0; i < CONCURRENTES; i++)
        o[i] = (opaca_t){.guion = TARDA(600)};
    cal_servidor_t *s = mon_servidor_opaco(o, CONCURRENTES);
    if (s == NULL)
        CAL_FIN(0);
    for (int i = 0; i < CONCURRENTES; i++) {
        rutas[i] = o[i].ruta;
        args[2 + i] = o[i].url;
    }
    args[2 + CONCURRENTES] = NULL;
    cal_proceso_t *p = mon_lanzar(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Se espera al primer ciclo aunque tarde (el ritmo de los ciclos lo juzga «intervalo»):
     * aquí solo importa si sus peticiones van a la vez. */
    mon_esperar(p, "OK", NULL, 1, ARRANQUE_MS);
    mon_esperar(p, "OK", NULL, CONCURRENTES, 2600);
    cal_esperar(100);
    mon_parar(p, 2000);

    cal_peticion_t v[CONCURRENTES][4];
    int n[CONCURRENTES];
    uint64_t ultimo_inicio = 0, primer_fin = UINT64_MAX, origen = UINT64_MAX;
    int faltan = 0;
    for (int i = 0; i < CONCURRENTES; i++) {
        n[i] = cal_registro_ruta(s, rutas[i], v[i], 4);
        if (n[i] == 0) {
            faltan++;
            continue;
        }
        if (v[i][0].inicio_ms > ultimo_inicio)
            ultimo_inicio = v[i][0].inicio_ms;
        if (v[i][0].fin_ms < primer_fin)
            primer_fin = v[i][0].fin_ms;
        if (v[i][0].inicio_ms < origen)
            origen = v[i][0].inicio_ms;
    }
    char desc[2048] = "";
    size_t u = 0;
    for (int i = 0; i < CONCURRENTES; i++) {
        int w = n[i] > 0 ? snprintf(desc + u, sizeof desc - u, "\n  %s: de %llu a %llu ms",
                                    rutas[i], (unsigned long long)(v[i][0].inicio_ms - origen),
                                    (unsigned long long)(v[i][0].fin_ms - origen))
                         : snprintf(desc + u, sizeof desc - u, "\n  %s: no llegó", rutas[i]);
        if (w > 0 && (size_t)w < sizeof desc - u)
            u += (size_t)w;
    }
    int ok = faltan == 0 && ultimo_inicio < primer_fin;
    if (ok)
        cal_obtenido("las doce peticiones se solapan:%s", desc);
    else if (faltan > 0)
        cal_obtenido("el servidor solo recibió %d de las peticiones del primer ciclo, que son %d "
                     "(esperando hasta %.0f s al primer OK y 2.6 s más):%s",
                     CONCURRENTES - faltan, CONCURRENTES, ARRANQUE_MS / 1000.0, desc);
    else
        cal_obtenido("no van todas a la vez: la última empieza cuando alguna ya ha acabado "
                     "(¿van una detrás de otra, o con un tope de peticiones simultáneas?):%s",
                     desc);
    int pruebas = mon_con_pruebas(s, p, o, CONCURRENTES, COMPLETAS);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}

/* Cuánto reloj se miran los ciclos de «intervalo» tras su primera petición. */
#define VENTANA_RITMO_MS 1800
/* Lo que tarda la URL lenta de «intervalo»: más que un intervalo (400 ms). */
#define LENTA_RITMO_MS 1000

CAL_PRUEBA(intervalo, 20)
static void intervalo(void)
{
    const int T = 400;
    cal_esperado(
        "primer ciclo antes de %d ms del tiempo propio del programa desde su arranque "
        "(en la CPU o dormido: lo que espera su turno para la CPU no cuenta) y los "
        "demás separados unos "
        "%d ms (cada separación entre %d y %d ms, la media entre %d y %d). Eso, también "
        "con otra URL que tarda %d ms, más que un intervalo. Y, mientras espera, dormido en "
        "uv_run, sin espera activa: en la CPU o esperando turno para ella como "
        "mucho el %.0f %% del tiempo transcurrido",
        T * 3 / 4, T, T / 2, T * 7 / 4, T * 4 / 5, T * 5 / 4, LENTA_RITMO_MS,
        CAL_ESPERA_FRACCION * 100.0);
    /* La segunda tarda más que un intervalo (con -t 2000 no se corta; mientras sigue en curso,
     * sus ciclos son OMITIDA): el ciclo no espera a que acaben sus comprobaciones. Uno que
     * programa el siguiente al acabar la última (el «await gather + sleep» de asyncio) va cada
     * 1.4 s; uno que en cada ciclo se queda en un uv_run propio hasta que acaban sus peticiones
     * (un adversario de la sesión 32: 93/100 cuando la lenta tardaba 300 ms, menos que un
     * intervalo), cada segundo. La rápida sigue a su ritmo solo si el bucle no se bloquea. */
    opaca_t o[] = {{.guion = SIEMPRE(200)}, {.guion = TARDA(1000)}}; /* LENTA_RITMO_MS */
    cal_servidor_t *s = mon_servidor_opaco(o, 2);
    if (s == NULL)
        CAL_FIN(0);
    const char *args[] = {"-i", "400", "-t", "2000", o[0].url, o[1].url, NULL};
    cal_proceso_t *p = mon_lanzar(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* El primer ciclo, en tiempo propio del programa (cal_tiempo_propio_t) hasta que el
     * servidor recibe su primera petición: el reloj incluye arrancar la caja, cargar las
     * bibliotecas y esperar turno, y con la máquina cargada (tres calificaciones a la vez)
     * una solución correcta llegaba a los 520 ms de reloj. Quien espera un intervalo antes
     * del primer ciclo se pasa esos 400 ms dormido, y eso sí cuenta. El ritmo se mira en los
     * 1.8 s de reloj que siguen a la primera petición (unas 5 con -i 400), no desde el
     * lanzamiento: con cuatro calificaciones a la vez la primera llegó a los 1166 ms de reloj
     * y en 2.2 s desde el lanzamiento solo cabían 3. Si no llega ninguna, se espera 5 s. */
    cal_tiempo_propio_t propio;
    cal_tiempo_propio_empezar(&propio, p);
    uint64_t desde = cal_ahora_ms(), primera_vista = 0;
    long primero_propio = -1;
    for (;;) {
        uint64_t ahora = cal_ahora_ms();
        if (primera_vista != 0 ? ahora - primera_vista >= VENTANA_RITMO_MS : ahora - desde >= 5000)
            break;
        cal_peticion_t una[1];
        cal_esperar(10);
        uint64_t t = cal_tiempo_propio_mirar(&propio, p, 0);
        if (primero_propio < 0 && cal_registro_ruta(s, o[0].ruta, una, 1) > 0) {
            primero_propio = (long)t;
            primera_vista = cal_ahora_ms();
        }
    }
    /* El registro se lee antes de parar: lo que pase después de la señal no cuenta aquí. Y la
     * CPU, también: en ese tiempo el programa pasa casi todo el tiempo esperando al
     * temporizador o al servidor, y esperar es dormir en uv_run (cal_sin_espera_activa). */
    cal_peticion_t v[MAX_PETICIONES];
    int n = cal_registro_ruta(s, o[0].ruta, v, MAX_PETICIONES);
    char cpu[512];
    int dormido = cal_sin_espera_activa(p, CAL_ESPERA_TRANQUILA, cpu, sizeof cpu);
    mon_parar(p, 2000);
    if (n > MAX_PETICIONES)
        n = MAX_PETICIONES;
    char desc[2048];
    size_t u = 0;
    int ok = n >= 4;
    long primero = n > 0 ? (long)(v[0].inicio_ms - cal_lanzado_ms(p)) : -1;
    if (n == 0)
        u += (size_t)snprintf(desc, sizeof desc, "ninguna petición en 5 s");
    else if (n == 1)
        u += (size_t)snprintf(desc, sizeof desc,
                              "una sola petición, a los %ld ms del arranque (%ld ms de "
                              "tiempo propio), y ninguna más en los %.1f s siguientes",
                              primero, primero_propio, VENTANA_RITMO_MS / 1000.0);
    else
        u += (size_t)snprintf(desc, sizeof desc,
                              "peticiones: %d; la primera a los %ld ms del arranque (%ld ms de "
                              "tiempo propio) y las demás en los %.1f s siguientes; "
                              "separaciones (ms):",
                              n, primero, primero_propio, VENTANA_RITMO_MS / 1000.0);
    double suma = 0;
    for (int i = 1; i < n; i++) {
        long g = (long)(v[i].inicio_ms - v[i - 1].inicio_ms);
        suma += (double)g;
        if (g < T / 2 || g > T * 7 / 4)
            ok = 0;
        if (u < sizeof desc - 16)
            u += (size_t)snprintf(desc + u, sizeof desc - u, " %ld", g);
    }
    double media = n > 1 ? suma / (n - 1) : 0;
    if (n > 1 && (media < T * 0.8 || media > T * 1.25))
        ok = 0;
    if (n == 0 || primero_propio < 0 || primero_propio > T * 3 / 4)
        ok = 0;
    if (n > 8)
        ok = 0;
    cal_obtenido("%s%s", desc, n > 8 ? " (demasiadas: ¿el intervalo se respeta?)" : "");
    if (!dormido) {
        cal_nota("Ciclos: %s.", desc);
        cal_obtenido("%s", cpu);
    } else {
        cal_nota("CPU: %s.", cpu);
    }
    int pruebas = mon_con_pruebas(s, p, o, 2, COMPLETAS);
    if (!ok && pruebas)
        cal_nota_salida(p, 8);
    CAL_FIN(ok && dormido && pruebas);
}

/* Recorre las líneas de `u` y comprueba los avisos de `tipo` («ALERTA» o «RECUPERADO»): cada
 * uno justo donde toca y ninguno más. ALERTA toca tras el FALLO que hace el 3.º seguido de una
 * racha (antes de la siguiente línea OK/FALLO de esa URL); RECUPERADO, tras el primer OK
 * después de 3 o más FALLO seguidos. Deja en *avisos cuántos hubo bien puestos y devuelve 1, o
 * 0 con el primer problema en `informe`. */
static int avisos_en_su_sitio(const char *salida, const char *u, const char *tipo, int *avisos,
                              char *informe, size_t tam)
{
    int alerta = strcmp(tipo, "ALERTA") == 0;
    int seguidos = 0, toca = 0, antes = 0;
    *avisos = 0;
    informe[0] = '\0';
    for (const char *c = salida; *c != '\0';) {
        const char *fin = strchr(c, '\n');
        size_t largo = fin != NULL ? (size_t)(fin - c) : strlen(c);
        char linea[1024], t[32], w[256];
        snprintf(linea, sizeof linea, "%.*s",
                 (int)(largo < sizeof linea ? largo : sizeof linea - 1), c);
        c += largo + (fin != NULL);
        if (cal_palabra(linea, 0, t, sizeof t) == NULL ||
            cal_palabra(linea, 1, w, sizeof w) == NULL || strcmp(w, u) != 0)
            continue;
        int es_ok = strcmp(t, "OK") == 0, es_fallo = strcmp(t, "FALLO") == 0;
        if (es_ok || es_fallo) {
            if (toca) {
                snprintf(
                    informe, tam,
                    "falta «%s» justo después del %s (antes de la línea siguiente, «%.120s»)", tipo,
                    alerta ? "3.er FALLO seguido" : "primer OK tras 3 o más FALLO seguidos", linea);
                return 0;
            }
            antes = seguidos;
            seguidos = es_fallo ? seguidos + 1 : 0;
            toca = alerta ? es_fallo && seguidos == 3 : es_ok && antes >= 3;
        } else if (strcmp(t, tipo) == 0) {
            if (!toca) {
                if (alerta)
                    snprintf(informe, tam,
                             "«%.160s» llega cuando la URL lleva %d FALLO %s y ya se había "
                             "avisado de esa racha o aún no tocaba (toca una vez, al 3.º)",
                             linea, seguidos, texto_plural(seguidos, "seguido", "seguidos"));
                else
                    snprintf(informe, tam,
                             "«%.160s» llega tras una racha de solo %d FALLO %s (solo se avisa "
                             "si la URL estaba en alerta: 3 o más)",
                             linea, antes, texto_plural(antes, "seguido", "seguidos"));
                return 0;
            }
            char *resto = NULL;
            if (!alerta && (cal_palabra(linea, 6, w, sizeof w) == NULL ||
                            strtol(w, &resto, 10) != antes || *resto != '\0')) {
                snprintf(informe, tam, "«%.160s» no dice «tras %d fallos seguidos»", linea, antes);
                return 0;
            }
            toca = 0;
            (*avisos)++;
        }
    }
    if (toca) {
        snprintf(informe, tam, "falta «%s» después de la última línea de la URL", tipo);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(alerta_tres_fallos, 20)
static void alerta_tres_fallos(void)
{
    cal_esperado(
        "con tres URL opacas y -t 1000, una ALERTA por racha, justo tras el 3.er FALLO seguido y "
        "antes del 4.º. Una para la que falla siempre (FALLO ×3 ALERTA FALLO …). "
        "Dos para la que falla tres veces, va bien una vez y vuelve a fallar (FALLO ×3 ALERTA OK … "
        "FALLO ×3 ALERTA FALLO …). Ninguna para la que falla dos veces, va bien una vez, falla "
        "dos más y sigue bien (sus rachas son de 2: un OK pone la cuenta a 0). Una para un "
        "puerto que rechaza la conexión (FALLO con estado 0: un fallo sin respuesta también "
        "cuenta para la racha). Y, en otro monitor con -i 150 -t 1000, una para la que falla "
        "siempre tras 0.4 s, más que un intervalo (FALLO OMITIDA… FALLO OMITIDA… FALLO ALERTA: "
        "una OMITIDA ni suma ni corta la racha). Cada línea de las opacas, respaldada por el "
        "registro del servidor");
    opaca_t o[] = {
        {.guion = SIEMPRE(503)},
        {.guion = "\"pasos\": [{\"estado\": 503, \"veces\": 3}, {\"estado\": 200}], "
                  "\"despues\": {\"estado\": 503}"},
        {.guion = "\"pasos\": [{\"estado\": 503, \"veces\": 2}, {\"estado\": 200}, "
                  "{\"estado\": 503, \"veces\": 2}], \"despues\": {\"estado\": 200}"},
        /* Más lenta que el intervalo: sus FALLO llegan entre OMITIDA (el estudiante de prueba
         * de la sesión 32 ponía la racha a 0 en cada OMITIDA, nunca avisaba y sacaba 100/100). */
        {.guion = "\"despues\": {\"estado\": 503, \"retraso_ms\": 400}"},
    };
    cal_servidor_t *s = mon_servidor_opaco(o, 4);
    if (s == NULL)
        CAL_FIN(0);
    const char *mala = o[0].url, *dos = o[1].url, *buena = o[2].url, *lenta = o[3].url;
    /* Y un puerto que rechaza: sin respuesta (estado 0) también es un FALLO de la racha (el
     * estudiante de prueba de la sesión 29: solo contaba los estados ≥ 400 y sacaba 100/100). */
    char rechaza[64];
    int cerrado = mon_sitio_mudo(0, "/rechaza", rechaza, sizeof rechaza);
    if (cerrado < 0)
        CAL_FIN(0);
    /* La lenta, en otro monitor a la vez (-t 1000: que no se corte): así su ritmo, que lo
     * marca ella, no cambia cuántos FALLO tienen las demás en el mismo rato. */
    const char *args_lenta[] = {"-i", "150", "-t", "1000", lenta, NULL};
    cal_proceso_t *pl = mon_lanzar(s, args_lenta, 12, 0);
    /* Con -t 1000: con el límite por omisión (la mitad de -i: 75 ms) y la máquina cargada, una
     * respuesta inmediata llegaba tarde, el cliente la daba por agotada («FALLO … 0») y el
     * servidor la había respondido entera: una línea sin respaldo para un programa correcto
     * (prueba-clase, sesión 60). El límite por omisión lo juzga limite_por_verificacion. */
    const char *args[] = {"-i", "150", "-t", "1000", mala, dos, buena, rechaza, NULL};
    cal_proceso_t *p = pl != NULL ? mon_lanzar(s, args, 12, 0) : NULL;
    if (p == NULL) {
        close(cerrado);
        CAL_FIN(0);
    }
    /* Los plazos, desde el primer ciclo de cada uno (el arranque no cuenta: ARRANQUE_MS). */
    mon_primer_ciclo(p, dos);
    mon_esperar(p, "FALLO", dos, 7, 3500);
    mon_esperar(p, "FALLO", mala, 7, 500);
    mon_primer_ciclo(pl, lenta);
    mon_esperar(pl, "FALLO", lenta, 4, 3000); /* unos 0.5 s cada una: 0.4 s y el tic siguiente */
    cal_esperar(50);
    mon_parar(p, 2000);
    mon_parar(pl, 2000);
    close(cerrado);
    const char *out = mon_salida(p);
    char t1[1024], t2[1024], t3[1024], t4[1024], t5[1024], e1[512], e2[512], e4[512], e5[512];
    int a1 = 0, a2 = 0, a4 = 0, a5 = 0;
    int bien1 = avisos_en_su_sitio(out, mala, "ALERTA", &a1, e1, sizeof e1);
    int bien2 = avisos_en_su_sitio(out, dos, "ALERTA", &a2, e2, sizeof e2);
    int bien4 = avisos_en_su_sitio(out, rechaza, "ALERTA", &a4, e4, sizeof e4);
    const char *out_lenta = mon_salida(pl);
    int bien5 = avisos_en_su_sitio(out_lenta, lenta, "ALERTA", &a5, e5, sizeof e5);
    int alertas_buena = cal_contar(out, "ALERTA", buena);
    int fallos1 = cal_contar(out, "FALLO", mala), fallos2 = cal_contar(out, "FALLO", dos);
    int fallos4 = cal_contar(out, "FALLO", rechaza),
        fallos5 = cal_contar(out_lenta, "FALLO", lenta);
    int ok = bien1 && bien2 && fallos1 >= 4 && fallos2 >= 7 && a1 == 1 && a2 == 2 &&
             alertas_buena == 0 && (fallos4 < 3 || (bien4 && a4 == 1)) &&
             (fallos5 < 3 || (bien5 && a5 == 1));
    cal_obtenido("URL que falla siempre: %d ALERTA%s%s (%s); URL de dos rachas: %d ALERTA%s%s "
                 "(%s); URL con rachas de 2: %d ALERTA (%s); puerto que rechaza (estado 0): %d "
                 "ALERTA%s%s (%s); URL lenta que falla siempre: %d ALERTA%s%s (%s)",
                 a1, bien1 ? "" : ", ", e1, mon_traza(out, mala, t1, sizeof t1), a2,
                 bien2 ? "" : ", ", e2, mon_traza(out, dos, t2, sizeof t2), alertas_buena,
                 mon_traza(out, buena, t3, sizeof t3), a4, bien4 ? "" : ", ", e4,
                 mon_traza(out, rechaza, t4, sizeof t4), a5, bien5 ? "" : ", ", e5,
                 mon_traza(out_lenta, lenta, t5, sizeof t5));
    if (fallos1 < 4 || fallos2 < 7)
        cal_nota("Hubo %d FALLO de la URL que falla siempre y %d de la de dos rachas (con -i 150 "
                 "hacen falta 4 y 7 en los 3.5 s que siguen al primer ciclo).",
                 fallos1, fallos2);
    /* Una ALERTA mal puesta entre las propias líneas del programa ya la explica «Obtenido»;
     * decir además que «no tiene respaldo» haría pensar que las líneas son inventadas. */
    int pruebas = mon_con_pruebas(s, p, o, 3, bien1 && bien2 ? ALERTAS : 0) &&
                  mon_con_pruebas(s, pl, &o[3], 1, bien5 ? ALERTAS : 0);
    if (!ok && pruebas)
        cal_nota_salida(p, 12);
    CAL_FIN(ok && pruebas);
}

CAL_PRUEBA(recuperacion, 20)
static void recuperacion(void)
{
    cal_esperado(
        "para la URL opaca que responde 503 cuatro veces y después 200, una sola "
        "«RECUPERADO <url> responde de nuevo tras 4 fallos seguidos», justo después del "
        "primer OK, y lo mismo «tras 3» para la que falla justo tres (la racha mínima de "
        "una alerta). Para la que falla tres, va bien una vez y falla tres más: dos RECUPERADO, "
        "los dos «tras 3» (cuentan los fallos seguidos de la racha, no todos). Ninguna para las "
        "que fallan "
        "solo una o dos "
        "veces antes de ir bien (no llegaron a estar en alerta). Cada línea está "
        "respaldada por el registro del servidor");
    /* La quinta: 503 tres veces, 200, 503 tres veces más y después 200. Sus dos RECUPERADO
     * dicen «tras 3», los seguidos de la racha; el total de sus fallos (6) no es eso. Cada
     * racha es una alerta, así que la cuenta vuelve a 0 con el RECUPERADO: olvidar ponerla a
     * 0 tras un OK sin alerta es cosa de «alerta_tres_fallos», no de esta. */
    opaca_t o[] = {{.guion = FALLA_Y_VUELVE(4)},
                   {.guion = FALLA_Y_VUELVE(2)},
                   {.guion = FALLA_Y_VUELVE(1)},
                   {.guion = FALLA_Y_VUELVE(3)},
                   {.guion = "\"pasos\": [{\"estado\": 503, \"veces\": 3}, {\"estado\": 200}, "
                             "{\"estado\": 503, \"veces\": 3}], \"despues\": {\"estado\": 200}"}};
    cal_servidor_t *s = mon_servidor_opaco(o, 5);
    if (s == NULL)
        CAL_FIN(0);
    const char *u = o[0].url;
    /* -t 1000, por lo mismo que en alerta_tres_fallos. */
    const char *args[] = {"-i",     "150",    "-t",     "1000",   o[0].url,
                          o[1].url, o[2].url, o[3].url, o[4].url, NULL};
    cal_proceso_t *p = mon_lanzar(s, args, 12, 0);
    if (p == NULL)
        CAL_FIN(0);
    mon_primer_ciclo(p, u);
    mon_esperar(p, "OK", u, 2, 3000);
    mon_esperar(p, "OK", o[4].url, 2, 1500);
    cal_esperar(50);
    mon_parar(p, 2000);
    const char *out = mon_salida(p);
    char t[5][1024], e[5][512];
    int r[5] = {0, 0, 0, 0, 0}, bien[5];
    for (int k = 0; k < 5; k++)
        bien[k] = avisos_en_su_sitio(out, o[k].url, "RECUPERADO", &r[k], e[k], sizeof e[k]);
    int ok = bien[0] && bien[1] && bien[2] && bien[3] && bien[4] && r[0] == 1 && r[3] == 1 &&
             r[4] == 2 && cal_contar(out, "FALLO", u) == 4 &&
             cal_contar(out, "FALLO", o[3].url) == 3 && cal_contar(out, "FALLO", o[4].url) == 6;
    cal_obtenido("tras 4 fallos: %s%s%s; tras 3: %s%s%s; tras 3, un OK y 3 más: %s%s%s; tras 2: "
                 "%s%s%s; tras 1: %s%s%s",
                 mon_traza(out, o[0].url, t[0], sizeof t[0]), bien[0] ? "" : " — ", e[0],
                 mon_traza(out, o[3].url, t[3], sizeof t[3]), bien[3] ? "" : " — ", e[3],
                 mon_traza(out, o[4].url, t[4], sizeof t[4]), bien[4] ? "" : " — ", e[4],
                 mon_traza(out, o[1].url, t[1], sizeof t[1]), bien[1] ? "" : " — ", e[1],
                 mon_traza(out, o[2].url, t[2], sizeof t[2]), bien[2] ? "" : " — ", e[2]);
    int todos_bien = bien[0] && bien[1] && bien[2] && bien[3] && bien[4];
    int pruebas = mon_con_pruebas(s, p, o, 5, todos_bien ? RECUPERADOS : 0);
    if (!ok && pruebas)
        cal_nota_salida(p, 12);
    CAL_FIN(ok && pruebas);
}

CAL_PRUEBA(sin_duplicados, 20)
static void sin_duplicados(void)
{
    cal_esperado("peticiones a la URL lenta (opaca, tarda 1 s) sin solaparse nunca (cada una "
                 "empieza después de que acabe la anterior), al menos 2 de ellas, alguna línea "
                 "OMITIDA de esa URL mientras su petición sigue en curso y al menos 6 "
                 "peticiones a la rápida (opaca, siempre 200). Con -t 3000, la lenta acaba bien "
                 "(una línea OK: un -t dado vale tal cual, también mayor que -i), y su <ms> es "
                 "el de su petición (±50 %% o ±150 ms), aunque dure más de un ciclo");
    opaca_t o[] = {{.guion = TARDA(1000)}, {.guion = SIEMPRE(200)}};
    cal_servidor_t *s = mon_servidor_opaco(o, 2);
    if (s == NULL)
        CAL_FIN(0);
    const char *lenta = o[0].url, *rapida = o[1].url;
    const char *args[] = {"-i", "200", "-t", "3000", lenta, rapida, NULL};
    cal_proceso_t *p = mon_lanzar(s, args, 12, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* 2.3 s desde el primer ciclo (el arranque no cuenta: ARRANQUE_MS). */
    mon_primer_ciclo(p, rapida);
    mon_mirar(2300);
    uint64_t parada = cal_ahora_ms();
    mon_parar(p, 2000);

    cal_peticion_t v[MAX_PETICIONES];
    int n = cal_registro_ruta(s, o[0].ruta, v, MAX_PETICIONES);
    cal_peticion_t w[MAX_PETICIONES];
    int nr = cal_registro_ruta(s, o[1].ruta, w, MAX_PETICIONES);
    if (n > MAX_PETICIONES)
        n = MAX_PETICIONES;
    int solapes = 0;
    char desc[2048];
    size_t u = 0;
    uint64_t origen = n > 0 ? v[0].inicio_ms : 0;
    if (n == 0)
        u += (size_t)snprintf(desc, sizeof desc, "ninguna petición a la URL lenta");
    else
        u += (size_t)snprintf(desc, sizeof desc, "%d %s a la URL lenta (ms desde la primera):", n,
                              texto_plural(n, "petición", "peticiones"));
    for (int i = 0; i < n; i++) {
        if (i > 0 && v[i].inicio_ms + 30 < v[i - 1].fin_ms)
            solapes++;
        if (u < sizeof desc - 40 && i < 16)
            u += (size_t)snprintf(desc + u, sizeof desc - u, " [%llu–%llu]",
                                  (unsigned long long)(v[i].inicio_ms - origen),
                                  (unsigned long long)(v[i].fin_ms - origen));
    }
    int omitidas = cal_contar(mon_salida(p), "OMITIDA", lenta);
    /* Que una OMITIDA ni sume ni corte la racha lo juzga «alerta_tres_fallos» (su URL lenta que
     * falla siempre): aquí, solo que no se lance dos veces. */
    const char *out = mon_salida(p);
    int ok = solapes == 0 && n >= 2 && omitidas >= 1 && nr >= 6;
    cal_obtenido("%s; %d se %s con la anterior; %d %s OMITIDA; %d %s a la rápida", desc, solapes,
                 texto_plural(solapes, "solapa", "solapan"), omitidas,
                 texto_plural(omitidas, "línea", "líneas"), nr,
                 texto_plural(nr, "petición", "peticiones"));
    /* Con -t 3000 la lenta (1 s) nunca debería cortarse: si se cortó antes de la señal de
     * parada, el fallo es otro. Las que cortó la parada (acaban a la vez, tras la señal) no
     * dicen nada del -t. */
    int cortadas = 0;
    for (int i = 0; i + 1 < n; i++)
        cortadas += v[i].abortada && v[i].fin_ms + 50 < parada;
    if (cortadas > 0)
        cal_nota("%d %s a la URL lenta se %s antes del segundo que tarda el servidor, aunque el "
                 "tiempo límite era -t 3000: ¿se usa el -t dado tal cual?",
                 cortadas, texto_plural(cortadas, "petición", "peticiones"),
                 texto_plural(cortadas, "cortó", "cortaron"));
    /* La lenta tiene que acabar bien alguna vez: con -t 3000 su segundo cabe. Quien recorta el
     * -t al intervalo («el límite, menor que el intervalo», que el requisito 3 solo dice del de
     * por omisión) la corta a los 200 ms y solo da FALLO, que antes valía aquí por OK
     * (tiempo_creible toma la primera OK o FALLO) y sacaba 100 (auditoría de la sesión 98). */
    char l_ok[1024];
    int lenta_ok = n == 0 || cal_linea(out, "OK", lenta, 0, l_ok, sizeof l_ok) >= 0;
    if (ok && !lenta_ok)
        cal_obtenido("ninguna línea OK de la lenta (tarda 1 s, con -t 3000): %d %s antes de la "
                     "parada; un -t dado vale tal cual, también mayor que el intervalo (-i 200)",
                     cortadas, texto_plural(cortadas, "petición cortada", "peticiones cortadas"));
    /* Y el <ms> de la lenta es lo que tardó su petición (1 s), medido desde que se lanzó, no
     * desde el último ciclo (el estudiante de prueba de la sesión 32 lo medía desde el último
     * tic: «OK … 1 ms», y sacaba 100/100: ninguna otra comprobación dura más de un intervalo). */
    char tiempo[1200];
    int medido = n == 0 || tiempo_creible(s, out, &o[0], tiempo, sizeof tiempo);
    if (ok && lenta_ok && !medido)
        cal_obtenido("la lenta dura más de un ciclo, y su tiempo no es el de su petición: %s",
                     tiempo);
    int pruebas = mon_con_pruebas(s, p, o, 2, OMITIDAS);
    if (!(ok && lenta_ok && medido) && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && lenta_ok && medido && pruebas);
}

/* Las peticiones a `ruta` que ya registró el servidor (como mucho `max` en `v`); si aún no hay
 * ninguna (el registro se escribe al acabar cada una), espera a la primera hasta `hasta` (en el
 * reloj de cal_ahora_ms). Devuelve cuántas hay, o 0. */
static int primeras_peticiones(cal_servidor_t *s, const char *ruta, cal_peticion_t *v, int max,
                               uint64_t hasta)
{
    int n = cal_registro_ruta(s, ruta, v, max);
    while (n == 0 && cal_ahora_ms() < hasta) {
        cal_esperar(20);
        n = cal_registro_ruta(s, ruta, v, max);
    }
    return n;
}

/* El tope de 10 s del límite por omisión solo se ve con un intervalo de más de 20 s: con
 * TOPE_INTERVALO_MS la mitad serían 15 s. Un programa correcto corta la primera petición a la
 * URL que tarda 20 s a los 10 s; se le dan hasta TOPE_CORTE_MAX_MS, contados en el servidor
 * desde su primer ciclo (3 s de margen para la carga, que retrasa su temporizador y nunca lo
 * adelanta) y aún por debajo de los 15 s de uno sin tope. */
#define TOPE_INTERVALO    "30000"
#define TOPE_INTERVALO_MS 30000
#define TOPE_CORTE_MAX_MS 13000

/* Espera la primera petición a `ruta` en el registro del servidor (en v[0]) hasta que `p` lleve
 * `max_ms` lanzado (lo que quede, con el reloj de los topes: una espera a que pase algo) o hasta
 * que `p` acabe. 1 si llegó. */
static int esperar_primera(cal_servidor_t *s, cal_proceso_t *p, const char *ruta, cal_peticion_t *v,
                           int max_ms)
{
    uint64_t pasado = cal_ahora_ms() - cal_lanzado_ms(p);
    plazo_t plazo;
    plazo_empezar(&plazo, pasado < (uint64_t)max_ms ? (int)((uint64_t)max_ms - pasado) : 0);
    for (;;) {
        if (cal_registro_ruta(s, ruta, v, 1) > 0)
            return 1;
        if (cal_termino(p) || plazo_vencido(&plazo))
            return cal_registro_ruta(s, ruta, v, 1) > 0;
        cal_esperar(20);
    }
}

/* 50 s y no 20: con la solución dura unos 11 s, pero un programa con el primer ciclo tarde
 * (uv_timer_start(t, cb, intervalo, intervalo)) hace su primera comprobación con -i 30000 a los
 * 30 s, y su tope se juzga 13 s después (ver abajo). */
CAL_PRUEBA(limite_por_verificacion, 50)
static void limite_por_verificacion(void)
{
    const int T = 600;
    cal_esperado("al menos 3 peticiones a la URL opaca (tarda 5 s), cada una cortada por el "
                 "cliente antes de %d ms (límite = intervalo/2 = %d ms), y líneas «FALLO <url> 0 "
                 "<ms> ms …» con <ms> < %d, cada una respaldada por una petición cortada. Y con "
                 "«-i 2000 -t 250», otra URL que tarda 5 s cortada antes de 600 ms (el -t dado "
                 "manda sobre la mitad del intervalo); con «-i " TOPE_INTERVALO "», una que tarda "
                 "20 s cortada a los 10 s de su ciclo (la mitad del intervalo, como mucho 10 s), "
                 "aunque ese primer ciclo llegue tarde",
                 T * 3 / 4, T / 2, T * 3 / 4);
    opaca_t o[] = {{.guion = TARDA(5000)},
                   {.guion = TARDA(5000)},
                   {.guion = TARDA(20000)},
                   {.guion = SIEMPRE(200)}};
    cal_servidor_t *s = mon_servidor_opaco(o, 4);
    if (s == NULL)
        CAL_FIN(0);
    /* Y el tope de 10 s del límite por omisión: con -i 30000, la mitad serían 15 s (el
     * estudiante de prueba de la sesión 29 que lo olvidó sacaba 100/100). Solo su primera
     * petición: cortada a los 10 s, no a los 20 que tarda el servidor. Con otra URL que
     * responde enseguida, que dice cuándo empezó su primer ciclo (las dos salen en él). */
    const char *args_tope[] = {"-i", TOPE_INTERVALO, o[2].url, o[3].url, NULL};
    cal_proceso_t *ptope = mon_lanzar(s, args_tope, 50, 0);
    if (ptope == NULL)
        CAL_FIN(0);
    /* A la vez, otro monitor con un -t explícito: solo se mira su primera petición en el
     * registro del servidor (se lanza antes para que las líneas fechadas sean las del otro). */
    const char *args_t[] = {"-i", "2000", "-t", "250", o[1].url, NULL};
    cal_proceso_t *pt = mon_lanzar(s, args_t, 8, 0);
    if (pt == NULL)
        CAL_FIN(0);
    const char *u = o[0].url;
    const char *args[] = {"-i", "600", u, NULL};
    cal_proceso_t *p = mon_lanzar(s, args, 12, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Tres FALLO bastan (unos 1.5 s desde el primer ciclo); si no llegan, el tope es el de
     * siempre. El primero llega a los 300 ms de ese ciclo: se le espera con el arranque. */
    mon_primer_ciclo(p, u);
    mon_esperar(p, "FALLO", u, 3, 3000);
    cal_esperar(50);
    mon_parar(p, 2000);

    cal_peticion_t v[MAX_PETICIONES];
    int n = cal_registro_ruta(s, o[0].ruta, v, MAX_PETICIONES);
    if (n > MAX_PETICIONES)
        n = MAX_PETICIONES;
    int largas = 0;
    char desc[2048];
    size_t k = 0;
    if (n == 0)
        k += (size_t)snprintf(desc, sizeof desc, "ninguna petición a la URL lenta");
    else
        k += (size_t)snprintf(desc, sizeof desc,
                              "%d %s a la URL lenta; duración en el servidor (ms):", n,
                              texto_plural(n, "petición", "peticiones"));
    for (int i = 0; i < n; i++) {
        long d = (long)(v[i].fin_ms - v[i].inicio_ms);
        /* La última la puede cortar el SIGINT: solo cuentan las cortadas antes de él. */
        if (i < n - 1 && (d >= T * 3 / 4 || !v[i].abortada))
            largas++;
        if (k < sizeof desc - 24 && i < 12)
            k += (size_t)snprintf(desc + k, sizeof desc - k, " %ld%s", d,
                                  v[i].abortada ? "" : " (completa)");
    }
    /* Las líneas FALLO: estado 0 y tiempo por debajo del intervalo. */
    int fallos = cal_contar(mon_salida(p), "FALLO", u), buenas = 0;
    for (int i = 0; i < fallos; i++) {
        char linea[1024], e[32], ms[32];
        cal_linea(mon_salida(p), "FALLO", u, i, linea, sizeof linea);
        if (cal_palabra(linea, 2, e, sizeof e) && cal_palabra(linea, 3, ms, sizeof ms) &&
            strcmp(e, "0") == 0 && strtol(ms, NULL, 10) < T * 3 / 4)
            buenas++;
    }
    /* Su primer ciclo puede llegar tarde (eso lo juzga «intervalo»): se le espera. */
    cal_peticion_t w[4];
    int nt = primeras_peticiones(s, o[1].ruta, w, 4, cal_lanzado_ms(pt) + 3500);
    long dt = nt > 0 ? (long)(w[0].fin_ms - w[0].inicio_ms) : -1;
    int con_t = nt > 0 && w[0].abortada && dt < 600;
    cal_matar(pt);
    int ok = n >= 3 && largas == 0 && fallos >= 2 && buenas == fallos && con_t;
    /* La del tope. Su primer ciclo suele estar ya (lo de arriba lleva unos 10 s). Si no, llega
     * tarde: eso lo pierde «intervalo», pero el tope hay que mirarlo igual. Antes no se miraba
     * (a los 40 s no cabía), y un programa con el primer ciclo tarde y sin el tope conservaba
     * estos puntos (mutante limite_sin_tope_ciclo_tarde): se le espera hasta un intervalo y el
     * arranque desde su lanzamiento. Solo si lo demás pasa: si no, la verificación ya está
     * perdida, y esperar solo alargaría la calificación de un programa que no hace peticiones. */
    cal_peticion_t y[1];
    int primer_ciclo = cal_registro_ruta(s, o[3].ruta, y, 1) > 0, tarde = 0;
    if (!primer_ciclo && ok) {
        primer_ciclo = esperar_primera(s, ptope, o[3].ruta, y, TOPE_INTERVALO_MS + ARRANQUE_MS);
        tarde = primer_ciclo;
    }
    /* La lenta, desde ese ciclo (en el reloj del registro): hasta TOPE_CORTE_MAX_MS. */
    cal_peticion_t x[2];
    int ntope = primer_ciclo
                    ? primeras_peticiones(s, o[2].ruta, x, 2, y[0].inicio_ms + TOPE_CORTE_MAX_MS)
                    : 0;
    long dtope = ntope > 0 ? (long)(x[0].fin_ms - x[0].inicio_ms) : -1;
    long ciclo_tope = primer_ciclo ? (long)(y[0].inicio_ms - cal_lanzado_ms(ptope)) : -1;
    long visto_tope = (long)(cal_ahora_ms() - cal_lanzado_ms(ptope));
    int con_tope =
        !primer_ciclo || (ntope > 0 && x[0].abortada && dtope >= 9000 && dtope < TOPE_CORTE_MAX_MS);
    cal_matar(ptope);
    ok = ok && con_tope;
    int omitidas = cal_contar(mon_salida(p), "OMITIDA", u);
    char sobre_t[256];
    if (nt <= 0)
        snprintf(sobre_t, sizeof sobre_t, "con -i 2000 -t 250, ninguna petición terminada");
    else
        snprintf(sobre_t, sizeof sobre_t, "con -i 2000 -t 250, la primera petición duró %ld ms%s",
                 dt,
                 con_t           ? ""
                 : w[0].abortada ? " (más de 600: ¿se usa el -t dado?)"
                                 : " y no se cortó (¿se usa el -t dado?)");
    char sobre_tope[384], tarde_tope[128] = "";
    if (tarde)
        snprintf(tarde_tope, sizeof tarde_tope,
                 " (su primer ciclo llegó a los %.1f s del lanzamiento: se le esperó)",
                 (double)ciclo_tope / 1000.0);
    if (!primer_ciclo)
        snprintf(sobre_tope, sizeof sobre_tope,
                 "con -i " TOPE_INTERVALO ", ningún primer ciclo en %.1f s (eso lo juzga "
                 "«intervalo»)",
                 (double)visto_tope / 1000.0);
    else if (ntope <= 0)
        snprintf(sobre_tope, sizeof sobre_tope,
                 "con -i " TOPE_INTERVALO ", la primera petición a la lenta seguía en curso a "
                 "los %.0f s de su ciclo%s (¿la mitad del intervalo, 15 s, sin el tope de 10 s?)",
                 TOPE_CORTE_MAX_MS / 1000.0, tarde_tope);
    else
        snprintf(sobre_tope, sizeof sobre_tope,
                 "con -i " TOPE_INTERVALO ", la primera petición a la lenta duró %ld ms%s%s", dtope,
                 tarde_tope,
                 con_tope        ? ""
                 : x[0].abortada ? " (debía durar 10 s: la mitad del intervalo, como mucho 10 s)"
                                 : " y no se cortó");
    cal_obtenido("%s; %d %s FALLO, %d con estado 0 y menos de %d ms; %d %s OMITIDA; %s; %s", desc,
                 fallos, texto_plural(fallos, "línea", "líneas"), buenas, T * 3 / 4, omitidas,
                 texto_plural(omitidas, "línea", "líneas"), sobre_t, sobre_tope);
    int pruebas = mon_con_pruebas(s, p, o, 1, 0);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}

/* Un «sitio inalcanzable» que deja pruebas: mon_sitio_mudo(1, …) escucha en 127.0.0.1 (puerto
 * efímero, en la red de esta verificación) y esto corta con RST cada conexión en cuanto llega,
 * sin responder. Para el programa es un fallo de conexión como un puerto cerrado; para el
 * calificador, cada intento queda contado (un puerto cerrado de verdad no deja rastro:
 * cualquiera podría imprimir FALLO sin intentarlo). Acepta y corta las conexiones pendientes;
 * devuelve cuántas. */
static int cortar_pendientes(int fd)
{
    int n = 0;
    for (;;) {
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            return n;
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        (void)setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close(c);
        n++;
    }
}

/* Un sitio que corta cada respuesta a medias: lee la petición, responde «200» con un
 * Content-Length de 4000 bytes, manda 100 y cierra. El estado llegó (r->estado == 200), pero
 * la transferencia no terminó (HTTP_E_CORTADA): es un fallo (requisito 2), no un OK. Lleva
 * las conexiones aceptadas hasta que llega su petición entera. */
#define A_MEDIAS_MAX 16

typedef struct {
    int escucha;
    int fd[A_MEDIAS_MAX];
    size_t leidos[A_MEDIAS_MAX];
    char ultimos[A_MEDIAS_MAX][4];
    int conexiones;
} a_medias_t;

/* Acepta las conexiones nuevas y, a las que ya mandaron su petición entera (la línea vacía
 * tras las cabeceras), les manda la respuesta cortada y las cierra. */
static void atender_a_medias(a_medias_t *a)
{
    for (;;) {
        int hueco = -1;
        for (int i = 0; i < A_MEDIAS_MAX && hueco < 0; i++)
            if (a->fd[i] < 0)
                hueco = i;
        if (hueco < 0)
            break;
        int c = accept4(a->escucha, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (c < 0)
            break;
        a->fd[hueco] = c;
        a->leidos[hueco] = 0;
        memset(a->ultimos[hueco], 0, sizeof a->ultimos[hueco]);
        a->conexiones++;
    }
    static const char respuesta[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                    "Content-Length: 4000\r\nConnection: close\r\n\r\n";
    char cuerpo[100];
    memset(cuerpo, 'x', sizeof cuerpo);
    for (int i = 0; i < A_MEDIAS_MAX; i++) {
        if (a->fd[i] < 0)
            continue;
        char buf[2048];
        ssize_t n = recv(a->fd[i], buf, sizeof buf, MSG_DONTWAIT);
        int completa = 0;
        for (ssize_t k = 0; k < n && !completa; k++) {
            memmove(a->ultimos[i], a->ultimos[i] + 1, 3);
            a->ultimos[i][3] = buf[k];
            completa = memcmp(a->ultimos[i], "\r\n\r\n", 4) == 0;
        }
        if (n > 0)
            a->leidos[i] += (size_t)n;
        if (completa) {
            (void)send(a->fd[i], respuesta, sizeof respuesta - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)send(a->fd[i], cuerpo, sizeof cuerpo, MSG_NOSIGNAL | MSG_DONTWAIT);
        }
        if (completa || n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            close(a->fd[i]);
            a->fd[i] = -1;
        }
    }
}

/* Las líneas FALLO de `url` en `out` cuyo estado (su tercera palabra) es 0, o también 200 si
 * `vale_200`. */
static int fallos_con_estado(const char *out, const char *url, int vale_200)
{
    int n = cal_contar(out, "FALLO", url), con_estado = 0;
    for (int i = 0; i < n; i++) {
        char linea[1024], e[32];
        cal_linea(out, "FALLO", url, i, linea, sizeof linea);
        if (cal_palabra(linea, 2, e, sizeof e) != NULL &&
            (strcmp(e, "0") == 0 || (vale_200 && strcmp(e, "200") == 0)))
            con_estado++;
    }
    return con_estado;
}

CAL_PRUEBA(inalcanzable, 20)
static void inalcanzable(void)
{
    cal_esperado("líneas «FALLO <url> 0 …» para el sitio que corta toda conexión sin responder, "
                 "cada una con su propio intento de conexión (el calificador los cuenta), el "
                 "programa vivo y la otra URL (opaca, siempre 200) comprobándose (al menos 3 OK "
                 "respaldados por el registro del servidor). Y para el sitio que responde «200» "
                 "y corta el cuerpo a medias, líneas FALLO (con estado 0 o 200), ninguna OK, cada "
                 "una con su propia petición. Y para un puerto donde nadie escucha (conexión "
                 "rechazada), líneas «FALLO <url> 0 …» y ninguna OK");
    opaca_t o[] = {{.guion = SIEMPRE(200)}};
    cal_servidor_t *s = mon_servidor_opaco(o, 1);
    if (s == NULL)
        CAL_FIN(0);
    char cortada[64], medias[64];
    int escucha = mon_sitio_mudo(1, "/", cortada, sizeof cortada);
    if (escucha < 0)
        CAL_FIN(0);
    a_medias_t am = {.conexiones = 0};
    am.escucha = mon_sitio_mudo(1, "/a-medias", medias, sizeof medias);
    for (int i = 0; i < A_MEDIAS_MAX; i++)
        am.fd[i] = -1;
    if (am.escucha < 0) {
        close(escucha);
        CAL_FIN(0);
    }
    /* Y un puerto que rechaza la conexión (nadie escucha): su fallo es otro (curl no llega a
     * conectar) y también es un FALLO con estado 0. No deja rastro que contar (el sitio que
     * corta ya prueba que cada FALLO tiene su intento), pero sin él, no contar un rechazo
     * como comprobación sacaba 100 (mutante rechazada_no_cuenta). */
    char rechaza[64];
    int cerrado = mon_sitio_mudo(0, "/rechaza", rechaza, sizeof rechaza);
    if (cerrado < 0) {
        close(escucha);
        close(am.escucha);
        CAL_FIN(0);
    }
    const char *buena = o[0].url;
    /* -t 1000, por lo mismo que en alerta_tres_fallos (la buena, con 100 ms por omisión). */
    const char *args[] = {"-i", "200", "-t", "1000", cortada, buena, medias, rechaza, NULL};
    cal_proceso_t *p = mon_lanzar(s, args, 12, 0);
    if (p == NULL) {
        close(escucha);
        close(am.escucha);
        close(cerrado);
        CAL_FIN(0);
    }
    /* 1.3 s desde el primer ciclo (su primera línea o su primer intento de conexión; el
     * arranque no cuenta: ARRANQUE_MS), atendiendo los dos sitios mientras tanto. Los dos
     * plazos, con el reloj de los topes, como mon_esperar. */
    int intentos = 0, visto = 0;
    plazo_t plazo;
    plazo_empezar(&plazo, ARRANQUE_MS);
    while (!plazo_vencido(&plazo) && !cal_termino(p)) {
        cal_esperar(10);
        intentos += cortar_pendientes(escucha);
        atender_a_medias(&am);
        if (!visto && (intentos > 0 || am.conexiones > 0 || mon_ciclo_visto(p, NULL))) {
            visto = 1;
            plazo_empezar(&plazo, 1300);
        }
    }
    int vivo = !cal_termino(p);
    char final[256];
    cal_describir_fin(p, final, sizeof final);
    /* Se para como mon_parar, pero sin dejar de atender los dos sitios hasta que termina: un
     * programa que no para con SIGINT sigue comprobando, y cada FALLO suyo tiene que seguir
     * teniendo su conexión. La parada la juzga sigint, no esta (la pasada de la sesión 51: el
     * mutante ignora_sigint seguía 2 s llamando al sitio que corta a medias, que ya nadie
     * atendía, y perdía también esta). */
    mon_anotar_parada(p);
    cal_senal(p, SIGINT);
    for (uint64_t fin = cal_ahora_ms() + 2000; !cal_termino(p) && cal_ahora_ms() < fin;) {
        cal_esperar(10);
        intentos += cortar_pendientes(escucha);
        atender_a_medias(&am);
    }
    if (!cal_termino(p))
        cal_matar(p);
    cal_esperar(150);
    intentos += cortar_pendientes(escucha);
    atender_a_medias(&am);
    close(escucha);
    close(am.escucha);
    close(cerrado);
    for (int i = 0; i < A_MEDIAS_MAX; i++)
        if (am.fd[i] >= 0)
            close(am.fd[i]);
    const char *out = mon_salida(p);
    /* El sitio que corta a medias: FALLO con estado 0 o 200 (el que llegó), nunca OK. */
    int fallos_am = cal_contar(out, "FALLO", medias), oks_am = cal_contar(out, "OK", medias);
    int estado_am = fallos_con_estado(out, medias, 1) == fallos_am;
    int ok_am = oks_am == 0 && fallos_am >= 2 && estado_am && fallos_am <= am.conexiones;
    int fallos = cal_contar(out, "FALLO", cortada), oks = cal_contar(out, "OK", buena);
    int con_cero = fallos_con_estado(out, cortada, 0);
    /* El puerto que rechaza: como el que corta, FALLO con estado 0 y ningún OK. */
    int fallos_r = cal_contar(out, "FALLO", rechaza), oks_r = cal_contar(out, "OK", rechaza);
    int cero_r = fallos_con_estado(out, rechaza, 0);
    int ok_r = fallos_r >= 2 && cero_r == fallos_r && oks_r == 0;
    /* Cada FALLO necesita su intento: más líneas que conexiones es imprimir sin intentarlo. */
    int ok = vivo && fallos >= 2 && con_cero == fallos && fallos <= intentos && oks >= 3 && ok_am &&
             ok_r;
    cal_obtenido("a los 1.3 s del primer ciclo el programa %s; %d FALLO del sitio que corta (%d "
                 "con estado 0) "
                 "para %d %s de conexión; %d OK de la otra URL. Del sitio que corta la respuesta "
                 "a medias, %d FALLO%s y %d OK para %d %s%s. Del puerto que rechaza la "
                 "conexión, %d FALLO (%d con estado 0) y %d OK",
                 vivo ? "seguía vivo" : final, fallos, con_cero, intentos,
                 texto_plural(intentos, "intento", "intentos"), oks, fallos_am,
                 estado_am ? "" : " (alguno con un estado que no es ni 0 ni 200)", oks_am,
                 am.conexiones, texto_plural(am.conexiones, "conexión", "conexiones"),
                 oks_am > 0 ? ": una transferencia cortada es un fallo aunque el estado (200) "
                              "sí llegara"
                            : "",
                 fallos_r, cero_r, oks_r);
    if (fallos > intentos || fallos_am > am.conexiones)
        cal_nota("Hay más líneas FALLO que intentos de conexión: cada FALLO tiene que venir de "
                 "una comprobación de verdad, en cada ciclo.");
    if (fallos_r < 2)
        cal_nota("Una conexión rechazada (HTTP_E_CONEXION) es una comprobación fallida, con "
                 "estado 0: solo la cancelada al parar no se imprime.");
    int pruebas = mon_con_pruebas(s, p, o, 1, 0);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}
