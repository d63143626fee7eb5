/* cronograma.c — barras ASCII de inicio/fin de operaciones, para ver la concurrencia.
 *
 * Las marcas se guardan en milisegundos relativos al origen, en un array que crece al doble:
 * los ejemplos registran decenas de operaciones, no millones. */
#include "curso/cronograma.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/reloj.h"

#define CRONOGRAMA_ANCHO 50

typedef struct {
    char *nombre;
    uint64_t inicio_ms;
    uint64_t fin_ms;
    int terminada;
} operacion_t;

struct cronograma_s {
    uint64_t origen_ms;
    operacion_t *ops;
    size_t n;
    size_t capacidad;
};

cronograma_t *cronograma_nuevo(void)
{
    cronograma_t *c = calloc(1, sizeof(*c));
    if (c != NULL) {
        c->origen_ms = reloj_ms();
    }
    return c;
}

int cronograma_empezar(cronograma_t *c, const char *nombre)
{
    operacion_t *op;
    char *copia;
    size_t largo = strlen(nombre);

    if (c->n == c->capacidad) {
        size_t nueva = c->capacidad == 0 ? 8 : c->capacidad * 2;
        operacion_t *ops = realloc(c->ops, nueva * sizeof(*ops));
        if (ops == NULL) {
            return UV_ENOMEM;
        }
        c->ops = ops;
        c->capacidad = nueva;
    }
    copia = malloc(largo + 1);
    if (copia == NULL) {
        return UV_ENOMEM;
    }
    memcpy(copia, nombre, largo + 1);
    op = &c->ops[c->n];
    op->nombre = copia;
    op->inicio_ms = reloj_ms() - c->origen_ms;
    op->fin_ms = op->inicio_ms;
    op->terminada = 0;
    return (int)c->n++;
}

void cronograma_terminar(cronograma_t *c, int id)
{
    if (id < 0 || (size_t)id >= c->n) {
        return;
    }
    c->ops[id].fin_ms = reloj_ms() - c->origen_ms;
    c->ops[id].terminada = 1;
}

static uint64_t fin_efectivo(const cronograma_t *c, const operacion_t *op)
{
    return op->terminada ? op->fin_ms : reloj_ms() - c->origen_ms;
}

double cronograma_total(const cronograma_t *c)
{
    uint64_t ultimo = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->ops[i].terminada && c->ops[i].fin_ms > ultimo) {
            ultimo = c->ops[i].fin_ms;
        }
    }
    return (double)ultimo / 1000.0;
}

/* Columnas que ocupa un texto UTF-8 (cuenta puntos de código, no bytes). */
static size_t columnas(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

static int columna_de(uint64_t ms, uint64_t escala_total)
{
    /* Redondeo al carácter más cercano. */
    return (int)((ms * CRONOGRAMA_ANCHO + escala_total / 2) / escala_total);
}

void cronograma_imprimir(const cronograma_t *c, FILE *salida)
{
    uint64_t total = 1;
    size_t ancho_nombre = 0;

    for (size_t i = 0; i < c->n; i++) {
        uint64_t fin = fin_efectivo(c, &c->ops[i]);
        size_t w = columnas(c->ops[i].nombre);
        if (fin > total) {
            total = fin;
        }
        if (w > ancho_nombre) {
            ancho_nombre = w;
        }
    }
    fprintf(salida, "Cronograma (1 carácter ≈ %.2f s)\n",
            (double)total / 1000.0 / CRONOGRAMA_ANCHO);
    for (size_t i = 0; i < c->n; i++) {
        const operacion_t *op = &c->ops[i];
        uint64_t fin = fin_efectivo(c, op);
        int desde = columna_de(op->inicio_ms, total);
        int hasta = columna_de(fin, total);

        if (hasta <= desde) {
            hasta = desde + 1; /* toda operación se ve, aunque dure 0 ms */
        }
        if (hasta > CRONOGRAMA_ANCHO) {
            hasta = CRONOGRAMA_ANCHO;
            desde = desde < hasta ? desde : hasta - 1;
        }
        fprintf(salida, "  %s%*s |", op->nombre, (int)(ancho_nombre - columnas(op->nombre)), "");
        for (int col = 0; col < CRONOGRAMA_ANCHO; col++) {
            fputs(col >= desde && col < hasta ? "█" : " ", salida);
        }
        if (op->terminada) {
            fprintf(salida, "| %5.2f → %5.2f s\n", (double)op->inicio_ms / 1000.0,
                    (double)fin / 1000.0);
        } else {
            fprintf(salida, "| %5.2f → …\n", (double)op->inicio_ms / 1000.0);
        }
    }
    fprintf(salida, "Tiempo total: %.2f s\n", cronograma_total(c));
}

void cronograma_liberar(cronograma_t *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->n; i++) {
        free(c->ops[i].nombre);
    }
    free(c->ops);
    free(c);
}
