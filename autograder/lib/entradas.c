/* entradas.c — lo que el calificador prepara para que la entrega lo lea o lo escriba, y
 * cómo se comprueba lo que escribió: carpetas de la verificación que el programa ve en la
 * misma ruta (cal_lanzamiento_t.carpetas), FIFOs (entradas que el calificador dosifica: así
 * se ve desde fuera cuántos archivos tiene abiertos a la vez un programa, y que nunca lee un
 * archivo entero de golpe) y la comparación de archivos con bytes o con su SHA-256.
 *
 * Esas carpetas son de la entrega: todo lo que se hace en ellas (también antes de lanzar: una
 * verificación lanza el programa varias veces en la misma carpeta) baja desde la raíz de las
 * temporales con base/arbol.c, sin seguir ningún enlace (cal_abrir, cal_estado, cal_chmod,
 * cal_listar, cal_crear_*).
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

/* La parte de `ruta` bajo la temporal de la verificación, o -EXDEV: todo lo que sigue baja
 * desde el descriptor de esa raíz (abierto antes de lanzar nada) con base/arbol.c. */
static int bajo_raiz(const char *ruta, const char **rel)
{
    return temporal_relativa(ruta, rel);
}

/* Como root, lo que prepara el calificador es del usuario de la caja (que lo lee y escribe). */
static int ceder(const char *rel)
{
    if (geteuid() != 0)
        return 0;
    return arbol_chown(temporal_raiz_fd(), rel, uid_caja(), uid_caja());
}

int cal_carpeta(const char *nombre, char *ruta, size_t tam)
{
    const char *rel;
    int r = temporal_nuevo(nombre, ruta, tam);
    if (r == 0)
        r = bajo_raiz(ruta, &rel);
    if (r == 0)
        r = ceder(rel);
    return r;
}

int cal_crear_archivo(const char *ruta, mode_t modo)
{
    const char *rel;
    int r = bajo_raiz(ruta, &rel);
    return r < 0 ? r : arbol_crear(temporal_raiz_fd(), rel, O_WRONLY, modo);
}

int cal_abrir(const char *ruta, int flags)
{
    const char *rel;
    int r = bajo_raiz(ruta, &rel);
    return r < 0 ? r : arbol_abrir(temporal_raiz_fd(), rel, flags);
}

int cal_estado(const char *ruta, struct stat *st)
{
    const char *rel;
    int r = bajo_raiz(ruta, &rel);
    return r < 0 ? r : arbol_estado(temporal_raiz_fd(), rel, st);
}

int cal_chmod(const char *ruta, mode_t modo)
{
    const char *rel;
    int r = bajo_raiz(ruta, &rel);
    return r < 0 ? r : arbol_chmod(temporal_raiz_fd(), rel, modo);
}

int cal_listar(const char *ruta, DIR **d)
{
    const char *rel;
    *d = NULL;
    int r = bajo_raiz(ruta, &rel);
    return r < 0 ? r : arbol_listar(temporal_raiz_fd(), rel, d);
}

int cal_crear_carpeta(const char *ruta, mode_t modo)
{
    const char *rel;
    int r = bajo_raiz(ruta, &rel);
    if (r == 0)
        r = arbol_carpeta(temporal_raiz_fd(), rel, modo);
    /* El modo exacto, sin la máscara del proceso (0777: la del 11, que escribe cualquiera). */
    if (r == 0)
        r = arbol_chmod(temporal_raiz_fd(), rel, modo);
    return r;
}

int cal_crear_enlace(const char *destino, const char *ruta)
{
    const char *rel;
    int r = bajo_raiz(ruta, &rel);
    return r < 0 ? r : arbol_enlace(temporal_raiz_fd(), destino, rel);
}

int cal_borrar(const char *ruta)
{
    const char *rel;
    int r = bajo_raiz(ruta, &rel);
    return r < 0 ? r : arbol_borrar(temporal_raiz_fd(), rel);
}

const char *cal_ruta_error(int r)
{
    if (r == -EXDEV)
        return "la ruta no cuelga de la carpeta de la verificación (error del calificador)";
    return arbol_error(r);
}

int cal_fifo(const char *carpeta, const char *nombre, char *ruta, size_t tam)
{
    const char *rel;
    int n = snprintf(ruta, tam, "%s/%s", carpeta, nombre);
    if (n < 0 || (size_t)n >= tam)
        return -ENAMETOOLONG;
    int r = bajo_raiz(ruta, &rel);
    if (r == 0)
        r = arbol_fifo(temporal_raiz_fd(), rel, 0644);
    return r < 0 ? r : ceder(rel);
}

int cal_fifo_abrir(const char *ruta)
{
    /* O_RDWR no espera a un lector (en Linux): el programa que abra la FIFO para leer
     * vuelve al momento y se queda esperando datos mientras el calificador no escriba. */
    return cal_abrir(ruta, O_RDWR | O_NONBLOCK);
}

long cal_fifo_escribir(int fd, const void *datos, size_t n, int max_ms)
{
    const char *p = datos;
    size_t hecho = 0;
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    while (hecho < n) {
        ssize_t w = write(fd, p + hecho, n - hecho);
        if (w > 0) {
            hecho += (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return hecho > 0 ? (long)hecho : -errno;
        if (plazo_vencido(&plazo))
            break;
        cal_esperar(5); /* el lector va a su ritmo; mientras, su salida se sigue leyendo */
    }
    return (long)hecho;
}

int cal_archivo_sha256(const char *ruta, char hex[65])
{
    int fd = cal_abrir(ruta, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return fd;
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
                snprintf(motivo, tam, "tiene más bytes de los esperados (%zu)", n);
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
        snprintf(motivo, tam, "no se pudo leer: %s", notas_errno(errno));
        return 0;
    }
    if (visto < n) {
        snprintf(motivo, tam, "tiene %zu %s y se esperaban %zu", visto,
                 texto_plural((long long)visto, "byte", "bytes"), n);
        return 0;
    }
    snprintf(motivo, tam, "los bytes esperados (%zu)", n);
    return 1;
}

int cal_archivo_igual(const char *ruta, const void *esperado, size_t n, char *motivo, size_t tam)
{
    int fd = cal_abrir(ruta, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        snprintf(motivo, tam, "%s", cal_ruta_error(fd));
        return 0;
    }
    int ok = comparar(fd, esperado, n, motivo, tam);
    close(fd);
    return ok;
}
