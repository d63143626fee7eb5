/* test_servidor_descargas.c — /bytes como servidor de descargas (laboratorio 11): rangos
 * (206, 416, rangos que se ignoran), Accept-Ranges, Repr-Digest (RFC 9530) comprobada con
 * la huella de libcurso (validada con los vectores FIPS en prueba-caja) pasada a base64
 * aquí mismo, ?cortar=, ?kbps=, ?digest=, ?corto= (también con ?cortar=), ?rango=mal,
 * ?espera_rango=, ?callar= (un silencio a media respuesta), ?fallos= (503 con cuerpo antes de
 * los bytes) y /stream-bytes lento (?kbps=). Caja negra por loopback. */
#define _GNU_SOURCE
#include "apoyo_red.h"

#include "../servidor/bytes.h"
#include "curso/huella.h"

#include <errno.h>
#include <libgen.h>
#include <sys/wait.h>
#include <unistd.h>

RED_SUITE(descargas);

/* GET con una cabecera Range opcional. Devuelve lo que red_leer(). */
static int pedir(const char *ruta, const char *rango, red_resp_t *r)
{
    red_con_t c;
    char peticion[1024];
    char linea_rango[256] = "";
    if (rango != NULL)
        snprintf(linea_rango, sizeof linea_rango, "Range: %s\r\n", rango);
    snprintf(peticion, sizeof peticion,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n", ruta,
             linea_rango);
    red_conectar(&c, srv.practica.puerto, 20);
    red_enviar(&c, peticion);
    int res = red_leer(&c, r, 0);
    red_cerrar(&c);
    return res;
}

/* pedir() y cuánto tardó, en segundos (las pruebas de ritmo solo miran la cota de abajo). */
static int pedir_cronometrado(const char *ruta, const char *rango, red_resp_t *r, double *s)
{
    double t0 = red_ahora();
    int e = pedir(ruta, rango, r);
    *s = red_ahora() - t0;
    return e;
}

/* SHA-256 (curso/huella.h) pasado a base64 aquí mismo, sin huella_base64 de libcurso: así se
 * coteja Repr-Digest con una codificación que no es la del servidor. */
static void base64_esperado(const void *datos, size_t n, char salida[45])
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    huella_t h;
    unsigned char d[HUELLA_BYTES + 1] = {0};
    huella_iniciar(&h);
    huella_anadir(&h, datos, n);
    huella_terminar(&h, d);
    size_t o = 0;
    for (size_t i = 0; i < 32; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | (i + 2 < 32 ? d[i + 2] : 0);
        salida[o++] = abc[(v >> 18) & 63];
        salida[o++] = abc[(v >> 12) & 63];
        salida[o++] = abc[(v >> 6) & 63];
        salida[o++] = i + 2 < 32 ? abc[v & 63] : '=';
    }
    salida[o] = '\0';
}

Test(descargas, rango_abierto_y_cerrado)
{
    red_resp_t todo, r;
    char v[128];
    cr_assert_eq(pedir("/bytes/100000?seed=3", NULL, &todo), 0);
    cr_assert_eq(todo.estado, 200);
    cr_expect_str_eq(red_cabecera(&todo, "Accept-Ranges", v, sizeof v), "bytes");

    cr_assert_eq(pedir("/bytes/100000?seed=3", "bytes=40000-", &r), 0);
    cr_expect_eq(r.estado, 206);
    cr_expect_str_eq(red_cabecera(&r, "Content-Range", v, sizeof v), "bytes 40000-99999/100000");
    cr_assert_eq(r.largo, 60000);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo + 40000, 60000) == 0, "el 206 no es la cola del 200");
    red_resp_liberar(&r);

    cr_assert_eq(pedir("/bytes/100000?seed=3", "bytes=10-19", &r), 0);
    cr_expect_eq(r.estado, 206);
    cr_expect_str_eq(red_cabecera(&r, "Content-Range", v, sizeof v), "bytes 10-19/100000");
    cr_assert_eq(r.largo, 10);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo + 10, 10) == 0);
    red_resp_liberar(&r);

    cr_assert_eq(pedir("/bytes/100000?seed=3", "bytes=-5", &r), 0);
    cr_expect_eq(r.estado, 206);
    cr_expect_str_eq(red_cabecera(&r, "Content-Range", v, sizeof v), "bytes 99995-99999/100000");
    cr_assert_eq(r.largo, 5);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo + 99995, 5) == 0);
    red_resp_liberar(&r);
    red_resp_liberar(&todo);
}

Test(descargas, rango_imposible_416)
{
    red_resp_t r;
    char v[128];
    cr_assert_eq(pedir("/bytes/1000", "bytes=1000-", &r), 0);
    cr_expect_eq(r.estado, 416);
    cr_expect_str_eq(red_cabecera(&r, "Content-Range", v, sizeof v), "bytes */1000");
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/0", "bytes=0-", &r), 0);
    cr_expect_eq(r.estado, 416, "nada que servir de un cuerpo vacío");
    red_resp_liberar(&r);
}

Test(descargas, rangos_que_se_ignoran)
{
    const char *raros[] = {"bytes=0-1,5-6", "items=0-5", "bytes=9-3", "bytes=x-", "bytes=-"};
    for (size_t i = 0; i < sizeof raros / sizeof raros[0]; i++) {
        red_resp_t r;
        cr_assert_eq(pedir("/bytes/1000", raros[i], &r), 0, "%s", raros[i]);
        cr_expect_eq(r.estado, 200, "Range «%s»: estado %d, se esperaba 200 (se ignora)", raros[i],
                     r.estado);
        cr_expect_eq(r.largo, 1000, "Range «%s»", raros[i]);
        red_resp_liberar(&r);
    }
}

Test(descargas, bytes_rango_directo)
{
    uint64_t a = 0, b = 0;
    cr_expect_eq(bytes_rango(NULL, 10, &a, &b), 0);
    cr_expect_eq(bytes_rango("bytes=2-", 10, &a, &b), 1);
    cr_expect(a == 2 && b == 9);
    cr_expect_eq(bytes_rango("bytes=2-500", 10, &a, &b), 1);
    cr_expect(a == 2 && b == 9, "el final se recorta al tamaño");
    cr_expect_eq(bytes_rango("bytes=-500", 10, &a, &b), 1);
    cr_expect(a == 0 && b == 9);
    cr_expect_eq(bytes_rango("bytes=-0", 10, &a, &b), -1);
    cr_expect_eq(bytes_rango("bytes=10-", 10, &a, &b), -1);
    cr_expect_eq(bytes_rango("bytes=99999999999999999999999-", 10, &a, &b), 0);
}

Test(descargas, repr_digest)
{
    red_resp_t r, p;
    char v[128], esperado[45], cabecera[128];
    cr_assert_eq(pedir("/bytes/300001?seed=11", NULL, &r), 0);
    base64_esperado(r.cuerpo, r.largo, esperado);
    snprintf(cabecera, sizeof cabecera, "sha-256=:%s:", esperado);
    cr_expect_str_eq(red_cabecera(&r, "Repr-Digest", v, sizeof v), cabecera);
    /* La huella es de la representación entera, también en un 206. */
    cr_assert_eq(pedir("/bytes/300001?seed=11", "bytes=1000-", &p), 0);
    cr_expect_eq(p.estado, 206);
    cr_expect_str_eq(red_cabecera(&p, "Repr-Digest", v, sizeof v), cabecera);
    red_resp_liberar(&p);
    /* Tamaños que tocan los bordes del relleno de SHA-256. */
    const char *bordes[] = {"/bytes/0", "/bytes/55", "/bytes/56", "/bytes/64", "/bytes/119"};
    for (size_t i = 0; i < sizeof bordes / sizeof bordes[0]; i++) {
        cr_assert_eq(pedir(bordes[i], NULL, &p), 0);
        base64_esperado(p.cuerpo, p.largo, esperado);
        snprintf(cabecera, sizeof cabecera, "sha-256=:%s:", esperado);
        cr_expect_str_eq(red_cabecera(&p, "Repr-Digest", v, sizeof v), cabecera, "%s", bordes[i]);
        red_resp_liberar(&p);
    }
    cr_assert_eq(pedir("/bytes/300001?seed=11&digest=no", NULL, &p), 0);
    cr_expect_null(red_cabecera(&p, "Repr-Digest", v, sizeof v));
    red_resp_liberar(&p);
    cr_assert_eq(pedir("/bytes/300001?seed=11&digest=mal", NULL, &p), 0);
    cr_assert_not_null(red_cabecera(&p, "Repr-Digest", v, sizeof v));
    cr_expect_str_neq(v, cabecera, "digest=mal debe mandar una huella equivocada");
    cr_expect(memcmp(p.cuerpo, r.cuerpo, r.largo) == 0, "digest=mal no cambia los bytes");
    red_resp_liberar(&p);
    cr_assert_eq(pedir("/bytes/10?digest=quizas", NULL, &p), 0);
    cr_expect_eq(p.estado, 400);
    red_resp_liberar(&p);
    red_resp_liberar(&r);
}

Test(descargas, cortar_tras_k_bytes)
{
    red_resp_t r, todo;
    cr_assert_eq(pedir("/bytes/100000?seed=5", NULL, &todo), 0);
    cr_expect_eq(pedir("/bytes/100000?seed=5&cortar=30000", NULL, &r), -1,
                 "la respuesta cortada no debe llegar completa");
    cr_expect_eq(r.estado, 200);
    cr_expect_eq(r.longitud, 100000, "el Content-Length promete el archivo entero");
    cr_assert_eq(r.largo, 30000);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo, 30000) == 0);
    red_resp_liberar(&r);
    /* Con un rango, el corte cae en el mismo byte del archivo. */
    cr_expect_eq(pedir("/bytes/100000?seed=5&cortar=30000", "bytes=10000-", &r), -1);
    cr_expect_eq(r.estado, 206);
    cr_assert_eq(r.largo, 20000);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo + 10000, 20000) == 0);
    red_resp_liberar(&r);
    red_resp_liberar(&todo);
}

/* Dos servidores raros para probar clientes que reanudan: un 206 más corto de lo pedido y un
 * 206 que empieza en otro byte. Los dos dicen la verdad en Content-Range. */
Test(descargas, rango_corto_y_rango_mal)
{
    red_resp_t r, todo;
    char v[128];
    cr_assert_eq(pedir("/bytes/100000?seed=6", NULL, &todo), 0);
    cr_assert_eq(pedir("/bytes/100000?seed=6&corto=60000", "bytes=40000-", &r), 0,
                 "un 206 corto es una respuesta completa, no un corte");
    cr_expect_eq(r.estado, 206);
    cr_expect_str_eq(red_cabecera(&r, "Content-Range", v, sizeof v), "bytes 40000-59999/100000");
    cr_expect_eq(r.longitud, 20000, "Content-Length de lo que se manda");
    cr_assert_eq(r.largo, 20000);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo + 40000, 20000) == 0);
    red_resp_liberar(&r);
    /* Sin Range, ?corto no cambia nada: 200 con el archivo entero. */
    cr_assert_eq(pedir("/bytes/100000?seed=6&corto=60000", NULL, &r), 0);
    cr_expect_eq(r.estado, 200);
    cr_expect_eq(r.largo, 100000);
    red_resp_liberar(&r);

    cr_assert_eq(pedir("/bytes/100000?seed=6&rango=mal", "bytes=40000-", &r), 0);
    cr_expect_eq(r.estado, 206);
    cr_expect_str_eq(red_cabecera(&r, "Content-Range", v, sizeof v), "bytes 0-99999/100000");
    cr_assert_eq(r.largo, 100000);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo, 100000) == 0);
    red_resp_liberar(&r);

    cr_assert_eq(pedir("/bytes/1000?rango=bien", NULL, &r), 0);
    cr_expect_eq(r.estado, 400, "valor desconocido de rango");
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/1000?corto=0", NULL, &r), 0);
    cr_expect_eq(r.estado, 400, "corto fuera de [1, n]");
    red_resp_liberar(&r);
    red_resp_liberar(&todo);
}

/* ?cortar=c&corto=k: la petición sin Range se corta en c; el reintento (Range desde c) es un
 * 206 completo y honesto que acaba en k, sin cortar. */
Test(descargas, corte_y_reintento_corto)
{
    red_resp_t r, todo;
    char v[128];
    cr_assert_eq(pedir("/bytes/100000?seed=8", NULL, &todo), 0);
    cr_expect_eq(pedir("/bytes/100000?seed=8&cortar=30000&corto=70000", NULL, &r), -1,
                 "sin Range, ?cortar= corta");
    cr_expect_eq(r.estado, 200);
    cr_expect_eq(r.largo, 30000);
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/100000?seed=8&cortar=30000&corto=70000", "bytes=30000-", &r), 0,
                 "el 206 que ?corto= recorta no se corta");
    cr_expect_eq(r.estado, 206);
    cr_expect_str_eq(red_cabecera(&r, "Content-Range", v, sizeof v), "bytes 30000-69999/100000");
    cr_assert_eq(r.largo, 40000);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo + 30000, 40000) == 0);
    red_resp_liberar(&r);
    /* Si ?corto= no recorta (queda antes del rango), ?cortar= sigue mandando. */
    cr_expect_eq(pedir("/bytes/100000?seed=8&cortar=30000&corto=20000", "bytes=20000-", &r), -1);
    cr_expect_eq(r.largo, 10000);
    red_resp_liberar(&r);
    red_resp_liberar(&todo);
}

/* ?espera_rango=ms retrasa solo las peticiones con Range (solo la cota de abajo: una máquina
 * cargada tarda más, nunca menos). */
Test(descargas, espera_rango_solo_con_range)
{
    red_resp_t r;
    double t;
    cr_assert_eq(pedir_cronometrado("/bytes/1000?seed=2&espera_rango=600", "bytes=100-", &r, &t),
                 0);
    cr_expect_eq(r.estado, 206);
    cr_expect_eq(r.largo, 900);
    cr_expect_geq(t, 0.55, "la cabecera del 206 llegó en %.2f s, y debía esperar 0.6", t);
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/1000?seed=2&espera_rango=600", NULL, &r), 0);
    cr_expect_eq(r.estado, 200, "sin Range no espera nada y sirve el cuerpo entero");
    cr_expect_eq(r.largo, 1000);
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/1000?espera_rango=30001", NULL, &r), 0);
    cr_expect_eq(r.estado, 400, "espera_rango fuera de [0, 30000]");
    red_resp_liberar(&r);
}

/* ?callar=k&callar_ms=m: la respuesta entera y con los mismos bytes, pero tras un silencio de
 * m ms (solo la cota de abajo). Como ?cortar=, k cuenta desde el principio del archivo: un
 * rango que empieza después de k no calla. Con ?kbps=, 400. */
Test(descargas, callar_a_media_respuesta)
{
    red_resp_t r, todo;
    double t;
    cr_assert_eq(pedir("/bytes/200000?seed=9", NULL, &todo), 0);
    cr_assert_eq(
        pedir_cronometrado("/bytes/200000?seed=9&callar=120000&callar_ms=600", NULL, &r, &t), 0,
        "tras el silencio, la respuesta sigue y acaba entera");
    cr_expect_eq(r.estado, 200);
    cr_assert_eq(r.largo, 200000);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo, 200000) == 0);
    cr_expect_geq(t, 0.55, "la respuesta con 0.6 s de silencio llegó en %.2f s", t);
    red_resp_liberar(&r);
    cr_assert_eq(pedir_cronometrado("/bytes/200000?seed=9&callar=120000&callar_ms=600",
                                    "bytes=150000-", &r, &t),
                 0);
    cr_expect_eq(r.estado, 206);
    cr_assert_eq(r.largo, 50000);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo + 150000, 50000) == 0);
    cr_expect_lt(t, 0.55, "un rango tras el byte que calla no debe callar (%.2f s)", t);
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/2000?callar=1000&callar_ms=500&kbps=10", NULL, &r), 0);
    cr_expect_eq(r.estado, 400, "callar con kbps");
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/2000?callar=1000&callar_ms=30001", NULL, &r), 0);
    cr_expect_eq(r.estado, 400, "callar_ms fuera de [0, 30000]");
    red_resp_liberar(&r);
    red_resp_liberar(&todo);
}

/* ?fallos=N&id=X: las N primeras peticiones de ese id, un 503 con una página de error (JSON)
 * y Retry-After; después, los bytes de siempre. Otro id cuenta aparte. */
Test(descargas, fallos_con_cuerpo_y_despues_bytes)
{
    red_resp_t r, todo;
    char v[64];
    cr_assert_eq(pedir("/bytes/5000?seed=3", NULL, &todo), 0);
    for (int i = 1; i <= 2; i++) {
        cr_assert_eq(pedir("/bytes/5000?seed=3&fallos=2&id=desc-f1", NULL, &r), 0);
        cr_expect_eq(r.estado, 503, "petición %d de 2 que fallan", i);
        cr_expect_gt(r.largo, 0, "el 503 lleva una página de error");
        cr_expect(strstr(r.cuerpo, "no disponible") != NULL);
        cr_expect_not_null(red_cabecera(&r, "Retry-After", v, sizeof v));
        red_resp_liberar(&r);
    }
    cr_assert_eq(pedir("/bytes/5000?seed=3&fallos=2&id=desc-f2", NULL, &r), 0);
    cr_expect_eq(r.estado, 503, "otro id empieza su propia cuenta");
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/5000?seed=3&fallos=2&id=desc-f1", "bytes=1000-", &r), 0);
    cr_expect_eq(r.estado, 206, "la tercera ya sirve los bytes, también con Range");
    cr_assert_eq(r.largo, 4000);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo + 1000, 4000) == 0);
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/5000?fallos=x", NULL, &r), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
    red_resp_liberar(&todo);
}

/* /stream-bytes?kbps=: troceado, sin Content-Length y lento; los mismos bytes que /bytes. */
Test(descargas, stream_bytes_lento)
{
    red_resp_t r, todo;
    cr_assert_eq(pedir("/bytes/20480?seed=4", NULL, &todo), 0);
    double t;
    cr_assert_eq(pedir_cronometrado("/stream-bytes/20480?seed=4&kbps=20", NULL, &r, &t), 0);
    cr_expect(r.troceada, "sin Transfer-Encoding: chunked");
    cr_expect_eq(r.longitud, -1, "un cuerpo troceado no lleva Content-Length");
    cr_assert_eq(r.largo, 20480);
    cr_expect(memcmp(r.cuerpo, todo.cuerpo, 20480) == 0);
    cr_expect_geq(t, 0.6, "20 KiB a 20 KiB/s llegaron en %.2f s", t);
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/stream-bytes/10?kbps=0", NULL, &r), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
    red_resp_liberar(&todo);
}

Test(descargas, kbps_reparte_el_cuerpo)
{
    red_resp_t r;
    double t;
    cr_assert_eq(pedir_cronometrado("/bytes/20480?kbps=20", NULL, &r, &t), 0);
    cr_expect_eq(r.largo, 20480);
    /* Solo la cota de abajo: una máquina cargada tarda más, nunca menos. */
    cr_expect_geq(t, 0.6, "20 KiB a 20 KiB/s llegaron en %.2f s", t);
    red_resp_liberar(&r);
    cr_assert_eq(pedir("/bytes/10?kbps=0", NULL, &r), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
}

/* Con clave (practica_arrancar_secreto, como el calificador), /bytes, /stream-bytes y un 206
 * son la secuencia secreta de esa clave, y Repr-Digest es la de esos bytes; la clave no está
 * en los argumentos del servidor. Una clave mal escrita no arranca: sale con 2. */
Test(descargas, secuencia_con_clave)
{
    practica_t p;
    secuencia_clave_t clave;
    cr_assert_eq(secuencia_clave_nueva(&clave), 0);
    cr_assert_eq(practica_arrancar_secreto(&p, NULL, NULL, NULL, &clave), 0);
    unsigned char esperado[5000], publica[5000];
    secuencia_clave_t bytes;
    secuencia_subclave(&clave, SECUENCIA_USO_BYTES, &bytes);
    secuencia_generar(&bytes, 31, 0, esperado, sizeof esperado);
    secuencia_generar(NULL, 31, 0, publica, sizeof publica);
    const char *rutas[] = {"/bytes/5000?seed=31", "/stream-bytes/5000?seed=31"};
    for (size_t i = 0; i < sizeof rutas / sizeof rutas[0]; i++) {
        red_resp_t r;
        cr_assert_eq(red_get(p.puerto, rutas[i], &r), 0, "%s", rutas[i]);
        cr_assert_eq(r.largo, sizeof esperado, "%s", rutas[i]);
        cr_expect(memcmp(r.cuerpo, esperado, r.largo) == 0, "%s: no es la secuencia de la clave",
                  rutas[i]);
        cr_expect(memcmp(r.cuerpo, publica, r.largo) != 0, "%s: sirvió la pública", rutas[i]);
        if (i == 0) {
            char v[128], huella[45], cabecera[128];
            base64_esperado(r.cuerpo, r.largo, huella);
            snprintf(cabecera, sizeof cabecera, "sha-256=:%s:", huella);
            cr_expect_str_eq(red_cabecera(&r, "Repr-Digest", v, sizeof v), cabecera);
        }
        red_resp_liberar(&r);
    }
    char ruta[64], hex[SECUENCIA_CLAVE_HEX + 1], args[4096];
    snprintf(ruta, sizeof ruta, "/proc/%d/cmdline", (int)p.pid);
    FILE *f = fopen(ruta, "r");
    cr_assert_not_null(f);
    size_t n = fread(args, 1, sizeof args - 1, f);
    fclose(f);
    cr_assert_gt(n, 0);
    args[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (args[i] == '\0')
            args[i] = ' ';
    secuencia_clave_a_texto(&clave, hex);
    cr_expect_null(strstr(args, hex), "la clave va en los argumentos: %s", args);
    cr_expect_eq(practica_parar(&p), 0);

    /* Una clave mal escrita: sale con 2 sin escuchar (practica_arrancar quita la variable
     * del entorno del servidor, así que se lanza a mano: build/tests/common/… → build/bin). */
    char yo[PATH_MAX], orden[PATH_MAX + 128];
    ssize_t m = readlink("/proc/self/exe", yo, sizeof yo - 1);
    cr_assert_gt(m, 0);
    yo[m] = '\0';
    snprintf(orden, sizeof orden,
             "CURSO_SERVIDOR_CLAVE=no-es-hex '%s/../../bin/servidor-practica' --puerto 0 "
             "--silencioso </dev/null >/dev/null 2>&1",
             dirname(yo));
    int estado = system(orden);
    cr_expect(WIFEXITED(estado) && WEXITSTATUS(estado) == 2, "una clave mal escrita: estado %d",
              estado);
}
