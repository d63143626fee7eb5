/* lectura.c — colgado a propósito (prueba de vivos): un uv_fs_read sobre una tubería en la
 * que nadie escribe: la petición queda en curso para siempre (un hilo del grupo espera). */
#include <stdio.h>
#include <unistd.h>
#include <uv.h>

static char datos[64];

static void leido(uv_fs_t *req)
{
    uv_fs_req_cleanup(req);
}

int main(void)
{
    static uv_fs_t req;
    int tubo[2];
    if (pipe(tubo) < 0)
        return 1;
    uv_buf_t buf = uv_buf_init(datos, sizeof datos);
    uv_fs_read(uv_default_loop(), &req, tubo[0], &buf, 1, -1, leido); /* vivos: pedida */
    return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
