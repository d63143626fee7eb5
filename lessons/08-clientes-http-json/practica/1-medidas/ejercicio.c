/* ejercicio.c — medidas en JSON (práctica 1 de la lección 8).
 *
 *   medidas 'JSON'    lee {"ciudad": "…", "temperaturas": [n, …]}, comprueba su forma y
 *                     escribe un resumen, primero en texto y después en JSON.
 *
 * Tal como está, analiza el texto y no mira nada dentro. Tu trabajo: resumir() (ver
 * README.md).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curso/json_util.h"

/* Comprueba la forma y escribe el resumen. Devuelve 0 o 1 (forma inesperada). */
static int resumir(json_t *raiz)
{
    /* TODO: comprobar cada tipo antes de leerlo, la línea de texto y el resumen en JSON */
    (void)raiz;
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
    /* TODO: ¿de quién es raiz? */
    return estado;
}
