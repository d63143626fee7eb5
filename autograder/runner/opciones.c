/* opciones.c — la línea de comandos del ejecutor (ver calificar.c) y sus comprobaciones. */
#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void uso(void)
{
    fprintf(stderr,
            "uso: calificar --raiz R --construccion B --cc CC --cflags \"…\" --libs \"…\"\n"
            "                [--lab NN] [--entrega CARPETA | --soluciones] [--salida CARPETA]\n"
            "                [--detalle]   (todos los detalles en la terminal)\n"
            "                [--historial ARCHIVO] [--trabajos N] [--aviso-entrega TEXTO]\n"
            "                [--primera]   (make vigilar: la primera que falla en cuanto se sabe;\n"
            "                               no es la nota ni escribe informes; necesita --lab)\n"
            "                [--hito ID]   (solo hasta ese hito, nota sobre 100; necesita --lab)\n"
            "     calificar --raiz R --publicar|--despublicar --lab NN   (solucion_publicada)\n"
            "     calificar --raiz R --estado-soluciones   (qué soluciones están publicadas)\n"
            "     calificar --raiz R --progreso --historial ARCHIVO   (make progreso)\n"
            "     calificar --raiz R --variables           (datos de los lab.json para make)\n"
            "     calificar --raiz R --lista [--lab NN]    (los mismos, para guiones)\n"
            "     calificar --raiz R --pista [--lab NN]    (la pista de la primera que falla)\n"
            "     calificar --raiz R --lab NN --juzgar-trazas CARPETA\n"
            "                (los medios de unas trazas de strace guardadas, *.traza)\n"
            "     calificar --raiz R --segmentos PROGRAMA\n"
            "                (¿se ejecutaría este programa enlazado? runner/segmentos.c)\n"
            "Normalmente se usa a través de «make grade».\n");
}

/* Rellena las rutas derivadas: construcción absoluta, entrega absoluta, salida. */
static int completar(opciones_t *op)
{
    if (op->entrega != NULL) {
        struct stat st;
        if (realpath(op->entrega, op->entrega_abs) == NULL || stat(op->entrega_abs, &st) < 0 ||
            !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "calificar: la entrega «%s» no es una carpeta\n", op->entrega);
            return 2;
        }
        op->entrega = op->entrega_abs;
    }
    if (op->construccion[0] == '/')
        texto_poner(op->construccion_abs, sizeof op->construccion_abs, "%s", op->construccion);
    else
        texto_poner(op->construccion_abs, sizeof op->construccion_abs, "%s/%s", op->raiz,
                    op->construccion);
    if (op->salida == NULL) {
        texto_poner(op->salida_def, sizeof op->salida_def, "%s/calificacion", op->construccion_abs);
        op->salida = op->salida_def;
    } else if (op->salida[0] != '/') {
        /* `make grade SALIDA=build/x`: relativa a la carpeta desde la que se llama. Tal cual,
         * llegaba a bwrap como origen de un --bind relativo y la caja no arrancaba. */
        char aqui[PATH_MAX];
        if (getcwd(aqui, sizeof aqui) == NULL) {
            fprintf(stderr, "calificar: no se sabe en qué carpeta se está: %s\n", strerror(errno));
            return 2;
        }
        texto_poner(op->salida_def, sizeof op->salida_def, "%s/%s", aqui, op->salida);
        op->salida = op->salida_def;
    }
    return 0;
}

int opciones_leer(int argc, char **argv, opciones_t *op)
{
    static const struct option largas[] = {{"raiz", required_argument, NULL, 'r'},
                                           {"construccion", required_argument, NULL, 'b'},
                                           {"cc", required_argument, NULL, 'c'},
                                           {"cflags", required_argument, NULL, 'f'},
                                           {"libs", required_argument, NULL, 'l'},
                                           {"lab", required_argument, NULL, 'L'},
                                           {"entrega", required_argument, NULL, 'e'},
                                           {"soluciones", no_argument, NULL, 's'},
                                           {"salida", required_argument, NULL, 'o'},
                                           {"variables", no_argument, NULL, 'v'},
                                           {"lista", no_argument, NULL, 'i'},
                                           {"detalle", no_argument, NULL, 'd'},
                                           {"pista", no_argument, NULL, 'p'},
                                           {"publicar", no_argument, NULL, 'P'},
                                           {"despublicar", no_argument, NULL, 'D'},
                                           {"estado-soluciones", no_argument, NULL, 'E'},
                                           {"progreso", no_argument, NULL, 'G'},
                                           {"historial", required_argument, NULL, 'h'},
                                           {"aviso-entrega", required_argument, NULL, 'a'},
                                           {"trabajos", required_argument, NULL, 'j'},
                                           {"primera", no_argument, NULL, '1'},
                                           {"hito", required_argument, NULL, 'H'},
                                           {"juzgar-trazas", required_argument, NULL, 'T'},
                                           {"segmentos", required_argument, NULL, 'S'},
                                           {NULL, 0, NULL, 0}};
    memset(op, 0, sizeof *op);
    const char **destino[128] = {NULL};
    destino['r'] = &op->raiz;
    destino['b'] = &op->construccion;
    destino['c'] = &op->cc;
    destino['f'] = &op->cflags;
    destino['l'] = &op->libs;
    destino['L'] = &op->lab;
    destino['e'] = &op->entrega;
    destino['o'] = &op->salida;
    destino['h'] = &op->historial;
    destino['a'] = &op->aviso;
    destino['T'] = &op->trazas;
    destino['S'] = &op->segmentos;
    destino['H'] = &op->hito;
    int c;
    while ((c = getopt_long(argc, argv, "", largas, NULL)) != -1) {
        if (c == 'P' || c == 'D')
            op->publicar = c == 'P' ? 1 : -1;
        else if (c == '1')
            op->primera = 1;
        else if (c == 'E' || c == 'G')
            *(c == 'E' ? &op->estado_soluciones : &op->progreso) = 1;
        else if (c == 'j') {
            char *fin;
            long t = strtol(optarg, &fin, 10);
            if (*fin != '\0' || t < 1 || t > 64) {
                fprintf(stderr, "calificar: --trabajos necesita un número de 1 a 64\n");
                return 2;
            }
            op->trabajos = (int)t;
        } else if (c > 0 && c < 128 && destino[c] != NULL)
            *destino[c] = optarg[0] != '\0' ? optarg : NULL;
        else if (c == 's' || c == 'v' || c == 'i' || c == 'd' || c == 'p')
            *(c == 's'   ? &op->soluciones
              : c == 'v' ? &op->variables
              : c == 'i' ? &op->lista
              : c == 'd' ? &op->detalle
                         : &op->pista) = 1;
        else {
            uso();
            return 2;
        }
    }
    int datos = op->variables || op->lista || op->pista || op->publicar != 0 ||
                op->estado_soluciones || op->progreso || op->trazas != NULL ||
                op->segmentos != NULL;
    if (op->raiz == NULL || optind != argc ||
        (!datos &&
         (op->construccion == NULL || op->cc == NULL || op->cflags == NULL || op->libs == NULL))) {
        uso();
        return 2;
    }
    if (op->construccion == NULL)
        op->construccion = "build";
    if (op->entrega != NULL && op->soluciones) {
        fprintf(stderr, "calificar: ENTREGA y SOLUCIONES=1 no se pueden usar a la vez\n");
        return 2;
    }
    if (op->publicar != 0 && op->lab == NULL) {
        fprintf(stderr, "calificar: di qué laboratorio: make %spublicar LAB=07\n",
                op->publicar > 0 ? "" : "des");
        return 2;
    }
    if (op->trazas != NULL && op->lab == NULL) {
        fprintf(stderr, "calificar: --juzgar-trazas necesita --lab NN (sus reglas de medios)\n");
        return 2;
    }
    if (op->progreso && op->historial == NULL) {
        fprintf(stderr, "calificar: --progreso necesita --historial ARCHIVO\n");
        return 2;
    }
    if (op->primera && (op->lab == NULL || op->historial != NULL)) {
        fprintf(stderr, "calificar: --primera es para un solo laboratorio (--lab 07) y no anota "
                        "el progreso (no es la nota)\n");
        return 2;
    }
    if (op->hito != NULL && (op->lab == NULL || op->historial != NULL)) {
        fprintf(stderr, "calificar: HITO=<id> es para un solo laboratorio (LAB=07 HITO=B) y no "
                        "anota el progreso (la nota es la de ese hito, no la del laboratorio)\n");
        return 2;
    }
    if (op->entrega != NULL && op->lab == NULL) {
        fprintf(stderr, "calificar: con ENTREGA=<carpeta> hay que decir qué laboratorio es "
                        "(LAB=07)\n");
        return 2;
    }
    return completar(op);
}
