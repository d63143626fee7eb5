/* senales.c — SIGINT y SIGTERM como eventos del bucle (uv_signal), no como interrupciones. */
#include "curso/senales.h"

#include <stddef.h>
#include <unistd.h>

static void al_recibir(uv_signal_t *h, int signum)
{
    senales_t *s = h->data;

    s->recibidas++;
    if (s->recibidas == 1) {
        if (s->al_parar != NULL) {
            s->al_parar(s, signum, s->datos);
        }
        return;
    }
    /* El cierre ordenado ya está en marcha; a la tercera, el usuario tiene prisa de verdad. */
    if (s->recibidas >= 3) {
        _exit(130);
    }
}

int senales_iniciar(uv_loop_t *bucle, senales_t *s, senales_cb al_parar, void *datos)
{
    int r;

    s->al_parar = al_parar;
    s->datos = datos;
    s->recibidas = 0;
    s->cerrando = 0;
    r = uv_signal_init(bucle, &s->sigint);
    if (r != 0) {
        return r;
    }
    r = uv_signal_init(bucle, &s->sigterm);
    if (r != 0) {
        uv_close((uv_handle_t *)&s->sigint, NULL);
        return r;
    }
    s->sigint.data = s;
    s->sigterm.data = s;
    r = uv_signal_start(&s->sigint, al_recibir, SIGINT);
    if (r == 0) {
        r = uv_signal_start(&s->sigterm, al_recibir, SIGTERM);
    }
    if (r != 0) {
        s->cerrando = 1;
        uv_close((uv_handle_t *)&s->sigint, NULL);
        uv_close((uv_handle_t *)&s->sigterm, NULL);
        return r;
    }
    uv_unref((uv_handle_t *)&s->sigint);
    uv_unref((uv_handle_t *)&s->sigterm);
    return 0;
}

void senales_cerrar(senales_t *s)
{
    if (s->cerrando) {
        return;
    }
    s->cerrando = 1;
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
}
