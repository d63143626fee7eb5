/* entrega.c — preparar una entrega para compilarla y lanzarla: copiar sus archivos (y los
 * fijos del laboratorio) a la carpeta de trabajo, decir qué falta si falta algo, y dejar
 * el binario donde el usuario de la caja pueda ejecutarlo.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copia la entrega a trabajo/fuentes: primero los archivos fijos del laboratorio (los .c
 * y .h que no edita el estudiante), luego los del estudiante. */
static int copiar_fuentes(lab_t *lab, const char *dir_lab, const char *origen, const char *fuentes,
                          char *error, size_t tam)
{
    char **fijos = NULL;
    int nf = labs_fijos(lab, dir_lab, &fijos);
    int r = nf < 0 ? -1 : 0;
    if (nf < 0)
        texto_poner(error, tam, "no se puede abrir %s", dir_lab);
    for (int i = 0; r == 0 && i < nf; i++) {
        char a[PATH_MAX], b[PATH_MAX];
        texto_poner(a, sizeof a, "%s/%s", dir_lab, fijos[i]);
        texto_poner(b, sizeof b, "%s/%s", fuentes, fijos[i]);
        r = archivos_copiar(a, b, error, tam);
    }
    for (int i = 0; i < nf; i++)
        free(fijos[i]);
    free(fijos);
    for (int i = 0; r == 0 && i < lab->narchivos; i++) {
        char a[PATH_MAX], b[PATH_MAX];
        texto_poner(a, sizeof a, "%s/%s", origen, lab->archivos[i]);
        texto_poner(b, sizeof b, "%s/%s", fuentes, lab->archivos[i]);
        if (access(a, F_OK) != 0 && errno == ENOENT) {
            texto_poner(error, tam, "falta el archivo %s en %s", lab->archivos[i], origen);
            return -1;
        }
        r = archivos_copiar(a, b, error, tam);
    }
    return r;
}

int entrega_preparar(lab_t *lab, const rutas_t *r)
{
    char error[1024];
    if (copiar_fuentes(lab, r->dir_lab, r->origen, r->fuentes, error, sizeof error) == 0)
        return 0;
    lab->compila = 0;
    lab->compilador = texto_dup(error);
    verificacion_t *v = lab_verificacion(lab, "compila");
    if (v != NULL) {
        char *lista = texto_dup("");
        for (int i = 0; i < lab->narchivos; i++) {
            char *t = texto_formato("%s%s%s", lista, i > 0 ? ", " : "", lab->archivos[i]);
            free(lista);
            lista = t;
        }
        v->ok = 0;
        v->esperado = texto_formato("los archivos de la entrega: %s", lista);
        v->obtenido = texto_dup(error);
        v->detalle = texto_dup("");
        free(lista);
    }
    return -1;
}

int entrega_accesible(const lab_t *lab, rutas_t *r)
{
    /* El programa lo lee y ejecuta el usuario de la caja. */
    chmod(r->binario, 0755);
    chmod(r->trabajo, 0755);
    chmod(r->tmp, 0755);
    if (geteuid() != 0 || caja_alcanza(r->binario))
        return 0;
    /* Si el repositorio cuelga de una carpeta cerrada (p. ej. /root, o un HOME 0700), se
     * usa una copia en una carpeta temporal propia bajo /tmp. */
    texto_poner(r->aparte, sizeof r->aparte, "/tmp/calificar-XXXXXX");
    if (mkdtemp(r->aparte) == NULL) {
        r->aparte[0] = '\0';
        return -errno;
    }
    chmod(r->aparte, 0755);
    char original[PATH_MAX], error[512];
    texto_poner(original, sizeof original, "%s", r->binario);
    texto_poner(r->binario, sizeof r->binario, "%s/%s", r->aparte, lab->programa);
    texto_poner(r->tmp, sizeof r->tmp, "%s/tmp", r->aparte);
    if (archivos_copiar(original, r->binario, error, sizeof error) < 0 || mkdir(r->tmp, 0755) < 0) {
        fprintf(stderr, "calificar: %s\n", error);
        return -EIO;
    }
    chmod(r->binario, 0755);
    return 0;
}
