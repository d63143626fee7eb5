/* test_servidor_alias.c — caja negra de los alias del servidor de práctica (--alias
 * ARCHIVO): /c/FICHA se atiende como su destino, con la consulta de la petición delante de la
 * del destino, y así queda en el registro; la consulta solo trae las claves de la línea (otra,
 * un 400 que la nombra: el escenario no se cambia desde la petición); una ficha añadida después de
 * arrancar se encuentra (relectura); una desconocida es un 404 que lo dice; el archivo no se ve por
 * HTTP; sin
 * --alias nada cambia; y un archivo inválido (o basura) se explica en español y sale con 2
 * sin escuchar. */
#define _GNU_SOURCE
#include "apoyo_red.h"

#include <errno.h>
#include <limits.h>
#include <sys/wait.h>
#include <time.h>

/* Escribe `texto` (n bytes) en un archivo de alias temporal (lo borra quien llama). */
static void escribir_alias(const char *texto, size_t n, char *ruta, size_t tam)
{
    red_temporal("alias", texto, n, ruta, tam);
}

static void anadir(const char *ruta, const char *linea)
{
    FILE *f = fopen(ruta, "a");
    cr_assert_not_null(f);
    fputs(linea, f);
    cr_assert_eq(fclose(f), 0);
}

/* Arranca un servidor con registro y el archivo de alias `alias` (ya escrito). */
static void arrancar_con(red_srv_t *s, const char *alias)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s->registro, sizeof s->registro, "%s/registro-alias-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    int fd = mkstemp(s->registro);
    cr_assert(fd >= 0);
    close(fd);
    int r = practica_arrancar_alias(&s->practica, s->registro, NULL, alias);
    cr_assert_eq(r, 0, "no arrancó el servidor con alias: %s", strerror(-r));
}

/* Estado de GET `ruta`; con `cuerpo`, comprueba además que el cuerpo lo cite. */
static int estado_de(int puerto, const char *ruta, const char *cuerpo)
{
    red_resp_t r;
    cr_assert_eq(red_get(puerto, ruta, &r), 0, "%s: respuesta incompleta", ruta);
    int e = r.estado;
    if (cuerpo != NULL)
        cr_expect_not_null(strstr(r.cuerpo, cuerpo), "%s: el cuerpo no dice «%s»: %s", ruta, cuerpo,
                           r.cuerpo);
    red_resp_liberar(&r);
    return e;
}

/* Cuántas líneas del registro tienen exactamente esta ruta y este estado. */
static int contar(const char *registro, const char *ruta, int estado)
{
    char buscada[600], con_estado[32];
    snprintf(buscada, sizeof buscada, "\"ruta\":\"%s\"", ruta);
    snprintf(con_estado, sizeof con_estado, "\"estado\":%d", estado);
    FILE *f = fopen(registro, "r");
    cr_assert_not_null(f);
    char linea[2048];
    int n = 0;
    while (fgets(linea, sizeof linea, f) != NULL)
        if (strstr(linea, buscada) != NULL && strstr(linea, con_estado) != NULL)
            n++;
    fclose(f);
    return n;
}

/* contar(), esperando como mucho 2 s a que llegue a `n`: la línea de una respuesta se
 * escribe al acabar de enviarla, un poco después de que el cliente la haya leído. */
static int registrada(const char *registro, const char *ruta, int estado, int n)
{
    double limite = red_ahora() + 2.0;
    int hay = contar(registro, ruta, estado);
    while (hay < n && red_ahora() < limite) {
        struct timespec pausa = {0, 20 * 1000000L};
        nanosleep(&pausa, NULL);
        hay = contar(registro, ruta, estado);
    }
    return hay;
}

Test(alias, traduce_y_registra, .timeout = 30)
{
    char archivo[PATH_MAX];
    const char *texto = "# comentario\n"
                        "a1b2 /status/418\n"
                        "\n"
                        "clima_9 /clima/openmeteo?sal=x1&estado=503  ciudad\n"
                        "get /get x,y_2\n";
    escribir_alias(texto, strlen(texto), archivo, sizeof archivo);
    red_srv_t s;
    arrancar_con(&s, archivo);
    int p = s.practica.puerto;
    cr_expect_eq(estado_de(p, "/c/a1b2", NULL), 418);
    cr_expect_eq(estado_de(p, "/c/clima_9?ciudad=Lima", NULL), 503);
    cr_expect_eq(estado_de(p, "/c/get?x=1", "\"x\""), 200);
    cr_expect_eq(estado_de(p, "/c/get?y_2=3&x=1", "\"y_2\""), 200);
    /* Una clave que la línea no permite, delante o detrás, con valor o sin él: 400 que la
     * nombra (antes, «retraso=0&» delante quitaba el retraso del escenario); sin claves en la
     * línea, ninguna consulta. */
    cr_expect_eq(estado_de(p, "/c/clima_9?retraso=0&ciudad=Lima", "«retraso»"), 400);
    cr_expect_eq(estado_de(p, "/c/clima_9?ciudad=Lima&estado", "«estado»"), 400);
    cr_expect_eq(estado_de(p, "/c/clima_9?ciudadx=Lima", "«ciudadx»"), 400);
    cr_expect_eq(estado_de(p, "/c/get?x=1&xy=2", "«xy»"), 400);
    cr_expect_eq(estado_de(p, "/c/a1b2?estado=200", "«estado»"), 400);
    cr_expect_eq(estado_de(p, "/c/a1b2?%ff=1", "no permitido"), 400);
    /* Las rutas de siempre siguen igual. */
    cr_expect_eq(estado_de(p, "/status/404", NULL), 404);
    /* Desconocida (también un prefijo de otra, o vacía): 404 que dice por qué. */
    cr_expect_eq(estado_de(p, "/c/a1b", "alias desconocido"), 404);
    cr_expect_eq(estado_de(p, "/c/", "alias desconocido"), 404);
    cr_expect_eq(estado_de(p, "/c/a1b2/x", "alias desconocido"), 404);
    /* El archivo no se ve por HTTP. */
    red_resp_t r;
    cr_assert_eq(red_get(p, "/", &r), 0);
    cr_expect_null(strstr(r.cuerpo, "a1b2"), "GET / lista un alias");
    red_resp_liberar(&r);
    /* Una ficha añadida después de arrancar: se relee. */
    anadir(archivo, "nueva /status/409\n");
    cr_expect_eq(estado_de(p, "/c/nueva", NULL), 409);
    /* Una relectura inválida no tira la tabla que había. */
    anadir(archivo, "rota sin-barra\n");
    cr_expect_eq(estado_de(p, "/c/otra", "alias desconocido"), 404);
    cr_expect_eq(estado_de(p, "/c/a1b2", NULL), 418);
    /* El registro anota lo que se atendió: el destino, con la consulta de la petición delante. */
    cr_expect_eq(registrada(s.registro, "/status/418", 418, 2), 2);
    cr_expect_eq(registrada(s.registro, "/clima/openmeteo?ciudad=Lima&sal=x1&estado=503", 503, 1),
                 1);
    cr_expect_eq(registrada(s.registro, "/get?x=1", 200, 1), 1);
    cr_expect_eq(registrada(s.registro, "/status/409", 409, 1), 1);
    cr_expect_eq(registrada(s.registro, "/c/a1b", 404, 1), 1);
    cr_expect_eq(registrada(s.registro, "/c/clima_9?retraso=0&ciudad=Lima", 400, 1), 1);
    cr_expect_eq(red_srv_parar(&s), 0);
    unlink(archivo);
}

/* Sin --alias, /c/… es una ruta desconocida más (el 404 de siempre). */
Test(alias, sin_opcion_nada_cambia, .timeout = 30)
{
    red_srv_t s;
    red_srv_arrancar(&s, 0);
    cr_expect_eq(estado_de(s.practica.puerto, "/c/a1b2", "no existe la ruta"), 404);
    cr_expect_eq(red_srv_parar(&s), 0);
}

/* El servidor con `--alias archivo`: su código de salida y su salida (red_arrancar_con_archivo). */
static int con_archivo(const char *archivo, char *salida, size_t tam)
{
    return red_arrancar_con_archivo("--alias", archivo, salida, tam);
}

static int con_alias_malo(const char *texto, size_t n, char *salida, size_t tam)
{
    char archivo[PATH_MAX];
    escribir_alias(texto, n, archivo, sizeof archivo);
    int r = con_archivo(archivo, salida, tam);
    unlink(archivo);
    return r;
}

Test(alias, invalidos_explicados, .timeout = 60)
{
    static const struct {
        const char *texto;
        const char *cita;
    } casos[] = {
        {"a1\n", "falta el destino"},
        {"a1   \n", "falta el destino"},
        {"a1 status/404\n", "tiene que empezar por «/»"},
        {"a1 /c/b2\n", "no puede ser otro alias"},
        {"a1 /sta\ttus/404\n", "claves permitidas van separadas por comas"},
        {"a1 /status/404 a,,b\n", "claves permitidas van separadas por comas"},
        {"a1 /status/404 ,a\n", "claves permitidas van separadas por comas"},
        {"a1 /status/404 a b\n", "claves permitidas van separadas por comas"},
        {"a1 /status/404 a.b\n", "claves permitidas van separadas por comas"},
        {"a1 /status/404\x01x\n", "no puede llevar espacios"},
        {"a1 /status/404#x\n", "no puede llevar espacios"},
        {"a.1 /status/404\n", "lleva un carácter que no vale"},
        {" /status/404\n", "la ficha tiene que tener"},
        {"ok /get\nok /status/500\n", "línea 2: la ficha «ok» está repetida"},
        {"ok /get\0\n", "byte nulo"},
    };
    for (size_t i = 0; i < sizeof casos / sizeof casos[0]; i++) {
        char salida[2048];
        size_t n = strlen(casos[i].texto) + (strstr(casos[i].cita, "nulo") != NULL ? 2 : 0);
        int codigo = con_alias_malo(casos[i].texto, n, salida, sizeof salida);
        cr_expect_eq(codigo, 2, "caso %zu («%s»): código %d, se esperaba 2; salida: %s", i,
                     casos[i].texto, codigo, salida);
        cr_expect_not_null(strstr(salida, "el archivo de alias"),
                           "caso %zu: mensaje sin contexto: %s", i, salida);
        cr_expect_not_null(strstr(salida, casos[i].cita), "caso %zu: el mensaje no dice «%s»: %s",
                           i, casos[i].cita, salida);
        cr_expect_null(strstr(salida, "http://"), "caso %zu: llegó a escuchar: %s", i, salida);
    }
    char salida[2048];
    cr_expect_eq(con_archivo("/nonexistent/alias.txt", salida, sizeof salida), 2, "%s", salida);
    cr_expect_not_null(strstr(salida, "no existe"), "sin archivo: %s", salida);
    cr_expect_eq(con_archivo("/", salida, sizeof salida), 2, "%s", salida);
    cr_expect_not_null(strstr(salida, "no es un archivo normal"), "una carpeta: %s", salida);
    practica_t pr;
    cr_expect_eq(practica_arrancar_alias(&pr, NULL, NULL, "/nonexistent/alias.txt"), -ECHILD);
    cr_expect_eq(pr.pid, 0);
}

/* Basura binaria: el servidor no se cae de mala manera (ni señal ni cuelgue), explica y sale
 * con 2. */
Test(alias, basura, .timeout = 60)
{
    unsigned semilla = 4242;
    for (int caso = 0; caso < 20; caso++) {
        char basura[512];
        size_t n = 1 + (size_t)(caso * 37 % (int)sizeof basura);
        for (size_t i = 0; i < n; i++) {
            semilla = semilla * 1103515245u + 12345u;
            basura[i] = (char)(semilla >> 16);
        }
        basura[0] = caso % 2 == 0 ? 'a' : '/'; /* que empiece como una ficha, o no */
        char salida[2048];
        int codigo = con_alias_malo(basura, n, salida, sizeof salida);
        cr_expect_eq(codigo, 2, "basura %d: código %d; salida: %s", caso, codigo, salida);
    }
}
