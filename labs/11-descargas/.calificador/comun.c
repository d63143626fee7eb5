/* comun.c — lo que comparten las verificaciones del laboratorio 11: los bytes de /bytes (el
 * calificador los genera él mismo con la clave de sus servidores, cal_bytes, sin preguntar), las
 * carpetas y archivos de cada verificación, lanzar «descargas» y leer el registro del servidor. Ver
 * comun.h. */
#include "comun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ bytes de /bytes */

/* SHA-256 (hex) de los bytes [0, n) de `semilla`. */
void desc_huella_de(uint64_t semilla, uint64_t n, char hex[65])
{
    static unsigned char trozo[65536];
    sha256_t s;
    sha256_iniciar(&s);
    for (uint64_t pos = 0; pos < n;) {
        size_t m = n - pos > sizeof trozo ? sizeof trozo : (size_t)(n - pos);
        cal_bytes(semilla, pos, trozo, m);
        sha256_anadir(&s, trozo, m);
        pos += m;
    }
    sha256_terminar(&s, hex);
}

uint64_t desc_semilla_nueva(void)
{
    return (uint64_t)cal_azar(1, INT64_C(1) << 40); /* < 2^40 + 1: corta en la URL */
}

/* ------------------------------------------------------------------ nombres */

/* Los nombres de papel («mala.bin») son para quien lee el calificador; el programa ve otros,
 * al azar en cada calificación y sin nada del papel (un programa que tratara «mala.bin» como
 * huella mala sin mirarla sumaba 8 puntos). Cada papel tiene su nombre en toda la
 * verificación (cada verificación es un proceso), y su .parte es ese nombre más «.parte». */
#define PAPELES 48
static struct {
    char papel[40];
    char nombre[48];
} papeles[PAPELES];
static int n_papeles;

static int nombre_usado(const char *nombre)
{
    for (int i = 0; i < n_papeles; i++)
        if (strcmp(papeles[i].nombre, nombre) == 0)
            return 1;
    return 0;
}

const char *desc_nombre(const char *papel)
{
    static const char *const palabras[] = {"foto",  "mapa",  "notas", "copia", "video", "libro",
                                           "audio", "tabla", "plano", "censo", "atlas", "diario",
                                           "fondo", "guion", "acta",  "ficha"};
    static const char *const extensiones[] = {"bin", "dat", "zip", "iso", "img", "tar"};
    for (int i = 0; i < n_papeles; i++)
        if (strcmp(papeles[i].papel, papel) == 0)
            return papeles[i].nombre;
    if (n_papeles == PAPELES || strlen(papel) >= sizeof papeles[0].papel)
        return papel; /* no pasa: los papeles son literales de este calificador */
    size_t largo = strlen(papel), sufijo = strlen(".parte");
    char nombre[sizeof papeles[0].nombre];
    if (largo > sufijo && strcmp(papel + largo - sufijo, ".parte") == 0) {
        char base[sizeof papeles[0].papel];
        snprintf(base, sizeof base, "%.*s", (int)(largo - sufijo), papel);
        snprintf(nombre, sizeof nombre, "%s.parte", desc_nombre(base));
    } else {
        do {
            snprintf(
                nombre, sizeof nombre, "%s-%02d.%s",
                palabras[cal_azar(0, (int64_t)(sizeof palabras / sizeof *palabras) - 1)],
                (int)cal_azar(0, 99),
                extensiones[cal_azar(0, (int64_t)(sizeof extensiones / sizeof *extensiones) - 1)]);
        } while (nombre_usado(nombre));
    }
    snprintf(papeles[n_papeles].papel, sizeof papeles[0].papel, "%s", papel);
    snprintf(papeles[n_papeles].nombre, sizeof papeles[0].nombre, "%s", nombre);
    return papeles[n_papeles++].nombre;
}

/* ------------------------------------------------------------------ archivos */

/* Carpeta temporal con una subcarpeta «destino»: el programa ve las dos, así que un nombre
 * que escape de -d («../x») se notaría en la de arriba. 0 o -1 (ya anotado). */
int desc_carpeta(carpeta_t *c)
{
    if (cal_carpeta("descargas", c->raiz, sizeof c->raiz) < 0) {
        cal_obtenido("no se pudo crear la carpeta temporal (error del calificador)");
        return -1;
    }
    if (snprintf(c->dir, sizeof c->dir, "%s/destino", c->raiz) >= (int)sizeof c->dir) {
        cal_obtenido("ruta temporal demasiado larga (error del calificador)");
        return -1;
    }
    if (cal_crear_carpeta(c->dir, 0777) < 0) {
        cal_obtenido("no se pudo crear %s (error del calificador)", c->dir);
        return -1;
    }
    return 0;
}

void desc_ruta_en(const char *dir, const char *nombre, char *ruta, size_t tam)
{
    snprintf(ruta, tam, "%s/%s", dir, nombre);
}

int desc_abiertos(cal_proceso_t *p, const carpeta_t *c)
{
    /* Por la ruta de cada descriptor (/proc/PID/fd), así que por la carpeta entera que el
     * programa puede escribir: un programa que abría cada .parte en la de arriba y lo enlazaba
     * (link) en la de destino no cerraba nada y pasaba por limpio (el adversario de la sesión
     * 30). Fuera de c->raiz solo tiene su /tmp, otro sistema de archivos: ahí no hay enlace
     * posible hacia la carpeta de destino. */
    char prefijo[sizeof c->raiz + 2];
    snprintf(prefijo, sizeof prefijo, "%s/", c->raiz);
    return cal_abiertos(p, prefijo);
}

int desc_parte_abierta(cal_proceso_t *p, const char *dir, const char *nombre)
{
    char ruta[1100];
    snprintf(ruta, sizeof ruta, "%s/%s.parte", dir, nombre);
    return cal_abiertos(p, ruta) > 0;
}

/* Tamaño del archivo, o -1 si no existe. */
long long desc_tam_archivo(const char *dir, const char *nombre)
{
    char ruta[1024];
    struct stat st;
    desc_ruta_en(dir, nombre, ruta, sizeof ruta);
    /* Sin seguir enlaces: la carpeta es de la entrega (también -d, que pudo cambiar). */
    return cal_estado(ruta, &st) == 0 ? (long long)st.st_size : -1;
}

/* 1 si dir/nombre son exactamente los bytes [0, n) de `semilla`; si no, el porqué. */
int desc_archivo_bien(const char *dir, const char *nombre, uint64_t semilla, uint64_t n,
                      char *motivo, size_t tam)
{
    char ruta[1024], hex[65], esperado[65];
    desc_ruta_en(dir, nombre, ruta, sizeof ruta);
    long long t = desc_tam_archivo(dir, nombre);
    if (t < 0) {
        snprintf(motivo, tam, "%s no existe", nombre);
        return 0;
    }
    if ((uint64_t)t != n) {
        snprintf(motivo, tam, "%s tiene %lld %s y el archivo servido tiene %llu", nombre, t,
                 texto_plural(t, "byte", "bytes"), (unsigned long long)n);
        return 0;
    }
    if (cal_archivo_sha256(ruta, hex) < 0) {
        snprintf(motivo, tam, "%s no se pudo leer", nombre);
        return 0;
    }
    desc_huella_de(semilla, n, esperado);
    if (strcmp(hex, esperado) != 0) {
        snprintf(motivo, tam, "%s tiene el tamaño correcto, pero otros bytes (otra SHA-256)",
                 nombre);
        return 0;
    }
    return 1;
}

/* Escribe dir/nombre con `n` bytes: los de `semilla` o, si semilla == 0, basura al azar. */
int desc_escribir_parte(const char *dir, const char *nombre, uint64_t semilla, size_t n)
{
    char ruta[1024];
    desc_ruta_en(dir, nombre, ruta, sizeof ruta);
    unsigned char *b = malloc(n > 0 ? n : 1);
    if (b == NULL)
        return -1;
    if (semilla != 0)
        cal_bytes(semilla, 0, b, n);
    else
        for (size_t i = 0; i < n; i++)
            b[i] = (unsigned char)(i * 197 + 13);
    /* Sin seguir nada de lo que el programa dejó en su carpeta (hostiles/parte_enlace.c). */
    int fd = cal_crear_archivo(ruta, 0666);
    int ok = fd >= 0 && write(fd, b, n) == (ssize_t)n;
    if (fd >= 0) {
        ok = fchmod(fd, 0666) == 0 && ok;
        close(fd);
    }
    free(b);
    return ok ? 0 : -1;
}

/* Los nombres de la carpeta, separados por espacios (para las notas). Sin seguir enlaces: la
 * entrega pudo cambiar -d por un enlace a una carpeta ajena (hostiles/enlace_11.c). */
const char *desc_listar(const char *dir, char *buf, size_t tam)
{
    size_t u = 0;
    buf[0] = '\0';
    DIR *d;
    int r = cal_listar(dir, &d);
    if (r < 0) {
        snprintf(buf, tam, "(no se puede leer: %s)", cal_ruta_error(r));
        return buf;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int w = snprintf(buf + u, tam - u, "%s%s", u > 0 ? " " : "", e->d_name);
        if (w < 0 || (size_t)w >= tam - u)
            break;
        u += (size_t)w;
    }
    closedir(d);
    return u > 0 ? buf : "(vacía)";
}

/* ------------------------------------------------------------------ lanzar */

/* Lanza «descargas -d DIR args…». NULL si no se pudo (cal_lanzar lo anota). */
/* «NOMBRE=/ruta?consulta» → «NOMBRE=/c/FICHA» (cal_alias): la URL que recibe el programa no
 * dice el escenario (ni la semilla de /bytes, ni «&cortar=», «&digest=mal», /status/404…); el
 * servidor la atiende como la ruta de verdad y así la anota en el registro, que es lo que
 * miran las verificaciones. Lo demás (opciones, URL sin NOMBRE=, cuyo nombre sale de la
 * ruta) se queda como está. Devuelve `buf` con el argumento nuevo, o `a`. El detalle del
 * informe lleva también la orden con las URL de verdad: con ellas se repite la corrida contra un
 * servidor propio. */
static const char *opaco(cal_servidor_t *s, const char *a, char *buf, size_t tam)
{
    const char *igual = strchr(a, '=');
    if (s == NULL || igual == NULL || igual == a || igual[1] != '/')
        return a;
    char ruta[48];
    if (cal_alias(s, igual + 1, ruta, sizeof ruta) < 0)
        return a; /* p. ej. una URL con espacios, que el programa tiene que rechazar */
    if (snprintf(buf, tam, "%.*s=%s", (int)(igual - a), a, ruta) >= (int)tam)
        return a;
    return buf;
}

/* El tope de archivo del próximo lanzamiento (proximo_tope); 0: el de siempre. */
static uint64_t tope_proximo;

void desc_proximo_tope(uint64_t bytes)
{
    tope_proximo = bytes;
}

static unsigned escritura_proxima, rename_proximo;

void desc_proximo_disco_lento(unsigned escritura_ms, unsigned rename_ms)
{
    escritura_proxima = escritura_ms;
    rename_proximo = rename_ms;
}

cal_proceso_t *desc_lanzar(cal_servidor_t *s, const carpeta_t *c, const char *const *args,
                           double limite_s, int valgrind, int terminal)
{
    static const char *todos[48];
    static char opacos[48][200];
    char orden[2048];
    size_t n = 0, u;
    if (c != NULL) {
        todos[n++] = "-d";
        todos[n++] = c->dir;
    }
    for (int i = 0; args[i] != NULL && n < 46; i++, n++)
        todos[n] = opaco(s, args[i], opacos[n], sizeof opacos[n]);
    todos[n] = NULL;
    int con_alias = 0;
    u = (size_t)snprintf(orden, sizeof orden, "descargas");
    for (size_t i = 0; i < n && u < sizeof orden - 8; i++) {
        /* Los argumentos, con las URL de verdad (los de `args` van tras -d DIR). */
        const char *a = c != NULL && i >= 2 ? args[i - 2] : c == NULL ? args[i] : todos[i];
        con_alias |= a != todos[i];
        int w = snprintf(orden + u, sizeof orden - u, strchr(a, '&') ? " '%s'" : " %s", a);
        if (w > 0)
            u += (size_t)w;
    }
    char lento[160] = "";
    if (escritura_proxima > 0 || rename_proximo > 0) {
        char e[64] = "", r[64] = "";
        if (escritura_proxima > 0)
            snprintf(e, sizeof e, "cada uv_fs_write tarda %u ms más", escritura_proxima);
        if (rename_proximo > 0)
            snprintf(r, sizeof r, "cada renombrado tarda %u ms más", rename_proximo);
        snprintf(lento, sizeof lento, " (con un disco lento: %s%s%s)", e,
                 e[0] != '\0' && r[0] != '\0' ? "; " : "", r);
    }
    /* Lo que anota cal_lanzar («Se ejecutó: …»): con las URL de verdad, no los alias. */
    char orden_nota[sizeof orden + 256];
    snprintf(orden_nota, sizeof orden_nota, "%s%s%s%s%s", valgrind ? "valgrind " : "", orden,
             terminal ? " (en una pseudoterminal)" : "",
             con_alias ? " (el programa recibe cada URL como un alias /c/… al azar)" : "", lento);
    static char entorno_url[128];
    snprintf(entorno_url, sizeof entorno_url, "CURSO_SERVIDOR=%s",
             s != NULL ? cal_servidor_url(s) : "http://127.0.0.1:9");
    const char *entorno[] = {entorno_url, NULL};
    const char *carpetas[] = {c != NULL ? c->raiz : NULL, NULL};
    cal_lanzamiento_t l = {.args = todos,
                           .entorno = entorno,
                           .limite_s = limite_s,
                           .valgrind = valgrind,
                           .terminal = terminal,
                           .carpetas = c != NULL ? carpetas : NULL,
                           .tope_archivo = tope_proximo,
                           .escritura_lenta_ms = escritura_proxima,
                           .rename_lento_ms = rename_proximo,
                           .orden = orden_nota};
    tope_proximo = 0;
    escritura_proxima = rename_proximo = 0;
    cal_proceso_t *p = NULL;
    if (cal_lanzar(&l, &p) < 0)
        return NULL;
    return p;
}

int desc_lanzar_disco_lento_con(cal_servidor_t *s, carpeta_t *c, const char *const *args,
                                unsigned escritura_ms, const char *que_no_se_ve,
                                desc_antes_cb antes, void *datos, cal_proceso_t **p)
{
    *p = NULL;
    if (!cal_disco_lento_posible()) {
        cal_nota("sin strace no se simula el disco lento: no se ve si %s", que_no_se_ve);
        return 1;
    }
    if (desc_carpeta(c) != 0 || (antes != NULL && antes(c, datos) != 0))
        return 0;
    desc_proximo_disco_lento(escritura_ms, 0);
    *p = desc_lanzar(s, c, args, 20, 0, 0);
    return *p != NULL;
}

int desc_lanzar_disco_lento(cal_servidor_t *s, carpeta_t *c, const char *const *args,
                            unsigned escritura_ms, const char *que_no_se_ve, cal_proceso_t **p)
{
    return desc_lanzar_disco_lento_con(s, c, args, escritura_ms, que_no_se_ve, NULL, NULL, p);
}

/* Espera el final como mucho `max_ms`. Devuelve el código, o -1 si no terminó (y lo mata). */
int desc_fin(cal_proceso_t *p, int max_ms)
{
    if (!cal_esperar_fin(p, max_ms)) {
        cal_matar(p);
        return -1;
    }
    return cal_codigo(p);
}

/* «salió con código 1» o «no terminó en 8 s». */
const char *desc_como(cal_proceso_t *p, int codigo, char *buf, size_t tam)
{
    if (codigo < 0) {
        snprintf(buf, tam, "no terminó a tiempo");
        return buf;
    }
    return cal_describir_fin(p, buf, tam);
}

/* La línea «OK nombre …» o «ERROR nombre …» en buf. 1 si está. */
int desc_linea(cal_proceso_t *p, const char *tipo, const char *nombre, char *buf, size_t tam)
{
    return cal_linea(cal_salida(p), tipo, nombre, 0, buf, tam) >= 0;
}

/* URL /bytes/n con semilla y extras («&kbps=200»). */
const char *desc_bytes_url(char *buf, size_t tam, uint64_t n, uint64_t semilla, const char *extra)
{
    snprintf(buf, tam, "/bytes/%llu?seed=%llu%s", (unsigned long long)n,
             (unsigned long long)semilla, extra != NULL ? extra : "");
    return buf;
}

const char *desc_troceada_url(char *buf, size_t tam, uint64_t n, uint64_t semilla,
                              const char *extra)
{
    snprintf(buf, tam, "/stream-bytes/%llu?seed=%llu%s", (unsigned long long)n,
             (unsigned long long)semilla, extra != NULL ? extra : "");
    return buf;
}

const char *desc_arg(char *buf, size_t tam, const char *nombre, const char *url)
{
    if (snprintf(buf, tam, "%s=%s", nombre, url) >= (int)tam)
        buf[0] = '\0';
    return buf;
}

int desc_preparar(corrida_t *x)
{
    x->p = NULL;
    x->codigo = -1;
    return cal_servidor(&x->s) == 0 && desc_carpeta(&x->c) == 0;
}

int desc_correr(corrida_t *x, const char *const *args, int max_ms)
{
    /* El límite de la caja, holgado sobre la espera: quien mata es desc_fin(), que lo explica. */
    x->p = desc_lanzar(x->s, &x->c, args, (double)max_ms / 1000.0 + 10.0, 0, 0);
    if (x->p == NULL)
        return 0;
    if (max_ms > 0)
        x->codigo = desc_fin(x->p, max_ms);
    return 1;
}

int desc_por_si_mismo(cal_proceso_t *p, int codigo, char *motivo, size_t tam)
{
    if (codigo == 0 || codigo == 1)
        return 1;
    char f[128];
    snprintf(motivo, tam, "%s", desc_como(p, codigo, f, sizeof f));
    return 0;
}

int desc_acabo(corrida_t *x, char *motivo, size_t tam)
{
    return desc_por_si_mismo(x->p, x->codigo, motivo, tam);
}

void desc_nota_corrida(const corrida_t *x, int lineas)
{
    char lista[512];
    cal_nota("En la carpeta: %s", desc_listar(x->c.dir, lista, sizeof lista));
    cal_nota_salida(x->p, lineas);
}

uint64_t desc_servido_hasta(const cal_peticion_t *v, int n, uint64_t t)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        if (t <= v[i].inicio_ms)
            continue;
        if (t >= v[i].fin_ms || v[i].fin_ms <= v[i].inicio_ms)
            total += v[i].bytes;
        else
            total += v[i].bytes * (t - v[i].inicio_ms) / (v[i].fin_ms - v[i].inicio_ms);
    }
    return total;
}

long desc_posicion_resumen(cal_proceso_t *p, const char *nombre)
{
    const char *out = cal_salida(p);
    size_t n = strlen(nombre);
    for (const char *l = out; *l != '\0';) {
        const char *resto = strncmp(l, "OK ", 3) == 0      ? l + 3
                            : strncmp(l, "ERROR ", 6) == 0 ? l + 6
                                                           : NULL;
        if (resto != NULL && strncmp(resto, nombre, n) == 0 &&
            (resto[n] == ' ' || resto[n] == '\n' || resto[n] == '\0'))
            return (long)(l - out);
        const char *nl = strchr(l, '\n');
        if (nl == NULL)
            break;
        l = nl + 1;
    }
    return -1;
}

/* ------------------------------------------------------------------ la línea OK */

/* 1 si `s` son cifras, un punto y exactamente `decimales` cifras. */
static int numero_con(const char *s, int decimales)
{
    const char *punto = strchr(s, '.');
    if (punto == NULL || punto == s || (int)strlen(punto + 1) != decimales)
        return 0;
    for (const char *q = s; *q != '\0'; q++)
        if (q != punto && (*q < '0' || *q > '9'))
            return 0;
    return 1;
}

double desc_segundos_ok(cal_proceso_t *p, const char *nombre)
{
    char l[256], w[32];
    if (!desc_linea(p, "OK", nombre, l, sizeof l) || cal_palabra(l, 3, w, sizeof w) == NULL)
        return -1;
    /* La forma exacta (dos decimales) la juzga continuar_206; aquí basta el número. */
    char *fin;
    double s = strtod(w, &fin);
    return fin != w && *fin == '\0' && s >= 0 ? s : -1;
}

int desc_linea_ok_bien(cal_proceso_t *p, const char *nombre, uint64_t tam, uint64_t recibidos,
                       uint64_t servida_ms, char *motivo, size_t t)
{
    char l[256], w[6][32];
    if (!desc_linea(p, "OK", nombre, l, sizeof l)) {
        snprintf(motivo, t, "falta «OK %s …»", nombre);
        return 0;
    }
    int palabras = 0;
    while (palabras < 6 && cal_palabra(l, palabras, w[palabras], sizeof w[0]) != NULL)
        palabras++;
    char sobra[32];
    if (palabras != 6 || cal_palabra(l, 6, sobra, sizeof sobra) != NULL ||
        strtoull(w[2], NULL, 10) != tam || !numero_con(w[3], 2) || strcmp(w[4], "s") != 0 ||
        !numero_con(w[5], 1)) {
        snprintf(motivo, t,
                 "la línea «%s» no tiene la forma «OK %s %llu <segundos, dos decimales> s "
                 "<KiB/s media, un decimal>»",
                 l, nombre, (unsigned long long)tam);
        return 0;
    }
    double s = strtod(w[3], NULL), kbs = strtod(w[5], NULL);
    /* Los segundos van desde que ocupó su plaza de -c hasta que terminó: contienen lo que el
     * servidor tardó en servirla (10 ms de holgura por los redondeos). */
    if (s + 0.01 < (double)servida_ms / 1000.0) {
        snprintf(motivo, t,
                 "«%s»: %.2f s, y el servidor tardó %.2f s en servirla (los segundos van desde "
                 "que ocupó su plaza de -c hasta que terminó)",
                 l, s, (double)servida_ms / 1000.0);
        return 0;
    }
    /* La media, con los segundos impresos (±0.005) y su propio redondeo (±0.05). */
    double kb = (double)recibidos / 1024.0;
    double bajo = s + 0.005 > 0 ? kb / (s + 0.005) - 0.06 : 0;
    double alto = s - 0.005 > 0.001 ? kb / (s - 0.005) + 0.06 : 1e18;
    if (kbs < bajo || kbs > alto) {
        snprintf(motivo, t,
                 "«%s»: la media es %.1f KiB/s, y %llu %s en esta ejecución en %.2f s son %.1f "
                 "KiB/s (1 KiB = 1024 bytes; lo que ya había en el .parte no cuenta)",
                 l, kbs, (unsigned long long)recibidos,
                 texto_plural((long long)recibidos, "byte recibido", "bytes recibidos"), s,
                 s > 0 ? kb / s : 0.0);
        return 0;
    }
    return 1;
}

double desc_renombrado_ms(const char *dir, const char *nombre)
{
    char ruta[1024];
    struct stat st;
    struct timespec real, mono;
    desc_ruta_en(dir, nombre, ruta, sizeof ruta);
    if (cal_estado(ruta, &st) < 0)
        return -1;
    /* ctime está en la hora del sistema (CLOCK_REALTIME); cal_ahora_ms, en el monotónico: la
     * diferencia entre los dos, medida ahora, los junta (los dos avanzan igual). */
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    double desfase =
        (double)(real.tv_sec - mono.tv_sec) * 1000.0 + (double)(real.tv_nsec - mono.tv_nsec) / 1e6;
    double ctime_ms = (double)st.st_ctim.tv_sec * 1000.0 + (double)st.st_ctim.tv_nsec / 1e6;
    return ctime_ms - desfase;
}

double desc_cambiado_tras_escribir_ms(const char *dir, const char *nombre)
{
    char ruta[1024];
    struct stat st;
    desc_ruta_en(dir, nombre, ruta, sizeof ruta);
    if (cal_estado(ruta, &st) < 0)
        return -1;
    double c = (double)st.st_ctim.tv_sec * 1000.0 + (double)st.st_ctim.tv_nsec / 1e6,
           m = (double)st.st_mtim.tv_sec * 1000.0 + (double)st.st_mtim.tv_nsec / 1e6;
    return c > m ? c - m : 0;
}

long long desc_rango_desde(const char *rango)
{
    if (strncmp(rango, "bytes=", 6) != 0 || rango[6] < '0' || rango[6] > '9')
        return -1;
    char *fin;
    errno = 0;
    unsigned long long v = strtoull(rango + 6, &fin, 10);
    if (errno != 0 || *fin != '-' || v > (unsigned long long)INT64_MAX)
        return -1;
    return (long long)v;
}

/* Peticiones del registro a `ruta`, en orden de inicio. */
int desc_registro_de(cal_servidor_t *s, const char *ruta, cal_peticion_t *v, int max)
{
    /* El registro se escribe al acabar cada respuesta: un instante para la última. */
    cal_esperar(100);
    int n = cal_registro_ruta(s, ruta, v, max);
    return n > max ? max : n;
}

/* Una descarga con --continuar sobre un .parte que el calificador deja antes. */
int desc_continuar(reanudacion_t *r, const char *ruta_base, const char *extra, uint64_t tam,
                   uint64_t prefijo, int prefijo_bueno, const char *nombre, char *motivo,
                   size_t tam_motivo)
{
    const carpeta_t *c = &r->x.c;
    uint64_t sem = desc_semilla_nueva();
    char u[160], b[220], parte[64];
    r->x.p = NULL;
    r->x.codigo = -1;
    r->n = 0;
    /* Cada reanudación, en una carpeta nueva: lo que dejó la anterior (un directorio con el
     * nombre del próximo .parte, por ejemplo) no puede estropear la preparación de esta. */
    if (desc_carpeta(&r->x.c) < 0) {
        snprintf(motivo, tam_motivo, "no se pudo crear la carpeta (error del calificador)");
        return 0;
    }
    snprintf(u, sizeof u, "%s/%llu?seed=%llu%s", ruta_base, (unsigned long long)tam,
             (unsigned long long)sem, extra);
    snprintf(parte, sizeof parte, "%s.parte", nombre);
    if (desc_escribir_parte(c->dir, parte, prefijo_bueno ? sem : 0, prefijo) < 0) {
        snprintf(motivo, tam_motivo, "no se pudo preparar %s (error del calificador)", parte);
        return 0;
    }
    const char *args[] = {"--continuar", desc_arg(b, sizeof b, nombre, u), NULL};
    cal_proceso_t *p = r->x.p = desc_lanzar(r->x.s, c, args, 20, 0, 0);
    if (p == NULL)
        return 0;
    r->x.codigo = desc_fin(p, 15000);
    cal_peticion_t v[4];
    r->n = desc_registro_de(r->x.s, u, v, 4);
    for (int i = 0; i < r->n; i++) {
        r->estados[i] = v[i].estado;
        r->bytes[i] = v[i].bytes;
        r->inicio_ms[i] = v[i].inicio_ms;
        r->fin_ms[i] = v[i].fin_ms;
        snprintf(r->rangos[i], sizeof r->rangos[i], "%s", v[i].rango);
    }
    if (!desc_acabo(&r->x, motivo, tam_motivo))
        return 0;
    if (!desc_archivo_bien(c->dir, nombre, sem, tam, motivo, tam_motivo))
        return 0;
    if (desc_tam_archivo(c->dir, parte) >= 0) {
        snprintf(motivo, tam_motivo, "quedó %s después de terminar", parte);
        return 0;
    }
    return 1;
}

void desc_nota_reanudacion(const reanudacion_t *r)
{
    char t[256];
    size_t u = 0;
    t[0] = '\0';
    for (int i = 0; i < r->n && u < sizeof t - 40; i++)
        u += (size_t)snprintf(t + u, sizeof t - u, "%s%d (%llu %s)", i ? ", " : "", r->estados[i],
                              (unsigned long long)r->bytes[i],
                              texto_plural((long long)r->bytes[i], "byte", "bytes"));
    cal_nota("El servidor registró: %s", r->n > 0 ? t : "ninguna petición");
    if (r->x.p != NULL)
        cal_nota_salida(r->x.p, 6);
}
