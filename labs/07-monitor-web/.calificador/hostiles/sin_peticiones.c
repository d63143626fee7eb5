/* sin_peticiones.c — entrega hostil del 07: comprueba los argumentos como el enunciado pide
 * (código 2 y un mensaje que cita el valor malo) y después no hace ninguna petición HTTP:
 * espera SIGINT o SIGTERM e imprime un RESUMEN de ceros por URL («media=-», lo que toca sin
 * ninguna verificación) y sale con 0.
 *
 * Antes sacaba 31/100: compila, las cuatro de la entrada y sigint, sigterm y resumen_media,
 * que se conformaban con un RESUMEN coherente consigo mismo. Ahora esas tres exigen que el
 * servidor haya registrado las peticiones que el programa tuvo tiempo de hacer y que el
 * RESUMEN case con ellas (labs/07-monitor-web/.calificador/parada.c). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int leer_ms(const char *texto, const char *que, unsigned long long minimo)
{
    char *fin = NULL;
    errno = 0;
    unsigned long long v = strtoull(texto, &fin, 10);
    if (texto[0] == '\0' || texto[0] == '-' || errno != 0 || *fin != '\0' || v < minimo ||
        v > 86400000ULL) {
        fprintf(stderr, "monitor: %s «%s» no es válido\n", que, texto);
        return -1;
    }
    return 0;
}

static int url_valida(const char *u)
{
    const char *resto = strncmp(u, "http://", 7) == 0    ? u + 7
                        : strncmp(u, "https://", 8) == 0 ? u + 8
                                                         : NULL;
    if (u[0] == '/')
        return 1;
    if (resto == NULL || resto[0] == '\0' || resto[0] == '/')
        return 0;
    for (const char *p = u; *p != '\0'; p++)
        if ((unsigned char)*p <= ' ')
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i + 1 < argc && (strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "-t") == 0); i += 2)
        if (leer_ms(argv[i + 1], argv[i][1] == 'i' ? "el intervalo" : "el límite",
                    argv[i][1] == 'i' ? 100 : 10) < 0)
            return 2;
    if (i >= argc) {
        fprintf(stderr, "monitor: no hay ninguna URL que vigilar\n");
        return 2;
    }
    for (int k = i; k < argc; k++)
        if (!url_valida(argv[k])) {
            fprintf(stderr, "monitor: la URL «%s» no es válida\n", argv[k]);
            return 2;
        }
    sigset_t senales;
    sigemptyset(&senales);
    sigaddset(&senales, SIGINT);
    sigaddset(&senales, SIGTERM);
    sigprocmask(SIG_BLOCK, &senales, NULL);
    int s = 0;
    sigwait(&senales, &s);
    for (int k = i; k < argc; k++)
        printf("RESUMEN %s comprobaciones=0 correctas=0 fallos=0 media=- ms\n", argv[k]);
    return 0;
}
