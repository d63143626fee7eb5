/* estrella.c — prueba de Criterion que muere por una señal antes de terminar: ni LSan ni
 * valgrind llegan a revisar sus fugas, así que fugas.sh no puede darla por limpia. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>

Test(fugas, estrella)
{
    char *p = malloc(64);
    cr_assert_not_null(p);
    p[0] = 'a';
    raise(SIGSEGV);
    free(p);
}
