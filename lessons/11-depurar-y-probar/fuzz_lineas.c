/* fuzz_lineas.c — un fuzzer casero para el encuadre por líneas de un servidor TCP.
 *
 * TCP entrega los bytes en trozos arbitrarios: el mismo texto puede llegar de una vez o
 * partido en cualquier sitio, también entre el '\r' y el '\n' de un fin de línea. La
 * propiedad que se prueba es diferencial: trocee como se trocee la entrada, las líneas que
 * salen deben ser las mismas que si llegara entera.
 *
 *   fuzz_lineas             prueba el separador corregido
 *   fuzz_lineas con-fallo   prueba la versión con el fallo, lo encuentra y lo reduce
 *
 * Todo es determinista (un generador xorshift con semilla fija): el fallo que se encuentra
 * hoy se vuelve a encontrar mañana. Compilado con -DCURSO_LIBFUZZER y clang
 * -fsanitize=fuzzer, el mismo separador se prueba con libFuzzer (ver el README).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINEA   16
#define MAX_ENTRADA 48
#define MAX_SALIDA  512
#define CASOS       20000

/* --- El separador de líneas: lo que un servidor haría en su callback de lectura ------ */

typedef struct {
    char linea[MAX_LINEA + 1];
    size_t largo;
    int con_fallo;
    char *salida; /* cada línea completa se anota aquí como «[texto]» */
    size_t usados;
} lineas_t;

static void emitir(lineas_t *l, const char *texto, size_t n)
{
    int r = snprintf(l->salida + l->usados, MAX_SALIDA - l->usados, "[%.*s]", (int)n, texto);
    if (r > 0 && (size_t)r < MAX_SALIDA - l->usados)
        l->usados += (size_t)r;
}

/* Recibe un trozo, como al_leer recibe lo que trajo cada lectura del socket. */
static void lineas_recibir(lineas_t *l, const char *datos, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = datos[i];
        if (c == '\n') {
            size_t largo = l->largo;
            if (!l->con_fallo && largo > 0 && l->linea[largo - 1] == '\r')
                largo--; /* el '\r' pudo llegar en el trozo anterior */
            emitir(l, l->linea, largo);
            l->largo = 0;
        } else if (l->con_fallo && c == '\r' && i + 1 < n && datos[i + 1] == '\n') {
            /* FALLO: solo quita el '\r' si el '\n' viene en el MISMO trozo. */
        } else if (l->largo == MAX_LINEA) {
            emitir(l, "<demasiado larga>", 17);
            l->largo = 0;
        } else {
            l->linea[l->largo++] = c;
        }
    }
}

/* Trocea `entrada` por los cortes dados (posiciones crecientes) y devuelve lo emitido. */
static void separar(const char *entrada, size_t n, const size_t *cortes, int ncortes,
                    int con_fallo, char *salida)
{
    lineas_t l = {.largo = 0, .con_fallo = con_fallo, .salida = salida, .usados = 0};
    size_t desde = 0;
    salida[0] = '\0';
    for (int i = 0; i <= ncortes; i++) {
        size_t hasta = i < ncortes ? cortes[i] : n;
        lineas_recibir(&l, entrada + desde, hasta - desde);
        desde = hasta;
    }
}

#ifdef CURSO_LIBFUZZER
/* Objetivo para libFuzzer: el primer byte elige el corte, el resto es la entrada. */
int LLVMFuzzerTestOneInput(const uint8_t *datos, size_t n)
{
    char entera[MAX_SALIDA], troceada[MAX_SALIDA];
    if (n < 1 || n > MAX_ENTRADA)
        return 0;
    size_t corte = datos[0] % n;
    separar((const char *)datos + 1, n - 1, NULL, 0, 0, entera);
    separar((const char *)datos + 1, n - 1, &corte, corte < n - 1 ? 1 : 0, 0, troceada);
    if (strcmp(entera, troceada) != 0)
        __builtin_trap();
    return 0;
}
#else

/* --- El fuzzer casero ------------------------------------------------------------------ */

static uint32_t estado_azar = 2463534242u;

static uint32_t azar(void)
{
    estado_azar ^= estado_azar << 13;
    estado_azar ^= estado_azar >> 17;
    estado_azar ^= estado_azar << 5;
    return estado_azar;
}

/* ¿Falla este caso? Compara la entrada troceada con la misma entrada de una vez. */
static int falla(const char *entrada, size_t n, const size_t *cortes, int ncortes, int con_fallo)
{
    char entera[MAX_SALIDA], troceada[MAX_SALIDA];
    separar(entrada, n, NULL, 0, con_fallo, entera);
    separar(entrada, n, cortes, ncortes, con_fallo, troceada);
    return strcmp(entera, troceada) != 0;
}

static void mostrar(const char *titulo, const char *entrada, size_t n, const size_t *cortes,
                    int ncortes)
{
    int k = 0;
    printf("%s \"", titulo);
    for (size_t i = 0; i < n; i++) {
        if (k < ncortes && cortes[k] == i) {
            printf("|");
            k++;
        }
        if (entrada[i] == '\r')
            printf("\\r");
        else if (entrada[i] == '\n')
            printf("\\n");
        else
            putchar(entrada[i]);
    }
    printf("\"\n");
}

/* Reduce el caso: quita bytes mientras siga fallando (los cortes se recolocan). */
static size_t reducir(char *entrada, size_t n, size_t *cortes, int *ncortes, int con_fallo)
{
    int cambiado = 1;
    while (cambiado) {
        cambiado = 0;
        for (size_t i = 0; i < n; i++) {
            char copia[MAX_ENTRADA];
            size_t nuevos[MAX_ENTRADA];
            int nn = 0;
            memcpy(copia, entrada, i);
            memcpy(copia + i, entrada + i + 1, n - i - 1);
            for (int k = 0; k < *ncortes; k++) {
                size_t c = cortes[k] > i ? cortes[k] - 1 : cortes[k];
                if (c > 0 && c < n - 1 && (nn == 0 || nuevos[nn - 1] != c))
                    nuevos[nn++] = c;
            }
            if (falla(copia, n - 1, nuevos, nn, con_fallo)) {
                memcpy(entrada, copia, n - 1);
                memcpy(cortes, nuevos, sizeof nuevos[0] * (size_t)nn);
                *ncortes = nn;
                n--;
                cambiado = 1;
                break;
            }
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    static const char alfabeto[] = "ab\r\n";
    int con_fallo = argc > 1 && strcmp(argv[1], "con-fallo") == 0;
    if (argc > 1 && !con_fallo) {
        fprintf(stderr, "uso: fuzz_lineas [con-fallo]\n");
        return 2;
    }
    for (int caso = 1; caso <= CASOS; caso++) {
        char entrada[MAX_ENTRADA];
        size_t cortes[MAX_ENTRADA];
        size_t n = 1 + azar() % MAX_ENTRADA;
        int ncortes = 0;
        for (size_t i = 0; i < n; i++)
            entrada[i] = alfabeto[azar() % 4];
        for (size_t i = 1; i < n; i++)
            if (azar() % 4 == 0)
                cortes[ncortes++] = i;
        if (falla(entrada, n, cortes, ncortes, con_fallo)) {
            char a[MAX_SALIDA], b[MAX_SALIDA];
            printf("caso %d: la salida depende de cómo llegan los trozos\n", caso);
            mostrar("  entrada (| = corte):", entrada, n, cortes, ncortes);
            n = reducir(entrada, n, cortes, &ncortes, con_fallo);
            mostrar("  reducido:           ", entrada, n, cortes, ncortes);
            separar(entrada, n, NULL, 0, con_fallo, a);
            separar(entrada, n, cortes, ncortes, con_fallo, b);
            mostrar("  de una vez:         ", a, strlen(a), NULL, 0);
            mostrar("  en trozos:          ", b, strlen(b), NULL, 0);
            return 1;
        }
    }
    printf("%d casos, ninguna diferencia entre la entrada entera y la troceada\n", CASOS);
    return 0;
}
#endif
