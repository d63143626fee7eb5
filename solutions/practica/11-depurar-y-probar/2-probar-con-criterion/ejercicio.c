/* ejercicio.c — pruebas con Criterion para una función asíncrona (práctica 2 de la lección 11).
 *
 *   programa buena|cuelga|doble|sin_cerrar|llama_al_fallar
 *
 * Abajo está sumar_luego(), con cinco implementaciones: una buena y cuatro con un fallo
 * típico del código asíncrono. El argumento elige cuál prueban tus pruebas. Tu trabajo: las
 * pruebas (ver README.md), que deben pasar con la buena y fallar con cada una de las malas.
 * Lo que hay debajo de «no lo cambies» no se cambia.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

/* ---- La función que pruebas (no la cambies) ---- */

/* sumar_luego(): pasados ms milisegundos, deja a + b en s->resultado y llama a cb(s) una
 * sola vez; después cierra su temporizador (el bucle queda limpio). Con ms < 0 devuelve
 * UV_EINVAL y no llama nunca a cb. La struct es del llamador y debe vivir hasta que uv_run
 * vuelva. */
typedef struct sumador sumador_t;
typedef void (*sumar_cb)(sumador_t *s);
struct sumador {
    uv_timer_t temporizador;
    int resultado;
    int a, b;
    sumar_cb cb;
    int vueltas;
};

static const char *implementacion(void)
{
    const char *i = getenv("IMPLEMENTACION");
    return i != NULL ? i : "buena";
}

static void al_vencer(uv_timer_t *t)
{
    sumador_t *s = t->data;
    if (strcmp(implementacion(), "cuelga") == 0)
        return; /* FALLO: el temporizador repite y nunca avisa */
    s->resultado = s->a + s->b;
    s->cb(s);
    s->vueltas++;
    if (strcmp(implementacion(), "doble") == 0 && s->vueltas < 2)
        return; /* FALLO: se repite una vez de más */
    if (strcmp(implementacion(), "sin_cerrar") == 0)
        uv_timer_stop(t); /* FALLO: parar no es cerrar: uv_loop_close da UV_EBUSY */
    else
        uv_close((uv_handle_t *)t, NULL);
}

static int sumar_luego(uv_loop_t *bucle, sumador_t *s, int a, int b, int ms, sumar_cb cb)
{
    memset(s, 0, sizeof(*s));
    s->a = a;
    s->b = b;
    s->cb = cb;
    if (ms < 0) {
        if (strcmp(implementacion(), "llama_al_fallar") == 0)
            cb(s); /* FALLO: una función que falla no llama a su callback */
        return UV_EINVAL;
    }
    int r = uv_timer_init(bucle, &s->temporizador);
    if (r < 0)
        return r;
    s->temporizador.data = s;
    return uv_timer_start(&s->temporizador, al_vencer, (uint64_t)ms, (uint64_t)ms);
}

/* ---- Tus pruebas ---- */

/* Cada prueba corre en su propio proceso: este contador empieza en 0 en cada una. */
static int llamadas;

static void al_sumar(sumador_t *s)
{
    (void)s;
    llamadas++;
}

/* .timeout convierte un cuelgue (uv_run que no vuelve) en un fallo al cabo de 2 s. */
Test(sumar_luego, llama_una_sola_vez_con_la_suma_y_deja_el_bucle_limpio, .timeout = 2)
{
    uv_loop_t bucle;
    sumador_t s;
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(sumar_luego(&bucle, &s, 2, 3, 10, al_sumar), 0);
    cr_assert_eq(llamadas, 0, "la callback no puede llegar antes de uv_run");
    cr_assert_eq(uv_run(&bucle, UV_RUN_DEFAULT), 0);
    cr_assert_eq(llamadas, 1, "la callback debe llegar una sola vez");
    cr_assert_eq(s.resultado, 5);
    cr_assert_eq(uv_loop_close(&bucle), 0, "ningún handle debe quedar abierto");
}

Test(sumar_luego, un_plazo_negativo_falla_sin_llamar_a_la_callback, .timeout = 2)
{
    uv_loop_t bucle;
    sumador_t s;
    cr_assert_eq(uv_loop_init(&bucle), 0);
    cr_assert_eq(sumar_luego(&bucle, &s, 2, 3, -1, al_sumar), UV_EINVAL);
    cr_assert_eq(uv_run(&bucle, UV_RUN_DEFAULT), 0);
    cr_assert_eq(llamadas, 0, "una función que falla no llama a su callback");
    cr_assert_eq(uv_loop_close(&bucle), 0);
}

/* ---- El programa (no lo cambies) ---- */

int main(int argc, char **argv)
{
    static const char *validas[] = {"buena", "cuelga", "doble", "sin_cerrar", "llama_al_fallar"};
    int valida = 0;
    for (size_t i = 0; argc == 2 && i < sizeof(validas) / sizeof(validas[0]); i++)
        valida |= strcmp(argv[1], validas[i]) == 0;
    if (!valida) {
        fprintf(stderr, "uso: %s buena|cuelga|doble|sin_cerrar|llama_al_fallar\n", argv[0]);
        return 2;
    }
    /* Cada prueba corre en su propio proceso: la implementación elegida le llega por el
     * entorno. */
    setenv("IMPLEMENTACION", argv[1], 1);
    struct criterion_test_set *pruebas = criterion_initialize();
    if (pruebas->tests == 0) {
        fprintf(stderr, "no hay ninguna prueba: escribe al menos una con Test(...)\n");
        criterion_finalize(pruebas);
        return 3;
    }
    int todas_pasan = 0;
    if (criterion_handle_args(1, argv, true))
        todas_pasan = criterion_run_all_tests(pruebas);
    criterion_finalize(pruebas);
    printf("%s: %s\n", argv[1], todas_pasan ? "tus pruebas pasan" : "alguna prueba falla");
    return todas_pasan ? 0 : 1;
}
