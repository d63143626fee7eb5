/* fallos.c — verificaciones de los fallos: -t, reintentos con espera y reintentos que
 * continúan. Ctrl+C está en parada.c. */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ fallos y reintentos */

CAL_PRUEBA(estancada, 30)
static void estancada(void)
{
    cal_esperado(
        "con -t ~1000 y -r 1: una descarga que se queda sin datos a media respuesta falla "
        "en segundos («ERROR …»). Otra cuyo servidor no contesta ni las cabeceras también "
        "falla, tras reintentarse una vez (-t cuenta desde que sale la petición, y un -t "
        "agotado es un fallo pasajero). Otra que calla en su primer intento y contesta en el "
        "reintento termina bien. Y una lenta pero viva de ~6 s termina bien (más larga que "
        "dos intentos de -t: -t no es un límite de la descarga entera). Cuando las dos "
        "primeras han fallado, sus archivos están cerrados (1 descriptor en la carpeta, el "
        "de la viva), y mientras espera a la red, el programa duerme en uv_run (sin espera "
        "activa). Aparte, "
        "sin -t, una respuesta que tarda 2 s termina bien (10 000 ms por omisión). Y con -t "
        "y un disco lento, una rápida que se pausa por el disco más que -t también termina "
        "bien (-t solo cuenta la espera de la red), y otra cuyo servidor calla justo tras "
        "algo más de 1 MiB falla por -t después de la pausa (al quitarla, -t vuelve a contar)");
    corrida_t x;
    x.p = NULL;
    x.codigo = -1;
    /* -t y el silencio del servidor, distintos en cada calificación. */
    unsigned t_ms = (unsigned)cal_azar(8, 12) * 100, muda_s = (unsigned)cal_azar(3, 4);
    /* La que revive: su primer intento calla (como la muda) y el reintento contesta en el
     * acto. Un programa que no olvida que el intento anterior se agotó la da por fallada. */
    char revive[48], guion[256];
    if (cal_ruta_opaca(revive, sizeof revive) < 0)
        CAL_FIN(0);
    snprintf(guion, sizeof guion,
             "{\"%s\": {\"pasos\": [{\"estado\": 200, \"retraso_ms\": %u}], "
             "\"despues\": {\"estado\": 200}}}",
             revive, muda_s * 1000);
    if (cal_servidor_guion(guion, &x.s) < 0 || desc_carpeta(&x.c) < 0)
        CAL_FIN(0);
    uint64_t sem = desc_semilla_nueva();
    char u[128], b[4][200], t[16], muda[32];
    snprintf(t, sizeof t, "%u", t_ms);
    snprintf(muda, sizeof muda, "/delay/%u", muda_s);
    desc_bytes_url(u, sizeof u, 614400, sem, "&kbps=100");
    const char *args[] = {
        "-t",
        t,
        "-r",
        "1",
        "-c",
        "4",
        desc_arg(b[0], sizeof b[0], desc_nombre("parada.bin"), "/drip?numbytes=3&duration=9"),
        desc_arg(b[1], sizeof b[1], desc_nombre("muda.bin"), muda),
        desc_arg(b[2], sizeof b[2], desc_nombre("viva.bin"), u),
        desc_arg(b[3], sizeof b[3], desc_nombre("revive.txt"), revive),
        NULL};
    uint64_t t0 = cal_ahora_ms();
    /* La caja, a los 20 s: quien mata es el desc_fin() de los 14 s, que lo explica. */
    x.p = desc_lanzar(x.s, &x.c, args, 20, 0, 0);
    if (x.p == NULL)
        CAL_FIN(0);
    /* A la vez, sin -t: una respuesta que tarda 2 s en empezar termina bien (-t es 10000 por
     * omisión). */
    carpeta_t c2;
    char b2[64];
    const char *args2[] = {desc_arg(b2, sizeof b2, desc_nombre("paciente.bin"), "/delay/2"), NULL};
    cal_proceso_t *p2 = desc_carpeta(&c2) == 0 ? desc_lanzar(x.s, &c2, args2, 20, 0, 0) : NULL;
    if (p2 == NULL)
        CAL_FIN(0);
    /* Y a la vez, con un disco lento (cada uv_fs_write tarda lento_ms, más de la mitad de -t):
     * una descarga rápida de 1.2 MB se pausa por el disco (más de 1 MiB sin escribir) unas dos
     * escrituras, más que -t. Esa espera es del disco, no de la red: -t no corre y termina
     * bien (~3 escrituras lentas). */
    carpeta_t c3;
    char b3[200], u3[128], l3[200], b7[240], u7[160], extra7[64], l7[200];
    uint64_t sem3 = desc_semilla_nueva(), tam3 = 1200000;
    unsigned lento_ms = t_ms / 2 + 400;
    /* atascada.bin: el servidor manda 1 MiB y un byte de golpe y calla 25 s sin cerrar. Con
     * el disco lento, la transferencia se pausa justo con el último byte recibido (más de 1 MiB
     * sin escribir: nada antes lo pasa) y, al quitar la pausa, no llega nada más: -t, que no corría
     * en la pausa, vuelve a contar desde cero y salta. Quien no lo arma otra vez al quitarla (solo
     * con cada trozo) espera los 25 s. Un programa que no llega a pausarla falla igual por -t. */
    snprintf(extra7, sizeof extra7, "&callar=%u&callar_ms=25000", 1048577u);
    desc_bytes_url(u7, sizeof u7, 2000000, desc_semilla_nueva(), extra7);
    const char *args3[] = {"-t", t,
                           desc_arg(b3, sizeof b3, desc_nombre("disco.bin"),
                                    desc_bytes_url(u3, sizeof u3, tam3, sem3, NULL)),
                           desc_arg(b7, sizeof b7, desc_nombre("atascada.bin"), u7), NULL};
    cal_proceso_t *p3 = NULL;
    if (!desc_lanzar_disco_lento(x.s, &c3, args3, lento_ms,
                                 "-t corre mientras la transferencia está pausada por el disco",
                                 &p3))
        CAL_FIN(0);
    /* La parada y la muda fallan por -t dos veces cada una (~2·-t más la espera del
     * reintento: menos de 3 s); la viva dura ~6 s. Desde entonces, y mientras la viva siga,
     * se cuentan los descriptores abiertos en la carpeta cada 100 ms: al menos una vez tiene
     * que haber solo 1, el de la viva. Se empieza a contar cuando el servidor ha visto cortado
     * el segundo intento de la muda (un corte mientras espera se anota enseguida; el del goteo
     * de la parada, no: se ve cuando vuelve a escribir): con la máquina cargada, el programa
     * puede no haber abierto aún sus archivos a los 2 s, y esos 0 descriptores no dicen nada. */
    int abiertos = -2;
    while (cal_ahora_ms() < t0 + 2 * t_ms + 200 && !cal_termino(x.p))
        cal_esperar_fin(x.p, 50);
    /* Hasta aquí (~2 s) el programa solo ha esperado a la red (el goteo, la muda, la viva a
     * 100 KiB/s): debe haberlo hecho dormido en uv_run (autograder/README.md, «Espera
     * activa»). Con datos: los trozos de la viva despiertan a la solución unas 700 veces por
     * segundo, tantas como un sondeo, así que aquí no se cuentan los despertares. */
    char cpu[400] = "esperó dormido";
    int dormido =
        cal_termino(x.p) || cal_sin_espera_activa(x.p, CAL_ESPERA_CON_DATOS, cpu, sizeof cpu);
    int muda_fallida = 0;
    /* Hasta 14 s: la viva dura ~6 s, y con la máquina a carga 10–16 una solución correcta
     * pasó de los 10 s. Quien no aplica -t a la parada acaba igual en ~9 s, sin su ERROR. */
    while (!cal_termino(x.p) && cal_ahora_ms() < t0 + 14000) {
        cal_peticion_t w[1], wm[2];
        if (cal_registro_ruta(x.s, u, w, 1) > 0)
            break; /* la viva ya terminó */
        if (!muda_fallida) {
            muda_fallida = cal_registro_ruta(x.s, muda, wm, 2) >= 2 && wm[1].abortada;
            cal_esperar_fin(x.p, 50);
            continue;
        }
        int a = desc_abiertos(x.p, &x.c);
        if (a >= 0 && (abiertos < 0 || a < abiertos))
            abiertos = a;
        cal_esperar_fin(x.p, 100);
    }
    x.codigo = desc_fin(x.p, (int)(t0 + 14000 > cal_ahora_ms() ? t0 + 14000 - cal_ahora_ms() : 1));
    uint64_t dur = cal_ahora_ms() - t0;
    int cod2 = desc_fin(p2, 8000);
    int cod3 = p3 != NULL ? desc_fin(p3, 8000) : 0;
    char m3[300] = "";
    int disco_ok = p3 == NULL || desc_linea(p3, "OK", desc_nombre("disco.bin"), l3, sizeof l3);
    int atascada_ok =
        p3 == NULL || desc_linea(p3, "ERROR", desc_nombre("atascada.bin"), l7, sizeof l7);
    if (!disco_ok && desc_linea(p3, "ERROR", desc_nombre("disco.bin"), l3, sizeof l3))
        snprintf(m3, sizeof m3, "dijo «%s»", l3);
    char motivo[768] = "", l[256];
    cal_peticion_t v[3], w[3];
    int n = desc_registro_de(x.s, muda, v, 3);
    int nw = desc_registro_de(x.s, revive, w, 3);
    char ruta_revive[1024], m2[128] = "";
    desc_ruta_en(x.c.dir, desc_nombre("revive.txt"), ruta_revive, sizeof ruta_revive);
    int ok = 1;
    if (x.codigo < 0) {
        snprintf(motivo, sizeof motivo,
                 "no terminó en 14 s (%s gotea 3 bytes en 9 s, uno cada 3 s: con -t %u "
                 "-r 1 tenía que fallar mucho antes)",
                 desc_nombre("parada.bin"), t_ms);
        ok = 0;
    } else if (!desc_acabo(&x, motivo, sizeof motivo)) {
        ok = 0;
    } else if (!desc_linea(x.p, "ERROR", desc_nombre("parada.bin"), l, sizeof l)) {
        snprintf(motivo, sizeof motivo, "falta «ERROR %s …»", desc_nombre("parada.bin"));
        ok = 0;
    } else if (!desc_linea(x.p, "ERROR", desc_nombre("muda.bin"), l, sizeof l) || n < 1 ||
               !v[0].abortada) {
        snprintf(motivo, sizeof motivo,
                 "%s (%s: el servidor no manda ni las cabeceras en %u s) no falló con -t "
                 "%u: -t cuenta desde que sale la petición, no desde el primer byte",
                 desc_nombre("muda.bin"), muda, muda_s, t_ms);
        ok = 0;
    } else if (n < 2 || !v[1].abortada) {
        /* Al menos 2: que se reintenta. Cuántos reintentos son -r N lo juzga reintentos (un
         * reintento de más cuesta una verificación, no tres). */
        snprintf(motivo, sizeof motivo,
                 "%s falló por -t, pero, con -r 1, peticiones suyas que vio el servidor: %d "
                 "(se esperaban 2, las dos cortadas por -t: un -t agotado es un fallo pasajero y "
                 "se reintenta)",
                 desc_nombre("muda.bin"), n);
        ok = 0;
    } else if (nw != 2 || !desc_linea(x.p, "OK", desc_nombre("revive.txt"), l, sizeof l) ||
               !cal_archivo_igual(ruta_revive, "200 OK\n", 7, m2, sizeof m2)) {
        snprintf(motivo, sizeof motivo,
                 "%s (su primer intento calla %u s y el reintento contesta enseguida) no "
                 "acabó en «OK %s …» con -t %u -r 1: peticiones suyas que vio el "
                 "servidor, %d (se esperaban 2)%s%s (un reintento tras un -t agotado empieza de "
                 "nuevo: si contesta, la descarga va bien)",
                 desc_nombre("revive.txt"), muda_s, desc_nombre("revive.txt"), t_ms, nw,
                 m2[0] != '\0' ? "; " : "", m2);
        ok = 0;
    } else if (!desc_archivo_bien(x.c.dir, desc_nombre("viva.bin"), sem, 614400, motivo,
                                  sizeof motivo)) {
        ok = 0;
    } else if (abiertos == -2) {
        snprintf(motivo, sizeof motivo,
                 "no se pudieron mirar los descriptores mientras %s seguía (ella, o el "
                 "programa, terminó antes de que el servidor viera cortados los dos intentos "
                 "de %s)",
                 desc_nombre("viva.bin"), desc_nombre("muda.bin"));
        ok = 0;
    } else if (abiertos < 0 || abiertos > 1) {
        snprintf(motivo, sizeof motivo,
                 "con %s y %s fallidas por -t y solo la viva en curso, descriptores "
                 "abiertos en la carpeta: nunca menos de %d; una descarga que falla por -t también "
                 "cierra su archivo",
                 desc_nombre("parada.bin"), desc_nombre("muda.bin"), abiertos);
        ok = 0;
    } else if (!dormido) {
        snprintf(motivo, sizeof motivo, "mientras esperaba a la red, %s", cpu);
        ok = 0;
    } else if (!atascada_ok) {
        char f7[128];
        snprintf(motivo, sizeof motivo,
                 "con -t %u y un disco lento (cada escritura tarda %u ms), %s (el "
                 "servidor manda algo más de 1 MiB de golpe y después calla 25 s) no falló con "
                 "«ERROR %s …»: %s. Mientras la transferencia está pausada por el "
                 "disco, -t no corre; al quitar la pausa vuelve a contar desde cero y, si no "
                 "llega nada más, vence",
                 t_ms, lento_ms, desc_nombre("atascada.bin"), desc_nombre("atascada.bin"),
                 desc_linea(p3, "OK", desc_nombre("atascada.bin"), l7, sizeof l7) ? "acabó en OK"
                 : cal_termino(p3) ? "falta su línea del resumen"
                                   : desc_como(p3, cod3, f7, sizeof f7));
        ok = 0;
    } else if (p3 != NULL &&
               (!desc_por_si_mismo(p3, cod3, m3, sizeof m3) || !disco_ok ||
                !desc_archivo_bien(c3.dir, desc_nombre("disco.bin"), sem3, tam3, m3, sizeof m3))) {
        snprintf(motivo, sizeof motivo,
                 "con -t %u y un disco lento (cada escritura tarda %u ms), %s (%llu %s "
                 "de una vez) no acabó en «OK %s …» con el archivo entero%s%s: "
                 "mientras la transferencia está pausada porque el disco va detrás, la espera "
                 "es del disco, no de la red, y -t no corre. Y cada uv_fs_write lleva toda la "
                 "cola: un trozo por llamada no se pone al día",
                 t_ms, lento_ms, desc_nombre("disco.bin"), (unsigned long long)tam3,
                 texto_plural((long long)tam3, "byte servido", "bytes servidos"),
                 desc_nombre("disco.bin"), m3[0] != '\0' ? ": " : "", m3);
        ok = 0;
    } else if (!desc_por_si_mismo(p2, cod2, motivo, sizeof motivo) ||
               desc_tam_archivo(c2.dir, desc_nombre("paciente.bin")) <= 0) {
        size_t k = strlen(motivo);
        snprintf(motivo + k, sizeof motivo - k,
                 "%ssin -t, /delay/2 no acabó en %s (el servidor tarda 2 s en "
                 "contestar, y -t vale 10 000 ms por omisión)",
                 k > 0 ? "; " : "", desc_nombre("paciente.bin"));
        ok = 0;
    }
    if (ok) {
        cal_obtenido("con -t %u -r 1, la que se queda sin datos y la que no contesta (reintentada) "
                     "fallan a tiempo y cierran su archivo, la que revive en su reintento y la "
                     "viva terminan (%.1f s en total); sin -t, una respuesta que tarda 2 s "
                     "termina bien%s",
                     t_ms, (double)dur / 1000.0,
                     p3 != NULL ? "; con el disco lento, -t no corre durante la pausa" : "");
        cal_nota("CPU: %s.", cpu);
    } else {
        cal_obtenido("%s", motivo);
    }
    if (!ok) {
        cal_nota_salida(x.p, 8);
        cal_nota_salida(p2, 4);
        if (p3 != NULL)
            cal_nota_salida(p3, 4);
    }
    CAL_FIN(ok);
}

/* Las esperas entre los intentos de las que se reintentan (`v[k][0..3]`: tres fallos y el
 * bueno). El intento n+1 sale tras 200·2ⁿ⁻¹ ms más un azar de hasta la mitad; el retraso de
 * la máquina solo las alarga, pero el registro anota el final de una respuesta un poco
 * después de que el programa la pueda leer. Por abajo, las dos primeras con la holgura de
 * siempre (150 y 300) y la tercera al 92 % de 800: una espera lineal (600–900 ms antes del
 * cuarto intento) se queda corta en alguna de las K casi siempre. Por arriba, solo la más
 * corta de las primeras esperas (200–300 ms): la máquina tendría que retrasarlas todas a la
 * vez; una que empieza en 400 nunca baja de ahí. Y el azar: que no esperen todas lo mismo
 * (abajo). 1 si casan. */
static int esperas_bien(cal_peticion_t (*v)[4], int k, char *motivo, size_t t)
{
    static const uint64_t base[3] = {150, 300, 736};
    uint64_t min_primera = UINT64_MAX;
    for (int i = 0; i < k; i++) {
        for (int n = 0; n < 3; n++) {
            uint64_t e =
                v[i][n + 1].inicio_ms > v[i][n].fin_ms ? v[i][n + 1].inicio_ms - v[i][n].fin_ms : 0;
            if (e < base[n]) {
                char papel[16];
                snprintf(papel, sizeof papel, "v%d.txt", i);
                snprintf(motivo, t,
                         "%s: %llu ms de espera antes del intento %d (al menos ~%d: "
                         "200·2ⁿ⁻¹ ms, cada una el doble que la anterior, más el azar)",
                         desc_nombre(papel), (unsigned long long)e, n + 2, 200 << n);
                return 0;
            }
            if (n == 0 && e < min_primera)
                min_primera = e;
        }
    }
    if (min_primera > 380) {
        snprintf(
            motivo, t,
            "la más corta de las primeras esperas (%d) fue de %llu ms: el primer reintento sale "
            "tras 200–300 ms (200 ms más un azar de hasta la mitad), no tras 400",
            k, (unsigned long long)min_primera);
        return 0;
    }
    /* El azar: cada espera suma el suyo, hasta la mitad de su base (100, 200 y 400 ms de
     * margen). Con K = 12 descargas a la vez, lo que va de la más corta a la más larga de
     * cada espera se queda por debajo de 3/8 de ese margen una vez en unas seis mil; sin
     * azar, todas esperan lo mismo y solo las separa el retraso de la máquina. Vale con la
     * tercera (150 de 400 ms) o con la primera y la segunda a la vez (38 y 75): una máquina
     * muy cargada separa las esperas unas decenas de ms, y así tendría que separarlas 150
     * en la tercera, o a la vez en las otras dos. La solución falla 1 vez en ~20 millones. */
    uint64_t dif[3];
    for (int n = 0; n < 3; n++) {
        uint64_t lo = UINT64_MAX, hi = 0;
        for (int i = 0; i < k; i++) {
            uint64_t e =
                v[i][n + 1].inicio_ms > v[i][n].fin_ms ? v[i][n + 1].inicio_ms - v[i][n].fin_ms : 0;
            lo = e < lo ? e : lo;
            hi = e > hi ? e : hi;
        }
        dif[n] = hi - lo;
    }
    int con_azar = dif[2] >= 150 || (dif[0] >= 38 && dif[1] >= 75);
    if (k >= 8 && !con_azar) {
        snprintf(motivo, t,
                 "las %d esperaron casi lo mismo antes de cada reintento (entre la más corta y la "
                 "más larga de cada espera, solo %llu, %llu y %llu ms): falta el azar de hasta la "
                 "mitad "
                 "(200–300 ms, 400–600 ms, 800–1200 ms; no 200, 400 y 800 para todas)",
                 k, (unsigned long long)dif[0], (unsigned long long)dif[1],
                 (unsigned long long)dif[2]);
        return 0;
    }
    snprintf(motivo, t,
             "esperas de al menos ~200, ~400 y ~800 ms en las %d (la primera, desde %llu ms; "
             "entre la más corta y la más larga de cada espera, %llu, %llu y %llu ms: con azar)",
             k, (unsigned long long)min_primera, (unsigned long long)dif[0],
             (unsigned long long)dif[1], (unsigned long long)dif[2]);
    return 1;
}

CAL_PRUEBA(reintentos, 30)
static void reintentos(void)
{
    cal_esperado(
        "con -r 3, varias URL que dan un 5xx tres veces y luego 200: cuatro peticiones cada una, "
        "con esperas entre ellas de al menos ~200, ~400 y ~800 ms (espera exponencial, desde "
        "200–300 ms la primera), y OK al final, con los segundos de toda la descarga "
        "(reintentos incluidos). Una descarga cuyas dos primeras peticiones "
        "reciben un 503 con una página de error en el cuerpo acaba OK con el archivo exacto "
        "(la página no es del archivo). Otras que dan un 4xx (también un 408 o un 429) "
        "no se reintentan: una sola petición y «ERROR …»; y, aparte, con -r 6, una conexión "
        "rechazada tampoco: «ERROR …» enseguida, sin esperas; y sin -r, un corte no se "
        "reintenta (0 por omisión)");
    enum { K = 12 };
    char r[K][48], r4[48], r5[48];
    for (int k = 0; k < K; k++)
        if (cal_ruta_opaca(r[k], sizeof r[k]) < 0)
            CAL_FIN(0);
    if (cal_ruta_opaca(r4, sizeof r4) < 0 || cal_ruta_opaca(r5, sizeof r5) < 0)
        CAL_FIN(0);
    /* Qué 5xx (uno por descarga) y qué 4xx, al azar en cada calificación. Todo 5xx es un
     * fallo pasajero: las cuatro primeras reciben uno de los raros (501, o de 505 a 599), que
     * quien solo reintenta 500, 502, 503 y 504 no reintenta (el estudiante de prueba de la
     * sesión 33: 100/100 antes); las demás, de los comunes. El 408 o el 429 (que la lección 8
     * reintenta con otras reglas) es un 4xx más para el enunciado: no se reintenta. */
    static const int e5[] = {500, 502, 503, 504}, e4[] = {403, 404, 410}, e4t[] = {408, 429};
    int err5[K], err4 = e4[(uint64_t)cal_azar(0, 2)], err4t = e4t[(uint64_t)cal_azar(0, 1)];
    for (int k = 0; k < K; k++) {
        int raro = (int)cal_azar(504, 599);
        err5[k] = k < 4 ? (raro == 504 ? 501 : raro) : e5[(uint64_t)cal_azar(0, 3)];
    }
    char guion[2048];
    size_t g = 0;
    for (int k = 0; k < K; k++)
        g += (size_t)snprintf(guion + g, sizeof guion - g,
                              "%s\"%s\": {\"pasos\": [{\"estado\": %d, \"veces\": 3}], "
                              "\"despues\": {\"estado\": 200}}",
                              k == 0 ? "{" : ", ", r[k], err5[k]);
    snprintf(guion + g, sizeof guion - g,
             ", \"%s\": {\"despues\": {\"estado\": %d}}, \"%s\": {\"despues\": {\"estado\": %d}}}",
             r4, err4, r5, err4t);
    cal_servidor_t *s = NULL;
    carpeta_t c;
    if (cal_servidor_guion(guion, &s) < 0 || desc_carpeta(&c) < 0)
        CAL_FIN(0);
    char b[K][200], b4[200], b5[200], b6[240], u6[160], extra6[64];
    /* pagina.bin: dos 503 con una página de error en el cuerpo y después los bytes (con
     * Range, desde donde se pida). Quien escribe esa página en el .parte pide el reintento
     * desde su final y junta la página con el resto. */
    uint64_t sem6 = desc_semilla_nueva(), tam6 = (uint64_t)cal_azar(200000, 300000);
    snprintf(extra6, sizeof extra6, "&fallos=2&id=pag%llu", (unsigned long long)sem6);
    desc_bytes_url(u6, sizeof u6, tam6, sem6, extra6);
    /* Varias que necesitan 3 reintentos cada una: -r 3 es por descarga, no para todas; y
     * todas a la vez (-c 16) dan varias muestras de cada espera sin alargar la corrida. */
    const char *args[K + 8] = {"-r", "3", "-c", "16"};
    for (int k = 0; k < K; k++) {
        char papel[16];
        snprintf(papel, sizeof papel, "v%d.txt", k);
        const char *nombre = desc_nombre(papel);
        args[4 + k] = desc_arg(b[k], sizeof b[k], nombre, r[k]);
    }
    args[4 + K] = desc_arg(b4, sizeof b4, desc_nombre("no.txt"), r4);
    args[5 + K] = desc_arg(b5, sizeof b5, desc_nombre("no2.txt"), r5);
    args[6 + K] = desc_arg(b6, sizeof b6, desc_nombre("pagina.bin"), u6);
    args[7 + K] = NULL;
    cal_proceso_t *p = desc_lanzar(s, &c, args, 20, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* A la vez, otra corrida: una conexión rechazada con -r 6. Reintentarla espera al menos
     * 200 + 400 + 800 + 1600 + 3200 ms; sin reintentos acaba en milisegundos, y con la máquina
     * a carga 10–16 una solución correcta tardó hasta ~3 s (con -r 4 y el corte en 2 s perdía
     * la verificación): el corte en 4.5 s deja margen a los dos lados. No hay servidor que
     * registre nada: se mide el tiempo del proceso. */
    carpeta_t c2, c3;
    char rech[200], urech[96], cort[200], ucort[128];
    snprintf(urech, sizeof urech, "http://127.0.0.1:%d/rechazada", cal_puerto_cerrado());
    const char *args2[] = {"-r", "6",
                           desc_arg(rech, sizeof rech, desc_nombre("rechazada.bin"), urech), NULL};
    cal_proceso_t *p2 = desc_carpeta(&c2) == 0 ? desc_lanzar(s, &c2, args2, 20, 0, 0) : NULL;
    /* Y otra sin -r: un corte no se reintenta (0 reintentos por omisión). */
    desc_bytes_url(ucort, sizeof ucort, 300000, desc_semilla_nueva(), "&cortar=100000");
    const char *args3[] = {desc_arg(cort, sizeof cort, desc_nombre("cortada.bin"), ucort), NULL};
    cal_proceso_t *p3 = desc_carpeta(&c3) == 0 ? desc_lanzar(s, &c3, args3, 20, 0, 0) : NULL;
    if (p2 == NULL || p3 == NULL)
        CAL_FIN(0);
    int cod = desc_fin(p, 15000);
    /* Quien reintenta la rechazada tarda de 6.2 a 9.3 s: se le espera hasta el final, para
     * decirle cuánto tardó. */
    int cod2 = desc_fin(p2, 12000);
    int cod3 = desc_fin(p3, 8000);
    cal_peticion_t v[K][4], v4[8], v5[8], v3[4], v6[4];
    int n[K];
    int n6 = desc_registro_de(s, u6, v6, 4);
    for (int k = 0; k < K; k++)
        n[k] = desc_registro_de(s, r[k], v[k], 4);
    int n4 = desc_registro_de(s, r4, v4, 8), n5 = desc_registro_de(s, r5, v5, 8);
    int n3 = desc_registro_de(s, ucort, v3, 4);
    uint64_t dur2 = cod2 >= 0 ? cal_terminado_ms(p2) - cal_lanzado_ms(p2) : 0;
    char motivo[768] = "", l[256];
    int ok = desc_por_si_mismo(p, cod, motivo, sizeof motivo);
    for (int k = 0; k < K && ok; k++) {
        char papel[16];
        snprintf(papel, sizeof papel, "v%d.txt", k);
        const char *nombre = desc_nombre(papel);
        if (n[k] != 4 || v[k][0].estado != err5[k] || v[k][1].estado != err5[k] ||
            v[k][2].estado != err5[k] || v[k][3].estado != 200 ||
            !desc_linea(p, "OK", nombre, l, sizeof l)) {
            char fin[128];
            if (!desc_linea(p, "ERROR", nombre, l, sizeof l) && n[k] < 4)
                /* Sin línea suya: el programa acabó con ella a medias (el estudiante de prueba
                 * de la sesión 46 liberaba dos veces la plaza de un 4xx, y leía que -r cuenta
                 * para todas juntas). */
                snprintf(motivo, sizeof motivo,
                         "%s: el programa acabó (%s) sin escribir su línea, con %d de sus cuatro "
                         "peticiones hechas (%d, %d, %d y 200): " DESC_ACTIVAS_A_CERO,
                         nombre, desc_como(p, cod, fin, sizeof fin), n[k], err5[k], err5[k],
                         err5[k]);
            else
                snprintf(
                    motivo, sizeof motivo,
                    "%s: peticiones que vio el servidor, %d; se esperaban cuatro (%d, %d, %d y "
                    "200) y un OK al final: todo 5xx es un fallo pasajero, también un %d, y -r 3 "
                    "son 3 reintentos para cada descarga, no para todas juntas%s",
                    nombre, n[k], err5[k], err5[k], err5[k], err5[k],
                    n[k] < 4 ? ". O el programa acabó con ella aún esperando un "
                               "reintento: " DESC_ACTIVAS_A_CERO
                             : "");
            ok = 0;
        } else {
            char ruta[1024], m2[128];
            desc_ruta_en(c.dir, nombre, ruta, sizeof ruta);
            /* Los segundos del OK cuentan desde que la descarga ocupa su plaza (con -c 16,
             * desde el principio), reintentos incluidos: nunca menos que del inicio de su
             * primera petición al final de la última, según el servidor (0.1 s de holgura:
             * el registro va en ms enteros, y un OK con un decimal de menos, que ya pierde
             * continuar_206, no debe perder esta también). Contarlos desde el último intento
             * daba unos milisegundos en vez de más de 1.4 s. */
            double segundos = desc_segundos_ok(p, nombre),
                   servida = (double)(v[k][3].fin_ms - v[k][0].inicio_ms) / 1000.0;
            if (!cal_archivo_igual(ruta, "200 OK\n", 7, m2, sizeof m2)) {
                snprintf(motivo, sizeof motivo, "%s: %s", nombre, m2);
                ok = 0;
            } else if (segundos < servida - 0.1) {
                snprintf(motivo, sizeof motivo,
                         "%s: su OK dice %.2f s, y entre su primera petición y el final de la "
                         "cuarta pasaron %.2f s según el servidor: los segundos del OK cuentan "
                         "desde que la descarga ocupa su plaza, con sus reintentos, no desde el "
                         "último intento",
                         nombre, segundos, servida);
                ok = 0;
            }
        }
    }
    if (!ok) {
    } else if (n4 != 1) {
        snprintf(motivo, sizeof motivo,
                 "%s: el servidor vio %d %s con estado %d (un 4xx no es un fallo "
                 "pasajero: no se reintenta)",
                 desc_nombre("no.txt"), n4, texto_plural(n4, "petición", "peticiones"), err4);
        ok = 0;
    } else if (!desc_linea(p, "ERROR", desc_nombre("no.txt"), l, sizeof l)) {
        snprintf(motivo, sizeof motivo, "falta «ERROR %s …» (el servidor dio %d)",
                 desc_nombre("no.txt"), err4);
        ok = 0;
    } else if (n5 != 1 || !desc_linea(p, "ERROR", desc_nombre("no2.txt"), l, sizeof l)) {
        snprintf(motivo, sizeof motivo,
                 "%s: peticiones con estado %d que vio el servidor, %d (se esperaba una y "
                 "«ERROR %s …»: en este laboratorio solo se reintentan un 5xx, un corte y un "
                 "-t agotado; un %d es un 4xx más)",
                 desc_nombre("no2.txt"), err4t, n5, desc_nombre("no2.txt"), err4t);
        ok = 0;
    } else if (n6 != 3 || v6[0].estado != 503 || v6[1].estado != 503) {
        snprintf(motivo, sizeof motivo,
                 "«%s» (dos 503 con una página de error en el cuerpo, y después los "
                 "bytes): el servidor vio %d %s (se esperaban tres: 503, 503 y la "
                 "buena; con -r 3, un 503 se reintenta)",
                 desc_nombre("pagina.bin"), n6, texto_plural(n6, "petición", "peticiones"));
        ok = 0;
    } else if (!desc_linea(p, "OK", desc_nombre("pagina.bin"), l, sizeof l)) {
        int en_error = desc_linea(p, "ERROR", desc_nombre("pagina.bin"), l, sizeof l);
        snprintf(motivo, sizeof motivo,
                 "«%s» (dos 503 con una página de error en el cuerpo, y después los "
                 "bytes): %s%s%s. El cuerpo de un 503 no es parte del archivo: no se escribe en "
                 "el .parte, y el reintento pide desde lo que sí lo es",
                 desc_nombre("pagina.bin"), en_error ? "acabó en «" : "falta su línea del resumen",
                 en_error ? l : "", en_error ? "»" : "");
        ok = 0;
    } else if (!desc_archivo_bien(c.dir, desc_nombre("pagina.bin"), sem6, tam6, motivo,
                                  sizeof motivo)) {
        size_t u = strlen(motivo);
        snprintf(motivo + u, sizeof motivo - u,
                 " (%s: el cuerpo de un 503 es una página de error, no parte del archivo: "
                 "no se escribe en el .parte, y el reintento pide desde lo que sí es del archivo)",
                 desc_nombre("pagina.bin"));
        ok = 0;
    } else if (!desc_por_si_mismo(p2, cod2, motivo, sizeof motivo)) {
        size_t u = strlen(motivo);
        snprintf(motivo + u, sizeof motivo - u, " (la ejecución aparte con %s y -r 6)", urech);
        ok = 0;
    } else if (!desc_linea(p2, "ERROR", desc_nombre("rechazada.bin"), l, sizeof l) || dur2 > 4500) {
        snprintf(motivo, sizeof motivo,
                 "con -r 6 y %s (conexión rechazada: no hay servidor), tardó %llu ms en acabar%s: "
                 "se espera «ERROR %s …» en menos de 4.5 s (reintentarla espera al menos 6.2 s), "
                 "porque una conexión rechazada no se reintenta (esperar no la arregla)",
                 urech, (unsigned long long)dur2,
                 desc_linea(p2, "ERROR", desc_nombre("rechazada.bin"), l, sizeof l)
                     ? ""
                     : " y falta su línea «ERROR …»",
                 desc_nombre("rechazada.bin"));
        ok = 0;
    } else if (!desc_por_si_mismo(p3, cod3, motivo, sizeof motivo) || n3 != 1) {
        size_t u = strlen(motivo);
        snprintf(
            motivo + u, sizeof motivo - u,
            "%ssin -r, peticiones de una descarga cortada que vio el servidor: %d (se esperaba "
            "una: sin -r no se reintenta nada, son 0 reintentos por omisión)",
            u > 0 ? "; " : "", n3);
        ok = 0;
    } else {
        ok = esperas_bien(v, K, motivo, sizeof motivo);
    }
    cal_obtenido("%s", motivo);
    if (!ok) {
        cal_nota_salida(p, 8);
        cal_nota_salida(p2, 4);
        cal_nota_salida(p3, 4);
    }
    CAL_FIN(ok);
}

/* 1 si cada reintento de `v` (las peticiones 2.ª y siguientes) pidió «Range: bytes=<desde>-»:
 * lo que el .parte ya tenía, porque el servidor corta siempre en `desde`. Un reintento que
 * pide «bytes=0-» recibe un 206 desde el principio, y quien vacía el .parte y lo reescribe
 * deja los mismos bytes: solo la cabecera dice que no continuó. Si no, 0 y el motivo. */
static int reintentos_desde(const cal_peticion_t *v, int n, uint64_t desde, const char *nombre,
                            char *motivo, size_t t)
{
    for (int i = 1; i < n; i++) {
        if (desc_rango_desde(v[i].rango) != (long long)desde) {
            snprintf(motivo, t,
                     "%s: el servidor cortó en el byte %llu, y el reintento %d pidió %s%s%s (se "
                     "esperaba «Range: bytes=%llu-»: un reintento continúa desde lo que ya "
                     "tiene el .parte, no desde el principio)",
                     nombre, (unsigned long long)desde, i, v[i].rango[0] ? "«Range: " : "",
                     v[i].rango[0] ? v[i].rango : "sin Range", v[i].rango[0] ? "»" : "",
                     (unsigned long long)desde);
            return 0;
        }
    }
    return 1;
}

/* Lo que tarda cada uv_fs_write de lenta.bin: más que la espera más larga del primer
 * reintento (300 ms), así que el reintento de quien no espera a vaciar la cola sale con la
 * primera escritura aún en curso. */
#define REINTENTO_LENTO_MS 400

CAL_PRUEBA(reintento_continua, 30)
static void reintento_continua(void)
{
    cal_esperado("con -r 2, una descarga que el servidor corta siempre en el mismo byte se "
                 "reintenta pidiendo Range desde donde se quedó (206), y al rendirse deja el "
                 ".parte con esos bytes. Otra, cortada una vez, recibe en su reintento un 206 "
                 "honesto que acaba antes del total: ERROR, sin nombre final ni otro intento "
                 "(una longitud que no casa no se reintenta) y el .parte con lo recibido. Y con "
                 "el disco lento, el reintento pide desde todo lo recibido, ya escrito");
    carpeta_t c;
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0 || desc_carpeta(&c) < 0)
        CAL_FIN(0);
    uint64_t sem[2] = {desc_semilla_nueva(), desc_semilla_nueva()};
    uint64_t corte = (uint64_t)cal_azar(150000, 350000), tam = (uint64_t)cal_azar(500000, 800000);
    /* corto.bin: cortada en c; su reintento (Range desde c) es un 206 completo que acaba en
     * k < tam, sin Repr-Digest: solo la longitud lo delata, y cada intento mira la suya. */
    uint64_t c2 = (uint64_t)cal_azar(100000, 200000), k2 = (uint64_t)cal_azar(300000, 400000);
    char u[2][128], b[2][200], extra[2][64];
    snprintf(extra[0], sizeof extra[0], "&cortar=%llu", (unsigned long long)corte);
    desc_bytes_url(u[0], sizeof u[0], tam, sem[0], extra[0]);
    snprintf(extra[1], sizeof extra[1], "&cortar=%llu&corto=%llu&digest=no", (unsigned long long)c2,
             (unsigned long long)k2);
    desc_bytes_url(u[1], sizeof u[1], (uint64_t)cal_azar(500000, 800000), sem[1], extra[1]);
    const char *args[] = {"-r", "2", desc_arg(b[0], sizeof b[0], desc_nombre("k.bin"), u[0]),
                          desc_arg(b[1], sizeof b[1], desc_nombre("corto.bin"), u[1]), NULL};
    cal_proceso_t *p = desc_lanzar(s, &c, args, 20, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* lenta.bin, a la vez y en otro proceso, con el disco lento (cada uv_fs_write tarda
     * REINTENTO_LENTO_MS, más que la espera del primer reintento): el corte llega con casi todo
     * lo recibido aún en la cola. El reintento sale cuando la cola ya está en el disco, y su
     * Range es todo lo recibido. Quien lo programa al acabar la transferencia pide desde lo
     * escrito hasta entonces, y los mismos bytes llegan dos veces al .parte (el estudiante de
     * prueba de la sesión 46: 2 962 264 bytes en un .parte que no pasaba de 2 000 000). Con
     * el disco rápido, la cola se vacía mucho antes de los 200 ms. Mutante: reintenta_sin_vaciar.
     */
    carpeta_t c3;
    cal_proceso_t *p3 = NULL;
    uint64_t sem3 = desc_semilla_nueva(), c3_corte = (uint64_t)cal_azar(100000, 150000);
    char u3[128], b3[200], extra3[64];
    snprintf(extra3, sizeof extra3, "&cortar=%llu", (unsigned long long)c3_corte);
    desc_bytes_url(u3, sizeof u3, (uint64_t)cal_azar(300000, 500000), sem3, extra3);
    const char *args3[] = {"-r", "1", desc_arg(b3, sizeof b3, desc_nombre("lenta.bin"), u3), NULL};
    if (!desc_lanzar_disco_lento(s, &c3, args3, REINTENTO_LENTO_MS,
                                 "el reintento espera a que lo recibido esté en el disco", &p3))
        CAL_FIN(0);
    int cod = desc_fin(p, 12000);
    int cod3 = p3 != NULL ? desc_fin(p3, 15000) : 0;
    cal_peticion_t v[8], w[8], z[8];
    int n = desc_registro_de(s, u[0], v, 8), m = desc_registro_de(s, u[1], w, 8);
    int n3 = p3 != NULL ? desc_registro_de(s, u3, z, 8) : 0;
    char motivo[1024] = "", l[256];
    int ok = 1;
    if (!desc_por_si_mismo(p, cod, motivo, sizeof motivo)) {
        ok = 0;
    } else if (n < 3 || v[0].estado != 200 || v[1].estado != 206 || v[2].estado != 206 ||
               (n > 3 && v[3].estado != 206)) {
        /* Al menos 3 (200 y dos 206): cuántos reintentos son -r N lo juzga reintentos. */
        char estados[64] = "";
        size_t u = 0;
        for (int i = 0; i < n && i < 6 && u < sizeof estados; i++) {
            int w =
                snprintf(estados + u, sizeof estados - u, "%s%d", i > 0 ? " " : "", v[i].estado);
            if (w > 0)
                u += (size_t)w;
        }
        snprintf(motivo, sizeof motivo,
                 "%s: el servidor vio %d %s%s%s (se esperaban 200 y dos 206: cada reintento "
                 "continúa con Range)",
                 desc_nombre("k.bin"), n, n == 1 ? "petición" : "peticiones",
                 n > 0 ? ", con estados " : "", estados);
        ok = 0;
    } else if (!reintentos_desde(v, n, corte, desc_nombre("k.bin"), motivo, sizeof motivo)) {
        ok = 0;
    } else if (!desc_archivo_bien(c.dir, desc_nombre("k.bin.parte"), sem[0], corte, motivo,
                                  sizeof motivo)) {
        ok = 0;
    } else if (desc_tam_archivo(c.dir, desc_nombre("corto.bin")) >= 0 ||
               !desc_linea(p, "ERROR", desc_nombre("corto.bin"), l, sizeof l)) {
        snprintf(motivo, sizeof motivo,
                 "%s se cortó en el byte %llu y su reintento recibió un 206 honesto que "
                 "acababa en el byte %llu, antes del total: %s (cada intento compara su "
                 "longitud con el total de su Content-Range)",
                 desc_nombre("corto.bin"), (unsigned long long)c2, (unsigned long long)k2,
                 desc_tam_archivo(c.dir, desc_nombre("corto.bin")) >= 0
                     ? "llegó a su nombre final"
                     : "falta su línea «ERROR …»");
        ok = 0;
    } else if (m != 2 || w[1].estado != 206) {
        snprintf(motivo, sizeof motivo,
                 "%s: peticiones que vio el servidor, %d (se esperaban 2: la cortada y un "
                 "reintento 206; una longitud que no casa no se reintenta)",
                 desc_nombre("corto.bin"), m);
        ok = 0;
    } else if (!reintentos_desde(w, m, c2, desc_nombre("corto.bin"), motivo, sizeof motivo)) {
        ok = 0;
    } else {
        ok = desc_archivo_bien(c.dir, desc_nombre("corto.bin.parte"), sem[1], k2, motivo,
                               sizeof motivo);
    }
    int ok3 = 1;
    if (ok && p3 != NULL) {
        long long desde = n3 >= 2 ? desc_rango_desde(z[1].rango) : -1;
        if (!desc_por_si_mismo(p3, cod3, motivo, sizeof motivo)) {
            ok3 = 0;
        } else if (n3 != 2 || z[0].estado != 200 || desde != (long long)c3_corte) {
            char pidio[200];
            if (n3 < 2)
                snprintf(pidio, sizeof pidio, "no hubo reintento");
            else
                snprintf(pidio, sizeof pidio, "el reintento pidió %s%s%s",
                         z[1].rango[0] ? "«Range: " : "sin Range", z[1].rango,
                         z[1].rango[0] ? "»" : "");
            snprintf(motivo, sizeof motivo,
                     "con el disco lento (cada uv_fs_write tarda %u ms más) y -r 1, %s se cortó "
                     "en el byte %llu y el servidor vio %d %s: %s. Se esperaba un reintento "
                     "con «Range: bytes=%llu-» (todo lo recibido), que sale cuando ya está en "
                     "el disco; si sale antes de vaciar la cola, pide desde lo escrito hasta "
                     "entonces y esos bytes llegan dos veces al .parte",
                     REINTENTO_LENTO_MS, desc_nombre("lenta.bin"), (unsigned long long)c3_corte, n3,
                     n3 == 1 ? "petición" : "peticiones", pidio, (unsigned long long)c3_corte);
            ok3 = 0;
        } else {
            ok3 = desc_archivo_bien(c3.dir, desc_nombre("lenta.bin.parte"), sem3, c3_corte, motivo,
                                    sizeof motivo);
        }
    }
    if (ok && ok3)
        cal_obtenido("200 cortado y dos reintentos 206 desde el byte %llu; el reintento corto, "
                     "ERROR con el .parte hasta el byte %llu%s",
                     (unsigned long long)corte, (unsigned long long)k2,
                     p3 != NULL ? "; con el disco lento, el reintento pidió desde todo lo "
                                  "recibido"
                                : "");
    else
        cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 8);
    else if (!ok3)
        cal_nota_salida(p3, 8);
    CAL_FIN(ok && ok3);
}
