/* huella.c — SHA-256 por trozos y base64 (ver curso/huella.h). Implementación directa del
 * estándar; las pruebas la cotejan con sus vectores y con sha256sum. */
#include "curso/huella.h"

#include <string.h>

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
    uint32_t a = h[0], b1 = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = rotar(e, 6) ^ rotar(e, 11) ^ rotar(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[i] + w[i];
        uint32_t S0 = rotar(a, 2) ^ rotar(a, 13) ^ rotar(a, 22);
        uint32_t maj = (a & b1) ^ (a & c) ^ (b1 & c);
        uint32_t t2 = S0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b1;
        b1 = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b1;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

void huella_iniciar(huella_t *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->bytes = 0;
    s->usados = 0;
}

void huella_anadir(huella_t *s, const void *datos, size_t n)
{
    const unsigned char *p = datos;
    s->bytes += n;
    if (s->usados > 0) {
        size_t cabe = sizeof s->pendiente - s->usados;
        size_t copia = n < cabe ? n : cabe;
        memcpy(s->pendiente + s->usados, p, copia);
        s->usados += copia;
        p += copia;
        n -= copia;
        if (s->usados < sizeof s->pendiente)
            return;
        bloque(s->h, s->pendiente);
        s->usados = 0;
    }
    /* Los bloques enteros, directamente desde los datos (sin copiarlos). */
    for (; n >= 64; p += 64, n -= 64)
        bloque(s->h, p);
    memcpy(s->pendiente, p, n);
    s->usados = n;
}

void huella_terminar(huella_t *s, unsigned char resumen[HUELLA_BYTES])
{
    uint64_t bits = s->bytes * 8;
    unsigned char relleno[72] = {0x80};
    size_t n = s->usados < 56 ? 56 - s->usados : 120 - s->usados;
    unsigned char largo[8];
    for (int i = 0; i < 8; i++)
        largo[i] = (unsigned char)(bits >> (56 - 8 * i));
    huella_anadir(s, relleno, n);
    huella_anadir(s, largo, 8);
    for (int i = 0; i < 8; i++) {
        resumen[4 * i] = (unsigned char)(s->h[i] >> 24);
        resumen[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        resumen[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        resumen[4 * i + 3] = (unsigned char)s->h[i];
    }
}

void huella_base64(const unsigned char d[HUELLA_BYTES], char salida[HUELLA_BASE64])
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < HUELLA_BYTES; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16;
        if (i + 1 < HUELLA_BYTES)
            v |= (uint32_t)d[i + 1] << 8;
        if (i + 2 < HUELLA_BYTES)
            v |= d[i + 2];
        salida[o++] = abc[(v >> 18) & 63];
        salida[o++] = abc[(v >> 12) & 63];
        salida[o++] = i + 1 < HUELLA_BYTES ? abc[(v >> 6) & 63] : '=';
        salida[o++] = i + 2 < HUELLA_BYTES ? abc[v & 63] : '=';
    }
    salida[o] = '\0';
}
