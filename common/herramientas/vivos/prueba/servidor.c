/* servidor.c — colgado a propósito (prueba de vivos): un servidor TCP que escucha y nunca se
 * cierra. El informe tiene que nombrar «uv_tcp_t escuchando» y las líneas marcadas. */
#include <stdio.h>
#include <uv.h>

static void conexion(uv_stream_t *s, int estado)
{
    (void)s;
    (void)estado;
}

int main(void)
{
    static uv_tcp_t servidor;
    struct sockaddr_in dir;
    uv_ip4_addr("127.0.0.1", 0, &dir);
    uv_tcp_init(uv_default_loop(), &servidor); /* vivos: creado */
    if (uv_tcp_bind(&servidor, (const struct sockaddr *)&dir, 0) < 0)
        return 1;
    if (uv_listen((uv_stream_t *)&servidor, 8, conexion) < 0) /* vivos: arrancado */
        return 1;
    return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
