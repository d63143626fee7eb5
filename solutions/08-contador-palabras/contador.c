//@ partida: /* contador.c — Laboratorio 08: contador de palabras por lotes (programa de partida).
//@ solucion {
/* contador.c — Laboratorio 08: contador de palabras por lotes (solución de referencia).
 *
 * Cuenta las palabras de muchos archivos a la vez con uv_fs_* (que libuv lleva al pool de
 * hilos), leyendo cada uno en trozos de 64 KiB, con N archivos en curso como mucho:
//@ }
 *
 *   contador [-j N] [-e MS] [-p] RUTA...
 *
//@ partida:  * Cuenta las palabras de muchos archivos a la vez con uv_fs_* (que libuv lleva a su grupo de
//@ partida:  * hilos), en trozos de 64 KiB y con N archivos abiertos como mucho. Lee el enunciado
//@ partida:  * (README.md de esta carpeta): formato exacto de la salida, requisitos y pistas.
//@ solucion {
 * Dos fases. Primero la lista: cada RUTA se mira con uv_fs_stat; una carpeta se recorre
 * con uv_fs_scandir (libuv ya da los nombres ordenados) y uv_fs_lstat en cada entrada, de
 * una en una para que la lista quede en orden de nombre (así «el primero» de un empate es
 * siempre el mismo). Después, la cuenta: N plazas (el semáforo del curso de Python); cada
 * plaza abre, lee trozo a trozo contando, cierra, espera -e ms con un uv_timer y entonces
 * informa y deja sitio al siguiente. La memoria es N búferes de 64 KiB, sea cual sea el
 * tamaño de los archivos.
//@ }
 *
//@ partida:  * Ya está hecho lo que no es el objetivo del laboratorio: leer las opciones, el bucle, las
//@ partida:  * estructuras con sus campos, qué es una palabra (contar(), sobre un búfer que ya está en
//@ partida:  * memoria), la lista de archivos en memoria (anadir_archivo), el formato de cada línea y del
//@ partida:  * resumen (informar, imprimir_resumen) y cerrar los handles al final. Lo asíncrono lo
//@ partida:  * escribes tú: compila y termina, pero no lee nada. Sigue los TODO numerados (1 a 5), en
//@ partida:  * orden, y prueba después de cada uno: cada uno es un hito del enunciado (A a E).
//@ solucion {
 * Una palabra es una racha de bytes que no son espacio ASCII (bytes.split() de Python). Se
 * cuentan los comienzos de palabra; como un trozo puede cortar una palabra por la mitad,
 * cada archivo recuerda si su último byte era parte de una palabra (`dentro`).
 *
 * El formato de la salida está en labs/08-contador-palabras/README.md.
//@ }
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

//@ partida: /* Una plaza ocupada: el archivo que se está contando (o esperando para informar). Los campos
//@ partida:  * ya están; el código que los usa lo escribes tú (TODO 1 a 5). Se libera en la callback de
//@ partida:  * cierre del temporizador de -e (hito D). */
//@ solucion {
/* Una plaza ocupada: el archivo que se está contando (o esperando para informar). Se libera
 * en la callback de cierre del temporizador. */
//@ }
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

//@ solucion {
/* Una carpeta que se está recorriendo en la fase de la lista. */
typedef struct carpeta_s {
    uv_fs_t req; /* el de uv_fs_scandir: guarda las entradas hasta uv_fs_req_cleanup */
    char *ruta;
    contador_t *c;
    struct carpeta_s *padre;
} carpeta_t;

//@ }
struct contador_s {
    uv_loop_t bucle;
    senales_t senales;
    int con_senales;
    //@ partida:     uv_timer_t progreso; /* -p (TODO 4) */
    //@ solucion {
    uv_timer_t progreso;
    //@ }
    int con_progreso;
    uv_timer_t plazo; /* tras Ctrl+C: cuánto se espera a las lecturas que no acaban */
    int con_plazo;
    //@ partida:     unsigned plazas;    /* -j */
    //@ partida:     uint64_t espera_ms; /* -e */
    //@ partida:     char **rutas;       /* las RUTA de la línea de comandos */
    //@ solucion {
    unsigned plazas;
    uint64_t espera_ms;
    char **rutas;
    //@ }
    int nrutas;
    int siguiente_ruta; /* la siguiente RUTA que mirar */

    //@ partida:     /* fase de la lista (TODO 2 y 3: añade lo que necesites para mirar cada RUTA y recorrer
    //@ partida:      * las carpetas) */
    //@ partida:     archivo_t *archivos; /* la lista de archivos que contar */
    //@ solucion {
    /* fase de la lista */
    uv_fs_t req_lista;
    int listando;
    carpeta_t *carpeta; /* la más honda en curso, o NULL */
    char *entrada;      /* ruta de la entrada de carpeta que se está mirando */
    archivo_t *archivos;
    //@ }
    size_t narchivos, capacidad;
    int lista_hecha; /* ya no se añade nada: se puede contar */

    /* fase de la cuenta */
    //@ partida:     size_t siguiente;               /* el siguiente archivo de la lista que lanzar */
    //@ partida:     unsigned activas;               /* plazas ocupadas */
    //@ partida:     tarea_t *tareas[PLAZAS_MAXIMO]; /* las plazas ocupadas, para Ctrl+C (TODO 5) */
    //@ partida:     uint64_t leidos, totales;       /* bytes leídos y suma de st_size, para -p */
    //@ partida:     uint64_t suma;                  /* palabras de los archivos informados */
    //@ partida:     size_t contados;                /* archivos informados */
    //@ partida:     size_t fallidos;                /* archivos con ERROR */
    //@ solucion {
    size_t siguiente;
    unsigned activas;
    tarea_t *tareas[PLAZAS_MAXIMO];
    uint64_t leidos, totales;
    uint64_t suma;
    size_t contados;
    size_t fallidos;
    //@ }
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

//@ partida: /* «ERROR <ruta>: <motivo en español>» en stderr; cuenta el fallo. */
static void informar_error(contador_t *c, const char *ruta, int error)
{
    fprintf(stderr, "ERROR %s: %s\n", ruta, error_texto(error));
    c->fallidos++;
}

//@ partida: /* Añade `ruta` (se copia) al final de la lista y suma su tamaño a c->totales. 0 o
//@ partida:  * UV_ENOMEM. */
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

//@ partida: /* La lista, por ahora: cada RUTA tal cual, sin mirarla y con tamaño 0 (el TODO 1 no necesita
//@ partida:  * más). TODO 2: haz la lista con uv_fs_stat sobre cada RUTA, de una en una y con callback
//@ partida:  * (nunca sin ella), con su st_size si es un archivo regular (lo demás, con tamaño 0); una
//@ partida:  * carpeta, por ahora, da su ERROR (con UV_EISDIR: «es un directorio»). El uv_fs_t de cada
//@ partida:  * uv_fs_stat es uno solo, que añades a contador_t: se mira una RUTA cada vez, y la callback
//@ partida:  * sigue con la siguiente. TODO 3: una carpeta se recorre con uv_fs_scandir y
//@ partida:  * uv_fs_scandir_next; cada entrada se mira con uv_fs_lstat (los enlaces simbólicos no se
//@ partida:  * siguen): una subcarpeta se recorre en ese momento (en su sitio por nombre, no al final), un
//@ partida:  * archivo regular se añade y lo demás se salta. Ruta: carpeta + "/" + nombre, sin duplicar
//@ partida:  * la "/". Cuando la lista esté hecha (c->lista_hecha), lanzar_tareas(). */
//@ solucion {
/* «carpeta/nombre», sin duplicar la barra si la carpeta ya acaba en una. NULL sin memoria. */
static char *unir_ruta(const char *carpeta, const char *nombre)
{
    size_t a = strlen(carpeta), b = strlen(nombre);
    char *r = malloc(a + b + 2);
    if (r == NULL)
        return NULL;
    memcpy(r, carpeta, a);
    if (a == 0 || carpeta[a - 1] != '/')
        r[a++] = '/';
    memcpy(r + a, nombre, b + 1);
    return r;
}

static void liberar_carpeta(carpeta_t *d)
{
    uv_fs_req_cleanup(&d->req);
    free(d->ruta);
    free(d);
}

static void al_listar_carpeta(uv_fs_t *req)
{
    carpeta_t *d = req->data;
    contador_t *c = d->c;
    c->listando = 0;
    if (req->result < 0 || c->parando) {
        if (!c->parando)
            informar_error(c, d->ruta, (int)req->result);
        liberar_carpeta(d);
    } else {
        /* Se entra en ella: sus entradas van antes que las que quedan de la de arriba. */
        d->padre = c->carpeta;
        c->carpeta = d;
    }
    siguiente_de_la_lista(c);
}

/* Empieza a recorrer la carpeta `ruta` (pasa a ser de la carpeta). */
static void entrar_en_carpeta(contador_t *c, char *ruta)
{
    carpeta_t *d = calloc(1, sizeof *d);
    if (d == NULL) {
        informar_error(c, ruta, UV_ENOMEM);
        free(ruta);
        siguiente_de_la_lista(c);
        return;
    }
    d->ruta = ruta;
    d->c = c;
    d->req.data = d;
    int r = uv_fs_scandir(&c->bucle, &d->req, ruta, 0, al_listar_carpeta);
    if (r < 0) {
        informar_error(c, ruta, r);
        free(d->ruta);
        free(d);
        siguiente_de_la_lista(c);
        return;
    }
    c->listando = 1;
}

/* Resultado del stat (de una RUTA) o del lstat (de una entrada de carpeta) de c->entrada. */
static void al_mirar(uv_fs_t *req)
{
    contador_t *c = req->data;
    c->listando = 0;
    char *ruta = c->entrada;
    c->entrada = NULL;
    int de_carpeta = req->fs_type == UV_FS_LSTAT;
    if (c->parando) {
        free(ruta);
    } else if (req->result < 0) {
        informar_error(c, ruta, (int)req->result);
        free(ruta);
    } else if (S_ISDIR(req->statbuf.st_mode)) {
        uv_fs_req_cleanup(req);
        entrar_en_carpeta(c, ruta);
        return;
    } else if (S_ISREG(req->statbuf.st_mode) || !de_carpeta) {
        /* Una RUTA dada a mano se lee sea lo que sea (una FIFO, /dev/stdin…); su tamaño
         * solo se sabe si es un archivo regular. Dentro de una carpeta, solo los regulares:
         * los enlaces simbólicos no se siguen (así no hay bucles) y lo demás se salta. */
        uint64_t tam = S_ISREG(req->statbuf.st_mode) ? req->statbuf.st_size : 0;
        int r = anadir_archivo(c, ruta, tam);
        if (r < 0)
            informar_error(c, ruta, r);
        free(ruta);
    } else {
        free(ruta);
    }
    uv_fs_req_cleanup(req);
    siguiente_de_la_lista(c);
}

/* Da el siguiente paso de la lista: la siguiente entrada de la carpeta en curso, la
 * siguiente RUTA o, si no queda nada, empieza a contar. */
//@ }
static void siguiente_de_la_lista(contador_t *c)
{
    //@ solucion {
    while (c->parando && c->carpeta != NULL) {
        carpeta_t *d = c->carpeta;
        c->carpeta = d->padre;
        liberar_carpeta(d);
    }
    if (c->parando) {
        comprobar_fin(c);
        return;
    }
    while (c->carpeta != NULL) {
        uv_dirent_t e;
        if (uv_fs_scandir_next(&c->carpeta->req, &e) == UV_EOF) {
            carpeta_t *d = c->carpeta;
            c->carpeta = d->padre;
            liberar_carpeta(d);
            continue;
        }
        char *ruta = unir_ruta(c->carpeta->ruta, e.name);
        if (ruta == NULL) {
            informar_error(c, c->carpeta->ruta, UV_ENOMEM);
            continue;
        }
        c->entrada = ruta;
        int r = uv_fs_lstat(&c->bucle, &c->req_lista, ruta, al_mirar);
        if (r < 0) {
            informar_error(c, ruta, r);
            free(ruta);
            c->entrada = NULL;
            continue;
        }
        c->listando = 1;
        return;
    }
    //@ }
    while (c->siguiente_ruta < c->nrutas) {
        const char *arg = c->rutas[c->siguiente_ruta++];
        //@ partida:         int r = anadir_archivo(c, arg, 0);
        //@ partida:         if (r < 0)
        //@ partida:             informar_error(c, arg, r);
        //@ solucion {
        char *ruta = strdup(arg);
        if (ruta == NULL) {
            informar_error(c, arg, UV_ENOMEM);
            continue;
        }
        c->entrada = ruta;
        int r = uv_fs_stat(&c->bucle, &c->req_lista, ruta, al_mirar);
        if (r < 0) {
            informar_error(c, ruta, r);
            free(ruta);
            c->entrada = NULL;
            continue;
        }
        c->listando = 1;
        return;
        //@ }
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

//@ partida: /* La plaza queda libre: libera la tarea y deja entrar al siguiente archivo.
//@ partida:  * TODO 1: resta la plaza (c->activas), lanza el siguiente archivo (lanzar_tareas) y mira si
//@ partida:  * era el último (comprobar_fin). Guarda antes t->c en una variable: tras free(t) ya no se
//@ partida:  * puede leer. */
//@ solucion {
static void al_cerrar_espera(uv_handle_t *h)
{
    free(h->data);
}

/* La plaza queda libre: libera la tarea y deja entrar al siguiente archivo. */
//@ }
static void liberar_tarea(tarea_t *t)
{
    //@ solucion {
    contador_t *c = t->c;
    c->tareas[t->plaza] = NULL;
    c->activas--;
    //@ }
    free(t->buf);
    t->buf = NULL;
    //@ partida:     free(t);
    //@ solucion {
    if (t->con_espera)
        uv_close((uv_handle_t *)&t->espera, al_cerrar_espera);
    else
        free(t);
    lanzar_tareas(c);
    comprobar_fin(c);
    //@ }
}

//@ partida: /* «<palabras> <ruta>» de un archivo que terminó (tras su espera de -e), sumado al resumen;
//@ partida:  * después deja su plaza. */
static void informar(tarea_t *t)
{
    contador_t *c = t->c;
    const archivo_t *a = &c->archivos[t->indice];
    printf("%" PRIu64 " %s\n", t->palabras, a->ruta);
    c->suma += t->palabras;
    c->contados++;
    //@ partida:     /* TODO 2: el MAYOR (c->mayor, c->mayor_palabras). Con varios a la vez, el orden en que
    //@ partida:      * terminan ya no es el de la lista: en un empate gana el primero de la lista
    //@ partida:      * (t->indice menor), no el primero que termina, también a 0 palabras. */
    //@ solucion {
    /* Empate: gana el primero de la lista, no el primero en terminar. */
    if (c->mayor == SIZE_MAX || t->palabras > c->mayor_palabras ||
        (t->palabras == c->mayor_palabras && t->indice < c->mayor)) {
        c->mayor = t->indice;
        c->mayor_palabras = t->palabras;
    }
    //@ }
    liberar_tarea(t);
}

//@ partida: /* Ocupa las plazas libres con los siguientes archivos de la lista.
//@ partida:  * TODO 1: de uno en uno (c->activas < 1; el TODO 2 lo cambia por c->plazas), mientras
//@ partida:  * queden archivos (c->siguiente < c->narchivos) y no se esté parando: una tarea_t con su
//@ partida:  * búfer de TROZO bytes (c->activas++: ocupa su plaza) y la cadena uv_fs_open → uv_fs_read,
//@ partida:  * una y otra vez, contando con contar() y sumando c->leidos → uv_fs_close → informar().
//@ partida:  * Cada paso, en la callback del anterior. La callback recibe el uv_fs_t, no la tarea:
//@ partida:  * CONTENEDOR_DE(req, tarea_t, req) la recupera (con #include "curso/contenedor.h"), o
//@ partida:  * req->data si antes guardaste en él la tarea (t->req.data = t: libuv no lo rellena).
//@ partida:  * contar() pide bytes sin signo: contar((const unsigned char *)t->buf, n, &t->dentro), con
//@ partida:  * n = req->result. Un fallo da informar_error() y deja la plaza (liberar_tarea) sin parar a
//@ partida:  * los demás; si falla una lectura, el archivo está abierto: primero uv_fs_close y el ERROR
//@ partida:  * en su callback. TODO 4: tras cerrar, la espera de -e con t->espera antes de informar(); la
//@ partida:  * plaza sigue ocupada durante la espera y la tarea se libera en la callback de su uv_close. */
//@ solucion {
static void al_esperar(uv_timer_t *h)
{
    tarea_t *t = h->data;
    t->esperando = 0;
    informar(t);
}

static void al_cerrar(uv_fs_t *req)
{
    tarea_t *t = req->data;
    contador_t *c = t->c;
    uv_fs_req_cleanup(req);
    /* El búfer ya no hace falta durante la espera: la memoria es la de las lecturas. */
    free(t->buf);
    t->buf = NULL;
    if (c->parando) {
        liberar_tarea(t);
        return;
    }
    if (t->error != 0) {
        informar_error(c, c->archivos[t->indice].ruta, t->error);
        liberar_tarea(t);
        return;
    }
    if (c->espera_ms == 0) {
        informar(t);
        return;
    }
    uv_timer_init(&c->bucle, &t->espera);
    t->espera.data = t;
    t->con_espera = 1;
    t->esperando = 1;
    uv_timer_start(&t->espera, al_esperar, c->espera_ms, 0);
}

static void cerrar(tarea_t *t)
{
    int r = uv_fs_close(&t->c->bucle, &t->req, t->fd, al_cerrar);
    if (r < 0) {
        if (t->error == 0)
            t->error = r;
        free(t->buf);
        t->buf = NULL;
        if (!t->c->parando)
            informar_error(t->c, t->c->archivos[t->indice].ruta, t->error);
        liberar_tarea(t);
    }
}

static void al_leer(uv_fs_t *req);

static void leer(tarea_t *t)
{
    uv_buf_t b = uv_buf_init(t->buf, TROZO);
    int r = uv_fs_read(&t->c->bucle, &t->req, t->fd, &b, 1, -1, al_leer);
    if (r < 0) {
        t->error = r;
        cerrar(t);
    }
}

static void al_leer(uv_fs_t *req)
{
    tarea_t *t = req->data;
    contador_t *c = t->c;
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    if (n < 0 && n != UV_ECANCELED)
        t->error = (int)n;
    if (n <= 0 || c->parando) {
        cerrar(t);
        return;
    }
    t->palabras += contar((const unsigned char *)t->buf, (size_t)n, &t->dentro);
    c->leidos += (uint64_t)n;
    leer(t);
}

static void al_abrir(uv_fs_t *req)
{
    tarea_t *t = req->data;
    contador_t *c = t->c;
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    if (r < 0) {
        if (!c->parando)
            informar_error(c, c->archivos[t->indice].ruta, (int)r);
        liberar_tarea(t);
        return;
    }
    t->fd = (uv_file)r;
    if (c->parando) {
        cerrar(t);
        return;
    }
    leer(t);
}

/* Ocupa las plazas libres con los siguientes archivos de la lista. */
//@ }
static void lanzar_tareas(contador_t *c)
{
    //@ partida:     (void)c;
    //@ partida:     (void)informar;
    //@ partida:     (void)contar; /* quita estas líneas al escribir el TODO 1: sin uso, -Werror no compila */
    //@ solucion {
    while (!c->parando && c->lista_hecha && c->activas < c->plazas &&
           c->siguiente < c->narchivos) {
        size_t i = c->siguiente++;
        tarea_t *t = calloc(1, sizeof *t);
        char *buf = malloc(TROZO);
        if (t == NULL || buf == NULL) {
            free(t);
            free(buf);
            informar_error(c, c->archivos[i].ruta, UV_ENOMEM);
            continue;
        }
        t->c = c;
        t->indice = i;
        t->buf = buf;
        t->req.data = t;
        int r = uv_fs_open(&c->bucle, &t->req, c->archivos[i].ruta, O_RDONLY, 0, al_abrir);
        if (r < 0) {
            informar_error(c, c->archivos[i].ruta, r);
            free(t->buf);
            free(t);
            continue;
        }
        unsigned plaza = 0;
        while (c->tareas[plaza] != NULL)
            plaza++;
        t->plaza = plaza;
        c->tareas[plaza] = t;
        c->activas++;
    }
    //@ }
}

/* ------------------------------------------------------------------ el final */

static void imprimir_resumen(const contador_t *c)
{
    //@ partida:     /* TODO 2: la MEDIA con decimales, redondeada por printf (ahora es una división entera;
    //@ partida:      * truncar a décimas tampoco vale: 19 / 6 da 3.2, no 3.1). */
    //@ partida:     double media = c->contados > 0 ? (double)(c->suma / c->contados) : 0.0;
    //@ solucion {
    double media = c->contados > 0 ? (double)c->suma / (double)c->contados : 0.0;
    //@ }
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

//@ partida: /* TODO 1: cuando la lista está hecha, no queda ningún archivo por lanzar y ninguna plaza
//@ partida:  * está ocupada (y no se está parando), el resumen (imprimir_resumen) y cerrar_todo(),
//@ partida:  * una sola vez (c->terminado). */
static void comprobar_fin(contador_t *c)
{
    //@ partida:     (void)c;
    //@ partida:     (void)imprimir_resumen;
    //@ solucion {
    if (c->terminado || c->parando || !c->lista_hecha || c->activas > 0 ||
        c->siguiente < c->narchivos)
        return;
    c->terminado = 1;
    imprimir_resumen(c);
    cerrar_todo(c);
}

static void al_progreso(uv_timer_t *h)
{
    contador_t *c = h->data;
    fprintf(stderr, "PROGRESO %" PRIu64 " de %" PRIu64 "\n", c->leidos, c->totales);
}

/* Ctrl+C llegó hace PLAZO_PARADA_MS y aún hay una lectura en un hilo del pool: una FIFO o
 * una tubería sin datos, que no acaba nunca y que uv_cancel no puede quitar. El resumen ya
 * salió; no queda más remedio que salir sin cerrar el bucle. Con _exit y no con exit: al
 * salir, libuv espera a que acaben los hilos de su pool, y ese no va a acabar. */
static void al_vencer_plazo(uv_timer_t *h)
{
    (void)h;
    fflush(stdout);
    fflush(stderr);
    _exit(130);
    //@ }
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    //@ solucion {
    (void)s;
    //@ }
    (void)signum;
    contador_t *c = datos;
    //@ partida:     /* TODO 5: con Ctrl+C, no lanzar más archivos (ya: c->parando), parar las esperas y el
    //@ partida:      * progreso, imprimir el resumen de lo ya informado, cancelar (uv_cancel) lo que siga en la
    //@ partida:      * cola, cerrar todo y salir con 130. Si una lectura sigue en el grupo de hilos (una FIFO
    //@ partida:      * sin datos no acaba nunca), a los PLAZO_PARADA_MS: fflush(stdout) y _exit(130). */
    //@ solucion {
    if (c->parando || c->terminado)
        return;
    //@ }
    c->parando = 1;
    //@ partida:     senales_cerrar(s);
    //@ partida:     c->con_senales = 0;
    //@ solucion {
    /* Lo que terminó, terminó: el resumen es de los archivos ya informados. */
    imprimir_resumen(c);
    for (unsigned i = 0; i < PLAZAS_MAXIMO; i++) {
        tarea_t *t = c->tareas[i];
        if (t == NULL)
            continue;
        if (t->esperando) {
            uv_timer_stop(&t->espera);
            t->esperando = 0;
            liberar_tarea(t);
        } else {
            /* Solo se cancela lo que aún está en la cola del pool; lo que ya corre en un
             * hilo acaba (su callback ve `parando` y cierra). */
            uv_cancel((uv_req_t *)&t->req);
        }
    }
    cerrar_todo(c);
    /* Si algo sigue en el pool, un plazo; uv_unref: no mantiene vivo el bucle, así que si
     * las lecturas acaban antes (lo normal con archivos regulares), uv_run vuelve y main
     * lo cierra por el camino limpio. */
    if (c->activas > 0 && uv_timer_init(&c->bucle, &c->plazo) == 0) {
        c->con_plazo = 1;
        uv_timer_start(&c->plazo, al_vencer_plazo, PLAZO_PARADA_MS, 0);
        uv_unref((uv_handle_t *)&c->plazo);
    }
    //@ }
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
    //@ partida:     /* TODO 4: con -p, un uv_timer_t (c.progreso) que imprima PROGRESO cada PROGRESO_MS ms
    //@ partida:      * en stderr, con c.leidos y c.totales. */
    //@ partida:     (void)progreso_pedido;
    //@ solucion {
    if (progreso_pedido) {
        c.con_progreso = 1;
        uv_timer_init(&c.bucle, &c.progreso);
        c.progreso.data = &c;
        uv_timer_start(&c.progreso, al_progreso, PROGRESO_MS, PROGRESO_MS);
    }
    c.req_lista.data = &c;
    //@ }
    siguiente_de_la_lista(&c);
    uv_run(&c.bucle, UV_RUN_DEFAULT);
    codigo = c.parando ? 130 : c.fallidos > 0 ? 1 : 0;
    //@ solucion {
    if (c.con_plazo)
        uv_close((uv_handle_t *)&c.plazo, NULL);
    //@ }

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
