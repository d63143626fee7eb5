/* traza.c — una línea de una traza de strace, partida en sus piezas: el hilo, la dirección de
 * la instrucción syscall (con -i) y lo que sigue. La leen dos lectores, lib/valgrind.c (la
 * señal que mató a valgrind y el código que no instrumenta) y runner/conducta_traza.c (los medios):
 * cada uno tenía su copia, y la de la señal no saltaba la dirección (con -i nunca encontraba
 * el arranque de valgrind: prueba-autograder, valgrind_tapa_sabotaje). */
#include "calificador/base.h"

#include <stdlib.h>
#include <string.h>

long traza_linea(char *linea, unsigned long *ip, char **resto)
{
    char *r;
    long tid = strtol(linea, &r, 10);
    if (r == linea)
        tid = 0;
    while (*r == ' ')
        r++;
    *ip = 0;
    if (r[0] == '[') {
        /* «[????????????????]» en las líneas sin llamada («+++ killed by SIGKILL +++»): sin
         * dirección. Sin el corchete de cierre, la línea se deja como está. */
        char *cierre = strchr(r, ']'), *fin;
        unsigned long dir = strtoul(r + 1, &fin, 16);
        if (cierre != NULL) {
            *ip = fin == cierre ? dir : 0;
            r = cierre + 1;
            while (*r == ' ')
                r++;
        }
    }
    *resto = r;
    return tid;
}
