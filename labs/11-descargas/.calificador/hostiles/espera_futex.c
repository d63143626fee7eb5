/* espera_futex.c — hostil del 11 (adversario de la sesión 66, 100/100 antes): delante de la
 * solución, cada uv_fs_write con callback va al grupo de hilos, como debe, pero el hilo del
 * bucle se queda esperando en un uv_cond_timedwait (un futex, que strace no para) hasta que el
 * grupo termina, y la callback se entrega después con un temporizador de 0 ms. Es un disco
 * síncrono sin ningún write ni nanosleep en el hilo del bucle: ninguna regla de medios lo ve.
 * Lo ve «progreso» con el disco lento: el bucle parado 2 s por escritura no pinta. */
#include <uv.h>
#include <stdlib.h>
#include <string.h>
typedef struct {
    uv_timer_t t;
    uv_fs_t *req;
    uv_fs_cb cb;
} hm_t;
static void hm_cerrado(uv_handle_t *h)
{
    free(h->data);
}
static void hm_disparo(uv_timer_t *t)
{
    hm_t *x = t->data;
    uv_fs_cb cb = x->cb;
    uv_fs_t *req = x->req;
    uv_close((uv_handle_t *)&x->t, hm_cerrado);
    cb(req);
}
static void hm_encolar(uv_loop_t *l, uv_fs_t *req, uv_fs_cb cb)
{
    hm_t *x = calloc(1, sizeof *x);
    uv_timer_init(l, &x->t);
    x->t.data = x;
    x->req = req;
    x->cb = cb;
    uv_timer_start(&x->t, hm_disparo, 0, 0);
}
typedef struct {
    uv_fs_t real;
} hw_t;
static void hw_hecho(uv_fs_t *r)
{
    uv_fs_req_cleanup(r);
    free(r->data);
}
static int hm_write(uv_loop_t *l, uv_fs_t *req, uv_file f, const uv_buf_t *b, unsigned n,
                    int64_t off, uv_fs_cb cb)
{
    if (cb == NULL)
        return uv_fs_write(l, req, f, b, n, off, NULL);
    hw_t *x = calloc(1, sizeof *x);
    x->real.data = x;
    int r = uv_fs_write(l, &x->real, f, b, n, off, hw_hecho);
    if (r < 0) {
        free(x);
        return r;
    }
    static uv_mutex_t m;
    static uv_cond_t c;
    static int listo;
    if (!listo) {
        uv_mutex_init(&m);
        uv_cond_init(&c);
        listo = 1;
    }
    uv_mutex_lock(&m);
    /* El hilo del bucle espera aquí, dormido en un futex, a que el grupo escriba. */
    while (__atomic_load_n(&x->real.result, __ATOMIC_ACQUIRE) == 0)
        (void)uv_cond_timedwait(&c, &m, 200000); /* 0.2 ms */
    uv_mutex_unlock(&m);
    void *data = req->data;
    memset(req, 0, sizeof *req);
    req->data = data;
    req->type = UV_FS;
    req->fs_type = UV_FS_WRITE;
    req->loop = l;
    req->result = x->real.result;
    hm_encolar(l, req, cb);
    return 0;
}
#define uv_fs_write(l, r, f, b, n, o, cb) hm_write(l, r, f, b, n, o, cb)
