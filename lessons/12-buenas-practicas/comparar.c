/* comparar.c — el mismo trabajo con un bucle, con hilos y con procesos, medido.
 *
 *   comparar es N [FORMA]    N esperas de E/S (peticiones a /delay/0.5 del servidor de práctica)
 *   comparar cpu N [FORMA]   N trozos de cálculo puro (0.1–0.3 s cada uno, según la máquina)
 *
 * FORMA (bucle, hilos o procesos) ejecuta solo esa: sirve para medir desde fuera.
 *
 * E/S: el bucle lanza las N peticiones con el cliente del curso; los hilos y los procesos
 * hacen cada uno una petición BLOQUEANTE con curl_easy_perform (lo que haría código
 * secuencial). Cálculo: el bucle lo hace dentro de una callback (bloqueándose), los hilos
 * con uv_queue_work y los procesos con fork. Un latido cada 50 ms cuenta cuántas veces pudo
 * respirar el bucle mientras tanto.
 *
 * Los procesos no se crean con fork desde el programa principal: cuando llega su turno, ese
 * proceso ya tiene hilos (los del grupo de libuv), y el hijo de fork en un proceso con hilos
 * solo puede llamar a funciones seguras para señales (nada de curl ni de malloc). Se hace lo
 * que Python 3.14 hace por omisión (el método forkserver): al empezar, con un solo hilo, se
 * crea un «servidor de procesos» que recibe pedidos por una tubería y hace fork por cada uno;
 * sus hijos salen de un proceso de un solo hilo y pueden llamar a lo que quieran.
 */
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"
#include "curso/reloj.h"

#define MAX_TAREAS 64
#define VUELTAS    60000000u

typedef struct {
    uv_loop_t bucle;
    uv_timer_t latido;
    int latidos;
    int pendientes;
    uint64_t resultados[MAX_TAREAS];
    uv_work_t trabajos[MAX_TAREAS];
    http_cliente_t *cliente;
    char url[256];
} banco_t;

/* --- El trabajo --------------------------------------------------------------------- */

static uint64_t calcular(uint64_t semilla)
{
    uint64_t x = semilla;
    for (uint32_t i = 0; i < VUELTAS; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}

static size_t descartar(char *datos, size_t tam, size_t n, void *usuario)
{
    (void)datos;
    (void)usuario;
    return tam * n;
}

/* Una petición bloqueante: el hilo (o el proceso) se queda dormido hasta la respuesta. */
static int pedir_bloqueante(const char *url)
{
    long estado = 0;
    CURL *e = curl_easy_init();
    if (e == NULL)
        return -1;
    curl_easy_setopt(e, CURLOPT_URL, url);
    /* En un hilo, siempre: sin esto curl usa SIGALRM para cortar la resolución de nombres
     * con el resolvedor síncrono, y una señal no sabe a qué hilo va. */
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, descartar);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
    CURLcode r = curl_easy_perform(e);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &estado);
    curl_easy_cleanup(e);
    return r == CURLE_OK && estado == 200 ? 0 : -1;
}

static void al_latir(uv_timer_t *t)
{
    banco_t *b = t->data;
    b->latidos++;
}

/* Ejecuta el bucle con el latido activo hasta que no quede nada pendiente. */
static void ejecutar_con_latido(banco_t *b)
{
    b->latidos = 0;
    uv_timer_start(&b->latido, al_latir, 50, 50);
    uv_run(&b->bucle, UV_RUN_DEFAULT);
}

static void parar_latido_si_acabo(banco_t *b)
{
    if (b->pendientes == 0)
        uv_timer_stop(&b->latido);
}

/* --- 1. El bucle ----------------------------------------------------------------------- */

static void al_responder(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    banco_t *b = usuario;
    (void)p;
    if (r->error != 0 || r->estado != 200)
        fprintf(stderr, "petición fallida: %s\n", r->mensaje != NULL ? r->mensaje : "");
    b->pendientes--;
    parar_latido_si_acabo(b);
}

static void al_empezar_calculo(uv_timer_t *t)
{
    banco_t *b = t->data;
    /* Todo el cálculo en una callback: mientras tanto el bucle no atiende a nadie. */
    for (int i = 0; i < b->pendientes; i++)
        b->resultados[i] = calcular((uint64_t)i);
    b->pendientes = 0;
    parar_latido_si_acabo(b);
    uv_close((uv_handle_t *)t, NULL);
}

static void con_bucle(banco_t *b, int es, int n)
{
    uv_timer_t arranque;
    b->pendientes = n;
    if (es) {
        for (int i = 0; i < n; i++)
            if (http_pedir(b->cliente, b->url, NULL, al_responder, b, NULL) < 0)
                b->pendientes--;
    } else {
        uv_timer_init(&b->bucle, &arranque);
        arranque.data = b;
        uv_timer_start(&arranque, al_empezar_calculo, 1, 0);
    }
    ejecutar_con_latido(b);
}

/* --- 2. Hilos -------------------------------------------------------------------------- */

static void trabajar_es(uv_work_t *w)
{
    banco_t *b = w->data;
    pedir_bloqueante(b->url);
}

static void trabajar_cpu(uv_work_t *w)
{
    banco_t *b = w->data;
    size_t i = (size_t)(w - b->trabajos);
    b->resultados[i] = calcular((uint64_t)i);
}

static void al_acabar_trabajo(uv_work_t *w, int estado)
{
    banco_t *b = w->data;
    (void)estado;
    b->pendientes--;
    parar_latido_si_acabo(b);
}

static void con_hilos(banco_t *b, int es, int n)
{
    b->pendientes = n;
    for (int i = 0; i < n; i++) {
        b->trabajos[i].data = b;
        if (uv_queue_work(&b->bucle, &b->trabajos[i], es ? trabajar_es : trabajar_cpu,
                          al_acabar_trabajo) < 0)
            b->pendientes--;
    }
    ejecutar_con_latido(b);
}

/* --- 3. Procesos ----------------------------------------------------------------------- */

typedef struct {
    int i;
    int es;
    char url[256];
} pedido_t;

typedef struct {
    int i;
    uint64_t x;
} hecho_t; /* 16 bytes: menos que PIPE_BUF, así que cada write llega entero, sin mezclarse */

typedef struct {
    pid_t pid;
    int pedidos;    /* escribimos aquí los pedidos */
    int resultados; /* y leemos aquí los resultados */
} fabrica_t;

static fabrica_t fabrica = {-1, -1, -1};

/* El servidor de procesos: un solo hilo, sin bucle ni curl iniciados. Por cada pedido, un
 * hijo que hace su parte, escribe su resultado y termina. Al cerrarse la tubería de
 * pedidos, espera a sus hijos y sale. */
static void servir_procesos(int pedidos, int resultados)
{
    pedido_t p;
    /* Como el «preload» de forkserver: lo caro y común se hace una vez aquí (curl_global_init
     * no crea hilos) y cada hijo lo hereda ya hecho, en vez de pagarlo al arrancar. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    while (read(pedidos, &p, sizeof p) == (ssize_t)sizeof p) {
        if (fork() == 0) {
            hecho_t h = {p.i, 0};
            h.x = p.es ? (uint64_t)pedir_bloqueante(p.url) : calcular((uint64_t)p.i);
            _exit(write(resultados, &h, sizeof h) == (ssize_t)sizeof h ? 0 : 1);
        }
        while (waitpid(-1, NULL, WNOHANG) > 0) /* recoge a los que ya acabaron */
            ;
    }
    while (wait(NULL) > 0)
        ;
    curl_global_cleanup();
    _exit(0);
}

/* Se llama al empezar main, antes de crear el bucle: el programa aún tiene un solo hilo. */
static int fabrica_crear(void)
{
    int pedidos[2], resultados[2];
    if (pipe(pedidos) < 0)
        return -1;
    if (pipe(resultados) < 0) {
        close(pedidos[0]);
        close(pedidos[1]);
        return -1;
    }
    fflush(stdout);
    fabrica.pid = fork();
    if (fabrica.pid == 0) {
        close(pedidos[1]);
        close(resultados[0]);
        servir_procesos(pedidos[0], resultados[1]);
    }
    close(pedidos[0]);
    close(resultados[1]);
    if (fabrica.pid < 0) {
        close(pedidos[1]);
        close(resultados[0]);
        return -1;
    }
    fabrica.pedidos = pedidos[1];
    fabrica.resultados = resultados[0];
    return 0;
}

static void fabrica_cerrar(void)
{
    if (fabrica.pid <= 0)
        return;
    close(fabrica.pedidos); /* EOF: el servidor espera a sus hijos y sale */
    close(fabrica.resultados);
    waitpid(fabrica.pid, NULL, 0);
}

static void con_procesos(banco_t *b, int es, int n)
{
    int enviados = 0;
    for (int i = 0; i < n; i++) {
        pedido_t p = {.i = i, .es = es};
        snprintf(p.url, sizeof p.url, "%s", b->url);
        if (write(fabrica.pedidos, &p, sizeof p) == (ssize_t)sizeof p)
            enviados++;
    }
    /* El padre espera (bloqueado: aquí no hay bucle que atender). */
    for (int k = 0; k < enviados; k++) {
        hecho_t h;
        if (read(fabrica.resultados, &h, sizeof h) != (ssize_t)sizeof h)
            break;
        if (h.i >= 0 && h.i < n)
            b->resultados[h.i] = h.x;
    }
    b->latidos = 0;
}

/* --- Principal --------------------------------------------------------------------- */

static uint64_t huella(const banco_t *b, int n)
{
    uint64_t h = 0;
    for (int i = 0; i < n; i++)
        h ^= b->resultados[i];
    return h;
}

int main(int argc, char **argv)
{
    static banco_t b;
    int es, n, r;
    const char *nombres[3] = {"bucle", "hilos", "procesos"};
    int solo = -1;
    if (argc == 4)
        for (int f = 0; f < 3; f++)
            if (strcmp(argv[3], nombres[f]) == 0)
                solo = f;
    if (argc < 3 || argc > 4 || (argc == 4 && solo < 0) ||
        (strcmp(argv[1], "es") != 0 && strcmp(argv[1], "cpu") != 0) ||
        (n = (int)strtol(argv[2], NULL, 10)) < 1 || n > MAX_TAREAS) {
        fprintf(stderr, "uso: comparar es|cpu N [bucle|hilos|procesos]   (1 ≤ N ≤ %d)\n",
                MAX_TAREAS);
        return 2;
    }
    es = strcmp(argv[1], "es") == 0;
    if (fabrica_crear() < 0) { /* antes que nada: aún hay un solo hilo */
        fprintf(stderr, "no pude crear el servidor de procesos\n");
        return 1;
    }
    r = uv_loop_init(&b.bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(b.url, sizeof b.url, "%s/delay/0.5", practica_url());
    r = http_cliente_nuevo(&b.bucle, 0, &b.cliente);
    if (r < 0) {
        fprintf(stderr, "cliente HTTP: %s\n", http_error_texto(r));
        return 1;
    }
    uv_timer_init(&b.bucle, &b.latido);
    b.latido.data = &b;

    void (*formas[3])(banco_t *, int, int) = {con_bucle, con_hilos, con_procesos};
    uint64_t huellas[3];
    printf("%s, %d tareas\n", es ? "E/S: peticiones a /delay/0.5" : "cálculo", n);
    for (int f = 0; f < 3; f++) {
        if (solo >= 0 && f != solo)
            continue;
        memset(b.resultados, 0, sizeof b.resultados);
        uint64_t inicio = reloj_ms();
        formas[f](&b, es, n);
        double s = reloj_desde(inicio);
        huellas[f] = huella(&b, n);
        if (f == 2)
            printf("  %-9s %6.2f s   (el padre solo espera)\n", nombres[f], s);
        else
            printf("  %-9s %6.2f s   el bucle respiró: %s\n", nombres[f], s,
                   b.latidos > 0 ? "sí" : "no");
    }
    if (!es && solo < 0)
        printf("mismo resultado con las tres formas: %s\n",
               huellas[0] == huellas[1] && huellas[1] == huellas[2] ? "sí" : "no");

    http_cliente_cerrar(b.cliente, NULL, NULL);
    uv_close((uv_handle_t *)&b.latido, NULL);
    uv_run(&b.bucle, UV_RUN_DEFAULT);
    curl_global_cleanup();
    fabrica_cerrar();
    r = uv_loop_close(&b.bucle);
    return r == 0 ? 0 : 1;
}
