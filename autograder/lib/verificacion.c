/* verificacion.c — el veredicto de cada verificación y la limpieza de todo lo que creó.
 *
 * El resultado se escribe como JSON (con jansson, que escapa bien: el JSON de Criterion
 * 2.4.1 no lo hace) en $CALIF_RESULTADOS/<id>.json, primero en un temporal y luego con
 * rename(): el ejecutor nunca ve un archivo a medias. Con bwrap, o como otro usuario, el
 * programa del estudiante no ve esa carpeta o no puede escribir en ella; sin bwrap y con el
 * mismo uid (VPL) sí puede. Por eso el proceso principal de Criterion, que recibe de los
 * trabajadores por su propio canal si cada prueba pasó (el cr_assert de CAL_FIN), escribe
 * además <id>.firma: HMAC-SHA256 del veredicto con la clave de la calificación
 * (base/clave.c). El ejecutor no da por buena ninguna verificación sin esa firma.
 */
#define _GNU_SOURCE
#include "calificador/calificador.h"
#include "interno.h"

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

static char id_actual[128];
static uint64_t inicio_verificacion_ms;
static int limpio = 1;
static char sin_repetir[384]; /* cal_sin_repetir: por qué el fallo no se repite solo, o "" */

/* Mientras un cliente tcp_* espera, se lee la salida de los programas lanzados. */
static void bombear_salida(void)
{
    cal_esperar(0);
}

static void limpiar(void)
{
    if (limpio)
        return;
    limpio = 1;
    procesos_liberar_todos();
    servidores_parar_todos();
    huerfanos_barrer();
    /* Con reglas sobre la entrada, qué escribió la verificación, antes de borrarlo. */
    observar_anotar_entrada(temporal_raiz(), temporal_raiz_fd(), temporales_id());
    temporales_borrar();
    cuota_limpiar();
}

/* «<id>.en-marcha» en la carpeta de resultados: el ejecutor lo ve y enseña en la terminal qué
 * verificación está corriendo (solo eso: el veredicto es siempre el <id>.json). */
static void marcar_en_marcha(const char *id)
{
    const char *dir = getenv("CALIF_RESULTADOS");
    if (dir == NULL || dir[0] == '\0')
        return;
    char ruta[PATH_MAX];
    snprintf(ruta, sizeof ruta, "%s/%s.en-marcha", dir, id);
    int fd = open(ruta, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        close(fd);
}

/* La red de Criterion (CAL_PRUEBA) cuenta con lo que más puede alargarse un plazo_t. */
_Static_assert(CAL_RED_VECES == RELOJ_CPU_TOPE, "CAL_RED_VECES debe ser RELOJ_CPU_TOPE");

static int segundos_verificacion;

void cal_inicio(const char *id, int segundos)
{
    snprintf(id_actual, sizeof id_actual, "%s", id);
    segundos_verificacion = segundos;
    plazo_verificacion_empezar(segundos);
    vivos_olvidar();
    /* La espera de proceso.c avisa así a vivos.c y a cuota.c, que la usan: sin llamarlos
     * por su nombre, proceso.c queda debajo de los dos. */
    procesos_avisar(
        &(procesos_avisos_t){.antes_de_matar = vivos_pedir, .disco_lleno = cuota_mirar});
    temporales_iniciar(id);
    cuota_reiniciar();
    inicio_verificacion_ms = cal_ahora_ms();
    limpio = 0;
    sin_repetir[0] = '\0';
    /* Los huérfanos de la entrega (demonios) pasan a ser hijos nuestros y se matan. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);
    atexit(limpiar);
    tcp_al_esperar(bombear_salida);
    /* Red propia antes de arrancar nada: servidor, entrega y clientes la comparten. */
    red_aislar();
    marcar_en_marcha(id);
}

/* Antes que nada: no volcable (el mismo uid no lee nuestra memoria, /proc/<pid>/fd ni
 * environ, ni hace ptrace) y, en el proceso principal de Criterion, la clave del ejecutor
 * (descriptor CLAVE_FD). Cada proceso de Criterion pasa por aquí: BoxFort arranca sus
 * trabajadores con execve, que deshace PR_SET_DUMPABLE. Los trabajadores no tienen la clave:
 * BoxFort cierra en ellos todo descriptor que no sea suyo, y lo que lanza una verificación
 * (orden_lanzar) tampoco lo hereda. */
__attribute__((constructor)) static void proteger(void)
{
    clave_no_volcable();
    clave_leer();
    (void)canal_propio(); /* el canal de Criterion, fuera del /tmp de todos (lib/canal.c) */
}

/* En el proceso principal de Criterion, al acabar cada prueba: su veredicto, tal como lo
 * dio el trabajador por el canal de Criterion (pasa solo si CAL_FIN dio ok), firmado con la
 * clave en $CALIF_RESULTADOS/<id>.firma (un temporal y rename). Ojo: ReportHook nombra su
 * función con el número de línea (hook_l<línea>_impl, global): un gancho de un calificador
 * (labs/12/.calificador/comun.c, líneas 73 y 107) en la misma línea no enlaza. */
ReportHook(POST_TEST)(struct criterion_test_stats *stats)
{
    const char *dir = getenv("CALIF_RESULTADOS");
    if (!clave_hay() || dir == NULL || dir[0] == '\0' || stats == NULL || stats->test == NULL)
        return;
    int ok = stats->test_status == CR_STATUS_PASSED && !stats->crashed && !stats->timed_out;
    char firma[65], final[PATH_MAX], temporal[PATH_MAX + 8];
    clave_firmar_veredicto(stats->test->name, ok, firma);
    snprintf(final, sizeof final, "%s/%s.firma", dir, stats->test->name);
    snprintf(temporal, sizeof temporal, "%s.tmp", final);
    FILE *f = fopen(temporal, "we");
    if (f == NULL)
        return;
    int bien = fprintf(f, "%s %d\n", firma, ok) > 0;
    if (fclose(f) == 0 && bien)
        rename(temporal, final);
    else
        unlink(temporal);
}

static void escribir_resultado(int ok)
{
    const char *dir = getenv("CALIF_RESULTADOS");
    /* Lo que escribió el programa puede no ser UTF-8: jansson rechazaría el texto. */
    char *e = texto_sanear(notas_esperado()), *o = texto_sanear(notas_obtenido()),
         *d = texto_sanear(notas_detalle());
    json_t *r = json_pack("{s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:I}", "id", id_actual, "ok", ok,
                          "esperado", e != NULL ? e : "", "obtenido", o != NULL ? o : "", "detalle",
                          d != NULL ? d : "", "caja", cal_caja(), "red", red_estado(),
                          "duracion_ms", (json_int_t)(cal_ahora_ms() - inicio_verificacion_ms));
    free(e);
    free(o);
    free(d);
    if (r == NULL)
        return;
    char *porque = texto_sanear(sin_repetir);
    if (!ok && sin_repetir[0] != '\0' && porque != NULL)
        json_object_set_new(r, "sin_repetir", json_string(porque));
    free(porque);
    if (dir == NULL || dir[0] == '\0') {
        /* Ejecución a mano del calificador: el resultado, a la vista. */
        char *texto = json_dumps(r, JSON_INDENT(2));
        if (texto != NULL)
            fprintf(stderr, "%s\n", texto);
        free(texto);
    } else {
        char final[PATH_MAX], temporal[PATH_MAX + 8];
        snprintf(final, sizeof final, "%s/%s.json", dir, id_actual);
        snprintf(temporal, sizeof temporal, "%s.tmp", final);
        if (json_dump_file(r, temporal, JSON_INDENT(2)) == 0)
            rename(temporal, final);
    }
    json_decref(r);
}

void cal_sin_repetir(const char *formato, ...)
{
    if (sin_repetir[0] != '\0')
        return; /* vale el primer porqué */
    va_list ap;
    va_start(ap, formato);
    vsnprintf(sin_repetir, sizeof sin_repetir, formato, ap);
    va_end(ap);
}

int cal_fin(int ok)
{
    ok = ok ? 1 : 0;
    /* Pasa: lo que sus clientes enviaron y recibieron tuvo que pasar por libuv en los programas
     * lanzados con .trafico (lib/vivos.c). Antes de limpiar(), que los mata. */
    if (ok)
        ok = procesos_trafico_por_libuv();
    /* Falla y algún programa sigue en marcha: qué mantiene vivo su bucle (lib/vivos.c),
     * antes de que limpiar() los mate. */
    /* Se acabó su tiempo (plazo_verificacion_vencido): las esperas que quedaban se cortaron, y
     * lo que dejaron de ver no puede dar la verificación por buena (una que espera a que algo NO
     * pase lo daría). Cuesta la verificación, como el .timeout de Criterion antes. */
    int vencida = plazo_verificacion_vencido();
    if (vencida)
        ok = 0;
    if (!ok)
        procesos_pedir_vivos();
    limpiar();
    if (vencida) {
        if (notas_obtenido() != NULL)
            cal_nota("Lo que vio la verificación: %s", notas_obtenido());
        cal_obtenido("la verificación no terminó en su tiempo (%d s, contados con la CPU que "
                     "tuvo la máquina): el calificador cortó las esperas que quedaban y paró el "
                     "programa",
                     segundos_verificacion);
    }
    /* Pasar de la cuota de disco (cuota.c) cuesta la verificación, diga lo que diga el
     * calificador: lo que vio después de pararlo pasa al detalle. */
    const char *cuota = cuota_disparada();
    if (cuota != NULL) {
        ok = 0;
        if (notas_obtenido() != NULL)
            cal_nota("Lo que vio la verificación: %s", notas_obtenido());
        cal_obtenido("%s", cuota);
    }
    if (ok)
        vivos_olvidar();
    else
        vivos_anotar();
    escribir_resultado(ok);
    return ok;
}

/* Las últimas `n` líneas de `texto`. */
static const char *cola(const char *texto, int n)
{
    const char *p = texto + strlen(texto);
    if (p > texto && p[-1] == '\n')
        p--;
    int vistas = 0;
    while (p > texto) {
        if (p[-1] == '\n' && ++vistas >= n)
            break;
        p--;
    }
    return p;
}

void cal_nota_salida(const cal_proceso_t *p, int n)
{
    char buf[8192];
    const char *s = cal_salida(p), *e = cal_errores(p);
    cal_nota("Salida estándar del programa (últimas %d líneas):\n%s", n,
             cal_extracto(cola(s, n), n, buf, sizeof buf));
    if (e[0] != '\0')
        cal_nota("Salida de errores del programa (últimas %d líneas):\n%s", n,
                 cal_extracto(cola(e, n), n, buf, sizeof buf));
    if (cal_descartados(p) > 0)
        cal_nota("(el programa escribió demasiado: %s %llu %s de salida)",
                 texto_plural((long long)cal_descartados(p), "se descartó", "se descartaron"),
                 (unsigned long long)cal_descartados(p),
                 texto_plural((long long)cal_descartados(p), "byte", "bytes"));
}
