/* firma.c — comprueba las firmas de las líneas de la precarga (prueba de vivos, firma.h).
 *   firma CLAVE     lee líneas de stdin y escribe, sin su firma, las que llevan la firma buena
 *                   con la llave de CLAVE (las demás no salen);
 *   firma --prueba  compara SipHash-2-4 con el vector de referencia del artículo (llave
 *                   00..0f, mensaje 00..0e: a129ca6149be45e5) y sale con 0 si coincide. */
#include <stdio.h>
#include <string.h>

#include "../firma.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "uso: firma CLAVE | firma --prueba\n");
        return 2;
    }
    if (strcmp(argv[1], "--prueba") == 0) {
        unsigned char m[15];
        for (int i = 0; i < 15; i++)
            m[i] = (unsigned char)i;
        uint64_t h = firma_siphash(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL, m, sizeof m);
        return h == 0xa129ca6149be45e5ULL ? 0 : 1;
    }
    firma_llave_t llave = firma_llave(argv[1]);
    char linea[8192];
    while (fgets(linea, sizeof linea, stdin) != NULL) {
        size_t n = strcspn(linea, "\n");
        if (firma_buena(llave, linea, n))
            printf("%.*s\n", (int)(n - FIRMA_CIFRAS - 1), linea);
    }
    return 0;
}
