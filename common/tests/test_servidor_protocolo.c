/* test_servidor_protocolo.c — caja negra del HTTP/1.1 del servidor de práctica:
 * keep-alive, peticiones encadenadas, concurrencia, entradas malas, clientes lentos,
 * registro y parada con SIGTERM. */
#define _GNU_SOURCE
#include "apoyo_red.h"

#include <jansson.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

static red_srv_t srv;

static void arrancar(void)
{
    red_srv_arrancar(&srv, 1);
}

static void parar(void)
{
    if (srv.practica.pid > 0) {
        int r = red_srv_parar(&srv);
        cr_expect_eq(r, 0, "el servidor no terminó limpio (estado %d)", r);
    }
}

TestSuite(protocolo, .init = arrancar, .fini = parar, .timeout = 60);

static void pedir_en(red_con_t *c, const char *ruta, const char *extra)
{
    char p[1024];
    snprintf(p, sizeof p, "GET %s HTTP/1.1\r\nHost: prueba\r\n%s\r\n", ruta, extra);
    cr_assert_eq(red_enviar(c, p), 0);
}

/* ¿Sigue vivo y atendiendo? */
static void comprobar_ping(void)
{
    red_resp_t r;
    double t0 = red_ahora();
    cr_assert_eq(red_get(srv.practica.puerto, "/ping", &r), 0, "el servidor ya no responde");
    cr_expect_eq(r.estado, 200);
    cr_expect_str_eq(r.cuerpo, "pong");
    cr_expect_lt(red_ahora() - t0, 2.0, "/ping tardó demasiado: algo lo bloquea");
    red_resp_liberar(&r);
}

Test(protocolo, keep_alive_varias_en_una_conexion)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    const char *rutas[] = {"/ping", "/status/201", "/json", "/bytes/3000", "/ping"};
    int estados[] = {200, 201, 200, 200, 200};
    for (int i = 0; i < 5; i++) {
        pedir_en(&c, rutas[i], "");
        red_resp_t r;
        cr_assert_eq(red_leer(&c, &r, 0), 0, "respuesta %d incompleta", i);
        cr_expect_eq(r.estado, estados[i]);
        red_resp_liberar(&r);
        cr_expect(!c.tcp.fin, "el servidor cerró una conexión keep-alive");
    }
    red_cerrar(&c);
}

Test(protocolo, encadenadas_en_orden)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    /* La primera es lenta: aun así las respuestas deben salir en orden. */
    const char *tres = "GET /delay/0.3 HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
    cr_assert_eq(red_enviar(&c, tres), 0);
    int esperados[] = {200, 201, 200};
    red_resp_t r;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(red_leer(&c, &r, 0), 0, "respuesta %d incompleta", i + 1);
        cr_expect_eq(r.estado, esperados[i], "respuesta %d: estado %d", i + 1, r.estado);
        if (i == 0)
            cr_expect_not_null(strstr(r.cuerpo, "\"retraso\""), "la primera no es /delay");
        if (i == 2)
            cr_expect_str_eq(r.cuerpo, "pong");
        red_resp_liberar(&r);
    }
    red_cerrar(&c);
}

Test(protocolo, encadenadas_partidas_byte_a_byte)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    const char *dos =
        "GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /status/202 HTTP/1.1\r\nHost: x\r\n\r\n";
    for (const char *p = dos; *p != '\0'; p++)
        cr_assert_eq(red_enviar_n(&c, p, 1), 0);
    red_resp_t r;
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    cr_expect_eq(r.estado, 200);
    red_resp_liberar(&r);
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    cr_expect_eq(r.estado, 202);
    red_resp_liberar(&r);
    red_cerrar(&c);
}

Test(protocolo, connection_close_se_respeta)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    pedir_en(&c, "/ping", "Connection: close\r\n");
    red_resp_t r;
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    char v[32];
    cr_expect_not_null(red_cabecera(&r, "Connection", v, sizeof v));
    cr_expect_str_eq(v, "close");
    red_resp_liberar(&r);
    cr_expect(red_espera_cierre(&c, 5.0), "no cerró tras Connection: close");
    red_cerrar(&c);

    /* HTTP/1.0 sin keep-alive: también se cierra. */
    red_conectar(&c, srv.practica.puerto, 10);
    red_enviar(&c, "GET /ping HTTP/1.0\r\n\r\n");
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    cr_expect_eq(r.estado, 200);
    red_resp_liberar(&r);
    cr_expect(red_espera_cierre(&c, 5.0), "no cerró una conexión HTTP/1.0");
    red_cerrar(&c);
}

Test(protocolo, head_sin_cuerpo)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    red_enviar(&c, "HEAD /bytes/500 HTTP/1.1\r\nHost: x\r\n\r\n");
    red_resp_t r;
    cr_assert_eq(red_leer(&c, &r, 1), 0);
    cr_expect_eq(r.estado, 200);
    cr_expect_eq(r.longitud, 500);
    red_resp_liberar(&r);
    /* Si hubiera mandado cuerpo, esta respuesta saldría desalineada. */
    pedir_en(&c, "/ping", "");
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    cr_expect_str_eq(r.cuerpo, "pong");
    red_resp_liberar(&r);
    red_cerrar(&c);
}

Test(protocolo, doscientas_esperas_a_la_vez, .timeout = 60)
{
    enum { N = 200 };
    static red_con_t c[N];
    double t0 = red_ahora();
    for (int i = 0; i < N; i++) {
        red_conectar(&c[i], srv.practica.puerto, 20);
        pedir_en(&c[i], "/delay/1", "");
    }
    for (int i = 0; i < N; i++) {
        red_resp_t r;
        cr_assert_eq(red_leer(&c[i], &r, 0), 0, "respuesta %d incompleta", i);
        cr_expect_eq(r.estado, 200);
        red_resp_liberar(&r);
        red_cerrar(&c[i]);
    }
    double t = red_ahora() - t0;
    cr_expect_lt(t, 3.0, "200 × /delay/1 concurrentes tardaron %.2f s: se bloquean entre sí", t);
    cr_expect_geq(t, 0.95, "terminaron en %.2f s, antes del retraso", t);
}

Test(protocolo, mal_formada_400_y_cierre)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    red_enviar(&c, "ESTO NO ES HTTP\r\n\r\n");
    red_resp_t r;
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    cr_expect_eq(r.estado, 400);
    red_resp_liberar(&r);
    cr_expect(red_espera_cierre(&c, 5.0), "no cerró tras el 400");
    red_cerrar(&c);
    comprobar_ping();
}

Test(protocolo, cabeceras_enormes_431)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    red_enviar(&c, "GET /ping HTTP/1.1\r\nHost: x\r\n");
    char linea[1100];
    for (int i = 0; i < 20; i++) {
        /* «X-Relleno-NN: aaaa…aaa\r\n», 1100 bytes con el NUL. */
        memset(linea, 'a', sizeof linea);
        memcpy(linea, "X-Relleno-", 10);
        linea[10] = (char)('0' + i / 10);
        linea[11] = (char)('0' + i % 10);
        linea[12] = ':';
        linea[13] = ' ';
        memcpy(linea + sizeof linea - 3, "\r\n", 3);
        if (red_enviar(&c, linea) < 0)
            break;
    }
    red_enviar(&c, "\r\n");
    red_resp_t r;
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    cr_expect_eq(r.estado, 431);
    red_resp_liberar(&r);
    cr_expect(red_espera_cierre(&c, 5.0), "no cerró tras el 431");
    red_cerrar(&c);
    comprobar_ping();
}

Test(protocolo, cuerpo_enorme_413)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    red_enviar(&c, "POST /get HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\nabc");
    red_resp_t r;
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    cr_expect_eq(r.estado, 413);
    red_resp_liberar(&r);
    red_cerrar(&c);

    /* Un cuerpo pequeño sí se acepta (y se descarta). */
    red_conectar(&c, srv.practica.puerto, 10);
    red_enviar(&c, "POST /get HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhola!");
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    cr_expect_eq(r.estado, 200);
    cr_expect_not_null(strstr(r.cuerpo, "\"POST\""));
    red_resp_liberar(&r);
    red_cerrar(&c);
}

Test(protocolo, basura_no_lo_tumba)
{
    unsigned semilla = 12345;
    char basura[4096];
    for (int vuelta = 0; vuelta < 20; vuelta++) {
        for (size_t i = 0; i < sizeof basura; i++) {
            semilla = semilla * 1103515245u + 12345u;
            basura[i] = (char)(semilla >> 16);
        }
        red_con_t c;
        red_conectar(&c, srv.practica.puerto, 10);
        red_enviar_n(&c, basura, (size_t)(vuelta * 200 + 1));
        red_espera_cierre(&c, 2.0);
        red_cerrar(&c);
    }
    comprobar_ping();
}

Test(protocolo, cliente_callado_no_bloquea)
{
    red_con_t callado, medio;
    red_conectar(&callado, srv.practica.puerto, 10);
    red_conectar(&medio, srv.practica.puerto, 10);
    red_enviar(&medio, "GET /ping HTTP/1.1\r\nHos");
    for (int i = 0; i < 5; i++)
        comprobar_ping();
    red_cerrar(&callado);
    red_cerrar(&medio);
}

/* Memoria residente del servidor en kB (de /proc). */
static long memoria_kb(int pid)
{
    char ruta[64], linea[256];
    snprintf(ruta, sizeof ruta, "/proc/%d/status", pid);
    FILE *f = fopen(ruta, "r");
    cr_assert_not_null(f);
    long kb = -1;
    while (fgets(linea, sizeof linea, f) != NULL) {
        if (strncmp(linea, "VmRSS:", 6) == 0)
            kb = strtol(linea + 6, NULL, 10);
    }
    fclose(f);
    return kb;
}

Test(protocolo, cliente_que_no_lee_no_hace_crecer_la_memoria)
{
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    /* Un búfer de recepción pequeño: el servidor se topa pronto con la contrapresión. */
    int pequeno = 4096;
    setsockopt(c.tcp.fd, SOL_SOCKET, SO_RCVBUF, &pequeno, sizeof pequeno);
    pedir_en(&c, "/bytes/104857600", "");
    usleep(500 * 1000);
    comprobar_ping();
    long kb = memoria_kb(srv.practica.pid);
    cr_expect_lt(kb, 60 * 1024, "el servidor ocupa %ld kB con un cliente que no lee", kb);
    red_cerrar(&c);
    comprobar_ping();
}

/* Lee las líneas del registro como JSON. Devuelve un array (json_decref). */
static json_t *leer_registro(void)
{
    FILE *f = fopen(srv.registro, "r");
    cr_assert_not_null(f, "no se puede leer el registro %s", srv.registro);
    json_t *lineas = json_array();
    char linea[8192];
    int n = 0;
    while (fgets(linea, sizeof linea, f) != NULL) {
        n++;
        cr_assert(strlen(linea) > 0 && linea[strlen(linea) - 1] == '\n',
                  "línea %d del registro sin terminar", n);
        json_error_t e;
        json_t *j = json_loads(linea, 0, &e);
        cr_assert_not_null(j, "línea %d del registro no es JSON (%s): %s", n, e.text, linea);
        json_array_append_new(lineas, j);
    }
    fclose(f);
    return lineas;
}

static json_t *buscar_ruta(json_t *lineas, const char *ruta)
{
    size_t i;
    json_t *l;
    json_array_foreach(lineas, i, l)
    {
        if (strcmp(json_string_value(json_object_get(l, "ruta")), ruta) == 0)
            return l;
    }
    return NULL;
}

Test(protocolo, registro_bien_formado)
{
    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/delay/0.5?x=%22comillas%22", &r), 0);
    red_resp_liberar(&r);
    cr_assert_eq(red_get(srv.practica.puerto, "/bytes/1234", &r), 0);
    red_resp_liberar(&r);
    cr_assert_eq(red_get(srv.practica.puerto, "/status/404", &r), 0);
    red_resp_liberar(&r);

    /* Una petición con Range: su línea lo dice en "rango" (aunque la ruta no lo atienda). */
    red_con_t c;
    red_conectar(&c, srv.practica.puerto, 10);
    pedir_en(&c, "/stream-bytes/300?seed=5", "Range: bytes=100-\r\n");
    cr_assert_eq(red_leer(&c, &r, 0), 0);
    red_resp_liberar(&r);
    red_cerrar(&c);

    /* Un cliente que abandona un /delay: línea con "abortada". */
    red_conectar(&c, srv.practica.puerto, 10);
    pedir_en(&c, "/delay/5", "");
    usleep(300 * 1000);
    red_cerrar(&c);
    usleep(300 * 1000);

    json_t *lineas = leer_registro();
    cr_assert_geq(json_array_size(lineas), 5, "solo %zu líneas", json_array_size(lineas));
    size_t i;
    json_t *l;
    json_array_foreach(lineas, i, l)
    {
        const char *claves[] = {"inicio_ms", "fin_ms", "estado", "bytes", "puerto_cliente"};
        for (int k = 0; k < 5; k++)
            cr_expect(json_is_integer(json_object_get(l, claves[k])), "falta %s", claves[k]);
        cr_expect(json_is_string(json_object_get(l, "metodo")));
        cr_expect(json_is_string(json_object_get(l, "ruta")));
        json_int_t ini = json_integer_value(json_object_get(l, "inicio_ms"));
        json_int_t fin = json_integer_value(json_object_get(l, "fin_ms"));
        cr_expect_leq(ini, fin);
    }
    json_t *d = buscar_ruta(lineas, "/delay/0.5?x=%22comillas%22");
    cr_assert_not_null(d, "no está la línea del /delay");
    json_int_t dur = json_integer_value(json_object_get(d, "fin_ms")) -
                     json_integer_value(json_object_get(d, "inicio_ms"));
    cr_expect_geq(dur, 490, "el /delay/0.5 figura con %lld ms", (long long)dur);
    cr_expect_lt(dur, 3000);
    cr_expect_str_eq(json_string_value(json_object_get(d, "metodo")), "GET");
    cr_expect_eq(json_integer_value(json_object_get(d, "estado")), 200);

    json_t *b = buscar_ruta(lineas, "/bytes/1234");
    cr_assert_not_null(b);
    cr_expect_eq(json_integer_value(json_object_get(b, "bytes")), 1234);
    cr_expect_null(json_object_get(b, "abortada"));
    cr_expect_null(json_object_get(b, "rango"), "una petición sin Range no lleva \"rango\"");
    json_t *g = buscar_ruta(lineas, "/stream-bytes/300?seed=5");
    cr_assert_not_null(g, "no está la línea de la petición con Range");
    cr_expect_str_eq(json_string_value(json_object_get(g, "rango")), "bytes=100-");
    json_t *s = buscar_ruta(lineas, "/status/404");
    cr_assert_not_null(s);
    cr_expect_eq(json_integer_value(json_object_get(s, "estado")), 404);

    json_t *a = buscar_ruta(lineas, "/delay/5");
    cr_assert_not_null(a, "no está la línea del /delay abandonado");
    cr_expect(json_is_true(json_object_get(a, "abortada")));
    dur = json_integer_value(json_object_get(a, "fin_ms")) -
          json_integer_value(json_object_get(a, "inicio_ms"));
    cr_expect_lt(dur, 2000, "el abandono se anotó tarde (%lld ms)", (long long)dur);
    json_decref(lineas);
}

static int lineas_con_ruta(json_t *lineas, const char *ruta, int *abortadas)
{
    int n = 0;
    size_t i;
    json_t *l;
    *abortadas = 0;
    json_array_foreach(lineas, i, l)
    {
        if (strcmp(json_string_value(json_object_get(l, "ruta")), ruta) == 0) {
            n++;
            *abortadas += json_is_true(json_object_get(l, "abortada"));
        }
    }
    return n;
}

/* El registro va en un búfer que se vuelca en cada vuelta del bucle: una línea debe estar en
 * el archivo en cuanto el servidor se queda esperando, sin pararlo (los calificadores lo
 * leen con el servidor en marcha). El plazo es holgado: no mide velocidad, solo que llega. */
Test(protocolo, registro_al_dia_sin_parar)
{
    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/ping?al-dia=1", &r), 0);
    red_resp_liberar(&r);
    int n = 0, abortadas;
    for (int i = 0; i < 100 && n == 0; i++) {
        json_t *lineas = leer_registro();
        n = lineas_con_ruta(lineas, "/ping?al-dia=1", &abortadas);
        json_decref(lineas);
        if (n == 0)
            usleep(50 * 1000);
    }
    cr_expect_eq(n, 1, "la línea no llegó al registro con el servidor esperando");
}

/* Parada con SIGINT justo después de muchas respuestas seguidas y con una petición en curso:
 * no se pierde ninguna línea del búfer, tampoco la "abortada" que se anota al cerrar. */
Test(protocolo, registro_completo_tras_sigint)
{
    enum { N = 300 };
    red_con_t c, lenta;
    red_conectar(&lenta, srv.practica.puerto, 10);
    pedir_en(&lenta, "/delay/20?sigint=1", "");
    red_conectar(&c, srv.practica.puerto, 10);
    for (int i = 0; i < N; i++) {
        pedir_en(&c, "/ping?sigint=1", "");
        red_resp_t r;
        cr_assert_eq(red_leer(&c, &r, 0), 0, "respuesta %d incompleta", i);
        red_resp_liberar(&r);
    }
    pid_t pid = srv.practica.pid;
    srv.practica.pid = 0; /* la parada es de esta prueba, no de .fini */
    cr_assert_eq(kill(pid, SIGINT), 0);
    int estado = 0;
    pid_t w = 0;
    for (int i = 0; i < 200 && w == 0; i++) {
        w = waitpid(pid, &estado, WNOHANG);
        if (w == 0)
            usleep(50 * 1000);
    }
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &estado, 0);
    }
    red_cerrar(&c);
    red_cerrar(&lenta);
    cr_expect(w == pid && WIFEXITED(estado) && WEXITSTATUS(estado) == 0,
              "SIGINT: el servidor no terminó limpio");
    json_t *lineas = leer_registro();
    unlink(srv.registro);
    int abortadas;
    int n = lineas_con_ruta(lineas, "/ping?sigint=1", &abortadas);
    cr_expect_eq(n, N, "%d líneas de %d tras SIGINT", n, N);
    cr_expect_eq(abortadas, 0);
    n = lineas_con_ruta(lineas, "/delay/20?sigint=1", &abortadas);
    cr_expect(n == 1 && abortadas == 1, "falta la línea abortada del /delay en curso");
    json_decref(lineas);
}

Test(protocolo, sigterm_con_conexiones_abiertas_sale_con_0)
{
    red_con_t c1, c2;
    red_conectar(&c1, srv.practica.puerto, 10);
    red_conectar(&c2, srv.practica.puerto, 10);
    pedir_en(&c1, "/delay/20", "");
    pedir_en(&c2, "/drip?numbytes=100&duration=20", "");
    usleep(300 * 1000);
    double t0 = red_ahora();
    int r = red_srv_parar(&srv);
    cr_expect_eq(r, 0, "SIGTERM: estado de salida %d", r);
    cr_expect_lt(red_ahora() - t0, 3.0, "tardó en parar");
    cr_expect(red_espera_cierre(&c1, 2.0), "la conexión no se cerró al parar");
    red_cerrar(&c1);
    red_cerrar(&c2);
}
