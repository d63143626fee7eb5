/* memoria.c — el laboratorio 10 bajo valgrind: una ejecución normal, otra con --json y una por
 * cada manera de estar roto un archivo de proveedores, sin fugas ni errores de memoria. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "comun.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Juzga la forma del documento --json (una lista «ciudades» de `n`), sin mirar los números.
 * Desde la primera «{» y sin mirar lo que haya detrás del documento: lo que sobre en stdout lo
 * juzga salida_json, y esta solo quiere saber si el programa hizo su trabajo. */
static int json_forma(const esc_t *e, const char *prefijo)
{
    json_error_t je;
    const char *llave = strchr(cal_salida(e->p), '{');
    json_t *doc = llave != NULL ? json_loads(llave, JSON_DISABLE_EOF_CHECK, &je) : NULL;
    json_t *ciudades = json_object_get(doc, "ciudades");
    int ok = json_is_array(ciudades) && (int)json_array_size(ciudades) == e->nciudades;
    if (!ok) {
        cal_obtenido("%scon --json, la salida no es un documento con «ciudades», una lista de %d",
                     prefijo, e->nciudades);
        cal_nota_salida(e->p, 10);
    }
    json_decref(doc);
    return ok;
}

/* Espera el final de un lanzamiento bajo valgrind y comprueba que trabajó: terminó solo,
 * pidió todo (con la ciudad bien codificada o no: eso lo juzga «acentos»), leyó alguna respuesta
 * (los números de los proveedores en °C cuadran) y su salida tiene la forma pedida. Lo que diga
 * cada línea lo juzgan las demás verificaciones: esta juzga la memoria, y un error de cuentas no
 * cuesta también estos puntos. */
static int trabajo_hecho(esc_t *e, int json)
{
    static const char *const no_memoria =
        "NO es un fallo de memoria: la memoria no se llega a mirar porque ";
    char fin[128];
    if (!cal_esperar_fin(e->p, 50000) || cal_codigo(e->p) < 0) {
        cal_obtenido("%sbajo valgrind el programa %s", no_memoria,
                     cal_describir_fin(e->p, fin, sizeof fin));
        cal_nota_salida(e->p, 12);
        return 0;
    }
    if (cal_codigo(e->p) == CAL_CODIGO_VALGRIND)
        return 1; /* valgrind encontró algo: su informe lo dice */
    if (!clima_registro_completo_sin_codificar(e))
        return 0;
    return json ? json_forma(e, no_memoria) : clima_forma_correcta(e, no_memoria);
}

/* Archivos de proveedores inválidos, uno por cada manera de salir con 2 (requisito 7). Salvo el de
 * la lista vacía, su primer proveedor es bueno: ya se ha leído (y copiado) cuando el programa
 * llega al segundo, el roto. Antes había uno solo (una unidad mala), y quien salía por otro
 * camino sin soltar el documento ni lo ya copiado sacaba 100: la lista vacía, un nombre con
 * espacios y una url mala (el estudiante de prueba de la sesión 45); y un campo que falta o
 * está vacío (el de la sesión 59, bug 49). El que no es JSON: jansson no devuelve documento,
 * pero el programa puede haber reservado ya otras cosas. Mutantes: fuga_lista_vacia,
 * fuga_nombre_con_espacios, fuga_url_mala, fuga_archivo_roto y fuga_campo_que_falta. */
typedef struct {
    const char *como;    /* para el mensaje: «con …» */
    const char *segundo; /* el segundo proveedor, o NULL: la lista vacía */
} roto_t;

static const roto_t rotos[] = {
    {"la lista de proveedores vacía", NULL},
    {"un proveedor que no es un objeto", "\"dos\""},
    {"un nombre con espacios",
     "{\"nombre\": \"dos tres\", \"url\": \"/clima/weatherapi?ciudad={ciudad}\",\n"
     "   \"ruta\": \"current.temp_c\", \"unidad\": \"C\"}"},
    {"una url que no empieza por http://, https:// ni /",
     "{\"nombre\": \"dos\", \"url\": \"ftp://127.0.0.1/clima?ciudad={ciudad}\",\n"
     "   \"ruta\": \"current.temp_c\", \"unidad\": \"C\"}"},
    {"una unidad mala («grados»)",
     "{\"nombre\": \"dos\", \"url\": \"/clima/weatherapi?ciudad={ciudad}\",\n"
     "   \"ruta\": \"current.temp_c\", \"unidad\": \"grados\"}"},
    {"un proveedor sin «ruta»",
     "{\"nombre\": \"dos\", \"url\": \"/clima/weatherapi?ciudad={ciudad}\", \"unidad\": \"C\"}"},
    {"un «nombre» vacío", "{\"nombre\": \"\", \"url\": \"/clima/weatherapi?ciudad={ciudad}\",\n"
                          "   \"ruta\": \"current.temp_c\", \"unidad\": \"C\"}"},
    {"un archivo que no es JSON (una coma de más)",
     "{\"nombre\": \"dos\", \"url\": \"/clima/weatherapi?ciudad={ciudad}\",\n"
     "   \"ruta\": \"current.temp_c\", \"unidad\": \"C\",}"}};
#define N_ROTOS CAL_CUANTOS(rotos)

/* Lanza bajo valgrind con el archivo roto `rotos[i]`. NULL si no se pudo (anotado). */
static cal_proceso_t *archivo_roto_valgrind(const char *carpeta, int i)
{
    char texto[1024], nombre[32], archivo[700];
    if (rotos[i].segundo == NULL)
        snprintf(texto, sizeof texto, "{\"proveedores\": []}\n");
    else
        snprintf(texto, sizeof texto,
                 "{\"proveedores\": [\n"
                 "  {\"nombre\": \"uno\", \"url\": \"/clima/openmeteo?ciudad={ciudad}\",\n"
                 "   \"ruta\": \"current_weather.temperature\", \"unidad\": \"C\"},\n"
                 "  %s\n]}\n",
                 rotos[i].segundo);
    snprintf(nombre, sizeof nombre, "roto-%d.json", i);
    if (clima_escribir(carpeta, nombre, texto, archivo, sizeof archivo) < 0) {
        cal_obtenido("no se pudo escribir el archivo de proveedores (error del calificador)");
        return NULL;
    }
    const char *args[] = {"-f", archivo, "Lima", NULL};
    const char *carpetas[] = {carpeta, NULL};
    cal_lanzamiento_t l = {.args = args, .carpetas = carpetas, .limite_s = 60, .valgrind = 1};
    cal_proceso_t *p;
    if (cal_lanzar(&l, &p) < 0)
        return NULL;
    return p;
}

/* Los archivos rotos, a la vez, tras las dos ejecuciones buenas (siete valgrind juntos
 * pesaban en una máquina pequeña). 1 si ninguno pierde memoria; si no, 0 con «obtenido» del
 * primero que la pierde. Un archivo que el programa no rechaza con 2 no se mira (lo juzga
 * proveedores_invalidos). */
static int rotos_sin_fugas(const char *carpeta)
{
    cal_proceso_t *p[N_ROTOS] = {NULL};
    int bien = 1;
    for (int i = 0; i < N_ROTOS && bien; i++) {
        p[i] = archivo_roto_valgrind(carpeta, i);
        bien = p[i] != NULL;
    }
    for (int i = 0; i < N_ROTOS && bien; i++) {
        char motivo[256], fin[128];
        if (!cal_esperar_fin(p[i], 50000) ||
            (cal_codigo(p[i]) != 2 && cal_codigo(p[i]) != CAL_CODIGO_VALGRIND)) {
            cal_nota("con %s en el archivo de proveedores, bajo valgrind: %s (ese camino no se "
                     "mira)",
                     rotos[i].como, cal_describir_fin(p[i], fin, sizeof fin));
            continue;
        }
        if (cal_valgrind_veredicto(p[i], motivo, sizeof motivo))
            continue;
        bien = 0;
        cal_obtenido("con %s en el archivo de proveedores (código 2): %s (lo que ya se había "
                     "leído del archivo también se suelta)",
                     rotos[i].como, motivo);
        cal_valgrind_nota(p[i]);
    }
    for (int i = 0; i < N_ROTOS; i++)
        if (p[i] != NULL)
            cal_proceso_liberar(p[i]);
    return bien;
}

CAL_PRUEBA(valgrind, 90)
static void valgrind(void)
{
    /* Cada camino que suelta un documento: bueno (en °C y en kelvin), JSON inválido, texto, ruta
     * que no existe, valor imposible, null, estado ≥ 400 con cuerpo JSON y conexión rechazada; y
     * aparte, el documento --json. Los dos, a la vez. Y cada salida de la búsqueda de la ruta:
     * un trozo que no es un índice en una lista, un índice en un objeto y un trozo más allá de
     * un número (quien reserva cada trozo y lo suelta solo al final pierde el de la salida
     * temprana: el estudiante de prueba de la sesión 33). Mutante: fuga_no_indice. */
    static const prov_t provs[] = {
        {"a", "openmeteo", NULL, "current_weather.temperature", "C", BIEN},
        {"roto", "weatherapi", "&fallo=json", "current.temp_c", "C", ERROR},
        {"texto", "openmeteo", "&fallo=texto", "current_weather.temperature", "C", ERROR},
        {"falta", "weathergov", "&fallo=falta", "properties.periods.0.temperature", "F", ERROR},
        {"raro", "weathergov", "&fallo=imposible", "properties.periods.0.temperature", "F", ERROR},
        {"nulo", "openweather", "&fallo=nulo", "main.temp", "K", ERROR},
        {"caido", "weatherapi", "&estado=503", "current.temp_c", "C", ERROR},
        {"k", "openweather", "&unidades=kelvin", "main.temp", "K", BIEN},
        {"indice", "weathergov", NULL, "properties.periods.x.temperature", "F", ERROR},
        {"objeto", "openweather", NULL, "main.0", "C", ERROR},
        {"hoja", "openmeteo", NULL, "current_weather.temperature.x", "C", ERROR}};
    /* Con --json, la segunda ciudad se queda sin datos («promedio»: null): quien crea el
     * número del promedio antes de saber si hay alguno y no lo suelta en ese camino lo pierde
     * (el estudiante de prueba de la sesión 59, bug 48, con 100). Mutante: fuga_json_sin_datos. */
    char solo_a[64];
    snprintf(solo_a, sizeof solo_a, "&estado=500&solo=%s", clima_dos_ciudades[1]);
    const prov_t provs_json[] = {
        {"a", "openmeteo", solo_a, "current_weather.temperature", "C", ERROR},
        {"caido", "weatherapi", "&estado=500", "current.temp_c", "C", ERROR},
        {"apagado", NULL, NULL, "main.temp", "C", ERROR}};
    /* Las ciudades: una extrema y larga, con todos sus bytes ≥ 0x80 y como «%XX» (3 bytes por
     * byte, justo lo que no cabe si el búfer de la codificación no deja sitio al '\0'), y otra
     * con signos ASCII, también como «%XX»: quien cuente el búfer solo con los bytes ≥ 0x80 se
     * queda corto con ella. Sus signos son los que el servidor entiende aunque lleguen en crudo
     * (sin «&», «+», «#», «%» ni espacios): un fallo de codificación lo cobra acentos, y esta
     * sigue mirando la memoria. */
    const char *extremas[2] = {clima_ciudades_extremas[N_EXTREMAS - 1], CIUDAD_SIGNOS_CRUDOS};
    esc_t e = {.ciudades = extremas, .nciudades = 2, .provs = provs, .nprovs = CAL_CUANTOS(provs)};
    esc_t j = {.ciudades = clima_dos_ciudades, .nciudades = 2, .provs = provs_json, .nprovs = 3};
    cal_esperado(
        "bajo valgrind, una ciudad cuyos bytes se codifican todos en la URL "
        "(กรุงเทพมหานคร) y otra con signos ASCII («%s», que también van como %%XX). Con "
        "respuestas buenas, JSON inválido, un texto, un null, una ruta que no existe, un "
        "valor imposible, un estado 503 y rutas que no existen en una lista, en un objeto "
        "y tras un número: cada camino suelta su documento. Aparte, con --json (y una "
        "ciudad sin datos) y con los archivos de proveedores inválidos (lista vacía, un "
        "proveedor que no es un objeto, nombre con espacios, url mala, unidad mala, un "
        "campo que falta, un campo vacío, un archivo que no es JSON). Sin errores de "
        "memoria ni fugas. La "
        "memoria se juzga si el programa hizo su trabajo (pidió todo, leyó las respuestas "
        "y escribió una línea por proveedor, en el orden que sea); lo que dicen las líneas "
        "lo juzgan las demás verificaciones",
        CIUDAD_SIGNOS_CRUDOS);
    /* Un -t holgado: bajo valgrind todo va más despacio, y esta verificación no mide tiempos. */
    const char *op[] = {"-t", "30000", NULL};
    const char *op_json[] = {"-t", "30000", "--json", NULL};
    if (clima_preparar(&e) < 0 || clima_preparar(&j) < 0 || clima_lanzar(&e, op, 1, 60) < 0 ||
        clima_lanzar(&j, op_json, 1, 60) < 0)
        CAL_FIN(0);
    /* Que leyó las respuestas: el proveedor en °C de cada ciudad trae el número del
     * servidor (un programa que no hace nada no pierde nada). */
    int ok = trabajo_hecho(&e, 0) && trabajo_hecho(&j, 1);
    if (ok && cal_codigo(e.p) != CAL_CODIGO_VALGRIND) {
        esc_t solo_c = e;
        solo_c.nprovs = 1;
        ok = clima_numeros_leidos(&solo_c);
    }
    if (!ok)
        CAL_FIN(0);
    char motivo[256], motivo_json[256];
    int bien = cal_valgrind_veredicto(e.p, motivo, sizeof motivo);
    int bien_json = cal_valgrind_veredicto(j.p, motivo_json, sizeof motivo_json);
    /* Y liberado al salir: un programa que guarda cada documento (sin json_decref) en algo
     * global no pierde nada, lo tiene alcanzable; antes pasaba (un adversario de la sesión 29:
     * 96/100 sin soltar nada). Las fugas perdidas ya las dice el veredicto. */
    if (bien)
        bien = cal_valgrind_cerrado(e.p, motivo, sizeof motivo);
    if (bien_json)
        bien_json = cal_valgrind_cerrado(j.p, motivo_json, sizeof motivo_json);
    if (!bien) {
        cal_obtenido("%s", motivo);
        cal_valgrind_nota(e.p);
    } else if (!bien_json) {
        cal_obtenido("con --json: %s", motivo_json);
        cal_valgrind_nota(j.p);
    }
    /* Y los caminos de un archivo de proveedores inválido (código 2), si lo demás está bien. */
    int bien_roto = bien && bien_json ? rotos_sin_fugas(j.carpeta) : 1;
    if (bien && bien_json && bien_roto)
        cal_obtenido("%s (también con --json y con los archivos de proveedores inválidos, cada "
                     "uno de una manera)",
                     motivo);
    CAL_FIN(bien && bien_json && bien_roto);
}
