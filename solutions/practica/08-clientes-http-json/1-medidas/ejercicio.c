/* ejercicio.c — medidas en JSON (práctica 1 de la lección 8): una respuesta.
 *
 *   medidas 'JSON'    lee {"ciudad": "…", "temperaturas": [n, …]}, comprueba su forma y
 *                     escribe un resumen, primero en texto y después en JSON.
 *
 * jutil_analizar da una referencia propia (la raíz): se suelta una vez, al final, por todos
 * los caminos. json_object_get da prestadas, que viven lo que viva la raíz: no se sueltan, y
 * para meter una en el resumen se usa «O» (suma una referencia), no «o» (se la quedaría).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curso/json_util.h"

/* Comprueba la forma y escribe el resumen. Devuelve 0 o 1 (forma inesperada). */
static int resumir(json_t *raiz)
{
    json_t *ciudad = json_object_get(raiz, "ciudad");           /* prestada */
    json_t *temperaturas = json_object_get(raiz, "temperaturas"); /* prestada */
    json_t *t, *resumen;
    size_t i, n;
    double suma = 0, maxima = 0;
    char *texto;

    if (!json_is_string(ciudad)) {
        fprintf(stderr, "forma inesperada: «ciudad» debe ser una cadena\n");
        return 1;
    }
    if (!json_is_array(temperaturas) || json_array_size(temperaturas) == 0) {
        fprintf(stderr, "forma inesperada: «temperaturas» debe ser una lista no vacía\n");
        return 1;
    }
    n = json_array_size(temperaturas);
    json_array_foreach(temperaturas, i, t)
    {
        double v;
        if (!json_is_number(t)) { /* 14 es entero y 14.5 real: los dos valen */
            fprintf(stderr, "forma inesperada: la temperatura %zu no es un número\n", i);
            return 1;
        }
        v = json_number_value(t);
        suma += v;
        if (i == 0 || v > maxima)
            maxima = v;
    }
    printf("%s: %zu medidas, media %.1f, máxima %.1f\n", json_string_value(ciudad), n, suma / n, maxima);

    /* «O»: la ciudad es prestada; el resumen suma su propia referencia. */
    resumen = json_pack("{s:O, s:i, s:f}", "ciudad", ciudad, "medidas", (int)n, "maxima", maxima);
    if (resumen == NULL)
        return 1;
    texto = json_dumps(resumen, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(resumen);
    if (texto == NULL)
        return 1;
    printf("%s\n", texto);
    free(texto);
    return 0;
}

int main(int argc, char **argv)
{
    char error[200];
    json_t *raiz;
    int estado;

    if (argc != 2) {
        fprintf(stderr, "uso: %s 'JSON'\n", argv[0]);
        return 2;
    }
    raiz = jutil_analizar(argv[1], strlen(argv[1]), error, sizeof error);
    if (raiz == NULL) {
        fprintf(stderr, "%s\n", error);
        return 1;
    }
    estado = resumir(raiz);
    json_decref(raiz); /* la única referencia propia: una vez, por todos los caminos */
    return estado;
}
