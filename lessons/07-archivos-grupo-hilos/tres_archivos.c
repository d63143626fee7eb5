/* tres_archivos.c — escribir tres archivos a la vez y, cuando los tres están escritos,
 * leerlos a la vez.
 *
 * Cada archivo es una cadena de peticiones uv_fs_* (abrir → escribir → cerrar; abrir → leer
 * → cerrar) que se encadenan desde sus callbacks: cada callback empieza el paso siguiente.
 * Los tres archivos avanzan a la vez porque cada petición va al grupo de hilos y el bucle no
 * espera a ninguna. Un contador de pendientes dice cuándo han terminado los tres.
 *
 * Todo ocurre en una carpeta nueva dentro de $TMPDIR (uv_fs_mkdtemp) que el programa borra
 * al final: un programa que crea archivos temporales también los quita.
 *
 * Memoria: un único programa_t en la pila de main; cada archivo_t lleva dentro su uv_fs_t
 * (solo hay una petición en curso por archivo) y la callback lo recupera con CONTENEDOR_DE.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"

#define ARCHIVOS 3
#define TAM_RUTA 512

typedef struct programa_s programa_t;

typedef struct {
    programa_t *prog;
    int numero;
    char ruta[TAM_RUTA + 32]; /* la carpeta y «/archivoN.txt» */
    uv_fs_t req; /* una sola petición en curso por archivo: se reutiliza en cada paso */
    uv_file fd;
    char datos[128]; /* lo que se escribe y, después, el búfer de lectura */
    size_t largo;
    int fallo; /* primer error de este archivo (0 si ninguno) */
} archivo_t;

struct programa_s {
    uv_loop_t *bucle;
    uv_fs_t carpeta_req; /* mkdtemp y, al final, rmdir */
    char carpeta[TAM_RUTA];
    archivo_t archivos[ARCHIVOS];
    int pendientes;
    int fallos;
};

static void empezar_lectura(archivo_t *a);
static void borrar_todo(programa_t *prog);

/* Anota el primer error de un archivo; el mensaje, en español, va a stderr. */
static void fallar(archivo_t *a, const char *paso, int codigo)
{
    fprintf(stderr, "%s: %s: %s\n", a->ruta, paso, error_texto(codigo));
    if (a->fallo == 0) {
        a->fallo = codigo;
        a->prog->fallos++;
    }
}

/* Un archivo terminó su fase (con o sin error): el contador de la fase resta uno. */
static void terminar_fase(archivo_t *a, void (*siguiente)(programa_t *))
{
    programa_t *prog = a->prog;
    prog->pendientes--;
    if (prog->pendientes == 0)
        siguiente(prog);
}

/* ---------- Fase 1: escribir (abrir → escribir → cerrar) ---------------------------------- */

static void fase_lectura(programa_t *prog)
{
    int i;
    prog->pendientes = ARCHIVOS;
    for (i = 0; i < ARCHIVOS; i++)
        empezar_lectura(&prog->archivos[i]);
}

static void al_cerrar_escrito(uv_fs_t *req)
{
    archivo_t *a = CONTENEDOR_DE(req, archivo_t, req);
    if (req->result < 0)
        fallar(a, "cerrar", (int)req->result);
    else if (a->fallo == 0)
        printf("Escribió en archivo%d.txt\n", a->numero);
    uv_fs_req_cleanup(req);
    terminar_fase(a, fase_lectura);
}

static void cerrar_escrito(archivo_t *a)
{
    int r = uv_fs_close(a->prog->bucle, &a->req, a->fd, al_cerrar_escrito);
    if (r < 0) {
        fallar(a, "cerrar", r);
        terminar_fase(a, fase_lectura);
    }
}

static void al_escribir(uv_fs_t *req)
{
    archivo_t *a = CONTENEDOR_DE(req, archivo_t, req);
    /* En un archivo normal una escritura corta es rarísima (disco lleno); copiar.c muestra
     * cómo continuar donde se quedó. Aquí se trata como error. */
    if (req->result < 0)
        fallar(a, "escribir", (int)req->result);
    else if ((size_t)req->result != a->largo)
        fallar(a, "escribir", UV_EIO);
    uv_fs_req_cleanup(req);
    cerrar_escrito(a); /* con error o sin él: el descriptor abierto se cierra siempre */
}

static void al_abrir_para_escribir(uv_fs_t *req)
{
    archivo_t *a = CONTENEDOR_DE(req, archivo_t, req);
    uv_buf_t buf;
    int r;
    if (req->result < 0) {
        fallar(a, "abrir", (int)req->result);
        uv_fs_req_cleanup(req);
        terminar_fase(a, fase_lectura); /* no se abrió: no hay nada que cerrar */
        return;
    }
    a->fd = (uv_file)req->result;
    uv_fs_req_cleanup(req);
    /* uv_buf_t se copia; los bytes a los que apunta (a->datos) deben vivir hasta al_escribir. */
    buf = uv_buf_init(a->datos, (unsigned)a->largo);
    r = uv_fs_write(a->prog->bucle, &a->req, a->fd, &buf, 1, 0, al_escribir);
    if (r < 0) {
        fallar(a, "escribir", r);
        cerrar_escrito(a);
    }
}

static void empezar_escritura(archivo_t *a)
{
    int r;
    a->largo = (size_t)snprintf(a->datos, sizeof a->datos, "Contenido del archivo %d",
                                a->numero);
    r = uv_fs_open(a->prog->bucle, &a->req, a->ruta, O_WRONLY | O_CREAT | O_TRUNC, 0644,
                   al_abrir_para_escribir);
    if (r < 0) {
        fallar(a, "abrir", r);
        terminar_fase(a, fase_lectura);
    }
}

/* ---------- Fase 2: leer (abrir → leer → cerrar) --------------------------------------- */

static void al_cerrar_leido(uv_fs_t *req)
{
    archivo_t *a = CONTENEDOR_DE(req, archivo_t, req);
    if (req->result < 0)
        fallar(a, "cerrar", (int)req->result);
    uv_fs_req_cleanup(req);
    terminar_fase(a, borrar_todo);
}

static void al_leer(uv_fs_t *req)
{
    archivo_t *a = CONTENEDOR_DE(req, archivo_t, req);
    int r;
    if (req->result < 0) {
        fallar(a, "leer", (int)req->result);
        a->largo = 0;
    } else {
        a->largo = (size_t)req->result; /* 0 sería el final del archivo */
    }
    uv_fs_req_cleanup(req);
    r = uv_fs_close(a->prog->bucle, &a->req, a->fd, al_cerrar_leido);
    if (r < 0) {
        fallar(a, "cerrar", r);
        terminar_fase(a, borrar_todo);
    }
}

static void al_abrir_para_leer(uv_fs_t *req)
{
    archivo_t *a = CONTENEDOR_DE(req, archivo_t, req);
    uv_buf_t buf;
    int r;
    if (req->result < 0) {
        fallar(a, "abrir", (int)req->result);
        uv_fs_req_cleanup(req);
        terminar_fase(a, borrar_todo);
        return;
    }
    a->fd = (uv_file)req->result;
    uv_fs_req_cleanup(req);
    memset(a->datos, 0, sizeof a->datos);
    /* Un solo read: los archivos son cortos y caben en el búfer (copiar.c lee por trozos). */
    buf = uv_buf_init(a->datos, sizeof a->datos - 1);
    r = uv_fs_read(a->prog->bucle, &a->req, a->fd, &buf, 1, 0, al_leer);
    if (r < 0) {
        fallar(a, "leer", r);
        if (uv_fs_close(a->prog->bucle, &a->req, a->fd, al_cerrar_leido) < 0)
            terminar_fase(a, borrar_todo);
    }
}

static void empezar_lectura(archivo_t *a)
{
    int r;
    if (a->fallo != 0) { /* no se llegó a escribir bien: nada que leer */
        terminar_fase(a, borrar_todo);
        return;
    }
    r = uv_fs_open(a->prog->bucle, &a->req, a->ruta, O_RDONLY, 0, al_abrir_para_leer);
    if (r < 0) {
        fallar(a, "abrir", r);
        terminar_fase(a, borrar_todo);
    }
}

/* ---------- Fase 3: mostrar y limpiar ------------------------------------------------------ */

static void al_borrar_carpeta(uv_fs_t *req)
{
    programa_t *prog = CONTENEDOR_DE(req, programa_t, carpeta_req);
    if (req->result < 0) {
        fprintf(stderr, "%s: borrar: %s\n", prog->carpeta, error_texto((int)req->result));
        prog->fallos++;
    }
    uv_fs_req_cleanup(req);
}

/* Un archivo menos por borrar; tras el último, la carpeta (solo se puede quitar vacía). */
static void contar_borrado(programa_t *prog)
{
    int r;
    prog->pendientes--;
    if (prog->pendientes > 0)
        return;
    r = uv_fs_rmdir(prog->bucle, &prog->carpeta_req, prog->carpeta, al_borrar_carpeta);
    if (r < 0) {
        fprintf(stderr, "%s: borrar: %s\n", prog->carpeta, error_texto(r));
        prog->fallos++;
    }
}

static void al_borrar_archivo(uv_fs_t *req)
{
    archivo_t *a = CONTENEDOR_DE(req, archivo_t, req);
    if (req->result < 0 && req->result != UV_ENOENT)
        fallar(a, "borrar", (int)req->result);
    uv_fs_req_cleanup(req);
    contar_borrado(a->prog);
}

static void borrar_todo(programa_t *prog)
{
    int i, r;
    /* Lo leído, en el orden de los archivos (las lecturas terminaron en cualquier orden). */
    for (i = 0; i < ARCHIVOS; i++) {
        archivo_t *a = &prog->archivos[i];
        if (a->fallo == 0)
            printf("Contenido de archivo%d.txt: %.*s\n", a->numero, (int)a->largo, a->datos);
    }
    prog->pendientes = ARCHIVOS;
    for (i = 0; i < ARCHIVOS; i++) {
        archivo_t *a = &prog->archivos[i];
        r = uv_fs_unlink(prog->bucle, &a->req, a->ruta, al_borrar_archivo);
        if (r < 0) { /* falló al llamar: no habrá callback, se cuenta aquí */
            fallar(a, "borrar", r);
            contar_borrado(prog);
        }
    }
}

static void al_crear_carpeta(uv_fs_t *req)
{
    programa_t *prog = CONTENEDOR_DE(req, programa_t, carpeta_req);
    int i;
    if (req->result < 0) {
        fprintf(stderr, "no pude crear la carpeta temporal: %s\n",
                error_texto((int)req->result));
        prog->fallos++;
        uv_fs_req_cleanup(req);
        return;
    }
    /* req->path es la plantilla con las X ya sustituidas; vive hasta uv_fs_req_cleanup. */
    snprintf(prog->carpeta, sizeof prog->carpeta, "%s", req->path);
    uv_fs_req_cleanup(req);

    prog->pendientes = ARCHIVOS;
    for (i = 0; i < ARCHIVOS; i++) {
        archivo_t *a = &prog->archivos[i];
        a->prog = prog;
        a->numero = i + 1;
        snprintf(a->ruta, sizeof a->ruta, "%s/archivo%d.txt", prog->carpeta, a->numero);
        empezar_escritura(a);
    }
}

int main(void)
{
    uv_loop_t bucle;
    programa_t prog;
    const char *tmp = getenv("TMPDIR");
    char plantilla[TAM_RUTA];
    int r;

    memset(&prog, 0, sizeof prog);
    if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    snprintf(plantilla, sizeof plantilla, "%s/tres_archivos-XXXXXX", tmp);

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    prog.bucle = &bucle;
    r = uv_fs_mkdtemp(&bucle, &prog.carpeta_req, plantilla, al_crear_carpeta);
    if (r < 0) {
        fprintf(stderr, "no pude crear la carpeta temporal: %s\n", error_texto(r));
        prog.fallos++;
    }
    if (bucle_terminar(&bucle) != 0)
        return 1;
    return prog.fallos == 0 ? 0 : 1;
}
