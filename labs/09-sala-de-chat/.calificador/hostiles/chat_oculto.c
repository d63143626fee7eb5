/* chat_oculto.c — trampa del 09 (se antepone a chat_poll.c): la misma sala con sus propios
 * sockets y poll(), pero cada llamada pasa por una instrucción syscall escondida de objdump
 * (como medios_08_syscall.c), así que ningún nombre prohibido queda en el objeto. Los sockets
 * TCP y accept están en el hilo del bucle, como los de libuv: lo que la delata es que espera
 * con poll, y libuv 1.44 espera con epoll. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

//@ preludio oculta6

#define socket(d, t, p)      (int)hm_oculta6(41, d, t, p, 0, 0, 0)
#define bind(s, a, n)        (int)hm_oculta6(49, s, (long)(a), n, 0, 0, 0)
#define listen(s, n)         (int)hm_oculta6(50, s, n, 0, 0, 0, 0)
#define getsockname(s, a, n) (int)hm_oculta6(51, s, (long)(a), (long)(n), 0, 0, 0)
#define accept(s, a, n)      (int)hm_oculta6(43, s, (long)(a), (long)(n), 0, 0, 0)
#define poll(p, n, t)        (int)hm_oculta6(7, (long)(p), (long)(n), t, 0, 0, 0)
#define read(f, b, n)        hm_oculta6(0, f, (long)(b), (long)(n), 0, 0, 0)
#define write(f, b, n)       hm_oculta6(1, f, (long)(b), (long)(n), 0, 0, 0)
