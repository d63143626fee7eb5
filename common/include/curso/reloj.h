/* reloj.h — reloj monotónico del curso.
 *
 * Para medir duraciones nunca se usa la hora del sistema (puede saltar hacia atrás con NTP):
 * estas funciones leen el reloj monotónico de libuv (uv_hrtime). No guardan estado ni
 * reservan memoria.
 */
#ifndef CURSO_RELOJ_H
#define CURSO_RELOJ_H

#include <stdint.h>

/* Milisegundos desde un origen arbitrario y fijo (el arranque del sistema). */
uint64_t reloj_ms(void);

/* Lo mismo en segundos, con decimales: cómodo para imprimir «2.00 s». */
double reloj_s(void);

/* Segundos transcurridos desde `inicio_ms` (un valor devuelto antes por reloj_ms). */
double reloj_desde(uint64_t inicio_ms);

#endif
