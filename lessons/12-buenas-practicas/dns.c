/* dns.c — resolver nombres con uv_getaddrinfo, sin salir de este equipo.
 *
 * getaddrinfo() del sistema bloquea (puede preguntar a un servidor DNS lejano), así que
 * libuv lo ejecuta en el GRUPO DE HILOS, como los archivos. Para verlo, el grupo se deja en
 * un solo hilo (UV_THREADPOOL_SIZE=1) y se ocupa con un trabajo de 0.30 s antes de pedir
 * cuatro resoluciones:
 *
 *   1. «localhost», servicio 8080     → sale de /etc/hosts: 127.0.0.1:8080
 *   2. «127.0.0.1» con AI_NUMERICHOST → ni siquiera mira /etc/hosts
 *   3. «localhost» con AI_NUMERICHOST → error: con ese indicador está prohibido buscar nombres
 *   4. «localhost», cancelada con uv_cancel mientras espera en la cola → UV_EAI_CANCELED
 *
 * Todas piden IPv4 (AF_INET) para que la salida no dependa de si el equipo tiene IPv6.
 * Nada sale a la red: «localhost» está en /etc/hosts y las demás son numéricas.
 *
 * Memoria: las peticiones viven en un array de main; cada lista de resultados se libera
 * con uv_freeaddrinfo() en su callback.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/reloj.h"

typedef struct {
    uv_getaddrinfo_t req;
    const char *descripcion;
    const char *nombre;
    int indicadores;
} resolucion_t;

static uint64_t inicio_ms;

static void al_resolver(uv_getaddrinfo_t *req, int estado, struct addrinfo *res)
{
    resolucion_t *r = CONTENEDOR_DE(req, resolucion_t, req);
    struct addrinfo *a;
    char ip[64];

    printf("[%.2f s] %s: ", reloj_desde(inicio_ms), r->descripcion);
    if (estado < 0) {
        printf("%s (%s)\n", error_texto(estado), error_nombre(estado));
    } else {
        for (a = res; a != NULL; a = a->ai_next) {
            const struct sockaddr_in *dir = (const struct sockaddr_in *)a->ai_addr;
            uv_ip4_name(dir, ip, sizeof ip);
            printf("%s:%d%s", ip, ntohs(dir->sin_port), a->ai_next != NULL ? ", " : "\n");
        }
    }
    uv_freeaddrinfo(res); /* NULL si falló: no hace nada */
}

static void trabajo_lento(uv_work_t *req)
{
    (void)req;
    uv_sleep(300); /* ocupa el único hilo del grupo */
}

static void al_acabar_trabajo(uv_work_t *req, int estado)
{
    (void)req;
    (void)estado;
    printf("[%.2f s] el trabajo lento suelta el único hilo del grupo\n", reloj_desde(inicio_ms));
}

int main(void)
{
    uv_loop_t bucle;
    uv_work_t trabajo;
    struct addrinfo pistas;
    resolucion_t res[] = {
        {.descripcion = "localhost (de /etc/hosts)", .nombre = "localhost"},
        {.descripcion = "127.0.0.1 (numérica)", .nombre = "127.0.0.1",
         .indicadores = AI_NUMERICHOST},
        {.descripcion = "localhost con AI_NUMERICHOST", .nombre = "localhost",
         .indicadores = AI_NUMERICHOST},
        {.descripcion = "localhost cancelada", .nombre = "localhost"},
    };
    int n = (int)(sizeof res / sizeof res[0]), i, r;

    /* Antes del primer uso del grupo: un solo hilo para que la cola se vea. */
    setenv("UV_THREADPOOL_SIZE", "1", 1);
    if (uv_loop_init(&bucle) < 0)
        return 1;
    inicio_ms = reloj_ms();
    r = uv_queue_work(&bucle, &trabajo, trabajo_lento, al_acabar_trabajo);
    if (r < 0) {
        fprintf(stderr, "uv_queue_work: %s\n", error_texto(r));
        return 1;
    }
    for (i = 0; i < n; i++) {
        memset(&pistas, 0, sizeof pistas);
        pistas.ai_family = AF_INET;
        pistas.ai_socktype = SOCK_STREAM;
        pistas.ai_flags = res[i].indicadores;
        /* libuv copia las pistas: pueden vivir en la pila. */
        r = uv_getaddrinfo(&bucle, &res[i].req, al_resolver, res[i].nombre, "8080", &pistas);
        if (r < 0)
            printf("%s: no arrancó: %s\n", res[i].descripcion, error_texto(r));
    }
    /* La última sigue en la cola (el único hilo duerme): se puede cancelar. Su callback
     * llegará igualmente, desde el bucle, con UV_EAI_CANCELED. */
    r = uv_cancel((uv_req_t *)&res[n - 1].req);
    printf("[%.2f s] uv_cancel(localhost cancelada) → %s\n", reloj_desde(inicio_ms),
           r == 0 ? "0 (sacada de la cola)" : error_texto(r));
    r = bucle_terminar(&bucle);
    return r == 0 ? 0 : 1;
}
