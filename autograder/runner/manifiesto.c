/* manifiesto.c — lee el lab.json de un laboratorio (datos, no código: puntos, pistas,
 * archivos del estudiante, límites). Un manifiesto mal escrito es un error del calificador y
 * se dice con todo detalle, nunca se califica a medias en silencio.
 */
#include "runner.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *texto_de(json_t *o, const char *clave, int obligatorio, char *error, size_t tam,
                      int *mal)
{
    json_t *x = json_object_get(o, clave);
    if (x == NULL && !obligatorio)
        return texto_dup("");
    if (!json_is_string(x)) {
        snprintf(error, tam, "falta el texto «%s»", clave);
        *mal = 1;
        return NULL;
    }
    return texto_dup(json_string_value(x));
}

static int entero_de(json_t *o, const char *clave, int omision, int minimo, int maximo, char *error,
                     size_t tam, int *mal)
{
    json_t *x = json_object_get(o, clave);
    if (x == NULL)
        return omision;
    if (!json_is_integer(x) || json_integer_value(x) < minimo || json_integer_value(x) > maximo) {
        snprintf(error, tam, "«%s» debe ser un entero entre %d y %d", clave, minimo, maximo);
        *mal = 1;
        return omision;
    }
    return (int)json_integer_value(x);
}

/* Una lista de textos (o nada). Devuelve cuántos hay y deja la copia en *v. */
static int lista_de(json_t *x, const char *nombre, char ***v, char *error, size_t tam, int *mal)
{
    *v = NULL;
    if (x == NULL)
        return 0;
    if (!json_is_array(x)) {
        snprintf(error, tam, "«%s» debe ser una lista de textos", nombre);
        *mal = 1;
        return 0;
    }
    int n = (int)json_array_size(x);
    *v = calloc((size_t)n + 1, sizeof **v);
    if (*v == NULL) {
        snprintf(error, tam, "sin memoria");
        *mal = 1;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        const char *t = json_string_value(json_array_get(x, (size_t)i));
        if (t == NULL || t[0] == '\0') {
            snprintf(error, tam, "«%s»[%d] no es un texto", nombre, i);
            *mal = 1;
            return i;
        }
        (*v)[i] = texto_dup(t);
    }
    return n;
}

/* Un id sirve de nombre de prueba de Criterion y de archivo: [a-z0-9_]. */
static int id_valido(const char *id)
{
    if (id == NULL || id[0] == '\0' || strlen(id) > 60)
        return 0;
    for (const char *p = id; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return 1;
}

/* Nombre de archivo simple: sin barras, sin «..», sin empezar por punto. */
static int archivo_valido(const char *a)
{
    return a != NULL && a[0] != '\0' && a[0] != '.' && strchr(a, '/') == NULL && strlen(a) < 100;
}

/* Cada lector deja el motivo en `error` y pone *mal = 1; si *mal ya vale 1, no hace nada. */

static void leer_cabecera(json_t *raiz, lab_t *lab, char *error, size_t tam, int *mal)
{
    if (*mal)
        return;
    lab->titulo = texto_de(raiz, "titulo", 1, error, tam, mal);
    lab->programa = *mal ? NULL : texto_de(raiz, "programa", 1, error, tam, mal);
    if (!*mal && !archivo_valido(lab->programa)) {
        snprintf(error, tam, "«programa» debe ser un nombre de archivo simple");
        *mal = 1;
    }
    lab->solucion_publicada = json_is_true(json_object_get(raiz, "solucion_publicada"));
    lab->archivos_extra = json_is_true(json_object_get(raiz, "archivos_extra"));
    if (!*mal)
        lab->tiempo_limite_s = entero_de(raiz, "tiempo_limite_s", 60, 1, 3600, error, tam, mal);
    if (!*mal)
        lab->tiempo_objetivo_s = entero_de(raiz, "tiempo_objetivo_s", 0, 0, 3600, error, tam, mal);
    if (!*mal)
        lab->trabajos = entero_de(raiz, "trabajos", 4, 1, 64, error, tam, mal);
}

static void leer_archivos(json_t *raiz, lab_t *lab, char *error, size_t tam, int *mal)
{
    json_t *archivos = json_object_get(raiz, "archivos");
    if (*mal)
        return;
    if (!json_is_array(archivos) || json_array_size(archivos) == 0) {
        snprintf(error, tam, "«archivos» debe ser una lista no vacía de nombres");
        *mal = 1;
        return;
    }
    lab->narchivos = lista_de(archivos, "archivos", &lab->archivos, error, tam, mal);
    for (int i = 0; !*mal && i < lab->narchivos; i++)
        if (!archivo_valido(lab->archivos[i])) {
            snprintf(error, tam, "«archivos»[%d] no es un nombre de archivo simple", i);
            *mal = 1;
        }
}

static void leer_medios(json_t *raiz, lab_t *lab, char *error, size_t tam, int *mal)
{
    json_t *medios = json_object_get(raiz, "medios");
    if (*mal || medios == NULL)
        return;
    if (!json_is_object(medios)) {
        snprintf(error, tam, "«medios» debe ser un objeto");
        *mal = 1;
        return;
    }
    lab->nprohibidos = lista_de(json_object_get(medios, "prohibidos"), "medios.prohibidos",
                                &lab->prohibidos, error, tam, mal);
    for (int i = 0; !*mal && i < lab->nprohibidos; i++)
        if (!medios_grupo_valido(lab->prohibidos[i])) {
            snprintf(error, tam, "«medios.prohibidos»: grupo desconocido «%s»", lab->prohibidos[i]);
            *mal = 1;
        }
    if (!*mal)
        lab->nrequeridos = lista_de(json_object_get(medios, "requeridos"), "medios.requeridos",
                                    &lab->requeridos, error, tam, mal);
    /* «pila_en»: las verificaciones cuyas ejecuciones strace observa con la pila de cada
     * llamada (-k), para ver quién pidió cada archivo que toca el grupo de hilos de libuv
     * (runner/conducta.c, «el grupo lee por el programa»). Solo donde se prohíbe leer o
     * escribir archivos sin callback: sin eso no hay nada que juzgar con ella. O ["*"] con
     * «red_cruda»: la pila de cada socket y epoll_create* en todas («la pila» en
     * runner/conducta.c; hoy ningún laboratorio). */
    if (!*mal && json_object_get(medios, "pila_en") != NULL) {
        lab->npila_en = lista_de(json_object_get(medios, "pila_en"), "medios.pila_en",
                                 &lab->pila_en, error, tam, mal);
        int archivos = 0, red = 0;
        for (int i = 0; i < lab->nprohibidos; i++) {
            archivos |= strcmp(lab->prohibidos[i], "lectura_bloqueante") == 0 ||
                        strcmp(lab->prohibidos[i], "archivos_bloqueantes") == 0;
            red |= strcmp(lab->prohibidos[i], "red_cruda") == 0;
        }
        int en_todas = !*mal && lab->npila_en > 0 && strcmp(lab->pila_en[0], "*") == 0;
        if (!*mal && !archivos && !(red && en_todas)) {
            snprintf(error, tam,
                     "«medios.pila_en» solo vale con «lectura_bloqueante» o "
                     "«archivos_bloqueantes» en «medios.prohibidos», o [\"*\"] con "
                     "«red_cruda»");
            *mal = 1;
        }
    }
}

/* «llamadas»: {"permitidas": [...], "unix": true}: llamadas al sistema que este laboratorio
 * añade a la lista de permitidos de la caja (base/filtro.c), cada una conocida por libseccomp y
 * ninguna de las siempre prohibidas ni de las que tienen reglas propias; y si puede abrir
 * sockets AF_UNIX (socket tiene reglas propias: sin «unix», solo AF_INET, AF_INET6 y
 * AF_NETLINK). */
static void leer_llamadas(json_t *raiz, lab_t *lab, char *error, size_t tam, int *mal)
{
    json_t *ll = json_object_get(raiz, "llamadas");
    if (*mal || ll == NULL)
        return;
    const char *clave;
    json_t *valor;
    if (!json_is_object(ll)) {
        snprintf(error, tam, "«llamadas» debe ser un objeto ({\"permitidas\": [...]})");
        *mal = 1;
        return;
    }
    json_object_foreach(ll, clave, valor)
    {
        if (strcmp(clave, "permitidas") != 0 && strcmp(clave, "unix") != 0) {
            snprintf(error, tam, "«llamadas»: clave desconocida «%s» (solo «permitidas» y «unix»)",
                     clave);
            *mal = 1;
            return;
        }
    }
    json_t *unx = json_object_get(ll, "unix");
    if (unx != NULL && !json_is_boolean(unx)) {
        snprintf(error, tam,
                 "«llamadas.unix» debe ser true o false (¿puede abrir sockets "
                 "AF_UNIX?)");
        *mal = 1;
        return;
    }
    lab->unix_permitido = json_is_true(unx);
    lab->nllamadas = lista_de(json_object_get(ll, "permitidas"), "llamadas.permitidas",
                              &lab->llamadas, error, tam, mal);
    for (int i = 0; !*mal && i < lab->nllamadas; i++) {
        int r = filtro_llamada_pedible(lab->llamadas[i]);
        const char *por = r == -EPERM ? "está siempre prohibida en la caja de arena (base/filtro.c)"
                          : r == -EEXIST ? "tiene reglas propias en base/filtro.c y no se abre "
                                           "desde lab.json"
                          : r < 0        ? "no es una llamada al sistema que conozca libseccomp"
                                         : NULL;
        if (por != NULL) {
            snprintf(error, tam, "«llamadas.permitidas»: «%s» %s", lab->llamadas[i], por);
            *mal = 1;
        }
    }
}

/* Una verificación (la i-ésima): id válido y único, textos y puntos. */
static void leer_verificacion(json_t *o, lab_t *lab, int i, char *sub, size_t tam, int *mal)
{
    verificacion_t *v = &lab->v[i];
    if (!json_is_object(o)) {
        snprintf(sub, tam, "no es un objeto");
        *mal = 1;
        return;
    }
    v->id = texto_de(o, "id", 1, sub, tam, mal);
    if (!*mal && !id_valido(v->id)) {
        snprintf(sub, tam, "id «%s» inválido (solo a-z, 0-9 y _)", v->id);
        *mal = 1;
    }
    for (int k = 0; k < i && !*mal; k++)
        if (strcmp(lab->v[k].id, v->id) == 0) {
            snprintf(sub, tam, "id «%s» repetido", v->id);
            *mal = 1;
        }
    if (!*mal)
        v->nombre = texto_de(o, "nombre", 1, sub, tam, mal);
    if (!*mal)
        v->que = texto_de(o, "que", 1, sub, tam, mal);
    if (!*mal)
        v->pista = texto_de(o, "pista", 0, sub, tam, mal);
    if (!*mal)
        v->pista_detallada = texto_de(o, "pista_detallada", 0, sub, tam, mal);
    if (!*mal)
        v->puntos = entero_de(o, "puntos", 0, 0, 1000, sub, tam, mal);
    /* «visibilidad»: la de Gradescope (p. ej. after_due_date: el estudiante la ve después de
     * la fecha de entrega). Por omisión, visible. */
    if (!*mal)
        v->visibilidad = texto_de(o, "visibilidad", 0, sub, tam, mal);
    if (!*mal && v->visibilidad[0] == '\0') {
        free(v->visibilidad);
        v->visibilidad = texto_dup("visible");
    }
    if (!*mal && strcmp(v->visibilidad, "visible") != 0 && strcmp(v->visibilidad, "hidden") != 0 &&
        strcmp(v->visibilidad, "after_due_date") != 0 &&
        strcmp(v->visibilidad, "after_published") != 0) {
        snprintf(sub, tam,
                 "«visibilidad» debe ser visible, hidden, after_due_date o after_published "
                 "(no «%s»)",
                 v->visibilidad);
        *mal = 1;
    }
}

/* «prueba»: de qué prueba de fuera del programa sale el juicio de la verificación. Lo que el
 * programa imprime no basta (un programa que adivina también imprime): cada verificación que
 * ejecuta el programa nombra al menos una de estas, que el programa no puede escribir. */
static const char *const pruebas_validas[] = {
    "registro", /* el registro del servidor de práctica: peticiones, estados, tiempos, bytes */
    "socket",   /* los bytes que el calificador manda y recibe por sus propios sockets */
    "archivos", /* los archivos del disco: los que escribió el calificador o el programa */
    "codigo",   /* el código de salida o la señal con que acabó (lo da el núcleo) */
    "proc",     /* /proc del programa: descriptores abiertos, memoria residente */
    "valgrind", /* el informe de valgrind */
    "reloj",    /* el reloj del calificador: cuándo llega cada línea, cuándo acaba */
    "bd",       /* lo que anota PostgreSQL: tablas, pg_stat_activity, registro de sentencias */
    "trazas",   /* las trazas de strace («reglas_traza») */
    NULL};

static void leer_prueba(json_t *o, const verificacion_t *v, char *sub, size_t tam, int *mal)
{
    json_t *p = json_object_get(o, "prueba");
    if (strcmp(v->id, "compila") == 0) {
        if (p != NULL) {
            snprintf(sub, tam, "«compila» no lleva «prueba» (la juzga el compilador)");
            *mal = 1;
        }
        return;
    }
    if (!json_is_array(p) || json_array_size(p) == 0) {
        snprintf(sub, tam,
                 "«%s»: falta «prueba», la lista de las pruebas de fuera del programa que "
                 "respaldan su juicio (registro, socket, archivos, codigo, proc, valgrind, "
                 "reloj, bd, trazas)",
                 v->id);
        *mal = 1;
        return;
    }
    for (size_t i = 0; i < json_array_size(p) && !*mal; i++) {
        const char *t = json_string_value(json_array_get(p, i));
        int valida = 0;
        for (int k = 0; t != NULL && pruebas_validas[k] != NULL && !valida; k++)
            valida = strcmp(t, pruebas_validas[k]) == 0;
        for (size_t k = 0; valida && k < i; k++)
            valida = strcmp(t, json_string_value(json_array_get(p, k))) != 0;
        if (!valida) {
            snprintf(sub, tam,
                     "«%s»: «prueba»[%zu] no vale («%s»: una de registro, socket, archivos, "
                     "codigo, proc, valgrind, reloj, bd o trazas, sin repetir)",
                     v->id, i, t != NULL ? t : "no es un texto");
            *mal = 1;
        }
    }
}

static void leer_verificaciones(json_t *raiz, lab_t *lab, char *error, size_t tam, int *mal)
{
    json_t *vs = json_object_get(raiz, "verificaciones");
    if (*mal)
        return;
    if (!json_is_array(vs) || json_array_size(vs) == 0) {
        snprintf(error, tam, "«verificaciones» debe ser una lista no vacía");
        *mal = 1;
        return;
    }
    lab->v = calloc(json_array_size(vs), sizeof *lab->v);
    if (lab->v == NULL) {
        snprintf(error, tam, "sin memoria");
        *mal = 1;
        return;
    }
    lab->nv = (int)json_array_size(vs);
    for (int i = 0; i < lab->nv && !*mal; i++) {
        char sub[300];
        leer_verificacion(json_array_get(vs, (size_t)i), lab, i, sub, sizeof sub, mal);
        if (!*mal)
            leer_prueba(json_array_get(vs, (size_t)i), &lab->v[i], sub, sizeof sub, mal);
        if (*mal)
            snprintf(error, tam, "«verificaciones»[%d]: %s", i, sub);
    }
}

/* El id de un hito: corto, letras y cifras ("0", "A", "B2"). */
static int id_hito_valido(const char *id)
{
    if (id == NULL || id[0] == '\0' || strlen(id) > 8)
        return 0;
    for (const char *p = id; *p != '\0'; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return 0;
    return 1;
}

/* El hito i-ésimo: id único, título, qué, y sus verificaciones, que existen y no están ya
 * en otro hito (cada una va en el primer hito en que debe pasar). */
static void leer_hito(json_t *o, lab_t *lab, int i, char *sub, size_t tam, int *mal)
{
    hito_t *h = &lab->hitos[i];
    if (!json_is_object(o)) {
        snprintf(sub, tam, "no es un objeto");
        *mal = 1;
        return;
    }
    h->id = texto_de(o, "id", 1, sub, tam, mal);
    if (!*mal && !id_hito_valido(h->id)) {
        snprintf(sub, tam, "id «%s» inválido (hasta 8 letras o cifras: \"0\", \"A\"…)", h->id);
        *mal = 1;
    }
    for (int k = 0; k < i && !*mal; k++)
        if (strcmp(lab->hitos[k].id, h->id) == 0) {
            snprintf(sub, tam, "id «%s» repetido", h->id);
            *mal = 1;
        }
    if (!*mal)
        h->titulo = texto_de(o, "titulo", 1, sub, tam, mal);
    if (!*mal)
        h->que = texto_de(o, "que", 1, sub, tam, mal);
    if (*mal)
        return;
    json_t *vs = json_object_get(o, "verificaciones");
    if (!json_is_array(vs) || json_array_size(vs) == 0) {
        snprintf(sub, tam, "«verificaciones» debe ser una lista no vacía de ids");
        *mal = 1;
        return;
    }
    for (size_t k = 0; k < json_array_size(vs) && !*mal; k++) {
        const char *id = json_string_value(json_array_get(vs, k));
        verificacion_t *v = id != NULL ? lab_verificacion(lab, id) : NULL;
        if (v == NULL) {
            snprintf(sub, tam, "«verificaciones»[%zu]: «%s» no es una verificación del laboratorio",
                     k, id != NULL ? id : "(no es un texto)");
            *mal = 1;
        } else if (v->hito >= 0) {
            snprintf(sub, tam, "«%s» ya está en el hito «%s» (cada verificación va en uno solo)",
                     id, lab->hitos[v->hito].id);
            *mal = 1;
        } else {
            v->hito = i;
        }
    }
}

/* «hitos» (opcional para el ejecutor; prueba-labs.sh exige que estén): si está, una lista
 * ordenada de hitos que reparte todas las verificaciones, cada una en uno solo. */
static void leer_hitos(json_t *raiz, lab_t *lab, char *error, size_t tam, int *mal)
{
    json_t *hs = json_object_get(raiz, "hitos");
    if (*mal)
        return;
    for (int i = 0; i < lab->nv; i++)
        lab->v[i].hito = -1;
    if (hs == NULL)
        return;
    if (!json_is_array(hs) || json_array_size(hs) == 0) {
        snprintf(error, tam, "«hitos» debe ser una lista no vacía");
        *mal = 1;
        return;
    }
    lab->hitos = calloc(json_array_size(hs), sizeof *lab->hitos);
    if (lab->hitos == NULL) {
        snprintf(error, tam, "sin memoria");
        *mal = 1;
        return;
    }
    lab->nhitos = (int)json_array_size(hs);
    for (int i = 0; i < lab->nhitos && !*mal; i++) {
        char sub[300];
        leer_hito(json_array_get(hs, (size_t)i), lab, i, sub, sizeof sub, mal);
        if (*mal)
            snprintf(error, tam, "«hitos»[%d]: %s", i, sub);
    }
    for (int i = 0; i < lab->nv && !*mal; i++)
        if (lab->v[i].hito < 0) {
            snprintf(error, tam, "«hitos»: la verificación «%s» no está en ningún hito",
                     lab->v[i].id);
            *mal = 1;
        }
}

/* La regla i-ésima de «reglas_traza»: solo claves conocidas, una verificación del
 * laboratorio (no «compila», que no ejecuta nada), los bytes y el porqué. */
static void leer_regla(json_t *o, lab_t *lab, int i, char *sub, size_t tam, int *mal)
{
    regla_traza_t *r = &lab->reglas[i];
    if (!json_is_object(o)) {
        snprintf(sub, tam, "no es un objeto");
        *mal = 1;
        return;
    }
    const char *clave;
    json_t *valor;
    json_object_foreach(o, clave, valor)
    {
        if (strcmp(clave, "verificacion") != 0 && strcmp(clave, "lectura_bytes") != 0 &&
            strcmp(clave, "porque") != 0) {
            snprintf(sub, tam,
                     "clave desconocida «%s» (una regla tiene verificacion, lectura_bytes y "
                     "porque)",
                     clave);
            *mal = 1;
            return;
        }
    }
    r->verificacion = texto_de(o, "verificacion", 1, sub, tam, mal);
    if (!*mal && (lab_verificacion(lab, r->verificacion) == NULL ||
                  strcmp(r->verificacion, "compila") == 0)) {
        snprintf(sub, tam,
                 "«verificacion»: «%s» no es una verificación del laboratorio que ejecute "
                 "el programa",
                 r->verificacion);
        *mal = 1;
    }
    json_t *b = json_object_get(o, "lectura_bytes");
    if (!*mal &&
        (!json_is_integer(b) || json_integer_value(b) < 1 || json_integer_value(b) > (1 << 26))) {
        snprintf(sub, tam, "«lectura_bytes» debe ser un entero entre 1 y %d", 1 << 26);
        *mal = 1;
    }
    if (!*mal)
        r->lectura_bytes = (long)json_integer_value(b);
    if (!*mal)
        r->porque = texto_de(o, "porque", 1, sub, tam, mal);
    if (!*mal && r->porque[0] == '\0') {
        snprintf(sub, tam, "«porque» no puede estar vacío (es lo que lee el estudiante)");
        *mal = 1;
    }
}

/* «reglas_traza» (opcional): reglas sobre lo que se ve en las trazas de strace, cada una de
 * una verificación (runner/conducta.c). */
static void leer_reglas(json_t *raiz, lab_t *lab, char *error, size_t tam, int *mal)
{
    json_t *rs = json_object_get(raiz, "reglas_traza");
    if (*mal || rs == NULL)
        return;
    if (!json_is_array(rs) || json_array_size(rs) == 0 || json_array_size(rs) > 8) {
        snprintf(error, tam, "«reglas_traza» debe ser una lista de 1 a 8 reglas");
        *mal = 1;
        return;
    }
    lab->reglas = calloc(json_array_size(rs), sizeof *lab->reglas);
    if (lab->reglas == NULL) {
        snprintf(error, tam, "sin memoria");
        *mal = 1;
        return;
    }
    lab->nreglas = (int)json_array_size(rs);
    for (int i = 0; i < lab->nreglas && !*mal; i++) {
        char sub[300];
        leer_regla(json_array_get(rs, (size_t)i), lab, i, sub, sizeof sub, mal);
        if (*mal)
            snprintf(error, tam, "«reglas_traza»[%d]: %s", i, sub);
    }
}

/* Una lista de ids de verificaciones (`clave` para el mensaje): cada una existe, ejecuta el
 * programa (no es `compila`) y no se repite. Con `todas`, ["*"] (sola) también vale. */
static void ids_validos(lab_t *lab, const char *clave, char *const *ids, int n, int todas,
                        char *error, size_t tam, int *mal)
{
    for (int i = 0; !*mal && i < n; i++) {
        const char *id = ids[i];
        if (todas && strcmp(id, "*") == 0) {
            if (n != 1) {
                snprintf(error, tam, "«%s»: «*» (todas las verificaciones) va sola", clave);
                *mal = 1;
            }
            continue;
        }
        if (lab_verificacion(lab, id) == NULL || strcmp(id, "compila") == 0) {
            snprintf(error, tam,
                     "«%s»[%d]: «%s» no es una verificación del laboratorio que ejecute el "
                     "programa",
                     clave, i, id);
            *mal = 1;
        }
        for (int k = 0; !*mal && k < i; k++)
            if (strcmp(ids[k], id) == 0) {
                snprintf(error, tam, "«%s»: «%s» está dos veces", clave, id);
                *mal = 1;
            }
    }
}

/* «medios.pila_en»: las verificaciones con la pila (leer_medios), ya con las verificaciones
 * leídas. ["*"]: todas las ejecuciones menos las de valgrind; si la pila solo va en unas, el
 * programa sabe en cuáles (por sus argumentos, o por lo que tarda una llamada con -k) y puede
 * portarse bien solo ahí (autograder/README.md, «Medios»). */
static void validar_pila_en(lab_t *lab, char *error, size_t tam, int *mal)
{
    if (!*mal && lab->npila_en == 0 && lab->pila_en != NULL) {
        snprintf(error, tam, "«medios.pila_en» debe ser una lista no vacía de verificaciones");
        *mal = 1;
    }
    if (!*mal)
        ids_validos(lab, "medios.pila_en", lab->pila_en, lab->npila_en, 1, error, tam, mal);
}

/* «nucleo» (opcional): las verificaciones que ejercitan el trabajo principal del laboratorio.
 * Un medio prohibido visto en una ejecución de una de ellas deja el laboratorio sin
 * calificar; visto solo en otras, cuesta esas (runner/conducta.c). Sin «nucleo», todas son
 * del núcleo (cualquier medio prohibido deja el laboratorio sin calificar). */
static void leer_nucleo(json_t *raiz, lab_t *lab, char *error, size_t tam, int *mal)
{
    json_t *n = json_object_get(raiz, "nucleo");
    if (*mal || n == NULL)
        return;
    if (!json_is_array(n) || json_array_size(n) == 0) {
        snprintf(error, tam, "«nucleo» debe ser una lista no vacía de verificaciones");
        *mal = 1;
        return;
    }
    lab->nnucleo = lista_de(n, "nucleo", &lab->nucleo, error, tam, mal);
    if (!*mal)
        ids_validos(lab, "nucleo", lab->nucleo, lab->nnucleo, 0, error, tam, mal);
}

int lab_nucleo(const lab_t *lab, const char *id)
{
    if (lab->nnucleo == 0 || id == NULL)
        return 1;
    for (int i = 0; i < lab->nnucleo; i++)
        if (strcmp(lab->nucleo[i], id) == 0)
            return 1;
    return 0;
}

int manifiesto_leer(const char *ruta, lab_t *lab, char *error, size_t tam)
{
    json_error_t je;
    json_t *raiz = json_load_file(ruta, 0, &je);
    if (raiz == NULL) {
        snprintf(error, tam, "%s no es JSON válido (línea %d, columna %d): %s", ruta, je.line,
                 je.column, je.text);
        return -1;
    }
    int mal = 0;
    if (!json_is_object(raiz)) {
        snprintf(error, tam, "%s: se esperaba un objeto", ruta);
        mal = 1;
    }
    leer_cabecera(raiz, lab, error, tam, &mal);
    leer_archivos(raiz, lab, error, tam, &mal);
    leer_medios(raiz, lab, error, tam, &mal);
    leer_llamadas(raiz, lab, error, tam, &mal);
    leer_verificaciones(raiz, lab, error, tam, &mal);
    leer_hitos(raiz, lab, error, tam, &mal);
    leer_reglas(raiz, lab, error, tam, &mal);
    leer_nucleo(raiz, lab, error, tam, &mal);
    validar_pila_en(lab, error, tam, &mal);
    json_decref(raiz);
    return mal ? -1 : 0;
}

verificacion_t *lab_verificacion(lab_t *lab, const char *id)
{
    for (int i = 0; i < lab->nv; i++)
        if (strcmp(lab->v[i].id, id) == 0)
            return &lab->v[i];
    return NULL;
}

int lab_primera_fallida(const lab_t *lab)
{
    int mejor = -1;
    for (int i = 0; i < lab->nv; i++)
        if (!lab->v[i].ok && (mejor < 0 || lab->v[i].hito < lab->v[mejor].hito))
            mejor = i;
    return mejor;
}

/* El hito pendiente es el de la verificación por la que se empieza: una sola regla. */
int lab_hito_pendiente(const lab_t *lab, const verificacion_t **falta)
{
    int primera = lab->nhitos > 0 ? lab_primera_fallida(lab) : -1;
    *falta = primera >= 0 ? &lab->v[primera] : NULL;
    return primera >= 0 ? lab->v[primera].hito : lab->nhitos;
}

int lab_hasta_hito(lab_t *lab, const char *id, char *error, size_t tam)
{
    int tope = -1;
    for (int i = 0; i < lab->nhitos; i++)
        if (strcmp(lab->hitos[i].id, id) == 0)
            tope = i;
    if (tope < 0) {
        char ids[256] = "";
        for (int i = 0; i < lab->nhitos; i++)
            texto_poner(ids + strlen(ids), sizeof ids - strlen(ids), "%s%s", i > 0 ? ", " : "",
                        lab->hitos[i].id);
        if (lab->nhitos == 0)
            snprintf(error, tam, "el laboratorio %s no tiene hitos", lab->numero);
        else
            snprintf(error, tam, "el laboratorio %s no tiene el hito «%s» (sus hitos: %s)",
                     lab->numero, id, ids);
        return -1;
    }
    /* Reparto estable: las de los hitos 0..tope delante, en el orden de lab.json; las
     * demás detrás, fuera de la cuenta (nv) pero dentro del arreglo, para lab_liberar. */
    int dentro = 0;
    for (int i = 0; i < lab->nv; i++)
        if (lab->v[i].hito <= tope) {
            verificacion_t v = lab->v[i];
            memmove(&lab->v[dentro + 1], &lab->v[dentro], (size_t)(i - dentro) * sizeof v);
            lab->v[dentro++] = v;
        }
    lab->nv_fuera = lab->nv - dentro;
    lab->nv = dentro;
    lab->nhitos_fuera = lab->nhitos - (tope + 1);
    lab->nhitos = tope + 1;
    return 0;
}

void lab_liberar(lab_t *lab)
{
    lab->nhitos += lab->nhitos_fuera;
    lab->nv += lab->nv_fuera;
    for (int i = 0; i < lab->nhitos; i++) {
        free(lab->hitos[i].id);
        free(lab->hitos[i].titulo);
        free(lab->hitos[i].que);
    }
    free(lab->hitos);
    for (int i = 0; i < lab->nreglas; i++) {
        free(lab->reglas[i].verificacion);
        free(lab->reglas[i].porque);
    }
    free(lab->reglas);
    for (int i = 0; i < lab->nnucleo; i++)
        free(lab->nucleo[i]);
    free(lab->nucleo);
    for (int i = 0; i < lab->nprohibidos; i++)
        free(lab->prohibidos[i]);
    free(lab->prohibidos);
    for (int i = 0; i < lab->npila_en; i++)
        free(lab->pila_en[i]);
    free(lab->pila_en);
    for (int i = 0; i < lab->nrequeridos; i++)
        free(lab->requeridos[i]);
    free(lab->requeridos);
    for (int i = 0; i < lab->nllamadas; i++)
        free(lab->llamadas[i]);
    free(lab->llamadas);
    free(lab->medios);
    for (int i = 0; i < lab->narchivos; i++)
        free(lab->archivos[i]);
    free(lab->archivos);
    for (int i = 0; i < lab->nextra; i++)
        free(lab->extra[i]);
    free(lab->extra);
    free(lab->entrega_nota);
    for (int i = 0; i < lab->nv; i++) {
        verificacion_t *v = &lab->v[i];
        free(v->id);
        free(v->nombre);
        free(v->que);
        free(v->pista);
        free(v->pista_detallada);
        free(v->visibilidad);
        free(v->esperado);
        free(v->obtenido);
        free(v->detalle);
    }
    free(lab->v);
    free(lab->carpeta);
    free(lab->titulo);
    free(lab->programa);
    free(lab->compilador);
    free(lab->aviso);
    memset(lab, 0, sizeof *lab);
}
