/* ejercicio.c — lotes en canalización (práctica 3 de la lección 10): una respuesta.
 *
 *   canalizar LOTE...    cada LOTE es una lista de valores separados por comas (1,2,3); por
 *                        cada valor, SELECT $1::int * 2. Se envía TODO de una vez en
 *                        canalización, con un PQpipelineSync al final de cada lote, y se
 *                        escribe cada resultado según llega.
 *
 * La sección 4 de la lección: en canalización, el NULL de PQgetResult separa los resultados de
 * una consulta de los de la siguiente (no es el final), el final de cada lote es un resultado
 * PGRES_PIPELINE_SYNC, y si una consulta falla, las siguientes DEL MISMO LOTE llegan como
 * PGRES_PIPELINE_ABORTED (no se ejecutan); el lote siguiente, tras su SYNC, va normal.
 *
 * La conexión se abre bloqueando antes de arrancar el bucle, como en canalizacion.c.
 * Memoria: cada PGresult se libera con PQclear; los lotes son trozos de una copia de argv.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_LOTES 8
#define MAX_VALORES 16

static char *lotes[MAX_LOTES][MAX_VALORES]; /* los valores de cada lote */
static int nvalores[MAX_LOTES], nlotes;
static PGconn *pg;
static uv_poll_t poll;
static int lote, consulta; /* de qué lote y qué consulta es el próximo resultado (desde 0) */
static int fallos;

/* ─────────────── lo que ya está escrito ─────────────── */

/* Fin (bien o mal): se sale de la canalización y se deja de vigilar el socket. */
static void terminar(void)
{
    PQexitPipelineMode(pg);
    uv_close((uv_handle_t *)&poll, NULL); /* antes de PQfinish, que cierra el socket */
}

static void leer(void);

/* El socket se puede escribir (lo que quede: PQflush) o leer (leer()). */
static void al_poder(uv_poll_t *p, int estado, int eventos)
{
    if (estado < 0) {
        printf("uv_poll: %s\n", error_texto(estado));
        fallos++;
        terminar();
        return;
    }
    if (eventos & UV_WRITABLE) {
        int r = PQflush(pg);
        if (r == 0) /* todo enviado: a partir de ahora solo interesa leer */
            uv_poll_start(p, UV_READABLE, al_poder);
        else if (r < 0) {
            printf("no se pudo enviar: %s", PQerrorMessage(pg));
            fallos++;
            terminar();
            return;
        }
    }
    if (eventos & UV_READABLE)
        leer();
}

/* ─────────────── lo que escribes tú ─────────────── */

/* Todo de una vez: cada valor, una consulta; cada lote, un PQpipelineSync. */
static void enviar_todo(void)
{
    int bien = PQenterPipelineMode(pg);
    for (int l = 0; l < nlotes && bien; l++) {
        for (int i = 0; i < nvalores[l] && bien; i++) {
            const char *valores[1] = {lotes[l][i]};
            bien = PQsendQueryParams(pg, "SELECT $1::int * 2", 1, NULL, valores, NULL, NULL, 0);
        }
        bien = bien && PQpipelineSync(pg); /* «fin del lote»: el servidor contesta con un SYNC */
    }
    if (!bien) {
        printf("no se pudo enviar: %s", PQerrorMessage(pg));
        fallos++;
        terminar();
        return;
    }
    uv_poll_start(&poll, UV_READABLE | UV_WRITABLE, al_poder); /* PQflush al poder escribir */
}

static void leer(void)
{
    if (!PQconsumeInput(pg)) {
        printf("se perdió la conexión: %s", PQerrorMessage(pg));
        fallos++;
        terminar();
        return;
    }
    while (!PQisBusy(pg)) {
        PGresult *res = PQgetResult(pg);
        ExecStatusType st;
        if (res == NULL)
            continue; /* fin de UNA consulta: detrás vienen los de la siguiente */
        st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            printf("lote %d: sincronizado\n", lote + 1);
            lote++;
            consulta = 0;
        } else {
            printf("lote %d, consulta %d: ", lote + 1, ++consulta);
            if (st == PGRES_TUPLES_OK) {
                printf("%s\n", PQgetvalue(res, 0, 0));
            } else if (st == PGRES_PIPELINE_ABORTED) {
                printf("descartada\n");
            } else {
                printf("error de SQL (%s)\n", PQresultErrorField(res, PG_DIAG_SQLSTATE));
                fallos++;
            }
        }
        PQclear(res);
        if (lote == nlotes) { /* el SYNC del último lote: no queda nada */
            terminar();
            return;
        }
    }
}

/* ─────────────── lo que ya está escrito: los lotes, conectar, arrancar y cerrar ─────────────── */

int main(int argc, char **argv)
{
    const char *conexion = getenv("BD_CONEXION");
    const char *claves[] = {"dbname", "sslmode", "gssencmode", "application_name", NULL};
    const char *valores[] = {conexion, "disable", "disable", "canalizar", NULL};
    uv_loop_t bucle;
    int r;

    if (argc < 2 || argc - 1 > MAX_LOTES) {
        fprintf(stderr, "uso: %s LOTE...   (de 1 a %d lotes; un lote: valores separados por comas)\n",
                argv[0], MAX_LOTES);
        return 2;
    }
    for (int l = 0; l < argc - 1; l++) { /* strtok_r trocea argv[l + 1] en su sitio */
        char *resto = NULL, *v = strtok_r(argv[l + 1], ",", &resto);
        for (; v != NULL && nvalores[l] < MAX_VALORES; v = strtok_r(NULL, ",", &resto))
            lotes[l][nvalores[l]++] = v;
        if (nvalores[l] == 0 || v != NULL) {
            fprintf(stderr, "cada lote lleva de 1 a %d valores separados por comas\n", MAX_VALORES);
            return 2;
        }
    }
    nlotes = argc - 1;
    if (conexion == NULL || conexion[0] == '\0') {
        fprintf(stderr, "falta BD_CONEXION: arranca PostgreSQL con «make bd» y exporta la cadena "
                        "que imprime (export BD_CONEXION=\"$(make -s bd)\")\n");
        return 2;
    }
    pg = PQconnectdbParams(claves, valores, 1);
    if (PQstatus(pg) != CONNECTION_OK || PQsetnonblocking(pg, 1) != 0 || uv_loop_init(&bucle) < 0) {
        fprintf(stderr, "no se pudo conectar: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return 1;
    }
    uv_poll_init(&bucle, &poll, PQsocket(pg));
    enviar_todo();
    r = bucle_terminar(&bucle);
    PQfinish(pg);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : error_texto(r));
    return fallos == 0 && r == 0 ? 0 : 1;
}
