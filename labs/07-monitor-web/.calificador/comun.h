/* comun.h — lo que comparten las verificaciones del monitor (laboratorio 07): lanzar el
 * programa, fechar sus líneas, las rutas opacas y el cotejo con el registro del servidor.
 *
 * Caja negra: el monitor del estudiante corre como proceso aparte (cal_lanzar) contra un
 * servidor de práctica propio de cada verificación. Se juzga por lo que se ve desde fuera:
 *   - el registro del servidor (cuándo empezó y terminó cada petición, en el mismo reloj
 *     monotónico que el calificador): concurrencia, ritmo de los ciclos, duplicados,
 *     peticiones cortadas por el límite de tiempo;
 *   - las líneas de la salida (formato del README): OK, FALLO, ALERTA, RECUPERADO, OMITIDA,
 *     RESUMEN;
 *   - el código de salida tras SIGINT/SIGTERM y el informe de valgrind.
 * Las tolerancias de tiempo son amplias: la máquina puede estar ocupada (2 núcleos, varias
 * verificaciones en paralelo). Los puntos y las pistas están en ../lab.json.
 *
 * Pruebas, no palabras: una línea impresa solo cuenta si el registro del servidor la
 * respalda. Las URLs son rutas opacas (/v/<32 cifras hexadecimales al azar>) cuyo estado y
 * retraso fija el guion de cada verificación, así que no se deducen de su texto. Cada
 * OK/FALLO de una URL con estado e tiene que casar, en orden, con una petición distinta a esa
 * URL registrada con ese estado (un FALLO con estado 0, con una petición cortada) y terminada
 * antes de que el calificador viera la línea (se anota cuándo aparece cada línea); ALERTA,
 * después de tres FALLO respaldados; RECUPERADO, después de un OK respaldado; OMITIDA, con
 * una petición a esa URL en curso; y RESUMEN no cuenta más de lo que el servidor atendió.
 *
 * Cada verificación juzga un requisito (la tabla requisito → verificaciones está en el
 * README del laboratorio): las que no juzgan el ritmo esperan al primer ciclo, llegue cuando
 * llegue, y de las que no juzgan -t solo sin_duplicados lo necesita (sin un -t mayor que -i no
 * hay OMITIDA que ver; si las peticiones se cortan antes, lo dice en una nota). Los mutantes de
 * mutantes/ pierden exactamente las verificaciones de su fila de mutantes.tsv.
 *
 * Lo que no se juzga: truncar los <ms> en vez de redondearlos ((long)(s * 1000) frente a
 * lround). Cambia menos de 1 ms por línea, y el servidor no puede medir el tiempo que ve el
 * cliente con esa precisión (la red local y el planificador ya mueven más de 1 ms); la media
 * de RESUMEN admite a propósito tanto la de los <ms> redondeados como la de los tiempos sin
 * redondear, así que tampoco lo delata. Lo único que lo vería sería comparar dos números que
 * escribe el propio programa, y eso no es una prueba.
 */
#ifndef MONITOR_COMUN_H
#define MONITOR_COMUN_H

#include "calificador/base.h"
#include "calificador/calificador.h"

#include <stddef.h>
#include <stdint.h>

#define MAX_PETICIONES 256

/* Margen para casar una línea con su petición: el servidor anota el final al entregar el
 * último byte (o al ver la conexión cerrada) y el calificador ve la línea al mirar la salida;
 * con la máquina cargada entre una cosa y otra pueden pasar unos cientos de ms. */
#define HOLGURA_MS 500

/* Comportamientos del guion (el cuerpo del objeto de cada ruta). */
#define SIEMPRE(e) "\"despues\": {\"estado\": " #e "}"
#define TARDA(ms)  "\"despues\": {\"estado\": 200, \"retraso_ms\": " #ms "}"
#define FALLA_Y_VUELVE(n)                                                                          \
    "\"pasos\": [{\"estado\": 503, \"veces\": " #n "}], \"despues\": {\"estado\": 200}"

/* Una URL opaca de la verificación: lo que responde y dónde está. Con `larga`, la ruta
 * tiene 134 bytes («/v/» y cuatro tramos de 32 cifras) y la URL completa pasa de 150: una
 * URL de verdad puede ser larga, y un búfer fijo de 64 o 128 bytes la corta. */
typedef struct {
    const char *guion;
    int larga;
    char ruta[160];
    char url[256];
} opaca_t;

/* Qué hay que juzgar además de OK/FALLO. */
enum { ALERTAS = 1, OMITIDAS = 2, RECUPERADOS = 4, TIEMPOS = 8, COMPLETAS = 16 };

/* Con COMPLETAS, cuánto antes del final del programa tuvo que acabar una petición para exigirle
 * su línea (la que acaba justo al parar puede no imprimirse: se cancela). */
#define COMPLETAS_MS 1000

/* URL completa del servidor `s` para `ruta`, en un búfer rotatorio (vale para varias a la vez). */
const char *mon_url(cal_servidor_t *s, const char *ruta);

/* «monitor arg1 arg2 …» en `buf`. */
void mon_unir(const char *const *args, char *buf, size_t tam);

/* Las URL inválidas que «entrada_url_invalida» da detrás de «-i 200 <una buena>»: de otro
 * protocolo, sin «://», sin servidor y con un espacio (también una relativa). Las del servidor
 * `s` van en el búfer rotatorio de mon_url. «valgrind» lanza su camino de error con una de
 * ellas al azar: una orden que solo usara él se reconocería. */
#define MON_URLS_INVALIDAS 7
void mon_urls_invalidas(cal_servidor_t *s, const char *urls[MON_URLS_INVALIDAS]);

/* Lanza el monitor con `args`. NULL si no se pudo (ya anotado). */
cal_proceso_t *mon_lanzar(cal_servidor_t *s, const char *const *args, double limite_s,
                          int valgrind);
/* Igual, con la precarga vivos vigilando la parada (.cierre: cal_parada_cerro_todo). */
cal_proceso_t *mon_lanzar_vigilando_cierre(cal_servidor_t *s, const char *const *args,
                                           double limite_s);

/* Igual que mon_lanzar, sin valgrind y sin CURSO_SERVIDOR en el entorno: una URL que empieza
 * por «/» se completa entonces con la dirección por omisión de practica_url(),
 * MON_URL_OMISION. Solo así se distingue practica_url() de un getenv("CURSO_SERVIDOR") a mano,
 * que con la variable puesta da lo mismo. */
#define MON_URL_OMISION "http://127.0.0.1:8080"
cal_proceso_t *mon_lanzar_sin_variable(const char *const *args, double limite_s);

/* Secuencia compacta de las líneas de `u`: «FALLO FALLO FALLO ALERTA OK RECUPERADO», o
 * «ninguna línea para esa URL». */
const char *mon_traza(const char *salida, const char *u, char *buf, size_t tam);

/* Espera hasta que haya `n` líneas `tipo` de `u` (NULL = cualquiera), o `max_ms` con el reloj
 * de los topes (cal_esperar_lineas: con la máquina cargada se alarga, como el límite del
 * programa). 1 si las hay. Acaba antes si el programa lleva ARRANQUE_MS lanzado sin un solo
 * ciclo: no va a dar los que faltan. Solo antes de pararlo (después, mon_salida se corta en su
 * RESUMEN).
 * Lo que juzga rapidez se mide aparte, con cal_ahora_ms. */
int mon_esperar(cal_proceso_t *p, const char *tipo, const char *u, int n, int max_ms);

/* Deja correr a los programas lanzados `ms` con ese mismo reloj: la ventana en la que se mira
 * qué hacen (cuántos ciclos, cuántas peticiones). Con la máquina cargada se alarga. */
void mon_mirar(int ms);

/* Lo más que se espera al primer ciclo de un programa (con el reloj de los topes): desde el
 * lanzamiento hay que arrancar la caja, cargar las bibliotecas y esperar turno para la CPU.
 * Con una clase calificándose a la vez (make test: dos calificaciones de cuatro verificaciones,
 * y otra suite al lado) la primera petición llegó a los 1166 ms de reloj, y un plazo contado
 * desde el lanzamiento (3.5 s para ver 7 FALLO con -i 150) le quitaba «alerta_tres_fallos» a
 * una solución correcta. Si el primer ciclo tarda, lo juzga «intervalo»; las demás cuentan
 * sus plazos y sus ventanas desde él. */
#define ARRANQUE_MS 5000

/* ¿Hay ya una línea OK o FALLO de `u` (NULL = de cualquiera)? No espera. */
int mon_ciclo_visto(const cal_proceso_t *p, const char *u);

/* Espera al primer ciclo, llegue cuando llegue: la primera línea OK o FALLO de `u` (NULL = de
 * cualquiera), hasta ARRANQUE_MS o hasta que el programa acabe (o antes, si lleva ARRANQUE_MS
 * lanzado sin ningún ciclo de ninguna URL). 1 si llegó. */
int mon_primer_ciclo(cal_proceso_t *p, const char *u);

/* SIGINT y espera al final. Si no para, se mata (y queda como «el calificador lo mató»,
 * que ninguna verificación da por bueno): así el servidor cierra sus conexiones y las
 * apunta en el registro antes de que se coteje una sola línea con él. */
void mon_parar(cal_proceso_t *p, int max_ms);

/* La salida del programa para juzgar sus ciclos: si se paró con mon_parar (o se anotó la
 * parada con mon_anotar_parada), hasta su primer RESUMEN (sin él) de después del SIGINT; si no,
 * entera (cal_salida). Lo que imprime después del resumen (un temporizador que sigue tras
 * cerrar el cliente: «FALLO … 0» sin petición) lo juzga solo sigint, con la salida entera: las
 * demás no pierden por ello sus puntos. No la libera quien llama; vale hasta la siguiente
 * llamada con el mismo `p`. */
const char *mon_salida(const cal_proceso_t *p);

/* Anota que ahora se manda a `p` la señal de parar (lo hace mon_parar; la verificación que
 * para a su manera lo llama justo antes de su cal_senal). */
void mon_anotar_parada(const cal_proceso_t *p);

/* Cuándo le mandó mon_parar el SIGINT a `p` (cal_ahora_ms), o 0 si no se lo mandó. */
uint64_t mon_parada_ms(const cal_proceso_t *p);

/* Arranca el servidor de esta verificación con las rutas opacas `o` (inventa sus rutas y
 * rellena sus URLs). NULL si no pudo (ya anotado). */
cal_servidor_t *mon_servidor_opaco(opaca_t *o, int n);

/* ¿La petición `v` respalda una línea con estado `estado`? (0 = sin respuesta: cortada) */
int mon_casa_estado(const cal_peticion_t *v, int estado);

/* Comprueba con el registro del servidor cada línea de la salida de las URLs `o`: cada
 * OK/FALLO casa, en orden, con una petición distinta a esa URL, con ese estado y terminada
 * antes de verse la línea; con ALERTAS, ALERTA solo tras tres FALLO respaldados seguidos; con
 * RECUPERADOS, RECUPERADO solo tras un OK respaldado; con OMITIDAS, cada OMITIDA con una petición a
 * esa URL en curso; con TIEMPOS, además, cada <ms> creíble y cada línea vista en cuanto
 * ocurre; con COMPLETAS, también al revés: cada petición que el servidor terminó al menos
 * COMPLETAS_MS antes del final del programa tiene su línea (un monitor que pregunta y no dice
 * nada no ha comprobado nada). Devuelve 1, o 0 con la explicación en `informe` (-1: un <ms> que no
 * es un entero o una línea que llegó tarde, un fallo de forma y no de respaldo; o, con COMPLETAS,
 * una petición sin su línea). */
int mon_respaldadas(cal_servidor_t *s, cal_proceso_t *p, const opaca_t *o, int n, int que,
                    char *informe, size_t tam);

/* Si las líneas de `o` no tienen respaldo, lo anota (sustituye a «Obtenido») y devuelve 0. */
int mon_con_pruebas(cal_servidor_t *s, cal_proceso_t *p, const opaca_t *o, int n, int que);

/* Pide los campos de «RESUMEN url comprobaciones=N correctas=C fallos=F …». */
int mon_leer_resumen(const char *salida, const char *u, int *v, int *c, int *f);

/* Un sitio de 127.0.0.1 que no contesta: reserva un puerto efímero y escribe en `url`
 * «http://127.0.0.1:PUERTO`ruta`». Sin `escuchar`, atado y sin escuchar: quien se conecta
 * recibe «conexión rechazada» enseguida. Con `escuchar`, escucha y nadie acepta (salvo quien
 * llame a accept: no bloquea): la conexión queda en la cola, la petición sale y no llega
 * respuesta, hasta que se agota -t. Los dos son un FALLO con estado 0 (la comprobación no tuvo
 * respuesta). Devuelve el descriptor, que cierra quien llama; si no se pudo, -1 y deja el
 * Obtenido de la verificación escrito (un error del calificador, no del programa). */
int mon_sitio_mudo(int escuchar, const char *ruta, char *url, size_t tam);

#endif
