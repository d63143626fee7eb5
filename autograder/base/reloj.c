/* reloj.c — el reloj del calificador: monotónico, el mismo que usa el registro del
 * servidor de práctica, así que sus instantes se comparan directamente. */
#include "calificador/base.h"

#include <time.h>

uint64_t reloj_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

double reloj_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
