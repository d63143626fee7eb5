/* mini_multi.c — el cliente HTTP del curso por dentro, en pequeño: la interfaz «multi» de
 * libcurl conducida por el bucle de libuv (sección 5, opcional).
 *
 *   mini_multi          (habla con el servidor de práctica: CURSO_SERVIDOR o :8080)
 *
 * libcurl sabe HTTP pero no tiene bucle; libuv tiene bucle pero no sabe HTTP. Se entienden
 * con dos callbacks:
 *   - CURLMOPT_SOCKETFUNCTION: curl dice «vigila este socket para leer/escribir» o «ya no
 *     lo vigiles»; aquí eso es un uv_poll por socket.
 *   - CURLMOPT_TIMERFUNCTION: curl dice «despiértame dentro de N ms»; aquí, un único
 *     uv_timer.
 * Cuando el poll o el temporizador saltan, se llama a curl_multi_socket_action y, SIEMPRE
 * después, se vacía curl_multi_info_read, donde llegan las transferencias terminadas.
 *
 * Dos rondas de tres GET /delay/0.5 a la vez: la segunda reutiliza las tres conexiones de la
 * primera (conexión persistente), y curl lo confirma con CURLINFO_NUM_CONNECTS = 0.
 *
 * Memoria: mini_t en la pila de main; cada socket_t se reserva al vigilar un socket nuevo y
 * se libera en la callback de cierre de su uv_poll; cada transferencia_t, con su easy.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/practica.h"
#include "curso/reloj.h"

#define POR_RONDA 3
#define RONDAS    2

typedef struct mini_s mini_t;

typedef struct socket_s {
    uv_poll_t poll;
    curl_socket_t fd;
    mini_t *mini;
    struct socket_s *siguiente; /* lista de sockets vigilados */
} socket_t;

typedef struct {
    mini_t *mini;
    CURL *easy;
    int ronda;
    uint64_t bytes;
    uint64_t inicio_ms;
} transferencia_t;

struct mini_s {
    uv_loop_t *bucle;
    CURLM *multi;
    uv_timer_t temporizador;
    socket_t *sockets;
    const char *base;
    int ronda, en_curso;
    int vigilados, max_vigilados;
    long conexiones_nuevas;
    int errores;
};

static void lanzar_ronda(mini_t *m);

/* ---------- Lo que curl pide: sockets que vigilar y un temporizador ---------------------- */

static void al_cerrar_poll(uv_handle_t *h)
{
    free(CONTENEDOR_DE(h, socket_t, poll));
}

static void dejar_de_vigilar(mini_t *m, socket_t *s)
{
    socket_t **p;
    for (p = &m->sockets; *p != NULL; p = &(*p)->siguiente) {
        if (*p == s) {
            *p = s->siguiente;
            break;
        }
    }
    m->vigilados--;
    uv_close((uv_handle_t *)&s->poll, al_cerrar_poll);
}

static void revisar_terminadas(mini_t *m);

static void al_poder_usar_socket(uv_poll_t *poll, int estado, int eventos)
{
    socket_t *s = CONTENEDOR_DE(poll, socket_t, poll);
    int indicadores = 0, corriendo;
    if (estado < 0)
        indicadores = CURL_CSELECT_ERR; /* curl mirará qué le pasó al socket */
    if (eventos & UV_READABLE)
        indicadores |= CURL_CSELECT_IN;
    if (eventos & UV_WRITABLE)
        indicadores |= CURL_CSELECT_OUT;
    curl_multi_socket_action(s->mini->multi, s->fd, indicadores, &corriendo);
    revisar_terminadas(s->mini);
}

/* CURLMOPT_SOCKETFUNCTION: qué hacer con el socket `fd`. */
static int al_pedir_socket(CURL *easy, curl_socket_t fd, int que, void *usuario, void *propio)
{
    mini_t *m = usuario;
    socket_t *s = propio; /* lo que guardamos con curl_multi_assign, o NULL la primera vez */
    int eventos = 0;
    (void)easy;

    if (que == CURL_POLL_REMOVE) {
        if (s != NULL) {
            curl_multi_assign(m->multi, fd, NULL);
            dejar_de_vigilar(m, s);
        }
        return 0;
    }
    if (s == NULL) {
        s = calloc(1, sizeof *s);
        if (s == NULL)
            return -1;
        if (uv_poll_init_socket(m->bucle, &s->poll, fd) < 0) {
            free(s);
            return -1;
        }
        s->fd = fd;
        s->mini = m;
        s->siguiente = m->sockets;
        m->sockets = s;
        if (++m->vigilados > m->max_vigilados)
            m->max_vigilados = m->vigilados;
        curl_multi_assign(m->multi, fd, s);
    }
    if (que & CURL_POLL_IN)
        eventos |= UV_READABLE;
    if (que & CURL_POLL_OUT)
        eventos |= UV_WRITABLE;
    return uv_poll_start(&s->poll, eventos, al_poder_usar_socket) < 0 ? -1 : 0;
}

static void al_vencer(uv_timer_t *t)
{
    mini_t *m = CONTENEDOR_DE(t, mini_t, temporizador);
    int corriendo;
    curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &corriendo);
    revisar_terminadas(m);
}

/* CURLMOPT_TIMERFUNCTION: solo se programa el temporizador. Llamar aquí a
 * curl_multi_socket_action sería una llamada recursiva que curl rechaza. */
static int al_pedir_temporizador(CURLM *multi, long ms, void *usuario)
{
    mini_t *m = usuario;
    (void)multi;
    if (ms < 0)
        return uv_timer_stop(&m->temporizador);
    /* 0 ms → 1 ms: en libuv 1.44 un temporizador a 0 puede repetirse en la misma vuelta. */
    return uv_timer_start(&m->temporizador, al_vencer, ms == 0 ? 1 : (uint64_t)ms, 0) < 0 ? -1
                                                                                          : 0;
}

/* ---------- Transferencias ----------------------------------------------------------------- */

static size_t al_recibir(char *datos, size_t tam, size_t n, void *usuario)
{
    transferencia_t *t = usuario;
    (void)datos;
    t->bytes += tam * n; /* el cuerpo no se guarda: solo se cuenta */
    return tam * n;
}

static void terminar(mini_t *m)
{
    socket_t *s;
    curl_multi_cleanup(m->multi); /* puede avisar de sockets a quitar (CURL_POLL_REMOVE)… */
    m->multi = NULL;
    for (s = m->sockets; s != NULL; s = m->sockets) /* …y lo que quede se cierra aquí */
        dejar_de_vigilar(m, s);
    uv_close((uv_handle_t *)&m->temporizador, NULL);
}

static void revisar_terminadas(mini_t *m)
{
    CURLMsg *msg;
    int quedan;
    for (msg = curl_multi_info_read(m->multi, &quedan); msg != NULL;
         msg = curl_multi_info_read(m->multi, &quedan)) {
        transferencia_t *t;
        long codigo = 0, nuevas = 0;
        CURLcode resultado = msg->data.result;
        if (msg->msg != CURLMSG_DONE)
            continue;
        /* Se lee todo ANTES de curl_multi_remove_handle, que invalida el mensaje. */
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &codigo);
        curl_easy_getinfo(t->easy, CURLINFO_NUM_CONNECTS, &nuevas);
        curl_multi_remove_handle(m->multi, t->easy);
        if (resultado != CURLE_OK) {
            printf("ronda %d: falló (código de libcurl %d)\n", t->ronda, (int)resultado);
            m->errores++;
        } else {
            printf("ronda %d: HTTP %ld en %.2f s, conexión %s\n", t->ronda, codigo,
                   reloj_desde(t->inicio_ms), nuevas > 0 ? "nueva" : "reutilizada");
        }
        m->conexiones_nuevas += nuevas;
        curl_easy_cleanup(t->easy);
        free(t);
        m->en_curso--;
    }
    if (m->en_curso == 0 && m->multi != NULL) {
        if (m->ronda < RONDAS)
            lanzar_ronda(m); /* fuera de las callbacks de curl: se puede añadir sin problema */
        else
            terminar(m);
    }
}

static void lanzar_ronda(mini_t *m)
{
    char url[512];
    int i;
    m->ronda++;
    snprintf(url, sizeof url, "%s/delay/0.5?mini=%d", m->base, m->ronda);
    for (i = 0; i < POR_RONDA; i++) {
        transferencia_t *t = calloc(1, sizeof *t);
        if (t != NULL)
            t->easy = curl_easy_init();
        if (t == NULL || t->easy == NULL) {
            free(t);
            m->errores++;
            continue;
        }
        t->mini = m;
        t->ronda = m->ronda;
        t->inicio_ms = reloj_ms();
        curl_easy_setopt(t->easy, CURLOPT_URL, url);
        curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, al_recibir);
        curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
        curl_easy_setopt(t->easy, CURLOPT_PRIVATE, (char *)t);
        curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L); /* nada de señales en un bucle */
        /* add_handle no transfiere nada: pide un temporizador de 0 ms y ahí empieza todo. */
        if (curl_multi_add_handle(m->multi, t->easy) != CURLM_OK) {
            curl_easy_cleanup(t->easy);
            free(t);
            m->errores++;
            continue;
        }
        m->en_curso++;
    }
    if (m->en_curso == 0) /* no arrancó ninguna: no habrá callbacks que cierren */
        terminar(m);
}

int main(void)
{
    uv_loop_t bucle;
    mini_t m;
    int r;

    memset(&m, 0, sizeof m);
    m.base = practica_url();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        curl_global_cleanup();
        return 1;
    }
    m.bucle = &bucle;
    /* Un temporizador sobre un bucle recién iniciado no puede fallar. */
    uv_timer_init(&bucle, &m.temporizador);
    m.multi = curl_multi_init();
    if (m.multi == NULL) {
        uv_close((uv_handle_t *)&m.temporizador, NULL);
    } else {
        curl_multi_setopt(m.multi, CURLMOPT_SOCKETFUNCTION, al_pedir_socket);
        curl_multi_setopt(m.multi, CURLMOPT_SOCKETDATA, &m);
        curl_multi_setopt(m.multi, CURLMOPT_TIMERFUNCTION, al_pedir_temporizador);
        curl_multi_setopt(m.multi, CURLMOPT_TIMERDATA, &m);
        lanzar_ronda(&m);
    }
    r = bucle_terminar(&bucle);
    curl_global_cleanup();
    printf("Sockets vigilados a la vez (máximo): %d\n", m.max_vigilados);
    printf("Conexiones abiertas en total: %ld para %d peticiones\n", m.conexiones_nuevas,
           POR_RONDA * RONDAS);
    return r == 0 && m.errores == 0 ? 0 : 1;
}
