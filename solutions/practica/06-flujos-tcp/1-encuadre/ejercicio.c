/* ejercicio.c — encuadre: de trozos a líneas (práctica 1 de la lección 6): una respuesta.
 *
 *   lineas < entrada    imprime cada línea de la entrada estándar (una tubería).
 *
 * Los trozos (de 8 bytes como mucho) se copian a un búfer de línea hasta ver '\n'. Una línea
 * que no cabe se descarta hasta su '\n' (y se dice). En UV_EOF, lo que quede es el resto.
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

static void terminar_linea(void)
{
    lineas++;
    if (desbordada)
        printf("línea %d: demasiado larga\n", lineas);
    else
        printf("línea %d: «%.*s»\n", lineas, (int)largo, linea);
    largo = 0;
    desbordada = 0;
}

static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    if (n < 0) {
        if (n != UV_EOF)
            fprintf(stderr, "leyendo: %s\n", error_texto((int)n));
        if (largo > 0 || desbordada)
            printf("resto sin fin de línea: «%.*s»\n", (int)largo, linea);
        printf("líneas: %d\n", lineas);
        uv_close((uv_handle_t *)flujo, NULL);
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        char c = buf->base[i];

        if (c == '\n')
            terminar_linea();
        else if (largo < MAX_LINEA - 1)
            linea[largo++] = c;
        else
            desbordada = 1;
    }
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
