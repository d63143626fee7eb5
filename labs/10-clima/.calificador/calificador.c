/* calificador.c — calificador oculto del laboratorio 10 (agregador de APIs del clima).
 *
 * Caja negra: el programa del estudiante corre aparte (cal_lanzar) contra un servidor de
 * práctica propio de cada verificación, con un archivo de proveedores que escribe el
 * calificador. Se juzga por lo que se ve desde fuera:
 *   - el registro del servidor: qué (ciudad, proveedor) se pidió, con qué ciudad decodificada,
 *     cuándo empezó y terminó cada petición (solapes, tope -c, cortes por -t);
 *   - cada número impreso, comparado con el que el calificador calcula a partir del MISMO
 *     documento que sirve el servidor (lo pide él mismo antes de lanzar el programa);
 *   - los motivos de error donde el enunciado los fija (estado, tiempo, línea y columna,
 *     «imposible»), el código de salida, SIGINT y valgrind.
 *
 * Nada se deduce del texto de las URLs: cada proveedor del archivo lleva una «sal» al azar
 * (getrandom) que cambia todas las temperaturas del servidor, así que un número solo se
 * acierta leyendo la respuesta. Las peticiones del propio calificador van antes de lanzar el
 * programa y no cuentan (el registro se filtra por la hora del lanzamiento).
 *
 * La tabla requisito → verificaciones está en el README del laboratorio; los puntos y las
 * pistas, en ../lab.json. Los mutantes de autograder/mutantes/10-clima pierden exactamente
 * las verificaciones de su cabecera. Tolerancias de tiempo amplias (2 núcleos compartidos).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "calificador/base.h"
#include "calificador/calificador.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CIUDADES 4
#define MAX_PROV     6
#define TOL_T        0.06 /* una temperatura con un decimal: redondeos de un lado u otro */
#define TOL_MEDIA    0.11 /* la media: con un decimal, y holgura para el orden de las sumas */
#define MARCA_PROPIA "&de=calificador" /* en las peticiones del propio calificador */

/* ------------------------------------------------------------------ escenarios */

typedef enum {
    BIEN,       /* un número: el del servidor, convertido a °C */
    ERROR,      /* cualquier motivo no vacío */
    E_ESTADO,   /* el motivo cita el código HTTP */
    E_TIEMPO,   /* el motivo habla de «tiempo» */
    E_JSON,     /* el motivo cita «línea L» y «columna C» */
    E_IMPOSIBLE /* el motivo dice «imposible» */
} espera_t;

typedef struct {
    const char *nombre;   /* en el archivo y en la salida */
    const char *servidor; /* proveedor del servidor, o NULL: un puerto donde nadie escucha */
    const char *mas;      /* consulta extra («&retraso=5») */
    const char *ruta;
    const char *unidad;
    espera_t espera;
} prov_t;

typedef struct {
    const char *const *ciudades;
    int nciudades;
    const prov_t *provs;
    int nprovs;
    char sal[16];
    int puerto_cerrado;
    cal_servidor_t *s;
    char carpeta[512];
    char archivo[600];
    double ref[MAX_CIUDADES][MAX_PROV]; /* °C de cada BIEN */
    int linea[MAX_CIUDADES][MAX_PROV];  /* E_JSON: dónde falla el documento */
    int columna[MAX_CIUDADES][MAX_PROV];
    int codigo[MAX_PROV]; /* E_ESTADO: el código que se pidió */
    int sin_redondear;    /* la sal se elige para que la media de los valores redondeados
                             dé otra décima: el promedio se juzga a ±0,05 */
    cal_proceso_t *p;
} esc_t;

static int distingue(const esc_t *e);

/* Codifica como una URL (solo quedan A-Z a-z 0-9 - . _ ~). */
static void codificar(const char *t, char *d, size_t tam)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t j = 0;
    for (const unsigned char *c = (const unsigned char *)t; *c != '\0' && j + 4 < tam; c++) {
        if (isalnum(*c) || *c == '-' || *c == '.' || *c == '_' || *c == '~') {
            d[j++] = (char)*c;
        } else {
            d[j++] = '%';
            d[j++] = hex[*c >> 4];
            d[j++] = hex[*c & 15];
        }
    }
    d[j] = '\0';
}

/* Decodifica %XX y '+' (como el servidor). */
static void decodificar(const char *t, size_t n, char *d, size_t tam)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < tam; i++) {
        if (t[i] == '%' && i + 2 < n && isxdigit((unsigned char)t[i + 1]) &&
            isxdigit((unsigned char)t[i + 2])) {
            char h[3] = {t[i + 1], t[i + 2], '\0'};
            d[j++] = (char)strtol(h, NULL, 16);
            i += 2;
        } else {
            d[j++] = t[i] == '+' ? ' ' : t[i];
        }
    }
    d[j] = '\0';
}

/* Valor decodificado del parámetro `nombre` en la ruta (con su consulta). 1 si está. */
static int parametro(const char *ruta, const char *nombre, char *valor, size_t tam)
{
    const char *q = strchr(ruta, '?');
    if (q == NULL)
        return 0;
    size_t ln = strlen(nombre);
    for (const char *p = q + 1; *p != '\0';) {
        const char *fin = strchr(p, '&');
        size_t n = fin != NULL ? (size_t)(fin - p) : strlen(p);
        if (n > ln && strncmp(p, nombre, ln) == 0 && p[ln] == '=') {
            decodificar(p + ln + 1, n - ln - 1, valor, tam);
            return 1;
        }
        p += n;
        if (*p == '&')
            p++;
    }
    return 0;
}

/* La url del proveedor k en el archivo (la plantilla, con {ciudad}). */
static void plantilla(const esc_t *e, int k, char *d, size_t tam)
{
    const prov_t *p = &e->provs[k];
    if (p->servidor == NULL)
        snprintf(d, tam, "http://127.0.0.1:%d/clima/openmeteo?ciudad={ciudad}", e->puerto_cerrado);
    else
        snprintf(d, tam, "/clima/%s?ciudad={ciudad}&sal=%s%d%s", p->servidor, e->sal, k,
                 p->mas != NULL ? p->mas : "");
}

/* Quita «&retraso=S» de una url: el documento no depende del retraso, y así las peticiones
 * del propio calificador no esperan. */
static void sin_retraso(char *url)
{
    char *r = strstr(url, "&retraso=");
    if (r == NULL)
        return;
    const char *fin = strchr(r + 1, '&');
    if (fin == NULL)
        *r = '\0';
    else
        memmove(r, fin, strlen(fin) + 1);
}

/* GET al servidor desde el calificador: estado y cuerpo (memoria nueva). 0 o -1. */
static int pedir(const esc_t *e, const char *ruta, int *estado, char **cuerpo)
{
    const char *u = cal_servidor_url(e->s);
    const char *dos = strrchr(u, ':');
    int puerto = dos != NULL ? atoi(dos + 1) : 0;
    tcp_t c;
    if (puerto <= 0 || tcp_abrir(&c, puerto, "calificador", 0) < 0)
        return -1;
    char peticion[1200];
    snprintf(peticion, sizeof peticion,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", ruta);
    int r = -1;
    if (tcp_texto(&c, peticion) == 0) {
        uint64_t limite = cal_ahora_ms() + 5000;
        while (!c.fin && cal_ahora_ms() < limite)
            tcp_recibir(&c, 200);
        size_t n = c.usados - c.inicio;
        char *todo = malloc(n + 1);
        if (todo != NULL) {
            memcpy(todo, c.buf + c.inicio, n);
            todo[n] = '\0';
            char *cuerpo_ini = strstr(todo, "\r\n\r\n");
            if (cuerpo_ini != NULL && sscanf(todo, "HTTP/1.%*d %d", estado) == 1) {
                *cuerpo = strdup(cuerpo_ini + 4);
                r = *cuerpo != NULL ? 0 : -1;
            }
            free(todo);
        }
    }
    tcp_cerrar(&c);
    return r;
}

/* Calcula las referencias pidiendo al servidor los mismos documentos. 0 o -1 (anotado). */
static int referencias(esc_t *e)
{
    for (int c = 0; c < e->nciudades; c++)
        for (int k = 0; k < e->nprovs; k++) {
            const prov_t *p = &e->provs[k];
            if (p->servidor == NULL || (p->espera != BIEN && p->espera != E_JSON))
                continue;
            char pl[512], ciudad[256], ruta[1024];
            plantilla(e, k, pl, sizeof pl);
            sin_retraso(pl);
            codificar(e->ciudades[c], ciudad, sizeof ciudad);
            char *marca = strstr(pl, "{ciudad}");
            /* MARCA_PROPIA: sin retraso, las del calificador pueden caer en el mismo
             * milisegundo del lanzamiento; la marca las separa del programa sin duda. */
            snprintf(ruta, sizeof ruta, "%.*s%s%s%s", (int)(marca - pl), pl, ciudad, marca + 8,
                     MARCA_PROPIA);
            int estado = 0;
            char *cuerpo = NULL;
            if (pedir(e, ruta, &estado, &cuerpo) < 0 || estado != 200) {
                free(cuerpo);
                cal_obtenido("el calificador no pudo leer %s del servidor (error suyo)", ruta);
                return -1;
            }
            json_error_t je;
            json_t *doc = json_loads(cuerpo, 0, &je);
            free(cuerpo);
            if (p->espera == E_JSON) {
                e->linea[c][k] = je.line;
                e->columna[c][k] = je.column;
                json_decref(doc);
                continue;
            }
            json_t *v = doc;
            char copia[128];
            snprintf(copia, sizeof copia, "%s", p->ruta);
            char *guardado = NULL;
            for (char *t = strtok_r(copia, ".", &guardado); t != NULL && v != NULL;
                 t = strtok_r(NULL, ".", &guardado))
                v = json_is_array(v) ? json_array_get(v, strtoul(t, NULL, 10))
                                     : json_object_get(v, t);
            if (!json_is_number(v)) {
                json_decref(doc);
                cal_obtenido("el documento de %s no tiene %s (error del calificador)", ruta,
                             p->ruta);
                return -1;
            }
            double t = json_number_value(v);
            if (p->unidad[0] == 'K')
                t -= 273.15;
            else if (p->unidad[0] == 'F')
                t = (t - 32.0) * 5.0 / 9.0;
            e->ref[c][k] = t;
            json_decref(doc);
        }
    return 0;
}

/* Servidor, sal, archivo de proveedores y referencias. 0 o -1 (anotado). */
static int preparar(esc_t *e)
{
    int r = cal_servidor(&e->s);
    if (r < 0) {
        cal_obtenido("no arrancó el servidor de práctica (error del calificador: %s)",
                     strerror(-r));
        return -1;
    }
    char opaca[48];
    if (cal_carpeta("datos", e->carpeta, sizeof e->carpeta) < 0) {
        cal_obtenido("no se pudo preparar la verificación (error del calificador)");
        return -1;
    }
    e->puerto_cerrado = cal_puerto_cerrado();
    /* Una sal al azar; con sin_redondear, la primera (de 200) con la que promediar los
     * valores ya redondeados da otra décima que promediar los de verdad (suele bastar con
     * menos de 10: cada intento son unas pocas peticiones locales). */
    for (int intento = 0;; intento++) {
        if (cal_ruta_opaca(opaca, sizeof opaca) < 0) {
            cal_obtenido("no se pudo preparar la verificación (error del calificador)");
            return -1;
        }
        snprintf(e->sal, sizeof e->sal, "%.10s", opaca + 3);
        if (referencias(e) < 0)
            return -1;
        if (!e->sin_redondear)
            break;
        if (distingue(e)) {
            cal_nota("(sal elegida al intento %d)", intento + 1);
            break;
        }
        if (intento == 199) {
            cal_nota("(ninguna sal separó la media de los valores redondeados: se juzga igual)");
            break;
        }
    }
    json_t *lista = json_array();
    for (int k = 0; k < e->nprovs; k++) {
        char pl[512];
        plantilla(e, k, pl, sizeof pl);
        json_array_append_new(lista, json_pack("{s:s, s:s, s:s, s:s}", "nombre", e->provs[k].nombre,
                                               "url", pl, "ruta", e->provs[k].ruta, "unidad",
                                               e->provs[k].unidad));
        const char *est = e->provs[k].mas != NULL ? strstr(e->provs[k].mas, "estado=") : NULL;
        e->codigo[k] = est != NULL ? atoi(est + 7) : 0;
    }
    json_t *doc = json_pack("{s:o}", "proveedores", lista);
    snprintf(e->archivo, sizeof e->archivo, "%s/proveedores.json", e->carpeta);
    r = json_dump_file(doc, e->archivo, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (r < 0) {
        cal_obtenido("no se pudo escribir el archivo de proveedores (error del calificador)");
        return -1;
    }
    return 0;
}

/* Lanza el programa con `opciones` (terminadas en NULL), -f y las ciudades. */
static int lanzar(esc_t *e, const char *const *opciones, int valgrind, double limite_s)
{
    const char *args[32];
    int n = 0;
    for (int i = 0; opciones != NULL && opciones[i] != NULL && n < 20; i++)
        args[n++] = opciones[i];
    args[n++] = "-f";
    args[n++] = e->archivo;
    for (int i = 0; i < e->nciudades; i++)
        args[n++] = e->ciudades[i];
    args[n] = NULL;
    char env[160];
    snprintf(env, sizeof env, "CURSO_SERVIDOR=%s", cal_servidor_url(e->s));
    const char *entorno[] = {env, NULL};
    const char *carpetas[] = {e->carpeta, NULL};
    cal_lanzamiento_t l = {.args = args,
                           .entorno = entorno,
                           .carpetas = carpetas,
                           .limite_s = limite_s,
                           .valgrind = valgrind};
    char orden[1024] = "clima";
    for (int i = 0; i < n; i++) {
        size_t u = strlen(orden);
        int espacio = strchr(args[i], ' ') != NULL;
        snprintf(orden + u, sizeof orden - u, espacio ? " '%s'" : " %s", args[i]);
    }
    cal_nota("orden: %s", orden);
    if (cal_lanzar(&l, &e->p) < 0) {
        cal_obtenido("no se pudo lanzar el programa");
        return -1;
    }
    return 0;
}

/* La siguiente línea de `*t` en `buf` (sin '\n'). 0 si no quedan. */
static int siguiente_linea(const char **t, char *buf, size_t tam)
{
    if (**t == '\0')
        return 0;
    const char *fin = strchr(*t, '\n');
    size_t n = fin != NULL ? (size_t)(fin - *t) : strlen(*t);
    snprintf(buf, tam, "%.*s", (int)n, *t);
    *t += n + (fin != NULL);
    return 1;
}

/* Un número con un decimal al principio de `s` (p. ej. «-3.4 °C»). 1 si lo hay. */
static int numero(const char *s, double *v, const char **resto)
{
    char *fin = NULL;
    *v = strtod(s, &fin);
    if (fin == s)
        return 0;
    const char *punto = memchr(s, '.', (size_t)(fin - s));
    if (punto == NULL || fin - punto != 2)
        return 0;
    *resto = fin;
    return 1;
}

static int motivo_vale(const esc_t *e, int c, int k, const char *motivo, char *por, size_t tam)
{
    if (motivo[0] == '\0') {
        snprintf(por, tam, "el motivo está vacío");
        return 0;
    }
    char a[64], b[64];
    switch (e->provs[k].espera) {
    case E_ESTADO:
        snprintf(a, sizeof a, "%d", e->codigo[k]);
        if (strstr(motivo, a) == NULL) {
            snprintf(por, tam, "el motivo no cita el estado %d", e->codigo[k]);
            return 0;
        }
        return 1;
    case E_TIEMPO:
        if (strstr(motivo, "tiempo") == NULL) {
            snprintf(por, tam, "el motivo no dice que se agotó el tiempo");
            return 0;
        }
        return 1;
    case E_JSON:
        snprintf(a, sizeof a, "línea %d", e->linea[c][k]);
        snprintf(b, sizeof b, "columna %d", e->columna[c][k]);
        if (strstr(motivo, a) == NULL || strstr(motivo, b) == NULL) {
            snprintf(por, tam, "el motivo no dice dónde está el error: «%s, %s»", a, b);
            return 0;
        }
        return 1;
    case E_IMPOSIBLE:
        if (strstr(motivo, "imposible") == NULL) {
            snprintf(por, tam, "el motivo no dice «valor imposible»");
            return 0;
        }
        return 1;
    default:
        return 1;
    }
}

/* Lo que debería decir la línea del proveedor k para la ciudad c (para los mensajes). */
static void esperada(const esc_t *e, int c, int k, char *d, size_t tam)
{
    if (e->provs[k].espera == BIEN)
        snprintf(d, tam, "«%s %s %.1f °C»", e->ciudades[c], e->provs[k].nombre, e->ref[c][k]);
    else
        snprintf(d, tam, "«%s %s ERROR <motivo>»", e->ciudades[c], e->provs[k].nombre);
}

/* Media de las referencias BIEN de la ciudad c. Devuelve cuántas. */
static int media(const esc_t *e, int c, double *m)
{
    double s = 0;
    int n = 0;
    for (int k = 0; k < e->nprovs; k++)
        if (e->provs[k].espera == BIEN) {
            s += e->ref[c][k];
            n++;
        }
    *m = n > 0 ? s / n : 0;
    return n;
}

/* Lo que se antepone a la primera diferencia de la salida: vacío, salvo en la verificación
 * de valgrind, donde una salida mala no es un fallo de memoria y el mensaje tiene que decirlo
 * (si no, el estudiante busca una fuga que no existe). */
static const char *prefijo_salida = "";

static void diferencia(const char *formato, ...) __attribute__((format(printf, 1, 2)));
static void diferencia(const char *formato, ...)
{
    char texto[1024];
    va_list ap;
    va_start(ap, formato);
    vsnprintf(texto, sizeof texto, formato, ap);
    va_end(ap);
    cal_obtenido("%s%s", prefijo_salida, texto);
}

static double una_decima(double v)
{
    return round(v * 10.0) / 10.0;
}

/* Media, redondeada a una décima, de las referencias BIEN de la ciudad c ya redondeadas (lo
 * que imprime quien promedia lo que ha escrito en vez de los valores). */
static double media_de_redondeados(const esc_t *e, int c)
{
    double s = 0;
    int n = 0;
    for (int k = 0; k < e->nprovs; k++)
        if (e->provs[k].espera == BIEN) {
            s += una_decima(e->ref[c][k]);
            n++;
        }
    return n > 0 ? una_decima(s / n) : 0;
}

/* ¿Separa esta sal las dos medias en alguna ciudad? (con margen: ±0,05 no las confunde) */
static int distingue(const esc_t *e)
{
    for (int c = 0; c < e->nciudades; c++) {
        double m;
        if (media(e, c, &m) > 0 && fabs(media_de_redondeados(e, c) - m) > 0.0502)
            return 1;
    }
    return 0;
}

/* Compara la salida, línea a línea, con lo que tiene que decir. 1 si cuadra; si no, 0 con
 * la primera diferencia en «obtenido». */
static int salida_correcta(const esc_t *e)
{
    const char *t = cal_salida(e->p);
    char linea[1024], quiero[512], por[256];
    for (int c = 0; c < e->nciudades; c++) {
        const char *ciudad = e->ciudades[c];
        size_t lc = strlen(ciudad);
        for (int k = 0; k <= e->nprovs; k++) {
            if (k < e->nprovs)
                esperada(e, c, k, quiero, sizeof quiero);
            if (!siguiente_linea(&t, linea, sizeof linea)) {
                diferencia("faltan líneas: se esperaba %s y la salida se acabó",
                           k < e->nprovs ? quiero : "el PROMEDIO o SIN DATOS");
                return 0;
            }
            if (strncmp(linea, ciudad, lc) != 0 || linea[lc] != ' ') {
                diferencia("se esperaba una línea de «%s» (las ciudades salen en el orden de "
                           "los argumentos, aunque otra termine antes) y llegó «%s»",
                           ciudad, linea);
                return 0;
            }
            const char *resto = linea + lc + 1;
            if (k == e->nprovs) {
                double m;
                int n = media(e, c, &m);
                if (n == 0) {
                    if (strcmp(resto, "SIN DATOS") != 0) {
                        diferencia("se esperaba «%s SIN DATOS» y llegó «%s»", ciudad, linea);
                        return 0;
                    }
                    continue;
                }
                double v = 0.0;
                const char *tras;
                char cola[96];
                snprintf(cola, sizeof cola, " °C (%d de %d proveedores)", n, e->nprovs);
                /* ±0,05 es lo que mueve el redondeo de una media bien hecha (y 0,0001 de
                 * holgura para el orden de las sumas); fuera de sin_redondear, más margen. */
                double tol = e->sin_redondear ? 0.0501 : TOL_MEDIA;
                if (strncmp(resto, "PROMEDIO ", 9) != 0 || !numero(resto + 9, &v, &tras) ||
                    strcmp(tras, cola) != 0 || fabs(v - m) > tol) {
                    int redondeada =
                        e->sin_redondear && fabs(v - media_de_redondeados(e, c)) < 0.001;
                    diferencia("se esperaba «%s PROMEDIO %.1f °C (%d de %d proveedores)» "
                               "(la media de los que respondieron bien%s) y llegó «%s»",
                               ciudad, m, n, e->nprovs,
                               redondeada ? ", con los valores sin redondear: los redondeados "
                                            "dan otra décima"
                                          : "",
                               linea);
                    return 0;
                }
                continue;
            }
            const prov_t *p = &e->provs[k];
            size_t ln = strlen(p->nombre);
            if (strncmp(resto, p->nombre, ln) != 0 || resto[ln] != ' ') {
                diferencia("se esperaba %s (los proveedores en el orden del archivo) y llegó "
                           "«%s»",
                           quiero, linea);
                return 0;
            }
            resto += ln + 1;
            if (p->espera == BIEN) {
                double v = 0.0;
                const char *tras;
                if (!numero(resto, &v, &tras) || strcmp(tras, " °C") != 0 ||
                    fabs(v - e->ref[c][k]) > TOL_T) {
                    diferencia("se esperaba %s (lo que sirvió el servidor, en °C) y llegó «%s»",
                               quiero, linea);
                    return 0;
                }
            } else {
                if (strncmp(resto, "ERROR ", 6) != 0) {
                    diferencia("se esperaba %s y llegó «%s»", quiero, linea);
                    return 0;
                }
                if (!motivo_vale(e, c, k, resto + 6, por, sizeof por)) {
                    diferencia("en «%s»: %s", linea, por);
                    return 0;
                }
            }
        }
    }
    if (siguiente_linea(&t, linea, sizeof linea)) {
        diferencia("sobra salida después de la última ciudad: «%s»", linea);
        return 0;
    }
    return 1;
}

/* Peticiones del programa: las del calificador van antes del lanzamiento y llevan
 * MARCA_PROPIA (se quitan del registro, que es del calificador). */
static int registro_programa(esc_t *e, const cal_peticion_t **v)
{
    const cal_peticion_t *todas;
    int n = cal_registro(e->s, &todas);
    uint64_t desde = cal_lanzado_ms(e->p);
    /* El arreglo se rehace en cada cal_registro(): se compacta ahí mismo. */
    cal_peticion_t *lista = (cal_peticion_t *)todas;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (todas[i].inicio_ms >= desde && strstr(todas[i].ruta, MARCA_PROPIA) == NULL)
            lista[k++] = todas[i];
    *v = lista;
    return k;
}

/* El servidor anota cada petición al entregar su último byte: el programa puede haber
 * terminado (y el calificador leído el registro) un instante antes. Espera, como mucho
 * `max_ms`, a que haya al menos `n` peticiones del programa. Devuelve cuántas hay. */
static int registro_esperar(esc_t *e, int n, int max_ms, const cal_peticion_t **v)
{
    uint64_t limite = cal_ahora_ms() + (uint64_t)max_ms;
    int hay = registro_programa(e, v);
    while (hay < n && cal_ahora_ms() < limite) {
        cal_esperar(20);
        hay = registro_programa(e, v);
    }
    return hay;
}

/* ¿Va bien codificado el valor crudo del parámetro `nombre`? Solo A-Z a-z 0-9 - . _ ~, %XX
 * y '+' (el espacio de los formularios): un espacio, una comilla o un byte ≥ 0x80 (la é de
 * UTF-8) tal cual no valen, aunque el servidor los entienda. 1 si sí (o si no está). */
static int bien_codificado(const char *ruta, const char *nombre)
{
    const char *q = strchr(ruta, '?');
    size_t ln = strlen(nombre);
    for (const char *p = q != NULL ? q + 1 : ""; *p != '\0';) {
        size_t n = strcspn(p, "&");
        if (n > ln && strncmp(p, nombre, ln) == 0 && p[ln] == '=') {
            for (size_t i = ln + 1; i < n; i++) {
                unsigned char b = (unsigned char)p[i];
                if (b == '%' && i + 2 < n && isxdigit((unsigned char)p[i + 1]) &&
                    isxdigit((unsigned char)p[i + 2]))
                    i += 2;
                else if (!(isalnum(b) && b < 0x80) && strchr("-._~+", b) == NULL)
                    return 0;
            }
            return 1;
        }
        p += n;
        if (*p == '&')
            p++;
    }
    return 1;
}

/* ¿Es la petición r la del proveedor k para la ciudad c? (Con la ciudad bien codificada
 * si `codificada`.) */
static int es_de_como(const esc_t *e, const cal_peticion_t *r, int c, int k, int codificada)
{
    const prov_t *p = &e->provs[k];
    char prefijo[64], sal[64], ciudad[256], quiero[32];
    snprintf(prefijo, sizeof prefijo, "/clima/%s?", p->servidor);
    snprintf(quiero, sizeof quiero, "%s%d", e->sal, k);
    return strncmp(r->ruta, prefijo, strlen(prefijo)) == 0 &&
           parametro(r->ruta, "sal", sal, sizeof sal) && strcmp(sal, quiero) == 0 &&
           parametro(r->ruta, "ciudad", ciudad, sizeof ciudad) &&
           strcmp(ciudad, e->ciudades[c]) == 0 &&
           (!codificada || bien_codificado(r->ruta, "ciudad"));
}

static int es_de(const esc_t *e, const cal_peticion_t *r, int c, int k)
{
    return es_de_como(e, r, c, k, 1);
}

/* Cada (ciudad, proveedor del servidor) tiene su petición en el registro; las BIEN, con 200 y
 * enteras. 1 o 0 (anotado). */
static int registro_completo(esc_t *e)
{
    const cal_peticion_t *v;
    int esperadas = 0;
    for (int k = 0; k < e->nprovs; k++)
        esperadas += e->provs[k].servidor != NULL ? e->nciudades : 0;
    int n = registro_esperar(e, esperadas, 1000, &v);
    for (int c = 0; c < e->nciudades; c++)
        for (int k = 0; k < e->nprovs; k++) {
            if (e->provs[k].servidor == NULL)
                continue;
            int vista = 0;
            for (int i = 0; i < n && !vista; i++)
                vista = es_de(e, &v[i], c, k) &&
                        (e->provs[k].espera != BIEN || (v[i].estado == 200 && !v[i].abortada));
            for (int i = 0; i < n && !vista; i++)
                if (es_de_como(e, &v[i], c, k, 0)) {
                    cal_obtenido("la ciudad «%s» llegó al servidor sin codificar del todo: %s "
                                 "(cada byte que no sea A-Z a-z 0-9 - . _ ~ va como %%XX: el "
                                 "espacio, %%20; la é, %%C3%%A9)",
                                 e->ciudades[c], v[i].ruta);
                    return 0;
                }
            if (!vista) {
                cal_obtenido("el servidor no registró la petición de «%s» a %s (con la ciudad "
                             "bien codificada y la url del archivo)",
                             e->ciudades[c], e->provs[k].nombre);
                int mostradas = 0;
                for (int i = 0; i < n && mostradas < 6; i++, mostradas++)
                    cal_nota("registro: %s (estado %d%s)", v[i].ruta, v[i].estado,
                             v[i].abortada ? ", cortada" : "");
                return 0;
            }
        }
    return 1;
}

/* Termina el programa (como mucho max_ms) y comprueba su código. 1 o 0 (anotado). */
static int fin_con(esc_t *e, int max_ms, int codigo)
{
    char fin[128];
    if (!cal_esperar_fin(e->p, max_ms) || cal_codigo(e->p) != codigo) {
        cal_obtenido("%s (se esperaba el código %d)", cal_describir_fin(e->p, fin, sizeof fin),
                     codigo);
        cal_nota_salida(e->p, 12);
        return 0;
    }
    return 1;
}

/* El caso normal: lanzar, esperar el código, la salida y el registro. */
static int escenario(esc_t *e, const char *const *opciones, int codigo, int max_ms)
{
    if (preparar(e) < 0 || lanzar(e, opciones, 0, max_ms / 1000.0 + 5) < 0)
        return 0;
    if (!fin_con(e, max_ms, codigo))
        return 0;
    if (!salida_correcta(e)) {
        cal_nota_salida(e->p, 14);
        return 0;
    }
    return registro_completo(e);
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const dos_ciudades[] = {"Lima", "Oslo"};

/* Los tres de siempre, en °C; los de Lima (la primera ciudad) tardan 0,8 s y los de Oslo
 * responden al momento: Oslo acaba antes, pero sale después (orden de los argumentos). */
static const prov_t tres_c[] = {
    {"openweather", "openweather", "&retraso=0.8&solo=Lima", "main.temp", "C", BIEN},
    {"weatherapi", "weatherapi", "&retraso=0.8&solo=Lima", "current.temp_c", "C", BIEN},
    {"openmeteo", "openmeteo", "&retraso=0.8&solo=Lima", "current_weather.temperature", "C", BIEN}};

/* ------------------------------------------------------------------ entrada */

/* Lanza con `args` y espera código 2, stdout vacía y (si cita != NULL) stderr que lo cite.
 * Con `s`, el programa ve el servidor y la `carpeta` (donde está su archivo de proveedores). */
static int uso_malo(const char *const *args, const char *cita, cal_servidor_t *s,
                    const char *carpeta)
{
    char env[160];
    snprintf(env, sizeof env, "CURSO_SERVIDOR=%s", s != NULL ? cal_servidor_url(s) : "");
    const char *entorno[] = {env, NULL};
    const char *carpetas[] = {carpeta, NULL};
    cal_lanzamiento_t l = {.args = args,
                           .entorno = s != NULL ? entorno : NULL,
                           .carpetas = carpeta != NULL ? carpetas : NULL,
                           .limite_s = 6};
    cal_proceso_t *p;
    char orden[512] = "clima";
    for (int i = 0; args[i] != NULL; i++) {
        size_t u = strlen(orden);
        snprintf(orden + u, sizeof orden - u, " %s", args[i]);
    }
    if (cal_lanzar(&l, &p) < 0) {
        cal_obtenido("no se pudo lanzar el programa");
        return 0;
    }
    char fin[128];
    int ok = cal_esperar_fin(p, 4000) && cal_codigo(p) == 2;
    if (!ok) {
        cal_obtenido("«%s»: %s (se esperaba el código 2)", orden,
                     cal_describir_fin(p, fin, sizeof fin));
    } else if (cal_salida(p)[0] != '\0') {
        ok = 0;
        cal_obtenido("«%s»: escribió en la salida estándar (los errores van a stderr)", orden);
    } else if (cal_errores(p)[0] == '\0' ||
               (cita != NULL && strstr(cal_errores(p), cita) == NULL)) {
        ok = 0;
        if (cita != NULL)
            cal_obtenido("«%s»: el mensaje de error no cita «%s»", orden, cita);
        else
            cal_obtenido("«%s»: salió con 2 sin explicar por qué en stderr", orden);
    }
    if (!ok)
        cal_nota_salida(p, 6);
    cal_proceso_liberar(p);
    return ok;
}

static int escribir(const char *carpeta, const char *nombre, const char *texto, char *ruta,
                    size_t tam);

CAL_PRUEBA(entrada_invalida, 30)
{
    cal_esperado("código 2, nada en stdout y un mensaje en stderr que cite el valor malo: sin "
                 "ciudades, «-t abc», «-t 12x», «-t 0», «-t 600001», «-c abc», «-c 0», "
                 "«-c 1001» y una opción desconocida (los rangos: -t de 10 a 600000, -c de 1 "
                 "a 1000)");
    /* Los valores fuera de rango van con un archivo de proveedores bueno y un servidor: un
     * programa que no mire el rango arranca y acaba con 0, no con 2. */
    cal_servidor_t *s;
    char carpeta[512], archivo[700];
    if (cal_servidor(&s) < 0 || cal_carpeta("datos", carpeta, sizeof carpeta) < 0 ||
        escribir(carpeta, "proveedores.json",
                 "{\"proveedores\": [{\"nombre\": \"uno\", \"url\": "
                 "\"/clima/openmeteo?ciudad={ciudad}\", \"ruta\": "
                 "\"current_weather.temperature\", \"unidad\": \"C\"}]}\n",
                 archivo, sizeof archivo) < 0) {
        cal_obtenido("no se pudo preparar la verificación (error del calificador)");
        CAL_FIN(0);
    }
    const char *a1[] = {NULL};
    const char *a2[] = {"-t", "abc", "Lima", NULL};
    const char *a3[] = {"-t", "12x", "Lima", NULL};
    const char *a4[] = {"-c", "abc", "Lima", NULL};
    const char *a5[] = {"-c", "0", "Lima", NULL};
    const char *a6[] = {"--xyz", "Lima", NULL};
    const char *a7[] = {"-t", "0", "-f", archivo, "Lima", NULL};
    const char *a8[] = {"-t", "600001", "-f", archivo, "Lima", NULL};
    const char *a9[] = {"-c", "1001", "-f", archivo, "Lima", NULL};
    int ok = uso_malo(a1, NULL, NULL, NULL) && uso_malo(a2, "abc", NULL, NULL) &&
             uso_malo(a3, "12x", NULL, NULL) && uso_malo(a4, "abc", NULL, NULL) &&
             uso_malo(a5, NULL, NULL, NULL) && uso_malo(a6, NULL, NULL, NULL) &&
             uso_malo(a7, "0", s, carpeta) && uso_malo(a8, "600001", s, carpeta) &&
             uso_malo(a9, "1001", s, carpeta);
    if (ok)
        cal_obtenido("los nueve casos salen con 2 y lo explican");
    CAL_FIN(ok);
}

/* Escribe `texto` en carpeta/nombre. */
static int escribir(const char *carpeta, const char *nombre, const char *texto, char *ruta,
                    size_t tam)
{
    snprintf(ruta, tam, "%s/%s", carpeta, nombre);
    FILE *f = fopen(ruta, "w");
    if (f == NULL)
        return -1;
    fputs(texto, f);
    return fclose(f);
}

CAL_PRUEBA(proveedores_invalidos, 30)
{
    cal_esperado("con un archivo de proveedores roto (error de sintaxis, un proveedor sin "
                 "«ruta», una unidad «grados», una unidad «Kelvin» —solo valen C, K y F, "
                 "enteras—, una url que no empieza por http://, https:// ni /): código 2, nada "
                 "en stdout, ninguna petición al servidor y un mensaje que diga la línea y la "
                 "columna, el campo que falta, la unidad mala o la url mala");
    cal_servidor_t *s;
    char carpeta[512], a[700], b[700], c[700], d[700], f[700];
    if (cal_servidor(&s) < 0 || cal_carpeta("datos", carpeta, sizeof carpeta) < 0) {
        cal_obtenido("no se pudo preparar la verificación (error del calificador)");
        CAL_FIN(0);
    }
    const char *sintaxis = "{\n  \"proveedores\": [\n    {\n      \"nombre\": \"uno\",\n"
                           "      \"url\": \"/clima/openmeteo?ciudad={ciudad}\"\n"
                           "      \"ruta\": \"current_weather.temperature\",\n"
                           "      \"unidad\": \"C\"\n    }\n  ]\n}\n";
    const char *sin_ruta =
        "{\"proveedores\": [\n"
        "  {\"nombre\": \"uno\", \"url\": \"/clima/openmeteo?ciudad={ciudad}\",\n"
        "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"C\"},\n"
        "  {\"nombre\": \"dos\", \"url\": \"/clima/weatherapi?ciudad={ciudad}\", \"unidad\": "
        "\"C\"}\n]}\n";
    const char *grados =
        "{\"proveedores\": [\n"
        "  {\"nombre\": \"uno\", \"url\": \"/clima/openmeteo?ciudad={ciudad}\",\n"
        "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"grados\"}\n]}\n";
    const char *kelvin =
        "{\"proveedores\": [\n"
        "  {\"nombre\": \"uno\", \"url\": \"/clima/openweather?ciudad={ciudad}&unidades=kelvin\",\n"
        "   \"ruta\": \"main.temp\", \"unidad\": \"Kelvin\"}\n]}\n";
    const char *url = "{\"proveedores\": [\n"
                      "  {\"nombre\": \"uno\", \"url\": \"/clima/openmeteo?ciudad={ciudad}\",\n"
                      "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"C\"},\n"
                      "  {\"nombre\": \"dos\", \"url\": \"clima/weatherapi?ciudad={ciudad}\",\n"
                      "   \"ruta\": \"current.temp_c\", \"unidad\": \"C\"}\n]}\n";
    if (escribir(carpeta, "sintaxis.json", sintaxis, a, sizeof a) < 0 ||
        escribir(carpeta, "sin_ruta.json", sin_ruta, b, sizeof b) < 0 ||
        escribir(carpeta, "grados.json", grados, c, sizeof c) < 0 ||
        escribir(carpeta, "kelvin.json", kelvin, d, sizeof d) < 0 ||
        escribir(carpeta, "url.json", url, f, sizeof f) < 0) {
        cal_obtenido("no se pudieron escribir los archivos (error del calificador)");
        CAL_FIN(0);
    }
    json_error_t je;
    json_t *nada = json_load_file(a, 0, &je);
    json_decref(nada);
    char donde[64];
    snprintf(donde, sizeof donde, "línea %d", je.line);
    char col[64];
    snprintf(col, sizeof col, "columna %d", je.column);

    const char *env[] = {NULL, NULL};
    char e[160];
    snprintf(e, sizeof e, "CURSO_SERVIDOR=%s", cal_servidor_url(s));
    env[0] = e;
    const char *carpetas[] = {carpeta, NULL};
    const char *archivos[] = {a, b, c, d, f};
    const char *citas[][2] = {{donde, col},
                              {"ruta", NULL},
                              {"grados", NULL},
                              {"Kelvin", NULL},
                              {"clima/weatherapi", NULL}};
    const char *que[] = {"un error de sintaxis", "un proveedor sin «ruta»", "la unidad «grados»",
                         "la unidad «Kelvin»", "la url «clima/weatherapi?…» (sin / delante)"};
    int ok = 1;
    for (int i = 0; i < 5 && ok; i++) {
        const char *args[] = {"-f", archivos[i], "Lima", NULL};
        cal_lanzamiento_t l = {.args = args, .entorno = env, .carpetas = carpetas, .limite_s = 6};
        cal_proceso_t *p;
        if (cal_lanzar(&l, &p) < 0) {
            cal_obtenido("no se pudo lanzar el programa");
            CAL_FIN(0);
        }
        char fin[128];
        if (!cal_esperar_fin(p, 4000) || cal_codigo(p) != 2) {
            ok = 0;
            cal_obtenido("con %s: %s (se esperaba el código 2)", que[i],
                         cal_describir_fin(p, fin, sizeof fin));
        } else if (cal_salida(p)[0] != '\0') {
            ok = 0;
            cal_obtenido("con %s: escribió en stdout (los errores van a stderr)", que[i]);
        } else {
            for (int j = 0; j < 2 && ok; j++)
                if (citas[i][j] != NULL && strstr(cal_errores(p), citas[i][j]) == NULL) {
                    ok = 0;
                    cal_obtenido("con %s: el mensaje no dice «%s»", que[i], citas[i][j]);
                }
        }
        if (!ok)
            cal_nota_salida(p, 6);
        cal_proceso_liberar(p);
    }
    const cal_peticion_t *v;
    int n = cal_registro(s, &v);
    if (ok && n > 0) {
        ok = 0;
        cal_obtenido("el servidor recibió %d peticiones: el archivo se valida entero antes de "
                     "pedir nada (primera: %s)",
                     n, v[0].ruta);
    }
    if (ok)
        cal_obtenido("los cinco archivos se rechazan con código 2 y un mensaje que lo explica");
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ salida y unidades */

CAL_PRUEBA(salida_basica, 30)
{
    esc_t e = {.ciudades = dos_ciudades, .nciudades = 2, .provs = tres_c, .nprovs = 3};
    cal_esperado("dos ciudades y tres proveedores en °C: por ciudad y en el orden de los "
                 "argumentos (Lima, cuyos proveedores tardan 0,8 s, antes que Oslo, que acaba "
                 "antes), «<ciudad> <proveedor> <t.t> °C» con la temperatura que sirvió el "
                 "servidor (±0,06) y «<ciudad> PROMEDIO <t.t> °C (3 de 3 proveedores)»; "
                 "código 0; cada línea respaldada por su petición en el registro");
    int ok = escenario(&e, NULL, 0, 8000);
    if (ok)
        cal_obtenido("las 8 líneas cuadran con el servidor, en el orden de los argumentos");
    CAL_FIN(ok);
}

CAL_PRUEBA(unidades, 30)
{
    static const char *const ciudades[] = {"Quito", "Roma"};
    static const prov_t provs[] = {
        {"ow", "openweather", "&unidades=kelvin", "main.temp", "K", BIEN},
        {"gov", "weathergov", NULL, "properties.periods.0.temperature", "F", BIEN},
        {"gov2", "weathergov", NULL, "properties.periods.0.temperature", "F", BIEN},
        {"wa", "weatherapi", NULL, "current.temp_c", "C", BIEN}};
    /* En °F el servidor da un decimal, así que en °C salen valores con muchos: la sal se
     * elige para que promediar los valores ya redondeados dé otra décima. */
    esc_t e = {
        .ciudades = ciudades, .nciudades = 2, .provs = provs, .nprovs = 4, .sin_redondear = 1};
    cal_esperado("un proveedor en kelvin (main.temp), dos en Fahrenheit dentro de un array "
                 "(properties.periods.0.temperature) y otro en °C: todo convertido a °C con "
                 "un decimal (±0,06) y el promedio de los cuatro, hecho con los valores sin "
                 "redondear y redondeado al escribirlo (±0,05)");
    int ok = escenario(&e, NULL, 0, 8000);
    if (ok)
        cal_obtenido("las conversiones, las rutas con índice y el promedio cuadran");
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ concurrencia y tiempos */

/* Cuántas peticiones llegan a estar en vuelo a la vez, como mucho. */
static int max_solapadas(const cal_peticion_t *v, int n)
{
    int max = 0;
    for (int i = 0; i < n; i++) {
        int a = 0;
        for (int j = 0; j < n; j++)
            if (v[j].inicio_ms <= v[i].inicio_ms && v[i].inicio_ms < v[j].fin_ms)
                a++;
        if (a > max)
            max = a;
    }
    return max;
}

CAL_PRUEBA(concurrencia, 30)
{
    static const prov_t provs[] = {
        {"a", "openweather", "&retraso=0.6", "main.temp", "C", BIEN},
        {"b", "weatherapi", "&retraso=0.6", "current.temp_c", "C", BIEN},
        {"c", "openmeteo", "&retraso=0.6", "current_weather.temperature", "C", BIEN}};
    esc_t e = {.ciudades = dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 3};
    cal_esperado("dos ciudades × tres proveedores que tardan 0,6 s cada uno (-c 10): según el "
                 "registro del servidor, las seis peticiones se solapan (todas empiezan antes "
                 "de que acabe la primera)");
    if (preparar(&e) < 0 || lanzar(&e, NULL, 0, 12) < 0)
        CAL_FIN(0);
    cal_esperar_fin(e.p, 8000);
    const cal_peticion_t *v;
    int n = registro_esperar(&e, 6, 1000, &v);
    int ok = n >= 6;
    uint64_t ultimo_inicio = 0, primer_fin = UINT64_MAX;
    for (int i = 0; i < n; i++) {
        if (v[i].inicio_ms > ultimo_inicio)
            ultimo_inicio = v[i].inicio_ms;
        if (v[i].fin_ms < primer_fin)
            primer_fin = v[i].fin_ms;
    }
    if (n < 6) {
        cal_obtenido("el servidor solo registró %d peticiones de 6", n);
        cal_nota_salida(e.p, 10);
    } else if (ultimo_inicio >= primer_fin) {
        ok = 0;
        cal_obtenido("no van a la vez: la última empezó %llu ms después de que terminara la "
                     "primera (como mucho %d a la vez)",
                     (unsigned long long)(ultimo_inicio - primer_fin), max_solapadas(v, n));
        for (int i = 0; i < n && i < 6; i++)
            cal_nota("petición %d: %llu–%llu ms %s", i + 1,
                     (unsigned long long)(v[i].inicio_ms - cal_lanzado_ms(e.p)),
                     (unsigned long long)(v[i].fin_ms - cal_lanzado_ms(e.p)), v[i].ruta);
    } else {
        cal_obtenido("las %d peticiones se solapan", n);
    }
    CAL_FIN(ok);
}

CAL_PRUEBA(limite_c, 30)
{
    static const char *const ciudades[] = {"Lima", "Oslo", "Roma"};
    static const prov_t provs[] = {
        {"a", "openweather", "&retraso=0.3", "main.temp", "C", BIEN},
        {"b", "weatherapi", "&retraso=0.3", "current.temp_c", "C", BIEN},
        {"c", "openmeteo", "&retraso=0.3", "current_weather.temperature", "C", BIEN}};
    esc_t e = {.ciudades = ciudades, .nciudades = 3, .provs = provs, .nprovs = 3};
    cal_esperado("tres ciudades × tres proveedores que tardan 0,3 s, con -c 2: según el "
                 "registro, nunca más de 2 peticiones en vuelo a la vez, y sí 2 (el tope se "
                 "aprovecha); las nueve llegan");
    const char *op[] = {"-c", "2", NULL};
    if (preparar(&e) < 0 || lanzar(&e, op, 0, 15) < 0)
        CAL_FIN(0);
    cal_esperar_fin(e.p, 10000);
    const cal_peticion_t *v;
    int n = registro_esperar(&e, 9, 1000, &v);
    int m = max_solapadas(v, n);
    int ok = n == 9 && m == 2;
    if (n != 9) {
        cal_obtenido("el servidor registró %d peticiones de 9", n);
        for (int i = 0; i < n; i++)
            cal_nota("petición %d: %lld–%lld ms %s (estado %d)", i + 1,
                     (long long)(v[i].inicio_ms - cal_lanzado_ms(e.p)),
                     (long long)(v[i].fin_ms - cal_lanzado_ms(e.p)), v[i].ruta, v[i].estado);
        cal_nota_salida(e.p, 10);
    } else {
        cal_obtenido("como mucho %d peticiones a la vez", m);
    }
    CAL_FIN(ok);
}

CAL_PRUEBA(lento_cortado, 30)
{
    static const char *const ciudades[] = {"Lima"};
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"lento", "weatherapi", "&retraso=5", "current.temp_c", "C", E_TIEMPO},
        {"c", "openweather", NULL, "main.temp", "C", BIEN}};
    esc_t e = {.ciudades = ciudades, .nciudades = 1, .provs = provs, .nprovs = 3};
    cal_esperado("con -t 600 y un proveedor que tarda 5 s: su línea es «ERROR» con un motivo "
                 "que habla de tiempo, el promedio es el de los otros dos (2 de 3), el programa "
                 "acaba en menos de 2,5 s y el registro muestra la petición lenta cortada "
                 "hacia los 600 ms");
    const char *op[] = {"-t", "600", NULL};
    int ok = escenario(&e, op, 0, 2500);
    if (ok) {
        const cal_peticion_t *v;
        int n = registro_programa(&e, &v);
        ok = 0;
        for (int i = 0; i < n; i++)
            if (es_de(&e, &v[i], 0, 1)) {
                uint64_t d = v[i].fin_ms - v[i].inicio_ms;
                ok = v[i].abortada && d >= 300 && d <= 1800;
                cal_obtenido("la petición lenta %s a los %llu ms",
                             v[i].abortada ? "se cortó" : "terminó", (unsigned long long)d);
            }
    }
    CAL_FIN(ok);
}

CAL_PRUEBA(tiempo_por_peticion, 30)
{
    static const char *const ciudades[] = {"Lima"};
    static const prov_t provs[] = {
        {"a", "openweather", "&retraso=0.5", "main.temp", "C", BIEN},
        {"b", "weatherapi", "&retraso=0.5", "current.temp_c", "C", BIEN},
        {"c", "openmeteo", "&retraso=0.5", "current_weather.temperature", "C", BIEN}};
    esc_t e = {.ciudades = ciudades, .nciudades = 1, .provs = provs, .nprovs = 3};
    cal_esperado("con -c 1 -t 1200 y tres proveedores que tardan 0,5 s: van de una en una "
                 "(1,5 s en total) y las tres llegan bien, porque el límite cuenta desde que "
                 "sale cada petición, no desde que arrancó el programa");
    const char *op[] = {"-c", "1", "-t", "1200", NULL};
    int ok = escenario(&e, op, 0, 6000);
    if (ok)
        cal_obtenido("las tres peticiones, en fila, llegaron bien");
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ errores */

CAL_PRUEBA(errores_http, 30)
{
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"caido", "weatherapi", "&estado=503", "current.temp_c", "C", E_ESTADO},
        {"apagado", NULL, NULL, "current_weather.temperature", "C", ERROR},
        {"d", "openweather", NULL, "main.temp", "C", BIEN}};
    esc_t e = {.ciudades = dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 4};
    cal_esperado("un proveedor responde 503 (el motivo cita el 503) y otro está en un puerto "
                 "donde nadie escucha: sus líneas son ERROR y el promedio es el de los otros dos "
                 "(2 de 4); código 0");
    int ok = escenario(&e, NULL, 0, 8000);
    if (ok)
        cal_obtenido("los errores se aíslan y el promedio cuadra");
    CAL_FIN(ok);
}

CAL_PRUEBA(json_invalido, 30)
{
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"roto", "weatherapi", "&fallo=json", "current.temp_c", "C", E_JSON},
        {"c", "openweather", NULL, "main.temp", "C", BIEN}};
    esc_t e = {.ciudades = dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 3};
    cal_esperado("un proveedor responde JSON mal formado: ERROR con un motivo que diga «línea "
                 "L» y «columna C» (donde está el error) y el promedio de los otros dos");
    int ok = escenario(&e, NULL, 0, 8000);
    if (ok)
        cal_obtenido("el JSON roto se rechaza diciendo dónde y el promedio cuadra");
    CAL_FIN(ok);
}

CAL_PRUEBA(tipos_estrictos, 30)
{
    static const prov_t provs[] = {
        {"texto", "openweather", "&fallo=texto", "main.temp", "C", ERROR},
        {"nulo", "weatherapi", "&fallo=nulo", "current.temp_c", "C", ERROR},
        {"falta", "weathergov", "&fallo=falta", "properties.periods.0.temperature", "F", ERROR},
        {"d", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"e", "weatherapi", NULL, "current.temp_c", "C", BIEN}};
    esc_t e = {.ciudades = dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 5};
    cal_esperado("tres proveedores dan la temperatura como texto (\"21.5\"), como null y sin "
                 "el campo: los tres son ERROR (ni se adivina ni se cuenta como 0) y el "
                 "promedio es el de los otros dos (2 de 5)");
    int ok = escenario(&e, NULL, 0, 8000);
    if (ok)
        cal_obtenido("texto, null y ruta ausente son errores; el promedio cuadra");
    CAL_FIN(ok);
}

CAL_PRUEBA(valor_imposible, 30)
{
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"raro", "weathergov", "&fallo=imposible", "properties.periods.0.temperature", "F",
         E_IMPOSIBLE},
        {"c", "weatherapi", NULL, "current.temp_c", "C", BIEN}};
    esc_t e = {.ciudades = dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 3};
    cal_esperado("un proveedor da -999 °F: fuera de −90…60 °C, ERROR con «valor imposible» y "
                 "el promedio de los otros dos");
    int ok = escenario(&e, NULL, 0, 8000);
    if (ok)
        cal_obtenido("el valor imposible se rechaza y el promedio cuadra");
    CAL_FIN(ok);
}

CAL_PRUEBA(sin_datos, 30)
{
    static const prov_t provs[] = {
        {"a", "openmeteo", "&estado=500", "current_weather.temperature", "C", E_ESTADO},
        {"b", "weatherapi", "&fallo=json", "current.temp_c", "C", ERROR},
        {"c", NULL, NULL, "main.temp", "C", ERROR}};
    esc_t e = {.ciudades = dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 3};
    cal_esperado("todos los proveedores fallan: tres ERROR y «<ciudad> SIN DATOS» por ciudad, "
                 "y código 1");
    int ok = escenario(&e, NULL, 1, 8000);
    if (ok)
        cal_obtenido("SIN DATOS y código 1");
    CAL_FIN(ok);
}

CAL_PRUEBA(acentos, 30)
{
    static const char *const ciudades[] = {"San José", "Bogotá", "Nueva York"};
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"b", "weatherapi", NULL, "current.temp_c", "C", BIEN}};
    esc_t e = {.ciudades = ciudades, .nciudades = 3, .provs = provs, .nprovs = 2};
    cal_esperado("«San José», «Bogotá» y «Nueva York»: el servidor recibe cada nombre bien "
                 "codificado (%%20, %%C3%%A9…) y la salida los escribe tal cual, con sus "
                 "temperaturas");
    int ok = escenario(&e, NULL, 0, 8000);
    if (ok)
        cal_obtenido("los nombres llegan enteros al servidor y salen bien");
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ --json */

/* ¿Está `v` redondeado a un decimal (como -4.2, aunque se escriba -4.2000000000000002)? */
static int un_decimal(double v)
{
    return fabs(v * 10.0 - round(v * 10.0)) < 1e-6;
}

/* Compara el documento --json con las referencias. 1 o 0 (anotado). */
static int json_correcto(const esc_t *e)
{
    json_error_t je;
    json_t *doc = json_loads(cal_salida(e->p), 0, &je);
    int ok = 0;
    json_t *ciudades = json_object_get(doc, "ciudades");
    if (doc == NULL) {
        cal_obtenido("la salida no es un JSON válido: %s (línea %d, columna %d)", je.text, je.line,
                     je.column);
        goto fin;
    }
    if (!json_is_array(ciudades) || (int)json_array_size(ciudades) != e->nciudades) {
        cal_obtenido("«ciudades» tiene que ser una lista de %d elementos", e->nciudades);
        goto fin;
    }
    for (int c = 0; c < e->nciudades; c++) {
        json_t *ci = json_array_get(ciudades, (size_t)c);
        const char *nom = json_string_value(json_object_get(ci, "ciudad"));
        if (nom == NULL || strcmp(nom, e->ciudades[c]) != 0) {
            cal_obtenido("ciudades[%d].ciudad tiene que ser «%s»", c, e->ciudades[c]);
            goto fin;
        }
        double m;
        int n = media(e, c, &m);
        json_t *pr = json_object_get(ci, "promedio");
        if (n > 0 && json_is_number(pr) && !un_decimal(json_number_value(pr))) {
            cal_obtenido("ciudades[%d].promedio vale %.10g: los números van redondeados a un "
                         "decimal, como en la salida de texto",
                         c, json_number_value(pr));
            goto fin;
        }
        if (n == 0 ? !json_is_null(pr)
                   : (!json_is_number(pr) || fabs(json_number_value(pr) - m) > TOL_MEDIA)) {
            if (n == 0)
                cal_obtenido("ciudades[%d].promedio tiene que ser null (ningún proveedor "
                             "respondió bien)",
                             c);
            else
                cal_obtenido("ciudades[%d].promedio tiene que ser %.1f (un número)", c, m);
            goto fin;
        }
        json_t *lista = json_object_get(ci, "proveedores");
        if (!json_is_array(lista) || (int)json_array_size(lista) != e->nprovs) {
            cal_obtenido("ciudades[%d].proveedores tiene que ser una lista de %d", c, e->nprovs);
            goto fin;
        }
        for (int k = 0; k < e->nprovs; k++) {
            json_t *p = json_array_get(lista, (size_t)k);
            const char *pn = json_string_value(json_object_get(p, "nombre"));
            json_t *t = json_object_get(p, "temperatura");
            const char *err = json_string_value(json_object_get(p, "error"));
            if (pn == NULL || strcmp(pn, e->provs[k].nombre) != 0) {
                cal_obtenido("ciudades[%d].proveedores[%d].nombre tiene que ser «%s»", c, k,
                             e->provs[k].nombre);
                goto fin;
            }
            if (e->provs[k].espera == BIEN && json_is_number(t) &&
                !un_decimal(json_number_value(t))) {
                cal_obtenido("ciudades[%d].proveedores[%d].temperatura vale %.10g: los números "
                             "van redondeados a un decimal, como en la salida de texto",
                             c, k, json_number_value(t));
                goto fin;
            }
            if (e->provs[k].espera == BIEN
                    ? (!json_is_number(t) || fabs(json_number_value(t) - e->ref[c][k]) > TOL_T ||
                       err != NULL)
                    : (err == NULL || err[0] == '\0' || t != NULL)) {
                if (e->provs[k].espera == BIEN)
                    cal_obtenido("ciudades[%d].proveedores[%d] tiene que llevar \"temperatura\": "
                                 "%.1f (y ningún \"error\")",
                                 c, k, e->ref[c][k]);
                else
                    cal_obtenido("ciudades[%d].proveedores[%d] tiene que llevar \"error\" con "
                                 "el motivo (y ninguna \"temperatura\")",
                                 c, k);
                goto fin;
            }
        }
    }
    ok = 1;
fin:
    json_decref(doc);
    return ok;
}

CAL_PRUEBA(salida_json, 30)
{
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"b", "weatherapi", "&fallo=texto", "current.temp_c", "C", ERROR},
        {"c", "weathergov", NULL, "properties.periods.0.temperature", "F", BIEN}};
    static const prov_t caidos[] = {
        {"x", "openmeteo", "&estado=500", "current_weather.temperature", "C", ERROR},
        {"y", "weatherapi", "&estado=502", "current.temp_c", "C", ERROR}};
    /* Una ciudad con comillas y barra invertida: un documento escrito a mano con printf, sin
     * escapar, deja de ser JSON. */
    static const char *const ciudades[] = {"Lima", "Villa \"Gesell\" \\ Norte"};
    cal_esperado("con --json, un documento válido {\"ciudades\": [{\"ciudad\", \"promedio\", "
                 "\"proveedores\": [{\"nombre\", \"temperatura\"} o {\"nombre\", \"error\"}]}]} "
                 "con los números del servidor redondeados a un decimal, también para la ciudad "
                 "«Villa \"Gesell\" \\ Norte» (comillas y barra invertida escapadas); con todos "
                 "caídos, \"promedio\": null y código 1");
    esc_t e = {.ciudades = ciudades, .nciudades = 2, .provs = provs, .nprovs = 3};
    const char *op[] = {"--json", NULL};
    int ok = preparar(&e) == 0 && lanzar(&e, op, 0, 12) == 0 && fin_con(&e, 8000, 0) &&
             json_correcto(&e) && registro_completo(&e);
    if (!ok) {
        cal_nota_salida(e.p, 14);
        CAL_FIN(0);
    }
    static const char *const una[] = {"Lima"};
    esc_t f = {.ciudades = una, .nciudades = 1, .provs = caidos, .nprovs = 2};
    ok = preparar(&f) == 0 && lanzar(&f, op, 0, 12) == 0 && fin_con(&f, 8000, 1) &&
         json_correcto(&f);
    if (!ok)
        cal_nota_salida(f.p, 14);
    else
        cal_obtenido("los dos documentos cuadran campo a campo");
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ Ctrl+C y memoria */

CAL_PRUEBA(sigint, 30)
{
    static const prov_t provs[] = {
        {"a", "openmeteo", "&retraso=10", "current_weather.temperature", "C", ERROR},
        {"b", "weatherapi", "&retraso=10", "current.temp_c", "C", ERROR}};
    esc_t e = {.ciudades = dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 2};
    cal_esperado("cuatro peticiones que tardan 10 s (-t 20000) en vuelo; SIGINT: el programa "
                 "sale con código 130 en menos de 2 s, sin esperarlas");
    const char *op[] = {"-t", "20000", NULL};
    if (preparar(&e) < 0 || lanzar(&e, op, 0, 15) < 0)
        CAL_FIN(0);
    /* Hasta que estén en vuelo (o 3 s): el servidor las anota al acabar, así que se espera
     * un rato fijo y generoso. */
    cal_esperar(1200);
    uint64_t t0 = cal_ahora_ms();
    cal_senal(e.p, SIGINT);
    char fin[128];
    int ok = cal_esperar_fin(e.p, 2000) && cal_codigo(e.p) == 130;
    cal_obtenido("%s %llu ms después de SIGINT", cal_describir_fin(e.p, fin, sizeof fin),
                 (unsigned long long)(cal_ahora_ms() - t0));
    if (!ok)
        cal_nota_salida(e.p, 8);
    CAL_FIN(ok);
}

CAL_PRUEBA(valgrind, 60)
{
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"roto", "weatherapi", "&fallo=json", "current.temp_c", "C", ERROR},
        {"texto", "openmeteo", "&fallo=texto", "current_weather.temperature", "C", ERROR},
        {"falta", "weathergov", "&fallo=falta", "properties.periods.0.temperature", "F", ERROR},
        {"k", "openweather", "&unidades=kelvin", "main.temp", "K", BIEN}};
    esc_t e = {.ciudades = dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 5};
    cal_esperado("bajo valgrind, dos ciudades con respuestas buenas, JSON roto, un texto y una "
                 "ruta que no existe (cada camino de error suelta su documento): la salida "
                 "correcta, código 0, sin errores de memoria ni fugas");
    if (preparar(&e) < 0 || lanzar(&e, NULL, 1, 40) < 0)
        CAL_FIN(0);
    /* Con el código de valgrind, el fallo es de memoria y su informe lo prueba. Si no, sin
     * código 0 y la salida correcta no se juzga la memoria (un programa que no hace nada no
     * pierde nada): el mensaje lo dice, para que nadie busque una fuga que no hay. */
    char fin[128];
    if (!cal_esperar_fin(e.p, 35000)) {
        cal_obtenido("NO es un fallo de memoria: bajo valgrind, el programa %s; la memoria no "
                     "se llega a mirar",
                     cal_describir_fin(e.p, fin, sizeof fin));
        cal_nota_salida(e.p, 12);
        CAL_FIN(0);
    }
    if (cal_codigo(e.p) != CAL_CODIGO_VALGRIND) {
        if (cal_codigo(e.p) != 0) {
            cal_obtenido("NO es un fallo de memoria: bajo valgrind, el programa %s (se esperaba "
                         "el código 0) y la memoria no se llega a mirar",
                         cal_describir_fin(e.p, fin, sizeof fin));
            cal_nota_salida(e.p, 12);
            CAL_FIN(0);
        }
        prefijo_salida = "NO es un fallo de memoria: la memoria no se llega a mirar porque la "
                         "salida no es la correcta (arréglala antes; la juzgan otras "
                         "verificaciones): ";
        int bien = salida_correcta(&e);
        prefijo_salida = "";
        if (!bien) {
            cal_nota_salida(e.p, 14);
            CAL_FIN(0);
        }
    }
    char motivo[256];
    int ok = cal_valgrind_veredicto(e.p, motivo, sizeof motivo);
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_valgrind_nota(e.p);
    CAL_FIN(ok);
}
