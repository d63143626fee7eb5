/* chat_epoll.c — trampa del 09: la sala de chat entera, que funciona, sin libuv. Sus propios
 * sockets (socket, bind, listen, accept4) y su propio bucle de eventos (epoll_create1,
 * epoll_ctl, epoll_wait) en el hilo principal, cada llamada por una instrucción syscall
 * escondida de objdump (como chat_oculto.c), y una tabla de punteros a uv_listen,
 * uv_read_start y uv_run para que los nombres requeridos aparezcan. Por la traza se parece a
 * libuv: los sockets TCP y accept4 están en el hilo del bucle y espera con epoll, no con poll.
 * Lo que la delata es quién hace esas llamadas: la pila (strace -k) dice que salen del
 * programa y no de libuv.so (runner/conducta.c). Usa proto_utf8_valido() del programa de
 * partida (protocolo.c ya la trae hecha). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "protocolo.h"

//@ preludio oculta6

/* Sin errno: el núcleo devuelve -errno. */
static long oculta(long nr, long a, long b, long c, long d)
{
    long r = hm_oculta6(nr, a, b, c, d, 0, 0);
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return -1;
    }
    return r;
}
#define mi_socket(d, t, p)         (int)oculta(41, d, t, p, 0)
#define mi_bind(s, a, n)           (int)oculta(49, s, (long)(a), n, 0)
#define mi_listen(s, n)            (int)oculta(50, s, n, 0, 0)
#define mi_accept4(s, f)           (int)oculta(288, s, 0, 0, f)
#define mi_epoll_create1(f)        (int)oculta(291, f, 0, 0, 0)
#define mi_epoll_ctl(e, o, f, ev)  oculta(233, e, o, f, (long)(ev))
#define mi_epoll_wait(e, ev, n, t) (int)oculta(232, e, (long)(ev), n, t)

/* Los nombres requeridos, «usados» sin llamarlos nunca. */
void *const chat_epoll_requeridos[] = {(void *)uv_listen, (void *)uv_read_start, (void *)uv_run};

#define LIMITE_COLA   (1024 * 1024)
#define MAX_LINEA     4096
#define PREGUNTA      "* ¿Cómo te llamas?\n"
#define APAGADO       "* El servidor se va a cerrar. ¡Hasta pronto!\n"
#define PLAZO_APAGADO 2000

enum { NOMBRE, SALA, VACIANDO, CERRADO };
enum { QUIT, CORTE, LENTO, FIN };

typedef struct cli {
    int fd, estado, expulsar, interes;
    char nombre[33];
    char linea[MAX_LINEA + 1];
    size_t usados;
    int descartando;
    char *out;
    size_t largo, hecho, cap;
    struct cli *ant, *sig, *sig_todos;
} cli_t;

static int ep, escucha = -1, senal = -1, apagando;
static cli_t *primero, *ultimo, *todos; /* la sala; todos, también los que se despiden */
static size_t en_sala, vivos;

static void lista_quitar(cli_t *c)
{
    if (c->ant)
        c->ant->sig = c->sig;
    else if (primero == c)
        primero = c->sig;
    if (c->sig)
        c->sig->ant = c->ant;
    else if (ultimo == c)
        ultimo = c->ant;
    c->ant = c->sig = NULL;
}

static void lista_poner(cli_t *c)
{
    c->ant = ultimo;
    c->sig = NULL;
    if (ultimo)
        ultimo->sig = c;
    else
        primero = c;
    ultimo = c;
}

static void interes(cli_t *c)
{
    int quiere = (c->estado == NOMBRE || c->estado == SALA ? EPOLLIN : 0) |
                 (c->largo > c->hecho ? EPOLLOUT : 0);
    if (quiere == c->interes)
        return;
    struct epoll_event ev = {.events = (unsigned)quiere, .data.ptr = c};
    mi_epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->interes = quiere;
}

static void cerrar_fd(cli_t *c)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
        c->estado = CERRADO;
        free(c->out);
        c->out = NULL;
        c->largo = c->hecho = c->cap = 0;
        vivos--;
    }
}

static void vaciar(cli_t *c)
{
    while (c->fd >= 0 && c->hecho < c->largo) {
        ssize_t k = write(c->fd, c->out + c->hecho, c->largo - c->hecho);
        if (k > 0) {
            c->hecho += (size_t)k;
        } else if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
            break;
        } else {
            c->expulsar = c->estado == SALA || c->estado == NOMBRE ? CORTE + 1 : 0;
            if (c->estado == VACIANDO)
                cerrar_fd(c);
            return;
        }
    }
    if (c->fd >= 0 && c->hecho == c->largo) {
        c->hecho = c->largo = 0;
        if (c->estado == VACIANDO) {
            shutdown(c->fd, SHUT_WR);
            cerrar_fd(c);
            return;
        }
    }
    if (c->fd >= 0)
        interes(c);
}

static void enviar(cli_t *c, const char *d, size_t n)
{
    if (c->fd < 0 || c->expulsar || c->estado == CERRADO)
        return;
    if (c->largo - c->hecho + n > LIMITE_COLA) {
        c->expulsar = LENTO + 1;
        return;
    }
    if (c->largo + n > c->cap) {
        size_t cap = c->cap ? c->cap : 256;
        while (cap < c->largo + n)
            cap *= 2;
        char *nuevo = realloc(c->out, cap);
        if (nuevo == NULL) {
            c->expulsar = CORTE + 1;
            return;
        }
        c->out = nuevo;
        c->cap = cap;
    }
    memcpy(c->out + c->largo, d, n);
    c->largo += n;
}

static void texto(cli_t *c, const char *t)
{
    enviar(c, t, strlen(t));
}

static void difundir(const cli_t *de, const char *d, size_t n)
{
    for (cli_t *o = primero; o; o = o->sig)
        if (o != de && o->estado == SALA)
            enviar(o, d, n);
}

static void salir(cli_t *c, int motivo)
{
    char t[128];
    int estaba = c->estado == SALA;
    if (c->estado == CERRADO || c->estado == VACIANDO)
        return;
    lista_quitar(c);
    if (estaba)
        en_sala--;
    c->expulsar = 0;
    if (motivo == QUIT) {
        if (estaba)
            snprintf(t, sizeof t, "* ¡Adiós, %s!\n", c->nombre);
        texto(c, estaba ? t : "* ¡Adiós!\n");
    } else if (motivo == FIN) {
        texto(c, APAGADO);
    }
    if (motivo == QUIT || motivo == FIN) {
        c->estado = VACIANDO;
        vaciar(c);
    } else {
        cerrar_fd(c);
    }
    if (estaba && motivo != FIN) {
        snprintf(t, sizeof t, "* %s ha salido de la sala%s\n", c->nombre,
                 motivo == LENTO ? " (no leía sus mensajes)" : "");
        difundir(NULL, t, strlen(t));
    }
}

static void expulsiones(void)
{
    for (int otra = 1; otra;) {
        otra = 0;
        for (cli_t *c = primero; c; c = c->sig)
            if (c->expulsar) {
                salir(c, c->expulsar - 1);
                otra = 1;
                break;
            }
    }
}

static const char *mal_nombre(const char *n, size_t l)
{
    if (l == 0)
        return "! El nombre no puede estar vacío\n";
    if (l > 32)
        return "! El nombre es demasiado largo (máximo 32 bytes)\n";
    if (n[0] == '/' || !proto_utf8_valido(n, l))
        return "! El nombre tiene caracteres no permitidos\n";
    for (size_t i = 0; i < l; i++) {
        unsigned char b = (unsigned char)n[i];
        if (b < 0x20 || b == 0x7f || b == ' ' || b == ':' || b == ',')
            return "! El nombre tiene caracteres no permitidos\n";
    }
    return NULL;
}

static void registrar(cli_t *c, const char *n, size_t l)
{
    const char *e = mal_nombre(n, l);
    char t[160];
    for (cli_t *o = primero; e == NULL && o; o = o->sig)
        if (o->estado == SALA && strlen(o->nombre) == l && memcmp(o->nombre, n, l) == 0) {
            snprintf(t, sizeof t, "! El nombre «%.*s» ya está en uso\n", (int)l, n);
            e = t;
        }
    if (e != NULL) {
        texto(c, e);
        texto(c, PREGUNTA);
        return;
    }
    memcpy(c->nombre, n, l);
    c->nombre[l] = '\0';
    c->estado = SALA;
    en_sala++;
    lista_quitar(c);
    lista_poner(c);
    snprintf(t, sizeof t, "* Hola, %s. Órdenes: /list, /quit\n", c->nombre);
    texto(c, t);
    snprintf(t, sizeof t, "* %s ha entrado en la sala\n", c->nombre);
    difundir(c, t, strlen(t));
}

static int es(const char *l, size_t n, const char *o)
{
    return n == strlen(o) && memcmp(l, o, n) == 0;
}

/* Una línea completa; devuelve 1 si ya no hay que seguir leyendo a este cliente. */
static int linea(cli_t *c, const char *l, size_t n, int larga)
{
    if (larga) {
        texto(c, "! Línea demasiado larga (máximo 4096 bytes): se descarta\n");
        if (c->estado == NOMBRE)
            texto(c, PREGUNTA);
    } else if (es(l, n, "/quit")) {
        salir(c, QUIT);
    } else if (c->estado == NOMBRE) {
        registrar(c, l, n);
    } else if (es(l, n, "/list")) {
        char t[32];
        snprintf(t, sizeof t, "* Conectados (%zu):", en_sala);
        texto(c, t);
        int k = 0;
        for (cli_t *o = primero; o; o = o->sig)
            if (o->estado == SALA) {
                texto(c, k++ ? ", " : " ");
                texto(c, o->nombre);
            }
        texto(c, "\n");
    } else if (n > 0 && l[0] == '/') {
        texto(c, "! Orden desconocida (usa /list o /quit)\n");
    } else if (n > 0) {
        for (cli_t *o = primero; o; o = o->sig)
            if (o != c && o->estado == SALA) {
                texto(o, c->nombre);
                enviar(o, ": ", 2);
                enviar(o, l, n);
                enviar(o, "\n", 1);
            }
    }
    expulsiones();
    return c->estado != NOMBRE && c->estado != SALA;
}

static void alimentar(cli_t *c, const char *d, size_t n)
{
    while (n > 0) {
        const char *fin = memchr(d, '\n', n);
        size_t toma = fin ? (size_t)(fin - d) : n, salto = fin ? toma + 1 : toma;
        if (c->descartando) {
            c->descartando = fin == NULL;
        } else if (c->usados + toma > MAX_LINEA + 1) {
            c->usados = 0;
            c->descartando = fin == NULL;
            if (linea(c, NULL, 0, 1))
                return;
        } else {
            memcpy(c->linea + c->usados, d, toma);
            c->usados += toma;
            if (fin != NULL) {
                size_t l = c->usados;
                c->usados = 0;
                if (l > 0 && c->linea[l - 1] == '\r')
                    l--;
                if (linea(c, c->linea, l, l > MAX_LINEA))
                    return;
            }
        }
        d += salto;
        n -= salto;
    }
}

static void aceptar(void)
{
    for (;;) {
        int fd = mi_accept4(escucha, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        cli_t *c = calloc(1, sizeof *c);
        if (c == NULL) {
            close(fd);
            return;
        }
        c->fd = fd;
        c->interes = EPOLLIN;
        c->sig_todos = todos;
        todos = c;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        mi_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        int uno = 1;
        setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &uno, sizeof uno);
        lista_poner(c);
        vivos++;
        texto(c, PREGUNTA);
    }
}

static long ahora_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    static char buf[64 * 1024];
    long puerto = 9999, plazo = 0;
    for (int i = 1; i < argc; i++) {
        char *fin = NULL;
        if (strcmp(argv[i], "--puerto") == 0 && i + 1 < argc) {
            puerto = strtol(argv[++i], &fin, 10);
            if (fin == argv[i] || *fin != '\0' || puerto < 0 || puerto > 65535)
                return 2;
        } else {
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigprocmask(SIG_BLOCK, &s, NULL);
    senal = signalfd(-1, &s, SFD_NONBLOCK | SFD_CLOEXEC);
    ep = mi_epoll_create1(EPOLL_CLOEXEC);
    escucha = mi_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)puerto)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    int uno = 1;
    setsockopt(escucha, SOL_SOCKET, SO_REUSEADDR, &uno, sizeof uno);
    if (senal < 0 || ep < 0 || escucha < 0 || mi_bind(escucha, &a, sizeof a) < 0 ||
        mi_listen(escucha, 1024) < 0 || getsockname(escucha, (struct sockaddr *)&a, &n) < 0)
        return 1;
    printf("Escuchando en 127.0.0.1:%d\n", ntohs(a.sin_port));
    fflush(stdout);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &escucha};
    mi_epoll_ctl(ep, EPOLL_CTL_ADD, escucha, &ev);
    ev.data.ptr = &senal;
    mi_epoll_ctl(ep, EPOLL_CTL_ADD, senal, &ev);
    while (!apagando || vivos > 0) {
        struct epoll_event evs[64];
        long espera = apagando ? plazo - ahora_ms() : -1;
        if (apagando && espera <= 0) {
            for (cli_t *c = todos; c; c = c->sig_todos)
                cerrar_fd(c); /* quien no recogió su aviso a tiempo */
            break;
        }
        int k = mi_epoll_wait(ep, evs, 64, (int)espera);
        for (int i = 0; i < k; i++) {
            void *p = evs[i].data.ptr;
            if (p == &escucha) {
                aceptar();
            } else if (p == &senal) {
                struct signalfd_siginfo si;
                while (read(senal, &si, sizeof si) == (ssize_t)sizeof si)
                    apagando = 1;
                if (apagando && escucha >= 0) {
                    close(escucha);
                    escucha = -1;
                    plazo = ahora_ms() + PLAZO_APAGADO;
                    while (primero)
                        salir(primero, FIN);
                }
            } else {
                cli_t *c = p;
                if (c->fd < 0)
                    continue;
                if ((evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
                    (c->estado == NOMBRE || c->estado == SALA)) {
                    ssize_t r = read(c->fd, buf, sizeof buf);
                    if (r > 0)
                        alimentar(c, buf, (size_t)r);
                    else if (r == 0 || (errno != EAGAIN && errno != EINTR))
                        salir(c, CORTE);
                    expulsiones();
                }
                if (c->fd >= 0 && (evs[i].events & EPOLLOUT))
                    vaciar(c);
            }
        }
        /* Lo acumulado en esta vuelta sale de una vez (y quien no lee acaba expulsado). */
        for (cli_t *c = primero; c; c = c->sig)
            if (c->largo > c->hecho)
                vaciar(c);
        expulsiones();
    }
    while (todos) {
        cli_t *c = todos;
        todos = c->sig_todos;
        free(c);
    }
    close(ep);
    close(senal);
    return 0;
}
