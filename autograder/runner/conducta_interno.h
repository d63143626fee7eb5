/* conducta_interno.h — lo que comparten los archivos de la conducta (los medios juzgados por lo
 * que hace el programa, runner/conducta.c): lo visto en una traza (vista_t), lo juzgado en un
 * laboratorio (juicio_t) y las funciones de cada archivo que usan los otros. Solo lo incluyen
 * ellos; la API del resto del ejecutor está en runner.h.
 *
 * Cuatro archivos, de abajo arriba (ninguno llama a uno de encima: autograder/pruebas/capas.sh):
 *   conducta_traza.c    leer lo que deja lib/observar.c: cada línea de strace partida en sus
 *                       piezas (la llamada, sus argumentos, sus rutas, los marcos de su pila) y
 *                       las listas «*.entrada». No juzga nada: quien lee una traza le da sus
 *                       oyentes (traza_oyente_t).
 *   conducta_pila.c     desde dónde se hace una llamada: la dirección de su instrucción
 *                       syscall (strace -i, con los mmap de la traza) y su pila (strace -k).
 *   conducta_llamada.c  qué es cada llamada al sistema (una tabla: su clase y sus marcas) y
 *                       qué deja en la vista de su traza; conducta_leer_traza, una traza entera.
 *   conducta.c          el juicio del laboratorio con lo visto en todas sus trazas, el informe
 *                       y la API de runner.h.
 */
#ifndef CALIFICAR_CONDUCTA_INTERNO_H
#define CALIFICAR_CONDUCTA_INTERNO_H

#include "runner.h"

#include <stddef.h>

#define MAX_PREVIOS 64
#define PILA_MAX    32 /* marcos guardados de una llamada del grupo (pila_cola) */
#define MAX_REGLAS  8  /* como «reglas_traza» en runner/manifiesto.c */
#define MAX_MAPAS   4096
/* Lo que se lee de una traza, como mucho: lo que pasa de ahí no se juzga (traza_recorrer), y
 * eso cuenta como un medio prohibido (vista_t.tope). */
#define TOPE_TRAZA_MIB 64u

/* Los archivos de la entrada: los regulares que escribieron las verificaciones, de sus
 * listas «*.entrada» (lib/observar.c), ordenados para buscarlos con bsearch. */
typedef struct {
    char **rutas;
    size_t n, cap;
} entradas_t;

/* Lo visto en una traza (un lanzamiento). */
struct mapa {
    unsigned long ini, fin;
    char clase;     /* 'c' libc o el cargador, 'p' libuv/libcurl/libpq, 'a' sin archivo, 'o' otro */
    char ruta[100]; /* el archivo, para el aviso */
};

typedef struct {
    const char *programa; /* el nombre del binario: su execve es el del hilo del bucle */
    long principal; /* tid del hilo del bucle (el que hizo el execve del programa); 0 = no se vio */
    long previos[MAX_PREVIOS]; /* los de antes del exec: strace, la puerta, bwrap y su init */
    int nprevios;
    int creados;                   /* hilos creados por el programa */
    long resolutores[MAX_PREVIOS]; /* hilos de getaddrinfo (el resolutor de libcurl) */
    int nresolutores;
    long tocan[MAX_PREVIOS]; /* hilos (no el del bucle) que tocaron un archivo normal */
    int ntocan;
    int epoll, esperas;     /* epoll_ctl y nanosleep en el hilo del bucle */
    int esperas_run;        /* de esos nanosleep, los hechos dentro de uv_run (espera_cerrar) */
    int esperas_cb;         /* y de esos, los que lo prueban con su pila: libuv debajo */
    int esperas_propias;    /* y los que su pila prueba del programa: sin libuv, con un marco
                             * suyo (un bucle propio, aunque duerma también en callbacks) */
    long espera_max_ms;     /* el nanosleep más largo de esos (relativo), en ms */
    long espera_total_ms;   /* lo que piden dormir todos esos juntos, en ms */
    int esperas_sin_medida; /* de esos, los que no dicen cuánto (hora absoluta, reloj de CPU) */
    int sondeos;            /* poll/select en el hilo del bucle (libuv espera con epoll) */
    int sondeos_espera;     /* de ellos, los que esperan (tiempo distinto de 0) */
    int sondeos_hilo;       /* poll/select en otro hilo del programa que no es un resolutor */
    int esperas_hilo;       /* poll/select que esperan en otro hilo del programa (los del
                             * resolutor también: quién lo es lo decide el laboratorio) */
    int herramientas;       /* arranques de la herramienta de valgrind (uno por programa) */
    int lecturas_grupo;     /* archivos normales leídos o escritos en otros hilos */
    char lectura[512];      /* primera lectura de archivo en el hilo del bucle */
    char escritura[512];    /* primera escritura/renombrado… en el hilo del bucle */
    char menor[512];        /* primer cierre, fstat o borrado síncrono en el hilo del bucle */
    char proceso[256];      /* primer proceso creado */
    char red[256];          /* primer socket fuera del hilo del bucle */
    char denegada[200];     /* primera llamada siempre prohibida (base/filtro.c) */
    int tope;               /* la traza pasa de TOPE_TRAZA_MIB: el final no se leyó */
    /* «reglas_traza»: con qué se juzgan y lo visto (la primera lectura que rompe cada una) */
    const lab_t *lab;
    const entradas_t *entradas;
    int lecturas_entrada; /* lecturas de archivos de la entrada juzgadas */
    char roto[MAX_REGLAS][400];
    /* Desde dónde se hace cada llamada (strace -i): lo mapeado con mmap (libc, una
     * biblioteca, memoria sin archivo); fuera de todo eso, el propio programa. */
    struct mapa *mapas;
    int nmapas;
    int con_ip, sin_ip;    /* llamadas juzgadas por su dirección, y sin ella (sin -i) */
    char ajeno_epoll[400]; /* primer epoll que no sale de libc */
    char ajeno_red[400];   /* primer socket, listen o accept que no sale de libc */
    /* Con la pila (strace -k, conducta_pila): la última llamada que la necesita, a la espera
     * de sus marcos (las líneas « > archivo(función+0x…) [0x…]» que la siguen). */
    int pila; /* se juzga la pila en este laboratorio */
    /* Con el disco lento (la traza se llama «…-lento@<id>.traza», lib/observar.c): la primera
     * escritura o renombrado de un archivo normal, en cualquier hilo, que no es de las que se
     * hacen lentas (pwrite64, pwritev, pwritev2; rename*). */
    int lento;
    char esquivo[400];
    int pila_pendiente;   /* hay una llamada esperando sus marcos */
    int pila_red;         /* es de la red (socket, listen, accept), no de epoll */
    int pila_marcos;      /* marcos vistos */
    int pila_biblioteca;  /* alguno en libuv.so (o libcurl, libpq) */
    int pila_propio;      /* (un nanosleep) alguno del programa: fuera de las del sistema */
    char pila_nombre[32]; /* la llamada */
    char pila_quien[160]; /* el primer marco que no es de libc: quién llamó */
    /* «El grupo lee por el programa» («medios.pila_en»): la llamada pendiente es de un archivo
     * en un hilo del grupo de libuv (pila_modo 1), y su primer marco del propio programa. */
    int trabajo;   /* se juzga en este laboratorio */
    int pila_modo; /* 0: epoll o la red (conducta_pila); 1: un archivo del grupo; 2: un nanosleep */
    char pila_ruta[200];     /* el archivo */
    char pila_programa[160]; /* el primer marco del programa («h_leer en «contador»») */
    int trabajo_con_pila;    /* archivos del grupo con su pila (juzgados) */
    int trabajo_sin_pila;    /* y sin ella (strace sin -k en esta ejecución) */
    int trabajo_cortada; /* y con un solo marco de libc: strace no la siguió (conducta_pila_cerrar)
                          */
    char cortada_visto[400]; /* la primera de esas */
    long pila_tid;           /* de quién es la pila que se está leyendo (cualquier llamada) */
    int pila_lineas;         /* y cuántos marcos con archivo lleva */
    int pilas_largas;        /* pilas del programa con 3 marcos o más: strace sabe seguirlas */
    char trabajo_visto[900]; /* el primero pedido por el programa, o leído sin libuv */
    /* Sus marcos, de dentro afuera (pila_cola): de quién es cada uno, su dirección en su
     * archivo («[0x…]») y la función que dice strace. */
    int pila_n;
    char pila_clase[PILA_MAX]; /* 'c' libc o el cargador, 'u' libuv, 'o' otro, 'x' sin archivo */
    unsigned long pila_dir[PILA_MAX];
    char pila_funcion[PILA_MAX][48];
    char pila_archivo[PILA_MAX][64]; /* el nombre de su archivo, para el informe */
    char pila_libuv[256];            /* la ruta de libuv en esa pila */
} vista_t;

/* Lo juzgado en todo el laboratorio. */
typedef struct {
    int trazas, observadas, con_epoll, con_grupo, sin_ip, con_ip;
    char lectura[600], escritura[600], proceso[300], red[300], hilos[200], esperas[300];
    char menor[600]; /* cerrar, medir o borrar un archivo sin callback: cuesta una verificación */
    int esperas_run; /* las de `esperas`, dentro de uv_run (en callbacks), no en un bucle propio */
    int esperas_cb;  /* y probado con la pila de cada nanosleep: es lo menor (hay_menor) */
    char denegada[200];
    char tope[200];  /* una traza del programa de más de TOPE_TRAZA_MIB (vista_t.tope) */
    char libpq[200]; /* libpq_bloqueante: esperas con poll o select en el hilo del bucle */
    int lecturas_entrada;
    char roto[MAX_REGLAS][400];
    char ajeno_epoll[400], ajeno_red[400];
    char trabajo[900]; /* un archivo del grupo de libuv pedido por el programa (pila) */
    int trabajo_con_pila;
} juicio_t;

/* --- conducta_traza.c: leer las trazas ---------------------------------------------------- */

/* Una llamada completa, partida (llamada_partir): «nombre(args) = ret…». */
typedef struct {
    char nombre[32];
    const char *par;     /* desde el «(» de sus argumentos */
    const char *ret_txt; /* lo que devolvió, tal cual («3</x/y>», «-1 ENOENT (…)», «?») */
    long ret;
    int bien; /* acabó bien: ni un error ni «?» (no volvió) */
    /* Quién la hizo: no está en su texto, lo pone quien la juzga (llamada). */
    long tid;
    unsigned long ip; /* la dirección de su instrucción syscall (strace -i); 0 si no se sabe */
    int principal;    /* la hizo el hilo del bucle */
} llamada_t;

/* Lo que hace quien lee una traza con cada línea (traza_recorrer), con su `dato`. */
typedef struct {
    /* Un marco « > /ruta(función+0x…) […]» de la pila (strace -k) de la llamada de antes. */
    void (*marco)(void *dato, const char *marco);
    /* Cada línea que no es un marco, al entrar: su hilo y lo que sigue (con la llamada partida
     * en «<unfinished ...>» o en «<... resumed>» tal cual), o NULL si no es una llamada
     * («+++ exited…», «--- SIGINT…»). */
    void (*linea)(void *dato, long tid, const char *resto);
    /* Una llamada completa «nombre(args) = ret…» del hilo `tid` (la partida, ya junta). */
    void (*llamada)(void *dato, long tid, unsigned long ip, const char *texto);
} traza_oyente_t;

/* 1 si dejó de leer en TOPE_TRAZA_MIB (lo que sigue no llegó a `oyente`); si no, 0. */
int traza_recorrer(const char *ruta, const traza_oyente_t *oyente, void *dato);
int llamada_nombre(const char *texto, char *nombre, size_t tam);
int llamada_partir(const char *texto, llamada_t *ll);
char **conducta_carpeta_nombres(const char *carpeta, const char *sufijo);
void conducta_nombres_liberar(char **nombres);
void conducta_entradas_leer(const char *carpeta, entradas_t *e);
void conducta_entradas_liberar(entradas_t *e);
int conducta_es_entrada(const entradas_t *e, const char *ruta);
int conducta_empieza(const char *s, const char *p);
int conducta_termina_en(const char *s, const char *fin);
int conducta_sondeo_sin_espera(const char *llamada);
const char *conducta_saltar_pieza(const char *c);
int conducta_es_precarga(const char *r);
int conducta_ruta_normal(const char *r);
const char *conducta_ruta_corta(const char *r);
int conducta_ruta_fd(const char *s, char *dst, size_t tam);
int conducta_primera_cadena(const char *args, char *dst, size_t tam);
int conducta_argumento(const char *par, int k, const char **ini, size_t *n);
int conducta_ruta_tocada(const char *nombre, const char *par, char *dst, size_t tam);
long conducta_pedido_lectura(const char *nombre, const char *par, char *como, size_t tam);
void conducta_marco_funcion(const char *marco, char *dst, size_t tam, size_t max);
void conducta_anotar(char *dst, size_t tam, const char *fmt, const char *a, const char *b);

/* --- conducta_pila.c: desde dónde se hace una llamada ------------------------------------- */
void conducta_mapa_anotar(vista_t *v, const char *par, const char *ret_txt);
void conducta_origen_juzgar(vista_t *v, const char *nombre, unsigned long ip, int red_);
void conducta_pila_esperar(vista_t *v, const char *nombre, int red_);
void conducta_pila_marco(vista_t *v, const char *marco);
void conducta_pila_cerrar(vista_t *v);
void conducta_pila_cortadas(vista_t *v);

/* --- conducta_llamada.c: qué es cada llamada ---------------------------------------------- */
/* Lee la traza `ruta` de una ejecución de `programa` en `v` (con v->lab y v->entradas ya
 * puestos: con qué se juzga); `pila`, si se juzga la pila de epoll y la red (conducta_pila). */
void conducta_leer_traza(const char *ruta, const char *programa, vista_t *v, int pila);
int conducta_prohibe(const lab_t *lab, const char *grupo);
int conducta_requiere(const lab_t *lab, const char *nombre);

#endif
