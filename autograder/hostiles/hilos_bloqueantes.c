/* hilos_bloqueantes.c — entrega hostil: un hilo propio por URL con sockets bloqueantes,
 * sin libuv ni el cliente del curso (así puntuó 100 en el calificador v1). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void *vigilar(void *arg)
{
    const char *url = arg;
    int puerto = 0;
    char ruta[1024] = "/";
    sscanf(url, "http://127.0.0.1:%d%1023s", &puerto, ruta);
    for (int ciclo = 0; ciclo < 30; ciclo++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)puerto)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int estado = 0;
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
            char pet[1200], resp[256] = "";
            int n = snprintf(pet, sizeof pet, "GET %s HTTP/1.0\r\n\r\n", ruta);
            if (write(fd, pet, (size_t)n) == n && read(fd, resp, sizeof resp - 1) > 0)
                sscanf(resp, "HTTP/1.%*d %d", &estado);
        }
        close(fd);
        printf("%s %s %d 1 ms%s\n", estado > 0 && estado < 400 ? "OK" : "FALLO", url, estado,
               estado > 0 && estado < 400 ? "" : " fallo");
        usleep(200000);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t h[64];
    int n = 0;
    for (int i = 1; i < argc && n < 64; i++) {
        if (argv[i][0] == '-') {
            i++;
            continue;
        }
        pthread_create(&h[n++], NULL, vigilar, argv[i]);
    }
    for (int i = 0; i < n; i++)
        pthread_join(h[i], NULL);
    return 0;
}
