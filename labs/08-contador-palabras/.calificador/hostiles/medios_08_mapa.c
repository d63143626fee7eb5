/* medios_08_mapa.c — trampa del 08 (se antepone a la solución): lee los archivos en el hilo
 * del bucle por fallos de página. Cada uv_fs_read pasa por aquí: el grupo de hilos de libuv
 * (uv_queue_work) solo mapea el trozo pedido (fstat y mmap, lo que la traza ve en un hilo del
 * grupo y deja pasar), y de vuelta en el hilo del bucle se copia de ese mapa al búfer: es el
 * núcleo quien lee el archivo, en el hilo del bucle y bloqueándolo, al tocar cada página, y
 * eso no es ninguna llamada al sistema. Ni un read sobre un archivo de la entrada: la regla
 * «cada lectura pide 65536 bytes» (reglas_traza de «memoria») no tenía nada que juzgar. Lo que
 * no se puede mapear (la FIFO) va por el uv_fs_read de verdad. El callback llega de uv_run:
 * la misma petición pide un uv_fs_fstat al grupo de hilos y al volver se le pone el
 * resultado (como medios_08_aio.c). mmap va por una instrucción syscall escondida de objdump
 * (como medios_08_aio.c): su nombre está prohibido en el 08. Antes, 100/100 sin ningún aviso. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
    int64_t desde, pedido; /* pedido: el desplazamiento que dio el programa (-1: el actual) */
    void *mapa;
    size_t largo, salto;
    ssize_t res;
    int sin_mapa;
} hm_lectura_t;

static int64_t hm_pos[65536]; /* por dónde va cada descriptor (lecturas sin desplazamiento) */

/* En un hilo del grupo: el tamaño y el mapa del trozo; nada se lee aquí. */
static void hm_mapear(uv_work_t *w)
{
    hm_lectura_t *c = w->data;
    struct stat st;
    if (fstat(c->f, &st) < 0 || !S_ISREG(st.st_mode)) {
        c->sin_mapa = 1;
        return;
    }
    if (c->desde >= st.st_size) {
        c->res = 0;
        return;
    }
    size_t n = c->b.len;
    if ((int64_t)n > st.st_size - c->desde)
        n = (size_t)(st.st_size - c->desde);
    long pagina = sysconf(_SC_PAGESIZE);
    int64_t base = c->desde & ~(int64_t)(pagina - 1);
    c->salto = (size_t)(c->desde - base);
    c->largo = n;
    long m =
        hm_oculta6(9 /* mmap */, 0, (long)(n + c->salto), PROT_READ, MAP_PRIVATE, c->f, (long)base);
    c->mapa = (void *)m;
    if (m < 0 && m > -4096) {
        c->mapa = NULL;
        c->sin_mapa = 1;
    }
}

/* De vuelta en el hilo del bucle: la copia toca cada página y el núcleo lee el archivo aquí. */
static void hm_copiar(uv_work_t *w, int estado)
{
    hm_lectura_t *c = w->data;
    (void)estado;
    if (c->sin_mapa) {
        uv_fs_cb cb = c->cb;
        uv_fs_t *r = c->r;
        int r2 = uv_fs_read(w->loop, r, c->f, &c->b, 1, c->pedido, cb);
        free(c);
        if (r2 < 0) {
            r->result = r2;
            cb(r);
        }
        return;
    }
    if (c->mapa != NULL) {
        memcpy(c->b.base, (char *)c->mapa + c->salto, c->largo);
        munmap(c->mapa, c->largo + c->salto);
        c->res = (ssize_t)c->largo;
    }
    /* Al llegar al final, el descriptor se cerrará y su número volverá con otro archivo. */
    if (c->f >= 0 && c->f < 65536)
        hm_pos[c->f] = c->res > 0 ? hm_pos[c->f] + c->res : 0;
    hm_vuelta(w->loop, c->r, c->f, c->res, c->cb);
    free(c);
}

static int hm_leer(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t *b, int64_t o, uv_fs_cb cb)
{
    hm_lectura_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return UV_ENOMEM;
    c->r = r;
    c->cb = cb;
    c->f = f;
    c->b = b[0];
    c->pedido = o;
    c->desde = o >= 0 ? o : (f >= 0 && f < 65536 ? hm_pos[f] : 0);
    c->w.data = c;
    int e = uv_queue_work(l, &c->w, hm_mapear, hm_copiar);
    if (e < 0)
        free(c);
    return e;
}

#define uv_fs_read(l, r, f, b, n, o, cb) hm_leer(l, r, f, b, o, cb)
