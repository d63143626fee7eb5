/* inunda.c — entrega hostil: escribe sin parar en stdout y stderr (líneas que parecen del
 * formato del laboratorio, bytes inválidos en UTF-8 y caracteres de control). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    static char linea[4096];
    memset(linea, 'x', sizeof linea);
    memcpy(linea, "OK http://127.0.0.1:1/ 200 1 ms \xff\xfe\x1b[31m<&>\"", 44);
    linea[sizeof linea - 1] = '\n';
    for (;;) {
        if (write(1, linea, sizeof linea) < 0 || write(2, linea, 512) < 0)
            return 1;
    }
}
