/* lectura.c — pieza común de las trampas que leen en el grupo de hilos por su cuenta
 * («//@ preludio lectura», después de «//@ preludio vuelta»). hm_lectura_encolar(l, r, f, b, o,
 * cb, trabajo) hace con uv_queue_work lo que haría uv_fs_read(l, r, f, b, 1, o, cb): `trabajo`
 * lee en un hilo del grupo como quiera y deja en c->leido lo leído (o -errno); al volver al
 * bucle, hm_vuelta lo entrega al callback como una uv_fs_read con callback. Con o < 0, lee por
 * donde iba ese descriptor (hm_pos). */
typedef struct {
    uv_work_t w;
    uv_fs_t *r;
    uv_fs_cb cb;
    uv_file f;
    uv_buf_t b;
    int64_t pedido; /* el desplazamiento pedido (-1: por donde vaya el descriptor) */
    int64_t desde;  /* el de verdad: el pedido, o por donde iba (hm_pos) */
    ssize_t leido;
} hm_lectura_t;

#define HM_DESCRIPTORES 65536
static int64_t
    hm_pos[HM_DESCRIPTORES]; /* por dónde va cada descriptor (lecturas sin desplazamiento) */

static void hm_lectura_vuelve(uv_work_t *w, int estado)
{
    hm_lectura_t *c = w->data;
    ssize_t leido = estado < 0 ? estado : c->leido;
    /* Al llegar al final, el descriptor se cerrará y su número volverá con otro archivo. */
    hm_pos[c->f] = leido > 0 ? c->desde + leido : 0;
    hm_vuelta(w->loop, c->r, c->f, leido, c->cb);
    free(c);
}

static int hm_lectura_encolar(uv_loop_t *l, uv_fs_t *r, uv_file f, const uv_buf_t *b, int64_t o,
                              uv_fs_cb cb, uv_work_cb trabajo)
{
    if (f < 0 || f >= HM_DESCRIPTORES)
        return UV_EBADF;
    hm_lectura_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return UV_ENOMEM;
    c->r = r;
    c->cb = cb;
    c->f = f;
    c->b = b[0];
    c->pedido = o;
    c->desde = o >= 0 ? o : hm_pos[f];
    c->w.data = c;
    int e = uv_queue_work(l, &c->w, trabajo, hm_lectura_vuelve);
    if (e < 0)
        free(c);
    return e;
}
