/* comun.h — lo que comparten las verificaciones del laboratorio 11 (gestor de descargas).
 *
 * Caja negra: «descargas» corre como proceso aparte (cal_lanzar) contra un servidor de
 * práctica propio de cada verificación, con su carpeta de destino (cal_carpeta) como único
 * sitio donde puede escribir. Se juzga lo que se ve desde fuera:
 *   - los archivos: su SHA-256 contra el de los bytes que sirve /bytes (el calificador los
 *     genera él mismo, cal_bytes, sin preguntar al servidor, con una clave secreta que solo
 *     tienen él y su servidor: de lo ya recibido no se deducen los bytes que faltan), qué
 *     nombres existen mientras el programa corre (ningún nombre final a medias) y qué
 *     .parte quedan;
 *   - el registro del servidor: cuántas descargas a la vez, en qué orden, qué estado (200,
 *     206, 416) y cuántos bytes de cuerpo salieron, cuánto se esperó entre reintentos;
 *   - la salida (PROGRESO, OK, ERROR; en una terminal, los repintados), siempre contrastada
 *     con el registro del servidor o con los archivos; el código de salida (solo en
 *     codigo_salida), la memoria máxima, los descriptores abiertos y valgrind.
 * Cada semilla sale de getrandom: los bytes de un archivo no se conocen antes de pedirlos; y
 * lo que puede variar sin cambiar lo que se juzga (tamaños, cuál falla, retrasos) varía en
 * cada calificación (al_azar). Las tolerancias de tiempo son amplias (2 núcleos compartidos):
 * solo cotas que una máquina lenta no rompe. Los puntos y las pistas están en ../lab.json; la
 * tabla requisito → verificaciones, en el README del laboratorio.
 *
 * Cada función que falla deja escrito lo que pasó (cal_obtenido o el `motivo` que recibe).
 * Los procesos y servidores son de libcalificador (se liberan en cal_fin); las cadenas que
 * devuelven estas funciones son del llamador (el `buf` que pasa) o estáticas.
 *
 * Lo que no se juzga desde fuera (y por qué), para quien mantenga esto:
 *   - Una uv_fs_write que escribe menos de lo pedido: en un archivo normal de un disco local
 *     Linux solo escribe menos al llenarse el disco (un tmpfs pequeño: ENOSPC) o pasar
 *     RLIMIT_FSIZE (con SIGXFSZ ignorada: EFBIG), y entonces la siguiente escritura, la del
 *     resto, falla igual con el fallo o sin él: ERROR en los dos casos y el mismo .parte (lo
 *     que cupo). Una tubería no sirve (uv_fs_write con posición es pwritev: ESPIPE), y subir
 *     el límite desde fuera (prlimit) entre la escritura corta y la siguiente es una carrera
 *     de microsegundos. Inyectar escrituras cortas dentro del proceso tampoco: un
 *     LD_PRELOAD sobre pwritev no ve nada, porque la libuv de Debian (1.44) escribe varios
 *     búferes con syscall(SYS_pwritev) (nm -D libuv.so.1 solo importa pwrite64, write y
 *     writev), y juntar la cola en una escritura es justo lo que pide el enunciado. Quedaría
 *     un sistema de archivos FUSE que escriba de menos o seccomp que cambie lo que devuelve
 *     pwritev: ninguno está en la caja.
 *   - El azar de la espera de un reintento de hasta el 100 % en vez del 50 %: solo se ve
 *     por arriba, y una cota por arriba de cada espera la rompe una máquina cargada; con
 *     las muestras de reintentos (12 descargas) se escaparía demasiadas veces.
 *   - Ctrl+C durante un uv_fs_open lento: el disco lento (proximo_disco_lento, strace
 *     inject delay_enter) retrasa las escrituras con posición y los rename, no openat: el
 *     cargador dinámico también abre con openat al arrancar (unas 30 bibliotecas), y ni
 *     -P ni when= de strace apartan esas (autograder/README.md, «El disco lento como
 *     entrada»).
 *   - Tirar la cola de escritura al vencer -t (sin escribirla en el .parte): cuando -t vence,
 *     llevan t ms sin llegar datos y cada uv_fs_write lleva toda la cola, así que lo recibido
 *     ya está escrito o en la escritura en curso. Solo quedaría cola con escrituras más
 *     lentas que -t (un proceso más, con su disco lento, en estancada), y el fallo es
 *     pequeño: el .parte sigue siendo un principio exacto del archivo y --continuar pide lo
 *     que falta. No vale una verificación de 5 puntos.
 *   - Lo que sí se ve con opciones del servidor de práctica pensadas para ello: un reintento
 *     que no mira su 206 (?cortar=c&corto=k: cortada en c, el reintento es un 206 corto;
 *     reintento_continua), «-» sin Content-Length con bytes ya recibidos (/stream-bytes
 *     lento, ?kbps=; progreso) y el progreso que vuelve a 0 o a «-» al salir un reintento
 *     (?espera_rango=: la cabecera de cada reintento tarda 400 ms; progreso).
 */
#ifndef DESCARGAS_COMUN_H
#define DESCARGAS_COMUN_H

#include "calificador/base.h"
#include "calificador/calificador.h"

#include <stddef.h>
#include <stdint.h>

/* La sospecha cuando el programa acaba con una descarga a medias, la misma en cada
 * verificación que lo ve (el estudiante de prueba de la sesión 46 liberaba dos veces la plaza
 * de un 4xx, y el programa acababa antes de tiempo). */
#define DESC_ACTIVAS_A_CERO                                                                        \
    "una descarga cuenta como activa hasta que termina (¿la cuenta de las activas llegó a 0 "    \
    "antes de tiempo, p. ej. por liberar dos veces la plaza de una que falla?)"

/* ---- bytes de /bytes ---- */

/* SHA-256 (hex) de los bytes [0, n) de `semilla` (cal_bytes). */
void desc_huella_de(uint64_t semilla, uint64_t n, char hex[65]);
/* Una semilla nueva (getrandom), < 2^40 para que la URL sea corta. */
uint64_t desc_semilla_nueva(void);

/* ---- nombres ---- */

/* El nombre con que el programa ve la descarga de papel `papel` («mala.bin»): uno al azar
 * («mapa-07.zip»), el mismo durante toda la verificación; el de «mala.bin.parte» es el de
 * «mala.bin» más «.parte». Así el nombre no dice al programa qué verificación corre ni qué
 * descarga es cuál. Solo las verificaciones de los nombres mismos usan los suyos. La cadena es
 * estática (vive hasta el final del proceso). */
const char *desc_nombre(const char *papel);

/* ---- archivos ---- */

typedef struct {
    char dir[512];  /* carpeta de destino (-d) */
    char raiz[480]; /* la carpeta que ve el programa: dir está dentro */
} carpeta_t;

/* Carpeta temporal con una subcarpeta «destino»: el programa ve las dos, así que un nombre
 * que escape de -d («../x») se notaría en la de arriba. 0 o -1 (ya anotado). */
int desc_carpeta(carpeta_t *c);
void desc_ruta_en(const char *dir, const char *nombre, char *ruta, size_t tam);
/* Tamaño del archivo, o -1 si no existe. */
long long desc_tam_archivo(const char *dir, const char *nombre);
/* 1 si dir/nombre son exactamente los bytes [0, n) de `semilla`; si no, 0 y el porqué. */
int desc_archivo_bien(const char *dir, const char *nombre, uint64_t semilla, uint64_t n,
                      char *motivo, size_t tam);
/* Escribe dir/nombre con `n` bytes: los de `semilla` o, si semilla == 0, basura. 0 o -1. */
int desc_escribir_parte(const char *dir, const char *nombre, uint64_t semilla, size_t n);
/* Los nombres de la carpeta, separados por espacios (para las notas). */
const char *desc_listar(const char *dir, char *buf, size_t tam);

/* ---- lanzar ---- */

/* Ningún archivo del próximo lanzamiento de desc_lanzar() pasará de `bytes` (un disco lleno:
 * cal_lanzamiento_t.tope_archivo). Solo vale para ese lanzamiento. */
void desc_proximo_tope(uint64_t bytes);
/* Un disco lento en el próximo lanzamiento de desc_lanzar(): cada uv_fs_write tarda
 * `escritura_ms` más y cada rename `rename_ms` más (cal_lanzamiento_t; solo si
 * cal_disco_lento_posible()). Solo vale para ese lanzamiento. */
void desc_proximo_disco_lento(unsigned escritura_ms, unsigned rename_ms);
/* Descriptores que `p` tiene abiertos en la carpeta que puede escribir (c->raiz, no solo
 * c->dir: un archivo abierto ahí y enlazado con link() en c->dir no contaría). -1 si no se
 * pudo mirar (cal_abiertos). */
int desc_abiertos(cal_proceso_t *p, const carpeta_t *c);
/* 1 si `p` tiene abierto dir/nombre.parte ahora (por la ruta de sus descriptores); 0 si no o
 * si no se pudo mirar. Para juzgar que una descarga que falló cerró su archivo. */
int desc_parte_abierta(cal_proceso_t *p, const char *dir, const char *nombre);
/* Lanza «descargas -d DIR args…» (sin -d si c es NULL). NULL si no se pudo (ya anotado). */
cal_proceso_t *desc_lanzar(cal_servidor_t *s, const carpeta_t *c, const char *const *args,
                           double limite_s, int valgrind, int terminal);
/* Lanza `args` en la carpeta nueva `c` (límite 20 s) con el disco lento: cada uv_fs_write
 * tarda `escritura_ms` más. Sin strace el disco lento no se simula: no lanza nada, *p queda en
 * NULL y anota «sin strace no se simula el disco lento: no se ve si `que_no_se_ve`». Devuelve 0
 * si no se pudo lanzar (ya anotado) y 1 si no. */
int desc_lanzar_disco_lento(cal_servidor_t *s, carpeta_t *c, const char *const *args,
                            unsigned escritura_ms, const char *que_no_se_ve, cal_proceso_t **p);
/* Lo que desc_lanzar_disco_lento_con hace con la carpeta ya creada, antes de lanzar: 0 para
 * seguir; otra cosa, no se lanza (y lo anota ella). */
typedef int (*desc_antes_cb)(const carpeta_t *c, void *datos);
/* Como desc_lanzar_disco_lento, y con la carpeta creada llama a `antes(c, datos)` (si no es
 * NULL) antes de lanzar: para vigilarla desde antes de que el programa exista (atomico). */
int desc_lanzar_disco_lento_con(cal_servidor_t *s, carpeta_t *c, const char *const *args,
                                unsigned escritura_ms, const char *que_no_se_ve,
                                desc_antes_cb antes, void *datos, cal_proceso_t **p);
/* Espera el final como mucho `max_ms`. Devuelve el código, o -1 si no terminó (y lo mata). */
int desc_fin(cal_proceso_t *p, int max_ms);
/* «salió con código 1», «murió por la señal 11» o «no terminó a tiempo». */
const char *desc_como(cal_proceso_t *p, int codigo, char *buf, size_t tam);
/* La línea «OK nombre …» o «ERROR nombre …» en buf. 1 si está. */
int desc_linea(cal_proceso_t *p, const char *tipo, const char *nombre, char *buf, size_t tam);
/* URL /bytes/n con semilla y extras («&kbps=200»). */
const char *desc_bytes_url(char *buf, size_t tam, uint64_t n, uint64_t semilla, const char *extra);
/* Lo mismo por «/stream-bytes/N?seed=S…»: troceada (chunked), sin Content-Length ni huella. */
const char *desc_troceada_url(char *buf, size_t tam, uint64_t n, uint64_t semilla,
                              const char *extra);
/* «nombre=url» en buf. */
const char *desc_arg(char *buf, size_t tam, const char *nombre, const char *url);
/* El primer byte que pide una cabecera Range del registro («bytes=N-» o «bytes=N-M»), o -1 si
 * no hay cabecera o no tiene esa forma. */
long long desc_rango_desde(const char *rango);
/* Peticiones del registro a `ruta`, en orden de inicio (como mucho max). */
int desc_registro_de(cal_servidor_t *s, const char *ruta, cal_peticion_t *v, int max);

/* 1 si el programa acabó por sí mismo con 0 o 1; si no, 0 y en `motivo` cómo acabó. El código
 * exacto (0 con todo bien, 1 con algún fallo) lo juzga solo codigo_salida: un código
 * equivocado cuesta una verificación, no seis. */
int desc_por_si_mismo(cal_proceso_t *p, int codigo, char *motivo, size_t tam);
/* Posición en la salida de la primera línea del resumen de `nombre` («OK nombre …» o
 * «ERROR nombre …»), o -1 si no hay. */
long desc_posicion_resumen(cal_proceso_t *p, const char *nombre);

/* Bytes de cuerpo que el servidor había mandado en el instante `t` (reloj de cal_ahora_ms, el
 * mismo que el del registro) según las peticiones `v`: cada una reparte sus bytes por igual
 * entre su inicio y su fin (así sirve /bytes con ?kbps=). Lo que una línea de progreso dice
 * haber recibido no puede pasar de aquí. */
uint64_t desc_servido_hasta(const cal_peticion_t *v, int n, uint64_t t);

/* ---- la línea OK ---- */

/* Los segundos de «OK nombre bytes <segundos> s <KiB/s>» (un número, con los decimales que
 * sean), o -1 si no está. */
double desc_segundos_ok(cal_proceso_t *p, const char *nombre);
/* La línea OK de `nombre` contra lo que se ve desde fuera: exactamente «OK nombre <tam>
 * <segundos con dos decimales> s <KiB/s con un decimal>», segundos no menos que lo que el
 * servidor tardó en servirla (`servida_ms`) y la media igual a `recibidos`/1024/segundos
 * (con el redondeo de lo impreso). 1 si casa; si no, 0 y el motivo. */
int desc_linea_ok_bien(cal_proceso_t *p, const char *nombre, uint64_t tam, uint64_t recibidos,
                       uint64_t servida_ms, char *motivo, size_t t);

/* Cuándo se renombró por última vez dir/nombre (su ctime: lo pone el núcleo, no el programa),
 * en el reloj de cal_ahora_ms y con decimales; -1 si no existe. */
double desc_renombrado_ms(const char *dir, const char *nombre);

/* Cuánto después de su última escritura cambió dir/nombre de otra manera (su ctime menos su
 * mtime, en ms: una escritura pone los dos a la vez; un rename, un link o un chmod, solo el
 * ctime). 0 si su último cambio fue escribir; -1 si no existe. */
double desc_cambiado_tras_escribir_ms(const char *dir, const char *nombre);

/* Una corrida: servidor + carpeta + programa. Lo que se repite en cada verificación. */
typedef struct {
    cal_servidor_t *s;
    carpeta_t c;
    cal_proceso_t *p;
    int codigo; /* el de desc_fin(): -1 si no terminó a tiempo */
} corrida_t;

/* Servidor de práctica y carpeta. 1 si todo fue bien (si no, ya anotado). */
int desc_preparar(corrida_t *x);
/* Lanza el programa con `args` y espera su final como mucho `max_ms` (0: no espera; la
 * verificación mira mientras corre y llama a desc_fin() después). 1 si se lanzó. */
int desc_correr(corrida_t *x, const char *const *args, int max_ms);
/* desc_por_si_mismo() de la corrida. */
int desc_acabo(corrida_t *x, char *motivo, size_t tam);
/* Para una corrida que falló: lo que hay en la carpeta y las últimas `lineas` de su salida. */
void desc_nota_corrida(const corrida_t *x, int lineas);

/* ---- --continuar ---- */

/* Una reanudación: la corrida (servidor y carpeta de desc_preparar(); el proceso, de la última
 * llamada a continuar) y lo que el servidor registró de ella. */
typedef struct {
    corrida_t x;
    int n; /* peticiones registradas (se guardan las 4 primeras) */
    int estados[4];
    uint64_t bytes[4];
    uint64_t inicio_ms[4], fin_ms[4]; /* reloj de cal_ahora_ms */
    char rangos[4][64];               /* la cabecera Range de cada una, "" si no la traía */
} reanudacion_t;

/* Una descarga con --continuar sobre un .parte de `prefijo` bytes que el calificador deja
 * antes (los buenos de una semilla nueva o basura), en una carpeta nueva (queda en r->x.c) y
 * contra el servidor de r->x. Deja en r el proceso y lo que registró el servidor. 1 si el archivo
 * final es el servido y no queda .parte; si no, 0 y el motivo. */
int desc_continuar(reanudacion_t *r, const char *ruta_base, const char *extra, uint64_t tam,
                   uint64_t prefijo, int prefijo_bueno, const char *nombre, char *motivo,
                   size_t tam_motivo);
/* Para una reanudación que falló: lo que registró el servidor y la salida del programa. */
void desc_nota_reanudacion(const reanudacion_t *r);

#endif
