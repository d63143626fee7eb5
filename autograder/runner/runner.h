/* runner.h — estructuras del ejecutor `calificar` (el programa detrás de `make grade`).
 *
 * Memoria: todo lo que cuelga de un lab_t (textos, arrays) es del lab_t y se libera con
 * lab_liberar(). Los textos de resultado (esperado, obtenido, detalle) ya vienen saneados:
 * UTF-8 válido, aptos para la terminal, JSON y XML.
 */
#ifndef CALIFICAR_RUNNER_H
#define CALIFICAR_RUNNER_H

#include <limits.h>
#include <stddef.h>

#include "calificador/base.h"
#include "calificador/calificador.h"

typedef struct {
    char *id;              /* nombre de la prueba de Criterion (o "compila") */
    char *nombre;          /* título corto para el estudiante */
    char *que;             /* qué se comprueba, en una o dos frases */
    char *pista;           /* la idea, si falla (va en el informe) */
    char *pista_detallada; /* más concreta, solo a petición (make pista); "" si no hay */
    int puntos;
    char *visibilidad; /* en Gradescope: visible, hidden, after_due_date o after_published */
    /* Resultado */
    int ok;
    char *esperado, *obtenido, *detalle;
    double segundos;
    char sin_repetir[384]; /* si falla, por qué no se repite sola (cal_sin_repetir), o "" */
    int repetida;          /* pasó al repetirla sola (repetir.c): la terminal lo dice */
    int hito; /* índice en lab_t.hitos del hito al que pertenece; -1 si el lab no tiene hitos */
} verificacion_t;

/* Un hito de lab.json («hitos»): un grupo de verificaciones que un programa a medias ya pasa.
 * El orden es el de lab.json; un hito se alcanza cuando pasan las suyas y las de los de antes. */
typedef struct {
    char *id;     /* "0", "A", "B"… */
    char *titulo; /* «Una descarga al disco» */
    char *que;    /* qué funciona ya, en una frase */
} hito_t;

/* Una regla de lab.json («reglas_traza») sobre lo que se vio hacer al programa en las trazas
 * de strace (runner/conducta.c): si se rompe, cuesta una verificación, no el laboratorio. Hoy
 * hay un tipo: cada lectura de un archivo de la entrada (uno regular que escribió el
 * calificador) pide exactamente `lectura_bytes` (read, pread64, readv, preadv, preadv2). */
typedef struct {
    char *verificacion; /* id de la verificación que la pierde */
    long lectura_bytes;
    char *porque; /* qué pide el enunciado, para el mensaje («el enunciado pide …») */
} regla_traza_t;

typedef struct {
    char *carpeta;  /* "07-monitor-web" */
    char numero[8]; /* "07" */
    char *titulo;
    char *programa;  /* nombre del binario */
    char **archivos; /* archivos que edita el estudiante */
    int narchivos;
    int solucion_publicada;
    char **prohibidos; /* grupos de medios prohibidos (runner/medios.c) */
    int nprohibidos;
    char **requeridos; /* símbolos que la entrega debería usar (solo se avisa) */
    int nrequeridos;
    char **pila_en; /* «medios.pila_en»: verificaciones observadas con la pila (strace -k) */
    int npila_en;
    char **llamadas; /* «llamadas.permitidas»: lo que añade a la lista del filtro (base/filtro.c) */
    int nllamadas;
    int unix_permitido;    /* «llamadas.unix»: puede abrir sockets AF_UNIX (base/filtro.c) */
    regla_traza_t *reglas; /* «reglas_traza» de lab.json; NULL y 0 si no tiene */
    int nreglas;
    char **nucleo; /* «nucleo» de lab.json: las verificaciones del trabajo principal; NULL y 0
                    * si no tiene (entonces lo son todas: lab_nucleo) */
    int nnucleo;
    int tiempo_limite_s;   /* para el calificador entero */
    int tiempo_objetivo_s; /* lo que debe tardar la solución (prueba-labs); 0 = sin objetivo */
    int trabajos;          /* --jobs de Criterion */
    verificacion_t *v;
    int nv;
    hito_t *hitos; /* «hitos» de lab.json, en orden; NULL y 0 si no tiene */
    int nhitos;
    /* Con --hito (make grade HITO=B), lab_hasta_hito deja en v[0..nv) y hitos[0..nhitos)
     * solo hasta ese hito; lo demás sigue detrás (v[nv..nv+nv_fuera), hitos[nhitos..
     * nhitos+nhitos_fuera)), sin calificar, para lab_liberar. 0 sin --hito. */
    int nv_fuera, nhitos_fuera;
    /* Resultado del laboratorio */
    int calificado; /* 0: no se pudo calificar (ver aviso) */
    int compila;
    char *compilador; /* mensajes del compilador (saneados) */
    char *aviso;      /* problema a nivel de laboratorio, para el estudiante */
    char *medios;     /* medios prohibidos encontrados (entonces no se califica) */
    int error_instructor;
    double segundos;
    /* La entrega recogida (entrega.c; solo con --entrega) */
    int archivos_extra; /* «archivos_extra» de lab.json: se compilan sus .c/.h de más */
    char **extra;       /* los .c/.h de más que se copiaron (también se juzgan sus medios) */
    int nextra;
    char *entrega_nota; /* lo que dijo la recogida (archivos ignorados…), o NULL */
    int entrega_estado; /* 0 recogida; ENTREGA_VACIA; ENTREGA_INCALIFICABLE */
} lab_t;
#define ENTREGA_VACIA         3 /* nada del laboratorio: «sin entrega» */
#define ENTREGA_INCALIFICABLE 4 /* hay algo, pero no se puede calificar (dos copias…) */

/* opciones.c — la línea de comandos. */
typedef struct {
    const char *raiz, *construccion, *cc, *cflags, *libs, *lab, *entrega, *salida;
    int soluciones, variables, lista, detalle, pista;
    int publicar;          /* 1 --publicar, -1 --despublicar, 0 nada */
    int estado_soluciones; /* --estado-soluciones */
    int progreso;          /* --progreso: la tabla de make progreso */
    const char *historial; /* --historial ARCHIVO: anotar la nota (make progreso) */
    const char *aviso;     /* --aviso-entrega TEXTO: va al informe (archivos ignorados…) */
    int trabajos;          /* --trabajos N: sustituye a «trabajos» de lab.json (0 = no) */
    int primera;           /* --primera: el modo de make vigilar (runner/primera.c) */
    const char *hito;      /* --hito ID: calificar solo hasta ese hito (make grade HITO=B) */
    const char *trazas;    /* --juzgar-trazas CARPETA: juzgar trazas guardadas (conducta.c) */
    const char *segmentos; /* --segmentos PROGRAMA: su memoria, como tras compilar */
    char construccion_abs[PATH_MAX], entrega_abs[PATH_MAX], salida_def[PATH_MAX];
} opciones_t;
/* 0, o el código de salida (2) tras decir en stderr qué está mal. */
int opciones_leer(int argc, char **argv, opciones_t *op);

/* labs.c — los laboratorios presentes y sus datos para make y los guiones. */
/* Carpetas labs/NN-tema con lab.json (las de --lab), ordenadas; *carpetas es nuestro. -1 si
 * no hay ninguna (o --entrega casa con varias), dicho en stderr. */
int labs_descubrir(const opciones_t *op, char ***carpetas);
/* Lee el manifiesto de `carpeta` en `lab` (vacío). -1 si es inválido (aviso de instructor). */
int labs_cargar(const opciones_t *op, const char *carpeta, lab_t *lab);
/* Los archivos fijos del laboratorio (los .c y .h de `dir_lab` que no edita el estudiante),
 * ordenados; *fijos es nuestro. Es el único sitio que decide qué es fijo. -1 si no se abre. */
int labs_fijos(const lab_t *lab, const char *dir_lab, char ***fijos);
int labs_variables(const opciones_t *op, char **carpetas, int n);
int labs_lista(const opciones_t *op, char **carpetas, int n);

/* Rutas de la calificación de un laboratorio. */
typedef struct {
    char dir_lab[PATH_MAX], origen[PATH_MAX], trabajo[PATH_MAX], fuentes[PATH_MAX],
        resultados[PATH_MAX], tmp[PATH_MAX], binario[PATH_MAX], calificador[PATH_MAX];
    char aparte[PATH_MAX]; /* copia aparte (caja_carpeta_aparte) si el usuario de la caja no llega
                              ("" = no) */
    int es_entrega;        /* origen es una entrega tal como llegó: se recoge (recoger.py) */
} rutas_t;

/* entrega.c */
/* Copia la entrega (y los fijos del laboratorio) a r->fuentes. -1 si falta algo (dicho en
 * la verificación «compila»). */
int entrega_preparar(lab_t *lab, const rutas_t *r);
/* Deja el binario donde el usuario de la caja pueda ejecutarlo (quizá en r->aparte). */
int entrega_accesible(const lab_t *lab, rutas_t *r);
/* El estado de la calificación para el profesorado: «sin entrega», «no compila», «no se
 * califica», «se colgó» o «calificada» (informe.c). */
const char *informe_estado(const lab_t *lab);

/* alcance.c — el curso en una carpeta que el usuario de la caja no alcanza (/root/curso):
 * copia aparte (bajo $TMPDIR o /tmp, legible por todos) de las cabeceras y bibliotecas que
 * nombran --cflags y --libs, y carpeta de trabajo aparte si tampoco alcanza la salida. */
typedef struct {
    const char *cflags, *libs; /* las que hay que usar (las de op o las reescritas) */
    const char *trabajo;       /* de qué carpeta cuelga trabajo/NN-tema */
    char aparte[PATH_MAX];     /* "" si no hizo falta */
    char trabajo_aparte[PATH_MAX];
    char *cflags_nuevas, *libs_nuevas;
} alcance_t;
/* 0 si no hace falta nada, 1 si preparó la copia aparte, -errno si falló. */
int alcance_preparar(alcance_t *a, const opciones_t *op);
void alcance_liberar(alcance_t *a);

/* criterion.c */
/* El manifiesto y las pruebas del calificador casan en los dos sentidos; si no, error del
 * instructor (lab->error_instructor y el aviso). 0 o -1. */
int criterion_casar(lab_t *lab, const char *calificador, const char *const *entorno);
/* Ejecuta el calificador y lee el resultado de cada verificación. 0 o -errno. */
int criterion_ejecutar(lab_t *lab, const rutas_t *r, const char *const *entorno);
/* El argumento --filter de Criterion que elige las verificaciones lab->v[indices[0..n)]
 * («compila», que no es una prueba, se salta): «--filter=lab/id» para una,
 * «--filter=lab/@(a|b|…)» para varias. Es de quien llama. */
char *criterion_filtro(const lab_t *lab, const int *indices, int n);
/* Lee el resultado de `v` (resultados/<id>.json y su línea del TAP `tap`). */
void criterion_leer(verificacion_t *v, const char *resultados, const char *tap);
/* Lo que dice resultados/<id>.json mientras el calificador sigue en marcha (sin TAP): 1 si ya
 * está (y queda en `v`), 0 si no. Solo para enseñarlo antes (runner/primera.c). */
int criterion_provisional(verificacion_t *v, const char *resultados);
/* Igual que criterion_leer, para un calificador que el ejecutor paró al pasar `limite_s`. */
void criterion_leer_tope(verificacion_t *v, const char *resultados, const char *tap, int excedido,
                         int limite_s);

/* repetir.c */
/* Repite una vez, sola, cada verificación que falló (si fallan pocas) y se queda con la
 * segunda respuesta. Devuelve cuántas pasaron al repetirlas. */
int repetir_fallidas(lab_t *lab, const rutas_t *r, const char *const *entorno);
/* 1 si hay que repetir las que fallaron (pocas y sin el tope del laboratorio pasado). */
int repetir_conviene(const lab_t *lab);
/* 1 si `v` (que falló) se repite; 0 si su calificador dijo que no (cal_sin_repetir): entonces
 * su detalle dice por qué. */
int repetir_esta(verificacion_t *v);
/* `nueva` es `v` repetida: si pasó, vale ella (y el detalle dice lo de la primera vez) y
 * devuelve 1; si no, se queda `v`. Los textos de `nueva` pasan a `v` o se liberan. */
int repetir_fundir(verificacion_t *v, verificacion_t *nueva);

/* primera.c — `calificar --primera` (make vigilar): la primera que falla en cuanto se sabe. */
/* SIGTERM (vigilar.sh, al volver a guardar) y Ctrl+C la paran: orden_interrumpida(). */
/* Lanza las verificaciones en el orden de lab.json y va imprimiendo; `trazas` es la carpeta de
 * las trazas de strace ("" si no se observa). 0, -EINTR si la pararon o -errno. */
int primera_ejecutar(lab_t *lab, const rutas_t *r, const char *const *entorno, const char *trazas);
void primera_cabecera(const lab_t *lab, const char *origen, const char *caja, int caja_aviso);
/* Lo que falta tras comprobar: la primera que falla si aún no salió, el aviso, el recuento. */
void primera_final(const lab_t *lab);

/* pista.c */
/* La pista detallada de la primera verificación que falla en la última calificación
 * (results.json de op->salida) de los laboratorios `carpetas`. 0, o 2 si no hay informe. */
int pista_mostrar(const opciones_t *op, char **carpetas, int n);

/* publicar.c — make publicar / despublicar / estado-soluciones. 0, o el código de salida. */
int publicar_cambiar(const opciones_t *op, char **carpetas, int n, int valor);
int publicar_estado(const opciones_t *op, char **carpetas, int n);

/* historial.c — make progreso: la última y la mejor nota de cada laboratorio. */
/* Anota en op->historial el resultado de los laboratorios calificados. 0 o -1. */
int historial_anotar(const opciones_t *op, const lab_t *labs, int n);
/* La tabla de todos los laboratorios `carpetas`. 0, o 2 si el historial está dañado. */
int historial_mostrar(const opciones_t *op, char **carpetas, int n);

/* avance.c — qué verificación corre y cuántas van, solo en una terminal (ni en CI ni en
 * una tubería). La línea se borra al terminar: el informe no cambia. */
int avance_activo(void);
void avance_compilando(const lab_t *lab);
/* Para orden_t.al_esperar mientras corre el calificador del laboratorio. */
typedef struct {
    const lab_t *lab;
    const char *resultados;
    double siguiente;
} avance_t;
void avance_tic(void *datos);
void avance_borrar(void);

/* calificar.c */
/* Todas las verificaciones (salvo «compila») fallan con `obtenido`. */
void marcar_todas(lab_t *lab, const char *obtenido);

/* manifiesto.c */
int manifiesto_leer(const char *ruta, lab_t *lab, char *error, size_t tam);
void lab_liberar(lab_t *lab);
verificacion_t *lab_verificacion(lab_t *lab, const char *id);
/* 1 si la verificación `id` es del núcleo del laboratorio («nucleo» de lab.json; sin esa
 * clave, o con id NULL —una traza que no dice de qué verificación es—, todas lo son). */
int lab_nucleo(const lab_t *lab, const char *id);
/* El primer hito no alcanzado (índice; lab->nhitos si todos lo están) y en *falta la primera
 * verificación, en el orden de lab.json, que le falta a ese hito o a uno anterior. */
int lab_hito_pendiente(const lab_t *lab, const verificacion_t **falta);
/* Por dónde empezar: la primera verificación que falla del primer hito no alcanzado (entre
 * las de un mismo hito, la primera en el orden de lab.json; sin hitos, la primera que falla).
 * Su índice en lab->v, o -1 si no falla ninguna. La usan el informe («empieza por aquí») y
 * make pista, para que digan la misma. */
int lab_primera_fallida(const lab_t *lab);
/* Deja en el laboratorio solo las verificaciones de los hitos hasta `id` incluido (make grade
 * HITO=B: la nota, sobre 100, es la de esas). 0, o -1 con el porqué en `error` si el
 * laboratorio no tiene ese hito. */
int lab_hasta_hito(lab_t *lab, const char *id, char *error, size_t tam);

/* compilar.c */
typedef struct {
    const char *cc, *cflags, *libs;
    int bwrap;                  /* 1: compilar dentro de bubblewrap */
    const char *const *entorno; /* entorno sin caja (con caja se usa uno fijo) */
} compilacion_t;
/* Compila las fuentes copiadas en `fuentes` a `binario` y revisa los medios. Rellena
 * lab->compila, lab->compilador, la verificación «compila» y, si usa medios prohibidos,
 * lab->medios. Devuelve 0, -1 (no compila) o -2 (medios prohibidos). En *aviso_medios (memoria
 * nuestra, o NULL) los símbolos requeridos que no usa. */
int compilar_entrega(const compilacion_t *c, lab_t *lab, const char *fuentes, const char *binario,
                     char **aviso_medios);

/* protecciones.c. Describe en `buf` las protecciones de esta calificación y, si falta
 * alguna, por qué y cómo activarla. Devuelve cuántas faltan; *hay_bwrap dice si hay caja. */
int protecciones_describir(char *buf, size_t tam, int *hay_bwrap);

/* medios.c */
int medios_grupo_valido(const char *nombre);
/* Juzga un objeto del estudiante (`archivo`, para el mensaje) por la salida de nm -P -u y
 * de objdump -d. 1 si usa algo prohibido (y lo añade a *informe, memoria nuestra), 0 si no. */
int medios_juzgar(const lab_t *lab, const char *archivo, const char *nm, const char *asm_texto,
                  char **informe);
/* Lo que se ve en el texto de un fuente del estudiante: una cabecera de valgrind con
 * llamadas_directas prohibido. 1 si lo usa (con el porqué en *informe). */
int medios_juzgar_fuente(const lab_t *lab, const char *archivo, const char *fuente, char **informe);
/* Los símbolos requeridos que no aparecen en `nm_todos` («a, b»; memoria nueva) o NULL. */
char *medios_faltan(const lab_t *lab, const char *nm_todos);

/* exportadas.c — 1 si `dir` (relativa al archivo, como las da strace -k) cae dentro de una
 * función que exporta la biblioteca `ruta` (.dynsym, con su tamaño; su nombre en `nombre`), 0
 * si no, -1 si la biblioteca no se pudo leer. */
int exportada_en(const char *ruta, unsigned long dir, char *nombre, size_t tam);

/* runner/segmentos.c: 1 si el ELF abierto en `fd` tiene un segmento de carga que se puede
 * escribir y ejecutar a la vez o no se deja leer entero (el porqué, en `motivo`), 0 si no. */
int segmentos_wx(int fd, char *motivo, size_t tam);
/* --segmentos: el mismo juicio sobre un archivo, dicho en la terminal (para las pruebas del
 * calificador y para quien quiera ver por qué no se ejecutó un programa). 0 si se ejecutaría, 1
 * si no, 2 si no se pudo abrir. */
int segmentos_mostrar(const opciones_t *op);

/* conducta.c — los medios por lo que hace el programa (trazas de lib/observar.c; con
 * conducta_traza.c, conducta_llamada.c y conducta_pila.c: conducta_interno.h). */
/* Deja la puerta (calif-puerta) junto a `binario` y crea la carpeta de trazas de `trabajo`
 * (0700): sus rutas en `carpeta` y `puerta`. 0 o -errno (entonces no se observa). */
/* La ruta (fuera de la caja) de la precarga vivos que lleva el programa: sus aperturas y mapas
 * son del cargador, no del programa (ver conducta_ruta_normal, en conducta_traza.c). "" si no la
 * lleva. */
void conducta_precarga(const char *ruta);
int conducta_preparar(const char *construccion, const char *trabajo, const char *binario,
                      char *carpeta, size_t t_c, char *puerta, size_t t_p);
/* Lee las trazas de `carpeta`. 1 si la entrega hizo algo que lab.json prohíbe en el camino
 * principal (qué, en *informe), 2 si solo en verificaciones fuera de su «nucleo» (cuáles y
 * qué, en *informe), 0 si no (en *aviso, lo requerido que no se vio hacer), -1 si no hubo
 * ninguna ejecución observada. *informe y *aviso: memoria nueva o NULL. Con `reglas`, además
 * deja en 0 las verificaciones del caso 2 con lo visto y aplica las «reglas_traza» de
 * lab.json a sus verificaciones (una regla rota la deja en 0 con lo visto; una que no se pudo
 * juzgar lo dice en su detalle): solo una vez, al final. */
int conducta_juzgar(lab_t *lab, const char *carpeta, int reglas, char **informe, char **aviso);
/* Ya juzgadas, borra las trazas de `carpeta` (las escribe strace, fuera de la cuota de cada
 * verificación: hasta 64 MiB por lanzamiento, y una entrega que las infla dejaba 1,1 GB en
 * build/). Con CALIF_GUARDAR_TRAZAS=1 se quedan, para mirarlas (--juzgar-trazas). */
void conducta_terminar(const char *carpeta);
/* Sin trazas (no se pudo observar: `motivo`), cada verificación con una regla dice en su
 * detalle que esa regla no se juzgó y por qué. Devuelve, para el aviso del laboratorio, qué
 * verificaciones quedaron sin esa parte («…» (65536 bytes por lectura), memoria nueva) o
 * NULL si el laboratorio no tiene reglas. */
char *conducta_reglas_sin_juzgar(lab_t *lab, const char *motivo);
/* Las llamadas al sistema que hay que parar para las reglas de `lab` (para strace -e trace=). */
const char *conducta_llamadas(const lab_t *lab);
/* 1 si aquí se puede observar (strace con ptrace); si no, 0 y el motivo. */
int conducta_probar(char *motivo, size_t tam);
/* --juzgar-trazas: juzga las trazas de strace de op->trazas con las reglas del laboratorio
 * op->lab y lo dice en la salida estándar. 0 si no rompen ninguna regla, 1 si sí, 3 si no hay
 * ninguna ejecución observada, 2 si no se puede (laboratorio o carpeta). */
int conducta_mostrar(const opciones_t *op, char **carpetas, int n);
/* 1 si se juzga desde dónde se hacen las llamadas de epoll y de la red (strace -i). */
int conducta_origen(void);
/* 1 si en `lab` se juzga además quién llamó a libc (la pila, strace -k): los servidores de
 * libuv (red_cruda prohibido y uv_listen requerido, el 09). */
int conducta_pila(const lab_t *lab);
/* Por qué eso no se pudo juzgar (tras conducta_probar o conducta_juzgar), o NULL si se
 * juzgó. No es memoria nueva. */
const char *conducta_sin_origen(void);
/* El valor de CALIF_OBSERVAR_ORIGEN para `lab` (lib/observar.c): 0, 1 (-i), 2 (-i y -k) o, con
 * «medios.pila_en», «3:id,id…» (-i, y -k en las ejecuciones de esas verificaciones). No es
 * memoria nueva. */
const char *conducta_origen_entorno(const lab_t *lab);
/* Tras conducta_juzgar: por qué no se pudo juzgar si el grupo de hilos de libuv tocó los
 * archivos a petición del programa (uv_fs_* síncronas o libc en un uv_queue_work), o NULL si
 * se juzgó o el laboratorio no lo pide («medios.pila_en»). No es memoria nueva. */
const char *conducta_sin_pila_trabajo(void);
/* El strace que se prueba y con el que se observa: CALIF_STRACE (ruta absoluta) o el del
 * sistema. No es memoria nueva. */
const char *conducta_strace(void);

/* informe.c */
typedef struct {
    const char *origen; /* de dónde salieron los archivos calificados */
    const char *caja;   /* descripción de la caja de arena */
    int caja_aviso;     /* 1 si no hay caja (se avisa) */
    double segundos;
    const char *salida; /* carpeta de los informes */
    const char *aviso;  /* sobre la entrega (archivos ignorados…), o NULL */
} contexto_informe_t;

void informe_cabecera(const contexto_informe_t *c);
/* El laboratorio en la terminal: con `detalle`, todos los bloques; si no, el de la primera
 * verificación que falla y una línea de las demás. */
void informe_lab(const lab_t *lab, int detalle);
/* La línea ✔/✘ de una verificación y, con `primera`, «↑ empieza por aquí» y su bloque entero
 * (qué, esperado, obtenido, detalle, pista), como en informe_lab; sin `primera`, si falla, la
 * primera línea de «Obtenido» (para runner/primera.c). */
void informe_verificacion(const verificacion_t *v, int primera);
/* El informe entero, con todo el detalle y sin color, en `ruta` (informe.txt). */
int informe_texto(const char *ruta, const lab_t *labs, int n, const contexto_informe_t *c);
void informe_total(const lab_t *labs, int n, const contexto_informe_t *c);
int informe_json(const char *ruta, const lab_t *labs, int n, const contexto_informe_t *c);
int informe_junit(const char *ruta, const lab_t *labs, int n, const contexto_informe_t *c);

#endif
