/* come_memoria.c — entrega hostil: reserva y toca memoria sin parar (sin liberar nada). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    size_t total = 0;
    for (;;) {
        char *p = malloc(16u << 20);
        if (p == NULL) {
            sleep(1); /* el límite nos paró: insistimos */
            continue;
        }
        memset(p, 0xab, 16u << 20);
        total += 16u << 20;
    }
}
