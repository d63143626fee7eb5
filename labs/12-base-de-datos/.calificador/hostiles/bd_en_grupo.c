/* bd_en_grupo.c — entrega hostil del 12 (del adversario de la sesión 52): sin pool ni
 * bd_consultar. libpq bloqueante (PQconnectdb, PQexec, PQexecParams, halladas en la tabla de
 * símbolos de libpq con dl_iterate_phdr, sin nombrarlas) dentro de callbacks de uv_queue_work:
 * cada hilo del grupo de libuv se queda con una conexión y espera al servidor con poll, fuera
 * del hilo del bucle. El socket es AF_UNIX (host=CARPETA), que en un hilo que no es el del bucle
 * parecía el de un resolutor de libcurl. Antes, 100/100: el poll en un hilo del grupo solo se
 * juzgaba en los servidores (uv_listen). Ahora lo delata: «poll o select que espera en un hilo
 * del grupo». */
#define _GNU_SOURCE
#include "curso/bd.h"
#include "curso/senales.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <link.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define TAMANO_OMISION    10
#define REGISTROS_OMISION 100
#define TAMANO_MAXIMO     100
#define REGISTROS_MAXIMO  1000000
#define N_CONSULTAS       10
#define HILOS             4

void *volatile no_se_usa = (void *)&bd_consultar; /* el aviso de «requeridos» mira nombres */

enum { F_CONNECTDB, F_EXEC, F_EXECPARAMS, F_CANCEL, F_POLL, F_SSLSTOP, F_N };
static const char *const nombres[F_N] = {"PQconnectdb", "PQexec", "PQexecParams",
                                         "PQcancel",    "poll",   "OPENSSL_thread_stop"};
static const char *biblio = "libpq.so";
static void *fpq[F_N];
static int buscar(struct dl_phdr_info *info, size_t sz, void *d)
{
    (void)sz;
    (void)d;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, biblio) == NULL)
        return 0;
    ElfW(Dyn) *dyn = NULL;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            dyn = (ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    if (dyn == NULL)
        return 0;
    uintptr_t symtab = 0, strtab = 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_SYMTAB)
            symtab = dyn->d_un.d_ptr;
        if (dyn->d_tag == DT_STRTAB)
            strtab = dyn->d_un.d_ptr;
    }
    if (symtab < info->dlpi_addr)
        symtab += info->dlpi_addr;
    if (strtab < info->dlpi_addr)
        strtab += info->dlpi_addr;
    ElfW(Sym) *s = (ElfW(Sym) *)symtab;
    size_t n = strtab > symtab ? (strtab - symtab) / sizeof *s : 20000;
    for (size_t i = 0; i < n; i++) {
        if (s[i].st_name == 0 || s[i].st_value == 0)
            continue;
        const char *nm = (const char *)strtab + s[i].st_name;
        for (int k = 0; k < F_N; k++)
            if (fpq[k] == NULL && strcmp(nm, nombres[k]) == 0)
                fpq[k] = (void *)(info->dlpi_addr + s[i].st_value);
    }
    return 1;
}
#define conectar(c)    ((PGconn * (*)(const char *)) fpq[F_CONNECTDB])(c)
#define ejecutar(c, s) ((PGresult * (*)(PGconn *, const char *)) fpq[F_EXEC])(c, s)
#define ejecutar_p(c, s, n, v)                                                                     \
    ((PGresult * (*)(PGconn *, const char *, int, const Oid *, const char *const *, const int *,   \
                     const int *, int)) fpq[F_EXECPARAMS])(c, s, n, NULL, v, NULL, NULL, 0)

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

typedef struct {
    char id[16], nombre[96], correo[48];
} fila_t;

typedef struct {
    uv_loop_t bucle;
    senales_t senales;
    const char *cadena;
    int tamano, registros, codigo, hilos;
    atomic_int parar;
    fila_t *filas;
    PGconn *conns[HILOS];
    PGconn *sec;
    PGconn *inicial; /* la de la preparación: empieza en el hilo del bucle (PQconnectStart) */
    char *cadena_nombre;
    int creadas;
    atomic_int siguiente, fallo;
    char error[600];
    uv_mutex_t cerrojo;
    int fase, en_curso;
    uint64_t t0;
    double ms_conc, ms_sec;
    char *resultados[N_CONSULTAS];
    uv_work_t trabajos[HILOS];
} prog_t;
static prog_t P;

static double ms_desde(uint64_t t0)
{
    return (double)(uv_hrtime() - t0) / 1e6;
}
static void anotar_fallo(const char *sql, const char *e)
{
    uv_mutex_lock(&P.cerrojo);
    if (!atomic_exchange(&P.fallo, 1))
        snprintf(P.error, sizeof P.error, "falló «%s»: %s", sql, e);
    uv_mutex_unlock(&P.cerrojo);
}
/* La conexión del hilo w, abierta la primera vez que hace falta (perezosa). */
#include <poll.h>
/* Termina en este hilo una conexión empezada con PQconnectStart en el hilo del bucle. */
static void terminar_conexion(PGconn *c)
{
    int (*sondear)(struct pollfd *, nfds_t, int) = fpq[F_POLL];
    for (;;) {
        PostgresPollingStatusType s = PQconnectPoll(c);
        if (s == PGRES_POLLING_OK || s == PGRES_POLLING_FAILED)
            return;
        struct pollfd p = {.fd = PQsocket(c),
                           .events = s == PGRES_POLLING_READING ? POLLIN : POLLOUT};
        sondear(&p, 1, 1000);
    }
}
static PGconn *conexion(int w)
{
    if (P.conns[w] != NULL) {
        /* ¿rota mientras estaba ociosa? (leer sin esperar hasta el fin del socket) */
        int (*sondear)(struct pollfd *, nfds_t, int) = fpq[F_POLL];
        for (int i = 0; i < 8; i++) {
            struct pollfd p = {.fd = PQsocket(P.conns[w]), .events = POLLIN};
            if (p.fd < 0 || sondear(&p, 1, 0) <= 0 || !PQconsumeInput(P.conns[w]))
                break;
        }
        if (PQstatus(P.conns[w]) == CONNECTION_BAD) {
            PQfinish(P.conns[w]);
            P.conns[w] = NULL;
        }
    }
    if (P.conns[w] == NULL) {
        PGconn *c;
        if (P.inicial != NULL && w == 0) {
            c = P.inicial;
            P.inicial = NULL;
            terminar_conexion(c);
        } else
            c = conectar(P.cadena_nombre);
        uv_mutex_lock(&P.cerrojo);
        P.conns[w] = c;
        P.creadas++;
        uv_mutex_unlock(&P.cerrojo);
    }
    if (PQstatus(P.conns[w]) != CONNECTION_OK) {
        uv_mutex_lock(&P.cerrojo);
        if (!atomic_exchange(&P.fallo, 2))
            snprintf(P.error, sizeof P.error, "no se pudo conectar: %s",
                     PQerrorMessage(P.conns[w]));
        uv_mutex_unlock(&P.cerrojo);
        return NULL;
    }
    return P.conns[w];
}
static int ok_res(PGresult *r, const char *sql, PGconn *c)
{
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        anotar_fallo(sql, PQerrorMessage(c));
        PQclear(r);
        return 0;
    }
    return 1;
}

static void preparar_(uv_work_t *w);
static void preparar(uv_work_t *w)
{
    preparar_(w);
    if (fpq[F_SSLSTOP] != NULL)
        ((void (*)(void))fpq[F_SSLSTOP])(); /* el estado de OpenSSL de este hilo */
}
static void preparar_(uv_work_t *w)
{
    (void)w;
    PGconn *c = conexion(0);
    if (c == NULL)
        return;
    PGresult *r = ejecutar(c, SQL_CREAR);
    if (!ok_res(r, SQL_CREAR, c))
        return;
    PQclear(r);
    r = ejecutar(c, SQL_FORMA);
    if (!ok_res(r, SQL_FORMA, c))
        return;
    const char *forma = PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "";
    if (strcmp(forma, FORMA) != 0) {
        uv_mutex_lock(&P.cerrojo);
        atomic_store(&P.fallo, 3);
        snprintf(P.error, sizeof P.error,
                 "la tabla usuarios ya existe con otra forma (%s); se esperaba (%s). No se toca "
                 "nada.",
                 forma[0] ? forma : "sin columnas", FORMA);
        uv_mutex_unlock(&P.cerrojo);
        PQclear(r);
        return;
    }
    PQclear(r);
    r = ejecutar(c, SQL_VACIAR);
    if (!ok_res(r, SQL_VACIAR, c))
        return;
    PQclear(r);
}

static void insertar_conc_(uv_work_t *w);
static void insertar_conc(uv_work_t *w)
{
    insertar_conc_(w);
    if (fpq[F_SSLSTOP] != NULL)
        ((void (*)(void))fpq[F_SSLSTOP])(); /* el estado de OpenSSL de este hilo */
}
static void insertar_conc_(uv_work_t *w)
{
    int k = (int)(w - P.trabajos);
    PGconn *c = NULL;
    for (;;) {
        if (atomic_load(&P.parar) || atomic_load(&P.fallo))
            return;
        int i = atomic_fetch_add(&P.siguiente, 1);
        if (i >= P.registros)
            return;
        if (c == NULL && (c = conexion(k)) == NULL)
            return;
        const fila_t *f = &P.filas[i];
        const char *v[3] = {f->id, f->nombre, f->correo};
        PGresult *r = ejecutar_p(c, SQL_INSERTAR, 3, v);
        if (!ok_res(r, SQL_INSERTAR, c))
            return;
        PQclear(r);
    }
}

static void consultar_(uv_work_t *w);
static void consultar(uv_work_t *w)
{
    consultar_(w);
    if (fpq[F_SSLSTOP] != NULL)
        ((void (*)(void))fpq[F_SSLSTOP])(); /* el estado de OpenSSL de este hilo */
}
static void consultar_(uv_work_t *w)
{
    int k = (int)(w - P.trabajos);
    PGconn *c = NULL;
    for (;;) {
        if (atomic_load(&P.parar) || atomic_load(&P.fallo))
            return;
        int q = atomic_fetch_add(&P.siguiente, 1);
        if (q >= N_CONSULTAS)
            return;
        if (c == NULL && (c = conexion(k)) == NULL)
            return;
        char param[16];
        const char *v[1] = {param};
        if (CONSULTAS[q].con_parametro == 1)
            snprintf(param, sizeof param, "%d", P.registros);
        else
            snprintf(param, sizeof param, "%s", "%O'Higgins%");
        PGresult *r = CONSULTAS[q].con_parametro ? ejecutar_p(c, CONSULTAS[q].sql, 1, v)
                                                 : ejecutar(c, CONSULTAS[q].sql);
        if (!ok_res(r, CONSULTAS[q].sql, c))
            return;
        P.resultados[q] =
            strdup(PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "NULL");
        PQclear(r);
    }
}

static void secuencial_(uv_work_t *w);
static void secuencial(uv_work_t *w)
{
    secuencial_(w);
    if (fpq[F_SSLSTOP] != NULL)
        ((void (*)(void))fpq[F_SSLSTOP])(); /* el estado de OpenSSL de este hilo */
}
static void secuencial_(uv_work_t *w)
{
    (void)w;
    PGconn *c = conectar(P.cadena_nombre);
    P.sec = c;
    if (PQstatus(c) != CONNECTION_OK) {
        anotar_fallo("conectar", PQerrorMessage(c));
        uv_mutex_lock(&P.cerrojo);
        P.sec = NULL;
        uv_mutex_unlock(&P.cerrojo);
        PQfinish(c);
        return;
    }
    P.t0 = uv_hrtime();
    for (int i = P.registros; i < 2 * P.registros; i++) {
        if (atomic_load(&P.parar))
            break;
        const fila_t *f = &P.filas[i];
        const char *v[3] = {f->id, f->nombre, f->correo};
        PGresult *r = ejecutar_p(c, SQL_INSERTAR, 3, v);
        if (!ok_res(r, SQL_INSERTAR, c))
            break;
        PQclear(r);
    }
    P.ms_sec = ms_desde(P.t0);
    uv_mutex_lock(&P.cerrojo);
    P.sec = NULL;
    uv_mutex_unlock(&P.cerrojo);
    PQfinish(c);
}

static void siguiente_fase(uv_work_t *w, int estado);
static void lanzar(void (*fn)(uv_work_t *), int n)
{
    atomic_store(&P.siguiente, 0);
    P.en_curso = n;
    for (int k = 0; k < n; k++)
        uv_queue_work(&P.bucle, &P.trabajos[k], fn, siguiente_fase);
}
static void acabar(int codigo)
{
    for (int k = 0; k < HILOS; k++)
        if (P.conns[k] != NULL)
            PQfinish(P.conns[k]);
    memset(P.conns, 0, sizeof P.conns);
    P.codigo = codigo;
    senales_cerrar(&P.senales);
}
static void siguiente_fase(uv_work_t *w, int estado)
{
    (void)w;
    (void)estado;
    if (--P.en_curso > 0)
        return;
    if (atomic_load(&P.parar)) {
        acabar(130);
        return;
    }
    int f = atomic_load(&P.fallo);
    if (f) {
        fprintf(stderr, "basedatos: %s\n", P.error);
        acabar(f == 2 && P.fase == 0 ? 2 : 1);
        return;
    }
    int hilos = P.tamano < HILOS ? P.tamano : HILOS;
    switch (P.fase++) {
    case 0:
        P.t0 = uv_hrtime();
        lanzar(insertar_conc, hilos < P.registros ? hilos : P.registros);
        break;
    case 1:
        P.ms_conc = ms_desde(P.t0);
        printf("CONCURRENTE %d inserciones en %.0f ms\n", P.registros, P.ms_conc);
        fflush(stdout);
        lanzar(secuencial, 1);
        break;
    case 2:
        printf("SECUENCIAL %d inserciones en %.0f ms\n", P.registros, P.ms_sec);
        printf("ACELERACION %.1fx\n", P.ms_conc > 0 ? P.ms_sec / P.ms_conc : 0.0);
        fflush(stdout);
        lanzar(consultar, hilos);
        break;
    default:
        for (int k = 0; k < N_CONSULTAS; k++)
            printf("CONSULTA %d %s\n", k + 1, P.resultados[k] ? P.resultados[k] : "?");
        int esperas = (P.registros > P.tamano ? P.registros - P.tamano : 0) +
                      (N_CONSULTAS > P.tamano ? N_CONSULTAS - P.tamano : 0);
        printf("POOL maximo=%d creadas=%d esperas=%d\n", P.tamano, P.creadas, esperas);
        fflush(stdout);
        acabar(0);
    }
}
static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)s;
    (void)signum;
    (void)datos;
    fprintf(stderr, "basedatos: interrumpido: se cancelan las consultas en curso\n");
    atomic_store(&P.parar, 1);
    int (*cancelar)(PGcancel *, char *, int) = fpq[F_CANCEL];
    uv_mutex_lock(&P.cerrojo);
    PGconn *todas[HILOS + 1];
    for (int k = 0; k < HILOS; k++)
        todas[k] = P.conns[k];
    todas[HILOS] = P.sec;
    for (int k = 0; k <= HILOS; k++)
        if (todas[k] != NULL) {
            PGcancel *pc = PQgetCancel(todas[k]);
            char e[256];
            if (pc != NULL) {
                cancelar(pc, e, sizeof e);
                PQfreeCancel(pc);
            }
        }
    uv_mutex_unlock(&P.cerrojo);
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
    P.tamano = TAMANO_OMISION;
    P.registros = REGISTROS_OMISION;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i += 2) {
        if (i + 1 >= argc) {
            uso();
            return 2;
        }
        int r;
        if (strcmp(argv[i], "-p") == 0)
            r = leer_entero(argv[i + 1], "el tamaño del pool", 1, TAMANO_MAXIMO, &P.tamano);
        else if (strcmp(argv[i], "-n") == 0)
            r = leer_entero(argv[i + 1], "el número de registros", 1, REGISTROS_MAXIMO,
                            &P.registros);
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
    P.cadena = argv[i];
    char motivo[400];
    if (bd_comprobar_cadena(P.cadena, motivo, sizeof motivo) < 0) {
        fprintf(stderr, "basedatos: %s\n", motivo);
        return 2;
    }
    dl_iterate_phdr(buscar, NULL);
    biblio = "libc.so";
    dl_iterate_phdr(buscar, NULL);
    biblio = "libcrypto.so";
    dl_iterate_phdr(buscar, NULL);
    for (int k = 0; k < F_SSLSTOP; k++)
        if (fpq[k] == NULL) {
            fprintf(stderr, "basedatos: sin libpq\n");
            return 1;
        }
    P.filas = calloc((size_t)P.registros * 2, sizeof *P.filas);
    for (int f = 1; f <= 2 * P.registros; f++) {
        fila_t *t = &P.filas[f - 1];
        snprintf(t->id, sizeof t->id, "%d", f);
        snprintf(t->nombre, sizeof t->nombre, "Usuaria «%d» O'Higgins; DROP TABLE usuarios; --", f);
        snprintf(t->correo, sizeof t->correo, "u%d@ejemplo.es", f);
    }
    size_t lc = strlen(P.cadena) + 64;
    P.cadena_nombre = malloc(lc);
    if (strncmp(P.cadena, "postgres", 8) == 0)
        snprintf(P.cadena_nombre, lc, "%s%capplication_name=basedatos", P.cadena,
                 strchr(P.cadena, '?') ? '&' : '?');
    else
        snprintf(P.cadena_nombre, lc, "%s application_name=basedatos", P.cadena);
    P.inicial = PQconnectStart(P.cadena_nombre);
    uv_mutex_init(&P.cerrojo);
    uv_loop_init(&P.bucle);
    senales_iniciar(&P.bucle, &P.senales, al_parar, NULL);
    lanzar(preparar, 1);
    uv_run(&P.bucle, UV_RUN_DEFAULT);
    uv_loop_close(&P.bucle);
    uv_mutex_destroy(&P.cerrojo);
    for (int k = 0; k < N_CONSULTAS; k++)
        free(P.resultados[k]);
    free(P.filas);
    if (P.inicial != NULL)
        PQfinish(P.inicial);
    free(P.cadena_nombre);
    return P.codigo;
}
