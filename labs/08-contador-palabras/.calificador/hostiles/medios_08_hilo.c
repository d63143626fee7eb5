/* medios_08_hilo.c — trampa de medios (se antepone a la solución del 08): lee los archivos con
 * preadv bloqueante en un hilo propio en vez de en el grupo de hilos de libuv (el lector de
 * medios_08_relleno.c). Sin ningún nombre prohibido: pthread_create, preadv, readv y socket
 * se buscan en la tabla de símbolos dinámicos de libc (dl_iterate_phdr, como chat_sin_libuv.c).
 * El grupo de libuv sigue con sus 4 hilos: el propio es el quinto, y la cuenta de hilos (4 como
 * mucho) lo vería; pero antes de nada abre un socket AF_UNIX de datagramas, y un hilo que abre
 * uno de esos pasaba por uno del resolutor de libcurl (getaddrinfo), que no cuenta. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <uv.h>

typedef struct {
    const char *nombre;
    void *funcion;
} hh_busqueda_t;

static int hh_en_objeto(struct dl_phdr_info *info, size_t tam, void *dato)
{
    (void)tam;
    hh_busqueda_t *b = dato;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libc.so") == NULL)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
            continue;
        const ElfW(Dyn) *d = (const void *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
        const ElfW(Sym) *sym = NULL;
        const char *str = NULL;
        for (; d->d_tag != DT_NULL; d++) {
            ElfW(Addr) v = d->d_un.d_ptr;
            if (v < info->dlpi_addr)
                v += info->dlpi_addr;
            if (d->d_tag == DT_SYMTAB)
                sym = (const void *)v;
            else if (d->d_tag == DT_STRTAB)
                str = (const void *)v;
        }
        if (sym == NULL || str == NULL || (const char *)sym >= str)
            return 0;
        for (const ElfW(Sym) *s = sym; (const char *)(s + 1) <= str; s++)
            if (s->st_value != 0 && ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
                strcmp(str + s->st_name, b->nombre) == 0) {
                b->funcion = (void *)(info->dlpi_addr + s->st_value);
                return 1;
            }
    }
    return 0;
}

static void *hh_libc(const char *nombre)
{
    hh_busqueda_t b = {nombre, NULL};
    dl_iterate_phdr(hh_en_objeto, &b);
    return b.funcion;
}

typedef int (*hh_crear_t)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
typedef ssize_t (*hh_preadv_t)(int, const struct iovec *, int, off_t);
typedef ssize_t (*hh_readv_t)(int, const struct iovec *, int);
typedef int (*hh_socket_t)(int, int, int);
static hh_preadv_t hh_preadv;
static hh_readv_t hh_readv;

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
    /* Lo que hace el resolutor de libcurl: un socket de datagramas (aquí, local). */
    hh_socket_t abrir = (hh_socket_t)hh_libc("socket");
    if (abrir != NULL)
        abrir(AF_UNIX, SOCK_DGRAM, 0);
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
        ssize_t n = t->off < 0 ? hh_readv(t->fd, v, (int)t->nbufs)
                               : hh_preadv(t->fd, v, (int)t->nbufs, t->off);
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
        hh_crear_t crear = (hh_crear_t)hh_libc("pthread_create");
        hh_preadv = (hh_preadv_t)hh_libc("preadv");
        hh_readv = (hh_readv_t)hh_libc("readv");
        if (crear == NULL || hh_preadv == NULL || hh_readv == NULL)
            return UV_ENOSYS;
        crear(&hp_hilo, NULL, hp_lector, NULL);
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
