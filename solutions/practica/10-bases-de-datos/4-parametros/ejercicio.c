/* ejercicio.c — los datos, siempre como parámetros (práctica 4 de la lección 10): una respuesta.
 *
 *   guardar NOMBRE...      guarda cada NOMBRE en una tabla temporal de PostgreSQL
 *                          (BD_CONEXION), los lee después tal como quedaron y cuenta cuántas
 *                          filas tienen cada nombre.
 *
 * Una conexión de curso/bd.h y una sentencia detrás de otra (cada una se pide desde la
 * callback de la anterior). Los nombres viajan como parámetros ($1), aparte del texto SQL:
 * una comilla, un punto y coma o «x' OR 'a'='a» son datos, nunca SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bd.h"
#include "curso/bucle.h"
#include "curso/errores.h"

typedef struct {
    bd_conexion_t *c;
    char **nombres;
    int n;
    int paso;  /* qué sentencia va ahora (ver siguiente()) */
    int error; /* 1 si alguna falló */
} programa_t;

static void siguiente(programa_t *p);

/* Guarda el nombre `i` en la tabla. */
static int insertar(programa_t *p, int i, bd_resultado_cb al_terminar)
{
    const char *valores[1] = {p->nombres[i]};
    return bd_consultar(p->c, "INSERT INTO nombres (nombre) VALUES ($1)", 1, valores,
                        al_terminar, p);
}

/* Cuenta las filas cuyo nombre es exactamente el nombre `i`. */
static int contar(programa_t *p, int i, bd_resultado_cb al_terminar)
{
    const char *valores[1] = {p->nombres[i]};
    return bd_consultar(p->c, "SELECT count(*) FROM nombres WHERE nombre = $1", 1, valores,
                        al_terminar, p);
}

/* ---- Ya escrito: no lo cambies ------------------------------------------------------- */

static void al_terminar(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    programa_t *p = datos;
    (void)c;
    if (estado != 0) {
        printf("error: %s\n", bd_error(p->c));
        p->error = 1;
        PQclear(res);
        bd_cerrar(p->c, NULL, NULL);
        return;
    }
    if (p->paso == p->n + 1) { /* la lectura: todo lo guardado, en orden */
        for (int f = 0; f < PQntuples(res); f++)
            printf("guardado: «%s»\n", PQgetvalue(res, f, 0));
    } else if (p->paso > p->n + 1) { /* una cuenta */
        printf("«%s»: %s fila(s)\n", p->nombres[p->paso - p->n - 2], PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    p->paso++;
    siguiente(p);
}

/* Paso 0: crear la tabla; 1…n: guardar; n+1: leer; n+2…2n+1: contar; después, cerrar. */
static void siguiente(programa_t *p)
{
    int r;
    if (p->paso == 0)
        r = bd_consultar(p->c, "CREATE TEMP TABLE nombres (id serial, nombre text NOT NULL)",
                         0, NULL, al_terminar, p);
    else if (p->paso <= p->n)
        r = insertar(p, p->paso - 1, al_terminar);
    else if (p->paso == p->n + 1)
        r = bd_consultar(p->c, "SELECT nombre FROM nombres ORDER BY id", 0, NULL, al_terminar,
                         p);
    else if (p->paso <= 2 * p->n + 1)
        r = contar(p, p->paso - p->n - 2, al_terminar);
    else {
        bd_cerrar(p->c, NULL, NULL);
        return;
    }
    if (r < 0) {
        printf("error al llamar: %s\n", bd_texto(r));
        p->error = 1;
        bd_cerrar(p->c, NULL, NULL);
    }
}

static void al_conectar(bd_conexion_t *c, int estado, void *datos)
{
    programa_t *p = datos;
    (void)c;
    if (estado != 0) {
        printf("error: %s\n", bd_error(p->c));
        p->error = 1;
        bd_cerrar(p->c, NULL, NULL);
        return;
    }
    siguiente(p);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    programa_t p = {.nombres = argv + 1, .n = argc - 1};
    const char *conexion = getenv("BD_CONEXION");
    int r;

    if (argc < 2 || conexion == NULL) {
        fprintf(stderr, "uso: %s NOMBRE... (con BD_CONEXION: make bd)\n", argv[0]);
        return 2;
    }
    if (uv_loop_init(&bucle) < 0)
        return 1;
    r = bd_conectar(&bucle, &p.c, conexion, "practica-parametros", al_conectar, &p);
    if (r < 0) {
        fprintf(stderr, "bd_conectar: %s\n", bd_texto(r));
        bucle_terminar(&bucle);
        return 1;
    }
    r = bucle_terminar(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 && !p.error ? 0 : 1;
}
