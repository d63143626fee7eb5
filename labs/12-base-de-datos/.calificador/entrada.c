/* entrada.c — lo que el programa debe rechazar: una cadena de conexión mala o una conexión
 * que el servidor rechaza, con un mensaje y el código 2.
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

CAL_PRUEBA(conexion_mala, 30)
static void conexion_mala(void)
{
    cal_esperado("una cadena que no se entiende y una conexión rechazada: código 2 en menos de "
                 "5 s, con el motivo de libpq en stderr");
    char rechazada[200];
    snprintf(rechazada, sizeof rechazada, "host=127.0.0.1 port=%d user=curso dbname=curso",
             cal_puerto_cerrado());
    int ok = arranque_fallido("esto no es una cadena", "missing \"=\"", "una cadena mala") &&
             arranque_fallido(rechazada, "refused", "una conexión rechazada");
    if (ok)
        cal_obtenido("las dos salen con 2 y explican el motivo");
    CAL_FIN(ok);
}
