/* integridad.c — verificaciones de que nada queda corrupto: el rename como «commit», la
 * huella, el .parte tras un fallo y --continuar (206, 200, 416). */
#include <criterion/criterion.h>

#include "comun.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ nada corrupto */

/* corto.bin (`ruta`) existe con `k` bytes: lo que vio el servidor. Si mandó algún 206 (que
 * acaba en el byte 600000 de 1000000) y, al terminar, la última respuesta no fue un 200, eso,
 * y 0; si al terminar la última fue un 200 (la petición no llevaba Range: no se reanudó desde
 * el .parte, o se empezó de cero tras el 206), 1, y en `motivo` lo que vale si no está entero.
 * Empezar de cero tras el 206 no es un nombre final a medias: un Range mal pedido (un byte de
 * más, y el 206 llega mal situado) lo juzgan continuar_206 y reintento_continua, y un 206
 * corto tomado por mal situado, reintentos (antes, aquí también: el estudiante de prueba de la
 * sesión 46 perdía 21 puntos en cuatro verificaciones por un byte, y esta le decía que no
 * comparaba la longitud). */
static int corto_motivo(cal_servidor_t *s, const char *ruta, long long k, int corriendo,
                        char *motivo, size_t tam)
{
    cal_peticion_t v[8];
    int n = desc_registro_de(s, ruta, v, 8), con_206 = 0, con_200 = 0;
    for (int i = 0; i < n; i++) {
        con_206 += v[i].estado == 206;
        con_200 += v[i].estado == 200;
    }
    int de_cero_al_final = !corriendo && n > 0 && v[n - 1].estado == 200;
    if (con_206 > 0 && !de_cero_al_final) {
        snprintf(motivo, tam,
                 "%s %s con %lld %s: el servidor contestó un 206 que acababa en el byte "
                 "600000 de 1000000 (¿se compara la longitud con el total de Content-Range?)",
                 corriendo ? "mientras se descargaba, apareció" : "al terminar, existe",
                 desc_nombre("corto.bin"), k, texto_plural(k, "byte", "bytes"));
        return 0;
    }
    if (con_200 > 0)
        snprintf(motivo, tam,
                 "%s %s con %lld de sus 1000000 bytes; el servidor contestó 200 con el archivo "
                 "entero (la petición no llevaba Range: no se reanudó desde los 400000 bytes del "
                 ".parte)",
                 desc_nombre("corto.bin"),
                 corriendo ? "existía, mientras se descargaba," : "existe", k);
    else
        snprintf(motivo, tam,
                 "%s %s con %lld %s, y el servidor no registró ninguna respuesta "
                 "completa a su URL",
                 desc_nombre("corto.bin"),
                 corriendo ? "existía, mientras se descargaba," : "existe", k,
                 texto_plural(k, "byte", "bytes"));
    return (con_206 == 0 || de_cero_al_final) && !corriendo;
}

/* ------------------------------------------------------------------ cómo llega un nombre final */

/* Mirar los tamaños no basta: quien abre el nombre final, lo alarga de una vez a su tamaño
 * (ftruncate) y copia en él el .parte a trozos tiene el tamaño justo en cada mirada y un
 * archivo a medias (el adversario de la sesión 86: atomico 5/5). Lo que el programa no puede
 * esconder es cómo aparece el nombre en la carpeta: el núcleo avisa (inotify) de cada nombre
 * creado (IN_CREATE: open con O_CREAT, link, symlink; un renombrado avisa con otro,
 * IN_MOVED_TO, que no hace falta mirar) o escrito y truncado (IN_MODIFY: write, ftruncate,
 * fallocate, copy_file_range…, también por un descriptor abierto antes del renombrado, con el
 * nombre que tiene ya). Un nombre final solo llega renombrando y después nadie lo escribe. Lo que
 * con otro nombre no avisa (escribir por mmap, o por el descriptor de otro enlace al mismo
 * archivo), lo ven las miradas a sus bytes (contenido_entero). Se vigila desde antes del
 * lanzamiento, sin seguir enlaces (IN_DONT_FOLLOW); si la carpeta vigilada se mueve o se borra
 * (otra en su sitio no se vería), eso mismo falla. */
#define VIGIA_MAX 3

/* De qué corrida es cada carpeta vigilada: el fallo se cuenta en la suya (su salida y su
 * carpeta en el informe). Por su nombre y no por el orden en que se vigilaron: sin strace no
 * hay corrida del disco lento, y la del disco lleno pasaba a ser la segunda (la revisión de la
 * sesión 87). */
typedef enum { CORRIDA_PRINCIPAL, CORRIDA_LENTA, CORRIDA_LLENA, CORRIDA_NINGUNA } corrida_de_t;

typedef struct {
    int fd; /* inotify (-1: no se vigila, ya anotado) */
    int n;
    int wd[VIGIA_MAX];
    const char *const *finales[VIGIA_MAX]; /* los nombres finales de cada carpeta (NULL al final) */
    corrida_de_t corrida[VIGIA_MAX];
    int fallo;
    corrida_de_t de; /* la corrida del fallo (con el fallo; CORRIDA_NINGUNA si no es de una) */
    char motivo[320];
} vigia_t;

static void vigia_iniciar(vigia_t *v)
{
    memset(v, 0, sizeof *v);
    v->de = CORRIDA_NINGUNA;
    v->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (v->fd < 0)
        cal_nota("no se pudo vigilar la carpeta de destino (inotify: %s): no se ve si un nombre "
                 "final se crea o se escribe sin renombrar, solo lo que miden los tamaños",
                 strerror(errno));
}

/* Vigila `dir` (antes de lanzar nada allí), la carpeta de la corrida `corrida`, por sus
 * nombres finales `finales`. 0 o -1 (anotado: error del calificador). */
static int vigia_carpeta(vigia_t *v, const char *dir, const char *const *finales,
                         corrida_de_t corrida)
{
    if (v->fd < 0)
        return 0;
    if (v->n >= VIGIA_MAX)
        return -1;
    uint32_t mascara =
        IN_CREATE | IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW;
    int wd = inotify_add_watch(v->fd, dir, mascara);
    if (wd < 0) {
        cal_obtenido("no se pudo vigilar %s (inotify: %s; error del calificador)", dir,
                     strerror(errno));
        return -1;
    }
    v->wd[v->n] = wd;
    v->finales[v->n] = finales;
    v->corrida[v->n] = corrida;
    v->n++;
    return 0;
}

/* El orden de la carpeta de `wd`, o -1. */
static int vigia_de(const vigia_t *v, int wd)
{
    for (int i = 0; i < v->n; i++)
        if (v->wd[i] == wd)
            return i;
    return -1;
}

static int es_final(const char *const *finales, const char *nombre)
{
    for (int i = 0; finales != NULL && finales[i] != NULL; i++)
        if (strcmp(finales[i], nombre) == 0)
            return 1;
    return 0;
}

/* Un aviso: el primer fallo queda en v->motivo. */
static void vigia_aviso(vigia_t *v, const struct inotify_event *e)
{
    if (v->fallo)
        return;
    if (e->mask & IN_Q_OVERFLOW) {
        snprintf(v->motivo, sizeof v->motivo,
                 "en la carpeta de destino hubo tantos cambios seguidos que el núcleo dejó de "
                 "avisarlos (más de los que hacen unas pocas descargas): no se puede ver cómo "
                 "llegó cada nombre final");
        v->fallo = 1;
        return;
    }
    int de = vigia_de(v, e->wd);
    if (de < 0)
        return;
    const char *const *finales = v->finales[de];
    if (e->mask & (IN_MOVE_SELF | IN_DELETE_SELF | IN_IGNORED)) {
        snprintf(v->motivo, sizeof v->motivo,
                 "la carpeta de destino (-d) se movió o se borró mientras el programa corría: "
                 "las descargas van dentro de ella, no en otra con su nombre");
        v->fallo = 1;
        v->de = v->corrida[de];
        return;
    }
    if (e->len == 0 || !es_final(finales, e->name))
        return;
    if (e->mask & IN_CREATE) {
        snprintf(v->motivo, sizeof v->motivo,
                 "%s se creó con su nombre final (abierto o enlazado con ese nombre, no "
                 "renombrado): mientras se llena, un nombre final existe a medias. Se escribe "
                 "en NOMBRE.parte y solo un uv_fs_rename le da su nombre final",
                 e->name);
        v->fallo = 1;
        v->de = v->corrida[de];
    } else if (e->mask & IN_MODIFY) {
        snprintf(v->motivo, sizeof v->motivo,
                 "%s se escribió o se truncó cuando ya tenía su nombre final: el renombrado va "
                 "después de la última escritura, con el archivo entero",
                 e->name);
        v->fallo = 1;
        v->de = v->corrida[de];
    }
}

/* Lee los avisos pendientes. 1 si hasta ahora ningún nombre final llegó mal; si no, 0. */
static int vigia_leer(vigia_t *v)
{
    if (v->fd < 0)
        return 1;
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(v->fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (char *q = buf; q < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)q;
            vigia_aviso(v, e);
            q += sizeof *e + e->len;
        }
    }
    return !v->fallo;
}

/* Deja de vigilar (antes de que se borren las carpetas: borrarlas no es un fallo). */
static void vigia_cerrar(vigia_t *v)
{
    if (v->fd >= 0)
        close(v->fd);
    v->fd = -1;
}

/* ------------------------------------------------------------------ qué hay tras un nombre final
 */

/* Lo que promete el rename, mirado directamente: mientras el programa corre, un nombre final
 * que existe es el archivo entero, byte a byte. Cada vez que aparece o cambia (otro inodo,
 * tamaño, mtime o ctime: escribir, también por mmap, truncar o renombrar otro encima los
 * cambian) se compara entero con lo servido (SHA-256). Los avisos de inotify no bastan: quien
 * alarga el .parte al total, le da el nombre final con un enlace renombrado (link en la carpeta
 * de arriba y rename: un IN_MOVED_TO) y sigue escribiendo por el descriptor del .parte recibe
 * los avisos con el nombre del .parte, y el tamaño es siempre el justo. Los bytes, no. Solo se
 * lee cuando algo cambió: una vez por archivo en un programa correcto. */
typedef struct {
    const char *dir, *nombre;
    uint64_t semilla, tam;
    int visto; /* ya se comparó `antes` */
    struct stat antes;
} contenido_t;

static int mismo_estado(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* 1 si el nombre final no existe o es el archivo entero; si no, 0 y el motivo. */
static int contenido_entero(contenido_t *c, char *motivo, size_t tam)
{
    char ruta[1024], por[240];
    struct stat st;
    desc_ruta_en(c->dir, c->nombre, ruta, sizeof ruta);
    if (cal_estado(ruta, &st) != 0) {
        c->visto = 0;
        return 1;
    }
    if (c->visto && mismo_estado(&st, &c->antes))
        return 1;
    c->antes = st;
    c->visto = 1;
    if (desc_archivo_bien(c->dir, c->nombre, c->semilla, c->tam, por, sizeof por))
        return 1;
    snprintf(motivo, tam,
             "mientras el programa corría, %s ya tenía su nombre final y no era el archivo "
             "entero (%s): el nombre final llega con el último byte ya escrito",
             c->nombre, por);
    return 0;
}

/* El disco lento de atomico: cada uv_fs_write de lenta.bin tarda esto (dos escrituras). */
#define ATOMICO_LENTO_MS 500

/* El disco lleno de atomico (como en disco_lleno, cada archivo con un tope al azar): justo.bin
 * no cabe por pocos bytes (su última escritura se queda corta, la siguiente falla) y una
 * troceada, sin Content-Length, no cabe. Ninguna puede llegar a su nombre final. Quien da por
 * entera la escritura corta, o ignora la que falla, renombraba un archivo truncado y solo
 * perdía disco_lleno (4 puntos: el estudiante de la ronda de la sesión 83); es también un
 * nombre final a medias. Lo que dice y cómo sale lo juzga disco_lleno: aquí, solo los nombres. */
typedef struct {
    carpeta_t c;
    cal_proceso_t *p;
    uint64_t tope, tam[2];
    char u[2][128], b[2][200];
    const char *nombres[3]; /* los dos finales y NULL */
} lleno_t;

static int lleno_lanzar(cal_servidor_t *s, lleno_t *l, vigia_t *v)
{
    memset(l, 0, sizeof *l);
    l->tope = (uint64_t)cal_azar(150000, 250000);
    l->tam[0] = l->tope + (uint64_t)cal_azar(1, 64);
    l->tam[1] = l->tope + (uint64_t)cal_azar(100000, 200000);
    l->nombres[0] = desc_nombre("justo.bin");
    l->nombres[1] = desc_nombre("troceada.bin");
    desc_bytes_url(l->u[0], sizeof l->u[0], l->tam[0], desc_semilla_nueva(), "&digest=no");
    desc_troceada_url(l->u[1], sizeof l->u[1], l->tam[1], desc_semilla_nueva(), NULL);
    const char *args[] = {"-c", "1", desc_arg(l->b[0], sizeof l->b[0], l->nombres[0], l->u[0]),
                          desc_arg(l->b[1], sizeof l->b[1], l->nombres[1], l->u[1]), NULL};
    if (desc_carpeta(&l->c) != 0 || vigia_carpeta(v, l->c.dir, l->nombres, CORRIDA_LLENA) != 0)
        return 0;
    desc_proximo_tope(l->tope);
    l->p = desc_lanzar(s, &l->c, args, 20, 0, 0);
    return l->p != NULL;
}

/* 1 si ninguna de las que no caben tiene su nombre final; si no, 0 y el motivo. */
static int lleno_sin_nombre_final(const lleno_t *l, char *motivo, size_t tam)
{
    for (int i = 0; i < 2; i++) {
        long long t = desc_tam_archivo(l->c.dir, l->nombres[i]);
        if (t < 0)
            continue;
        snprintf(motivo, tam,
                 "con el disco lleno (cada archivo, hasta %llu %s), %s existía con su nombre "
                 "final y %lld %s de %llu: la escritura que se queda corta o falla deja la "
                 "descarga a medias, y una descarga a medias no se renombra",
                 (unsigned long long)l->tope, texto_plural((long long)l->tope, "byte", "bytes"),
                 l->nombres[i], t, texto_plural(t, "byte", "bytes"), (unsigned long long)l->tam[i]);
        return 0;
    }
    return 1;
}

/* La carpeta del disco lento de atomico, vigilada entre crearla y lanzar (desc_antes_cb). */
typedef struct {
    vigia_t *v;
    const char *const *finales;
} lenta_vigilada_t;

static int vigilar_lenta(const carpeta_t *c, void *datos)
{
    lenta_vigilada_t *lv = datos;
    return vigia_carpeta(lv->v, c->dir, lv->finales, CORRIDA_LENTA);
}

CAL_PRUEBA(atomico, 30)
static void atomico(void)
{
    cal_esperado("mientras descarga, un nombre final solo existe con el archivo entero; uno "
                 "cortado nunca llega a su nombre final, ni uno reanudado cuyo 206 acaba antes "
                 "del total de Content-Range (más corto de lo anunciado: falla y cierra su "
                 ".parte); y, con un disco lento, tampoco uno cuya transferencia acabó y aún se "
                 "escribe. Con el disco lleno, tampoco uno al que le faltan los bytes que no "
                 "cupieron. Y cada nombre final llega renombrando su .parte: nunca se crea, se "
                 "escribe ni se trunca con ese nombre");
    corrida_t x;
    if (!desc_preparar(&x))
        CAL_FIN(0);
    const char *dir = x.c.dir;
    vigia_t vg;
    vigia_iniciar(&vg);
    const char *finales_x[] = {desc_nombre("grande.bin"), desc_nombre("cortado.bin"),
                               desc_nombre("corto.bin"), NULL};
    if (vigia_carpeta(&vg, dir, finales_x, CORRIDA_PRINCIPAL) != 0)
        CAL_FIN(0);
    uint64_t sem[3] = {desc_semilla_nueva(), desc_semilla_nueva(), desc_semilla_nueva()};
    char u[3][128], b[3][200];
    desc_bytes_url(u[0], sizeof u[0], 1500000, sem[0], "&kbps=1000");
    desc_bytes_url(u[1], sizeof u[1], 600000, sem[1], "&kbps=500&cortar=300000");
    /* corto.bin: se reanuda desde 400000 y el servidor contesta un 206 honesto que acaba en
     * el byte 600000 de 1000000 (sin Repr-Digest): solo la longitud lo delata. */
    desc_bytes_url(u[2], sizeof u[2], 1000000, sem[2], "&corto=600000&digest=no");
    if (desc_escribir_parte(dir, desc_nombre("corto.bin.parte"), sem[2], 400000) < 0) {
        cal_obtenido("no se pudo preparar %s (error del calificador)",
                     desc_nombre("corto.bin.parte"));
        CAL_FIN(0);
    }
    const char *args[] = {"--continuar",
                          desc_arg(b[0], sizeof b[0], desc_nombre("grande.bin"), u[0]),
                          desc_arg(b[1], sizeof b[1], desc_nombre("cortado.bin"), u[1]),
                          desc_arg(b[2], sizeof b[2], desc_nombre("corto.bin"), u[2]), NULL};
    /* Se mira la carpeta mientras corre (hasta 15 s; la caja, 25). */
    cal_proceso_t *p = x.p = desc_lanzar(x.s, &x.c, args, 25, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* A la vez, con un disco lento: lenta.bin (sin Repr-Digest, nada que comprobar más que la
     * longitud) llega entera enseguida y tarda dos escrituras lentas en estar en el disco. Su
     * nombre final no puede aparecer antes: el rename sale cuando la cola está escrita. */
    carpeta_t c5 = {0};
    char b5[200], u5[128];
    const char *finales_5[] = {desc_nombre("lenta.bin"), NULL};
    uint64_t sem5 = desc_semilla_nueva(), tam5 = (uint64_t)cal_azar(400000, 700000);
    const char *args5[] = {desc_arg(b5, sizeof b5, desc_nombre("lenta.bin"),
                                    desc_bytes_url(u5, sizeof u5, tam5, sem5, "&digest=no")),
                           NULL};
    cal_proceso_t *p5 = NULL;
    lenta_vigilada_t lv = {.v = &vg, .finales = finales_5};
    if (!desc_lanzar_disco_lento_con(x.s, &c5, args5, ATOMICO_LENTO_MS,
                                     "renombra antes de que la cola esté escrita", vigilar_lenta,
                                     &lv, &p5))
        CAL_FIN(0);
    lleno_t ll;
    if (!lleno_lanzar(x.s, &ll, &vg))
        CAL_FIN(0);
    long long lenta_vista = -1;
    char motivo[480] = "";
    contenido_t cont_x[2] = {
        {.dir = dir, .nombre = desc_nombre("grande.bin"), .semilla = sem[0], .tam = 1500000},
        {.dir = dir, .nombre = desc_nombre("corto.bin"), .semilla = sem[2], .tam = 1000000}};
    contenido_t cont_lenta = {
        .dir = c5.dir, .nombre = desc_nombre("lenta.bin"), .semilla = sem5, .tam = tam5};
    int ok = 1, miradas = 0, de_lenta = 0; /* de_lenta: falló la corrida del disco lento */
    int de_lleno = 0;                      /* falló la del disco lleno */
    /* corto.bin falla enseguida (su 206 acaba antes del total), cortado.bin a los ~0.6 s y
     * grande.bin sigue ~1.5 s: medio segundo después de que el servidor acabe las dos, sus
     * .parte ya no pueden estar abiertos. Solo cuenta aquí el de corto.bin con el de
     * cortado.bin cerrado: si los dos siguen abiertos, no se cierra ningún archivo de una
     * descarga que falla, y eso ya lo cobra cierra_archivos. */
    int corto_abierto = 0, mirado = 0;
    uint64_t fin_fallidas = 0;
    uint64_t limite = cal_ahora_ms() + 15000;
    while ((!cal_termino(p) || (p5 != NULL && !cal_termino(p5)) || !cal_termino(ll.p)) &&
           cal_ahora_ms() < limite) {
        cal_proceso_t *espera = !cal_termino(p) ? p : p5 != NULL && !cal_termino(p5) ? p5 : ll.p;
        cal_esperar_fin(espera, 10);
        miradas++;
        cal_peticion_t vc, vk;
        if (fin_fallidas == 0 && miradas % 10 == 0 && cal_registro_ruta(x.s, u[2], &vc, 1) >= 1 &&
            cal_registro_ruta(x.s, u[1], &vk, 1) >= 1)
            fin_fallidas = vc.fin_ms > vk.fin_ms ? vc.fin_ms : vk.fin_ms;
        if (!mirado && fin_fallidas > 0 && cal_ahora_ms() >= fin_fallidas + 500 &&
            !cal_termino(p)) {
            corto_abierto = desc_parte_abierta(p, dir, desc_nombre("corto.bin")) &&
                            !desc_parte_abierta(p, dir, desc_nombre("cortado.bin"));
            mirado = 1;
        }
        if (ok && !vigia_leer(&vg)) {
            ok = 0;
        }
        if (ok && !lleno_sin_nombre_final(&ll, motivo, sizeof motivo)) {
            ok = 0;
            de_lleno = 1;
        }
        long long t5 = p5 != NULL ? desc_tam_archivo(c5.dir, desc_nombre("lenta.bin")) : -1;
        if (t5 >= 0 && (uint64_t)t5 != tam5 && lenta_vista < 0)
            lenta_vista = t5;
        long long g = desc_tam_archivo(dir, desc_nombre("grande.bin"));
        if (ok && g >= 0 && g != 1500000) {
            snprintf(motivo, sizeof motivo,
                     "%s existía con %lld de sus 1500000 bytes mientras se descargaba",
                     desc_nombre("grande.bin"), g);
            ok = 0;
        }
        if (ok && desc_tam_archivo(dir, desc_nombre("cortado.bin")) >= 0) {
            snprintf(motivo, sizeof motivo, "%s apareció con su nombre final",
                     desc_nombre("cortado.bin"));
            ok = 0;
        }
        /* corto.bin entero (1000000 bytes) puede ser un 200 con todo el archivo: se juzga
         * al final, con el registro del servidor. Con otro tamaño, está a medias. */
        long long k = desc_tam_archivo(dir, desc_nombre("corto.bin"));
        if (ok && k >= 0 && k != 1000000) {
            corto_motivo(x.s, u[2], k, 1, motivo, sizeof motivo);
            ok = 0;
        }
        /* Con el tamaño justo, los bytes (la de lenta.bin, con el tamaño que sea: su tamaño
         * distinto ya lo apunta lenta_vista, con su mensaje). */
        for (int i = 0; ok && i < 2; i++)
            ok = contenido_entero(&cont_x[i], motivo, sizeof motivo);
        if (ok && p5 != NULL && t5 == (long long)tam5 &&
            !contenido_entero(&cont_lenta, motivo, sizeof motivo)) {
            ok = 0;
            de_lenta = 1;
        }
    }
    x.codigo = desc_fin(p, 100);
    int cod5 = p5 != NULL ? desc_fin(p5, 100) : 0;
    int cod6 = desc_fin(ll.p, 100);
    if (ok && !vigia_leer(&vg))
        ok = 0;
    vigia_cerrar(&vg);
    if (vg.fallo) {
        /* Lo que se vio en la carpeta es lo primero que pasó: su motivo, y su corrida. */
        snprintf(motivo, sizeof motivo, "%s", vg.motivo);
        de_lenta = vg.de == CORRIDA_LENTA;
        de_lleno = vg.de == CORRIDA_LLENA;
    }
    if (ok && !lleno_sin_nombre_final(&ll, motivo, sizeof motivo)) {
        ok = 0;
        de_lleno = 1;
    }
    if (ok)
        ok = desc_acabo(&x, motivo, sizeof motivo);
    if (ok && lenta_vista >= 0) {
        snprintf(motivo, sizeof motivo,
                 "con un disco lento (cada escritura tarda %u ms), %s existía con %lld "
                 "%s de %llu: renombró antes de que la cola estuviera escrita",
                 ATOMICO_LENTO_MS, desc_nombre("lenta.bin"), lenta_vista,
                 texto_plural(lenta_vista, "byte", "bytes"), (unsigned long long)tam5);
        ok = 0;
        de_lenta = 1;
    }
    if (ok && p5 != NULL) {
        char m5[200];
        if (!desc_por_si_mismo(p5, cod5, m5, sizeof m5)) {
            snprintf(motivo, sizeof motivo, "con un disco lento, %s: %s", desc_nombre("lenta.bin"),
                     m5);
            ok = 0;
        } else {
            ok = desc_archivo_bien(c5.dir, desc_nombre("lenta.bin"), sem5, tam5, motivo,
                                   sizeof motivo);
        }
        de_lenta = !ok;
    }
    if (ok && corto_abierto) {
        snprintf(motivo, sizeof motivo,
                 "%s falló (su 206 acababa antes del total) y medio segundo después su .parte "
                 "seguía abierto (el de %s, que se cortó, no): cuando una descarga falla por "
                 "su longitud, también se cierra su archivo",
                 desc_nombre("corto.bin"), desc_nombre("cortado.bin"));
        ok = 0;
    }
    if (ok)
        ok = desc_archivo_bien(dir, desc_nombre("grande.bin"), sem[0], 1500000, motivo,
                               sizeof motivo);
    if (ok && desc_tam_archivo(dir, desc_nombre("cortado.bin")) >= 0) {
        snprintf(motivo, sizeof motivo, "al terminar, existe %s, y su descarga se cortó",
                 desc_nombre("cortado.bin"));
        ok = 0;
    }
    /* corto.bin solo puede existir si llegó entero en un 200 (sin reanudar, o empezando de
     * cero tras el 206: eso lo juzgan continuar_206 y reintentos) y es el archivo servido;
     * acabada en el 206, que acababa antes del total, no. */
    int entera_con_200 = 0;
    long long k = desc_tam_archivo(dir, desc_nombre("corto.bin"));
    if (ok && k >= 0) {
        entera_con_200 = corto_motivo(x.s, u[2], k, 0, motivo, sizeof motivo);
        ok = entera_con_200 && desc_archivo_bien(dir, desc_nombre("corto.bin"), sem[2], 1000000,
                                                 motivo, sizeof motivo);
    }
    if (ok)
        snprintf(motivo, sizeof motivo,
                 "miradas a la carpeta: %d; nunca un nombre final a medias%s", miradas,
                 entera_con_200 ? " (la reanudada acabó con un 200 y el archivo entero: aquí "
                                  "no se vio cómo rechaza el 206 corto)"
                                : "");
    cal_obtenido("%s", motivo);
    /* La carpeta y la salida de la corrida que falló: la del disco lento es otra (antes, un
     * fallo de lenta.bin salía con la carpeta y la salida de grande.bin: el estudiante de
     * prueba de la sesión 29). */
    if (!ok && de_lenta) {
        corrida_t lenta = {.s = x.s, .c = c5, .p = p5, .codigo = cod5};
        desc_nota_corrida(&lenta, 8);
    } else if (!ok && de_lleno) {
        corrida_t llena = {.s = x.s, .c = ll.c, .p = ll.p, .codigo = cod6};
        desc_nota_corrida(&llena, 8);
    } else if (!ok) {
        desc_nota_corrida(&x, 8);
    }
    CAL_FIN(ok);
}

/* Tras una huella que no casa, el .parte se queda con lo recibido (requisito 6: para
 * continuarlo); aquí, entero: los bytes eran buenos y la cabecera, mala. 1 si está; si no, 0
 * y el motivo (antes, borrarlo sacaba 100/100: el estudiante de prueba de la sesión 29). */
static int parte_se_queda(const char *dir, const char *parte, uint64_t semilla, uint64_t tam,
                          char *motivo, size_t t)
{
    if (desc_tam_archivo(dir, parte) < 0) {
        snprintf(motivo, t,
                 "%s no está: una huella que no casa es un fallo, y el .parte se queda con lo "
                 "recibido para continuarlo (requisito 6), no se borra",
                 parte);
        return 0;
    }
    return desc_archivo_bien(dir, parte, semilla, tam, motivo, t);
}

/* Las de huella: nueva o reanudada, con su huella buena o mala, y su tamaño. */
typedef struct {
    const char *papel;
    int reanudada, mala;
    uint64_t tam;
} huella_caso_t;

/* Más que BYTES_MAX_HUELLA_AUTO (16 MiB), hasta donde el servidor de práctica manda
 * Repr-Digest sin pedírsela: quien solo la comprueba por debajo («más arriba no viene») deja
 * pasar una mala (con ?digest=mal viene hasta 64 MiB). Mutante: huella_solo_pequenos. */
#define HUELLA_GRANDE 20000000

CAL_PRUEBA(huella, 30)
static void huella(void)
{
    cal_esperado("un archivo cuya SHA-256 no es la de Repr-Digest da «ERROR nombre …» y no llega "
                 "a su nombre final, también si se reanudó (206) con --continuar o pasa de 16 MiB, "
                 "y su .parte se queda entero (para continuarlo); los buenos, nuevos o "
                 "reanudados, sí llegan");
    corrida_t x;
    if (!desc_preparar(&x))
        CAL_FIN(0);
    const char *dir = x.c.dir;
    /* Dos nuevas y dos reanudadas (100000 bytes buenos en el .parte), de cada par una con la
     * huella mala, y una grande (HUELLA_GRANDE) con la huella mala, en un orden al azar: ni el
     * nombre, ni el lugar, ni el .parte dicen cuál es mala (con el orden fijo, marcar ERROR por
     * posición sumaba estos puntos sin calcular nada). Repr-Digest es de la representación
     * entera (RFC 9530), también en un 206. */
    enum { N = 5 };
    huella_caso_t casos[N] = {{"nueva-mala.bin", 0, 1, 300000},
                              {"nueva-buena.bin", 0, 0, 300000},
                              {"reanudada-mala.bin", 1, 1, 300000},
                              {"reanudada-buena.bin", 1, 0, 300000},
                              {"grande-mala.bin", 0, 1, HUELLA_GRANDE}};
    for (int i = N - 1; i > 0; i--) {
        int j = (int)cal_azar(0, i);
        huella_caso_t t = casos[i];
        casos[i] = casos[j];
        casos[j] = t;
    }
    uint64_t sem[N];
    char u[N][128], b[N][200], parte[80];
    const char *args[N + 2] = {"--continuar"};
    for (int i = 0; i < N; i++) {
        sem[i] = desc_semilla_nueva();
        desc_bytes_url(u[i], sizeof u[i], casos[i].tam, sem[i],
                       casos[i].mala ? "&digest=mal" : NULL);
        snprintf(parte, sizeof parte, "%s.parte", desc_nombre(casos[i].papel));
        if (casos[i].reanudada && desc_escribir_parte(dir, parte, sem[i], 100000) < 0) {
            cal_obtenido("no se pudo preparar %s (error del calificador)", parte);
            CAL_FIN(0);
        }
        args[i + 1] = desc_arg(b[i], sizeof b[i], desc_nombre(casos[i].papel), u[i]);
    }
    args[N + 1] = NULL;
    if (!desc_correr(&x, args, 15000))
        CAL_FIN(0);
    char motivo[512] = "", l[256];
    int ok = desc_acabo(&x, motivo, sizeof motivo);
    for (int i = 0; i < N && ok; i++) {
        const char *nombre = desc_nombre(casos[i].papel);
        const char *como = casos[i].reanudada              ? " (reanudada con un 206)"
                           : casos[i].tam == HUELLA_GRANDE ? " (de más de 16 MiB)"
                                                           : "";
        snprintf(parte, sizeof parte, "%s.parte", nombre);
        if (!casos[i].mala) {
            ok = desc_archivo_bien(dir, nombre, sem[i], casos[i].tam, motivo, sizeof motivo);
        } else if (desc_tam_archivo(dir, nombre) >= 0) {
            snprintf(motivo, sizeof motivo,
                     "%s%s tiene su nombre final y su SHA-256 no es la de Repr-Digest, que es la "
                     "del archivo entero",
                     nombre, como);
            ok = 0;
        } else if (!desc_linea(x.p, "ERROR", nombre, l, sizeof l)) {
            snprintf(motivo, sizeof motivo, "falta «ERROR %s …» (su huella no casa)%s", nombre,
                     como);
            ok = 0;
        } else if (!parte_se_queda(dir, parte, sem[i], casos[i].tam, motivo, sizeof motivo)) {
            ok = 0;
        } else if (desc_cambiado_tras_escribir_ms(dir, parte) > 0) {
            /* Renombrar antes de comprobar y devolverle el nombre .parte al ver la huella mala
             * deja el ctime del .parte después de su última escritura (medido: 28–60 ms; con
             * la comprobación antes, 0 exacto). Mientras tanto, el nombre final tuvo un archivo
             * malo: lo que el renombrado al final debía impedir. */
            snprintf(motivo, sizeof motivo,
                     "%s%s cambió de nombre %.0f ms después de su última escritura: se renombró "
                     "antes de comprobar la huella y volvió a .parte al no casar. Mientras tanto, "
                     "%s era un archivo malo con su nombre final",
                     parte, como, desc_cambiado_tras_escribir_ms(dir, parte), nombre);
            ok = 0;
        }
    }
    cal_obtenido("%s", ok ? "la huella se comprueba antes de renombrar" : motivo);
    if (!ok)
        desc_nota_corrida(&x, 8);
    CAL_FIN(ok);
}

CAL_PRUEBA(parte_tras_fallo, 30)
static void parte_tras_fallo(void)
{
    cal_esperado("una descarga cortada deja NOMBRE.parte con los bytes recibidos (en orden) y "
                 "«ERROR nombre …». Otra con un 4xx da «ERROR nombre …» y no llega a su nombre "
                 "final (un estado ≥ 400 es un fallo aunque la transferencia acabe bien); su "
                 ".parte, si lo hay, está vacío (la página de error no es el archivo). Tampoco "
                 "llega otra con un 4xx sin cuerpo (al_recibir no llega: se decide en "
                 "al_terminar). La buena sigue y termina bien");
    corrida_t x;
    if (!desc_preparar(&x))
        CAL_FIN(0);
    const char *dir = x.c.dir;
    uint64_t sem[2] = {desc_semilla_nueva(), desc_semilla_nueva()};
    char u[4][128], b[4][200];
    desc_bytes_url(u[0], sizeof u[0], 800000, sem[0], "&cortar=350000");
    desc_bytes_url(u[1], sizeof u[1], 400000, sem[1], NULL);
    /* Un 4xx, cuál al azar: para curl la transferencia acaba bien (con su cuerpo de texto). */
    static const int cuatro[] = {400, 401, 403, 404, 410};
    int estado = cuatro[(uint64_t)cal_azar(0, sizeof cuatro / sizeof cuatro[0] - 1)];
    snprintf(u[2], sizeof u[2], "/status/%d", estado);
    /* Y otro 4xx sin cuerpo (Content-Length: 0): al_recibir no llega nunca, así que quien
     * solo mira el estado en al_recibir lo da por bueno y lo renombra. */
    int estado_vacio = cuatro[(uint64_t)cal_azar(0, sizeof cuatro / sizeof cuatro[0] - 1)];
    snprintf(u[3], sizeof u[3], "/status/%d?vacio=si", estado_vacio);
    const char *args[] = {desc_arg(b[0], sizeof b[0], desc_nombre("roto.bin"), u[0]),
                          desc_arg(b[1], sizeof b[1], desc_nombre("sano.bin"), u[1]),
                          desc_arg(b[2], sizeof b[2], desc_nombre("no.bin"), u[2]),
                          desc_arg(b[3], sizeof b[3], desc_nombre("vacio.bin"), u[3]), NULL};
    if (!desc_correr(&x, args, 15000))
        CAL_FIN(0);
    cal_proceso_t *p = x.p;
    char motivo[256] = "", l[256];
    int ok = 1;
    if (!desc_acabo(&x, motivo, sizeof motivo)) {
        ok = 0;
    } else if (!desc_linea(p, "ERROR", desc_nombre("roto.bin"), l, sizeof l)) {
        snprintf(motivo, sizeof motivo, "falta «ERROR %s …»", desc_nombre("roto.bin"));
        ok = 0;
    } else if (!desc_archivo_bien(dir, desc_nombre("roto.bin.parte"), sem[0], 350000, motivo,
                                  sizeof motivo)) {
        ok = 0;
    } else if (!desc_linea(p, "ERROR", desc_nombre("no.bin"), l, sizeof l) ||
               desc_tam_archivo(dir, desc_nombre("no.bin")) >= 0) {
        snprintf(motivo, sizeof motivo,
                 "%s (el servidor contestó %d) %s: un estado ≥ 400 es un fallo (requisito "
                 "6), aunque para curl la transferencia acabe bien; mira el estado o pide con "
                 "error_si_estado",
                 desc_nombre("no.bin"), estado,
                 desc_tam_archivo(dir, desc_nombre("no.bin")) >= 0 ? "llegó a su nombre final"
                                                                   : "no dio su línea «ERROR …»");
        ok = 0;
    } else if (desc_tam_archivo(dir, desc_nombre("no.bin.parte")) > 0) {
        /* La página de error en el .parte: con --continuar se pediría desde su último byte, y
         * el archivo empezaría con ella (el estudiante de prueba de la sesión 29: 100/100). */
        snprintf(motivo, sizeof motivo,
                 "%s tiene bytes (%lld) tras el %d: es la página de error del servidor, "
                 "no el archivo, y no va al .parte (con --continuar se pediría desde ese byte y "
                 "el archivo empezaría con ella); el .parte puede no existir o quedar vacío",
                 desc_nombre("no.bin.parte"), desc_tam_archivo(dir, desc_nombre("no.bin.parte")),
                 estado);
        ok = 0;
    } else if (!desc_linea(p, "ERROR", desc_nombre("vacio.bin"), l, sizeof l) ||
               desc_tam_archivo(dir, desc_nombre("vacio.bin")) >= 0) {
        snprintf(motivo, sizeof motivo,
                 "%s (el servidor contestó %d sin cuerpo) %s: sin cuerpo, al_recibir no "
                 "llega, así que el estado se mira también en al_terminar",
                 desc_nombre("vacio.bin"), estado_vacio,
                 desc_tam_archivo(dir, desc_nombre("vacio.bin")) >= 0
                     ? "llegó a su nombre final"
                     : "no dio su línea «ERROR …»");
        ok = 0;
    } else {
        ok = desc_archivo_bien(dir, desc_nombre("sano.bin"), sem[1], 400000, motivo, sizeof motivo);
    }
    if (ok)
        cal_obtenido("%s tiene los 350000 primeros bytes, %s (%d) y %s (%d, "
                     "sin cuerpo) son ERROR sin nombre final y %s está bien",
                     desc_nombre("roto.bin.parte"), desc_nombre("no.bin"), estado,
                     desc_nombre("vacio.bin"), estado_vacio, desc_nombre("sano.bin"));
    else
        cal_obtenido("%s", motivo);
    if (!ok)
        desc_nota_corrida(&x, 8);
    CAL_FIN(ok);
}

CAL_PRUEBA(continuar_206, 30)
static void continuar_206(void)
{
    cal_esperado("con --continuar y un .parte con el principio bueno del archivo: una sola "
                 "petición, 206 con los bytes que faltan, el archivo idéntico al servido y «OK "
                 "nombre <tamaño del archivo> <segundos> s <KiB/s media>». Los segundos, con dos "
                 "decimales (no menos de lo que tardó el servidor), y la media de lo recibido en "
                 "esta ejecución, en KiB/s (1 KiB = 1024 bytes)");
    reanudacion_t r;
    if (!desc_preparar(&r.x))
        CAL_FIN(0);
    char motivo[256] = "", l[256], w[32];
    /* Tamaño y .parte, al azar en cada calificación. */
    uint64_t tam = (uint64_t)cal_azar(800000, 1200000),
             prefijo = (uint64_t)cal_azar(tam / 5, tam * 3 / 5);
    /* Lo que falta llega en ~1.2 s: con los segundos del OK en centésimas, su media se puede
     * contrastar con lo recibido (un «KB» de 1000 bytes ya se sale). */
    char ritmo[32];
    snprintf(ritmo, sizeof ritmo, "&kbps=%llu",
             (unsigned long long)((tam - prefijo) * 10 / 12 / 1024 + 1));
    int ok = desc_continuar(&r, "/bytes", ritmo, tam, prefijo, 1, desc_nombre("r.bin"), motivo,
                            sizeof motivo);
    const int n = r.n, *estados = r.estados;
    const uint64_t *bytes = r.bytes;
    int bien = 0;
    if (ok && n >= 1 && estados[0] == 200)
        snprintf(motivo, sizeof motivo,
                 "el servidor contestó 200 con el archivo entero (%llu %s) en vez de 206: "
                 "/bytes atiende «Range: bytes=%llu-», así que la petición no llevaba un Range "
                 "válido",
                 (unsigned long long)bytes[0], texto_plural((long long)bytes[0], "byte", "bytes"),
                 (unsigned long long)prefijo);
    else if (ok && n >= 2 && estados[0] == 206 && bytes[0] != tam - prefijo)
        snprintf(motivo, sizeof motivo,
                 "la primera petición fue un 206 de %llu %s (faltaban %llu: se pidió desde "
                 "un byte distinto del tamaño del .parte) y después se empezó de nuevo",
                 (unsigned long long)bytes[0], texto_plural((long long)bytes[0], "byte", "bytes"),
                 (unsigned long long)(tam - prefijo));
    else if (ok && (n != 1 || estados[0] != 206 || bytes[0] != tam - prefijo))
        snprintf(motivo, sizeof motivo,
                 "el archivo está bien, pero no se reanudó: se esperaba un único 206 de %llu %s",
                 (unsigned long long)(tam - prefijo),
                 texto_plural((long long)(tam - prefijo), "byte", "bytes"));
    else if (ok && (!desc_linea(r.x.p, "OK", desc_nombre("r.bin"), l, sizeof l) ||
                    strtoull(cal_palabra(l, 2, w, sizeof w) ? w : "x", NULL, 10) != tam))
        snprintf(motivo, sizeof motivo,
                 "falta «OK %s %llu …»: <bytes> es el tamaño del archivo final, también si "
                 "se reanudó",
                 desc_nombre("r.bin"), (unsigned long long)tam);
    else if (ok && desc_linea_ok_bien(r.x.p, desc_nombre("r.bin"), tam, tam - prefijo,
                                      r.fin_ms[0] - r.inicio_ms[0], motivo, sizeof motivo))
        bien = 1;
    if (bien)
        cal_obtenido("reanudada con Range: el 206 trajo %llu %s más, tras los %llu del .parte, y "
                     "la línea OK con su forma, sus segundos y su media",
                     (unsigned long long)(tam - prefijo),
                     texto_plural((long long)(tam - prefijo), "byte", "bytes"),
                     (unsigned long long)prefijo);
    else
        cal_obtenido("%s", motivo);
    if (!bien)
        desc_nota_reanudacion(&r);
    CAL_FIN(bien);
}

/* 1 si la primera petición de la reanudación `r` pidió continuar (llevaba Range, según el
 * registro del servidor); si no, 0 y el motivo. Sin eso, empezar de cero tras un 200 no prueba
 * nada: quien nunca pide un rango siempre empieza de cero (un adversario de la sesión 30
 * aprobaba así). Desde dónde lo pide lo juzga continuar_206. */
static int pidio_rango(const reanudacion_t *r, uint64_t prefijo, char *motivo, size_t t)
{
    if (r->n >= 1 && r->rangos[0][0] != '\0')
        return 1;
    if (r->n < 1)
        snprintf(motivo, t, "el servidor no registró ninguna petición");
    else
        snprintf(motivo, t,
                 "con --continuar y un .parte (bytes: %llu), la petición no llevaba Range (se "
                 "esperaba «Range: bytes=%llu-»: primero se pide continuar, y solo si el "
                 "servidor contesta 200 se empieza de cero)",
                 (unsigned long long)prefijo, (unsigned long long)prefijo);
    return 0;
}

/* 1 si la última línea PROGRESO de `nombre` (si hay alguna) no dice más bytes que el archivo
 * entero (`tam`): tras `causa` («el 200», «el 416»), que obliga a empezar de cero, <bytes>
 * vuelve a contar desde 0 y no suma el .parte descartado (`prefijo`, más largo que el
 * archivo). Sin líneas no se juzga aquí: el progreso lo juzga progreso. Si no, 0 y el motivo. */
static int progreso_desde_cero(cal_proceso_t *p, const char *nombre, uint64_t tam, uint64_t prefijo,
                               const char *causa, char *motivo, size_t t)
{
    char l[256], w[32];
    int i = 0;
    while (cal_linea(cal_salida(p), "PROGRESO", nombre, i, l, sizeof l) >= 0)
        i++;
    if (i == 0 || cal_linea(cal_salida(p), "PROGRESO", nombre, i - 1, l, sizeof l) < 0)
        return 1;
    const char *by = cal_palabra(l, 3, w, sizeof w);
    uint64_t bytes = by != NULL ? strtoull(by, NULL, 10) : 0;
    if (bytes <= tam)
        return 1;
    snprintf(motivo, t,
             "el archivo tiene %llu %s y la última línea PROGRESO de %s dice %llu: tras %s "
             "que obliga a empezar de cero, <bytes> vuelve a contar desde 0 (no suma los %llu "
             "del .parte descartado)",
             (unsigned long long)tam, texto_plural((long long)tam, "byte", "bytes"), nombre,
             (unsigned long long)bytes, causa, (unsigned long long)prefijo);
    return 0;
}

/* Un 200 también en un reintento: /cortar/N promete N + 1000 bytes, manda N y corta, y no
 * atiende Range. Con -r 2, cada reintento pide «Range: bytes=N-» y recibe otra vez un 200 con
 * el archivo desde el principio: el .parte se vacía, como con --continuar. Quien solo vacía en
 * el primer intento acaba con 3N bytes (el 200 de un reintento no se probaba). Aquí y no en
 * reintento_continua: es la misma regla que la de --continuar, y quien nunca vacía
 * (ignora_200) la paga una vez. Mutante: reintento_200_sin_vaciar. 1 si el .parte acaba con
 * los N primeros bytes; si no, 0 y el motivo. */
static int reintento_con_200(cal_servidor_t *s, char *motivo, size_t t)
{
    carpeta_t c;
    cal_peticion_t v[8];
    uint64_t sem = desc_semilla_nueva(), n = (uint64_t)cal_azar(100000, 200000);
    const char *nombre = desc_nombre("cero.bin");
    char u[128], b[200], parte[96];

    snprintf(u, sizeof u, "/cortar/%llu?seed=%llu", (unsigned long long)n, (unsigned long long)sem);
    snprintf(parte, sizeof parte, "%s.parte", nombre);
    const char *args[] = {"-r", "2", desc_arg(b, sizeof b, nombre, u), NULL};
    if (desc_carpeta(&c) < 0) {
        snprintf(motivo, t, "no se pudo preparar la carpeta (error del calificador)");
        return 0;
    }
    cal_proceso_t *p = desc_lanzar(s, &c, args, 20, 0, 0);
    if (p == NULL) {
        snprintf(motivo, t, "no se pudo lanzar el programa con -r 2");
        return 0;
    }
    int cod = desc_fin(p, 12000);
    int m = desc_registro_de(s, u, v, 8);
    if (!desc_por_si_mismo(p, cod, motivo, t))
        return 0;
    /* Sin reintentos (un programa del hito D) no hay 200 de un reintento que juzgar: cuántos
     * hace y qué Range piden lo juzgan reintentos, reintento_continua y continuar_206. Aquí,
     * solo que tras un 200 el .parte vuelve a empezar: pidan el Range que pidan (o ninguno),
     * cada respuesta trae el archivo desde 0 y el .parte acaba con los n primeros bytes. */
    if (m < 2)
        return 1;
    if (!desc_archivo_bien(c.dir, parte, sem, n, motivo, t)) {
        size_t usado = strlen(motivo);
        snprintf(motivo + usado, t - usado,
                 " (con -r 2, cada reintento de %s recibió un 200 con el archivo desde el "
                 "principio, porque el servidor no atiende Range: el .parte se vacía y vuelve a "
                 "empezar, como con --continuar)",
                 nombre);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(continuar_200, 30)
static void continuar_200(void)
{
    cal_esperado("con --continuar, se pide continuar («Range: bytes=<tamaño del .parte>-»); y "
                 "si el servidor no hace caso del rango (200 con el archivo "
                 "entero), se empieza de 0: el resultado es idéntico al servido, sin restos del "
                 ".parte (que era más largo); también si el 200 no trae cuerpo (un archivo "
                 "vacío: el resultado, vacío). Y si el 200 llega a un reintento, igual");
    reanudacion_t r;
    if (!desc_preparar(&r.x))
        CAL_FIN(0);
    char motivo[512] = "";
    /* /stream-bytes no atiende Range: responde 200, troceado, con los mismos bytes. El .parte
     * es más largo que el archivo: sin vaciarlo, le quedaría la cola vieja. Lenta (~1.5 s):
     * sus líneas PROGRESO, tras empezar de cero, cuentan desde 0. */
    uint64_t tam = (uint64_t)cal_azar(300000, 500000),
             prefijo = tam + (uint64_t)cal_azar(50000, 200000);
    char ritmo[32];
    snprintf(ritmo, sizeof ritmo, "&kbps=%llu", (unsigned long long)(tam / 1024 * 2 / 3 + 1));
    int ok = desc_continuar(&r, "/stream-bytes", ritmo, tam, prefijo, 0, desc_nombre("z.bin"),
                            motivo, sizeof motivo) &&
             pidio_rango(&r, prefijo, motivo, sizeof motivo) &&
             progreso_desde_cero(r.x.p, desc_nombre("z.bin"), tam, prefijo, "el 200", motivo,
                                 sizeof motivo);
    /* Y un 200 sin cuerpo: al_recibir no llega nunca, así que quien solo mira el estado ahí
     * renombra el .parte viejo entero (el estudiante de prueba de la sesión 29: 100/100). */
    char m[320] = "";
    uint64_t prefijo_vacio = (uint64_t)cal_azar(100, 5000);
    if (ok && (!desc_continuar(&r, "/stream-bytes", "", 0, prefijo_vacio, 0,
                               desc_nombre("vacio.bin"), m, sizeof m) ||
               !pidio_rango(&r, prefijo_vacio, m, sizeof m))) {
        snprintf(motivo, sizeof motivo,
                 "con un 200 sin cuerpo (el archivo está vacío): %s; sin cuerpo al_recibir no "
                 "llega, así que el estado se mira también al terminar",
                 m);
        ok = 0;
    }
    if (ok && !reintento_con_200(r.x.s, motivo, sizeof motivo))
        ok = 0;
    cal_obtenido("%s",
                 ok ? "el 200 reemplazó al .parte, también sin cuerpo y en un reintento" : motivo);
    if (!ok)
        desc_nota_reanudacion(&r);
    CAL_FIN(ok);
}

/* Un caso de continuar_416: el .parte de `prefijo` bytes (buenos o basura) y la URL con
 * `extra`; se espera que empiece de cero (un 416 primero si `con_416`). 1 si fue así. */
static int de_cero(reanudacion_t *r, const char *que, const char *extra, uint64_t tam,
                   uint64_t prefijo, int prefijo_bueno, int con_416, const char *nombre,
                   char *motivo, size_t t)
{
    char m[256] = "";
    int ok = desc_continuar(r, "/bytes", extra, tam, prefijo, prefijo_bueno, nombre, m, sizeof m);
    if (r->n >= 1 && r->estados[0] == 200) {
        /* Lo que pasó de verdad: /bytes atiende un «Range: bytes=N-» bien formado (con un 416
         * si N no existe, con el 206 mal situado si se le pide); un 200 dice que no lo hubo. */
        snprintf(m, sizeof m,
                 "el servidor contestó 200 con el archivo entero%s: la petición no llevaba un "
                 "«Range: bytes=%llu-» válido",
                 con_416 ? " (y no 416)" : " (no hubo ningún 206, ni bien ni mal situado)",
                 (unsigned long long)prefijo);
        ok = 0;
    } else if (ok && con_416 && (r->n < 2 || r->estados[0] != 416)) {
        snprintf(m, sizeof m, "se esperaba un 416 y después la descarga entera");
        ok = 0;
    }
    if (!ok) {
        snprintf(motivo, t, "%s: %s", que, m);
        desc_nota_reanudacion(r);
    }
    return ok;
}

/* Una corrida contra el servidor `s` (el de la verificación) en una carpeta nueva, aún sin
 * programa. 1, o 0 con el motivo. */
static int corrida_en(cal_servidor_t *s, corrida_t *y, char *motivo, size_t t)
{
    y->s = s;
    y->p = NULL;
    y->codigo = -1;
    if (desc_carpeta(&y->c) < 0) {
        snprintf(motivo, t, "no se pudo preparar la carpeta (error del calificador)");
        return 0;
    }
    return 1;
}

/* El reinicio limpio es una vez, también dentro de un reintento: con -r 3, un servidor que
 * corta siempre en el mismo byte y contesta a cada Range con un 206 desde 0 (z.bin, sin
 * .parte). 200 cortado; el reintento pide Range y recibe el 206 mal situado: reinicio limpio,
 * sin Range; 200 cortado otra vez; el segundo reintento, otro 206 mal situado, que ya no se
 * reinicia ni se reintenta: ERROR. Cuatro peticiones, y aún quedaba un reintento: quien
 * reinicia sin tope pide una quinta sin Range, y quien toma el segundo 206 mal situado por un
 * fallo pasajero, una quinta con Range (con -r 2 no quedaba reintento y no se distinguía:
 * mutante reintenta_mal_situado_repetido).
 * Y en la misma ejecución, con --continuar, otra descarga (otra.bin, con un .parte bueno) cuyo
 * primer 206 está mal situado: su reinicio es el suyo, y acaba bien. El tope es por descarga:
 * quien lo lleva en una variable del programa (un `static`) niega el reinicio a la segunda que
 * lo necesita (mutante reinicio_una_vez_por_programa). 1, o 0 con el motivo. */
static int reinicio_una_vez(cal_servidor_t *s, char *motivo, size_t t)
{
    corrida_t y;
    if (!corrida_en(s, &y, motivo, t))
        return 0;
    uint64_t tam = (uint64_t)cal_azar(300000, 600000), corte = (uint64_t)cal_azar(tam / 4, tam / 2);
    uint64_t tam_otra = (uint64_t)cal_azar(100000, 200000),
             prefijo_otra = (uint64_t)cal_azar(tam_otra / 4, tam_otra * 3 / 4),
             sem_otra = desc_semilla_nueva();
    const char *otra = desc_nombre("otra.bin");
    char extra[64], u[160], b[220], l[256], u_otra[160], b_otra[220], parte_otra[96];
    snprintf(extra, sizeof extra, "&cortar=%llu&rango=mal", (unsigned long long)corte);
    desc_bytes_url(u, sizeof u, tam, desc_semilla_nueva(), extra);
    desc_bytes_url(u_otra, sizeof u_otra, tam_otra, sem_otra, "&rango=mal");
    snprintf(parte_otra, sizeof parte_otra, "%s.parte", otra);
    if (desc_escribir_parte(y.c.dir, parte_otra, sem_otra, (size_t)prefijo_otra) < 0) {
        snprintf(motivo, t, "no se pudo preparar %s (error del calificador)", parte_otra);
        return 0;
    }
    const char *args[] = {"-r",
                          "3",
                          "--continuar",
                          desc_arg(b, sizeof b, desc_nombre("z.bin"), u),
                          desc_arg(b_otra, sizeof b_otra, otra, u_otra),
                          NULL};
    if (!desc_correr(&y, args, 20000)) {
        snprintf(motivo, t, "%s (error del calificador)", cal_lanzar_motivo());
        return 0;
    }
    char m[256] = "";
    if (!desc_acabo(&y, m, sizeof m)) {
        snprintf(motivo, t, "con -r 3 y un 206 mal situado en cada reintento: %s", m);
        desc_nota_corrida(&y, 6);
        return 0;
    }
    cal_peticion_t v[8];
    int n = desc_registro_de(s, u, v, 8);
    /* Las que empiezan de cero, 200; o 206 desde el byte 0 si piden «Range: bytes=0-». */
    int bien = n == 4 && (v[0].estado == 200 || v[0].estado == 206) && v[1].estado == 206 &&
               (v[2].estado == 200 || v[2].estado == 206) && v[3].estado == 206;
    int existe = desc_tam_archivo(y.c.dir, desc_nombre("z.bin")) >= 0,
        error = desc_linea(y.p, "ERROR", desc_nombre("z.bin"), l, sizeof l);
    /* Una quinta con Range: el segundo 206 mal situado se tomó por un fallo pasajero. */
    int reintento = n == 5 && v[4].rango[0] != '\0';
    /* Dos, la segunda el 206 mal situado, y ERROR: ese primer 206 mal situado no se reinició
     * (la otra descarga ya había gastado el reinicio: el tope no era de cada descarga). */
    int sin_reinicio = n == 2 && v[1].estado == 206 && error && !existe;
    if (sin_reinicio) {
        snprintf(motivo, t,
                 "con -r 3, un servidor que corta en el byte %llu y contesta a cada Range con un "
                 "206 desde 0: el primer 206 mal situado de %s no empezó de cero (ERROR tras 2 "
                 "peticiones, y se esperaban 4). En la misma ejecución, %s también empezó de "
                 "cero tras su 206 mal situado: el reinicio limpio es una vez por descarga, y el "
                 "de una no gasta el de otra",
                 (unsigned long long)corte, desc_nombre("z.bin"), otra);
        desc_nota_corrida(&y, 6);
        return 0;
    }
    if (!bien || existe || !error) {
        snprintf(motivo, t,
                 "sin .parte y con -r 3, un servidor que corta en el byte %llu y contesta a "
                 "cada Range con un 206 desde 0: peticiones que vio, %d%s%s (se esperaban 4: 200 "
                 "cortado; 206 mal situado y reinicio limpio; 200 cortado; otro 206 mal situado, "
                 "que ya no se reinicia: ERROR; %s)",
                 (unsigned long long)corte, n,
                 existe ? " y el archivo existe con su nombre final" : "",
                 error ? "" : " y falta su línea «ERROR …»",
                 reintento ? "la quinta pidió Range otra vez: el segundo 206 mal situado no es un "
                             "fallo pasajero, no se reintenta"
                           : "el reinicio se hace una sola vez");
        desc_nota_corrida(&y, 6);
        return 0;
    }
    if (!desc_linea(y.p, "OK", otra, l, sizeof l) ||
        !desc_archivo_bien(y.c.dir, otra, sem_otra, tam_otra, m, sizeof m)) {
        if (m[0] == '\0')
            snprintf(m, sizeof m, "falta «OK %s …»", otra);
        snprintf(motivo, t,
                 "en la misma ejecución, con --continuar, %s (un .parte bueno de %llu %s y un "
                 "206 que empieza en 0) tenía que empezar de cero una vez y acabar bien: %s. El "
                 "reinicio limpio es una vez por descarga: el de %s no gasta el de otra",
                 otra, (unsigned long long)prefijo_otra,
                 texto_plural((long long)prefijo_otra, "byte", "bytes"), m, desc_nombre("z.bin"));
        desc_nota_corrida(&y, 6);
        return 0;
    }
    return 1;
}

/* Empezar de cero vacía el .parte, también tras un 206 mal situado: con --continuar, un .parte
 * de basura más largo que el byte en que el servidor corta, un 206 desde 0 y, al empezar de
 * cero, un 200 cortado en ese byte (sin -r): ERROR, y el .parte con justo los bytes buenos
 * hasta el corte. Quien solo vuelve a escribir desde la posición 0 sin vaciarlo (con un 416,
 * sí) deja la cola de basura detrás (mutante reinicio_206_sin_vaciar): con un 206 mal situado
 * que acaba bien no se ve, porque el archivo entero tapa el .parte. 1, o 0 con el motivo. */
static int reinicio_vacia(cal_servidor_t *s, char *motivo, size_t t)
{
    corrida_t y;
    if (!corrida_en(s, &y, motivo, t))
        return 0;
    const char *nombre = desc_nombre("vacia.bin");
    uint64_t tam = (uint64_t)cal_azar(300000, 500000), corte = (uint64_t)cal_azar(tam / 5, tam / 3),
             basura = (uint64_t)cal_azar(tam / 2, tam * 3 / 4), sem = desc_semilla_nueva();
    char extra[64], u[160], b[220], parte[96], l[256], m[256] = "";
    snprintf(extra, sizeof extra, "&cortar=%llu&rango=mal", (unsigned long long)corte);
    desc_bytes_url(u, sizeof u, tam, sem, extra);
    snprintf(parte, sizeof parte, "%s.parte", nombre);
    if (desc_escribir_parte(y.c.dir, parte, 0, (size_t)basura) < 0) {
        snprintf(motivo, t, "no se pudo preparar %s (error del calificador)", parte);
        return 0;
    }
    const char *args[] = {"--continuar", desc_arg(b, sizeof b, nombre, u), NULL};
    if (!desc_correr(&y, args, 15000)) {
        snprintf(motivo, t, "%s (error del calificador)", cal_lanzar_motivo());
        return 0;
    }
    if (!desc_acabo(&y, m, sizeof m)) {
        snprintf(motivo, t, "con --continuar, un 206 mal situado y un corte: %s", m);
        desc_nota_corrida(&y, 6);
        return 0;
    }
    cal_peticion_t v[4];
    int n = desc_registro_de(s, u, v, 4);
    /* Sin el reinicio (un programa que no mira el Content-Range) no hay vaciado que juzgar:
     * eso lo cobra el 206 mal situado de arriba. */
    if (n < 2 || v[1].rango[0] != '\0')
        return 1;
    int existe = desc_tam_archivo(y.c.dir, nombre) >= 0,
        error = desc_linea(y.p, "ERROR", nombre, l, sizeof l);
    if (existe || !error) {
        snprintf(motivo, t,
                 "con --continuar, un 206 mal situado y, al empezar de cero, un 200 cortado en "
                 "el byte %llu: %s (una descarga cortada falla y deja su .parte)",
                 (unsigned long long)corte,
                 existe ? "el archivo existe con su nombre final" : "falta su línea «ERROR …»");
        desc_nota_corrida(&y, 6);
        return 0;
    }
    if (!desc_archivo_bien(y.c.dir, parte, sem, corte, m, sizeof m)) {
        long long queda = desc_tam_archivo(y.c.dir, parte);
        snprintf(motivo, t,
                 "con --continuar, un .parte de basura de %llu %s, un 206 mal situado y, al "
                 "empezar de cero, un 200 cortado en el byte %llu: %s%s. Empezar de cero vacía "
                 "el .parte (uv_fs_ftruncate a 0), también tras un 206 mal situado: si no, "
                 "lo que no se vuelve a escribir se queda",
                 (unsigned long long)basura, texto_plural((long long)basura, "byte", "bytes"),
                 (unsigned long long)corte, m,
                 queda == (long long)basura ? " (el tamaño de la basura: no se vació)" : "");
        desc_nota_corrida(&y, 6);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(continuar_416, 40)
static void continuar_416(void)
{
    cal_esperado(
        "con --continuar y un .parte más largo que el archivo, o tan largo como él (416 "
        "del servidor), se vacía el .parte y se empieza de 0 (y el progreso, desde 0); y con "
        "un 206 cuyo Content-Range no empieza donde acaba el .parte, también (vacío, aunque "
        "después se corte): el resultado es idéntico al servido. Ese reinicio se hace una sola "
        "vez por descarga: con -r 3 y un 206 mal situado en cada reintento, cuatro peticiones "
        "y ERROR, y otra descarga de la misma ejecución tiene su propio reinicio");
    reanudacion_t r;
    if (!desc_preparar(&r.x))
        CAL_FIN(0);
    char motivo[512] = "";
    uint64_t t1 = (uint64_t)cal_azar(300000, 600000), t2 = (uint64_t)cal_azar(300000, 600000),
             t3 = (uint64_t)cal_azar(400000, 600000);
    uint64_t p1 = t1 + (uint64_t)cal_azar(1, 100000);
    /* La del .parte más largo, lenta (~1.5 s): tras el 416, sus líneas PROGRESO cuentan desde
     * 0, sin sumar el .parte vaciado (mutante progreso_tras_416_suma_el_parte). */
    char ritmo[32];
    snprintf(ritmo, sizeof ritmo, "&kbps=%llu", (unsigned long long)(t1 / 1024 * 2 / 3 + 1));
    /* Un .parte tan largo como el archivo pide «bytes=<total>-», que tampoco existe: 416. No
     * se sabe si sus bytes son los de este archivo (aquí no lo son): de cero. Y un servidor
     * que contesta a «bytes=N-» con «206 bytes 0-…»: añadir ese cuerpo al .parte daría de
     * más; hay que vaciarlo y empezar de 0. */
    int ok =
        de_cero(&r, ".parte más largo que el archivo", ritmo, t1, p1, 0, 1, desc_nombre("y.bin"),
                motivo, sizeof motivo) &&
        progreso_desde_cero(r.x.p, desc_nombre("y.bin"), t1, p1, "el 416", motivo, sizeof motivo) &&
        de_cero(&r, ".parte tan largo como el archivo (pero con otros bytes)", "", t2, t2, 0, 1,
                desc_nombre("igual.bin"), motivo, sizeof motivo) &&
        de_cero(&r, "206 que empieza en 0 y no donde se pidió", "&rango=mal", t3,
                (uint64_t)cal_azar(t3 / 4, t3 * 3 / 4), 1, 0, desc_nombre("w.bin"), motivo,
                sizeof motivo) &&
        reinicio_vacia(r.x.s, motivo, sizeof motivo) &&
        reinicio_una_vez(r.x.s, motivo, sizeof motivo);
    cal_obtenido("%s",
                 ok ? "416 (más largo o ya completo) y 206 que no empieza donde debe: los "
                      "tres empiezan de 0 con el .parte vacío y el progreso desde 0; y el "
                      "reinicio, una vez por descarga (cuatro peticiones y ERROR con -r 3, y la "
                      "otra descarga acaba bien)"
                    : motivo);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ disco lleno */

/* «ERROR nombre <motivo>» con motivo, el .parte con los `tope` primeros bytes (lo que cupo,
 * en orden) y sin el nombre final. 1, o 0 con el motivo. */
static int lleno_bien(cal_proceso_t *p, const char *dir, const char *nombre, uint64_t semilla,
                      uint64_t tope, char *motivo, size_t tam)
{
    char l[256], parte[300];
    if (desc_tam_archivo(dir, nombre) >= 0) {
        snprintf(motivo, tam,
                 "%s existe con %lld %s: no cabía (cada archivo tiene un tope de %llu %s) y se "
                 "renombró como si estuviera entero (¿un error o una escritura corta de "
                 "uv_fs_write que no se miró?)",
                 nombre, desc_tam_archivo(dir, nombre),
                 texto_plural(desc_tam_archivo(dir, nombre), "byte", "bytes"),
                 (unsigned long long)tope, texto_plural((long long)tope, "byte", "bytes"));
        return 0;
    }
    if (!desc_linea(p, "ERROR", nombre, l, sizeof l)) {
        snprintf(motivo, tam, "falta «ERROR %s <motivo>»: la escritura falló y no se dijo", nombre);
        return 0;
    }
    if (strlen(l) <= strlen("ERROR ") + strlen(nombre) + 1) {
        snprintf(motivo, tam, "«%s» no dice el motivo (el error de uv_fs_write)", l);
        return 0;
    }
    snprintf(parte, sizeof parte, "%s.parte", nombre);
    char m[200];
    if (!desc_archivo_bien(dir, parte, semilla, tope, m, sizeof m)) {
        snprintf(motivo, tam, "%s (se esperaban los bytes que cupieron, %llu)", m,
                 (unsigned long long)tope);
        return 0;
    }
    return 1;
}

/* El disco, lleno a propósito: ningún archivo del programa puede pasar de un tope al azar
 * (RLIMIT_FSIZE, cal_lanzamiento_t.tope_archivo). Es la forma de llenar «el disco» que
 * funciona con bwrap y sin él, con root y sin él: un sistema de archivos pequeño de verdad
 * pide montar (root), y la cuota de la verificación (lib/cuota.c) mata, no hace fallar. El
 * núcleo hace justo lo que hace un disco lleno: la escritura que cruza el tope se queda
 * corta y la siguiente falla (EFBIG en lugar de ENOSPC: el mismo camino en el programa).
 * justo.bin no cabe por unos pocos bytes: su última escritura se queda corta, y solo quien
 * escribe el resto ve el error; quien da la escritura corta por entera renombra un archivo
 * al que le faltan bytes. */
CAL_PRUEBA(disco_lleno, 30)
static void disco_lleno(void)
{
    uint64_t tope = (uint64_t)cal_azar(150000, 250000);
    cal_esperado("con cada archivo limitado a %llu %s (el disco «se llena») y -r 2: «ERROR …» "
                 "con el motivo para las tres que no caben (una por pocos bytes y otra troceada, "
                 "sin Content-Length), su .parte con lo que cupo y sin renombrar. No se "
                 "reintentan: no es un fallo pasajero. La que cabe, entera (el código de salida lo "
                 "juzga «Código de salida: 0 si todas bien, 1 si alguna falló»)",
                 (unsigned long long)tope, texto_plural((long long)tope, "byte", "bytes"));
    corrida_t x;
    if (!desc_preparar(&x))
        CAL_FIN(0);
    const char *dir = x.c.dir;
    uint64_t sem[4] = {desc_semilla_nueva(), desc_semilla_nueva(), desc_semilla_nueva(),
                       desc_semilla_nueva()};
    uint64_t tam[4] = {tope + (uint64_t)cal_azar(100000, 200000), tope + (uint64_t)cal_azar(1, 64),
                       tope / 2, tope + (uint64_t)cal_azar(100000, 200000)};
    char u[4][128], b[4][200];
    /* Sin Repr-Digest: la huella leería el .parte y cazaría el hueco por otro camino («huella
     * mala»); aquí se juzga el resultado de cada escritura. */
    for (int i = 0; i < 3; i++)
        desc_bytes_url(u[i], sizeof u[i], tam[i], sem[i], "&digest=no");
    /* Y una troceada (sin Content-Length ni huella): nada con qué comparar al final, así que
     * solo el error de la escritura dice que no cupo. Quien no lo mira la renombra cortada y
     * la da por OK (el estudiante de prueba del 11: 100/100). */
    desc_troceada_url(u[3], sizeof u[3], tam[3], sem[3], NULL);
    /* Con -r 2: una escritura que falla no es uno de los tres fallos pasajeros (requisito 7),
     * así que cada una se pide una sola vez (reintentarla sacaba 100/100: el estudiante de
     * prueba de la sesión 29). */
    const char *args[] = {"-c",
                          "1",
                          "-r",
                          "2",
                          desc_arg(b[0], sizeof b[0], desc_nombre("lleno.bin"), u[0]),
                          desc_arg(b[1], sizeof b[1], desc_nombre("justo.bin"), u[1]),
                          desc_arg(b[2], sizeof b[2], desc_nombre("cabe.bin"), u[2]),
                          desc_arg(b[3], sizeof b[3], desc_nombre("troceada.bin"), u[3]),
                          NULL};
    desc_proximo_tope(tope);
    if (!desc_correr(&x, args, 15000))
        CAL_FIN(0);
    char motivo[512] = "";
    int ok =
        desc_acabo(&x, motivo, sizeof motivo) &&
        lleno_bien(x.p, dir, desc_nombre("lleno.bin"), sem[0], tope, motivo, sizeof motivo) &&
        lleno_bien(x.p, dir, desc_nombre("justo.bin"), sem[1], tope, motivo, sizeof motivo) &&
        desc_archivo_bien(dir, desc_nombre("cabe.bin"), sem[2], tam[2], motivo, sizeof motivo) &&
        lleno_bien(x.p, dir, desc_nombre("troceada.bin"), sem[3], tope, motivo, sizeof motivo);
    const char *llenos[] = {desc_nombre("lleno.bin"), desc_nombre("justo.bin"), NULL,
                            desc_nombre("troceada.bin")};
    for (int i = 0; i < 4 && ok; i++) {
        cal_peticion_t v[4];
        int n = llenos[i] != NULL ? desc_registro_de(x.s, u[i], v, 4) : 1;
        if (n > 1) {
            snprintf(motivo, sizeof motivo,
                     "con -r 2, %s se pidió más de una vez (%d): una escritura que falla (disco "
                     "lleno) no "
                     "se reintenta, solo un 5xx, un corte o -t agotado (requisito 7); el disco "
                     "seguiría lleno",
                     llenos[i], n);
            ok = 0;
        }
    }
    if (ok)
        cal_obtenido("los tres ERROR con su motivo, los .parte con lo que cupo y %s entero",
                     desc_nombre("cabe.bin"));
    else
        cal_obtenido("%s", motivo);
    if (!ok)
        desc_nota_corrida(&x, 8);
    CAL_FIN(ok);
}
