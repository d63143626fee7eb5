/* bd.h — una conexión asíncrona con PostgreSQL sobre libuv (la API no bloqueante de libpq).
 *
 * Es la pieza de abajo del asyncpg del curso de Python: UNA conexión, que conecta sin bloquear
 * el bucle y ejecuta UNA sentencia parametrizada a la vez. Una conexión de PostgreSQL es una
 * conversación: mientras una consulta está en curso no se puede empezar otra (bd_consultar()
 * devuelve UV_EBUSY). Para hacer varias cosas a la vez hacen falta varias conexiones; repartirlas
 * (un «pool») es cosa de quien usa este módulo.
 *
 *   bd_conexion_t *c;
 *   bd_conectar(bucle, &c, "host=127.0.0.1 port=5432 dbname=curso", "miprograma", al_conectar,
 * NULL);
 *   ...
 *   static void al_conectar(bd_conexion_t *c, int estado, void *datos)
 *   {
 *       if (estado < 0) { fprintf(stderr, "%s\n", bd_error(c)); bd_cerrar(c, NULL, NULL); return; }
 *       const char *valores[] = {"Ana"};
 *       bd_consultar(c, "SELECT count(*) FROM t WHERE nombre = $1", 1, valores, al_contar, NULL);
 *   }
 *   static void al_contar(bd_conexion_t *c, int estado, PGresult *res, void *datos)
 *   {
 *       if (estado == 0) printf("%s\n", PQgetvalue(res, 0, 0));
 *       PQclear(res);                  // el resultado es de la callback
 *       bd_cerrar(c, NULL, NULL);
 *   }
 *
 * Modelo (el de libuv): una función que falla devuelve un código negativo y NUNCA llama a su
 * callback; si devuelve 0, la callback se llama exactamente una vez, siempre desde el bucle
 * (nunca dentro de la propia llamada).
 *
 * Memoria:
 *   - bd_conexion_t: la crea bd_conectar() y se libera sola después de bd_cerrar(), cuando se
 *     cierra su último handle (entonces llama a `al_cerrar`). Hay que cerrarla siempre, también
 *     si la conexión falló. No se usa después de bd_cerrar().
 *   - PGresult: el que recibe la callback de bd_consultar() es PROPIEDAD DE LA CALLBACK, que
 *     debe liberarlo con PQclear() (puede ser NULL; PQclear(NULL) no hace nada). Con un error de
 *     SQL llega el resultado de error, para leer sus campos (PQresultErrorField).
 *   - La cadena de conexión, la sentencia y los valores se copian o se envían antes de retornar:
 *     el llamador puede liberarlos en cuanto bd_conectar()/bd_consultar() retornan.
 *   - bd_error(): la cadena es de la conexión y vale hasta su siguiente operación o su cierre.
 *
 * Hilos: todo desde el hilo del bucle. bd_cancelar() envía la cancelación desde el grupo de
 * hilos de libuv (uv_queue_work): no bloquea el bucle, pero ocupa un hilo un momento.
 */
#ifndef CURSO_BD_H
#define CURSO_BD_H

#include <libpq-fe.h>
#include <stddef.h>
#include <uv.h>

/* Códigos propios (negativos, fuera del rango de libuv y de los de http.h). Las funciones
 * devuelven también errores de libuv: UV_EINVAL (cadena de conexión que no se entiende,
 * argumentos), UV_EBUSY (ya hay una consulta en curso), UV_ENOTCONN (no conectada o rota),
 * UV_ECANCELED (consulta cancelada o conexión cerrada antes de terminar), UV_ENOMEM. */
enum {
    BD_E_CONEXION = -30101, /* no se pudo conectar, o la conexión se perdió (servidor caído) */
    BD_E_SQL = -30102       /* el servidor rechazó la sentencia (error de SQL) */
};

typedef struct bd_conexion_s bd_conexion_t;

/* estado: 0 si ya se puede consultar; si no, BD_E_CONEXION (o UV_ECANCELED si se cerró antes)
 * y bd_error(c) dice por qué. En ambos casos hay que llamar a bd_cerrar(c) al final. */
typedef void (*bd_conectado_cb)(bd_conexion_t *c, int estado, void *datos);
/* estado: 0 si la sentencia terminó bien (res: PGRES_TUPLES_OK o PGRES_COMMAND_OK);
 * BD_E_SQL si el servidor la rechazó (res: el resultado de error); UV_ECANCELED si se canceló
 * (bd_cancelar o bd_cerrar); BD_E_CONEXION si se perdió la conexión (res NULL). res es de la
 * callback: PQclear(res) siempre. Desde la callback se puede consultar otra vez o cerrar. */
typedef void (*bd_resultado_cb)(bd_conexion_t *c, int estado, PGresult *res, void *datos);
typedef void (*bd_cerrado_cb)(bd_conexion_t *c, void *datos);

/* Empieza a conectar. `conexion` es una cadena de libpq («host=… port=… dbname=…» o una URI
 * postgresql://…); `aplicacion` (o NULL) es el application_name que verá pg_stat_activity.
 * Devuelve 0 y deja la conexión en *c (al_conectar llegará después), o un código negativo sin
 * crear nada: UV_EINVAL si la cadena no se entiende (bd_comprobar_cadena() dice por qué). */
int bd_conectar(uv_loop_t *bucle, bd_conexion_t **c, const char *conexion, const char *aplicacion,
                bd_conectado_cb al_conectar, void *datos);

/* 0 si libpq entiende la cadena; si no, UV_EINVAL y en `mensaje` (si no es NULL) el porqué en
 * español: «cadena de conexión no válida: missing "=" after "hola" in connection info string». */
int bd_comprobar_cadena(const char *conexion, char *mensaje, size_t tam);

/* Envía una sentencia con parámetros $1…$n (`valores`: n cadenas en formato texto, NULL = SQL
 * NULL). Los valores viajan aparte del texto SQL: nunca se pegan en él (sin inyección).
 * Devuelve 0 (al_terminar llegará), UV_EBUSY si hay otra en curso, UV_ENOTCONN si la conexión
 * no está lista o está rota, UV_EINVAL con argumentos imposibles. */
int bd_consultar(bd_conexion_t *c, const char *sql, int n, const char *const *valores,
                 bd_resultado_cb al_terminar, void *datos);

/* Pide al servidor que cancele la sentencia en curso: la callback de la consulta llegará con
 * UV_ECANCELED (o 0 si ya había terminado). PQcancel abre una conexión aparte con el servidor
 * y espera su respuesta, así que se ejecuta en el grupo de hilos (uv_queue_work), nunca en el
 * bucle; la conexión no se libera hasta que esa petición vuelve, aunque se llame antes a
 * bd_cerrar(). Devuelve 0 si la petición salió hacia el grupo de hilos, UV_ENOTCONN si no hay
 * nada en curso, UV_EALREADY si ya hay una cancelación en curso, UV_ENOMEM, o BD_E_CONEXION
 * si libpq no dio los datos para cancelar. Si el envío falla después, bd_error() lo dice y la
 * consulta termina como habría terminado. */
int bd_cancelar(bd_conexion_t *c);

/* Cierra la conexión (PQfinish) y libera todo después. Una consulta o conexión en curso acaba
 * con UV_ECANCELED antes de `al_cerrar` (o NULL). No cancela nada en el servidor: para eso,
 * antes, bd_cancelar(). Idempotente. */
void bd_cerrar(bd_conexion_t *c, bd_cerrado_cb al_cerrar, void *datos);

/* 1 si la conexión está conectada, sin consulta en curso y sana; 0 si no (conectando,
 * ocupada, rota o cerrando). Un pool la usa para descartar conexiones rotas. */
int bd_disponible(const bd_conexion_t *c);

/* 1 si la conexión se perdió o nunca llegó a establecerse. */
int bd_rota(const bd_conexion_t *c);

/* El último error, en español y en una línea, con la razón de libpq: «no se pudo conectar con
 * PostgreSQL: conexión rechazada (connection to server at "127.0.0.1", port 1 failed: …)».
 * "" si no lo hay. */
const char *bd_error(const bd_conexion_t *c);

/* Texto breve de un código (propio o de libuv): «error de SQL», «recurso ocupado». Estático. */
const char *bd_texto(int codigo);

/* El PGconn de libpq, para leer (PQbackendPID, PQserverVersion…). Es de la conexión: no se
 * cierra ni se usa para consultas por fuera (rompería la máquina de estados). NULL si ya no hay. */
PGconn *bd_pg(const bd_conexion_t *c);

#endif
