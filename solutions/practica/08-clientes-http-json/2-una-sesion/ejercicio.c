/* ejercicio.c — una sola sesión para todo (práctica 2 de la lección 8): una respuesta.
 *
 *   sesion N    N peticiones GET /ping, una detrás de otra, con el cliente HTTP del curso;
 *               al final, cuántas conexiones abrió según el registro del servidor.
 *
 * Un http_cliente_t es una caché de conexiones (como una ClientSession): con uno solo para
 * todo el programa, cada petición reutiliza la conexión que dejó libre la anterior
 * (conexión persistente) y el servidor ve N peticiones por 1 conexión. El cliente se
 * cierra tras la última respuesta; sin eso, sus handles mantendrían vivo el bucle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"

#define MAX_PETICIONES 20

static http_cliente_t *cliente;
static char url[128];
static int total, hechas;

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario);

static void pedir_siguiente(void)
{
    int e = http_pedir(cliente, url, NULL, al_terminar, NULL, NULL);

    if (e < 0) { /* falla sin llamar a la callback: no habrá más, se cierra ya */
        fprintf(stderr, "http_pedir: %s\n", http_error_texto(e));
        http_cliente_cerrar(cliente, NULL, NULL);
    }
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    (void)p;
    (void)usuario;
    hechas++;
    if (r->error != 0)
        printf("petición %d: ERROR %s\n", hechas, r->mensaje);
    else
        printf("petición %d: HTTP %ld\n", hechas, r->estado);
    if (hechas < total)
        pedir_siguiente(); /* con el mismo cliente: la conexión ya está abierta */
    else
        http_cliente_cerrar(cliente, NULL, NULL);
}

/* Lo llama main con el bucle listo y la URL base del servidor. */
static void empezar(uv_loop_t *bucle, const char *base, int n)
{
    int e;

    total = n;
    snprintf(url, sizeof url, "%s/ping", base);
    e = http_cliente_nuevo(bucle, 0, &cliente);
    if (e < 0) {
        fprintf(stderr, "http_cliente_nuevo: %s\n", http_error_texto(e));
        return;
    }
    pedir_siguiente();
}

/* ---- Ya escrito: no lo cambies ------------------------------------------------------- */

/* Cuenta, en el registro del servidor (una línea JSON por petición), las peticiones y las
 * conexiones distintas (por el puerto de origen del cliente). */
static void contar_conexiones(const char *registro)
{
    FILE *f = fopen(registro, "r");
    char linea[1024];
    long puertos[256];
    int peticiones = 0, conexiones = 0;

    if (f == NULL) {
        fprintf(stderr, "no puedo leer el registro del servidor: %s\n", strerror(errno));
        return;
    }
    while (fgets(linea, sizeof linea, f) != NULL) {
        json_t *o = json_loads(linea, 0, NULL);
        json_t *puerto = json_object_get(o, "puerto_cliente");
        int visto = 0;

        if (json_is_integer(puerto)) {
            peticiones++;
            for (int i = 0; i < conexiones; i++)
                visto |= puertos[i] == (long)json_integer_value(puerto);
            if (!visto && conexiones < 256)
                puertos[conexiones++] = (long)json_integer_value(puerto);
        }
        json_decref(o);
    }
    fclose(f);
    printf("servidor: %d %s por %d %s\n", peticiones, peticiones == 1 ? "petición" : "peticiones",
           conexiones, conexiones == 1 ? "conexión" : "conexiones");
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
    practica_t servidor;
    const char *tmp = getenv("TMPDIR");
    char registro[512];
    long n;
    int r;

    if (argc != 2 || leer(argv[1], 1, MAX_PETICIONES, &n) < 0) {
        fprintf(stderr, "uso: %s N (de 1 a %d peticiones)\n", argv[0], MAX_PETICIONES);
        return 2;
    }
    /* El servidor de práctica, en un proceso aparte y un puerto libre, anota cada petición. */
    snprintf(registro, sizeof registro, "%s/registro-%d.jsonl", tmp != NULL ? tmp : "/tmp",
             (int)getpid());
    r = practica_arrancar(&servidor, registro);
    if (r < 0) {
        fprintf(stderr, "no puedo arrancar el servidor de práctica: %s\n", strerror(-r));
        return 1;
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        practica_parar(&servidor);
        return 1;
    }
    empezar(&bucle, servidor.url, (int)n);
    r = bucle_terminar(&bucle);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    practica_parar(&servidor);
    contar_conexiones(registro);
    remove(registro);
    return r == 0 ? 0 : 1;
}
