/* medios_08_sincrono.c — trampa del 08 (se pone tras medios_cola.c y antes de la solución):
 * uv_fs_open/read/close/scandir/stat/lstat con callback NULL (síncronas, en el hilo del
 * bucle) y un bucle propio con nanosleep en lugar de uv_run. Ningún nombre prohibido. */
static int hm_run(uv_loop_t *l, uv_run_mode m)
{
    return uv_run(l, m);
}
#define uv_run(l, m)                     hm_bucle(l, hm_run)
#define uv_fs_open(l, r, p, f, m, cb)    hm_encolar(r, cb, uv_fs_open(l, r, p, f, m, NULL))
#define uv_fs_read(l, r, f, b, n, o, cb) hm_encolar(r, cb, uv_fs_read(l, r, f, b, n, o, NULL))
#define uv_fs_close(l, r, f, cb)         hm_encolar(r, cb, uv_fs_close(l, r, f, NULL))
#define uv_fs_scandir(l, r, p, f, cb)    hm_encolar(r, cb, uv_fs_scandir(l, r, p, f, NULL))
#define uv_fs_stat(l, r, p, cb)          hm_encolar(r, cb, uv_fs_stat(l, r, p, NULL))
#define uv_fs_lstat(l, r, p, cb)         hm_encolar(r, cb, uv_fs_lstat(l, r, p, NULL))
