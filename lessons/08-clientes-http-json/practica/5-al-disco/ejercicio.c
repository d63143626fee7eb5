/* ejercicio.c — al disco a medida que llega (práctica 5 de la lección 8).
 *
 *   al-disco RUTA NOMBRE   pide RUTA al servidor de práctica y la guarda en $TMPDIR/NOMBRE.
 *
 * Cada trozo va a una cola y de ahí a NOMBRE.parte, en orden, con una sola uv_fs_write en
 * curso; con más de 1 MiB pendiente se pausa la recepción (y se reanuda bajo 256 KiB). Con el
 * último trozo en el disco, el .parte se renombra a NOMBRE; un fallo lo deja como está.
 *
 * Tal como está, tira lo que llega: el .parte se queda vacío y nunca se renombra. Tu trabajo:
 * al_recibir, al_escribir, al_cerrar, quizas_terminar y escribir_siguiente (ver README.md).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/huella.h"
#include "curso/practica.h"

#define PAUSAR_DESDE  (1024 * 1024) /* bytes en la cola: por encima, se pausa la recepción */
#define REANUDAR_BAJO (256 * 1024)  /* y por debajo, se reanuda */

typedef struct trozo_s {
    struct trozo_s *siguiente;
    size_t n;
    char datos[];
} trozo_t;

typedef struct {
    uv_loop_t *bucle;
    http_cliente_t *cliente;
    http_peticion_t *peticion; /* NULL cuando la transferencia ha terminado */
    char final[512], parte[520];
    uv_file fd;
    uv_fs_t req;            /* escribir, cerrar, renombrar: una operación a la vez */
    trozo_t *cabeza, *cola; /* lo recibido que aún no está en el disco, en orden */
    size_t pendiente;       /* sus bytes */
    int64_t escritos;       /* los que ya están en el disco: la posición del siguiente */
    int escribiendo, pausada;
    char motivo[160]; /* el primer fallo; "" si ninguno */
} descarga_t;

static void escribir_siguiente(descarga_t *d);

/* Guarda el primer fallo (lo demás suele ser consecuencia) y para la transferencia. */
static void fallar(descarga_t *d, const char *motivo)
{
    if (d->motivo[0] == '\0')
        snprintf(d->motivo, sizeof d->motivo, "%s", motivo);
    if (d->peticion != NULL)
        http_cancelar(d->peticion);
}

/* Llega un trozo: `datos` es prestado, se copia a la cola. Si se acumula demasiado, pausa. */
static int al_recibir(http_peticion_t *p, const char *datos, size_t n, void *usuario)
{
    /* TODO: copia el trozo al final de la cola (los datos son prestados) y súmalo a lo
     * pendiente; si lo pendiente pasa de PAUSAR_DESDE, pausa la recepción (una vez); si no
     * hay ninguna escritura en curso, lanza la siguiente. Devuelve 0 para seguir recibiendo. */
    (void)p;
    (void)datos;
    (void)n;
    (void)usuario;
    (void)escribir_siguiente;
    return 0;
}

static void al_escribir(uv_fs_t *req)
{
    /* TODO: terminó la escritura del primero de la cola. Si falló o escribió menos de lo
     * pedido, fallar(); si no, avanza la posición. Sácalo de la cola, descuéntalo de lo
     * pendiente y libéralo; si la recepción estaba pausada y lo pendiente ya está por debajo
     * de REANUDAR_BAJO, reanúdala; y sigue con el siguiente de la cola. */
    (void)req;
}

/* Tras cerrar (y tras renombrar, que acaba aquí también). */
static void al_cerrar(uv_fs_t *req)
{
    descarga_t *d = CONTENEDOR_DE(req, descarga_t, req);
    uv_fs_type hecho = req->fs_type;
    if (req->result < 0)
        fallar(d, error_texto((int)req->result));
    uv_fs_req_cleanup(req);
    /* TODO: si lo que acaba de terminar es el cierre y no hubo ningún fallo, renombra el
     * .parte a su nombre final (con esta misma callback): renombrarlo es el «commit». Con un
     * fallo, el .parte se queda con lo recibido (sirve para reanudar). */
    (void)hecho;
}

/* Una descarga acaba cuando acaban dos cosas: la transferencia y la cola de escrituras. */
static void quizas_terminar(descarga_t *d)
{
    /* TODO: si la transferencia terminó, no hay ninguna escritura en curso y la cola está
     * vacía, cierra el .parte (con al_cerrar). */
    (void)d;
    (void)al_cerrar;
}

/* Lanza la escritura del primero de la cola en su posición; con la cola vacía, quizás acaba. */
static void escribir_siguiente(descarga_t *d)
{
    /* TODO: con la cola vacía, quizás se acabó; si no, lanza la escritura del primero de la
     * cola en su posición (d->escritos), con al_escribir. */
    (void)d;
    (void)al_escribir;
}

/* ---- Ya escrito: no lo cambies ------------------------------------------------------- */

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    descarga_t *d = usuario;
    (void)p;
    d->peticion = NULL;
    if (r->error != 0)
        fallar(d, r->mensaje); /* r es prestada: fallar() copia el mensaje */
    http_cliente_cerrar(d->cliente, NULL, NULL);
    quizas_terminar(d);
}

static uv_sem_t fin_vigia;   /* main lo señala tras el bucle */
static long long visto = -1; /* tamaño de NOMBRE la primera vez que el vigía lo vio */

/* El vigía: otro hilo, fuera del bucle, mira NOMBRE cada milisegundo como lo vería otro
 * programa (y una vez más tras el bucle). */
static void vigilar(void *final)
{
    struct stat st;
    for (int fin = 0; !fin; uv_sleep(1)) {
        fin = uv_sem_trywait(&fin_vigia) == 0;
        if (visto < 0 && stat(final, &st) == 0)
            visto = st.st_size;
    }
}

/* Lo que hay en el disco al acabar: el tamaño y el principio de la SHA-256, en base64. */
static void describir(const char *ruta)
{
    unsigned char buf[1 << 14], resumen[HUELLA_BYTES];
    char base64[HUELLA_BASE64];
    FILE *f = fopen(ruta, "rb");
    huella_t h;
    size_t n;
    if (f == NULL) {
        printf("%s: no existe\n", strrchr(ruta, '/') + 1);
        return;
    }
    huella_iniciar(&h);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        huella_anadir(&h, buf, n);
    fclose(f);
    printf("%s: %llu bytes", strrchr(ruta, '/') + 1, (unsigned long long)h.bytes);
    huella_terminar(&h, resumen);
    huella_base64(resumen, base64);
    printf(", sha-256 %.16s\n", base64);
}

int main(int argc, char **argv)
{
    const char *tmp = getenv("TMPDIR");
    uv_loop_t bucle;
    practica_t servidor;
    descarga_t d = {.bucle = &bucle};
    http_opciones_t op = {.error_si_estado = 1, .al_recibir = al_recibir};
    struct rusage antes, despues;
    uv_thread_t vigia;
    uv_fs_t abrir;
    char url[600];
    int r;

    if (argc != 3 || argv[1][0] != '/' || strchr(argv[2], '/') != NULL) {
        fprintf(stderr, "uso: %s RUTA NOMBRE   (por ejemplo: /bytes/100000 datos.bin)\n", argv[0]);
        return 2;
    }
    snprintf(d.final, sizeof d.final, "%s/%s", tmp != NULL ? tmp : "/tmp", argv[2]);
    snprintf(d.parte, sizeof d.parte, "%s.parte", d.final);
    remove(d.final); /* el de una ejecución anterior */
    if (practica_arrancar(&servidor, NULL) < 0 || uv_loop_init(&bucle) < 0) {
        fprintf(stderr, "no puedo arrancar el servidor de práctica\n");
        return 1;
    }
    snprintf(url, sizeof url, "%s%s", servidor.url, argv[1]);
    /* La forma síncrona, antes del bucle: aún no hace esperar a nadie. */
    d.fd = uv_fs_open(&bucle, &abrir, d.parte, O_WRONLY | O_CREAT | O_TRUNC, 0644, NULL);
    uv_fs_req_cleanup(&abrir);
    if (d.fd < 0 || http_cliente_nuevo(&bucle, 0, &d.cliente) < 0 ||
        http_pedir(d.cliente, url, &op, al_terminar, &d, &d.peticion) < 0) {
        fprintf(stderr, "no puedo empezar la descarga de %s\n", url);
        return 1; /* lo abierto lo cierra el sistema al salir */
    }
    uv_sem_init(&fin_vigia, 0); /* sin comprobar: con un valor inicial 0 no falla */
    if (uv_thread_create(&vigia, vigilar, d.final) != 0) {
        fprintf(stderr, "no puedo arrancar el vigía\n");
        return 1;
    }
    getrusage(RUSAGE_SELF, &antes);
    r = bucle_terminar(&bucle);
    getrusage(RUSAGE_SELF, &despues);
    uv_sem_post(&fin_vigia);
    uv_thread_join(&vigia);
    uv_sem_destroy(&fin_vigia);
    practica_parar(&servidor);
    if (d.motivo[0] != '\0')
        printf("ERROR %s: %s\n", argv[2], d.motivo);
    else
        printf("OK %s: %lld bytes\n", argv[2], (long long)d.escritos);
    if (visto < 0)
        printf("el vigía nunca vio %s\n", argv[2]);
    else
        printf("el vigía vio aparecer %s con %lld bytes\n", argv[2], visto);
    describir(d.final);
    describir(d.parte);
    printf("la memoria creció %s\n",
           despues.ru_maxrss - antes.ru_maxrss < 8192 ? "menos de 8 MiB" : "8 MiB o más");
    return r == 0 && d.motivo[0] == '\0' ? 0 : 1;
}
