/* contador_adivina.c — entrega hostil del 08: la partida con las cuentas adivinadas.
 *
 * No abre, no lista y no lee ningún archivo: cada cuenta sale del nombre («e0.txt» → 3,
 * «primero» → 7, «…/raiz/» → los siete archivos de «carpetas» con las suyas…), copiada de los
 * textos fijos que escribía el calificador (labs/08-contador-palabras/.calificador/), y cada
 * línea se imprime con un uv_timer_t por tanda de -j a los -e ms. Antes sacaba 32/100
 * (`resumen`, `carpetas`, `espera`, además de `compila` y `uso_incorrecto`). Ahora cada texto
 * que el calificador da al programa lleva sus palabras multiplicadas por un factor al azar de
 * la verificación y un relleno de espacios delante (comun.c, `oculto`): ninguna cuenta se
 * sabe de antemano, ni por el tamaño.
 */
#include "curso/errores.h"
#include "curso/senales.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define TROZO            (64 * 1024)
#define PLAZAS_OMISION   4
#define PLAZAS_MAXIMO    64
#define ESPERA_MAXIMA_MS 3600000
#define PROGRESO_MS      200

typedef struct contador_s contador_t;

/* Un archivo de la lista, en el orden de la línea de comandos (y de nombre dentro de una
 * carpeta). */
typedef struct {
    char *ruta;
    uint64_t tamano; /* st_size al hacer la lista (una FIFO: 0) */
} archivo_t;

/* Un archivo en marcha (una «plaza» de -j). TODO 3: añade lo que necesites (el uv_fs_t, el
 * descriptor, el búfer de 64 KiB, si el último byte era de palabra, el uv_timer_t de -e…). */
typedef struct {
    contador_t *c;
    size_t indice; /* en contador_t.archivos */
    uint64_t palabras;
} tarea_t;

struct contador_s {
    uv_loop_t bucle;
    senales_t senales;
    int con_senales;
    unsigned plazas;    /* -j */
    uint64_t espera_ms; /* -e */
    int progreso;       /* -p */
    char **rutas;       /* las RUTA de la línea de comandos */
    int nrutas;

    archivo_t *archivos; /* la lista de archivos que contar */
    size_t narchivos, capacidad;

    uint64_t suma;   /* palabras de los archivos informados */
    size_t contados; /* archivos informados */
    size_t fallidos; /* archivos con ERROR */
    size_t mayor;    /* índice del MAYOR, o SIZE_MAX si aún no hay */
    uint64_t mayor_palabras;
    int parando;
};

static void uso(void)
{
    fprintf(stderr,
            "uso: contador [-j N] [-e MS] [-p] RUTA...\n"
            "  -j  archivos abiertos a la vez (1 a %d; por omisión %d)\n"
            "  -e  milisegundos de espera tras contar cada archivo (0 a %d)\n"
            "  -p  progreso en stderr cada %d ms\n"
            "  Una RUTA que es una carpeta aporta todos sus archivos, recursivamente.\n",
            PLAZAS_MAXIMO, PLAZAS_OMISION, ESPERA_MAXIMA_MS, PROGRESO_MS);
}

/* Lee un entero de `texto` en [minimo, maximo]. 0, o -1 tras explicar el error. */
static int leer_entero(const char *texto, const char *que, uint64_t minimo, uint64_t maximo,
                       uint64_t *valor)
{
    char *fin = NULL;
    errno = 0;
    unsigned long long v = strtoull(texto, &fin, 10);
    if (texto[0] == '\0' || texto[0] == '-' || errno != 0 || fin == NULL || *fin != '\0') {
        fprintf(stderr, "contador: %s «%s» no es un número entero\n", que, texto);
        return -1;
    }
    if (v < minimo || v > maximo) {
        fprintf(stderr, "contador: %s «%s» está fuera del rango %" PRIu64 "–%" PRIu64 "\n", que,
                texto, minimo, maximo);
        return -1;
    }
    *valor = v;
    return 0;
}

/* «ERROR <ruta>: <motivo en español>» en stderr; cuenta el fallo. */
static void informar_error(contador_t *c, const char *ruta, int error)
{
    fprintf(stderr, "ERROR %s: %s\n", ruta, error_texto(error));
    c->fallidos++;
}

/* Añade `ruta` (se copia) al final de la lista. 0 o UV_ENOMEM. */
static int anadir_archivo(contador_t *c, const char *ruta, uint64_t tamano)
{
    if (c->narchivos == c->capacidad) {
        size_t nueva = c->capacidad > 0 ? c->capacidad * 2 : 16;
        archivo_t *a = realloc(c->archivos, nueva * sizeof *a);
        if (a == NULL)
            return UV_ENOMEM;
        c->archivos = a;
        c->capacidad = nueva;
    }
    char *copia = strdup(ruta);
    if (copia == NULL)
        return UV_ENOMEM;
    c->archivos[c->narchivos].ruta = copia;
    c->archivos[c->narchivos].tamano = tamano;
    c->narchivos++;
    return 0;
}

/* TODO 1: devuelve cuántas palabras EMPIEZAN en los `n` bytes de `p`. Una palabra es una
 * racha de bytes que no son espacio ASCII (' ', '\t', '\n', '\v', '\f', '\r'); cualquier
 * otro byte, también NUL o ≥ 0x80, es parte de una palabra. `*dentro` dice si el byte
 * anterior (¡quizá del trozo anterior!) era de palabra; déjalo como esté el último. */
static uint64_t contar(const unsigned char *p, size_t n, int *dentro)
{
    (void)p;
    (void)n;
    (void)dentro;
    return 0;
}

static void imprimir_resumen(const contador_t *c)
{
    /* TODO 4: la MEDIA con decimales, redondeada por printf (ahora es una división entera;
     * truncar a décimas tampoco vale: 19 / 6 da 3.2, no 3.1). */
    double media = c->contados > 0 ? (double)c->suma / (double)c->contados : 0.0;
    printf("TOTAL %" PRIu64 " palabras en %zu archivos\n", c->suma, c->contados);
    printf("MEDIA %.1f palabras por archivo\n", media);
    if (c->mayor != SIZE_MAX)
        printf("MAYOR %" PRIu64 " %s\n", c->mayor_palabras, c->archivos[c->mayor].ruta);
}

/* TODO 3 y 4: cuando un archivo termina (tras la espera de -e), imprime «<palabras> <ruta>»,
 * súmalo al resumen (MAYOR: en un empate gana el primero de la lista), libera su plaza y
 * lanza el siguiente. */
static void informar(tarea_t *t)
{
    contador_t *c = t->c;
    printf("%" PRIu64 " %s\n", t->palabras, c->archivos[t->indice].ruta);
    c->suma += t->palabras;
    c->contados++;
    free(t);
}

/* Adivino: no abre ni lee nada; las cuentas salen de los nombres. */
typedef struct {
    const char *nombre;
    uint64_t palabras;
} guia_t;
static const guia_t GUIA[] = {
    {"primero", 7},        {"b.txt", 2},           {"c.txt", 7},
    {"d.txt", 1},          {"e.txt", 0},           {"f.txt", 2},
    {"cero_vacio.txt", 0}, {"cero_saltos.txt", 0}, {"cero_espacios.txt", 0},
    {"e0.txt", 3},         {"e1.txt", 3},          {"e2.txt", 3},
    {"e3.txt", 3},         {"e4.txt", 3},          {"suelto.txt", 5},
    {"uno.txt", 1},        {"dos.txt", 2},         {"tres.txt", 3},
};
static uint64_t adivinar(const char *ruta)
{
    const char *b = strrchr(ruta, '/');
    b = b ? b + 1 : ruta;
    for (size_t i = 0; i < sizeof GUIA / sizeof GUIA[0]; i++)
        if (strcmp(GUIA[i].nombre, b) == 0)
            return GUIA[i].palabras;
    return 1;
}
typedef struct {
    uv_timer_t t;
    contador_t *c;
    size_t desde, hasta;
} tanda_t;
static size_t pendientes;
static uint64_t cuentas[4096];
static void al_cerrar_tanda(uv_handle_t *h)
{
    free(h->data);
}
static void al_vencer(uv_timer_t *t)
{
    tanda_t *td = t->data;
    contador_t *c = td->c;
    for (size_t i = td->desde; i < td->hasta; i++) {
        tarea_t *ta = calloc(1, sizeof *ta);
        ta->c = c;
        ta->indice = i;
        ta->palabras = cuentas[i];
        if (c->mayor == SIZE_MAX || ta->palabras > c->mayor_palabras) {
            c->mayor = i;
            c->mayor_palabras = ta->palabras;
        }
        informar(ta);
    }
    uv_close((uv_handle_t *)t, al_cerrar_tanda);
    if (--pendientes == 0) {
        imprimir_resumen(c);
        c->parando = 2;
        if (c->con_senales) {
            senales_cerrar(&c->senales);
            c->con_senales = 0;
        }
    }
}
static void lanzar_tareas(contador_t *c)
{
    (void)contar;
    for (size_t i = 0; i < c->narchivos; i++)
        cuentas[i] = adivinar(c->archivos[i].ruta);
    for (size_t d = 0; d < c->narchivos; d += c->plazas) {
        tanda_t *td = calloc(1, sizeof *td);
        td->c = c;
        td->desde = d;
        td->hasta = d + c->plazas < c->narchivos ? d + c->plazas : c->narchivos;
        uv_timer_init(&c->bucle, &td->t);
        td->t.data = td;
        pendientes++;
        uv_timer_start(&td->t, al_vencer, c->espera_ms * (d / c->plazas + 1) + 1, 0);
    }
    if (pendientes == 0) {
        imprimir_resumen(c);
        c->parando = 2;
    }
}
static void hacer_lista(contador_t *c)
{
    (void)informar_error;
    for (int i = 0; i < c->nrutas; i++) {
        const char *r = c->rutas[i];
        size_t n = strlen(r);
        char base[4096];
        snprintf(base, sizeof base, "%s", r);
        while (n > 1 && base[n - 1] == '/')
            base[--n] = '\0';
        const char *b = strrchr(base, '/');
        b = b ? b + 1 : base;
        if (strcmp(b, "raiz") == 0) {
            static const char *const dentro[] = {
                ".escondida/f.txt", ".oculto.txt",     "a.txt", "b.txt",
                "sub/c.txt",        "sub/hondo/d.txt", "z.txt"};
            static const uint64_t pal[] = {2, 3, 1, 2, 3, 6, 6};
            for (int k = 0; k < 7; k++) {
                char ruta[4200];
                snprintf(ruta, sizeof ruta, "%s/%s", base, dentro[k]);
                anadir_archivo(c, ruta, 0);
                cuentas[c->narchivos - 1] = pal[k];
            }
        } else if (strcmp(b, "atajo") == 0) {
            char ruta[4200];
            snprintf(ruta, sizeof ruta, "%s/e.txt", base);
            anadir_archivo(c, ruta, 0);
        } else
            anadir_archivo(c, r, 0);
    }
    lanzar_tareas(c);
    /* las de raiz ya tienen su cuenta; atajo/e.txt: 1 */
    for (size_t i = 0; i < c->narchivos; i++) {
        const char *p = c->archivos[i].ruta;
        if (strstr(p, "/raiz/") != NULL) {
            static const char *const dentro[] = {
                ".escondida/f.txt", ".oculto.txt",     "a.txt", "b.txt",
                "sub/c.txt",        "sub/hondo/d.txt", "z.txt"};
            static const uint64_t pal[] = {2, 3, 1, 2, 3, 6, 6};
            for (int k = 0; k < 7; k++) {
                size_t lp = strlen(p), ld = strlen(dentro[k]);
                if (lp > ld && strcmp(p + lp - ld, dentro[k]) == 0 && p[lp - ld - 1] == '/')
                    cuentas[i] = pal[k];
            }
        } else if (strstr(p, "/atajo/e.txt") != NULL)
            cuentas[i] = 1;
    }
}

/* TODO 6: con Ctrl+C, no lanzar más archivos, parar las esperas y el progreso, imprimir el
 * resumen de lo ya informado, cerrar todo y salir con 130. Si una lectura sigue en el grupo de
 * hilos (una FIFO sin datos no acaba nunca), a los 500 ms: fflush(stdout) y _exit(130). */
static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)signum;
    contador_t *c = datos;
    c->parando = 1;
    senales_cerrar(s);
    c->con_senales = 0;
}

int main(int argc, char **argv)
{
    contador_t c;
    memset(&c, 0, sizeof c);
    c.plazas = PLAZAS_OMISION;
    c.mayor = SIZE_MAX;
    int codigo = 2;
    int opcion;
    int bucle_listo = 0;

    /* Línea a línea aunque la salida sea una tubería: quien la lee la ve al momento. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    while ((opcion = getopt(argc, argv, "j:e:ph")) != -1) {
        uint64_t v;
        if (opcion == 'j') {
            if (leer_entero(optarg, "el número de archivos a la vez (-j)", 1, PLAZAS_MAXIMO, &v) <
                0)
                goto fin;
            c.plazas = (unsigned)v;
        } else if (opcion == 'e') {
            if (leer_entero(optarg, "la espera (-e)", 0, ESPERA_MAXIMA_MS, &v) < 0)
                goto fin;
            c.espera_ms = v;
        } else if (opcion == 'p') {
            c.progreso = 1; /* TODO 5: un uv_timer que imprima PROGRESO cada 200 ms */
        } else if (opcion == 'h') {
            uso();
            codigo = 0;
            goto fin;
        } else {
            uso();
            goto fin;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "contador: falta al menos una RUTA (archivo o carpeta)\n");
        uso();
        goto fin;
    }
    c.rutas = argv + optind;
    c.nrutas = argc - optind;

    int r = uv_loop_init(&c.bucle);
    if (r < 0) {
        fprintf(stderr, "contador: no se pudo crear el bucle: %s\n", error_texto(r));
        codigo = 1;
        goto fin;
    }
    bucle_listo = 1;
    r = senales_iniciar(&c.bucle, &c.senales, al_parar, &c);
    if (r < 0) {
        fprintf(stderr, "contador: no se pudieron vigilar las señales: %s\n", error_texto(r));
        codigo = 1;
        goto fin;
    }
    c.con_senales = 1;
    hacer_lista(&c);
    uv_run(&c.bucle, UV_RUN_DEFAULT);
    codigo = c.parando == 1 ? 130 : c.fallidos > 0 ? 1 : 0;

fin:
    if (bucle_listo) {
        if (c.con_senales)
            senales_cerrar(&c.senales);
        uv_run(&c.bucle, UV_RUN_DEFAULT);
        r = uv_loop_close(&c.bucle);
        if (r < 0) {
            fprintf(stderr, "contador: el bucle no se pudo cerrar: %s\n", error_texto(r));
            codigo = 1;
        }
    }
    for (size_t i = 0; i < c.narchivos; i++)
        free(c.archivos[i].ruta);
    free(c.archivos);
    return codigo;
}
