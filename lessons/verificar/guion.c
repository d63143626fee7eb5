/* guion.c — conduce un servidor de una lección con un guion (lessons/CONVENCIONES.md §5).
 *
 *   guion PUERTO GUION SALIDA FACTOR COMPARAR_AWK
 *
 * Abre una conexión a 127.0.0.1:PUERTO y ejecuta el GUION orden a orden: envía líneas, espera
 * las que deben llegar, abre y cierra conexiones. SALIDA es el archivo donde va el stdout del
 * servidor (para la orden «salida»); FACTOR multiplica las esperas (4 bajo valgrind). Cada
 * línea recibida se compara con la esperada con las reglas de COMPARAR_AWK (modo «linea»): un
 * solo lugar decide qué casa, el mismo que compara las salidas documentadas.
 *
 * Sale con 0 si el guion se cumplió entero. Si no, escribe en stdout UNA línea en español,
 * «línea N: motivo» (N es la línea del guion; 0, antes de la primera orden: abrir el guion o la
 * primera conexión), y sale con 1 (2: mal llamado). Lo que queda del guion tras el primer fallo
 * no se ejecuta. Arrancar el servidor, leer su puerto y pararlo con SIGINT es de verificar.sh;
 * esto solo habla por los sockets. Límites: líneas recibidas de hasta MAX_LINEA bytes (una más
 * larga es un fallo que lo dice) y MAX_CONEXIONES conexiones por guion.
 *
 * Es un programa de pruebas, no material del curso: E/S bloqueante con poll() y plazos, que es
 * lo más claro para conducir un diálogo línea a línea (el bucle de eventos es lo que se prueba,
 * no lo que prueba). connect() y send() no llevan plazo: en 127.0.0.1 no esperan a nadie. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONEXIONES   64
#define MAX_LINEA        8192
#define ESPERA_S         5   /* lo que se espera una línea, un cierre o una salida (× FACTOR) */
#define SILENCIO_MS      300 /* «silencio» sin número */
#define SONDEO_SALIDA_MS 100

typedef struct {
    int fd;              /* -1: cerrada con «cierra» */
    char buf[MAX_LINEA]; /* lo recibido que aún no es una línea entregada */
    size_t n;
    int eof;
} conexion_t;

/* Cómo acabó una lectura: una línea entera, el plazo agotado, el cierre del otro lado, o
 * MAX_LINEA bytes sin '\n' (el guion no admite líneas tan largas: falla diciéndolo). */
typedef enum { LEIDA_LINEA, LEIDA_PLAZO, LEIDA_FIN, LEIDA_LARGA } leida_t;

static conexion_t conexiones[MAX_CONEXIONES];
static int nconexiones;
static int actual; /* 1..nconexiones; 0: ninguna */
static int nlinea;
static unsigned short puerto;
static const char *comparar_awk;

static int fallar(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Escribe el motivo del fallo («línea N: …») y devuelve -1, para `return fallar(…)`. */
static int fallar(const char *fmt, ...)
{
    va_list ap;
    printf("línea %d: ", nlinea);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    return -1;
}

static long long ahora_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void dormir_ms(long long ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    while (nanosleep(&t, &t) == -1 && errno == EINTR)
        ;
}

/* Un número de milisegundos o de conexión: solo dígitos, sin signo ni espacios. */
static int leer_numero(const char *s, long *valor)
{
    char *fin;
    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    *valor = strtol(s, &fin, 10);
    if (errno != 0 || *fin != '\0' || *valor > 86400000)
        return -1;
    return 0;
}

static int abrir(void)
{
    struct sockaddr_in dir = {.sin_family = AF_INET, .sin_port = htons(puerto)};
    int fd;
    dir.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (nconexiones == MAX_CONEXIONES)
        return fallar("más de %d conexiones en un guion", MAX_CONEXIONES);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&dir, sizeof dir) != 0) {
        if (fd >= 0)
            close(fd);
        return fallar("no se pudo conectar a 127.0.0.1:%u", (unsigned)puerto);
    }
    conexiones[nconexiones] = (conexion_t){.fd = fd};
    nconexiones++;
    actual = nconexiones;
    return 0;
}

static conexion_t *conexion_actual(void)
{
    if (actual < 1 || conexiones[actual - 1].fd < 0) {
        fallar("no hay conexión abierta (use «conecta» o «usa N»)");
        return NULL;
    }
    return &conexiones[actual - 1];
}

/* Lee de `c` hasta tener una línea entera, el cierre del otro lado o agotar `plazo_ms`, y deja
 * en `linea` la línea sin su '\n' (o lo que llegó, si no llegó entera). Una línea entera o la
 * parte final antes del cierre se quitan del búfer; lo llegado a medias al agotar el plazo se
 * queda (el guion se para en ese fallo, así que nadie lo vuelve a leer). LEIDA_LARGA ya
 * escribe su motivo: quien llama solo devuelve -1. */
static leida_t leer_linea(conexion_t *c, long long plazo_ms, char linea[MAX_LINEA + 1])
{
    long long hasta = ahora_ms() + plazo_ms;
    char *nl = NULL;
    leida_t r;
    for (;;) {
        nl = memchr(c->buf, '\n', c->n);
        if (nl != NULL) {
            r = LEIDA_LINEA;
            break;
        }
        if (c->n == sizeof c->buf) {
            r = LEIDA_LARGA;
            break;
        }
        if (c->eof) {
            r = LEIDA_FIN;
            break;
        }
        /* Con el plazo agotado se mira una vez más sin esperar: «silencio 0» también mira. */
        long long falta = hasta - ahora_ms();
        if (falta < 0)
            falta = 0;
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int listo = poll(&p, 1, (int)falta);
        if (listo < 0 && errno != EINTR) {
            c->eof = 1;
            continue;
        }
        if (listo == 0 && falta == 0) {
            r = LEIDA_PLAZO;
            break;
        }
        if (listo <= 0)
            continue;
        ssize_t leidos = recv(c->fd, c->buf + c->n, sizeof c->buf - c->n, 0);
        if (leidos > 0)
            c->n += (size_t)leidos;
        else if (leidos == 0 || (errno != EINTR && errno != EAGAIN))
            c->eof = 1;
    }

    size_t largo = c->n;
    size_t quitar = 0;
    if (nl != NULL) {
        largo = (size_t)(nl - c->buf);
        quitar = largo + 1;
    } else if (r == LEIDA_FIN) {
        quitar = largo;
    }
    memcpy(linea, c->buf, largo); /* largo <= MAX_LINEA */
    linea[largo] = '\0';
    memmove(c->buf, c->buf + quitar, c->n - quitar);
    c->n -= quitar;
    if (r == LEIDA_LARGA)
        fallar("llegaron %d bytes sin fin de línea (el guion no admite líneas tan largas)",
               MAX_LINEA);
    return r;
}

static void quitar_cr(char *s)
{
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '\r')
        s[n - 1] = '\0';
}

/* ¿Casa la línea obtenida con la esperada? Lo decide comparar.awk (modo linea): 1 casa, 0 no
 * casa, -1 no se pudo preguntar (sin fork, sin awk o sin el archivo). */
static int casa_linea(const char *esperada, const char *obtenida)
{
    int estado = 0;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setenv("ESPERADA", esperada, 1);
        setenv("OBTENIDA", obtenida, 1);
        setenv("LC_ALL", "C", 1);
        execlp("awk", "awk", "-v", "modo=linea", "-f", comparar_awk, (char *)NULL);
        _exit(127);
    }
    pid_t r = waitpid(pid, &estado, 0);
    while (r < 0 && errno == EINTR)
        r = waitpid(pid, &estado, 0);
    if (r < 0 || !WIFEXITED(estado))
        return -1;
    if (WEXITSTATUS(estado) == 0)
        return 1;
    return WEXITSTATUS(estado) == 1 ? 0 : -1; /* awk: 2 si no lee el archivo; 127, sin awk */
}

/* ¿Hay ya en el archivo `ruta` una línea que contenga `texto`? (lo que hacía grep -qF). */
static int archivo_contiene(const char *ruta, const char *texto)
{
    FILE *f = fopen(ruta, "re");
    char *linea = NULL;
    size_t tam = 0;
    int hay = 0;
    if (f == NULL)
        return 0;
    while (!hay && getline(&linea, &tam, f) != -1)
        hay = strstr(linea, texto) != NULL;
    free(linea);
    fclose(f);
    return hay;
}

static int orden_enviar(const char *resto, const char *fin_linea)
{
    conexion_t *c = conexion_actual();
    char linea[MAX_LINEA + 2];
    if (c == NULL)
        return -1;
    int n = snprintf(linea, sizeof linea, "%s%s", resto, fin_linea);
    if (n < 0 || (size_t)n >= sizeof linea)
        return fallar("línea demasiado larga para enviar");
    for (size_t hecho = 0; hecho < (size_t)n;) {
        ssize_t w = send(c->fd, linea + hecho, (size_t)n - hecho, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return fallar("no se pudo enviar «%s» (¿el servidor cerró la conexión?)", resto);
        hecho += (size_t)w;
    }
    return 0;
}

static int orden_recibir(const char *resto, int espera_s)
{
    conexion_t *c = conexion_actual();
    char recibido[MAX_LINEA + 1];
    if (c == NULL)
        return -1;
    leida_t r = leer_linea(c, espera_s * 1000LL, recibido);
    quitar_cr(recibido);
    if (r == LEIDA_LARGA)
        return -1;
    if (r == LEIDA_PLAZO)
        return fallar("se esperaba «%s» y no llegó nada en %d s", resto, espera_s);
    if (r == LEIDA_FIN && recibido[0] == '\0')
        return fallar("se esperaba «%s» y el servidor cerró la conexión", resto);
    int casa = casa_linea(resto, recibido);
    if (casa < 0)
        return fallar("no se pudo ejecutar awk -f %s para comparar la línea", comparar_awk);
    if (casa == 0)
        return fallar("se esperaba «%s» y llegó «%s»", resto, recibido);
    return 0;
}

static int orden_fin(int espera_s)
{
    conexion_t *c = conexion_actual();
    char recibido[MAX_LINEA + 1];
    if (c == NULL)
        return -1;
    leida_t r = leer_linea(c, espera_s * 1000LL, recibido);
    if (r == LEIDA_LARGA)
        return -1;
    if (r == LEIDA_PLAZO)
        return fallar("se esperaba que el servidor cerrara la conexión y sigue abierta tras %d s",
                      espera_s);
    if (r == LEIDA_LINEA || recibido[0] != '\0')
        return fallar("se esperaba el cierre de la conexión y llegó «%s»", recibido);
    return 0;
}

static int orden_silencio(const char *resto)
{
    conexion_t *c = conexion_actual();
    char recibido[MAX_LINEA + 1];
    long ms = SILENCIO_MS;
    if (c == NULL)
        return -1;
    if (resto[0] != '\0' && leer_numero(resto, &ms) != 0)
        return fallar("«silencio» necesita milisegundos, o nada (%d)", SILENCIO_MS);
    leida_t r = leer_linea(c, ms, recibido);
    if (r == LEIDA_LARGA)
        return -1;
    if (r == LEIDA_LINEA)
        return fallar("no debía llegar nada y llegó «%s»", recibido);
    if (recibido[0] != '\0')
        return fallar("no debía llegar nada y llegó «%s» (sin fin de línea)", recibido);
    return 0;
}

static int orden_salida(const char *resto, const char *salida, int espera_s)
{
    if (resto[0] == '\0')
        return fallar("«salida» necesita el texto que se espera");
    long long hasta = ahora_ms() + espera_s * 1000LL;
    while (!archivo_contiene(salida, resto)) {
        if (ahora_ms() >= hasta)
            return fallar("el servidor no escribió «%s» en %d s", resto, espera_s);
        dormir_ms(SONDEO_SALIDA_MS);
    }
    return 0;
}

/* «usa N» y «cierra N»: N es una conexión que el guion abrió. */
static int elegir_conexion(const char *orden, const char *resto)
{
    long n;
    if (leer_numero(resto, &n) != 0 || n < 1 || n > nconexiones)
        return fallar("«%s %s»: no existe esa conexión", orden, resto);
    actual = (int)n;
    return 0;
}

static int orden_cierra(const char *resto)
{
    if (resto[0] != '\0' && elegir_conexion("cierra", resto) != 0)
        return -1;
    conexion_t *c = conexion_actual();
    if (c == NULL)
        return -1;
    close(c->fd);
    c->fd = -1;
    actual = 0;
    return 0;
}

/* Una orden del guion (la línea ya sin '\r' final, ni vacía ni comentario). */
static int ejecutar_orden(char *linea, const char *salida, int factor, const char **fin_linea)
{
    char *espacio = strchr(linea, ' ');
    const char *resto = "";
    int espera_s = ESPERA_S * factor;
    if (espacio != NULL) {
        *espacio = '\0';
        resto = espacio + 1;
    }
    const char *orden = linea;
    if (strcmp(orden, ">") == 0)
        return orden_enviar(resto, *fin_linea);
    if (strcmp(orden, "<") == 0)
        return orden_recibir(resto, espera_s);
    if (strcmp(orden, "fin") == 0)
        return orden_fin(espera_s);
    if (strcmp(orden, "silencio") == 0)
        return orden_silencio(resto);
    if (strcmp(orden, "espera") == 0) {
        long ms;
        if (leer_numero(resto, &ms) != 0)
            return fallar("«espera» necesita milisegundos");
        dormir_ms((long long)ms * factor);
        return 0;
    }
    if (strcmp(orden, "salida") == 0)
        return orden_salida(resto, salida, espera_s);
    if (strcmp(orden, "conecta") == 0)
        return abrir();
    if (strcmp(orden, "usa") == 0)
        return elegir_conexion("usa", resto);
    if (strcmp(orden, "cierra") == 0)
        return orden_cierra(resto);
    if (strcmp(orden, "fin-de-linea") == 0) {
        if (strcmp(resto, "crlf") == 0)
            *fin_linea = "\r\n";
        else if (strcmp(resto, "lf") == 0)
            *fin_linea = "\n";
        else
            return fallar("«fin-de-linea» admite crlf o lf");
        return 0;
    }
    return fallar("orden desconocida «%s» (ver lessons/CONVENCIONES.md)", orden);
}

int main(int argc, char **argv)
{
    long p, factor;
    FILE *guion;
    char linea[MAX_LINEA];
    const char *fin_linea = "\n";
    int r = 0;

    if (argc != 6 || leer_numero(argv[1], &p) != 0 || p > 65535 ||
        leer_numero(argv[4], &factor) != 0 || factor < 1 || factor > 100) {
        fprintf(stderr, "uso: %s PUERTO GUION SALIDA FACTOR COMPARAR_AWK\n", argv[0]);
        return 2;
    }
    puerto = (unsigned short)p;
    comparar_awk = argv[5];
    guion = fopen(argv[2], "re");
    if (guion == NULL) {
        printf("línea 0: no se pudo abrir el guion %s (%s)\n", argv[2], strerror(errno));
        return 1;
    }
    /* waitpid necesita SIGCHLD como viene por omisión (un SIG_IGN heredado haría que los
     * hijos no dejaran estado). Escribir en un socket cerrado no da SIGPIPE: MSG_NOSIGNAL. */
    signal(SIGCHLD, SIG_DFL);

    r = abrir();
    while (r == 0 && fgets(linea, sizeof linea, guion) != NULL) {
        nlinea++;
        linea[strcspn(linea, "\n")] = '\0';
        quitar_cr(linea);
        if (linea[0] == '\0' || linea[0] == '#')
            continue;
        r = ejecutar_orden(linea, argv[3], (int)factor, &fin_linea);
    }
    fclose(guion);
    for (int i = 0; i < nconexiones; i++)
        if (conexiones[i].fd >= 0)
            close(conexiones[i].fd);
    fflush(stdout);
    return r == 0 ? 0 : 1;
}
