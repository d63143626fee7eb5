/* primera.c — `calificar --primera` (lo usa make vigilar): la primera verificación que falla,
 * en cuanto se sabe, y después las demás.
 *
 * make grade lanza el calificador entero una vez (Criterion elige el orden y corre
 * `trabajos` a la vez) y enseña el informe al final: en el 07, con la partida, 17.6 s tras
 * guardar en una máquina cargada. En el bucle de vigilar lo que importa es la primera que
 * falla, y en seguida. Aquí, con la misma compilación en la caja, el mismo juicio de los
 * medios y el mismo calificador (con --filter=lab/@(a|b|…), como repetir.c con una sola; dentro,
 * la misma caja y la misma red propia por verificación):
 *
 *   - las verificaciones van por lotes de `trabajos` en el orden del enunciado (el de
 *     lab.json), un lote cada vez con todas las suyas a la vez: las primeras del enunciado
 *     empiezan antes. Un calificador por verificación era igual de rápido en el 07 pero
 *     arrancaba un PostgreSQL por verificación en el 12 (85 s hasta la primera); por lotes son
 *     dos. Con menos a la vez (se midió con 3) una solución a medias tardaba el doble;
 *   - cada verificación deja su archivo de resultado al decidir (con rename): en cuanto está,
 *     vale como provisional (el TAP de Criterion llega al terminar el lote, y entonces se lee
 *     todo otra vez, como en make grade). Las líneas ✔/✘ salen en el orden del enunciado en
 *     cuanto se saben; la primera ✘ con su bloque entero (qué, esperado, obtenido, detalle,
 *     pista: el de make grade), y antes se juzgan las trazas que ya hay (runner/conducta.c),
 *     para no dar por buena una entrega que hace lo que el laboratorio prohíbe;
 *   - al final se repiten solas las que fallaron (si son pocas, la regla de repetir.c) y se
 *     juzgan los medios con todas las trazas, como en make grade.
 *
 * No es la nota: no escribe results.json, junit.xml, informe.txt ni el progreso, y nunca
 * imprime puntos totales. SIGTERM o SIGINT (vigilar.sh, al volver a guardar) paran lo que
 * esté en curso: se matan los grupos de los calificadores y se barren los huérfanos.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_EN_CURSO 4
#define MAX_LOTE     64

/* Un lote: un calificador de Criterion con las verificaciones lab->v[indices[..]]. */
typedef struct {
    pid_t pid;
    int indices[MAX_LOTE];
    int n;
    int numero; /* para los nombres de su TAP y su registro */
    double limite;
    int excedido;
} lote_t;

static lote_t curso[MAX_EN_CURSO];
static int ncurso;
static int lotes;    /* lotes lanzados (numera sus archivos) */
static int mostrada; /* 1 cuando ya salió la primera que falla (o que no falla ninguna) */
static const char *aviso_dicho; /* el aviso del laboratorio que ya salió (no se repite) */

/* Estado de cada verificación en hecho[]. */
enum { PENDIENTE = 0, PROVISIONAL = 1, FINAL = 2 };

/* SIGTERM de vigilar.sh (se guardó un archivo) o Ctrl+C: base/orden.c la anota. */
static int parar(void)
{
    return orden_interrumpida() != 0;
}

static void ruta_de(char *buf, size_t tam, const rutas_t *r, int numero, const char *ext)
{
    texto_poner(buf, tam, "%s/primera-%d.%s", r->trabajo, numero, ext);
}

/* Lanza el calificador para las verificaciones lab->v[indices[0..n)], `n` a la vez
 * (--filter=lab/@(a|b|…), el patrón de Criterion). 0 o -errno. */
static int lanzar(lab_t *lab, const int *indices, int n, const rutas_t *r,
                  const char *const *entorno)
{
    lote_t l = {.n = n, .numero = ++lotes, .limite = reloj_s() + lab->tiempo_limite_s};
    char tap[PATH_MAX], registro[PATH_MAX], json[PATH_MAX], jobs[32];
    ruta_de(tap, sizeof tap, r, l.numero, "tap");
    ruta_de(registro, sizeof registro, r, l.numero, "log");
    for (int k = 0; k < n; k++) {
        l.indices[k] = indices[k];
        texto_poner(json, sizeof json, "%s/%s.json", r->resultados, lab->v[indices[k]].id);
        unlink(json);
        texto_poner(json, sizeof json, "%s/%s.firma", r->resultados, lab->v[indices[k]].id);
        unlink(json);
    }
    int fd = open(registro, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    char *filtro = criterion_filtro(lab, indices, n);
    char *tap_arg = texto_formato("--tap=%s", tap);
    texto_poner(jobs, sizeof jobs, "--jobs=%d", n);
    const char *argv[] = {r->calificador, jobs, filtro, tap_arg, NULL};
    /* La clave de la calificación, como su descriptor CLAVE_FD (base/clave.c). */
    orden_hijo_t h = {.argv = argv,
                      .entorno = entorno,
                      .carpeta = r->trabajo,
                      .fds = {-1, fd, fd, clave_descriptor()},
                      .nfds = clave_descriptor() >= 0 ? CLAVE_FD + 1 : 3};
    pid_t pid = orden_lanzar(&h);
    close(fd);
    free(filtro);
    free(tap_arg);
    if (pid < 0)
        return (int)pid;
    l.pid = pid;
    curso[ncurso++] = l;
    return 0;
}

static void vaciar(verificacion_t *v)
{
    free(v->esperado);
    free(v->obtenido);
    free(v->detalle);
    v->esperado = v->obtenido = v->detalle = NULL;
}

/* Una vuelta de la espera. Las verificaciones de un lote en curso que ya dejaron su archivo de
 * resultado pasan a PROVISIONAL (su archivo decide hasta que llegue el TAP); al terminar el
 * lote, todas a FINAL con el TAP, como en make grade. Los resultados van a lab->v o, con
 * `aparte`, a aparte[i]. Mata a los lotes que pasan su límite. */
static void recoger(lab_t *lab, const rutas_t *r, int *hecho, verificacion_t *aparte, int impresas)
{
    double ahora = reloj_s();
    for (int k = 0; k < ncurso; k++) {
        lote_t *l = &curso[k];
        int estado;
        int termino = waitpid(l->pid, &estado, WNOHANG) == l->pid;
        if (!termino) {
            if (ahora > l->limite && !l->excedido) {
                l->excedido = 1;
                kill(-l->pid, SIGKILL);
                kill(l->pid, SIGKILL);
            }
            for (int j = 0; j < l->n; j++) {
                int i = l->indices[j];
                verificacion_t *v = aparte != NULL ? &aparte[i] : &lab->v[i];
                if (hecho[i] == PENDIENTE && criterion_provisional(v, r->resultados))
                    hecho[i] = PROVISIONAL;
            }
            continue;
        }
        kill(-l->pid, SIGKILL); /* lo que quede del grupo */
        char tap[PATH_MAX];
        ruta_de(tap, sizeof tap, r, l->numero, "tap");
        char *texto = archivos_leer(tap, 1 << 20);
        for (int j = 0; j < l->n; j++) {
            int i = l->indices[j];
            verificacion_t *v = aparte != NULL ? &aparte[i] : &lab->v[i];
            int antes = hecho[i] == PROVISIONAL ? v->ok : -1;
            vaciar(v);
            criterion_leer_tope(v, r->resultados, texto, l->excedido, lab->tiempo_limite_s);
            hecho[i] = FINAL;
            /* Ya se enseñó y el TAP dice otra cosa (el calificador terminó mal después de
             * decidir): se corrige la línea. */
            if (aparte == NULL && i < impresas && antes >= 0 && antes != v->ok)
                informe_verificacion(v, 0);
        }
        free(texto);
        curso[k--] = curso[--ncurso];
    }
    /* Los huérfanos, solo sin ningún lote en curso (como make grade, que barre cuando termina
     * su calificador): el PostgreSQL del 12 (pg_ctl start) es un demonio, huérfano nuestro
     * mientras su lote corre, y barrerlo en cada vuelta lo mataba nada más arrancar (make
     * vigilar LAB=12 no calificaba nada: «no pude crear el papel curso»). Lo que escapa de una
     * verificación ya lo barre su trabajador, que es «subreaper» (lib/verificacion.c). */
    if (ncurso == 0)
        huerfanos_barrer();
}

/* Para todo lo que esté en curso (SIGTERM de vigilar.sh). */
static void parar_todo(void)
{
    for (int k = 0; k < ncurso; k++) {
        kill(-curso[k].pid, SIGKILL);
        kill(curso[k].pid, SIGKILL);
        waitpid(curso[k].pid, NULL, 0);
    }
    ncurso = 0;
    huerfanos_barrer();
}

/* La primera que falla, con su bloque; antes, lo que ya dicen las trazas de los medios. */
static void mostrar_primera(lab_t *lab, const verificacion_t *v, const char *trazas)
{
    char *informe = NULL, *aviso = NULL;
    int r =
        trazas != NULL && trazas[0] != '\0' ? conducta_juzgar(lab, trazas, 0, &informe, &aviso) : 0;
    if (r == 1)
        printf("  ⚠ Esto no se calificaría: lo que hace el programa (observado con strace) no "
               "lo permite el laboratorio.\n%s\n",
               informe);
    else if (r == 2)
        printf("  ⚠ Estas verificaciones perderían sus puntos: lo que hace el programa en ellas "
               "(observado con strace) no lo permite el laboratorio.\n%s\n",
               informe);
    free(informe);
    free(aviso);
    informe_verificacion(v, 1);
    fflush(stdout);
    mostrada = 1;
}

/* Imprime en orden las que ya se saben, desde *impresas. */
static void imprimir_hasta(lab_t *lab, const int *hecho, int *impresas, const char *trazas)
{
    int hubo = 0;
    while (*impresas < lab->nv && hecho[*impresas] != PENDIENTE) {
        const verificacion_t *v = &lab->v[*impresas];
        if (!hubo)
            avance_borrar();
        hubo = 1;
        if (!v->ok && !mostrada) {
            mostrar_primera(lab, v, trazas);
            if (*impresas + 1 < lab->nv)
                printf(
                    "  Las demás, según terminan (Ctrl+C, o guardar un archivo, las detiene):\n");
        } else {
            informe_verificacion(v, 0);
        }
        (*impresas)++;
    }
    if (hubo)
        fflush(stdout);
}

/* Repite solas las que fallaron, si son pocas (repetir.c decide cuáles y cómo se funden). */
static void repetir(lab_t *lab, const rutas_t *r, const char *const *entorno, int *hecho)
{
    if (!repetir_conviene(lab))
        return;
    verificacion_t *nuevas = calloc((size_t)lab->nv, sizeof *nuevas);
    if (nuevas == NULL)
        return;
    for (int i = 0; i < lab->nv && !parar(); i++) {
        verificacion_t *v = &lab->v[i];
        if (v->ok || strcmp(v->id, "compila") == 0 || !repetir_esta(v))
            continue;
        hecho[i] = PENDIENTE;
        nuevas[i] = *v;
        nuevas[i].esperado = nuevas[i].obtenido = nuevas[i].detalle = NULL;
        if (lanzar(lab, &i, 1, r, entorno) < 0)
            continue;
        while (hecho[i] != FINAL && !parar()) {
            recoger(lab, r, hecho, nuevas, 0);
            usleep(20000);
        }
        if (hecho[i] != FINAL)
            vaciar(&nuevas[i]);
        else if (repetir_fundir(v, &nuevas[i]))
            printf("  ✔ «%s» pasó al repetirla sola (la primera vez falló: suele ser la carga "
                   "de la máquina)\n",
                   v->nombre);
    }
    free(nuevas);
}

int primera_ejecutar(lab_t *lab, const rutas_t *r, const char *const *entorno, const char *trazas)
{
    int *hecho = calloc((size_t)lab->nv, sizeof *hecho);
    if (hecho == NULL)
        return -ENOMEM;
    int siguiente = 0, impresas = 0;
    int tam_lote = lab->trabajos < MAX_LOTE ? lab->trabajos : MAX_LOTE;
    if (tam_lote < 1)
        tam_lote = 1;
    for (int i = 0; i < lab->nv; i++) /* «compila» ya se decidió al compilar */
        hecho[i] = strcmp(lab->v[i].id, "compila") == 0 ? FINAL : PENDIENTE;
    if (lab->aviso != NULL) { /* de la compilación: «no usa http_pedir»… */
        printf("  ⚠ %s\n", lab->aviso);
        aviso_dicho = lab->aviso;
    }
    avance_t avance = {.lab = lab, .resultados = r->resultados};
    int e = 0;
    while (!parar()) {
        /* Un lote cada vez: las `trabajos` siguientes del enunciado. */
        if (ncurso == 0 && siguiente < lab->nv) {
            int indices[MAX_LOTE], n = 0;
            while (siguiente < lab->nv && n < tam_lote) {
                if (hecho[siguiente] == PENDIENTE)
                    indices[n++] = siguiente;
                siguiente++;
            }
            if (n > 0 && (e = lanzar(lab, indices, n, r, entorno)) < 0)
                break;
        }
        recoger(lab, r, hecho, NULL, impresas);
        imprimir_hasta(lab, hecho, &impresas, trazas);
        if (ncurso == 0 && siguiente >= lab->nv)
            break;
        avance_tic(&avance);
        usleep(20000);
    }
    avance_borrar();
    if (e < 0 || parar()) {
        parar_todo();
        free(hecho);
        if (e < 0) {
            free(lab->aviso);
            lab->aviso = texto_formato("no se pudo ejecutar el calificador: %s", strerror(-e));
        }
        return e < 0 ? e : -EINTR;
    }
    repetir(lab, r, entorno, hecho);
    if (parar())
        parar_todo();
    free(hecho);
    return parar() ? -EINTR : 0;
}

void primera_cabecera(const lab_t *lab, const char *origen, const char *caja, int caja_aviso)
{
    printf("Comprobando el laboratorio %s (%s): no es la nota; la nota la da make grade LAB=%s\n",
           lab->numero, origen, lab->numero);
    printf("%s %s\n", caja_aviso ? "⚠" : "Caja de arena:", caja);
    fflush(stdout);
}

void primera_final(const lab_t *lab)
{
    int total = 0, pasan = 0;
    for (int i = 0; i < lab->nv; i++) {
        total++;
        pasan += lab->v[i].ok;
    }
    if (lab->aviso != NULL && lab->aviso != aviso_dicho)
        printf("  ⚠ %s%s\n", lab->error_instructor ? "ERROR DEL CALIFICADOR: " : "", lab->aviso);
    if (parar()) {
        printf("  (comprobación detenida antes de terminar: Ctrl+C o un archivo guardado)\n");
    } else if (!mostrada) {
        /* No se llegó a ejecutar nada (no compila, medios prohibidos) o pasan todas. */
        const verificacion_t *primera = NULL;
        for (int i = 0; i < lab->nv && primera == NULL; i++)
            if (!lab->v[i].ok)
                primera = &lab->v[i];
        if (primera != NULL)
            informe_verificacion(primera, 1);
        else
            printf("  ¡Completo! Pasan todas las verificaciones (%d).\n", total);
        mostrada = 1;
    }
    if (!parar())
        printf("  Verificaciones que pasan: %d de %d (no es la nota). La nota y el informe entero: "
               "make grade LAB=%s; después, make pista LAB=%s da una pista más concreta.\n",
               pasan, total, lab->numero, lab->numero);
    fflush(stdout);
}
