/* conducta.c — los medios, juzgados por lo que hace el programa: las trazas de strace que
 * deja cada lanzamiento (lib/observar.c), leídas al terminar el calificador del laboratorio.
 *
 * Los nombres (runner/medios.c) son un primer filtro rápido, pero se esquivan: alias de glibc,
 * uv_fs_* con callback NULL (síncronas, en el hilo del bucle), un bucle propio en lugar de
 * uv_run, una instrucción syscall escondida del desensamblador, una tabla de punteros que
 * «usa» uv_run sin llamarlo. Lo que no se esquiva es lo que el núcleo ve: qué hilo hace qué
 * llamada al sistema. Las reglas salen de los mismos grupos de lab.json («medios»):
 *
 *   lectura_bloqueante    el hilo del bucle (tid == pid) no abre, lee ni lista archivos
 *                         normales: eso lo hacen los hilos del grupo de libuv (uv_fs_*). Y
 *                         ninguna otra operación sobre ellos (stat, close, lseek…), con una
 *                         lista de permitidas (tocar_archivo): el execve y mirar por ruta antes
 *                         de uv_run. Un mmap de un archivo normal, en cualquier hilo: lo lee
 *                         quien toque la memoria, sin que se vea (hostiles/medios_08_mapa.c)
 *   archivos_bloqueantes  el hilo del bucle no abre, escribe, trunca, sincroniza, renombra,
 *                         enlaza ni borra archivos normales, ni cierra o mide (fstat) uno
 *                         abierto: uv_fs_close y uv_fs_fstat sin callback
 *   procesos              ningún fork/vfork/clone sin CLONE_THREAD ni un segundo execve
 *   hilos                 como mucho UV_THREADPOOL_SIZE hilos (el grupo de libuv; lo fija
 *                         cal_lanzar), sin contar los del resolutor de libcurl (los que
 *                         preguntan al DNS por UDP o a nscd; solo donde se usa el cliente
 *                         HTTP, y nunca uno que toque un archivo normal): un hilo propio lo
 *                         supera
 *   red_cruda             los sockets TCP solo desde el hilo del bucle (libuv y curl-multi);
 *                         en un servidor (requiere uv_listen) ningún hilo espera con poll o
 *                         select: ni el del bucle (libuv usa epoll) ni uno del grupo (la sala
 *                         en un uv_queue_work, hostiles/chat_grupo.c; los resolutores aparte)
 *   (todos)               sin espera activa: como mucho ESPERAS_MAX nanosleep en el hilo del
 *                         bucle por ejecución, y menos de ESPERA_LARGA_MS entre todos (los
 *                         laboratorios son de libuv: espera uv_run);
 *                         dormir en una callback (libuv en la pila: espera_cerrar) es lo menor
 *   requerido «uv_run»    en alguna ejecución, epoll_ctl en el hilo del bucle (libuv
 *                         1.44 lo llama dentro de uv_run, al vigilar su primer descriptor; si
 *                         no, el aviso «no usa uv_run», aunque el nombre aparezca). No se para
 *                         en cada epoll_wait: costaría una parada por vuelta del bucle
 *   libpq_bloqueante      ni un poll/ppoll/select/pselect6 que espere (tiempo distinto de
 *                         0; PQfinish mira sin esperar) en el hilo del bucle ni en un hilo
 *                         del grupo (libpq bloqueante en un uv_queue_work): libpq
 *                         bloqueante (PQconnectdb, PQexec…, PQgetResult sin PQisBusy)
 *                         espera con poll en el hilo que la llama; la biblioteca del curso
 *                         (common/src/bd.c) vigila PQsocket con un uv_poll, que espera en el
 *                         epoll de libuv (hostiles/bd_bloqueante.c)
 *   (todos) llamadas      ninguna de las siempre prohibidas que nombra la caja (base/filtro.c:
 *   prohibidas            el anillo de claves, Linux AIO, bpf, leer la memoria de otro
 *                         proceso…): el filtro las para con SECCOMP_RET_TRACE y strace las
 *                         hace fallar con ENOSYS y las escribe («(INJECTED)»). Cuenta como un
 *                         medio prohibido; las demás que el filtro niega fallan en silencio
 *   (todos) desde dónde   con la dirección de la instrucción (strace -i) y los mmap de la
 *                         traza: cada epoll_create*, epoll_ctl (y, con red_cruda, cada socket
 *                         TCP, listen y accept) sale de libc (por donde pasan libuv, libcurl y
 *                         libpq) o de esas bibliotecas, no de una instrucción syscall del
 *                         programa: eso es su propio bucle (hostiles/chat_epoll.c)
 *   (red) la pila         en los laboratorios con red_cruda prohibido y uv_listen requerido
 *                         (el 09) o con «pila_en»: ["*"] (un cliente que la pida en todas sus
 *                         ejecuciones; hoy ninguno: en el 07 cuesta demasiado, autograder/
 *                         README.md, «La pila, en la red»), además la pila de esas llamadas
 *                         (strace -k): pasan por libuv.so (o libpq), no solo por libc ni por
 *                         libcurl (hostiles/chat_sin_libuv.c: las funciones de libc
 *                         encontradas con dl_iterate_phdr). Ahí epoll_ctl no se para (libuv
 *                         1.50 hace uno por escritura terminada, y en un cliente de libcurl son
 *                         varios por petición: conducta_llamadas); basta epoll_create*, que un
 *                         bucle propio pide
 *
 * «Archivo normal» es una ruta absoluta fuera del sistema (/usr, /lib, /etc, /proc, /sys,
 * /dev): el cargador dinámico y getaddrinfo leen su configuración en el hilo principal y no
 * cuentan. Una llamada que falla (un open de un archivo que no existe) tampoco.
 *
 * Proporción: cada traza dice de qué verificación es («…@<id>.traza»). Una regla rota en el
 * camino principal —una verificación del «nucleo» de lab.json, una traza sin verificación, o
 * más de la mitad de las verificaciones con ejecuciones— deja el laboratorio sin calificar;
 * si no, solo pierden sus puntos las verificaciones donde se vio (autograder/README.md). Dormir
 * con el bucle ya en marcha no hace camino principal a una verificación del núcleo
 * (solo_dormir_en_el_bucle): decide la mitad.
 *
 * Este archivo juzga el laboratorio con lo visto en todas sus trazas y hace el informe; leer
 * una traza es de conducta_traza.c (las líneas) y conducta_llamada.c (qué es cada llamada), y
 * desde dónde se hace una llamada, de conducta_pila.c (conducta_interno.h: las capas).
 */
#define _GNU_SOURCE
#include "conducta_interno.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HILOS_GRUPO 4  /* UV_THREADPOOL_SIZE que pone cal_lanzar (lib/lanzar.c) */
#define ESPERAS_MAX 20 /* nanosleep en el hilo del bucle por ejecución */
/* Y tantos ms o más entre todos ya es dormir en el bucle: los 20 cortos que se toleran (un
 * reintento breve de una biblioteca, un usleep(1000) suelto) bloquean el bucle unos pocos ms
 * en total; uno de 300 ms al parar (el mutante duerme_al_parar del 09) lo bloquea entero ese
 * tiempo, y con el recuento solo salía a 100. Se suman: veinte de 99 ms son casi 2 s. Uno que
 * no dice cuánto (hora absoluta, reloj de CPU: dormir_ms) ya llega. */
#define ESPERA_LARGA_MS 100

/* Si se juzga desde dónde se hacen las llamadas (strace -i): lo decide conducta_probar. Y si
 * strace da la pila (-k), para conducta_pila; si no, por qué (para el aviso del laboratorio
 * que la necesita). */
static int origen_ok, pila_ok;
static char origen_motivo[400], pila_motivo[400];
/* Por qué no se juzgó «el grupo lee por el programa» (conducta_sin_pila_trabajo). */
static char trabajo_motivo[400];

/* Con lectura_bloqueante, además de la clase %file de strace (las que toman una ruta), las que
 * trabajan sobre un descriptor ya abierto y no tienen otra regla (en la tabla de
 * conducta_llamada.c): con ellas se juzga toda operación de archivo del hilo del bucle
 * (tocar_archivo). Ni epoll_wait ni la lectura y escritura de sockets: serían una parada por vuelta
 * o por mensaje. */
#define POR_DESCRIPTOR_TODAS                                                                       \
    "close,fstat,newfstatat,statx,lseek,fchdir,fchmod,fchown,flock,fadvise64,fstatfs,"             \
    "fgetxattr,fsetxattr,flistxattr,fremovexattr,readahead,ftruncate,fsync,fdatasync,syncfs,"      \
    "fcntl,dup,dup2,dup3,sync_file_range,fallocate"

/* Los hilos del resolutor de libcurl de verdad: solo en un laboratorio que lo usa (el cliente
 * HTTP del curso), y que no tocaron ningún archivo normal. */
static int resolutores_de_verdad(const lab_t *lab, const vista_t *v)
{
    if (lab == NULL || !conducta_requiere(lab, "http_pedir"))
        return 0;
    int n = 0;
    for (int i = 0; i < v->nresolutores; i++) {
        int toca = 0;
        for (int k = 0; k < v->ntocan && !toca; k++)
            toca = v->tocan[k] == v->resolutores[i];
        n += !toca;
    }
    return n;
}
/* Suma lo visto en una ejecución al juicio del laboratorio (solo lo que prohíbe lab.json). */
static void sumar(const lab_t *lab, const vista_t *v, juicio_t *j)
{
    /* Bajo valgrind (--trace-children=yes), cada programa nuevo arranca otra vez la
     * herramienta: un execve de la entrega, aunque su informe no lo diga (el descriptor del
     * informe es también del programa: lo puede cerrar tras escribir un resumen falso). */
    if (conducta_prohibe(lab, "procesos") && v->herramientas > 1 && j->proceso[0] == '\0')
        snprintf(j->proceso, sizeof j->proceso,
                 "execve de otro programa bajo valgrind (más de un arranque de su herramienta: "
                 "%d)",
                 v->herramientas);
    if (v->denegada[0] != '\0' && j->denegada[0] == '\0')
        snprintf(j->denegada, sizeof j->denegada, "%s", v->denegada);
    if (v->principal == 0)
        return;
    j->observadas++;
    if (v->tope && j->tope[0] == '\0')
        snprintf(j->tope, sizeof j->tope,
                 "una traza de strace de más de %u MiB en una ejecución: lo que hizo el programa "
                 "después no se pudo juzgar",
                 TOPE_TRAZA_MIB);
    j->con_epoll += v->epoll > 0;
    j->sin_ip += v->sin_ip;
    j->con_ip += v->con_ip;
    /* Todos los laboratorios son de libuv: su bucle es el de libuv, nunca uno propio. */
    if (v->ajeno_epoll[0] != '\0' && j->ajeno_epoll[0] == '\0')
        snprintf(j->ajeno_epoll, sizeof j->ajeno_epoll, "%s", v->ajeno_epoll);
    if (conducta_prohibe(lab, "red_cruda") && v->ajeno_red[0] != '\0' && j->ajeno_red[0] == '\0')
        snprintf(j->ajeno_red, sizeof j->ajeno_red, "%s", v->ajeno_red);
    j->con_grupo += v->lecturas_grupo > 0;
    j->trabajo_con_pila += v->trabajo_con_pila;
    if (v->trabajo && v->trabajo_visto[0] != '\0' && j->trabajo[0] == '\0')
        snprintf(j->trabajo, sizeof j->trabajo, "%s", v->trabajo_visto);
    if (conducta_prohibe(lab, "lectura_bloqueante") && v->lectura[0] != '\0' &&
        j->lectura[0] == '\0')
        snprintf(j->lectura, sizeof j->lectura, "%s", v->lectura);
    if (conducta_prohibe(lab, "archivos_bloqueantes") && v->escritura[0] != '\0' &&
        j->escritura[0] == '\0')
        snprintf(j->escritura, sizeof j->escritura, "%s", v->escritura);
    if ((conducta_prohibe(lab, "archivos_bloqueantes") ||
         conducta_prohibe(lab, "lectura_bloqueante")) &&
        v->menor[0] != '\0' && j->menor[0] == '\0')
        snprintf(j->menor, sizeof j->menor, "%s", v->menor);
    if (conducta_prohibe(lab, "procesos") && v->proceso[0] != '\0' && j->proceso[0] == '\0')
        snprintf(j->proceso, sizeof j->proceso, "%s", v->proceso);
    if (conducta_prohibe(lab, "red_cruda") && v->red[0] != '\0' && j->red[0] == '\0')
        snprintf(j->red, sizeof j->red, "%s", v->red);
    /* Un servidor de libuv (requiere uv_listen: sin curl ni libpq, que sí usan poll) espera
     * en epoll; uno que espera con poll o select lleva sus propios sockets
     * (hostiles/chat_oculto.c, con las llamadas escondidas de los nombres). */
    if (conducta_prohibe(lab, "red_cruda") && conducta_requiere(lab, "uv_listen") &&
        v->sondeos > 0 && j->red[0] == '\0')
        snprintf(j->red, sizeof j->red,
                 "poll o select en el hilo del bucle, %d %s (libuv espera con epoll: son "
                 "sockets propios)",
                 v->sondeos, texto_plural(v->sondeos, "vez", "veces"));
    /* Y en un hilo del grupo: libuv no sondea en sus hilos, y un servidor sin cliente HTTP no
     * tiene resolutor que espere respuestas del DNS. Un hilo que espera con poll lleva sockets
     * que el bucle no ve: la sala entera en un uv_queue_work (hostiles/chat_grupo.c). */
    if (conducta_prohibe(lab, "red_cruda") && conducta_requiere(lab, "uv_listen") &&
        v->sondeos_hilo > 0 && j->red[0] == '\0')
        snprintf(j->red, sizeof j->red,
                 "poll o select en un hilo que no es el del bucle, %d %s (sockets que el bucle "
                 "de libuv no vigila)",
                 v->sondeos_hilo, texto_plural(v->sondeos_hilo, "vez", "veces"));
    /* libpq_bloqueante: libpq espera con poll en el hilo que la llama cuando bloquea
     * (PQconnectdb*, PQexec*, PQprepare, PQgetResult sin PQisBusy…); conducida por la
     * biblioteca del curso nunca espera: lo hace uv_run, en epoll. */
    if (conducta_prohibe(lab, "libpq_bloqueante") && v->sondeos_espera > 0 && j->libpq[0] == '\0')
        snprintf(j->libpq, sizeof j->libpq,
                 "poll o select que espera en el hilo del bucle, %d %s en una ejecución "
                 "(libuv espera con epoll: es libpq esperando al servidor)",
                 v->sondeos_espera, texto_plural(v->sondeos_espera, "vez", "veces"));
    /* Y en los hilos del grupo: libpq bloqueante dentro de un uv_queue_work (PQconnectdb,
     * PQexec… en cada hilo, con su conexión) espera igual, con poll, en ese hilo; la biblioteca
     * del curso solo manda al grupo PQcancel, que no sondea. Sin cliente HTTP no hay resolutor
     * de libcurl que espere al DNS: cuentan todos los hilos, también los que abrieron un socket
     * AF_UNIX (la conexión de libpq por el socket unix de PostgreSQL lo parece). Antes, el 12
     * sin bucle ni pool, con libpq bloqueante en cuatro hilos del grupo: 100/100 (adversario
     * de la sesión 52). */
    if (conducta_prohibe(lab, "libpq_bloqueante") && !conducta_requiere(lab, "http_pedir") &&
        v->esperas_hilo > 0 && j->libpq[0] == '\0')
        snprintf(j->libpq, sizeof j->libpq,
                 "poll o select que espera en un hilo del grupo, %d %s en una ejecución (es "
                 "libpq esperando al servidor dentro de un uv_queue_work)",
                 v->esperas_hilo, texto_plural(v->esperas_hilo, "vez", "veces"));
    int propios = v->creados - resolutores_de_verdad(lab, v);
    if (conducta_prohibe(lab, "hilos") && propios > HILOS_GRUPO && j->hilos[0] == '\0')
        snprintf(j->hilos, sizeof j->hilos,
                 "un exceso de hilos en una ejecución (creados: %d; el grupo de hilos de libuv "
                 "tiene " CAL_TEXTO(HILOS_GRUPO) ")",
                 propios);
    int larga = v->espera_total_ms >= ESPERA_LARGA_MS || v->esperas_sin_medida > 0;
    if ((v->esperas > ESPERAS_MAX || larga) && j->esperas[0] == '\0') {
        char cuanto[96] = "";
        if (v->esperas_sin_medida > 0)
            snprintf(cuanto, sizeof cuanto,
                     " (hasta una hora fija o con un reloj de CPU: sin plazo "
                     "que se pueda medir)");
        else if (larga && v->esperas == 1)
            snprintf(cuanto, sizeof cuanto, " (una de %ld ms)", v->espera_max_ms);
        else if (larga)
            snprintf(cuanto, sizeof cuanto, " (%ld ms entre todas; la más larga, %ld ms)",
                     v->espera_total_ms, v->espera_max_ms);
        /* Lo decide la mayoría, salvo si alguna pila prueba un bucle propio: antes, dos
         * usleep(0) en una callback por cada siesta del bucle propio de main lo hacían pasar
         * por siestas de callback, lo menor (revisión de la sesión 77). */
        j->esperas_run = v->esperas_propias == 0 && 2 * v->esperas_run > v->esperas;
        j->esperas_cb = v->esperas_propias == 0 && 2 * v->esperas_cb > v->esperas;
        snprintf(j->esperas, sizeof j->esperas,
                 "nanosleep en el hilo del bucle, %d %s%s en una ejecución%s", v->esperas,
                 texto_plural(v->esperas, "vez", "veces"), cuanto,
                 j->esperas_cb    ? ", dentro de uv_run (en sus callbacks: libuv está en su pila)"
                 : j->esperas_run ? ", dentro de uv_run (en las callbacks: después de que libuv "
                                    "empezara a vigilar sus descriptores)"
                                  : "");
    }
    j->lecturas_entrada += v->lecturas_entrada;
    for (int i = 0; i < MAX_REGLAS; i++)
        if (j->roto[i][0] == '\0')
            memcpy(j->roto[i], v->roto[i], sizeof j->roto[i]);
}
/* Añade `texto` a *campo en una línea nueva. */
static void anadir_linea(char **campo, const char *texto)
{
    char *t = texto_formato("%s%s%s", *campo != NULL ? *campo : "",
                            *campo != NULL && (*campo)[0] != '\0' ? "\n" : "", texto);
    free(*campo);
    *campo = t;
}

/* «Lo demás de esta verificación pasó (…), pero <pero>»: en el detalle de una verificación que
 * pasaba y pierde por lo visto en las trazas, con lo que obtuvo entre paréntesis. Sin nada
 * obtenido, sin paréntesis: unas comillas vacías («») parecían un error del informe. */
static void lo_demas_paso(verificacion_t *v, const char *pero)
{
    char *t = (v->obtenido != NULL && v->obtenido[0] != '\0')
                  ? texto_formato("Lo demás de esta verificación pasó («%.300s»), pero %s",
                                  v->obtenido, pero)
                  : texto_formato("Lo demás de esta verificación pasó, pero %s", pero);
    anadir_linea(&v->detalle, t);
    free(t);
}

/* Las «reglas_traza» rotas quitan su verificación; las que no se pudieron juzgar (ninguna
 * lectura de la entrada en las trazas) lo dicen en su detalle. */
static void aplicar_reglas(lab_t *lab, const juicio_t *j)
{
    for (int i = 0; i < lab->nreglas && i < MAX_REGLAS; i++) {
        const regla_traza_t *r = &lab->reglas[i];
        verificacion_t *v = lab_verificacion(lab, r->verificacion);
        if (v == NULL)
            continue;
        if (j->lecturas_entrada == 0) {
            char *t = texto_formato("No se pudo juzgar lo que pide cada lectura («%s»): las "
                                    "trazas de strace no tienen ninguna lectura de un archivo de "
                                    "la entrada.",
                                    r->porque);
            anadir_linea(&v->detalle, t);
            free(t);
            continue;
        }
        if (j->roto[i][0] == '\0')
            continue;
        char *esperado = texto_formato("%s; y cada lectura de un archivo de la entrada pide "
                                       "%ld %s",
                                       v->esperado != NULL ? v->esperado : "", r->lectura_bytes,
                                       texto_plural(r->lectura_bytes, "byte", "bytes"));
        char *obtenido = v->ok ? texto_formato("%s: %s", j->roto[i], r->porque)
                               : texto_formato("%s: %s\n%s", j->roto[i], r->porque,
                                               v->obtenido != NULL ? v->obtenido : "");
        if (v->ok)
            lo_demas_paso(v, "lo que pide cada lectura se juzga en las trazas de strace "
                             "(«reglas_traza» de lab.json).");
        free(v->esperado);
        free(v->obtenido);
        v->esperado = esperado;
        v->obtenido = obtenido;
        v->ok = 0;
    }
}

char *conducta_reglas_sin_juzgar(lab_t *lab, const char *motivo_txt)
{
    char *aviso = NULL;
    for (int i = 0; i < lab->nreglas; i++) {
        verificacion_t *v = lab_verificacion(lab, lab->reglas[i].verificacion);
        if (v == NULL)
            continue;
        char *t = texto_formato("No se pudo juzgar lo que pide cada lectura («%s»): %s.",
                                lab->reglas[i].porque, motivo_txt);
        anadir_linea(&v->detalle, t);
        free(t);
        t = texto_formato("%s%s«%s» (%ld %s por lectura)", aviso != NULL ? aviso : "",
                          aviso != NULL ? ", " : "", v->nombre, lab->reglas[i].lectura_bytes,
                          texto_plural(lab->reglas[i].lectura_bytes, "byte", "bytes"));
        free(aviso);
        aviso = t;
    }
    return aviso;
}

static void motivo(char **informe, const char *visto, const char *porque)
{
    if (visto[0] == '\0')
        return;
    char *t = texto_formato("%s%sSe vio %s. %s.", *informe != NULL ? *informe : "",
                            *informe != NULL ? "\n" : "", visto, porque);
    free(*informe);
    *informe = t;
}

/* Por qué lo menor (cerrar, medir o borrar un archivo sin callback) está mal, y cuánto cuesta. */
static const char MOTIVO_MENOR[] =
    "Cerrar, medir (fstat) o borrar un archivo sin callback también bloquea el bucle, "
    "aunque sea poco: uv_fs_close, uv_fs_fstat y uv_fs_unlink van con su callback, en "
    "el grupo de hilos de libuv. Es un fallo pequeño: por sí solo cuesta una "
    "verificación, no el laboratorio";

/* Por qué dormir en una callback está mal, y cuánto cuesta. */
static const char MOTIVO_ESPERAS[] =
    "Cada uno (usleep, sleep, nanosleep) bloquea el bucle mientras duerme: en ese tiempo no "
    "avanza nada más (ni la red, ni los temporizadores, ni las señales). Para esperar sin "
    "bloquear, un uv_timer_t (uv_timer_start) con su callback. Como el trabajo sigue hecho con "
    "libuv, es un fallo pequeño: por sí solo cuesta una verificación, no el laboratorio";

/* ¿Hay en `j` algo de lo menor? Cerrar, medir o borrar sin callback, o dormir en callbacks, si
 * lo prueba la pila de los nanosleep: sin ella (sin -k), «después del primer epoll_ctl» también
 * lo cumple un bucle propio con uv_run(…, UV_RUN_NOWAIT), y decide como siempre. */
static int hay_menor(const juicio_t *j)
{
    return j->menor[0] != '\0' || (j->esperas[0] != '\0' && j->esperas_cb);
}

/* Lo prohibido que se vio en `j`, un «Se vio …. Qué usar.» por línea (NULL si nada); lo
 * menor, solo `con_menor` (sin ello, lo que decide si el laboratorio se califica). */
static char *informe_de(const juicio_t *j, int con_menor)
{
    char *r = NULL;
    char **informe = &r;
    motivo(informe, j->denegada,
           "La caja de arena no permite esa llamada al sistema en ningún laboratorio (el anillo "
           "de claves, Linux AIO, bpf, perf, leer la memoria de otro proceso…): nada del curso "
           "la necesita, así que pedirla cuenta como un medio prohibido, en cualquier camino");
    motivo(informe, j->tope,
           "Lo que no se pudo juzgar no da puntos. Una traza tan larga son cientos de miles "
           "de llamadas de las que se vigilan (archivos, red, procesos, esperas): leer o "
           "escribir de a pocos bytes, o repetir sin fin la misma operación");
    motivo(informe, j->lectura,
           "Leer o mirar (stat) archivos o carpetas en el hilo del bucle lo bloquea "
           "mientras espera al disco: se hace con uv_fs_open, uv_fs_read, uv_fs_scandir y "
           "uv_fs_stat con su callback, que trabajan en "
           "el grupo de hilos de libuv (una callback NULL las hace síncronas, en el hilo del "
           "bucle)");
    motivo(informe, j->trabajo,
           "Leer, escribir, abrir o listar archivos es el trabajo asíncrono de este "
           "laboratorio: cada paso es una uv_fs_* con su callback, que libuv hace en su grupo "
           "de hilos y avisa al bucle al acabar. Las uv_fs_* sin callback (o read, open, "
           "fopen… de libc) dentro de una callback de trabajo de uv_queue_work bloquean ese "
           "hilo del grupo de principio a fin: es el programa síncrono de siempre, escondido "
           "en otro hilo, y el enunciado lo deja sin calificar como leer bloqueando en el hilo "
           "del bucle");
    motivo(informe, j->escritura,
           "Abrir para escribir, escribir, truncar o renombrar archivos en el hilo del bucle "
           "lo bloquea: se hace con uv_fs_open, uv_fs_write, uv_fs_ftruncate y uv_fs_rename "
           "con su callback, en el grupo de hilos de libuv");
    if (con_menor)
        motivo(informe, j->menor, MOTIVO_MENOR);
    motivo(informe, j->proceso,
           "El trabajo se hace dentro del programa, con libuv: no se crean procesos ni se "
           "ejecutan otros programas");
    motivo(informe, j->red,
           "La red la lleva el bucle de eventos (libuv, o curl sobre libuv en el cliente del "
           "curso): sin sockets en hilos propios");
    motivo(informe, j->libpq,
           "Las llamadas de libpq que esperan al servidor (PQconnectdb, PQexec, PQexecParams, "
           "PQprepare, PQgetResult sin PQisBusy…) bloquean mientras tanto el hilo que las hace "
           "(el del bucle, o uno del grupo dentro de un uv_queue_work): las "
           "conexiones y las sentencias van por la biblioteca del curso (bd_conectar, "
           "bd_consultar), que las lleva sin bloquear sobre libuv");
    motivo(informe, j->ajeno_epoll,
           "El programa lleva su propio bucle de eventos (su propio epoll), no el de libuv: el "
           "bucle debe ser el de libuv, uv_run(UV_RUN_DEFAULT), y los descriptores los vigila "
           "libuv (uv_tcp_*, uv_poll_*, uv_timer_*…), no el programa");
    motivo(informe, j->ajeno_red,
           "Los sockets los crea libuv (en un servidor: uv_tcp_init, uv_tcp_bind, uv_listen, "
           "uv_accept), o curl o libpq dentro de la biblioteca del curso (en un cliente: "
           "http_pedir, bd_conectar), y el bucle de libuv los mueve: no el programa con sus "
           "propias llamadas ni con las de libcurl en un bucle suyo");
    motivo(informe, j->hilos,
           "Solo cuenta el grupo de hilos de libuv (" CAL_TEXTO(
               HILOS_GRUPO) " en la "
                            "calificación): la concurrencia del laboratorio es la del bucle de "
                            "eventos, sin "
                            "hilos propios");
    if (j->esperas_cb) {
        if (con_menor)
            motivo(informe, j->esperas, MOTIVO_ESPERAS);
    } else if (j->esperas_run)
        motivo(informe, j->esperas,
               "Cada uno (usleep, sleep, nanosleep) bloquea el bucle mientras duerme: en ese "
               "tiempo no avanza nada más (ni la red, ni los temporizadores, ni las señales). "
               "Para esperar sin bloquear, un uv_timer_t (uv_timer_start) con su callback");
    else
        motivo(informe, j->esperas,
               "Eso es un bucle propio que duerme y vuelve a mirar (espera activa): las esperas "
               "las hace uv_run(UV_RUN_DEFAULT), que duerme en epoll hasta que hay algo que "
               "hacer");
    return r;
}

/* ¿Lo único roto en `j` es dormir en el hilo del bucle después de que libuv empezara a vigilar
 * sus descriptores (esperas_run), sin la pila que lo pruebe (esperas_cb: sin -k, en el 07, el 10
 * y el 12)? Eso es dormir en una callback o un bucle propio con uv_run(…, UV_RUN_NOWAIT), y sin
 * pila no se distinguen. Para la proporción no cuenta como camino principal por verse en una
 * verificación del núcleo: un bucle propio duerme en todas las ejecuciones (más de la mitad de
 * las verificaciones: el laboratorio sin calificar, como antes), y una siesta en una callback
 * (un usleep al parar, al reintentar) solo en las que pasan por ella, que pierden sus puntos.
 * Antes, un sleep de 100 ms en una callback de una sola verificación del núcleo dejaba sin
 * calificar el laboratorio entero: un profesor quitaría esa verificación, no el laboratorio. */
static int solo_dormir_en_el_bucle(const juicio_t *j)
{
    if (j->esperas[0] == '\0' || !j->esperas_run || j->esperas_cb)
        return 0;
    juicio_t *sin = malloc(sizeof *sin);
    if (sin == NULL)
        return 0; /* sin memoria, lo de siempre: cuenta como camino principal */
    memcpy(sin, j, sizeof *sin);
    sin->esperas[0] = '\0';
    char *resto = informe_de(sin, 0);
    int solo = resto == NULL;
    free(resto);
    free(sin);
    return solo;
}

int conducta_preparar(const char *construccion, const char *trabajo, const char *binario,
                      char *carpeta, size_t t_c, char *puerta, size_t t_p)
{
    carpeta[0] = puerta[0] = '\0';
    char origen[PATH_MAX], error[256];
    texto_poner(origen, sizeof origen, "%s/bin/calif-puerta", construccion);
    /* La puerta, junto al binario (el usuario de la caja llega allí: entrega_accesible). */
    const char *barra = strrchr(binario, '/');
    if (barra == NULL || access(origen, X_OK) != 0)
        return -ENOENT;
    texto_poner(puerta, t_p, "%.*s/calif-puerta", (int)(barra - binario), binario);
    if (archivos_copiar(origen, puerta, error, sizeof error) < 0 || chmod(puerta, 0755) < 0)
        return -EIO;
    texto_poner(carpeta, t_c, "%s/trazas", trabajo);
    archivos_borrar_arbol(carpeta);
    if (mkdir(carpeta, 0700) < 0)
        return -errno;
    return 0;
}

void conducta_terminar(const char *carpeta)
{
    const char *guardar = getenv("CALIF_GUARDAR_TRAZAS");
    if (carpeta[0] == '\0' || (guardar != NULL && strcmp(guardar, "1") == 0))
        return;
    archivos_borrar_arbol(carpeta);
}

/* La verificación de una traza, por su nombre («<pid>-<n>[-valgrind]@<id>.traza»,
 * lib/observar.c): su índice en lab->v, o -1 si no lo dice o no es del laboratorio (las
 * trazas guardadas de --juzgar-trazas, o lanzada fuera de una verificación). */
static int traza_verificacion(lab_t *lab, const char *nombre)
{
    const char *arroba = strrchr(nombre, '@');
    if (arroba == NULL)
        return -1;
    char id[128];
    size_t n = strlen(arroba + 1) - strlen(".traza");
    if (n == 0 || n >= sizeof id)
        return -1;
    memcpy(id, arroba + 1, n);
    id[n] = '\0';
    verificacion_t *v = lab_verificacion(lab, id);
    return v != NULL ? (int)(v - lab->v) : -1;
}

/* Una verificación con el disco lento (cal_lanzamiento_t.escritura_lenta_ms, rename_lento_ms)
 * en la que el programa escribió o renombró con otras llamadas que las que se hacen lentas:
 * esa parte no se pudo juzgar, y sin juzgar no hay puntos (hostiles/descargas_sin_posicion.c). */
static void disco_esquivado(verificacion_t *v, const char *visto)
{
    char *o = texto_formato("el disco lento de esta verificación no se pudo aplicar: se vio %s. "
                            "Solo se hacen lentas las escrituras con posición (pwrite64, pwritev, "
                            "pwritev2: uv_fs_write con la posición explícita, como pide el "
                            "enunciado) y los renombrados (rename)%s%s",
                            visto, v->ok ? "" : "\n",
                            v->ok ? "" : (v->obtenido != NULL ? v->obtenido : ""));
    free(v->obtenido);
    v->obtenido = o;
    v->ok = 0;
}

/* La pista de una verificación que no cuenta por los medios: la suya habla de lo que juzga
 * (en el 11, del orden de las escrituras), y lo que falló fue otra cosa (un uv_fs_close sin
 * callback: el estudiante de prueba de la sesión 33 buscaba el fallo en el orden). */
static void pista_de_medios(verificacion_t *v)
{
    char *t = texto_formato("esta no falla por lo que juzga, sino por los medios: cambia lo "
                            "que dice «Obtenido» por lo que allí se propone.");
    free(v->pista);
    v->pista = t;
}

/* Un medio prohibido visto solo fuera del núcleo: cada verificación donde se vio queda en 0
 * con lo visto (qué llamada, qué hilo, qué archivo, qué usar). */
static void quitar_verificacion(verificacion_t *v, const char *visto)
{
    pista_de_medios(v);
    if (v->ok)
        lo_demas_paso(v, "en sus ejecuciones el programa usó medios que el laboratorio no "
                         "permite (observado con strace).");
    char *o = texto_formato("no cuenta: en esta verificación el programa usa medios que el "
                            "laboratorio no permite.\n%s%s%s",
                            visto, v->ok ? "" : "\n",
                            v->ok ? "" : (v->obtenido != NULL ? v->obtenido : ""));
    free(v->obtenido);
    v->obtenido = o;
    v->ok = 0;
}

/* Dónde se cobra lo menor: la primera verificación del «nucleo» donde se vio, o si no la
 * primera donde se vio (-1: solo en trazas que no dicen de qué verificación son). */
static int donde_cobrar_menor(const lab_t *lab, const juicio_t *por)
{
    int primera = -1;
    for (int i = 0; i < lab->nv; i++) {
        if (!hay_menor(&por[i]))
            continue;
        if (lab_nucleo(lab, lab->v[i].id))
            return i;
        if (primera < 0)
            primera = i;
    }
    return primera;
}

/* La pila de cada llamada de la red y de epoll (strace -k en todas las ejecuciones sin
 * valgrind): en los servidores (uv_listen requerido, el 09) y en los laboratorios con
 * red_cruda que la piden en todas («pila_en»: ["*"]; hoy ninguno). */
static int pila_de_la_red(const lab_t *lab)
{
    int en_todas = lab->npila_en > 0 && strcmp(lab->pila_en[0], "*") == 0;
    return conducta_prohibe(lab, "red_cruda") && (conducta_requiere(lab, "uv_listen") || en_todas);
}

int conducta_juzgar(lab_t *lab, const char *carpeta, int reglas, char **informe, char **aviso)
{
    *informe = *aviso = NULL;
    juicio_t j;
    memset(&j, 0, sizeof j);
    /* Lo visto en cada verificación (la última casilla: trazas que no dicen de cuál son). */
    juicio_t *por = calloc((size_t)lab->nv + 1, sizeof *por);
    char *esquivadas = calloc((size_t)lab->nv + 1, 1);
    if (por == NULL || esquivadas == NULL) {
        free(por);
        free(esquivadas);
        return -1;
    }
    entradas_t entradas;
    conducta_entradas_leer(carpeta, &entradas);
    char **trazas = conducta_carpeta_nombres(carpeta, ".traza");
    for (size_t k = 0; trazas != NULL && trazas[k] != NULL; k++) {
        char ruta[PATH_MAX];
        texto_poner(ruta, sizeof ruta, "%s/%s", carpeta, trazas[k]);
        vista_t *v = malloc(sizeof *v);
        if (v == NULL)
            break;
        v->lab = lab;
        v->entradas = &entradas;
        conducta_leer_traza(ruta, lab->programa, v, conducta_pila(lab));
        j.trazas++;
        sumar(lab, v, &j);
        int iv = traza_verificacion(lab, trazas[k]);
        sumar(lab, v, &por[iv >= 0 ? iv : lab->nv]);
        if (reglas && v->esquivo[0] != '\0' && iv >= 0 && !esquivadas[iv]) {
            esquivadas[iv] = 1;
            disco_esquivado(&lab->v[iv], v->esquivo);
        }
        free(v);
    }
    conducta_nombres_liberar(trazas);
    free(esquivadas);
    conducta_entradas_liberar(&entradas);
    if (j.observadas == 0) {
        free(por);
        return -1; /* nada que juzgar: quien llama lo dice */
    }
    pila_motivo[0] = '\0';
    if (origen_ok && !pila_ok && pila_de_la_red(lab))
        snprintf(pila_motivo, sizeof pila_motivo,
                 "este strace no da la pila de cada llamada (-k), y sin ella no se sabe si las "
                 "hace libuv o el programa con las funciones de libc");
    if (origen_ok && j.sin_ip > 0 && j.con_ip == 0)
        snprintf(origen_motivo, sizeof origen_motivo,
                 "strace no dio la dirección de ninguna de las llamadas de epoll o de la red "
                 "(%d)",
                 j.sin_ip);
    /* «El grupo lee por el programa»: sin ninguna pila de un archivo del grupo, no se juzgó. */
    trabajo_motivo[0] = '\0';
    if (lab->npila_en > 0 &&
        (conducta_prohibe(lab, "lectura_bloqueante") ||
         conducta_prohibe(lab, "archivos_bloqueantes")) &&
        j.trabajo_con_pila == 0)
        snprintf(trabajo_motivo, sizeof trabajo_motivo, "%s",
                 origen_ok && !pila_ok
                     ? "este strace no da la pila de cada llamada (-k), y sin ella no se sabe si "
                       "un archivo que toca el grupo de hilos de libuv lo pidió una uv_fs_* con "
                       "callback o el propio programa en una callback de uv_queue_work"
                     : "en las trazas no hay ningún archivo tocado por el grupo de hilos de libuv "
                       "con su pila (strace -k), y sin ella no se sabe si lo pidió una uv_fs_* "
                       "con callback o el propio programa en una callback de uv_queue_work");
    *informe = informe_de(&j, 1);
    /* ¿En el camino principal? Sí, si se vio en una verificación del núcleo («nucleo» de
     * lab.json; no si lo único roto allí es dormir en el bucle ya en marcha:
     * solo_dormir_en_el_bucle), en una traza que no dice de qué verificación es, o en más de la
     * mitad de las verificaciones con ejecuciones observadas (entonces es el programa entero).
     * Si no, solo pierden sus puntos las verificaciones donde se vio. */
    int incidental = 0;
    /* Lo menor (cerrar, medir o borrar sin callback, dormir en callbacks) no cuenta para eso: se
     * cobra una vez, en una verificación (donde_cobrar_menor), salvo si solo se vio en trazas
     * sin verificación. */
    int cobrar_menor = hay_menor(&j) ? donde_cobrar_menor(lab, por) : -1;
    if (*informe != NULL) {
        int con_ejecuciones = 0, rotas = 0, nucleo = 0;
        for (int i = 0; i <= lab->nv; i++) {
            char *visto = informe_de(&por[i], 0);
            int menor_aqui = i == lab->nv && hay_menor(&por[i]) && cobrar_menor < 0;
            con_ejecuciones += por[i].observadas > 0 || visto != NULL;
            if (visto != NULL || menor_aqui) {
                rotas++;
                nucleo |= i == lab->nv ||
                          (lab_nucleo(lab, lab->v[i].id) && !solo_dormir_en_el_bucle(&por[i]));
            }
            free(visto);
        }
        /* Una llamada que la caja no permite nunca (el anillo de claves, Linux AIO…) es
         * intentar salir de la caja: cuesta el laboratorio, esté donde esté. */
        incidental = !nucleo && 2 * rotas <= con_ejecuciones && j.denegada[0] == '\0';
    }
    if (incidental) {
        /* El informe del laboratorio: qué verificaciones pierden sus puntos, y por qué. */
        free(*informe);
        *informe = NULL;
        for (int i = 0; i < lab->nv; i++) {
            char *visto = informe_de(&por[i], 0);
            if (i == cobrar_menor) {
                motivo(&visto, por[i].menor, MOTIVO_MENOR);
                if (por[i].esperas_cb)
                    motivo(&visto, por[i].esperas, MOTIVO_ESPERAS);
            }
            if (visto == NULL)
                continue;
            char *t = texto_formato("En «%s» (%s):\n%s", lab->v[i].nombre, lab->v[i].id, visto);
            anadir_linea(informe, t);
            free(t);
            if (reglas)
                quitar_verificacion(&lab->v[i], visto);
            free(visto);
        }
    }
    free(por);
    if (*informe == NULL && conducta_requiere(lab, "uv_run") && j.con_epoll == 0 &&
        (conducta_prohibe(lab, "lectura_bloqueante") ||
         conducta_prohibe(lab, "archivos_bloqueantes")))
        *aviso = texto_dup("uv_run (en ninguna ejecución vigiló el hilo del bucle un descriptor "
                           "con epoll: el bucle de eventos no llegó a correr)");
    else if (*informe == NULL && conducta_prohibe(lab, "lectura_bloqueante") && j.con_grupo == 0)
        *aviso = texto_dup("uv_fs_* con su callback (ningún archivo se leyó en el grupo de hilos "
                           "de libuv)");
    if (reglas && (*informe == NULL || incidental))
        aplicar_reglas(lab, &j);
    return *informe == NULL ? 0 : incidental ? 2 : 1;
}

int conducta_mostrar(const opciones_t *op, char **carpetas, int n)
{
    lab_t lab = {0};
    struct stat st;
    if (n != 1 || labs_cargar(op, carpetas[0], &lab) < 0) {
        fprintf(stderr, "calificar: --juzgar-trazas necesita un solo laboratorio válido (--lab)\n");
        lab_liberar(&lab);
        return 2;
    }
    if (stat(op->trazas, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "calificar: «%s» no es una carpeta de trazas\n", op->trazas);
        lab_liberar(&lab);
        return 2;
    }
    char *informe, *aviso;
    int r = conducta_juzgar(&lab, op->trazas, 0, &informe, &aviso);
    if (r < 0)
        printf("No hay ninguna ejecución observada del programa «%s» en %s.\n", lab.programa,
               op->trazas);
    else if (r == 1)
        printf("Rompe las reglas de medios del laboratorio %s:\n%s\n", lab.carpeta, informe);
    else if (r == 2)
        printf("Rompe las reglas de medios del laboratorio %s solo fuera de sus verificaciones "
               "principales, o con un fallo pequeño (pierden sus puntos estas "
               "verificaciones):\n%s\n",
               lab.carpeta, informe);
    else
        printf("Sin reglas de medios rotas%s%s.\n", aviso != NULL ? "; no se vio: " : "",
               aviso != NULL ? aviso : "");
    if (r >= 0 && r != 1 && trabajo_motivo[0] != '\0')
        printf("No se pudo juzgar si el grupo de hilos de libuv toca los archivos a petición del "
               "programa: %s.\n",
               trabajo_motivo);
    free(informe);
    free(aviso);
    lab_liberar(&lab);
    return r < 0 ? 3 : r != 0;
}

const char *conducta_strace(void)
{
    const char *strace = getenv("CALIF_STRACE");
    return strace != NULL && strace[0] == '/' ? strace : "/usr/bin/strace";
}

int conducta_probar(char *motivo_txt, size_t tam)
{
    motivo_txt[0] = '\0';
    const char *sin = getenv("CALIF_SIN_OBSERVAR");
    if (sin != NULL && sin[0] != '\0' && strcmp(sin, "0") != 0) {
        texto_poner(motivo_txt, tam, "CALIF_SIN_OBSERVAR está puesta (no se observa el programa)");
        return 0;
    }
    const char *strace = conducta_strace();
    if (access(strace, X_OK) != 0) {
        texto_poner(motivo_txt, tam,
                    "strace no está instalado (make deps lo instala), así que no se vio qué hace "
                    "el programa: ni los archivos en el hilo del bucle, ni los hilos ni los "
                    "procesos que crea");
        return 0;
    }
    /* Tal como se usará: como el usuario de la caja, siguiendo hijos, con --seccomp-bpf. */
    const char *argv[] = {strace, "-f",        "-qq", "--seccomp-bpf", "-e", "trace=execve",
                          "-o",   "/dev/null", "--",  "/bin/true",     NULL};
    const char *entorno[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};
    orden_t o = {
        .argv = argv, .entorno = entorno, .limite_s = 20, .uid = geteuid() == 0 ? uid_caja() : 0};
    int r = orden_ejecutar(&o);
    int ok = r == 0 && orden_bien(&o);
    if (!ok)
        texto_poner(motivo_txt, tam,
                    "esta máquina no deja usar ptrace (strace falló: %.200s), así que no se vio "
                    "qué hace el programa: ni los archivos en el hilo del bucle, ni los hilos ni "
                    "los procesos que crea. En un contenedor, ptrace de un hijo propio suele "
                    "estar permitido; mira kernel.yama.ptrace_scope y el perfil seccomp",
                    o.capturado != NULL ? o.capturado : "");
    free(o.capturado);
    /* Desde dónde se hace cada llamada (strace -i): cualquier strace lo sabe. CALIF_SIN_ORIGEN
     * lo apaga (prueba-autograder: el aviso dice que no se juzgó). */
    const char *sin_origen = getenv("CALIF_SIN_ORIGEN");
    origen_ok = ok && (sin_origen == NULL || sin_origen[0] == '\0' || strcmp(sin_origen, "0") == 0);
    /* La pila (-k) solo la da un strace construido con libdw o libunwind (el de Debian sí). */
    pila_ok = 0;
    if (origen_ok) {
        const char *argk[] = {strace,         "-f", "-qq",       "-k", "--seccomp-bpf", "-e",
                              "trace=execve", "-o", "/dev/null", "--", "/bin/true",     NULL};
        orden_t k = {.argv = argk,
                     .entorno = entorno,
                     .limite_s = 20,
                     .uid = geteuid() == 0 ? uid_caja() : 0};
        pila_ok = orden_ejecutar(&k) == 0 && orden_bien(&k);
        free(k.capturado);
    }
    texto_poner(origen_motivo, sizeof origen_motivo, "%s",
                ok && !origen_ok ? "CALIF_SIN_ORIGEN está puesta" : "");
    return ok;
}

int conducta_origen(void)
{
    return origen_ok;
}

const char *conducta_sin_origen(void)
{
    return origen_motivo[0] != '\0' ? origen_motivo : pila_motivo[0] != '\0' ? pila_motivo : NULL;
}

const char *conducta_sin_pila_trabajo(void)
{
    return trabajo_motivo[0] != '\0' ? trabajo_motivo : NULL;
}

const char *conducta_origen_entorno(const lab_t *lab)
{
    static char e[600];
    if (conducta_pila(lab))
        return "CALIF_OBSERVAR_ORIGEN=2";
    if (!origen_ok)
        return "CALIF_OBSERVAR_ORIGEN=0";
    if (!pila_ok || lab->npila_en == 0)
        return "CALIF_OBSERVAR_ORIGEN=1";
    if (strcmp(lab->pila_en[0], "*") == 0)
        return "CALIF_OBSERVAR_ORIGEN=2"; /* -k en todas (lib/observar.c) */
    size_t n = (size_t)snprintf(e, sizeof e, "CALIF_OBSERVAR_ORIGEN=3:");
    for (int i = 0; i < lab->npila_en && n < sizeof e; i++)
        n += (size_t)snprintf(e + n, sizeof e - n, "%s%s", i > 0 ? "," : "", lab->pila_en[i]);
    return e;
}

int conducta_pila(const lab_t *lab)
{
    return origen_ok && pila_ok && pila_de_la_red(lab);
}

const char *conducta_llamadas(const lab_t *lab)
{
    /* Cada llamada parada cuesta dos cambios de contexto (entrada y salida), y con la máquina
     * cargada eso retrasa el bucle: las de la red y epoll_ctl están en el camino de cada
     * petición. Por eso de la red solo se paran las que crean sockets o aceptan conexiones
     * (no connect ni send/recv), y epoll_ctl solo donde ya se paran los archivos (08 y 11). */
    static char l[2048];
    int archivos = conducta_prohibe(lab, "lectura_bloqueante") ||
                   conducta_prohibe(lab, "archivos_bloqueantes");
    /* Con -i, epoll_create* y epoll_ctl en todos: desde dónde se llaman dice si el bucle es
     * el de libuv. epoll_ctl va una vez por descriptor nuevo o cambio de lo vigilado (no por
     * vuelta, como epoll_wait). mmap solo donde ya se para (08 y 11): al cargar libcurl y
     * sus dependencias son unas 150 paradas antes de main, que retrasaban el arranque del
     * 07 (autograder/README.md, «Medios»). */
    /* Con la pila (-k: el 09, y un cliente con «pila_en»: ["*"]), epoll_ctl no: en un cliente
     * de libcurl son varios por petición (vigilar, cambiar, dejar de vigilar cada socket), y
     * cada uno desenrolla su pila por libcurl y libuv: en el 07, 500 ms de más en cada petición
     * del primer ciclo con las verificaciones a la vez (la solución, 60/100). Y libuv 1.45 y
     * posteriores (la 1.50 de Debian 13)
     * hacen un epoll_ctl(MOD) por cada escritura terminada (al vaciarse la cola de un stream
     * vuelve a aplicar lo vigilado, aunque no cambie), y cada parada con -k cuesta de 2 a 6 ms:
     * en carga_200 eran 20 300 paradas (con libuv 1.44, 203) y la solución no daba la
     * bienvenida a sus 200 clientes ni en 60 s con la máquina cargada (autograder/README.md,
     * «La pila, en la red»). Un bucle propio se delata igual en su epoll_create*, sus sockets,
     * listen y accept, que se paran con su pila. */
    snprintf(l, sizeof l,
             "execve,execveat,clone,clone3,fork,vfork,nanosleep,clock_nanosleep%s%s%s%s%s%s",
             conducta_pila(lab)      ? ",epoll_create,epoll_create1"
             : origen_ok && archivos ? ",epoll_create,epoll_create1,epoll_ctl"
             : origen_ok             ? ",epoll_create,epoll_create1,epoll_ctl"
             : conducta_requiere(lab, "uv_run") && archivos ? ",epoll_ctl"
                                                            : "",
             conducta_prohibe(lab, "red_cruda") ? ",socket,accept,accept4,listen" : "",
             (conducta_prohibe(lab, "red_cruda") && conducta_requiere(lab, "uv_listen")) ||
                     conducta_prohibe(lab, "libpq_bloqueante")
                 ? ",poll,ppoll,select,pselect6"
                 : "",
             archivos ? ",openat,open,creat,read,pread64,readv,preadv,preadv2,getdents64,getdents,"
                        "openat2,splice,tee,sendfile,copy_file_range,mmap,io_uring_setup,"
                        "io_uring_enter,io_uring_register"
             : lab->nreglas > 0 ? ",read,pread64,readv,preadv,preadv2"
                                : "",
             conducta_prohibe(lab, "lectura_bloqueante") ? ",%file," POR_DESCRIPTOR_TODAS : "",
             conducta_prohibe(lab, "archivos_bloqueantes")
                 ? ",write,pwrite64,writev,pwritev,pwritev2,fsync,fdatasync,ftruncate,truncate,"
                   "rename,renameat,renameat2,link,linkat,unlink,unlinkat,symlink,symlinkat,"
                   "fallocate,sync_file_range,close,fstat,newfstatat,statx"
                 : "");
    return l;
}
