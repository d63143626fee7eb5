/* codigo_generado.c — entrega hostil del 07: ejecuta código que escribe en tiempo de
 * ejecución (lo que objdump no ve): en memoria anónima de escritura y ejecución (mmap RWX),
 * en memoria anónima ejecutable (PROT_EXEC sin archivo) y con mprotect de escribible a
 * ejecutable. La caja (sin valgrind) lo niega con EPERM (base/filtro.c, W^X) y la entrega
 * lo dice en stderr, que llega al informe. Bajo valgrind sí puede: su JIT necesita memoria
 * RWX (autograder/README.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* mov $42, %eax; ret */
static const unsigned char codigo[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};

static void probar(const char *como, void *m)
{
    if (m == MAP_FAILED) {
        fprintf(stderr, "CODIGO GENERADO %s: %s\n", como, strerrorname_np(errno));
        return;
    }
    memcpy(m, codigo, sizeof codigo);
    int (*f)(void) = (int (*)(void))m;
    fprintf(stderr, "CODIGO GENERADO %s: EJECUTADO (%d)\n", como, f());
}

int main(void)
{
    probar("rwx", mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0));
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) {
        memcpy(m, codigo, sizeof codigo);
        if (mprotect(m, 4096, PROT_READ | PROT_EXEC) == 0) {
            fprintf(stderr, "CODIGO GENERADO mprotect: EJECUTADO (%d)\n", ((int (*)(void))m)());
        } else {
            fprintf(stderr, "CODIGO GENERADO mprotect: %s\n", strerrorname_np(errno));
        }
    }
    void *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fprintf(stderr, "CODIGO GENERADO exec_anonima: %s\n",
            x == MAP_FAILED ? strerrorname_np(errno) : "CONCEDIDA");
    return 1;
}
