/* limitador.c — limitador de velocidad (rate limiter): como mucho N peticiones en cualquier
 * ventana de 1 s, con una ventana deslizante de marcas de tiempo y UN temporizador.
 *
 * Quien pide turno lo obtiene en el acto si la ventana tiene hueco (camino rápido) o queda
 * en una cola FIFO; el temporizador se programa para el instante en que la marca más vieja
 * salga de la ventana, y entonces deja pasar a los siguientes (camino lento).
 *
 * Se lanzan 10 peticiones a /delay/0.5 del servidor de práctica con un límite de 3 por
 * segundo: salen en tandas de 3 en 0, 1, 2 y 3 s. La bitácora (stderr) cuenta las esperas.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bitacora.h"
#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/cronograma.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/reloj.h"

#define MAX_POR_VENTANA 3
#define VENTANA_MS 1000
#define PETICIONES 10

/* Un turno pendiente. Lo aporta quien espera (aquí, cada petición). */
typedef struct turno_s {
    struct turno_s *siguiente;
    void (*al_pasar)(struct turno_s *turno);
} turno_t;

typedef struct {
    uv_timer_t temporizador;
    uint64_t marcas[MAX_POR_VENTANA]; /* anillo con los instantes de las últimas salidas */
    unsigned primera, cuantas;
    turno_t *cabeza, *cola;           /* FIFO de turnos en espera */
} limitador_t;

/* Olvida las marcas que ya salieron de la ventana. */
static void limitador_purgar(limitador_t *l, uint64_t ahora)
{
    while (l->cuantas > 0 && l->marcas[l->primera] + VENTANA_MS <= ahora) {
        l->primera = (l->primera + 1) % MAX_POR_VENTANA;
        l->cuantas--;
    }
}

static void limitador_anotar(limitador_t *l, uint64_t ahora)
{
    l->marcas[(l->primera + l->cuantas) % MAX_POR_VENTANA] = ahora;
    l->cuantas++;
}

static void al_vencer(uv_timer_t *t);

/* Deja pasar a cuantos quepan en la ventana y, si queda alguien, programa el temporizador
 * para cuando salga la marca más vieja. */
static void limitador_despachar(limitador_t *l)
{
    uint64_t ahora = reloj_ms();
    uint64_t espera;

    limitador_purgar(l, ahora);
    while (l->cabeza != NULL && l->cuantas < MAX_POR_VENTANA) {
        turno_t *t = l->cabeza;
        l->cabeza = t->siguiente;
        if (l->cabeza == NULL)
            l->cola = NULL;
        limitador_anotar(l, ahora);
        t->al_pasar(t);
    }
    if (l->cabeza == NULL)
        return;
    espera = l->marcas[l->primera] + VENTANA_MS - ahora;
    /* Nunca 0 ms: en libuv 1.44 un temporizador a 0 rearmado desde su callback podría
     * volver a ejecutarse en la misma vuelta del bucle. */
    if (espera < 1)
        espera = 1;
    bitacora_info("límite alcanzado: espero %.2f s", espera / 1000.0);
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_start(&l->temporizador, al_vencer, espera, 0);
}

static void al_vencer(uv_timer_t *t)
{
    limitador_despachar(t->data);
}

/* Pide turno. Devuelve 1 si se puede seguir ya (y `turno` no se usa), o 0 si `turno`
 * queda en la cola: entonces turno->al_pasar se llamará desde el temporizador. */
static int limitador_pedir(limitador_t *l, turno_t *turno)
{
    uint64_t ahora = reloj_ms();
    limitador_purgar(l, ahora);
    /* Si ya hay alguien esperando, nadie se cuela aunque justo ahora haya hueco. */
    if (l->cabeza == NULL && l->cuantas < MAX_POR_VENTANA) {
        limitador_anotar(l, ahora);
        return 1;
    }
    turno->siguiente = NULL;
    if (l->cola != NULL)
        l->cola->siguiente = turno;
    else
        l->cabeza = turno;
    l->cola = turno;
    if (!uv_is_active((uv_handle_t *)&l->temporizador))
        limitador_despachar(l);
    return 0;
}

/* --- Las peticiones ----------------------------------------------------------------- */

typedef struct {
    http_cliente_t *cliente;
    limitador_t limitador;
    cronograma_t *crono;
    uint64_t inicio_ms;
    int pendientes;
    int fallos;
} programa_t;

typedef struct {
    programa_t *prog;
    int numero;
    int id_crono;
    turno_t turno;          /* el limitador solo conoce esto; el resto, por CONTENEDOR_DE */
} peticion_t;

static void al_responder(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    peticion_t *pet = usuario;
    programa_t *prog = pet->prog;
    (void)p;

    cronograma_terminar(prog->crono, pet->id_crono);
    if (r->error != 0) {
        prog->fallos++;
        bitacora_error("petición %d: %s", pet->numero, r->mensaje);
    }
    prog->pendientes--;
    if (prog->pendientes == 0) {
        http_cliente_cerrar(prog->cliente, NULL, NULL);
        uv_close((uv_handle_t *)&prog->limitador.temporizador, NULL);
    }
}

/* La petición tiene turno: sale ya. */
static void salir(peticion_t *pet)
{
    programa_t *prog = pet->prog;
    char url[256], nombre[32];
    int r;

    printf("[%.2f s] sale la petición %d\n", reloj_desde(prog->inicio_ms), pet->numero);
    snprintf(nombre, sizeof nombre, "petición %d", pet->numero);
    pet->id_crono = cronograma_empezar(prog->crono, nombre);
    snprintf(url, sizeof url, "%s/delay/0.5", practica_url());
    r = http_pedir(prog->cliente, url, NULL, al_responder, pet, NULL);
    if (r < 0) {
        /* No hubo callback: se cuenta aquí como terminada. */
        http_respuesta_t falsa = {.error = r, .mensaje = http_error_texto(r)};
        al_responder(NULL, &falsa, pet);
    }
}

static void al_tener_turno(turno_t *turno)
{
    salir(CONTENEDOR_DE(turno, peticion_t, turno));
}

int main(void)
{
    uv_loop_t bucle;
    programa_t prog = {0};
    peticion_t peticiones[PETICIONES];
    double total;
    int i, r;

    if (uv_loop_init(&bucle) < 0)
        return 1;
    prog.crono = cronograma_nuevo();
    r = prog.crono == NULL ? UV_ENOMEM : http_cliente_nuevo(&bucle, 0, &prog.cliente);
    if (r < 0) {
        fprintf(stderr, "no pude preparar el ejemplo: %s\n", http_error_texto(r));
        cronograma_liberar(prog.crono);
        bucle_terminar(&bucle);
        return 1;
    }
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_timer_init(&bucle, &prog.limitador.temporizador);
    prog.limitador.temporizador.data = &prog.limitador;
    prog.inicio_ms = reloj_ms();
    prog.pendientes = PETICIONES;

    /* Las diez quieren salir a la vez; el limitador decide cuándo. */
    for (i = 0; i < PETICIONES; i++) {
        peticion_t *pet = &peticiones[i];
        pet->prog = &prog;
        pet->numero = i + 1;
        pet->id_crono = -1;
        pet->turno.al_pasar = al_tener_turno;
        if (limitador_pedir(&prog.limitador, &pet->turno))
            salir(pet);
    }

    r = bucle_terminar(&bucle);
    total = reloj_desde(prog.inicio_ms);
    cronograma_imprimir(prog.crono, stdout);
    printf("Completadas %d peticiones (%d fallos) a %.2f peticiones/s\n", PETICIONES - prog.fallos,
           prog.fallos, PETICIONES / total);
    cronograma_liberar(prog.crono);
    return r == 0 ? 0 : 1;
}
