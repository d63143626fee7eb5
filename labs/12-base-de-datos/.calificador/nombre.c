/* nombre.c — el nombre de las conexiones: todas las del programa (las del pool, sus sustitutas
 * y la secuencial) se abren con application_name «basedatos», como pide el enunciado. Para que
 * haya sustitutas, el servidor corta las conexiones del pool durante la fase secuencial.
 *
 * Las demás verificaciones reconocen las sesiones del programa por su papel (curso), no por este
 * nombre: así, olvidarlo en una conexión cuesta los puntos de esta verificación y no los de todas
 * las que miran pg_stat_activity o el registro del servidor. La prueba es el registro del
 * servidor (log_connections): cada conexión que autoriza, con su papel y su application_name.
 */
#include "comun.h"

#include <criterion/criterion.h>

/* Lo que tarda cada inserción: la fase secuencial (10 filas) dura 2 s, de sobra para cortar las
 * conexiones del pool antes de las consultas. */
#define NOMBRE_LENTO_MS 200

CAL_PRUEBA(nombre, 40)
static void nombre(void)
{
    cal_esperado("-n 10 -p 3, con las conexiones del pool cortadas durante la fase secuencial: "
                 "según el registro del servidor (log_connections), cada conexión que abre el "
                 "programa (las del pool, sus sustitutas y la secuencial) lleva application_name "
                 "«basedatos»");
    base_t b;
    cal_proceso_t *p;
    static const char *const args[] = {"-n", "10", "-p", "3", NULL};
    if (!base_preparar(&b, TABLA_LENTA, NOMBRE_LENTO_MS, NULL) || !base_lanzar(&b, args, 0, 30, &p))
        CAL_FIN(0);
    /* Las sustitutas también llevan el nombre: sin cortes no se abría ninguna, y una sustituta
     * sin nombre sacaba 100 (mutante sustituta_sin_nombre). En cuanto empieza la fase
     * secuencial, el servidor corta las conexiones del pool (ociosas), y las consultas abren
     * otras. Si no hay fase secuencial o nada que cortar, se juzgan las que haya: sustituir las
     * rotas lo juzga reemplaza_rotas. */
    PGconn *c = base_conectar(&b);
    if (c == NULL)
        CAL_FIN(0);
    long long sec = base_esperar_secuencial(c, p, 10);
    long long cortadas = sec >= 0 ? base_cortar_pool(c, sec) : 0;
    PQfinish(c);
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
        cal_obtenido("de las %d %s que abrió el programa (del pool cortadas en la fase "
                     "secuencial: %lld), %d sin application_name «basedatos»: pásalo como cuarto "
                     "argumento de bd_conectar en todas (también en la de la fase secuencial y en "
                     "las que sustituyen a una rota)",
                     st.conexiones, texto_plural(st.conexiones, "conexión", "conexiones"),
                     cortadas > 0 ? cortadas : 0, st.sin_nombre);
        CAL_FIN(0);
    }
    cal_obtenido("las %d %s del programa llevan application_name «basedatos» (del pool cortadas "
                 "en la fase secuencial: %lld)",
                 st.conexiones, texto_plural(st.conexiones, "conexión", "conexiones"),
                 cortadas > 0 ? cortadas : 0);
    CAL_FIN(1);
}
