/* bytes.c — secuencia determinista (splitmix64 aplicado al número de bloque de 8 bytes),
 * rangos HTTP y huella SHA-256 de /bytes (ver bytes.h). */
#include "bytes.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- Range ---------------------------------------------------------------------------- */

/* Un número decimal sin signo al principio de `*p` (avanza *p). -1 si no hay cifras o no
 * cabe en 64 bits. */
static int numero(const char **p, uint64_t *v)
{
    const char *s = *p;
    if (!isdigit((unsigned char)*s))
        return -1;
    char *fin;
    errno = 0;
    unsigned long long x = strtoull(s, &fin, 10);
    if (errno != 0)
        return -1;
    *v = x;
    *p = fin;
    return 0;
}

int bytes_rango(const char *cabecera, uint64_t total, uint64_t *desde, uint64_t *hasta)
{
    const char *p = cabecera;
    uint64_t a = 0, b = 0;
    int tiene_a, tiene_b;

    if (p == NULL)
        return 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncmp(p, "bytes=", 6) != 0)
        return 0;
    p += 6;
    while (*p == ' ')
        p++;
    tiene_a = numero(&p, &a) == 0;
    if (*p != '-')
        return 0;
    p++;
    tiene_b = numero(&p, &b) == 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0' || (!tiene_a && !tiene_b))
        return 0; /* varios rangos («0-1,5-6») o basura: se ignora y va el cuerpo entero */
    if (tiene_a && tiene_b && b < a)
        return 0; /* «5-1» no es un rango válido: la RFC manda ignorarlo */
    if (!tiene_a) {
        /* Sufijo: los últimos b bytes. */
        if (b == 0 || total == 0)
            return -1;
        *desde = b >= total ? 0 : total - b;
        *hasta = total - 1;
        return 1;
    }
    if (a >= total)
        return -1;
    *desde = a;
    *hasta = tiene_b && b < total ? b : total - 1;
    return 1;
}

/* ---- SHA-256 y base64 ----------------------------------------------------------------- */

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotar(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void bloque(uint32_t h[8], const unsigned char *b)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
               (uint32_t)b[4 * i + 2] << 8 | (uint32_t)b[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotar(w[i - 15], 7) ^ rotar(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotar(w[i - 2], 17) ^ rotar(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t v[8];
    memcpy(v, h, sizeof v);
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = rotar(v[4], 6) ^ rotar(v[4], 11) ^ rotar(v[4], 25);
        uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
        uint32_t t1 = v[7] + S1 + ch + K[i] + w[i];
        uint32_t S0 = rotar(v[0], 2) ^ rotar(v[0], 13) ^ rotar(v[0], 22);
        uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        uint32_t t2 = S0 + maj;
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        h[i] += v[i];
}

static void base64(const unsigned char *d, size_t n, char *salida)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)d[i + 1] << 8;
        if (i + 2 < n)
            v |= d[i + 2];
        salida[o++] = abc[(v >> 18) & 63];
        salida[o++] = abc[(v >> 12) & 63];
        salida[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        salida[o++] = i + 2 < n ? abc[v & 63] : '=';
    }
    salida[o] = '\0';
}

static void calcular_huella(uint64_t semilla, uint64_t n, unsigned char resumen[32])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    unsigned char trozo[64 * 256];
    uint64_t pos = 0;

    /* Bloques enteros de 64 bytes, generados por trozos de 16 KiB. */
    while (n - pos >= 64) {
        uint64_t resto = (n - pos) / 64 * 64;
        size_t m = resto > sizeof trozo ? sizeof trozo : (size_t)resto;
        bytes_generar(semilla, pos, trozo, m);
        for (size_t i = 0; i < m; i += 64)
            bloque(h, trozo + i);
        pos += m;
    }
    /* El último bloque a medias, el 0x80, el relleno y la longitud en bits. */
    size_t queda = (size_t)(n - pos);
    unsigned char final[128];
    memset(final, 0, sizeof final);
    bytes_generar(semilla, pos, final, queda);
    final[queda] = 0x80;
    size_t largo = queda + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = n * 8;
    for (int i = 0; i < 8; i++)
        final[largo - 1 - i] = (unsigned char)(bits >> (8 * i));
    bloque(h, final);
    if (largo == 128)
        bloque(h, final + 64);
    for (int i = 0; i < 8; i++) {
        resumen[4 * i] = (unsigned char)(h[i] >> 24);
        resumen[4 * i + 1] = (unsigned char)(h[i] >> 16);
        resumen[4 * i + 2] = (unsigned char)(h[i] >> 8);
        resumen[4 * i + 3] = (unsigned char)h[i];
    }
}

#define HUELLAS_GUARDADAS 8

static struct {
    int usada;
    uint64_t semilla, n;
    char base64[45];
} huellas[HUELLAS_GUARDADAS];
static unsigned huella_siguiente;

void bytes_huella(uint64_t semilla, uint64_t n, char salida[45])
{
    for (unsigned i = 0; i < HUELLAS_GUARDADAS; i++) {
        if (huellas[i].usada && huellas[i].semilla == semilla && huellas[i].n == n) {
            memcpy(salida, huellas[i].base64, 45);
            return;
        }
    }
    unsigned char resumen[32];
    calcular_huella(semilla, n, resumen);
    unsigned i = huella_siguiente++ % HUELLAS_GUARDADAS;
    huellas[i].usada = 1;
    huellas[i].semilla = semilla;
    huellas[i].n = n;
    base64(resumen, sizeof resumen, huellas[i].base64);
    memcpy(salida, huellas[i].base64, 45);
}
