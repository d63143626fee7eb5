/* escenario.c — el motor de escenarios del laboratorio 10 (ver comun.h): cada verificación
 * describe un escenario (ciudades, proveedores con su ruta, su retraso y lo que deben dar) y
 * aquí se prepara (el servidor, las referencias que el calificador pide al servidor como
 * haría el programa, el archivo de proveedores), se lanza y se juzga (la salida, el --json y
 * el registro de peticiones del servidor). */
#define _GNU_SOURCE
#include "comun.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *const clima_dos_ciudades[2] = {"Lima", "Oslo"};

/* Ciudades de un solo nombre sin un solo byte que quede tal cual en la URL (todos ≥ 0x80): su
 * codificación ocupa justo 3 bytes por byte, el caso extremo de quien reserva memoria para
 * ella. La última es la más larga (39 bytes, 117 codificados). */
const char *const clima_ciudades_extremas[N_EXTREMAS] = {"Москва", "Αθήνα", "東京", "Київ",
                                                         "กรุงเทพมหานคร"};

espera_t clima_espera(const esc_t *e, int c, int k)
{
    const prov_t *p = &e->provs[k];
    const char *solo = p->mas != NULL ? strstr(p->mas, "&solo=") : NULL;
    if (solo == NULL)
        return p->espera;
    solo += 6;
    size_t n = strcspn(solo, "&");
    const char *ciudad = e->ciudades[c];
    return strlen(ciudad) == n && strncmp(solo, ciudad, n) == 0 ? p->espera : BIEN;
}

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

/* Reparte los parámetros de `mas` («&a=1&eco={ciudad}»): los que llevan {ciudad} (el
 * programa los sustituye: van en la plantilla) a `con`, y los demás (el escenario: van en el
 * destino del alias, que el programa no ve) a `sin`. */
static void repartir(const char *mas, char *con, size_t tcon, char *sin, size_t tsin)
{
    size_t a = 0, b = 0;
    con[0] = sin[0] = '\0';
    for (const char *q = mas != NULL ? mas : ""; *q != '\0';) {
        if (*q == '&') {
            q++;
            continue;
        }
        size_t n = strcspn(q, "&");
        int lleva = memmem(q, n, "{ciudad}", 8) != NULL;
        char *d = lleva ? con : sin;
        size_t *u = lleva ? &a : &b, t = lleva ? tcon : tsin;
        if (*u < t) {
            int w = snprintf(d + *u, t - *u, "&%.*s", (int)n, q);
            *u += w > 0 ? (size_t)w : 0;
        }
        q += n;
    }
}

/* La url del proveedor k: la plantilla, con {ciudad}. Con `opaca`, la del archivo del
 * programa (el alias, si lo hay); sin ella, la real (la que pide el propio calificador). */
static void plantilla_como(const esc_t *e, int k, int opaca, char *d, size_t tam)
{
    const prov_t *p = &e->provs[k];
    if (p->servidor == NULL) {
        int imposible = p->mas != NULL && strcmp(p->mas, PUERTO_IMPOSIBLE) == 0;
        snprintf(d, tam, "http://127.0.0.1:%d/clima/openmeteo?ciudad={ciudad}",
                 imposible ? 99999 : e->puerto_cerrado);
        return;
    }
    if (opaca && e->alias[k][0] != '\0') {
        char con[256], sin[256];
        repartir(p->mas, con, sizeof con, sin, sizeof sin);
        snprintf(d, tam, "%s?ciudad={ciudad}%s", e->alias[k], con);
        return;
    }
    snprintf(d, tam, "/clima/%s?ciudad={ciudad}&sal=%s%d%s", p->servidor, e->sal, k,
             p->mas != NULL ? p->mas : "");
}

static void plantilla(const esc_t *e, int k, char *d, size_t tam)
{
    plantilla_como(e, k, 0, d, tam);
}

/* Da al proveedor k del servidor su alias: «/clima/PROV?sal=…» y el escenario de `mas` (sin
 * lo que lleva {ciudad}). 0 o -1 (anotado). */
static int dar_alias(esc_t *e, int k)
{
    const prov_t *p = &e->provs[k];
    e->alias[k][0] = '\0';
    if (p->servidor == NULL)
        return 0;
    char con[256], sin[256], destino[600], claves[300];
    repartir(p->mas, con, sizeof con, sin, sizeof sin);
    snprintf(destino, sizeof destino, "/clima/%s?sal=%s%d%s", p->servidor, e->sal, k, sin);
    /* La petición del programa solo trae las claves de su plantilla (plantilla_como: ciudad y
     * las de `con`); con otra («retraso=0&», «unidades=celsius&» delante) cambiaría el
     * escenario, y el servidor contesta 400 (un adversario de la sesión 29). */
    size_t u = (size_t)snprintf(claves, sizeof claves, "ciudad");
    for (const char *q = con; *q != '\0' && u < sizeof claves;) {
        q += *q == '&';
        size_t n = strcspn(q, "=&");
        if (n > 0)
            u += (size_t)snprintf(claves + u, sizeof claves - u, ",%.*s", (int)n, q);
        q += strcspn(q, "&");
    }
    int r = cal_alias_consulta(e->s, destino, claves, e->alias[k], sizeof e->alias[k]);
    if (r < 0) {
        cal_obtenido("no se pudo preparar la verificación (error del calificador: %s)",
                     strerror(-r));
        return -1;
    }
    cal_nota("(proveedor «%s»: %s = %s)", p->nombre, e->alias[k], destino);
    return 0;
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
    char peticion[2200];
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
            if (p->servidor == NULL ||
                (clima_espera(e, c, k) != BIEN && clima_espera(e, c, k) != E_JSON))
                continue;
            char pl[512], ciudad[1024], ruta[2048]; /* codificada: hasta 3 bytes por byte */
            plantilla(e, k, pl, sizeof pl);
            sin_retraso(pl);
            codificar(e->ciudades[c], ciudad, sizeof ciudad);
            /* Cada {ciudad} de la plantilla (puede haber más de uno). MARCA_PROPIA: sin
             * retraso, las del calificador pueden caer en el mismo milisegundo del
             * lanzamiento; la marca las separa del programa sin duda. */
            size_t u = 0;
            ruta[0] = '\0';
            for (const char *q = pl, *marca; *q != '\0' && u < sizeof ruta; q = marca + 8) {
                marca = strstr(q, "{ciudad}");
                if (marca == NULL) {
                    u += (size_t)snprintf(ruta + u, sizeof ruta - u, "%s", q);
                    break;
                }
                u += (size_t)snprintf(ruta + u, sizeof ruta - u, "%.*s%s", (int)(marca - q), q,
                                      ciudad);
            }
            if (u < sizeof ruta)
                snprintf(ruta + u, sizeof ruta - u, "%s", MARCA_PROPIA);
            int estado = 0;
            char *cuerpo = NULL;
            if (pedir(e, ruta, &estado, &cuerpo) < 0 || estado < 200 || estado > 299) {
                free(cuerpo);
                cal_obtenido("el calificador no pudo leer %s del servidor (error del "
                             "calificador)",
                             ruta);
                return -1;
            }
            json_error_t je;
            json_t *doc = json_loads(cuerpo, 0, &je);
            free(cuerpo);
            if (clima_espera(e, c, k) == E_JSON) {
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

/* Media de las referencias BIEN de la ciudad c. Devuelve cuántas. */
static int media(const esc_t *e, int c, double *m)
{
    double s = 0;
    int n = 0;
    for (int k = 0; k < e->nprovs; k++)
        if (clima_espera(e, c, k) == BIEN) {
            s += e->ref[c][k];
            n++;
        }
    *m = n > 0 ? s / n : 0;
    return n;
}

/* La primera diferencia de la salida, en «obtenido». */
static void diferencia(const char *formato, ...) __attribute__((format(printf, 1, 2)));
static void diferencia(const char *formato, ...)
{
    char texto[1024];
    va_list ap;
    va_start(ap, formato);
    vsnprintf(texto, sizeof texto, formato, ap);
    va_end(ap);
    cal_obtenido("%s", texto);
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
        if (clima_espera(e, c, k) == BIEN) {
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

/* Servidor, sal, archivo de proveedores y referencias. 0 o -1 (anotado). */
/* Cambia el nombre de cada proveedor por uno al azar (cuatro letras y su posición, así que
 * no se repiten): el nombre va en el archivo y en cada línea de la salida, y «roto», «caido»
 * o «texto» le dirían al programa qué escenario es sin leer la respuesta. El informe dice
 * cuál era cuál. */
static void renombrar(esc_t *e)
{
    for (int k = 0; k < e->nprovs && k < MAX_PROV; k++) {
        e->propios[k] = e->provs[k];
        char *n = e->nombres[k];
        for (int i = 0; i < 4; i++)
            n[i] = (char)('a' + (int)cal_azar(0, 25));
        snprintf(n + 4, sizeof e->nombres[k] - 4, "%d", k);
        e->propios[k].nombre = n;
    }
    e->provs = e->propios;
}

int clima_preparar(esc_t *e)
{
    const prov_t *originales = e->provs;
    renombrar(e);
    for (int k = 0; k < e->nprovs; k++)
        cal_nota("(«%s» es el proveedor «%s» de la verificación)", e->provs[k].nombre,
                 originales[k].nombre);
    if (clima_servidor(&e->s) < 0)
        return -1;
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
            cal_nota("(semilla elegida al intento %d)", intento + 1);
            break;
        }
        if (intento == 199) {
            cal_nota("(ninguna semilla dio medias distintas con y sin redondear: se juzga "
                     "igual)");
            break;
        }
    }
    for (int k = 0; k < e->nprovs; k++)
        if (dar_alias(e, k) < 0)
            return -1;
    json_t *lista = json_array();
    for (int k = 0; k < e->nprovs; k++) {
        char pl[512];
        plantilla_como(e, k, 1, pl, sizeof pl);
        json_array_append_new(lista, json_pack("{s:s, s:s, s:s, s:s}", "nombre", e->provs[k].nombre,
                                               "url", pl, "ruta", e->provs[k].ruta, "unidad",
                                               e->provs[k].unidad));
        const char *est = e->provs[k].mas != NULL ? strstr(e->provs[k].mas, "estado=") : NULL;
        e->codigo[k] = est != NULL ? atoi(est + 7) : 0;
    }
    json_t *doc = json_pack("{s:o}", "proveedores", lista);
    snprintf(e->archivo, sizeof e->archivo, "%s/proveedores.json", e->carpeta);
    char *texto = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    char ruta[sizeof e->archivo];
    int r = texto != NULL ? clima_escribir(e->carpeta, "proveedores.json", texto, ruta, sizeof ruta)
                          : -1;
    free(texto);
    if (r < 0) {
        cal_obtenido("no se pudo escribir el archivo de proveedores (error del calificador)");
        return -1;
    }
    return 0;
}

/* Lanza el programa con `opciones` (terminadas en NULL), -f (o, con sin_f, el archivo junto
 * al programa) y las ciudades. */
int clima_lanzar(esc_t *e, const char *const *opciones, int valgrind, double limite_s)
{
    const char *args[32];
    int n = 0;
    for (int i = 0; opciones != NULL && opciones[i] != NULL && n < 20; i++)
        args[n++] = opciones[i];
    if (!e->sin_f) {
        args[n++] = "-f";
        args[n++] = e->archivo;
    }
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
                           .valgrind = valgrind,
                           .junto = e->sin_f ? e->archivo : NULL};
    if (e->sin_f)
        cal_nota("sin -f: el archivo de proveedores está junto al programa, y la carpeta "
                 "actual es otra (sin proveedores.json)");
    if (cal_lanzar(&l, &e->p) < 0)
        return -1;
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

/* Como siguiente_linea, con cada tramo de espacios y tabuladores hecho un solo espacio: lo que
 * leen las verificaciones que no juzgan la forma. Alinear la salida en columnas («%-12s») o
 * separarla con tabuladores es un fallo de forma, y solo lo cobra salida_basica; sin esto,
 * ninguna línea casaba y costaba 78 puntos (mutante columnas_alineadas). */
static int siguiente_compacta(const char **t, char *buf, size_t tam)
{
    if (!siguiente_linea(t, buf, tam))
        return 0;
    size_t u = 0;
    for (size_t i = 0; buf[i] != '\0'; i++) {
        int blanco = buf[i] == ' ' || buf[i] == '\t';
        if (blanco && u > 0 && buf[u - 1] == ' ')
            continue;
        buf[u++] = blanco ? ' ' : buf[i];
    }
    buf[u] = '\0';
    return 1;
}

/* Un número al principio de `s` (p. ej. «-3.4 °C»); con `estricta`, con un decimal justo.
 * 1 si lo hay. */
static int numero(const char *s, double *v, const char **resto, int estricta)
{
    char *fin = NULL;
    *v = strtod(s, &fin);
    if (fin == s || !isfinite(*v))
        return 0;
    const char *punto = memchr(s, '.', (size_t)(fin - s));
    if (estricta && (punto == NULL || fin - punto != 2))
        return 0;
    *resto = fin;
    return 1;
}

/* ¿Empieza `linea` por una de las ciudades del escenario y un espacio? */
static int de_alguna_ciudad(const esc_t *e, const char *linea)
{
    for (int c = 0; c < e->nciudades; c++) {
        size_t lc = strlen(e->ciudades[c]);
        if (strncmp(linea, e->ciudades[c], lc) == 0 && linea[lc] == ' ')
            return 1;
    }
    return 0;
}

/* Cuando faltan líneas: si la salida trae alguna que no empieza por ninguna ciudad (la
 * ciudad codificada para la URL, «San%20Jos%C3%A9 …»), decirlo, con la primera, en `dst`; ""
 * si no. Sin esto, el informe decía «la salida se acabó» con las líneas ahí (el estudiante de
 * prueba de la sesión 28). */
static void lineas_ajenas(const esc_t *e, char *dst, size_t tam)
{
    const char *t = cal_salida(e->p);
    char linea[1024];
    int n = 0;
    dst[0] = '\0';
    while (siguiente_compacta(&t, linea, sizeof linea))
        if (linea[0] != '\0' && !de_alguna_ciudad(e, linea) && n++ == 0)
            snprintf(dst, tam, "«%.200s»", linea);
    if (n > 0) {
        char primera[240];
        snprintf(primera, sizeof primera, "%s", dst);
        snprintf(dst, tam,
                 " (líneas que no empiezan por ninguna de las ciudades tal como se escribieron "
                 "en los argumentos, y no cuentan: %d; la primera, %s)",
                 n, primera);
    }
}

int clima_hay_linea_de_ciudad(const esc_t *e)
{
    const char *t = cal_salida(e->p);
    char linea[1024];
    while (siguiente_compacta(&t, linea, sizeof linea))
        if (de_alguna_ciudad(e, linea))
            return 1;
    return 0;
}

/* La siguiente línea que juzgar. Con `estricta` (salida_basica, la que juzga la forma), la
 * siguiente sin más; sin ella, la siguiente que empieza por una ciudad, con sus espacios
 * compactados (siguiente_compacta): una línea de más (una de depuración olvidada en stdout) o
 * unas columnas alineadas son un fallo de forma, y solo lo cobra salida_basica. */
static int siguiente_de_ciudad(const esc_t *e, int estricta, const char **t, char *buf, size_t tam)
{
    if (estricta)
        return siguiente_linea(t, buf, tam);
    while (siguiente_compacta(t, buf, tam))
        if (de_alguna_ciudad(e, buf))
            return 1;
    return 0;
}

/* Las marcas de cada clase de error que lleva un motivo (las palabras en negrita del
 * enunciado). Un motivo de una clase no puede llevar las de otra: si no, uno que las dijera
 * todas («tiempo imposible 503, línea 1, columna 1, rechazada») valdría para cualquier error
 * sin distinguir ninguno (mutante: motivo_escopeta). */
enum { M_ESTADO = 1, M_TIEMPO = 2, M_JSON = 4, M_IMPOSIBLE = 8, M_RECHAZADA = 16 };

/* Cuántas veces lleva `motivo` «palabra N» (N, cifras), y en *n la primera N. */
static int contar_numerado(const char *motivo, const char *palabra, int *n)
{
    int veces = 0;
    size_t largo = strlen(palabra);
    for (const char *p = strstr(motivo, palabra); p != NULL; p = strstr(p + 1, palabra)) {
        if (!isdigit((unsigned char)p[largo]))
            continue;
        if (veces++ == 0)
            *n = (int)strtol(p + largo, NULL, 10);
    }
    return veces;
}

/* Un estado HTTP de error en el motivo: tres cifras de 400 a 599 que no son parte de otro
 * número (ni cifras, ni punto, ni signo pegados) ni unos milisegundos («500 ms», el límite de
 * un tiempo agotado con -t 500; «590 milisegundos» o «590 milliseconds», que el informe
 * tomaba por un estado: el estudiante de prueba de la sesión 45), ni de una palabra o una ruta
 * (letras o «/» pegadas): un motivo que cita la URL, «…/c/3fa451be…», no lleva el estado 451.
 * Devuelve el primero, o 0. */
static int estado_citado(const char *motivo)
{
    for (const char *p = motivo; *p != '\0'; p++) {
        if (!isdigit((unsigned char)*p))
            continue;
        const char *f = p;
        while (isdigit((unsigned char)*f))
            f++;
        int pegado_antes =
            p > motivo && (p[-1] == '.' || p[-1] == '-' || p[-1] == '+' || p[-1] == ',' ||
                           p[-1] == '/' || isalpha((unsigned char)p[-1]));
        int pegado_despues = *f == '.' || *f == ',' || *f == '/' || isalpha((unsigned char)*f);
        const char *tras = f;
        while (*tras == ' ')
            tras++;
        int ms = strncmp(tras, "ms", 2) == 0 || strncasecmp(tras, "mil", 3) == 0;
        int v = f - p == 3 ? (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0') : 0;
        if (v >= 400 && v <= 599 && !pegado_antes && !pegado_despues && !ms)
            return v;
        p = f - 1;
    }
    return 0;
}

static unsigned marcas(const char *motivo)
{
    int n;
    unsigned m = 0;
    if (estado_citado(motivo) != 0)
        m |= M_ESTADO;
    if (strstr(motivo, "tiempo") != NULL)
        m |= M_TIEMPO;
    if (contar_numerado(motivo, "línea ", &n) > 0 || contar_numerado(motivo, "columna ", &n) > 0)
        m |= M_JSON;
    if (strstr(motivo, "imposible") != NULL)
        m |= M_IMPOSIBLE;
    if (strstr(motivo, "rechazada") != NULL)
        m |= M_RECHAZADA;
    return m;
}

/* Las marcas de otras clases que lleva el motivo, en palabras (para el mensaje). */
static void marcas_de_mas(unsigned m, char *d, size_t tam)
{
    static const struct {
        unsigned marca;
        const char *texto;
    } nombres[] = {{M_ESTADO, "un estado HTTP"},
                   {M_TIEMPO, "«tiempo»"},
                   {M_JSON, "una línea o columna"},
                   {M_IMPOSIBLE, "«imposible»"},
                   {M_RECHAZADA, "«rechazada»"}};
    size_t usado = 0;
    d[0] = '\0';
    for (int i = 0; i < CAL_CUANTOS(nombres); i++) {
        if (!(m & nombres[i].marca))
            continue;
        int w = snprintf(d + usado, tam - usado, "%s%s", usado > 0 ? ", " : "", nombres[i].texto);
        if (w > 0 && (size_t)w < tam - usado)
            usado += (size_t)w;
    }
}

static int motivo_vale(const esc_t *e, int c, int k, const char *motivo, char *por, size_t tam)
{
    if (motivo[0] == '\0') {
        snprintf(por, tam, "el motivo está vacío");
        return 0;
    }
    static const unsigned propia[] = {[E_ESTADO] = M_ESTADO,
                                      [E_TIEMPO] = M_TIEMPO,
                                      [E_JSON] = M_JSON,
                                      [E_IMPOSIBLE] = M_IMPOSIBLE,
                                      [E_RECHAZADA] = M_RECHAZADA};
    espera_t clase = clima_espera(e, c, k);
    if (clase != BIEN && clase != ERROR) {
        unsigned otras = marcas(motivo) & ~propia[clase];
        if (otras != 0) {
            char lista[160];
            marcas_de_mas(otras, lista, sizeof lista);
            snprintf(por, tam,
                     "el motivo lleva también lo de otro error (%s): cada motivo dice solo lo "
                     "suyo",
                     lista);
            return 0;
        }
    }
    char a[64], b[64];
    int l = 0, col = 0;
    switch (clase) {
    case E_ESTADO:
        if (estado_citado(motivo) != e->codigo[k]) {
            snprintf(por, tam, "el motivo no cita el estado %d", e->codigo[k]);
            return 0;
        }
        return 1;
    case E_RECHAZADA:
        if (strstr(motivo, "rechazada") == NULL) {
            snprintf(por, tam, "el motivo no dice «rechazada» (conexión rechazada)");
            return 0;
        }
        return 1;
    case E_TIEMPO:
        if (strstr(motivo, "tiempo") == NULL) {
            snprintf(por, tam, "el motivo no dice «tiempo» (se agotó el tiempo límite)");
            return 0;
        }
        return 1;
    case E_JSON:
        snprintf(a, sizeof a, "línea %d", e->linea[c][k]);
        snprintf(b, sizeof b, "columna %d", e->columna[c][k]);
        /* Exactamente una línea y una columna: una lista de sitios no dice dónde está. */
        if (contar_numerado(motivo, "línea ", &l) != 1 ||
            contar_numerado(motivo, "columna ", &col) != 1 || l != e->linea[c][k] ||
            col != e->columna[c][k]) {
            snprintf(por, tam,
                     "el motivo no dice dónde está el error: «%s, %s» (una línea y "
                     "una columna)",
                     a, b);
            return 0;
        }
        return 1;
    case E_IMPOSIBLE:
        if (strstr(motivo, "imposible") == NULL) {
            snprintf(por, tam, "el motivo no dice «imposible» (valor imposible)");
            return 0;
        }
        return 1;
    default:
        return 1;
    }
}

/* El punto de código UTF-8 que empieza en `s` (y cuántos bytes ocupa, en *n). */
static unsigned punto_de_codigo(const char *s, int *n)
{
    const unsigned char *u = (const unsigned char *)s;
    int largo = u[0] < 0x80 ? 1 : (u[0] & 0xe0) == 0xc0 ? 2 : (u[0] & 0xf0) == 0xe0 ? 3 : 4;
    unsigned v = largo == 1 ? u[0] : u[0] & (0x3f >> (largo - 1));
    for (int i = 1; i < largo; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            largo = i;
            break;
        }
        v = (v << 6) | (u[i] & 0x3f);
    }
    *n = largo;
    return v;
}

/* Si `llegada` difiere de `esperada` en un carácter que no es ASCII (dos que se ven iguales en
 * una terminal, «ºC» y «°C»), lo nombra en `d` con sus puntos de código; "" si no. Sin esto
 * el informe ponía dos líneas que se ven iguales (el estudiante de prueba de la sesión 45). */
static void caracter_distinto(const char *esperada, const char *llegada, char *d, size_t tam)
{
    d[0] = '\0';
    size_t i = 0;
    while (esperada[i] != '\0' && esperada[i] == llegada[i])
        i++;
    while (i > 0 && ((unsigned char)esperada[i] & 0xc0) == 0x80)
        i--; /* al principio del carácter */
    if ((unsigned char)esperada[i] < 0x80 && (unsigned char)llegada[i] < 0x80)
        return;
    int ne = 0, nl = 0;
    unsigned e = esperada[i] != '\0' ? punto_de_codigo(esperada + i, &ne) : 0;
    unsigned l = llegada[i] != '\0' ? punto_de_codigo(llegada + i, &nl) : 0;
    if (e == 0 || l == 0)
        return;
    snprintf(d, tam, " (donde difieren: llegó «%.*s», U+%04X, y se esperaba «%.*s», U+%04X)", nl,
             llegada + i, l, ne, esperada + i, e);
}

/* Lo que debería decir la línea del proveedor k para la ciudad c (para los mensajes). */
static void esperada(const esc_t *e, int c, int k, char *d, size_t tam)
{
    if (clima_espera(e, c, k) == BIEN)
        snprintf(d, tam, "«%s %s %.1f °C»", e->ciudades[c], e->provs[k].nombre, e->ref[c][k]);
    else
        snprintf(d, tam, "«%s %s ERROR <motivo>»", e->ciudades[c], e->provs[k].nombre);
}

/* Compara la salida, línea a línea, con lo que tiene que decir. 1 si cuadra; si no, 0 con
 * la primera diferencia en «obtenido». */
int clima_salida_correcta(const esc_t *e)
{
    const char *t = cal_salida(e->p);
    char linea[1024], quiero[512], por[256];
    const int estricta = e->forma_estricta;
    for (int c = 0; c < e->nciudades; c++) {
        const char *ciudad = e->ciudades[c];
        size_t lc = strlen(ciudad);
        for (int k = 0; k <= e->nprovs; k++) {
            if (k < e->nprovs)
                esperada(e, c, k, quiero, sizeof quiero);
            if (!siguiente_de_ciudad(e, estricta, &t, linea, sizeof linea)) {
                char ajenas[400];
                lineas_ajenas(e, ajenas, sizeof ajenas);
                diferencia("faltan líneas: se esperaba %s y la salida se acabó%s",
                           k < e->nprovs ? quiero : "el PROMEDIO o SIN DATOS", ajenas);
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
                const char *tras = "";
                char cola[96], cuenta[48];
                snprintf(cola, sizeof cola, " °C (%d de %d proveedores)", n, e->nprovs);
                /* Sin `promedio_entero`, solo lo que prueba que los errores no cuentan (ver
                 * esc_t): la m y la media sobre m las juzga errores_http. */
                const int entero = estricta || e->promedio_entero;
                if (entero)
                    snprintf(cuenta, sizeof cuenta, "(%d de %d", n, e->nprovs);
                else
                    snprintf(cuenta, sizeof cuenta, "(%d de ", n);
                /* ±0,05 es lo que mueve el redondeo de una media bien hecha (y 0,0001 de
                 * holgura para el orden de las sumas); fuera de sin_redondear, más margen. Sin
                 * `estricta`, la forma de la cola no se mira; la cuenta (n de …), sí. */
                double tol = e->sin_redondear ? 0.0501 : TOL_MEDIA;
                int forma = strncmp(resto, "PROMEDIO ", 9) == 0 &&
                            numero(resto + 9, &v, &tras, estricta) &&
                            (estricta ? strcmp(tras, cola) == 0 : strstr(tras, cuenta) != NULL);
                int cuadra = forma && (fabs(v - m) <= tol ||
                                       (!entero && fabs(v - m * n / e->nprovs) <= tol));
                if (!cuadra) {
                    int redondeada =
                        e->sin_redondear && fabs(v - media_de_redondeados(e, c)) < 0.001;
                    char bien[256], distinto[128];
                    snprintf(bien, sizeof bien, "%s PROMEDIO %.1f °C (%d de %d proveedores)",
                             ciudad, m, n, e->nprovs);
                    caracter_distinto(bien, linea, distinto, sizeof distinto);
                    diferencia("se esperaba «%s» (la media de los que respondieron bien%s) y "
                               "llegó «%s»%s",
                               bien,
                               redondeada ? ", con los valores sin redondear: los redondeados "
                                            "dan otra décima"
                                          : "",
                               linea, distinto);
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
            if (clima_espera(e, c, k) == BIEN) {
                double v = 0.0;
                const char *tras = "";
                if (!numero(resto, &v, &tras, estricta) || (estricta && strcmp(tras, " °C") != 0) ||
                    fabs(v - e->ref[c][k]) > TOL_T) {
                    char bien[512], distinto[128];
                    snprintf(bien, sizeof bien, "%s %s %.1f °C", ciudad, p->nombre, e->ref[c][k]);
                    caracter_distinto(bien, linea, distinto, sizeof distinto);
                    diferencia("se esperaba %s (lo que sirvió el servidor, en °C) y llegó «%s»%s",
                               quiero, linea, distinto);
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
    if (siguiente_de_ciudad(e, estricta, &t, linea, sizeof linea)) {
        diferencia("sobra salida después de la última ciudad: «%s»", linea);
        return 0;
    }
    return 1;
}

/* Peticiones del programa: las del calificador van antes del lanzamiento y llevan
 * MARCA_PROPIA (se quitan del registro, que es del calificador). */
int clima_registro_programa(esc_t *e, const cal_peticion_t **v)
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
int clima_registro_esperar(esc_t *e, int n, int max_ms, const cal_peticion_t **v)
{
    uint64_t limite = cal_ahora_ms() + (uint64_t)max_ms;
    int hay = clima_registro_programa(e, v);
    while (hay < n && cal_ahora_ms() < limite) {
        cal_esperar(20);
        hay = clima_registro_programa(e, v);
    }
    return hay;
}

/* ¿Va bien codificado el valor crudo del parámetro `nombre`? Solo A-Z a-z 0-9 - . _ ~, %XX
 * y '+' (el espacio de los formularios): un espacio, una comilla o un byte ≥ 0x80 (la é de
 * UTF-8) tal cual no valen, aunque el servidor los entienda. Y lo que se queda tal cual no
 * va como %XX (el enunciado: «se quedan las letras ASCII, las cifras y - . _ ~»; un %2D por
 * «-» lo entiende cualquier servidor, pero no es lo que se pide). Las cifras de %XX, en
 * mayúsculas o minúsculas: las dos son la misma URL (RFC 3986, 2.1). 1 si sí (o si no está);
 * 0 si algo va tal cual y no puede; -1 si algo que va tal cual va como %XX. */
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
                    isxdigit((unsigned char)p[i + 2])) {
                    char cifras[3] = {p[i + 1], p[i + 2], '\0'};
                    unsigned long d = strtoul(cifras, NULL, 16);
                    if (d < 0x80 && d != 0 && (isalnum((int)d) || strchr("-._~", (int)d) != NULL))
                        return -1;
                    i += 2;
                } else if (!(isalnum(b) && b < 0x80) && strchr("-._~+", b) == NULL)
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

/* ¿Es la petición r del proveedor k (su ruta y su «sal»), sea cual sea la ciudad? */
static int es_del_proveedor(const esc_t *e, const cal_peticion_t *r, int k)
{
    char prefijo[64], sal[64], quiero[32];
    snprintf(prefijo, sizeof prefijo, "/clima/%s?", e->provs[k].servidor);
    snprintf(quiero, sizeof quiero, "%s%d", e->sal, k);
    return strncmp(r->ruta, prefijo, strlen(prefijo)) == 0 &&
           parametro(r->ruta, "sal", sal, sizeof sal) && strcmp(sal, quiero) == 0;
}

/* ¿Es la petición r la del proveedor k para la ciudad c? (Con la ciudad bien codificada
 * si `codificada`.) */
static int es_de_como(const esc_t *e, const cal_peticion_t *r, int c, int k, int codificada)
{
    const prov_t *p = &e->provs[k];
    char ciudad[256], otra[256];
    /* Una plantilla con otro {ciudad} en «&eco={ciudad}»: cada uno, sustituido. */
    int eco = p->mas != NULL && strstr(p->mas, "eco={ciudad}") != NULL;
    return es_del_proveedor(e, r, k) && parametro(r->ruta, "ciudad", ciudad, sizeof ciudad) &&
           strcmp(ciudad, e->ciudades[c]) == 0 &&
           (!codificada || bien_codificado(r->ruta, "ciudad") == 1) &&
           (!eco ||
            (parametro(r->ruta, "eco", otra, sizeof otra) && strcmp(otra, e->ciudades[c]) == 0 &&
             (!codificada || bien_codificado(r->ruta, "eco") == 1)));
}

/* El primer parámetro mal codificado de la petición r entre los que codifica el programa en
 * la plantilla del proveedor k: «ciudad» y los de `mas` con {ciudad} (como «eco»), en ese
 * orden. Deja su nombre en `nombre` y devuelve lo que dijo de él bien_codificado (0: algo va
 * tal cual y no puede; -1: algo que va tal cual va como %XX), o 1 si van todos bien. */
static int primer_mal_codificado(const esc_t *e, const cal_peticion_t *r, int k, char *nombre,
                                 size_t tam)
{
    char con[256], sin[256];
    repartir(e->provs[k].mas, con, sizeof con, sin, sizeof sin);
    snprintf(nombre, tam, "ciudad");
    int b = bien_codificado(r->ruta, nombre);
    for (const char *q = con; b == 1 && *q != '\0';) {
        q += *q == '&';
        size_t n = strcspn(q, "=&");
        if (n > 0) {
            snprintf(nombre, tam, "%.*s", (int)n, q);
            b = bien_codificado(r->ruta, nombre);
        }
        q += strcspn(q, "&");
    }
    return b;
}

int clima_es_de(const esc_t *e, const cal_peticion_t *r, int c, int k)
{
    return es_de_como(e, r, c, k, 1);
}

/* Cada (ciudad, proveedor del servidor) tiene su petición en el registro; las BIEN, con un 2xx
 * (200, o el 203 que se pidió con &estado) y enteras. Con `codificada`, además con la ciudad bien
 * codificada (si no, basta con que el servidor la entienda). 1 o 0 (anotado). */
static int registro_completo_como(esc_t *e, int codificada)
{
    const cal_peticion_t *v;
    int esperadas = 0;
    for (int k = 0; k < e->nprovs; k++)
        esperadas += e->provs[k].servidor != NULL ? e->nciudades : 0;
    int n = clima_registro_esperar(e, esperadas, 1000, &v);
    for (int c = 0; c < e->nciudades; c++)
        for (int k = 0; k < e->nprovs; k++) {
            if (e->provs[k].servidor == NULL)
                continue;
            int vista = 0;
            for (int i = 0; i < n && !vista; i++)
                vista = es_de_como(e, &v[i], c, k, codificada) &&
                        (clima_espera(e, c, k) != BIEN ||
                         (v[i].estado >= 200 && v[i].estado <= 299 && !v[i].abortada));
            /* La petición está, pero con la ciudad mal codificada en algún parámetro: se
             * dice cuál. (Bien codificada pero cortada o con otro estado, no es esto: lo
             * dice el mensaje de abajo.) */
            for (int i = 0; i < n && !vista && codificada; i++) {
                char nombre[64];
                int b = es_de_como(e, &v[i], c, k, 0)
                            ? primer_mal_codificado(e, &v[i], k, nombre, sizeof nombre)
                            : 1;
                if (b == 1)
                    continue;
                if (b < 0)
                    cal_obtenido("la ciudad «%s» llegó al servidor con %%XX donde no va, en el "
                                 "parámetro «%s»: %s (las letras ASCII, las cifras y - . _ ~ se "
                                 "quedan tal cual; solo lo demás va como %%XX)",
                                 e->ciudades[c], nombre, v[i].ruta);
                else
                    cal_obtenido("la ciudad «%s» llegó al servidor sin codificar del todo, en "
                                 "el parámetro «%s»: %s (cada byte que no sea A-Z a-z 0-9 - . _ "
                                 "~ va como %%XX: el espacio, %%20; la é, %%C3%%A9; y esos, tal "
                                 "cual)",
                                 e->ciudades[c], nombre, v[i].ruta);
                return 0;
            }
            /* O llegó cortada: la ciudad de la petición es el principio de la buena (un búfer
             * fijo al codificarla; el estudiante de prueba de la sesión 59, bug 47). */
            for (int i = 0; i < n && !vista; i++) {
                char ciudad[256];
                size_t lc = 0;
                if (!parametro(v[i].ruta, "ciudad", ciudad, sizeof ciudad) ||
                    (lc = strlen(ciudad)) >= strlen(e->ciudades[c]) ||
                    strncmp(ciudad, e->ciudades[c], lc) != 0 || !es_del_proveedor(e, &v[i], k))
                    continue;
                size_t lb = strlen(e->ciudades[c]);
                cal_obtenido("la ciudad «%s» (%zu %s) llegó cortada al servidor: solo %zu %s del "
                             "principio, en %s (¿un búfer de tamaño fijo al codificarla? "
                             "Codificada, cada byte puede ocupar tres)",
                             e->ciudades[c], lb, texto_plural((long long)lb, "byte", "bytes"), lc,
                             texto_plural((long long)lc, "byte", "bytes"), v[i].ruta);
                return 0;
            }
            if (!vista) {
                cal_obtenido("el servidor no registró la petición de «%s» a «%s» con %s la URL "
                             "del archivo (y, si tenía que responder bien, entera y con un "
                             "estado 2xx, sin cortar)",
                             e->ciudades[c], e->provs[k].nombre,
                             codificada ? "la ciudad bien codificada y" : "esa ciudad y");
                int mostradas = 0;
                for (int i = 0; i < n && mostradas < 6; i++, mostradas++)
                    cal_nota("registro: %s (estado %d%s)", v[i].ruta, v[i].estado,
                             v[i].abortada ? ", cortada" : "");
                return 0;
            }
        }
    return 1;
}

int clima_registro_completo(esc_t *e)
{
    return registro_completo_como(e, 1);
}

int clima_registro_completo_sin_codificar(esc_t *e)
{
    return registro_completo_como(e, 0);
}

/* Termina el programa (como mucho max_ms) y comprueba su código. 1 o 0 (anotado). */
int clima_fin_con(esc_t *e, int max_ms, int codigo)
{
    char fin[128];
    int termino = cal_esperar_fin(e->p, max_ms);
    int c = termino ? cal_codigo(e->p) : -1;
    /* CODIGO_LIBRE: cualquier salida por su pie (no una señal, 128 + N); si no, ese código. */
    if (codigo == CODIGO_LIBRE ? (c >= 0 && c < 128) : (termino && c == codigo))
        return 1;
    if (codigo == CODIGO_LIBRE)
        cal_obtenido("%s (se esperaba que terminara por su pie)",
                     cal_describir_fin(e->p, fin, sizeof fin));
    else
        cal_obtenido("%s (se esperaba el código %d)", cal_describir_fin(e->p, fin, sizeof fin),
                     codigo);
    cal_nota_salida(e->p, 12);
    return 0;
}

/* El caso normal: lanzar, esperar el código, la salida y el registro. */
int clima_escenario(esc_t *e, const char *const *opciones, int codigo, int max_ms)
{
    char fin[128];
    if (clima_preparar(e) < 0 || clima_lanzar(e, opciones, 0, max_ms / 1000.0 + 5) < 0)
        return 0;
    /* Terminó con otro código: si su salida también está mal, eso es lo que explica el fallo
     * (el código sale de ella: un extremo válido tomado por imposible deja una ciudad SIN
     * DATOS y el código 1), y el código va detrás, como nota. */
    if (codigo != CODIGO_LIBRE && cal_esperar_fin(e->p, max_ms) && cal_codigo(e->p) != codigo &&
        !clima_salida_correcta(e)) {
        cal_nota("Y %s (se esperaba el código %d).", cal_describir_fin(e->p, fin, sizeof fin),
                 codigo);
        cal_nota_salida(e->p, 14);
        return 0;
    }
    if (!clima_fin_con(e, max_ms, codigo))
        return 0;
    if (!clima_salida_correcta(e)) {
        cal_nota_salida(e->p, 14);
        return 0;
    }
    return clima_registro_completo(e);
}

/* Cuántas peticiones llegan a estar en curso a la vez, como mucho. */
int clima_max_solapadas(const cal_peticion_t *v, int n)
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

/* ¿Está `v` redondeado a un decimal (como -4.2, aunque se escriba -4.2000000000000002)? */
static int un_decimal(double v)
{
    return fabs(v * 10.0 - round(v * 10.0)) < 1e-6;
}

/* Compara el documento --json con las referencias. 1 o 0 (anotado). */
int clima_json_correcto(const esc_t *e)
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
        cal_obtenido("«ciudades» tiene que ser una lista de %d %s", e->nciudades,
                     texto_plural(e->nciudades, "elemento", "elementos"));
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
                         "decimal (round(t * 10) / 10)",
                         c, json_number_value(pr));
            goto fin;
        }
        /* Con sin_redondear, ±0,05: la media de los valores ya redondeados da otra décima. */
        double tol = e->sin_redondear ? 0.0501 : TOL_MEDIA;
        if (n == 0 ? !json_is_null(pr)
                   : (!json_is_number(pr) || fabs(json_number_value(pr) - m) > tol)) {
            if (n == 0)
                cal_obtenido("ciudades[%d].promedio tiene que ser null (ningún proveedor "
                             "respondió bien)",
                             c);
            else
                cal_obtenido("ciudades[%d].promedio tiene que ser %.1f (un número: la media "
                             "de los valores sin redondear, redondeada después)",
                             c, m);
            goto fin;
        }
        json_t *lista = json_object_get(ci, "proveedores");
        if (!json_is_array(lista) || (int)json_array_size(lista) != e->nprovs) {
            cal_obtenido("ciudades[%d].proveedores tiene que ser una lista de %d %s", c, e->nprovs,
                         texto_plural(e->nprovs, "proveedor", "proveedores"));
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
            if (clima_espera(e, c, k) == BIEN && json_is_number(t) &&
                !un_decimal(json_number_value(t))) {
                cal_obtenido("ciudades[%d].proveedores[%d].temperatura vale %.10g: los números van "
                             "redondeados a un decimal (round(t * 10) / 10)",
                             c, k, json_number_value(t));
                goto fin;
            }
            if (clima_espera(e, c, k) == BIEN
                    ? (!json_is_number(t) || fabs(json_number_value(t) - e->ref[c][k]) > TOL_T ||
                       err != NULL)
                    : (err == NULL || err[0] == '\0' || t != NULL)) {
                if (clima_espera(e, c, k) == BIEN)
                    cal_obtenido("ciudades[%d].proveedores[%d] tiene que llevar «\"temperatura\": "
                                 "%.1f» (y ningún «\"error\"»)",
                                 c, k, e->ref[c][k]);
                else
                    cal_obtenido("ciudades[%d].proveedores[%d] tiene que llevar «\"error\"» con "
                                 "el motivo (y ninguna «\"temperatura\"»)",
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

int clima_numeros_leidos(const esc_t *e)
{
    const char *salida = cal_salida(e->p);
    for (int c = 0; c < e->nciudades; c++)
        for (int k = 0; k < e->nprovs; k++) {
            if (clima_espera(e, c, k) != BIEN)
                continue;
            char prefijo[300], linea[1024], quiero[512];
            snprintf(prefijo, sizeof prefijo, "%s %s ", e->ciudades[c], e->provs[k].nombre);
            esperada(e, c, k, quiero, sizeof quiero);
            const char *t = salida;
            int vista = 0, bien = 0;
            while (!vista && siguiente_compacta(&t, linea, sizeof linea)) {
                if (strncmp(linea, prefijo, strlen(prefijo)) != 0)
                    continue;
                vista = 1;
                double v;
                const char *tras;
                /* El número, no la forma de la línea (la juzga salida_basica). */
                bien = numero(linea + strlen(prefijo), &v, &tras, 0) &&
                       fabs(v - e->ref[c][k]) <= TOL_T;
                if (!bien)
                    cal_obtenido("se esperaba %s (lo que sirvió el servidor, en °C) y llegó «%s»",
                                 quiero, linea);
            }
            if (!vista)
                cal_obtenido("falta la línea %s", quiero);
            if (!bien) {
                cal_nota_salida(e->p, 14);
                return 0;
            }
        }
    return 1;
}

/* ¿Hay en `salida` una línea que empiece por `prefijo`? */
static int hay_linea(const char *salida, const char *prefijo)
{
    const char *t = salida;
    char linea[1024];
    size_t n = strlen(prefijo);
    while (siguiente_compacta(&t, linea, sizeof linea))
        if (strncmp(linea, prefijo, n) == 0)
            return 1;
    return 0;
}

int clima_forma_correcta(const esc_t *e, const char *prefijo)
{
    const char *salida = cal_salida(e->p);
    char buscada[400], otra[400], quiero[400];
    for (int c = 0; c < e->nciudades; c++)
        for (int k = 0; k <= e->nprovs; k++) {
            const char *ciudad = e->ciudades[c];
            int hay;
            if (k < e->nprovs) {
                snprintf(buscada, sizeof buscada, "%s %s ", ciudad, e->provs[k].nombre);
                snprintf(quiero, sizeof quiero, "«%s %s …»", ciudad, e->provs[k].nombre);
                hay = hay_linea(salida, buscada);
            } else {
                snprintf(buscada, sizeof buscada, "%s PROMEDIO ", ciudad);
                snprintf(otra, sizeof otra, "%s SIN DATOS", ciudad);
                snprintf(quiero, sizeof quiero, "«%s PROMEDIO …» o «%s SIN DATOS»", ciudad, ciudad);
                hay = hay_linea(salida, buscada) || hay_linea(salida, otra);
            }
            if (!hay) {
                char ajenas[400];
                lineas_ajenas(e, ajenas, sizeof ajenas);
                cal_obtenido("%sfalta una línea %s (en el orden que sea)%s", prefijo, quiero,
                             ajenas);
                cal_nota_salida(e->p, 14);
                return 0;
            }
        }
    return 1;
}
