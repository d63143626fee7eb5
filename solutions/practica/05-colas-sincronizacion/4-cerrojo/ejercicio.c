/* ejercicio.c — ningún ingreso perdido (práctica 4 de la lección 5): una respuesta.
 *
 *   ingresos IMPORTE...   un ingreso por argumento en una cuenta con saldo 100, todos a la vez.
 *
 * Cada ingreso lee el saldo, consulta algo lento (un temporizador de 100 ms) y escribe
 * saldo_leído + importe. La lectura y la escritura están en callbacks distintas: sin
 * cerrojo, otro ingreso se cuela entre ellas y se pierde una actualización. Con un cerrojo
 * asíncrono (sección 3 de la lección) cada ingreso hace su lectura-consulta-escritura solo;
 * quien llega con el cerrojo tomado deja su espera en una cola FIFO y no bloquea el hilo.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

#define MAX_INGRESOS 16
#define SALDO_INICIAL 100

/* ---- El cerrojo asíncrono ------------------------------------------------------------ */

typedef struct espera_s {
    struct espera_s *siguiente;
    void (*al_obtener)(struct espera_s *e);
} espera_t;

typedef struct {
    int tomado;
    espera_t *cabeza, *cola; /* FIFO de quienes esperan */
} cerrojo_t;

/* 1: el cerrojo es nuestro ya. 0: `e` queda esperando y e->al_obtener llegará cuando sea
 * nuestro. */
static int cerrojo_tomar(cerrojo_t *c, espera_t *e)
{
    if (!c->tomado) {
        c->tomado = 1;
        return 1;
    }
    e->siguiente = NULL;
    if (c->cola != NULL)
        c->cola->siguiente = e;
    else
        c->cabeza = e;
    c->cola = e;
    return 0;
}

/* Si alguien espera, el cerrojo pasa directamente al primero (sigue tomado). */
static void cerrojo_soltar(cerrojo_t *c)
{
    espera_t *e = c->cabeza;

    if (e == NULL) {
        c->tomado = 0;
        return;
    }
    c->cabeza = e->siguiente;
    if (c->cabeza == NULL)
        c->cola = NULL;
    e->al_obtener(e);
}

/* ---- Los ingresos --------------------------------------------------------------------- */

typedef struct {
    uv_timer_t consulta;
    espera_t espera;
    int numero;
    long importe, leido;
} ingreso_t;

static cerrojo_t cerrojo;
static long saldo = SALDO_INICIAL;

static void al_cerrar(uv_handle_t *h)
{
    free(h->data);
}

static void al_consultar(uv_timer_t *t)
{
    ingreso_t *ing = t->data;

    saldo = ing->leido + ing->importe;
    printf("ingreso %d escribe %ld + %ld = %ld\n", ing->numero, ing->leido, ing->importe, saldo);
    cerrojo_soltar(&cerrojo); /* tras escribir: la sección crítica incluye la escritura */
    uv_close((uv_handle_t *)t, al_cerrar);
}

/* Con el cerrojo ya tomado: leer y consultar. */
static void con_el_cerrojo(ingreso_t *ing)
{
    ing->leido = saldo;
    printf("ingreso %d lee el saldo: %ld\n", ing->numero, ing->leido);
    uv_timer_start(&ing->consulta, al_consultar, 100, 0); /* no falla: no se está cerrando */
}

static void al_obtener(espera_t *e)
{
    con_el_cerrojo(CONTENEDOR_DE(e, ingreso_t, espera));
}

static void empezar(ingreso_t *ing)
{
    ing->espera.al_obtener = al_obtener;
    if (cerrojo_tomar(&cerrojo, &ing->espera))
        con_el_cerrojo(ing);
    else
        printf("ingreso %d espera el cerrojo\n", ing->numero);
}

/* ---- Ya escrito: no lo cambies ------------------------------------------------------- */

static int leer(const char *texto, long min, long max, long *valor)
{
    char *fin;

    errno = 0;
    *valor = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *valor >= min && *valor <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    long importes[MAX_INGRESOS], esperado = SALDO_INICIAL;
    int n = argc - 1, r;

    if (n < 1 || n > MAX_INGRESOS) {
        fprintf(stderr, "uso: %s IMPORTE... (de 1 a %d ingresos)\n", argv[0], MAX_INGRESOS);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        if (leer(argv[i + 1], 1, 1000000, &importes[i]) < 0) {
            fprintf(stderr, "importe no válido: %s\n", argv[i + 1]);
            return 2;
        }
        esperado += importes[i];
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    for (int i = 0; i < n; i++) { /* todos a la vez */
        ingreso_t *ing = malloc(sizeof *ing);

        if (ing == NULL) {
            fprintf(stderr, "sin memoria\n");
            break;
        }
        ing->numero = i + 1;
        ing->importe = importes[i];
        uv_timer_init(&bucle, &ing->consulta); /* no falla: lección 2, §3 */
        ing->consulta.data = ing;
        empezar(ing);
    }
    r = bucle_terminar(&bucle);
    printf("saldo final: %ld (esperado %ld)\n", saldo, esperado);
    return r == 0 ? 0 : 1;
}
