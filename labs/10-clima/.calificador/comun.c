/* comun.c — las ayudas del laboratorio 10 que no son el escenario (ver comun.h): números al
 * azar del núcleo, el servidor de práctica con su secreto, un archivo escrito en la carpeta
 * de la entrega sin seguir lo que haya y una entrada que debe rechazarse con el código 2.
 * El escenario de cada verificación (proveedores, referencias, lanzamiento y juicios) está
 * en escenario.c. */
#define _GNU_SOURCE
#include "comun.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *clima_con_retraso(char *d, size_t tam, int ms, const char *solo)
{
    if (solo != NULL)
        snprintf(d, tam, "&retraso=%d.%03d&solo=%s", ms / 1000, ms % 1000, solo);
    else
        snprintf(d, tam, "&retraso=%d.%03d", ms / 1000, ms % 1000);
    return d;
}

int clima_servidor(cal_servidor_t **s)
{
    /* Con el secreto de cal_servidor (lib/servidor.c: una clave al azar por proceso, y
     * Criterion ejecuta cada verificación en el suyo), en el entorno del servidor; el
     * programa del estudiante se lanza con un entorno limpio (cal_lanzar) y en otro espacio
     * de PID: no lo ve. */
    return cal_servidor(s) < 0 ? -1 : 0; /* si no arranca, lo anota ella */
}

/* Escribe `texto` en carpeta/nombre (una carpeta de cal_carpeta, que es de la entrega: lo
 * que haya dejado con ese nombre se quita, sin seguirlo). 0 o -1. */
int clima_escribir(const char *carpeta, const char *nombre, const char *texto, char *ruta,
                   size_t tam)
{
    snprintf(ruta, tam, "%s/%s", carpeta, nombre);
    int fd = cal_crear_archivo(ruta, 0644);
    if (fd < 0)
        return -1;
    size_t n = strlen(texto), hecho = 0;
    while (hecho < n) {
        ssize_t w = write(fd, texto + hecho, n - hecho);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        hecho += (size_t)w;
    }
    return close(fd) == 0 ? 0 : -1;
}

/* Codifica como una URL (solo quedan A-Z a-z 0-9 - . _ ~). */

/* ¿Está `cita` en `texto`? Una cita de una sola letra (la unidad «c») tiene que ir suelta, sin
 * letras, cifras ni «_» ASCII al lado: la «c» de «clima» no la cita. */
static int citado(const char *texto, const char *cita)
{
    size_t n = strlen(cita);
    int letra = n == 1 && isalpha((unsigned char)cita[0]);
    for (const char *h = strstr(texto, cita); h != NULL; h = strstr(h + 1, cita)) {
        if (!letra)
            return 1;
        int antes = h > texto && (isalnum((unsigned char)h[-1]) || h[-1] == '_');
        int despues = isalnum((unsigned char)h[n]) || h[n] == '_';
        if (!antes && !despues)
            return 1;
    }
    return 0;
}

/* Cambia en `texto` (de malloc) cada aparición de `quitar` (si no es vacío) por «…». Devuelve
 * el texto nuevo (el viejo queda liberado), o NULL sin memoria. */
static char *tapar(char *texto, const char *quitar)
{
    size_t n = strlen(quitar);
    if (texto == NULL || n == 0)
        return texto;
    size_t cuantas = 0;
    for (const char *h = strstr(texto, quitar); h != NULL; h = strstr(h + n, quitar))
        cuantas++;
    if (cuantas == 0)
        return texto;
    static const char puntos[] = "…";
    size_t largo = strlen(texto) - cuantas * n + cuantas * strlen(puntos);
    char *nuevo = malloc(largo + 1);
    if (nuevo != NULL) {
        char *d = nuevo;
        const char *desde = texto;
        for (const char *h = strstr(desde, quitar); h != NULL; h = strstr(desde, quitar)) {
            memcpy(d, desde, (size_t)(h - desde));
            d += h - desde;
            memcpy(d, puntos, strlen(puntos));
            d += strlen(puntos);
            desde = h + n;
        }
        memcpy(d, desde, strlen(desde) + 1);
    }
    free(texto);
    return nuevo;
}

int clima_rechazado(const char *const *args, const char *const *citas, cal_servidor_t *s,
                    const char *carpeta, const char *que, char *mensaje, size_t tam)
{
    char env[160];
    snprintf(env, sizeof env, "CURSO_SERVIDOR=%s", s != NULL ? cal_servidor_url(s) : "");
    const char *entorno[] = {env, NULL};
    const char *carpetas[] = {carpeta, NULL};
    cal_lanzamiento_t l = {.args = args,
                           .entorno = s != NULL ? entorno : NULL,
                           .carpetas = carpeta != NULL ? carpetas : NULL,
                           .limite_s = 6};
    if (mensaje != NULL && tam > 0)
        mensaje[0] = '\0';
    cal_proceso_t *p;
    if (cal_lanzar(&l, &p) < 0)
        return 0;
    int termino = cal_esperar_fin(p, 4000);
    /* El mensaje sin la ruta del archivo ni su nombre: lo que cita tiene que decirlo él, no
     * el nombre que le puso el calificador al archivo. */
    char *dice = strdup(cal_errores(p));
    int con_f = 0;
    for (int i = 0; dice != NULL && args[i] != NULL; i++)
        if (strcmp(args[i], "-f") == 0 && args[i + 1] != NULL) {
            const char *barra = strrchr(args[i + 1], '/');
            const char *base = barra != NULL ? barra + 1 : args[i + 1];
            char raiz[256];
            snprintf(raiz, sizeof raiz, "%.*s", (int)strcspn(base, "."), base);
            dice = tapar(dice, args[i + 1]);
            dice = tapar(dice, base);
            dice = tapar(dice, raiz); /* «vacio2», sin «.json» */
            con_f = 1;
        }
    char fin[128];
    int ok = 0;
    if (dice == NULL) {
        cal_obtenido("%s: sin memoria (error del calificador)", que);
    } else if (!termino || cal_codigo(p) != 2) {
        cal_obtenido("%s: %s (se esperaba el código 2)", que,
                     cal_describir_fin(p, fin, sizeof fin));
    } else if (cal_salida(p)[0] != '\0') {
        cal_obtenido(
            "%s: escribió en stdout (el mensaje de error va a stderr, y stdout queda vacía)", que);
    } else if (cal_errores(p)[0] == '\0') {
        cal_obtenido("%s: salió con 2 sin explicar por qué en stderr", que);
    } else {
        ok = 1;
        for (int i = 0; citas != NULL && citas[i] != NULL && ok; i++)
            if (!citado(dice, citas[i])) {
                ok = 0;
                cal_obtenido("%s: el mensaje de error no dice «%s»%s", que, citas[i],
                             citas[i][1] == '\0' && isalpha((unsigned char)citas[i][0])
                                 ? " (suelta: sin letras, cifras ni «_» pegadas)"
                             : con_f ? " (sin contar la ruta ni el nombre del archivo)"
                                     : "");
            }
        if (mensaje != NULL && tam > 0)
            snprintf(mensaje, tam, "%s", dice);
    }
    if (!ok)
        cal_nota_salida(p, 6);
    free(dice);
    cal_proceso_liberar(p);
    return ok;
}
