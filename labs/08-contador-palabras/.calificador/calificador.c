/* calificador.c — calificador oculto del laboratorio 08 (contador de palabras por lotes).
 *
 * Caja negra: el contador del estudiante corre como proceso aparte (cal_lanzar), dentro de
 * la caja, sobre archivos que este calificador escribe en una carpeta de la verificación
 * (cal_carpeta, visible en la caja en la misma ruta). Se juzga lo que se ve desde fuera:
 *   - las cuentas: cada «<palabras> <ruta>» se compara con una cuenta de referencia hecha
 *     aquí, con código propio (contar_referencia: la semántica de bytes.split() de Python,
 *     sobre el archivo entero y no por trozos), sobre archivos hechos para cazar fallos
 *     reales: palabras cortadas por la frontera de 64 KiB, sin salto final, solo espacios,
 *     vacío, CRLF, NUL y bytes ≥ 0x80, una palabra de más de 1 MiB, miles de archivos;
 *   - FIFOs dadas como archivos: el calificador escribe en ellas a su ritmo, así que decide
 *     cuándo termina cada una, ve por /proc cuántas tiene abiertas el programa a la vez
 *     (cal_abiertos: el tope de -j) y comprueba que el progreso nunca dice haber leído más
 *     de lo que se le ha dado;
 *   - cuándo aparece cada línea (se anota al leerla): la espera de -e va a la vez y el
 *     progreso llega cada 200 ms mientras una FIFO tarda en llenarse (el bucle no se
 *     bloquea);
 *   - la memoria máxima (VmHWM) con un archivo de 200 MB, el código de salida, SIGINT y
 *     valgrind.
 * Las tolerancias de tiempo son amplias: la máquina puede estar ocupada. Los puntos y las
 * pistas están en ../lab.json; la tabla requisito → verificación, en ../README.md. Los
 * mutantes de autograder/mutantes/08-contador-palabras pierden exactamente las
 * verificaciones de su cabecera.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "calificador/calificador.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINEAS   8192
#define MAX_ARCHIVOS 2200
#define TROZO        (64 * 1024)

/* ------------------------------------------------------------------ referencia */

/* Espacio ASCII como en bytes.split(): espacio, \t, \n, \v, \f y \r. Nada más. */
static int espacio(unsigned char b)
{
    return b == ' ' || (b >= '\t' && b <= '\r');
}

/* Palabras de `n` bytes según bytes.split(): rachas máximas de bytes que no son espacio. */
static uint64_t contar_referencia(const unsigned char *p, size_t n)
{
    uint64_t palabras = 0;
    for (size_t i = 0; i < n; i++)
        if (!espacio(p[i]) && (i == 0 || espacio(p[i - 1])))
            palabras++;
    return palabras;
}

/* Generador xorshift con semilla nueva en cada calificación (getrandom): el calificador se
 * puede leer, así que el contenido de los archivos al azar no debe poder saberse de antemano
 * (una entrega que imprimiera las cuentas de memoria no acertaría). Las propiedades que se
 * juzgan (palabras que cruzan cada frontera, bloques que acaban en espacio) no dependen de la
 * semilla: se imponen después. Si getrandom falla, una semilla fija. */
static uint64_t azar_estado;
static uint64_t azar(void)
{
    if (azar_estado == 0 &&
        getrandom(&azar_estado, sizeof azar_estado, 0) != (ssize_t)sizeof azar_estado)
        azar_estado = 0x9e3779b97f4a7c15ull;
    if (azar_estado == 0)
        azar_estado = 1;
    azar_estado ^= azar_estado << 13;
    azar_estado ^= azar_estado >> 7;
    azar_estado ^= azar_estado << 17;
    return azar_estado;
}

/* ------------------------------------------------------------------ archivos */

typedef struct {
    char ruta[1200];
    uint64_t palabras;
    int fd; /* FIFO: el extremo de escritura del calificador (-1 si cerrado o no es FIFO) */
} esperado_t;

/* Escribe `n` bytes en carpeta/nombre (modo 0644) y anota su ruta y su cuenta. 0 o -errno. */
static int escribir(const char *carpeta, const char *nombre, const void *datos, size_t n,
                    esperado_t *e)
{
    snprintf(e->ruta, sizeof e->ruta, "%s/%s", carpeta, nombre);
    e->palabras = contar_referencia(datos, n);
    e->fd = -1;
    int fd = open(e->ruta, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    const char *p = datos;
    size_t hecho = 0;
    while (hecho < n) {
        ssize_t w = write(fd, p + hecho, n - hecho);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e2 = errno;
            close(fd);
            return -e2;
        }
        hecho += (size_t)w;
    }
    close(fd);
    return 0;
}

static int escribir_texto(const char *carpeta, const char *nombre, const char *texto, esperado_t *e)
{
    return escribir(carpeta, nombre, texto, strlen(texto), e);
}

/* Crea la FIFO carpeta/nombre y abre su extremo de escritura (el programa que la abra para
 * leer espera datos hasta que se escriba o se cierre). 0 o -errno. */
static int fifo(const char *carpeta, const char *nombre, esperado_t *e)
{
    e->palabras = 0;
    e->fd = -1;
    int r = cal_fifo(carpeta, nombre, e->ruta, sizeof e->ruta);
    if (r < 0)
        return r;
    r = cal_fifo_abrir(e->ruta);
    if (r < 0)
        return r;
    e->fd = r;
    return 0;
}

/* Da `texto` a la FIFO (suma sus palabras a lo esperado si `cuenta`; el texto no debe
 * cortar una palabra con lo ya escrito, salvo que se sume a mano). */
static int fifo_dar(esperado_t *e, const char *texto, int cuenta)
{
    if (cuenta)
        e->palabras += contar_referencia((const unsigned char *)texto, strlen(texto));
    long w = cal_fifo_escribir(e->fd, texto, strlen(texto), 2000);
    return w == (long)strlen(texto) ? 0 : -EIO;
}

static void dormir(int ms);

/* Cierra el extremo del calificador: el programa ve fin de archivo. Antes espera (como mucho
 * `max_ms`) a que el programa `p` tenga la FIFO abierta: si se cerrara antes, el programa
 * que la abriera después se quedaría esperando a un escritor que ya no va a llegar (abrir
 * una FIFO para leer espera a que alguien la tenga abierta para escribir). */
static void fifo_cerrar(cal_proceso_t *p, esperado_t *e, int max_ms)
{
    if (e == NULL)
        return;
    uint64_t fin = cal_ahora_ms() + (uint64_t)max_ms;
    while (p != NULL && !cal_termino(p) && cal_abiertos(p, e->ruta) == 0 && cal_ahora_ms() < fin)
        dormir(10);
    if (e->fd >= 0)
        close(e->fd);
    e->fd = -1;
}

/* Carpeta de la verificación (visible en la caja). 0, o -1 ya anotado. */
static int carpeta(const char *nombre, char *ruta, size_t tam)
{
    int r = cal_carpeta(nombre, ruta, tam);
    if (r < 0) {
        cal_obtenido("no se pudo preparar la carpeta de prueba (error del calificador: %s)",
                     strerror(-r));
        return -1;
    }
    return 0;
}

static int fallo_preparar(int r)
{
    cal_obtenido("no se pudieron preparar los archivos (error del calificador: %s)",
                 strerror(r < 0 ? -r : r));
    return 0;
}

/* ------------------------------------------------------------------ lanzar y seguir */

/* Cuándo vio el calificador cada línea de stdout y de stderr del programa. */
static struct {
    cal_proceso_t *p;
    uint64_t lanzado;
    size_t leidos_out, leidos_err;
    int n_out, n_err;
    uint64_t visto_out[MAX_LINEAS];
    uint64_t visto_err[MAX_LINEAS];
} seg;

static void mirar(void)
{
    if (seg.p == NULL)
        return;
    uint64_t ahora = cal_ahora_ms();
    const char *out = cal_salida(seg.p);
    size_t largo = strlen(out);
    for (size_t i = seg.leidos_out; i < largo; i++)
        if (out[i] == '\n' && seg.n_out < MAX_LINEAS)
            seg.visto_out[seg.n_out++] = ahora;
    seg.leidos_out = largo;
    const char *err = cal_errores(seg.p);
    largo = strlen(err);
    for (size_t i = seg.leidos_err; i < largo; i++)
        if (err[i] == '\n' && seg.n_err < MAX_LINEAS)
            seg.visto_err[seg.n_err++] = ahora;
    seg.leidos_err = largo;
}

/* Espera `ms` leyendo la salida a pasos cortos (para fechar cada línea). */
static void dormir(int ms)
{
    uint64_t fin = cal_ahora_ms() + (uint64_t)(ms > 0 ? ms : 0);
    for (uint64_t ahora = cal_ahora_ms(); ahora < fin; ahora = cal_ahora_ms()) {
        cal_esperar(fin - ahora < 10 ? (int)(fin - ahora) : 10);
        mirar();
    }
    mirar();
}

static int esperar_fin(cal_proceso_t *p, int max_ms)
{
    uint64_t fin = cal_ahora_ms() + (uint64_t)(max_ms > 0 ? max_ms : 0);
    while (!cal_termino(p) && cal_ahora_ms() < fin) {
        cal_esperar_fin(p, 10);
        mirar();
    }
    mirar();
    return cal_termino(p);
}

/* «contador arg1 arg2 …» en `buf`, abreviando las rutas largas de la carpeta temporal. */
static void unir(const char *const *args, char *buf, size_t tam)
{
    size_t n = (size_t)snprintf(buf, tam, "contador");
    int i;
    for (i = 0; args[i] != NULL && i < 12 && n < tam - 8; i++) {
        const char *a = args[i];
        const char *barra = strrchr(a, '/');
        int w = barra != NULL && a[0] == '/' ? snprintf(buf + n, tam - n, " …%s", barra)
                                             : snprintf(buf + n, tam - n, " %s", a);
        if (w > 0)
            n += (size_t)w;
    }
    if (args[i] != NULL && n < tam - 8)
        snprintf(buf + n, tam - n, " …");
}

/* Lanza el contador con `args`, viendo la carpeta `dir`. NULL si no se pudo (ya anotado). */
static cal_proceso_t *contador(const char *const *args, const char *dir, double limite_s,
                               int valgrind)
{
    char orden[1024];
    unir(args, orden, sizeof orden);
    cal_nota("Orden: %s%s", valgrind ? "valgrind " : "", orden);
    const char *carpetas[] = {dir, NULL};
    cal_lanzamiento_t l = {.args = args,
                           .limite_s = limite_s,
                           .valgrind = valgrind,
                           .carpetas = dir != NULL ? carpetas : NULL};
    cal_proceso_t *p = NULL;
    int r = cal_lanzar(&l, &p);
    if (r < 0) {
        cal_obtenido("no se pudo lanzar el programa (%s)", strerror(-r));
        return NULL;
    }
    memset(&seg, 0, sizeof seg);
    seg.p = p;
    seg.lanzado = cal_ahora_ms();
    return p;
}

/* ------------------------------------------------------------------ leer la salida */

/* Línea `i` de `texto` (sin '\n') en `buf`. Devuelve 1 si existe. */
static int linea(const char *texto, int i, char *buf, size_t tam)
{
    const char *p = texto;
    for (int k = 0; k < i && p != NULL; k++) {
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    if (p == NULL || *p == '\0')
        return 0;
    const char *fin = strchr(p, '\n');
    size_t largo = fin != NULL ? (size_t)(fin - p) : strlen(p);
    if (largo >= tam)
        largo = tam - 1;
    memcpy(buf, p, largo);
    buf[largo] = '\0';
    return 1;
}

/* ¿Es «<número> <ruta>»? Deja el número y la ruta. */
static int linea_cuenta(const char *l, uint64_t *n, const char **ruta)
{
    if (l[0] < '0' || l[0] > '9')
        return 0;
    char *fin = NULL;
    errno = 0;
    unsigned long long v = strtoull(l, &fin, 10);
    if (errno != 0 || fin == NULL || *fin != ' ' || fin[1] == '\0')
        return 0;
    *n = v;
    *ruta = fin + 1;
    return 1;
}

/* Cuántas líneas de cuenta («<número> <ruta>») hay en stdout. */
static int lineas_de_cuenta(const char *out)
{
    int n = 0;
    char l[1024];
    uint64_t v;
    const char *r;
    for (int i = 0; linea(out, i, l, sizeof l); i++)
        n += linea_cuenta(l, &v, &r);
    return n;
}

/* Espera como mucho `max_ms` a que haya `n` líneas de cuenta. 1 si las hay. */
static int esperar_cuentas(cal_proceso_t *p, int n, int max_ms)
{
    uint64_t fin = cal_ahora_ms() + (uint64_t)max_ms;
    while (lineas_de_cuenta(cal_salida(p)) < n && !cal_termino(p) && cal_ahora_ms() < fin)
        dormir(10);
    return lineas_de_cuenta(cal_salida(p)) >= n;
}

/* Añade «texto» a un informe de fallos acotado. */
static void anadir(char *buf, size_t tam, const char *formato, ...)
    __attribute__((format(printf, 3, 4)));
static void anadir(char *buf, size_t tam, const char *formato, ...)
{
    size_t usados = strlen(buf);
    if (usados + 8 >= tam)
        return;
    va_list ap;
    va_start(ap, formato);
    vsnprintf(buf + usados, tam - usados, formato, ap);
    va_end(ap);
}

/* Compara las líneas de cuenta con lo esperado: cada archivo exactamente una vez, con su
 * número; ninguna línea de cuenta de otra ruta. 1 si todo cuadra; si no, en `motivo` las
 * primeras diferencias. */
static int cuentas_bien(const char *out, const esperado_t *e, int n, char *motivo, size_t tam)
{
    static int vistas[MAX_ARCHIVOS];
    motivo[0] = '\0';
    int mal = 0, extra = 0;
    memset(vistas, 0, sizeof vistas);
    char l[1024];
    uint64_t v;
    const char *ruta;
    for (int i = 0; linea(out, i, l, sizeof l); i++) {
        if (!linea_cuenta(l, &v, &ruta))
            continue;
        int k;
        for (k = 0; k < n; k++)
            if (strcmp(e[k].ruta, ruta) == 0)
                break;
        if (k == n) {
            if (extra++ < 2)
                anadir(motivo, tam, "%sla línea «%.200s» no es de ningún archivo de la prueba",
                       motivo[0] ? "; " : "", l);
            mal++;
            continue;
        }
        if (vistas[k]++ > 0) {
            if (mal < 3)
                anadir(motivo, tam, "%s«…%s» aparece más de una vez", motivo[0] ? "; " : "",
                       strrchr(e[k].ruta, '/'));
            mal++;
        } else if (v != e[k].palabras) {
            if (mal < 3)
                anadir(motivo, tam, "%s«…%s»: %" PRIu64 " palabras, y son %" PRIu64,
                       motivo[0] ? "; " : "", strrchr(e[k].ruta, '/'), v, e[k].palabras);
            mal++;
        }
    }
    int faltan = 0;
    for (int k = 0; k < n; k++)
        if (vistas[k] == 0) {
            if (faltan++ < 3 && mal < 3)
                anadir(motivo, tam, "%sfalta la línea de «…%s» (%" PRIu64 " %s)",
                       motivo[0] ? "; " : "", strrchr(e[k].ruta, '/'), e[k].palabras,
                       e[k].palabras == 1 ? "palabra" : "palabras");
            mal++;
        }
    if (faltan > 3)
        anadir(motivo, tam, " (faltan %d en total)", faltan);
    if (mal == 0)
        snprintf(motivo, tam, "las %d cuentas son exactas", n);
    return mal == 0;
}

/* Busca la línea cuya primera palabra es `prefijo` y la copia en `buf`. 1 si está. */
static int buscar(const char *out, const char *prefijo, char *buf, size_t tam)
{
    return cal_linea(out, prefijo, NULL, 0, buf, tam) >= 0;
}

/* Comprueba TOTAL/MEDIA/MAYOR contra `e` (los `n` archivos leídos; `mayor` el índice que
 * debe salir, -1 si ninguno). */
static int resumen_bien(const char *out, const esperado_t *e, int n, int mayor, char *motivo,
                        size_t tam)
{
    uint64_t suma = 0;
    for (int k = 0; k < n; k++)
        suma += e[k].palabras;
    motivo[0] = '\0';
    char l[1024], esperado[1400];
    int ok = 1;
    snprintf(esperado, sizeof esperado, "TOTAL %" PRIu64 " palabras en %d archivos", suma, n);
    if (cal_contar(out, "TOTAL", NULL) != 1 || !buscar(out, "TOTAL", l, sizeof l) ||
        strcmp(l, esperado) != 0) {
        anadir(motivo, tam, "se esperaba «%s» y se vio «%s»", esperado,
               buscar(out, "TOTAL", l, sizeof l) ? l : "(ninguna línea TOTAL)");
        ok = 0;
    }
    double media = n > 0 ? (double)suma / n : 0.0;
    double vista = -1;
    char resto[64] = "";
    if (buscar(out, "MEDIA", l, sizeof l) &&
        sscanf(l, "MEDIA %lf palabras por archivo%63s", &vista, resto) == 1 &&
        strchr(l, '.') != NULL && strlen(strchr(l, '.')) > 1 && strchr(l, '.')[2] == ' ' &&
        vista - media < 0.0501 && media - vista < 0.0501) {
        /* bien: un decimal y redondeado, a ≤ 0,05 del valor exacto (cualquier criterio vale
         * en un empate exacto x.x5; truncar a décimas se aleja hasta 0,1: 3.1666… → 3.1) */
    } else {
        anadir(motivo, tam, "%sse esperaba «MEDIA %.1f palabras por archivo» y se vio «%s»",
               motivo[0] ? "; " : "", media,
               buscar(out, "MEDIA", l, sizeof l) ? l : "(ninguna línea MEDIA)");
        ok = 0;
    }
    if (mayor >= 0) {
        snprintf(esperado, sizeof esperado, "MAYOR %" PRIu64 " %s", e[mayor].palabras,
                 e[mayor].ruta);
        if (!buscar(out, "MAYOR", l, sizeof l) || strcmp(l, esperado) != 0) {
            anadir(motivo, tam, "%sse esperaba «MAYOR %" PRIu64 " …%s» y se vio «%s»",
                   motivo[0] ? "; " : "", e[mayor].palabras, strrchr(e[mayor].ruta, '/'),
                   buscar(out, "MAYOR", l, sizeof l) ? l : "(ninguna línea MAYOR)");
            ok = 0;
        }
    } else if (cal_contar(out, "MAYOR", NULL) > 0) {
        anadir(motivo, tam, "%ssin archivos leídos no debe haber línea MAYOR",
               motivo[0] ? "; " : "");
        ok = 0;
    }
    if (ok)
        snprintf(motivo, tam, "TOTAL, MEDIA y MAYOR correctos");
    return ok;
}

/* Juicio habitual del final: terminó con `codigo`, cuentas exactas. */
static int final_bien(cal_proceso_t *p, int codigo, const esperado_t *e, int n, char *motivo,
                      size_t tam)
{
    char fin[256];
    if (!cal_termino(p) || cal_codigo(p) != codigo) {
        snprintf(motivo, tam, "%s (se esperaba el código %d)",
                 cal_termino(p) ? cal_describir_fin(p, fin, sizeof fin) : "no terminó a tiempo",
                 codigo);
        return 0;
    }
    return cuentas_bien(cal_salida(p), e, n, motivo, tam);
}

/* ------------------------------------------------------------------ uso incorrecto */

CAL_PRUEBA(uso_incorrecto, 20)
{
    cal_esperado("código 2, un mensaje en stderr que cite el valor erróneo y nada contado");
    char dir[512];
    if (carpeta("uso", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t a;
    int r = escribir_texto(dir, "a.txt", "una dos tres\n", &a);
    if (r < 0)
        CAL_FIN(fallo_preparar(r));
    struct {
        const char *args[5];
        const char *cita;
    } casos[] = {
        {{NULL}, NULL},
        {{"-j", "0", a.ruta, NULL}, "0"},
        {{"-j", "abc", a.ruta, NULL}, "abc"},
        {{"-j", "65", a.ruta, NULL}, "65"},
        {{"-e", "12x", a.ruta, NULL}, "12x"},
    };
    enum { N = sizeof casos / sizeof casos[0] };
    cal_proceso_t *p[N] = {NULL};
    for (int i = 0; i < N; i++) {
        p[i] = contador(casos[i].args, dir, 5, 0);
        if (p[i] == NULL)
            CAL_FIN(0);
    }
    int ok = 1;
    char fallos[2048] = "";
    for (int i = 0; i < N; i++) {
        cal_esperar_fin(p[i], 3000);
        const char *err = cal_errores(p[i]);
        int con_mensaje = strspn(err, " \t\r\n") < strlen(err);
        int cita = casos[i].cita == NULL || strstr(err, casos[i].cita) != NULL;
        int conto = lineas_de_cuenta(cal_salida(p[i])) > 0 ||
                    cal_contar(cal_salida(p[i]), "TOTAL", NULL) > 0;
        if (cal_codigo(p[i]) != 2 || !con_mensaje || !cita || conto) {
            char orden[256], fin[128], extracto[512];
            unir(casos[i].args, orden, sizeof orden);
            anadir(
                fallos, sizeof fallos, "%s«%s»: %s%s%s; stderr:\n%s", fallos[0] ? "\n" : "", orden,
                cal_termino(p[i]) ? cal_describir_fin(p[i], fin, sizeof fin) : "no terminó en 3 s",
                !cita && con_mensaje ? " (el mensaje no cita el valor erróneo)" : "",
                conto ? " (y contó palabras)" : "",
                cal_extracto(err, 3, extracto, sizeof extracto));
            ok = 0;
        }
    }
    cal_obtenido("%s", ok ? "los 5 casos salen con 2 y un mensaje que cita el valor" : fallos);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ cuentas */

CAL_PRUEBA(cuenta_exacta, 20)
{
    cal_esperado("una línea «<palabras> <ruta>» por archivo, con la cuenta de bytes.split() y "
                 "código 0");
    char dir[512];
    if (carpeta("cuentas", dir, sizeof dir) < 0)
        CAL_FIN(0);
    static const char nulos[] = "a\0b c\x80\xff d\xc3\xa1rbol \x01\x7f\x1c \x1f\xa0x\xe2\x80\x83y";
    struct {
        const char *nombre;
        const char *datos;
        size_t n;
    } archivos[] = {
        {"texto.txt", "En un lugar de la Mancha,\n\nde cuyo  nombre   no quiero acordarme.\n", 0},
        {"sin_salto.txt", "termina sin salto de línea", 0},
        {"solo_espacios.txt", " \t\n\r\v\f  \n\n\t", 0},
        {"vacio.txt", "", 0},
        {"crlf.txt", "uno dos\r\ntres\r\n\r\ncuatro\r\n", 0},
        {"binario.dat", nulos, sizeof nulos - 1},
        {"tabuladores.txt", "\ta\tb\vc\fd\re \t ", 0},
    };
    enum { N = sizeof archivos / sizeof archivos[0] };
    esperado_t e[N];
    const char *args[N + 3] = {"-j", "2"};
    for (int i = 0; i < N; i++) {
        size_t n = archivos[i].n > 0 ? archivos[i].n : strlen(archivos[i].datos);
        int r = escribir(dir, archivos[i].nombre, archivos[i].datos, n, &e[i]);
        if (r < 0)
            CAL_FIN(fallo_preparar(r));
        args[i + 2] = e[i].ruta;
    }
    args[N + 2] = NULL;
    cal_proceso_t *p = contador(args, dir, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    esperar_fin(p, 5000);
    char motivo[1024];
    int ok = final_bien(p, 0, e, N, motivo, sizeof motivo);
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 10);
    CAL_FIN(ok);
}

CAL_PRUEBA(resumen, 20)
{
    cal_esperado("TOTAL con la suma y el número de archivos, MEDIA redondeada a un decimal "
                 "(19 / 6 = 3.1666… da 3.2, no 3.1) y MAYOR el primero de la lista en caso de "
                 "empate");
    char dir[512];
    if (carpeta("resumen", dir, sizeof dir) < 0)
        CAL_FIN(0);
    /* El primero de la lista (7 palabras) es una FIFO que el calificador llena cuando los
     * demás ya han terminado: empata con el tercero, pero es el primero de la lista. */
    esperado_t e[6];
    int r = fifo(dir, "primero", &e[0]);
    if (r == 0)
        r = escribir_texto(dir, "b.txt", "dos palabras\n", &e[1]);
    if (r == 0)
        r = escribir_texto(dir, "c.txt", "uno dos tres cuatro cinco seis siete\n", &e[2]);
    if (r == 0)
        r = escribir_texto(dir, "d.txt", "sola", &e[3]);
    if (r == 0)
        r = escribir_texto(dir, "e.txt", "\n\n", &e[4]);
    /* 19 palabras en 6 archivos: 3.1666…, que redondeado es 3.2 y truncado 3.1. */
    if (r == 0)
        r = escribir_texto(dir, "f.txt", "dos mas\n", &e[5]);
    if (r < 0)
        CAL_FIN(fallo_preparar(r));
    const char *args[] = {e[0].ruta, e[1].ruta, e[2].ruta, e[3].ruta, e[4].ruta, e[5].ruta, NULL};
    cal_proceso_t *p = contador(args, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    esperar_cuentas(p, 5, 3000);
    dormir(100);
    fifo_dar(&e[0], "a b c d e f g\n", 1);
    fifo_cerrar(p, &e[0], 3000);
    esperar_fin(p, 4000);
    char motivo[2048], m2[2048];
    int ok = final_bien(p, 0, e, 6, motivo, sizeof motivo);
    int ok2 = ok && resumen_bien(cal_salida(p), e, 6, 0, m2, sizeof m2);
    cal_obtenido("%s", !ok ? motivo : m2);
    if (!ok || !ok2)
        cal_nota_salida(p, 10);
    CAL_FIN(ok && ok2);
}

/* Un archivo de unos 600 KB con palabras al azar en el que una palabra cruza cada frontera
 * de 64 KiB (y en una, una palabra acaba justo en la frontera). */
static unsigned char *texto_frontera(size_t *n)
{
    size_t tam = 9 * TROZO + 777;
    unsigned char *b = malloc(tam);
    if (b == NULL)
        return NULL;
    static const char ws[] = " \t\n\r\v\f";
    size_t i = 0;
    while (i < tam) {
        size_t largo = 1 + azar() % 14;
        for (size_t k = 0; k < largo && i < tam; k++)
            b[i++] = (unsigned char)('a' + azar() % 26);
        size_t huecos = 1 + azar() % 3;
        for (size_t k = 0; k < huecos && i < tam; k++)
            b[i++] = (unsigned char)ws[azar() % 6];
    }
    for (size_t f = TROZO; f + 3 < tam; f += TROZO) {
        /* Palabra cortada: letras a los dos lados de la frontera… */
        memcpy(b + f - 3, "corta", 5);
        if (f == 4 * TROZO) {
            /* …salvo aquí: una palabra que acaba justo en la frontera. */
            memcpy(b + f - 4, "fin ", 4);
        }
    }
    *n = tam;
    return b;
}

CAL_PRUEBA(frontera, 20)
{
    cal_esperado("cuentas exactas con palabras cortadas entre dos lecturas: en cada frontera "
                 "de 64 KiB, en una FIFO que llega a trozos y en una palabra de 1,5 MiB");
    char dir[512];
    if (carpeta("frontera", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[3];
    size_t n = 0;
    unsigned char *t = texto_frontera(&n);
    if (t == NULL)
        CAL_FIN(fallo_preparar(-ENOMEM));
    int r = escribir(dir, "fronteras.txt", t, n, &e[0]);
    free(t);
    size_t largo = 1536 * 1024 + 5;
    unsigned char *g = malloc(largo);
    if (g == NULL)
        CAL_FIN(fallo_preparar(-ENOMEM));
    memset(g, 'x', largo);
    memcpy(g, "a \n", 3);
    memcpy(g + largo - 4, " fin", 4);
    if (r == 0)
        r = escribir(dir, "larga.txt", g, largo, &e[1]);
    free(g);
    if (r == 0)
        r = fifo(dir, "a_trozos", &e[2]);
    if (r < 0)
        CAL_FIN(fallo_preparar(r));
    const char *args[] = {e[0].ruta, e[1].ruta, e[2].ruta, NULL};
    cal_proceso_t *p = contador(args, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Cada trozo llega en una lectura distinta y corta una palabra por la mitad. */
    static const char *trozos[] = {"hola mu", "ndo cru", "el y ", "adi", "ós\n"};
    for (size_t k = 0; k < sizeof trozos / sizeof trozos[0]; k++) {
        dormir(120);
        fifo_dar(&e[2], trozos[k], 0);
    }
    e[2].palabras = 5;
    fifo_cerrar(p, &e[2], 3000);
    esperar_fin(p, 5000);
    char motivo[1024];
    int ok = final_bien(p, 0, e, 3, motivo, sizeof motivo);
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 6);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ carpetas */

CAL_PRUEBA(carpetas, 20)
{
    cal_esperado("cada archivo regular de la carpeta y sus subcarpetas contado una vez, como "
                 "«RUTA/…/nombre» con una sola «/» aunque la RUTA acabe en «/»; los enlaces "
                 "simbólicos no se siguen (uno apunta a la propia carpeta); la lista en orden de "
                 "nombre, con cada subcarpeta en su sitio (se ve en el empate de MAYOR)");
    char dir[512], raiz[600], sub[700], hondo[800], vacia[700];
    if (carpeta("carpetas", dir, sizeof dir) < 0)
        CAL_FIN(0);
    snprintf(raiz, sizeof raiz, "%s/raiz", dir);
    snprintf(sub, sizeof sub, "%s/sub", raiz);
    snprintf(hondo, sizeof hondo, "%s/hondo", sub);
    snprintf(vacia, sizeof vacia, "%s/vacia", raiz);
    if (mkdir(raiz, 0755) < 0 || mkdir(sub, 0755) < 0 || mkdir(hondo, 0755) < 0 ||
        mkdir(vacia, 0755) < 0)
        CAL_FIN(fallo_preparar(-errno));
    /* El orden de la lista: a.txt, b.txt, sub/c.txt, sub/hondo/d.txt, z.txt, suelto.txt.
     * d.txt y z.txt empatan con 6 palabras: MAYOR es d.txt, porque «sub» va antes que
     * «z.txt». Quien deje las subcarpetas para el final (o las recorra antes que nada) pone
     * z.txt delante. z.txt lleva además 256 KiB de espacios: casi siempre acaba después de
     * d.txt (empieza más tarde y son más lecturas), así que aquí un MAYOR que mire quién acabó
     * primero también da d.txt (el empate por orden de llegada lo juzga «resumen»). */
    esperado_t e[6];
    size_t largo_z = 256 * 1024;
    char *z = malloc(largo_z + 32);
    if (z == NULL)
        CAL_FIN(fallo_preparar(-ENOMEM));
    memset(z, ' ', largo_z);
    strcpy(z + largo_z, "zeta zeta zeta zeta zeta zeta\n");
    int r = escribir_texto(raiz, "b.txt", "be be\n", &e[0]);
    if (r == 0)
        r = escribir_texto(raiz, "a.txt", "a\n", &e[1]);
    if (r == 0)
        r = escribir_texto(sub, "c.txt", "ce ce ce\n", &e[2]);
    if (r == 0)
        r = escribir_texto(hondo, "d.txt", "de de de de de de\n", &e[3]);
    if (r == 0)
        r = escribir_texto(dir, "suelto.txt", "uno dos tres cuatro cinco\n", &e[4]);
    if (r == 0)
        r = escribir_texto(raiz, "z.txt", z, &e[5]);
    free(z);
    char enlace[900];
    snprintf(enlace, sizeof enlace, "%s/lazo", sub);
    if (r == 0 && symlink("..", enlace) < 0)
        r = -errno;
    snprintf(enlace, sizeof enlace, "%s/otra_a.txt", raiz);
    if (r == 0 && symlink("a.txt", enlace) < 0)
        r = -errno;
    if (r < 0)
        CAL_FIN(fallo_preparar(r));
    /* La RUTA acaba en «/»: las rutas son «…/raiz/a.txt», no «…/raiz//a.txt». */
    char raiz_barra[700];
    snprintf(raiz_barra, sizeof raiz_barra, "%s/", raiz);
    const char *args[] = {raiz_barra, e[4].ruta, NULL};
    cal_proceso_t *p = contador(args, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    esperar_fin(p, 6000);
    char motivo[1024];
    int ok = final_bien(p, 0, e, 6, motivo, sizeof motivo);
    if (ok) {
        /* Solo la línea MAYOR: TOTAL y MEDIA los juzga «resumen». */
        char l[1024], esperado[1400];
        snprintf(esperado, sizeof esperado, "MAYOR %" PRIu64 " %s", e[3].palabras, e[3].ruta);
        if (!buscar(cal_salida(p), "MAYOR", l, sizeof l) || strcmp(l, esperado) != 0) {
            snprintf(motivo, sizeof motivo,
                     "se esperaba «MAYOR 6 …/sub/hondo/d.txt» (empata con …/z.txt, pero «sub» va "
                     "antes que «z.txt» en la lista) y se vio «%.300s»: la lista no está en orden "
                     "de nombre con cada subcarpeta en su sitio",
                     buscar(cal_salida(p), "MAYOR", l, sizeof l) ? l : "(ninguna línea MAYOR)");
            ok = 0;
        } else {
            snprintf(motivo, sizeof motivo,
                     "los 6 archivos contados, con rutas bien formadas y la lista en orden");
        }
    }
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 10);
    CAL_FIN(ok);
}

CAL_PRUEBA(miles_de_archivos, 30)
{
    cal_esperado("1000 archivos pequeños en 10 carpetas, todos contados y sin errores (con "
                 "como mucho 256 descriptores: abrirlos todos a la vez da EMFILE)");
    /* Nombres cortos: 1000 líneas con la ruta de la carpeta temporal caben de sobra en el
     * tope de la salida (256 KiB). */
    static esperado_t e[1000];
    char dir[512], raiz[600];
    if (carpeta("miles", dir, sizeof dir) < 0)
        CAL_FIN(0);
    snprintf(raiz, sizeof raiz, "%s/l", dir);
    if (mkdir(raiz, 0755) < 0)
        CAL_FIN(fallo_preparar(-errno));
    int k = 0;
    for (int c = 0; c < 10; c++) {
        char sub[700];
        snprintf(sub, sizeof sub, "%s/c%d", raiz, c);
        if (mkdir(sub, 0755) < 0)
            CAL_FIN(fallo_preparar(-errno));
        for (int i = 0; i < 100; i++, k++) {
            char nombre[32], texto[64];
            snprintf(nombre, sizeof nombre, "%02d", i);
            int m = 1 + (int)(azar() % 6);
            texto[0] = '\0';
            for (int w = 0; w < m; w++)
                strcat(texto, w % 2 ? "pa " : "lo\n");
            int r = escribir_texto(sub, nombre, texto, &e[k]);
            if (r < 0)
                CAL_FIN(fallo_preparar(r));
        }
    }
    const char *args[] = {raiz, NULL};
    cal_proceso_t *p = contador(args, dir, 20, 0);
    if (p == NULL)
        CAL_FIN(0);
    esperar_fin(p, 15000);
    char motivo[1024];
    int ok = final_bien(p, 0, e, 1000, motivo, sizeof motivo);
    if (cal_descartados(p) > 0) {
        cal_nota("La salida pasó del tope de 256 KiB (%" PRIu64 " bytes descartados)",
                 cal_descartados(p));
        ok = 0;
    }
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 6);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ errores */

/* ¿Hay en stderr exactamente una línea «ERROR <ruta>: <motivo>» con un motivo en español? */
static int linea_error(const char *err, const char *ruta, char *motivo, size_t tam)
{
    char l[1024], prefijo[600];
    snprintf(prefijo, sizeof prefijo, "ERROR %s: ", ruta);
    int vistas = 0, bien = 0;
    for (int i = 0; linea(err, i, l, sizeof l); i++) {
        if (strncmp(l, prefijo, strlen(prefijo)) != 0)
            continue;
        vistas++;
        const char *m = l + strlen(prefijo);
        bien = strspn(m, " ") < strlen(m) && strcasestr(m, "no such file") == NULL &&
               strcasestr(m, "permission denied") == NULL;
    }
    if (vistas == 1 && bien)
        return 1;
    snprintf(motivo, tam,
             vistas == 0  ? "falta en stderr «ERROR …%s: <motivo>»"
             : vistas > 1 ? "«ERROR …%s» aparece más de una vez"
                          : "el motivo de «ERROR …%s» está vacío o en inglés",
             strrchr(ruta, '/'));
    return 0;
}

CAL_PRUEBA(errores, 20)
{
    cal_esperado("los archivos buenos se cuentan aunque fallen otros en medio; «ERROR <ruta>: "
                 "<motivo>» en stderr por cada fallo; TOTAL de los leídos y código 1; sin "
                 "ninguno leído, «TOTAL 0 palabras en 0 archivos», «MEDIA 0.0 …» y sin MAYOR");
    char dir[512];
    if (carpeta("errores", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[3];
    char falta[1200], cerrado[1200], falta2[1200];
    int r = escribir_texto(dir, "uno.txt", "uno\n", &e[0]);
    if (r == 0)
        r = escribir_texto(dir, "dos.txt", "dos dos\n", &e[1]);
    if (r == 0)
        r = escribir_texto(dir, "tres.txt", "tres tres tres\n", &e[2]);
    esperado_t x;
    if (r == 0)
        r = escribir_texto(dir, "cerrado.txt", "secreto secreto\n", &x);
    if (r == 0 && chmod(x.ruta, 0) < 0)
        r = -errno;
    if (r < 0)
        CAL_FIN(fallo_preparar(r));
    snprintf(cerrado, sizeof cerrado, "%s", x.ruta);
    snprintf(falta, sizeof falta, "%s/no_existe.txt", dir);
    snprintf(falta2, sizeof falta2, "%s/tampoco.txt", dir);
    const char *args[] = {e[0].ruta, falta, e[1].ruta, cerrado, e[2].ruta, NULL};
    cal_proceso_t *p = contador(args, dir, 8, 0);
    const char *args2[] = {falta, falta2, NULL};
    cal_proceso_t *q = p != NULL ? contador(args2, dir, 8, 0) : NULL;
    if (p == NULL || q == NULL)
        CAL_FIN(0);
    cal_esperar_fin(p, 5000);
    cal_esperar_fin(q, 5000);
    char motivo[1024], m[1024];
    int ok = final_bien(p, 1, e, 3, motivo, sizeof motivo);
    if (ok && !linea_error(cal_errores(p), falta, motivo, sizeof motivo))
        ok = 0;
    if (ok && !linea_error(cal_errores(p), cerrado, motivo, sizeof motivo))
        ok = 0;
    if (ok && !resumen_bien(cal_salida(p), e, 3, 2, motivo, sizeof motivo))
        ok = 0;
    if (!ok)
        cal_nota_salida(p, 8);
    int ok2 = 1;
    if (ok) {
        ok2 = final_bien(q, 1, e, 0, m, sizeof m) &&
              resumen_bien(cal_salida(q), e, 0, -1, m, sizeof m);
        if (!ok2) {
            cal_nota("Orden: contador …/no_existe.txt …/tampoco.txt");
            cal_nota_salida(q, 6);
        }
    }
    cal_obtenido("%s", !ok    ? motivo
                       : !ok2 ? m
                              : "los tres buenos contados, dos ERROR, código 1; "
                                "sin ninguno leído, el resumen vacío");
    CAL_FIN(ok && ok2);
}

/* ------------------------------------------------------------------ -j */

CAL_PRUEBA(limite_j, 30)
{
    cal_esperado("con -j 3 y 7 FIFOs que el calificador va llenando de una en una, nunca más "
                 "de 3 abiertas a la vez y 3 en cuanto puede; las 7 contadas");
    char dir[512];
    if (carpeta("limite", dir, sizeof dir) < 0)
        CAL_FIN(0);
    enum { N = 7, J = 3 };
    esperado_t e[N];
    const char *args[N + 3] = {"-j", "3"};
    for (int i = 0; i < N; i++) {
        char nombre[16];
        snprintf(nombre, sizeof nombre, "f%d", i);
        int r = fifo(dir, nombre, &e[i]);
        if (r < 0)
            CAL_FIN(fallo_preparar(r));
        args[i + 2] = e[i].ruta;
    }
    args[N + 2] = NULL;
    cal_proceso_t *p = contador(args, dir, 15, 0);
    if (p == NULL)
        CAL_FIN(0);
    char prefijo[600];
    snprintf(prefijo, sizeof prefijo, "%s/", dir);
    int maximo = 0, lleno = 0;
    char pasos[256] = "";
    /* Sin bwrap, el hijo recién creado es una copia del calificador (con sus extremos de las
     * FIFOs) hasta que cierra los descriptores y hace exec: no se mira en ese momento. */
    dormir(100);
    for (int i = 0; i < N; i++) {
        /* Espera (como mucho 2 s la primera vez, que incluye el arranque y es la que se juzga,
         * y 0,5 s las demás) a que ocupe las plazas que puede; mira a menudo. */
        int quiere = N - i < J ? N - i : J, visto = 0;
        uint64_t fin = cal_ahora_ms() + (i == 0 ? 2000 : 500);
        while (cal_ahora_ms() < fin && !cal_termino(p)) {
            int a = cal_abiertos(p, prefijo);
            if (a > maximo)
                maximo = a;
            if (a > visto)
                visto = a;
            if (visto >= quiere)
                break;
            dormir(15);
        }
        /* Un rato más mirando, por si abre de más. */
        for (int k = 0; k < 6 && !cal_termino(p); k++) {
            int a = cal_abiertos(p, prefijo);
            if (a > maximo)
                maximo = a;
            dormir(15);
        }
        if (i == 0)
            lleno = visto >= J;
        anadir(pasos, sizeof pasos, "%s%d", i > 0 ? " " : "", visto);
        char texto[64] = "";
        for (int w = 0; w <= i; w++)
            strcat(texto, "palabra ");
        fifo_dar(&e[i], texto, 1);
        fifo_cerrar(p, &e[i], 3000);
    }
    esperar_fin(p, 5000);
    char motivo[1024];
    int ok = final_bien(p, 0, e, N, motivo, sizeof motivo);
    if (ok && maximo > J)
        snprintf(motivo, sizeof motivo, "llegó a tener %d FIFOs abiertas a la vez (el tope es %d)",
                 maximo, J);
    else if (ok && !lleno)
        snprintf(motivo, sizeof motivo,
                 "al empezar solo tenía abiertas %s (se esperaban %d a la vez: las plazas de "
                 "-j se usan todas)",
                 pasos, J);
    else if (ok)
        snprintf(motivo, sizeof motivo, "como mucho %d abiertas; en cada paso: %s", maximo, pasos);
    ok = ok && maximo <= J && lleno;
    cal_obtenido("%s", motivo);
    if (!ok) {
        cal_nota("Abiertas vistas en cada paso (antes de llenar cada FIFO): %s", pasos);
        cal_nota_salida(p, 6);
    }
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ -e */

/* Milisegundos desde el lanzamiento hasta la línea de cuenta número `k` (0, 1…), o -1. */
static long instante_cuenta(const char *out, int k)
{
    char l[1024];
    uint64_t v;
    const char *r;
    int vistas = 0;
    for (int i = 0; linea(out, i, l, sizeof l); i++)
        if (linea_cuenta(l, &v, &r) && vistas++ == k)
            return i < seg.n_out ? (long)(seg.visto_out[i] - seg.lanzado) : -1;
    return -1;
}

CAL_PRUEBA(espera, 20)
{
    cal_esperado("con -j 5 -e 400, los 5 archivos se informan a la vez, hacia los 400 ms (no "
                 "uno tras otro: 2 s); con -j 2 -e 400 y 4 archivos, la espera ocupa la plaza: "
                 "dos tandas, hacia 400 y 800 ms");
    char dir[512];
    if (carpeta("espera", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[5];
    for (int i = 0; i < 5; i++) {
        char nombre[16], texto[64];
        snprintf(nombre, sizeof nombre, "e%d.txt", i);
        snprintf(texto, sizeof texto, "archivo numero %d\n", i);
        int r = escribir_texto(dir, nombre, texto, &e[i]);
        if (r < 0)
            CAL_FIN(fallo_preparar(r));
    }
    const char *args[] = {"-j",      "5",       "-e",      "400",     e[0].ruta,
                          e[1].ruta, e[2].ruta, e[3].ruta, e[4].ruta, NULL};
    cal_proceso_t *p = contador(args, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    esperar_fin(p, 5000);
    char motivo[1024];
    int ok = final_bien(p, 0, e, 5, motivo, sizeof motivo);
    long primero = instante_cuenta(cal_salida(p), 0), ultimo = instante_cuenta(cal_salida(p), 4);
    if (ok && (primero < 330 || ultimo > 1500)) {
        snprintf(motivo, sizeof motivo,
                 "la primera línea llegó a los %ld ms y la quinta a los %ld ms del arranque (se "
                 "esperaban todas entre 330 y 1500 ms)",
                 primero, ultimo);
        ok = 0;
    }
    if (!ok) {
        cal_obtenido("%s", motivo);
        cal_nota_salida(p, 8);
        CAL_FIN(0);
    }
    const char *args2[] = {"-j",      "2",       "-e",      "400", e[0].ruta,
                           e[1].ruta, e[2].ruta, e[3].ruta, NULL};
    p = contador(args2, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    esperar_fin(p, 5000);
    ok = final_bien(p, 0, e, 4, motivo, sizeof motivo);
    long segundo = instante_cuenta(cal_salida(p), 1), tercero = instante_cuenta(cal_salida(p), 2);
    if (ok && (segundo < 330 || tercero < 720 || tercero > 2500)) {
        snprintf(motivo, sizeof motivo,
                 "con -j 2: la segunda línea a los %ld ms y la tercera a los %ld ms (se "
                 "esperaban ≥ 330 ms y entre 720 y 2500 ms: la tercera espera plaza)",
                 segundo, tercero);
        ok = 0;
    }
    if (ok)
        snprintf(motivo, sizeof motivo,
                 "-j 5: de %ld a %ld ms; -j 2: la tercera tanda a los %ld ms", primero, ultimo,
                 tercero);
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 8);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ -p */

CAL_PRUEBA(progreso, 20)
{
    cal_esperado("con -p, «PROGRESO <leídos> de <totales>» en stderr cada 200 ms también "
                 "mientras una FIFO tarda 1,4 s en recibir más datos (el bucle no se bloquea); "
                 "<totales> = 100000 (el archivo regular; la FIFO no tiene tamaño) y <leídos> "
                 "nunca más de lo dado");
    char dir[512];
    if (carpeta("progreso", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[2];
    char *datos = malloc(100000);
    if (datos == NULL)
        CAL_FIN(fallo_preparar(-ENOMEM));
    /* Periodo 8: la frontera de 64 KiB cae entre palabras (esto no juzga el corte). */
    for (int i = 0; i < 100000; i++)
        datos[i] = i % 8 == 7 ? '\n' : i % 4 == 3 ? ' ' : 'p';
    int r = escribir(dir, "regular.txt", datos, 100000, &e[0]);
    free(datos);
    if (r == 0)
        r = fifo(dir, "lenta", &e[1]);
    if (r < 0)
        CAL_FIN(fallo_preparar(r));
    const char *args[] = {"-p", "-j", "2", e[0].ruta, e[1].ruta, NULL};
    cal_proceso_t *p = contador(args, dir, 12, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Dado hasta cada instante (desde el lanzamiento): 1000 B al empezar, 2000 más a 1,4 s. */
    char trozo[3001];
    for (int i = 0; i < 3000; i++)
        trozo[i] = i % 10 == 9 ? '\n' : 'q';
    trozo[1000] = '\0';
    fifo_dar(&e[1], trozo, 1);
    uint64_t t_segundo_envio;
    dormir(1400);
    for (int i = 0; i < 2000; i++)
        trozo[i] = i % 10 == 9 ? '\n' : 'r';
    trozo[2000] = '\0';
    t_segundo_envio = cal_ahora_ms();
    fifo_dar(&e[1], trozo, 1);
    dormir(600);
    uint64_t t_cierre = cal_ahora_ms();
    fifo_cerrar(p, &e[1], 3000);
    esperar_fin(p, 4000);
    char motivo[1024];
    int ok = final_bien(p, 0, e, 2, motivo, sizeof motivo);
    /* Las líneas PROGRESO entre los 500 ms y el cierre de la FIFO. */
    const char *err = cal_errores(p);
    char l[1024];
    int n = 0, mal_formato = 0, de_mas = 0, retrocede = 0;
    /* El hueco se mide también desde el principio de la ventana (500 ms) hasta la primera
     * línea y desde la última hasta el cierre: sin ninguna línea, el hueco es la ventana. */
    uint64_t anterior_t = seg.lanzado + 500, hueco = 0, ultimo = 0;
    unsigned long long visto_101000 = 0;
    for (int i = 0; linea(err, i, l, sizeof l) && i < seg.n_err; i++) {
        if (strncmp(l, "PROGRESO", 8) != 0)
            continue;
        unsigned long long a, b;
        char resto[8];
        if (sscanf(l, "PROGRESO %llu de %llu%7s", &a, &b, resto) != 2 || b != 100000) {
            if (mal_formato++ == 0)
                cal_nota("Línea con otro formato o otro total: «%.120s»", l);
            continue;
        }
        uint64_t t = seg.visto_err[i];
        unsigned long long dado = 101000 + (t >= t_segundo_envio ? 2000 : 0);
        if (a > dado)
            de_mas++;
        if (a < ultimo)
            retrocede++;
        ultimo = a;
        if (a == 101000 && t < t_segundo_envio)
            visto_101000 = 1;
        if (t < seg.lanzado + 500 || t > t_cierre)
            continue;
        n++;
        if (t - anterior_t > hueco)
            hueco = t - anterior_t;
        anterior_t = t;
    }
    if (t_cierre > anterior_t && t_cierre - anterior_t > hueco)
        hueco = t_cierre - anterior_t;
    if (ok) {
        if (mal_formato > 0 || de_mas > 0 || retrocede > 0)
            snprintf(motivo, sizeof motivo,
                     "líneas PROGRESO: %d con otro formato o total, %d que dicen más de lo dado "
                     "y %d en las que <leídos> baja",
                     mal_formato, de_mas, retrocede);
        else if (n == 0)
            snprintf(motivo, sizeof motivo,
                     "ninguna línea PROGRESO en los %.1f s de espera (se esperaba una cada ~200 "
                     "ms, unas %d): el bucle estuvo parado o el progreso no está en marcha",
                     (double)(t_cierre - seg.lanzado - 500) / 1000,
                     (int)((t_cierre - seg.lanzado - 500) / 200));
        else if (n < 4 || n > 16 || hueco > 900)
            snprintf(motivo, sizeof motivo,
                     "%d %s PROGRESO en los %.1f s de espera (se esperaban unas %d) y un "
                     "hueco máximo de %" PRIu64 " ms (se esperaban ~200, como mucho 900)",
                     n, n == 1 ? "línea" : "líneas", (double)(t_cierre - seg.lanzado - 500) / 1000,
                     (int)((t_cierre - seg.lanzado - 500) / 200), hueco);
        else if (!visto_101000)
            snprintf(motivo, sizeof motivo,
                     "ninguna línea dijo «PROGRESO 101000 de 100000» mientras la FIFO esperaba "
                     "(el archivo regular y los 1000 B dados)");
        else
            snprintf(motivo, sizeof motivo,
                     "%d líneas PROGRESO a tiempo (hueco máximo %" PRIu64 " ms), con lo leído", n,
                     hueco);
        ok = mal_formato == 0 && de_mas == 0 && retrocede == 0 && n >= 4 && n <= 16 &&
             hueco <= 900 && visto_101000;
    }
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 8);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ memoria */

CAL_PRUEBA(memoria, 40)
{
    cal_esperado("un archivo de 200 MB contado exactamente con una memoria residente máxima "
                 "de como mucho 32 MiB (se lee a trozos, nunca entero)");
    char dir[512];
    if (carpeta("memoria", dir, sizeof dir) < 0)
        CAL_FIN(0);
    /* 200 bloques iguales de 1 MiB que empiezan por letra y acaban en espacio: la cuenta
     * del archivo es 200 veces la de un bloque. */
    size_t tam = 1024 * 1024;
    unsigned char *bloque = malloc(tam);
    if (bloque == NULL)
        CAL_FIN(fallo_preparar(-ENOMEM));
    for (size_t i = 0; i < tam; i++)
        bloque[i] = (azar() % 7 == 0) ? ' ' : (unsigned char)('a' + i % 26);
    bloque[0] = 'z';
    /* Las fronteras de 64 KiB caen entre palabras: aquí solo se juzga la memoria. */
    for (size_t f = TROZO; f <= tam; f += TROZO)
        bloque[f - 1] = '\n';
    esperado_t e[2];
    snprintf(e[0].ruta, sizeof e[0].ruta, "%s/grande.txt", dir);
    e[0].palabras = 200 * contar_referencia(bloque, tam);
    e[0].fd = -1;
    int fd = open(e[0].ruta, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int r = fd < 0 ? -errno : 0;
    for (int i = 0; i < 200 && r == 0; i++)
        if (write(fd, bloque, tam) != (ssize_t)tam)
            r = -EIO;
    if (fd >= 0)
        close(fd);
    free(bloque);
    if (r == 0)
        r = fifo(dir, "ultima", &e[1]);
    if (r < 0)
        CAL_FIN(fallo_preparar(r));
    /* La FIFO mantiene vivo al programa después del archivo grande: da tiempo a medir. */
    const char *args[] = {e[0].ruta, e[1].ruta, NULL};
    cal_proceso_t *p = contador(args, dir, 25, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* 200 MB se leen en menos de un segundo; si el archivo grande no ha salido en 6 s (un
     * bucle bloqueado en la FIFO, por ejemplo), se sigue igual: aquí se juzga la memoria. */
    esperar_cuentas(p, 1, 6000);
    dormir(300);
    fifo_dar(&e[1], "fin\n", 1);
    fifo_cerrar(p, &e[1], 3000);
    esperar_fin(p, 4000);
    char motivo[1024];
    int ok = final_bien(p, 0, e, 2, motivo, sizeof motivo);
    uint64_t pico = cal_memoria_pico_kib(p);
    if (ok && (pico == 0 || pico > 32 * 1024))
        snprintf(motivo, sizeof motivo,
                 pico == 0 ? "no se pudo medir la memoria (%" PRIu64 ")"
                           : "memoria residente máxima de %" PRIu64 " KiB (más de 32 MiB)",
                 pico);
    else if (ok)
        snprintf(motivo, sizeof motivo, "cuenta exacta con %" PRIu64 " KiB de memoria máxima",
                 pico);
    ok = ok && pico > 0 && pico <= 32 * 1024;
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 6);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ SIGINT */

/* Una pasada de Ctrl+C: lanza `args`, espera a dos líneas de cuenta, manda SIGINT y juzga
 * (130 en ≤ 1,5 s, un resumen de las líneas ya impresas y ninguna después). `e`: los `n`
 * archivos regulares de la orden. Si `fifo` no es NULL es una FIFO de la orden en la que
 * no se escribe nada (su lectura se queda atascada en el pool); entonces, si en 4 s no hay
 * ni dos líneas de cuenta ni una de PROGRESO, el bucle está bloqueado (una lectura
 * síncrona): eso lo juzga «progreso», así que se marca `*bloqueado` y no se juzga aquí.
 * 1 si está bien; si no, el porqué en `motivo`. */
static int pasada_sigint(const char *const *args, const char *dir, const esperado_t *e, int n,
                         esperado_t *fifo, int *bloqueado, char *motivo, size_t tam)
{
    cal_proceso_t *p = contador(args, dir, 10, 0);
    if (p == NULL) {
        snprintf(motivo, tam, "no se pudo lanzar el programa");
        return 0;
    }
    int dos = esperar_cuentas(p, 2, 4000);
    if (!dos && fifo != NULL && !cal_termino(p) &&
        cal_contar(cal_errores(p), "PROGRESO", NULL) == 0) {
        *bloqueado = 1;
        cal_matar(p);
        fifo_cerrar(NULL, fifo, 0);
        return 0;
    }
    if (cal_termino(p)) {
        char fin[128];
        snprintf(motivo, tam,
                 "el programa ya había terminado (%s) antes de recibir SIGINT, con %d líneas de "
                 "cuenta: así no se puede ver qué hace con Ctrl+C",
                 cal_describir_fin(p, fin, sizeof fin), lineas_de_cuenta(cal_salida(p)));
        cal_nota_salida(p, 8);
        fifo_cerrar(NULL, fifo, 0);
        return 0;
    }
    if (!dos) {
        snprintf(motivo, tam, "no llegaron dos líneas de cuenta en 4 s (había %d)",
                 lineas_de_cuenta(cal_salida(p)));
        cal_nota_salida(p, 6);
        cal_matar(p);
        fifo_cerrar(NULL, fifo, 0);
        return 0;
    }
    /* La segunda línea sale al acabar una espera de -e; justo entonces el archivo siguiente
     * aún se está leyendo y ninguno espera. A mitad de su espera (150 ms de 300) la señal
     * llega seguro con uno esperando, que es lo que aquí se juzga. */
    dormir(150);
    uint64_t senal = cal_ahora_ms();
    cal_senal(p, SIGINT);
    int termino = esperar_fin(p, 3000);
    uint64_t tardo = cal_ahora_ms() - senal;
    /* Ya no hace falta: si el programa sigue vivo, así acaba su lectura. */
    if (fifo != NULL)
        fifo_cerrar(NULL, fifo, 0);
    if (!termino)
        esperar_fin(p, 1000);
    int ok = termino && cal_codigo(p) == 130 && tardo <= 1500;
    if (!ok) {
        char fin[128];
        if (termino)
            snprintf(motivo, tam,
                     "%s a los %.1f s de SIGINT (se esperaba el código 130 en ≤ 1,5 s)",
                     cal_describir_fin(p, fin, sizeof fin), (double)tardo / 1000);
        else
            snprintf(motivo, tam,
                     "seguía vivo a los %.1f s de SIGINT (se esperaba el código 130 en ≤ 1,5 s)%s",
                     (double)tardo / 1000,
                     fifo != NULL ? ": con una lectura de FIFO atascada en el pool, hay que salir "
                                    "igual (ver «Ctrl+C» en el enunciado)"
                                  : "");
    }
    /* El resumen: de las líneas de cuenta que salieron, todas correctas, y solo de ellas. */
    esperado_t vistos[8];
    int nv = 0;
    char l[1024];
    uint64_t v;
    const char *ruta;
    const char *out = cal_salida(p);
    /* Una línea de cuenta que llega más de 400 ms después de la señal es que siguió
     * contando (con -e 300, quien no pare da otra línea hacia los 600 ms: dos esperas no
     * caben antes; el margen cubre una máquina cargada). Las de antes valen aunque sean
     * todas: si no respeta -j, acaban todas a la vez, y eso no es de aquí. */
    int tras_total = 0, total_visto = 0, tarde = 0;
    for (int i = 0; ok && linea(out, i, l, sizeof l); i++) {
        if (strncmp(l, "TOTAL ", 6) == 0)
            total_visto = 1;
        if (!linea_cuenta(l, &v, &ruta))
            continue;
        if (total_visto)
            tras_total++;
        if (i < seg.n_out && seg.visto_out[i] > senal + 400)
            tarde++;
        for (int k = 0; k < n; k++)
            if (strcmp(e[k].ruta, ruta) == 0 && nv < 8)
                vistos[nv++] = e[k];
    }
    if (ok && (tarde > 0 || tras_total > 0)) {
        snprintf(motivo, tam,
                 tras_total > 0 ? "hubo líneas de cuenta después del resumen"
                                : "siguió contando después de SIGINT (%d líneas de cuenta más de "
                                  "400 ms después de la señal)",
                 tarde);
        ok = 0;
    }
    if (ok && !cuentas_bien(out, vistos, nv, motivo, tam))
        ok = 0;
    int mayor = 0;
    for (int k = 1; k < nv; k++)
        if (vistos[k].palabras > vistos[mayor].palabras)
            mayor = k;
    if (ok && !resumen_bien(out, vistos, nv, nv > 0 ? mayor : -1, motivo, tam))
        ok = 0;
    if (ok)
        snprintf(motivo, tam, "paró en %.1f s con código 130 y el resumen de %d archivos",
                 (double)tardo / 1000, nv);
    else
        cal_nota_salida(p, 8);
    return ok;
}

CAL_PRUEBA(sigint, 25)
{
    cal_esperado("con «-p -j 2 -e 300» y una FIFO sin datos entre los archivos, Ctrl+C tras "
                 "la segunda línea: sale enseguida (≤ 1,5 s) con 130, aunque la lectura de la "
                 "FIFO siga atascada, tras imprimir el resumen de lo que ya terminó");
    char dir[512];
    if (carpeta("sigint", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[5], f;
    for (int i = 0; i < 5; i++) {
        char nombre[16], texto[64] = "";
        snprintf(nombre, sizeof nombre, "s%d.txt", i);
        /* 2, 4, 6…: la media de los primeros es entera (aquí no se juzga el redondeo). */
        for (int w = 0; w <= i; w++)
            strcat(texto, "hola que ");
        int r = escribir_texto(dir, nombre, texto, &e[i]);
        if (r < 0)
            CAL_FIN(fallo_preparar(r));
    }
    int r = fifo(dir, "atascada", &f);
    if (r < 0)
        CAL_FIN(fallo_preparar(r));
    /* Una plaza se queda con la FIFO (nadie escribe en ella); por la otra pasan los archivos
     * de uno en uno, 300 ms cada uno: la señal llega con uno esperando. La FIFO también
     * mantiene vivo el programa si no respeta -j o -e (eso lo juzgan «limite_j» y «espera»):
     * no termina antes de la señal. */
    const char *args[] = {"-p",   "-j",      "2",       "-e",      "300",     e[0].ruta,
                          f.ruta, e[1].ruta, e[2].ruta, e[3].ruta, e[4].ruta, NULL};
    char motivo[1024];
    int bloqueado = 0;
    int ok = pasada_sigint(args, dir, e, 5, &f, &bloqueado, motivo, sizeof motivo);
    if (bloqueado) {
        cal_nota("Con la FIFO, el bucle quedó parado (ni líneas de cuenta ni PROGRESO en 4 s): "
                 "eso lo juzga «progreso». Ctrl+C se juzga aquí sin FIFO.");
        const char *args2[] = {"-j",      "1",       "-e",      "300",     e[0].ruta,
                               e[1].ruta, e[2].ruta, e[3].ruta, e[4].ruta, NULL};
        ok = pasada_sigint(args2, dir, e, 5, NULL, &bloqueado, motivo, sizeof motivo);
    }
    cal_obtenido("%s", motivo);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ valgrind */

CAL_PRUEBA(valgrind, 60)
{
    cal_esperado("bajo valgrind, con una carpeta, un archivo que no existe, otro que no se "
                 "puede abrir (sin permiso), -e y -p: cuentas exactas, código 1, «ERROR SUMMARY: "
                 "0 errors» y sin fugas");
    char dir[512], sub[600], falta[600];
    if (carpeta("valgrind", dir, sizeof dir) < 0)
        CAL_FIN(0);
    snprintf(sub, sizeof sub, "%s/docs", dir);
    if (mkdir(sub, 0755) < 0)
        CAL_FIN(fallo_preparar(-errno));
    esperado_t e[3];
    int r = escribir_texto(sub, "a.txt", "alfa beta\n", &e[0]);
    if (r == 0)
        r = escribir_texto(sub, "b.txt", "gamma delta epsilon", &e[1]);
    if (r == 0)
        r = escribir_texto(dir, "c.txt", "\n", &e[2]);
    /* Existe (entra en la lista) pero uv_fs_open falla: el camino de error de la apertura,
     * con lo que ya se había reservado para ese archivo. */
    esperado_t cerrado;
    if (r == 0)
        r = escribir_texto(dir, "cerrado.txt", "no se lee\n", &cerrado);
    if (r == 0 && chmod(cerrado.ruta, 0) < 0)
        r = -errno;
    if (r < 0)
        CAL_FIN(fallo_preparar(r));
    snprintf(falta, sizeof falta, "%s/no_existe.txt", dir);
    const char *args[] = {"-p", "-e", "50", sub, falta, cerrado.ruta, e[2].ruta, NULL};
    cal_proceso_t *p = contador(args, dir, 40, 1);
    if (p == NULL)
        CAL_FIN(0);
    esperar_fin(p, 35000);
    char motivo[1024], mv[512];
    int ok = final_bien(p, 1, e, 3, motivo, sizeof motivo);
    int limpio = cal_valgrind_veredicto(p, mv, sizeof mv);
    cal_obtenido("%s; %s", motivo, mv);
    if (!ok || !limpio) {
        cal_valgrind_nota(p);
        cal_nota_salida(p, 6);
    }
    CAL_FIN(ok && limpio);
}
