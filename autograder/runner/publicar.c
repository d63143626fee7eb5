/* publicar.c — `make publicar LAB=07`, `make despublicar LAB=07` y `make estado-soluciones`:
 * el campo «solucion_publicada» de lab.json, que decide qué soluciones entran en la edición
 * del estudiante (autograder/herramientas/edicion.sh).
 *
 * lab.json lo escribe a mano quien hace el laboratorio, con el formato que le guste: aquí
 * solo se cambia el valor de ese campo en el texto (true/false), sin reformatear el resto,
 * y después se vuelve a leer con el lector de siempre para comprobar que sigue siendo válido
 * y dice lo que debe. Si el campo no está, se añade al principio del objeto.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CAMPO "\"solucion_publicada\""

/* Escribe `texto` en `ruta` con rename() atómico. 0 o -1. */
static int escribir(const char *ruta, const char *texto)
{
    char tmp[PATH_MAX];
    texto_poner(tmp, sizeof tmp, "%s.tmp", ruta);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    int r = fputs(texto, f) < 0 ? -1 : 0;
    if (fclose(f) != 0)
        r = -1;
    struct stat st;
    if (r == 0 && stat(ruta, &st) == 0)
        chmod(tmp, st.st_mode & 07777);
    if (r == 0 && rename(tmp, ruta) != 0)
        r = -1;
    if (r != 0)
        remove(tmp);
    return r;
}

/* El texto de lab.json con el campo a `valor`, o NULL (y el motivo en `error`). */
static char *cambiar_texto(const char *texto, int valor, char *error, size_t tam)
{
    const char *nuevo = valor ? "true" : "false";
    const char *p = strstr(texto, CAMPO);
    if (p != NULL && strstr(p + 1, CAMPO) != NULL) {
        texto_poner(error, tam, "«solucion_publicada» aparece más de una vez");
        return NULL;
    }
    if (p == NULL) {
        const char *llave = strchr(texto, '{');
        if (llave == NULL) {
            texto_poner(error, tam, "no es un objeto JSON");
            return NULL;
        }
        return texto_formato("%.*s\n  " CAMPO ": %s,%s", (int)(llave - texto + 1), texto, nuevo,
                             llave + 1);
    }
    const char *v = p + strlen(CAMPO);
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    if (*v != ':') {
        texto_poner(error, tam, "no se entiende el valor de «solucion_publicada»");
        return NULL;
    }
    v++;
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    size_t largo = strncmp(v, "true", 4) == 0 ? 4 : strncmp(v, "false", 5) == 0 ? 5 : 0;
    if (largo == 0) {
        texto_poner(error, tam, "«solucion_publicada» debe ser true o false");
        return NULL;
    }
    return texto_formato("%.*s%s%s", (int)(v - texto), texto, nuevo, v + largo);
}

int publicar_cambiar(const opciones_t *op, char **carpetas, int n, int valor)
{
    if (n != 1) {
        fprintf(stderr, "calificar: LAB=%s coincide con %d laboratorios: di uno solo\n", op->lab,
                n);
        return 2;
    }
    char ruta[PATH_MAX], error[512];
    texto_poner(ruta, sizeof ruta, "%s/labs/%s/lab.json", op->raiz, carpetas[0]);
    lab_t antes = {0};
    if (labs_cargar(op, carpetas[0], &antes) < 0) {
        fprintf(stderr, "calificar: labs/%s: %s\n", carpetas[0], antes.aviso);
        lab_liberar(&antes);
        return 3;
    }
    int ya = antes.solucion_publicada == valor;
    lab_liberar(&antes);
    char sol[PATH_MAX];
    texto_poner(sol, sizeof sol, "%s/solutions/%s", op->raiz, carpetas[0]);
    struct stat st;
    if (valor && (stat(sol, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "calificar: no hay solutions/%s: no hay solución que publicar\n",
                carpetas[0]);
        return 2;
    }
    if (ya) {
        printf("El laboratorio %s ya estaba %s: no cambia nada.\n", carpetas[0],
               valor ? "publicado" : "sin publicar");
        return 0;
    }
    char *texto = archivos_leer(ruta, 1 << 20);
    char *nuevo = texto != NULL ? cambiar_texto(texto, valor, error, sizeof error) : NULL;
    if (texto == NULL)
        texto_poner(error, sizeof error, "no se puede leer");
    int r = nuevo != NULL && escribir(ruta, nuevo) == 0 ? 0 : 3;
    if (nuevo != NULL && r != 0)
        texto_poner(error, sizeof error, "no se puede escribir");
    /* Se comprueba con el lector de siempre; si algo no cuadra, se deja como estaba. */
    lab_t despues = {0};
    if (r == 0 &&
        (labs_cargar(op, carpetas[0], &despues) < 0 || despues.solucion_publicada != valor)) {
        texto_poner(error, sizeof error, "el resultado no se lee bien; se deja como estaba");
        escribir(ruta, texto);
        r = 3;
    }
    lab_liberar(&despues);
    if (r == 0)
        printf("Laboratorio %s: solución %s (labs/%s/lab.json). %s\n", carpetas[0],
               valor ? "PUBLICADA" : "retirada", carpetas[0],
               valor ? "La próxima «make edicion-estudiante DEST=…» la añade en un commit nuevo."
                     : "Las ediciones ya repartidas la conservan: retirarla no la borra de "
                       "sus clones.");
    else
        fprintf(stderr, "calificar: labs/%s/lab.json: %s\n", carpetas[0], error);
    free(texto);
    free(nuevo);
    return r;
}

int publicar_estado(const opciones_t *op, char **carpetas, int n)
{
    int r = 0;
    printf("%-24s %s %s\n", "Laboratorio", "Solución    ", "En solutions/");
    for (int i = 0; i < n; i++) {
        lab_t lab = {0};
        char sol[PATH_MAX];
        struct stat st;
        texto_poner(sol, sizeof sol, "%s/solutions/%s", op->raiz, carpetas[i]);
        int hay = stat(sol, &st) == 0 && S_ISDIR(st.st_mode);
        if (labs_cargar(op, carpetas[i], &lab) < 0) {
            printf("%-24s %-12s %s\n", carpetas[i], "¿?", lab.aviso);
            r = 3;
        } else {
            /* «%-12s» cuenta bytes: «sin publicar» y «publicada» no llevan acentos. */
            printf("%-24s %-12s %s\n", carpetas[i],
                   lab.solucion_publicada ? "publicada" : "sin publicar",
                   hay ? "sí" : "no (en esta copia no está)");
        }
        lab_liberar(&lab);
    }
    return r;
}
