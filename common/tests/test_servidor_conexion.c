/* test_servidor_conexion.c — pruebas de las piezas del servidor sin sockets: la máquina de
 * estados de conexion_t con operaciones simuladas (contrapresión, plazo de inactividad,
 * pipelining), la decodificación de consultas y los generadores deterministas. */
#include "../servidor/bytes.h"
#include "../servidor/conexion.h"
#include "../servidor/consulta.h"
#include "../servidor/imagen.h"
#include "../servidor/peticion.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *salida;
    size_t largo, cap;
    size_t pendiente, max_pendiente;
    int inmediata;  /* el transporte lo entrega todo en el acto (uv_try_write completo) */
    int escrituras; /* llamadas a enviar */
    int armado;
    uint64_t ms;
    int cerrada, suave, lectura;
} falso_t;

static int f_enviar(void *u, const char *d, size_t n)
{
    falso_t *f = u;
    cr_assert(!f->cerrada, "escritura después de cerrar");
    if (f->largo + n + 1 > f->cap) {
        f->cap = (f->largo + n + 1) * 2;
        f->salida = realloc(f->salida, f->cap);
        cr_assert_not_null(f->salida);
    }
    memcpy(f->salida + f->largo, d, n);
    f->largo += n;
    f->salida[f->largo] = '\0';
    f->escrituras++;
    if (!f->inmediata)
        f->pendiente += n;
    if (f->pendiente > f->max_pendiente)
        f->max_pendiente = f->pendiente;
    return 0;
}
static size_t f_pendiente(void *u)
{
    return ((falso_t *)u)->pendiente;
}
static void f_programar(void *u, uint64_t ms)
{
    ((falso_t *)u)->armado = 1;
    ((falso_t *)u)->ms = ms;
}
static void f_desprogramar(void *u)
{
    ((falso_t *)u)->armado = 0;
}
static void f_leer(void *u, int activo)
{
    ((falso_t *)u)->lectura = activo;
}
static void f_cerrar(void *u, int suave)
{
    ((falso_t *)u)->cerrada = 1;
    ((falso_t *)u)->suave = suave;
}

static const conexion_ops_t ops = {f_enviar,       f_pendiente, f_programar,
                                   f_desprogramar, f_leer,      f_cerrar};

static contexto_t ctx;
static falso_t f;
static conexion_t *c;

static void preparar(void)
{
    memset(&ctx, 0, sizeof ctx);
    inestable_iniciar(&ctx.inestable);
    ctx.inactividad_ms = 30000;
    memset(&f, 0, sizeof f);
    f.lectura = 1;
    c = conexion_nueva(&ctx, &ops, &f, "127.0.0.1", 5000);
    cr_assert_not_null(c);
}

static void limpiar(void)
{
    conexion_liberar(c);
    free(f.salida);
}

TestSuite(conexion, .init = preparar, .fini = limpiar, .timeout = 30);

/* Completa todas las escrituras y los vencimientos que no sean el plazo de inactividad. */
static void conducir(void)
{
    for (int i = 0; i < 100000 && !f.cerrada; i++) {
        if (f.pendiente > 0) {
            f.pendiente = 0;
            conexion_escrito(c);
        } else if (f.armado && f.ms != ctx.inactividad_ms) {
            f.armado = 0;
            conexion_vencido(c);
        } else {
            return;
        }
    }
}

static int cuenta(const char *texto, const char *aguja)
{
    int n = 0;
    for (const char *p = strstr(texto, aguja); p != NULL; p = strstr(p + 1, aguja))
        n++;
    return n;
}

Test(conexion, arma_el_plazo_al_nacer)
{
    cr_expect(f.armado);
    cr_expect_eq(f.ms, 30000);
    conexion_vencido(c); /* nadie dijo nada en todo el plazo */
    cr_expect(f.cerrada);
    cr_expect_eq(f.largo, 0, "no se contesta a quien no preguntó");
}

Test(conexion, encadenadas_en_orden)
{
    const char *tres = "GET /delay/2 HTTP/1.1\r\n\r\nGET /status/201 HTTP/1.1\r\n\r\n"
                       "GET /ping HTTP/1.1\r\n\r\n";
    conexion_recibir(c, tres, strlen(tres));
    /* Hasta que venza el retraso no sale nada, ni siquiera las respuestas rápidas. */
    cr_expect_eq(f.largo, 0);
    cr_expect_eq(f.ms, 2000);
    conducir();
    char *a = strstr(f.salida, "HTTP/1.1 200");
    char *b = strstr(f.salida, "HTTP/1.1 201");
    char *p = strstr(f.salida, "pong");
    cr_assert(a != NULL && b != NULL && p != NULL, "salida: %s", f.salida);
    cr_expect(a < b && b < p, "respuestas desordenadas");
    cr_expect(!f.cerrada);
    cr_expect_eq(f.ms, 30000, "vuelve a esperar peticiones con el plazo de inactividad");
}

Test(conexion, respuesta_pequena_en_una_escritura)
{
    const char *p = "GET /json HTTP/1.1\r\n\r\n";
    conexion_recibir(c, p, strlen(p));
    cr_expect_eq(f.escrituras, 1, "cabecera y cuerpo de /json en %d escrituras", f.escrituras);
    char *cuerpo = strstr(f.salida, "\r\n\r\n");
    cr_assert_not_null(cuerpo, "salida: %s", f.salida);
    const char *cl = strstr(f.salida, "Content-Length: ");
    cr_assert(cl != NULL && cl < cuerpo);
    cr_expect_eq(strtoul(cl + 16, NULL, 10), strlen(cuerpo + 4));
}

/* /json se serializa una vez y después se sirve de memoria: la segunda respuesta (de la
 * copia guardada) debe ser idéntica byte a byte a la primera (la de jansson). */
Test(conexion, json_guardado_igual_que_el_primero)
{
    f.inmediata = 1;
    const char *p = "GET /json HTTP/1.1\r\n\r\n";
    conexion_recibir(c, p, strlen(p));
    size_t primera = f.largo;
    conexion_recibir(c, p, strlen(p));
    cr_assert_eq(f.largo, 2 * primera, "las dos respuestas miden %zu y %zu", primera,
                 f.largo - primera);
    cr_expect(memcmp(f.salida, f.salida + primera, primera) == 0, "las dos respuestas difieren");
    cr_expect_not_null(strstr(f.salida, "\"slideshow\""));
}

/* Con un transporte que lo entrega todo en el acto, keep-alive no pasa por el bucle: la
 * respuesta queda terminada al volver de conexion_recibir y la siguiente se atiende igual. */
Test(conexion, keep_alive_inmediato_sin_temporizador)
{
    f.inmediata = 1;
    const char *p = "GET /ping HTTP/1.1\r\n\r\n";
    for (int i = 1; i <= 3; i++) {
        conexion_recibir(c, p, strlen(p));
        cr_expect_eq(cuenta(f.salida, "pong"), i, "petición %d sin contestar al volver", i);
        cr_expect(f.armado && f.ms == 30000,
                  "tras la respuesta debe quedar el plazo de inactividad (%d, %llu ms)", f.armado,
                  (unsigned long long)f.ms);
    }
    cr_expect(!f.cerrada);
}

Test(conexion, encadenadas_inmediatas_no_acaparan)
{
    f.inmediata = 1;
    const char *p = "GET /ping HTTP/1.1\r\n\r\n";
    size_t n = strlen(p);
    char todas[100 * 32];
    for (int i = 0; i < 100; i++)
        memcpy(todas + (size_t)i * n, p, n);
    conexion_recibir(c, todas, 100 * n);
    int atendidas = cuenta(f.salida, "pong");
    cr_expect(atendidas > 1 && atendidas < 100,
              "%d de 100 encadenadas en una sola llamada: debe ceder el bucle", atendidas);
    cr_expect(f.armado && f.ms == 1, "el resto, con el temporizador (1 ms)");
    conducir();
    cr_expect_eq(cuenta(f.salida, "pong"), 100);
    cr_expect(!f.cerrada);
}

Test(conexion, contrapresion_limita_la_cola)
{
    const char *p = "GET /bytes/10000000 HTTP/1.1\r\n\r\n";
    conexion_recibir(c, p, strlen(p));
    /* Sin completar escrituras, la cola no pasa del tope más un trozo. */
    cr_expect_leq(f.max_pendiente, CONEXION_MAX_COLA + CONEXION_TROZO);
    cr_expect(f.armado, "debe vigilar al cliente que no lee");
    cr_expect_eq(f.ms, 30000);
    conexion_vencido(c);
    cr_expect(f.cerrada, "un cliente que no lee en todo el plazo se abandona");
    cr_expect(!f.suave);
}

Test(conexion, entrada_acumulada_para_la_lectura)
{
    const char *p = "GET /delay/1 HTTP/1.1\r\n\r\n";
    conexion_recibir(c, p, strlen(p));
    char relleno[4096];
    memset(relleno, 'G', sizeof relleno);
    for (int i = 0; i < 20 && f.lectura; i++)
        conexion_recibir(c, relleno, sizeof relleno);
    cr_expect_eq(f.lectura, 0, "con tanta entrada guardada debe dejar de leer");
}

Test(conexion, demasiadas_cabeceras_431)
{
    conexion_recibir(c, "GET / HTTP/1.1\r\n", 16);
    for (int i = 0; i < PETICION_MAX_CABECERAS + 5 && !f.cerrada && f.largo == 0; i++)
        conexion_recibir(c, "A: b\r\n", 6);
    conexion_recibir(c, "\r\n", 2);
    cr_expect(strncmp(f.salida, "HTTP/1.1 431", 12) == 0, "salida: %s", f.salida);
    conducir();
    cr_expect(f.cerrada);
    cr_expect(f.suave, "tras un error se cierra sin perder la respuesta");
}

Test(conexion, troceado_bien_formado)
{
    const char *p = "GET /stream-bytes/25?chunk_size=10 HTTP/1.1\r\n\r\n";
    conexion_recibir(c, p, strlen(p));
    conducir();
    char *cuerpo = strstr(f.salida, "\r\n\r\n");
    cr_assert_not_null(cuerpo);
    cuerpo += 4;
    cr_expect(strncmp(cuerpo, "a\r\n", 3) == 0);
    cr_expect_eq(cuenta(cuerpo, "\r\na\r\n"), 1);
    cr_expect_not_null(strstr(cuerpo, "\r\n5\r\n"));
    size_t n = strlen(cuerpo);
    cr_expect(n >= 5 && strcmp(cuerpo + n - 5, "0\r\n\r\n") == 0);
}

Test(conexion, fin_de_entrada_durante_espera_abandona)
{
    const char *p = "GET /delay/5 HTTP/1.1\r\n\r\n";
    conexion_recibir(c, p, strlen(p));
    conexion_fin_entrada(c);
    cr_expect(f.cerrada);
    cr_expect_eq(f.largo, 0);
}

Test(consulta, decodifica)
{
    char v[64];
    cr_expect_eq(consulta_valor("a=1&ciudad=M%C3%A1laga+Este&b", "ciudad", v, sizeof v), 1);
    cr_expect_str_eq(v, "Málaga Este");
    cr_expect_eq(consulta_valor("a=1&b", "b", v, sizeof v), 1);
    cr_expect_str_eq(v, "");
    cr_expect_eq(consulta_valor("a=1", "z", v, sizeof v), 0);
    cr_expect_eq(consulta_valor("x=%zz%4", "x", v, sizeof v), 1);
    cr_expect_str_eq(v, "%zz%4", "una secuencia %% inválida se deja tal cual");
    char corto[4];
    cr_expect_eq(consulta_decodificar("abcdef", 6, corto, sizeof corto, 0), -1);
    long long e;
    double r;
    cr_expect_eq(consulta_entero("42", 0, 100, &e), 0);
    cr_expect_eq(e, 42);
    cr_expect_eq(consulta_entero("42x", 0, 100, &e), -1);
    cr_expect_eq(consulta_entero(" 4", 0, 100, &e), -1);
    cr_expect_eq(consulta_entero("101", 0, 100, &e), -1);
    cr_expect_eq(consulta_real("1.5", 0, 30, &r), 0);
    cr_expect_float_eq(r, 1.5, 1e-12);
    cr_expect_eq(consulta_real("nan", 0, 30, &r), -1);
    cr_expect_eq(consulta_real("1e400", 0, 1e9, &r), -1);
}

Test(generadores, bytes_por_posicion)
{
    unsigned char todo[1000], partes[1000];
    bytes_generar(99, 0, todo, sizeof todo);
    /* Generar por trozos desalineados da lo mismo que de una vez. */
    bytes_generar(99, 0, partes, 3);
    bytes_generar(99, 3, partes + 3, 500);
    bytes_generar(99, 503, partes + 503, 497);
    cr_expect(memcmp(todo, partes, sizeof todo) == 0);
}

Test(generadores, imagen_limites)
{
    imagen_t img;
    cr_expect_eq(imagen_preparar(&img, 0, 5, IMAGEN_PPM), -1);
    cr_expect_eq(imagen_preparar(&img, IMAGEN_MAX_LADO + 1, 1, IMAGEN_PPM), -1);
    cr_expect_eq(imagen_preparar(&img, 4096, 4096, IMAGEN_BMP), -1);
    cr_assert_eq(imagen_preparar(&img, 3, 2, IMAGEN_BMP), 0);
    cr_expect_eq(img.total, 54 + 12 * 2, "filas de 9 bytes rellenas a 12");
}
