/* ejercicio.c — consultas de libpq sin bloquear el bucle (práctica 2 de la lección 10): una
 * respuesta.
 *
 *   sin-bloquear VALOR...    abre una conexión con PostgreSQL por VALOR (BD_CONEXION) y
 *                            envía por cada una, A LA VEZ, SELECT pg_sleep(1), $1::int * 2
 *                            con $1 = VALOR; escribe cada resultado según llega.
 *
 * La API no bloqueante de libpq conducida por un uv_poll_t por conexión, como en la lección
 * (sección 1): PQsendQueryParams mete la consulta en el búfer, PQflush la envía (1: queda,
 * vigilar LEER o ESCRIBIR), y al poder leer, PQconsumeInput y PQgetResult mientras PQisBusy
 * diga que no falta nada; el NULL de PQgetResult es el final de la consulta. Un latido cada
 * 50 ms cuenta las vueltas del bucle mientras tanto: si algo bloquea, no late.
 *
 * Conectar se hace ANTES de arrancar el bucle, bloqueando (PQconnectdbParams), como en
 * canalizacion.c: mientras el bucle no corre no hay nadie a quien hacer esperar, y así el
 * ejercicio se centra en las consultas.
 *
 * Memoria: cada PGresult es de quien lo recibe (PQclear); cada conexión, de main (PQfinish al
 * final, después de cerrar su poll). Todo vive en un array estático.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_CONSULTAS 8

typedef enum { ENVIANDO, LEYENDO, HECHA } fase_t;

typedef struct {
    PGconn *pg;
    uv_poll_t poll; /* vigila PQsocket(pg) */
    int id;
    const char *valor;
    fase_t fase;
} consulta_t;

static consulta_t consultas[MAX_CONSULTAS];
static uv_timer_t latido;
static int latidos, en_curso, fallos;

/* ─────────────── lo que ya está escrito ─────────────── */

/* La consulta ha terminado (bien o mal): deja de vigilar su socket y, si era la última, para
 * el latido; así el bucle se queda sin trabajo y uv_run vuelve. */
static void terminar(consulta_t *q)
{
    q->fase = HECHA;
    uv_close((uv_handle_t *)&q->poll, NULL);
    if (--en_curso == 0)
        uv_close((uv_handle_t *)&latido, NULL);
}

static void al_latir(uv_timer_t *t)
{
    (void)t;
    latidos++;
}

static void al_poder(uv_poll_t *poll, int estado, int eventos);

/* ─────────────── lo que escribes tú ─────────────── */

/* PQflush: 0 = todo enviado (a esperar la respuesta: LEER); 1 = queda (LEER o ESCRIBIR);
 * -1 = error. */
static void vaciar(consulta_t *q)
{
    int r = PQflush(q->pg);
    if (r < 0) {
        printf("consulta %d: no se pudo enviar\n", q->id);
        fallos++;
        terminar(q);
        return;
    }
    q->fase = r == 0 ? LEYENDO : ENVIANDO;
    uv_poll_start(&q->poll, r == 0 ? UV_READABLE : UV_READABLE | UV_WRITABLE, al_poder);
}

static void enviar(consulta_t *q)
{
    const char *valores[1] = {q->valor};
    if (!PQsendQueryParams(q->pg, "SELECT pg_sleep(1), $1::int * 2", 1, NULL, valores, NULL, NULL,
                           0)) {
        printf("consulta %d: no se pudo enviar\n", q->id);
        fallos++;
        terminar(q);
        return;
    }
    vaciar(q);
}

/* Lee lo que haya llegado y saca los resultados que ya están completos. */
static void leer(consulta_t *q)
{
    PGresult *res;
    if (!PQconsumeInput(q->pg)) {
        printf("consulta %d: se perdió la conexión\n", q->id);
        fallos++;
        terminar(q);
        return;
    }
    while (!PQisBusy(q->pg)) { /* solo entonces PQgetResult no bloquea */
        res = PQgetResult(q->pg);
        if (res == NULL) { /* fin de esta consulta */
            terminar(q);
            return;
        }
        if (PQresultStatus(res) == PGRES_TUPLES_OK) {
            printf("consulta %d: %s * 2 = %s\n", q->id, q->valor, PQgetvalue(res, 0, 1));
        } else {
            printf("consulta %d: error de SQL (%s)\n", q->id, PQresultErrorField(res, PG_DIAG_SQLSTATE));
            fallos++;
        }
        PQclear(res);
    }
}

static void al_poder(uv_poll_t *poll, int estado, int eventos)
{
    consulta_t *q = poll->data;
    if (estado < 0) {
        printf("consulta %d: %s\n", q->id, error_texto(estado));
        fallos++;
        terminar(q);
    } else if (q->fase == ENVIANDO) {
        if ((eventos & UV_READABLE) && !PQconsumeInput(q->pg)) {
            printf("consulta %d: se perdió la conexión\n", q->id);
            fallos++;
            terminar(q);
            return;
        }
        vaciar(q);
    } else if (q->fase == LEYENDO) {
        leer(q);
    }
}

/* ─────────────── lo que ya está escrito: conectar, arrancar y cerrar ─────────────── */

int main(int argc, char **argv)
{
    const char *conexion = getenv("BD_CONEXION");
    const char *claves[] = {"dbname", "sslmode", "gssencmode", "application_name", NULL};
    const char *valores[] = {conexion, "disable", "disable", "sin-bloquear", NULL};
    uv_loop_t bucle;
    int n = argc - 1, conectadas = 0, r;

    if (n < 1 || n > MAX_CONSULTAS) {
        fprintf(stderr, "uso: %s VALOR...   (de 1 a %d)\n", argv[0], MAX_CONSULTAS);
        return 2;
    }
    if (conexion == NULL || conexion[0] == '\0') {
        fprintf(stderr, "falta BD_CONEXION: arranca PostgreSQL con «make bd» y exporta la cadena "
                        "que imprime (export BD_CONEXION=\"$(make -s bd)\")\n");
        return 2;
    }
    if (uv_loop_init(&bucle) < 0)
        return 1;
    for (int i = 0; i < n; i++) {
        consulta_t *q = &consultas[i];
        q->id = i + 1;
        q->valor = argv[i + 1];
        /* expand_dbname = 1: el primer «dbname» puede ser una cadena de conexión completa. */
        q->pg = PQconnectdbParams(claves, valores, 1);
        if (PQstatus(q->pg) != CONNECTION_OK || PQsetnonblocking(q->pg, 1) != 0 ||
            uv_poll_init(&bucle, &q->poll, PQsocket(q->pg)) < 0) {
            fprintf(stderr, "no se pudo conectar: %s", PQerrorMessage(q->pg));
            PQfinish(q->pg);
            break;
        }
        q->poll.data = q;
        conectadas++;
    }
    if (conectadas == n) {
        uv_timer_init(&bucle, &latido);
        uv_timer_start(&latido, al_latir, 50, 50);
        en_curso = n;
        for (int i = 0; i < n; i++)
            enviar(&consultas[i]);
    } else {
        for (int i = 0; i < conectadas; i++)
            uv_close((uv_handle_t *)&consultas[i].poll, NULL);
        fallos++;
    }
    r = bucle_terminar(&bucle);
    for (int i = 0; i < conectadas; i++)
        PQfinish(consultas[i].pg);
    if (conectadas == n)
        printf("mientras esperaba, el bucle %s\n", latidos >= 2 ? "siguió latiendo" : "no latió: ¿bloqueado?");
    printf("uv_loop_close: %s\n", r == 0 ? "0" : error_texto(r));
    return fallos == 0 && r == 0 ? 0 : 1;
}
