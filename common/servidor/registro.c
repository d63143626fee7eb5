/* registro.c — líneas JSON del registro de peticiones (ver registro.h).
 *
 * Coste: antes cada línea se construía con jansson y se volcaba con fflush, una llamada
 * write() por petición. Ahora las líneas se acumulan en un búfer y se escriben juntas cuando
 * el dueño del bucle llama a registro_volcar() (servidor.c lo hace antes y después de cada
 * espera de E/S, así que nada queda en el búfer mientras el servidor duerme), cuando el búfer
 * pasa de REGISTRO_UMBRAL y al cerrar. Con mucha carga, una escritura sirve para todas las
 * respuestas de una vuelta del bucle; sin carga, cada línea sale igual que antes.
 *
 * La línea se escribe a mano cuando el método y la ruta son ASCII imprimible sin comillas ni
 * barras invertidas (lo normal); si no, se construye con jansson, que escapa bien y sanea
 * UTF-8 inválido (texto_json_c). Las dos dan los mismos bytes para la misma línea. */
#include "registro.h"

#include "texto.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REGISTRO_UMBRAL (32u * 1024u)

struct registro_s {
    int fd;
    char *buf;
    size_t usados, cap;
};

int registro_abrir(const char *ruta, registro_t **r)
{
    *r = NULL;
    registro_t *nuevo = calloc(1, sizeof *nuevo);
    if (nuevo == NULL)
        return -ENOMEM;
    nuevo->fd = open(ruta, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (nuevo->fd < 0) {
        int e = errno;
        free(nuevo);
        return -e;
    }
    *r = nuevo;
    return 0;
}

/* Reserva sitio para `n` bytes más. 0 o -1 (sin memoria: la línea se pierde). */
static int reservar(registro_t *r, size_t n)
{
    if (r->usados + n <= r->cap)
        return 0;
    size_t cap = r->cap > 0 ? r->cap : 2 * REGISTRO_UMBRAL;
    while (cap < r->usados + n)
        cap *= 2;
    char *nuevo = realloc(r->buf, cap);
    if (nuevo == NULL)
        return -1;
    r->buf = nuevo;
    r->cap = cap;
    return 0;
}

static void poner(registro_t *r, const char *s, size_t n)
{
    memcpy(r->buf + r->usados, s, n);
    r->usados += n;
}

static void poner_numero(registro_t *r, uint64_t v)
{
    char cifras[TEXTO_CIFRAS];
    size_t n;
    const char *p = texto_cifras(v, cifras, &n);
    poner(r, p, n);
}

/* ¿Se puede poner entre comillas tal cual en JSON? */
static int simple(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p > 0x7E || *p == '"' || *p == '\\')
            return 0;
    }
    return 1;
}

/* La línea con jansson (rutas con bytes raros). Devuelve texto de malloc o NULL. */
static char *linea_jansson(const registro_linea_t *l, const char *metodo, const char *ruta)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "inicio_ms", json_integer((json_int_t)l->inicio_ms));
    json_object_set_new(o, "fin_ms", json_integer((json_int_t)l->fin_ms));
    json_object_set_new(o, "metodo", texto_json_c(metodo));
    json_object_set_new(o, "ruta", texto_json_c(ruta));
    json_object_set_new(o, "estado", json_integer(l->estado));
    json_object_set_new(o, "bytes", json_integer((json_int_t)l->bytes));
    json_object_set_new(o, "puerto_cliente", json_integer(l->puerto_cliente));
    if (l->abortada)
        json_object_set_new(o, "abortada", json_true());
    if (l->rango != NULL)
        json_object_set_new(o, "rango", texto_json_c(l->rango));
    char *texto = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return texto;
}

void registro_anotar(registro_t *r, const registro_linea_t *l)
{
    if (r == NULL)
        return;
    const char *metodo = l->metodo != NULL ? l->metodo : "";
    const char *ruta = l->ruta != NULL ? l->ruta : "";
    if (!simple(metodo) || !simple(ruta) || (l->rango != NULL && !simple(l->rango))) {
        char *texto = linea_jansson(l, metodo, ruta);
        if (texto == NULL)
            return;
        size_t n = strlen(texto);
        if (reservar(r, n + 1) == 0) {
            poner(r, texto, n);
            poner(r, "\n", 1);
        }
        free(texto);
    } else {
        size_t largo_metodo = strlen(metodo), largo_ruta = strlen(ruta),
               largo_rango = l->rango != NULL ? strlen(l->rango) : 0;
        /* Texto fijo (~130) + 6 números de hasta 20 cifras + las tres cadenas. */
        if (reservar(r, 256 + largo_metodo + largo_ruta + largo_rango) < 0)
            return;
#define FIJO(s) poner(r, s, sizeof s - 1)
        FIJO("{\"inicio_ms\":");
        poner_numero(r, l->inicio_ms);
        FIJO(",\"fin_ms\":");
        poner_numero(r, l->fin_ms);
        FIJO(",\"metodo\":\"");
        poner(r, metodo, largo_metodo);
        FIJO("\",\"ruta\":\"");
        poner(r, ruta, largo_ruta);
        FIJO("\",\"estado\":");
        int64_t estado = l->estado;
        if (estado < 0) {
            FIJO("-");
            estado = -estado;
        }
        poner_numero(r, (uint64_t)estado);
        FIJO(",\"bytes\":");
        poner_numero(r, l->bytes);
        FIJO(",\"puerto_cliente\":");
        poner_numero(r, l->puerto_cliente > 0 ? (uint64_t)l->puerto_cliente : 0);
        if (l->abortada)
            FIJO(",\"abortada\":true");
        if (l->rango != NULL) {
            FIJO(",\"rango\":\"");
            poner(r, l->rango, largo_rango);
            FIJO("\"");
        }
        FIJO("}\n");
#undef FIJO
    }
    if (r->usados >= REGISTRO_UMBRAL)
        registro_volcar(r);
}

void registro_volcar(registro_t *r)
{
    if (r == NULL || r->usados == 0)
        return;
    size_t hecho = 0;
    while (hecho < r->usados) {
        ssize_t w = write(r->fd, r->buf + hecho, r->usados - hecho);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* disco lleno, E/S: el servicio sigue, esas líneas se pierden */
        hecho += (size_t)w;
    }
    r->usados = 0;
}

void registro_cerrar(registro_t *r)
{
    if (r == NULL)
        return;
    registro_volcar(r);
    close(r->fd);
    free(r->buf);
    free(r);
}
