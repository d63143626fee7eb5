/* firma.h — la firma de las líneas que la precarga vivos da al calificador (el testigo
 * «cierre-fin» y las cuentas del tráfico): SipHash-2-4 con una llave sacada de la clave al
 * azar de cada lanzamiento.
 *
 * Por qué firmar y no poner la clave en la línea: la línea sale del proceso del programa, y un
 * programa que hace que la precarga escriba donde él lee (llama él mismo a su manejador con el
 * descriptor cambiado: hostiles/chat_clave_manejador.c) se llevaba la clave y escribía después
 * las líneas que quisiera. Con la firma, lo que se lleva son líneas ciertas: sin la llave no
 * puede firmar otras. La llave sigue en la memoria del proceso (quien la busque ahí a propósito
 * la encuentra: autograder/README.md, «Lo que pasa por libuv en un servidor»).
 *
 * SipHash-2-4 (Aumasson y Bernstein, 2012) es una función con llave de 128 bits pensada para
 * esto, mensajes cortos: unas líneas de C, sin bibliotecas (la precarga no puede cargar
 * ninguna) y con el mismo resultado en los dos lados. Solo cabeceras: la incluyen la precarga
 * (common/herramientas/vivos/vivos.c), el calificador (autograder/lib/vivos.c) y la prueba de la
 * precarga (prueba/firma.c). Todo es seguro en un manejador de señal (sin memoria dinámica). */
#ifndef CURSO_VIVOS_FIRMA_H
#define CURSO_VIVOS_FIRMA_H

#include <stddef.h>
#include <stdint.h>

#define FIRMA_CIFRAS 16 /* la firma en la línea: 16 cifras hexadecimales */

static inline uint64_t firma_rotar(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

#define FIRMA_VUELTA(v0, v1, v2, v3)                                                               \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = firma_rotar(v1, 13);                                                                  \
        v1 ^= v0;                                                                                  \
        v0 = firma_rotar(v0, 32);                                                                  \
        v2 += v3;                                                                                  \
        v3 = firma_rotar(v3, 16);                                                                  \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = firma_rotar(v3, 21);                                                                  \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = firma_rotar(v1, 17);                                                                  \
        v1 ^= v2;                                                                                  \
        v2 = firma_rotar(v2, 32);                                                                  \
    } while (0)

/* SipHash-2-4 de `n` bytes de `datos` con la llave (k0, k1). */
static inline uint64_t firma_siphash(uint64_t k0, uint64_t k1, const void *datos, size_t n)
{
    const unsigned char *p = datos;
    uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
    size_t enteros = n - n % 8;
    for (size_t i = 0; i < enteros; i += 8) {
        uint64_t m = 0;
        for (int b = 0; b < 8; b++)
            m |= (uint64_t)p[i + (size_t)b] << (8 * b);
        v3 ^= m;
        FIRMA_VUELTA(v0, v1, v2, v3);
        FIRMA_VUELTA(v0, v1, v2, v3);
        v0 ^= m;
    }
    uint64_t ultimo = (uint64_t)(n & 0xff) << 56;
    for (size_t b = 0; b < n % 8; b++)
        ultimo |= (uint64_t)p[enteros + b] << (8 * b);
    v3 ^= ultimo;
    FIRMA_VUELTA(v0, v1, v2, v3);
    FIRMA_VUELTA(v0, v1, v2, v3);
    v0 ^= ultimo;
    v2 ^= 0xff;
    for (int r = 0; r < 4; r++)
        FIRMA_VUELTA(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

/* La llave de 128 bits de una clave de texto (la del lanzamiento, de cualquier largo). */
typedef struct {
    uint64_t k0, k1;
} firma_llave_t;

static inline firma_llave_t firma_llave(const char *clave)
{
    size_t n = 0;
    while (clave[n] != '\0')
        n++;
    firma_llave_t l = {firma_siphash(0, 0, clave, n), firma_siphash(1, 0, clave, n)};
    return l;
}

/* Escribe en `dst` (FIRMA_CIFRAS bytes, sin terminador) la firma de `n` bytes de `texto`. */
static inline void firma_poner(firma_llave_t l, const char *texto, size_t n, char *dst)
{
    static const char cifras[] = "0123456789abcdef";
    uint64_t f = firma_siphash(l.k0, l.k1, texto, n);
    for (int i = FIRMA_CIFRAS - 1; i >= 0; i--) {
        dst[i] = cifras[f & 0xf];
        f >>= 4;
    }
}

/* 1 si la línea `linea` (`n` bytes, sin el '\n') acaba en « <firma>» y la firma es la de lo
 * anterior con la llave `l`; 0 si no. */
static inline int firma_buena(firma_llave_t l, const char *linea, size_t n)
{
    if (n < FIRMA_CIFRAS + 1 || linea[n - FIRMA_CIFRAS - 1] != ' ')
        return 0;
    char esperada[FIRMA_CIFRAS];
    firma_poner(l, linea, n - FIRMA_CIFRAS - 1, esperada);
    int distinta = 0;
    for (int i = 0; i < FIRMA_CIFRAS; i++)
        distinta |= esperada[i] ^ linea[n - FIRMA_CIFRAS + (size_t)i];
    return distinta == 0;
}

#endif
