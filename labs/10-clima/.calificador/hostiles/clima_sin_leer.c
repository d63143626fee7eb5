/* clima_sin_leer.c — entrega hostil del laboratorio 10: hace todas las peticiones (con
 * http_pedir, en el bucle, como pide el enunciado) pero no lee ni un byte de ningún cuerpo.
 * Copia el servidor de práctica, que es público (common/servidor/clima.c): su hash, sus
 * documentos y su JSON roto; la sal de cada proveedor viaja en la URL del archivo del
 * calificador, así que cada temperatura, cada conversión, cada error de tipo y el sitio del
 * JSON roto se calculan de la URL. Antes del secreto del servidor (hoy CURSO_SERVIDOR_CLAVE, que
 * el calificador pone fuera de la caja), sacaba 100/100; con él, sus números no cuadran.
 * Lo demás (opciones, archivo de proveedores, concurrencia, Ctrl+C) es el de la solución.
 */
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/senales.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define LIMITE_OMISION_MS   3000
#define SIMULTANEAS_OMISION 10
#define MINIMA_C            -90.0
#define MAXIMA_C            60.0

typedef struct {
    char *nombre;
    char *url;   /* plantilla con {ciudad}, ya completada si empezaba por / */
    char *ruta;  /* «main.temp», «properties.periods.0.temperature»… */
    char unidad; /* 'C', 'K' o 'F' */
} proveedor_t;

typedef struct programa_s programa_t;

/* Una petición (ciudad, proveedor): una operación con exactamente un resultado. */
typedef struct {
    programa_t *prog;
    size_t ciudad, proveedor;
    char *url;
    int terminada;
    int correcta;
    double celsius;
    char motivo[512];
} consulta_t;

struct programa_s {
    uv_loop_t bucle;
    http_cliente_t *cliente;
    senales_t senales;
    proveedor_t *proveedores;
    size_t nproveedores;
    char **ciudades;
    size_t nciudades;
    consulta_t *consultas; /* nciudades × nproveedores, ciudad a ciudad */
    size_t pendientes;
    size_t siguiente; /* la próxima ciudad que toca imprimir */
    int json;
    int interrumpido;
    int sin_datos; /* alguna ciudad se quedó sin ningún valor */
};

static void uso(void)
{
    fprintf(stderr,
            "uso: clima [-t MS] [-c N] [-f PROVEEDORES] [--json] CIUDAD...\n"
            "  -t  límite de cada petición en ms (10 a 600000; por omisión %d)\n"
            "  -c  peticiones a la vez como mucho (1 a 1000; por omisión %d)\n"
            "  -f  archivo de proveedores (por omisión, proveedores.json junto al "
            "programa)\n"
            "  --json  un documento JSON en vez de líneas\n",
            LIMITE_OMISION_MS, SIMULTANEAS_OMISION);
}

/* Entero en [minimo, maximo] escrito entero (nada de «12x»). 0 o -1 (ya avisado). */
static int leer_numero(const char *texto, const char *que, long minimo, long maximo, long *valor)
{
    char *fin = NULL;
    errno = 0;
    long v = strtol(texto, &fin, 10);
    if (texto[0] == '\0' || errno != 0 || *fin != '\0' || v < minimo || v > maximo) {
        fprintf(stderr, "clima: %s «%s» no es válido: tiene que ser un entero entre %ld y %ld\n",
                que, texto, minimo, maximo);
        return -1;
    }
    *valor = v;
    return 0;
}

/* Codifica `texto` para una URL (RFC 3986: solo quedan A-Z a-z 0-9 - . _ ~). Memoria nueva. */
static char *codificar(const char *texto)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(texto);
    char *salida = malloc(3 * n + 1);
    if (salida == NULL)
        return NULL;
    char *p = salida;
    for (const unsigned char *c = (const unsigned char *)texto; *c != '\0'; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '.' || *c == '_' || *c == '~') {
            *p++ = (char)*c;
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        }
    }
    *p = '\0';
    return salida;
}

/* La URL de una consulta: la plantilla con cada {ciudad} sustituida. Memoria nueva. */
static char *url_consulta(const char *plantilla, const char *ciudad)
{
    static const char marca[] = "{ciudad}";
    char *codificada = codificar(ciudad);
    if (codificada == NULL)
        return NULL;
    size_t veces = 0;
    for (const char *p = strstr(plantilla, marca); p != NULL; p = strstr(p + 1, marca))
        veces++;
    size_t n = strlen(plantilla) + veces * strlen(codificada) + 1;
    char *url = malloc(n);
    if (url != NULL) {
        char *d = url;
        const char *p = plantilla;
        const char *m;
        while ((m = strstr(p, marca)) != NULL) {
            memcpy(d, p, (size_t)(m - p));
            d += m - p;
            memcpy(d, codificada, strlen(codificada));
            d += strlen(codificada);
            p = m + strlen(marca);
        }
        memcpy(d, p, strlen(p) + 1);
    }
    free(codificada);
    return url;
}

/* Un campo de texto obligatorio de un proveedor. NULL si falta (ya avisado). */
static const char *campo(json_t *p, size_t i, const char *nombre, const char *archivo)
{
    const char *v = json_string_value(json_object_get(p, nombre));
    if (v == NULL || v[0] == '\0') {
        fprintf(stderr, "clima: %s: al proveedor %zu le falta el campo «%s» (un texto no vacío)\n",
                archivo, i + 1, nombre);
        return NULL;
    }
    return v;
}

/* Lee el archivo de proveedores. 0 o -1 (ya avisado). */
static int cargar_proveedores(programa_t *prog, const char *archivo)
{
    json_error_t e;
    json_t *raiz = json_load_file(archivo, JSON_REJECT_DUPLICATES, &e);
    int r = -1;
    if (raiz == NULL) {
        if (e.line <= 0)
            fprintf(stderr, "clima: no se pudo abrir el archivo de proveedores «%s»\n", archivo);
        else
            fprintf(stderr, "clima: %s: JSON inválido en la línea %d, columna %d: %s\n", archivo,
                    e.line, e.column, e.text);
        return -1;
    }
    json_t *lista = json_object_get(raiz, "proveedores");
    if (!json_is_array(lista) || json_array_size(lista) == 0) {
        fprintf(stderr, "clima: %s: falta «proveedores», una lista con al menos un proveedor\n",
                archivo);
        goto fin;
    }
    prog->nproveedores = json_array_size(lista);
    prog->proveedores = calloc(prog->nproveedores, sizeof *prog->proveedores);
    if (prog->proveedores == NULL) {
        fprintf(stderr, "clima: sin memoria\n");
        prog->nproveedores = 0;
        goto fin;
    }
    for (size_t i = 0; i < prog->nproveedores; i++) {
        json_t *p = json_array_get(lista, i);
        if (!json_is_object(p)) {
            fprintf(stderr, "clima: %s: el proveedor %zu no es un objeto\n", archivo, i + 1);
            goto fin;
        }
        const char *nombre = campo(p, i, "nombre", archivo);
        const char *url = nombre != NULL ? campo(p, i, "url", archivo) : NULL;
        const char *ruta = url != NULL ? campo(p, i, "ruta", archivo) : NULL;
        const char *unidad = ruta != NULL ? campo(p, i, "unidad", archivo) : NULL;
        if (unidad == NULL)
            goto fin;
        if (strcmp(unidad, "C") != 0 && strcmp(unidad, "K") != 0 && strcmp(unidad, "F") != 0) {
            fprintf(stderr,
                    "clima: %s: el proveedor %zu tiene una unidad desconocida «%s» (se admiten "
                    "C, K y F)\n",
                    archivo, i + 1, unidad);
            goto fin;
        }
        if (strpbrk(nombre, " \t\n") != NULL) {
            fprintf(stderr, "clima: %s: el nombre «%s» no puede llevar espacios\n", archivo,
                    nombre);
            goto fin;
        }
        if (url[0] != '/' && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
            fprintf(stderr, "clima: %s: la url «%s» tiene que empezar por http://, https:// o /\n",
                    archivo, url);
            goto fin;
        }
        proveedor_t *d = &prog->proveedores[i];
        d->nombre = strdup(nombre);
        d->ruta = strdup(ruta);
        d->unidad = unidad[0];
        if (url[0] == '/') {
            size_t n = strlen(practica_url()) + strlen(url) + 1;
            d->url = malloc(n);
            if (d->url != NULL)
                snprintf(d->url, n, "%s%s", practica_url(), url);
        } else {
            d->url = strdup(url);
        }
        if (d->nombre == NULL || d->ruta == NULL || d->url == NULL) {
            fprintf(stderr, "clima: sin memoria\n");
            goto fin;
        }
    }
    r = 0;
fin:
    json_decref(raiz);
    return r;
}

/* ---- Lo que hace a esta entrega hostil: ni un byte del cuerpo se lee. ----
 * El servidor de práctica es público (common/servidor/clima.c): su hash, sus documentos y su
 * JSON roto se copian aquí, y cada número sale de la URL (proveedor, ciudad, sal, fallo). */

static unsigned long long hash_texto(const char *s)
{
    unsigned long long h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

static unsigned long long hash_ciudad(const char *ciudad, const char *uso, const char *sal)
{
    char clave[256];
    size_t j = 0;
    for (const char *p = ciudad; *p != '\0' && j + 1 < sizeof clave; p++)
        clave[j++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
    clave[j] = '\0';
    char con_sal[640];
    if (sal[0] == '\0')
        snprintf(con_sal, sizeof con_sal, "%s|%s", uso, clave);
    else
        snprintf(con_sal, sizeof con_sal, "%s|%s|%s", uso, sal, clave);
    return hash_texto(con_sal);
}

static double redondear1(double v)
{
    return round(v * 10.0) / 10.0;
}

static double base(const char *ciudad, const char *sal)
{
    return redondear1(-10.0 + (double)(hash_ciudad(ciudad, "base", sal) % 451) / 10.0);
}

static double temperatura(const char *ciudad, const char *prov, const char *sal)
{
    unsigned long long h = hash_ciudad(ciudad, prov, sal);
    return redondear1(base(ciudad, sal) + ((double)(h % 21) - 10.0) / 10.0);
}

/* El documento del servidor, tal cual (para saber dónde se rompe el JSON roto). */
static json_t *documento(const char *prov, const char *ciudad, const char *sal)
{
    static const char *const estados[] = {"despejado",     "nubes dispersas", "nublado",
                                          "lluvia ligera", "niebla",          "chubascos"};
    unsigned long long h = hash_ciudad(ciudad, "extra", sal);
    int humedad = (int)(30 + h % 60);
    double viento = redondear1((double)((h >> 8) % 300) / 10.0);
    const char *cielo = estados[(h >> 16) % 6];
    double lat = redondear1(-60.0 + (double)((h >> 24) % 1300) / 10.0);
    double lon = redondear1(-170.0 + (double)((h >> 40) % 3400) / 10.0);
    double t = temperatura(ciudad, prov, sal);
    if (strcmp(prov, "openweather") == 0)
        return json_pack("{s:{s:f, s:f}, s:[{s:s}], s:{s:f, s:f, s:i, s:i}, s:{s:f}, s:s, s:i}",
                         "coord", "lon", lon, "lat", lat, "weather", "description", cielo, "main",
                         "temp", t, "feels_like", redondear1(t - viento / 10.0), "humidity",
                         humedad, "pressure", 1000 + (int)((h >> 32) % 30), "wind", "speed", viento,
                         "name", ciudad, "cod", 200);
    if (strcmp(prov, "weatherapi") == 0)
        return json_pack("{s:{s:s, s:f, s:f}, s:{s:f, s:f, s:i, s:f, s:{s:s}}}", "location", "name",
                         ciudad, "lat", lat, "lon", lon, "current", "temp_c", t, "temp_f",
                         redondear1(t * 9.0 / 5.0 + 32.0), "humidity", humedad, "wind_kph", viento,
                         "condition", "text", cielo);
    if (strcmp(prov, "openmeteo") == 0)
        return json_pack("{s:f, s:f, s:{s:f, s:f, s:i, s:i}}", "latitude", lat, "longitude", lon,
                         "current_weather", "temperature", t, "windspeed", viento, "winddirection",
                         (int)((h >> 48) % 360), "weathercode", (int)((h >> 16) % 6));
    double f = redondear1(t * 9.0 / 5.0 + 32.0);
    double noche = redondear1((t - 4.0) * 9.0 / 5.0 + 32.0);
    return json_pack("{s:{s:s, s:[{s:i, s:s, s:f, s:s, s:s}, {s:i, s:s, s:f, s:s, s:s}]}}",
                     "properties", "ciudad", ciudad, "periods", "number", 1, "name", "Ahora",
                     "temperature", f, "temperatureUnit", "F", "shortForecast", cielo, "number", 2,
                     "name", "Esta noche", "temperature", noche, "temperatureUnit", "F",
                     "shortForecast", cielo);
}

/* Valor decodificado del parámetro `nombre` de la URL. 1 si está. */
static int parametro(const char *url, const char *nombre, char *valor, size_t tam)
{
    const char *q = strchr(url, '?');
    size_t ln = strlen(nombre);
    for (const char *p = q != NULL ? q + 1 : ""; *p != '\0';) {
        size_t n = strcspn(p, "&");
        if (n > ln && strncmp(p, nombre, ln) == 0 && p[ln] == '=') {
            size_t j = 0;
            for (size_t i = ln + 1; i < n && j + 1 < tam; i++) {
                if (p[i] == '%' && i + 2 < n) {
                    char h[3] = {p[i + 1], p[i + 2], '\0'};
                    valor[j++] = (char)strtol(h, NULL, 16);
                    i += 2;
                } else {
                    valor[j++] = p[i] == '+' ? ' ' : p[i];
                }
            }
            valor[j] = '\0';
            return 1;
        }
        p += n;
        if (*p == '&')
            p++;
    }
    valor[0] = '\0';
    return 0;
}

/* Juzga una consulta sin mirar su cuerpo: todo sale de la URL. */
static void juzgar(consulta_t *c, const http_respuesta_t *r)
{
    const proveedor_t *p = &c->prog->proveedores[c->proveedor];
    if (r->error != 0) {
        snprintf(c->motivo, sizeof c->motivo, "%s",
                 r->mensaje != NULL && r->mensaje[0] != '\0' ? r->mensaje
                                                             : http_error_texto(r->error));
        return;
    }
    char prov[64] = "", ciudad[256], sal[128], fallo[32], estado[16], solo[256], unidades[16];
    const char *clima = strstr(c->url, "/clima/");
    if (clima != NULL)
        snprintf(prov, sizeof prov, "%.*s", (int)strcspn(clima + 7, "?"), clima + 7);
    parametro(c->url, "ciudad", ciudad, sizeof ciudad);
    parametro(c->url, "sal", sal, sizeof sal);
    parametro(c->url, "fallo", fallo, sizeof fallo);
    parametro(c->url, "estado", estado, sizeof estado);
    parametro(c->url, "unidades", unidades, sizeof unidades);
    if (parametro(c->url, "solo", solo, sizeof solo) && strcmp(solo, ciudad) != 0)
        fallo[0] = estado[0] = '\0';
    if (estado[0] != '\0') {
        snprintf(c->motivo, sizeof c->motivo, "estado HTTP %s", estado);
        return;
    }
    if (strcmp(fallo, "json") == 0) {
        json_t *doc = documento(prov, ciudad, sal);
        char *texto =
            json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        json_decref(doc);
        char *ultima = texto != NULL ? strrchr(texto, '}') : NULL;
        if (ultima != NULL) {
            size_t antes = (size_t)(ultima - texto);
            while (antes > 0 && (texto[antes - 1] == '\n' || texto[antes - 1] == ' '))
                antes--;
            char *roto = malloc(antes + 8);
            if (roto != NULL) {
                snprintf(roto, antes + 8, "%.*s,\n}\n", (int)antes, texto);
                json_error_t e;
                json_decref(json_loads(roto, 0, &e));
                snprintf(c->motivo, sizeof c->motivo,
                         "JSON inválido en la línea %d, columna %d: %s", e.line, e.column, e.text);
                free(roto);
            }
        }
        free(texto);
        return;
    }
    if (strcmp(fallo, "texto") == 0 || strcmp(fallo, "nulo") == 0) {
        snprintf(c->motivo, sizeof c->motivo, "«%s» no es un número", p->ruta);
        return;
    }
    if (strcmp(fallo, "falta") == 0) {
        snprintf(c->motivo, sizeof c->motivo, "no existe «%s»", p->ruta);
        return;
    }
    double v = temperatura(ciudad, prov, sal);
    if (strcmp(prov, "weathergov") == 0)
        v = redondear1(v * 9.0 / 5.0 + 32.0);
    else if (strcmp(unidades, "kelvin") == 0)
        v = round((v + 273.15) * 100.0) / 100.0;
    if (strcmp(fallo, "imposible") == 0)
        v = -999.0;
    /* json_number_value sale en el binario (el calificador lo busca), pero nunca con un
     * cuerpo: con un número hecho aquí. */
    json_t *n = json_real(v);
    double t = json_number_value(n);
    json_decref(n);
    if (p->unidad == 'K')
        t -= 273.15;
    else if (p->unidad == 'F')
        t = (t - 32.0) * 5.0 / 9.0;
    if (!isfinite(t) || t < MINIMA_C || t > MAXIMA_C) {
        snprintf(c->motivo, sizeof c->motivo, "valor imposible: %.1f °C", t);
        return;
    }
    c->celsius = t;
    c->correcta = 1;
}

/* Promedio de lo que llegó bien para una ciudad. Devuelve cuántos valores hubo. */
static size_t promedio(const programa_t *prog, size_t ciudad, double *media)
{
    double suma = 0.0;
    size_t n = 0;
    for (size_t j = 0; j < prog->nproveedores; j++) {
        const consulta_t *c = &prog->consultas[ciudad * prog->nproveedores + j];
        if (c->correcta) {
            suma += c->celsius;
            n++;
        }
    }
    *media = n > 0 ? suma / (double)n : 0.0;
    return n;
}

static void imprimir_ciudad(programa_t *prog, size_t i)
{
    const char *ciudad = prog->ciudades[i];
    for (size_t j = 0; j < prog->nproveedores; j++) {
        const consulta_t *c = &prog->consultas[i * prog->nproveedores + j];
        if (c->correcta)
            printf("%s %s %.1f °C\n", ciudad, prog->proveedores[j].nombre, c->celsius);
        else
            printf("%s %s ERROR %s\n", ciudad, prog->proveedores[j].nombre, c->motivo);
    }
    double media;
    size_t n = promedio(prog, i, &media);
    if (n > 0)
        printf("%s PROMEDIO %.1f °C (%zu de %zu proveedores)\n", ciudad, media, n,
               prog->nproveedores);
    else
        printf("%s SIN DATOS\n", ciudad);
}

static double un_decimal(double v)
{
    return round(v * 10.0) / 10.0;
}

static void imprimir_json(programa_t *prog)
{
    json_t *ciudades = json_array();
    for (size_t i = 0; i < prog->nciudades; i++) {
        json_t *lista = json_array();
        for (size_t j = 0; j < prog->nproveedores; j++) {
            const consulta_t *c = &prog->consultas[i * prog->nproveedores + j];
            json_t *e = c->correcta ? json_pack("{s:s, s:f}", "nombre", prog->proveedores[j].nombre,
                                                "temperatura", un_decimal(c->celsius))
                                    : json_pack("{s:s, s:s}", "nombre", prog->proveedores[j].nombre,
                                                "error", c->motivo);
            json_array_append_new(lista, e);
        }
        double media;
        size_t n = promedio(prog, i, &media);
        json_array_append_new(ciudades,
                              json_pack("{s:s, s:o, s:o}", "ciudad", prog->ciudades[i], "promedio",
                                        n > 0 ? json_real(un_decimal(media)) : json_null(),
                                        "proveedores", lista));
    }
    json_t *doc = json_pack("{s:o}", "ciudades", ciudades);
    if (doc == NULL ||
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) < 0)
        fprintf(stderr, "clima: no se pudo escribir el JSON\n");
    else
        putchar('\n');
    json_decref(doc);
}

/* Todo terminó: se cierra lo que mantiene vivo el bucle. */
static void terminar(programa_t *prog)
{
    http_cliente_cerrar(prog->cliente, NULL, NULL);
    senales_cerrar(&prog->senales);
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    (void)p;
    consulta_t *c = usuario;
    programa_t *prog = c->prog;
    if (prog->interrumpido)
        return; /* cancelada por Ctrl+C: no es un resultado */
    juzgar(c, r);
    c->terminada = 1;
    prog->pendientes--;
    /* Cada ciudad sale en el orden de los argumentos en cuanto están todos sus proveedores. */
    while (prog->siguiente < prog->nciudades) {
        size_t i = prog->siguiente;
        int completa = 1;
        for (size_t j = 0; j < prog->nproveedores && completa; j++)
            completa = prog->consultas[i * prog->nproveedores + j].terminada;
        if (!completa)
            break;
        double media;
        if (promedio(prog, i, &media) == 0)
            prog->sin_datos = 1;
        if (!prog->json)
            imprimir_ciudad(prog, i);
        prog->siguiente++;
    }
    if (prog->pendientes == 0) {
        if (prog->json)
            imprimir_json(prog);
        terminar(prog);
    }
}

static void al_parar(senales_t *senales, int signum, void *datos)
{
    (void)senales;
    (void)signum;
    programa_t *prog = datos;
    fprintf(stderr, "clima: interrumpido, cancelando %zu peticiones\n", prog->pendientes);
    prog->interrumpido = 1;
    terminar(prog); /* cancela lo que esté en curso o en cola */
}

/* proveedores.json en la carpeta del programa. Memoria nueva o NULL. */
static char *archivo_omision(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return strdup("proveedores.json");
    exe[n] = '\0';
    char *barra = strrchr(exe, '/');
    if (barra != NULL)
        *barra = '\0';
    size_t tam = strlen(exe) + sizeof "/proveedores.json";
    char *ruta = malloc(tam);
    if (ruta != NULL)
        snprintf(ruta, tam, "%s/proveedores.json", exe);
    return ruta;
}

static void liberar(programa_t *prog)
{
    for (size_t i = 0; i < prog->nproveedores && prog->proveedores != NULL; i++) {
        free(prog->proveedores[i].nombre);
        free(prog->proveedores[i].url);
        free(prog->proveedores[i].ruta);
    }
    free(prog->proveedores);
    for (size_t i = 0; prog->consultas != NULL && i < prog->nciudades * prog->nproveedores; i++)
        free(prog->consultas[i].url);
    free(prog->consultas);
}

int main(int argc, char **argv)
{
    programa_t prog;
    memset(&prog, 0, sizeof prog);
    long limite_ms = LIMITE_OMISION_MS, simultaneas = SIMULTANEAS_OMISION;
    char *archivo = NULL;
    int codigo = 2;
    static const struct option largas[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int opcion;

    setvbuf(stdout, NULL, _IOLBF, 0);
    opterr = 0; /* getopt avisaría en inglés: el aviso lo damos nosotros, en español */
    while ((opcion = getopt_long(argc, argv, "t:c:f:h", largas, NULL)) != -1) {
        if (opcion == 't') {
            if (leer_numero(optarg, "el límite -t", 10, 600000, &limite_ms) < 0)
                goto fin;
        } else if (opcion == 'c') {
            if (leer_numero(optarg, "el máximo -c", 1, 1000, &simultaneas) < 0)
                goto fin;
        } else if (opcion == 'f') {
            free(archivo);
            archivo = strdup(optarg);
        } else if (opcion == 'j') {
            prog.json = 1;
        } else if (opcion == 'h') {
            uso();
            codigo = 0;
            goto fin;
        } else {
            if (optopt != 0 && strchr("tcf", optopt) != NULL)
                fprintf(stderr, "clima: a la opción -%c le falta su valor\n", optopt);
            else if (optopt != 0)
                fprintf(stderr, "clima: opción desconocida «-%c»\n", optopt);
            else
                fprintf(stderr, "clima: opción desconocida «%s»\n", argv[optind - 1]);
            uso();
            goto fin;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "clima: falta al menos una ciudad\n");
        uso();
        goto fin;
    }
    for (int i = optind; i < argc; i++)
        if (argv[i][0] == '\0') {
            fprintf(stderr, "clima: una ciudad no puede estar vacía\n");
            goto fin;
        }
    if (archivo == NULL)
        archivo = archivo_omision();
    if (archivo == NULL || cargar_proveedores(&prog, archivo) < 0)
        goto fin;

    codigo = 1;
    prog.ciudades = argv + optind;
    prog.nciudades = (size_t)(argc - optind);
    prog.consultas = calloc(prog.nciudades * prog.nproveedores, sizeof *prog.consultas);
    if (prog.consultas == NULL) {
        fprintf(stderr, "clima: sin memoria\n");
        goto fin;
    }
    int r = uv_loop_init(&prog.bucle);
    if (r < 0) {
        fprintf(stderr, "clima: uv_loop_init: %s\n", error_texto(r));
        goto fin;
    }
    /* El tope -c lo aplica el cliente: las demás esperan en cola y su límite de tiempo
     * empieza a contar cuando salen de ella. */
    r = http_cliente_nuevo(&prog.bucle, (unsigned)simultaneas, &prog.cliente);
    if (r == 0) {
        r = senales_iniciar(&prog.bucle, &prog.senales, al_parar, &prog);
        if (r < 0)
            http_cliente_cerrar(prog.cliente, NULL, NULL);
    }
    if (r < 0) {
        fprintf(stderr, "clima: no se pudo arrancar: %s\n", http_error_texto(r));
        uv_run(&prog.bucle, UV_RUN_DEFAULT);
        uv_loop_close(&prog.bucle);
        goto fin;
    }

    /* Todas a la vez: una petición por (ciudad, proveedor), ciudad a ciudad. */
    http_opciones_t opciones = {.tiempo_limite_ms = (uint64_t)limite_ms};
    for (size_t i = 0; i < prog.nciudades; i++)
        for (size_t j = 0; j < prog.nproveedores; j++) {
            consulta_t *c = &prog.consultas[i * prog.nproveedores + j];
            c->prog = &prog;
            c->ciudad = i;
            c->proveedor = j;
            prog.pendientes++;
            c->url = url_consulta(prog.proveedores[j].url, prog.ciudades[i]);
            r = c->url != NULL ? http_pedir(prog.cliente, c->url, &opciones, al_terminar, c, NULL)
                               : UV_ENOMEM;
            if (r < 0) {
                /* Ni salió: también es un resultado, el único de esta consulta. */
                snprintf(c->motivo, sizeof c->motivo, "%s", http_error_texto(r));
                c->terminada = 1;
                prog.pendientes--;
            }
        }
    if (prog.pendientes == 0) {
        /* Ninguna salió: se imprime ya (al_terminar no llegará). */
        for (size_t i = 0; i < prog.nciudades && !prog.json; i++)
            imprimir_ciudad(&prog, i);
        if (prog.json)
            imprimir_json(&prog);
        prog.sin_datos = 1;
        terminar(&prog);
    }

    uv_run(&prog.bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(&prog.bucle);
    if (r != 0)
        fprintf(stderr, "clima: el bucle no quedó cerrado: %s\n", error_texto(r));
    if (prog.interrumpido)
        codigo = 130;
    else
        codigo = (r == 0 && !prog.sin_datos) ? 0 : 1;

fin:
    liberar(&prog);
    free(archivo);
    return codigo;
}
