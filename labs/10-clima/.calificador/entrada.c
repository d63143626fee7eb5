/* entrada.c — verificaciones del laboratorio 10 que no llegan a pedir nada: el uso incorrecto
 * y el archivo de proveedores roto (código 2 y un mensaje que cite lo que está mal). */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <jansson.h>
#include <stdio.h>

/* Un archivo de proveedores bueno, para los casos que tienen que fallar por otra cosa. */
static const char bueno[] = "{\"proveedores\": [{\"nombre\": \"uno\", \"url\": "
                            "\"/clima/openmeteo?ciudad={ciudad}\", \"ruta\": "
                            "\"current_weather.temperature\", \"unidad\": \"C\"}]}\n";

CAL_PRUEBA(entrada_invalida, 30)
{
    cal_esperado("código 2, nada en stdout y un mensaje en stderr que cite el valor malo: sin "
                 "ciudades, una ciudad vacía, «-t» o «-c» que no son enteros («abc», «12x») o "
                 "están fuera de rango (-t de 10 a 600000, -c de 1 a 1000) y una opción "
                 "desconocida");
    /* Los valores fuera de rango van con un archivo de proveedores bueno y un servidor: un
     * programa que no mire el rango arranca y acaba con 0, no con 2. Los valores cambian de
     * una calificación a otra. */
    cal_servidor_t *s;
    char carpeta[512], archivo[700];
    if (servidor(&s) < 0 || cal_carpeta("datos", carpeta, sizeof carpeta) < 0 ||
        escribir(carpeta, "proveedores.json", bueno, archivo, sizeof archivo) < 0) {
        cal_obtenido("no se pudo preparar la verificación (error del calificador)");
        CAL_FIN(0);
    }
    char t_bajo[16], t_alto[16], c_alto[16], c_letras[16];
    snprintf(t_bajo, sizeof t_bajo, "%d", azar(0, 9));
    snprintf(t_alto, sizeof t_alto, "%d", azar(600001, 900000));
    snprintf(c_alto, sizeof c_alto, "%d", azar(1001, 5000));
    snprintf(c_letras, sizeof c_letras, "%dx", azar(2, 99));
    const struct {
        const char *args[8];
        const char *cita;
        int con_servidor;
    } casos[] = {
        {{NULL}, NULL, 0},
        {{"-t", "abc", "Lima", NULL}, "abc", 0},
        {{"-t", "12x", "Lima", NULL}, "12x", 0},
        {{"-c", c_letras, "Lima", NULL}, c_letras, 0},
        {{"-c", "0", "Lima", NULL}, NULL, 0},
        {{"--xyz", "Lima", NULL}, NULL, 0},
        {{"-f", archivo, "Lima", "", NULL}, NULL, 1},
        {{"-t", t_bajo, "-f", archivo, "Lima", NULL}, t_bajo, 1},
        {{"-t", t_alto, "-f", archivo, "Lima", NULL}, t_alto, 1},
        {{"-c", c_alto, "-f", archivo, "Lima", NULL}, c_alto, 1},
    };
    int ok = 1;
    for (int i = 0; i < N(casos) && ok; i++) {
        char orden[512] = "«clima";
        for (int j = 0; casos[i].args[j] != NULL; j++) {
            size_t u = strlen(orden);
            snprintf(orden + u, sizeof orden - u, casos[i].args[j][0] == '\0' ? " ''" : " %s",
                     casos[i].args[j]);
        }
        strncat(orden, "»", sizeof orden - strlen(orden) - 1);
        const char *citas[] = {casos[i].cita, NULL};
        ok = rechazado(casos[i].args, citas, casos[i].con_servidor ? s : NULL,
                       casos[i].con_servidor ? carpeta : NULL, orden);
    }
    if (ok)
        cal_obtenido("los %d casos salen con 2 y lo explican", N(casos));
    CAL_FIN(ok);
}

CAL_PRUEBA(proveedores_invalidos, 30)
{
    cal_esperado("con un archivo de proveedores roto (un error de sintaxis, un proveedor sin un "
                 "campo, una unidad que no es exactamente C, K o F, una url que no empieza por "
                 "http://, https:// ni /): código 2, nada en stdout, ninguna petición al "
                 "servidor y un mensaje que diga la línea y la columna, el campo que falta, la "
                 "unidad mala o la url mala");
    cal_servidor_t *s;
    char carpeta[512];
    if (servidor(&s) < 0 || cal_carpeta("datos", carpeta, sizeof carpeta) < 0) {
        cal_obtenido("no se pudo preparar la verificación (error del calificador)");
        CAL_FIN(0);
    }
    /* La coma que falta, tras unas líneas en blanco al azar: la línea del error cambia. */
    char sintaxis[512];
    snprintf(sintaxis, sizeof sintaxis,
             "{\n  \"proveedores\": [\n%.*s    {\n      \"nombre\": \"uno\",\n"
             "      \"url\": \"/clima/openmeteo?ciudad={ciudad}\"\n"
             "      \"ruta\": \"current_weather.temperature\",\n"
             "      \"unidad\": \"C\"\n    }\n  ]\n}\n",
             azar(0, 5), "\n\n\n\n\n");
    static const char *const campos[] = {"nombre", "url", "ruta", "unidad"};
    const char *falta = campos[azar(0, 3)];
    json_t *sin =
        json_pack("{s:s, s:s, s:s, s:s}", "nombre", "dos", "url",
                  "/clima/weatherapi?ciudad={ciudad}", "ruta", "current.temp_c", "unidad", "C");
    json_object_del(sin, falta);
    json_t *doc = json_pack("{s:[{s:s, s:s, s:s, s:s}, o]}", "proveedores", "nombre", "uno", "url",
                            "/clima/openmeteo?ciudad={ciudad}", "ruta",
                            "current_weather.temperature", "unidad", "C", sin);
    char *sin_campo = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    /* Dos unidades malas: una cualquiera y otra que empieza como una buena («Kelvin»: quien
     * mire solo la primera letra la acepta). */
    static const char *const otras[] = {"grados", "celsius", "c", "k"};
    static const char *const casi[] = {"Kelvin", "K2", "Celsius", "Fahrenheit", "CC"};
    const char *unidad = otras[azar(0, N(otras) - 1)];
    const char *unidad2 = casi[azar(0, N(casi) - 1)];
    char mala_unidad[400], mala_unidad2[400];
    static const char plantilla_unidad[] =
        "{\"proveedores\": [\n"
        "  {\"nombre\": \"uno\", \"url\": \"/clima/openmeteo?ciudad={ciudad}\",\n"
        "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"%s\"}\n]}\n";
    snprintf(mala_unidad, sizeof mala_unidad, plantilla_unidad, unidad);
    snprintf(mala_unidad2, sizeof mala_unidad2, plantilla_unidad, unidad2);
    const char *url = "{\"proveedores\": [\n"
                      "  {\"nombre\": \"uno\", \"url\": \"/clima/openmeteo?ciudad={ciudad}\",\n"
                      "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"C\"},\n"
                      "  {\"nombre\": \"dos\", \"url\": \"clima/weatherapi?ciudad={ciudad}\",\n"
                      "   \"ruta\": \"current.temp_c\", \"unidad\": \"C\"}\n]}\n";
    char a[700], b[700], c[700], d[700], f[700];
    if (sin_campo == NULL || escribir(carpeta, "sintaxis.json", sintaxis, a, sizeof a) < 0 ||
        escribir(carpeta, "sin_campo.json", sin_campo, b, sizeof b) < 0 ||
        escribir(carpeta, "unidad.json", mala_unidad, c, sizeof c) < 0 ||
        escribir(carpeta, "unidad2.json", mala_unidad2, f, sizeof f) < 0 ||
        escribir(carpeta, "url.json", url, d, sizeof d) < 0) {
        free(sin_campo);
        cal_obtenido("no se pudieron escribir los archivos (error del calificador)");
        CAL_FIN(0);
    }
    free(sin_campo);
    json_error_t je;
    json_decref(json_load_file(a, 0, &je));
    char donde[64], col[64], cita_unidad[64], cita_unidad2[64], que_falta[96], que_unidad[96],
        que_unidad2[96];
    snprintf(donde, sizeof donde, "línea %d", je.line);
    snprintf(col, sizeof col, "columna %d", je.column);
    snprintf(cita_unidad, sizeof cita_unidad, "%s", unidad);
    snprintf(cita_unidad2, sizeof cita_unidad2, "%s", unidad2);
    snprintf(que_falta, sizeof que_falta, "con un proveedor sin «%s»", falta);
    snprintf(que_unidad, sizeof que_unidad, "con la unidad «%s»", unidad);
    snprintf(que_unidad2, sizeof que_unidad2, "con la unidad «%s» (solo valen C, K y F, enteras)",
             unidad2);
    const struct {
        const char *archivo;
        const char *citas[3];
        const char *que;
    } casos[] = {
        {a, {donde, col, NULL}, "con un error de sintaxis"},
        {b, {falta, NULL}, que_falta},
        {c, {cita_unidad, NULL}, que_unidad},
        {f, {cita_unidad2, NULL}, que_unidad2},
        {d, {"clima/weatherapi", NULL}, "con la url «clima/weatherapi?…» (sin / delante)"}};
    int ok = 1;
    for (int i = 0; i < N(casos) && ok; i++) {
        const char *args[] = {"-f", casos[i].archivo, "Lima", NULL};
        ok = rechazado(args, casos[i].citas, s, carpeta, casos[i].que);
    }
    const cal_peticion_t *v;
    int n = cal_registro(s, &v);
    if (ok && n > 0) {
        ok = 0;
        cal_obtenido("el servidor recibió %d peticiones: el archivo se valida entero antes de "
                     "pedir nada (primera: %s)",
                     n, v[0].ruta);
    }
    if (ok)
        cal_obtenido("los %d archivos se rechazan con código 2 y un mensaje que lo explica",
                     N(casos));
    CAL_FIN(ok);
}
