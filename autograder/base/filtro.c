/* filtro.c — el filtro seccomp de la caja de arena: una lista de permitidos (libseccomp).
 *
 * Solo tienen éxito las llamadas al sistema que hacen de verdad libc, libuv, libcurl (con
 * OpenSSL y el resolutor), libpq, jansson y valgrind: la lista base de abajo, por grupos, y lo
 * que un laboratorio añada en su lab.json («llamadas»: {"permitidas": [...]}, leído por
 * runner/manifiesto.c y pasado al calificador en CALIF_LLAMADAS). Todo lo demás falla con
 * ENOSYS sin matar al programa: glibc y libuv prueban llamadas nuevas y vuelven atrás con
 * ENOSYS (clone3, io_uring_setup, epoll_pwait2…), así que «no existe» es la respuesta que
 * nunca rompe un programa correcto. Las listas salen de trazar (strace -f) las seis
 * soluciones calificadas, con y sin valgrind, y de leer lo que libuv 1.44/1.50 puede llamar;
 * con generosidad para las variantes modernas de llamadas inocuas que Debian 13 (glibc 2.41,
 * libuv 1.50) puede usar y aquí no se ven (statx, faccessat2, epoll_pwait2, close_range…).
 *
 * Reglas con argumentos:
 *   fork, vfork                → EPERM
 *   clone sin CLONE_THREAD     → EPERM   (un proceso nuevo; con CLONE_THREAD y algún indicador
 *                                         de espacio de nombres, ENOSYS: nada de eso es un hilo)
 *   clone con CLONE_THREAD     → permitido (los hilos de libuv, de libcurl y de valgrind)
 *   clone3                     → ENOSYS  (glibc vuelve a clone, donde se miran los indicadores:
 *                                         los argumentos de clone3 van en memoria y BPF no
 *                                         puede leerlos)
 *   ptrace                     → EPERM   (siempre: así PTRACE_TRACEME no distingue una
 *                                         ejecución observada con strace de otra)
 *   socket                     → solo AF_INET, AF_INET6 y AF_NETLINK (el getaddrinfo de glibc
 *                                         con AI_ADDRCONFIG pregunta las direcciones por netlink),
 *                                         y AF_UNIX si el lab.json lo pide («llamadas»:
 *                                         {"unix": true}: FILTRO_UNIX en la lista, el 12 para
 *                                         libpq); cualquier otro dominio → EPERM. Un socket AF_UNIX
 *                                         llega a cualquier socket con nombre que el programa vea
 *                                         (docker.sock, el PostgreSQL o el D-Bus de la máquina, el
 *                                         canal de Criterion del calificador): la red propia no lo
 *                                         separa y Landlock no media ese connect(). El cliente de
 *                                         nscd y syslog de glibc lo intentan y, con EPERM, siguen
 *                                         sin él. socketpair queda libre (libuv y libcurl la usan
 *                                         con AF_UNIX; no llega a ningún nombre). El dominio es el
 *                                         primer argumento entero, y se compara entero: los
 *                                         indicadores SOCK_NONBLOCK y SOCK_CLOEXEC van en el
 *                                         segundo, y un AF_UNIX con bits altos (1 + 2^32) no es
 *                                         igual a ninguno de los permitidos.
 *   fcntl                      → solo las órdenes de la lista `fcntl_permitidas` (duplicar,
 *                                         los indicadores, candados, tuberías, sellos; F_SETFL sin
 *                                         O_ASYNC); F_SETOWN, F_SETOWN_EX, F_SETSIG, F_SETLEASE,
 *                                         F_NOTIFY y F_SETFL con O_ASYNC → EPERM; otra → ENOSYS
 *   ioctl                      → todo salvo FIOASYNC, FIOSETOWN y SIOCSPGRP → EPERM
 *                                         Es la E/S por señales (SIGIO): un descriptor que avisa
 *                                         con una señal a quien se nombra dueño, y un servidor que
 *                                         lee y escribe sus sockets desde el manejador o desde un
 *                                         hilo que espera la señal, fuera del bucle de libuv
 *                                         (adversario del 09, sesión 33: 100/100). Nada del curso
 *                                         lo usa. La orden es un unsigned int para el núcleo: se
 *                                         compara con máscara 0xffffffff (una orden con bits altos
 *                                         es la misma orden), y como una regla admite una sola
 *                                         comparación por argumento y una permisión que abarca
 *                                         otra la tapa, «todo ioctl salvo tres» se escribe como
 *                                         los bloques de valores (prefijos de bits) que no tocan
 *                                         ninguno de los tres: reglas_complemento
 *   otra arquitectura / x32    → el proceso muere (nadie cambia de ABI para esquivarlo)
 *   sin valgrind, memoria que se escribe y se ejecuta (W^X):
 *     mmap con PROT_EXEC y PROT_WRITE, o PROT_EXEC y MAP_ANONYMOUS     → EPERM
 *     mprotect o pkey_mprotect con PROT_EXEC                          → EPERM
 *   El compromiso de mprotect: con seccomp no se sabe si la memoria fue escribible, así que
 *   se niega todo mprotect a PROT_EXEC. Medido con strace sobre las seis soluciones (Debian
 *   12, glibc 2.36): ld.so carga cada biblioteca con mmap(archivo, PROT_READ|PROT_EXEC) y
 *   solo llama a mprotect con PROT_NONE, PROT_READ (RELRO) y PROT_READ|PROT_WRITE (pilas de
 *   los hilos): nunca con PROT_EXEC. Lo pediría una pila ejecutable (PT_GNU_STACK RWE), que
 *   el curso no genera y glibc 2.41 ya rechaza. Lo que W^X no cierra: escribir código en un
 *   archivo (/tmp) y mapearlo con PROT_EXEC desde ese archivo, o escribir en /proc/self/mem;
 *   las dos cosas quedan en la traza del 08 y el 11 (openat, mmap) y son trampas
 *   deliberadas, no código generado por accidente.
 *   Con valgrind no hay W^X: su traductor (JIT) escribe y ejecuta memoria RWX. Por eso
 *   valgrind corre con el mismo filtro salvo esas dos reglas (autograder/README.md).
 *
 * Siempre prohibidas, aunque un lab.json las pida (filtro_llamada_pedible lo rechaza):
 * FILTRO_PROHIBIDAS. De ellas, las «nombradas» (FILTRO_NOMBRADAS: el anillo de claves, Linux
 * AIO, bpf, perf, userfaultfd, leer la memoria de otro proceso, módulos, kexec,
 * personality) devuelven SECCOMP_RET_TRACE: con el strace que observa cada lanzamiento
 * (lib/observar.c, `-e inject=…:error=ENOSYS`) la llamada no se hace, falla con ENOSYS y
 * queda escrita en la traza, donde runner/conducta.c la nombra en el informe; sin trazador, el
 * núcleo devuelve ENOSYS (igual de seguro). ERRNO gana a TRACE cuando dos filtros discrepan,
 * y el de strace (--seccomp-bpf) devuelve TRACE o ALLOW: el nuestro decide. Ojo: bajo un
 * trazador que NO pide parar una llamada, TRACE la deja pasar (tras avisar al trazador, el
 * núcleo vuelve a filtrar y un segundo TRACE vale como permitida): por eso observar.c pide siempre
 * TODAS las nombradas, y las demás denegadas son ERRNO, nunca TRACE. Las de montar y los espacios
 * de nombres (mount, unshare, setns…) no se nombran: bwrap las usa bajo el mismo strace antes del
 * exec, y un inject las rompería; van con EPERM.
 *
 * El programa BPF se construye en el padre (filtro_preparar: libseccomp reserva memoria,
 * algo que no se hace tras fork en un proceso con hilos) y después: filtro_instalar() en el
 * hijo antes de execve (solo prctl) o filtro_descriptor() para `bwrap --seccomp FD`.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__aarch64__)
#define FILTRO_HAY 1
#else
#define FILTRO_HAY 0 /* sin filtro: filtro_disponible() dice que no */
#endif

/* Las siempre prohibidas que se nombran (SECCOMP_RET_TRACE; ver la cabecera). */
#define FILTRO_NOMBRADAS_LISTA                                                                     \
    "keyctl", "add_key", "request_key", "io_setup", "io_submit", "io_getevents", "io_pgetevents",  \
        "io_cancel", "io_destroy", "bpf", "perf_event_open", "userfaultfd", "process_vm_readv",    \
        "process_vm_writev", "kexec_load", "kexec_file_load", "init_module", "finit_module",       \
        "delete_module", "personality"

/* La lista base. Un nombre que no existe en la arquitectura (open en aarch64) o que esta
 * libseccomp no conoce (fchmodat2, de Linux 6.6, en la 2.5.4 de Debian 12) se
 * salta: lo que no se permite falla con ENOSYS, y glibc vuelve a la llamada de siempre. */
static const char *const base[] = {
    /* Arranque y el propio proceso (ld.so, glibc; valgrind pide las de identidad y getcwd). */
    "execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "get_robust_list", "rseq",
    "prlimit64", "getrlimit", "setrlimit", "exit", "exit_group", "getpid", "getppid", "gettid",
    "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "getgroups", "uname",
    "sysinfo", "prctl", "getcwd", "chdir", "fchdir", "umask", "getrusage", "times", "getpriority",
    "sched_getaffinity", "sched_yield", "sched_getparam", "sched_getscheduler",
    /* wait4 y waitid: el init de bwrap (pid 1 de la caja) corre con el mismo filtro y espera
     * al programa; el programa, sin fork, no tiene hijos que esperar. */
    "wait4", "waitid",
    "getrandom", /* OpenSSL, la semilla de las tablas hash de glibc y libuv (uv_random) */
    /* Memoria (mmap, mprotect y pkey_mprotect van aparte: W^X). */
    "munmap", "mremap", "madvise", "msync", "mincore", "membarrier", "mlock", "mlock2", "munlock",
    /* Hilos (clone va aparte, con sus indicadores). */
    "futex", "futex_waitv", "tgkill", "tkill",
    "getcpu", /* sched_getcpu sin vDSO (malloc de glibc elige arena por CPU) */
    /* Tiempo: relojes, esperas y timerfd (libuv mide con clock_gettime; valgrind, time). */
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
    "timerfd_create", "timerfd_settime", "timerfd_gettime", "alarm", "setitimer", "getitimer",
    "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete",
    /* Archivos por descriptor y por ruta (uv_fs_*, stdio, la configuración que leen glibc,
     * OpenSSL y el resolutor; openat2, splice y tee no las usa nadie del curso, pero son
     * inocuas y la observación del 08 y el 11 las juzga: hostiles/medios_08_splice.c). */
    "read", "write", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev", "preadv2",
    "pwritev2", "open", "openat", "openat2", "creat", "close", "close_range", "lseek", "fstat",
    "stat", "lstat", "newfstatat", "statx", "statfs", "fstatfs", "access", "faccessat",
    "faccessat2", "readlink", "readlinkat", "getdents", "getdents64", "flock", "dup", "dup2",
    "dup3", "pipe", "pipe2", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename",
    "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "ftruncate", "truncate",
    "fsync", "fdatasync", "sync_file_range", "fallocate", "fadvise64", "sendfile",
    "copy_file_range", "splice", "tee", "chmod", "fchmod", "fchmodat", "fchmodat2", "chown",
    "fchown", "lchown", "fchownat", "utime", "utimes", "utimensat", "futimesat", "getxattr",
    "lgetxattr", "fgetxattr", "inotify_init", "inotify_init1", "inotify_add_watch",
    "inotify_rm_watch",
    /* Red de un cliente (libuv, libcurl, el resolutor de glibc con sendmmsg, libpq por TCP o
     * AF_UNIX). Escuchar y aceptar (bind, listen, accept, accept4) es de los laboratorios
     * que son servidores: lo pide su lab.json (el 09). socket va aparte: según el dominio. */
    "socketpair", "connect", "getsockname", "getpeername", "setsockopt", "getsockopt", "sendto",
    "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
    /* Señales (uv_signal_*, raise, las de valgrind y la espera de sus hilos). */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait", "rt_sigpending",
    "rt_sigsuspend", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "sigaltstack", "kill", "pause",
    "signalfd", "signalfd4",
    /* La pide el núcleo, no el programa: una espera con tiempo (futex, poll, nanosleep) que
     * una parada (SIGSTOP) interrumpe se retoma con ella al seguir. Sin ella, glibc abortaba
     * en pthread_cond_timedwait tras un cal_parar (test_caja: reanudar_tras_parada). */
    "restart_syscall",
    /* epoll, eventfd y las esperas de poll/select (libuv; curl y libpq esperan con poll). */
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2",
    "eventfd", "eventfd2", "poll", "ppoll", "select", "pselect6", NULL};

/* Con reglas propias aquí: un lab.json no las pide (una permisión sin condiciones las
 * abriría del todo). */
static const char *const con_reglas[] = {"clone",    "clone3",        "fork",   "vfork", "mmap",
                                         "mprotect", "pkey_mprotect", "socket", "fcntl", "ioctl",
                                         NULL};

static const char *const prohibidas[] = {FILTRO_NOMBRADAS_LISTA,
                                         "unshare",
                                         "setns",
                                         "mount",
                                         "umount",
                                         "umount2",
                                         "pivot_root",
                                         "chroot",
                                         "move_mount",
                                         "open_tree",
                                         "fsopen",
                                         "fsconfig",
                                         "fsmount",
                                         "fspick",
                                         "mount_setattr",
                                         "ptrace",
                                         "swapon",
                                         "swapoff",
                                         "reboot",
                                         "acct",
                                         "quotactl",
                                         "iopl",
                                         "ioperm",
                                         NULL};
static const char *const nombradas[] = {FILTRO_NOMBRADAS_LISTA, NULL};

static int en(const char *nombre, const char *const *lista)
{
    for (int i = 0; lista[i] != NULL; i++)
        if (strcmp(nombre, lista[i]) == 0)
            return 1;
    return 0;
}

int filtro_disponible(void)
{
    return FILTRO_HAY;
}

int filtro_es_nombrada(const char *nombre)
{
    return nombre != NULL && en(nombre, nombradas);
}

const char *filtro_nombradas(void)
{
    /* Solo las que existen aquí: strace rechaza un nombre que no conoce. */
    static char lista[1024];
    if (lista[0] != '\0')
        return lista;
    size_t n = 0;
    for (int i = 0; nombradas[i] != NULL; i++) {
        if (seccomp_syscall_resolve_name(nombradas[i]) < 0)
            continue;
        int r = snprintf(lista + n, sizeof lista - n, "%s%s", n > 0 ? "," : "", nombradas[i]);
        if (r < 0 || (size_t)r >= sizeof lista - n)
            break;
        n += (size_t)r;
    }
    return lista;
}

int filtro_llamada_pedible(const char *nombre)
{
    if (nombre == NULL || nombre[0] == '\0')
        return -ENOENT;
    if (en(nombre, prohibidas))
        return -EPERM;
    if (en(nombre, con_reglas))
        return -EEXIST;
    /* Conocida en alguna de las dos arquitecturas del curso: un lab.json vale en las dos. */
    if (seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, nombre) < 0 &&
        seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, nombre) < 0)
        return -ENOENT;
    return 0;
}

/* El programa preparado: las instrucciones y para qué lanzamiento. */
static struct sock_filter *programa;
static size_t ninstr;
static char clave[2048];

static int regla(scmp_filter_ctx ctx, uint32_t accion, const char *nombre, unsigned n,
                 const struct scmp_arg_cmp *cmp)
{
    int nr = seccomp_syscall_resolve_name(nombre);
    if (nr < 0)
        return 0; /* no existe en esta arquitectura */
    return seccomp_rule_add_array(ctx, accion, nr, n, cmp);
}

/* ¿Está FILTRO_UNIX en la lista «a,b,c»? */
static int pide_unix(const char *lista)
{
    size_t n = strlen(FILTRO_UNIX);
    for (const char *p = lista; p != NULL && *p != '\0';) {
        const char *coma = strchr(p, ',');
        size_t largo = coma != NULL ? (size_t)(coma - p) : strlen(p);
        if (largo == n && strncmp(p, FILTRO_UNIX, n) == 0)
            return 1;
        p = coma != NULL ? coma + 1 : NULL;
    }
    return 0;
}

/* socket según su dominio (ver la cabecera): ALLOW para los permitidos y EPERM para todos los
 * demás valores del argumento, de 0 a AF_NETLINK uno a uno y por encima con «mayor que» (una
 * regla sin condiciones taparía las de los permitidos). */
static int reglas_socket(scmp_filter_ctx ctx, int con_unix)
{
    int r = 0;
    for (uint64_t d = 0; r >= 0 && d <= AF_NETLINK; d++) {
        int vale = d == AF_INET || d == AF_INET6 || d == AF_NETLINK || (d == AF_UNIX && con_unix);
        struct scmp_arg_cmp igual = SCMP_A0(SCMP_CMP_EQ, d, 0);
        r = regla(ctx, vale ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(EPERM), "socket", 1, &igual);
    }
    struct scmp_arg_cmp mayor = SCMP_A0(SCMP_CMP_GT, AF_NETLINK, 0);
    return r < 0 ? r : regla(ctx, SCMP_ACT_ERRNO(EPERM), "socket", 1, &mayor);
}

/* Los permitidos de una lista «a,b,c» (lab.json). Un nombre que no pasa
 * filtro_llamada_pedible es un error (el ejecutor ya lo validó: aquí no se cuela nada);
 * FILTRO_UNIX no es una llamada: lo lee reglas_socket. */
static int permitir_lista(scmp_filter_ctx ctx, const char *lista)
{
    char nombre[64];
    const char *p = lista;
    while (p != NULL && *p != '\0') {
        const char *coma = strchr(p, ',');
        size_t n = coma != NULL ? (size_t)(coma - p) : strlen(p);
        if (n > 0 && n < sizeof nombre) {
            memcpy(nombre, p, n);
            nombre[n] = '\0';
            if (strcmp(nombre, FILTRO_UNIX) == 0) {
                p = coma != NULL ? coma + 1 : NULL;
                continue;
            }
            if (filtro_llamada_pedible(nombre) < 0)
                return -EINVAL;
            int r = regla(ctx, SCMP_ACT_ALLOW, nombre, 0, NULL);
            if (r < 0 && r != -EEXIST)
                return r;
        }
        p = coma != NULL ? coma + 1 : NULL;
    }
    return 0;
}

/* Una permisión para cada bloque de órdenes (el argumento `arg`, 32 bits) que no contiene
 * ninguna de `fuera`: el bloque [pre, pre + 2^k) es «los bits altos valen pre», una sola
 * comparación con máscara. Se parte en dos mientras contenga alguna; con tres excluidas
 * salen unas 90 reglas. Cada una de `fuera`, EPERM. */
static int bloques(scmp_filter_ctx ctx, const char *nombre, unsigned arg, uint64_t pre, unsigned k,
                   const uint32_t *fuera, size_t n)
{
    uint64_t tam = (uint64_t)1 << k;
    int dentro = 0;
    for (size_t i = 0; i < n; i++)
        if (fuera[i] >= pre && fuera[i] < pre + tam)
            dentro = 1;
    if (!dentro) {
        struct scmp_arg_cmp c = {.arg = arg,
                                 .op = SCMP_CMP_MASKED_EQ,
                                 .datum_a = 0xffffffffULL & ~(tam - 1),
                                 .datum_b = pre};
        return regla(ctx, SCMP_ACT_ALLOW, nombre, 1, &c);
    }
    if (k == 0) {
        struct scmp_arg_cmp c = {
            .arg = arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = 0xffffffffULL, .datum_b = pre};
        return regla(ctx, SCMP_ACT_ERRNO(EPERM), nombre, 1, &c);
    }
    int r = bloques(ctx, nombre, arg, pre, k - 1, fuera, n);
    return r < 0 ? r : bloques(ctx, nombre, arg, pre + tam / 2, k - 1, fuera, n);
}

static int reglas_complemento(scmp_filter_ctx ctx, const char *nombre, unsigned arg,
                              const uint32_t *fuera, size_t n)
{
    return bloques(ctx, nombre, arg, 0, 32, fuera, n);
}

#ifndef F_SETSIG
#define F_SETSIG 10
#endif
#ifndef F_OFD_GETLK
#define F_OFD_GETLK  36
#define F_OFD_SETLK  37
#define F_OFD_SETLKW 38
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#endif
#ifndef FIOSETOWN
#define FIOSETOWN 0x8901
#endif
#ifndef SIOCSPGRP
#define SIOCSPGRP 0x8902
#endif

/* Las órdenes de fcntl que usan glibc, libuv, libcurl, libpq y valgrind (y las que solo
 * preguntan). F_SETFL va aparte: sin O_ASYNC. */
static const uint32_t fcntl_permitidas[] = {
    F_DUPFD,         F_GETFD,      F_SETFD,      F_GETFL,     F_GETLK,     F_SETLK,      F_SETLKW,
    F_GETOWN,        F_GETSIG,     F_GETOWN_EX,  F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_GETLEASE,
    F_DUPFD_CLOEXEC, F_SETPIPE_SZ, F_GETPIPE_SZ, F_ADD_SEALS, F_GET_SEALS};
static const uint32_t fcntl_senales[] = {F_SETOWN, F_SETOWN_EX, F_SETSIG, F_SETLEASE, F_NOTIFY};
static const uint32_t ioctl_senales[] = {FIOASYNC, FIOSETOWN, SIOCSPGRP};

/* fcntl e ioctl sin E/S por señales (ver la cabecera). */
static int reglas_descriptores(scmp_filter_ctx ctx)
{
    int r = 0;
    const size_t np = sizeof fcntl_permitidas / sizeof fcntl_permitidas[0];
    const size_t ns = sizeof fcntl_senales / sizeof fcntl_senales[0];
    for (size_t i = 0; r >= 0 && i < np + ns; i++) {
        uint32_t orden = i < np ? fcntl_permitidas[i] : fcntl_senales[i - np];
        struct scmp_arg_cmp c = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, orden);
        r = regla(ctx, i < np ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(EPERM), "fcntl", 1, &c);
    }
    struct scmp_arg_cmp setfl[2] = {SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, F_SETFL),
                                    SCMP_A2(SCMP_CMP_MASKED_EQ, O_ASYNC, 0)};
    struct scmp_arg_cmp setfl_async[2] = {SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, F_SETFL),
                                          SCMP_A2(SCMP_CMP_MASKED_EQ, O_ASYNC, O_ASYNC)};
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ALLOW, "fcntl", 2, setfl);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ERRNO(EPERM), "fcntl", 2, setfl_async);
    return r < 0 ? r
                 : reglas_complemento(ctx, "ioctl", 1, ioctl_senales,
                                      sizeof ioctl_senales / sizeof ioctl_senales[0]);
}

/* Las reglas con argumentos (ver la cabecera). */
static int reglas_especiales(scmp_filter_ctx ctx, int valgrind)
{
    const uint64_t espacios = CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
                              CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
    struct scmp_arg_cmp hilo = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD | espacios, CLONE_THREAD);
    struct scmp_arg_cmp proceso = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0);
    int r = 0;
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ALLOW, "clone", 1, &hilo);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ERRNO(EPERM), "clone", 1, &proceso);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ERRNO(EPERM), "fork", 0, NULL);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ERRNO(EPERM), "vfork", 0, NULL);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ERRNO(EPERM), "ptrace", 0, NULL);
    for (int i = 0; r >= 0 && nombradas[i] != NULL; i++)
        r = regla(ctx, SCMP_ACT_TRACE(0), nombradas[i], 0, NULL);
    for (int i = 0; r >= 0 && prohibidas[i] != NULL; i++)
        if (!en(prohibidas[i], nombradas) && strcmp(prohibidas[i], "ptrace") != 0)
            r = regla(ctx, SCMP_ACT_ERRNO(EPERM), prohibidas[i], 0, NULL);
    if (r < 0)
        return r;
    if (valgrind) {
        /* mknod: las tuberías de vgdb (--vgdb=yes, por omisión) en /tmp. */
        r = regla(ctx, SCMP_ACT_ALLOW, "mknod", 0, NULL);
        r = r < 0 ? r : regla(ctx, SCMP_ACT_ALLOW, "mknodat", 0, NULL);
        r = r < 0 ? r : regla(ctx, SCMP_ACT_ALLOW, "mmap", 0, NULL);
        r = r < 0 ? r : regla(ctx, SCMP_ACT_ALLOW, "mprotect", 0, NULL);
        return r;
    }
    /* W^X. mmap: sin PROT_EXEC, o PROT_EXEC sin PROT_WRITE de un archivo. */
    struct scmp_arg_cmp sin_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
    struct scmp_arg_cmp exec_solo[2] = {
        SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC | PROT_WRITE, PROT_EXEC),
        SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, 0)};
    struct scmp_arg_cmp exec_escritura =
        SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC | PROT_WRITE, PROT_EXEC | PROT_WRITE);
    struct scmp_arg_cmp exec_anonima[2] = {
        SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC),
        SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, MAP_ANONYMOUS)};
    struct scmp_arg_cmp con_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC);
    r = regla(ctx, SCMP_ACT_ALLOW, "mmap", 1, &sin_exec);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ALLOW, "mmap", 2, exec_solo);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ERRNO(EPERM), "mmap", 1, &exec_escritura);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ERRNO(EPERM), "mmap", 2, exec_anonima);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ALLOW, "mprotect", 1, &sin_exec);
    r = r < 0 ? r : regla(ctx, SCMP_ACT_ERRNO(EPERM), "mprotect", 1, &con_exec);
    return r;
}

/* Exporta el programa de `ctx` (bwrap lo quiere crudo; prctl, en memoria). */
static int exportar(scmp_filter_ctx ctx)
{
    int fd = memfd_create("calificador-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int r = seccomp_export_bpf(ctx, fd);
    off_t tam = r == 0 ? lseek(fd, 0, SEEK_END) : -1;
    if (r == 0 && (tam <= 0 || tam % (off_t)sizeof(struct sock_filter) != 0))
        r = -EIO;
    struct sock_filter *p = r == 0 ? malloc((size_t)tam) : NULL;
    if (r == 0 && p == NULL)
        r = -ENOMEM;
    if (r == 0 && pread(fd, p, (size_t)tam, 0) != (ssize_t)tam)
        r = -EIO;
    close(fd);
    if (r < 0) {
        free(p);
        return r;
    }
    free(programa);
    programa = p;
    ninstr = (size_t)tam / sizeof(struct sock_filter);
    return 0;
}

int filtro_preparar(const char *extra, int valgrind)
{
    if (!filtro_disponible())
        return -ENOSYS;
    char esta[sizeof clave];
    if (snprintf(esta, sizeof esta, "%d:%s", valgrind, extra != NULL ? extra : "") >=
        (int)sizeof esta)
        return -E2BIG;
    if (programa != NULL && strcmp(esta, clave) == 0)
        return 0;
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
    if (ctx == NULL)
        return -ENOMEM;
    int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    /* NO_NEW_PRIVS lo pone quien instala (filtro_instalar o bwrap), no la exportación. */
    for (int i = 0; r == 0 && base[i] != NULL; i++)
        r = regla(ctx, SCMP_ACT_ALLOW, base[i], 0, NULL);
    if (r == 0)
        r = reglas_especiales(ctx, valgrind);
    if (r == 0)
        r = reglas_socket(ctx, pide_unix(extra));
    if (r == 0)
        r = reglas_descriptores(ctx);
    if (r == 0)
        r = permitir_lista(ctx, extra);
    if (r == 0)
        r = exportar(ctx);
    seccomp_release(ctx);
    if (r == 0)
        snprintf(clave, sizeof clave, "%s", esta);
    return r;
}

int filtro_instalar(void)
{
    if (!filtro_disponible())
        return -ENOSYS;
    if (programa == NULL)
        return -EINVAL;
    struct sock_fprog prog = {.len = (unsigned short)ninstr, .filter = programa};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -errno;
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
        return -errno;
    return 0;
}

int filtro_descriptor(void)
{
    if (!filtro_disponible())
        return -ENOSYS;
    if (programa == NULL)
        return -EINVAL;
    /* bwrap lee el programa BPF de un descriptor hasta el fin: un memfd rebobinado. */
    int fd = memfd_create("calificador-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    const char *p = (const char *)programa;
    size_t queda = ninstr * sizeof *programa;
    int r = 0;
    while (queda > 0) {
        ssize_t n = write(fd, p, queda);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            r = n < 0 ? -errno : -EIO;
            break;
        }
        p += n;
        queda -= (size_t)n;
    }
    if (r == 0 && lseek(fd, 0, SEEK_SET) < 0)
        r = -errno;
    if (r < 0) {
        close(fd);
        return r;
    }
    return fd;
}
