/* herramientas.c — ejecuta defectos.c bajo una herramienta de depuración y enseña lo
 * esencial de su informe.
 *
 *   herramientas asan | ubsan | tsan | memcheck | helgrind | gdb | strace
 *
 * Este programa solo elige: qué variante de defectos, con qué fallo, bajo qué herramienta y
 * qué trozo del informe se enseña. Lanzarla y quitar lo que cambia en cada ejecución
 * (direcciones, pids, rutas) lo hace informe_ejecutar() (curso/informe.h), que el
 * interludio 6b usa también para sus propios informes.
 */
#include <stdio.h>
#include <string.h>

#include "curso/informe.h"

typedef struct {
    const char *nombre;
    informe_t informe;
} herramienta_t;

/* Cada fila: programa (defectos, defectos-asan o defectos-tsan), el fallo que se provoca,
 * la orden (NULL = el programa a secas), dónde empieza y acaba lo que se enseña y qué líneas
 * se quitan (marcos de libc, hilos anunciados…). */
static const herramienta_t herramientas[] = {
    {"asan",
     {"defectos-asan", "uso-tras-liberar", {NULL}, "ERROR: AddressSanitizer", "SUMMARY",
      {"libc_start", "_start (", "interceptor", NULL}}},
    {"ubsan",
     {"defectos-asan", "desplazamiento", {NULL}, "runtime error", "runtime error", {NULL}}},
    {"tsan",
     {"defectos-tsan", "carrera", {NULL}, "WARNING: ThreadSanitizer", "SUMMARY",
      {"libc_start", "tsan_interceptors", "uv_thread_create", "Location is global", NULL}}},
    {"memcheck",
     {"defectos",
      "uso-tras-liberar",
      {"valgrind", "-q", "--vgdb=no", "--error-exitcode=99", NULL},
      "Invalid",
      "Block was alloc'd",
      {NULL}}},
    {"helgrind",
     {"defectos",
      "carrera",
      {"valgrind", "--tool=helgrind", "-q", "--vgdb=no", "--error-exitcode=99", NULL},
      "Possible data race",
      "created by main",
      {"???", "start_thread", "clone (", NULL}}},
    {"gdb",
     {"defectos",
      "corregido",
      {"gdb", "-q", "-nx", "-batch", "-ex", "break al_vencer_bien", "-ex", "run", "-ex", "bt",
       "--args", NULL},
      "#0",
      NULL,
      {NULL}}},
    {"strace",
     {"defectos",
      "corregido",
      {"strace", "-e", "trace=epoll_wait,epoll_pwait", NULL},
      "epoll",
      NULL,
      {"exited with", "cierre:", "hilos:", "espera:", NULL}}},
};

int main(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < sizeof herramientas / sizeof herramientas[0]; i++)
        if (strcmp(herramientas[i].nombre, argv[1]) == 0)
            return informe_ejecutar(&herramientas[i].informe, stdout) == 0 ? 0 : 1;
    fprintf(stderr, "uso: herramientas asan|ubsan|tsan|memcheck|helgrind|gdb|strace\n");
    return 2;
}
