/* medios_08_posix_aio.c — trampa del 08 (se antepone a la solución): leer con la E/S asíncrona de
 * POSIX (aio_read), cuyo hilo crea libc por su cuenta, fuera del grupo de libuv. El ataque
 * entero (adversario de la sesión 24: cada archivo con aio_read, aio_threads=1 y
 * UV_THREADPOOL_SIZE=3 para caber en la cuenta de hilos, el aviso por una señal a un
 * uv_signal_t) sacaba 100/100. Aquí basta con nombrarla: la regla de nombres («hilos», prefijo
 * aio_) la ve en el objeto. Sin el nombre (resuelta en tiempo de ejecución), la pila del hilo
 * que lee no tiene libuv.so: autograder/pruebas/trazas/trabajo-aio. */
#include <aio.h>
#include <string.h>

int hm_aio_leer(int fd, void *buf, size_t n);
int hm_aio_leer(int fd, void *buf, size_t n)
{
    struct aiocb c;
    memset(&c, 0, sizeof c);
    c.aio_fildes = fd;
    c.aio_buf = buf;
    c.aio_nbytes = n;
    if (aio_read(&c) != 0)
        return -1;
    const struct aiocb *lista[1] = {&c};
    aio_suspend(lista, 1, NULL);
    return (int)aio_return(&c);
}
