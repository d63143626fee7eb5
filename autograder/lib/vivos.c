/* vivos.c — la precarga vivos (common/herramientas/vivos/vivos.c) en la caja del calificador:
 * cuando el programa de una verificación no termina, qué mantiene vivo su bucle (handles
 * activos con referencia y peticiones en curso), con el archivo:línea de la entrega.
 *
 * Cómo llega a la caja (lib/lanzar.c): el ejecutor pone CALIF_VIVOS (build/lib/libvivos.so);
 * cal_lanzar, si existe y la verificación no es de valgrind, la monta de solo lectura en
 * CAL_VIVOS_EN_CAJA (con bwrap; sin bwrap, su ruta de verdad), pone LD_PRELOAD y
 * VIVOS_INFORME=7, y el descriptor 7 del programa es una tubería cuyo otro extremo es
 * p->vivos. La precarga no hace nada hasta recibir SIGRTMIN+4: no abre archivos ni crea
 * hilos, y sus llamadas (rt_sigaction al empezar; write, rt_sigprocmask, tgkill y pause en
 * el informe) están en la lista de permitidos de base/filtro.c de todos los laboratorios.
 *
 * Cuándo se pide (lib/proceso.c, lib/verificacion.c): al vencer el tiempo transcurrido del
 * programa; en cal_matar de un programa al que se mandó una señal y sigue vivo (el caso
 * «no termina tras SIGINT»); y en cal_fin de una verificación que falla, a todo programa al
 * que se mandó una señal y siga vivo (un servidor que la verificación deja en marcha a
 * propósito no «no terminó»). El programa escribe el informe y muere por esa señal; se espera como
 * mucho ESPERA_MS. Si la verificación falla, el informe va al detalle (cal_nota); si pasa, se
 * olvida. Las direcciones («@programa+0x…») se traducen aquí, fuera de la caja, con
 * addr2line sobre CALIF_PROGRAMA (compilado con -g).
 *
 * Con .cierre (cal_sin_cerrar): la precarga escribe por el mismo descriptor una línea
 * «cierre: …» por handle aún abierto cuando uv_run vuelve sin nada vivo, que se cierra fuera
 * de uv_run o que nadie cerró al salir (common/herramientas/vivos/vivos.c), y al salir el
 * testigo «cierre-fin <líneas> <bucles> <dentro> <firma>», firmado con la llave de la clave al
 * azar de este lanzamiento (que lanzar.c le dio por el descriptor FD_CLAVE; firma.h); se leen
 * cuando el programa ya terminó, y se traducen igual.
 * Sin testigo, sin la firma buena o con otras cuentas que las recibidas, no hay informe que
 * valga (el programa calló la precarga o no pasó por su uv_run): cal_sin_cerrar lo dice.
 *
 * Con .trafico (vivos_cuentas, procesos_trafico_por_libuv, cal_temporizadores_rapidos): las
 * cuentas firmadas de la precarga («conexion <vez> <puerto> <leídos> <escritos>» por cliente y
 * «cuentas <vez> <conexiones> <uv_poll> <rápidos>»), pedidas con sigqueue de SIGRTMIN+5 y un
 * número al azar al programa vivo, o dejadas al salir («fin»), frente a lo que envió y recibió
 * cada conexión de la verificación (common/src/tcp_prueba.c, tcp_conexiones): ver
 * autograder/README.md, «Lo que pasa por libuv en un servidor».
 */
#define _GNU_SOURCE
#include "interno.h"

#include "../../common/herramientas/vivos/firma.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ESPERA_MS   500
#define MAX_LUGARES 32

static char *guardado; /* los informes en crudo de esta verificación, o NULL */

static const char *ruta_de(const char *variable)
{
    const char *r = getenv(variable);
    if (r == NULL || r[0] != '/' || access(r, R_OK) != 0)
        return NULL;
    return r;
}

const char *vivos_ruta(void)
{
    return ruta_de("CALIF_VIVOS");
}

const char *vivos_ruta_cierre(void)
{
    return ruta_de("CALIF_VIVOS_CIERRE");
}

void vivos_pedir(cal_proceso_t *p)
{
    if (p->termino || p->vivos.fd < 0)
        return;
    pid_t programa = proceso_programa(p);
    if (programa <= 0 || kill(programa, SIGRTMIN + 4) < 0)
        return;
    uint64_t hasta = cal_ahora_ms() + ESPERA_MS;
    while (p->vivos.fd >= 0 && cal_ahora_ms() < hasta) {
        struct pollfd pfd = {.fd = p->vivos.fd, .events = POLLIN};
        poll(&pfd, 1, 20);
        flujo_leer(&p->vivos);
        proceso_recoger(p);
        if (p->termino)
            flujo_leer(&p->vivos); /* lo último, ya escrito */
        if (p->termino)
            break;
    }
    if (p->vivos.usados == 0)
        return;
    /* Por el mismo descriptor llegan las líneas de cierre («cierre: …» y el testigo
     * «cierre-fin …») de un programa que terminaba justo entonces: son de cal_sin_cerrar y se
     * quedan en p->vivos. Solo lo demás es el informe de qué lo mantenía vivo. Antes iba todo
     * al detalle («El programa no terminó. cierre-fin 0 1 0 …», de un programa que sí
     * terminó: el estudiante de prueba del 09, sesión 28) y el testigo se perdía. */
    size_t quedan = 0;
    char *informe = malloc(p->vivos.usados + 1);
    if (informe == NULL)
        return;
    size_t largo = 0;
    for (const char *c = p->vivos.datos; *c != '\0';) {
        const char *fin = strchr(c, '\n');
        size_t n = fin != NULL ? (size_t)(fin - c) + 1 : strlen(c);
        if (strncmp(c, "cierre", 6) == 0) {
            memmove(p->vivos.datos + quedan, c, n);
            quedan += n;
        } else {
            memcpy(informe + largo, c, n);
            largo += n;
        }
        c += n;
    }
    informe[largo] = '\0';
    p->vivos.usados = quedan;
    p->vivos.datos[quedan] = '\0';
    char *nuevo = NULL;
    if (largo > 0 && asprintf(&nuevo, "%s%s", guardado != NULL ? guardado : "", informe) >= 0) {
        free(guardado);
        guardado = nuevo;
    }
    free(informe);
}

void vivos_olvidar(void)
{
    free(guardado);
    guardado = NULL;
}

/* «archivo:línea» de `desp` («0x…» en el programa) con addr2line, en `dst`; "" si no se
 * sabe. Las rutas que cuelgan de la carpeta actual (la del trabajo de la calificación)
 * salen relativas. `desp` lo escribe el programa (es su descriptor): solo «0x» y cifras
 * hexadecimales llegan a addr2line, que tomaría «-…» por una opción y «@ruta» por un archivo
 * de argumentos que leer (uno que la entrega plantó, o ajeno).
 *
 * Y addr2line lee el programa, que es de la entrega: sus secciones pueden nombrar otros
 * archivos que abrir (.gnu_debugaltlink, .gnu_debuglink), y bfd los sigue sin mirar su build-id
 * y saca sus cadenas como nombres de archivo (un adversario de la sesión 28 metió así en el
 * informe un archivo de root de modo 0600). Por eso corre encerrado como el compilador: con
 * bwrap, sin red y sin ver más que el sistema y el programa (montado en /programa, así una ruta
 * relativa del programa no llega a ningún sitio nuestro); sin bwrap y como root, con el uid de
 * la caja, que no lee lo de root. Sin bwrap y con el mismo uid, lee lo que ese uid lea
 * (autograder/README.md, «Sin bubblewrap»). */
static void traducir(const char *programa, const char *desp, char *dst, size_t tam)
{
    dst[0] = '\0';
    if (strncmp(desp, "0x", 2) != 0 || desp[2] == '\0' ||
        strspn(desp + 2, "0123456789abcdefABCDEF") != strlen(desp + 2))
        return;
    caja_orden_t caja = {.n = 0};
    int bwrap = strcmp(cal_caja(), "bwrap") == 0;
    if (bwrap) {
        caja_herramienta(&caja);
        caja_poner(&caja, "--ro-bind");
        caja_poner(&caja, programa);
        caja_poner(&caja, "/programa");
        caja_poner(&caja, "--");
    }
    caja_poner(&caja, "/usr/bin/addr2line");
    caja_poner(&caja, "-e");
    caja_poner(&caja, bwrap ? "/programa" : programa);
    caja_poner(&caja, desp);
    orden_t o = {.argv = caja.argv,
                 .entorno = (const char *const[]){"LANG=C", NULL},
                 .limite_s = 5,
                 .uid = geteuid() == 0 ? uid_caja() : 0};
    if (orden_ejecutar(&o) < 0 || o.capturado == NULL) {
        free(o.capturado);
        return;
    }
    char *linea = o.capturado;
    linea[strcspn(linea, "\n")] = '\0';
    char *disc = strstr(linea, " (discriminator");
    if (disc != NULL)
        *disc = '\0';
    size_t n = strlen(linea);
    if (orden_bien(&o) && linea[0] != '?' && n > 2 && strcmp(linea + n - 2, ":0") != 0 &&
        strcmp(linea + n - 2, ":?") != 0) {
        char aqui[4096];
        const char *r = linea;
        size_t la = 0;
        if (getcwd(aqui, sizeof aqui) != NULL && (la = strlen(aqui)) > 0 &&
            strncmp(linea, aqui, la) == 0 && linea[la] == '/')
            r = linea + la + 1;
        /* La entrega se compila desde su copia en <trabajo>/fuentes (runner/calificar.c): el
         * estudiante reconoce sus archivos por su nombre. */
        if (strncmp(r, "fuentes/", 8) == 0)
            r += 8;
        snprintf(dst, tam, "%s", r);
    }
    free(o.capturado);
}

/* Un handle creado dentro de libcurso sale con el archivo:línea de libcurso (vivos apunta
 * solo el primer llamador): el estudiante no reconoce «bd.c:187», pero sí la función del
 * curso que lo pidió y la que lo cierra. Por archivo de common/src/, eso; NULL si no es de
 * libcurso o no hay nada que decir. */
static const char *pista_libcurso(const char *lugar)
{
    static const struct {
        const char *archivo;
        const char *pista;
    } tabla[] = {
        {"common/src/bd.c", "una conexión de bd_conectar, que cierra bd_cerrar"},
        {"common/src/http_cliente.c", "el cliente de http_cliente_nuevo, que cierra "
                                      "http_cliente_cerrar"},
        {"common/src/http_peticion.c", "una petición de http_pedir del cliente de "
                                       "http_cliente_nuevo, que cierra http_cliente_cerrar"},
        {"common/src/senales.c", "las señales de senales_iniciar, que cierra senales_cerrar"},
    };
    for (size_t i = 0; i < sizeof tabla / sizeof tabla[0]; i++) {
        const char *en = strstr(lugar, tabla[i].archivo);
        if (en != NULL && en[strlen(tabla[i].archivo)] == ':')
            return tabla[i].pista;
    }
    return NULL;
}

/* Añade a `dst` (de `tam`, `*usado` ya escritos) sin pasarse nunca. */
static void anadir(char *dst, size_t tam, size_t *usado, const char *s, size_t n)
{
    size_t cabe = tam - 1 - *usado;
    if (n > cabe)
        n = cabe;
    memcpy(dst + *usado, s, n);
    *usado += n;
    dst[*usado] = '\0';
}

/* `crudo` con cada «@programa+0xN» cambiado por su archivo:línea (las de bibliotecas, sin
 * «@»); memoria de quien llama, o NULL. */
static char *traducir_lugares(const char *crudo)
{
    const char *programa = getenv("CALIF_PROGRAMA");
    size_t tam = strlen(crudo) * 2 + 1024, usado = 0;
    char *salida = malloc(tam);
    if (salida == NULL)
        return NULL;
    salida[0] = '\0';
    int lugares = 0;
    for (const char *c = crudo; *c != '\0';) {
        const char *arroba = strchr(c, '@');
        if (arroba == NULL)
            arroba = c + strlen(c);
        anadir(salida, tam, &usado, c, (size_t)(arroba - c));
        if (*arroba == '\0')
            break;
        size_t largo = strcspn(arroba, " ,:\n");
        const char *mas = memchr(arroba, '+', largo);
        char donde[1024] = "";
        if (mas != NULL && programa != NULL && lugares < MAX_LUGARES &&
            (size_t)(mas - arroba) == strlen("@programa") &&
            strncmp(arroba, "@programa", (size_t)(mas - arroba)) == 0) {
            char desp[32];
            snprintf(desp, sizeof desp, "%.*s", (int)(largo - (size_t)(mas + 1 - arroba)), mas + 1);
            traducir(programa, desp, donde, sizeof donde);
            lugares++;
        }
        if (donde[0] != '\0') {
            anadir(salida, tam, &usado, donde, strlen(donde));
            const char *pista = pista_libcurso(donde);
            if (pista != NULL) {
                anadir(salida, tam, &usado, " (", 2);
                anadir(salida, tam, &usado, pista, strlen(pista));
                anadir(salida, tam, &usado, ")", 1);
            }
        } else
            anadir(salida, tam, &usado, arroba + 1, largo - 1);
        c = arroba + largo;
    }
    return salida;
}

void vivos_anotar(void)
{
    if (guardado == NULL)
        return;
    char *salida = traducir_lugares(guardado);
    if (salida != NULL)
        cal_nota("El programa no terminó. %s", salida);
    free(salida);
    vivos_olvidar();
}

/* El informe de cierre de la precarga: las líneas «cierre: <tipo> …» (solo las de `tipo` si no
 * es NULL) traducidas en `texto`, y en *desde_callback si uv_run seguía en marcha al salir. Lo
 * que devuelven cal_sin_cerrar y cal_sin_cerrar_de, sin contar esa salida. */
static int sin_cerrar(cal_proceso_t *p, const char *tipo, char *texto, size_t tam,
                      int *desde_callback)
{
    texto[0] = '\0';
    *desde_callback = 0;
    if (!p->cierre || !p->termino)
        return -1;
    flujo_leer(&p->vivos);
    /* Solo las líneas «cierre: …» (lo demás sería un informe de «qué lo mantiene vivo»). */
    size_t largo = 0;
    int cuantos = 0, testigos = 0;
    unsigned dichas = 0, llegadas = 0, bucles = 0, dentro = 0;
    size_t largo_tipo = tipo != NULL ? strlen(tipo) : 0;
    char *crudo = malloc(p->vivos.usados + 1);
    if (crudo == NULL)
        return -1;
    firma_llave_t llave = firma_llave(p->testigo);
    for (const char *c = p->vivos.datos; *c != '\0';) {
        const char *fin = strchr(c, '\n');
        size_t n = fin != NULL ? (size_t)(fin - c) + 1 : strlen(c);
        if (strncmp(c, "cierre: ", 8) == 0 && n > 8) {
            llegadas++;
            if (tipo == NULL || (n > 8 + largo_tipo && memcmp(c + 8, tipo, largo_tipo) == 0 &&
                                 c[8 + largo_tipo] == ' ')) {
                memcpy(crudo + largo, c + 8, n - 8);
                largo += n - 8;
                cuantos++;
            }
        } else if (strncmp(c, "cierre-fin ", 11) == 0 &&
                   firma_buena(llave, c, fin != NULL ? (size_t)(fin - c) : n) &&
                   sscanf(c + 11, "%u %u %u", &dichas, &bucles, &dentro) == 3) {
            testigos++;
        }
        c += n;
    }
    crudo[largo] = '\0';
    /* El testigo de la precarga: uno, con la clave de este lanzamiento, las mismas líneas que
     * llegaron y algún bucle revisado (o un uv_run aún en marcha al salir: exit() desde una
     * callback, nada que mirar). Si no, lo que llegó (o no) no dice nada. */
    if (testigos != 1 || dichas != llegadas || (bucles == 0 && dentro == 0)) {
        snprintf(texto, tam, "%s",
                 testigos == 0
                     ? "la precarga «vivos» no dio su testigo al salir: el programa no pasó por "
                       "uv_run, salió sin pasar por exit() (p. ej. con _exit) o cerró el "
                       "descriptor por el que la precarga escribe al calificador"
                 : testigos > 1
                     ? "llegaron varios testigos de la precarga «vivos» con la clave de este "
                       "lanzamiento"
                 : bucles == 0 && dentro == 0
                     ? "la precarga «vivos» no vio volver ningún uv_run"
                     : "las líneas que la precarga «vivos» dice haber escrito no son las que "
                       "llegaron");
        free(crudo);
        return -2;
    }
    if (cuantos > 0) {
        char *legible = traducir_lugares(crudo);
        snprintf(texto, tam, "%s", legible != NULL ? legible : crudo);
        free(legible);
        size_t t = strlen(texto);
        while (t > 0 && texto[t - 1] == '\n')
            texto[--t] = '\0';
    }
    free(crudo);
    *desde_callback = dentro > 0;
    return cuantos;
}

/* Deja en `texto` (líneas de sin_cerrar) solo las de los handles creados en el archivo
 * `archivo` de libcurso («creado en …/common/src/bd.c:266», como pista_libcurso) y pasa las
 * demás a `otros`. Devuelve cuántas quedan. Una línea sin traducir (sin archivo:línea) no es
 * de ese archivo: con el programa sin información de depuración, aquí no se cobra nada y lo
 * cobra quien mire todo. */
static int solo_las_de(char *texto, const char *archivo, char *otros, size_t tam_otros)
{
    size_t largo = strlen(archivo), quedan = 0, usados = 0;
    int n = 0;
    otros[0] = '\0';
    for (char *l = texto; *l != '\0';) {
        char *fin = strchr(l, '\n');
        size_t lar = fin != NULL ? (size_t)(fin - l) : strlen(l);
        const char *en = strstr(l, archivo);
        int suya = en != NULL && en < l + lar && en[largo] == ':';
        if (suya) {
            if (quedan > 0)
                texto[quedan++] = '\n';
            memmove(texto + quedan, l, lar);
            quedan += lar;
            n++;
        } else {
            if (usados > 0)
                anadir(otros, tam_otros, &usados, "\n", 1);
            anadir(otros, tam_otros, &usados, l, lar);
        }
        l += lar + (fin != NULL ? 1 : 0);
    }
    texto[quedan] = '\0';
    return n;
}

/* Lo de cal_sin_cerrar; con `archivo`, solo los handles creados allí (los demás, en `otros`). */
static int sin_cerrar_de_archivo(cal_proceso_t *p, const char *archivo, char *texto, size_t tam,
                                 char *otros, size_t tam_otros)
{
    int desde_callback;
    int cuantos = sin_cerrar(p, NULL, texto, tam, &desde_callback);
    otros[0] = '\0';
    if (cuantos > 0 && archivo != NULL)
        cuantos = solo_las_de(texto, archivo, otros, tam_otros);
    /* Un uv_run aún en marcha al salir: exit() desde una callback (la de una señal, p. ej.).
     * No deja líneas «cierre:» (no hay revisión que hacer), pero no cerró nada: cuenta como
     * un olvido más, el mismo que dejar un handle a la red de seguridad. */
    if (cuantos >= 0 && desde_callback) {
        size_t t = strlen(texto);
        snprintf(texto + t, tam - t,
                 "%ssalió con exit() desde una callback, antes de que uv_run "
                 "volviera: no cerró ni un handle ni el bucle",
                 t > 0 ? "\n" : "");
        cuantos++;
    }
    return cuantos;
}

int cal_sin_cerrar(cal_proceso_t *p, char *texto, size_t tam)
{
    char nada[1];
    return sin_cerrar_de_archivo(p, NULL, texto, tam, nada, sizeof nada);
}

int cal_sin_cerrar_de(cal_proceso_t *p, const char *tipo, char *texto, size_t tam)
{
    int desde_callback;
    return sin_cerrar(p, tipo, texto, tam, &desde_callback);
}

int cal_salio_desde_callback(cal_proceso_t *p, char *texto, size_t tam)
{
    int desde_callback;
    int cuantos = sin_cerrar(p, NULL, texto, tam, &desde_callback);
    return cuantos < 0 ? cuantos : desde_callback;
}

void cuentas_liberar(cuentas_t *c)
{
    free(c->de);
    c->de = NULL;
    c->n = 0;
}

/* Las cuentas de la vez `vez` en el flujo vivos de `p`: las líneas «conexion <vez> …» y la
 * «cuentas <vez> <conexiones> <uv_poll> <rápidos> <sitios>» que las cierra, todas con la firma
 * buena.
 * 1 y `c` lleno si llegó la línea de cierre y tantas «conexion» como dice; 0 si no (aún). */
static int cuentas_de(const cal_proceso_t *p, const char *vez, cuentas_t *c)
{
    firma_llave_t llave = firma_llave(p->testigo);
    size_t largo_vez = strlen(vez), hay = 0, cabe = 0, dichas = 0;
    cuentas_conexion_t *de = NULL;
    int cerrada = 0;
    unsigned sondeos = 0, rapidos = 0, sitios = 0;
    for (const char *l = p->vivos.datos; l != NULL && *l != '\0' && !cerrada;) {
        const char *fin = strchr(l, '\n');
        if (fin == NULL)
            break;
        size_t n = (size_t)(fin - l);
        const char *resto = NULL;
        int es_conexion = strncmp(l, "conexion ", 9) == 0;
        if ((es_conexion || strncmp(l, "cuentas ", 8) == 0) && firma_buena(llave, l, n)) {
            const char *v = l + (es_conexion ? 9 : 8);
            if (strncmp(v, vez, largo_vez) == 0 && v[largo_vez] == ' ')
                resto = v + largo_vez + 1;
        }
        unsigned long long puerto, leidos, escritos, conexiones;
        unsigned a, b, s;
        if (resto != NULL && es_conexion &&
            sscanf(resto, "%llu %llu %llu", &puerto, &leidos, &escritos) == 3 && puerto < 65536) {
            if (hay == cabe) {
                size_t nueva = cabe > 0 ? cabe * 2 : 64;
                cuentas_conexion_t *mas = realloc(de, nueva * sizeof *de);
                if (mas == NULL)
                    break;
                de = mas;
                cabe = nueva;
            }
            de[hay++] = (cuentas_conexion_t){(int)puerto, leidos, escritos};
        } else if (resto != NULL && !es_conexion &&
                   sscanf(resto, "%llu %u %u %u", &conexiones, &a, &b, &s) == 4) {
            dichas = (size_t)conexiones;
            sondeos = a;
            rapidos = b;
            sitios = s;
            cerrada = 1;
        }
        l = fin + 1;
    }
    if (!cerrada || dichas != hay) {
        free(de);
        return 0;
    }
    c->de = de;
    c->n = hay;
    c->sondeos = sondeos;
    c->rapidos = rapidos;
    c->sitios = sitios;
    return 1;
}

int vivos_cuentas(cal_proceso_t *p, cuentas_t *c)
{
    c->de = NULL;
    c->n = 0;
    if (!p->trafico)
        return -1;
    flujo_leer(&p->vivos);
    if (!p->termino) {
        /* Vivo: VIVOS_CUENTAS (SIGRTMIN+5) con un número al azar, que la precarga pone en cada
         * línea de esta vez (unas líneas viejas, o pedidas por el propio programa llamando a su
         * manejador, no valen por estas), y SIGCONT por si la verificación lo dejó parado. */
        pid_t programa = proceso_programa(p);
        uint32_t numero = (uint32_t)cal_azar(1, UINT32_MAX);
        char vez[16];
        snprintf(vez, sizeof vez, "%u", numero);
        union sigval valor = {.sival_int = (int)numero};
        if (programa > 0 && sigqueue(programa, SIGRTMIN + 5, valor) == 0) {
            kill(programa, SIGCONT);
            uint64_t hasta = cal_ahora_ms() + ESPERA_MS;
            int dadas = cuentas_de(p, vez, c);
            while (!dadas && p->vivos.fd >= 0 && cal_ahora_ms() < hasta) {
                struct pollfd pfd = {.fd = p->vivos.fd, .events = POLLIN};
                poll(&pfd, 1, 20);
                flujo_leer(&p->vivos);
                dadas = cuentas_de(p, vez, c);
            }
            if (dadas)
                return 1;
        }
        /* Pudo terminar mientras tanto: entonces valen las de su salida. */
        if (!p->termino)
            return 0;
    }
    /* Terminado: las del destructor de la precarga, si salió por exit() o return. Sin ellas,
     * no hay nada que mirar solo si lo mató el calificador (su tiempo, cal_matar, SIGKILL); si
     * murió por su cuenta (_exit, una señal que se mandó o que no capturaba), es un programa
     * que no da sus cuentas: matarse en cuanto calla la sala no puede valer por un informe
     * limpio. */
    if (cuentas_de(p, "fin", c))
        return 1;
    return p->matado || p->excedido || p->senal_enviada == SIGKILL ? -2 : 0;
}

/* Lo que libuv leyó y escribió en la conexión de cada puerto, sumado de todos los programas
 * de la verificación que dieron sus cuentas. */
typedef struct {
    uint64_t leidos[65536], escritos[65536];
    unsigned sondeos;
    int dadas;      /* programas que dieron sus cuentas */
    int muertos;    /* de ellos, los que ya habían terminado */
    int sin_sitios; /* y los que no hallaron las llamadas de libuv (solo miraron el rango) */
} por_puerto_t;

/* Pide las cuentas a todos: 1 si las dieron (en `t`), 0 si alguno no (y lo explica), -1 si
 * ninguno tenía nada que mirar (lo dice en una nota si el calificador paró a alguno). */
static int juntar_cuentas(por_puerto_t *t)
{
    int sin_poder = 0;
    memset(t, 0, sizeof *t);
    for (int i = 0; i < procesos_cuantos(); i++) {
        cal_proceso_t *p = procesos_en(i);
        cuentas_t c;
        int r = p != NULL ? vivos_cuentas(p, &c) : -1;
        if (r == 0 && !p->termino) {
            cal_esperado("que el servidor, aún en ejecución, diera las cuentas de la precarga "
                         "«vivos» (lo que libuv leyó y escribió en cada conexión)");
            cal_obtenido("no las dio en %d ms: el programa cambió o bloqueó la señal SIGRTMIN+5, "
                         "o cerró el descriptor por el que escribe la precarga",
                         ESPERA_MS);
            return 0;
        }
        if (r == 0) {
            char fin[160];
            cal_esperado("que el servidor diera las cuentas de la precarga «vivos» (lo que libuv "
                         "leyó y escribió en cada conexión): al pedírselas o, si termina, al "
                         "salir por exit() o return");
            cal_obtenido("terminó sin darlas: %s", cal_describir_fin(p, fin, sizeof fin));
            return 0;
        }
        if (r == 1) {
            for (size_t k = 0; k < c.n; k++) {
                t->leidos[c.de[k].puerto] += c.de[k].leidos;
                t->escritos[c.de[k].puerto] += c.de[k].escritos;
            }
            t->sondeos += c.sondeos;
            t->dadas++;
            t->muertos += p->termino != 0;
            t->sin_sitios += c.sitios == 0;
            cuentas_liberar(&c);
        } else if (r == -2)
            sin_poder++;
    }
    if (t->dadas == 0) {
        if (sin_poder > 0)
            cal_nota("(al servidor lo paró el calificador antes de que diera las cuentas de lo "
                     "que pasó por libuv: no se miraron)");
        return -1;
    }
    return 1;
}

/* 1 si la conexión de `k` no la terminó el servidor (cerró o cortó primero: pudo no leer lo
 * último) ni el calificador con RST (el servidor pierde lo que aún no había leído). */
static int sin_terminar_de_golpe(const tcp_conexion_t *k)
{
    return !k->fin && !k->cortada;
}

/* 1 si el servidor tenía que leer entero lo que envió el cliente de `k`: sin terminar de golpe,
 * y abierta o cerrada por el calificador con un fin limpio (los datos llegan antes que el fin:
 * un stream que lee los lee todos). */
static int debe_leerse_entera(const tcp_conexion_t *k)
{
    if (!sin_terminar_de_golpe(k))
        return 0;
    if (k->fd < 0)
        return 1;
    struct pollfd pfd = {.fd = k->fd, .events = POLLRDHUP};
    if (poll(&pfd, 1, 0) < 0)
        return 0;
    return (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) == 0;
}

#define CONVERGER_MS 1000 /* lo que se espera a que el servidor lea lo que ya le llegó */
#define QUIETO_MS    100  /* sin nada que llegue a los clientes: el servidor está quieto */

static const char *const QUE_TRAFICO =
    "que las conexiones aceptadas se leyeran y escribieran con libuv: lo que llega, en las "
    "callbacks de uv_read_start, y lo que sale, con uv_write o uv_try_write";

/* Ningún cliente recibió más de lo que libuv escribió en su conexión. Con `solo_abiertas`, solo
 * las que siguen abiertas por los dos lados (tras vaciarlas después de preguntar: lo que el
 * servidor les escribió ya llegó entero). 1 si es así; si no, 0 y lo explica. */
static int escrito_por_libuv(const por_puerto_t *t, int solo_abiertas)
{
    size_t n;
    int completas;
    const tcp_conexion_t *k = tcp_conexiones(&n, &completas);
    for (size_t i = 0; i < n; i++) {
        if (solo_abiertas && (k[i].fd < 0 || !sin_terminar_de_golpe(&k[i])))
            continue;
        if (k[i].recibidos <= t->escritos[k[i].puerto])
            continue;
        cal_esperado("%s", QUE_TRAFICO);
        cal_obtenido("%s recibió %llu %s y el programa solo escribió con libuv %llu en su "
                     "conexión: el resto lo escribió por su cuenta (write, send… sobre el "
                     "descriptor)",
                     k[i].etiqueta, (unsigned long long)k[i].recibidos,
                     texto_plural((long long)k[i].recibidos, "byte", "bytes"),
                     (unsigned long long)t->escritos[k[i].puerto]);
        return 0;
    }
    return 1;
}

/* La primera conexión cuyo cliente envió más de lo que libuv leyó y que el servidor tenía que
 * leer entera (debe_leerse_entera), o NULL. */
static const tcp_conexion_t *sin_leer_por_libuv(const por_puerto_t *t)
{
    size_t n;
    int completas;
    const tcp_conexion_t *k = tcp_conexiones(&n, &completas);
    for (size_t i = 0; i < n; i++) {
        if (k[i].enviados > t->leidos[k[i].puerto] && debe_leerse_entera(&k[i]))
            return &k[i];
    }
    return NULL;
}

/* Explica la conexión `k`, que libuv no leyó entera. Si lo que falta sigue en la cola de
 * recepción del socket del servidor (vista desde fuera, tcp_sin_leer_en_el_servidor), nadie lo
 * leyó: el servidor dejó de leer esa conexión (uv_read_stop) y no volvió a ella, un fallo suyo
 * pero no leer por su cuenta (el estudiante de prueba de la sesión 39 pausaba así al emisor y el
 * mensaje le acusaba de leer con read o recv). Si no está en la cola, alguien lo sacó de ella. */
static void sin_leer_explicar(const por_puerto_t *t, const tcp_conexion_t *k)
{
    uint64_t leidos = t->leidos[k->puerto], falta = k->enviados - leidos;
    long long cola = tcp_sin_leer_en_el_servidor(k->puerto_servidor, k->puerto);
    if (cola >= 0 && (uint64_t)cola >= falta) {
        cal_esperado("que el servidor leyera, en las callbacks de uv_read_start, todo lo que le "
                     "mandan los clientes que siguen conectados");
        cal_obtenido("%s envió %llu %s y libuv leyó %llu en su conexión (que el servidor no "
                     "cerró); los otros %llu seguían sin leer %d ms después, en el búfer de "
                     "recepción del núcleo: el servidor dejó de leer esa conexión (uv_read_stop) y "
                     "no volvió a leerla",
                     k->etiqueta, (unsigned long long)k->enviados,
                     texto_plural((long long)k->enviados, "byte", "bytes"),
                     (unsigned long long)leidos, (unsigned long long)falta, CONVERGER_MS);
        cal_nota("(lo que manda un cliente que sigue conectado se lee entero: dejar de leerle es "
                 "dejar sin atender sus líneas, también su /quit)");
        return;
    }
    cal_esperado("%s", QUE_TRAFICO);
    cal_obtenido("%s envió %llu %s y libuv solo leyó %llu en su conexión (que el servidor no "
                 "cerró) en %d ms: el resto lo leyó el programa por su cuenta (read, recv… sobre "
                 "el descriptor)",
                 k->etiqueta, (unsigned long long)k->enviados,
                 texto_plural((long long)k->enviados, "byte", "bytes"), (unsigned long long)leidos,
                 CONVERGER_MS);
}

/* El orden: vaciar lo que llega a los clientes hasta que el servidor esté quieto; pedir las
 * cuentas; que cada cliente no haya recibido más de lo que libuv le escribió; que libuv haya
 * leído todo lo que enviaron (con el servidor vivo, preguntando otra vez mientras no, hasta
 * CONVERGER_MS); y, si estaba quieto, vaciar otra vez: lo que llegó después de preguntar también
 * lo tuvo que escribir libuv antes (un servidor que, al oír la pregunta, escribe con libuv a cada
 * cliente tanto relleno como le escribió por su cuenta pasaba la primera cuenta; la segunda no).
 * Si no se quedó quieto en un segundo, la segunda no se mira: lo de después de preguntar pudo
 * escribirse después. */
int procesos_trafico_por_libuv(void)
{
    por_puerto_t *t = malloc(sizeof *t);
    if (t == NULL) {
        cal_esperado("poder mirar las cuentas de la precarga «vivos»");
        cal_obtenido("error del calificador: sin memoria");
        return 0;
    }
    int quieto = tcp_conexiones_vaciar(QUIETO_MS, CONVERGER_MS);
    uint64_t hasta = cal_ahora_ms() + CONVERGER_MS;
    int ok = 1;
    for (;;) {
        int r = juntar_cuentas(t);
        if (r <= 0) {
            ok = r < 0;
            break;
        }
        if (t->sondeos > 0) {
            cal_esperado("%s", QUE_TRAFICO);
            cal_obtenido("el programa creó %u uv_poll: vigilar el descriptor de una conexión y "
                         "leerlo o escribirlo uno mismo no es usar los streams de libuv",
                         t->sondeos);
            ok = 0;
            break;
        }
        if (!escrito_por_libuv(t, 0)) {
            ok = 0;
            break;
        }
        const tcp_conexion_t *sin_leer = t->muertos == 0 ? sin_leer_por_libuv(t) : NULL;
        if (sin_leer == NULL) {
            if (quieto && t->muertos == 0) {
                tcp_conexiones_vaciar(QUIETO_MS / 2, CONVERGER_MS / 2);
                ok = escrito_por_libuv(t, 1);
            }
            break;
        }
        if (cal_ahora_ms() >= hasta) {
            sin_leer_explicar(t, sin_leer);
            ok = 0;
            break;
        }
        usleep(50 * 1000);
    }
    size_t n;
    int completas;
    tcp_conexiones(&n, &completas);
    if (ok && !completas)
        cal_nota("(hubo más conexiones de las que el calificador apunta: solo se miraron las "
                 "primeras)");
    if (ok && t->sin_sitios > 0)
        cal_nota("(en esta máquina la precarga «vivos» no encontró en libuv sus llamadas a read, "
                 "readv, write y writev —otra arquitectura que x86-64, o una libuv compilada de "
                 "otra forma—: de cada lectura y escritura solo se miró que volviera al código de "
                 "libuv, una prueba más débil que la de las máquinas del curso)");
    free(t);
    return ok;
}

int cal_temporizadores_rapidos(cal_proceso_t *p)
{
    cuentas_t c;
    if (vivos_cuentas(p, &c) != 1)
        return -1;
    cuentas_liberar(&c);
    return (int)c.rapidos;
}

/* cal_parada_cerro_todo y cal_parada_cerro_lo_de: el juicio, con `archivo` solo de los handles
 * creados allí (los demás los cobra `quien_cobra`: se anotan). */
static int parada_cerro(cal_proceso_t *p, const char *que_cierra, const char *archivo,
                        const char *quien_cobra)
{
    char dejados[2048], otros[2048];
    int n = sin_cerrar_de_archivo(p, archivo, dejados, sizeof dejados, otros, sizeof otros);
    if (n > 0) {
        cal_esperado("que la parada cerrara ella misma cada handle (%s) antes de que uv_run "
                     "acabara, y después el bucle (uv_loop_close)",
                     que_cierra);
        cal_obtenido("la parada no lo cerró todo (%d %s): %s", n, n == 1 ? "olvido" : "olvidos",
                     dejados);
        cal_nota("(cada línea dice si lo cerró después la red de seguridad —bucle_terminar o un "
                 "uv_walk propio—, si seguía abierto al salir del programa o si el programa salió "
                 "desde una callback)");
        return 0;
    }
    if (n == -2) {
        cal_esperado("que la precarga «vivos» pudiera decir qué handles seguían abiertos al "
                     "acabar uv_run (para eso el programa tiene que salir de main con exit() o "
                     "return y usar el uv_run de libuv)");
        cal_obtenido("no hay informe que valga: %s", dejados);
        return 0;
    }
    if (n < 0) {
        cal_nota("(sin la precarga «vivos» no se pudo mirar qué handles quedaban abiertos al "
                 "acabar uv_run)");
        return 1;
    }
    if (otros[0] != '\0')
        cal_nota("(también quedó sin cerrar lo que sigue; aquí no se cobra, lo cobra %s: %s)",
                 quien_cobra, otros);
    return 1;
}

int cal_parada_cerro_todo(cal_proceso_t *p, const char *que_cierra)
{
    return parada_cerro(p, que_cierra, NULL, NULL);
}

int cal_parada_cerro_lo_de(cal_proceso_t *p, const char *que_cierra, const char *archivo,
                           const char *quien_cobra)
{
    return parada_cerro(p, que_cierra, archivo, quien_cobra);
}
