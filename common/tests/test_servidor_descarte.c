/* test_servidor_descarte.c — el servidor de práctica sin memoria para un cliente nuevo.
 *
 * Cuando falla el calloc del cliente en al_conectar (common/servidor/servidor.c), la conexión
 * ya está aceptada por libuv y, mientras nadie la recoja con uv_accept, libuv deja de vigilar
 * la escucha. descartar() la recoge en un handle de reserva y la cierra en el acto: ese
 * cliente ve un cierre sin respuesta, los siguientes entran, y el servidor (comprobar_fin)
 * espera a ese cierre para terminar.
 *
 * El fallo lo provoca la precarga common/tests/falla/calloc_tras_accept.c
 * ($(B)/lib/libfalla_calloc.so, al lado de este binario): el calloc que sigue a un accept
 * devuelve NULL, CURSO_FALLA_CALLOC veces. Solo la lleva el servidor: LD_PRELOAD y esa
 * variable se ponen en el entorno justo para practica_arrancar() (el hijo hereda environ) y
 * se quitan después. Su stderr va a un temporal para comprobar el aviso.
 *
 * Qué falla si el camino se rompe: si al_conectar vuelve sin descartar, el primer cliente no
 * ve nunca el cierre y el siguiente no recibe respuesta (la escucha quedó sin vigilar); si
 * descartar no cierra su handle, tampoco hay cierre y el servidor no termina limpio con
 * SIGTERM (practica_parar acaba en SIGKILL). La segunda prueba pilla dos conexiones en la cola
 * a la vez (el servidor parado con SIGSTOP mientras conectan): la segunda llega mientras la
 * primera aún se está cerrando (por_descartar) y al_cerrar_descarte tiene que recogerla.
 *
 * Bajo valgrind y ASan (prueba-common-valgrind, prueba-common-asan) corre igual, con el
 * servidor también bajo la herramienta: la precarga reserva con el malloc del proceso (ver su
 * cabecera); al servidor con ASan se le pasa verify_asan_link_order=0 (la precarga va delante
 * de libasan) y al de valgrind --soname-synonyms=somalloc=nouserintercepts (si no, valgrind
 * sustituye también el calloc de la precarga y no falla nada: el aviso contado lo delataría).
 */
#define _GNU_SOURCE
#include "apoyo_red.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>

#define AVISO_SIN_MEMORIA "sin memoria para un cliente nuevo"

static red_srv_t srv;
static char errores[PATH_MAX]; /* temporal con el stderr del servidor; "" si no hay */

static void limpiar(void)
{
    if (srv.practica.pid > 0)
        red_srv_parar(&srv);
    if (errores[0] != '\0')
        unlink(errores);
    errores[0] = '\0';
}

TestSuite(descarte, .fini = limpiar, .timeout = 60);

/* La precarga: $(B)/lib/libfalla_calloc.so, subiendo desde $(B)/tests/common/<prueba>. */
static void ruta_precarga(char *ruta, size_t tam)
{
    red_en_construccion("lib/libfalla_calloc.so", ruta, tam);
    cr_assert_eq(access(ruta, R_OK), 0, "falta la precarga %s (make la construye con esta prueba)",
                 ruta);
}

/* Pone `nombre` a `valor`, o la quita si `valor` es NULL. */
static void poner_variable(const char *nombre, const char *valor)
{
    if (valor != NULL)
        setenv(nombre, valor, 1);
    else
        unsetenv(nombre);
}

/* Copia de una variable del entorno (NULL si no está); se libera con free. */
static char *copiar_variable(const char *nombre)
{
    const char *v = getenv(nombre);
    if (v == NULL)
        return NULL;
    char *copia = strdup(v);
    cr_assert_not_null(copia);
    return copia;
}

/* Arranca el servidor (sin registro) con la precarga y `fallos` callocs que fallarán tras un
 * accept; su stderr, al temporal `errores`. El entorno y el stderr de la prueba quedan como
 * estaban. */
static void arrancar_con_fallos(int fallos)
{
    char precarga[PATH_MAX], valor[PATH_MAX + 4096], numero[16];
    ruta_precarga(precarga, sizeof precarga);
    snprintf(numero, sizeof numero, "%d", fallos);

    const char *tmp = getenv("TMPDIR");
    snprintf(errores, sizeof errores, "%s/descarte-stderr-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    int fd = mkstemp(errores);
    cr_assert(fd >= 0, "no se pudo crear el temporal %s", errores);

    char *ld_antes = copiar_variable("LD_PRELOAD");
    char *asan_antes = copiar_variable("ASAN_OPTIONS");
    char *vg_antes = copiar_variable("VALGRIND_OPTS");
    /* La precarga, delante de lo que ya hubiera (bajo valgrind, sus propias precargas). */
    if (ld_antes != NULL && ld_antes[0] != '\0')
        snprintf(valor, sizeof valor, "%s:%s", precarga, ld_antes);
    else
        snprintf(valor, sizeof valor, "%s", precarga);
    setenv("LD_PRELOAD", valor, 1);
    setenv("CURSO_FALLA_CALLOC", numero, 1);
    /* Para un servidor con ASan (en uno normal no se lee): libasan ya no es la primera
     * biblioteca cargada, y sin esto aborta al arrancar. Lo demás (log_path…) se conserva. */
    if (asan_antes != NULL && asan_antes[0] != '\0')
        snprintf(valor, sizeof valor, "%s:verify_asan_link_order=0", asan_antes);
    else
        snprintf(valor, sizeof valor, "verify_asan_link_order=0");
    setenv("ASAN_OPTIONS", valor, 1);
    /* Para el valgrind de prueba-common-valgrind, que sigue el exec del servidor y lee esta
     * variable del entorno nuevo: que no sustituya también el calloc de la precarga (solo el
     * de glibc). */
    if (vg_antes != NULL && vg_antes[0] != '\0')
        snprintf(valor, sizeof valor, "%s --soname-synonyms=somalloc=nouserintercepts", vg_antes);
    else
        snprintf(valor, sizeof valor, "--soname-synonyms=somalloc=nouserintercepts");
    setenv("VALGRIND_OPTS", valor, 1);

    fflush(stderr);
    /* La copia, con FD_CLOEXEC: que el servidor no se lleve también el stderr de la prueba. */
    int stderr_prueba = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    int redirigido = stderr_prueba >= 0 && dup2(fd, STDERR_FILENO) >= 0;
    close(fd);
    int r = redirigido ? practica_arrancar(&srv.practica, NULL) : -EBADF;
    if (stderr_prueba >= 0) {
        dup2(stderr_prueba, STDERR_FILENO);
        close(stderr_prueba);
    }

    poner_variable("LD_PRELOAD", ld_antes);
    poner_variable("ASAN_OPTIONS", asan_antes);
    poner_variable("VALGRIND_OPTS", vg_antes);
    unsetenv("CURSO_FALLA_CALLOC");
    free(ld_antes);
    free(asan_antes);
    free(vg_antes);
    srv.registro[0] = '\0';
    cr_assert_eq(r, 0, "no arrancó el servidor de práctica con la precarga: %s", strerror(-r));
}

/* Un cliente que conecta y pide /ping: el servidor tiene que cerrarle sin responder. */
static void conectar_y_pedir(red_con_t *c)
{
    red_conectar(c, srv.practica.puerto, 10);
    /* Puede que el servidor ya haya cerrado: el envío falla (EPIPE), y da igual. */
    red_enviar(c, "GET /ping HTTP/1.1\r\nHost: prueba\r\n\r\n");
}

static void comprobar_descartado(red_con_t *c, const char *quien)
{
    cr_expect(red_espera_cierre(c, 10), "%s: el servidor no cerró la conexión descartada en 10 s",
              quien);
    cr_expect_eq(c->tcp.recibidos, 0,
                 "%s: la conexión descartada recibió %llu bytes (tenía que cerrarse sin respuesta)",
                 quien, (unsigned long long)c->tcp.recibidos);
    red_cerrar(c);
}

/* Los que vienen después sí entran: la escucha sigue vigilada. */
static void comprobar_ping(void)
{
    red_resp_t r;
    cr_assert_eq(red_get(srv.practica.puerto, "/ping", &r), 0,
                 "tras el descarte, /ping no tuvo respuesta completa (estado %d): el servidor "
                 "dejó de aceptar",
                 r.estado);
    cr_expect_eq(r.estado, 200);
    cr_expect_str_eq(r.cuerpo, "pong");
    red_resp_liberar(&r);
}

/* Para el servidor (SIGTERM) y comprueba que terminó limpio y avisó `avisos` veces. */
static void parar_y_comprobar(int avisos)
{
    int r = red_srv_parar(&srv);
    cr_expect_eq(r, 0, "el servidor no terminó limpio tras el descarte (estado %d)", r);

    char texto[8192];
    FILE *f = fopen(errores, "r");
    cr_assert_not_null(f, "no se pudo leer el stderr del servidor (%s)", errores);
    size_t n = fread(texto, 1, sizeof texto - 1, f);
    fclose(f);
    texto[n] = '\0';
    int vistos = 0;
    for (const char *p = strstr(texto, AVISO_SIN_MEMORIA); p != NULL;
         p = strstr(p + 1, AVISO_SIN_MEMORIA))
        vistos++;
    cr_expect_eq(vistos, avisos,
                 "el servidor avisó %d veces «" AVISO_SIN_MEMORIA "» (se esperaban %d; ¿se cargó "
                 "la precarga?). Su stderr:\n%s",
                 vistos, avisos, texto);
    cr_expect_null(strstr(texto, "no se pudo descartar"), "stderr del servidor:\n%s", texto);
}

Test(descarte, cierra_al_cliente_y_sigue_aceptando)
{
    arrancar_con_fallos(1);
    red_con_t c;
    conectar_y_pedir(&c);
    comprobar_descartado(&c, "primer cliente");
    comprobar_ping();
    comprobar_ping();
    parar_y_comprobar(1);
}

Test(descarte, dos_en_cola_mientras_cierra_la_primera)
{
    arrancar_con_fallos(2);
    /* Parado, el servidor no acepta: el núcleo completa las dos conexiones y las deja en la
     * cola de la escucha. Al seguir, libuv acepta las dos en la misma vuelta, y la segunda
     * llega con el cierre de la primera aún pendiente. */
    cr_assert_eq(kill(srv.practica.pid, SIGSTOP), 0);
    red_con_t a, b;
    conectar_y_pedir(&a);
    conectar_y_pedir(&b);
    cr_assert_eq(kill(srv.practica.pid, SIGCONT), 0);
    comprobar_descartado(&a, "primer cliente");
    comprobar_descartado(&b, "segundo cliente");
    comprobar_ping();
    parar_y_comprobar(2);
}
