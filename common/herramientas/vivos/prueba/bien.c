/* bien.c — la prueba de vivos que termina bien: un temporizador que vence una vez, una
 * lectura de archivo y un cierre limpio. No tiene que dejar informe. */
#include <fcntl.h>
#include <stdio.h>
#include <uv.h>

static uv_timer_t t;
static uv_fs_t req;

static void cerrado(uv_handle_t *h)
{
    (void)h;
}

static void vencido(uv_timer_t *h)
{
    uv_close((uv_handle_t *)h, cerrado);
}

static void abierto(uv_fs_t *r)
{
    if (r->result >= 0) {
        uv_fs_t c;
        uv_fs_close(NULL, &c, (uv_file)r->result, NULL);
        uv_fs_req_cleanup(&c);
    }
    uv_fs_req_cleanup(r);
}

int main(void)
{
    uv_loop_t *b = uv_default_loop();
    uv_timer_init(b, &t);
    uv_timer_start(&t, vencido, 50, 0);
    uv_fs_open(b, &req, "/dev/null", O_RDONLY, 0, abierto);
    int r = uv_run(b, UV_RUN_DEFAULT);
    printf("bien\n");
    return r != 0 || uv_loop_close(b) != 0;
}
