/* secuencia.c — la secuencia pública (splitmix64) y la secreta (SipHash-2-4 con clave) de los
 * bytes del servidor de práctica (ver curso/secuencia.h).
 *
 * SipHash-2-4 (Aumasson y Bernstein, 2012) sobre un mensaje de 16 bytes: la semilla y el
 * número de trozo de 64 bytes, en little-endian. Se escribe aquí, especializado a ese tamaño,
 * en vez de traer una biblioteca: son veinte líneas, y libsodium u OpenSSL serían una
 * dependencia nueva para una sola función. Los vectores del artículo lo comprueban
 * (common/tests/test_secuencia.c).
 *
 * Un SipHash por cada 8 bytes servía a unos 650 MiB/s, y el servidor (un hilo, que además
 * calcula las huellas) pasaba a ser el cuello de botella de las descargas del calificador: las
 * cuatro de 15 MB de `memoria` del 11 dejaban de acabar casi a la vez y un programa que
 * guardaba los cuerpos enteros en memoria cabía en 32 MiB. Uno por cada 64 bytes, extendido
 * con el finalizador de splitmix64 (h XOR i, i = 0…7), sirve varias veces más deprisa; de 8
 * bytes recibidos se deduce h, y con él solo los otros 56 bytes de su trozo, no los demás.
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

uint64_t secuencia_siphash(uint64_t k0, uint64_t k1, uint64_t m0, uint64_t m1)
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

/* El bloque de 8 bytes número `bloque`. En la secreta, un SipHash por cada 8 bloques (64
 * bytes), que se guarda en `*trozo`/`*hash` para los 7 siguientes. */
static uint64_t bloque_de(const secuencia_clave_t *clave, uint64_t base, uint64_t semilla,
                          uint64_t bloque, uint64_t *trozo, uint64_t *hash)
{
    if (clave == NULL)
        return mezclar(base ^ bloque);
    if (*trozo != bloque >> 3) {
        *trozo = bloque >> 3;
        *hash = secuencia_siphash(clave->k0, clave->k1, semilla, *trozo);
    }
    return mezclar(*hash ^ (bloque & 7));
}

void secuencia_generar(const secuencia_clave_t *clave, uint64_t semilla, uint64_t desde,
                       unsigned char *destino, size_t n)
{
    uint64_t base = mezclar(semilla);
    uint64_t trozo = UINT64_MAX, hash = 0; /* ningún trozo: (2^64 - 1) · 8 no es un bloque */
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* En una máquina little-endian el bloque entero es el uint64_t tal cual en memoria: una
     * copia de 8 bytes en vez de 8 desplazamientos (el servidor sirve así varias veces más
     * deprisa, y en una comparación de descargas el cuello de botella no es él). */
    while (i < n && ((desde + i) & 7) != 0) {
        uint64_t pos = desde + i;
        uint64_t v = bloque_de(clave, base, semilla, pos >> 3, &trozo, &hash);
        destino[i++] = (unsigned char)(v >> (8 * (pos & 7)));
    }
    for (; n - i >= 8; i += 8) {
        uint64_t v = bloque_de(clave, base, semilla, (desde + i) >> 3, &trozo, &hash);
        memcpy(destino + i, &v, 8);
    }
#endif
    while (i < n) {
        uint64_t pos = desde + i;
        uint64_t v = bloque_de(clave, base, semilla, pos >> 3, &trozo, &hash);
        for (unsigned b = (unsigned)(pos & 7); b < 8 && i < n; b++, i++)
            destino[i] = (unsigned char)(v >> (8 * b));
    }
}

void secuencia_subclave(const secuencia_clave_t *clave, uint64_t uso, secuencia_clave_t *sub)
{
    sub->k0 = secuencia_siphash(clave->k0, clave->k1, uso, ~(uint64_t)0);
    sub->k1 = secuencia_siphash(clave->k0, clave->k1, uso, ~(uint64_t)1);
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
