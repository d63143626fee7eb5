/* pista.c — `make pista`: la pista concreta de la primera verificación que falla, solo
 * cuando se pide (como el «hint» de rustlings).
 *
 * El informe de `make grade` da la idea («pista»); aquí se da el paso siguiente
 * («pista_detallada» de lab.json, o la misma pista si el laboratorio no tiene otra). Se mira
 * la última calificación (results.json de la carpeta de informes), no se vuelve a calificar:
 * así es instantáneo y dice justo lo que falló la última vez.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* El id de la primera verificación fallida de `carpeta` en `tests`, o NULL. */
static const char *primera_fallida(json_t *tests, const char *carpeta)
{
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t)
    {
        json_t *extra = json_object_get(t, "extra_data");
        const char *lab = json_string_value(json_object_get(extra, "lab"));
        const char *estado = json_string_value(json_object_get(t, "status"));
        if (lab != NULL && strcmp(lab, carpeta) == 0 && estado != NULL &&
            strcmp(estado, "passed") != 0)
            return json_string_value(json_object_get(extra, "id"));
    }
    return NULL;
}

static void mostrar(const lab_t *lab, const verificacion_t *v, const char *informe)
{
    const char *texto =
        v->pista_detallada != NULL && v->pista_detallada[0] != '\0' ? v->pista_detallada : v->pista;
    printf("Pista para el laboratorio %s, «%s»\n", lab->numero, v->nombre);
    printf("(la primera verificación que falla en tu última calificación, %s)\n\n", informe);
    printf("  Qué se comprueba: %s\n\n", v->que);
    printf("  %s\n\n", texto != NULL && texto[0] != '\0' ? texto
                                                         : "(este laboratorio no tiene "
                                                           "pista para esta verificación)");
    printf("Cuando lo arregles: make grade LAB=%s\n", lab->numero);
}

int pista_mostrar(const opciones_t *op, char **carpetas, int n)
{
    char ruta[PATH_MAX];
    texto_poner(ruta, sizeof ruta, "%s/results.json", op->salida);
    json_t *raiz = json_load_file(ruta, 0, NULL);
    json_t *tests = json_object_get(raiz, "tests");
    if (!json_is_array(tests)) {
        printf("Aún no hay ninguna calificación que mirar (%s): ejecuta antes «make grade%s%s».\n",
               ruta, op->lab != NULL ? " LAB=" : "", op->lab != NULL ? op->lab : "");
        json_decref(raiz);
        return 2;
    }
    int mostrada = 0;
    for (int i = 0; i < n && !mostrada; i++) {
        const char *id = primera_fallida(tests, carpetas[i]);
        lab_t lab = {0};
        if (id != NULL && labs_cargar(op, carpetas[i], &lab) == 0) {
            const verificacion_t *v = lab_verificacion(&lab, id);
            if (v != NULL) {
                mostrar(&lab, v, ruta);
                mostrada = 1;
            }
        }
        lab_liberar(&lab);
    }
    if (!mostrada)
        printf("En tu última calificación (%s) no falla ninguna verificación%s%s: no hay pista "
               "que dar. ¡Bien hecho!\n",
               ruta, op->lab != NULL ? " del laboratorio " : "", op->lab != NULL ? op->lab : "");
    json_decref(raiz);
    return 0;
}
