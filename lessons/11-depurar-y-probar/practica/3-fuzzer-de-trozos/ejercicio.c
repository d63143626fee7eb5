/* ejercicio.c — un fuzzer que trocea la entrada como TCP (práctica 3 de la lección 11).
 *
 *   programa buena|trozo|escape
 *
 * Abajo está un separador de palabras para una callback de lectura, con tres
 * implementaciones: la buena y dos con un fallo que solo sale cuando un corte cae en mal
 * sitio. El argumento elige cuál se prueba. Tu trabajo: fuzz() (ver README.md), que debe
 * encontrar los dos fallos sin saber dónde están y no encontrar ninguno en la buena. Lo que
 * hay debajo de «no lo cambies» no se cambia.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_ENTRADA 32
#define MAX_SALIDA 256

/* ---- El separador que pruebas (no lo cambies) ---- */

/* Las palabras van separadas por espacios; «\» hace literal el byte siguiente (así «a\ b»
 * es una sola palabra, «a b»). Cada palabra sale como «[palabra]». */
static const char *implementacion = "buena";

typedef struct {
    char palabra[MAX_ENTRADA];
    size_t largo;
    int en_palabra, escapado;
    char *salida;
    size_t tam, usado;
} palabras_t;

static void agregar(palabras_t *p, char c)
{
    if (p->largo < MAX_ENTRADA)
        p->palabra[p->largo++] = c;
    p->en_palabra = 1;
}

static void emitir(palabras_t *p)
{
    int n = snprintf(p->salida + p->usado, p->tam - p->usado, "[%.*s]", (int)p->largo, p->palabra);
    if (n > 0 && (size_t)n < p->tam - p->usado)
        p->usado += (size_t)n;
    p->largo = 0;
    p->en_palabra = 0;
}

/* Lo que haría la callback de lectura con cada trozo que llega. */
static void palabras_recibir(palabras_t *p, const char *datos, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = datos[i];
        if (p->escapado) {
            agregar(p, c);
            p->escapado = 0;
        } else if (c == '\\') {
            if (strcmp(implementacion, "escape") == 0 && i + 1 == n)
                continue; /* FALLO: el «\» del final del trozo se pierde */
            p->escapado = 1;
            p->en_palabra = 1;
        } else if (c == ' ') {
            if (p->en_palabra)
                emitir(p);
        } else {
            agregar(p, c);
        }
    }
    if (strcmp(implementacion, "trozo") == 0 && p->en_palabra)
        emitir(p); /* FALLO: da por terminada la palabra al acabar el trozo */
}

/* separar(): pasa la entrada (n bytes) al separador en trozos, cortando en las posiciones
 * cortes[0..ncortes) (crecientes, entre 0 y n; sin cortes, de una vez), y deja en salida
 * (tam bytes) las palabras, «[a][b c]». */
static void separar(const char *entrada, size_t n, const size_t *cortes, int ncortes, char *salida,
                    size_t tam)
{
    palabras_t p = {.salida = salida, .tam = tam};
    size_t desde = 0;
    salida[0] = '\0';
    for (int i = 0; i <= ncortes; i++) {
        size_t hasta = i < ncortes ? cortes[i] : n;
        palabras_recibir(&p, entrada + desde, hasta - desde);
        desde = hasta;
    }
    if (p.en_palabra)
        emitir(&p);
}

/* mostrar(): imprime la línea «  entrada (| = corte): "a|b c"». */
static void mostrar(const char *entrada, size_t n, const size_t *cortes, int ncortes)
{
    int k = 0;
    printf("  entrada (| = corte): \"");
    for (size_t i = 0; i < n; i++) {
        while (k < ncortes && cortes[k] == i) {
            putchar('|');
            k++;
        }
        putchar(entrada[i]);
    }
    printf("\"\n");
}

/* ---- Tu fuzzer ---- */

/* fuzz(): 2000 casos; devuelve 0 si ninguno encuentra una diferencia y 1 (tras contar el
 * primero que la encuentra) si alguno la encuentra. */
static int fuzz(void)
{
    /* TODO (ver README.md) */
    (void)separar;
    (void)mostrar;
    return 0;
}

/* ---- El programa (no lo cambies) ---- */

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "buena") != 0 && strcmp(argv[1], "trozo") != 0 &&
                      strcmp(argv[1], "escape") != 0)) {
        fprintf(stderr, "uso: %s buena|trozo|escape\n", argv[0]);
        return 2;
    }
    implementacion = argv[1];
    return fuzz();
}
