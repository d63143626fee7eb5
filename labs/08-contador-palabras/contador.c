/* contador.c — Laboratorio 08: contador de palabras por lotes (programa de partida).
 *
 *   contador [-j N] [-e MS] [-p] RUTA...
 *
 * Cuenta las palabras de muchos archivos a la vez con uv_fs_* (que libuv lleva a su grupo de
 * hilos), en trozos de 64 KiB y con como mucho N archivos abiertos. Lee el enunciado
 * (README.md de esta carpeta): formato exacto de la salida, requisitos y pistas.
 *
 * Ya está hecho: leer las opciones, el bucle, Ctrl+C (curso/senales.h), la lista de
 * archivos en memoria y el resumen final. Compila y termina, pero no cuenta nada: sigue los
 * TODO numerados (1 a 6), en orden, y prueba después de cada uno.
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

#define TROZO (64 * 1024)
#define PLAZAS_OMISION 4
#define PLAZAS_MAXIMO 64
#define ESPERA_MAXIMA_MS 3600000
#define PROGRESO_MS 200

typedef struct contador_s contador_t;

/* Un archivo de la lista, en el orden de la línea de órdenes (y de nombre dentro de una
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
    char **rutas;       /* las RUTA de la línea de órdenes */
    int nrutas;

    archivo_t *archivos; /* la lista de archivos que contar */
    size_t narchivos, capacidad;

    uint64_t suma;    /* palabras de los archivos informados */
    size_t contados;  /* archivos informados */
    size_t fallidos;  /* archivos con ERROR */
    size_t mayor;     /* índice del MAYOR, o SIZE_MAX si aún no hay */
    uint64_t mayor_palabras;
    int parando;
};

static void uso(void)
{
    fprintf(stderr, "uso: contador [-j N] [-e MS] [-p] RUTA...\n"
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
    double media = c->contados > 0 ? (double)(c->suma / c->contados) : 0.0;
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

/* TODO 3: lanza archivos de la lista mientras haya plazas libres (como mucho c->plazas
 * abiertos a la vez): uv_fs_open → uv_fs_read en un búfer de TROZO bytes, una y otra vez,
 * contando con contar() → uv_fs_close → informar(). Un fallo: informar_error() y seguir. */
static void lanzar_tareas(contador_t *c)
{
    (void)c;
    (void)informar;
    (void)contar;
}

/* TODO 2: haz la lista con uv_fs_stat sobre cada RUTA (con callback: nunca sin ella). Una
 * carpeta se recorre con uv_fs_scandir y uv_fs_scandir_next; cada entrada se mira con
 * uv_fs_lstat (los enlaces simbólicos no se siguen): una subcarpeta se recorre en ese
 * momento (en su sitio por nombre, no al final), un archivo regular se añade
 * (anadir_archivo) y lo demás se salta. Ruta: carpeta + "/" + nombre, sin duplicar la "/".
 * Cuando la lista esté hecha, lanzar_tareas(). */
static void hacer_lista(contador_t *c)
{
    for (int i = 0; i < c->nrutas; i++)
        fprintf(stderr, "contador: TODO 2: todavía no sé mirar «%s»\n", c->rutas[i]);
    (void)anadir_archivo;
    (void)informar_error;
    lanzar_tareas(c);
}

/* TODO 6: con Ctrl+C, no lanzar más archivos, parar las esperas y el progreso, imprimir el
 * resumen de lo ya informado, cerrar todo y salir con 130. Si una lectura sigue en el grupo de hilos
 * (una FIFO sin datos no acaba nunca), a los 500 ms: fflush(stdout) y _exit(130). */
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
            if (leer_entero(optarg, "el número de archivos a la vez (-j)", 1, PLAZAS_MAXIMO,
                            &v) < 0)
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
    /* TODO 4: el resumen se imprime cuando el último archivo termina, no aquí. */
    imprimir_resumen(&c);
    codigo = c.parando ? 130 : c.fallidos > 0 ? 1 : 0;

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
