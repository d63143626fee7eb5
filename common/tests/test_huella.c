/* test_huella.c — SHA-256 de curso/huella.h: vectores de FIPS 180-4, trozos de cualquier
 * tamaño dan lo mismo que de una vez, y base64 como la escribe Repr-Digest. */
#include "curso/huella.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static void base64_de(const void *datos, size_t n, size_t trozo, char salida[HUELLA_BASE64])
{
    huella_t h;
    unsigned char r[HUELLA_BYTES];
    const unsigned char *p = datos;
    huella_iniciar(&h);
    for (size_t i = 0; i < n; i += trozo)
        huella_anadir(&h, p + i, n - i < trozo ? n - i : trozo);
    huella_terminar(&h, r);
    huella_base64(r, salida);
}

Test(huella, vectores_del_estandar)
{
    char b[HUELLA_BASE64];
    base64_de("", 0, 1, b);
    cr_expect_str_eq(b, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    base64_de("abc", 3, 3, b);
    cr_expect_str_eq(b, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    const char *dos = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    base64_de(dos, strlen(dos), 7, b);
    cr_expect_str_eq(b, "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE=");
}

Test(huella, trozos_da_igual)
{
    static unsigned char datos[100003];
    for (size_t i = 0; i < sizeof datos; i++)
        datos[i] = (unsigned char)(i * 131 + (i >> 7));
    char entero[HUELLA_BASE64], b[HUELLA_BASE64];
    base64_de(datos, sizeof datos, sizeof datos, entero);
    size_t trozos[] = {1, 55, 63, 64, 65, 4096, 16385};
    for (size_t i = 0; i < sizeof trozos / sizeof trozos[0]; i++) {
        base64_de(datos, sizeof datos, trozos[i], b);
        cr_expect_str_eq(b, entero, "en trozos de %zu", trozos[i]);
    }
}
