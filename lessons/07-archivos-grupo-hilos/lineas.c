/* lineas.c — leer un archivo línea a línea sin bloquear, a partir de lecturas por trozos.
 *
 *   lineas ARCHIVO [TROZO]     TROZO: bytes por lectura (por omisión 64, entre 1 y 4096)
 *
 * Un lector_t encadena uv_fs_open → uv_fs_read → uv_fs_read… → uv_fs_close, cada paso desde
 * la callback del anterior. Cada trozo leído se parte en líneas: las completas se entregan a
 * `al_linea` en el acto; la que queda a medias (el trozo cortó en mitad de una línea) se
 * guarda y se completa con el trozo siguiente. Al llegar al final, la última línea se
 * entrega aunque no termine en \n. Con un trozo pequeño se ve el corte en mitad de una línea.
 *
 * Una línea más larga que MAX_LINEA se entrega partida (y se avisa): la memoria del lector
 * no depende del archivo.
 *
 * Memoria: el lector_t vive en la pila de main y lleva dentro su única petición uv_fs_t
 * (una sola en curso cada vez); se limpia con uv_fs_req_cleanup tras cada paso.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

#define MAX_TROZO 4096
#define MAX_LINEA 256

typedef struct lector_s lector_t;
typedef void (*linea_cb)(lector_t *l, const char *linea, size_t n);

struct lector_s {
    uv_fs_t req;
    uv_file fd;
    const char *ruta;
    size_t trozo;
    char buf[MAX_TROZO];
    char linea[MAX_LINEA]; /* la línea a medias entre dos trozos */
    size_t largo;
    linea_cb al_linea;
    int lineas, lecturas, partidas;
    int error;
};

static void al_leer(uv_fs_t *req);

static void al_cerrar(uv_fs_t *req)
{
    uv_fs_req_cleanup(req); /* el archivo ya está cerrado: aquí termina la cadena */
}

static void cerrar(lector_t *l)
{
    int r = uv_fs_close(l->req.loop, &l->req, l->fd, al_cerrar);
    if (r < 0)
        fprintf(stderr, "%s: al cerrar: %s\n", l->ruta, error_texto(r));
}

static void entregar(lector_t *l)
{
    l->lineas++;
    l->al_linea(l, l->linea, l->largo);
    l->largo = 0;
}

/* Parte un trozo en líneas: lo que no acaba en \n se queda en l->linea para el siguiente. */
static void trocear(lector_t *l, const char *datos, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (datos[i] == '\n') {
            entregar(l);
        } else {
            if (l->largo == MAX_LINEA) { /* demasiado larga: se entrega partida */
                l->partidas++;
                entregar(l);
            }
            l->linea[l->largo++] = datos[i];
        }
    }
}

static void leer(lector_t *l)
{
    uv_buf_t b = uv_buf_init(l->buf, (unsigned)l->trozo);
    int r = uv_fs_read(l->req.loop, &l->req, l->fd, &b, 1, -1, al_leer);
    if (r < 0) {
        l->error = r;
        cerrar(l);
    }
}

static void al_leer(uv_fs_t *req)
{
    lector_t *l = CONTENEDOR_DE(req, lector_t, req);
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    if (n < 0) {
        l->error = (int)n;
        cerrar(l);
        return;
    }
    if (n == 0) { /* fin del archivo: la última línea, aunque no acabe en \n */
        if (l->largo > 0)
            entregar(l);
        cerrar(l);
        return;
    }
    l->lecturas++;
    trocear(l, l->buf, (size_t)n);
    leer(l); /* el siguiente trozo: otra vuelta al grupo de hilos */
}

static void al_abrir(uv_fs_t *req)
{
    lector_t *l = CONTENEDOR_DE(req, lector_t, req);
    int r = (int)req->result;
    uv_fs_req_cleanup(req);
    if (r < 0) {
        l->error = r;
        return;
    }
    l->fd = r;
    leer(l);
}

/* Lo que se hace con cada línea: aquí, numerarla e imprimirla. */
static void imprimir_linea(lector_t *l, const char *linea, size_t n)
{
    printf("%3d | %.*s\n", l->lineas, (int)n, linea);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    lector_t l;
    char *fin;
    long trozo = 64;
    int r;

    if (argc == 3) {
        trozo = strtol(argv[2], &fin, 10);
        if (*fin != '\0' || trozo < 1 || trozo > MAX_TROZO)
            trozo = -1;
    }
    if ((argc != 2 && argc != 3) || trozo < 1) {
        fprintf(stderr, "uso: lineas ARCHIVO [TROZO]   (TROZO entre 1 y %d bytes)\n", MAX_TROZO);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    memset(&l, 0, sizeof l);
    l.ruta = argv[1];
    l.trozo = (size_t)trozo;
    l.al_linea = imprimir_linea;
    r = uv_fs_open(&bucle, &l.req, l.ruta, O_RDONLY, 0, al_abrir);
    if (r < 0)
        l.error = r;
    r = bucle_terminar(&bucle);
    if (l.error < 0) {
        fprintf(stderr, "lineas: %s: %s\n", l.ruta, error_texto(l.error));
        return 1;
    }
    printf("%d líneas en %d lecturas de hasta %zu bytes%s\n", l.lineas, l.lecturas, l.trozo,
           l.partidas > 0 ? " (alguna, partida por larga)" : "");
    return r == 0 ? 0 : 1;
}
