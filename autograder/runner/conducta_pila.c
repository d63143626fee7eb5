/* conducta_pila.c — desde dónde hace el programa una llamada al sistema: la dirección de su
 * instrucción syscall (strace -i) contra lo que la traza mapeó con mmap, y su pila entera (strace
 * -k) contra la que dan libuv, libcurl y libpq. Lo llama conducta_llamada.c con cada llamada que
 * lo necesita y con cada marco; lo que se ve queda en la vista de la traza (vista_t). Las reglas,
 * en runner/conducta.c («desde dónde», «la pila» y «el grupo no lee por el programa»).
 */
#include "conducta_interno.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- Desde dónde se hace la llamada -------------------------------------------------------
 *
 * strace -i pone delante de cada llamada la dirección de su instrucción syscall
 * («[00007f1157527c1a] epoll_ctl(…)»), y los mmap de la traza (-y da el archivo de cada uno;
 * solo en el 08 y el 11, donde ya se paran) dicen qué hay en cada dirección. libuv, libcurl y libpq
 * llaman a epoll_ctl, socket o accept4 por libc, así que su instrucción está en libc. Una
 * instrucción syscall del programa (hostiles/chat_epoll.c: su propio bucle epoll, escondido de
 * objdump) está en el propio programa, que el núcleo carga sin mmap: fuera de todo lo mapeado. La
 * que está en memoria sin archivo es código que el programa escribió. Solo se miran llamadas que el
 * cargador (ld.so, que tampoco se mapea con mmap) no hace nunca. Con -k (la pila entera) se vería
 * además quién llamó a libc, pero cuesta de 1 a 5 ms por llamada (medido en
 * common/TRAMPAS.md): las soluciones del 08 y el 11 no acababan a tiempo. */

static int sistema_y(const char *ruta, const char *const *nombres)
{
    if (!conducta_empieza(ruta, "/usr/lib/") && !conducta_empieza(ruta, "/lib/") &&
        !conducta_empieza(ruta, "/lib64/"))
        return 0;
    const char *base = strrchr(ruta, '/') + 1;
    for (int i = 0; nombres[i] != NULL; i++)
        if (conducta_empieza(base, nombres[i]))
            return 1;
    return 0;
}

static const char *const libc_y_cargador[] = {"libc.so", "libc-", "ld-linux", NULL};
static const char *const permitidas[] = {"libuv.so", "libcurl.so", "libcurl-gnutls.so", "libpq.so",
                                         NULL};
static const char *const solo_libuv[] = {"libuv.so", NULL};
/* En la pila de una llamada de la red o de epoll: libuv (o libpq, que conecta desde quien la
 * llama) la hace buena; libcurl no basta, es de paso. En la biblioteca del curso curl solo
 * trabaja dentro de curl_multi_socket_action, y esa solo se llama desde las callbacks de sus
 * uv_timer y uv_poll (common/src/http_cliente.c): libuv siempre está debajo. Un programa que
 * mueve curl con su propio bucle (curl_multi_perform y curl_multi_poll, halladas con
 * dl_iterate_phdr) crea sus sockets con libcurl y sin libuv, y el marco que se nombra es el
 * suyo, no el de libcurl (medido en el 07 con la pila en todas: 86/100 → 4). */
static const char *const con_bucle[] = {"libuv.so", "libpq.so", NULL};
static const char *const de_paso[] = {"libcurl.so", "libcurl-gnutls.so", NULL};

/* «mmap(dir, largo, prot, indicadores, fd<ruta>|-1, desp)» que devolvió `ret_txt`. */
void conducta_mapa_anotar(vista_t *v, const char *par, const char *ret_txt)
{
    const char *coma = strchr(par, ',');
    if (v->mapas == NULL || v->nmapas >= MAX_MAPAS || coma == NULL)
        return;
    struct mapa *m = &v->mapas[v->nmapas];
    m->ini = strtoul(ret_txt, NULL, 16);
    m->fin = m->ini + strtoul(coma + 1, NULL, 10);
    m->ruta[0] = '\0';
    if (!conducta_ruta_fd(par, m->ruta, sizeof m->ruta))
        m->ruta[0] = '\0';
    m->clase = m->ruta[0] == '\0'                    ? 'a'
               : sistema_y(m->ruta, libc_y_cargador) ? 'c'
               : sistema_y(m->ruta, permitidas)      ? 'p'
                                                     : 'o';
    if (m->fin > m->ini)
        v->nmapas++;
}

/* Juzga desde dónde se hizo `nombre` (la dirección `ip`; 0 = strace no la dio). */
void conducta_origen_juzgar(vista_t *v, const char *nombre, unsigned long ip, int red_)
{
    if (ip == 0) {
        v->sin_ip++;
        return;
    }
    v->con_ip++;
    if (v->nmapas == 0) {
        /* Sin los mmap (fuera del 08 y el 11): el propio programa (PIE, hacia 0x55…; sin PIE,
         * 0x400000) y su montón quedan por debajo de 0x700000000000, y las bibliotecas y la
         * memoria de mmap por encima (x86_64, disposición de arriba abajo). Lo que no se
         * distingue así, código en memoria sin archivo, queda sin ver aquí. */
        if (ip >= 0x700000000000UL)
            return;
    }
    const struct mapa *m = NULL;
    for (int i = v->nmapas - 1; i >= 0 && m == NULL; i--)
        if (ip >= v->mapas[i].ini && ip < v->mapas[i].fin)
            m = &v->mapas[i];
    if (m != NULL && (m->clase == 'c' || m->clase == 'p'))
        return;
    char desde[200];
    if (m == NULL)
        snprintf(desde, sizeof desde, "una instrucción syscall del propio programa");
    else if (m->clase == 'a')
        snprintf(desde, sizeof desde, "código en memoria sin archivo (escrito por el programa)");
    else
        snprintf(desde, sizeof desde, "código de «%s»", m->ruta);
    char *dst = red_ ? v->ajeno_red : v->ajeno_epoll;
    size_t tam = red_ ? sizeof v->ajeno_red : sizeof v->ajeno_epoll;
    conducta_anotar(
        dst, tam,
        "%s hecho por %s, no por libuv (ni por libc, por donde pasan libuv, curl y libpq)", nombre,
        desde);
}

/* Una llamada que debe pasar por libuv (o libcurl, libpq): sus marcos vienen detrás. */
void conducta_pila_esperar(vista_t *v, const char *nombre, int red_)
{
    if (!v->pila)
        return;
    v->pila_pendiente = 1;
    v->pila_modo = 0;
    v->pila_red = red_;
    v->pila_marcos = v->pila_biblioteca = v->pila_propio = 0;
    v->pila_quien[0] = '\0';
    snprintf(v->pila_nombre, sizeof v->pila_nombre, "%s", nombre);
}

/* Quién es un marco, para el informe: «función en «archivo»», o «archivo» sin símbolo. */
static void marco_quien(const char *marco, const char *ruta, char *dst, size_t tam)
{
    char fn[64];
    const char *base = strrchr(ruta, '/') + 1;
    conducta_marco_funcion(marco, fn, sizeof fn, 60);
    if (fn[0] != '\0')
        snprintf(dst, tam, "%s en «%s»", fn, base);
    else
        snprintf(dst, tam, "«%s»", base);
}

/* Un marco « > /ruta/archivo(función+0x…) [0x…]» (o « > /ruta/archivo() [0x…]» sin símbolo)
 * de la llamada pendiente. */
void conducta_pila_marco(vista_t *v, const char *marco)
{
    if (!v->pila_pendiente)
        return;
    char ruta[256];
    size_t n = strcspn(marco, "([ ");
    snprintf(ruta, sizeof ruta, "%.*s", (int)(n < sizeof ruta ? n : sizeof ruta - 1), marco);
    if (ruta[0] != '/') {
        /* «unexpected_backtracing_error»: un marco que libdw no atribuye a ningún archivo. En
         * la pila de un archivo del grupo cuenta (pila_cola lo rechaza): código fuera de todo
         * archivo (memoria W+X) cuyo marco libdw se salta con el puntero de marco, y la pila
         * seguiría como la permitida. */
        if (v->pila_modo == 1 && v->pila_n < PILA_MAX) {
            int i = v->pila_n++;
            v->pila_clase[i] = 'x';
            v->pila_dir[i] = 0;
            v->pila_funcion[i][0] = '\0';
            snprintf(v->pila_archivo[i], sizeof v->pila_archivo[i], "(sin archivo)");
        }
        return;
    }
    /* Los marcos de la precarga no cuentan: envuelve read, readv, write y writev de libc para
     * las cuentas del tráfico (common/herramientas/vivos/vivos.c), y entre libuv y libc queda
     * su marco; el programa no puede poner código en ella. */
    if (conducta_es_precarga(ruta))
        return;
    v->pila_marcos++;
    if (v->pila_modo == 2) {
        /* Un marco de libuv en la pila de un nanosleep: duerme en una callback de uv_run. Uno
         * del programa sin ninguno de libuv: duerme en su propio bucle. */
        if (sistema_y(ruta, solo_libuv))
            v->pila_biblioteca = 1;
        else if (conducta_ruta_normal(ruta))
            v->pila_propio = 1;
        return;
    }
    if (v->pila_modo == 1 && v->pila_n < PILA_MAX) {
        int i = v->pila_n++;
        v->pila_clase[i] = sistema_y(ruta, solo_libuv)        ? 'u'
                           : sistema_y(ruta, libc_y_cargador) ? 'c'
                                                              : 'o';
        const char *corchete = strrchr(marco, '[');
        v->pila_dir[i] = corchete != NULL ? strtoul(corchete + 1, NULL, 16) : 0;
        conducta_marco_funcion(marco, v->pila_funcion[i], sizeof v->pila_funcion[i],
                               sizeof v->pila_funcion[i] - 1);
        snprintf(v->pila_archivo[i], sizeof v->pila_archivo[i], "%s", strrchr(ruta, '/') + 1);
        if (v->pila_clase[i] == 'u' && v->pila_libuv[0] == '\0')
            snprintf(v->pila_libuv, sizeof v->pila_libuv, "%s", ruta);
    }
    if (v->pila_modo == 1) {
        /* Uno de libuv: el archivo lo pidió libuv (su worker → uv__fs_work), no libc sola. */
        if (sistema_y(ruta, solo_libuv))
            v->pila_biblioteca = 1;
        /* Un marco del propio programa: su binario (o cualquier archivo fuera del sistema que
         * no sea la precarga del calificador), no libc, libuv ni el cargador. */
        if (v->pila_programa[0] == '\0' && conducta_ruta_normal(ruta))
            marco_quien(marco, ruta, v->pila_programa, sizeof v->pila_programa);
        return;
    }
    if (sistema_y(ruta, con_bucle))
        v->pila_biblioteca = 1;
    else if (!sistema_y(ruta, libc_y_cargador) && !sistema_y(ruta, de_paso) &&
             v->pila_quien[0] == '\0')
        marco_quien(marco, ruta, v->pila_quien, sizeof v->pila_quien);
}

/* La pila de un archivo que toca un hilo del grupo de libuv, contra la única que da una uv_fs_*
 * con callback, de fuera adentro: el arranque del hilo (libc: start_thread, clone) ← el bucle
 * del grupo (`worker`, una función de libuv que no se exporta) ← justo encima, la función de
 * archivos de libuv (`uv__fs_work`, tampoco exportada) ← lo que esta llame, de libuv o de libc.
 * Es una lista de permitidos: cualquier otra forma se rechaza, porque el programa puede
 * fabricar la suya. Medido: una llamada de cola como última sentencia de una callback de
 * uv_queue_work borra de la pila el marco del programa y deja justo encima del bucle lo que
 * llamó (preadv64v2 de libc, 96/100 en el 08; uv_fs_open sin callback, 100/100); una pila nueva
 * con makecontext cuya función de entrada es uv_fs_read sin callback deja libc ← uv__fs_work ←
 * uv_fs_read ← __start_context de libc (100/100 en el 08 y el 11): el último marco de libuv es
 * una función exportada, no el bucle. Lo exportado se sabe por los rangos de .dynsym
 * (runner/exportadas.c): los nombres de strace no valen, libdw da el exportado más cercano.
 * Una pila que no llega al arranque del hilo (cortada, o con más de PILA_MAX marcos) también
 * se rechaza: la de una uv_fs_* con callback tiene de 5 a 7 marcos (medido en las soluciones
 * del 08 y el 11). 1 y el motivo en `por`, o 0 si es la permitida (si libuv no se pudo leer,
 * solo se mira que esos dos marcos sean de libuv). No cierra un libuv donde `uv__queue_work`
 * conserve su marco (en el de Debian es una llamada de cola), ni una pila fabricada con las
 * direcciones de retorno de `worker` y del arranque del hilo (autograder/README.md, «Medios»). */
static int pila_cola(const vista_t *v, char *por, size_t tam)
{
    char nombre[64];
    if (v->pila_marcos > v->pila_n) {
        snprintf(por, tam,
                 "una pila más larga que la de una uv_fs_* con callback (marcos: %d "
                 "o más; la permitida tiene 7 como mucho)",
                 PILA_MAX);
        return 1;
    }
    int w = -1;
    for (int i = v->pila_n - 1; i >= 0 && w < 0; i--)
        if (v->pila_clase[i] == 'u')
            w = i;
    if (w < 0)
        return 0; /* sin libuv: lo juzga conducta_pila_cerrar */
    if (w == v->pila_n - 1) {
        snprintf(por, tam, "una pila que acaba en libuv (%s) sin llegar al arranque del hilo",
                 v->pila_funcion[w][0] != '\0' ? v->pila_funcion[w] : "sin nombre");
        return 1;
    }
    /* Ningún marco que no sea de libc o de libuv, con o sin archivo. */
    for (int i = 0; i < v->pila_n; i++) {
        if (v->pila_clase[i] == 'x')
            snprintf(por, tam,
                     "una pila con un marco que strace no atribuye a ningún archivo "
                     "(código fuera del programa y de las bibliotecas)");
        else if (v->pila_clase[i] == 'o')
            snprintf(por, tam, "una pila con un marco de «%s», que no es libc ni libuv",
                     v->pila_archivo[i]);
        else
            continue;
        return 1;
    }
    for (int i = w + 1; i < v->pila_n; i++)
        if (v->pila_clase[i] != 'c') {
            snprintf(por, tam,
                     "una pila con marcos de otra biblioteca entre libuv y el arranque "
                     "del hilo");
            return 1;
        }
    /* Más adentro, una función que libuv exporta solo la llama libuv (uv__fs_copyfile llama a
     * uv_fs_open sin callback): llamada desde libc (un puntero a función, como el de
     * makecontext o el de un asignador de memoria propio), la pidió el programa. */
    for (int i = 0; i + 1 < w; i++)
        if (v->pila_clase[i] == 'u' && v->pila_clase[i + 1] != 'u' &&
            exportada_en(v->pila_libuv, v->pila_dir[i], nombre, sizeof nombre) == 1) {
            snprintf(por, tam,
                     "una pila en la que %s, una función que libuv exporta, la llama otra cosa "
                     "que libuv",
                     nombre);
            return 1;
        }
    if (exportada_en(v->pila_libuv, v->pila_dir[w], nombre, sizeof nombre) == 1) {
        snprintf(por, tam,
                 "una pila cuyo último marco de libuv es %s, una función que llama el programa, "
                 "no el bucle del grupo de libuv (una pila hecha por el programa, como la de "
                 "makecontext)",
                 nombre);
        return 1;
    }
    if (w == 0) {
        snprintf(por, tam,
                 "una pila en la que el bucle del grupo de libuv hace la llamada él "
                 "mismo, sin la función de archivos de libuv");
        return 1;
    }
    int a = w - 1;
    if (v->pila_clase[a] == 'u') {
        if (exportada_en(v->pila_libuv, v->pila_dir[a], nombre, sizeof nombre) != 1)
            return 0;
        snprintf(por, tam,
                 "justo encima del bucle del grupo de libuv está %s, una función de libuv que "
                 "llama el programa (una uv_fs_* sin callback), no la función de archivos de "
                 "libuv",
                 nombre);
        return 1;
    }
    snprintf(por, tam,
             "justo encima del bucle del grupo de libuv está %s%s%s, no la función de archivos "
             "de libuv (una llamada de cola borra de la pila el marco del programa, no esto)",
             v->pila_funcion[a], v->pila_funcion[a][0] != '\0' ? " " : "",
             v->pila_clase[a] == 'c' ? "de libc" : "de otra biblioteca");
    return 1;
}

/* Acaban los marcos de un nanosleep del hilo del bucle. ¿Dormía dentro de uv_run (en una
 * callback: usleep, sleep) o en un bucle propio que duerme y vuelve a mirar? Con su pila (-k: en
 * el 09 siempre, en el 08 y el 11 en «pila_en»), lo dice un marco de libuv: uv_run → uv__io_poll
 * → la callback → usleep. Un bucle propio llama a usleep desde main, sin libuv debajo, aunque
 * entre siesta y siesta dé una vuelta de uv_run(…, UV_RUN_NOWAIT). Sin pila, lo de antes: libuv
 * 1.44 hace su primer epoll_ctl dentro de uv_run, así que lo que duerme después, duerme en una
 * callback (donde epoll_ctl se para: el 08 y el 11; en el 09, con -k, no se para). Antes, en el
 * 09, un usleep(200) tras cada uv_write (un estudiante de la sesión 28) se tomaba por un bucle
 * propio: «espera activa», y el laboratorio sin calificar (5/100). */
static void espera_cerrar(vista_t *v)
{
    if (v->pila_marcos == 0) {
        v->esperas_run += v->epoll > 0;
    } else {
        v->esperas_run += v->pila_biblioteca;
        v->esperas_cb += v->pila_biblioteca;
        v->esperas_propias += !v->pila_biblioteca && v->pila_propio;
    }
}

/* Acaban los marcos de la llamada pendiente: sin ninguno de libuv.so, libcurl ni libpq, y con
 * uno del programa (o de otro archivo que no es del sistema), la hizo el programa con libc, no
 * la biblioteca del laboratorio. Si strace no pudo desenrollar la pila más allá de libc, no se
 * juzga: no se sabe quién llamó. */
void conducta_pila_cerrar(vista_t *v)
{
    char cola[360];
    if (!v->pila_pendiente)
        return;
    v->pila_pendiente = 0;
    if (v->pila_modo == 2) {
        espera_cerrar(v);
        return;
    }
    if (v->pila_modo == 1) {
        /* Sin marcos, esta ejecución no lleva -k: no se juzga. Con un solo marco de libc,
         * strace no pudo desenrollar más; desde dos, libuv está siempre en el segundo
         * (uv__fs_read llama a read o pread). Una pila cortada se juzga al final de la traza
         * (conducta_pila_cortadas): si strace siguió enteras las demás del programa, esa la cortó
         * él. */
        if (v->pila_marcos == 0) {
            v->trabajo_sin_pila++;
            return;
        }
        if (v->pila_marcos == 1 && !v->pila_biblioteca && v->pila_programa[0] == '\0') {
            if (v->trabajo_cortada++ == 0)
                snprintf(v->cortada_visto, sizeof v->cortada_visto, "%s de «%s»", v->pila_nombre,
                         v->pila_ruta);
            return;
        }
        v->trabajo_con_pila++;
        if (v->trabajo_visto[0] != '\0')
            return;
        if (v->pila_programa[0] != '\0')
            snprintf(v->trabajo_visto, sizeof v->trabajo_visto,
                     "%s de «%s» en un hilo del grupo de libuv, pedido por el propio programa "
                     "(en su pila está %s): no es una uv_fs_* con callback, es trabajo "
                     "síncrono en una callback de uv_queue_work",
                     v->pila_nombre, v->pila_ruta, v->pila_programa);
        else if (!v->pila_biblioteca)
            /* La lista es de quién puede leer, no de quién no: un hilo que libc crea por su
             * cuenta (aio_read, lio_listio…) no tiene libuv ni el programa en su pila. */
            snprintf(v->trabajo_visto, sizeof v->trabajo_visto,
                     "%s de «%s» en un hilo que no es del grupo de libuv: en su pila no hay "
                     "libuv.so ni nada del programa, solo libc (un hilo que libc crea por su "
                     "cuenta, como el de aio_read); los archivos se leen con uv_fs_* y su "
                     "callback",
                     v->pila_nombre, v->pila_ruta);
        else if (pila_cola(v, cola, sizeof cola))
            snprintf(v->trabajo_visto, sizeof v->trabajo_visto,
                     "%s de «%s» en un hilo del grupo de libuv, con otra pila que la de una "
                     "uv_fs_* con callback (el arranque del hilo, el bucle del grupo de libuv y "
                     "su función de archivos): %s. Es trabajo síncrono pedido desde una "
                     "callback de uv_queue_work",
                     v->pila_nombre, v->pila_ruta, cola);
        return;
    }
    if (v->pila_marcos == 0 || v->pila_biblioteca || v->pila_quien[0] == '\0')
        return;
    char *dst = v->pila_red ? v->ajeno_red : v->ajeno_epoll;
    size_t tam = v->pila_red ? sizeof v->ajeno_red : sizeof v->ajeno_epoll;
    conducta_anotar(
        dst, tam,
        "%s hecho por libc a petición del propio programa (%s), sin pasar por libuv: en su "
        "pila no hay libuv.so",
        v->pila_nombre, v->pila_quien[0] != '\0' ? v->pila_quien : "su propio código");
}

/* Al final de una traza, las pilas del grupo que se cortaron en libc. Si strace siguió enteras
 * otras del programa en la misma ejecución (3 marcos o más: las del hilo del bucle llegan a
 * `_start`, las del grupo al arranque del hilo), sabía desenrollar, y la pila cortada es del
 * programa: una lectura que vuelve a código sin información de pila (una página propia, o un
 * marco falso) para no enseñar quién la pidió. La pila de una uv_fs_* con callback nunca se
 * corta ahí (medido en las soluciones del 08 y el 11). Se rechaza como las demás formas que no
 * son la permitida. Si ninguna salió entera, esta ejecución no tiene pilas: no se juzga. */
void conducta_pila_cortadas(vista_t *v)
{
    if (v->trabajo_cortada == 0)
        return;
    if (v->pilas_largas == 0) {
        v->trabajo_sin_pila += v->trabajo_cortada;
        return;
    }
    v->trabajo_con_pila += v->trabajo_cortada;
    if (v->trabajo_visto[0] == '\0')
        snprintf(v->trabajo_visto, sizeof v->trabajo_visto,
                 "%s en un hilo del grupo de libuv, con una pila que se corta en libc cuando "
                 "strace siguió enteras las demás del programa: la de una uv_fs_* con callback "
                 "llega al arranque del hilo. Es trabajo síncrono pedido desde una callback de "
                 "uv_queue_work, con su pila escondida",
                 v->cortada_visto);
}
