/* entropia.c — bytes al azar del núcleo (getrandom), enteros o un error: la única fuente de
 * azar del calificador y del ejecutor.
 *
 * getrandom puede devolver menos de lo pedido (más de 256 bytes, o una señal a medias): se
 * repite hasta llenar. Sin getrandom (núcleos de antes de 3.17) o con la entropía aún sin
 * iniciar, un error: quien lo pide decide (la clave de la firma no se inventa; un retraso de
 * lib/azar.c se saca del reloj).
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <sys/random.h>

int entropia_llenar(void *datos, size_t n)
{
    size_t hechos = 0;
    while (hechos < n) {
        ssize_t r = getrandom((char *)datos + hechos, n - hechos, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -errno : -EIO;
        hechos += (size_t)r;
    }
    return 0;
}
