/* cerrojo.c — por qué un programa de UN solo hilo también necesita un cerrojo (*lock*).
 *
 * Una cuenta con saldo 100 recibe dos ingresos a la vez (+50 y +70). Cada ingreso
 *   1) lee el saldo,                    (callback 1)
 *   2) consulta algo lento (0.10 s),    (temporizador: el bucle atiende a otros)
 *   3) escribe saldo_leído + importe.   (callback 2)
 * La lectura y la escritura están en callbacks distintas: entre ellas puede colarse el otro
 * ingreso, leer el mismo saldo viejo y pisar el resultado. Sin cerrojo el saldo final es
 * 170 en lugar de 220 (una «actualización perdida»); con cerrojo, 220.
 *
 * El cerrojo es asíncrono: quien no lo consigue no bloquea el hilo, deja una espera y
 * se le avisa cuando le toque (en orden de llegada).
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/reloj.h"

/* ===================== El cerrojo asíncrono ============================================ */

typedef struct espera_s {
    struct espera_s *siguiente;
    void (*al_obtener)(struct espera_s *e);
} espera_t;

typedef struct {
    int tomado;
    espera_t *cabeza, *cola; /* FIFO de quienes esperan */
} cerrojo_t;

/* Devuelve 1 si el cerrojo es nuestro ya; 0 si `e` queda esperando: e->al_obtener se
 * llamará cuando el dueño anterior lo suelte (y entonces ya será nuestro). */
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

/* Suelta el cerrojo. Si alguien espera, pasa directamente a él (sigue «tomado»): así
 * nadie que llegue después puede adelantarse. */
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

/* ===================== Los ingresos ==================================================== */

typedef struct {
    int saldo;
    cerrojo_t cerrojo;
    int usar_cerrojo;
    uint64_t inicio_ms;
} cuenta_t;

typedef struct {
    cuenta_t *cuenta;
    const char *nombre;
    int importe;
    int leido;
    uv_timer_t consulta;
    espera_t espera;
} ingreso_t;

static void ingreso_escribir(uv_timer_t *t)
{
    ingreso_t *in = t->data;
    cuenta_t *cu = in->cuenta;
    cu->saldo = in->leido + in->importe;
    printf("[%.2f s] %s escribe %d + %d = %d\n", reloj_desde(cu->inicio_ms), in->nombre,
           in->leido, in->importe, cu->saldo);
    uv_close((uv_handle_t *)t, NULL);
    if (cu->usar_cerrojo) {
        printf("[%.2f s] %s suelta el cerrojo\n", reloj_desde(cu->inicio_ms), in->nombre);
        cerrojo_soltar(&cu->cerrojo);
    }
}

/* Sección crítica: leer, esperar algo lento y (en otra callback) escribir. */
static void ingreso_leer(ingreso_t *in)
{
    cuenta_t *cu = in->cuenta;
    in->leido = cu->saldo;
    printf("[%.2f s] %s lee el saldo: %d\n", reloj_desde(cu->inicio_ms), in->nombre, in->leido);
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_start(&in->consulta, ingreso_escribir, 100, 0);
}

static void ingreso_obtuvo_cerrojo(espera_t *e)
{
    ingreso_t *in = CONTENEDOR_DE(e, ingreso_t, espera);
    printf("[%.2f s] %s obtiene el cerrojo\n", reloj_desde(in->cuenta->inicio_ms), in->nombre);
    ingreso_leer(in);
}

static void ingreso_empezar(ingreso_t *in)
{
    cuenta_t *cu = in->cuenta;
    if (!cu->usar_cerrojo) {
        ingreso_leer(in);
        return;
    }
    if (cerrojo_tomar(&cu->cerrojo, &in->espera))
        ingreso_obtuvo_cerrojo(&in->espera);
    else
        printf("[%.2f s] %s espera el cerrojo\n", reloj_desde(cu->inicio_ms), in->nombre);
}

/* Una ronda completa con su propio bucle: dos ingresos concurrentes sobre saldo 100. */
static int ronda(int usar_cerrojo)
{
    uv_loop_t bucle;
    cuenta_t cuenta = {.saldo = 100, .usar_cerrojo = usar_cerrojo, .inicio_ms = reloj_ms()};
    ingreso_t ingresos[2] = {
        {.cuenta = &cuenta, .nombre = "ingreso A", .importe = 50},
        {.cuenta = &cuenta, .nombre = "ingreso B", .importe = 70},
    };
    int i, r;

    if (uv_loop_init(&bucle) < 0)
        return -1;
    printf("%s cerrojo (saldo inicial %d):\n", usar_cerrojo ? "Con" : "Sin", cuenta.saldo);
    for (i = 0; i < 2; i++) {
        /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
        uv_timer_init(&bucle, &ingresos[i].consulta);
        ingresos[i].consulta.data = &ingresos[i];
        ingresos[i].espera.al_obtener = ingreso_obtuvo_cerrojo;
        ingreso_empezar(&ingresos[i]);
    }
    r = bucle_terminar(&bucle);
    printf("Saldo final: %d (esperado %d)%s\n\n", cuenta.saldo, 100 + 50 + 70,
           cuenta.saldo == 220 ? "" : "  ← ¡se perdió un ingreso!");
    return r;
}

int main(void)
{
    int r = ronda(0);
    if (r == 0)
        r = ronda(1);
    return r == 0 ? 0 : 1;
}
