/* compila_enorme.c — entrega hostil: lo que escribe el compilador, no el programa.
 *
 * Un `.space` de 1 GiB en la sección de datos: el ensamblador escribía un monitor.o de 1 GiB
 * en la carpeta de fuentes (build/…/trabajo/) y el enlazador otro binario igual, 2,1 GB en el
 * disco de quien califica que quedaban tras la calificación, sin cuota (la de 256 MiB es de las
 * verificaciones). Ahora cada orden de la compilación lleva RLIMIT_FSIZE (8 MiB), RLIMIT_AS y
 * un /tmp con tope (runner/compilar.c): el ensamblador se para y la entrega no compila.
 * prueba-autograder la califica también con el relleno en C (`static char x[1 << 30] = {1}`).
 */
int main(void)
{
    return 0;
}

__asm__(".data\n.globl relleno_enorme\nrelleno_enorme:\n.space 1073741824\n.text\n");
