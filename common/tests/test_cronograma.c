/* test_cronograma.c — las barras muestran solapamiento y el total es el real. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/cronograma.h"

typedef struct {
    cronograma_t *c;
    int id;
} tarea_t;

static void fin_tarea(uv_timer_t *t)
{
    tarea_t *tarea = t->data;
    cronograma_terminar(tarea->c, tarea->id);
    uv_close((uv_handle_t *)t, NULL);
}

/* Cuenta los caracteres █ de una línea y la columna del primero. */
static void medir_barra(const char *linea, int *primero, int *cuantos)
{
    const char *barra = strchr(linea, '|');
    int col = 0;
    *primero = -1;
    *cuantos = 0;
    for (const char *p = barra + 1; *p != '\0' && *p != '|';) {
        if (strncmp(p, "█", strlen("█")) == 0) {
            if (*primero < 0) {
                *primero = col;
            }
            (*cuantos)++;
            p += strlen("█");
        } else {
            p++;
        }
        col++;
    }
}

static void ejecutar(int concurrente, char *buf, size_t tam, double *total)
{
    uv_loop_t bucle;
    uv_timer_t temporizadores[3];
    tarea_t tareas[3];
    cronograma_t *c = cronograma_nuevo();
    FILE *f = fmemopen(buf, tam - 1, "w");

    uv_loop_init(&bucle);
    for (int i = 0; i < 3; i++) {
        char nombre[32];
        snprintf(nombre, sizeof(nombre), "tarea %d", i + 1);
        if (!concurrente && i > 0) {
            uv_run(&bucle, UV_RUN_DEFAULT); /* espera a que termine la anterior */
        }
        tareas[i].c = c;
        tareas[i].id = cronograma_empezar(c, nombre);
        uv_timer_init(&bucle, &temporizadores[i]);
        temporizadores[i].data = &tareas[i];
        uv_timer_start(&temporizadores[i], fin_tarea, 200, 0);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&bucle), 0);
    cronograma_imprimir(c, f);
    fclose(f);
    *total = cronograma_total(c);
    cronograma_liberar(c);
}

Test(cronograma, tres_tareas_concurrentes_se_solapan)
{
    char buf[4096] = {0};
    double total;
    int primero, cuantos;
    ejecutar(1, buf, sizeof(buf), &total);
    cr_assert(total >= 0.19 && total < 0.6, "total %.3f", total);
    cr_assert(strstr(buf, "Tiempo total: ") != NULL, "%s", buf);
    /* Las tres barras empiezan en la columna 0 y llenan casi todo el ancho. */
    for (char *l = strstr(buf, "tarea"); l != NULL; l = strstr(l + 1, "\n  tarea")) {
        medir_barra(l, &primero, &cuantos);
        cr_assert_leq(primero, 2, "%s", buf);
        cr_assert_geq(cuantos, 40, "%s", buf);
    }
}

Test(cronograma, tres_tareas_en_secuencia_se_escalonan)
{
    char buf[4096] = {0};
    double total;
    int primero, cuantos;
    char *l3;
    ejecutar(0, buf, sizeof(buf), &total);
    cr_assert(total >= 0.59 && total < 1.5, "total %.3f", total);
    l3 = strstr(buf, "tarea 3");
    cr_assert_not_null(l3);
    medir_barra(l3, &primero, &cuantos);
    cr_assert_geq(primero, 30, "la tercera barra debe empezar a los 2/3: %s", buf);
    cr_assert_leq(cuantos, 20, "%s", buf);
}

Test(cronograma, operacion_sin_terminar_y_id_desconocido)
{
    char buf[1024] = {0};
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
    cronograma_t *c = cronograma_nuevo();
    int id = cronograma_empezar(c, "colgada");
    cr_assert_geq(id, 0);
    cronograma_terminar(c, 99);
    cronograma_terminar(c, -1);
    cronograma_imprimir(c, f);
    fclose(f);
    cr_assert(strstr(buf, "→ …") != NULL, "%s", buf);
    cr_assert(strstr(buf, "Tiempo total: 0.00 s") != NULL, "%s", buf);
    cronograma_liberar(c);
}
