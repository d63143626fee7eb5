/* red.h — clientes TCP del calificador de la sala de chat: sockets crudos de 127.0.0.1,
 * sin libuv y sin nada del estudiante, con esperas acotadas (poll) para que un servidor que
 * no contesta dé un «obtenido» claro en vez de un cuelgue.
 *
 * Mientras espera, cada función bombea la salida del programa del estudiante
 * (cal_esperar(0)): un servidor que escribe mucho en stderr no se bloquea por nosotros.
 *
 * Memoria: conexion_t la aporta el llamador; su búfer de recepción lo reserva con_abrir()
 * y lo libera con_cerrar() (o con_cortar()). Las líneas se copian en el búfer del llamador.
 * Todo desde un solo hilo.
 */
#ifndef SALA_RED_H
#define SALA_RED_H

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
} conexion_t;

/* Conecta con 127.0.0.1:puerto. `rcvbuf` > 0 fija SO_RCVBUF antes de conectar (un cliente
 * que «no lee» con una ventana pequeña). Devuelve 0 o -errno. */
int con_abrir(conexion_t *c, int puerto, const char *etiqueta, int rcvbuf);

/* Envía todo (espera hasta 5 s a que quepa). Devuelve 0 o -errno (nunca SIGPIPE). */
int con_enviar(conexion_t *c, const void *datos, size_t n);
int con_texto(conexion_t *c, const char *texto);

/* Intenta escribir sin esperar. Devuelve los bytes aceptados (0 si no cabe nada) o -errno. */
long con_enviar_algo(conexion_t *c, const void *datos, size_t n);

/* Lee lo que haya (espera como mucho `ms`). Devuelve los bytes leídos, 0 si no llegó nada,
 * -1 si la conexión terminó (c->fin). */
long con_recibir(conexion_t *c, int ms);

/* Siguiente línea completa (sin el '\n'; un '\r' se deja: comprobarlo es parte de la
 * prueba). Devuelve 1 si la hay (la copia en `linea`, recortada a tam-1, y deja su largo
 * real en *largo), 0 si no llegó en `ms`, -1 si la conexión terminó antes. */
int con_linea(conexion_t *c, int ms, char *linea, size_t tam, size_t *largo);

/* Espera la línea exacta `esperada`. Si no llega (o llega otra), rellena cal_esperado y
 * cal_obtenido explicando qué pasó y devuelve 0. */
int con_esperar(conexion_t *c, const char *esperada, int ms);

/* 1 si en `ms` no llega NINGÚN byte. Si llega algo, lo describe con cal_obtenido, explica
 * con `porque` lo que se esperaba y devuelve 0. */
int con_silencio(conexion_t *c, int ms, const char *porque);

/* Lee y descarta hasta que el servidor cierre. 1 si cerró en `ms`. */
int con_esperar_cierre(conexion_t *c, int ms);

/* Descarta lo recibido hasta ahora (y lo que llegue en `ms`). */
void con_vaciar(conexion_t *c, int ms);

/* Cierra con FIN (cierre normal) / con RST (SO_LINGER 0: un corte brusco). */
void con_cerrar(conexion_t *c);
void con_cortar(conexion_t *c);

/* Texto visible de unos bytes (escapa controles y bytes no UTF-8 como \xNN), recortado a
 * `max` bytes de origen. Devuelve `salida`. */
const char *con_visible(const char *datos, size_t n, size_t max, char *salida, size_t tam);

#endif
