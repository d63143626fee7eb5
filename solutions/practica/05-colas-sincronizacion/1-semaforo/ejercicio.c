/* ejercicio.c — como mucho N a la vez (práctica 1 de la lección 5): una respuesta.
 *
 *   semaforo N MS...    una tarea por argumento; como mucho N en curso a la vez.
 *
 * Un semáforo de un solo hilo: plazas libres y una cola (aquí, el índice de la siguiente
 * tarea que espera, porque esperan en orden). Terminar una tarea libera su plaza y, si
 * alguna espera, la arranca en el acto.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_TAREAS 32

typedef struct {
    uv_timer_t temporizador;
    int numero;
    long ms;
} tarea_t;

static tarea_t *tareas[MAX_TAREAS];
static int total, siguiente, libres;

static void empezar_las_que_quepan(void);

static void al_cerrar(uv_handle_t *h)
{
    free(h->data);
}

static void al_terminar(uv_timer_t *t)
{
    tarea_t *tarea = t->data;

    printf("termina %d\n", tarea->numero);
    uv_close((uv_handle_t *)t, al_cerrar);
    libres++;
    empezar_las_que_quepan();
}

static void empezar_las_que_quepan(void)
{
    while (libres > 0 && siguiente < total) {
        tarea_t *tarea = tareas[siguiente++];

        libres--;
        printf("empieza %d\n", tarea->numero);
        uv_timer_start(&tarea->temporizador, al_terminar, (uint64_t)tarea->ms, 0);
    }
}

static int leer(const char *texto, long min, long max, long *valor)
{
    char *fin;

    errno = 0;
    *valor = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *valor >= min && *valor <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    long n;
    int r;

    total = argc - 2;
    if (argc < 3 || total > MAX_TAREAS || leer(argv[1], 1, MAX_TAREAS, &n) < 0) {
        fprintf(stderr, "uso: %s N MS... (de 1 a %d tareas)\n", argv[0], MAX_TAREAS);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    for (int i = 0; i < total; i++) {
        long ms;

        if (leer(argv[i + 2], 0, 60000, &ms) < 0) {
            fprintf(stderr, "duración no válida: %s\n", argv[i + 2]);
            total = i;
            break;
        }
        tareas[i] = malloc(sizeof *tareas[i]);
        if (tareas[i] == NULL) {
            fprintf(stderr, "sin memoria\n");
            total = i;
            break;
        }
        tareas[i]->numero = i + 1;
        tareas[i]->ms = ms;
        uv_timer_init(&bucle, &tareas[i]->temporizador); /* no falla: lección 2, §3 */
        tareas[i]->temporizador.data = tareas[i];
    }
    libres = (int)n;
    empezar_las_que_quepan();
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
