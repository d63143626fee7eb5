/* huerfanos.c — el barrido de huérfanos. El ejecutor y cada verificación son «subreaper»
 * (PR_SET_CHILD_SUBREAPER): lo que escape de la caja y quede huérfano (un demonio con
 * doble fork y setsid) pasa a ser hijo suyo, y aquí se mata y se recoge.
 *
 * Si el propio ejecutor muere sin limpiar (SIGKILL, el OOM), sus huérfanos van a init y nadie
 * los recoge: la siguiente calificación en la misma salida los busca por la carpeta de trabajo
 * que nombran (huerfanos_restos) antes de borrarla.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Lee /proc/PID/stat de `pid` y deja en *ppid y *tty su padre y su terminal. 0, o -1 si el
 * proceso ya no está. «pid (nombre) estado ppid pgrp sesión tty …»: el nombre puede tener
 * espacios y paréntesis, así que se lee desde el último «)». */
static int leer_stat(long pid, long *ppid, long *tty)
{
    char ruta[64], linea[512];
    snprintf(ruta, sizeof ruta, "/proc/%ld/stat", pid);
    FILE *f = fopen(ruta, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(linea, 1, sizeof linea - 1, f);
    fclose(f);
    linea[n] = '\0';
    char *cierre = strrchr(linea, ')');
    char est;
    long grupo, sesion;
    if (cierre == NULL ||
        sscanf(cierre + 1, " %c %ld %ld %ld %ld", &est, ppid, &grupo, &sesion, tty) != 5)
        return -1;
    return 0;
}

/* Mata a todos los hijos que nos hayan quedado (huérfanos heredados como subreaper, y
 * cualquier otro: quien llama ya no espera a ninguno). Repite porque matar a uno puede
 * dejarnos a sus hijos. */
void huerfanos_barrer(void)
{
    pid_t yo = getpid();
    for (int vuelta = 0; vuelta < 50; vuelta++) {
        int encontrados = 0;
        DIR *d = opendir("/proc");
        if (d == NULL)
            return;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char *fin;
            long pid = strtol(e->d_name, &fin, 10);
            if (*fin != '\0' || pid <= 0)
                continue;
            long ppid, tty;
            if (leer_stat(pid, &ppid, &tty) < 0 || ppid != yo)
                continue;
            encontrados++;
            kill((pid_t)pid, SIGKILL);
            waitpid((pid_t)pid, NULL, 0);
        }
        closedir(d);
        if (encontrados == 0)
            return;
    }
}

/* 1 si algún argumento de la línea de comandos de `pid` es `carpeta` o empieza por ella y «/»
 * (también dentro de «-o/ruta» o «--bind=/ruta»: se busca en cada argumento). */
static int nombra_carpeta(long pid, const char *carpeta)
{
    char ruta[64], args[8192];
    snprintf(ruta, sizeof ruta, "/proc/%ld/cmdline", pid);
    int fd = open(ruta, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, args, sizeof args - 1);
    close(fd);
    if (n <= 0)
        return 0;
    args[n] = '\0';
    size_t lc = strlen(carpeta);
    for (char *a = args; a < args + n; a += strlen(a) + 1)
        for (char *p = strstr(a, carpeta); p != NULL; p = strstr(p + 1, carpeta))
            if (p[lc] == '\0' || p[lc] == '/')
                return 1;
    return 0;
}

int huerfanos_restos(const char *carpeta)
{
    if (carpeta == NULL || carpeta[0] != '/' || strlen(carpeta) < 8)
        return 0;
    int matados = 0;
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *fin;
        long pid = strtol(e->d_name, &fin, 10);
        if (*fin != '\0' || pid <= 1 || pid == (long)getpid())
            continue;
        /* Los que tienen terminal son de una persona (un editor abierto en la carpeta), no
         * restos de la calificación. */
        long ppid, tty;
        if (leer_stat(pid, &ppid, &tty) < 0 || tty != 0 || !nombra_carpeta(pid, carpeta))
            continue;
        if (kill((pid_t)pid, SIGKILL) == 0)
            matados++;
    }
    closedir(d);
    return matados;
}
