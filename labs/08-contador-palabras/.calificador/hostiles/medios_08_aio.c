/* medios_08_aio.c — trampa del 08 (se antepone a la solución): lee los archivos en el hilo
 * del bucle, bloqueando, con Linux AIO (io_setup, io_submit, io_getevents), que no es
 * ninguna de las lecturas que mira la observación; los abre uv_fs_open en el grupo de hilos,
 * como debe ser. Todo por una instrucción syscall escondida de objdump (como
 * medios_08_splice.c), y el callback llega de uv_run: la misma petición pide un uv_fs_fstat
 * al grupo de hilos y al volver se le pone el resultado de la lectura. Antes de que el filtro
 * de la caja fuera una lista de permitidos (issue 31), sacaba 100. */
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <string.h>
#include <uv.h>

//@ preludio oculta6

#define HM_N 4096
static struct {
    uv_fs_t *r;
    uv_fs_cb cb;
    ssize_t res;
} hm_tabla[HM_N];
static int64_t hm_pos[65536]; /* por dónde va cada descriptor (lecturas sin desplazamiento) */
static aio_context_t hm_ctx;

static void hm_volver(uv_fs_t *r)
{
    for (int i = 0; i < HM_N; i++)
        if (hm_tabla[i].r == r) {
            uv_fs_cb cb = hm_tabla[i].cb;
            uv_fs_req_cleanup(r);
            r->result = hm_tabla[i].res;
            r->fs_type = UV_FS_READ;
            hm_tabla[i].r = NULL;
            cb(r);
            return;
        }
}

static int hm_leer(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t *b, int64_t o, uv_fs_cb cb)
{
    long n = 0;
    if (hm_ctx == 0)
        n = hm_oculta6(206 /* io_setup */, 64, (long)&hm_ctx, 0, 0, 0, 0);
    int64_t desde = o >= 0 ? o : (f >= 0 && f < 65536 ? hm_pos[f] : 0);
    struct iocb cb_aio;
    memset(&cb_aio, 0, sizeof cb_aio);
    cb_aio.aio_lio_opcode = IOCB_CMD_PREAD;
    cb_aio.aio_fildes = (uint32_t)f;
    cb_aio.aio_buf = (uint64_t)(uintptr_t)b->base;
    cb_aio.aio_nbytes = b->len;
    cb_aio.aio_offset = desde;
    struct iocb *lista[1] = {&cb_aio};
    struct io_event ev;
    if (n == 0)
        n = hm_oculta6(209 /* io_submit */, (long)hm_ctx, 1, (long)lista, 0, 0, 0);
    if (n == 1)
        n = hm_oculta6(208 /* io_getevents */, (long)hm_ctx, 1, 1, (long)&ev, 0, 0);
    long res = n == 1 ? (long)ev.res : (n < 0 ? n : -5);
    if (res > 0 && o < 0 && f >= 0 && f < 65536)
        hm_pos[f] += res;
    for (int i = 0; i < HM_N; i++)
        if (hm_tabla[i].r == NULL) {
            hm_tabla[i].r = r;
            hm_tabla[i].cb = cb;
            hm_tabla[i].res = res;
            return uv_fs_fstat(l, r, f, hm_volver);
        }
    return UV_ENOMEM;
}

#define uv_fs_read(l, r, f, b, n, o, cb) hm_leer(l, r, f, b, o, cb)
