/* entrada.c — verificaciones de la entrada inválida del monitor: sin URLs, URL, intervalo y
 * límite inválidos (código 2, un mensaje que nombra el valor y ninguna petición). Cada una
 * lleva también casos válidos en los bordes (una URL https://, -i y -t en su mínimo y en su
 * máximo) que tienen que arrancar: rechazarlo todo no es validar.
 */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ entrada inválida */

/* Los casos que caben en una verificación: uno más es un error del calificador, que lo dice
 * (antes se saltaba en silencio el que no cabía). */
#define MAX_CASOS 12

/* Lo que tiene que seguir vivo un caso válido para darlo por aceptado: uno rechazado sale al
 * momento con 2. */
#define VIVO_MS 800

/* Lo que se espera a que salga un caso inválido. Mirar los argumentos es lo primero que hace
 * el programa, antes de su bucle: uno correcto sale en milisegundos. Es la primera
 * verificación del enunciado, la que da el primer veredicto de `make vigilar` con la partida
 * (que no sale): lo que se espere aquí se suma a ese veredicto (con 2.5 s, 3.4 s con la
 * máquina libre). Un fallo se califica otra vez solo (runner/repetir.c). */
#define SALIDA_MS 1500

/* Un sitio donde nadie escucha, para los casos válidos (en la red propia de la verificación):
 * el programa arranca, falla sus peticiones y sigue; el servidor no ve nada. */
#define NADIE "http://127.0.0.1:9/x"

typedef struct {
    const char *args[6];
    const char *debe_citar; /* texto que el mensaje de error tiene que contener (o NULL) */
    int valido;             /* 1: tiene que arrancar (seguir vivo a los VIVO_MS), no salir */
} caso_t;

/* Ejecuta los casos (a la vez, para no sumar esperas) y comprueba código 2 + mensaje en
 * stderr que cite el valor + ninguna petición al servidor; los válidos, que sigan vivos. */
static int casos_entrada(cal_servidor_t *s, const caso_t *casos, int n)
{
    int ok = 1;
    char fallos[4096] = "";
    size_t usados = 0;
    cal_proceso_t *p[MAX_CASOS] = {NULL};
    if (n > MAX_CASOS) {
        cal_obtenido("error del calificador: casos, %d; caben %d (MAX_CASOS)", n, MAX_CASOS);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        p[i] = mon_lanzar(s, casos[i].args, 5, 0);
        if (p[i] == NULL)
            return 0;
    }
    uint64_t limite = cal_ahora_ms() + SALIDA_MS;
    for (int i = 0; i < n; i++) {
        uint64_t ahora = cal_ahora_ms();
        uint64_t hasta = casos[i].valido ? cal_lanzado_ms(p[i]) + VIVO_MS : limite;
        cal_esperar_fin(p[i], ahora < hasta ? (int)(hasta - ahora) : 0);
    }
    for (int i = 0; i < n; i++) {
        if (casos[i].valido) {
            char fin[256], extracto[1024], orden[512];
            if (cal_termino(p[i])) {
                mon_unir(casos[i].args, orden, sizeof orden);
                cal_describir_fin(p[i], fin, sizeof fin);
                int w = snprintf(fallos + usados, sizeof fallos - usados,
                                 "%s«%s» es válido y tenía que seguir vivo a los %.1f s, pero "
                                 "%s; stderr:\n%s",
                                 usados > 0 ? "\n" : "", orden, VIVO_MS / 1000.0, fin,
                                 cal_extracto(cal_errores(p[i]), 4, extracto, sizeof extracto));
                if (w > 0 && (size_t)w < sizeof fallos - usados)
                    usados += (size_t)w;
                ok = 0;
            }
            cal_matar(p[i]);
            cal_proceso_liberar(p[i]);
            continue;
        }
        const char *err = cal_errores(p[i]);
        int codigo = cal_codigo(p[i]);
        int con_mensaje = strspn(err, " \t\r\n") < strlen(err);
        int cita = casos[i].debe_citar == NULL || strstr(err, casos[i].debe_citar) != NULL;
        int este = cal_termino(p[i]) && codigo == 2 && con_mensaje && cita;
        if (!este) {
            char fin[256], extracto[1024], orden[512];
            mon_unir(casos[i].args, orden, sizeof orden);
            if (cal_termino(p[i]))
                cal_describir_fin(p[i], fin, sizeof fin);
            else
                snprintf(fin, sizeof fin, "no terminó en %.1f s (debía salir enseguida)",
                         SALIDA_MS / 1000.0);
            int w = snprintf(
                fallos + usados, sizeof fallos - usados, "%s«%s»: %s; stderr:\n%s%s",
                usados > 0 ? "\n" : "", orden, fin, cal_extracto(err, 4, extracto, sizeof extracto),
                !cita && con_mensaje ? "\n  (el mensaje no cita el valor erróneo)" : "");
            if (w > 0 && (size_t)w < sizeof fallos - usados)
                usados += (size_t)w;
            ok = 0;
        }
        cal_proceso_liberar(p[i]);
    }
    if (s != NULL) {
        const cal_peticion_t *v;
        int pedidas = cal_registro(s, &v);
        if (pedidas > 0) {
            ok = 0;
            int w = snprintf(fallos + usados, sizeof fallos - usados,
                             "%sademás hizo %d %s al servidor (p. ej. %s): con un "
                             "argumento inválido no se vigila nada",
                             usados > 0 ? "\n" : "", pedidas,
                             texto_plural(pedidas, "petición", "peticiones"), v[0].ruta);
            if (w > 0 && (size_t)w < sizeof fallos - usados)
                usados += (size_t)w;
        }
    }
    cal_obtenido("%s", ok ? "código 2 y mensaje en todos los casos inválidos; los válidos "
                            "arrancan"
                          : fallos);
    return ok;
}

CAL_PRUEBA(entrada_sin_urls, 20)
static void entrada_sin_urls(void)
{
    cal_esperado("código de salida 2 y un mensaje de error en stderr, sin vigilar nada");
    const caso_t casos[] = {{{NULL}, NULL, 0}, {{"-i", "500", NULL}, NULL, 0}};
    CAL_FIN(casos_entrada(NULL, casos, CAL_CUANTOS(casos)));
}

CAL_PRUEBA(entrada_url_invalida, 20)
static void entrada_url_invalida(void)
{
    cal_esperado("código de salida 2, un mensaje en stderr que cite la URL inválida y "
                 "ninguna petición; una URL https:// válida, en cambio, arranca");
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0)
        CAL_FIN(0);
    /* Las inválidas, tras una buena: las de mon_urls_invalidas (comun.c dice cuáles). */
    const char *ok = mon_url(s, "/status/200");
    const char *malas[MON_URLS_INVALIDAS];
    mon_urls_invalidas(s, malas);
    caso_t casos[MON_URLS_INVALIDAS + 2] = {
        {{"no-es-una-url", NULL}, "no-es-una-url", 0},
        {{"-i", "200", "https://127.0.0.1:9/x", NULL}, NULL, 1},
    };
    for (int i = 0; i < MON_URLS_INVALIDAS; i++)
        casos[2 + i] = (caso_t){{"-i", "200", ok, malas[i], NULL}, malas[i], 0};
    CAL_FIN(casos_entrada(s, casos, CAL_CUANTOS(casos)));
}

CAL_PRUEBA(entrada_intervalo_invalido, 20)
static void entrada_intervalo_invalido(void)
{
    cal_esperado("código de salida 2, un mensaje en stderr que cite el valor inválido y "
                 "ninguna petición; «-i 100» y «-i 86400000», el mínimo y el máximo, en cambio, "
                 "arrancan");
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0)
        CAL_FIN(0);
    const caso_t casos[] = {
        {{"-i", "abc", mon_url(s, "/status/200"), NULL}, "abc", 0},
        {{"-i", "12x", mon_url(s, "/status/200"), NULL}, "12x", 0},
        {{"-i", "50", mon_url(s, "/status/200"), NULL}, "50", 0},
        {{"-i", "86400001", mon_url(s, "/status/200"), NULL}, "86400001", 0},
        /* Dentro del rango si se leen mal: con atoi (500) o con strtoull en base 0 (0x190 es
         * 400 en hexadecimal). El enunciado pide enteros en decimal. */
        {{"-i", "500x", mon_url(s, "/status/200"), NULL}, "500x", 0},
        {{"-i", "0x190", mon_url(s, "/status/200"), NULL}, "0x190", 0},
        /* Y con un signo: strtoull acepta «-N» y da 2^64 − N, aquí 100 (el estudiante de prueba
         * de la sesión 51 no miraba el '-' y sacaba 100/100). Mutante: signo_aceptado. */
        {{"-i", "-18446744073709551516", mon_url(s, "/status/200"), NULL},
         "-18446744073709551516",
         0},
        /* 2^32 + 100: quien guarda lo leído en 32 bits (un unsigned o un int) tiene 100, dentro
         * del rango (auditoría de la sesión 98). Mutante: ms_en_32_bits. */
        {{"-i", "4294967396", mon_url(s, "/status/200"), NULL}, "4294967396", 0},
        {{"-i", "100", NADIE, NULL}, NULL, 1},
        {{"-i", "86400000", NADIE, NULL}, NULL, 1},
    };
    CAL_FIN(casos_entrada(s, casos, CAL_CUANTOS(casos)));
}

CAL_PRUEBA(entrada_limite_invalido, 20)
static void entrada_limite_invalido(void)
{
    cal_esperado("código de salida 2, un mensaje en stderr que cite el límite (-t) inválido y "
                 "ninguna petición; «-t 10» y «-t 86400000», el mínimo y el máximo, en cambio, "
                 "arrancan");
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0)
        CAL_FIN(0);
    const caso_t casos[] = {
        {{"-t", "abc", mon_url(s, "/status/200"), NULL}, "abc", 0},
        {{"-t", "12x", mon_url(s, "/status/200"), NULL}, "12x", 0},
        {{"-i", "200", "-t", "5", mon_url(s, "/status/200"), NULL}, "5", 0},
        {{"-t", "86400001", mon_url(s, "/status/200"), NULL}, "86400001", 0},
        /* 2^64 − 18446744073709551606 = 10 (ver entrada_intervalo_invalido). */
        {{"-i", "200", "-t", "-18446744073709551606", mon_url(s, "/status/200"), NULL},
         "-18446744073709551606",
         0},
        /* 2^32 + 10 (ver entrada_intervalo_invalido). */
        {{"-i", "200", "-t", "4294967306", mon_url(s, "/status/200"), NULL}, "4294967306", 0},
        {{"-i", "200", "-t", "10", NADIE, NULL}, NULL, 1},
        {{"-t", "86400000", NADIE, NULL}, NULL, 1},
    };
    CAL_FIN(casos_entrada(s, casos, CAL_CUANTOS(casos)));
}
