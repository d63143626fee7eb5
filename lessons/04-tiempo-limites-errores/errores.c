/* errores.c — cómo informa libuv de los errores: códigos negativos, uv_err_name() y
 * uv_strerror() (en inglés) frente a error_texto() del curso (en español), y la regla de
 * oro: una petición que falla al llamarla NUNCA llama a su callback; una que arranca bien
 * la llama exactamente una vez, con el error si lo hubo.
 *
 * Se provocan varios fallos síncronos (devueltos por la propia llamada) y dos asíncronos
 * (llegan en la callback). Al final se cuenta cuántas callbacks hubo: solo dos.
 */
#include <fcntl.h>
#include <stdio.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/errores.h"

typedef struct {
    uv_loop_t *bucle;
    uv_tcp_t servidor;      /* escucha en un puerto efímero */
    uv_tcp_t intruso;       /* intenta escuchar en el mismo puerto */
    uv_tcp_t ocupante;      /* enlazado a un puerto pero sin escuchar: rechaza conexiones */
    uv_tcp_t cliente;       /* intenta conectar con el ocupante */
    uv_tcp_t suelto;        /* nunca se conecta */
    uv_connect_t conexion;
    uv_fs_t abrir;
    int callbacks;
    /* Los dos fallos asíncronos llegan en un orden que no controlamos (uno viene de un hilo
     * del grupo, el otro del socket): se guardan y se imprimen al final, en orden fijo. */
    int error_abrir;
    int error_conectar;
} demo_t;

/* Una línea de la tabla: qué se intentó, qué código salió y qué significa. El nombre
 * (uv_err_name) es el de libuv; la explicación, la del curso en español (error_texto). */
static void informar(const char *operacion, int codigo)
{
    if (codigo < 0)
        printf("  %-30s → %4d %-13s (%s)\n", operacion, codigo, uv_err_name(codigo),
               error_texto(codigo));
    else
        printf("  %-30s → %4d (éxito)\n", operacion, codigo);
}

/* Callbacks de operaciones que fallan al llamarlas: libuv no las llamará jamás. */
static void conexion_imposible(uv_stream_t *servidor, int estado)
{
    (void)servidor;
    printf("¡conexión imposible! (%d)\n", estado);
}

static void reserva_imposible(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    (void)h;
    (void)sugerido;
    (void)buf;
    printf("¡reserva imposible!\n");
}

static void lectura_imposible(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    (void)s;
    (void)buf;
    printf("¡lectura imposible! (%zd)\n", n);
}

static void al_abrir(uv_fs_t *req)
{
    demo_t *d = req->data;
    d->callbacks++;
    /* En uv_fs_* el resultado (descriptor o error) está en req->result. */
    d->error_abrir = (int)req->result;
    uv_fs_req_cleanup(req);
}

static void al_conectar(uv_connect_t *req, int estado)
{
    demo_t *d = req->data;
    d->callbacks++;
    d->error_conectar = estado;
    /* La petición falló, pero el handle sigue abierto: hay que cerrarlo igual. */
    uv_close((uv_handle_t *)&d->cliente, NULL);
    uv_close((uv_handle_t *)&d->ocupante, NULL);
}

/* Puerto real de un handle enlazado con puerto 0, o un error negativo. */
static int puerto_de(uv_tcp_t *tcp)
{
    struct sockaddr_storage dir;
    int largo = sizeof dir;
    int r = uv_tcp_getsockname(tcp, (struct sockaddr *)&dir, &largo);
    if (r < 0)
        return r;
    return ntohs(((struct sockaddr_in *)&dir)->sin_port);
}

static void fallos_sincronos(demo_t *d)
{
    struct sockaddr_in dir;
    int r;

    printf("Fallos síncronos (la llamada devuelve el error; no habrá callback):\n");
    informar("uv_ip4_addr(\"999.0.0.1\")", uv_ip4_addr("999.0.0.1", 80, &dir));

    /* Leer de un socket que no está conectado: ENOTCONN, y las callbacks no se llaman. */
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_tcp_init(d->bucle, &d->suelto);
    informar("uv_read_start(sin conectar)",
             uv_read_start((uv_stream_t *)&d->suelto, reserva_imposible, lectura_imposible));
    uv_close((uv_handle_t *)&d->suelto, NULL);

    /* Dos servidores en el mismo puerto: el bind del segundo «funciona» (libuv lo aplaza)
     * y el error aparece en uv_listen(). Hay que comprobar el resultado de ambas. */
    uv_ip4_addr("127.0.0.1", 0, &dir);
    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_tcp_init(d->bucle, &d->servidor);
    uv_tcp_init(d->bucle, &d->intruso);
    uv_tcp_bind(&d->servidor, (const struct sockaddr *)&dir, 0);
    r = uv_listen((uv_stream_t *)&d->servidor, 8, conexion_imposible);
    if (r < 0)
        informar("uv_listen(servidor)", r);
    uv_ip4_addr("127.0.0.1", puerto_de(&d->servidor), &dir);
    informar("uv_tcp_bind(puerto ocupado)", uv_tcp_bind(&d->intruso,
                                                        (const struct sockaddr *)&dir, 0));
    informar("uv_listen(puerto ocupado)",
             uv_listen((uv_stream_t *)&d->intruso, 8, conexion_imposible));
    uv_close((uv_handle_t *)&d->intruso, NULL);
    uv_close((uv_handle_t *)&d->servidor, NULL);
}

static void fallos_asincronos(demo_t *d)
{
    struct sockaddr_in dir;
    int r;

    /* La llamada arranca bien (devuelve 0) y el fallo llegará en la callback. */
    d->abrir.data = d;
    r = uv_fs_open(d->bucle, &d->abrir, "no-existe.txt", O_RDONLY, 0, al_abrir);
    if (r < 0)
        informar("uv_fs_open (al llamar)", r);

    /* Un socket enlazado que no escucha: el núcleo rechaza quien conecte (ECONNREFUSED).
     * Así el puerto está cerrado con seguridad mientras dura el ejemplo. */
    uv_ip4_addr("127.0.0.1", 0, &dir); /* dirección literal válida: no falla */
    uv_tcp_init(d->bucle, &d->ocupante); /* sin familia: no falla */
    r = uv_tcp_bind(&d->ocupante, (const struct sockaddr *)&dir, 0);
    if (r < 0)
        informar("uv_tcp_bind(ocupante)", r); /* y connect irá al puerto 0: fallará igual */
    uv_ip4_addr("127.0.0.1", puerto_de(&d->ocupante), &dir);

    /* Sin comprobar a propósito: aquí no pueden fallar (lección 2, sección 3). */
    uv_tcp_init(d->bucle, &d->cliente);
    d->conexion.data = d;
    r = uv_tcp_connect(&d->conexion, &d->cliente, (const struct sockaddr *)&dir, al_conectar);
    if (r < 0) {
        informar("uv_tcp_connect (al llamar)", r);
        uv_close((uv_handle_t *)&d->cliente, NULL);
        uv_close((uv_handle_t *)&d->ocupante, NULL);
    }
}

int main(void)
{
    uv_loop_t bucle;
    demo_t d = {0};
    int r;

    if (uv_loop_init(&bucle) < 0)
        return 1;
    d.bucle = &bucle;

    fallos_sincronos(&d);
    fallos_asincronos(&d);

    r = bucle_terminar(&bucle);
    printf("Fallos asíncronos (la llamada devuelve 0; el error llega en la callback):\n");
    informar("uv_fs_open(\"no-existe.txt\")", d.error_abrir);
    informar("uv_tcp_connect(puerto cerrado)", d.error_conectar);
    printf("Callbacks recibidas: %d (solo las de las operaciones que arrancaron)\n",
           d.callbacks);
    printf("El mismo código, con las funciones de libuv y con la del curso:\n");
    printf("  uv_err_name → %s\n", uv_err_name(d.error_conectar));
    printf("  uv_strerror → %s\n", uv_strerror(d.error_conectar));
    printf("  error_texto → %s\n", error_texto(d.error_conectar));
    return r == 0 ? 0 : 1;
}
