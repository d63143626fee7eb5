/* carga_chat.c — generador de carga para comparar servidores de la sala de chat (lab 09).
 *
 * Habla el protocolo del enunciado (labs/09-sala-de-chat/README.md) y sirve igual para la
 * solución en C que para el servidor asyncio de Python. Dos modos:
 *
 *   carga_chat --puerto P --clientes N --mensajes M [--tamano B] [--limite S]
 *       Conecta N clientes, registra los nombres c0…c(N-1), espera a que lleguen todos los
 *       avisos de entrada y entonces cada cliente manda M mensajes seguidos. Cuenta las
 *       entregas (líneas «cK: mJ …» recibidas) hasta tener N×(N−1)×M y comprueba que cada
 *       una llega una sola vez, en el orden de su remitente, y nunca al propio remitente.
 *       Escribe «entregas=X segundos=T por_segundo=R errores=E».
 *
 *   carga_chat --puerto P --inactivos K --pid PID
 *       Conecta K clientes que se quedan callados en la pregunta del nombre y, con todos
 *       dentro, lee VmRSS de /proc/PID/status (la memoria residente del servidor).
 *       Escribe «inactivos=K rss_inicial_kb=A rss_kb=B».
 *
 * Es C sobre libuv, con un búfer de lectura por cliente y análisis de líneas sin copias: el
 * objetivo es que el cuello de botella sea el servidor, no quien lo mide.
 * Sale con 1 si algo falla (conexión, límite de tiempo, entregas erróneas).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

#include "curso/bucle.h"

#define SIMULTANEAS_MAX 256 /* conexiones en curso a la vez (no saturar la cola de listen) */
#define CAP_LINEA       8192

typedef struct carga_s carga_t;

typedef enum { CONECTANDO, ESPERA_PREGUNTA, ESPERA_BIENVENIDA, LISTO, CERRADO } fase_t;

typedef struct {
    uv_tcp_t tcp;
    uv_connect_t conexion;
    carga_t *carga;
    int indice;
    fase_t fase;
    size_t usados;       /* bytes de una línea incompleta en `resto` */
    char *resto;         /* reservado solo cuando hace falta */
    unsigned *siguiente; /* por remitente: número del próximo mensaje esperado */
} cliente_t;

struct carga_s {
    uv_loop_t *bucle;
    uv_timer_t limite;
    uv_timer_t espera;
    struct sockaddr_in destino;
    cliente_t *clientes;
    int n;
    int mensajes;
    int tamano;
    int inactivos; /* 1: modo de clientes callados */
    long pid;
    long rss_inicial_kb;
    int lanzados;    /* conexiones empezadas */
    int en_vuelo;    /* conexiones empezadas sin respuesta */
    int registrados; /* con bienvenida (o con pregunta, en modo inactivos) */
    long long avisos_entrada;
    long long entregas;
    long long objetivo;
    long long errores;
    uint64_t inicio_ns;
    uint64_t fin_ns;
    int terminado;
    int fallo;
    char lectura[64 * 1024];
};

static void terminar(carga_t *c, int fallo);
static void lanzar_conexiones(carga_t *c);

static long leer_rss_kb(long pid)
{
    char ruta[64];
    char linea[256];
    long kb = -1;
    FILE *f;

    snprintf(ruta, sizeof ruta, "/proc/%ld/status", pid);
    f = fopen(ruta, "r");
    if (f == NULL) {
        return -1;
    }
    while (fgets(linea, sizeof linea, f) != NULL) {
        if (strncmp(linea, "VmRSS:", 6) == 0) {
            kb = strtol(linea + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

/* --- Envío -------------------------------------------------------------------------- */

typedef struct {
    uv_write_t req;
    size_t largo;
    char datos[];
} envio_t;

static void al_escribir(uv_write_t *req, int estado)
{
    envio_t *e = req->data;
    cliente_t *cl = req->handle->data;

    if (estado < 0 && estado != UV_ECANCELED && !cl->carga->terminado) {
        fprintf(stderr, "c%d: error al escribir: %s\n", cl->indice, uv_strerror(estado));
        terminar(cl->carga, 1);
    }
    free(e);
}

static void enviar(cliente_t *cl, const char *datos, size_t largo)
{
    envio_t *e = malloc(sizeof *e + largo);
    uv_buf_t buf;

    if (e == NULL) {
        terminar(cl->carga, 1);
        return;
    }
    memcpy(e->datos, datos, largo);
    e->largo = largo;
    e->req.data = e;
    buf = uv_buf_init(e->datos, (unsigned)largo);
    if (uv_write(&e->req, (uv_stream_t *)&cl->tcp, &buf, 1, al_escribir) < 0) {
        free(e);
        terminar(cl->carga, 1);
    }
}

/* Cada cliente manda sus M mensajes de golpe: «mJ xxxx…» con B bytes de texto en total. */
static void empezar_envios(carga_t *c)
{
    char *linea = malloc((size_t)c->tamano + 32);

    if (linea == NULL) {
        terminar(c, 1);
        return;
    }
    c->inicio_ns = uv_hrtime();
    for (int j = 0; j < c->mensajes; j++) {
        for (int i = 0; i < c->n; i++) {
            int n = snprintf(linea, (size_t)c->tamano + 32, "m%d ", j);
            while (n < c->tamano) {
                linea[n++] = 'x';
            }
            linea[n++] = '\n';
            enviar(&c->clientes[i], linea, (size_t)n);
        }
    }
    free(linea);
}

/* --- Recepción ---------------------------------------------------------------------- */

static int leer_entero(const char *p, const char *fin, const char **despues)
{
    long v = 0;
    const char *q = p;

    while (q < fin && *q >= '0' && *q <= '9' && v < 100000000) {
        v = v * 10 + (*q - '0');
        q++;
    }
    *despues = q;
    return q == p ? -1 : (int)v;
}

static void comprobar_inicio(carga_t *c)
{
    long long avisos = (long long)c->n * (c->n - 1) / 2;

    if (!c->inactivos && c->registrados == c->n && c->avisos_entrada == avisos &&
        c->inicio_ns == 0) {
        empezar_envios(c);
    }
}

static void procesar_linea(cliente_t *cl, const char *l, size_t largo)
{
    carga_t *c = cl->carga;
    static const char pregunta[] = "* ¿Cómo te llamas?";
    const char *fin = l + largo;

    if (cl->fase == ESPERA_PREGUNTA) {
        if (largo == sizeof pregunta - 1 && memcmp(l, pregunta, largo) == 0) {
            if (c->inactivos) {
                cl->fase = LISTO;
                c->registrados++;
                return;
            }
            char nombre[32];
            int n = snprintf(nombre, sizeof nombre, "c%d\n", cl->indice);
            cl->fase = ESPERA_BIENVENIDA;
            enviar(cl, nombre, (size_t)n);
        }
        return;
    }
    if (cl->fase == ESPERA_BIENVENIDA) {
        if (largo > 8 && memcmp(l, "* Hola, ", 8) == 0) {
            cl->fase = LISTO;
            c->registrados++;
            comprobar_inicio(c);
        } else if (largo > 0 && l[0] == '!') {
            fprintf(stderr, "c%d: el servidor rechazó el nombre: %.*s\n", cl->indice, (int)largo,
                    l);
            terminar(c, 1);
        }
        return;
    }
    if (largo > 2 && l[0] == '*' && l[1] == ' ') {
        static const char entra[] = " ha entrado en la sala";
        size_t le = sizeof entra - 1;
        if (largo > le && memcmp(fin - le, entra, le) == 0) {
            c->avisos_entrada++;
            comprobar_inicio(c);
        }
        return;
    }
    /* «cK: mJ xxx» */
    if (largo > 1 && l[0] == 'c') {
        const char *p;
        int k = leer_entero(l + 1, fin, &p);
        int j;
        if (k >= 0 && k < c->n && fin - p > 3 && p[0] == ':' && p[1] == ' ' && p[2] == 'm') {
            j = leer_entero(p + 3, fin, &p);
            if (k == cl->indice) {
                c->errores++; /* eco al remitente */
            } else if (j < 0 || (unsigned)j != cl->siguiente[k]) {
                c->errores++; /* duplicado, perdido o desordenado */
                if (j >= 0) {
                    cl->siguiente[k] = (unsigned)j + 1;
                }
            } else {
                cl->siguiente[k]++;
            }
            c->entregas++;
            if (c->entregas == c->objetivo) {
                c->fin_ns = uv_hrtime();
                terminar(c, 0);
            }
            return;
        }
    }
    c->errores++;
    if (c->errores <= 5) {
        fprintf(stderr, "c%d: línea inesperada: %.*s\n", cl->indice,
                (int)(largo > 120 ? 120 : largo), l);
    }
}

static void al_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    cliente_t *cl = h->data;
    (void)sugerido;
    *buf = uv_buf_init(cl->carga->lectura, sizeof cl->carga->lectura);
}

static void al_leer(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    cliente_t *cl = s->data;
    carga_t *c = cl->carga;
    const char *p = buf->base;
    const char *fin = buf->base + (n > 0 ? n : 0);

    if (n < 0) {
        if (!c->terminado) {
            fprintf(stderr, "c%d: el servidor cerró la conexión (%s)\n", cl->indice,
                    uv_err_name((int)n));
            terminar(c, 1);
        }
        return;
    }
    while (p < fin && !c->terminado) {
        const char *nl = memchr(p, '\n', (size_t)(fin - p));
        if (nl == NULL) {
            size_t trozo = (size_t)(fin - p);
            if (cl->resto == NULL) {
                cl->resto = malloc(CAP_LINEA);
            }
            if (cl->resto == NULL || cl->usados + trozo > CAP_LINEA) {
                fprintf(stderr, "c%d: línea demasiado larga\n", cl->indice);
                terminar(c, 1);
                return;
            }
            memcpy(cl->resto + cl->usados, p, trozo);
            cl->usados += trozo;
            return;
        }
        if (cl->usados > 0) {
            size_t trozo = (size_t)(nl - p);
            if (cl->usados + trozo > CAP_LINEA) {
                terminar(c, 1);
                return;
            }
            memcpy(cl->resto + cl->usados, p, trozo);
            procesar_linea(cl, cl->resto, cl->usados + trozo);
            cl->usados = 0;
        } else {
            procesar_linea(cl, p, (size_t)(nl - p));
        }
        p = nl + 1;
    }
}

/* --- Conexión ----------------------------------------------------------------------- */

static void al_conectar(uv_connect_t *req, int estado)
{
    cliente_t *cl = req->data;
    carga_t *c = cl->carga;

    c->en_vuelo--;
    if (c->terminado) {
        return;
    }
    if (estado < 0) {
        fprintf(stderr, "c%d: no conecta: %s\n", cl->indice, uv_strerror(estado));
        terminar(c, 1);
        return;
    }
    cl->fase = ESPERA_PREGUNTA;
    if (uv_read_start((uv_stream_t *)&cl->tcp, al_reservar, al_leer) < 0) {
        terminar(c, 1);
        return;
    }
    lanzar_conexiones(c);
}

static void lanzar_conexiones(carga_t *c)
{
    while (c->lanzados < c->n && c->en_vuelo < SIMULTANEAS_MAX && !c->terminado) {
        cliente_t *cl = &c->clientes[c->lanzados++];
        if (uv_tcp_init(c->bucle, &cl->tcp) < 0) {
            terminar(c, 1);
            return;
        }
        cl->tcp.data = cl;
        cl->conexion.data = cl;
        cl->fase = CONECTANDO;
        uv_tcp_nodelay(&cl->tcp, 1);
        if (uv_tcp_connect(&cl->conexion, &cl->tcp, (const struct sockaddr *)&c->destino,
                           al_conectar) < 0) {
            uv_close((uv_handle_t *)&cl->tcp, NULL);
            cl->fase = CERRADO;
            terminar(c, 1);
            return;
        }
        c->en_vuelo++;
    }
}

/* --- Final -------------------------------------------------------------------------- */

static void al_medir_rss(uv_timer_t *t)
{
    carga_t *c = t->data;
    long kb = leer_rss_kb(c->pid);

    printf("inactivos=%d rss_inicial_kb=%ld rss_kb=%ld\n", c->n, c->rss_inicial_kb, kb);
    terminar(c, kb < 0);
}

static void comprobar_inactivos(uv_timer_t *t)
{
    carga_t *c = t->data;

    if (c->registrados == c->n) {
        /* Todos dentro: un segundo de calma y se mide. */
        uv_timer_stop(t);
        uv_timer_start(t, al_medir_rss, 1000, 0);
    }
}

static void al_vencer(uv_timer_t *t)
{
    carga_t *c = t->data;

    fprintf(stderr, "límite de tiempo: %d/%d registrados, %lld/%lld entregas\n", c->registrados,
            c->n, c->entregas, c->objetivo);
    terminar(c, 1);
}

static void cerrar_todo(uv_handle_t *h, void *arg)
{
    carga_t *c = arg;

    if (uv_is_closing(h)) {
        return;
    }
    /* Con RST no quedan 10 000 puertos en TIME_WAIT para la siguiente medida. */
    if (h->type == UV_TCP && c->inactivos && uv_tcp_close_reset((uv_tcp_t *)h, NULL) == 0) {
        return;
    }
    uv_close(h, NULL);
}

static void terminar(carga_t *c, int fallo)
{
    if (c->terminado) {
        return;
    }
    c->terminado = 1;
    c->fallo = fallo;
    uv_walk(c->bucle, cerrar_todo, c);
}

static int leer_opcion(const char *texto, long minimo, long maximo, long *v)
{
    char *fin;
    errno = 0;
    *v = strtol(texto, &fin, 10);
    return (errno != 0 || fin == texto || *fin != '\0' || *v < minimo || *v > maximo) ? -1 : 0;
}

static void subir_limite_descriptores(void)
{
    struct rlimit l;

    if (getrlimit(RLIMIT_NOFILE, &l) == 0 && l.rlim_cur < l.rlim_max) {
        l.rlim_cur = l.rlim_max;
        setrlimit(RLIMIT_NOFILE, &l);
    }
}

int main(int argc, char **argv)
{
    static carga_t c;
    uv_loop_t bucle;
    long puerto = -1, clientes = 0, mensajes = 10, tamano = 32, limite = 300, inactivos = 0;
    long pid = 0;
    int r;

    for (int i = 1; i + 1 < argc; i += 2) {
        long *destino = NULL;
        long minimo = 1, maximo = 1000000;
        if (strcmp(argv[i], "--puerto") == 0) {
            destino = &puerto;
            maximo = 65535;
        } else if (strcmp(argv[i], "--clientes") == 0) {
            destino = &clientes;
            maximo = 20000;
        } else if (strcmp(argv[i], "--mensajes") == 0) {
            destino = &mensajes;
        } else if (strcmp(argv[i], "--tamano") == 0) {
            destino = &tamano;
            maximo = 4000;
        } else if (strcmp(argv[i], "--limite") == 0) {
            destino = &limite;
        } else if (strcmp(argv[i], "--inactivos") == 0) {
            destino = &inactivos;
            maximo = 20000;
        } else if (strcmp(argv[i], "--pid") == 0) {
            destino = &pid;
            maximo = 1L << 30;
        }
        if (destino == NULL || leer_opcion(argv[i + 1], minimo, maximo, destino) < 0) {
            destino = NULL;
            puerto = -1;
            break;
        }
    }
    if (puerto < 0 || (clientes < 2 && inactivos == 0) || (inactivos > 0 && pid == 0)) {
        fprintf(stderr,
                "uso: %s --puerto P --clientes N [--mensajes M] [--tamano B] [--limite S]\n"
                "     %s --puerto P --inactivos K --pid PID_DEL_SERVIDOR\n",
                argv[0], argv[0]);
        return 2;
    }
    subir_limite_descriptores();

    uv_loop_init(&bucle);
    c.bucle = &bucle;
    c.inactivos = inactivos > 0;
    c.n = (int)(c.inactivos ? inactivos : clientes);
    c.mensajes = (int)mensajes;
    c.tamano = (int)tamano;
    c.pid = pid;
    c.objetivo = (long long)c.n * (c.n - 1) * c.mensajes;
    uv_ip4_addr("127.0.0.1", (int)puerto, &c.destino);
    c.clientes = calloc((size_t)c.n, sizeof *c.clientes);
    if (c.clientes == NULL) {
        return 1;
    }
    for (int i = 0; i < c.n; i++) {
        c.clientes[i].carga = &c;
        c.clientes[i].indice = i;
        c.clientes[i].fase = CERRADO;
        if (!c.inactivos) {
            c.clientes[i].siguiente = calloc((size_t)c.n, sizeof(unsigned));
            if (c.clientes[i].siguiente == NULL) {
                return 1;
            }
        }
    }
    if (c.inactivos) {
        c.rss_inicial_kb = leer_rss_kb(pid);
        if (c.rss_inicial_kb < 0) {
            fprintf(stderr, "no puedo leer /proc/%ld/status\n", pid);
            return 1;
        }
    }

    uv_timer_init(&bucle, &c.limite);
    c.limite.data = &c;
    uv_timer_start(&c.limite, al_vencer, (uint64_t)limite * 1000, 0);
    if (c.inactivos) {
        uv_timer_init(&bucle, &c.espera);
        c.espera.data = &c;
        uv_timer_start(&c.espera, comprobar_inactivos, 50, 50);
    }
    lanzar_conexiones(&c);
    r = bucle_terminar(&bucle);

    if (!c.inactivos && !c.fallo) {
        double s = (double)(c.fin_ns - c.inicio_ns) / 1e9;
        printf("entregas=%lld segundos=%.3f por_segundo=%.0f errores=%lld\n", c.entregas, s,
               s > 0 ? (double)c.entregas / s : 0.0, c.errores);
    }
    for (int i = 0; i < c.n; i++) {
        free(c.clientes[i].siguiente);
        free(c.clientes[i].resto);
    }
    free(c.clientes);
    return (r != 0 || c.fallo || c.errores > 0) ? 1 : 0;
}
