/* ejercicio.c — un futuro que nunca llama en el acto (práctica 3 de la lección 3).
 *
 * Un futuro guarda un valor que aún no existe y la lista de callbacks que lo esperan. La
 * regla: las callbacks se llaman desde el bucle (un uv_idle_t las entrega en la siguiente
 * fase idle: aquí, que se resuelve dentro de la callback de un temporizador, la de esa misma
 * vuelta, porque en libuv 1.44 los temporizadores van antes que idle), nunca dentro de
 * futuro_resolver() ni de futuro_al_terminar(). Tu trabajo: las tres funciones con TODO;
 * main() es el guion de la prueba y no se toca (ver README.md).
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_CALLBACKS 4

typedef struct futuro_s futuro_t;
typedef void (*futuro_cb)(futuro_t *f, void *usuario);

struct futuro_s {
    uv_idle_t entrega; /* entrega las callbacks desde el bucle */
    int resuelto;
    int valor;
    futuro_cb cbs[MAX_CALLBACKS];
    void *usuarios[MAX_CALLBACKS];
    int n;          /* callbacks apuntadas */
    int entregadas; /* de ellas, ya llamadas */
};

static void al_entregar(uv_idle_t *h)
{
    (void)h; /* TODO: llamar a las callbacks pendientes (cada una una vez) y parar el idle */
}

static void futuro_iniciar(uv_loop_t *bucle, futuro_t *f)
{
    uv_idle_init(bucle, &f->entrega); /* no falla: lección 2, §3 */
    f->entrega.data = f;
    f->resuelto = 0;
    f->n = 0;
    f->entregadas = 0;
}

static int futuro_al_terminar(futuro_t *f, futuro_cb cb, void *usuario)
{
    if (f->n == MAX_CALLBACKS)
        return UV_ENOBUFS;
    /* TODO: apuntarla y, si el futuro ya está resuelto, programar la entrega */
    (void)cb;
    (void)usuario;
    return 0;
}

static int futuro_resolver(futuro_t *f, int valor)
{
    /* TODO: guardar el valor y programar la entrega; dos veces, UV_EALREADY */
    (void)f;
    (void)valor;
    return 0;
}

static void futuro_cerrar(futuro_t *f)
{
    uv_close((uv_handle_t *)&f->entrega, NULL); /* memoria estática: nada que liberar */
}

/* ---- El guion de la prueba: no lo cambies. ---- */

static futuro_t futuro;
static uv_timer_t guion;
static int paso;

static void imprimir(futuro_t *f, void *usuario)
{
    printf("%s recibe %d\n", (const char *)usuario, f->valor);
}

static void al_paso(uv_timer_t *t)
{
    int r;

    paso++;
    if (paso == 1) {
        r = futuro_resolver(&futuro, 42);
        printf("resuelto (%s)\n", r == 0 ? "0" : uv_err_name(r));
        r = futuro_resolver(&futuro, 7);
        printf("resuelto otra vez (%s)\n", r == 0 ? "0" : uv_err_name(r));
    } else if (paso == 2) {
        futuro_al_terminar(&futuro, imprimir, "B");
        printf("B registrado\n");
    } else {
        futuro_cerrar(&futuro);
        uv_close((uv_handle_t *)t, NULL);
    }
}

int main(void)
{
    uv_loop_t bucle;
    int r;

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    futuro_iniciar(&bucle, &futuro);
    futuro_al_terminar(&futuro, imprimir, "A");
    printf("A registrado\n");
    uv_timer_init(&bucle, &guion); /* no falla: lección 2, §3 */
    uv_timer_start(&guion, al_paso, 50, 50);
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
