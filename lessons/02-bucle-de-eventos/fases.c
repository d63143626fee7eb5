/* fases.c — en qué orden ejecuta libuv las callbacks dentro de una vuelta del bucle.
 *
 * Se registran a propósito en el orden contrario al de las fases (check primero, temporizador
 * el último) para que se vea que el orden lo impone la fase, no el registro. Todo ocurre en
 * una sola vuelta: los datos de la tubería ya están escritos antes de empezar, así que la
 * espera de E/S vuelve al instante, y la callback de check lo cierra todo. (El idle NO es
 * lo que evita la espera: se detiene en su propia callback, antes de que poll calcule
 * cuánto esperar.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

typedef struct {
    uv_check_t comprobar;
    uv_prepare_t preparar;
    uv_idle_t ocioso;
    uv_pipe_t tuberia;
    uv_timer_t temporizador;
    int paso;
} fases_t;

static void anotar(fases_t *f, const char *fase, const char *que)
{
    printf("  %2d. %-8s → %s\n", ++f->paso, fase, que);
}

static void al_vencer(uv_timer_t *t)
{
    anotar(t->data, "timers", "vence el temporizador de 0 ms");
}

static void al_estar_ocioso(uv_idle_t *h)
{
    anotar(h->data, "idle", "callback de idle (y se detiene: no influirá en la espera)");
    uv_idle_stop(h); /* nunca falla */
}

static void al_preparar(uv_prepare_t *h)
{
    anotar(h->data, "prepare", "justo antes de esperar E/S");
    uv_prepare_stop(h); /* nunca falla */
}

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    buf->base = malloc(sugerido);
    buf->len = buf->base == NULL ? 0 : sugerido;
}

static void al_leer(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    if (n > 0) {
        char texto[64];
        snprintf(texto, sizeof texto, "llegaron datos por la tubería: «%.*s»", (int)n, buf->base);
        anotar(s->data, "poll", texto);
    }
    uv_read_stop(s); /* siempre devuelve 0 */
    free(buf->base);
}

static void al_cerrar(uv_handle_t *h)
{
    char texto[64];
    snprintf(texto, sizeof texto, "se entrega el cierre de un uv_%s_t", bucle_nombre_tipo(h->type));
    anotar(h->data, "closing", texto);
}

static void al_comprobar(uv_check_t *h)
{
    fases_t *f = h->data;

    anotar(f, "check", "justo después de la E/S: cierro los cinco handles");
    uv_close((uv_handle_t *)&f->temporizador, al_cerrar);
    uv_close((uv_handle_t *)&f->ocioso, al_cerrar);
    uv_close((uv_handle_t *)&f->preparar, al_cerrar);
    uv_close((uv_handle_t *)&f->tuberia, al_cerrar);
    uv_close((uv_handle_t *)&f->comprobar, al_cerrar);
}

int main(void)
{
    uv_loop_t bucle;
    fases_t f = {.paso = 0};
    uv_file fds[2];
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    r = uv_pipe(fds, 0, 0);
    if (r < 0) {
        fprintf(stderr, "uv_pipe: %s\n", error_texto(r));
        uv_loop_close(&bucle); /* antes de este return el bucle no tenía nada: devuelve 0 */
        return 1;
    }
    /* Los datos ya esperan en la tubería: la fase poll los encontrará sin esperar. */
    if (write(fds[1], "hola", 4) != 4)
        perror("write");
    close(fds[1]);

    /* Registro en orden inverso al de las fases. Por qué no se comprueba ningún resultado:
     * los init y start de check, prepare, idle y timer solo fallan con una callback NULL, y
     * uv_pipe_open/uv_read_start sobre un descriptor recién creado por uv_pipe no pueden
     * fallar. En código con descriptores ajenos, sí se comprueban. */
    uv_check_init(&bucle, &f.comprobar);
    uv_check_start(&f.comprobar, al_comprobar);
    uv_prepare_init(&bucle, &f.preparar);
    uv_prepare_start(&f.preparar, al_preparar);
    uv_idle_init(&bucle, &f.ocioso);
    uv_idle_start(&f.ocioso, al_estar_ocioso);
    uv_pipe_init(&bucle, &f.tuberia, 0);
    uv_pipe_open(&f.tuberia, fds[0]);
    uv_read_start((uv_stream_t *)&f.tuberia, reservar, al_leer);
    uv_timer_init(&bucle, &f.temporizador);
    uv_timer_start(&f.temporizador, al_vencer, 0, 0);
    f.comprobar.data = f.preparar.data = f.ocioso.data = &f;
    f.tuberia.data = f.temporizador.data = &f;

    printf("Una vuelta del bucle:\n");
    r = uv_run(&bucle, UV_RUN_DEFAULT);
    printf("uv_run devolvió %d\n", r);
    r = uv_loop_close(&bucle);
    printf("uv_loop_close devolvió %d\n", r);
    return r == 0 ? 0 : 1;
}
