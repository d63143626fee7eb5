/* tcp_prueba.h — el cliente TCP crudo de quien prueba un servidor: 127.0.0.1, sin libuv,
 * sin nada del estudiante, socket no bloqueante y toda espera acotada (poll), para que un
 * servidor que no contesta dé un diagnóstico claro en vez de un cuelgue. Desde un solo hilo.
 *
 * Lo usan los calificadores de los laboratorios (calificador/base.h lo incluye), las pruebas
 * del servidor de práctica (common/tests) y las de la caja de arena (autograder/pruebas/caja).
 * Vive en libcurso y no en el calificador para que las pruebas de common no enlacen este.
 *
 * Memoria: el tcp_t lo aporta el llamador; su búfer de recepción lo reserva tcp_abrir() y lo
 * liberan tcp_cerrar() o tcp_cortar() (también si tcp_abrir() falla). Las líneas se copian
 * en el búfer del llamador. Errores: 0 o -errno, salvo donde se diga.
 */
#ifndef CURSO_TCP_PRUEBA_H
#define CURSO_TCP_PRUEBA_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int fd;            /* -1 si está cerrada */
    char etiqueta[48]; /* cómo se llama en los mensajes («ana», «cliente 3») */
    char *buf;         /* bytes recibidos; los de [inicio, usados) aún no se han leído */
    size_t inicio;
    size_t usados;
    size_t capacidad;
    int fin;            /* el servidor cerró (EOF) o cortó (ECONNRESET) */
    int error;          /* errno del corte, 0 si fue un EOF limpio */
    uint64_t recibidos; /* bytes recibidos en total */
    uint64_t enviados;  /* bytes enviados en total */
    int registro;       /* 1 + su casilla en tcp_conexiones(), o 0 */
} tcp_t;
/* Lo de cada conexión que abrió este proceso (una verificación de Criterion corre en su propio
 * proceso), por su puerto local en 127.0.0.1, también después de cerrada: lo compara
 * lib/vivos.c, cliente a cliente, con las cuentas de la precarga (.trafico). Si el sistema da
 * otra vez un puerto ya usado, la casilla es la misma y las cuentas se suman (las de la
 * precarga también, que van por el mismo puerto). */
typedef struct {
    int puerto;
    int puerto_servidor; /* el del servidor al otro lado (el último, si el puerto se repitió) */
    char etiqueta[48];
    int fd;             /* -1 una vez cerrada */
    int fin;            /* el servidor cerró o cortó antes que nosotros */
    int cortada;        /* la cortamos con RST (tcp_cortar, o cerrada con bytes sin leer) */
    uint64_t enviados;  /* bytes que el núcleo tomó de send() */
    uint64_t recibidos; /* bytes que dio recv() */
} tcp_conexion_t;
/* Las conexiones de este proceso (`*n` casillas) y, en `*completas`, 0 si alguna no cupo. La
 * tabla es de tcp_prueba.c: no se libera ni se cambia. */
const tcp_conexion_t *tcp_conexiones(size_t *n, int *completas);
/* Lee y tira lo que llegue a las conexiones de la tabla aún abiertas (sumándolo a sus
 * `recibidos`; un fin las marca) hasta que pasen `quieto_ms` sin que llegue nada (1) o
 * `max_ms` en total (0). Para cuando la verificación ya acabó: lo leído no pasa por los tcp_t. */
int tcp_conexiones_vaciar(int quieto_ms, int max_ms);
/* Los bytes que el núcleo recibió del cliente de `puerto_cliente` (127.0.0.1) y el servidor de
 * `puerto_servidor` aún no ha leído: la cola de recepción (rx_queue) de su socket en
 * /proc/net/tcp y tcp6, vista desde fuera del servidor. -1 si no está (ya cerrado). Los dos
 * puertos, porque el núcleo puede dar el mismo puerto local a conexiones hacia servidores
 * distintos: en el calificador cada verificación tiene su propia red (base/aislamiento.c) y
 * solo ve sus conexiones, pero sin red propia (una caja sin espacios de nombres) la tabla es
 * la de toda la máquina. */
long long tcp_sin_leer_en_el_servidor(int puerto_servidor, int puerto_cliente);
/* El puerto local de la conexión `c` en 127.0.0.1 (el que tcp_sin_leer_en_el_servidor
 * reconoce), o -errno. */
int tcp_puerto_local(const tcp_t *c);
/* `funcion` (o NULL) se llama en cada vuelta de las esperas, a trozos de ≤ 20 ms:
 * libcalificador la pone en cal_inicio() para leer la salida del programa mientras tanto
 * (un servidor que escribe mucho en stderr no se bloquea por nosotros). */
void tcp_al_esperar(void (*funcion)(void));
/* Conecta con 127.0.0.1:puerto. `rcvbuf` > 0 fija SO_RCVBUF antes de conectar (un cliente
 * que «no lee» con una ventana pequeña). TCP_NODELAY. */
int tcp_abrir(tcp_t *c, int puerto, const char *etiqueta, int rcvbuf);
/* Como tcp_abrir, y además `mss` > 0 fija TCP_MAXSEG antes de conectar: el servidor trocea
 * lo que manda a este cliente en segmentos de ese tamaño. Para un cliente que no lee y cuya
 * cola en el núcleo tiene que llenarse pronto: en loopback (MTU 64 KiB) el núcleo del
 * servidor amplía su búfer de envío según el tamaño de segmento y, aunque el cliente tenga
 * SO_RCVBUF mínimo, acepta ~1.7 MiB antes de que un uv_write se quede en la cola de libuv;
 * con mss 536, ~40 KiB (medido en Linux 6.x, tcp_wmem de serie). */
int tcp_abrir_mss(tcp_t *c, int puerto, const char *etiqueta, int rcvbuf, int mss);
/* Envía todo (espera hasta 5 s a que quepa; si no, -ETIMEDOUT). Nunca SIGPIPE. */
int tcp_enviar(tcp_t *c, const void *datos, size_t n);
int tcp_texto(tcp_t *c, const char *texto);
/* Intenta escribir sin esperar. Los bytes aceptados (0 si no cabe nada) o -errno. */
long tcp_enviar_algo(tcp_t *c, const void *datos, size_t n);
/* Lee lo que haya (espera como mucho `ms`). Los bytes leídos, 0 si no llegó nada, -1 si la
 * conexión terminó (c->fin). */
long tcp_recibir(tcp_t *c, int ms);
/* Bytes recibidos y aún sin leer (empiezan en c->buf + c->inicio). */
size_t tcp_pendientes(const tcp_t *c);
/* Siguiente línea completa (sin el '\n'; un '\r' se deja: comprobarlo es cosa de quien
 * llama). 1 si la hay (la copia en `linea`, recortada a tam-1, y deja su largo real en
 * *largo), 0 si no llegó en `ms`, -1 si la conexión terminó antes. */
int tcp_linea(tcp_t *c, int ms, char *linea, size_t tam, size_t *largo);
/* Lee `n` bytes (destino NULL: los descarta) esperando como mucho `ms` a cada trozo. Los
 * leídos: menos de `n` si venció una espera o la conexión terminó. */
size_t tcp_leer(tcp_t *c, int ms, void *destino, size_t n);
/* Espera la línea exacta `esperada`: 1 si llega. Si no (o llega otra), 0 y en `obtenido`
 * qué pasó («recibió «…»», «no recibió nada en N ms», «el servidor cerró…»). */
int tcp_esperar(tcp_t *c, const char *esperada, int ms, char *obtenido, size_t tam);
/* 1 si en `ms` no llega NINGÚN byte; si llega algo, 0 y en `obtenido` «ETIQUETA recibió
 * «…»». */
int tcp_silencio(tcp_t *c, int ms, char *obtenido, size_t tam);
/* Lee y descarta hasta que el servidor cierre. 1 si cerró en `ms`. */
int tcp_esperar_cierre(tcp_t *c, int ms);
/* Descarta lo recibido hasta ahora (y lo que llegue en `ms`). */
void tcp_vaciar(tcp_t *c, int ms);
/* Cierra solo el lado de escritura (shutdown SHUT_WR: el servidor lee EOF) y sigue
 * recibiendo: así se ve si el servidor, tras el EOF, cierra el suyo (tcp_esperar_cierre). */
int tcp_medio_cerrar(tcp_t *c);
/* Cierra con FIN (cierre normal) / con RST (SO_LINGER 0: un corte brusco). */
void tcp_cerrar(tcp_t *c);
void tcp_cortar(tcp_t *c);
/* Texto visible de unos bytes (escapa controles como \r, \t, \xNN), recortado a `max`
 * bytes de origen. Devuelve `salida`. */
const char *tcp_visible(const char *datos, size_t n, size_t max, char *salida, size_t tam);

#endif
