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
 *     antes 100/100 en el 10).
 */
#define _GNU_SOURCE
#include "calificador/calificador.h"
#include "interno.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

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
    char linea[1024];
    long pid = 0;
    int senal = 0;
    while (senal == 0 && fgets(linea, sizeof linea, f) != NULL) {
        char *resto;
        long tid = strtol(linea, &resto, 10);
        while (*resto == ' ')
            resto++;
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
    fclose(f);
    return senal;
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

int cal_valgrind_veredicto(const cal_proceso_t *p, char *motivo, size_t tam)
{
    const char *vg = cal_valgrind(p);
    int ordenes = contar_entradas(vg, "Command: ");
    int resumenes = contar_entradas(vg, "ERROR SUMMARY: ");
    int limpios = contar_entradas(vg, "ERROR SUMMARY: 0 errors");
    int codigo = cal_codigo(p);
    if (p->valgrind.descartados > 0) {
        snprintf(motivo, tam,
                 "el informe de valgrind pasó de %d KiB (se descartaron %llu bytes): el "
                 "programa escribió en él, y su resumen de verdad pudo quedar fuera",
                 TOPE_VALGRIND / 1024, (unsigned long long)p->valgrind.descartados);
        return 0;
    }
    int senal = p->termino && !p->matado && !p->excedido ? muerte_por_senal(p, vg) : 0;
    if (senal != 0) {
        snprintf(motivo, tam,
                 "el programa murió por %s%s bajo valgrind: así valgrind no da su veredicto "
                 "por el código de salida; tiene que liberar todo y salir de main",
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
                 "el informe de valgrind tiene %d resúmenes de errores y valgrind escribe uno "
                 "por programa: el programa escribió en el informe de valgrind",
                 resumenes);
        return 0;
    }
    if (ordenes > 1) {
        snprintf(motivo, tam,
                 "el informe tiene %d programas: la entrega ejecutó otro programa o creó "
                 "procesos, y cada uno debe estar limpio y ser el mismo programa",
                 ordenes);
        return 0;
    }
    if (codigo == CAL_CODIGO_VALGRIND || limpios != resumenes) {
        snprintf(motivo, tam, "valgrind encontró errores de memoria o fugas (código %d)",
                 CAL_CODIGO_VALGRIND);
        return 0;
    }
    snprintf(motivo, tam, "valgrind: 0 errores y sin fugas");
    return 1;
}

void cal_valgrind_nota(const cal_proceso_t *p)
{
    static char buf[8192];
    const char *vg = cal_valgrind(p);
    /* Lo más útil primero: el primer error con su pila, o el resumen de fugas. */
    static const char *const marcas[] = {"Invalid ",           "uninitialised",
                                         "Conditional jump",   "definitely lost in",
                                         "indirectly lost in", NULL};
    const char *error = NULL;
    for (int i = 0; marcas[i] != NULL && error == NULL; i++)
        error = strstr(vg, marcas[i]);
    if (error != NULL) {
        while (error > vg && error[-1] != '\n')
            error--;
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
