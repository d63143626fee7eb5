/* libpq_a_mano.c — el protocolo no bloqueante de libpq conducido por libuv, sin ayudas.
 *
 * Conecta con PQconnectStartParams + PQconnectPoll y envía una consulta con
 * PQsendQueryParams + PQflush + PQconsumeInput/PQisBusy/PQgetResult. Un solo uv_poll_t vigila
 * el socket de libpq: libpq dice qué espera (leer o escribir) y el bucle avisa cuando se
 * puede. Mientras tanto un latido cada 50 ms demuestra que el bucle sigue libre.
 *
 * La cadena de conexión sale de BD_CONEXION (`make bd` la imprime). Se añaden sslmode y
 * gssencmode = disable: así libpq no prueba antes SSL ni GSS, que le harían cerrar el socket
 * y abrir otro a mitad de la conexión (el módulo curso/bd.h sí contempla ese caso).
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/errores.h"
#include "curso/reloj.h"

typedef enum { CONECTANDO, ENVIANDO, LEYENDO, HECHO } fase_t;

typedef struct {
    PGconn *pg;
    uv_poll_t *poll; /* en el montón: su cierre termina en el bucle */
    int fd;
    int eventos;
    uv_timer_t latido;
    int latidos;
    fase_t fase;
    int fallo;
    uint64_t inicio_ms;
} programa_t;

static void al_poder(uv_poll_t *poll, int estado, int eventos);

static void liberar_poll(uv_handle_t *h)
{
    free(h);
}

static void terminar(programa_t *p, int fallo)
{
    p->fase = HECHO;
    p->fallo = fallo;
    if (p->poll != NULL)
        uv_close((uv_handle_t *)p->poll, liberar_poll); /* deja de vigilar antes de PQfinish */
    p->poll = NULL;
    uv_close((uv_handle_t *)&p->latido, NULL);
}

/* Vigila el socket ACTUAL de libpq para `eventos`. Se llama tras CADA PQconnectPoll: en
 * libuv 1.44–1.50, uv_poll_start quita el descriptor de epoll y lo vuelve a añadir, así que
 * un socket nuevo con el mismo número queda registrado. Si el número cambia, el poll viejo
 * no sirve (uv_poll_init lo ató a otro descriptor) y se crea uno nuevo. */
static void vigilar(programa_t *p, int eventos)
{
    int fd = PQsocket(p->pg);
    if (p->poll != NULL && fd != p->fd) {
        uv_close((uv_handle_t *)p->poll, liberar_poll);
        p->poll = NULL;
    }
    if (p->poll == NULL) {
        p->poll = malloc(sizeof *p->poll);
        if (p->poll == NULL || uv_poll_init(p->latido.loop, p->poll, fd) < 0) {
            free(p->poll);
            p->poll = NULL;
            fprintf(stderr, "no puedo vigilar el socket de libpq\n");
            terminar(p, 1);
            return;
        }
        p->poll->data = p;
        p->fd = fd;
        p->eventos = 0;
    }
    if (eventos != p->eventos) {
        printf("[%.2f s]   el bucle vigila el socket para %s\n", reloj_desde(p->inicio_ms),
               eventos == UV_READABLE   ? "LEER"
               : eventos == UV_WRITABLE ? "ESCRIBIR"
                                        : "LEER o ESCRIBIR");
        p->eventos = eventos;
    }
    uv_poll_start(p->poll, eventos, al_poder);
}

/* Lo que dice la documentación de libpq para una conexión no bloqueante: tras enviar, PQflush;
 * si devuelve 1 (queda algo), esperar a poder escribir O a tener algo que leer, y al poder
 * leer, PQconsumeInput antes de volver a PQflush. Si solo se espera a ESCRIBIR, la espera
 * puede no acabar nunca: si el servidor nos escribe (un NOTICE) y nadie lee, deja de leernos
 * a nosotros. */
static void vaciar(programa_t *p)
{
    int r = PQflush(p->pg); /* 0: todo enviado; 1: queda; -1: error */
    if (r < 0) {
        fprintf(stderr, "no se pudo enviar: %s", PQerrorMessage(p->pg));
        terminar(p, 1);
    } else if (r == 0) {
        p->fase = LEYENDO;
        vigilar(p, UV_READABLE);
    } else {
        vigilar(p, UV_READABLE | UV_WRITABLE);
    }
}

static void enviar_consulta(programa_t *p)
{
    const char *valores[1] = {"21"};
    printf("[%.2f s] PQsendQueryParams: SELECT pg_sleep(0.3), $1::int * 2  ($1 = 21)\n",
           reloj_desde(p->inicio_ms));
    if (!PQsendQueryParams(p->pg, "SELECT pg_sleep(0.3), $1::int * 2", 1, NULL, valores, NULL,
                           NULL, 0)) {
        fprintf(stderr, "no se pudo enviar: %s", PQerrorMessage(p->pg));
        terminar(p, 1);
        return;
    }
    p->latidos = 0;
    p->fase = ENVIANDO;
    vaciar(p); /* casi siempre cabe entera en el búfer del socket y sale ya */
}

static void conectar_paso(programa_t *p)
{
    PostgresPollingStatusType r = PQconnectPoll(p->pg);
    switch (r) {
    case PGRES_POLLING_READING:
        vigilar(p, UV_READABLE);
        break;
    case PGRES_POLLING_WRITING:
        vigilar(p, UV_WRITABLE);
        break;
    case PGRES_POLLING_OK:
        printf("[%.2f s] PQconnectPoll: PGRES_POLLING_OK, conectados\n", reloj_desde(p->inicio_ms));
        enviar_consulta(p);
        break;
    default:
        fprintf(stderr, "no se pudo conectar: %s", PQerrorMessage(p->pg));
        terminar(p, 1);
    }
}

static void leer_resultados(programa_t *p)
{
    PGresult *res;
    if (!PQconsumeInput(p->pg)) {
        fprintf(stderr, "se perdió la conexión: %s", PQerrorMessage(p->pg));
        terminar(p, 1);
        return;
    }
    /* PQgetResult solo es seguro (no bloquea) cuando PQisBusy dice que no falta nada. */
    while (!PQisBusy(p->pg)) {
        res = PQgetResult(p->pg);
        if (res == NULL) { /* NULL: esta consulta ya no tiene más resultados */
            terminar(p, 0);
            return;
        }
        if (PQresultStatus(res) == PGRES_TUPLES_OK)
            printf("[%.2f s] PQgetResult: %s, %d fila; $1 * 2 = %s\n", reloj_desde(p->inicio_ms),
                   PQresStatus(PQresultStatus(res)), PQntuples(res), PQgetvalue(res, 0, 1));
        else
            fprintf(stderr, "error de SQL: %s", PQresultErrorMessage(res));
        printf("[%.2f s]   mientras esperábamos, el bucle latió %s\n", reloj_desde(p->inicio_ms),
               p->latidos >= 3 ? "varias veces" : "poco: ¿bloqueado?");
        PQclear(res);
    }
}

static void al_poder(uv_poll_t *poll, int estado, int eventos)
{
    programa_t *p = poll->data;
    if (estado < 0) {
        fprintf(stderr, "uv_poll: %s\n", error_texto(estado));
        terminar(p, 1);
        return;
    }
    if (p->fase == CONECTANDO) {
        conectar_paso(p);
    } else if (p->fase == ENVIANDO) {
        if ((eventos & UV_READABLE) && !PQconsumeInput(p->pg)) {
            fprintf(stderr, "se perdió la conexión: %s", PQerrorMessage(p->pg));
            terminar(p, 1);
            return;
        }
        vaciar(p);
    } else if (p->fase == LEYENDO) {
        leer_resultados(p);
    }
}

static void al_latir(uv_timer_t *t)
{
    programa_t *p = t->data;
    p->latidos++;
}

int main(void)
{
    static programa_t p;
    const char *conexion = getenv("BD_CONEXION");
    uv_loop_t bucle;
    int r;

    if (conexion == NULL || conexion[0] == '\0') {
        fprintf(stderr, "falta BD_CONEXION: arranca PostgreSQL con «make bd» y exporta la "
                        "cadena que imprime (export BD_CONEXION=\"$(make -s bd)\")\n");
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    p.inicio_ms = reloj_ms();
    const char *claves[] = {"dbname", "sslmode", "gssencmode", "application_name", NULL};
    const char *valores[] = {conexion, "disable", "disable", "libpq_a_mano", NULL};
    /* expand_dbname = 1: el primer «dbname» puede ser una cadena de conexión completa. */
    p.pg = PQconnectStartParams(claves, valores, 1);
    if (p.pg == NULL || PQstatus(p.pg) == CONNECTION_BAD) {
        fprintf(stderr, "no se pudo empezar a conectar: %s",
                p.pg != NULL ? PQerrorMessage(p.pg) : "sin memoria\n");
        PQfinish(p.pg);
        uv_loop_close(&bucle);
        return 1;
    }
    PQsetnonblocking(p.pg, 1);
    printf("[%.2f s] PQconnectStartParams: la conexión empieza, nada ha esperado\n",
           reloj_desde(p.inicio_ms));
    uv_timer_init(&bucle, &p.latido);
    p.latido.data = &p;
    uv_timer_start(&p.latido, al_latir, 50, 50);
    p.fase = CONECTANDO;
    /* Tras PQconnectStart, la documentación manda actuar como si PQconnectPoll hubiera
     * pedido escribir. */
    vigilar(&p, UV_WRITABLE);

    uv_run(&bucle, UV_RUN_DEFAULT);
    PQfinish(p.pg);
    r = uv_loop_close(&bucle);
    printf("PQfinish y uv_loop_close: %s\n", r == 0 ? "0, todo cerrado" : error_texto(r));
    return p.fallo == 0 && r == 0 ? 0 : 1;
}
