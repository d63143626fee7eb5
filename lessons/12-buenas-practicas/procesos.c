/* procesos.c — procesos hijos con uv_spawn: tuberías para su entrada y su salida, su
 * estado de salida y las señales. El asyncio.create_subprocess_exec de C.
 *
 * Tres hijos, uno tras otro:
 *   1. sort, con LC_ALL=C: le escribimos cinco palabras por su entrada (un uv_pipe), le
 *      cerramos la entrada (uv_shutdown: así sabe que no hay más) y leemos su salida. Se
 *      acaba cuando han llegado las DOS cosas: el EOF de su salida y su callback de salida.
 *   2. un programa que no existe: uv_spawn falla en el acto con UV_ENOENT.
 *   3. sleep 10: a los 0.20 s le mandamos SIGTERM con uv_process_kill y su callback de
 *      salida lo cuenta.
 *
 * Memoria: todo en una struct estática; los handles se cierran en su momento y el bucle
 * termina cuando no queda ninguno. Los hijos no pasan por el grupo de hilos: libuv recoge
 * su final con SIGCHLD.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/reloj.h"

typedef struct {
    uv_loop_t *bucle;
    uv_process_t hijo;
    uv_pipe_t entrada, salida; /* su stdin (escribimos) y su stdout (leemos) */
    uv_write_t escritura;
    uv_shutdown_t cierre_entrada;
    uv_timer_t reloj;
    char leido[1024];
    size_t largo;
    int pendientes; /* cosas que faltan para dar por terminado el hijo actual */
    uint64_t inicio_ms;
} demo_t;

static demo_t d;
/* Su entorno: solo lo que necesita. LC_ALL=C hace que sort ordene por bytes. */
static char *entorno[] = {"LC_ALL=C", "PATH=/usr/bin:/bin", NULL};

static void lanzar_inexistente(void);
static void lanzar_sleep(void);

/* ---------- 1. sort ------------------------------------------------------------------------ */

static void terminar_sort(void)
{
    if (--d.pendientes > 0)
        return;
    printf("sort devolvió, ordenado por bytes:\n%s", d.leido);
    lanzar_inexistente();
}

static void al_salir_sort(uv_process_t *p, int64_t estado, int senal)
{
    printf("sort terminó con estado %lld%s\n", (long long)estado, senal != 0 ? " (señal)" : "");
    uv_close((uv_handle_t *)p, NULL);
    terminar_sort();
}

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(d.leido + d.largo, (unsigned)(sizeof d.leido - 1 - d.largo));
}

static void al_leer_salida(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    if (n > 0) {
        d.largo += (size_t)n;
        d.leido[d.largo] = '\0';
    }
    if (n < 0 || d.largo == sizeof d.leido - 1) { /* UV_EOF: sort cerró su salida */
        uv_close((uv_handle_t *)flujo, NULL);
        terminar_sort();
    }
}

static void al_cerrar_entrada(uv_shutdown_t *req, int estado)
{
    (void)estado;
    uv_close((uv_handle_t *)req->handle, NULL);
}

static void al_escribir(uv_write_t *req, int estado)
{
    if (estado < 0)
        fprintf(stderr, "al escribir a sort: %s\n", error_texto(estado));
    /* Sin más datos: sort solo ordena (y escribe) cuando su entrada llega al final. */
    if (uv_shutdown(&d.cierre_entrada, req->handle, al_cerrar_entrada) < 0)
        uv_close((uv_handle_t *)req->handle, NULL);
}

static int lanzar_sort(void)
{
    static char palabras[] = "pera\nmanzana\nÁrbol\nzanahoria\nbanana\n";
    char *args[] = {"sort", NULL};
    uv_stdio_container_t stdio[3];
    uv_process_options_t op;
    uv_buf_t buf = uv_buf_init(palabras, sizeof palabras - 1);
    int r;

    /* Los dos extremos nuestros de las tuberías; uv_spawn crea las tuberías. */
    uv_pipe_init(d.bucle, &d.entrada, 0);
    uv_pipe_init(d.bucle, &d.salida, 0);
    stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE; /* el hijo lee de aquí */
    stdio[0].data.stream = (uv_stream_t *)&d.entrada;
    stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE; /* el hijo escribe aquí */
    stdio[1].data.stream = (uv_stream_t *)&d.salida;
    stdio[2].flags = UV_INHERIT_FD; /* sus errores, a nuestro stderr */
    stdio[2].data.fd = 2;

    memset(&op, 0, sizeof op);
    op.file = "sort";
    op.args = args;
    op.env = entorno;
    op.stdio = stdio;
    op.stdio_count = 3;
    op.exit_cb = al_salir_sort;
    r = uv_spawn(d.bucle, &d.hijo, &op);
    if (r < 0) {
        uv_close((uv_handle_t *)&d.hijo, NULL); /* también si falla: el handle existe */
        uv_close((uv_handle_t *)&d.entrada, NULL);
        uv_close((uv_handle_t *)&d.salida, NULL);
        return r;
    }
    d.pendientes = 2; /* el EOF de su salida y su callback de salida, en cualquier orden */
    r = uv_write(&d.escritura, (uv_stream_t *)&d.entrada, &buf, 1, al_escribir);
    if (r < 0)
        uv_close((uv_handle_t *)&d.entrada, NULL);
    if (uv_read_start((uv_stream_t *)&d.salida, reservar, al_leer_salida) < 0) {
        uv_close((uv_handle_t *)&d.salida, NULL);
        d.pendientes--;
    }
    return 0;
}

/* ---------- 2. un programa que no existe ----------------------------------------------------- */

static uv_process_t fantasma;

static void lanzar_inexistente(void)
{
    char *args[] = {"no-existe-este-programa", NULL};
    uv_process_options_t op;
    int r;
    memset(&op, 0, sizeof op);
    op.file = args[0];
    op.args = args;
    op.env = entorno;
    op.exit_cb = NULL;
    r = uv_spawn(d.bucle, &fantasma, &op);
    printf("%s: %s\n", args[0], r < 0 ? error_texto(r) : "¿arrancó?");
    /* Falle o no, uv_spawn dejó el handle iniciado: hay que cerrarlo. (Por eso no se
     * reutiliza d.hijo, que aún puede estar cerrándose.) */
    uv_close((uv_handle_t *)&fantasma, NULL);
    lanzar_sleep();
}

/* ---------- 3. sleep y una señal --------------------------------------------------------------- */

static uv_process_t dormilon;

static void al_salir_sleep(uv_process_t *p, int64_t estado, int senal)
{
    printf("[%.2f s] sleep terminó: estado %lld, señal %d (%s)\n", reloj_desde(d.inicio_ms),
           (long long)estado, senal, senal == SIGTERM ? "SIGTERM" : "otra");
    uv_close((uv_handle_t *)p, NULL);
}

static void al_vencer(uv_timer_t *t)
{
    int r = uv_process_kill(&dormilon, SIGTERM);
    printf("[%.2f s] envío SIGTERM a sleep: %s\n", reloj_desde(d.inicio_ms), error_texto(r));
    uv_close((uv_handle_t *)t, NULL);
}

static void lanzar_sleep(void)
{
    char *args[] = {"sleep", "10", NULL};
    uv_process_options_t op;
    int r;
    memset(&op, 0, sizeof op);
    op.file = "sleep";
    op.args = args;
    op.env = entorno;
    op.exit_cb = al_salir_sleep; /* sin stdio: hereda nada, sus tres descriptores a /dev/null */
    d.inicio_ms = reloj_ms();
    r = uv_spawn(d.bucle, &dormilon, &op);
    if (r < 0) {
        printf("sleep: %s\n", error_texto(r));
        uv_close((uv_handle_t *)&dormilon, NULL);
        return;
    }
    printf("[%.2f s] sleep 10 arrancado\n", reloj_desde(d.inicio_ms));
    uv_timer_init(d.bucle, &d.reloj);
    uv_timer_start(&d.reloj, al_vencer, 200, 0);
}

int main(void)
{
    uv_loop_t bucle;
    int r;
    if (uv_loop_init(&bucle) < 0)
        return 1;
    d.bucle = &bucle;
    r = lanzar_sort();
    if (r < 0) {
        printf("sort: %s\n", error_texto(r));
        lanzar_inexistente();
    }
    r = bucle_terminar(&bucle);
    return r == 0 ? 0 : 1;
}
