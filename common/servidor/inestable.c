/* inestable.c — tabla de intentos por id con reemplazo del menos usado (ver inestable.h). */
#include "inestable.h"

#include <stdio.h>
#include <string.h>

void inestable_iniciar(inestable_t *t)
{
    memset(t, 0, sizeof *t);
}

unsigned inestable_intento(inestable_t *t, const char *id)
{
    char clave[INESTABLE_MAX_ID];
    snprintf(clave, sizeof clave, "%s", id);
    int libre = -1, viejo = 0;
    t->reloj++;
    for (int i = 0; i < INESTABLE_ENTRADAS; i++) {
        if (t->entradas[i].uso == 0) {
            if (libre < 0)
                libre = i;
            continue;
        }
        if (strcmp(t->entradas[i].id, clave) == 0) {
            t->entradas[i].uso = t->reloj;
            return ++t->entradas[i].intentos;
        }
        if (t->entradas[i].uso < t->entradas[viejo].uso || t->entradas[viejo].uso == 0)
            viejo = i;
    }
    int i = libre >= 0 ? libre : viejo;
    memcpy(t->entradas[i].id, clave, sizeof clave);
    t->entradas[i].intentos = 1;
    t->entradas[i].uso = t->reloj;
    return 1;
}
