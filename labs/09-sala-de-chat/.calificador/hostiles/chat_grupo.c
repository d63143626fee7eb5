/* chat_grupo.c — trampa del 09 (de un adversario de la sesión 33): libuv escucha y acepta en el
 * hilo del bucle, como pide el laboratorio, pero cada conexión aceptada se duplica (dup), se
 * cierra su handle y el descriptor pasa a un trabajo de uv_queue_work: un hilo del grupo de
 * libuv lleva la sala entera con poll() y read/write directos. Por la traza se parece a libuv
 * (socket, listen y accept4 salen de libuv.so, en el hilo del bucle, y el bucle espera en
 * epoll); lo que la delata es que un hilo del grupo espera con poll (runner/conducta.c: libuv
 * no sondea en sus hilos, y el 09 no tiene resolutor). Antes, la sala de verdad de esta forma
 * sacaba 100/100; esta, mínima, solo lo justo para que la traza lo vea. La variante con E/S por
 * señales (O_ASYNC, F_SETOWN, F_SETSIG) ya no llega a funcionar: la caja las niega (base/filtro.c).
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

//@ preludio oculta6

/* poll por una instrucción syscall escondida (como chat_oculto.c): ningún nombre prohibido en
 * el objeto, así que la decide la traza. */
#define poll(p, n, t) (int)hm_oculta6(7, (long)(p), (long)(n), t, 0, 0, 0)

#define CLIENTES 64

static uv_loop_t *bucle;
static uv_tcp_t servidor;
static uv_work_t trabajo;
static int tubo[2]; /* el hilo del bucle pasa cada descriptor por aquí */
static atomic_int terminar = 0;

static void sala(uv_work_t *w)
{
    (void)w;
    struct pollfd p[CLIENTES] = {{.fd = tubo[0], .events = POLLIN}};
    int usados = 1;
    while (!atomic_load(&terminar)) {
        if (poll(p, (nfds_t)usados, 200) < 0)
            return;
        if ((p[0].revents & POLLIN) && usados < CLIENTES) {
            int fd;
            if (read(tubo[0], &fd, sizeof fd) == (ssize_t)sizeof fd) {
                p[usados].fd = fd;
                p[usados].events = POLLIN;
                if (write(fd, "¿Cómo te llamas?\n", 18) > 0)
                    usados++;
            }
        }
        for (int i = 1; i < usados; i++) {
            char buf[4096];
            ssize_t k = (p[i].revents & POLLIN) ? read(p[i].fd, buf, sizeof buf) : -1;
            for (int j = 1; k > 0 && j < usados; j++)
                if (j != i && write(p[j].fd, buf, (size_t)k) < 0)
                    continue;
        }
    }
}

static void sala_fin(uv_work_t *w, int estado)
{
    (void)w;
    (void)estado;
}

static void cerrado(uv_handle_t *h)
{
    (void)h;
}

static void conexion(uv_stream_t *s, int estado)
{
    if (estado < 0)
        return;
    uv_tcp_t *c = malloc(sizeof *c);
    uv_os_fd_t fd;
    if (c == NULL || uv_tcp_init(bucle, c) < 0)
        return;
    if (uv_accept(s, (uv_stream_t *)c) == 0 && uv_fileno((uv_handle_t *)c, &fd) == 0) {
        int otro = dup(fd);
        if (otro >= 0 && write(tubo[1], &otro, sizeof otro) != (ssize_t)sizeof otro)
            close(otro);
    }
    uv_close((uv_handle_t *)c, cerrado);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int puerto =
        argc > 2 && strcmp(argv[1], "--puerto") == 0 ? (int)strtol(argv[2], NULL, 10) : 9999;
    bucle = uv_default_loop();
    struct sockaddr_in a;
    if (pipe(tubo) < 0 || uv_ip4_addr("127.0.0.1", puerto, &a) < 0 ||
        uv_tcp_init(bucle, &servidor) < 0 ||
        uv_tcp_bind(&servidor, (const struct sockaddr *)&a, 0) < 0 ||
        uv_listen((uv_stream_t *)&servidor, 128, conexion) < 0)
        return 1;
    struct sockaddr_storage d;
    int n = sizeof d;
    uv_tcp_getsockname(&servidor, (struct sockaddr *)&d, &n);
    printf("Escuchando en 127.0.0.1:%d\n", ntohs(((struct sockaddr_in *)&d)->sin_port));
    uv_queue_work(bucle, &trabajo, sala, sala_fin);
    uv_run(bucle, UV_RUN_DEFAULT);
    return 0;
}
