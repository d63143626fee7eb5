/* cafe_bloqueante.c — el café de esta lección escrito como una función normal de C.
 *
 * Cada paso (moler, calentar el agua, servir) espera con uv_sleep(), que duerme el hilo: la
 * función es fácil de leer, sus variables locales (gramos, grados) viven en la pila mientras
 * espera, y por eso mismo no se puede hacer otra cosa mientras tanto. Dos cafés van uno
 * detrás de otro: 1.30 s + 2.00 s. maquina_estados.c hace lo mismo sin dormir el hilo y los
 * dos cafés se entrelazan.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/reloj.h"

static uint64_t origen_ms;

static void decir(const char *nombre, const char *texto)
{
    printf("[%4.2f s] %-9s %s\n", reloj_desde(origen_ms), nombre, texto);
}

/* Cada paso espera de verdad (el hilo entero se para) y devuelve su resultado. */
static int moler(unsigned int ms)
{
    uv_sleep(ms);
    return (int)(ms / 25);
}

static int calentar(unsigned int ms)
{
    uv_sleep(ms);
    return 80 + (int)(ms / 100);
}

static void servir(void)
{
    uv_sleep(300);
}

static void preparar(const char *nombre, unsigned int molienda_ms, unsigned int calentado_ms)
{
    char texto[80];

    decir(nombre, "empieza a moler");
    int gramos = moler(molienda_ms);      /* espera 1 */
    decir(nombre, "molido; ahora calentar el agua");
    int grados = calentar(calentado_ms);  /* espera 2 */
    decir(nombre, "agua caliente; ahora servir");
    servir();                             /* espera 3 */
    snprintf(texto, sizeof texto, "listo: %d g a %d °C", gramos, grados);
    decir(nombre, texto);
}

int main(void)
{
    origen_ms = reloj_ms();
    preparar("espresso", 400, 600);
    preparar("americano", 700, 1000);
    return 0;
}
