/* medios_08_alias.c — trampa del 08: abre y lee con los alias de glibc que una lista de
 * nombres olvida (__open64, __read; y getdents64, _IO_fopen, fread_unlocked, fscanf, que
 * enlaza como __isoc99_fscanf), en el hilo del bucle, con el bucle propio de medios_cola.c. */
#include <dirent.h>
extern ssize_t getdents64(int, void *, size_t);
#include <fcntl.h>
#include <stdio.h>
extern int __open64(const char *, int, ...);
extern ssize_t __read(int, void *, size_t);
extern FILE *_IO_fopen(const char *, const char *);
/* Nunca se llama: solo mete los nombres en el objeto, como haría una entrega que los usa. */
void *hm_alias[] = {(void *)getdents64, (void *)_IO_fopen, (void *)fread_unlocked, (void *)fscanf};
static int hm_run(uv_loop_t *l, uv_run_mode m)
{
    return uv_run(l, m);
}
static int hm_abrir(uv_fs_t *r, const char *p, int f)
{
    void *datos = r->data;
    memset(r, 0, sizeof *r);
    r->data = datos;
    r->type = UV_FS;
    r->fs_type = UV_FS_OPEN;
    r->result = __open64(p, f);
    return 0;
}
static int hm_leer(uv_fs_t *r, uv_file f, const uv_buf_t *b)
{
    void *datos = r->data;
    memset(r, 0, sizeof *r);
    r->data = datos;
    r->type = UV_FS;
    r->fs_type = UV_FS_READ;
    r->result = __read(f, b->base, b->len);
    return 0;
}
#define uv_run(l, m)                     hm_bucle(l, hm_run)
#define uv_fs_open(l, r, p, f, m, cb)    hm_encolar(r, cb, hm_abrir(r, p, f))
#define uv_fs_read(l, r, f, b, n, o, cb) hm_encolar(r, cb, hm_leer(r, f, b))
