/* lanzar.c — cal_lanzar(): el programa del estudiante, dentro de la caja de arena.
 *
 * Tres piezas, cada una en su función: los argumentos (bwrap y valgrind) y el entorno
 * limpio; lo que el hijo hace antes del exec (límites y, sin bwrap, el filtro seccomp), que
 * corre dentro del lanzador común orden_lanzar(); y la lectura de --info-fd, por la que
 * bwrap dice el pid de su init (para mandar señales al programa y no a la caja).
 *
 * Con bwrap: espacios de nombres de usuario, PID, IPC y UTS propios (la red ya es propia
 * de la verificación: red_aislar en cal_inicio); /usr y /etc de solo lectura; /dev y la raíz
 * de solo lectura; /tmp privado de 32 MiB y /dev/shm de 1 MiB; el binario en
 * /entrega/<nombre>; el filtro seccomp por --seccomp; --die-with-parent y --new-session.
 * Sin bwrap: sesión propia (base/orden.c: sin la terminal de quien califica), carpeta de
 * trabajo temporal, el filtro instalado
 * por el hijo y el encierro de Landlock (base/encierro.c: escribe en sus carpetas; lee el
 * sistema, sus carpetas, su binario y lo que le ponemos al lado). En los dos: como root, un
 * uid propio de la verificación (uid_caja); límites de CPU, memoria, procesos, tamaño de
 * archivo y descriptores; entorno limpio.
 *
 * Sin valgrind, con la precarga vivos (lib/vivos.c): en /calificador/vivos.so con bwrap,
 * LD_PRELOAD y VIVOS_INFORME solo para el programa, y su informe por el descriptor FD_VIVOS
 * (con .cierre o .trafico, también VIVOS_CLAVE=@8 y por el descriptor FD_CLAVE una clave al azar,
 * la del testigo y las cuentas: cal_sin_cerrar, vivos_cuentas; nunca en un argv ni en un
 * entorno, que el programa puede leer; con .cierre, VIVOS_CIERRE=1).
 *
 * Observado (lib/observar.c, si el ejecutor lo pide; con valgrind, sus execve, clone, exit,
 * mmap y mprotect, para su veredicto): delante va
 * `strace -f … -- calif-puerta …`, fuera de la caja; sin bwrap, el filtro lo pone la puerta
 * (strace necesita crear un proceso) y la puerta dice el pid del programa por --info.
 */
#define _GNU_SOURCE
#include "interno.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/keyctl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

/* Descriptores del hijo además de 0–2. */
#define FD_INFO           3 /* --info-fd de bwrap */
#define FD_VALGRIND       4 /* --log-fd de valgrind */
#define FD_FILTRO         5 /* --seccomp de bwrap */
#define FD_TRAZA          6 /* la traza de strace (lib/observar.c); la puerta lo cierra */
#define FD_VIVOS          7 /* el informe de la precarga vivos (lib/vivos.c), VIVOS_INFORME */
#define FD_CLAVE          8 /* con .cierre o .trafico, la clave, que la precarga lee y cierra */
#define FD_ENCIERRO       9 /* sin bwrap, las reglas de Landlock (base/encierro.c); se cierra antes */
#define ENCIERRO_CARPETAS 8 /* carpetas de la verificación que el encierro deja escribir */

#define TOPE_TMP "33554432"
#define TOPE_SHM "1048576"

/* Lo que el hijo necesita entre fork y exec (ver preparar_hijo). */
typedef struct {
    rlim_t cpu, nproc;
    int valgrind;
    int filtro_en_hijo;
    int encierro_en_hijo; /* sin strace: el hijo se encierra (FD_ENCIERRO); con él, la puerta */
    rlim_t tope_archivo;  /* cal_lanzamiento_t.tope_archivo; 0: el de siempre */
    int tope_en_puerta;   /* observado: el tope lo pone la puerta, no el hijo (strace escribe) */
} limites_t;

/* Los textos del entorno limpio viven aquí mientras dura el lanzamiento. */
typedef struct {
    caja_orden_t lista;
    char home[PATH_MAX + 8], tmpdir[PATH_MAX + 8], marca[160], precarga[PATH_MAX + 16];
} entorno_t;

static void limitar(int recurso, rlim_t valor)
{
    struct rlimit l = {valor, valor};
    setrlimit(recurso, &l);
}

/* En el hijo (solo llamadas seguras tras fork): límites antes de bajar de usuario; después,
 * un anillo de claves de sesión nuevo y vacío (el de quien califica —tras `su -`, pam_keyinit
 * le da uno a root— no llega a la entrega, que además no puede llamar a keyctl: filtro.c) y el
 * filtro (sin bwrap; con bwrap lo pone bwrap justo antes de su exec). Si el núcleo o el
 * contenedor no dejan crear el anillo, se sigue: el filtro niega keyctl de todos modos. */
static int preparar_hijo(void *datos, int fase)
{
    const limites_t *l = datos;
    if (fase == 0) {
        limitar(RLIMIT_CPU, l->cpu);
        limitar(RLIMIT_FSIZE, (rlim_t)CUOTA_ARCHIVO_MIB << 20); /* el total, cuota.c */
        /* Un tope pequeño es una entrada (un disco lleno): la escritura que lo cruza se queda
         * corta y la siguiente falla con EFBIG, sin matar al programa. Lo ignorado pasa por
         * strace, la puerta y bwrap hasta el programa (medido con SigIgn de /proc). */
        if (l->tope_archivo > 0) {
            struct sigaction ign = {.sa_handler = SIG_IGN};
            sigaction(SIGXFSZ, &ign, NULL);
            if (!l->tope_en_puerta)
                limitar(RLIMIT_FSIZE, l->tope_archivo);
        }
        limitar(RLIMIT_NOFILE, 256);
        limitar(RLIMIT_NPROC, l->nproc);
        limitar(RLIMIT_CORE, 0);
        /* valgrind reserva mucho espacio de direcciones: con él se limita RLIMIT_DATA. */
        if (l->valgrind)
            limitar(RLIMIT_DATA, (rlim_t)2048u << 20);
        else
            limitar(RLIMIT_AS, (rlim_t)1024u << 20);
        return 0;
    }
    syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, (char *)NULL);
    if (l->encierro_en_hijo) {
        int r = encierro_aplicar(FD_ENCIERRO);
        close(FD_ENCIERRO);
        if (r < 0)
            return r;
    }
    return l->filtro_en_hijo ? filtro_instalar() : 0;
}

/* Sin bwrap, dónde queda la copia de `junto`: en la carpeta del programa, con su nombre. 0 o
 * -EINVAL. */
static int junto_ruta(const char *programa, const char *junto, char *ruta, size_t tam)
{
    const char *barra = strrchr(programa, '/'), *base = strrchr(junto, '/');
    if (barra == NULL)
        return -EINVAL;
    base = base != NULL ? base + 1 : junto;
    snprintf(ruta, tam, "%.*s/%s", (int)(barra - programa), programa, base);
    return 0;
}

/* Sin bwrap, el programa corre desde su carpeta de verdad: el archivo `junto` se copia allí
 * (a un nombre temporal y después rename, para que otra verificación a la vez nunca lea uno a
 * medias). `junto` está en una carpeta de la verificación (de la entrega): se lee por su
 * descriptor (cal_abrir, sin seguir enlaces); la carpeta del programa es de quien califica.
 * 0 o -errno. */
static int junto_copiar(const char *programa, const char *junto)
{
    char ruta[PATH_MAX], temporal[PATH_MAX + 32];
    if (junto_ruta(programa, junto, ruta, sizeof ruta) < 0)
        return -EINVAL;
    snprintf(temporal, sizeof temporal, "%s.%ld", ruta, (long)getpid());
    int in = cal_abrir(junto, O_RDONLY | O_NONBLOCK);
    if (in == -EXDEV) /* no cuelga de las temporales: es de quien califica */
        in = open(junto, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (in < 0)
        return in == -1 ? -errno : in;
    int out = open(temporal, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    int r = out < 0 ? -errno : 0;
    char buf[65536];
    ssize_t n;
    while (r == 0 && (n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0 || write(out, buf, (size_t)n) != n)
            r = -EIO;
    }
    close(in);
    if (out >= 0 && (close(out) < 0 || r < 0 || rename(temporal, ruta) < 0)) {
        r = r < 0 ? r : -errno;
        unlink(temporal);
    }
    return r;
}

/* Lo que bwrap monta lo resuelve bwrap por su ruta: antes de lanzar, cada carpeta y `junto`
 * que cuelguen de la temporal de la verificación (las de la entrega) tienen que ser una carpeta
 * y un archivo normal, sin un enlace simbólico en el camino (la entrega pudo dejarlo en una
 * ejecución anterior). Lo que no cuelga de ella es de quien califica (el socket del PostgreSQL
 * del 12). 0 o -ELOOP. */
static int montaje_limpio(const char *ruta, int carpeta)
{
    const char *rel;
    struct stat st;
    if (ruta == NULL || temporal_relativa(ruta, &rel) < 0)
        return 0;
    int r = arbol_estado(temporal_raiz_fd(), rel, &st);
    if (r < 0)
        return r;
    if (S_ISLNK(st.st_mode))
        return -ELOOP;
    return carpeta ? (S_ISDIR(st.st_mode) ? 0 : -ENOTDIR) : (S_ISREG(st.st_mode) ? 0 : -EINVAL);
}

static int montajes_limpios(const cal_lanzamiento_t *l)
{
    for (int i = 0; l->carpetas != NULL && l->carpetas[i] != NULL; i++) {
        int r = montaje_limpio(l->carpetas[i], 1);
        if (r < 0)
            return r;
    }
    return montaje_limpio(l->junto, 0);
}

static void argumentos_bwrap(caja_orden_t *a, const char *programa, const char *destino,
                             const char *junto, const char *const *carpetas, int con_filtro,
                             const char *vivos, const char *clave, int cierre)
{
    static const char *const fijos[] = {
        "--unshare-user",       "--unshare-pid",     "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--die-with-parent", "--new-session", NULL};
    caja_poner(a, caja_bwrap());
    for (int i = 0; fijos[i] != NULL; i++)
        caja_poner(a, fijos[i]);
    /* Sin espacios de nombres de usuario anidados (el filtro ya niega unshare, setns y clone
     * con indicadores de espacio de nombres; esto lo cierra también en el núcleo). */
    if (caja_sin_userns())
        caja_poner(a, "--disable-userns");
    caja_sistema(a);
    /* /dev es un tmpfs sin tope: /dev/shm pequeño y el resto de solo lectura. */
    static const char *const dispositivos[] = {
        "--dev",    "/dev",         "--size",  TOPE_SHM, "--tmpfs",
        "/dev/shm", "--remount-ro", "/dev",    "--proc", "/proc",
        "--size",   TOPE_TMP,       "--tmpfs", "/tmp",   NULL};
    for (int i = 0; dispositivos[i] != NULL; i++)
        caja_poner(a, dispositivos[i]);
    /* Y /proc, de solo lectura: lo que el programa escribiera ahí cambiaría lo que el
     * calificador mide de él (un «5» en /proc/self/clear_refs borra su pico de memoria,
     * VmHWM: un adversario de la sesión 30 guardaba 34 MiB y el calificador leía 12). Leer,
     * como antes. Sin bwrap, Landlock ya no le deja escribir en /proc (base/encierro.c). */
    caja_poner(a, "--remount-ro");
    caja_poner(a, "/proc");
    caja_poner(a, "--ro-bind");
    caja_poner(a, programa);
    caja_poner(a, destino);
    if (junto != NULL) {
        /* Junto al programa: /entrega/<nombre del archivo>. */
        static char junto_destino[PATH_MAX];
        const char *base = strrchr(junto, '/');
        snprintf(junto_destino, sizeof junto_destino, "/entrega/%s",
                 base != NULL ? base + 1 : junto);
        caja_poner(a, "--ro-bind");
        caja_poner(a, junto);
        caja_poner(a, junto_destino);
    }
    if (vivos != NULL) {
        /* La precarga vivos (lib/vivos.c), de solo lectura, fuera de /tmp y de /entrega. Su
         * LD_PRELOAD, solo para el programa (--setenv): en el entorno de bwrap, su cargador no
         * la encontraría y lo diría en el stderr del programa. */
        caja_poner(a, "--ro-bind");
        caja_poner(a, vivos);
        caja_poner(a, CAL_VIVOS_EN_CAJA);
        caja_poner(a, "--setenv");
        caja_poner(a, "LD_PRELOAD");
        caja_poner(a, CAL_VIVOS_EN_CAJA);
        caja_poner(a, "--setenv");
        caja_poner(a, "VIVOS_INFORME");
        caja_poner(a, CAL_TEXTO(FD_VIVOS));
        if (clave != NULL) {
            caja_poner(a, "--setenv");
            caja_poner(a, "VIVOS_CLAVE");
            caja_poner(a, "@" CAL_TEXTO(FD_CLAVE));
        }
        if (cierre) {
            caja_poner(a, "--setenv");
            caja_poner(a, "VIVOS_CIERRE");
            caja_poner(a, "1");
        }
    }
    for (int i = 0; carpetas != NULL && carpetas[i] != NULL; i++) {
        caja_poner(a, "--bind");
        caja_poner(a, carpetas[i]);
        caja_poner(a, carpetas[i]);
    }
    caja_poner(a, "--chdir");
    caja_poner(a, "/tmp");
    /* La raíz de bwrap es otro tmpfs sin tope: de solo lectura (solo /tmp se escribe). */
    caja_poner(a, "--remount-ro");
    caja_poner(a, "/");
    caja_poner(a, "--info-fd");
    caja_poner(a, CAL_TEXTO(FD_INFO));
    if (con_filtro) {
        caja_poner(a, "--seccomp");
        caja_poner(a, CAL_TEXTO(FD_FILTRO));
    }
    caja_poner(a, "--");
}

static void argumentos_valgrind(caja_orden_t *a)
{
    static const char *const opciones[] = {
        "/usr/bin/valgrind", "--error-exitcode=" CAL_TEXTO(CAL_CODIGO_VALGRIND),
        "--leak-check=full", "--show-leak-kinds=all", "--errors-for-leak-kinds=all",
        /* Todo proceso que salga de este, con su propio informe: un exec o un hijo que
         * hiciera el trabajo no escapa del veredicto (cal_valgrind_veredicto). */
        "--trace-children=yes", "--child-silent-after-fork=no", "--log-fd=" CAL_TEXTO(FD_VALGRIND),
        NULL};
    for (int i = 0; opciones[i] != NULL; i++)
        caja_poner(a, opciones[i]);
}

/* Solo lo imprescindible y lo que pida la verificación; con `vivos` (la ruta de la precarga,
 * sin bwrap), LD_PRELOAD y VIVOS_INFORME (lib/vivos.c). */
static void entorno_limpio(entorno_t *e, const char *trabajo, const cal_lanzamiento_t *l,
                           const char *vivos, const char *clave, int cierre)
{
    e->lista.n = 0;
    snprintf(e->home, sizeof e->home, "HOME=%s", trabajo);
    snprintf(e->tmpdir, sizeof e->tmpdir, "TMPDIR=%s", trabajo);
    caja_poner(&e->lista, "PATH=/usr/local/bin:/usr/bin:/bin");
    caja_poner(&e->lista, e->home);
    caja_poner(&e->lista, "LANG=C.UTF-8");
    caja_poner(&e->lista, e->tmpdir);
    /* Un grupo de hilos de tamaño conocido: runner/conducta.c cuenta los hilos contra él. */
    caja_poner(&e->lista, "UV_THREADPOOL_SIZE=4");
    /* Solo en make test (ver pruebas.sh): así las pruebas reconocen lo que dejara vivo. */
    const char *m = getenv("CURSO_PRUEBAS_MARCA");
    if (m != NULL &&
        snprintf(e->marca, sizeof e->marca, "CURSO_PRUEBAS_MARCA=%s", m) < (int)sizeof e->marca)
        caja_poner(&e->lista, e->marca);
    if (vivos != NULL && snprintf(e->precarga, sizeof e->precarga, "LD_PRELOAD=%s", vivos) <
                             (int)sizeof e->precarga) {
        caja_poner(&e->lista, e->precarga);
        caja_poner(&e->lista, "VIVOS_INFORME=" CAL_TEXTO(FD_VIVOS));
        if (clave != NULL)
            caja_poner(&e->lista, "VIVOS_CLAVE=@" CAL_TEXTO(FD_CLAVE));
        if (cierre)
            caja_poner(&e->lista, "VIVOS_CIERRE=1");
    }
    for (int i = 0; l->entorno != NULL && l->entorno[i] != NULL; i++)
        caja_poner(&e->lista, l->entorno[i]);
}

/* bwrap escribe {"child-pid": N, …} en --info-fd cuando el init ya existe. */
static pid_t leer_info_bwrap(int fd)
{
    char info[1024];
    size_t usados = 0;
    uint64_t fin = reloj_ms() + 5000;
    while (usados < sizeof info - 1 && reloj_ms() < fin) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 20) <= 0)
            continue;
        ssize_t n = read(fd, info + usados, sizeof info - 1 - usados);
        if (n <= 0)
            break;
        usados += (size_t)n;
        info[usados] = '\0';
        if (strchr(info, '}') != NULL)
            break;
    }
    info[usados] = '\0';
    char *c = strstr(info, "\"child-pid\"");
    if (c != NULL && (c = strchr(c, ':')) != NULL)
        return (pid_t)strtol(c + 1, NULL, 10);
    return 0;
}

static void cerrar_par(int t[2])
{
    for (int k = 0; k < 2; k++)
        if (t[k] >= 0) {
            close(t[k]);
            t[k] = -1;
        }
}

static int no_bloqueante(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Tuberías del lanzamiento: [0] stdin, [1] stdout, [2] stderr, [3] info, [4] valgrind,
 * [5] vivos (solo con la precarga). */
#define TUBERIAS 6
typedef struct {
    int t[TUBERIAS][2];
} tuberias_t;

/* Un pseudoterminal de 80×24 en lugar de las tuberías de stdout y stderr: el maestro se
 * lee como la salida; el esclavo es el stdout y el stderr del programa. */
static int abrir_terminal(tuberias_t *tu)
{
    int maestro = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    char nombre[128];
    if (maestro < 0)
        return -errno;
    if (grantpt(maestro) < 0 || unlockpt(maestro) < 0 ||
        ptsname_r(maestro, nombre, sizeof nombre) != 0) {
        int e = errno;
        close(maestro);
        return -e;
    }
    int esclavo = open(nombre, O_RDWR | O_NOCTTY | O_CLOEXEC);
    int copia = esclavo >= 0 ? fcntl(esclavo, F_DUPFD_CLOEXEC, 0) : -1;
    if (esclavo < 0 || copia < 0) {
        int e = errno;
        close(maestro);
        if (esclavo >= 0)
            close(esclavo);
        return -e;
    }
    struct winsize tamano = {.ws_row = 24, .ws_col = 80};
    ioctl(esclavo, TIOCSWINSZ, &tamano);
    /* Sin postprocesado: un '\n' llega como '\n' (no '\r\n') y un '\r' como '\r'. */
    struct termios modo;
    if (tcgetattr(esclavo, &modo) == 0) {
        modo.c_oflag &= ~(tcflag_t)OPOST;
        tcsetattr(esclavo, TCSANOW, &modo);
    }
    tu->t[1][0] = maestro;
    tu->t[1][1] = esclavo;
    tu->t[2][1] = copia; /* stderr, al mismo terminal; su lado de lectura no existe */
    return 0;
}

static int abrir_tuberias(tuberias_t *tu, int con_entrada, int terminal, int vivos)
{
    for (int i = 0; i < TUBERIAS; i++)
        tu->t[i][0] = tu->t[i][1] = -1;
    if (vivos && pipe2(tu->t[5], O_CLOEXEC) < 0)
        return -errno;
    if (terminal) {
        int r = abrir_terminal(tu);
        if (r < 0)
            return r;
    }
    for (int i = con_entrada ? 0 : 1; i < 5; i++)
        if (!(terminal && (i == 1 || i == 2)) && pipe2(tu->t[i], O_CLOEXEC) < 0)
            return -errno;
    return 0;
}

/* Los extremos de lectura pasan a los flujos de `p` (y su stdin, al escritor). */
static int repartir_tuberias(cal_proceso_t *p, tuberias_t *tu, int valgrind)
{
    if (flujo_iniciar(&p->salida, tu->t[1][0], TOPE_SALIDA, 1) < 0 ||
        flujo_iniciar(&p->errores, tu->t[2][0], TOPE_ERRORES, 1) < 0 ||
        flujo_iniciar(&p->valgrind, tu->t[4][0], TOPE_VALGRIND, 0) < 0 ||
        flujo_iniciar(&p->vivos, tu->t[5][0], TOPE_VIVOS, 0) < 0)
        return -ENOMEM;
    tu->t[1][0] = tu->t[2][0] = tu->t[4][0] = tu->t[5][0] = -1;
    if (!valgrind)
        flujo_cerrar(&p->valgrind);
    return 0;
}

/* Carpeta de trabajo: /tmp (privado) con bwrap; sin bwrap, un temporal de la verificación
 * que es del usuario de la caja. */
static int carpeta_trabajo(int bwrap, char *trabajo, size_t tam)
{
    snprintf(trabajo, tam, "/tmp");
    if (bwrap)
        return 0;
    int r = temporal_nuevo("trabajo", trabajo, tam);
    const char *rel = NULL;
    if (r == 0 && geteuid() == 0)
        r = temporal_relativa(trabajo, &rel);
    if (r == 0 && rel != NULL)
        r = arbol_chown(temporal_raiz_fd(), rel, uid_caja(), uid_caja());
    return r;
}

/* Una carpeta donde el encierro deja escribir, abierta sin seguir ningún enlace: las de la
 * verificación (y la de trabajo), desde la raíz de sus temporales con arbol_*, porque entre
 * dos lanzamientos el programa pudo cambiar una por un enlace a build/ y Landlock le dejaría
 * escribir allí; otra del calificador, por su ruta sin seguir el último enlace. Descriptor
 * O_PATH (de quien llama) o error. */
static int carpeta_encierro(const char *ruta)
{
    const char *rel;
    int fd = temporal_relativa(ruta, &rel) == 0
                 ? arbol_abrir(temporal_raiz_fd(), rel, O_PATH | O_DIRECTORY | O_CLOEXEC)
                 : arbol_raiz(ruta);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))) {
        close(fd);
        return -ENOTDIR;
    }
    return fd;
}

/* Un archivo nuestro que el encierro deja leer (o ejecutar): el binario, la precarga vivos y
 * la copia de `junto`, de quien califica (trabajo/NN, o la copia aparte bajo /tmp), por su ruta
 * sin seguir el último enlace. Descriptor O_PATH (de quien llama) o error. */
static int archivo_encierro(const char *ruta)
{
    int fd = open(ruta, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -EINVAL;
    }
    return fd;
}

/* Las reglas del encierro para un lanzamiento sin bwrap (base/encierro.c): escribe y lee en su
 * carpeta de trabajo y en las de la verificación (ENCIERRO_CARPETAS como mucho: más es un
 * error del calificador, -E2BIG, no un programa sin ellas); lee y ejecuta su binario; lee la
 * precarga `vivos` y la copia de `junto` (NULL: no hay). Lo demás del curso (solutions/, los
 * calificadores, build/, las temporales de las otras verificaciones) no lo lee. Descriptor de
 * las reglas o error. */
static int encierro_de(const char *trabajo, const char *const *carpetas, const char *programa,
                       const char *vivos, const char *junto)
{
    encierro_regla_t dadas[ENCIERRO_CARPETAS + 4];
    const char *rutas[ENCIERRO_CARPETAS + 4] = {trabajo};
    int n = 0, k = 1, r = encierro_disponible();
    if (r < 0)
        return r; /* sin Landlock: nada que abrir */
    r = 0;
    for (int i = 0; carpetas != NULL && carpetas[i] != NULL; i++) {
        if (k > ENCIERRO_CARPETAS)
            return -E2BIG;
        rutas[k++] = carpetas[i];
    }
    for (int i = 0; i < k && r == 0; i++) {
        r = carpeta_encierro(rutas[i]);
        if (r >= 0) {
            dadas[n++] = (encierro_regla_t){.fd = r, .uso = ENCIERRO_ESCRIBE};
            r = 0;
        }
    }
    char copia[PATH_MAX];
    const char *archivos[] = {
        programa, vivos,
        junto != NULL && junto_ruta(programa, junto, copia, sizeof copia) == 0 ? copia : NULL};
    for (int i = 0; i < 3 && r == 0; i++) {
        if (archivos[i] == NULL)
            continue;
        r = archivo_encierro(archivos[i]);
        if (r >= 0) {
            dadas[n++] =
                (encierro_regla_t){.fd = r, .uso = i == 0 ? ENCIERRO_EJECUTA : ENCIERRO_LEE};
            r = 0;
        }
    }
    if (r == 0)
        r = encierro_preparar(dadas, n);
    for (int i = 0; i < n; i++)
        close(dadas[i].fd);
    return r;
}

/* Tras lanzar: cierra lo que es del hijo, apunta el proceso y, con bwrap, busca su init. */
static void tras_lanzar(cal_proceso_t *p, tuberias_t *tu, int bwrap, int observado)
{
    for (int i = 1; i < TUBERIAS; i++)
        if (tu->t[i][1] >= 0) {
            close(tu->t[i][1]);
            tu->t[i][1] = -1;
        }
    if (tu->t[0][1] >= 0) {
        close(tu->t[0][0]);
        p->entrada = tu->t[0][1];
        tu->t[0][0] = tu->t[0][1] = -1;
        no_bloqueante(p->entrada);
    }
    no_bloqueante(p->salida.fd);
    no_bloqueante(p->errores.fd);
    if (p->valgrind.fd >= 0)
        no_bloqueante(p->valgrind.fd);
    if (p->vivos.fd >= 0)
        no_bloqueante(p->vivos.fd);
    if (bwrap)
        p->init = leer_info_bwrap(tu->t[3][0]);
    else if (observado)
        p->programa = leer_info_bwrap(tu->t[3][0]); /* la puerta: el pid que tendrá el programa */
    else
        p->programa = p->pid;
    cerrar_par(tu->t[3]);
}

static void liberar_a_medias(cal_proceso_t *p, tuberias_t *tu, int filtro)
{
    if (filtro >= 0)
        close(filtro);
    for (int i = 0; i < TUBERIAS; i++)
        cerrar_par(tu->t[i]);
    proceso_destruir(p);
}

static int lanzar(const cal_lanzamiento_t *l, cal_proceso_t **pp)
{
    *pp = NULL;
    const char *programa = getenv("CALIF_PROGRAMA");
    if (programa == NULL || programa[0] == '\0')
        return -ENOENT;
    if (!procesos_hay_hueco())
        return -EMFILE;
    int limpios = montajes_limpios(l);
    if (limpios < 0)
        return limpios;
    int bwrap = strcmp(cal_caja(), "bwrap") == 0;
    cal_proceso_t *p = calloc(1, sizeof *p);
    if (p == NULL)
        return -ENOMEM;
    p->entrada = -1;
    p->cpu_ms = -1;
    p->listo_ms = -1;
    p->despertares = -1;
    p->vivos.fd = -1;
    /* La precarga vivos (lib/vivos.c): no bajo valgrind, que tiene su propio informe. Con
     * .cierre o .trafico, siempre que esté construida (mira qué queda abierto al acabar uv_run;
     * cuenta el tráfico que pasa por libuv). */
    const char *vivos = l->valgrind               ? NULL
                        : l->cierre || l->trafico ? vivos_ruta_cierre()
                                                  : vivos_ruta();
    p->cierre = l->cierre && vivos != NULL;
    p->trafico = l->trafico && vivos != NULL;
    /* La clave del testigo y de las cuentas (common/herramientas/vivos/vivos.c): al azar en
     * cada lanzamiento, para que el programa no pueda escribir un «cierre-fin» o unas
     * «cuentas» que valgan. */
    int con_clave = p->cierre || p->trafico;
    if (con_clave && cal_hex_azar(p->testigo, sizeof p->testigo, 16) < 0)
        con_clave = 0;
    /* La clave no va en ningún argv ni en ningún entorno: /proc/1/cmdline (bwrap, el init de la
     * caja) o /proc/<strace>/environ se leen desde el programa (hostiles/chat_clave_ajena.c).
     * Va por una tubería ya escrita y cerrada por este lado, que el hijo recibe como FD_CLAVE
     * (VIVOS_CLAVE=@8): la precarga la lee y la cierra antes de que corra el programa. */
    int clave = -1;
    if (con_clave) {
        int t[2] = {-1, -1};
        size_t n = strlen(p->testigo);
        if (pipe2(t, O_CLOEXEC) == 0 && write(t[1], p->testigo, n) == (ssize_t)n)
            clave = t[0];
        else if (t[0] >= 0)
            close(t[0]);
        if (t[1] >= 0)
            close(t[1]);
    }
    if (clave < 0) {
        /* Sin clave no hay testigo ni cuentas que valgan: cal_sin_cerrar y vivos_cuentas lo
         * dicen como «no se pudo mirar». */
        p->cierre = 0;
        p->trafico = 0;
    }
    int con_entrada = l->entrada != NULL || l->entrada_abierta;
    tuberias_t tu;
    int filtro = -1;
    char trabajo[PATH_MAX];
    int r = abrir_tuberias(&tu, con_entrada, l->terminal, vivos != NULL);
    if (r == 0)
        r = repartir_tuberias(p, &tu, l->valgrind);
    if (r == 0)
        r = carpeta_trabajo(bwrap, trabajo, sizeof trabajo);
    /* Lo que añade el laboratorio a la lista de permitidos (su lab.json, por el ejecutor). */
    if (r == 0 && filtro_disponible())
        r = filtro_preparar(getenv("CALIF_LLAMADAS"), l->valgrind);
    if (r == 0 && bwrap && filtro_disponible() && (filtro = filtro_descriptor()) < 0)
        r = filtro;
    if (r == 0 && !bwrap && l->junto != NULL)
        r = junto_copiar(programa, l->junto);
    /* Sin bwrap, el encierro de Landlock: escribe solo en su carpeta de trabajo y en las de la
     * verificación, y lee solo eso, el sistema, su binario, la precarga y la copia de `junto`.
     * Sin Landlock en el núcleo se sigue sin él (el informe lo dice: runner/protecciones.c). */
    int encierro = -1;
    if (r == 0 && !bwrap) {
        encierro = encierro_de(trabajo, l->carpetas, programa, vivos, l->junto);
        if (encierro == -ENOSYS || encierro == -EOPNOTSUPP)
            encierro = -1;
        else if (encierro < 0)
            r = encierro;
    }
    int traza = r == 0 ? observar_abrir(l->valgrind, !l->valgrind && (l->escritura_lenta_ms > 0 ||
                                                                      l->rename_lento_ms > 0))
                       : 0;
    if (traza < 0)
        r = traza;
    if (r < 0) {
        if (clave >= 0)
            close(clave);
        if (encierro >= 0)
            close(encierro);
        liberar_a_medias(p, &tu, filtro);
        return r;
    }

    /* El binario se ve dentro de la caja como /entrega/<nombre>. */
    const char *nombre = strrchr(programa, '/');
    char destino[PATH_MAX];
    snprintf(destino, sizeof destino, "/entrega/%s", nombre != NULL ? nombre + 1 : programa);
    caja_orden_t a = {.n = 0, .nenlaces = 0};
    if (traza > 0)
        observar_argumentos(&a, FD_TRAZA, !bwrap && filtro_disponible(), bwrap ? -1 : FD_INFO,
                            encierro >= 0 ? FD_ENCIERRO : -1, l->valgrind, l->tope_archivo,
                            l->valgrind ? 0 : l->escritura_lenta_ms,
                            l->valgrind ? 0 : l->rename_lento_ms);
    if (bwrap)
        argumentos_bwrap(&a, programa, destino, l->junto, l->carpetas, filtro >= 0, vivos,
                         clave >= 0 ? p->testigo : NULL, p->cierre);
    if (l->valgrind)
        argumentos_valgrind(&a);
    caja_poner(&a, bwrap ? destino : programa);
    for (int i = 0; l->args != NULL && l->args[i] != NULL; i++)
        caja_poner(&a, l->args[i]);
    entorno_t e;
    entorno_limpio(&e, trabajo, l, bwrap ? NULL : vivos, clave >= 0 ? p->testigo : NULL,
                   p->cierre); /* con bwrap, --setenv */

    double limite = l->limite_s > 0 ? l->limite_s : 10.0;
    /* Con la pila (strace -k, «medios.pila_en» del 08), cada llamada parada cuesta de 1 a 5 ms
     * más, y con la máquina cargada eso pasaba del plazo de la ejecución (mutantes del 08 con
     * otros dos al lado: «no terminó a tiempo» solo en las verificaciones con -k): el doble. */
    if (traza > 0 && observar_con_pila(l->valgrind))
        limite *= 2;
    limites_t lim = {.cpu = (rlim_t)(limite * (l->valgrind ? 3 : 1)) + 5,
                     .nproc = (rlim_t)limite_procesos(),
                     .valgrind = l->valgrind,
                     .filtro_en_hijo = !bwrap && filtro_disponible() && traza == 0,
                     .encierro_en_hijo = encierro >= 0 && traza == 0,
                     .tope_archivo = (rlim_t)l->tope_archivo,
                     .tope_en_puerta = traza > 0};
    orden_hijo_t h = {.argv = a.argv,
                      .entorno = e.lista.argv,
                      .carpeta = bwrap ? NULL : trabajo,
                      .uid = geteuid() == 0 ? uid_caja() : 0,
                      .fds = {tu.t[0][0], tu.t[1][1], tu.t[2][1], tu.t[3][1], tu.t[4][1], filtro,
                              traza > 0 ? traza : -1, tu.t[5][1], clave, encierro},
                      .nfds = encierro >= 0   ? 10
                              : clave >= 0    ? 9
                              : vivos != NULL ? 8
                              : traza > 0     ? 7
                                              : 6,
                      .preparar = preparar_hijo,
                      .datos = &lim};
    p->lanzado_ms = cal_ahora_ms();
    plazo_empezar(&p->limite, (int)(limite * 1000.0));
    pid_t pid = orden_lanzar(&h);
    if (traza > 0)
        close(traza);
    if (encierro >= 0)
        close(encierro);
    if (clave >= 0)
        close(clave);
    if (pid < 0) {
        liberar_a_medias(p, &tu, filtro);
        return (int)pid;
    }
    p->pid = pid;
    if (filtro >= 0)
        close(filtro);
    tras_lanzar(p, &tu, bwrap, traza > 0);
    p->observado = traza > 0;
    p->bajo_valgrind = l->valgrind != 0;
    if (traza > 0) {
        /* Observado, el arranque cuenta desde que la caja está en pie (bwrap o la puerta lo
         * dicen por --info): strace y la puerta no son del programa. Medido: sin esto, la
         * primera petición del 07 llegaba de mediana 33 ms más tarde (hasta 100 ms con la
         * máquina cargada), y su verificación «intervalo» la quiere antes de 300 ms. */
        p->lanzado_ms = cal_ahora_ms();
        plazo_empezar(&p->limite, (int)(limite * 1000.0));
    }
    if (traza > 0 && l->valgrind)
        p->traza = strdup(observar_ultima());
    procesos_registrar(p);
    cuota_lanzado(procesos_vivos() > 1);
    *pp = p;
    if (l->entrada != NULL) {
        cal_escribir(p, l->entrada, strlen(l->entrada), 5000);
        if (!l->entrada_abierta)
            cal_cerrar_entrada(p);
    }
    return 0;
}

/* `arg` para leerlo en el detalle: lo que cuelga de la temporal de la verificación, como
 * «…/resto» (la ruta entera no dice nada al estudiante), y entre comillas si lleva blancos,
 * comillas o está vacío. */
static void anadir_argumento(char *buf, size_t tam, size_t *usados, const char *arg)
{
    const char *raiz = temporal_raiz();
    size_t n = strlen(raiz);
    char corto[PATH_MAX];
    if (n > 0 && strncmp(arg, raiz, n) == 0 && arg[n] == '/')
        snprintf(corto, sizeof corto, "…/%s", arg + n + 1);
    else
        snprintf(corto, sizeof corto, "%s", arg);
    int comillas = corto[0] == '\0' || strpbrk(corto, " \t\n'\"") != NULL;
    int r = snprintf(buf + *usados, tam - *usados, " %s%s%s", comillas ? "'" : "", corto,
                     comillas ? "'" : "");
    if (r > 0)
        *usados += (size_t)r < tam - *usados ? (size_t)r : tam - *usados - 1;
}

/* `texto` con lo que cuelga de la temporal de la verificación como «…/resto». */
static void acortar_rutas(char *texto)
{
    const char *raiz = temporal_raiz();
    size_t n = strlen(raiz);
    char *p;
    if (n == 0)
        return;
    while ((p = strstr(texto, raiz)) != NULL && p[n] == '/') {
        /* «…» son 3 bytes en UTF-8: cabe siempre en lo que ocupaba la raíz (más de 3). */
        memcpy(p, "…", 3);
        memmove(p + 3, p + n, strlen(p + n) + 1);
    }
}

/* «Se ejecutó: contador -j 2 …/f0 …/f1» en el detalle: cada lanzamiento dice su orden, igual
 * en todos los laboratorios (antes cada calificador la escribía a mano). */
static void anotar_orden(const cal_lanzamiento_t *l)
{
    if (l->orden != NULL) {
        char *texto = strdup(l->orden);
        if (texto == NULL)
            return;
        acortar_rutas(texto);
        cal_nota("Se ejecutó: %s", texto);
        free(texto);
        return;
    }
    const char *programa = getenv("CALIF_PROGRAMA");
    const char *nombre = strrchr(programa, '/');
    char buf[1024];
    size_t usados = 0;
    int r = snprintf(buf, sizeof buf, "%s%s", l->valgrind ? "valgrind … " : "",
                     nombre != NULL ? nombre + 1 : programa);
    if (r > 0)
        usados = (size_t)r < sizeof buf ? (size_t)r : sizeof buf - 1;
    for (int i = 0; l->args != NULL && l->args[i] != NULL && usados + 1 < sizeof buf; i++)
        anadir_argumento(buf, sizeof buf, &usados, l->args[i]);
    cal_nota("Se ejecutó: %s%s", buf, l->entrada != NULL ? " (con una entrada por stdin)" : "");
}

static char motivo_lanzar[160]; /* cal_lanzar_motivo */

int cal_lanzar(const cal_lanzamiento_t *l, cal_proceso_t **pp)
{
    int r = lanzar(l, pp);
    if (r < 0) {
        /* El veredicto, igual en todos los laboratorios: el calificador solo devuelve fallo. */
        snprintf(motivo_lanzar, sizeof motivo_lanzar, "no se pudo lanzar el programa (%s)",
                 notas_errno(-r));
        if (notas_esperado() == NULL)
            cal_esperado("poder lanzar el programa");
        cal_obtenido("%s", motivo_lanzar);
        return r;
    }
    motivo_lanzar[0] = '\0';
    anotar_orden(l);
    return 0;
}

const char *cal_lanzar_motivo(void)
{
    return motivo_lanzar[0] != '\0' ? motivo_lanzar : "no se pudo lanzar el programa";
}
