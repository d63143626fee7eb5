/* comun.h — lo que comparten las verificaciones del laboratorio 10 (agregador de APIs del
 * clima): escenarios (ciudades × proveedores con lo que cada uno tiene que dar), el servidor
 * de práctica con su secreto, el archivo de proveedores, el lanzamiento y los juicios de la
 * salida, del documento --json y del registro del servidor. El motor de escenarios está en
 * escenario.c; las ayudas que no son del escenario, en comun.c.
 *
 * Caja negra: el programa del estudiante corre aparte (cal_lanzar) contra un servidor de
 * práctica propio de cada verificación, con un archivo de proveedores que escribe el
 * calificador. Se juzga por lo que se ve desde fuera:
 *   - el registro del servidor: qué (ciudad, proveedor) se pidió, con qué ciudad decodificada,
 *     cuándo empezó y terminó cada petición (solapes, tope -c, cortes por -t);
 *   - cada número impreso, comparado con el que el calificador calcula a partir del MISMO
 *     documento que sirve el servidor (lo pide él mismo antes de lanzar el programa);
 *   - los motivos de error donde el enunciado los fija (estado, tiempo, línea y columna,
 *     «imposible»), el código de salida, SIGINT y valgrind.
 *
 * Nada se deduce de la URL: el servidor arranca con un secreto al azar (el de cal_servidor,
 * en SU entorno, fuera de la caja; el programa tiene otro entorno, limpio) que entra en cada
 * temperatura y en el sitio del error del JSON inválido. Y el archivo de proveedores no dice el
 * escenario: cada proveedor del servidor es un alias opaco, «/c/FICHA?ciudad={ciudad}»
 * (cal_alias), que el servidor atiende como «/clima/PROV?ciudad=…&sal=…&estado=500…» y anota
 * así en su registro; el programa no ve ni el proveedor, ni la sal, ni «&estado=», «&fallo=»,
 * «&retraso=» o «&solo=». El servidor es público, pero sin el secreto sus números no se
 * calculan y sin la ruta real sus fallos no se adivinan: solo se aciertan leyendo la
 * respuesta. Las peticiones del propio calificador
 * llevan MARCA_PROPIA y no cuentan.
 *
 * Cada función que falla deja ya escrito cal_obtenido (y notas): la verificación solo tiene
 * que hacer CAL_FIN(0). Memoria: esc_t la aporta la verificación (en la pila); el servidor,
 * el proceso y los temporales los libera cal_fin() (CAL_FIN).
 *
 * El archivo de proveedores por omisión, junto al programa (no el de la carpeta actual): una
 * verificación (salida_basica) lanza sin -f con el archivo de la verificación en la carpeta
 * del programa (cal_lanzamiento_t.junto: /entrega/proveedores.json en la caja) y la carpeta
 * actual sin ninguno (mutante omision_en_cwd).
 */
#ifndef CLIMA_COMUN_H
#define CLIMA_COMUN_H

#include "calificador/base.h"
#include "calificador/calificador.h"

#include <stddef.h>
#include <stdint.h>

#define MAX_CIUDADES 5
#define MAX_PROV     12
#define TOL_T        0.06 /* una temperatura con un decimal: redondeos de un lado u otro */
#define TOL_MEDIA    0.11 /* la media: con un decimal, y holgura para el orden de las sumas */
#define MARCA_PROPIA "&de=calificador" /* en las peticiones del propio calificador */

typedef enum {
    BIEN,        /* un número: el del servidor, convertido a °C */
    ERROR,       /* cualquier motivo no vacío */
    E_ESTADO,    /* el motivo cita el código HTTP */
    E_TIEMPO,    /* el motivo habla de «tiempo» */
    E_JSON,      /* el motivo cita «línea L» y «columna C» */
    E_IMPOSIBLE, /* el motivo dice «imposible» */
    E_RECHAZADA  /* conexión rechazada (un puerto donde nadie escucha): el motivo dice
                    «rechazada» */
} espera_t;

/* En `mas` de un proveedor sin servidor: su url lleva el puerto 99999, que no existe. curl la
 * rechaza al pedirla: http_pedir falla al momento y no llama a su callback (el requisito 4). */
#define PUERTO_IMPOSIBLE "puerto=99999"

typedef struct {
    const char *nombre;   /* en el archivo y en la salida */
    const char *servidor; /* proveedor del servidor, o NULL: un puerto donde nadie escucha (o,
                             con `mas` = PUERTO_IMPOSIBLE, uno que no existe) */
    const char *mas;      /* consulta extra («&retraso=5»), o NULL */
    const char *ruta;
    const char *unidad;
    espera_t espera; /* con «&solo=CIUDAD» en `mas`, solo para esa ciudad: el servidor
                        responde bien a las demás (BIEN) */
} prov_t;

typedef struct {
    const char *const *ciudades;
    int nciudades;
    const prov_t *provs;
    int nprovs;
    int sin_redondear; /* la sal se elige para que la media de los valores redondeados dé
                          otra décima: el promedio se juzga a ±0,05 */
    int sin_f;         /* sin -f: el archivo de proveedores va junto al programa (el de omisión), y
                          la carpeta actual es otra */
    int forma_estricta;  /* salida_basica: la forma exacta de cada línea (un decimal, « °C», la
                            cola del PROMEDIO) y nada más en stdout. Las demás juzgan lo que dicen
                            las líneas de las ciudades (números, motivos, orden, la cuenta n de
                            m) y pasan por alto las que no empiezan por una ciudad: un fallo de
                            forma cuesta una verificación, no todas */
    int promedio_entero; /* errores_http (y salida_basica, con forma_estricta): el PROMEDIO
                            entero, la media de los buenos y «(n de m». Las demás miran solo
                            lo que prueba que un error no cuenta: «(n de», con n los buenos, y
                            una media que cuadre con ellos (sobre n o, mal, sobre m). Antes, una
                            media sobre m o una m mal contada costaban seis verificaciones
                            (−32; el estudiante de prueba de la sesión 45): ahora, una */
    /* Lo demás lo rellena clima_preparar(). */
    char sal[16];
    int puerto_cerrado;
    cal_servidor_t *s;
    char carpeta[512];
    char archivo[600];
    double ref[MAX_CIUDADES][MAX_PROV]; /* °C de cada BIEN */
    int linea[MAX_CIUDADES][MAX_PROV];  /* E_JSON: dónde falla el documento */
    int columna[MAX_CIUDADES][MAX_PROV];
    int codigo[MAX_PROV];     /* E_ESTADO: el código que se pidió */
    char alias[MAX_PROV][48]; /* «/c/FICHA» de cada proveedor del servidor (cal_alias) */
    /* Los proveedores de verdad: los de `provs` con un nombre al azar (provs apunta aquí
     * tras clima_preparar()). Un nombre como «roto» o «caido» diría el escenario al programa. */
    prov_t propios[MAX_PROV];
    char nombres[MAX_PROV][8];
    cal_proceso_t *p;
} esc_t;

/* Lo que tiene que dar el proveedor k para la ciudad c (ver prov_t.espera). */
espera_t clima_espera(const esc_t *e, int c, int k);

/* Una «ciudad» con todos los signos ASCII que no son A-Z a-z 0-9 - . _ ~ (cada uno va como
 * %XX en la URL: también los que encodeURIComponent o quote() dejan en crudo) y una Ñ. */
#define CIUDAD_SIGNOS "Villa !\"#$%&'()*+,/:;<=>?@[\\]^`{|} Ñ"

/* Una ciudad larga: el principio del nombre entero de Bangkok, 122 bytes en UTF-8 y 366
 * caracteres como %XX (más que un búfer fijo de 128 o de 256). */
#define CIUDAD_LARGA "กรุงเทพมหานคร อมรรัตนโกสินทร์ มหินทรายุธยา"

/* Signos ASCII que van como %XX pero que el servidor entiende aunque lleguen en crudo (sin
 * «&», «+», «#», «%» ni espacios): para valgrind, que mira la memoria y no la codificación. */
#define CIUDAD_SIGNOS_CRUDOS "Saint-Louis,(l'Est)!*;:@$"

/* Dos ciudades de un solo nombre (cal_esperar_lineas las reconoce por la primera palabra). */
extern const char *const clima_dos_ciudades[2];
/* Ciudades de un solo nombre con todos sus bytes ≥ 0x80 (cada uno, «%XX» en la URL); la
 * última, la más larga. */
#define N_EXTREMAS 5
extern const char *const clima_ciudades_extremas[N_EXTREMAS];

/* Escribe en `d` «&retraso=S.mmm» (y «&solo=CIUDAD» si `solo` no es NULL). Devuelve d. */
const char *clima_con_retraso(char *d, size_t tam, int ms, const char *solo);

/* Un servidor de práctica con un secreto nuevo al azar en su entorno. 0 o -1 (anotado). */
int clima_servidor(cal_servidor_t **s);

/* Escribe `texto` en carpeta/nombre (ruta completa en `ruta`). 0 o -1. */
int clima_escribir(const char *carpeta, const char *nombre, const char *texto, char *ruta,
                   size_t tam);

/* Servidor, sal, archivo de proveedores y referencias. 0 o -1 (anotado). */
int clima_preparar(esc_t *e);

/* Lanza el programa con `opciones` (terminadas en NULL), -f (o, con sin_f, el archivo junto
 * al programa) y las ciudades. 0 o -1. */
int clima_lanzar(esc_t *e, const char *const *opciones, int valgrind, double limite_s);

/* El código de salida es un requisito propio (el 9 del enunciado): lo juzgan errores_http (0)
 * y sin_datos (1), y valgrind y sigint los suyos. Las demás verificaciones pasan CODIGO_LIBRE:
 * basta con que el programa termine por su pie (ni colgado ni muerto por una señal). Así un
 * código equivocado cuesta esas verificaciones y no todas las que juzgan otra cosa (el
 * estudiante de prueba de la sesión 32, bugs 28 y 34: un 1 de más perdía 68 y 72 puntos). */
#define CODIGO_LIBRE (-1)

/* Termina el programa (como mucho max_ms) y comprueba su código (o, con CODIGO_LIBRE, que
 * salió por su pie). 1 o 0 (anotado). */
int clima_fin_con(esc_t *e, int max_ms, int codigo);

/* Compara la salida, línea a línea, con lo que tiene que decir (la forma, solo con
 * forma_estricta). 1 o 0 (anotado). */
int clima_salida_correcta(const esc_t *e);

/* ¿Hay en stdout alguna línea que empiece por una ciudad del escenario (un resultado)? Las
 * demás (una de depuración olvidada) son un fallo de forma: lo juzga salida_basica. */
int clima_hay_linea_de_ciudad(const esc_t *e);

/* Cada (ciudad, proveedor BIEN) tiene en alguna línea de la salida el número que sirvió el
 * servidor, sin mirar el orden ni el promedio. 1 o 0 (anotado). */
int clima_numeros_leidos(const esc_t *e);

/* La forma de la salida (una línea por ciudad y proveedor y una de cierre por ciudad, en el
 * orden que sea), sin juzgar lo que dice cada una: para valgrind, que juzga la memoria (un
 * orden equivocado lo cobra salida_basica; antes costaba también valgrind, el estudiante de
 * prueba de la sesión 45). */
int clima_forma_correcta(const esc_t *e, const char *prefijo);

/* Compara el documento --json con las referencias. 1 o 0 (anotado). */
int clima_json_correcto(const esc_t *e);

/* Peticiones del programa en el registro (sin las del calificador). */
int clima_registro_programa(esc_t *e, const cal_peticion_t **v);

/* Espera, como mucho max_ms, a que haya al menos `n` peticiones del programa. */
int clima_registro_esperar(esc_t *e, int n, int max_ms, const cal_peticion_t **v);

/* Cada (ciudad, proveedor del servidor) tiene su petición en el registro, con la ciudad bien
 * codificada; las BIEN, con 200 y enteras. 1 o 0 (anotado). */
int clima_registro_completo(esc_t *e);
/* Igual, pero basta con que el servidor entienda la ciudad (aunque no vaya bien codificada: eso
 * lo juzga «acentos»). */
int clima_registro_completo_sin_codificar(esc_t *e);

/* ¿Es la petición r la del proveedor k para la ciudad c (con la ciudad bien codificada)? */
int clima_es_de(const esc_t *e, const cal_peticion_t *r, int c, int k);

/* Cuántas peticiones llegan a estar en curso a la vez, como mucho. */
int clima_max_solapadas(const cal_peticion_t *v, int n);

/* El caso normal: preparar, lanzar, esperar el código, la salida y el registro. 1 o 0. */
int clima_escenario(esc_t *e, const char *const *opciones, int codigo, int max_ms);

/* Lanza con `args` (con el servidor `s` y la `carpeta` si no son NULL) y espera un rechazo:
 * código 2, stdout vacía y un stderr no vacío que cite cada texto de `citas` (terminadas en
 * NULL, o NULL) sin contar la ruta ni el nombre del archivo de -f (tapados); una cita de una
 * letra, suelta. `que` describe el caso para el mensaje. Si `mensaje` no es NULL, deja en él
 * ese stderr tapado (para comparar los de dos casos). 1 o 0 (anotado). */
int clima_rechazado(const char *const *args, const char *const *citas, cal_servidor_t *s,
                    const char *carpeta, const char *que, char *mensaje, size_t tam);

#endif
