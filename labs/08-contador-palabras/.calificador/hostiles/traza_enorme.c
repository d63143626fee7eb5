/* traza_enorme.c — entrega hostil del 08: lo que escribe strace por ella.
 *
 * 20000 uv_fs_open síncronos de una ruta de ~4000 bytes que no existe: cada uno falla (una
 * llamada que falla no cuenta como medio) y es una línea de ~4 KB en la traza que strace
 * escribe fuera de la caja, en build/…/trabajo/NN/trazas, donde no llega la cuota de la
 * verificación. strace se para en 64 MiB (RLIMIT_FSIZE), pero con un lanzamiento por
 * verificación y varias verificaciones eran 1,1 GB que quedaban en el disco tras calificar.
 * Ahora el ejecutor borra las trazas en cuanto las ha juzgado (runner/conducta.c,
 * conducta_terminar; CALIF_GUARDAR_TRAZAS=1 las deja).
 */
#include <fcntl.h>
#include <string.h>
#include <uv.h>

int main(void)
{
    static char ruta[4000];
    static uv_loop_t nadie; /* uv_fs_open sin callback no lo usa */
    uv_fs_t req;
    memcpy(ruta, "/proc/", 6);
    memset(ruta + 6, 'a', sizeof ruta - 7);
    for (int i = 0; i < 20000; i++) {
        uv_fs_open(&nadie, &req, ruta, O_RDONLY, 0, NULL);
        uv_fs_req_cleanup(&req);
    }
    return 0;
}
