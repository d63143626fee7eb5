/* ejercicio.c — curl multi sobre libuv (práctica 3 de la lección 8).
 *
 *   multi N    N peticiones GET /delay/1 a la vez con la interfaz multi de libcurl, conducida
 *              por el bucle de libuv (sección 1.1 de la lección).
 *
 * Tal como está, nadie atiende lo que curl pide: no se vigila ningún socket ni se programa
 * ningún temporizador, y no se transfiere nada. Tu trabajo: las callbacks del acuerdo entre
 * curl y libuv (ver README.md).
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

/* TODO: al_cerrar_poll, que libera el socket_t (CONTENEDOR_DE), y al_poder_usar_socket, la
 * callback del uv_poll: traduce los eventos a CURL_CSELECT_*, llama a
 * curl_multi_socket_action y después a revisar_terminadas. */

/* Deja de vigilar un socket: fuera de la lista y a cerrar; se libera al cerrarse. */
static void dejar_de_vigilar(mini_t *m, socket_t *s)
{
    desapuntar(m, s);
    /* TODO: cerrar su uv_poll (y liberarlo en la callback de cierre). */
}

/* CURLMOPT_SOCKETFUNCTION: qué hacer con el socket `fd`. `propio` es lo que guardamos con
 * curl_multi_assign (NULL la primera vez que curl nos habla de ese socket). */
static int al_pedir_socket(CURL *easy, curl_socket_t fd, int que, void *usuario, void *propio)
{
    /* TODO: con CURL_POLL_REMOVE, dejar de vigilarlo; si es nuevo, un socket_t con su uv_poll
     * (uv_poll_init_socket), apuntado y asignado con curl_multi_assign; y en los dos casos,
     * uv_poll_start con los eventos que pide (CURL_POLL_IN/OUT → UV_READABLE/UV_WRITABLE). */
    (void)easy;
    (void)fd;
    (void)que;
    (void)usuario;
    (void)propio;
    (void)apuntar;
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: «despiértame dentro de ms milisegundos» (-1: ya no hace falta). */
static int al_pedir_temporizador(CURLM *multi, long ms, void *usuario)
{
    /* TODO: programar (o parar) el temporizador; cuando venza, curl_multi_socket_action con
     * CURL_SOCKET_TIMEOUT y después revisar_terminadas. */
    (void)multi;
    (void)ms;
    (void)usuario;
    (void)revisar_terminadas;
    return 0;
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
