/* sale_ya.c — entrega hostil: termina en el acto sin hacer nada (ni leer argumentos). */
int main(void)
{
    return 0;
}
