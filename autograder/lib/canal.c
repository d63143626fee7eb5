/* canal.c — el canal de Criterion (nanomsg) en una carpeta de esta calificación, no en /tmp.
 *
 * Criterion 2.4.x une su proceso principal y sus trabajadores por un socket de nanomsg con la
 * ruta fija «ipc:///tmp/criterion_<pid>.sock». En el /tmp de todos, eso fallaba de dos modos:
 * un socket viejo de otro usuario con el mismo pid (los que deja un calificador parado, p. ej.
 * de root) no se puede borrar, y Criterion se detiene sin TAP («Could not initialize the
 * message server: Address already in use»: 1 de cada 15 calificaciones como usuario normal
 * tras las de root, medido); y cada calificación dejaba allí su socket. Aquí el calificador
 * define nn_bind y nn_connect (el enlazador los exporta: libcriterion los pide, y el enlazado
 * dinámico busca primero en el ejecutable) y cambia esa ruta por la misma en la carpeta
 * $CALIF_CANAL, que el ejecutor crea nueva (0700) para cada laboratorio y borra al acabar
 * (runner/calificar.c). Sin la variable, o si la ruta no cabe en un sockaddr_un, se usa la de
 * Criterion tal cual: nada cambia de significado, solo de sitio. Cualquier otra dirección
 * pasa sin tocar.
 */
#define _GNU_SOURCE
#include "interno.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

/* Las dos de nanomsg (nn.h) que usa Criterion para su canal. */
int nn_bind(int s, const char *direccion);
int nn_connect(int s, const char *direccion);

typedef int (*nn_unir_t)(int, const char *);

static const char ORIGINAL[] = "ipc:///tmp/criterion_";

/* La dirección que se usa de verdad: `direccion` en `tam` bytes de `dst` o, si no es la del
 * canal de Criterion o no hay carpeta, `direccion` sin cambiar (devuelve el puntero a usar). */
static const char *direccion_canal(const char *direccion, char *dst, size_t tam)
{
    const char *carpeta = getenv("CALIF_CANAL");
    if (direccion == NULL || carpeta == NULL || carpeta[0] != '/' ||
        strncmp(direccion, ORIGINAL, sizeof ORIGINAL - 1) != 0)
        return direccion;
    const char *nombre = direccion + strlen("ipc:///tmp/");
    int n = snprintf(dst, tam, "ipc://%s/%s", carpeta, nombre);
    /* La ruta del socket (sin «ipc://») debe caber en sun_path con su '\0'. */
    struct sockaddr_un su;
    if (n < 0 || (size_t)n >= tam || strlen(dst) - strlen("ipc://") >= sizeof su.sun_path)
        return direccion;
    return dst;
}

static int unir(const char *simbolo, int s, const char *direccion)
{
    nn_unir_t real = (nn_unir_t)dlsym(RTLD_NEXT, simbolo);
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    char propia[256];
    return real(s, direccion_canal(direccion, propia, sizeof propia));
}

int nn_bind(int s, const char *direccion)
{
    return unir("nn_bind", s, direccion);
}

int nn_connect(int s, const char *direccion)
{
    return unir("nn_connect", s, direccion);
}

/* ¿Va el canal en la carpeta de esta calificación? Lo llama el constructor de verificacion.c,
 * y así el enlazador trae este módulo de libcalificador.a a todo calificador. */
int canal_propio(void)
{
    const char *carpeta = getenv("CALIF_CANAL");
    return carpeta != NULL && carpeta[0] == '/';
}
