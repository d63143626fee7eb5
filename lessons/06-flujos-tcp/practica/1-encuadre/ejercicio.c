/* ejercicio.c — encuadre: de trozos a líneas (práctica 1 de la lección 6).
 *
 *   lineas < entrada    imprime cada línea de la entrada estándar (una tubería).
 *
 * Tal como está, imprime cada trozo como si fuera una línea y nunca cierra la tubería. Tu
 * trabajo: el encuadre en al_leer (ver README.md).
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_LINEA 64 /* 63 bytes y el '\0' */

static uv_pipe_t entrada;
static char trozo[8];
static char linea[MAX_LINEA];
static size_t largo;     /* bytes en linea */
static int desbordada;   /* la línea en curso ya no cabe: se descarta hasta '\n' */
static int lineas;

/* Da siempre el mismo búfer de 8 bytes: cada lectura trae como mucho 8. No lo cambies. */
static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(trozo, sizeof trozo);
}

static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    /* TODO: juntar los trozos en linea[], imprimir cada línea completa, y en UV_EOF el
     * resto, «líneas: N» y cerrar la tubería. */
    (void)flujo;
    (void)largo;
    (void)desbordada;
    if (n > 0)
        printf("línea %d: «%.*s»\n", ++lineas, (int)n, buf->base);
}

int main(void)
{
    uv_loop_t bucle;
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    uv_pipe_init(&bucle, &entrada, 0); /* no falla: lección 2, §3 */
    r = uv_pipe_open(&entrada, 0);
    if (r == 0)
        r = uv_read_start((uv_stream_t *)&entrada, reservar, al_leer);
    if (r < 0) {
        fprintf(stderr, "la entrada estándar no es una tubería: %s\n", error_texto(r));
        uv_close((uv_handle_t *)&entrada, NULL);
    }
    if (bucle_terminar(&bucle) != 0)
        return 1;
    return r < 0 ? 1 : 0;
}
