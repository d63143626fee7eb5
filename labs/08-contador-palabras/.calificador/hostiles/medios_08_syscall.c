/* medios_08_syscall.c — trampa del 08: abre y lee con una instrucción syscall que objdump no
 * ve (un salto al medio de otra instrucción: los bytes 0f 05 van dentro del inmediato de un
 * «mov $…, %eax»), en el hilo del bucle. uv_run sí corre. Ningún nombre prohibido. */
#include <fcntl.h>
//@ preludio oculta6
#define hm_oculta(nr, a, b, c) hm_oculta6(nr, a, b, c, 0, 0, 0)
static int hm_abrir(uv_fs_t *r, const char *p, int f)
{
    void *datos = r->data;
    memset(r, 0, sizeof *r);
    r->data = datos;
    r->type = UV_FS;
    r->fs_type = UV_FS_OPEN;
    r->result = hm_oculta(257 /* openat */, AT_FDCWD, (long)p, f);
    return 0;
}
static int hm_leer(uv_fs_t *r, uv_file f, const uv_buf_t *b)
{
    void *datos = r->data;
    memset(r, 0, sizeof *r);
    r->data = datos;
    r->type = UV_FS;
    r->fs_type = UV_FS_READ;
    r->result = hm_oculta(0 /* read */, f, (long)b->base, (long)b->len);
    return 0;
}
static int hm_run(uv_loop_t *l, uv_run_mode m)
{
    return uv_run(l, m);
}
#define uv_run(l, m)                     hm_bucle(l, hm_run)
#define uv_fs_open(l, r, p, f, m, cb)    hm_encolar(r, cb, hm_abrir(r, p, f))
#define uv_fs_read(l, r, f, b, n, o, cb) hm_encolar(r, cb, hm_leer(r, f, b))
