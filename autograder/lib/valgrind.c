/* valgrind.c — el veredicto de valgrind, igual para todos los calificadores.
 *
 * cal_lanzar(.valgrind = 1) ejecuta la entrega con --trace-children=yes y el informe de
 * todos los procesos en un mismo descriptor. Un programa limpio deja exactamente una orden
 * («Command:») —la suya— y un «ERROR SUMMARY: 0 errors». Trampas que esto cierra: hacer el
 * trabajo en un hijo mientras el padre sale limpio (el hijo tiene su propio informe), o
 * terminar con un exec de otro programa limpio (/bin/true) tras una salida sucia (aparece
 * una segunda orden). El código CAL_CODIGO_VALGRIND dice que valgrind vio errores o fugas.
 *
 * El informe lo puede escribir el programa: valgrind y él son el mismo proceso, el
 * descriptor 4 sigue abierto y el de valgrind (uno alto) se copia con dup o se reabre por
 * /proc/self/fd (valgrind 3.19 niega write y close sobre él, no dup). Así que el informe
 * solo puede quitar puntos, nunca darlos, y lo que los da es lo que el programa no escribe:
 *   - el código de salida de valgrind (--error-exitcode): con errores o fugas, 99... si el
 *     programa sale por su pie. Si muere por una señal, valgrind hace su resumen y se mata con
 *     ella: el código es 128 + N, diga lo que diga el resumen. Por eso morir por una señal
 *     nunca es limpio: se sabe por el estado de wait (sin bwrap), por la traza de strace
 *     («+++ killed by», fuera de la caja: lib/observar.c) o por la línea de valgrind «Process
 *     terminating with default action of signal» (con bwrap y sin observar: el único caso
 *     en que se depende del informe);
 *   - un solo resumen («ERROR SUMMARY») y una sola orden: un resumen limpio falso junto al de
 *     verdad da dos;
 *   - nada descartado: el informe se lee con tope (256 KiB) y un programa que lo llenaba
 *     dejaba el resumen de verdad fuera del tope, y el suyo dentro (hostiles/valgrind_tapa.c:
 *     antes 100/100 en el 10);
 *   - ningún código que valgrind no instrumente. Con una llamada directa (client request)
 *     (VALGRIND_NON_SIMD_CALL*, de valgrind.h) el programa hace que valgrind ejecute una
 *     función suya en la CPU de verdad: escribe un resumen limpio falso y sale con exit_group
 *     antes del resumen y el código de valgrind (hostiles/valgrind_cliente.c: antes 100/100
 *     en el 07 con una fuga). El preámbulo de las peticiones en los objetos lo rechaza
 *     runner/medios.c (llamadas_directas); el escrito en tiempo de ejecución, lo que sigue.
 *     Bajo valgrind, todo lo que el programa pide al núcleo lo hace valgrind desde su propio
 *     binario (estático, en direcciones fijas), y la traza de strace (-i, lib/observar.c) da
 *     la dirección de cada instrucción syscall: una llamada desde otro sitio es código del
 *     programa en la CPU de verdad. Y código escrito en tiempo de ejecución (donde puede
 *     esconder una petición): un mprotect con PROT_EXEC, un mmap ejecutable de memoria
 *     anónima que no es de valgrind (las suyas llevan el descriptor 0; las del programa, el
 *     que pase: -1 en glibc) o de un archivo que no es del sistema ni el propio programa.
 */
#define _GNU_SOURCE
#include "calificador/calificador.h"
#include "interno.h"

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdio.h>
#include <string.h>

/* Cuántas veces aparece `aguja` al principio de una línea del informe, tras «==PID== ». */
static int contar_entradas(const char *informe, const char *aguja)
{
    int n = 0;
    for (const char *p = informe; p != NULL && *p != '\0';) {
        const char *fin = strchr(p, '\n');
        size_t largo = fin != NULL ? (size_t)(fin - p) : strlen(p);
        const char *texto = p;
        if (largo > 2 && p[0] == '=' && p[1] == '=') {
            const char *cierre = memmem(p + 2, largo - 2, "== ", 3);
            if (cierre != NULL)
                texto = cierre + 3;
        }
        size_t n_aguja = strlen(aguja);
        if ((size_t)(p + largo - texto) >= n_aguja && strncmp(texto, aguja, n_aguja) == 0)
            n++;
        p = fin != NULL ? fin + 1 : NULL;
    }
    return n;
}

/* La señal que mató al programa según la traza de strace (la del primer proceso que
 * ejecutó valgrind), o 0. */
static int senal_en_traza(const char *ruta)
{
    FILE *f = ruta != NULL ? fopen(ruta, "r") : NULL;
    if (f == NULL)
        return 0;
    char *linea = NULL;
    size_t cap = 0;
    long pid = 0;
    int senal = 0;
    while (senal == 0 && getline(&linea, &cap, f) > 0) {
        char *resto;
        unsigned long ip;
        long tid = traza_linea(linea, &ip, &resto);
        static const char valgrind[] = "execve(\"/usr/bin/valgrind\"";
        if (pid == 0 && strncmp(resto, valgrind, sizeof valgrind - 1) == 0)
            pid = tid;
        else if (pid != 0 && tid == pid && strncmp(resto, "+++ killed by SIG", 17) == 0) {
            char nombre[16] = "";
            sscanf(resto + 17, "%15[A-Z0-9]", nombre);
            for (int s = 1; s < 65 && senal == 0; s++)
                if (sigabbrev_np(s) != NULL && strcmp(sigabbrev_np(s), nombre) == 0)
                    senal = s;
            senal = senal != 0 ? senal : -1;
        }
    }
    free(linea);
    fclose(f);
    return senal;
}

/* --- Código que valgrind no instrumenta (la traza de strace -i) --------------------------- */

#define MAX_TRAMOS 8
#define MAX_HILOS  256

/* Los tramos ejecutables (PT_LOAD con PF_X) del binario de la herramienta de valgrind. Es
 * estático y no reubicable (ET_EXEC, en 0x58000000): sus direcciones son las del archivo.
 * Cuántos hay, o 0 si no se pudo leer (entonces no se juzgan las direcciones). */
static int tramos_herramienta(const char *ruta, unsigned long ini[], unsigned long fin[])
{
    int fd = open(ruta, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    Elf64_Ehdr e;
    int n = 0;
    if (pread(fd, &e, sizeof e, 0) == (ssize_t)sizeof e &&
        memcmp(e.e_ident, ELFMAG, SELFMAG) == 0 && e.e_ident[EI_CLASS] == ELFCLASS64 &&
        e.e_type == ET_EXEC && e.e_phentsize == sizeof(Elf64_Phdr) && e.e_phnum < 64) {
        for (int i = 0; i < e.e_phnum && n < MAX_TRAMOS; i++) {
            Elf64_Phdr ph;
            if (pread(fd, &ph, sizeof ph, (off_t)(e.e_phoff + (Elf64_Off)i * sizeof ph)) !=
                (ssize_t)sizeof ph)
                break;
            if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && ph.p_memsz > 0) {
                ini[n] = ph.p_vaddr;
                fin[n++] = ph.p_vaddr + ph.p_memsz;
            }
        }
    }
    close(fd);
    return n;
}

static int es_herramienta(const char *ruta)
{
    return strncmp(ruta, "/usr/libexec/valgrind/", 22) == 0 ||
           strncmp(ruta, "/usr/lib/x86_64-linux-gnu/valgrind/", 35) == 0;
}

/* Un archivo del sistema (de solo lectura en la caja). */
static int del_sistema(const char *ruta)
{
    return strncmp(ruta, "/usr/", 5) == 0 || strncmp(ruta, "/lib/", 5) == 0 ||
           strncmp(ruta, "/lib64/", 7) == 0;
}

/* El argumento k (desde 0) de «(a, b, …)», separados por «, » (los de mmap y mprotect no
 * llevan comas dentro, salvo la ruta de -y, que va en el quinto y se corta en «<»). */
static void argumento_k(const char *par, int k, char *dst, size_t tam)
{
    const char *a = par + 1;
    for (int i = 0; i < k && a != NULL; i++) {
        a = strstr(a, ", ");
        a = a != NULL ? a + 2 : NULL;
    }
    dst[0] = '\0';
    if (a == NULL)
        return;
    size_t n = strcspn(a, ",)");
    snprintf(dst, tam, "%.*s", (int)n, a);
}

/* Lo que ejecutó el programa sin pasar por valgrind, según la traza (lib/observar.c). 1 (y
 * el porqué en `motivo`) si se vio; 0 si no, o si no hay traza. */
static int codigo_ajeno(const char *ruta, char *motivo, size_t tam)
{
    FILE *f = ruta != NULL ? fopen(ruta, "r") : NULL;
    if (f == NULL)
        return 0;
    unsigned long ini[MAX_TRAMOS], fin[MAX_TRAMOS];
    int ntramos = 0, arrancada = 0, nprevios = 0, visto = 0;
    long previos[MAX_HILOS], herramienta = 0;
    char programa[256] = ""; /* el binario del programa: el primer archivo ejecutable mapeado */
    char *linea = NULL;
    size_t cap = 0;
    while (!visto && getline(&linea, &cap, f) > 0) {
        linea[strcspn(linea, "\n")] = '\0';
        char *resto;
        unsigned long ip;
        long tid = traza_linea(linea, &ip, &resto);
        if (tid <= 0 || resto[0] == '+' || resto[0] == '-' || resto[0] == '<')
            continue; /* «+++ exited…», «--- SIGx…», «<... resumed>» */
        const char *par = strchr(resto, '(');
        if (par == NULL)
            continue;
        size_t nl = (size_t)(par - resto);
        if (!arrancada) {
            int nuevo = 1;
            for (int i = 0; i < nprevios && nuevo; i++)
                nuevo = previos[i] != tid;
            if (nuevo && nprevios < MAX_HILOS)
                previos[nprevios++] = tid;
            char exe[512];
            if (nl == 6 && strncmp(resto, "execve", 6) == 0 &&
                sscanf(par, "(\"%511[^\"]\"", exe) == 1 && es_herramienta(exe) &&
                strstr(par, ") = 0") != NULL) {
                arrancada = 1;
                herramienta = tid;
                ntramos = tramos_herramienta(exe, ini, fin);
            }
            continue;
        }
        /* Tras el arranque de la herramienta: sus hilos son el que la ejecutó y los nuevos. */
        int miembro = 1;
        for (int i = 0; i < nprevios; i++)
            miembro &= previos[i] != tid;
        miembro |= tid == herramienta;
        if (!miembro)
            continue;
        char nombre[32];
        snprintf(nombre, sizeof nombre, "%.*s", (int)(nl < sizeof nombre ? nl : sizeof nombre - 1),
                 resto);
        int fuera = ip != 0 && ntramos > 0;
        for (int i = 0; i < ntramos && fuera; i++)
            fuera = !(ip >= ini[i] && ip < fin[i]);
        if (fuera) {
            snprintf(motivo, tam,
                     "el programa hizo %s desde una instrucción suya (0x%lx) y no a través de "
                     "valgrind: ejecutó código en la CPU de verdad, sin instrumentar (una "
                     "petición de cliente de valgrind.h, como VALGRIND_NON_SIMD_CALL), que "
                     "puede escribir un resumen falso y salir antes del de valgrind",
                     nombre, ip);
            visto = 1;
            continue;
        }
        const char *igual = strstr(par, ") = ");
        int fallo = igual != NULL && (igual[4] == '-' || igual[4] == '?');
        if (fallo || strstr(par, "PROT_EXEC") == NULL)
            continue;
        if (strcmp(nombre, "mprotect") == 0 || strcmp(nombre, "pkey_mprotect") == 0) {
            snprintf(motivo, tam,
                     "el programa hizo ejecutable memoria suya (%s con PROT_EXEC): es código "
                     "generado mientras corre, donde pueden ir peticiones a valgrind que el "
                     "examen de los objetos compilados no ve",
                     nombre);
            visto = 1;
        } else if (strcmp(nombre, "mmap") == 0) {
            char flags[256], fd[300];
            argumento_k(par, 3, flags, sizeof flags);
            argumento_k(par, 4, fd, sizeof fd);
            char archivo[256] = "";
            const char *a = strchr(fd, '<');
            if (a != NULL)
                snprintf(archivo, sizeof archivo, "%.*s", (int)strcspn(a + 1, ">"), a + 1);
            if (strstr(flags, "MAP_ANONYMOUS") != NULL) {
                if (strtol(fd, NULL, 10) != 0) { /* valgrind usa el 0 en las suyas */
                    snprintf(motivo, tam,
                             "el programa pidió memoria anónima ejecutable (mmap con "
                             "PROT_EXEC): es código generado mientras corre, donde pueden ir "
                             "peticiones a valgrind que el examen de los objetos compilados "
                             "no ve");
                    visto = 1;
                }
            } else if (archivo[0] != '\0' && !del_sistema(archivo)) {
                if (programa[0] == '\0')
                    snprintf(programa, sizeof programa, "%s", archivo);
                else if (strcmp(programa, archivo) != 0) {
                    snprintf(motivo, tam,
                             "el programa cargó en memoria como código el archivo «%.120s», "
                             "que no es del sistema ni el propio programa: código escrito en "
                             "tiempo de ejecución",
                             archivo);
                    visto = 1;
                }
            }
        }
    }
    free(linea);
    fclose(f);
    return visto;
}

/* La señal por la que murió el programa bajo valgrind (-1 si no se sabe cuál), o 0. */
static int muerte_por_senal(const cal_proceso_t *p, const char *vg)
{
    if (p->init <= 0 && WIFSIGNALED(p->estado)) /* sin bwrap (strace también muere así) */
        return WTERMSIG(p->estado);
    int s = senal_en_traza(p->traza);
    if (s != 0)
        return s;
    if (contar_entradas(vg, "Process terminating with default action of signal ") > 0)
        return -1;
    return cal_codigo(p) == 128 + SIGKILL ? SIGKILL : 0; /* SIGKILL: valgrind no escribe nada */
}

/* Lo más útil de un informe, primero: el primer error, o la primera fuga. */
static const char *const MARCAS_PROBLEMA[] = {
    "Invalid ",           "uninitialised",    "Conditional jump",   "definitely lost in",
    "indirectly lost in", "possibly lost in", "still reachable in", NULL};

/* El principio de la línea del primer problema del informe, o NULL. */
static const char *primer_problema(const char *vg)
{
    const char *error = NULL;
    for (int i = 0; MARCAS_PROBLEMA[i] != NULL && error == NULL; i++)
        error = strstr(vg, MARCAS_PROBLEMA[i]);
    while (error != NULL && error > vg && error[-1] != '\n')
        error--;
    return error;
}

/* El texto de la línea `l` del informe sin «==PID== » delante ni « in loss record…» detrás. */
static int texto_de_linea(const char *l, const char **texto)
{
    const char *fin = strchr(l, '\n');
    int n = fin != NULL ? (int)(fin - l) : (int)strlen(l);
    if (n > 2 && l[0] == '=' && l[1] == '=') {
        const char *tras = memmem(l + 2, (size_t)n - 2, "== ", 3);
        if (tras != NULL) {
            n -= (int)(tras + 3 - l);
            l = tras + 3;
        }
    }
    while (n > 0 && l[0] == ' ') {
        l++;
        n--;
    }
    const char *registro = memmem(l, (size_t)n, " in loss record", 15);
    if (registro != NULL)
        n = (int)(registro - l);
    *texto = l;
    return n;
}

#define VALGRIND_ENCONTRO "valgrind encontró errores de memoria o fugas (código 99)"
_Static_assert(CAL_CODIGO_VALGRIND == 99, "VALGRIND_ENCONTRO dice el código");

/* Copia en `dst` los `n` primeros bytes de `src` (como mucho tam - 1), cada uno que no sea
 * ASCII imprimible como «?»: el informe de valgrind lo puede escribir también el programa, y lo
 * que pasa al informe del calificador es UTF-8 limpio. */
static void ascii(char *dst, size_t tam, const char *src, int n)
{
    size_t i = 0;
    for (; n > 0 && i + 1 < tam && i < (size_t)n; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
    dst[i] = '\0';
}

/* En `motivo`, qué encontró valgrind: el primer problema y el primer marco de su pila que es
 * del programa («función (archivo.c:línea)»; los de libc, libuv o valgrind dicen «(in /…)»).
 * Un estudiante de prueba de la sesión 39 solo veía «encontró errores de memoria o fugas»: la
 * pila venía en el detalle, detrás de todo lo demás. */
/* Lo que sigue a la primera «still reachable: » del informe que no dice «0 bytes», o NULL.
 * Las mira todas: el programa puede escribir en el informe (el descriptor es suyo también),
 * pero no quitar lo que escribe valgrind. */
static const char *alcanzable_al_salir(const char *vg)
{
    static const char marca[] = "still reachable: ";
    for (const char *r = strstr(vg, marca); r != NULL; r = strstr(r + 1, marca)) {
        r += strlen(marca);
        if (strncmp(r, "0 bytes", 7) != 0)
            return r;
    }
    return NULL;
}

/* Qué quiere decir, en español, una fuga de las clases que valgrind nombra en inglés. Todas
 * cuentan (--errors-for-leak-kinds=all, lib/lanzar.c): un adversario de la sesión 47 escondía
 * sus fugas como «possibly lost» con un puntero al interior de cada bloque en un global, y con
 * solo definite e indirect sacaba 100. Si al salir quedaba algo aún alcanzable, la explicación
 * es la de salir sin cerrar, sea cual sea la clase de la primera fuga: valgrind las ordena por
 * tamaño, y tras un exit() en una callback la primera puede ser «possibly lost» (lo que libcurl
 * tenía a medias) o «still reachable» según lo que hubiera en curso (el CI de 52266c51 vio la
 * otra que la prueba del 10). */
static const char *glosa_fuga(const char *problema, const char *vg)
{
    int es_fuga =
        strstr(problema, "still reachable") != NULL || strstr(problema, "possibly lost") != NULL ||
        strstr(problema, "definitely lost") != NULL || strstr(problema, "indirectly lost") != NULL;
    if (!es_fuga)
        return "";
    if (strstr(problema, "still reachable") != NULL || alcanzable_al_salir(vg) != NULL)
        return " (al salir quedaba memoria sin liberar y aún alcanzable: salió sin cerrar ni "
               "liberar, p. ej. con exit() en una callback, o la guarda una lista o un global)";
    if (strstr(problema, "possibly lost") != NULL)
        return " (memoria que nadie liberó, y a la que solo algo apunta por dentro del bloque)";
    if (strstr(problema, "definitely lost") != NULL)
        return " (memoria que nadie liberó y a la que ya nada apunta)";
    return " (memoria que nadie liberó, a la que solo apunta otra perdida)";
}

static void explicar_problema(const char *vg, char *motivo, size_t tam)
{
    const char *l = primer_problema(vg), *texto = "", *marco = NULL, *otro = NULL;
    int n = 0, largo_marco = 0, largo_otro = 0;
    if (l != NULL)
        n = texto_de_linea(l, &texto);
    for (int k = 0; l != NULL && k < 40 && otro == NULL; k++) {
        l = strchr(l, '\n');
        if (l == NULL)
            break;
        l++;
        const char *t = l;
        int m = texto_de_linea(l, &t);
        if (m <= 0 || t == NULL)
            break; /* la pila acaba en una línea vacía */
        const char *dos = memmem(t, (size_t)m, ": ", 2);
        if ((strncmp(t, "at ", 3) == 0 || strncmp(t, "by ", 3) == 0) && dos != NULL &&
            memmem(t, (size_t)m, "(in ", 4) == NULL && memmem(t, (size_t)m, ".c:", 3) != NULL) {
            if (marco == NULL) {
                marco = dos + 2;
                largo_marco = m - (int)(marco - t);
            } else {
                otro = dos + 2;
                largo_otro = m - (int)(otro - t);
            }
        }
    }
    char problema[81], donde[61], desde[61];
    ascii(problema, sizeof problema, n > 0 ? texto : "", n);
    ascii(donde, sizeof donde, marco != NULL ? marco : "", largo_marco);
    ascii(desde, sizeof desde, otro != NULL ? otro : "", largo_otro);
    /* De lo más completo a lo más corto, hasta que quepa entero (cortar a medias podría partir
     * una «»): dos marcos (el primero puede ser de libcurso, json_util.c, y el que lo llamó,
     * del programa), uno, ninguno. */
    /* Con la glosa y sin ella: primero todo lo que quepa entero con la explicación en español. */
    const char *glosas[] = {glosa_fuga(problema, vg), ""};
    int r = -1;
    for (int g = 0; g < 2 && (r < 0 || (size_t)r >= tam); g++) {
        const char *glosa = glosas[g];
        if (problema[0] != '\0' && donde[0] != '\0' && desde[0] != '\0')
            r = snprintf(motivo, tam, "%s; el primero: «%s»%s, en %s, desde %s", VALGRIND_ENCONTRO,
                         problema, glosa, donde, desde);
        if ((r < 0 || (size_t)r >= tam) && problema[0] != '\0' && donde[0] != '\0')
            r = snprintf(motivo, tam, "%s; el primero: «%s»%s, en %s", VALGRIND_ENCONTRO, problema,
                         glosa, donde);
        if ((r < 0 || (size_t)r >= tam) && problema[0] != '\0')
            r = snprintf(motivo, tam, "%s; el primero: «%s»%s", VALGRIND_ENCONTRO, problema, glosa);
    }
    if (r < 0 || (size_t)r >= tam)
        snprintf(motivo, tam, "%s", VALGRIND_ENCONTRO);
}

int cal_valgrind_senal(const cal_proceso_t *p)
{
    if (!p->termino || p->matado || p->excedido)
        return 0;
    return muerte_por_senal(p, cal_valgrind(p));
}

int cal_valgrind_veredicto(const cal_proceso_t *p, char *motivo, size_t tam)
{
    const char *vg = cal_valgrind(p);
    int ordenes = contar_entradas(vg, "Command: ");
    int resumenes = contar_entradas(vg, "ERROR SUMMARY: ");
    int limpios = contar_entradas(vg, "ERROR SUMMARY: 0 errors");
    int codigo = cal_codigo(p);
    if (p->valgrind.descartados > 0) {
        snprintf(motivo, tam,
                 "el informe de valgrind pasó de %d KiB (%s %llu %s): el "
                 "programa escribió en él, y su resumen de verdad pudo quedar fuera",
                 TOPE_VALGRIND / 1024,
                 texto_plural((long long)p->valgrind.descartados, "se descartó", "se descartaron"),
                 (unsigned long long)p->valgrind.descartados,
                 texto_plural((long long)p->valgrind.descartados, "byte", "bytes"));
        return 0;
    }
    if (codigo_ajeno(p->traza, motivo, tam))
        return 0;
    int senal = p->termino && !p->matado && !p->excedido ? muerte_por_senal(p, vg) : 0;
    if (senal != 0) {
        snprintf(motivo, tam,
                 "el programa murió por %s%s bajo valgrind: así valgrind no da su veredicto "
                 "por el código de salida; el programa tiene que liberarlo todo y salir de main",
                 senal > 0 ? "la señal SIG" : "una señal",
                 senal > 0 && sigabbrev_np(senal) != NULL ? sigabbrev_np(senal) : "");
        return 0;
    }
    if (ordenes == 0 || resumenes == 0) {
        snprintf(motivo, tam, "valgrind no llegó a dar su resumen (¿terminó el programa?)");
        return 0;
    }
    if (resumenes > 1 && ordenes == 1) {
        snprintf(motivo, tam,
                 "el informe de valgrind tiene más de un resumen de errores (%d) y valgrind "
                 "escribe uno por programa: el programa escribió en el informe de valgrind",
                 resumenes);
        return 0;
    }
    if (ordenes > 1) {
        snprintf(motivo, tam,
                 "el informe de valgrind habla de más de un programa (%d): la entrega ejecutó otro "
                 "programa o creó procesos, y el informe solo vale si es el de un programa, "
                 "el de la entrega",
                 ordenes);
        return 0;
    }
    if (codigo == CAL_CODIGO_VALGRIND || limpios != resumenes) {
        explicar_problema(vg, motivo, tam);
        return 0;
    }
    snprintf(motivo, tam, "valgrind: 0 errores y sin fugas");
    return 1;
}

/* Cualquier «still reachable: N bytes in M blocks» con N != 0 en el informe
 * (alcanzable_al_salir). */
int cal_valgrind_cerrado(const cal_proceso_t *p, char *motivo, size_t tam)
{
    const char *vg = cal_valgrind(p);
    const char *r = alcanzable_al_salir(vg);
    if (r != NULL) {
        int n = 0;
        while (r[n] != '\0' && r[n] != '\n' && n < 60)
            n++;
        snprintf(motivo, tam,
                 "al salir quedaba memoria sin liberar y aún alcanzable (%.*s, «still "
                 "reachable»): salió sin cerrar ni liberar: con exit() o _exit() antes de "
                 "tiempo (p. ej. desde una callback, o al vencer un plazo de parada con algo aún "
                 "abierto) o sin que uv_loop_close() diera 0",
                 n, r);
        return 0;
    }
    if (strstr(vg, "All heap blocks were freed") == NULL &&
        strstr(vg, "still reachable: 0 bytes") == NULL) {
        snprintf(motivo, tam, "el informe de valgrind no dice cuánta memoria quedó al salir");
        return 0;
    }
    snprintf(motivo, tam, "todo liberado al salir");
    return 1;
}

void cal_valgrind_nota(const cal_proceso_t *p)
{
    static char buf[8192];
    const char *vg = cal_valgrind(p);
    /* Lo más útil primero: el primer error con su pila, o el resumen de fugas. */
    const char *error = primer_problema(vg);
    if (error != NULL) {
        cal_nota("Primer problema que señala valgrind:\n%s",
                 cal_extracto(error, 14, buf, sizeof buf));
    }
    const char *resumen = strstr(vg, "LEAK SUMMARY");
    if (resumen == NULL)
        resumen = strstr(vg, "ERROR SUMMARY");
    if (resumen != NULL) {
        while (resumen > vg && resumen[-1] != '\n')
            resumen--;
        cal_nota("Resumen de valgrind:\n%s", cal_extracto(resumen, 8, buf, sizeof buf));
    } else if (error == NULL) {
        cal_nota("Informe de valgrind:\n%s", cal_extracto(vg, 14, buf, sizeof buf));
    }
}
