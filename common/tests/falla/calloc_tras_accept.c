/* calloc_tras_accept.c — precarga (LD_PRELOAD) de las pruebas que hace fallar el calloc que
 * sigue a un accept: así se prueba qué hace el servidor de práctica cuando no tiene memoria
 * para un cliente nuevo (al_conectar → descartar, en common/servidor/servidor.c) sin tener
 * que agotar la memoria de verdad. La usa test_servidor_descarte.c, solo en el entorno del
 * servidor que arranca.
 *
 * Envuelve accept4 y accept: si el de verdad devuelve un descriptor, el hilo queda «armado»
 * y su siguiente calloc devuelve NULL con errno = ENOMEM, tantas veces en total como diga
 * CURSO_FALLA_CALLOC (un entero; sin ella, o con 0, no falla nada y la precarga no cambia
 * nada). En libuv, entre el accept4 de uv__server_io y la callback de conexión no hay
 * ninguna reserva: el calloc que falla es el del cliente nuevo en al_conectar. El accept y
 * su calloc van en el mismo hilo (el del bucle), así que el aviso es por hilo y un calloc
 * del grupo de hilos de libuv no se lo lleva.
 *
 * El calloc que no falla es malloc + memset, no el calloc de la biblioteca:
 *   - no se busca con dlsym, que puede reservar memoria él mismo (y volvería a entrar aquí);
 *   - no es __libc_calloc, que es siempre el de glibc: valgrind (3.19) y ASan sustituyen
 *     calloc y malloc, no __libc_calloc, y el bloque lo liberaría después otro asignador
 *     («Invalid free» en valgrind, «not malloc()-ed» en ASan).
 * malloc es el que toca en cada caso (glibc, valgrind o ASan): con él, un bloque de este
 * calloc se libera con el free que le corresponde.
 *
 * Se construye sin SAN (regla en common/common.mk), como libvivos.so: se carga igual en el
 * servidor normal que en el de ASan (prueba-common-asan), que además necesita
 * verify_asan_link_order=0 en ASAN_OPTIONS porque esta precarga va delante de libasan. Bajo
 * valgrind hace falta --soname-synonyms=somalloc=nouserintercepts (VALGRIND_OPTS en el
 * entorno del servidor, que el valgrind de --trace-children lee al seguir el exec): valgrind
 * sustituye por el suyo el calloc de cualquier biblioteca que lo exporte, también el de esta,
 * y la precarga no fallaría nunca; así solo sustituye el de glibc (el que llama esta con malloc).
 *
 * accept4, accept y calloc no son static: son justo los símbolos que la precarga exporta para
 * ponerse delante de los de glibc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Fallos que quedan. Solo lo tocan los hilos que aceptan (el del bucle del servidor). */
static long fallos_pendientes;

/* El último accept de este hilo devolvió un descriptor: el siguiente calloc puede fallar.
 * initial-exec: TLS estática, sin __tls_get_addr (que podría reservar memoria). */
static __thread int armado __attribute__((tls_model("initial-exec")));

/* malloc a través de un puntero volátil: con malloc + memset a cero a la vista, gcc (-O2) los
 * junta en una llamada a calloc, que sería esta misma función (recursión sin fin). */
static void *(*volatile reservar)(size_t) = malloc;

__attribute__((constructor)) static void leer_entorno(void)
{
    const char *valor = getenv("CURSO_FALLA_CALLOC");
    if (valor == NULL)
        return;
    char *fin = NULL;
    errno = 0;
    long n = strtol(valor, &fin, 10);
    if (errno == 0 && fin != valor && *fin == '\0' && n > 0)
        fallos_pendientes = n;
}

typedef int (*accept4_t)(int, struct sockaddr *, socklen_t *, int);
typedef int (*accept_t)(int, struct sockaddr *, socklen_t *);

int accept4(int fd, struct sockaddr *dir, socklen_t *largo, int opciones)
{
    static accept4_t real;
    if (real == NULL)
        real = (accept4_t)dlsym(RTLD_NEXT, "accept4");
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    int r = real(fd, dir, largo, opciones);
    if (r >= 0 && fallos_pendientes > 0)
        armado = 1;
    return r;
}

int accept(int fd, struct sockaddr *dir, socklen_t *largo)
{
    static accept_t real;
    if (real == NULL)
        real = (accept_t)dlsym(RTLD_NEXT, "accept");
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    int r = real(fd, dir, largo);
    if (r >= 0 && fallos_pendientes > 0)
        armado = 1;
    return r;
}

void *calloc(size_t n, size_t tam)
{
    if (armado) {
        armado = 0;
        if (fallos_pendientes > 0) {
            fallos_pendientes--;
            errno = ENOMEM;
            return NULL;
        }
    }
    if (tam != 0 && n > SIZE_MAX / tam) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = reservar(n * tam);
    if (p != NULL)
        memset(p, 0, n * tam);
    return p;
}
