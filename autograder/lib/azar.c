/* azar.c — lo que cambia de una calificación a otra: bytes, enteros y cifras hexadecimales al
 * azar del núcleo (getrandom).
 *
 * El calificador se puede leer: un retraso, un nombre o una ruta fijos se sabrían de antemano y
 * una entrega podría contestar sin hacer el trabajo. Por eso cada valor sale de getrandom en
 * cada llamada y no de un generador sembrado una vez: un programa que ve algunos (los nombres
 * de un escenario) no puede calcular los demás. Es una llamada al sistema por valor, y eso
 * basta para las decenas que pide una verificación; quien necesita megabytes de contenido (los
 * archivos del laboratorio 08) siembra con esto su propio generador rápido.
 */
#define _GNU_SOURCE
#include "calificador/base.h"
#include "calificador/calificador.h"

#include <errno.h>
#include <string.h>

int cal_bytes_azar(void *datos, size_t n)
{
    return entropia_llenar(datos, n);
}

int64_t cal_azar(int64_t min, int64_t max)
{
    uint64_t x = 0;
    if (max <= min)
        return min;
    /* Sin getrandom (núcleos de antes de 3.17) no hay de dónde sacarlo: el reloj, mezclado. */
    if (cal_bytes_azar(&x, sizeof x) < 0)
        x = cal_ahora_ms() * 0x9e3779b97f4a7c15ull;
    /* En aritmética sin signo, sin desbordar: 0 si el intervalo es todo int64_t. */
    uint64_t ancho = (uint64_t)max - (uint64_t)min + 1;
    return (int64_t)((uint64_t)min + (ancho == 0 ? x : x % ancho));
}

int cal_hex_azar(char *buf, size_t tam, size_t bytes)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char azar[64];
    if (bytes > sizeof azar || tam < 2 * bytes + 1)
        return -ENOSPC;
    int r = cal_bytes_azar(azar, bytes);
    if (r < 0)
        return r;
    for (size_t i = 0; i < bytes; i++) {
        buf[2 * i] = hex[azar[i] >> 4];
        buf[2 * i + 1] = hex[azar[i] & 15];
    }
    buf[2 * bytes] = '\0';
    return 0;
}
