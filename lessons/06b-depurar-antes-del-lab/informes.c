/* informes.c — ejecuta cierre_prematuro.c bajo valgrind o con AddressSanitizer y enseña lo
 * esencial del informe.
 *
 *   informes memcheck        valgrind sobre la versión mala
 *   informes asan            la variante con AddressSanitizer, versión mala
 *   informes memcheck-bien   valgrind sobre la versión buena: informe vacío
 *
 * Lanzar la herramienta y quitar lo que cambia en cada ejecución (direcciones, pids, rutas)
 * lo hace informe_ejecutar() (curso/informe.h), lo mismo que en la lección 11.
 */
#include <stdio.h>
#include <string.h>

#include "curso/informe.h"

#define VALGRIND "valgrind", "-q", "--vgdb=no", "--error-exitcode=99"

typedef struct {
    const char *nombre;
    informe_t informe;
} caso_t;

/* Del informe de valgrind se enseña el primer error, de «Invalid» a «Block was alloc'd»;
 * del de ASan, de «ERROR» a «SUMMARY», sin los marcos de libc ni del interceptor de free. */
static const caso_t casos[] = {
    {"memcheck",
     {"cierre_prematuro", "mal", {VALGRIND, NULL}, "Invalid", "Block was alloc'd", {NULL}}},
    {"asan",
     {"cierre_prematuro-asan", "mal", {NULL}, "ERROR: AddressSanitizer", "SUMMARY",
      {"libc_start", "_start (", "interceptor", NULL}}},
    {"memcheck-bien",
     {"cierre_prematuro", "bien", {VALGRIND, NULL}, "Invalid", "Block was alloc'd", {NULL}}},
};

int main(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < sizeof casos / sizeof casos[0]; i++)
        if (strcmp(casos[i].nombre, argv[1]) == 0)
            return informe_ejecutar(&casos[i].informe, stdout) == 0 ? 0 : 1;
    fprintf(stderr, "uso: informes memcheck|asan|memcheck-bien\n");
    return 2;
}
