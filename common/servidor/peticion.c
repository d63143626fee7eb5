/* peticion.c — acumulación de la cabecera de una petición con límite de tamaño
 * (ver peticion.h). */
#include "peticion.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CAPACIDAD_INICIAL 1024
/* La cabeza cabe en PETICION_MAX_CABEZA; la copia de la ruta puede ocupar otro tanto. */
#define CAPACIDAD_MAXIMA (2 * PETICION_MAX_CABEZA + 8)

int peticion_iniciar(peticion_t *p)
{
    memset(p, 0, sizeof *p);
    p->datos = malloc(CAPACIDAD_INICIAL);
    if (p->datos == NULL)
        return -1;
    p->capacidad = CAPACIDAD_INICIAL;
    peticion_reiniciar(p);
    return 0;
}

void peticion_liberar(peticion_t *p)
{
    free(p->datos);
    p->datos = NULL;
    p->capacidad = 0;
}

void peticion_reiniciar(peticion_t *p)
{
    p->usados = 0;
    p->num_cabeceras = 0;
    p->abierta = 0;
    p->pos_ruta = 0;
    p->pos_consulta = 0;
    p->metodo[0] = '\0';
    p->version_mayor = 1;
    p->version_menor = 1;
    if (p->datos != NULL)
        p->datos[0] = '\0';
}

/* Asegura sitio para `n` bytes más sin pasar de `limite`. */
static int reservar(peticion_t *p, size_t n, size_t limite)
{
    if (p->usados + n > limite)
        return -1;
    if (p->usados + n + 1 <= p->capacidad)
        return 0;
    size_t nueva = p->capacidad;
    while (nueva < p->usados + n + 1)
        nueva *= 2;
    if (nueva > CAPACIDAD_MAXIMA)
        nueva = CAPACIDAD_MAXIMA;
    char *d = realloc(p->datos, nueva);
    if (d == NULL)
        return -1;
    p->datos = d;
    p->capacidad = nueva;
    return 0;
}

int peticion_anadir(peticion_t *p, const char *datos, size_t n)
{
    if (reservar(p, n, PETICION_MAX_CABEZA) < 0)
        return -1;
    memcpy(p->datos + p->usados, datos, n);
    p->usados += n;
    p->datos[p->usados] = '\0';
    return 0;
}

static int terminar(peticion_t *p)
{
    return peticion_anadir(p, "", 1);
}

int peticion_terminar_url(peticion_t *p)
{
    return terminar(p);
}

int peticion_empezar_cabecera(peticion_t *p)
{
    if (p->num_cabeceras >= PETICION_MAX_CABECERAS)
        return -1;
    p->campo[p->num_cabeceras] = p->usados;
    p->valor[p->num_cabeceras] = p->usados;
    p->abierta = 1;
    return 0;
}

int peticion_terminar_campo(peticion_t *p)
{
    if (!p->abierta && peticion_empezar_cabecera(p) < 0)
        return -1;
    if (terminar(p) < 0)
        return -1;
    p->valor[p->num_cabeceras] = p->usados;
    return 0;
}

int peticion_terminar_valor(peticion_t *p)
{
    if (!p->abierta)
        return 0;
    if (terminar(p) < 0)
        return -1;
    p->abierta = 0;
    p->num_cabeceras++;
    return 0;
}

int peticion_separar(peticion_t *p)
{
    /* La url es el primer texto del búfer; si no llegó, es "". */
    const char *url = p->datos;
    size_t largo_url = strlen(url);
    const char *interrogacion = memchr(url, '?', largo_url);
    size_t largo_ruta = interrogacion != NULL ? (size_t)(interrogacion - url) : largo_url;
    if (reservar(p, largo_ruta + 1, CAPACIDAD_MAXIMA - 1) < 0)
        return -1;
    url = p->datos; /* reservar() pudo mover el búfer */
    p->pos_ruta = p->usados;
    memcpy(p->datos + p->usados, url, largo_ruta);
    p->usados += largo_ruta;
    p->datos[p->usados++] = '\0';
    /* Sin '?' la consulta es el "" que termina la url. */
    p->pos_consulta = interrogacion != NULL ? largo_ruta + 1 : largo_url;
    return 0;
}

int peticion_cambiar_url(peticion_t *p, const char *url)
{
    /* La url es el primer texto del búfer y las cabeceras van detrás: se copia todo a un
     * búfer nuevo con la url nueva delante y se corren los desplazamientos. */
    size_t viejo = strlen(p->datos) + 1, nuevo = strlen(url) + 1;
    size_t total = p->usados - viejo + nuevo;
    if (total > PETICION_MAX_CABEZA || p->usados < viejo)
        return -1;
    size_t cap = p->capacidad > total + 1 ? p->capacidad : total + 1;
    char *d = malloc(cap);
    if (d == NULL)
        return -1;
    memcpy(d, url, nuevo);
    memcpy(d + nuevo, p->datos + viejo, p->usados - viejo);
    for (unsigned i = 0; i < p->num_cabeceras; i++) {
        p->campo[i] = p->campo[i] - viejo + nuevo;
        p->valor[i] = p->valor[i] - viejo + nuevo;
    }
    free(p->datos);
    p->datos = d;
    p->capacidad = cap;
    p->usados = total;
    d[total] = '\0';
    return 0;
}

const char *peticion_url(const peticion_t *p)
{
    return p->datos;
}

const char *peticion_ruta(const peticion_t *p)
{
    return p->datos + p->pos_ruta;
}

const char *peticion_consulta(const peticion_t *p)
{
    return p->datos + p->pos_consulta;
}

const char *peticion_cabecera(const peticion_t *p, const char *nombre)
{
    for (unsigned i = 0; i < p->num_cabeceras; i++) {
        if (strcasecmp(p->datos + p->campo[i], nombre) == 0)
            return p->datos + p->valor[i];
    }
    return NULL;
}

const char *peticion_campo_i(const peticion_t *p, unsigned i)
{
    return p->datos + p->campo[i];
}

const char *peticion_valor_i(const peticion_t *p, unsigned i)
{
    return p->datos + p->valor[i];
}
