/* memoria.c — verificaciones de memoria del contador: la memoria máxima con un archivo de
 * 200 MiB y valgrind.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ memoria */

CAL_PRUEBA(memoria, 40)
static void memoria(void)
{
    cal_esperado("un archivo de 200 MiB contado exactamente sin pasar de 32 MiB de memoria "
                 "residente máxima (se lee a trozos, nunca entero)");
    char dir[512];
    if (cont_carpeta("memoria", dir, sizeof dir) < 0)
        CAL_FIN(0);
    /* 200 bloques iguales de 1 MiB que empiezan por letra y acaban en espacio: la cuenta
     * del archivo es 200 veces la de un bloque. */
    size_t tam = 1024 * 1024;
    unsigned char *bloque = malloc(tam);
    if (bloque == NULL)
        CAL_FIN(cont_fallo_preparar(-ENOMEM));
    for (size_t i = 0; i < tam; i++)
        bloque[i] = (cont_azar() % 7 == 0) ? ' ' : (unsigned char)('a' + i % 26);
    bloque[0] = 'z';
    /* Las fronteras de 64 KiB caen entre palabras: aquí solo se juzga la memoria. */
    for (size_t f = TROZO; f <= tam; f += TROZO)
        bloque[f - 1] = '\n';
    esperado_t e[2];
    snprintf(e[0].ruta, sizeof e[0].ruta, "%s/grande.txt", dir);
    e[0].palabras = 200 * cont_contar_referencia(bloque, tam);
    e[0].fd = -1;
    e[0].es_fifo = 0;
    int fd = cal_crear_archivo(e[0].ruta, 0644);
    int r = fd < 0 ? fd : 0;
    for (int i = 0; i < 200 && r == 0; i++)
        if (write(fd, bloque, tam) != (ssize_t)tam)
            r = -EIO;
    if (fd >= 0)
        close(fd);
    free(bloque);
    if (r == 0)
        r = cont_fifo(dir, "ultima", &e[1]);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    /* La FIFO mantiene vivo al programa después del archivo grande: da tiempo a medir. */
    const char *args[] = {e[0].ruta, e[1].ruta, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 25, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* 200 MiB se leen en menos de un segundo; si el archivo grande no ha salido en 6 s (un
     * bucle bloqueado en la FIFO, por ejemplo), se sigue igual: aquí se juzga la memoria. */
    cont_esperar_cuentas(p, 1, 6000);
    cal_esperar(300);
    cont_fifo_dar(&e[1], "fin\n", 1);
    cont_fifo_cerrar(p, &e[1], 3000);
    cal_esperar_fin(p, 4000);
    char motivo[1024];
    int ok = cont_final_bien(p, 0, e, 2, motivo, sizeof motivo);
    /* La FIFO solo mantiene vivo al programa para medir: leerla es de «fifo». Si lo único que
     * falta es su línea (la saltó, o dio su ERROR y salió con 1: ESPIPE de quien lee con
     * desplazamiento), la memoria se juzga con el archivo grande. */
    int sin_fifo = 0;
    if (!ok && cal_termino(p) && (cal_codigo(p) == 0 || cal_codigo(p) == 1) &&
        strstr(cal_salida(p), e[1].ruta) == NULL) {
        char otro[1024];
        sin_fifo = ok = cont_cuentas_bien(cal_salida(p), e, 1, otro, sizeof otro);
    }
    uint64_t pico = cal_memoria_pico_kib(p);
    if (ok && pico == 0)
        snprintf(motivo, sizeof motivo,
                 "no se pudo medir la memoria residente máxima (VmHWM): sin esa medida, esta "
                 "verificación no se puede dar por buena");
    else if (ok && pico > 32 * 1024)
        snprintf(motivo, sizeof motivo,
                 "memoria residente máxima de %" PRIu64 " KiB (más de 32 MiB)", pico);
    else if (ok)
        snprintf(
            motivo, sizeof motivo, "cuenta exacta con %" PRIu64 " KiB de memoria máxima%s", pico,
            sin_fifo
                ? " (la FIFO de detrás no se contó: eso lo juzga «Una FIFO se lee como cualquier "
                  "archivo», no esta)"
                : "");
    ok = ok && pico > 0 && pico <= 32 * 1024;
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 6);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ valgrind */

/* El archivo de la segunda ejecución de «valgrind»: varios trozos de lectura (64 KiB). */
#define GRANDE_BYTES 200000

/* Escribe en dir/grande.txt GRANDE_BYTES de palabras al azar (sin multiplicar: cont_escribir)
 * y lo anota en `e`. 0 o -errno. */
static int escribir_grande(const char *dir, esperado_t *e)
{
    unsigned char *datos = malloc(GRANDE_BYTES);
    if (datos == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < GRANDE_BYTES; i++) {
        uint64_t a = cont_azar() % 8;
        datos[i] = a == 0 ? ' ' : a == 1 ? '\n' : (unsigned char)('a' + cont_azar() % 26);
    }
    int r = cont_escribir(dir, "grande.txt", datos, GRANDE_BYTES, e);
    free(datos);
    return r;
}

/* ¿Salió `p` con 0 e imprimió una sola línea de cuenta para `e`, con su cuenta? La cuenta,
 * con un 1 % de margen: aquí se juzga la memoria de una lectura entera, no la frontera de los
 * trozos (eso es de «frontera»; una palabra partida entre dos trozos no pierde esta también).
 * Si no, lo explica en `motivo`. */
static int leyo_grande(cal_proceso_t *p, const esperado_t *e, char *motivo, size_t tam)
{
    const char *out = cal_salida(p);
    int lineas = 0;
    uint64_t n = 0, cuenta = 0;
    char l[1400];
    for (int i = 0; cont_linea(out, i, l, sizeof l); i++) {
        const char *ruta;
        if (cont_linea_cuenta(l, &n, &ruta) && strcmp(ruta, e->ruta) == 0) {
            lineas++;
            cuenta = n;
        }
    }
    uint64_t margen = e->palabras / 100;
    int cerca = cuenta + margen >= e->palabras && cuenta <= e->palabras + margen;
    char fin[256];
    if (cal_termino(p) && cal_codigo(p) == 0 && lineas == 1 && cerca)
        return 1;
    snprintf(motivo, tam,
             "sin -e ni -p, con un archivo de varios trozos (bytes: %d; palabras: %" PRIu64
             "): %s, %d %s de cuenta para él",
             GRANDE_BYTES, e->palabras, cal_describir_fin(p, fin, sizeof fin), lineas,
             texto_plural(lineas, "línea", "líneas"));
    if (lineas == 1 && !cerca) {
        size_t u = strlen(motivo);
        snprintf(motivo + u, tam - u,
                 ", y su cuenta (%" PRIu64 ") se aleja más de un 1 %% de la "
                 "de verdad",
                 cuenta);
    }
    return 0;
}

CAL_PRUEBA(valgrind, 60)
static void valgrind(void)
{
    cal_esperado("bajo valgrind, con una carpeta (con una subcarpeta que no se puede leer y un "
                 "enlace simbólico que se salta), un archivo que no existe, otro que no se puede "
                 "abrir (sin permiso), otro que se abre pero cuya lectura falla, -e y -p: "
                 "cuentas exactas, código 1, «ERROR SUMMARY: 0 errors» y sin fugas. Y en otra "
                 "ejecución sin -e ni -p, con un archivo de varios trozos: código 0, su cuenta "
                 "y, también, sin errores ni fugas");
    char dir[512], sub[600], falta[600], cerrada[700], vacia[700], roto[700], ilegible[600];
    if (cont_carpeta("valgrind", dir, sizeof dir) < 0)
        CAL_FIN(0);
    snprintf(sub, sizeof sub, "%s/docs", dir);
    snprintf(cerrada, sizeof cerrada, "%s/cerrada", sub);
    snprintf(vacia, sizeof vacia, "%s/vacia", sub);
    /* El archivo de la segunda ejecución, antes de cerrar nada: si no se puede escribir, no
     * queda una carpeta sin permisos detrás. */
    esperado_t grande;
    int r = escribir_grande(dir, &grande);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    r = cal_crear_carpeta(sub, 0755);
    /* Una subcarpeta sin permisos: uv_fs_scandir falla, el camino de error del recorrido
     * (con lo que ya se había reservado para esa carpeta). Detrás, una subcarpeta vacía: quien
     * corta el recorrido al fallar no pierde ningún archivo (eso es de «errores») y deja la
     * carpeta de arriba a medias, no justo en su última entrada: limpiar un uv_fs_scandir
     * en ese momento, sin llegar a UV_EOF, deja esa entrada sin liberar (visto con libuv
     * 1.44 y el mutante subcarpeta_ilegible_corta). */
    if (r == 0)
        r = cal_crear_carpeta(cerrada, 0755);
    if (r == 0)
        r = cal_crear_carpeta(vacia, 0755);
    if (r == 0)
        r = cal_chmod(cerrada, 0);
    /* Un enlace simbólico (roto: quien lo siguiera no cuenta nada de más, eso es de
     * «carpetas») que el recorrido mira con uv_fs_lstat y salta: el camino de lo que se salta,
     * con la ruta que ya se había formado para mirarlo. */
    snprintf(roto, sizeof roto, "%s/roto", sub);
    if (r == 0)
        r = cal_crear_enlace("no_hay_nada", roto);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    esperado_t e[3];
    r = cont_escribir_texto(sub, "a.txt", "alfa beta\n", &e[0]);
    if (r == 0)
        r = cont_escribir_texto(sub, "b.txt", "gamma delta epsilon", &e[1]);
    if (r == 0)
        r = cont_escribir_texto(dir, "c.txt", "\n", &e[2]);
    /* Existe (entra en la lista) pero uv_fs_open falla: el camino de error de la apertura,
     * con lo que ya se había reservado para ese archivo. */
    esperado_t cerrado;
    if (r == 0)
        r = cont_escribir_texto(dir, "cerrado.txt", "no se lee\n", &cerrado);
    if (r == 0)
        r = cal_chmod(cerrado.ruta, 0);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    /* Se abre bien y su lectura falla: un enlace a /proc/self/mem (la memoria del propio
     * programa, un archivo regular para stat; leerlo desde el principio da EIO, sin esperas ni
     * carreras). El camino de error de la lectura: cerrar el archivo y liberar lo suyo. */
    snprintf(ilegible, sizeof ilegible, "%s/lectura_falla.txt", dir);
    r = cal_crear_enlace("/proc/self/mem", ilegible);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    snprintf(falta, sizeof falta, "%s/no_existe.txt", dir);
    /* La carpeta, la última RUTA: tras su subcarpeta ilegible ya no hay archivos. Un recorrido
     * que se corta al fallar una subcarpeta no pierde nada aquí (eso lo juzga «errores»). */
    const char *args[] = {"-p", "-e", "50", falta, cerrado.ruta, ilegible, e[2].ruta, sub, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 40, 1);
    if (p == NULL)
        CAL_FIN(0);
    /* Y a la vez, otra sin -e ni -p: sin espera, la tarea se informa y se libera desde la
     * callback de cierre, otro camino que con -e (mutante libera_antes_sin_espera: una
     * escritura en la tarea ya liberada, solo sin -e, sacaba 100). Con varios trozos: las
     * lecturas que siguen a la primera, también. */
    const char *args_sin[] = {grande.ruta, NULL};
    cal_proceso_t *q = cont_lanzar(args_sin, dir, 40, 1);
    if (q == NULL)
        CAL_FIN(0);
    cal_esperar_fin(p, 35000);
    cal_esperar_fin(q, 35000);
    char motivo[1024], mv[512], motivo_q[512] = "", mv_q[512] = "";
    int ok = cont_final_bien(p, 1, e, 3, motivo, sizeof motivo);
    int limpio = cal_valgrind_veredicto(p, mv, sizeof mv);
    int ok_q = leyo_grande(q, &grande, motivo_q, sizeof motivo_q);
    int limpio_q = cal_valgrind_veredicto(q, mv_q, sizeof mv_q);
    if (ok_q && limpio_q)
        cal_obtenido("%s; %s", motivo, mv);
    else
        cal_obtenido("%s; %s; y %s%s%s", motivo, mv, ok_q ? "" : motivo_q,
                     ok_q ? "sin -e ni -p, " : "; ", mv_q);
    if (!ok || !limpio) {
        cal_valgrind_nota(p);
        cal_nota_salida(p, 6);
    }
    if (!ok_q || !limpio_q) {
        cal_valgrind_nota(q);
        cal_nota_salida(q, 6);
    }
    ok = ok && ok_q;
    limpio = limpio && limpio_q;
    /* Que se pueda borrar la carpeta de la prueba; cal_chmod no sigue enlaces (el programa
     * ya corrió aquí: «cerrada» puede ser ya otra cosa suya). */
    int rm = cal_chmod(cerrada, 0755);
    if (rm < 0 && rm != -ENOENT) {
        cal_obtenido("«…/docs/cerrada» tras correr el programa: %s", cal_ruta_error(rm));
        ok = 0;
    }
    CAL_FIN(ok && limpio);
}
