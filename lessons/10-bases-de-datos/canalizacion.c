/* canalizacion.c — la canalización (*pipeline mode*) de libpq: muchas consultas, una sola espera.
 *
 * Sin canalización, cada consulta es una ida y vuelta completa: enviar, esperar la respuesta,
 * y solo entonces enviar la siguiente. En canalización (libpq ≥ 14) se envían todas seguidas,
 * se marca el final con PQpipelineSync y se leen todos los resultados según llegan.
 *
 *   canalizacion [N]   N consultas «SELECT $1::int» (100 por omisión) de las dos maneras
 *
 * Para centrarse en la canalización, la conexión se abre BLOQUEANDO (PQconnectdbParams) antes de
 * arrancar el bucle: todavía no hay nadie a quien hacer esperar. Después, todo es no
 * bloqueante y lo conduce un uv_poll_t, como en libpq_a_mano.c.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/errores.h"
#include "curso/reloj.h"

typedef struct {
    PGconn *pg;
    uv_poll_t poll;
    int n;
    int canalizada;     /* 0: una a una; 1: en canalización */
    int enviadas;    /* una a una: cuántas van */
    int recibidas;
    int idas_vueltas; /* veces que hubo que esperar a que el servidor contestara */
    long long suma;
    int fallo;
    uint64_t inicio_ms;
} programa_t;

static void al_poder(uv_poll_t *poll, int estado, int eventos);

static int enviar_una(programa_t *p, int i)
{
    char numero[16];
    const char *valores[1] = {numero};
    snprintf(numero, sizeof numero, "%d", i + 1);
    return PQsendQueryParams(p->pg, "SELECT $1::int", 1, NULL, valores, NULL, NULL, 0);
}

/* Envía lo que toque y pide al bucle que avise cuando se pueda escribir (para PQflush). */
static void enviar(programa_t *p)
{
    int bien = 1;
    if (p->canalizada) {
        for (int i = 0; i < p->n && bien; i++)
            bien = enviar_una(p, i);
        bien = bien && PQpipelineSync(p->pg); /* «hasta aquí»: el servidor contesta con SYNC */
        p->idas_vueltas = 1;
    } else {
        bien = enviar_una(p, p->enviadas++);
        p->idas_vueltas++;
    }
    if (!bien) {
        fprintf(stderr, "no se pudo enviar: %s", PQerrorMessage(p->pg));
        p->fallo = 1;
        uv_poll_stop(&p->poll);
        return;
    }
    uv_poll_start(&p->poll, UV_WRITABLE | UV_READABLE, al_poder);
}

static void leer(programa_t *p)
{
    if (!PQconsumeInput(p->pg)) {
        fprintf(stderr, "se perdió la conexión: %s", PQerrorMessage(p->pg));
        p->fallo = 1;
        uv_poll_stop(&p->poll);
        return;
    }
    while (!PQisBusy(p->pg)) {
        PGresult *res = PQgetResult(p->pg);
        if (res == NULL) {
            /* Fin de los resultados de UNA consulta. Una a una: toca enviar la siguiente. */
            if (!p->canalizada) {
                if (p->enviadas < p->n)
                    enviar(p);
                else
                    uv_poll_stop(&p->poll);
                return;
            }
            continue; /* en canalización, detrás vienen los de la siguiente */
        }
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK) {
            p->suma += strtol(PQgetvalue(res, 0, 0), NULL, 10);
            p->recibidas++;
        } else if (st == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            uv_poll_stop(&p->poll); /* todo contestado: el bucle ya no tiene nada que hacer */
            return;
        } else {
            fprintf(stderr, "resultado inesperado: %s\n", PQresStatus(st));
            p->fallo = 1;
        }
        PQclear(res);
    }
}

static void al_poder(uv_poll_t *poll, int estado, int eventos)
{
    programa_t *p = poll->data;
    if (estado < 0) {
        fprintf(stderr, "uv_poll: %s\n", error_texto(estado));
        p->fallo = 1;
        uv_poll_stop(poll);
        return;
    }
    if (eventos & UV_WRITABLE) {
        int r = PQflush(p->pg);
        if (r == 0) /* todo enviado: a partir de ahora solo interesa leer */
            uv_poll_start(poll, UV_READABLE, al_poder);
        else if (r < 0)
            p->fallo = 1;
    }
    if (eventos & UV_READABLE)
        leer(p);
}

static void medir(uv_loop_t *bucle, programa_t *p, int canalizada)
{
    p->canalizada = canalizada;
    p->enviadas = p->recibidas = p->idas_vueltas = 0;
    p->suma = 0;
    if (canalizada && !PQenterPipelineMode(p->pg)) {
        fprintf(stderr, "no se pudo empezar la canalización: %s", PQerrorMessage(p->pg));
        p->fallo = 1;
        return;
    }
    p->inicio_ms = reloj_ms();
    enviar(p);
    uv_run(bucle, UV_RUN_DEFAULT);
    printf("%s %d consultas, %4d %s, suma = %lld, %.3f s\n",
           canalizada ? "canalizada:" : "una a una: ", p->recibidas, p->idas_vueltas,
           p->idas_vueltas == 1 ? "ida y vuelta" : "idas y vueltas", p->suma,
           reloj_desde(p->inicio_ms));
    if (canalizada)
        PQexitPipelineMode(p->pg);
}

int main(int argc, char **argv)
{
    static programa_t p;
    const char *conexion = getenv("BD_CONEXION");
    uv_loop_t bucle;
    p.n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 100;
    if (p.n < 1 || p.n > 100000) {
        fprintf(stderr, "uso: canalizacion [N]   (1 ≤ N ≤ 100000)\n");
        return 2;
    }
    if (conexion == NULL || conexion[0] == '\0') {
        fprintf(stderr, "falta BD_CONEXION: arranca PostgreSQL con «make bd» y exporta la "
                        "cadena que imprime (export BD_CONEXION=\"$(make -s bd)\")\n");
        return 2;
    }
    const char *claves[] = {"dbname", "application_name", NULL};
    const char *valores[] = {conexion, "canalizacion", NULL};
    p.pg = PQconnectdbParams(claves, valores, 1);
    if (PQstatus(p.pg) != CONNECTION_OK) {
        fprintf(stderr, "no se pudo conectar: %s", PQerrorMessage(p.pg));
        PQfinish(p.pg);
        return 1;
    }
    PQsetnonblocking(p.pg, 1);
    if (uv_loop_init(&bucle) < 0 || uv_poll_init(&bucle, &p.poll, PQsocket(p.pg)) < 0) {
        fprintf(stderr, "no puedo vigilar el socket de libpq\n");
        PQfinish(p.pg);
        return 1;
    }
    p.poll.data = &p;
    medir(&bucle, &p, 0);
    if (!p.fallo)
        medir(&bucle, &p, 1);
    uv_close((uv_handle_t *)&p.poll, NULL); /* antes de PQfinish, que cierra el socket */
    uv_run(&bucle, UV_RUN_DEFAULT);
    PQfinish(p.pg);
    int r = uv_loop_close(&bucle);
    return r == 0 && !p.fallo ? 0 : 1;
}
