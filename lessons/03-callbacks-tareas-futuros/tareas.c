/* tareas.c — tareas en curso con su contexto, y un contador de pendientes que las reúne.
 *
 * Tres descargas simuladas (A tarda 2 s, B 1 s, C 3 s y falla) se lanzan a la vez. Cada
 * tarea es una operación en curso más el contexto que necesita al terminar. Un grupo
 * cuenta las que faltan; cuando llega a cero entrega TODOS los resultados, en el orden en
 * que se lanzaron (no en el que acabaron). Un fallo no detiene a las
 * demás: queda anotado como un código de error en su posición.
 */
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/cronograma.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define TAREAS 3

typedef struct grupo_s grupo_t;

typedef void (*grupo_cb)(grupo_t *g);

/* Una tarea: la operación en curso (el temporizador) y su contexto. */
typedef struct {
    const char *nombre;
    uint64_t duracion_ms;
    int debe_fallar;
    int indice;              /* su posición en el grupo */
    int id_cronograma;
    grupo_t *grupo;
    uv_timer_t temporizador; /* a propósito NO es el primer miembro */
} tarea_t;

/* El grupo: cuántas faltan, un hueco por resultado y qué hacer al final. */
struct grupo_s {
    int pendientes;
    int errores[TAREAS];     /* 0 = éxito; negativo = código de error de esa tarea */
    int bytes[TAREAS];
    const char *nombres[TAREAS];
    grupo_cb al_completar;
    cronograma_t *cronograma;
};

static uint64_t origen_ms;

static void tarea_terminada(grupo_t *g, int indice, int error, int bytes)
{
    g->errores[indice] = error;
    g->bytes[indice] = bytes;
    if (--g->pendientes == 0)
        g->al_completar(g);
}

static void al_vencer(uv_timer_t *t)
{
    /* Sin ->data: la tarea se recupera a partir de la dirección de su miembro. */
    tarea_t *tarea = CONTENEDOR_DE(t, tarea_t, temporizador);
    int error = tarea->debe_fallar ? UV_ECONNRESET : 0;

    cronograma_terminar(tarea->grupo->cronograma, tarea->id_cronograma);
    printf("[%4.2f s] %s termina: %s\n", reloj_desde(origen_ms), tarea->nombre,
           error == 0 ? "bien" : uv_err_name(error));
    uv_close((uv_handle_t *)t, NULL);
    tarea_terminada(tarea->grupo, tarea->indice, error, error == 0 ? 1000 * (tarea->indice + 1) : 0);
}

static int lanzar(uv_loop_t *bucle, grupo_t *g, tarea_t *tarea, int indice)
{
    int r = uv_timer_init(bucle, &tarea->temporizador);
    if (r < 0)
        return r;
    tarea->indice = indice;
    tarea->grupo = g;
    g->nombres[indice] = tarea->nombre;
    tarea->id_cronograma = cronograma_empezar(g->cronograma, tarea->nombre);
    r = uv_timer_start(&tarea->temporizador, al_vencer, tarea->duracion_ms, 0);
    if (r < 0) {
        uv_close((uv_handle_t *)&tarea->temporizador, NULL);
        return r;
    }
    g->pendientes++;
    printf("[%4.2f s] %s lanzada\n", reloj_desde(origen_ms), tarea->nombre);
    return 0;
}

static void al_completar_todas(grupo_t *g)
{
    printf("[%4.2f s] gather: han terminado todas; resultados en orden de lanzamiento:\n",
           reloj_desde(origen_ms));
    for (int i = 0; i < TAREAS; i++) {
        if (g->errores[i] == 0)
            printf("  %s: %d bytes\n", g->nombres[i], g->bytes[i]);
        else
            printf("  %s: error %s\n", g->nombres[i], uv_err_name(g->errores[i]));
    }
}

int main(void)
{
    uv_loop_t bucle;
    tarea_t tareas[TAREAS] = {
        {.nombre = "descarga A", .duracion_ms = 2000},
        {.nombre = "descarga B", .duracion_ms = 1000},
        {.nombre = "descarga C", .duracion_ms = 3000, .debe_fallar = 1},
    };
    grupo_t grupo = {.pendientes = 0, .al_completar = al_completar_todas};
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    origen_ms = reloj_ms();
    grupo.cronograma = cronograma_nuevo();
    if (grupo.cronograma == NULL)
        r = UV_ENOMEM;
    for (int i = 0; i < TAREAS && r == 0; i++)
        r = lanzar(&bucle, &grupo, &tareas[i], i);
    if (r < 0)
        fprintf(stderr, "lanzar: %s\n", error_texto(r));
    if (bucle_terminar(&bucle) != 0 && r == 0)
        r = UV_EBUSY;
    if (grupo.cronograma != NULL) {
        cronograma_imprimir(grupo.cronograma, stdout);
        cronograma_liberar(grupo.cronograma);
    }
    return r == 0 ? 0 : 1;
}
