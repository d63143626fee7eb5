/* ejercicio.c — recargar la configuración con SIGHUP e ignorar SIGPIPE (práctica 3 de la
 * lección 12).
 *
 *   servicio recarga|mala|tuberia    un trabajo cada ritmo_ms (de su archivo de
 *                                    configuración, 200 ms al empezar); a los 300 ms:
 *     recarga   reescribe la configuración (ritmo_ms=100) y se envía SIGHUP;
 *     mala      la reescribe con un valor que no es un número y se envía SIGHUP;
 *     tuberia   escribe en una tubería cuyo lector ya cerró.
 *   A los 600 ms para: cierra lo suyo, te pide que cierres lo tuyo e imprime el ritmo final.
 *
 * Tal como está, nadie atiende SIGHUP ni SIGPIPE, y las dos matan el proceso. Tu trabajo: ver
 * README.md; el servicio, abajo, no se cambia.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "curso/bucle.h"

static uv_timer_t generador, guion;
static int leer_configuracion(int *ritmo_ms);

/* TODO: el uv_signal_t de SIGHUP y su callback */

/* Al empezar, antes de que pase nada. */
static void escuchar_senales(uv_loop_t *bucle)
{
    /* TODO: SIGPIPE ignorada y SIGHUP convertida en un evento del bucle */
    (void)bucle;
}

/* Al parar, desde una callback del bucle. */
static void dejar_de_escuchar(void)
{
    /* TODO */
}

/* ---- El servicio (no lo cambies) ---- */

static char ruta_configuracion[512];
static const char *modo;
static int trabajos; /* lo que haría el servicio de verdad */

static void escribir_configuracion(const char *texto)
{
    FILE *f = fopen(ruta_configuracion, "w");
    if (f == NULL) {
        perror(ruta_configuracion);
        exit(1);
    }
    fputs(texto, f);
    fclose(f);
}

/* leer_configuracion(): lee «ritmo_ms=N» del archivo. Devuelve 0 y deja N en *ritmo_ms, o un
 * error negativo (UV_EINVAL si el archivo no dice un ritmo válido) sin tocar *ritmo_ms. Es
 * bloqueante, y aquí está bien: son 14 bytes de un archivo local (uno grande o en red iría
 * por uv_fs_*). */
static int leer_configuracion(int *ritmo_ms)
{
    char linea[64], *fin;
    FILE *f = fopen(ruta_configuracion, "r");
    if (f == NULL)
        return uv_translate_sys_error(errno);
    int leida = fgets(linea, sizeof linea, f) != NULL;
    fclose(f);
    if (!leida || strncmp(linea, "ritmo_ms=", 9) != 0)
        return UV_EINVAL;
    long n = strtol(linea + 9, &fin, 10);
    if (fin == linea + 9 || (*fin != '\n' && *fin != '\0') || n < 10 || n > 10000)
        return UV_EINVAL;
    *ritmo_ms = (int)n;
    return 0;
}

static void al_trabajar(uv_timer_t *t)
{
    (void)t;
    trabajos++;
}

static void al_guion(uv_timer_t *t)
{
    if (t->data != NULL) { /* los 600 ms: parar */
        printf("paro; ritmo final del generador: %d ms\n", (int)uv_timer_get_repeat(&generador));
        uv_close((uv_handle_t *)&generador, NULL);
        uv_close((uv_handle_t *)&guion, NULL);
        dejar_de_escuchar();
        return;
    }
    if (strcmp(modo, "tuberia") == 0) {
        int fd[2];
        if (pipe(fd) != 0)
            exit(1);
        close(fd[0]);
        ssize_t n = write(fd[1], "x", 1); /* sin lector: SIGPIPE, o EPIPE si se ignora */
        close(fd[1]);
        printf("escribir en una tubería sin lector: %s; sigo vivo\n",
               n < 0 && errno == EPIPE ? "EPIPE" : "¿escribió?");
    } else {
        escribir_configuracion(strcmp(modo, "recarga") == 0 ? "ritmo_ms=100\n" : "ritmo_ms=rápido\n");
        uv_kill(uv_os_getpid(), SIGHUP); /* como «kill -HUP PID» desde otra terminal */
    }
    t->data = "parar";
    uv_timer_start(t, al_guion, 300, 0);
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    int ritmo_ms = 0;
    const char *tmp = getenv("TMPDIR");

    modo = argc == 2 ? argv[1] : "";
    if (strcmp(modo, "recarga") != 0 && strcmp(modo, "mala") != 0 && strcmp(modo, "tuberia") != 0) {
        fprintf(stderr, "uso: %s recarga|mala|tuberia\n", argv[0]);
        return 2;
    }
    snprintf(ruta_configuracion, sizeof ruta_configuracion, "%s/servicio-%d.conf",
             tmp != NULL ? tmp : "/tmp", (int)getpid());
    escribir_configuracion("ritmo_ms=200\n");
    if (leer_configuracion(&ritmo_ms) < 0 || uv_loop_init(&bucle) < 0)
        return 1;
    escuchar_senales(&bucle);
    uv_timer_init(&bucle, &generador);
    uv_timer_start(&generador, al_trabajar, (uint64_t)ritmo_ms, (uint64_t)ritmo_ms);
    uv_timer_init(&bucle, &guion);
    uv_timer_start(&guion, al_guion, 300, 0);
    int r = bucle_terminar(&bucle);
    unlink(ruta_configuracion);
    return r != 0 ? 1 : 0;
}
