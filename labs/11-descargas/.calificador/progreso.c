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

CAL_PRUEBA(progreso, 30)
{
    cal_esperado("sin terminal: «PROGRESO nombre porcentaje bytes KB/s» cada ~500 ms por descarga "
                 "activa (ni muchas más ni de golpe al final), también para una que no recibe "
                 "nada durante 2 s; porcentajes que no retroceden y velocidades parecidas a las "
                 "reales del servidor");
    carpeta_t c;
    cal_servidor_t *s = servidor();
    if (s == NULL || carpeta(&c) < 0)
        CAL_FIN(0);
    uint64_t sem[2] = {semilla_nueva(), semilla_nueva()};
    char u[2][128], b[3][200];
    const char *nombres[3] = {"p.bin", "q.bin", "goteo.bin"};
    bytes_url(u[0], sizeof u[0], 307200, sem[0], "&kbps=200");
    bytes_url(u[1], sizeof u[1], 204800, sem[1], "&kbps=100");
    /* Un byte a los 2 s y otro a los 4 s: el temporizador pinta aunque no llegue nada; quien
     * pinta desde las callbacks de la transferencia solo cuando llega un byte. */
    const char *goteo = "/drip?numbytes=2&duration=4";
    const char *args[] = {arg(b[0], sizeof b[0], nombres[0], u[0]),
                          arg(b[1], sizeof b[1], nombres[1], u[1]),
                          arg(b[2], sizeof b[2], nombres[2], goteo), NULL};
    cal_proceso_t *p = descargas(s, &c, args, 25, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    serie_t se[3];
    memset(se, 0, sizeof se);
    uint64_t limite = cal_ahora_ms() + 15000;
    while (!cal_termino(p) && cal_ahora_ms() < limite) {
        cal_esperar_fin(p, 20);
        for (int k = 0; k < 3; k++)
            seguir(p, nombres[k], &se[k]);
    }
    int cod = fin(p, 100);
    char motivo[512] = "";
    int ok = por_si_mismo(p, cod, motivo, sizeof motivo);
    uint64_t tam[2] = {307200, 204800};
    for (int k = 0; k < 2 && ok; k++) {
        cal_peticion_t v[2];
        int n = registro_de(s, u[k], v, 2);
        serie_t *x = &se[k];
        if (n < 1) {
            snprintf(motivo, sizeof motivo, "el servidor no vio la descarga de %s", nombres[k]);
            ok = 0;
            break;
        }
        double dur = (double)(v[0].fin_ms - v[0].inicio_ms) / 1000.0;
        double real = (double)tam[k] / 1024.0 / (dur > 0.01 ? dur : 0.01);
        int max_lineas = (int)(dur / 0.5) + 4;
        if (x->n < 2 || x->n > max_lineas || x->raro) {
            snprintf(motivo, sizeof motivo,
                     "%s: %d líneas PROGRESO bien formadas en una descarga de %.1f s (se "
                     "esperaban entre 2 y %d)",
                     nombres[k], x->n, dur, max_lineas);
            ok = 0;
            break;
        }
        if (x->visto[x->n - 1] - x->visto[0] < 400) {
            snprintf(motivo, sizeof motivo,
                     "%s: las líneas PROGRESO llegaron de golpe (en %llu ms), no mientras "
                     "descargaba: ¿falta el búfer de línea?",
                     nombres[k], (unsigned long long)(x->visto[x->n - 1] - x->visto[0]));
            ok = 0;
            break;
        }
        int buena = 0, con_pct = 0;
        for (int i = 0; i < x->n && ok; i++) {
            int esperado = (int)(x->bytes[i] * 100 / tam[k]);
            if (x->pct[i] < 0) {
                /* «-»: aún no se sabe el total (antes de las cabeceras). Después de un
                 * porcentaje ya no vale. */
                if (con_pct || x->bytes[i] > 0) {
                    snprintf(motivo, sizeof motivo,
                             "%s: la línea %d dice «-» con %llu bytes, y el servidor anunció "
                             "el tamaño (%llu) desde la cabecera",
                             nombres[k], i + 1, (unsigned long long)x->bytes[i],
                             (unsigned long long)tam[k]);
                    ok = 0;
                }
                continue;
            }
            con_pct = 1;
            if (x->pct[i] > 100 || x->bytes[i] > tam[k] || abs(x->pct[i] - esperado) > 1 ||
                (i > 0 && (x->pct[i] < x->pct[i - 1] || x->bytes[i] < x->bytes[i - 1]))) {
                snprintf(motivo, sizeof motivo,
                         "%s: la línea %d dice %d %% y %llu bytes (el archivo tiene %llu; el "
                         "porcentaje no puede retroceder)",
                         nombres[k], i + 1, x->pct[i], (unsigned long long)x->bytes[i],
                         (unsigned long long)tam[k]);
                ok = 0;
            }
            if (x->kbs[i] > 4 * real + 50) {
                snprintf(motivo, sizeof motivo,
                         "%s: %.1f KB/s en la línea %d, y el servidor la sirvió a %.1f KB/s",
                         nombres[k], x->kbs[i], i + 1, real);
                ok = 0;
            }
            if (x->kbs[i] >= 0.4 * real && x->kbs[i] <= 2.5 * real)
                buena = 1;
        }
        if (ok && !buena) {
            snprintf(motivo, sizeof motivo,
                     "%s: ninguna velocidad se parece a la real (%.1f KB/s según el servidor)",
                     nombres[k], real);
            ok = 0;
        }
    }
    int lineas_goteo = 0;
    uint64_t hueco = 0;
    if (ok) {
        /* El goteo está activo ~4 s: el temporizador da ~8 líneas; se piden la mitad, y
         * ningún hueco de más de 1,5 s entre dos seguidas. */
        cal_peticion_t v[2];
        int n = registro_de(s, goteo, v, 2);
        serie_t *x = &se[2];
        double dur = n >= 1 ? (double)(v[0].fin_ms - v[0].inicio_ms) / 1000.0 : 4.0;
        int minimo = (int)dur;
        lineas_goteo = x->n;
        for (int i = 1; i < x->n; i++)
            if (x->visto[i] - x->visto[i - 1] > hueco)
                hueco = x->visto[i] - x->visto[i - 1];
        if (x->n < minimo || hueco > 1500) {
            snprintf(motivo, sizeof motivo,
                     "goteo.bin (un byte cada 2 s durante %.1f s): %d líneas PROGRESO y un hueco "
                     "de %llu ms entre dos (se esperaban al menos %d, una cada ~500 ms aunque no "
                     "lleguen bytes)",
                     dur, x->n, (unsigned long long)hueco, minimo);
            ok = 0;
        }
    }
    if (ok)
        cal_obtenido("líneas PROGRESO a su ritmo, monótonas y con velocidades creíbles; el goteo, "
                     "%d líneas con %llu ms como mucho entre dos",
                     lineas_goteo, (unsigned long long)hueco);
    else
        cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 12);
    CAL_FIN(ok);
}

CAL_PRUEBA(terminal, 30)
{
    cal_esperado("en una terminal: sin líneas PROGRESO, repintado en su sitio con ESC[nA y un "
                 "último repintado con cada descarga al 100 %%");
    carpeta_t c;
    cal_servidor_t *s = servidor();
    if (s == NULL || carpeta(&c) < 0)
        CAL_FIN(0);
    char u[2][128], b[2][200];
    bytes_url(u[0], sizeof u[0], 256000, semilla_nueva(), "&kbps=200");
    bytes_url(u[1], sizeof u[1], 150000, semilla_nueva(), "&kbps=200");
    const char *args[] = {arg(b[0], sizeof b[0], "t1.bin", u[0]),
                          arg(b[1], sizeof b[1], "t2.bin", u[1]), NULL};
    cal_proceso_t *p = descargas(s, &c, args, 25, 0, 1);
    if (p == NULL)
        CAL_FIN(0);
    int cod = fin(p, 15000);
    char motivo[256] = "";
    const char *out = cal_salida(p);
    int ok = por_si_mismo(p, cod, motivo, sizeof motivo);
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
    }
    if (ok) {
        const char *hasta = strstr(ultimo, "\nOK ");
        size_t largo = hasta != NULL ? (size_t)(hasta - ultimo) : strlen(ultimo);
        int lineas = 0, al_cien = 0;
        const char *q = ultimo;
        while (q < ultimo + largo) {
            const char *nl = memchr(q, '\n', (size_t)(ultimo + largo - q));
            size_t n = nl != NULL ? (size_t)(nl - q) : (size_t)(ultimo + largo - q);
            char l[512];
            snprintf(l, sizeof l, "%.*s", (int)(n < sizeof l - 1 ? n : sizeof l - 1), q);
            if (strstr(l, "t1.bin") != NULL || strstr(l, "t2.bin") != NULL) {
                lineas++;
                if (strstr(l, "100%") != NULL || strstr(l, "100 %") != NULL)
                    al_cien++;
            }
            q += n + 1;
        }
        ok = lineas == 2 && al_cien == 2;
        if (!ok)
            snprintf(motivo, sizeof motivo,
                     "el último repintado tiene %d líneas de las descargas y %d al 100 %%", lineas,
                     al_cien);
    }
    if (ok && (cal_contar(out, "OK", "t1.bin") != 1 || cal_contar(out, "OK", "t2.bin") != 1)) {
        snprintf(motivo, sizeof motivo, "falta el resumen «OK …» de alguna descarga");
        ok = 0;
    }
    cal_obtenido("%s", ok ? "repintado en su sitio que acaba con las dos al 100 %" : motivo);
    if (!ok)
        cal_nota_salida(p, 10);
    CAL_FIN(ok);
}
