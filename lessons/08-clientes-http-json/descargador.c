/* descargador.c — ejemplo resuelto: descargar varias imágenes a la vez y guardarlas
 * en disco, sin bloquear el bucle ni guardar ninguna entera en memoria.
 *
 *   descargador CARPETA
 *
 * Cinco imágenes de /imagen/{ancho}/{alto}?formato=ppm del servidor de práctica (la última
 * con medidas imposibles, para ver un fallo), como mucho tres a la vez: el tope del cliente
 * HTTP del curso (max_simultaneas). Cada descarga:
 *
 *   abrir el archivo → pedir la imagen → cada trozo que llega (al_recibir) se copia a una
 *   cola y se escribe con uv_fs_write, una escritura en curso cada vez y en orden → cuando
 *   la petición ha terminado Y la cola está vacía, cerrar el archivo → si algo falló,
 *   borrarlo (un archivo a medias no debe parecer una imagen buena).
 *
 * El progreso (50 %) sale de la callback al_progresar. Al final, un resumen en el orden de
 * lanzamiento.
 *
 * Memoria: las descargas viven en un array de main; cada trozo se reserva al llegar y se
 * libera al escribirse (o al descartarse por un error).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/http.h"
#include "curso/practica.h"

#define MAX_A_LA_VEZ 3

typedef struct trozo_s {
    struct trozo_s *siguiente;
    size_t n;
    char datos[];
} trozo_t;

typedef struct programa_s programa_t;

typedef struct {
    programa_t *prog;
    int ancho, alto;
    char nombre[32];
    char ruta[1024];
    uv_fs_t req; /* abrir, escribir, cerrar y borrar: nunca dos a la vez */
    uv_file fd;
    http_peticion_t *peticion; /* NULL cuando no hay petición en curso */
    trozo_t *cabeza, *cola;    /* lo recibido que falta por escribir, en orden */
    int escribiendo;
    int http_terminada;
    int avisado;
    int64_t desplazamiento;
    int error;          /* primer error (HTTP o de disco); 0 si ninguno */
    char mensaje[128];  /* su explicación en español */
    uint64_t bytes;
} descarga_t;

struct programa_s {
    uv_loop_t *bucle;
    http_cliente_t *cliente;
    const char *carpeta;
    int pendientes;
};

static void escribir_siguiente(descarga_t *d);
static void quizas_terminar(descarga_t *d);

static void fallar(descarga_t *d, int error, const char *mensaje)
{
    if (d->error != 0)
        return; /* se conserva el primero: suele ser la causa, y lo demás, consecuencia */
    d->error = error;
    snprintf(d->mensaje, sizeof d->mensaje, "%s", mensaje);
    if (d->peticion != NULL)
        http_cancelar(d->peticion); /* su al_terminar llegará con HTTP_E_CANCELADA */
}

static void descarga_hecha(descarga_t *d)
{
    programa_t *prog = d->prog;
    if (--prog->pendientes == 0)
        http_cliente_cerrar(prog->cliente, NULL, NULL);
}

/* ---------- Disco --------------------------------------------------------------------------- */

static void al_borrar(uv_fs_t *req)
{
    descarga_t *d = CONTENEDOR_DE(req, descarga_t, req);
    uv_fs_req_cleanup(req);
    descarga_hecha(d);
}

static void al_cerrar(uv_fs_t *req)
{
    descarga_t *d = CONTENEDOR_DE(req, descarga_t, req);
    if (req->result < 0)
        fallar(d, (int)req->result, error_texto((int)req->result));
    uv_fs_req_cleanup(req);
    if (d->error == 0) {
        descarga_hecha(d);
        return;
    }
    /* Algo falló: fuera el archivo a medias. */
    if (uv_fs_unlink(d->prog->bucle, &d->req, d->ruta, al_borrar) < 0)
        descarga_hecha(d);
}

static void al_escribir(uv_fs_t *req)
{
    descarga_t *d = CONTENEDOR_DE(req, descarga_t, req);
    trozo_t *t = d->cabeza;
    ssize_t r = req->result;
    uv_fs_req_cleanup(req);
    d->cabeza = t->siguiente;
    if (d->cabeza == NULL)
        d->cola = NULL;
    if (r < 0)
        fallar(d, (int)r, error_texto((int)r));
    else if ((size_t)r != t->n) /* en un archivo, corta solo con el disco lleno */
        fallar(d, UV_ENOSPC, error_texto(UV_ENOSPC));
    else
        d->desplazamiento += r;
    free(t);
    d->escribiendo = 0;
    escribir_siguiente(d);
}

static void escribir_siguiente(descarga_t *d)
{
    uv_buf_t buf;
    int r;
    if (d->error != 0) { /* tras un error, lo que quede en la cola ya no sirve */
        while (d->cabeza != NULL) {
            trozo_t *t = d->cabeza;
            d->cabeza = t->siguiente;
            free(t);
        }
        d->cola = NULL;
    }
    if (d->cabeza == NULL) {
        quizas_terminar(d);
        return;
    }
    buf = uv_buf_init(d->cabeza->datos, (unsigned)d->cabeza->n);
    r = uv_fs_write(d->prog->bucle, &d->req, d->fd, &buf, 1, d->desplazamiento, al_escribir);
    if (r < 0) {
        fallar(d, r, error_texto(r));
        escribir_siguiente(d); /* vacía la cola y, si toca, termina */
        return;
    }
    d->escribiendo = 1;
}

/* El archivo se cierra cuando la petición terminó y no queda nada por escribir. */
static void quizas_terminar(descarga_t *d)
{
    if (!d->http_terminada || d->escribiendo || d->cabeza != NULL)
        return;
    if (uv_fs_close(d->prog->bucle, &d->req, d->fd, al_cerrar) < 0)
        descarga_hecha(d);
}

/* ---------- Red ----------------------------------------------------------------------------- */

static int al_recibir(http_peticion_t *p, const char *datos, size_t n, void *usuario)
{
    descarga_t *d = usuario;
    trozo_t *t;
    (void)p;
    if (d->error != 0)
        return 1; /* parar la transferencia */
    /* Los datos son prestados: se copian. La cola crece si el disco va más lento que la
     * red; con imágenes pequeñas no importa (el laboratorio 11 sí tiene que acotarla). */
    t = malloc(sizeof *t + n);
    if (t == NULL)
        return 1;
    t->siguiente = NULL;
    t->n = n;
    memcpy(t->datos, datos, n);
    if (d->cola != NULL)
        d->cola->siguiente = t;
    else
        d->cabeza = t;
    d->cola = t;
    if (!d->escribiendo)
        escribir_siguiente(d);
    return 0;
}

static void al_progresar(http_peticion_t *p, uint64_t recibidos, int64_t total, void *usuario)
{
    descarga_t *d = usuario;
    (void)p;
    if (!d->avisado && total > 0 && recibidos * 2 >= (uint64_t)total) {
        d->avisado = 1;
        printf("%s: 50 %%\n", d->nombre);
    }
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    descarga_t *d = usuario;
    (void)p;
    d->peticion = NULL;
    d->http_terminada = 1;
    d->bytes = r->bytes;
    if (r->error != 0)
        fallar(d, r->error, r->mensaje); /* r es prestada: fallar() copia el mensaje */
    if (!d->escribiendo)
        escribir_siguiente(d); /* con error, vacía la cola; después, quizás terminar */
}

static void al_abrir(uv_fs_t *req)
{
    descarga_t *d = CONTENEDOR_DE(req, descarga_t, req);
    http_opciones_t op = {0};
    char url[512];
    int r;

    if (req->result < 0) {
        fallar(d, (int)req->result, error_texto((int)req->result));
        uv_fs_req_cleanup(req);
        descarga_hecha(d); /* no hay archivo abierto ni petición: nada más que hacer */
        return;
    }
    d->fd = (uv_file)req->result;
    uv_fs_req_cleanup(req);

    snprintf(url, sizeof url, "%s/imagen/%d/%d?formato=ppm", practica_url(), d->ancho,
             d->alto);
    op.tiempo_limite_ms = 10000;
    op.error_si_estado = 1;      /* un 4xx o 5xx es un error, no una imagen */
    op.al_recibir = al_recibir;  /* el cuerpo no se guarda en memoria: va al disco */
    op.al_progresar = al_progresar;
    r = http_pedir(d->prog->cliente, url, &op, al_terminar, d, &d->peticion);
    if (r < 0) {
        fallar(d, r, http_error_texto(r));
        d->http_terminada = 1;
        quizas_terminar(d); /* cierra (y borra) el archivo vacío */
    }
}

int main(int argc, char **argv)
{
    static const int medidas[][2] = {{400, 300}, {500, 400}, {600, 400}, {300, 500}, {0, 0}};
    enum { N = sizeof medidas / sizeof medidas[0] };
    descarga_t descargas[N];
    uv_loop_t bucle;
    programa_t prog = {0};
    int i, r, correctas = 0;

    if (argc != 2) {
        fprintf(stderr, "uso: descargador CARPETA\n");
        return 2;
    }
    prog.carpeta = argv[1];
    memset(descargas, 0, sizeof descargas);
    if (uv_loop_init(&bucle) < 0)
        return 1;
    prog.bucle = &bucle;
    /* Forma síncrona antes del bucle: crear la carpeta no hace esperar a nadie todavía. */
    {
        uv_fs_t req;
        r = uv_fs_mkdir(&bucle, &req, prog.carpeta, 0755, NULL);
        uv_fs_req_cleanup(&req);
        if (r < 0 && r != UV_EEXIST) {
            fprintf(stderr, "descargador: %s: %s\n", prog.carpeta, error_texto(r));
            uv_loop_close(&bucle);
            return 1;
        }
    }
    r = http_cliente_nuevo(&bucle, MAX_A_LA_VEZ, &prog.cliente);
    if (r < 0) {
        fprintf(stderr, "descargador: %s\n", http_error_texto(r));
        uv_loop_close(&bucle);
        return 1;
    }
    for (i = 0; i < N; i++) {
        descarga_t *d = &descargas[i];
        d->prog = &prog;
        d->ancho = medidas[i][0];
        d->alto = medidas[i][1];
        snprintf(d->nombre, sizeof d->nombre, "imagen%d.ppm", i + 1);
        snprintf(d->ruta, sizeof d->ruta, "%s/imagen%d.ppm", prog.carpeta, i + 1);
        r = uv_fs_open(&bucle, &d->req, d->ruta, O_WRONLY | O_CREAT | O_TRUNC, 0644, al_abrir);
        if (r < 0)
            fallar(d, r, error_texto(r));
        else
            prog.pendientes++;
    }
    if (prog.pendientes == 0)
        http_cliente_cerrar(prog.cliente, NULL, NULL);
    r = bucle_terminar(&bucle);

    for (i = 0; i < N; i++) {
        descarga_t *d = &descargas[i];
        if (d->error == 0) {
            printf("%-12s %3dx%-3d %7llu bytes  guardada\n", d->nombre, d->ancho, d->alto,
                   (unsigned long long)d->desplazamiento);
            correctas++;
        } else {
            printf("%-12s %3dx%-3d  falló: %s (no queda archivo)\n", d->nombre, d->ancho,
                   d->alto, d->mensaje);
        }
    }
    printf("Descargadas %d de %d imágenes\n", correctas, N);
    return r == 0 && correctas == N ? 0 : 1;
}
