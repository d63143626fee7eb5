/* comun.c — las ayudas de las verificaciones del contador (ver comun.h).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ referencia */

/* Espacio ASCII como en bytes.split(): espacio, \t, \n, \v, \f y \r. Nada más. */
int cont_espacio(unsigned char b)
{
    return b == ' ' || (b >= '\t' && b <= '\r');
}

/* Palabras de `n` bytes según bytes.split(): rachas máximas de bytes que no son espacio. */
uint64_t cont_contar_referencia(const unsigned char *p, size_t n)
{
    uint64_t palabras = 0;
    for (size_t i = 0; i < n; i++)
        if (!cont_espacio(p[i]) && (i == 0 || cont_espacio(p[i - 1])))
            palabras++;
    return palabras;
}

/* Generador xorshift con semilla nueva en cada calificación (cal_azar): el calificador se
 * puede leer, así que el contenido de los archivos al azar no debe poder saberse de antemano
 * (una entrega que imprimiera las cuentas de memoria no acertaría). Las propiedades que se
 * juzgan (palabras que cruzan cada frontera, bloques que acaban en espacio) no dependen de la
 * semilla: se imponen después. Un generador propio y no cal_azar por valor: los archivos
 * son megabytes, y una llamada al sistema por byte no cabe. */
static uint64_t azar_estado;
uint64_t cont_azar(void)
{
    if (azar_estado == 0)
        azar_estado = (uint64_t)cal_azar(1, INT64_MAX);
    if (azar_estado == 0)
        azar_estado = 1;
    azar_estado ^= azar_estado << 13;
    azar_estado ^= azar_estado >> 7;
    azar_estado ^= azar_estado << 17;
    return azar_estado;
}

/* ------------------------------------------------------------------ archivos */

/* Escribe `n` bytes en carpeta/nombre (modo 0644) y anota su ruta y su cuenta. 0 o -errno. */
int cont_escribir(const char *carpeta, const char *nombre, const void *datos, size_t n,
                  esperado_t *e)
{
    snprintf(e->ruta, sizeof e->ruta, "%s/%s", carpeta, nombre);
    e->palabras = cont_contar_referencia(datos, n);
    e->bytes = n;
    e->fd = -1;
    e->es_fifo = 0;
    /* La carpeta es de la entrega: sin seguir lo que haya dejado con ese nombre. */
    int fd = cal_crear_archivo(e->ruta, 0644);
    if (fd < 0)
        return fd;
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

/* El calificador se puede leer: un texto fijo escrito tal cual daría su cuenta de antemano, y
 * una entrega que no lee nada la imprimiría por el nombre del archivo (antes, 32/100 sin abrir
 * ni un archivo). Por eso todo texto que el calificador da al programa pasa por `oculto`: cada
 * palabra se queda y detrás van k − 1 palabras al azar (k, el mismo en toda la verificación y
 * nuevo en cada una), así que cada cuenta es k veces la de diseño y lo que se juzga se
 * conserva (empates, qué es espacio, bytes raros dentro de una palabra, el final sin salto, los
 * archivos sin palabras). k ≡ 1 (mod 3): 19k / 6, la MEDIA de «resumen», redondeada a una
 * décima sigue siendo distinta de truncada. Y, en un archivo que no está vacío, delante un
 * bloque de espacios de largo al azar: el tamaño (uv_fs_stat, sin leer) no dice k. */
static uint64_t multiplicador(void)
{
    static uint64_t k;
    if (k == 0)
        k = 3 * (1 + cont_azar() % 30) + 1; /* 4, 7, …, 91 */
    return k;
}

/* `n` bytes de `datos` con las palabras multiplicadas (y, si `relleno`, el bloque de
 * espacios delante). Memoria nueva (NULL sin memoria); su largo en *largo. */
static unsigned char *oculto(const unsigned char *datos, size_t n, int relleno, size_t *largo)
{
    uint64_t k = multiplicador();
    size_t delante = relleno && n > 0 ? (size_t)(cont_azar() % 8192) : 0;
    size_t tam = delante + n * (size_t)(1 + 12 * k) + 1, u = 0;
    unsigned char *o = malloc(tam);
    if (o == NULL)
        return NULL;
    for (size_t i = 0; i < delante; i++)
        o[u++] = cont_azar() % 16 == 0 ? '\n' : ' ';
    for (size_t i = 0; i < n; i++) {
        o[u++] = datos[i];
        /* Al acabar una palabra de diseño: sus k − 1 compañeras, cada una tras un espacio. */
        if (!cont_espacio(datos[i]) && (i + 1 == n || cont_espacio(datos[i + 1])))
            for (uint64_t j = 1; j < k; j++) {
                o[u++] = ' ';
                for (size_t l = 1 + cont_azar() % 10; l > 0; l--)
                    o[u++] = (unsigned char)('a' + cont_azar() % 26);
            }
    }
    *largo = u;
    return o;
}

int cont_escribir_datos(const char *carpeta, const char *nombre, const void *datos, size_t n,
                        esperado_t *e)
{
    size_t largo;
    unsigned char *o = oculto(datos, n, 1, &largo);
    if (o == NULL)
        return -ENOMEM;
    int r = cont_escribir(carpeta, nombre, o, largo, e);
    free(o);
    return r;
}

int cont_escribir_texto(const char *carpeta, const char *nombre, const char *texto, esperado_t *e)
{
    return cont_escribir_datos(carpeta, nombre, texto, strlen(texto), e);
}

int cont_escribir_pegado(const char *carpeta, const char *nombre, const char *texto, esperado_t *e)
{
    size_t largo;
    unsigned char *o = oculto((const unsigned char *)texto, strlen(texto), 0, &largo);
    if (o == NULL)
        return -ENOMEM;
    int r = cont_escribir(carpeta, nombre, o, largo, e);
    free(o);
    return r;
}

/* Crea la FIFO carpeta/nombre y abre su extremo de escritura (el programa que la abra para
 * leer espera datos hasta que se escriba o se cierre). 0 o -errno. */
int cont_fifo(const char *carpeta, const char *nombre, esperado_t *e)
{
    e->palabras = 0;
    e->bytes = 0;
    e->fd = -1;
    e->es_fifo = 1;
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
int cont_fifo_dar(esperado_t *e, const char *texto, int cuenta)
{
    if (!cuenta)
        return cont_fifo_dar_bytes(e, texto, strlen(texto), 0);
    size_t largo;
    unsigned char *o = oculto((const unsigned char *)texto, strlen(texto), 0, &largo);
    if (o == NULL)
        return -ENOMEM;
    int r = cont_fifo_dar_bytes(e, o, largo, 1);
    free(o);
    return r;
}

int cont_fifo_dar_bytes(esperado_t *e, const void *datos, size_t n, int cuenta)
{
    if (cuenta)
        e->palabras += cont_contar_referencia(datos, n);
    long w = cal_fifo_escribir(e->fd, datos, n, 2000);
    return w == (long)n ? 0 : -EIO;
}

/* Cierra el extremo del calificador: el programa ve fin de archivo. Antes espera (como mucho
 * `max_ms`) a que el programa `p` tenga la FIFO abierta: si se cerrara antes, el programa
 * que la abriera después se quedaría esperando a un escritor que ya no va a llegar (abrir
 * una FIFO para leer espera a que alguien la tenga abierta para escribir). */
void cont_fifo_cerrar(cal_proceso_t *p, esperado_t *e, int max_ms)
{
    if (e == NULL)
        return;
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    while (p != NULL && !cal_termino(p) && cal_abiertos(p, e->ruta) == 0 && !plazo_vencido(&plazo))
        cal_esperar(10);
    if (e->fd >= 0)
        close(e->fd);
    e->fd = -1;
}

/* Carpeta de la verificación (visible en la caja). 0, o -1 ya anotado. */
int cont_carpeta(const char *nombre, char *ruta, size_t tam)
{
    int r = cal_carpeta(nombre, ruta, tam);
    if (r < 0) {
        cal_obtenido("no se pudo preparar la carpeta de prueba (error del calificador: %s)",
                     strerror(-r));
        return -1;
    }
    return 0;
}

int cont_fallo_preparar(int r)
{
    cal_obtenido("no se pudieron preparar los archivos (error del calificador: %s)",
                 strerror(r < 0 ? -r : r));
    return 0;
}

/* ------------------------------------------------------------------ lanzar y seguir */

seguimiento_t cont_seg;

/* «contador arg1 arg2 …» en `buf`, abreviando las rutas largas de la carpeta temporal. */
void cont_unir(const char *const *args, char *buf, size_t tam)
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

/* Lanza el contador con `args`, viendo la carpeta `dir`. NULL si no se pudo (cal_lanzar lo anota, y
 * la orden). */
cal_proceso_t *cont_lanzar(const char *const *args, const char *dir, double limite_s, int valgrind)
{
    const char *carpetas[] = {dir, NULL};
    cal_lanzamiento_t l = {.args = args,
                           .limite_s = limite_s,
                           .valgrind = valgrind,
                           .carpetas = dir != NULL ? carpetas : NULL};
    cal_proceso_t *p = NULL;
    if (cal_lanzar(&l, &p) < 0)
        return NULL;
    cont_seg.p = p;
    cont_seg.lanzado = cal_ahora_ms();
    return p;
}

/* ------------------------------------------------------------------ leer la salida */

/* Línea `i` de `texto` (sin '\n') en `buf`. Devuelve 1 si existe. */
int cont_linea(const char *texto, int i, char *buf, size_t tam)
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
int cont_linea_cuenta(const char *l, uint64_t *n, const char **ruta)
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
int cont_lineas_de_cuenta(const char *out)
{
    int n = 0;
    char l[1024];
    uint64_t v;
    const char *r;
    for (int i = 0; cont_linea(out, i, l, sizeof l); i++)
        n += cont_linea_cuenta(l, &v, &r);
    return n;
}

/* Espera como mucho `max_ms` a que haya `n` líneas de cuenta. 1 si las hay. */
int cont_esperar_cuentas(cal_proceso_t *p, int n, int max_ms)
{
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    while (cont_lineas_de_cuenta(cal_salida(p)) < n && !cal_termino(p) && !plazo_vencido(&plazo))
        cal_esperar(10);
    return cont_lineas_de_cuenta(cal_salida(p)) >= n;
}

/* Añade «texto» a un informe de fallos acotado. */
void cont_anadir(char *buf, size_t tam, const char *formato, ...)
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
int cont_cuentas_bien(const char *out, const esperado_t *e, int n, char *motivo, size_t tam)
{
    static int vistas[MAX_ARCHIVOS];
    motivo[0] = '\0';
    int mal = 0, extra = 0;
    memset(vistas, 0, sizeof vistas);
    char l[1024];
    uint64_t v;
    const char *ruta;
    for (int i = 0; cont_linea(out, i, l, sizeof l); i++) {
        if (!cont_linea_cuenta(l, &v, &ruta))
            continue;
        int k;
        for (k = 0; k < n; k++)
            if (strcmp(e[k].ruta, ruta) == 0)
                break;
        if (k == n) {
            if (extra++ < 2)
                cont_anadir(motivo, tam, "%sla línea «%.200s» no es de ningún archivo de la prueba",
                            motivo[0] ? "; " : "", l);
            mal++;
            continue;
        }
        if (vistas[k]++ > 0) {
            if (mal < 3)
                cont_anadir(motivo, tam, "%s«…%s» aparece más de una vez", motivo[0] ? "; " : "",
                            strrchr(e[k].ruta, '/'));
            mal++;
        } else if (v != e[k].palabras) {
            if (mal < 3)
                cont_anadir(motivo, tam, "%s«…%s»: la cuenta es %" PRIu64 " y debería ser %" PRIu64,
                            motivo[0] ? "; " : "", strrchr(e[k].ruta, '/'), v, e[k].palabras);
            mal++;
        }
    }
    int faltan = 0, fifos = 0;
    for (int k = 0; k < n; k++)
        if (vistas[k] == 0) {
            if (faltan++ < 3 && mal < 3)
                cont_anadir(motivo, tam, "%sfalta la línea de «…%s» (%" PRIu64 " %s)",
                            motivo[0] ? "; " : "", strrchr(e[k].ruta, '/'), e[k].palabras,
                            e[k].palabras == 1 ? "palabra" : "palabras");
            mal++;
            fifos += e[k].es_fifo;
        }
    if (faltan > 3)
        cont_anadir(motivo, tam, " (faltan %d en total)", faltan);
    /* Quien no lee FIFOs pierde todas las verificaciones que miden con ellas: que lo sepa. */
    if (fifos > 0)
        cont_anadir(motivo, tam,
                    " (%s: un archivo dado en la línea de comandos se lee sea lo que sea, "
                    "con uv_fs_read y desplazamiento -1, y el calificador mide con FIFO)",
                    fifos == faltan ? (faltan == 1 ? "es una FIFO" : "son FIFO")
                                    : "entre las que faltan hay alguna FIFO");
    if (mal == 0)
        snprintf(motivo, tam, "todas las cuentas son exactas (%d)", n);
    return mal == 0;
}

/* Busca la línea cuya primera palabra es `prefijo` y la copia en `buf`. 1 si está. */
int cont_buscar(const char *out, const char *prefijo, char *buf, size_t tam)
{
    return cal_linea(out, prefijo, NULL, 0, buf, tam) >= 0;
}

/* Comprueba TOTAL/MEDIA/MAYOR contra `e` (los `n` archivos leídos; `mayor` el índice que
 * debe salir, -1 si ninguno). */
int cont_resumen_bien(const char *out, const esperado_t *e, int n, int mayor, char *motivo,
                      size_t tam)
{
    uint64_t suma = 0;
    for (int k = 0; k < n; k++)
        suma += e[k].palabras;
    motivo[0] = '\0';
    char l[1024], esperado[1400];
    int ok = 1;
    snprintf(esperado, sizeof esperado, "TOTAL %" PRIu64 " palabras en %d archivos", suma, n);
    int totales = cal_contar(out, "TOTAL", NULL);
    if (totales != 1 || !cont_buscar(out, "TOTAL", l, sizeof l) || strcmp(l, esperado) != 0) {
        cont_anadir(motivo, tam, "se esperaba «%s» y se vio «%s»", esperado,
                    cont_buscar(out, "TOTAL", l, sizeof l) ? l : "(ninguna línea TOTAL)");
        if (totales > 1)
            cont_anadir(motivo, tam, " (líneas TOTAL: %d; se espera una)", totales);
        ok = 0;
    }
    double media = n > 0 ? (double)suma / n : 0.0;
    double vista = -1;
    char resto[64] = "";
    if (cont_buscar(out, "MEDIA", l, sizeof l) &&
        sscanf(l, "MEDIA %lf palabras por archivo%63s", &vista, resto) == 1 &&
        strchr(l, '.') != NULL && strlen(strchr(l, '.')) > 1 && strchr(l, '.')[2] == ' ' &&
        vista - media < 0.0501 && media - vista < 0.0501) {
        /* bien: un decimal y redondeado, a ≤ 0,05 del valor exacto (cualquier criterio vale
         * en un empate exacto x.x5; truncar a décimas se aleja hasta 0,1: 3.1666… → 3.1) */
    } else {
        cont_anadir(motivo, tam, "%sse esperaba «MEDIA %.1f palabras por archivo» y se vio «%s»",
                    motivo[0] ? "; " : "", media,
                    cont_buscar(out, "MEDIA", l, sizeof l) ? l : "(ninguna línea MEDIA)");
        ok = 0;
    }
    if (mayor >= 0) {
        snprintf(esperado, sizeof esperado, "MAYOR %" PRIu64 " %s", e[mayor].palabras,
                 e[mayor].ruta);
        if (!cont_buscar(out, "MAYOR", l, sizeof l) || strcmp(l, esperado) != 0) {
            cont_anadir(motivo, tam, "%sse esperaba «MAYOR %" PRIu64 " …%s» y se vio «%s»",
                        motivo[0] ? "; " : "", e[mayor].palabras, strrchr(e[mayor].ruta, '/'),
                        cont_buscar(out, "MAYOR", l, sizeof l) ? l : "(ninguna línea MAYOR)");
            ok = 0;
        }
    } else if (cal_contar(out, "MAYOR", NULL) > 0) {
        cont_anadir(motivo, tam, "%ssin archivos leídos no debe haber línea MAYOR",
                    motivo[0] ? "; " : "");
        ok = 0;
    }
    if (ok)
        snprintf(motivo, tam, "TOTAL, MEDIA y MAYOR correctos");
    return ok;
}

/* Juicio habitual del final: terminó con `codigo`, cuentas exactas. */
int cont_final_bien(cal_proceso_t *p, int codigo, const esperado_t *e, int n, char *motivo,
                    size_t tam)
{
    char fin[256];
    if (!cal_termino(p) || cal_codigo(p) != codigo) {
        snprintf(motivo, tam, "%s (se esperaba el código %d)",
                 cal_termino(p) ? cal_describir_fin(p, fin, sizeof fin) : "no terminó a tiempo",
                 codigo);
        return 0;
    }
    return cont_cuentas_bien(cal_salida(p), e, n, motivo, tam);
}

int cont_juzgar_final(cal_proceso_t *p, const esperado_t *e, int n, int espera_ms, int lineas)
{
    cal_esperar_fin(p, espera_ms);
    char motivo[1024];
    int ok = cont_final_bien(p, 0, e, n, motivo, sizeof motivo);
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, lineas);
    return ok;
}
