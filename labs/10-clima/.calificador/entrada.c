/* entrada.c — verificaciones del laboratorio 10 que no llegan a pedir nada: el uso incorrecto
 * y el archivo de proveedores inválido (código 2 y un mensaje que cite lo que está mal). */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <jansson.h>
#include <stdio.h>

/* Un archivo de proveedores bueno, para los casos que tienen que fallar por otra cosa. */
static const char bueno[] = "{\"proveedores\": [{\"nombre\": \"uno\", \"url\": "
                            "\"/clima/openmeteo?ciudad={ciudad}\", \"ruta\": "
                            "\"current_weather.temperature\", \"unidad\": \"C\"}]}\n";

/* Los extremos del rango valen: lanza `args` (con -f y Lima) y espera un código que no sea 2
 * (0 o 1: con -t 10 las peticiones pueden agotar su tiempo). 1 o 0 (anotado). */
static int aceptado(const char *const *args, cal_servidor_t *s, const char *carpeta)
{
    char env[160], orden[256] = "clima";
    snprintf(env, sizeof env, "CURSO_SERVIDOR=%s", cal_servidor_url(s));
    const char *entorno[] = {env, NULL};
    const char *carpetas[] = {carpeta, NULL};
    cal_lanzamiento_t l = {.args = args, .entorno = entorno, .carpetas = carpetas, .limite_s = 8};
    for (int j = 0; args[j] != NULL && j < 4; j++) {
        size_t u = strlen(orden);
        snprintf(orden + u, sizeof orden - u, " %s", args[j]);
    }
    cal_proceso_t *p;
    if (cal_lanzar(&l, &p) < 0)
        return 0;
    char fin[128];
    int ok = cal_esperar_fin(p, 6000) && (cal_codigo(p) == 0 || cal_codigo(p) == 1);
    if (!ok) {
        cal_obtenido("«%s …»: %s, y son valores válidos (los extremos del rango valen: -t de "
                     "10 a 600000, -c de 1 a 1000)",
                     orden, cal_describir_fin(p, fin, sizeof fin));
        cal_nota_salida(p, 6);
    }
    cal_proceso_liberar(p);
    return ok;
}

CAL_PRUEBA(entrada_invalida, 30)
static void entrada_invalida(void)
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
    if (clima_servidor(&s) < 0 || cal_carpeta("datos", carpeta, sizeof carpeta) < 0 ||
        clima_escribir(carpeta, "proveedores.json", bueno, archivo, sizeof archivo) < 0) {
        cal_obtenido("no se pudo preparar la verificación (error del calificador)");
        CAL_FIN(0);
    }
    char t_bajo[16], t_alto[16], c_alto[16], c_letras[16];
    snprintf(t_bajo, sizeof t_bajo, "%d", (int)cal_azar(0, 9));
    snprintf(t_alto, sizeof t_alto, "%d", (int)cal_azar(600001, 900000));
    snprintf(c_alto, sizeof c_alto, "%d", (int)cal_azar(1001, 5000));
    snprintf(c_letras, sizeof c_letras, "%dx", (int)cal_azar(2, 99));
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
    for (int i = 0; i < CAL_CUANTOS(casos) && ok; i++) {
        char orden[512] = "«clima";
        for (int j = 0; casos[i].args[j] != NULL; j++) {
            size_t u = strlen(orden);
            snprintf(orden + u, sizeof orden - u, casos[i].args[j][0] == '\0' ? " ''" : " %s",
                     casos[i].args[j]);
        }
        strncat(orden, "»", sizeof orden - strlen(orden) - 1);
        const char *citas[] = {casos[i].cita, NULL};
        ok = clima_rechazado(casos[i].args, citas, casos[i].con_servidor ? s : NULL,
                             casos[i].con_servidor ? carpeta : NULL, orden, NULL, 0);
    }
    const char *alto[] = {"-t", "600000", "-c", "1000", "-f", archivo, "Lima", NULL};
    const char *bajo[] = {"-t", "10", "-c", "1", "-f", archivo, "Lima", NULL};
    ok = ok && aceptado(alto, s, carpeta) && aceptado(bajo, s, carpeta);
    if (ok)
        cal_obtenido("todos los casos (%d) salen con el código 2 y lo explican, y los extremos "
                     "del rango valen",
                     CAL_CUANTOS(casos));
    CAL_FIN(ok);
}

/* Escribe n archivos de `textos` en carpeta/NOMBRE, con NOMBRE de `patron` y 1, 2…; sus rutas
 * en `rutas`. 0 o -1. */
static int escribir_serie(const char *carpeta, const char *patron, const char (*textos)[400], int n,
                          char (*rutas)[700])
{
    for (int i = 0; i < n; i++) {
        char nombre[32];
        snprintf(nombre, sizeof nombre, patron, i + 1);
        if (clima_escribir(carpeta, nombre, textos[i], rutas[i], sizeof rutas[i]) < 0)
            return -1;
    }
    return 0;
}

CAL_PRUEBA(proveedores_invalidos, 30)
static void proveedores_invalidos(void)
{
    cal_esperado("archivos de proveedores inválidos: un error de sintaxis, un proveedor que no "
                 "es un objeto, sin un campo o con un campo vacío o que no es un texto, o una "
                 "unidad que no es exactamente C, K o F. También una URL que no empieza por "
                 "http://, https:// ni / (cinco casi buenas, también «ftp://»), un nombre con "
                 "espacios o una lista vacía. Con cada uno, código 2, nada en stdout, "
                 "ninguna petición al servidor y un mensaje que diga la línea y la columna, el "
                 "campo que falta o que no vale, la unidad mala, la URL mala o el nombre malo");
    cal_servidor_t *s;
    char carpeta[512];
    if (clima_servidor(&s) < 0 || cal_carpeta("datos", carpeta, sizeof carpeta) < 0) {
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
             (int)cal_azar(0, 5), "\n\n\n\n\n");
    static const char *const campos[] = {"nombre", "url", "ruta", "unidad"};
    const char *falta = campos[(int)cal_azar(0, 3)];
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
    static const char *const otras[] = {"grados", "celsius", "kelvins", "ºC"};
    static const char *const casi[] = {"Kelvin", "K2", "Celsius", "Fahrenheit", "CC"};
    static const char *const minusculas[] = {"c", "k", "f"};
    /* Y dos buenas pegadas («CK»): quien busque la unidad dentro de "CKF" (strstr) la acepta. */
    static const char *const pegadas[] = {"CK", "KF", "CKF"};
    const char *unidad4 = pegadas[(int)cal_azar(0, CAL_CUANTOS(pegadas) - 1)];
    const char *unidad = otras[(int)cal_azar(0, CAL_CUANTOS(otras) - 1)];
    const char *unidad2 = casi[(int)cal_azar(0, CAL_CUANTOS(casi) - 1)];
    const char *unidad3 = minusculas[(int)cal_azar(0, CAL_CUANTOS(minusculas) - 1)];
    char mala_unidad[400], mala_unidad2[400], mala_unidad3[400], mala_unidad4[400];
    static const char plantilla_unidad[] =
        "{\"proveedores\": [\n"
        "  {\"nombre\": \"uno\", \"url\": \"/clima/openmeteo?ciudad={ciudad}\",\n"
        "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"%s\"}\n]}\n";
    snprintf(mala_unidad, sizeof mala_unidad, plantilla_unidad, unidad);
    snprintf(mala_unidad2, sizeof mala_unidad2, plantilla_unidad, unidad2);
    snprintf(mala_unidad3, sizeof mala_unidad3, plantilla_unidad, unidad3);
    snprintf(mala_unidad4, sizeof mala_unidad4, plantilla_unidad, unidad4);
    /* Las urls que empiezan casi como una buena (quien mire solo «http», o solo «://», la
     * acepta), todas en cada calificación: con una al azar, un fallo que solo delata una de
     * ellas sacaba 100 tres veces de cada cuatro (mutante url_con_cualquier_esquema); un nombre
     * con espacios y una lista vacía: las demás reglas del archivo. */
    static const char *const casi_url[] = {"http:/127.0.0.1/clima", "httpx://127.0.0.1/clima",
                                           "https:127.0.0.1/clima", "http//127.0.0.1/clima",
                                           "ftp://127.0.0.1/clima"};
    enum { CASI_URL = sizeof casi_url / sizeof casi_url[0] };
    static const char *const con_espacio[] = {"el tiempo", "open weather", "api 2"};
    const char *nombre_malo = con_espacio[(int)cal_azar(0, CAL_CUANTOS(con_espacio) - 1)];
    char mala_url2[CASI_URL][400], nombre_espacios[400];
    for (int i = 0; i < CASI_URL; i++)
        snprintf(mala_url2[i], sizeof mala_url2[i],
                 "{\"proveedores\": [\n  {\"nombre\": \"uno\", \"url\": \"%s?ciudad={ciudad}\",\n"
                 "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"C\"}\n]}\n",
                 casi_url[i]);
    /* Y un proveedor que no es un objeto, detrás de uno bueno: el archivo no vale (quien lo
     * salta sigue con el bueno; mutante proveedor_no_objeto_aceptado). */
    static const char no_objeto[] =
        "{\"proveedores\": [\n"
        "  {\"nombre\": \"uno\", \"url\": \"/clima/openmeteo?ciudad={ciudad}\",\n"
        "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"C\"},\n  \"dos\"\n]}\n";
    snprintf(nombre_espacios, sizeof nombre_espacios,
             "{\"proveedores\": [\n  {\"nombre\": \"%s\", \"url\": "
             "\"/clima/openmeteo?ciudad={ciudad}\",\n"
             "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"C\"}\n]}\n",
             nombre_malo);
    /* Cada uno de los cuatro campos, presente pero vacío («"nombre": ""»): un texto vacío no
     * vale (ni un nombre vacío en la salida, ni una ruta vacía), aunque el campo esté. Y uno
     * al azar con otro tipo (un número, null, una lista): tampoco es un texto. */
    static const char plantilla_campos[] =
        "{\"proveedores\": [\n"
        "  {\"nombre\": %s, \"url\": %s,\n   \"ruta\": %s, \"unidad\": %s}\n]}\n";
    static const char *const buenos[] = {"\"uno\"", "\"/clima/openmeteo?ciudad={ciudad}\"",
                                         "\"current_weather.temperature\"", "\"C\""};
    static const char *const no_texto[] = {"21", "null", "true", "[\"C\"]", "{}"};
    char vacio[4][400], otro_tipo[400];
    const char *valores[4];
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++)
            valores[j] = j == i ? "\"\"" : buenos[j];
        snprintf(vacio[i], sizeof vacio[i], plantilla_campos, valores[0], valores[1], valores[2],
                 valores[3]);
    }
    int tipo_campo = (int)cal_azar(0, 3);
    const char *tipo_valor = no_texto[(int)cal_azar(0, CAL_CUANTOS(no_texto) - 1)];
    for (int j = 0; j < 4; j++)
        valores[j] = j == tipo_campo ? tipo_valor : buenos[j];
    snprintf(otro_tipo, sizeof otro_tipo, plantilla_campos, valores[0], valores[1], valores[2],
             valores[3]);
    static const char vacia[] = "{\"proveedores\": []}\n";
    const char *url = "{\"proveedores\": [\n"
                      "  {\"nombre\": \"uno\", \"url\": \"/clima/openmeteo?ciudad={ciudad}\",\n"
                      "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"C\"},\n"
                      "  {\"nombre\": \"dos\", \"url\": \"clima/weatherapi?ciudad={ciudad}\",\n"
                      "   \"ruta\": \"current.temp_c\", \"unidad\": \"C\"}\n]}\n";
    char a[700], b[700], c[700], d[700], f[700], g[700], h[CASI_URL][700], k[700], m[700], ot[700],
        u4[700], no[700];
    char vacios[4][700];
    /* Los vacíos, con un nombre que no dice el campo (y el mensaje se juzga sin la ruta del
     * archivo): «vacio_url.json» citaba «url» por el programa. Mutante: vacio_sin_nombrar. */
    if (escribir_serie(carpeta, "url%d.json", mala_url2, CASI_URL, h) < 0 ||
        escribir_serie(carpeta, "vacio%d.json", vacio, 4, vacios) < 0) {
        free(sin_campo);
        cal_obtenido("no se pudieron escribir los archivos (error del calificador)");
        CAL_FIN(0);
    }
    if (sin_campo == NULL || clima_escribir(carpeta, "sintaxis.json", sintaxis, a, sizeof a) < 0 ||
        clima_escribir(carpeta, "sin_campo.json", sin_campo, b, sizeof b) < 0 ||
        clima_escribir(carpeta, "unidad.json", mala_unidad, c, sizeof c) < 0 ||
        clima_escribir(carpeta, "unidad2.json", mala_unidad2, f, sizeof f) < 0 ||
        clima_escribir(carpeta, "url.json", url, d, sizeof d) < 0 ||
        clima_escribir(carpeta, "unidad3.json", mala_unidad3, g, sizeof g) < 0 ||
        clima_escribir(carpeta, "unidad4.json", mala_unidad4, u4, sizeof u4) < 0 ||
        clima_escribir(carpeta, "no_objeto.json", no_objeto, no, sizeof no) < 0 ||
        clima_escribir(carpeta, "nombre.json", nombre_espacios, k, sizeof k) < 0 ||
        clima_escribir(carpeta, "vacia.json", vacia, m, sizeof m) < 0 ||
        clima_escribir(carpeta, "otro_tipo.json", otro_tipo, ot, sizeof ot) < 0) {
        free(sin_campo);
        cal_obtenido("no se pudieron escribir los archivos (error del calificador)");
        CAL_FIN(0);
    }
    free(sin_campo);
    json_error_t je;
    /* Dónde ve jansson el error: del texto, no releyendo el archivo (la carpeta es de la
     * entrega). */
    json_decref(json_loads(sintaxis, 0, &je));
    char donde[64], col[64], cita_unidad[64], cita_unidad2[64], que_falta[96], que_unidad[96],
        que_unidad2[96], que_unidad3[96], que_unidad4[128], que_url2[CASI_URL][128], que_nombre[96];
    snprintf(donde, sizeof donde, "línea %d", je.line);
    snprintf(col, sizeof col, "columna %d", je.column);
    snprintf(cita_unidad, sizeof cita_unidad, "%s", unidad);
    snprintf(cita_unidad2, sizeof cita_unidad2, "%s", unidad2);
    snprintf(que_falta, sizeof que_falta, "con un proveedor sin «%s»", falta);
    snprintf(que_unidad, sizeof que_unidad, "con la unidad «%s»", unidad);
    snprintf(que_unidad2, sizeof que_unidad2,
             "con la unidad «%s» (solo valen C, K o F, una sola letra)", unidad2);
    snprintf(que_unidad3, sizeof que_unidad3,
             "con la unidad «%s» (en minúscula no vale: C, K o F, en mayúscula)", unidad3);
    snprintf(que_unidad4, sizeof que_unidad4,
             "con la unidad «%s» (una sola letra: C, K o F, no varias pegadas)", unidad4);
    for (int i = 0; i < CASI_URL; i++)
        snprintf(que_url2[i], sizeof que_url2[i],
                 "con la URL «%s?…» (no empieza por http://, https:// ni /)", casi_url[i]);
    snprintf(que_nombre, sizeof que_nombre, "con el nombre «%s» (un nombre no lleva espacios)",
             nombre_malo);
    char que_vacio[4][96], que_tipo[128];
    for (int i = 0; i < 4; i++)
        snprintf(que_vacio[i], sizeof que_vacio[i],
                 "con «\"%s\": \"\"» (vacío no vale: cada campo es un texto no vacío)", campos[i]);
    snprintf(que_tipo, sizeof que_tipo, "con «\"%s\": %s» (no es un texto)", campos[tipo_campo],
             tipo_valor);
    const struct {
        const char *archivo;
        const char *citas[3];
        const char *que;
    } casos[] = {
        {a, {donde, col, NULL}, "con un error de sintaxis"},
        {b, {falta, NULL}, que_falta},
        {c, {cita_unidad, NULL}, que_unidad},
        {f, {cita_unidad2, NULL}, que_unidad2},
        {d, {"clima/weatherapi", NULL}, "con la URL «clima/weatherapi?…» (sin / delante)"},
        {g, {unidad3, NULL}, que_unidad3},
        {u4, {unidad4, NULL}, que_unidad4},
        {h[0], {casi_url[0], NULL}, que_url2[0]},
        {h[1], {casi_url[1], NULL}, que_url2[1]},
        {h[2], {casi_url[2], NULL}, que_url2[2]},
        {h[3], {casi_url[3], NULL}, que_url2[3]},
        {h[4], {casi_url[4], NULL}, que_url2[4]},
        {no, {NULL}, "con un proveedor que no es un objeto («\"dos\"», detrás de uno bueno)"},
        {k, {nombre_malo, NULL}, que_nombre},
        {m, {NULL}, "con «\"proveedores\": []» (una lista vacía)"},
        {vacios[0], {campos[0], NULL}, que_vacio[0]},
        {vacios[1], {campos[1], NULL}, que_vacio[1]},
        {vacios[2], {campos[2], NULL}, que_vacio[2]},
        {vacios[3], {campos[3], NULL}, que_vacio[3]},
        {ot, {campos[tipo_campo], NULL}, que_tipo}};
    /* Los mensajes de los cuatro de un campo vacío se guardan para compararlos. */
    char dijo[4][8192];
    int ok = 1;
    for (int i = 0; i < CAL_CUANTOS(casos) && ok; i++) {
        const char *args[] = {"-f", casos[i].archivo, "Lima", NULL};
        int v = 0;
        while (v < 4 && casos[i].archivo != vacios[v])
            v++;
        ok = clima_rechazado(args, casos[i].citas, s, carpeta, casos[i].que, v < 4 ? dijo[v] : NULL,
                             v < 4 ? sizeof dijo[v] : 0);
    }
    /* Un mensaje que nombra los cuatro campos («nombre, url, ruta y unidad tienen que ser
     * textos no vacíos») los cita todos, pero no dice cuál está vacío: con dos campos
     * distintos, el mismo mensaje. Mutante: mensaje_generico. */
    for (int i = 0; i < 4 && ok; i++)
        for (int j = i + 1; j < 4 && ok; j++)
            if (strcmp(dijo[i], dijo[j]) == 0) {
                ok = 0;
                cal_obtenido("con «\"%s\": \"\"» y con «\"%s\": \"\"» el mensaje es el mismo "
                             "(«%.*s»): tiene que decir cuál de los campos está vacío",
                             campos[i], campos[j], (int)strcspn(dijo[i], "\n"), dijo[i]);
            }
    const cal_peticion_t *v;
    int n = cal_registro(s, &v);
    if (ok && n > 0) {
        ok = 0;
        cal_obtenido("el servidor recibió %d %s: el archivo se valida entero antes de pedir "
                     "nada (primera: %s)",
                     n, texto_plural(n, "petición", "peticiones"), v[0].ruta);
    }
    if (ok)
        cal_obtenido("todos los archivos (%d) se rechazan con el código 2 y un mensaje que "
                     "explica qué está mal",
                     CAL_CUANTOS(casos));
    CAL_FIN(ok);
}
