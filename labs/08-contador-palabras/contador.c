/* contador.c — Laboratorio 08: contador de palabras por lotes (programa de partida).
 *
 *   contador [-j N] [-e MS] [-p] RUTA...
 *
 * Cuenta las palabras de muchos archivos a la vez con uv_fs_* (que libuv lleva a su grupo de
 * hilos), en trozos de 64 KiB y con N archivos abiertos como mucho. Lee el enunciado
 * (README.md de esta carpeta): formato exacto de la salida, requisitos y pistas.
 *
 * Ya está hecho lo que no es el objetivo del laboratorio: leer las opciones, el bucle, las
 * estructuras con sus campos, qué es una palabra (contar(), sobre un búfer que ya está en
 * memoria), la lista de archivos en memoria (anadir_archivo), el formato de cada línea y del
 * resumen (informar, imprimir_resumen) y cerrar los handles al final. Lo asíncrono lo
 * escribes tú: compila y termina, pero no lee nada. Sigue los TODO numerados (1 a 5), en
 * orden, y prueba después de cada uno: cada uno es un hito del enunciado (A a E).
 */
#include "curso/errores.h"
#include "curso/senales.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
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
#define PLAZO_PARADA_MS 500

typedef struct contador_s contador_t;

/* Un archivo de la lista, en el orden de la línea de comandos (y de nombre dentro de una
 * carpeta). */
typedef struct {
    char *ruta;
    uint64_t tamano; /* st_size al hacer la lista (una FIFO, 0) */
} archivo_t;

/* Una plaza ocupada: el archivo que se está contando (o esperando para informar). Los campos
 * ya están; el código que los usa lo escribes tú (TODO 1 a 5). Se libera en la callback de
 * cierre del temporizador de -e (hito D). */
typedef struct {
    uv_fs_t req;
    uv_timer_t espera;
    contador_t *c;
    size_t indice;
    unsigned plaza;  /* su sitio en contador_t.tareas */
    int con_espera;  /* `espera` inicializado: se libera en su callback de cierre */
    int esperando;   /* el temporizador de -e está activo */
    uv_file fd;
    int dentro; /* el último byte leído era parte de una palabra */
    int error;  /* código de libuv del primer fallo (0 si ninguno) */
    uint64_t palabras;
    char *buf;
} tarea_t;

struct contador_s {
    uv_loop_t bucle;
    senales_t senales;
    int con_senales;
    uv_timer_t progreso; /* -p (TODO 4) */
    int con_progreso;
    uv_timer_t plazo; /* tras Ctrl+C: cuánto se espera a las lecturas que no acaban */
    int con_plazo;
    unsigned plazas;    /* -j */
    uint64_t espera_ms; /* -e */
    char **rutas;       /* las RUTA de la línea de comandos */
    int nrutas;
    int siguiente_ruta; /* la siguiente RUTA que mirar */

    /* fase de la lista (TODO 2 y 3: añade lo que necesites para mirar cada RUTA y recorrer
     * las carpetas) */
    archivo_t *archivos; /* la lista de archivos que contar */
    size_t narchivos, capacidad;
    int lista_hecha; /* ya no se añade nada: se puede contar */

    /* fase de la cuenta */
    size_t siguiente;               /* el siguiente archivo de la lista que lanzar */
    unsigned activas;               /* plazas ocupadas */
    tarea_t *tareas[PLAZAS_MAXIMO]; /* las plazas ocupadas, para Ctrl+C (TODO 5) */
    uint64_t leidos, totales;       /* bytes leídos y suma de st_size, para -p */
    uint64_t suma;                  /* palabras de los archivos informados */
    size_t contados;                /* archivos informados */
    size_t fallidos;                /* archivos con ERROR */
    size_t mayor; /* índice del archivo con más palabras, o SIZE_MAX */
    uint64_t mayor_palabras;
    int parando;   /* Ctrl+C */
    int terminado; /* el resumen ya salió */
};

static unsigned char es_espacio[256];

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

/* ------------------------------------------------------------------ la lista */

static void siguiente_de_la_lista(contador_t *c);
static void lanzar_tareas(contador_t *c);
static void comprobar_fin(contador_t *c);

/* «ERROR <ruta>: <motivo en español>» en stderr; cuenta el fallo. */
static void informar_error(contador_t *c, const char *ruta, int error)
{
    fprintf(stderr, "ERROR %s: %s\n", ruta, error_texto(error));
    c->fallidos++;
}

/* Añade `ruta` (se copia) al final de la lista y suma su tamaño a c->totales. 0 o
 * UV_ENOMEM. */
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
    c->totales += tamano;
    return 0;
}

/* La lista, por ahora: cada RUTA tal cual, sin mirarla y con tamaño 0 (el TODO 1 no necesita
 * más). TODO 2: haz la lista con uv_fs_stat sobre cada RUTA, de una en una y con callback
 * (nunca sin ella), con su st_size si es un archivo regular (lo demás, con tamaño 0); una
 * carpeta, por ahora, da su ERROR (con UV_EISDIR: «es un directorio»). El uv_fs_t de cada
 * uv_fs_stat es uno solo, que añades a contador_t: se mira una RUTA cada vez, y la callback
 * sigue con la siguiente. TODO 3: una carpeta se recorre con uv_fs_scandir y
 * uv_fs_scandir_next; cada entrada se mira con uv_fs_lstat (los enlaces simbólicos no se
 * siguen): una subcarpeta se recorre en ese momento (en su sitio por nombre, no al final), un
 * archivo regular se añade y lo demás se salta. Ruta: carpeta + "/" + nombre, sin duplicar
 * la "/". Cuando la lista esté hecha (c->lista_hecha), lanzar_tareas(). */
static void siguiente_de_la_lista(contador_t *c)
{
    while (c->siguiente_ruta < c->nrutas) {
        const char *arg = c->rutas[c->siguiente_ruta++];
        int r = anadir_archivo(c, arg, 0);
        if (r < 0)
            informar_error(c, arg, r);
    }
    c->lista_hecha = 1;
    lanzar_tareas(c);
    comprobar_fin(c);
}

/* ------------------------------------------------------------------ la cuenta */

/* Dieciséis bytes a la vez con las extensiones vectoriales de GCC (y clang): SSE2 en x86-64,
 * NEON en ARM. Contar byte a byte con una tabla va a ~1.4 GiB/s; así, a ~10 GiB/s, y el tiempo
 * se va en leer, no en contar (bench/08-contador-palabras). Es la única optimización del
 * programa. */
typedef unsigned char v16 __attribute__((vector_size(16)));

static v16 cargar16(const unsigned char *p)
{
    v16 v;
    memcpy(&v, p, sizeof v); /* lectura sin alinear */
    return v;
}

/* 0xFF en cada byte que es espacio ASCII (' ' o de '\t' a '\r'), 0 en los demás. */
static v16 espacios16(v16 x)
{
    return (v16)((x == ' ') | ((v16)(x - '\t') < 5));
}

/* Cuenta los comienzos de palabra de `n` bytes; `*dentro` dice si el byte anterior (quizá
 * del trozo anterior) era parte de una palabra, y al volver, si lo es el último. Un comienzo
 * es un byte que no es espacio precedido de uno que sí lo es (o del principio). */
static uint64_t contar(const unsigned char *p, size_t n, int *dentro)
{
    if (n == 0)
        return 0;
    uint64_t palabras = !es_espacio[p[0]] && !*dentro;
    size_t i = 1;
    while (i + 16 <= n) {
        /* Cada byte del acumulador cuenta como mucho 255 vueltas antes de desbordar. */
        v16 acumulado = {0};
        for (int vuelta = 0; vuelta < 255 && i + 16 <= n; vuelta++, i += 16) {
            v16 antes = espacios16(cargar16(p + i - 1));
            v16 ahora = espacios16(cargar16(p + i));
            acumulado -= antes & ~ahora; /* 0xFF es -1: resta 1 por comienzo */
        }
        for (int k = 0; k < 16; k++)
            palabras += acumulado[k];
    }
    for (; i < n; i++)
        palabras += es_espacio[p[i - 1]] & !es_espacio[p[i]];
    *dentro = !es_espacio[p[n - 1]];
    return palabras;
}

/* La plaza queda libre: libera la tarea y deja entrar al siguiente archivo.
 * TODO 1: resta la plaza (c->activas), lanza el siguiente archivo (lanzar_tareas) y mira si
 * era el último (comprobar_fin). Guarda antes t->c en una variable: tras free(t) ya no se
 * puede leer. */
static void liberar_tarea(tarea_t *t)
{
    free(t->buf);
    t->buf = NULL;
    free(t);
}

/* «<palabras> <ruta>» de un archivo que terminó (tras su espera de -e), sumado al resumen;
 * después deja su plaza. */
static void informar(tarea_t *t)
{
    contador_t *c = t->c;
    const archivo_t *a = &c->archivos[t->indice];
    printf("%" PRIu64 " %s\n", t->palabras, a->ruta);
    c->suma += t->palabras;
    c->contados++;
    /* TODO 2: el MAYOR (c->mayor, c->mayor_palabras). Con varios a la vez, el orden en que
     * terminan ya no es el de la lista: en un empate gana el primero de la lista
     * (t->indice menor), no el primero que termina, también a 0 palabras. */
    liberar_tarea(t);
}

/* Ocupa las plazas libres con los siguientes archivos de la lista.
 * TODO 1: de uno en uno (c->activas < 1; el TODO 2 lo cambia por c->plazas), mientras
 * queden archivos (c->siguiente < c->narchivos) y no se esté parando: una tarea_t con su
 * búfer de TROZO bytes (c->activas++: ocupa su plaza) y la cadena uv_fs_open → uv_fs_read,
 * una y otra vez, contando con contar() y sumando c->leidos → uv_fs_close → informar().
 * Cada paso, en la callback del anterior. La callback recibe el uv_fs_t, no la tarea:
 * CONTENEDOR_DE(req, tarea_t, req) la recupera (con #include "curso/contenedor.h"), o
 * req->data si antes guardaste en él la tarea (t->req.data = t: libuv no lo rellena).
 * contar() pide bytes sin signo: contar((const unsigned char *)t->buf, n, &t->dentro), con
 * n = req->result. Un fallo da informar_error() y deja la plaza (liberar_tarea) sin parar a
 * los demás; si falla una lectura, el archivo está abierto: primero uv_fs_close y el ERROR
 * en su callback. TODO 4: tras cerrar, la espera de -e con t->espera antes de informar(); la
 * plaza sigue ocupada durante la espera y la tarea se libera en la callback de su uv_close. */
static void lanzar_tareas(contador_t *c)
{
    (void)c;
    (void)informar;
    (void)contar; /* quita estas líneas al escribir el TODO 1: sin uso, -Werror no compila */
}

/* ------------------------------------------------------------------ el final */

static void imprimir_resumen(const contador_t *c)
{
    /* TODO 2: la MEDIA con decimales, redondeada por printf (ahora es una división entera;
     * truncar a décimas tampoco vale: 19 / 6 da 3.2, no 3.1). */
    double media = c->contados > 0 ? (double)(c->suma / c->contados) : 0.0;
    printf("TOTAL %" PRIu64 " palabras en %zu archivos\n", c->suma, c->contados);
    printf("MEDIA %.1f palabras por archivo\n", media);
    if (c->mayor != SIZE_MAX)
        printf("MAYOR %" PRIu64 " %s\n", c->mayor_palabras, c->archivos[c->mayor].ruta);
}

/* Cierra lo que mantiene vivo el bucle (el progreso y las señales). */
static void cerrar_todo(contador_t *c)
{
    if (c->con_progreso) {
        uv_timer_stop(&c->progreso);
        uv_close((uv_handle_t *)&c->progreso, NULL);
        c->con_progreso = 0;
    }
    if (c->con_senales) {
        senales_cerrar(&c->senales);
        c->con_senales = 0;
    }
}

/* TODO 1: cuando la lista está hecha, no queda ningún archivo por lanzar y ninguna plaza
 * está ocupada (y no se está parando), el resumen (imprimir_resumen) y cerrar_todo(),
 * una sola vez (c->terminado). */
static void comprobar_fin(contador_t *c)
{
    (void)c;
    (void)imprimir_resumen;
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)signum;
    contador_t *c = datos;
    /* TODO 5: con Ctrl+C, no lanzar más archivos (ya: c->parando), parar las esperas y el
     * progreso, imprimir el resumen de lo ya informado, cancelar (uv_cancel) lo que siga en la
     * cola, cerrar todo y salir con 130. Si una lectura sigue en el grupo de hilos (una FIFO
     * sin datos no acaba nunca), a los PLAZO_PARADA_MS: fflush(stdout) y _exit(130). */
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
    int progreso_pedido = 0;

    /* Línea a línea aunque la salida sea una tubería: quien la lee la ve al momento. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (const char *e = " \t\n\v\f\r"; *e != '\0'; e++)
        es_espacio[(unsigned char)*e] = 1;

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
            progreso_pedido = 1;
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
    /* TODO 4: con -p, un uv_timer_t (c.progreso) que imprima PROGRESO cada PROGRESO_MS ms
     * en stderr, con c.leidos y c.totales. */
    (void)progreso_pedido;
    siguiente_de_la_lista(&c);
    uv_run(&c.bucle, UV_RUN_DEFAULT);
    codigo = c.parando ? 130 : c.fallidos > 0 ? 1 : 0;

fin:
    if (bucle_listo) {
        /* Por si algo quedó a medias (un error al arrancar): cerrar y vaciar el bucle. */
        cerrar_todo(&c);
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
