/* descargas.c — Laboratorio 11: gestor de descargas con progreso en vivo (programa de partida).
 *
 *   descargas [-c N] [-d DIR] [-t MS] [-r N] [--continuar] DESCARGA...
 *
 * Lo que ya hace: leer las opciones (sin validarlas del todo), crear el bucle, el cliente
 * HTTP, el temporizador de progreso y la parada con Ctrl+C, y cerrarlo todo con
 * uv_loop_close() == 0. Lo que falta está marcado con TODO; el enunciado
 * (labs/11-descargas/README.md) dice el formato exacto de cada línea.
 */
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/huella.h"
#include "curso/practica.h"
#include "curso/senales.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define TIC_MS 500

typedef struct gestor_s gestor_t;

typedef struct {
    gestor_t *g;
    const char *argumento; /* NOMBRE=URL o URL, tal cual */
    int terminada;
    int ok;
    /* TODO: url, nombre seguro, rutas del archivo y del .parte, descriptor, cola de
     * escritura, petición en curso, temporizadores de estancamiento y de reintento… */
} descarga_t;

struct gestor_s {
    uv_loop_t bucle;
    http_cliente_t *cliente;
    senales_t senales;
    uv_timer_t reloj;
    descarga_t *d;
    size_t n;
    unsigned maximo;
    const char *dir;
    int continuar;
    int parando;
    int cerrado;
};

/* Consumidor: cada 500 ms, vaciar la cola de progreso y pintar. */
static void tic(uv_timer_t *t)
{
    gestor_t *g = t->data;
    (void)g;
    /* TODO: vaciar la cola de eventos de progreso y, según isatty(STDOUT_FILENO), repintar
     * en su sitio o escribir una línea PROGRESO por descarga activa. */
}

static void comprobar_fin(gestor_t *g)
{
    for (size_t i = 0; i < g->n; i++) {
        if (!g->d[i].terminada)
            return;
    }
    if (g->cerrado)
        return;
    g->cerrado = 1;
    for (size_t i = 0; i < g->n; i++) {
        /* TODO: «OK nombre bytes segundos s KB/s» para las que salieron bien. */
        printf("ERROR %s sin implementar\n", g->d[i].argumento);
    }
    uv_close((uv_handle_t *)&g->reloj, NULL);
    http_cliente_cerrar(g->cliente, NULL, NULL);
    senales_cerrar(&g->senales);
}

/* TODO: abrir DIR/NOMBRE.parte con uv_fs_open, pedir la URL con http_pedir (al_recibir,
 * al_progresar, al_terminar), escribir cada trozo en orden con uv_fs_write, pausar si se
 * acumula más de 1 MiB, comprobar longitud y Repr-Digest, y uv_fs_rename al nombre final. */
static void empezar(descarga_t *d)
{
    d->terminada = 1;
    d->ok = 0;
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)s;
    (void)signum;
    gestor_t *g = datos;
    g->parando = 1;
    /* TODO: cancelar cada transferencia (http_cancelar), dejar que se escriba lo recibido,
     * conservar los .parte, imprimir el resumen y salir con 130. */
    for (size_t i = 0; i < g->n; i++)
        g->d[i].terminada = 1;
    comprobar_fin(g);
}

int main(int argc, char **argv)
{
    gestor_t g;
    int opcion;
    static const struct option largas[] = {{"continuar", no_argument, NULL, 'C'},
                                            {NULL, 0, NULL, 0}};

    memset(&g, 0, sizeof g);
    g.maximo = 3;
    g.dir = ".";
    setvbuf(stdout, NULL, _IOLBF, 0);
    while ((opcion = getopt_long(argc, argv, "c:d:t:r:", largas, NULL)) != -1) {
        /* TODO: validar cada número (strtoull, rango) y guardar -t y -r. */
        if (opcion == 'c')
            g.maximo = (unsigned)strtoul(optarg, NULL, 10);
        else if (opcion == 'd')
            g.dir = optarg;
        else if (opcion == 'C')
            g.continuar = 1;
        else if (opcion == '?')
            return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "uso: descargas [-c N] [-d DIR] [-t MS] [-r N] [--continuar] "
                        "DESCARGA...\n");
        return 2;
    }
    /* TODO: validar las URLs y la carpeta; nombres seguros y sin repetir. */
    g.n = (size_t)(argc - optind);
    g.d = calloc(g.n, sizeof *g.d);
    if (g.d == NULL)
        return 1;
    for (size_t i = 0; i < g.n; i++) {
        g.d[i].g = &g;
        g.d[i].argumento = argv[optind + (int)i];
    }

    int r = uv_loop_init(&g.bucle);
    if (r == 0)
        r = http_cliente_nuevo(&g.bucle, 0, &g.cliente);
    if (r == 0)
        r = senales_iniciar(&g.bucle, &g.senales, al_parar, &g);
    if (r < 0) {
        fprintf(stderr, "descargas: no se pudo arrancar: %s\n", http_error_texto(r));
        free(g.d);
        return 1;
    }
    uv_timer_init(&g.bucle, &g.reloj);
    g.reloj.data = &g;
    uv_timer_start(&g.reloj, tic, TIC_MS, TIC_MS);

    /* TODO: como mucho g.maximo a la vez, en el orden de los argumentos. */
    for (size_t i = 0; i < g.n; i++)
        empezar(&g.d[i]);
    comprobar_fin(&g);

    uv_run(&g.bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(&g.bucle);
    if (r != 0)
        fprintf(stderr, "descargas: el bucle no quedó cerrado: %s\n", error_texto(r));
    int codigo = g.parando ? 130 : 0;
    for (size_t i = 0; i < g.n && codigo == 0; i++) {
        if (!g.d[i].ok)
            codigo = 1;
    }
    free(g.d);
    return codigo;
}
