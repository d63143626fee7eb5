/* bd_catalogo.c — entrega hostil del laboratorio 12: no hace el laboratorio; busca en el
 * catálogo lo que el calificador no le dice. Un adversario de la sesión 86 leyó en
 * pg_proc.prosrc el cuerpo de las funciones del esquema calif, que cualquiera puede leer: la
 * fila que el servidor iba a rechazar («IF NEW.id = 7 THEN …») y la ficha aleatoria del error
 * («… rechazada (1a2b3c4d)»), la prueba de que el programa leyó el mensaje del servidor, antes
 * de insertar nada. Ahora las dos están en calif.secreto, que el papel no puede leer, y las
 * funciones SECURITY DEFINER las leen de allí (comun.c).
 *
 * En cada ejecución, con la cadena que le da el calificador (el último argumento):
 *  - lee el cuerpo de las funciones de calif y escribe «CATALOGO LEIDO: N funciones de calif»,
 *    más «FICHA VISTA x» o «FALLA VISTA n» por cada secreto que encuentre;
 *  - intenta leer calif.secreto: «SECRETO LEIDO …» o «SECRETO NEGADO»;
 * y sale con 1. prueba-autograder (despues_bd_catalogo) exige alguna lectura con funciones de
 * calif y ningún secreto visto. Todo por libcurso (bd_conectar, bd_consultar). */
#include "curso/bd.h"

#include <libpq-fe.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

static const char *const CUERPOS =
    "SELECT p.prosrc FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
    "ON n.oid = p.pronamespace WHERE n.nspname = 'calif'";
static const char *const SECRETO = "SELECT ficha || ' ' || falla FROM calif.secreto";

static void cerrada(bd_conexion_t *c, void *datos)
{
    (void)c;
    (void)datos;
}

/* Cada coincidencia de `patron` en `texto`, con su primer grupo, como «QUE VISTA grupo». */
static void buscar(const char *texto, const char *patron, const char *que)
{
    regex_t re;
    if (regcomp(&re, patron, REG_EXTENDED) != 0)
        return;
    regmatch_t m[2];
    const char *p = texto;
    while (regexec(&re, p, 2, m, 0) == 0) {
        printf("%s VISTA %.*s\n", que, (int)(m[1].rm_eo - m[1].rm_so), p + m[1].rm_so);
        p += m[0].rm_eo;
    }
    regfree(&re);
}

static void secreto(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    if (estado < 0)
        printf("SECRETO NEGADO\n");
    else
        printf("SECRETO LEIDO %s\n", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "(vacío)");
    PQclear(res);
    bd_cerrar(c, cerrada, NULL);
}

static void cuerpos(bd_conexion_t *c, int estado, PGresult *res, void *datos)
{
    (void)datos;
    if (estado < 0) {
        printf("CATALOGO NEGADO\n");
    } else {
        printf("CATALOGO LEIDO: %d funciones de calif\n", PQntuples(res));
        for (int i = 0; i < PQntuples(res); i++) {
            const char *cuerpo = PQgetvalue(res, i, 0);
            buscar(cuerpo, "rechazada \\(([0-9a-f]{8})\\)", "FICHA");
            buscar(cuerpo, "NEW\\.id = ([0-9]+) THEN PERFORM setval", "FALLA");
        }
    }
    PQclear(res);
    if (bd_consultar(c, SECRETO, 0, NULL, secreto, NULL) < 0)
        bd_cerrar(c, cerrada, NULL);
}

static void conectada(bd_conexion_t *c, int estado, void *datos)
{
    (void)datos;
    if (estado < 0 || bd_consultar(c, CUERPOS, 0, NULL, cuerpos, NULL) < 0)
        bd_cerrar(c, cerrada, NULL);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 1;
    uv_loop_t *bucle = uv_default_loop();
    bd_conexion_t *c;
    if (bd_conectar(bucle, &c, argv[argc - 1], "basedatos", conectada, NULL) < 0)
        return 1;
    uv_run(bucle, UV_RUN_DEFAULT);
    fflush(stdout);
    return 1;
}
