/* clima.c — documentos de clima de cuatro proveedores simulados y sus fallos a la carta
 * (ver clima.h). Cada documento trae dos señuelos con la misma clave que la temperatura
 * buena: «ayer» antes de ella y «manana» después; solo la ruta lleva a la buena. */
#include "clima.h"

#include "consulta.h"
#include "rutas.h"
#include "texto.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAM_CIUDAD 512

/* El secreto de /clima: lo pone principal.c al arrancar, de la clave del servidor que da un
 * calificador (CURSO_SERVIDOR_CLAVE, al azar por proceso calificador) y que el programa
 * calificado no ve: el servidor corre fuera de la caja de arena y el entorno del programa es
 * otro, limpio. Con secreto, ni las temperaturas ni el sitio del error de &fallo=json se
 * deducen de la URL aunque esta función sea pública (la sal viaja en la URL). Sin secreto
 * (make servidor), todo es como siempre: el enunciado y las pruebas a mano pueden contar con
 * los mismos números. */
static char valor_secreto[128];

void clima_poner_secreto(const char *texto)
{
    snprintf(valor_secreto, sizeof valor_secreto, "%s", texto != NULL ? texto : "");
}

static const char *secreto(void)
{
    return valor_secreto;
}

/* Hash de la ciudad en minúsculas ASCII, con una sal por uso (y la del llamador, si hay;
 * y el secreto del servidor, si hay). */
static unsigned long long hash_ciudad(const char *ciudad, const char *uso, const char *sal)
{
    char clave[256];
    size_t j = 0;
    for (const char *p = ciudad; *p != '\0' && j + 1 < sizeof clave; p++)
        clave[j++] = (char)tolower((unsigned char)*p);
    clave[j] = '\0';
    char con_sal[800];
    const char *s = secreto();
    /* Sin sal ni secreto, la clave de siempre: las temperaturas de antes no cambian. */
    if (s[0] != '\0')
        snprintf(con_sal, sizeof con_sal, "%s|%s|%s|%s", uso, sal != NULL ? sal : "", s, clave);
    else if (sal == NULL || sal[0] == '\0')
        snprintf(con_sal, sizeof con_sal, "%s|%s", uso, clave);
    else
        snprintf(con_sal, sizeof con_sal, "%s|%s|%s", uso, sal, clave);
    return texto_hash(con_sal);
}

static double redondear1(double v)
{
    return round(v * 10.0) / 10.0;
}

double clima_base(const char *ciudad, const char *sal)
{
    unsigned long long h = hash_ciudad(ciudad, "base", sal);
    return redondear1(-10.0 + (double)(h % 451) / 10.0); /* -10.0 … 35.0 */
}

/* Temperatura de un proveedor: la base ± hasta 1.0 °C. */
static double temperatura(const char *ciudad, const char *proveedor, const char *sal)
{
    unsigned long long h = hash_ciudad(ciudad, proveedor, sal);
    double desvio = ((double)(h % 21) - 10.0) / 10.0;
    return redondear1(clima_base(ciudad, sal) + desvio);
}

static const char *const estados[] = {"despejado",     "nubes dispersas", "nublado",
                                      "lluvia ligera", "niebla",          "chubascos"};

static const char *const proveedores[] = {"openweather", "weatherapi", "openmeteo", "weathergov"};
#define NPROVEEDORES (sizeof proveedores / sizeof proveedores[0])

int clima_documento(const char *proveedor, const char *ciudad, const char *sal, json_t **doc)
{
    unsigned long long h = hash_ciudad(ciudad, "extra", sal);
    int humedad = (int)(30 + h % 60);
    double viento = redondear1((double)((h >> 8) % 300) / 10.0);
    const char *cielo = estados[(h >> 16) % (sizeof estados / sizeof estados[0])];
    double lat = redondear1(-60.0 + (double)((h >> 24) % 1300) / 10.0);
    double lon = redondear1(-170.0 + (double)((h >> 40) % 3400) / 10.0);
    double t = temperatura(ciudad, proveedor, sal);
    /* Los señuelos: la temperatura de ayer, con la misma clave que la buena y ANTES de ella en
     * el documento, de 3 a 9.9 grados por debajo, y la de mañana, DESPUÉS de ella, de 3 a 9.9
     * por encima. Quien lee la ruta del archivo de proveedores no los ve; quien busca la
     * primera «"temp":» del texto (sin leer el JSON) toma la de ayer por la buena (adversario
     * del 10, sesión 33: 94/100 sin analizar ningún documento), y quien busca la última, la
     * de mañana. */
    double ayer = redondear1(t - 3.0 - (double)((h >> 52) % 70) / 10.0);
    double ayer_f = redondear1(ayer * 9.0 / 5.0 + 32.0);
    double manana = redondear1(t + 3.0 + (double)(hash_ciudad(ciudad, "manana", sal) % 70) / 10.0);
    double manana_f = redondear1(manana * 9.0 / 5.0 + 32.0);

    *doc = NULL;
    if (strcmp(proveedor, "openweather") == 0) {
        *doc = json_pack("{s:{s:f, s:f}, s:{s:f, s:f}, s:[{s:s}], s:{s:f, s:f, s:i, s:i}, "
                         "s:{s:f}, s:o, s:i, s:{s:f, s:f}}",
                         "ayer", "temp", ayer, "feels_like", redondear1(ayer - viento / 10.0),
                         "coord", "lon", lon, "lat", lat, "weather", "description", cielo, "main",
                         "temp", t, "feels_like", redondear1(t - viento / 10.0), "humidity",
                         humedad, "pressure", 1000 + (int)((h >> 32) % 30), "wind", "speed", viento,
                         "name", texto_json_c(ciudad), "cod", 200, "manana", "temp", manana,
                         "feels_like", redondear1(manana - viento / 10.0));
    } else if (strcmp(proveedor, "weatherapi") == 0) {
        *doc = json_pack("{s:{s:f, s:f}, s:{s:o, s:f, s:f}, s:{s:f, s:f, s:i, s:f, s:{s:s}}, "
                         "s:{s:f, s:f}}",
                         "ayer", "temp_c", ayer, "temp_f", ayer_f, "location", "name",
                         texto_json_c(ciudad), "lat", lat, "lon", lon, "current", "temp_c", t,
                         "temp_f", redondear1(t * 9.0 / 5.0 + 32.0), "humidity", humedad,
                         "wind_kph", viento, "condition", "text", cielo, "manana", "temp_c", manana,
                         "temp_f", manana_f);
    } else if (strcmp(proveedor, "openmeteo") == 0) {
        *doc =
            json_pack("{s:{s:f}, s:f, s:f, s:{s:f, s:f, s:i, s:i}, s:{s:f}}", "ayer", "temperature",
                      ayer, "latitude", lat, "longitude", lon, "current_weather", "temperature", t,
                      "windspeed", viento, "winddirection", (int)((h >> 48) % 360), "weathercode",
                      (int)((h >> 16) % 6), "manana", "temperature", manana);
    } else if (strcmp(proveedor, "weathergov") == 0) {
        /* La forma de api.weather.gov: periodos de previsión, en Fahrenheit. */
        double f = redondear1(t * 9.0 / 5.0 + 32.0);
        double noche = redondear1((t - 4.0) * 9.0 / 5.0 + 32.0);
        *doc =
            json_pack("{s:{s:f, s:s}, s:{s:o, s:[{s:i, s:s, s:f, s:s, s:s}, "
                      "{s:i, s:s, s:f, s:s, s:s}]}, s:{s:f, s:s}}",
                      "ayer", "temperature", ayer_f, "temperatureUnit", "F", "properties", "ciudad",
                      texto_json_c(ciudad), "periods", "number", 1, "name", "Ahora", "temperature",
                      f, "temperatureUnit", "F", "shortForecast", cielo, "number", 2, "name",
                      "Esta noche", "temperature", noche, "temperatureUnit", "F", "shortForecast",
                      cielo, "manana", "temperature", manana_f, "temperatureUnit", "F");
    } else {
        return -1;
    }
    return 0;
}

/* El objeto que contiene la temperatura y su clave, según el proveedor. */
static json_t *padre_temperatura(json_t *doc, const char *proveedor, const char **clave)
{
    if (strcmp(proveedor, "openweather") == 0) {
        *clave = "temp";
        return json_object_get(doc, "main");
    }
    if (strcmp(proveedor, "weatherapi") == 0) {
        *clave = "temp_c";
        return json_object_get(doc, "current");
    }
    if (strcmp(proveedor, "openmeteo") == 0) {
        *clave = "temperature";
        return json_object_get(doc, "current_weather");
    }
    *clave = "temperature";
    return json_array_get(json_object_get(json_object_get(doc, "properties"), "periods"), 0);
}

static int conocido(const char *proveedor)
{
    for (size_t i = 0; i < NPROVEEDORES; i++)
        if (strcmp(proveedor, proveedores[i]) == 0)
            return 1;
    return 0;
}

/* JSON mal formado a propósito: el documento con sangría y una coma de más antes de la
 * última llave (en su propia línea: así la línea y la columna del error dicen algo). Con
 * secreto, la llave baja de 0 a 6 líneas en blanco y se sangra de 0 a 8 espacios, según el
 * hash de la ciudad: la línea y la columna del error cambian con cada secreto y solo se
 * saben leyendo el cuerpo. */
static void responder_roto(respuesta_t *r, json_t *doc, const char *ciudad, const char *sal)
{
    int lineas = 0, sangria = 0;
    if (secreto()[0] != '\0') {
        unsigned long long h = hash_ciudad(ciudad, "roto", sal);
        lineas = (int)(h % 7);
        sangria = (int)((h >> 8) % 9);
    }
    char *texto = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    char *ultima = texto != NULL ? strrchr(texto, '}') : NULL;
    if (ultima == NULL) {
        free(texto);
        respuesta_error(r, 500, "sin memoria");
        return;
    }
    size_t antes = (size_t)(ultima - texto);
    size_t n = strlen(texto) + 8 + (size_t)lineas + (size_t)sangria;
    char *roto = malloc(n);
    if (roto == NULL) {
        free(texto);
        respuesta_error(r, 500, "sin memoria");
        return;
    }
    /* «…"cod": 200\n}» → «…"cod": 200,\n}\n» */
    while (antes > 0 && (texto[antes - 1] == '\n' || texto[antes - 1] == ' '))
        antes--;
    snprintf(roto, n, "%.*s,\n%.*s%*s}\n", (int)antes, texto, lineas, "\n\n\n\n\n\n", sangria, "");
    respuesta_texto(r, 200, roto);
    r->tipo = "application/json";
    free(roto);
    free(texto);
}

/* El valor de &valor=: un número entre -1000 y 1000, escrito como entero (sin punto ni
 * exponente: un entero de JSON, 21) o como real (21.0, 60.1). Referencia nueva, o NULL si el
 * texto no es eso. */
static json_t *valor_forzado(const char *texto)
{
    double v;
    if (consulta_real(texto, -1000.0, 1000.0, &v) < 0)
        return NULL;
    if (strpbrk(texto, ".eE") == NULL) {
        long long e;
        if (consulta_entero(texto, -1000, 1000, &e) < 0)
            return NULL;
        return json_integer((json_int_t)e);
    }
    return json_real(v);
}

/* Aplica un fallo de tipo al campo de la temperatura. 0, o -1 si `fallo` no existe. */
static int estropear(json_t *doc, const char *proveedor, const char *fallo)
{
    const char *clave;
    json_t *padre = padre_temperatura(doc, proveedor, &clave);
    json_t *valor = json_object_get(padre, clave);
    if (strcmp(fallo, "texto") == 0) {
        char t[32];
        snprintf(t, sizeof t, "%.1f", json_number_value(valor));
        json_object_set_new(padre, clave, json_string(t));
    } else if (strcmp(fallo, "nulo") == 0) {
        json_object_set_new(padre, clave, json_null());
    } else if (strcmp(fallo, "falta") == 0) {
        json_object_del(padre, clave);
    } else if (strcmp(fallo, "imposible") == 0) {
        json_object_set_new(padre, clave, json_real(-999.0));
    } else {
        return -1;
    }
    return 0;
}

void clima_atender(respuesta_t *r, const char *resto, const char *consulta)
{
    char proveedor[64], ciudad[TAM_CIUDAD], sal[128], fallo[32], unidades[32], valor[32];
    double retraso;
    long long estado;
    size_t n = strlen(resto);
    if (consulta == NULL)
        consulta = "";
    if (n == 0 || memchr(resto, '/', n) != NULL ||
        consulta_decodificar(resto, n, proveedor, sizeof proveedor, 0) <= 0 ||
        !conocido(proveedor)) {
        respuesta_json(r, 404,
                       json_pack("{s:s, s:[s,s,s,s]}", "error", "proveedor desconocido",
                                 "proveedores", proveedores[0], proveedores[1], proveedores[2],
                                 proveedores[3]));
        return;
    }
    if (!consulta_valor(consulta, "ciudad", ciudad, sizeof ciudad) || ciudad[0] == '\0') {
        respuesta_error(r, 400, "falta el parámetro «ciudad»");
        return;
    }
    char texto[64];
    retraso = 0.0;
    if (consulta_valor(consulta, "retraso", texto, sizeof texto) &&
        consulta_real(texto, 0.0, RUTAS_MAX_RETRASO_S, &retraso) < 0) {
        respuesta_error(r, 400, "parámetro «retraso» inválido: segundos entre 0 y 30");
        return;
    }
    /* 400–599: un JSON de error con ese estado; 201–203: la respuesta de siempre con otro
     * éxito (un 203 también trae la temperatura: solo ≥ 400 es un error). No 204 ni 205, que
     * no llevan cuerpo. */
    estado = 200;
    if (consulta_valor(consulta, "estado", texto, sizeof texto) &&
        ((consulta_entero(texto, 400, 599, &estado) < 0 &&
          consulta_entero(texto, 201, 203, &estado) < 0))) {
        respuesta_error(r, 400,
                        "parámetro «estado» inválido: entero entre 400 y 599 (un error) o "
                        "entre 201 y 203 (otro éxito)");
        return;
    }
    if (!consulta_valor(consulta, "sal", sal, sizeof sal))
        sal[0] = '\0';
    if (!consulta_valor(consulta, "fallo", fallo, sizeof fallo))
        fallo[0] = '\0';
    if (!consulta_valor(consulta, "valor", valor, sizeof valor))
        valor[0] = '\0';
    /* solo=CIUDAD: el retraso, el estado y el fallo son solo para esa ciudad; las demás
     * reciben la respuesta normal y al momento (así se ensaya que una ciudad tarde más). */
    char solo[TAM_CIUDAD];
    if (consulta_valor(consulta, "solo", solo, sizeof solo) && strcmp(solo, ciudad) != 0) {
        retraso = 0.0;
        estado = 200;
        fallo[0] = '\0';
        valor[0] = '\0';
    }
    int kelvin = 0;
    if (consulta_valor(consulta, "unidades", unidades, sizeof unidades)) {
        if (strcmp(proveedor, "openweather") != 0 ||
            (strcmp(unidades, "kelvin") != 0 && strcmp(unidades, "celsius") != 0)) {
            respuesta_error(r, 400,
                            "parámetro «unidades» inválido: kelvin o celsius, y solo "
                            "en openweather");
            return;
        }
        kelvin = strcmp(unidades, "kelvin") == 0;
    }
    r->espera_ms = (uint64_t)llround(retraso * 1000.0);
    if (estado >= 400) {
        char m[160];
        snprintf(m, sizeof m, "%s no está disponible (fallo simulado)", proveedor);
        respuesta_json(
            r, (int)estado,
            json_pack("{s:{s:I, s:s}}", "error", "codigo", (json_int_t)estado, "mensaje", m));
        r->espera_ms = (uint64_t)llround(retraso * 1000.0);
        return;
    }

    json_t *forzado = NULL;
    if (valor[0] != '\0') {
        forzado = valor_forzado(valor);
        if (forzado == NULL) {
            respuesta_error(r, 400,
                            "parámetro «valor» inválido: un número entre -1000 y 1000 (21 es un "
                            "entero de JSON; 21.0, un real)");
            r->espera_ms = 0;
            return;
        }
    }

    json_t *doc = NULL;
    clima_documento(proveedor, ciudad, sal, &doc);
    if (doc != NULL && kelvin) {
        /* La buena y los señuelos, todo en kelvin, como la API de verdad; con dos decimales:
         * 285.15 y no 285.150000001. */
        static const char *const objetos[] = {"ayer", "main", "manana"};
        static const char *const claves[] = {"temp", "feels_like"};
        for (size_t i = 0; i < sizeof objetos / sizeof objetos[0]; i++) {
            json_t *m = json_object_get(doc, objetos[i]);
            for (size_t j = 0; j < sizeof claves / sizeof claves[0]; j++)
                json_object_set_new(
                    m, claves[j],
                    json_real(
                        round((json_number_value(json_object_get(m, claves[j])) + 273.15) * 100.0) /
                        100.0));
        }
    }
    if (doc != NULL && forzado != NULL) {
        /* Tal cual, en la unidad del proveedor (°F en weathergov, K con unidades=kelvin). */
        const char *clave = NULL;
        json_t *padre = padre_temperatura(doc, proveedor, &clave);
        json_object_set(padre, clave, forzado);
    }
    json_decref(forzado);
    if (doc != NULL && fallo[0] != '\0' && strcmp(fallo, "json") != 0 &&
        estropear(doc, proveedor, fallo) < 0) {
        json_decref(doc);
        respuesta_error(r, 400,
                        "parámetro «fallo» inválido: json, texto, nulo, falta o "
                        "imposible");
        r->espera_ms = 0;
        return;
    }
    uint64_t espera = r->espera_ms;
    if (doc != NULL && strcmp(fallo, "json") == 0) {
        responder_roto(r, doc, ciudad, sal);
        json_decref(doc);
    } else {
        respuesta_json(r, (int)estado, doc);
    }
    r->espera_ms = espera;
}
