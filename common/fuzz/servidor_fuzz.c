/* servidor_fuzz.c — objetivo de libFuzzer para el servidor de práctica: bytes arbitrarios
 * entran en una conexion_t (llhttp, rutas, generación de respuestas, ritmo, errores) sin
 * sockets ni bucle.
 *
 * Las operaciones de la conexión se simulan en memoria: cada escritura se «completa» al
 * momento y los temporizadores de espera (/delay, /drip) vencen enseguida, así que el arnés
 * no espera nunca. El plazo de inactividad usa un valor propio y no se dispara mientras
 * quede entrada (si no, toda conexión se cerraría tras el primer trozo). El contexto lleva
 * un guion con dos rutas opacas (/v/f y /v/r) y tres alias (/c/f, /c/g y /c/s) para que
 * también se recorran (una ficha desconocida relee el archivo: vive hasta el final). Se comprueba
 * que lo que sale empiece siempre como una respuesta HTTP y que nada se escriba tras cerrar.
 */
#include "../servidor/conexion.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Un valor reconocible: así el arnés distingue el plazo de inactividad de las esperas. */
#define INACTIVIDAD_FUZZ_MS 987654u
/* Tope de salida por entrada: /bytes/104857600 no debe hacer lenta cada ejecución. */
#define MAX_SALIDA (2u * 1024u * 1024u)
#define MAX_PASOS  20000

typedef struct {
    size_t pendiente;
    size_t salida;
    int escrituras;
    int armado;
    uint64_t ms;
    int cerrada;
    int inmediata; /* entrega en el acto, sin pendiente ni aviso (uv_try_write completo) */
} falso_t;

static int f_enviar(void *u, const char *datos, size_t n)
{
    falso_t *f = u;
    if (f->cerrada)
        __builtin_trap(); /* escribir tras pedir el cierre es un error del contrato */
    if (f->salida == 0 && n > 0 && (n < 9 || memcmp(datos, "HTTP/1.1 ", 9) != 0))
        __builtin_trap(); /* la primera salida debe ser una línea de estado */
    /* Como un socket: entrega en el acto mientras «cabe» (256 KiB en total por entrada);
     * después, todo queda pendiente y la contrapresión entra en juego. */
    if (!f->inmediata || f->salida + n > 256u * 1024u)
        f->pendiente += n;
    f->salida += n;
    return 0;
}

static size_t f_pendiente(void *u)
{
    return ((falso_t *)u)->pendiente;
}

static void f_programar(void *u, uint64_t ms)
{
    falso_t *f = u;
    if (f->cerrada)
        __builtin_trap();
    f->armado = 1;
    f->ms = ms;
}

static void f_desprogramar(void *u)
{
    ((falso_t *)u)->armado = 0;
}

static void f_leer(void *u, int activo)
{
    (void)u;
    (void)activo;
}

static void f_cerrar(void *u, int suave)
{
    (void)suave;
    falso_t *f = u;
    if (f->cerrada)
        __builtin_trap(); /* dos cierres */
    f->cerrada = 1;
    f->armado = 0;
}

static const conexion_ops_t ops = {
    .enviar = f_enviar,
    .pendiente = f_pendiente,
    .programar = f_programar,
    .desprogramar = f_desprogramar,
    .leer = f_leer,
    .cerrar = f_cerrar,
};

/* Entrega escrituras y vencimientos hasta que la conexión se quede esperando entrada.
 * `final`: ya no llegará más entrada, también vence el plazo de inactividad. */
static void conducir(conexion_t *c, falso_t *f, int final)
{
    for (int paso = 0; paso < MAX_PASOS && !f->cerrada && f->salida < MAX_SALIDA; paso++) {
        if (f->pendiente > 0) {
            f->pendiente = 0;
            f->escrituras++;
            conexion_escrito(c);
        } else if (f->armado && (final || f->ms != INACTIVIDAD_FUZZ_MS)) {
            f->armado = 0;
            conexion_vencido(c);
        } else {
            break;
        }
    }
}

static contexto_t ctx;

/* Carga un guion pequeño en el contexto (si no se puede, el arnés sigue sin él). */
static void cargar_guion(void)
{
    static const char texto[] =
        "{\"/v/f\": {\"pasos\": [{\"estado\": 503, \"veces\": 2}, {\"estado\": 100}], "
        "\"despues\": {\"estado\": 204}},"
        " \"/v/r\": {\"despues\": {\"estado\": 200, \"retraso_ms\": 5}}}";
    char ruta[] = "/tmp/guion-fuzz-XXXXXX";
    int fd = mkstemp(ruta);
    if (fd < 0)
        return;
    int bien = write(fd, texto, sizeof texto - 1) == (ssize_t)(sizeof texto - 1);
    close(fd);
    char error[256];
    if (bien && guion_cargar(ruta, &ctx.guion, error, sizeof error) < 0)
        ctx.guion = NULL;
    unlink(ruta);
}

static char ruta_alias[] = "/tmp/alias-fuzz-XXXXXX";

static void borrar_alias(void)
{
    unlink(ruta_alias);
}

/* Carga tres alias en el contexto (si no se puede, el arnés sigue sin ellos). */
static void cargar_alias(void)
{
    static const char texto[] = "f /v/f\ng /get?z=1\ns /status/418\n";
    int fd = mkstemp(ruta_alias);
    if (fd < 0)
        return;
    int bien = write(fd, texto, sizeof texto - 1) == (ssize_t)(sizeof texto - 1);
    close(fd);
    atexit(borrar_alias);
    char error[256];
    if (bien && alias_cargar(ruta_alias, &ctx.alias, error, sizeof error) < 0)
        ctx.alias = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *datos, size_t n)
{
    static int iniciado;
    if (!iniciado) {
        inestable_iniciar(&ctx.inestable);
        ctx.inactividad_ms = INACTIVIDAD_FUZZ_MS;
        ctx.registro = NULL;
        cargar_guion();
        cargar_alias();
        iniciado = 1;
    }
    falso_t f = {0};
    conexion_t *c = conexion_nueva(&ctx, &ops, &f, "127.0.0.1", 40000);
    if (c == NULL)
        return 0;
    /* El primer byte decide el tamaño de los trozos: así se prueban tokens partidos entre
     * lecturas (las callbacks de llhttp llegan en varios pedazos). */
    size_t trozo = n > 0 ? (size_t)(datos[0] % 97) + 1 : 1;
    /* Su bit alto elige el transporte: escrituras que quedan pendientes hasta que el arnés
     * las completa, o entregadas en el acto (el camino rápido de servidor.c). */
    f.inmediata = n > 0 && (datos[0] & 0x80) != 0;
    size_t i = n > 0 ? 1 : 0;
    while (i < n && !f.cerrada && f.salida < MAX_SALIDA) {
        size_t m = n - i < trozo ? n - i : trozo;
        conexion_recibir(c, (const char *)datos + i, m);
        conducir(c, &f, 0);
        i += m;
    }
    if (!f.cerrada && f.salida < MAX_SALIDA) {
        conexion_fin_entrada(c);
        conducir(c, &f, 1);
    }
    conexion_liberar(c);
    return 0;
}
