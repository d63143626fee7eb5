/* ejercicio.c — recorrer una carpeta con un tope (práctica 4 de la lección 7).
 *
 *   recorrido N CARPETA    los bytes de los archivos regulares de CARPETA y de cada subcarpeta,
 *                          sin seguir enlaces simbólicos, con como mucho N peticiones en curso.
 *
 * Tal como está, el uv_fs_scandir de CARPETA se queda en la cola, no se lanza nada y no
 * imprime nada. Tu trabajo: lanzar() y al_volver (ver README.md); lo demás ya está escrito. */
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

    /* TODO: deja la plaza. Si req->result < 0: «no puedo listar RUTA: motivo» (o «no puedo
     * mirar», si era un lstat) en stderr y estado 1. Si no, con p->listar: la carpeta queda
     * listada y cada entrada de uv_fs_scandir_next va a la cola (encolar). Con un lstat de una
     * carpeta: nueva_carpeta; de un archivo regular: sus bytes, a su carpeta y a todas las de
     * encima; de lo demás (un enlace, una FIFO), nada. Después, en todos los casos: limpia la
     * petición, libérala y lanza las siguientes. */
    (void)p;
}

/* Lanza las de la cola mientras haya plaza: nunca más de `tope` en curso. */
static void lanzar(void)
{
    /* TODO: mientras haya menos de `tope` en curso y la cola no esté vacía, saca la primera
     * (cabeza; si la cola se queda vacía, hueco vuelve a &cabeza) y lánzala con al_volver:
     * uv_fs_scandir si p->listar, uv_fs_lstat si no. Cuenta las que quedan en curso. Una que
     * no se pudo lanzar (r < 0) no tendrá callback: «no puedo pedir RUTA: motivo», estado 1,
     * y se limpia y se libera aquí. */
    (void)en_curso;
    (void)al_volver;
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
