/* registro.c — las peticiones de un ejemplo, sacadas del registro del servidor de práctica
 * (opción «registro=TEXTO» de lessons/CONVENCIONES.md).
 *
 *   registro ARCHIVO DESDE TEXTO
 *
 * ARCHIVO tiene una línea JSON por respuesta (la escribe `servidor-practica --registro`, ver
 * common/servidor/registro.c). Se leen las escritas desde el byte DESDE, se queda con las que
 * tienen TEXTO en su ruta, las ordena por llegada (inicio_ms: el servidor escribe cada una al
 * terminarla, no al recibirla) y escribe una línea por petición, con el tiempo desde la primera
 * y un número de conexión por cada puerto de cliente distinto, en orden de aparición:
 *
 *   servidor: 0.00 s GET /delay/1 → 200 (conexión 1)
 *
 * Una línea que no es JSON entero (la que el servidor está escribiendo justo ahora) se salta:
 * verificar.sh vuelve a leer hasta que lo obtenido no cambia. Sale con 0 (1: el archivo no se
 * pudo leer; 2: mal llamado o sin memoria). TEXTO se busca solo en la ruta, ya sin los escapes
 * de JSON. */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    long long inicio_ms;
    size_t orden; /* cuántas elegidas la precedían en el archivo: desempata, para que ordenar
                     sea estable (qsort no lo es) */
    long long puerto;
    char *linea; /* «MÉTODO RUTA → ESTADO», propia */
} peticion_t;

static int por_llegada(const void *a, const void *b)
{
    const peticion_t *x = a, *y = b;
    if (x->inicio_ms != y->inicio_ms)
        return x->inicio_ms < y->inicio_ms ? -1 : 1;
    return x->orden < y->orden ? -1 : (x->orden > y->orden);
}

static const char *texto_de(json_t *o, const char *clave)
{
    const char *s = json_string_value(json_object_get(o, clave));
    return s != NULL ? s : "";
}

/* La petición de la línea `l`, o 0 si no es de las que se piden (o no es JSON entero). */
static int leer_peticion(const char *l, const char *texto, peticion_t *p)
{
    json_t *o = json_loads(l, 0, NULL);
    int r = 0;
    if (o == NULL)
        return 0;
    const char *ruta = texto_de(o, "ruta");
    if (json_is_object(o) && strstr(ruta, texto) != NULL) {
        char *linea = NULL;
        if (asprintf(&linea, "%s %s → %lld", texto_de(o, "metodo"), ruta,
                     (long long)json_integer_value(json_object_get(o, "estado"))) < 0) {
            json_decref(o);
            return -1;
        }
        p->inicio_ms = (long long)json_integer_value(json_object_get(o, "inicio_ms"));
        p->puerto = (long long)json_integer_value(json_object_get(o, "puerto_cliente"));
        p->linea = linea;
        r = 1;
    }
    json_decref(o);
    return r;
}

static int leer_numero(const char *s, long long *v)
{
    char *fin;
    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    *v = strtoll(s, &fin, 10);
    return errno == 0 && *fin == '\0' ? 0 : -1;
}

int main(int argc, char **argv)
{
    long long desde;
    if (argc != 4 || leer_numero(argv[2], &desde) != 0) {
        fprintf(stderr, "uso: %s ARCHIVO DESDE TEXTO\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (f == NULL || fseeko(f, (off_t)desde, SEEK_SET) != 0) {
        fprintf(stderr, "registro: no se pudo leer %s: %s\n", argv[1], strerror(errno));
        if (f != NULL)
            fclose(f);
        return 1;
    }

    peticion_t *v = NULL;
    size_t n = 0, cap = 0;
    char *l = NULL;
    size_t tam = 0;
    int estado = 0;
    while (getline(&l, &tam, f) != -1) {
        peticion_t p = {.orden = n};
        int r = leer_peticion(l, argv[3], &p);
        if (r < 0) {
            estado = 2;
            break;
        }
        if (r == 0)
            continue;
        if (n == cap) {
            size_t nueva = cap != 0 ? 2 * cap : 64;
            peticion_t *w = realloc(v, nueva * sizeof *v);
            if (w == NULL) {
                free(p.linea);
                estado = 2;
                break;
            }
            v = w;
            cap = nueva;
        }
        v[n++] = p;
    }
    if (estado == 0 && ferror(f)) {
        fprintf(stderr, "registro: error al leer %s\n", argv[1]);
        estado = 1;
    }
    free(l);
    fclose(f);

    /* La conexión de cada petición: su puerto de cliente, numerado por orden de aparición.
     * `puertos` guarda los ya vistos (a lo sumo, uno por petición). */
    long long *puertos = NULL;
    if (estado == 0 && n > 0) {
        puertos = calloc(n, sizeof *puertos);
        if (puertos == NULL)
            estado = 2;
    }
    if (estado == 2)
        fprintf(stderr, "registro: sin memoria\n");
    if (estado == 0 && n > 0) {
        size_t vistos = 0;
        if (n > 1)
            qsort(v, n, sizeof *v, por_llegada);
        for (size_t i = 0; i < n; i++) {
            size_t c = 0;
            while (c < vistos && puertos[c] != v[i].puerto)
                c++;
            if (c == vistos)
                puertos[vistos++] = v[i].puerto;
            printf("servidor: %.2f s %s (conexión %zu)\n",
                   (double)(v[i].inicio_ms - v[0].inicio_ms) / 1000, v[i].linea, c + 1);
        }
    }
    free(puertos);
    for (size_t i = 0; i < n; i++)
        free(v[i].linea);
    free(v);
    return estado;
}
