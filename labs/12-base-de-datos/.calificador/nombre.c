/* nombre.c — el nombre de las conexiones: todas las del programa (las del pool, sus sustitutas
 * y la secuencial) se abren con application_name «basedatos», como pide el enunciado.
 *
 * Las demás verificaciones reconocen las sesiones del programa por su papel (curso), no por este
 * nombre: así, olvidarlo en una conexión cuesta los puntos de esta verificación y no los de todas
 * las que miran pg_stat_activity o el registro del servidor. La prueba es el registro del
 * servidor (log_connections): cada conexión que autoriza, con su papel y su application_name.
 */
#include "comun.h"

#include <criterion/criterion.h>

CAL_PRUEBA(nombre, 40)
static void nombre(void)
{
    cal_esperado("-n 10 -p 3: según el registro del servidor (log_connections), cada conexión "
                 "que abre el programa (las del pool y la secuencial) lleva application_name "
                 "«basedatos»");
    base_t b;
    cal_proceso_t *p;
    static const char *const args[] = {"-n", "10", "-p", "3", NULL};
    if (!base_preparar(&b, TABLA_LENTA, LENTO_MS, NULL) || !base_lanzar(&b, args, 0, 30, &p))
        CAL_FIN(0);
    /* El nombre se juzga aunque el programa no termine (eso lo juzgan cierre y las demás): la
     * prueba son las conexiones que el servidor ya autorizó. Uno colgado se para a los 10 s. */
    if (!cal_esperar_fin(p, 10000))
        cal_matar(p);
    sentencias_t st;
    if (!base_sentencias(&b, 10, &st))
        CAL_FIN(0);
    if (st.conexiones == 0) {
        cal_obtenido("el servidor no autorizó ninguna conexión del programa");
        CAL_FIN(0);
    }
    if (st.sin_nombre > 0) {
        cal_obtenido("de las %d %s que abrió el programa, %d sin application_name «basedatos»: "
                     "pásalo como cuarto argumento de bd_conectar en todas (también en la de la "
                     "fase secuencial)",
                     st.conexiones, texto_plural(st.conexiones, "conexión", "conexiones"),
                     st.sin_nombre);
        CAL_FIN(0);
    }
    cal_obtenido("las %d %s del programa llevan application_name «basedatos»", st.conexiones,
                 texto_plural(st.conexiones, "conexión", "conexiones"));
    CAL_FIN(1);
}
