/* comun.c — las ayudas de las verificaciones del monitor (ver comun.h): lanzar el programa,
 * las rutas opacas del servidor y el cotejo de cada línea de su salida (fechada por la
 * biblioteca: cal_linea_vista_ms) con su registro.
 */
#include <criterion/criterion.h>

#include "comun.h"
#include "curso/errores.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------------ ayudas */

/* URL completa del servidor `s` para `ruta`, en un búfer rotatorio (vale para varias a la vez). */
const char *mon_url(cal_servidor_t *s, const char *ruta)
{
    static char bufs[8][600];
    static int i;
    char *b = bufs[i++ % 8];
    snprintf(b, sizeof bufs[0], "%s%s", cal_servidor_url(s), ruta);
    return b;
}

void mon_urls_invalidas(cal_servidor_t *s, const char *urls[MON_URLS_INVALIDAS])
{
    /* Empiezan por «http» pero no son URL: sin «://», sin servidor (lo que sigue a «http://»
     * es «/», o nada) y, detrás, las dos con un espacio (el enunciado no lo deja ni en las
     * que se completan). */
    static const char *const fijas[] = {"ftp://127.0.0.1/archivo", "httpfoo", "http:///x",
                                        "http://", "https://"};
    _Static_assert(sizeof fijas / sizeof fijas[0] + 2 == MON_URLS_INVALIDAS,
                   "MON_URLS_INVALIDAS: las fijas y las dos con un espacio");
    int k = 0;
    for (size_t i = 0; i < sizeof fijas / sizeof fijas[0]; i++)
        urls[k++] = fijas[i];
    urls[k++] = mon_url(s, "/a b");
    urls[k] = "/a b";
}

/* «monitor arg1 arg2 …» en `buf`. */
void mon_unir(const char *const *args, char *buf, size_t tam)
{
    size_t n = (size_t)snprintf(buf, tam, "monitor");
    for (int i = 0; args[i] != NULL && n < tam - 4; i++) {
        int w = strchr(args[i], ' ') != NULL ? snprintf(buf + n, tam - n, " '%s'", args[i])
                                             : snprintf(buf + n, tam - n, " %s", args[i]);
        if (w > 0)
            n += (size_t)w;
    }
}

/* El plazo de arranque de cada programa lanzado en esta verificación (cada una corre en su
 * proceso): ARRANQUE_MS desde su lanzamiento, con el reloj de los topes. Un programa que en ese
 * tiempo no ha dado ni un ciclo no va a dar los que se esperan después (el esqueleto, un
 * programa que no arranca su temporizador): sus esperas acaban ahí en vez de agotar cada una su
 * plazo, que llegaban a sumar 17 s en una verificación sin cambiar el veredicto. */
#define MAX_ARRANQUES 8
static struct {
    const cal_proceso_t *p;
    plazo_t plazo;
} arranques[MAX_ARRANQUES];
static int narranques;

static void anotar_arranque(const cal_proceso_t *p)
{
    if (narranques == MAX_ARRANQUES)
        return; /* sin anotar: sus esperas agotan su plazo, como antes */
    arranques[narranques].p = p;
    plazo_empezar(&arranques[narranques].plazo, ARRANQUE_MS);
    narranques++;
}

/* 1 si `p` lleva ARRANQUE_MS lanzado sin un solo ciclo (de ninguna URL): no hay que esperarle. */
static int sin_arrancar(cal_proceso_t *p)
{
    for (int i = 0; i < narranques; i++) {
        if (arranques[i].p == p)
            return plazo_vencido(&arranques[i].plazo) && !mon_ciclo_visto(p, NULL);
    }
    return 0;
}

/* Lanza el monitor con `args`. NULL si no se pudo (cal_lanzar lo anota, y la orden). */
static cal_proceso_t *lanzar(cal_servidor_t *s, const char *const *args, double limite_s,
                             int valgrind, int cierre, int con_variable)
{
    static char entorno_url[128];
    snprintf(entorno_url, sizeof entorno_url, "CURSO_SERVIDOR=%s",
             s != NULL ? cal_servidor_url(s) : "http://127.0.0.1:9");
    const char *entorno[] = {entorno_url, NULL};
    cal_lanzamiento_t l = {.args = args,
                           .entorno = con_variable ? entorno : NULL,
                           .limite_s = limite_s,
                           .valgrind = valgrind,
                           .cierre = cierre};
    cal_proceso_t *p = NULL;
    if (cal_lanzar(&l, &p) < 0)
        return NULL;
    anotar_arranque(p);
    return p;
}

cal_proceso_t *mon_lanzar(cal_servidor_t *s, const char *const *args, double limite_s, int valgrind)
{
    return lanzar(s, args, limite_s, valgrind, 0, 1);
}

cal_proceso_t *mon_lanzar_vigilando_cierre(cal_servidor_t *s, const char *const *args,
                                           double limite_s)
{
    return lanzar(s, args, limite_s, 0, 1, 1);
}

cal_proceso_t *mon_lanzar_sin_variable(const char *const *args, double limite_s)
{
    return lanzar(NULL, args, limite_s, 0, 0, 0);
}

/* Secuencia compacta de las líneas de `u`: «FALLO FALLO FALLO ALERTA OK RECUPERADO», o
 * «ninguna línea para esa URL» (quien la cita pone los paréntesis si los quiere). */
const char *mon_traza(const char *salida, const char *u, char *buf, size_t tam)
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
        snprintf(buf, tam, "ninguna línea para esa URL");
    return buf;
}

/* Las esperas de aquí miden con el reloj de los topes (plazo_t): el límite del programa se mide
 * igual, y un plazo de reloj se acababa antes con la máquina cargada (make test de la sesión 59:
 * la solución sin «alerta_tres_fallos» en una clase). Antes de la parada, mon_salida es la
 * salida entera: la espera es la de la biblioteca. */
int mon_esperar(cal_proceso_t *p, const char *tipo, const char *u, int n, int max_ms)
{
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    for (;;) {
        /* A tramos cortos: entre uno y otro se mira si el programa sigue sin arrancar. */
        if (cal_esperar_lineas(p, tipo, u, n, 100))
            return 1;
        if (cal_termino(p) || plazo_vencido(&plazo) || sin_arrancar(p))
            return cal_esperar_lineas(p, tipo, u, n, 0);
    }
}

void mon_mirar(int ms)
{
    plazo_t plazo;
    plazo_empezar(&plazo, ms);
    while (!plazo_vencido(&plazo))
        cal_esperar(10);
}

int mon_ciclo_visto(const cal_proceso_t *p, const char *u)
{
    const char *out = mon_salida(p);
    return cal_contar(out, "OK", u) > 0 || cal_contar(out, "FALLO", u) > 0;
}

int mon_primer_ciclo(cal_proceso_t *p, const char *u)
{
    plazo_t plazo;
    plazo_empezar(&plazo, ARRANQUE_MS);
    for (;;) {
        if (mon_ciclo_visto(p, u))
            return 1;
        if (cal_termino(p) || plazo_vencido(&plazo) || sin_arrancar(p))
            return mon_ciclo_visto(p, u);
        cal_esperar(10);
    }
}

/* Las paradas de esta verificación (cada una corre en su proceso): a qué programa mandó
 * mon_parar su SIGINT y cuándo, y la salida de ese programa hasta el primer RESUMEN que llegó
 * después (mon_salida: una copia, que se rehace si la salida creció). */
#define MAX_PARADAS 8
static struct {
    const cal_proceso_t *p;
    uint64_t senal_ms;
    size_t largo;
    char *corte;
} paradas[MAX_PARADAS];
static int nparadas;

static int parada_de(const cal_proceso_t *p)
{
    for (int i = 0; i < nparadas; i++)
        if (paradas[i].p == p)
            return i;
    return -1;
}

void mon_anotar_parada(const cal_proceso_t *p)
{
    if (parada_de(p) >= 0 || nparadas >= MAX_PARADAS)
        return;
    paradas[nparadas].p = p;
    paradas[nparadas].senal_ms = cal_ahora_ms();
    paradas[nparadas].largo = 0;
    paradas[nparadas].corte = NULL;
    nparadas++;
}

/* SIGINT y espera al final (y 150 ms más: el servidor anota las peticiones cortadas al ver
 * cerrarse la conexión, y eso es lo que respalda un FALLO con estado 0). Si no para, se mata
 * (y queda como «el calificador lo mató», que ninguna verificación da por bueno): así el
 * servidor cierra sus conexiones y las apunta en el registro antes de que se coteje una sola
 * línea con él. */
void mon_parar(cal_proceso_t *p, int max_ms)
{
    mon_anotar_parada(p);
    cal_senal(p, SIGINT);
    cal_esperar_fin(p, max_ms);
    if (!cal_termino(p))
        cal_matar(p);
    cal_esperar(150);
}

const char *mon_salida(const cal_proceso_t *p)
{
    const char *out = cal_salida(p);
    int k = parada_de(p);
    if (k < 0)
        return out;
    size_t largo = strlen(out);
    if (paradas[k].corte != NULL && paradas[k].largo == largo)
        return paradas[k].corte;
    const char *c = out;
    for (int num = 0; *c != '\0'; num++) {
        const char *fin = strchr(c, '\n');
        uint64_t visto = cal_linea_vista_ms(p, 1, num);
        if (strncmp(c, "RESUMEN", 7) == 0 && visto >= paradas[k].senal_ms) {
            char *corte = strndup(out, (size_t)(c - out));
            if (corte == NULL)
                return out;
            free(paradas[k].corte);
            paradas[k].corte = corte;
            paradas[k].largo = largo;
            return corte;
        }
        if (fin == NULL)
            break;
        c = fin + 1;
    }
    return out;
}

uint64_t mon_parada_ms(const cal_proceso_t *p)
{
    int k = parada_de(p);
    return k < 0 ? 0 : paradas[k].senal_ms;
}

/* ------------------------------------------------------------------ rutas opacas y pruebas */

/* Arranca el servidor de esta verificación con las rutas opacas `o` (inventa sus rutas y
 * rellena sus URLs). NULL si no pudo (ya anotado). */
cal_servidor_t *mon_servidor_opaco(opaca_t *o, int n)
{
    char guion[4096];
    size_t u = (size_t)snprintf(guion, sizeof guion, "{");
    for (int i = 0; i < n; i++) {
        int r = cal_ruta_opaca(o[i].ruta, sizeof o[i].ruta);
        for (int t = 0; r == 0 && o[i].larga && t < 3; t++) {
            char tramo[48];
            r = cal_ruta_opaca(tramo, sizeof tramo);
            size_t largo = strlen(o[i].ruta);
            if (r == 0)
                snprintf(o[i].ruta + largo, sizeof o[i].ruta - largo, "/%s", tramo + 3);
        }
        if (r < 0) {
            cal_obtenido("no se pudo generar una ruta opaca (error del calificador: %s)",
                         error_texto(r));
            return NULL;
        }
        int w = snprintf(guion + u, sizeof guion - u, "%s\"%s\": {%s}", i > 0 ? ", " : "",
                         o[i].ruta, o[i].guion);
        if (w > 0 && (size_t)w < sizeof guion - u)
            u += (size_t)w;
    }
    snprintf(guion + u, sizeof guion - u, "}");
    cal_servidor_t *s = NULL;
    if (cal_servidor_guion(guion, &s) < 0)
        return NULL;
    for (int i = 0; i < n; i++)
        snprintf(o[i].url, sizeof o[i].url, "%s%s", cal_servidor_url(s), o[i].ruta);
    return s;
}

/* ¿La petición `v` respalda una línea con estado `estado`? (0 = sin respuesta: cortada) */
int mon_casa_estado(const cal_peticion_t *v, int estado)
{
    return estado == 0 ? v->abortada : !v->abortada && v->estado == estado;
}

/* Con TIEMPOS, el <ms> de cada línea tiene que ser lo que tardó de verdad su petición: nunca
 * menos que lo que el servidor tardó en responderla (2 ms de redondeo), y no más que desde
 * que el servidor la recibió hasta que la línea apareció, más TECHO_MS (lo que el programa
 * pudo tardar en enviarla con la máquina cargada). */
#define TECHO_MS 150
/* Lo más que puede tardar en verse una línea desde que el servidor acabó su petición. */
#define TARDE_MS 2000

/* Comprueba el <ms> de `linea`, respaldada por la petición `v` y vista en `t`. 1 si es
 * creíble; si no, 0 y la explicación en `informe` (-1 si ni siquiera es un entero, o si la
 * línea llegó tarde: un fallo de forma, no de medida). */
static int tiempo_respaldado(const char *linea, int num, const cal_peticion_t *v, uint64_t t,
                             char *informe, size_t tam)
{
    char w[32];
    char *fin = NULL;
    long ms = cal_palabra(linea, 3, w, sizeof w) != NULL ? strtol(w, &fin, 10) : -1;
    long dur = (long)(v->fin_ms - v->inicio_ms);
    long techo = (long)t - (long)v->inicio_ms + TECHO_MS;
    /* Una petición cortada la da por terminada el servidor cuando ve la conexión cerrada,
     * algo después de que el programa la corte: ahí el suelo es la cuarta parte (no cero: el
     * estudiante de prueba de la sesión 32 imprimía «0 ms» en cada FALLO sin respuesta). */
    long suelo = v->abortada ? dur / 4 : dur - 2;
    /* «En cuanto ocurre»: una línea que llega segundos después de que el servidor acabara su
     * petición esperaba en el búfer de stdout (sin el setvbuf del programa de partida, una
     * tubería recibe las líneas por bloques, o al salir). Con la máquina cargada el
     * calificador puede tardar en leer, pero no tanto. */
    long tarde = (long)t - (long)v->fin_ms;
    if (fin != NULL && fin != w && *fin == '\0' && ms >= suelo && ms <= techo && tarde > TARDE_MS) {
        snprintf(informe, tam,
                 "la línea %d («%.200s») se vio %ld ms después de que el servidor acabara su "
                 "petición (se aceptan hasta %d): cada línea tiene que salir en cuanto ocurre. "
                 "¿Falta setvbuf(stdout, NULL, _IOLBF, 0), como en el programa de partida? Sin "
                 "él, una tubería recibe las líneas por bloques o al salir",
                 num + 1, linea, tarde, TARDE_MS);
        return -1;
    }
    if (fin != NULL && fin != w && *fin == '\0' && ms >= suelo && ms <= techo)
        return 1;
    /* Un «134.8» o un «3s» no es una medida mala sino un formato malo: se dice eso, no que
     * el tiempo no se midiera. */
    if (fin == NULL || fin == w || *fin != '\0') {
        snprintf(informe, tam,
                 "la línea %d («%.200s») no da <ms> como un número entero de milisegundos "
                 "(«%s»; el formato es «%s <url> <estado> <ms> ms …», con lround)",
                 num + 1, linea, w, strncmp(linea, "OK", 2) == 0 ? "OK" : "FALLO");
        return -1;
    }
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
 * esa URL en curso; con COMPLETAS, cada petición terminada a tiempo con su línea. Devuelve 1, o 0
 * con la explicación en `informe` (-1 si lo que falla es el formato de un <ms> o una petición sin
 * su línea, no el respaldo de una línea). */
int mon_respaldadas(cal_servidor_t *s, cal_proceso_t *p, const opaca_t *o, int n, int que,
                    char *informe, size_t tam)
{
    const char *out = mon_salida(p);
    static cal_peticion_t v[MAX_PETICIONES];
    int casadas = 0;
    /* Lo de después de la parada lo juzga sigint: una petición que acaba después del SIGINT
     * no necesita su línea (COMPLETAS). */
    uint64_t final = cal_termino(p) ? cal_terminado_ms(p) : cal_ahora_ms();
    if (mon_parada_ms(p) != 0 && mon_parada_ms(p) < final)
        final = mon_parada_ms(p);
    for (int k = 0; k < n; k++) {
        int m = cal_registro_ruta(s, o[k].ruta, v, MAX_PETICIONES);
        if (m > MAX_PETICIONES)
            m = MAX_PETICIONES;
        int siguiente = 0, seguidos = 0, ok_tras_fallos = 0, de_esta = 0;
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
            /* La última, sin \n, aún no tiene fecha: se ve ahora. */
            uint64_t t = cal_linea_vista_ms(p, 1, num);
            if (t == 0)
                t = cal_ahora_ms();
            if (strcmp(tipo, "OK") == 0 || strcmp(tipo, "FALLO") == 0) {
                char *resto = NULL;
                long estado =
                    cal_palabra(linea, 2, e, sizeof e) != NULL ? strtol(e, &resto, 10) : -1;
                int j = siguiente;
                if (resto != NULL && *resto == '\0' && resto != e)
                    for (; j < m; j++)
                        if (mon_casa_estado(&v[j], (int)estado) &&
                            v[j].inicio_ms <= t + HOLGURA_MS && v[j].fin_ms <= t + HOLGURA_MS)
                            break;
                if (resto == NULL || *resto != '\0' || resto == e) {
                    snprintf(informe, tam, "la línea %d («%.200s») no tiene un <estado> numérico",
                             num + 1, linea);
                    return 0;
                }
                if (j >= m) {
                    snprintf(informe, tam,
                             "la línea %d («%.200s») dice estado %s, pero el servidor no "
                             "registró ninguna petición %s a esa URL en ese momento (tiene "
                             "registradas en total: %d; ya casadas con líneas anteriores: %d)",
                             num + 1, linea, e,
                             strcmp(e, "0") == 0 ? "cortada sin respuesta"
                                                 : "respondida con ese estado",
                             m, siguiente);
                    return 0;
                }
                int medido =
                    (que & TIEMPOS) ? tiempo_respaldado(linea, num, &v[j], t, informe, tam) : 1;
                if (medido <= 0)
                    return medido;
                siguiente = j + 1;
                casadas++;
                de_esta++;
                if (strcmp(tipo, "FALLO") == 0) {
                    seguidos++;
                    ok_tras_fallos = 0;
                } else {
                    ok_tras_fallos = 1;
                    seguidos = 0;
                }
            } else if ((que & ALERTAS) && strcmp(tipo, "ALERTA") == 0 && seguidos < 3) {
                snprintf(informe, tam,
                         "la línea %d («%.200s») llega tras solo %d FALLO %s por el "
                         "registro del servidor (hacen falta 3 seguidos: un OK vuelve a poner "
                         "la cuenta a 0)",
                         num + 1, linea, seguidos,
                         texto_plural(seguidos, "seguido respaldado", "seguidos respaldados"));
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
                             "la línea %d («%.200s») dice que la comprobación anterior sigue en "
                             "curso, pero el servidor no tenía ninguna petición a esa URL en "
                             "curso en ese momento (si esperaba en la cola del cliente HTTP sin "
                             "llegar al servidor, es el tope del cliente lo que frena: lo juzga "
                             "«Las comprobaciones de un ciclo van a la vez»)",
                             num + 1, linea);
                    return 0;
                }
            }
        }
        int terminadas = 0;
        for (int j = 0; j < m; j++)
            if (v[j].fin_ms + COMPLETAS_MS <= final)
                terminadas++;
        if ((que & COMPLETAS) && de_esta < terminadas) {
            char cuantas[64] = "ninguna tiene";
            if (de_esta > 0)
                snprintf(cuantas, sizeof cuantas, "solo %d %s", de_esta,
                         texto_plural(de_esta, "tiene", "tienen"));
            snprintf(informe, tam,
                     "el servidor terminó %d %s a %s al menos %.0f s antes de que el programa "
                     "acabara, y %s su línea OK/FALLO: cada comprobación que termina se imprime",
                     terminadas, texto_plural(terminadas, "petición", "peticiones"), o[k].url,
                     COMPLETAS_MS / 1000.0, cuantas);
            return -1; /* no es una línea sin respaldo, sino una petición sin línea */
        }
    }
    snprintf(informe, tam,
             "cotejo con el registro del servidor: %d %s OK/FALLO, cada una "
             "con su propia petición a su URL y el mismo estado",
             casadas, texto_plural(casadas, "línea", "líneas"));
    return 1;
}

/* Si las líneas de `o` no tienen respaldo, lo anota (sustituye a «Obtenido») y devuelve 0. */
int mon_con_pruebas(cal_servidor_t *s, cal_proceso_t *p, const opaca_t *o, int n, int que)
{
    char informe[1024];
    int r = mon_respaldadas(s, p, o, n, que, informe, sizeof informe);
    if (r > 0) {
        cal_nota("%s.", informe);
        return 1;
    }
    if (r < 0) {
        cal_obtenido("%s", informe);
        cal_nota_salida(p, 12);
        return 0;
    }
    /* «no casa», no «sin respaldo»: también llega aquí una línea con su petición y un <ms>
     * que no es el suyo, o una ALERTA tras un OK (la ronda de estudiantes del 05-12-2026 leía
     * «sin respaldo» y buscaba una petición que faltara). Lo que falla lo dice `informe`. */
    cal_obtenido("una línea no casa con lo que registró el servidor: %s", informe);
    cal_nota("Cada línea se coteja con lo que el servidor atendió de verdad: cada OK/FALLO tiene "
             "que venir de una petición HTTP hecha por el programa, con el estado que devolvió el "
             "servidor y el tiempo que tardó.");
    cal_nota_salida(p, 12);
    return 0;
}

/* Pide los campos de «RESUMEN url comprobaciones=N correctas=C fallos=F …». */
int mon_leer_resumen(const char *salida, const char *u, int *v, int *c, int *f)
{
    char linea[1024], w[3][128];
    if (cal_linea(salida, "RESUMEN", u, 0, linea, sizeof linea) < 0)
        return -1;
    if (cal_palabra(linea, 2, w[0], sizeof w[0]) == NULL ||
        cal_palabra(linea, 3, w[1], sizeof w[1]) == NULL ||
        cal_palabra(linea, 4, w[2], sizeof w[2]) == NULL)
        return -2;
    if (sscanf(w[0], "comprobaciones=%d", v) != 1 || sscanf(w[1], "correctas=%d", c) != 1 ||
        sscanf(w[2], "fallos=%d", f) != 1)
        return -2;
    return 0;
}

int mon_sitio_mudo(int escuchar, const char *ruta, char *url, size_t tam)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        (escuchar && listen(fd, 64) < 0) || getsockname(fd, (struct sockaddr *)&a, &n) < 0) {
        int e = -errno;
        if (fd >= 0)
            close(fd);
        cal_obtenido("no se pudo reservar un puerto de 127.0.0.1 para el sitio «%s» (error del "
                     "calificador: %s)",
                     ruta, error_texto(e));
        return -1;
    }
    snprintf(url, tam, "http://127.0.0.1:%d%s", ntohs(a.sin_port), ruta);
    return fd;
}
