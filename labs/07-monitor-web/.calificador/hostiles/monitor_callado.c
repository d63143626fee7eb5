/* monitor_callado.c — entrega hostil del 07 (un adversario de la sesión 32, que leyó el
 * calificador): comprueba los argumentos y, en los escenarios que reconoce de concurrencia e
 * intervalo, pide todas las URL a su ritmo sin mirar ni imprimir nada; en los de la parada y
 * valgrind, una sola petición a /ping (para que «el servidor vea alguna») y, al llegar la
 * señal, un RESUMEN de ceros (bajo valgrind, la primera URL con un «OK … 200» escrito a mano).
 * Antes: 50/100 (concurrencia e intervalo solo miraban el registro del servidor; sigint,
 * sigterm y valgrind se conformaban con una petición cualquiera). Ahora cada petición que el
 * servidor terminó a tiempo necesita su línea (COMPLETAS), la parada una petición terminada a
 * una URL del programa y valgrind una a cada URL: lo de la entrada, 16.
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

static uv_loop_t bucle;
static http_cliente_t *cli;
static char **urls;
static int nurls;
static senales_t sen;
static uv_timer_t vivo;
static void al_nada(http_peticion_t *p, const http_respuesta_t *r, void *u)
{
    (void)p;
    (void)r;
    (void)u;
}
static unsigned long long g_lim;
static void nada(uv_timer_t *t)
{
    (void)t;
    /* «vigila» en silencio: lanza todas, no mira nada, no imprime nada */
    http_opciones_t op;
    memset(&op, 0, sizeof op);
    op.tiempo_limite_ms = g_lim;
    for (int i = 0; i < nurls; i++)
        http_pedir(cli, urls[i], &op, al_nada, NULL, NULL);
}

//@ preludio entrada07

static void al_fin(http_peticion_t *p, const http_respuesta_t *r, void *u)
{
    (void)p;
    if (u != NULL && r->error != HTTP_E_CANCELADA)
        printf("OK %s 200 %ld ms\n", (char *)u, lround(r->segundos * 1000));
}

static void al_parar(senales_t *s, int signum, void *d)
{
    (void)s;
    (void)signum;
    (void)d;
    for (int i = 0; i < nurls; i++)
        printf("RESUMEN %s comprobaciones=0 correctas=0 fallos=0 media=- ms\n", urls[i]);
    uv_timer_stop(&vivo);
    uv_close((uv_handle_t *)&vivo, NULL);
    http_cliente_cerrar(cli, NULL, NULL);
    senales_cerrar(&sen);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    unsigned long long iv = 30000, lim = 0;
    int o, code = 2;
    while ((o = getopt(argc, argv, "i:t:h")) != -1) {
        if (o == 'i') {
            if (leer_ms(optarg, "el intervalo", 100, 86400000, &iv) < 0)
                return 2;
        } else if (o == 't') {
            if (leer_ms(optarg, "el límite", 10, 86400000, &lim) < 0)
                return 2;
        } else
            return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "monitor: falta alguna URL\n");
        return 2;
    }
    nurls = argc - optind;
    urls = calloc((size_t)nurls, sizeof *urls);
    for (int i = 0; i < nurls; i++)
        if ((urls[i] = leer_url(argv[optind + i])) == NULL)
            goto fin;
    uv_loop_init(&bucle);
    http_cliente_nuevo(&bucle, 0, &cli);
    senales_iniciar(&bucle, &sen, al_parar, NULL);
    uv_timer_init(&bucle, &vivo);
    int nadie = 0;
    for (int i = 0; i < nurls; i++)
        nadie |= strstr(urls[i], "127.0.0.1:9/") != NULL;
    g_lim = lim ? lim : (iv / 2 > 10000 ? 10000 : iv / 2);
    int escena_parada = (iv == 4000 && lim == 20000) || (iv == 200 && lim == 0 && nurls == 2) ||
                        (iv == 500 && lim == 20000 && nurls == 5);
    if (escena_parada || nadie)
        uv_timer_start(&vivo, nada, 100000000, 100000000);
    else
        uv_timer_start(&vivo, nada, 1, iv);
    if (iv == 500 && lim == 20000 && nurls == 5)
        http_pedir(cli, urls[0], NULL, al_fin, urls[0], NULL);
    else if (!nadie) {
        char u[512];
        snprintf(u, sizeof u, "%s/ping", practica_url());
        http_pedir(cli, u, NULL, al_fin, NULL, NULL);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    code = uv_loop_close(&bucle) == 0 ? 0 : 1;
fin:
    for (int i = 0; i < nurls; i++)
        free(urls[i]);
    free(urls);
    return code;
}
