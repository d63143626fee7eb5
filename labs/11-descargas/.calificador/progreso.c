/* progreso.c — verificaciones del progreso: líneas PROGRESO sin terminal y repintado en su
 * sitio en una pseudoterminal. */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ progreso */

/* Cuándo vio el calificador cada línea PROGRESO: se anota al leer la salida a pasos cortos. */
typedef struct {
    int n;
    uint64_t visto[256];
    int pct[256];
    uint64_t bytes[256];
    double kbs[256];
    int raro;
} serie_t;

static void seguir(cal_proceso_t *p, const char *nombre, serie_t *se)
{
    char l[256], w[64];
    for (int i = se->n; i < 256; i++) {
        if (cal_linea(cal_salida(p), "PROGRESO", nombre, i, l, sizeof l) < 0)
            break;
        se->visto[i] = cal_ahora_ms();
        const char *pc = cal_palabra(l, 2, w, sizeof w);
        se->pct[i] = pc != NULL && strcmp(pc, "-") != 0 ? atoi(pc) : -1;
        const char *by = cal_palabra(l, 3, w, sizeof w);
        se->bytes[i] = by != NULL ? strtoull(by, NULL, 10) : 0;
        const char *kb = cal_palabra(l, 4, w, sizeof w);
        se->kbs[i] = kb != NULL ? strtod(kb, NULL) : -1;
        if (pc == NULL || by == NULL || kb == NULL)
            se->raro = 1;
        se->n = i + 1;
    }
}

/* Las líneas de una descarga a ritmo constante contra el registro del servidor: cuántas, a su
 * ritmo, porcentaje = bytes·100/tam, sin retroceder, bytes ≥ prefijo (--continuar cuenta el
 * .parte) y nunca más de lo que el servidor había mandado cuando se vio la línea; y alguna
 * velocidad parecida a la real. 1 si todo casa; si no, 0 y el motivo. */
static int juzgar_serie(const char *nombre, const serie_t *x, uint64_t tam, uint64_t prefijo,
                        const cal_peticion_t *v, int n, char *motivo, size_t t)
{
    if (n < 1) {
        snprintf(motivo, t, "el servidor no vio la descarga de %s", nombre);
        return 0;
    }
    uint64_t servido = desc_servido_hasta(v, n, UINT64_MAX);
    double dur = (double)(v[n - 1].fin_ms - v[0].inicio_ms) / 1000.0;
    double real = (double)servido / 1024.0 / (dur > 0.01 ? dur : 0.01);
    int max_lineas = (int)(dur / 0.5) + 4;
    if (x->n < 2 || x->n > max_lineas || x->raro) {
        snprintf(motivo, t,
                 "%s: líneas PROGRESO en una descarga de %.1f s: %d (se esperaban entre 2 y %d, "
                 "todas con sus cuatro campos)",
                 nombre, dur, x->n, max_lineas);
        return 0;
    }
    if (x->visto[x->n - 1] - x->visto[0] < 400) {
        snprintf(motivo, t,
                 "%s: las líneas PROGRESO llegaron de golpe (en %llu ms), no mientras descargaba: "
                 "¿falta el búfer de línea?",
                 nombre, (unsigned long long)(x->visto[x->n - 1] - x->visto[0]));
        return 0;
    }
    int buena = 0, con_pct = 0;
    for (int i = 0; i < x->n; i++) {
        /* Lo que el servidor había mandado cuando el calificador vio la línea (+32 KiB en
         * vuelo y 100 ms de holgura en los relojes). */
        uint64_t cota = prefijo + desc_servido_hasta(v, n, x->visto[i] + 100) + 32768;
        if (x->bytes[i] < prefijo || x->bytes[i] > cota) {
            snprintf(motivo, t,
                     "%s: la línea %d dice %llu %s, y entonces el archivo tenía %llu %s%s y "
                     "el servidor había mandado %llu más como mucho",
                     nombre, i + 1, (unsigned long long)x->bytes[i],
                     texto_plural((long long)x->bytes[i], "byte", "bytes"),
                     (unsigned long long)prefijo, texto_plural((long long)prefijo, "byte", "bytes"),
                     prefijo > 0 ? " en el .parte (con --continuar, <bytes> los cuenta)" : "",
                     (unsigned long long)(cota - prefijo));
            return 0;
        }
        if (x->pct[i] < 0) {
            /* «-»: aún no se sabe el total (antes de las cabeceras). Después de un porcentaje,
             * o con bytes recibidos, ya no vale. */
            if (con_pct || x->bytes[i] > prefijo) {
                snprintf(motivo, t,
                         "%s: la línea %d dice «-» con %llu %s, y el servidor anunció el "
                         "tamaño (%llu %s) en la cabecera",
                         nombre, i + 1, (unsigned long long)x->bytes[i],
                         texto_plural((long long)x->bytes[i], "byte", "bytes"),
                         (unsigned long long)tam, texto_plural((long long)tam, "byte", "bytes"));
                return 0;
            }
            continue;
        }
        con_pct = 1;
        int esperado = (int)(x->bytes[i] * 100 / tam);
        if (x->pct[i] != esperado ||
            (i > 0 && (x->pct[i] < x->pct[i - 1] || x->bytes[i] < x->bytes[i - 1]))) {
            snprintf(motivo, t,
                     "%s: la línea %d dice %d %% y %llu %s (el archivo tiene %llu; el "
                     "porcentaje es bytes·100/tamaño, redondeado hacia abajo, y ni él ni los bytes "
                     "retroceden)",
                     nombre, i + 1, x->pct[i], (unsigned long long)x->bytes[i],
                     texto_plural((long long)x->bytes[i], "byte", "bytes"),
                     (unsigned long long)tam);
            return 0;
        }
        if (x->kbs[i] > 4 * real + 50) {
            snprintf(motivo, t,
                     "%s: %.1f KiB/s en la línea %d, y el servidor la sirvió a %.1f KiB/s", nombre,
                     x->kbs[i], i + 1, real);
            return 0;
        }
        if (x->kbs[i] >= 0.4 * real && x->kbs[i] <= 2.5 * real)
            buena = 1;
    }
    if (prefijo > 0 && x->bytes[x->n - 1] == prefijo && servido > 65536) {
        snprintf(motivo, t,
                 "%s: todas sus líneas dicen %llu %s, lo que ya tenía el .parte, mientras el "
                 "servidor mandaba %llu más: <bytes> es el .parte más lo recibido en esta "
                 "ejecución",
                 nombre, (unsigned long long)prefijo,
                 texto_plural((long long)prefijo, "byte", "bytes"), (unsigned long long)servido);
        return 0;
    }
    if (!buena) {
        snprintf(motivo, t,
                 "%s: ninguna velocidad se parece a la real (%.1f KiB/s según el servidor)", nombre,
                 real);
        return 0;
    }
    return 1;
}

static int comparar_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* La mediana de los intervalos entre dos líneas seguidas de una serie (0 si tiene menos de
 * dos líneas). */
static uint64_t mediana_intervalos(const serie_t *x)
{
    uint64_t d[255];
    int m = 0;
    for (int i = 1; i < x->n; i++)
        d[m++] = x->visto[i] - x->visto[i - 1];
    if (m == 0)
        return 0;
    qsort(d, (size_t)m, sizeof d[0], comparar_u64);
    return m % 2 == 1 ? d[m / 2] : (d[m / 2 - 1] + d[m / 2]) / 2;
}

/* La troceada de «progreso»: /stream-bytes lento, chunked, sin Content-Length. Nunca se sabe
 * el total, así que toda línea lleva «-» en el porcentaje (un 0 con bytes recibidos sería un
 * porcentaje falso), con bytes que no retroceden ni pasan del tamaño; y alguna línea con
 * bytes ya recibidos y aún sin acabar (si no, no se ha visto nada). 1 si casa; si no, 0 y el
 * motivo. */
static int juzgar_sin_total(const char *nombre, const serie_t *x, uint64_t tam, char *motivo,
                            size_t t)
{
    int a_medias = 0;
    for (int i = 0; i < x->n; i++) {
        if (x->pct[i] >= 0 || x->bytes[i] > tam || (i > 0 && x->bytes[i] < x->bytes[i - 1])) {
            char dice[16] = "«-»";
            if (x->pct[i] >= 0)
                snprintf(dice, sizeof dice, "%d %%", x->pct[i]);
            snprintf(motivo, t,
                     "%s (troceada, sin Content-Length): la línea %d dice %s y %llu %s; sin "
                     "total, el porcentaje es «-», y los bytes no retroceden ni pasan de %llu",
                     nombre, i + 1, dice, (unsigned long long)x->bytes[i],
                     texto_plural((long long)x->bytes[i], "byte", "bytes"),
                     (unsigned long long)tam);
            return 0;
        }
        a_medias += x->bytes[i] > 0 && x->bytes[i] < tam;
    }
    if (x->raro || a_medias == 0) {
        snprintf(motivo, t,
                 "%s (troceada, %llu %s en ~2 s): líneas PROGRESO, %d; se esperaba que todas "
                 "tuvieran sus cuatro campos y alguna, bytes recibidos a media descarga",
                 nombre, (unsigned long long)tam, texto_plural((long long)tam, "byte", "bytes"),
                 x->n);
        return 0;
    }
    return 1;
}

/* La cortada de «progreso»: tras el corte, sus reintentos se cortan también y la descarga
 * pasa 3 s o más sin recibir nada (las esperas de -r 4, más 400 ms que tarda la cabecera de
 * cada reintento, ?espera_rango=: un progreso que vuelve a 0 o a «-» al salir una petición se
 * ve ahí, no solo unos milisegundos). Desde la primera línea con los bytes que mandó el
 * servidor (ya tenía todo lo que iba a recibir), cada línea sigue diciendo esos bytes y su
 * porcentaje (el total se supo con la primera cabecera: no vuelve a «-»), y de la cuarta en
 * adelante (el temporizador pinta cada 500 ms: han pasado 2 s o más sin recibir nada) la
 * velocidad es casi 0: la de los últimos 2 s, no la media desde el principio. Cuándo vio el
 * calificador la línea no sirve aquí: con la máquina cargada puede verla tarde. */
static int juzgar_parada(const char *nombre, const serie_t *x, uint64_t tam,
                         const cal_peticion_t *v, int n, char *motivo, size_t t)
{
    if (n < 2) {
        snprintf(motivo, t, "%s: el servidor vio %s (se cortó: con -r 4 se reintenta)", nombre,
                 n <= 0 ? "ninguna petición" : "una sola petición");
        return 0;
    }
    uint64_t k = desc_servido_hasta(v, n, UINT64_MAX);
    double dur0 = (double)(v[0].fin_ms - v[0].inicio_ms) / 1000.0;
    double real = (double)k / 1024.0 / (dur0 > 0.01 ? dur0 : 0.01);
    int j0 = 0;
    while (j0 < x->n && x->bytes[j0] != k)
        j0++;
    if (j0 == x->n) {
        snprintf(motivo, t,
                 "%s: ninguna línea PROGRESO dice los bytes que mandó el servidor antes de "
                 "cortar, %llu (y la descarga pasó después segundos esperando sus reintentos)",
                 nombre, (unsigned long long)k);
        return 0;
    }
    int pct = (int)(k * 100 / tam);
    for (int j = j0; j < x->n; j++) {
        if (x->bytes[j] == k && x->pct[j] != pct) {
            char dice[16] = "«-»";
            if (x->pct[j] >= 0)
                snprintf(dice, sizeof dice, "%d %%", x->pct[j]);
            snprintf(motivo, t,
                     "%s: el servidor mandó %llu %s de %llu y cortó; la línea %d dice %s con "
                     "esos bytes, y debería decir %d %%: tras un corte, y mientras un reintento "
                     "espera o sale, el porcentaje no retrocede ni vuelve a «-»",
                     nombre, (unsigned long long)k, texto_plural((long long)k, "byte", "bytes"),
                     (unsigned long long)tam, j + 1, dice, pct);
            return 0;
        }
        if (x->bytes[j] != k || (j >= j0 + 4 && x->kbs[j] > 0.1 * real + 1)) {
            snprintf(motivo, t,
                     "%s: el servidor mandó %llu %s a %.1f KiB/s y cortó; %d %s (%.1f s o "
                     "más) después, la línea %d dice %llu %s a %.1f KiB/s: los bytes no "
                     "retroceden (tampoco al salir un reintento) y la velocidad es la de los "
                     "últimos 2 s, no la media desde el principio",
                     nombre, (unsigned long long)k, texto_plural((long long)k, "byte", "bytes"),
                     real, j - j0, texto_plural(j - j0, "línea", "líneas"), (double)(j - j0) / 2.0,
                     j + 1, (unsigned long long)x->bytes[j],
                     texto_plural((long long)x->bytes[j], "byte", "bytes"), x->kbs[j]);
            return 0;
        }
    }
    if (x->n < j0 + 5 && v[n - 1].inicio_ms < v[0].fin_ms + 2500) {
        snprintf(motivo, t,
                 "%s: sus reintentos (%d) llegaron al servidor en los %llu ms siguientes al corte "
                 "(las esperas de -r 4 suman 3 s o más), y no dio tiempo a ver la velocidad "
                 "bajar a 0",
                 nombre, n - 1, (unsigned long long)(v[n - 1].inicio_ms - v[0].fin_ms));
        return 0;
    }
    if (x->n < j0 + 5) {
        snprintf(motivo, t,
                 "%s: después del corte, solo %d %s PROGRESO, y pasó 3 s o más esperando sus "
                 "reintentos: una descarga que espera un reintento sigue activa y tiene su línea",
                 nombre, x->n - j0 - 1, texto_plural(x->n - j0 - 1, "línea", "líneas"));
        return 0;
    }
    return 1;
}

/* Con un disco lento (cada uv_fs_write tarda DISCO_LENTO_MS), una descarga sigue teniendo su
 * línea cada ~500 ms: el temporizador es del hilo del bucle, y el disco es cosa del grupo. Quien
 * después de cada uv_fs_write esperaba en el hilo del bucle a que el grupo acabara
 * (uv_cond_timedwait: un futex, que strace no para) tenía el bucle parado 2 s por escritura y
 * pasaba todo lo demás (el adversario de la sesión 66, 100/100). Hostil: espera_futex. */
#define DISCO_LENTO_MS 2000

/* 1 si, con el disco lento, las líneas PROGRESO de una descarga siguen a su ritmo (ninguna
 * pausa de más de 1.5 s entre dos, como en el goteo) y la descarga acaba bien; si no, 0 y el
 * motivo. Sin strace no se simula el disco lento: lo dice y no juzga. */
static int ritmo_con_disco_lento(cal_servidor_t *s, char *motivo, size_t t)
{
    carpeta_t c;
    cal_proceso_t *p = NULL;
    char b[200], u[128];
    const char *nombre = desc_nombre("lenta.bin");
    uint64_t tam = (uint64_t)cal_azar(600000, 800000), sem = desc_semilla_nueva();
    desc_bytes_url(u, sizeof u, tam, sem, "&kbps=400");
    const char *args[] = {desc_arg(b, sizeof b, nombre, u), NULL};
    if (!desc_lanzar_disco_lento(s, &c, args, DISCO_LENTO_MS,
                                 "las líneas PROGRESO siguen a su ritmo mientras el disco escribe",
                                 &p)) {
        snprintf(motivo, t, "no se pudo lanzar el programa con el disco lento");
        return 0;
    }
    if (p == NULL)
        return 1;
    serie_t se;
    memset(&se, 0, sizeof se);
    uint64_t limite = cal_ahora_ms() + 20000;
    while (!cal_termino(p) && cal_ahora_ms() < limite) {
        cal_esperar_fin(p, 20);
        seguir(p, nombre, &se);
    }
    seguir(p, nombre, &se);
    int codigo = desc_fin(p, 100);
    uint64_t hueco = 0;
    for (int i = 1; i < se.n; i++)
        if (se.visto[i] - se.visto[i - 1] > hueco)
            hueco = se.visto[i] - se.visto[i - 1];
    int ok = desc_por_si_mismo(p, codigo, motivo, t) &&
             desc_archivo_bien(c.dir, nombre, sem, tam, motivo, t);
    if (ok && (se.n < 4 || hueco > 1500)) {
        snprintf(motivo, t,
                 "%s, con un disco lento (cada uv_fs_write tarda %d ms): líneas PROGRESO, %d; "
                 "hueco máximo entre dos seguidas, %llu ms (se esperaban al menos 4 y ningún "
                 "hueco de más de 1.5 s: el temporizador pinta cada ~500 ms mientras el grupo "
                 "de hilos escribe; un hueco del tamaño de una escritura es el bucle parado "
                 "esperándola)",
                 nombre, DISCO_LENTO_MS, se.n, (unsigned long long)hueco);
        ok = 0;
    }
    if (!ok)
        cal_nota_salida(p, 8);
    else
        cal_nota("Con un disco lento (cada uv_fs_write tarda %d ms), %s: líneas PROGRESO, %d, "
                 "con %llu ms como mucho entre dos.",
                 DISCO_LENTO_MS, nombre, se.n, (unsigned long long)hueco);
    return ok;
}

CAL_PRUEBA(progreso, 40)
static void progreso(void)
{
    cal_esperado(
        "sin terminal: «PROGRESO nombre porcentaje bytes KiB/s» cada ~500 ms por descarga "
        "activa (ni muchas más ni de golpe al final; ninguna para la que espera turno), "
        "también para una que no recibe nada o espera un reintento. Bytes que cuentan "
        "el .parte reanudado y nunca más de lo que había mandado el servidor, "
        "porcentajes que no retroceden (tampoco al salir un reintento), «-» en una "
        "troceada sin Content-Length, y la velocidad de los últimos 2 s. Y con un disco lento, "
        "una línea cada ~500 ms mientras el disco escribe");
    corrida_t x;
    if (!desc_preparar(&x))
        CAL_FIN(0);
    enum { RAPIDA, CORTADA, GOTEO, TROCEADA, REANUDADA, N };
    const char *nombres[N] = {desc_nombre("p.bin"), desc_nombre("corte.bin"),
                              desc_nombre("goteo.bin"), desc_nombre("trozos.bin"),
                              desc_nombre("r.bin")};
    /* Tamaños, punto de corte y .parte, al azar en cada calificación. */
    /* La reanudada recibe menos de lo que ya tenía su .parte (tam < 2·prefijo): quien cuenta
     * solo lo de esta ejecución y, para no retroceder, se queda con el mayor, sigue en el
     * tamaño del .parte toda la descarga (ninguna velocidad se parece a la real). */
    uint64_t tam[N] = {(uint64_t)cal_azar(250000, 350000), (uint64_t)cal_azar(400000, 600000), 2,
                       (uint64_t)cal_azar(250000, 350000), (uint64_t)cal_azar(600000, 700000)};
    uint64_t corte = (uint64_t)cal_azar(150000, 250000),
             prefijo = (uint64_t)cal_azar(360000, 400000);
    uint64_t sem[N] = {desc_semilla_nueva(), desc_semilla_nueva(), 0, desc_semilla_nueva(),
                       desc_semilla_nueva()};
    char u[N][128], b[N][200], extra[64];
    desc_bytes_url(u[RAPIDA], sizeof u[0], tam[RAPIDA], sem[RAPIDA], "&kbps=200");
    /* Cada reintento de la cortada espera 400 ms su cabecera (solo las peticiones con Range). */
    snprintf(extra, sizeof extra, "&kbps=200&cortar=%llu&espera_rango=400",
             (unsigned long long)corte);
    desc_bytes_url(u[CORTADA], sizeof u[0], tam[CORTADA], sem[CORTADA], extra);
    /* Un byte a los 2 s y otro a los 4 s: el temporizador pinta aunque no llegue nada; quien
     * pinta desde las callbacks de la transferencia, solo cuando llega un byte. */
    snprintf(u[GOTEO], sizeof u[0], "/drip?numbytes=2&duration=4");
    /* Troceada y lenta (~2 s), sin Content-Length: el total no se sabe nunca. */
    desc_troceada_url(u[TROCEADA], sizeof u[0], tam[TROCEADA], sem[TROCEADA], "&kbps=150");
    /* La quinta espera turno (-c 4) y se reanuda desde su .parte. */
    desc_bytes_url(u[REANUDADA], sizeof u[0], tam[REANUDADA], sem[REANUDADA], "&kbps=150");
    char parte[32];
    snprintf(parte, sizeof parte, "%s.parte", nombres[REANUDADA]);
    if (desc_escribir_parte(x.c.dir, parte, sem[REANUDADA], (size_t)prefijo) < 0) {
        cal_obtenido("no se pudo preparar %s (error del calificador)", parte);
        CAL_FIN(0);
    }
    const char *args[N + 6] = {"-c", "4", "-r", "4", "--continuar"};
    for (int i = 0; i < N; i++)
        args[5 + i] = desc_arg(b[i], sizeof b[i], nombres[i], u[i]);
    /* Se lee la salida mientras corre (hasta 20 s; la caja, 25: con las esperas de -r 4 y las
     * cabeceras que tardan, la cortada pasa de los 10 s de desc_correr() si sus esperas son de
     * más). */
    x.p = desc_lanzar(x.s, &x.c, args, 25, 0, 0);
    if (x.p == NULL)
        CAL_FIN(0);
    serie_t se[N];
    memset(se, 0, sizeof se);
    uint64_t limite = cal_ahora_ms() + 20000;
    while (!cal_termino(x.p) && cal_ahora_ms() < limite) {
        cal_esperar_fin(x.p, 20);
        for (int k = 0; k < N; k++)
            seguir(x.p, nombres[k], &se[k]);
    }
    x.codigo = desc_fin(x.p, 100);
    char motivo[512] = "";
    cal_peticion_t v[N][8];
    int n[N];
    for (int k = 0; k < N; k++)
        n[k] = desc_registro_de(x.s, u[k], v[k], 8);
    /* La reanudada se juzga si pidió continuar donde acaba su .parte. Con otro Range (uno de
     * más, sin guion) o sin él, el servidor manda otra cosa y el programa hace bien en contar
     * desde 0 al empezar de nuevo: ese fallo es del Range, y lo cobra continuar_206 (antes
     * costaba también esta verificación, con un motivo que culpaba a la cuenta del .parte). */
    int reanudo =
        n[REANUDADA] >= 1 && desc_rango_desde(v[REANUDADA][0].rango) == (long long)prefijo;
    if (!reanudo)
        cal_nota("(%s no pidió «Range: bytes=%llu-», donde acaba su .parte: sus líneas PROGRESO "
                 "no se juzgan aquí; el Range lo juzga continuar_206)",
                 nombres[REANUDADA], (unsigned long long)prefijo);
    /* Lo mismo con los reintentos de la cortada: se juzgan si cada uno pidió continuar en el
     * byte del corte. Uno que pide otro byte recibe un 206 que no casa (o uno desde 0) y
     * empieza de cero con razón: lo cobra reintento_continua. */
    int continuo = 1;
    for (int i = 1; i < n[CORTADA]; i++)
        if (desc_rango_desde(v[CORTADA][i].rango) != (long long)corte)
            continuo = 0;
    if (!continuo)
        cal_nota("(algún reintento de %s no pidió «Range: bytes=%llu-», el byte del corte: sus "
                 "líneas PROGRESO no se juzgan aquí; el Range de un reintento lo juzga "
                 "reintento_continua)",
                 nombres[CORTADA], (unsigned long long)corte);
    int ok =
        desc_acabo(&x, motivo, sizeof motivo) &&
        juzgar_serie(nombres[RAPIDA], &se[RAPIDA], tam[RAPIDA], 0, v[RAPIDA], n[RAPIDA], motivo,
                     sizeof motivo) &&
        (!reanudo || juzgar_serie(nombres[REANUDADA], &se[REANUDADA], tam[REANUDADA], prefijo,
                                  v[REANUDADA], n[REANUDADA], motivo, sizeof motivo)) &&
        (!continuo || juzgar_parada(nombres[CORTADA], &se[CORTADA], tam[CORTADA], v[CORTADA],
                                    n[CORTADA], motivo, sizeof motivo)) &&
        juzgar_sin_total(nombres[TROCEADA], &se[TROCEADA], tam[TROCEADA], motivo, sizeof motivo) &&
        desc_archivo_bien(x.c.dir, nombres[TROCEADA], sem[TROCEADA], tam[TROCEADA], motivo,
                          sizeof motivo);
    if (ok && se[REANUDADA].n > 0 && se[REANUDADA].visto[0] + 500 < v[REANUDADA][0].inicio_ms) {
        snprintf(motivo, sizeof motivo,
                 "%s esperaba turno (-c 4) y ya salían sus líneas PROGRESO %llu ms antes de "
                 "que el servidor viera su petición: solo las descargas activas tienen línea",
                 desc_nombre("r.bin"),
                 (unsigned long long)(v[REANUDADA][0].inicio_ms - se[REANUDADA].visto[0]));
        ok = 0;
    }
    int lineas_goteo = 0;
    uint64_t hueco = 0, mediana = 0;
    if (ok) {
        /* El goteo está activo ~4 s: el temporizador da ~8 líneas; se piden la mitad, y
         * ningún hueco de más de 1.5 s entre dos seguidas. */
        serie_t *g = &se[GOTEO];
        double dur =
            n[GOTEO] >= 1 ? (double)(v[GOTEO][0].fin_ms - v[GOTEO][0].inicio_ms) / 1000.0 : 4.0;
        int minimo = (int)dur;
        lineas_goteo = g->n;
        for (int i = 1; i < g->n; i++)
            if (g->visto[i] - g->visto[i - 1] > hueco)
                hueco = g->visto[i] - g->visto[i - 1];
        if (g->n < minimo || hueco > 1500) {
            snprintf(motivo, sizeof motivo,
                     "%s (un byte cada 2 s durante %.1f s): líneas PROGRESO, %d; hueco máximo "
                     "entre dos seguidas, %llu ms (se esperaban al menos %d y ningún hueco de más "
                     "de 1.5 s: una cada ~500 ms aunque no lleguen bytes)",
                     desc_nombre("goteo.bin"), dur, g->n, (unsigned long long)hueco, minimo);
            ok = 0;
        }
        /* El ritmo: la mediana de los intervalos, que no mueve un tic retrasado por la carga
         * de la máquina. Un temporizador de 1000 ms da 4 líneas en 4 s y no deja huecos de
         * más de 1.5 s; su mediana, 1000 ms, sí lo delata. */
        mediana = mediana_intervalos(g);
        if (ok && (mediana < 300 || mediana > 750)) {
            snprintf(motivo, sizeof motivo,
                     "%s: la mediana de los intervalos entre dos líneas PROGRESO seguidas es de "
                     "%llu ms, y el ritmo es una línea cada ~500 ms (se acepta una mediana entre "
                     "300 y 750 ms)",
                     desc_nombre("goteo.bin"), (unsigned long long)mediana);
            ok = 0;
        }
    }
    int ok_sin_disco_lento = ok;
    if (ok)
        ok = ritmo_con_disco_lento(x.s, motivo, sizeof motivo);
    if (ok)
        cal_obtenido("líneas PROGRESO a su ritmo, respaldadas por el registro del servidor, "
                     "monótonas y con velocidades creíbles (casi 0 tras el corte); el goteo, %d "
                     "%s con %llu ms como mucho entre dos y una mediana de %llu ms",
                     lineas_goteo, texto_plural(lineas_goteo, "línea", "líneas"),
                     (unsigned long long)hueco, (unsigned long long)mediana);
    else
        cal_obtenido("%s", motivo);
    if (!ok_sin_disco_lento)
        cal_nota_salida(x.p, 12);
    CAL_FIN(ok);
}

/* Las líneas de la terminal con el nombre de una descarga y un porcentaje, con el instante en
 * que el calificador las vio (se lee la salida a pasos cortos). */
typedef struct {
    int n;
    uint64_t visto[512];
    int pct[512];
} pintadas_t;

/* El porcentaje de una línea de la terminal («… 61% …»), o -1 si no tiene. */
static int porcentaje_de(const char *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (l[i] != '%' || i == 0 || l[i - 1] < '0' || l[i - 1] > '9')
            continue;
        size_t j = i;
        while (j > 0 && l[j - 1] >= '0' && l[j - 1] <= '9' && i - j < 3)
            j--;
        int v = 0;
        for (size_t k = j; k < i; k++)
            v = v * 10 + (l[k] - '0');
        return v;
    }
    return -1;
}

/* Lee las líneas completas nuevas desde *desde y anota las de `nombres[k]`. */
static void seguir_terminal(cal_proceso_t *p, size_t *desde, const char *const *nombres, int m,
                            pintadas_t *pi)
{
    const char *out = cal_salida(p);
    for (;;) {
        const char *l = out + *desde, *nl = strchr(l, '\n');
        if (nl == NULL)
            return;
        *desde = (size_t)(nl + 1 - out);
        for (int k = 0; k < m; k++) {
            const char *e = strstr(l, nombres[k]);
            int pc = porcentaje_de(l, (size_t)(nl - l));
            if (e != NULL && e < nl && pc >= 0 && pi[k].n < 512) {
                pi[k].visto[pi[k].n] = cal_ahora_ms();
                pi[k].pct[pi[k].n++] = pc;
            }
        }
    }
}

/* Porcentajes intermedios distintos que pide la descarga lenta de «terminal»: uno por cada
 * dos repintados que caben mientras el servidor la manda (el temporizador pinta cada 500 ms),
 * y nunca menos de 4. */
static int intermedios_pedidos(const cal_peticion_t *v, int n)
{
    double dur = n >= 1 ? (double)(v[n - 1].fin_ms - v[0].inicio_ms) / 1000.0 : 0.0;
    int mitad = (int)(dur / 0.5) / 2;
    return mitad > 4 ? mitad : 4;
}

/* Cada porcentaje pintado contra el registro: no más de lo que el servidor había mandado al
 * verse la línea, sin retroceder, y al menos uno intermedio (0 < x < 100) mientras descargaba.
 * Con `lenta`, además, el porcentaje avanza de verdad mientras el servidor la manda: entre los
 * repintados vistos antes de que acabara de mandarla (más 1 s de holgura: lo último que
 * mandó aún se está leyendo, y con la máquina cargada el calificador lee tarde), al menos
 * intermedios_pedidos() porcentajes intermedios distintos. Quien solo repinta al empezar o
 * terminar alguna descarga pinta 1 % y luego 100 %, o unos pocos saltos. Deja en *vistas
 * cuántos hubo. 1 si casa; si no, 0 y el motivo. */
static int juzgar_pintadas(const char *nombre, const pintadas_t *pi, uint64_t tam,
                           const cal_peticion_t *v, int n, int troceada, int lenta, int *vistas,
                           char *motivo, size_t t)
{
    int intermedias = 0, distintas = 0, ultima = -1;
    uint64_t hasta = n >= 1 ? v[n - 1].fin_ms + 1000 : 0;
    for (int i = 0; i < pi->n; i++) {
        uint64_t dice = (uint64_t)pi->pct[i] * tam / 100;
        uint64_t cota = desc_servido_hasta(v, n, pi->visto[i] + 100) + 32768;
        if (pi->pct[i] > 100 || dice > cota || (i > 0 && pi->pct[i] < pi->pct[i - 1])) {
            snprintf(motivo, t,
                     "%s: un repintado dice %d %% (%llu %s de %llu), y el servidor había "
                     "mandado %llu como mucho%s",
                     nombre, pi->pct[i], (unsigned long long)dice,
                     texto_plural((long long)dice, "byte", "bytes"), (unsigned long long)tam,
                     (unsigned long long)(cota - 32768),
                     i > 0 && pi->pct[i] < pi->pct[i - 1] ? ": el porcentaje retrocede" : "");
            return 0;
        }
        intermedias += pi->pct[i] > 0 && pi->pct[i] < 100;
        /* Sin retroceder, un valor distinto del anterior es uno nuevo. */
        if (pi->pct[i] > 0 && pi->pct[i] < 100 && pi->pct[i] != ultima && pi->visto[i] <= hasta) {
            distintas++;
            ultima = pi->pct[i];
        }
    }
    /* Una troceada no dice su total hasta acabar: sin porcentajes intermedios. */
    if (intermedias == 0 && !troceada) {
        snprintf(motivo, t,
                 "%s: ningún repintado con un porcentaje entre 0 y 100 mientras descargaba (%d "
                 "%s con su nombre y porcentaje)",
                 nombre, pi->n, texto_plural(pi->n, "línea", "líneas"));
        return 0;
    }
    int pedidas = intermedios_pedidos(v, n);
    *vistas = distintas;
    if (lenta && distintas < pedidas) {
        double dur = n >= 1 ? (double)(v[n - 1].fin_ms - v[0].inicio_ms) / 1000.0 : 0.0;
        snprintf(motivo, t,
                 "%s: el servidor la mandó despacio durante %.1f s, y mientras tanto sus "
                 "repintados mostraron %d %s entre 0 y 100 (se esperaban al menos %d: el "
                 "temporizador repinta cada ~500 ms, y el porcentaje avanza aunque ninguna "
                 "descarga empiece ni termine)",
                 nombre, dur, distintas,
                 texto_plural(distintas, "porcentaje distinto", "porcentajes distintos"), pedidas);
        return 0;
    }
    return 1;
}

/* Cada «ESC[nA» sube tantas líneas como se pintaron desde el anterior: si sube menos, el
 * repintado sale debajo y no en su sitio. 1 si todos casan; si no, 0 y el motivo. */
static int subidas_bien(const char *out, char *motivo, size_t t)
{
    const char *antes = NULL;
    int cual = 0;
    for (const char *e = strstr(out, "\033["); e != NULL; e = strstr(e + 2, "\033[")) {
        const char *d = e + 2;
        unsigned n = 0;
        while (*d >= '0' && *d <= '9')
            n = n * 10 + (unsigned)(*d++ - '0');
        if (*d != 'A' || d == e + 2)
            continue;
        cual++;
        if (antes != NULL) {
            unsigned lineas = 0;
            for (const char *q = antes; q < e; q++)
                lineas += *q == '\n';
            if (lineas != n) {
                snprintf(motivo, t,
                         "el repintado %d sube el cursor con ESC[%uA y el anterior pintó %u %s: "
                         "el cursor sube tantas líneas como se pintaron, también las de las que "
                         "ya terminaron",
                         cual, n, lineas, texto_plural(lineas, "línea", "líneas"));
                return 0;
            }
        }
        antes = d + 1;
    }
    return 1;
}

CAL_PRUEBA(terminal, 30)
static void terminal(void)
{
    cal_esperado("en una terminal: sin líneas PROGRESO y con repintados en su sitio con ESC[nA "
                 "(que sube tantas líneas como pintó el repintado anterior), cuyos porcentajes "
                 "avanzan mientras descarga sin pasar nunca de lo que el servidor había mandado "
                 "(en una descarga lenta, a cada repintado, ~500 ms: no solo cuando otra "
                 "empieza o termina). Y un último repintado con cada descarga al 100 %% (y su "
                 "archivo entero en el disco), también la troceada, que no dice su total hasta "
                 "acabar");
    carpeta_t c;
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0 || desc_carpeta(&c) < 0)
        CAL_FIN(0);
    char u[3][128], b[3][200];
    const char *nombres[3] = {desc_nombre("t1.bin"), desc_nombre("t2.bin"), desc_nombre("t3.bin")};
    /* t1 acaba en ~1.5 s y t2 sigue 3 s más: hay repintados con una terminada y otra no. t2
     * es la lenta (60 KiB/s: 4–5 s, 8–9 repintados, ~10 % cada uno): su porcentaje tiene que
     * avanzar mientras llega, no solo cuando otra empieza o termina (juzgar_pintadas). t3 es
     * troceada (sin Content-Length): su total se sabe al acabar, y el último repintado la
     * pinta al 100 % igual (quien no anota el final la deja con «-» o lo que tuviera). */
    uint64_t tam[3] = {(uint64_t)cal_azar(250000, 300000), (uint64_t)cal_azar(250000, 300000),
                       (uint64_t)cal_azar(150000, 200000)};
    uint64_t sem[3] = {desc_semilla_nueva(), desc_semilla_nueva(), desc_semilla_nueva()};
    desc_bytes_url(u[0], sizeof u[0], tam[0], sem[0], "&kbps=200");
    desc_bytes_url(u[1], sizeof u[1], tam[1], sem[1], "&kbps=60");
    desc_troceada_url(u[2], sizeof u[2], tam[2], sem[2], "&kbps=200");
    const char *args[] = {desc_arg(b[0], sizeof b[0], nombres[0], u[0]),
                          desc_arg(b[1], sizeof b[1], nombres[1], u[1]),
                          desc_arg(b[2], sizeof b[2], nombres[2], u[2]), NULL};
    cal_proceso_t *p = desc_lanzar(s, &c, args, 25, 0, 1);
    if (p == NULL)
        CAL_FIN(0);
    pintadas_t pi[3];
    memset(pi, 0, sizeof pi);
    size_t leido = 0;
    uint64_t limite = cal_ahora_ms() + 15000;
    while (!cal_termino(p) && cal_ahora_ms() < limite) {
        cal_esperar_fin(p, 20);
        seguir_terminal(p, &leido, nombres, 3, pi);
    }
    int cod = desc_fin(p, 100);
    seguir_terminal(p, &leido, nombres, 3, pi);
    char motivo[512] = "";
    const char *out = cal_salida(p);
    int ok = desc_por_si_mismo(p, cod, motivo, sizeof motivo);
    int distintos = 0, pedidos = 0;
    for (int k = 0; k < 3 && ok; k++) {
        cal_peticion_t v[2];
        int n = desc_registro_de(s, u[k], v, 2), vistos = 0;
        ok = juzgar_pintadas(nombres[k], &pi[k], tam[k], v, n, k == 2, k == 1, &vistos, motivo,
                             sizeof motivo) &&
             desc_archivo_bien(c.dir, nombres[k], sem[k], tam[k], motivo, sizeof motivo);
        if (k == 1) {
            distintos = vistos;
            pedidos = intermedios_pedidos(v, n);
        }
    }
    /* El último «ESC[nA» abre el último repintado; acaba en la primera línea «OK ». */
    const char *ultimo = NULL;
    for (const char *e = strstr(out, "\033["); e != NULL; e = strstr(e + 2, "\033[")) {
        const char *d = e + 2;
        while (*d >= '0' && *d <= '9')
            d++;
        if (*d == 'A' && d > e + 2)
            ultimo = d + 1;
    }
    if (ok && strstr(out, "PROGRESO") != NULL) {
        snprintf(motivo, sizeof motivo, "en una terminal salieron líneas PROGRESO");
        ok = 0;
    } else if (ok && ultimo == NULL) {
        snprintf(motivo, sizeof motivo, "no hay ningún repintado en su sitio (ESC[nA)");
        ok = 0;
    } else if (ok) {
        ok = subidas_bien(out, motivo, sizeof motivo);
    }
    if (ok) {
        const char *hasta = strstr(ultimo, "\nOK ");
        size_t largo = hasta != NULL ? (size_t)(hasta - ultimo) : strlen(ultimo);
        int lineas = 0, al_cien = 0, troceada_al_cien = 0;
        const char *q = ultimo;
        while (q < ultimo + largo) {
            const char *nl = memchr(q, '\n', (size_t)(ultimo + largo - q));
            size_t n = nl != NULL ? (size_t)(nl - q) : (size_t)(ultimo + largo - q);
            char l[512];
            snprintf(l, sizeof l, "%.*s", (int)(n < sizeof l - 1 ? n : sizeof l - 1), q);
            if (strstr(l, desc_nombre("t1.bin")) != NULL ||
                strstr(l, desc_nombre("t2.bin")) != NULL ||
                strstr(l, desc_nombre("t3.bin")) != NULL) {
                int cien = strstr(l, "100%") != NULL || strstr(l, "100 %") != NULL;
                lineas++;
                al_cien += cien;
                troceada_al_cien += cien && strstr(l, desc_nombre("t3.bin")) != NULL;
            }
            q += n + 1;
        }
        ok = lineas == 3 && al_cien == 3;
        if (!ok)
            snprintf(motivo, sizeof motivo,
                     "líneas de descargas en el último repintado: %d; al 100 %%: %d (se "
                     "esperaban las 3, al 100 %%%s)",
                     lineas, al_cien,
                     lineas == 3 && !troceada_al_cien
                         ? "; la troceada, no: al acabar, su total es lo recibido"
                         : "");
    }
    if (ok && (cal_contar(out, "OK", desc_nombre("t1.bin")) != 1 ||
               cal_contar(out, "OK", desc_nombre("t2.bin")) != 1 ||
               cal_contar(out, "OK", desc_nombre("t3.bin")) != 1)) {
        snprintf(motivo, sizeof motivo, "falta el resumen «OK …» de alguna descarga");
        ok = 0;
    }
    if (ok)
        cal_obtenido("repintado en su sitio, respaldado por el registro del servidor "
                     "(porcentajes distintos de la lenta mientras llegaba: %d; se pedían %d), "
                     "que acaba con las tres al 100 %% y enteras en el disco",
                     distintos, pedidos);
    else
        cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 10);
    CAL_FIN(ok);
}
