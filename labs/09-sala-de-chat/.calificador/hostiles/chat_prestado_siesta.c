/* chat_prestado_siesta.c — trampa del 09 (de un adversario de la sesión 36, 100/100 entonces):
 * libuv escucha, acepta y recibe las señales en el hilo del bucle; cada conexión aceptada se
 * duplica (dup), su handle se cierra y el descriptor pasa a un trabajo de uv_queue_work. Ese
 * hilo del grupo lleva la sala entera: read()/write() no bloqueantes sobre todos los
 * descriptores y, si una vuelta no trae nada, nanosleep de 2 ms. Nunca llama a poll, select ni
 * epoll (a diferencia de chat_grupo.c, que la traza delata). Lo delatan las cuentas de la
 * precarga vivos (lib/vivos.c, .trafico): los clientes reciben bytes que nadie pidió a
 * uv_write. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"
#include "curso/senales.h"
#include "protocolo.h"

#define PUERTO_POR_OMISION 9999
#define LIMITE_COLA        (1024 * 1024)
#define TEXTO_PREGUNTA     "* ¿Cómo te llamas?\n"
#define TEXTO_APAGADO      "* El servidor se va a cerrar. ¡Hasta pronto!\n"

/* Los nombres requeridos, «usados». */
void *const requeridos_09[] = {(void *)uv_read_start, (void *)uv_write, (void *)uv_run};

#include <stdatomic.h>
#include <time.h>

/* --- La sala ------------------------------------------------------------------------------ */
typedef enum { ESPERANDO_NOMBRE, EN_SALA, CERRANDO } estado_t;
typedef enum { SALE_QUIT, SALE_CORTE, SALE_LENTO, SALE_APAGADO } motivo_t;

typedef struct cliente_s cliente_t;
struct cliente_s {
    int fd;
    estado_t estado;
    char nombre[PROTO_MAX_NOMBRE + 1];
    lector_t lector;
    cliente_t *ant, *sig; /* lista de la sala, o la de los que se despiden */
    char *sal;            /* cola de salida */
    size_t ini, fin, cap;
    int despedida; /* cerrar cuando se vacíe la cola */
    int lento;     /* apuntado para expulsar */
    int muerto;
    int mascara;
    cliente_t *sig_muerto;
};

typedef struct {
    cliente_t *primero, *ultimo;
} lista_t;

static struct {
    uv_loop_t bucle, prestado;
    uv_tcp_t servidor;
    senales_t senales;
    uv_timer_t plazo;
    int plazo_iniciado;
    int ep;
    uv_mutex_t cerrojo;
    int nuevos[4096];
    int nnuevos;
    atomic_int parar;
    uint64_t plazo_ns; /* 0: sin plazo */
    uv_work_t trabajo;
    lista_t sala;     /* conectados, en orden de entrada */
    lista_t saliendo; /* despidiéndose: su cola aún sale */
    size_t en_sala;
    int abiertos;
    int apagando;
    cliente_t *muertos;
    char lectura[64 * 1024];
} S;

static void lista_quitar(lista_t *l, cliente_t *c)
{
    if (c->ant)
        c->ant->sig = c->sig;
    else
        l->primero = c->sig;
    if (c->sig)
        c->sig->ant = c->ant;
    else
        l->ultimo = c->ant;
    c->ant = c->sig = NULL;
}

static void lista_anadir(lista_t *l, cliente_t *c)
{
    c->sig = NULL;
    c->ant = l->ultimo;
    if (l->ultimo)
        l->ultimo->sig = c;
    else
        l->primero = c;
    l->ultimo = c;
}

static void vigilar(cliente_t *c)
{
    int m = 0;
    if (c->estado != CERRANDO)
        m |= EPOLLIN;
    if (c->fin > c->ini)
        m |= EPOLLOUT;
    c->mascara = m;
}

static void destruir(cliente_t *c)
{
    if (c->muerto)
        return;
    c->muerto = 1;
    close(c->fd);
    c->fd = -1;
    lector_liberar(&c->lector);
    free(c->sal);
    c->sal = NULL;
    c->sig_muerto = S.muertos;
    S.muertos = c;
    S.abiertos--;
}

//@ preludio sala_cruda

/* --- libuv: escuchar, aceptar, señales ---------------------------------------------------- */
static void liberar_handle(uv_handle_t *h)
{
    free(h);
}

static void al_conectar(uv_stream_t *servidor, int estado)
{
    if (estado < 0)
        return;
    uv_tcp_t *t = malloc(sizeof *t);
    if (t == NULL)
        return;
    uv_tcp_init(&S.bucle, t);
    if (uv_accept(servidor, (uv_stream_t *)t) < 0) {
        uv_close((uv_handle_t *)t, liberar_handle);
        return;
    }
    uv_os_fd_t fd;
    uv_fileno((uv_handle_t *)t, &fd);
    int mio = dup(fd); /* la conexión es nuestra: el handle de libuv se cierra ya */
    uv_close((uv_handle_t *)t, liberar_handle);
    if (mio < 0)
        return;
    uv_mutex_lock(&S.cerrojo);
    if (S.nnuevos < 4096)
        S.nuevos[S.nnuevos++] = mio;
    else
        close(mio);
    uv_mutex_unlock(&S.cerrojo);
}

static void nuevo_cliente(int mio)
{
    cliente_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(mio);
        return;
    }
    c->fd = mio;
    c->estado = ESPERANDO_NOMBRE;
    lector_iniciar(&c->lector);
    lista_anadir(&S.sala, c);
    S.abiertos++;
    enviar_texto(c, TEXTO_PREGUNTA);
    procesar_lentos();
}

static void apagar_sala(void)
{
    S.apagando = 1;
    while (S.sala.primero != NULL)
        cliente_cerrar(S.sala.primero, SALE_APAGADO);
    S.plazo_ns = uv_hrtime() + 2000000000ull;
}

static void plazo_vencido(void)
{
    while (S.saliendo.primero != NULL) {
        cliente_t *c = S.saliendo.primero;
        lista_quitar(&S.saliendo, c);
        destruir(c);
    }
}

static void al_parar(senales_t *se, int signum, void *datos)
{
    (void)signum;
    (void)datos;
    uv_close((uv_handle_t *)&S.servidor, NULL);
    senales_cerrar(se);
    atomic_store(&S.parar, 1);
}

static void barrer_muertos(void);

/* La sala entera, en un hilo del grupo de libuv. */
static void sala_hilo(uv_work_t *w)
{
    (void)w;
    for (;;) {
        int actividad = 0;
        int tomados[4096], nt = 0;
        uv_mutex_lock(&S.cerrojo);
        for (int i = 0; i < S.nnuevos; i++)
            tomados[nt++] = S.nuevos[i];
        S.nnuevos = 0;
        uv_mutex_unlock(&S.cerrojo);
        for (int i = 0; i < nt; i++) {
            if (S.apagando)
                close(tomados[i]);
            else
                nuevo_cliente(tomados[i]);
            actividad = 1;
        }
        if (!S.apagando && atomic_load(&S.parar))
            apagar_sala();
        /* Cada cliente: lo pendiente sale, lo que llega se lee. */
        for (cliente_t *c = S.saliendo.primero, *sig; c != NULL; c = sig) {
            sig = c->sig;
            size_t antes = c->fin - c->ini;
            al_escribible(c);
            actividad |= c->muerto || (!c->muerto && c->fin - c->ini != antes);
        }
        for (cliente_t *c = S.sala.primero; c != NULL; c = c->sig)
            c->mascara = 1; /* apuntado para esta vuelta */
        for (int otra = 1; otra;) {
            otra = 0;
            for (cliente_t *c = S.sala.primero; c != NULL; c = c->sig) {
                if (!c->mascara)
                    continue;
                c->mascara = 0;
                if (c->fin > c->ini) {
                    size_t antes = c->fin - c->ini;
                    al_escribible(c);
                    if (c->muerto || c->estado == CERRANDO || c->fin - c->ini != antes)
                        actividad = 1;
                    if (c->muerto || c->estado == CERRANDO) {
                        otra = 1;
                        break;
                    }
                }
                char prueba;
                ssize_t n = recv(c->fd, &prueba, 1, MSG_PEEK | MSG_DONTWAIT);
                if (!(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) {
                    al_legible(c);
                    actividad = 1;
                    otra = 1; /* la lista pudo cambiar */
                    break;
                }
            }
        }
        barrer_muertos();
        if (S.apagando && S.plazo_ns != 0 && uv_hrtime() >= S.plazo_ns)
            plazo_vencido();
        barrer_muertos();
        if (S.apagando && S.abiertos == 0)
            break;
        if (!actividad) {
            struct timespec t = {0, 2000000};
            nanosleep(&t, NULL);
        }
    }
}

static void sala_fin(uv_work_t *w, int estado)
{
    (void)w;
    (void)estado;
}

static int leer_puerto(const char *texto, int *puerto)
{
    char *fin;
    long v = strtol(texto, &fin, 10);
    if (fin == texto || *fin != '\0' || v < 0 || v > 65535)
        return -1;
    *puerto = (int)v;
    return 0;
}

static int escuchar(int puerto)
{
    struct sockaddr_in dir;
    struct sockaddr_storage real;
    int largo = sizeof real, r;
    uv_ip4_addr("127.0.0.1", puerto, &dir);
    r = uv_tcp_init(&S.bucle, &S.servidor);
    if (r < 0)
        return r;
    r = uv_tcp_bind(&S.servidor, (const struct sockaddr *)&dir, 0);
    if (r == 0)
        r = uv_listen((uv_stream_t *)&S.servidor, 1024, al_conectar);
    if (r == 0)
        r = uv_tcp_getsockname(&S.servidor, (struct sockaddr *)&real, &largo);
    if (r < 0) {
        uv_close((uv_handle_t *)&S.servidor, NULL);
        return r;
    }
    printf("Escuchando en 127.0.0.1:%d\n", ntohs(((struct sockaddr_in *)&real)->sin_port));
    fflush(stdout);
    return 0;
}

static void barrer_muertos(void)
{
    while (S.muertos != NULL) {
        cliente_t *c = S.muertos;
        S.muertos = c->sig_muerto;
        free(c);
    }
}

int main(int argc, char **argv)
{
    int puerto = PUERTO_POR_OMISION, r;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--puerto") == 0 && i + 1 < argc &&
            leer_puerto(argv[i + 1], &puerto) == 0) {
            i++;
        } else {
            fprintf(stderr, "uso: %s [--puerto N]\n", argv[0]);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    if (uv_loop_init(&S.bucle) < 0)
        return 1;
    uv_mutex_init(&S.cerrojo);
    r = escuchar(puerto);
    if (r == 0) {
        r = senales_iniciar(&S.bucle, &S.senales, al_parar, NULL);
        if (r < 0)
            uv_close((uv_handle_t *)&S.servidor, NULL);
    }
    if (r < 0) {
        fprintf(stderr, "no se puede escuchar en 127.0.0.1:%d: %s\n", puerto, error_texto(r));
        uv_run(&S.bucle, UV_RUN_DEFAULT);
        uv_loop_close(&S.bucle);
        return 1;
    }
    uv_queue_work(&S.bucle, &S.trabajo, sala_hilo, sala_fin);
    uv_run(&S.bucle, UV_RUN_DEFAULT);
    barrer_muertos();
    uv_mutex_destroy(&S.cerrojo);
    r = uv_loop_close(&S.bucle);
    return r == 0 ? 0 : 1;
}
