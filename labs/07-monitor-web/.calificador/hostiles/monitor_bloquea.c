/* monitor_bloquea.c — entrega hostil del 07 (un adversario de la sesión 32): hace todo lo
 * que pide el enunciado, pero cada ciclo crea su propio bucle y su cliente HTTP, lanza las URL
 * y se queda en uv_run(bucle_del_ciclo) hasta que acaban todas: el bucle principal
 * (temporizador, señales) está parado mientras tanto; el siguiente ciclo se arma desde un
 * horario absoluto y ese bucle también atiende SIGINT/SIGTERM. Nunca hay dos ciclos a la vez,
 * así que nunca OMITIDA. Antes: 93/100 (la URL lenta de «intervalo» tardaba 300 ms, menos que un
 * intervalo, y solo sin_duplicados lo notaba). Ahora tarda 1 s: la rápida llega cada segundo,
 * no cada 400 ms, y pierde intervalo y sin_duplicados: 84. Un bucle que se bloquea mientras
 * una URL es lenta es un fallo de diseño, no de toda la práctica.
 */
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/senales.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>
#include <signal.h>
#include <stdint.h>
static void cerrar_senales_ciclo(void);

typedef struct {
    char *url;
    int seguidos;
    unsigned n, ok, mal;
    double suma;
} sitio_t;

static uv_loop_t bucle;
static uv_timer_t tic;
static senales_t sen;
static sitio_t *sitios;
static int ns;
static unsigned long long iv = 30000, lim = 0;
static uint64_t t0, k;
static int parar;
static http_cliente_t *c_ciclo;
static void al_parar(senales_t *s, int signum, void *d);
static void al_senal_ciclo(uv_signal_t *h, int signum)
{
    (void)signum;
    (void)h;
    if (!parar) {
        parar = 1;
        http_cliente_cerrar(c_ciclo, NULL, NULL); /* cancela lo que está en curso */
        cerrar_senales_ciclo();
    }
}
static void cerrar_h(uv_handle_t *h)
{
    (void)h;
}
static uv_signal_t si, st;
static int pendientes;
static void cerrar_senales_ciclo(void)
{
    if (!uv_is_closing((uv_handle_t *)&si)) {
        uv_close((uv_handle_t *)&si, cerrar_h);
        uv_close((uv_handle_t *)&st, cerrar_h);
    }
}

//@ preludio entrada07

static void anotar(sitio_t *s, long estado, long ms, int bien, const char *motivo)
{
    s->n++;
    s->suma += (double)ms;
    if (bien) {
        s->ok++;
        printf("OK %s %ld %ld ms\n", s->url, estado, ms);
        if (s->seguidos >= 3)
            printf("RECUPERADO %s responde de nuevo tras %d fallos seguidos\n", s->url,
                   s->seguidos);
        s->seguidos = 0;
    } else {
        s->mal++;
        printf("FALLO %s %ld %ld ms %s\n", s->url, estado, ms, motivo[0] ? motivo : "fallo");
        if (++s->seguidos == 3)
            printf("ALERTA %s falló 3 veces seguidas\n", s->url);
    }
}

static void al_fin(http_peticion_t *p, const http_respuesta_t *r, void *u)
{
    (void)p;
    sitio_t *s = u;
    if (--pendientes == 0)
        cerrar_senales_ciclo();
    if (r->error == HTTP_E_CANCELADA)
        return;
    int bien = r->error == 0 && r->estado > 0 && r->estado < 400;
    anotar(s, r->error == 0 || r->error == HTTP_E_ESTADO ? r->estado : (r->estado ? r->estado : 0),
           lround(r->segundos * 1000), bien, r->mensaje ? r->mensaje : "");
}

static void al_tic(uv_timer_t *t)
{
    (void)t;
    if (t0 == 0)
        t0 = uv_now(&bucle);
    /* el ciclo entero, bloqueando: un bucle aparte que se ejecuta hasta el final */
    uv_loop_t ciclo;
    http_cliente_t *c = NULL;
    uv_loop_init(&ciclo);
    http_cliente_nuevo(&ciclo, 0, &c);
    http_opciones_t op;
    memset(&op, 0, sizeof op);
    op.tiempo_limite_ms = lim;
    pendientes = 0;
    for (int i = 0; i < ns; i++)
        if (++pendientes, http_pedir(c, sitios[i].url, &op, al_fin, &sitios[i], NULL) < 0)
            pendientes--, anotar(&sitios[i], 0, 0, 0, "no arrancó");
    c_ciclo = c;
    if (pendientes == 0) { /* nada en curso */
    }
    uv_signal_init(&ciclo, &si);
    uv_signal_init(&ciclo, &st);
    uv_signal_start(&si, al_senal_ciclo, SIGINT);
    uv_signal_start(&st, al_senal_ciclo, SIGTERM);
    uv_run(&ciclo, UV_RUN_DEFAULT);
    if (!parar)
        http_cliente_cerrar(c, NULL, NULL);
    cerrar_senales_ciclo();
    uv_run(&ciclo, UV_RUN_DEFAULT);
    uv_loop_close(&ciclo);
    if (parar) {
        al_parar(&sen, SIGINT, NULL);
        return;
    }
    /* horario absoluto: el siguiente ciclo, a su hora aunque este haya bloqueado */
    uv_update_time(&bucle);
    uint64_t ahora = uv_now(&bucle), toca = t0 + (++k) * iv;
    uv_timer_start(&tic, al_tic, toca > ahora ? toca - ahora : 0, 0);
}

static int parado;
static void al_parar(senales_t *s, int signum, void *d)
{
    (void)s;
    (void)signum;
    (void)d;
    if (parado)
        return;
    parado = 1;
    uv_timer_stop(&tic);
    uv_close((uv_handle_t *)&tic, NULL);
    for (int i = 0; i < ns; i++) {
        sitio_t *x = &sitios[i];
        if (x->n)
            printf("RESUMEN %s comprobaciones=%u correctas=%u fallos=%u media=%.1f ms\n", x->url,
                   x->n, x->ok, x->mal, x->suma / x->n);
        else
            printf("RESUMEN %s comprobaciones=0 correctas=0 fallos=0 media=- ms\n", x->url);
    }
    senales_cerrar(&sen);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int o, code = 2, dado = 0;
    while ((o = getopt(argc, argv, "i:t:h")) != -1) {
        if (o == 'i') {
            if (leer_ms(optarg, "el intervalo", 100, 86400000, &iv) < 0)
                return 2;
        } else if (o == 't') {
            if (leer_ms(optarg, "el límite", 10, 86400000, &lim) < 0)
                return 2;
            dado = 1;
        } else
            return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "monitor: falta alguna URL\n");
        return 2;
    }
    if (!dado)
        lim = iv / 2 > 10000 ? 10000 : iv / 2;
    ns = argc - optind;
    sitios = calloc((size_t)ns, sizeof *sitios);
    for (int i = 0; i < ns; i++)
        if ((sitios[i].url = leer_url(argv[optind + i])) == NULL)
            goto fin;
    uv_loop_init(&bucle);
    senales_iniciar(&bucle, &sen, al_parar, NULL);
    uv_timer_init(&bucle, &tic);
    uv_timer_start(&tic, al_tic, 1, iv);
    uv_run(&bucle, UV_RUN_DEFAULT);
    code = uv_loop_close(&bucle) == 0 ? 0 : 1;
fin:
    for (int i = 0; i < ns; i++)
        free(sitios[i].url);
    free(sitios);
    return code;
}
