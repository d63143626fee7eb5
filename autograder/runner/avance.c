/* avance.c — en una terminal, mientras se califica: «⏳ Lab 07 · 5/16 · en curso:
 * concurrencia, intervalo». Solo si stdout es una terminal y no estamos en CI (variable CI):
 * en una tubería, un archivo o GitHub Actions no se escribe nada, y el informe es el mismo.
 *
 * Cada verificación deja «<id>.en-marcha» en su carpeta de resultados al empezar
 * (lib/verificacion.c) y «<id>.json» al decidir: basta mirar la carpeta. La línea se
 * reescribe con \r como mucho cada 200 ms y se borra antes del informe.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int activo = -1;
static int escrito;

int avance_activo(void)
{
    if (activo < 0) {
        const char *ci = getenv("CI"), *term = getenv("TERM");
        activo = isatty(STDOUT_FILENO) && (ci == NULL || ci[0] == '\0') &&
                 (term == NULL || strcmp(term, "dumb") != 0);
    }
    return activo;
}

void avance_borrar(void)
{
    if (escrito) {
        fputs("\r\033[K", stdout);
        fflush(stdout);
        escrito = 0;
    }
}

void avance_compilando(const lab_t *lab)
{
    if (!avance_activo())
        return;
    printf("\r\033[K⏳ Lab %s · compilando…", lab->numero);
    fflush(stdout);
    escrito = 1;
}

/* ¿Existe `<dir>/<id><ext>`? */
static int existe(const char *dir, const char *id, const char *ext)
{
    char ruta[PATH_MAX];
    texto_poner(ruta, sizeof ruta, "%s/%s%s", dir, id, ext);
    return access(ruta, F_OK) == 0;
}

void avance_tic(void *datos)
{
    avance_t *a = datos;
    double ahora = reloj_s();
    if (!avance_activo() || ahora < a->siguiente)
        return;
    a->siguiente = ahora + 0.2;
    int total = 0, hechas = 0;
    char marcha[160] = "";
    size_t usado = 0;
    for (int i = 0; i < a->lab->nv; i++) {
        const char *id = a->lab->v[i].id;
        if (strcmp(id, "compila") == 0)
            continue;
        total++;
        if (existe(a->resultados, id, ".json")) {
            hechas++;
        } else if (existe(a->resultados, id, ".en-marcha") && usado + strlen(id) + 3 < 100) {
            usado += (size_t)snprintf(marcha + usado, sizeof marcha - usado, "%s%s",
                                      usado > 0 ? ", " : "", id);
        }
    }
    printf("\r\033[K⏳ Lab %s · %d/%d %s%s%s", a->lab->numero, hechas, total,
           texto_plural(total, "verificación", "verificaciones"), usado > 0 ? " · en curso: " : "",
           marcha);
    fflush(stdout);
    escrito = 1;
}
