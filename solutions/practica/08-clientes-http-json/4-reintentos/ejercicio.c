/* ejercicio.c — reintentos con espera exponencial (práctica 4 de la lección 8): una respuesta.
 *
 *   reintentar RUTA   pide RUTA (GET) al servidor de práctica; si el fallo es pasajero, la
 *                     vuelve a pedir tras 0.2 s, 0.4 s, 0.8 s… (cuatro intentos como mucho).
 *                     Al acabar, lo que vio el servidor: cuándo llegó cada intento.
 *
 * La espera es un temporizador: mientras corre, el bucle sigue atendiendo (un latido cada
 * 50 ms lo comprueba). Un GET es idempotente: se reintentan 429, 500, 502, 503, 504 y los
 * fallos sin respuesta (tiempo agotado, conexión cortada o rechazada); lo demás, no.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/reloj.h"

#define MAX_INTENTOS 4
#define BASE_MS 200

typedef struct {
    http_cliente_t *cliente;
    char url[512];
    int intentos;       /* los que ya salieron */
    uv_timer_t espera;  /* la espera entre un intento y el siguiente */
    uv_timer_t latido;  /* cada 50 ms: ¿sigue vivo el bucle entre intentos? */
    uint64_t ultimo_latido_ms, mayor_hueco_ms;
    int en_vuelo;       /* hay una petición en curso: el latido no mide (curl trabaja) */
} programa_t;

static void lanzar(programa_t *p);
static void terminar(programa_t *p);

/* ¿Merece otro intento? */
static int pasajero(const http_respuesta_t *r)
{
    if (r->error == HTTP_E_TIEMPO || r->error == HTTP_E_CORTADA || r->error == HTTP_E_CONEXION)
        return 1;
    if (r->error != 0)
        return 0;
    return r->estado == 429 || r->estado == 500 || r->estado == 502 || r->estado == 503 ||
           r->estado == 504;
}

static void al_vencer_espera(uv_timer_t *t)
{
    lanzar(t->data);
}

static void al_terminar(http_peticion_t *hp, const http_respuesta_t *r, void *usuario)
{
    programa_t *p = usuario;
    char que[128];
    (void)hp;
    if (r->error == 0)
        snprintf(que, sizeof que, "HTTP %ld", r->estado);
    else
        snprintf(que, sizeof que, "%s", http_error_texto(r->error));

    if (r->error == 0 && r->estado < 400) {
        printf("intento %d: %s → conseguido\n", p->intentos, que);
    } else if (!pasajero(r)) {
        printf("intento %d: %s → no se reintenta\n", p->intentos, que);
    } else if (p->intentos == MAX_INTENTOS) {
        printf("intento %d: %s → sin más intentos\n", p->intentos, que);
    } else {
        /* 0.2 s, 0.4 s, 0.8 s: la espera se dobla en cada intento. */
        uint64_t ms = (uint64_t)BASE_MS << (p->intentos - 1);
        printf("intento %d: %s → reintento en %.2f s\n", p->intentos, que, ms / 1000.0);
        uv_timer_start(&p->espera, al_vencer_espera, ms, 0);
        return;
    }
    terminar(p);
}

/* ---- Ya escrito: no lo cambies ------------------------------------------------------- */

/* La callback que ve el cliente: apunta que ya no hay petición en curso (el latido vuelve a
 * medir desde aquí) y llama a la tuya. */
static void al_responder(http_peticion_t *hp, const http_respuesta_t *r, void *usuario)
{
    programa_t *p = usuario;
    p->en_vuelo = 0;
    p->ultimo_latido_ms = reloj_ms();
    al_terminar(hp, r, usuario);
}

static void lanzar(programa_t *p)
{
    http_opciones_t op = {0};
    int r;
    op.tiempo_limite_ms = 2000;
    uint64_t ahora = reloj_ms();
    /* Lo que pasó desde la respuesta anterior hasta este intento cuenta como espera: un
     * uv_sleep() en la callback se ve aquí. */
    if (p->intentos > 0 && ahora - p->ultimo_latido_ms > p->mayor_hueco_ms)
        p->mayor_hueco_ms = ahora - p->ultimo_latido_ms;
    p->intentos++;
    p->en_vuelo = 1;
    r = http_pedir(p->cliente, p->url, &op, al_responder, p, NULL);
    if (r < 0) {
        printf("intento %d: no salió: %s\n", p->intentos, http_error_texto(r));
        terminar(p);
    }
}

/* Se acabó: se cierra todo lo que mantiene vivo el bucle. */
static void terminar(programa_t *p)
{
    http_cliente_cerrar(p->cliente, NULL, NULL);
    uv_close((uv_handle_t *)&p->espera, NULL);
    uv_close((uv_handle_t *)&p->latido, NULL);
}

static void al_latir(uv_timer_t *t)
{
    programa_t *p = t->data;
    uint64_t ahora = reloj_ms();
    if (!p->en_vuelo && ahora - p->ultimo_latido_ms > p->mayor_hueco_ms)
        p->mayor_hueco_ms = ahora - p->ultimo_latido_ms;
    p->ultimo_latido_ms = ahora;
}

/* Lo que vio el servidor (otro proceso): cuándo llegó cada petición, desde la primera. */
static void contar_intentos(const char *registro)
{
    FILE *f = fopen(registro, "r");
    char linea[2048];
    long long primero = -1;
    int n = 0;

    if (f == NULL) {
        fprintf(stderr, "no puedo leer el registro del servidor: %s\n", strerror(errno));
        return;
    }
    while (fgets(linea, sizeof linea, f) != NULL) {
        json_t *o = json_loads(linea, 0, NULL);
        json_t *inicio = json_object_get(o, "inicio_ms");
        json_t *estado = json_object_get(o, "estado");
        if (json_is_integer(inicio) && json_is_integer(estado)) {
            if (primero < 0)
                primero = json_integer_value(inicio);
            printf("servidor: intento %d a %.2f s (%d)\n", ++n,
                   (json_integer_value(inicio) - primero) / 1000.0,
                   (int)json_integer_value(estado));
        }
        json_decref(o);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    practica_t servidor;
    programa_t p = {0};
    const char *tmp = getenv("TMPDIR");
    char registro[512];
    int r;

    if (argc != 2 || argv[1][0] != '/') {
        fprintf(stderr, "uso: %s RUTA (por ejemplo /status/503)\n", argv[0]);
        return 2;
    }
    snprintf(registro, sizeof registro, "%s/registro-%d.jsonl", tmp != NULL ? tmp : "/tmp",
             (int)getpid());
    r = practica_arrancar(&servidor, registro);
    if (r < 0) {
        fprintf(stderr, "no puedo arrancar el servidor de práctica: %s\n", strerror(-r));
        return 1;
    }
    r = uv_loop_init(&bucle);
    if (r == 0) {
        r = http_cliente_nuevo(&bucle, 0, &p.cliente);
        if (r < 0)
            bucle_terminar(&bucle);
    }
    if (r < 0) {
        fprintf(stderr, "no puedo empezar: %s\n", error_texto(r));
        practica_parar(&servidor);
        return 1;
    }
    snprintf(p.url, sizeof p.url, "%s%s", servidor.url, argv[1]);
    /* Sin comprobar a propósito: en Unix no pueden fallar (lección 2, sección 3). */
    uv_timer_init(&bucle, &p.espera);
    p.espera.data = &p;
    uv_timer_init(&bucle, &p.latido);
    p.latido.data = &p;
    p.ultimo_latido_ms = reloj_ms();
    uv_timer_start(&p.latido, al_latir, 50, 50);
    lanzar(&p);
    r = bucle_terminar(&bucle);
    printf("%s\n", p.mayor_hueco_ms < 200 ? "mientras esperaba, el bucle siguió latiendo"
                                          : "el bucle estuvo parado mientras esperaba");
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    practica_parar(&servidor);
    contar_intentos(registro);
    remove(registro);
    return r == 0 ? 0 : 1;
}
