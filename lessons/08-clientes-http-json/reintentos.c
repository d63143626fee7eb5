/* reintentos.c — ejemplo resuelto: reintentar lo que falla de forma pasajera, con
 * una espera que crece exponencialmente y un poco de azar (*jitter*).
 *
 * Cinco peticiones a la vez contra el servidor de práctica, cada una con su destino:
 *   /inestable?id=…&fallos=3   503 las tres primeras veces, 200 la cuarta: se consigue
 *   /status/500                 siempre 500: se agotan los intentos
 *   /status/404                 error de la petición: reintentar no arreglaría nada
 *   /status/501                 5xx que no es pasajero (no implementado): no se reintenta
 *   /delay/2 con límite 0.3 s   se agota el tiempo: se reintenta (dos intentos como mucho)
 *
 * Espera antes del intento n+1:  BASE · 2^(n-1) + azar en [0, 10 %)  (BASE = 0.2 s).
 * La espera es un uv_timer por petición, nunca un sleep: mientras una espera, las demás
 * siguen. El id de /inestable lleva el pid para que cada ejecución empiece de cero (el
 * servidor cuenta los intentos por id).
 *
 * Todas son GET, idempotentes: repetirlas no cambia nada en el servidor. Un POST que se
 * corta o agota el tiempo puede haberse ejecutado ya; solo se reintenta si lleva una clave
 * de idempotencia (Idempotency-Key) que el servidor respete.
 *
 * Memoria: todo en la pila de main; el temporizador de cada trabajo se cierra al terminar
 * y el cliente HTTP cuando ha terminado el último.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/reloj.h"

#define BASE_MS       200
#define MAX_INTENTOS  4
#define AZAR_MAXIMO   0.10 /* hasta un 10 % más de espera */

typedef struct programa_s programa_t;

typedef enum { CONSEGUIDO, REINTENTAR, NO_REINTENTAR } decision_t;

typedef struct {
    double empieza;   /* segundos desde el arranque */
    char resultado[96];
    decision_t decision;
    double espera;    /* antes del siguiente intento, si lo hubo */
} intento_t;

typedef struct {
    programa_t *prog;
    const char *nombre; /* lo que se imprime */
    char url[256];
    uint64_t limite_ms; /* tiempo límite de cada intento (0 = el del cliente: ninguno) */
    int max_intentos;
    int idempotente; /* GET, PUT, DELETE… o un POST con clave de idempotencia */
    uv_timer_t espera;
    int intentos;
    intento_t historia[MAX_INTENTOS];
} trabajo_t;

struct programa_s {
    http_cliente_t *cliente;
    uint64_t inicio_ms;
    uint64_t azar; /* estado del generador xorshift64 */
    int pendientes;
};

static void lanzar(trabajo_t *t);

/* Un número en [0, 1). xorshift64: pequeño, rápido y suficiente para repartir esperas. */
static double azar(programa_t *prog)
{
    uint64_t x = prog->azar;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    prog->azar = x;
    return (double)(x >> 11) / 9007199254740992.0; /* 2^53 */
}

/* ¿Merece la pena otro intento? Solo si el fallo puede ser pasajero y repetir la petición
 * es seguro. Un 500, un 502, un 504, un tiempo agotado o una conexión cortada no dicen si el
 * servidor llegó a ejecutarla, así que solo se repite una petición idempotente. */
static decision_t decidir(const http_respuesta_t *r, int idempotente, char *texto, size_t tam)
{
    if (r->error == 0) {
        snprintf(texto, tam, "HTTP %ld", r->estado);
        if (r->estado < 400)
            return CONSEGUIDO;
        /* 501 o 505 no cambiarán, ni un 4xx: la petición está mal y repetirla da lo mismo. */
        switch (r->estado) {
        case 429: /* «espera»: el servidor la rechazó sin ejecutarla */
        case 503: /* «no disponible»: tampoco llegó a ejecutarla */
            return REINTENTAR;
        case 500: /* el servidor (o lo que tiene delante) pudo ejecutarla a medias */
        case 502:
        case 504:
            return idempotente ? REINTENTAR : NO_REINTENTAR;
        default:
            return NO_REINTENTAR;
        }
    }
    snprintf(texto, tam, "%s", r->mensaje);
    switch (r->error) {
    case HTTP_E_CONEXION: /* rechazada: la petición no llegó a salir */
        return REINTENTAR;
    case HTTP_E_TIEMPO:
    case HTTP_E_CORTADA: /* pudo ejecutarse: solo si repetirla es inocuo */
        return idempotente ? REINTENTAR : NO_REINTENTAR;
    default: /* URL mal formada, cancelada, sin memoria…: reintentar no ayuda */
        return NO_REINTENTAR;
    }
}

static void al_cerrar_espera(uv_handle_t *h)
{
    trabajo_t *t = CONTENEDOR_DE(h, trabajo_t, espera);
    programa_t *prog = t->prog;
    if (--prog->pendientes == 0)
        http_cliente_cerrar(prog->cliente, NULL, NULL);
}

static void al_vencer_espera(uv_timer_t *temporizador)
{
    lanzar(CONTENEDOR_DE(temporizador, trabajo_t, espera));
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    trabajo_t *t = usuario;
    intento_t *i = &t->historia[t->intentos - 1];
    uint64_t ms;
    (void)p;

    i->decision = decidir(r, t->idempotente, i->resultado, sizeof i->resultado);
    if (i->decision != REINTENTAR || t->intentos == t->max_intentos) {
        uv_close((uv_handle_t *)&t->espera, al_cerrar_espera); /* este trabajo acabó */
        return;
    }
    /* 0.2 s, 0.4 s, 0.8 s… y encima hasta un 10 % al azar, para que mil clientes que
     * fallaron a la vez no vuelvan todos en el mismo milisegundo. */
    ms = (uint64_t)BASE_MS << (t->intentos - 1);
    ms += (uint64_t)((double)ms * AZAR_MAXIMO * azar(t->prog));
    i->espera = (double)ms / 1000.0;
    uv_timer_start(&t->espera, al_vencer_espera, ms, 0);
}

static void lanzar(trabajo_t *t)
{
    http_opciones_t op = {0};
    intento_t *i = &t->historia[t->intentos++];
    int r;

    i->empieza = reloj_desde(t->prog->inicio_ms);
    op.tiempo_limite_ms = t->limite_ms;
    r = http_pedir(t->prog->cliente, t->url, &op, al_terminar, t, NULL);
    if (r < 0) { /* no arrancó: no habrá callback; este trabajo termina aquí */
        snprintf(i->resultado, sizeof i->resultado, "%s", http_error_texto(r));
        i->decision = NO_REINTENTAR;
        uv_close((uv_handle_t *)&t->espera, al_cerrar_espera);
    }
}

static void imprimir(const trabajo_t *t)
{
    int n;
    printf("%s\n", t->nombre);
    for (n = 0; n < t->intentos; n++) {
        const intento_t *i = &t->historia[n];
        printf("  intento %d a %.2f s: %s → ", n + 1, i->empieza, i->resultado);
        if (i->decision == CONSEGUIDO)
            printf("conseguido\n");
        else if (i->decision == NO_REINTENTAR)
            printf("no se reintenta\n");
        else if (n + 1 < t->intentos)
            printf("reintento en %.2f s\n", i->espera);
        else
            printf("sin más intentos\n");
    }
}

int main(void)
{
    uv_loop_t bucle;
    programa_t prog = {0};
    trabajo_t trabajos[] = {
        {.nombre = "/inestable?fallos=3", .max_intentos = MAX_INTENTOS, .idempotente = 1},
        {.nombre = "/status/500", .max_intentos = MAX_INTENTOS, .idempotente = 1},
        {.nombre = "/status/404", .max_intentos = MAX_INTENTOS, .idempotente = 1},
        {.nombre = "/status/501", .max_intentos = MAX_INTENTOS, .idempotente = 1},
        {.nombre = "/delay/2 (límite 0.30 s)", .limite_ms = 300, .max_intentos = 2,
         .idempotente = 1},
    };
    enum { N = sizeof trabajos / sizeof trabajos[0] };
    const char *base = practica_url();
    int i, r, conseguidos = 0;

    snprintf(trabajos[0].url, sizeof trabajos[0].url,
             "%s/inestable?id=reintentos-%ld-%llu&fallos=3", base, (long)getpid(),
             (unsigned long long)(uv_hrtime() % 1000000));
    snprintf(trabajos[1].url, sizeof trabajos[1].url, "%s/status/500", base);
    snprintf(trabajos[2].url, sizeof trabajos[2].url, "%s/status/404", base);
    snprintf(trabajos[3].url, sizeof trabajos[3].url, "%s/status/501", base);
    snprintf(trabajos[4].url, sizeof trabajos[4].url, "%s/delay/2", base);

    if (uv_loop_init(&bucle) < 0 || http_cliente_nuevo(&bucle, 0, &prog.cliente) < 0)
        return 1;
    prog.inicio_ms = reloj_ms();
    prog.azar = uv_hrtime() | 1; /* nunca 0: xorshift se quedaría en 0 para siempre */
    for (i = 0; i < N; i++) {
        trabajos[i].prog = &prog;
        /* Sobre un bucle válido, uv_timer_init no falla. */
        uv_timer_init(&bucle, &trabajos[i].espera);
        prog.pendientes++;
        lanzar(&trabajos[i]);
    }
    r = bucle_terminar(&bucle);

    for (i = 0; i < N; i++) {
        imprimir(&trabajos[i]);
        if (trabajos[i].historia[trabajos[i].intentos - 1].decision == CONSEGUIDO)
            conseguidos++;
    }
    printf("Conseguidas %d de %d. Tiempo total: %.2f s\n", conseguidos, N,
           reloj_desde(prog.inicio_ms));
    return r == 0 ? 0 : 1;
}
