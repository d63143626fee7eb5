/* basedatos.c — Laboratorio 12: base de datos asíncrona con un pool de conexiones (programa de
 * partida).
 *
 *   basedatos [-p TAMAÑO] [-n REGISTROS] CONEXIÓN
 *
 * Lo que ya está hecho (y probado: es el de la solución de referencia), porque no es lo que
 * este laboratorio enseña:
 *   - leer y validar los argumentos y la cadena de conexión, con sus mensajes y el código 2
 *     (leer_entero, uso, main);
 *   - las sentencias: crear la tabla, leer su forma, vaciarla, insertar y las 10 consultas
 *     (SQL_*, CONSULTAS), y los valores de cada fila (preparar_fila);
 *   - la preparación por la primera conexión del pool: crear la tabla si falta, comprobar su
 *     forma (código 1 sin tocarla si es otra) y vaciarla (preparar_prestada, creada,
 *     forma_leida, vaciada);
 *   - la medida del tiempo (uv_hrtime, ms_desde) y las líneas de la salida: CONCURRENTE,
 *     SECUENCIAL, ACELERACION, CONSULTA y POOL;
 *   - las señales, el mensaje de un fallo (fallo) y el código de salida.
 *
 * Lo que falta, marcado con TODO: el pool (prestar, devolver, abrir las conexiones solo cuando
 * hacen falta y hasta TAMAÑO, la cola FIFO, descartar las rotas y cerrarlo todo), las tres
 * fases (las inserciones a la vez por el pool, en serie por una conexión propia y las 10
 * consultas) y la cancelación con Ctrl+C. El enunciado (labs/12-base-de-datos/README.md) dice
 * qué hace cada cosa y el orden de los hitos.
 *
 * La conexión asíncrona con PostgreSQL ya la tienes: curso/bd.h (bd_conectar, bd_consultar,
 * bd_cancelar, bd_cerrar, bd_disponible). Lo que escribes tú es lo que reparte varias.
 */
#include "curso/bd.h"
#include "curso/senales.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define TAMANO_OMISION 10
#define REGISTROS_OMISION 100
#define TAMANO_MAXIMO 100
#define REGISTROS_MAXIMO 1000000
#define N_CONSULTAS 10

/* ------------------------------------------------------------------------------ el pool */

typedef struct pool_s pool_t;
/* c: la conexión prestada (hay que devolverla con pool_devolver), o NULL si estado < 0. */
typedef void (*pool_cb)(pool_t *pool, bd_conexion_t *c, int estado, void *datos);

/* Los hitos (el enunciado) proponen empezar por un pool de una sola conexión, la de
 * ranuras[0], con su cola, y repartir las `maximo` ranuras en el hito C. */

/* TODO: una petición que espera su conexión en la cola: su callback, sus datos y la siguiente. */

typedef struct {
    bd_conexion_t *c; /* NULL: hueco libre */
    /* TODO: lo que el pool sabe de cada conexión (si está prestada, si aún conecta). */
} ranura_t;

struct pool_s {
    uv_loop_t *bucle;
    const char *cadena;
    int maximo;
    ranura_t *ranuras;
    /* TODO: cuántas hay abiertas (también las que aún conectan) y cuántas cerrándose, la cola
     * FIFO (primera y última), si el pool se está cerrando y a quién avisar cuando acabe. */
    int creadas; /* conexiones abiertas en total */
    int esperas; /* peticiones que tuvieron que hacer cola */
};

/* TODO: pide una conexión. La petición entra al final de la cola; la primera de la cola se
 * lleva una conexión libre y sana en cuanto la haya; si no hay ninguna libre y hay menos de
 * `maximo` abiertas o abriéndose, se abre otra con bd_conectar (con "basedatos", el nombre
 * de todas tus conexiones), y se cuenta en creadas. Si no encuentra ninguna libre
 * y ya hay `maximo`, cuenta en esperas. Una conexión que falla al abrirse (su callback de
 * bd_conectar con estado < 0): el pool escribe en stderr por qué, con bd_error(c), que trae el
 * motivo de libpq (preparar_prestada no lo repite: solo sale con 2); la cierra con bd_cerrar
 * (curso/bd.h: también las que fallaron), deja libre su ranura y se lo dice al primero de la
 * cola (estado < 0). 0 o un código de error negativo. */
static int pool_pedir(pool_t *pool, pool_cb cb, void *datos)
{
    (void)pool;
    (void)cb;
    (void)datos;
    fprintf(stderr, "basedatos: el pool aún no presta conexiones (lee los TODO de basedatos.c)\n");
    return UV_ENOSYS;
}

/* TODO: la conexión vuelve al pool (si está rota, se descarta) y pasa al primero de la cola. */
static void pool_devolver(pool_t *pool, bd_conexion_t *c)
{
    (void)pool;
    (void)c;
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

/* Cancela en el servidor lo que esté en curso (si `cancelar`) y cierra todas las conexiones;
 * las peticiones en cola reciben UV_ECANCELED. al_cerrar llega cuando no queda ninguna. */
static void pool_cerrar(pool_t *pool, int cancelar, void (*al_cerrar)(pool_t *pool))
{
    /* TODO: todo lo de arriba; también las que aún conectan (bd_cerrar las cierra). */
    (void)cancelar;
    al_cerrar(pool);
}

/* ------------------------------------------------------------------------------ el programa */

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
    int codigo;    /* de salida */
    int acabando;  /* ya se está cerrando todo */
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
__attribute__((unused))
static void secuencial_cerrada(bd_conexion_t *c, void *datos)
{
    (void)c;
    (void)datos;
}

/* Cierra todo; el bucle termina cuando se han cerrado las conexiones y las señales. */
static void acabar(programa_t *prog, int codigo, int cancelar)
{
    if (prog->acabando)
        return;
    prog->acabando = 1;
    prog->codigo = codigo;
    /* TODO: la conexión de la fase secuencial, si sigue abierta: que el servidor cancele lo que
     * tenga en curso (si `cancelar`) y cerrarla (con secuencial_cerrada). */
    pool_cerrar(&prog->pool, cancelar, pool_cerrado);
    senales_cerrar(&prog->senales);
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
__attribute__((unused))
static void insertada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    (void)c;
    (void)estado;
    (void)res;
    if (++prog->hechas == prog->registros) {
        prog->ms_concurrente = ms_desde(prog->t0);
        printf("CONCURRENTE %d inserciones en %.0f ms\n", prog->registros, prog->ms_concurrente);
        fflush(stdout);
        fase_secuencial(prog);
    }
}

/* TODO: la callback de pool_pedir para una fila: con la conexión prestada, su INSERT con los
 * tres valores como parámetros (SQL_INSERTAR), y la callback de arriba. Si estado < 0, c es
 * NULL: con UV_ECANCELED (el pool se cierra), nada; con otro, fallo() con código 1 (como
 * preparar_prestada, pero aquí ya se abrió una conexión: el servidor cayó). */

static void fase_concurrente(programa_t *prog)
{
    prog->hechas = 0;
    prog->t0 = uv_hrtime();
    /* TODO: una petición al pool por cada fila 1…n (prog->filas[i - 1]), en orden de id y sin
     * esperar a nada. */
    (void)SQL_INSERTAR;
    fprintf(stderr, "basedatos: la tabla está lista, pero aún no se inserta nada (lee los TODO "
                    "de basedatos.c)\n");
    acabar(prog, 0, 0);
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

/* TODO: la callback de cada inserción en serie: como la concurrente, pero la siguiente fila se
 * inserta desde aquí, cuando ha terminado la anterior (insertar_siguiente). */

/* Inserta por prog->sec la fila prog->sec_siguiente (de n+1 a 2n); después de la última,
 * imprime los tiempos y pasa a las consultas. (Quita el atributo cuando la uses.) */
__attribute__((unused))
static void insertar_siguiente(programa_t *prog)
{
    if (prog->sec_siguiente > 2 * prog->registros) {
        prog->ms_secuencial = ms_desde(prog->t0);
        printf("SECUENCIAL %d inserciones en %.0f ms\n", prog->registros, prog->ms_secuencial);
        printf("ACELERACION %.1fx\n",
               prog->ms_concurrente > 0 ? prog->ms_secuencial / prog->ms_concurrente : 0.0);
        fflush(stdout);
        /* TODO: la conexión secuencial se cierra ya, antes de las consultas (bd_cerrar, con
         * secuencial_cerrada), y prog->sec vuelve a NULL: después de bd_cerrar ya no se usa, y
         * acabar() no debe cerrarla otra vez. */
        fase_consultas(prog);
        return;
    }
    /* TODO: el INSERT de la fila prog->sec_siguiente (y avanzar), con sus valores como
     * parámetros. */
}

/* TODO: la callback de bd_conectar de la conexión secuencial: si no se pudo abrir, fallo();
 * si se abrió, empieza a medir (prog->t0 = uv_hrtime()) e inserta la fila n+1. */

static void fase_secuencial(programa_t *prog)
{
    /* TODO: abrir la conexión propia de esta fase (prog->sec) con bd_conectar, aparte del pool y
     * también con "basedatos". */
    fprintf(stderr, "basedatos: falta la fase secuencial (lee los TODO de basedatos.c)\n");
    acabar(prog, 0, 0);
}

/* --- fase 3: 10 consultas de lectura a la vez por el pool */

/* TODO: la callback de cada consulta: como la de una inserción, pero si falló, fallo() con su
 * sentencia (CONSULTAS[k].sql); si no, guarda su resultado (la primera columna de la primera
 * fila, o "NULL") en prog->resultados[k] como una copia (strdup: PQclear libera el de libpq, y
 * main libera la copia) y devuelve la conexión. Lo de abajo es lo que hace la última. (Quita
 * el atributo cuando la uses.) */
__attribute__((unused))
static void consulta_hecha(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    (void)c;
    (void)estado;
    (void)res;
    if (++prog->hechas < N_CONSULTAS)
        return;
    for (int k = 0; k < N_CONSULTAS; k++)
        printf("CONSULTA %d %s\n", k + 1, prog->resultados[k] ? prog->resultados[k] : "?");
    printf("POOL maximo=%d creadas=%d esperas=%d\n", prog->pool.maximo, prog->pool.creadas,
           prog->pool.esperas);
    fflush(stdout);
    acabar(prog, 0, 0);
}

/* TODO: la callback de pool_pedir para una consulta: su sentencia (CONSULTAS[k].sql, con
 * k = t->indice) y la callback de arriba. Si CONSULTAS[k].con_parametro no es 0 (vale 1 en la
 * 3 y 2 en la 10), lleva UN parámetro, $1 = t->id, que fase_consultas ya dejó preparado (n en
 * la 3, el patrón en la 10); si es 0, ninguno. Si estado < 0, como en la de una fila. */

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
        /* TODO: la petición al pool de la consulta k (las 10 a la vez). */
    }
}

/* ------------------------------------------------------------------------------ main */

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
    fprintf(stderr, "uso: basedatos [-p TAMAÑO] [-n REGISTROS] CONEXIÓN\n"
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
