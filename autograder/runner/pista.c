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

/* Marca en `lab` lo que dice `tests` (results.json) de cada verificación suya: ok si pasó.
 * Devuelve cuántas de las suyas aparecen (0: el laboratorio no se calificó la última vez). */
static int leer_estados(json_t *tests, lab_t *lab)
{
    size_t i;
    json_t *t;
    int vistas = 0;
    json_array_foreach(tests, i, t)
    {
        json_t *extra = json_object_get(t, "extra_data");
        const char *carpeta = json_string_value(json_object_get(extra, "lab"));
        const char *id = json_string_value(json_object_get(extra, "id"));
        const char *estado = json_string_value(json_object_get(t, "status"));
        verificacion_t *v = id != NULL ? lab_verificacion(lab, id) : NULL;
        if (carpeta == NULL || strcmp(carpeta, lab->carpeta) != 0 || v == NULL)
            continue;
        v->ok = estado != NULL && strcmp(estado, "passed") == 0;
        vistas++;
    }
    return vistas;
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
        lab_t lab = {0};
        if (labs_cargar(op, carpetas[i], &lab) == 0) {
            /* Las que no salen en results.json (otro laboratorio, o HITO=) no cuentan. */
            for (int k = 0; k < lab.nv; k++)
                lab.v[k].ok = 1;
            int primera = leer_estados(tests, &lab) > 0 ? lab_primera_fallida(&lab) : -1;
            if (primera >= 0) {
                mostrar(&lab, &lab.v[primera], ruta);
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
