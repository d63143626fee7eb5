/* clave.c — la clave de cada calificación y la firma (HMAC-SHA256) de cada resultado.
 *
 * Sin bwrap y con el mismo uid que el calificador (la jaula de VPL), el programa del
 * estudiante puede escribir en la carpeta de resultados y en el TAP de Criterion: ningún
 * archivo dice por sí solo que lo escribió el calificador. Por eso:
 *   - el ejecutor saca 32 bytes al azar (getrandom) por calificación, los guarda en un memfd
 *     sellado y se lo pasa al calificador como su descriptor CLAVE_FD (CALIF_CLAVE_FD dice
 *     solo ese número, nunca la clave);
 *   - el proceso principal de Criterion la lee con pread y firma con HMAC-SHA256 (RFC 2104)
 *     el veredicto de cada prueba tal como se lo dio su trabajador (lib/verificacion.c);
 *   - el ejecutor recalcula la firma: una verificación sin veredicto firmado que diga ok no
 *     cuenta como superada, digan lo que digan su <id>.json y el TAP.
 * La clave no llega al programa: orden_lanzar() cierra en el hijo todo descriptor que no se
 * le pase, y el ejecutor y el calificador son no volcables (PR_SET_DUMPABLE 0), así que el
 * mismo uid no abre su /proc/<pid>/fd, environ ni mem, ni los depura con ptrace.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define BLOQUE 64 /* el bloque de SHA-256 (RFC 2104: B) */

static unsigned char clave[CLAVE_BYTES];
static int hay_clave;
static int descriptor = -1; /* el memfd, en el ejecutor */

void clave_no_volcable(void)
{
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int clave_crear(void)
{
    unsigned char nueva[CLAVE_BYTES];
    int r = entropia_llenar(nueva, sizeof nueva);
    if (r < 0)
        return r;
    int fd = memfd_create("calif-clave", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -errno;
    if (pwrite(fd, nueva, sizeof nueva, 0) != (ssize_t)sizeof nueva ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
        int e = errno != 0 ? errno : EIO;
        close(fd);
        return -e;
    }
    memcpy(clave, nueva, sizeof clave);
    hay_clave = 1;
    descriptor = fd;
    return fd;
}

int clave_leer(void)
{
    const char *v = getenv("CALIF_CLAVE_FD");
    if (v == NULL || v[0] == '\0')
        return -ENOENT;
    char *fin = NULL;
    long fd = strtol(v, &fin, 10);
    if (fin == v || *fin != '\0' || fd < 3 || fd > 1023)
        return -EINVAL;
    ssize_t n = pread((int)fd, clave, sizeof clave, 0);
    if (n != (ssize_t)sizeof clave)
        return n < 0 ? -errno : -EIO;
    hay_clave = 1;
    return 0;
}

int clave_descriptor(void)
{
    return descriptor;
}

int clave_hay(void)
{
    return hay_clave;
}

/* El relleno de RFC 2104 (`byte`: 0x36 dentro, 0x5c fuera) sobre la clave, ya en `s`. */
static void empezar(sha256_t *s, unsigned char byte)
{
    unsigned char bloque[BLOQUE];
    memset(bloque, 0, sizeof bloque);
    memcpy(bloque, clave, sizeof clave); /* 32 ≤ 64: la clave va tal cual */
    for (size_t i = 0; i < sizeof bloque; i++)
        bloque[i] ^= byte;
    huella_iniciar(s);
    huella_anadir(s, bloque, sizeof bloque);
}

void clave_firma_iniciar(sha256_t *s)
{
    empezar(s, 0x36);
}

void clave_firma_campo(sha256_t *s, const char *texto)
{
    /* Longitud (8 bytes, big endian) y bytes: ningún par de campos se confunde con otro. */
    size_t n = texto != NULL ? strlen(texto) : 0;
    unsigned char largo[8];
    for (int i = 0; i < 8; i++)
        largo[i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
    huella_anadir(s, largo, sizeof largo);
    if (n > 0)
        huella_anadir(s, texto, n);
}

void clave_firma_terminar(sha256_t *s, char hex[65])
{
    unsigned char interna[HUELLA_BYTES];
    huella_terminar(s, interna);
    sha256_t fuera;
    empezar(&fuera, 0x5c);
    huella_anadir(&fuera, interna, sizeof interna);
    sha256_terminar(&fuera, hex);
}

int clave_iguales(const char *a, const char *b)
{
    if (a == NULL || b == NULL || strlen(a) != 64 || strlen(b) != 64)
        return 0;
    unsigned char distinto = 0;
    for (int i = 0; i < 64; i++)
        distinto |= (unsigned char)(a[i] ^ b[i]);
    return distinto == 0;
}

void clave_firmar_veredicto(const char *id, int ok, char hex[65])
{
    sha256_t s;
    clave_firma_iniciar(&s);
    clave_firma_campo(&s, "calif-veredicto-1");
    clave_firma_campo(&s, id);
    clave_firma_campo(&s, ok ? "1" : "0");
    clave_firma_terminar(&s, hex);
}
