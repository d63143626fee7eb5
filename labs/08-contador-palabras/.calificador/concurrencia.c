/* concurrencia.c — verificaciones de lo asíncrono del contador: el tope de -j archivos abiertos,
 * la espera -e a la vez y el progreso -p mientras el bucle no se bloquea.
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

/* ------------------------------------------------------------------ -j */

CAL_PRUEBA(limite_j, 30)
static void limite_j(void)
{
    cal_esperado("con -j 3 y 7 FIFO que el calificador va llenando de una en una, nunca más "
                 "de 3 abiertas a la vez y, en cada paso, todas las que puede en cuanto puede "
                 "(3 mientras queden); las 7 contadas");
    char dir[512];
    if (cont_carpeta("limite", dir, sizeof dir) < 0)
        CAL_FIN(0);
    enum { N = 7, J = 3 };
    esperado_t e[N];
    const char *args[N + 3] = {"-j", "3"};
    for (int i = 0; i < N; i++) {
        char nombre[16];
        snprintf(nombre, sizeof nombre, "f%d", i);
        int r = cont_fifo(dir, nombre, &e[i]);
        if (r < 0)
            CAL_FIN(cont_fallo_preparar(r));
        args[i + 2] = e[i].ruta;
    }
    args[N + 2] = NULL;
    cal_proceso_t *p = cont_lanzar(args, dir, 15, 0);
    if (p == NULL)
        CAL_FIN(0);
    char prefijo[600];
    snprintf(prefijo, sizeof prefijo, "%s/", dir);
    int maximo = 0, lleno = 1, paso_corto = -1;
    char pasos[256] = "";
    /* Sin bwrap, el hijo recién creado es una copia del calificador (con sus extremos de las
     * FIFOs) hasta que cierra los descriptores y hace exec: no se mira en ese momento. */
    cal_esperar(100);
    for (int i = 0; i < N; i++) {
        /* Espera (como mucho 2 s la primera vez, que incluye el arranque, y 1.5 s las demás) a
         * que ocupe las plazas que puede; mira a menudo. Se juzga en cada paso: quien empieza
         * los archivos por tandas de -j (espera a que acabe la tanda entera) llena la primera y
         * deja plazas vacías después (el estudiante de prueba de la sesión 33, bug 24). Mutante:
         * por_tandas. */
        int quiere = N - i < J ? N - i : J, visto = 0;
        plazo_t plazo;
        plazo_empezar(&plazo, i == 0 ? 2000 : 1500);
        while (!plazo_vencido(&plazo) && !cal_termino(p)) {
            int a = cal_abiertos(p, prefijo);
            if (a > maximo)
                maximo = a;
            if (a > visto)
                visto = a;
            if (visto >= quiere)
                break;
            cal_esperar(15);
        }
        /* Un rato más mirando, por si abre de más. */
        for (int k = 0; k < 6 && !cal_termino(p); k++) {
            int a = cal_abiertos(p, prefijo);
            if (a > maximo)
                maximo = a;
            cal_esperar(15);
        }
        if (visto < quiere && lleno) {
            lleno = 0;
            paso_corto = i;
        }
        cont_anadir(pasos, sizeof pasos, "%s%d", i > 0 ? " " : "", visto);
        char texto[64] = "";
        for (int w = 0; w <= i; w++)
            strcat(texto, "palabra ");
        cont_fifo_dar(&e[i], texto, 1);
        cont_fifo_cerrar(p, &e[i], 3000);
        /* Y a que el programa la cierre: si no, el paso siguiente aún la contaría abierta, y
         * quien va por tandas parecería llenar sus plazas (la acabada y las dos que quedan de
         * su tanda: «3 3 3 3 3 2 1»; por_tandas pasaba así en la pasada de la sesión 59). */
        plazo_t cierre;
        plazo_empezar(&cierre, 1000);
        while (!cal_termino(p) && cal_abiertos(p, e[i].ruta) > 0 && !plazo_vencido(&cierre))
            cal_esperar(10);
    }
    cal_esperar_fin(p, 5000);
    char motivo[1024];
    int ok = cont_final_bien(p, 0, e, N, motivo, sizeof motivo);
    if (ok && maximo > J)
        snprintf(motivo, sizeof motivo, "llegó a tener %d FIFO abiertas a la vez (el tope es %d)",
                 maximo, J);
    else if (ok && !lleno)
        snprintf(motivo, sizeof motivo,
                 "abiertas en cada paso: %s; en el paso %d se esperaban %d a la vez (las plazas "
                 "de -j se usan todas, en cuanto una queda libre)",
                 pasos, paso_corto + 1, N - paso_corto < J ? N - paso_corto : J);
    else if (ok)
        snprintf(motivo, sizeof motivo, "como mucho %d %s; en cada paso: %s", maximo,
                 texto_plural(maximo, "abierta", "abiertas"), pasos);
    ok = ok && maximo <= J && lleno;
    cal_obtenido("%s", motivo);
    if (!ok) {
        cal_nota("Abiertas vistas en cada paso (antes de llenar cada FIFO): %s", pasos);
        cal_nota_salida(p, 6);
    }
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ -e */

/* Milisegundos desde el lanzamiento hasta la línea de cuenta número `k` (0, 1…), o -1. */
static long instante_cuenta(const char *out, int k)
{
    char l[1024];
    uint64_t v;
    const char *r;
    int vistas = 0;
    for (int i = 0; cont_linea(out, i, l, sizeof l); i++)
        if (cont_linea_cuenta(l, &v, &r) && vistas++ == k)
            return cal_linea_vista_ms(cont_seg.p, 1, i) != 0
                       ? (long)(cal_linea_vista_ms(cont_seg.p, 1, i) - cont_seg.lanzado)
                       : -1;
    return -1;
}

CAL_PRUEBA(espera, 20)
static void espera(void)
{
    cal_esperado("con -j 5 -e 400, las líneas de los 5 archivos salen a la vez, hacia los "
                 "400 ms (no una tras otra: 2 s); con -j 2 -e 400 y 4 archivos, la espera "
                 "ocupa la plaza: dos tandas, la segunda unos 400 ms después de la primera. Y "
                 "se espera con el archivo ya cerrado, dormido en uv_run (sin espera activa)");
    char dir[512];
    if (cont_carpeta("espera", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[5];
    for (int i = 0; i < 5; i++) {
        char nombre[16], texto[64];
        snprintf(nombre, sizeof nombre, "e%d.txt", i);
        snprintf(texto, sizeof texto, "archivo número %d\n", i);
        int r = cont_escribir_texto(dir, nombre, texto, &e[i]);
        if (r < 0)
            CAL_FIN(cont_fallo_preparar(r));
    }
    const char *args[] = {"-j",      "5",       "-e",      "400",     e[0].ruta,
                          e[1].ruta, e[2].ruta, e[3].ruta, e[4].ruta, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    cal_esperar_fin(p, 5000);
    char motivo[1024];
    int ok = cont_final_bien(p, 0, e, 5, motivo, sizeof motivo);
    /* Los plazos se miden entre líneas, no desde el lanzamiento: la caja y strace retrasan el
     * arranque del programa de 0.4 a 1.2 s según la carga, y medido desde el lanzamiento un
     * programa que no espera, o que deja su plaza antes de esperar, caía dentro. Solo el
     * mínimo (330 ms) va desde el lanzamiento: el arranque lento no adelanta ninguna línea. */
    long primero = instante_cuenta(cal_salida(p), 0), ultimo = instante_cuenta(cal_salida(p), 4);
    if (ok && (primero < 330 || ultimo - primero > 350)) {
        snprintf(motivo, sizeof motivo,
                 "la primera línea llegó a los %ld ms del arranque y la quinta %ld ms después "
                 "(se esperaban desde los 330 ms y todas a la vez: a menos de 350 ms unas de "
                 "otras)",
                 primero, ultimo - primero);
        ok = 0;
    }
    if (!ok) {
        cal_obtenido("%s", motivo);
        cal_nota_salida(p, 8);
        CAL_FIN(0);
    }
    const char *args2[] = {"-j",      "2",       "-e",      "400", e[0].ruta,
                           e[1].ruta, e[2].ruta, e[3].ruta, NULL};
    p = cont_lanzar(args2, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    cal_esperar_fin(p, 5000);
    ok = cont_final_bien(p, 0, e, 4, motivo, sizeof motivo);
    /* La tercera solo puede empezar cuando la primera deja su plaza, al informar: su línea
     * sale 400 ms (su espera) después de la primera como poco; se pide 300, por lo que tarda
     * el calificador en leer una línea con la máquina cargada. */
    long primera2 = instante_cuenta(cal_salida(p), 0), segundo = instante_cuenta(cal_salida(p), 1),
         tercero = instante_cuenta(cal_salida(p), 2);
    long hueco = tercero - primera2;
    if (ok && (segundo < 330 || hueco < 300 || hueco > 1200)) {
        snprintf(motivo, sizeof motivo,
                 "con -j 2: la segunda línea a los %ld ms del arranque y la tercera %ld ms "
                 "después de la primera (se esperaban ≥ 330 ms y de 300 a 1200 ms: la tercera "
                 "espera a que la primera deje su plaza, y la plaza se deja al informar, tras "
                 "la espera)",
                 segundo, hueco);
        ok = 0;
    }
    if (!ok) {
        cal_obtenido("%s", motivo);
        cal_nota_salida(p, 8);
        CAL_FIN(0);
    }
    /* La espera es de un archivo ya cerrado: «-j 1 -e 1500» con un archivo regular pequeño.
     * Leerlo lleva milisegundos; después, 1.5 s de espera hasta su línea. Se mira en /proc a
     * menudo: si se le ve abierto, 500 ms después ya no puede estarlo (antes de la línea).
     * Quien espera antes de cerrar lo tiene abierto todo ese segundo. Si nunca se le ve
     * abierto (se cerró entre dos miradas), bien. Con un archivo regular y no con una FIFO:
     * quien no lee FIFOs ya pierde lo suyo en las demás. Quien no espera (la línea sale
     * antes) no se juzga aquí: eso lo vieron las dos pasadas de arriba. Y esa espera larga,
     * dormido en uv_run: sin espera activa (cal_sin_espera_activa, mirado al llegar su línea,
     * con más de 1 s transcurrido). */
    esperado_t f;
    int r = cont_escribir_texto(dir, "cerrar_antes.txt", "cerrado antes de esperar\n", &f);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    const char *args3[] = {"-j", "1", "-e", "1500", f.ruta, NULL};
    p = cont_lanzar(args3, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    uint64_t visto = 0, abierta_ms = 0;
    plazo_t plazo;
    plazo_empezar(&plazo, 5000);
    while (!cal_termino(p) && cont_lineas_de_cuenta(cal_salida(p)) == 0 && !plazo_vencido(&plazo)) {
        uint64_t ahora = cal_ahora_ms();
        if (cal_abiertos(p, f.ruta) > 0) {
            if (visto == 0)
                visto = ahora;
            else if (ahora - visto >= 500)
                abierta_ms = ahora - visto;
        }
        cal_esperar(10);
    }
    char cpu[400] = "esperó dormido";
    int dormido = cal_sin_espera_activa(p, CAL_ESPERA_TRANQUILA, cpu, sizeof cpu);
    cal_esperar_fin(p, 4000);
    ok = cont_final_bien(p, 0, &f, 1, motivo, sizeof motivo);
    if (ok && abierta_ms > 0) {
        snprintf(motivo, sizeof motivo,
                 "con «-j 1 -e 1500» y un archivo de una línea, durante la espera seguía abierto "
                 "(%" PRIu64 " ms después de verlo abierto, en /proc): se espera con el archivo "
                 "ya cerrado (uv_fs_close, y en su callback el temporizador)",
                 abierta_ms);
        ok = 0;
    }
    if (ok && !dormido) {
        snprintf(motivo, sizeof motivo, "con «-j 1 -e 1500», mientras esperaba: %s", cpu);
        ok = 0;
    }
    if (ok)
        snprintf(motivo, sizeof motivo,
                 "-j 5: de %ld a %ld ms; -j 2: la tercera línea %ld ms después de la primera; "
                 "la espera, con el archivo ya cerrado y el programa dormido en uv_run",
                 primero, ultimo, hueco);
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 8);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ -p */

CAL_PRUEBA(progreso, 20)
static void progreso(void)
{
    cal_esperado("con -p, «PROGRESO <leídos> de <totales>» en stderr cada 200 ms también "
                 "mientras una FIFO tarda 1.4 s en recibir más datos (el bucle no se bloquea). "
                 "<totales> es la suma de los tamaños de los dos archivos regulares: la FIFO "
                 "no tiene tamaño, y la carpeta, su subcarpeta y su enlace no son archivos de "
                 "la lista. Y <leídos>, nunca más de lo dado");
    char dir[512];
    if (cont_carpeta("progreso", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[3];
    char *datos = malloc(100000);
    if (datos == NULL)
        CAL_FIN(cont_fallo_preparar(-ENOMEM));
    /* Palabras al azar (la cuenta no se sabe de antemano); la frontera de 64 KiB cae entre
     * palabras y el archivo acaba en espacio (esto no juzga el corte). */
    for (int i = 0; i < 100000; i++)
        datos[i] =
            cont_azar() % 5 == 0 ? (cont_azar() % 2 ? '\n' : ' ') : (char)('a' + cont_azar() % 26);
    datos[65535] = '\n';
    datos[99999] = '\n';
    int r = cont_escribir(dir, "regular.txt", datos, 100000, &e[0]);
    free(datos);
    if (r == 0)
        r = cont_fifo(dir, "lenta", &e[1]);
    /* Y una carpeta con un archivo regular de 13 bytes, una subcarpeta vacía y un enlace
     * simbólico a ella: <totales> suma solo el st_size de los archivos regulares de la lista,
     * no el de las carpetas ni el de los enlaces (los dos tienen tamaño). El enlace apunta a
     * la carpeta vacía: quien lo siga (eso es de «carpetas») no encuentra ningún archivo más. */
    char docs[600], vacia[700], enlace[700];
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(vacia, sizeof vacia, "%s/vacia", docs);
    snprintf(enlace, sizeof enlace, "%s/enlace", docs);
    if (r == 0)
        r = cal_crear_carpeta(docs, 0755);
    if (r == 0)
        r = cal_crear_carpeta(vacia, 0755);
    if (r == 0)
        r = cont_escribir_texto(docs, "dentro.txt", "uno dos tres\n", &e[2]);
    if (r == 0)
        r = cal_crear_enlace("vacia", enlace);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    /* Los tamaños, de lo que escribió el calificador (antes de lanzar: nada por ruta). */
    const unsigned long long total = e[0].bytes + e[2].bytes;
    const char *args[] = {"-p", "-j", "2", e[0].ruta, e[1].ruta, docs, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 12, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Dado hasta cada instante (desde el lanzamiento): 1000 B al empezar, 2000 más a 1.4 s. */
    /* Trozos de 1000 y 2000 B con palabras al azar, cada uno acabado en salto de línea. */
    char trozo[3001];
    for (int i = 0; i < 3000; i++)
        trozo[i] = cont_azar() % 6 == 0 ? '\n' : (char)('a' + cont_azar() % 26);
    trozo[999] = '\n';
    cont_fifo_dar_bytes(&e[1], trozo, 1000, 1);
    uint64_t t_segundo_envio;
    cal_esperar(1400);
    for (int i = 0; i < 2000; i++)
        trozo[i] = cont_azar() % 6 == 0 ? '\n' : (char)('a' + cont_azar() % 26);
    trozo[1999] = '\n';
    t_segundo_envio = cal_ahora_ms();
    cont_fifo_dar_bytes(&e[1], trozo, 2000, 1);
    cal_esperar(600);
    uint64_t t_cierre = cal_ahora_ms();
    cont_fifo_cerrar(p, &e[1], 3000);
    cal_esperar_fin(p, 4000);
    char motivo[1024];
    int ok = cont_final_bien(p, 0, e, 3, motivo, sizeof motivo);
    /* Las líneas PROGRESO entre los 500 ms y el cierre de la FIFO. */
    const char *err = cal_errores(p);
    char l[1024];
    int n = 0, mal_formato = 0, de_mas = 0, retrocede = 0;
    /* El hueco se mide también desde el principio de la ventana (500 ms) hasta la primera
     * línea y desde la última hasta el cierre: sin ninguna línea, el hueco es la ventana. */
    uint64_t anterior_t = cont_seg.lanzado + 500, hueco = 0, ultimo = 0;
    unsigned long long visto_leido = 0;
    for (int i = 0; cont_linea(err, i, l, sizeof l) && cal_linea_vista_ms(p, 2, i) != 0; i++) {
        if (strncmp(l, "PROGRESO", 8) != 0)
            continue;
        unsigned long long a, b;
        char resto[8];
        uint64_t t = cal_linea_vista_ms(p, 2, i);
        int leidas = sscanf(l, "PROGRESO %llu de %llu%7s", &a, &b, resto);
        /* Mientras se hace la lista (lo primero, antes de los 500 ms) el total aún crece. */
        if (leidas == 2 && b < total && t < cont_seg.lanzado + 500)
            continue;
        if (leidas != 2 || b != total) {
            if (mal_formato++ == 0)
                cal_nota("Línea con otro formato o otro total (se esperaba «de %llu»): «%.120s»",
                         total, l);
            continue;
        }
        unsigned long long dado = total + 1000 + (t >= t_segundo_envio ? 2000 : 0);
        if (a > dado)
            de_mas++;
        if (a < ultimo)
            retrocede++;
        ultimo = a;
        if (a == total + 1000 && t < t_segundo_envio)
            visto_leido = 1;
        if (t < cont_seg.lanzado + 500 || t > t_cierre)
            continue;
        n++;
        if (t - anterior_t > hueco)
            hueco = t - anterior_t;
        anterior_t = t;
    }
    if (t_cierre > anterior_t && t_cierre - anterior_t > hueco)
        hueco = t_cierre - anterior_t;
    if (ok) {
        if (mal_formato > 0 || de_mas > 0 || retrocede > 0)
            snprintf(motivo, sizeof motivo,
                     "líneas PROGRESO con otro formato o con un total que no es %llu (la suma "
                     "de los st_size de los archivos regulares de la lista: ni carpetas ni "
                     "enlaces): %d; que dicen más de lo dado: %d; en las que <leídos> baja: %d",
                     total, mal_formato, de_mas, retrocede);
        else if (n == 0)
            snprintf(motivo, sizeof motivo,
                     "ninguna línea PROGRESO en los %.1f s de espera (se esperaba una cada ~200 "
                     "ms, unas %d): el bucle estuvo parado o el progreso no está activo",
                     (double)(t_cierre - cont_seg.lanzado - 500) / 1000,
                     (int)((t_cierre - cont_seg.lanzado - 500) / 200));
        else if (n < 4 || n > 16 || hueco > 900)
            snprintf(motivo, sizeof motivo,
                     "%d %s PROGRESO en los %.1f s de espera (se esperaban unas %d) y un "
                     "hueco máximo de %" PRIu64 " ms (se esperaban ~200, como mucho 900)",
                     n, n == 1 ? "línea" : "líneas",
                     (double)(t_cierre - cont_seg.lanzado - 500) / 1000,
                     (int)((t_cierre - cont_seg.lanzado - 500) / 200), hueco);
        else if (!visto_leido)
            snprintf(motivo, sizeof motivo,
                     "ninguna línea dijo «PROGRESO %llu de %llu» mientras la FIFO esperaba "
                     "(los dos archivos regulares y los 1000 bytes dados)",
                     total + 1000, total);
        else
            snprintf(motivo, sizeof motivo,
                     "líneas PROGRESO a tiempo: %d (hueco máximo %" PRIu64 " ms), con lo leído", n,
                     hueco);
        ok = mal_formato == 0 && de_mas == 0 && retrocede == 0 && n >= 4 && n <= 16 &&
             hueco <= 900 && visto_leido;
    }
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 8);
    CAL_FIN(ok);
}
