/* http_interno.h — estado interno del cliente HTTP (http.h), compartido por sus tres
 * archivos: http_cliente.c (pegamento entre curl multi y libuv, cola y cierre),
 * http_peticion.c (una petición = un easy handle y sus búferes) y http_errores.c (códigos
 * de error y textos en español). No es una interfaz pública: nadie fuera de common/src
 * debe incluirlo.
 *
 * Memoria: el cliente es dueño de todas sus peticiones (listas `cola`, `en_curso`,
 * `terminadas`) y de sus contextos de socket (lista `sockets`). Una petición se libera con
 * peticion_liberar() justo después de que su `al_terminar` retorne.
 */
#ifndef CURSO_HTTP_INTERNO_H
#define CURSO_HTTP_INTERNO_H

#include "curso/http.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* Lista doblemente enlazada intrusiva con centinela (una cabecera `nodo_t` vacía); las
 * operaciones están en http_cliente.c, el único que recorre listas. */
typedef struct nodo_s {
    struct nodo_s *ant;
    struct nodo_s *sig;
} nodo_t;

#define HTTP_CONTENEDOR(ptr, tipo, campo) ((tipo *)((char *)(ptr)-offsetof(tipo, campo)))

/* En qué lista está una petición. */
typedef enum {
    PET_EN_COLA,   /* esperando hueco (tope de simultáneas) */
    PET_EN_CURSO,  /* su easy handle está dentro del multi */
    PET_TERMINADA, /* resultado listo, esperando a que el bucle llame a al_terminar */
    PET_ENTREGANDO /* dentro de al_terminar */
} pet_estado_t;

struct http_peticion_s {
    nodo_t nodo;
    http_cliente_t *cliente;
    pet_estado_t estado;
    CURL *easy;
    struct curl_slist *cabeceras_envio;

    char *url;
    http_opciones_t op; /* copia; los punteros de cadenas no se usan tras configurar curl */
    size_t max_cuerpo;
    http_fin_cb al_terminar;
    void *usuario;

    /* Por qué se cortó la transferencia desde nuestras callbacks (0 = no se cortó). */
    int motivo_corte;
    int cancelada;
    int pausada;         /* http_pausar(): al_escribir devuelve CURL_WRITEFUNC_PAUSE */
    int reanudar_pedido; /* http_reanudar(): el diferido hará curl_easy_pause(CONT) */

    /* Cuerpo en memoria. */
    char *cuerpo;
    size_t longitud;
    size_t capacidad;
    uint64_t bytes;

    /* Cabeceras de la última respuesta: líneas «Nombre: valor» sin CRLF. */
    char **cabeceras;
    size_t n_cabeceras;
    size_t cap_cabeceras;

    /* Progreso ya notificado (para no repetir ni retroceder). */
    uint64_t progreso_recibidos;
    int64_t progreso_total;
    int progreso_avisado;

    uint64_t inicio_ns;               /* cuando salió de la cola */
    char error_curl[CURL_ERROR_SIZE]; /* CURLOPT_ERRORBUFFER; después, r->detalle */
    char mensaje[160];                /* r->mensaje: corto, sin la URL */
    http_respuesta_t respuesta;
};

/* Un socket que curl nos pide vigilar: un único uv_poll por descriptor. */
typedef struct {
    nodo_t nodo;
    uv_poll_t poll;
    curl_socket_t fd;
    http_cliente_t *cliente;
} http_socket_t;

struct http_cliente_s {
    uv_loop_t *bucle;
    CURLM *multi;
    uv_timer_t temporizador; /* el que pide CURLMOPT_TIMERFUNCTION */
    uv_idle_t diferido;      /* entregas, cancelaciones y arranques fuera de curl */
    unsigned max_simultaneas;
    unsigned activas;
    unsigned en_cola;

    nodo_t cola;
    nodo_t en_curso;
    nodo_t terminadas;
    nodo_t sockets;

    /* != 0 mientras estamos dentro de curl (socket_action y su vaciado de mensajes) o
     * entregando resultados: entonces nada se desmonta en el acto, se deja al diferido. */
    int ocupado;
    int hay_cancelaciones;
    int hay_reanudaciones;
    int cerrando;
    int desmontado;
    int cierres_pendientes;
    void (*al_cerrar)(void *usuario);
    void *usuario_cerrar;
};

/* http_peticion.c */
int peticion_nueva(http_cliente_t *c, const char *url, const http_opciones_t *op,
                   http_fin_cb al_terminar, void *usuario, http_peticion_t **salida);
/* Reinicia contadores y marca el comienzo (al salir de la cola). */
void peticion_empezar(http_peticion_t *p);
/* Rellena p->respuesta a partir del resultado de curl (o de `error_propio` si != 0, p. ej.
 * HTTP_E_CANCELADA para una que nunca salió de la cola). */
void peticion_cerrar_resultado(http_peticion_t *p, CURLcode resultado, int error_propio);
void peticion_liberar(http_peticion_t *p);
/* Comprobación síncrona de la URL: 0 o HTTP_E_URL. */
int peticion_validar_url(const char *url);

/* Cabecera `nombre` de las guardadas de la última respuesta, o NULL. */
const char *peticion_cabecera(const http_peticion_t *p, const char *nombre);

/* http_errores.c */
/* Traduce un CURLcode a HTTP_E_* (0 si CURLE_OK). */
int http_error_desde_curl(CURLcode codigo);

#endif
