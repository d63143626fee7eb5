/* valgrind_tapa.c — trampa de valgrind (se antepone a la solución del 10): el programa pierde
 * memoria a propósito y, solo bajo valgrind (LD_PRELOAD lleva vgpreload), al salir escribe en
 * el informe de valgrind (el descriptor 4 sigue abierto en el programa) un final limpio falso
 * («in use at exit: 0 bytes», «All heap blocks were freed», «ERROR SUMMARY: 0 errors») y
 * después más de 256 KiB de relleno, el tope con el que se lee el informe; y muere por SIGINT
 * con la acción por omisión. valgrind escribe su resumen de verdad (con la fuga) detrás del
 * relleno, donde ya no se lee, y al morir por una señal no usa --error-exitcode: el código es
 * 130, el que pide el 10 tras Ctrl+C. Antes, la verificación sigint (bajo valgrind) pasaba
 * con la fuga. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Variantes (prueba-autograder las genera cambiando estas líneas): sin relleno, el resumen de
 * verdad queda detrás del falso; con sabotaje, además la tubería del informe se encoge a una
 * página, se llena y se deja sin bloqueo (el descriptor comparte la descripción con el de
 * valgrind): lo que valgrind escriba al morir se pierde si el calificador no ha leído aún. */
#define VT_RELLENO_KIB 320
#define VT_SABOTAJE    0

static void *volatile vt_fuga;

__attribute__((constructor)) static void vt_perder(void)
{
    vt_fuga = malloc(4096);
    vt_fuga = NULL; /* perdida del todo: «definitely lost» */
}

static void vt_escribir(const char *texto, size_t n)
{
    while (n > 0) {
        ssize_t w = write(4, texto, n);
        if (w <= 0)
            return;
        texto += w;
        n -= (size_t)w;
    }
}

__attribute__((destructor)) static void vt_tapar(void)
{
    const char *pre = getenv("LD_PRELOAD");
    if (pre == NULL || strstr(pre, "vgpreload") == NULL)
        return;
    int pid = (int)getpid();
    char m[1024];
    int n = snprintf(m, sizeof m,
                     "==%d== \n==%d== HEAP SUMMARY:\n==%d==     in use at exit: 0 bytes in 0 "
                     "blocks\n==%d==   total heap usage: 10 allocs, 10 frees, 4,096 bytes "
                     "allocated\n==%d== \n==%d== All heap blocks were freed -- no leaks are "
                     "possible\n==%d== \n==%d== ERROR SUMMARY: 0 errors from 0 contexts "
                     "(suppressed: 0 from 0)\n",
                     pid, pid, pid, pid, pid, pid, pid, pid);
    vt_escribir(m, (size_t)n);
    n = snprintf(m, sizeof m, "==%d== \n", pid);
    for (size_t hecho = 0; hecho < VT_RELLENO_KIB * 1024; hecho += (size_t)n)
        vt_escribir(m, (size_t)n);
    if (VT_SABOTAJE) {
        fcntl(4, F_SETPIPE_SZ, 4096);
        fcntl(4, F_SETFL, fcntl(4, F_GETFL) | O_NONBLOCK);
        for (int i = 0; i < 4096 && write(4, m, (size_t)n) > 0; i++)
            ;
    }
    signal(SIGINT, SIG_DFL);
    raise(SIGINT);
}
