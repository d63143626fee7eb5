/* test_caja.c — pruebas de la caja de arena de libcalificador: lanza la sonda (sonda.c)
 * como si fuera una entrega y comprueba que cada salida de la caja está cerrada y que lo
 * que un laboratorio necesita (hilos, su loopback) sigue abierto.
 *
 * Se ejecuta dos veces (autograder.mk): con CALIF_CAJA=bwrap y con CALIF_CAJA=limites.
 * CALIF_PROGRAMA apunta a la sonda; CALIF_VIVOS, a la precarga vivos (la llevan todas las
 * sondas, como una entrega), y VIVOS_PRUEBA_PROGRAMA y VIVOS_PRUEBA_LUGAR, al programa colgado
 * de common/herramientas/vivos/prueba/senal.c y a «senal.c:N», la línea de su uv_signal_init.
 */
#include <criterion/criterion.h>

#include "calificador/base.h"
#include "calificador/calificador.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/keyctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Lanza la sonda con `args` (y lo que diga `l`) y devuelve su salida (prestada hasta
 * cal_fin). */
static cal_proceso_t *sonda_con(cal_lanzamiento_t l)
{
    cal_proceso_t *p = NULL;
    int r = cal_lanzar(&l, &p);
    cr_assert_eq(r, 0, "cal_lanzar: %s", strerror(-r));
    cr_assert(cal_esperar_fin(p, 15000), "la sonda no terminó");
    cr_assert_eq(cal_codigo(p), 0, "la sonda salió con %d: %s", cal_codigo(p), cal_errores(p));
    return p;
}

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
    cal_inicio("fork_bloqueado", 0);
    esperar_linea(sondear((const char *[]){"fork", NULL}), "BLOQUEADO fork: EPERM");
    cal_fin(1);
}

Test(caja, clone_directo_bloqueado)
{
    cal_inicio("clone_directo_bloqueado", 0);
    esperar_linea(sondear((const char *[]){"syscall_fork", NULL}), "BLOQUEADO clone: EPERM");
    cal_fin(1);
}

Test(caja, system_bloqueado)
{
    cal_inicio("system_bloqueado", 0);
    esperar_linea(sondear((const char *[]){"system", NULL}), "BLOQUEADO system: EPERM");
    cal_fin(1);
}

Test(caja, hilos_permitidos)
{
    cal_inicio("hilos_permitidos", 0);
    esperar_linea(sondear((const char *[]){"hilo", NULL}), "PERMITIDO hilo");
    cal_fin(1);
}

Test(caja, raiz_de_solo_lectura)
{
    cal_inicio("raiz_de_solo_lectura", 0);
    /* Con bwrap, la raíz es de solo lectura; sin él, la entrega no es dueña de «/». */
    esperar_linea(sondear((const char *[]){"raiz", NULL}),
                  en_bwrap() ? "BLOQUEADO raiz: EROFS" : "BLOQUEADO raiz: EACCES");
    cal_fin(1);
}

/* Con bwrap, /dev/shm es un tmpfs propio de 1 MiB: 8 MiB no caben (ENOSPC). Sin él, /dev/shm
 * es el del sistema: con Landlock (base/encierro.c) la sonda no puede ni crear el archivo
 * (EACCES); sin Landlock, lo que manda es RLIMIT_FSIZE (64 MiB): 96 MiB dan EFBIG. */
Test(caja, dev_shm_con_tope)
{
    cal_inicio("dev_shm_con_tope", 0);
    if (en_bwrap())
        esperar_linea(sondear((const char *[]){"shm", "8", NULL}), "BLOQUEADO shm: ENOSPC");
    else if (encierro_disponible() > 0)
        esperar_linea(sondear((const char *[]){"shm", "96", NULL}), "BLOQUEADO shm: EACCES");
    else
        esperar_linea(sondear((const char *[]){"shm", "96", NULL}), "BLOQUEADO shm: EFBIG");
    cal_fin(1);
}

/* Fuera de su carpeta, nada: una carpeta donde todos escriben (/var/tmp, /run/lock) no guarda
 * nada de la entrega para la siguiente calificación ni le deja escribir lo de quien califica.
 * Con bwrap, su raíz es otra, de solo lectura (EROFS, o ENOENT: /run/lock no está); sin él, el
 * encierro de Landlock (EACCES). Sin
 * bwrap y sin Landlock no hay con qué impedirlo: se salta, y el informe de la calificación lo
 * dice (runner/protecciones.c). */
Test(caja, compartidas_sin_escribir)
{
    cal_inicio("compartidas_sin_escribir", 0);
    if (!en_bwrap() && encierro_disponible() < 0)
        cr_skip_test("sin bwrap y sin Landlock en este núcleo: nada impide escribir en /var/tmp");
    const char *rutas[] = {"/var/tmp/sonda-compartida", "/run/lock/sonda-compartida", NULL};
    for (int i = 0; rutas[i] != NULL; i++) {
        if (access(rutas[i], F_OK) == 0)
            unlink(rutas[i]);
        esperar_linea(sondear((const char *[]){"crear", rutas[i], NULL}),
                      en_bwrap() ? "BLOQUEADO crear: " : "BLOQUEADO crear: EACCES");
        cr_assert_neq(access(rutas[i], F_OK), 0, "la sonda dejó %s", rutas[i]);
    }
    cal_fin(1);
}

/* La cuota de disco de la verificación (lib/cuota.c): archivos de 32 MiB en una carpeta suya,
 * sin borrar, hasta 1 GiB. Se para al pasar de 256 MiB, con bwrap y sin él, y la verificación
 * falla diciéndolo aunque quien la escribió la diera por buena; la carpeta se borra. */
Test(caja, cuota_de_disco)
{
    cal_inicio("cuota_de_disco", 0);
    char dir[4096], fin[256];
    cr_assert_eq(cal_carpeta("llenar", dir, sizeof dir), 0);
    const char *carpetas[] = {dir, NULL};
    cal_lanzamiento_t l = {
        .args = (const char *[]){"llenar", dir, NULL}, .carpetas = carpetas, .limite_s = 60};
    cal_proceso_t *p = NULL;
    cr_assert_eq(cal_lanzar(&l, &p), 0);
    cal_esperar_fin(p, 55000);
    cal_describir_fin(p, fin, sizeof fin);
    cr_assert(strstr(fin, "escribió más de 256 MiB") != NULL,
              "la sonda no se paró por la cuota: %s; dijo: %s", fin, cal_salida(p));
    cr_assert(strstr(cal_salida(p), "PERMITIDO llenar") == NULL, "llegó a escribir 1 GiB");
    cr_assert_eq(cal_fin(1), 0, "la verificación no falló tras pasar de la cuota");
    cr_assert_eq(access(dir, F_OK), -1, "la carpeta de la verificación sigue ahí");
}

/* El disco lleno como entrada (cal_lanzamiento_t.tope_archivo): con un tope de 1000 bytes,
 * una escritura de 3000 se queda en 1000 y la siguiente falla con EFBIG, sin que SIGXFSZ mate
 * a la sonda (que no la ignora por sí misma). Con bwrap y sin él, observado o no. */
Test(caja, tope_de_archivo)
{
    cal_inicio("tope_de_archivo", 0);
    char dir[4096];
    cr_assert_eq(cal_carpeta("tope", dir, sizeof dir), 0);
    const char *carpetas[] = {dir, NULL};
    cal_lanzamiento_t l = {.args = (const char *[]){"tope", dir, NULL},
                           .carpetas = carpetas,
                           .limite_s = 20,
                           .tope_archivo = 1000};
    esperar_linea(cal_salida(sonda_con(l)), "TOPE 1000 EFBIG");
    /* Y el siguiente lanzamiento, sin tope: el de siempre. */
    l.tope_archivo = 0;
    esperar_linea(cal_salida(sonda_con(l)), "TOPE 3000 bien");
    cal_fin(1);
}

/* Un servidor de fuera (abierto antes de que la verificación tenga su red) no se alcanza. */
Test(caja, red_de_fuera_inalcanzable)
{
    int puerto;
    int fd = escuchar(&puerto);
    cal_inicio("red_de_fuera_inalcanzable", 0);
    char texto[16];
    snprintf(texto, sizeof texto, "%d", puerto);
    /* Su red propia tiene loopback, pero nadie escucha allí en ese puerto. */
    esperar_linea(sondear((const char *[]){"conectar", texto, NULL}),
                  "BLOQUEADO conectar: ECONNREFUSED");
    cr_assert_lt(accept(fd, NULL, NULL), 0, "el servidor de fuera recibió una conexión");
    close(fd);
    cal_fin(1);
}

/* Y uno de la propia verificación, sí: la red aislada funciona. */
Test(caja, red_propia_alcanzable)
{
    cal_inicio("red_propia_alcanzable", 0);
    int puerto;
    int fd = escuchar(&puerto);
    char texto[16];
    snprintf(texto, sizeof texto, "%d", puerto);
    esperar_linea(sondear((const char *[]){"conectar", texto, NULL}), "PERMITIDO conectar");
    close(fd);
    cal_fin(1);
}

/* Un programa parado (SIGSTOP, como cal_parar) y reanudado en mitad de una espera con tiempo:
 * el núcleo la retoma con restart_syscall, que la lista de llamadas permitidas tiene que
 * tener. Sin ella, glibc abortaba al reanudar y tres verificaciones del 09 que paran al
 * servidor (trozos, corte_brusco, valgrind) cobraban un fallo que no era del programa
 * (hostil chat_sondeo, núcleo 6.18, sesión 45). */
Test(caja, reanudar_tras_parada)
{
    cal_inicio("reanudar_tras_parada", 0);
    cal_lanzamiento_t l = {.args = (const char *[]){"siesta", NULL}, .limite_s = 20};
    cal_proceso_t *p = NULL;
    int r = cal_lanzar(&l, &p);
    cr_assert_eq(r, 0, "cal_lanzar: %s", strerror(-r));
    for (int i = 0; i < 250 && strstr(cal_salida(p), "DURMIENDO") == NULL; i++)
        cal_esperar(20);
    cr_assert(strstr(cal_salida(p), "DURMIENDO") != NULL, "la sonda no llegó a dormir");
    cal_esperar(200); /* ya dentro de la espera */
    cr_assert(cal_parar(p, 2000), "no se vio parada la sonda");
    cal_esperar(200);
    cr_assert_eq(cal_senal(p, SIGCONT), 0);
    cr_assert(cal_esperar_fin(p, 15000), "la sonda no terminó");
    cr_assert_eq(cal_codigo(p), 0, "la sonda salió con %d: %s", cal_codigo(p), cal_errores(p));
    esperar_linea(cal_salida(p), "PERMITIDO siesta");
    cal_fin(1);
}

/* La cola de recepción de un servidor, vista desde fuera (common/src/tcp_prueba.c,
 * tcp_sin_leer_en_el_servidor): lo que el cliente mandó y el servidor no ha leído, y nada
 * cuando ya lo leyó o cerró. lib/vivos.c la usa para no acusar de leer por su cuenta a un
 * servidor que solo dejó de leer. */
Test(caja, cola_de_recepcion_vista_desde_fuera)
{
    cal_inicio("cola_de_recepcion_vista_desde_fuera", 0);
    int puerto;
    int fd = escuchar(&puerto);
    tcp_t c;
    cr_assert_eq(tcp_abrir(&c, puerto, "cliente", 0), 0, "no se pudo conectar");
    int servidor = accept(fd, NULL, NULL);
    cr_assert_geq(servidor, 0, "accept: %s", strerror(errno));
    struct sockaddr_in yo;
    socklen_t largo = sizeof yo;
    cr_assert_eq(getsockname(c.fd, (struct sockaddr *)&yo, &largo), 0);
    int cliente = ntohs(yo.sin_port);
    static const char datos[1000];
    cr_assert_eq(tcp_enviar(&c, datos, sizeof datos), 0, "no se pudo enviar");
    long long cola = -1;
    for (int i = 0; i < 100 && cola != (long long)sizeof datos; i++) {
        cal_esperar(10);
        cola = tcp_sin_leer_en_el_servidor(puerto, cliente);
    }
    cr_assert_eq(cola, (long long)sizeof datos, "sin leer: %lld (se esperaban 1000)", cola);
    /* El puerto del servidor cuenta: el núcleo repite puertos de cliente hacia otros servidores. */
    cr_assert_eq(tcp_sin_leer_en_el_servidor(0, cliente), -1,
                 "encontró una conexión con otro servidor");
    char leido[400];
    cr_assert_eq(recv(servidor, leido, sizeof leido, MSG_WAITALL), (ssize_t)sizeof leido);
    cr_assert_eq(tcp_sin_leer_en_el_servidor(puerto, cliente), 600, "tras leer 400, no quedan 600");
    close(servidor);
    cr_assert_leq(tcp_sin_leer_en_el_servidor(puerto, cliente), 0,
                  "cerrado, aún cuenta bytes sin leer");
    tcp_cerrar(&c);
    close(fd);
    cal_fin(1);
}

/* Como root, cada verificación tiene su propio usuario: el límite de procesos es suyo. Sin
 * privilegios, el del que califica (lo que dice autograder/README.md). */
Test(caja, usuario_propio_por_verificacion)
{
    cal_inicio("usuario_propio_por_verificacion", 0);
    char esperado[32];
    /* Sin privilegios no hay otro usuario que dar: la entrega corre con el de quien califica
     * (y el límite de procesos se suma a lo que ya tiene en marcha: ver aislamiento.c). */
    unsigned uid = geteuid() == 0 ? 200000u + (unsigned)getpid() : (unsigned)getuid();
    snprintf(esperado, sizeof esperado, "UID %u\n", uid);
    esperar_linea(sondear((const char *[]){"uid", NULL}), esperado);
    cal_fin(1);
}

Test(caja, pseudoterminal)
{
    cal_inicio("pseudoterminal", 0);
    esperar_linea(sondear((const char *[]){"tty", NULL}), "TTY 0");
    cal_proceso_t *p = sonda_con(
        (cal_lanzamiento_t){.args = (const char *[]){"tty", NULL}, .limite_s = 20, .terminal = 1});
    esperar_linea(cal_salida(p), "TTY 1\n");
    cal_fin(1);
}

Test(caja, memoria_maxima)
{
    cal_inicio("memoria_maxima", 0);
    cal_proceso_t *p = sonda_con(
        (cal_lanzamiento_t){.args = (const char *[]){"memoria", "64", NULL}, .limite_s = 20});
    uint64_t kib = cal_memoria_pico_kib(p);
    cr_assert(kib >= 60 * 1024 && kib < 200 * 1024, "pico de %llu KiB para 64 MiB tocados",
              (unsigned long long)kib);
    cal_fin(1);
}

Test(caja, carpeta_y_archivo_igual)
{
    cal_inicio("carpeta_y_archivo_igual", 0);
    char dir[512], ruta[600], motivo[256];
    cr_assert_eq(cal_carpeta("datos", dir, sizeof dir), 0);
    snprintf(ruta, sizeof ruta, "%s/salida.txt", dir);
    sonda_con((cal_lanzamiento_t){.args = (const char *[]){"escribir", ruta, NULL},
                                  .limite_s = 20,
                                  .carpetas = (const char *[]){dir, NULL}});
    cr_assert(cal_archivo_igual(ruta, "hola, caja\n", 11, motivo, sizeof motivo), "%s", motivo);
    cr_assert(!cal_archivo_igual(ruta, "hola, cajA\n", 11, motivo, sizeof motivo));
    cr_assert(strstr(motivo, "byte 9") != NULL, "%s", motivo);
    cr_assert(!cal_archivo_igual(ruta, "hola", 4, motivo, sizeof motivo));
    char hex[65];
    cr_assert_eq(cal_archivo_sha256(ruta, hex), 0);
    /* printf 'hola, caja\n' | sha256sum */
    cr_assert_str_eq(hex, "c575404fa33864f2c0e6e937b6b4aad15f9cb345c2610e5417b0a35fc4fc27fb");
    cal_fin(1);
}

/* Las FIFOs dosifican la entrada: mientras el calificador no escribe, el programa las tiene
 * abiertas y esperando, y desde fuera se cuenta cuántas. */
Test(caja, fifos_y_abiertos)
{
    cal_inicio("fifos_y_abiertos", 0);
    char dir[512], rutas[3][600];
    int fds[3];
    cr_assert_eq(cal_carpeta("fifos", dir, sizeof dir), 0);
    for (int i = 0; i < 3; i++) {
        char nombre[16];
        snprintf(nombre, sizeof nombre, "f%d", i);
        cr_assert_eq(cal_fifo(dir, nombre, rutas[i], sizeof rutas[i]), 0);
        fds[i] = cal_fifo_abrir(rutas[i]);
        cr_assert(fds[i] >= 0);
    }
    cal_lanzamiento_t l = {.args = (const char *[]){"leer", rutas[0], rutas[1], rutas[2], NULL},
                           .limite_s = 20,
                           .carpetas = (const char *[]){dir, NULL}};
    cal_proceso_t *p = NULL;
    cr_assert_eq(cal_lanzar(&l, &p), 0);
    int abiertos = 0;
    for (int espera = 0; espera < 5000 && abiertos < 3; espera += 20) {
        cal_esperar(20);
        abiertos = cal_abiertos(p, dir);
    }
    cr_assert_eq(abiertos, 3, "abiertas a la vez: %d", abiertos);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(cal_fifo_escribir(fds[i], "12345", 5, 2000), 5);
        close(fds[i]);
    }
    cr_assert(cal_esperar_fin(p, 10000));
    esperar_linea(cal_salida(p), "LEIDOS 3 15");
    cal_fin(1);
}

/* El filtro seccomp es una lista de permitidos (base/filtro.c): lo que no está falla sin
 * matar al programa, con el error que dice qué lo paró. */
Test(caja, fuera_de_la_lista_negado)
{
    cal_inicio("fuera_de_la_lista_negado", 0);
    static const struct {
        const char *modo, *esperado;
    } casos[] = {
        {"io_setup", "BLOQUEADO io_setup: ENOSYS"},         /* Linux AIO: siempre prohibido */
        {"clave_leer", "BLOQUEADO clave_leer: ENOSYS"},     /* el anillo de claves */
        {"clave_anadir", "BLOQUEADO clave_anadir: ENOSYS"}, /* add_key */
        {"unshare", "BLOQUEADO unshare: EPERM"},            /* espacios de nombres */
        {"clone_userns", "BLOQUEADO clone_userns: EPERM"},  /* clone sin CLONE_THREAD */
        {"rwx", "BLOQUEADO rwx: EPERM"},                    /* W^X: escribir y ejecutar */
        {"exec_anonima", "BLOQUEADO exec_anonima: EPERM"},  /* código en memoria sin archivo */
        {"mprotect_exec", "BLOQUEADO mprotect_exec: EPERM"},
        {"fuera", "BLOQUEADO fuera: ENOSYS"}, /* pidfd_open: inocua, pero no está en la lista */
        /* La E/S por señales (SIGIO): un servidor fuera del bucle de libuv (adversario s33). */
        {"dueno", "BLOQUEADO dueno: EPERM"},
        {"dueno_alto", "BLOQUEADO dueno_alto: EPERM"}, /* F_SETOWN con bits altos */
        {"senal", "BLOQUEADO senal: EPERM"},
        {"asincrona", "BLOQUEADO asincrona: EPERM"},
        {"ioctl_asincrona", "BLOQUEADO ioctl_asincrona: EPERM"},
        {"ioctl_dueno", "BLOQUEADO ioctl_dueno: EPERM"},
        {"ioctl_grupo", "BLOQUEADO ioctl_grupo: EPERM"},
    };
    for (size_t i = 0; i < sizeof casos / sizeof casos[0]; i++)
        esperar_linea(sondear((const char *[]){casos[i].modo, NULL}), casos[i].esperado);
    cal_fin(1);
}

/* Con la pila de «medios.pila_en» (CALIF_OBSERVAR_ORIGEN=3:<verificaciones>, strace -k, la
 * del 08) las nombradas también fallan con ENOSYS y quedan en la traza: el filtro se las pasa a
 * strace (TRACE) y strace las inyecta. Con `strace -P` (sesión 24: solo las llamadas que tocan
 * ciertas rutas) strace no paraba ni hacía fallar las demás, y hubo que quitarlo: esta prueba
 * dice que la pila no vuelve a dejar pasar una nombrada (io_setup se hacía: PERMITIDO). */
Test(caja, nombradas_con_la_pila)
{
    cal_inicio("nombradas_con_la_pila", 0);
    const char *puerta = getenv("CALIF_PRUEBA_PUERTA");
    cr_assert(puerta != NULL && access(puerta, X_OK) == 0 && access("/usr/bin/strace", X_OK) == 0,
              "faltan calif-puerta (CALIF_PRUEBA_PUERTA) o strace: la prueba no se puede juzgar");
    char carpeta[] = "/tmp/calif-pila.XXXXXX";
    cr_assert(mkdtemp(carpeta) != NULL);
    setenv("CALIF_OBSERVAR", carpeta, 1);
    setenv("CALIF_PUERTA", puerta, 1);
    setenv("CALIF_OBSERVAR_ORIGEN", "3:otra,nombradas_con_la_pila", 1);
    const char *salida = sondear((const char *[]){"io_setup", NULL});
    unsetenv("CALIF_OBSERVAR");
    unsetenv("CALIF_PUERTA");
    unsetenv("CALIF_OBSERVAR_ORIGEN");
    archivos_borrar_arbol(carpeta); /* las trazas: las escribe strace, fuera de la caja */
    esperar_linea(salida, "BLOQUEADO io_setup: ENOSYS");
    cal_fin(1);
}

/* socket según el dominio (base/filtro.c): AF_INET, AF_INET6 y AF_NETLINK sí; AF_UNIX solo si
 * el laboratorio lo pide (CALIF_LLAMADAS con FILTRO_UNIX, de «llamadas»: {"unix": true}), y
 * nunca con bits altos que el núcleo tiraría; cualquier otro, EPERM. socketpair(AF_UNIX) sí, y
 * getaddrinfo sigue sin nscd. */
Test(caja, socket_segun_dominio)
{
    cal_inicio("socket_segun_dominio", 0);
    static const struct {
        const char *modo, *esperado;
    } casos[] = {
        {"socket_unix", "BLOQUEADO socket_unix: EPERM"},
        {"socket_unix_alto", "BLOQUEADO socket_unix_alto: EPERM"},
        {"socket_vsock", "BLOQUEADO socket_vsock: EPERM"},
        {"sockets", "PERMITIDO sockets"},
        {"resolver", "PERMITIDO resolver"},
    };
    for (size_t i = 0; i < sizeof casos / sizeof casos[0]; i++)
        esperar_linea(sondear((const char *[]){casos[i].modo, NULL}), casos[i].esperado);
    cal_fin(1);
}

Test(caja, socket_unix_si_lo_pide)
{
    cal_inicio("socket_unix_si_lo_pide", 0);
    setenv("CALIF_LLAMADAS", "bind,listen," FILTRO_UNIX, 1);
    esperar_linea(sondear((const char *[]){"socket_unix", NULL}), "PERMITIDO socket_unix");
    esperar_linea(sondear((const char *[]){"socket_unix_alto", NULL}),
                  "BLOQUEADO socket_unix_alto: EPERM");
    esperar_linea(sondear((const char *[]){"sockets", NULL}), "PERMITIDO sockets");
    cal_fin(1);
}

Test(caja, lo_de_libuv_permitido)
{
    cal_inicio("lo_de_libuv_permitido", 0);
    esperar_linea(sondear((const char *[]){"eventos", NULL}), "PERMITIDO eventos");
    esperar_linea(sondear((const char *[]){"descriptores", NULL}), "PERMITIDO descriptores");
    esperar_linea(sondear((const char *[]){"getrandom", NULL}), "PERMITIDO getrandom");
    cal_fin(1);
}

/* La entrega no ve las claves del anillo de sesión de quien califica (ni por /proc/keys, sin
 * keyctl): cal_lanzar le da un anillo nuevo y vacío. */
Test(caja, anillo_de_claves_propio)
{
    cal_inicio("anillo_de_claves_propio", 0);
    char nombre[64];
    snprintf(nombre, sizeof nombre, "calif-secreto-%ld", (long)getpid());
    long id =
        syscall(SYS_add_key, "user", nombre, "no-lo-veas", 10L, (long)KEY_SPEC_SESSION_KEYRING);
    if (id < 0)
        cr_skip_test("no se pudo crear una clave en el anillo de sesión: %s", strerror(errno));
    /* Que la clave se vea en /proc/keys desde fuera: si no, la prueba no afirmaría nada. */
    FILE *f = fopen("/proc/keys", "r");
    char linea[512];
    int vista = 0;
    while (f != NULL && fgets(linea, sizeof linea, f) != NULL)
        vista |= strstr(linea, nombre) != NULL;
    if (f != NULL)
        fclose(f);
    const char *salida = sondear((const char *[]){"claves_proc", NULL});
    syscall(SYS_keyctl, (long)KEYCTL_UNLINK, id, (long)KEY_SPEC_SESSION_KEYRING);
    cr_assert(vista, "la clave %s no aparece en /proc/keys fuera de la caja", nombre);
    esperar_linea(salida, "FIN CLAVES");
    cr_assert(strstr(salida, nombre) == NULL, "la caja ve la clave de quien califica: %s", salida);
    cal_fin(1);
}

/* valgrind corre dentro de la caja con el mismo filtro, salvo W^X (su JIT escribe y ejecuta). */
Test(caja, valgrind_dentro_de_la_caja, .timeout = 60)
{
    cal_inicio("valgrind_dentro_de_la_caja", 0);
    if (access("/usr/bin/valgrind", X_OK) != 0)
        cr_skip_test("valgrind no está instalado");
    cal_proceso_t *p = sonda_con(
        (cal_lanzamiento_t){.args = (const char *[]){"hilo", NULL}, .limite_s = 40, .valgrind = 1});
    esperar_linea(cal_salida(p), "PERMITIDO hilo");
    p = sonda_con((cal_lanzamiento_t){
        .args = (const char *[]){"io_setup", NULL}, .limite_s = 40, .valgrind = 1});
    esperar_linea(cal_salida(p), "BLOQUEADO io_setup: ENOSYS");
    cal_fin(1);
}

Test(caja, sha256_vectores)
{
    static const struct {
        const char *texto, *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sha256_t s;
        char hex[65];
        sha256_iniciar(&s);
        sha256_anadir(&s, v[i].texto, strlen(v[i].texto));
        sha256_terminar(&s, hex);
        cr_assert_str_eq(hex, v[i].hex, "SHA-256(«%s»)", v[i].texto);
    }
    /* Un millón de «a», en trozos que no caen en el borde de un bloque. */
    sha256_t s;
    char hex[65], trozo[1000];
    memset(trozo, 'a', sizeof trozo);
    sha256_iniciar(&s);
    for (int i = 0; i < 1000; i++)
        sha256_anadir(&s, trozo, sizeof trozo);
    sha256_terminar(&s, hex);
    cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* La precarga vivos (lib/vivos.c) en la caja: un programa con un uv_signal_t para SIGINT que
 * nunca cierra sigue vivo tras SIGINT; la verificación falla y su detalle (el JSON del
 * resultado) dice qué mantenía vivo su bucle y el archivo:línea donde se creó. */
Test(caja, vivos_tras_senal)
{
    const char *colgado = getenv("VIVOS_PRUEBA_PROGRAMA"), *lugar = getenv("VIVOS_PRUEBA_LUGAR");
    cr_assert(colgado != NULL && lugar != NULL && getenv("CALIF_VIVOS") != NULL,
              "faltan VIVOS_PRUEBA_PROGRAMA, VIVOS_PRUEBA_LUGAR o CALIF_VIVOS (autograder.mk)");
    char resultados[] = "/tmp/vivos-resultados.XXXXXX";
    cr_assert_not_null(mkdtemp(resultados));
    setenv("CALIF_RESULTADOS", resultados, 1);
    setenv("CALIF_PROGRAMA", colgado, 1);
    cal_inicio("vivos_tras_senal", 0);
    cal_lanzamiento_t l = {.limite_s = 10};
    cal_proceso_t *p = NULL;
    cr_assert_eq(cal_lanzar(&l, &p), 0);
    cal_esperar(300);
    cal_senal(p, SIGINT);
    cr_assert(!cal_esperar_fin(p, 500), "el programa colgado terminó tras SIGINT");
    cal_fin(0);
    char ruta[4096];
    snprintf(ruta, sizeof ruta, "%s/vivos_tras_senal.json", resultados);
    FILE *f = fopen(ruta, "r");
    cr_assert_not_null(f, "no está %s", ruta);
    static char json[65536];
    size_t n = fread(json, 1, sizeof json - 1, f);
    fclose(f);
    json[n] = '\0';
    archivos_borrar_arbol(resultados); /* el JSON y el «<id>.en-marcha» de cal_inicio */
    cr_assert(strstr(json, "uv_signal_t esperando SIGINT") != NULL,
              "el detalle no dice «uv_signal_t esperando SIGINT»: %s", json);
    /* «creado en <ruta>/senal.c:N,»: la ruta sale relativa a la carpeta actual. */
    const char *c = strstr(json, "creado en "), *fin = c != NULL ? strchr(c, ',') : NULL;
    size_t largo = strlen(lugar);
    cr_assert(fin != NULL && (size_t)(fin - c) >= largo && strncmp(fin - largo, lugar, largo) == 0,
              "el detalle no dice «creado en …%s»: %s", lugar, json);
}

/* Lanza la prueba de vivos `nombre` (VIVOS_PRUEBA_DIR) con .cierre y espera a que acabe. */
static cal_proceso_t *con_cierre(const char *nombre)
{
    const char *dir = getenv("VIVOS_PRUEBA_DIR");
    cr_assert(dir != NULL && getenv("CALIF_VIVOS_CIERRE") != NULL,
              "faltan VIVOS_PRUEBA_DIR o CALIF_VIVOS_CIERRE (autograder.mk)");
    char programa[4096];
    snprintf(programa, sizeof programa, "%s/%s", dir, nombre);
    setenv("CALIF_PROGRAMA", programa, 1);
    cal_lanzamiento_t l = {.limite_s = 10, .cierre = 1};
    cal_proceso_t *p = NULL;
    cr_assert_eq(cal_lanzar(&l, &p), 0, "no se pudo lanzar %s", programa);
    cr_assert(cal_esperar_fin(p, 5000), "%s no terminó en 5 s", nombre);
    return p;
}

/* El informe de cierre de la precarga, por tipo (lib/vivos.c: cal_sin_cerrar_de y
 * cal_salio_desde_callback, para que ningún laboratorio relea su texto). para.c deja a su red
 * de seguridad un uv_timer_t y un uv_signal_t; sale.c sale con exit() desde una callback. */
Test(caja, sin_cerrar_por_tipo)
{
    char resultados[] = "/tmp/vivos-resultados.XXXXXX";
    cr_assert_not_null(mkdtemp(resultados));
    setenv("CALIF_RESULTADOS", resultados, 1);
    cal_inicio("sin_cerrar_por_tipo", 0);
    char t[2048];
    cal_proceso_t *p = con_cierre("para");
    cr_assert_eq(cal_sin_cerrar(p, t, sizeof t), 2, "para, todos: %s", t);
    cr_assert_eq(cal_sin_cerrar_de(p, "uv_timer_t", t, sizeof t), 1, "para, uv_timer_t: %s", t);
    cr_assert(strncmp(t, "uv_timer_t ", 11) == 0 && strchr(t, '\n') == NULL,
              "para, uv_timer_t: una sola línea, la suya: %s", t);
    cr_assert_eq(cal_sin_cerrar_de(p, "uv_signal_t", t, sizeof t), 1, "para, uv_signal_t: %s", t);
    cr_assert(strncmp(t, "uv_signal_t ", 12) == 0, "para, uv_signal_t: %s", t);
    cr_assert_eq(cal_sin_cerrar_de(p, "uv_timer", t, sizeof t), 0, "un prefijo no es un tipo: %s",
                 t);
    cr_assert_eq(cal_sin_cerrar_de(p, "uv_tcp_t", t, sizeof t), 0, "para, uv_tcp_t: %s", t);
    cr_assert_eq(cal_salio_desde_callback(p, t, sizeof t), 0, "para volvió de uv_run: %s", t);
    p = con_cierre("sale");
    cr_assert_eq(cal_salio_desde_callback(p, t, sizeof t), 1, "sale, desde una callback: %s", t);
    cr_assert_eq(cal_sin_cerrar(p, t, sizeof t), 1, "sale, todos: %s", t);
    cr_assert(strstr(t, "desde una callback") != NULL, "sale, todos: %s", t);
    cr_assert_eq(cal_sin_cerrar_de(p, "uv_timer_t", t, sizeof t), 0, "sale, uv_timer_t: %s", t);
    cal_fin(1);
    archivos_borrar_arbol(resultados); /* el JSON y el «<id>.en-marcha» de cal_inicio */
}
