/* test_http_concurrencia.c — muchas peticiones a la vez con un solo cliente: que de verdad
 * se solapen (lo prueba el registro del servidor, no nuestro reloj) y que el tope de
 * simultáneas se respete. */
#include "test_http_comun.h"

typedef struct {
    http_cliente_t *cliente;
    unsigned tope;
    int hechas;
    int errores;
    unsigned max_activas_vistas;
    char primer_error[512];
} lote_t;

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    lote_t *l = usuario;
    (void)p;
    l->hechas++;
    /* La que termina aún cuenta como activa hasta que se entrega: sumamos las demás. */
    unsigned activas = http_cliente_activas(l->cliente);
    if (activas > l->max_activas_vistas)
        l->max_activas_vistas = activas;
    if (r->error != 0 || r->estado != 200) {
        l->errores++;
        if (l->errores == 1)
            snprintf(l->primer_error, sizeof l->primer_error, "%s (estado %ld): %s",
                     http_error_nombre(r->error), r->estado, r->mensaje);
    }
}

Test(http_concurrencia, doscientas_peticiones_a_la_vez, .timeout = 60, .fini = srv_limpiar)
{
    enum { N = 200 };
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    lote_t l = {0};

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &l.cliente), 0);
    double t0 = ahora_s();
    for (int i = 0; i < N; i++) {
        char ruta[64];
        snprintf(ruta, sizeof ruta, "/delay/1?i=%d", i);
        cr_assert_eq(
            http_pedir(l.cliente, srv_url(&s, ruta, url, sizeof url), NULL, al_terminar, &l, NULL),
            0);
    }
    cr_expect_eq(http_cliente_activas(l.cliente), (unsigned)N, "sin tope, todas en curso");
    uv_run(&bucle, UV_RUN_DEFAULT);
    double total = ahora_s() - t0;
    http_cliente_cerrar(l.cliente, NULL, NULL);
    bucle_acabar(&bucle);

    int n = 0;
    linea_registro_t *v = registro_leer(&s, N, &n);
    srv_parar(&s);
    cr_assert_eq(l.hechas, N);
    cr_expect_eq(l.errores, 0, "%d fallaron; la primera: %s", l.errores, l.primer_error);
    cr_expect(total < 4.0, "200 × /delay/1 concurrentes tardaron %.2f s (deberían ≈ 1 s)", total);
    cr_expect_eq(n, N, "el registro tiene %d líneas", n);
    int solapadas = registro_max_solapadas(v, n, "/delay/1");
    cr_expect(solapadas >= N / 2,
              "el servidor vio como mucho %d peticiones a la vez: no hubo concurrencia real",
              solapadas);
    cr_log_info("200 × /delay/1: %.2f s, máximo solapadas en el servidor: %d", total, solapadas);
    free(v);
}

Test(http_concurrencia, el_tope_de_simultaneas_se_respeta, .timeout = 60, .fini = srv_limpiar)
{
    enum { N = 20, TOPE = 5 };
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    lote_t l = {.tope = TOPE};

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, TOPE, &l.cliente), 0);
    double t0 = ahora_s();
    for (int i = 0; i < N; i++) {
        char ruta[64];
        snprintf(ruta, sizeof ruta, "/delay/0.3?i=%d", i);
        cr_assert_eq(
            http_pedir(l.cliente, srv_url(&s, ruta, url, sizeof url), NULL, al_terminar, &l, NULL),
            0);
    }
    cr_expect_eq(http_cliente_activas(l.cliente), (unsigned)TOPE);
    cr_expect_eq(http_cliente_en_cola(l.cliente), (unsigned)(N - TOPE));
    uv_run(&bucle, UV_RUN_DEFAULT);
    double total = ahora_s() - t0;
    cr_expect_eq(http_cliente_activas(l.cliente), 0u);
    cr_expect_eq(http_cliente_en_cola(l.cliente), 0u);
    http_cliente_cerrar(l.cliente, NULL, NULL);
    bucle_acabar(&bucle);

    int n = 0;
    linea_registro_t *v = registro_leer(&s, N, &n);
    srv_parar(&s);
    cr_assert_eq(l.hechas, N);
    cr_expect_eq(l.errores, 0, "%d fallaron; la primera: %s", l.errores, l.primer_error);
    cr_expect(l.max_activas_vistas <= TOPE, "hubo %u activas a la vez", l.max_activas_vistas);
    cr_expect_eq(n, N);
    int solapadas = registro_max_solapadas(v, n, "/delay/0.3");
    cr_expect(solapadas <= TOPE, "el servidor vio %d peticiones a la vez con tope %d", solapadas,
              TOPE);
    cr_expect(solapadas >= 2, "con tope %d debían solaparse varias (vio %d)", TOPE, solapadas);
    /* Cuatro tandas de 0.3 s como mínimo. */
    cr_expect(total >= 4 * 0.3 - 0.005, "20 × /delay/0.3 con tope 5 tardaron solo %.3f s", total);
    cr_expect(total < 5.0, "tardaron %.2f s", total);
    free(v);
}

/* El orden de la cola es el de llegada (FIFO). */
typedef struct {
    int orden[8];
    int n;
} orden_t;

typedef struct {
    orden_t *o;
    int id;
} marca_t;

static void anotar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    marca_t *m = usuario;
    (void)p;
    cr_expect_eq(r->error, 0, "%s", r->mensaje);
    m->o->orden[m->o->n++] = m->id;
}

Test(http_concurrencia, la_cola_es_fifo, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    http_cliente_t *c = NULL;
    orden_t o = {{0}, 0};
    marca_t m[6];

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 1, &c), 0);
    for (int i = 0; i < 6; i++) {
        m[i].o = &o;
        m[i].id = i;
        cr_assert_eq(
            http_pedir(c, srv_url(&s, "/ping", url, sizeof url), NULL, anotar, &m[i], NULL), 0);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);
    srv_parar(&s);
    cr_assert_eq(o.n, 6);
    for (int i = 0; i < 6; i++)
        cr_expect_eq(o.orden[i], i, "posición %d: terminó la %d", i, o.orden[i]);
}
