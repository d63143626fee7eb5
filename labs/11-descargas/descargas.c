/* descargas.c — Laboratorio 11: gestor de descargas con progreso en vivo (programa de partida).
 *
 *   descargas [-c N] [-d DIR] [-t MS] [-r N] [--continuar] DESCARGA...
 *
 * Lo que ya está hecho (y probado: es el de la solución de referencia), porque no es lo que
 * este laboratorio enseña:
 *   - leer y validar las opciones y las descargas, con sus mensajes y el código 2
 *     (leer_numero, url_valida, leer_descarga);
 *   - el nombre seguro y sin repetir de cada archivo, y sus rutas DIR/NOMBRE y
 *     DIR/NOMBRE.parte (nombre_seguro, con_sufijo, desduplicar);
 *   - el formato de la salida: la velocidad de los últimos 2 s (anotar_muestra, velocidad),
 *     las líneas PROGRESO, el repintado en la terminal con ESC[nA (linea_terminal, pintar) y
 *     el resumen OK/ERROR (imprimir_resumen);
 *   - crear y cerrar el bucle, el cliente HTTP, las señales y los temporizadores, y el
 *     código de salida (main, comprobar_fin);
 *   - abrir el .parte (empezar, al_abrir) y renombrarlo (renombrar, al_renombrar): operaciones
 *     de archivo sueltas, como las de la lección 7. Cuándo se renombra es tuyo.
 *
 * Lo que falta es el núcleo asíncrono, marcado con TODO: pedir con http_pedir y escribir cada
 * trozo en orden con uv_fs_write (una escritura en curso, con contrapresión), el tope de -c,
 * la cola de progreso, comprobar y renombrar a tiempo, -t, reintentos, --continuar con Range,
 * Ctrl+C y cerrar cada archivo. El enunciado
 * (labs/11-descargas/README.md) dice qué hace cada cosa y el orden de los hitos.
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

/* TODO: un trozo recibido que aún no está en el disco (la cola de escritura de cada descarga). */

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
    uint64_t en_disco;   /* bytes escritos de verdad: el tamaño del archivo */

    /* TODO: la cola de escritura (primero, último, bytes pendientes, posición), la petición en
     * curso y su estado (pausada, estado HTTP, total, Repr-Digest, intentos…) y lo que haga falta
     * para comprobar la huella. Para el hito A bastan la cola, la petición en curso, si la
     * transferencia ya acabó y, si falló, su motivo; lo demás llega con su hito. */

    /* Progreso (lo que ya pintó el temporizador; lo usan velocidad, pintar e imprimir_resumen). */
    uint64_t mostrado;
    int64_t mostrado_total;
    uint64_t muestras_t[MUESTRAS], muestras_b[MUESTRAS];
    unsigned n_muestras;
    uint64_t recibidos_sesion; /* bytes de cuerpo recibidos en esta ejecución (los sumas tú
                                * en al_recibir: el resumen calcula con ellos los KiB/s) */
    uint64_t inicio_ms, fin_ms;
} descarga_t;

/* TODO: un evento de progreso (descarga, bytes, total), lo que encola al_progresar. */

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
    /* TODO: la cola de eventos de progreso (CAP_COLA como mucho). */
};

static void comprobar_fin(gestor_t *g);

/* ---- Argumentos -------------------------------------------------------------------------- */

/* La ayuda, a stderr: con -h (código 0) y con una opción que no existe (código 2). */
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

/* Un entero de `texto` entre min y max (solo dígitos: ni signo, ni espacios, ni basura
 * detrás). Si no vale, lo dice en stderr citando el valor y devuelve -1. */
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

/* Las reglas de «Uso»: http:// o https:// seguido de algo que no sea «/», o una ruta del
 * servidor de práctica que empieza por «/»; sin espacios. */
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

/* Copia los n primeros bytes de s en memoria nueva, terminada en '\0' (la libera quien la
 * pide). NULL sin memoria. */
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

/* a, b y c seguidos, en memoria nueva (la libera quien la pide). NULL sin memoria. */
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

/* La hora del bucle en ms (uv_now): la de los tiempos de inicio y fin y las muestras. */
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

/* Guarda (t, d->mostrado) entre las últimas MUESTRAS: pintar la llama en cada tic para las
 * activas. Anota también una con 0 bytes (o lo que ya había en el .parte) al hacer la primera
 * petición, para que la velocidad cuente desde entonces. */
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

/* Una línea de la terminal: nombre, barra de 20, porcentaje (o bytes si no se sabe el
 * total), velocidad y tiempo restante, «hecho» o «ERROR». Empieza borrando la línea
 * ("\r\033[K") y acaba en \n: pintar sube el cursor antes de repintarlas todas. */
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
 * reescritas en su sitio; si no, una línea PROGRESO por descarga activa. Con final = 1 (lo
 * llama comprobar_fin), el último repintado antes del resumen.
 *
 * Lo que pinta sale de cada descarga: d->fase (ESPERANDO no se pinta; ACTIVA desde que ocupa
 * su hueco hasta que termina, también mientras espera un reintento), d->mostrado y
 * d->mostrado_total (bytes del archivo que ya se tienen y su total, -1 si no se sabe: los
 * deja aquí la cola) y d->ok. Mantenerlos al día es tuyo. */
static void pintar(gestor_t *g, int final)
{
    uint64_t t = ahora_ms(g);
    /* TODO: vaciar la cola de progreso: cada evento deja sus bytes y su total en
     * d->mostrado y d->mostrado_total. */
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

/* TODO: encolar un evento de progreso (el productor: lo llama al_progresar). */

/* ---- El núcleo asíncrono (TODO) ---------------------------------------------------------- */

/* TODO: cuando la descarga termina (bien o mal), parar sus temporizadores, liberar su cola de
 * escritura y cerrar su archivo con uv_fs_close; lo de abajo va en la callback del cierre. */
static void terminar(descarga_t *d, int ok, const char *motivo)
{
    d->ok = ok;
    if (!ok)
        snprintf(d->motivo, sizeof d->motivo, "%s", motivo);
    d->fase = TERMINADA;
    d->fin_ms = ahora_ms(d->g);
    d->g->activas--;
    comprobar_fin(d->g);
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

/* El «commit»: solo un archivo completo y comprobado pasa a tener su nombre final. Dada (es
 * una operación de archivo como las de la lección 7): lo tuyo es llamarla en el momento justo,
 * con todo escrito y comprobado. Quita el atributo de abajo cuando la llames. */
__attribute__((unused))
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

/* «bytes A-B/T» → A y T (T = -1 si es «*»). -1 si no se entiende. */
/* Dada porque es leer texto, no asíncrona: la usarás en el hito D, para saber si un 206 empieza
 * donde acaba tu .parte. Quita el atributo de abajo cuando la uses (sin él, el compilador avisa
 * de una función que nadie llama). */
__attribute__((unused))
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

/* TODO: pedir la URL con http_pedir (al_recibir, al_progresar, al_terminar; Range si ya hay
 * bytes), escribir cada trozo en orden con uv_fs_write (una escritura en curso), pausar si se
 * acumula más de 1 MiB, comprobar longitud y Repr-Digest y renombrar; -t con el temporizador
 * vigia y los reintentos con el temporizador espera.
 *
 * Por hitos (la tabla «Hitos» del enunciado):
 *   A: http_pedir con al_recibir y al_terminar; al_recibir copia el trozo a la cola de
 *      escritura y, si no hay ninguna escritura en curso, lanza una con uv_fs_write en la
 *      posición d->en_disco; la callback de la escritura lanza la siguiente. La descarga acaba
 *      cuando la transferencia terminó y la cola está vacía: entonces renombrar(d) o, si falló,
 *      terminar(d, 0, motivo). Un estado >= 400 también es un fallo, aunque para curl la
 *      transferencia acabe bien (r->error == 0 sin error_si_estado); y lo que llega con él
 *      es la página de error, no el archivo: no va al .parte (http_peticion_estado en
 *      al_recibir).
 *   B: pausar y reanudar, la escritura corta y la que falla; cerrar el archivo está en terminar.
 *   C: al_progresar encola (lo demás de C está en pintar y arrancar_siguientes).
 *   D, E y F: Range (también en al_abrir), -t y reintentos, la huella y Ctrl+C (al_parar). */
static void pedir(descarga_t *d)
{
    terminar(d, 0, "sin implementar");
}

/* Dado hasta el hito C (abrir un archivo es de la lección 7): abre DIR/NOMBRE.parte
 * vacío y, abierto, pide.
 * TODO (hito D): con --continuar, sin O_TRUNC, y medir el .parte con uv_fs_fstat antes de
 * pedir. */
static void al_abrir(uv_fs_t *req)
{
    descarga_t *d = req->data;
    int r = (int)req->result;
    uv_fs_req_cleanup(req);
    d->op_en_vuelo = 0;
    if (r < 0) {
        char m[sizeof d->motivo];
        snprintf(m, sizeof m, "no se pudo abrir %s: %s", d->ruta_parte, error_texto(r));
        terminar(d, 0, m);
        return;
    }
    d->fd = r;
    pedir(d);
}

static void empezar(descarga_t *d)
{
    gestor_t *g = d->g;
    d->fase = ACTIVA;
    d->inicio_ms = ahora_ms(g);
    g->activas++;
    int flags = O_RDWR | O_CREAT | O_TRUNC;
    d->op.data = d;
    d->op_en_vuelo = 1;
    int r = uv_fs_open(&g->bucle, &d->op, d->ruta_parte, flags, 0644, al_abrir);
    if (r < 0) {
        d->op_en_vuelo = 0;
        terminar(d, 0, "no se pudo abrir el .parte");
    }
}

/* TODO: como mucho g->maximo a la vez (g->activas), en el orden de los argumentos. */
static void arrancar_siguientes(gestor_t *g)
{
    while (!g->parando && g->siguiente < g->n)
        empezar(&g->d[g->siguiente++]);
}

/* ---- Fin y Ctrl+C -------------------------------------------------------------------------- */

/* El resumen, en el orden de los argumentos: «OK nombre bytes segundos s KiB/s» con
 * d->en_disco (tamaño del archivo final), d->inicio_ms y d->fin_ms (de ocupar su hueco a
 * terminar) y d->recibidos_sesion (lo recibido en esta ejecución); si no, «ERROR nombre
 * motivo» con d->motivo. */
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

/* Se llama cada vez que una descarga termina: arranca las que quepan y, cuando no queda
 * ninguna activa ni por empezar (o tras Ctrl+C, ninguna activa), el último repintado, el
 * resumen y el cierre de los temporizadores, el cliente HTTP y las señales: con eso uv_run
 * vuelve y main sale con su código. */
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
    /* TODO: cancelar cada transferencia (http_cancelar; su al_terminar llega con
     * HTTP_E_CANCELADA), dejar que se escriba lo recibido y cerrar los archivos: los .parte
     * se quedan. Las que esperan un reintento terminan ya, «interrumpida». */
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
