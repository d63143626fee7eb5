/* grupo_hilos.c — llevar trabajo bloqueante a otros hilos con uv_queue_work, y la trampa del
 * grupo de hilos de libuv.
 *
 * Seis tareas bloqueantes de 1 s cada una van al grupo de hilos. Mientras, el bucle sigue
 * atendiendo un latido cada 0.25 s (prueba de que no se bloqueó) y, a los 0.10 s, pide un
 * simple uv_fs_stat(). El grupo tiene 4 hilos por omisión y lo comparten uv_queue_work,
 * uv_fs_* y getaddrinfo: el stat tiene que hacer cola detrás de las tareas.
 *
 *   grupo_hilos             4 hilos: las tareas 5 y 6 esperan; el stat también (~0.90 s)
 *   grupo_hilos --hilos 8   8 hilos: todo a la vez; el stat responde en el acto
 *
 * Los hilos comparten un contador (tareas ejecutándose a la vez) protegido por un uv_mutex.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bitacora.h"
#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define TAREAS 6

typedef struct programa_s programa_t;

typedef struct {
    programa_t *prog;
    int numero;
    uv_work_t req;
    /* Las escribe el hilo trabajador y las lee el bucle en after_work: libuv garantiza que
     * after_work ve todo lo que escribió work (hay sincronización entre medias). */
    uint64_t empieza_ms, acaba_ms;
} tarea_t;

struct programa_s {
    uint64_t inicio_ms;
    uv_mutex_t mutex;     /* protege los dos campos siguientes, que tocan varios hilos */
    int a_la_vez;
    int maximo_a_la_vez;
    int pendientes;
    uv_timer_t latido;
    uint64_t ultimo_latido_ms;
    uint64_t mayor_hueco_ms;
    uv_timer_t lanzador_stat;
    uv_fs_t stat;
    uint64_t stat_pedido_ms;
};

/* --- En un hilo del grupo: nada de libuv aquí salvo lo que es seguro entre hilos. --- */
static void tarea_bloqueante(uv_work_t *req)
{
    tarea_t *t = req->data;
    programa_t *prog = t->prog;

    t->empieza_ms = reloj_ms();
    uv_mutex_lock(&prog->mutex);
    prog->a_la_vez++;
    if (prog->a_la_vez > prog->maximo_a_la_vez)
        prog->maximo_a_la_vez = prog->a_la_vez;
    uv_mutex_unlock(&prog->mutex);

    uv_sleep(1000); /* la llamada bloqueante: 1 s sin soltar el hilo */

    uv_mutex_lock(&prog->mutex);
    prog->a_la_vez--;
    uv_mutex_unlock(&prog->mutex);
    t->acaba_ms = reloj_ms();
}

/* --- De vuelta en el hilo del bucle. --- */
static void tarea_hecha(uv_work_t *req, int estado)
{
    tarea_t *t = req->data;
    programa_t *prog = t->prog;
    if (estado < 0)
        bitacora_error("tarea %d: %s", t->numero, error_texto(estado));
    prog->pendientes--;
    if (prog->pendientes == 0)
        uv_close((uv_handle_t *)&prog->latido, NULL); /* ya no hay nada que vigilar */
}

static void al_latir(uv_timer_t *temporizador)
{
    programa_t *prog = temporizador->data;
    uint64_t ahora = reloj_ms();
    if (ahora - prog->ultimo_latido_ms > prog->mayor_hueco_ms)
        prog->mayor_hueco_ms = ahora - prog->ultimo_latido_ms;
    prog->ultimo_latido_ms = ahora;
    bitacora_depurar("latido");
}

static void al_terminar_stat(uv_fs_t *req)
{
    programa_t *prog = req->data;
    printf("[%.2f s] uv_fs_stat(\".\") respondido tras %.2f s (%s)\n",
           reloj_desde(prog->inicio_ms), reloj_desde(prog->stat_pedido_ms),
           req->result < 0 ? uv_err_name((int)req->result) : "ok");
    uv_fs_req_cleanup(req);
}

static void al_pedir_stat(uv_timer_t *temporizador)
{
    programa_t *prog = temporizador->data;
    int r;
    prog->stat_pedido_ms = reloj_ms();
    prog->stat.data = prog;
    printf("[%.2f s] pido uv_fs_stat(\".\")\n", reloj_desde(prog->inicio_ms));
    r = uv_fs_stat(temporizador->loop, &prog->stat, ".", al_terminar_stat);
    if (r < 0)
        bitacora_error("uv_fs_stat: %s", error_texto(r));
    uv_close((uv_handle_t *)temporizador, NULL);
}

/* Lee «--hilos N» (1..128). Devuelve N, 0 si no se pasó o -1 si es inválido. */
static int leer_hilos(int argc, char **argv)
{
    char *fin;
    long n;
    if (argc == 1)
        return 0;
    if (argc != 3 || strcmp(argv[1], "--hilos") != 0)
        return -1;
    errno = 0;
    n = strtol(argv[2], &fin, 10);
    if (errno != 0 || *fin != '\0' || n < 1 || n > 128)
        return -1;
    return (int)n;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    programa_t prog = {0};
    tarea_t tareas[TAREAS];
    int hilos = leer_hilos(argc, argv);
    int i, r;

    if (hilos < 0) {
        fprintf(stderr, "uso: %s [--hilos N]   (N entre 1 y 128)\n", argv[0]);
        return 2;
    }
    if (hilos > 0) {
        /* Debe fijarse antes del primer uso del grupo, que se crea una sola vez. */
        char texto[16];
        snprintf(texto, sizeof texto, "%d", hilos);
        setenv("UV_THREADPOOL_SIZE", texto, 1);
    } else {
        /* Si no nos lo piden, forzamos el valor por omisión aunque la variable venga del
         * entorno, para que la salida sea la documentada. */
        unsetenv("UV_THREADPOOL_SIZE");
        hilos = 4;
    }
    printf("Grupo de hilos: %d; %d tareas bloqueantes de 1 s.\n", hilos, TAREAS);

    if (uv_loop_init(&bucle) < 0 || uv_mutex_init(&prog.mutex) < 0)
        return 1;
    prog.inicio_ms = prog.ultimo_latido_ms = reloj_ms();

    for (i = 0; i < TAREAS; i++) {
        tareas[i] = (tarea_t){.prog = &prog, .numero = i + 1};
        tareas[i].req.data = &tareas[i];
        r = uv_queue_work(&bucle, &tareas[i].req, tarea_bloqueante, tarea_hecha);
        if (r < 0) {
            fprintf(stderr, "uv_queue_work: %s\n", error_texto(r));
            return 1;
        }
        prog.pendientes++;
    }
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_init(&bucle, &prog.latido);
    prog.latido.data = &prog;
    uv_timer_start(&prog.latido, al_latir, 250, 250);
    uv_timer_init(&bucle, &prog.lanzador_stat);
    prog.lanzador_stat.data = &prog;
    uv_timer_start(&prog.lanzador_stat, al_pedir_stat, 100, 0);

    r = bucle_terminar(&bucle);
    uv_mutex_destroy(&prog.mutex);

    printf("tarea  empieza  acaba\n");
    for (i = 0; i < TAREAS; i++) {
        tarea_t *t = &tareas[i];
        printf("%5d  %5.2f s  %5.2f s\n", t->numero,
               (double)(t->empieza_ms - prog.inicio_ms) / 1000.0,
               (double)(t->acaba_ms - prog.inicio_ms) / 1000.0);
    }
    printf("Máximo de tareas a la vez: %d\n", prog.maximo_a_la_vez);
    printf("Mayor hueco entre latidos del bucle: %.2f s\n", (double)prog.mayor_hueco_ms / 1000.0);
    printf("Tiempo total: %.2f s\n", reloj_desde(prog.inicio_ms));
    return r == 0 ? 0 : 1;
}
