/* test_secuencia.c — la secuencia de bytes del servidor de práctica (curso/secuencia.h): el
 * vector de SipHash-2-4 del artículo, que la pública no cambió (los bytes que ven las lecciones
 * y las prácticas), que cualquier troceo da lo mismo, que la secreta depende de la clave y no
 * de la pública, y la clave en texto. */
#include "curso/secuencia.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

/* SipHash-2-4 con clave 00 01 … 0f de los 16 bytes 00 01 … 0f (Aumasson y Bernstein,
 * apéndice A; fila 16 de los vectores del código de referencia): 0x3f2acc7f57c29bdb. */
Test(secuencia, vector_siphash)
{
    cr_expect_eq(secuencia_siphash(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL,
                                   0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL),
                 0x3f2acc7f57c29bdbULL, "SipHash-2-4 no da el vector del artículo");
}

/* La secreta es SipHash del trozo de 64 bytes, extendido con el finalizador de splitmix64:
 * el bloque i del trozo t es mezclar(SipHash(semilla, t) XOR i). */
static uint64_t mezclar(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

Test(secuencia, secreta_por_trozos)
{
    const secuencia_clave_t clave = {0x1234, 0x5678};
    unsigned char b[128];
    secuencia_generar(&clave, 42, 64 * 1000, b, sizeof b);
    for (int j = 0; j < 16; j++) {
        uint64_t h = secuencia_siphash(clave.k0, clave.k1, 42, 1000 + (uint64_t)j / 8);
        uint64_t v = mezclar(h ^ (uint64_t)(j % 8)), leido = 0;
        for (int k = 7; k >= 0; k--)
            leido = (leido << 8) | b[8 * j + k];
        cr_expect_eq(leido, v, "bloque %d", j);
    }
}

/* La pública es la de siempre: los 16 primeros bytes de la semilla 99 (calculados con la
 * fórmula antes de separarla en este módulo). Si cambiaran, cambiarían las salidas de las
 * lecciones que los resumen. */
Test(secuencia, publica_sin_cambios)
{
    const unsigned char esperado[16] = {0x66, 0x5b, 0x53, 0x1f, 0x99, 0x52, 0x10, 0x82,
                                        0xd6, 0x3b, 0x87, 0x97, 0x7e, 0x86, 0x1a, 0xde};
    unsigned char b[16];
    secuencia_generar(NULL, 99, 0, b, sizeof b);
    cr_expect(memcmp(b, esperado, sizeof b) == 0);
}

static void troceo(const secuencia_clave_t *clave)
{
    unsigned char todo[1003], partes[1003];
    secuencia_generar(clave, 12345, 5, todo, sizeof todo);
    /* Trozos desalineados y de menos de un bloque dan lo mismo que de una vez. */
    secuencia_generar(clave, 12345, 5, partes, 3);
    secuencia_generar(clave, 12345, 8, partes + 3, 1);
    secuencia_generar(clave, 12345, 9, partes + 4, 500);
    secuencia_generar(clave, 12345, 509, partes + 504, 499);
    cr_expect(memcmp(todo, partes, sizeof todo) == 0);
}

Test(secuencia, troceo_publica)
{
    troceo(NULL);
}

Test(secuencia, troceo_secreta)
{
    const secuencia_clave_t clave = {1, 2};
    troceo(&clave);
}

Test(secuencia, secreta_depende_de_la_clave)
{
    const secuencia_clave_t a = {1, 2}, b = {1, 3};
    unsigned char pa[64], pb[64], pub[64], otra[64];
    secuencia_generar(&a, 7, 0, pa, sizeof pa);
    secuencia_generar(&b, 7, 0, pb, sizeof pb);
    secuencia_generar(NULL, 7, 0, pub, sizeof pub);
    secuencia_generar(&a, 8, 0, otra, sizeof otra);
    cr_expect(memcmp(pa, pb, sizeof pa) != 0, "otra clave, otros bytes");
    cr_expect(memcmp(pa, pub, sizeof pa) != 0, "la secreta no es la pública");
    cr_expect(memcmp(pa, otra, sizeof pa) != 0, "otra semilla, otros bytes");
    /* Ningún bloque se repite en 64 bytes (una PRF de 64 bits: repetir sería de 1 en 2^58). */
    for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++)
            cr_expect(memcmp(pa + 8 * i, pa + 8 * j, 8) != 0);
}

Test(secuencia, clave_en_texto)
{
    secuencia_clave_t c, d;
    char texto[SECUENCIA_CLAVE_HEX + 1];
    cr_assert_eq(secuencia_clave_nueva(&c), 0);
    secuencia_clave_a_texto(&c, texto);
    cr_expect_eq(strlen(texto), SECUENCIA_CLAVE_HEX);
    cr_assert_eq(secuencia_clave_de_texto(texto, &d), 0);
    cr_expect(c.k0 == d.k0 && c.k1 == d.k1);
    cr_expect_eq(secuencia_clave_de_texto("0123456789ABCDEF0123456789abcdef", &d), 0);
    cr_expect(d.k0 == 0x0123456789abcdefULL && d.k1 == 0x0123456789abcdefULL);
    cr_expect_eq(secuencia_clave_de_texto("", &d), -EINVAL);
    cr_expect_eq(secuencia_clave_de_texto("0123456789abcdef0123456789abcde", &d), -EINVAL);
    cr_expect_eq(secuencia_clave_de_texto("0123456789abcdef0123456789abcdef0", &d), -EINVAL);
    cr_expect_eq(secuencia_clave_de_texto("0123456789abcdef0123456789abcdeg", &d), -EINVAL);
}

/* Una subclave por uso (/bytes, /clima): la misma para la misma clave, otra para otro uso u
 * otra clave, y ninguna igual a la clave de la que sale. */
Test(secuencia, subclaves_por_uso)
{
    const secuencia_clave_t c = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
    const secuencia_clave_t d = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0909ULL};
    secuencia_clave_t b1, b2, cl, otra;
    secuencia_subclave(&c, SECUENCIA_USO_BYTES, &b1);
    secuencia_subclave(&c, SECUENCIA_USO_BYTES, &b2);
    secuencia_subclave(&c, SECUENCIA_USO_CLIMA, &cl);
    secuencia_subclave(&d, SECUENCIA_USO_BYTES, &otra);
    cr_expect(b1.k0 == b2.k0 && b1.k1 == b2.k1, "la misma clave y uso, la misma subclave");
    cr_expect(b1.k0 != cl.k0 && b1.k1 != cl.k1, "otro uso, otra subclave");
    cr_expect(b1.k0 != otra.k0 && b1.k1 != otra.k1, "otra clave, otra subclave");
    cr_expect(b1.k0 != c.k0 && b1.k1 != c.k1 && b1.k0 != b1.k1);
    cr_expect_eq(b1.k0, secuencia_siphash(c.k0, c.k1, SECUENCIA_USO_BYTES, ~(uint64_t)0));
}
