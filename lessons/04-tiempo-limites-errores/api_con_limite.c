/* api_con_limite.c — varias consultas HTTP a la vez, cada una con su tiempo límite, y un
 * resumen en el que cada operación tiene su propio resultado: un fallo o un tiempo agotado
 * ocupa su sitio en el resumen y no corta a las demás.
 *
 * Dos formas de poner un límite:
 *   - la opción tiempo_limite_ms del cliente HTTP (el límite lo pone curl);
 *   - una carrera genérica: un uv_timer_t propio que, si vence primero, llama a
 *     http_cancelar(): la operación que pierde la carrera se cancela.
 *
 * Las consultas van al servidor de práctica (practica_url(), variable CURSO_SERVIDOR),
 * salvo «rechazada», que apunta a un puerto local enlazado pero sin escuchar.
 * Las dos consultas a /json analizan además el cuerpo: una respuesta 200 con JSON roto
 * también es un fallo, con su línea y columna.
 * Los sucesos se registran en stderr con la bitácora; el resumen va a stdout.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bitacora.h"
#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/reloj.h"

typedef struct programa_s programa_t;

typedef struct {
    const char *nombre;
    const char *ruta;           /* ruta en el servidor de práctica; NULL = puerto cerrado */
    uint64_t limite_ms;         /* opción del cliente HTTP (0 = sin límite) */
    uint64_t esperar_ms;        /* carrera con un temporizador propio (0 = sin carrera) */
    int json;                   /* 1: el cuerpo debe ser JSON y se analiza */
    programa_t *programa;
    http_peticion_t *peticion;  /* válida hasta que termina la petición */
    uv_timer_t espera;
    int con_espera;             /* el temporizador está abierto */
    int vencida;                /* nuestro temporizador ganó la carrera */
    /* Resultado, copiado en la callback (la respuesta es prestada). */
    int error;
    long estado;
    double segundos;
    int json_roto;              /* llegó 200, pero el cuerpo no es JSON válido */
    char detalle[160];          /* lo leído del JSON, o por qué no se pudo leer */
} consulta_t;

struct programa_s {
    http_cliente_t *cliente;
    uv_tcp_t cerrado;           /* enlazado sin escuchar: quien conecta recibe ECONNREFUSED */
    int pendientes;
};

static void cerrar_espera(consulta_t *c)
{
    if (c->con_espera) {
        c->con_espera = 0;
        uv_timer_stop(&c->espera);
        uv_close((uv_handle_t *)&c->espera, NULL);
    }
}

/* Analizar el cuerpo: solo vive dentro de la callback de fin, así que se
 * analiza aquí y se copia lo que interesa. Del documento de /json, el título y las
 * diapositivas; cualquier otra forma es un error con su explicación. */
static void leer_json(consulta_t *c, const http_respuesta_t *r)
{
    char error[128];
    const char *titulo;
    json_t *diapositivas;
    json_t *doc = http_respuesta_json(r, error, sizeof error);

    if (doc == NULL) {
        c->json_roto = 1;
        snprintf(c->detalle, sizeof c->detalle, "%s", error);
    } else if (json_unpack(doc, "{s:{s:s, s:o}}", "slideshow", "title", &titulo, "slides",
                           &diapositivas) < 0 || !json_is_array(diapositivas)) {
        c->json_roto = 1;
        snprintf(c->detalle, sizeof c->detalle, "el JSON no tiene slideshow.title y slides");
    } else {
        snprintf(c->detalle, sizeof c->detalle, "«%s», %zu diapositivas", titulo,
                 json_array_size(diapositivas));
    }
    json_decref(doc); /* titulo y diapositivas eran prestados: ya copiados */
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    consulta_t *c = usuario;
    programa_t *prog = c->programa;
    (void)p;

    c->peticion = NULL;
    c->error = r->error;
    c->estado = r->estado;
    c->segundos = r->segundos;
    cerrar_espera(c); /* si la petición ganó, el temporizador es el perdedor */
    if (r->error == 0 && c->json)
        leer_json(c, r);

    if (r->error == 0)
        bitacora_info("%s: %ld (%.2f s)", c->nombre, r->estado, r->segundos);
    else
        bitacora_aviso("%s: %s", c->nombre, r->mensaje);

    prog->pendientes--;
    if (prog->pendientes == 0) {
        /* Todas terminaron: se cierran el cliente y el socket del puerto cerrado. */
        http_cliente_cerrar(prog->cliente, NULL, NULL);
        uv_close((uv_handle_t *)&prog->cerrado, NULL);
    }
}

/* El temporizador ganó la carrera: se cancela la petición. Su callback llegará después,
 * desde el bucle, con HTTP_E_CANCELADA. */
static void al_vencer_espera(uv_timer_t *t)
{
    consulta_t *c = t->data;
    c->vencida = 1;
    bitacora_aviso("%s: %.1f s sin respuesta, cancelo la petición", c->nombre,
                   c->esperar_ms / 1000.0);
    http_cancelar(c->peticion);
    cerrar_espera(c);
}

static int lanzar(programa_t *prog, consulta_t *c, uv_loop_t *bucle, int puerto_cerrado)
{
    char url[256];
    http_opciones_t op = {0};
    int r;

    if (c->ruta != NULL)
        snprintf(url, sizeof url, "%s%s", practica_url(), c->ruta);
    else
        snprintf(url, sizeof url, "http://127.0.0.1:%d/", puerto_cerrado);
    op.tiempo_limite_ms = c->limite_ms;
    op.error_si_estado = 1; /* un 500 es un error, como raise_for_status() */
    c->programa = prog;

    r = http_pedir(prog->cliente, url, &op, al_terminar, c, &c->peticion);
    if (r < 0)
        return r; /* no arrancó: no habrá callback */
    prog->pendientes++;
    if (c->esperar_ms > 0) {
        /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
        uv_timer_init(bucle, &c->espera);
        c->espera.data = c;
        c->con_espera = 1;
        uv_timer_start(&c->espera, al_vencer_espera, c->esperar_ms, 0);
    }
    return 0;
}

/* Enlaza `tcp` a 127.0.0.1 en un puerto efímero y devuelve ese puerto (o un error). */
static int enlazar_sin_escuchar(uv_loop_t *bucle, uv_tcp_t *tcp)
{
    struct sockaddr_in dir;
    struct sockaddr_storage real;
    int largo = sizeof real;
    int r;

    uv_ip4_addr("127.0.0.1", 0, &dir);
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_tcp_init(bucle, tcp);
    r = uv_tcp_bind(tcp, (const struct sockaddr *)&dir, 0);
    if (r == 0)
        r = uv_tcp_getsockname(tcp, (struct sockaddr *)&real, &largo);
    if (r == 0)
        r = ntohs(((struct sockaddr_in *)&real)->sin_port);
    return r;
}

static void imprimir_resumen(const consulta_t *cs, size_t n, double total)
{
    size_t i;
    int correctas = 0;

    printf("%-11s %-8s %s\n", "consulta", "estado", "detalle");
    for (i = 0; i < n; i++) {
        const consulta_t *c = &cs[i];
        if (c->error == 0 && c->json_roto) {
            printf("%-11s %-8s HTTP %ld, pero %s\n", c->nombre, "error", c->estado, c->detalle);
        } else if (c->error == 0) {
            correctas++;
            printf("%-11s %-8s HTTP %ld%s%s\n", c->nombre, "ok", c->estado,
                   c->json ? ": " : "", c->detalle);
        } else if (c->vencida) {
            printf("%-11s %-8s cancelada por esperar %.1f s (%s)\n", c->nombre, "plazo",
                   c->esperar_ms / 1000.0, http_error_nombre(c->error));
        } else if (c->error == HTTP_E_ESTADO) {
            printf("%-11s %-8s %s: HTTP %ld\n", c->nombre, "error", http_error_nombre(c->error),
                   c->estado);
        } else {
            printf("%-11s %-8s %s: %s\n", c->nombre, "error", http_error_nombre(c->error),
                   http_error_texto(c->error));
        }
    }
    printf("Correctas: %d de %zu. Tiempo total: %.2f s\n", correctas, n, total);
}

int main(void)
{
    uv_loop_t bucle;
    programa_t prog = {0};
    consulta_t consultas[] = {
        {.nombre = "json", .ruta = "/json", .limite_ms = 3000, .json = 1},
        {.nombre = "json-roto", .ruta = "/json-invalido", .limite_ms = 3000, .json = 1},
        {.nombre = "retraso-5", .ruta = "/delay/5", .limite_ms = 1000},
        {.nombre = "retraso-3", .ruta = "/delay/3", .esperar_ms = 1500},
        {.nombre = "rechazada", .ruta = NULL, .limite_ms = 3000},
        {.nombre = "estado-500", .ruta = "/status/500", .limite_ms = 3000},
    };
    const size_t n = sizeof consultas / sizeof consultas[0];
    uint64_t inicio = reloj_ms();
    size_t i;
    int puerto_cerrado, r;

    if (uv_loop_init(&bucle) < 0)
        return 1;
    puerto_cerrado = enlazar_sin_escuchar(&bucle, &prog.cerrado);
    r = puerto_cerrado < 0 ? puerto_cerrado : http_cliente_nuevo(&bucle, 0, &prog.cliente);
    if (r < 0) {
        fprintf(stderr, "no pude preparar el ejemplo: %s\n", error_texto(r));
        uv_close((uv_handle_t *)&prog.cerrado, NULL);
        bucle_terminar(&bucle);
        return 1;
    }

    for (i = 0; i < n; i++) {
        r = lanzar(&prog, &consultas[i], &bucle, puerto_cerrado);
        if (r < 0) {
            consultas[i].error = r;
            bitacora_error("%s: no arrancó: %s", consultas[i].nombre, http_error_texto(r));
        }
    }
    if (prog.pendientes == 0) {
        http_cliente_cerrar(prog.cliente, NULL, NULL);
        uv_close((uv_handle_t *)&prog.cerrado, NULL);
    }

    r = bucle_terminar(&bucle);
    imprimir_resumen(consultas, n, reloj_desde(inicio));
    return r == 0 ? 0 : 1;
}
