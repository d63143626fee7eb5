/* test_servidor_guion.c — caja negra de las rutas opacas del servidor de práctica
 * (--guion ARCHIVO): la secuencia de cada ruta se respeta petición a petición, también con
 * peticiones simultáneas; el guion no se ve por HTTP; las peticiones se registran; y un guion
 * inválido (o basura) se explica en español y sale con 2 sin escuchar. */
#define _GNU_SOURCE
#include "apoyo_red.h"

#include <errno.h>
#include <limits.h>
#include <sys/wait.h>
#include <time.h>

/* Escribe `texto` en un temporal y deja su ruta en `ruta`. */
static void escribir_guion(const char *texto, size_t n, char *ruta, size_t tam)
{
    red_temporal("guion", texto, n, ruta, tam);
}

/* Arranca un servidor con el guion `texto` (y registro). */
static void arrancar_con(red_srv_t *s, const char *texto)
{
    char guion[PATH_MAX];
    escribir_guion(texto, strlen(texto), guion, sizeof guion);
    const char *tmp = getenv("TMPDIR");
    snprintf(s->registro, sizeof s->registro, "%s/registro-guion-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    int fd = mkstemp(s->registro);
    cr_assert(fd >= 0);
    close(fd);
    int r = practica_arrancar_guion(&s->practica, s->registro, guion);
    unlink(guion); /* el servidor ya lo leyó: se puede borrar enseguida */
    cr_assert_eq(r, 0, "no arrancó el servidor con guion: %s", strerror(-r));
}

static int estado_de(int puerto, const char *ruta)
{
    red_resp_t r;
    cr_assert_eq(red_get(puerto, ruta, &r), 0, "%s: respuesta incompleta", ruta);
    int e = r.estado;
    red_resp_liberar(&r);
    return e;
}

Test(guion, secuencia_y_despues, .timeout = 30)
{
    red_srv_t s;
    arrancar_con(&s, "{\"/v/a1\": {\"pasos\": [{\"estado\": 503, \"veces\": 3}, "
                     "{\"estado\": 404}], \"despues\": {\"estado\": 200}},\n"
                     " \"/v/b2\": {\"despues\": {\"estado\": 301}},\n"
                     " \"/v/c3\": {\"pasos\": [{\"estado\": 500}, {\"estado\": 201}]}}");
    int esperado[] = {503, 503, 503, 404, 200, 200, 200};
    for (size_t i = 0; i < sizeof esperado / sizeof esperado[0]; i++)
        cr_expect_eq(estado_de(s.practica.puerto, "/v/a1"), esperado[i], "petición %zu a /v/a1",
                     i + 1);
    /* La consulta no cambia la ruta. */
    cr_expect_eq(estado_de(s.practica.puerto, "/v/b2?x=1"), 301);
    cr_expect_eq(estado_de(s.practica.puerto, "/v/b2"), 301);
    /* Sin «despues», se repite el último paso. */
    cr_expect_eq(estado_de(s.practica.puerto, "/v/c3"), 500);
    cr_expect_eq(estado_de(s.practica.puerto, "/v/c3"), 201);
    cr_expect_eq(estado_de(s.practica.puerto, "/v/c3"), 201);
    /* Las rutas de siempre siguen igual. */
    cr_expect_eq(estado_de(s.practica.puerto, "/status/418"), 418);
    cr_expect_eq(red_srv_parar(&s), 0);
}

Test(guion, retraso, .timeout = 30)
{
    red_srv_t s;
    arrancar_con(&s, "{\"/v/lenta\": {\"pasos\": [{\"estado\": 200, \"retraso_ms\": 400}], "
                     "\"despues\": {\"estado\": 503}}}");
    double t0 = red_ahora();
    cr_expect_eq(estado_de(s.practica.puerto, "/v/lenta"), 200);
    double t1 = red_ahora();
    cr_expect_eq(estado_de(s.practica.puerto, "/v/lenta"), 503);
    double t2 = red_ahora();
    cr_expect(t1 - t0 >= 0.38, "la primera tardó %.3f s (se esperaban 0,4)", t1 - t0);
    cr_expect(t2 - t1 < 0.3, "la segunda tardó %.3f s (sin retraso)", t2 - t1);
    cr_expect_eq(red_srv_parar(&s), 0);
}

/* Dos peticiones a la vez a la misma ruta: cada una toma el paso que le toca según el orden
 * de llegada, aunque la primera siga esperando su retraso. */
Test(guion, simultaneas_en_orden_de_llegada, .timeout = 30)
{
    red_srv_t s;
    arrancar_con(&s, "{\"/v/x\": {\"pasos\": [{\"estado\": 200, \"retraso_ms\": 600}, "
                     "{\"estado\": 503}], \"despues\": {\"estado\": 201}}}");
    red_con_t *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    cr_assert(a != NULL && b != NULL);
    red_conectar(a, s.practica.puerto, 10);
    red_conectar(b, s.practica.puerto, 10);
    const char *pet = "GET /v/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    cr_assert_eq(red_enviar(a, pet), 0);
    struct timespec pausa = {0, 100 * 1000000L};
    nanosleep(&pausa, NULL);
    cr_assert_eq(red_enviar(b, pet), 0);
    red_resp_t rb, ra;
    double t0 = red_ahora();
    cr_assert_eq(red_leer(b, &rb, 0), 0);
    double tb = red_ahora();
    cr_assert_eq(red_leer(a, &ra, 0), 0);
    cr_expect_eq(rb.estado, 503, "la segunda en llegar debía llevar el 2.º paso (503)");
    cr_expect_eq(ra.estado, 200, "la primera en llegar debía llevar el 1.er paso (200)");
    cr_expect(tb - t0 < 0.4, "la segunda esperó a la primera (%.3f s)", tb - t0);
    red_resp_liberar(&ra);
    red_resp_liberar(&rb);
    red_cerrar(a);
    red_cerrar(b);
    free(a);
    free(b);
    cr_expect_eq(estado_de(s.practica.puerto, "/v/x"), 201);
    cr_expect_eq(red_srv_parar(&s), 0);
}

/* El guion no se ve por HTTP y una ruta opaca desconocida es un 404; las peticiones quedan en
 * el registro como las demás. */
Test(guion, invisible_y_registrado, .timeout = 30)
{
    red_srv_t s;
    arrancar_con(&s, "{\"/v/secreta9f\": {\"pasos\": [{\"estado\": 503, \"veces\": 4}], "
                     "\"despues\": {\"estado\": 200}}}");
    red_resp_t r;
    cr_assert_eq(red_get(s.practica.puerto, "/", &r), 0);
    cr_expect_eq(r.estado, 200);
    cr_expect_null(strstr(r.cuerpo, "secreta"), "GET / lista la ruta opaca");
    cr_expect_null(strstr(r.cuerpo, "/v/"), "GET / habla de las rutas opacas");
    red_resp_liberar(&r);
    cr_assert_eq(red_get(s.practica.puerto, "/v/secreta9f", &r), 0);
    cr_expect_eq(r.estado, 503);
    cr_expect_null(strstr(r.cuerpo, "veces"), "la respuesta delata el guion: %s", r.cuerpo);
    cr_expect_null(strstr(r.cuerpo, "pasos"), "la respuesta delata el guion: %s", r.cuerpo);
    cr_expect_null(strstr(r.cuerpo, "200"), "la respuesta anuncia lo que vendrá: %s", r.cuerpo);
    cr_expect_null(strstr(r.cabeza, "Retry-After"), "la respuesta anuncia cuándo volver");
    red_resp_liberar(&r);
    cr_expect_eq(estado_de(s.practica.puerto, "/v/otra"), 404);
    cr_expect_eq(estado_de(s.practica.puerto, "/v/secreta9"), 404);
    cr_expect_eq(estado_de(s.practica.puerto, "/v/secreta9f/"), 404);
    cr_expect_eq(estado_de(s.practica.puerto, "/get?x=/v/secreta9f"), 200);

    FILE *f = fopen(s.registro, "r");
    cr_assert_not_null(f);
    char linea[1024];
    int secretas = 0;
    while (fgets(linea, sizeof linea, f) != NULL)
        if (strstr(linea, "\"ruta\":\"/v/secreta9f\"") != NULL &&
            strstr(linea, "\"estado\":503") != NULL)
            secretas++;
    fclose(f);
    cr_expect_eq(secretas, 1, "el registro tiene %d líneas de /v/secreta9f con 503", secretas);
    cr_expect_eq(red_srv_parar(&s), 0);
}

/* Arranca el servidor con el guion de `n` bytes y devuelve su código de salida; deja su
 * stderr (y stdout) en `salida` (red_arrancar_con_archivo). */
static int con_guion_malo(const char *texto, size_t n, char *salida, size_t tam)
{
    char guion[PATH_MAX];
    escribir_guion(texto, n, guion, sizeof guion);
    int r = red_arrancar_con_archivo("--guion", guion, salida, tam);
    unlink(guion);
    return r;
}

Test(guion, invalidos_explicados, .timeout = 60)
{
    static const struct {
        const char *texto;
        const char *cita; /* lo que debe decir el mensaje */
    } casos[] = {
        {"", "no es JSON válido"},
        {"{\"/v/a\": ", "no es JSON válido"},
        {"[1, 2]", "se esperaba un objeto"},
        {"{\"v/a\": {\"despues\": {\"estado\": 200}}}", "tiene que empezar por «/»"},
        {"{\"/v/a?x=1\": {\"despues\": {\"estado\": 200}}}", "no vale"},
        {"{\"/v/a b\": {\"despues\": {\"estado\": 200}}}", "no vale"},
        {"{\"/v/a\": 200}", "se esperaba un objeto"},
        {"{\"/v/a\": {}}", "hace falta «pasos», «despues»"},
        {"{\"/v/a\": {\"pasos\": []}}", "lista de 1 a"},
        {"{\"/v/a\": {\"pasos\": [{\"estado\": 700}]}}", "«estado» tiene que ser un entero"},
        {"{\"/v/a\": {\"pasos\": [{\"estado\": \"503\"}]}}", "«estado» tiene que ser un entero"},
        {"{\"/v/a\": {\"pasos\": [{\"retraso_ms\": 5}]}}", "le falta «estado»"},
        {"{\"/v/a\": {\"pasos\": [{\"estado\": 503, \"veces\": 0}]}}", "«veces»"},
        {"{\"/v/a\": {\"pasos\": [{\"estado\": 200, \"retraso_ms\": -1}]}}", "«retraso_ms»"},
        {"{\"/v/a\": {\"pasos\": [{\"estado\": 200, \"vezes\": 2}]}}", "clave desconocida «vezes»"},
        {"{\"/v/a\": {\"despues\": {\"estado\": 200, \"veces\": 2}}}", "clave desconocida «veces»"},
        {"{\"/v/a\": {\"pasos\": [{\"estado\": 200}], \"luego\": 1}}", "clave desconocida «luego»"},
        {"{\"/v/a\": {\"despues\": {\"estado\": 200}}, \"/v/a\": {\"despues\": {\"estado\": 200}}}",
         "una ruta está repetida"},
    };
    for (size_t i = 0; i < sizeof casos / sizeof casos[0]; i++) {
        char salida[2048];
        int codigo = con_guion_malo(casos[i].texto, strlen(casos[i].texto), salida, sizeof salida);
        cr_expect_eq(codigo, 2, "guion %zu («%s»): código %d, se esperaba 2; salida: %s", i,
                     casos[i].texto, codigo, salida);
        cr_expect_not_null(strstr(salida, "el guion"), "guion %zu: mensaje sin contexto: %s", i,
                           salida);
        cr_expect_not_null(strstr(salida, casos[i].cita),
                           "guion %zu («%s»): el mensaje no dice "
                           "«%s»: %s",
                           i, casos[i].texto, casos[i].cita, salida);
        cr_expect_null(strstr(salida, "http://"), "guion %zu: llegó a escuchar: %s", i, salida);
    }
    /* Un archivo que no existe. */
    char salida[2048];
    int codigo =
        red_arrancar_con_archivo("--guion", "/nonexistent/guion.json", salida, sizeof salida);
    cr_expect_eq(codigo, 2, "sin archivo: %s", salida);
    cr_expect_not_null(strstr(salida, "no existe"), "sin archivo: %s", salida);
    /* Y practica_arrancar_guion lo ve como un hijo que terminó sin anunciarse. */
    practica_t pr;
    cr_expect_eq(practica_arrancar_guion(&pr, NULL, "/nonexistent/guion.json"), -ECHILD);
    cr_expect_eq(pr.pid, 0);
}

/* Basura binaria: el servidor no se cae de mala manera (ni señal ni cuelgue), explica y sale
 * con 2. */
Test(guion, basura, .timeout = 60)
{
    unsigned semilla = 12345;
    for (int caso = 0; caso < 20; caso++) {
        char basura[512];
        size_t n = 1 + (size_t)(caso * 37 % (int)sizeof basura);
        for (size_t i = 0; i < n; i++) {
            semilla = semilla * 1103515245u + 12345u;
            basura[i] = (char)(semilla >> 16);
        }
        if (caso % 2 == 0)
            basura[0] = '{'; /* que empiece como JSON para ir más adentro */
        char salida[2048];
        int codigo = con_guion_malo(basura, n, salida, sizeof salida);
        cr_expect_eq(codigo, 2, "basura %d: código %d; salida: %s", caso, codigo, salida);
    }
}
