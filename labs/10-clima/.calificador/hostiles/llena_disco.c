/* llena_disco.c — entrega hostil (como clima.c del laboratorio 10, que no prohíbe escribir
 * archivos): intenta llenar el disco de quien califica desde cada verificación. Busca todo
 * lo que puede escribir (/tmp, /var/tmp y /dev/shm, que sin bwrap son los del sistema; la
 * carpeta de cada argumento con ruta, que es la de cal_carpeta; la carpeta actual, TMPDIR y
 * HOME) y, en cada una:
 *   1. archivos de LLENA_ARCHIVO_MIB que borra y deja abiertos (ocupan disco sin nombre);
 *   2. archivos grandes hasta que el núcleo corta (RLIMIT_FSIZE: ignora SIGXFSZ);
 *   3. muchísimos archivos pequeños (inodos, no bloques).
 * Se para sola a los LLENA_TOPE_MIB (y LLENA_PEQUENOS archivos) por lanzamiento: así, si la
 * cuota fallara, la prueba no deja sin disco a la máquina. Cada carpeta se crea con el
 * nombre «llena-disco-<pid>»: prueba-autograder busca después si queda alguna. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LLENA_TOPE_MIB
#define LLENA_TOPE_MIB 1024
#endif
#define LLENA_ARCHIVO_MIB 64
#define LLENA_PEQUENOS    200000

static char bloque[1 << 20];
static long escritos_mib;

/* Escribe hasta `mib` MiB en `fd`; devuelve los MiB escritos. */
static long llenar(int fd, long mib)
{
    long n = 0;
    while (n < mib && escritos_mib < LLENA_TOPE_MIB &&
           write(fd, bloque, sizeof bloque) == (ssize_t)sizeof bloque) {
        n++;
        escritos_mib++;
    }
    return n;
}

static void atacar(const char *carpeta)
{
    char dir[4096], ruta[4200];
    snprintf(dir, sizeof dir, "%s/llena-disco-%d", carpeta, (int)getpid());
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return;
    printf("ATACA %s\n", dir);
    fflush(stdout);
    /* 1. Sin nombre y abiertos: 64 como mucho, que sobren descriptores. */
    for (int i = 0; i < 64 && escritos_mib < LLENA_TOPE_MIB / 4; i++) {
        snprintf(ruta, sizeof ruta, "%s/oculto-%d", dir, i);
        int fd = open(ruta, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            break;
        unlink(ruta);
        if (llenar(fd, LLENA_ARCHIVO_MIB) == 0) {
            close(fd);
            break;
        }
    }
    /* 2. Con nombre, hasta que el núcleo corte cada uno. */
    for (int i = 0; escritos_mib < LLENA_TOPE_MIB; i++) {
        snprintf(ruta, sizeof ruta, "%s/grande-%d", dir, i);
        int fd = open(ruta, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            break;
        long n = llenar(fd, 1L << 20);
        close(fd);
        if (n == 0)
            break;
    }
    /* 3. Muchos archivos vacíos. */
    for (int i = 0; i < LLENA_PEQUENOS; i++) {
        snprintf(ruta, sizeof ruta, "%s/p%d", dir, i);
        int fd = open(ruta, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0)
            break;
        close(fd);
    }
    printf("ESCRITO %s: %ld MiB en total\n", dir, escritos_mib);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    signal(SIGXFSZ, SIG_IGN);
    memset(bloque, 'x', sizeof bloque);
    /* Primero las del sistema: sin bwrap son las de verdad, fuera de la verificación. */
    atacar("/tmp");
    atacar("/var/tmp");
    atacar("/dev/shm");
    for (int i = 1; i < argc; i++) {
        char *barra = strrchr(argv[i], '/');
        if (barra != NULL && barra != argv[i]) {
            *barra = '\0';
            atacar(argv[i]);
        }
    }
    char actual[4096];
    if (getcwd(actual, sizeof actual) != NULL)
        atacar(actual);
    const char *variables[] = {"TMPDIR", "HOME", NULL};
    for (int i = 0; variables[i] != NULL; i++)
        if (getenv(variables[i]) != NULL)
            atacar(getenv(variables[i]));
    return 0;
}
