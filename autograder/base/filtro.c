/* filtro.c — el filtro seccomp que impide a una entrega crear procesos.
 *
 * Los laboratorios enseñan C asíncrono sobre libuv: un programa que hace el trabajo con
 * fork + exec («system("curl …")», popen, posix_spawn) no lo ha hecho. El ejecutor ya
 * rechaza esos símbolos en los objetos del estudiante (runner/medios.c); este filtro es la
 * segunda barrera, en el núcleo, y no depende de cómo se escribió el código (dlsym,
 * ensamblador en línea, syscall()):
 *
 *   fork, vfork             → EPERM
 *   clone sin CLONE_THREAD  → EPERM   (un proceso nuevo)
 *   clone con CLONE_THREAD  → permitido (los hilos de libuv, de libcurl y de valgrind)
 *   clone3                  → ENOSYS  (glibc vuelve a clone, donde se miran las banderas:
 *                                      los argumentos de clone3 van en memoria y BPF no
 *                                      puede leerlos)
 *   ptrace                  → EPERM   (siempre: así PTRACE_TRACEME no distingue una ejecución
 *                                      observada con strace, lib/observar.c, de otra)
 *   otra arquitectura / x32 → el proceso muere (nadie cambia de ABI para esquivar el filtro)
 *
 * execve sigue permitido: es la llamada con la que arranca el propio programa (bwrap
 * instala el filtro justo antes). Sin fork, un exec solo puede sustituir al programa: lo
 * delata el veredicto de valgrind (dos órdenes en su informe) y el análisis de símbolos.
 *
 * Dos usos: filtro_instalar() en el hijo antes de execve (modo sin bwrap) y
 * filtro_descriptor() para `bwrap --seccomp FD`.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARQUITECTURA AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARQUITECTURA AUDIT_ARCH_AARCH64
#else
#define ARQUITECTURA 0 /* sin filtro: filtro_programa() devuelve 0 instrucciones */
#endif

#ifndef __NR_clone3
#define __NR_clone3 435
#endif

#define CARGAR(campo)   BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, campo))
#define DEVOLVER(valor) BPF_STMT(BPF_RET | BPF_K, (valor))
#define ERROR(e)        DEVOLVER(SECCOMP_RET_ERRNO | ((e)&SECCOMP_RET_DATA))
/* Si el número de llamada es `nr`, devuelve el error `e`; si no, sigue. */
#define SI_LLAMADA_ERROR(nr, e) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), ERROR(e)

static const struct sock_filter instrucciones[] = {
    CARGAR(arch),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARQUITECTURA, 1, 0),
    DEVOLVER(SECCOMP_RET_KILL_PROCESS),
    CARGAR(nr),
#if defined(__x86_64__)
    /* Llamadas x32 (bit 30): otra ABI con otros números. */
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1),
    DEVOLVER(SECCOMP_RET_KILL_PROCESS),
#endif
#ifdef __NR_fork
    SI_LLAMADA_ERROR(__NR_fork, EPERM),
#endif
#ifdef __NR_vfork
    SI_LLAMADA_ERROR(__NR_vfork, EPERM),
#endif
    SI_LLAMADA_ERROR(__NR_clone3, ENOSYS),
    SI_LLAMADA_ERROR(__NR_ptrace, EPERM),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 1, 0),
    DEVOLVER(SECCOMP_RET_ALLOW),
    /* clone: banderas en el primer argumento (32 bits bajos; el sistema es little-endian
     * en las dos arquitecturas que filtramos). */
    CARGAR(args[0]),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1),
    DEVOLVER(SECCOMP_RET_ALLOW),
    ERROR(EPERM),
};

int filtro_disponible(void)
{
    return ARQUITECTURA != 0;
}

int filtro_instalar(void)
{
    if (!filtro_disponible())
        return -ENOSYS;
    struct sock_fprog prog = {
        .len = (unsigned short)(sizeof instrucciones / sizeof instrucciones[0]),
        .filter = (struct sock_filter *)instrucciones,
    };
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
    /* bwrap lee el programa BPF de un descriptor hasta el fin: un memfd rebobinado. */
    int fd = memfd_create("calificador-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    const char *p = (const char *)instrucciones;
    size_t queda = sizeof instrucciones;
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
