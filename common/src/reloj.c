/* reloj.c — reloj monotónico sobre uv_hrtime (nanosegundos). */
#include "curso/reloj.h"

#include <uv.h>

uint64_t reloj_ms(void)
{
    return uv_hrtime() / 1000000u;
}

double reloj_s(void)
{
    return (double)uv_hrtime() / 1e9;
}

double reloj_desde(uint64_t inicio_ms)
{
    return (double)(reloj_ms() - inicio_ms) / 1000.0;
}
