/* prueba_async.c — pruebas de código asíncrono con Criterion (lección 11).
 *
 * Tres técnicas:
 *   1. Tiempo determinista: la lógica que depende del reloj recibe la hora como argumento,
 *      así la prueba «avanza» el reloj sin esperar.
 *   2. Un bucle de verdad con un tiempo límite (.timeout): si el código se cuelga, la prueba
 *      falla en 10 s en vez de dejar colgada la integración continua. 10 y no 2: el plazo
 *      cuenta desde que arranca el proceso de la prueba, y bajo valgrind con la máquina
 *      ocupada ese arranque solo ya pasaba de 2 s.
 *   3. El servidor de práctica como «fixture»: .init lo arranca en un puerto efímero y
 *      .fini lo para, aunque falle una aserción. Si la prueba se estrella o agota su
 *      .timeout, .fini no corre: lo para PR_SET_PDEATHSIG (ver practica_arrancar).
 *
 * Este archivo no tiene main: lo pone Criterion (el makefile de las lecciones enlaza con
 * Criterion todo programa cuyo nombre empiece por prueba_).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <uv.h>

#include "curso/http.h"
#include "curso/practica.h"

/* --- 1. Un limitador que no lee el reloj: recibe la hora ----------------------------- */

#define VENTANA_MS 1000
#define MAXIMO     3

typedef struct {
    uint64_t marcas[MAXIMO]; /* instantes de las últimas salidas, en anillo */
    int cuantas;
    int primera;
} ventana_t;

/* Devuelve 0 si una petición puede salir en `ahora_ms` (y la anota), o cuántos ms faltan
 * para que haya hueco. */
static uint64_t ventana_pedir(ventana_t *v, uint64_t ahora_ms)
{
    while (v->cuantas > 0 && ahora_ms - v->marcas[v->primera] >= VENTANA_MS) {
        v->primera = (v->primera + 1) % MAXIMO;
        v->cuantas--;
    }
    if (v->cuantas == MAXIMO)
        return v->marcas[v->primera] + VENTANA_MS - ahora_ms;
    v->marcas[(v->primera + v->cuantas) % MAXIMO] = ahora_ms;
    v->cuantas++;
    return 0;
}

Test(tiempo, la_cuarta_peticion_espera_a_que_caduque_la_primera)
{
    ventana_t v = {0};
    cr_assert_eq(ventana_pedir(&v, 10000), 0);
    cr_assert_eq(ventana_pedir(&v, 10100), 0);
    cr_assert_eq(ventana_pedir(&v, 10200), 0);
    /* Un segundo «pasa» en una línea: la prueba tarda microsegundos, no segundos. */
    cr_assert_eq(ventana_pedir(&v, 10300), 700, "faltan 700 ms para que caduque la de 10000");
    cr_assert_eq(ventana_pedir(&v, 10999), 1);
    cr_assert_eq(ventana_pedir(&v, 11000), 0);
}

/* --- 2. Un bucle real, con tiempo límite --------------------------------------------- */

typedef struct {
    uv_timer_t t[3];
    char orden[4];
    int n;
} carrera_t;

static void al_vencer(uv_timer_t *t)
{
    carrera_t *c = t->data;
    c->orden[c->n++] = (char)('a' + (t - c->t));
    uv_close((uv_handle_t *)t, NULL);
}

Test(bucle, los_temporizadores_vencen_por_orden_de_plazo, .timeout = 10)
{
    static const uint64_t plazos[3] = {30, 10, 20};
    carrera_t c = {.n = 0};
    uv_loop_t bucle;
    cr_assert_eq(uv_loop_init(&bucle), 0);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(uv_timer_init(&bucle, &c.t[i]), 0);
        c.t[i].data = &c;
        cr_assert_eq(uv_timer_start(&c.t[i], al_vencer, plazos[i], 0), 0);
    }
    cr_assert_eq(uv_run(&bucle, UV_RUN_DEFAULT), 0);
    c.orden[c.n] = '\0';
    cr_assert_str_eq(c.orden, "bca");
    cr_assert_eq(uv_loop_close(&bucle), 0, "ningún handle debe quedar abierto");
}

/* --- 3. El servidor de práctica como fixture ------------------------------------------ */

static practica_t servidor;

static void arrancar_servidor(void)
{
    int r = practica_arrancar(&servidor, NULL);
    cr_assert_eq(r, 0, "no arranca el servidor de práctica (%d): ¿make?", r);
}

static void parar_servidor(void)
{
    if (servidor.pid != 0)
        practica_parar(&servidor);
}

typedef struct {
    http_cliente_t *cliente;
    long estado;
    int error;
    int tenia_cuerpo;
} resultado_t;

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    resultado_t *res = usuario;
    (void)p;
    res->estado = r->estado;
    res->error = r->error;
    res->tenia_cuerpo = r->cuerpo != NULL && strstr(r->cuerpo, "\"url\"") != NULL;
    http_cliente_cerrar(res->cliente, NULL, NULL);
}

Test(servidor, get_responde_200_con_json, .init = arrancar_servidor, .fini = parar_servidor,
     .timeout = 10)
{
    char url[128];
    resultado_t res = {.estado = 0, .error = -1};
    http_opciones_t op = {.tiempo_limite_ms = 5000};
    uv_loop_t bucle;
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(http_cliente_nuevo(&bucle, 0, &res.cliente), 0);
    snprintf(url, sizeof url, "%s/get?prueba=1", servidor.url);
    cr_assert_eq(http_pedir(res.cliente, url, &op, al_terminar, &res, NULL), 0);
    uv_run(&bucle, UV_RUN_DEFAULT);
    cr_expect_eq(res.error, 0, "error %d: %s", res.error, http_error_texto(res.error));
    cr_expect_eq(res.estado, 200);
    cr_expect(res.tenia_cuerpo, "el cuerpo debe ser el JSON de /get");
    cr_assert_eq(uv_loop_close(&bucle), 0);
}
