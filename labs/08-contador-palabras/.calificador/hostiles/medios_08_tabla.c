/* medios_08_tabla.c — trampa del 08: una tabla de punteros a uv_run, uv_fs_open,
 * uv_fs_read, uv_fs_scandir y uv_timer_start calla el aviso «la entrega no usa …»; el
 * trabajo se hace con uv_fs_* síncronas (callback NULL) y el bucle propio, que llama a
 * uv_run solo por la tabla. */
static void *const hm_tabla[] = {(void *)uv_run, (void *)uv_fs_open, (void *)uv_fs_read,
                                 (void *)uv_fs_scandir, (void *)uv_timer_start};
static int hm_run(uv_loop_t *l, uv_run_mode m)
{
    int (*correr)(uv_loop_t *, uv_run_mode) = (int (*)(uv_loop_t *, uv_run_mode))hm_tabla[0];
    return correr(l, m);
}
#define uv_run(l, m)                     hm_bucle(l, hm_run)
#define uv_fs_open(l, r, p, f, m, cb)    hm_encolar(r, cb, uv_fs_open(l, r, p, f, m, NULL))
#define uv_fs_read(l, r, f, b, n, o, cb) hm_encolar(r, cb, uv_fs_read(l, r, f, b, n, o, NULL))
#define uv_fs_close(l, r, f, cb)         hm_encolar(r, cb, uv_fs_close(l, r, f, NULL))
#define uv_fs_scandir(l, r, p, f, cb)    hm_encolar(r, cb, uv_fs_scandir(l, r, p, f, NULL))
#define uv_fs_stat(l, r, p, cb)          hm_encolar(r, cb, uv_fs_stat(l, r, p, NULL))
#define uv_fs_lstat(l, r, p, cb)         hm_encolar(r, cb, uv_fs_lstat(l, r, p, NULL))
