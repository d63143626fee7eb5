/* ejercicio.c — cinco síntomas, cinco arreglos (práctica del interludio 6b).
 *
 *   sintomas colgado | ebusy | tuberia | doble | cierre
 *
 * Cada modo es un programa pequeño con uno de los cinco fallos de la galería del interludio:
 * no termina, uv_loop_close da UV_EBUSY, muere con código de salida 141, aborta con la aserción
 * uv__is_closing (código de salida 134) o usa memoria ya liberada (lo ve valgrind). Tu trabajo:
 * ejecutar cada modo, reconocer el síntoma y arreglar la causa (el enunciado, en README.md).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/errores.h"

/* --- colgado: un latido que se repite y el trabajo que debería acabarlo todo ---------- */

static uv_timer_t latido, trabajo;
static int latidos;

static void al_latir(uv_timer_t *t)
{
    (void)t;
    latidos++;
}

static void al_trabajar(uv_timer_t *t)
{
    printf("trabajo terminado tras %d latidos\n", latidos);
    uv_close((uv_handle_t *)t, NULL);
    uv_close((uv_handle_t *)&latido, NULL); /* el latido ya no hace falta */
}

static int colgado(uv_loop_t *bucle)
{
    uv_timer_init(bucle, &latido); /* no falla: lección 2, §3 */
    uv_timer_init(bucle, &trabajo);
    uv_timer_start(&latido, al_latir, 100, 100);
    uv_timer_start(&trabajo, al_trabajar, 250, 0);
    return uv_run(bucle, UV_RUN_DEFAULT);
}

/* --- ebusy: un temporizador «por si acaso» que nadie arranca ------------------------- */

static uv_timer_t reserva;

static int ebusy(uv_loop_t *bucle)
{
    uv_timer_init(bucle, &reserva);
    printf("reserva lista, no hace falta usarla\n");
    uv_close((uv_handle_t *)&reserva, NULL); /* abierto, aunque esté parado: se cierra */
    return uv_run(bucle, UV_RUN_DEFAULT);
}

/* --- tuberia: escribir cuando el lector ya se fue ----------------------------------- */

static uv_pipe_t escritor;

static int tuberia(uv_loop_t *bucle)
{
    uv_buf_t buf = uv_buf_init("hola\n", 5);
    int fds[2];
    int r;

    signal(SIGPIPE, SIG_IGN); /* sin esto, la escritura mata el proceso (141) */
    if (pipe(fds) != 0) {
        perror("pipe");
        return -1;
    }
    close(fds[0]); /* el lector se va */
    uv_pipe_init(bucle, &escritor, 0);
    r = uv_pipe_open(&escritor, fds[1]);
    if (r == 0) {
        r = uv_try_write((uv_stream_t *)&escritor, &buf, 1);
        printf("escribir: %s\n", r < 0 ? uv_err_name(r) : "escrito");
    } else {
        fprintf(stderr, "uv_pipe_open: %s\n", error_texto(r));
        close(fds[1]);
    }
    uv_close((uv_handle_t *)&escritor, NULL);
    return uv_run(bucle, UV_RUN_DEFAULT);
}

/* --- doble: dos caminos que creen ser el dueño del cierre --------------------------- */

static uv_timer_t aviso;

static void al_avisar(uv_timer_t *t)
{
    printf("aviso: cierro mi temporizador\n");
    uv_close((uv_handle_t *)t, NULL); /* la callback es la dueña del cierre */
}

static int doble(uv_loop_t *bucle)
{
    int r;
    uv_timer_init(bucle, &aviso);
    uv_timer_start(&aviso, al_avisar, 10, 0);
    r = uv_run(bucle, UV_RUN_DEFAULT);
    printf("main: el aviso ya está cerrado\n");
    return r;
}

/* --- cierre: la struct que contiene el handle ------------------------------------------ */

typedef struct {
    uv_timer_t temporizador;
    int numero;
} tarea_t;

static void al_cerrar_tarea(uv_handle_t *h)
{
    tarea_t *tarea = h->data;
    printf("tarea %d: cierre entregado\n", tarea->numero);
    free(tarea); /* libuv ya no volverá a tocar el handle */
}

static void al_vencer_tarea(uv_timer_t *t)
{
    tarea_t *tarea = t->data;
    printf("tarea %d: terminada\n", tarea->numero);
    uv_close((uv_handle_t *)t, al_cerrar_tarea);
}

static int cierre(uv_loop_t *bucle)
{
    for (int i = 1; i <= 3; i++) {
        tarea_t *tarea = malloc(sizeof *tarea);
        if (tarea == NULL) {
            fprintf(stderr, "sin memoria\n");
            return -1;
        }
        tarea->numero = i;
        uv_timer_init(bucle, &tarea->temporizador);
        tarea->temporizador.data = tarea;
        uv_timer_start(&tarea->temporizador, al_vencer_tarea, 10 * i, 0);
    }
    return uv_run(bucle, UV_RUN_DEFAULT);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *nombre;
        int (*ejecutar)(uv_loop_t *);
    } modos[] = {{"colgado", colgado}, {"ebusy", ebusy}, {"tuberia", tuberia},
                 {"doble", doble},     {"cierre", cierre}};
    uv_loop_t bucle;
    int r;

    for (size_t i = 0; argc == 2 && i < sizeof modos / sizeof modos[0]; i++) {
        if (strcmp(argv[1], modos[i].nombre) != 0)
            continue;
        r = uv_loop_init(&bucle);
        if (r < 0) {
            fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
            return 1;
        }
        if (modos[i].ejecutar(&bucle) < 0)
            fprintf(stderr, "%s: no se pudo preparar\n", modos[i].nombre);
        /* Sin bucle_terminar: si algo quedó abierto, se ve aquí, no se arregla solo. */
        r = uv_loop_close(&bucle);
        printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
        return r == 0 ? 0 : 1;
    }
    fprintf(stderr, "uso: sintomas colgado|ebusy|tuberia|doble|cierre\n");
    return 2;
}
