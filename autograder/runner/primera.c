/* primera.c — `calificar --primera` (lo usa make vigilar): la primera verificación que falla,
 * en cuanto se sabe, y después las demás.
 *
 * make grade lanza el calificador entero una vez (Criterion elige el orden y corre
 * `trabajos` a la vez) y enseña el informe al final: en el 07, con la partida, 17,6 s tras
 * guardar en una máquina cargada. En el bucle de vigilar lo que importa es la primera que
 * falla, y en seguida. Aquí, con la misma compilación en la caja, el mismo juicio de los
 * medios y el mismo calificador (cada verificación es el mismo proceso de Criterion con
 * --filter=lab/ID, como en repetir.c, y dentro de él la misma caja y la misma red propia):
 *
 *   - las verificaciones se lanzan en el orden del enunciado (el de lab.json), pocas a la vez
 *     (PRIMERA_VENTANA) hasta que se conoce la primera que falla, y después `trabajos` a la
 *     vez, como make grade;
 *   - las líneas ✔/✘ salen en ese orden en cuanto se conocen; la primera ✘ sale con su bloque
 *     entero (qué, esperado, obtenido, detalle, pista: el de make grade) y antes se juzgan las
 *     trazas que ya hay (runner/conducta.c), para no dar por buena una entrega que hace lo que
 *     el laboratorio prohíbe;
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

/* Cuántas a la vez hasta la primera que falla. Con la partida del 07 la primera (entrada_sin_urls)
 * espera 2,5 s a un programa que no sale: con más a la vez, en dos núcleos cargados, las demás
 * le quitan CPU; con menos, una solución a medias tarda más en llegar a la suya (README). */
#define PRIMERA_VENTANA 3
#define MAX_EN_CURSO    64

typedef struct {
    pid_t pid;
    int indice; /* en lab->v */
    double limite;
    int excedido;
} en_curso_t;

static volatile sig_atomic_t parar;
static en_curso_t curso[MAX_EN_CURSO];
static int ncurso;
static int mostrada; /* 1 cuando ya salió la primera que falla (o que no falla ninguna) */
static const char *aviso_dicho; /* el aviso del laboratorio que ya salió (no se repite) */

static void al_parar(int s)
{
    (void)s;
    parar = 1;
}

void primera_senales(void)
{
    struct sigaction sa = {.sa_handler = al_parar};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

int primera_parada(void)
{
    return parar != 0;
}

/* Para huerfanos_barrer: los calificadores en curso son hijos nuestros, no huérfanos. */
static int es_de_curso(pid_t pid)
{
    for (int i = 0; i < ncurso; i++)
        if (curso[i].pid == pid)
            return 1;
    return 0;
}

static void ruta_de(char *buf, size_t tam, const rutas_t *r, const char *id, const char *ext)
{
    texto_poner(buf, tam, "%s/primera-%s.%s", r->trabajo, id, ext);
}

/* Lanza el calificador solo para lab->v[i]. 0 o -errno. */
static int lanzar(const lab_t *lab, int i, const rutas_t *r, const char *const *entorno)
{
    const verificacion_t *v = &lab->v[i];
    char tap[PATH_MAX], registro[PATH_MAX], json[PATH_MAX];
    ruta_de(tap, sizeof tap, r, v->id, "tap");
    ruta_de(registro, sizeof registro, r, v->id, "log");
    texto_poner(json, sizeof json, "%s/%s.json", r->resultados, v->id);
    unlink(json);
    unlink(tap);
    int fd = open(registro, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    char *filtro = texto_formato("--filter=lab/%s", v->id);
    char *tap_arg = texto_formato("--tap=%s", tap);
    const char *argv[] = {r->calificador, "--jobs=1", filtro, tap_arg, NULL};
    orden_hijo_t h = {
        .argv = argv, .entorno = entorno, .carpeta = r->trabajo, .fds = {-1, fd, fd}, .nfds = 3};
    pid_t pid = orden_lanzar(&h);
    close(fd);
    free(filtro);
    free(tap_arg);
    if (pid < 0)
        return (int)pid;
    curso[ncurso++] =
        (en_curso_t){.pid = pid, .indice = i, .limite = reloj_s() + lab->tiempo_limite_s};
    return 0;
}

/* Lee el resultado de la verificación que acaba de terminar (en `nueva`, vacía). */
static void leer(const lab_t *lab, const en_curso_t *c, const rutas_t *r, verificacion_t *nueva)
{
    char tap[PATH_MAX];
    ruta_de(tap, sizeof tap, r, lab->v[c->indice].id, "tap");
    char *texto = archivos_leer(tap, 1 << 20);
    criterion_leer_tope(nueva, r->resultados, texto, c->excedido, lab->tiempo_limite_s);
    free(texto);
}

/* Una vuelta de la espera: recoge los que terminaron (hecho[i] = 1, resultado en lab->v[i]
 * o, con `aparte`, en aparte[i]) y mata a los que pasaron su límite. */
static void recoger(lab_t *lab, const rutas_t *r, int *hecho, verificacion_t *aparte)
{
    double ahora = reloj_s();
    for (int k = 0; k < ncurso; k++) {
        en_curso_t *c = &curso[k];
        int estado;
        if (waitpid(c->pid, &estado, WNOHANG) != c->pid) {
            if (ahora > c->limite && !c->excedido) {
                c->excedido = 1;
                kill(-c->pid, SIGKILL);
                kill(c->pid, SIGKILL);
            }
            continue;
        }
        kill(-c->pid, SIGKILL); /* lo que quede del grupo */
        verificacion_t *v = aparte != NULL ? &aparte[c->indice] : &lab->v[c->indice];
        leer(lab, c, r, v);
        hecho[c->indice] = 1;
        curso[k--] = curso[--ncurso];
    }
    huerfanos_barrer(es_de_curso);
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
    huerfanos_barrer(NULL);
}

/* La primera que falla, con su bloque; antes, lo que ya dicen las trazas de los medios. */
static void mostrar_primera(lab_t *lab, const verificacion_t *v, const char *trazas)
{
    char *informe = NULL, *aviso = NULL;
    if (trazas != NULL && trazas[0] != '\0' && conducta_juzgar(lab, trazas, &informe, &aviso) == 1)
        printf("  ⚠ Esto no se calificaría: lo que hace el programa (observado con strace) no "
               "lo permite el laboratorio.\n%s\n",
               informe);
    free(informe);
    free(aviso);
    informe_verificacion(v, 1);
    fflush(stdout);
    mostrada = 1;
}

/* Imprime en orden las que ya se saben, desde *impresas. */
static void imprimir_hasta(lab_t *lab, const int *hecho, int *impresas, const char *trazas,
                           int *ventana)
{
    int hubo = 0;
    while (*impresas < lab->nv && hecho[*impresas]) {
        const verificacion_t *v = &lab->v[*impresas];
        if (!hubo)
            avance_borrar();
        hubo = 1;
        if (!v->ok && !mostrada) {
            mostrar_primera(lab, v, trazas);
            *ventana = lab->trabajos;
            if (*impresas + 1 < lab->nv)
                printf("  Las demás, según terminan (Ctrl+C o guardar las paran):\n");
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
    for (int i = 0; i < lab->nv && !parar; i++) {
        verificacion_t *v = &lab->v[i];
        if (v->ok || strcmp(v->id, "compila") == 0)
            continue;
        hecho[i] = 0;
        nuevas[i] = *v;
        nuevas[i].esperado = nuevas[i].obtenido = nuevas[i].detalle = NULL;
        if (lanzar(lab, i, r, entorno) < 0)
            continue;
        while (!hecho[i] && !parar) {
            recoger(lab, r, hecho, nuevas);
            usleep(20000);
        }
        if (hecho[i] && repetir_fundir(v, &nuevas[i]))
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
    int siguiente = 0, impresas = 0, ventana = PRIMERA_VENTANA;
    if (ventana > lab->trabajos)
        ventana = lab->trabajos;
    if (ventana > MAX_EN_CURSO)
        ventana = MAX_EN_CURSO;
    for (int i = 0; i < lab->nv; i++)
        hecho[i] = strcmp(lab->v[i].id, "compila") == 0; /* ya decidida al compilar */
    if (lab->aviso != NULL) { /* de la compilación: «no usa http_pedir»… */
        printf("  ⚠ %s\n", lab->aviso);
        aviso_dicho = lab->aviso;
    }
    avance_t avance = {.lab = lab, .resultados = r->resultados};
    int e = 0;
    while (!parar) {
        int tope = ventana < MAX_EN_CURSO ? ventana : MAX_EN_CURSO;
        while (ncurso < tope && siguiente < lab->nv && e == 0) {
            if (!hecho[siguiente])
                e = lanzar(lab, siguiente, r, entorno);
            siguiente++;
        }
        if (e < 0)
            break;
        recoger(lab, r, hecho, NULL);
        imprimir_hasta(lab, hecho, &impresas, trazas, &ventana);
        if (ncurso == 0 && siguiente >= lab->nv)
            break;
        avance_tic(&avance);
        usleep(20000);
    }
    avance_borrar();
    if (e < 0 || parar) {
        parar_todo();
        free(hecho);
        if (e < 0) {
            free(lab->aviso);
            lab->aviso = texto_formato("no se pudo ejecutar el calificador: %s", strerror(-e));
        }
        return e < 0 ? e : -EINTR;
    }
    repetir(lab, r, entorno, hecho);
    if (parar)
        parar_todo();
    free(hecho);
    return parar ? -EINTR : 0;
}

void primera_cabecera(const lab_t *lab, const char *origen, const char *caja, int caja_aviso)
{
    printf("Comprobando el laboratorio %s (%s): no es la nota, la nota la da make grade LAB=%s\n",
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
        printf("  ⚠ %s%s\n", lab->error_instructor ? "ERROR DEL INSTRUCTOR: " : "", lab->aviso);
    if (parar) {
        printf("  (parada antes de terminar)\n");
    } else if (!mostrada) {
        /* No se llegó a ejecutar nada (no compila, medios prohibidos) o pasan todas. */
        const verificacion_t *primera = NULL;
        for (int i = 0; i < lab->nv && primera == NULL; i++)
            if (!lab->v[i].ok)
                primera = &lab->v[i];
        if (primera != NULL)
            informe_verificacion(primera, 1);
        else
            printf("  ¡Completo! Pasan las %d verificaciones.\n", total);
        mostrada = 1;
    }
    if (!parar)
        printf("  Pasan %d de %d verificaciones (no es la nota). La nota y el informe entero: "
               "make grade LAB=%s; después, make pista LAB=%s da una pista más concreta.\n",
               pasan, total, lab->numero, lab->numero);
    fflush(stdout);
}
