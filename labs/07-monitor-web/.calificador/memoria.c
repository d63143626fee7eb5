/* memoria.c — la verificación de valgrind del monitor: sin errores ni fugas tras SIGINT, ni al
 * salir por una URL inválida (las URLs ya copiadas también se liberan).
 */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ¿Registró el servidor al menos una petición a cada una de las `n` URL de `o`? Si no, lo
 * anota (sustituye a «Obtenido») y devuelve 0. */
static int todas_pedidas(cal_servidor_t *s, cal_proceso_t *p, const opaca_t *o, int n)
{
    cal_peticion_t una[1];
    for (int k = 0; k < n; k++)
        if (cal_registro_ruta(s, o[k].ruta, una, 1) == 0) {
            cal_obtenido("el servidor no recibió ninguna petición a %s en todo el tiempo que "
                         "corrió el programa bajo valgrind (cada ciclo comprueba todas las URL)",
                         o[k].url);
            cal_nota_salida(p, 8);
            return 0;
        }
    return 1;
}

/* Espera a que el programa del camino de error `pe` salga (10 s desde su lanzamiento; si sigue
 * vigilando, porque aceptó la URL, Ctrl+C) y juzga su memoria. 1 si está limpia; si no, 0 y en
 * `texto` la orden y el porqué. */
static int error_sin_fugas(cal_proceso_t *pe, const char *const *args, char *texto, size_t tam)
{
    uint64_t hasta = cal_lanzado_ms(pe) + 10000, ahora = cal_ahora_ms();
    cal_esperar_fin(pe, ahora < hasta ? (int)(hasta - ahora) : 0);
    int con_ctrl_c = !cal_termino(pe);
    if (con_ctrl_c) {
        cal_senal(pe, SIGINT);
        cal_esperar_fin(pe, 6000);
    }
    char motivo[256] = "";
    if (cal_valgrind_veredicto(pe, motivo, sizeof motivo))
        return 1;
    char orden[512];
    mon_unir(args, orden, sizeof orden);
    snprintf(texto, tam, "con la orden «%s» (una URL inválida), al salir%s: %s", orden,
             con_ctrl_c ? " (no salió sola: aceptó la URL y se le mandó Ctrl+C)" : "", motivo);
    cal_valgrind_nota(pe);
    return 0;
}

CAL_PRUEBA(valgrind, 40)
static void valgrind(void)
{
    cal_esperado("código 0 tras SIGINT, «ERROR SUMMARY: 0 errors» y sin fugas de ninguna clase "
                 "(tampoco memoria que siga alcanzable al salir: uv_loop_close() da 0); y sin "
                 "fugas tampoco al salir por una URL inválida");
    /* También una URL que falla: la memoria del camino de FALLO (el motivo, la racha, la
     * alerta) tiene que pasar por valgrind igual que la del OK y la de la cancelación. */
    opaca_t o[] = {{.guion = SIEMPRE(200)},
                   {.guion = TARDA(3000)},
                   {.guion = SIEMPRE(503)},
                   {.guion = SIEMPRE(200)}};
    cal_servidor_t *s = mon_servidor_opaco(o, 4);
    if (s == NULL)
        CAL_FIN(0);
    const char *rapida = o[0].url, *lenta = o[1].url;
    /* El camino de error también: una URL buena (ya copiada) y otra inválida, y nada sin
     * liberar. Las órdenes son de las de «entrada_url_invalida», al azar: una solo de aquí se
     * reconocería. Dos: una de las cinco sin espacio (sin «http://» o sin servidor) y una de las
     * dos con un espacio. Con una sola de las siete, una fuga solo en la rama del espacio se
     * cobraba 2 de cada 7 veces: la misma entrega sacaba 100 o 95 (auditoría de la sesión 98).
     * Se lanzan primero: las líneas que se fechan son las del otro. Su memoria se juzga salga
     * como salga (con otro código que 2 se saltaba: el código lo juzga «entrada_url_invalida»,
     * no esta); si no sale, con Ctrl+C. */
    const char *malas[MON_URLS_INVALIDAS];
    mon_urls_invalidas(s, malas);
    const char *args_error[2][5] = {
        {"-i", "200", mon_url(s, "/status/200"), malas[cal_azar(0, MON_URLS_INVALIDAS - 3)], NULL},
        {"-i", "200", mon_url(s, "/status/200"),
         malas[cal_azar(MON_URLS_INVALIDAS - 2, MON_URLS_INVALIDAS - 1)], NULL}};
    cal_proceso_t *pe[2];
    for (int k = 0; k < 2; k++) {
        pe[k] = mon_lanzar(s, args_error[k], 40, 1);
        if (pe[k] == NULL)
            CAL_FIN(0);
    }
    /* La cuarta se da como «/v/…»: la URL completada con CURSO_SERVIDOR (memoria que el
     * programa reserva y escribe) también pasa por valgrind. De ella no se espera nada más
     * (que se complete bien lo juzga «registra_estado»), ni se coteja con el registro. */
    /* Y un puerto que rechaza la conexión: el camino de un fallo sin respuesta (estado 0, el
     * motivo de curl) también pasa por valgrind (el estudiante de prueba de la sesión 29 perdía
     * ahí el motivo, 123 bytes, y sacaba 100/100). */
    char rechaza[64];
    int cerrado = mon_sitio_mudo(0, "/rechaza", rechaza, sizeof rechaza);
    if (cerrado < 0)
        CAL_FIN(0);
    /* La lenta, la última: uno que verifica de una en una también pide todas en el primer ciclo
     * (la rápida, la que falla, la de «/v/…» y la que rechaza acaban enseguida). */
    const char *args[] = {"-i",     "500",     "-t",    "20000", rapida,
                          o[2].url, o[3].ruta, rechaza, lenta,   NULL};
    cal_proceso_t *p = mon_lanzar(s, args, 40, 1);
    if (p == NULL) {
        close(cerrado);
        CAL_FIN(0);
    }
    /* valgrind tarda en arrancar, y mucho más en una máquina cargada (una clase entera
     * calificándose a la vez): se espera al primer OK hasta 20 s y luego un poco más. Si a los
     * 12 s el servidor no ha recibido ni una petición, no hace falta esperar más. */
    int arranco = 0;
    for (int espera = 0; espera < 20000 && !arranco && !cal_termino(p); espera += 250) {
        arranco = mon_esperar(p, "OK", rapida, 1, 250);
        const cal_peticion_t *v;
        if (espera >= 12000 && cal_registro(s, &v) == 0)
            break;
    }
    cal_esperar(1000);
    char fin[256];
    if (!arranco || cal_termino(p)) {
        int oks = cal_contar(cal_salida(p), "OK", NULL);
        cal_obtenido("bajo valgrind, el programa no llegó a vigilar: %s, %d %s OK",
                     cal_describir_fin(p, fin, sizeof fin), oks,
                     texto_plural(oks, "línea", "líneas"));
        cal_nota_salida(p, 8);
        cal_valgrind_nota(p);
        CAL_FIN(0);
    }
    /* Una petición que el servidor termina después de la señal no necesita su línea (eso lo
     * juzga sigint): bajo valgrind, con la máquina cargada, el programa tarda segundos en salir,
     * y la lenta (3 s) acababa en ese rato; contada hasta el final, le faltaba su línea a un
     * programa correcto (la solución, 95 en 2 de 12 con dos calificaciones del 12 al lado). */
    mon_anotar_parada(p);
    cal_senal(p, SIGINT);
    int termino = cal_esperar_fin(p, 6000);
    char motivo[256];
    int limpio = cal_valgrind_veredicto(p, motivo, sizeof motivo);
    /* Y cerrado en orden: un exit(0) desde al_parar, con el resumen ya escrito, pasa sigterm
     * (la parada la juzga sigint), pero deja el bucle y lo suyo sin liberar (alcanzable, no
     * perdido). */
    if (limpio)
        limpio = cal_valgrind_cerrado(p, motivo, sizeof motivo);
    int ok = termino && cal_codigo(p) == 0 && limpio;
    /* Los del camino de error salen enseguida (valgrind arranca, valida y sale). */
    char texto_error[2][1024] = {"", ""};
    int error_limpio = 1;
    for (int k = 0; k < 2; k++)
        error_limpio &=
            error_sin_fugas(pe[k], args_error[k], texto_error[k], sizeof texto_error[k]);
    cal_obtenido("%s; %s%s%s%s%s", cal_describir_fin(p, fin, sizeof fin), motivo,
                 texto_error[0][0] ? "; y " : "", texto_error[0], texto_error[1][0] ? "; y " : "",
                 texto_error[1]);
    if (!ok) {
        cal_valgrind_nota(p);
        cal_nota_salida(p, 6);
    }
    if (!error_limpio)
        ok = 0;
    /* Sin peticiones de verdad no hay nada que medir: las líneas tienen que tener respaldo,
     * cada petición terminada su línea, y el servidor tuvo que ver una a cada URL opaca: la
     * memoria que se juzga es la de un ciclo de verdad (un adversario de la sesión 32 reconocía
     * este escenario, pedía solo la primera URL e imprimía su OK con el estado escrito a mano). */
    cal_esperar(150);
    close(cerrado);
    CAL_FIN(mon_con_pruebas(s, p, o, 3, COMPLETAS) && todas_pedidas(s, p, o, 3) && ok);
}
