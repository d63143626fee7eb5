/* chat_poll.c — entrega hostil del laboratorio 09: una sala de chat con sus propios
 * sockets y poll(), sin libuv. Funciona (reparte las líneas), pero no es lo que enseña el
 * laboratorio: el ejecutor la rechaza por sus símbolos (red_cruda). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX 64

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int escucha = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    if (bind(escucha, (struct sockaddr *)&a, sizeof a) < 0 || listen(escucha, 16) < 0 ||
        getsockname(escucha, (struct sockaddr *)&a, &n) < 0)
        return 1;
    printf("Escuchando en el puerto %d\n", ntohs(a.sin_port));
    struct pollfd p[MAX] = {{.fd = escucha, .events = POLLIN}};
    int usados = 1;
    for (;;) {
        if (poll(p, (nfds_t)usados, -1) < 0)
            return 1;
        if ((p[0].revents & POLLIN) && usados < MAX) {
            p[usados].fd = accept(escucha, NULL, NULL);
            p[usados].events = POLLIN;
            if (write(p[usados].fd, "¿Cómo te llamas?\n", 18) > 0)
                usados++;
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
