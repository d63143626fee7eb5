/* medios.c — «los medios también se califican»: qué no puede usar la entrega de un
 * laboratorio (lab.json, "medios") y el juicio sobre sus objetos compilados.
 *
 * Cada laboratorio enseña C asíncrono sobre libuv: una entrega que hace el trabajo con
 * system("curl …"), fork/exec, popen, posix_spawn, hilos propios o su propio bucle de
 * sockets no lo ha hecho, aunque la salida sea la correcta. El ejecutor compila cada .c del
 * estudiante a un objeto y mira sus símbolos sin definir (nm) y sus instrucciones (objdump):
 * si aparece algo de un grupo prohibido, la entrega no se califica y el informe dice qué se
 * encontró, dónde y por qué. Los hilos de libuv (uv_queue_work) están permitidos: viven en
 * libuv, no en los objetos del estudiante. El filtro seccomp de la caja (lib/filtro.c) es la
 * segunda barrera, por si algo se escapara de este análisis.
 *
 * Un nombre se compara ya «normalizado»: sin los prefijos __isoc99_, __isoc23_, __libc_, _IO_
 * y __, ni los sufijos _chk, _unlocked, _2 y 64 (__open64_2 → open, __read_chk → read,
 * _IO_fopen → fopen, fread_unlocked → fread, __isoc99_fscanf → fscanf, getdents64 →
 * getdents): glibc exporta muchos alias de cada función y la lista no puede nombrarlos todos.
 * Aun así los nombres se esquivan (callback NULL en uv_fs_*, una instrucción syscall que el
 * desensamblador no ve): esto es el primer filtro, rápido; lo que decide es lo que el
 * programa hace al correr (runner/conducta.c).
 *
 * Los grupos se definen aquí, una sola vez; cada lab.json elige los suyos.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *nombre;
    const char *porque; /* para el estudiante: qué prohíbe y qué usar en su lugar */
    const char *const *simbolos;
    const char *prefijo; /* además, todo símbolo que empiece así (o NULL) */
    int instrucciones;   /* además, instrucciones de llamada directa al sistema */
} grupo_t;

static const char *const procesos[] = {
    "fork",         "vfork",  "_Fork",    "clone",   "clone3",   "__clone",
    "system",       "popen",  "execl",    "execle",  "execlp",   "execv",
    "execve",       "execvp", "execvpe",  "fexecve", "execveat", "posix_spawn",
    "posix_spawnp", "daemon", "uv_spawn", NULL};
/* Y las funciones de libc que crean hilos por su cuenta: la E/S asíncrona de POSIX (aio_*,
 * el prefijo, y lio_listio; su hilo lee o escribe fuera del grupo de libuv), timer_create y
 * mq_notify (con SIGEV_THREAD) y getaddrinfo_a. */
static const char *const hilos[] = {"pthread_create",      "thrd_create",   "uv_thread_create",
                                    "uv_thread_create_ex", "lio_listio",    "timer_create",
                                    "mq_notify",           "getaddrinfo_a", NULL};
static const char *const directas[] = {"syscall", "dlopen",    "dlmopen",  "dlsym",
                                       "dlvsym",  "uv_dlopen", "uv_dlsym", NULL};
static const char *const red_cruda[] = {
    "socket",        "socketpair", "connect",    "accept",      "accept4",      "bind",
    "listen",        "poll",       "ppoll",      "select",      "pselect",      "epoll_create",
    "epoll_create1", "epoll_ctl",  "epoll_wait", "epoll_pwait", "epoll_pwait2", NULL};
/* Leer archivos o carpetas con llamadas que esperan en el hilo del bucle (y sus variantes
 * _FORTIFY_SOURCE): en un laboratorio de uv_fs_* todo eso va al grupo de hilos con su
 * callback. */
static const char *const lectura_bloqueante[] = {
    "open",        "open64",    "openat",      "openat64",        "__open_2",    "__open64_2",
    "__openat_2",  "read",      "__read_chk",  "pread",           "pread64",     "__pread_chk",
    "readv",       "preadv",    "preadv2",     "fopen",           "fopen64",     "freopen",
    "fdopen",      "fread",     "__fread_chk", "fgets",           "__fgets_chk", "fgetc",
    "getc",        "getline",   "getdelim",    "fscanf",          "mmap",        "mmap64",
    "opendir",     "fdopendir", "readdir",     "readdir64",       "scandir",     "scandir64",
    "nftw",        "ftw",       "fts_open",    "getdents",        "readdir_r",   "vfscanf",
    "fopencookie", "tmpfile",   "sendfile",    "copy_file_range", "splice",      NULL};
/* Escribir, truncar o renombrar archivos esperando en el hilo del bucle (lab 11: el disco va
 * por uv_fs_write, uv_fs_ftruncate y uv_fs_rename). Borrar (unlink, remove) no está: como
 * cerrar o medir, no mueve datos y cuesta una verificación, no el laboratorio; lo ve la
 * observación (runner/conducta_llamada.c, «menores»). */
static const char *const archivos_bloqueantes[] = {
    "open",       "open64",          "openat",          "openat64",
    "creat",      "creat64",         "fopen",           "fopen64",
    "freopen",    "fdopen",          "write",           "pwrite",
    "pwrite64",   "writev",          "pwritev",         "pwritev2",
    "dprintf",    "vdprintf",        "ftruncate",       "ftruncate64",
    "truncate",   "rename",          "renameat",        "renameat2",
    "fsync",      "fdatasync",       "__open_2",        "__open64_2",
    "__openat_2", "__dprintf_chk",   "__vdprintf_chk",  "link",
    "linkat",     "symlink",         "symlinkat",       "fopencookie",
    "tmpfile",    "sendfile",        "copy_file_range", "splice",
    "fallocate",  "posix_fallocate", "sync_file_range", NULL};
/* libpq con las llamadas que esperan al servidor en el hilo que las llama (lab 12: las
 * conexiones y las sentencias van por curso/bd.h, que las lleva sin bloquear sobre libuv).
 * PQgetResult no está: sin PQisBusy espera, pero con él es la forma asíncrona; eso lo ve la
 * observación (un poll en el hilo del bucle, runner/conducta.c). Los lo_* (objetos grandes)
 * van todos por PQfn, que también espera: el prefijo. */
static const char *const libpq_bloqueante[] = {"PQconnectdb",
                                               "PQconnectdbParams",
                                               "PQsetdbLogin",
                                               "PQreset",
                                               "PQping",
                                               "PQpingParams",
                                               "PQexec",
                                               "PQexecParams",
                                               "PQexecPrepared",
                                               "PQprepare",
                                               "PQdescribePrepared",
                                               "PQdescribePortal",
                                               "PQclosePrepared",
                                               "PQclosePortal",
                                               "PQcancel",
                                               "PQrequestCancel",
                                               "PQfn",
                                               "PQgetline",
                                               "PQputline",
                                               "PQendcopy",
                                               NULL};
static const char *const ninguno[] = {NULL};

static const grupo_t grupos[] = {
    {"procesos",
     "crear procesos ni ejecutar otros programas (fork, system, popen, exec…, posix_spawn, "
     "uv_spawn): el trabajo se hace dentro del programa, con libuv",
     procesos, NULL, 0},
    {"hilos",
     "crear hilos propios (pthread_create, uv_thread_create) ni usar lo que los crea por ti "
     "(aio_read, aio_write, lio_listio, timer_create, mq_notify, getaddrinfo_a): la "
     "concurrencia del laboratorio es la del bucle de eventos; el grupo de hilos de libuv "
     "(uv_fs_*, uv_queue_work) sí vale",
     hilos, "aio_", 0},
    {"llamadas_directas",
     "llamar directamente al sistema (syscall, ensamblador con syscall/int 0x80), buscar "
     "funciones por su dirección (dlsym, uv_dlsym) ni hablar con valgrind por detrás "
     "(valgrind.h): son maneras de saltarse las reglas del laboratorio",
     directas, NULL, 1},
    {"red_cruda",
     "usar sockets o esperas propias (socket, connect, accept, poll, select, epoll…): la red y "
     "las esperas del laboratorio las lleva libuv",
     red_cruda, NULL, 0},
    {"archivos_bloqueantes",
     "abrir, escribir o renombrar archivos con llamadas que bloquean el bucle (open, fopen, "
     "write, pwrite, ftruncate, rename…): los archivos del laboratorio se manejan con uv_fs_* "
     "y su callback",
     archivos_bloqueantes, NULL, 0},
    {"curl",
     "usar libcurl directamente (curl_…): el laboratorio se hace con el cliente del curso "
     "(curso/http.h), que ya lleva curl sobre libuv",
     ninguno, "curl_", 0},
    {"libpq_bloqueante",
     "usar las llamadas de libpq que esperan al servidor (PQconnectdb, PQexec, PQexecParams, "
     "PQprepare, PQcancel, lo_*…): bloquean el bucle mientras esperan; las conexiones y las "
     "sentencias van por la biblioteca del curso (bd_conectar, bd_consultar, bd_cancelar)",
     libpq_bloqueante, "lo_", 0},
    {"lectura_bloqueante",
     "leer archivos o carpetas con llamadas que bloquean el bucle (open, read, fopen, fread, "
     "fgets, mmap, opendir, readdir, scandir…): se leen con uv_fs_open, uv_fs_read y "
     "uv_fs_scandir, que trabajan en el grupo de hilos y avisan con una callback",
     lectura_bloqueante, NULL, 0},
};

int medios_grupo_valido(const char *nombre)
{
    for (size_t i = 0; i < sizeof grupos / sizeof grupos[0]; i++)
        if (strcmp(grupos[i].nombre, nombre) == 0)
            return 1;
    return 0;
}

static const grupo_t *grupo(const char *nombre)
{
    for (size_t i = 0; i < sizeof grupos / sizeof grupos[0]; i++)
        if (strcmp(grupos[i].nombre, nombre) == 0)
            return &grupos[i];
    return NULL;
}

/* El nombre sin los prefijos y sufijos de los alias de glibc (ver el comentario de arriba). */
static void normalizar(const char *nombre, size_t largo, char *dst, size_t tam)
{
    static const char *const prefijos[] = {"__isoc99_", "__isoc23_", "__libc_", "_IO_", "__", NULL};
    static const char *const sufijos[] = {"_chk", "_unlocked", "_2", "64", NULL};
    if (largo >= tam)
        largo = tam - 1;
    memcpy(dst, nombre, largo);
    dst[largo] = '\0';
    for (int i = 0; prefijos[i] != NULL; i++) {
        size_t l = strlen(prefijos[i]);
        if (strncmp(dst, prefijos[i], l) == 0 && dst[l] != '\0') {
            memmove(dst, dst + l, strlen(dst + l) + 1);
            break;
        }
    }
    for (int cambio = 1; cambio;) {
        cambio = 0;
        for (int i = 0; sufijos[i] != NULL; i++) {
            size_t l = strlen(sufijos[i]), n = strlen(dst);
            if (n > l && strcmp(dst + n - l, sufijos[i]) == 0) {
                dst[n - l] = '\0';
                cambio = 1;
            }
        }
    }
}

/* ¿Está `simbolo` (una palabra) entre los símbolos sin definir que listó nm -P -u? Cada
 * línea de nm -P es «nombre tipo [valor tamaño]»; los de glibc llevan versión
 * («fork@GLIBC_2.2.5») solo en objetos ya enlazados, no en un .o. */
static int sin_definir(const char *nm, const char *simbolo, const char *prefijo, int exacto,
                       char *visto, size_t tam)
{
    for (const char *p = nm; p != NULL && *p != '\0';) {
        const char *fin = strchr(p, '\n');
        size_t largo = fin != NULL ? (size_t)(fin - p) : strlen(p);
        const char *esp = memchr(p, ' ', largo);
        size_t nombre = esp != NULL ? (size_t)(esp - p) : largo;
        const char *arroba = memchr(p, '@', nombre);
        if (arroba != NULL)
            nombre = (size_t)(arroba - p);
        int si = simbolo != NULL && nombre == strlen(simbolo) && strncmp(p, simbolo, nombre) == 0;
        if (!si && simbolo != NULL && !exacto) {
            char normal[128], buscado[128];
            normalizar(p, nombre, normal, sizeof normal);
            normalizar(simbolo, strlen(simbolo), buscado, sizeof buscado);
            si = strcmp(normal, buscado) == 0;
        }
        if (!si && prefijo != NULL && nombre >= strlen(prefijo) &&
            strncmp(p, prefijo, strlen(prefijo)) == 0)
            si = 2;
        if (si) {
            if (visto != NULL)
                snprintf(visto, tam, "%.*s", (int)nombre, p);
            return 1;
        }
        p = fin != NULL ? fin + 1 : NULL;
    }
    return 0;
}

/* ¿Hay una instrucción de llamada directa al sistema en el desensamblado de objdump -d? */
static int llamada_directa(const char *asm_texto)
{
    static const char *const mnemonicos[] = {"\tsyscall", "\tsysenter", "\tint    $0x80",
                                             "\tsvc\t",   "\tsvc    ",  NULL};
    for (int i = 0; mnemonicos[i] != NULL; i++)
        if (strstr(asm_texto != NULL ? asm_texto : "", mnemonicos[i]) != NULL)
            return 1;
    return 0;
}

/* ¿Está el preámbulo de las peticiones de cliente de valgrind (valgrind.h:
 * __SPECIAL_INSTRUCTION_PREAMBLE) en el código? Con él el programa habla con valgrind por
 * detrás: le hace ejecutar una función suya en la CPU de verdad, sin instrumentar
 * (VALGRIND_NON_SIMD_CALL*), u olvidar un bloque perdido (VALGRIND_FREELIKE_BLOCK), y el
 * veredicto de valgrind deja de ser suyo (lib/valgrind.c, hostiles/valgrind_cliente.c). Se
 * buscan los bytes, no las instrucciones: un salto a mitad de instrucción desordena el
 * desensamblado, pero no los bytes que objdump escribe de cada una, que se concatenan. En
 * x86_64, «rol $3; rol $13; rol $61; rol $51» sobre %rdi; en aarch64, «ror x12» con 3, 13,
 * 51 y 61 (objdump escribe cada instrucción como una palabra). */
static int peticion_valgrind(const char *asm_texto)
{
    static const char *const preambulos[] = {"48c1c70348c1c70d48c1c73d48c1c733",
                                             "93cc0d8c93cc358c93cccd8c93ccf58c", NULL};
    size_t n = 0, cap = asm_texto != NULL ? strlen(asm_texto) + 1 : 1;
    char *hex = malloc(cap);
    if (hex == NULL)
        return 0;
    /* Cada línea de código es «  dirección:\tbytes\tinstrucción» (o solo los bytes, si no
     * caben en una línea). */
    for (const char *p = asm_texto; p != NULL && *p != '\0';) {
        const char *fin = strchr(p, '\n');
        size_t largo = fin != NULL ? (size_t)(fin - p) : strlen(p);
        const char *dos = memchr(p, ':', largo);
        if (dos != NULL && dos + 1 < p + largo && dos[1] == '\t') {
            for (const char *b = dos + 2; b < p + largo && *b != '\t'; b++)
                if ((*b >= '0' && *b <= '9') || (*b >= 'a' && *b <= 'f'))
                    hex[n++] = *b;
                else if (*b != ' ')
                    break;
        }
        p = fin != NULL ? fin + 1 : NULL;
    }
    hex[n] = '\0';
    int visto = 0;
    for (int i = 0; preambulos[i] != NULL && !visto; i++)
        visto = strstr(hex, preambulos[i]) != NULL;
    free(hex);
    return visto;
}

/* ¿Incluye el fuente una cabecera de valgrind (valgrind/valgrind.h, valgrind/memcheck.h…)?
 * No sirven para nada más que para hablar con valgrind por detrás (las peticiones de
 * cliente). */
static int cabecera_valgrind(const char *fuente, char *vista, size_t tam)
{
    for (const char *p = fuente; p != NULL && *p != '\0';) {
        const char *fin = strchr(p, '\n');
        size_t largo = fin != NULL ? (size_t)(fin - p) : strlen(p);
        const char *q = p;
        while (q < p + largo && (*q == ' ' || *q == '\t'))
            q++;
        if (q < p + largo && *q == '#') {
            q++;
            while (q < p + largo && (*q == ' ' || *q == '\t'))
                q++;
            size_t resto = (size_t)(p + largo - q);
            if (resto > 7 && strncmp(q, "include", 7) == 0 &&
                (memmem(q, resto, "valgrind", 8) != NULL ||
                 memmem(q, resto, "memcheck", 8) != NULL)) {
                snprintf(vista, tam, "#%.*s", (int)(resto < 100 ? resto : 100), q);
                return 1;
            }
        }
        p = fin != NULL ? fin + 1 : NULL;
    }
    return 0;
}

/* Añade «texto» a *s (memoria nueva; *s puede ser NULL). */
static void anadir(char **s, const char *texto)
{
    char *t = texto_formato("%s%s", *s != NULL ? *s : "", texto);
    free(*s);
    *s = t;
}

/* ¿Está ya `nombre` en la lista «a, b, c»? */
static int ya_visto(const char *lista, const char *nombre)
{
    size_t l = strlen(nombre);
    for (const char *p = lista; p != NULL && (p = strstr(p, nombre)) != NULL; p += l)
        if ((p == lista || p[-1] == ' ') && (p[l] == ',' || p[l] == '\0'))
            return 1;
    return 0;
}

int medios_juzgar(const lab_t *lab, const char *archivo, const char *nm, const char *asm_texto,
                  char **informe)
{
    int malos = 0;
    for (int g = 0; g < lab->nprohibidos; g++) {
        const grupo_t *gr = grupo(lab->prohibidos[g]);
        if (gr == NULL)
            continue;
        char *vistos = NULL;
        char visto[160];
        for (int k = 0; gr->simbolos[k] != NULL; k++)
            if (sin_definir(nm, gr->simbolos[k], NULL, 0, visto, sizeof visto) &&
                !ya_visto(vistos, visto)) {
                anadir(&vistos, vistos != NULL ? ", " : "");
                anadir(&vistos, visto);
            }
        /* Del prefijo, el primer nombre que lo lleva («aio_read», «curl_easy_init»). */
        if (gr->prefijo != NULL && sin_definir(nm, NULL, gr->prefijo, 0, visto, sizeof visto) &&
            !ya_visto(vistos, visto)) {
            anadir(&vistos, vistos != NULL ? ", " : "");
            anadir(&vistos, visto);
        }
        if (gr->instrucciones && llamada_directa(asm_texto)) {
            anadir(&vistos, vistos != NULL ? ", " : "");
            anadir(&vistos, "una instrucción de llamada directa al sistema");
        }
        if (gr->instrucciones && peticion_valgrind(asm_texto)) {
            anadir(&vistos, vistos != NULL ? ", " : "");
            anadir(&vistos,
                   "una llamada directa a valgrind (una petición de cliente, client request: "
                   "el preámbulo de valgrind.h hace que valgrind ejecute código sin "
                   "instrumentar o cambie su veredicto)");
        }
        if (vistos != NULL) {
            char *linea = texto_formato("%s%s usa %s. En este laboratorio no se permite %s.",
                                        *informe != NULL ? "\n" : "", archivo, vistos, gr->porque);
            anadir(informe, linea);
            free(linea);
            free(vistos);
            malos++;
        }
    }
    return malos > 0;
}

int medios_juzgar_fuente(const lab_t *lab, const char *archivo, const char *fuente, char **informe)
{
    char vista[128];
    for (int g = 0; g < lab->nprohibidos; g++) {
        const grupo_t *gr = grupo(lab->prohibidos[g]);
        if (gr == NULL || !gr->instrucciones || !cabecera_valgrind(fuente, vista, sizeof vista))
            continue;
        char *linea = texto_formato("%s%s incluye una cabecera de valgrind («%s»): solo sirve "
                                    "para hablar con valgrind por detrás (peticiones de "
                                    "cliente). En este laboratorio no se permite %s.",
                                    *informe != NULL ? "\n" : "", archivo, vista, gr->porque);
        anadir(informe, linea);
        free(linea);
        return 1;
    }
    return 0;
}

char *medios_faltan(const lab_t *lab, const char *nm_todos)
{
    char *faltan = NULL;
    for (int i = 0; i < lab->nrequeridos; i++)
        if (!sin_definir(nm_todos, lab->requeridos[i], NULL, 1, NULL, 0)) {
            anadir(&faltan, faltan != NULL ? ", " : "");
            anadir(&faltan, lab->requeridos[i]);
        }
    return faltan;
}
