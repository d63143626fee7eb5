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
#include <sys/wait.h>
#include <unistd.h>

/* ¿Es `nombre` uno de los `n` de `lista`? */
static int en_lista(char **lista, int n, const char *nombre)
{
    for (int i = 0; i < n; i++)
        if (strcmp(lista[i], nombre) == 0)
            return 1;
    return 0;
}

/* Recoge la entrega tal como llegó (r->origen) en `destino` con recoger.py, la única forma
 * de recoger una entrega (make grade ENTREGA=, grade-clase y Gradescope pasan por aquí).
 * Deja su nota en lab->entrega_nota y su veredicto en lab->entrega_estado. 0, o -1 si no se
 * pudo ejecutar (dicho en `error`). */
static int recoger(lab_t *lab, const rutas_t *r, char **fijos, int nf, const char *destino,
                   char *error, size_t tam)
{
    char script[PATH_MAX];
    texto_poner(script, sizeof script, "%s/../../autograder/herramientas/recoger.py", r->dir_lab);
    const char *argv[16 + 2 * 64 + 2 * 64];
    int n = 0;
    argv[n++] = "/usr/bin/env";
    argv[n++] = "python3";
    argv[n++] = "-I"; /* aislado: ni PYTHONPATH ni el site del usuario */
    argv[n++] = script;
    argv[n++] = "--carpeta";
    argv[n++] = lab->carpeta;
    for (int i = 0; i < lab->narchivos && i < 64; i++) {
        argv[n++] = "--archivo";
        argv[n++] = lab->archivos[i];
    }
    for (int i = 0; i < nf && i < 64; i++) {
        argv[n++] = "--fijo";
        argv[n++] = fijos[i];
    }
    if (lab->archivos_extra)
        argv[n++] = "--extra";
    argv[n++] = "--";
    argv[n++] = r->origen;
    argv[n++] = destino;
    argv[n] = NULL;
    static const char *const entorno[] = {"PATH=/usr/local/bin:/usr/bin:/bin",
                                          "LANG=C.UTF-8",
                                          "LC_ALL=C.UTF-8",
                                          "PYTHONIOENCODING=utf-8",
                                          "PYTHONDONTWRITEBYTECODE=1",
                                          NULL};
    orden_t o = {.argv = argv, .entorno = entorno, .carpeta = "/", .limite_s = 60};
    int e = orden_ejecutar(&o);
    char *salida = texto_sanear(o.capturado != NULL ? o.capturado : "");
    free(o.capturado);
    int codigo = e == 0 && !o.excedido && WIFEXITED(o.estado) ? WEXITSTATUS(o.estado) : -1;
    if (codigo != 0 && codigo != ENTREGA_VACIA && codigo != ENTREGA_INCALIFICABLE) {
        texto_poner(error, tam, "no se pudo recoger la entrega (recoger.py, código %d): %s", codigo,
                    salida);
        free(salida);
        return -1;
    }
    /* Una sola línea «Entrega: …» (sin el salto final). */
    size_t len = strlen(salida);
    while (len > 0 && (salida[len - 1] == '\n' || salida[len - 1] == ' '))
        salida[--len] = '\0';
    if (len > 0)
        lab->entrega_nota = salida;
    else
        free(salida);
    lab->entrega_estado = codigo;
    return 0;
}

/* Los .c/.h de más que dejó la recogida en `dir` (ni del laboratorio ni fijos): a lab->extra. */
static void anotar_extra(lab_t *lab, const char *dir, char **fijos, int nf)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 3 || e->d_name[len - 2] != '.' ||
            (e->d_name[len - 1] != 'c' && e->d_name[len - 1] != 'h') ||
            en_lista(lab->archivos, lab->narchivos, e->d_name) || en_lista(fijos, nf, e->d_name))
            continue;
        char **t = realloc(lab->extra, sizeof *t * (size_t)(lab->nextra + 1));
        if (t == NULL)
            break;
        lab->extra = t;
        lab->extra[lab->nextra++] = texto_dup(e->d_name);
    }
    if (d != NULL)
        closedir(d);
}

/* Copia la entrega a trabajo/fuentes: primero los archivos fijos del laboratorio (los .c
 * y .h que no edita el estudiante), luego los del estudiante (y, si el laboratorio lo
 * permite, sus .c/.h de más). Una entrega (--entrega) se recoge antes con recoger.py. */
static int copiar_fuentes(lab_t *lab, const rutas_t *r, char *error, size_t tam)
{
    char **fijos = NULL;
    int nf = labs_fijos(lab, r->dir_lab, &fijos);
    int res = nf < 0 ? -1 : 0;
    char origen[PATH_MAX];
    texto_poner(origen, sizeof origen, "%s", r->origen);
    if (nf < 0)
        texto_poner(error, tam, "no se puede abrir %s", r->dir_lab);
    if (res == 0 && r->es_entrega) {
        texto_poner(origen, sizeof origen, "%s/entrega", r->trabajo);
        res = recoger(lab, r, fijos, nf, origen, error, tam);
        if (res == 0)
            anotar_extra(lab, origen, fijos, nf);
    }
    for (int i = 0; res == 0 && i < nf; i++) {
        char a[PATH_MAX], b[PATH_MAX];
        texto_poner(a, sizeof a, "%s/%s", r->dir_lab, fijos[i]);
        texto_poner(b, sizeof b, "%s/%s", r->fuentes, fijos[i]);
        res = archivos_copiar(a, b, error, tam);
    }
    for (int i = 0; i < nf; i++)
        free(fijos[i]);
    free(fijos);
    for (int i = 0; res == 0 && i < lab->narchivos + lab->nextra; i++) {
        const char *nombre = i < lab->narchivos ? lab->archivos[i] : lab->extra[i - lab->narchivos];
        char a[PATH_MAX], b[PATH_MAX];
        texto_poner(a, sizeof a, "%s/%s", origen, nombre);
        texto_poner(b, sizeof b, "%s/%s", r->fuentes, nombre);
        if (access(a, F_OK) != 0 && errno == ENOENT) {
            if (r->es_entrega)
                texto_poner(error, tam, "falta el archivo %s en la entrega", nombre);
            else
                texto_poner(error, tam, "falta el archivo %s en %s", nombre, origen);
            return -1;
        }
        res = archivos_copiar(a, b, error, tam);
    }
    return res;
}

int entrega_preparar(lab_t *lab, const rutas_t *r)
{
    char error[1024];
    if (copiar_fuentes(lab, r, error, sizeof error) == 0)
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
     * usa una copia en una carpeta temporal propia (caja_carpeta_aparte: $TMPDIR o /tmp). */
    caja_carpeta_aparte(r->aparte, sizeof r->aparte, "calificar");
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
