/* bytes.c — secuencia determinista: splitmix64 aplicado al número de bloque de 8 bytes. */
#include "bytes.h"

static uint64_t mezclar(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

void bytes_generar(uint64_t semilla, uint64_t desde, unsigned char *destino, size_t n)
{
    uint64_t base = mezclar(semilla);
    size_t i = 0;
    while (i < n) {
        uint64_t pos = desde + i;
        uint64_t v = mezclar(base ^ (pos >> 3));
        for (unsigned b = (unsigned)(pos & 7); b < 8 && i < n; b++, i++)
            destino[i] = (unsigned char)(v >> (8 * b));
    }
}
