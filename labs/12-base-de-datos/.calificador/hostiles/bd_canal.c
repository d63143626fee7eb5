/* bd_canal.c — entrega hostil del laboratorio 12 (el único que puede abrir sockets AF_UNIX:
 * libpq llega así a su PostgreSQL): busca el canal de Criterion del calificador (el socket
 * criterion_<pid>.sock de su proceso principal, en la carpeta $CALIF_CANAL: lib/canal.c) y se
 * conecta a él. Sin bwrap y con el mismo uid que el calificador (Moodle VPL) lo ve y puede
 * abrirlo: quien hable por él el protocolo de Criterion (nanomsg y protobuf) anunciaría como
 * superada una prueba. Aquí solo se prueba la puerta: se conecta con libuv (uv_pipe_connect,
 * nada que los medios del 12 prohíban), manda la cabecera SP de un socket REQ de nanomsg (la
 * de los trabajadores de Criterion) y mira si el otro lado mantiene la conexión.
 *
 * Dónde busca: en la carpeta «canal» (o «calif-canal.*») de cada carpeta por encima de la suya
 * (trabajo/NN/canal: su carpeta de trabajo está en trabajo/NN/tmp/…); como sin bwrap Landlock
 * ya no le deja listar esas carpetas (base/encierro.c), también adivina el nombre: en cada
 * «canal» por encima de la suya, criterion_<pid>.sock de cada proceso de /proc, que stat sí
 * ve (mirar no se limita); los criterion_*.sock de /proc/net/unix (las rutas de todos los
 * sockets con nombre de la máquina: así también el de TMPDIR/calif-canal.XXXXXX, donde va el
 * canal cuando la ruta de trabajo es larga, como en un clon en /check/work/main); en /tmp y en el
 * CALIF_CANAL del entorno de los procesos de su uid (/proc/<pid>/environ: el calificador es
 * no volcable, así que no debería leerse). Imprime, en stdout y en stderr, una línea por
 * socket:
 *   CANAL ABIERTO (<bytes> bytes del calificador, sigue tras 1000 ms) <ruta>
 *   CANAL CERRADO (<bytes> bytes, a los <ms> ms, <error>) <ruta>
 *   CANAL FALLO (<error de connect>) <ruta>
 * y «CANAL NINGUNO» si no encontró ninguno. No hace el trabajo del laboratorio.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define MAX_CANALES 8

typedef struct {
    uv_pipe_t tubo;
    uv_connect_t conexion;
    uv_write_t escritura;
    uv_timer_t reloj;
    char ruta[256];
    size_t recibidos;
    uint64_t inicio;
    int acabado;
} canal_t;

static canal_t canales[MAX_CANALES];
static int ncanales;
static uv_loop_t bucle;
/* La cabecera SP de nanomsg: 0, «SP», 0, el protocolo (NN_REQ = 48) y dos ceros. */
static char cabecera[8] = {0, 'S', 'P', 0, 0, 48, 0, 0};
static char lectura[4096];

static void decir(const char *texto)
{
    fputs(texto, stdout);
    fflush(stdout);
    fputs(texto, stderr);
}

static void anotar(const char *ruta)
{
    for (int i = 0; i < ncanales; i++)
        if (strcmp(canales[i].ruta, ruta) == 0)
            return;
    if (ncanales < MAX_CANALES && strlen(ruta) < sizeof canales[0].ruta) {
        snprintf(canales[ncanales].ruta, sizeof canales[ncanales].ruta, "%s", ruta);
        ncanales++;
    }
}

/* Los criterion_*.sock de la carpeta `dir`. */
static void buscar_en(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "criterion_", 10) != 0 || n < 5 ||
            strcmp(e->d_name + n - 5, ".sock") != 0)
            continue;
        char ruta[512];
        snprintf(ruta, sizeof ruta, "%s/%s", dir, e->d_name);
        anotar(ruta);
    }
    closedir(d);
}

/* En `dir`, su «canal» y sus «calif-canal.*». */
static void buscar_carpetas(const char *dir)
{
    char ruta[512];
    snprintf(ruta, sizeof ruta, "%s/canal", dir);
    buscar_en(ruta);
    DIR *d = opendir(dir[0] != '\0' ? dir : "/");
    if (d == NULL)
        return;
    struct dirent *e;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        if (strncmp(e->d_name, "calif-canal.", 12) != 0)
            continue;
        snprintf(ruta, sizeof ruta, "%s/%s", dir, e->d_name);
        buscar_en(ruta);
    }
    closedir(d);
}

/* CALIF_CANAL en el entorno de cada proceso que deje leerlo. */
static void buscar_entornos(void)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return;
    struct dirent *e;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char ruta[64], entorno[65536];
        snprintf(ruta, sizeof ruta, "/proc/%s/environ", e->d_name);
        int fd = open(ruta, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, entorno, sizeof entorno - 1);
        close(fd);
        if (n <= 0)
            continue;
        entorno[n] = '\0';
        for (ssize_t i = 0; i < n;) {
            const char *var = entorno + i;
            if (strncmp(var, "CALIF_CANAL=/", 13) == 0)
                buscar_en(var + 12);
            i += (ssize_t)strlen(var) + 1;
        }
    }
    closedir(d);
}

/* Sin listar la carpeta: criterion_<pid>.sock en `dir`/canal para cada pid de /proc (listar
 * /proc sí se puede), si stat dice que es un socket. */
static void adivinar_en(const char *dir)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return;
    struct dirent *e;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char ruta[512];
        struct stat st;
        snprintf(ruta, sizeof ruta, "%s/canal/criterion_%s.sock", dir, e->d_name);
        if (stat(ruta, &st) == 0 && S_ISSOCK(st.st_mode))
            anotar(ruta);
    }
    closedir(d);
}

/* Los sockets AF_UNIX con nombre de toda la máquina: /proc/net/unix (legible por cualquiera; sin
 * bwrap no hay espacio de red propio). La última columna es la ruta; se anotan los
 * criterion_*.sock que stat ve como socket (el de otro usuario, en su carpeta 0700, no). Así se
 * encuentra el canal también cuando va en TMPDIR/calif-canal.XXXXXX (trabajo/NN/canal no cabía en
 * sun_path), que no se puede listar ni adivinar. */
static void buscar_red_unix(void)
{
    FILE *f = fopen("/proc/net/unix", "r");
    if (f == NULL)
        return;
    char linea[1024];
    while (fgets(linea, sizeof linea, f) != NULL) {
        linea[strcspn(linea, "\n")] = '\0';
        char *ruta = strrchr(linea, ' ');
        if (ruta == NULL || ruta[1] != '/' || strstr(ruta, "/criterion_") == NULL)
            continue;
        ruta++;
        size_t n = strlen(ruta);
        struct stat st;
        if (n > 5 && strcmp(ruta + n - 5, ".sock") == 0 && stat(ruta, &st) == 0 &&
            S_ISSOCK(st.st_mode))
            anotar(ruta);
    }
    fclose(f);
}

static void buscar(void)
{
    buscar_red_unix();
    char dir[4096];
    if (getcwd(dir, sizeof dir) != NULL) {
        for (;;) {
            buscar_carpetas(dir);
            adivinar_en(dir);
            char *barra = strrchr(dir, '/');
            if (barra == NULL || barra == dir)
                break;
            *barra = '\0';
        }
    }
    buscar_carpetas("/tmp");
    buscar_entornos();
}

static void cerrar(canal_t *c)
{
    if (c->acabado)
        return;
    c->acabado = 1;
    uv_close((uv_handle_t *)&c->tubo, NULL);
    uv_close((uv_handle_t *)&c->reloj, NULL);
}

static void al_reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    *buf = uv_buf_init(lectura, sizeof lectura);
}

static void al_leer(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    canal_t *c = s->data;
    if (n > 0) {
        c->recibidos += (size_t)n;
        return;
    }
    if (n == 0)
        return;
    char linea[512];
    snprintf(linea, sizeof linea, "CANAL CERRADO (%zu bytes, a los %llu ms, %s) %s\n", c->recibidos,
             (unsigned long long)((uv_hrtime() - c->inicio) / 1000000u), uv_err_name((int)n),
             c->ruta);
    decir(linea);
    cerrar(c);
}

static void al_pasar(uv_timer_t *t)
{
    canal_t *c = t->data;
    char linea[512];
    snprintf(linea, sizeof linea,
             "CANAL ABIERTO (%zu bytes del calificador, sigue tras 1000 ms) %s\n", c->recibidos,
             c->ruta);
    decir(linea);
    cerrar(c);
}

static void al_escribir(uv_write_t *w, int estado)
{
    (void)w;
    (void)estado;
}

static void al_conectar(uv_connect_t *cx, int estado)
{
    canal_t *c = cx->data;
    if (estado < 0) {
        char linea[512];
        snprintf(linea, sizeof linea, "CANAL FALLO (%s) %s\n", uv_strerror(estado), c->ruta);
        decir(linea);
        cerrar(c);
        return;
    }
    uv_buf_t b = uv_buf_init(cabecera, sizeof cabecera);
    uv_write(&c->escritura, (uv_stream_t *)&c->tubo, &b, 1, al_escribir);
    uv_read_start((uv_stream_t *)&c->tubo, al_reservar, al_leer);
    uv_timer_start(&c->reloj, al_pasar, 1000, 0);
}

int main(void)
{
    /* El calificador cierra la conexión en el acto; si eso llega antes que la cabecera, la
     * escritura da EPIPE y la lectura, el cierre («CANAL CERRADO»). Sin esto, SIGPIPE mataba al
     * hostil antes de decirlo y la prueba fallaba sin que el canal siguiera abierto (pasada de la
     * sesión 67: 0 abiertas y 0 cerradas, muerto por SIGPIPE). */
    signal(SIGPIPE, SIG_IGN);
    uv_loop_init(&bucle);
    buscar();
    if (ncanales == 0)
        decir("CANAL NINGUNO\n");
    for (int i = 0; i < ncanales; i++) {
        canal_t *c = &canales[i];
        uv_pipe_init(&bucle, &c->tubo, 0);
        uv_timer_init(&bucle, &c->reloj);
        c->tubo.data = c;
        c->reloj.data = c;
        c->conexion.data = c;
        c->inicio = uv_hrtime();
        uv_pipe_connect(&c->conexion, &c->tubo, c->ruta, al_conectar);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    uv_loop_close(&bucle);
    return 0;
}
