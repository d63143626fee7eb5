/* repetir.c — una verificación que falla se repite una vez antes de costar puntos.
 *
 * Bajo carga (una clase entera con J=2 en una máquina de dos núcleos), una verificación que
 * mide tiempos puede fallar una vez con un programa correcto: 88 → 77 → 88 en tres pasadas
 * idénticas. En vez de pedir a cada calificador que marque qué fallos son «de tiempo» (un
 * calificador legible por la clase no debe tener una puerta así), el ejecutor repite, sola y
 * con un solo trabajo a la vez, cada verificación que falló, y se queda con la segunda
 * respuesta. Un fallo de verdad falla las dos veces (los mutantes de prueba-labs lo prueban en
 * cada laboratorio: cada uno sigue perdiendo exactamente sus verificaciones).
 *
 * Se repite solo si fallan pocas (REPETIR_MAX): un programa de partida o una entrega rota
 * fallan casi todas, y repetirlas duplicaría el tiempo sin cambiar nada. Si el calificador
 * entero se pasó de tiempo, tampoco (es un programa colgado, no una verificación lenta). Ni
 * la que su calificador marcó con cal_sin_repetir: falló por algo que la carga no explica (un
 * programa dormido sin nada pendiente), y repetirla daba por bueno un fallo que solo sale a
 * veces.
 */
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPETIR_MAX 3

/* Ejecuta solo la verificación `v` otra vez y lee su nuevo resultado. */
static void repetir_una(lab_t *lab, verificacion_t *v, const rutas_t *r, const char *const *entorno)
{
    char tap[PATH_MAX], registro[PATH_MAX], json[PATH_MAX];
    texto_poner(tap, sizeof tap, "%s/repetida-%s.tap", r->trabajo, v->id);
    texto_poner(registro, sizeof registro, "%s/repetida-%s.log", r->trabajo, v->id);
    texto_poner(json, sizeof json, "%s/%s.json", r->resultados, v->id);
    unlink(json);
    texto_poner(json, sizeof json, "%s/%s.firma", r->resultados, v->id);
    unlink(json);
    int indice = (int)(v - lab->v);
    char *filtro = criterion_filtro(lab, &indice, 1);
    char *tap_arg = texto_formato("--tap=%s", tap);
    const char *argv[] = {r->calificador, "--jobs=1", filtro, tap_arg, NULL};
    orden_t o = {.argv = argv,
                 .entorno = entorno,
                 .carpeta = r->trabajo,
                 .salida = registro,
                 .limite_s = lab->tiempo_limite_s,
                 .con_clave = 1};
    int e = orden_ejecutar(&o);
    huerfanos_barrer();
    free(filtro);
    free(tap_arg);
    verificacion_t nueva = *v;
    nueva.esperado = nueva.obtenido = nueva.detalle = NULL;
    char *texto_tap = e == 0 ? archivos_leer(tap, 1 << 20) : NULL;
    criterion_leer(&nueva, r->resultados, texto_tap);
    free(texto_tap);
    v->repetida = repetir_fundir(v, &nueva);
}

int repetir_fundir(verificacion_t *v, verificacion_t *nueva)
{
    if (!nueva->ok) {
        /* Falla las dos veces: se queda el primer resultado (el de la calificación entera). */
        free(nueva->esperado);
        free(nueva->obtenido);
        free(nueva->detalle);
        return 0;
    }
    /* Pasó al repetirla: vale la segunda, y el informe dice lo que pasó la primera vez. */
    char *primera = texto_dup(v->obtenido != NULL ? v->obtenido : "");
    free(v->esperado);
    free(v->obtenido);
    free(v->detalle);
    v->ok = 1;
    v->esperado = nueva->esperado;
    v->obtenido = nueva->obtenido;
    v->detalle = texto_formato("%s%s(falló la primera vez y pasó al repetirla sola: «%.200s»)",
                               nueva->detalle, nueva->detalle[0] != '\0' ? "\n" : "", primera);
    free(nueva->detalle);
    v->segundos = nueva->segundos;
    free(primera);
    return 1;
}

int repetir_esta(verificacion_t *v)
{
    if (v->sin_repetir[0] == '\0')
        return 1;
    char *t =
        texto_formato("%s%s(no se repitió sola: %s)", v->detalle != NULL ? v->detalle : "",
                      v->detalle != NULL && v->detalle[0] != '\0' ? "\n" : "", v->sin_repetir);
    free(v->detalle);
    v->detalle = t;
    v->sin_repetir[0] = '\0'; /* dicho una vez */
    return 0;
}

int repetir_conviene(const lab_t *lab)
{
    if (lab->aviso != NULL && strstr(lab->aviso, "superó su tiempo") != NULL)
        return 0;
    int fallan = 0;
    for (int i = 0; i < lab->nv; i++)
        fallan += !lab->v[i].ok && strcmp(lab->v[i].id, "compila") != 0;
    return fallan > 0 && fallan <= REPETIR_MAX;
}

int repetir_fallidas(lab_t *lab, const rutas_t *r, const char *const *entorno)
{
    if (!repetir_conviene(lab))
        return 0;
    int recuperadas = 0;
    for (int i = 0; i < lab->nv; i++) {
        verificacion_t *v = &lab->v[i];
        if (v->ok || strcmp(v->id, "compila") == 0 || !repetir_esta(v))
            continue;
        repetir_una(lab, v, r, entorno);
        recuperadas += v->ok;
    }
    return recuperadas;
}
