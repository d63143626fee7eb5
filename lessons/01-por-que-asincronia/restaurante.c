/* restaurante.c — el camarero que espera en la cocina frente al que no espera.
 *
 *   restaurante secuencial    el camarero se queda en la cocina hasta que sale cada plato:
 *                             tres platos de 2 s cuestan ≈ 6 s.
 *   restaurante concurrente   el camarero deja las tres comandas y vuelve cuando cada plato
 *                             está listo (un temporizador por plato): ≈ 2 s.
 *
 * La cocina se simula con esperas: uv_sleep() (bloquea el hilo) en el modo secuencial y
 * uv_timer_t (avisa cuando vence, sin bloquear a nadie) en el concurrente.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/cronograma.h"
#include "curso/errores.h"
#include "curso/reloj.h"

#define PEDIDOS 3
#define COCINA_MS 2000

/* Todo lo que un pedido necesita mientras espera en la cocina. */
typedef struct {
    uv_timer_t temporizador; /* la espera de la cocina (solo en modo concurrente) */
    int numero;
    int id_cronograma;
} pedido_t;

static cronograma_t *cronograma;
static uint64_t origen_ms;

static void anunciar(const char *texto, int numero)
{
    printf("[%5.2f s] %s %d\n", reloj_desde(origen_ms), texto, numero);
}

/* Modo secuencial: el camarero no hace nada más mientras la cocina trabaja. */
static void atender_secuencial(void)
{
    for (int i = 1; i <= PEDIDOS; i++) {
        char nombre[16];
        int id;

        snprintf(nombre, sizeof nombre, "pedido %d", i);
        id = cronograma_empezar(cronograma, nombre);
        anunciar("el camarero lleva a cocina el pedido", i);
        uv_sleep(COCINA_MS); /* de pie junto a los fogones: el hilo entero se detiene */
        anunciar("el camarero sirve el pedido", i);
        cronograma_terminar(cronograma, id);
    }
}

/* Modo concurrente: esto se ejecuta cuando un plato está listo. */
static void al_salir_de_cocina(uv_timer_t *temporizador)
{
    pedido_t *pedido = temporizador->data;

    anunciar("el camarero sirve el pedido", pedido->numero);
    cronograma_terminar(cronograma, pedido->id_cronograma);
    /* La memoria del pedido es un array de main(): no hay nada que liberar al cerrar. */
    uv_close((uv_handle_t *)temporizador, NULL);
}

static int atender_concurrente(uv_loop_t *bucle, pedido_t pedidos[])
{
    for (int i = 0; i < PEDIDOS; i++) {
        pedido_t *pedido = &pedidos[i];
        char nombre[16];
        int r;

        pedido->numero = i + 1;
        snprintf(nombre, sizeof nombre, "pedido %d", pedido->numero);
        r = uv_timer_init(bucle, &pedido->temporizador);
        if (r < 0)
            return r;
        pedido->temporizador.data = pedido;
        pedido->id_cronograma = cronograma_empezar(cronograma, nombre);
        anunciar("el camarero lleva a cocina el pedido", pedido->numero);
        /* Empieza la espera y vuelve AL INSTANTE: el camarero sigue tomando comandas. */
        r = uv_timer_start(&pedido->temporizador, al_salir_de_cocina, COCINA_MS, 0);
        if (r < 0) {
            uv_close((uv_handle_t *)&pedido->temporizador, NULL);
            return r;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    pedido_t pedidos[PEDIDOS];
    int concurrente;
    int r;

    if (argc != 2 || (strcmp(argv[1], "secuencial") != 0 && strcmp(argv[1], "concurrente") != 0)) {
        fprintf(stderr, "uso: %s secuencial|concurrente\n", argv[0]);
        return 2;
    }
    concurrente = strcmp(argv[1], "concurrente") == 0;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    cronograma = cronograma_nuevo();
    origen_ms = reloj_ms();
    if (cronograma == NULL)
        r = UV_ENOMEM;
    else if (concurrente)
        r = atender_concurrente(&bucle, pedidos);
    else
        atender_secuencial();
    if (r < 0)
        fprintf(stderr, "error: %s\n", error_texto(r));

    /* El bucle espera a los platos pendientes y después se cierra limpio. */
    if (bucle_terminar(&bucle) != 0 && r == 0)
        r = UV_EBUSY;
    if (cronograma != NULL) {
        cronograma_imprimir(cronograma, stdout);
        cronograma_liberar(cronograma);
    }
    return r == 0 ? 0 : 1;
}
