/* entrada07.c — pieza común de las entregas hostiles del 07 escritas por el adversario de la
 * sesión 32 (monitor_callado.c, monitor_bloquea.c): leer -i/-t y las URL como pide el enunciado
 * (prueba-autograder.sh, hostil, la pone en lugar de la línea «//@ preludio entrada07»; necesita
 * <errno.h>, <stdio.h>, <stdlib.h>, <string.h> y curso/practica.h antes). */
static int leer_ms(const char *t, const char *que, unsigned long long lo, unsigned long long hi,
                   unsigned long long *v)
{
    char *fin = NULL;
    errno = 0;
    if (t[0] == '-' || t[0] == '\0')
        goto mal;
    unsigned long long x = strtoull(t, &fin, 10);
    if (errno || *fin || x < lo || x > hi)
        goto mal;
    *v = x;
    return 0;
mal:
    fprintf(stderr, "monitor: %s «%s» no es válido (%llu a %llu)\n", que, t, lo, hi);
    return -1;
}

static char *leer_url(const char *t)
{
    if (t[0] == '/') {
        const char *b = practica_url();
        char *u = malloc(strlen(b) + strlen(t) + 1);
        strcpy(u, b);
        strcat(u, t);
        return u;
    }
    const char *r = NULL;
    if (strncmp(t, "http://", 7) == 0)
        r = t + 7;
    else if (strncmp(t, "https://", 8) == 0)
        r = t + 8;
    if (r == NULL || *r == '\0' || *r == '/' || strchr(t, ' ') != NULL) {
        fprintf(stderr, "monitor: la URL «%s» no es válida\n", t);
        return NULL;
    }
    return strdup(t);
}
