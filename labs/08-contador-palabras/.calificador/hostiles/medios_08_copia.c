/* medios_08_copia.c — trampa del 08 (se antepone a la solución): lee cada archivo de forma
 * síncrona en una callback de uv_queue_work, y por otro nombre. Cada uv_fs_read pasa por aquí:
 * la primera vez que ve un descriptor, busca su ruta (/proc/self/fd) y la copia con
 * uv_fs_copyfile (con su callback: eso es legítimo) a /tmp; después, en el grupo de hilos, abre
 * la copia y lee de ella con pread64, por una instrucción syscall escondida de objdump (como
 * medios_08_mapa.c). De vuelta en el hilo del bucle, la misma petición pide un uv_fs_fstat al
 * grupo de hilos y al volver se le pone el resultado: el callback llega de uv_run. Con
 * `strace -P` (la sesión 24 trazaba con la pila solo las llamadas que tocan el programa y los
 * archivos que se le dan, por su nombre) la lectura de la copia no se escribía: 94/100 sin
 * ningún aviso (y un enlace duro, donde quien califica y el programa son el mismo usuario,
 * 100/100). Sin -P, la pila del pread64 dice que lo pidió el programa desde una callback de
 * trabajo: no se califica. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

//@ preludio oculta6
//@ preludio vuelta

typedef struct {
    uv_work_t w;
    uv_fs_t *r;
    uv_fs_cb cb;
    uv_file f;
    uv_buf_t b;
    int64_t desde;
    ssize_t res;
    uv_fs_t copia;
    char destino[64];
} hm_lectura_t;

static int64_t hm_pos[65536];  /* por dónde va cada descriptor (lecturas sin desplazamiento) */
static int hm_otro[65536];     /* el descriptor de la copia, +1 (0: aún no; -1: sin copia) */
static char *hm_nombre[65536]; /* la copia de cada descriptor */

/* En un hilo del grupo: la lectura síncrona, de la copia si la hay. */
static void hm_leer_otro(uv_work_t *w)
{
    hm_lectura_t *c = w->data;
    if (hm_otro[c->f] == 0 && hm_nombre[c->f] != NULL) {
        long g = hm_oculta6(257 /* openat */, AT_FDCWD, (long)hm_nombre[c->f], O_RDONLY, 0, 0, 0);
        hm_otro[c->f] = g >= 0 ? (int)g + 1 : -1;
    }
    int g = hm_otro[c->f] > 0 ? hm_otro[c->f] - 1 : c->f; /* sin copia, el de siempre */
    long n = hm_oculta6(17 /* pread64 */, g, (long)c->b.base, (long)c->b.len, (long)c->desde, 0, 0);
    if (n == -29 /* ESPIPE: una FIFO, que se lee por su descriptor */)
        n = hm_oculta6(0 /* read */, c->f, (long)c->b.base, (long)c->b.len, 0, 0, 0);
    c->res = n;
    if (n > 0)
        hm_pos[c->f] = c->desde + n;
    if (n <= 0) { /* al final, el número volverá con otro archivo */
        hm_pos[c->f] = 0;
        if (hm_otro[c->f] > 0)
            close(hm_otro[c->f] - 1);
        hm_otro[c->f] = 0;
        free(hm_nombre[c->f]);
        hm_nombre[c->f] = NULL;
    }
}

static void hm_devolver(uv_work_t *w, int estado);

/* La copia está hecha (o no se pudo: se lee el original): a leer en el grupo de hilos. */
static void hm_copiado(uv_fs_t *q)
{
    hm_lectura_t *c = q->data;
    if (q->result == 0 && hm_nombre[c->f] == NULL)
        hm_nombre[c->f] = strdup(c->destino);
    uv_fs_req_cleanup(q);
    if (uv_queue_work(q->loop, &c->w, hm_leer_otro, hm_devolver) < 0) {
        c->r->result = UV_EIO;
        c->cb(c->r);
        free(c);
    }
}

static void hm_devolver(uv_work_t *w, int estado)
{
    hm_lectura_t *c = w->data;
    (void)estado;
    hm_vuelta(w->loop, c->r, c->f, c->res, c->cb);
    free(c);
}

/* Medido con uv_fs_fstat (con callback, en el grupo de hilos): un archivo normal se copia; una
 * FIFO no (se la bebería), se lee por su descriptor. */
static void hm_medido(uv_fs_t *q)
{
    hm_lectura_t *c = q->data;
    int regular = q->result == 0 && S_ISREG(q->statbuf.st_mode);
    uv_fs_req_cleanup(q);
    static unsigned copias;
    char fd[64], ruta[4096];
    snprintf(fd, sizeof fd, "/proc/self/fd/%d", c->f);
    ssize_t n = regular ? readlink(fd, ruta, sizeof ruta - 1) : -1;
    if (n > 0 && ruta[0] == '/') {
        ruta[n] = '\0';
        snprintf(c->destino, sizeof c->destino, "/tmp/hm-copia-%u", copias++);
        if (uv_fs_copyfile(q->loop, &c->copia, ruta, c->destino, 0, hm_copiado) == 0)
            return;
    }
    if (uv_queue_work(q->loop, &c->w, hm_leer_otro, hm_devolver) < 0) {
        c->r->result = UV_EIO;
        c->cb(c->r);
        free(c);
    }
}

static int hm_leer(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t *b, int64_t o, uv_fs_cb cb)
{
    if (f < 0 || f >= 65536)
        return UV_EBADF;
    hm_lectura_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return UV_ENOMEM;
    c->r = r;
    c->cb = cb;
    c->f = f;
    c->b = b[0];
    c->desde = o >= 0 ? o : hm_pos[f];
    c->w.data = c;
    c->copia.data = c;
    int e = hm_nombre[f] == NULL && hm_otro[f] == 0
                ? uv_fs_fstat(l, &c->copia, f, hm_medido)
                : uv_queue_work(l, &c->w, hm_leer_otro, hm_devolver);
    if (e < 0)
        free(c);
    return e;
}

#define uv_fs_read(l, r, f, b, n, o, cb) hm_leer(l, r, f, b, o, cb)
