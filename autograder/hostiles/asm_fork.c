/* asm_fork.c — entrega hostil: crea un proceso con la instrucción syscall escrita a mano
 * (sin pasar por ningún símbolo de glibc) y deja al hijo haciendo el trabajo mientras el
 * padre sale con 0: lo que esquivaba el veredicto de valgrind. */
#include <unistd.h>

int main(void)
{
    long r;
#if defined(__x86_64__)
    __asm__ volatile("syscall" : "=a"(r) : "a"(57L) : "rcx", "r11", "memory"); /* fork */
#else
    r = -1;
#endif
    if (r == 0) {
        for (;;)
            pause();
    }
    return 0;
}
