/* errores.c — cómo informan del fallo libuv y el cliente HTTP del curso: códigos negativos,
 * uv_err_name() y uv_strerror() (en inglés) frente a error_texto() del curso (en español),
 * y la regla de oro: una operación que falla al llamarla NUNCA llama a su callback; una que
 * arranca bien la llama exactamente una vez, con el error si lo hubo.
 *
 * Solo con lo visto hasta aquí (el bucle, los temporizadores y el cliente HTTP) se provocan
 * cuatro fallos síncronos, devueltos por la propia llamada, y tres asíncronos, que llegan
 * en la callback. Al final se cuenta cuántas callbacks hubo: solo tres.
 */
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"

typedef struct {
    http_cliente_t *cliente;
    int pendientes; /* peticiones que arrancaron y aún no han llamado a su callback */
    int callbacks;  /* callbacks recibidas */
} programa_t;

/* Una petición que arrancará bien y fallará después. */
typedef struct {
    const char *que;   /* lo que se imprime en la tabla */
    const char *ruta;  /* en el servidor de práctica */
    long limite_ms;    /* 0: sin límite */
    int error;         /* lo que trajo la callback */
    programa_t *prog;
} intento_t;

/* Una línea de la tabla: qué se intentó, qué código salió y qué significa. El nombre y la
 * explicación en español los da el cliente HTTP, que conoce sus códigos (HTTP_E_…) y los de
 * libuv (para estos, los mismos que uv_err_name y error_texto). */
static void informar(const char *operacion, int codigo)
{
    if (codigo < 0)
        printf("  %-35s → %6d %-14s (%s)\n", operacion, codigo, http_error_nombre(codigo),
               http_error_texto(codigo));
    else
        printf("  %-35s → %6d (éxito)\n", operacion, codigo);
}

/* Callbacks de operaciones que fallan al llamarlas: no se llamarán jamás. */
static void vencimiento_imposible(uv_timer_t *t)
{
    (void)t;
    printf("¡vencimiento imposible!\n");
}

static void respuesta_imposible(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    (void)p;
    (void)r;
    (void)usuario;
    printf("¡respuesta imposible!\n");
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    intento_t *i = usuario;
    (void)p;
    i->prog->callbacks++;
    i->error = r->error; /* se guarda: las tres llegan en un orden que no controlamos */
    if (--i->prog->pendientes == 0)
        http_cliente_cerrar(i->prog->cliente, NULL, NULL);
}

static int fallos_sincronos(uv_loop_t *bucle, http_cliente_t *cliente)
{
    uv_loop_t otro;
    uv_timer_t t, suelto;
    int r;

    printf("Fallos síncronos (la llamada devuelve el error; no habrá callback):\n");
    /* Sin comprobar a propósito: en Unix no pueden fallar (lección 2, sección 3). */
    uv_timer_init(bucle, &t);
    informar("uv_timer_start(sin callback)", uv_timer_start(&t, NULL, 100, 0));
    informar("uv_timer_again(nunca arrancado)", uv_timer_again(&t));
    uv_close((uv_handle_t *)&t, NULL);

    informar("http_pedir(\"ftp://127.0.0.1/\")",
             http_pedir(cliente, "ftp://127.0.0.1/", NULL, respuesta_imposible, NULL, NULL));

    /* Un bucle con un handle abierto no se puede cerrar: EBUSY, y el bucle sigue válido. */
    r = uv_loop_init(&otro);
    if (r < 0)
        return r;
    uv_timer_init(&otro, &suelto);
    (void)uv_timer_start(&suelto, vencimiento_imposible, 60000, 0); /* tiene callback: no falla */
    r = uv_loop_close(&otro);
    informar("uv_loop_close(con un handle)", r);
    uv_close((uv_handle_t *)&suelto, NULL);
    if (bucle_terminar(&otro) != 0) /* la vuelta que entrega el cierre, y ahora sí: 0 */
        return UV_EBUSY;
    return r;
}

int main(void)
{
    uv_loop_t bucle;
    programa_t prog = {0};
    int codigo_ebusy, r;
    intento_t intentos[] = {
        {.que = "http_pedir(/cortar/100)", .ruta = "/cortar/100"},
        {.que = "http_pedir(/delay/2, 300 ms)", .ruta = "/delay/2", .limite_ms = 300},
        {.que = "http_pedir(/status/404, con estado)", .ruta = "/status/404"},
    };
    const size_t n = sizeof intentos / sizeof intentos[0];

    if (uv_loop_init(&bucle) < 0)
        return 1;
    r = http_cliente_nuevo(&bucle, 0, &prog.cliente);
    if (r < 0) {
        fprintf(stderr, "no pude crear el cliente HTTP: %s\n", error_texto(r));
        bucle_terminar(&bucle);
        return 1;
    }

    codigo_ebusy = fallos_sincronos(&bucle, prog.cliente);

    /* Cada petición arranca bien (devuelve 0) y su fallo llegará en la callback. */
    for (size_t k = 0; k < n; k++) {
        char url[256];
        http_opciones_t op = {0};
        op.tiempo_limite_ms = intentos[k].limite_ms;
        op.error_si_estado = 1; /* un estado >= 400 es un error */
        intentos[k].prog = &prog;
        snprintf(url, sizeof url, "%s%s", practica_url(), intentos[k].ruta);
        r = http_pedir(prog.cliente, url, &op, al_terminar, &intentos[k], NULL);
        if (r < 0)
            informar("http_pedir (al llamar)", r);
        else
            prog.pendientes++;
    }
    if (prog.pendientes == 0) /* ninguna arrancó: no llegará ninguna callback */
        http_cliente_cerrar(prog.cliente, NULL, NULL);

    r = bucle_terminar(&bucle);
    printf("Fallos asíncronos (la llamada devuelve 0; el error llega en la callback):\n");
    for (size_t k = 0; k < n; k++)
        informar(intentos[k].que, intentos[k].error);
    printf("Callbacks recibidas: %d (solo las de las operaciones que arrancaron)\n",
           prog.callbacks);
    printf("El mismo código, con las funciones de libuv y con la del curso:\n");
    printf("  uv_err_name → %s\n", uv_err_name(codigo_ebusy));
    printf("  uv_strerror → %s\n", uv_strerror(codigo_ebusy));
    printf("  error_texto → %s\n", error_texto(codigo_ebusy));
    return r == 0 ? 0 : 1;
}
