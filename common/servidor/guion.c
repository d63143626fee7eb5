/* guion.c — carga y validación del guion de rutas opacas y reparto de sus pasos (ver
 * guion.h). Todo se valida al cargar: después, atender una petición no puede fallar. */
#include "guion.h"
#include "texto.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GUION_MAX_BYTES (1024 * 1024)

typedef struct {
    guion_paso_t paso;
    unsigned long veces;
} paso_t;

typedef struct {
    char ruta[GUION_MAX_RUTA];
    paso_t pasos[GUION_MAX_PASOS];
    int npasos;
    guion_paso_t despues;
    int actual;             /* paso en curso (npasos = ya en «despues») */
    unsigned long servidas; /* peticiones servidas del paso en curso */
} ruta_t;

struct guion_s {
    ruta_t *rutas;
    int n;
};

/* Ruta aceptable: empieza por '/', sin consulta, sin espacios ni controles, y cabe. */
static int ruta_valida(const char *r)
{
    size_t n = strlen(r);
    if (n == 0 || n >= GUION_MAX_RUTA || r[0] != '/')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)r[i];
        if (c <= ' ' || c == 0x7f || c == '?' || c == '#')
            return 0;
    }
    return 1;
}

/* Entero de `o[clave]` en [min, max]; si falta, `omision` (o error si omision < 0). */
static int entero(json_t *o, const char *clave, long long min, long long max, long long omision,
                  long long *v, const char *ruta, char *error, size_t tam)
{
    json_t *x = json_object_get(o, clave);
    if (x == NULL) {
        if (omision < 0) {
            snprintf(error, tam, "«%s»: a un paso le falta «%s»", ruta, clave);
            return -1;
        }
        *v = omision;
        return 0;
    }
    if (!json_is_integer(x) || json_integer_value(x) < min || json_integer_value(x) > max) {
        snprintf(error, tam, "«%s»: «%s» tiene que ser un entero entre %lld y %lld", ruta, clave,
                 min, max);
        return -1;
    }
    *v = json_integer_value(x);
    return 0;
}

/* Lee un paso. `con_veces` = 0 para «despues» (no admite «veces»). */
static int leer_paso(json_t *o, int con_veces, paso_t *p, const char *ruta, char *error, size_t tam)
{
    if (!json_is_object(o)) {
        snprintf(error, tam, "«%s»: cada paso tiene que ser un objeto {\"estado\": …}", ruta);
        return -1;
    }
    const char *clave;
    json_t *valor;
    json_object_foreach(o, clave, valor)
    {
        (void)valor;
        if (strcmp(clave, "estado") != 0 && strcmp(clave, "retraso_ms") != 0 &&
            (!con_veces || strcmp(clave, "veces") != 0)) {
            snprintf(error, tam, "«%s»: clave desconocida «%s» en un paso%s", ruta, clave,
                     !con_veces && strcmp(clave, "veces") == 0 ? " de «despues» (se repite "
                                                                 "siempre)"
                                                               : "");
            return -1;
        }
    }
    long long estado, retraso, veces;
    if (entero(o, "estado", 100, 599, -1, &estado, ruta, error, tam) < 0 ||
        entero(o, "retraso_ms", 0, GUION_MAX_RETRASO_MS, 0, &retraso, ruta, error, tam) < 0 ||
        entero(o, "veces", 1, GUION_MAX_VECES, 1, &veces, ruta, error, tam) < 0)
        return -1;
    p->paso.estado = (int)estado;
    p->paso.retraso_ms = (uint64_t)retraso;
    p->veces = (unsigned long)veces;
    return 0;
}

static int leer_ruta(const char *nombre, json_t *o, ruta_t *r, char *error, size_t tam)
{
    if (!ruta_valida(nombre)) {
        snprintf(error, tam,
                 "la ruta «%.80s» no vale: tiene que empezar por «/», tener menos de "
                 "%d bytes y no llevar «?», «#», espacios ni caracteres de control",
                 nombre, GUION_MAX_RUTA);
        return -1;
    }
    snprintf(r->ruta, sizeof r->ruta, "%s", nombre);
    if (!json_is_object(o)) {
        snprintf(error, tam, "«%s»: se esperaba un objeto {\"pasos\": […], \"despues\": {…}}",
                 nombre);
        return -1;
    }
    const char *clave;
    json_t *valor;
    json_object_foreach(o, clave, valor)
    {
        (void)valor;
        if (strcmp(clave, "pasos") != 0 && strcmp(clave, "despues") != 0) {
            snprintf(error, tam, "«%s»: clave desconocida «%s» (solo «pasos» y «despues»)", nombre,
                     clave);
            return -1;
        }
    }
    json_t *pasos = json_object_get(o, "pasos");
    json_t *despues = json_object_get(o, "despues");
    if (pasos == NULL && despues == NULL) {
        snprintf(error, tam, "«%s»: hace falta «pasos», «despues» o los dos", nombre);
        return -1;
    }
    if (pasos != NULL) {
        if (!json_is_array(pasos) || json_array_size(pasos) == 0 ||
            json_array_size(pasos) > GUION_MAX_PASOS) {
            snprintf(error, tam, "«%s»: «pasos» tiene que ser una lista de 1 a %d pasos", nombre,
                     GUION_MAX_PASOS);
            return -1;
        }
        for (size_t i = 0; i < json_array_size(pasos); i++)
            if (leer_paso(json_array_get(pasos, i), 1, &r->pasos[i], nombre, error, tam) < 0)
                return -1;
        r->npasos = (int)json_array_size(pasos);
    }
    if (despues != NULL) {
        paso_t d;
        if (leer_paso(despues, 0, &d, nombre, error, tam) < 0)
            return -1;
        r->despues = d.paso;
    } else {
        r->despues = r->pasos[r->npasos - 1].paso;
    }
    return 0;
}

int guion_cargar(const char *archivo, guion_t **g, char *error, size_t tam)
{
    *g = NULL;
    guion_t *nuevo = NULL;
    json_t *raiz = NULL;
    int r = -1;
    FILE *f = fopen(archivo, "re");
    struct stat st;
    if (f == NULL) {
        snprintf(error, tam, "no se puede abrir: %s", texto_motivo_archivo(errno));
        goto fin;
    }
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(error, tam, "no es un archivo normal");
        goto fin;
    }
    if (st.st_size > GUION_MAX_BYTES) {
        snprintf(error, tam, "es demasiado grande (más de %d bytes)", GUION_MAX_BYTES);
        goto fin;
    }
    json_error_t e;
    raiz = json_loadf(f, JSON_REJECT_DUPLICATES, &e);
    if (raiz == NULL) {
        /* Los textos de jansson están en inglés: se traduce el caso que importa aquí. */
        if (strstr(e.text, "duplicate object key") != NULL)
            snprintf(error, tam, "no es JSON válido: una ruta está repetida (línea %d)", e.line);
        else
            snprintf(error, tam, "no es JSON válido (línea %d, columna %d)", e.line, e.column);
        goto fin;
    }
    if (!json_is_object(raiz)) {
        snprintf(error, tam, "se esperaba un objeto JSON {\"/ruta\": {…}, …}");
        goto fin;
    }
    size_t n = json_object_size(raiz);
    if (n > GUION_MAX_RUTAS) {
        snprintf(error, tam, "tiene %zu rutas y el máximo es %d", n, GUION_MAX_RUTAS);
        goto fin;
    }
    nuevo = calloc(1, sizeof *nuevo);
    if (nuevo == NULL || (n > 0 && (nuevo->rutas = calloc(n, sizeof *nuevo->rutas)) == NULL)) {
        snprintf(error, tam, "no hay memoria");
        goto fin;
    }
    const char *clave;
    json_t *valor;
    json_object_foreach(raiz, clave, valor)
    {
        if (leer_ruta(clave, valor, &nuevo->rutas[nuevo->n], error, tam) < 0)
            goto fin;
        nuevo->n++;
    }
    *g = nuevo;
    nuevo = NULL;
    r = 0;
fin:
    if (f != NULL)
        fclose(f);
    json_decref(raiz);
    guion_liberar(nuevo);
    return r;
}

int guion_siguiente(guion_t *g, const char *ruta, guion_paso_t *paso)
{
    if (g == NULL)
        return 0;
    for (int i = 0; i < g->n; i++) {
        ruta_t *r = &g->rutas[i];
        if (strcmp(r->ruta, ruta) != 0)
            continue;
        if (r->actual >= r->npasos) {
            *paso = r->despues;
            return 1;
        }
        *paso = r->pasos[r->actual].paso;
        if (++r->servidas >= r->pasos[r->actual].veces) {
            r->actual++;
            r->servidas = 0;
        }
        return 1;
    }
    return 0;
}

int guion_rutas(const guion_t *g)
{
    return g != NULL ? g->n : 0;
}

void guion_liberar(guion_t *g)
{
    if (g == NULL)
        return;
    free(g->rutas);
    free(g);
}
