/* parada.c — Ctrl+C en el laboratorio 10: con peticiones en curso, el programa cancela lo
 * que falta, cierra lo suyo y sale con 130 sin escribir resultados (tampoco el documento de
 * --json); bajo valgrind, sin memoria en uso al salir. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Ctrl+C bajo valgrind: una ciudad por proveedor rápido (su petición, ya en el registro del
 * servidor, dice que el programa está en marcha) y otro lento en curso. Exige 130 y que, según
 * valgrind, no quede memoria en uso al salir: quien sale con exit() desde la callback, o deja
 * abiertas las señales (uv_loop_close falla), sale sin liberar. 1 o 0 (anotado). */
static int sigint_liberado(void)
{
    char retraso[48];
    clima_con_retraso(retraso, sizeof retraso, (int)cal_azar(15000, 20000), NULL);
    const prov_t provs[] = {{"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
                            {"b", "weatherapi", retraso, "current.temp_c", "C", ERROR}};
    esc_t e = {.ciudades = clima_dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 2};
    const char *op[] = {"-t", "30000", NULL};
    const cal_peticion_t *v;
    cal_nota("Bajo valgrind, con una petición lenta en curso:");
    if (clima_preparar(&e) < 0 || clima_lanzar(&e, op, 1, 60) < 0)
        return 0;
    if (clima_registro_esperar(&e, 2, 30000, &v) < 2) {
        cal_obtenido("bajo valgrind, en 30 s el servidor no vio llegar las peticiones rápidas");
        cal_nota_salida(e.p, 8);
        return 0;
    }
    cal_esperar((int)cal_azar(300, 600));
    cal_senal(e.p, SIGINT);
    char fin[128], motivo[300];
    if (!cal_esperar_fin(e.p, 15000) ||
        (cal_codigo(e.p) != 130 && cal_codigo(e.p) != CAL_CODIGO_VALGRIND)) {
        cal_obtenido("bajo valgrind, tras SIGINT: %s (se esperaba 130)",
                     cal_describir_fin(e.p, fin, sizeof fin));
        cal_nota_salida(e.p, 8);
        return 0;
    }
    int limpio = cal_valgrind_veredicto(e.p, motivo, sizeof motivo) &&
                 cal_codigo(e.p) != CAL_CODIGO_VALGRIND;
    if (!limpio) {
        cal_obtenido("bajo valgrind, tras SIGINT: %s", motivo);
        cal_valgrind_nota(e.p);
        return 0;
    }
    /* Cada «in use at exit:» del informe, con 0 bytes: memoria sin liberar, aunque siga
     * alcanzable. Todas, y alguna: el programa puede escribir en el descriptor de valgrind, así
     * que una línea suya «in use at exit: 0 bytes» no prueba nada (un adversario de la sesión
     * 29 la escribía y salía con exit(130): 100/100); la de valgrind, que va después, sí. */
    const char *uso = NULL, *vg = cal_valgrind(e.p);
    int lineas = 0;
    for (const char *r = strstr(vg, "in use at exit: "); r != NULL;
         r = strstr(r + 1, "in use at exit: ")) {
        lineas++;
        if (uso == NULL && strncmp(r + strlen("in use at exit: "), "0 bytes in 0 blocks", 19) != 0)
            uso = r;
    }
    if (uso != NULL || lineas == 0) {
        /* La línea de valgrind hasta su final (antes, 60 bytes cortaban la siguiente). */
        int largo = uso != NULL ? (int)strcspn(uso, "\n") : 1;
        cal_obtenido("salió con 130, pero sin cerrar ni liberar: según valgrind, «%.*s» al "
                     "salir. Tras Ctrl+C se cancela, se cierra todo (también las señales: si no, "
                     "uv_loop_close falla) y main devuelve 130; un exit() desde la callback no "
                     "cierra nada",
                     largo < 80 ? largo : 80, uso != NULL ? uso : "?");
        return 0;
    }
    return 1;
}

/* El escenario de la parada: dos proveedores lentos (8–12 s) para las dos ciudades, cuatro
 * peticiones en curso. Es de quien llama (en la pila): esc_t apunta a sus proveedores. */
typedef struct {
    char retraso[48];
    prov_t provs[2];
    esc_t e;
} lentas_t;

/* Lanza el programa con -t 20000 (y `extra`, si no es NULL) sobre el escenario de la parada y,
 * cuando sus peticiones ya están en curso, le manda SIGINT; *t0, cuándo. 1, o 0 si no se pudo
 * lanzar (anotado). */
static int lentas_y_sigint(lentas_t *l, const char *extra, uint64_t *t0)
{
    clima_con_retraso(l->retraso, sizeof l->retraso, (int)cal_azar(8000, 12000), NULL);
    l->provs[0] = (prov_t){"a", "openmeteo", l->retraso, "current_weather.temperature", "C", ERROR};
    l->provs[1] = (prov_t){"b", "weatherapi", l->retraso, "current.temp_c", "C", ERROR};
    l->e = (esc_t){.ciudades = clima_dos_ciudades, .nciudades = 2, .provs = l->provs, .nprovs = 2};
    const char *op[] = {"-t", "20000", extra, NULL};
    if (clima_preparar(&l->e) < 0 || clima_lanzar(&l->e, op, 0, 20) < 0)
        return 0;
    /* Hasta que estén en curso: el servidor las anota al acabar, así que se espera un rato
     * generoso (distinto en cada calificación). */
    cal_esperar((int)cal_azar(1000, 1500));
    *t0 = cal_ahora_ms();
    cal_senal(l->e.p, SIGINT);
    return 1;
}

/* Ctrl+C con --json: lo mismo, y sin documento. El JSON es de los resultados completos, y tras
 * Ctrl+C no hay ninguno: ni un documento a medias con las canceladas como errores, ni uno
 * vacío. 1 o 0 (anotado). */
static int sigint_json(void)
{
    lentas_t l;
    uint64_t t0;
    cal_nota("Con --json, cuatro peticiones lentas en curso:");
    if (!lentas_y_sigint(&l, "--json", &t0))
        return 0;
    esc_t *e = &l.e;
    char fin[128];
    if (!cal_termino_en(e->p, t0, 2000) || cal_codigo(e->p) != 130 || cal_senal_mortal(e->p) != 0) {
        cal_obtenido("con --json, tras SIGINT: %s (se esperaba que saliera por su pie con 130)",
                     cal_describir_fin(e->p, fin, sizeof fin));
        cal_nota_salida(e->p, 8);
        return 0;
    }
    /* Solo el documento: una línea de otra cosa en stdout es un fallo de forma, que juzgan
     * salida_basica y salida_json. */
    const char *doc = strchr(cal_salida(e->p), '{');
    if (doc != NULL) {
        cal_obtenido("con --json, salió con 130 pero escribió un documento en stdout («%.120s»): "
                     "tras Ctrl+C no se escribe nada, tampoco el JSON (lo cancelado no es un "
                     "resultado, y ninguna ciudad llegó a completarse)",
                     doc);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(sigint, 60)
static void sigint(void)
{
    cal_esperado("cuatro peticiones lentas (-t 20000) en curso; SIGINT: el programa la atiende "
                 "(no muere por la señal), cancela y sale por su pie con código 130 en menos de "
                 "2 s, sin esperarlas; lo mismo con --json, sin escribir el documento; y bajo "
                 "valgrind, tras SIGINT, 130 sin memoria en uso al "
                 "salir (todo cerrado y liberado)");
    lentas_t l;
    uint64_t t0;
    if (!lentas_y_sigint(&l, NULL, &t0))
        CAL_FIN(0);
    esc_t *e = &l.e;
    char fin[128];
    int termino = cal_termino_en(e->p, t0, 2000);
    int mortal = cal_senal_mortal(e->p);
    int ok = termino && cal_codigo(e->p) == 130 && mortal == 0;
    /* Un resultado de una cancelada empieza por su ciudad; una línea de otra cosa en stdout
     * es un fallo de forma, que juzga salida_basica. */
    int callada = !clima_hay_linea_de_ciudad(e);
    if (ok && !callada) {
        ok = 0;
        cal_obtenido("salió con 130, pero escribió resultados en stdout: una petición cancelada "
                     "no es un resultado (HTTP_E_CANCELADA), y ninguna ciudad llegó a "
                     "completarse");
    } else if (termino && mortal != 0)
        cal_obtenido("murió por la señal SIGINT %llu ms después de mandarla: el código 130 se "
                     "lo puso el sistema; el programa tiene que atenderla (senales_iniciar), "
                     "cancelar lo que está en curso, cerrar y devolver 130",
                     (unsigned long long)(cal_ahora_ms() - t0));
    else
        cal_obtenido("%s (a los %llu ms de SIGINT; se esperaba el código 130 en menos de 2 s)",
                     cal_describir_fin(e->p, fin, sizeof fin),
                     (unsigned long long)(cal_ahora_ms() - t0));
    if (!ok)
        cal_nota_salida(e->p, 8);
    CAL_FIN(ok && sigint_json() && sigint_liberado());
}
