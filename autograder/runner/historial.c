/* historial.c — `make progreso`: cada `make grade` sobre tus archivos anota aquí, por
 * laboratorio, la última nota, la mejor y qué falló la última vez; `calificar --progreso`
 * lo enseña en una tabla con el paso siguiente de cada uno (como `rustlings list`).
 *
 * El historial es un JSON en build/ (no se versiona: es de quien estudia, no del curso):
 *   {"labs": {"07-monitor-web": {"ultima": 4, "mejor": 100, "maximo": 100, "veces": 3,
 *                                "falta": ["entrada_sin_urls", …]}}}
 * Se reescribe entero con rename(): dos `make grade` a la vez no dejan un archivo a medias
 * (el último gana). Lo que no es un archivo normal (/dev/null, un enlace) no se toca.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int historial_anotar(const opciones_t *op, const lab_t *labs, int n)
{
    /* Un historial que existe y no es un archivo normal («HISTORIAL=/dev/null»: no anotar) no
     * se sustituye: el rename de abajo cambiaba /dev/null por un archivo (como root, el de
     * toda la máquina). */
    struct stat st;
    if (lstat(op->historial, &st) == 0 && !S_ISREG(st.st_mode))
        return 0;
    json_t *raiz = json_load_file(op->historial, 0, NULL);
    if (!json_is_object(raiz) || !json_is_object(json_object_get(raiz, "labs"))) {
        json_decref(raiz);
        raiz = json_pack("{s:{}}", "labs");
    }
    json_t *todos = json_object_get(raiz, "labs");
    for (int i = 0; i < n; i++) {
        const lab_t *lab = &labs[i];
        if (!lab->calificado || lab->error_instructor)
            continue;
        int ob = 0, mx = 0;
        json_t *falta = json_array();
        for (int k = 0; k < lab->nv; k++) {
            mx += lab->v[k].puntos;
            if (lab->v[k].ok)
                ob += lab->v[k].puntos;
            else
                json_array_append_new(falta, json_string(lab->v[k].id));
        }
        json_t *antes = json_object_get(todos, lab->carpeta);
        json_int_t mejor = json_integer_value(json_object_get(antes, "mejor"));
        json_int_t veces = json_integer_value(json_object_get(antes, "veces"));
        json_object_set_new(todos, lab->carpeta,
                            json_pack("{s:i, s:I, s:i, s:I, s:o}", "ultima", ob, "mejor",
                                      mejor > ob ? mejor : (json_int_t)ob, "maximo", mx, "veces",
                                      veces + 1, "falta", falta));
    }
    char tmp[PATH_MAX];
    texto_poner(tmp, sizeof tmp, "%s.tmp", op->historial);
    int r = raiz != NULL ? json_dump_file(raiz, tmp, JSON_INDENT(2)) : -1;
    json_decref(raiz);
    if (r == 0 && rename(tmp, op->historial) != 0)
        r = -1;
    return r;
}

static int caracteres(const char *s)
{
    int n = 0;
    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Imprime `s` ocupando `ancho` caracteres (no bytes: los títulos llevan acentos); si no
 * cabe, se corta con «…». */
static void columna(const char *s, int ancho)
{
    int total = caracteres(s), n = 0;
    int cabe = total <= ancho ? total : ancho - 1;
    for (const char *p = s; *p != '\0'; p++) {
        int nuevo = ((unsigned char)*p & 0xc0) != 0x80;
        if (nuevo && n == cabe)
            break;
        n += nuevo;
        putchar(*p);
    }
    if (total > ancho) {
        fputs("…", stdout);
        n++;
    }
    for (; n < ancho; n++)
        putchar(' ');
    putchar(' ');
}

/* El paso siguiente de un laboratorio según su última calificación (memoria nueva). */
static char *paso_siguiente(const lab_t *lab, json_t *e)
{
    if (e == NULL)
        return texto_formato("lee el enunciado (labs/%s/README.md) y prueba «make grade LAB=%s»",
                             lab->carpeta, lab->numero);
    json_t *falta = json_object_get(e, "falta");
    size_t nf = json_array_size(falta);
    if (nf == 0)
        return texto_dup("¡completo!");
    char *t = texto_dup("te falta:");
    for (size_t k = 0; k < nf && k < 3; k++) {
        char *u = texto_formato("%s%s %s", t, k > 0 ? "," : "",
                                json_string_value(json_array_get(falta, k)));
        free(t);
        t = u;
    }
    if (nf > 3) {
        char *u = texto_formato("%s y %zu más", t, nf - 3);
        free(t);
        t = u;
    }
    return t;
}

int historial_mostrar(const opciones_t *op, char **carpetas, int n)
{
    json_error_t err;
    json_t *raiz = json_load_file(op->historial, 0, &err);
    json_t *todos = json_object_get(raiz, "labs");
    int r = 0, completos = 0;
    if (raiz == NULL && access(op->historial, F_OK) == 0) {
        fprintf(stderr, "calificar: el historial %s está dañado (%s); se empieza de cero\n",
                op->historial, err.text);
        r = 2;
    }
    printf("Tu progreso (cada «make grade» lo anota en %s)\n\n", op->historial);
    columna("Lab", 4);
    columna("Título", 30);
    columna("Última", 9);
    columna("Mejor", 9);
    printf("Siguiente paso\n");
    for (int i = 0; i < n; i++) {
        lab_t lab = {0};
        if (labs_cargar(op, carpetas[i], &lab) < 0) {
            printf("%-4s %s: %s\n", lab.numero, carpetas[i], lab.aviso);
            lab_liberar(&lab);
            continue;
        }
        json_t *e = json_object_get(todos, carpetas[i]);
        char ultima[32] = "—", mejor[32] = "—";
        if (e != NULL) {
            int mx = (int)json_integer_value(json_object_get(e, "maximo"));
            int u = (int)json_integer_value(json_object_get(e, "ultima"));
            int m = (int)json_integer_value(json_object_get(e, "mejor"));
            texto_poner(ultima, sizeof ultima, "%d/%d", u, mx);
            texto_poner(mejor, sizeof mejor, "%d/%d", m, mx);
            completos += json_array_size(json_object_get(e, "falta")) == 0;
        }
        char *paso = paso_siguiente(&lab, e);
        columna(lab.numero, 4);
        columna(lab.titulo, 30);
        columna(ultima, 9);
        columna(mejor, 9);
        printf("%s\n", paso);
        free(paso);
        lab_liberar(&lab);
    }
    printf("\n%d de %d laboratorio%s completo%s.\n", completos, n, n == 1 ? "" : "s",
           n == 1 ? "" : "s");
    json_decref(raiz);
    return r;
}
