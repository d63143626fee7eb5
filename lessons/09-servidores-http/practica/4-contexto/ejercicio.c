/* ejercicio.c — un gestor de contexto asíncrono: con_plaza (práctica 4 de la lección 9).
 *
 *   contexto USO...    cada USO es un cuerpo que dura N ms: «300» termina bien, «300e» termina
 *                      con error y «300d» avisa dos veces de que ha terminado (un cuerpo
 *                      descuidado). Todos piden a la vez una plaza de un grupo de 2.
 *
 * El gestor de contexto de la sección 4 de la lección: con_plaza(grupo, uso) es la ENTRADA
 * (espera una plaza libre, por orden de llegada) y después ejecuta el cuerpo; el cuerpo avisa con
 * contexto_salir(uso, error) cuando acaba, bien o mal; la SALIDA se ejecuta siempre y una sola
 * vez: devuelve la plaza (que pasa directamente al primero que espera) y, con la plaza ya
 * devuelta, entrega al_terminar(uso, error del cuerpo).
 *
 * Tal como está, nadie entra nunca. Tu trabajo: con_plaza y contexto_salir (ver README.md);
 * el cuerpo, al_terminar y main ya están escritos.
 *
 * Memoria: cada uso_t se reserva en main y se libera al cerrar su temporizador (en
 * al_terminar).
 */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

typedef struct uso uso_t;
struct uso {
    uv_timer_t reloj; /* el trabajo del cuerpo */
    uso_t *siguiente; /* en la cola de espera */
    int id, ms;
    char modo; /* ' ' bien, 'e' con error, 'd' avisa dos veces */
    int saliendo; /* la salida ya se ejecutó */
};

typedef struct {
    int libres;              /* plazas libres */
    uso_t *cabeza, *cola;    /* los que esperan, por orden de llegada */
} grupo_t;

static grupo_t grupo = {2, NULL, NULL};
static int dentro, maximo, terminados;

static void cuerpo(uso_t *u);
static void al_terminar(uso_t *u, int error);

/* ─────────────── lo que escribes tú ─────────────── */

/* Entra en el grupo: con una plaza libre y nadie esperando, ya; si no, a la cola. */
static void con_plaza(grupo_t *g, uso_t *u)
{
    /* TODO */
    (void)g;
    (void)u;
}

/* El cuerpo ha terminado (error = 0 si bien). La salida: una sola vez, pase lo que pase. */
static void contexto_salir(uso_t *u, int error)
{
    /* TODO */
    (void)u;
    (void)error;
}

/* ─────────────── lo que ya está escrito ─────────────── */

static void al_cerrar(uv_handle_t *h)
{
    free(CONTENEDOR_DE((uv_timer_t *)h, uso_t, reloj));
}

static void al_terminar(uso_t *u, int error)
{
    printf("uso %d: resultado: %s\n", u->id, error_texto(error));
    terminados++;
    uv_close((uv_handle_t *)&u->reloj, al_cerrar);
}

static void al_acabar_trabajo(uv_timer_t *t)
{
    uso_t *u = CONTENEDOR_DE(t, uso_t, reloj);
    dentro--;
    printf("uso %d: el cuerpo acaba%s\n", u->id, u->modo == 'e' ? " con error" : "");
    contexto_salir(u, u->modo == 'e' ? UV_EIO : 0);
    if (u->modo == 'd')
        contexto_salir(u, 0); /* un cuerpo descuidado avisa otra vez */
}

/* El cuerpo: dentro del contexto, un trabajo de u->ms ms. */
static void cuerpo(uso_t *u)
{
    if (++dentro > maximo)
        maximo = dentro;
    printf("uso %d: entra (dentro: %d)\n", u->id, dentro);
    uv_timer_start(&u->reloj, al_acabar_trabajo, (uint64_t)u->ms, 0);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;

    if (argc < 2 || argc > 21) {
        fprintf(stderr, "uso: %s USO...   (de 1 a 20; USO = ms, ms«e» o ms«d»: 300, 300e, 300d)\n", argv[0]);
        return 2;
    }
    if (uv_loop_init(&bucle) < 0)
        return 1;
    for (int i = 1; i < argc; i++) {
        uso_t *u = calloc(1, sizeof *u);
        char modo = ' ';
        if (u == NULL)
            break;
        if (sscanf(argv[i], "%d%c", &u->ms, &modo) < 1 || u->ms < 0 || u->ms > 5000) {
            fprintf(stderr, "uso no válido: «%s»\n", argv[i]);
            free(u);
            continue;
        }
        u->id = i;
        u->modo = modo;
        uv_timer_init(&bucle, &u->reloj);
        con_plaza(&grupo, u);
    }
    if (bucle_terminar(&bucle) != 0)
        return 1;
    printf("%d usos terminados, como mucho %d dentro a la vez, %d plazas libres al final\n", terminados,
           maximo, grupo.libres);
    return 0;
}
