/* valgrind_cliente.c — trampa de valgrind (se antepone a la solución del 07): el programa
 * pierde memoria a propósito y, solo bajo valgrind (LD_PRELOAD lleva vgpreload), al salir pide
 * a valgrind con una llamada directa (client request, VALGRIND_NON_SIMD_CALL1: el preámbulo
 * «rol $3, $13, $61, $51 de %rdi» y «xchg %rbx,%rbx») que ejecute una función suya en la CPU
 * de verdad, sin instrumentar. Esa función escribe en el informe de valgrind (el descriptor 4
 * también es suyo) un «ERROR SUMMARY: 0 errors» falso y sale con exit_group(0) antes de que
 * valgrind dé su resumen y su código: una orden, un resumen limpio y código 0. Antes de mirar
 * los objetos y la traza, la verificación valgrind pasaba con la fuga.
 *
 * VC_JIT 0: el preámbulo está en el código del programa (lo ve objdump). VC_JIT 1: el mismo
 * preámbulo se escribe en tiempo de ejecución en memoria anónima ejecutable (mmap con
 * PROT_EXEC), así que objdump no lo ve; bajo valgrind esa memoria se puede pedir (su JIT la
 * necesita), y lo delata la traza de strace (autograder/README.md, «El veredicto de
 * valgrind»). Las llamadas al sistema de la función, escondidas de objdump como en
 * valgrind_exec.c. */
#define VC_JIT 0

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

//@ preludio oculta6

static void *volatile vc_fuga;

__attribute__((constructor)) static void vc_perder(void)
{
    vc_fuga = malloc(4096);
    vc_fuga = NULL; /* perdida del todo: «definitely lost» */
}

/* En la CPU de verdad (valgrind la llama con su número de hilo y un argumento). */
static long vc_forjar(long hilo, long pid)
{
    (void)hilo;
    static const char a[] = "==", b[] = "== ERROR SUMMARY: 0 errors from 0 contexts "
                                        "(suppressed: 0 from 0)\n";
    char m[160], num[24];
    int n = 0, k = 0;
    for (long v = pid; v > 0 && k < 20; v /= 10)
        num[k++] = (char)('0' + v % 10);
    memcpy(m, a, 2);
    n = 2;
    while (k > 0)
        m[n++] = num[--k];
    memcpy(m + n, b, sizeof b - 1);
    n += (int)sizeof b - 1;
    hm_oculta6(1 /* write */, 4, (long)m, n, 0, 0, 0);
    hm_oculta6(231 /* exit_group */, 0, 0, 0, 0, 0, 0);
    return 0;
}

#define VC_CLIENT_CALL1 0x1102 /* VG_USERREQ__CLIENT_CALL1 de valgrind.h */

#if VC_JIT
/* long peticion(unsigned long *args): mov %rdi,%rax; xor %edx,%edx; el preámbulo;
 * xchg %rbx,%rbx; mov %rdx,%rax; ret. Como datos: objdump -d no los desensambla. */
static const unsigned char vc_codigo[] = {
    0x48, 0x89, 0xf8, 0x31, 0xd2, 0x48, 0xc1, 0xc7, 0x03, 0x48, 0xc1, 0xc7, 0x0d, 0x48,
    0xc1, 0xc7, 0x3d, 0x48, 0xc1, 0xc7, 0x33, 0x48, 0x87, 0xdb, 0x48, 0x89, 0xd0, 0xc3};

static long vc_peticion(volatile unsigned long *args)
{
    void *p =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    memcpy(p, vc_codigo, sizeof vc_codigo);
    return ((long (*)(volatile unsigned long *))p)(args);
}
#else
static long vc_peticion(volatile unsigned long *args)
{
    unsigned long r = 0;
    __asm__ volatile("rolq $3, %%rdi ; rolq $13, %%rdi\n\t"
                     "rolq $61, %%rdi ; rolq $51, %%rdi\n\t"
                     "xchgq %%rbx,%%rbx"
                     : "=d"(r)
                     : "a"(&args[0]), "0"(r)
                     : "cc", "memory");
    return (long)r;
}
#endif

__attribute__((destructor)) static void vc_tapar(void)
{
    const char *pre = getenv("LD_PRELOAD");
    if (pre == NULL || strstr(pre, "vgpreload") == NULL)
        return;
    fflush(NULL); /* lo que la solución dejó en stdio: el exit_group de vc_forjar no lo escribe */
    volatile unsigned long args[6] = {
        VC_CLIENT_CALL1, (unsigned long)vc_forjar, (unsigned long)getpid(), 0, 0, 0};
    vc_peticion(args);
}
