/* conducta_llamada.c — qué es cada llamada al sistema de una traza y qué deja en lo visto de
 * su ejecución (vista_t): abrir, leer o escribir un archivo normal en el hilo del bucle o en el
 * grupo, un socket fuera del bucle, un proceso o un hilo nuevo, una espera… Lo decide una tabla
 * (`filas`: la clase y las marcas de cada llamada; `clases`: qué hace cada clase y cuándo), y
 * llamada() solo la busca. conducta_leer_traza lee una traza entera con conducta_traza.c. Lo visto
 * lo juzga conducta.c; las reglas, en su cabecera.
 */
#include "conducta_interno.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ¿Es `tid` un hilo del programa? Tras su execve, todo hilo nuevo lo es: en la caja solo
 * corre él (crear procesos lo impide el filtro seccomp y lo anota llamada()). No se sigue
 * el valor que devuelve clone: es el tid dentro del espacio de PID de la caja, y strace
 * numera las líneas con el de fuera. */
static int es_miembro(const vista_t *v, long tid)
{
    if (v->principal == 0)
        return 0;
    if (tid == v->principal)
        return 1;
    for (int i = 0; i < v->nprevios; i++)
        if (v->previos[i] == tid)
            return 0;
    return 1;
}

/* ¿Es `tid` un hilo del resolutor (getaddrinfo: un socket UDP, AF_UNIX o AF_NETLINK)? */
static int es_resolutor(const vista_t *v, long tid)
{
    for (int i = 0; i < v->nresolutores; i++)
        if (v->resolutores[i] == tid)
            return 1;
    return 0;
}

/* --- Qué es cada llamada: la tabla --------------------------------------------------------
 *
 * Cada llamada al sistema con una regla propia es una fila de `filas`: su nombre, su clase (qué
 * es: ejecutar un programa, crear un hilo o un proceso, el bucle de epoll, esperar con poll o
 * dormir, la red, leer, escribir o copiar por un descriptor, mapear, abrir, cerrar o medir uno
 * abierto, cambiar algo por su ruta) y sus marcas (lo que distingue a unas de otras dentro de su
 * clase). Qué hace con ella cada clase, y cuándo (de qué procesos, si solo cuando acaba bien),
 * lo dice `clases`, más abajo. Es el único sitio que decide de qué clase es una llamada: lo
 * usan llamada() y, para poll y select, oir_linea.
 *
 * Una llamada sin fila es de la clase OTRA: sin regla propia, solo la mira la lista de
 * permitidas (tocar_archivo). Algunas tienen fila solo por su marca: las de mirar por ruta.
 *
 * Lo que no está en la tabla, a propósito:
 *   - las siempre prohibidas de la caja: las decide base/filtro.c (filtro_es_nombrada), se
 *     miran antes que la tabla y de cualquier proceso;
 *   - qué llamadas se paran con strace (conducta_llamadas, en conducta.c): no es qué es cada
 *     una, sino cuánto cuesta observarla en cada laboratorio, por grupos de lab.json;
 *   - dónde van los argumentos de cada una (conducta_traza.c: la ruta de las *at, lo que pide
 *     un readv): es la forma de su línea de strace, no su clase. */
typedef enum {
    OTRA,        /* sin regla propia: la lista de permitidas (tocar_archivo) */
    EJECUTAR,    /* execve: el del programa, el de la herramienta de valgrind u otro programa */
    CREAR,       /* clone, fork: un hilo (CLONE_THREAD) o un proceso nuevo */
    EPOLL,       /* el bucle de eventos: desde dónde, y epoll_ctl en el hilo del bucle */
    SONDEO,      /* poll y select: se cuentan al entrar (oir_linea), esperen o no a volver */
    DORMIR,      /* nanosleep en el hilo del bucle: espera activa o dormir en una callback */
    RED,         /* sockets: del hilo del bucle, salvo los del resolutor de libcurl */
    LEER_FD,     /* leer o listar un archivo por su descriptor */
    ESCRIBIR_FD, /* escribir, sincronizar o truncar un archivo por su descriptor */
    ANILLO,      /* io_uring: el núcleo lee y escribe por el programa, sin que se vea */
    COPIA,       /* de un descriptor a otro sin read ni write (o reservar sitio en uno) */
    MAPA,        /* mmap: lo lee o escribe quien toque la memoria */
    ABRIR,       /* abrir un archivo, para leer o para escribir */
    DESCRIPTOR,  /* cerrar o medir uno abierto (archivos_bloqueantes: lo menor) */
    POR_RUTA,    /* truncar, renombrar, enlazar o borrar por su ruta */
    NCLASES
} clase_t;

/* Las marcas de una fila: lo que distingue a una llamada de las demás de su clase. */
enum {
    M_MIRAR = 1 << 0,        /* mirar por la ruta: se permite antes de uv_run (tocar_archivo) */
    M_SIEMPRE_FD = 1 << 1,   /* DESCRIPTOR: siempre sobre uno; las demás, con AT_EMPTY_PATH */
    M_MENOR = 1 << 2,        /* POR_RUTA, «menores»: borrar sin callback es lo menor */
    M_ENLACE = 1 << 3,       /* POR_RUTA: enlazar en vez de renombrar esquiva el disco lento */
    M_SIN_POSICION = 1 << 4, /* ESCRIBIR_FD: sin posición, esquiva el disco lento */
    M_LISTA = 1 << 5,        /* LEER_FD: lista una carpeta; no es una lectura de «reglas_traza» */
    M_UN_FD = 1 << 6,        /* COPIA: un solo descriptor, el del archivo (reserva o sincroniza) */
    M_AL_REVES = 1 << 7,     /* COPIA: el destino antes que el origen */
    M_CREA = 1 << 8,         /* ABRIR: siempre para escribir */
    M_SOCKET = 1 << 9,       /* RED: crea un socket (¿del resolutor? ¿TCP, desde libc?) */
    M_ACEPTA = 1 << 10,      /* RED: escucha o acepta: siempre desde libuv (desde dónde) */
    M_VIGILA = 1 << 11,      /* EPOLL: cambia lo vigilado; en el hilo del bucle, uv_run */
};

typedef struct {
    const char *nombre;
    clase_t clase;
    unsigned marcas;
} fila_t;

static const fila_t filas[] = {
    {"execve", EJECUTAR, 0},
    {"execveat", EJECUTAR, 0},
    {"clone", CREAR, 0},
    {"clone3", CREAR, 0},
    {"fork", CREAR, 0},
    {"vfork", CREAR, 0},
    {"epoll_ctl", EPOLL, M_VIGILA},
    {"epoll_create", EPOLL, 0},
    {"epoll_create1", EPOLL, 0},
    {"poll", SONDEO, 0},
    {"ppoll", SONDEO, 0},
    {"select", SONDEO, 0},
    {"pselect6", SONDEO, 0},
    {"nanosleep", DORMIR, 0},
    {"clock_nanosleep", DORMIR, 0},
    {"socket", RED, M_SOCKET},
    {"connect", RED, 0},
    {"accept", RED, M_ACEPTA},
    {"accept4", RED, M_ACEPTA},
    {"bind", RED, 0},
    {"listen", RED, M_ACEPTA},
    {"sendto", RED, 0},
    {"recvfrom", RED, 0},
    {"sendmsg", RED, 0},
    {"recvmsg", RED, 0},
    {"read", LEER_FD, 0},
    {"pread64", LEER_FD, 0},
    {"readv", LEER_FD, 0},
    {"preadv", LEER_FD, 0},
    {"preadv2", LEER_FD, 0},
    {"getdents64", LEER_FD, M_LISTA},
    {"getdents", LEER_FD, M_LISTA},
    {"write", ESCRIBIR_FD, M_SIN_POSICION},
    {"pwrite64", ESCRIBIR_FD, 0},
    {"writev", ESCRIBIR_FD, M_SIN_POSICION},
    {"pwritev", ESCRIBIR_FD, 0},
    {"pwritev2", ESCRIBIR_FD, 0},
    {"fsync", ESCRIBIR_FD, 0},
    {"fdatasync", ESCRIBIR_FD, 0},
    {"ftruncate", ESCRIBIR_FD, 0},
    /* libuv 1.44 no usa io_uring: nunca es el grupo de libuv. */
    {"io_uring_setup", ANILLO, 0},
    {"io_uring_enter", ANILLO, 0},
    {"io_uring_register", ANILLO, 0},
    /* Mueven bytes entre dos descriptores sin read ni write (el origen y el destino, en este
     * orden en los argumentos; sendfile, al revés): hostiles/medios_08_splice.c. */
    {"splice", COPIA, 0},
    {"tee", COPIA, 0},
    {"copy_file_range", COPIA, 0},
    {"sendfile", COPIA, M_AL_REVES},
    {"fallocate", COPIA, M_UN_FD},
    {"sync_file_range", COPIA, M_UN_FD},
    {"mmap", MAPA, 0},
    {"openat", ABRIR, 0},
    {"open", ABRIR, 0},
    {"openat2", ABRIR, 0},
    {"creat", ABRIR, M_CREA},
    /* Sobre un descriptor que ya está abierto: cerrarlo o medirlo (archivos_bloqueantes). */
    {"close", DESCRIPTOR, M_SIEMPRE_FD},
    {"fstat", DESCRIPTOR, M_SIEMPRE_FD},
    {"newfstatat", DESCRIPTOR, M_MIRAR},
    {"statx", DESCRIPTOR, M_MIRAR},
    {"truncate", POR_RUTA, 0},
    {"rename", POR_RUTA, 0},
    {"renameat", POR_RUTA, 0},
    {"renameat2", POR_RUTA, 0},
    {"link", POR_RUTA, M_ENLACE},
    {"linkat", POR_RUTA, M_ENLACE},
    {"unlink", POR_RUTA, M_MENOR},
    {"unlinkat", POR_RUTA, M_MENOR},
    {"symlink", POR_RUTA, M_ENLACE},
    {"symlinkat", POR_RUTA, M_ENLACE},
    {"stat", OTRA, M_MIRAR},
    {"lstat", OTRA, M_MIRAR},
    {"access", OTRA, M_MIRAR},
    {"faccessat", OTRA, M_MIRAR},
    {"faccessat2", OTRA, M_MIRAR},
};

/* La fila de `nombre`; sin fila, la de OTRA. */
static const fila_t *fila_de(const char *nombre)
{
    static const fila_t otra = {"", OTRA, 0};
    for (size_t i = 0; i < sizeof filas / sizeof filas[0]; i++)
        if (strcmp(nombre, filas[i].nombre) == 0)
            return &filas[i];
    return &otra;
}

/* Una lectura de un archivo de la entrada: cada regla que pide otro tamaño queda rota. También
 * si devolvió más bytes de los que dice que pidió: strace lee la lista de búferes de readv y
 * preadv al volver, de la memoria del programa, y el hilo del bucle puede achicar la de su
 * uv_fs_t mientras el grupo lee (revisión de la sesión 77: «iov_len=65536» y 1 MiB leído). */
static void juzgar_lectura(vista_t *v, const llamada_t *ll, const char *ruta)
{
    if (v->lab == NULL || v->lab->nreglas == 0 || !conducta_es_entrada(v->entradas, ruta))
        return;
    char como[160];
    long pedido = conducta_pedido_lectura(ll->nombre, ll->par, como, sizeof como);
    if (pedido >= 0 && ll->bien && ll->ret > pedido) {
        char mas[sizeof como];
        snprintf(mas, sizeof mas, "%.120s, que devolvió %ld", como, ll->ret);
        snprintf(como, sizeof como, "%s", mas);
        pedido = -1;
    }
    v->lecturas_entrada++;
    for (int i = 0; i < v->lab->nreglas && i < MAX_REGLAS; i++)
        if (pedido != v->lab->reglas[i].lectura_bytes && v->roto[i][0] == '\0')
            snprintf(v->roto[i], sizeof v->roto[i],
                     "se vio %s sobre un archivo de la entrada («…/%s»)", como,
                     conducta_ruta_corta(ruta));
}

/* Un archivo de la entrada que entra por `nombre`, que no es una lectura (mmap, splice,
 * sendfile, copy_file_range, tee): cada regla queda rota, porque lo que pide cada una es el
 * tamaño de cada lectura, y aquí no hay ninguna que medir. */
static void juzgar_sin_lectura(vista_t *v, const char *nombre, const char *ruta)
{
    if (v->lab == NULL || v->lab->nreglas == 0 || !conducta_es_entrada(v->entradas, ruta))
        return;
    v->lecturas_entrada++;
    for (int i = 0; i < v->lab->nreglas && i < MAX_REGLAS; i++)
        if (v->roto[i][0] == '\0')
            snprintf(v->roto[i], sizeof v->roto[i],
                     "se vio %s sobre un archivo de la entrada («…/%s»): no es una lectura (read, "
                     "pread64, readv, preadv o preadv2), y lo que se juzga es cada lectura",
                     nombre, conducta_ruta_corta(ruta));
}

/* --- Toda operación de archivo en el hilo del bucle (lectura_bloqueante) ------------------
 *
 * Las reglas de arriba nombran lo que no se puede hacer (abrir, leer, listar, escribir…), pero
 * un archivo se toca con muchas más llamadas: un stat() o un close() síncronos de los archivos
 * de la entrega desde el hilo del bucle (en vez de uv_fs_stat o uv_fs_close con su callback)
 * pasaban sin que nadie los viera. Por eso, donde se prohíbe lectura_bloqueante, se paran todas
 * las llamadas con una ruta (la clase %file de strace) y las que trabajan sobre un descriptor
 * (POR_DESCRIPTOR_TODAS), y en el hilo del bucle ninguna que acabe bien puede tocar un archivo
 * normal, salvo lo de esta lista de permitidas:
 *   - el execve del programa (tratar_ejecutar);
 *   - mirar algo por su ruta (stat, lstat, newfstatat, statx, access, faccessat*: M_MIRAR en
 *     la tabla) antes de uv_run, es decir, antes del primer epoll_ctl del hilo: la carpeta de -d
 * del 11, al empezar. Dentro de uv_run (en las callbacks) ya no: eso es uv_fs_stat sin callback. Lo
 * demás (stat, close, lseek, fchmod, readlink, chdir, unlink…) cuenta como una lectura síncrona,
 * con el mismo aviso (autograder/README.md, «Medios»). */

/* Una llamada que acabó bien en el hilo del bucle, tras su regla propia si la tiene: si toca un
 * archivo normal y no está en la lista de permitidas, queda anotada como lectura síncrona. Si
 * archivos_bloqueantes ya la cuenta (`escrita`), con su aviso, no se cuenta dos veces. */
static void tocar_archivo(vista_t *v, const llamada_t *ll, const fila_t *f, int escrita)
{
    if (!ll->principal ||
        (escrita && v->lab != NULL && conducta_prohibe(v->lab, "archivos_bloqueantes")))
        return;
    const char *par = ll->par;
    char ruta[4 * PATH_MAX + 16]; /* la de strace entera (conducta_ruta_tocada) */
    if (!conducta_ruta_tocada(ll->nombre, par, ruta, sizeof ruta) ||
        (!conducta_empieza(ruta, "./") && !conducta_ruta_normal(ruta)))
        return;
    if ((f->marcas & M_MIRAR) && v->epoll == 0 && par[1] != '\0' &&
        (par[1] == '"' || conducta_empieza(par + 1, "AT_FDCWD")) &&
        strstr(par, "AT_EMPTY_PATH") == NULL)
        return;
    /* Cerrar o medir un descriptor (fstat: newfstatat o statx con AT_EMPTY_PATH) es menor. */
    int menor = f->clase == DESCRIPTOR &&
                ((f->marcas & M_SIEMPRE_FD) || strstr(par, "AT_EMPTY_PATH") != NULL);
    conducta_anotar(
        menor ? v->menor : v->lectura, menor ? sizeof v->menor : sizeof v->lectura,
        "%s de «%s» en el hilo del bucle (síncrono: uv_fs_* con su callback lo hace en el "
        "grupo de hilos)",
        ll->nombre, ruta);
}

/* Un archivo normal leído o escrito en un hilo que no es el del bucle: el grupo de libuv, o
 * uno propio. Un hilo así no es del resolutor de libcurl, que solo lee los archivos del
 * sistema (hostiles/medios_08_hilo.c abría un socket de datagramas para parecerlo). */
/* Un archivo normal (`ruta`) en un hilo del grupo de libuv. Con «medios.pila_en», además se
 * espera su pila (conducta_pila_cerrar): una uv_fs_* con callback la hace libuv (worker →
 * uv__fs_work → libc, sin un marco del programa); una uv_fs_* sin callback o una llamada de libc
 * dentro de la callback de trabajo de uv_queue_work tiene en su pila la función del programa. */
static void grupo_toca(vista_t *v, long tid, const char *nombre, const char *ruta)
{
    if (v->trabajo) {
        conducta_pila_cerrar(v);
        v->pila_pendiente = 1;
        v->pila_modo = 1;
        v->pila_marcos = v->pila_biblioteca = v->pila_propio = 0;
        v->pila_programa[0] = '\0';
        v->pila_n = 0;
        v->pila_libuv[0] = '\0';
        snprintf(v->pila_nombre, sizeof v->pila_nombre, "%s", nombre);
        snprintf(v->pila_ruta, sizeof v->pila_ruta, "%s%s",
                 conducta_ruta_corta(ruta) != ruta ? "…/" : "", conducta_ruta_corta(ruta));
    }
    v->lecturas_grupo++;
    for (int i = 0; i < v->ntocan; i++)
        if (v->tocan[i] == tid)
            return;
    if (v->ntocan < MAX_PREVIOS)
        v->tocan[v->ntocan++] = tid;
}

/* --- Lo que deja cada clase en lo visto (vista_t) ------------------------------------------ */

/* execve de cualquier proceso de la traza (bajo valgrind no se sabe cuál es el programa): la
 * herramienta de valgrind, otro programa que ejecuta el programa, o el programa mismo (su hilo
 * es el del bucle). */
static void tratar_ejecutar(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    (void)f;
    /* Solo una ruta entera y del sistema: «/usr/libexec/valgrind/../../../trabajo/x» no es
     * valgrind (conducta_ruta_normal la recorre como el núcleo). */
    char herramienta[512];
    if (conducta_primera_cadena(ll->par, herramienta, sizeof herramienta) &&
        !conducta_ruta_normal(herramienta) &&
        (conducta_empieza(herramienta, "/usr/libexec/valgrind/") ||
         conducta_empieza(herramienta, "/usr/lib/x86_64-linux-gnu/valgrind/"))) {
        v->herramientas++;
        return;
    }
    if (es_miembro(v, ll->tid)) {
        conducta_anotar(v->proceso, sizeof v->proceso, "%s (ejecutar otro programa)%s", ll->nombre,
                        "");
        return;
    }
    char ruta[512];
    conducta_primera_cadena(ll->par, ruta, sizeof ruta);
    const char *base = strrchr(ruta, '/');
    if (v->principal == 0 && base != NULL && strcmp(base + 1, v->programa) == 0)
        v->principal = ll->tid;
}

static void tratar_crear(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    (void)f;
    if (ll->ret <= 0)
        return;
    if (strstr(ll->par, "CLONE_THREAD") != NULL) {
        v->creados++;
    } else {
        conducta_anotar(v->proceso, sizeof v->proceso, "%s (un proceso nuevo)%s", ll->nombre, "");
    }
}

static void tratar_epoll(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    if (f->marcas & M_VIGILA)
        v->epoll += ll->principal;
    if (ll->bien) {
        conducta_origen_juzgar(v, ll->nombre, ll->ip, 0);
        conducta_pila_esperar(v, ll->nombre, 0);
    }
}

/* Los milisegundos que pide dormir un nanosleep o un clock_nanosleep relativo de reloj de pared
 * («{tv_sec=0, tv_nsec=300000000}» en sus argumentos); -1 si no se sabe: una hora absoluta
 * (TIMER_ABSTIME), un reloj de CPU (99 ms de CPU pueden ser cualquier tiempo de espera), más de
 * un día o un texto que no se entiende. Lo que no se sabe cuenta como largo: es el lado que
 * avisa de más (ninguna biblioteca de los laboratorios duerme así en el hilo del bucle). Solo
 * se mide un reloj de pared que se nombra (REALTIME, MONOTONIC, BOOTTIME, TAI) con las opciones
 * a 0: el reloj de CPU del proceso que da glibc (CLOCK_PROCESS_CPUTIME_ID) llega al núcleo como
 * -6, y strace 6.1 lo escribe como un número, sin «CPUTIME» que buscar; el de un hilo
 * (pthread_getcpuclockid), igual (revisión de la sesión 77: 20 siestas de CPU por ejecución
 * contaban 0 ms). */
static long dormir_ms(const llamada_t *ll)
{
    static const char *const de_pared[] = {"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_BOOTTIME",
                                           "CLOCK_TAI", NULL};
    const char *t;
    size_t n;
    if (strcmp(ll->nombre, "nanosleep") == 0) {
        if (!conducta_argumento(ll->par, 0, &t, &n))
            return -1;
    } else {
        const char *reloj, *opciones;
        size_t nr, no;
        int pared = 0;
        if (!conducta_argumento(ll->par, 0, &reloj, &nr) ||
            !conducta_argumento(ll->par, 1, &opciones, &no) || no != 1 || opciones[0] != '0' ||
            !conducta_argumento(ll->par, 2, &t, &n))
            return -1;
        for (int i = 0; de_pared[i] != NULL; i++)
            pared |= nr == strlen(de_pared[i]) && strncmp(reloj, de_pared[i], nr) == 0;
        if (!pared)
            return -1;
    }
    char tiempo[96];
    if (n >= sizeof tiempo)
        return -1;
    memcpy(tiempo, t, n);
    tiempo[n] = '\0';
    const char *s = strstr(tiempo, "tv_sec=");
    const char *ns = strstr(tiempo, "tv_nsec=");
    if (s == NULL || ns == NULL)
        return -1;
    char *fin;
    errno = 0;
    long long seg = strtoll(s + strlen("tv_sec="), &fin, 10);
    if (errno != 0 || fin == s + strlen("tv_sec=") || seg < 0 || seg > 86400)
        return -1;
    long long nseg = strtoll(ns + strlen("tv_nsec="), &fin, 10);
    if (errno != 0 || fin == ns + strlen("tv_nsec=") || nseg < 0 || nseg >= 1000000000LL)
        return -1;
    return (long)(seg * 1000 + nseg / 1000000);
}

static void tratar_dormir(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    (void)f;
    if (ll->principal) {
        /* Dentro de uv_run o en un bucle propio: lo dice su pila (espera_cerrar). */
        v->esperas++;
        long ms = dormir_ms(ll);
        if (ms < 0)
            v->esperas_sin_medida++;
        else
            v->espera_total_ms += ms;
        if (ms > v->espera_max_ms)
            v->espera_max_ms = ms;
        if (ll->ret_txt[0] == '?' && strstr(ll->ret_txt, "ERESTART") == NULL) {
            /* No volvió (traza_recorrer: el programa murió dentro) y no trae pila: strace la
             * escribe al volver. Si ya vigilaba sus descriptores, dormía en una callback (un
             * sleep al parar): lo menor, como con su pila. Un bucle propio que duerme deja
             * antes sus siestas enteras, con su pila. Una que cortó una señal («= ?
             * ERESTART_RESTARTBLOCK») sí volvió, y trae su pila: un bucle propio que se manda
             * una señal cada milisegundo no pasa por siestas de callback (revisión de la sesión
             * 77). */
            v->esperas_run += v->epoll > 0;
            v->esperas_cb += v->epoll > 0;
            return;
        }
        conducta_pila_cerrar(v);
        v->pila_pendiente = 1;
        v->pila_modo = 2;
        v->pila_marcos = v->pila_biblioteca = v->pila_propio = 0;
    }
}

static void tratar_red(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    /* El resolutor de libcurl es un hilo por nombre que resolver: getaddrinfo pregunta al
     * DNS por UDP (SOCK_DGRAM) o a nscd por AF_UNIX. Esos hilos valen; un socket TCP
     * fuera del hilo del bucle, no. */
    if (!ll->principal && (f->marcas & M_SOCKET) &&
        (strstr(ll->par, "SOCK_DGRAM") != NULL || strstr(ll->par, "AF_UNIX") != NULL ||
         strstr(ll->par, "AF_NETLINK") != NULL)) {
        int visto = es_resolutor(v, ll->tid);
        if (!visto && v->nresolutores < MAX_PREVIOS)
            v->resolutores[v->nresolutores++] = ll->tid;
        return;
    }
    if (!ll->principal)
        conducta_anotar(v->red, sizeof v->red, "%s en un hilo que no es el del bucle%s", ll->nombre,
                        "");
    /* Un socket TCP, listen y accept los hace libuv (o curl, o libpq), nunca el programa. */
    if ((f->marcas & M_ACEPTA) ||
        ((f->marcas & M_SOCKET) && strstr(ll->par, "SOCK_STREAM") != NULL &&
         (strstr(ll->par, "AF_INET") != NULL))) {
        conducta_origen_juzgar(v, ll->nombre, ll->ip, 1);
        conducta_pila_esperar(v, ll->nombre, 1);
    }
}

/* Leer, listar o escribir por un descriptor (LEER_FD y ESCRIBIR_FD). */
static void tratar_fd(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    int lee = f->clase == LEER_FD;
    char ruta[512] = "";
    if (!conducta_ruta_fd(ll->par, ruta, sizeof ruta))
        return;
    if (!conducta_ruta_normal(ruta)) {
        if (!ll->principal && (conducta_empieza(ruta, "TCP") || conducta_empieza(ruta, "UDP") ||
                               conducta_empieza(ruta, "UNIX") || conducta_empieza(ruta, "socket:")))
            conducta_anotar(v->red, sizeof v->red,
                            "%s de un socket en un hilo que no es el del bucle%s", ll->nombre, "");
        return;
    }
    if (lee && !(f->marcas & M_LISTA))
        juzgar_lectura(v, ll, ruta);
    if (v->lento && (f->marcas & M_SIN_POSICION))
        conducta_anotar(v->esquivo, sizeof v->esquivo, "%s en «%s» (uv_fs_write sin posición)",
                        ll->nombre, conducta_ruta_corta(ruta));
    if (!ll->principal)
        grupo_toca(v, ll->tid, ll->nombre, ruta);
    else if (lee)
        conducta_anotar(v->lectura, sizeof v->lectura, "%s de «%s» en el hilo del bucle",
                        ll->nombre, ruta);
    else
        conducta_anotar(v->escritura, sizeof v->escritura, "%s en «%s» en el hilo del bucle",
                        ll->nombre, ruta);
}

static void tratar_anillo(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    (void)f;
    conducta_anotar(v->lectura, sizeof v->lectura, "%s (io_uring: lecturas que no se ven)%s",
                    ll->nombre, "");
    conducta_anotar(v->escritura, sizeof v->escritura, "%s (io_uring: escrituras que no se ven)%s",
                    ll->nombre, "");
}

/* Lo que «reglas_traza» pide es de cada lectura: un archivo de la entrada que entra sin read,
 * pread64, readv, preadv ni preadv2 (una copia a una tubería, un mapa) rompe cada regla, en
 * cualquier hilo (juzgar_sin_lectura). */
static void tratar_copia(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    /* Hasta dos rutas de descriptor: origen y destino (M_AL_REVES: destino y origen; M_UN_FD:
     * una, la del archivo). */
    char ruta[512] = "", otra[512] = "";
    const char *cierre = NULL;
    if (conducta_ruta_fd(ll->par, ruta, sizeof ruta))
        cierre = strstr(strchr(ll->par, '<'), ">");
    if (cierre != NULL)
        conducta_ruta_fd(cierre, otra, sizeof otra);
    int una = (f->marcas & M_UN_FD) != 0;
    if (f->marcas & M_AL_REVES) {
        char t[512];
        snprintf(t, sizeof t, "%s", ruta);
        snprintf(ruta, sizeof ruta, "%s", otra);
        snprintf(otra, sizeof otra, "%s", t);
    }
    int lee = ruta[0] != '\0' && conducta_ruta_normal(ruta) && !una;
    int escribe = (!una && otra[0] != '\0' && conducta_ruta_normal(otra)) ||
                  (una && conducta_ruta_normal(ruta));
    if (!lee && !escribe)
        return;
    if (lee)
        juzgar_sin_lectura(v, ll->nombre, ruta);
    if (v->lento && escribe && !una)
        conducta_anotar(v->esquivo, sizeof v->esquivo, "%s en «%s»", ll->nombre,
                        conducta_ruta_corta(otra));
    if (!ll->principal)
        grupo_toca(v, ll->tid, ll->nombre, lee ? ruta : otra);
    else if (lee)
        conducta_anotar(v->lectura, sizeof v->lectura, "%s de «%s» en el hilo del bucle",
                        ll->nombre, ruta);
    if (ll->principal && escribe)
        conducta_anotar(v->escritura, sizeof v->escritura, "%s en «%s» en el hilo del bucle",
                        ll->nombre, una ? ruta : otra);
}

/* Un mapa no lee ni escribe al hacerse: lo hace después el hilo que toque la memoria, el que
 * sea, con fallos de página que ninguna traza ve (hostiles/medios_08_mapa.c: el grupo mapea y
 * el hilo del bucle copia). Así que el mapa de un archivo normal cuenta como hecho en el hilo
 * del bucle, lo pida el hilo que lo pida. Y lo mapeado dice desde dónde se hace cada llamada
 * (conducta_mapa_anotar). */
static void tratar_mapa(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    (void)f;
    conducta_mapa_anotar(v, ll->par, ll->ret_txt);
    char ruta[512] = "";
    conducta_ruta_fd(ll->par, ruta, sizeof ruta);
    int lee = ruta[0] != '\0' && conducta_ruta_normal(ruta);
    int escribe = conducta_ruta_normal(ruta) && strstr(ll->par, "MAP_SHARED") != NULL &&
                  strstr(ll->par, "PROT_WRITE") != NULL;
    if (!lee && !escribe)
        return;
    if (lee)
        juzgar_sin_lectura(v, ll->nombre, ruta);
    if (v->lento && escribe)
        conducta_anotar(v->esquivo, sizeof v->esquivo, "%s compartido de «%s»", ll->nombre,
                        conducta_ruta_corta(ruta));
    if (lee)
        conducta_anotar(v->lectura, sizeof v->lectura,
                        "mmap de «%s» (lo lee, por fallos de página que no se ven, el hilo que "
                        "toca esa memoria: también el del bucle)%s",
                        ruta, "");
    if (escribe)
        conducta_anotar(v->escritura, sizeof v->escritura,
                        "mmap de «%s» para escribir (escribe, sin que se vea, el hilo que toca "
                        "esa memoria: también el del bucle)%s",
                        ruta, "");
}

static void tratar_abrir(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    char ruta[512] = "";
    if (!conducta_ruta_fd(ll->ret_txt, ruta, sizeof ruta) || !conducta_ruta_normal(ruta))
        return;
    if (!ll->principal) {
        grupo_toca(v, ll->tid, ll->nombre, ruta);
        return;
    }
    int escritura = strstr(ll->par, "O_WRONLY") != NULL || strstr(ll->par, "O_RDWR") != NULL ||
                    (f->marcas & M_CREA);
    if (escritura)
        conducta_anotar(v->escritura, sizeof v->escritura,
                        "%s de «%s» para escribir, en el hilo del bucle", ll->nombre, ruta);
    else
        conducta_anotar(v->lectura, sizeof v->lectura, "%s de «%s» en el hilo del bucle",
                        ll->nombre, ruta);
}

/* close y fstat de un archivo normal: el grupo de libuv los hace con su callback; en el hilo del
 * bucle son uv_fs_close o uv_fs_fstat sin callback (síncronos). Los stat por ruta (la carpeta
 * de -d antes de uv_run) no cuentan aquí: solo los de un descriptor («fd</ruta>», y en
 * newfstatat y statx con AT_EMPTY_PATH). Después, la lista de permitidas (tocar_archivo). */
static void tratar_descriptor(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    char ruta[512] = "";
    int escrita = 0;
    int por_fd = ll->par[1] >= '0' && ll->par[1] <= '9' &&
                 ((f->marcas & M_SIEMPRE_FD) || strstr(ll->par, "AT_EMPTY_PATH") != NULL);
    if (ll->principal && por_fd && conducta_ruta_fd(ll->par, ruta, sizeof ruta) &&
        conducta_ruta_normal(ruta)) {
        conducta_anotar(v->menor, sizeof v->menor,
                        "%s de «%s» en el hilo del bucle (uv_fs_* sin callback: síncrono)",
                        ll->nombre, ruta);
        escrita = 1;
    }
    tocar_archivo(v, ll, f, escrita);
}

/* Truncar, renombrar, enlazar o borrar por la ruta en el hilo del bucle; después, la lista de
 * permitidas (tocar_archivo). Con el disco lento, un enlace en cualquier hilo esquiva el rename
 * que se hace lento. */
/* La primera ruta de texto de los argumentos que es del programa (relativa, normal o que no
 * cabe entera), en `dst`; 0 si todas son del sistema. Todas, no solo la primera: en symlink la
 * primera es el destino del enlace («/etc/hosts») y el enlace que se crea, la segunda; en
 * rename y link, la segunda es a dónde va. Sin ninguna, 1 con `dst` vacía (del programa). */
static int ruta_del_programa(const char *par, char *dst, size_t tam)
{
    const char *p = par;
    int alguna = 0;
    dst[0] = '\0';
    while ((p = strchr(p, '"')) != NULL) {
        const char *fin = p + 1;
        while (*fin != '\0' && *fin != '"')
            fin += fin[0] == '\\' && fin[1] != '\0' ? 2 : 1;
        if (*fin != '"')
            break;
        int entera = conducta_primera_cadena(p, dst, tam);
        alguna = 1;
        if (!entera || dst[0] != '/' || conducta_ruta_normal(dst))
            return 1;
        p = fin + 1;
    }
    if (!alguna)
        dst[0] = '\0';
    return !alguna;
}

static void tratar_por_ruta(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    char ruta[512] = "";
    int escrita = 0;
    if (v->lento && (f->marcas & M_ENLACE)) {
        char r0[512];
        if (ruta_del_programa(ll->par, r0, sizeof r0))
            conducta_anotar(v->esquivo, sizeof v->esquivo, "%s de «%s» (en vez de rename)",
                            ll->nombre, conducta_ruta_corta(r0));
    }
    if (ll->principal && ruta_del_programa(ll->par, ruta, sizeof ruta)) {
        if (f->marcas & M_MENOR)
            conducta_anotar(v->menor, sizeof v->menor, "%s de «%s» en el hilo del bucle",
                            ll->nombre, ruta);
        else
            conducta_anotar(v->escritura, sizeof v->escritura, "%s de «%s» en el hilo del bucle",
                            ll->nombre, ruta);
        escrita = 1;
    }
    tocar_archivo(v, ll, f, escrita);
}

static void tratar_otra(vista_t *v, const llamada_t *ll, const fila_t *f)
{
    tocar_archivo(v, ll, f, 0);
}

/* Qué hace cada clase con una llamada (NULL: nada), y cuándo: `cualquiera`, de cualquier proceso
 * de la traza (si no, solo de los hilos del programa: es_miembro); `solo_bien`, solo si acabó
 * bien (una apertura de un archivo que no existe no es leerlo). SONDEO no hace nada aquí: se
 * cuenta al entrar (oir_linea), porque una espera puede no volver nunca. */
static const struct {
    void (*tratar)(vista_t *v, const llamada_t *ll, const fila_t *f);
    int cualquiera, solo_bien;
} clases[NCLASES] = {
    [OTRA] = {tratar_otra, 0, 1},
    [EJECUTAR] = {tratar_ejecutar, 1, 1},
    [CREAR] = {tratar_crear, 0, 1},
    [EPOLL] = {tratar_epoll, 0, 0},
    [SONDEO] = {NULL, 0, 0},
    [DORMIR] = {tratar_dormir, 0, 0},
    [RED] = {tratar_red, 0, 1},
    [LEER_FD] = {tratar_fd, 0, 1},
    [ESCRIBIR_FD] = {tratar_fd, 0, 1},
    [ANILLO] = {tratar_anillo, 0, 1},
    [COPIA] = {tratar_copia, 0, 1},
    [MAPA] = {tratar_mapa, 0, 1},
    [ABRIR] = {tratar_abrir, 0, 1},
    [DESCRIPTOR] = {tratar_descriptor, 0, 1},
    [POR_RUTA] = {tratar_por_ruta, 0, 1},
};

/* Una llamada completa «nombre(args) = ret…» del hilo `tid`: la busca en la tabla y la trata
 * su clase. */
static void llamada(vista_t *v, long tid, unsigned long ip, const char *texto)
{
    llamada_t ll;
    if (!llamada_partir(texto, &ll))
        return;
    ll.tid = tid;
    ll.ip = ip;
    /* De cualquier proceso de la traza: bajo valgrind no se sabe cuál es el programa, y ni
     * strace, ni la puerta, ni bwrap las llaman. */
    if (filtro_es_nombrada(ll.nombre)) {
        conducta_anotar(
            v->denegada, sizeof v->denegada,
            "que la entrega llamó a %s, que la caja de arena no permite (falló con ENOSYS)%s",
            ll.nombre, "");
        return;
    }
    const fila_t *f = fila_de(ll.nombre);
    if (!clases[f->clase].cualquiera && !es_miembro(v, tid))
        return;
    if (clases[f->clase].solo_bien && !ll.bien)
        return;
    ll.principal = tid == v->principal;
    if (clases[f->clase].tratar != NULL)
        clases[f->clase].tratar(v, &ll, f);
}

/* Un marco « > /ruta(función+0x…) […]» de la llamada de antes (strace -k). Para saber si strace
 * sabe desenrollar (pilas_largas) solo cuentan los que tienen archivo: varias líneas
 * «unexpected_backtracing_error» no son una pila entera. */
static void oir_marco(void *dato, const char *marco)
{
    vista_t *v = dato;
    if (marco[0] == '/') {
        v->pila_lineas++;
        if (v->pila_lineas == 3 && es_miembro(v, v->pila_tid))
            v->pilas_largas++;
    }
    conducta_pila_marco(v, marco);
}

/* Cada línea que no es un marco: acaban los de la llamada de antes. `resto` (NULL si no es una
 * llamada), lo que sigue al hilo, completa o no. */
static void oir_linea(void *dato, long tid, const char *resto)
{
    vista_t *v = dato;
    conducta_pila_cerrar(v);
    v->pila_tid = tid;
    v->pila_lineas = 0;
    if (resto == NULL)
        return;
    if (v->principal == 0 && v->nprevios < MAX_PREVIOS) {
        int visto = 0;
        for (int i = 0; i < v->nprevios && !visto; i++)
            visto = v->previos[i] == tid;
        if (!visto)
            v->previos[v->nprevios++] = tid;
    }
    /* Una espera con poll o select puede no volver nunca (el programa muere en ella): se
     * cuenta al entrar, esté o no completa la línea. */
    char nombre[32];
    int sondeo = llamada_nombre(resto, nombre, sizeof nombre) && fila_de(nombre)->clase == SONDEO;
    if (sondeo && v->principal != 0 && tid == v->principal) {
        v->sondeos++;
        v->sondeos_espera += !conducta_sondeo_sin_espera(resto);
    } else if (sondeo && v->principal != 0 && es_miembro(v, tid)) {
        v->sondeos_hilo += !es_resolutor(v, tid);
        v->esperas_hilo += !conducta_sondeo_sin_espera(resto);
    }
}

static void oir_llamada(void *dato, long tid, unsigned long ip, const char *texto)
{
    llamada(dato, tid, ip, texto);
}

void conducta_leer_traza(const char *ruta, const char *programa, vista_t *v, int pila)
{
    const lab_t *lab = v->lab;
    const entradas_t *entradas = v->entradas;
    memset(v, 0, sizeof *v);
    v->lab = lab;
    v->entradas = entradas;
    v->programa = programa;
    v->pila = pila;
    v->trabajo = lab != NULL && lab->npila_en > 0 &&
                 (conducta_prohibe(lab, "lectura_bloqueante") ||
                  conducta_prohibe(lab, "archivos_bloqueantes"));
    const char *base = strrchr(ruta, '/');
    base = base != NULL ? base + 1 : ruta;
    v->lento = strstr(base, "-lento@") != NULL || strstr(base, "-lento.traza") != NULL;
    v->mapas =
        malloc(MAX_MAPAS * sizeof *v->mapas); /* sin memoria: nada mapeado, y no sale de libc */
    static const traza_oyente_t oyente = {oir_marco, oir_linea, oir_llamada};
    v->tope = traza_recorrer(ruta, &oyente, v);
    conducta_pila_cerrar(v);
    conducta_pila_cortadas(v);
    free(v->mapas);
    v->mapas = NULL;
    v->nmapas = 0;
}

int conducta_prohibe(const lab_t *lab, const char *grupo)
{
    for (int i = 0; i < lab->nprohibidos; i++)
        if (strcmp(lab->prohibidos[i], grupo) == 0)
            return 1;
    return 0;
}

int conducta_requiere(const lab_t *lab, const char *nombre)
{
    for (int i = 0; i < lab->nrequeridos; i++)
        if (strcmp(lab->requeridos[i], nombre) == 0)
            return 1;
    return 0;
}
