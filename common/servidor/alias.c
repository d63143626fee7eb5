/* alias.c — carga, relectura y traducción de los alias «/c/FICHA» (ver alias.h). Todo se
 * valida al leer el archivo: después, traducir no puede dejar una tabla a medias. */
#include "alias.h"
#include "texto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ALIAS_MAX_BYTES (1024 * 1024)

typedef struct {
    char ficha[ALIAS_MAX_FICHA];
    char destino[ALIAS_MAX_DESTINO];
    char claves[ALIAS_MAX_CLAVES]; /* ",ciudad,q," (con comas a los lados), o "" */
} entrada_t;

struct alias_s {
    char *archivo;
    entrada_t *v;
    int n;
};

static int es_de_ficha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* Lee el archivo entero (memoria nueva, terminada en NUL). 0 o -1 (anotado en error). */
static int leer_todo(const char *archivo, char **texto, size_t *largo, char *error, size_t tam)
{
    *texto = NULL;
    FILE *f = fopen(archivo, "re");
    struct stat st;
    if (f == NULL) {
        snprintf(error, tam, "no se puede abrir: %s", texto_motivo_archivo(errno));
        return -1;
    }
    int r = -1;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(error, tam, "no es un archivo normal");
    } else if (st.st_size > ALIAS_MAX_BYTES) {
        snprintf(error, tam, "es demasiado grande (más de %d bytes)", ALIAS_MAX_BYTES);
    } else {
        char *t = malloc((size_t)st.st_size + 1);
        size_t n = t != NULL ? fread(t, 1, (size_t)st.st_size, f) : 0;
        if (t == NULL) {
            snprintf(error, tam, "no hay memoria");
        } else if (ferror(f)) {
            snprintf(error, tam, "no se puede leer");
            free(t);
        } else {
            t[n] = '\0';
            *texto = t;
            *largo = n;
            r = 0;
        }
    }
    fclose(f);
    return r;
}

/* Valida las claves «a,b,c» de una línea (l, n) y las deja en e->claves como «,a,b,c,». 0 o -1
 * (anotado). */
static int leer_claves(const char *l, size_t n, int num, entrada_t *e, char *error, size_t tam)
{
    if (n + 3 > sizeof e->claves) {
        snprintf(error, tam, "línea %d: las claves permitidas ocupan %d bytes o más", num,
                 ALIAS_MAX_CLAVES - 2);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        int coma = l[k] == ',';
        if ((coma && (k == 0 || k + 1 == n || l[k - 1] == ',')) ||
            (!coma && !es_de_ficha((unsigned char)l[k]))) {
            snprintf(error, tam,
                     "línea %d: las claves permitidas van separadas por comas, cada una con "
                     "caracteres A-Z a-z 0-9 _ -",
                     num);
            return -1;
        }
    }
    snprintf(e->claves, sizeof e->claves, ",%.*s,", (int)n, l);
    return 0;
}

/* Valida una línea «FICHA DESTINO [CLAVES]» (sin el '\n') y la deja en *e. 0 o -1 (anotado). */
static int leer_linea(const char *l, size_t n, int num, entrada_t *e, char *error, size_t tam)
{
    size_t i = 0;
    while (i < n && es_de_ficha((unsigned char)l[i]))
        i++;
    if (i == 0 || i >= ALIAS_MAX_FICHA) {
        snprintf(error, tam,
                 "línea %d: la ficha tiene que tener de 1 a %d caracteres A-Z a-z 0-9 _ -", num,
                 ALIAS_MAX_FICHA - 1);
        return -1;
    }
    memcpy(e->ficha, l, i);
    e->ficha[i] = '\0';
    if (i == n) {
        snprintf(error, tam, "línea %d: falta el destino tras la ficha «%s»", num, e->ficha);
        return -1;
    }
    if (l[i] != ' ' && l[i] != '\t') {
        snprintf(error, tam, "línea %d: la ficha lleva un carácter que no vale (0x%02x)", num,
                 (unsigned char)l[i]);
        return -1;
    }
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    size_t fin = n;
    while (fin > i && (l[fin - 1] == ' ' || l[fin - 1] == '\t' || l[fin - 1] == '\r'))
        fin--;
    /* El destino llega hasta el siguiente blanco; lo que siga, las claves. */
    size_t j = i;
    while (j < fin && l[j] != ' ' && l[j] != '\t')
        j++;
    size_t c = j;
    while (c < fin && (l[c] == ' ' || l[c] == '\t'))
        c++;
    e->claves[0] = '\0';
    if (c < fin && leer_claves(l + c, fin - c, num, e, error, tam) < 0)
        return -1;
    size_t largo = j - i;
    if (largo == 0) {
        snprintf(error, tam, "línea %d: falta el destino tras la ficha «%s»", num, e->ficha);
        return -1;
    }
    if (l[i] != '/' || largo >= ALIAS_MAX_DESTINO) {
        snprintf(error, tam,
                 "línea %d: el destino tiene que empezar por «/» y tener menos de %d bytes", num,
                 ALIAS_MAX_DESTINO);
        return -1;
    }
    if (largo >= strlen(ALIAS_PREFIJO) &&
        memcmp(l + i, ALIAS_PREFIJO, strlen(ALIAS_PREFIJO)) == 0) {
        snprintf(error, tam, "línea %d: el destino no puede ser otro alias («%s…»)", num,
                 ALIAS_PREFIJO);
        return -1;
    }
    for (size_t k = i; k < j; k++) {
        unsigned char c = (unsigned char)l[k];
        if (c <= ' ' || c == 0x7f || c == '#') {
            snprintf(error, tam,
                     "línea %d: el destino no puede llevar espacios, caracteres de control ni «#»",
                     num);
            return -1;
        }
    }
    memcpy(e->destino, l + i, largo);
    e->destino[largo] = '\0';
    return 0;
}

/* Analiza `texto` en una tabla nueva (v, n). 0 o -1 (anotado). */
static int analizar(const char *texto, size_t largo, entrada_t **v, int *n, char *error, size_t tam)
{
    *v = NULL;
    *n = 0;
    if (memchr(texto, '\0', largo) != NULL) {
        snprintf(error, tam, "lleva un byte nulo: no es un archivo de texto");
        return -1;
    }
    int cap = 0, num = 0;
    entrada_t *tabla = NULL;
    for (const char *l = texto; l < texto + largo;) {
        const char *fin = memchr(l, '\n', (size_t)(texto + largo - l));
        size_t ln = fin != NULL ? (size_t)(fin - l) : (size_t)(texto + largo - l);
        num++;
        const char *sig = fin != NULL ? fin + 1 : texto + largo;
        if (ln == 0 || (ln == 1 && l[0] == '\r') || l[0] == '#') {
            l = sig;
            continue;
        }
        if (*n == ALIAS_MAX) {
            snprintf(error, tam, "tiene más de %d alias", ALIAS_MAX);
            goto mal;
        }
        if (*n == cap) {
            int nueva = cap == 0 ? 16 : 2 * cap;
            entrada_t *t = realloc(tabla, (size_t)nueva * sizeof *t);
            if (t == NULL) {
                snprintf(error, tam, "no hay memoria");
                goto mal;
            }
            tabla = t;
            cap = nueva;
        }
        if (leer_linea(l, ln, num, &tabla[*n], error, tam) < 0)
            goto mal;
        for (int k = 0; k < *n; k++)
            if (strcmp(tabla[k].ficha, tabla[*n].ficha) == 0) {
                snprintf(error, tam, "línea %d: la ficha «%s» está repetida", num, tabla[*n].ficha);
                goto mal;
            }
        (*n)++;
        l = sig;
    }
    *v = tabla;
    return 0;
mal:
    free(tabla);
    *n = 0;
    return -1;
}

/* Lee el archivo en una tabla nueva; solo si vale sustituye la de `a`. 0 o -1 (anotado). */
static int recargar(alias_t *a, char *error, size_t tam)
{
    char *texto;
    size_t largo = 0;
    if (leer_todo(a->archivo, &texto, &largo, error, tam) < 0)
        return -1;
    entrada_t *v;
    int n;
    int r = analizar(texto, largo, &v, &n, error, tam);
    free(texto);
    if (r < 0)
        return -1;
    free(a->v);
    a->v = v;
    a->n = n;
    return 0;
}

int alias_cargar(const char *archivo, alias_t **a, char *error, size_t tam)
{
    *a = NULL;
    alias_t *nuevo = calloc(1, sizeof *nuevo);
    if (nuevo == NULL || (nuevo->archivo = strdup(archivo)) == NULL) {
        free(nuevo);
        snprintf(error, tam, "no hay memoria");
        return -1;
    }
    if (recargar(nuevo, error, tam) < 0) {
        alias_liberar(nuevo);
        return -1;
    }
    *a = nuevo;
    return 0;
}

static const entrada_t *buscar(const alias_t *a, const char *ficha, size_t n)
{
    for (int i = 0; i < a->n; i++)
        if (strlen(a->v[i].ficha) == n && memcmp(a->v[i].ficha, ficha, n) == 0)
            return &a->v[i];
    return NULL;
}

int alias_traducir(alias_t *a, const char *url, char *destino, size_t tam)
{
    size_t lp = strlen(ALIAS_PREFIJO);
    if (a == NULL || strncmp(url, ALIAS_PREFIJO, lp) != 0)
        return 0;
    const char *ficha = url + lp;
    size_t n = strcspn(ficha, "?#");
    const char *consulta = ficha[n] == '?' ? ficha + n + 1 : "";
    const entrada_t *e = n > 0 && n < ALIAS_MAX_FICHA ? buscar(a, ficha, n) : NULL;
    if (e == NULL && n > 0 && n < ALIAS_MAX_FICHA) {
        /* Quizá el calificador la añadió después de arrancar: se relee una vez. */
        char error[256];
        if (recargar(a, error, sizeof error) < 0)
            fprintf(stderr,
                    "servidor-practica: el archivo de alias ya no vale (%s); sigo con el "
                    "que había\n",
                    error);
        e = buscar(a, ficha, n);
    }
    if (e == NULL)
        return -1;
    /* La consulta de la petición solo trae las claves del alias: el escenario es del
     * calificador, y el servidor toma el primer valor de cada parámetro, así que sin esto un
     * «retraso=0&» o un «unidades=celsius&» delante cambiaban el escenario (un adversario de
     * la sesión 29: 100/100 con el plazo mal hecho o sin convertir kelvin). */
    for (const char *p = consulta; *p != '\0';) {
        size_t largo = strcspn(p, "&");
        size_t clave = strcspn(p, "=&");
        if (largo > 0) {
            char buscada[ALIAS_MAX_CLAVES + 2];
            int cabe = clave + 3 <= sizeof buscada;
            if (cabe)
                snprintf(buscada, sizeof buscada, ",%.*s,", (int)clave, p);
            if (!cabe || strstr(e->claves, buscada) == NULL) {
                /* La clave, para el mensaje (va en un JSON): ASCII visible, lo demás «?». */
                size_t k = 0;
                for (; k < clave && k < 64 && k + 1 < tam; k++)
                    destino[k] = p[k] > ' ' && p[k] < 0x7f ? p[k] : '?';
                if (tam > 0)
                    destino[k] = '\0';
                return -2;
            }
        }
        p += largo + (p[largo] == '&');
    }
    /* La consulta de la petición va delante de la del destino. */
    const char *q = strchr(e->destino, '?');
    int escrito;
    if (consulta[0] == '\0')
        escrito = snprintf(destino, tam, "%s", e->destino);
    else if (q == NULL)
        escrito = snprintf(destino, tam, "%s?%s", e->destino, consulta);
    else
        escrito = snprintf(destino, tam, "%.*s%s&%s", (int)(q - e->destino + 1), e->destino,
                           consulta, q + 1);
    return escrito >= 0 && (size_t)escrito < tam ? 1 : -1;
}

int alias_cuantos(const alias_t *a)
{
    return a != NULL ? a->n : 0;
}

void alias_liberar(alias_t *a)
{
    if (a == NULL)
        return;
    free(a->archivo);
    free(a->v);
    free(a);
}
