/* medios_08_relleno.c — trampa de medios (se antepone a la solución del 08, sin medios_cola).
 *
 * Lee los archivos con preadv bloqueante en un hilo propio (pthread_create) en vez de en el
 * grupo de hilos de libuv: uv_fs_read con callback pasa por aquí, y la callback llega al hilo
 * del bucle con un uv_async_t. Para que la cuenta de hilos (4 como mucho) no lo vea, el grupo
 * de libuv baja a 1 hilo (UV_THREADPOOL_SIZE en un constructor). Para que los nombres no lo
 * vean, 4000 referencias débiles «AAAA…» van delante de pthread_create y preadv en la salida
 * ordenada de `nm -P -u`, que el ejecutor capturaba con un tope de 48 KiB y juzgaba en
 * silencio solo hasta ahí: 94/100. Ahora la salida de nm y objdump se juzga entera (hasta
 * 16 MiB; si pasa, no se califica): se ve pthread_create y no se califica.
 * prueba-autograder la califica también con 1 MiB de código de relleno (`MEDIOS_RELLENO_CODIGO`),
 * cuyo desensamblado pasa del tope: tampoco se califica, y el informe dice por qué.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <uv.h>

__asm__(".macro hp_ref\n"
        ".weak AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_\\@\n"
        ".quad AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_\\@\n"
        ".endm\n"
        ".data\n"
        ".rept 4000\n"
        "hp_ref\n"
        ".endr\n"
        ".text\n"
#ifdef MEDIOS_RELLENO_CODIGO
        ".globl hp_relleno_codigo\nhp_relleno_codigo:\n.fill 1048576, 1, 0x90\nret\n"
#endif
);

__attribute__((constructor)) static void hp_pocos(void)
{
    setenv("UV_THREADPOOL_SIZE", "1", 1);
}

typedef struct hp_trabajo {
    uv_fs_t *req;
    uv_fs_cb cb;
    int fd;
    uv_buf_t bufs[8];
    unsigned nbufs;
    int64_t off;
    ssize_t r;
    struct hp_trabajo *sig;
} hp_trabajo_t;

static pthread_mutex_t hp_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hp_c = PTHREAD_COND_INITIALIZER;
static hp_trabajo_t *hp_pend, *hp_hechos;
static uv_async_t hp_async;
static int hp_listo, hp_cuantos;
static pthread_t hp_hilo;

static void *hp_lector(void *x)
{
    (void)x;
    for (;;) {
        pthread_mutex_lock(&hp_m);
        while (hp_pend == NULL)
            pthread_cond_wait(&hp_c, &hp_m);
        hp_trabajo_t *t = hp_pend;
        hp_pend = t->sig;
        pthread_mutex_unlock(&hp_m);
        struct iovec v[8];
        for (unsigned i = 0; i < t->nbufs; i++) {
            v[i].iov_base = t->bufs[i].base;
            v[i].iov_len = t->bufs[i].len;
        }
        ssize_t n =
            t->off < 0 ? readv(t->fd, v, (int)t->nbufs) : preadv(t->fd, v, (int)t->nbufs, t->off);
        t->r = n < 0 ? -errno : n;
        pthread_mutex_lock(&hp_m);
        t->sig = hp_hechos;
        hp_hechos = t;
        pthread_mutex_unlock(&hp_m);
        uv_async_send(&hp_async);
    }
    return NULL;
}

static void hp_entregar(uv_async_t *a)
{
    pthread_mutex_lock(&hp_m);
    hp_trabajo_t *t = hp_hechos;
    hp_hechos = NULL;
    pthread_mutex_unlock(&hp_m);
    while (t != NULL) {
        hp_trabajo_t *sig = t->sig;
        uv_fs_t *req = t->req;
        void *datos = req->data;
        memset(req, 0, sizeof *req);
        req->data = datos;
        req->type = UV_FS;
        req->fs_type = UV_FS_READ;
        req->loop = a->loop;
        req->cb = t->cb;
        req->result = t->r;
        req->bufs = req->bufsml;
        if (--hp_cuantos == 0)
            uv_unref((uv_handle_t *)a);
        uv_fs_cb cb = t->cb;
        free(t);
        cb(req);
        t = sig;
    }
}

static int hp_fs_read(uv_loop_t *l, uv_fs_t *req, uv_file fd, const uv_buf_t bufs[], unsigned n,
                      int64_t off, uv_fs_cb cb)
{
    if (cb == NULL || n > 8)
        return uv_fs_read(l, req, fd, bufs, n, off, cb);
    if (!hp_listo) {
        uv_async_init(l, &hp_async, hp_entregar);
        uv_unref((uv_handle_t *)&hp_async);
        pthread_create(&hp_hilo, NULL, hp_lector, NULL);
        hp_listo = 1;
    }
    hp_trabajo_t *t = calloc(1, sizeof *t);
    if (t == NULL)
        return UV_ENOMEM;
    t->req = req;
    t->cb = cb;
    t->fd = fd;
    memcpy(t->bufs, bufs, n * sizeof *bufs);
    t->nbufs = n;
    t->off = off;
    req->loop = l;
    if (hp_cuantos++ == 0)
        uv_ref((uv_handle_t *)&hp_async);
    pthread_mutex_lock(&hp_m);
    t->sig = hp_pend;
    hp_pend = t;
    pthread_cond_signal(&hp_c);
    pthread_mutex_unlock(&hp_m);
    return 0;
}

static int hp_loop_close(uv_loop_t *l)
{
    if (hp_listo) {
        uv_close((uv_handle_t *)&hp_async, NULL);
        uv_run(l, UV_RUN_DEFAULT);
        hp_listo = 0;
    }
    return uv_loop_close(l);
}

#define uv_fs_read    hp_fs_read
#define uv_loop_close hp_loop_close
