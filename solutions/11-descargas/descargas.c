//@ partida: /* descargas.c — Laboratorio 11: gestor de descargas con progreso en vivo (programa de partida).
//@ solucion {
/* descargas.c — Laboratorio 11: gestor de descargas con progreso en vivo (solución de
 * referencia).
//@ }
 *
 *   descargas [-c N] [-d DIR] [-t MS] [-r N] [--continuar] DESCARGA...
 *
//@ partida:  * Lo que ya está hecho (y probado: es el de la solución de referencia), porque no es lo que
//@ partida:  * este laboratorio enseña:
//@ partida:  *   - leer y validar las opciones y las descargas, con sus mensajes y el código 2
//@ partida:  *     (leer_numero, url_valida, leer_descarga);
//@ partida:  *   - el nombre seguro y sin repetir de cada archivo, y sus rutas DIR/NOMBRE y
//@ partida:  *     DIR/NOMBRE.parte (nombre_seguro, con_sufijo, desduplicar);
//@ partida:  *   - el formato de la salida: la velocidad de los últimos 2 s (anotar_muestra, velocidad),
//@ partida:  *     las líneas PROGRESO, el repintado en la terminal con ESC[nA (linea_terminal, pintar) y
//@ partida:  *     el resumen OK/ERROR (imprimir_resumen);
//@ partida:  *   - crear y cerrar el bucle, el cliente HTTP, las señales y los temporizadores, y el
//@ partida:  *     código de salida (main, comprobar_fin);
//@ partida:  *   - abrir el .parte (empezar, al_abrir) y renombrarlo (renombrar, al_renombrar): operaciones
//@ partida:  *     de archivo sueltas, como las de la lección 7. Cuándo se renombra es tuyo.
//@ solucion {
 * Cada cuerpo llega por trozos (al_recibir) y se escribe en DIR/NOMBRE.parte con uv_fs_write,
 * en orden y con una sola escritura en curso; si se acumula más de 1 MiB sin escribir, la
 * transferencia se pausa (http_pausar) hasta que el disco se pone al día. Solo cuando está
 * completa y comprobada (longitud y Repr-Digest) se renombra a DIR/NOMBRE. El progreso va de
 * las callbacks de la transferencia a una cola, y un temporizador de 500 ms la vacía y pinta.
//@ }
 *
//@ partida:  * Lo que falta es el núcleo asíncrono, marcado con TODO: pedir con http_pedir y escribir cada
//@ partida:  * trozo en orden con uv_fs_write (una escritura en curso, con contrapresión), el tope de -c,
//@ partida:  * la cola de progreso, comprobar y renombrar a tiempo, -t, reintentos, --continuar con Range,
//@ partida:  * Ctrl+C y cerrar cada archivo. El enunciado
//@ partida:  * (labs/11-descargas/README.md) dice qué hace cada cosa y el orden de los hitos.
//@ solucion {
 * El formato de cada línea está en labs/11-descargas/README.md.
//@ }
 */
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/huella.h"
#include "curso/practica.h"
#include "curso/senales.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define SIMULTANEAS_OMISION 3
#define ESTANCADA_OMISION_MS 10000
#define TIC_MS 500
#define VENTANA_MS 2000              /* la velocidad se mide sobre los últimos 2 s */
#define PAUSAR_DESDE (1024 * 1024)   /* más de 1 MiB sin escribir: pausa */
#define REANUDAR_HASTA (256 * 1024)  /* y se reanuda al bajar de 256 KiB */
#define ESPERA_BASE_MS 200           /* primer reintento: 200–300 ms; luego el doble */
#define MAX_BUFS 64                  /* trozos por escritura (uv_fs_write con varios búferes) */
#define TAM_LECTURA (256 * 1024)     /* lectura para comprobar la huella */
#define CAP_COLA 1024                /* eventos de progreso pendientes */
#define MUESTRAS 8                   /* (instante, bytes) de los últimos tics */

typedef struct gestor_s gestor_t;

typedef enum { ESPERANDO, ACTIVA, TERMINADA } fase_t;

//@ partida: /* TODO: un trozo recibido que aún no está en el disco (la cola de escritura de cada descarga). */
//@ solucion {
/* Un trozo recibido que aún no está en el disco. */
typedef struct bloque_s {
    struct bloque_s *sig;
    size_t n;
    size_t hecho; /* bytes ya escritos de este trozo (escritura parcial) */
    char datos[];
} bloque_t;
//@ }

typedef struct {
    gestor_t *g;
    size_t indice;
    char *url;
    char *nombre;
    char *ruta;       /* DIR/NOMBRE */
    char *ruta_parte; /* DIR/NOMBRE.parte */
    fase_t fase;
    int ok;
    char motivo[160];

    uv_file fd;
    uv_fs_t op;          /* la operación de archivo en curso (una a la vez) */
    int op_en_vuelo;
    uv_timer_t vigia;    /* sin datos durante -t ms: estancada */
    uv_timer_t espera;   /* espera antes de un reintento */
    //@ partida:     uint64_t en_disco;   /* bytes escritos de verdad: el tamaño del archivo */
    //@ solucion {
    int timers_abiertos;
    //@ }

    //@ partida:     /* TODO: la cola de escritura (primero, último, bytes pendientes, posición), la petición en
    //@ partida:      * curso y su estado (pausada, estado HTTP, total, Repr-Digest, intentos…) y lo que haga falta
    //@ partida:      * para comprobar la huella. Para el hito A bastan la cola, la petición en curso, si la
    //@ partida:      * transferencia ya acabó y, si falló, su motivo; lo demás llega con su hito. */
    //@ solucion {
    /* Escritura en orden. */
    bloque_t *primero, *ultimo;
    uint64_t pendiente;  /* bytes en la cola, sin escribir */
    uint64_t en_disco;   /* bytes escritos de verdad: la posición de la próxima escritura */
    uint64_t posicion;   /* posición del próximo byte que llegue (en_disco + pendiente) */
    int truncar;         /* vaciar el .parte antes de la próxima escritura */
    uv_buf_t bufs[MAX_BUFS];
    //@ }

    //@ partida:     /* Progreso (lo que ya pintó el temporizador; lo usan velocidad, pintar e imprimir_resumen). */
    //@ solucion {
    /* La transferencia en curso. */
    http_peticion_t *peticion;
    int pausada;
    int decidido;        /* ya se miró el estado y las cabeceras */
    int descartar;       /* respuesta de error: su cuerpo no va al archivo */
    int reiniciar;       /* 416 o Content-Range que no casa: empezar de cero */
    int reiniciada;      /* ya se empezó de cero una vez */
    int estancada;
    int transferencia_hecha;
    int error;
    long estado;
    char huella[64];     /* base64 de Repr-Digest, "" si no vino */
    int64_t total;       /* tamaño del archivo entero, -1 si no se sabe */
    uint64_t desde;      /* dónde empezó el cuerpo de esta respuesta */
    unsigned intentos;

    /* Comprobación de la huella. */
    huella_t calculo;
    char *lectura;
    uint64_t leido;

    /* Progreso (lo que ya pintó el temporizador). */
    //@ }
    uint64_t mostrado;
    int64_t mostrado_total;
    uint64_t muestras_t[MUESTRAS], muestras_b[MUESTRAS];
    unsigned n_muestras;
    //@ partida:     uint64_t recibidos_sesion; /* bytes de cuerpo recibidos en esta ejecución (los sumas tú
    //@ partida:                                 * en al_recibir: el resumen calcula con ellos los KiB/s) */
    //@ solucion {
    uint64_t recibidos_sesion; /* bytes de cuerpo recibidos en esta ejecución */
    //@ }
    uint64_t inicio_ms, fin_ms;
} descarga_t;

//@ partida: /* TODO: un evento de progreso (descarga, bytes, total), lo que encola al_progresar. */
//@ solucion {
typedef struct {
    descarga_t *d;
    uint64_t bytes;
    int64_t total;
} evento_t;
//@ }

struct gestor_s {
    uv_loop_t bucle;
    http_cliente_t *cliente;
    senales_t senales;
    uv_timer_t reloj;
    descarga_t *d;
    size_t n;
    size_t siguiente;
    unsigned activas;
    unsigned maximo;
    uint64_t estancada_ms;
    unsigned reintentos;
    int continuar;
    const char *dir;
    int terminal;
    int parando;
    int cerrado;
    unsigned lineas;
    //@ partida:     /* TODO: la cola de eventos de progreso (CAP_COLA como mucho). */
    //@ solucion {
    evento_t cola[CAP_COLA];
    size_t cola_inicio, cola_largo;
    //@ }
};

//@ solucion {
static void empezar(descarga_t *d);
static void pedir(descarga_t *d);
static void avanzar_escritura(descarga_t *d);
static void quizas_terminar(descarga_t *d);
//@ }
static void comprobar_fin(gestor_t *g);

/* ---- Argumentos -------------------------------------------------------------------------- */

//@ partida: /* La ayuda, a stderr: con -h (código 0) y con una opción que no existe (código 2). */
static void uso(void)
{
    fprintf(stderr,
            "uso: descargas [-c N] [-d DIR] [-t MS] [-r N] [--continuar] DESCARGA...\n"
            "  DESCARGA      URL (http://, https:// o /ruta del servidor de práctica) o NOMBRE=URL\n"
            "  -c N          descargas a la vez (1 a 64; por omisión %d)\n"
            "  -d DIR        carpeta de destino (por omisión, la actual)\n"
            "  -t MS         sin datos durante MS milisegundos: falla (100 a 3600000; %d)\n"
            "  -r N          reintentos de un fallo pasajero (0 a 10; por omisión 0)\n"
            "  --continuar   reanuda los .parte que ya existan\n",
            SIMULTANEAS_OMISION, ESTANCADA_OMISION_MS);
}

//@ partida: /* Un entero de `texto` entre min y max (solo dígitos: ni signo, ni espacios, ni basura
//@ partida:  * detrás). Si no vale, lo dice en stderr citando el valor y devuelve -1. */
static int leer_numero(const char *texto, const char *que, uint64_t min, uint64_t max,
                       uint64_t *v)
{
    char *fin = NULL;
    errno = 0;
    unsigned long long x = strtoull(texto, &fin, 10);
    if (texto[0] < '0' || texto[0] > '9' || errno != 0 || fin == texto || *fin != '\0' ||
        x < min || x > max) {
        fprintf(stderr, "descargas: %s «%s» no vale: tiene que ser un entero entre %" PRIu64
                        " y %" PRIu64 "\n",
                que, texto, min, max);
        return -1;
    }
    *v = x;
    return 0;
}

//@ partida: /* Las reglas de «Uso»: http:// o https:// seguido de algo que no sea «/», o una ruta del
//@ partida:  * servidor de práctica que empieza por «/»; sin espacios. */
static int url_valida(const char *u)
{
    if (strchr(u, ' ') != NULL || strchr(u, '\t') != NULL || u[0] == '\0')
        return 0;
    if (u[0] == '/')
        return 1;
    if (strncmp(u, "http://", 7) == 0)
        return u[7] != '\0' && u[7] != '/';
    if (strncmp(u, "https://", 8) == 0)
        return u[8] != '\0' && u[8] != '/';
    return 0;
}

//@ partida: /* Copia los n primeros bytes de s en memoria nueva, terminada en '\0' (la libera quien la
//@ partida:  * pide). NULL sin memoria. */
static char *duplicar(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c != NULL) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* El último segmento de `texto` (hasta `n` bytes); «.», «..» o vacío → «descarga». */
static char *nombre_seguro(const char *texto, size_t n)
{
    const char *inicio = texto;
    for (size_t i = 0; i < n; i++) {
        if (texto[i] == '/')
            inicio = texto + i + 1;
    }
    size_t largo = (size_t)(texto + n - inicio);
    if (largo == 0 || (largo == 1 && inicio[0] == '.') ||
        (largo == 2 && inicio[0] == '.' && inicio[1] == '.'))
        return duplicar("descarga", 8);
    return duplicar(inicio, largo);
}

/* «datos.bin» y 2 → «datos-2.bin»; sin extensión, «datos-2». */
static char *con_sufijo(const char *nombre, unsigned k)
{
    const char *punto = strrchr(nombre, '.');
    if (punto == nombre)
        punto = NULL; /* «.oculto» no tiene extensión */
    size_t base = punto != NULL ? (size_t)(punto - nombre) : strlen(nombre);
    size_t n = strlen(nombre) + 16;
    char *s = malloc(n);
    if (s != NULL)
        snprintf(s, n, "%.*s-%u%s", (int)base, nombre, k, punto != NULL ? punto : "");
    return s;
}

//@ partida: /* a, b y c seguidos, en memoria nueva (la libera quien la pide). NULL sin memoria. */
static char *unir(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s != NULL)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* Rellena url y nombre de una descarga a partir de su argumento. -1 si no vale. */
static int leer_descarga(descarga_t *d, const char *arg)
{
    const char *url = arg;
    const char *nombre = NULL;
    size_t largo_nombre = 0;
    int es_url = arg[0] == '/' || strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0;
    const char *igual = strchr(arg, '=');
    if (!es_url && igual != NULL) {
        nombre = arg;
        largo_nombre = (size_t)(igual - arg);
        url = igual + 1;
    }
    if (!url_valida(url)) {
        fprintf(stderr, "descargas: «%s» no es una URL válida (http://…, https://… o /ruta)\n",
                url);
        return -1;
    }
    if (url[0] == '/')
        d->url = unir(practica_url(), url, "");
    else
        d->url = duplicar(url, strlen(url));
    if (nombre == NULL) {
        /* El último segmento de la ruta, sin consulta ni fragmento. */
        size_t n = strcspn(url, "?#");
        const char *ruta = url;
        if (url[0] != '/') {
            const char *tras = strstr(url, "://") + 3;
            const char *barra = strchr(tras, '/');
            ruta = barra != NULL && barra < url + n ? barra : url + n;
        }
        nombre = ruta;
        largo_nombre = (size_t)(url + n - ruta);
    }
    d->nombre = nombre_seguro(nombre, largo_nombre);
    return d->url != NULL && d->nombre != NULL ? 0 : -1;
}

/* Nombres repetidos: el segundo «datos.bin» es «datos-1.bin», el tercero «datos-2.bin». */
static int desduplicar(gestor_t *g)
{
    for (size_t i = 1; i < g->n; i++) {
        for (unsigned k = 1;; k++) {
            int repetido = 0;
            for (size_t j = 0; j < i && !repetido; j++)
                repetido = strcmp(g->d[j].nombre, g->d[i].nombre) == 0;
            if (!repetido)
                break;
            char *otro = con_sufijo(g->d[i].nombre, k);
            if (otro == NULL)
                return -1;
            /* Se prueba cada sufijo sobre el nombre original. */
            char *original = g->d[i].nombre;
            g->d[i].nombre = otro;
            int libre = 1;
            for (size_t j = 0; j < i && libre; j++)
                libre = strcmp(g->d[j].nombre, otro) != 0;
            if (libre) {
                free(original);
                break;
            }
            g->d[i].nombre = original;
            free(otro);
        }
    }
    return 0;
}

/* ---- Pantalla ---------------------------------------------------------------------------- */

//@ partida: /* La hora del bucle en ms (uv_now): la de los tiempos de inicio y fin y las muestras. */
static uint64_t ahora_ms(gestor_t *g)
{
    return uv_now(&g->bucle);
}

/* KiB/s sobre los últimos VENTANA_MS (o desde el principio si aún no hay tanto). */
static double velocidad(const descarga_t *d, uint64_t t)
{
    if (d->n_muestras == 0)
        return 0.0;
    unsigned elegida = 0;
    for (unsigned i = 0; i < d->n_muestras; i++) {
        if (t - d->muestras_t[i] <= VENTANA_MS) {
            elegida = i;
            break;
        }
    }
    uint64_t t0 = d->muestras_t[elegida], b0 = d->muestras_b[elegida];
    if (t <= t0 || d->mostrado < b0)
        return 0.0;
    return (double)(d->mostrado - b0) / 1024.0 / ((double)(t - t0) / 1000.0);
}

//@ partida: /* Guarda (t, d->mostrado) entre las últimas MUESTRAS: pintar la llama en cada tic para las
//@ partida:  * activas. Anota también una con 0 bytes (o lo que ya había en el .parte) al hacer la primera
//@ partida:  * petición, para que la velocidad cuente desde entonces. */
static void anotar_muestra(descarga_t *d, uint64_t t)
{
    if (d->n_muestras == MUESTRAS) {
        memmove(d->muestras_t, d->muestras_t + 1, (MUESTRAS - 1) * sizeof d->muestras_t[0]);
        memmove(d->muestras_b, d->muestras_b + 1, (MUESTRAS - 1) * sizeof d->muestras_b[0]);
        d->n_muestras--;
    }
    d->muestras_t[d->n_muestras] = t;
    d->muestras_b[d->n_muestras] = d->mostrado;
    d->n_muestras++;
}

//@ partida: /* Una línea de la terminal: nombre, barra de 20, porcentaje (o bytes si no se sabe el
//@ partida:  * total), velocidad y tiempo restante, «hecho» o «ERROR». Empieza borrando la línea
//@ partida:  * ("\r\033[K") y acaba en \n: pintar sube el cursor antes de repintarlas todas. */
static void linea_terminal(const descarga_t *d, double kbs)
{
    char barra[21];
    int lleno = 0;
    char porcentaje[16];
    if (d->mostrado_total > 0) {
        uint64_t p = d->mostrado * 100 / (uint64_t)d->mostrado_total;
        lleno = (int)(p / 5);
        snprintf(porcentaje, sizeof porcentaje, "%3" PRIu64 "%%", p);
    } else if (d->mostrado_total == 0 && d->fase == TERMINADA && d->ok) {
        lleno = 20;
        snprintf(porcentaje, sizeof porcentaje, "100%%");
    } else {
        snprintf(porcentaje, sizeof porcentaje, "%" PRIu64 " B", d->mostrado);
    }
    for (int i = 0; i < 20; i++)
        barra[i] = i < lleno ? '#' : '-';
    barra[20] = '\0';
    char eta[32] = "";
    if (d->fase == ACTIVA && d->mostrado_total > 0 && kbs > 0.1) {
        double s = (double)((uint64_t)d->mostrado_total - d->mostrado) / 1024.0 / kbs;
        snprintf(eta, sizeof eta, "  quedan %.0f s", s);
    } else if (d->fase == TERMINADA) {
        snprintf(eta, sizeof eta, "  %s", d->ok ? "hecho" : "ERROR");
    }
    printf("\r\033[K%-24.24s [%s] %s  %8.1f KiB/s%s\n", d->nombre, barra, porcentaje, kbs, eta);
}

/* Vacía la cola de progreso y pinta: en una terminal, una línea por descarga empezada,
//@ solucion {
 * reescritas en su sitio; si no, una línea PROGRESO por descarga activa. */
//@ }
//@ partida:  * reescritas en su sitio; si no, una línea PROGRESO por descarga activa. Con final = 1 (lo
//@ partida:  * llama comprobar_fin), el último repintado antes del resumen.
//@ partida:  *
//@ partida:  * Lo que pinta sale de cada descarga: d->fase (ESPERANDO no se pinta; ACTIVA desde que ocupa
//@ partida:  * su hueco hasta que termina, también mientras espera un reintento), d->mostrado y
//@ partida:  * d->mostrado_total (bytes del archivo que ya se tienen y su total, -1 si no se sabe: los
//@ partida:  * deja aquí la cola) y d->ok. Mantenerlos al día es tuyo. */
static void pintar(gestor_t *g, int final)
{
    uint64_t t = ahora_ms(g);
    //@ partida:     /* TODO: vaciar la cola de progreso: cada evento deja sus bytes y su total en
    //@ partida:      * d->mostrado y d->mostrado_total. */
    //@ solucion {
    while (g->cola_largo > 0) {
        evento_t *e = &g->cola[g->cola_inicio];
        e->d->mostrado = e->bytes;
        e->d->mostrado_total = e->total;
        g->cola_inicio = (g->cola_inicio + 1) % CAP_COLA;
        g->cola_largo--;
    }
    //@ }
    if (g->terminal && g->lineas > 0)
        printf("\033[%uA", g->lineas);
    unsigned lineas = 0;
    for (size_t i = 0; i < g->n; i++) {
        descarga_t *d = &g->d[i];
        if (d->fase == ESPERANDO)
            continue;
        if (d->fase == ACTIVA)
            anotar_muestra(d, t);
        double kbs = velocidad(d, t);
        if (g->terminal) {
            linea_terminal(d, kbs);
            lineas++;
        } else if (d->fase == ACTIVA && !final) {
            if (d->mostrado_total > 0)
                printf("PROGRESO %s %" PRIu64 " %" PRIu64 " %.1f\n", d->nombre,
                       d->mostrado * 100 / (uint64_t)d->mostrado_total, d->mostrado, kbs);
            else
                printf("PROGRESO %s - %" PRIu64 " %.1f\n", d->nombre, d->mostrado, kbs);
        }
    }
    g->lineas = lineas;
    fflush(stdout);
}

static void tic(uv_timer_t *t)
{
    pintar(t->data, 0);
}

//@ partida: /* TODO: encolar un evento de progreso (el productor: lo llama al_progresar). */
//@ solucion {
/* Productor: las callbacks de la transferencia solo dejan un evento en la cola. Si la cola
 * está llena se pierde el más viejo: cada evento trae la cuenta acumulada, así que el último
 * basta. */
static void encolar_progreso(descarga_t *d, uint64_t bytes, int64_t total)
{
    gestor_t *g = d->g;
    if (g->cola_largo == CAP_COLA) {
        g->cola_inicio = (g->cola_inicio + 1) % CAP_COLA;
        g->cola_largo--;
    }
    evento_t *e = &g->cola[(g->cola_inicio + g->cola_largo) % CAP_COLA];
    e->d = d;
    e->bytes = bytes;
    e->total = total;
    g->cola_largo++;
}
//@ }

//@ partida: /* ---- El núcleo asíncrono (TODO) ---------------------------------------------------------- */
//@ solucion {
/* ---- Fin de una descarga ----------------------------------------------------------------- */

static void liberar_bloques(descarga_t *d)
{
    while (d->primero != NULL) {
        bloque_t *b = d->primero;
        d->primero = b->sig;
        free(b);
    }
    d->ultimo = NULL;
    d->pendiente = 0;
}

static void al_cerrar_archivo(uv_fs_t *req)
{
    descarga_t *d = req->data;
    uv_fs_req_cleanup(req);
    d->op_en_vuelo = 0;
    d->fd = -1;
    d->fase = TERMINADA;
    d->fin_ms = ahora_ms(d->g);
    d->g->activas--;
    comprobar_fin(d->g);
}
//@ }

//@ partida: /* TODO: cuando la descarga termina (bien o mal), parar sus temporizadores, liberar su cola de
//@ partida:  * escritura y cerrar su archivo con uv_fs_close; lo de abajo va en la callback del cierre. */
static void terminar(descarga_t *d, int ok, const char *motivo)
{
    d->ok = ok;
    if (!ok)
        snprintf(d->motivo, sizeof d->motivo, "%s", motivo);
    //@ partida:     d->fase = TERMINADA;
    //@ partida:     d->fin_ms = ahora_ms(d->g);
    //@ partida:     d->g->activas--;
    //@ partida:     comprobar_fin(d->g);
    //@ solucion {
    uv_timer_stop(&d->vigia);
    uv_timer_stop(&d->espera);
    liberar_bloques(d);
    free(d->lectura);
    d->lectura = NULL;
    if (ok)
        encolar_progreso(d, d->en_disco, (int64_t)d->en_disco);
    if (d->fd < 0) {
        d->fase = TERMINADA;
        d->fin_ms = ahora_ms(d->g);
        d->g->activas--;
        comprobar_fin(d->g);
        return;
    }
    d->op.data = d;
    d->op_en_vuelo = 1;
    if (uv_fs_close(&d->g->bucle, &d->op, d->fd, al_cerrar_archivo) < 0) {
        d->op_en_vuelo = 0;
        d->fd = -1;
        d->fase = TERMINADA;
        d->g->activas--;
        comprobar_fin(d->g);
    }
    //@ }
}

static void al_renombrar(uv_fs_t *req)
{
    descarga_t *d = req->data;
    int r = (int)req->result;
    uv_fs_req_cleanup(req);
    d->op_en_vuelo = 0;
    if (r < 0) {
        char m[160];
        snprintf(m, sizeof m, "no se pudo renombrar el .parte: %s", error_texto(r));
        terminar(d, 0, m);
        return;
    }
    terminar(d, 1, "");
}

//@ partida: /* El «commit»: solo un archivo completo y comprobado pasa a tener su nombre final. Dada (es
//@ partida:  * una operación de archivo como las de la lección 7): lo tuyo es llamarla en el momento justo,
//@ partida:  * con todo escrito y comprobado. Quita el atributo de abajo cuando la llames. */
//@ partida: __attribute__((unused))
//@ solucion {
/* El «commit»: solo un archivo completo y comprobado pasa a tener su nombre final. */
//@ }
static void renombrar(descarga_t *d)
{
    d->op.data = d;
    d->op_en_vuelo = 1;
    int r = uv_fs_rename(&d->g->bucle, &d->op, d->ruta_parte, d->ruta, al_renombrar);
    if (r < 0) {
        d->op_en_vuelo = 0;
        terminar(d, 0, "no se pudo renombrar el .parte");
    }
}

//@ solucion {
static void leer_para_huella(descarga_t *d);

static void al_leer(uv_fs_t *req)
{
    descarga_t *d = req->data;
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    d->op_en_vuelo = 0;
    if (r < 0) {
        terminar(d, 0, "no se pudo leer el .parte para comprobarlo");
        return;
    }
    if (r > 0) {
        huella_anadir(&d->calculo, d->lectura, (size_t)r);
        d->leido += (uint64_t)r;
        leer_para_huella(d);
        return;
    }
    unsigned char resumen[HUELLA_BYTES];
    char base64[HUELLA_BASE64];
    huella_terminar(&d->calculo, resumen);
    huella_base64(resumen, base64);
    if (strcmp(base64, d->huella) != 0) {
        terminar(d, 0, "la huella SHA-256 no coincide con Repr-Digest");
        return;
    }
    renombrar(d);
}

static void leer_para_huella(descarga_t *d)
{
    uv_buf_t buf = uv_buf_init(d->lectura, TAM_LECTURA);
    d->op.data = d;
    d->op_en_vuelo = 1;
    if (uv_fs_read(&d->g->bucle, &d->op, d->fd, &buf, 1, (int64_t)d->leido, al_leer) < 0) {
        d->op_en_vuelo = 0;
        terminar(d, 0, "no se pudo leer el .parte para comprobarlo");
    }
}

/* Lo recibido ya está entero en el disco: comprobar y dar por buena, o reintentar. */
static void comprobar(descarga_t *d)
{
    if (d->total >= 0 && d->en_disco != (uint64_t)d->total) {
        char m[160];
        snprintf(m, sizeof m, "el archivo tiene %" PRIu64 " bytes y el servidor anunció %" PRId64,
                 d->en_disco, d->total);
        terminar(d, 0, m);
        return;
    }
    if (d->huella[0] == '\0') {
        renombrar(d);
        return;
    }
    d->lectura = malloc(TAM_LECTURA);
    if (d->lectura == NULL) {
        terminar(d, 0, "sin memoria");
        return;
    }
    huella_iniciar(&d->calculo);
    d->leido = 0;
    leer_para_huella(d);
}

static void al_esperar(uv_timer_t *t)
{
    descarga_t *d = t->data;
    pedir(d);
}

static int pasajero(const descarga_t *d)
{
    return d->estancada || d->error == HTTP_E_CORTADA || d->error == HTTP_E_TIEMPO ||
           (d->error == 0 && d->estado >= 500);
}

/* Reintento n (1, 2…): ESPERA_BASE_MS·2^(n-1), más hasta la mitad de eso al azar (jitter:
 * que cien clientes cortados a la vez no vuelvan todos en el mismo milisegundo). */
static uint64_t espera_reintento(unsigned n)
{
    uint64_t base = (uint64_t)ESPERA_BASE_MS << (n - 1);
    unsigned azar = 0;
    uv_random(NULL, NULL, &azar, sizeof azar, 0, NULL);
    return base + azar % (base / 2 + 1);
}

/* La transferencia terminó y la cola de escritura está vacía: decidir qué sigue. */
static void quizas_terminar(descarga_t *d)
{
    if (!d->transferencia_hecha || d->op_en_vuelo || d->primero != NULL || d->fase != ACTIVA ||
        d->peticion != NULL)
        return;
    if (d->truncar) {
        avanzar_escritura(d); /* el vaciado pendiente va antes que nada */
        return;
    }
    d->transferencia_hecha = 0;
    if (d->g->parando) {
        terminar(d, 0, "interrumpida");
        return;
    }
    if (d->motivo[0] != '\0') {
        terminar(d, 0, d->motivo); /* fallo de escritura */
        return;
    }
    if (d->reiniciar && !d->reiniciada) {
        /* 416 o un 206 que no continúa lo que tenemos: de cero, limpio, una vez. */
        d->reiniciada = 1;
        d->reiniciar = 0;
        d->truncar = 1;
        d->en_disco = d->posicion = 0;
        avanzar_escritura(d);
        return;
    }
    if (d->reiniciar) {
        terminar(d, 0, "el servidor no continúa donde se quedó el .parte");
        return;
    }
    if (!d->estancada && d->error == 0 && (d->estado == 200 || d->estado == 206)) {
        comprobar(d);
        return;
    }
    if (pasajero(d) && d->intentos < d->g->reintentos) {
        d->intentos++;
        uv_timer_start(&d->espera, al_esperar, espera_reintento(d->intentos), 0);
        return;
    }
    char m[160];
    if (d->estancada)
        snprintf(m, sizeof m, "sin datos durante %" PRIu64 " ms", d->g->estancada_ms);
    else if (d->error != 0)
        snprintf(m, sizeof m, "%s", http_error_texto(d->error));
    else
        snprintf(m, sizeof m, "estado HTTP %ld", d->estado);
    terminar(d, 0, m);
}

/* ---- Escritura en orden ------------------------------------------------------------------ */

static void al_escribir(uv_fs_t *req)
{
    descarga_t *d = req->data;
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    d->op_en_vuelo = 0;
    if (r < 0) {
        snprintf(d->motivo, sizeof d->motivo, "no se pudo escribir: %s", error_texto((int)r));
        if (d->peticion != NULL)
            http_cancelar(d->peticion);
        liberar_bloques(d);
        quizas_terminar(d);
        return;
    }
    /* Puede escribirse menos de lo pedido: se avanza lo escrito y el resto sigue en cola. */
    uint64_t escrito = (uint64_t)r;
    d->en_disco += escrito;
    d->pendiente -= escrito;
    while (escrito > 0 && d->primero != NULL) {
        bloque_t *b = d->primero;
        size_t queda = b->n - b->hecho;
        size_t usa = escrito < queda ? (size_t)escrito : queda;
        b->hecho += usa;
        escrito -= usa;
        if (b->hecho == b->n) {
            d->primero = b->sig;
            if (d->primero == NULL)
                d->ultimo = NULL;
            free(b);
        }
    }
    if (d->pausada && d->pendiente <= REANUDAR_HASTA && d->peticion != NULL) {
        d->pausada = 0;
        http_reanudar(d->peticion);
        uv_timer_again(&d->vigia);
    }
    avanzar_escritura(d);
}

static void al_truncar(uv_fs_t *req)
{
    descarga_t *d = req->data;
    int r = (int)req->result;
    uv_fs_req_cleanup(req);
    d->op_en_vuelo = 0;
    d->truncar = 0;
    if (r < 0)
        snprintf(d->motivo, sizeof d->motivo, "no se pudo vaciar el .parte: %s", error_texto(r));
    if (d->reiniciada && d->peticion == NULL && !d->transferencia_hecha && d->motivo[0] == '\0' &&
        !d->g->parando && d->primero == NULL) {
        pedir(d); /* el reinicio limpio tras 416 o un rango que no casa */
        return;
    }
    avanzar_escritura(d);
}

/* Una sola operación en curso: la siguiente escritura sale cuando acaba la anterior, así los
 * trozos llegan al disco en el orden en que llegaron por la red. */
static void avanzar_escritura(descarga_t *d)
{
    if (d->op_en_vuelo || d->fd < 0)
        return;
    int r;
    d->op.data = d;
    if (d->truncar) {
        d->op_en_vuelo = 1;
        r = uv_fs_ftruncate(&d->g->bucle, &d->op, d->fd, 0, al_truncar);
        if (r < 0) {
            d->op_en_vuelo = 0;
            d->truncar = 0;
            snprintf(d->motivo, sizeof d->motivo, "no se pudo vaciar el .parte: %s",
                     error_texto(r));
        } else {
            return;
        }
    }
    if (d->primero == NULL) {
        quizas_terminar(d);
        return;
    }
    unsigned n = 0;
    for (bloque_t *b = d->primero; b != NULL && n < MAX_BUFS; b = b->sig)
        d->bufs[n++] = uv_buf_init(b->datos + b->hecho, (unsigned)(b->n - b->hecho));
    d->op_en_vuelo = 1;
    r = uv_fs_write(&d->g->bucle, &d->op, d->fd, d->bufs, n, (int64_t)d->en_disco, al_escribir);
    if (r < 0) {
        d->op_en_vuelo = 0;
        snprintf(d->motivo, sizeof d->motivo, "no se pudo escribir: %s", error_texto(r));
        if (d->peticion != NULL)
            http_cancelar(d->peticion);
        liberar_bloques(d);
        quizas_terminar(d);
    }
}

/* ---- La transferencia -------------------------------------------------------------------- */

//@ }
/* «bytes A-B/T» → A y T (T = -1 si es «*»). -1 si no se entiende. */
//@ partida: /* Dada porque es leer texto, no asíncrona: la usarás en el hito D, para saber si un 206 empieza
//@ partida:  * donde acaba tu .parte. Quita el atributo de abajo cuando la uses (sin él, el compilador avisa
//@ partida:  * de una función que nadie llama). */
//@ partida: __attribute__((unused))
static int leer_content_range(const char *v, uint64_t *a, int64_t *total)
{
    unsigned long long x, y;
    char resto[32];
    if (v == NULL || sscanf(v, "bytes %llu-%llu/%31s", &x, &y, resto) != 3)
        return -1;
    *a = x;
    if (strcmp(resto, "*") == 0) {
        *total = -1;
        return 0;
    }
    char *fin;
    errno = 0;
    unsigned long long t = strtoull(resto, &fin, 10);
    if (errno != 0 || *fin != '\0')
        return -1;
    *total = (int64_t)t;
    return 0;
}

//@ partida: /* TODO: pedir la URL con http_pedir (al_recibir, al_progresar, al_terminar; Range si ya hay
//@ partida:  * bytes), escribir cada trozo en orden con uv_fs_write (una escritura en curso), pausar si se
//@ partida:  * acumula más de 1 MiB, comprobar longitud y Repr-Digest y renombrar; -t con el temporizador
//@ partida:  * vigia y los reintentos con el temporizador espera.
//@ partida:  *
//@ partida:  * Por hitos (la tabla «Hitos» del enunciado):
//@ partida:  *   A: http_pedir con al_recibir y al_terminar; al_recibir copia el trozo a la cola de
//@ partida:  *      escritura y, si no hay ninguna escritura en curso, lanza una con uv_fs_write en la
//@ partida:  *      posición d->en_disco; la callback de la escritura lanza la siguiente. La descarga acaba
//@ partida:  *      cuando la transferencia terminó y la cola está vacía: entonces renombrar(d) o, si falló,
//@ partida:  *      terminar(d, 0, motivo). Un estado >= 400 también es un fallo, aunque para curl la
//@ partida:  *      transferencia acabe bien (r->error == 0 sin error_si_estado); y lo que llega con él
//@ partida:  *      es la página de error, no el archivo: no va al .parte (http_peticion_estado en
//@ partida:  *      al_recibir).
//@ partida:  *   B: pausar y reanudar, la escritura corta y la que falla; cerrar el archivo está en terminar.
//@ partida:  *   C: al_progresar encola (lo demás de C está en pintar y arrancar_siguientes).
//@ partida:  *   D, E y F: Range (también en al_abrir), -t y reintentos, la huella y Ctrl+C (al_parar). */
//@ solucion {
/* Con la cabecera ya entera: ¿qué hacemos con este cuerpo? */
static int decidir(descarga_t *d, http_peticion_t *p)
{
    d->decidido = 1;
    long estado = http_peticion_estado(p);
    if (estado == 206) {
        uint64_t a;
        int64_t total;
        if (leer_content_range(http_peticion_cabecera(p, "Content-Range"), &a, &total) < 0 ||
            a != d->posicion) {
            d->reiniciar = 1;
            d->descartar = 1;
            return -1;
        }
        d->desde = a;
        d->total = total;
    } else if (estado == 200) {
        if (d->posicion > 0) {
            /* El servidor no hizo caso del rango: todo de nuevo, desde 0. */
            d->truncar = 1;
            d->en_disco = d->posicion = 0;
        }
        d->desde = 0;
        const char *largo = http_peticion_cabecera(p, "Content-Length");
        d->total = largo != NULL ? strtoll(largo, NULL, 10) : -1;
    } else {
        d->descartar = 1;
        if (estado == 416)
            d->reiniciar = 1;
    }
    return 0;
}

static void al_estancar(uv_timer_t *t)
{
    descarga_t *d = t->data;
    if (d->peticion != NULL && !d->pausada) {
        d->estancada = 1;
        http_cancelar(d->peticion);
    }
}

static int al_recibir(http_peticion_t *p, const char *datos, size_t n, void *usuario)
{
    descarga_t *d = usuario;
    if (!d->decidido && decidir(d, p) < 0)
        return 1; /* un 206 que no continúa lo que tenemos: se corta y se empieza de cero */
    if (d->descartar)
        return 0;
    uv_timer_again(&d->vigia);
    bloque_t *b = malloc(sizeof *b + n);
    if (b == NULL) {
        snprintf(d->motivo, sizeof d->motivo, "sin memoria");
        return 1;
    }
    b->sig = NULL;
    b->n = n;
    b->hecho = 0;
    memcpy(b->datos, datos, n);
    if (d->ultimo != NULL)
        d->ultimo->sig = b;
    else
        d->primero = b;
    d->ultimo = b;
    d->pendiente += n;
    d->posicion += n;
    d->recibidos_sesion += n;
    if (d->pendiente > PAUSAR_DESDE && !d->pausada) {
        /* Contrapresión: el disco va detrás de la red. */
        d->pausada = 1;
        http_pausar(p);
        uv_timer_stop(&d->vigia);
    }
    avanzar_escritura(d);
    return 0;
}

static void al_progresar(http_peticion_t *p, uint64_t recibidos, int64_t total, void *usuario)
{
    descarga_t *d = usuario;
    long estado = http_peticion_estado(p);
    if (estado != 200 && estado != 206)
        return;
    uint64_t desde = estado == 206 ? d->desde : 0;
    encolar_progreso(d, desde + recibidos, total >= 0 ? (int64_t)desde + total : -1);
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    descarga_t *d = usuario;
    if (!d->decidido && r->estado > 0)
        decidir(d, p);
    d->peticion = NULL;
    d->pausada = 0;
    uv_timer_stop(&d->vigia);
    /* Abortada por nosotros (reinicio, sin memoria) o cancelada por estancada: el motivo
     * ya está anotado en la descarga. */
    d->error = r->error == HTTP_E_ABORTADA || d->estancada ? 0 : r->error;
    d->estado = r->estado;
    d->huella[0] = '\0';
    const char *digest = http_respuesta_cabecera(r, "Repr-Digest");
    const char *sha = digest != NULL ? strstr(digest, "sha-256=:") : NULL;
    if (sha != NULL) {
        sha += 9;
        size_t largo = strcspn(sha, ":");
        if (largo < sizeof d->huella && sha[largo] == ':')
            snprintf(d->huella, sizeof d->huella, "%.*s", (int)largo, sha);
    }
    d->transferencia_hecha = 1;
    avanzar_escritura(d);
}

//@ }
static void pedir(descarga_t *d)
{
    //@ partida:     terminar(d, 0, "sin implementar");
    //@ solucion {
    gestor_t *g = d->g;
    char rango[64];
    const char *cabeceras[] = {rango, NULL};
    snprintf(rango, sizeof rango, "Range: bytes=%" PRIu64 "-", d->en_disco);
    http_opciones_t op = {
        .cabeceras = d->en_disco > 0 ? cabeceras : NULL,
        .al_recibir = al_recibir,
        .al_progresar = al_progresar,
    };
    d->posicion = d->en_disco;
    d->desde = d->en_disco; /* un 206 sin cuerpo no pasa por decidir(): el progreso, desde aquí */
    d->mostrado = d->en_disco;
    if (d->n_muestras == 0)
        anotar_muestra(d, ahora_ms(g));
    d->decidido = d->descartar = d->estancada = d->pausada = 0;
    d->transferencia_hecha = 0;
    d->error = 0;
    d->estado = 0;
    d->total = -1;
    int r = http_pedir(g->cliente, d->url, &op, al_terminar, d, &d->peticion);
    if (r < 0) {
        char m[160];
        snprintf(m, sizeof m, "no se pudo pedir: %s", http_error_texto(r));
        terminar(d, 0, m);
        return;
    }
    uv_timer_start(&d->vigia, al_estancar, g->estancada_ms, g->estancada_ms);
}

/* ---- Arranque de cada descarga ----------------------------------------------------------- */

static void al_medir(uv_fs_t *req)
{
    descarga_t *d = req->data;
    int r = (int)req->result;
    uint64_t tam = r == 0 ? req->statbuf.st_size : 0;
    uv_fs_req_cleanup(req);
    d->op_en_vuelo = 0;
    if (d->g->parando) {
        terminar(d, 0, "interrumpida");
        return;
    }
    d->en_disco = d->posicion = tam;
    pedir(d);
    //@ }
}

//@ partida: /* Dado hasta el hito C (abrir un archivo es de la lección 7): abre DIR/NOMBRE.parte
//@ partida:  * vacío y, abierto, pide.
//@ partida:  * TODO (hito D): con --continuar, sin O_TRUNC, y medir el .parte con uv_fs_fstat antes de
//@ partida:  * pedir. */
static void al_abrir(uv_fs_t *req)
{
    descarga_t *d = req->data;
    int r = (int)req->result;
    uv_fs_req_cleanup(req);
    d->op_en_vuelo = 0;
    if (r < 0) {
        //@ partida:         char m[sizeof d->motivo];
        //@ solucion {
        char m[200];
        //@ }
        snprintf(m, sizeof m, "no se pudo abrir %s: %s", d->ruta_parte, error_texto(r));
        terminar(d, 0, m);
        return;
    }
    d->fd = r;
    //@ partida:     pedir(d);
    //@ solucion {
    if (d->g->parando) {
        terminar(d, 0, "interrumpida");
        return;
    }
    if (!d->g->continuar) {
        pedir(d);
        return;
    }
    d->op.data = d;
    d->op_en_vuelo = 1;
    if (uv_fs_fstat(&d->g->bucle, &d->op, d->fd, al_medir) < 0) {
        d->op_en_vuelo = 0;
        terminar(d, 0, "no se pudo medir el .parte");
    }
    //@ }
}

static void empezar(descarga_t *d)
{
    gestor_t *g = d->g;
    d->fase = ACTIVA;
    d->inicio_ms = ahora_ms(g);
    g->activas++;
    //@ partida:     int flags = O_RDWR | O_CREAT | O_TRUNC;
    //@ solucion {
    int flags = O_RDWR | O_CREAT | (g->continuar ? 0 : O_TRUNC);
    //@ }
    d->op.data = d;
    d->op_en_vuelo = 1;
    int r = uv_fs_open(&g->bucle, &d->op, d->ruta_parte, flags, 0644, al_abrir);
    if (r < 0) {
        d->op_en_vuelo = 0;
        terminar(d, 0, "no se pudo abrir el .parte");
    }
}

//@ partida: /* TODO: como mucho g->maximo a la vez (g->activas), en el orden de los argumentos. */
static void arrancar_siguientes(gestor_t *g)
{
    //@ partida:     while (!g->parando && g->siguiente < g->n)
    //@ solucion {
    while (!g->parando && g->siguiente < g->n && g->activas < g->maximo)
    //@ }
        empezar(&g->d[g->siguiente++]);
}

/* ---- Fin y Ctrl+C -------------------------------------------------------------------------- */

//@ partida: /* El resumen, en el orden de los argumentos: «OK nombre bytes segundos s KiB/s» con
//@ partida:  * d->en_disco (tamaño del archivo final), d->inicio_ms y d->fin_ms (de ocupar su hueco a
//@ partida:  * terminar) y d->recibidos_sesion (lo recibido en esta ejecución); si no, «ERROR nombre
//@ partida:  * motivo» con d->motivo. */
static void imprimir_resumen(gestor_t *g)
{
    for (size_t i = 0; i < g->n; i++) {
        descarga_t *d = &g->d[i];
        if (d->fase == TERMINADA && d->ok) {
            double s = (double)(d->fin_ms - d->inicio_ms) / 1000.0;
            double kbs = s > 0 ? (double)d->recibidos_sesion / 1024.0 / s : 0.0;
            printf("OK %s %" PRIu64 " %.2f s %.1f\n", d->nombre, d->en_disco, s, kbs);
        } else {
            printf("ERROR %s %s\n", d->nombre, d->motivo[0] != '\0' ? d->motivo : "interrumpida");
        }
    }
}

//@ partida: /* Se llama cada vez que una descarga termina: arranca las que quepan y, cuando no queda
//@ partida:  * ninguna activa ni por empezar (o tras Ctrl+C, ninguna activa), el último repintado, el
//@ partida:  * resumen y el cierre de los temporizadores, el cliente HTTP y las señales: con eso uv_run
//@ partida:  * vuelve y main sale con su código. */
static void comprobar_fin(gestor_t *g)
{
    arrancar_siguientes(g);
    if (g->cerrado || g->activas > 0 || (!g->parando && g->siguiente < g->n))
        return;
    g->cerrado = 1;
    uv_timer_stop(&g->reloj);
    if (g->terminal)
        pintar(g, 1);
    imprimir_resumen(g);
    uv_close((uv_handle_t *)&g->reloj, NULL);
    for (size_t i = 0; i < g->n; i++) {
        uv_close((uv_handle_t *)&g->d[i].vigia, NULL);
        uv_close((uv_handle_t *)&g->d[i].espera, NULL);
    }
    http_cliente_cerrar(g->cliente, NULL, NULL);
    senales_cerrar(&g->senales);
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)s;
    (void)signum;
    gestor_t *g = datos;
    if (g->parando)
        return;
    g->parando = 1;
    //@ partida:     /* TODO: cancelar cada transferencia (http_cancelar; su al_terminar llega con
    //@ partida:      * HTTP_E_CANCELADA), dejar que se escriba lo recibido y cerrar los archivos: los .parte
    //@ partida:      * se quedan. Las que esperan un reintento terminan ya, «interrumpida». */
    //@ solucion {
    for (size_t i = 0; i < g->n; i++) {
        descarga_t *d = &g->d[i];
        if (d->fase != ACTIVA)
            continue;
        if (d->peticion != NULL)
            http_cancelar(d->peticion); /* al_terminar llega y se vacía lo que quede */
        else if (uv_is_active((uv_handle_t *)&d->espera) && !d->op_en_vuelo)
            terminar(d, 0, "interrumpida");
    }
    //@ }
    comprobar_fin(g);
}

int main(int argc, char **argv)
{
    gestor_t *g = calloc(1, sizeof *g);
    int codigo = 2;
    uint64_t v;
    int r;
    static const struct option largas[] = {{"continuar", no_argument, NULL, 'C'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (g == NULL) {
        fprintf(stderr, "descargas: sin memoria\n");
        return 1;
    }
    g->maximo = SIMULTANEAS_OMISION;
    g->estancada_ms = ESTANCADA_OMISION_MS;
    g->dir = ".";
    int opcion;
    while ((opcion = getopt_long(argc, argv, "c:d:t:r:h", largas, NULL)) != -1) {
        if (opcion == 'c') {
            if (leer_numero(optarg, "-c", 1, 64, &v) < 0)
                goto fin;
            g->maximo = (unsigned)v;
        } else if (opcion == 't') {
            if (leer_numero(optarg, "-t", 100, 3600000, &v) < 0)
                goto fin;
            g->estancada_ms = v;
        } else if (opcion == 'r') {
            if (leer_numero(optarg, "-r", 0, 10, &v) < 0)
                goto fin;
            g->reintentos = (unsigned)v;
        } else if (opcion == 'd') {
            if (optarg[0] == '\0') {
                fprintf(stderr, "descargas: -d necesita una carpeta\n");
                goto fin;
            }
            g->dir = optarg;
        } else if (opcion == 'C') {
            g->continuar = 1;
        } else if (opcion == 'h') {
            uso();
            codigo = 0;
            goto fin;
        } else {
            uso();
            goto fin;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "descargas: no hay nada que descargar\n");
        uso();
        goto fin;
    }
    g->n = (size_t)(argc - optind);
    g->d = calloc(g->n, sizeof *g->d);
    if (g->d == NULL) {
        codigo = 1;
        goto fin;
    }
    for (size_t i = 0; i < g->n; i++) {
        g->d[i].g = g;
        g->d[i].indice = i;
        g->d[i].fd = -1;
        if (leer_descarga(&g->d[i], argv[optind + (int)i]) < 0)
            goto fin;
    }
    if (desduplicar(g) < 0) {
        codigo = 1;
        goto fin;
    }
    const char *barra = g->dir[strlen(g->dir) - 1] == '/' ? "" : "/";
    for (size_t i = 0; i < g->n; i++) {
        char *carpeta = unir(g->dir, barra, "");
        g->d[i].ruta = carpeta != NULL ? unir(carpeta, g->d[i].nombre, "") : NULL;
        g->d[i].ruta_parte = carpeta != NULL ? unir(carpeta, g->d[i].nombre, ".parte") : NULL;
        free(carpeta);
        if (g->d[i].ruta == NULL || g->d[i].ruta_parte == NULL) {
            codigo = 1;
            goto fin;
        }
    }

    codigo = 1;
    r = uv_loop_init(&g->bucle);
    if (r < 0) {
        fprintf(stderr, "descargas: uv_loop_init: %s\n", error_texto(r));
        goto fin;
    }
    /* La carpeta tiene que existir (comprobación síncrona antes de empezar: aún no hay nada
     * que bloquear). */
    uv_fs_t st;
    r = uv_fs_stat(&g->bucle, &st, g->dir, NULL);
    int es_carpeta = r == 0 && S_ISDIR(st.statbuf.st_mode);
    uv_fs_req_cleanup(&st);
    if (!es_carpeta) {
        fprintf(stderr, "descargas: la carpeta «%s» no existe o no es una carpeta\n", g->dir);
        uv_loop_close(&g->bucle);
        codigo = 2;
        goto fin;
    }
    g->terminal = isatty(STDOUT_FILENO);
    r = http_cliente_nuevo(&g->bucle, 0, &g->cliente);
    if (r == 0)
        r = senales_iniciar(&g->bucle, &g->senales, al_parar, g);
    if (r < 0) {
        fprintf(stderr, "descargas: no se pudo arrancar: %s\n", http_error_texto(r));
        if (g->cliente != NULL)
            http_cliente_cerrar(g->cliente, NULL, NULL);
        uv_run(&g->bucle, UV_RUN_DEFAULT);
        uv_loop_close(&g->bucle);
        goto fin;
    }
    uv_timer_init(&g->bucle, &g->reloj);
    g->reloj.data = g;
    for (size_t i = 0; i < g->n; i++) {
        uv_timer_init(&g->bucle, &g->d[i].vigia);
        uv_timer_init(&g->bucle, &g->d[i].espera);
        g->d[i].vigia.data = &g->d[i];
        g->d[i].espera.data = &g->d[i];
    }
    uv_timer_start(&g->reloj, tic, TIC_MS, TIC_MS);
    arrancar_siguientes(g);

    uv_run(&g->bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(&g->bucle);
    if (r != 0)
        fprintf(stderr, "descargas: el bucle no quedó cerrado: %s\n", error_texto(r));
    codigo = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (!g->d[i].ok)
            codigo = 1;
    }
    if (g->parando)
        codigo = 130;
fin:
    if (g->d != NULL) {
        for (size_t i = 0; i < g->n; i++) {
            free(g->d[i].url);
            free(g->d[i].nombre);
            free(g->d[i].ruta);
            free(g->d[i].ruta_parte);
        }
        free(g->d);
    }
    free(g);
    return codigo;
}
