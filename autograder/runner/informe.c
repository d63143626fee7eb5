/* informe.c — la nota en la terminal (en español, color solo si es una terminal), en
 * results.json (formato de Gradescope) y en junit.xml.
 *
 * Los textos de los resultados ya llegan saneados (UTF-8 válido, sin caracteres de
 * control), así que aquí solo se escapan para XML; jansson escapa el JSON.
 */
#include "runner.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int color = -1;
/* A dónde va el texto: la terminal (con color si lo es) o informe.txt (sin color). */
static FILE *destino;

static int con_color(void)
{
    if (destino != stdout)
        return 0;
    if (color < 0) {
        const char *term = getenv("TERM");
        color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL &&
                (term == NULL || strcmp(term, "dumb") != 0);
    }
    return color;
}

static const char *verde(void)
{
    return con_color() ? "\033[32m" : "";
}
static const char *rojo(void)
{
    return con_color() ? "\033[31m" : "";
}
static const char *amarillo(void)
{
    return con_color() ? "\033[33m" : "";
}
static const char *negrita(void)
{
    return con_color() ? "\033[1m" : "";
}
static const char *tenue(void)
{
    return con_color() ? "\033[2m" : "";
}
static const char *normal(void)
{
    return con_color() ? "\033[0m" : "";
}

/* Imprime `texto` con `etiqueta` en la primera línea y sangría en las siguientes. */
static void bloque(const char *etiqueta, const char *texto)
{
    if (texto == NULL || texto[0] == '\0')
        return;
    const char *sangria = "              ";
    /* Relleno por caracteres, no por bytes: «Qué:» lleva una letra de dos bytes. */
    int ancho = 0;
    for (const char *e = etiqueta; *e != '\0'; e++)
        ancho += ((unsigned char)*e & 0xc0) != 0x80;
    fprintf(destino, "%s%s%*s", sangria, etiqueta, ancho < 12 ? 12 - ancho : 1, "");
    const char *p = texto;
    int primera = 1;
    while (*p != '\0') {
        const char *fin = strchr(p, '\n');
        size_t n = fin != NULL ? (size_t)(fin - p) : strlen(p);
        if (!primera)
            fprintf(destino, "%s            ", sangria);
        fprintf(destino, "%.*s\n", (int)n, p);
        primera = 0;
        p += n;
        if (*p == '\n')
            p++;
    }
}

static void puntos_lab(const lab_t *lab, int *obtenidos, int *maximos)
{
    *obtenidos = 0;
    *maximos = 0;
    for (int i = 0; i < lab->nv; i++) {
        *maximos += lab->v[i].puntos;
        if (lab->v[i].ok)
            *obtenidos += lab->v[i].puntos;
    }
}

const char *informe_estado(const lab_t *lab)
{
    if (lab->entrega_estado == ENTREGA_VACIA)
        return "sin entrega";
    if (lab->medios != NULL || lab->entrega_estado == ENTREGA_INCALIFICABLE || !lab->calificado)
        return "no se califica";
    if (!lab->compila)
        return "no compila";
    /* Colgado: el calificador entero se pasó de tiempo, o el programa no terminó cuando debía
     * o el calificador lo mató porque seguía en ejecución (lib/proceso.c, cal_describir_fin, y
     * los calificadores lo dicen así) en alguna verificación. Matarlo por llenar el disco no
     * es colgarse: ese texto no dice «seguía en ejecución». */
    if (lab->aviso != NULL && strstr(lab->aviso, "superó su tiempo") != NULL)
        return "se colgó";
    for (int i = 0; i < lab->nv; i++)
        if (!lab->v[i].ok && lab->v[i].obtenido != NULL &&
            ((strstr(lab->v[i].obtenido, "seguía en ejecución") != NULL &&
              strstr(lab->v[i].obtenido, "el calificador lo mató") != NULL) ||
             strstr(lab->v[i].obtenido, "no terminó") != NULL))
            return "se colgó";
    return "calificada";
}

static int porcentaje(int a, int b)
{
    return b > 0 ? (int)((100.0 * a) / b + 0.5) : 0;
}

void informe_cabecera(const contexto_informe_t *c)
{
    destino = destino != NULL ? destino : stdout;
    fprintf(destino, "%sCalificación de los laboratorios%s — qué se califica: %s\n", negrita(),
            normal(), c->origen);
    if (c->caja_aviso)
        fprintf(destino, "%s⚠ %s%s\n", amarillo(), c->caja, normal());
    else
        fprintf(destino, "%sCaja de arena: %s%s\n", tenue(), c->caja, normal());
    if (c->aviso != NULL)
        fprintf(destino, "%s⚠ %s%s\n", amarillo(), c->aviso, normal());
    fflush(destino);
}

/* La primera línea de `texto` (recortada a `max` caracteres) en `buf`. */
static const char *primera_linea(const char *texto, size_t max, char *buf, size_t tam)
{
    const char *t = texto != NULL ? texto : "";
    size_t n = strcspn(t, "\n");
    size_t caracteres = 0, corte = n;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)t[i] & 0xc0) != 0x80 && ++caracteres > max) {
            corte = i;
            break;
        }
    snprintf(buf, tam, "%.*s%s", (int)corte, t, corte < n || t[n] != '\0' ? " …" : "");
    return buf;
}

/* Una que pasó al repetirla sola lo dice ya en su línea (antes, un ✔ como cualquier otro: solo
 * el detalle contaba que la primera vez falló). */
static void linea_verificacion(const verificacion_t *v)
{
    fprintf(destino, "  %s%s%s %3d/%-3d %s%s\n", v->ok ? verde() : rojo(), v->ok ? "✔" : "✘",
            normal(), v->ok ? v->puntos : 0, v->puntos, v->nombre,
            v->ok && v->repetida ? " (falló la primera vez y pasó al repetirla sola)" : "");
}

static void bloques(const verificacion_t *v)
{
    bloque("Qué:", v->que);
    bloque("Esperado:", v->esperado);
    bloque("Obtenido:", v->obtenido);
    bloque("Detalle:", v->detalle);
    if (v->obtenido != NULL && strncmp(v->obtenido, "no se calificó", 14) != 0)
        bloque("Pista:", v->pista);
}

/* Resumido: el detalle entero solo de la verificación por la que se empieza (la primera que
 * falla del primer hito no alcanzado: lab_primera_fallida); de las demás, una línea, y las
 * que fallan por lo mismo comparten su «Obtenido». Devuelve cuántas quedaron sin detalle. */
static int verificaciones_resumidas(const lab_t *lab)
{
    int primera = lab_primera_fallida(lab), ocultas = 0;
    for (int i = 0; i < lab->nv; i++) {
        const verificacion_t *v = &lab->v[i];
        linea_verificacion(v);
        if (v->ok)
            continue;
        if (i == primera) {
            fprintf(destino, "              %s↑ empieza por aquí%s\n", negrita(), normal());
            bloques(v);
            continue;
        }
        ocultas++;
        const verificacion_t *sig = NULL;
        for (int k = i + 1; k < lab->nv && sig == NULL; k++)
            if (!lab->v[k].ok)
                sig = &lab->v[k];
        char a[256], b[256];
        primera_linea(v->obtenido, 110, a, sizeof a);
        if (sig == NULL || strcmp(a, primera_linea(sig->obtenido, 110, b, sizeof b)) != 0)
            bloque("Obtenido:", a);
    }
    return ocultas;
}

void informe_verificacion(const verificacion_t *v, int primera)
{
    destino = destino != NULL ? destino : stdout;
    linea_verificacion(v);
    if (primera) {
        fprintf(destino, "              %s↑ empieza por aquí%s\n", negrita(), normal());
        bloques(v);
    } else if (!v->ok) {
        char a[256];
        bloque("Obtenido:", primera_linea(v->obtenido, 110, a, sizeof a));
    }
    fflush(destino);
}

/* Los hitos de lab.json: alcanzado (✔) si pasan sus verificaciones y las de los anteriores;
 * del primero no alcanzado, la primera verificación que le falta; los siguientes, pendientes
 * sin más (el detalle ya está arriba). Una línea por hito. */
static void hitos(const lab_t *lab)
{
    if (lab->nhitos == 0 || !lab->calificado)
        return;
    const verificacion_t *falta;
    int pendiente = lab_hito_pendiente(lab, &falta);
    fprintf(destino, "  %sHitos%s (los del enunciado):\n", negrita(), normal());
    for (int i = 0; i < lab->nhitos; i++) {
        const hito_t *h = &lab->hitos[i];
        if (i < pendiente)
            fprintf(destino, "    %s✔%s %s — %s\n", verde(), normal(), h->id, h->titulo);
        else if (i == pendiente)
            fprintf(destino, "    %s✘%s %s — %s: falta «%s»\n", rojo(), normal(), h->id, h->titulo,
                    falta->nombre);
        else
            fprintf(destino, "    %s· %s — %s (pendiente)%s\n", tenue(), h->id, h->titulo,
                    normal());
    }
}

/* Los hitos en una línea, para la salida general de Gradescope («A ✔, B ✘ falta «…», C»). */
static char *hitos_linea(const lab_t *lab)
{
    const verificacion_t *falta;
    int pendiente = lab_hito_pendiente(lab, &falta);
    char *t = texto_formato("Lab %s, hitos:", lab->numero);
    for (int i = 0; i < lab->nhitos; i++) {
        char *u;
        if (i < pendiente)
            u = texto_formato("%s %s ✔%s", t, lab->hitos[i].id, i + 1 < lab->nhitos ? "," : "");
        else if (i == pendiente)
            u = texto_formato("%s %s ✘ (falta «%s»)%s", t, lab->hitos[i].id, falta->nombre,
                              i + 1 < lab->nhitos ? "," : "");
        else
            u = texto_formato("%s %s pendiente%s", t, lab->hitos[i].id,
                              i + 1 < lab->nhitos ? "," : "");
        free(t);
        t = u;
    }
    return t;
}

void informe_lab(const lab_t *lab, int detalle)
{
    destino = destino != NULL ? destino : stdout;
    int ob, mx;
    puntos_lab(lab, &ob, &mx);
    fprintf(destino, "\n%s━━ Lab %s · %s ━━%s\n", negrita(), lab->numero,
            lab->titulo != NULL ? lab->titulo : lab->carpeta, normal());
    if (lab->entrega_nota != NULL)
        fprintf(destino, "  %s⚠ %s%s\n", amarillo(), lab->entrega_nota, normal());
    if (lab->nhitos_fuera > 0 && lab->nhitos > 0)
        fprintf(destino,
                "  %sSolo hasta el hito %s («%s»): la nota, sobre 100, es la de sus "
                "verificaciones y las de los hitos anteriores; las de los hitos siguientes (%d) "
                "no se califican.%s\n",
                amarillo(), lab->hitos[lab->nhitos - 1].id, lab->hitos[lab->nhitos - 1].titulo,
                lab->nhitos_fuera, normal());
    if (lab->entrega_estado == ENTREGA_VACIA)
        fprintf(destino, "  %s⚠ Sin entrega: no hay ningún archivo del laboratorio.%s\n",
                amarillo(), normal());
    if (lab->aviso != NULL)
        fprintf(destino, "  %s⚠ %s%s%s\n", lab->error_instructor ? rojo() : amarillo(),
                lab->error_instructor ? "ERROR DEL CALIFICADOR: " : "", lab->aviso, normal());
    int ocultas = 0;
    if (detalle) {
        for (int i = 0; i < lab->nv; i++) {
            linea_verificacion(&lab->v[i]);
            if (!lab->v[i].ok)
                bloques(&lab->v[i]);
        }
    } else {
        ocultas = verificaciones_resumidas(lab);
    }
    if (lab->calificado || lab->error_instructor)
        fprintf(destino, "  %sLab %s: %d/%d %s (%d %%)%s · %.1f s\n", negrita(), lab->numero, ob,
                mx, texto_plural(mx, "punto", "puntos"), porcentaje(ob, mx), normal(),
                lab->segundos);
    hitos(lab);
    if (ocultas > 0)
        fprintf(destino,
                "  %sEl detalle de las demás (%d): make grade LAB=%s DETALLE=1, o "
                "informe.txt junto a results.json.%s\n",
                tenue(), ocultas, lab->numero, normal());
    if (ob < mx && lab->calificado && destino == stdout)
        fprintf(destino,
                "  %s¿Te has atascado? Una pista más concreta para la primera que falla: "
                "make pista LAB=%s%s\n",
                tenue(), lab->numero, normal());
    fflush(destino);
}

void informe_total(const lab_t *labs, int n, const contexto_informe_t *c)
{
    destino = destino != NULL ? destino : stdout;
    int ob = 0, mx = 0, contados = 0;
    for (int i = 0; i < n; i++) {
        if (!labs[i].calificado && !labs[i].error_instructor)
            continue;
        int a, b;
        puntos_lab(&labs[i], &a, &b);
        ob += a;
        mx += b;
        contados++;
    }
    fprintf(destino, "\n%sTotal: %d/%d %s (%d %%) en %d %s%s · %.1f s\n", negrita(), ob, mx,
            texto_plural(mx, "punto", "puntos"), porcentaje(ob, mx), contados,
            texto_plural(contados, "laboratorio", "laboratorios"), normal(), c->segundos);
    fprintf(
        destino,
        "%sInformes: %s/informe.txt (todo el detalle), results.json (Gradescope) y junit.xml%s\n",
        tenue(), c->salida, normal());
    fflush(destino);
}

/* El texto completo de una verificación, para los informes. */
static char *texto_verificacion(const verificacion_t *v)
{
    char *t = texto_formato("Qué se comprueba: %s\nEsperado: %s\nObtenido: %s%s%s%s%s",
                            v->que != NULL ? v->que : "", v->esperado != NULL ? v->esperado : "",
                            v->obtenido != NULL ? v->obtenido : "",
                            v->detalle != NULL && v->detalle[0] != '\0' ? "\n" : "",
                            v->detalle != NULL ? v->detalle : "",
                            !v->ok && v->pista != NULL && v->pista[0] != '\0' ? "\nPista: " : "",
                            !v->ok && v->pista != NULL ? v->pista : "");
    return t;
}

int informe_json(const char *ruta, const lab_t *labs, int n, const contexto_informe_t *c)
{
    json_t *tests = json_array();
    json_t *resumen = json_array();
    int ob = 0, mx = 0;
    char *general = texto_formato("Qué se califica: %s.\nCaja de arena: %s%s%s", c->origen, c->caja,
                                  c->aviso != NULL ? "\n" : "", c->aviso != NULL ? c->aviso : "");
    for (int i = 0; i < n; i++) {
        const lab_t *lab = &labs[i];
        int a, b;
        puntos_lab(lab, &a, &b);
        if (lab->calificado || lab->error_instructor) {
            ob += a;
            mx += b;
        }
        if (lab->entrega_nota != NULL) {
            char *t = texto_formato("%s\nLab %s: %s", general, lab->numero, lab->entrega_nota);
            free(general);
            general = t;
        }
        if (lab->aviso != NULL) {
            char *t =
                texto_formato("%s\nLab %s: %s%s", general, lab->numero,
                              lab->error_instructor ? "ERROR DEL CALIFICADOR: " : "", lab->aviso);
            free(general);
            general = t;
        }
        if (lab->calificado && lab->nhitos > 0) {
            char *h = hitos_linea(lab);
            char *t = texto_formato("%s\n%s", general, h);
            free(h);
            free(general);
            general = t;
        }
        json_array_append_new(
            resumen, json_pack("{s:s, s:s, s:i, s:i, s:b, s:b, s:f, s:s, s:s, s:s}", "lab",
                               lab->carpeta, "titulo", lab->titulo != NULL ? lab->titulo : "",
                               "score", a, "max_score", b, "compila", lab->compila, "calificado",
                               lab->calificado, "segundos", lab->segundos, "aviso",
                               lab->aviso != NULL ? lab->aviso : "", "estado", informe_estado(lab),
                               "entrega", lab->entrega_nota != NULL ? lab->entrega_nota : ""));
        for (int k = 0; k < lab->nv; k++) {
            const verificacion_t *v = &lab->v[k];
            char *nombre = texto_formato("Lab %s · %s", lab->numero, v->nombre);
            char *numero = texto_formato("%s.%d", lab->numero, k + 1);
            char *salida = texto_verificacion(v);
            json_array_append_new(
                tests,
                json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:[s], s:{s:s, s:s}}", "name",
                          nombre, "number", numero, "score", v->ok ? v->puntos : 0, "max_score",
                          v->puntos, "status", v->ok ? "passed" : "failed", "output", salida,
                          "visibility", v->visibilidad != NULL ? v->visibilidad : "visible", "tags",
                          lab->carpeta, "extra_data", "lab", lab->carpeta, "id", v->id));
            free(nombre);
            free(numero);
            free(salida);
        }
    }
    json_t *raiz =
        json_pack("{s:i, s:f, s:s, s:s, s:s, s:o, s:{s:i, s:s, s:o}}", "score", ob,
                  "execution_time", c->segundos, "output", general, "visibility", "visible",
                  "stdout_visibility", "visible", "tests", tests, "extra_data", "max_score", mx,
                  "caja", c->caja_aviso ? "limites" : "bwrap", "labs", resumen);
    free(general);
    if (raiz == NULL)
        return -1;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", ruta);
    int r = json_dump_file(raiz, tmp, JSON_INDENT(2));
    json_decref(raiz);
    if (r == 0 && rename(tmp, ruta) != 0)
        r = -1;
    return r;
}

static void xml(FILE *f, const char *s)
{
    for (const char *p = s != NULL ? s : ""; *p != '\0'; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        default:
            fputc(*p, f);
        }
    }
}

int informe_junit(const char *ruta, const lab_t *labs, int n, const contexto_informe_t *c)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", ruta);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    int total = 0, fallos = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < labs[i].nv; k++) {
            total++;
            fallos += !labs[i].v[k].ok;
        }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"calificacion\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n",
            total, fallos, c->segundos);
    for (int i = 0; i < n; i++) {
        const lab_t *lab = &labs[i];
        int a, b, fl = 0;
        puntos_lab(lab, &a, &b);
        for (int k = 0; k < lab->nv; k++)
            fl += !lab->v[k].ok;
        fprintf(f, "  <testsuite name=\"");
        xml(f, lab->carpeta);
        fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\">\n", lab->nv, fl,
                lab->error_instructor, lab->segundos);
        fprintf(f,
                "    <properties>\n      <property name=\"puntos\" value=\"%d\"/>\n"
                "      <property name=\"puntos_maximos\" value=\"%d\"/>\n",
                a, b);
        if (lab->aviso != NULL) {
            fprintf(f, "      <property name=\"aviso\" value=\"");
            xml(f, lab->aviso);
            fprintf(f, "\"/>\n");
        }
        fprintf(f, "    </properties>\n");
        for (int k = 0; k < lab->nv; k++) {
            const verificacion_t *v = &lab->v[k];
            fprintf(f, "    <testcase classname=\"lab%s\" name=\"", lab->numero);
            xml(f, v->id);
            fprintf(f, ": ");
            xml(f, v->nombre);
            fprintf(f, "\" time=\"%.3f\">\n", v->segundos);
            char *texto = texto_verificacion(v);
            if (!v->ok) {
                fprintf(f, "      <failure message=\"");
                xml(f, v->obtenido);
                fprintf(f, "\" type=\"%d %s\">", v->puntos,
                        texto_plural(v->puntos, "punto", "puntos"));
                xml(f, texto);
                fprintf(f, "</failure>\n");
            } else {
                fprintf(f, "      <system-out>");
                xml(f, texto);
                fprintf(f, "</system-out>\n");
            }
            free(texto);
            fprintf(f, "    </testcase>\n");
        }
        fprintf(f, "  </testsuite>\n");
    }
    fprintf(f, "</testsuites>\n");
    int r = ferror(f) ? -1 : 0;
    if (fclose(f) != 0)
        r = -1;
    if (r == 0 && rename(tmp, ruta) != 0)
        r = -1;
    return r;
}

int informe_texto(const char *ruta, const lab_t *labs, int n, const contexto_informe_t *c)
{
    FILE *f = fopen(ruta, "w");
    if (f == NULL)
        return -1;
    FILE *antes = destino;
    destino = f;
    informe_cabecera(c);
    for (int i = 0; i < n; i++)
        informe_lab(&labs[i], 1);
    informe_total(labs, n, c);
    destino = antes;
    return fclose(f) == 0 ? 0 : -1;
}
