/* ejercicio.c — curl multi sobre libuv (práctica 3 de la lección 8): una respuesta.
 *
 *   multi N    N peticiones GET /delay/1 a la vez con la interfaz multi de libcurl, conducida
 *              por el bucle de libuv (sección 1.1 de la lección).
 *
 * curl no tiene bucle: dice qué sockets vigilar (CURLMOPT_SOCKETFUNCTION: un uv_poll por
 * socket) y cuándo despertarlo (CURLMOPT_TIMERFUNCTION: un único uv_timer). Cuando el poll o
 * el temporizador saltan, curl_multi_socket_action y, siempre después, revisar_terminadas.
 * Cada socket_t se libera en la callback de cierre de su uv_poll, nunca antes.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/practica.h"

#define MAX_PETICIONES 8

typedef struct mini_s mini_t;

/* Un socket que curl nos pide vigilar. */
typedef struct socket_s {
    uv_poll_t poll;
    curl_socket_t fd;
    mini_t *mini;
    struct socket_s *siguiente; /* lista de sockets vigilados */
} socket_t;

struct mini_s {
    uv_loop_t *bucle;
    CURLM *multi;
    uv_timer_t temporizador;
    socket_t *sockets;
    int en_curso, hechas;
};

static void revisar_terminadas(mini_t *m);

/* ---- Ya escrito: la lista de sockets vigilados (no lo cambies) ------------------------- */

static void apuntar(mini_t *m, socket_t *s)
{
    s->siguiente = m->sockets;
    m->sockets = s;
}

static void desapuntar(mini_t *m, socket_t *s)
{
    for (socket_t **p = &m->sockets; *p != NULL; p = &(*p)->siguiente) {
        if (*p == s) {
            *p = s->siguiente;
            return;
        }
    }
}

/* ---- Lo que curl pide: sockets que vigilar y un temporizador ------------------------- */

static void al_cerrar_poll(uv_handle_t *h)
{
    free(CONTENEDOR_DE(h, socket_t, poll));
}

/* Deja de vigilar un socket: fuera de la lista y a cerrar; se libera al cerrarse. */
static void dejar_de_vigilar(mini_t *m, socket_t *s)
{
    desapuntar(m, s);
    uv_close((uv_handle_t *)&s->poll, al_cerrar_poll);
}

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

/* CURLMOPT_SOCKETFUNCTION: qué hacer con el socket `fd`. `propio` es lo que guardamos con
 * curl_multi_assign (NULL la primera vez que curl nos habla de ese socket). */
static int al_pedir_socket(CURL *easy, curl_socket_t fd, int que, void *usuario, void *propio)
{
    mini_t *m = usuario;
    socket_t *s = propio;
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
            free(s); /* el handle no llegó a existir: no hay nada que cerrar */
            return -1;
        }
        s->fd = fd;
        s->mini = m;
        apuntar(m, s);
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
    return uv_timer_start(&m->temporizador, al_vencer, ms == 0 ? 1 : (uint64_t)ms, 0) < 0 ? -1 : 0;
}

/* ---- Ya escrito: las transferencias y el final (no lo cambies) ------------------------ */

static size_t al_recibir(char *datos, size_t tam, size_t n, void *usuario)
{
    (void)datos;
    (void)usuario;
    return tam * n; /* el cuerpo no se guarda */
}

static void terminar(mini_t *m)
{
    curl_multi_cleanup(m->multi); /* puede pedir quitar sockets (CURL_POLL_REMOVE)… */
    m->multi = NULL;
    while (m->sockets != NULL) /* …y los que queden se dejan de vigilar aquí */
        dejar_de_vigilar(m, m->sockets);
    uv_close((uv_handle_t *)&m->temporizador, NULL);
}

static void revisar_terminadas(mini_t *m)
{
    CURLMsg *msg;
    int quedan;

    if (m->multi == NULL)
        return;
    while ((msg = curl_multi_info_read(m->multi, &quedan)) != NULL) {
        CURL *easy = msg->easy_handle;
        CURLcode resultado = msg->data.result;
        long codigo = 0;

        if (msg->msg != CURLMSG_DONE)
            continue;
        /* Se lee todo ANTES de curl_multi_remove_handle, que invalida el mensaje. */
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &codigo);
        curl_multi_remove_handle(m->multi, easy);
        curl_easy_cleanup(easy);
        if (resultado != CURLE_OK)
            printf("falló: %s\n", curl_easy_strerror(resultado));
        else
            printf("HTTP %ld\n", codigo);
        m->hechas++;
        m->en_curso--;
    }
    if (m->en_curso == 0)
        terminar(m);
}

static void lanzar(mini_t *m, const char *base, int n)
{
    char url[256];

    snprintf(url, sizeof url, "%s/delay/1", base);
    for (int i = 0; i < n; i++) {
        CURL *easy = curl_easy_init();

        if (easy == NULL)
            continue;
        curl_easy_setopt(easy, CURLOPT_URL, url);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, al_recibir);
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L); /* nada de señales en un bucle */
        /* add_handle no transfiere nada: pide un temporizador de 0 ms y ahí empieza todo. */
        if (curl_multi_add_handle(m->multi, easy) != CURLM_OK) {
            curl_easy_cleanup(easy);
            continue;
        }
        m->en_curso++;
    }
    if (m->en_curso == 0) /* no arrancó ninguna: no habrá callbacks que cierren */
        terminar(m);
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
    mini_t m;
    long n;
    int r;

    if (argc != 2 || leer(argv[1], 1, MAX_PETICIONES, &n) < 0) {
        fprintf(stderr, "uso: %s N (de 1 a %d peticiones)\n", argv[0], MAX_PETICIONES);
        return 2;
    }
    /* El servidor de práctica, en un proceso aparte y un puerto libre. */
    r = practica_arrancar(&servidor, NULL);
    if (r < 0) {
        fprintf(stderr, "no puedo arrancar el servidor de práctica: %s\n", strerror(-r));
        return 1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || uv_loop_init(&bucle) < 0) {
        fprintf(stderr, "no puedo preparar curl o el bucle\n");
        practica_parar(&servidor);
        return 1;
    }
    memset(&m, 0, sizeof m);
    m.bucle = &bucle;
    uv_timer_init(&bucle, &m.temporizador); /* no falla: lección 2, §3 */
    m.multi = curl_multi_init();
    if (m.multi == NULL) {
        uv_close((uv_handle_t *)&m.temporizador, NULL);
    } else {
        curl_multi_setopt(m.multi, CURLMOPT_SOCKETFUNCTION, al_pedir_socket);
        curl_multi_setopt(m.multi, CURLMOPT_SOCKETDATA, &m);
        curl_multi_setopt(m.multi, CURLMOPT_TIMERFUNCTION, al_pedir_temporizador);
        curl_multi_setopt(m.multi, CURLMOPT_TIMERDATA, &m);
        lanzar(&m, servidor.url, (int)n);
    }
    r = bucle_terminar(&bucle);
    curl_global_cleanup();
    practica_parar(&servidor);
    printf("hechas: %d de %ld\n", m.hechas, n);
    printf("uv_loop_close: %s\n", r == 0 ? "0" : uv_err_name(r));
    return r == 0 && m.hechas == n ? 0 : 1;
}
