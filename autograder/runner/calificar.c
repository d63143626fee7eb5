/* calificar.c — el ejecutor de `make grade`: prepara cada entrega, la compila, lanza el
 * calificador oculto del laboratorio y reúne los resultados en la terminal, results.json
 * (Gradescope) y junit.xml.
 *
 *   calificar --raiz R --construccion B --cc CC --cflags "…" --libs "…"
 *             [--lab 07] [--entrega CARPETA | --soluciones] [--salida CARPETA]
 *
 * Es código de confianza y nunca ejecuta código del estudiante en su propio proceso:
 * compila la copia de la entrega en build/calificacion/trabajo/<lab>/ y el calificador
 * (Criterion) lanza el binario resultante en la caja de arena. Para no creer a Criterion
 * 2.4.1 a ciegas (un _exit(0) pasa por éxito; su JSON no escapa comillas), una verificación
 * solo cuenta como superada si su archivo de resultado dice ok Y el TAP dice «ok».
 *
 * El ejecutor es «subreaper»: si algo escapa de la caja y queda huérfano, pasa a ser hijo
 * suyo y se mata al terminar cada laboratorio. Sale con 0 siempre que haya calificado (sea
 * cual sea la nota), 2 si los argumentos son malos y 3 si un laboratorio está mal hecho
 * (error del instructor: manifiesto inválido o verificaciones que no casan).
 */
#define _GNU_SOURCE
#include "runner.h"
#include "../lib/interno.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOPE_ARCHIVO (1024 * 1024)

typedef struct {
    const char *raiz, *construccion, *cc, *cflags, *libs, *lab, *entrega, *salida;
    int soluciones;
} opciones_t;

char *texto_dup(const char *s)
{
    char *r = strdup(s != NULL ? s : "");
    if (r == NULL) {
        fprintf(stderr, "calificar: sin memoria\n");
        exit(1);
    }
    return r;
}

char *texto_formato(const char *formato, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, formato);
    if (vasprintf(&s, formato, ap) < 0) {
        fprintf(stderr, "calificar: sin memoria\n");
        exit(1);
    }
    va_end(ap);
    return s;
}

/* snprintf para rutas y mensajes. Con rutas de hasta PATH_MAX no se recorta nada; si algún
 * día se recortara, el archivo no existiría y se diría. (Envoltorio: así gcc no avisa de
 * recortes teóricos con -Werror=format-truncation.) */
static void __attribute__((format(printf, 3, 4)))
poner_texto(char *buf, size_t tam, const char *formato, ...)
{
    va_list ap;
    va_start(ap, formato);
    vsnprintf(buf, tam, formato, ap);
    va_end(ap);
}


/* ------------------------------------------------------------------ archivos */

static int crear_carpetas(const char *ruta)
{
    char tmp[PATH_MAX];
    poner_texto(tmp, sizeof tmp, "%s", ruta);
    for (char *p = tmp + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

/* Copia un archivo regular (nunca un enlace simbólico: la entrega podría apuntar a
 * cualquier parte) de como mucho TOPE_ARCHIVO bytes. Devuelve 0 o un mensaje en `error`. */
static int copiar(const char *origen, const char *destino, char *error, size_t tam)
{
    struct stat st;
    if (lstat(origen, &st) < 0) {
        poner_texto(error, tam, "no existe %s", origen);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        poner_texto(error, tam, "%s no es un archivo normal (¿un enlace simbólico?)", origen);
        return -1;
    }
    if (st.st_size > TOPE_ARCHIVO) {
        poner_texto(error, tam, "%s ocupa más de 1 MiB", origen);
        return -1;
    }
    int in = open(origen, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) {
        poner_texto(error, tam, "no se puede leer %s: %s", origen, strerror(errno));
        return -1;
    }
    int out = open(destino, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        poner_texto(error, tam, "no se puede escribir %s: %s", destino, strerror(errno));
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int r = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            poner_texto(error, tam, "no se pudo copiar %s", origen);
            r = -1;
            break;
        }
    close(in);
    close(out);
    return r;
}

static char *leer_archivo(const char *ruta, size_t tope)
{
    FILE *f = fopen(ruta, "r");
    if (f == NULL)
        return NULL;
    char *buf = malloc(tope + 1);
    size_t n = buf != NULL ? fread(buf, 1, tope, f) : 0;
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    return buf;
}

/* ------------------------------------------------------------------ TAP */

/* Estado de cada prueba según el TAP de Criterion: 1 ok, 0 not ok, -1 no aparece. */
static int tap_estado(const char *tap, const char *id, char *motivo, size_t tam)
{
    char buscado[128];
    poner_texto(buscado, sizeof buscado, "lab::%s", id);
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
                poner_texto(motivo, tam, "%.*s", (int)(fin - resto), resto);
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
    if (ejecutar(&o) < 0 || o.capturado == NULL)
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
            cap = cap > 0 ? cap * 2 : 32;
            *ids = realloc(*ids, (size_t)cap * sizeof **ids);
        }
        (*ids)[n++] = texto_dup(id);
    }
    free(o.capturado);
    return WIFEXITED(o.estado) && WEXITSTATUS(o.estado) == 0 ? n : -1;
}

/* ------------------------------------------------------------------ un laboratorio */

static void marcar_todas(lab_t *lab, const char *obtenido)
{
    for (int i = 0; i < lab->nv; i++) {
        verificacion_t *v = &lab->v[i];
        if (strcmp(v->id, "compila") == 0)
            continue;
        v->ok = 0;
        free(v->obtenido);
        v->obtenido = texto_dup(obtenido);
    }
}

/* Copia la entrega a trabajo/fuentes: primero los archivos fijos del laboratorio (los .c
 * y .h que no edita el estudiante), luego los del estudiante. */
static int preparar_fuentes(const opciones_t *op, lab_t *lab, const char *dir_lab,
                            const char *origen, const char *fuentes, char *error, size_t tam)
{
    DIR *d = opendir(dir_lab);
    if (d == NULL) {
        poner_texto(error, tam, "no se puede abrir %s", dir_lab);
        return -1;
    }
    struct dirent *e;
    int r = 0;
    while (r == 0 && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        if (n[0] == '.' || len < 3 || (strcmp(n + len - 2, ".c") != 0 &&
                                       strcmp(n + len - 2, ".h") != 0))
            continue;
        int editable = 0;
        for (int i = 0; i < lab->narchivos; i++)
            if (strcmp(lab->archivos[i], n) == 0)
                editable = 1;
        if (editable)
            continue;
        char a[PATH_MAX], b[PATH_MAX];
        poner_texto(a, sizeof a, "%s/%s", dir_lab, n);
        poner_texto(b, sizeof b, "%s/%s", fuentes, n);
        r = copiar(a, b, error, tam);
    }
    closedir(d);
    (void)op;
    for (int i = 0; r == 0 && i < lab->narchivos; i++) {
        char a[PATH_MAX], b[PATH_MAX];
        poner_texto(a, sizeof a, "%s/%s", origen, lab->archivos[i]);
        poner_texto(b, sizeof b, "%s/%s", fuentes, lab->archivos[i]);
        if (access(a, F_OK) != 0 && errno == ENOENT) {
            poner_texto(error, tam, "falta el archivo %s en %s", lab->archivos[i], origen);
            return -1;
        }
        r = copiar(a, b, error, tam);
    }
    return r;
}

/* Lee el resultado que escribió la verificación `v`. */
static void leer_resultado(verificacion_t *v, const char *resultados, const char *tap)
{
    char ruta[PATH_MAX], motivo[512];
    poner_texto(ruta, sizeof ruta, "%s/%s.json", resultados, v->id);
    json_t *r = json_load_file(ruta, 0, NULL);
    int tap_ok = tap_estado(tap, v->id, motivo, sizeof motivo);
    if (r != NULL && json_is_object(r)) {
        const char *e = json_string_value(json_object_get(r, "esperado"));
        const char *o = json_string_value(json_object_get(r, "obtenido"));
        const char *d = json_string_value(json_object_get(r, "detalle"));
        json_t *ms = json_object_get(r, "duracion_ms");
        v->esperado = cal_sanear(e);
        v->obtenido = cal_sanear(o);
        v->detalle = cal_sanear(d);
        v->segundos = json_is_integer(ms) ? (double)json_integer_value(ms) / 1000.0 : 0;
        v->ok = json_is_true(json_object_get(r, "ok")) && tap_ok == 1;
        if (json_is_true(json_object_get(r, "ok")) && tap_ok != 1) {
            char *t = texto_formato("%s%s(el calificador terminó mal después de decidir: %s)",
                                    v->detalle, v->detalle[0] != '\0' ? "\n" : "",
                                    motivo[0] != '\0' ? motivo : "sin estado en el TAP");
            free(v->detalle);
            v->detalle = t;
        }
    } else {
        v->ok = 0;
        v->esperado = texto_dup("");
        if (strstr(motivo, "timed out") != NULL)
            v->obtenido = texto_dup("la verificación no terminó: se acabó su tiempo");
        else if (motivo[0] != '\0')
            v->obtenido = texto_formato("la verificación no terminó (%s)", motivo);
        else
            v->obtenido = texto_dup("la verificación no terminó");
        v->detalle = texto_dup("");
    }
    json_decref(r);
}

static void calificar_lab(const opciones_t *op, lab_t *lab, const char *caja, int *instructor)
{
    double t0 = ahora_s();
    char dir_lab[PATH_MAX], origen[PATH_MAX], trabajo[PATH_MAX], fuentes[PATH_MAX],
        resultados[PATH_MAX], tmp[PATH_MAX], binario[PATH_MAX], calificador[PATH_MAX],
        error[1024];
    poner_texto(dir_lab, sizeof dir_lab, "%s/labs/%s", op->raiz, lab->carpeta);
    if (op->entrega != NULL)
        poner_texto(origen, sizeof origen, "%s", op->entrega);
    else if (op->soluciones)
        poner_texto(origen, sizeof origen, "%s/solutions/%s", op->raiz, lab->carpeta);
    else
        poner_texto(origen, sizeof origen, "%s", dir_lab);
    poner_texto(trabajo, sizeof trabajo, "%s/trabajo/%s", op->salida, lab->carpeta);
    poner_texto(fuentes, sizeof fuentes, "%s/fuentes", trabajo);
    poner_texto(resultados, sizeof resultados, "%s/resultados", trabajo);
    poner_texto(tmp, sizeof tmp, "%s/tmp", trabajo);
    poner_texto(binario, sizeof binario, "%s/%s", trabajo, lab->programa);
    poner_texto(calificador, sizeof calificador, "%s/%s/labs/%s/calificador", op->raiz,
             op->construccion, lab->carpeta);
    if (op->construccion[0] == '/')
        poner_texto(calificador, sizeof calificador, "%s/labs/%s/calificador", op->construccion,
                 lab->carpeta);

    borrar_arbol(trabajo);
    if (crear_carpetas(fuentes) < 0 || crear_carpetas(resultados) < 0 ||
        crear_carpetas(tmp) < 0) {
        lab->aviso = texto_formato("no se pudo crear %s", trabajo);
        marcar_todas(lab, "no se calificó");
        return;
    }

    char e_path[] = "PATH=/usr/local/bin:/usr/bin:/bin";
    char *e_tmp = texto_formato("TMPDIR=%s", tmp);
    const char *entorno_cc[] = {e_path, "LANG=C.UTF-8", "LC_ALL=C.UTF-8", e_tmp, NULL};

    if (op->soluciones && access(origen, F_OK) != 0) {
        lab->aviso = texto_formato("no hay solución en solutions/%s%s", lab->carpeta,
                                   lab->solucion_publicada ? "" : " (aún no está publicada)");
        marcar_todas(lab, "no se calificó");
        free(e_tmp);
        return;
    }
    lab->calificado = 1;
    if (preparar_fuentes(op, lab, dir_lab, origen, fuentes, error, sizeof error) < 0) {
        lab->compila = 0;
        lab->compilador = texto_dup(error);
        verificacion_t *v = lab_verificacion(lab, "compila");
        if (v != NULL) {
            v->ok = 0;
            char *lista = texto_dup("");
            for (int i = 0; i < lab->narchivos; i++) {
                char *t = texto_formato("%s%s%s", lista, i > 0 ? ", " : "", lab->archivos[i]);
                free(lista);
                lista = t;
            }
            v->esperado = texto_formato("los archivos de la entrega: %s", lista);
            free(lista);
            v->obtenido = texto_dup(error);
            v->detalle = texto_dup("");
        }
        marcar_todas(lab, "no se calificó: faltan archivos de la entrega");
        lab->segundos = ahora_s() - t0;
        free(e_tmp);
        return;
    }
    compilacion_t cc = {.cc = op->cc, .cflags = op->cflags, .libs = op->libs,
                        .bwrap = strcmp(caja, "bwrap") == 0, .entorno = entorno_cc};
    char *faltan = NULL;
    int compilado = compilar_entrega(&cc, lab, fuentes, binario, &faltan);
    if (faltan != NULL) {
        lab->aviso = texto_formato("la entrega no usa %s, que es lo que enseña este "
                                   "laboratorio: sin eso no puede hacer lo que se pide",
                                   faltan);
        free(faltan);
    }
    if (compilado == -2) {
        free(lab->aviso);
        lab->aviso = texto_formato("esta entrega no se califica: %s", lab->medios);
        marcar_todas(lab, "no se calificó: la entrega usa medios que el laboratorio no "
                          "permite (ver el aviso del laboratorio)");
    }
    if (compilado < 0) {
        if (compilado == -1)
            marcar_todas(lab, "no se calificó: el programa no compila");
        lab->segundos = ahora_s() - t0;
        free(e_tmp);
        return;
    }
    /* El programa lo lee y ejecuta otro usuario (nobody) dentro de la caja. */
    chmod(binario, 0755);
    chmod(trabajo, 0755);
    chmod(tmp, 0755);

    /* Como root, la entrega corre como nobody, que tiene que poder llegar al binario y a
     * los temporales. Si el repositorio cuelga de una carpeta cerrada (p. ej. /root, o un
     * HOME 0700), se usa una copia en una carpeta temporal propia bajo /tmp. */
    char aparte[PATH_MAX] = "";
    if (geteuid() == 0 && !caja_alcanza(binario)) {
        poner_texto(aparte, sizeof aparte, "/tmp/calificar-XXXXXX");
        char error_copia[512];
        if (mkdtemp(aparte) == NULL) {
            aparte[0] = '\0';
        } else {
            chmod(aparte, 0755);
            poner_texto(binario, sizeof binario, "%s/%s", aparte, lab->programa);
            poner_texto(tmp, sizeof tmp, "%s/tmp", aparte);
            char original[PATH_MAX];
            poner_texto(original, sizeof original, "%s/%s", trabajo, lab->programa);
            if (copiar(original, binario, error_copia, sizeof error_copia) < 0 ||
                mkdir(tmp, 0755) < 0)
                fprintf(stderr, "calificar: %s\n", error_copia);
            chmod(binario, 0755);
            free(e_tmp);
            e_tmp = texto_formato("TMPDIR=%s", tmp);
        }
    }

    char *e_prog = texto_formato("CALIF_PROGRAMA=%s", binario);
    char *e_res = texto_formato("CALIF_RESULTADOS=%s", resultados);
    char *e_caja = texto_formato("CALIF_CAJA=%s", caja);
    char *e_serv = texto_formato("CURSO_SERVIDOR_BIN=%s/%s/bin/servidor-practica", op->raiz,
                                 op->construccion);
    if (op->construccion[0] == '/') {
        free(e_serv);
        e_serv = texto_formato("CURSO_SERVIDOR_BIN=%s/bin/servidor-practica", op->construccion);
    }
    const char *bw = getenv("CALIF_BWRAP");
    char *e_bw = texto_formato("CALIF_BWRAP=%s", bw != NULL ? bw : "/usr/bin/bwrap");
    /* Entorno limpio: ninguna variable CRITERION_* (CRITERION_ALWAYS_SUCCEED…) llega. */
    /* La marca de las pruebas del curso (make test) llega hasta la entrega: así las pruebas
     * reconocen como suyos los procesos que dejara, aunque corran dentro de la caja. */
    const char *marca = getenv("CURSO_PRUEBAS_MARCA");
    char *e_marca = marca != NULL ? texto_formato("CURSO_PRUEBAS_MARCA=%s", marca) : NULL;
    const char *entorno[] = {e_path, "LANG=C.UTF-8", e_tmp, e_prog, e_res, e_caja, e_serv,
                             e_bw, e_marca, NULL};

    if (access(calificador, X_OK) != 0) {
        lab->aviso = texto_formato("falta el calificador %s (error del instructor: "
                                   "¿se construyó con labs/labs.mk?)", calificador);
        lab->error_instructor = 1;
        *instructor = 1;
        marcar_todas(lab, "no se calificó: falta el calificador");
        goto fin;
    }

    /* El manifiesto y el calificador deben casar, en los dos sentidos. */
    char **ids = NULL;
    int nids = listar_pruebas(calificador, entorno, &ids);
    if (nids < 0) {
        lab->aviso = texto_formato("no se pudo listar las verificaciones de %s", calificador);
        lab->error_instructor = 1;
        *instructor = 1;
    } else {
        for (int i = 0; i < nids; i++)
            if (lab_verificacion(lab, ids[i]) == NULL || strcmp(ids[i], "compila") == 0) {
                char *t = texto_formato("%s%sla prueba «%s» del calificador no está en "
                                        "lab.json", lab->aviso ? lab->aviso : "",
                                        lab->aviso ? "; " : "", ids[i]);
                free(lab->aviso);
                lab->aviso = t;
                lab->error_instructor = 1;
            }
        for (int i = 0; i < lab->nv; i++) {
            if (strcmp(lab->v[i].id, "compila") == 0)
                continue;
            int esta = 0;
            for (int k = 0; k < nids; k++)
                esta |= strcmp(ids[k], lab->v[i].id) == 0;
            if (!esta) {
                char *t = texto_formato("%s%sla verificación «%s» de lab.json no existe en el "
                                        "calificador", lab->aviso ? lab->aviso : "",
                                        lab->aviso ? "; " : "", lab->v[i].id);
                free(lab->aviso);
                lab->aviso = t;
                lab->error_instructor = 1;
            }
        }
        if (lab->error_instructor)
            *instructor = 1;
    }
    for (int i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);

    char tap[PATH_MAX], registro[PATH_MAX], jobs[32];
    poner_texto(tap, sizeof tap, "%s/criterion.tap", trabajo);
    poner_texto(registro, sizeof registro, "%s/calificador.log", trabajo);
    poner_texto(jobs, sizeof jobs, "--jobs=%d", lab->trabajos);
    char *tap_arg = texto_formato("--tap=%s", tap);
    const char *argv[] = {calificador, jobs, tap_arg, NULL};
    orden_t o = {.argv = argv, .entorno = entorno, .carpeta = trabajo, .salida = registro,
                 .limite_s = lab->tiempo_limite_s};
    int r = ejecutar(&o);
    free(tap_arg);
    /* Si algo escapó de la caja y quedó huérfano, ahora es hijo nuestro: fuera. */
    barrer_huerfanos(NULL);
    if (r < 0) {
        lab->aviso = texto_formato("no se pudo ejecutar el calificador: %s", strerror(-r));
        marcar_todas(lab, "no se calificó");
        goto fin;
    }
    if (o.excedido) {
        char *t = texto_formato("%s%sel calificador superó su tiempo (%d s) y se detuvo",
                                lab->aviso ? lab->aviso : "", lab->aviso ? "; " : "",
                                lab->tiempo_limite_s);
        free(lab->aviso);
        lab->aviso = t;
    }
    char *texto_tap = leer_archivo(tap, 1 << 20);
    for (int i = 0; i < lab->nv; i++)
        if (strcmp(lab->v[i].id, "compila") != 0)
            leer_resultado(&lab->v[i], resultados, texto_tap);
    free(texto_tap);

fin:
    borrar_arbol(tmp);
    if (aparte[0] != '\0')
        borrar_arbol(aparte);
    free(e_prog);
    free(e_res);
    free(e_caja);
    free(e_serv);
    free(e_bw);
    free(e_marca);
    free(e_tmp);
    lab->segundos = ahora_s() - t0;
}

/* ------------------------------------------------------------------ main */

static int comparar(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void uso(void)
{
    fprintf(stderr,
            "uso: calificar --raiz R --construccion B --cc CC --cflags \"…\" --libs \"…\"\n"
            "                [--lab NN] [--entrega CARPETA | --soluciones] [--salida CARPETA]\n"
            "Normalmente se usa a través de «make grade».\n");
}

int main(int argc, char **argv)
{
    opciones_t op = {0};
    static const struct option largas[] = {
        {"raiz", required_argument, NULL, 'r'},   {"construccion", required_argument, NULL, 'b'},
        {"cc", required_argument, NULL, 'c'},     {"cflags", required_argument, NULL, 'f'},
        {"libs", required_argument, NULL, 'l'},   {"lab", required_argument, NULL, 'L'},
        {"entrega", required_argument, NULL, 'e'}, {"soluciones", no_argument, NULL, 's'},
        {"salida", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", largas, NULL)) != -1) {
        switch (c) {
        case 'r': op.raiz = optarg; break;
        case 'b': op.construccion = optarg; break;
        case 'c': op.cc = optarg; break;
        case 'f': op.cflags = optarg; break;
        case 'l': op.libs = optarg; break;
        case 'L': op.lab = optarg[0] != '\0' ? optarg : NULL; break;
        case 'e': op.entrega = optarg[0] != '\0' ? optarg : NULL; break;
        case 's': op.soluciones = 1; break;
        case 'o': op.salida = optarg; break;
        default: uso(); return 2;
        }
    }
    if (op.raiz == NULL || op.construccion == NULL || op.cc == NULL || op.cflags == NULL ||
        op.libs == NULL || optind != argc) {
        uso();
        return 2;
    }
    if (op.entrega != NULL && op.soluciones) {
        fprintf(stderr, "calificar: ENTREGA y SOLUCIONES=1 no se pueden usar a la vez\n");
        return 2;
    }
    if (op.entrega != NULL && op.lab == NULL) {
        fprintf(stderr, "calificar: con ENTREGA=<carpeta> hay que decir qué laboratorio es "
                        "(LAB=07)\n");
        return 2;
    }
    char entrega_abs[PATH_MAX];
    if (op.entrega != NULL) {
        struct stat st;
        if (realpath(op.entrega, entrega_abs) == NULL || stat(entrega_abs, &st) < 0 ||
            !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "calificar: la entrega «%s» no es una carpeta\n", op.entrega);
            return 2;
        }
        op.entrega = entrega_abs;
    }
    char salida[PATH_MAX];
    if (op.salida == NULL) {
        if (op.construccion[0] == '/')
            poner_texto(salida, sizeof salida, "%s/calificacion", op.construccion);
        else
            poner_texto(salida, sizeof salida, "%s/%s/calificacion", op.raiz, op.construccion);
        op.salida = salida;
    }

    /* Huérfanos de cualquier cosa que lancemos vienen a nosotros (y se matan). */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);
    double t0 = ahora_s();

    /* Laboratorios presentes: labs/NN-tema/lab.json */
    char dir_labs[PATH_MAX];
    poner_texto(dir_labs, sizeof dir_labs, "%s/labs", op.raiz);
    DIR *d = opendir(dir_labs);
    if (d == NULL) {
        fprintf(stderr, "calificar: no encuentro %s\n", dir_labs);
        return 2;
    }
    char *carpetas[100];
    int nc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && nc < 100) {
        const char *n = e->d_name;
        if (!(n[0] >= '0' && n[0] <= '9' && n[1] >= '0' && n[1] <= '9' && n[2] == '-'))
            continue;
        char m[PATH_MAX];
        poner_texto(m, sizeof m, "%s/%s/lab.json", dir_labs, n);
        if (access(m, R_OK) != 0)
            continue;
        if (op.lab != NULL && strncmp(n, op.lab, strlen(op.lab)) != 0 && strcmp(n, op.lab) != 0)
            continue;
        carpetas[nc++] = texto_dup(n);
    }
    closedir(d);
    qsort(carpetas, (size_t)nc, sizeof carpetas[0], comparar);
    if (nc == 0) {
        fprintf(stderr, "calificar: no hay ningún laboratorio%s%s en %s\n",
                op.lab != NULL ? " que empiece por " : "", op.lab != NULL ? op.lab : "",
                dir_labs);
        return 2;
    }
    if (op.entrega != NULL && nc > 1) {
        fprintf(stderr, "calificar: LAB=%s coincide con varios laboratorios\n", op.lab);
        return 2;
    }

    if (crear_carpetas(op.salida) < 0) {
        fprintf(stderr, "calificar: no se puede crear %s\n", op.salida);
        return 2;
    }
    char ruta_json[PATH_MAX], ruta_xml[PATH_MAX];
    poner_texto(ruta_json, sizeof ruta_json, "%s/results.json", op.salida);
    poner_texto(ruta_xml, sizeof ruta_xml, "%s/junit.xml", op.salida);
    /* Un informe viejo nunca debe pasar por el de esta calificación. */
    unlink(ruta_json);
    unlink(ruta_xml);

    char motivo[256];
    int hay_bwrap = caja_probar(motivo, sizeof motivo);
    char caja_texto[1536];
    if (hay_bwrap) {
        poner_texto(caja_texto, sizeof caja_texto,
                 "bubblewrap (usuario nobody, espacios de nombres de usuario y de PID, "
                 "sistema de solo lectura, /tmp privado, sin acceso al repositorio)");
    } else {
        /* Sin espacios de nombres de usuario: estos ajustes del núcleo suelen ser la causa
         * (el README, apartado «Si no eres root», explica cómo cambiarlos). */
        static const struct {
            const char *ruta, *valor, *texto;
        } ajustes[] = {
            {"/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1",
             "AppArmor lo impide (kernel.apparmor_restrict_unprivileged_userns = 1, lo "
             "habitual desde Ubuntu 23.10)"},
            {"/proc/sys/kernel/unprivileged_userns_clone", "0",
             "el núcleo lo impide (kernel.unprivileged_userns_clone = 0)"},
            {"/proc/sys/user/max_user_namespaces", "0",
             "el núcleo lo impide (user.max_user_namespaces = 0)"},
        };
        char causa[384] = "";
        const char *activar = "";
        int sin_userns = strstr(motivo, "espacios de nombres") != NULL;
        int root = geteuid() == 0;
        if (sin_userns) {
            const char *texto = "pasa a menudo dentro de contenedores (Docker, Podman…) "
                                "y en WSL 1";
            for (size_t i = 0; i < sizeof ajustes / sizeof ajustes[0]; i++) {
                char *v = leer_archivo(ajustes[i].ruta, 16);
                size_t n = strlen(ajustes[i].valor);
                int coincide = v != NULL && strncmp(v, ajustes[i].valor, n) == 0 &&
                               (v[n] == '\n' || v[n] == '\0');
                free(v);
                if (coincide) {
                    texto = ajustes[i].texto;
                    break;
                }
            }
            poner_texto(causa, sizeof causa, ": %s", texto);
            activar = " Cómo activarla: README.md, apartado «Si no eres root».";
        }
        poner_texto(caja_texto, sizeof caja_texto,
                 "SIN caja de arena: bubblewrap %s%s. Protecciones que faltan: la entrega ve "
                 "todo el sistema de archivos (%s) y no tiene /tmp privado ni espacio de PID "
                 "propio%s. Se mantienen: límites de CPU, memoria, procesos, salida y tiempo, "
                 "entorno limpio y la limpieza de todos sus procesos al terminar.%s%s",
                 motivo, causa,
                 root ? "corre con un usuario sin privilegios: puede leer lo que cualquiera "
                        "puede leer, pero no escribir en el repositorio ni en los informes"
                      : "corre como tú: puede leer lo que tú puedes leer y escribir donde tú "
                        "puedes escribir, también en el repositorio y en build/",
                 sin_userns && !root ? "; y si el sistema no deja crear espacios de "
                                       "nombres de usuario, tampoco red propia: llega a "
                                       "los puertos de la máquina"
                                     : "",
                 root ? "" : " Para calificar tu propio código basta; no califiques así "
                             "entregas ajenas.",
                 activar);
    }

    char origen_texto[PATH_MAX + 64];
    if (op.entrega != NULL)
        poner_texto(origen_texto, sizeof origen_texto, "la entrega en %s", op.entrega);
    else if (op.soluciones)
        poner_texto(origen_texto, sizeof origen_texto, "las soluciones (solutions/)");
    else
        poner_texto(origen_texto, sizeof origen_texto, "tus archivos en labs/");
    contexto_informe_t ctx = {.origen = origen_texto, .caja = caja_texto,
                              .caja_aviso = !hay_bwrap, .salida = op.salida};
    informe_cabecera(&ctx);

    lab_t *labs = calloc((size_t)nc, sizeof *labs);
    int instructor = 0;
    for (int i = 0; i < nc; i++) {
        lab_t *lab = &labs[i];
        lab->carpeta = carpetas[i];
        poner_texto(lab->numero, sizeof lab->numero, "%.2s", carpetas[i]);
        char m[PATH_MAX], error[512];
        poner_texto(m, sizeof m, "%s/%s/lab.json", dir_labs, carpetas[i]);
        if (manifiesto_leer(m, lab, error, sizeof error) < 0) {
            /* Sin manifiesto válido no hay puntos que repartir: error del instructor. */
            lab->aviso = texto_formato("lab.json inválido: %s", error);
            lab->error_instructor = 1;
            instructor = 1;
            if (lab->titulo == NULL)
                lab->titulo = texto_dup(carpetas[i]);
            lab->nv = 0;
        } else {
            calificar_lab(&op, lab, hay_bwrap ? "bwrap" : "limites", &instructor);
        }
        informe_lab(lab);
    }
    ctx.segundos = ahora_s() - t0;
    informe_total(labs, nc, &ctx);
    int r1 = informe_json(ruta_json, labs, nc, &ctx);
    int r2 = informe_junit(ruta_xml, labs, nc, &ctx);
    if (r1 < 0 || r2 < 0)
        fprintf(stderr, "calificar: no se pudieron escribir los informes en %s\n", op.salida);
    for (int i = 0; i < nc; i++)
        lab_liberar(&labs[i]);
    free(labs);
    barrer_huerfanos(NULL);
    if (instructor)
        return 3;
    return (r1 < 0 || r2 < 0) ? 1 : 0;
}
