/* registro.h — el registro de peticiones (--registro ARCHIVO): una línea JSON por
 * respuesta, para que calificadores y pruebas vean desde fuera cuándo empezó y terminó cada
 * petición:
 *
 *   {"inicio_ms":123456,"fin_ms":123789,"metodo":"GET","ruta":"/delay/1?x=2",
 *    "estado":200,"bytes":321,"puerto_cliente":54012}
 *
 * inicio_ms: cabecera de la petición completa; fin_ms: último byte de la respuesta entregado
 * al sistema (o cierre de la conexión). Ambos en ms de reloj_ms() (CLOCK_MONOTONIC, igual en
 * todos los procesos). "bytes": bytes de CUERPO enviados (sin cabeceras ni marcos chunked).
 * Si la respuesta no llegó a completarse (el cliente se fue, el servidor se paró) la línea
 * lleva además "abortada":true; si la petición traía la cabecera Range, "rango" con su valor
 * ("bytes=1234-"): así se ve si un cliente pidió continuar aunque la ruta no atienda rangos.
 *
 * Cuándo llega al archivo: las líneas se acumulan y se escriben juntas en registro_volcar(),
 * que el dueño del bucle llama antes y después de cada espera de E/S (servidor.c): así, en
 * cuanto el servidor se queda esperando, todo lo anotado está ya en el archivo, y con carga
 * una sola escritura cubre muchas respuestas. También se vuelca al pasar de un tamaño y al
 * cerrar: una parada limpia (SIGINT, SIGTERM) no pierde ninguna línea, tampoco las
 * "abortada" que se anotan al cerrar las conexiones.
 *
 * Memoria: registro_t es del llamador desde registro_abrir() hasta registro_cerrar().
 * Las cadenas de registro_linea_t son prestadas durante la llamada.
 */
#ifndef SERVIDOR_REGISTRO_H
#define SERVIDOR_REGISTRO_H

#include <stddef.h>
#include <stdint.h>

typedef struct registro_s registro_t;

typedef struct {
    uint64_t inicio_ms, fin_ms;
    const char *metodo;
    const char *ruta; /* ruta tal como llegó, con la consulta */
    int estado;
    uint64_t bytes;
    int puerto_cliente;
    int abortada;
    const char *rango; /* la cabecera Range de la petición, o NULL si no la traía */
} registro_linea_t;

/* Crea (o vacía) el archivo. Devuelve 0 y deja el registro en *r, o -errno. */
int registro_abrir(const char *ruta, registro_t **r);

/* Anota una línea (en el búfer; ver arriba cuándo llega al archivo). Los errores de
 * escritura y de memoria se ignoran: el servicio sigue. NULL no hace nada. */
void registro_anotar(registro_t *r, const registro_linea_t *linea);

/* Escribe en el archivo lo anotado. NULL o nada anotado: no hace nada (ni llama al sistema). */
void registro_volcar(registro_t *r);

/* Vuelca lo que quede, cierra el archivo y libera el registro. NULL no hace nada. */
void registro_cerrar(registro_t *r);

#endif
