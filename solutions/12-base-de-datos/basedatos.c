//@ partida: /* basedatos.c — Laboratorio 12: base de datos asíncrona con un pool de conexiones (programa de
//@ partida:  * partida).
//@ solucion {
/* basedatos.c — Laboratorio 12: base de datos asíncrona con un pool de conexiones (solución).
//@ }
 *
 *   basedatos [-p TAMAÑO] [-n REGISTROS] CONEXIÓN
 *
//@ partida:  * Lo que ya está hecho (y probado: es el de la solución de referencia), porque no es lo que
//@ partida:  * este laboratorio enseña:
//@ partida:  *   - leer y validar los argumentos y la cadena de conexión, con sus mensajes y el código 2
//@ partida:  *     (leer_entero, uso, main);
//@ partida:  *   - las sentencias: crear la tabla, leer su forma, vaciarla, insertar y las 10 consultas
//@ partida:  *     (SQL_*, CONSULTAS), y los valores de cada fila (preparar_fila);
//@ partida:  *   - la preparación por la primera conexión del pool: crear la tabla si falta, comprobar su
//@ partida:  *     forma (código 1 sin tocarla si es otra) y vaciarla (preparar_prestada, creada,
//@ partida:  *     forma_leida, vaciada);
//@ partida:  *   - la medida del tiempo (uv_hrtime, ms_desde) y las líneas de la salida: CONCURRENTE,
//@ partida:  *     SECUENCIAL, ACELERACION, CONSULTA y POOL;
//@ partida:  *   - las señales, el mensaje de un fallo (fallo) y el código de salida.
//@ solucion {
 * Crea (si falta) la tabla usuarios y la vacía; inserta REGISTROS filas a la vez a través de un
 * pool de como mucho TAMAÑO conexiones; inserta otras tantas en serie por una conexión propia;
 * compara los tiempos; lanza 10 consultas de lectura a la vez por el pool e imprime sus
 * resultados y las cuentas del pool. Formato de salida y requisitos: labs/12-base-de-datos/README.md.
//@ }
 *
//@ partida:  * Lo que falta, marcado con TODO: el pool (prestar, devolver, abrir las conexiones solo cuando
//@ partida:  * hacen falta y hasta TAMAÑO, la cola FIFO, descartar las rotas y cerrarlo todo), las tres
//@ partida:  * fases (las inserciones a la vez por el pool, en serie por una conexión propia y las 10
//@ partida:  * consultas) y la cancelación con Ctrl+C. El enunciado (labs/12-base-de-datos/README.md) dice
//@ partida:  * qué hace cada cosa y el orden de los hitos.
//@ partida:  *
//@ partida:  * La conexión asíncrona con PostgreSQL ya la tienes: curso/bd.h (bd_conectar, bd_consultar,
//@ partida:  * bd_cancelar, bd_cerrar, bd_disponible). Lo que escribes tú es lo que reparte varias.
//@ solucion {
 * El pool: las conexiones se abren solo cuando hacen falta (hasta TAMAÑO) y se reutilizan; una
 * petición que no encuentra ninguna libre espera en una cola FIFO (nunca falla ni abre una de
 * más); una conexión que se encuentra rota se descarta y otra ocupa su sitio.
//@ }
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

//@ partida: /* Los hitos (el enunciado) proponen empezar por un pool de una sola conexión, la de
//@ partida:  * ranuras[0], con su cola, y repartir las `maximo` ranuras en el hito C. */
//@ partida:
//@ partida: /* TODO: una petición que espera su conexión en la cola: su callback, sus datos y la siguiente. */
//@ solucion {
typedef struct peticion_s {
    pool_cb cb;
    void *datos;
    struct peticion_s *siguiente;
} peticion_t;
//@ }

typedef struct {
    bd_conexion_t *c; /* NULL: hueco libre */
    //@ partida:     /* TODO: lo que el pool sabe de cada conexión (si está prestada, si aún conecta). */
    //@ solucion {
    int prestada;
    int conectando;
    //@ }
} ranura_t;

struct pool_s {
    uv_loop_t *bucle;
    const char *cadena;
    int maximo;
    ranura_t *ranuras;
    //@ partida:     /* TODO: cuántas hay abiertas (también las que aún conectan) y cuántas cerrándose, la cola
    //@ partida:      * FIFO (primera y última), si el pool se está cerrando y a quién avisar cuando acabe. */
    //@ partida:     int creadas; /* conexiones abiertas en total */
    //@ partida:     int esperas; /* peticiones que tuvieron que hacer cola */
    //@ solucion {
    int abiertas;   /* ranuras con conexión (también las que aún conectan) */
    int cerrandose; /* descartadas cuyo cierre aún no ha terminado */
    int conectando; /* de ellas, las que aún conectan */
    int creadas;    /* conexiones abiertas en total */
    int esperas;    /* peticiones que tuvieron que hacer cola */
    int alguna_conecto;
    peticion_t *primera, *ultima; /* la cola, FIFO */
    int pendientes;
    int cerrando;
    void (*al_cerrar)(pool_t *pool);
    //@ }
};

//@ partida: /* TODO: pide una conexión. La petición entra al final de la cola; la primera de la cola se
//@ partida:  * lleva una conexión libre y sana en cuanto la haya; si no hay ninguna libre y hay menos de
//@ partida:  * `maximo` abiertas o abriéndose, se abre otra con bd_conectar (con "basedatos", el nombre
//@ partida:  * de todas tus conexiones), y se cuenta en creadas. Si no encuentra ninguna libre
//@ partida:  * y ya hay `maximo`, cuenta en esperas. Una conexión que falla al abrirse (su callback de
//@ partida:  * bd_conectar con estado < 0): el pool escribe en stderr por qué, con bd_error(c), que trae el
//@ partida:  * motivo de libpq (preparar_prestada no lo repite: solo sale con 2); la cierra con bd_cerrar
//@ partida:  * (curso/bd.h: también las que fallaron), deja libre su ranura y se lo dice al primero de la
//@ partida:  * cola (estado < 0). 0 o un código de error negativo. */
//@ solucion {
static void repartir(pool_t *pool);

static ranura_t *ranura_de(pool_t *pool, bd_conexion_t *c)
{
    for (int i = 0; i < pool->maximo; i++)
        if (pool->ranuras[i].c == c)
            return &pool->ranuras[i];
    return NULL;
}

static void conexion_cerrada(bd_conexion_t *c, void *datos)
{
    pool_t *pool = datos;
    (void)c;
    pool->cerrandose--;
    if (pool->cerrando && pool->abiertas == 0 && pool->cerrandose == 0 && pool->al_cerrar != NULL)
        pool->al_cerrar(pool);
}

/* Saca la conexión de su ranura y la cierra (rota, fallida o al final). */
static void descartar(pool_t *pool, ranura_t *r)
{
    bd_conexion_t *c = r->c;
    r->c = NULL;
    r->prestada = 0;
    pool->abiertas--;
    pool->cerrandose++;
    if (r->conectando) {
        r->conectando = 0;
        pool->conectando--;
    }
    bd_cerrar(c, conexion_cerrada, pool);
}

static peticion_t *sacar(pool_t *pool)
{
    peticion_t *p = pool->primera;
    pool->primera = p->siguiente;
    if (pool->primera == NULL)
        pool->ultima = NULL;
    pool->pendientes--;
    return p;
}

static void al_conectar_pool(bd_conexion_t *c, int estado, void *datos)
{
    pool_t *pool = datos;
    ranura_t *r = ranura_de(pool, c);
    if (estado == UV_ECANCELED || r == NULL)
        return; /* el pool se está cerrando */
    r->conectando = 0;
    pool->conectando--;
    if (estado < 0) {
        /* No se pudo conectar: el primero de la cola se entera (el programa decidirá). */
        char mensaje[600];
        snprintf(mensaje, sizeof mensaje, "%s", bd_error(c));
        descartar(pool, r);
        if (pool->primera != NULL) {
            peticion_t *p = sacar(pool);
            fprintf(stderr, "basedatos: %s\n", mensaje);
            p->cb(pool, NULL, BD_E_CONEXION, p->datos);
            free(p);
        }
        return;
    }
    pool->alguna_conecto = 1;
    repartir(pool);
}

static int abrir(pool_t *pool)
{
    for (int i = 0; i < pool->maximo; i++) {
        ranura_t *r = &pool->ranuras[i];
        if (r->c != NULL)
            continue;
        int e = bd_conectar(pool->bucle, &r->c, pool->cadena, "basedatos", al_conectar_pool, pool);
        if (e < 0)
            return e;
        r->conectando = 1;
        r->prestada = 0;
        pool->conectando++;
        pool->abiertas++;
        pool->creadas++;
        return 0;
    }
    return UV_EBUSY;
}

/* Presta conexiones libres a la cola, por orden de llegada, y abre las que falten. */
static void repartir(pool_t *pool)
{
    while (pool->primera != NULL && !pool->cerrando) {
        ranura_t *libre = NULL;
        for (int i = 0; i < pool->maximo && libre == NULL; i++) {
            ranura_t *r = &pool->ranuras[i];
            if (r->c == NULL || r->prestada || r->conectando)
                continue;
            if (!bd_disponible(r->c)) {
                descartar(pool, r); /* rota mientras esperaba: otra ocupará su sitio */
                continue;
            }
            libre = r;
        }
        if (libre == NULL)
            break;
        libre->prestada = 1;
        peticion_t *p = sacar(pool);
        p->cb(pool, libre->c, 0, p->datos);
        free(p);
    }
    while (!pool->cerrando && pool->pendientes > pool->conectando && pool->abiertas < pool->maximo)
        if (abrir(pool) < 0)
            break;
}

//@ }
static int pool_pedir(pool_t *pool, pool_cb cb, void *datos)
{
    //@ partida:     (void)pool;
    //@ partida:     (void)cb;
    //@ partida:     (void)datos;
    //@ partida:     fprintf(stderr, "basedatos: el pool aún no presta conexiones (lee los TODO de basedatos.c)\n");
    //@ partida:     return UV_ENOSYS;
    //@ solucion {
    if (pool->cerrando)
        return UV_ECANCELED;
    /* Espera quien llega, no encuentra ninguna libre y el pool ya está en su máximo. Una rota
     * no es libre ni abierta: se descarta antes de contar. */
    for (int i = 0; i < pool->maximo; i++) {
        ranura_t *r = &pool->ranuras[i];
        if (r->c != NULL && !r->prestada && !r->conectando && !bd_disponible(r->c))
            descartar(pool, r);
    }
    int libre = 0;
    for (int i = 0; i < pool->maximo && !libre; i++)
        libre = pool->ranuras[i].c != NULL && !pool->ranuras[i].prestada &&
                !pool->ranuras[i].conectando;
    if (!libre && pool->abiertas >= pool->maximo)
        pool->esperas++;
    peticion_t *p = calloc(1, sizeof *p);
    if (p == NULL)
        return UV_ENOMEM;
    p->cb = cb;
    p->datos = datos;
    if (pool->ultima != NULL)
        pool->ultima->siguiente = p;
    else
        pool->primera = p;
    pool->ultima = p;
    pool->pendientes++;
    repartir(pool);
    return 0;
    //@ }
}

//@ partida: /* TODO: la conexión vuelve al pool (si está rota, se descarta) y pasa al primero de la cola. */
static void pool_devolver(pool_t *pool, bd_conexion_t *c)
{
    //@ partida:     (void)pool;
    //@ partida:     (void)c;
    //@ solucion {
    ranura_t *r = ranura_de(pool, c);
    if (r == NULL)
        return;
    r->prestada = 0;
    if (!bd_disponible(c))
        descartar(pool, r);
    repartir(pool);
    //@ }
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
    //@ partida:     /* TODO: todo lo de arriba; también las que aún conectan (bd_cerrar las cierra). */
    //@ partida:     (void)cancelar;
    //@ partida:     al_cerrar(pool);
    //@ solucion {
    if (pool->cerrando)
        return;
    pool->cerrando = 1;
    pool->al_cerrar = al_cerrar;
    while (pool->primera != NULL) {
        peticion_t *p = sacar(pool);
        p->cb(pool, NULL, UV_ECANCELED, p->datos);
        free(p);
    }
    for (int i = 0; i < pool->maximo; i++) {
        ranura_t *r = &pool->ranuras[i];
        if (r->c == NULL)
            continue;
        if (cancelar && r->prestada)
            bd_cancelar(r->c);
        descartar(pool, r);
    }
    if (pool->abiertas == 0 && pool->cerrandose == 0 && al_cerrar != NULL)
        al_cerrar(pool);
    //@ }
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

//@ partida: /* La callback de bd_cerrar de la conexión secuencial. (Quita el atributo cuando la uses.) */
//@ partida: __attribute__((unused))
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
    //@ partida:     /* TODO: la conexión de la fase secuencial, si sigue abierta: que el servidor cancele lo que
    //@ partida:      * tenga en curso (si `cancelar`) y cerrarla (con secuencial_cerrada). */
    //@ solucion {
    if (prog->sec != NULL) {
        if (cancelar)
            bd_cancelar(prog->sec);
        bd_cerrar(prog->sec, secuencial_cerrada, NULL);
        prog->sec = NULL;
    }
    //@ }
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

//@ partida: /* TODO: la callback de cada inserción concurrente (la de bd_consultar). El resultado es tuyo
//@ partida:  * (PQclear en todos los caminos); si el programa ya está acabando (o estado es UV_ECANCELED),
//@ partida:  * nada más; si la inserción falló (estado < 0), fallo() con la sentencia y bd_error(c); si no,
//@ partida:  * la conexión vuelve al pool. Lo de abajo es lo que hace la última. (Quita el atributo cuando
//@ partida:  * la uses.) */
//@ partida: __attribute__((unused))
static void insertada(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    //@ partida:     (void)c;
    //@ partida:     (void)estado;
    //@ partida:     (void)res;
    //@ solucion {
    PQclear(res);
    if (estado == UV_ECANCELED || prog->acabando)
        return;
    if (estado < 0) {
        fallo(prog, 1, SQL_INSERTAR, bd_error(c));
        return;
    }
    pool_devolver(&prog->pool, c);
    //@ }
    if (++prog->hechas == prog->registros) {
        prog->ms_concurrente = ms_desde(prog->t0);
        printf("CONCURRENTE %d inserciones en %.0f ms\n", prog->registros, prog->ms_concurrente);
        fflush(stdout);
        fase_secuencial(prog);
    }
}

//@ partida: /* TODO: la callback de pool_pedir para una fila: con la conexión prestada, su INSERT con los
//@ partida:  * tres valores como parámetros (SQL_INSERTAR), y la callback de arriba. Si estado < 0, c es
//@ partida:  * NULL: con UV_ECANCELED (el pool se cierra), nada; con otro, fallo() con código 1 (como
//@ partida:  * preparar_prestada, pero aquí ya se abrió una conexión: el servidor cayó). */
//@ solucion {
static void insertar_prestada(pool_t *pool, bd_conexion_t *c, int estado, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    (void)pool;
    if (estado < 0) {
        if (estado != UV_ECANCELED)
            fallo(prog, prog->pool.alguna_conecto ? 1 : 2, NULL,
                  "no se pudo abrir una conexión del pool");
        return;
    }
    const char *valores[] = {t->id, t->nombre, t->correo};
    int e = bd_consultar(c, SQL_INSERTAR, 3, valores, insertada, t);
    if (e < 0)
        fallo(prog, 1, SQL_INSERTAR, bd_texto(e));
}
//@ }

static void fase_concurrente(programa_t *prog)
{
    prog->hechas = 0;
    prog->t0 = uv_hrtime();
    //@ partida:     /* TODO: una petición al pool por cada fila 1…n (prog->filas[i - 1]), en orden de id y sin
    //@ partida:      * esperar a nada. */
    //@ partida:     (void)SQL_INSERTAR;
    //@ partida:     fprintf(stderr, "basedatos: la tabla está lista, pero aún no se inserta nada (lee los TODO "
    //@ partida:                     "de basedatos.c)\n");
    //@ partida:     acabar(prog, 0, 0);
    //@ solucion {
    for (int i = 1; i <= prog->registros; i++) {
        if (pool_pedir(&prog->pool, insertar_prestada, &prog->filas[i - 1]) < 0) {
            fallo(prog, 1, NULL, "sin memoria para la cola del pool");
            return;
        }
    }
    //@ }
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

//@ partida: /* TODO: la callback de cada inserción en serie: como la concurrente, pero la siguiente fila se
//@ partida:  * inserta desde aquí, cuando ha terminado la anterior (insertar_siguiente). */
//@ solucion {
static void insertar_siguiente(programa_t *prog);

static void insertada_en_serie(bd_conexion_t *c, int estado, PGresult *res, void *datos)
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
//@ }

//@ partida: /* Inserta por prog->sec la fila prog->sec_siguiente (de n+1 a 2n); después de la última,
//@ partida:  * imprime los tiempos y pasa a las consultas. (Quita el atributo cuando la uses.) */
//@ partida: __attribute__((unused))
static void insertar_siguiente(programa_t *prog)
{
    if (prog->sec_siguiente > 2 * prog->registros) {
        prog->ms_secuencial = ms_desde(prog->t0);
        printf("SECUENCIAL %d inserciones en %.0f ms\n", prog->registros, prog->ms_secuencial);
        printf("ACELERACION %.1fx\n",
               prog->ms_concurrente > 0 ? prog->ms_secuencial / prog->ms_concurrente : 0.0);
        fflush(stdout);
        //@ partida:         /* TODO: la conexión secuencial se cierra ya, antes de las consultas (bd_cerrar, con
        //@ partida:          * secuencial_cerrada), y prog->sec vuelve a NULL: después de bd_cerrar ya no se usa, y
        //@ partida:          * acabar() no debe cerrarla otra vez. */
        //@ solucion {
        bd_cerrar(prog->sec, secuencial_cerrada, NULL);
        prog->sec = NULL;
        //@ }
        fase_consultas(prog);
        return;
    }
    //@ partida:     /* TODO: el INSERT de la fila prog->sec_siguiente (y avanzar), con sus valores como
    //@ partida:      * parámetros. */
    //@ solucion {
    trabajo_t *t = &prog->filas[prog->sec_siguiente - 1];
    prog->sec_siguiente++;
    const char *valores[] = {t->id, t->nombre, t->correo};
    int e = bd_consultar(prog->sec, SQL_INSERTAR, 3, valores, insertada_en_serie, prog);
    if (e < 0)
        fallo(prog, 1, SQL_INSERTAR, bd_texto(e));
    //@ }
}

//@ partida: /* TODO: la callback de bd_conectar de la conexión secuencial: si no se pudo abrir, fallo();
//@ partida:  * si se abrió, empieza a medir (prog->t0 = uv_hrtime()) e inserta la fila n+1. */
//@ solucion {
static void secuencial_conectada(bd_conexion_t *c, int estado, void *datos)
{
    programa_t *prog = datos;
    if (estado == UV_ECANCELED || prog->acabando)
        return;
    if (estado < 0) {
        fallo(prog, 1, NULL, bd_error(c));
        return;
    }
    prog->t0 = uv_hrtime();
    prog->sec_siguiente = prog->registros + 1;
    insertar_siguiente(prog);
}
//@ }

static void fase_secuencial(programa_t *prog)
{
    //@ partida:     /* TODO: abrir la conexión propia de esta fase (prog->sec) con bd_conectar, aparte del pool y
    //@ partida:      * también con "basedatos". */
    //@ partida:     fprintf(stderr, "basedatos: falta la fase secuencial (lee los TODO de basedatos.c)\n");
    //@ partida:     acabar(prog, 0, 0);
    //@ solucion {
    int e = bd_conectar(&prog->bucle, &prog->sec, prog->cadena, "basedatos", secuencial_conectada,
                        prog);
    if (e < 0)
        fallo(prog, 1, NULL, bd_texto(e));
    //@ }
}

/* --- fase 3: 10 consultas de lectura a la vez por el pool */

//@ partida: /* TODO: la callback de cada consulta: como la de una inserción, pero si falló, fallo() con su
//@ partida:  * sentencia (CONSULTAS[k].sql); si no, guarda su resultado (la primera columna de la primera
//@ partida:  * fila, o "NULL") en prog->resultados[k] como una copia (strdup: PQclear libera el de libpq, y
//@ partida:  * main libera la copia) y devuelve la conexión. Lo de abajo es lo que hace la última. (Quita
//@ partida:  * el atributo cuando la uses.) */
//@ partida: __attribute__((unused))
static void consulta_hecha(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    //@ partida:     (void)c;
    //@ partida:     (void)estado;
    //@ partida:     (void)res;
    //@ solucion {
    if (estado == UV_ECANCELED || prog->acabando) {
        PQclear(res);
        return;
    }
    if (estado < 0) {
        PQclear(res);
        fallo(prog, 1, CONSULTAS[t->indice].sql, bd_error(c));
        return;
    }
    const char *v = PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "NULL";
    prog->resultados[t->indice] = strdup(v);
    PQclear(res);
    pool_devolver(&prog->pool, c);
    //@ }
    if (++prog->hechas < N_CONSULTAS)
        return;
    for (int k = 0; k < N_CONSULTAS; k++)
        printf("CONSULTA %d %s\n", k + 1, prog->resultados[k] ? prog->resultados[k] : "?");
    printf("POOL maximo=%d creadas=%d esperas=%d\n", prog->pool.maximo, prog->pool.creadas,
           prog->pool.esperas);
    fflush(stdout);
    acabar(prog, 0, 0);
}

//@ partida: /* TODO: la callback de pool_pedir para una consulta: su sentencia (CONSULTAS[k].sql, con
//@ partida:  * k = t->indice) y la callback de arriba. Si CONSULTAS[k].con_parametro no es 0 (vale 1 en la
//@ partida:  * 3 y 2 en la 10), lleva UN parámetro, $1 = t->id, que fase_consultas ya dejó preparado (n en
//@ partida:  * la 3, el patrón en la 10); si es 0, ninguno. Si estado < 0, como en la de una fila. */
//@ solucion {
static void consultar_prestada(pool_t *pool, bd_conexion_t *c, int estado, void *datos)
{
    trabajo_t *t = datos;
    programa_t *prog = t->prog;
    (void)pool;
    if (estado < 0) {
        if (estado != UV_ECANCELED)
            fallo(prog, 1, NULL, "no se pudo abrir una conexión del pool");
        return;
    }
    const char *valores[] = {t->id};
    int e = bd_consultar(c, CONSULTAS[t->indice].sql, CONSULTAS[t->indice].con_parametro ? 1 : 0,
                         valores, consulta_hecha, t);
    if (e < 0)
        fallo(prog, 1, CONSULTAS[t->indice].sql, bd_texto(e));
}
//@ }

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
        //@ partida:         /* TODO: la petición al pool de la consulta k (las 10 a la vez). */
        //@ solucion {
        if (pool_pedir(&prog->pool, consultar_prestada, t) < 0) {
            fallo(prog, 1, NULL, "sin memoria para la cola del pool");
            return;
        }
        //@ }
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
