/* conexion.h — el protocolo HTTP/1.1 de UNA conexión, sin sockets ni bucle.
 *
 * Entra: bytes que llegan del cliente (conexion_recibir), el aviso de que se escribió algo
 * (conexion_escrito), el vencimiento de su temporizador (conexion_vencido) y el fin de la
 * entrada (conexion_fin_entrada). Sale: bytes a enviar y órdenes para el temporizador, la
 * lectura y el cierre, a través de las operaciones de conexion_ops_t. El pegamento con libuv
 * (servidor.c) implementa esas operaciones sobre un uv_tcp_t y un uv_timer_t; el arnés de
 * fuzzing las implementa en memoria. Así el camino completo de una petición (llhttp, rutas,
 * generación de la respuesta, ritmo, errores) se prueba sin red.
 *
 * Reglas del contrato:
 *   - Las operaciones NUNCA llaman de vuelta a la conexión de forma síncrona: conexion_escrito
 *     y conexion_vencido llegan después, desde el bucle.
 *   - `enviar` entrega los datos al sistema en el acto o los copia; lo que no se haya
 *     entregado aún cuenta en `pendiente`, y cuando se termina de escribir lo encolado el
 *     transporte llama a conexion_escrito(). Si `enviar` lo entregó todo, `pendiente` no
 *     sube y no llega ningún aviso: la conexión lo ve y sigue sin esperar al bucle (así una
 *     respuesta pequeña en keep-alive no cuesta ni un temporizador ni una vuelta más).
 *   - Un solo temporizador por conexión: `programar` lo (re)arma, `desprogramar` lo para.
 *   - Tras llamar a `cerrar`, la conexión no vuelve a usar las operaciones; su dueño la
 *     libera con conexion_liberar() cuando termine de cerrar el transporte.
 *
 * Peticiones en cadena (pipelining): se atiende una petición cada vez y las respuestas salen
 * en orden. La siguiente petición no se analiza hasta que la respuesta anterior se ha
 * escrito entera; lo que llega mientras tanto se guarda (hasta CONEXION_MAX_ENTRADA, luego
 * se pide parar la lectura).
 *
 * Memoria: conexion_t es opaca; la crea conexion_nueva() y la libera conexion_liberar(). El
 * contexto y `usuario` son prestados y deben vivir más que la conexión.
 */
#ifndef SERVIDOR_CONEXION_H
#define SERVIDOR_CONEXION_H

#include "contexto.h"

#include <stddef.h>
#include <stdint.h>

#define CONEXION_MAX_CUERPO  (1024u * 1024u) /* cuerpo de petición admitido (413 si más) */
#define CONEXION_MAX_COLA    (256u * 1024u)  /* bytes pendientes de escribir antes de parar */
#define CONEXION_TROZO       (64u * 1024u)   /* tamaño de cada escritura del cuerpo */
#define CONEXION_MAX_ENTRADA (64u * 1024u)   /* entrada guardada antes de parar la lectura */

typedef struct conexion_s conexion_t;

typedef struct {
    /* Encola `n` bytes para enviarlos (los copia). 0, o negativo si ya no se puede. */
    int (*enviar)(void *usuario, const char *datos, size_t n);
    /* Bytes encolados que aún no se han escrito. */
    size_t (*pendiente)(void *usuario);
    /* (Re)arma el temporizador único de la conexión a `ms` milisegundos. */
    void (*programar)(void *usuario, uint64_t ms);
    void (*desprogramar)(void *usuario);
    /* Reanuda (1) o detiene (0) la lectura del cliente. */
    void (*leer)(void *usuario, int activo);
    /* Cierra la conexión. `suave`: se ha enviado todo y hay que cerrar sin perder nada de lo
     * enviado (shutdown y esperar el fin del cliente); si no, cierre inmediato. */
    void (*cerrar)(void *usuario, int suave);
} conexion_ops_t;

/* Crea la conexión y arma el plazo de inactividad. `origen` (IP del cliente) se copia.
 * NULL si no hay memoria. */
conexion_t *conexion_nueva(contexto_t *ctx, const conexion_ops_t *ops, void *usuario,
                           const char *origen, int puerto_cliente);

void conexion_recibir(conexion_t *c, const char *datos, size_t n);
void conexion_escrito(conexion_t *c);
void conexion_vencido(conexion_t *c);
/* El cliente cerró su lado (o la lectura falló): se abandona lo que esté en curso. */
void conexion_fin_entrada(conexion_t *c);

/* 1 si la conexión ya pidió cerrar. */
int conexion_cerrada(const conexion_t *c);

/* Libera la conexión. Si había una respuesta a medias, la anota en el registro como
 * abortada. No llama a ninguna operación. NULL no hace nada. */
void conexion_liberar(conexion_t *c);

#endif
