/* alias.h — rutas opacas que están por otra ruta (servidor-practica --alias ARCHIVO).
 *
 * Un calificador que no quiere que el programa lea el escenario en la URL («/status/404»,
 * «&estado=500», «?seed=…&cortar=…») le da «/c/<ficha>» y apunta en un archivo, fuera de la
 * caja del programa, qué ruta es cada ficha y qué claves puede traer la consulta de la
 * petición. Una línea por alias:
 *
 *   3f9a0c1d…  /status/404
 *   77be41aa…  /clima/openmeteo?sal=x1&estado=500  ciudad
 *
 * - La ficha: de 1 a ALIAS_MAX_FICHA - 1 caracteres A-Z a-z 0-9 _ -; no se repite.
 * - El destino: empieza por '/', no por «/c/» (un alias no lleva a otro), sin espacios,
 *   caracteres de control ni '#', y con menos de ALIAS_MAX_DESTINO bytes.
 * - Las claves (opcional): las únicas que puede traer la consulta de la petición, separadas
 *   por comas (cada una, como la ficha); sin ellas, la petición no puede traer consulta.
 * - Las líneas vacías y las que empiezan por '#' no cuentan. Como mucho ALIAS_MAX alias.
 *
 * «/c/FICHA?CONSULTA» se atiende como el destino con la consulta de la petición delante de
 * la suya: «/c/77be…?ciudad=Lima» es «/clima/openmeteo?ciudad=Lima&sal=x1&estado=500». La
 * consulta solo trae claves de la lista: una petición con otra («/c/77be…?retraso=0&ciudad=
 * Lima», que delante cambiaría el escenario) da un 400 que la nombra. El registro anota la
 * ruta ya traducida (la que se atendió). Una ficha que no está da un 404 que lo dice; sin
 * --alias, «/c/…» es una ruta desconocida más (el 404 de siempre).
 *
 * El archivo se valida entero al arrancar (uno inválido: el servidor explica por qué y sale
 * con 2). Como el calificador inventa alias después de arrancar el servidor (lab 10 elige su
 * sal preguntándole), una ficha desconocida hace que se relea el archivo (lectura síncrona de
 * un archivo pequeño y local, en el hilo del bucle: se acepta en un servidor de pruebas a
 * cambio de no necesitar ningún canal más); si la relectura no vale, se avisa en stderr y se
 * sigue con la tabla anterior. Nada de esto se ve por HTTP: ni GET / lo lista ni una
 * respuesta repite el archivo.
 *
 * Memoria: alias_cargar() deja en *a una tabla que es del llamador hasta alias_liberar().
 * Solo se usa desde el hilo del bucle.
 */
#ifndef SERVIDOR_ALIAS_H
#define SERVIDOR_ALIAS_H

#include <stddef.h>

#define ALIAS_PREFIJO     "/c/"
#define ALIAS_MAX         4096
#define ALIAS_MAX_FICHA   65
#define ALIAS_MAX_DESTINO 1024
#define ALIAS_MAX_CLAVES  256

typedef struct alias_s alias_t;

/* Lee y valida `archivo` (guarda su ruta para releerlo). 0 con la tabla en *a, o -1 con
 * *a = NULL y una explicación en español en `error`, p. ej. «línea 3: falta el destino». */
int alias_cargar(const char *archivo, alias_t **a, char *error, size_t tam);

/* Traduce `url` (ruta con su consulta). Devuelve 0 si no empieza por ALIAS_PREFIJO (o a es
 * NULL): no es cosa de los alias. 1 con la url traducida en `destino` (tamaño `tam`). -1 si
 * la ficha no está (ni tras releer el archivo) o la traducción no cabe en `tam`. -2 si la
 * consulta trae una clave que el alias no permite, con esa clave en `destino`. */
int alias_traducir(alias_t *a, const char *url, char *destino, size_t tam);

/* Número de alias cargados (0 si a es NULL). */
int alias_cuantos(const alias_t *a);

/* Libera la tabla. NULL no hace nada. */
void alias_liberar(alias_t *a);

#endif
