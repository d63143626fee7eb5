/* tcp_prueba.c — el cliente TCP crudo de quien prueba servidores (calificadores y pruebas de
 * common): sockets de 127.0.0.1 sin libuv, con esperas acotadas (poll) para que un servidor
 * que no contesta dé un diagnóstico claro en vez de un cuelgue. Ver curso/tcp_prueba.h. */
#define _GNU_SOURCE /* POLLRDHUP */
#include "curso/tcp_prueba.h"
#include "curso/reloj.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define TROZO (64 * 1024)

/* Lo que se hace en cada vuelta de una espera (libcalificador: leer la salida del programa). */
static void (*al_esperar)(void);
/* Las conexiones de este proceso (tcp_conexiones): 4096 bastan para las verificaciones que las
 * miran (el 09, con 200 clientes a la vez la que más); las que no caben no se apuntan. */
#define MAX_CONEXIONES 4096
static tcp_conexion_t conexiones[MAX_CONEXIONES];
static size_t n_conexiones;
static int desbordadas;

const tcp_conexion_t *tcp_conexiones(size_t *n, int *completas)
{
    *n = n_conexiones;
    *completas = !desbordadas;
    return conexiones;
}

/* Lee y tira lo que haya en las `n` conexiones de `cual` (sin esperar). 1 si llegó algo. */
static int vaciar_lote(struct pollfd *pfd, const size_t *cual, size_t n)
{
    static char basura[TROZO];
    int llego = 0;

    if (n == 0 || poll(pfd, n, 0) <= 0) {
        return 0;
    }
    for (size_t j = 0; j < n; j++) {
        if (pfd[j].revents == 0) {
            continue;
        }
        tcp_conexion_t *k = &conexiones[cual[j]];
        ssize_t r = recv(k->fd, basura, sizeof basura, MSG_DONTWAIT);
        if (r > 0) {
            k->recibidos += (uint64_t)r;
            llego = 1;
        } else if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            k->fin = 1;
        }
    }
    return llego;
}

int tcp_conexiones_vaciar(int quieto_ms, int max_ms)
{
    uint64_t inicio = reloj_ms(), ultimo = inicio;

    for (;;) {
        /* De 64 en 64 (la verificación que más tiene 200 abiertas a la vez). */
        struct pollfd pfd[64];
        size_t cual[64], n = 0;
        int llego = 0;
        for (size_t i = 0; i < n_conexiones; i++) {
            if (conexiones[i].fd < 0 || conexiones[i].fin) {
                continue;
            }
            pfd[n] = (struct pollfd){.fd = conexiones[i].fd, .events = POLLIN};
            cual[n++] = i;
            if (n == 64) {
                llego |= vaciar_lote(pfd, cual, n);
                n = 0;
            }
        }
        llego |= vaciar_lote(pfd, cual, n);
        uint64_t ahora = reloj_ms();
        if (llego) {
            ultimo = ahora;
        } else if (ahora - ultimo >= (uint64_t)quieto_ms) {
            return 1;
        }
        if (ahora - inicio >= (uint64_t)max_ms) {
            return 0;
        }
        if (!llego) {
            poll(NULL, 0, 10);
            if (al_esperar != NULL) {
                al_esperar();
            }
        }
    }
}

/* Lee `d` (hasta 4 palabras de 32 bits en hexadecimal, como las escribe el núcleo: cada una es
 * la palabra de red tal cual, leída como entero de la máquina) y dice si es 127.0.0.1, en IPv4 o
 * como ::ffff:127.0.0.1. */
static int es_local(const char *d)
{
    uint32_t w[4] = {0, 0, 0, 0};
    size_t largo = strlen(d);
    if (largo != 8 && largo != 32)
        return 0;
    for (size_t i = 0; i < largo / 8; i++) {
        char palabra[9];
        memcpy(palabra, d + 8 * i, 8);
        palabra[8] = '\0';
        w[i] = (uint32_t)strtoul(palabra, NULL, 16);
    }
    if (largo == 8)
        return w[0] == htonl(INADDR_LOOPBACK);
    return w[0] == 0 && w[1] == 0 && w[2] == htonl(0xffffu) && w[3] == htonl(INADDR_LOOPBACK);
}

long long tcp_sin_leer_en_el_servidor(int puerto_servidor, int puerto_cliente)
{
    static const char *const tablas[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    long long cola = -1;
    for (size_t t = 0; t < 2 && cola < 0; t++) {
        FILE *f = fopen(tablas[t], "re");
        if (f == NULL)
            continue;
        char linea[512];
        while (cola < 0 && fgets(linea, sizeof linea, f) != NULL) {
            char local[40], remota[40];
            unsigned puerto_local, puerto_remoto, estado;
            unsigned long tx, rx;
            if (sscanf(linea, " %*u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %lx:%lx", local,
                       &puerto_local, remota, &puerto_remoto, &estado, &tx, &rx) == 7 &&
                (int)puerto_local == puerto_servidor && (int)puerto_remoto == puerto_cliente &&
                es_local(remota) && es_local(local))
                cola = (long long)rx;
        }
        fclose(f);
    }
    return cola;
}

int tcp_puerto_local(const tcp_t *c)
{
    struct sockaddr_in yo;
    socklen_t largo = sizeof yo;

    if (c->fd < 0)
        return -EBADF;
    if (getsockname(c->fd, (struct sockaddr *)&yo, &largo) < 0)
        return -errno;
    if (yo.sin_family != AF_INET)
        return -EAFNOSUPPORT;
    return ntohs(yo.sin_port);
}

/* La casilla de `c` (ya conectada a `puerto_servidor`), por su puerto local; 0 si no cabe o
 * no hay puerto. */
static int apuntar(const tcp_t *c, int puerto_servidor)
{
    int puerto = tcp_puerto_local(c);
    if (puerto <= 0) {
        return 0;
    }
    size_t i = 0;
    while (i < n_conexiones && conexiones[i].puerto != puerto) {
        i++;
    }
    if (i == n_conexiones) {
        if (n_conexiones == MAX_CONEXIONES) {
            desbordadas = 1;
            return 0;
        }
        n_conexiones++;
        memset(&conexiones[i], 0, sizeof conexiones[i]);
        conexiones[i].puerto = puerto;
    }
    snprintf(conexiones[i].etiqueta, sizeof conexiones[i].etiqueta, "%s", c->etiqueta);
    conexiones[i].puerto_servidor = puerto_servidor;
    conexiones[i].fd = c->fd;
    conexiones[i].fin = 0;
    return (int)i + 1;
}

static tcp_conexion_t *casilla(const tcp_t *c)
{
    return c->registro > 0 && (size_t)c->registro <= n_conexiones ? &conexiones[c->registro - 1]
                                                                  : NULL;
}

void tcp_al_esperar(void (*funcion)(void))
{
    al_esperar = funcion;
}

/* Espera como mucho `ms` a que `fd` admita `eventos`. Con un gancho, a trozos de 20 ms y
 * llamándolo entre trozo y trozo; sin él, de una vez. */
static void esperar_fd(int fd, short eventos, uint64_t ms)
{
    struct pollfd pfd = {.fd = fd, .events = eventos};

    if (al_esperar == NULL) {
        poll(&pfd, 1, ms > 60000 ? 60000 : (int)ms);
        return;
    }
    poll(&pfd, 1, ms > 20 ? 20 : (int)ms);
    al_esperar();
}

/* Prepara el socket: SO_RCVBUF y TCP_MAXSEG (antes de conectar: los dos viajan en el SYN),
 * connect, TCP_NODELAY y O_NONBLOCK. */
static int conectar(int fd, int puerto, int rcvbuf, int mss)
{
    struct sockaddr_in dir;
    int uno = 1;

    if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) < 0) {
        return -errno;
    }
    if (mss > 0 && setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss) < 0) {
        return -errno;
    }
    memset(&dir, 0, sizeof dir);
    dir.sin_family = AF_INET;
    dir.sin_port = htons((uint16_t)puerto);
    dir.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* En loopback connect() es inmediato: la cola de listen del servidor lo acepta. */
    if (connect(fd, (struct sockaddr *)&dir, sizeof dir) < 0) {
        return -errno;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &uno, sizeof uno);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return 0;
}

int tcp_abrir(tcp_t *c, int puerto, const char *etiqueta, int rcvbuf)
{
    return tcp_abrir_mss(c, puerto, etiqueta, rcvbuf, 0);
}

int tcp_abrir_mss(tcp_t *c, int puerto, const char *etiqueta, int rcvbuf, int mss)
{
    int r = 0;

    memset(c, 0, sizeof *c);
    c->fd = -1;
    snprintf(c->etiqueta, sizeof c->etiqueta, "%s", etiqueta != NULL ? etiqueta : "cliente");
    c->capacidad = TROZO;
    c->buf = malloc(c->capacidad);
    if (c->buf == NULL) {
        r = -ENOMEM;
    }
    if (r == 0) {
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c->fd < 0) {
            r = -errno;
        }
    }
    if (r == 0) {
        r = conectar(c->fd, puerto, rcvbuf, mss);
    }
    if (r != 0) {
        tcp_cerrar(c);
    } else {
        c->registro = apuntar(c, puerto);
    }
    return r;
}

long tcp_enviar_algo(tcp_t *c, const void *datos, size_t n)
{
    ssize_t w;

    if (c->fd < 0) {
        return -EBADF;
    }
    w = send(c->fd, datos, n, MSG_NOSIGNAL);
    if (w < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -errno;
    }
    c->enviados += (uint64_t)w;
    if (casilla(c) != NULL) {
        casilla(c)->enviados += (uint64_t)w;
    }
    return (long)w;
}

int tcp_enviar(tcp_t *c, const void *datos, size_t n)
{
    const char *p = datos;
    uint64_t limite = reloj_ms() + 5000;

    while (n > 0) {
        long w = tcp_enviar_algo(c, p, n);
        if (w < 0) {
            return (int)w;
        }
        p += w;
        n -= (size_t)w;
        if (n > 0) {
            if (reloj_ms() > limite) {
                return -ETIMEDOUT;
            }
            esperar_fd(c->fd, POLLOUT, 20);
        }
    }
    return 0;
}

int tcp_texto(tcp_t *c, const char *texto)
{
    return tcp_enviar(c, texto, strlen(texto));
}

/* Deja al menos TROZO bytes libres al final del búfer. 0 o -ENOMEM. */
static int hacer_sitio(tcp_t *c)
{
    if (c->inicio > 0 && c->capacidad - c->usados < TROZO) {
        memmove(c->buf, c->buf + c->inicio, c->usados - c->inicio);
        c->usados -= c->inicio;
        c->inicio = 0;
    }
    if (c->capacidad - c->usados < TROZO) {
        size_t nueva = c->capacidad * 2;
        char *b = realloc(c->buf, nueva);
        if (b == NULL) {
            return -ENOMEM;
        }
        c->buf = b;
        c->capacidad = nueva;
    }
    return 0;
}

long tcp_recibir(tcp_t *c, int ms)
{
    uint64_t limite = reloj_ms() + (uint64_t)(ms > 0 ? ms : 0);

    if (c->fd < 0 || c->fin) {
        return -1;
    }
    for (;;) {
        if (hacer_sitio(c) < 0) {
            return -1;
        }
        ssize_t n = recv(c->fd, c->buf + c->usados, c->capacidad - c->usados, 0);
        if (n > 0) {
            c->usados += (size_t)n;
            c->recibidos += (uint64_t)n;
            if (casilla(c) != NULL) {
                casilla(c)->recibidos += (uint64_t)n;
            }
            return (long)n;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            c->fin = 1;
            c->error = n == 0 ? 0 : errno;
            if (casilla(c) != NULL) {
                casilla(c)->fin = 1;
            }
            return -1;
        }
        uint64_t ahora = reloj_ms();
        if (ahora >= limite) {
            return 0;
        }
        esperar_fd(c->fd, POLLIN, limite - ahora);
    }
}

size_t tcp_pendientes(const tcp_t *c)
{
    return c->usados - c->inicio;
}

int tcp_linea(tcp_t *c, int ms, char *linea, size_t tam, size_t *largo)
{
    uint64_t limite = reloj_ms() + (uint64_t)(ms > 0 ? ms : 0);

    for (;;) {
        size_t hay = tcp_pendientes(c);
        char *p = c->buf + c->inicio;
        char *nl = hay > 0 ? memchr(p, '\n', hay) : NULL;
        if (nl != NULL) {
            size_t n = (size_t)(nl - p);
            size_t copia = n < tam - 1 ? n : tam - 1;
            memcpy(linea, p, copia);
            linea[copia] = '\0';
            if (largo != NULL) {
                *largo = n;
            }
            c->inicio += n + 1;
            if (c->inicio == c->usados) {
                c->inicio = c->usados = 0;
            }
            return 1;
        }
        uint64_t ahora = reloj_ms();
        if (c->fin || c->fd < 0) {
            return -1;
        }
        if (ahora >= limite) {
            return 0;
        }
        tcp_recibir(c, (int)(limite - ahora));
    }
}

size_t tcp_leer(tcp_t *c, int ms, void *destino, size_t n)
{
    size_t hechos = 0;

    while (hechos < n) {
        if (tcp_pendientes(c) == 0 && tcp_recibir(c, ms) <= 0) {
            break;
        }
        size_t m = tcp_pendientes(c);
        if (m > n - hechos) {
            m = n - hechos;
        }
        if (destino != NULL) {
            memcpy((char *)destino + hechos, c->buf + c->inicio, m);
        }
        c->inicio += m;
        hechos += m;
    }
    return hechos;
}

const char *tcp_visible(const char *datos, size_t n, size_t max, char *salida, size_t tam)
{
    size_t k = 0;
    size_t lim = n < max ? n : max;

    for (size_t i = 0; i < lim && k + 8 < tam; i++) {
        unsigned char b = (unsigned char)datos[i];
        if (b == '\r') {
            k += (size_t)snprintf(salida + k, tam - k, "\\r");
        } else if (b == '\t') {
            k += (size_t)snprintf(salida + k, tam - k, "\\t");
        } else if (b < 0x20 || b == 0x7f) {
            k += (size_t)snprintf(salida + k, tam - k, "\\x%02x", b);
        } else {
            /* Los bytes >= 0x80 se copian tal cual: el informe sanea el UTF-8 inválido. */
            salida[k++] = (char)b;
        }
    }
    if (n > lim && k + 40 < tam) {
        k += (size_t)snprintf(salida + k, tam - k, "… (%zu bytes en total)", n);
    }
    salida[k] = '\0';
    return salida;
}

int tcp_esperar(tcp_t *c, const char *esperada, int ms, char *obtenido, size_t tam)
{
    char linea[8192];
    char vista[1024];
    size_t largo;
    int r = tcp_linea(c, ms, linea, sizeof linea, &largo);

    if (r == 1 && largo == strlen(esperada) && memcmp(linea, esperada, largo) == 0) {
        return 1;
    }
    if (r == 1) {
        snprintf(obtenido, tam, "recibió «%s»",
                 tcp_visible(linea, largo, 300, vista, sizeof vista));
    } else if (r == 0 && tcp_pendientes(c) > 0) {
        snprintf(obtenido, tam, "en %d ms solo llegó una línea sin terminar: «%s»", ms,
                 tcp_visible(c->buf + c->inicio, tcp_pendientes(c), 300, vista, sizeof vista));
    } else if (r == 0) {
        snprintf(obtenido, tam, "no recibió nada en %d ms", ms);
    } else {
        snprintf(obtenido, tam, "el servidor cerró la conexión (%s) sin enviarla",
                 c->error != 0 ? strerror(c->error) : "EOF");
    }
    return 0;
}

int tcp_silencio(tcp_t *c, int ms, char *obtenido, size_t tam)
{
    char vista[1024];

    if (tcp_pendientes(c) == 0) {
        tcp_recibir(c, ms);
    }
    if (tcp_pendientes(c) == 0) {
        return 1;
    }
    snprintf(obtenido, tam, "%s recibió «%s»", c->etiqueta,
             tcp_visible(c->buf + c->inicio, tcp_pendientes(c), 300, vista, sizeof vista));
    return 0;
}

int tcp_esperar_cierre(tcp_t *c, int ms)
{
    uint64_t limite = reloj_ms() + (uint64_t)(ms > 0 ? ms : 0);

    while (!c->fin && c->fd >= 0 && reloj_ms() < limite) {
        c->inicio = c->usados = 0;
        tcp_recibir(c, (int)(limite - reloj_ms()));
    }
    c->inicio = c->usados = 0;
    return c->fin;
}

void tcp_vaciar(tcp_t *c, int ms)
{
    uint64_t limite = reloj_ms() + (uint64_t)(ms > 0 ? ms : 0);

    do {
        c->inicio = c->usados = 0;
        if (tcp_recibir(c, 0) < 0) {
            break;
        }
        if (reloj_ms() < limite) {
            tcp_recibir(c, (int)(limite - reloj_ms()));
        }
    } while (reloj_ms() < limite);
    c->inicio = c->usados = 0;
}

/* Al cerrar, lo que la tabla necesita saber: si el servidor ya había cerrado o cortado (entonces
 * pudo no leer lo último) y si el cierre sale como RST (con bytes sin leer en el socket: el
 * servidor puede perder lo que aún no había leído). */
static void apuntar_cierre(tcp_conexion_t *k, int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLRDHUP};
    int sin_leer = 0;
    if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
        k->fin = 1;
    }
    if (ioctl(fd, FIONREAD, &sin_leer) == 0 && sin_leer > 0) {
        k->cortada = 1;
    }
    k->fd = -1;
}

int tcp_medio_cerrar(tcp_t *c)
{
    return c->fd >= 0 ? shutdown(c->fd, SHUT_WR) : -1;
}

void tcp_cerrar(tcp_t *c)
{
    if (casilla(c) != NULL && casilla(c)->fd == c->fd && c->fd >= 0) {
        apuntar_cierre(casilla(c), c->fd);
    }
    if (c->fd >= 0) {
        close(c->fd);
    }
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    c->inicio = c->usados = 0;
    c->capacidad = 0;
}

void tcp_cortar(tcp_t *c)
{
    if (c->fd >= 0) {
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        if (casilla(c) != NULL && casilla(c)->fd == c->fd) {
            casilla(c)->cortada = 1;
        }
    }
    tcp_cerrar(c);
}
