/* carrera.c — un tiempo límite es una carrera entre la operación y un temporizador.
 *
 * Quien llega primero decide el resultado; al perdedor hay que pararlo:
 *   - si gana la operación, se para y se cierra el temporizador;
 *   - si gana el temporizador, se cancela la petición con http_cancelar(): su callback llega
 *     igual, una sola vez, con HTTP_E_CANCELADA, y hasta entonces su memoria no es nuestra.
 *
 * Tres carreras a la vez con un cliente de SOLO 2 peticiones simultáneas (para que una
 * espere en su cola):
 *   corta    GET /delay/0.2, límite 1.00 s  → gana la operación
 *   larga    GET /delay/1.2, límite 0.50 s  → gana el límite; se cancela en pleno viaje
 *   en cola  GET /delay/0.2, límite 0.10 s  → gana el límite; se cancela sin haber salido
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/reloj.h"

typedef struct {
    const char *nombre;
    const char *ruta;         /* en el servidor de práctica */
    unsigned limite_ms;       /* tiempo límite */
    http_peticion_t *peticion; /* en curso, o NULL cuando ya llegó su callback */
    uv_timer_t limite;
    int decidida;             /* ya hay ganador: lo que llegue después solo limpia */
} carrera_t;

static uint64_t inicio_ms;
static http_cliente_t *cliente;
static int pendientes; /* peticiones cuya callback aún no ha llegado */

/* Fin de la petición: gane o pierda, llega una vez. */
static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    carrera_t *c = usuario;
    double t = reloj_desde(inicio_ms);
    (void)p;
    c->peticion = NULL; /* ya no se puede cancelar: deja de existir al volver */
    if (r->error == HTTP_E_CANCELADA) {
        printf("[%.2f s] %-8s la petición llega cancelada (%s)\n", t, c->nombre,
               http_error_nombre(r->error));
    } else if (!c->decidida) {
        c->decidida = 1;
        printf("[%.2f s] %-8s gana la operación: HTTP %ld a tiempo\n", t, c->nombre, r->estado);
        /* Parar al perdedor: el temporizador. */
        uv_timer_stop(&c->limite);
        uv_close((uv_handle_t *)&c->limite, NULL);
    }
    if (--pendientes == 0)
        http_cliente_cerrar(cliente, NULL, NULL);
}

static void al_vencer_limite(uv_timer_t *t)
{
    carrera_t *c = t->data;
    int r;
    c->decidida = 1;
    r = http_cancelar(c->peticion); /* su callback llegará, con HTTP_E_CANCELADA */
    printf("[%.2f s] %-8s gana el límite de %.2f s; http_cancelar → %d\n",
           reloj_desde(inicio_ms), c->nombre, c->limite_ms / 1000.0, r);
    uv_close((uv_handle_t *)t, NULL);
}

static int empezar(uv_loop_t *bucle, carrera_t *c)
{
    char url[256];
    int r;
    snprintf(url, sizeof url, "%s%s", practica_url(), c->ruta);
    r = http_pedir(cliente, url, NULL, al_terminar, c, &c->peticion);
    if (r < 0)
        return r; /* no arrancó: no habrá callback y no hay temporizador que cerrar */
    pendientes++;
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_init(bucle, &c->limite);
    c->limite.data = c;
    return uv_timer_start(&c->limite, al_vencer_limite, c->limite_ms, 0);
}

int main(void)
{
    uv_loop_t bucle;
    carrera_t carreras[] = {
        {.nombre = "corta", .ruta = "/delay/0.2", .limite_ms = 1000},
        {.nombre = "larga", .ruta = "/delay/1.2", .limite_ms = 500},
        {.nombre = "en cola", .ruta = "/delay/0.2", .limite_ms = 100},
    };
    size_t i;
    int r;

    if (uv_loop_init(&bucle) < 0)
        return 1;
    r = http_cliente_nuevo(&bucle, 2, &cliente); /* 2 a la vez: «en cola» espera */
    if (r < 0) {
        fprintf(stderr, "no pude crear el cliente HTTP: %s\n", error_texto(r));
        bucle_terminar(&bucle);
        return 1;
    }
    uv_update_time(&bucle); /* crear el cliente llevó un rato: los límites cuentan desde ya */
    inicio_ms = reloj_ms();

    for (i = 0; i < sizeof carreras / sizeof carreras[0]; i++) {
        r = empezar(&bucle, &carreras[i]);
        if (r < 0)
            fprintf(stderr, "%s: no arrancó: %s\n", carreras[i].nombre, error_texto(r));
    }
    if (pendientes == 0)
        http_cliente_cerrar(cliente, NULL, NULL);

    /* Las peticiones canceladas no retienen el programa: acaba con la última carrera. */
    r = bucle_terminar(&bucle);
    printf("Tiempo total: %.2f s\n", reloj_desde(inicio_ms));
    return r == 0 ? 0 : 1;
}
