/* clima.c — Laboratorio 10: agregador de API del clima (programa de partida).
 *
 * Ya están hechos: las opciones, el bucle, el cliente HTTP con su tope -c, Ctrl+C y el
 * reparto de memoria. Te toca lo que enseña el laboratorio: leer el archivo de proveedores
 * sin fiarte de él (TODO 1), codificar la ciudad en la URL (TODO 2), lanzar todas las
 * peticiones a la vez (TODO 3), juzgar cada respuesta (TODO 4: estado, JSON, ruta, tipo,
 * unidad, rango) y escribir la salida (TODO 5 y 6). Hazlos en orden y prueba después de
 * cada uno contra el servidor de práctica (make servidor).
 *
 * Pregunta la temperatura de cada ciudad a todos los proveedores de un archivo JSON, todas
 * las peticiones a la vez (como mucho -c en curso) y cada una con su propio tiempo límite;
 * lee cada respuesta sin fiarse de ella (estado, JSON, ruta, tipo, rango), convierte a °C y
 * promedia solo lo que llegó bien.
 *
 *   clima [-t MS] [-c N] [-f PROVEEDORES] [--json] CIUDAD...
 *
 * El formato de la salida y de los errores está en labs/10-clima/README.md.
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

#define LIMITE_OMISION_MS 3000
#define SIMULTANEAS_OMISION 10
#define MINIMA_C -90.0
#define MAXIMA_C 60.0

typedef struct {
    char *nombre;
    char *url;  /* plantilla con {ciudad}, ya completada si empezaba por / */
    char *ruta; /* «main.temp», «properties.periods.0.temperature»… */
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
    fprintf(stderr, "uso: clima [-t MS] [-c N] [-f PROVEEDORES] [--json] CIUDAD...\n"
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
    /* TODO 2: devuelve (con malloc) `texto` codificado para una URL: se quedan igual las
     * letras ASCII, las cifras y - . _ ~; cualquier otro byte se escribe %XX en hexadecimal
     * en mayúsculas. «San José» → «San%20Jos%C3%A9» (la é son DOS bytes en UTF-8). Ojo con
     * el signo: recorre los bytes como unsigned char. Por ahora, sin codificar: */
    return strdup(texto);
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
        fprintf(stderr,
                "clima: %s: al proveedor %zu le falta el campo «%s» (un texto no vacío)\n",
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
    if (raiz == NULL) {
        /* e.line y e.column dicen dónde está el error: el enunciado pide citarlos. */
        if (e.line <= 0)
            fprintf(stderr, "clima: no se pudo abrir el archivo de proveedores «%s»\n", archivo);
        else
            fprintf(stderr, "clima: %s: JSON inválido en la línea %d, columna %d\n", archivo,
                    e.line, e.column); /* e.text está en inglés: no se cita */
        return -1;
    }
    /* TODO 1: raiz tiene que ser {"proveedores": [ {...}, ... ]} con al menos uno. Reserva
     * prog->proveedores (calloc de prog->nproveedores) y, para cada entrada, comprueba con
     * campo() que estén «nombre», «url», «ruta» y «unidad»; la unidad es exactamente "C",
     * "K" o "F" (strcmp: «Kelvin» o «c» no valen; si no, mensaje que la cite y -1); el
     * nombre, sin espacios; la url empieza por http://, https:// o / (y entonces se
     * completa con practica_url(), como en el lab 07). Copia cada texto con
     * strdup: lo que devuelve json_string_value es PRESTADO y muere con json_decref(raiz).
     * Devuelve -1 (ya avisado) en cuanto algo falle. */
    (void)campo;
    (void)prog;
    json_decref(raiz);
    return 0;
}

/* El valor en la ruta con puntos: claves en objetos, índices en listas. Prestado (de doc) o
 * NULL si no existe. */
static json_t *buscar(json_t *doc, const char *ruta)
{
    /* TODO 4a: recorre `ruta` trozo a trozo («properties.periods.0.temperature»): en un
     * objeto, json_object_get(v, trozo); en una lista, el trozo es un índice (strtoul, y
     * comprueba que sea todo cifras) para json_array_get; en cualquier otra cosa, o si un
     * trozo no está, NULL. Lo que devuelve es prestado: vive lo que viva `doc`. */
    (void)doc;
    (void)ruta;
    return NULL;
}

static const char *tipo_json(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return "texto";
    case JSON_NULL:
        return "null";
    case JSON_TRUE:
    case JSON_FALSE:
        return "un booleano";
    case JSON_OBJECT:
        return "un objeto";
    case JSON_ARRAY:
        return "una lista";
    default:
        return "otra cosa";
    }
}

/* Juzga una respuesta: deja la temperatura en °C o el motivo del error. */
static void juzgar(consulta_t *c, const http_respuesta_t *r)
{
    /* TODO 4b: deja c->correcta = 1 y c->celsius, o el motivo del error en c->motivo
     * (textos exactos en el enunciado), por este orden:
     *  - r->error != 0: transporte o tiempo agotado; r->mensaje ya lo explica en español.
     *  - r->estado >= 400: «estado HTTP 503».
     *  - http_respuesta_json(r, c->motivo, sizeof c->motivo): NULL si el JSON está mal, y
     *    entonces c->motivo ya dice la línea y la columna.
     *  - buscar(doc, ruta): NULL → «no existe «ruta»».
     *  - json_is_number(v): si no, «…no es un número (es texto)» — un "21.5" es texto, no
     *    un número: no lo conviertas. tipo_json() te da el nombre del tipo.
     *  - convierte a °C según la unidad del proveedor (K: −273.15; F: (f−32)·5/9) y
     *    comprueba el rango −90…60 °C («valor imposible: …»).
     * El documento es tuyo: json_decref(doc) en todos los caminos. */
    (void)c;
    (void)r;
    (void)tipo_json;
    (void)buscar;
    snprintf(c->motivo, sizeof c->motivo, "sin juzgar (TODO 4)");
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
    /* TODO 5: una línea por proveedor, en el orden del archivo:
     *     <ciudad> <proveedor> <t.t> °C      o      <ciudad> <proveedor> ERROR <motivo>
     * y después «<ciudad> PROMEDIO <t.t> °C (<n> de <m> proveedores)» con promedio() (solo
     * lo que llegó bien) o «<ciudad> SIN DATOS» si no llegó nada. */
    (void)prog;
    (void)i;
}

static double un_decimal(double v)
{
    return round(v * 10.0) / 10.0;
}

static void imprimir_json(programa_t *prog)
{
    /* TODO 6: con --json, un único documento (formato en el enunciado): construye con
     * json_pack / json_array_append_new y escribe con json_dumpf (él escapa las comillas y
     * las barras de una ciudad; un printf a mano, no). Los números, con un decimal:
     * json_real(un_decimal(t)), y JSON_REAL_PRECISION(10) en json_dumpf para que salga
     * -4.2 y no -4.2000000000000002. Cuidado con quién es dueño de cada referencia: «o» en
     * json_pack y *_new se quedan con ella. */
    (void)prog;
    (void)un_decimal;
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
    fprintf(stderr, "clima: interrumpido, peticiones por cancelar: %zu\n", prog->pendientes);
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
    static const struct option largas[] = {{"json", no_argument, NULL, 'j'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
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
    /* El tope -c lo aplica el cliente: las demás esperan en cola y su tiempo límite
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

    /* TODO 3: una petición por (ciudad, proveedor), TODAS seguidas, sin esperar a
     * ninguna (el cliente lleva como mucho -c a la vez y pone las demás en cola). Para cada
     * consulta_t c = &prog.consultas[i * prog.nproveedores + j]: rellena prog, ciudad y
     * proveedor, suma uno a prog.pendientes, construye c->url con url_consulta() y llama a
     *     http_pedir(prog.cliente, c->url, &opciones, al_terminar, c, NULL);
     * con opciones.tiempo_limite_ms = limite_ms: el límite es de CADA petición y empieza a
     * contar cuando sale de la cola. Si http_pedir falla (devuelve < 0) no habrá callback:
     * anota el motivo, c->terminada = 1 y resta uno a pendientes. */
    http_opciones_t opciones = {.tiempo_limite_ms = (uint64_t)limite_ms};
    (void)opciones;
    (void)url_consulta;
    (void)al_terminar;
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
