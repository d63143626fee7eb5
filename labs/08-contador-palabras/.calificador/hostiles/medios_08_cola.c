/* medios_08_cola.c — trampa del 08 (se antepone a la solución): lee cada trozo de forma síncrona
 * en una callback de uv_queue_work cuya última sentencia es la lectura, compilada como llamada
 * de cola: el marco del programa desaparece de la pila. Con HM_COLA_UV 0, preadv64v2 de libc
 * (la pila: libc → el bucle del grupo de libuv), y lo leído se deduce del tamaño (un
 * uv_fs_fstat con callback al volver); una FIFO va por el uv_fs_read de verdad. Con 1, lo que
 * es síncrono es abrir: uv_fs_open sin callback (seis argumentos: cabe en una llamada de cola;
 * uv_fs_read, con siete, no) en la callback de trabajo (libc → uv__fs_work → uv_fs_open → el
 * bucle del grupo), y se lee con uv_fs_read de verdad. La regla de la pila miraba si había un
 * marco del programa: 96/100 en el 08 sin aviso con 0, 100/100 con 1 (sesión 26). Ahora mira
 * qué hay justo encima del bucle del grupo (runner/conducta_pila.c, pila_cola): no se califica. */
#define _GNU_SOURCE
#define HM_COLA_UV 0
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <uv.h>

typedef struct {
    uv_work_t w;
    uv_fs_t *r;
    uv_fs_cb cb;
    uv_file f;
    struct iovec iov;
    int64_t desde;
} hm_lectura_t;

#define HM_N 4096
static hm_lectura_t *hm_pendientes[HM_N];
static int64_t hm_pos[65536];

__attribute__((optimize("O2", "optimize-sibling-calls"))) static void hm_cola(uv_work_t *w)
{
    hm_lectura_t *c = w->data;
    preadv64v2(c->f, &c->iov, 1, c->desde, 0);
}

static void hm_volver(uv_fs_t *r)
{
    for (int i = 0; i < HM_N; i++)
        if (hm_pendientes[i] != NULL && hm_pendientes[i]->r == r) {
            hm_lectura_t *c = hm_pendientes[i];
            hm_pendientes[i] = NULL;
            int64_t n = 0;
            if (r->result == 0 && !S_ISREG(r->statbuf.st_mode)) {
                /* Una FIFO: preadv64v2 con posición falló (ESPIPE) sin leer; la de verdad. */
                uv_fs_req_cleanup(r);
                uv_buf_t b = uv_buf_init(c->iov.iov_base, (unsigned)c->iov.iov_len);
                uv_fs_cb cb = c->cb;
                uv_file f = c->f;
                free(c);
                (uv_fs_read)(r->loop, r, f, &b, 1, -1, cb);
                return;
            }
            if (r->result == 0 && S_ISREG(r->statbuf.st_mode)) {
                int64_t queda = (int64_t)r->statbuf.st_size - c->desde;
                n = queda < 0                         ? 0
                    : queda < (int64_t)c->iov.iov_len ? queda
                                                      : (int64_t)c->iov.iov_len;
            }

            uv_fs_req_cleanup(r);
            hm_pos[c->f] = n > 0 ? c->desde + n : 0;
            r->result = n;
            r->fs_type = UV_FS_READ;
            uv_fs_cb cb = c->cb;
            free(c);
            cb(r);
            return;
        }
}

static void hm_devolver(uv_work_t *w, int estado)
{
    hm_lectura_t *c = w->data;
    (void)estado;
    for (int i = 0; i < HM_N; i++)
        if (hm_pendientes[i] == NULL) {
            hm_pendientes[i] = c;
            if (uv_fs_fstat(w->loop, c->r, c->f, hm_volver) == 0)
                return;
            hm_pendientes[i] = NULL;
            break;
        }
    c->r->result = UV_EIO;
    c->cb(c->r);
    free(c);
}

__attribute__((unused)) static int hm_leer(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t *b,
                                           int64_t o, uv_fs_cb cb)
{
    if (f < 0 || f >= 65536)
        return UV_EBADF;
    hm_lectura_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return UV_ENOMEM;
    c->r = r;
    c->cb = cb;
    c->f = f;
    c->iov.iov_base = b[0].base;
    c->iov.iov_len = b[0].len;
    c->desde = o >= 0 ? o : hm_pos[f];
    c->w.data = c;
    int e = uv_queue_work(l, &c->w, hm_cola, hm_devolver);
    if (e < 0)
        free(c);
    return e;
}

#if HM_COLA_UV
typedef struct {
    uv_work_t w;
    uv_fs_t *r;
    uv_fs_cb cb;
    uv_fs_t sincrona;
    char *ruta;
    int indicadores, modo;
    ssize_t fd;
} hm_apertura_t;

static hm_apertura_t *hm_abriendo[HM_N];

__attribute__((optimize("O2", "optimize-sibling-calls"))) static void hm_abrir_cola(uv_work_t *w)
{
    hm_apertura_t *a = w->data;
    (uv_fs_open)(w->loop, &a->sincrona, a->ruta, a->indicadores, a->modo, NULL);
}

static void hm_abierto_volver(uv_fs_t *r)
{
    for (int i = 0; i < HM_N; i++)
        if (hm_abriendo[i] != NULL && hm_abriendo[i]->r == r) {
            hm_apertura_t *a = hm_abriendo[i];
            hm_abriendo[i] = NULL;
            uv_fs_req_cleanup(r);
            r->result = a->fd;
            r->fs_type = UV_FS_OPEN;
            uv_fs_cb cb = a->cb;
            free(a->ruta);
            free(a);
            cb(r);
            return;
        }
}

/* De vuelta en el hilo del bucle: el callback llega de uv_run (un uv_fs_fstat con callback). */
static void hm_abierto(uv_work_t *w, int estado)
{
    hm_apertura_t *a = w->data;
    a->fd = estado < 0 ? estado : a->sincrona.result;
    uv_fs_req_cleanup(&a->sincrona);
    for (int i = 0; i < HM_N; i++)
        if (hm_abriendo[i] == NULL) {
            hm_abriendo[i] = a;
            if (a->fd >= 0 && uv_fs_fstat(w->loop, a->r, (uv_file)a->fd, hm_abierto_volver) == 0)
                return;
            hm_abriendo[i] = NULL;
            break;
        }
    a->r->result = a->fd >= 0 ? UV_EIO : a->fd;
    a->cb(a->r);
    free(a->ruta);
    free(a);
}

static int hm_abrir(uv_loop_t *l, uv_fs_t *r, const char *ruta, int indicadores, int modo,
                    uv_fs_cb cb)
{
    hm_apertura_t *a = calloc(1, sizeof *a);
    if (a != NULL)
        a->ruta = strdup(ruta);
    if (a == NULL || a->ruta == NULL) {
        free(a);
        return UV_ENOMEM;
    }
    a->r = r;
    a->cb = cb;
    a->indicadores = indicadores;
    a->modo = modo;
    a->w.data = a;
    int e = uv_queue_work(l, &a->w, hm_abrir_cola, hm_abierto);
    if (e < 0) {
        free(a->ruta);
        free(a);
    }
    return e;
}

#define uv_fs_open(l, r, p, f, m, cb) hm_abrir(l, r, p, f, m, cb)
#else
#define uv_fs_read(l, r, f, b, n, o, cb) hm_leer(l, r, f, b, o, cb)
#endif
