/* chat_calla.c — trampa del 09 (se pone DETRÁS de la solución con el mutante cierra_la_red,
 * que deja sus handles a la red de seguridad): antes de main, el descriptor 7 —por el que la
 * precarga vivos escribe qué seguía abierto al acabar uv_run— pasa a ser /dev/null. Ninguna
 * línea «cierre:» llegaba al calificador, que lo tomaba por «lo cerró todo»: 100/100 (el
 * mutante, 97: pierde `senales`). Ahora la precarga da al salir un testigo con la clave al
 * azar del lanzamiento y cuántas líneas escribió; sin él, `senales` no pasa. */
#include <fcntl.h>
#include <unistd.h>

__attribute__((constructor)) static void hc_calla(void)
{
    int n = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (n >= 0) {
        dup2(n, 7);
        close(n);
    }
}
