/* eco.c — las cuentas del tráfico de la precarga (prueba de vivos): un servidor de eco en
 * 127.0.0.1 (puerto efímero, anunciado en stdout) que devuelve cada trozo que lee.
 *   eco libuv   lee con uv_read_start y contesta con uv_write: las cuentas dicen lo leído y lo
 *               escrito (los mismos bytes);
 *   eco prueba  igual, pero contesta la mitad de cada trozo con uv_try_write y el resto con
 *               uv_write: la suma es la misma;
 *   eco crudo   lee con uv_read_start y contesta con write() sobre el descriptor: las cuentas
 *               dicen lo leído y 0 escritos;
 *   eco fs      igual, pero contesta con uv_fs_write sin callback sobre el descriptor (libuv
 *               llama a write, pero no es un stream): 0 escritos;
 *   eco vuelta  igual, pero llama a write() poniendo como dirección de vuelta un «ret» del
 *               código de libuv (como si la llamara libuv): 0 escritos;
 *   eco sondeo  además crea un uv_poll sobre un socket propio (sin arrancarlo): las cuentas
 *               dicen 1 uv_poll;
 *   eco reloj   además arranca un temporizador que se repite cada milisegundo: las cuentas
 *               dicen 1 temporizador rápido.
 * Termina con SIGTERM (un uv_signal_t), cerrándolo todo. */
#define _GNU_SOURCE
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

typedef struct {
    uv_write_t req;
    char datos[];
} escritura_t;

static const char *modo = "libuv";
static uv_tcp_t servidor;
static uv_signal_t terminar;
static uv_poll_t sondeo;
static uv_timer_t reloj;
static int con_sondeo;

static void cerrado(uv_handle_t *h)
{
    if (h != (uv_handle_t *)&servidor && h != (uv_handle_t *)&terminar &&
        h != (uv_handle_t *)&sondeo && h != (uv_handle_t *)&reloj)
        free(h);
}

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    buf->base = malloc(sugerido);
    buf->len = buf->base != NULL ? sugerido : 0;
}

static void escrito(uv_write_t *req, int estado)
{
    (void)estado;
    free(req);
}

static void escribir(uv_stream_t *c, const char *datos, size_t n)
{
    escritura_t *e = malloc(sizeof *e + n);
    if (e == NULL)
        return;
    memcpy(e->datos, datos, n);
    uv_buf_t b = uv_buf_init(e->datos, (unsigned int)n);
    if (uv_write(&e->req, c, &b, 1, escrito) < 0)
        free(e);
}

/* vuelta: salta a write con un «ret» de libuv como dirección de vuelta; ese ret vuelve aquí (en
 * x86-64; en otra arquitectura, write sin más: tampoco cuenta). */
#if defined(__x86_64__)
__asm__(".text\n"
        ".globl eco_vuelta\n"
        ".type eco_vuelta,@function\n"
        "eco_vuelta:\n"
        "    lea 1f(%rip), %rax\n"
        "    push %rax\n"
        "    push %r8\n"
        "    jmp *%rcx\n"
        "1:  ret\n");
ssize_t eco_vuelta(int fd, const void *buf, size_t n, void *funcion, void *vuelta);
#else
static ssize_t eco_vuelta(int fd, const void *buf, size_t n, void *funcion, void *vuelta)
{
    (void)funcion;
    (void)vuelta;
    return write(fd, buf, n);
}
#endif

static int un_ret_de_libuv(struct dl_phdr_info *info, size_t tam, void *dato)
{
    (void)tam;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libuv.so") == NULL)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_X) == 0)
            continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        for (size_t k = 0; k < ph->p_memsz; k++) {
            if (p[k] == 0xc3) {
                *(const void **)dato = p + k;
                return 1;
            }
        }
    }
    return 0;
}

static void responder_por_fuera(uv_stream_t *c, const char *datos, size_t n)
{
    uv_os_fd_t fd;
    if (uv_fileno((uv_handle_t *)c, &fd) != 0)
        return;
    if (strcmp(modo, "fs") == 0) {
        uv_fs_t req;
        uv_buf_t b = uv_buf_init((char *)datos, (unsigned int)n);
        uv_fs_write(c->loop, &req, fd, &b, 1, -1, NULL);
        uv_fs_req_cleanup(&req);
    } else if (strcmp(modo, "vuelta") == 0) {
        const void *ret = NULL;
        dl_iterate_phdr(un_ret_de_libuv, &ret);
        if (ret != NULL)
            eco_vuelta(fd, datos, n, (void *)write, (void *)ret);
    } else if (write(fd, datos, n) < 0)
        perror("write");
}

static void leido(uv_stream_t *c, ssize_t n, const uv_buf_t *buf)
{
    if (n > 0) {
        if (strcmp(modo, "crudo") == 0 || strcmp(modo, "fs") == 0 || strcmp(modo, "vuelta") == 0) {
            responder_por_fuera(c, buf->base, (size_t)n);
        } else if (strcmp(modo, "prueba") == 0) {
            uv_buf_t mitad = uv_buf_init(buf->base, (unsigned int)(n / 2));
            int w = uv_try_write(c, &mitad, 1);
            size_t hecho = w > 0 ? (size_t)w : 0;
            escribir(c, buf->base + hecho, (size_t)n - hecho);
        } else
            escribir(c, buf->base, (size_t)n);
    } else if (n < 0)
        uv_close((uv_handle_t *)c, cerrado);
    free(buf->base);
}

static void conexion(uv_stream_t *s, int estado)
{
    if (estado < 0)
        return;
    uv_tcp_t *c = malloc(sizeof *c);
    if (c == NULL)
        return;
    uv_tcp_init(s->loop, c);
    if (uv_accept(s, (uv_stream_t *)c) == 0)
        uv_read_start((uv_stream_t *)c, reservar, leido);
    else
        uv_close((uv_handle_t *)c, cerrado);
}

static void tic(uv_timer_t *t)
{
    (void)t;
}

static void cerrar_uno(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, cerrado);
}

static void al_terminar(uv_signal_t *s, int senal)
{
    (void)senal;
    uv_walk(s->loop, cerrar_uno, NULL);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        modo = argv[1];
    uv_loop_t *bucle = uv_default_loop();
    struct sockaddr_in dir;
    uv_ip4_addr("127.0.0.1", 0, &dir);
    uv_tcp_init(bucle, &servidor);
    if (uv_tcp_bind(&servidor, (const struct sockaddr *)&dir, 0) < 0 ||
        uv_listen((uv_stream_t *)&servidor, 8, conexion) < 0)
        return 1;
    struct sockaddr_storage propia;
    int largo = sizeof propia;
    uv_tcp_getsockname(&servidor, (struct sockaddr *)&propia, &largo);
    printf("%d\n", ntohs(((struct sockaddr_in *)&propia)->sin_port));
    fflush(stdout);
    uv_signal_init(bucle, &terminar);
    uv_signal_start(&terminar, al_terminar, SIGTERM);
    con_sondeo = strcmp(modo, "sondeo") == 0;
    if (con_sondeo && uv_poll_init_socket(bucle, &sondeo, socket(AF_INET, SOCK_STREAM, 0)) < 0)
        return 1;
    if (strcmp(modo, "reloj") == 0) {
        uv_timer_init(bucle, &reloj);
        uv_timer_start(&reloj, tic, 1, 1);
    }
    uv_run(bucle, UV_RUN_DEFAULT);
    return uv_loop_close(bucle) == 0 ? 0 : 1;
}
