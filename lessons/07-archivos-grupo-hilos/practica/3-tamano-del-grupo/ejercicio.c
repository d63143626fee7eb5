/* ejercicio.c — el tamaño del grupo de hilos (práctica 3 de la lección 7).
 *
 *   grupo N    N lecturas lentas (bloquean 1 s cada una) en el grupo de hilos y, a la vez,
 *              un uv_fs_stat que no debe esperar detrás de ellas.
 *
 * Tal como está, hace las lecturas una detrás de otra en el hilo del bucle (N segundos con
 * el bucle bloqueado) y el stat al final. Tu trabajo: dimensionar el grupo, llevar cada
 * lectura a un hilo con uv_queue_work y pedir el stat con callback (ver README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_LECTURAS 32

/* La función bloqueante (ya escrita: no la cambies): tarda 1 s, como un disco que no responde. */
static void lectura_lenta(void)
{
    uv_sleep(1000);
}

/* TODO: una struct por lectura (con su uv_work_t), la función de trabajo, la de después
 * (imprime «lenta terminada» y libera), la callback del stat («stat: listo») y la cuenta de
 * lo pendiente, que imprime «hechas: N» cuando vuelve lo último. */

static int leer(const char *texto, long min, long max, long *valor)
{
    char *fin;

    errno = 0;
    *valor = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *valor >= min && *valor <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    uv_fs_t consulta;
    long n;
    int r;

    if (argc != 2 || leer(argv[1], 1, MAX_LECTURAS, &n) < 0) {
        fprintf(stderr, "uso: %s N (de 1 a %d lecturas lentas)\n", argv[0], MAX_LECTURAS);
        return 2;
    }
    /* TODO: UV_THREADPOOL_SIZE con setenv(), antes de la primera petición al grupo. */
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    /* TODO: cada lectura, a un hilo del grupo con uv_queue_work (no aquí, en el bucle). */
    for (int i = 0; i < n; i++) {
        lectura_lenta();
        printf("lenta terminada\n");
    }
    /* TODO: el stat, con callback (sin callback es síncrono y bloquea el bucle). */
    r = uv_fs_stat(&bucle, &consulta, ".", NULL);
    if (r < 0)
        fprintf(stderr, "uv_fs_stat: %s\n", error_texto(r));
    else
        printf("stat: listo\n");
    uv_fs_req_cleanup(&consulta);
    printf("hechas: %ld\n", n);
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
