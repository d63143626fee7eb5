/* bomba.c — entrega hostil: crea procesos sin parar (cada hijo duerme para siempre y se
 * llama «hostil-bomba»). Los límites de procesos y el espacio de PID deben contenerla. */
#include <sys/prctl.h>
#include <unistd.h>

int main(void)
{
    prctl(PR_SET_NAME, "hostil-bomba");
    for (int i = 0; i < 100000; i++) {
        pid_t p = fork();
        if (p == 0) {
            for (;;)
                pause();
        }
    }
    for (;;)
        pause();
}
