/* errores.c — verificaciones del laboratorio 10 de los errores de cada proveedor: estado
 * HTTP y conexión rechazada, JSON inválido, tipos que no son números, valores fuera de
 * rango y ninguna respuesta buena. En todas, el promedio es el de los que respondieron bien. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

CAL_PRUEBA(errores_http, 30)
static void errores_http(void)
{
    /* Un 400 siempre (el borde: «>= 400», no «> 400» ni solo los 5xx) y otro estado al
     * azar, 4xx o 5xx; cuál va primero, también al azar. */
    static const int estados[] = {500, 502, 503, 504, 404, 429};
    char caido[32];
    snprintf(caido, sizeof caido, "&estado=%d",
             estados[(int)cal_azar(0, CAL_CUANTOS(estados) - 1)]);
    prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"caido", "weatherapi", caido, "current.temp_c", "C", E_ESTADO},
        {"apagado", NULL, NULL, "current_weather.temperature", "C", E_RECHAZADA},
        /* Y uno cuya url curl no acepta (el puerto 99999): http_pedir falla al momento y no
         * llama a su callback. Quien no mira lo que devuelve se queda esperando esa respuesta
         * y no acaba nunca (mutante ignora_error_de_pedir). */
        {"imposible", NULL, PUERTO_IMPOSIBLE, "current_weather.temperature", "C", ERROR},
        {"d", "openweather", NULL, "main.temp", "C", BIEN},
        {"malo", "openmeteo", "&estado=400", "current_weather.temperature", "C", E_ESTADO},
        /* Otro éxito: un 203 trae la temperatura; solo ≥ 400 es un error (quien exige 200
         * exacto lo descarta: el estudiante de prueba de la sesión 28, error 52). */
        {"otro", "openweather", "&estado=203", "main.temp", "C", BIEN}};
    if ((int)cal_azar(0, 1)) {
        prov_t t = provs[1];
        provs[1] = provs[4];
        provs[4] = t;
    }
    esc_t e = {.ciudades = clima_dos_ciudades,
               .nciudades = 2,
               .provs = provs,
               .nprovs = CAL_CUANTOS(provs),
               .promedio_entero = 1};
    cal_esperado("un proveedor responde con el estado %s, otro con 400 (cada motivo cita su "
                 "estado), otro está en un puerto donde nadie escucha (el motivo dice "
                 "«rechazada») y otro tiene una url con el puerto 99999, que http_pedir rechaza "
                 "al momento (cualquier motivo): sus líneas son ERROR. "
                 "Otro responde 203 con su temperatura, que cuenta (solo ≥ 400 es un error), y "
                 "el promedio es el de los tres buenos (3 de 7); código 0",
                 caido + 8);
    int ok = clima_escenario(&e, NULL, 0, 8000);
    if (ok)
        cal_obtenido("los errores se aíslan y el promedio cuadra");
    CAL_FIN(ok);
}

CAL_PRUEBA(json_invalido, 30)
static void json_invalido(void)
{
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"roto", "weatherapi", "&fallo=json", "current.temp_c", "C", E_JSON},
        {"c", "openweather", NULL, "main.temp", "C", BIEN}};
    esc_t e = {.ciudades = clima_dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 3};
    cal_esperado("un proveedor responde JSON inválido (el sitio del error cambia en cada "
                 "calificación): ERROR con un motivo que diga «línea L» y «columna C» (donde "
                 "está el error, según jansson) y el promedio de los otros dos");
    int ok = clima_escenario(&e, NULL, CODIGO_LIBRE, 8000);
    if (ok)
        cal_obtenido("el JSON inválido se rechaza diciendo dónde y el promedio cuadra");
    CAL_FIN(ok);
}

CAL_PRUEBA(tipos_estrictos, 30)
static void tipos_estrictos(void)
{
    /* Un entero de JSON (sin punto, al azar) también es un número. */
    char entero[32];
    snprintf(entero, sizeof entero, "&valor=%d", (int)cal_azar(-20, 35));
    /* Y una ruta con un trozo que no es un número donde hay una lista: no existe (quien lo
     * convierta con atoi, sin mirar que sean cifras, lee el elemento 0). */
    static const char *const no_indices[] = {"primero", "x", "0x", "uno"};
    char ruta_mala[96];
    snprintf(ruta_mala, sizeof ruta_mala, "properties.periods.%s.temperature",
             no_indices[(int)cal_azar(0, CAL_CUANTOS(no_indices) - 1)]);
    /* Ni uno con signo: «+0» o «-0» no son solo cifras (quien lo lee con strtoul sin mirar el
     * primer carácter lee el elemento 0). Mutante: indice_con_signo. */
    char ruta_signo[96];
    snprintf(ruta_signo, sizeof ruta_signo, "properties.periods.%s.temperature",
             (int)cal_azar(0, 1) ? "+0" : "-0");
    /* Ni un trozo más allá de un número: «current.temp_c.valor» no existe (quien para en la
     * primera hoja y la devuelve lee el número de «current.temp_c»: el estudiante de prueba de
     * la sesión 45, 100/100 antes). Mutante: hoja_acaba_la_ruta. */
    static const char *const tras_hoja[] = {"valor", "x", "0", "c"};
    char ruta_hoja[96];
    snprintf(ruta_hoja, sizeof ruta_hoja, "current.temp_c.%s",
             tras_hoja[(int)cal_azar(0, CAL_CUANTOS(tras_hoja) - 1)]);
    const prov_t provs[] = {
        {"texto", "openweather", "&fallo=texto", "main.temp", "C", ERROR},
        {"nulo", "weatherapi", "&fallo=nulo", "current.temp_c", "C", ERROR},
        {"falta", "weathergov", "&fallo=falta", "properties.periods.0.temperature", "F", ERROR},
        {"d", "openmeteo", entero, "current_weather.temperature", "C", BIEN},
        {"e", "weatherapi", NULL, "current.temp_c", "C", BIEN},
        {"indice", "weathergov", NULL, ruta_mala, "F", ERROR},
        {"signo", "weathergov", NULL, ruta_signo, "F", ERROR},
        {"hoja", "weatherapi", NULL, ruta_hoja, "C", ERROR},
        /* Un trozo de ruta largo que no existe: quien lo copia a un búfer fijo pequeño sin
         * mirar su largo escribe fuera de él (el estudiante de prueba de la sesión 28, con
         * 16 bytes: los trozos de las demás rutas tienen 15 como mucho). */
        {"larga", "openweather", NULL, "main.temperatura_de_sensacion_a_dos_metros", "C", ERROR},
        /* Rutas que acaban en un objeto o en una lista: tampoco son un número (quien solo
         * rechaza el texto y el null lee 0 de json_number_value y lo promedia). Mutante:
         * numero_por_omision. */
        {"objeto", "openweather", NULL, "main", "C", ERROR},
        {"lista", "weathergov", NULL, "properties.periods", "F", ERROR}};
    esc_t e = {.ciudades = clima_dos_ciudades,
               .nciudades = 2,
               .provs = provs,
               .nprovs = CAL_CUANTOS(provs)};
    cal_esperado("tres proveedores dan la temperatura como texto (\"21.5\"), como null y sin "
                 "el campo, otro tiene la ruta «%s» (en una lista, un trozo que no es un "
                 "número no existe), otro «%s» (con signo tampoco es un número), otro «%s» (el "
                 "número está en «current.temp_c»: un trozo más allá de él no existe). Otro tiene "
                 "una con un trozo de 37 letras que no existe. Otros dos, rutas que acaban en un "
                 "objeto («main») y en una lista («properties.periods»). Los nueve son ERROR: ni "
                 "se adivina ni se cuenta como 0. Otro la da como un entero de JSON (%s), que es "
                 "un número, y otro como un real: el promedio es el de esos dos (2 de 11)",
                 ruta_mala, ruta_signo, ruta_hoja, entero + 7);
    int ok = clima_escenario(&e, NULL, CODIGO_LIBRE, 8000);
    if (ok)
        cal_obtenido("texto, null, objeto, lista y ruta que no existe son errores, el entero "
                     "es un número y el promedio cuadra");
    CAL_FIN(ok);
}

CAL_PRUEBA(valor_imposible, 30)
static void valor_imposible(void)
{
    /* Por debajo: −999 °F. Por encima: un proveedor que sirve kelvin con la unidad «C» del
     * archivo (263–308 «°C»). El orden de los dos cambia en cada calificación. Y los dos
     * extremos, que valen: 60.0 y -90.0 °C exactos (cuál en cada proveedor, al azar). Y uno
     * en kelvin de verdad (unidad K) con 40 K: en su unidad cae dentro de −90…60, en °C es
     * −233.15. Quien mira el intervalo antes de convertir lo daba por bueno (el estudiante de
     * la ronda del 05-12-2026: los otros dos se salen también sin convertir). */
    int alto = (int)cal_azar(0, 1);
    char va[32], vc[32];
    snprintf(va, sizeof va, "&valor=%s", alto ? "60.0" : "-90.0");
    snprintf(vc, sizeof vc, "&valor=%s", alto ? "-90.0" : "60.0");
    int d = (int)cal_azar(1, 9);
    char va_fuera[32], vc_fuera[32];
    snprintf(va_fuera, sizeof va_fuera, "&valor=60.%d", d);
    snprintf(vc_fuera, sizeof vc_fuera, "&valor=-90.%d", d);
    prov_t provs[] = {
        {"a", "openmeteo", va, "current_weather.temperature", "C", BIEN},
        {"frio", "weathergov", "&fallo=imposible", "properties.periods.0.temperature", "F",
         E_IMPOSIBLE},
        {"c", "weatherapi", vc, "current.temp_c", "C", BIEN},
        {"caliente", "openweather", "&unidades=kelvin", "main.temp", "C", E_IMPOSIBLE},
        {"helado", "openweather", "&unidades=kelvin&valor=40.0", "main.temp", "K", E_IMPOSIBLE},
        /* Y justo más allá de cada extremo: 60.d y −90.d (d de 1 a 9), que ya no valen. Quien
         * deja un margen (−100…100) acepta los dos. Mutante: rango_holgado. */
        {"justo", "weatherapi", va_fuera, "current.temp_c", "C", E_IMPOSIBLE},
        {"justa", "openmeteo", vc_fuera, "current_weather.temperature", "C", E_IMPOSIBLE}};
    if ((int)cal_azar(0, 1)) {
        prov_t t = provs[1];
        provs[1] = provs[3];
        provs[3] = t;
    }
    esc_t e = {.ciudades = clima_dos_ciudades,
               .nciudades = 2,
               .provs = provs,
               .nprovs = CAL_CUANTOS(provs)};
    cal_esperado("un proveedor da −999 °F (−572.8 °C), otro da kelvin con la unidad C (más de "
                 "260 «°C») y otro 40 K (−233.15 °C: el intervalo es en °C, ya convertido). Otros "
                 "dos dan 60.%d y −90.%d °C, justo fuera. Los cinco caen fuera de −90…60 °C, así "
                 "que son ERROR con «valor imposible»; los otros dos dan justo los extremos (60.0 "
                 "y −90.0 °C), que valen, y el promedio es el suyo (2 de 7)",
                 d, d);
    int ok = clima_escenario(&e, NULL, CODIGO_LIBRE, 8000);
    if (ok)
        cal_obtenido("los valores imposibles, por abajo y por arriba, se rechazan, los extremos "
                     "valen y el promedio cuadra");
    CAL_FIN(ok);
}

/* Con --json y la ciudad c sin datos: el código 1 y su «promedio» null. Lee el documento desde
 * la primera «{» y no mira lo que haya detrás ni lo demás del documento (eso lo juzga
 * salida_json: un fallo de forma no cuesta otra vez). Sin documento, no se juzga (un programa
 * del hito C aún no tiene --json, y sin_datos es de ese hito): lo dice en una nota. 1 si está
 * bien o no se juzga, 0 si no (anotado). */
static int json_sin_datos(const esc_t *e, int c)
{
    char fin[128];
    int termino = cal_esperar_fin(e->p, 8000);
    json_error_t je;
    const char *llave = strchr(cal_salida(e->p), '{');
    json_t *doc = llave != NULL ? json_loads(llave, JSON_DISABLE_EOF_CHECK, &je) : NULL;
    if (!json_is_object(doc)) {
        json_decref(doc);
        cal_nota("(con --json no salió ningún documento JSON, así que el código de salida con "
                 "--json no se mira aquí; el documento lo juzga salida_json)");
        return 1;
    }
    json_t *ciudad = json_array_get(json_object_get(doc, "ciudades"), (size_t)c);
    int nulo = json_is_null(json_object_get(ciudad, "promedio"));
    json_decref(doc);
    if (!termino || cal_codigo(e->p) != 1) {
        cal_obtenido("con --json y «%s» sin datos, %s: el código de salida es el mismo que sin "
                     "--json (1: alguna ciudad se quedó sin datos)",
                     e->ciudades[c], cal_describir_fin(e->p, fin, sizeof fin));
        cal_nota_salida(e->p, 14);
        return 0;
    }
    if (!nulo) {
        cal_obtenido("con --json, ciudades[%d].promedio tiene que ser null: «%s» no tiene ningún "
                     "valor",
                     c, e->ciudades[c]);
        cal_nota_salida(e->p, 14);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(sin_datos, 30)
static void sin_datos(void)
{
    /* Tres ciudades: en la del medio fallan todos los proveedores y en las otras dos solo el
     * del puerto cerrado. Basta una ciudad SIN DATOS para el código 1, y en medio la ve solo quien
     * las mira todas: un código que sale de la última ciudad (o de la primera) da 0. Con dos y la
     * vacía al azar, ese fallo pasaba una vez de cada dos.
     *
     * Los motivos, aquí, solo tienen que estar (ERROR): cada uno lo juzga su verificación
     * (errores_http el estado y «rechazada», json_invalido la línea y la columna). Antes un
     * motivo equivocado costaba también esta (el estudiante de prueba de la sesión 59, bugs 07,
     * 09 y 44: el texto de curl en inglés, −17). Y lo mismo con --json, a la vez: «promedio»:
     * null y el mismo código 1 (requisito 9); quien solo lo cuenta al escribir las líneas de
     * texto sale con 0 (el mismo estudiante, bug 46, con 100). Mutante: json_codigo_0. */
    static const char *const ciudades[3] = {"Lima", "Quito", "Oslo"};
    const char *vacia = ciudades[1];
    char mas_a[64], mas_b[64];
    snprintf(mas_a, sizeof mas_a, "&estado=500&solo=%s", vacia);
    snprintf(mas_b, sizeof mas_b, "&fallo=json&solo=%s", vacia);
    const prov_t provs[] = {{"a", "openmeteo", mas_a, "current_weather.temperature", "C", ERROR},
                            {"b", "weatherapi", mas_b, "current.temp_c", "C", ERROR},
                            {"c", NULL, NULL, "main.temp", "C", ERROR}};
    esc_t e = {.ciudades = ciudades, .nciudades = 3, .provs = provs, .nprovs = 3};
    esc_t j = e;
    cal_esperado("tres ciudades; en «%s», la del medio, fallan todos los proveedores (un 500, "
                 "un JSON inválido, un puerto cerrado): tres ERROR con su motivo y «%s SIN DATOS»; "
                 "las otras dos tienen su PROMEDIO (2 de 3); código 1, porque una ciudad se "
                 "quedó sin datos. Y lo mismo con --json: «promedio»: null en «%s» y también "
                 "código 1 (si --json da un documento)",
                 vacia, vacia, vacia);
    const char *op_json[] = {"--json", NULL};
    /* Los dos a la vez, cada uno con su servidor. */
    if (clima_preparar(&j) < 0 || clima_lanzar(&j, op_json, 0, 13) < 0)
        CAL_FIN(0);
    if (!clima_escenario(&e, NULL, 1, 8000))
        CAL_FIN(0);
    if (!json_sin_datos(&j, 1))
        CAL_FIN(0);
    cal_obtenido("SIN DATOS en «%s», el promedio en las otras dos y código 1, también con --json",
                 vacia);
    CAL_FIN(1);
}
