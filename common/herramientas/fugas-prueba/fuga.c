/* fuga.c — prueba de Criterion que pasa pero pierde memoria: fugas.sh tiene que suspenderla. */
#include <criterion/criterion.h>
#include <stdlib.h>

static void *perdido;

Test(fugas, fuga)
{
    char *p = malloc(64);
    cr_assert_not_null(p);
    p[0] = 'a';
    perdido = p;
    perdido = NULL; /* ya nadie apunta a los 64 bytes */
    cr_assert_null(perdido);
}
