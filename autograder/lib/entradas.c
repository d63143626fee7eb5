/* entradas.c — lo que el calificador prepara para que la entrega lo lea o lo escriba, y
 * cómo se comprueba lo que escribió: carpetas de la verificación que el programa ve en la
 * misma ruta (cal_lanzamiento_t.carpetas), FIFOs (entradas que el calificador dosifica: así
 * se ve desde fuera cuántos archivos tiene abiertos a la vez un programa, y que nunca lee un
 * archivo entero de golpe) y la comparación de archivos con bytes o con su SHA-256.
 */
#define _GNU_SOURCE
#include "interno.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Como root, lo que prepara el calificador es del usuario de la caja (que lo lee y escribe). */
static int ceder(const char *ruta)
{
    if (geteuid() == 0 && chown(ruta, uid_caja(), uid_caja()) < 0)
        return -errno;
    return 0;
}

int cal_carpeta(const char *nombre, char *ruta, size_t tam)
{
    int r = temporal_nuevo(nombre, ruta, tam);
    if (r == 0)
        r = ceder(ruta);
    return r;
}

int cal_crear_archivo(const char *ruta, mode_t modo)
{
    const char *raiz = temporal_raiz();
    size_t n = strlen(raiz);
    if (n == 0 || strncmp(ruta, raiz, n) != 0 || ruta[n] != '/')
        return -EXDEV;
    /* La temporal de la verificación es de root y nadie más escribe en ella: se abre por su
     * ruta. De ahí abajo todo puede ser del programa: ni un enlace, ni en medio ni al final. */
    int dir = open(raiz, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0)
        return -errno;
    char resto[PATH_MAX];
    if (snprintf(resto, sizeof resto, "%s", ruta + n + 1) >= (int)sizeof resto) {
        close(dir);
        return -ENAMETOOLONG;
    }
    char *trozo = resto, *barra;
    while ((barra = strchr(trozo, '/')) != NULL) {
        *barra = '\0';
        if (strcmp(trozo, "..") == 0) {
            close(dir);
            return -EXDEV;
        }
        int sub = trozo[0] == '\0'
                      ? dup(dir)
                      : openat(dir, trozo, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(dir);
        if (sub < 0)
            return -e;
        dir = sub;
        trozo = barra + 1;
    }
    if (trozo[0] == '\0' || strcmp(trozo, ".") == 0 || strcmp(trozo, "..") == 0) {
        close(dir);
        return -EINVAL;
    }
    /* Lo que hubiera con ese nombre (un enlace, una FIFO, un archivo del programa) se va. */
    if (unlinkat(dir, trozo, 0) < 0 && errno != ENOENT) {
        int e = errno;
        close(dir);
        return -e;
    }
    int fd = openat(dir, trozo, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, modo);
    int e = errno;
    close(dir);
    return fd >= 0 ? fd : -e;
}

int cal_fifo(const char *carpeta, const char *nombre, char *ruta, size_t tam)
{
    int n = snprintf(ruta, tam, "%s/%s", carpeta, nombre);
    if (n < 0 || (size_t)n >= tam)
        return -ENAMETOOLONG;
    if (mkfifo(ruta, 0644) < 0)
        return -errno;
    return ceder(ruta);
}

int cal_fifo_abrir(const char *ruta)
{
    /* O_RDWR no espera a un lector (en Linux): el programa que abra la FIFO para leer
     * vuelve al momento y se queda esperando datos mientras el calificador no escriba. */
    int fd = open(ruta, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

long cal_fifo_escribir(int fd, const void *datos, size_t n, int max_ms)
{
    const char *p = datos;
    size_t hecho = 0;
    uint64_t fin = cal_ahora_ms() + (uint64_t)(max_ms > 0 ? max_ms : 0);
    while (hecho < n) {
        ssize_t w = write(fd, p + hecho, n - hecho);
        if (w > 0) {
            hecho += (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return hecho > 0 ? (long)hecho : -errno;
        if (cal_ahora_ms() >= fin)
            break;
        cal_esperar(5); /* el lector va a su ritmo; mientras, su salida se sigue leyendo */
    }
    return (long)hecho;
}

int cal_archivo_sha256(const char *ruta, char hex[65])
{
    int fd = open(ruta, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    sha256_t s;
    sha256_iniciar(&s);
    char buf[65536];
    ssize_t n;
    int r = 0;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = -errno;
            break;
        }
        sha256_anadir(&s, buf, (size_t)n);
    }
    close(fd);
    if (r == 0)
        sha256_terminar(&s, hex);
    return r;
}

/* Compara `fd` con `esperado`; deja en *diferencia el primer byte distinto o el tamaño. */
static int comparar(int fd, const unsigned char *esperado, size_t n, char *motivo, size_t tam)
{
    unsigned char buf[65536];
    size_t visto = 0;
    ssize_t leidos;
    while ((leidos = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < leidos; i++, visto++) {
            if (visto >= n) {
                snprintf(motivo, tam, "tiene más bytes de los %zu esperados", n);
                return 0;
            }
            if (buf[i] != esperado[visto]) {
                snprintf(motivo, tam, "difiere en el byte %zu (0x%02x en vez de 0x%02x)", visto,
                         buf[i], esperado[visto]);
                return 0;
            }
        }
    }
    if (leidos < 0) {
        snprintf(motivo, tam, "no se pudo leer: %s", strerror(errno));
        return 0;
    }
    if (visto < n) {
        snprintf(motivo, tam, "tiene %zu bytes y se esperaban %zu", visto, n);
        return 0;
    }
    snprintf(motivo, tam, "los %zu bytes esperados", n);
    return 1;
}

int cal_archivo_igual(const char *ruta, const void *esperado, size_t n, char *motivo, size_t tam)
{
    int fd = open(ruta, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(motivo, tam, "%s", errno == ENOENT ? "no existe" : strerror(errno));
        return 0;
    }
    int ok = comparar(fd, esperado, n, motivo, tam);
    close(fd);
    return ok;
}
