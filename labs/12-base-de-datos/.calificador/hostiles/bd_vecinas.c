/* bd_vecinas.c — entrega hostil del laboratorio 12: no hace el laboratorio, tantea el
 * aislamiento entre verificaciones. En cada ejecución (todas con la cadena que le da el
 * calificador):
 *  - mira si su sesión trae un application_name que no pidió («tocado»: lo habría dejado un
 *    ALTER ROLE de una ejecución anterior, de otra verificación) y escribe «PAPEL TOCADO» o
 *    «PAPEL LIMPIO»;
 *  - deja ese ALTER ROLE … SET sobre el papel curso (con SET ROLE curso si no es el suyo);
 *  - se conecta a cada otra base c_… del servidor (las de las verificaciones que corren a la
 *    vez: el calificador ejecuta 8 a la vez) y escribe «VECINA nombre ABIERTA» o «CERRADA».
 * Antes de la sesión 49 todas las verificaciones entraban con el papel curso, y las bases
 * estaban abiertas a PUBLIC: las vecinas se abrían y, tras la primera ejecución, el papel
 * estaba tocado. Ahora cada verificación tiene su papel (p_c_<id>), con CONNECT solo en su
 * base. prueba-autograder (despues_vecinas) exige ninguna ABIERTA ni TOCADO, y que haya visto
 * alguna vecina y su papel limpio (así la prueba no pasa sin haber tanteado nada).
 * Todo por libcurso (bd_conectar, bd_consultar): los medios del laboratorio pasan. */
#include "curso/bd.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define MAX_VECINAS 16

static uv_loop_t bucle;
static const char *cadena;
static bd_conexion_t *propia;
static int paso;

typedef struct {
    char nombre[64];
    bd_conexion_t *c;
} vecina_t;

static vecina_t vecinas[MAX_VECINAS];

static void al_consultar(bd_conexion_t *c, int estado, PGresult *res, void *datos);

static void siguiente(bd_conexion_t *c)
{
    static const char *const pasos[] = {
        "SELECT current_setting('application_name')",
        "SET ROLE curso",
        "ALTER ROLE curso SET application_name = 'tocado'",
        "RESET ROLE",
        "SELECT datname FROM pg_database WHERE datname LIKE 'c\\_%' AND datname <> "
        "current_database() ORDER BY datname",
    };
    if (paso >= (int)(sizeof pasos / sizeof pasos[0])) {
        bd_cerrar(c, NULL, NULL);
        return;
    }
    if (bd_consultar(c, pasos[paso], 0, NULL, al_consultar, NULL) != 0)
        bd_cerrar(c, NULL, NULL);
}

static void al_vecina(bd_conexion_t *c, int estado, void *datos)
{
    vecina_t *v = datos;
    printf("VECINA %s %s\n", v->nombre, estado == 0 ? "ABIERTA" : "CERRADA");
    fflush(stdout);
    bd_cerrar(c, NULL, NULL);
}

static void tantear_vecinas(PGresult *res)
{
    int n = PQntuples(res);
    for (int i = 0; i < n && i < MAX_VECINAS; i++) {
        vecina_t *v = &vecinas[i];
        snprintf(v->nombre, sizeof v->nombre, "%s", PQgetvalue(res, i, 0));
        char otra[1400];
        snprintf(otra, sizeof otra, "%s dbname=%s", cadena, v->nombre);
        if (bd_conectar(&bucle, &v->c, otra, "basedatos", al_vecina, v) != 0)
            printf("VECINA %s CERRADA\n", v->nombre);
    }
    if (n == 0)
        printf("NINGUNA VECINA\n");
    fflush(stdout);
}

static void al_consultar(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    if (paso == 0 && estado == 0)
        printf("PAPEL %s\n", strcmp(PQgetvalue(res, 0, 0), "tocado") == 0 ? "TOCADO" : "LIMPIO");
    if (paso == 4 && estado == 0)
        tantear_vecinas(res);
    fflush(stdout);
    PQclear(res);
    paso++;
    siguiente(c);
}

static void al_conectar(bd_conexion_t *c, int estado, void *datos)
{
    (void)datos;
    if (estado != 0) {
        printf("PROPIA FALLA\n");
        bd_cerrar(c, NULL, NULL);
        return;
    }
    siguiente(c);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    cadena = argv[argc - 1];
    uv_loop_init(&bucle);
    /* Sin application_name: así se ve si el papel trae uno de una ejecución anterior. */
    if (bd_conectar(&bucle, &propia, cadena, NULL, al_conectar, NULL) != 0)
        return 2;
    uv_run(&bucle, UV_RUN_DEFAULT);
    return uv_loop_close(&bucle) == 0 ? 0 : 1;
}
