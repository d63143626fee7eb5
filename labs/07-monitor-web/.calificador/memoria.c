/* memoria.c — la verificación de valgrind del monitor: sin errores ni fugas tras SIGINT.
 */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CAL_PRUEBA(valgrind, 40)
{
    cal_esperado("código 0 tras SIGINT, «ERROR SUMMARY: 0 errors» y sin fugas definitivas ni "
                 "indirectas");
    /* También una URL que falla: la memoria del camino de FALLO (el motivo, la racha, la
     * alerta) tiene que pasar por valgrind igual que la del OK y la de la cancelación. */
    opaca_t o[] = {{.guion = SIEMPRE(200)}, {.guion = TARDA(3000)}, {.guion = SIEMPRE(503)}};
    cal_servidor_t *s = servidor_opaco(o, 3);
    if (s == NULL)
        CAL_FIN(0);
    const char *rapida = o[0].url, *lenta = o[1].url;
    /* La rápida se da como «/v/…»: la URL completada con CURSO_SERVIDOR (memoria que el
     * programa reserva y escribe) también pasa por valgrind. */
    const char *args[] = {"-i", "500", "-t", "20000", o[0].ruta, lenta, o[2].url, NULL};
    cal_proceso_t *p = monitor(s, args, 40, 1);
    if (p == NULL)
        CAL_FIN(0);
    /* valgrind tarda en arrancar, y mucho más en una máquina cargada (una clase entera
     * calificándose a la vez): se espera al primer OK hasta 20 s y luego un poco más. Si a los
     * 12 s el servidor no ha recibido ni una petición, no hace falta esperar más. */
    int arranco = 0;
    for (int espera = 0; espera < 20000 && !arranco && !cal_termino(p); espera += 250) {
        arranco = esperar(p, "OK", rapida, 1, 250);
        const cal_peticion_t *v;
        if (espera >= 12000 && cal_registro(s, &v) == 0)
            break;
    }
    dormir(1000);
    char fin[256];
    if (!arranco || cal_termino(p)) {
        int oks = cal_contar(cal_salida(p), "OK", NULL);
        cal_obtenido("bajo valgrind, el programa no llegó a vigilar: %s, %d %s OK",
                     cal_describir_fin(p, fin, sizeof fin), oks, plural(oks, "línea", "líneas"));
        cal_nota_salida(p, 8);
        cal_valgrind_nota(p);
        CAL_FIN(0);
    }
    cal_senal(p, SIGINT);
    int termino = esperar_fin(p, 6000);
    char motivo[256];
    int limpio = cal_valgrind_veredicto(p, motivo, sizeof motivo);
    /* Y cerrado en orden: un exit(0) desde al_parar, con el resumen ya escrito, pasa sigint y
     * sigterm, pero deja el bucle y lo suyo sin liberar (alcanzable, no perdido). */
    if (limpio)
        limpio = cal_valgrind_cerrado(p, motivo, sizeof motivo);
    int ok = termino && cal_codigo(p) == 0 && limpio;
    cal_obtenido("%s; %s", cal_describir_fin(p, fin, sizeof fin), motivo);
    if (!ok) {
        cal_valgrind_nota(p);
        cal_nota_salida(p, 6);
    }
    /* Sin peticiones de verdad no hay nada que medir: las líneas tienen que tener respaldo. */
    dormir(150);
    CAL_FIN(con_pruebas(s, p, o, 3, 0) && ok);
}
