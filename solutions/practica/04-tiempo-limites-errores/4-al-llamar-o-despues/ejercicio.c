/* ejercicio.c — al llamar o después (práctica 4 de la lección 4): una respuesta.
 *
 *   errores RUTA...   una petición por argumento al servidor de práctica (una RUTA que
 *                     empieza por «/» se completa con su dirección; las demás van tal cual),
 *                     cada una con su memoria; dice dónde llegó cada fallo.
 *
 * La regla de oro de la lección: si http_pedir() devuelve un error, no habrá callback (se
 * informa y se libera ahí mismo); si devuelve 0, la callback llegará exactamente una vez,
 * con el resultado, y es ella quien libera.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"

typedef struct {
    http_cliente_t *cliente;
    int pendientes; /* peticiones que arrancaron y aún no han llamado a su callback */
    int callbacks;
} programa_t;

/* Una petición: suya es esta memoria, y la libera quien sepa que ya no llegará nada más. */
typedef struct {
    programa_t *prog;
    char *ruta; /* el argumento, tal cual, para los mensajes */
} peticion_t;

static void liberar(peticion_t *p)
{
    free(p->ruta);
    free(p);
}

static void al_terminar(http_peticion_t *hp, const http_respuesta_t *r, void *usuario)
{
    peticion_t *p = usuario;
    programa_t *prog = p->prog;
    (void)hp;
    prog->callbacks++;
    if (r->error == 0)
        printf("en la callback: %s: HTTP %ld\n", p->ruta, r->estado);
    else
        printf("en la callback: %s: %s\n", p->ruta, http_error_texto(r->error));
    liberar(p); /* la callback llega una vez: después, nadie más la usa */
    if (--prog->pendientes == 0)
        http_cliente_cerrar(prog->cliente, NULL, NULL);
}

static void lanzar(programa_t *prog, const char *base, const char *ruta)
{
    http_opciones_t op = {0};
    char url[512];
    peticion_t *p = malloc(sizeof *p);
    int r;

    if (p == NULL || (p->ruta = strdup(ruta)) == NULL) {
        free(p);
        printf("al llamar: %s: %s\n", ruta, error_texto(UV_ENOMEM));
        return;
    }
    p->prog = prog;
    snprintf(url, sizeof url, "%s%s", ruta[0] == '/' ? base : "", ruta);
    op.tiempo_limite_ms = 2000;
    op.error_si_estado = 1;
    r = http_pedir(prog->cliente, url, &op, al_terminar, p, NULL);
    if (r < 0) {
        /* No arrancó: su callback no llegará nunca. Se informa y se libera aquí. */
        printf("al llamar: %s: %s\n", ruta, http_error_texto(r));
        liberar(p);
        return;
    }
    prog->pendientes++;
}

/* ---- Ya escrito: no lo cambies ------------------------------------------------------- */

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    practica_t servidor;
    programa_t prog = {0};
    int r;

    if (argc < 2) {
        fprintf(stderr, "uso: %s RUTA... (por ejemplo /status/404 ftp://127.0.0.1/)\n", argv[0]);
        return 2;
    }
    r = practica_arrancar(&servidor, NULL);
    if (r < 0) {
        fprintf(stderr, "no puedo arrancar el servidor de práctica: %s\n", strerror(-r));
        return 1;
    }
    r = uv_loop_init(&bucle);
    if (r == 0) {
        r = http_cliente_nuevo(&bucle, 0, &prog.cliente);
        if (r < 0)
            bucle_terminar(&bucle);
    }
    if (r < 0) {
        fprintf(stderr, "no puedo empezar: %s\n", error_texto(r));
        practica_parar(&servidor);
        return 1;
    }
    for (int i = 1; i < argc; i++)
        lanzar(&prog, servidor.url, argv[i]);
    if (prog.pendientes == 0) /* ninguna arrancó: nadie más cerrará el cliente */
        http_cliente_cerrar(prog.cliente, NULL, NULL);
    r = bucle_terminar(&bucle);
    printf("callbacks: %d\n", prog.callbacks);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    practica_parar(&servidor);
    return r == 0 ? 0 : 1;
}
