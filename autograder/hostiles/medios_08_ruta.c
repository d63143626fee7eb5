/* medios_08_ruta.c — trampa del 08 (se antepone a la solución): lee bien (uv_fs_read con
 * callback) solo cuando sus argumentos dicen que es la verificación que se miraba con la pila
 * (`cuenta_exacta`: sus rutas llevan «/cuentas-»), y en las demás lee cada trozo de forma
 * síncrona con pread64 (una instrucción syscall escondida) en una callback de uv_queue_work. Con la
 * pila (strace -k) solo en `cuenta_exacta`, las demás no la veían: el mismo truco por el tiempo (15
 * uv_fs_stat síncronos antes de uv_run: ≈ 8 µs sin -k, 290–410 µs con él) sacaba 100/100 sin aviso
 * (un adversario, sesión 26). Ahora el 08 lleva la pila en todas sus ejecuciones (`"pila_en":
 * ["*"]`): la lectura síncrona se ve en las otras, y no se califica. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

//@ preludio oculta6
//@ preludio vuelta

static int hm_mirada; /* 1: alguna ruta de los argumentos lleva «/cuentas-» */

__attribute__((constructor)) static void hm_argumentos(int argc, char **argv, char **entorno)
{
    (void)entorno;
    for (int i = 1; i < argc; i++)
        if (strstr(argv[i], "/cuentas-") != NULL)
            hm_mirada = 1;
}

typedef struct {
    uv_work_t w;
    uv_fs_t *r;
    uv_fs_cb cb;
    uv_file f;
    uv_buf_t b;
    int64_t desde;
    ssize_t leido;
} hm_lectura_t;

static int64_t hm_pos[65536];

static void hm_leer_aqui(uv_work_t *w)
{
    hm_lectura_t *c = w->data;
    c->leido =
        hm_oculta6(17 /* pread64 */, c->f, (long)c->b.base, (long)c->b.len, (long)c->desde, 0, 0);
    if (c->leido == -29 /* ESPIPE: una FIFO */)
        c->leido = hm_oculta6(0 /* read */, c->f, (long)c->b.base, (long)c->b.len, 0, 0, 0);
    if (c->leido < 0)
        c->leido = UV_EIO;
}

static void hm_devolver(uv_work_t *w, int estado)
{
    hm_lectura_t *c = w->data;
    ssize_t leido = estado < 0 ? estado : c->leido;
    if (c->f >= 0 && c->f < 65536)
        hm_pos[c->f] = leido > 0 ? c->desde + leido : 0; /* 0: el descriptor se reusa */
    hm_vuelta(w->loop, c->r, c->f, leido, c->cb);
    free(c);
}

static int hm_leer(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t *b, unsigned n, int64_t o,
                   uv_fs_cb cb)
{
    if (hm_mirada || f < 0 || f >= 65536)
        return (uv_fs_read)(l, r, f, b, n, o, cb);
    hm_lectura_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return UV_ENOMEM;
    c->r = r;
    c->cb = cb;
    c->f = f;
    c->b = b[0];
    c->desde = o >= 0 ? o : hm_pos[f];
    c->w.data = c;
    int e = uv_queue_work(l, &c->w, hm_leer_aqui, hm_devolver);
    if (e < 0)
        free(c);
    return e;
}

#define uv_fs_read(l, r, f, b, n, o, cb) hm_leer(l, r, f, b, n, o, cb)
