/* test_http_errores.c — los errores del cliente HTTP: transferencia cortada, conexión
 * rechazada, URL mala (síncrona, sin callback), tiempo límite y los textos de error. */
#include "test_http_comun.h"

typedef struct {
    int llamadas;
    int error;
    long estado;
    int cuerpo_nulo;
    uint64_t bytes;
    double segundos;
    double fin_s;
    char mensaje[1024];
    char detalle[1024];
    char url[256];
} fin_t;

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    fin_t *f = usuario;
    (void)p;
    f->llamadas++;
    f->error = r->error;
    f->estado = r->estado;
    f->cuerpo_nulo = r->cuerpo == NULL;
    f->bytes = r->bytes;
    f->segundos = r->segundos;
    f->fin_s = ahora_s();
    snprintf(f->mensaje, sizeof f->mensaje, "%s", r->mensaje ? r->mensaje : "(null)");
    snprintf(f->detalle, sizeof f->detalle, "%s", r->detalle ? r->detalle : "(null)");
    snprintf(f->url, sizeof f->url, "%s", r->url ? r->url : "(null)");
}

/* El motivo es una línea corta en español: sin la URL, sin saltos de línea y sin el texto
 * de curl (que va aparte, en `detalle`). */
static void expect_mensaje_corto(const fin_t *f)
{
    cr_expect(f->mensaje[0] != '\0', "un error sin mensaje");
    cr_expect(strlen(f->mensaje) <= 80, "mensaje de %zu bytes: %s", strlen(f->mensaje), f->mensaje);
    cr_expect(strstr(f->mensaje, f->url) == NULL, "el mensaje repite la URL: %s", f->mensaje);
    cr_expect(strstr(f->mensaje, "curl") == NULL, "el mensaje lleva texto de curl: %s", f->mensaje);
    cr_expect(strpbrk(f->mensaje, "\r\n") == NULL, "el mensaje ocupa varias líneas: %s",
              f->mensaje);
}

static void pedir_una(const char *url, const http_opciones_t *op, fin_t *f)
{
    uv_loop_t bucle;
    http_cliente_t *c = NULL;
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &c), 0);
    cr_assert_eq(http_pedir(c, url, op, al_terminar, f, NULL), 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);
    cr_assert_eq(f->llamadas, 1, "al_terminar se llamó %d veces", f->llamadas);
}

Test(http_errores, corte_a_mitad_de_cuerpo_es_cortada, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    fin_t f = {0};
    srv_arrancar(&s);
    pedir_una(srv_url(&s, "/cortar/1000", url, sizeof url), NULL, &f);
    srv_parar(&s);
    cr_expect_eq(f.error, HTTP_E_CORTADA, "se esperaba HTTP_E_CORTADA y llegó %s (%s)",
                 http_error_nombre(f.error), f.mensaje);
    cr_expect(f.cuerpo_nulo, "una respuesta cortada no puede entregar cuerpo");
    cr_expect_eq(f.bytes, 1000u, "bytes = %llu", (unsigned long long)f.bytes);
    cr_expect(strstr(f.mensaje, "cortó") != NULL, "mensaje: %s", f.mensaje);
    expect_mensaje_corto(&f);
    cr_expect(f.detalle[0] != '\0', "falta el detalle de curl (mensaje: %s)", f.mensaje);
}

Test(http_errores, conexion_rechazada, .timeout = 30, .fini = srv_limpiar)
{
    char url[128];
    fin_t f = {0};
    snprintf(url, sizeof url, "http://127.0.0.1:%d/ping", puerto_cerrado());
    pedir_una(url, NULL, &f);
    cr_expect_eq(f.error, HTTP_E_CONEXION, "se esperaba HTTP_E_CONEXION y llegó %s (%s)",
                 http_error_nombre(f.error), f.mensaje);
    cr_expect_eq(f.estado, 0);
    cr_expect(f.cuerpo_nulo);
    cr_expect_str_eq(f.mensaje, "no se pudo conectar: conexión rechazada");
    expect_mensaje_corto(&f);
    cr_expect(f.detalle[0] != '\0', "falta el detalle de curl");
}

static void no_debe_llamarse(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    int *llamadas = usuario;
    (void)p;
    (void)r;
    (*llamadas)++;
}

Test(http_errores, url_mala_falla_sincrona_sin_callback, .timeout = 30, .fini = srv_limpiar)
{
    uv_loop_t bucle;
    http_cliente_t *c = NULL;
    int llamadas = 0;
    const char *malas[] = {"",
                           "ftp://127.0.0.1/x",
                           "http://",
                           "127.0.0.1:80/ping",
                           "no es una url",
                           "file:///etc/passwd",
                           "http://a b/"};
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &c), 0);
    for (size_t i = 0; i < sizeof malas / sizeof malas[0]; i++) {
        http_peticion_t *p = (http_peticion_t *)&llamadas; /* basura: debe quedar a NULL */
        int r = http_pedir(c, malas[i], NULL, no_debe_llamarse, &llamadas, &p);
        cr_expect_eq(r, HTTP_E_URL, "«%s» devolvió %d (%s)", malas[i], r, http_error_nombre(r));
        cr_expect_null(p, "con error, *peticion debe quedar a NULL");
    }
    cr_expect_eq(http_pedir(c, NULL, NULL, no_debe_llamarse, &llamadas, NULL), HTTP_E_URL);
    cr_expect_eq(http_pedir(c, "http://127.0.0.1:1/", NULL, NULL, NULL, NULL), UV_EINVAL,
                 "sin callback debe ser UV_EINVAL");
    const char *metodo_raro = "GET /x HTTP/1.1\r\n";
    http_opciones_t op = {.metodo = metodo_raro};
    cr_expect_eq(http_pedir(c, "http://127.0.0.1:1/", &op, no_debe_llamarse, &llamadas, NULL),
                 UV_EINVAL, "un método con espacios no se acepta");
    cr_expect_eq(http_cliente_en_cola(c) + http_cliente_activas(c), 0u);
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);
    cr_expect_eq(llamadas, 0, "la callback de una petición rechazada no puede llamarse");
}

Test(http_errores, tiempo_limite_salta_a_tiempo_y_las_demas_siguen, .timeout = 30,
     .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    http_cliente_t *c = NULL;
    fin_t lenta = {0};
    fin_t otras[3] = {{0}};
    http_opciones_t limite = {.tiempo_limite_ms = 300};

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &c), 0);
    double t0 = ahora_s();
    cr_assert_eq(
        http_pedir(c, srv_url(&s, "/delay/5", url, sizeof url), &limite, al_terminar, &lenta, NULL),
        0);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(http_pedir(c, srv_url(&s, "/delay/0.8", url, sizeof url), NULL, al_terminar,
                                &otras[i], NULL),
                     0);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);
    srv_parar(&s);

    cr_assert_eq(lenta.llamadas, 1);
    cr_expect_eq(lenta.error, HTTP_E_TIEMPO, "se esperaba HTTP_E_TIEMPO y llegó %s (%s)",
                 http_error_nombre(lenta.error), lenta.mensaje);
    cr_expect(lenta.fin_s - t0 >= 0.25 && lenta.fin_s - t0 < 2.0,
              "el tiempo límite de 0.3 s saltó a los %.3f s", lenta.fin_s - t0);
    cr_expect(lenta.segundos >= 0.25 && lenta.segundos < 2.0, "segundos = %.3f", lenta.segundos);
    cr_expect_str_eq(lenta.mensaje, "se agotó el tiempo límite (300 ms)");
    expect_mensaje_corto(&lenta);
    for (int i = 0; i < 3; i++) {
        cr_expect_eq(otras[i].llamadas, 1);
        cr_expect_eq(otras[i].error, 0, "la petición %d falló: %s", i, otras[i].mensaje);
        cr_expect(otras[i].fin_s > lenta.fin_s,
                  "las /delay/0.8 terminan después del tiempo límite de la lenta");
    }
}

Test(http_errores, el_tiempo_limite_no_cuenta_la_espera_en_cola, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    http_cliente_t *c = NULL;
    fin_t primera = {0};
    fin_t segunda = {0};
    http_opciones_t limite = {.tiempo_limite_ms = 1500};

    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 1, &c), 0);
    cr_assert_eq(
        http_pedir(c, srv_url(&s, "/delay/1", url, sizeof url), NULL, al_terminar, &primera, NULL),
        0);
    /* Espera 1 s en cola y tarda 1 s: con el límite de 1.5 s contado desde la cola fallaría. */
    cr_assert_eq(http_pedir(c, srv_url(&s, "/delay/1", url, sizeof url), &limite, al_terminar,
                            &segunda, NULL),
                 0);
    cr_expect_eq(http_cliente_activas(c), 1u);
    cr_expect_eq(http_cliente_en_cola(c), 1u);
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);
    srv_parar(&s);
    cr_expect_eq(primera.error, 0, "%s", primera.mensaje);
    cr_expect_eq(segunda.error, 0, "la espera en cola contó para el tiempo límite: %s",
                 segunda.mensaje);
    cr_expect(segunda.fin_s - primera.fin_s >= 0.9, "la segunda no esperó a la primera");
    cr_expect(segunda.segundos < 1.5, "segundos = %.3f (no debe incluir la cola)",
              segunda.segundos);
}

Test(http_errores, textos_y_nombres_de_error, .fini = srv_limpiar)
{
    const int codigos[] = {HTTP_E_TIEMPO,   HTTP_E_CONEXION,  HTTP_E_RESOLUCION, HTTP_E_CORTADA,
                           HTTP_E_ESTADO,   HTTP_E_CANCELADA, HTTP_E_URL,        HTTP_E_DEMASIADO,
                           HTTP_E_ABORTADA, HTTP_E_OTRO};
    size_t n = sizeof codigos / sizeof codigos[0];
    for (size_t i = 0; i < n; i++) {
        const char *nombre = http_error_nombre(codigos[i]);
        const char *texto = http_error_texto(codigos[i]);
        cr_expect(strncmp(nombre, "HTTP_E_", 7) == 0, "nombre %s", nombre);
        cr_expect(strlen(texto) > 10, "texto «%s»", texto);
        for (size_t j = 0; j < i; j++)
            cr_expect_str_neq(nombre, http_error_nombre(codigos[j]));
    }
    cr_expect_str_eq(http_error_nombre(UV_ECONNREFUSED), "ECONNREFUSED");
    cr_expect_str_eq(http_error_texto(UV_ENOMEM), "no hay memoria suficiente");
    cr_expect_str_eq(http_error_texto(HTTP_E_TIEMPO), "se agotó el tiempo límite de la petición");
    /* Los de libuv, en español (curso/errores.h), no con uv_strerror. */
    cr_expect_str_eq(http_error_texto(UV_EBUSY), "recurso ocupado");
    cr_expect_str_eq(http_error_texto(UV_ECONNREFUSED), "conexión rechazada");
    cr_expect_str_eq(http_error_texto(UV_ECHARSET), "error desconocido de libuv: UV_ECHARSET");
    cr_expect_str_eq(http_error_nombre(-12345), "DESCONOCIDO");
}
