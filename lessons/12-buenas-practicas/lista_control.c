/* lista_control.c — la lista de comprobación de un programa asíncrono, en un solo programa.
 *
 * Ocho peticiones al servidor de práctica con todo lo que la lección 12 pide:
 *   - concurrencia acotada: como mucho 3 a la vez (el cliente HTTP encola el resto);
 *   - un tiempo límite para cada petición (1 s), que /delay/5 agota;
 *   - registro en stderr con la bitácora, resultados en stdout;
 *   - un vigilante del bucle: un temporizador cada 0.1 s mide cuánto se retrasa, y así
 *     delata a cualquier callback que bloquee (con el argumento «bloquear», una lo hace);
 *   - todo se cierra al final y se comprueba con uv_loop_close() == 0.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bitacora.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/reloj.h"

#define N_PETICIONES  8
#define SIMULTANEAS   3
#define LIMITE_MS     1000
#define VIGILANCIA_MS 100

typedef struct programa_s programa_t;

typedef struct {
    const char *ruta;
    programa_t *prog;
    int error;
    long estado;
} consulta_t;

struct programa_s {
    uv_timer_t vigilante;
    uint64_t esperado_ms;   /* cuándo debería sonar el vigilante */
    double retraso_maximo;  /* en segundos */
    http_cliente_t *cliente;
    consulta_t consultas[N_PETICIONES];
    int pendientes;
    int bloquear;
};

static void al_vigilar(uv_timer_t *t)
{
    programa_t *p = t->data;
    uint64_t ahora = reloj_ms();
    double retraso = ahora > p->esperado_ms ? (ahora - p->esperado_ms) / 1000.0 : 0.0;
    if (retraso > p->retraso_maximo)
        p->retraso_maximo = retraso;
    if (retraso >= 0.1)
        bitacora_aviso("el bucle estuvo bloqueado %.2f s", retraso);
    p->esperado_ms = ahora + VIGILANCIA_MS;
}

static void al_terminar(http_peticion_t *pet, const http_respuesta_t *r, void *usuario)
{
    consulta_t *c = usuario;
    programa_t *p = c->prog;
    (void)pet;
    c->error = r->error;
    c->estado = r->estado;
    if (r->error == 0)
        bitacora_info("%s: HTTP %ld en %.2f s", c->ruta, r->estado, r->segundos);
    else
        bitacora_aviso("%s: %s", c->ruta, r->mensaje);
    if (p->bloquear && c == &p->consultas[0]) {
        /* EL ERROR que la lista prohíbe: trabajo bloqueante dentro de una callback. */
        usleep(500 * 1000);
    }
    p->pendientes--;
    if (p->pendientes == 0) {
        http_cliente_cerrar(p->cliente, NULL, NULL);
        uv_close((uv_handle_t *)&p->vigilante, NULL);
    }
}

int main(int argc, char **argv)
{
    static const char *rutas[N_PETICIONES] = {
        "/delay/0.3", "/delay/0.3", "/delay/5",   "/delay/0.3",
        "/delay/0.3", "/status/500", "/delay/0.3", "/delay/0.3",
    };
    static programa_t p;
    uv_loop_t bucle;
    uint64_t inicio = reloj_ms();
    char url[256];
    int r;

    p.bloquear = argc > 1 && strcmp(argv[1], "bloquear") == 0;
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    r = http_cliente_nuevo(&bucle, SIMULTANEAS, &p.cliente);
    if (r < 0) {
        fprintf(stderr, "no se pudo crear el cliente HTTP: %s\n", http_error_texto(r));
        uv_loop_close(&bucle);
        return 1;
    }
    uv_timer_init(&bucle, &p.vigilante);
    p.vigilante.data = &p;
    p.esperado_ms = reloj_ms() + VIGILANCIA_MS;
    uv_timer_start(&p.vigilante, al_vigilar, VIGILANCIA_MS, VIGILANCIA_MS);

    http_opciones_t op = {.tiempo_limite_ms = LIMITE_MS, .error_si_estado = 1};
    for (int i = 0; i < N_PETICIONES; i++) {
        consulta_t *c = &p.consultas[i];
        c->ruta = rutas[i];
        c->prog = &p;
        snprintf(url, sizeof url, "%s%s", practica_url(), rutas[i]);
        r = http_pedir(p.cliente, url, &op, al_terminar, c, NULL);
        if (r < 0) {
            c->error = r; /* fallo síncrono: no habrá callback, no se cuenta como pendiente */
            continue;
        }
        p.pendientes++;
    }
    printf("en curso: %u, en cola: %u (tope de %d a la vez)\n", http_cliente_activas(p.cliente),
           http_cliente_en_cola(p.cliente), SIMULTANEAS);
    if (p.pendientes == 0) {
        http_cliente_cerrar(p.cliente, NULL, NULL);
        uv_close((uv_handle_t *)&p.vigilante, NULL);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);

    int bien = 0;
    for (int i = 0; i < N_PETICIONES; i++) {
        consulta_t *c = &p.consultas[i];
        if (c->error == 0)
            bien++;
        printf("%-12s %s\n", c->ruta, c->error == 0 ? "ok" : http_error_nombre(c->error));
    }
    printf("correctas: %d de %d en %.2f s\n", bien, N_PETICIONES, reloj_desde(inicio));
    printf("retraso máximo del bucle: %.2f s\n", p.retraso_maximo);
    r = uv_loop_close(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0, todo cerrado" : error_texto(r));
    return r == 0 ? 0 : 1;
}
