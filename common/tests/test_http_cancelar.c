/* test_http_cancelar.c — cancelar peticiones en cola y en curso, y cerrar el cliente con
 * trabajo pendiente: cada callback llega una sola vez, desde el bucle, y al final no queda
 * nada abierto (uv_loop_close() == 0; las fugas las mira fugas.sh con valgrind/ASan). */
#include "test_http_comun.h"

typedef struct {
    int llamadas;
    int error;
    double fin_s;
    int *dentro; /* != 0 mientras el test está dentro de http_cancelar/http_cliente_cerrar */
    int llamada_desde_dentro;
    char mensaje[512];
} fin_t;

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    fin_t *f = usuario;
    (void)p;
    f->llamadas++;
    f->error = r->error;
    f->fin_s = ahora_s();
    if (f->dentro != NULL && *f->dentro)
        f->llamada_desde_dentro = 1;
    snprintf(f->mensaje, sizeof f->mensaje, "%s", r->mensaje);
}

Test(http_cancelar, cancelar_una_en_cola, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    http_cliente_t *c = NULL;
    int dentro = 0;
    fin_t a = {.dentro = &dentro}, b = {.dentro = &dentro}, d = {.dentro = &dentro};
    http_peticion_t *pb = NULL;

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 1, &c), 0);
    cr_assert_eq(
        http_pedir(c, srv_url(&s, "/delay/0.3", url, sizeof url), NULL, al_terminar, &a, NULL), 0);
    cr_assert_eq(
        http_pedir(c, srv_url(&s, "/delay/0.3", url, sizeof url), NULL, al_terminar, &b, &pb), 0);
    cr_assert_eq(http_pedir(c, srv_url(&s, "/ping", url, sizeof url), NULL, al_terminar, &d, NULL),
                 0);
    cr_assert_not_null(pb);
    cr_assert_eq(http_cliente_en_cola(c), 2u);
    dentro = 1;
    cr_expect_eq(http_cancelar(pb), 0);
    cr_expect_eq(http_cancelar(pb), UV_EALREADY, "cancelar dos veces: la segunda UV_EALREADY");
    dentro = 0;
    cr_expect_eq(b.llamadas, 0, "la callback no puede llamarse dentro de http_cancelar");
    cr_expect_eq(http_cliente_en_cola(c), 1u);
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);

    int n = 0;
    linea_registro_t *v = registro_leer(&s, 2, &n);
    srv_parar(&s);
    cr_expect_eq(b.llamadas, 1);
    cr_expect_eq(b.error, HTTP_E_CANCELADA, "llegó %s", http_error_nombre(b.error));
    cr_expect(!b.llamada_desde_dentro);
    cr_expect(b.fin_s < a.fin_s, "la cancelada en cola se entrega sin esperar a la primera");
    cr_expect_eq(a.llamadas, 1);
    cr_expect_eq(a.error, 0, "%s", a.mensaje);
    cr_expect_eq(d.llamadas, 1);
    cr_expect_eq(d.error, 0, "%s", d.mensaje);
    cr_expect_eq(n, 2, "la cancelada en cola no debía llegar al servidor (%d líneas)", n);
    free(v);
}

/* Cancela una petición en curso desde un temporizador. */
typedef struct {
    uv_timer_t t;
    http_peticion_t *p;
    int resultado;
    int segunda;
} cancelador_t;

static void cancelar_cb(uv_timer_t *t)
{
    cancelador_t *k = t->data;
    k->resultado = http_cancelar(k->p);
    k->segunda = http_cancelar(k->p);
    uv_close((uv_handle_t *)t, NULL);
}

Test(http_cancelar, cancelar_una_en_curso, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    http_cliente_t *c = NULL;
    fin_t lenta = {0}, otra = {0};
    cancelador_t k = {.resultado = 99};

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &c), 0);
    double t0 = ahora_s();
    cr_assert_eq(
        http_pedir(c, srv_url(&s, "/delay/3", url, sizeof url), NULL, al_terminar, &lenta, &k.p),
        0);
    cr_assert_eq(
        http_pedir(c, srv_url(&s, "/delay/0.5", url, sizeof url), NULL, al_terminar, &otra, NULL),
        0);
    cr_assert_eq(uv_timer_init(&bucle, &k.t), 0);
    k.t.data = &k;
    cr_assert_eq(uv_timer_start(&k.t, cancelar_cb, 150, 0), 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);
    srv_parar(&s);

    cr_expect_eq(k.resultado, 0);
    cr_expect_eq(k.segunda, UV_EALREADY);
    cr_expect_eq(lenta.llamadas, 1);
    cr_expect_eq(lenta.error, HTTP_E_CANCELADA, "llegó %s", http_error_nombre(lenta.error));
    cr_expect(lenta.fin_s - t0 < 1.0, "la cancelación tardó %.2f s", lenta.fin_s - t0);
    cr_expect_eq(otra.llamadas, 1);
    cr_expect_eq(otra.error, 0, "la otra debía seguir: %s", otra.mensaje);
    cr_expect(otra.fin_s > lenta.fin_s);
}

/* Cancelarse a sí misma desde al_recibir: ni un byte más después. */
typedef struct {
    fin_t fin;
    size_t recibidos;
    int llamadas_tras_cancelar;
    int cancelada;
    int resultado_cancelar;
} propia_t;

static int recibir_y_cancelar(http_peticion_t *p, const char *datos, size_t n, void *usuario)
{
    propia_t *pr = usuario;
    (void)datos;
    if (pr->cancelada)
        pr->llamadas_tras_cancelar++;
    pr->recibidos += n;
    if (!pr->cancelada && pr->recibidos >= 1) {
        pr->cancelada = 1;
        pr->resultado_cancelar = http_cancelar(p);
        cr_expect_eq(pr->fin.llamadas, 0, "al_terminar llamada dentro de http_cancelar");
    }
    return 0;
}

Test(http_cancelar, cancelar_desde_al_recibir, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    http_cliente_t *c = NULL;
    propia_t pr = {.resultado_cancelar = 99};
    http_opciones_t op = {.al_recibir = recibir_y_cancelar};

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &c), 0);
    cr_assert_eq(http_pedir(c, srv_url(&s, "/drip?numbytes=20&duration=2&delay=0", url, sizeof url),
                            &op, al_terminar, &pr.fin, NULL),
                 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);
    srv_parar(&s);
    cr_expect_eq(pr.resultado_cancelar, 0);
    cr_expect_eq(pr.fin.llamadas, 1);
    cr_expect_eq(pr.fin.error, HTTP_E_CANCELADA, "llegó %s", http_error_nombre(pr.fin.error));
    cr_expect_eq(pr.llamadas_tras_cancelar, 0, "al_recibir siguió recibiendo tras cancelar");
}

/* Cerrar el cliente con peticiones en curso y en cola. */
typedef struct {
    uv_timer_t t;
    http_cliente_t *c;
    int *dentro;
    int cerrado;
    int cerrado_antes_de_callbacks;
    fin_t *fines;
    int n;
} cierre_t;

static void al_cerrar(void *usuario)
{
    cierre_t *ci = usuario;
    ci->cerrado++;
    for (int i = 0; i < ci->n; i++) {
        if (ci->fines[i].llamadas == 0)
            ci->cerrado_antes_de_callbacks = 1;
    }
}

static void cerrar_cb(uv_timer_t *t)
{
    cierre_t *ci = t->data;
    *ci->dentro = 1;
    http_cliente_cerrar(ci->c, al_cerrar, ci);
    http_cliente_cerrar(ci->c, al_cerrar, ci); /* la segunda no hace nada */
    *ci->dentro = 0;
    uv_close((uv_handle_t *)t, NULL);
}

Test(http_cancelar, cerrar_el_cliente_con_peticiones_pendientes, .timeout = 30, .fini = srv_limpiar)
{
    enum { N = 10 };
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    int dentro = 0;
    fin_t fines[N];
    cierre_t ci = {.dentro = &dentro, .fines = fines, .n = N};

    memset(fines, 0, sizeof fines);
    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 4, &ci.c), 0);
    double t0 = ahora_s();
    for (int i = 0; i < N; i++) {
        fines[i].dentro = &dentro;
        cr_assert_eq(http_pedir(ci.c, srv_url(&s, "/delay/3", url, sizeof url), NULL, al_terminar,
                                &fines[i], NULL),
                     0);
    }
    cr_expect_eq(http_cliente_activas(ci.c), 4u);
    cr_expect_eq(http_cliente_en_cola(ci.c), 6u);
    cr_assert_eq(uv_timer_init(&bucle, &ci.t), 0);
    ci.t.data = &ci;
    cr_assert_eq(uv_timer_start(&ci.t, cerrar_cb, 200, 0), 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    double total = ahora_s() - t0;
    cr_assert_eq(uv_loop_close(&bucle), 0, "tras http_cliente_cerrar el bucle debía cerrar");
    srv_parar(&s);

    for (int i = 0; i < N; i++) {
        cr_expect_eq(fines[i].llamadas, 1, "la petición %d recibió %d callbacks", i,
                     fines[i].llamadas);
        cr_expect_eq(fines[i].error, HTTP_E_CANCELADA, "la %d acabó con %s", i,
                     http_error_nombre(fines[i].error));
        cr_expect(!fines[i].llamada_desde_dentro,
                  "la callback %d se llamó dentro de http_cliente_cerrar", i);
    }
    cr_expect_eq(ci.cerrado, 1, "al_cerrar se llamó %d veces", ci.cerrado);
    cr_expect(!ci.cerrado_antes_de_callbacks, "al_cerrar llegó antes que alguna al_terminar");
    cr_expect(total < 2.0, "cerrar no esperó a las /delay/3 (%.2f s)", total);
}

/* Cerrar desde dentro de una callback de fin (lo más habitual) y pedir después. */
typedef struct {
    http_cliente_t *c;
    const srv_t *srv;
    int fines;
    int cancelada;
    int pedir_tras_cerrar;
    int cerrado;
} dentro_t;

static void al_cerrar_simple(void *usuario)
{
    int *cerrado = usuario;
    (*cerrado)++;
}

static void fin_y_cerrar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    dentro_t *d = usuario;
    char url[256];
    (void)p;
    d->fines++;
    if (r->error == HTTP_E_CANCELADA) {
        d->cancelada++;
        return;
    }
    http_cliente_cerrar(d->c, al_cerrar_simple, &d->cerrado);
    d->pedir_tras_cerrar =
        http_pedir(d->c, srv_url(d->srv, "/ping", url, sizeof url), NULL, fin_y_cerrar, d, NULL);
}

Test(http_cancelar, cerrar_desde_al_terminar, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    dentro_t d = {.srv = &s, .pedir_tras_cerrar = 99};

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &d.c), 0);
    cr_assert_eq(
        http_pedir(d.c, srv_url(&s, "/ping", url, sizeof url), NULL, fin_y_cerrar, &d, NULL), 0);
    cr_assert_eq(
        http_pedir(d.c, srv_url(&s, "/delay/3", url, sizeof url), NULL, fin_y_cerrar, &d, NULL), 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&bucle), 0);
    srv_parar(&s);
    cr_expect_eq(d.fines, 2);
    cr_expect_eq(d.cancelada, 1, "la /delay/3 debía cancelarse al cerrar");
    cr_expect_eq(d.pedir_tras_cerrar, UV_ECANCELED);
    cr_expect_eq(d.cerrado, 1);
}

/* Cerrar desde dentro de al_recibir: estamos dentro de curl; el cierre se difiere. */
typedef struct {
    http_cliente_t *c;
    int fines;
    int error;
    int cerrado;
} en_curl_t;

static int recibir_y_cerrar(http_peticion_t *p, const char *datos, size_t n, void *usuario)
{
    en_curl_t *e = usuario;
    (void)p;
    (void)datos;
    (void)n;
    http_cliente_cerrar(e->c, al_cerrar_simple, &e->cerrado);
    return 0;
}

static void fin_en_curl(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    en_curl_t *e = usuario;
    (void)p;
    e->fines++;
    e->error = r->error;
}

Test(http_cancelar, cerrar_desde_al_recibir, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    en_curl_t e = {0};
    http_opciones_t op = {.al_recibir = recibir_y_cerrar};

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &e.c), 0);
    cr_assert_eq(http_pedir(e.c,
                            srv_url(&s, "/drip?numbytes=20&duration=2&delay=0", url, sizeof url),
                            &op, fin_en_curl, &e, NULL),
                 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&bucle), 0);
    srv_parar(&s);
    cr_expect_eq(e.fines, 1);
    cr_expect_eq(e.error, HTTP_E_CANCELADA, "llegó %s", http_error_nombre(e.error));
    cr_expect_eq(e.cerrado, 1);
}
