/* curso/contenedor.h — de un miembro a la estructura que lo contiene.
 *
 * libuv entrega a cada callback el handle o la petición (uv_timer_t *, uv_fs_t *…), no la
 * estructura del programa que lo lleva dentro. Si el handle es un miembro de esa estructura,
 * CONTENEDOR_DE recupera la estructura restando la posición del miembro: es el container_of
 * del núcleo de Linux. Cuando el handle es el PRIMER miembro, un simple molde
 * ((tarea_t *)handle) también es C bien definido (C11 6.7.2.1 §15); CONTENEDOR_DE es cuestión
 * de estilo: funciona sea cual sea la posición del miembro y deja escrito de dónde viene.
 *
 * No reserva ni libera nada: el puntero resultante apunta dentro del mismo bloque. */
#ifndef CURSO_CONTENEDOR_H
#define CURSO_CONTENEDOR_H

#include <stddef.h>

#define CONTENEDOR_DE(ptr, tipo, miembro) ((tipo *)((char *)(ptr)-offsetof(tipo, miembro)))

#endif
