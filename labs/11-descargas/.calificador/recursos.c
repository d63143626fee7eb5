/* recursos.c — los descriptores: cada archivo que el programa abre se cierra, también en
 * los caminos de error. La memoria y valgrind están en memoria.c. */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ recursos */

/* El tope de archivo de la corrida: ningún archivo pasa de aquí (un disco lleno para
 * llena.bin, que es más grande; la lenta cabe). */
#define TOPE_CIERRA 950000

CAL_PRUEBA(cierra_archivos, 30)
static void cierra_archivos(void)
{
    cal_esperado("cuando una descarga termina, bien o mal, su archivo se cierra: con "
                 "--continuar, una lenta en curso, tres rápidas terminadas, una que empezó de "
                 "cero tras un 416 (con el mismo descriptor, vaciado) y cuatro fallidas (4xx, "
                 "cortada, huella mala, disco lleno), como mucho 1 descriptor abierto en la "
                 "carpeta");
    carpeta_t c;
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0 || desc_carpeta(&c) < 0)
        CAL_FIN(0);
    char u[5][128], b[9][200], cortada[128], mala[128], llena[128], x4[32], parte[96];
    uint64_t sem[5];
    /* Con --continuar: la del 416 (su .parte, más largo que el archivo) empieza de cero. Quien
     * para eso abre otra vez el .parte sin cerrar el descriptor de antes deja uno abierto
     * (mutante reabre_sin_cerrar_al_reiniciar). Las demás no tienen .parte: nada cambia. */
    const char *args[13] = {"-c", "9", "--continuar"};
    desc_bytes_url(u[0], sizeof u[0], 900000, desc_semilla_nueva(), "&kbps=300");
    args[3] = desc_arg(b[0], sizeof b[0], desc_nombre("lenta.bin"), u[0]);
    for (int i = 1; i < 5; i++) {
        char nombre[16];
        snprintf(nombre, sizeof nombre, "r%d.bin", i);
        sem[i] = desc_semilla_nueva();
        desc_bytes_url(u[i], sizeof u[i], 50000, sem[i], NULL);
        args[i + 3] = desc_arg(b[i], sizeof b[i], desc_nombre(nombre), u[i]);
    }
    snprintf(parte, sizeof parte, "%s.parte", desc_nombre("r4.bin"));
    if (desc_escribir_parte(c.dir, parte, 0, (size_t)cal_azar(50001, 90000)) < 0) {
        cal_obtenido("no se pudo preparar %s (error del calificador)", parte);
        CAL_FIN(0);
    }
    desc_bytes_url(cortada, sizeof cortada, 50000, desc_semilla_nueva(), "&cortar=5000");
    desc_bytes_url(mala, sizeof mala, (uint64_t)cal_azar(20000, 80000), desc_semilla_nueva(),
                   "&digest=mal");
    /* Sin Repr-Digest: falla al escribir, no por la huella. */
    desc_bytes_url(llena, sizeof llena, (uint64_t)cal_azar(1500000, 2500000), desc_semilla_nueva(),
                   "&digest=no");
    snprintf(x4, sizeof x4, "/status/%d", (int)cal_azar(400, 404));
    args[8] = desc_arg(b[5], sizeof b[5], desc_nombre("x4xx.bin"), x4);
    args[9] = desc_arg(b[6], sizeof b[6], desc_nombre("cortada.bin"), cortada);
    args[10] = desc_arg(b[7], sizeof b[7], desc_nombre("mala.bin"), mala);
    args[11] = desc_arg(b[8], sizeof b[8], desc_nombre("llena.bin"), llena);
    args[12] = NULL;
    desc_proximo_tope(TOPE_CIERRA);
    cal_proceso_t *p = desc_lanzar(s, &c, args, 20, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    int listas = 0, llena_hecha = 0, r4_hecha = 0;
    for (int espera = 0;
         espera < 5000 && (listas < 3 || !llena_hecha || !r4_hecha) && !cal_termino(p);
         espera += 20) {
        cal_esperar(20);
        listas = (desc_tam_archivo(c.dir, desc_nombre("r1.bin")) >= 0) +
                 (desc_tam_archivo(c.dir, desc_nombre("r2.bin")) >= 0) +
                 (desc_tam_archivo(c.dir, desc_nombre("r3.bin")) >= 0);
        /* La llena acabó para el servidor (el programa cortó la transferencia al fallar su
         * escritura, o la recibió entera): el registro la anota al terminar. */
        cal_peticion_t v, w[2];
        llena_hecha = llena_hecha || cal_registro_ruta(s, llena, &v, 1) >= 1;
        /* La del 416 acabó con su nombre final; o no empezó de cero: tras su única petición,
         * un 416, nada más en 1 s (eso lo cobra continuar_416: aquí no se espera por ella). */
        int n4 = cal_registro_ruta(s, u[4], w, 2);
        r4_hecha = desc_tam_archivo(c.dir, desc_nombre("r4.bin")) >= 0 ||
                   (n4 == 1 && w[0].estado == 416 && cal_ahora_ms() > w[0].fin_ms + 1000);
    }
    cal_esperar(500); /* el último rename llega antes que su uv_fs_close */
    int abiertos = desc_abiertos(p, &c);
    int llena_abierta = desc_parte_abierta(p, c.dir, desc_nombre("llena.bin"));
    int vivo = !cal_termino(p);
    int cod = desc_fin(p, 10000);
    char f[128];
    /* El código de salida (1, por las fallidas) lo juzgan otras verificaciones: aquí solo
     * que el programa acabe por sí mismo. Que la llena acabe en ERROR con su .parte hasta el
     * tope lo juzga disco_lleno: aquí, si no llegó al tope, solo que se cierre lo que sí. */
    int ok = listas == 3 && vivo && abiertos >= 0 && abiertos <= 1 && !llena_abierta &&
             (cod == 0 || cod == 1);
    /* Las tres rápidas son lo servido: cerrar los archivos de descargas que no escriben nada no
     * es el trabajo (un adversario de la sesión 87: crear cada nombre final vacío, sin escribir
     * nunca, pasaba esta y concurrencia_maxima). La del 416 no se mira aquí: si empezó de cero
     * bien, lo juzga continuar_416. */
    char por[240] = "";
    int bytes_bien = 1;
    for (int i = 1; ok && bytes_bien && i < 4; i++) {
        char nombre[16];
        snprintf(nombre, sizeof nombre, "r%d.bin", i);
        bytes_bien = desc_archivo_bien(c.dir, desc_nombre(nombre), sem[i], 50000, por, sizeof por);
    }
    ok = ok && bytes_bien;
    if (!bytes_bien)
        cal_obtenido("las tres rápidas terminaron, pero no son lo servido: %s", por);
    else if (listas < 3)
        cal_obtenido("las tres rápidas no terminaron mientras la lenta seguía (%d de 3; %s)",
                     listas, desc_como(p, cod, f, sizeof f));
    else if (!vivo)
        /* Antes decía lo mismo que arriba, «3 de 3» incluido (el estudiante de prueba de la
         * sesión 46 liberaba dos veces la plaza de un 4xx, y el programa acababa antes que la
         * lenta). */
        cal_obtenido("las tres rápidas terminaron, pero el programa acabó (%s) con %s aún en "
                     "curso: " DESC_ACTIVAS_A_CERO,
                     desc_como(p, cod, f, sizeof f), desc_nombre("lenta.bin"));
    else if (llena_abierta)
        cal_obtenido("%s no cabía en el disco (tamaño máximo de archivo, en bytes: %d): su "
                     "escritura falló, y su .parte seguía abierto medio segundo después (el "
                     "archivo se cierra también cuando una escritura falla)",
                     desc_nombre("llena.bin"), TOPE_CIERRA);
    else if (abiertos < 0 || abiertos > 1)
        cal_obtenido("descriptores abiertos en la carpeta con solo una descarga en curso: %d "
                     "(¿se cierra también el .parte de una descarga que falla? ¿y el que se "
                     "tenía antes de empezar de cero tras un 416, si se abrió otra vez?)",
                     abiertos);
    else if (cod != 0 && cod != 1)
        cal_obtenido("%s", desc_como(p, cod, f, sizeof f));
    else
        cal_obtenido("descriptores abiertos con una descarga en curso: %d (como mucho 1)",
                     abiertos);
    if (!ok)
        cal_nota_salida(p, 6);
    CAL_FIN(ok);
}
