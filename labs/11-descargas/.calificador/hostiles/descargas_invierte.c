/* descargas_invierte.c — trampa del laboratorio 11 (se antepone a la solución): no escribe lo
 * que recibe, sino lo que calcula. Cada uv_fs_write con posición toma su primer bloque entero
 * de 8 bytes alineado (posición múltiplo de 8), invierte con él la secuencia pública del
 * servidor de práctica (el finalizador de splitmix64 es una biyección: de 8 bytes y su número
 * de bloque sale la mezcla de la semilla) y reemplaza todo lo que iba a escribir por los bytes
 * de esa secuencia. Con la secuencia pública sus archivos eran idénticos a los servidos: una
 * entrega así podía no escribir nunca lo recibido (descargar a medias, reintentar sin mirar su
 * 206, reanudar sin leer nada) y sacar el 100. Ahora el servidor del calificador sirve la
 * secuencia secreta (SipHash-2-4 con una clave que solo tienen él y el calificador): lo que
 * calcula no es lo servido, y pierde todo lo que juzga los bytes de un archivo. */
#include <stdint.h>
#include <string.h>
#include <uv.h>

static uint64_t inv_desmezclar(uint64_t x)
{
    x ^= (x >> 31) ^ (x >> 62);
    x *= 0x319642b2d24d8ec3ULL;
    x ^= (x >> 27) ^ (x >> 54);
    x *= 0x96de1b173f119089ULL;
    x ^= (x >> 30) ^ (x >> 60);
    return x - 0x9E3779B97F4A7C15ULL;
}

static uint64_t inv_mezclar(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* El byte `k` de la escritura (a través de todos sus búferes). */
static unsigned char *inv_byte(const uv_buf_t b[], unsigned n, size_t k)
{
    for (unsigned i = 0; i < n; i++) {
        if (k < b[i].len)
            return (unsigned char *)b[i].base + k;
        k -= b[i].len;
    }
    return NULL;
}

static int inv_escribir(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t b[], unsigned n,
                        int64_t o, uv_fs_cb cb)
{
    size_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += b[i].len;
    if (o >= 0) {
        size_t k = (size_t)((8 - (uint64_t)o % 8) % 8);
        if (k + 8 <= total) {
            uint64_t v = 0;
            for (int j = 7; j >= 0; j--)
                v = (v << 8) | *inv_byte(b, n, k + (size_t)j);
            uint64_t base = inv_desmezclar(v) ^ (((uint64_t)o + k) >> 3);
            for (size_t j = 0; j < total; j++) {
                uint64_t pos = (uint64_t)o + j;
                *inv_byte(b, n, j) =
                    (unsigned char)(inv_mezclar(base ^ (pos >> 3)) >> (8 * (pos & 7)));
            }
        }
    }
    return uv_fs_write(l, r, f, b, n, o, cb);
}

#define uv_fs_write(...) inv_escribir(__VA_ARGS__)
