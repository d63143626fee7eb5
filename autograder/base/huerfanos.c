/* huerfanos.c — el barrido de huérfanos. El ejecutor y cada verificación son «subreaper»
 * (PR_SET_CHILD_SUBREAPER): lo que escape de la caja y quede huérfano (un demonio con
 * doble fork y setsid) pasa a ser hijo suyo, y aquí se mata y se recoge.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Mata a todos los hijos que nos hayan quedado (huérfanos heredados como subreaper) salvo
 * los que `conservar` diga. Repite porque matar a uno puede dejarnos a sus hijos. */
void huerfanos_barrer(int (*conservar)(pid_t))
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
            char ruta[64], linea[512];
            snprintf(ruta, sizeof ruta, "/proc/%ld/stat", pid);
            FILE *f = fopen(ruta, "r");
            if (f == NULL)
                continue;
            size_t n = fread(linea, 1, sizeof linea - 1, f);
            fclose(f);
            linea[n] = '\0';
            /* «pid (nombre) estado ppid …»: el nombre puede tener espacios y paréntesis. */
            char *cierre = strrchr(linea, ')');
            if (cierre == NULL)
                continue;
            char est;
            long ppid;
            if (sscanf(cierre + 1, " %c %ld", &est, &ppid) != 2 || ppid != yo)
                continue;
            if (conservar != NULL && conservar((pid_t)pid))
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
