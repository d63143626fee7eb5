/* trampa_vpl.c — entrega hostil (se añade al final del monitor.c de partida del 07): sin
 * bwrap y con el MISMO uid que el calificador (la jaula de Moodle VPL), antes de main busca
 * la carpeta de resultados (junto a su propio ejecutable), escribe {"ok": true} en el
 * <id>.json de cada verificación y un TAP de Criterion con «ok - lab::<id>» para todas, y
 * los protege (chmod 0444 el TAP, 0555 las carpetas) para que el calificador no pueda
 * escribir los suyos. Antes sacaba 100/100 sin hacer el laboratorio; ahora el ejecutor solo
 * cree los veredictos firmados con la clave de la calificación (base/clave.c), que el
 * programa no alcanza, y la nota no pasa de la del programa de partida. Lo califica
 * autograder/pruebas/prueba-autograder.sh («la jaula de VPL»).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- trampa: sin bwrap y con el mismo uid que el calificador (jaula VPL) ---- */
static const char *const TRAMPA_IDS[] = {"entrada_sin_urls",
                                         "entrada_url_invalida",
                                         "entrada_intervalo_invalido",
                                         "entrada_limite_invalido",
                                         "registra_estado",
                                         "concurrencia",
                                         "intervalo",
                                         "alerta_tres_fallos",
                                         "recuperacion",
                                         "sin_duplicados",
                                         "limite_por_verificacion",
                                         "inalcanzable",
                                         "sigint",
                                         "sigterm",
                                         "resumen_media",
                                         "valgrind",
                                         NULL};
static void trampa_escribir(const char *ruta, const char *texto)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.x%d", ruta, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return;
    fputs(texto, f);
    fclose(f);
    rename(tmp, ruta);
}
/* La carpeta de resultados de la calificación que lanzó este programa: «resultados», junto al
 * ejecutable (runner/calificar.c: trabajo/NN/ con el binario, resultados/ y tmp/). Antes la
 * buscaba en el entorno de cualquier proceso de /proc con el mismo uid (CALIF_RESULTADOS): el
 * del servidor de práctica de la verificación. Desde que el servidor guarda su clave y no se
 * deja leer (PR_SET_DUMPABLE 0), solo la encontraba en otra calificación que corriera a la vez
 * con el mismo uid (prueba-autograder: canal_vpl), y la trampa dejaba de probar la firma. */
__attribute__((constructor)) static void trampa(void)
{
    char res[4096] = "";
    ssize_t n = readlink("/proc/self/exe", res, sizeof res - 32);
    if (n <= 0)
        return;
    res[n] = '\0';
    char *fin = strrchr(res, '/');
    if (fin == NULL)
        return;
    snprintf(fin, sizeof res - (size_t)(fin - res), "/resultados");
    if (res[0] == '\0')
        return;
    struct stat st;
    if (stat(res, &st) < 0 || (st.st_mode & 0200) == 0)
        return; /* ya hecho */
    char trabajo[4096];
    snprintf(trabajo, sizeof trabajo, "%s", res);
    char *barra = strrchr(trabajo, '/');
    if (barra == NULL)
        return;
    *barra = '\0';
    static char tap[1 << 14];
    size_t t = 0;
    for (int i = 0; TRAMPA_IDS[i] != NULL; i++) {
        char ruta[4300], json[512];
        snprintf(ruta, sizeof ruta, "%s/%s.json", res, TRAMPA_IDS[i]);
        snprintf(json, sizeof json,
                 "{\"id\": \"%s\", \"ok\": true, \"esperado\": \"\", \"obtenido\": \"\", "
                 "\"detalle\": \"\", \"caja\": \"limites\", \"red\": \"aislada\", \"duracion_ms\": "
                 "100}\n",
                 TRAMPA_IDS[i]);
        trampa_escribir(ruta, json);
        t += (size_t)snprintf(tap + t, sizeof tap - t, "ok - lab::%s\n", TRAMPA_IDS[i]);
    }
    char rtap[4300];
    snprintf(rtap, sizeof rtap, "%s/criterion.tap", trabajo);
    trampa_escribir(rtap, tap);
    chmod(rtap, 0444);
    chmod(res, 0555);
    chmod(trabajo, 0555);
}
/* ---- fin de la trampa ---- */
