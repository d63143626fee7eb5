/* listar.c — el contenido de una carpeta con uv_fs_scandir y el tamaño de cada entrada con
 * un uv_fs_stat por entrada, todos a la vez.
 *
 *   listar CARPETA
 *
 * uv_fs_scandir entrega los nombres (sin «.» ni «..») y el tipo que dio el sistema; después,
 * uv_fs_scandir_next() los recorre. Su orden no está documentado (en Linux, libuv 1.44–1.50
 * los ordena; en Windows no), así que se ordenan aquí. Algunos sistemas de archivos no dan el
 * tipo (UV_DIRENT_UNKNOWN): entonces lo dice el lstat que ya se hace por entrada. Los nombres viven dentro de la
 * petición hasta uv_fs_req_cleanup(): por eso se copian antes de limpiarla. Los stat van
 * todos a la vez al grupo de hilos y un contador de pendientes avisa cuando han vuelto todos.
 * La tabla se imprime al final, por nombre, no en el orden de llegada.
 *
 * Memoria: un bloque con todas las entradas (cada una con su uv_fs_t), liberado en main.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

typedef struct listado_s listado_t;

typedef struct {
    listado_t *listado;
    char nombre[256];
    char ruta[1024];
    uv_dirent_type_t tipo;
    uv_fs_t req;
    int error;
    uint64_t tamano;
} entrada_t;

struct listado_s {
    const char *carpeta;
    uv_fs_t scandir;
    entrada_t *entradas;
    int cuantas;
    int pendientes;
    int error;
};

static const char *nombre_tipo(uv_dirent_type_t t)
{
    switch (t) {
    case UV_DIRENT_FILE:
        return "archivo";
    case UV_DIRENT_DIR:
        return "carpeta";
    case UV_DIRENT_LINK:
        return "enlace";
    default:
        return "otro";
    }
}

static void imprimir(listado_t *l)
{
    uint64_t total = 0;
    int i;
    for (i = 0; i < l->cuantas; i++) {
        entrada_t *e = &l->entradas[i];
        if (e->error < 0) {
            printf("  %-8s %10s  %s (%s)\n", nombre_tipo(e->tipo), "?", e->nombre,
                   error_texto(e->error));
        } else if (e->tipo == UV_DIRENT_DIR) {
            /* El «tamaño» de una carpeta depende del sistema de archivos: no se suma. */
            printf("  %-8s %10s  %s/\n", nombre_tipo(e->tipo), "-", e->nombre);
        } else {
            printf("  %-8s %10llu  %s\n", nombre_tipo(e->tipo), (unsigned long long)e->tamano,
                   e->nombre);
            total += e->tamano;
        }
    }
    printf("%d entradas; %llu bytes en archivos\n", l->cuantas, (unsigned long long)total);
}

/* El tipo según lstat, para cuando scandir no lo supo. */
static uv_dirent_type_t tipo_de(const uv_stat_t *st)
{
    if (S_ISREG(st->st_mode))
        return UV_DIRENT_FILE;
    if (S_ISDIR(st->st_mode))
        return UV_DIRENT_DIR;
    if (S_ISLNK(st->st_mode))
        return UV_DIRENT_LINK;
    return UV_DIRENT_UNKNOWN;
}

static void al_stat(uv_fs_t *req)
{
    entrada_t *e = CONTENEDOR_DE(req, entrada_t, req);
    listado_t *l = e->listado;
    if (req->result < 0) {
        e->error = (int)req->result;
    } else {
        e->tamano = req->statbuf.st_size;
        if (e->tipo == UV_DIRENT_UNKNOWN)
            e->tipo = tipo_de(&req->statbuf);
    }
    uv_fs_req_cleanup(req);
    l->pendientes--;
    if (l->pendientes == 0)
        imprimir(l);
}

static int por_nombre(const void *a, const void *b)
{
    return strcmp(((const entrada_t *)a)->nombre, ((const entrada_t *)b)->nombre);
}

static void al_leer_carpeta(uv_fs_t *req)
{
    listado_t *l = CONTENEDOR_DE(req, listado_t, scandir);
    uv_dirent_t ent;
    int i, r;

    if (req->result < 0) {
        fprintf(stderr, "listar: %s: %s\n", l->carpeta, error_texto((int)req->result));
        l->error = (int)req->result;
        uv_fs_req_cleanup(req);
        return;
    }
    /* Con éxito, result es el número de entradas. */
    l->entradas = calloc((size_t)req->result + 1, sizeof *l->entradas);
    if (l->entradas == NULL) {
        l->error = UV_ENOMEM;
        uv_fs_req_cleanup(req);
        return;
    }
    while (uv_fs_scandir_next(req, &ent) != UV_EOF) {
        entrada_t *e = &l->entradas[l->cuantas++];
        e->listado = l;
        e->tipo = ent.type;
        snprintf(e->nombre, sizeof e->nombre, "%s", ent.name);
        snprintf(e->ruta, sizeof e->ruta, "%s/%s", l->carpeta, ent.name);
    }
    uv_fs_req_cleanup(req); /* desde aquí, ent.name ya no existe: por eso se copió */
    /* El orden de scandir es un detalle de cada sistema: el nuestro, explícito. */
    qsort(l->entradas, (size_t)l->cuantas, sizeof *l->entradas, por_nombre);

    printf("%s:\n", l->carpeta);
    if (l->cuantas == 0) {
        imprimir(l);
        return;
    }
    l->pendientes = l->cuantas;
    for (i = 0; i < l->cuantas; i++) {
        entrada_t *e = &l->entradas[i];
        /* lstat y no stat: un enlace simbólico se describe a sí mismo, no a su destino. */
        r = uv_fs_lstat(req->loop, &e->req, e->ruta, al_stat);
        if (r < 0) { /* sin callback: se cuenta aquí */
            e->error = r;
            if (--l->pendientes == 0)
                imprimir(l);
        }
    }
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    listado_t l;
    int r;

    if (argc != 2) {
        fprintf(stderr, "uso: listar CARPETA\n");
        return 2;
    }
    memset(&l, 0, sizeof l);
    l.carpeta = argv[1];
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "listar: %s\n", error_texto(r));
        return 1;
    }
    r = uv_fs_scandir(&bucle, &l.scandir, l.carpeta, 0, al_leer_carpeta);
    if (r < 0) {
        fprintf(stderr, "listar: %s: %s\n", l.carpeta, error_texto(r));
        l.error = r;
    }
    r = bucle_terminar(&bucle);
    free(l.entradas);
    return r == 0 && l.error == 0 ? 0 : 1;
}
