/* conducta.c — los medios, juzgados por lo que hace el programa: las trazas de strace que
 * deja cada lanzamiento (lib/observar.c), leídas al terminar el calificador del laboratorio.
 *
 * Los nombres (runner/medios.c) son un primer filtro rápido, pero se esquivan: alias de glibc,
 * uv_fs_* con callback NULL (síncronas, en el hilo del bucle), un bucle propio en lugar de
 * uv_run, una instrucción syscall escondida del desensamblador, una tabla de punteros que
 * «usa» uv_run sin llamarlo. Lo que no se esquiva es lo que el núcleo ve: qué hilo hace qué
 * llamada al sistema. Las reglas salen de los mismos grupos de lab.json («medios»):
 *
 *   lectura_bloqueante    el hilo del bucle (tid == pid) no abre, lee ni lista archivos
 *                         normales: eso lo hacen los hilos del grupo de libuv (uv_fs_*). Y
 *                         ninguna otra operación sobre ellos (stat, close, lseek…), con una
 *                         lista de permitidas (tocar_archivo): el execve y mirar por ruta antes
 *                         de uv_run. Un mmap de un archivo normal, en cualquier hilo: lo lee
 *                         quien toque la memoria, sin que se vea (hostiles/medios_08_mapa.c)
 *   archivos_bloqueantes  el hilo del bucle no abre, escribe, trunca, sincroniza, renombra,
 *                         enlaza ni borra archivos normales, ni cierra o mide (fstat) uno
 *                         abierto: uv_fs_close y uv_fs_fstat sin callback
 *   procesos              ningún fork/vfork/clone sin CLONE_THREAD ni un segundo execve
 *   hilos                 como mucho UV_THREADPOOL_SIZE hilos (el grupo de libuv; lo fija
 *                         cal_lanzar), sin contar los del resolutor de libcurl (los que
 *                         preguntan al DNS por UDP o a nscd; solo donde se usa el cliente
 *                         HTTP, y nunca uno que toque un archivo normal): un hilo propio lo
 *                         supera
 *   red_cruda             los sockets TCP solo desde el hilo del bucle (libuv y curl-multi);
 *                         en un servidor (requiere uv_listen) ningún hilo espera con poll o
 *                         select: ni el del bucle (libuv usa epoll) ni uno del grupo (la sala
 *                         en un uv_queue_work, hostiles/chat_grupo.c; los resolutores aparte)
 *   (todos)               sin espera activa: como mucho ESPERAS_MAX nanosleep en el hilo del
 *                         bucle por ejecución (los laboratorios son de libuv: espera uv_run);
 *                         dormir en una callback (libuv en la pila: espera_cerrar) es lo menor
 *   requerido «uv_run»    en alguna ejecución, epoll_ctl en el hilo del bucle (libuv
 *                         1.44 lo llama dentro de uv_run, al vigilar su primer descriptor; si
 *                         no, el aviso «no usa uv_run», aunque el nombre aparezca). No se para
 *                         en cada epoll_wait: costaría una parada por vuelta del bucle
 *   libpq_bloqueante      ni un poll/ppoll/select/pselect6 que espere (tiempo distinto de
 *                         0; PQfinish mira sin esperar) en el hilo del bucle: libpq
 *                         bloqueante (PQconnectdb, PQexec…, PQgetResult sin PQisBusy)
 *                         espera con poll en el hilo que la llama; la biblioteca del curso
 *                         (common/src/bd.c) vigila PQsocket con un uv_poll, que espera en el
 *                         epoll de libuv (hostiles/bd_bloqueante.c)
 *   (todos) llamadas      ninguna de las siempre prohibidas que nombra la caja (base/filtro.c:
 *   prohibidas            el anillo de claves, Linux AIO, bpf, leer la memoria de otro
 *                         proceso…): el filtro las para con SECCOMP_RET_TRACE y strace las
 *                         hace fallar con ENOSYS y las escribe («(INJECTED)»). Cuenta como un
 *                         medio prohibido; las demás que el filtro niega fallan en silencio
 *   (todos) desde dónde   con la dirección de la instrucción (strace -i) y los mmap de la
 *                         traza: cada epoll_create*, epoll_ctl (y, con red_cruda, cada socket
 *                         TCP, listen y accept) sale de libc (por donde pasan libuv, libcurl y
 *                         libpq) o de esas bibliotecas, no de una instrucción syscall del
 *                         programa: eso es su propio bucle (hostiles/chat_epoll.c)
 *   (servidores) la pila  en los laboratorios con red_cruda prohibido y uv_listen requerido
 *                         (el 09), además la pila de esas llamadas (strace -k): pasan por
 *                         libuv.so, no solo por libc (hostiles/chat_sin_libuv.c: las
 *                         funciones de libc encontradas con dl_iterate_phdr). Ahí epoll_ctl
 *                         no se para (libuv 1.50 hace uno por escritura terminada:
 *                         conducta_llamadas); basta epoll_create*, que un bucle propio pide
 *
 * «Archivo normal» es una ruta absoluta fuera del sistema (/usr, /lib, /etc, /proc, /sys,
 * /dev): el cargador dinámico y getaddrinfo leen su configuración en el hilo principal y no
 * cuentan. Una llamada que falla (un open de un archivo que no existe) tampoco.
 *
 * Proporción: cada traza dice de qué verificación es («…@<id>.traza»). Una regla rota en el
 * camino principal —una verificación del «nucleo» de lab.json, una traza sin verificación, o
 * más de la mitad de las verificaciones con ejecuciones— deja el laboratorio sin calificar;
 * si no, solo pierden sus puntos las verificaciones donde se vio (autograder/README.md).
 */
#define _GNU_SOURCE
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HILOS_GRUPO    4  /* UV_THREADPOOL_SIZE que pone cal_lanzar (lib/lanzar.c) */
#define ESPERAS_MAX    20 /* nanosleep en el hilo del bucle por ejecución */
#define MAX_PREVIOS    64
#define PILA_MAX       32 /* marcos guardados de una llamada del grupo (pila_cola) */
#define MAX_PENDIENTES 64
#define TOPE_TRAZA     (64u << 20)
#define MAX_REGLAS     8 /* como «reglas_traza» en runner/manifiesto.c */

/* Los archivos de la entrada: los regulares que escribieron las verificaciones, de sus
 * listas «*.entrada» (lib/observar.c), ordenados para buscarlos con bsearch. */
typedef struct {
    char **rutas;
    size_t n, cap;
} entradas_t;

/* Lo visto en una traza (un lanzamiento). */
#define MAX_MAPAS 4096
struct mapa {
    unsigned long ini, fin;
    char clase;     /* 'c' libc o el cargador, 'p' libuv/libcurl/libpq, 'a' sin archivo, 'o' otro */
    char ruta[100]; /* el archivo, para el aviso */
};

typedef struct {
    long principal; /* tid del hilo del bucle (el que hizo el execve del programa); 0 = no se vio */
    long previos[MAX_PREVIOS]; /* los de antes del exec: strace, la puerta, bwrap y su init */
    int nprevios;
    int creados;                   /* hilos creados por el programa */
    long resolutores[MAX_PREVIOS]; /* hilos de getaddrinfo (el resolutor de libcurl) */
    int nresolutores;
    long tocan[MAX_PREVIOS]; /* hilos (no el del bucle) que tocaron un archivo normal */
    int ntocan;
    int epoll, esperas;  /* epoll_ctl y nanosleep en el hilo del bucle */
    int esperas_run;     /* de esos nanosleep, los hechos dentro de uv_run (espera_cerrar) */
    int esperas_cb;      /* y de esos, los que lo prueban con su pila: libuv debajo */
    int sondeos;         /* poll/select en el hilo del bucle (libuv espera con epoll) */
    int sondeos_espera;  /* de ellos, los que esperan (tiempo distinto de 0) */
    int sondeos_hilo;    /* poll/select en otro hilo del programa que no es un resolutor */
    int herramientas;    /* arranques de la herramienta de valgrind (uno por programa) */
    int lecturas_grupo;  /* archivos normales leídos o escritos en otros hilos */
    char lectura[512];   /* primera lectura de archivo en el hilo del bucle */
    char escritura[512]; /* primera escritura/renombrado… en el hilo del bucle */
    char menor[512];     /* primer cierre, fstat o borrado síncrono en el hilo del bucle */
    char proceso[256];   /* primer proceso creado */
    char red[256];       /* primer socket fuera del hilo del bucle */
    char denegada[200];  /* primera llamada siempre prohibida (base/filtro.c) */
    /* «reglas_traza»: con qué se juzgan y lo visto (la primera lectura que rompe cada una) */
    const lab_t *lab;
    const entradas_t *entradas;
    int lecturas_entrada; /* lecturas de archivos de la entrada juzgadas */
    char roto[MAX_REGLAS][400];
    /* Desde dónde se hace cada llamada (strace -i): lo mapeado con mmap (libc, una
     * biblioteca, memoria sin archivo); fuera de todo eso, el propio programa. */
    struct mapa *mapas;
    int nmapas;
    int con_ip, sin_ip;    /* llamadas juzgadas por su dirección, y sin ella (sin -i) */
    char ajeno_epoll[400]; /* primer epoll que no sale de libc */
    char ajeno_red[400];   /* primer socket, listen o accept que no sale de libc */
    /* Con la pila (strace -k, conducta_pila): la última llamada que la necesita, a la espera
     * de sus marcos (las líneas « > archivo(función+0x…) [0x…]» que la siguen). */
    int pila; /* se juzga la pila en este laboratorio */
    /* Con el disco lento (la traza se llama «…-lento@<id>.traza», lib/observar.c): la primera
     * escritura o renombrado de un archivo normal, en cualquier hilo, que no es de las que se
     * hacen lentas (pwrite64, pwritev, pwritev2; rename*). */
    int lento;
    char esquivo[400];
    int pila_pendiente;   /* hay una llamada esperando sus marcos */
    int pila_red;         /* es de la red (socket, listen, accept), no de epoll */
    int pila_marcos;      /* marcos vistos */
    int pila_biblioteca;  /* alguno en libuv.so (o libcurl, libpq) */
    char pila_nombre[32]; /* la llamada */
    char pila_quien[160]; /* el primer marco que no es de libc: quién llamó */
    /* «El grupo lee por el programa» («medios.pila_en»): la llamada pendiente es de un archivo
     * en un hilo del grupo de libuv (pila_modo 1), y su primer marco del propio programa. */
    int trabajo;   /* se juzga en este laboratorio */
    int pila_modo; /* 0: epoll o la red (conducta_pila); 1: un archivo del grupo; 2: un nanosleep */
    char pila_ruta[200];     /* el archivo */
    char pila_programa[160]; /* el primer marco del programa («h_leer en «contador»») */
    int trabajo_con_pila;    /* archivos del grupo con su pila (juzgados) */
    int trabajo_sin_pila;    /* y sin ella (strace sin -k en esta ejecución) */
    int trabajo_cortada;     /* y con un solo marco de libc: strace no la siguió (pila_cerrar) */
    char cortada_visto[400]; /* la primera de esas */
    long pila_tid;           /* de quién es la pila que se está leyendo (cualquier llamada) */
    int pila_lineas;         /* y cuántos marcos con archivo lleva */
    int pilas_largas;        /* pilas del programa con 3 marcos o más: strace sabe seguirlas */
    char trabajo_visto[900]; /* el primero pedido por el programa, o leído sin libuv */
    /* Sus marcos, de dentro afuera (pila_cola): de quién es cada uno, su dirección en su
     * archivo («[0x…]») y la función que dice strace. */
    int pila_n;
    char pila_clase[PILA_MAX]; /* 'c' libc o el cargador, 'u' libuv, 'o' otro, 'x' sin archivo */
    unsigned long pila_dir[PILA_MAX];
    char pila_funcion[PILA_MAX][48];
    char pila_archivo[PILA_MAX][64]; /* el nombre de su archivo, para el informe */
    char pila_libuv[256];            /* la ruta de libuv en esa pila */
} vista_t;

/* Lo juzgado en todo el laboratorio. */
typedef struct {
    int trazas, observadas, con_epoll, con_grupo, sin_ip, con_ip;
    char lectura[600], escritura[600], proceso[300], red[300], hilos[200], esperas[200];
    char menor[600]; /* cerrar, medir o borrar un archivo sin callback: cuesta una verificación */
    int esperas_run; /* las de `esperas`, dentro de uv_run (en callbacks), no en un bucle propio */
    int esperas_cb;  /* y probado con la pila de cada nanosleep: es lo menor (hay_menor) */
    char denegada[200];
    char libpq[200]; /* libpq_bloqueante: esperas con poll o select en el hilo del bucle */
    int lecturas_entrada;
    char roto[MAX_REGLAS][400];
    char ajeno_epoll[400], ajeno_red[400];
    char trabajo[900]; /* un archivo del grupo de libuv pedido por el programa (pila) */
    int trabajo_con_pila;
} juicio_t;

/* Si se juzga desde dónde se hacen las llamadas (strace -i): lo decide conducta_probar. Y si
 * strace da la pila (-k), para conducta_pila; si no, por qué (para el aviso del laboratorio
 * que la necesita). */
static int origen_ok, pila_ok;
static char origen_motivo[400], pila_motivo[400];
/* Por qué no se juzgó «el grupo lee por el programa» (conducta_sin_pila_trabajo). */
static char trabajo_motivo[400];

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

static int empieza(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* 1 si la llamada (el texto de strace desde su nombre) mira sin esperar: poll con tiempo 0,
 * ppoll, select o pselect6 con {tv_sec=0, tv_…sec=0}. La solución del 12 hace un poll(…, 1, 0)
 * en el hilo del bucle al cerrar cada conexión (medido: uno por conexión, justo antes de que
 * libuv suelte su descriptor); libpq bloqueante espera con -1 o con un plazo. */
static int sondeo_sin_espera(const char *llamada)
{
    if (empieza(llamada, "poll(")) {
        /* poll(FDS, N, TIEMPO): FDS puede ser [...] o [{fd=3, events=POLLIN}, …]. */
        int nivel = 0;
        const char *c = llamada + strlen("poll(");
        for (; *c != '\0'; c++) {
            if (*c == '[' || *c == '{')
                nivel++;
            else if ((*c == ']' || *c == '}') && nivel > 0)
                nivel--;
            else if (*c == ',' && nivel == 0)
                break;
        }
        long n, tiempo;
        char cierre;
        return *c == ',' && sscanf(c, ", %ld, %ld%c", &n, &tiempo, &cierre) == 3 && tiempo == 0 &&
               cierre == ')';
    }
    return strstr(llamada, "{tv_sec=0, tv_nsec=0}") != NULL ||
           strstr(llamada, "{tv_sec=0, tv_usec=0}") != NULL;
}

/* La precarga vivos que el propio calificador pone al programa (lib/vivos.c): el cargador la
 * abre y la mapea en el hilo principal, como las bibliotecas del sistema; no es del programa.
 * Su ruta fuera de la caja (junto al binario) la da conducta_precarga; dentro, CAL_VIVOS_EN_CAJA.
 */
static char precarga[PATH_MAX];

void conducta_precarga(const char *ruta)
{
    texto_poner(precarga, sizeof precarga, "%s", ruta);
}

/* 1 si `r` es la precarga vivos (dentro de la caja o fuera). */
static int es_precarga(const char *r)
{
    return strcmp(r, CAL_VIVOS_EN_CAJA) == 0 || (precarga[0] != '\0' && strcmp(r, precarga) == 0);
}

/* Una ruta de un archivo normal de la entrega (no del sistema). */
static int ruta_normal(const char *r)
{
    static const char *const sistema[] = {"/usr/", "/lib",  "/etc/",  "/proc/", "/sys/",
                                          "/dev/", "/bin/", "/sbin/", NULL};
    /* En /dev, lo que el programa puede escribir es suyo: un archivo copiado a /dev/shm (un
     * tmpfs de 1 MiB en la caja) y leído allí de forma síncrona no es «del sistema» (lo
     * encontró un adversario en la sesión 27). */
    static const char *const escribibles[] = {"/dev/shm/", "/dev/mqueue/", NULL};
    if (r[0] != '/')
        return 0;
    for (int i = 0; escribibles[i] != NULL; i++)
        if (empieza(r, escribibles[i]))
            return 1;
    if (es_precarga(r))
        return 0;
    for (int i = 0; sistema[i] != NULL; i++)
        if (empieza(r, sistema[i]))
            return 0;
    return 1;
}

/* Copia en `dst` lo que hay entre '<' y el '>' que cierra, desde `s` («3</tmp/x>»). */
static int ruta_fd(const char *s, char *dst, size_t tam)
{
    const char *a = strchr(s, '<');
    if (a == NULL)
        return 0;
    const char *b = a + 1;
    while (*b != '\0' && !(b[0] == '>' && (b[1] == ',' || b[1] == ')' || b[1] == '\0' ||
                                           b[1] == ' ' || b[1] == '\n')))
        b++;
    size_t n = (size_t)(b - a - 1);
    if (n >= tam)
        n = tam - 1;
    memcpy(dst, a + 1, n);
    dst[n] = '\0';
    return 1;
}

/* La primera cadena entre comillas de los argumentos. */
static void primera_cadena(const char *args, char *dst, size_t tam)
{
    dst[0] = '\0';
    const char *a = strchr(args, '"');
    const char *b = a != NULL ? strchr(a + 1, '"') : NULL;
    if (b == NULL)
        return;
    size_t n = (size_t)(b - a - 1);
    if (n >= tam)
        n = tam - 1;
    memcpy(dst, a + 1, n);
    dst[n] = '\0';
}

static int en_lista(const char *nombre, const char *const *lista)
{
    for (int i = 0; lista[i] != NULL; i++)
        if (strcmp(nombre, lista[i]) == 0)
            return 1;
    return 0;
}

static const char *const por_fd_lectura[] = {"read",    "pread64",    "readv",    "preadv",
                                             "preadv2", "getdents64", "getdents", NULL};
static const char *const por_fd_escritura[] = {
    "write", "pwrite64", "writev", "pwritev", "pwritev2", "fsync", "fdatasync", "ftruncate", NULL};
/* Mueven bytes entre dos descriptores sin read ni write (el origen y el destino, en este
 * orden en los argumentos; sendfile, al revés): hostiles/medios_08_splice.c. */
static const char *const por_fd_copia[] = {
    "splice", "tee", "copy_file_range", "sendfile", "fallocate", "sync_file_range", NULL};
/* io_uring: el núcleo abre, lee y escribe por el programa sin ninguna de las llamadas de
 * arriba. libuv 1.44 no lo usa, así que nunca es el grupo de libuv. */
static const char *const por_anillo[] = {"io_uring_setup", "io_uring_enter", "io_uring_register",
                                         NULL};
static const char *const por_ruta[] = {"truncate", "rename",    "renameat", "renameat2",
                                       "link",     "linkat",    "unlink",   "unlinkat",
                                       "symlink",  "symlinkat", NULL};
/* Sobre un descriptor que ya está abierto: cerrarlo o medirlo (archivos_bloqueantes). */
static const char *const por_descriptor[] = {"close", "fstat", "newfstatat", "statx", NULL};
/* Proporción: cerrar, medir (fstat) o borrar un archivo sin callback bloquea el bucle unos
 * microsegundos y no mueve datos; el trabajo del laboratorio (abrir, leer, escribir, truncar,
 * renombrar) sigue hecho con uv_fs_*. Es un fallo pequeño y, aunque se repita en cada
 * descarga, es uno: cuesta una verificación (la primera del «nucleo» donde se vio, o si no la
 * primera donde se vio), no el laboratorio. Las de por_descriptor van todas aquí; de las de
 * por_ruta, estas. En tocar_archivo (lectura_bloqueante), cerrar o medir un descriptor. */
static const char *const menores[] = {"unlink", "unlinkat", NULL};
/* Con lectura_bloqueante, además de la clase %file de strace (las que toman una ruta), las que
 * trabajan sobre un descriptor ya abierto y no están en ninguna lista de arriba: con ellas se
 * juzga toda operación de archivo del hilo del bucle (tocar_archivo). Ni epoll_wait ni la
 * lectura y escritura de sockets: serían una parada por vuelta o por mensaje. */
#define POR_DESCRIPTOR_TODAS                                                                       \
    "close,fstat,newfstatat,statx,lseek,fchdir,fchmod,fchown,flock,fadvise64,fstatfs,"             \
    "fgetxattr,fsetxattr,flistxattr,fremovexattr,readahead,ftruncate,fsync,fdatasync,syncfs,"      \
    "fcntl,dup,dup2,dup3,sync_file_range,fallocate"
static const char *const red[] = {"socket", "connect",  "accept",  "accept4", "bind", "listen",
                                  "sendto", "recvfrom", "sendmsg", "recvmsg", NULL};

static void anotar(char *dst, size_t tam, const char *fmt, const char *a, const char *b)
{
    if (dst[0] == '\0')
        snprintf(dst, tam, fmt, a, b);
}

/* El argumento `k` (desde 0) de «(a, b, c)»: entre comas de primer nivel, sin contar las de
 * dentro de un texto entre comillas ni de <…>, […] o {…}. 1 si está (en *ini y *n). */
static int argumento(const char *par, int k, const char **ini, size_t *n)
{
    int nivel = 0, comillas = 0, i = 0;
    const char *a = par + 1;
    for (const char *p = a; *p != '\0'; p++) {
        if (comillas) {
            if (*p == '\\' && p[1] != '\0')
                p++;
            else if (*p == '"')
                comillas = 0;
            continue;
        }
        if (*p == '"')
            comillas = 1;
        else if (*p == '<' || *p == '[' || *p == '{' || *p == '(')
            nivel++;
        else if ((*p == '>' || *p == ']' || *p == '}' || *p == ')') && nivel > 0)
            nivel--;
        else if ((*p == ',' || *p == ')') && nivel == 0) {
            if (i == k) {
                while (*a == ' ')
                    a++;
                *ini = a;
                *n = (size_t)(p - a);
                return 1;
            }
            if (*p == ')')
                return 0;
            i++;
            a = p + 1;
        }
    }
    return 0;
}

/* Cuántos bytes pide una lectura de `nombre` (read y pread64: su tercer argumento; readv,
 * preadv y preadv2: la suma de los iov_len). -1 si no se sabe: con más búferes de los que
 * strace escribe (-s 16, lib/observar.c), la lista acaba en «...». En `como`, la llamada
 * abreviada para el mensaje («read(…, 64000)»). */
static long pedido_lectura(const char *nombre, const char *par, char *como, size_t tam)
{
    const char *a;
    size_t n;
    int vector = strcmp(nombre, "read") != 0 && strcmp(nombre, "pread64") != 0;
    if (!argumento(par, vector ? 1 : 2, &a, &n))
        return -1;
    if (!vector) {
        char *fin;
        long v = strtol(a, &fin, 10);
        snprintf(como, tam, "%s(…, %ld)", nombre, v);
        return fin != a ? v : -1;
    }
    long suma = 0;
    int bufs = 0, comillas = 0;
    for (size_t i = 0; i < n; i++) {
        if (comillas) {
            if (a[i] == '\\')
                i++;
            else if (a[i] == '"')
                comillas = 0;
            continue;
        }
        if (a[i] == '"') {
            comillas = 1;
        } else if (strncmp(a + i, "iov_len=", 8) == 0) {
            suma += strtol(a + i + 8, NULL, 10);
            bufs++;
        } else if (a[i] == '.' && i + 2 < n && a[i + 1] == '.' && a[i + 2] == '.' &&
                   (i == 0 || a[i - 1] != '"')) {
            snprintf(como, tam, "%s(…) con más búferes de los que se ven", nombre);
            return -1;
        }
    }
    snprintf(como, tam, "%s(…, %d %s %ld %s)", nombre, bufs,
             texto_plural(bufs, "búfer que suma", "búferes que suman"), suma,
             texto_plural(suma, "byte", "bytes"));
    return bufs > 0 ? suma : -1;
}

static int comparar_rutas(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int es_entrada(const entradas_t *e, const char *ruta)
{
    return e != NULL && e->n > 0 &&
           bsearch(&ruta, e->rutas, e->n, sizeof *e->rutas, comparar_rutas) != NULL;
}

/* La ruta para el mensaje: desde la carpeta de la verificación («…/calif-memoria-Xy12/…»
 * → «…/grande.txt» sin el resto), que es larga y no le dice nada al estudiante. */
static const char *ruta_corta(const char *r)
{
    const char *c = strstr(r, "/calif-");
    const char *b = c != NULL ? strchr(c + 1, '/') : NULL;
    return b != NULL ? b + 1 : r;
}

/* Una lectura de un archivo de la entrada: cada regla que pide otro tamaño queda rota. */
static void juzgar_lectura(vista_t *v, const char *nombre, const char *par, const char *ruta)
{
    if (v->lab == NULL || v->lab->nreglas == 0 || !es_entrada(v->entradas, ruta))
        return;
    char como[160];
    long pedido = pedido_lectura(nombre, par, como, sizeof como);
    v->lecturas_entrada++;
    for (int i = 0; i < v->lab->nreglas && i < MAX_REGLAS; i++)
        if (pedido != v->lab->reglas[i].lectura_bytes && v->roto[i][0] == '\0')
            snprintf(v->roto[i], sizeof v->roto[i],
                     "se vio %s sobre un archivo de la entrada («…/%s»)", como, ruta_corta(ruta));
}

/* Un archivo de la entrada que entra por `nombre`, que no es una lectura (mmap, splice,
 * sendfile, copy_file_range, tee): cada regla queda rota, porque lo que pide cada una es el
 * tamaño de cada lectura, y aquí no hay ninguna que medir. */
static void juzgar_sin_lectura(vista_t *v, const char *nombre, const char *ruta)
{
    if (v->lab == NULL || v->lab->nreglas == 0 || !es_entrada(v->entradas, ruta))
        return;
    v->lecturas_entrada++;
    for (int i = 0; i < v->lab->nreglas && i < MAX_REGLAS; i++)
        if (v->roto[i][0] == '\0')
            snprintf(v->roto[i], sizeof v->roto[i],
                     "se vio %s sobre un archivo de la entrada («…/%s»): no es una lectura (read, "
                     "pread64, readv, preadv o preadv2), y lo que se juzga es cada lectura",
                     nombre, ruta_corta(ruta));
}

/* --- Desde dónde se hace la llamada -------------------------------------------------------
 *
 * strace -i pone delante de cada llamada la dirección de su instrucción syscall
 * («[00007f1157527c1a] epoll_ctl(…)»), y los mmap de la traza (-y da el archivo de cada uno;
 * solo en el 08 y el 11, donde ya se paran) dicen qué hay en cada dirección. libuv, libcurl y libpq
 * llaman a epoll_ctl, socket o accept4 por libc, así que su instrucción está en libc. Una
 * instrucción syscall del programa (hostiles/chat_epoll.c: su propio bucle epoll, escondido de
 * objdump) está en el propio programa, que el núcleo carga sin mmap: fuera de todo lo mapeado. La
 * que está en memoria sin archivo es código que el programa escribió. Solo se miran llamadas que el
 * cargador (ld.so, que tampoco se mapea con mmap) no hace nunca. Con -k (la pila entera) se vería
 * además quién llamó a libc, pero cuesta de 1 a 5 ms por llamada (medido en
 * common/TRAMPAS.md): las soluciones del 08 y el 11 no acababan a tiempo. */

static int sistema_y(const char *ruta, const char *const *nombres)
{
    if (!empieza(ruta, "/usr/lib/") && !empieza(ruta, "/lib/") && !empieza(ruta, "/lib64/"))
        return 0;
    const char *base = strrchr(ruta, '/') + 1;
    for (int i = 0; nombres[i] != NULL; i++)
        if (empieza(base, nombres[i]))
            return 1;
    return 0;
}

static const char *const libc_y_cargador[] = {"libc.so", "libc-", "ld-linux", NULL};
static const char *const permitidas[] = {"libuv.so", "libcurl.so", "libcurl-gnutls.so", "libpq.so",
                                         NULL};
static const char *const solo_libuv[] = {"libuv.so", NULL};

/* «mmap(dir, largo, prot, indicadores, fd<ruta>|-1, desp)» que devolvió `ret_txt`. */
static void mapa_anotar(vista_t *v, const char *par, const char *ret_txt)
{
    const char *coma = strchr(par, ',');
    if (v->mapas == NULL || v->nmapas >= MAX_MAPAS || coma == NULL)
        return;
    struct mapa *m = &v->mapas[v->nmapas];
    m->ini = strtoul(ret_txt, NULL, 16);
    m->fin = m->ini + strtoul(coma + 1, NULL, 10);
    m->ruta[0] = '\0';
    if (!ruta_fd(par, m->ruta, sizeof m->ruta))
        m->ruta[0] = '\0';
    m->clase = m->ruta[0] == '\0'                    ? 'a'
               : sistema_y(m->ruta, libc_y_cargador) ? 'c'
               : sistema_y(m->ruta, permitidas)      ? 'p'
                                                     : 'o';
    if (m->fin > m->ini)
        v->nmapas++;
}

/* Juzga desde dónde se hizo `nombre` (la dirección `ip`; 0 = strace no la dio). */
static void origen_juzgar(vista_t *v, const char *nombre, unsigned long ip, int red_)
{
    if (ip == 0) {
        v->sin_ip++;
        return;
    }
    v->con_ip++;
    if (v->nmapas == 0) {
        /* Sin los mmap (fuera del 08 y el 11): el propio programa (PIE, hacia 0x55…; sin PIE,
         * 0x400000) y su montón quedan por debajo de 0x700000000000, y las bibliotecas y la
         * memoria de mmap por encima (x86_64, disposición de arriba abajo). Lo que no se
         * distingue así, código en memoria sin archivo, queda sin ver aquí. */
        if (ip >= 0x700000000000UL)
            return;
    }
    const struct mapa *m = NULL;
    for (int i = v->nmapas - 1; i >= 0 && m == NULL; i--)
        if (ip >= v->mapas[i].ini && ip < v->mapas[i].fin)
            m = &v->mapas[i];
    if (m != NULL && (m->clase == 'c' || m->clase == 'p'))
        return;
    char desde[200];
    if (m == NULL)
        snprintf(desde, sizeof desde, "una instrucción syscall del propio programa");
    else if (m->clase == 'a')
        snprintf(desde, sizeof desde, "código en memoria sin archivo (escrito por el programa)");
    else
        snprintf(desde, sizeof desde, "código de «%s»", m->ruta);
    char *dst = red_ ? v->ajeno_red : v->ajeno_epoll;
    size_t tam = red_ ? sizeof v->ajeno_red : sizeof v->ajeno_epoll;
    anotar(dst, tam,
           "%s hecho por %s, no por libuv (ni por libc, por donde pasan libuv, curl y libpq)",
           nombre, desde);
}

/* Una llamada que debe pasar por libuv (o libcurl, libpq): sus marcos vienen detrás. */
static void pila_esperar(vista_t *v, const char *nombre, int red_)
{
    if (!v->pila)
        return;
    v->pila_pendiente = 1;
    v->pila_modo = 0;
    v->pila_red = red_;
    v->pila_marcos = v->pila_biblioteca = 0;
    v->pila_quien[0] = '\0';
    snprintf(v->pila_nombre, sizeof v->pila_nombre, "%s", nombre);
}

/* La función de un marco («/ruta/archivo(función+0x…) [0x…]»), hasta `max` letras, en dst (""
 * sin símbolo). */
static void marco_funcion(const char *marco, char *dst, size_t tam, size_t max)
{
    const char *fn = strchr(marco, '(');
    size_t l = fn != NULL ? strcspn(fn + 1, "+)") : 0;
    if (l > max)
        l = max;
    snprintf(dst, tam, "%.*s", (int)l, fn != NULL ? fn + 1 : "");
}

/* Quién es un marco, para el informe: «función en «archivo»», o «archivo» sin símbolo. */
static void marco_quien(const char *marco, const char *ruta, char *dst, size_t tam)
{
    char fn[64];
    const char *base = strrchr(ruta, '/') + 1;
    marco_funcion(marco, fn, sizeof fn, 60);
    if (fn[0] != '\0')
        snprintf(dst, tam, "%s en «%s»", fn, base);
    else
        snprintf(dst, tam, "«%s»", base);
}

/* Un marco « > /ruta/archivo(función+0x…) [0x…]» (o « > /ruta/archivo() [0x…]» sin símbolo)
 * de la llamada pendiente. */
static void pila_marco(vista_t *v, const char *marco)
{
    if (!v->pila_pendiente)
        return;
    char ruta[256];
    size_t n = strcspn(marco, "([ ");
    snprintf(ruta, sizeof ruta, "%.*s", (int)(n < sizeof ruta ? n : sizeof ruta - 1), marco);
    if (ruta[0] != '/') {
        /* «unexpected_backtracing_error»: un marco que libdw no atribuye a ningún archivo. En
         * la pila de un archivo del grupo cuenta (pila_cola lo rechaza): código fuera de todo
         * archivo (memoria W+X) cuyo marco libdw se salta con el puntero de marco, y la pila
         * seguiría como la permitida. */
        if (v->pila_modo == 1 && v->pila_n < PILA_MAX) {
            int i = v->pila_n++;
            v->pila_clase[i] = 'x';
            v->pila_dir[i] = 0;
            v->pila_funcion[i][0] = '\0';
            snprintf(v->pila_archivo[i], sizeof v->pila_archivo[i], "(sin archivo)");
        }
        return;
    }
    /* Los marcos de la precarga no cuentan: envuelve read, readv, write y writev de libc para
     * las cuentas del tráfico (common/herramientas/vivos/vivos.c), y entre libuv y libc queda
     * su marco; el programa no puede poner código en ella. */
    if (es_precarga(ruta))
        return;
    v->pila_marcos++;
    if (v->pila_modo == 2) {
        /* Un marco de libuv en la pila de un nanosleep: duerme en una callback de uv_run. */
        if (sistema_y(ruta, solo_libuv))
            v->pila_biblioteca = 1;
        return;
    }
    if (v->pila_modo == 1 && v->pila_n < PILA_MAX) {
        int i = v->pila_n++;
        v->pila_clase[i] = sistema_y(ruta, solo_libuv)        ? 'u'
                           : sistema_y(ruta, libc_y_cargador) ? 'c'
                                                              : 'o';
        const char *corchete = strrchr(marco, '[');
        v->pila_dir[i] = corchete != NULL ? strtoul(corchete + 1, NULL, 16) : 0;
        marco_funcion(marco, v->pila_funcion[i], sizeof v->pila_funcion[i],
                      sizeof v->pila_funcion[i] - 1);
        snprintf(v->pila_archivo[i], sizeof v->pila_archivo[i], "%s", strrchr(ruta, '/') + 1);
        if (v->pila_clase[i] == 'u' && v->pila_libuv[0] == '\0')
            snprintf(v->pila_libuv, sizeof v->pila_libuv, "%s", ruta);
    }
    if (v->pila_modo == 1) {
        /* Uno de libuv: el archivo lo pidió libuv (su worker → uv__fs_work), no libc sola. */
        if (sistema_y(ruta, solo_libuv))
            v->pila_biblioteca = 1;
        /* Un marco del propio programa: su binario (o cualquier archivo fuera del sistema que
         * no sea la precarga del calificador), no libc, libuv ni el cargador. */
        if (v->pila_programa[0] == '\0' && ruta_normal(ruta))
            marco_quien(marco, ruta, v->pila_programa, sizeof v->pila_programa);
        return;
    }
    if (sistema_y(ruta, permitidas))
        v->pila_biblioteca = 1;
    else if (!sistema_y(ruta, libc_y_cargador) && v->pila_quien[0] == '\0')
        marco_quien(marco, ruta, v->pila_quien, sizeof v->pila_quien);
}

/* La pila de un archivo que toca un hilo del grupo de libuv, contra la única que da una uv_fs_*
 * con callback, de fuera adentro: el arranque del hilo (libc: start_thread, clone) ← el bucle
 * del grupo (`worker`, una función de libuv que no se exporta) ← justo encima, la función de
 * archivos de libuv (`uv__fs_work`, tampoco exportada) ← lo que esta llame, de libuv o de libc.
 * Es una lista de permitidos: cualquier otra forma se rechaza, porque el programa puede
 * fabricar la suya. Medido: una llamada de cola como última sentencia de una callback de
 * uv_queue_work borra de la pila el marco del programa y deja justo encima del bucle lo que
 * llamó (preadv64v2 de libc, 96/100 en el 08; uv_fs_open sin callback, 100/100); una pila nueva
 * con makecontext cuya función de entrada es uv_fs_read sin callback deja libc ← uv__fs_work ←
 * uv_fs_read ← __start_context de libc (100/100 en el 08 y el 11): el último marco de libuv es
 * una función exportada, no el bucle. Lo exportado se sabe por los rangos de .dynsym
 * (runner/exportadas.c): los nombres de strace no valen, libdw da el exportado más cercano.
 * Una pila que no llega al arranque del hilo (cortada, o con más de PILA_MAX marcos) también
 * se rechaza: la de una uv_fs_* con callback tiene de 5 a 7 marcos (medido en las soluciones
 * del 08 y el 11). 1 y el motivo en `por`, o 0 si es la permitida (si libuv no se pudo leer,
 * solo se mira que esos dos marcos sean de libuv). No cierra un libuv donde `uv__queue_work`
 * conserve su marco (en el de Debian es una llamada de cola), ni una pila fabricada con las
 * direcciones de retorno de `worker` y del arranque del hilo (autograder/README.md, «Medios»). */
static int pila_cola(const vista_t *v, char *por, size_t tam)
{
    char nombre[64];
    if (v->pila_marcos > v->pila_n) {
        snprintf(por, tam,
                 "una pila más larga que la de una uv_fs_* con callback (marcos: %d "
                 "o más; la permitida tiene 7 como mucho)",
                 PILA_MAX);
        return 1;
    }
    int w = -1;
    for (int i = v->pila_n - 1; i >= 0 && w < 0; i--)
        if (v->pila_clase[i] == 'u')
            w = i;
    if (w < 0)
        return 0; /* sin libuv: lo juzga pila_cerrar */
    if (w == v->pila_n - 1) {
        snprintf(por, tam, "una pila que acaba en libuv (%s) sin llegar al arranque del hilo",
                 v->pila_funcion[w][0] != '\0' ? v->pila_funcion[w] : "sin nombre");
        return 1;
    }
    /* Ningún marco que no sea de libc o de libuv, con o sin archivo. */
    for (int i = 0; i < v->pila_n; i++) {
        if (v->pila_clase[i] == 'x')
            snprintf(por, tam,
                     "una pila con un marco que strace no atribuye a ningún archivo "
                     "(código fuera del programa y de las bibliotecas)");
        else if (v->pila_clase[i] == 'o')
            snprintf(por, tam, "una pila con un marco de «%s», que no es libc ni libuv",
                     v->pila_archivo[i]);
        else
            continue;
        return 1;
    }
    for (int i = w + 1; i < v->pila_n; i++)
        if (v->pila_clase[i] != 'c') {
            snprintf(por, tam,
                     "una pila con marcos de otra biblioteca entre libuv y el arranque "
                     "del hilo");
            return 1;
        }
    /* Más adentro, una función que libuv exporta solo la llama libuv (uv__fs_copyfile llama a
     * uv_fs_open sin callback): llamada desde libc (un puntero a función, como el de
     * makecontext o el de un asignador de memoria propio), la pidió el programa. */
    for (int i = 0; i + 1 < w; i++)
        if (v->pila_clase[i] == 'u' && v->pila_clase[i + 1] != 'u' &&
            exportada_en(v->pila_libuv, v->pila_dir[i], nombre, sizeof nombre) == 1) {
            snprintf(por, tam,
                     "una pila en la que %s, una función que libuv exporta, la llama otra cosa "
                     "que libuv",
                     nombre);
            return 1;
        }
    if (exportada_en(v->pila_libuv, v->pila_dir[w], nombre, sizeof nombre) == 1) {
        snprintf(por, tam,
                 "una pila cuyo último marco de libuv es %s, una función que llama el programa, "
                 "no el bucle del grupo de libuv (una pila hecha por el programa, como la de "
                 "makecontext)",
                 nombre);
        return 1;
    }
    if (w == 0) {
        snprintf(por, tam,
                 "una pila en la que el bucle del grupo de libuv hace la llamada él "
                 "mismo, sin la función de archivos de libuv");
        return 1;
    }
    int a = w - 1;
    if (v->pila_clase[a] == 'u') {
        if (exportada_en(v->pila_libuv, v->pila_dir[a], nombre, sizeof nombre) != 1)
            return 0;
        snprintf(por, tam,
                 "justo encima del bucle del grupo de libuv está %s, una función de libuv que "
                 "llama el programa (una uv_fs_* sin callback), no la función de archivos de "
                 "libuv",
                 nombre);
        return 1;
    }
    snprintf(por, tam,
             "justo encima del bucle del grupo de libuv está %s%s%s, no la función de archivos "
             "de libuv (una llamada de cola borra de la pila el marco del programa, no esto)",
             v->pila_funcion[a], v->pila_funcion[a][0] != '\0' ? " " : "",
             v->pila_clase[a] == 'c' ? "de libc" : "de otra biblioteca");
    return 1;
}

/* Acaban los marcos de un nanosleep del hilo del bucle. ¿Dormía dentro de uv_run (en una
 * callback: usleep, sleep) o en un bucle propio que duerme y vuelve a mirar? Con su pila (-k: en
 * el 09 siempre, en el 08 y el 11 en «pila_en»), lo dice un marco de libuv: uv_run → uv__io_poll
 * → la callback → usleep. Un bucle propio llama a usleep desde main, sin libuv debajo, aunque
 * entre siesta y siesta dé una vuelta de uv_run(…, UV_RUN_NOWAIT). Sin pila, lo de antes: libuv
 * 1.44 hace su primer epoll_ctl dentro de uv_run, así que lo que duerme después, duerme en una
 * callback (donde epoll_ctl se para: el 08 y el 11; en el 09, con -k, no se para). Antes, en el
 * 09, un usleep(200) tras cada uv_write (un estudiante de la sesión 28) se tomaba por un bucle
 * propio: «espera activa», y el laboratorio sin calificar (5/100). */
static void espera_cerrar(vista_t *v)
{
    if (v->pila_marcos == 0) {
        v->esperas_run += v->epoll > 0;
    } else {
        v->esperas_run += v->pila_biblioteca;
        v->esperas_cb += v->pila_biblioteca;
    }
}

/* Acaban los marcos de la llamada pendiente: sin ninguno de libuv.so, libcurl ni libpq, y con
 * uno del programa (o de otro archivo que no es del sistema), la hizo el programa con libc, no
 * la biblioteca del laboratorio. Si strace no pudo desenrollar la pila más allá de libc, no se
 * juzga: no se sabe quién llamó. */
static void pila_cerrar(vista_t *v)
{
    char cola[360];
    if (!v->pila_pendiente)
        return;
    v->pila_pendiente = 0;
    if (v->pila_modo == 2) {
        espera_cerrar(v);
        return;
    }
    if (v->pila_modo == 1) {
        /* Sin marcos, esta ejecución no lleva -k: no se juzga. Con un solo marco de libc,
         * strace no pudo desenrollar más; desde dos, libuv está siempre en el segundo
         * (uv__fs_read llama a read o pread). Una pila cortada se juzga al final de la traza
         * (pila_cortadas): si strace siguió enteras las demás del programa, esa la cortó él. */
        if (v->pila_marcos == 0) {
            v->trabajo_sin_pila++;
            return;
        }
        if (v->pila_marcos == 1 && !v->pila_biblioteca && v->pila_programa[0] == '\0') {
            if (v->trabajo_cortada++ == 0)
                snprintf(v->cortada_visto, sizeof v->cortada_visto, "%s de «%s»", v->pila_nombre,
                         v->pila_ruta);
            return;
        }
        v->trabajo_con_pila++;
        if (v->trabajo_visto[0] != '\0')
            return;
        if (v->pila_programa[0] != '\0')
            snprintf(v->trabajo_visto, sizeof v->trabajo_visto,
                     "%s de «%s» en un hilo del grupo de libuv, pedido por el propio programa "
                     "(en su pila está %s): no es una uv_fs_* con callback, es trabajo "
                     "síncrono en una callback de uv_queue_work",
                     v->pila_nombre, v->pila_ruta, v->pila_programa);
        else if (!v->pila_biblioteca)
            /* La lista es de quién puede leer, no de quién no: un hilo que libc crea por su
             * cuenta (aio_read, lio_listio…) no tiene libuv ni el programa en su pila. */
            snprintf(v->trabajo_visto, sizeof v->trabajo_visto,
                     "%s de «%s» en un hilo que no es del grupo de libuv: en su pila no hay "
                     "libuv.so ni nada del programa, solo libc (un hilo que libc crea por su "
                     "cuenta, como el de aio_read); los archivos se leen con uv_fs_* y su "
                     "callback",
                     v->pila_nombre, v->pila_ruta);
        else if (pila_cola(v, cola, sizeof cola))
            snprintf(v->trabajo_visto, sizeof v->trabajo_visto,
                     "%s de «%s» en un hilo del grupo de libuv, con otra pila que la de una "
                     "uv_fs_* con callback (el arranque del hilo, el bucle del grupo de libuv y "
                     "su función de archivos): %s. Es trabajo síncrono pedido desde una "
                     "callback de uv_queue_work",
                     v->pila_nombre, v->pila_ruta, cola);
        return;
    }
    if (v->pila_marcos == 0 || v->pila_biblioteca || v->pila_quien[0] == '\0')
        return;
    char *dst = v->pila_red ? v->ajeno_red : v->ajeno_epoll;
    size_t tam = v->pila_red ? sizeof v->ajeno_red : sizeof v->ajeno_epoll;
    anotar(dst, tam,
           "%s hecho por libc a petición del propio programa (%s), sin pasar por libuv: en su "
           "pila no hay libuv.so",
           v->pila_nombre, v->pila_quien[0] != '\0' ? v->pila_quien : "su propio código");
}

/* Al final de una traza, las pilas del grupo que se cortaron en libc. Si strace siguió enteras
 * otras del programa en la misma ejecución (3 marcos o más: las del hilo del bucle llegan a
 * `_start`, las del grupo al arranque del hilo), sabía desenrollar, y la pila cortada es del
 * programa: una lectura que vuelve a código sin información de pila (una página propia, o un
 * marco falso) para no enseñar quién la pidió. La pila de una uv_fs_* con callback nunca se
 * corta ahí (medido en las soluciones del 08 y el 11). Se rechaza como las demás formas que no
 * son la permitida. Si ninguna salió entera, esta ejecución no tiene pilas: no se juzga. */
static void pila_cortadas(vista_t *v)
{
    if (v->trabajo_cortada == 0)
        return;
    if (v->pilas_largas == 0) {
        v->trabajo_sin_pila += v->trabajo_cortada;
        return;
    }
    v->trabajo_con_pila += v->trabajo_cortada;
    if (v->trabajo_visto[0] == '\0')
        snprintf(v->trabajo_visto, sizeof v->trabajo_visto,
                 "%s en un hilo del grupo de libuv, con una pila que se corta en libc cuando "
                 "strace siguió enteras las demás del programa: la de una uv_fs_* con callback "
                 "llega al arranque del hilo. Es trabajo síncrono pedido desde una callback de "
                 "uv_queue_work, con su pila escondida",
                 v->cortada_visto);
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
 *   - el execve del programa (arriba);
 *   - mirar algo por su ruta (stat, lstat, newfstatat, statx, access, faccessat*) antes de
 *     uv_run, es decir, antes del primer epoll_ctl del hilo: la carpeta de -d del 11, al
 *     empezar. Dentro de uv_run (en las callbacks) ya no: eso es uv_fs_stat sin callback.
 * Lo demás (stat, close, lseek, fchmod, readlink, chdir, unlink…) cuenta como una lectura
 * síncrona, con el mismo aviso (autograder/README.md, «Medios»). */
static const char *const mirar_por_ruta[] = {"stat",   "lstat",     "newfstatat", "statx",
                                             "access", "faccessat", "faccessat2", NULL};

static int termina_en(const char *s, const char *fin)
{
    size_t a = strlen(s), b = strlen(fin);
    return a >= b && strcmp(s + a - b, fin) == 0;
}

/* La ruta que toca una llamada, en `dst`: el primer argumento, un texto o un descriptor con su
 * ruta («3</x/y>», strace -y); un descriptor de carpeta (o «AT_FDCWD</cwd>») seguido de un
 * texto, los dos juntos (las *at, statx; y las que toman una ruta tras un descriptor que no es
 * de archivo, como inotify_add_watch). Una ruta relativa sin carpeta se queda con «./» delante
 * (la carpeta actual del programa es suya). 0 si no toca ninguna. */
static int ruta_tocada(const char *nombre, const char *par, char *dst, size_t tam)
{
    const char *a, *b;
    size_t n, m;
    dst[0] = '\0';
    if (!argumento(par, 0, &a, &n) || n == 0)
        return 0;
    char primero[600], texto[512] = "";
    snprintf(primero, sizeof primero, "%.*s", (int)n, a);
    int hay_texto = argumento(par, 1, &b, &m) && m >= 2 && b[0] == '"';
    if (hay_texto)
        snprintf(texto, sizeof texto, "%.*s", (int)(m - 2), b + 1);
    if (primero[0] == '"') {
        primera_cadena(primero, texto, sizeof texto);
        int w = snprintf(dst, tam, "%s%s", texto[0] == '/' ? "" : "./", texto);
        return texto[0] != '\0' && w > 0 && (size_t)w < tam;
    }
    char dir[512];
    if (!ruta_fd(primero, dir, sizeof dir))
        return 0;
    int con_carpeta = empieza(primero, "AT_FDCWD") || termina_en(nombre, "at") ||
                      termina_en(nombre, "at2") || strcmp(nombre, "statx") == 0 || dir[0] != '/';
    int w;
    if (!hay_texto || !con_carpeta || texto[0] == '\0')
        w = snprintf(dst, tam, "%s", dir);
    else if (texto[0] == '/')
        w = snprintf(dst, tam, "%s", texto);
    else
        w = snprintf(dst, tam, "%s/%s", dir, texto);
    return w > 0 && (size_t)w < tam;
}

/* Una llamada que acabó bien en el hilo del bucle y no tiene regla propia: si toca un archivo
 * normal y no está en la lista de permitidas, queda anotada como lectura síncrona. */
static int prohibe(const lab_t *lab, const char *grupo);
static int requiere(const lab_t *lab, const char *nombre);

static void tocar_archivo(vista_t *v, const char *nombre, const char *par)
{
    char ruta[512];
    if (!ruta_tocada(nombre, par, ruta, sizeof ruta) ||
        (!empieza(ruta, "./") && !ruta_normal(ruta)))
        return;
    if (en_lista(nombre, mirar_por_ruta) && v->epoll == 0 && par[1] != '\0' &&
        (par[1] == '"' || empieza(par + 1, "AT_FDCWD")) && strstr(par, "AT_EMPTY_PATH") == NULL)
        return;
    /* Cerrar o medir un descriptor (fstat: newfstatat o statx con AT_EMPTY_PATH) es menor. */
    int menor = strcmp(nombre, "close") == 0 || strcmp(nombre, "fstat") == 0 ||
                (en_lista(nombre, por_descriptor) && strstr(par, "AT_EMPTY_PATH") != NULL);
    anotar(menor ? v->menor : v->lectura, menor ? sizeof v->menor : sizeof v->lectura,
           "%s de «%s» en el hilo del bucle (síncrono: uv_fs_* con su callback lo hace en el "
           "grupo de hilos)",
           nombre, ruta);
}

/* Un archivo normal leído o escrito en un hilo que no es el del bucle: el grupo de libuv, o
 * uno propio. Un hilo así no es del resolutor de libcurl, que solo lee los archivos del
 * sistema (hostiles/medios_08_hilo.c abría un socket de datagramas para parecerlo). */
/* Un archivo normal (`ruta`) en un hilo del grupo de libuv. Con «medios.pila_en», además se
 * espera su pila (pila_cerrar): una uv_fs_* con callback la hace libuv (worker → uv__fs_work →
 * libc, sin un marco del programa); una uv_fs_* sin callback o una llamada de libc dentro de
 * la callback de trabajo de uv_queue_work tiene en su pila la función del programa. */
static void grupo_toca(vista_t *v, long tid, const char *nombre, const char *ruta)
{
    if (v->trabajo) {
        pila_cerrar(v);
        v->pila_pendiente = 1;
        v->pila_modo = 1;
        v->pila_marcos = v->pila_biblioteca = 0;
        v->pila_programa[0] = '\0';
        v->pila_n = 0;
        v->pila_libuv[0] = '\0';
        snprintf(v->pila_nombre, sizeof v->pila_nombre, "%s", nombre);
        snprintf(v->pila_ruta, sizeof v->pila_ruta, "%s%s", ruta_corta(ruta) != ruta ? "…/" : "",
                 ruta_corta(ruta));
    }
    v->lecturas_grupo++;
    for (int i = 0; i < v->ntocan; i++)
        if (v->tocan[i] == tid)
            return;
    if (v->ntocan < MAX_PREVIOS)
        v->tocan[v->ntocan++] = tid;
}

/* Los hilos del resolutor de libcurl de verdad: solo en un laboratorio que lo usa (el cliente
 * HTTP del curso), y que no tocaron ningún archivo normal. */
static int resolutores_de_verdad(const lab_t *lab, const vista_t *v)
{
    if (lab == NULL || !requiere(lab, "http_pedir"))
        return 0;
    int n = 0;
    for (int i = 0; i < v->nresolutores; i++) {
        int toca = 0;
        for (int k = 0; k < v->ntocan && !toca; k++)
            toca = v->tocan[k] == v->resolutores[i];
        n += !toca;
    }
    return n;
}

/* Una llamada completa «nombre(args) = ret…» del hilo `tid`. */
static void llamada(vista_t *v, long tid, unsigned long ip, const char *texto, const char *programa)
{
    const char *par = strchr(texto, '(');
    if (par == NULL)
        return;
    char nombre[32];
    size_t nl = (size_t)(par - texto);
    if (nl == 0 || nl >= sizeof nombre)
        return;
    memcpy(nombre, texto, nl);
    nombre[nl] = '\0';
    /* El resultado es el último « = » que sigue a un «)»: strace lo alinea en una columna
     * con espacios («close(3</x>)     = 0»), y una llamada partida en <unfinished …> y
     * <… resumed> casi siempre acaba así (sin esto, un execve partido, frecuente con la
     * máquina cargada, dejaba la ejecución sin observar y sus medios sin juzgar). */
    const char *igual = NULL;
    for (const char *o = strstr(texto, " = "); o != NULL; o = strstr(o + 1, " = ")) {
        const char *a = o;
        while (a > texto && a[-1] == ' ')
            a--;
        if (a > texto && a[-1] == ')')
            igual = o;
    }
    if (igual == NULL)
        return;
    const char *ret_txt = igual + 3;
    long ret = strtol(ret_txt, NULL, 10);
    int bien = ret_txt[0] != '-' && ret_txt[0] != '?';

    /* De cualquier proceso de la traza: bajo valgrind no se sabe cuál es el programa, y ni
     * strace, ni la puerta, ni bwrap las llaman. */
    if (filtro_es_nombrada(nombre)) {
        anotar(v->denegada, sizeof v->denegada,
               "que la entrega llamó a %s, que la caja de arena no permite (falló con ENOSYS)%s",
               nombre, "");
        return;
    }

    if (strcmp(nombre, "execve") == 0 || strcmp(nombre, "execveat") == 0) {
        if (!bien)
            return;
        char herramienta[512];
        primera_cadena(par, herramienta, sizeof herramienta);
        if (empieza(herramienta, "/usr/libexec/valgrind/") ||
            empieza(herramienta, "/usr/lib/x86_64-linux-gnu/valgrind/")) {
            v->herramientas++;
            return;
        }
        if (es_miembro(v, tid)) {
            anotar(v->proceso, sizeof v->proceso, "%s (ejecutar otro programa)%s", nombre, "");
            return;
        }
        char ruta[512];
        primera_cadena(par, ruta, sizeof ruta);
        const char *base = strrchr(ruta, '/');
        if (v->principal == 0 && base != NULL && strcmp(base + 1, programa) == 0)
            v->principal = tid;
        return;
    }
    if (!es_miembro(v, tid))
        return;
    int principal = tid == v->principal;
    char ruta[512] = "";
    if (strcmp(nombre, "mmap") == 0 && bien)
        mapa_anotar(v, par, ret_txt);

    if (strcmp(nombre, "clone") == 0 || strcmp(nombre, "clone3") == 0 ||
        strcmp(nombre, "fork") == 0 || strcmp(nombre, "vfork") == 0) {
        if (!bien || ret <= 0)
            return;
        if (strstr(par, "CLONE_THREAD") != NULL) {
            v->creados++;
        } else {
            anotar(v->proceso, sizeof v->proceso, "%s (un proceso nuevo)%s", nombre, "");
        }
        return;
    }
    if (strcmp(nombre, "epoll_ctl") == 0 || strcmp(nombre, "epoll_create") == 0 ||
        strcmp(nombre, "epoll_create1") == 0) {
        if (strcmp(nombre, "epoll_ctl") == 0)
            v->epoll += principal;
        if (bien) {
            origen_juzgar(v, nombre, ip, 0);
            pila_esperar(v, nombre, 0);
        }
        return;
    }
    if (strcmp(nombre, "poll") == 0 || strcmp(nombre, "ppoll") == 0 ||
        strcmp(nombre, "select") == 0 || strcmp(nombre, "pselect6") == 0) {
        return; /* contados al entrar, en leer_traza */
    }
    if (strcmp(nombre, "nanosleep") == 0 || strcmp(nombre, "clock_nanosleep") == 0) {
        if (principal) {
            /* Dentro de uv_run o en un bucle propio: lo dice su pila (espera_cerrar). */
            v->esperas++;
            pila_cerrar(v);
            v->pila_pendiente = 1;
            v->pila_modo = 2;
            v->pila_marcos = v->pila_biblioteca = 0;
        }
        return;
    }
    if (!bien)
        return;
    if (v->lento && (strcmp(nombre, "link") == 0 || strcmp(nombre, "linkat") == 0 ||
                     strcmp(nombre, "symlink") == 0 || strcmp(nombre, "symlinkat") == 0)) {
        char r0[512];
        primera_cadena(par, r0, sizeof r0);
        if (r0[0] != '/' || ruta_normal(r0))
            anotar(v->esquivo, sizeof v->esquivo, "%s de «%s» (en vez de rename)", nombre,
                   ruta_corta(r0));
    }
    if (en_lista(nombre, red)) {
        /* El resolutor de libcurl es un hilo por nombre que resolver: getaddrinfo pregunta al
         * DNS por UDP (SOCK_DGRAM) o a nscd por AF_UNIX. Esos hilos valen; un socket TCP
         * fuera del hilo del bucle, no. */
        if (!principal && strcmp(nombre, "socket") == 0 &&
            (strstr(par, "SOCK_DGRAM") != NULL || strstr(par, "AF_UNIX") != NULL ||
             strstr(par, "AF_NETLINK") != NULL)) {
            int visto = es_resolutor(v, tid);
            if (!visto && v->nresolutores < MAX_PREVIOS)
                v->resolutores[v->nresolutores++] = tid;
            return;
        }
        if (!principal)
            anotar(v->red, sizeof v->red, "%s en un hilo que no es el del bucle%s", nombre, "");
        /* Un socket TCP, listen y accept los hace libuv (o curl, o libpq), nunca el programa. */
        if (strcmp(nombre, "listen") == 0 || strcmp(nombre, "accept") == 0 ||
            strcmp(nombre, "accept4") == 0 ||
            (strcmp(nombre, "socket") == 0 && strstr(par, "SOCK_STREAM") != NULL &&
             (strstr(par, "AF_INET") != NULL))) {
            origen_juzgar(v, nombre, ip, 1);
            pila_esperar(v, nombre, 1);
        }
        return;
    }
    int lee = en_lista(nombre, por_fd_lectura), escribe = en_lista(nombre, por_fd_escritura);
    if (lee || escribe) {
        if (!ruta_fd(par, ruta, sizeof ruta))
            return;
        if (!ruta_normal(ruta)) {
            if (!principal && (empieza(ruta, "TCP") || empieza(ruta, "UDP") ||
                               empieza(ruta, "UNIX") || empieza(ruta, "socket:")))
                anotar(v->red, sizeof v->red, "%s de un socket en un hilo que no es el del bucle%s",
                       nombre, "");
            return;
        }
        if (lee && strncmp(nombre, "getdents", 8) != 0)
            juzgar_lectura(v, nombre, par, ruta);
        if (v->lento && (strcmp(nombre, "write") == 0 || strcmp(nombre, "writev") == 0))
            anotar(v->esquivo, sizeof v->esquivo, "%s en «%s» (uv_fs_write sin posición)", nombre,
                   ruta_corta(ruta));
        if (!principal)
            grupo_toca(v, tid, nombre, ruta);
        else if (lee)
            anotar(v->lectura, sizeof v->lectura, "%s de «%s» en el hilo del bucle", nombre, ruta);
        else
            anotar(v->escritura, sizeof v->escritura, "%s en «%s» en el hilo del bucle", nombre,
                   ruta);
        return;
    }
    if (en_lista(nombre, por_anillo)) {
        anotar(v->lectura, sizeof v->lectura, "%s (io_uring: lecturas que no se ven)%s", nombre,
               "");
        anotar(v->escritura, sizeof v->escritura, "%s (io_uring: escrituras que no se ven)%s",
               nombre, "");
        return;
    }
    if (en_lista(nombre, por_fd_copia) || strcmp(nombre, "mmap") == 0) {
        /* Hasta dos rutas de descriptor: origen y destino (sendfile: destino y origen; mmap,
         * fallocate y sync_file_range: una, la del archivo). */
        char otra[512] = "";
        const char *cierre = NULL;
        if (ruta_fd(par, ruta, sizeof ruta))
            cierre = strstr(strchr(par, '<'), ">");
        if (cierre != NULL)
            ruta_fd(cierre, otra, sizeof otra);
        int una = strcmp(nombre, "mmap") == 0 || strcmp(nombre, "fallocate") == 0 ||
                  strcmp(nombre, "sync_file_range") == 0;
        if (strcmp(nombre, "sendfile") == 0) {
            char t[512];
            snprintf(t, sizeof t, "%s", ruta);
            snprintf(ruta, sizeof ruta, "%s", otra);
            snprintf(otra, sizeof otra, "%s", t);
        }
        int lee = ruta[0] != '\0' && ruta_normal(ruta) && (strcmp(nombre, "mmap") == 0 || !una);
        int escribe = (!una && otra[0] != '\0' && ruta_normal(otra)) ||
                      (una && strcmp(nombre, "mmap") != 0 && ruta_normal(ruta)) ||
                      (strcmp(nombre, "mmap") == 0 && ruta_normal(ruta) &&
                       strstr(par, "MAP_SHARED") != NULL && strstr(par, "PROT_WRITE") != NULL);
        if (!lee && !escribe)
            return;
        /* Lo que «reglas_traza» pide es de cada lectura: un archivo de la entrada que entra sin
         * read, pread64, readv, preadv ni preadv2 (un mapa, una copia a una tubería) rompe
         * cada regla, en cualquier hilo. */
        if (lee)
            juzgar_sin_lectura(v, nombre, ruta);
        if (v->lento && escribe && !una)
            anotar(v->esquivo, sizeof v->esquivo, "%s en «%s»", nombre, ruta_corta(otra));
        if (v->lento && escribe && strcmp(nombre, "mmap") == 0)
            anotar(v->esquivo, sizeof v->esquivo, "%s compartido de «%s»", nombre,
                   ruta_corta(ruta));
        /* Un mapa no lee ni escribe al hacerse: lo hace después el hilo que toque la memoria, el
         * que sea, con fallos de página que ninguna traza ve (hostiles/medios_08_mapa.c: el
         * grupo mapea y el hilo del bucle copia). Así que el mapa de un archivo normal cuenta
         * como hecho en el hilo del bucle, lo pida el hilo que lo pida. */
        if (strcmp(nombre, "mmap") == 0) {
            if (lee)
                anotar(v->lectura, sizeof v->lectura,
                       "mmap de «%s» (lo lee, por fallos de página que no se ven, el hilo que "
                       "toca esa memoria: también el del bucle)%s",
                       ruta, "");
            if (escribe)
                anotar(v->escritura, sizeof v->escritura,
                       "mmap de «%s» para escribir (escribe, sin que se vea, el hilo que toca "
                       "esa memoria: también el del bucle)%s",
                       ruta, "");
            return;
        }
        if (!principal)
            grupo_toca(v, tid, nombre, lee ? ruta : otra);
        else if (lee)
            anotar(v->lectura, sizeof v->lectura, "%s de «%s» en el hilo del bucle", nombre, ruta);
        if (principal && escribe)
            anotar(v->escritura, sizeof v->escritura, "%s en «%s» en el hilo del bucle", nombre,
                   una ? ruta : otra);
        return;
    }
    if (strcmp(nombre, "openat") == 0 || strcmp(nombre, "open") == 0 ||
        strcmp(nombre, "openat2") == 0 || strcmp(nombre, "creat") == 0) {
        if (!ruta_fd(ret_txt, ruta, sizeof ruta) || !ruta_normal(ruta))
            return;
        if (!principal) {
            grupo_toca(v, tid, nombre, ruta);
            return;
        }
        int escritura = strstr(par, "O_WRONLY") != NULL || strstr(par, "O_RDWR") != NULL ||
                        strcmp(nombre, "creat") == 0;
        if (escritura)
            anotar(v->escritura, sizeof v->escritura,
                   "%s de «%s» para escribir, en el hilo del bucle", nombre, ruta);
        else
            anotar(v->lectura, sizeof v->lectura, "%s de «%s» en el hilo del bucle", nombre, ruta);
        return;
    }
    int escrita = 0;
    if (en_lista(nombre, por_descriptor)) {
        /* close y fstat de un archivo normal: el grupo de libuv los hace con su callback; en
         * el hilo del bucle son uv_fs_close o uv_fs_fstat sin callback (síncronos). Los stat
         * por ruta (la carpeta de -d antes de uv_run) no cuentan: solo los de un descriptor
         * («fd</ruta>», y en newfstatat y statx con AT_EMPTY_PATH). */
        int por_fd = par[1] >= '0' && par[1] <= '9' &&
                     (strcmp(nombre, "close") == 0 || strcmp(nombre, "fstat") == 0 ||
                      strstr(par, "AT_EMPTY_PATH") != NULL);
        if (principal && por_fd && ruta_fd(par, ruta, sizeof ruta) && ruta_normal(ruta)) {
            anotar(v->menor, sizeof v->menor,
                   "%s de «%s» en el hilo del bucle (uv_fs_* sin callback: síncrono)", nombre,
                   ruta);
            escrita = 1;
        }
    } else if (en_lista(nombre, por_ruta) && principal) {
        primera_cadena(par, ruta, sizeof ruta);
        if (ruta[0] != '/' || ruta_normal(ruta)) {
            if (en_lista(nombre, menores))
                anotar(v->menor, sizeof v->menor, "%s de «%s» en el hilo del bucle", nombre, ruta);
            else
                anotar(v->escritura, sizeof v->escritura, "%s de «%s» en el hilo del bucle", nombre,
                       ruta);
            escrita = 1;
        }
    }
    /* Lo que queda, con la lista de permitidas: toda operación de archivo del hilo del bucle
     * (si archivos_bloqueantes ya la cuenta, con su aviso, no se cuenta dos veces). */
    if (principal && !(escrita && v->lab != NULL && prohibe(v->lab, "archivos_bloqueantes")))
        tocar_archivo(v, nombre, par);
}

/* Lee una traza de strace -f (líneas «tid llamada…», con «<unfinished ...>» y
 * «<... llamada resumed>» cuando dos hilos se cruzan). */
static void leer_traza(const char *ruta, const char *programa, vista_t *v)
{
    const lab_t *lab = v->lab;
    const entradas_t *entradas = v->entradas;
    memset(v, 0, sizeof *v);
    v->lab = lab;
    v->entradas = entradas;
    v->pila = lab != NULL && conducta_pila(lab);
    v->trabajo = lab != NULL && lab->npila_en > 0 &&
                 (prohibe(lab, "lectura_bloqueante") || prohibe(lab, "archivos_bloqueantes"));
    const char *base = strrchr(ruta, '/');
    base = base != NULL ? base + 1 : ruta;
    v->lento = strstr(base, "-lento@") != NULL || strstr(base, "-lento.traza") != NULL;
    FILE *f = fopen(ruta, "r");
    if (f == NULL)
        return;
    v->mapas =
        malloc(MAX_MAPAS * sizeof *v->mapas); /* sin memoria: nada mapeado, y no sale de libc */
    struct {
        long tid;
        unsigned long ip;
        char *texto;
    } pend[MAX_PENDIENTES] = {{0, 0, NULL}};
    char *linea = NULL;
    size_t cap = 0, leido = 0;
    ssize_t n;
    while ((n = getline(&linea, &cap, f)) > 0 && (leido += (size_t)n) < TOPE_TRAZA) {
        if (linea[n - 1] == '\n')
            linea[--n] = '\0';
        /* Con -k, los marcos de la pila de la llamada de antes: « > /ruta(función+0x…) […]».
         * Para saber si strace sabe desenrollar (pilas_largas) solo cuentan los que tienen
         * archivo: varias líneas «unexpected_backtracing_error» no son una pila entera. */
        if (empieza(linea, " > ")) {
            if (linea[3] == '/' && ++v->pila_lineas == 3 && es_miembro(v, v->pila_tid))
                v->pilas_largas++;
            pila_marco(v, linea + 3);
            continue;
        }
        pila_cerrar(v);
        /* «TID [dirección] llamada(…)»; la dirección, la de su instrucción syscall (con -i). */
        char *resto;
        unsigned long ip;
        long tid = traza_linea(linea, &ip, &resto);
        v->pila_tid = tid;
        v->pila_lineas = 0;
        if (tid <= 0)
            continue;
        if (resto[0] == '+' || resto[0] == '-')
            continue; /* «+++ exited…», «--- SIGINT…» */
        if (v->principal == 0 && v->nprevios < MAX_PREVIOS) {
            int visto = 0;
            for (int i = 0; i < v->nprevios && !visto; i++)
                visto = v->previos[i] == tid;
            if (!visto)
                v->previos[v->nprevios++] = tid;
        }
        /* Una espera con poll o select puede no volver nunca (el programa muere en ella): se
         * cuenta al entrar, esté o no completa la línea. */
        int sondeo = empieza(resto, "poll(") || empieza(resto, "ppoll(") ||
                     empieza(resto, "select(") || empieza(resto, "pselect6(");
        if (sondeo && v->principal != 0 && tid == v->principal) {
            v->sondeos++;
            v->sondeos_espera += !sondeo_sin_espera(resto);
        } else if (sondeo && v->principal != 0 && es_miembro(v, tid) && !es_resolutor(v, tid)) {
            v->sondeos_hilo++;
        }
        const char *sin = " <unfinished ...>";
        size_t ls = strlen(sin), lr = strlen(resto);
        if (lr >= ls && strcmp(resto + lr - ls, sin) == 0) {
            resto[lr - ls] = '\0';
            for (int i = 0; i < MAX_PENDIENTES; i++)
                if (pend[i].texto == NULL) {
                    pend[i].tid = tid;
                    pend[i].ip = ip;
                    pend[i].texto = texto_dup(resto);
                    break;
                }
            continue;
        }
        if (empieza(resto, "<... ")) {
            char *r = strstr(resto, "resumed>");
            for (int i = 0; r != NULL && i < MAX_PENDIENTES; i++)
                if (pend[i].texto != NULL && pend[i].tid == tid) {
                    char *junto = texto_formato("%s%s", pend[i].texto, r + strlen("resumed>"));
                    llamada(v, tid, pend[i].ip != 0 ? pend[i].ip : ip, junto, programa);
                    free(junto);
                    free(pend[i].texto);
                    pend[i].texto = NULL;
                    break;
                }
            continue;
        }
        llamada(v, tid, ip, resto, programa);
    }
    pila_cerrar(v);
    pila_cortadas(v);
    for (int i = 0; i < MAX_PENDIENTES; i++)
        free(pend[i].texto);
    free(v->mapas);
    v->mapas = NULL;
    v->nmapas = 0;
    free(linea);
    fclose(f);
}

static int prohibe(const lab_t *lab, const char *grupo)
{
    for (int i = 0; i < lab->nprohibidos; i++)
        if (strcmp(lab->prohibidos[i], grupo) == 0)
            return 1;
    return 0;
}

static int requiere(const lab_t *lab, const char *nombre)
{
    for (int i = 0; i < lab->nrequeridos; i++)
        if (strcmp(lab->requeridos[i], nombre) == 0)
            return 1;
    return 0;
}

/* Suma lo visto en una ejecución al juicio del laboratorio (solo lo que prohíbe lab.json). */
static void sumar(const lab_t *lab, const vista_t *v, juicio_t *j)
{
    /* Bajo valgrind (--trace-children=yes), cada programa nuevo arranca otra vez la
     * herramienta: un execve de la entrega, aunque su informe no lo diga (el descriptor del
     * informe es también del programa: lo puede cerrar tras escribir un resumen falso). */
    if (prohibe(lab, "procesos") && v->herramientas > 1 && j->proceso[0] == '\0')
        snprintf(j->proceso, sizeof j->proceso,
                 "execve de otro programa bajo valgrind (más de un arranque de su herramienta: "
                 "%d)",
                 v->herramientas);
    if (v->denegada[0] != '\0' && j->denegada[0] == '\0')
        snprintf(j->denegada, sizeof j->denegada, "%s", v->denegada);
    if (v->principal == 0)
        return;
    j->observadas++;
    j->con_epoll += v->epoll > 0;
    j->sin_ip += v->sin_ip;
    j->con_ip += v->con_ip;
    /* Todos los laboratorios son de libuv: su bucle es el de libuv, nunca uno propio. */
    if (v->ajeno_epoll[0] != '\0' && j->ajeno_epoll[0] == '\0')
        snprintf(j->ajeno_epoll, sizeof j->ajeno_epoll, "%s", v->ajeno_epoll);
    if (prohibe(lab, "red_cruda") && v->ajeno_red[0] != '\0' && j->ajeno_red[0] == '\0')
        snprintf(j->ajeno_red, sizeof j->ajeno_red, "%s", v->ajeno_red);
    j->con_grupo += v->lecturas_grupo > 0;
    j->trabajo_con_pila += v->trabajo_con_pila;
    if (v->trabajo && v->trabajo_visto[0] != '\0' && j->trabajo[0] == '\0')
        snprintf(j->trabajo, sizeof j->trabajo, "%s", v->trabajo_visto);
    if (prohibe(lab, "lectura_bloqueante") && v->lectura[0] != '\0' && j->lectura[0] == '\0')
        snprintf(j->lectura, sizeof j->lectura, "%s", v->lectura);
    if (prohibe(lab, "archivos_bloqueantes") && v->escritura[0] != '\0' && j->escritura[0] == '\0')
        snprintf(j->escritura, sizeof j->escritura, "%s", v->escritura);
    if ((prohibe(lab, "archivos_bloqueantes") || prohibe(lab, "lectura_bloqueante")) &&
        v->menor[0] != '\0' && j->menor[0] == '\0')
        snprintf(j->menor, sizeof j->menor, "%s", v->menor);
    if (prohibe(lab, "procesos") && v->proceso[0] != '\0' && j->proceso[0] == '\0')
        snprintf(j->proceso, sizeof j->proceso, "%s", v->proceso);
    if (prohibe(lab, "red_cruda") && v->red[0] != '\0' && j->red[0] == '\0')
        snprintf(j->red, sizeof j->red, "%s", v->red);
    /* Un servidor de libuv (requiere uv_listen: sin curl ni libpq, que sí usan poll) espera
     * en epoll; uno que espera con poll o select lleva sus propios sockets
     * (hostiles/chat_oculto.c, con las llamadas escondidas de los nombres). */
    if (prohibe(lab, "red_cruda") && requiere(lab, "uv_listen") && v->sondeos > 0 &&
        j->red[0] == '\0')
        snprintf(j->red, sizeof j->red,
                 "poll o select en el hilo del bucle, %d %s (libuv espera con epoll: son "
                 "sockets propios)",
                 v->sondeos, texto_plural(v->sondeos, "vez", "veces"));
    /* Y en un hilo del grupo: libuv no sondea en sus hilos, y un servidor sin cliente HTTP no
     * tiene resolutor que espere respuestas del DNS. Un hilo que espera con poll lleva sockets
     * que el bucle no ve: la sala entera en un uv_queue_work (hostiles/chat_grupo.c). */
    if (prohibe(lab, "red_cruda") && requiere(lab, "uv_listen") && v->sondeos_hilo > 0 &&
        j->red[0] == '\0')
        snprintf(j->red, sizeof j->red,
                 "poll o select en un hilo que no es el del bucle, %d %s (sockets que el bucle "
                 "de libuv no vigila)",
                 v->sondeos_hilo, texto_plural(v->sondeos_hilo, "vez", "veces"));
    /* libpq_bloqueante: libpq espera con poll en el hilo que la llama cuando bloquea
     * (PQconnectdb*, PQexec*, PQprepare, PQgetResult sin PQisBusy…); conducida por la
     * biblioteca del curso nunca espera: lo hace uv_run, en epoll. */
    if (prohibe(lab, "libpq_bloqueante") && v->sondeos_espera > 0 && j->libpq[0] == '\0')
        snprintf(j->libpq, sizeof j->libpq,
                 "poll o select que espera en el hilo del bucle, %d %s en una ejecución "
                 "(libuv espera con epoll: es libpq esperando al servidor)",
                 v->sondeos_espera, texto_plural(v->sondeos_espera, "vez", "veces"));
    int propios = v->creados - resolutores_de_verdad(lab, v);
    if (prohibe(lab, "hilos") && propios > HILOS_GRUPO && j->hilos[0] == '\0')
        snprintf(j->hilos, sizeof j->hilos,
                 "un exceso de hilos en una ejecución (creados: %d; el grupo de hilos de libuv "
                 "tiene " CAL_TEXTO(HILOS_GRUPO) ")",
                 propios);
    if (v->esperas > ESPERAS_MAX && j->esperas[0] == '\0') {
        j->esperas_run = 2 * v->esperas_run > v->esperas;
        j->esperas_cb = 2 * v->esperas_cb > v->esperas;
        snprintf(j->esperas, sizeof j->esperas,
                 "nanosleep en el hilo del bucle, %d %s en una ejecución%s", v->esperas,
                 texto_plural(v->esperas, "vez", "veces"),
                 j->esperas_cb    ? ", dentro de uv_run (en sus callbacks: libuv está en su pila)"
                 : j->esperas_run ? ", dentro de uv_run (en las callbacks: después de que libuv "
                                    "empezara a vigilar sus descriptores)"
                                  : "");
    }
    j->lecturas_entrada += v->lecturas_entrada;
    for (int i = 0; i < MAX_REGLAS; i++)
        if (j->roto[i][0] == '\0')
            memcpy(j->roto[i], v->roto[i], sizeof j->roto[i]);
}

/* Las listas «*.entrada» de `carpeta` (lib/observar.c), ordenadas y sin repetir. */
static void entradas_leer(const char *carpeta, entradas_t *e)
{
    memset(e, 0, sizeof *e);
    DIR *d = opendir(carpeta);
    struct dirent *de;
    while (d != NULL && (de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 8 || strcmp(de->d_name + l - 8, ".entrada") != 0)
            continue;
        char ruta[PATH_MAX];
        texto_poner(ruta, sizeof ruta, "%s/%s", carpeta, de->d_name);
        FILE *f = fopen(ruta, "r");
        char *linea = NULL;
        size_t cap = 0;
        ssize_t n;
        while (f != NULL && (n = getline(&linea, &cap, f)) > 0) {
            if (linea[n - 1] == '\n')
                linea[--n] = '\0';
            if (e->n == e->cap) {
                size_t nueva = e->cap != 0 ? e->cap * 2 : 256;
                char **r = realloc(e->rutas, nueva * sizeof *r);
                if (r == NULL)
                    break;
                e->rutas = r;
                e->cap = nueva;
            }
            e->rutas[e->n++] = texto_dup(linea);
        }
        free(linea);
        if (f != NULL)
            fclose(f);
    }
    if (d != NULL)
        closedir(d);
    if (e->n > 0)
        qsort(e->rutas, e->n, sizeof *e->rutas, comparar_rutas);
}

static void entradas_liberar(entradas_t *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->rutas[i]);
    free(e->rutas);
}

/* Añade `texto` a *campo en una línea nueva. */
static void anadir_linea(char **campo, const char *texto)
{
    char *t = texto_formato("%s%s%s", *campo != NULL ? *campo : "",
                            *campo != NULL && (*campo)[0] != '\0' ? "\n" : "", texto);
    free(*campo);
    *campo = t;
}

/* Las «reglas_traza» rotas quitan su verificación; las que no se pudieron juzgar (ninguna
 * lectura de la entrada en las trazas) lo dicen en su detalle. */
static void aplicar_reglas(lab_t *lab, const juicio_t *j)
{
    for (int i = 0; i < lab->nreglas && i < MAX_REGLAS; i++) {
        const regla_traza_t *r = &lab->reglas[i];
        verificacion_t *v = lab_verificacion(lab, r->verificacion);
        if (v == NULL)
            continue;
        if (j->lecturas_entrada == 0) {
            char *t = texto_formato("No se pudo juzgar lo que pide cada lectura («%s»): las "
                                    "trazas de strace no tienen ninguna lectura de un archivo de "
                                    "la entrada.",
                                    r->porque);
            anadir_linea(&v->detalle, t);
            free(t);
            continue;
        }
        if (j->roto[i][0] == '\0')
            continue;
        char *esperado = texto_formato("%s; y cada lectura de un archivo de la entrada pide "
                                       "%ld %s",
                                       v->esperado != NULL ? v->esperado : "", r->lectura_bytes,
                                       texto_plural(r->lectura_bytes, "byte", "bytes"));
        char *obtenido = v->ok ? texto_formato("%s: %s", j->roto[i], r->porque)
                               : texto_formato("%s: %s\n%s", j->roto[i], r->porque,
                                               v->obtenido != NULL ? v->obtenido : "");
        if (v->ok) {
            char *t = texto_formato("Lo demás de esta verificación pasó («%.300s»), pero lo que "
                                    "pide cada lectura se juzga en las trazas de strace "
                                    "(«reglas_traza» de lab.json).",
                                    v->obtenido != NULL ? v->obtenido : "");
            anadir_linea(&v->detalle, t);
            free(t);
        }
        free(v->esperado);
        free(v->obtenido);
        v->esperado = esperado;
        v->obtenido = obtenido;
        v->ok = 0;
    }
}

char *conducta_reglas_sin_juzgar(lab_t *lab, const char *motivo_txt)
{
    char *aviso = NULL;
    for (int i = 0; i < lab->nreglas; i++) {
        verificacion_t *v = lab_verificacion(lab, lab->reglas[i].verificacion);
        if (v == NULL)
            continue;
        char *t = texto_formato("No se pudo juzgar lo que pide cada lectura («%s»): %s.",
                                lab->reglas[i].porque, motivo_txt);
        anadir_linea(&v->detalle, t);
        free(t);
        t = texto_formato("%s%s«%s» (%ld %s por lectura)", aviso != NULL ? aviso : "",
                          aviso != NULL ? ", " : "", v->nombre, lab->reglas[i].lectura_bytes,
                          texto_plural(lab->reglas[i].lectura_bytes, "byte", "bytes"));
        free(aviso);
        aviso = t;
    }
    return aviso;
}

static void motivo(char **informe, const char *visto, const char *porque)
{
    if (visto[0] == '\0')
        return;
    char *t = texto_formato("%s%sSe vio %s. %s.", *informe != NULL ? *informe : "",
                            *informe != NULL ? "\n" : "", visto, porque);
    free(*informe);
    *informe = t;
}

/* Por qué lo menor (cerrar, medir o borrar un archivo sin callback) está mal, y cuánto cuesta. */
static const char MOTIVO_MENOR[] =
    "Cerrar, medir (fstat) o borrar un archivo sin callback también bloquea el bucle, "
    "aunque sea poco: uv_fs_close, uv_fs_fstat y uv_fs_unlink van con su callback, en "
    "el grupo de hilos de libuv. Es un fallo pequeño: por sí solo cuesta una "
    "verificación, no el laboratorio";

/* Por qué dormir en una callback está mal, y cuánto cuesta. */
static const char MOTIVO_ESPERAS[] =
    "Cada uno (usleep, sleep, nanosleep) bloquea el bucle mientras duerme: en ese tiempo no "
    "avanza nada más (ni la red, ni los temporizadores, ni las señales). Para esperar sin "
    "bloquear, un uv_timer_t (uv_timer_start) con su callback. Como el trabajo sigue hecho con "
    "libuv, es un fallo pequeño: por sí solo cuesta una verificación, no el laboratorio";

/* ¿Hay en `j` algo de lo menor? Cerrar, medir o borrar sin callback, o dormir en callbacks, si
 * lo prueba la pila de los nanosleep: sin ella (sin -k), «después del primer epoll_ctl» también
 * lo cumple un bucle propio con uv_run(…, UV_RUN_NOWAIT), y decide como siempre. */
static int hay_menor(const juicio_t *j)
{
    return j->menor[0] != '\0' || (j->esperas[0] != '\0' && j->esperas_cb);
}

/* Lo prohibido que se vio en `j`, un «Se vio …. Qué usar.» por línea (NULL si nada); lo
 * menor, solo `con_menor` (sin ello, lo que decide si el laboratorio se califica). */
static char *informe_de(const juicio_t *j, int con_menor)
{
    char *r = NULL;
    char **informe = &r;
    motivo(informe, j->denegada,
           "La caja de arena no permite esa llamada al sistema en ningún laboratorio (el anillo "
           "de claves, Linux AIO, bpf, perf, leer la memoria de otro proceso…): nada del curso "
           "la necesita, así que pedirla cuenta como un medio prohibido, en cualquier camino");
    motivo(informe, j->lectura,
           "Leer o mirar (stat) archivos o carpetas en el hilo del bucle lo bloquea "
           "mientras espera al disco: se hace con uv_fs_open, uv_fs_read, uv_fs_scandir y "
           "uv_fs_stat con su callback, que trabajan en "
           "el grupo de hilos de libuv (una callback NULL las hace síncronas, en el hilo del "
           "bucle)");
    motivo(informe, j->trabajo,
           "Leer, escribir, abrir o listar archivos es el trabajo asíncrono de este "
           "laboratorio: cada paso es una uv_fs_* con su callback, que libuv hace en su grupo "
           "de hilos y avisa al bucle al acabar. Las uv_fs_* sin callback (o read, open, "
           "fopen… de libc) dentro de una callback de trabajo de uv_queue_work bloquean ese "
           "hilo del grupo de principio a fin: es el programa síncrono de siempre, escondido "
           "en otro hilo, y el enunciado lo deja sin calificar como leer bloqueando en el hilo "
           "del bucle");
    motivo(informe, j->escritura,
           "Abrir para escribir, escribir, truncar o renombrar archivos en el hilo del bucle "
           "lo bloquea: se hace con uv_fs_open, uv_fs_write, uv_fs_ftruncate y uv_fs_rename "
           "con su callback, en el grupo de hilos de libuv");
    if (con_menor)
        motivo(informe, j->menor, MOTIVO_MENOR);
    motivo(informe, j->proceso,
           "El trabajo se hace dentro del programa, con libuv: no se crean procesos ni se "
           "ejecutan otros programas");
    motivo(informe, j->red,
           "La red la lleva el bucle de eventos (libuv, o curl sobre libuv en el cliente del "
           "curso): sin sockets en hilos propios");
    motivo(informe, j->libpq,
           "Las llamadas de libpq que esperan al servidor (PQconnectdb, PQexec, PQexecParams, "
           "PQprepare, PQgetResult sin PQisBusy…) bloquean el bucle mientras tanto: las "
           "conexiones y las sentencias van por la biblioteca del curso (bd_conectar, "
           "bd_consultar), que las lleva sin bloquear sobre libuv");
    motivo(informe, j->ajeno_epoll,
           "El programa lleva su propio bucle de eventos (su propio epoll), no el de libuv: el "
           "bucle debe ser el de libuv, uv_run(UV_RUN_DEFAULT), y los descriptores los vigila "
           "libuv (uv_tcp_*, uv_poll_*, uv_timer_*…), no el programa");
    motivo(informe, j->ajeno_red,
           "libuv crea los sockets, los pone a escuchar y acepta sus conexiones (uv_tcp_init, "
           "uv_tcp_bind, uv_listen, uv_accept), o lo hacen curl o libpq en la biblioteca del "
           "curso: no el programa con sus propias llamadas");
    motivo(informe, j->hilos,
           "Solo cuenta el grupo de hilos de libuv (" CAL_TEXTO(
               HILOS_GRUPO) " en la "
                            "calificación): la concurrencia del laboratorio es la del bucle de "
                            "eventos, sin "
                            "hilos propios");
    if (j->esperas_cb) {
        if (con_menor)
            motivo(informe, j->esperas, MOTIVO_ESPERAS);
    } else if (j->esperas_run)
        motivo(informe, j->esperas,
               "Cada uno (usleep, sleep, nanosleep) bloquea el bucle mientras duerme: en ese "
               "tiempo no avanza nada más (ni la red, ni los temporizadores, ni las señales). "
               "Para esperar sin bloquear, un uv_timer_t (uv_timer_start) con su callback");
    else
        motivo(informe, j->esperas,
               "Eso es un bucle propio que duerme y vuelve a mirar (espera activa): las esperas "
               "las hace uv_run(UV_RUN_DEFAULT), que duerme en epoll hasta que hay algo que "
               "hacer");
    return r;
}

int conducta_preparar(const char *construccion, const char *trabajo, const char *binario,
                      char *carpeta, size_t t_c, char *puerta, size_t t_p)
{
    carpeta[0] = puerta[0] = '\0';
    char origen[PATH_MAX], error[256];
    texto_poner(origen, sizeof origen, "%s/bin/calif-puerta", construccion);
    /* La puerta, junto al binario (el usuario de la caja llega allí: entrega_accesible). */
    const char *barra = strrchr(binario, '/');
    if (barra == NULL || access(origen, X_OK) != 0)
        return -ENOENT;
    texto_poner(puerta, t_p, "%.*s/calif-puerta", (int)(barra - binario), binario);
    if (archivos_copiar(origen, puerta, error, sizeof error) < 0 || chmod(puerta, 0755) < 0)
        return -EIO;
    texto_poner(carpeta, t_c, "%s/trazas", trabajo);
    archivos_borrar_arbol(carpeta);
    if (mkdir(carpeta, 0700) < 0)
        return -errno;
    return 0;
}

void conducta_terminar(const char *carpeta)
{
    const char *guardar = getenv("CALIF_GUARDAR_TRAZAS");
    if (carpeta[0] == '\0' || (guardar != NULL && strcmp(guardar, "1") == 0))
        return;
    archivos_borrar_arbol(carpeta);
}

/* La verificación de una traza, por su nombre («<pid>-<n>[-valgrind]@<id>.traza»,
 * lib/observar.c): su índice en lab->v, o -1 si no lo dice o no es del laboratorio (las
 * trazas guardadas de --juzgar-trazas, o lanzada fuera de una verificación). */
static int traza_verificacion(lab_t *lab, const char *nombre)
{
    const char *arroba = strrchr(nombre, '@');
    if (arroba == NULL)
        return -1;
    char id[128];
    size_t n = strlen(arroba + 1) - strlen(".traza");
    if (n == 0 || n >= sizeof id)
        return -1;
    memcpy(id, arroba + 1, n);
    id[n] = '\0';
    verificacion_t *v = lab_verificacion(lab, id);
    return v != NULL ? (int)(v - lab->v) : -1;
}

/* Una verificación con el disco lento (cal_lanzamiento_t.escritura_lenta_ms, rename_lento_ms)
 * en la que el programa escribió o renombró con otras llamadas que las que se hacen lentas:
 * esa parte no se pudo juzgar, y sin juzgar no hay puntos (hostiles/descargas_sin_posicion.c). */
static void disco_esquivado(verificacion_t *v, const char *visto)
{
    char *o = texto_formato("el disco lento de esta verificación no se pudo aplicar: se vio %s. "
                            "Solo se hacen lentas las escrituras con posición (pwrite64, pwritev, "
                            "pwritev2: uv_fs_write con la posición explícita, como pide el "
                            "enunciado) y los renombrados (rename)%s%s",
                            visto, v->ok ? "" : "\n",
                            v->ok ? "" : (v->obtenido != NULL ? v->obtenido : ""));
    free(v->obtenido);
    v->obtenido = o;
    v->ok = 0;
}

/* La pista de una verificación que no cuenta por los medios: la suya habla de lo que juzga
 * (en el 11, del orden de las escrituras), y lo que falló fue otra cosa (un uv_fs_close sin
 * callback: el estudiante de prueba de la sesión 33 buscaba el fallo en el orden). */
static void pista_de_medios(verificacion_t *v)
{
    char *t = texto_formato("esta no falla por lo que juzga, sino por los medios: cambia lo "
                            "que dice «Obtenido» por lo que allí se propone.");
    free(v->pista);
    v->pista = t;
}

/* Un medio prohibido visto solo fuera del núcleo: cada verificación donde se vio queda en 0
 * con lo visto (qué llamada, qué hilo, qué archivo, qué usar). */
static void quitar_verificacion(verificacion_t *v, const char *visto)
{
    pista_de_medios(v);
    if (v->ok) {
        char *t = texto_formato("Lo demás de esta verificación pasó («%.300s»), pero en sus "
                                "ejecuciones el programa usó medios que el laboratorio no "
                                "permite (observado con strace).",
                                v->obtenido != NULL ? v->obtenido : "");
        anadir_linea(&v->detalle, t);
        free(t);
    }
    char *o = texto_formato("no cuenta: en esta verificación el programa usa medios que el "
                            "laboratorio no permite.\n%s%s%s",
                            visto, v->ok ? "" : "\n",
                            v->ok ? "" : (v->obtenido != NULL ? v->obtenido : ""));
    free(v->obtenido);
    v->obtenido = o;
    v->ok = 0;
}

/* Dónde se cobra lo menor: la primera verificación del «nucleo» donde se vio, o si no la
 * primera donde se vio (-1: solo en trazas que no dicen de qué verificación son). */
static int donde_cobrar_menor(const lab_t *lab, const juicio_t *por)
{
    int primera = -1;
    for (int i = 0; i < lab->nv; i++) {
        if (!hay_menor(&por[i]))
            continue;
        if (lab_nucleo(lab, lab->v[i].id))
            return i;
        if (primera < 0)
            primera = i;
    }
    return primera;
}

int conducta_juzgar(lab_t *lab, const char *carpeta, int reglas, char **informe, char **aviso)
{
    *informe = *aviso = NULL;
    juicio_t j;
    memset(&j, 0, sizeof j);
    /* Lo visto en cada verificación (la última casilla: trazas que no dicen de cuál son). */
    juicio_t *por = calloc((size_t)lab->nv + 1, sizeof *por);
    char *esquivadas = calloc((size_t)lab->nv + 1, 1);
    if (por == NULL || esquivadas == NULL) {
        free(por);
        free(esquivadas);
        return -1;
    }
    entradas_t entradas;
    entradas_leer(carpeta, &entradas);
    DIR *d = opendir(carpeta);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 6, ".traza") != 0)
            continue;
        char ruta[PATH_MAX];
        texto_poner(ruta, sizeof ruta, "%s/%s", carpeta, e->d_name);
        vista_t *v = malloc(sizeof *v);
        if (v == NULL)
            break;
        v->lab = lab;
        v->entradas = &entradas;
        leer_traza(ruta, lab->programa, v);
        j.trazas++;
        sumar(lab, v, &j);
        int iv = traza_verificacion(lab, e->d_name);
        sumar(lab, v, &por[iv >= 0 ? iv : lab->nv]);
        if (reglas && v->esquivo[0] != '\0' && iv >= 0 && !esquivadas[iv]) {
            esquivadas[iv] = 1;
            disco_esquivado(&lab->v[iv], v->esquivo);
        }
        free(v);
    }
    if (d != NULL)
        closedir(d);
    free(esquivadas);
    entradas_liberar(&entradas);
    if (j.observadas == 0) {
        free(por);
        return -1; /* nada que juzgar: quien llama lo dice */
    }
    pila_motivo[0] = '\0';
    if (origen_ok && !pila_ok && prohibe(lab, "red_cruda") && requiere(lab, "uv_listen"))
        snprintf(pila_motivo, sizeof pila_motivo,
                 "este strace no da la pila de cada llamada (-k), y sin ella no se sabe si las "
                 "hace libuv o el programa con las funciones de libc");
    if (origen_ok && j.sin_ip > 0 && j.con_ip == 0)
        snprintf(origen_motivo, sizeof origen_motivo,
                 "strace no dio la dirección de ninguna de las llamadas de epoll o de la red "
                 "(%d)",
                 j.sin_ip);
    /* «El grupo lee por el programa»: sin ninguna pila de un archivo del grupo, no se juzgó. */
    trabajo_motivo[0] = '\0';
    if (lab->npila_en > 0 &&
        (prohibe(lab, "lectura_bloqueante") || prohibe(lab, "archivos_bloqueantes")) &&
        j.trabajo_con_pila == 0)
        snprintf(trabajo_motivo, sizeof trabajo_motivo, "%s",
                 origen_ok && !pila_ok
                     ? "este strace no da la pila de cada llamada (-k), y sin ella no se sabe si "
                       "un archivo que toca el grupo de hilos de libuv lo pidió una uv_fs_* con "
                       "callback o el propio programa en una callback de uv_queue_work"
                     : "en las trazas no hay ningún archivo tocado por el grupo de hilos de libuv "
                       "con su pila (strace -k), y sin ella no se sabe si lo pidió una uv_fs_* "
                       "con callback o el propio programa en una callback de uv_queue_work");
    *informe = informe_de(&j, 1);
    /* ¿En el camino principal? Sí, si se vio en una verificación del núcleo («nucleo» de
     * lab.json), en una traza que no dice de qué verificación es, o en más de la mitad de las
     * verificaciones con ejecuciones observadas (entonces es el programa entero). Si no, solo
     * pierden sus puntos las verificaciones donde se vio. */
    int incidental = 0;
    /* Lo menor (cerrar, medir o borrar sin callback, dormir en callbacks) no cuenta para eso: se
     * cobra una vez, en una verificación (donde_cobrar_menor), salvo si solo se vio en trazas
     * sin verificación. */
    int cobrar_menor = hay_menor(&j) ? donde_cobrar_menor(lab, por) : -1;
    if (*informe != NULL) {
        int con_ejecuciones = 0, rotas = 0, nucleo = 0;
        for (int i = 0; i <= lab->nv; i++) {
            char *visto = informe_de(&por[i], 0);
            int menor_aqui = i == lab->nv && hay_menor(&por[i]) && cobrar_menor < 0;
            con_ejecuciones += por[i].observadas > 0 || visto != NULL;
            if (visto != NULL || menor_aqui) {
                rotas++;
                nucleo |= i == lab->nv || lab_nucleo(lab, lab->v[i].id);
            }
            free(visto);
        }
        /* Una llamada que la caja no permite nunca (el anillo de claves, Linux AIO…) es
         * intentar salir de la caja: cuesta el laboratorio, esté donde esté. */
        incidental = !nucleo && 2 * rotas <= con_ejecuciones && j.denegada[0] == '\0';
    }
    if (incidental) {
        /* El informe del laboratorio: qué verificaciones pierden sus puntos, y por qué. */
        free(*informe);
        *informe = NULL;
        for (int i = 0; i < lab->nv; i++) {
            char *visto = informe_de(&por[i], 0);
            if (i == cobrar_menor) {
                motivo(&visto, por[i].menor, MOTIVO_MENOR);
                if (por[i].esperas_cb)
                    motivo(&visto, por[i].esperas, MOTIVO_ESPERAS);
            }
            if (visto == NULL)
                continue;
            char *t = texto_formato("En «%s» (%s):\n%s", lab->v[i].nombre, lab->v[i].id, visto);
            anadir_linea(informe, t);
            free(t);
            if (reglas)
                quitar_verificacion(&lab->v[i], visto);
            free(visto);
        }
    }
    free(por);
    if (*informe == NULL && requiere(lab, "uv_run") && j.con_epoll == 0 &&
        (prohibe(lab, "lectura_bloqueante") || prohibe(lab, "archivos_bloqueantes")))
        *aviso = texto_dup("uv_run (en ninguna ejecución vigiló el hilo del bucle un descriptor "
                           "con epoll: el bucle de eventos no llegó a correr)");
    else if (*informe == NULL && prohibe(lab, "lectura_bloqueante") && j.con_grupo == 0)
        *aviso = texto_dup("uv_fs_* con su callback (ningún archivo se leyó en el grupo de hilos "
                           "de libuv)");
    if (reglas && (*informe == NULL || incidental))
        aplicar_reglas(lab, &j);
    return *informe == NULL ? 0 : incidental ? 2 : 1;
}

int conducta_mostrar(const opciones_t *op, char **carpetas, int n)
{
    lab_t lab = {0};
    struct stat st;
    if (n != 1 || labs_cargar(op, carpetas[0], &lab) < 0) {
        fprintf(stderr, "calificar: --juzgar-trazas necesita un solo laboratorio válido (--lab)\n");
        lab_liberar(&lab);
        return 2;
    }
    if (stat(op->trazas, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "calificar: «%s» no es una carpeta de trazas\n", op->trazas);
        lab_liberar(&lab);
        return 2;
    }
    char *informe, *aviso;
    int r = conducta_juzgar(&lab, op->trazas, 0, &informe, &aviso);
    if (r < 0)
        printf("No hay ninguna ejecución observada del programa «%s» en %s.\n", lab.programa,
               op->trazas);
    else if (r == 1)
        printf("Rompe las reglas de medios del laboratorio %s:\n%s\n", lab.carpeta, informe);
    else if (r == 2)
        printf("Rompe las reglas de medios del laboratorio %s solo fuera de sus verificaciones "
               "principales, o con un fallo pequeño (pierden sus puntos estas "
               "verificaciones):\n%s\n",
               lab.carpeta, informe);
    else
        printf("Sin reglas de medios rotas%s%s.\n", aviso != NULL ? "; no se vio: " : "",
               aviso != NULL ? aviso : "");
    if (r >= 0 && r != 1 && trabajo_motivo[0] != '\0')
        printf("No se pudo juzgar si el grupo de hilos de libuv toca los archivos a petición del "
               "programa: %s.\n",
               trabajo_motivo);
    free(informe);
    free(aviso);
    lab_liberar(&lab);
    return r < 0 ? 3 : r != 0;
}

const char *conducta_strace(void)
{
    const char *strace = getenv("CALIF_STRACE");
    return strace != NULL && strace[0] == '/' ? strace : "/usr/bin/strace";
}

int conducta_probar(char *motivo_txt, size_t tam)
{
    motivo_txt[0] = '\0';
    const char *sin = getenv("CALIF_SIN_OBSERVAR");
    if (sin != NULL && sin[0] != '\0' && strcmp(sin, "0") != 0) {
        texto_poner(motivo_txt, tam, "CALIF_SIN_OBSERVAR está puesta (no se observa el programa)");
        return 0;
    }
    const char *strace = conducta_strace();
    if (access(strace, X_OK) != 0) {
        texto_poner(motivo_txt, tam,
                    "strace no está instalado (make deps lo instala), así que no se vio qué hace "
                    "el programa: ni los archivos en el hilo del bucle, ni los hilos ni los "
                    "procesos que crea");
        return 0;
    }
    /* Tal como se usará: como el usuario de la caja, siguiendo hijos, con --seccomp-bpf. */
    const char *argv[] = {strace, "-f",        "-qq", "--seccomp-bpf", "-e", "trace=execve",
                          "-o",   "/dev/null", "--",  "/bin/true",     NULL};
    const char *entorno[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};
    orden_t o = {
        .argv = argv, .entorno = entorno, .limite_s = 20, .uid = geteuid() == 0 ? uid_caja() : 0};
    int r = orden_ejecutar(&o);
    int ok = r == 0 && orden_bien(&o);
    if (!ok)
        texto_poner(motivo_txt, tam,
                    "esta máquina no deja usar ptrace (strace falló: %.200s), así que no se vio "
                    "qué hace el programa: ni los archivos en el hilo del bucle, ni los hilos ni "
                    "los procesos que crea. En un contenedor, ptrace de un hijo propio suele "
                    "estar permitido; mira kernel.yama.ptrace_scope y el perfil seccomp",
                    o.capturado != NULL ? o.capturado : "");
    free(o.capturado);
    /* Desde dónde se hace cada llamada (strace -i): cualquier strace lo sabe. CALIF_SIN_ORIGEN
     * lo apaga (prueba-autograder: el aviso dice que no se juzgó). */
    const char *sin_origen = getenv("CALIF_SIN_ORIGEN");
    origen_ok = ok && (sin_origen == NULL || sin_origen[0] == '\0' || strcmp(sin_origen, "0") == 0);
    /* La pila (-k) solo la da un strace construido con libdw o libunwind (el de Debian sí). */
    pila_ok = 0;
    if (origen_ok) {
        const char *argk[] = {strace,         "-f", "-qq",       "-k", "--seccomp-bpf", "-e",
                              "trace=execve", "-o", "/dev/null", "--", "/bin/true",     NULL};
        orden_t k = {.argv = argk,
                     .entorno = entorno,
                     .limite_s = 20,
                     .uid = geteuid() == 0 ? uid_caja() : 0};
        pila_ok = orden_ejecutar(&k) == 0 && orden_bien(&k);
        free(k.capturado);
    }
    texto_poner(origen_motivo, sizeof origen_motivo, "%s",
                ok && !origen_ok ? "CALIF_SIN_ORIGEN está puesta" : "");
    return ok;
}

int conducta_origen(void)
{
    return origen_ok;
}

const char *conducta_sin_origen(void)
{
    return origen_motivo[0] != '\0' ? origen_motivo : pila_motivo[0] != '\0' ? pila_motivo : NULL;
}

const char *conducta_sin_pila_trabajo(void)
{
    return trabajo_motivo[0] != '\0' ? trabajo_motivo : NULL;
}

const char *conducta_origen_entorno(const lab_t *lab)
{
    static char e[600];
    if (conducta_pila(lab))
        return "CALIF_OBSERVAR_ORIGEN=2";
    if (!origen_ok)
        return "CALIF_OBSERVAR_ORIGEN=0";
    if (!pila_ok || lab->npila_en == 0)
        return "CALIF_OBSERVAR_ORIGEN=1";
    if (strcmp(lab->pila_en[0], "*") == 0)
        return "CALIF_OBSERVAR_ORIGEN=2"; /* -k en todas (lib/observar.c) */
    size_t n = (size_t)snprintf(e, sizeof e, "CALIF_OBSERVAR_ORIGEN=3:");
    for (int i = 0; i < lab->npila_en && n < sizeof e; i++)
        n += (size_t)snprintf(e + n, sizeof e - n, "%s%s", i > 0 ? "," : "", lab->pila_en[i]);
    return e;
}

int conducta_pila(const lab_t *lab)
{
    return origen_ok && pila_ok && prohibe(lab, "red_cruda") && requiere(lab, "uv_listen");
}

const char *conducta_llamadas(const lab_t *lab)
{
    /* Cada llamada parada cuesta dos cambios de contexto (entrada y salida), y con la máquina
     * cargada eso retrasa el bucle: las de la red y epoll_ctl están en el camino de cada
     * petición. Por eso de la red solo se paran las que crean sockets o aceptan conexiones
     * (no connect ni send/recv), y epoll_ctl solo donde ya se paran los archivos (08 y 11). */
    static char l[2048];
    int archivos = prohibe(lab, "lectura_bloqueante") || prohibe(lab, "archivos_bloqueantes");
    /* Con -i, epoll_create* y epoll_ctl en todos: desde dónde se llaman dice si el bucle es
     * el de libuv. epoll_ctl va una vez por descriptor nuevo o cambio de lo vigilado (no por
     * vuelta, como epoll_wait). mmap solo donde ya se para (08 y 11): al cargar libcurl y
     * sus dependencias son unas 150 paradas antes de main, que retrasaban el arranque del
     * 07 (autograder/README.md, «Medios»). */
    /* Con la pila (-k, el 09), epoll_ctl no: libuv 1.45 y posteriores (la 1.50 de Debian 13)
     * hacen un epoll_ctl(MOD) por cada escritura terminada (al vaciarse la cola de un stream
     * vuelve a aplicar lo vigilado, aunque no cambie), y cada parada con -k cuesta de 2 a 6 ms:
     * en carga_200 eran 20 300 paradas (con libuv 1.44, 203) y la solución no daba la
     * bienvenida a sus 200 clientes ni en 60 s con la máquina cargada (autograder/README.md,
     * «La pila, en el 09»). Un bucle propio se delata igual en su epoll_create*, sus sockets,
     * listen y accept, que se paran con su pila. */
    snprintf(l, sizeof l,
             "execve,execveat,clone,clone3,fork,vfork,nanosleep,clock_nanosleep%s%s%s%s%s%s",
             conducta_pila(lab)                    ? ",epoll_create,epoll_create1"
             : origen_ok && archivos               ? ",epoll_create,epoll_create1,epoll_ctl"
             : origen_ok                           ? ",epoll_create,epoll_create1,epoll_ctl"
             : requiere(lab, "uv_run") && archivos ? ",epoll_ctl"
                                                   : "",
             prohibe(lab, "red_cruda") ? ",socket,accept,accept4,listen" : "",
             (prohibe(lab, "red_cruda") && requiere(lab, "uv_listen")) ||
                     prohibe(lab, "libpq_bloqueante")
                 ? ",poll,ppoll,select,pselect6"
                 : "",
             archivos ? ",openat,open,creat,read,pread64,readv,preadv,preadv2,getdents64,getdents,"
                        "openat2,splice,tee,sendfile,copy_file_range,mmap,io_uring_setup,"
                        "io_uring_enter,io_uring_register"
             : lab->nreglas > 0 ? ",read,pread64,readv,preadv,preadv2"
                                : "",
             prohibe(lab, "lectura_bloqueante") ? ",%file," POR_DESCRIPTOR_TODAS : "",
             prohibe(lab, "archivos_bloqueantes")
                 ? ",write,pwrite64,writev,pwritev,pwritev2,fsync,fdatasync,ftruncate,truncate,"
                   "rename,renameat,renameat2,link,linkat,unlink,unlinkat,symlink,symlinkat,"
                   "fallocate,sync_file_range,close,fstat,newfstatat,statx"
                 : "");
    return l;
}
