/* test_bucle.c — bucle_listar / bucle_cerrar / bucle_terminar y senales. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/senales.h"

static void no_hace_nada(uv_timer_t *t)
{
    (void)t;
}

Test(bucle, terminar_un_bucle_limpio_devuelve_cero)
{
    uv_loop_t bucle;
    uv_timer_t t;
    cr_assert_eq(uv_loop_init(&bucle), 0);
    uv_timer_init(&bucle, &t);
    t.data = NULL;
    uv_timer_start(&t, no_hace_nada, 5, 0);
    /* Tras el disparo el temporizador no está activo pero sigue abierto: bucle_terminar lo
     * cierra (como red de seguridad) y el bucle queda cerrado. */
    cr_assert_eq(bucle_terminar(&bucle), 0);
}

Test(bucle, listar_encuentra_los_handles_olvidados)
{
    uv_loop_t bucle;
    uv_timer_t t1, t2;
    char buf[1024] = {0};
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
    int marca = 42;

    uv_loop_init(&bucle);
    uv_timer_init(&bucle, &t1);
    uv_timer_init(&bucle, &t2);
    t1.data = NULL;
    t2.data = &marca;
    cr_assert_eq(bucle_listar(&bucle, f), 2);
    fclose(f);
    cr_assert(strstr(buf, "timer") != NULL, "el listado debe nombrar el tipo: %s", buf);
    cr_assert_eq(bucle_cerrar(&bucle, 0), 0);
}

static void trabajo_lento(uv_work_t *w)
{
    (void)w;
    usleep(200 * 1000);
}

static void trabajo_hecho(uv_work_t *w, int estado)
{
    (void)estado;
    *(int *)w->data = 1;
}

Test(bucle, cerrar_espera_a_las_peticiones_en_vuelo)
{
    uv_loop_t bucle;
    uv_work_t w;
    int hecho = 0;
    uv_loop_init(&bucle);
    w.data = &hecho;
    uv_queue_work(&bucle, &w, trabajo_lento, trabajo_hecho);
    /* bucle_cerrar ejecuta el bucle: la petición termina y el cierre es limpio. */
    cr_assert_eq(bucle_cerrar(&bucle, 0), 0);
    cr_assert_eq(hecho, 1);
}

Test(bucle, uv_loop_close_con_un_handle_abierto_falla_y_bucle_cerrar_lo_arregla)
{
    uv_loop_t bucle;
    uv_idle_t idle;
    uv_loop_init(&bucle);
    uv_idle_init(&bucle, &idle);
    cr_assert_eq(uv_loop_close(&bucle), UV_EBUSY);
    cr_assert_eq(bucle_cerrar(&bucle, 0), 0);
}

Test(bucle, nombres_de_tipos)
{
    cr_assert_str_eq(bucle_nombre_tipo(UV_TCP), "tcp");
    cr_assert_str_eq(bucle_nombre_tipo(UV_TIMER), "timer");
    cr_assert_str_eq(bucle_nombre_tipo(UV_SIGNAL), "signal");
}

typedef struct {
    senales_t senales;
    uv_timer_t trabajo;
    int paradas;
    int senal;
} programa_t;

static void al_parar(senales_t *s, int signum, void *datos)
{
    programa_t *p = datos;
    p->paradas++;
    p->senal = signum;
    uv_timer_stop(&p->trabajo);
    uv_close((uv_handle_t *)&p->trabajo, NULL);
    senales_cerrar(s);
}

static void latido(uv_timer_t *t)
{
    programa_t *p = t->data;
    /* La primera vez, el propio programa se manda SIGTERM (como haría `kill`). */
    if (p->paradas == 0 && p->senal == 0) {
        p->senal = -1;
        raise(SIGTERM);
    }
}

Test(senales, sigterm_llama_una_vez_a_al_parar_y_el_bucle_cierra)
{
    uv_loop_t bucle;
    programa_t p = {0};
    uv_loop_init(&bucle);
    cr_assert_eq(senales_iniciar(&bucle, &p.senales, al_parar, &p), 0);
    uv_timer_init(&bucle, &p.trabajo);
    p.trabajo.data = &p;
    uv_timer_start(&p.trabajo, latido, 10, 10);
    bucle_ejecutar(&bucle);
    cr_assert_eq(p.paradas, 1);
    cr_assert_eq(p.senal, SIGTERM);
    cr_assert_eq(uv_loop_close(&bucle), 0);
}

Test(senales, no_mantienen_vivo_el_bucle)
{
    uv_loop_t bucle;
    senales_t s;
    uv_loop_init(&bucle);
    cr_assert_eq(senales_iniciar(&bucle, &s, NULL, NULL), 0);
    /* Sin más trabajo, uv_run vuelve enseguida aunque las señales sigan escuchando. */
    cr_assert_eq(uv_run(&bucle, UV_RUN_DEFAULT), 0);
    senales_cerrar(&s);
    senales_cerrar(&s); /* idempotente */
    cr_assert_eq(bucle_cerrar(&bucle, 0), 0);
}
