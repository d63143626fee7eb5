/* cliente_http.c — carga para comparar el cliente HTTP del curso con curl y aiohttp.
 *
 * Uso: cliente_http URL N SIMULTANEAS
 * Pide N veces URL con como mucho SIMULTANEAS transferencias a la vez (el tope del propio
 * cliente: las demás esperan en su cola) y escribe en stdout «segundos=X ok=N bytes=B».
 * Sale con 1 si alguna petición falla: una comparación con errores no vale nada. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "curso/bucle.h"
#include "curso/http.h"
#include "curso/reloj.h"

typedef struct {
    http_cliente_t *cliente;
    unsigned pendientes;
    unsigned correctas;
    unsigned long long bytes;
} carga_t;

static int leer_numero(const char *texto, unsigned long *valor)
{
    char *fin;
    errno = 0;
    *valor = strtoul(texto, &fin, 10);
    return (errno != 0 || *fin != '\0' || *valor == 0) ? -1 : 0;
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    carga_t *carga = usuario;
    (void)p;
    if (r->error == 0 && r->estado == 200) {
        carga->correctas++;
        carga->bytes += r->bytes;
    } else {
        fprintf(stderr, "fallo: %s (estado %ld)\n", r->mensaje, r->estado);
    }
    if (--carga->pendientes == 0) {
        http_cliente_cerrar(carga->cliente, NULL, NULL);
    }
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    carga_t carga = {0};
    unsigned long n, simultaneas;
    uint64_t inicio;
    int r;

    if (argc != 4 || leer_numero(argv[2], &n) != 0 || leer_numero(argv[3], &simultaneas) != 0) {
        fprintf(stderr, "uso: %s URL N SIMULTANEAS\n", argv[0]);
        return 2;
    }
    uv_loop_init(&bucle);
    r = http_cliente_nuevo(&bucle, (unsigned)simultaneas, &carga.cliente);
    if (r != 0) {
        fprintf(stderr, "no se pudo crear el cliente: %s\n", http_error_texto(r));
        uv_loop_close(&bucle);
        return 1;
    }
    inicio = reloj_ms();
    for (unsigned long i = 0; i < n; i++) {
        r = http_pedir(carga.cliente, argv[1], NULL, al_terminar, &carga, NULL);
        if (r != 0) {
            fprintf(stderr, "http_pedir: %s\n", http_error_texto(r));
            break;
        }
        carga.pendientes++;
    }
    if (carga.pendientes == 0) {
        http_cliente_cerrar(carga.cliente, NULL, NULL);
    }
    r = bucle_terminar(&bucle);
    printf("segundos=%.3f ok=%u bytes=%llu\n", reloj_desde(inicio), carga.correctas, carga.bytes);
    return (r == 0 && carga.correctas == n) ? 0 : 1;
}
