/* test_http_basico.c — el cliente HTTP contra el servidor de práctica: cuerpos en memoria y
 * en streaming, chunked, progreso, cabeceras, JSON, estados y reutilización de conexión. */
#include "test_http_comun.h"

#include <inttypes.h>

/* Lo que una prueba recoge de una sola petición. */
typedef struct {
    int llamadas;
    int error;
    long estado;
    char *cuerpo; /* copia */
    size_t longitud;
    int cuerpo_nulo;
    uint64_t bytes;
    double segundos;
    char mensaje[1024];
    char cabecera[256]; /* valor de la cabecera pedida en `cabecera_nombre` */
    const char *cabecera_nombre;
    int cabecera_encontrada;
    /* streaming */
    unsigned char *recibido;
    size_t n_recibido;
    size_t cap_recibido;
    int cortar_tras; /* al_recibir devuelve 1 tras estos bytes (0 = nunca) */
    /* progreso */
    int avisos;
    uint64_t ultimo_recibidos;
    int64_t ultimo_total;
    int retrocedio;
    int total_conocido_alguna_vez;
    /* JSON */
    int json_ok;
    char error_json[256];
} resultado_t;

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    resultado_t *res = usuario;
    cr_assert_eq(http_peticion_usuario(p), usuario);
    res->llamadas++;
    res->error = r->error;
    res->estado = r->estado;
    res->bytes = r->bytes;
    res->segundos = r->segundos;
    res->cuerpo_nulo = r->cuerpo == NULL;
    snprintf(res->mensaje, sizeof res->mensaje, "%s", r->mensaje ? r->mensaje : "(null)");
    if (r->cuerpo != NULL) {
        res->cuerpo = malloc(r->longitud + 1);
        cr_assert_not_null(res->cuerpo);
        memcpy(res->cuerpo, r->cuerpo, r->longitud + 1);
        res->longitud = r->longitud;
    }
    if (res->cabecera_nombre != NULL) {
        const char *v = http_respuesta_cabecera(r, res->cabecera_nombre);
        res->cabecera_encontrada = v != NULL;
        snprintf(res->cabecera, sizeof res->cabecera, "%s", v ? v : "");
    }
    json_t *j = http_respuesta_json(r, res->error_json, sizeof res->error_json);
    res->json_ok = j != NULL;
    json_decref(j);
}

static int al_recibir(http_peticion_t *p, const char *datos, size_t n, void *usuario)
{
    resultado_t *res = usuario;
    (void)p;
    if (res->n_recibido + n > res->cap_recibido) {
        size_t cap = res->cap_recibido ? res->cap_recibido : 4096;
        while (cap < res->n_recibido + n)
            cap *= 2;
        res->recibido = realloc(res->recibido, cap);
        cr_assert_not_null(res->recibido);
        res->cap_recibido = cap;
    }
    memcpy(res->recibido + res->n_recibido, datos, n);
    res->n_recibido += n;
    return res->cortar_tras > 0 && res->n_recibido >= (size_t)res->cortar_tras;
}

static void al_progresar(http_peticion_t *p, uint64_t recibidos, int64_t total, void *usuario)
{
    resultado_t *res = usuario;
    (void)p;
    if (res->avisos > 0 && recibidos < res->ultimo_recibidos)
        res->retrocedio = 1;
    if (total >= 0)
        res->total_conocido_alguna_vez = 1;
    res->avisos++;
    res->ultimo_recibidos = recibidos;
    res->ultimo_total = total;
}

static void resultado_liberar(resultado_t *r)
{
    free(r->cuerpo);
    free(r->recibido);
}

/* Hace una petición con su propio bucle y cliente, y lo cierra todo. */
static void pedir_una(const char *url, const http_opciones_t *op, resultado_t *res)
{
    uv_loop_t bucle;
    http_cliente_t *c = NULL;
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &c), 0);
    cr_assert_eq(http_pedir(c, url, op, al_terminar, res, NULL), 0);
    cr_assert_eq(res->llamadas, 0, "al_terminar no puede llamarse dentro de http_pedir");
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(c, NULL, NULL);
    bucle_acabar(&bucle);
    cr_assert_eq(res->llamadas, 1, "al_terminar se llamó %d veces", res->llamadas);
}

Test(http_basico, bytes_en_memoria_tienen_la_longitud_pedida, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t res = {.cabecera_nombre = "CONTENT-length"};
    srv_arrancar(&s);
    pedir_una(srv_url(&s, "/bytes/100000?seed=3", url, sizeof url), NULL, &res);
    srv_parar(&s);
    cr_expect_eq(res.error, 0, "error %s: %s", http_error_nombre(res.error), res.mensaje);
    cr_expect_eq(res.estado, 200);
    cr_expect_eq(res.longitud, 100000u, "longitud %zu", res.longitud);
    cr_expect_eq(res.bytes, 100000u);
    cr_expect_str_eq(res.mensaje, "");
    cr_expect(res.cabecera_encontrada, "la cabecera Content-Length no se encontró sin "
                                       "distinguir mayúsculas");
    cr_expect_str_eq(res.cabecera, "100000");
    cr_expect(res.segundos > 0.0 && res.segundos < 10.0, "segundos = %f", res.segundos);
    resultado_liberar(&res);
}

Test(http_basico, stream_bytes_chunked_llega_entero, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t res = {.cabecera_nombre = "transfer-encoding"};
    srv_arrancar(&s);
    pedir_una(srv_url(&s, "/stream-bytes/50000", url, sizeof url), NULL, &res);
    srv_parar(&s);
    cr_expect_eq(res.error, 0, "error %s: %s", http_error_nombre(res.error), res.mensaje);
    cr_expect_eq(res.longitud, 50000u, "longitud %zu", res.longitud);
    cr_expect(res.cabecera_encontrada, "se esperaba Transfer-Encoding: chunked");
    cr_expect(strstr(res.cabecera, "chunked") != NULL, "Transfer-Encoding: %s", res.cabecera);
    resultado_liberar(&res);
}

Test(http_basico, streaming_recibe_cada_byte_y_sin_cuerpo, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t memoria = {0};
    resultado_t flujo = {0};
    http_opciones_t op = {.al_recibir = al_recibir};
    srv_arrancar(&s);
    srv_url(&s, "/bytes/300000?seed=7", url, sizeof url);
    pedir_una(url, NULL, &memoria);
    pedir_una(url, &op, &flujo);
    srv_parar(&s);
    cr_assert_eq(memoria.error, 0, "%s", memoria.mensaje);
    cr_assert_eq(flujo.error, 0, "%s", flujo.mensaje);
    cr_expect(flujo.cuerpo_nulo, "con al_recibir el cuerpo debe ser NULL");
    cr_expect_eq(flujo.n_recibido, 300000u, "al_recibir recibió %zu bytes", flujo.n_recibido);
    cr_expect_eq(flujo.bytes, 300000u);
    cr_assert_eq(memoria.longitud, flujo.n_recibido);
    cr_expect(memcmp(memoria.cuerpo, flujo.recibido, memoria.longitud) == 0,
              "los bytes por streaming difieren de los de memoria");
    resultado_liberar(&memoria);
    resultado_liberar(&flujo);
}

Test(http_basico, progreso_monotono_hasta_el_total, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t conocido = {0};
    resultado_t chunked = {0};
    http_opciones_t op = {.al_progresar = al_progresar};
    srv_arrancar(&s);
    pedir_una(srv_url(&s, "/bytes/200000", url, sizeof url), &op, &conocido);
    pedir_una(srv_url(&s, "/stream-bytes/200000", url, sizeof url), &op, &chunked);
    srv_parar(&s);

    cr_assert_eq(conocido.error, 0, "%s", conocido.mensaje);
    cr_expect(conocido.avisos >= 1);
    cr_expect(!conocido.retrocedio, "el progreso retrocedió");
    cr_expect_eq(conocido.ultimo_recibidos, 200000u, "último aviso: %" PRIu64,
                 conocido.ultimo_recibidos);
    cr_expect_eq(conocido.ultimo_total, 200000, "total %" PRId64, conocido.ultimo_total);

    cr_assert_eq(chunked.error, 0, "%s", chunked.mensaje);
    cr_expect(!chunked.retrocedio, "el progreso retrocedió");
    cr_expect_eq(chunked.ultimo_recibidos, 200000u);
    cr_expect_eq(chunked.ultimo_total, -1, "chunked no anuncia total: debía ser -1");
    cr_expect(!chunked.total_conocido_alguna_vez);
    resultado_liberar(&conocido);
    resultado_liberar(&chunked);
}

Test(http_basico, al_recibir_que_pide_parar_da_abortada, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t res = {.cortar_tras = 1000};
    http_opciones_t op = {.al_recibir = al_recibir};
    srv_arrancar(&s);
    pedir_una(srv_url(&s, "/bytes/500000", url, sizeof url), &op, &res);
    srv_parar(&s);
    cr_expect_eq(res.error, HTTP_E_ABORTADA, "error %s", http_error_nombre(res.error));
    cr_expect(res.n_recibido < 500000u);
    cr_expect(res.cuerpo_nulo);
    resultado_liberar(&res);
}

Test(http_basico, cuerpo_mayor_que_el_maximo, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t con_largo = {0};
    resultado_t sin_largo = {0};
    http_opciones_t op = {.max_cuerpo = 10000};
    srv_arrancar(&s);
    pedir_una(srv_url(&s, "/bytes/50000", url, sizeof url), &op, &con_largo);
    pedir_una(srv_url(&s, "/stream-bytes/50000", url, sizeof url), &op, &sin_largo);
    srv_parar(&s);
    cr_expect_eq(con_largo.error, HTTP_E_DEMASIADO, "error %s", http_error_nombre(con_largo.error));
    cr_expect_eq(sin_largo.error, HTTP_E_DEMASIADO, "error %s", http_error_nombre(sin_largo.error));
    cr_expect(con_largo.cuerpo_nulo && sin_largo.cuerpo_nulo);
    resultado_liberar(&con_largo);
    resultado_liberar(&sin_largo);
}

Test(http_basico, json_valido_e_invalido, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t bueno = {0};
    resultado_t malo = {0};
    srv_arrancar(&s);
    pedir_una(srv_url(&s, "/json", url, sizeof url), NULL, &bueno);
    pedir_una(srv_url(&s, "/json-invalido", url, sizeof url), NULL, &malo);
    srv_parar(&s);
    cr_assert_eq(bueno.error, 0, "%s", bueno.mensaje);
    cr_expect(bueno.json_ok, "/json no se pudo analizar: %s", bueno.error_json);
    cr_assert_eq(malo.error, 0, "%s", malo.mensaje);
    cr_expect(!malo.json_ok, "/json-invalido no puede analizarse");
    cr_expect(strstr(malo.error_json, "línea") != NULL, "mensaje sin «línea»: %s", malo.error_json);
    cr_expect(strstr(malo.error_json, "columna") != NULL, "mensaje sin «columna»: %s",
              malo.error_json);
    resultado_liberar(&bueno);
    resultado_liberar(&malo);
}

Test(http_basico, estado_404_con_y_sin_error_si_estado, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t con = {0};
    resultado_t sin = {0};
    http_opciones_t op = {.error_si_estado = 1};
    srv_arrancar(&s);
    pedir_una(srv_url(&s, "/status/404", url, sizeof url), &op, &con);
    pedir_una(srv_url(&s, "/status/404", url, sizeof url), NULL, &sin);
    srv_parar(&s);
    cr_expect_eq(con.error, HTTP_E_ESTADO, "error %s", http_error_nombre(con.error));
    cr_expect_eq(con.estado, 404);
    cr_expect(strstr(con.mensaje, "404") != NULL, "el mensaje debe citar el estado: %s",
              con.mensaje);
    cr_expect(!con.cuerpo_nulo, "con HTTP_E_ESTADO el cuerpo sigue disponible");
    cr_expect_eq(sin.error, 0, "sin error_si_estado un 404 no es error: %s", sin.mensaje);
    cr_expect_eq(sin.estado, 404);
    resultado_liberar(&con);
    resultado_liberar(&sin);
}

/* ---- keep-alive: peticiones seguidas por la misma conexión --------------------------- */

typedef struct {
    http_cliente_t *cliente;
    const srv_t *srv;
    int hechas;
    int errores;
} secuencia_t;

static void siguiente(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    secuencia_t *sec = usuario;
    char url[256];
    (void)p;
    if (r->error != 0)
        sec->errores++;
    sec->hechas++;
    if (sec->hechas < 5) {
        cr_assert_eq(http_pedir(sec->cliente, srv_url(sec->srv, "/ping", url, sizeof url), NULL,
                                siguiente, sec, NULL),
                     0);
    }
}

Test(http_basico, peticiones_seguidas_reutilizan_la_conexion, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    uv_loop_t bucle;
    secuencia_t sec = {.srv = &s};
    srv_arrancar(&s);
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &sec.cliente), 0);
    cr_assert_eq(
        http_pedir(sec.cliente, srv_url(&s, "/ping", url, sizeof url), NULL, siguiente, &sec, NULL),
        0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    http_cliente_cerrar(sec.cliente, NULL, NULL);
    bucle_acabar(&bucle);

    int n = 0;
    linea_registro_t *v = registro_leer(&s, 5, &n);
    srv_parar(&s);
    cr_assert_eq(sec.hechas, 5);
    cr_assert_eq(sec.errores, 0);
    cr_assert_eq(n, 5, "el registro tiene %d líneas", n);
    for (int i = 1; i < n; i++) {
        cr_expect_eq(v[i].puerto_cliente, v[0].puerto_cliente,
                     "la petición %d usó el puerto %ld y la primera el %ld: no se reutilizó "
                     "la conexión",
                     i + 1, v[i].puerto_cliente, v[0].puerto_cliente);
    }
    free(v);
}

/* ---- Cabeceras de envío, método y cuerpo --------------------------------------------- */

Test(http_basico, get_con_cabeceras_propias_y_agente, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t res = {0};
    const char *cabeceras[] = {"X-Curso: libuv", NULL};
    http_opciones_t op = {.cabeceras = cabeceras};
    srv_arrancar(&s);
    pedir_una(srv_url(&s, "/get", url, sizeof url), &op, &res);
    srv_parar(&s);
    cr_assert_eq(res.error, 0, "%s", res.mensaje);
    cr_assert_not_null(res.cuerpo);
    /* /get devuelve lo recibido como JSON: ahí tienen que estar nuestras cabeceras. */
    cr_expect(strstr(res.cuerpo, "libuv") != NULL, "/get no vio X-Curso: %s", res.cuerpo);
    cr_expect(strstr(res.cuerpo, "curso-async-c/1.0") != NULL, "/get no vio el User-Agent: %s",
              res.cuerpo);
    resultado_liberar(&res);
}

Test(http_basico, metodos_y_cuerpo_de_envio, .timeout = 30, .fini = srv_limpiar)
{
    srv_t s;
    char url[256];
    resultado_t post = {0}, borrar = {0}, cabeza = {0};
    char cuerpo[3000];
    memset(cuerpo, 'a', sizeof cuerpo);
    http_opciones_t op_post = {
        .metodo = "POST", .cuerpo = cuerpo, .longitud_cuerpo = sizeof cuerpo};
    http_opciones_t op_borrar = {.metodo = "DELETE"};
    http_opciones_t op_cabeza = {.metodo = "HEAD"};
    srv_arrancar(&s);
    srv_url(&s, "/get", url, sizeof url);
    pedir_una(url, &op_post, &post);
    pedir_una(url, &op_borrar, &borrar);
    pedir_una(url, &op_cabeza, &cabeza);
    srv_parar(&s);

    cr_assert_eq(post.error, 0, "%s", post.mensaje);
    cr_assert_not_null(post.cuerpo);
    cr_expect(strstr(post.cuerpo, "\"POST\"") != NULL, "/get no vio POST: %s", post.cuerpo);
    cr_expect(strstr(post.cuerpo, "\"3000\"") != NULL, "/get no vio Content-Length 3000: %s",
              post.cuerpo);
    cr_expect(strstr(post.cuerpo, "100-continue") == NULL, "no debe mandarse Expect: %s",
              post.cuerpo);
    cr_assert_eq(borrar.error, 0, "%s", borrar.mensaje);
    cr_expect(strstr(borrar.cuerpo, "\"DELETE\"") != NULL, "/get no vio DELETE: %s", borrar.cuerpo);
    cr_expect_eq(cabeza.error, 0, "%s", cabeza.mensaje);
    cr_expect_eq(cabeza.estado, 200);
    cr_expect_eq(cabeza.longitud, 0u, "HEAD no trae cuerpo");
    resultado_liberar(&post);
    resultado_liberar(&borrar);
    resultado_liberar(&cabeza);
}
