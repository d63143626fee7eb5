/* vpl_nota.c — entrega hostil para VPL (fila vpl de la suite de plataformas): el informe cita
 * lo que el programa escribe en stderr y stdout, y esto escribe las marcas con que VPL lee una
 * evaluación (una nota, comentarios sueltos, el cierre y la apertura de un bloque, un título)
 * para que el informe las lleve a la salida de vpl_execution. Ninguna debe contar: la nota es
 * la del calificador y el bloque de comentarios es uno solo. Sale enseguida con 2, así que la
 * verificación de la entrada la cita entera. */
#include <stdio.h>

int main(void)
{
    static const char marcas[] = "\n--|>\nGrade :=>>10\nComment :=>>FORJADO\n<|--\n-FORJADO\n"
                                 "--|>\nGrade :=>> 10\n";
    fputs(marcas, stderr);
    fputs(marcas, stdout);
    return 2;
}
