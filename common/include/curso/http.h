/* http.h — cliente HTTP asíncrono del curso: la interfaz multi de libcurl conducida por libuv.
 *
 * Es el equivalente de la aiohttp.ClientSession del curso de Python:
 *   - un cliente por bucle, reutilizado para todas las peticiones (conexiones persistentes);
 *   - cada petición tiene su tiempo límite, su callback de fin y, si se quiere, una callback
 *     de datos (descargas grandes sin guardarlas en memoria) y otra de progreso;
 *   - un tope de transferencias simultáneas (el asyncio.Semaphore del original): las demás
 *     esperan en cola, en orden de llegada;
 *   - errores distintos para tiempo agotado, conexión rechazada, transferencia cortada y
 *     estado HTTP, con texto en español (los de libuv, con curso/errores.h).
 *
 * Modelo (el de libuv): http_pedir() que falla devuelve un código negativo y NUNCA llama a la
 * callback; si devuelve 0, la callback `al_terminar` se llama exactamente una vez, siempre
 * desde el bucle (nunca dentro de http_pedir ni de http_cancelar), también cuando la
 * petición se cancela (error HTTP_E_CANCELADA).
 *
 * Memoria:
 *   - http_cliente_t: lo crea http_cliente_nuevo() y se libera solo, después de
 *     http_cliente_cerrar(), en el cierre de su último handle (entonces llama a `al_cerrar`).
 *   - http_peticion_t: del cliente; válida desde que http_pedir() la devuelve hasta que
 *     `al_terminar` retorna. No se libera a mano.
 *   - La URL, el método, el cuerpo y las cabeceras de las opciones se copian: el llamador
 *     puede liberarlos en cuanto http_pedir() retorna.
 *   - http_respuesta_t y todo lo que apunta (cuerpo, cabeceras, url, mensaje, detalle) es
 *     prestado: vive hasta que `al_terminar` retorna. Cópielo quien lo quiera conservar.
 *
 * Hilos: todo desde el hilo del bucle.
 */
#ifndef CURSO_HTTP_H
#define CURSO_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* Códigos de error propios (negativos, fuera del rango de libuv). Las funciones pueden
 * devolver también errores de libuv (UV_ENOMEM, UV_EINVAL…): http_error_texto() sabe de
 * ambos. */
enum {
    HTTP_E_TIEMPO = -30001,     /* venció el tiempo límite de la petición */
    HTTP_E_CONEXION = -30002,   /* conexión rechazada o imposible de establecer */
    HTTP_E_RESOLUCION = -30003, /* no se pudo resolver el nombre del servidor */
    HTTP_E_CORTADA = -30004,    /* el servidor cortó la transferencia antes de terminar */
    HTTP_E_ESTADO = -30005,     /* estado HTTP >= 400 (solo con error_si_estado) */
    HTTP_E_CANCELADA = -30006,  /* http_cancelar() o http_cliente_cerrar() */
    HTTP_E_URL = -30007,        /* URL mal formada o protocolo no admitido */
    HTTP_E_DEMASIADO = -30008,  /* el cuerpo superó max_cuerpo */
    HTTP_E_ABORTADA = -30009,   /* la callback al_recibir pidió parar */
    HTTP_E_OTRO = -30010        /* cualquier otro fallo de libcurl (ver `detalle`) */
};

/* Texto en español de un código (propio o de libuv; los de libuv, con error_texto() de
 * curso/errores.h). Cadena estática: http_error_texto(UV_EBUSY) → «recurso ocupado». */
const char *http_error_texto(int codigo);
/* Nombre del código: «HTTP_E_TIEMPO», «ECONNREFUSED»… («DESCONOCIDO» si no es propio ni de
 * libuv). Cadena estática. */
const char *http_error_nombre(int codigo);

typedef struct http_cliente_s http_cliente_t;
typedef struct http_peticion_s http_peticion_t;

typedef struct {
    int error;           /* 0 si hubo respuesta completa; si no, un HTTP_E_* (o
                            UV_ENOMEM si faltó memoria a mitad de transferencia) */
    long estado;         /* código HTTP (200, 404…); 0 si no llegó respuesta */
    const char *cuerpo;  /* terminado en NUL; NULL si se usó al_recibir o hubo error,
                            salvo HTTP_E_ESTADO, que conserva la página de error */
    size_t longitud;     /* bytes de cuerpo en `cuerpo` */
    uint64_t bytes;      /* bytes de cuerpo recibidos (también con al_recibir) */
    double segundos;     /* desde que la transferencia empezó (sin la espera en cola) */
    const char *url;     /* la URL pedida */
    const char *mensaje; /* por qué falló, en español y en una línea corta, sin la URL (ya
                            está en `url`): «se agotó el tiempo límite (3000 ms)», «no se
                            pudo conectar: conexión rechazada», «estado HTTP 503»…; ""
                            si error == 0 */
    const char *detalle; /* el texto de curl tal cual, en inglés («Failed to connect to
                            127.0.0.1 port 9 after 0 ms: Couldn't connect to server»),
                            para registros y depuración; "" si no lo hay (sin error,
                            HTTP_E_ESTADO, HTTP_E_CANCELADA, HTTP_E_ABORTADA) */
} http_respuesta_t;

/* Trozo de cuerpo recibido. Devolver distinto de 0 aborta la petición (HTTP_E_ABORTADA). */
typedef int (*http_datos_cb)(http_peticion_t *p, const char *datos, size_t n, void *usuario);
/* Progreso de la descarga: `total` es -1 cuando el servidor no lo anunció. */
typedef void (*http_progreso_cb)(http_peticion_t *p, uint64_t recibidos, int64_t total,
                                 void *usuario);
/* Fin de la petición, con éxito o con error. */
typedef void (*http_fin_cb)(http_peticion_t *p, const http_respuesta_t *r, void *usuario);

typedef struct {
    const char *metodo; /* NULL = "GET" */
    const char *cuerpo; /* cuerpo a enviar o NULL */
    size_t longitud_cuerpo;
    const char *const *cabeceras;  /* "Nombre: valor", lista terminada en NULL, o NULL */
    uint64_t tiempo_limite_ms;     /* 0 = sin límite; cuenta desde que sale de la cola */
    int error_si_estado;           /* != 0: un estado >= 400 termina con HTTP_E_ESTADO */
    size_t max_cuerpo;             /* 0 = 64 MiB; solo cuando el cuerpo se guarda en memoria */
    http_datos_cb al_recibir;      /* NULL = guardar el cuerpo en memoria */
    http_progreso_cb al_progresar; /* NULL = sin progreso */
} http_opciones_t;

/* Crea un cliente sobre `bucle`. `max_simultaneas` = 0 significa sin tope.
 * Devuelve 0 y deja el cliente en *cliente, o un error negativo (y *cliente queda NULL). */
int http_cliente_nuevo(uv_loop_t *bucle, unsigned max_simultaneas, http_cliente_t **cliente);

/* Lanza una petición. `opciones` puede ser NULL (GET sin tiempo límite). `peticion`
 * puede ser NULL si no se va a cancelar; si no lo es, con éxito *peticion recibe la
 * petición (válida hasta que `al_terminar` retorne: la callback nunca llega antes de que
 * http_pedir vuelva) y, si falla, *peticion queda a NULL: no hay petición que cancelar ni
 * nada que liberar. Falla (sin llamar a la callback) con HTTP_E_URL si la URL está vacía o
 * no es http(s), UV_EINVAL si falta la callback, UV_ECANCELED si el cliente ya se está
 * cerrando, UV_ENOMEM si no hay memoria. */
int http_pedir(http_cliente_t *cliente, const char *url, const http_opciones_t *opciones,
               http_fin_cb al_terminar, void *usuario, http_peticion_t **peticion);

/* Cancela una petición en cola o en curso: su callback llegará desde el bucle con
 * HTTP_E_CANCELADA (y al_recibir no vuelve a llamarse). Devuelve 0, o UV_EALREADY si ya
 * estaba cancelada o terminando. Vale también desde dentro de sus propias callbacks. */
int http_cancelar(http_peticion_t *peticion);

/* El `usuario` que se pasó a http_pedir(). */
void *http_peticion_usuario(const http_peticion_t *peticion);

/* Pausa la recepción de una petición en curso (curl_easy_pause): desde que vuelve, al_recibir
 * no se llama hasta http_reanudar(); lo que ya llegó espera dentro de curl y el servidor nota
 * la contrapresión de TCP. Es la pausa de un gestor de descargas cuyo disco va más lento que
 * la red. Vale desde dentro de al_recibir y al_progresar y desde cualquier otra callback del
 * bucle. El tiempo límite de la petición sigue contando. Devuelve 0 (también si ya estaba
 * pausada), UV_EINVAL si `peticion` es NULL o no está en curso (en cola, terminada,
 * cancelada). No llama a nada. */
int http_pausar(http_peticion_t *peticion);

/* Reanuda una petición pausada. Los datos pendientes llegan a al_recibir desde el bucle, en
 * una vuelta posterior: nunca desde dentro de http_reanudar (que puede llamarse, p. ej.,
 * desde la callback de un uv_fs_write con el estado del llamador a medias). Devuelve 0
 * (también si no estaba pausada), UV_EINVAL si `peticion` es NULL o no está en curso. */
int http_reanudar(http_peticion_t *peticion);

/* Estado HTTP de la respuesta que está llegando: 0 si aún no llegó su línea de estado. Sirve
 * dentro de al_recibir y al_progresar (cuando llega el primer byte del cuerpo, la cabecera
 * entera ya está) y en al_terminar (igual que r->estado). */
long http_peticion_estado(const http_peticion_t *peticion);

/* Valor de una cabecera de la respuesta que está llegando, como http_respuesta_cabecera()
 * pero sin esperar a al_terminar: dentro de al_recibir ya están todas (p. ej. decidir con
 * Content-Range si un 206 continúa lo que se tiene). Prestado: vale hasta que la callback
 * en curso retorna. NULL si no está (o `peticion`/`nombre` son NULL). */
const char *http_peticion_cabecera(const http_peticion_t *peticion, const char *nombre);

/* Valor de una cabecera de la respuesta (sin distinguir mayúsculas) o NULL; si se repite,
 * la primera. Solo de la última respuesta (no se siguen redirecciones) y solo dentro de la
 * callback de fin, con el `r` que esta recibió. */
const char *http_respuesta_cabecera(const http_respuesta_t *r, const char *nombre);

/* Analiza el cuerpo como JSON. NULL si no hay cuerpo o no es válido, con la explicación en
 * `error` (línea y columna). Referencia propia: json_decref() al terminar. */
json_t *http_respuesta_json(const http_respuesta_t *r, char *error, size_t tam_error);

/* Peticiones en curso y en cola. */
unsigned http_cliente_activas(const http_cliente_t *cliente);
unsigned http_cliente_en_cola(const http_cliente_t *cliente);

/* Cierra el cliente: cancela lo pendiente (cada callback recibe HTTP_E_CANCELADA, desde el
 * bucle y antes de `al_cerrar`), libera libcurl, cierra su temporizador y sus uv_poll, y
 * libera la memoria en el último cierre; entonces llama a `al_cerrar` (puede ser NULL).
 * Después el bucle puede terminar y uv_loop_close() devuelve 0. Llamarla dos veces no hace
 * nada la segunda. Se puede llamar desde cualquier callback del cliente (también desde
 * al_recibir o al_progresar: entonces el cierre se completa en la siguiente vuelta).
 * libcurl: el primer cliente vivo llama a curl_global_init y el último que se libera a
 * curl_global_cleanup (curl cuenta las llamadas), así valgrind no ve nada pendiente. */
void http_cliente_cerrar(http_cliente_t *cliente, void (*al_cerrar)(void *usuario), void *usuario);

#endif
