/* medios_cola.c — pieza común de las trampas de «medios» (se antepone a una solución).
 *
 * Convierte las llamadas uv_fs_* en síncronas (callback NULL: libuv hace el trabajo en el
 * hilo del bucle) y guarda su callback en una cola que vacía un bucle hecho a mano, con
 * uv_run(UV_RUN_NOWAIT) y nanosleep de 1 ms en lugar de uv_run(UV_RUN_DEFAULT). Los
 * nombres prohibidos no aparecen: solo la observación de lo que hace el programa lo delata.
 * Cada trampa define después qué funciones pasan por aquí (#define uv_fs_… hm_…).
 */
#include <string.h>
#include <time.h>
#include <uv.h>

#define HM_COLA 8192
static struct {
    uv_fs_t *req;
    uv_fs_cb cb;
} hm_cola[HM_COLA];
static unsigned hm_cabeza, hm_cola_fin;

static int hm_encolar(uv_fs_t *req, uv_fs_cb cb, int r)
{
    (void)r;
    if (cb != NULL) {
        hm_cola[hm_cola_fin % HM_COLA].req = req;
        hm_cola[hm_cola_fin % HM_COLA].cb = cb;
        hm_cola_fin++;
    }
    return 0;
}

static int hm_bucle(uv_loop_t *l, int (*correr)(uv_loop_t *, uv_run_mode))
{
    for (;;) {
        int hubo = 0;
        while (hm_cabeza != hm_cola_fin) {
            unsigned i = hm_cabeza++ % HM_COLA;
            hm_cola[i].cb(hm_cola[i].req);
            hubo = 1;
        }
        int vivo = correr(l, UV_RUN_NOWAIT);
        if (!vivo && hm_cabeza == hm_cola_fin)
            return 0;
        if (!hubo) {
            struct timespec t = {0, 1000000};
            nanosleep(&t, NULL);
        }
    }
}
