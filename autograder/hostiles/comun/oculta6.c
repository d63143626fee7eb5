/* oculta6.c — pieza común de las trampas: prueba-autograder.sh (hostil) la pone en lugar de la
 * línea «//@ preludio oculta6» de una trampa. hm_oculta6(nr, a, b, c, d, e, f) hace la llamada
 * al sistema `nr` con esos argumentos (devuelve -errno, sin tocar errno) por una instrucción
 * syscall que objdump no ve: tras el salto, los bytes se leen como otra instrucción (mov a
 * %eax). Así ningún nombre de libc ni ninguna instrucción syscall a la vista delatan la
 * llamada: solo la observación de lo que hace el programa (strace) la ve. */
long hm_oculta6(long nr, long a, long b, long c, long d, long e, long f);
__asm__(".text\n"
        ".globl hm_oculta6\n"
        "hm_oculta6:\n"
        "  mov %rdi, %rax\n"
        "  mov %rsi, %rdi\n"
        "  mov %rdx, %rsi\n"
        "  mov %rcx, %rdx\n"
        "  mov %r8, %r10\n"
        "  mov %r9, %r8\n"
        "  mov 8(%rsp), %r9\n"
        "  .byte 0xeb, 0x01\n"                     /* jmp +1 */
        "  .byte 0xb8, 0x0f, 0x05, 0xc3, 0x90\n"); /* mov $0x90c3050f,%eax … o syscall; ret */
