/* calificar.c — el ejecutor de `make grade`: para cada laboratorio, prepara la entrega, la
 * compila en la caja (y mira con qué está hecha), lanza su calificador oculto y reúne los
 * resultados en la terminal, results.json (Gradescope) y junit.xml.
 *
 *   calificar --raiz R --construccion B --cc CC --cflags "…" --libs "…"
 *             [--lab 07] [--entrega CARPETA | --soluciones] [--salida CARPETA]
 *   calificar --raiz R --variables      los datos de los lab.json para make
 *   calificar --raiz R --lista [--lab 07]  los mismos datos para guiones (TSV)
 *
 * Es código de confianza y nunca ejecuta código del estudiante en su propio proceso. Es
 * «subreaper»: si algo escapa de la caja y queda huérfano, pasa a ser hijo suyo y se mata al
 * terminar cada laboratorio. Sale con 0 siempre que haya calificado (sea cual sea la nota),
 * 2 si los argumentos son malos y 3 si un laboratorio está mal hecho (error del calificador:
 * manifiesto inválido o verificaciones que no casan).
 */
#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Los textos «CLAVE=valor» del entorno del calificador (viven lo que dura el laboratorio). */
typedef struct {
    char *tmp, *programa, *resultados, *caja, *servidor, *bwrap, *marca, *observar, *puerta,
        *llamadas, *strace, *entrada, *permitidas, *vivos, *vivos_cierre, *canal;
    const char *origen;
    const char *sin_openat2;
    const char *sin_encierro;
    char carpeta_canal[PATH_MAX]; /* "" si no se pudo crear */
    const char *lista[23];
} entorno_t;

void marcar_todas(lab_t *lab, const char *obtenido)
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

static void rutas_calcular(const opciones_t *op, const lab_t *lab, rutas_t *r)
{
    memset(r, 0, sizeof *r);
    texto_poner(r->dir_lab, sizeof r->dir_lab, "%s/labs/%s", op->raiz, lab->carpeta);
    r->es_entrega = op->entrega != NULL;
    if (op->entrega != NULL)
        texto_poner(r->origen, sizeof r->origen, "%s", op->entrega);
    else if (op->soluciones)
        texto_poner(r->origen, sizeof r->origen, "%s/solutions/%s", op->raiz, lab->carpeta);
    else
        texto_poner(r->origen, sizeof r->origen, "%s", r->dir_lab);
    texto_poner(r->trabajo, sizeof r->trabajo, "%s/trabajo/%s", op->salida, lab->carpeta);
    texto_poner(r->fuentes, sizeof r->fuentes, "%s/fuentes", r->trabajo);
    texto_poner(r->resultados, sizeof r->resultados, "%s/resultados", r->trabajo);
    texto_poner(r->tmp, sizeof r->tmp, "%s/tmp", r->trabajo);
    texto_poner(r->binario, sizeof r->binario, "%s/%s", r->trabajo, lab->programa);
    texto_poner(r->calificador, sizeof r->calificador, "%s/labs/%s/calificador",
                op->construccion_abs, lab->carpeta);
}

/* Carpeta de trabajo limpia y la entrega copiada. 0 si se puede compilar. */
static int preparar(const opciones_t *op, lab_t *lab, const rutas_t *r)
{
    int restos = huerfanos_restos(r->trabajo);
    if (restos > 0)
        fprintf(stderr,
                "calificar: %s %d %s de una calificación anterior que no terminó (%s): %s\n",
                restos == 1 ? "quedaba" : "quedaban", restos, restos == 1 ? "proceso" : "procesos",
                r->trabajo, restos == 1 ? "se ha matado" : "se han matado");
    archivos_borrar_arbol(r->trabajo);
    if (archivos_crear_carpetas(r->fuentes) < 0 || archivos_crear_carpetas(r->resultados) < 0 ||
        archivos_crear_carpetas(r->tmp) < 0) {
        lab->aviso = texto_formato("no se pudo crear %s", r->trabajo);
        marcar_todas(lab, "no se calificó");
        return -1;
    }
    if (op->soluciones && access(r->origen, F_OK) != 0) {
        if (lab->solucion_publicada)
            lab->aviso = texto_formato("no hay solución en solutions/%s", lab->carpeta);
        else
            lab->aviso = texto_formato("la solución del laboratorio %s aún no está publicada: "
                                       "cuando el profesorado la publique, «git pull» la "
                                       "traerá a solutions/%s",
                                       lab->numero, lab->carpeta);
        marcar_todas(lab, "no se calificó");
        return -1;
    }
    lab->calificado = 1;
    if (entrega_preparar(lab, r) < 0) {
        marcar_todas(lab, "no se calificó: faltan archivos de la entrega");
        return -1;
    }
    return 0;
}

/* Compila y revisa los medios. 0 si hay un programa que calificar. */
static int compilar(const opciones_t *op, lab_t *lab, const rutas_t *r, int bwrap)
{
    char *e_tmp = texto_formato("TMPDIR=%s", r->tmp);
    const char *entorno_cc[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
                                "LC_ALL=C.UTF-8", e_tmp, NULL};
    compilacion_t cc = {.cc = op->cc,
                        .cflags = op->cflags,
                        .libs = op->libs,
                        .bwrap = bwrap,
                        .entorno = entorno_cc};
    char *faltan = NULL;
    int compilado = compilar_entrega(&cc, lab, r->fuentes, r->binario, &faltan);
    free(e_tmp);
    /* Con HITO=, lo que el laboratorio enseña puede ser de un hito que aún no se pide. */
    if (faltan != NULL && lab->nhitos_fuera == 0)
        lab->aviso = texto_formato("la entrega no usa %s, que es lo que enseña este "
                                   "laboratorio: sin eso no puede hacer lo que se pide",
                                   faltan);
    free(faltan);
    if (compilado == -2) {
        free(lab->aviso);
        lab->aviso = texto_formato("esta entrega no se califica: %s", lab->medios);
        marcar_todas(lab, "no se calificó: la entrega usa medios que el laboratorio no "
                          "permite (ver el aviso del laboratorio)");
        /* No se califica = 0 puntos: tampoco cuenta «compila». */
        verificacion_t *v = lab_verificacion(lab, "compila");
        if (v != NULL && v->ok) {
            v->ok = 0;
            free(v->obtenido);
            v->obtenido = texto_dup("compila, pero no se califica: usa medios que el "
                                    "laboratorio no permite");
        }
    } else if (compilado == -1) {
        marcar_todas(lab, "no se calificó: el programa no compila");
    }
    return compilado;
}

/* Entorno limpio del calificador: ninguna variable CRITERION_* (CRITERION_ALWAYS_SUCCEED…)
 * llega. La marca de las pruebas del curso (make test) sí, hasta la entrega: así las pruebas
 * reconocen como suyos los procesos que dejara, aunque corran dentro de la caja. */
/* La precarga vivos (common/herramientas/vivos, lib/vivos.c), junto al binario como la puerta:
 * el usuario de la caja (y bwrap, que monta lo que ese usuario lee) llega allí. Deja su ruta
 * en `dst` ("" si no está construida o no se pudo copiar: las verificaciones corren sin ella). */
static void precarga_preparar(const opciones_t *op, const rutas_t *r, char *dst, size_t tam)
{
    char origen[PATH_MAX], error[256];
    dst[0] = '\0';
    texto_poner(origen, sizeof origen, "%s/lib/libvivos.so", op->construccion_abs);
    if (access(origen, R_OK) != 0)
        return;
    texto_poner(dst, tam, "%s/vivos.so", r->trabajo);
    if (archivos_copiar(origen, dst, error, sizeof error) < 0 || chmod(dst, 0644) < 0)
        dst[0] = '\0';
    conducta_precarga(dst);
}

/* La carpeta del canal de Criterion (lib/canal.c): nueva para cada laboratorio, 0700, dentro
 * de su carpeta de trabajo (trabajo/NN/canal, de quien califica): un ejecutor matado la deja
 * allí, y la calificación siguiente en la misma salida la borra con el resto (preparar). Si
 * esa ruta es larga para un socket (los 108 bytes de sun_path), una nueva en TMPDIR o en
 * /tmp. En el /tmp de todos, el socket de otro usuario con el mismo pid paraba Criterion. Sin
 * ella (no se pudo crear), Criterion usa su ruta de siempre. */
static void canal_crear(entorno_t *e, const char *trabajo)
{
    static const char NOMBRE[] = "/calif-canal.XXXXXX", SOCKET[] = "/criterion_4194304.sock";
    const size_t cabe = sizeof((struct sockaddr_un *)0)->sun_path;
    const char *base = getenv("TMPDIR");
    if (strlen(trabajo) + strlen("/canal") + strlen(SOCKET) < cabe) {
        texto_poner(e->carpeta_canal, sizeof e->carpeta_canal, "%s/canal", trabajo);
        if (mkdir(e->carpeta_canal, 0700) < 0)
            e->carpeta_canal[0] = '\0';
    } else {
        if (base == NULL || base[0] != '/' ||
            strlen(base) + strlen(NOMBRE) + strlen(SOCKET) >= cabe)
            base = "/tmp";
        texto_poner(e->carpeta_canal, sizeof e->carpeta_canal, "%s%s", base, NOMBRE);
        if (mkdtemp(e->carpeta_canal) == NULL)
            e->carpeta_canal[0] = '\0';
    }
    e->canal = texto_formato("CALIF_CANAL=%s", e->carpeta_canal);
}

/* La borra con lo que tenga (sockets que un calificador parado no quitó), sin seguir nada:
 * desde la carpeta que la contiene (trabajo/NN, TMPDIR o /tmp, de quien califica). */
static void canal_borrar(entorno_t *e)
{
    char *barra = strrchr(e->carpeta_canal, '/');
    if (e->carpeta_canal[0] == '\0' || barra == NULL)
        return;
    *barra = '\0';
    int base = arbol_raiz(barra == e->carpeta_canal ? "/" : e->carpeta_canal);
    if (base >= 0) {
        arbol_borrar(base, barra + 1);
        close(base);
    }
}

static void entorno_crear(entorno_t *e, const opciones_t *op, const lab_t *lab, const rutas_t *r,
                          int bwrap, const char *trazas, const char *puerta, const char *vivos)
{
    const char *bw = getenv("CALIF_BWRAP"), *marca = getenv("CURSO_PRUEBAS_MARCA");
    e->tmp = texto_formato("TMPDIR=%s", r->tmp);
    canal_crear(e, r->trabajo);
    e->programa = texto_formato("CALIF_PROGRAMA=%s", r->binario);
    e->resultados = texto_formato("CALIF_RESULTADOS=%s", r->resultados);
    e->caja = texto_formato("CALIF_CAJA=%s", bwrap ? "bwrap" : "limites");
    e->servidor =
        texto_formato("CURSO_SERVIDOR_BIN=%s/bin/servidor-practica", op->construccion_abs);
    /* La precarga vivos: qué mantiene vivo un programa que no termina (lib/vivos.c), en los
     * laboratorios y en la práctica; CALIF_VIVOS_LABS=0 la quita de los laboratorios. La
     * carga_200 que el 09 perdía en Debian 13 no era de la precarga: eran las paradas de
     * strace -k en cada epoll_ctl de libuv 1.50 (runner/conducta.c, conducta_llamadas). */
    const char *labs = getenv("CALIF_VIVOS_LABS");
    int activa = labs == NULL || strcmp(labs, "0") != 0;
    e->vivos = texto_formato("CALIF_VIVOS=%s", activa ? vivos : "");
    /* La que pide una verificación con .cierre (cal_sin_cerrar), siempre: solo mira qué
     * queda abierto al acabar uv_run, y esas verificaciones tienen pocos clientes. */
    e->vivos_cierre = texto_formato("CALIF_VIVOS_CIERRE=%s", vivos);
    e->bwrap = texto_formato("CALIF_BWRAP=%s", bw != NULL ? bw : "/usr/bin/bwrap");
    e->marca = marca != NULL ? texto_formato("CURSO_PRUEBAS_MARCA=%s", marca) : NULL;
    e->observar = texto_formato("CALIF_OBSERVAR=%s", trazas); /* "" = no se observa */
    e->puerta = texto_formato("CALIF_PUERTA=%s", puerta);
    e->llamadas = texto_formato("CALIF_OBSERVAR_LLAMADAS=%s", conducta_llamadas(lab));
    /* El mismo strace que probó conducta_probar es el que observa (lib/observar.c). */
    e->strace = texto_formato("CALIF_STRACE=%s", conducta_strace());
    /* Con «reglas_traza», las verificaciones anotan qué archivos de la entrada escribieron y
     * strace escribe los iovec (lib/observar.c). */
    e->entrada = texto_formato("CALIF_OBSERVAR_ENTRADA=%d", lab->nreglas > 0);
    /* 2: además la pila de cada llamada parada (strace -k, runner/conducta.c). */
    e->origen = conducta_origen_entorno(lab);
    /* Las pruebas fuerzan así el camino sin openat2 de base/arbol.c (el de un núcleo < 5.6). */
    const char *sin = getenv("CALIF_SIN_OPENAT2");
    e->sin_openat2 =
        sin != NULL && strcmp(sin, "1") == 0 ? "CALIF_SIN_OPENAT2=1" : "CALIF_SIN_OPENAT2=0";
    /* Y sin el encierro de Landlock (base/encierro.c): para probar lo que queda sin él. */
    sin = getenv("CALIF_SIN_ENCIERRO");
    e->sin_encierro =
        sin != NULL && strcmp(sin, "1") == 0 ? "CALIF_SIN_ENCIERRO=1" : "CALIF_SIN_ENCIERRO=0";
    /* Lo que el laboratorio añade a la lista de permitidos del filtro (lib/lanzar.c). */
    e->permitidas = texto_dup("CALIF_LLAMADAS=");
    for (int i = 0; i < lab->nllamadas; i++) {
        char *t = texto_formato("%s%s%s", e->permitidas, i > 0 ? "," : "", lab->llamadas[i]);
        free(e->permitidas);
        e->permitidas = t;
    }
    if (lab->unix_permitido) {
        char *t =
            texto_formato("%s%s%s", e->permitidas, lab->nllamadas > 0 ? "," : "", FILTRO_UNIX);
        free(e->permitidas);
        e->permitidas = t;
    }
    /* Solo el número del descriptor, nunca la clave (base/clave.c). */
    const char *clave_fd =
        clave_descriptor() >= 0 ? "CALIF_CLAVE_FD=" CAL_TEXTO(CLAVE_FD) : "CALIF_CLAVE_FD=";
    const char *lista[] = {"PATH=/usr/local/bin:/usr/bin:/bin",
                           "LANG=C.UTF-8",
                           e->tmp,
                           e->programa,
                           e->resultados,
                           e->caja,
                           e->servidor,
                           e->bwrap,
                           e->observar,
                           e->puerta,
                           e->llamadas,
                           e->strace,
                           e->entrada,
                           e->origen,
                           e->sin_openat2,
                           e->sin_encierro,
                           e->permitidas,
                           e->vivos,
                           e->vivos_cierre,
                           clave_fd,
                           e->canal,
                           e->marca,
                           NULL};
    memcpy(e->lista, lista, sizeof lista);
}

static void entorno_liberar(entorno_t *e)
{
    canal_borrar(e);
    free(e->canal);
    free(e->tmp);
    free(e->programa);
    free(e->resultados);
    free(e->caja);
    free(e->servidor);
    free(e->vivos);
    free(e->vivos_cierre);
    free(e->bwrap);
    free(e->marca);
    free(e->observar);
    free(e->puerta);
    free(e->llamadas);
    free(e->strace);
    free(e->entrada);
    free(e->permitidas);
}

/* Los medios por lo que hizo el programa (runner/conducta.c): si hizo algo prohibido en el
 * camino principal, el laboratorio no se califica, como con un nombre prohibido; si solo en
 * otras verificaciones, esas pierden sus puntos. Si no se pudo observar, se dice. */
static void juzgar_conducta(lab_t *lab, const char *trazas, const char *no_observado)
{
    char *informe = NULL, *aviso = NULL;
    int r = trazas[0] != '\0' ? conducta_juzgar(lab, trazas, 1, &informe, &aviso) : -1;
    char *antes = lab->aviso;
    if (r == 1) {
        lab->aviso = texto_formato("esta entrega no se califica: lo que hace el programa "
                                   "(observado con strace) no lo permite el laboratorio.\n%s",
                                   informe);
        lab->medios = texto_dup(informe);
        marcar_todas(lab, "no se calificó: el programa usa medios que el laboratorio no "
                          "permite (ver el aviso del laboratorio)");
        free(antes);
    } else if (r == 2) {
        /* Solo fuera del núcleo (runner/conducta.c): esas verificaciones ya están en 0 con lo
         * visto; lo demás se califica. */
        lab->aviso =
            texto_formato("%s%slo que hace el programa (observado con strace) en "
                          "algunas verificaciones no lo permite el laboratorio: esas "
                          "verificaciones pierden sus puntos y el resto se califica, porque lo "
                          "visto es un fallo pequeño o queda fuera del trabajo principal del "
                          "laboratorio (dentro de él, el laboratorio entero quedaría sin "
                          "calificar).\n%s",
                          antes != NULL ? antes : "", antes != NULL ? "; " : "", informe);
        free(antes);
    } else if (r == 0 && conducta_sin_origen() != NULL) {
        /* Observado, pero sin las direcciones: desde dónde se hacen las llamadas de epoll y
         * de la red no se juzgó (un bucle propio pasaría). Se dice, como sin observar. */
        lab->aviso = texto_formato("%s%sdesde dónde se hacen las llamadas de epoll y de la red "
                                   "(un bucle propio o el de libuv) no se pudo juzgar: %s%s%s",
                                   antes != NULL ? antes : "", antes != NULL ? "; " : "",
                                   conducta_sin_origen(),
                                   aviso != NULL ? "; y la entrega no usa "
                                                   "de verdad "
                                                 : "",
                                   aviso != NULL ? aviso : "");
        free(antes);
    } else if (r == 0 && aviso != NULL && lab->nhitos_fuera == 0) {
        lab->aviso = texto_formato("%s%sla entrega no usa de verdad %s, que es lo que enseña "
                                   "este laboratorio",
                                   antes != NULL ? antes : "", antes != NULL ? "; " : "", aviso);
        free(antes);
    } else if (r < 0 && trazas[0] != '\0') {
        /* strace funcionaba (conducta_probar) y la carpeta estaba lista, pero no quedó ni una
         * ejecución observada: la prueba de los medios se perdió. Sin ella no se da la nota
         * (un programa que la rompe sacaría el 100 %): se dice por qué y no se anota. Con lo
         * que dijo la primera verificación, antes de borrarlo: suele decir por qué no se lanzó
         * nada (cal_lanzar lo anota igual en todos los laboratorios). */
        const char *primera = "";
        for (int i = 0; i < lab->nv && primera[0] == '\0'; i++)
            if (strcmp(lab->v[i].id, "compila") != 0 && lab->v[i].obtenido != NULL)
                primera = lab->v[i].obtenido;
        lab->aviso = texto_formato(
            "%s%slos medios no se pudieron juzgar: strace funcionaba al empezar, pero no quedó "
            "la traza de ninguna ejecución del programa en %s. Sin esa prueba no se da la nota; "
            "vuelve a calificar (si ocurre siempre, avisa al profesorado con este "
            "informe)%s%s%s",
            antes != NULL ? antes : "", antes != NULL ? "; " : "", trazas,
            primera[0] != '\0' ? ". La primera verificación decía: «" : "", primera,
            primera[0] != '\0' ? "»" : "");
        lab->error_instructor = 1;
        marcar_todas(lab, "no se calificó: no se pudieron juzgar los medios (ver el aviso del "
                          "laboratorio)");
        free(antes);
    } else if (r < 0) {
        const char *porque =
            no_observado[0] != '\0' ? no_observado : "no se observó ninguna ejecución del programa";
        char *sin_juzgar = conducta_reglas_sin_juzgar(lab, porque);
        lab->aviso = texto_formato("%s%slos medios solo se juzgaron por los nombres: %s%s%s",
                                   antes != NULL ? antes : "", antes != NULL ? "; " : "", porque,
                                   sin_juzgar != NULL ? "; por lo mismo, tampoco se juzgó lo que "
                                                        "pide cada lectura de la entrada, que "
                                                        "cuenta en "
                                                      : "",
                                   sin_juzgar != NULL ? sin_juzgar : "");
        free(sin_juzgar);
        free(antes);
    }
    /* «El grupo lee por el programa» («medios.pila_en») sin juzgar: se dice, nunca en silencio
     * (runner/conducta.c, conducta_sin_pila_trabajo). */
    if ((r == 0 || r == 2) && conducta_sin_pila_trabajo() != NULL) {
        char *t = texto_formato("%s%sno se pudo juzgar si el grupo de hilos de libuv toca los "
                                "archivos a petición del programa (uv_fs_* sin callback, o libc, "
                                "en una callback de uv_queue_work): %s",
                                lab->aviso != NULL ? lab->aviso : "",
                                lab->aviso != NULL ? "; " : "", conducta_sin_pila_trabajo());
        free(lab->aviso);
        lab->aviso = t;
    }
    free(informe);
    free(aviso);
}

static void ejecutar_calificador(const opciones_t *op, lab_t *lab, const rutas_t *r, int bwrap)
{
    if (access(r->calificador, X_OK) != 0) {
        lab->aviso = texto_formato("falta el calificador %s (error del calificador: "
                                   "¿se construyó con labs/labs.mk?)",
                                   r->calificador);
        lab->error_instructor = 1;
        marcar_todas(lab, "no se calificó: falta el calificador");
        return;
    }
    char trazas[PATH_MAX] = "", puerta[PATH_MAX] = "", no_observado[512] = "";
    if (conducta_probar(no_observado, sizeof no_observado) &&
        conducta_preparar(op->construccion_abs, r->trabajo, r->binario, trazas, sizeof trazas,
                          puerta, sizeof puerta) < 0) {
        trazas[0] = '\0';
        texto_poner(no_observado, sizeof no_observado,
                    "no se pudo preparar la carpeta de trazas ni la puerta (calif-puerta)");
    }
    entorno_t e;
    char vivos[PATH_MAX];
    precarga_preparar(op, r, vivos, sizeof vivos);
    entorno_crear(&e, op, lab, r, bwrap, trazas, puerta, vivos);
    /* El manifiesto y el calificador deben casar, en los dos sentidos. */
    criterion_casar(lab, r->calificador, e.lista);
    if (op->primera) {
        /* make vigilar: en el orden del enunciado, la primera que falla en cuanto se sabe;
         * los medios se juzgan igual al final (runner/primera.c). */
        if (!lab->error_instructor && primera_ejecutar(lab, r, e.lista, trazas) == 0)
            juzgar_conducta(lab, trazas, no_observado);
    } else if (criterion_ejecutar(lab, r, e.lista) < 0)
        marcar_todas(lab, "no se calificó");
    else if (orden_interrumpida() == 0) {  /* interrumpida: no hay informe que preparar */
        repetir_fallidas(lab, r, e.lista); /* un fallo por la carga no cuesta puntos */
        juzgar_conducta(lab, trazas, no_observado);
    }
    conducta_terminar(trazas);
    entorno_liberar(&e);
}

static void calificar_lab(const opciones_t *op, lab_t *lab, int bwrap)
{
    double t0 = reloj_s();
    rutas_t r;
    rutas_calcular(op, lab, &r);
    avance_compilando(lab);
    int preparado = preparar(op, lab, &r) == 0;
    int compilado = preparado && compilar(op, lab, &r, bwrap) == 0;
    avance_borrar();
    if (compilado) {
        if (entrega_accesible(lab, &r) < 0) {
            lab->aviso =
                texto_formato("el usuario de la caja de arena no puede ejecutar el programa %s "
                              "(error del calificador: ni siquiera copiándolo a /tmp; revisa los "
                              "permisos de /tmp o avisa al profesorado)",
                              r.binario);
            marcar_todas(lab, "no se calificó");
        } else {
            ejecutar_calificador(op, lab, &r, bwrap);
        }
    }
    archivos_borrar_arbol(r.tmp);
    if (r.aparte[0] != '\0')
        archivos_borrar_arbol(r.aparte);
    lab->segundos = reloj_s() - t0;
}

/* Cabecera del informe: de dónde salen los archivos y qué protecciones hay. */
static void cabecera(const opciones_t *op, contexto_informe_t *ctx, char *origen, size_t t_o,
                     char *caja, size_t t_c, int *bwrap)
{
    if (op->entrega != NULL)
        texto_poner(origen, t_o, "la entrega en %s", op->entrega);
    else if (op->soluciones)
        texto_poner(origen, t_o, "las soluciones (solutions/)");
    else
        texto_poner(origen, t_o, "tus archivos en labs/");
    int faltan = protecciones_describir(caja, t_c, bwrap);
    *ctx = (contexto_informe_t){.origen = origen,
                                .caja = caja,
                                .caja_aviso = faltan > 0,
                                .salida = op->salida,
                                .aviso = op->aviso};
    if (!op->primera) /* la de --primera sale con el laboratorio (primera_cabecera) */
        informe_cabecera(ctx);
}

/* Dos calificaciones con la misma carpeta de salida (dos `make grade` a la vez en un
 * clon) compartirían también trabajo/NN: la segunda borraba la carpeta de la primera con
 * sus trazas, y la primera, sin ninguna ejecución observada, daba los medios por buenos.
 * Un cerrojo (flock) sobre la carpeta de salida las pone en fila; el núcleo lo suelta si
 * el ejecutor muere. El descriptor (O_CLOEXEC) no llega a nada de lo que se lanza. */
static int salida_tomar(const char *salida)
{
    char ruta[PATH_MAX];
    texto_poner(ruta, sizeof ruta, "%s/.calificando", salida);
    int fd = open(ruta, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        fprintf(stderr, "calificar: no se puede abrir %s: %s\n", ruta, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return fd;
    fprintf(stderr,
            "calificar: otra calificación usa %s; se espera a que termine (para calificar a "
            "la vez, da a cada una su carpeta: make grade SALIDA=…)\n",
            salida);
    /* Sin bloquear en flock: con SA_RESTART (base/orden.c), Ctrl+C no lo despertaría. */
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            fprintf(stderr, "calificar: no se pudo esperar a %s: %s\n", ruta, strerror(errno));
            close(fd);
            return -1;
        }
        if (orden_interrumpida() != 0) {
            close(fd);
            return -1;
        }
        usleep(100000);
    }
    return fd;
}

/* Lo que se dice cuando la calificación se interrumpe (Ctrl+C, la terminal que se cierra,
 * SIGTERM) y el código de salida, 128 + la señal, como el de un proceso que muere por ella.
 * Lo lanzado ya está parado (base/orden.c) y main barre lo que quede; las carpetas temporales
 * se borraron al salir de cada laboratorio. Con la terminal cerrada no hay dónde escribirlo:
 * el error de write se ignora. */
static int interrumpida_decir(int senal)
{
    const char *por = senal == SIGINT   ? "Ctrl+C"
                      : senal == SIGHUP ? "se cerró la terminal"
                                        : "SIGTERM";
    avance_borrar(); /* la línea «⏳ Lab NN · n/m…» que quedó a medias */
    fprintf(stderr,
            "calificar: calificación interrumpida (%s): no hay nota ni informe nuevo; lo que se "
            "había lanzado está parado y sus carpetas temporales, borradas. Para calificar, "
            "vuelve a ejecutar la orden.\n",
            por);
    return 128 + senal;
}

static int calificar_en_salida(const opciones_t *op, char **carpetas, int nc)
{
    char ruta_json[PATH_MAX], ruta_xml[PATH_MAX], origen[PATH_MAX + 64], caja[4096];
    texto_poner(ruta_json, sizeof ruta_json, "%s/results.json", op->salida);
    texto_poner(ruta_xml, sizeof ruta_xml, "%s/junit.xml", op->salida);
    /* Un informe viejo nunca debe pasar por el de esta calificación. --primera no escribe
     * informes (no es la nota): tampoco borra los de la última calificación. */
    char ruta_viejo[PATH_MAX];
    texto_poner(ruta_viejo, sizeof ruta_viejo, "%s/informe.txt", op->salida);
    if (!op->primera) {
        unlink(ruta_json);
        unlink(ruta_xml);
        unlink(ruta_viejo);
    }
    double t0 = reloj_s();
    contexto_informe_t ctx;
    int bwrap = 0, instructor = 0;
    cabecera(op, &ctx, origen, sizeof origen, caja, sizeof caja, &bwrap);
    /* Si el usuario de la caja no llega al repositorio (/root/curso), la compilación y el
     * trabajo usan una copia aparte (runner/alcance.c); los informes van a op->salida. */
    alcance_t alcance;
    opciones_t op_lab = *op;
    if (alcance_preparar(&alcance, op) < 0)
        fprintf(stderr, "calificar: no se pudo preparar la copia aparte para la caja de arena\n");
    op_lab.cflags = alcance.cflags;
    op_lab.libs = alcance.libs;
    op_lab.salida = alcance.trabajo;
    lab_t *labs = calloc((size_t)nc, sizeof *labs);
    int hito_malo = 0;
    for (int i = 0; labs != NULL && i < nc && orden_interrumpida() == 0; i++) {
        char error[512];
        int cargado = labs_cargar(op, carpetas[i], &labs[i]) == 0;
        if (cargado && op->hito != NULL &&
            lab_hasta_hito(&labs[i], op->hito, error, sizeof error) < 0) {
            /* Un HITO que no existe es un error de quien llama, no una nota: nada se califica. */
            fprintf(stderr, "calificar: %s\n", error);
            hito_malo = 1;
            lab_liberar(&labs[i]);
            continue;
        }
        if (cargado) {
            if (op->trabajos > 0)
                labs[i].trabajos = op->trabajos;
            if (op->primera)
                primera_cabecera(&labs[i], origen, caja, ctx.caja_aviso);
            calificar_lab(&op_lab, &labs[i], bwrap);
        }
        if (orden_interrumpida() != 0 && !op->primera)
            break; /* lo de este laboratorio quedó a medias: no es un informe */
        instructor |= labs[i].error_instructor;
        if (op->primera)
            primera_final(&labs[i]);
        else
            informe_lab(&labs[i], op->detalle);
    }
    alcance_liberar(&alcance);
    if (op->primera) {
        for (int i = 0; labs != NULL && i < nc; i++)
            lab_liberar(&labs[i]);
        free(labs);
        return instructor ? 3 : orden_interrumpida() != 0 ? 130 : labs == NULL;
    }
    if (orden_interrumpida() != 0) {
        for (int i = 0; labs != NULL && i < nc; i++)
            lab_liberar(&labs[i]);
        free(labs);
        return interrumpida_decir(orden_interrumpida());
    }
    if (hito_malo) {
        for (int i = 0; labs != NULL && i < nc; i++)
            lab_liberar(&labs[i]);
        free(labs);
        return 2;
    }
    ctx.segundos = reloj_s() - t0;
    informe_total(labs, nc, &ctx);
    int r1 = informe_json(ruta_json, labs, nc, &ctx);
    int r2 = informe_junit(ruta_xml, labs, nc, &ctx);
    char ruta_txt[PATH_MAX];
    texto_poner(ruta_txt, sizeof ruta_txt, "%s/informe.txt", op->salida);
    if (informe_texto(ruta_txt, labs, nc, &ctx) < 0)
        r2 = -1;
    if (r1 < 0 || r2 < 0)
        fprintf(stderr, "calificar: no se pudieron escribir los informes en %s\n", op->salida);
    if (op->historial != NULL && labs != NULL && historial_anotar(op, labs, nc) < 0)
        fprintf(stderr, "calificar: no se pudo anotar la nota en %s (make progreso)\n",
                op->historial);
    for (int i = 0; labs != NULL && i < nc; i++)
        lab_liberar(&labs[i]);
    free(labs);
    if (instructor)
        return 3;
    return (r1 < 0 || r2 < 0 || labs == NULL) ? 1 : 0;
}

static int calificar_todo(const opciones_t *op, char **carpetas, int nc)
{
    if (archivos_crear_carpetas(op->salida) < 0) {
        fprintf(stderr, "calificar: no se puede crear %s\n", op->salida);
        return 2;
    }
    int cerrojo = salida_tomar(op->salida);
    if (cerrojo < 0)
        return orden_interrumpida() != 0 ? interrumpida_decir(orden_interrumpida()) : 2;
    int r = calificar_en_salida(op, carpetas, nc);
    close(cerrojo);
    return r;
}

int main(int argc, char **argv)
{
    /* Antes de todo: el mismo uid (VPL sin bwrap) no lee la memoria ni los descriptores del
     * ejecutor, donde está la clave de la calificación (base/clave.c). */
    clave_no_volcable();
    opciones_t op;
    int r = opciones_leer(argc, argv, &op);
    if (r != 0)
        return r;
    char **carpetas = NULL;
    int nc = labs_descubrir(&op, &carpetas);
    if (nc < 0)
        return 2;
    if (op.variables || op.lista) {
        r = op.variables ? labs_variables(&op, carpetas, nc) : labs_lista(&op, carpetas, nc);
    } else if (op.publicar != 0) {
        r = publicar_cambiar(&op, carpetas, nc, op.publicar > 0);
    } else if (op.estado_soluciones) {
        r = publicar_estado(&op, carpetas, nc);
    } else if (op.progreso) {
        r = historial_mostrar(&op, carpetas, nc);
    } else if (op.pista) {
        r = pista_mostrar(&op, carpetas, nc);
    } else if (op.trazas != NULL) {
        r = conducta_mostrar(&op, carpetas, nc);
    } else if (op.segmentos != NULL) {
        r = segmentos_mostrar(&op);
    } else {
        /* Como root, el compilador y el programa corren con el uid de la caja, que tiene que
         * entrar en las carpetas de trabajo y leer lo que preparan el ejecutor y el
         * calificador. Con la umask del que califica (027 o 077 en un sistema endurecido),
         * build/calificacion/trabajo salía 0750 y todo el laboratorio daba 0 («bwrap: Can't
         * find source path …: Permission denied»). Lo que es solo de root (la clave) se crea
         * con su modo explícito. */
        if (geteuid() == 0)
            umask(022);
        /* Huérfanos de cualquier cosa que lancemos vienen a nosotros (y se matan). */
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        signal(SIGPIPE, SIG_IGN);
        orden_senales_instalar();
        /* El aviso puede nombrar archivos de la entrega: UTF-8 válido antes de ir al JSON. */
        char *aviso = op.aviso != NULL ? texto_sanear(op.aviso) : NULL;
        op.aviso = aviso;
        /* La clave con la que el calificador firma cada resultado: sin ella, ninguno vale. */
        int clave = clave_crear();
        if (clave < 0)
            fprintf(stderr, "calificar: no se pudo crear la clave de la calificación: %s\n",
                    strerror(-clave));
        r = clave < 0 ? 2 : calificar_todo(&op, carpetas, nc);
        if (clave >= 0)
            close(clave);
        free(aviso);
        huerfanos_barrer();
    }
    for (int i = 0; i < nc; i++)
        free(carpetas[i]);
    free(carpetas);
    return r;
}
