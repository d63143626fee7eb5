/* tiempos.c — verificaciones del laboratorio 10 de concurrencia y tiempos, leídas del
 * registro del servidor: todo a la vez, como mucho -c en curso, el corte por -t y el límite
 * que cuenta desde que sale cada petición. Los retrasos cambian en cada calificación, y en
 * cada una los números tienen que ser los que sirvió el servidor (leídos de la respuesta). */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <ctype.h>
#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tres proveedores en °C que tardan `retraso` (ya escrito con con_retraso). */
static void tres_lentos(prov_t provs[3], const char *retraso)
{
    provs[0] = (prov_t){"a", "openweather", retraso, "main.temp", "C", BIEN};
    provs[1] = (prov_t){"b", "weatherapi", retraso, "current.temp_c", "C", BIEN};
    provs[2] = (prov_t){"c", "openmeteo", retraso, "current_weather.temperature", "C", BIEN};
}

/* Anota cada petición del registro (para los mensajes). */
static void notar_registro(const esc_t *e, const cal_peticion_t *v, int n)
{
    for (int i = 0; i < n && i < 12; i++)
        cal_nota("petición %d: %lld–%lld ms %s (estado %d)", i + 1,
                 (long long)(v[i].inicio_ms - cal_lanzado_ms(e->p)),
                 (long long)(v[i].fin_ms - cal_lanzado_ms(e->p)), v[i].ruta, v[i].estado);
}

CAL_PRUEBA(concurrencia, 30)
static void concurrencia(void)
{
    char retraso[48];
    int ms = (int)cal_azar(500, 800);
    clima_con_retraso(retraso, sizeof retraso, ms, NULL);
    prov_t provs[3];
    tres_lentos(provs, retraso);
    esc_t e = {.ciudades = clima_dos_ciudades, .nciudades = 2, .provs = provs, .nprovs = 3};
    cal_esperado("dos ciudades × tres proveedores que tardan %.1f s cada uno (-c 10): según el "
                 "registro del servidor, las seis peticiones se solapan (todas empiezan antes "
                 "de que acabe la primera), y cada línea tiene el número que sirvió el servidor",
                 ms / 1000.0);
    if (clima_preparar(&e) < 0 || clima_lanzar(&e, NULL, 0, 12) < 0)
        CAL_FIN(0);
    cal_esperar_fin(e.p, 8000);
    const cal_peticion_t *v;
    int n = clima_registro_esperar(&e, 6, 1000, &v);
    uint64_t ultimo_inicio = 0, primer_fin = UINT64_MAX;
    for (int i = 0; i < n; i++) {
        if (v[i].inicio_ms > ultimo_inicio)
            ultimo_inicio = v[i].inicio_ms;
        if (v[i].fin_ms < primer_fin)
            primer_fin = v[i].fin_ms;
    }
    if (n < 6) {
        cal_obtenido("el servidor solo registró %d de las 6 peticiones", n);
        cal_nota_salida(e.p, 10);
        CAL_FIN(0);
    }
    if (ultimo_inicio >= primer_fin) {
        cal_obtenido("no van a la vez: la última empezó %llu ms después de que terminara la "
                     "primera (como mucho %d a la vez)",
                     (unsigned long long)(ultimo_inicio - primer_fin), clima_max_solapadas(v, n));
        notar_registro(&e, v, n);
        CAL_FIN(0);
    }
    int ok = clima_numeros_leidos(&e);
    if (ok)
        cal_obtenido("todas las peticiones (%d) se solapan y los números son los del servidor", n);
    CAL_FIN(ok);
}

CAL_PRUEBA(limite_c, 30)
static void limite_c(void)
{
    static const char *const ciudades[] = {"Lima", "Oslo", "Roma"};
    char retraso[48], tope[8];
    int ms = (int)cal_azar(250, 400), c = (int)cal_azar(2, 3);
    clima_con_retraso(retraso, sizeof retraso, ms, NULL);
    snprintf(tope, sizeof tope, "%d", c);
    prov_t provs[3];
    tres_lentos(provs, retraso);
    esc_t e = {.ciudades = ciudades, .nciudades = 3, .provs = provs, .nprovs = 3};
    cal_esperado("tres ciudades × tres proveedores que tardan %.2f s, con -c %d: según el "
                 "registro, peticiones en curso a la vez: nunca más de %d, y alguna vez %d (el "
                 "tope se aprovecha); las nueve llegan y sus números son los del servidor",
                 ms / 1000.0, c, c, c);
    const char *op[] = {"-c", tope, NULL};
    if (clima_preparar(&e) < 0 || clima_lanzar(&e, op, 0, 15) < 0)
        CAL_FIN(0);
    cal_esperar_fin(e.p, 10000);
    const cal_peticion_t *v;
    int n = clima_registro_esperar(&e, 9, 1000, &v);
    int m = clima_max_solapadas(v, n);
    if (n != 9) {
        cal_obtenido("el servidor registró %d de las 9 peticiones", n);
        notar_registro(&e, v, n);
        cal_nota_salida(e.p, 10);
        CAL_FIN(0);
    }
    if (m != c) {
        cal_obtenido("peticiones en curso a la vez, como mucho: %d; tenían que llegar a ser justo "
                     "%d (el tope de -c, sin pasarlo)",
                     m, c);
        notar_registro(&e, v, n);
        CAL_FIN(0);
    }
    int ok = clima_numeros_leidos(&e);
    if (ok)
        cal_obtenido("como mucho %d %s a la vez y los números son los del servidor", m,
                     texto_plural(m, "petición", "peticiones"));
    CAL_FIN(ok);
}

/* Un tiempo escrito en el motivo, en ms: cifras con un separador como mucho («3000», «3.000»,
 * «0,65») y una unidad detrás, con espacio o sin él: ms o milisegundos, s o segundos. En *paso,
 * lo que vale una unidad de su última cifra (en ms): «0.7 s» es 650 redondeado. «650.412 ms»
 * se lee de las dos maneras: 650412 en *ms (el separador de los miles) y 650.412 en *otra;
 * si no hay duda, *otra es *ms. Devuelve cuántos bytes leyó, o 0 si en `p` no empieza un
 * tiempo. */
static size_t leer_tiempo(const char *p, double *ms, double *otra, double *paso)
{
    const char *q = p;
    double entero = 0.0, fraccion = 0.0, escala = 1.0;
    int decimales = -1;
    while (*q >= '0' && *q <= '9')
        entero = entero * 10.0 + (*q++ - '0');
    if ((*q == '.' || *q == ',') && q[1] >= '0' && q[1] <= '9') {
        decimales = 0;
        for (q++; *q >= '0' && *q <= '9'; q++, decimales++) {
            escala /= 10.0;
            fraccion += (*q - '0') * escala;
        }
    }
    const char *u = *q == ' ' ? q + 1 : q;
    static const struct {
        const char *nombre;
        double ms;
    } unidades[] = {
        {"milisegundos", 1.0}, {"ms", 1.0}, {"segundos", 1000.0}, {"seg", 1000.0}, {"s", 1000.0}};
    for (size_t i = 0; i < sizeof unidades / sizeof unidades[0]; i++) {
        size_t n = strlen(unidades[i].nombre);
        if (strncmp(u, unidades[i].nombre, n) != 0 || isalpha((unsigned char)u[n]))
            continue;
        *ms = (entero + fraccion) * unidades[i].ms;
        *otra = *ms;
        *paso = unidades[i].ms * (decimales > 0 ? escala : 1.0);
        if (unidades[i].ms == 1.0 && decimales == 3) {
            /* «3.000 ms»: el separador de los miles, o tres decimales. */
            *ms = entero * 1000.0 + fraccion * 1000.0;
            *paso = 1.0;
        }
        return (size_t)(u + n - p);
    }
    return 0;
}

/* Un tiempo que el motivo de tiempo agotado dé tiene que ser verdad: el límite de -t
 * («(3000 ms)», el r->mensaje del cliente; «0.7 s», redondeado a lo que escribe) o lo que de
 * verdad esperó («tras 759 ms»: ni menos que -t ni más de lo que duró el programa). Quien
 * escribe el suyo sin número, bien; quien copia el del enunciado (3000, «3 s» o «3.000 ms»)
 * con otro -t, da un dato falso (mutantes motivo_tiempo_fijo y motivo_segundos_fijo). Antes
 * solo valía el de -t y un programa correcto que daba lo esperado perdía la verificación (el
 * estudiante de prueba de la sesión 45). 1 si vale; si no, 0 con «obtenido» escrito. */
static int motivo_con_su_limite(const esc_t *e, int k, int t)
{
    char inicio[64];
    /* El nombre de verdad del proveedor, el que le dio clima_preparar al azar. */
    snprintf(inicio, sizeof inicio, "%s %s ERROR ", e->ciudades[0], e->provs[k].nombre);
    const char *l = strstr(cal_salida(e->p), inicio);
    if (l == NULL)
        return 1; /* sin esa línea ya falló clima_escenario */
    /* Lo que duró, visto desde fuera (con el arranque de la caja: una cota por arriba). */
    uint64_t duro = cal_terminado_ms(e->p) > cal_lanzado_ms(e->p)
                        ? cal_terminado_ms(e->p) - cal_lanzado_ms(e->p)
                        : 0;
    size_t largo = strcspn(l, "\n");
    for (const char *p = l; p < l + largo; p++) {
        if (*p < '0' || *p > '9' ||
            (p > l && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.' || p[-1] == ',')))
            continue;
        /* «3 000 ms»: un grupo de miles tras un espacio no es un tiempo suelto. */
        if (p - l >= 2 && p[-1] == ' ' && p[-2] >= '0' && p[-2] <= '9')
            continue;
        double ms, otra, paso;
        size_t n = leer_tiempo(p, &ms, &otra, &paso);
        if (n == 0)
            continue;
        double margen = paso / 2.0 + 0.001;
        if (fabs(ms - t) <= margen || (ms > t && duro > 0 && ms <= (double)duro + margen) ||
            fabs(otra - t) <= 0.001 + 0.0005 ||
            (otra > t && duro > 0 && otra <= (double)duro + 0.001))
            continue;
        cal_obtenido("el motivo del proveedor lento dice «%.*s», pero el límite era -t %d y el "
                     "programa duró %llu ms: un tiempo en el motivo es el límite o lo que de "
                     "verdad esperó: «%.*s»",
                     (int)n, p, t, (unsigned long long)duro, (int)largo, l);
        return 0;
    }
    return 1;
}

/* La petición lenta del proveedor k, para la primera ciudad, cortada hacia los t ms en el
 * registro del servidor. 1 o 0 (anotado). */
static int lenta_cortada(esc_t *e, int k, int t)
{
    const cal_peticion_t *v;
    int n = clima_registro_programa(e, &v);
    int ok = 0;
    cal_obtenido("el servidor no registró ninguna petición del programa al proveedor lento "
                 "para %s (%d %s del programa en su registro)",
                 e->ciudades[0], n, n == 1 ? "petición" : "peticiones");
    for (int i = 0; i < n; i++)
        if (clima_es_de(e, &v[i], 0, k)) {
            uint64_t d = v[i].fin_ms - v[i].inicio_ms;
            ok = v[i].abortada && d + 300 >= (uint64_t)t && d <= (uint64_t)t + 1200;
            cal_obtenido("la petición lenta %s a los %llu ms (límite: %d ms)",
                         v[i].abortada ? "se cortó" : "terminó", (unsigned long long)d, t);
        }
    return ok;
}

CAL_PRUEBA(lento_cortado, 30)
static void lento_cortado(void)
{
    static const char *const ciudades[] = {"Lima"};
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"lento", "weatherapi", "&retraso=5", "current.temp_c", "C", E_TIEMPO},
        {"c", "openweather", NULL, "main.temp", "C", BIEN}};
    esc_t e = {.ciudades = ciudades, .nciudades = 1, .provs = provs, .nprovs = 3};
    int t = (int)cal_azar(500, 800);
    char limite[16];
    snprintf(limite, sizeof limite, "%d", t);
    cal_esperado("con -t %d y un proveedor que tarda 5 s: su línea es «ERROR» con un motivo "
                 "que habla de tiempo, el promedio es el de los otros dos (2 de 3), el programa "
                 "acaba en menos de 2.5 s y el registro muestra la petición lenta cortada "
                 "hacia los %d ms",
                 t, t);
    const char *op[] = {"-t", limite, NULL};
    int ok = clima_escenario(&e, op, CODIGO_LIBRE, 2500) && motivo_con_su_limite(&e, 1, t) &&
             lenta_cortada(&e, 1, t);
    /* Y sin -t: el límite por omisión, 3000 ms (quien lo tiene en 30000 espera los 5 s del
     * lento y no lo corta). Mutante: t_omision_30000. */
    static const prov_t sin_t[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"lento", "weathergov", "&retraso=5", "properties.periods.0.temperature", "F", E_TIEMPO}};
    esc_t f = {.ciudades = ciudades, .nciudades = 1, .provs = sin_t, .nprovs = 2};
    if (ok) {
        cal_esperado("sin -t, el límite por omisión: 3000 ms. El proveedor que tarda 5 s se "
                     "corta hacia los 3000 ms y su línea es «ERROR» con un motivo que habla de "
                     "tiempo; el programa acaba en menos de 4.5 s");
        ok = clima_escenario(&f, NULL, CODIGO_LIBRE, 4500) && motivo_con_su_limite(&f, 1, 3000) &&
             lenta_cortada(&f, 1, 3000);
    }
    CAL_FIN(ok);
}

CAL_PRUEBA(tiempo_por_peticion, 30)
static void tiempo_por_peticion(void)
{
    static const char *const ciudades[] = {"Lima"};
    /* Cada petición tarda d y el límite es 2,4·d: una sola cabe con holgura, las tres en
     * fila (3·d) no caben en un plazo global. */
    int d = (int)cal_azar(450, 600), t = d * 12 / 5;
    char retraso[48], limite[16];
    clima_con_retraso(retraso, sizeof retraso, d, NULL);
    snprintf(limite, sizeof limite, "%d", t);
    prov_t provs[3];
    tres_lentos(provs, retraso);
    esc_t e = {.ciudades = ciudades, .nciudades = 1, .provs = provs, .nprovs = 3};
    cal_esperado("con -c 1 -t %d y tres proveedores que tardan %.2f s: van de una en una "
                 "(%.2f s en total) y las tres llegan bien, porque el límite cuenta desde que "
                 "sale cada petición, no desde que arrancó el programa. Y, mientras espera al "
                 "servidor, dormido en uv_run, sin espera activa: en la CPU o esperando turno "
                 "para ella como mucho el %.0f %% del tiempo transcurrido",
                 t, d / 1000.0, 3 * d / 1000.0, CAL_ESPERA_FRACCION * 100.0);
    const char *op[] = {"-c", "1", "-t", limite, NULL};
    int ok = clima_escenario(&e, op, CODIGO_LIBRE, 6000);
    /* Casi todo su tiempo, el programa espera al servidor: esperar es dormir en uv_run. */
    char cpu[512];
    int dormido = e.p != NULL && cal_sin_espera_activa(e.p, CAL_ESPERA_TRANQUILA, cpu, sizeof cpu);
    if (ok && dormido)
        cal_obtenido("las tres peticiones, en fila, llegaron bien");
    else if (ok && e.p != NULL)
        cal_obtenido("las tres peticiones, en fila, llegaron bien, pero %s", cpu);
    if (e.p != NULL && dormido)
        cal_nota("CPU: %s.", cpu);
    /* El porqué de un límite que venció antes de tiempo: el «Obtenido» enseña la petición
     * cortada, no de dónde contaba su reloj (el estudiante de prueba de la sesión 39, con el
     * tiempo puesto al encolarla o uno global para todo el programa). */
    if (!ok && e.p != NULL && strstr(cal_salida(e.p), "tiempo límite") != NULL)
        cal_nota("(con -c 1 las peticiones salen de una en una: la que se cortó llevaba su "
                 "tiempo contando desde antes de salir, al ponerla en la cola o desde que "
                 "arrancó el programa. El límite de cada petición empieza cuando sale: "
                 "tiempo_limite_ms de la petición, no un temporizador propio)");
    CAL_FIN(ok && dormido);
}
