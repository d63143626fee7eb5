/* reloj.c — el reloj del calificador: monotónico, el mismo que usa el registro del
 * servidor de práctica, así que sus instantes se comparan directamente. Y el reloj «con CPU»
 * de los topes: el tiempo que la máquina pudo dedicar a lo que se espera.
 */
#include "calificador/base.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

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

/* El cuarto campo de /proc/loadavg («listas/todas»): las tareas listas para correr ahora mismo
 * en toda la máquina, o 0 si no se pudo leer. */
static long listas_leer(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    if (f == NULL)
        return 0;
    double a, b, c;
    long listas = 0, todas = 0;
    if (fscanf(f, "%lf %lf %lf %ld/%ld", &a, &b, &c, &listas, &todas) != 5)
        listas = 0;
    fclose(f);
    return listas;
}

/* Las tareas listas para correr ahora mismo en toda la máquina (el cuarto campo de
 * /proc/loadavg, «listas/todas»), o 0 si no se pudo leer. Una lectura vale 10 ms: cada vuelta
 * de la espera mira varios relojes (el de la verificación, el límite de cada programa, el de la
 * espera) y no hace falta abrir el archivo para cada uno. */
static long listas_ahora(void)
{
    static double leida = -1.0;
    static long ultima;
    double ahora = reloj_s();
    if (leida >= 0 && ahora - leida < 0.010)
        return ultima;
    leida = ahora;
    ultima = listas_leer();
    return ultima;
}

void reloj_cpu_empezar(reloj_cpu_t *r)
{
    r->antes = reloj_s();
    r->inicio = r->antes;
    r->con_cpu = 0;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    r->nucleos = n > 0 ? n : 1;
}

double reloj_cpu_mirar(reloj_cpu_t *r)
{
    double ahora = reloj_s();
    double paso = ahora - r->antes;
    r->antes = ahora;
    /* Entre dos miradas cuenta como mucho 1 s: si quien mira no corrió (la máquina, parada),
     * lo de en medio no se sabe y no se regala. */
    if (paso > 1.0)
        paso = 1.0;
    long listas = listas_ahora();
    double parte = listas > r->nucleos ? (double)r->nucleos / (double)listas : 1.0;
    r->con_cpu += paso * parte;
    return r->con_cpu;
}

int reloj_cpu_pasado(reloj_cpu_t *r, double limite_s)
{
    return reloj_cpu_mirar(r) > limite_s || reloj_s() - r->inicio > RELOJ_CPU_TOPE * limite_s;
}

/* El tiempo de la verificación en curso: lo empieza cal_inicio en el trabajador de Criterion
 * (un proceso por verificación, así que es de ella sola). limite_s 0: no hay (el ejecutor). */
static plazo_t verificacion;
static int verificacion_vencida;

void plazo_empezar(plazo_t *p, int max_ms)
{
    reloj_cpu_empezar(&p->reloj);
    p->limite_s = max_ms > 0 ? max_ms / 1000.0 : 0.0;
}

void plazo_verificacion_empezar(int segundos)
{
    plazo_empezar(&verificacion, segundos > 0 ? segundos * 1000 : 0);
    verificacion_vencida = 0;
}

int plazo_verificacion_vencido(void)
{
    if (verificacion.limite_s > 0 && !verificacion_vencida)
        verificacion_vencida = reloj_cpu_pasado(&verificacion.reloj, verificacion.limite_s);
    return verificacion_vencida;
}

int plazo_vencido(plazo_t *p)
{
    return plazo_verificacion_vencido() || reloj_cpu_pasado(&p->reloj, p->limite_s);
}
