/* proceso.c — lanzar el programa del estudiante dentro de la caja de arena, leer su salida,
 * mandarle señales y no dejar nada vivo al terminar (ver calificador.h).
 *
 * Dos modos (CALIF_CAJA):
 *
 *   bwrap    bubblewrap con espacios de nombres propios de usuario, PID, IPC y UTS: el
 *            sistema montado solo lectura (/usr, /etc), el binario en /entrega/<nombre>
 *            (solo lectura), /tmp privado y pequeño (tmpfs de 32 MiB), entorno limpio,
 *            --die-with-parent y --new-session. El repositorio, build/ y los informes NO
 *            se montan: la entrega ni los ve. Al morir el init del espacio de PID muere
 *            todo lo que la entrega haya creado (también demonios con setsid).
 *            La red NO se aísla: el programa tiene que llegar al servidor de práctica del
 *            calificador en 127.0.0.1. Meter el servidor dentro de la caja obligaría a que
 *            compartiera usuario con la entrega, que entonces podría matarlo o reescribir
 *            su registro, y ese registro es la prueba de cargo. Preferimos un registro
 *            íntegro a una red aislada (la máquina de calificación no necesita Internet).
 *
 *   limites  sin bubblewrap: grupo de procesos propio, límites, entorno limpio, carpeta de
 *            trabajo temporal y, si somos root, usuario nobody (no puede escribir en el
 *            repositorio). Los demonios se recogen porque la prueba es «subreaper»
 *            (PR_SET_CHILD_SUBREAPER): los huérfanos pasan a ser hijos suyos y se matan.
 *
 * En ambos: si somos root, el hijo baja a nobody antes del exec (RLIMIT_NPROC no se aplica
 * a root), límites de CPU, memoria, procesos, tamaño de archivo y descriptores, stdin vacío,
 * PR_SET_PDEATHSIG(SIGKILL) y un tiempo de pared máximo tras el que se mata todo.
 *
 * La salida se lee con poll() desde el mismo hilo en todas las esperas (cal_esperar…): el
 * programa nunca se bloquea escribiendo y lo que pase del tope se descarta contándolo.
 */
#define _GNU_SOURCE
#include "calificador/calificador.h"
#include "interno.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOPE_SALIDA (256 * 1024)
#define TOPE_ERRORES (64 * 1024)
#define TOPE_VALGRIND (256 * 1024)
#define MAX_PROCESOS 16
/* Descriptores del hijo: 3 = --info-fd de bwrap, 4 = informe de valgrind, 5 = filtro seccomp
 * para bwrap --seccomp. */
#define FD_INFO 3
#define FD_VALGRIND 4
#define FD_FILTRO 5

typedef struct {
    int fd;          /* extremo de lectura, -1 cuando llegó el fin */
    char *datos;     /* terminado en NUL */
    size_t usados;
    size_t tope;
    uint64_t descartados;
} flujo_t;

struct cal_proceso {
    pid_t pid;       /* nuestro hijo directo: bwrap o el propio programa */
    pid_t init;      /* bwrap: init del espacio de PID (PID visto desde fuera) */
    pid_t programa;  /* el programa del estudiante (0 = aún no localizado) */
    int termino;     /* nuestro hijo ya fue recogido */
    int estado;      /* estado de waitpid */
    int excedido;    /* lo matamos por el límite de pared */
    int matado;      /* lo matamos nosotros (cal_matar) */
    int entrada;     /* extremo de escritura de su stdin, o -1 */
    uint64_t lanzado_ms, terminado_ms, limite_ms;
    flujo_t salida, errores, valgrind;
};

static cal_proceso_t *procesos[MAX_PROCESOS];

uint64_t cal_ahora_ms(void)
{
    return reloj_ms();
}

const char *cal_caja(void)
{
    const char *c = getenv("CALIF_CAJA");
    if (c != NULL && strcmp(c, "limites") == 0)
        return "limites";
    if (c != NULL && strcmp(c, "bwrap") == 0)
        return "bwrap";
    return access(caja_bwrap(), X_OK) == 0 ? "bwrap" : "limites";
}


/* ------------------------------------------------------------------ flujos */

static int flujo_iniciar(flujo_t *f, int fd, size_t tope)
{
    f->fd = fd;
    f->usados = 0;
    f->tope = tope;
    f->descartados = 0;
    f->datos = calloc(1, tope + 1);
    return f->datos != NULL ? 0 : -ENOMEM;
}

static void flujo_cerrar(flujo_t *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

/* Lee lo disponible (el descriptor es no bloqueante). */
static void flujo_leer(flujo_t *f)
{
    char tmp[16384];
    for (;;) {
        if (f->fd < 0)
            return;
        ssize_t n = read(f->fd, tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (errno != EAGAIN)
                flujo_cerrar(f);
            return;
        }
        if (n == 0) {
            flujo_cerrar(f);
            return;
        }
        size_t cabe = f->tope - f->usados;
        size_t copia = (size_t)n < cabe ? (size_t)n : cabe;
        memcpy(f->datos + f->usados, tmp, copia);
        f->usados += copia;
        f->datos[f->usados] = '\0';
        f->descartados += (uint64_t)n - copia;
    }
}

/* ------------------------------------------------------------------ espera y recogida */

static void recoger(cal_proceso_t *p, int bloquear)
{
    if (p->termino)
        return;
    int estado;
    pid_t r;
    do {
        r = waitpid(p->pid, &estado, bloquear ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == p->pid) {
        p->termino = 1;
        p->estado = estado;
        p->terminado_ms = cal_ahora_ms();
    } else if (r < 0) {
        /* No debería pasar; lo damos por terminado para no quedarnos esperando. */
        p->termino = 1;
        p->estado = 0xff00;
        p->terminado_ms = cal_ahora_ms();
    }
}

/* Localiza el programa dentro de la caja: el primer hijo del init de bwrap. */
static void localizar_programa(cal_proceso_t *p)
{
    if (p->programa > 0 || p->init <= 0)
        return;
    char ruta[96], buf[256];
    snprintf(ruta, sizeof ruta, "/proc/%d/task/%d/children", (int)p->init, (int)p->init);
    for (int intento = 0; intento < 200 && p->programa <= 0; intento++) {
        FILE *f = fopen(ruta, "r");
        if (f == NULL)
            return;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        long pid = strtol(buf, NULL, 10);
        if (pid > 0) {
            p->programa = (pid_t)pid;
            return;
        }
        struct timespec pausa = {0, 5 * 1000000L};
        nanosleep(&pausa, NULL);
    }
}

static void matar_todo(cal_proceso_t *p)
{
    if (p->termino)
        return;
    if (p->init > 0)
        kill(p->init, SIGKILL); /* muere el espacio de PID entero */
    kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);
    recoger(p, 1);
}

/* Una pasada de lectura de todos los procesos vivos, esperando como mucho `ms`. */
static void bombear(int ms)
{
    struct pollfd pfd[MAX_PROCESOS * 3];
    flujo_t *flujo[MAX_PROCESOS * 3];
    int n = 0;
    for (int i = 0; i < MAX_PROCESOS; i++) {
        cal_proceso_t *p = procesos[i];
        if (p == NULL)
            continue;
        flujo_t *fs[3] = {&p->salida, &p->errores, &p->valgrind};
        for (int k = 0; k < 3; k++) {
            if (fs[k]->fd >= 0) {
                pfd[n].fd = fs[k]->fd;
                pfd[n].events = POLLIN;
                pfd[n].revents = 0;
                flujo[n] = fs[k];
                n++;
            }
        }
    }
    if (n > 0) {
        int r = poll(pfd, (nfds_t)n, ms);
        if (r > 0) {
            for (int i = 0; i < n; i++)
                if (pfd[i].revents != 0)
                    flujo_leer(flujo[i]);
        }
    } else if (ms > 0) {
        struct timespec pausa = {ms / 1000, (long)(ms % 1000) * 1000000L};
        nanosleep(&pausa, NULL);
    }

    uint64_t ahora = cal_ahora_ms();
    for (int i = 0; i < MAX_PROCESOS; i++) {
        cal_proceso_t *p = procesos[i];
        if (p == NULL || p->termino)
            continue;
        recoger(p, 0);
        if (!p->termino && ahora >= p->limite_ms) {
            p->excedido = 1;
            matar_todo(p);
        }
        if (p->termino) {
            /* Lo que quede en las tuberías ya está escrito: se lee sin esperar. Un demonio
             * (modo límites) podría tenerlas abiertas: no esperamos su fin de archivo. */
            flujo_leer(&p->salida);
            flujo_leer(&p->errores);
            flujo_leer(&p->valgrind);
        }
    }
}

void cal_esperar(int ms)
{
    uint64_t fin = cal_ahora_ms() + (uint64_t)(ms > 0 ? ms : 0);
    for (;;) {
        uint64_t ahora = cal_ahora_ms();
        if (ahora >= fin) {
            bombear(0);
            return;
        }
        uint64_t queda = fin - ahora;
        bombear(queda > 20 ? 20 : (int)queda);
    }
}

int cal_esperar_fin(cal_proceso_t *p, int max_ms)
{
    uint64_t fin = cal_ahora_ms() + (uint64_t)(max_ms > 0 ? max_ms : 0);
    while (!p->termino && cal_ahora_ms() < fin)
        bombear(10);
    bombear(0);
    return p->termino && !p->matado && !p->excedido;
}

int cal_esperar_lineas(cal_proceso_t *p, const char *prefijo, const char *url, int n,
                       int max_ms)
{
    uint64_t fin = cal_ahora_ms() + (uint64_t)(max_ms > 0 ? max_ms : 0);
    for (;;) {
        if (cal_contar(p->salida.datos, prefijo, url) >= n)
            return 1;
        if (p->termino || cal_ahora_ms() >= fin)
            return cal_contar(p->salida.datos, prefijo, url) >= n;
        bombear(10);
    }
}

/* ------------------------------------------------------------------ lanzamiento */

static int no_bloqueante(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void limitar(int recurso, rlim_t valor)
{
    struct rlimit l = {valor, valor};
    setrlimit(recurso, &l);
}

/* Escribe un mensaje en fd 2 desde el hijo (solo llamadas seguras tras fork). */
static void hijo_falla(const char *que)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "calificador: no se pudo %s: %s\n", que, strerror(errno));
    if (n > 0 && write(2, buf, (size_t)n) < 0) {
        /* Nada más que hacer. */
    }
    _exit(127);
}

int cal_lanzar(const cal_lanzamiento_t *l, cal_proceso_t **pp)
{
    *pp = NULL;
    const char *programa = getenv("CALIF_PROGRAMA");
    if (programa == NULL || programa[0] == '\0')
        return -ENOENT;
    int bwrap = strcmp(cal_caja(), "bwrap") == 0;
    int hueco = -1;
    for (int i = 0; i < MAX_PROCESOS; i++)
        if (procesos[i] == NULL) {
            hueco = i;
            break;
        }
    if (hueco < 0)
        return -EMFILE;

    cal_proceso_t *p = calloc(1, sizeof *p);
    if (p == NULL)
        return -ENOMEM;
    int t_sal[2] = {-1, -1}, t_err[2] = {-1, -1}, t_vg[2] = {-1, -1}, t_info[2] = {-1, -1};
    int t_ent[2] = {-1, -1};
    int r = 0;
    int filtro = -1; /* con bwrap, el filtro seccomp va por un descriptor (--seccomp) */
    p->entrada = -1;
    int con_entrada = l->entrada != NULL || l->entrada_abierta;
    if (con_entrada && pipe2(t_ent, O_CLOEXEC) < 0) {
        r = -errno;
        goto fallo;
    }
    if (pipe2(t_sal, O_CLOEXEC) < 0 || pipe2(t_err, O_CLOEXEC) < 0 ||
        pipe2(t_vg, O_CLOEXEC) < 0 || pipe2(t_info, O_CLOEXEC) < 0) {
        r = -errno;
        goto fallo;
    }
    if (flujo_iniciar(&p->salida, t_sal[0], TOPE_SALIDA) < 0 ||
        flujo_iniciar(&p->errores, t_err[0], TOPE_ERRORES) < 0 ||
        flujo_iniciar(&p->valgrind, t_vg[0], TOPE_VALGRIND) < 0) {
        r = -ENOMEM;
        goto fallo;
    }
    t_sal[0] = t_err[0] = t_vg[0] = -1; /* ahora son de los flujos */
    if (!l->valgrind)
        flujo_cerrar(&p->valgrind);

    /* Carpeta de trabajo (modo límites): temporal de esta verificación, de nobody. */
    char trabajo[PATH_MAX] = "/tmp";
    if (!bwrap) {
        r = temporal_nuevo("trabajo", trabajo, sizeof trabajo);
        if (r < 0)
            goto fallo;
        if (geteuid() == 0 && chown(trabajo, uid_caja(), uid_caja()) < 0) {
            r = -errno;
            goto fallo;
        }
    }

    /* Nombre visible del binario dentro de la caja. */
    const char *base = strrchr(programa, '/');
    base = base != NULL ? base + 1 : programa;
    char destino[PATH_MAX];
    snprintf(destino, sizeof destino, "/entrega/%s", base);

    /* Entorno limpio: solo lo imprescindible y lo que pida la verificación. */
    caja_orden_t env = {.n = 0};
    char home[PATH_MAX + 8];
    snprintf(home, sizeof home, "HOME=%s", trabajo);
    caja_poner(&env, "PATH=/usr/local/bin:/usr/bin:/bin");
    caja_poner(&env, home);
    caja_poner(&env, "LANG=C.UTF-8");
    char tmpdir[PATH_MAX + 8];
    snprintf(tmpdir, sizeof tmpdir, "TMPDIR=%s", trabajo);
    caja_poner(&env, tmpdir);
    char marca[160];
    const char *m = getenv("CURSO_PRUEBAS_MARCA"); /* solo en make test: ver pruebas.sh */
    if (m != NULL && snprintf(marca, sizeof marca, "CURSO_PRUEBAS_MARCA=%s", m) < (int)sizeof marca)
        caja_poner(&env, marca);
    for (int i = 0; l->entorno != NULL && l->entorno[i] != NULL; i++)
        caja_poner(&env, l->entorno[i]);

    if (bwrap && filtro_disponible()) {
        filtro = filtro_descriptor();
        if (filtro < 0) {
            r = filtro;
            goto fallo;
        }
    }

    /* Orden a ejecutar. */
    caja_orden_t a = {.n = 0, .nenlaces = 0};
    if (bwrap) {
        caja_poner(&a, caja_bwrap());
        caja_poner(&a, "--unshare-user");
        caja_poner(&a, "--unshare-pid");
        caja_poner(&a, "--unshare-ipc");
        caja_poner(&a, "--unshare-uts");
        caja_poner(&a, "--unshare-cgroup-try");
        caja_poner(&a, "--die-with-parent");
        caja_poner(&a, "--new-session");
        caja_sistema(&a);
        caja_poner(&a, "--dev");
        caja_poner(&a, "/dev");
        /* /dev es un tmpfs sin tope: /dev/shm pequeño y el resto de solo lectura. */
        caja_poner(&a, "--size");
        caja_poner(&a, "1048576");
        caja_poner(&a, "--tmpfs");
        caja_poner(&a, "/dev/shm");
        caja_poner(&a, "--remount-ro");
        caja_poner(&a, "/dev");
        caja_poner(&a, "--proc");
        caja_poner(&a, "/proc");
        caja_poner(&a, "--size");
        caja_poner(&a, "33554432");
        caja_poner(&a, "--tmpfs");
        caja_poner(&a, "/tmp");
        caja_poner(&a, "--ro-bind");
        caja_poner(&a, programa);
        caja_poner(&a, destino);
        caja_poner(&a, "--chdir");
        caja_poner(&a, "/tmp");
        /* La raíz de bwrap es otro tmpfs sin tope: de solo lectura (solo /tmp se escribe). */
        caja_poner(&a, "--remount-ro");
        caja_poner(&a, "/");
        caja_poner(&a, "--info-fd");
        caja_poner(&a, "3");
        if (filtro >= 0) {
            caja_poner(&a, "--seccomp");
            caja_poner(&a, "5");
        }
        caja_poner(&a, "--");
    }
    if (l->valgrind) {
        caja_poner(&a, "/usr/bin/valgrind");
        caja_poner(&a, "--error-exitcode=" CAL_TEXTO(CAL_CODIGO_VALGRIND));
        caja_poner(&a, "--leak-check=full");
        caja_poner(&a, "--show-leak-kinds=definite,indirect");
        caja_poner(&a, "--errors-for-leak-kinds=definite,indirect");
        /* Todo proceso que salga de este, con su propio informe: un exec o un hijo que
         * hiciera el trabajo no escapa del veredicto (cal_valgrind_veredicto). */
        caja_poner(&a, "--trace-children=yes");
        caja_poner(&a, "--child-silent-after-fork=no");
        caja_poner(&a, "--log-fd=4");
    }
    caja_poner(&a, bwrap ? destino : programa);
    for (int i = 0; l->args != NULL && l->args[i] != NULL; i++)
        caja_poner(&a, l->args[i]);

    double limite = l->limite_s > 0 ? l->limite_s : 10.0;
    rlim_t cpu = (rlim_t)(limite * (l->valgrind ? 3 : 1)) + 5;
    pid_t padre = getpid();
    int root = geteuid() == 0;
    uid_t uid = root ? uid_caja() : 0;
    rlim_t nproc = (rlim_t)limite_procesos();

    p->lanzado_ms = cal_ahora_ms();
    p->limite_ms = p->lanzado_ms + (uint64_t)(limite * 1000.0);
    pid_t pid = fork();
    if (pid < 0) {
        r = -errno;
        goto fallo;
    }
    if (pid == 0) {
        /* Hijo: solo llamadas seguras tras fork hasta el exec. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != padre)
            _exit(127);
        sigset_t vacio;
        sigemptyset(&vacio);
        sigprocmask(SIG_SETMASK, &vacio, NULL);
        for (int s = 1; s < NSIG; s++)
            signal(s, SIG_DFL);
        int nulo = con_entrada ? t_ent[0] : open("/dev/null", O_RDONLY);
        if (nulo < 0 || dup2(nulo, 0) < 0 || dup2(t_sal[1], 1) < 0 || dup2(t_err[1], 2) < 0)
            _exit(127);
        if (dup2(t_info[1], FD_INFO) < 0 || dup2(t_vg[1], FD_VALGRIND) < 0 ||
            (filtro >= 0 && dup2(filtro, FD_FILTRO) < 0))
            hijo_falla("preparar los descriptores");
        close_range(FD_FILTRO + 1, ~0U, 0);
        if (!bwrap && chdir(trabajo) < 0)
            hijo_falla("entrar en la carpeta de trabajo");
        limitar(RLIMIT_CPU, cpu);
        limitar(RLIMIT_FSIZE, 16u << 20);
        limitar(RLIMIT_NOFILE, 256);
        limitar(RLIMIT_NPROC, nproc);
        limitar(RLIMIT_CORE, 0);
        /* valgrind reserva mucho espacio de direcciones: con él se limita RLIMIT_DATA. */
        if (l->valgrind)
            limitar(RLIMIT_DATA, (rlim_t)2048u << 20);
        else
            limitar(RLIMIT_AS, (rlim_t)1024u << 20);
        if (root) {
            if (caja_bajar_usuario(uid) < 0)
                hijo_falla("cambiar al usuario de la caja");
        }
        if (!bwrap && filtro_disponible() && filtro_instalar() < 0)
            hijo_falla("instalar el filtro de llamadas al sistema");
        execve(a.argv[0], (char *const *)a.argv, (char *const *)env.argv);
        hijo_falla(a.argv[0]);
    }

    p->pid = pid;
    if (filtro >= 0)
        close(filtro);
    filtro = -1;
    close(t_sal[1]);
    close(t_err[1]);
    close(t_vg[1]);
    close(t_info[1]);
    t_sal[1] = t_err[1] = t_vg[1] = t_info[1] = -1;
    if (con_entrada) {
        close(t_ent[0]);
        t_ent[0] = -1;
        p->entrada = t_ent[1];
        t_ent[1] = -1;
        no_bloqueante(p->entrada);
    }
    no_bloqueante(p->salida.fd);
    no_bloqueante(p->errores.fd);
    if (p->valgrind.fd >= 0)
        no_bloqueante(p->valgrind.fd);
    procesos[hueco] = p;

    if (bwrap) {
        /* bwrap escribe {"child-pid": N, …} en --info-fd cuando el init ya existe. */
        char info[1024];
        size_t usados = 0;
        uint64_t fin = cal_ahora_ms() + 5000;
        while (usados < sizeof info - 1 && cal_ahora_ms() < fin) {
            struct pollfd pfd = {.fd = t_info[0], .events = POLLIN};
            if (poll(&pfd, 1, 20) <= 0)
                continue;
            ssize_t n = read(t_info[0], info + usados, sizeof info - 1 - usados);
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
            p->init = (pid_t)strtol(c + 1, NULL, 10);
    } else {
        p->programa = pid;
    }
    close(t_info[0]);
    *pp = p;
    if (l->entrada != NULL) {
        cal_escribir(p, l->entrada, strlen(l->entrada), 5000);
        if (!l->entrada_abierta)
            cal_cerrar_entrada(p);
    }
    return 0;

fallo:
    if (filtro >= 0)
        close(filtro);
    for (int k = 0; k < 2; k++) {
        if (t_sal[k] >= 0)
            close(t_sal[k]);
        if (t_err[k] >= 0)
            close(t_err[k]);
        if (t_vg[k] >= 0)
            close(t_vg[k]);
        if (t_info[k] >= 0)
            close(t_info[k]);
        if (t_ent[k] >= 0)
            close(t_ent[k]);
    }
    flujo_cerrar(&p->salida);
    flujo_cerrar(&p->errores);
    flujo_cerrar(&p->valgrind);
    free(p->salida.datos);
    free(p->errores.datos);
    free(p->valgrind.datos);
    free(p);
    return r;
}

long cal_escribir(cal_proceso_t *p, const char *datos, size_t n, int max_ms)
{
    if (p->entrada < 0)
        return -EBADF;
    size_t hecho = 0;
    uint64_t fin = cal_ahora_ms() + (uint64_t)(max_ms > 0 ? max_ms : 0);
    while (hecho < n) {
        ssize_t w = write(p->entrada, datos + hecho, n - hecho);
        if (w > 0) {
            hecho += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno != EAGAIN)
            return hecho > 0 ? (long)hecho : -errno; /* EPIPE: cerró su entrada */
        if (p->termino || cal_ahora_ms() >= fin)
            break;
        bombear(5); /* su salida puede estar llena: la vaciamos mientras esperamos */
    }
    return hecho > 0 || n == 0 ? (long)hecho : (p->termino ? -EPIPE : -ETIMEDOUT);
}

void cal_cerrar_entrada(cal_proceso_t *p)
{
    if (p->entrada >= 0)
        close(p->entrada);
    p->entrada = -1;
}

int cal_senal(cal_proceso_t *p, int senal)
{
    if (p->termino)
        return -ESRCH;
    localizar_programa(p);
    pid_t destino = p->programa > 0 ? p->programa : p->pid;
    return kill(destino, senal) == 0 ? 0 : -errno;
}

void cal_matar(cal_proceso_t *p)
{
    if (p == NULL)
        return;
    if (!p->termino) {
        p->matado = 1;
        matar_todo(p);
    }
    flujo_leer(&p->salida);
    flujo_leer(&p->errores);
    flujo_leer(&p->valgrind);
}

void cal_proceso_liberar(cal_proceso_t *p)
{
    if (p == NULL)
        return;
    cal_matar(p);
    for (int i = 0; i < MAX_PROCESOS; i++)
        if (procesos[i] == p)
            procesos[i] = NULL;
    cal_cerrar_entrada(p);
    flujo_cerrar(&p->salida);
    flujo_cerrar(&p->errores);
    flujo_cerrar(&p->valgrind);
    free(p->salida.datos);
    free(p->errores.datos);
    free(p->valgrind.datos);
    free(p);
}

void procesos_liberar_todos(void)
{
    for (int i = 0; i < MAX_PROCESOS; i++)
        if (procesos[i] != NULL)
            cal_proceso_liberar(procesos[i]);
}

int cal_termino(const cal_proceso_t *p) { return p->termino; }
int cal_excedido(const cal_proceso_t *p) { return p->excedido; }
uint64_t cal_lanzado_ms(const cal_proceso_t *p) { return p->lanzado_ms; }
uint64_t cal_terminado_ms(const cal_proceso_t *p) { return p->terminado_ms; }
const char *cal_salida(const cal_proceso_t *p) { return p->salida.datos; }
const char *cal_errores(const cal_proceso_t *p) { return p->errores.datos; }
const char *cal_valgrind(const cal_proceso_t *p) { return p->valgrind.datos; }

uint64_t cal_descartados(const cal_proceso_t *p)
{
    return p->salida.descartados + p->errores.descartados;
}

int cal_codigo(const cal_proceso_t *p)
{
    if (!p->termino || p->matado || p->excedido)
        return -1;
    if (WIFEXITED(p->estado))
        return WEXITSTATUS(p->estado);
    if (WIFSIGNALED(p->estado))
        return 128 + WTERMSIG(p->estado);
    return -1;
}

const char *cal_describir_fin(const cal_proceso_t *p, char *buf, size_t tam)
{
    if (!p->termino)
        snprintf(buf, tam, "seguía en marcha");
    else if (p->excedido)
        snprintf(buf, tam, "seguía en marcha al acabar su tiempo (%.1f s) y hubo que matarlo",
                 (double)(p->limite_ms - p->lanzado_ms) / 1000.0);
    else if (p->matado)
        snprintf(buf, tam, "seguía en marcha y el calificador lo terminó");
    else {
        int c = cal_codigo(p);
        /* bwrap transmite «murió por la señal N» como código 128 + N. */
        if (c > 128 && c < 128 + 65)
            snprintf(buf, tam, "terminó con código %d (¿murió por la señal SIG%s?)", c,
                     sigabbrev_np(c - 128) != NULL ? sigabbrev_np(c - 128) : "?");
        else
            snprintf(buf, tam, "terminó con código %d", c);
    }
    return buf;
}
