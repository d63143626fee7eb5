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
//@ preludio lectura

static int hm_mirada; /* 1: alguna ruta de los argumentos lleva «/cuentas-» */

__attribute__((constructor)) static void hm_argumentos(int argc, char **argv, char **entorno)
{
    (void)entorno;
    for (int i = 1; i < argc; i++)
        if (strstr(argv[i], "/cuentas-") != NULL)
            hm_mirada = 1;
}

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

static int hm_leer(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t *b, unsigned n, int64_t o,
                   uv_fs_cb cb)
{
    if (hm_mirada)
        return (uv_fs_read)(l, r, f, b, n, o, cb);
    return hm_lectura_encolar(l, r, f, b, o, cb, hm_leer_aqui);
}

#define uv_fs_read(l, r, f, b, n, o, cb) hm_leer(l, r, f, b, n, o, cb)
