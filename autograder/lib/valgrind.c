/* valgrind.c — el veredicto de valgrind, igual para todos los calificadores.
 *
 * cal_lanzar(.valgrind = 1) ejecuta la entrega con --trace-children=yes y el informe de
 * todos los procesos en un mismo descriptor. Un programa limpio deja exactamente una orden
 * («Command:») —la suya— y un «ERROR SUMMARY: 0 errors». Trampas que esto cierra: hacer el
 * trabajo en un hijo mientras el padre sale limpio (el hijo tiene su propio informe), o
 * terminar con un exec de otro programa limpio (/bin/true) tras una salida sucia (aparece
 * una segunda orden). El código CAL_CODIGO_VALGRIND dice que valgrind vio errores o fugas.
 */
#define _GNU_SOURCE
#include "calificador/calificador.h"

#include <stdio.h>
#include <string.h>

/* Cuántas veces aparece `aguja` al principio de una línea del informe, tras «==PID== ». */
static int contar_entradas(const char *informe, const char *aguja)
{
    int n = 0;
    for (const char *p = informe; p != NULL && *p != '\0';) {
        const char *fin = strchr(p, '\n');
        size_t largo = fin != NULL ? (size_t)(fin - p) : strlen(p);
        const char *texto = p;
        if (largo > 2 && p[0] == '=' && p[1] == '=') {
            const char *cierre = memmem(p + 2, largo - 2, "== ", 3);
            if (cierre != NULL)
                texto = cierre + 3;
        }
        size_t n_aguja = strlen(aguja);
        if ((size_t)(p + largo - texto) >= n_aguja && strncmp(texto, aguja, n_aguja) == 0)
            n++;
        p = fin != NULL ? fin + 1 : NULL;
    }
    return n;
}

int cal_valgrind_veredicto(const cal_proceso_t *p, char *motivo, size_t tam)
{
    const char *vg = cal_valgrind(p);
    int ordenes = contar_entradas(vg, "Command: ");
    int resumenes = contar_entradas(vg, "ERROR SUMMARY: ");
    int limpios = contar_entradas(vg, "ERROR SUMMARY: 0 errors");
    int codigo = cal_codigo(p);
    if (ordenes == 0 || resumenes == 0) {
        snprintf(motivo, tam, "valgrind no llegó a dar su resumen (¿terminó el programa?)");
        return 0;
    }
    if (ordenes > 1) {
        snprintf(motivo, tam,
                 "el informe tiene %d programas: la entrega ejecutó otro programa o creó "
                 "procesos, y cada uno debe estar limpio y ser el mismo programa",
                 ordenes);
        return 0;
    }
    if (codigo == CAL_CODIGO_VALGRIND || limpios != resumenes) {
        snprintf(motivo, tam, "valgrind encontró errores de memoria o fugas (código %d)",
                 CAL_CODIGO_VALGRIND);
        return 0;
    }
    snprintf(motivo, tam, "valgrind: 0 errores y sin fugas");
    return 1;
}

void cal_valgrind_nota(const cal_proceso_t *p)
{
    static char buf[8192];
    const char *vg = cal_valgrind(p);
    /* Lo más útil primero: el primer error con su pila, o el resumen de fugas. */
    static const char *const marcas[] = {"Invalid ",           "uninitialised",
                                         "Conditional jump",   "definitely lost in",
                                         "indirectly lost in", NULL};
    const char *error = NULL;
    for (int i = 0; marcas[i] != NULL && error == NULL; i++)
        error = strstr(vg, marcas[i]);
    if (error != NULL) {
        while (error > vg && error[-1] != '\n')
            error--;
        cal_nota("Primer problema que señala valgrind:\n%s",
                 cal_extracto(error, 14, buf, sizeof buf));
    }
    const char *resumen = strstr(vg, "LEAK SUMMARY");
    if (resumen == NULL)
        resumen = strstr(vg, "ERROR SUMMARY");
    if (resumen != NULL) {
        while (resumen > vg && resumen[-1] != '\n')
            resumen--;
        cal_nota("Resumen de valgrind:\n%s", cal_extracto(resumen, 8, buf, sizeof buf));
    } else if (error == NULL) {
        cal_nota("Informe de valgrind:\n%s", cal_extracto(vg, 14, buf, sizeof buf));
    }
}
