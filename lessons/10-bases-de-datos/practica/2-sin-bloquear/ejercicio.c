/* ejercicio.c — consultas de libpq sin bloquear el bucle (práctica 2 de la lección 10).
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
 * Tal como está, las conexiones se abren pero no se envía ninguna consulta. Tu trabajo: enviar,
 * vaciar, leer y al_poder (ver README.md); conectar, el latido y el cierre ya están escritos.
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
    /* TODO */
    (void)q;
}

static void enviar(consulta_t *q)
{
    /* TODO: PQsendQueryParams con $1 = q->valor y vaciar. Por ahora no envía nada y la da por
     * terminada. */
    terminar(q);
}

/* Lee lo que haya llegado y saca los resultados que ya están completos. */
static void leer(consulta_t *q)
{
    /* TODO */
    (void)q;
}

static void al_poder(uv_poll_t *poll, int estado, int eventos)
{
    /* TODO: según q->fase, seguir enviando (vaciar) o leer */
    (void)poll;
    (void)estado;
    (void)eventos;
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
