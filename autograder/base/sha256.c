/* sha256.c — la huella SHA-256 en hexadecimal, para comparar lo que escribe una entrega con
 * lo esperado sin guardar los bytes: un calificador conoce la huella de un archivo de
 * 100 MiB sin tenerlo en memoria. El algoritmo es el de libcurso (curso/huella.h, el que
 * usan el servidor de práctica y el laboratorio 11): aquí solo se pasa a hexadecimal. Sus
 * vectores de prueba están en pruebas/caja/test_caja.c.
 */
#include "calificador/base.h"

#include <stdio.h>

void sha256_iniciar(sha256_t *s)
{
    huella_iniciar(s);
}

void sha256_anadir(sha256_t *s, const void *datos, size_t n)
{
    huella_anadir(s, datos, n);
}

void sha256_terminar(sha256_t *s, char hex[65])
{
    unsigned char resumen[HUELLA_BYTES];
    huella_terminar(s, resumen);
    for (int i = 0; i < HUELLA_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", resumen[i]);
}
