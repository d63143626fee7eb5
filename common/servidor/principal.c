/* principal.c — provisional: el servidor de práctica se escribe en otra tarea. */
int main(void)
{
    return 0;
}
