/* cuentas.c — verificaciones de las cuentas del contador: exactas, el resumen, la frontera de
 * los trozos, las carpetas y miles de archivos.
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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ cuentas */

CAL_PRUEBA(cuenta_exacta, 20)
static void cuenta_exacta(void)
{
    cal_esperado("una línea «<palabras> <ruta>» por archivo, con la cuenta de «Qué es una "
                 "palabra» del enunciado, y código 0; también con «-j 1» y cuatro archivos que "
                 "empiezan y acaban dentro de una palabra, uno tras otro en la misma plaza");
    char dir[512];
    if (cont_carpeta("cuentas", dir, sizeof dir) < 0)
        CAL_FIN(0);
    static const char nulos[] = "a\0b c\x80\xff d\xc3\xa1rbol \x01\x7f\x1c \x1f\xa0x\xe2\x80\x83y";
    struct {
        const char *nombre;
        const char *datos;
        size_t n;
    } archivos[] = {
        {"texto.txt", "En un lugar de la Mancha,\n\nde cuyo  nombre   no quiero acordarme.\n", 0},
        {"sin_salto.txt", "termina sin salto de línea", 0},
        {"solo_espacios.txt", " \t\n\r\v\f  \n\n\t", 0},
        {"vacio.txt", "", 0},
        {"crlf.txt", "uno dos\r\ntres\r\n\r\ncuatro\r\n", 0},
        {"binario.dat", nulos, sizeof nulos - 1},
        {"tabuladores.txt", "\ta\tb\vc\fd\re \t ", 0},
    };
    enum { N = sizeof archivos / sizeof archivos[0] };
    esperado_t e[N];
    const char *args[N + 3] = {"-j", "2"};
    for (int i = 0; i < N; i++) {
        size_t n = archivos[i].n > 0 ? archivos[i].n : strlen(archivos[i].datos);
        int r = cont_escribir_datos(dir, archivos[i].nombre, archivos[i].datos, n, &e[i]);
        if (r < 0)
            CAL_FIN(cont_fallo_preparar(r));
        args[i + 2] = e[i].ruta;
    }
    args[N + 2] = NULL;
    /* Y cuatro archivos pegados (sin espacios delante ni detrás) por una sola plaza: cada uno
     * empieza con «dentro de palabra» a 0, sea cual sea cómo acabó el anterior. Quien guarda
     * ese indicador en la plaza y no en el archivo pierde la primera palabra de cada uno (en
     * los de arriba no se ve: empiezan por espacios). Mutante: dentro_de_la_plaza_anterior. */
    static const char *const pegados[] = {"uno dos", "tres cuatro", "cinco seis", "siete ocho"};
    enum { P = sizeof pegados / sizeof pegados[0] };
    esperado_t g[P];
    const char *args_g[P + 3] = {"-j", "1"};
    for (int i = 0; i < P; i++) {
        char nombre[32];
        snprintf(nombre, sizeof nombre, "pegado%d.txt", i);
        int r = cont_escribir_pegado(dir, nombre, pegados[i], &g[i]);
        if (r < 0)
            CAL_FIN(cont_fallo_preparar(r));
        args_g[i + 2] = g[i].ruta;
    }
    args_g[P + 2] = NULL;
    cal_proceso_t *p = cont_lanzar(args, dir, 8, 0);
    cal_proceso_t *q = p != NULL ? cont_lanzar(args_g, dir, 8, 0) : NULL;
    if (p == NULL || q == NULL)
        CAL_FIN(0);
    if (!cont_juzgar_final(p, e, N, 5000, 10))
        CAL_FIN(0);
    cal_esperar_fin(q, 5000);
    char motivo[1024];
    if (cont_final_bien(q, 0, g, P, motivo, sizeof motivo)) {
        cal_obtenido("todas las cuentas son exactas (%d), y con «-j 1» las de los cuatro archivos "
                     "pegados también",
                     N);
    } else {
        cal_obtenido("con «-j 1» y cuatro archivos que empiezan y acaban dentro de una palabra: "
                     "%s (cada archivo empieza fuera de palabra, aunque el anterior de su plaza "
                     "acabara dentro de una)",
                     motivo);
        cal_nota_salida(q, 6);
        CAL_FIN(0);
    }
    CAL_FIN(1);
}

CAL_PRUEBA(resumen, 20)
static void resumen(void)
{
    cal_esperado("TOTAL con la suma y el número de archivos, MEDIA redondeada a un decimal "
                 "(con k = 1, 19 / 6 = 3.1666… da 3.2 y no 3.1; 4 / 3 = 1.333… da 1.3 y no 1.4) "
                 "y, en un "
                 "empate, MAYOR con el primero de la lista");
    char dir[512];
    if (cont_carpeta("resumen", dir, sizeof dir) < 0)
        CAL_FIN(0);
    /* El primero de la lista (7 palabras) es una FIFO que el calificador llena cuando los
     * demás ya han terminado: empata con el tercero, pero es el primero de la lista. */
    esperado_t e[6];
    int r = cont_fifo(dir, "primero", &e[0]);
    if (r == 0)
        r = cont_escribir_texto(dir, "b.txt", "dos palabras\n", &e[1]);
    if (r == 0)
        r = cont_escribir_texto(dir, "c.txt", "uno dos tres cuatro cinco seis siete\n", &e[2]);
    if (r == 0)
        r = cont_escribir_texto(dir, "d.txt", "sola", &e[3]);
    if (r == 0)
        r = cont_escribir_texto(dir, "e.txt", "\n\n", &e[4]);
    /* 19 palabras en 6 archivos: 3.1666…, que redondeado es 3.2 y truncado 3.1. */
    if (r == 0)
        r = cont_escribir_texto(dir, "f.txt", "dos mas\n", &e[5]);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    const char *args[] = {e[0].ruta, e[1].ruta, e[2].ruta, e[3].ruta, e[4].ruta, e[5].ruta, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    cont_esperar_cuentas(p, 5, 3000);
    cal_esperar(100);
    cont_fifo_dar(&e[0], "a b c d e f g\n", 1);
    cont_fifo_cerrar(p, &e[0], 3000);
    cal_esperar_fin(p, 4000);
    char motivo[2048], m2[2048];
    int ok = cont_final_bien(p, 0, e, 6, motivo, sizeof motivo);
    int ok2 = ok && cont_resumen_bien(cal_salida(p), e, 6, 0, m2, sizeof m2);
    if (!ok || !ok2) {
        cal_obtenido("%s", !ok ? motivo : m2);
        cal_nota_salida(p, 10);
        CAL_FIN(0);
    }
    /* Todos los archivos leídos tienen 0 palabras: TOTAL 0, MEDIA 0.0 y MAYOR igual, porque
     * se leyeron archivos (empatan a 0: el primero de la lista). Solo espacios y saltos de
     * línea: qué más es espacio lo juzga «cuenta_exacta». El último de la lista es una FIFO
     * que termina la última: quien da el empate al último que termina (y no al primero de la
     * lista) la pone en MAYOR; arriba, el primero de la lista terminaba el último. */
    esperado_t z[3];
    r = cont_escribir_texto(dir, "cero_vacio.txt", "", &z[0]);
    if (r == 0)
        r = cont_escribir_texto(dir, "cero_saltos.txt", "\n\n\n", &z[1]);
    if (r == 0)
        r = cont_fifo(dir, "cero_espacios", &z[2]);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    const char *args2[] = {z[0].ruta, z[1].ruta, z[2].ruta, NULL};
    p = cont_lanzar(args2, dir, 8, 0);
    if (p == NULL) {
        cont_fifo_cerrar(NULL, &z[2], 0);
        CAL_FIN(0);
    }
    cont_esperar_cuentas(p, 2, 3000);
    cal_esperar(100);
    cont_fifo_dar(&z[2], "   \n  ", 1);
    cont_fifo_cerrar(p, &z[2], 3000);
    cal_esperar_fin(p, 5000);
    ok = cont_final_bien(p, 0, z, 3, motivo, sizeof motivo) &&
         cont_resumen_bien(cal_salida(p), z, 3, 0, motivo, sizeof motivo);
    if (!ok) {
        cal_obtenido("con tres archivos de 0 palabras (se leyeron: MAYOR sale igual, con el "
                     "primero de la lista, porque empatan a 0): %s",
                     motivo);
        cal_nota_salida(p, 8);
        CAL_FIN(0);
    }
    /* 4 palabras de diseño en 3 archivos, 4k con el factor (k = 3m + 1): 4m + 1.333…, que
     * redondeado acaba en .3 y redondeado hacia arriba, en .4. Arriba, 19k / 6 separa el
     * redondeo de truncar, pero no de redondear hacia arriba (3.1666… da 3.2 de las dos
     * maneras). */
    esperado_t t[3];
    r = cont_escribir_texto(dir, "tercio_a.txt", "una\n", &t[0]);
    if (r == 0)
        r = cont_escribir_texto(dir, "tercio_b.txt", "dos palabras\n", &t[1]);
    if (r == 0)
        r = cont_escribir_texto(dir, "tercio_c.txt", "otra", &t[2]);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    const char *args3[] = {t[0].ruta, t[1].ruta, t[2].ruta, NULL};
    p = cont_lanzar(args3, dir, 8, 0);
    if (p == NULL)
        CAL_FIN(0);
    cal_esperar_fin(p, 5000);
    ok = cont_final_bien(p, 0, t, 3, motivo, sizeof motivo) &&
         cont_resumen_bien(cal_salida(p), t, 3, 1, motivo, sizeof motivo);
    if (ok) {
        cal_obtenido("%s; con tres archivos de 0 palabras, «TOTAL 0 …», «MEDIA 0.0 …» y "
                     "«MAYOR 0 …/cero_vacio.txt»; y con 4k palabras en 3 archivos, la MEDIA "
                     "redondeada al decimal más cercano (…,333 da …,3)",
                     m2);
    } else {
        cal_obtenido("con 4k palabras en 3 archivos (la media acaba en …,333: se redondea al "
                     "decimal más cercano, como printf(\"%%.1f\"), ni hacia abajo ni hacia "
                     "arriba): %s",
                     motivo);
        cal_nota_salida(p, 8);
    }
    CAL_FIN(ok);
}

/* Un archivo de unos 580 KiB con palabras al azar en el que una palabra cruza cada frontera
 * de 64 KiB (y en una, una palabra acaba justo en la frontera). */
static unsigned char *texto_frontera(size_t *n)
{
    size_t tam = 9 * TROZO + 777;
    unsigned char *b = malloc(tam);
    if (b == NULL)
        return NULL;
    static const char ws[] = " \t\n\r\v\f";
    size_t i = 0;
    while (i < tam) {
        size_t largo = 1 + cont_azar() % 14;
        for (size_t k = 0; k < largo && i < tam; k++)
            b[i++] = (unsigned char)('a' + cont_azar() % 26);
        size_t huecos = 1 + cont_azar() % 3;
        for (size_t k = 0; k < huecos && i < tam; k++)
            b[i++] = (unsigned char)ws[cont_azar() % 6];
    }
    for (size_t f = TROZO; f + 3 < tam; f += TROZO) {
        /* Palabra cortada: letras a los dos lados de la frontera… */
        memcpy(b + f - 3, "corta", 5);
        if (f == 4 * TROZO) {
            /* …salvo aquí: una palabra que acaba justo en la frontera. */
            memcpy(b + f - 4, "fin ", 4);
        }
    }
    *n = tam;
    return b;
}

CAL_PRUEBA(frontera, 20)
static void frontera(void)
{
    cal_esperado("cuentas exactas con palabras cortadas entre dos lecturas: en cada frontera "
                 "de 64 KiB y en una palabra de 1.5 MiB");
    char dir[512];
    if (cont_carpeta("frontera", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[2];
    size_t n = 0;
    unsigned char *t = texto_frontera(&n);
    if (t == NULL)
        CAL_FIN(cont_fallo_preparar(-ENOMEM));
    int r = cont_escribir(dir, "fronteras.txt", t, n, &e[0]);
    free(t);
    size_t largo = 1536 * 1024 + 5;
    unsigned char *g = malloc(largo);
    if (g == NULL)
        CAL_FIN(cont_fallo_preparar(-ENOMEM));
    memset(g, 'x', largo);
    memcpy(g, "a \n", 3);
    memcpy(g + largo - 4, " fin", 4);
    if (r == 0)
        r = cont_escribir(dir, "larga.txt", g, largo, &e[1]);
    free(g);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    /* Solo archivos regulares: la palabra cortada en una FIFO que llega a trozos es de «fifo»
     * (quien no lee FIFOs pierde allí, no aquí). */
    const char *args[] = {e[0].ruta, e[1].ruta, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    CAL_FIN(cont_juzgar_final(p, e, 2, 5000, 6));
}

/* ------------------------------------------------------------------ fifo */

/* Espera (como mucho `max_ms`) a que el programa haya leído todo lo escrito en la FIFO: su
 * tubería, vacía (FIONREAD, que en Linux vale desde cualquiera de sus dos extremos). Así el
 * trozo siguiente llega en otra lectura. Con solo una pausa entre trozos, con la máquina muy
 * cargada dos trozos podían juntarse en una lectura y la palabra ya no llegaba cortada (en la
 * pasada de la sesión 28, el mutante sin_arrastre aprobó «fifo» dos veces). */
static void fifo_leida(cal_proceso_t *p, const esperado_t *e, int max_ms)
{
    plazo_t plazo;
    plazo_empezar(&plazo, max_ms);
    int pendientes = 1;
    while (!cal_termino(p) && !plazo_vencido(&plazo) && ioctl(e->fd, FIONREAD, &pendientes) == 0 &&
           pendientes > 0)
        cal_esperar(5);
}

/* Una RUTA que es una FIFO se lee como cualquier archivo (uv_fs_read con desplazamiento -1:
 * una FIFO no admite otro, ESPIPE), y cada lectura trae lo que haya: aquí, trozos que cortan
 * palabras. Es la única verificación que da puntos por leer FIFOs; las demás que las usan
 * (resumen, errores, limite_j, progreso) las necesitan como instrumento: lo único que el
 * calificador puede tener abierto y a medias el tiempo que quiera. Mutante:
 * lee_con_desplazamiento. */
CAL_PRUEBA(fifo, 20)
static void fifo(void)
{
    cal_esperado("una FIFO dada en la línea de comandos, que llega a trozos que cortan palabras, "
                 "contada con exactitud, igual que el archivo regular que va delante");
    char dir[512];
    if (cont_carpeta("fifo", dir, sizeof dir) < 0)
        CAL_FIN(0);
    esperado_t e[2];
    int r = cont_escribir_texto(dir, "antes.txt", "uno dos tres\n", &e[0]);
    if (r == 0)
        r = cont_fifo(dir, "a_trozos", &e[1]);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    const char *args[] = {e[0].ruta, e[1].ruta, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Cada trozo llega en una lectura distinta (el siguiente no se escribe hasta que el
     * programa ha leído el anterior) y corta una palabra por la mitad. */
    static const char *trozos[] = {"hola mu", "ndo cru", "el y ", "adi", "ós\n"};
    for (size_t k = 0; k < sizeof trozos / sizeof trozos[0]; k++) {
        cal_esperar(120);
        cont_fifo_dar(&e[1], trozos[k], 0);
        fifo_leida(p, &e[1], 3000);
    }
    e[1].palabras = 5;
    cont_fifo_cerrar(p, &e[1], 3000);
    CAL_FIN(cont_juzgar_final(p, e, 2, 5000, 6));
}

/* ------------------------------------------------------------------ carpetas */

CAL_PRUEBA(carpetas, 20)
static void carpetas(void)
{
    cal_esperado(
        "cada archivo regular de la carpeta y sus subcarpetas contado una vez, como "
        "«RUTA/…/nombre» con una sola «/» aunque la RUTA acabe en «/»; los enlaces "
        "simbólicos de dentro no se siguen (uno apunta a «..»), pero una RUTA que es un "
        "enlace sí: a una carpeta, que se recorre, o a un archivo, que se lee. Una FIFO de dentro "
        "se salta; los que empiezan "
        "por punto y los vacíos se cuentan como los demás; la lista en orden de nombre, con "
        "cada subcarpeta en su sitio (se ve en el empate de MAYOR)");
    char dir[512], raiz[600], sub[700], hondo[800], vacia[700];
    if (cont_carpeta("carpetas", dir, sizeof dir) < 0)
        CAL_FIN(0);
    snprintf(raiz, sizeof raiz, "%s/raiz", dir);
    snprintf(sub, sizeof sub, "%s/sub", raiz);
    snprintf(hondo, sizeof hondo, "%s/hondo", sub);
    snprintf(vacia, sizeof vacia, "%s/vacia", raiz);
    /* Los que empiezan por punto también son archivos: «.oculto.txt» y «.escondida/f.txt»
     * (van los primeros de la lista: '.' va antes que las letras). */
    char escondida[700];
    snprintf(escondida, sizeof escondida, "%s/.escondida", raiz);
    int r = cal_crear_carpeta(raiz, 0755);
    if (r == 0)
        r = cal_crear_carpeta(escondida, 0755);
    if (r == 0)
        r = cal_crear_carpeta(sub, 0755);
    if (r == 0)
        r = cal_crear_carpeta(hondo, 0755);
    if (r == 0)
        r = cal_crear_carpeta(vacia, 0755);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    /* El orden de la lista: .escondida/f.txt, .oculto.txt, a.txt, b.txt, sub/c.txt,
     * sub/hondo/d.txt, sub/vacio.txt, z.txt, suelto.txt. vacio.txt no tiene ni un byte: es un
     * archivo como los demás («0 …/sub/vacio.txt»); quien salte los vacíos de una carpeta no
     * lo lista y pierde aquí (los vacíos dados como RUTA los juzga «cuenta_exacta»). d.txt y z.txt
     * empatan con 6 palabras: MAYOR es d.txt, porque «sub» va antes que «z.txt». Quien deje las
     * subcarpetas para el final pone z.txt delante (quien las recorra antes que nada, no: d.txt
     * sigue antes que z.txt; ese orden no lo juzga aún ninguna verificación). z.txt lleva
     * además 256 KiB de espacios: casi siempre acaba después de d.txt (empieza más tarde y son más
     * lecturas), así que aquí un MAYOR que mire quién acabó primero también da d.txt (el empate por
     * orden de llegada lo juzga «resumen»). Quien lo da al último en terminar pone z.txt y pierde
     * también aquí: un empate que acabe en los dos órdenes a la vez no existe. */
    esperado_t e[11];
    size_t largo_z = 256 * 1024;
    char *z = malloc(largo_z + 32);
    if (z == NULL)
        CAL_FIN(cont_fallo_preparar(-ENOMEM));
    memset(z, ' ', largo_z);
    strcpy(z + largo_z, "zeta zeta zeta zeta zeta zeta\n");
    r = cont_escribir_texto(raiz, "b.txt", "be be\n", &e[0]);
    if (r == 0)
        r = cont_escribir_texto(raiz, "a.txt", "a\n", &e[1]);
    if (r == 0)
        r = cont_escribir_texto(sub, "c.txt", "ce ce ce\n", &e[2]);
    if (r == 0)
        r = cont_escribir_texto(sub, "vacio.txt", "", &e[9]);
    if (r == 0)
        r = cont_escribir_texto(hondo, "d.txt", "de de de de de de\n", &e[3]);
    if (r == 0)
        r = cont_escribir_texto(dir, "suelto.txt", "uno dos tres cuatro cinco\n", &e[4]);
    if (r == 0)
        r = cont_escribir_texto(raiz, "z.txt", z, &e[5]);
    free(z);
    char enlace[900];
    snprintf(enlace, sizeof enlace, "%s/lazo", sub);
    if (r == 0)
        r = cal_crear_enlace("..", enlace);
    snprintf(enlace, sizeof enlace, "%s/otra_a.txt", raiz);
    if (r == 0)
        r = cal_crear_enlace("a.txt", enlace);
    /* Una FIFO dentro de la carpeta, sin nadie que escriba: no es un archivo regular y se
     * salta. Quien la añada a la lista se queda esperando en ella y no termina. */
    char tubo[900];
    if (r == 0)
        r = cal_fifo(sub, "tubo", tubo, sizeof tubo);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    /* Una RUTA que es un enlace a una carpeta sí se sigue (se mira con uv_fs_stat: la ha
     * nombrado quien ejecuta): «atajo» → «otra», y su archivo es «…/atajo/e.txt». */
    char otra[600], atajo[600];
    snprintf(otra, sizeof otra, "%s/otra", dir);
    snprintf(atajo, sizeof atajo, "%s/atajo", dir);
    r = cal_crear_carpeta(otra, 0755);
    if (r == 0)
        r = cal_crear_enlace("otra", atajo);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    r = cont_escribir_texto(otra, "e.txt", "e\n", &e[6]);
    if (r == 0)
        r = cont_escribir_texto(raiz, ".oculto.txt", "punto y aparte\n", &e[7]);
    if (r == 0)
        r = cont_escribir_texto(escondida, "f.txt", "efe efe\n", &e[8]);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    snprintf(e[6].ruta, sizeof e[6].ruta, "%s/e.txt", atajo);
    /* Y una RUTA que es un enlace a un archivo: también se sigue, y su línea lleva la ruta del
     * enlace. Quien abre con UV_FS_O_NOFOLLOW (para no seguir los enlaces de dentro, que ya
     * salta el lstat) no la puede abrir (ELOOP). Mutante: abre_sin_seguir_enlaces. */
    char al_apuntado[600];
    snprintf(al_apuntado, sizeof al_apuntado, "%s/al_apuntado", dir);
    r = cont_escribir_texto(dir, "apuntado.txt", "apuntado por un enlace\n", &e[10]);
    if (r == 0)
        r = cal_crear_enlace("apuntado.txt", al_apuntado);
    if (r < 0)
        CAL_FIN(cont_fallo_preparar(r));
    snprintf(e[10].ruta, sizeof e[10].ruta, "%s", al_apuntado);
    /* La RUTA acaba en «/»: las rutas son «…/raiz/a.txt», no «…/raiz//a.txt». */
    char raiz_barra[700];
    snprintf(raiz_barra, sizeof raiz_barra, "%s/", raiz);
    const char *args[] = {raiz_barra, e[4].ruta, atajo, al_apuntado, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 10, 0);
    if (p == NULL)
        CAL_FIN(0);
    cal_esperar_fin(p, 6000);
    char motivo[1024];
    int ok = cont_final_bien(p, 0, e, 11, motivo, sizeof motivo);
    const char *out = cal_salida(p);
    /* La pista de los nombres con punto, solo si las rutas de los demás salen bien formadas
     * («…/raiz/z.txt»): con «raiz//z.txt» (mutante doble_barra) faltan todas, y la pista
     * llevaría a otra causa. */
    if (!ok && strstr(out, e[5].ruta) != NULL &&
        (strstr(out, e[7].ruta) == NULL || strstr(out, e[8].ruta) == NULL)) {
        size_t u = strlen(motivo);
        snprintf(motivo + u, sizeof motivo - u,
                 " (un nombre que empieza por punto, como «.oculto.txt» o la carpeta "
                 "«.escondida», es una entrada como las demás y se cuenta)");
    } else if (!ok && strstr(out, e[5].ruta) != NULL && strstr(out, e[10].ruta) == NULL) {
        size_t u = strlen(motivo);
        snprintf(motivo + u, sizeof motivo - u,
                 " (una RUTA que es un enlace a un archivo, «…/al_apuntado», se abre siguiendo el "
                 "enlace: solo los enlaces de dentro de una carpeta se saltan)");
    } else if (!ok && strstr(out, e[9].ruta) == NULL) {
        size_t u = strlen(motivo);
        snprintf(motivo + u, sizeof motivo - u,
                 " (un archivo vacío de la carpeta, «…/sub/vacio.txt», también es un archivo "
                 "regular: sale con 0 palabras)");
    }
    if (ok) {
        /* Solo la línea MAYOR: TOTAL y MEDIA los juzga «resumen». */
        char l[1024], esperado[1400];
        snprintf(esperado, sizeof esperado, "MAYOR %" PRIu64 " %s", e[3].palabras, e[3].ruta);
        if (!cont_buscar(cal_salida(p), "MAYOR", l, sizeof l) || strcmp(l, esperado) != 0) {
            snprintf(motivo, sizeof motivo,
                     "se esperaba «MAYOR <palabras> …/sub/hondo/d.txt» (empata con …/z.txt, pero "
                     "«sub» va antes que «z.txt» en la lista) y se vio «%.300s»: la lista no está "
                     "en orden de nombre con cada subcarpeta en su sitio (o el empate de MAYOR no "
                     "lo gana el primero de la lista, sino el último en terminar)",
                     cont_buscar(cal_salida(p), "MAYOR", l, sizeof l) ? l
                                                                      : "(ninguna línea MAYOR)");
            ok = 0;
        } else {
            snprintf(motivo, sizeof motivo,
                     "los 11 archivos contados (dos con nombre que empieza por punto, uno vacío, "
                     "uno por una RUTA que es un enlace a una carpeta y otro por una que es un "
                     "enlace a un archivo), con rutas bien formadas y la lista en orden");
        }
    }
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 10);
    CAL_FIN(ok);
}

CAL_PRUEBA(miles_de_archivos, 30)
static void miles_de_archivos(void)
{
    cal_esperado("1000 archivos pequeños en 10 subcarpetas, todos contados y sin errores (con "
                 "un tope de 256 descriptores: abrirlos todos a la vez da EMFILE)");
    /* Nombres cortos: 1000 líneas con la ruta de la carpeta temporal caben de sobra en el
     * tope de la salida (256 KiB). */
    static esperado_t e[1000];
    char dir[512], raiz[600];
    if (cont_carpeta("miles", dir, sizeof dir) < 0)
        CAL_FIN(0);
    snprintf(raiz, sizeof raiz, "%s/l", dir);
    int rc = cal_crear_carpeta(raiz, 0755);
    if (rc < 0)
        CAL_FIN(cont_fallo_preparar(rc));
    int k = 0;
    for (int c = 0; c < 10; c++) {
        char sub[700];
        snprintf(sub, sizeof sub, "%s/c%d", raiz, c);
        rc = cal_crear_carpeta(sub, 0755);
        if (rc < 0)
            CAL_FIN(cont_fallo_preparar(rc));
        for (int i = 0; i < 100; i++, k++) {
            char nombre[32], texto[64];
            snprintf(nombre, sizeof nombre, "%02d", i);
            int m = 1 + (int)(cont_azar() % 6);
            texto[0] = '\0';
            for (int w = 0; w < m; w++)
                strcat(texto, w % 2 ? "pa " : "lo\n");
            int r = cont_escribir_texto(sub, nombre, texto, &e[k]);
            if (r < 0)
                CAL_FIN(cont_fallo_preparar(r));
        }
    }
    const char *args[] = {raiz, NULL};
    cal_proceso_t *p = cont_lanzar(args, dir, 20, 0);
    if (p == NULL)
        CAL_FIN(0);
    cal_esperar_fin(p, 15000);
    char motivo[1024];
    int ok = cont_final_bien(p, 0, e, 1000, motivo, sizeof motivo);
    if (cal_descartados(p) > 0) {
        cal_nota(
            "La salida pasó del tope de 256 KiB (%" PRIu64 " %s)", cal_descartados(p),
            texto_plural((long long)cal_descartados(p), "byte descartado", "bytes descartados"));
        ok = 0;
    }
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 6);
    CAL_FIN(ok);
}
