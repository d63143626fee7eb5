/* ignora_senales.c — entrega hostil: ignora SIGINT y SIGTERM (y todo lo que se pueda) y
 * duerme para siempre. Solo SIGKILL la para. */
#include <signal.h>
#include <unistd.h>

int main(void)
{
    for (int s = 1; s < 32; s++)
        signal(s, SIG_IGN);
    for (;;)
        pause();
}
