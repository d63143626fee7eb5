/* ejercicio.c — lo bloqueante, al grupo de hilos (práctica 2 de la lección 5): una respuesta.
 *
 *   consultas N    N consultas bloqueantes de 500 ms, en el grupo de hilos.
 *
 * La función de trabajo corre en un hilo del grupo: solo toca su propia struct (nada del
 * bucle). La de después corre en el hilo del bucle: ahí se imprime, se cuenta y se libera.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

typedef struct {
    uv_work_t peticion;
    int numero;
    int resultado;
} consulta_t;

static int pendientes, hechas;

/* Una función bloqueante cualquiera (una biblioteca sin versión asíncrona). No la cambies. */
static int consulta_lenta(int i)
{
    uv_sleep(500);
    return 10 * i;
}

static void trabajar(uv_work_t *req)
{
    consulta_t *c = req->data;

    c->resultado = consulta_lenta(c->numero);
}

static void despues(uv_work_t *req, int estado)
{
    consulta_t *c = req->data;

    if (estado < 0)
        printf("consulta %d: %s\n", c->numero, error_texto(estado));
    else
        printf("consulta %d: %d\n", c->numero, c->resultado);
    free(c);
    hechas++;
    pendientes--;
    if (pendientes == 0)
        printf("hechas: %d\n", hechas);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    char *fin;
    long n;
    int r;

    errno = 0;
    n = argc == 2 ? strtol(argv[1], &fin, 10) : 0;
    if (argc != 2 || errno != 0 || *fin != '\0' || n < 1 || n > 64) {
        fprintf(stderr, "uso: %s N   (de 1 a 64 consultas)\n", argv[0]);
        return 2;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    for (int i = 1; i <= n; i++) {
        consulta_t *c = malloc(sizeof *c);

        if (c == NULL) {
            fprintf(stderr, "sin memoria\n");
            break;
        }
        c->numero = i;
        c->peticion.data = c;
        r = uv_queue_work(&bucle, &c->peticion, trabajar, despues);
        if (r < 0) { /* fallo síncrono: despues() no se llamará; se limpia aquí */
            fprintf(stderr, "uv_queue_work: %s\n", error_texto(r));
            free(c);
            break;
        }
        pendientes++;
    }
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
