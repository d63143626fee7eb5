/* sigpipe.c — el síntoma «el programa muere sin decir nada, con código de salida 141»: SIGPIPE.
 *
 *   sigpipe            escribe en una tubería cuyo lector ya cerró: el núcleo le envía
 *                      SIGPIPE, que por omisión mata el proceso (128 + 13 = 141)
 *   sigpipe ignorar    con signal(SIGPIPE, SIG_IGN) antes, la escritura falla con UV_EPIPE
 *
 * Lo mismo pasa al seguir escribiendo en un socket cuyo cliente se fue: no en la primera
 * escritura, que aún sale bien, sino en una posterior (lección 6, §2.6).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    uv_pipe_t escritor;
    uv_buf_t buf = uv_buf_init("hola\n", 5);
    int fds[2];
    int r;

    if (argc > 1 && strcmp(argv[1], "ignorar") == 0)
        signal(SIGPIPE, SIG_IGN);
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    if (pipe(fds) != 0) {
        perror("pipe");
        bucle_terminar(&bucle);
        return 1;
    }
    close(fds[0]); /* el lector se va */
    uv_pipe_init(&bucle, &escritor, 0); /* no falla: lección 2, §3 */
    r = uv_pipe_open(&escritor, fds[1]);
    if (r == 0) {
        printf("escribo en una tubería sin lector…\n");
        r = uv_try_write((uv_stream_t *)&escritor, &buf, 1);
        printf("uv_try_write: %s (%s)\n", r < 0 ? uv_err_name(r) : "escrito", error_texto(r));
    } else {
        fprintf(stderr, "uv_pipe_open: %s\n", error_texto(r));
    }
    uv_close((uv_handle_t *)&escritor, NULL);
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
