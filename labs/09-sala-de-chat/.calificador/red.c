/* red.c — clientes TCP de prueba para el calificador de la sala de chat (ver red.h). */
#include "red.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "calificador/calificador.h"

#define TROZO (64 * 1024)

int con_abrir(conexion_t *c, int puerto, const char *etiqueta, int rcvbuf)
{
    struct sockaddr_in dir;
    int r = 0;

    memset(c, 0, sizeof *c);
    c->fd = -1;
    snprintf(c->etiqueta, sizeof c->etiqueta, "%s", etiqueta);
    c->capacidad = TROZO;
    c->buf = malloc(c->capacidad);
    if (c->buf == NULL) {
        return -ENOMEM;
    }
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        r = -errno;
    }
    if (r == 0 && rcvbuf > 0 &&
        setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) < 0) {
        r = -errno;
    }
    if (r == 0) {
        memset(&dir, 0, sizeof dir);
        dir.sin_family = AF_INET;
        dir.sin_port = htons((uint16_t)puerto);
        dir.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        /* En loopback connect() es inmediato: la cola de listen del servidor lo acepta. */
        if (connect(c->fd, (struct sockaddr *)&dir, sizeof dir) < 0) {
            r = -errno;
        }
    }
    if (r == 0) {
        int uno = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &uno, sizeof uno);
        fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    }
    if (r != 0) {
        con_cerrar(c);
    }
    return r;
}

long con_enviar_algo(conexion_t *c, const void *datos, size_t n)
{
    ssize_t w;

    if (c->fd < 0) {
        return -EBADF;
    }
    w = send(c->fd, datos, n, MSG_NOSIGNAL);
    if (w < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -errno;
    }
    return (long)w;
}

int con_enviar(conexion_t *c, const void *datos, size_t n)
{
    const char *p = datos;
    uint64_t limite = cal_ahora_ms() + 5000;

    while (n > 0) {
        long w = con_enviar_algo(c, p, n);
        if (w < 0) {
            return (int)w;
        }
        p += w;
        n -= (size_t)w;
        if (n > 0) {
            struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
            if (cal_ahora_ms() > limite) {
                return -ETIMEDOUT;
            }
            poll(&pfd, 1, 20);
            cal_esperar(0);
        }
    }
    return 0;
}

int con_texto(conexion_t *c, const char *texto)
{
    return con_enviar(c, texto, strlen(texto));
}

long con_recibir(conexion_t *c, int ms)
{
    uint64_t limite = cal_ahora_ms() + (uint64_t)(ms > 0 ? ms : 0);

    if (c->fd < 0 || c->fin) {
        return -1;
    }
    for (;;) {
        ssize_t n;
        if (c->inicio > 0 && c->capacidad - c->usados < TROZO) {
            memmove(c->buf, c->buf + c->inicio, c->usados - c->inicio);
            c->usados -= c->inicio;
            c->inicio = 0;
        }
        if (c->capacidad - c->usados < TROZO) {
            size_t nueva = c->capacidad * 2;
            char *b = realloc(c->buf, nueva);
            if (b == NULL) {
                return -1;
            }
            c->buf = b;
            c->capacidad = nueva;
        }
        n = recv(c->fd, c->buf + c->usados, c->capacidad - c->usados, 0);
        if (n > 0) {
            c->usados += (size_t)n;
            c->recibidos += (uint64_t)n;
            return (long)n;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            c->fin = 1;
            c->error = n == 0 ? 0 : errno;
            return -1;
        }
        uint64_t ahora = cal_ahora_ms();
        if (ahora >= limite) {
            return 0;
        }
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        uint64_t queda = limite - ahora;
        poll(&pfd, 1, queda > 20 ? 20 : (int)queda);
        cal_esperar(0);
    }
}

int con_linea(conexion_t *c, int ms, char *linea, size_t tam, size_t *largo)
{
    uint64_t limite = cal_ahora_ms() + (uint64_t)(ms > 0 ? ms : 0);

    for (;;) {
        size_t hay = c->usados - c->inicio;
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
        uint64_t ahora = cal_ahora_ms();
        if (c->fin || c->fd < 0) {
            return -1;
        }
        if (ahora >= limite) {
            return 0;
        }
        con_recibir(c, (int)(limite - ahora));
    }
}

/* Bytes recibidos y aún sin leer. */
static size_t pendientes(const conexion_t *c)
{
    return c->usados - c->inicio;
}

const char *con_visible(const char *datos, size_t n, size_t max, char *salida, size_t tam)
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

int con_esperar(conexion_t *c, const char *esperada, int ms)
{
    char linea[8192];
    char vista[1024];
    size_t largo;
    int r = con_linea(c, ms, linea, sizeof linea, &largo);

    if (r == 1 && largo == strlen(esperada) && memcmp(linea, esperada, largo) == 0) {
        return 1;
    }
    cal_esperado("que %s recibiera la línea «%s»", c->etiqueta, esperada);
    if (r == 1) {
        cal_obtenido("recibió «%s»", con_visible(linea, largo, 300, vista, sizeof vista));
    } else if (r == 0) {
        if (pendientes(c) > 0) {
            cal_obtenido("en %d ms solo llegó una línea sin terminar: «%s»", ms,
                         con_visible(c->buf + c->inicio, pendientes(c), 300, vista, sizeof vista));
        } else {
            cal_obtenido("no recibió nada en %d ms", ms);
        }
    } else {
        cal_obtenido("el servidor cerró la conexión (%s) sin enviarla",
                     c->error != 0 ? strerror(c->error) : "EOF");
    }
    return 0;
}

int con_silencio(conexion_t *c, int ms, const char *porque)
{
    char vista[1024];

    if (pendientes(c) == 0) {
        con_recibir(c, ms);
    }
    if (pendientes(c) == 0) {
        return 1;
    }
    cal_esperado("%s", porque);
    cal_obtenido("%s recibió «%s»", c->etiqueta,
                 con_visible(c->buf + c->inicio, pendientes(c), 300, vista, sizeof vista));
    return 0;
}

int con_esperar_cierre(conexion_t *c, int ms)
{
    uint64_t limite = cal_ahora_ms() + (uint64_t)(ms > 0 ? ms : 0);

    while (!c->fin && c->fd >= 0 && cal_ahora_ms() < limite) {
        c->inicio = c->usados = 0;
        con_recibir(c, (int)(limite - cal_ahora_ms()));
    }
    c->inicio = c->usados = 0;
    return c->fin;
}

void con_vaciar(conexion_t *c, int ms)
{
    uint64_t limite = cal_ahora_ms() + (uint64_t)(ms > 0 ? ms : 0);

    do {
        c->inicio = c->usados = 0;
        if (con_recibir(c, 0) < 0) {
            break;
        }
        if (cal_ahora_ms() < limite) {
            con_recibir(c, (int)(limite - cal_ahora_ms()));
        }
    } while (cal_ahora_ms() < limite);
    c->inicio = c->usados = 0;
}

void con_cerrar(conexion_t *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    c->inicio = c->usados = 0;
    c->capacidad = 0;
}

void con_cortar(conexion_t *c)
{
    if (c->fd >= 0) {
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    con_cerrar(c);
}
