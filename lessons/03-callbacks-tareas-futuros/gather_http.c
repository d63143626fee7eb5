/* gather_http.c — tres peticiones HTTP reales al servidor de práctica y un solo resumen
 * con los tres resultados, en orden, cuando ha vuelto la última.
 *
 *   gather_http concurrente   las tres peticiones salen a la vez: ≈ 1 s en total
 *   gather_http secuencial    cada petición sale cuando ha vuelto la anterior: ≈ 3 s
 *
 * Cada petición pide /delay/1 (el servidor tarda 1 s en contestar). El cliente HTTP del
 * curso (curso/http.h) llama a al_responder() una vez por petición, desde el bucle. El
 * grupo cuenta las que faltan y, al llegar a cero, imprime los resultados en el orden de
 * lanzamiento y cierra el cliente. La URL del servidor sale de practica_url().
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/cronograma.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/json_util.h"
#include "curso/practica.h"
#include "curso/reloj.h"

#define PEDIDOS 3

typedef struct grupo_s grupo_t;

typedef struct {
    grupo_t *grupo;
    int indice;
    int id_cronograma;
    long estado;             /* resultado: estado HTTP… */
    int error;               /* …o código de error */
    double retraso;          /* lo que el servidor dice que esperó */
} pedido_t;

struct grupo_s {
    http_cliente_t *cliente;
    cronograma_t *cronograma;
    pedido_t pedidos[PEDIDOS];
    int lanzados;
    int respondidos;
    int secuencial;
    uint64_t origen_ms;
};

static int lanzar(grupo_t *g);

static void al_completar_todos(grupo_t *g)
{
    printf("[%4.2f s] gather: %d respuestas, en orden de lanzamiento:\n",
           reloj_desde(g->origen_ms), PEDIDOS);
    for (int i = 0; i < PEDIDOS; i++) {
        const pedido_t *p = &g->pedidos[i];
        if (p->error == 0)
            printf("  pedido %d: estado %ld, el servidor esperó %.1f s\n", i + 1, p->estado,
                   p->retraso);
        else
            printf("  pedido %d: error %s\n", i + 1, http_error_nombre(p->error));
    }
    /* Ya no hace falta el cliente: cerrarlo deja el bucle sin trabajo. */
    http_cliente_cerrar(g->cliente, NULL, NULL);
}

static void al_responder(http_peticion_t *peticion, const http_respuesta_t *r, void *usuario)
{
    pedido_t *p = usuario;
    grupo_t *g = p->grupo;
    char error[128];
    json_t *cuerpo;

    (void)peticion;
    cronograma_terminar(g->cronograma, p->id_cronograma);
    p->error = r->error;
    p->estado = r->estado;
    if (r->error == 0) {
        cuerpo = http_respuesta_json(r, error, sizeof error);
        if (cuerpo == NULL || jutil_numero(cuerpo, "retraso", &p->retraso) != 0)
            p->retraso = -1;
        json_decref(cuerpo);
    }
    g->respondidos++;
    printf("[%4.2f s] llega una respuesta; faltan %d\n", reloj_desde(g->origen_ms),
           PEDIDOS - g->respondidos);
    if (g->secuencial && g->lanzados < PEDIDOS) {
        int e = lanzar(g);
        if (e == 0)
            return; /* el siguiente ya está en curso: su respuesta nos volverá a llamar */
        for (int i = g->lanzados; i < PEDIDOS; i++)
            g->pedidos[i].error = e; /* no llegaron a salir */
        g->respondidos = PEDIDOS;
    }
    if (g->respondidos == PEDIDOS)
        al_completar_todos(g);
}

/* Lanza el siguiente pedido. Si falla, no habrá callback (regla de libuv). */
static int lanzar(grupo_t *g)
{
    pedido_t *p = &g->pedidos[g->lanzados];
    char url[256];
    char nombre[32];
    int r;

    p->grupo = g;
    p->indice = g->lanzados;
    snprintf(url, sizeof url, "%s/delay/1?pedido=%d", practica_url(), p->indice + 1);
    snprintf(nombre, sizeof nombre, "pedido %d", p->indice + 1);
    r = http_pedir(g->cliente, url, NULL, al_responder, p, NULL);
    if (r < 0) {
        fprintf(stderr, "http_pedir: %s\n", http_error_texto(r));
        return r;
    }
    p->id_cronograma = cronograma_empezar(g->cronograma, nombre);
    printf("[%4.2f s] pido /delay/1?pedido=%d\n", reloj_desde(g->origen_ms), p->indice + 1);
    g->lanzados++;
    return 0;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    grupo_t g;
    int r;

    if (argc != 2 || (strcmp(argv[1], "concurrente") != 0 && strcmp(argv[1], "secuencial") != 0)) {
        fprintf(stderr, "uso: %s concurrente|secuencial\n", argv[0]);
        return 2;
    }
    memset(&g, 0, sizeof g);
    g.secuencial = strcmp(argv[1], "secuencial") == 0;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    g.cronograma = cronograma_nuevo();
    g.origen_ms = reloj_ms();
    r = g.cronograma == NULL ? UV_ENOMEM : http_cliente_nuevo(&bucle, 0, &g.cliente);
    /* Concurrente: se lanzan todos ahora. Secuencial: solo el primero; al_responder
     * lanza el siguiente. */
    while (r == 0 && g.lanzados < (g.secuencial ? 1 : PEDIDOS))
        r = lanzar(&g);
    if (r < 0 && g.cliente != NULL)
        http_cliente_cerrar(g.cliente, NULL, NULL); /* cancela lo que hubiera salido */

    if (bucle_terminar(&bucle) != 0 && r == 0)
        r = UV_EBUSY;
    if (g.cronograma != NULL) {
        cronograma_imprimir(g.cronograma, stdout);
        cronograma_liberar(g.cronograma);
    }
    /* Un error queda en su sitio y no corta a los demás, pero el
     * programa sí dice al final (con su estado de salida) que algo falló. */
    for (int i = 0; i < PEDIDOS && r == 0; i++)
        r = g.pedidos[i].error;
    return r == 0 ? 0 : 1;
}
