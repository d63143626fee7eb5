/* maquina_estados.c — el café de cafe_bloqueante.c sin bloquear: estado explícito y un paso
 * por callback: una función con tres esperas, partida en los trozos que van entre ellas.
 *
 * Cada espera corta la función en dos: lo que va después de cada espera se convierte en un
 * caso del `switch` de continuar(), y las variables locales que deben sobrevivir a la espera
 * (gramos, grados…) pasan a una estructura en el montón. Dos cafés se preparan a la vez,
 * cada uno con su estructura: 2.00 s en vez de los 3.30 s de la versión que bloquea.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

typedef enum { MOLIENDO, CALENTANDO, SIRVIENDO } fase_t;

/* El «marco» de la corrutina: todo lo que debe sobrevivir entre un paso y el siguiente. */
typedef struct {
    uv_timer_t temporizador; /* el mismo temporizador sirve para las tres esperas */
    const char *nombre;
    fase_t fase;             /* en qué espera estamos parados */
    uint64_t molienda_ms;
    uint64_t calentado_ms;
    int gramos;              /* resultado del paso 1, se usa en el paso 3 */
    int grados;              /* resultado del paso 2 */
} cafe_t;

static uint64_t origen_ms;

static void decir(const cafe_t *c, const char *texto)
{
    printf("[%4.2f s] %-9s %s\n", reloj_desde(origen_ms), c->nombre, texto);
}

/* La memoria del marco se libera cuando el bucle ha terminado con su temporizador. */
static void al_cerrar(uv_handle_t *h)
{
    free(h->data);
}

/* Cada llamada ejecuta el tramo de código que va entre dos esperas. */
static void continuar(uv_timer_t *t)
{
    cafe_t *c = t->data;
    char texto[80];

    switch (c->fase) {
    case MOLIENDO: /* acaba de terminar la espera de moler() */
        c->gramos = (int)(c->molienda_ms / 25); /* el «valor devuelto» por moler() */
        decir(c, "molido; ahora calentar el agua");
        c->fase = CALENTANDO;
        /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
        uv_timer_start(t, continuar, c->calentado_ms, 0);
        break;
    case CALENTANDO: /* acaba de terminar la espera de calentar() */
        c->grados = 80 + (int)(c->calentado_ms / 100);
        decir(c, "agua caliente; ahora servir");
        c->fase = SIRVIENDO;
        /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
        uv_timer_start(t, continuar, 300, 0);
        break;
    case SIRVIENDO: /* acaba de terminar la espera de servir(): fin */
        snprintf(texto, sizeof texto, "listo: %d g a %d °C", c->gramos, c->grados);
        decir(c, texto);
        uv_close((uv_handle_t *)t, al_cerrar);
        break;
    }
}

/* «Llamar a la corrutina»: crea el marco y ejecuta hasta la primera espera. */
static int preparar(uv_loop_t *bucle, const char *nombre, uint64_t molienda_ms,
                    uint64_t calentado_ms)
{
    cafe_t *c = calloc(1, sizeof(*c));
    int r;

    if (c == NULL)
        return UV_ENOMEM;
    c->nombre = nombre;
    c->molienda_ms = molienda_ms;
    c->calentado_ms = calentado_ms;
    c->fase = MOLIENDO;
    r = uv_timer_init(bucle, &c->temporizador);
    if (r < 0) {
        free(c);
        return r;
    }
    c->temporizador.data = c;
    decir(c, "empieza a moler");
    r = uv_timer_start(&c->temporizador, continuar, c->molienda_ms, 0);
    if (r < 0)
        uv_close((uv_handle_t *)&c->temporizador, al_cerrar);
    return r;
}

int main(void)
{
    uv_loop_t bucle;
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    origen_ms = reloj_ms();
    r = preparar(&bucle, "espresso", 400, 600);
    if (r == 0)
        r = preparar(&bucle, "americano", 700, 1000);
    if (r < 0)
        fprintf(stderr, "preparar: %s\n", error_texto(r));
    if (bucle_terminar(&bucle) != 0 && r == 0)
        r = UV_EBUSY;
    return r == 0 ? 0 : 1;
}
