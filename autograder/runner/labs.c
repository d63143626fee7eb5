/* labs.c — qué laboratorios hay (labs/NN-tema/lab.json) y sus datos para quien no lee JSON.
 *
 * El ejecutor es lo único que lee lab.json (manifiesto.c, con jansson). Make y los guiones
 * de prueba le preguntan: `calificar --variables` escribe las variables que labs/labs.mk
 * incluye (programa y archivos del estudiante de cada laboratorio) y `calificar --lista`
 * una línea por dato, separada por tabuladores («lab␉clave␉valor…»), para los guiones.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int comparar(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int es_laboratorio(const char *n)
{
    return n[0] >= '0' && n[0] <= '9' && n[1] >= '0' && n[1] <= '9' && n[2] == '-';
}

int labs_descubrir(const opciones_t *op, char ***carpetas)
{
    char dir[PATH_MAX];
    texto_poner(dir, sizeof dir, "%s/labs", op->raiz);
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "calificar: no se encuentra %s\n", dir);
        return -1;
    }
    int n = 0, cap = 16;
    *carpetas = calloc((size_t)cap, sizeof **carpetas);
    struct dirent *e;
    while (*carpetas != NULL && (e = readdir(d)) != NULL) {
        char m[PATH_MAX];
        texto_poner(m, sizeof m, "%s/%s/lab.json", dir, e->d_name);
        if (!es_laboratorio(e->d_name) || access(m, R_OK) != 0 ||
            (op->lab != NULL && strncmp(e->d_name, op->lab, strlen(op->lab)) != 0))
            continue;
        if (n == cap) {
            cap *= 2;
            char **nuevo = realloc(*carpetas, (size_t)cap * sizeof **carpetas);
            if (nuevo == NULL)
                break;
            *carpetas = nuevo;
        }
        (*carpetas)[n++] = texto_dup(e->d_name);
    }
    closedir(d);
    qsort(*carpetas, (size_t)n, sizeof **carpetas, comparar);
    if (n == 0 && !op->variables)
        fprintf(stderr, "calificar: no hay ningún laboratorio%s%s en %s\n",
                op->lab != NULL ? " que empiece por " : "", op->lab != NULL ? op->lab : "", dir);
    else if (op->entrega != NULL && n > 1)
        fprintf(stderr, "calificar: LAB=%s coincide con varios laboratorios\n", op->lab);
    if ((n == 0 && !op->variables) || (op->entrega != NULL && n > 1)) {
        for (int i = 0; i < n; i++)
            free((*carpetas)[i]);
        free(*carpetas);
        *carpetas = NULL;
        return -1;
    }
    return n;
}

int labs_cargar(const opciones_t *op, const char *carpeta, lab_t *lab)
{
    char m[PATH_MAX], error[512];
    lab->carpeta = texto_dup(carpeta);
    texto_poner(lab->numero, sizeof lab->numero, "%.2s", carpeta);
    texto_poner(m, sizeof m, "%s/labs/%s/lab.json", op->raiz, carpeta);
    if (manifiesto_leer(m, lab, error, sizeof error) == 0)
        return 0;
    /* Sin manifiesto válido no hay puntos que repartir: error del calificador. */
    lab->aviso = texto_formato("lab.json inválido: %s", error);
    lab->error_instructor = 1;
    if (lab->titulo == NULL)
        lab->titulo = texto_dup(carpeta);
    lab->nv = 0;
    return -1;
}

/* ¿Es `nombre` un archivo del estudiante (está en «archivos»)? */
static int del_estudiante(const lab_t *lab, const char *nombre)
{
    for (int i = 0; i < lab->narchivos; i++)
        if (strcmp(lab->archivos[i], nombre) == 0)
            return 1;
    return 0;
}

int labs_fijos(const lab_t *lab, const char *dir_lab, char ***fijos)
{
    DIR *d = opendir(dir_lab);
    *fijos = NULL;
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *nom = e->d_name;
        size_t len = strlen(nom);
        if (nom[0] == '.' || len < 3 ||
            (strcmp(nom + len - 2, ".c") != 0 && strcmp(nom + len - 2, ".h") != 0) ||
            del_estudiante(lab, nom))
            continue;
        char **mas = realloc(*fijos, (size_t)(n + 1) * sizeof **fijos);
        if (mas == NULL)
            break;
        *fijos = mas;
        (*fijos)[n++] = texto_dup(nom);
    }
    closedir(d);
    if (n > 0)
        qsort(*fijos, (size_t)n, sizeof **fijos, comparar);
    return n;
}

int labs_variables(const opciones_t *op, char **carpetas, int n)
{
    printf("# Generado por «calificar --variables» a partir de labs/*/lab.json: no editar.\n");
    printf("LABS_NOMBRES :=");
    for (int i = 0; i < n; i++)
        printf(" %s", carpetas[i]);
    printf("\n");
    int r = 0;
    for (int i = 0; i < n; i++) {
        lab_t lab = {0};
        if (labs_cargar(op, carpetas[i], &lab) < 0) {
            fprintf(stderr, "calificar: labs/%s: %s\n", carpetas[i], lab.aviso);
            r = 3;
        } else {
            printf("LAB_%s_PROG := %s\nLAB_%s_FIJOS :=", carpetas[i], lab.programa, carpetas[i]);
            char dir[PATH_MAX], **fijos = NULL;
            texto_poner(dir, sizeof dir, "%s/labs/%s", op->raiz, carpetas[i]);
            int nf = labs_fijos(&lab, dir, &fijos);
            for (int k = 0; k < nf; k++) {
                size_t len = strlen(fijos[k]);
                if (strcmp(fijos[k] + len - 2, ".c") == 0)
                    printf(" labs/%s/%s", carpetas[i], fijos[k]);
                free(fijos[k]);
            }
            free(fijos);
            printf("\n");
        }
        lab_liberar(&lab);
    }
    return r;
}

int labs_lista(const opciones_t *op, char **carpetas, int n)
{
    int r = 0;
    for (int i = 0; i < n; i++) {
        lab_t lab = {0};
        const char *c = carpetas[i];
        if (labs_cargar(op, c, &lab) < 0) {
            fprintf(stderr, "calificar: labs/%s: %s\n", c, lab.aviso);
            r = 3;
            lab_liberar(&lab);
            continue;
        }
        printf("%s\tprograma\t%s\n%s\ttitulo\t%s\n", c, lab.programa, c, lab.titulo);
        printf("%s\ttiempo_objetivo_s\t%d\n%s\tsolucion_publicada\t%d\n", c, lab.tiempo_objetivo_s,
               c, lab.solucion_publicada);
        printf("%s\ttiempo_limite_s\t%d\n%s\ttrabajos\t%d\n", c, lab.tiempo_limite_s, c,
               lab.trabajos);
        for (int k = 0; k < lab.narchivos; k++)
            printf("%s\tarchivo\t%s\n", c, lab.archivos[k]);
        for (int k = 0; k < lab.nv; k++)
            printf("%s\tverificacion\t%s\t%d\t%s\n", c, lab.v[k].id, lab.v[k].puntos,
                   lab.v[k].nombre);
        /* Los hitos: «hito», su id, sus verificaciones (separadas por espacios) y su título. */
        for (int h = 0; h < lab.nhitos; h++) {
            printf("%s\thito\t%s\t", c, lab.hitos[h].id);
            const char *sep = "";
            for (int k = 0; k < lab.nv; k++)
                if (lab.v[k].hito == h) {
                    printf("%s%s", sep, lab.v[k].id);
                    sep = " ";
                }
            printf("\t%s\n", lab.hitos[h].titulo);
        }
        lab_liberar(&lab);
    }
    return r;
}
