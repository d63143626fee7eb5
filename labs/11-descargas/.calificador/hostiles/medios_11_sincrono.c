/* medios_11_sincrono.c — trampa del 11: el disco con uv_fs_* síncronas (callback NULL, en el
 * hilo del bucle) y el bucle propio de medios_cola.c. Ningún nombre prohibido. */
static int hm_run(uv_loop_t *l, uv_run_mode m)
{
    return uv_run(l, m);
}
#define uv_run(l, m)                      hm_bucle(l, hm_run)
#define uv_fs_open(l, r, p, f, m, cb)     hm_encolar(r, cb, uv_fs_open(l, r, p, f, m, NULL))
#define uv_fs_write(l, r, f, b, n, o, cb) hm_encolar(r, cb, uv_fs_write(l, r, f, b, n, o, NULL))
#define uv_fs_read(l, r, f, b, n, o, cb)  hm_encolar(r, cb, uv_fs_read(l, r, f, b, n, o, NULL))
#define uv_fs_close(l, r, f, cb)          hm_encolar(r, cb, uv_fs_close(l, r, f, NULL))
#define uv_fs_ftruncate(l, r, f, o, cb)   hm_encolar(r, cb, uv_fs_ftruncate(l, r, f, o, NULL))
#define uv_fs_fstat(l, r, f, cb)          hm_encolar(r, cb, uv_fs_fstat(l, r, f, NULL))
#define uv_fs_rename(l, r, p, n, cb)      hm_encolar(r, cb, uv_fs_rename(l, r, p, n, NULL))
