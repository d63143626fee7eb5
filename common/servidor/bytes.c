/* bytes.c — los bytes de /bytes (la secuencia de curso/secuencia.h, pública o con la clave
 * del servidor), rangos HTTP y huella SHA-256 de /bytes (ver bytes.h). */
#include "bytes.h"

#include "curso/huella.h"
#include "curso/secuencia.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* La clave de la secuencia secreta, si quien arrancó el servidor dio una; NULL: la pública. */
static secuencia_clave_t clave_guardada;
static const secuencia_clave_t *clave;

void bytes_poner_clave(const secuencia_clave_t *c)
{
    clave_guardada = *c;
    clave = &clave_guardada;
}

void bytes_generar(uint64_t semilla, uint64_t desde, unsigned char *destino, size_t n)
{
    secuencia_generar(clave, semilla, desde, destino, n);
}

/* ---- Range ---------------------------------------------------------------------------- */

/* Un número decimal sin signo al principio de `*p` (avanza *p). -1 si no hay cifras o no
 * cabe en 64 bits. */
static int numero(const char **p, uint64_t *v)
{
    const char *s = *p;
    if (!isdigit((unsigned char)*s))
        return -1;
    char *fin;
    errno = 0;
    unsigned long long x = strtoull(s, &fin, 10);
    if (errno != 0)
        return -1;
    *v = x;
    *p = fin;
    return 0;
}

int bytes_rango(const char *cabecera, uint64_t total, uint64_t *desde, uint64_t *hasta)
{
    const char *p = cabecera;
    uint64_t a = 0, b = 0;
    int tiene_a, tiene_b;

    if (p == NULL)
        return 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncmp(p, "bytes=", 6) != 0)
        return 0;
    p += 6;
    while (*p == ' ')
        p++;
    tiene_a = numero(&p, &a) == 0;
    if (*p != '-')
        return 0;
    p++;
    tiene_b = numero(&p, &b) == 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0' || (!tiene_a && !tiene_b))
        return 0; /* varios rangos («0-1,5-6») o basura: se ignora y va el cuerpo entero */
    if (tiene_a && tiene_b && b < a)
        return 0; /* «5-1» no es un rango válido: la RFC manda ignorarlo */
    if (!tiene_a) {
        /* Sufijo: los últimos b bytes. */
        if (b == 0 || total == 0)
            return -1;
        *desde = b >= total ? 0 : total - b;
        *hasta = total - 1;
        return 1;
    }
    if (a >= total)
        return -1;
    *desde = a;
    *hasta = tiene_b && b < total ? b : total - 1;
    return 1;
}

/* ---- Huella --------------------------------------------------------------------------- */

static void calcular_huella(uint64_t semilla, uint64_t n, char base64[45])
{
    huella_t h;
    unsigned char trozo[16384];
    unsigned char resumen[HUELLA_BYTES];
    huella_iniciar(&h);
    for (uint64_t pos = 0; pos < n;) {
        size_t m = n - pos > sizeof trozo ? sizeof trozo : (size_t)(n - pos);
        bytes_generar(semilla, pos, trozo, m);
        huella_anadir(&h, trozo, m);
        pos += m;
    }
    huella_terminar(&h, resumen);
    huella_base64(resumen, base64);
}

#define HUELLAS_GUARDADAS 8

static struct {
    int usada;
    uint64_t semilla, n;
    char base64[45];
} huellas[HUELLAS_GUARDADAS];
static unsigned huella_siguiente;

void bytes_huella(uint64_t semilla, uint64_t n, char salida[45])
{
    for (unsigned i = 0; i < HUELLAS_GUARDADAS; i++) {
        if (huellas[i].usada && huellas[i].semilla == semilla && huellas[i].n == n) {
            memcpy(salida, huellas[i].base64, 45);
            return;
        }
    }
    unsigned i = huella_siguiente++ % HUELLAS_GUARDADAS;
    huellas[i].usada = 1;
    huellas[i].semilla = semilla;
    huellas[i].n = n;
    calcular_huella(semilla, n, huellas[i].base64);
    memcpy(salida, huellas[i].base64, 45);
}
