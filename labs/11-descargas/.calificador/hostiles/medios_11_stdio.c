/* medios_11_stdio.c — trampa del 11: escribe el disco con stdio (_IO_fdopen + fwrite + fflush
 * sobre el descriptor) y renombra con link + unlink, en el hilo del bucle; el resto, síncrono con
 * el bucle propio de medios_cola.c. */
#include <stdio.h>
#include <unistd.h>
static int hm_run(uv_loop_t *l, uv_run_mode m)
{
    return uv_run(l, m);
}
extern FILE *_IO_fdopen(int, const char *);
static int hm_escribir(uv_fs_t *r, uv_file f, const uv_buf_t *b, unsigned n, int64_t o)
{
    void *datos = r->data;
    memset(r, 0, sizeof *r);
    r->data = datos;
    r->type = UV_FS;
    r->fs_type = UV_FS_WRITE;
    FILE *fl = _IO_fdopen(dup(f), "r+");
    if (fl == NULL)
        return r->result = UV_EIO, 0;
    fseeko(fl, o, SEEK_SET);
    ssize_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += (ssize_t)fwrite(b[i].base, 1, b[i].len, fl);
    fflush(fl);
    fclose(fl);
    r->result = total;
    return 0;
}
static int hm_renombrar(uv_fs_t *r, const char *de, const char *a)
{
    void *datos = r->data;
    memset(r, 0, sizeof *r);
    r->data = datos;
    r->type = UV_FS;
    r->fs_type = UV_FS_RENAME;
    unlink(a);
    r->result = link(de, a) == 0 && unlink(de) == 0 ? 0 : -1;
    return 0;
}
#define uv_run(l, m)                      hm_bucle(l, hm_run)
#define uv_fs_write(l, r, f, b, n, o, cb) hm_encolar(r, cb, hm_escribir(r, f, b, n, o))
#define uv_fs_rename(l, r, p, n, cb)      hm_encolar(r, cb, hm_renombrar(r, p, n))
#define uv_fs_open(l, r, p, f, m, cb)     hm_encolar(r, cb, uv_fs_open(l, r, p, f, m, NULL))
#define uv_fs_close(l, r, f, cb)          hm_encolar(r, cb, uv_fs_close(l, r, f, NULL))
