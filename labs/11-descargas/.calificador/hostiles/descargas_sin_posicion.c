/* descargas_sin_posicion.c — trampa del 11 (se antepone a la solución con el mutante
 * vigia_en_pausa, que deja contar al vigilante de -t mientras el disco pausa la descarga):
 * esquiva el disco lento. Cada archivo se abre con O_APPEND y cada uv_fs_write va sin posición
 * (-1): libuv escribe con write/writev, y el disco lento (strace inject delay_enter) solo
 * retrasaba pwrite64, pwritev y pwritev2. Con el disco rápido la descarga nunca se pausa: el
 * mutante pasaba `estancada`, que debe perder (95/100: solo perdía `sigint`, donde un disco
 * rápido acaba la descarga antes del Ctrl+C). Ahora, en una verificación con el disco lento,
 * una escritura de un archivo normal que no es de las que se hacen lentas (o un link en vez de
 * un rename) la deja sin juzgar y sin puntos (runner/conducta.c): 84/100, pierde las tres. */
#include <fcntl.h>
#include <uv.h>

static int hd_abrir(uv_loop_t *l, uv_fs_t *r, const char *p, int fl, int modo, uv_fs_cb cb)
{
    if (fl & (O_WRONLY | O_RDWR))
        fl |= O_APPEND;
    return uv_fs_open(l, r, p, fl, modo, cb);
}

static int hd_escribir(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t b[], unsigned n,
                       int64_t o, uv_fs_cb cb)
{
    (void)o;
    return uv_fs_write(l, r, f, b, n, -1, cb);
}

#define uv_fs_open(...)  hd_abrir(__VA_ARGS__)
#define uv_fs_write(...) hd_escribir(__VA_ARGS__)
