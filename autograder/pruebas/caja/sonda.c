/* sonda.c — un programa que intenta salir de la caja de arena del calificador, de una en
 * una, e imprime lo que consiguió: «PERMITIDO <qué>» o «BLOQUEADO <qué>: <ENOMBRE> (<texto>)».
 * El nombre del error dice QUÉ lo paró (EPERM: el filtro seccomp; EROFS: la raíz de solo
 * lectura; ENOSPC: el tope de /dev/shm…): las pruebas lo exigen, no cualquier fallo.
 * Lo lanza test_caja.c con cal_lanzar(), como si fuera la entrega de un estudiante.
 *
 *   sonda fork | syscall_fork | system | hilo | raiz | shm MIB | conectar PUERTO
 *   sonda uid | tty | memoria MIB | escribir RUTA | crear RUTA | leer RUTA… | tope CARPETA
 *   sonda io_setup | clave_leer | clave_anadir | claves_proc | unshare | clone_userns | rwx |
 *         exec_anonima | mprotect_exec | fuera | eventos | getrandom
 *   sonda socket_unix | socket_unix_alto | socket_vsock | sockets | resolver
 *   sonda siesta   (una espera con tiempo que la prueba para y reanuda: restart_syscall)
 *   sonda dueno | dueno_alto | senal | asincrona | ioctl_asincrona | ioctl_dueno | ioctl_grupo |
 *         descriptores   (la E/S por señales, SIGIO, negada; lo que libuv y libcurl sí hacen)
 * (las del filtro seccomp, base/filtro.c: lo que niega y lo que un laboratorio sí usa)
 * (las cinco últimas sirven para probar las ayudas de la biblioteca: usuario de la caja,
 * pseudoterminal, memoria máxima, archivos comparados y FIFOs abiertas a la vez)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

static int informar(const char *que, int ok, int error)
{
    if (ok)
        printf("PERMITIDO %s\n", que);
    else
        printf("BLOQUEADO %s: %s (%s)\n", que,
               strerrorname_np(error) ? strerrorname_np(error) : "?", strerror(error));
    return 0;
}

static void *nada(void *arg)
{
    return arg;
}

/* Escribe `bytes` en `ruta`; 0 si lo consiguió entero, si no el errno. */
static int escribir(const char *ruta, size_t bytes)
{
    int fd = open(ruta, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return errno;
    static char bloque[65536];
    int e = 0;
    for (size_t hecho = 0; hecho < bytes; hecho += sizeof bloque) {
        if (write(fd, bloque, sizeof bloque) != (ssize_t)sizeof bloque) {
            e = errno != 0 ? errno : ENOSPC;
            break;
        }
    }
    close(fd);
    unlink(ruta);
    return e;
}

/* Las llamadas que el filtro de la caja debe negar (sin matar al programa): «nombre» →
 * el resultado de intentarla (0 o el errno). */
static int negada(const char *modo)
{
    long r = -1;
    errno = 0;
    if (strcmp(modo, "io_setup") == 0) {
        unsigned long ctx = 0;
        r = syscall(SYS_io_setup, 8L, &ctx);
    } else if (strcmp(modo, "clave_leer") == 0) {
        char buf[256];
        r = syscall(SYS_keyctl, (long)KEYCTL_READ, (long)KEY_SPEC_SESSION_KEYRING, buf,
                    (long)sizeof buf);
    } else if (strcmp(modo, "clave_anadir") == 0) {
        r = syscall(SYS_add_key, "user", "sonda", "x", 1L, (long)KEY_SPEC_SESSION_KEYRING);
    } else if (strcmp(modo, "unshare") == 0) {
        r = unshare(CLONE_NEWUSER);
    } else if (strcmp(modo, "clone_userns") == 0) {
        r = syscall(SYS_clone, (long)(CLONE_NEWUSER | SIGCHLD), 0L, 0L, 0L, 0L);
        if (r == 0)
            _exit(0);
        if (r > 0)
            waitpid((pid_t)r, NULL, 0);
    } else if (strcmp(modo, "rwx") == 0) {
        void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        r = m == MAP_FAILED ? -1 : 0;
    } else if (strcmp(modo, "exec_anonima") == 0) {
        void *m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        r = m == MAP_FAILED ? -1 : 0;
    } else if (strcmp(modo, "mprotect_exec") == 0) {
        void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        r = m == MAP_FAILED ? -1 : mprotect(m, 4096, PROT_READ | PROT_EXEC);
    } else if (strcmp(modo, "socket_unix") == 0) {
        /* Llegaría a cualquier socket con nombre que vea (docker.sock, el de Criterion…). */
        r = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    } else if (strcmp(modo, "socket_unix_alto") == 0) {
        /* AF_UNIX con bits altos: el núcleo se queda con el int de abajo (AF_UNIX). */
        r = syscall(SYS_socket, (long)(0x100000000ULL | AF_UNIX), (long)SOCK_STREAM, 0L);
    } else if (strcmp(modo, "socket_vsock") == 0) {
        r = socket(AF_VSOCK, SOCK_STREAM, 0); /* un dominio que nadie del curso usa */
    } else if (strcmp(modo, "dueno") == 0 || strcmp(modo, "dueno_alto") == 0 ||
               strcmp(modo, "senal") == 0 || strcmp(modo, "asincrona") == 0 ||
               strcmp(modo, "ioctl_asincrona") == 0 || strcmp(modo, "ioctl_dueno") == 0 ||
               strcmp(modo, "ioctl_grupo") == 0) {
        /* La E/S por señales de un socket: que avise con SIGIO a este proceso. Con bits altos
         * en la orden, el núcleo se queda con el unsigned int de abajo (F_SETOWN). */
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int si = 1, yo = (int)getpid();
        if (s < 0)
            return errno;
        if (strcmp(modo, "dueno") == 0)
            r = fcntl(s, F_SETOWN, yo);
        else if (strcmp(modo, "dueno_alto") == 0)
            r = syscall(SYS_fcntl, (long)s, (long)(0x100000000ULL | F_SETOWN), (long)yo);
        else if (strcmp(modo, "senal") == 0)
            r = fcntl(s, F_SETSIG, SIGRTMIN);
        else if (strcmp(modo, "asincrona") == 0)
            r = fcntl(s, F_SETFL, O_ASYNC | O_NONBLOCK);
        else if (strcmp(modo, "ioctl_asincrona") == 0)
            r = ioctl(s, FIOASYNC, &si);
        else if (strcmp(modo, "ioctl_dueno") == 0)
            r = ioctl(s, FIOSETOWN, &yo);
        else
            r = ioctl(s, SIOCSPGRP, &yo);
        int e = errno;
        close(s);
        errno = e;
    } else if (strcmp(modo, "fuera") == 0) {
        /* Una llamada inocua que nada del curso usa: fuera de la lista de permitidos. */
        r = syscall(SYS_pidfd_open, (long)getpid(), 0L);
    } else {
        return -1;
    }
    return r >= 0 ? 0 : errno;
}

/* Las órdenes de fcntl e ioctl que sí usan libuv, libcurl y glibc (no bloquear, cerrar al
 * exec, duplicar, cuánto hay por leer). 0 o errno. */
static int descriptores(void)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int si = 1, hay = 0;
    if (s < 0)
        return errno;
    int fl = fcntl(s, F_GETFL);
    int r = fl < 0 ? -1 : fcntl(s, F_SETFL, fl | O_NONBLOCK);
    int d = r < 0 ? -1 : fcntl(s, F_DUPFD_CLOEXEC, 3);
    r = d < 0 ? -1 : fcntl(d, F_SETFD, FD_CLOEXEC);
    r = r < 0 ? -1 : fcntl(d, F_GETFD);
    r = r < 0 ? -1 : ioctl(s, FIONBIO, &si);
    r = r < 0 ? -1 : ioctl(s, FIOCLEX);
    r = r < 0 ? -1 : ioctl(s, FIONREAD, &hay);
    int e = r < 0 ? errno : 0;
    if (d >= 0)
        close(d);
    close(s);
    return e;
}

/* Lo que sí usa un laboratorio de libuv: epoll, eventfd y timerfd, a la vez. 0 o errno. */
static int eventos(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int tf = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (ep < 0 || ev < 0 || tf < 0)
        return errno;
    struct epoll_event e = {.events = EPOLLIN, .data.fd = tf};
    struct itimerspec t = {.it_value = {.tv_nsec = 10 * 1000 * 1000}};
    uint64_t uno = 1;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, tf, &e) < 0 || timerfd_settime(tf, 0, &t, NULL) < 0 ||
        write(ev, &uno, sizeof uno) != (ssize_t)sizeof uno)
        return errno;
    e.data.fd = ev;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e) < 0)
        return errno;
    int vistos = 0; /* bit 0: el eventfd; bit 1: el timerfd */
    struct epoll_event listos[2];
    for (int vuelta = 0; vuelta < 10 && vistos != 3; vuelta++) {
        int n = epoll_wait(ep, listos, 2, 200);
        if (n < 0)
            return errno;
        for (int i = 0; i < n; i++) {
            uint64_t valor;
            if (read(listos[i].data.fd, &valor, sizeof valor) != (ssize_t)sizeof valor)
                return errno;
            vistos |= listos[i].data.fd == ev ? 1 : 2;
        }
    }
    close(tf);
    close(ev);
    close(ep);
    return vistos == 3 ? 0 : ETIMEDOUT;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2)
        return 2;
    const char *modo = argv[1];
    if (strcmp(modo, "fork") == 0) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid(pid, NULL, 0);
        return informar("fork", pid > 0, errno);
    }
    if (strcmp(modo, "syscall_fork") == 0) {
        /* Sin pasar por glibc: clone con SIGCHLD y nada más, como haría ensamblador. */
        long pid = syscall(SYS_clone, (long)SIGCHLD, 0L, 0L, 0L, 0L);
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid((pid_t)pid, NULL, 0);
        return informar("clone", pid > 0, errno);
    }
    if (strcmp(modo, "system") == 0) {
        int r = system("exit 7");
        return informar("system", r != -1 && WIFEXITED(r) && WEXITSTATUS(r) == 7, errno);
    }
    if (strcmp(modo, "hilo") == 0) {
        pthread_t h;
        int r = pthread_create(&h, NULL, nada, NULL);
        if (r == 0)
            pthread_join(h, NULL);
        return informar("hilo", r == 0, r);
    }
    if (strcmp(modo, "raiz") == 0) {
        int e = escribir("/sonda-escrito", 1 << 20);
        return informar("raiz", e == 0, e);
    }
    if (strcmp(modo, "shm") == 0 && argc == 3) {
        /* Sin esto, pasar de RLIMIT_FSIZE mata con SIGXFSZ en vez de dar EFBIG. */
        signal(SIGXFSZ, SIG_IGN);
        size_t mib = strtoul(argv[2], NULL, 10);
        int e = escribir("/dev/shm/sonda-escrito", mib << 20);
        return informar("shm", e == 0, e);
    }
    if (strcmp(modo, "tope") == 0 && argc == 3) {
        /* Sin tocar SIGXFSZ (la ignora el lanzamiento con tope_archivo): 3000 bytes de una
         * vez y después otros 10, en RUTA/tope. Dice cuánto escribió la primera y cómo acabó
         * la segunda: «TOPE <n> <ENOMBRE|bien>». */
        static char bloque[3000];
        char ruta[4096];
        snprintf(ruta, sizeof ruta, "%s/tope", argv[2]);
        int fd = open(ruta, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
            return informar("tope", 0, errno);
        ssize_t n = write(fd, bloque, sizeof bloque);
        ssize_t m = write(fd, bloque, 10);
        int e = errno;
        close(fd);
        printf("TOPE %zd %s\n", n, m >= 0 ? "bien" : strerrorname_np(e));
        return 0;
    }
    if (strcmp(modo, "llenar") == 0 && argc == 3) {
        /* Archivos de 32 MiB en la carpeta, uno tras otro y sin borrarlos, hasta que algo
         * pare (la cuota de disco de la verificación, lib/cuota.c, lo mata antes de 1 GiB). */
        signal(SIGXFSZ, SIG_IGN);
        static char bloque[1 << 20];
        int e = 0;
        for (int i = 0; i < 32 && e == 0; i++) {
            char ruta[4096];
            snprintf(ruta, sizeof ruta, "%s/lleno-%d", argv[2], i);
            int fd = open(ruta, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            for (int m = 0; fd >= 0 && m < 32 && e == 0; m++)
                if (write(fd, bloque, sizeof bloque) != (ssize_t)sizeof bloque)
                    e = errno != 0 ? errno : ENOSPC;
            e = fd < 0 ? errno : e;
            if (fd >= 0)
                close(fd);
        }
        return informar("llenar", e == 0, e);
    }
    if (strcmp(modo, "conectar") == 0 && argc == 3) {
        char *fin;
        long puerto = strtol(argv[2], &fin, 10);
        if (*fin != '\0' || puerto <= 0 || puerto > 65535)
            return 2;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)puerto)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int r = connect(fd, (struct sockaddr *)&a, sizeof a);
        int e = errno;
        if (r == 0 && write(fd, "HOLA\n", 5) < 0)
            e = errno;
        close(fd);
        return informar("conectar", r == 0, e);
    }
    if (strcmp(modo, "uid") == 0) {
        printf("UID %u\n", (unsigned)getuid());
        return 0;
    }
    if (strcmp(modo, "tty") == 0) {
        printf("TTY %d\n", isatty(1));
        return 0;
    }
    if (strcmp(modo, "memoria") == 0 && argc == 3) {
        size_t mib = strtoul(argv[2], NULL, 10);
        char *p = malloc(mib << 20);
        if (p == NULL)
            return 1;
        memset(p, 1, mib << 20); /* tocarla: que sea residente */
        usleep(300 * 1000);      /* y tenerla un rato: la biblioteca la muestrea */
        printf("MEMORIA %zu %d\n", mib, p[mib] + p[(mib << 20) - 1]);
        free(p);
        return 0;
    }
    if (strcmp(modo, "crear") == 0 && argc == 3) {
        /* Un archivo nuevo en RUTA (fuera de su carpeta): dice qué lo paró. */
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        int e = errno;
        if (fd >= 0)
            close(fd);
        return informar("crear", fd >= 0, e);
    }
    if (strcmp(modo, "escribir") == 0 && argc == 3) {
        FILE *f = fopen(argv[2], "w");
        if (f == NULL)
            return 1;
        fputs("hola, caja\n", f);
        return fclose(f) == 0 ? 0 : 1;
    }
    if (strcmp(modo, "leer") == 0 && argc >= 3) {
        /* Abre todas a la vez y después las lee: así se ve cuántas tiene abiertas. */
        int fds[16], n = 0;
        for (int i = 2; i < argc && n < 16; i++)
            if ((fds[n] = open(argv[i], O_RDONLY)) >= 0)
                n++;
        long total = 0;
        char buf[4096];
        for (int i = 0; i < n; i++) {
            ssize_t k;
            while ((k = read(fds[i], buf, sizeof buf)) > 0)
                total += k;
            close(fds[i]);
        }
        printf("LEIDOS %d %ld\n", n, total);
        return 0;
    }
    int e = negada(modo);
    if (e >= 0)
        return informar(modo, e == 0, e);
    if (strcmp(modo, "descriptores") == 0) {
        e = descriptores();
        return informar("descriptores", e == 0, e);
    }
    if (strcmp(modo, "eventos") == 0) {
        e = eventos();
        return informar("eventos", e == 0, e);
    }
    if (strcmp(modo, "sockets") == 0) {
        /* Lo que sí usan libuv, libcurl y el resolutor de glibc: AF_INET, AF_INET6, AF_NETLINK
         * (getaddrinfo con AI_ADDRCONFIG) y socketpair(AF_UNIX) (libuv, libcurl). */
        int s[2], fallo = 0;
        int d[][3] = {{AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0},
                      {AF_INET6, SOCK_DGRAM, 0},
                      {AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE}};
        for (size_t i = 0; i < sizeof d / sizeof d[0] && fallo == 0; i++) {
            int fd = socket(d[i][0], d[i][1], d[i][2]);
            fallo = fd < 0 ? errno : 0;
            if (fd >= 0)
                close(fd);
        }
        if (fallo == 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) < 0)
            fallo = errno;
        return informar("sockets", fallo == 0, fallo);
    }
    if (strcmp(modo, "resolver") == 0) {
        /* getaddrinfo con AI_ADDRCONFIG: pregunta por netlink y prueba nscd (AF_UNIX, negado):
         * tiene que seguir sin él y resolver «localhost» con /etc/hosts. */
        struct addrinfo pista = {.ai_flags = AI_ADDRCONFIG, .ai_socktype = SOCK_STREAM};
        struct addrinfo *res = NULL;
        int e = getaddrinfo("localhost", "80", &pista, &res);
        if (res != NULL)
            freeaddrinfo(res);
        if (e != 0)
            printf("BLOQUEADO resolver: %s\n", gai_strerror(e));
        return e == 0 ? informar("resolver", 1, 0) : 0;
    }
    if (strcmp(modo, "getrandom") == 0) {
        char buf[16];
        ssize_t n = getrandom(buf, sizeof buf, 0);
        return informar("getrandom", n == (ssize_t)sizeof buf, errno);
    }
    if (strcmp(modo, "siesta") == 0) {
        /* Una espera con tiempo en un futex (pthread_cond_timedwait, como uv_cond_timedwait).
         * La prueba la para (SIGSTOP) y la reanuda (SIGCONT): el núcleo la retoma con la
         * llamada restart_syscall, y si el filtro la niega, glibc aborta («The futex facility
         * returned an unexpected error code»). */
        pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
        pthread_cond_t c = PTHREAD_COND_INITIALIZER;
        struct timespec hasta;
        clock_gettime(CLOCK_REALTIME, &hasta);
        hasta.tv_sec += 2;
        printf("DURMIENDO\n");
        fflush(stdout);
        pthread_mutex_lock(&m);
        int r = pthread_cond_timedwait(&c, &m, &hasta);
        pthread_mutex_unlock(&m);
        return informar("siesta", r == ETIMEDOUT, r);
    }
    if (strcmp(modo, "claves_proc") == 0) {
        /* /proc/keys lista sin keyctl las claves que el proceso puede ver (las de su anillo
         * de sesión, entre otras): la caja debe tener un anillo nuevo y vacío. */
        FILE *f = fopen("/proc/keys", "r");
        char linea[512];
        while (f != NULL && fgets(linea, sizeof linea, f) != NULL)
            printf("CLAVE %s", linea);
        if (f != NULL)
            fclose(f);
        printf("FIN CLAVES\n");
        return 0;
    }
    fprintf(stderr, "sonda: modo desconocido %s\n", modo);
    return 2;
}
