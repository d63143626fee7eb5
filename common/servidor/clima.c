/* clima.c — documentos de clima de tres proveedores simulados (ver clima.h). */
#include "clima.h"

#include "texto.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Hash de la ciudad en minúsculas ASCII, con una sal por uso. */
static unsigned long long hash_ciudad(const char *ciudad, const char *sal)
{
    char clave[256];
    size_t j = 0;
    for (const char *p = ciudad; *p != '\0' && j + 1 < sizeof clave; p++)
        clave[j++] = (char)tolower((unsigned char)*p);
    clave[j] = '\0';
    char con_sal[320];
    snprintf(con_sal, sizeof con_sal, "%s|%s", sal, clave);
    return texto_hash(con_sal);
}

static double redondear1(double v)
{
    return round(v * 10.0) / 10.0;
}

double clima_base(const char *ciudad)
{
    unsigned long long h = hash_ciudad(ciudad, "base");
    return redondear1(-10.0 + (double)(h % 451) / 10.0); /* -10.0 … 35.0 */
}

/* Temperatura de un proveedor: la base ± hasta 1.0 °C. */
static double temperatura(const char *ciudad, const char *proveedor)
{
    unsigned long long h = hash_ciudad(ciudad, proveedor);
    double desvio = ((double)(h % 21) - 10.0) / 10.0;
    return redondear1(clima_base(ciudad) + desvio);
}

static const char *const estados[] = {"despejado",     "nubes dispersas", "nublado",
                                      "lluvia ligera", "niebla",          "chubascos"};

int clima_documento(const char *proveedor, const char *ciudad, json_t **doc)
{
    unsigned long long h = hash_ciudad(ciudad, "extra");
    int humedad = (int)(30 + h % 60);
    double viento = redondear1((double)((h >> 8) % 300) / 10.0);
    const char *cielo = estados[(h >> 16) % (sizeof estados / sizeof estados[0])];
    double lat = redondear1(-60.0 + (double)((h >> 24) % 1300) / 10.0);
    double lon = redondear1(-170.0 + (double)((h >> 40) % 3400) / 10.0);
    double t = temperatura(ciudad, proveedor);

    *doc = NULL;
    if (strcmp(proveedor, "openweather") == 0) {
        *doc = json_pack("{s:{s:f, s:f}, s:[{s:s}], s:{s:f, s:f, s:i, s:i}, s:{s:f}, s:o, "
                         "s:i}",
                         "coord", "lon", lon, "lat", lat, "weather", "description", cielo, "main",
                         "temp", t, "feels_like", redondear1(t - viento / 10.0), "humidity",
                         humedad, "pressure", 1000 + (int)((h >> 32) % 30), "wind", "speed", viento,
                         "name", texto_json_c(ciudad), "cod", 200);
    } else if (strcmp(proveedor, "weatherapi") == 0) {
        *doc = json_pack("{s:{s:o, s:f, s:f}, s:{s:f, s:f, s:i, s:f, s:{s:s}}}", "location", "name",
                         texto_json_c(ciudad), "lat", lat, "lon", lon, "current", "temp_c", t,
                         "temp_f", redondear1(t * 9.0 / 5.0 + 32.0), "humidity", humedad,
                         "wind_kph", viento, "condition", "text", cielo);
    } else if (strcmp(proveedor, "openmeteo") == 0) {
        *doc = json_pack("{s:f, s:f, s:{s:f, s:f, s:i, s:i}}", "latitude", lat, "longitude", lon,
                         "current_weather", "temperature", t, "windspeed", viento, "winddirection",
                         (int)((h >> 48) % 360), "weathercode", (int)((h >> 16) % 6));
    } else {
        return -1;
    }
    return 0;
}
