/* ejercicio.c — un pool justo (práctica 1 de la lección 10).
 *
 *   pool TAREAS CONEXIONES    TAREAS tareas comparten CONEXIONES conexiones; cada «consulta»
 *                             es un temporizador de 100 ms (no hace falta PostgreSQL).
 *
 * Tal como está, el pool no da ninguna conexión y ninguna tarea empieza. Tu trabajo:
 * pool_pedir y pool_devolver (ver README.md); lo demás ya está escrito.
 */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

#define MAX_CONEXIONES 8

typedef struct pedido pedido_t;
typedef void (*al_obtener_cb)(pedido_t *pedido, int conexion);
struct pedido {
    pedido_t *siguiente;
    al_obtener_cb al_obtener;
};

typedef struct {
    int libres[MAX_CONEXIONES]; /* una pila de conexiones libres */
    int nlibres;
    pedido_t *cabeza, *cola; /* los que esperan, por orden de llegada */
    int esperas;
} pool_t;

typedef struct {
    uv_timer_t consulta; /* la consulta simulada; la tarea se libera al cerrarla */
    pedido_t pedido;
    pool_t *pool;
    int id, conexion;
} tarea_t;

static int en_curso, maximo, terminadas;

/* Devuelve una conexión libre, o -1 si el pedido se queda en la cola (se le llamará). */
static int pool_pedir(pool_t *pool, pedido_t *pedido)
{
    /* TODO */
    (void)pool;
    (void)pedido;
    return -1;
}

/* La conexión vuelve: si alguien espera, pasa directamente al primero; si no, queda libre. */
static void pool_devolver(pool_t *pool, int conexion)
{
    /* TODO */
    (void)pool;
    (void)conexion;
}

static void al_cerrar(uv_handle_t *h)
{
    free(CONTENEDOR_DE((uv_timer_t *)h, tarea_t, consulta));
}

static void al_terminar_consulta(uv_timer_t *t)
{
    tarea_t *tarea = CONTENEDOR_DE(t, tarea_t, consulta);
    en_curso--;
    terminadas++;
    pool_devolver(tarea->pool, tarea->conexion);
    uv_close((uv_handle_t *)t, al_cerrar);
}

static void al_obtener(pedido_t *pedido, int conexion)
{
    tarea_t *tarea = CONTENEDOR_DE(pedido, tarea_t, pedido);
    tarea->conexion = conexion;
    printf("tarea %d: conexión %d\n", tarea->id, conexion);
    if (++en_curso > maximo)
        maximo = en_curso;
    uv_timer_start(&tarea->consulta, al_terminar_consulta, 100, 0);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    pool_t pool = {0};
    int ntareas, nconexiones;

    if (argc != 3 || sscanf(argv[1], "%d", &ntareas) != 1 || sscanf(argv[2], "%d", &nconexiones) != 1 ||
        ntareas < 1 || ntareas > 100 || nconexiones < 1 || nconexiones > MAX_CONEXIONES) {
        fprintf(stderr, "uso: %s TAREAS CONEXIONES   (1–100 tareas, 1–%d conexiones)\n", argv[0], MAX_CONEXIONES);
        return 2;
    }
    if (uv_loop_init(&bucle) < 0)
        return 1;
    for (int c = nconexiones - 1; c >= 0; c--) /* la 0 arriba de la pila: sale la primera */
        pool.libres[pool.nlibres++] = c;
    for (int i = 1; i <= ntareas; i++) {
        tarea_t *tarea = calloc(1, sizeof *tarea);
        int c;
        if (tarea == NULL)
            break;
        tarea->id = i;
        tarea->pool = &pool;
        tarea->pedido.al_obtener = al_obtener;
        uv_timer_init(&bucle, &tarea->consulta);
        c = pool_pedir(&pool, &tarea->pedido);
        if (c >= 0)
            al_obtener(&tarea->pedido, c);
    }
    if (bucle_terminar(&bucle) != 0)
        return 1;
    printf("%d tareas terminadas, como mucho %d a la vez, %d esperaron su turno\n", terminadas, maximo,
           pool.esperas);
    return 0;
}
