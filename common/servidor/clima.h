/* clima.h — cuatro «proveedores» de clima con formas de JSON distintas, para practicar la
 * agregación de APIs heterogéneas (GET /clima/{proveedor}?ciudad=…):
 *
 *   openweather → main.temp                        °C (con unidades=kelvin, en K)
 *   weatherapi  → current.temp_c                   °C
 *   openmeteo   → current_weather.temperature      °C
 *   weathergov  → properties.periods.0.temperature °F, dentro de un array
 *
 * Cada documento trae además dos señuelos con la misma clave que la temperatura: el objeto
 * «ayer» antes de ella (de 3 a 9.9 grados por debajo) y «manana» después (de 3 a 9.9 por
 * encima), en la misma unidad. Quien sigue la ruta no los ve; quien toma la primera o la
 * última aparición de la clave lee uno de ellos.
 *
 * La temperatura es determinista por ciudad (hash del nombre, sin distinguir mayúsculas
 * ASCII; «sal» la cambia por completo) y cada proveedor se desvía como mucho ±1 °C de la
 * base, así que la media es estable. Parámetros de la consulta, para ensayar fallos:
 *
 *   retraso=S          responde tras S segundos (máx. 30)
 *   estado=N           responde N (400–599) con un JSON de error, o la respuesta de siempre
 *                      con el éxito N (201–203)
 *   fallo=json         JSON mal formado (una coma de más antes de la última llave)
 *   fallo=texto        la temperatura como texto: "21.5"
 *   fallo=nulo         la temperatura a null
 *   fallo=falta        sin el campo de la temperatura
 *   fallo=imposible    la temperatura a -999 (el «sin dato» de muchas APIs)
 *   valor=N            la temperatura vale exactamente N (-1000…1000), sin convertir, en la
 *                      unidad del proveedor: sin punto ni exponente, un entero de JSON (21);
 *                      con ellos, un real (21.0, 60.1). Para los extremos y los enteros
 *   solo=CIUDAD        retraso, estado, fallo y valor solo para esa ciudad (decodificada); las
 *                      demás ciudades, respuesta normal y al momento
 *   sal=TEXTO          otras temperaturas, igual de deterministas (calificadores, pruebas)
 *   unidades=kelvin    solo openweather: temp y feels_like en kelvin (los de main y los de
 *                      los señuelos)
 *
 * Secreto: si el servidor arranca con CURSO_SERVIDOR_CLAVE en su entorno (lo hace cada
 * calificador, con una clave al azar: curso/practica.h), principal.c pone aquí su subclave de
 * /clima (clima_poner_secreto) y entra en cada hash: las temperaturas y la línea y la columna
 * del error de fallo=json dejan de deducirse de la URL. Sin él (make servidor), los números
 * son los de siempre.
 *
 * Memoria: clima_documento() devuelve una referencia propia de jansson; clima_atender()
 * rellena la respuesta (que es del llamador) y no guarda nada.
 */
#ifndef SERVIDOR_CLIMA_H
#define SERVIDOR_CLIMA_H

#include "respuesta.h"

#include <jansson.h>

/* Temperatura base de la ciudad en °C, con un decimal (entre -10.0 y 35.0). `sal` puede ser
 * NULL o "" (la de siempre). */
double clima_base(const char *ciudad, const char *sal);

/* El secreto que entra en cada hash (texto, copiado; "" o NULL: sin secreto). */
void clima_poner_secreto(const char *texto);

/* Documento del proveedor para la ciudad, sin fallos, en °C salvo weathergov (°F). Devuelve
 * 0 y lo deja en *doc (NULL si no hubo memoria), o -1 si el proveedor no existe. */
int clima_documento(const char *proveedor, const char *ciudad, const char *sal, json_t **doc);

/* Atiende GET /clima/{proveedor}: `resto` es lo que sigue a "/clima/" (sin decodificar) y
 * `consulta` la consulta sin '?' (o ""). Errores de uso: 404 (proveedor desconocido) o 400
 * (parámetros inválidos) con la explicación en JSON. */
void clima_atender(respuesta_t *r, const char *resto, const char *consulta);

#endif
