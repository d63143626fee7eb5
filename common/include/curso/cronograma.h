/* cronograma.h — dibuja cuándo empezó y terminó cada operación, para *ver* la concurrencia.
 *
 * Tres esperas de 2 s en secuencia dan tres barras escalonadas y «Tiempo total: 6.00 s»;
 * las mismas tres concurrentes dan tres barras superpuestas y «Tiempo total: 2.00 s»:
 *
 *     Cronograma (1 carácter ≈ 0.04 s)
 *       tarea 1   |██████████████████████████████████████████████████|  0.00 →  2.00 s
 *       tarea 2   |██████████████████████████████████████████████████|  0.00 →  2.00 s
 *       tarea 3   |██████████████████████████████████████████████████|  0.00 →  2.00 s
 *     Tiempo total: 2.00 s
 *
 * El origen del tiempo es la creación del cronograma. Memoria: el cronograma es del
 * llamador hasta cronograma_liberar(); los nombres se copian. Solo para el hilo del bucle.
 */
#ifndef CURSO_CRONOGRAMA_H
#define CURSO_CRONOGRAMA_H

#include <stdio.h>

typedef struct cronograma_s cronograma_t;

/* NULL si no hay memoria. */
cronograma_t *cronograma_nuevo(void);

/* Marca el comienzo de una operación. Devuelve su identificador (>= 0) o UV_ENOMEM. */
int cronograma_empezar(cronograma_t *c, const char *nombre);

/* Marca el final de la operación `id` (un id desconocido se ignora). */
void cronograma_terminar(cronograma_t *c, int id);

/* Imprime las barras (ancho fijo de 50 caracteres) y la línea «Tiempo total: X.XX s», que
 * va del origen al último final. Una operación sin terminar se dibuja hasta «ahora» con
 * el final «…». */
void cronograma_imprimir(const cronograma_t *c, FILE *salida);

/* Segundos desde el origen hasta el último final registrado. */
double cronograma_total(const cronograma_t *c);

void cronograma_liberar(cronograma_t *c);

#endif
