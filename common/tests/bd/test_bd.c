/* test_bd.c — la conexión asíncrona con PostgreSQL (curso/bd.h) contra un servidor de verdad.
 *
 * El servidor lo arranca `common/herramientas/postgres.sh ejecutar`, que pasa su cadena de
 * conexión en BD_CONEXION y lo para y borra siempre al terminar (make prueba-bd). Ninguna
 * prueba mide tiempos: la concurrencia se demuestra con una consulta que solo termina cuando
 * el servidor ve a la vez las N conexiones activas (y que, sin concurrencia, agotaría su
 * statement_timeout y fallaría).
 */
#include "curso/bd.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *cadena(void)
{
    const char *c = getenv("BD_CONEXION");
    cr_assert(c != NULL && c[0] != '\0',
              "falta BD_CONEXION: ejecuta estas pruebas con «make prueba-bd» "
              "(common/herramientas/postgres.sh ejecutar DIR PROGRAMA)");
    return c;
}

/* Una conexión de prueba con lo que van dejando sus callbacks. */
typedef struct {
    bd_conexion_t *c;
    int conectada; /* estado recibido en al_conectar (1 = aún no llegó) */
    int llamadas_conectar;
    int estado;   /* de la última consulta */
    int llamadas; /* callbacks de consulta recibidas */
    char valor[256];
    char sqlstate[8];
    int res_nulo;
    int cerrada;
    char error[512];
} prueba_t;

static void al_conectar(bd_conexion_t *c, int estado, void *datos)
{
    prueba_t *p = datos;
    cr_assert_eq(p->c, c);
    p->conectada = estado;
    p->llamadas_conectar++;
    snprintf(p->error, sizeof p->error, "%s", bd_error(c));
}

static void al_terminar(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    prueba_t *p = datos;
    (void)c;
    p->estado = estado;
    p->llamadas++;
    p->res_nulo = res == NULL;
    p->valor[0] = '\0';
    p->sqlstate[0] = '\0';
    if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
        snprintf(p->valor, sizeof p->valor, "%s", PQgetvalue(res, 0, 0));
    if (res != NULL && PQresultErrorField(res, PG_DIAG_SQLSTATE) != NULL)
        snprintf(p->sqlstate, sizeof p->sqlstate, "%s", PQresultErrorField(res, PG_DIAG_SQLSTATE));
    snprintf(p->error, sizeof p->error, "%s", bd_error(c));
    PQclear(res);
}

static void al_cerrar(bd_conexion_t *c, void *datos)
{
    (void)c;
    ((prueba_t *)datos)->cerrada++;
}

/* Corre el bucle hasta que `listo` sea verdad (o no quede nada que hacer). */
#define CORRER_HASTA(bucle, listo)                                                                 \
    do {                                                                                           \
        while (!(listo) && uv_run((bucle), UV_RUN_ONCE) != 0) {                                    \
        }                                                                                          \
        cr_assert(listo, "el bucle terminó sin llegar a: %s", #listo);                             \
    } while (0)

static void conectar(uv_loop_t *bucle, prueba_t *p, const char *aplicacion)
{
    memset(p, 0, sizeof *p);
    p->conectada = 1;
    int r = bd_conectar(bucle, &p->c, cadena(), aplicacion, al_conectar, p);
    cr_assert_eq(r, 0, "bd_conectar: %s", bd_texto(r));
    CORRER_HASTA(bucle, p->conectada != 1);
    cr_assert_eq(p->conectada, 0, "no conectó: %s", p->error);
    cr_assert(bd_disponible(p->c));
}

static void consultar(uv_loop_t *bucle, prueba_t *p, const char *sql, int n,
                      const char *const *valores)
{
    int antes = p->llamadas;
    int r = bd_consultar(p->c, sql, n, valores, al_terminar, p);
    cr_assert_eq(r, 0, "bd_consultar(%s): %s", sql, bd_texto(r));
    cr_assert_eq(p->llamadas, antes, "la callback no debe llegar dentro de bd_consultar");
    CORRER_HASTA(bucle, p->llamadas > antes);
}

static void cerrar(uv_loop_t *bucle, prueba_t *p)
{
    bd_cerrar(p->c, al_cerrar, p);
    bd_cerrar(p->c, al_cerrar, p); /* idempotente */
    CORRER_HASTA(bucle, p->cerrada == 1);
}

static void terminar_bucle(uv_loop_t *bucle)
{
    uv_run(bucle, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(bucle), 0, "quedaron handles abiertos en el bucle");
}

Test(bd, conecta_consulta_con_parametros_y_cierra, .timeout = 30)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    prueba_t p;
    conectar(&bucle, &p, "prueba-bd");
    const char *v[] = {"41"};
    consultar(&bucle, &p, "SELECT $1::int + 1", 1, v);
    cr_assert_eq(p.estado, 0, "%s", p.error);
    cr_assert_str_eq(p.valor, "42");
    consultar(&bucle, &p, "SELECT current_setting('application_name')", 0, NULL);
    cr_assert_str_eq(p.valor, "prueba-bd");
    cerrar(&bucle, &p);
    cr_assert_eq(p.llamadas, 2);
    terminar_bucle(&bucle);
}

Test(bd, los_parametros_viajan_tal_cual, .timeout = 30)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    prueba_t p;
    conectar(&bucle, &p, NULL);
    consultar(&bucle, &p, "CREATE TEMP TABLE t(x text)", 0, NULL);
    cr_assert_eq(p.estado, 0, "%s", p.error);
    const char *raro = "Usuaria «7» O'Higgins; DROP TABLE t; -- ñ \\ \"";
    const char *v[] = {raro};
    consultar(&bucle, &p, "INSERT INTO t VALUES ($1)", 1, v);
    cr_assert_eq(p.estado, 0, "%s", p.error);
    consultar(&bucle, &p, "SELECT x FROM t", 0, NULL);
    cr_assert_str_eq(p.valor, raro);
    cerrar(&bucle, &p);
    terminar_bucle(&bucle);
}

Test(bd, una_consulta_a_la_vez_por_conexion, .timeout = 30)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    prueba_t p;
    conectar(&bucle, &p, NULL);
    cr_assert_eq(bd_consultar(p.c, "SELECT pg_sleep(0.2)", 0, NULL, al_terminar, &p), 0);
    cr_assert_not(bd_disponible(p.c));
    cr_assert_eq(bd_consultar(p.c, "SELECT 1", 0, NULL, al_terminar, &p), UV_EBUSY);
    CORRER_HASTA(&bucle, p.llamadas == 1);
    cr_assert_eq(p.estado, 0, "%s", p.error);
    cr_assert(bd_disponible(p.c));
    cerrar(&bucle, &p);
    cr_assert_eq(p.llamadas, 1, "la consulta rechazada con UV_EBUSY no debe llamar a nadie");
    terminar_bucle(&bucle);
}

/* N conexiones; cada una ejecuta una función que espera a que el servidor vea que las N
 * sesiones han empezado esa misma consulta (la columna `query` de pg_stat_activity guarda la
 * última, aunque ya haya terminado). Una consulta solo termina si las demás empezaron mientras
 * ella seguía en curso: en serie, la primera esperaría para siempre (statement_timeout). */
#define N_CONC 5
Test(bd, varias_conexiones_a_la_vez, .timeout = 60)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    char app[64];
    snprintf(app, sizeof app, "prueba-conc-%d", (int)getpid());
    prueba_t p[N_CONC];
    for (int i = 0; i < N_CONC; i++)
        conectar(&bucle, &p[i], app);
    const char *v[] = {"5", app};
    for (int i = 0; i < N_CONC; i++) {
        /* La función es temporal de otra sesión: se crea en cada una (misma sentencia). */
        consultar(
            &bucle, &p[i],
            "CREATE FUNCTION pg_temp.esperar_a(n int, app text) RETURNS int AS $$ "
            "BEGIN WHILE (SELECT count(*) FROM pg_stat_activity WHERE application_name = "
            "app AND query LIKE 'SELECT pg_temp.esperar_a%') < n LOOP PERFORM pg_sleep(0.01); "
            "PERFORM pg_stat_clear_snapshot(); END LOOP; RETURN n; END $$ LANGUAGE plpgsql",
            0, NULL);
        cr_assert_eq(p[i].estado, 0, "%s", p[i].error);
        consultar(&bucle, &p[i], "SET statement_timeout = '20s'", 0, NULL);
    }
    for (int i = 0; i < N_CONC; i++)
        cr_assert_eq(
            bd_consultar(p[i].c, "SELECT pg_temp.esperar_a($1::int, $2)", 2, v, al_terminar, &p[i]),
            0);
    int hechas = 0;
    while (hechas < N_CONC && uv_run(&bucle, UV_RUN_ONCE) != 0) {
        hechas = 0;
        for (int i = 0; i < N_CONC; i++)
            hechas += p[i].llamadas == 3;
    }
    for (int i = 0; i < N_CONC; i++) {
        cr_assert_eq(p[i].estado, 0, "conexión %d: %s", i, p[i].error);
        cr_assert_str_eq(p[i].valor, "5");
        cerrar(&bucle, &p[i]);
    }
    terminar_bucle(&bucle);
}

Test(bd, error_de_sql_con_su_resultado_y_la_conexion_sigue, .timeout = 30)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    prueba_t p;
    conectar(&bucle, &p, NULL);
    consultar(&bucle, &p, "SELECT * FROM no_existe_esta_tabla", 0, NULL);
    cr_assert_eq(p.estado, BD_E_SQL);
    cr_assert_not(p.res_nulo, "con un error de SQL llega el resultado de error");
    cr_assert_str_eq(p.sqlstate, "42P01");
    cr_assert(strstr(p.error, "error de SQL") != NULL, "%s", p.error);
    cr_assert(strstr(p.error, "no_existe_esta_tabla") != NULL, "%s", p.error);
    consultar(&bucle, &p, "SELECT 'sigue'", 0, NULL);
    cr_assert_eq(p.estado, 0, "%s", p.error);
    cr_assert_str_eq(p.valor, "sigue");
    cerrar(&bucle, &p);
    terminar_bucle(&bucle);
}

Test(bd, cadena_que_no_se_entiende, .timeout = 10)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    bd_conexion_t *c = (bd_conexion_t *)&bucle; /* se debe poner a NULL */
    prueba_t p = {0};
    cr_assert_eq(bd_conectar(&bucle, &c, "esto no es = una = cadena", NULL, al_conectar, &p),
                 UV_EINVAL);
    cr_assert_null(c);
    char m[256];
    cr_assert_eq(bd_comprobar_cadena("hola", m, sizeof m), UV_EINVAL);
    cr_assert(strstr(m, "cadena de conexión no válida") != NULL, "%s", m);
    cr_assert_eq(bd_comprobar_cadena("postgresql://curso@127.0.0.1:1/curso", m, sizeof m), 0);
    cr_assert_eq(p.llamadas_conectar, 0, "una función que falla no llama a su callback");
    terminar_bucle(&bucle);
}

Test(bd, conexion_rechazada, .timeout = 30)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    prueba_t p = {0};
    p.conectada = 1;
    /* Puerto 1 en loopback: nadie escucha ahí; rechazo inmediato. */
    int r = bd_conectar(&bucle, &p.c,
                        "host=127.0.0.1 port=1 user=curso dbname=curso "
                        "connect_timeout=5",
                        NULL, al_conectar, &p);
    cr_assert_eq(r, 0);
    cr_assert_eq(p.llamadas_conectar, 0);
    CORRER_HASTA(&bucle, p.conectada != 1);
    cr_assert_eq(p.conectada, BD_E_CONEXION);
    cr_assert(bd_rota(p.c));
    cr_assert(strstr(p.error, "conexión rechazada") != NULL, "%s", p.error);
    cr_assert_eq(bd_consultar(p.c, "SELECT 1", 0, NULL, al_terminar, &p), UV_ENOTCONN);
    cerrar(&bucle, &p);
    cr_assert_eq(p.llamadas_conectar, 1);
    terminar_bucle(&bucle);
}

/* El servidor desaparece a mitad de consulta: otra conexión termina el proceso que la atiende
 * (lo que ve el cliente es lo mismo que si el servidor cayera). */
typedef struct {
    prueba_t *victima;
    prueba_t *verdugo;
    char pid[32];
    const char *valores[1];
} caida_t;

static void al_rato_termina(uv_timer_t *t)
{
    caida_t *k = t->data;
    k->valores[0] = k->pid;
    cr_assert_eq(bd_consultar(k->verdugo->c, "SELECT pg_terminate_backend($1::int)", 1, k->valores,
                              al_terminar, k->verdugo),
                 0);
    uv_close((uv_handle_t *)t, NULL);
}

Test(bd, el_servidor_desaparece_a_mitad_de_consulta, .timeout = 30)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    prueba_t a, b;
    conectar(&bucle, &a, NULL);
    conectar(&bucle, &b, NULL);
    caida_t k = {&a, &b, "", {NULL}};
    snprintf(k.pid, sizeof k.pid, "%d", PQbackendPID(bd_pg(a.c)));
    cr_assert_eq(bd_consultar(a.c, "SELECT pg_sleep(20)", 0, NULL, al_terminar, &a), 0);
    uv_timer_t t;
    uv_timer_init(&bucle, &t);
    t.data = &k;
    uv_timer_start(&t, al_rato_termina, 200, 0);
    CORRER_HASTA(&bucle, a.llamadas == 1 && b.llamadas == 1);
    cr_assert_eq(a.estado, BD_E_CONEXION, "estado %d: %s", a.estado, a.error);
    cr_assert(a.res_nulo);
    cr_assert(bd_rota(a.c));
    cr_assert(strstr(a.error, "se perdió la conexión") != NULL, "%s", a.error);
    cr_assert_eq(bd_consultar(a.c, "SELECT 1", 0, NULL, al_terminar, &a), UV_ENOTCONN);
    cr_assert_str_eq(b.valor, "t");
    cerrar(&bucle, &a);
    cerrar(&bucle, &b);
    terminar_bucle(&bucle);
}

static void al_rato_cancela(uv_timer_t *t)
{
    prueba_t *p = t->data;
    cr_assert_eq(bd_cancelar(p->c), 0, "%s", bd_error(p->c));
    uv_close((uv_handle_t *)t, NULL);
}

Test(bd, cancelar_en_el_servidor, .timeout = 30)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    prueba_t p;
    conectar(&bucle, &p, NULL);
    cr_assert_eq(bd_cancelar(p.c), UV_ENOTCONN, "sin consulta en curso no hay nada que cancelar");
    cr_assert_eq(bd_consultar(p.c, "SELECT pg_sleep(20)", 0, NULL, al_terminar, &p), 0);
    uv_timer_t t;
    uv_timer_init(&bucle, &t);
    t.data = &p;
    uv_timer_start(&t, al_rato_cancela, 200, 0);
    CORRER_HASTA(&bucle, p.llamadas == 1);
    cr_assert_eq(p.estado, UV_ECANCELED, "estado %d: %s", p.estado, p.error);
    cr_assert_str_eq(p.sqlstate, "57014");
    consultar(&bucle, &p, "SELECT 'después'", 0, NULL);
    cr_assert_eq(p.estado, 0, "%s", p.error);
    cr_assert_str_eq(p.valor, "después");
    cerrar(&bucle, &p);
    terminar_bucle(&bucle);
}

/* Ocupan los 4 hilos del grupo (el tamaño por omisión) para que la cancelación espere en la
 * cola: así bd_cerrar llega con ella todavía en curso, siempre. */
static void dormir_en_hilo(uv_work_t *w)
{
    (void)w;
    usleep(300 * 1000);
}

static void al_dormir(uv_work_t *w, int estado)
{
    (void)w;
    (void)estado;
}

static void al_rato_cancela_y_cierra(uv_timer_t *t)
{
    prueba_t *p = t->data;
    cr_assert_eq(bd_cancelar(p->c), 0, "%s", bd_error(p->c));
    cr_assert_eq(bd_cancelar(p->c), UV_EALREADY, "la primera cancelación sigue en curso");
    /* La cancelación está en el grupo de hilos: cerrar ya no puede liberar la conexión antes
     * de que vuelva (valgrind lo vería como lectura de memoria liberada). */
    bd_cerrar(p->c, al_cerrar, p);
    uv_close((uv_handle_t *)t, NULL);
}

Test(bd, cancelar_y_cerrar_enseguida, .timeout = 30)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    prueba_t p;
    conectar(&bucle, &p, NULL);
    cr_assert_eq(bd_consultar(p.c, "SELECT pg_sleep(20)", 0, NULL, al_terminar, &p), 0);
    uv_timer_t t;
    uv_timer_init(&bucle, &t);
    t.data = &p;
    uv_work_t ocupados[4];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(uv_queue_work(&bucle, &ocupados[i], dormir_en_hilo, al_dormir), 0);
    uv_timer_start(&t, al_rato_cancela_y_cierra, 200, 0);
    CORRER_HASTA(&bucle, p.cerrada == 1);
    cr_assert_eq(p.llamadas, 1, "la consulta avisa una vez, antes de al_cerrar");
    cr_assert_eq(p.estado, UV_ECANCELED);
    terminar_bucle(&bucle);
}

Test(bd, cerrar_con_todo_en_vuelo, .timeout = 30)
{
    uv_loop_t bucle;
    uv_loop_init(&bucle);
    /* Cerrar mientras conecta: al_conectar llega con UV_ECANCELED, antes que al_cerrar. */
    prueba_t a = {0};
    a.conectada = 1;
    cr_assert_eq(bd_conectar(&bucle, &a.c, cadena(), NULL, al_conectar, &a), 0);
    bd_cerrar(a.c, al_cerrar, &a);
    cr_assert_eq(a.llamadas_conectar, 0, "nunca dentro de la propia llamada");
    CORRER_HASTA(&bucle, a.cerrada == 1);
    cr_assert_eq(a.llamadas_conectar, 1);
    cr_assert_eq(a.conectada, UV_ECANCELED);
    /* Cerrar con una consulta en curso: su callback llega con UV_ECANCELED y res NULL. */
    prueba_t b;
    conectar(&bucle, &b, NULL);
    cr_assert_eq(bd_consultar(b.c, "SELECT pg_sleep(0.3)", 0, NULL, al_terminar, &b), 0);
    bd_cerrar(b.c, al_cerrar, &b);
    cr_assert_eq(b.llamadas, 0);
    CORRER_HASTA(&bucle, b.cerrada == 1);
    cr_assert_eq(b.llamadas, 1);
    cr_assert_eq(b.estado, UV_ECANCELED);
    cr_assert(b.res_nulo);
    terminar_bucle(&bucle);
}
