/* test_json_util.c — errores en español con posición y búsqueda por ruta. */
#include <criterion/criterion.h>
#include <string.h>

#include "curso/json_util.h"

Test(json_util, analiza_y_busca_por_ruta)
{
    const char *texto = "{\"main\":{\"temp\":21.5},\"current\":{\"temp_c\":20},"
                        "\"items\":[{\"id\":7},{\"id\":8}],\"nombre\":\"Bogotá\"}";
    char error[160] = "";
    double v = 0;
    json_t *raiz = jutil_analizar(texto, strlen(texto), error, sizeof(error));

    cr_assert_not_null(raiz, "%s", error);
    cr_assert_eq(jutil_numero(raiz, "main.temp", &v), 0);
    cr_assert_float_eq(v, 21.5, 1e-9);
    cr_assert_eq(jutil_numero(raiz, "current.temp_c", &v), 0);
    cr_assert_float_eq(v, 20.0, 1e-9);
    cr_assert_eq(jutil_numero(raiz, "items.1.id", &v), 0);
    cr_assert_float_eq(v, 8.0, 1e-9);
    cr_assert_str_eq(jutil_texto(raiz, "nombre"), "Bogotá");
    cr_assert_eq(jutil_numero(raiz, "nombre", &v), -1, "una cadena no es un número");
    cr_assert_eq(jutil_numero(raiz, "main.falta", &v), -1);
    cr_assert_null(jutil_buscar(raiz, "items.9.id"));
    cr_assert_null(jutil_buscar(raiz, "items.-1"));
    cr_assert_null(jutil_texto(raiz, "main"));
    json_decref(raiz);
}

Test(json_util, el_error_dice_linea_y_columna_en_espanol)
{
    const char *texto = "{\n  \"a\": 1,\n  \"b\" 2\n}";
    char error[160] = "";
    json_t *raiz = jutil_analizar(texto, strlen(texto), error, sizeof(error));
    cr_assert_null(raiz);
    cr_assert(strstr(error, "línea 3") != NULL, "%s", error);
    cr_assert(strstr(error, "columna") != NULL, "%s", error);
    cr_assert(strstr(error, "se esperaba ':'") != NULL, "%s", error);
}

Test(json_util, texto_vacio_o_nulo)
{
    char error[160] = "";
    cr_assert_null(jutil_analizar("", 0, error, sizeof(error)));
    cr_assert(strstr(error, "JSON inválido") != NULL, "%s", error);
    cr_assert_null(jutil_analizar(NULL, 0, error, sizeof(error)));
    cr_assert_null(jutil_analizar("[1", 2, NULL, 0)); /* el búfer de error es opcional */
}
