/* test_http_pausa.c — lo que el cliente HTTP ofrece a un gestor de descargas (lab 11):
 * pausar y reanudar la recepción (contrapresión de un disco lento), y el estado y las
 * cabeceras de la respuesta ya dentro de al_recibir (un 206 con su Content-Range). */
#include "test_http_comun.h"

#define TAM_GRANDE 3000000u

typedef struct {
    uv_loop_t *bucle;
    http_cliente_t *cliente;
    http_peticion_t *peticion;
    uv_timer_t reanudar;
    int pausada;           /* según la prueba: pedimos pausa y aún no reanudamos */
    int dentro_reanudar;   /* estamos dentro de http_reanudar() */
    int datos_en_pausa;    /* al_recibir llegó con la petición pausada */
    int datos_en_reanudar; /* al_recibir llegó desde dentro de http_reanudar() */
    int pausas;
    uint64_t recibidos;
    uint64_t siguiente_pausa;
    uint32_t fnv; /* FNV-1a de lo recibido, para comparar con la descarga sin pausas */
    int error;
    long estado;
    int terminadas;
    /* cabeceras vistas en al_recibir */
    long estado_en_datos;
    char rango_en_datos[128];
    int cancelar_en_pausa;
} pausa_t;

static uint32_t fnv(uint32_t h, const char *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)d[i];
        h *= 16777619u;
    }
    return h;
}

static void reanudar_cb(uv_timer_t *t)
{
    pausa_t *e = t->data;
    if (e->cancelar_en_pausa) {
        cr_expect_eq(http_cancelar(e->peticion), 0);
        return;
    }
    e->pausada = 0;
    e->dentro_reanudar = 1;
    int r = http_reanudar(e->peticion);
    e->dentro_reanudar = 0;
    cr_expect_eq(r, 0, "http_reanudar: %s", http_error_texto(r));
}

static int al_recibir(http_peticion_t *p, const char *datos, size_t n, void *usuario)
{
    pausa_t *e = usuario;
    if (e->pausada)
        e->datos_en_pausa++;
    if (e->dentro_reanudar)
        e->datos_en_reanudar++;
    if (e->recibidos == 0) {
        e->estado_en_datos = http_peticion_estado(p);
        const char *v = http_peticion_cabecera(p, "content-range");
        snprintf(e->rango_en_datos, sizeof e->rango_en_datos, "%s", v ? v : "(ninguna)");
    }
    e->recibidos += n;
    e->fnv = fnv(e->fnv, datos, n);
    if (e->siguiente_pausa > 0 && e->recibidos >= e->siguiente_pausa) {
        e->siguiente_pausa += 256 * 1024;
        cr_expect_eq(http_pausar(p), 0);
        cr_expect_eq(http_pausar(p), 0, "pausar dos veces no es un error");
        e->pausada = 1;
        e->pausas++;
        uv_timer_start(&e->reanudar, reanudar_cb, 15, 0);
    }
    return 0;
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    pausa_t *e = usuario;
    (void)p;
    e->terminadas++;
    e->error = r->error;
    e->estado = r->estado;
    http_cliente_cerrar(e->cliente, NULL, NULL);
    uv_close((uv_handle_t *)&e->reanudar, NULL);
}

/* Una descarga con al_recibir; `pausar_cada` > 0 pausa cada tantos bytes durante 15 ms. */
static void descargar(const char *url, const char *const *cabeceras, uint64_t pausar_cada,
                      pausa_t *e)
{
    uv_loop_t bucle;
    memset(e, 0, sizeof *e);
    e->fnv = 2166136261u;
    e->siguiente_pausa = pausar_cada;
    cr_assert_eq(uv_loop_init(&bucle), 0);
    e->bucle = &bucle;
    cr_assert_eq(uv_timer_init(&bucle, &e->reanudar), 0);
    e->reanudar.data = e;
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &e->cliente), 0);
    http_opciones_t op = {.al_recibir = al_recibir, .cabeceras = cabeceras};
    cr_assert_eq(http_pedir(e->cliente, url, &op, al_terminar, e, &e->peticion), 0);
    bucle_acabar(&bucle);
}

Test(http_pausa, pausas_no_pierden_ni_reordenan_bytes, .timeout = 60, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    pausa_t seguida, pausas;
    srv_arrancar(&s);
    srv_url(&s, "/bytes/3000000?seed=21", url, sizeof url);
    descargar(url, NULL, 0, &seguida);
    descargar(url, NULL, 256 * 1024, &pausas);
    srv_parar(&s);
    cr_assert_eq(seguida.error, 0);
    cr_expect_eq(pausas.error, 0, "con pausas: %s", http_error_texto(pausas.error));
    cr_expect_eq(pausas.terminadas, 1);
    cr_expect_eq(pausas.recibidos, TAM_GRANDE, "llegaron %llu bytes",
                 (unsigned long long)pausas.recibidos);
    cr_expect_eq(pausas.fnv, seguida.fnv, "los bytes con pausas difieren de los de sin pausas");
    cr_expect_geq(pausas.pausas, 8, "solo hubo %d pausas", pausas.pausas);
    cr_expect_eq(pausas.datos_en_pausa, 0, "al_recibir llegó %d veces con la petición pausada",
                 pausas.datos_en_pausa);
    cr_expect_eq(pausas.datos_en_reanudar, 0,
                 "al_recibir se llamó %d veces desde dentro de http_reanudar",
                 pausas.datos_en_reanudar);
}

Test(http_pausa, estado_y_cabeceras_dentro_de_al_recibir, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    pausa_t e;
    const char *rango[] = {"Range: bytes=100-", NULL};
    srv_arrancar(&s);
    descargar(srv_url(&s, "/bytes/1000?seed=2", url, sizeof url), rango, 0, &e);
    srv_parar(&s);
    cr_expect_eq(e.error, 0);
    cr_expect_eq(e.estado, 206);
    cr_expect_eq(e.estado_en_datos, 206, "http_peticion_estado en al_recibir: %ld",
                 e.estado_en_datos);
    cr_expect_str_eq(e.rango_en_datos, "bytes 100-999/1000");
    cr_expect_eq(e.recibidos, 900);
}

Test(http_pausa, cancelar_una_pausada, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    pausa_t e;
    memset(&e, 0, sizeof e);
    e.siguiente_pausa = 64 * 1024;
    e.cancelar_en_pausa = 1;
    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(uv_timer_init(&bucle, &e.reanudar), 0);
    e.reanudar.data = &e;
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &e.cliente), 0);
    http_opciones_t op = {.al_recibir = al_recibir};
    srv_url(&s, "/bytes/3000000", url, sizeof url);
    cr_assert_eq(http_pedir(e.cliente, url, &op, al_terminar, &e, &e.peticion), 0);
    bucle_acabar(&bucle);
    srv_parar(&s);
    cr_expect_eq(e.terminadas, 1);
    cr_expect_eq(e.error, HTTP_E_CANCELADA, "error %s", http_error_nombre(e.error));
    cr_expect_lt(e.recibidos, TAM_GRANDE);
}

static void nada(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    (void)p;
    (void)r;
    int *n = usuario;
    (*n)++;
}

Test(http_pausa, errores_sin_llamar_a_nada, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    http_cliente_t *c;
    http_peticion_t *primera, *segunda;
    int fines = 0;
    cr_expect_eq(http_pausar(NULL), UV_EINVAL);
    cr_expect_eq(http_reanudar(NULL), UV_EINVAL);
    cr_expect_eq(http_peticion_estado(NULL), 0);
    cr_expect_null(http_peticion_cabecera(NULL, "Range"));
    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 1, &c), 0);
    srv_url(&s, "/bytes/10", url, sizeof url);
    cr_assert_eq(http_pedir(c, url, NULL, nada, &fines, &primera), 0);
    cr_assert_eq(http_pedir(c, url, NULL, nada, &fines, &segunda), 0);
    /* La segunda espera en la cola (tope 1): no hay transferencia que pausar. */
    cr_expect_eq(http_pausar(segunda), UV_EINVAL);
    cr_expect_eq(http_reanudar(segunda), UV_EINVAL);
    cr_expect_eq(http_peticion_estado(segunda), 0, "sin respuesta aún, estado 0");
    cr_expect_null(http_peticion_cabecera(segunda, "Content-Length"));
    cr_expect_eq(fines, 0, "una función que falla no llama a la callback");
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);
    srv_parar(&s);
    cr_expect_eq(fines, 2, "cada petición aceptada recibe su al_terminar una vez");
}
