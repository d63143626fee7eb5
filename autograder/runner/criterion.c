/* criterion.c — el adaptador de Criterion: casar el manifiesto con las pruebas del
 * calificador (--list), ejecutarlo con un entorno limpio y leer lo que decidió.
 *
 * Criterion 2.4.1 no es de fiar a ciegas: un _exit(0) cuenta como éxito y su JSON no escapa
 * comillas. Por eso una verificación solo cuenta como superada si su archivo de resultado
 * (escrito por libcalificador con jansson) dice ok Y el TAP de Criterion dice «ok».
 */
#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Estado de cada prueba según el TAP de Criterion: 1 ok, 0 not ok, -1 no aparece. */
static int tap_estado(const char *tap, const char *id, char *motivo, size_t tam)
{
    char buscado[128];
    texto_poner(buscado, sizeof buscado, "lab::%s", id);
    motivo[0] = '\0';
    const char *p = tap != NULL ? tap : "";
    while (*p != '\0') {
        const char *fin = strchr(p, '\n');
        if (fin == NULL)
            fin = p + strlen(p);
        int ok = strncmp(p, "ok - ", 5) == 0;
        int mal = strncmp(p, "not ok - ", 9) == 0;
        if (ok || mal) {
            const char *nombre = p + (ok ? 5 : 9);
            size_t n = strlen(buscado);
            if ((size_t)(fin - nombre) >= n && strncmp(nombre, buscado, n) == 0 &&
                (nombre + n == fin || nombre[n] == ' ')) {
                const char *resto = nombre + n;
                while (resto < fin && *resto == ' ')
                    resto++;
                texto_poner(motivo, tam, "%.*s", (int)(fin - resto), resto);
                return ok ? 1 : 0;
            }
        }
        p = *fin == '\n' ? fin + 1 : fin;
    }
    return -1;
}

/* Los nombres de prueba que declara el calificador (salida de --list). */
static int listar_pruebas(const char *calificador, const char *const *entorno, char ***ids)
{
    const char *argv[] = {calificador, "--list", NULL};
    orden_t o = {.argv = argv, .entorno = entorno, .limite_s = 20};
    *ids = NULL;
    if (orden_ejecutar(&o) < 0)
        return -1;
    int n = 0, cap = 0;
    char *guardado = NULL;
    for (char *l = strtok_r(o.capturado, "\n", &guardado); l != NULL;
         l = strtok_r(NULL, "\n", &guardado)) {
        /* «├── id» / «└── id» (o «|-- id» en ASCII); lo demás (cabeceras, avisos) no. */
        if (strncmp(l, "├", 3) != 0 && strncmp(l, "└", 3) != 0 && l[0] != '|' && l[0] != '`')
            continue;
        char *ultimo = strrchr(l, ' ');
        const char *id = ultimo != NULL ? ultimo + 1 : l;
        if (id[0] == '\0')
            continue;
        if (n == cap) {
            int nueva = cap > 0 ? cap * 2 : 32;
            char **mas = realloc(*ids, (size_t)nueva * sizeof **ids);
            if (mas == NULL)
                break; /* sin memoria: se listan las que caben y el casado lo dirá */
            *ids = mas;
            cap = nueva;
        }
        (*ids)[n++] = texto_dup(id);
    }
    free(o.capturado);
    return WIFEXITED(o.estado) && WEXITSTATUS(o.estado) == 0 ? n : -1;
}

/* Añade «texto» al aviso del laboratorio (separado por «; »). */
static void anadir_aviso(lab_t *lab, const char *texto)
{
    char *t = texto_formato("%s%s%s", lab->aviso ? lab->aviso : "", lab->aviso ? "; " : "", texto);
    free(lab->aviso);
    lab->aviso = t;
}

/* ¿Está `id` en lab.json? También las de después del hito elegido (make grade HITO=B):
 * no se califican, pero el calificador las declara igual. */
static int en_manifiesto(const lab_t *lab, const char *id)
{
    for (int i = 0; i < lab->nv + lab->nv_fuera; i++)
        if (strcmp(lab->v[i].id, id) == 0)
            return 1;
    return 0;
}

char *criterion_filtro(const lab_t *lab, const int *indices, int n)
{
    char *ids = texto_dup("");
    int puestos = 0;
    for (int k = 0; k < n; k++) {
        const char *id = lab->v[indices[k]].id;
        if (strcmp(id, "compila") == 0)
            continue;
        char *t = texto_formato("%s%s%s", ids, puestos++ > 0 ? "|" : "", id);
        free(ids);
        ids = t;
    }
    char *filtro = puestos == 1 ? texto_formato("--filter=lab/%s", ids)
                                : texto_formato("--filter=lab/@(%s)", ids);
    free(ids);
    return filtro;
}

/* Con HITO=B, el filtro que elige solo las verificaciones de lab->v[0..nv); sin hito, NULL
 * (todas). Es nuestro. */
static char *filtro_hito(const lab_t *lab)
{
    if (lab->nv_fuera == 0)
        return NULL;
    int *todas = calloc((size_t)lab->nv, sizeof *todas);
    if (todas == NULL)
        return NULL;
    for (int i = 0; i < lab->nv; i++)
        todas[i] = i;
    char *filtro = criterion_filtro(lab, todas, lab->nv);
    free(todas);
    return filtro;
}

int criterion_casar(lab_t *lab, const char *calificador, const char *const *entorno)
{
    char **ids = NULL;
    int nids = listar_pruebas(calificador, entorno, &ids);
    if (nids < 0) {
        char *t = texto_formato("no se pudieron listar las verificaciones de %s", calificador);
        anadir_aviso(lab, t);
        free(t);
        lab->error_instructor = 1;
        return -1;
    }
    for (int i = 0; i < nids; i++)
        if (!en_manifiesto(lab, ids[i]) || strcmp(ids[i], "compila") == 0) {
            char *t =
                texto_formato("la verificación «%s» del calificador no está en lab.json", ids[i]);
            anadir_aviso(lab, t);
            free(t);
            lab->error_instructor = 1;
        }
    for (int i = 0; i < lab->nv + lab->nv_fuera; i++) {
        int esta = strcmp(lab->v[i].id, "compila") == 0;
        for (int k = 0; k < nids; k++)
            esta |= strcmp(ids[k], lab->v[i].id) == 0;
        if (!esta) {
            char *t = texto_formato("la verificación «%s» de lab.json no existe en el "
                                    "calificador",
                                    lab->v[i].id);
            anadir_aviso(lab, t);
            free(t);
            lab->error_instructor = 1;
        }
    }
    for (int i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);
    return lab->error_instructor ? -1 : 0;
}

/* Cuando el TAP de Criterion falta entero, sin él todas las verificaciones quedaban a cero
 * («sin estado en el TAP»), también las que ya habían decidido. Pasa en dos casos: el ejecutor
 * paró al calificador por el tope del laboratorio (tiempo_limite_s), o el proceso de Criterion
 * se detuvo con un error suyo antes de escribir el TAP (Criterion 2.4.1, cuando una prueba
 * acaba justo al llegar su .timeout: «The test has already ended, invalid state 'timeout'» y
 * «Runner returned an error»; medido con tres calificaciones del 12 a la vez en dos núcleos,
 * 1 de 6 daba 5/100 a la solución). Una verificación colgada, o un fallo de Criterion, debe
 * costar esa verificación, no el laboratorio: la que dejó su resultado conserva lo que decidió
 * (lo escribe el calificador, fuera de la caja, al terminar la verificación) y la que no, se
 * explica sola con `sin_tap` (NULL: el TAP vale y este arreglo no se aplica). Devuelve 1 si
 * aplicó el arreglo. */
static int resultado_sin_tap(verificacion_t *v, json_t *r, int tap_ok, const char *sin_tap)
{
    if (sin_tap == NULL || tap_ok != -1)
        return 0;
    if (r != NULL && json_is_object(r)) {
        v->ok = json_is_true(json_object_get(r, "ok"));
        return 1;
    }
    v->ok = 0;
    v->esperado = texto_dup("");
    v->obtenido = texto_dup(sin_tap);
    v->detalle = texto_dup("");
    return 1;
}

/* Lo que dice una verificación sin resultado cuando el ejecutor paró al calificador por el
 * tope del laboratorio. Es de quien llama. */
static char *sin_tap_tope(int limite_s)
{
    return texto_formato("la verificación no terminó antes del tiempo total del laboratorio "
                         "(%d s): el programa se quedó colgado en ella o en otra que corría a la "
                         "vez; las que terminaron conservan su nota",
                         limite_s);
}

/* Y cuando Criterion se detuvo con un error suyo. */
static const char SIN_TAP_CRITERION[] =
    "la verificación no terminó: Criterion, que corre las verificaciones, se detuvo con un "
    "error suyo antes de que esta diera su resultado (calificador.log); es un fallo del "
    "calificador, no de tu programa: vuelve a calificar y, si se repite, avisa al profesorado. "
    "Las que terminaron conservan su nota";

/* Lo que dice una verificación cuyo resultado no trae la firma del calificador. */
static const char NO_FIRMADO[] =
    "el resultado de esta verificación no lo escribió el calificador (¿lo reescribió el "
    "programa?)";

/* ¿Dijo el calificador que `id` pasó? Solo si su <id>.firma (lib/verificacion.c: lo escribe
 * el proceso principal de Criterion con el veredicto que recibió del trabajador) trae la
 * firma de «ok» con la clave de esta calificación (base/clave.c). Sin bwrap y con el mismo
 * uid (VPL) el programa puede escribir el <id>.json y el TAP; no puede firmar. */
static int firmado_ok(const char *resultados, const char *id)
{
    if (!clave_hay())
        return 1; /* sin clave no se está calificando (no pasa en calificar) */
    char ruta[PATH_MAX], esperada[65];
    texto_poner(ruta, sizeof ruta, "%s/%s.firma", resultados, id);
    char *texto = archivos_leer(ruta, 256);
    if (texto == NULL)
        return 0;
    texto[strcspn(texto, " \n")] = '\0';
    clave_firmar_veredicto(id, 1, esperada);
    int bien = clave_iguales(esperada, texto);
    free(texto);
    return bien;
}

/* El <id>.json de `id`. Si dice ok sin la firma del calificador, *falso = 1. */
static json_t *cargar_resultado(const char *resultados, const char *id, int *falso)
{
    char ruta[PATH_MAX];
    texto_poner(ruta, sizeof ruta, "%s/%s.json", resultados, id);
    json_t *r = json_load_file(ruta, 0, NULL);
    *falso = r != NULL && json_is_object(r) && json_is_true(json_object_get(r, "ok")) &&
             !firmado_ok(resultados, id);
    return r;
}

/* Lee el resultado que escribió la verificación `v`. */
static void leer_resultado(verificacion_t *v, const char *resultados, const char *tap,
                           const char *sin_tap)
{
    char motivo[512];
    int falso = 0;
    json_t *r = cargar_resultado(resultados, v->id, &falso);
    int tap_ok = tap_estado(tap, v->id, motivo, sizeof motivo);
    v->sin_repetir[0] = '\0';
    if (falso) {
        /* Ni el TAP ni el archivo valen: el programa pudo escribir los dos. */
        json_decref(r);
        r = NULL;
        v->ok = 0;
        v->esperado = texto_dup("");
        v->obtenido = texto_dup(NO_FIRMADO);
        v->detalle = texto_dup("");
    } else if (r != NULL && json_is_object(r)) {
        const char *e = json_string_value(json_object_get(r, "esperado"));
        const char *o = json_string_value(json_object_get(r, "obtenido"));
        const char *d = json_string_value(json_object_get(r, "detalle"));
        json_t *ms = json_object_get(r, "duracion_ms");
        v->esperado = texto_sanear(e);
        v->obtenido = texto_sanear(o);
        v->detalle = texto_sanear(d);
        v->segundos = json_is_integer(ms) ? (double)json_integer_value(ms) / 1000.0 : 0;
        v->ok = json_is_true(json_object_get(r, "ok")) && tap_ok == 1;
        /* Solo puede restar: sin el campo, la de siempre (se repite si falla). */
        const char *sin = json_string_value(json_object_get(r, "sin_repetir"));
        if (!v->ok && sin != NULL && sin[0] != '\0')
            texto_poner(v->sin_repetir, sizeof v->sin_repetir, "%s", sin);
        if (!resultado_sin_tap(v, r, tap_ok, sin_tap) && json_is_true(json_object_get(r, "ok")) &&
            tap_ok != 1) {
            char *t = texto_formato(
                "%s%s(el calificador terminó mal después de decidir; Criterion dice: «%s»)",
                v->detalle, v->detalle[0] != '\0' ? "\n" : "",
                motivo[0] != '\0' ? motivo : "sin estado en el TAP");
            free(v->detalle);
            v->detalle = t;
        }
    } else if (!resultado_sin_tap(v, r, tap_ok, sin_tap)) {
        v->ok = 0;
        v->esperado = texto_dup("");
        if (strstr(motivo, "timed out") != NULL)
            v->obtenido = texto_dup("la verificación no terminó: se acabó su tiempo");
        else if (motivo[0] != '\0')
            v->obtenido = texto_formato("la verificación no terminó: el calificador murió antes "
                                        "de dar su resultado (Criterion dice: «%s»)",
                                        motivo);
        else
            v->obtenido = texto_dup("la verificación no terminó");
        v->detalle = texto_dup("");
    }
    json_decref(r);
}

int criterion_ejecutar(lab_t *lab, const rutas_t *r, const char *const *entorno)
{
    char tap[PATH_MAX], registro[PATH_MAX], jobs[32];
    texto_poner(tap, sizeof tap, "%s/criterion.tap", r->trabajo);
    texto_poner(registro, sizeof registro, "%s/calificador.log", r->trabajo);
    texto_poner(jobs, sizeof jobs, "--jobs=%d", lab->trabajos);
    char *tap_arg = texto_formato("--tap=%s", tap);
    char *filtro = filtro_hito(lab);
    const char *argv[] = {r->calificador, jobs, tap_arg, filtro, NULL};
    avance_t avance = {.lab = lab, .resultados = r->resultados};
    orden_t o = {.argv = argv,
                 .entorno = entorno,
                 .carpeta = r->trabajo,
                 .salida = registro,
                 .limite_s = lab->tiempo_limite_s,
                 .al_esperar = avance_activo() ? avance_tic : NULL,
                 .datos_espera = &avance,
                 .con_clave = 1};
    int e = orden_ejecutar(&o);
    avance_borrar();
    free(tap_arg);
    free(filtro);
    /* Si algo escapó de la caja y quedó huérfano, ahora es hijo nuestro: fuera. */
    huerfanos_barrer();
    if (e < 0) {
        char *t = texto_formato("no se pudo ejecutar el calificador: %s", strerror(-e));
        anadir_aviso(lab, t);
        free(t);
        return e;
    }
    if (o.excedido) {
        char *t = texto_formato("el calificador superó su tiempo (%d s) y hubo que matarlo",
                                lab->tiempo_limite_s);
        anadir_aviso(lab, t);
        free(t);
    }
    char *texto_tap = archivos_leer(tap, 1 << 20);
    char *tope = o.excedido ? sin_tap_tope(lab->tiempo_limite_s) : NULL;
    const char *sin_tap = tope;
    if (sin_tap == NULL && texto_tap == NULL) {
        sin_tap = SIN_TAP_CRITERION;
        anadir_aviso(lab, "Criterion se detuvo con un error suyo sin escribir su TAP "
                          "(calificador.log): cuentan las verificaciones que ya tenían resultado");
    }
    for (int i = 0; i < lab->nv; i++)
        if (strcmp(lab->v[i].id, "compila") != 0)
            leer_resultado(&lab->v[i], r->resultados, texto_tap, sin_tap);
    free(tope);
    free(texto_tap);
    return 0;
}

/* Para repetir.c: lee el resultado de una verificación repetida sola (sin tope excedido). */
void criterion_leer(verificacion_t *v, const char *resultados, const char *tap)
{
    leer_resultado(v, resultados, tap, NULL);
}

/* Para primera.c: mientras su calificador sigue en marcha (aún sin TAP), lo que dice el
 * archivo de resultado de `v`, si ya está (se escribe con rename: entero o nada). Solo para
 * enseñarlo antes; al terminar el calificador se lee otra vez con el TAP (criterion_leer_tope).
 * 1 si ya estaba, 0 si no. */
int criterion_provisional(verificacion_t *v, const char *resultados)
{
    int falso = 0;
    json_t *r = cargar_resultado(resultados, v->id, &falso);
    if (r == NULL || falso) {
        /* Aún sin firma (la escribe el proceso principal al acabar la prueba): más tarde. */
        json_decref(r);
        return 0;
    }
    int ok = json_is_object(r) && json_is_true(json_object_get(r, "ok"));
    json_decref(r);
    /* Como si el TAP dijera lo mismo que el archivo: el TAP aún no existe. */
    char *tap = texto_formato("%s - lab::%s\n", ok ? "ok" : "not ok", v->id);
    leer_resultado(v, resultados, tap, NULL);
    free(tap);
    return 1;
}

/* Para primera.c: una verificación que corrió sola, quizá parada al pasar su tope. */
void criterion_leer_tope(verificacion_t *v, const char *resultados, const char *tap, int excedido,
                         int limite_s)
{
    char *tope = excedido ? sin_tap_tope(limite_s) : NULL;
    leer_resultado(v, resultados, tap, tope);
    free(tope);
}
