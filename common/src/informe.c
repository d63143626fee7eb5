/* informe.c — ejecuta un programa bajo una herramienta de depuración y enseña lo esencial
 * de su informe (ver curso/informe.h).
 *
 * La herramienta se lanza como proceso hijo con uv_spawn; su salida (stdout y stderr por la
 * misma tubería) se lee con uv_read_start y un temporizador la mata si tarda más de 60 s.
 * Del informe se quedan las líneas que enseñan algo y se quitan las que cambian en cada
 * ejecución: direcciones (0x…), pids y rutas absolutas. Así la salida se puede comparar y
 * se lee igual en cualquier máquina.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/errores.h"
#include "curso/informe.h"

#define LIMITE_MS  60000
#define MAX_LINEA  1024
#define MAX_LINEAS 40

extern char **environ;

typedef struct {
    const informe_t *h;
    FILE *destino;
    uv_process_t proceso;
    uv_pipe_t salida;
    uv_timer_t limite;
    char linea[MAX_LINEA];
    size_t largo;
    int mostrando; /* 0 antes del principio, 1 dentro, 2 después del final */
    int mostradas;
    int64_t estado;
    int senal;
} ejecucion_t;

/* Quita lo que cambia de una ejecución a otra: «==1234== », direcciones, pids, rutas. */
static void normalizar(const char *entrada, char *salida, size_t tam)
{
    size_t j = 0;
    int texto = 0; /* ¿ya salió algo que no sea la sangría? */
    const char *p = entrada;
    if (p[0] == '=' && p[1] == '=') {
        const char *fin = strstr(p + 2, "==");
        if (fin != NULL)
            p = fin[2] == ' ' ? fin + 3 : fin + 2;
    }
    while (*p != '\0' && j + 4 < tam) {
        if (p[0] == '0' && p[1] == 'x' && isxdigit((unsigned char)p[2])) {
            memcpy(salida + j, "0x…", 5); /* «…» ocupa 3 bytes en UTF-8 */
            j += 5;
            p += 2;
            while (isxdigit((unsigned char)*p))
                p++;
        } else if ((strncmp(p, "pid=", 4) == 0 || strncmp(p, "tid=", 4) == 0) &&
                   isdigit((unsigned char)p[4])) {
            memcpy(salida + j, p, 4);
            memcpy(salida + j + 4, "…", 3);
            j += 7;
            p += 4;
            while (isdigit((unsigned char)*p))
                p++;
        } else if (*p == '/' || strncmp(p, "lessons/", 8) == 0 || strncmp(p, "common/", 7) == 0) {
            /* Una ruta: se deja solo el último componente (defectos.c:47, libuv.so.1). */
            const char *q = p;
            const char *ultimo = p;
            while (*q != '\0' && *q != ' ' && *q != ')' && *q != ':' && *q != '+') {
                if (*q == '/')
                    ultimo = q + 1;
                q++;
            }
            while (p < ultimo)
                p++;
            if (p == q)
                salida[j++] = '/';
        } else if (*p == ' ' && texto && salida[j - 1] == ' ') {
            p++; /* los espacios de alineación (strace, ASan) dependen del largo de lo quitado */
        } else {
            texto |= *p != ' ';
            salida[j++] = *p++;
        }
    }
    salida[j] = '\0';
}

static void procesar_linea(ejecucion_t *e, const char *linea)
{
    char limpia[MAX_LINEA + 64];
    const informe_t *h = e->h;
    if (e->mostrando == 2 || e->mostradas >= MAX_LINEAS)
        return;
    if (e->mostrando == 0 && strstr(linea, h->empieza) == NULL)
        return;
    e->mostrando = 1;
    for (int i = 0; h->quitar[i] != NULL; i++)
        if (strstr(linea, h->quitar[i]) != NULL)
            return;
    normalizar(linea, limpia, sizeof limpia);
    if (limpia[strspn(limpia, " ")] == '\0')
        return; /* las líneas vacías de valgrind separan informes */
    fprintf(e->destino, "  │ %s\n", limpia);
    e->mostradas++;
    if (h->termina != NULL && strstr(linea, h->termina) != NULL)
        e->mostrando = 2;
}

/* La ejecución vive en la pila de informe_ejecutar, que no vuelve hasta que el bucle se
 * vacía: los cierres no necesitan callback. */
static void cerrar(uv_handle_t *handle)
{
    if (!uv_is_closing(handle))
        uv_close(handle, NULL);
}

static void reservar(uv_handle_t *handle, size_t sugerido, uv_buf_t *buf)
{
    (void)handle;
    buf->base = malloc(sugerido);
    buf->len = buf->base == NULL ? 0 : sugerido;
}

static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    ejecucion_t *e = flujo->data;
    for (ssize_t i = 0; i < n; i++) {
        char c = buf->base[i];
        if (c == '\n' || e->largo + 1 == sizeof e->linea) {
            e->linea[e->largo] = '\0';
            procesar_linea(e, e->linea);
            e->largo = 0;
        }
        if (c != '\n')
            e->linea[e->largo++] = c;
    }
    free(buf->base);
    if (n < 0) { /* UV_EOF o un error: la herramienta ya no escribirá más */
        if (e->largo > 0) {
            e->linea[e->largo] = '\0';
            procesar_linea(e, e->linea);
        }
        cerrar((uv_handle_t *)flujo);
    }
}

static void al_salir(uv_process_t *proceso, int64_t estado, int senal)
{
    ejecucion_t *e = proceso->data;
    e->estado = estado;
    e->senal = senal;
    cerrar((uv_handle_t *)proceso);
    cerrar((uv_handle_t *)&e->limite);
}

static void al_vencer(uv_timer_t *t)
{
    ejecucion_t *e = t->data;
    fprintf(stderr, "informe: %s tarda más de %d s; lo paro\n", e->h->programa, LIMITE_MS / 1000);
    uv_process_kill(&e->proceso, SIGKILL);
}

int informe_ejecutar(const informe_t *informe, FILE *destino)
{
    ejecucion_t e = {.h = informe, .destino = destino};
    char ruta[4096], programa[4200];
    size_t tam = sizeof ruta;
    const char *args[16];
    int n = 0, r;
    uv_loop_t bucle;

    /* El programa está junto a quien llama: misma carpeta que /proc/self/exe. */
    r = uv_exepath(ruta, &tam);
    if (r < 0 || strrchr(ruta, '/') == NULL) {
        fprintf(stderr, "informe: no sé dónde estoy: %s\n", error_texto(r < 0 ? r : UV_ENOENT));
        return r < 0 ? r : UV_ENOENT;
    }
    *strrchr(ruta, '/') = '\0';
    snprintf(programa, sizeof programa, "%s/%s", ruta, informe->programa);
    for (int i = 0; informe->orden[i] != NULL && n < 12; i++)
        args[n++] = informe->orden[i];
    args[n++] = programa;
    args[n++] = informe->argumento;
    args[n] = NULL;

    fprintf(destino, "$");
    for (int i = 0; i < n; i++)
        fprintf(destino, " %s", args[i] == programa ? informe->programa : args[i]);
    fprintf(destino, "\n");
    fflush(destino);

    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "informe: uv_loop_init: %s\n", error_texto(r));
        return r;
    }
    /* Una tubería cuyo extremo de escritura será a la vez el stdout y el stderr del hijo
     * (los informes de las herramientas salen por stderr; el de gdb, por stdout). */
    uv_file extremos[2];
    r = uv_pipe(extremos, 0, 0);
    if (r < 0) {
        fprintf(stderr, "informe: uv_pipe: %s\n", error_texto(r));
        uv_loop_close(&bucle);
        return r;
    }
    uv_pipe_init(&bucle, &e.salida, 0);
    uv_pipe_open(&e.salida, extremos[0]);
    uv_timer_init(&bucle, &e.limite);
    e.salida.data = e.limite.data = e.proceso.data = &e;

    uv_stdio_container_t stdio[3] = {
        {.flags = UV_IGNORE},
        {.flags = UV_INHERIT_FD, .data.fd = extremos[1]},
        {.flags = UV_INHERIT_FD, .data.fd = extremos[1]},
    };
    /* El entorno del hijo, sin LD_PRELOAD: si alguien (stdbuf, por ejemplo) precarga una
     * biblioteca, ASan se niega a arrancar porque su motor debe ir el primero. */
    static char *entorno[256];
    int m = 0;
    for (char **v = environ; *v != NULL && m < 255; v++)
        if (strncmp(*v, "LD_PRELOAD=", 11) != 0)
            entorno[m++] = *v;
    entorno[m] = NULL;
    uv_process_options_t opciones = {
        .file = args[0],
        .args = (char **)args,
        .env = entorno,
        .stdio = stdio,
        .stdio_count = 3,
        .exit_cb = al_salir,
    };
    r = uv_spawn(&bucle, &e.proceso, &opciones);
    /* El hijo tiene ya su copia del extremo de escritura: si el padre no cierra la suya,
     * la lectura nunca vería el fin (UV_EOF). */
    close(extremos[1]);
    if (r < 0) {
        /* Fallo síncrono: no habrá al_salir. Se cierra lo que sí se abrió. */
        fprintf(stderr, "informe: no puedo ejecutar «%s»: %s\n", args[0], error_texto(r));
        uv_close((uv_handle_t *)&e.salida, NULL);
        uv_close((uv_handle_t *)&e.limite, NULL);
        uv_close((uv_handle_t *)&e.proceso, NULL);
        uv_run(&bucle, UV_RUN_DEFAULT);
        uv_loop_close(&bucle);
        return r;
    }
    uv_timer_start(&e.limite, al_vencer, LIMITE_MS, 0);
    r = uv_read_start((uv_stream_t *)&e.salida, reservar, al_leer);
    if (r < 0) {
        fprintf(stderr, "informe: no puedo leer la salida: %s\n", error_texto(r));
        cerrar((uv_handle_t *)&e.salida);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(&bucle);
    if (e.senal != 0)
        fprintf(destino, "terminó por la señal %d\n", e.senal);
    else
        fprintf(destino, "estado de salida: %lld\n", (long long)e.estado);
    return r;
}
