/* ejercicio.c — el tamaño del grupo de hilos (práctica 3 de la lección 7): una respuesta.
 *
 *   grupo N    N lecturas lentas (bloquean 1 s cada una) en el grupo de hilos y, a la vez,
 *              un uv_fs_stat que no debe esperar detrás de ellas.
 *
 * El grupo se crea la primera vez que algo lo usa y lee UV_THREADPOOL_SIZE solo entonces: por
 * eso setenv() va al principio de main, antes de la primera petición. Con N + 1 hilos, las N
 * lecturas corren a la vez (≈ 1 s en total) y el stat tiene un hilo libre para él solo.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

#define MAX_LECTURAS 32

/* La función bloqueante (ya escrita: no la cambies): tarda 1 s, como un disco que no responde. */
static void lectura_lenta(void)
{
    uv_sleep(1000);
}

typedef struct {
    uv_work_t trabajo;
    int numero;
} lectura_t;

static uv_fs_t consulta;
static int pendientes, hechas;

static void una_menos(void)
{
    pendientes--;
    if (pendientes == 0)
        printf("hechas: %d\n", hechas);
}

static void en_el_hilo(uv_work_t *w)
{
    (void)w;
    lectura_lenta();
}

static void despues(uv_work_t *w, int estado)
{
    lectura_t *l = w->data;

    if (estado < 0)
        fprintf(stderr, "lectura %d: %s\n", l->numero, error_texto(estado));
    else
        hechas++;
    printf("lenta terminada\n");
    free(l);
    una_menos();
}

static void al_consultar(uv_fs_t *r)
{
    if (r->result < 0)
        fprintf(stderr, "stat: %s\n", error_texto((int)r->result));
    else
        printf("stat: listo\n");
    uv_fs_req_cleanup(r);
    una_menos();
}

static int leer(const char *texto, long min, long max, long *valor)
{
    char *fin;

    errno = 0;
    *valor = strtol(texto, &fin, 10);
    return errno == 0 && fin != texto && *fin == '\0' && *valor >= min && *valor <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    char hilos[16];
    long n;
    int r;

    if (argc != 2 || leer(argv[1], 1, MAX_LECTURAS, &n) < 0) {
        fprintf(stderr, "uso: %s N (de 1 a %d lecturas lentas)\n", argv[0], MAX_LECTURAS);
        return 2;
    }
    /* Un hilo por lectura lenta y uno más, libre, para el stat. Antes de la primera petición
     * al grupo: después ya no tendría efecto. */
    snprintf(hilos, sizeof hilos, "%ld", n + 1);
    if (setenv("UV_THREADPOOL_SIZE", hilos, 1) < 0) {
        perror("setenv");
        return 1;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    for (int i = 0; i < n; i++) {
        lectura_t *l = malloc(sizeof *l);

        if (l == NULL) {
            fprintf(stderr, "sin memoria\n");
            break;
        }
        l->numero = i + 1;
        l->trabajo.data = l;
        r = uv_queue_work(&bucle, &l->trabajo, en_el_hilo, despues);
        if (r < 0) { /* fallo síncrono: despues no se llamará */
            fprintf(stderr, "uv_queue_work: %s\n", error_texto(r));
            free(l);
            break;
        }
        pendientes++;
    }
    r = uv_fs_stat(&bucle, &consulta, ".", al_consultar);
    if (r < 0)
        fprintf(stderr, "uv_fs_stat: %s\n", error_texto(r));
    else
        pendientes++;
    return bucle_terminar(&bucle) == 0 ? 0 : 1;
}
