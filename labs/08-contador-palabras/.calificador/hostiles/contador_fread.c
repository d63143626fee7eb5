/* contador_fread.c — entrega hostil del laboratorio 08: un contador de palabras que lee con
 * fopen/fread en el hilo principal, sin uv_fs_*. Cuenta bien los archivos sueltos, pero no es
 * lo que enseña el laboratorio (cada lectura bloquea): el ejecutor la rechaza por sus
 * símbolos (lectura_bloqueante). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    unsigned long long total = 0, n = 0;
    int fallos = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            fprintf(stderr, "ERROR %s: no se puede abrir\n", argv[i]);
            fallos = 1;
            continue;
        }
        unsigned char buf[65536];
        size_t leidos;
        int dentro = 0;
        unsigned long long palabras = 0;
        while ((leidos = fread(buf, 1, sizeof buf, f)) > 0)
            for (size_t k = 0; k < leidos; k++) {
                int palabra = strchr(" \t\n\v\f\r", buf[k]) == NULL || buf[k] == 0;
                palabras += palabra && !dentro;
                dentro = palabra;
            }
        fclose(f);
        printf("%llu %s\n", palabras, argv[i]);
        total += palabras;
        n++;
    }
    printf("TOTAL %llu palabras en %llu archivos\n", total, n);
    printf("MEDIA %.1f palabras por archivo\n", n > 0 ? (double)total / (double)n : 0.0);
    return fallos;
}
