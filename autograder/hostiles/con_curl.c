/* con_curl.c — entrega hostil: hace el laboratorio con la orden curl (popen), sin libuv ni
 * el cliente del curso. Su salida tendría el formato correcto, pero no es lo que se pide. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    for (int ciclo = 0; ciclo < 20; ciclo++) {
        for (int i = 1; i < argc; i++) {
            if (argv[i][0] == '-') {
                i++;
                continue;
            }
            char orden[2048];
            snprintf(orden, sizeof orden, "curl -s -o /dev/null -w '%%{http_code}' '%s'", argv[i]);
            FILE *f = popen(orden, "r");
            int estado = 0;
            if (f != NULL && fscanf(f, "%d", &estado) != 1)
                estado = 0;
            if (f != NULL)
                pclose(f);
            printf("%s %s %d 1 ms%s\n", estado > 0 && estado < 400 ? "OK" : "FALLO", argv[i],
                   estado, estado > 0 && estado < 400 ? "" : " fallo");
        }
        usleep(200000);
    }
    return 0;
}
