/* bitacora.c — registro por niveles con el tiempo transcurrido desde el arranque.
 *
 * El origen es la primera línea escrita (o la primera llamada a bitacora_fijar_*): para un
 * programa corto es, en la práctica, su arranque, y evita depender de constructores. */
#include "curso/bitacora.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "curso/reloj.h"

static int nivel_fijado = 0;
static bitacora_nivel_t nivel_minimo = BITACORA_INFO;
static FILE *salida_fijada = NULL;
static uint64_t origen_ms = 0;

static void fijar_origen(void)
{
    if (origen_ms == 0) {
        origen_ms = reloj_ms();
    }
}

static bitacora_nivel_t nivel_del_entorno(void)
{
    const char *v = getenv("CURSO_BITACORA");
    if (v == NULL) {
        return BITACORA_INFO;
    }
    if (strcmp(v, "depurar") == 0) {
        return BITACORA_DEPURAR;
    }
    if (strcmp(v, "aviso") == 0) {
        return BITACORA_AVISO;
    }
    if (strcmp(v, "error") == 0) {
        return BITACORA_ERROR;
    }
    return BITACORA_INFO;
}

void bitacora_fijar_nivel(bitacora_nivel_t nivel)
{
    fijar_origen();
    nivel_minimo = nivel;
    nivel_fijado = 1;
}

void bitacora_fijar_salida(FILE *salida)
{
    fijar_origen();
    salida_fijada = salida;
}

void bitacora_escribir(bitacora_nivel_t nivel, const char *formato, ...)
{
    static const char *const nombres[] = {"DEPURAR", "INFO", "AVISO", "ERROR"};
    FILE *f = salida_fijada != NULL ? salida_fijada : stderr;
    va_list args;

    fijar_origen();
    if (!nivel_fijado) {
        nivel_minimo = nivel_del_entorno();
        nivel_fijado = 1;
    }
    if (formato == NULL || nivel < nivel_minimo || nivel > BITACORA_ERROR) {
        return;
    }
    fprintf(f, "[%8.3f s] %-7s ", (double)(reloj_ms() - origen_ms) / 1000.0, nombres[nivel]);
    va_start(args, formato);
    vfprintf(f, formato, args);
    va_end(args);
    fputc('\n', f);
    fflush(f);
}
