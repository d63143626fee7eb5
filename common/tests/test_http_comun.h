/* test_http_comun.h — ayudas compartidas por las pruebas del cliente HTTP (test_http*.c).
 *
 * Es un .h con funciones static porque cada archivo de common/tests/ se enlaza como un
 * binario de Criterion aparte. Cada prueba arranca su propio servidor de práctica en un
 * puerto efímero, con su registro en un temporal de $TMPDIR que se borra al pararlo.
 *
 * Memoria: srv_t es del llamador (en la pila); registro_leer() devuelve un array que se
 * libera con free().
 */
#ifndef TEST_HTTP_COMUN_H
#define TEST_HTTP_COMUN_H

#include "curso/http.h"
#include "curso/practica.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    practica_t practica;
    char registro[512];
} srv_t;

/* Copia del servidor arrancado en este proceso (Criterion corre cada prueba en su propio
 * proceso). Si un cr_assert corta la prueba antes de srv_parar(), srv_limpiar() (su .fini)
 * lo para y borra el registro: ni procesos ni temporales sueltos. Es una copia porque el
 * srv_t de la prueba vive en su pila, que ya no existe cuando corre el .fini. */
static srv_t srv_activo;
static int srv_hay_activo;

/* Arranca el servidor con registro. */
static inline void srv_arrancar(srv_t *s)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    int n = snprintf(s->registro, sizeof s->registro, "%s/registro-http-XXXXXX", tmp);
    cr_assert(n > 0 && (size_t)n < sizeof s->registro);
    int fd = mkstemp(s->registro);
    cr_assert(fd >= 0, "no se pudo crear el registro temporal en %s", tmp);
    close(fd);
    int r = practica_arrancar(&s->practica, s->registro);
    if (r < 0)
        unlink(s->registro);
    cr_assert_eq(r, 0, "no arrancó el servidor de práctica: %s", strerror(-r));
    srv_activo = *s;
    srv_hay_activo = 1;
}

static inline void srv_parar(srv_t *s)
{
    srv_hay_activo = 0;
    int r = practica_parar(&s->practica);
    unlink(s->registro);
    cr_expect_eq(r, 0, "el servidor de práctica no terminó limpio (estado %d)", r);
}

/* .fini de cada prueba: no hace nada si la prueba ya paró su servidor. */
static inline void srv_limpiar(void)
{
    if (!srv_hay_activo)
        return;
    srv_hay_activo = 0;
    practica_parar(&srv_activo.practica);
    unlink(srv_activo.registro);
}

/* URL completa a partir de una ruta. */
static inline const char *srv_url(const srv_t *s, const char *ruta, char *buf, size_t tam)
{
    int n = snprintf(buf, tam, "%s%s", s->practica.url, ruta);
    cr_assert(n > 0 && (size_t)n < tam);
    return buf;
}

typedef struct {
    long long inicio_ms;
    long long fin_ms;
    char ruta[128];
    long estado;
    long puerto_cliente;
} linea_registro_t;

/* Cuenta las líneas del registro. */
static inline int registro_contar(const srv_t *s)
{
    FILE *f = fopen(s->registro, "r");
    if (f == NULL)
        return 0;
    int n = 0;
    for (int c = fgetc(f); c != EOF; c = fgetc(f)) {
        if (c == '\n')
            n++;
    }
    fclose(f);
    return n;
}

/* Espera (hasta 5 s) a que el registro tenga al menos `n` líneas y las lee todas.
 * Devuelve el array (free()) y deja en *cuantas cuántas hay. */
static inline linea_registro_t *registro_leer(const srv_t *s, int n, int *cuantas)
{
    for (int i = 0; i < 500 && registro_contar(s) < n; i++) {
        struct timespec diez_ms = {0, 10 * 1000 * 1000};
        nanosleep(&diez_ms, NULL);
    }
    FILE *f = fopen(s->registro, "r");
    cr_assert_not_null(f, "no se puede abrir el registro %s", s->registro);
    int cap = 16, usadas = 0;
    linea_registro_t *v = calloc((size_t)cap, sizeof *v);
    cr_assert_not_null(v);
    char linea[2048];
    while (fgets(linea, sizeof linea, f) != NULL) {
        json_error_t err;
        json_t *o = json_loads(linea, 0, &err);
        cr_assert_not_null(o, "línea de registro no es JSON: %s (%s)", linea, err.text);
        if (usadas == cap) {
            cap *= 2;
            v = realloc(v, (size_t)cap * sizeof *v);
            cr_assert_not_null(v);
        }
        linea_registro_t *l = &v[usadas++];
        memset(l, 0, sizeof *l);
        l->inicio_ms = json_integer_value(json_object_get(o, "inicio_ms"));
        l->fin_ms = json_integer_value(json_object_get(o, "fin_ms"));
        l->estado = (long)json_integer_value(json_object_get(o, "estado"));
        l->puerto_cliente = (long)json_integer_value(json_object_get(o, "puerto_cliente"));
        const char *ruta = json_string_value(json_object_get(o, "ruta"));
        snprintf(l->ruta, sizeof l->ruta, "%s", ruta ? ruta : "");
        json_decref(o);
    }
    fclose(f);
    *cuantas = usadas;
    return v;
}

/* Máximo de intervalos [inicio, fin) del registro abiertos a la vez, contando solo las
 * rutas que empiezan por `prefijo`. */
static inline int registro_max_solapadas(const linea_registro_t *v, int n, const char *prefijo)
{
    int maximo = 0;
    for (int i = 0; i < n; i++) {
        if (strncmp(v[i].ruta, prefijo, strlen(prefijo)) != 0)
            continue;
        /* En el instante en que empieza i, ¿cuántas estaban abiertas? */
        int abiertas = 0;
        for (int j = 0; j < n; j++) {
            if (strncmp(v[j].ruta, prefijo, strlen(prefijo)) != 0)
                continue;
            if (v[j].inicio_ms <= v[i].inicio_ms && v[i].inicio_ms < v[j].fin_ms)
                abiertas++;
        }
        if (abiertas > maximo)
            maximo = abiertas;
    }
    return maximo;
}

/* Un puerto de 127.0.0.1 donde seguro que no escucha nadie (en este instante). */
static inline int puerto_cerrado(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t largo = sizeof a;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &largo), 0);
    close(fd); /* nunca llegó a escuchar */
    return ntohs(a.sin_port);
}

static inline double ahora_s(void)
{
    return (double)uv_hrtime() / 1e9;
}

/* Ejecuta el bucle hasta que no quede nada y exige que se cierre limpio. */
static inline void bucle_acabar(uv_loop_t *bucle)
{
    uv_run(bucle, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(bucle), 0, "uv_loop_close() != 0: quedaron handles abiertos");
}

#endif
