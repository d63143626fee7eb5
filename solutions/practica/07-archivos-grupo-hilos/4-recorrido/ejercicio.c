/* ejercicio.c — recorrer una carpeta con un tope (práctica 4 de la lección 7): una respuesta.
 *
 *   recorrido N CARPETA    los bytes de los archivos regulares de CARPETA y de cada subcarpeta,
 *                          sin seguir enlaces simbólicos, con como mucho N peticiones en curso.
 *
 * Cada petición va a una cola y lanzar() saca de ella mientras haya plaza; al_volver deja la
 * plaza y vuelve a llamar a lanzar(): el contador de plazas del laboratorio 08. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

typedef struct carpeta carpeta_t; /* del montón, en la lista carpetas: las libera main */
struct carpeta {
    carpeta_t *madre; /* la que la contiene; NULL para CARPETA */
    carpeta_t *otra;  /* la siguiente de la lista de todas, en orden de ruta (strcmp) */
    uint64_t bytes;   /* sus archivos regulares y los de sus subcarpetas */
    int listada;      /* su uv_fs_scandir fue bien: tendrá su línea al final */
    char ruta[];
};

typedef struct peticion peticion_t; /* del montón: la libera su callback (o lanzar) */
struct peticion {
    uv_fs_t req;
    peticion_t *siguiente; /* la cola de las que esperan plaza */
    carpeta_t *carpeta;    /* la que se lista o, con uv_fs_lstat, la que contiene la entrada */
    int listar;            /* 1: uv_fs_scandir de ruta; 0: uv_fs_lstat de ruta */
    char ruta[];
};

static uv_loop_t bucle;
static int tope, en_curso, estado_salida;
static peticion_t *cabeza, **hueco = &cabeza; /* la cola; hueco: dónde va la próxima */
static carpeta_t *carpetas;

/* A la cola (sin lanzarlo): el uv_fs_lstat de CARPETA/NOMBRE o, sin NOMBRE, su uv_fs_scandir. */
static void encolar(carpeta_t *carpeta, const char *nombre)
{
    size_t n = strlen(carpeta->ruta) + (nombre != NULL ? 1 + strlen(nombre) : 0) + 1;
    peticion_t *p = calloc(1, sizeof *p + n);
    if (p == NULL) {
        estado_salida = 1;
        return;
    }
    snprintf(p->ruta, n, "%s%s%s", carpeta->ruta, nombre != NULL ? "/" : "",
             nombre != NULL ? nombre : "");
    p->carpeta = carpeta;
    p->listar = nombre == NULL;
    *hueco = p;
    hueco = &p->siguiente;
}

/* Una carpeta nueva, en su sitio de la lista, y su uv_fs_scandir a la cola. */
static void nueva_carpeta(carpeta_t *madre, const char *ruta)
{
    size_t n = strlen(ruta) + 1;
    carpeta_t *c = calloc(1, sizeof *c + n), **sitio = &carpetas;
    if (c == NULL) {
        estado_salida = 1;
        return;
    }
    memcpy(c->ruta, ruta, n);
    c->madre = madre;
    while (*sitio != NULL && strcmp((*sitio)->ruta, ruta) < 0)
        sitio = &(*sitio)->otra;
    c->otra = *sitio;
    *sitio = c;
    encolar(c, NULL);
}

static void lanzar(void);

/* La callback de las dos peticiones: deja la plaza, usa el resultado y lanza la siguiente. */
static void al_volver(uv_fs_t *req)
{
    peticion_t *p = CONTENEDOR_DE(req, peticion_t, req);
    uv_dirent_t e;
    en_curso--;
    if (req->result < 0) {
        fprintf(stderr, "no puedo %s %s: %s\n", p->listar ? "listar" : "mirar", p->ruta,
                error_texto((int)req->result));
        estado_salida = 1;
    } else if (p->listar) {
        p->carpeta->listada = 1;
        while (uv_fs_scandir_next(req, &e) != UV_EOF)
            encolar(p->carpeta, e.name); /* copia el nombre: vive en req hasta la limpieza */
    } else if (S_ISDIR(req->statbuf.st_mode)) {
        nueva_carpeta(p->carpeta, p->ruta);
    } else if (S_ISREG(req->statbuf.st_mode)) {
        for (carpeta_t *c = p->carpeta; c != NULL; c = c->madre)
            c->bytes += req->statbuf.st_size;
    } /* un enlace simbólico (lstat no lo sigue), una FIFO…: ni se suma ni se baja a él */
    uv_fs_req_cleanup(req); /* la copia de la ruta y, de uv_fs_scandir, los nombres */
    free(p);
    lanzar();
}

/* Lanza las de la cola mientras haya plaza: nunca más de `tope` en curso. */
static void lanzar(void)
{
    while (en_curso < tope && cabeza != NULL) {
        peticion_t *p = cabeza;
        cabeza = p->siguiente;
        if (cabeza == NULL)
            hueco = &cabeza;
        int r = p->listar ? uv_fs_scandir(&bucle, &p->req, p->ruta, 0, al_volver)
                          : uv_fs_lstat(&bucle, &p->req, p->ruta, al_volver);
        if (r < 0) { /* no se lanzó: no habrá callback */
            fprintf(stderr, "no puedo pedir %s: %s\n", p->ruta, error_texto(r));
            estado_salida = 1;
            uv_fs_req_cleanup(&p->req);
            free(p);
            continue;
        }
        en_curso++;
    }
}

int main(int argc, char **argv)
{
    char *fin = NULL;
    long n = argc == 3 ? strtol(argv[1], &fin, 10) : 0;

    if (argc != 3 || *fin != '\0' || n < 1 || n > 64) {
        fprintf(stderr, "uso: %s N CARPETA   (N: de 1 a 64 peticiones en curso)\n", argv[0]);
        return 2;
    }
    tope = (int)n;
    if (uv_loop_init(&bucle) < 0)
        return 1;
    nueva_carpeta(NULL, argv[2]);
    lanzar();
    if (bucle_terminar(&bucle) != 0)
        return 1;
    while (carpetas != NULL) { /* ya en orden de ruta */
        carpeta_t *c = carpetas;
        if (c->listada)
            printf("%s: %llu bytes\n", c->ruta, (unsigned long long)c->bytes);
        carpetas = c->otra;
        free(c);
    }
    return estado_salida;
}
