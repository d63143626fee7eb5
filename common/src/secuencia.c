/* secuencia.c — la secuencia pública (splitmix64) y la secreta (SipHash-2-4 con clave) de los
 * bytes del servidor de práctica (ver curso/secuencia.h).
 *
 * SipHash-2-4 (Aumasson y Bernstein, 2012) sobre un mensaje de 16 bytes: la semilla y el
 * número de bloque, en little-endian. Se escribe aquí, especializado a ese tamaño, en vez de
 * traer una biblioteca: son veinte líneas, y libsodium u OpenSSL serían una dependencia nueva
 * para una sola función. Los vectores del artículo lo comprueban (common/tests/test_secuencia.c).
 */
#include "curso/secuencia.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

static uint64_t mezclar(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPRONDA                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = ROTL(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = ROTL(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = ROTL(v2, 32);                                                                         \
    } while (0)

/* SipHash-2-4 de los 16 bytes m0‖m1 (cada uno en little-endian) con la clave k0‖k1. */
static uint64_t siphash_16(uint64_t k0, uint64_t k1, uint64_t m0, uint64_t m1)
{
    uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
    uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
    uint64_t v3 = k1 ^ 0x7465646279746573ULL;
    const uint64_t m[3] = {m0, m1, (uint64_t)16 << 56}; /* el último lleva la longitud */
    for (int i = 0; i < 3; i++) {
        v3 ^= m[i];
        SIPRONDA;
        SIPRONDA;
        v0 ^= m[i];
    }
    v2 ^= 0xff;
    SIPRONDA;
    SIPRONDA;
    SIPRONDA;
    SIPRONDA;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* El bloque de 8 bytes número `bloque`. */
static uint64_t bloque_de(const secuencia_clave_t *clave, uint64_t base, uint64_t semilla,
                          uint64_t bloque)
{
    if (clave == NULL)
        return mezclar(base ^ bloque);
    return siphash_16(clave->k0, clave->k1, semilla, bloque);
}

void secuencia_generar(const secuencia_clave_t *clave, uint64_t semilla, uint64_t desde,
                       unsigned char *destino, size_t n)
{
    uint64_t base = mezclar(semilla);
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* En una máquina little-endian el bloque entero es el uint64_t tal cual en memoria: una
     * copia de 8 bytes en vez de 8 desplazamientos (el servidor sirve así varias veces más
     * deprisa, y en una comparación de descargas el cuello de botella no es él). */
    while (i < n && ((desde + i) & 7) != 0) {
        uint64_t pos = desde + i;
        destino[i++] =
            (unsigned char)(bloque_de(clave, base, semilla, pos >> 3) >> (8 * (pos & 7)));
    }
    for (; n - i >= 8; i += 8) {
        uint64_t v = bloque_de(clave, base, semilla, (desde + i) >> 3);
        memcpy(destino + i, &v, 8);
    }
#endif
    while (i < n) {
        uint64_t pos = desde + i;
        uint64_t v = bloque_de(clave, base, semilla, pos >> 3);
        for (unsigned b = (unsigned)(pos & 7); b < 8 && i < n; b++, i++)
            destino[i] = (unsigned char)(v >> (8 * b));
    }
}

int secuencia_clave_nueva(secuencia_clave_t *clave)
{
    uint64_t k[2];
    size_t hechos = 0;
    while (hechos < sizeof k) {
        ssize_t r = getrandom((unsigned char *)k + hechos, sizeof k - hechos, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        hechos += (size_t)r;
    }
    clave->k0 = k[0];
    clave->k1 = k[1];
    return 0;
}

void secuencia_clave_a_texto(const secuencia_clave_t *clave, char texto[SECUENCIA_CLAVE_HEX + 1])
{
    static const char cifras[] = "0123456789abcdef";
    const uint64_t k[2] = {clave->k0, clave->k1};
    for (int i = 0; i < SECUENCIA_CLAVE_HEX; i++)
        texto[i] = cifras[(k[i / 16] >> (4 * (15 - i % 16))) & 0xf];
    texto[SECUENCIA_CLAVE_HEX] = '\0';
}

int secuencia_clave_de_texto(const char *texto, secuencia_clave_t *clave)
{
    uint64_t k[2] = {0, 0};
    for (int i = 0; i < SECUENCIA_CLAVE_HEX; i++) {
        char c = texto[i];
        unsigned v;
        if (c >= '0' && c <= '9')
            v = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v = (unsigned)(c - 'A' + 10);
        else
            return -EINVAL; /* también el NUL de un texto corto */
        k[i / 16] = (k[i / 16] << 4) | v;
    }
    if (texto[SECUENCIA_CLAVE_HEX] != '\0')
        return -EINVAL;
    clave->k0 = k[0];
    clave->k1 = k[1];
    return 0;
}
