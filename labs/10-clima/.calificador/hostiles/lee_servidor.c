/* lee_servidor.c — entrega hostil del 10 (sin bwrap): las pruebas de cargo del servidor.
 *
 * Sin caja (un contenedor, Gradescope, CALIF_SIN_BWRAP=1) el programa ve el disco. Su TMPDIR
 * es su carpeta de trabajo, dentro de la temporal de la verificación, y al lado estaba la del
 * servidor de práctica (0755, sus archivos 0644): esto imprimía cada alias opaco con su ruta de
 * verdad (alias.txt: «/c/…» → «…&retraso=…», «&estado=500», «/bytes/N?seed=…») y el registro
 * entero (registro.jsonl, también las peticiones del propio calificador): 131 líneas «FUGA» en
 * el informe. Ahora la carpeta del servidor es 0700 de quien califica (lib/servidor.c).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    const char *t = getenv("TMPDIR");
    char padre[4096], ruta[8192];
    snprintf(padre, sizeof padre, "%s/..", t != NULL ? t : "/tmp");
    DIR *d = opendir(padre);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        static const char *const nombres[] = {"alias.txt", "registro.jsonl", "guion.json"};
        for (int i = 0; i < 3; i++) {
            snprintf(ruta, sizeof ruta, "%s/%s/%s", padre, e->d_name, nombres[i]);
            FILE *f = fopen(ruta, "r");
            if (f == NULL)
                continue;
            char l[600];
            while (fgets(l, sizeof l, f) != NULL)
                printf("FUGA %s/%s: %s", e->d_name, nombres[i], l);
            fclose(f);
        }
    }
    if (d != NULL)
        closedir(d);
    printf("LEE_SERVIDOR: mirado %s\n", padre); /* prueba-autograder: la salida llega al informe */
    return 2;
}
