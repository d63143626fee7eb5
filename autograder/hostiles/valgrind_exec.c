/* valgrind_exec.c — trampa de valgrind (se antepone a una solución): el programa pierde
 * memoria a propósito y, solo cuando corre bajo valgrind (LD_PRELOAD lleva vgpreload), al
 * salir escribe en el informe de valgrind (el descriptor 4, que también es suyo) un «ERROR
 * SUMMARY: 0 errors» falso, lo cierra y se cambia por /bin/true con un execve escondido de
 * objdump. El valgrind de /bin/true no encuentra dónde escribir su «Command:», así que el
 * informe tiene una orden y un resumen limpio, y el código es 0. Antes de mirar los execve
 * de las ejecuciones con valgrind, la verificación valgrind pasaba con la fuga. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

//@ preludio oculta6

static void *volatile ve_fuga;

__attribute__((constructor)) static void ve_perder(void)
{
    ve_fuga = malloc(4096);
    ve_fuga = NULL; /* perdida del todo: «definitely lost» */
}

__attribute__((destructor)) static void ve_tapar(void)
{
    const char *pre = getenv("LD_PRELOAD");
    if (pre == NULL || strstr(pre, "vgpreload") == NULL)
        return;
    char m[160];
    int n = snprintf(m, sizeof m,
                     "==%d== ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)\n",
                     (int)getpid());
    hm_oculta6(1 /* write */, 4, (long)m, n, 0, 0, 0);
    hm_oculta6(3 /* close */, 4, 0, 0, 0, 0, 0);
    static char *const argv[] = {"true", NULL}, *const envp[] = {NULL};
    hm_oculta6(59 /* execve */, (long)"/bin/true", (long)argv, (long)envp, 0, 0, 0);
}
