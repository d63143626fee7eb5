/* pool.c — un pool mínimo de conexiones, y parámetros frente a inyección de SQL.
 *
 * Parte 1 (una conexión, paso a paso): crea la tabla leccion10_usuarios, inserta tres filas
 * CON PARÁMETROS y busca un texto malicioso de dos maneras: pegándolo en el SQL (la entrada
 * cambia la consulta) y como parámetro $1 (la entrada es solo un dato).
 *
 * Parte 2 (el pool): 9 tareas, cada una con una consulta de 0.2 s, sobre un pool de 3
 * conexiones. Las tres primeras obtienen conexión al momento; las demás esperan en una cola
 * FIFO y la reciben, por orden de llegada, cuando otra tarea devuelve la suya.
 *
 * Es el pool más pequeño posible: todas las conexiones se abren al principio, ninguna se
 * sustituye si se rompe y nadie cancela nada. El laboratorio 12 pide todo eso.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bd.h"
#include "curso/contenedor.h"
#include "curso/reloj.h"

#define TAM_POOL 3
#define TAREAS   9

/* --- El pool ------------------------------------------------------------------------- */

typedef struct pedido_s {
    struct pedido_s *siguiente;
    void (*al_obtener)(struct pedido_s *pedido, bd_conexion_t *c);
} pedido_t;

typedef struct {
    bd_conexion_t *todas[TAM_POOL];
    bd_conexion_t *libres[TAM_POOL];
    int nlibres;
    pedido_t *cabeza, *cola; /* quien espera conexión, por orden de llegada */
    int esperas;
} pool_t;

/* Camino rápido: devuelve una conexión libre. Camino lento: apunta el pedido en la cola y
 * devuelve NULL; pedido->al_obtener llegará cuando alguien devuelva una conexión. */
static bd_conexion_t *pool_pedir(pool_t *pool, pedido_t *pedido)
{
    if (pool->nlibres > 0 && pool->cabeza == NULL)
        return pool->libres[--pool->nlibres];
    pedido->siguiente = NULL;
    if (pool->cola != NULL)
        pool->cola->siguiente = pedido;
    else
        pool->cabeza = pedido;
    pool->cola = pedido;
    pool->esperas++;
    return NULL;
}

/* La conexión vuelve al pool: si alguien espera, pasa directamente al primero. */
static void pool_devolver(pool_t *pool, bd_conexion_t *c)
{
    pedido_t *primero = pool->cabeza;
    if (primero == NULL) {
        pool->libres[pool->nlibres++] = c;
        return;
    }
    pool->cabeza = primero->siguiente;
    if (pool->cabeza == NULL)
        pool->cola = NULL;
    primero->al_obtener(primero, c);
}

/* --- El programa ----------------------------------------------------------------------- */

typedef struct programa_s programa_t;

typedef struct {
    pedido_t pedido;
    programa_t *prog;
    int numero;
    char valor[16];
    double empezo; /* cuándo obtuvo conexión */
    int espero;
    char resultado[32];
} tarea_t;

struct programa_s {
    pool_t pool;
    tarea_t tareas[TAREAS];
    int conectadas;
    int pendientes;
    int paso;
    int fallos;
    uint64_t inicio_ms;
};

static void siguiente_paso(programa_t *p, bd_conexion_t *c);

static void cerrar_pool(programa_t *p)
{
    for (int i = 0; i < TAM_POOL; i++)
        if (p->pool.todas[i] != NULL)
            bd_cerrar(p->pool.todas[i], NULL, NULL);
}

/* Parte 1: los pasos, uno detrás de otro en la misma conexión. */
#define MALICIOSA "x' OR 'a'='a"

typedef struct {
    const char *que;
    const char *sql;
    int n;
    const char *valores[2];
} paso_t;

static char sql_pegado[256];

static const paso_t pasos[] = {
    {NULL, "DROP TABLE IF EXISTS leccion10_usuarios", 0, {NULL}},
    {NULL, "CREATE TABLE leccion10_usuarios (id integer PRIMARY KEY, nombre text NOT NULL)", 0,
     {NULL}},
    {NULL, "INSERT INTO leccion10_usuarios VALUES ($1, $2)", 2, {"1", "Ana"}},
    {NULL, "INSERT INTO leccion10_usuarios VALUES ($1, $2)", 2, {"2", "Bernardo O'Higgins"}},
    {NULL, "INSERT INTO leccion10_usuarios VALUES ($1, $2)", 2, {"3", "Chus"}},
    {"pegado en el SQL", sql_pegado, 0, {NULL}},
    {"como parámetro $1", "SELECT count(*) FROM leccion10_usuarios WHERE nombre = $1", 1,
     {MALICIOSA}},
    {"O'Higgins como parámetro", "SELECT count(*) FROM leccion10_usuarios WHERE nombre = $1", 1,
     {"Bernardo O'Higgins"}},
    {NULL, "DROP TABLE leccion10_usuarios", 0, {NULL}},
};

static void empezar_tareas(programa_t *p, bd_conexion_t *c);

static void al_terminar_paso(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    programa_t *p = datos;
    const paso_t *paso = &pasos[p->paso];
    if (estado != 0) {
        fprintf(stderr, "«%s» falló: %s (SQLSTATE %s)\n", paso->sql, bd_texto(estado),
                res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : "-");
        p->fallos++;
        PQclear(res);
        pool_devolver(&p->pool, c);
        cerrar_pool(p);
        return;
    }
    if (paso->que != NULL) {
        const char *n = PQgetvalue(res, 0, 0);
        printf("  %s: %s %s\n", paso->que, n, strcmp(n, "1") == 0 ? "fila" : "filas");
    }
    PQclear(res);
    p->paso++;
    siguiente_paso(p, c);
}

static void siguiente_paso(programa_t *p, bd_conexion_t *c)
{
    if (p->paso == (int)(sizeof pasos / sizeof pasos[0])) {
        empezar_tareas(p, c);
        return;
    }
    const paso_t *paso = &pasos[p->paso];
    if (bd_consultar(c, paso->sql, paso->n, paso->valores, al_terminar_paso, p) < 0) {
        p->fallos++;
        cerrar_pool(p);
    }
}

/* Parte 2: las tareas sobre el pool. */

static void al_terminar_tarea(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    tarea_t *t = datos;
    programa_t *p = t->prog;
    if (estado == 0)
        snprintf(t->resultado, sizeof t->resultado, "%s", PQgetvalue(res, 0, 1));
    else
        snprintf(t->resultado, sizeof t->resultado, "%s", bd_texto(estado));
    PQclear(res);
    pool_devolver(&p->pool, c); /* puede pasar la conexión a la siguiente tarea en el acto */
    p->pendientes--;
    if (p->pendientes > 0)
        return;
    printf("parte 2: %d tareas, pool de %d conexiones\n", TAREAS, TAM_POOL);
    for (int i = 0; i < TAREAS; i++)
        printf("  tarea %d: obtuvo conexión a los %.2f s%s; %s² = %s\n", i + 1,
               p->tareas[i].empezo, p->tareas[i].espero ? " (esperó en la cola)" : "",
               p->tareas[i].valor, p->tareas[i].resultado);
    printf("  esperas en la cola: %d; tiempo total: %.2f s\n", p->pool.esperas,
           reloj_desde(p->inicio_ms));
    cerrar_pool(p);
}

static void tarea_consultar(tarea_t *t, bd_conexion_t *c)
{
    const char *valores[1] = {t->valor};
    t->empezo = reloj_desde(t->prog->inicio_ms);
    if (bd_consultar(c, "SELECT pg_sleep(0.2), $1::int * $1::int", 1, valores,
                     al_terminar_tarea, t) < 0) {
        snprintf(t->resultado, sizeof t->resultado, "no se pudo enviar");
        pool_devolver(&t->prog->pool, c);
        t->prog->pendientes--;
    }
}

static void tarea_al_obtener(pedido_t *pedido, bd_conexion_t *c)
{
    tarea_consultar(CONTENEDOR_DE(pedido, tarea_t, pedido), c);
}

static void empezar_tareas(programa_t *p, bd_conexion_t *c)
{
    pool_devolver(&p->pool, c); /* la conexión de la parte 1 vuelve al pool */
    p->inicio_ms = reloj_ms();
    p->pendientes = TAREAS;
    for (int i = 0; i < TAREAS; i++) {
        tarea_t *t = &p->tareas[i];
        t->prog = p;
        t->numero = i + 1;
        snprintf(t->valor, sizeof t->valor, "%d", i + 1);
        t->pedido.al_obtener = tarea_al_obtener;
        bd_conexion_t *libre = pool_pedir(&p->pool, &t->pedido);
        if (libre != NULL)
            tarea_consultar(t, libre);
        else
            t->espero = 1;
    }
}

static void al_conectar(bd_conexion_t *c, int estado, void *datos)
{
    programa_t *p = datos;
    if (estado < 0) {
        fprintf(stderr, "%s\n", bd_error(c));
        p->fallos++;
    } else {
        p->pool.libres[p->pool.nlibres++] = c;
    }
    if (++p->conectadas < TAM_POOL)
        return;
    if (p->fallos > 0) {
        cerrar_pool(p);
        return;
    }
    printf("parte 1: buscar el nombre «%s»\n", MALICIOSA);
    siguiente_paso(p, p->pool.libres[--p->pool.nlibres]); /* recién conectadas: hay 3 libres */
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
    /* El error que esta lección enseña a evitar, escrito a propósito para verlo fallar. */
    snprintf(sql_pegado, sizeof sql_pegado,
             "SELECT count(*) FROM leccion10_usuarios WHERE nombre = '%s'", MALICIOSA);
    if (uv_loop_init(&bucle) < 0)
        return 1;
    for (int i = 0; i < TAM_POOL; i++) {
        if (bd_conectar(&bucle, &p.pool.todas[i], conexion, "pool", al_conectar, &p) < 0) {
            p.pool.todas[i] = NULL;
            p.fallos++;
            p.conectadas++;
        }
    }
    if (p.conectadas == TAM_POOL)
        cerrar_pool(&p);
    uv_run(&bucle, UV_RUN_DEFAULT);
    int r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0, todo cerrado" : bd_texto(r));
    return r == 0 && p.fallos == 0 ? 0 : 1;
}
