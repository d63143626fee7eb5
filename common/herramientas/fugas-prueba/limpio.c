/* limpio.c — prueba de Criterion sin fugas ni errores: fugas.sh tiene que darla por limpia. */
#include <criterion/criterion.h>
#include <stdlib.h>

Test(fugas, limpio)
{
    char *p = malloc(16);
    cr_assert_not_null(p);
    p[0] = 'a';
    cr_assert_eq(p[0], 'a');
    free(p);
}
