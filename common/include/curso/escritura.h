/* curso/escritura.h — una escritura de libuv con sus bytes dentro.
 *
 * uv_write() no copia los datos: guarda el puntero y los envía cuando el socket lo admite,
 * quizá mucho después de volver. La petición y los bytes deben vivir hasta la callback de
 * escritura. escritura_t los reúne en un solo bloque para reservarlos y liberarlos juntos:
 *
 *   escritura_t *e = malloc(sizeof *e + n);
 *   memcpy(e->datos, texto, n);
 *   e->buf = uv_buf_init(e->datos, (unsigned)n);
 *   e->req.data = e;
 *   r = uv_write(&e->req, flujo, &e->buf, 1, al_escribir);   // en al_escribir: free(e)
 *
 * Memoria: el bloque es de quien lo reserva. Si uv_write() falla al llamarla, no habrá
 * callback y lo libera quien llamó; si arrancó, lo libera la callback (también cuando llega
 * con error o con UV_ECANCELED porque se cerró el flujo). Solo es un tipo: no reserva nada.
 */
#ifndef CURSO_ESCRITURA_H
#define CURSO_ESCRITURA_H

#include <uv.h>

typedef struct {
    uv_write_t req; /* req.data apunta al propio bloque */
    uv_buf_t buf;   /* se copia en uv_write(); los bytes a los que apunta, no */
    char datos[];   /* los bytes, en el mismo malloc que la petición */
} escritura_t;

#endif
