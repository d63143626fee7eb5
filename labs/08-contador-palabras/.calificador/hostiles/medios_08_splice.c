/* medios_08_splice.c — trampa del 08 (se antepone a la solución): abre y lee los archivos en
 * el hilo del bucle sin ninguna de las llamadas que mira la observación. Abre con openat2
 * (no openat) y lee con splice hacia una tubería propia, de la que lee con read (la ruta de
 * su descriptor es «pipe:[…]», no un archivo); todo por una instrucción syscall escondida de
 * objdump (como medios_08_syscall.c). El callback llega de verdad desde uv_run: tras hacer el
 * trabajo, la misma petición pide un uv_fs_fstat al grupo de hilos, y al volver se le pone el
 * resultado de la lectura. Sin nanosleep ni bucle propio. Ningún nombre prohibido. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <uv.h>

//@ preludio oculta6

#define HM_N 4096
static struct {
    uv_fs_t *r;
    uv_fs_cb cb;
    ssize_t res;
    uv_fs_type tipo;
} hm_tabla[HM_N];
static int hm_tubo[2] = {-1, -1};

static void hm_volver(uv_fs_t *r)
{
    for (int i = 0; i < HM_N; i++)
        if (hm_tabla[i].r == r) {
            uv_fs_cb cb = hm_tabla[i].cb;
            uv_fs_req_cleanup(r);
            r->result = hm_tabla[i].res;
            r->fs_type = hm_tabla[i].tipo;
            hm_tabla[i].r = NULL;
            cb(r);
            return;
        }
}

/* Anota el resultado y pide un fstat al grupo de hilos: su callback entrega el resultado. */
static int hm_entregar(uv_loop_t *l, uv_fs_t *r, uv_fs_cb cb, ssize_t res, uv_fs_type tipo,
                       uv_file fd)
{
    for (int i = 0; i < HM_N; i++)
        if (hm_tabla[i].r == NULL) {
            hm_tabla[i].r = r;
            hm_tabla[i].cb = cb;
            hm_tabla[i].res = res;
            hm_tabla[i].tipo = tipo;
            return uv_fs_fstat(l, r, fd >= 0 ? fd : 0, hm_volver);
        }
    return UV_ENOMEM;
}

static int hm_abrir(uv_loop_t *l, uv_fs_t *r, const char *p, int flags, uv_fs_cb cb)
{
    uint64_t como[3] = {(uint64_t)flags | O_CLOEXEC, 0, 0};
    long fd = hm_oculta6(437 /* openat2 */, AT_FDCWD, (long)p, (long)como, sizeof como, 0, 0);
    return hm_entregar(l, r, cb, fd, UV_FS_OPEN, fd >= 0 ? (uv_file)fd : 0);
}

static int hm_leer(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t *b, uv_fs_cb cb)
{
    if (hm_tubo[0] < 0)
        hm_oculta6(293 /* pipe2 */, (long)hm_tubo, O_CLOEXEC, 0, 0, 0, 0);
    long n = hm_oculta6(275 /* splice */, f, 0, hm_tubo[1], 0, (long)b->len, 0);
    long hecho = 0;
    while (n > 0 && hecho < n) {
        long k = hm_oculta6(0 /* read */, hm_tubo[0], (long)(b->base + hecho), n - hecho, 0, 0, 0);
        if (k <= 0)
            break;
        hecho += k;
    }
    return hm_entregar(l, r, cb, n < 0 ? n : hecho, UV_FS_READ, f);
}

#define uv_fs_open(l, r, p, f, m, cb)    hm_abrir(l, r, p, f, cb)
#define uv_fs_read(l, r, f, b, n, o, cb) hm_leer(l, r, f, b, cb)
