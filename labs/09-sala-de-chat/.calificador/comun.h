/* comun.h — lo que comparten las verificaciones de la sala de chat: arrancar el servidor
 * del estudiante en un puerto efímero y meter clientes en la sala comprobando el protocolo
 * del enunciado por el camino.
 *
 * Cada función que falla deja ya escrito cal_esperado/cal_obtenido (y notas con la salida
 * del servidor si murió): la verificación solo tiene que hacer CAL_FIN(0).
 *
 * Los clientes son los tcp_* de la capa de abajo (calificador/base.h): mientras esperan,
 * leen la salida del programa del estudiante.
 *
 * Memoria: sesion_t la aporta la verificación; el proceso lo libera cal_fin() (CAL_FIN).
 * Las conexiones las cierra quien las abrió (tcp_cerrar) o cal_fin al salir del proceso.
 *
 * Lo que parecía no juzgable y sí se juzga:
 * - El temporizador de la parada, el handle de vaciado o los de las señales sin cerrar
 *   (senales_cerrar olvidado): bucle_cerrar (libcurso) los cierra como red de seguridad, con
 *   las mismas llamadas al sistema (un temporizador no hace ninguna), sin fugas y con código
 *   0; su aviso va a stderr, que escribe el programa (y bucle_cerrar(…, 0) lo calla). Lo ve
 *   la precarga vivos: la primera vez que uv_run vuelve sin nada vivo apunta lo que sigue
 *   abierto y sin uv_close (cal_sin_cerrar), y `senales` lo juzga. Mutante: cierra_la_red.
 * - La fuga de una escritura que falla o se cancela
 * (al_escribir que sale sin liberar). Solo se ve bajo valgrind y con escrituras aún en la
 * cola de libuv cuando el cliente se va; lo hace la verificación `valgrind`. Expulsar a
 * alguien pediría más de 1 MiB de riada bajo valgrind; en su lugar carla entra con
 * SO_RCVBUF mínimo y MSS de 536 bytes (tcp_abrir_mss: así el núcleo del servidor solo le
 * acepta unos 40 KiB; con el MSS de loopback, ~1,6 MiB), no lee, ana manda 256 líneas de
 * 1000 bytes (~200 KiB se quedan en su cola, lejos del MiB del enunciado: un servidor
 * correcto no la expulsa) y carla corta con RST: el servidor lee el RST antes de volver a
 * escribirle (libuv atiende la lectura primero), así que lo encolado acaba con UV_ECANCELED.
 * Mutante: escritura_fuga_error. Una escritura que FALLA (ECONNRESET) pide que el servidor
 * escriba a la conexión muerta antes de leer su corte: eva corta mientras el servidor está
 * parado (SIGSTOP) y ana le deja 100 KiB en camino, como en corte_brusco
 * (escrituras_que_fallan en memoria.c). Mutante: escritura_fuga_fallo.
 * - Que la salida de quien corta con RST llegue a la sala lo juzga corte_brusco: valgrind la
 *   consume si llega, pero no la exige (antes, sin_aviso_reset perdía también valgrind).
 */
#ifndef SALA_COMUN_H
#define SALA_COMUN_H

#include "calificador/calificador.h"
#include "calificador/base.h"

#define PREGUNTA      "* ¿Cómo te llamas?"
#define AVISO_APAGADO "* El servidor se va a cerrar. ¡Hasta pronto!"

/* Cuánto se espera una línea (ms). Generoso: la máquina puede estar compilando. */
#define ESPERA 3000

typedef struct {
    cal_proceso_t *p;
    int puerto;
    int espera; /* ms por línea esperada (más con valgrind) */
} sesion_t;

/* Lanza el programa con «--puerto 0» y lee el puerto de su primera línea de stdout. */
int chat_arrancar(sesion_t *s, int valgrind, double limite_s);
/* Igual (sin valgrind), y con la precarga que apunta qué handles siguen abiertos cuando
 * uv_run acaba (cal_lanzamiento_t.cierre): para cal_sin_cerrar al final de la parada. */
int chat_arrancar_vigilando_cierre(sesion_t *s, double limite_s);
/* Igual (sin valgrind), con la memoria que el servidor libera rellenada en el acto (glibc,
 * GLIBC_TUNABLES): lo que lea o mande de memoria ya liberada sale como basura, siempre. */
int chat_arrancar_perturbando(sesion_t *s, double limite_s);

/* 1 si el servidor sigue vivo; si no, lo explica (cómo terminó y su salida) y devuelve 0. */
int chat_sigue_vivo(sesion_t *s);

/* Conecta como `etiqueta` (con SO_RCVBUF y TCP_MAXSEG: 0, los de siempre; tcp_abrir_mss en
 * calificador/base.h), sin esperar nada. Si no puede, lo deja explicado. */
int chat_abrir(sesion_t *s, tcp_t *c, const char *etiqueta, int rcvbuf, int mss);

/* Igual, y espera la pregunta del nombre. Si no llega, lo deja explicado. */
int chat_conectar(sesion_t *s, tcp_t *c, const char *etiqueta, int rcvbuf, int mss);

/* Conecta, espera la pregunta, manda el nombre y espera la bienvenida exacta. */
int chat_entrar(sesion_t *s, tcp_t *c, const char *nombre);
/* Igual, con SO_RCVBUF y TCP_MAXSEG (0: los de siempre): un cliente que no va a leer
 * (tcp_abrir_mss en calificador/base.h). */
int chat_entrar_con(sesion_t *s, tcp_t *c, const char *nombre, int rcvbuf, int mss);

/* Espera la bienvenida exacta de `nombre` («* Hola, NOMBRE. Órdenes: /list, /quit»), tras
 * mandar el nombre quien llama. Su propio aviso de entrada, si llega antes o justo detrás, no
 * se queda en el flujo (chat_aviso_propio). 1 si llegó; si no, 0 y lo deja explicado. */
int chat_espera_bienvenida(sesion_t *s, tcp_t *c, const char *nombre);

/* Quien recibe su propio aviso de entrada al entrar (chat_entrar*, chat_espera_bienvenida) no
 * lo ve en su flujo: se apunta aquí y solo lo juzga `bienvenida`. El nombre del primero que lo
 * recibió y, en `*veces`, cuántas veces pasó en esta verificación; NULL si ninguna. */
const char *chat_aviso_propio(int *veces);

/* Si lo siguiente que `c` tiene recibido es el aviso de entrada de `nombre`, lo consume y lo
 * apunta (chat_aviso_propio); si no, no toca nada. Espera como mucho `ms` al primer byte (con
 * 0, mira solo lo que ya llegó). Para quien entra sin chat_espera_bienvenida. */
void chat_saltar_aviso_propio(tcp_t *c, const char *nombre, int ms);

/* Mete a n clientes en orden; cada uno que ya estaba debe recibir el aviso de entrada de
 * los siguientes (se comprueba y se consume, para que los flujos queden al día). */
int chat_llenar_sala(sesion_t *s, tcp_t *c, const char *const *nombres, int n);

/* Espera «* NOMBRE ha entrado en la sala» / «* NOMBRE ha salido de la sala» en c. */
int chat_aviso_entrada(sesion_t *s, tcp_t *c, const char *nombre);
int chat_aviso_salida(sesion_t *s, tcp_t *c, const char *nombre);

/* Espera la línea exacta (con la espera de la sesión) y, si falla, añade si el servidor
 * sigue vivo. */
int chat_espera_linea(sesion_t *s, tcp_t *c, const char *esperada);

/* 1 si en `ms` no llega NINGÚN byte a c. Si llega algo, explica con `porque` lo que se
 * esperaba, dice lo que llegó y devuelve 0. */
int chat_espera_silencio(tcp_t *c, int ms, const char *porque);

/* Espera una línea que empiece por `prefijo`; la copia en `linea` si la hay. */
int chat_espera_prefijo(sesion_t *s, tcp_t *c, const char *prefijo, const char *que, char *linea,
                        size_t tam);

/* La riada: un emisor inunda la sala con líneas de LINEA_INUNDACION bytes («xxx…x\n» o
 * «yyy…y\n») que a los demás llegan como «emisor: …» (LINEA_DIFUNDIDA bytes con el '\n').
 * Con ella se llenan las colas de quien no lee: lo que el núcleo acepta no se sabe (varios
 * MiB en loopback), así que se mide por diferencias con «lento», al que el servidor expulsa
 * cuando SU cola pasa de 1 MiB. */
#define LINEA_INUNDACION 1000
#define LINEA_DIFUNDIDA  (LINEA_INUNDACION + 8)
/* Como mucho tantos bytes por envío en la riada de cliente_lento (un bloque de 64 líneas
 * menos un byte): un envío de los grandes acaba a media línea, sin su '\n', que llega en el
 * siguiente. Un servidor que va al día lee envío a envío, así que juntar lo partido entre
 * lecturas se juzga siempre; con envíos de bloques enteros, dependía de si el servidor se
 * retrasaba (el mutante pierde_parcial pasaba o no cliente_lento según la carga de la
 * máquina). La riada de chat_inundar sigue con bloques enteros: con estos envíos, el mutante
 * limite_cola_64k dejaba de perder quit y apagado_lento (sin causa encontrada aún). */
#define TROZO_DESALINEADO (64 * LINEA_INUNDACION - 1)
#define MAX_INUNDACION    (64u << 20)
/* El emisor no se adelanta al lector más de esto: así el lector nunca es «lento». */
#define RIADA_ADELANTO (128u << 10)
/* Quien entra tras RIADA_DESFASE bytes de riada tiene, cuando expulsan a «lento», unos
 * 512 KiB en cola: lo que el núcleo aceptó es igual para todos. */
#define RIADA_DESFASE (512u << 10)
/* La memoria residente máxima (VmHWM) que se tolera a un servidor con una línea sin fin
 * (linea_larga) o con un cliente que no lee (cliente_lento): la solución no pasa de unos
 * pocos MiB. */
#define MEMORIA_MAXIMA_MIB 16
/* La memoria residente máxima (VmHWM) del servidor hasta ahora, en KiB. 0 si no se pudo medir:
 * entonces ya lo dijo en el informe (sin esa medida no hay aprobado) y quien llama acaba la
 * verificación sin dar puntos. */
uint64_t chat_memoria_pico(sesion_t *s);

/* «lento» (SO_RCVBUF de 4 KiB) entra en la sala y después los dos de `nombres`. */
int chat_sala_con_lento(sesion_t *s, tcp_t *lento, tcp_t *c, const char *const *nombres);

/* Inunda la sala hasta que el lector haya recibido `hasta` bytes (0: sin tope) o vea
 * «* lento ha salido …». Devuelve 1, 2 (expulsado) o 0 (ya explicado). */
int chat_inundar(sesion_t *s, tcp_t *lector, tcp_t *emisor, uint64_t hasta, uint64_t *enviados);

/* 1 si `linea` es una línea de la riada («emisor: » y LINEA_INUNDACION − 1 veces `letra`) o
 * un aviso de la sala. */
int chat_linea_de_la_riada(const char *linea, size_t largo, char letra);

#endif
