/* calificador.c — calificador oculto del laboratorio 07 (monitor de sitios web).
 *
 * Caja negra: el monitor del estudiante corre como proceso aparte (cal_lanzar) contra un
 * servidor de práctica propio de cada verificación. Se juzga por lo que se ve desde fuera:
 *   - el registro del servidor (cuándo empezó y terminó cada petición, en el mismo reloj
 *     monotónico que el calificador): concurrencia, ritmo de los ciclos, duplicados,
 *     peticiones cortadas por el límite de tiempo;
 *   - las líneas de la salida (formato del README): OK, FALLO, ALERTA, RECUPERADO, OMITIDA,
 *     RESUMEN;
 *   - el código de salida tras SIGINT/SIGTERM y el informe de valgrind.
 * Las tolerancias de tiempo son amplias: la máquina puede estar ocupada (2 núcleos, varias
 * verificaciones en paralelo). Los puntos y las pistas están en ../lab.json.
 *
 * Pruebas, no palabras: una línea impresa solo cuenta si el registro del servidor la
 * respalda. Las URLs son rutas opacas (/v/<32 cifras hexadecimales al azar>) cuyo estado y
 * retraso fija el guion de cada verificación, así que no se deducen de su texto. Cada
 * OK/FALLO de una URL con estado e tiene que casar, en orden, con una petición distinta a esa
 * URL registrada con ese estado (un FALLO con estado 0, con una petición cortada) y terminada
 * antes de que el calificador viera la línea (se anota cuándo aparece cada línea); ALERTA,
 * después de tres FALLO respaldados; RECUPERADO, después de un OK respaldado; OMITIDA, con
 * una petición a esa URL en vuelo; y RESUMEN no cuenta más de lo que el servidor atendió.
 *
 * Cada verificación juzga un requisito (la tabla requisito → verificaciones está en el
 * README del laboratorio): las que no juzgan el ritmo esperan al primer ciclo, llegue cuando
 * llegue, y de las que no juzgan -t solo sin_duplicados lo necesita (sin un -t mayor que -i no
 * hay OMITIDA que ver; si las peticiones se cortan antes, lo dice en una nota). Los mutantes de
 * autograder/mutantes/07-monitor-web pierden exactamente las verificaciones de su cabecera.
 */
#define _GNU_SOURCE /* accept4 */
#include <criterion/criterion.h>

#include "calificador/calificador.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PETICIONES 256

/* ------------------------------------------------------------------ ayudas */

/* Margen para casar una línea con su petición: el servidor anota el final al entregar el
 * último byte (o al ver la conexión cerrada) y el calificador ve la línea al mirar la salida;
 * con la máquina cargada entre una cosa y otra pueden pasar unos cientos de ms. */
#define HOLGURA_MS 500
#define MAX_LINEAS 4096

/* «1 línea», «3 líneas»: que ningún mensaje diga «1 líneas». */
static const char *plural(int n, const char *uno, const char *varios)
{
    return n == 1 ? uno : varios;
}

/* Cuándo vio el calificador cada línea de la salida del monitor de esta verificación. */
static struct {
    cal_proceso_t *p;
    size_t leidos;
    int n;
    uint64_t visto[MAX_LINEAS];
} seg;

/* Anota el instante de las líneas nuevas (completas) de la salida. */
static void mirar(void)
{
    if (seg.p == NULL)
        return;
    const char *out = cal_salida(seg.p);
    size_t largo = strlen(out);
    uint64_t ahora = cal_ahora_ms();
    for (size_t i = seg.leidos; i < largo; i++)
        if (out[i] == '\n' && seg.n < MAX_LINEAS)
            seg.visto[seg.n++] = ahora;
    seg.leidos = largo;
}

/* Instante en que se vio la línea número `linea` (la última, sin '\n', se ve ahora). */
static uint64_t visto(int linea)
{
    return linea >= 0 && linea < seg.n ? seg.visto[linea] : cal_ahora_ms();
}

/* Espera `ms` leyendo la salida a pasos cortos (para fechar cada línea). */
static void dormir(int ms)
{
    uint64_t fin = cal_ahora_ms() + (uint64_t)(ms > 0 ? ms : 0);
    for (uint64_t ahora = cal_ahora_ms(); ahora < fin; ahora = cal_ahora_ms()) {
        cal_esperar(fin - ahora < 10 ? (int)(fin - ahora) : 10);
        mirar();
    }
    mirar();
}

/* Como cal_esperar_fin, fechando las líneas. */
static int esperar_fin(cal_proceso_t *p, int max_ms)
{
    uint64_t fin = cal_ahora_ms() + (uint64_t)(max_ms > 0 ? max_ms : 0);
    while (!cal_termino(p) && cal_ahora_ms() < fin) {
        cal_esperar_fin(p, 10);
        mirar();
    }
    mirar();
    return cal_termino(p);
}

/* Arranca el servidor de práctica de esta verificación. NULL si no pudo (ya anotado). */
static cal_servidor_t *servidor(void)
{
    cal_servidor_t *s = NULL;
    int r = cal_servidor(&s);
    if (r < 0) {
        cal_obtenido("no arrancó el servidor de práctica (error del calificador: %s)",
                     strerror(-r));
        return NULL;
    }
    return s;
}

/* URL completa del servidor `s` para `ruta`, en un búfer rotatorio (vale para varias a la vez). */
static const char *url(cal_servidor_t *s, const char *ruta)
{
    static char bufs[8][600];
    static int i;
    char *b = bufs[i++ % 8];
    snprintf(b, sizeof bufs[0], "%s%s", cal_servidor_url(s), ruta);
    return b;
}

/* «monitor arg1 arg2 …» en `buf`. */
static void unir(const char *const *args, char *buf, size_t tam)
{
    size_t n = (size_t)snprintf(buf, tam, "monitor");
    for (int i = 0; args[i] != NULL && n < tam - 4; i++) {
        int w = strchr(args[i], ' ') != NULL ? snprintf(buf + n, tam - n, " '%s'", args[i])
                                             : snprintf(buf + n, tam - n, " %s", args[i]);
        if (w > 0)
            n += (size_t)w;
    }
}

/* Lanza el monitor con `args`. NULL si no se pudo (ya anotado). */
static cal_proceso_t *monitor(cal_servidor_t *s, const char *const *args, double limite_s,
                              int valgrind)
{
    char orden[2048];
    unir(args, orden, sizeof orden);
    cal_nota("Orden: %s%s", valgrind ? "valgrind " : "", orden);
    static char entorno_url[128];
    snprintf(entorno_url, sizeof entorno_url, "CURSO_SERVIDOR=%s",
             s != NULL ? cal_servidor_url(s) : "http://127.0.0.1:9");
    const char *entorno[] = {entorno_url, NULL};
    cal_lanzamiento_t l = {
        .args = args, .entorno = entorno, .limite_s = limite_s, .valgrind = valgrind};
    cal_proceso_t *p = NULL;
    int r = cal_lanzar(&l, &p);
    if (r < 0) {
        cal_obtenido("no se pudo lanzar el programa (%s)", strerror(-r));
        return NULL;
    }
    seg.p = p;
    seg.leidos = 0;
    seg.n = 0;
    return p;
}

/* Secuencia compacta de las líneas de `u`: «FALLO FALLO FALLO ALERTA OK RECUPERADO». */
static const char *traza(const char *salida, const char *u, char *buf, size_t tam)
{
    static const char *tipos[] = {"OK", "FALLO", "ALERTA", "RECUPERADO", "OMITIDA", "RESUMEN"};
    size_t usados = 0;
    buf[0] = '\0';
    const char *p = salida;
    int lineas = 0;
    while (*p != '\0') {
        const char *fin = strchr(p, '\n');
        size_t len = fin != NULL ? (size_t)(fin - p) : strlen(p);
        char linea[1024];
        snprintf(linea, sizeof linea, "%.*s", (int)(len < sizeof linea ? len : sizeof linea - 1),
                 p);
        for (size_t t = 0; t < sizeof tipos / sizeof tipos[0]; t++) {
            if (cal_contar(linea, tipos[t], u) == 1) {
                if (lineas == 24) {
                    snprintf(buf + usados, tam - usados, " …");
                    return buf;
                }
                int w =
                    snprintf(buf + usados, tam - usados, "%s%s", usados > 0 ? " " : "", tipos[t]);
                if (w > 0 && (size_t)w < tam - usados)
                    usados += (size_t)w;
                lineas++;
            }
        }
        p += len;
        if (*p == '\n')
            p++;
    }
    if (usados == 0)
        snprintf(buf, tam, "(ninguna línea para esa URL)");
    return buf;
}

/* Espera hasta que haya `n` líneas `tipo` de `u` (NULL = cualquiera), o `max_ms`. */
static int esperar(cal_proceso_t *p, const char *tipo, const char *u, int n, int max_ms)
{
    uint64_t fin = cal_ahora_ms() + (uint64_t)(max_ms > 0 ? max_ms : 0);
    for (;;) {
        mirar();
        if (cal_contar(cal_salida(p), tipo, u) >= n)
            return 1;
        if (cal_termino(p) || cal_ahora_ms() >= fin)
            return 0;
        cal_esperar(10);
    }
}

/* SIGINT y espera al final (y un poco más: el servidor anota las peticiones cortadas al
 * ver cerrarse la conexión, y eso es lo que respalda un FALLO con estado 0). */
/* SIGINT y espera al final. Si no para, se mata (y queda como «el calificador lo terminó»,
 * que ninguna verificación da por bueno): así el servidor cierra sus conexiones y las
 * apunta en el registro antes de que se coteje una sola línea con él. */
static void parar(cal_proceso_t *p, int max_ms)
{
    cal_senal(p, SIGINT);
    esperar_fin(p, max_ms);
    if (!cal_termino(p))
        cal_matar(p);
    dormir(150);
}

/* ------------------------------------------------------------------ rutas opacas y pruebas */

/* Comportamientos del guion (el cuerpo del objeto de cada ruta). */
#define SIEMPRE(e) "\"despues\": {\"estado\": " #e "}"
#define TARDA(ms)  "\"despues\": {\"estado\": 200, \"retraso_ms\": " #ms "}"
#define FALLA_Y_VUELVE(n)                                                                          \
    "\"pasos\": [{\"estado\": 503, \"veces\": " #n "}], \"despues\": {\"estado\": 200}"

/* Una URL opaca de la verificación: lo que responde y dónde está. */
typedef struct {
    const char *guion;
    char ruta[48];
    char url[128];
} opaca_t;

/* Arranca el servidor de esta verificación con las rutas opacas `o` (inventa sus rutas y
 * rellena sus URLs). NULL si no pudo (ya anotado). */
static cal_servidor_t *servidor_opaco(opaca_t *o, int n)
{
    char guion[4096];
    size_t u = (size_t)snprintf(guion, sizeof guion, "{");
    for (int i = 0; i < n; i++) {
        int r = cal_ruta_opaca(o[i].ruta, sizeof o[i].ruta);
        if (r < 0) {
            cal_obtenido("no se pudo inventar una ruta opaca (error del calificador: %s)",
                         strerror(-r));
            return NULL;
        }
        int w = snprintf(guion + u, sizeof guion - u, "%s\"%s\": {%s}", i > 0 ? ", " : "",
                         o[i].ruta, o[i].guion);
        if (w > 0 && (size_t)w < sizeof guion - u)
            u += (size_t)w;
    }
    snprintf(guion + u, sizeof guion - u, "}");
    cal_servidor_t *s = NULL;
    int r = cal_servidor_guion(guion, &s);
    if (r < 0) {
        cal_obtenido("no arrancó el servidor de práctica (error del calificador: %s)",
                     strerror(-r));
        return NULL;
    }
    for (int i = 0; i < n; i++)
        snprintf(o[i].url, sizeof o[i].url, "%s%s", cal_servidor_url(s), o[i].ruta);
    return s;
}

/* ¿La petición `v` respalda una línea con estado `estado`? (0 = sin respuesta: cortada) */
static int casa_estado(const cal_peticion_t *v, int estado)
{
    return estado == 0 ? v->abortada : !v->abortada && v->estado == estado;
}

/* Qué hay que juzgar además de OK/FALLO. */
enum { ALERTAS = 1, OMITIDAS = 2, RECUPERADOS = 4, TIEMPOS = 8 };

/* Con TIEMPOS, el <ms> de cada línea tiene que ser lo que tardó de verdad su petición: nunca
 * menos que lo que el servidor tardó en responderla (2 ms de redondeo), y no más que desde
 * que el servidor la recibió hasta que la línea apareció, más TECHO_MS (lo que el programa
 * pudo tardar en enviarla con la máquina cargada). */
#define TECHO_MS 150

/* Comprueba el <ms> de `linea`, respaldada por la petición `v` y vista en `t`. 1 si es
 * creíble; si no, 0 y la explicación en `informe`. */
static int tiempo_respaldado(const char *linea, int num, const cal_peticion_t *v, uint64_t t,
                             char *informe, size_t tam)
{
    char w[32];
    char *fin = NULL;
    long ms = cal_palabra(linea, 3, w, sizeof w) != NULL ? strtol(w, &fin, 10) : -1;
    long dur = (long)(v->fin_ms - v->inicio_ms);
    long techo = (long)t - (long)v->inicio_ms + TECHO_MS;
    /* Una petición cortada la da por terminada el servidor cuando ve la conexión cerrada,
     * algo después de que el programa la corte: ahí no hay suelo. */
    long suelo = v->abortada ? 0 : dur - 2;
    if (fin != NULL && fin != w && *fin == '\0' && ms >= suelo && ms <= techo)
        return 1;
    snprintf(informe, tam,
             "la línea %d («%.200s») dice %s ms, pero su petición tardó %ld ms en el servidor y "
             "la línea apareció %ld ms después de que el servidor la recibiera (se aceptan de "
             "%ld a %ld ms): el tiempo impreso tiene que medirse, petición a petición",
             num + 1, linea, w, dur, (long)t - (long)v->inicio_ms, suelo, techo);
    return 0;
}

/* Comprueba con el registro del servidor cada línea de la salida de las URLs `o`: cada
 * OK/FALLO casa, en orden, con una petición distinta a esa URL, con ese estado y terminada
 * antes de verse la línea; con ALERTAS, ALERTA solo tras tres FALLO respaldados seguidos; con
 * RECUPERADOS, RECUPERADO solo tras un OK respaldado; con OMITIDAS, cada OMITIDA con una petición a
 * esa URL en vuelo. Devuelve 1, o 0 con la explicación en `informe`. */
static int respaldadas(cal_servidor_t *s, const opaca_t *o, int n, int que, char *informe,
                       size_t tam)
{
    mirar();
    const char *out = cal_salida(seg.p);
    static cal_peticion_t v[MAX_PETICIONES];
    int casadas = 0;
    for (int k = 0; k < n; k++) {
        int m = cal_registro_ruta(s, o[k].ruta, v, MAX_PETICIONES);
        if (m > MAX_PETICIONES)
            m = MAX_PETICIONES;
        int siguiente = 0, seguidos = 0, ok_tras_fallos = 0;
        const char *c = out;
        for (int num = 0; *c != '\0'; num++) {
            const char *fin = strchr(c, '\n');
            size_t largo = fin != NULL ? (size_t)(fin - c) : strlen(c);
            char linea[1024], tipo[32], u[256], e[32] = "";
            snprintf(linea, sizeof linea, "%.*s",
                     (int)(largo < sizeof linea ? largo : sizeof linea - 1), c);
            c += largo + (fin != NULL);
            if (cal_palabra(linea, 0, tipo, sizeof tipo) == NULL ||
                cal_palabra(linea, 1, u, sizeof u) == NULL || strcmp(u, o[k].url) != 0)
                continue;
            uint64_t t = visto(num);
            if (strcmp(tipo, "OK") == 0 || strcmp(tipo, "FALLO") == 0) {
                char *resto = NULL;
                long estado =
                    cal_palabra(linea, 2, e, sizeof e) != NULL ? strtol(e, &resto, 10) : -1;
                int j = siguiente;
                if (resto != NULL && *resto == '\0' && resto != e)
                    for (; j < m; j++)
                        if (casa_estado(&v[j], (int)estado) && v[j].inicio_ms <= t + HOLGURA_MS &&
                            v[j].fin_ms <= t + HOLGURA_MS)
                            break;
                if (resto == NULL || *resto != '\0' || resto == e || j >= m) {
                    snprintf(informe, tam,
                             "la línea %d («%.200s») dice estado %s pero el servidor no "
                             "registró ninguna petición a esa URL %s en ese momento (tiene "
                             "%d registradas en total, %d ya casadas con líneas anteriores)",
                             num + 1, linea, e,
                             strcmp(e, "0") == 0 ? "cortada sin respuesta"
                                                 : "respondida con ese estado",
                             m, siguiente);
                    return 0;
                }
                if ((que & TIEMPOS) && !tiempo_respaldado(linea, num, &v[j], t, informe, tam))
                    return 0;
                siguiente = j + 1;
                casadas++;
                if (strcmp(tipo, "FALLO") == 0) {
                    seguidos++;
                    ok_tras_fallos = 0;
                } else {
                    ok_tras_fallos = 1;
                    seguidos = 0;
                }
            } else if ((que & ALERTAS) && strcmp(tipo, "ALERTA") == 0 && seguidos < 3) {
                snprintf(informe, tam,
                         "la línea %d («%.200s») llega tras solo %d FALLO seguidos respaldados "
                         "por el registro del servidor (hacen falta 3)",
                         num + 1, linea, seguidos);
                return 0;
            } else if ((que & RECUPERADOS) && strcmp(tipo, "RECUPERADO") == 0 && !ok_tras_fallos) {
                snprintf(informe, tam,
                         "la línea %d («%.200s») no sigue a ningún OK respaldado por el registro "
                         "del servidor",
                         num + 1, linea);
                return 0;
            } else if ((que & OMITIDAS) && strcmp(tipo, "OMITIDA") == 0) {
                int en_vuelo = 0;
                for (int j = 0; j < m && !en_vuelo; j++)
                    en_vuelo = v[j].inicio_ms <= t + 50 && v[j].fin_ms + HOLGURA_MS >= t;
                if (!en_vuelo) {
                    snprintf(informe, tam,
                             "la línea %d («%.200s») dice que la verificación anterior sigue en "
                             "curso, pero el servidor no tenía ninguna petición a esa URL en "
                             "marcha en ese momento",
                             num + 1, linea);
                    return 0;
                }
            }
        }
    }
    snprintf(informe, tam,
             "cotejo con el registro del servidor: %d %s OK/FALLO, cada una "
             "con su propia petición a esa URL y el mismo estado",
             casadas, plural(casadas, "línea", "líneas"));
    return 1;
}

/* Si las líneas de `o` no tienen respaldo, lo anota (sustituye a «Obtenido») y devuelve 0. */
static int con_pruebas(cal_servidor_t *s, cal_proceso_t *p, const opaca_t *o, int n, int que)
{
    char informe[1024];
    if (respaldadas(s, o, n, que, informe, sizeof informe)) {
        cal_nota("%s.", informe);
        return 1;
    }
    cal_obtenido("una línea sin respaldo en el registro del servidor: %s", informe);
    cal_nota("Solo cuenta lo que el servidor atendió de verdad: cada OK/FALLO tiene que venir de "
             "una petición HTTP hecha por el programa, con el estado que devolvió el servidor.");
    cal_nota_salida(p, 12);
    return 0;
}

/* Pide los campos de «RESUMEN url verificaciones=N correctas=C fallos=F …». */
static int leer_resumen(const char *salida, const char *u, int *v, int *c, int *f)
{
    char linea[1024], w[3][128];
    if (cal_linea(salida, "RESUMEN", u, 0, linea, sizeof linea) < 0)
        return -1;
    if (cal_palabra(linea, 2, w[0], sizeof w[0]) == NULL ||
        cal_palabra(linea, 3, w[1], sizeof w[1]) == NULL ||
        cal_palabra(linea, 4, w[2], sizeof w[2]) == NULL)
        return -2;
    if (sscanf(w[0], "verificaciones=%d", v) != 1 || sscanf(w[1], "correctas=%d", c) != 1 ||
        sscanf(w[2], "fallos=%d", f) != 1)
        return -2;
    return 0;
}

/* ------------------------------------------------------------------ entrada inválida */

#define MAX_CASOS 6

typedef struct {
    const char *args[6];
    const char *debe_citar; /* texto que el mensaje de error tiene que contener (o NULL) */
} caso_t;

/* Ejecuta los casos (a la vez, para no sumar esperas) y comprueba código 2 + mensaje en
 * stderr que cite el valor + ninguna petición al servidor. */
static int casos_entrada(cal_servidor_t *s, const caso_t *casos, int n)
{
    int ok = 1;
    char fallos[4096] = "";
    size_t usados = 0;
    cal_proceso_t *p[MAX_CASOS] = {NULL};
    for (int i = 0; i < n && i < MAX_CASOS; i++) {
        p[i] = monitor(s, casos[i].args, 5, 0);
        if (p[i] == NULL)
            return 0;
    }
    uint64_t limite = cal_ahora_ms() + 2500;
    for (int i = 0; i < n && i < MAX_CASOS; i++) {
        uint64_t ahora = cal_ahora_ms();
        cal_esperar_fin(p[i], ahora < limite ? (int)(limite - ahora) : 0);
    }
    for (int i = 0; i < n && i < MAX_CASOS; i++) {
        const char *err = cal_errores(p[i]);
        int codigo = cal_codigo(p[i]);
        int con_mensaje = strspn(err, " \t\r\n") < strlen(err);
        int cita = casos[i].debe_citar == NULL || strstr(err, casos[i].debe_citar) != NULL;
        int este = cal_termino(p[i]) && codigo == 2 && con_mensaje && cita;
        if (!este) {
            char fin[256], extracto[1024], orden[512];
            unir(casos[i].args, orden, sizeof orden);
            if (cal_termino(p[i]))
                cal_describir_fin(p[i], fin, sizeof fin);
            else
                snprintf(fin, sizeof fin, "no terminó en 2,5 s (debía salir enseguida)");
            int w = snprintf(
                fallos + usados, sizeof fallos - usados, "%s«%s»: %s; stderr:\n%s%s",
                usados > 0 ? "\n" : "", orden, fin, cal_extracto(err, 4, extracto, sizeof extracto),
                !cita && con_mensaje ? "\n  (el mensaje no cita el valor erróneo)" : "");
            if (w > 0 && (size_t)w < sizeof fallos - usados)
                usados += (size_t)w;
            ok = 0;
        }
        cal_proceso_liberar(p[i]);
    }
    if (s != NULL) {
        const cal_peticion_t *v;
        int pedidas = cal_registro(s, &v);
        if (pedidas > 0) {
            ok = 0;
            int w = snprintf(fallos + usados, sizeof fallos - usados,
                             "%sademás hizo %d %s al servidor (p. ej. %s) antes de "
                             "validar todos los argumentos",
                             usados > 0 ? "\n" : "", pedidas,
                             plural(pedidas, "petición", "peticiones"), v[0].ruta);
            if (w > 0 && (size_t)w < sizeof fallos - usados)
                usados += (size_t)w;
        }
    }
    cal_obtenido("%s", ok ? "código 2 y mensaje en todos los casos" : fallos);
    return ok;
}

CAL_PRUEBA(entrada_sin_urls, 20)
{
    cal_esperado("código de salida 2 y un mensaje de error en stderr, sin vigilar nada");
    const caso_t casos[] = {{{NULL}, NULL}, {{"-i", "500", NULL}, NULL}};
    CAL_FIN(casos_entrada(NULL, casos, 2));
}

CAL_PRUEBA(entrada_url_invalida, 20)
{
    cal_esperado("código de salida 2, un mensaje en stderr que cite la URL inválida y "
                 "ninguna petición");
    cal_servidor_t *s = servidor();
    if (s == NULL)
        CAL_FIN(0);
    /* Las tres últimas empiezan por «http» pero no son URLs: sin «://», sin servidor
     * (lo que sigue a «http://» es «/») y con un espacio. */
    const char *ok = url(s, "/status/200");
    char espacio[256];
    snprintf(espacio, sizeof espacio, "%s/a b", cal_servidor_url(s));
    const caso_t casos[] = {
        {{"no-es-una-url", NULL}, "no-es-una-url"},
        {{"-i", "200", ok, "ftp://127.0.0.1/archivo", NULL}, "ftp://127.0.0.1/archivo"},
        {{"-i", "200", ok, "httpfoo", NULL}, "httpfoo"},
        {{"-i", "200", ok, "http:///x", NULL}, "http:///x"},
        {{"-i", "200", ok, espacio, NULL}, espacio},
    };
    CAL_FIN(casos_entrada(s, casos, 5));
}

CAL_PRUEBA(entrada_intervalo_invalido, 20)
{
    cal_esperado("código de salida 2, un mensaje en stderr que cite el valor inválido y "
                 "ninguna petición");
    cal_servidor_t *s = servidor();
    if (s == NULL)
        CAL_FIN(0);
    const caso_t casos[] = {
        {{"-i", "abc", url(s, "/status/200"), NULL}, "abc"},
        {{"-i", "12x", url(s, "/status/200"), NULL}, "12x"},
        {{"-i", "50", url(s, "/status/200"), NULL}, "50"},
    };
    CAL_FIN(casos_entrada(s, casos, 3));
}

CAL_PRUEBA(entrada_limite_invalido, 20)
{
    cal_esperado("código de salida 2, un mensaje en stderr que cite el límite (-t) inválido y "
                 "ninguna petición");
    cal_servidor_t *s = servidor();
    if (s == NULL)
        CAL_FIN(0);
    const caso_t casos[] = {
        {{"-t", "abc", url(s, "/status/200"), NULL}, "abc"},
        {{"-t", "12x", url(s, "/status/200"), NULL}, "12x"},
        {{"-i", "200", "-t", "5", url(s, "/status/200"), NULL}, "5"},
    };
    CAL_FIN(casos_entrada(s, casos, 3));
}

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
        snprintf(informe, tam, "%s pero el servidor no registró ninguna petición a esa URL", linea);
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
{
    cal_esperado("«OK <url> 200 <ms> ms», «FALLO <url> 404 <ms> ms <motivo>», "
                 "«FALLO <url> 503 <ms> ms <motivo>» y «OK <url> 200 <ms> ms» (cuatro URLs "
                 "opacas que responden siempre 200, 404, 503 y 200 tras 0,6 s), cada línea "
                 "respaldada por una petición en el registro del servidor y cada <ms> parecido "
                 "a lo que tardó esa petición en el servidor (±50 %% o ±150 ms)");
    opaca_t o[] = {{.guion = SIEMPRE(200)},
                   {.guion = SIEMPRE(404)},
                   {.guion = SIEMPRE(503)},
                   {.guion = TARDA(600)}};
    cal_servidor_t *s = servidor_opaco(o, 4);
    if (s == NULL)
        CAL_FIN(0);
    const char *u200 = o[0].url, *u404 = o[1].url, *u503 = o[2].url, *lenta = o[3].url;
    /* Sin -t: con -i 2000 el límite por omisión (1 s) deja tiempo de sobra a la lenta. */
    const char *args[] = {"-i", "2000", u200, u404, u503, lenta, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* El primer ciclo, llegue cuando llegue (si tarda, eso lo juzga «intervalo»). */
    esperar(p, "OK", u200, 1, 4500);
    esperar(p, "OK", lenta, 1, 2000);
    esperar(p, "FALLO", u503, 1, 500);
    dormir(100);
    parar(p, 2000);
    const char *out = cal_salida(p);
    char i[4][1200];
    int ok = linea_correcta(out, u200, "OK", 200, i[0], sizeof i[0]);
    ok &= linea_correcta(out, u404, "FALLO", 404, i[1], sizeof i[1]);
    ok &= linea_correcta(out, u503, "FALLO", 503, i[2], sizeof i[2]);
    ok &= linea_correcta(out, lenta, "OK", 200, i[3], sizeof i[3]);
    int tiempos = 1;
    char t[4][1200];
    for (int k = 0; k < 4; k++)
        tiempos &= tiempo_creible(s, out, &o[k], t[k], sizeof t[k]);
    if (ok && tiempos)
        cal_obtenido("las cuatro líneas con el formato, el estado y un tiempo creíbles; la "
                     "lenta: %s",
                     t[3]);
    else if (ok)
        cal_obtenido("formato y estados bien, pero algún tiempo no casa con lo que tardó el "
                     "servidor:\n%s\n%s\n%s\n%s",
                     t[0], t[1], t[2], t[3]);
    else
        cal_obtenido("%s\n%s\n%s\n%s", i[0], i[1], i[2], i[3]);
    int pruebas = con_pruebas(s, p, o, 4, 0);
    if (!(ok && tiempos) && pruebas)
        cal_nota_salida(p, 12);
    CAL_FIN(ok && tiempos && pruebas);
}

CAL_PRUEBA(concurrencia, 20)
{
    cal_esperado("que las tres peticiones del primer ciclo (tres URLs opacas que tardan 0,6 s) "
                 "estén en marcha a la vez en el servidor (la última empieza antes de que acabe "
                 "la primera), llegue ese ciclo cuando llegue");
    opaca_t o[] = {{.guion = TARDA(600)}, {.guion = TARDA(600)}, {.guion = TARDA(600)}};
    cal_servidor_t *s = servidor_opaco(o, 3);
    if (s == NULL)
        CAL_FIN(0);
    const char *rutas[] = {o[0].ruta, o[1].ruta, o[2].ruta};
    const char *args[] = {"-i", "3000", o[0].url, o[1].url, o[2].url, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Se espera al primer ciclo aunque tarde (el ritmo de los ciclos lo juzga «intervalo»):
     * aquí solo importa si sus peticiones van a la vez. */
    esperar(p, "OK", NULL, 1, 4500);
    esperar(p, "OK", NULL, 3, 2600);
    dormir(100);
    parar(p, 2000);

    cal_peticion_t v[3][4];
    int n[3];
    uint64_t ultimo_inicio = 0, primer_fin = UINT64_MAX, origen = UINT64_MAX;
    int faltan = 0;
    for (int i = 0; i < 3; i++) {
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
    char desc[1024] = "";
    size_t u = 0;
    for (int i = 0; i < 3; i++) {
        int w = n[i] > 0 ? snprintf(desc + u, sizeof desc - u, "\n  %s: de %llu a %llu ms",
                                    rutas[i], (unsigned long long)(v[i][0].inicio_ms - origen),
                                    (unsigned long long)(v[i][0].fin_ms - origen))
                         : snprintf(desc + u, sizeof desc - u, "\n  %s: no llegó", rutas[i]);
        if (w > 0 && (size_t)w < sizeof desc - u)
            u += (size_t)w;
    }
    int ok = faltan == 0 && ultimo_inicio < primer_fin;
    if (ok)
        cal_obtenido("las tres peticiones se solapan:%s", desc);
    else if (faltan > 0)
        cal_obtenido("el servidor solo recibió %d de las 3 peticiones del primer ciclo "
                     "(esperando hasta 4,5 s al primer OK y 2,6 s más):%s",
                     3 - faltan, desc);
    else
        cal_obtenido("las peticiones van una detrás de otra:%s", desc);
    int pruebas = con_pruebas(s, p, o, 3, 0);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}

CAL_PRUEBA(intervalo, 20)
{
    const int T = 400;
    cal_esperado("primer ciclo antes de %d ms desde el arranque y los demás separados unos "
                 "%d ms (cada separación entre %d y %d ms, la media entre %d y %d)",
                 T * 3 / 4, T, T / 2, T * 7 / 4, T * 4 / 5, T * 5 / 4);
    opaca_t o[] = {{.guion = SIEMPRE(200)}};
    cal_servidor_t *s = servidor_opaco(o, 1);
    if (s == NULL)
        CAL_FIN(0);
    const char *args[] = {"-i", "400", o[0].url, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    dormir(2200);
    /* El registro se lee antes de parar: lo que pase después de la señal no cuenta aquí. */
    cal_peticion_t v[MAX_PETICIONES];
    int n = cal_registro_ruta(s, o[0].ruta, v, MAX_PETICIONES);
    parar(p, 2000);
    if (n > MAX_PETICIONES)
        n = MAX_PETICIONES;
    char desc[2048];
    size_t u = 0;
    int ok = n >= 4;
    long primero = n > 0 ? (long)(v[0].inicio_ms - cal_lanzado_ms(p)) : -1;
    if (n == 0)
        u += (size_t)snprintf(desc, sizeof desc, "ninguna petición en 2,2 s");
    else if (n == 1)
        u += (size_t)snprintf(desc, sizeof desc,
                              "una sola petición en 2,2 s, a los %ld ms del arranque", primero);
    else
        u += (size_t)snprintf(desc, sizeof desc,
                              "%d peticiones en 2,2 s; la primera a los %ld ms del arranque; "
                              "separaciones (ms):",
                              n, primero);
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
    if (n == 0 || primero > T * 3 / 4)
        ok = 0;
    if (n > 8)
        ok = 0;
    cal_obtenido("%s%s", desc, n > 8 ? " (demasiadas: ¿el intervalo se respeta?)" : "");
    int pruebas = con_pruebas(s, p, o, 1, 0);
    if (!ok && pruebas)
        cal_nota_salida(p, 8);
    CAL_FIN(ok && pruebas);
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
                             "«%.160s» llega cuando la URL lleva %d FALLO seguidos y ya se había "
                             "avisado de esa racha o aún no tocaba (toca una vez, al 3.º)",
                             linea, seguidos);
                else
                    snprintf(informe, tam,
                             "«%.160s» llega tras una racha de solo %d FALLO %s (solo se avisa "
                             "si la URL estaba en alerta: 3 o más)",
                             linea, antes, plural(antes, "seguido", "seguidos"));
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
{
    cal_esperado(
        "una ALERTA por racha, justo tras el 3.er FALLO seguido y antes del 4.º: una "
        "para la URL que falla siempre (FALLO FALLO FALLO ALERTA FALLO …), dos para la que "
        "falla 3 veces, va bien una y vuelve a fallar (FALLO ×3 ALERTA OK … FALLO ×3 "
        "ALERTA FALLO …) y ninguna para la que va bien (tres URLs opacas); cada línea "
        "respaldada por el registro del servidor");
    opaca_t o[] = {
        {.guion = SIEMPRE(503)},
        {.guion = "\"pasos\": [{\"estado\": 503, \"veces\": 3}, {\"estado\": 200}], "
                  "\"despues\": {\"estado\": 503}"},
        {.guion = SIEMPRE(200)},
    };
    cal_servidor_t *s = servidor_opaco(o, 3);
    if (s == NULL)
        CAL_FIN(0);
    const char *mala = o[0].url, *dos = o[1].url, *buena = o[2].url;
    const char *args[] = {"-i", "150", mala, dos, buena, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    esperar(p, "FALLO", dos, 7, 3500);
    esperar(p, "FALLO", mala, 7, 500);
    dormir(50);
    parar(p, 2000);
    const char *out = cal_salida(p);
    char t1[1024], t2[1024], e1[512], e2[512];
    int a1 = 0, a2 = 0;
    int bien1 = avisos_en_su_sitio(out, mala, "ALERTA", &a1, e1, sizeof e1);
    int bien2 = avisos_en_su_sitio(out, dos, "ALERTA", &a2, e2, sizeof e2);
    int alertas_buena = cal_contar(out, "ALERTA", buena);
    int fallos1 = cal_contar(out, "FALLO", mala), fallos2 = cal_contar(out, "FALLO", dos);
    int ok =
        bien1 && bien2 && fallos1 >= 4 && fallos2 >= 7 && a1 == 1 && a2 == 2 && alertas_buena == 0;
    cal_obtenido("URL que falla siempre: %d ALERTA%s%s (%s); URL de dos rachas: %d ALERTA%s%s "
                 "(%s); URL que va bien: %d ALERTA",
                 a1, bien1 ? "" : ", ", e1, traza(out, mala, t1, sizeof t1), a2, bien2 ? "" : ", ",
                 e2, traza(out, dos, t2, sizeof t2), alertas_buena);
    if (fallos1 < 4 || fallos2 < 7)
        cal_nota("Hubo %d FALLO de la URL que falla siempre y %d de la de dos rachas (con -i 150 "
                 "hacen falta 4 y 7 en unos 3,5 s).",
                 fallos1, fallos2);
    int pruebas = con_pruebas(s, p, o, 3, ALERTAS);
    if (!ok && pruebas)
        cal_nota_salida(p, 12);
    CAL_FIN(ok && pruebas);
}

CAL_PRUEBA(recuperacion, 20)
{
    cal_esperado("para la URL opaca que responde 503 cuatro veces y después 200, una sola "
                 "«RECUPERADO <url> responde de nuevo tras 4 fallos seguidos», justo después del "
                 "primer OK; ninguna para las que fallan solo una o dos veces antes de ir bien "
                 "(no llegaron a estar en alerta); cada línea respaldada por el registro del "
                 "servidor");
    opaca_t o[] = {
        {.guion = FALLA_Y_VUELVE(4)}, {.guion = FALLA_Y_VUELVE(2)}, {.guion = FALLA_Y_VUELVE(1)}};
    cal_servidor_t *s = servidor_opaco(o, 3);
    if (s == NULL)
        CAL_FIN(0);
    const char *u = o[0].url;
    const char *args[] = {"-i", "150", o[0].url, o[1].url, o[2].url, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    esperar(p, "OK", u, 2, 3000);
    dormir(50);
    parar(p, 2000);
    const char *out = cal_salida(p);
    char t[3][1024], e[3][512];
    int r[3] = {0, 0, 0}, bien[3];
    for (int k = 0; k < 3; k++)
        bien[k] = avisos_en_su_sitio(out, o[k].url, "RECUPERADO", &r[k], e[k], sizeof e[k]);
    int ok = bien[0] && bien[1] && bien[2] && r[0] == 1 && cal_contar(out, "FALLO", u) == 4;
    cal_obtenido("tras 4 fallos: %s%s%s; tras 2: %s%s%s; tras 1: %s%s%s",
                 traza(out, o[0].url, t[0], sizeof t[0]), bien[0] ? "" : " — ", e[0],
                 traza(out, o[1].url, t[1], sizeof t[1]), bien[1] ? "" : " — ", e[1],
                 traza(out, o[2].url, t[2], sizeof t[2]), bien[2] ? "" : " — ", e[2]);
    int pruebas = con_pruebas(s, p, o, 3, RECUPERADOS);
    if (!ok && pruebas)
        cal_nota_salida(p, 12);
    CAL_FIN(ok && pruebas);
}

CAL_PRUEBA(sin_duplicados, 20)
{
    cal_esperado("peticiones a la URL lenta (opaca, tarda 1 s) sin solaparse nunca (cada una "
                 "empieza después de que acabe la anterior), al menos 2 de ellas, alguna línea "
                 "OMITIDA de esa URL mientras su petición sigue en marcha y al menos 6 "
                 "peticiones a la rápida (opaca, siempre 200)");
    opaca_t o[] = {{.guion = TARDA(1000)}, {.guion = SIEMPRE(200)}};
    cal_servidor_t *s = servidor_opaco(o, 2);
    if (s == NULL)
        CAL_FIN(0);
    const char *lenta = o[0].url, *rapida = o[1].url;
    const char *args[] = {"-i", "200", "-t", "3000", lenta, rapida, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    dormir(2300);
    parar(p, 2000);

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
                              plural(n, "petición", "peticiones"));
    for (int i = 0; i < n; i++) {
        if (i > 0 && v[i].inicio_ms + 30 < v[i - 1].fin_ms)
            solapes++;
        if (u < sizeof desc - 40 && i < 16)
            u += (size_t)snprintf(desc + u, sizeof desc - u, " [%llu–%llu]",
                                  (unsigned long long)(v[i].inicio_ms - origen),
                                  (unsigned long long)(v[i].fin_ms - origen));
    }
    int omitidas = cal_contar(cal_salida(p), "OMITIDA", lenta);
    int ok = solapes == 0 && n >= 2 && omitidas >= 1 && nr >= 6;
    cal_obtenido("%s; %d se %s con la anterior; %d %s OMITIDA; %d %s a la rápida", desc, solapes,
                 plural(solapes, "solapa", "solapan"), omitidas,
                 plural(omitidas, "línea", "líneas"), nr, plural(nr, "petición", "peticiones"));
    /* Con -t 3000 la lenta (1 s) nunca debería cortarse: si se cortó, el fallo es otro. */
    int cortadas = 0;
    for (int i = 0; i + 1 < n; i++)
        cortadas += v[i].abortada;
    if (cortadas > 0)
        cal_nota("%d %s a la URL lenta se %s antes de su segundo de respuesta, aunque el límite "
                 "era -t 3000: ¿se usa el -t dado? (eso lo juzga también «Límite de tiempo por "
                 "verificación»).",
                 cortadas, plural(cortadas, "petición", "peticiones"),
                 plural(cortadas, "cortó", "cortaron"));
    int pruebas = con_pruebas(s, p, o, 2, OMITIDAS);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}

CAL_PRUEBA(limite_por_verificacion, 20)
{
    const int T = 600;
    cal_esperado("al menos 3 peticiones a la URL opaca (tarda 5 s), cada una cortada por el "
                 "cliente antes de %d ms (límite = intervalo/2 = %d ms), y líneas «FALLO <url> 0 "
                 "<ms> ms …» con <ms> < %d, cada una respaldada por una petición cortada; y con "
                 "«-i 2000 -t 250», otra URL que tarda 5 s cortada antes de 600 ms (el -t dado "
                 "manda sobre la mitad del intervalo)",
                 T * 3 / 4, T / 2, T * 3 / 4);
    opaca_t o[] = {{.guion = TARDA(5000)}, {.guion = TARDA(5000)}};
    cal_servidor_t *s = servidor_opaco(o, 2);
    if (s == NULL)
        CAL_FIN(0);
    /* A la vez, otro monitor con un -t explícito: solo se mira su primera petición en el
     * registro del servidor (se lanza antes para que las líneas fechadas sean las del otro). */
    const char *args_t[] = {"-i", "2000", "-t", "250", o[1].url, NULL};
    cal_proceso_t *pt = monitor(s, args_t, 8, 0);
    if (pt == NULL)
        CAL_FIN(0);
    const char *u = o[0].url;
    const char *args[] = {"-i", "600", u, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Tres FALLO bastan (unos 1,5 s); si no llegan, el tope es el de siempre. */
    esperar(p, "FALLO", u, 3, 3000);
    dormir(50);
    parar(p, 2000);

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
                              plural(n, "petición", "peticiones"));
    for (int i = 0; i < n; i++) {
        long d = (long)(v[i].fin_ms - v[i].inicio_ms);
        /* La última la puede cortar el SIGINT: solo cuentan las cortadas antes de él. */
        if (i < n - 1 && (d >= T * 3 / 4 || !v[i].abortada))
            largas++;
        if (k < sizeof desc - 24 && i < 12)
            k += (size_t)snprintf(desc + k, sizeof desc - k, " %ld%s", d,
                                  v[i].abortada ? "" : "(completa)");
    }
    /* Las líneas FALLO: estado 0 y tiempo por debajo del intervalo. */
    int fallos = cal_contar(cal_salida(p), "FALLO", u), buenas = 0;
    for (int i = 0; i < fallos; i++) {
        char linea[1024], e[32], ms[32];
        cal_linea(cal_salida(p), "FALLO", u, i, linea, sizeof linea);
        if (cal_palabra(linea, 2, e, sizeof e) && cal_palabra(linea, 3, ms, sizeof ms) &&
            strcmp(e, "0") == 0 && strtol(ms, NULL, 10) < T * 3 / 4)
            buenas++;
    }
    cal_peticion_t w[4];
    int nt = cal_registro_ruta(s, o[1].ruta, w, 4);
    /* Su primer ciclo puede llegar tarde (eso lo juzga «intervalo»): se le espera. */
    while (nt == 0 && cal_ahora_ms() < cal_lanzado_ms(pt) + 3500) {
        cal_esperar(20);
        nt = cal_registro_ruta(s, o[1].ruta, w, 4);
    }
    long dt = nt > 0 ? (long)(w[0].fin_ms - w[0].inicio_ms) : -1;
    int con_t = nt > 0 && w[0].abortada && dt < 600;
    cal_matar(pt);
    int ok = n >= 3 && largas == 0 && fallos >= 2 && buenas == fallos && con_t;
    int omitidas = cal_contar(cal_salida(p), "OMITIDA", u);
    char sobre_t[256];
    if (nt <= 0)
        snprintf(sobre_t, sizeof sobre_t, "con -i 2000 -t 250, ninguna petición terminada");
    else
        snprintf(sobre_t, sizeof sobre_t, "con -i 2000 -t 250, la primera petición duró %ld ms%s",
                 dt,
                 con_t           ? ""
                 : w[0].abortada ? " (más de 600: ¿se usa el -t dado?)"
                                 : " y no se cortó (¿se usa el -t dado?)");
    cal_obtenido("%s; %d %s FALLO, %d con estado 0 y menos de %d ms; %d %s OMITIDA; %s", desc,
                 fallos, plural(fallos, "línea", "líneas"), buenas, T * 3 / 4, omitidas,
                 plural(omitidas, "línea", "líneas"), sobre_t);
    int pruebas = con_pruebas(s, p, o, 1, 0);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}

/* Un «sitio inalcanzable» que deja pruebas: escucha en 127.0.0.1 (puerto efímero, en la red de
 * esta verificación) y corta con RST cada conexión en cuanto llega, sin responder. Para el
 * programa es un fallo de conexión como un puerto cerrado; para el calificador, cada intento
 * queda contado (un puerto cerrado de verdad no deja rastro: cualquiera podría imprimir FALLO
 * sin intentarlo). Devuelve el descriptor (y el puerto en `puerto`) o -1. */
static int escuchar_y_cortar(int *puerto)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &n) < 0) {
        close(fd);
        return -1;
    }
    *puerto = ntohs(a.sin_port);
    return fd;
}

/* Acepta y corta (RST) las conexiones pendientes; devuelve cuántas. */
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

CAL_PRUEBA(inalcanzable, 20)
{
    cal_esperado("líneas «FALLO <url> 0 …» para el sitio que corta toda conexión sin responder, "
                 "cada una con su propio intento de conexión (el calificador los cuenta), el "
                 "programa vivo y la otra URL (opaca, siempre 200) comprobándose (al menos 3 OK "
                 "respaldados por el registro del servidor)");
    opaca_t o[] = {{.guion = SIEMPRE(200)}};
    cal_servidor_t *s = servidor_opaco(o, 1);
    if (s == NULL)
        CAL_FIN(0);
    int puerto = 0;
    int escucha = escuchar_y_cortar(&puerto);
    if (escucha < 0) {
        cal_obtenido("no se pudo abrir el puerto que corta conexiones (error del calificador: %s)",
                     strerror(errno));
        CAL_FIN(0);
    }
    char cortada[64];
    snprintf(cortada, sizeof cortada, "http://127.0.0.1:%d/", puerto);
    const char *buena = o[0].url;
    const char *args[] = {"-i", "200", cortada, buena, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL) {
        close(escucha);
        CAL_FIN(0);
    }
    int intentos = 0;
    for (uint64_t fin = cal_ahora_ms() + 1300; cal_ahora_ms() < fin;) {
        dormir(10);
        intentos += cortar_pendientes(escucha);
    }
    int vivo = !cal_termino(p);
    char final[256];
    cal_describir_fin(p, final, sizeof final);
    parar(p, 2000);
    intentos += cortar_pendientes(escucha);
    close(escucha);
    const char *out = cal_salida(p);
    int fallos = cal_contar(out, "FALLO", cortada), oks = cal_contar(out, "OK", buena);
    int con_cero = 0;
    for (int i = 0; i < fallos; i++) {
        char linea[1024], e[32];
        cal_linea(out, "FALLO", cortada, i, linea, sizeof linea);
        if (cal_palabra(linea, 2, e, sizeof e) != NULL && strcmp(e, "0") == 0)
            con_cero++;
    }
    /* Cada FALLO necesita su intento: más líneas que conexiones es imprimir sin intentarlo. */
    int ok = vivo && fallos >= 2 && con_cero == fallos && fallos <= intentos && oks >= 3;
    cal_obtenido("a los 1,3 s el programa %s; %d FALLO del sitio que corta (%d con estado 0) "
                 "para %d %s de conexión; %d OK de la otra URL",
                 vivo ? "seguía vivo" : final, fallos, con_cero, intentos,
                 plural(intentos, "intento", "intentos"), oks);
    if (fallos > intentos)
        cal_nota("Hay más líneas FALLO que intentos de conexión: cada FALLO tiene que venir de "
                 "una verificación de verdad, en cada ciclo.");
    int pruebas = con_pruebas(s, p, o, 1, 0);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}

/* ------------------------------------------------------------------ parada */

/* Comprueba que haya un RESUMEN por URL y que cuadre con sus líneas OK/FALLO. */
static int resumen_coherente(const char *out, const char *const *urls, int n, char *informe,
                             size_t tam)
{
    size_t u = 0;
    int ok = 1;
    informe[0] = '\0';
    for (int i = 0; i < n; i++) {
        int v = 0, c = 0, f = 0;
        int r = leer_resumen(out, urls[i], &v, &c, &f);
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
            if (resumenes != 1)
                w = snprintf(informe + u, tam - u,
                             "%s%s: %d líneas RESUMEN (tiene que haber una sola por URL)",
                             u ? "; " : "", urls[i], resumenes);
            else
                w = snprintf(informe + u, tam - u,
                             "%s%s: RESUMEN dice verificaciones=%d correctas=%d fallos=%d pero "
                             "hubo %d OK y %d FALLO",
                             u ? "; " : "", urls[i], v, c, f, oks, fallos);
            ok = 0;
        } else {
            w = snprintf(informe + u, tam - u, "%s%s: verificaciones=%d correctas=%d fallos=%d",
                         u ? "; " : "", urls[i], v, c, f);
        }
        if (w > 0 && (size_t)w < tam - u)
            u += (size_t)w;
    }
    return ok;
}

/* Comprueba que ningún RESUMEN de `o` cuente más de lo que el servidor atendió: las peticiones
 * registradas a esa URL, sin las cortadas al parar (las que acabaron cortadas después de la
 * señal, enviada en `senal_ms`). Devuelve 1, o 0 y lo anota (sustituye a «Obtenido»). */
static int resumen_respaldado(cal_servidor_t *s, cal_proceso_t *p, const opaca_t *o, int n,
                              uint64_t senal_ms)
{
    static cal_peticion_t v[MAX_PETICIONES];
    for (int k = 0; k < n; k++) {
        int vr = 0, c = 0, f = 0;
        if (leer_resumen(cal_salida(p), o[k].url, &vr, &c, &f) < 0)
            continue; /* sin RESUMEN legible: ya lo dice resumen_coherente */
        int m = cal_registro_ruta(s, o[k].ruta, v, MAX_PETICIONES);
        if (m > MAX_PETICIONES)
            m = MAX_PETICIONES;
        int buenas = 0, malas = 0;
        for (int j = 0; j < m; j++) {
            if (v[j].abortada && v[j].fin_ms + 50 >= senal_ms)
                continue; /* cancelada al parar: no cuenta */
            if (!v[j].abortada && v[j].estado < 400)
                buenas++;
            else
                malas++;
        }
        if (vr > buenas + malas || c > buenas || f > malas) {
            cal_obtenido("«RESUMEN %s verificaciones=%d correctas=%d fallos=%d» cuenta más de lo "
                         "que el servidor atendió: registró %d peticiones terminadas a esa URL "
                         "(%d correctas y %d fallidas; las canceladas al parar no cuentan)",
                         o[k].url, vr, c, f, buenas + malas, buenas, malas);
            cal_nota_salida(p, 10);
            return 0;
        }
    }
    return 1;
}

CAL_PRUEBA(sigint, 20)
{
    cal_esperado("con SIGINT: código 0 en menos de 2 s (la petición a la URL lenta, opaca, que "
                 "tarda 10 s, se cancela), una línea RESUMEN por URL que cuadre con sus OK/FALLO "
                 "y con lo que registró el servidor, y ninguna petición nueva después de la "
                 "señal");
    opaca_t o[] = {{.guion = TARDA(10000)}, {.guion = SIEMPRE(200)}};
    cal_servidor_t *s = servidor_opaco(o, 2);
    if (s == NULL)
        CAL_FIN(0);
    const char *lenta = o[0].url, *rapida = o[1].url;
    const char *args[] = {"-i", "300", "-t", "20000", lenta, rapida, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    dormir(1000);
    char fin[256];
    if (cal_termino(p)) {
        cal_obtenido("el programa ya había terminado antes de la señal: %s",
                     cal_describir_fin(p, fin, sizeof fin));
        cal_nota_salida(p, 10);
        CAL_FIN(0);
    }
    uint64_t senal = cal_ahora_ms();
    cal_senal(p, SIGINT);
    int termino = esperar_fin(p, 2000);
    cal_describir_fin(p, fin, sizeof fin);
    long tardo = termino ? (long)(cal_terminado_ms(p) - senal) : -1;
    const cal_peticion_t *v;
    int n = cal_registro(s, &v), despues = 0;
    for (int i = 0; i < n; i++)
        if (v[i].inicio_ms > senal + 150)
            despues++;
    const char *urls[] = {lenta, rapida};
    char resumen[2048];
    int coherente = resumen_coherente(cal_salida(p), urls, 2, resumen, sizeof resumen);
    int ok = termino && cal_codigo(p) == 0 && coherente && despues == 0;
    if (termino)
        cal_obtenido("%s a los %ld ms de la señal; %s; %d %s después de la señal", fin, tardo,
                     resumen, despues, plural(despues, "petición", "peticiones"));
    else
        cal_obtenido("a los 2 s de SIGINT el programa %s; %s", fin, resumen);
    dormir(150); /* el servidor anota la petición cancelada al ver cerrarse la conexión */
    int pruebas = con_pruebas(s, p, o, 2, 0) && resumen_respaldado(s, p, o, 2, senal);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}

CAL_PRUEBA(sigterm, 20)
{
    cal_esperado("con SIGTERM: código 0 en menos de 2 s y la línea RESUMEN, que cuadre con lo "
                 "que registró el servidor (URL opaca, siempre 200)");
    opaca_t o[] = {{.guion = SIEMPRE(200)}};
    cal_servidor_t *s = servidor_opaco(o, 1);
    if (s == NULL)
        CAL_FIN(0);
    const char *u = o[0].url;
    const char *args[] = {"-i", "200", u, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    dormir(800);
    char fin[256];
    int vivo = !cal_termino(p);
    uint64_t senal = cal_ahora_ms();
    cal_senal(p, SIGTERM);
    int termino = esperar_fin(p, 2000);
    cal_describir_fin(p, fin, sizeof fin);
    const char *urls[] = {u};
    char resumen[1024];
    int coherente = resumen_coherente(cal_salida(p), urls, 1, resumen, sizeof resumen);
    int ok = vivo && termino && cal_codigo(p) == 0 && coherente;
    cal_obtenido("%s%s; %s", vivo ? "" : "ya había terminado antes de la señal: ", fin, resumen);
    dormir(150);
    int pruebas = con_pruebas(s, p, o, 1, 0) && resumen_respaldado(s, p, o, 1, senal);
    if (!ok && pruebas)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && pruebas);
}

/* Suma de los <ms> de las líneas OK/FALLO de `u` en *suma; devuelve cuántas hay. */
static int tiempos_de(const char *salida, const char *u, long *suma)
{
    static const char *tipos[] = {"OK", "FALLO"};
    int n = 0;
    *suma = 0;
    for (int t = 0; t < 2; t++)
        for (int i = 0;; i++) {
            char linea[1024], w[64], *fin = NULL;
            if (cal_linea(salida, tipos[t], u, i, linea, sizeof linea) < 0)
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
{
    cal_esperado("en cada «RESUMEN <url> … media=<x> ms», <x> con un decimal y igual (±0,55 ms) a "
                 "la media de los <ms> de las líneas OK y FALLO de esa URL, y cada <ms> medido de "
                 "verdad: entre lo que tardó su petición en el servidor y lo que pasó hasta verse "
                 "la línea (tres URLs opacas, una que falla, con tiempos al azar en cada "
                 "petición, unos cortos y otros de 120 a 220 ms; SIGINT cuando alguna de esas "
                 "medias tiene una parte decimal de 0,6 o más)");
    /* Retrasos nuevos en cada calificación (el calificador se puede leer: fijos, se sabrían de
     * antemano), mezcla de cortos y largos para que un <ms> inventado no case con todos. */
    int r[3][16];
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 16; i++) {
            uint32_t a = 0;
            if (getrandom(&a, sizeof a, 0) != (ssize_t)sizeof a)
                a = (uint32_t)(k * 131 + i * 977 + 12345) * 2654435761u;
            r[k][i] = a % 2 == 0 ? 3 + (int)(a / 2 % 38) : 120 + (int)(a / 2 % 101);
        }
    static char ga[1024], gb[1024], gc[1024];
    variados(ga, sizeof ga, 200, r[0], 16);
    variados(gb, sizeof gb, 503, r[1], 16);
    variados(gc, sizeof gc, 200, r[2], 16);
    opaca_t o[] = {{.guion = ga}, {.guion = gb}, {.guion = gc}};
    cal_servidor_t *s = servidor_opaco(o, 3);
    if (s == NULL)
        CAL_FIN(0);
    const char *args[] = {"-i", "300", "-t", "290", o[0].url, o[1].url, o[2].url, NULL};
    cal_proceso_t *p = monitor(s, args, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Se para justo después de una línea que deja la media de su URL con decimales ≥ 0,6: la
     * siguiente de esa URL no llega hasta el ciclo siguiente, así que su media ya no cambia. */
    int propicio = 0;
    for (uint64_t fin = cal_ahora_ms() + 4000;
         !propicio && !cal_termino(p) && cal_ahora_ms() < fin;) {
        dormir(5);
        for (int k = 0; k < 3 && !propicio; k++) {
            long suma = 0;
            int n = tiempos_de(cal_salida(p), o[k].url, &suma);
            propicio = n >= 3 && (suma % n) * 10 >= 6L * n;
        }
    }
    /* Aquí solo se juzga la media: si SIGINT no lo para (eso lo juzga «sigint»), SIGTERM. */
    cal_senal(p, SIGINT);
    if (!esperar_fin(p, 1000))
        cal_senal(p, SIGTERM);
    esperar_fin(p, 1500);
    dormir(150);
    const char *out = cal_salida(p);
    char informe[2048];
    size_t u = 0;
    int ok = 1;
    for (int k = 0; k < 3; k++) {
        long suma = 0;
        int n = tiempos_de(out, o[k].url, &suma);
        char linea[1024], w[64] = "";
        int w_;
        const char *nombre = k == 0 ? "la 1.ª" : k == 1 ? "la 2.ª (falla)" : "la 3.ª";
        if (cal_linea(out, "RESUMEN", o[k].url, 0, linea, sizeof linea) < 0) {
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
            int bien =
                n > 0 ? forma && media - esperada <= 0.55 + 1e-9 && esperada - media <= 0.55 + 1e-9
                      : x != NULL && strcmp(x, "-") == 0;
            if (n > 0)
                w_ = snprintf(informe + u, sizeof informe - u,
                              "%s%s: %s; la media de sus %d %s es %.2f%s", u > 0 ? "; " : "",
                              nombre, w, n, n == 1 ? "tiempo" : "tiempos", esperada,
                              bien    ? ""
                              : forma ? " (no cuadra)"
                                      : " (se esperaba «media=<x>» con un decimal)");
            else
                w_ =
                    snprintf(informe + u, sizeof informe - u, "%s%s: %s sin ninguna verificación%s",
                             u > 0 ? "; " : "", nombre, w, bien ? "" : " (se esperaba «media=-»)");
            ok &= bien;
        }
        if (w_ > 0 && (size_t)w_ < sizeof informe - u)
            u += (size_t)w_;
    }
    cal_obtenido("%s", informe);
    int pruebas = con_pruebas(s, p, o, 3, TIEMPOS);
    if (!ok && pruebas)
        cal_nota_salida(p, 8);
    CAL_FIN(ok && pruebas);
}

CAL_PRUEBA(valgrind, 40)
{
    cal_esperado("código 0 tras SIGINT, «ERROR SUMMARY: 0 errors» y sin fugas definitivas ni "
                 "indirectas");
    opaca_t o[] = {{.guion = SIEMPRE(200)}, {.guion = TARDA(3000)}};
    cal_servidor_t *s = servidor_opaco(o, 2);
    if (s == NULL)
        CAL_FIN(0);
    const char *rapida = o[0].url, *lenta = o[1].url;
    const char *args[] = {"-i", "500", "-t", "20000", rapida, lenta, NULL};
    cal_proceso_t *p = monitor(s, args, 40, 1);
    if (p == NULL)
        CAL_FIN(0);
    /* valgrind tarda en arrancar, y mucho más en una máquina cargada (una clase entera
     * calificándose a la vez): se espera al primer OK hasta 20 s y luego un poco más. Si a los
     * 12 s el servidor no ha recibido ni una petición, no hace falta esperar más. */
    int arranco = 0;
    for (int espera = 0; espera < 20000 && !arranco && !cal_termino(p); espera += 250) {
        arranco = esperar(p, "OK", rapida, 1, 250);
        const cal_peticion_t *v;
        if (espera >= 12000 && cal_registro(s, &v) == 0)
            break;
    }
    dormir(1000);
    char fin[256];
    if (!arranco || cal_termino(p)) {
        int oks = cal_contar(cal_salida(p), "OK", NULL);
        cal_obtenido("bajo valgrind, el programa no llegó a vigilar: %s, %d %s OK",
                     cal_describir_fin(p, fin, sizeof fin), oks, plural(oks, "línea", "líneas"));
        cal_nota_salida(p, 8);
        cal_valgrind_nota(p);
        CAL_FIN(0);
    }
    cal_senal(p, SIGINT);
    int termino = esperar_fin(p, 6000);
    char motivo[256];
    int limpio = cal_valgrind_veredicto(p, motivo, sizeof motivo);
    int ok = termino && cal_codigo(p) == 0 && limpio;
    cal_obtenido("%s; %s", cal_describir_fin(p, fin, sizeof fin), motivo);
    if (!ok) {
        cal_valgrind_nota(p);
        cal_nota_salida(p, 6);
    }
    /* Sin peticiones de verdad no hay nada que medir: las líneas tienen que tener respaldo. */
    dormir(150);
    CAL_FIN(con_pruebas(s, p, o, 2, 0) && ok);
}
