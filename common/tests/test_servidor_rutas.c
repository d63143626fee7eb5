/* test_servidor_rutas.c — caja negra de cada ruta del servidor de práctica: estados,
 * cuerpos, tamaños, determinismo y formas de JSON, hablando HTTP a mano por loopback. */
#define _GNU_SOURCE
#include "apoyo_red.h"

#include <jansson.h>
#include <math.h>

RED_SUITE(rutas);

static json_t *get_json(const char *ruta, int estado_esperado)
{
    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, ruta, &r), 0, "%s: respuesta incompleta", ruta);
    cr_assert_eq(r.estado, estado_esperado, "%s: estado %d, se esperaba %d", ruta, r.estado,
                 estado_esperado);
    char tipo[128];
    cr_assert_not_null(red_cabecera(&r, "Content-Type", tipo, sizeof tipo));
    cr_assert_str_eq(tipo, "application/json", "%s: Content-Type %s", ruta, tipo);
    json_error_t e;
    json_t *j = json_loadb(r.cuerpo, r.largo, 0, &e);
    cr_assert_not_null(j, "%s: JSON inválido (%s): %s", ruta, e.text, r.cuerpo);
    red_resp_liberar(&r);
    return j;
}

Test(rutas, ping)
{
    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/ping", &r), 0);
    cr_expect_eq(r.estado, 200);
    cr_expect_str_eq(r.cuerpo, "pong");
    cr_expect_eq(r.longitud, 4);
    char v[64];
    cr_expect_not_null(red_cabecera(&r, "Server", v, sizeof v));
    cr_expect_str_eq(v, "servidor-practica");
    red_resp_liberar(&r);
}

Test(rutas, status_cualquier_codigo)
{
    int codigos[] = {200, 201, 302, 404, 418, 500, 503, 599};
    for (size_t i = 0; i < sizeof codigos / sizeof codigos[0]; i++) {
        char ruta[32];
        snprintf(ruta, sizeof ruta, "/status/%d", codigos[i]);
        red_resp_t r;
        cr_assert_eq(red_get(srv.practica.puerto, ruta, &r), 0);
        cr_expect_eq(r.estado, codigos[i], "%s dio %d", ruta, r.estado);
        cr_expect_gt(r.largo, 0);
        red_resp_liberar(&r);
    }
    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/status/204", &r), 0);
    cr_expect_eq(r.estado, 204);
    red_resp_liberar(&r);
    cr_assert_eq(red_get(srv.practica.puerto, "/status/99", &r), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
    cr_assert_eq(red_get(srv.practica.puerto, "/status/abc", &r), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
}

Test(rutas, status_vacio)
{
    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/status/403?vacio=si", &r), 0);
    cr_expect_eq(r.estado, 403);
    cr_expect_eq(r.largo, 0, "con ?vacio=si, %zu bytes de cuerpo", r.largo);
    char v[32];
    cr_expect_not_null(red_cabecera(&r, "Content-Length", v, sizeof v));
    cr_expect_str_eq(v, "0");
    red_resp_liberar(&r);
    cr_assert_eq(red_get(srv.practica.puerto, "/status/403?vacio=no", &r), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
}

Test(rutas, json_fijo)
{
    json_t *j = get_json("/json", 200);
    cr_expect_not_null(json_object_get(json_object_get(j, "slideshow"), "slides"));
    json_decref(j);
}

Test(rutas, get_hace_eco)
{
    json_t *j = get_json("/get?ciudad=M%C3%A1laga&x=1+2&vac%C3%ADo=", 200);
    json_t *args = json_object_get(j, "args");
    cr_expect_str_eq(json_string_value(json_object_get(args, "ciudad")), "Málaga");
    cr_expect_str_eq(json_string_value(json_object_get(args, "x")), "1 2");
    cr_expect_str_eq(json_string_value(json_object_get(args, "vacío")), "");
    cr_expect_str_eq(json_string_value(json_object_get(j, "method")), "GET");
    cr_expect_str_eq(json_string_value(json_object_get(j, "origin")), "127.0.0.1");
    cr_expect_not_null(json_object_get(json_object_get(j, "headers"), "Host"));
    json_decref(j);
}

Test(rutas, delay_espera)
{
    double t0 = red_ahora();
    json_t *j = get_json("/delay/0.5", 200);
    double t = red_ahora() - t0;
    cr_expect_geq(t, 0.45, "respondió en %.3f s, antes del retraso", t);
    cr_expect_lt(t, 3.0, "tardó %.3f s", t);
    cr_expect_float_eq(json_number_value(json_object_get(j, "retraso")), 0.5, 1e-9);
    json_decref(j);

    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/delay/-1", &r), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
}

static void leer_bytes(const char *ruta, red_resp_t *r)
{
    cr_assert_eq(red_get(srv.practica.puerto, ruta, r), 0, "%s incompleta", ruta);
    cr_assert_eq(r->estado, 200);
}

Test(rutas, bytes_deterministas)
{
    red_resp_t a, b, c, d;
    leer_bytes("/bytes/100000?seed=7", &a);
    leer_bytes("/bytes/100000?seed=7", &b);
    leer_bytes("/bytes/100000?seed=8", &c);
    leer_bytes("/bytes/0", &d);
    cr_expect_eq(a.longitud, 100000);
    cr_expect_eq(a.largo, 100000);
    cr_expect_eq(b.largo, 100000);
    cr_expect(memcmp(a.cuerpo, b.cuerpo, 100000) == 0, "misma semilla, bytes distintos");
    cr_expect(memcmp(a.cuerpo, c.cuerpo, 100000) != 0, "semillas distintas, mismos bytes");
    cr_expect_eq(d.largo, 0);
    /* Los bytes no son triviales: todos los valores aparecen. */
    int vistos[256] = {0};
    for (size_t i = 0; i < a.largo; i++)
        vistos[(unsigned char)a.cuerpo[i]] = 1;
    int distintos = 0;
    for (int i = 0; i < 256; i++)
        distintos += vistos[i];
    cr_expect_eq(distintos, 256);
    char tipo[64];
    cr_expect_str_eq(red_cabecera(&a, "Content-Type", tipo, sizeof tipo),
                     "application/octet-stream");
    red_resp_liberar(&a);
    red_resp_liberar(&b);
    red_resp_liberar(&c);
    red_resp_liberar(&d);

    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/bytes/1073741825", &r), 0);
    cr_expect_eq(r.estado, 400, "pasar del tope de 1 GiB debe dar 400");
    red_resp_liberar(&r);
}

Test(rutas, bytes_grande_sin_memoria)
{
    /* 50 MiB: se generan por trozos; solo comprobamos tamaño y el principio. */
    red_resp_t r, p;
    leer_bytes("/bytes/52428800?seed=1", &r);
    cr_expect_eq(r.largo, 52428800u);
    leer_bytes("/bytes/1000?seed=1", &p);
    cr_expect(memcmp(r.cuerpo, p.cuerpo, 1000) == 0, "el prefijo no coincide");
    red_resp_liberar(&r);
    red_resp_liberar(&p);
}

Test(rutas, stream_bytes_troceado)
{
    red_resp_t a, b;
    leer_bytes("/stream-bytes/50000?seed=7&chunk_size=1000", &a);
    leer_bytes("/bytes/50000?seed=7", &b);
    cr_expect(a.troceada, "falta Transfer-Encoding: chunked");
    cr_expect_eq(a.longitud, -1, "no debe llevar Content-Length");
    cr_expect_eq(a.largo, 50000);
    cr_expect_eq(a.trozos, 50, "se esperaban 50 trozos de 1000, llegaron %d", a.trozos);
    cr_expect(memcmp(a.cuerpo, b.cuerpo, 50000) == 0, "no son los mismos bytes que /bytes");
    red_resp_liberar(&a);
    red_resp_liberar(&b);
}

Test(rutas, drip_lento)
{
    double t0 = red_ahora();
    red_resp_t r;
    leer_bytes("/drip?numbytes=10&duration=1&delay=0.3", &r);
    double t = red_ahora() - t0;
    cr_expect_eq(r.longitud, 10);
    cr_expect_str_eq(r.cuerpo, "**********");
    cr_expect_geq(t, 1.2, "el goteo acabó en %.2f s (retraso 0.3 + 1 s)", t);
    cr_expect_lt(t, 5.0);
    red_resp_liberar(&r);
}

Test(rutas, drip_reparte_en_el_tiempo)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    red_enviar(&c, "GET /drip?numbytes=4&duration=2 HTTP/1.1\r\nHost: x\r\n\r\n");
    char linea[512];
    while (red_linea(&c, linea, sizeof linea) > 0)
        ;
    double t0 = red_ahora();
    char b;
    cr_assert_eq(red_leer_n(&c, &b, 1), 1);
    double primero = red_ahora() - t0;
    char resto[3];
    cr_assert_eq(red_leer_n(&c, resto, 3), 3);
    double todo = red_ahora() - t0;
    cr_expect_lt(primero, 1.2, "el primer byte tardó %.2f s", primero);
    cr_expect_geq(todo, 1.5, "los 4 bytes llegaron en %.2f s, no repartidos en 2 s", todo);
    red_cerrar(&c);
}

Test(rutas, imagen_ppm_y_bmp)
{
    red_resp_t r;
    leer_bytes("/imagen/200/100", &r);
    char tipo[64];
    cr_expect_str_eq(red_cabecera(&r, "Content-Type", tipo, sizeof tipo),
                     "image/x-portable-pixmap");
    const char cab[] = "P6\n200 100\n255\n";
    cr_assert_geq(r.largo, sizeof cab - 1);
    cr_expect(memcmp(r.cuerpo, cab, sizeof cab - 1) == 0, "cabecera PPM incorrecta");
    cr_expect_eq(r.largo, sizeof cab - 1 + 200 * 100 * 3);
    red_resp_liberar(&r);

    leer_bytes("/imagen/201/100?formato=bmp", &r);
    cr_expect_str_eq(red_cabecera(&r, "Content-Type", tipo, sizeof tipo), "image/bmp");
    size_t fila = (201 * 3 + 3) & ~3u;
    cr_assert_eq(r.largo, 54 + fila * 100);
    const unsigned char *u = (const unsigned char *)r.cuerpo;
    cr_expect(u[0] == 'B' && u[1] == 'M');
    cr_expect_eq(u[2] | u[3] << 8 | u[4] << 16 | (unsigned)u[5] << 24, r.largo);
    cr_expect_eq(u[18] | u[19] << 8, 201);
    cr_expect_eq(u[22] | u[23] << 8, 100);
    cr_expect_eq(u[28], 24);
    red_resp_liberar(&r);

    cr_assert_eq(red_get(srv.practica.puerto, "/imagen/0/10", &r), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
    cr_assert_eq(red_get(srv.practica.puerto, "/imagen/5000/5000", &r), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
}

Test(rutas, posts)
{
    json_t *j = get_json("/posts/1", 200);
    cr_expect_eq(json_integer_value(json_object_get(j, "id")), 1);
    cr_expect_eq(json_integer_value(json_object_get(j, "userId")), 1);
    cr_expect(json_is_string(json_object_get(j, "title")));
    cr_expect(json_is_string(json_object_get(j, "body")));
    json_decref(j);
    j = get_json("/posts/100", 200);
    cr_expect_eq(json_integer_value(json_object_get(j, "userId")), 10);
    json_decref(j);
    json_decref(get_json("/posts/0", 404));
    json_decref(get_json("/posts/101", 404));
}

Test(rutas, users_deterministas)
{
    json_t *a = get_json("/users/octocat", 200);
    json_t *b = get_json("/users/octocat", 200);
    json_t *c = get_json("/users/otra", 200);
    cr_expect_str_eq(json_string_value(json_object_get(a, "login")), "octocat");
    cr_expect(json_equal(a, b), "el mismo usuario cambió entre peticiones");
    cr_expect(!json_equal(a, c));
    cr_expect(json_is_integer(json_object_get(a, "public_repos")));
    cr_expect(json_is_integer(json_object_get(a, "followers")));
    cr_expect(json_is_string(json_object_get(a, "name")));
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

static double temperatura(const char *proveedor, const char *ruta_temp, const char *ciudad)
{
    char ruta[256];
    snprintf(ruta, sizeof ruta, "/clima/%s?ciudad=%s", proveedor, ciudad);
    json_t *j = get_json(ruta, 200);
    json_t *v = j;
    char copia[128];
    snprintf(copia, sizeof copia, "%s", ruta_temp);
    for (char *s = strtok(copia, "."); s != NULL && v != NULL; s = strtok(NULL, "."))
        v = json_object_get(v, s);
    cr_assert(json_is_number(v), "%s: falta el número en %s", ruta, ruta_temp);
    double t = json_number_value(v);
    json_decref(j);
    return t;
}

Test(rutas, clima_tres_formas)
{
    const char *ciudades[] = {"Madrid", "M%C3%A1laga", "Oslo"};
    for (int i = 0; i < 3; i++) {
        double a = temperatura("openweather", "main.temp", ciudades[i]);
        double b = temperatura("weatherapi", "current.temp_c", ciudades[i]);
        double c = temperatura("openmeteo", "current_weather.temperature", ciudades[i]);
        cr_expect_leq(fabs(a - b), 2.0001);
        cr_expect_leq(fabs(a - c), 2.0001);
        cr_expect_leq(fabs(b - c), 2.0001);
        cr_expect(a > -15 && a < 40, "temperatura poco creíble %f", a);
        /* Determinista. */
        cr_expect_float_eq(a, temperatura("openweather", "main.temp", ciudades[i]), 1e-9);
    }
    /* Mayúsculas ASCII: la misma ciudad. */
    cr_expect_float_eq(temperatura("openmeteo", "current_weather.temperature", "madrid"),
                       temperatura("openmeteo", "current_weather.temperature", "MADRID"), 1e-9);
    json_decref(get_json("/clima/accuweather?ciudad=Madrid", 404));
    json_decref(get_json("/clima/openweather", 400));
    json_decref(get_json("/clima/openweather?ciudad=", 400));
}

Test(rutas, cortar_corta)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    red_enviar(&c, "GET /cortar/500 HTTP/1.1\r\nHost: x\r\n\r\n");
    red_resp_t r;
    cr_expect_neq(red_leer(&c, &r, 0), 0, "la respuesta cortada no puede estar completa");
    cr_expect_eq(r.estado, 200);
    cr_expect_eq(r.longitud, 1500);
    cr_expect_eq(r.largo, 500, "llegaron %zu bytes, se esperaban 500", r.largo);
    cr_expect(c.tcp.fin, "el servidor debía cerrar la conexión");
    red_resp_liberar(&r);
    red_cerrar(&c);
}

Test(rutas, json_invalido)
{
    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/json-invalido", &r), 0);
    cr_expect_eq(r.estado, 200);
    char tipo[64];
    cr_expect_str_eq(red_cabecera(&r, "Content-Type", tipo, sizeof tipo), "application/json");
    json_error_t e;
    json_t *j = json_loadb(r.cuerpo, r.largo, 0, &e);
    cr_expect_null(j, "el cuerpo debía ser JSON inválido");
    json_decref(j);
    red_resp_liberar(&r);
}

Test(rutas, inestable_secuencia)
{
    int esperados[] = {503, 503, 503, 200, 200};
    for (int i = 0; i < 5; i++) {
        red_resp_t r;
        cr_assert_eq(red_get(srv.practica.puerto, "/inestable?id=prueba&fallos=3", &r), 0);
        cr_expect_eq(r.estado, esperados[i], "intento %d: %d", i + 1, r.estado);
        red_resp_liberar(&r);
    }
    /* Otro id lleva su propia cuenta. */
    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/inestable?id=otro&fallos=1", &r), 0);
    cr_expect_eq(r.estado, 503);
    red_resp_liberar(&r);
    cr_assert_eq(red_get(srv.practica.puerto, "/inestable?id=otro&fallos=1", &r), 0);
    cr_expect_eq(r.estado, 200);
    red_resp_liberar(&r);
}

Test(rutas, desconocida_404)
{
    json_decref(get_json("/no-existe", 404));
    json_decref(get_json("/status/200/extra", 400));
}
