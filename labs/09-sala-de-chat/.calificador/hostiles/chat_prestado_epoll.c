/* chat_prestado_epoll.c — trampa del 09 (de un adversario de la sesión 36, 100/100 entonces):
 * libuv solo escucha, acepta y atiende señales; la sala entera corre en un bucle epoll propio en
 * el hilo principal. El descriptor epoll lo crea libuv (uv_loop_init de un segundo bucle que
 * nunca corre: su epoll_create1 sale de libuv.so, con su pila), y epoll_ctl/epoll_wait se llaman
 * por punteros sacados de la tabla dinámica de libc con dl_iterate_phdr (nm no los ve). Cada
 * conexión aceptada se duplica (dup), su handle se cierra y el descriptor se lee y escribe con
 * read()/write() directos. uv_read_start y uv_write solo se «usan» en una tabla de punteros.
 * Lo delatan las cuentas de la precarga vivos (lib/vivos.c, .trafico): los clientes reciben
 * bytes que nadie pidió a uv_write. */
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

/* --- epoll_ctl / epoll_wait sin nombrarlos ------------------------------------------------ */
typedef struct {
    const char *nombre;
    void *funcion;
} busqueda_t;

static int en_objeto(struct dl_phdr_info *info, size_t tam, void *dato)
{
    (void)tam;
    busqueda_t *b = dato;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libc.so") == NULL)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
            continue;
        const ElfW(Dyn) *d = (const void *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
        const ElfW(Sym) *sym = NULL;
        const char *str = NULL;
        for (; d->d_tag != DT_NULL; d++) {
            ElfW(Addr) v = d->d_un.d_ptr;
            if (v < info->dlpi_addr)
                v += info->dlpi_addr;
            if (d->d_tag == DT_SYMTAB)
                sym = (const void *)v;
            else if (d->d_tag == DT_STRTAB)
                str = (const void *)v;
        }
        if (sym == NULL || str == NULL || (const char *)sym >= str)
            return 0;
        for (const ElfW(Sym) *s = sym; (const char *)(s + 1) <= str; s++)
            if (s->st_value != 0 && ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
                strcmp(str + s->st_name, b->nombre) == 0) {
                b->funcion = (void *)(info->dlpi_addr + s->st_value);
                return 1;
            }
    }
    return 0;
}

static void *buscar(const char *nombre)
{
    busqueda_t b = {nombre, NULL};
    dl_iterate_phdr(en_objeto, &b);
    return b.funcion;
}

static int (*ep_ctl)(int, int, int, struct epoll_event *);
static int (*ep_wait)(int, struct epoll_event *, int, int);

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
    if (m == c->mascara)
        return;
    struct epoll_event ev = {.events = (uint32_t)m, .data.ptr = c};
    ep_ctl(S.ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->mascara = m;
}

static void destruir(cliente_t *c)
{
    if (c->muerto)
        return;
    c->muerto = 1;
    ep_ctl(S.ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    lector_liberar(&c->lector);
    free(c->sal);
    c->sal = NULL;
    c->sig_muerto = S.muertos;
    S.muertos = c;
    S.abiertos--;
    if (S.apagando && S.abiertos == 0 && S.plazo_iniciado &&
        !uv_is_closing((uv_handle_t *)&S.plazo))
        uv_close((uv_handle_t *)&S.plazo, NULL);
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
    cliente_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(mio);
        return;
    }
    c->fd = mio;
    c->estado = ESPERANDO_NOMBRE;
    lector_iniciar(&c->lector);
    c->mascara = EPOLLIN;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    ep_ctl(S.ep, EPOLL_CTL_ADD, mio, &ev);
    lista_anadir(&S.sala, c);
    S.abiertos++;
    enviar_texto(c, TEXTO_PREGUNTA);
    procesar_lentos();
}

static void al_plazo(uv_timer_t *t)
{
    (void)t;
    while (S.saliendo.primero != NULL) {
        cliente_t *c = S.saliendo.primero;
        lista_quitar(&S.saliendo, c);
        destruir(c);
    }
    if (!uv_is_closing((uv_handle_t *)&S.plazo))
        uv_close((uv_handle_t *)&S.plazo, NULL);
}

static void al_parar(senales_t *se, int signum, void *datos)
{
    (void)signum;
    (void)datos;
    S.apagando = 1;
    uv_close((uv_handle_t *)&S.servidor, NULL);
    senales_cerrar(se);
    while (S.sala.primero != NULL)
        cliente_cerrar(S.sala.primero, SALE_APAGADO);
    if (S.abiertos > 0 && uv_timer_init(&S.bucle, &S.plazo) == 0) {
        S.plazo_iniciado = 1;
        uv_timer_start(&S.plazo, al_plazo, 2000, 0);
    }
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
    ep_ctl = buscar("epoll_ctl");
    ep_wait = buscar("epoll_wait");
    if (ep_ctl == NULL || ep_wait == NULL)
        return 1;
    if (uv_loop_init(&S.bucle) < 0 || uv_loop_init(&S.prestado) < 0)
        return 1;
    S.ep = uv_backend_fd(&S.prestado); /* el epoll lo crea libuv: su pila pasa por libuv.so */
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
        uv_loop_close(&S.prestado);
        return 1;
    }
    /* El bucle de libuv, dentro del nuestro: su epoll es un descriptor más. */
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    ep_ctl(S.ep, EPOLL_CTL_ADD, uv_backend_fd(&S.bucle), &ev);
    uv_run(&S.bucle, UV_RUN_NOWAIT); /* registra la escucha en su epoll */
    struct epoll_event evs[128];
    while (!(S.apagando && S.abiertos == 0)) {
        int espera = uv_backend_timeout(&S.bucle);
        int n = ep_wait(S.ep, evs, 128, espera);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; i++) {
            cliente_t *c = evs[i].data.ptr;
            if (c == NULL || c->muerto)
                continue;
            if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                al_escribible(c);
            if (!c->muerto && c->estado != CERRANDO &&
                (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
                al_legible(c);
        }
        uv_run(&S.bucle, UV_RUN_NOWAIT);
        barrer_muertos();
    }
    ep_ctl(S.ep, EPOLL_CTL_DEL, uv_backend_fd(&S.bucle), NULL);
    if (S.plazo_iniciado && !uv_is_closing((uv_handle_t *)&S.plazo))
        uv_close((uv_handle_t *)&S.plazo, NULL);
    uv_run(&S.bucle, UV_RUN_DEFAULT);
    barrer_muertos();
    r = uv_loop_close(&S.bucle);
    uv_loop_close(&S.prestado);
    return r == 0 ? 0 : 1;
}
