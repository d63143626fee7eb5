/* protocolo.h — las piezas del protocolo de la sala de chat que no dependen de libuv:
 * partir el flujo de bytes en líneas y validar nombres.
 *
 * TCP entrega un flujo de bytes, no mensajes: una lectura puede traer media línea, varias
 * líneas o el final de una y el principio de otra. El lector de líneas guarda lo que sobra
 * de cada lectura hasta que llega el '\n' que lo completa.
 *
 * Memoria: lector_t lo aporta el llamador (normalmente dentro de su estado por cliente).
 * El lector reserva por su cuenta el búfer de la línea incompleta, solo mientras hay una
 * (así un cliente callado no gasta memoria), y lo suelta lector_liberar(). Las líneas que
 * recibe la callback son prestadas: valen solo durante la llamada y NO terminan en '\0'
 * (pueden contener bytes nulos: el texto del chat se trata como bytes, no como cadena C).
 */
#ifndef PROTOCOLO_H
#define PROTOCOLO_H

#include <stddef.h>

/* Longitud máxima de una línea en bytes, sin contar el final de línea ("\n" o "\r\n"). */
#define PROTO_MAX_LINEA 4096
/* Longitud máxima de un nombre, en bytes (un carácter acentuado ocupa 2 bytes en UTF-8). */
#define PROTO_MAX_NOMBRE 32

typedef struct {
    char *datos;      /* línea incompleta (NULL si no hay ninguna) */
    size_t usados;    /* bytes válidos en datos */
    int descartando;  /* 1: la línea en curso ya superó el límite; se tira hasta su '\n' */
} lector_t;

/* Se llama una vez por cada línea completa, ya sin "\n" ni "\r" final. Si la línea superó
 * PROTO_MAX_LINEA, se llama UNA sola vez con demasiado_larga = 1 (y linea = NULL, largo = 0)
 * en cuanto se sabe, aunque su '\n' llegue mucho después.
 * Devuelve 0 para seguir o distinto de 0 para que lector_alimentar se detenga (p. ej. porque
 * el cliente pidió /quit y el resto de lo leído ya no importa). */
typedef int (*lector_cb)(void *ctx, const char *linea, size_t largo, int demasiado_larga);

void lector_iniciar(lector_t *l);

/* Procesa `n` bytes recién leídos y llama a `cb` por cada línea que se complete.
 * Devuelve 0 si los consumió todos, el valor distinto de 0 que devolvió la callback si esta
 * pidió parar (el resto de `datos` se ignora), o -1 si faltó memoria para guardar la línea
 * incompleta. */
int lector_alimentar(lector_t *l, const char *datos, size_t n, lector_cb cb, void *ctx);

/* Suelta el búfer de la línea incompleta (si lo hay). Se puede volver a usar el lector. */
void lector_liberar(lector_t *l);

typedef enum {
    NOMBRE_VALIDO = 0,
    NOMBRE_VACIO,          /* cero bytes */
    NOMBRE_LARGO,          /* más de PROTO_MAX_NOMBRE bytes */
    NOMBRE_NO_PERMITIDO    /* control, espacio, ':' o ',', '/' inicial o UTF-8 inválido */
} nombre_error_t;

/* Comprueba la forma de un nombre (que esté libre lo decide la sala, no este módulo). */
nombre_error_t proto_validar_nombre(const char *nombre, size_t largo);

/* 1 si los `n` bytes son UTF-8 bien formado (sin sobrelargos ni sustitutos), 0 si no. */
int proto_utf8_valido(const char *s, size_t n);

#endif
