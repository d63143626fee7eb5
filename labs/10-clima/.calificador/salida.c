/* salida.c — verificaciones del laboratorio 10 de lo que se escribe: las líneas y el
 * promedio con los números del servidor, cada ciudad en cuanto está completa y en el orden
 * de los argumentos, las unidades, las ciudades con acentos y el documento --json. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <stdio.h>
#include <string.h>

CAL_PRUEBA(salida_basica, 30)
static void salida_basica(void)
{
    /* Cuatro ciudades. La primera tarda a (en un proveedor) y otra, la k-ésima (la tercera o
     * la cuarta, al azar), tarda L mucho más (en otro); las demás, al momento. Las que van
     * antes de k tienen que salir en cuanto están completas, antes de que acabe la lenta; las
     * de después, que acaban antes, esperan su turno. Entre la primera y la lenta hay al
     * menos una ciudad que acaba al momento: espera a la primera y, cuando la primera sale,
     * sale ella también (no en su propia callback, que ya pasó, ni al final de todo). */
    static const char *const ciudades[] = {"Lima", "Oslo", "Roma", "Quito"};
    int k = (int)cal_azar(2, 3), a_ms = (int)cal_azar(300, 600), l_ms = (int)cal_azar(1500, 2000);
    char mas_a[96], mas_l[96];
    clima_con_retraso(mas_a, sizeof mas_a, a_ms, ciudades[0]);
    clima_con_retraso(mas_l, sizeof mas_l, l_ms, ciudades[k]);
    const prov_t provs[] = {
        {"openweather", "openweather", mas_a, "main.temp", "C", BIEN},
        {"weatherapi", "weatherapi", mas_l, "current.temp_c", "C", BIEN},
        {"openmeteo", "openmeteo", NULL, "current_weather.temperature", "C", BIEN}};
    esc_t e = {.ciudades = ciudades,
               .nciudades = 4,
               .provs = provs,
               .nprovs = 3,
               .sin_f = 1,
               .forma_estricta = 1};
    cal_esperado(
        "sin -f, con el proveedores.json que está junto al programa (no el de la carpeta "
        "actual), cuatro ciudades y tres proveedores en °C: por ciudad y en el orden de los "
        "argumentos, «<ciudad> <proveedor> <t.t> °C» con la temperatura que sirvió el "
        "servidor (±0.06) y «<ciudad> PROMEDIO <t.t> °C (3 de 3 proveedores)». Y "
        "cada ciudad sale en cuanto ella y las anteriores están completas: «%s» tarda "
        "%.1f s y las de antes salen sin esperarla",
        ciudades[k], l_ms / 1000.0);
    if (clima_preparar(&e) < 0 || clima_lanzar(&e, NULL, 0, 15) < 0)
        CAL_FIN(0);
    /* Cuándo se ve completa la ciudad anterior a la lenta (sus 3 líneas y el promedio). */
    int vista = cal_esperar_lineas(e.p, ciudades[k - 1], NULL, 4, l_ms + 5000);
    uint64_t visto_ms = cal_ahora_ms();
    if (!clima_fin_con(&e, 10000, CODIGO_LIBRE))
        CAL_FIN(0);
    if (!clima_salida_correcta(&e)) {
        cal_nota_salida(e.p, 16);
        CAL_FIN(0);
    }
    if (!clima_registro_completo(&e))
        CAL_FIN(0);
    const cal_peticion_t *v;
    int n = clima_registro_programa(&e, &v);
    uint64_t fin_lenta = 0;
    for (int i = 0; i < n; i++)
        if (clima_es_de(&e, &v[i], k, 1))
            fin_lenta = v[i].fin_ms;
    /* Margen: la lenta acaba ~1 s después de que la anterior está completa; 250 ms cubren
     * que el calificador mira la salida cada pocos ms en una máquina cargada. */
    if (!vista || visto_ms + 250 > fin_lenta) {
        cal_obtenido("«%s» (completa a los %.1f s, cuando salió «%s») no salió hasta que "
                     "terminó «%s» (a los %.1f s): cada ciudad sale en cuanto ella y las "
                     "anteriores están completas, no todas al final (mira también las que "
                     "esperaban a la anterior)",
                     ciudades[k - 1], a_ms / 1000.0, ciudades[0], ciudades[k],
                     (double)(fin_lenta - cal_lanzado_ms(e.p)) / 1000.0);
        CAL_FIN(0);
    }
    cal_obtenido("las 16 líneas cuadran con el servidor, en el orden de los argumentos, y "
                 "cada ciudad salió en cuanto pudo");
    CAL_FIN(1);
}

CAL_PRUEBA(unidades, 30)
static void unidades(void)
{
    static const char *const ciudades[] = {"Quito", "Roma"};
    static const prov_t provs[] = {
        {"ow", "openweather", "&unidades=kelvin", "main.temp", "K", BIEN},
        {"gov", "weathergov", NULL, "properties.periods.0.temperature", "F", BIEN},
        {"gov2", "weathergov", NULL, "properties.periods.0.temperature", "F", BIEN},
        {"wa", "weatherapi", NULL, "current.temp_c", "C", BIEN}};
    /* En °F el servidor da un decimal, así que en °C salen valores con muchos: la sal se
     * elige para que promediar los valores ya redondeados dé otra décima. */
    esc_t e = {
        .ciudades = ciudades, .nciudades = 2, .provs = provs, .nprovs = 4, .sin_redondear = 1};
    cal_esperado("un proveedor en kelvin (main.temp), dos en Fahrenheit dentro de una lista "
                 "(properties.periods.0.temperature) y otro en °C: todo convertido a °C con "
                 "un decimal (±0.06) y el promedio de los cuatro, hecho con los valores sin "
                 "redondear y redondeado al escribirlo (±0.05)");
    int ok = clima_escenario(&e, NULL, CODIGO_LIBRE, 8000);
    if (ok)
        cal_obtenido("las conversiones, las rutas con índice y el promedio cuadran");
    CAL_FIN(ok);
}

/* Como clima_escenario, pero el registro del servidor antes que la salida: si una ciudad llegó
 * mal (cortada, sin codificar), lo que lo explica es la URL que recibió el servidor, no la
 * temperatura de otra ciudad que el programa escribió después (el estudiante de prueba de la
 * sesión 59, bugs 37 y 47: «se esperaba 8.0 °C y llegó 20.0», sin más). */
static int escenario_codificado(esc_t *e)
{
    if (clima_preparar(e) < 0 || clima_lanzar(e, NULL, 0, 13) < 0)
        return 0;
    if (!clima_fin_con(e, 8000, CODIGO_LIBRE) || !clima_registro_completo(e))
        return 0;
    if (!clima_salida_correcta(e)) {
        cal_nota_salida(e->p, 14);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(acentos, 30)
static void acentos(void)
{
    /* Y una cuarta con un signo que en una consulta significa otra cosa («&» corta el
     * parámetro) o que no es A-Z a-z 0-9 - . _ ~ («'», «(», «,»): también va como %XX. Y
     * una quinta con todos los signos ASCII que no son A-Z a-z 0-9 - . _ ~ (la clase entera,
     * no uno al azar: quien deje en crudo los de encodeURIComponent, «! ' ( ) *», o la «/» de
     * quote() de Python, no pasa por suerte). La tercera lleva los cuatro que se quedan tal
     * cual, - . _ ~: quien los codifique también (%2D…) no hace lo que pide el enunciado. La
     * url de «b» lleva dos {ciudad}: se sustituyen los dos.
     *
     * Y aparte, una ciudad larga con un solo proveedor: el principio del nombre entero de
     * Bangkok, 122 bytes y 366 caracteres codificada. Quien codifica en un búfer fijo de 128 o
     * 256 la corta sin avisar y pregunta por otra ciudad (el estudiante de prueba de la sesión
     * 59, bug 47, con 100). No más larga: el registro del servidor guarda rutas de hasta 511
     * caracteres (cal_peticion_t). Mutante: codificada_en_128. */
    static const char *const signos[] = {"Trinidad & Tobago", "L'Hospitalet",
                                         "Saint-Louis (Senegal)", "Washington, D.C."};
    const char *const ciudades[] = {"San José", "Bogotá", "St._Pierre-et-Miquelon ~ Nueva York",
                                    signos[(int)cal_azar(0, CAL_CUANTOS(signos) - 1)],
                                    CIUDAD_SIGNOS};
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"b", "weatherapi", "&eco={ciudad}", "current.temp_c", "C", BIEN}};
    esc_t e = {.ciudades = ciudades, .nciudades = 5, .provs = provs, .nprovs = 2};
    cal_esperado("«San José», «Bogotá», «%s», «%s» y «%s» (todos los signos ASCII): el "
                 "servidor recibe cada nombre bien codificado (%%20, %%C3%%A9, %%26, %%2F, "
                 "%%21…, y - . _ ~ tal cual), en cada {ciudad} de la URL, y la salida los "
                 "escribe tal cual, con sus temperaturas. Y aparte, una larga: «%s» (366 "
                 "caracteres codificada), entera",
                 ciudades[2], ciudades[3], ciudades[4], CIUDAD_LARGA);
    static const char *const larga[] = {CIUDAD_LARGA};
    esc_t f = {.ciudades = larga, .nciudades = 1, .provs = provs, .nprovs = 1};
    int ok = escenario_codificado(&e) && escenario_codificado(&f);
    if (ok)
        cal_obtenido("los nombres llegan enteros al servidor y salen bien, también el largo");
    CAL_FIN(ok);
}

CAL_PRUEBA(salida_json, 30)
static void salida_json(void)
{
    /* En las ciudades con promedio, ningún proveedor falla: una media que cuenta un error (un
     * texto leído como número, un error como 0) la cobran tipos_estrictos o errores_http, no
     * esta otra vez (mutantes acepta_cadenas y promedia_ceros). La forma {"nombre", "error"}
     * la juzga la ciudad con todos caídos. Lo que se deja de ver: una media que solo el código
     * de --json calcula mal con errores, o un proveedor con «error» y «temperatura» a la vez
     * en una ciudad con promedio. Dos proveedores, no tres: con uno en °F (su °C tiene más
     * decimales) y otro con un decimal, la sal separa a menudo la media de los redondeados de
     * la de verdad; con tres, el error de redondeo se reparte y casi nunca (mutante
     * json_promedio_redondeados, que con tres sacaba 100). */
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"c", "weathergov", NULL, "properties.periods.0.temperature", "F", BIEN}};
    static const prov_t caidos[] = {
        {"x", "openmeteo", "&estado=500", "current_weather.temperature", "C", ERROR},
        {"y", "weatherapi", "&estado=502", "current.temp_c", "C", ERROR}};
    /* Una ciudad con comillas y barra invertida: un documento escrito a mano con printf, sin
     * escapar, deja de ser JSON. */
    static const char *const ciudades[] = {"Lima", "Villa \"Gesell\" \\ Norte"};
    cal_esperado("con --json, un documento válido {\"ciudades\": [{\"ciudad\", \"promedio\", "
                 "\"proveedores\": [{\"nombre\", \"temperatura\"} o {\"nombre\", \"error\"}]}]} "
                 "con los números del servidor redondeados a un decimal, también para la ciudad "
                 "«Villa \"Gesell\" \\ Norte» (comillas y barra invertida escapadas); con todos "
                 "caídos, \"promedio\": null");
    /* La sal, elegida para que la media de los valores ya redondeados dé otra décima. */
    esc_t e = {
        .ciudades = ciudades, .nciudades = 2, .provs = provs, .nprovs = 2, .sin_redondear = 1};
    static const char *const una[] = {"Lima"};
    esc_t f = {.ciudades = una, .nciudades = 1, .provs = caidos, .nprovs = 2};
    const char *op[] = {"--json", NULL};
    /* Los dos a la vez: cada uno con su servidor. */
    if (clima_preparar(&e) < 0 || clima_preparar(&f) < 0 || clima_lanzar(&e, op, 0, 12) < 0 ||
        clima_lanzar(&f, op, 0, 12) < 0)
        CAL_FIN(0);
    int ok = clima_fin_con(&e, 8000, CODIGO_LIBRE) && clima_json_correcto(&e) &&
             clima_registro_completo(&e);
    if (!ok) {
        cal_nota_salida(e.p, 14);
        CAL_FIN(0);
    }
    ok = clima_fin_con(&f, 8000, CODIGO_LIBRE) && clima_json_correcto(&f);
    if (!ok)
        cal_nota_salida(f.p, 14);
    else
        cal_obtenido("los dos documentos cuadran campo a campo");
    CAL_FIN(ok);
}
