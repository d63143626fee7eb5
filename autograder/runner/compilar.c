/* compilar.c — compilar una entrega sin que vea nada más que a sí misma, y juzgar con qué
 * está hecha.
 *
 * La compilación también es un ataque posible: un `#include` con la ruta de
 * solutions/…/monitor.c, o un `.incbin` de un archivo que solo lee root, meterían en el
 * programa (o en los mensajes del compilador, que van al informe) lo que la entrega no debe
 * ver. Por eso el compilador corre en la caja, como el usuario sin privilegios de la caja,
 * viendo solo: el sistema (/usr, /etc) de solo lectura, las carpetas -I y los archivos de
 * --libs que da make (las cabeceras del curso y libcurso.a) y la carpeta de las fuentes
 * copiadas. Nada del repositorio, de solutions/ ni de build/. Sin red.
 *
 * Tres pasos, en la caja: `cc -c` de todos los .c; nm y objdump de los objetos del
 * estudiante (runner/medios.c); `cc -o` para enlazar. Sin bubblewrap se hace igual pero con
 * el disco a la vista (como el usuario de la caja si somos root): el informe lo dice.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FUENTES         64
#define LIMITE_COMPILADOR_S 120
/* Lo que compila es de la entrega: un `.space` de 1 GiB en ensamblador hacía que el
 * ensamblador y el enlazador escribieran 2,1 GB en build/ (y quedaban), y un `.incbin` de
 * /dev/zero se come la memoria. Cada orden de la compilación lleva sus límites: 8 MiB por
 * archivo (un binario del curso ocupa unos 100 KiB; con los 20 .c de más que admite la
 * recogida, como mucho unos 170 MiB en total), 2 GiB de memoria y un /tmp de 64 MiB. */
#define TOPE_ARCHIVO_COMPILAR_MIB 8
#define TOPE_MEMORIA_COMPILAR_MIB 2048
#define TOPE_TMP_COMPILAR         "67108864"
/* nm y objdump: su salida se juzga entera o no se juzga (antes se cortaba en silencio a
 * 48 KiB, y 4000 referencias débiles «AAAA…» delante escondían pthread_create). */
#define TOPE_ANALISIS (16u << 20)

typedef struct {
    const compilacion_t *c;
    const char *fuentes;
    int dir;             /* la carpeta de fuentes, abierta antes de compilar (base/arbol.c) */
    caja_orden_t orden;  /* prefijo de bwrap + orden */
    char *cflags, *libs; /* copias troceadas por orden_partir() (sus trozos van en orden) */
    const char *trozos[400];
    int ntrozos;
    size_t tope;   /* != 0: tope de lo capturado (nm, objdump) */
    int recortado; /* la última orden pasó de ese tope */
} contexto_t;

static int comparar_textos(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Los .c de la carpeta de fuentes (su descriptor), en orden (memoria nueva en nombres[i]). */
static int listar_c(int dir, char **nombres)
{
    DIR *d;
    arbol_listar(dir, "", &d);
    int n = 0;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL && n < MAX_FUENTES) {
        size_t len = strlen(e->d_name);
        if (len > 2 && strcmp(e->d_name + len - 2, ".c") == 0)
            nombres[n++] = texto_dup(e->d_name);
    }
    if (d != NULL)
        closedir(d);
    qsort(nombres, (size_t)n, sizeof nombres[0], comparar_textos);
    return n;
}

/* Monta de solo lectura lo que nombran las opciones: -I/ruta, -L/ruta y /ruta/archivo. */
static void montar_opciones(caja_orden_t *o, const char **trozos, int n)
{
    for (int i = 0; i < n; i++) {
        const char *t = trozos[i];
        const char *ruta = NULL;
        if ((strncmp(t, "-I", 2) == 0 || strncmp(t, "-L", 2) == 0) && t[2] == '/')
            ruta = t + 2;
        else if (t[0] == '/')
            ruta = t;
        struct stat st;
        if (ruta == NULL || strncmp(ruta, "/usr/", 5) == 0 || stat(ruta, &st) != 0)
            continue;
        caja_poner(o, "--ro-bind");
        caja_poner(o, ruta);
        caja_poner(o, ruta);
    }
}

/* Empieza la orden: el prefijo de bwrap (si hay caja) y el programa `prog`. */
static void empezar(contexto_t *x, const char *prog)
{
    caja_orden_t *o = &x->orden;
    o->n = 0;
    o->nenlaces = 0;
    if (x->c->bwrap) {
        caja_herramienta(o);
        caja_poner(o, "--dev");
        caja_poner(o, "/dev");
        caja_poner(o, "--proc");
        caja_poner(o, "/proc");
        caja_poner(o, "--size");
        caja_poner(o, TOPE_TMP_COMPILAR);
        caja_poner(o, "--tmpfs");
        caja_poner(o, "/tmp");
        /* Los trozos apuntan a x->cflags y x->libs, que viven tanto como el contexto. */
        const char *trozos[400];
        int n = 0;
        if (x->cflags == NULL) {
            x->cflags = texto_dup(x->c->cflags);
            x->libs = texto_dup(x->c->libs);
            orden_partir(x->cflags, x->trozos, &x->ntrozos, 200);
            orden_partir(x->libs, x->trozos, &x->ntrozos, 400);
        }
        for (int i = 0; i < x->ntrozos; i++)
            trozos[n++] = x->trozos[i];
        montar_opciones(o, trozos, n);
        caja_poner(o, "--bind");
        caja_poner(o, x->fuentes);
        caja_poner(o, x->fuentes);
        caja_poner(o, "--chdir");
        caja_poner(o, x->fuentes);
        caja_poner(o, "--remount-ro");
        caja_poner(o, "/");
        caja_poner(o, "--");
    }
    caja_poner(o, prog);
}

/* Ejecuta la orden construida; deja lo que escribió en *salida (nuestro). 1 si salió 0. */
static int correr(contexto_t *x, char **salida, int *excedido)
{
    static const char *const entorno_caja[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8",
                                               "LC_ALL=C.UTF-8", "TMPDIR=/tmp", NULL};
    orden_t o = {.argv = x->orden.argv,
                 .entorno = x->c->bwrap ? entorno_caja : x->c->entorno,
                 .carpeta = x->fuentes,
                 .limite_s = LIMITE_COMPILADOR_S,
                 .uid = geteuid() == 0 ? uid_caja() : 0,
                 .tope = x->tope,
                 .tope_archivo_mib = TOPE_ARCHIVO_COMPILAR_MIB,
                 .tope_memoria_mib = TOPE_MEMORIA_COMPILAR_MIB};
    int r = orden_ejecutar(&o);
    x->recortado = o.recortado;
    *salida = o.capturado != NULL ? o.capturado : texto_dup("");
    if (r == 0 && WIFSIGNALED(o.estado) && WTERMSIG(o.estado) == SIGXFSZ) {
        char *t = texto_formato("%s\n(un archivo de la compilación pasó de %d MiB y se detuvo la "
                                "compilación)",
                                *salida, TOPE_ARCHIVO_COMPILAR_MIB);
        free(*salida);
        *salida = t;
    }
    if (excedido != NULL)
        *excedido = o.excedido;
    return r == 0 && !o.excedido && WIFEXITED(o.estado) && WEXITSTATUS(o.estado) == 0;
}

/* Como root, la carpeta de fuentes pasa a ser del usuario de la caja (el compilador
 * escribe allí sus objetos). Por su descriptor: desde aquí, la carpeta es de la entrega. */
static void ceder_fuentes(int fuentes)
{
    if (geteuid() != 0)
        return;
    uid_t u = uid_caja();
    if (arbol_chown(fuentes, "", u, u) < 0)
        return;
    DIR *d;
    arbol_listar(fuentes, "", &d);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (arbol_chown(fuentes, e->d_name, u, u) < 0)
            break;
    }
    if (d != NULL)
        closedir(d);
}

/* El descriptor de la carpeta de fuentes, abierto antes de compilar nada: hasta ahí es de
 * quien califica (trabajo/NN la acaba de crear); después, de la entrega (arbol_*). */
static int abrir_fuentes(const char *fuentes)
{
    return arbol_raiz(fuentes);
}

/* El programa enlazado en la caja (`programa`, en la carpeta de fuentes, que era de la
 * entrega) pasa a `binario`, en la carpeta de trabajo del laboratorio (de quien califica):
 * renameat desde el descriptor de fuentes, que mueve el nombre sin seguirlo, y después tiene
 * que ser un archivo normal con un solo enlace (ni un enlace simbólico puesto al compilar, ni
 * un enlace duro a otro archivo); si no, se quita. 1 si está. Si pide memoria que se escribe y
 * se ejecuta a la vez (runner/segmentos.c), el porqué va a *prohibido. */
static int binario_a_su_sitio(int fuentes, const char *programa, const char *binario,
                              char **prohibido)
{
    if (renameat(fuentes, programa, AT_FDCWD, binario) < 0)
        return 0;
    int fd = open(binario, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    char motivo[400];
    int ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1;
    if (ok && segmentos_wx(fd, motivo, sizeof motivo) != 0)
        *prohibido = texto_dup(motivo);
    if (fd >= 0)
        close(fd);
    if (!ok)
        unlink(binario);
    return ok && access(binario, X_OK) == 0;
}

static int es_del_estudiante(const lab_t *lab, const char *fuente)
{
    for (int i = 0; i < lab->narchivos; i++)
        if (strcmp(lab->archivos[i], fuente) == 0)
            return 1;
    for (int i = 0; i < lab->nextra; i++) /* los .c de más de la entrega (archivos_extra) */
        if (strcmp(lab->extra[i], fuente) == 0)
            return 1;
    return 0;
}

/* nm y objdump de cada objeto del estudiante. 0 si todo en orden; 1 si usa medios
 * prohibidos (lab->medios). Lo que falte de lo requerido va a *aviso. */
static int revisar_medios(contexto_t *x, lab_t *lab, char **fuentes_c, char **objetos, int n,
                          char **aviso)
{
    char *todos = texto_dup("");
    int malo = 0;
    for (int i = 0; i < n; i++) {
        if (!es_del_estudiante(lab, fuentes_c[i]))
            continue;
        const char *objeto = objetos[i];
        char *nm = NULL, *dis = NULL;
        empezar(x, "nm");
        caja_poner(&x->orden, "-P");
        caja_poner(&x->orden, "-u");
        caja_poner(&x->orden, objeto);
        x->tope = TOPE_ANALISIS;
        int ok_nm = correr(x, &nm, NULL);
        int recortado = x->recortado;
        empezar(x, "objdump");
        caja_poner(&x->orden, "-d");
        caja_poner(&x->orden, objeto);
        int ok_dis = correr(x, &dis, NULL);
        recortado |= x->recortado;
        x->tope = 0;
        if (recortado) {
            /* Juzgar un trozo sería juzgar lo que la entrega quiso enseñar. */
            lab->medios = texto_formato(
                "no se pudieron juzgar los medios de %s: la salida de nm u objdump pasa de "
                "%u MiB (¿miles de símbolos o un código enorme?)",
                objeto, TOPE_ANALISIS >> 20);
            malo = 1;
        } else if (!ok_nm || !ok_dis) {
            lab->medios = texto_formato("no se pudo analizar %s (nm/objdump): %.4000s%.4000s",
                                        objeto, nm, dis);
            malo = 1;
        } else {
            malo |= medios_juzgar(lab, fuentes_c[i], nm, dis, &lab->medios);
            char *t = texto_formato("%s%s", todos, nm);
            free(todos);
            todos = t;
        }
        free(nm);
        free(dis);
    }
    /* El texto de los archivos del estudiante (.c y .h): una cabecera de valgrind. */
    for (int i = 0; i < lab->narchivos + lab->nextra; i++) {
        const char *nombre = i < lab->narchivos ? lab->archivos[i] : lab->extra[i - lab->narchivos];
        /* Desde el descriptor de fuentes: la compilación en la caja pudo cambiar la carpeta, y
         * solo se lee un archivo normal (ni un enlace a uno ajeno ni una FIFO). */
        char *texto = arbol_leer(x->dir, nombre, 4u << 20);
        if (texto != NULL)
            malo |= medios_juzgar_fuente(lab, nombre, texto, &lab->medios);
        free(texto);
    }
    *aviso = malo ? NULL : medios_faltan(lab, todos);
    free(todos);
    return malo;
}

/* Rellena la verificación «compila». */
static void anotar_compila(lab_t *lab, const char *orden)
{
    verificacion_t *v = lab_verificacion(lab, "compila");
    if (v == NULL)
        return;
    v->ok = lab->compila;
    v->esperado = texto_dup("que compile sin errores");
    if (lab->compila)
        v->obtenido =
            texto_dup(lab->compilador[0] != '\0' ? "compila, con avisos" : "compila sin avisos");
    else
        v->obtenido = texto_dup("no compila");
    v->detalle =
        lab->compilador[0] != '\0'
            ? texto_formato("Se ejecutó: %s\nMensajes del compilador:\n%s", orden, lab->compilador)
            : texto_formato("Se ejecutó: %s", orden);
}

int compilar_entrega(const compilacion_t *c, lab_t *lab, const char *fuentes, const char *binario,
                     char **aviso_medios)
{
    contexto_t x = {.c = c, .fuentes = fuentes};
    char *nombres[MAX_FUENTES], *objetos[MAX_FUENTES];
    *aviso_medios = NULL;
    int dir = abrir_fuentes(fuentes);
    x.dir = dir;
    if (dir < 0) {
        lab->compila = 0;
        lab->compilador = texto_formato("no se pudo abrir %s: %s", fuentes, arbol_error(dir));
        anotar_compila(lab, "(ninguna)");
        return -1;
    }
    int n = listar_c(dir, nombres);
    ceder_fuentes(dir);
    char *orden = texto_formato("%s … -o %s", c->cc, lab->programa);
    for (int i = 0; i < n; i++) {
        char *t = texto_formato("%s %s", orden, nombres[i]);
        free(orden);
        orden = t;
        objetos[i] = texto_formato("%.*s.o", (int)strlen(nombres[i]) - 2, nombres[i]);
    }

    /* 1. Objetos. */
    empezar(&x, c->cc);
    char *cflags = texto_dup(c->cflags), *libs = texto_dup(c->libs);
    const char *trozos[512];
    int nt = 0;
    orden_partir(cflags, trozos, &nt, 400);
    for (int i = 0; i < nt; i++)
        caja_poner(&x.orden, trozos[i]);
    caja_poner(&x.orden, "-c");
    for (int i = 0; i < n; i++)
        caja_poner(&x.orden, nombres[i]);
    char *mensajes = NULL;
    int excedido = 0;
    int ok = correr(&x, &mensajes, &excedido);

    /* 2. Medios, sobre los objetos del estudiante. */
    int prohibido = ok && revisar_medios(&x, lab, nombres, objetos, n, aviso_medios);

    /* 3. Enlace, dentro de la carpeta de fuentes; luego el binario va a su sitio. */
    if (ok && !prohibido) {
        empezar(&x, c->cc);
        caja_poner(&x.orden, "-o");
        caja_poner(&x.orden, lab->programa);
        for (int i = 0; i < n; i++)
            caja_poner(&x.orden, objetos[i]);
        nt = 0;
        orden_partir(libs, trozos, &nt, 400);
        for (int i = 0; i < nt; i++)
            caja_poner(&x.orden, trozos[i]);
        char *enlace = NULL;
        ok = correr(&x, &enlace, &excedido);
        char *t = texto_formato("%s%s", mensajes, enlace);
        free(mensajes);
        free(enlace);
        mensajes = t;
        char *wx = NULL;
        if (ok && !binario_a_su_sitio(dir, lab->programa, binario, &wx))
            ok = 0;
        if (wx != NULL) { /* compiló, pero no se califica: como un medio prohibido */
            char *t = texto_formato("%s%s%s", lab->medios != NULL ? lab->medios : "",
                                    lab->medios != NULL ? "\n" : "", wx);
            free(lab->medios);
            free(wx);
            lab->medios = t;
            prohibido = 1;
        }
    }
    close(dir);
    lab->compila = ok;
    if (prohibido)
        lab->compila = 1; /* compiló; lo que falla son los medios */

    char *limpio = texto_sanear(mensajes);
    lab->compilador = excedido ? texto_formato("%s\n(el compilador tardó más de %d s y el "
                                               "calificador lo mató)",
                                               limpio, LIMITE_COMPILADOR_S)
                               : texto_dup(limpio);
    free(limpio);
    free(mensajes);
    for (int i = 0; i < n; i++) {
        free(nombres[i]);
        free(objetos[i]);
    }
    anotar_compila(lab, orden);
    free(orden);
    free(cflags);
    free(libs);
    free(x.cflags);
    free(x.libs);
    if (!lab->compila)
        return -1;
    return prohibido ? -2 : 0;
}
