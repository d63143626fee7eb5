/* vuelta.c — pieza común de las trampas que leen por su cuenta (prueba-autograder.sh, hostil, la
 * pone en lugar de la línea «//@ preludio vuelta»; necesita <uv.h> y <sys/types.h> antes).
 * hm_vuelta(l, r, f, leido, cb) acaba una lectura hecha fuera de uv_fs_read como si hubiera
 * sido una uv_fs_read con callback: pide un uv_fs_fstat con callback sobre la misma petición
 * `r` (así el callback del programa llega desde uv_run, con una petición que libuv rellenó) y,
 * al volver, le pone `leido` como resultado de una lectura y llama a `cb`. Si no se puede,
 * llama a `cb` ya, con el error. */
typedef struct {
    uv_fs_t *r;
    uv_fs_cb cb;
    ssize_t leido;
} hm_vuelta_t;

#define HM_VUELTAS 4096
static hm_vuelta_t hm_vueltas[HM_VUELTAS];

static void hm_vuelta_fin(uv_fs_t *r)
{
    for (int i = 0; i < HM_VUELTAS; i++)
        if (hm_vueltas[i].r == r) {
            uv_fs_cb cb = hm_vueltas[i].cb;
            uv_fs_req_cleanup(r);
            r->result = hm_vueltas[i].leido;
            r->fs_type = UV_FS_READ;
            hm_vueltas[i].r = NULL;
            cb(r);
            return;
        }
}

static void hm_vuelta(uv_loop_t *l, uv_fs_t *r, uv_file f, ssize_t leido, uv_fs_cb cb)
{
    for (int i = 0; i < HM_VUELTAS; i++)
        if (hm_vueltas[i].r == NULL) {
            hm_vueltas[i] = (hm_vuelta_t){r, cb, leido};
            if (uv_fs_fstat(l, r, f, hm_vuelta_fin) == 0)
                return;
            hm_vueltas[i].r = NULL;
            break;
        }
    r->result = leido < 0 ? leido : UV_EIO;
    cb(r);
}
