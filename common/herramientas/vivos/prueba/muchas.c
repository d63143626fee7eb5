/* muchas.c — colgado a propósito (prueba de vivos): 12000 uv_write en curso a la vez (más
 * que la tabla de la precarga, 8192 casillas) antes de crear un temporizador que se repite.
 * Un servidor que escribe a cada destinatario por separado hace lo mismo. El informe tiene
 * que nombrar el temporizador con su línea: las peticiones que no caben no se apuntan, pero
 * no le quitan el sitio a los handles (ni dejan la tabla llena, donde cada búsqueda la
 * recorre entera). */
#include <stdio.h>
#include <sys/socket.h>
#include <uv.h>

#define N 12000

static uv_write_t escrituras[N];
static int hechas;

static void escrito(uv_write_t *req, int estado)
{
    (void)req;
    if (estado == 0)
        hechas++;
}

static void cada_100(uv_timer_t *t)
{
    (void)t;
}

int main(void)
{
    static uv_pipe_t extremo;
    static uv_timer_t t;
    static char byte = 'x';
    int par[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, par) < 0)
        return 1;
    uv_pipe_init(uv_default_loop(), &extremo, 0);
    if (uv_pipe_open(&extremo, par[0]) < 0)
        return 1;
    uv_buf_t buf = uv_buf_init(&byte, 1);
    for (int i = 0; i < N; i++)
        if (uv_write(&escrituras[i], (uv_stream_t *)&extremo, &buf, 1, escrito) < 0)
            return 1;
    uv_timer_init(uv_default_loop(), &t);   /* vivos: creado */
    uv_timer_start(&t, cada_100, 100, 100); /* vivos: arrancado */
    return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
