/* copiar.c — copiar un archivo por trozos con uv_fs_read y uv_fs_write: un solo búfer, la
 * memoria no crece con el tamaño del archivo.
 *
 *   copiar [-t BYTES] ORIGEN DESTINO      (trozos de 64 KiB por omisión; 1..1048576)
 *
 * La cadena es: abrir el origen → fstat (para saber el tamaño) → abrir el destino → leer un
 * trozo → escribirlo (entero: una escritura corta se continúa) → leer el siguiente… hasta
 * que la lectura devuelve 0 (fin del archivo). Después se cierran los dos descriptores, pase
 * lo que pase por el camino. Al final, ya fuera del bucle, una comprobación con la forma
 * SÍNCRONA de uv_fs_stat (sin callback), que bloquea y por eso solo se usa donde bloquear
 * no hace daño a nadie.
 *
 * Memoria: copia_t vive en la pila de main; el búfer se reserva una vez y se libera al final.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

typedef struct {
    uv_loop_t *bucle;
    const char *origen, *destino;
    uv_fs_t req;                   /* la petición de la cadena (una sola en curso) */
    uv_fs_t cierre_o, cierre_d;    /* los dos cierres del final, que van a la vez */
    uv_file fd_origen, fd_destino; /* -1 mientras no estén abiertos */
    char *bufer;
    size_t tam_trozo;
    int64_t desplazamiento; /* dónde empieza el trozo actual en los dos archivos */
    size_t en_bufer;        /* bytes leídos del trozo actual */
    size_t escritos;        /* de esos, cuántos ya se escribieron */
    uint64_t tamano;        /* del origen, según fstat */
    int lecturas, escrituras;
    int cierres_pendientes;
    int error;
} copia_t;

static void leer_trozo(copia_t *c);
static void escribir_resto(copia_t *c);

static void al_cerrar(uv_fs_t *req)
{
    copia_t *c = req->data;
    if (req->result < 0 && c->error == 0)
        c->error = (int)req->result;
    uv_fs_req_cleanup(req);
    c->cierres_pendientes--;
}

static void cerrar_uno(copia_t *c, uv_fs_t *req, uv_file fd)
{
    if (fd < 0)
        return;
    req->data = c;
    if (uv_fs_close(c->bucle, req, fd, al_cerrar) == 0)
        c->cierres_pendientes++;
}

/* El único final de la cadena, con éxito o con error: cierra lo que esté abierto. */
static void terminar(copia_t *c, const char *paso, int error)
{
    if (error < 0) {
        fprintf(stderr, "copiar: %s: %s\n", paso, error_texto(error));
        c->error = error;
    }
    cerrar_uno(c, &c->cierre_o, c->fd_origen);
    cerrar_uno(c, &c->cierre_d, c->fd_destino);
}

static void al_escribir(uv_fs_t *req)
{
    copia_t *c = CONTENEDOR_DE(req, copia_t, req);
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    if (r < 0) {
        terminar(c, "escribir en el destino", (int)r);
        return;
    }
    c->escrituras++;
    c->escritos += (size_t)r;
    if (c->escritos < c->en_bufer) { /* escritura corta: lo que falta, desde donde quedó */
        escribir_resto(c);
        return;
    }
    c->desplazamiento += (int64_t)c->en_bufer;
    printf("  trozo %d: %zu bytes (%3.0f %%)\n", c->lecturas, c->en_bufer,
           c->tamano > 0 ? 100.0 * (double)c->desplazamiento / (double)c->tamano : 100.0);
    leer_trozo(c);
}

static void escribir_resto(copia_t *c)
{
    uv_buf_t buf = uv_buf_init(c->bufer + c->escritos, (unsigned)(c->en_bufer - c->escritos));
    int r = uv_fs_write(c->bucle, &c->req, c->fd_destino, &buf, 1,
                        c->desplazamiento + (int64_t)c->escritos, al_escribir);
    if (r < 0)
        terminar(c, "escribir en el destino", r);
}

static void al_leer(uv_fs_t *req)
{
    copia_t *c = CONTENEDOR_DE(req, copia_t, req);
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    if (r < 0) {
        terminar(c, "leer el origen", (int)r);
        return;
    }
    if (r == 0) { /* fin del archivo: la copia está hecha */
        terminar(c, NULL, 0);
        return;
    }
    c->lecturas++;
    c->en_bufer = (size_t)r;
    c->escritos = 0;
    escribir_resto(c);
}

static void leer_trozo(copia_t *c)
{
    /* Nunca se pide el siguiente trozo antes de escribir el anterior: un solo búfer basta. */
    uv_buf_t buf = uv_buf_init(c->bufer, (unsigned)c->tam_trozo);
    int r = uv_fs_read(c->bucle, &c->req, c->fd_origen, &buf, 1, c->desplazamiento, al_leer);
    if (r < 0)
        terminar(c, "leer el origen", r);
}

static void al_abrir_destino(uv_fs_t *req)
{
    copia_t *c = CONTENEDOR_DE(req, copia_t, req);
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    if (r < 0) {
        terminar(c, c->destino, (int)r);
        return;
    }
    c->fd_destino = (uv_file)r;
    leer_trozo(c);
}

static void al_fstat(uv_fs_t *req)
{
    copia_t *c = CONTENEDOR_DE(req, copia_t, req);
    int r = (int)req->result;
    if (r == 0)
        c->tamano = req->statbuf.st_size;
    uv_fs_req_cleanup(req);
    if (r < 0) {
        terminar(c, c->origen, r);
        return;
    }
    printf("Copiando %s (%llu bytes) en trozos de %zu bytes\n", c->origen,
           (unsigned long long)c->tamano, c->tam_trozo);
    r = uv_fs_open(c->bucle, &c->req, c->destino, O_WRONLY | O_CREAT | O_TRUNC, 0644,
                   al_abrir_destino);
    if (r < 0)
        terminar(c, c->destino, r);
}

static void al_abrir_origen(uv_fs_t *req)
{
    copia_t *c = CONTENEDOR_DE(req, copia_t, req);
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    if (r < 0) {
        terminar(c, c->origen, (int)r);
        return;
    }
    c->fd_origen = (uv_file)r;
    r = uv_fs_fstat(c->bucle, &c->req, c->fd_origen, al_fstat);
    if (r < 0)
        terminar(c, c->origen, (int)r);
}

/* Tamaño de un archivo con la forma síncrona: sin callback, uv_fs_stat bloquea y devuelve el
 * resultado en el acto. El bucle no interviene (pero hay que pasarle uno). */
static int64_t tamano_sincrono(uv_loop_t *bucle, const char *ruta)
{
    uv_fs_t req;
    int64_t tam;
    int r = uv_fs_stat(bucle, &req, ruta, NULL);
    tam = r < 0 ? r : (int64_t)req.statbuf.st_size;
    uv_fs_req_cleanup(&req); /* también en la forma síncrona: libera la ruta copiada */
    return tam;
}

static int leer_opciones(int argc, char **argv, copia_t *c)
{
    int i = 1;
    c->tam_trozo = 64 * 1024;
    if (argc == 5 && strcmp(argv[1], "-t") == 0) {
        char *fin;
        long n;
        errno = 0;
        n = strtol(argv[2], &fin, 10);
        if (errno != 0 || fin == argv[2] || *fin != '\0' || n < 1 || n > 1048576) {
            fprintf(stderr, "copiar: tamaño de trozo inválido: «%s» (1..1048576)\n", argv[2]);
            return -1;
        }
        c->tam_trozo = (size_t)n;
        i = 3;
    }
    if (argc - i != 2) {
        fprintf(stderr, "uso: copiar [-t BYTES] ORIGEN DESTINO\n");
        return -1;
    }
    c->origen = argv[i];
    c->destino = argv[i + 1];
    return 0;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    copia_t c;
    int r;

    memset(&c, 0, sizeof c);
    c.fd_origen = c.fd_destino = -1;
    if (leer_opciones(argc, argv, &c) < 0)
        return 2;
    c.bufer = malloc(c.tam_trozo);
    if (c.bufer == NULL || uv_loop_init(&bucle) < 0) {
        fprintf(stderr, "copiar: sin memoria\n");
        free(c.bufer);
        return 1;
    }
    c.bucle = &bucle;
    r = uv_fs_open(&bucle, &c.req, c.origen, O_RDONLY, 0, al_abrir_origen);
    if (r < 0)
        terminar(&c, c.origen, r);
    r = bucle_terminar(&bucle);
    free(c.bufer);
    if (r != 0 || c.error != 0)
        return 1;

    printf("Copia terminada: %d lecturas y %d escrituras\n", c.lecturas, c.escrituras);
    /* Fuera del bucle (ya cerrado) bloquear no molesta: la forma síncrona es lo sencillo.
     * Basta un uv_loop_t inicializado; no hace falta ejecutarlo. */
    if (uv_loop_init(&bucle) < 0)
        return 1;
    printf("Comprobación síncrona: origen %lld bytes, destino %lld bytes\n",
           (long long)tamano_sincrono(&bucle, c.origen),
           (long long)tamano_sincrono(&bucle, c.destino));
    return uv_loop_close(&bucle) == 0 ? 0 : 1;
}
