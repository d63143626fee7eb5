/* peticion.h — la cabecera de una petición HTTP, acumulada trozo a trozo desde las
 * callbacks de llhttp (que pueden partir un mismo token en varias llamadas).
 *
 * Todo vive en un único búfer que crece por duplicación hasta PETICION_MAX_CABEZA bytes
 * (URL + nombres + valores de cabeceras): pasar de ahí es «431 Request Header Fields Too
 * Large». Disposición: url\0 campo\0 valor\0 … ruta\0 (la ruta sin consulta, al final).
 *
 * Memoria: peticion_t la aloja el llamador; su búfer es suyo desde peticion_iniciar() hasta
 * peticion_liberar(). Los punteros que devuelven las funciones de consulta son prestados y
 * valen hasta el siguiente peticion_reiniciar() o peticion_anadir().
 */
#ifndef SERVIDOR_PETICION_H
#define SERVIDOR_PETICION_H

#include <stddef.h>
#include <stdint.h>

#define PETICION_MAX_CABEZA    8192
#define PETICION_MAX_CABECERAS 100

typedef struct {
    char *datos;
    size_t usados, capacidad;
    size_t campo[PETICION_MAX_CABECERAS]; /* desplazamientos en datos */
    size_t valor[PETICION_MAX_CABECERAS];
    unsigned num_cabeceras;
    int abierta;         /* hay una cabecera empezada y sin cerrar */
    size_t pos_ruta;     /* desplazamiento de la ruta (tras peticion_separar) */
    size_t pos_consulta; /* desplazamiento de la consulta dentro de la url, o de un "" */
    char metodo[24];
    int version_mayor, version_menor;
} peticion_t;

/* 0 o -1 si no hay memoria. */
int peticion_iniciar(peticion_t *p);
void peticion_liberar(peticion_t *p);

/* Vacía la petición para la siguiente (conserva el búfer). */
void peticion_reiniciar(peticion_t *p);

/* Añade bytes al token en curso. Devuelve 0, o -1 si se pasa del límite o no hay memoria
 * (en ambos casos la respuesta adecuada es 431: el cliente mandó demasiado). */
int peticion_anadir(peticion_t *p, const char *datos, size_t n);

/* Marcas de fin de token: terminan el texto acumulado con NUL. Devuelven 0 o -1 como
 * peticion_anadir. peticion_empezar_cabecera falla también si hay demasiadas cabeceras. */
int peticion_terminar_url(peticion_t *p);
int peticion_empezar_cabecera(peticion_t *p);
int peticion_terminar_campo(peticion_t *p);
int peticion_terminar_valor(peticion_t *p);

/* Antes de peticion_separar(): sustituye la url por `url` (la de un alias, alias.h). Las
 * cabeceras siguen valiendo. 0, o -1 si no cabe o no hay memoria (la petición queda igual). */
int peticion_cambiar_url(peticion_t *p, const char *url);

/* Tras la cabecera completa: copia la ruta (sin '?…') al final del búfer. 0 o -1. */
int peticion_separar(peticion_t *p);

const char *peticion_url(const peticion_t *p);      /* "/get?a=1" */
const char *peticion_ruta(const peticion_t *p);     /* "/get" (tras peticion_separar) */
const char *peticion_consulta(const peticion_t *p); /* "a=1" o "" (tras peticion_separar) */

/* Valor de la primera cabecera con ese nombre (sin distinguir mayúsculas) o NULL. */
const char *peticion_cabecera(const peticion_t *p, const char *nombre);

/* Cabecera número i (0 ≤ i < num_cabeceras). */
const char *peticion_campo_i(const peticion_t *p, unsigned i);
const char *peticion_valor_i(const peticion_t *p, unsigned i);

#endif
