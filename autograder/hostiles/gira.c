/* gira.c — entrega hostil: un bucle infinito que gasta CPU y nunca termina ni responde. */
int main(void)
{
    volatile unsigned long n = 0;
    for (;;)
        n++;
}
