/* ejercicio.c — un servicio que para con orden (práctica 1 de la lección 12).
 *
 *   servicio term|int|dos    empieza un trabajo de 250 ms cada 100 ms y, a los 420 ms, se
 *                            envía SIGTERM (term, dos) o SIGINT (int); «dos» envía otra
 *                            SIGTERM a los 470 ms.
 *
 * Tal como está, nadie atiende las señales y SIGTERM mata el proceso. Tu trabajo: la parada
 * ordenada (ver README.md); el servicio, abajo, no se cambia.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_TRABAJOS 16

static uv_timer_t generador, guion, trabajos[MAX_TRABAJOS];
static uv_signal_t term, intr;
static int empezados, terminados, en_curso, parando, segunda;

/* Lo llama cada trabajo que acaba: si estamos parando y ya no queda ninguno, se cierra lo
 * que falta. */
static void cerrar_todo_si_acabo(void)
{
    /* TODO */
}

/* TODO: al_recibir_senal */

/* Las dos señales de «para», convertidas en eventos del bucle. */
static void escuchar_senales(uv_loop_t *bucle)
{
    /* TODO */
    (void)bucle;
}

/* ---- El servicio (no lo cambies) ---- */

static void al_acabar_trabajo(uv_timer_t *t)
{
    uv_close((uv_handle_t *)t, NULL);
    en_curso--;
    terminados++;
    cerrar_todo_si_acabo();
}

static void al_generar(uv_timer_t *t)
{
    if (empezados == MAX_TRABAJOS)
        return;
    uv_timer_init(t->loop, &trabajos[empezados]);
    uv_timer_start(&trabajos[empezados], al_acabar_trabajo, 250, 0);
    empezados++;
    en_curso++;
}

static void al_guion(uv_timer_t *t)
{
    int senal = t->data != NULL ? SIGINT : SIGTERM;
    uv_kill(uv_os_getpid(), senal);
    if (segunda) { /* «dos»: otra SIGTERM dentro de 50 ms */
        segunda = 0;
        uv_timer_start(t, al_guion, 50, 0);
        return;
    }
    uv_close((uv_handle_t *)t, NULL);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    const char *modo = argc == 2 ? argv[1] : "";

    if (strcmp(modo, "term") != 0 && strcmp(modo, "int") != 0 && strcmp(modo, "dos") != 0) {
        fprintf(stderr, "uso: %s term|int|dos\n", argv[0]);
        return 2;
    }
    if (uv_loop_init(&bucle) < 0)
        return 1;
    escuchar_senales(&bucle);
    uv_timer_init(&bucle, &generador);
    uv_timer_start(&generador, al_generar, 100, 100);
    uv_timer_init(&bucle, &guion);
    guion.data = strcmp(modo, "int") == 0 ? "int" : NULL;
    segunda = strcmp(modo, "dos") == 0;
    uv_timer_start(&guion, al_guion, 420, 0);
    if (bucle_terminar(&bucle) != 0)
        return 1;
    if (terminados == empezados)
        printf("todos los trabajos empezados han terminado\n");
    else
        printf("quedaron %d trabajos a medias\n", empezados - terminados);
    return 0;
}
