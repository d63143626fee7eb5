/* entrada.c — verificaciones del uso incorrecto y de los errores de archivo del contador
 * (código de salida, mensajes en stderr que nombran la ruta, y seguir con los demás).
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

/* ------------------------------------------------------------------ uso incorrecto */

/* Lo que se mira un caso válido desde su lanzamiento: uno rechazado sale al momento con 2; uno
 * aceptado cuenta y sale con 0, o sigue contando (los diez arrancan a la vez, bajo strace, y
 * con la máquina cargada un -j 64 correcto no terminaba en 3 s: tanda de la sesión 94). */
#define CASO_MS 3000

CAL_PRUEBA(uso_incorrecto, 20)
static void uso_incorrecto(void)
{
    cal_esperado("código 2, un mensaje en stderr que cite el valor erróneo y nada contado; y "
                 "los valores válidos de los bordes (-j 1, -j 64, -e 0) aceptados: en 3 s, o "
                 "sigue contando o sale con 0");
    char dir[512];
    if (cont_carpeta("uso", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t a;
    int r = cont_escribir_texto(dir, "a.txt", "una dos tres\n", &a);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    /* Los dos lados de cada borde: rechazarlo todo no es validar, y un tope que falta (-e sin
     * máximo), uno de menos (-j hasta 63) o un signo aceptado (strtoull da la vuelta: 2^64 −
     * 18446744073709551612 = 4) sacaban 100. */
    struct {
        const char *args[5];
        const char *cita;
        int valido; /* 1: tiene que aceptarse (seguir contando o salir con 0) */
    } casos[] = {
        {{NULL}, NULL, 0},
        {{"-j", "0", a.ruta, NULL}, "0", 0},
        {{"-j", "abc", a.ruta, NULL}, "abc", 0},
        {{"-j", "65", a.ruta, NULL}, "65", 0},
        {{"-j", "-18446744073709551612", a.ruta, NULL}, "-18446744073709551612", 0},
        {{"-e", "12x", a.ruta, NULL}, "12x", 0},
        {{"-e", "3600001", a.ruta, NULL}, "3600001", 0},
        {{"-j", "1", a.ruta, NULL}, NULL, 1},
        {{"-j", "64", a.ruta, NULL}, NULL, 1},
        {{"-e", "0", a.ruta, NULL}, NULL, 1},
    };
    /* Sin «-e 3600000»: su espera es la de «espera», y quien la hace con medios que no valen
     * (usleep) perdía también esta (mutante espera_con_usleep). */
    enum { N = sizeof casos / sizeof casos[0] };
    cal_proceso_t *p[N] = {NULL};
    for (int i = 0; i < N; i++) {
        p[i] = cont_lanzar(casos[i].args, dir, 5, 0);
        if (p[i] == NULL)
            CAL_FIN(0);
    }
    int ok = 1, invalidos = 0;
    char fallos[4096] = "";
    for (int i = 0; i < N; i++) {
        char orden[256], fin[128], extracto[512];
        if (casos[i].valido) {
            uint64_t hasta = cal_lanzado_ms(p[i]) + CASO_MS, ahora = cal_ahora_ms();
            cal_esperar_fin(p[i], ahora < hasta ? (int)(hasta - ahora) : 0);
            /* Sigue contando: sin terminar, o muerto por su plazo (5 s) si se llega tarde. */
            int sigue = !cal_termino(p[i]) || cal_excedido(p[i]);
            if (!sigue && cal_codigo(p[i]) != 0) {
                cont_unir(casos[i].args, orden, sizeof orden);
                cont_anadir(fallos, sizeof fallos,
                            "%s«%s» es válido y tenía que aceptarse (contar y salir con 0), pero "
                            "%s; stderr:\n%s",
                            fallos[0] ? "\n" : "", orden, cal_describir_fin(p[i], fin, sizeof fin),
                            cal_extracto(cal_errores(p[i]), 3, extracto, sizeof extracto));
                ok = 0;
            }
            cal_matar(p[i]);
            continue;
        }
        invalidos++;
        cal_esperar_fin(p[i], 3000);
        const char *err = cal_errores(p[i]);
        int con_mensaje = strspn(err, " \t\r\n") < strlen(err);
        int cita = casos[i].cita == NULL || strstr(err, casos[i].cita) != NULL;
        int conto = cont_lineas_de_cuenta(cal_salida(p[i])) > 0 ||
                    cal_contar(cal_salida(p[i]), "TOTAL", NULL) > 0;
        if (cal_codigo(p[i]) != 2 || !con_mensaje || !cita || conto) {
            cont_unir(casos[i].args, orden, sizeof orden);
            cont_anadir(
                fallos, sizeof fallos, "%s«%s»: %s%s%s; stderr:\n%s", fallos[0] ? "\n" : "", orden,
                cal_termino(p[i]) ? cal_describir_fin(p[i], fin, sizeof fin) : "no terminó en 3 s",
                !cita && con_mensaje ? " (el mensaje no cita el valor erróneo)" : "",
                conto ? " (y contó palabras)" : "",
                cal_extracto(err, 3, extracto, sizeof extracto));
            ok = 0;
        }
    }
    if (ok)
        cal_obtenido("cada caso inválido (%d) sale con el código 2 y un mensaje que cita el "
                     "valor erróneo (si lo hay), y cada válido (%d) arranca",
                     invalidos, N - invalidos);
    else
        cal_obtenido("%s", fallos);
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ errores */

/* ¿Hay en stderr exactamente una línea «ERROR <ruta>: <motivo>» con un motivo en español? */
static int linea_error(const char *err, const char *ruta, char *motivo, size_t tam)
{
    char l[1024], prefijo[600];
    snprintf(prefijo, sizeof prefijo, "ERROR %s: ", ruta);
    int vistas = 0, bien = 0;
    for (int i = 0; cont_linea(err, i, l, sizeof l); i++) {
        if (strncmp(l, prefijo, strlen(prefijo)) != 0)
            continue;
        vistas++;
        const char *m = l + strlen(prefijo);
        bien = strspn(m, " ") < strlen(m) && strcasestr(m, "no such file") == NULL &&
               strcasestr(m, "permission denied") == NULL;
    }
    if (vistas == 1 && bien)
        return 1;
    snprintf(motivo, tam,
             vistas == 0  ? "falta en stderr «ERROR …%s: <motivo>»"
             : vistas > 1 ? "«ERROR …%s» aparece más de una vez"
                          : "el motivo de «ERROR …%s» está vacío o en inglés",
             strrchr(ruta, '/'));
    return 0;
}

/* La lista entera antes de contar: «FIFO, una carpeta con MUCHOS enlaces simbólicos, una RUTA
 * que no existe». Quien empieza a leer lo que encuentra abre la FIFO (el calificador no
 * escribe nada: se queda abierta) mientras aún recorre la carpeta, antes del ERROR de la
 * última RUTA; quien hace la lista primero, ya lo ha escrito cuando la abre. Se mira en /proc
 * cuándo la tiene abierta el programa y, en ese momento, si el ERROR ya estaba en stderr. Los
 * enlaces alargan la lista (un lstat cada uno) pero no se leen: no cuestan nada después.
 * Apuntan a una FIFO de fuera: quien los siga (eso lo juzga «carpetas») ve una FIFO dentro de
 * una carpeta y la salta, sin errores de más. 1 si sí (en `motivo`, el porqué si no).
 * Doscientos: quien cuenta lo que encuentra abre la FIFO con una sola operación y la lista
 * sigue con doscientos lstat. Con mil (antes), crearlos costaba 2 s al calificador y
 * recorrerlos 2 s al programa (bajo strace, con las demás verificaciones al lado): dos
 * tercios de la verificación, que bajo carga se acercaba a sus esperas (8 s a la FIFO) y a
 * su tope. La solución perdió esta verificación en un CI (92/100, sin el motivo en lo que
 * quedó del registro); es la explicación más probable, no una demostrada. */
#define MUCHOS 200
static int lista_antes_de_contar(const char *dir, char *motivo, size_t tam)
{
    char carpeta_muchos[600], falta[700];
    snprintf(carpeta_muchos, sizeof carpeta_muchos, "%s/muchos", dir);
    snprintf(falta, sizeof falta, "%s/ninguno.txt", dir);
    /* El programa ya corrió dos veces en esta carpeta: nada de lo que se prepara aquí sigue
     * lo que haya dejado (cal_crear_*, sin seguir enlaces). */
    int rc = cal_crear_carpeta(carpeta_muchos, 0755);
    if (rc < 0) {
        snprintf(motivo, tam, "no se pudo preparar «…/muchos»: %s", cal_ruta_error(rc));
        return 0;
    }
    char destino[700];
    int rd = cal_fifo(dir, "destino", destino, sizeof destino);
    if (rd < 0) {
        snprintf(motivo, tam, "no se pudo preparar «…/destino»: %s", cal_ruta_error(rd));
        return 0;
    }
    for (int i = 0; i < MUCHOS; i++) {
        char enlace[700];
        snprintf(enlace, sizeof enlace, "%s/m%04d", carpeta_muchos, i);
        rc = cal_crear_enlace("../destino", enlace);
        if (rc < 0) {
            snprintf(motivo, tam, "no se pudo preparar «…/muchos»: %s", cal_ruta_error(rc));
            return 0;
        }
    }
    esperado_t f;
    int r = cont_fifo(dir, "primero", &f);
    if (r < 0) {
        snprintf(motivo, tam, "no se pudo preparar «…/primero»: %s", cal_ruta_error(r));
        return 0;
    }
    const char *args[] = {f.ruta, carpeta_muchos, falta, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 15, 0);
    if (p == NULL) {
        cont_fifo_cerrar(NULL, &f, 0);
        snprintf(motivo, tam, "%s", cal_lanzar_motivo());
        return 0;
    }
    plazo_t plazo;
    plazo_empezar(&plazo, 8000);
    int abierta = 0;
    while (!abierta && !cal_termino(p) && !plazo_vencido(&plazo)) {
        cal_esperar(2);
        abierta = cal_abiertos(p, f.ruta) > 0;
    }
    cal_esperar(0); /* lo que ya escribió antes de abrirla */
    char busca[800];
    snprintf(busca, sizeof busca, "ERROR %s:", falta);
    int antes = strstr(cal_errores(p), busca) != NULL;
    cont_fifo_cerrar(NULL, &f, 0);
    cal_esperar_fin(p, 8000);
    if (!abierta) {
        snprintf(motivo, tam,
                 "con «FIFO, carpeta con muchos enlaces (%d), RUTA que no existe», el programa "
                 "no llegó a abrir la FIFO (se esperó hasta 8 s, contados con la CPU que tuvo la "
                 "máquina)",
                 MUCHOS);
        cal_nota_salida(p, 6);
        return 0;
    }
    if (!antes) {
        snprintf(motivo, tam,
                 "con «FIFO, carpeta con muchos enlaces (%d), RUTA que no existe», abrió la FIFO "
                 "para contarla antes de escribir «ERROR …/ninguno.txt»: la lista se hace entera "
                 "(y lo que falla al hacerla se avisa) antes de empezar a contar",
                 MUCHOS);
        return 0;
    }
    return 1;
}

/* Lo que falla no se lleva nada: «-j 2 f0 f1 x.txt cerrado0…2 g0 g1». f0 y f1 son FIFOs que
 * ocupan las dos plazas mientras el calificador convierte x.txt (un archivo regular al hacer la
 * lista) en una carpeta: se abre bien y su lectura falla (EISDIR). Los cerrado no se pueden abrir
 * (sin permiso). Después, g0 y g1 (FIFOs) tienen que estar abiertas las dos a la vez: cada
 * fallo devolvió su plaza (quien pierde una plaza por fallo se queda sin ninguna y no acaba, o
 * va de una en una). Y en ese momento el programa no tiene abierto nada más de la carpeta: el
 * descriptor de x.txt se cerró tras su ERROR (se mira en /proc). Quien abre más de -j (eso lo
 * juzga «limite_j») no se juzga aquí. 1 si sí (en `motivo`, el porqué si no). */
static int fallos_sin_huella(const char *dir, char *motivo, size_t tam)
{
    char sub[600];
    snprintf(sub, sizeof sub, "%s/huella", dir);
    int r = cal_crear_carpeta(sub, 0755);
    esperado_t f[2] = {{.fd = -1}, {.fd = -1}}, g[2] = {{.fd = -1}, {.fd = -1}}, x, c[3];
    for (int i = 0; i < 2 && r == 0; i++) {
        char nombre[8];
        snprintf(nombre, sizeof nombre, "f%d", i);
        r = cont_fifo(sub, nombre, &f[i]);
        snprintf(nombre, sizeof nombre, "g%d", i);
        if (r == 0)
            r = cont_fifo(sub, nombre, &g[i]);
    }
    if (r == 0)
        r = cont_escribir_texto(sub, "x.txt", "se vuelve carpeta\n", &x);
    for (int i = 0; i < 3 && r == 0; i++) {
        char nombre[16];
        snprintf(nombre, sizeof nombre, "cerrado%d.txt", i);
        r = cont_escribir_texto(sub, nombre, "sin permiso\n", &c[i]);
        if (r == 0)
            r = cal_chmod(c[i].ruta, 0);
    }
    if (r < 0) {
        for (int i = 0; i < 2; i++) {
            cont_fifo_cerrar(NULL, &f[i], 0);
            cont_fifo_cerrar(NULL, &g[i], 0);
        }
        snprintf(motivo, tam, "no se pudo preparar «…/huella»: %s", cal_ruta_error(r));
        return 0;
    }
    const char *args[] = {"-j",      "2",       f[0].ruta, f[1].ruta, x.ruta, c[0].ruta,
                          c[1].ruta, c[2].ruta, g[0].ruta, g[1].ruta, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 15, 0);
    if (p == NULL) {
        for (int i = 0; i < 2; i++) {
            cont_fifo_cerrar(NULL, &f[i], 0);
            cont_fifo_cerrar(NULL, &g[i], 0);
        }
        snprintf(motivo, tam, "%s", cal_lanzar_motivo());
        return 0;
    }
    char prefijo[700];
    snprintf(prefijo, sizeof prefijo, "%s/", sub);
    /* Las dos plazas, en f0 y f1: la lista ya está hecha (x.txt era un archivo regular). */
    plazo_t plazo;
    plazo_empezar(&plazo, 8000);
    int en_f = 0;
    while (!cal_termino(p) && !plazo_vencido(&plazo)) {
        en_f = (cal_abiertos(p, f[0].ruta) > 0) + (cal_abiertos(p, f[1].ruta) > 0);
        if (en_f == 2)
            break;
        cal_esperar(5);
    }
    int de_mas = cal_abiertos(p, prefijo) > 2;
    int ok = 1;
    if (en_f == 2 && !de_mas) {
        r = cal_borrar(x.ruta);
        if (r == 0)
            r = cal_crear_carpeta(x.ruta, 0755);
        if (r < 0) {
            snprintf(motivo, tam, "no se pudo convertir «…/x.txt» en una carpeta: %s",
                     cal_ruta_error(r));
            ok = 0;
        }
    }
    for (int i = 0; i < 2; i++) {
        cont_fifo_dar(&f[i], "uno dos\n", 1);
        cont_fifo_cerrar(p, &f[i], 3000);
    }
    /* g0 y g1 a la vez: las plazas de los cinco fallos volvieron. */
    int en_g = 0, otros = 0;
    plazo_empezar(&plazo, 3000);
    while (!cal_termino(p) && !plazo_vencido(&plazo)) {
        en_g = (cal_abiertos(p, g[0].ruta) > 0) + (cal_abiertos(p, g[1].ruta) > 0);
        if (en_g == 2)
            break;
        cal_esperar(5);
    }
    /* Lo demás de la carpeta, cerrado (un cierre que aún va por el grupo de hilos, 500 ms). */
    plazo_empezar(&plazo, 500);
    do {
        otros = cal_abiertos(p, prefijo) - en_g;
        if (otros <= 0)
            break;
        cal_esperar(10);
    } while (!cal_termino(p) && !plazo_vencido(&plazo));
    int x_abierta = cal_abiertos(p, x.ruta) > 0;
    for (int i = 0; i < 2; i++) {
        cont_fifo_dar(&g[i], "tres\n", 1);
        cont_fifo_cerrar(NULL, &g[i], 0);
    }
    cal_esperar_fin(p, 5000);
    if (!ok)
        return 0;
    if (en_f < 2 || de_mas) {
        /* Sin las dos plazas en f0 y f1 (o con más de -j abiertos) no se puede saber si x.txt se
         * abrió antes o después de cambiar: de eso se ocupa «limite_j». */
        cal_nota("con «-j 2 f0 f1 x.txt cerrado0…2 g0 g1», %s: no se pudo juzgar qué deja "
                 "abierto un archivo que falla",
                 de_mas ? "abrió más de 2 a la vez" : "nunca tuvo f0 y f1 abiertas a la vez");
        return 1;
    }
    if (en_g < 2) {
        snprintf(motivo, tam,
                 "con «-j 2 f0 f1 x.txt cerrado0 cerrado1 cerrado2 g0 g1» (x.txt falla al leer y "
                 "los «cerrado…», al abrir), g0 y g1 no llegaron a estar abiertas a la vez "
                 "(%d de 2): "
                 "cada archivo que falla tiene que devolver su plaza",
                 en_g);
        cal_nota_salida(p, 8);
        return 0;
    }
    if (x_abierta || otros > 0) {
        snprintf(motivo, tam,
                 "con «-j 2 f0 f1 x.txt cerrado0 cerrado1 cerrado2 g0 g1», mientras g0 y g1 se "
                 "leían, el programa aún tenía abierto%s %s: un archivo que falla al leer "
                 "(x.txt) también se cierra con uv_fs_close y devuelve su descriptor",
                 otros > 1 ? " más de un archivo de la prueba; entre ellos," : "",
                 x_abierta ? "…/x.txt (que falló al leer)"
                           : "algún archivo de la prueba que no es g0 ni g1");
        return 0;
    }
    esperado_t bien[4] = {f[0], f[1], g[0], g[1]};
    if (!cont_final_bien(p, 1, bien, 4, motivo, tam) ||
        !linea_error(cal_errores(p), x.ruta, motivo, tam)) {
        cal_nota("Lo que sigue es de «contador -j 2 f0 f1 x.txt cerrado0 cerrado1 cerrado2 g0 "
                 "g1» (x.txt falla al leer):");
        cal_nota_salida(p, 8);
        return 0;
    }
    return 1;
}

/* Un fallo es lo último que pasa: «-j 1 -p ilegible.txt uno.txt cerrado.txt». ilegible.txt es
 * un enlace a /proc/self/mem, la memoria del propio programa: se abre bien y leerla desde el
 * principio da «error de entrada/salida» (EIO). Con una sola plaza, quien no lanza el siguiente
 * tras un fallo de lectura no llega a uno.txt (mutante error_de_lectura_sin_lanzar). Y
 * cerrado.txt, sin permiso, falla al abrir cuando ya no queda nada más: quien solo mira si ha
 * acabado todo tras un archivo bueno no termina nunca, porque el temporizador de -p sigue vivo
 * (mutante fallo_sin_comprobar_fin). Tiene que acabar con uno.txt contado, dos ERROR y el
 * código 1. 1 si sí (en `motivo`, el porqué si no). */
static int fallo_al_final(const char *dir, const esperado_t *uno, const char *cerrado, char *motivo,
                          size_t tam)
{
    char ilegible[700];
    snprintf(ilegible, sizeof ilegible, "%s/ilegible.txt", dir);
    int r = cal_crear_enlace("/proc/self/mem", ilegible);
    if (r < 0) {
        snprintf(motivo, tam, "no se pudo preparar «…/ilegible.txt»: %s", cal_ruta_error(r));
        return 0;
    }
    const char *args[] = {"-j", "1", "-p", ilegible, uno->ruta, cerrado, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 8, 0);
    if (p == NULL) {
        snprintf(motivo, tam, "%s", cal_lanzar_motivo());
        return 0;
    }
    cal_esperar_fin(p, 5000);
    int ok = cont_final_bien(p, 1, uno, 1, motivo, tam) &&
             linea_error(cal_errores(p), ilegible, motivo, tam) &&
             linea_error(cal_errores(p), cerrado, motivo, tam);
    if (!ok) {
        size_t u = strlen(motivo);
        snprintf(motivo + u, tam - u,
                 " (con «contador -j 1 -p …/ilegible.txt …/uno.txt …/cerrado.txt»: ilegible.txt "
                 "se abre pero falla al leer y cerrado.txt falla al abrir, lo último de todo; tras "
                 "cada fallo entra el siguiente y, si no queda nada, se acaba: el resumen, "
                 "aunque el temporizador del progreso siga activo)");
        cal_nota_salida(p, 6);
    }
    return ok;
}

CAL_PRUEBA(errores, 20)
static void errores(void)
{
    cal_esperado("los archivos buenos se cuentan aunque fallen otros en medio (también el que "
                 "va detrás de una subcarpeta que no se puede leer); «ERROR <ruta>: <motivo>» "
                 "en stderr por cada fallo, con la ruta de lo que falló (la de la subcarpeta). "
                 "TOTAL de los leídos y código 1, también si el único fallo es esa subcarpeta "
                 "o si un fallo es lo último en acabar (también con -p). Sin ninguno leído, "
                 "«TOTAL 0 palabras en 0 "
                 "archivos», «MEDIA 0.0 …» y sin MAYOR; y la lista entera, con sus ERROR, antes "
                 "de empezar a contar");
    char dir[512];
    if (cont_carpeta("errores", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[4];
    char falta[1200], cerrado[1200], falta2[1200], arbol[600], cerrada[700], sin_paso[600];
    char oculto[700];
    int r = cont_escribir_texto(dir, "uno.txt", "uno\n", &e[0]);
    if (r == 0)
        r = cont_escribir_texto(dir, "dos.txt", "dos dos\n", &e[1]);
    if (r == 0)
        r = cont_escribir_texto(dir, "tres.txt", "tres tres tres\n", &e[2]);
    esperado_t x;
    if (r == 0)
        r = cont_escribir_texto(dir, "cerrado.txt", "secreto secreto\n", &x);
    if (r == 0)
        r = cal_chmod(x.ruta, 0);
    /* Una carpeta con una subcarpeta que no se puede leer («cerrada», sin permisos) y, detrás
     * en la lista, un archivo que sí: el recorrido avisa de la subcarpeta y sigue. */
    snprintf(arbol, sizeof arbol, "%s/arbol", dir);
    snprintf(cerrada, sizeof cerrada, "%s/cerrada", arbol);
    if (r == 0)
        r = cal_crear_carpeta(arbol, 0755);
    if (r == 0)
        r = cal_crear_carpeta(cerrada, 0755);
    if (r == 0)
        r = cont_escribir_texto(arbol, "z.txt", "zeta\n", &e[3]);
    if (r == 0)
        r = cal_chmod(cerrada, 0);
    /* Y otra carpeta, «sin_paso», que se puede listar pero no atravesar (r--): su lista da
     * «d.txt», y mirarlo (uv_fs_lstat) o abrirlo falla. Es «una entrada que no se puede
     * mirar»: su ERROR, con su ruta, como cualquier otro fallo (mutante lstat_fallida_se_salta,
     * que la saltaba sin decir nada). */
    snprintf(sin_paso, sizeof sin_paso, "%s/sin_paso", dir);
    snprintf(oculto, sizeof oculto, "%s/d.txt", sin_paso);
    esperado_t d;
    if (r == 0)
        r = cal_crear_carpeta(sin_paso, 0755);
    if (r == 0)
        r = cont_escribir_texto(sin_paso, "d.txt", "de\n", &d);
    if (r == 0)
        r = cal_chmod(sin_paso, 0444);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    snprintf(cerrado, sizeof cerrado, "%s", x.ruta);
    snprintf(falta, sizeof falta, "%s/no_existe.txt", dir);
    snprintf(falta2, sizeof falta2, "%s/tampoco.txt", dir);
    const char *args[] = {e[0].ruta, falta, e[1].ruta, cerrado, e[2].ruta, arbol, sin_paso, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 8, 0);
    const char *args2[] = {falta, falta2, NULL};
    cal_proceso_t *q = p != NULL ? cont_lanzar(args2, dir, 8, 0) : NULL;
    /* Y la carpeta sola: el único fallo es el de su subcarpeta, al hacer la lista. También
     * ese cuenta para el código 1. */
    const char *args3[] = {arbol, NULL};
    cal_proceso_t *sola = q != NULL ? cont_lanzar(args3, dir, 8, 0) : NULL;
    if (p == NULL || q == NULL || sola == NULL)
        CAL_FIN(0);
    cal_esperar_fin(p, 5000);
    cal_esperar_fin(q, 5000);
    cal_esperar_fin(sola, 5000);
    char motivo[1024], m[1024];
    int ok = cont_final_bien(p, 1, e, 4, motivo, sizeof motivo);
    if (ok && !linea_error(cal_errores(p), falta, motivo, sizeof motivo))
        ok = 0;
    if (ok && !linea_error(cal_errores(p), cerrado, motivo, sizeof motivo))
        ok = 0;
    if (ok && !linea_error(cal_errores(p), cerrada, motivo, sizeof motivo))
        ok = 0;
    if (ok && !linea_error(cal_errores(p), oculto, motivo, sizeof motivo)) {
        size_t u = strlen(motivo);
        snprintf(motivo + u, sizeof motivo - u,
                 " («…/sin_paso» se puede listar pero no atravesar: su entrada «d.txt» no se "
                 "puede mirar, y eso es un fallo más, con su ERROR)");
        ok = 0;
    }
    if (ok && !cont_resumen_bien(cal_salida(p), e, 4, 2, motivo, sizeof motivo))
        ok = 0;
    if (!ok)
        cal_nota_salida(p, 8);
    int ok2 = 1;
    if (ok) {
        ok2 = cont_final_bien(q, 1, e, 0, m, sizeof m) &&
              cont_resumen_bien(cal_salida(q), e, 0, -1, m, sizeof m);
        if (!ok2) {
            cal_nota("Lo que sigue es de «contador …/no_existe.txt …/tampoco.txt»:");
            cal_nota_salida(q, 6);
        }
    }
    if (ok && ok2) {
        ok2 = cont_final_bien(sola, 1, &e[3], 1, m, sizeof m) &&
              linea_error(cal_errores(sola), cerrada, m, sizeof m);
        if (!ok2) {
            size_t u = strlen(m);
            snprintf(m + u, sizeof m - u,
                     " (con «contador …/arbol», cuyo único fallo es la subcarpeta que no se puede "
                     "leer: un fallo al hacer la lista también da el código 1)");
            cal_nota("Lo que sigue es de «contador …/arbol»:");
            cal_nota_salida(sola, 6);
        }
    }
    int ok3 = ok && ok2 && lista_antes_de_contar(dir, m, sizeof m);
    int ok4 = ok3 && fallos_sin_huella(dir, m, sizeof m);
    int ok5 = ok4 && fallo_al_final(dir, &e[0], cerrado, m, sizeof m);
    cal_obtenido("%s", !ok ? motivo
                       : !ok2 || !ok3 || !ok4 || !ok5
                           ? m
                           : "los cuatro archivos buenos contados, cuatro ERROR (uno, de la "
                             "subcarpeta; otro, de la entrada que no se puede mirar), "
                             "código 1 (también con la subcarpeta como único fallo). Sin ninguno "
                             "leído, el resumen vacío; la lista entera "
                             "(con su ERROR) antes de empezar a contar; cada fallo devuelve su "
                             "plaza y su descriptor, y si es lo último en acabar, se acaba");
    /* Que se pueda borrar la carpeta de la prueba. El programa ya corrió aquí: «arbol» y
     * «cerrada» pueden ser ya otra cosa suya (un enlace a un archivo ajeno); cal_chmod no
     * sigue ninguno, y si lo encuentra, la verificación falla y el detalle lo dice. */
    int rm = cal_chmod(cerrada, 0755);
    if (rm < 0 && rm != -ENOENT) {
        cal_obtenido("«…/arbol/cerrada» tras correr el programa: %s", cal_ruta_error(rm));
        ok = 0;
    }
    rm = cal_chmod(sin_paso, 0755);
    if (rm < 0 && rm != -ENOENT) {
        cal_obtenido("«…/sin_paso» tras correr el programa: %s", cal_ruta_error(rm));
        ok = 0;
    }
    CAL_FIN(ok && ok2 && ok3 && ok4 && ok5);
}
