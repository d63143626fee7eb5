/* comun.h — lo que comparten las verificaciones del contador de palabras (laboratorio 08): la
 * cuenta de referencia, los archivos y FIFOs de cada verificación, lanzar el programa y fechar
 * sus líneas, y leer su salida.
 *
 *
 * Caja negra: el contador del estudiante corre como proceso aparte (cal_lanzar), dentro de
 * la caja, sobre archivos que este calificador escribe en una carpeta de la verificación
 * (cal_carpeta, visible en la caja en la misma ruta). Se juzga lo que se ve desde fuera:
 *   - las cuentas: cada «<palabras> <ruta>» se compara con una cuenta de referencia hecha
 *     aquí, con código propio (contar_referencia: la semántica de bytes.split() de Python,
 *     sobre el archivo entero y no por trozos), sobre archivos hechos para cazar fallos
 *     reales: palabras cortadas por la frontera de 64 KiB, sin salto final, solo espacios,
 *     vacío, CRLF, NUL y bytes ≥ 0x80, una palabra de más de 1 MiB, miles de archivos;
 *   - FIFOs dadas como archivos: el calificador escribe en ellas a su ritmo, así que decide
 *     cuándo termina cada una, ve por /proc cuántas tiene abiertas el programa a la vez
 *     (cal_abiertos: el tope de -j) y comprueba que el progreso nunca dice haber leído más
 *     de lo que se le ha dado;
 *   - cuándo aparece cada línea (se anota al leerla): la espera de -e va a la vez y el
 *     progreso llega cada 200 ms mientras una FIFO tarda en llenarse (el bucle no se
 *     bloquea);
 *   - la memoria máxima (VmHWM) con un archivo de 200 MB, el código de salida, SIGINT y
 *     valgrind.
 * Las tolerancias de tiempo son amplias: la máquina puede estar ocupada. Los puntos y las
 * pistas están en ../lab.json; la tabla requisito → verificación, en ../README.md. Los
 * mutantes de mutantes/ pierden exactamente las verificaciones de su fila de
 * mutantes.tsv.
 *
 * Memoria: lo que devuelven las ayudas es prestado hasta cal_fin (CAL_FIN).
 *
 * El tamaño exacto de cada trozo (64 000 bytes en vez de 64 KiB) no cambia ninguna cuenta, ni
 * la memoria medible, ni los tiempos; con una FIFO tampoco (read devuelve lo que haya, sea
 * cual sea el tamaño pedido). Solo se ve en lo que pide cada read/pread64/preadv del grupo
 * de hilos, en las trazas de strace del ejecutor, así que no lo juzga ninguna verificación
 * de aquí: lo juzga el ejecutor con la regla de «reglas_traza» de lab.json
 * (runner/conducta.c). Cada lectura de un archivo regular que escribió una verificación
 * (las FIFOs, stdin, el eventfd de libuv y lo que lee el sistema no cuentan) pide 65 536
 * bytes; si no, pierde «memoria», con lo visto («se vio read(…, 64000) sobre un archivo de
 * la entrada…»). Sin strace, el detalle de «memoria» dice que no se pudo juzgar y por qué.
 * Mutante: trozo_64000.
 */
#ifndef CONTADOR_COMUN_H
#define CONTADOR_COMUN_H

#include "calificador/base.h"
#include "calificador/calificador.h"

#include <stddef.h>
#include <stdint.h>

#define MAX_ARCHIVOS 2200
#define TROZO        (64 * 1024)

typedef struct {
    char ruta[1200];
    uint64_t palabras;
    uint64_t bytes; /* lo que escribió el calificador (0 en una FIFO) */
    int fd;         /* FIFO: el extremo de escritura del calificador (-1 si cerrado o no es FIFO) */
    int es_fifo;
} esperado_t;

/* El programa lanzado en esta verificación y cuándo (cal_ahora_ms, al volver cal_lanzar): el
 * origen de los instantes de sus líneas (cal_linea_vista_ms). */
typedef struct {
    cal_proceso_t *p;
    uint64_t lanzado;
} seguimiento_t;
extern seguimiento_t cont_seg;

/* Añade «texto» a un informe de fallos acotado. */
void cont_anadir(char *buf, size_t tam, const char *formato, ...)
    __attribute__((format(printf, 3, 4)));

/* Espacio ASCII como en bytes.split(): espacio, \t, \n, \v, \f y \r. Nada más. */
int cont_espacio(unsigned char b);

/* Palabras de `n` bytes según bytes.split(): rachas máximas de bytes que no son espacio. */
uint64_t cont_contar_referencia(const unsigned char *p, size_t n);

uint64_t cont_azar(void);

/* Escribe `n` bytes en carpeta/nombre (modo 0644) y anota su ruta y su cuenta. 0 o -errno. */
int cont_escribir(const char *carpeta, const char *nombre, const void *datos, size_t n,
                  esperado_t *e);

/* Un texto (o `n` bytes) que el programa tiene que contar: se escribe con sus palabras
 * multiplicadas por un factor al azar de la verificación y un relleno de espacios (ver
 * comun.c: una cuenta fija se adivinaría leyendo el calificador). 0 o -errno. */
int cont_escribir_texto(const char *carpeta, const char *nombre, const char *texto, esperado_t *e);
int cont_escribir_datos(const char *carpeta, const char *nombre, const void *datos, size_t n,
                        esperado_t *e);

/* Como cont_escribir_texto, sin el bloque de espacios delante: el archivo empieza por la primera
 * palabra de `texto` (y, si `texto` no acaba en espacio, acaba dentro de una palabra). */
int cont_escribir_pegado(const char *carpeta, const char *nombre, const char *texto, esperado_t *e);

/* Crea la FIFO carpeta/nombre y abre su extremo de escritura (el programa que la abra para
 * leer espera datos hasta que se escriba o se cierre). 0 o -errno. */
int cont_fifo(const char *carpeta, const char *nombre, esperado_t *e);

/* Da `texto` a la FIFO (suma sus palabras a lo esperado si `cuenta`; el texto no debe
 * cortar una palabra con lo ya escrito, salvo que se sume a mano). */
int cont_fifo_dar(esperado_t *e, const char *texto, int cuenta);
/* Con `cuenta`, el texto se multiplica como en escribir_texto; sin ella va tal cual (trozos que
 * cortan palabras, sumadas a mano). fifo_dar_bytes: `n` bytes tal cual (ya al azar). */
int cont_fifo_dar_bytes(esperado_t *e, const void *datos, size_t n, int cuenta);

/* Cierra el extremo del calificador: el programa ve fin de archivo. Antes espera (como mucho
 * `max_ms`) a que el programa `p` tenga la FIFO abierta: si se cerrara antes, el programa
 * que la abriera después se quedaría esperando a un escritor que ya no va a llegar (abrir
 * una FIFO para leer espera a que alguien la tenga abierta para escribir). */
void cont_fifo_cerrar(cal_proceso_t *p, esperado_t *e, int max_ms);

/* Carpeta de la verificación (visible en la caja). 0, o -1 ya anotado. */
int cont_carpeta(const char *nombre, char *ruta, size_t tam);

int cont_fallo_preparar(int r);

/* «contador arg1 arg2 …» en `buf`, abreviando las rutas largas de la carpeta temporal. */
void cont_unir(const char *const *args, char *buf, size_t tam);

/* Lanza el contador con `args`, viendo la carpeta `dir`. NULL si no se pudo (ya anotado). */
cal_proceso_t *cont_lanzar(const char *const *args, const char *dir, double limite_s, int valgrind);

/* Línea `i` de `texto` (sin '\n') en `buf`. Devuelve 1 si existe. */
int cont_linea(const char *texto, int i, char *buf, size_t tam);

/* ¿Es «<número> <ruta>»? Deja el número y la ruta. */
int cont_linea_cuenta(const char *l, uint64_t *n, const char **ruta);

/* Cuántas líneas de cuenta («<número> <ruta>») hay en stdout. */
int cont_lineas_de_cuenta(const char *out);

/* Espera como mucho `max_ms` a que haya `n` líneas de cuenta. 1 si las hay. */
int cont_esperar_cuentas(cal_proceso_t *p, int n, int max_ms);

/* Compara las líneas de cuenta con lo esperado: cada archivo exactamente una vez, con su
 * número; ninguna línea de cuenta de otra ruta. 1 si todo cuadra; si no, en `motivo` las
 * primeras diferencias. */
int cont_cuentas_bien(const char *out, const esperado_t *e, int n, char *motivo, size_t tam);

/* Busca la línea cuya primera palabra es `prefijo` y la copia en `buf`. 1 si está. */
int cont_buscar(const char *out, const char *prefijo, char *buf, size_t tam);

/* Comprueba TOTAL/MEDIA/MAYOR contra `e` (los `n` archivos leídos; `mayor` el índice que
 * debe salir, -1 si ninguno). */
int cont_resumen_bien(const char *out, const esperado_t *e, int n, int mayor, char *motivo,
                      size_t tam);

/* Juicio habitual del final: terminó con `codigo`, cuentas exactas. */
int cont_final_bien(cal_proceso_t *p, int codigo, const esperado_t *e, int n, char *motivo,
                    size_t tam);

/* La verificación entera cuando solo juzga el final: espera a que termine (como mucho
 * `espera_ms`), cont_final_bien con código 0, lo obtenido, y si falla las últimas `lineas`
 * de su salida. 1 si está bien. */
int cont_juzgar_final(cal_proceso_t *p, const esperado_t *e, int n, int espera_ms, int lineas);

#endif
