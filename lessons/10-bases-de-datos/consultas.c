/* consultas.c — el módulo del curso (curso/bd.h): una consulta por conexión.
 *
 * Abre tres conexiones con bd_conectar(). Cuando las tres están listas:
 *   1. lanza una consulta de 0.5 s en cada una: terminan a la vez (≈ 0.5 s);
 *   2. intenta una segunda consulta en una conexión ocupada: UV_EBUSY, al momento;
 *   3. pregunta al servidor cuántas conexiones ve con este application_name;
 *   4. lanza tres consultas de 0.5 s seguidas en UNA conexión: ≈ 1.5 s.
 * Después cierra las tres. La cadena de conexión sale de BD_CONEXION (`make bd`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bd.h"
#include "curso/reloj.h"

#define CONEXIONES 3
#define DORMIR     "SELECT pg_sleep(0.5)"

typedef struct {
    bd_conexion_t *con[CONEXIONES];
    int listas;
    int pendientes;
    int seguidas; /* consultas que faltan en la fase 4 */
    int fallos;
    uint64_t inicio_ms;
} programa_t;

static void fase_seguidas(programa_t *p);

static void cerrar_todas(programa_t *p)
{
    for (int i = 0; i < CONEXIONES; i++)
        if (p->con[i] != NULL)
            bd_cerrar(p->con[i], NULL, NULL);
}

static int fallo(programa_t *p, bd_conexion_t *c, int estado, PGresult *res)
{
    if (estado == 0)
        return 0;
    fprintf(stderr, "consulta fallida: %s: %s\n", bd_texto(estado),
            res != NULL ? PQresultErrorMessage(res) : bd_error(c));
    p->fallos++;
    return 1;
}

/* --- 4. Tres consultas seguidas en la misma conexión --------------------------------- */

static void al_terminar_seguida(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    programa_t *p = datos;
    int mal = fallo(p, c, estado, res);
    PQclear(res); /* el resultado es de la callback, siempre */
    p->seguidas--;
    if (!mal && p->seguidas > 0 && bd_consultar(c, DORMIR, 0, NULL, al_terminar_seguida, p) == 0)
        return; /* la siguiente solo puede salir cuando termina la anterior */
    printf("  3 consultas seguidas en una conexión: %.2f s\n", reloj_desde(p->inicio_ms));
    cerrar_todas(p);
}

static void fase_seguidas(programa_t *p)
{
    printf("fase 2: una detrás de otra\n");
    p->inicio_ms = reloj_ms();
    p->seguidas = 3;
    if (bd_consultar(p->con[0], DORMIR, 0, NULL, al_terminar_seguida, p) < 0)
        cerrar_todas(p);
}

/* --- 3. Lo que ve el servidor -------------------------------------------------------- */

static void al_contar(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    programa_t *p = datos;
    if (!fallo(p, c, estado, res))
        printf("  el servidor ve %s conexiones de «consultas» (pg_stat_activity)\n",
               PQgetvalue(res, 0, 0));
    PQclear(res);
    fase_seguidas(p);
}

/* --- 1. Una consulta en cada conexión, a la vez --------------------------------------- */

static void al_terminar_concurrente(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    programa_t *p = datos;
    fallo(p, c, estado, res);
    PQclear(res);
    p->pendientes--;
    if (p->pendientes > 0)
        return;
    printf("  3 consultas en 3 conexiones: %.2f s\n", reloj_desde(p->inicio_ms));
    const char *valores[1] = {"consultas"};
    if (bd_consultar(c, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", 1,
                     valores, al_contar, p) < 0)
        cerrar_todas(p);
}

static void fase_concurrente(programa_t *p)
{
    printf("fase 1: una consulta por conexión, las tres a la vez\n");
    p->inicio_ms = reloj_ms();
    for (int i = 0; i < CONEXIONES; i++)
        if (bd_consultar(p->con[i], DORMIR, 0, NULL, al_terminar_concurrente, p) == 0)
            p->pendientes++;
    /* 2. Una conexión es una conversación: con una consulta en curso no admite otra. */
    int r = bd_consultar(p->con[0], "SELECT 1", 0, NULL, al_terminar_concurrente, p);
    printf("  otra consulta en la conexión 1, ocupada: %s (%s)\n", bd_texto(r),
           r == UV_EBUSY ? "UV_EBUSY" : "¿?");
    if (p->pendientes == 0)
        cerrar_todas(p);
}

static void al_conectar(bd_conexion_t *c, int estado, void *datos)
{
    programa_t *p = datos;
    if (estado < 0) {
        fprintf(stderr, "%s\n", bd_error(c));
        p->fallos++;
    }
    p->listas++;
    if (p->listas < CONEXIONES)
        return;
    printf("%d conexiones abiertas en %.2f s\n", CONEXIONES, reloj_desde(p->inicio_ms));
    if (p->fallos > 0)
        cerrar_todas(p);
    else
        fase_concurrente(p);
}

int main(void)
{
    static programa_t p;
    const char *conexion = getenv("BD_CONEXION");
    uv_loop_t bucle;
    if (conexion == NULL || conexion[0] == '\0') {
        fprintf(stderr, "falta BD_CONEXION: arranca PostgreSQL con «make bd» y exporta la "
                        "cadena que imprime (export BD_CONEXION=\"$(make -s bd)\")\n");
        return 2;
    }
    if (uv_loop_init(&bucle) < 0)
        return 1;
    p.inicio_ms = reloj_ms();
    for (int i = 0; i < CONEXIONES; i++) {
        int r = bd_conectar(&bucle, &p.con[i], conexion, "consultas", al_conectar, &p);
        if (r < 0) {
            /* Fallo síncrono: no habrá al_conectar. Se cuenta como conectada (y fallida). */
            fprintf(stderr, "bd_conectar: %s\n", bd_texto(r));
            p.con[i] = NULL;
            p.fallos++;
            p.listas++;
        }
    }
    if (p.listas == CONEXIONES)
        cerrar_todas(&p);
    uv_run(&bucle, UV_RUN_DEFAULT);
    int r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0, todo cerrado" : bd_texto(r));
    return r == 0 && p.fallos == 0 ? 0 : 1;
}
