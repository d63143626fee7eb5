/* demonio.c — entrega hostil: se hace demonio (doble fork + setsid), cambia de nombre y
 * sigue vivo para siempre ignorando SIGTERM; el proceso original sale con 0 en seguida. */
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(void)
{
    pid_t p = fork();
    if (p != 0)
        return 0; /* el padre «termina bien» */
    setsid();
    if (fork() != 0)
        _exit(0);
    prctl(PR_SET_NAME, "hostil-demonio");
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    for (;;)
        sleep(1);
}
