/* test_servidor_clima.c — caja negra de /clima/{proveedor}: el cuarto proveedor (°F dentro
 * de un array), kelvin, la sal, los nombres con espacios y acentos y cada fallo a la carta
 * (estado, JSON roto, tipo equivocado, campo que falta, valor imposible, retraso). */
#define _GNU_SOURCE
#include "apoyo_red.h"
#include "curso/secuencia.h"

#include <jansson.h>
#include <math.h>

RED_SUITE(clima);

/* Cuerpo de GET `ruta` al servidor del `puerto`, con el estado esperado (memoria nueva:
 * free). */
static char *get_cuerpo_en(int puerto, const char *ruta, int estado_esperado)
{
    red_resp_t r;
    cr_assert_eq(red_get(puerto, ruta, &r), 0, "%s: respuesta incompleta", ruta);
    cr_assert_eq(r.estado, estado_esperado, "%s: estado %d, se esperaba %d (%s)", ruta, r.estado,
                 estado_esperado, r.cuerpo);
    char *c = strdup(r.cuerpo);
    red_resp_liberar(&r);
    cr_assert_not_null(c);
    return c;
}

/* Cuerpo de GET `ruta` al servidor de la suite. */
static char *get_cuerpo(const char *ruta, int estado_esperado)
{
    return get_cuerpo_en(srv.practica.puerto, ruta, estado_esperado);
}

static json_t *get_json(const char *ruta, int estado_esperado)
{
    char *c = get_cuerpo(ruta, estado_esperado);
    json_error_t e;
    json_t *j = json_loads(c, 0, &e);
    cr_assert_not_null(j, "%s: JSON inválido (%s): %s", ruta, e.text, c);
    free(c);
    return j;
}

/* El valor en la ruta con puntos (los segmentos numéricos indexan arrays), o NULL. */
static json_t *en_ruta(json_t *doc, const char *ruta)
{
    char copia[128];
    snprintf(copia, sizeof copia, "%s", ruta);
    json_t *v = doc;
    char *guardado = NULL;
    for (char *s = strtok_r(copia, ".", &guardado); s != NULL && v != NULL;
         s = strtok_r(NULL, ".", &guardado))
        v = json_is_array(v) ? json_array_get(v, strtoul(s, NULL, 10)) : json_object_get(v, s);
    return v;
}

/* Temperatura en °C de un proveedor (con la consulta extra `mas`) en el servidor del
 * `puerto`. */
static double celsius_en(int puerto, const char *proveedor, const char *ciudad, const char *mas)
{
    static const struct {
        const char *nombre, *ruta;
        char unidad;
    } p[] = {{"openweather", "main.temp", 'C'},
             {"weatherapi", "current.temp_c", 'C'},
             {"openmeteo", "current_weather.temperature", 'C'},
             {"weathergov", "properties.periods.0.temperature", 'F'}};
    char ruta[512];
    snprintf(ruta, sizeof ruta, "/clima/%s?ciudad=%s%s", proveedor, ciudad, mas);
    char *cuerpo = get_cuerpo_en(puerto, ruta, 200);
    json_t *j = json_loads(cuerpo, 0, NULL);
    cr_assert_not_null(j, "%s: JSON inválido: %s", ruta, cuerpo);
    free(cuerpo);
    double t = NAN;
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        if (strcmp(p[i].nombre, proveedor) != 0)
            continue;
        json_t *v = en_ruta(j, p[i].ruta);
        cr_assert(json_is_number(v), "%s: falta el número en %s", ruta, p[i].ruta);
        t = json_number_value(v);
        if (p[i].unidad == 'F')
            t = (t - 32.0) * 5.0 / 9.0;
        if (strstr(mas, "unidades=kelvin") != NULL)
            t -= 273.15;
    }
    json_decref(j);
    return t;
}

static double celsius(const char *proveedor, const char *ciudad, const char *mas)
{
    return celsius_en(srv.practica.puerto, proveedor, ciudad, mas);
}

/* Línea y columna (jansson) del error del JSON roto de `ciudad` en el servidor del `puerto`. */
static void donde_roto(int puerto, const char *ciudad, int *linea, int *columna)
{
    char ruta[256];
    snprintf(ruta, sizeof ruta, "/clima/weatherapi?ciudad=%s&sal=s1&fallo=json", ciudad);
    char *c = get_cuerpo_en(puerto, ruta, 200);
    json_error_t e;
    json_t *j = json_loads(c, 0, &e);
    cr_assert_null(j, "el JSON roto se leyó: %s", c);
    free(c);
    *linea = e.line;
    *columna = e.column;
}

Test(clima, cuatro_proveedores_coinciden)
{
    const char *ciudades[] = {"Madrid", "San%20Jos%C3%A9", "Bogot%C3%A1", "Reikiavik"};
    for (int i = 0; i < 4; i++) {
        double a = celsius("openweather", ciudades[i], "");
        double d = celsius("weathergov", ciudades[i], "");
        double k = celsius("openweather", ciudades[i], "&unidades=kelvin");
        cr_expect_leq(fabs(a - d), 2.1, "%s: %.2f °C frente a %.2f °C (F)", ciudades[i], a, d);
        cr_expect_leq(fabs(a - k), 0.006, "%s: kelvin %.2f frente a %.2f", ciudades[i], k, a);
    }
    /* '+' y %20 son el mismo espacio; el documento devuelve el nombre decodificado. */
    cr_expect_float_eq(celsius("weatherapi", "San+Jos%C3%A9", ""),
                       celsius("weatherapi", "San%20Jos%C3%A9", ""), 1e-9);
    json_t *j = get_json("/clima/weathergov?ciudad=Bogot%C3%A1", 200);
    cr_expect_str_eq(json_string_value(en_ruta(j, "properties.ciudad")), "Bogotá");
    cr_expect_str_eq(json_string_value(en_ruta(j, "properties.periods.0.temperatureUnit")), "F");
    json_decref(j);
}

/* Los valores de la clave `clave` en el texto de `cuerpo`, en su orden (hasta `max`). */
static int apariciones(const char *cuerpo, const char *clave, double *v, int max)
{
    char buscada[64];
    snprintf(buscada, sizeof buscada, "\"%s\":", clave);
    int n = 0;
    for (const char *p = strstr(cuerpo, buscada); p != NULL && n < max; p = strstr(p + 1, buscada))
        v[n++] = strtod(p + strlen(buscada), NULL);
    return n;
}

/* Los señuelos: la clave de la temperatura aparece también antes de la buena («ayer», de 3 a
 * 9.9 grados por debajo) y después («manana», de 3 a 9.9 por encima), en la unidad de la
 * buena: la primera y la última aparición en el texto son ellos. La de la ruta no cambia
 * (el ejemplo del enunciado: Madrid, −5.2, −4.8 y −4.7 °C). */
Test(clima, senuelos_antes_y_despues)
{
    static const struct {
        const char *proveedor, *mas, *ruta, *clave;
        double grado; /* cuánto es un grado de la base en la unidad del documento */
    } p[] = {{"openweather", "", "main.temp", "temp", 1.0},
             {"openweather", "&unidades=kelvin", "main.temp", "temp", 1.0},
             {"weatherapi", "", "current.temp_c", "temp_c", 1.0},
             {"openmeteo", "", "current_weather.temperature", "temperature", 1.0},
             {"weathergov", "", "properties.periods.0.temperature", "temperature", 1.8}};
    static const char *const ciudades[] = {"Madrid", "Oslo", "Bogot%C3%A1", "Lima", "Perth"};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        for (size_t c = 0; c < sizeof ciudades / sizeof ciudades[0]; c++) {
            char ruta[256];
            snprintf(ruta, sizeof ruta, "/clima/%s?ciudad=%s%s", p[i].proveedor, ciudades[c],
                     p[i].mas);
            char *cuerpo = get_cuerpo(ruta, 200);
            json_t *j = json_loads(cuerpo, 0, NULL);
            cr_assert_not_null(j, "%s: JSON inválido: %s", ruta, cuerpo);
            double buena = json_number_value(en_ruta(j, p[i].ruta));
            double ayer =
                json_number_value(json_object_get(json_object_get(j, "ayer"), p[i].clave));
            double manana =
                json_number_value(json_object_get(json_object_get(j, "manana"), p[i].clave));
            /* Con °F, el redondeo a una décima de cada uno mueve la diferencia hasta 0.1. */
            double holgura = 0.11;
            cr_expect(buena - ayer >= 3.0 * p[i].grado - holgura &&
                          buena - ayer <= 9.9 * p[i].grado + holgura,
                      "%s: ayer %.2f y la buena %.2f", ruta, ayer, buena);
            cr_expect(manana - buena >= 3.0 * p[i].grado - holgura &&
                          manana - buena <= 9.9 * p[i].grado + holgura,
                      "%s: mañana %.2f y la buena %.2f", ruta, manana, buena);
            double v[8];
            int n = apariciones(cuerpo, p[i].clave, v, 8);
            int en_medio = 0;
            for (int k = 1; k + 1 < n; k++)
                en_medio += fabs(v[k] - buena) < 1e-9;
            cr_expect(n >= 3 && fabs(v[0] - ayer) < 1e-9 && fabs(v[n - 1] - manana) < 1e-9 &&
                          en_medio >= 1,
                      "%s: «%s» tiene que aparecer primero en ayer, luego en la buena y al "
                      "final en manana: %s",
                      ruta, p[i].clave, cuerpo);
            free(cuerpo);
            json_decref(j);
        }
    cr_expect_float_eq(celsius("openweather", "Madrid", "&unidades=kelvin"), -5.2, 1e-6);
    cr_expect_float_eq(celsius("weatherapi", "Madrid", ""), -4.8, 1e-9);
    cr_expect_float_eq(celsius("openmeteo", "Madrid", ""), -4.7, 1e-9);
}

Test(clima, la_sal_cambia_y_es_determinista)
{
    double sin = celsius("openmeteo", "Lima", "");
    double a = celsius("openmeteo", "Lima", "&sal=a1");
    cr_expect_float_eq(a, celsius("openmeteo", "Lima", "&sal=a1"), 1e-9);
    /* Con cinco sales distintas, alguna tiene que cambiar la temperatura. */
    int distintas = 0;
    const char *sales[] = {"&sal=1", "&sal=2", "&sal=3", "&sal=4", "&sal=5"};
    for (int i = 0; i < 5; i++)
        distintas += fabs(celsius("openmeteo", "Lima", sales[i]) - sin) > 1e-9;
    cr_expect_geq(distintas, 1);
}

Test(clima, fallos_de_tipo)
{
    json_t *j = get_json("/clima/openweather?ciudad=Oslo&fallo=texto", 200);
    cr_expect(json_is_string(en_ruta(j, "main.temp")));
    json_decref(j);
    j = get_json("/clima/weatherapi?ciudad=Oslo&fallo=nulo", 200);
    cr_expect(json_is_null(en_ruta(j, "current.temp_c")));
    json_decref(j);
    j = get_json("/clima/openmeteo?ciudad=Oslo&fallo=falta", 200);
    cr_expect_null(en_ruta(j, "current_weather.temperature"));
    cr_expect_not_null(en_ruta(j, "current_weather.windspeed"));
    json_decref(j);
    j = get_json("/clima/weathergov?ciudad=Oslo&fallo=imposible", 200);
    cr_expect_float_eq(json_number_value(en_ruta(j, "properties.periods.0.temperature")), -999.0,
                       1e-9);
    json_decref(j);
}

Test(clima, json_roto_y_estados)
{
    char *c = get_cuerpo("/clima/weatherapi?ciudad=Oslo&fallo=json", 200);
    json_error_t e;
    json_t *j = json_loads(c, 0, &e);
    cr_expect_null(j, "el JSON roto se leyó: %s", c);
    json_decref(j);
    cr_expect_gt(e.line, 3, "el error tiene que estar al final (línea %d)", e.line);
    free(c);
    j = get_json("/clima/openmeteo?ciudad=Oslo&estado=503", 503);
    cr_expect_eq(json_integer_value(en_ruta(j, "error.codigo")), 503);
    json_decref(j);
    json_decref(get_json("/clima/openmeteo?ciudad=Oslo&estado=200", 400));
    json_decref(get_json("/clima/openmeteo?ciudad=Oslo&estado=399", 400));
    /* Otro éxito (2xx): la respuesta de siempre, con su estado. */
    j = get_json("/clima/openmeteo?ciudad=Oslo&estado=203", 203);
    cr_expect(json_is_number(en_ruta(j, "current_weather.temperature")),
              "con estado=203, la temperatura de siempre");
    json_decref(j);
    json_decref(get_json("/clima/openmeteo?ciudad=Oslo&fallo=raro", 400));
    json_decref(get_json("/clima/weatherapi?ciudad=Oslo&unidades=kelvin", 400));
    json_decref(get_json("/clima/weathergov?ciudad=Oslo&retraso=31", 400));
    json_decref(get_json("/clima/weathergov", 400));
    json_decref(get_json("/clima/accuweather?ciudad=Oslo", 404));
}

Test(clima, retraso)
{
    double t0 = red_ahora();
    json_decref(get_json("/clima/weathergov?ciudad=Oslo&retraso=0.3", 200));
    double t = red_ahora() - t0;
    cr_expect(t >= 0.29, "respondió en %.3f s, antes del retraso", t);
    t0 = red_ahora();
    json_decref(get_json("/clima/weathergov?ciudad=Oslo&retraso=0.3&estado=500", 500));
    t = red_ahora() - t0;
    cr_expect(t >= 0.29, "el error llegó en %.3f s, antes del retraso", t);
    /* solo=CIUDAD: los fallos son solo para esa ciudad; las demás, normales y al momento. */
    t0 = red_ahora();
    json_t *j =
        get_json("/clima/openmeteo?ciudad=Oslo&retraso=5&estado=500&solo=San%20Jos%C3%A9", 200);
    t = red_ahora() - t0;
    cr_expect(t < 2.0, "otra ciudad esperó %.3f s: el retraso es solo para «solo»", t);
    cr_expect(json_is_number(en_ruta(j, "current_weather.temperature")));
    json_decref(j);
    json_decref(
        get_json("/clima/openmeteo?ciudad=San+Jos%C3%A9&estado=500&solo=San%20Jos%C3%A9", 500));
    j = get_json("/clima/openmeteo?ciudad=Lima&fallo=texto&solo=Oslo", 200);
    cr_expect(json_is_number(en_ruta(j, "current_weather.temperature")));
    json_decref(j);
}

/* Arranca un servidor con el secreto `clave` (practica_arrancar_secreto, como un calificador). */
static void con_secreto(red_srv_t *s, const secuencia_clave_t *clave)
{
    s->registro[0] = '\0';
    cr_assert_eq(practica_arrancar_secreto(&s->practica, NULL, NULL, NULL, clave), 0);
}

/* El secreto del servidor (CURSO_SERVIDOR_CLAVE, en su entorno, que el programa calificado no
 * ve) entra en cada hash por su subclave de /clima: con la misma URL, otro secreto da otras
 * temperaturas y otro sitio para el error del JSON roto; el mismo secreto, los mismos; sin
 * secreto, los de siempre. */
Test(clima, el_secreto_cambia_lo_que_la_url_no_dice)
{
    static const char *const ciudades[] = {"Lima",   "Oslo", "Roma",  "Quito",
                                           "Madrid", "Kiev", "Dakar", "Perth"};
    red_srv_t a, a2, b;
    secuencia_clave_t ka, kb;
    cr_assert_eq(secuencia_clave_nueva(&ka), 0);
    cr_assert_eq(secuencia_clave_nueva(&kb), 0);
    con_secreto(&a, &ka);
    con_secreto(&a2, &ka);
    con_secreto(&b, &kb);
    int t_distintas = 0, sitios_a = 0, l0 = 0, c0 = 0;
    for (int i = 0; i < 8; i++) {
        double sin = celsius("openmeteo", ciudades[i], "&sal=s1");
        double ta = celsius_en(a.practica.puerto, "openmeteo", ciudades[i], "&sal=s1");
        double tb = celsius_en(b.practica.puerto, "openmeteo", ciudades[i], "&sal=s1");
        cr_expect_float_eq(ta, celsius_en(a2.practica.puerto, "openmeteo", ciudades[i], "&sal=s1"),
                           1e-9, "%s: el mismo secreto tiene que dar lo mismo", ciudades[i]);
        t_distintas += fabs(ta - sin) > 1e-9 && fabs(ta - tb) > 1e-9;
        int la, ca, la2, ca2, ls, cs;
        donde_roto(a.practica.puerto, ciudades[i], &la, &ca);
        donde_roto(a2.practica.puerto, ciudades[i], &la2, &ca2);
        donde_roto(srv.practica.puerto, ciudades[i], &ls, &cs);
        cr_expect(la == la2 && ca == ca2, "%s: el mismo secreto, otro sitio del error",
                  ciudades[i]);
        if (i == 0) {
            l0 = ls;
            c0 = cs;
        }
        /* Sin secreto, el sitio es el de siempre (el del enunciado): la última llave, sola. */
        cr_expect(ls == l0 && cs == c0 && cs == 1, "%s: sin secreto, el error en %d:%d",
                  ciudades[i], ls, cs);
        sitios_a += la != l0 || ca != c0;
    }
    cr_expect_geq(t_distintas, 6, "el secreto cambió solo %d temperaturas de 8", t_distintas);
    cr_expect_geq(sitios_a, 4, "con secreto, el error cambió de sitio en %d ciudades de 8",
                  sitios_a);
    cr_expect_eq(red_srv_parar(&a), 0);
    cr_expect_eq(red_srv_parar(&a2), 0);
    cr_expect_eq(red_srv_parar(&b), 0);
}

/* &valor=N: la temperatura exacta, sin convertir; entero de JSON sin punto, real con él; solo
 * para la ciudad de &solo=; y un valor que no es un número (o se sale de ±1000) es un 400. */
Test(clima, valor_forzado)
{
    json_t *j = get_json("/clima/openmeteo?ciudad=Oslo&valor=60", 200);
    json_t *t = en_ruta(j, "current_weather.temperature");
    cr_expect(json_is_integer(t), "valor=60 debe ser un entero de JSON");
    cr_expect_eq(json_integer_value(t), 60);
    json_decref(j);
    j = get_json("/clima/weatherapi?ciudad=Oslo&valor=-90.1", 200);
    t = en_ruta(j, "current.temp_c");
    cr_expect(json_is_real(t), "valor=-90.1 debe ser un real de JSON");
    cr_expect_float_eq(json_real_value(t), -90.1, 1e-9);
    json_decref(j);
    j = get_json("/clima/weathergov?ciudad=Oslo&valor=140.0", 200);
    cr_expect_float_eq(json_number_value(en_ruta(j, "properties.periods.0.temperature")), 140.0,
                       1e-9);
    json_decref(j);
    j = get_json("/clima/openweather?ciudad=Oslo&unidades=kelvin&valor=21", 200);
    cr_expect_eq(json_integer_value(en_ruta(j, "main.temp")), 21);
    json_decref(j);
    /* Con solo=, las demás ciudades reciben su temperatura de siempre. */
    double normal = celsius("openmeteo", "Lima", "");
    cr_expect_float_eq(celsius("openmeteo", "Lima", "&valor=55&solo=Oslo"), normal, 1e-9);
    cr_expect_float_eq(celsius("openmeteo", "Oslo", "&valor=55&solo=Oslo"), 55.0, 1e-9);
    /* Un fallo manda sobre el valor. */
    j = get_json("/clima/openmeteo?ciudad=Oslo&valor=12&fallo=nulo", 200);
    cr_expect(json_is_null(en_ruta(j, "current_weather.temperature")));
    json_decref(j);
    json_decref(get_json("/clima/openmeteo?ciudad=Oslo&valor=calor", 400));
    json_decref(get_json("/clima/openmeteo?ciudad=Oslo&valor=1001", 400));
    json_decref(get_json("/clima/openmeteo?ciudad=Oslo&valor=nan", 400));
}
