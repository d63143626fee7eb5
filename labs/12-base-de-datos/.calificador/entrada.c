/* entrada.c — lo que el programa debe rechazar: una cadena de conexión mala o una conexión
 * rechazada (el puerto cerrado, o el propio servidor), con un mensaje y el código 2.
 */
#include "comun.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Lanza con una cadena dada (sin base) y espera código 2 con `motivo` en stderr. */
static int arranque_fallido(const char *cadena, const char *motivo, const char *que)
{
    const char *args[] = {"-n", "5", cadena, NULL};
    cal_lanzamiento_t l = {.args = args, .limite_s = 10};
    cal_proceso_t *p;
    if (cal_lanzar(&l, &p) < 0)
        return 0;
    if (!base_esperar_fin(p, 5000, 2))
        return 0;
    if (strstr(cal_errores(p), motivo) == NULL) {
        cal_obtenido("con %s salió con 2, pero stderr no incluye el motivo de libpq («%s»)", que,
                     motivo);
        cal_nota_salida(p, 5);
        return 0;
    }
    return 1;
}

/* Una conexión que el propio servidor rechaza al arrancar (su base no admite ninguna conexión
 * del programa: CONNECTION LIMIT 0): código 2 con el motivo de libpq, como con el puerto
 * cerrado, y sin volver a pedirla. El pool se lo dice al primero de la cola (la preparación), y
 * eso es el final: quien la reintentaba unas cuantas veces antes de rendirse salía igual, con 2
 * y a tiempo, y sacaba 100 (mutante reintenta_conexion_rechazada). Con el puerto cerrado no hay
 * quien cuente los intentos; aquí los cuenta el registro del servidor («too many
 * connections»). Con -p 1, al arrancar todo pool pide una sola: la de la preparación. */
static int rechazada_una_vez(void)
{
    static const char *const args[] = {"-n", "5", "-p", "1", NULL};
    base_t b;
    cal_proceso_t *p;
    if (!base_preparar(&b, SIN_TABLA, 0, NULL) || !base_limitar(&b, 0) ||
        !base_lanzar(&b, args, 0, 10, &p))
        return 0;
    if (!base_esperar_fin(p, 5000, 2))
        return 0;
    if (strstr(cal_errores(p), "too many connections") == NULL) {
        cal_obtenido("con la conexión rechazada por el servidor salió con 2, pero stderr no "
                     "incluye el motivo de libpq («too many connections…»)");
        cal_nota_salida(p, 5);
        return 0;
    }
    /* Al menos 2 (relee hasta 2 s) para no contar de menos a quien reintenta. */
    int rechazos = 0, despues = 0;
    if (!base_rechazos_al_menos(&b, 2, &rechazos, &despues))
        return 0;
    if (rechazos > 1) {
        cal_obtenido("con la conexión rechazada por el servidor salió con 2, pero antes la pidió "
                     "%d %s (según el registro del servidor): una conexión rechazada no se "
                     "reintenta; el pool se lo dice al primero de la cola y el programa termina",
                     rechazos, texto_plural(rechazos, "vez", "veces"));
        return 0;
    }
    return 1;
}

CAL_PRUEBA(conexion_mala, 30)
static void conexion_mala(void)
{
    cal_esperado("una cadena que no se entiende, una conexión rechazada (puerto cerrado) y una "
                 "que rechaza el servidor: código 2 en menos de 5 s, con el motivo de libpq en "
                 "stderr; la que rechaza el servidor, pedida una sola vez");
    char rechazada[200];
    snprintf(rechazada, sizeof rechazada, "host=127.0.0.1 port=%d user=curso dbname=curso",
             cal_puerto_cerrado());
    int ok = arranque_fallido("esto no es una cadena", "missing \"=\"", "una cadena mala") &&
             arranque_fallido(rechazada, "refused", "una conexión rechazada") &&
             rechazada_una_vez();
    if (ok)
        cal_obtenido("las tres salen con 2 y explican el motivo; la que rechaza el servidor se "
                     "pidió una sola vez");
    CAL_FIN(ok);
}

/* Los límites de «Uso» (-p de 1 a 100, -n de 1 a 1000000, enteros sin restos), con una base que
 * funciona: un programa que acepta uno de estos valores empieza, y se nota (sale con 0 o se
 * queda esperando). La lectura viene hecha en la partida; esto es lo que cuesta romperla (el
 * estudiante de prueba de la sesión 41 aceptaba -p 0 y salía con 0 sin hacer nada: 100/100).
 * Mutante: tamano_cero_aceptado. */
CAL_PRUEBA(argumentos, 40)
static void argumentos(void)
{
    static const char *const malos[][2] = {{"-p", "0"}, {"-p", "101"}, {"-n", "0"}, {"-n", "12x"}};
    cal_esperado("-p 0, -p 101, -n 0 y -n 12x, con una base que funciona: cada uno sale con 2 en "
                 "menos de 5 s, con un mensaje en stderr y nada en stdout");
    base_t b;
    if (!base_preparar(&b, SIN_TABLA, 0, NULL))
        CAL_FIN(0);
    for (size_t i = 0; i < sizeof malos / sizeof malos[0]; i++) {
        const char *args[] = {malos[i][0], malos[i][1], NULL};
        cal_proceso_t *p;
        cal_nota("Con %s %s:", malos[i][0], malos[i][1]);
        if (!base_lanzar(&b, args, 0, 10, &p) || !base_esperar_fin(p, 5000, 2))
            CAL_FIN(0);
        if (cal_errores(p)[0] == '\0' || cal_salida(p)[0] != '\0') {
            cal_obtenido("con %s %s salió con 2, pero %s", malos[i][0], malos[i][1],
                         cal_errores(p)[0] == '\0' ? "sin mensaje en stderr"
                                                   : "escribió en stdout: empezó");
            cal_nota_salida(p, 5);
            CAL_FIN(0);
        }
    }
    cal_obtenido("los cuatro salen con 2, con un mensaje y sin empezar");
    CAL_FIN(1);
}
