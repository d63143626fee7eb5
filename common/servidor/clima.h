/* clima.h — tres «proveedores» de clima con formas de JSON distintas, para practicar la
 * agregación de APIs heterogéneas:
 *
 *   openweather → main.temp
 *   weatherapi  → current.temp_c
 *   openmeteo   → current_weather.temperature
 *
 * La temperatura es determinista por ciudad (hash del nombre, sin distinguir mayúsculas
 * ASCII) y cada proveedor se desvía como mucho ±1 °C de la base, así que la media de los
 * tres es estable. Devuelve referencias nuevas de jansson.
 */
#ifndef SERVIDOR_CLIMA_H
#define SERVIDOR_CLIMA_H

#include <jansson.h>

/* Temperatura base de la ciudad en °C, con un decimal (entre -10.0 y 35.0). */
double clima_base(const char *ciudad);

/* Documento del proveedor para la ciudad. Devuelve 0 y lo deja en *doc (NULL si no hubo
 * memoria), o -1 si el proveedor no existe. */
int clima_documento(const char *proveedor, const char *ciudad, json_t **doc);

#endif
