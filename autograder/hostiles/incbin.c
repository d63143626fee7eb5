/* incbin.c — entrega hostil: mete en el programa, con .incbin, un archivo que solo puede
 * leer root (@SECRETO@, lo crea la prueba) y lo imprime; si el compilador no lo encuentra,
 * el mensaje de error iría al informe. Ni el programa ni el informe deben tener sus bytes. */
#include <stdio.h>
__asm__(".section .rodata\n.global secreto\nsecreto:\n.incbin \"@SECRETO@\"\n.byte 0\n.text\n");
extern const char secreto[];
int main(void)
{
    printf("%s\n", secreto);
    return 0;
}
