/* test_caja.c — pruebas de la caja de arena de libcalificador: lanza la sonda (sonda.c)
 * como si fuera una entrega y comprueba que cada salida de la caja está cerrada y que lo
 * que un laboratorio necesita (hilos, su loopback) sigue abierto.
 *
 * Se ejecuta dos veces (autograder.mk): con CALIF_CAJA=bwrap y con CALIF_CAJA=limites.
 * CALIF_PROGRAMA apunta a la sonda.
 */
#include <criterion/criterion.h>

#include "calificador/calificador.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Lanza la sonda con `args` y devuelve su salida (prestada hasta cal_fin). */
static const char *sondear(const char *const *args)
{
    cal_lanzamiento_t l = {.args = args, .limite_s = 20};
    cal_proceso_t *p = NULL;
    int r = cal_lanzar(&l, &p);
    cr_assert_eq(r, 0, "cal_lanzar: %s", strerror(-r));
    cr_assert(cal_esperar_fin(p, 15000), "la sonda no terminó");
    cr_assert_eq(cal_codigo(p), 0, "la sonda salió con %d: %s", cal_codigo(p), cal_errores(p));
    return cal_salida(p);
}

static void esperar_linea(const char *salida, const char *linea)
{
    cr_assert(strstr(salida, linea) != NULL, "se esperaba «%s» y la sonda dijo: %s", linea, salida);
}

static int en_bwrap(void)
{
    return strcmp(cal_caja(), "bwrap") == 0;
}

/* Un socket que escucha en 127.0.0.1 (puerto efímero) en la red en la que estemos. */
static int escuchar(int *puerto)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    cr_assert(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(fd, 8), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &n), 0);
    *puerto = ntohs(a.sin_port);
    return fd;
}

Test(caja, fork_bloqueado)
{
    cal_inicio("fork_bloqueado");
    esperar_linea(sondear((const char *[]){"fork", NULL}), "BLOQUEADO fork");
    cal_fin(1);
}

Test(caja, clone_directo_bloqueado)
{
    cal_inicio("clone_directo_bloqueado");
    esperar_linea(sondear((const char *[]){"syscall_fork", NULL}), "BLOQUEADO clone");
    cal_fin(1);
}

Test(caja, system_bloqueado)
{
    cal_inicio("system_bloqueado");
    esperar_linea(sondear((const char *[]){"system", NULL}), "BLOQUEADO system");
    cal_fin(1);
}

Test(caja, hilos_permitidos)
{
    cal_inicio("hilos_permitidos");
    esperar_linea(sondear((const char *[]){"hilo", NULL}), "PERMITIDO hilo");
    cal_fin(1);
}

Test(caja, raiz_de_solo_lectura)
{
    cal_inicio("raiz_de_solo_lectura");
    esperar_linea(sondear((const char *[]){"raiz", NULL}), "BLOQUEADO raiz");
    cal_fin(1);
}

Test(caja, dev_shm_con_tope)
{
    if (!en_bwrap())
        cr_skip_test("sin bwrap, /dev/shm es el del sistema (límite: RLIMIT_FSIZE)");
    cal_inicio("dev_shm_con_tope");
    esperar_linea(sondear((const char *[]){"shm", NULL}), "BLOQUEADO shm");
    cal_fin(1);
}

/* Un servidor de fuera (abierto antes de que la verificación tenga su red) no se alcanza. */
Test(caja, red_de_fuera_inalcanzable)
{
    int puerto;
    int fd = escuchar(&puerto);
    cal_inicio("red_de_fuera_inalcanzable");
    char texto[16];
    snprintf(texto, sizeof texto, "%d", puerto);
    esperar_linea(sondear((const char *[]){"conectar", texto, NULL}), "BLOQUEADO conectar");
    cr_assert_lt(accept(fd, NULL, NULL), 0, "el servidor de fuera recibió una conexión");
    close(fd);
    cal_fin(1);
}

/* Y uno de la propia verificación, sí: la red aislada funciona. */
Test(caja, red_propia_alcanzable)
{
    cal_inicio("red_propia_alcanzable");
    int puerto;
    int fd = escuchar(&puerto);
    char texto[16];
    snprintf(texto, sizeof texto, "%d", puerto);
    esperar_linea(sondear((const char *[]){"conectar", texto, NULL}), "PERMITIDO conectar");
    close(fd);
    cal_fin(1);
}
