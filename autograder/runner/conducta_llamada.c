/* conducta_llamada.c — qué es cada llamada al sistema de una traza y qué deja en lo visto de
 * su ejecución (vista_t): abrir, leer o escribir un archivo normal en el hilo del bucle o en el
 * grupo, un socket fuera del bucle, un proceso o un hilo nuevo, una espera… (llamada), y
 * leer_traza, que lee una traza entera con conducta_traza.c. Lo visto lo juzga conducta.c; las
 * reglas, en su cabecera.
 */
#include "conducta_interno.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ¿Es `tid` un hilo del programa? Tras su execve, todo hilo nuevo lo es: en la caja solo
 * corre él (crear procesos lo impide el filtro seccomp y lo anota llamada()). No se sigue
 * el valor que devuelve clone: es el tid dentro del espacio de PID de la caja, y strace
 * numera las líneas con el de fuera. */
static int es_miembro(const vista_t *v, long tid)
{
    if (v->principal == 0)
        return 0;
    if (tid == v->principal)
        return 1;
    for (int i = 0; i < v->nprevios; i++)
        if (v->previos[i] == tid)
            return 0;
    return 1;
}

/* ¿Es `tid` un hilo del resolutor (getaddrinfo: un socket UDP, AF_UNIX o AF_NETLINK)? */
static int es_resolutor(const vista_t *v, long tid)
{
    for (int i = 0; i < v->nresolutores; i++)
        if (v->resolutores[i] == tid)
            return 1;
    return 0;
}

static int en_lista(const char *nombre, const char *const *lista)
{
    for (int i = 0; lista[i] != NULL; i++)
        if (strcmp(nombre, lista[i]) == 0)
            return 1;
    return 0;
}

static const char *const por_fd_lectura[] = {"read",    "pread64",    "readv",    "preadv",
                                             "preadv2", "getdents64", "getdents", NULL};
static const char *const por_fd_escritura[] = {
    "write", "pwrite64", "writev", "pwritev", "pwritev2", "fsync", "fdatasync", "ftruncate", NULL};
/* Mueven bytes entre dos descriptores sin read ni write (el origen y el destino, en este
 * orden en los argumentos; sendfile, al revés): hostiles/medios_08_splice.c. */
static const char *const por_fd_copia[] = {
    "splice", "tee", "copy_file_range", "sendfile", "fallocate", "sync_file_range", NULL};
/* io_uring: el núcleo abre, lee y escribe por el programa sin ninguna de las llamadas de
 * arriba. libuv 1.44 no lo usa, así que nunca es el grupo de libuv. */
static const char *const por_anillo[] = {"io_uring_setup", "io_uring_enter", "io_uring_register",
                                         NULL};
static const char *const por_ruta[] = {"truncate", "rename",    "renameat", "renameat2",
                                       "link",     "linkat",    "unlink",   "unlinkat",
                                       "symlink",  "symlinkat", NULL};
/* Sobre un descriptor que ya está abierto: cerrarlo o medirlo (archivos_bloqueantes). */
static const char *const por_descriptor[] = {"close", "fstat", "newfstatat", "statx", NULL};
/* Proporción: cerrar, medir (fstat) o borrar un archivo sin callback bloquea el bucle unos
 * microsegundos y no mueve datos; el trabajo del laboratorio (abrir, leer, escribir, truncar,
 * renombrar) sigue hecho con uv_fs_*. Es un fallo pequeño y, aunque se repita en cada
 * descarga, es uno: cuesta una verificación (la primera del «nucleo» donde se vio, o si no la
 * primera donde se vio), no el laboratorio. Las de por_descriptor van todas aquí; de las de
 * por_ruta, estas. En tocar_archivo (lectura_bloqueante), cerrar o medir un descriptor. */
static const char *const menores[] = {"unlink", "unlinkat", NULL};
static const char *const red[] = {"socket", "connect",  "accept",  "accept4", "bind", "listen",
                                  "sendto", "recvfrom", "sendmsg", "recvmsg", NULL};

/* Una lectura de un archivo de la entrada: cada regla que pide otro tamaño queda rota. */
static void juzgar_lectura(vista_t *v, const char *nombre, const char *par, const char *ruta)
{
    if (v->lab == NULL || v->lab->nreglas == 0 || !es_entrada(v->entradas, ruta))
        return;
    char como[160];
    long pedido = pedido_lectura(nombre, par, como, sizeof como);
    v->lecturas_entrada++;
    for (int i = 0; i < v->lab->nreglas && i < MAX_REGLAS; i++)
        if (pedido != v->lab->reglas[i].lectura_bytes && v->roto[i][0] == '\0')
            snprintf(v->roto[i], sizeof v->roto[i],
                     "se vio %s sobre un archivo de la entrada («…/%s»)", como, ruta_corta(ruta));
}

/* Un archivo de la entrada que entra por `nombre`, que no es una lectura (mmap, splice,
 * sendfile, copy_file_range, tee): cada regla queda rota, porque lo que pide cada una es el
 * tamaño de cada lectura, y aquí no hay ninguna que medir. */
static void juzgar_sin_lectura(vista_t *v, const char *nombre, const char *ruta)
{
    if (v->lab == NULL || v->lab->nreglas == 0 || !es_entrada(v->entradas, ruta))
        return;
    v->lecturas_entrada++;
    for (int i = 0; i < v->lab->nreglas && i < MAX_REGLAS; i++)
        if (v->roto[i][0] == '\0')
            snprintf(v->roto[i], sizeof v->roto[i],
                     "se vio %s sobre un archivo de la entrada («…/%s»): no es una lectura (read, "
                     "pread64, readv, preadv o preadv2), y lo que se juzga es cada lectura",
                     nombre, ruta_corta(ruta));
}

/* --- Toda operación de archivo en el hilo del bucle (lectura_bloqueante) ------------------
 *
 * Las reglas de arriba nombran lo que no se puede hacer (abrir, leer, listar, escribir…), pero
 * un archivo se toca con muchas más llamadas: un stat() o un close() síncronos de los archivos
 * de la entrega desde el hilo del bucle (en vez de uv_fs_stat o uv_fs_close con su callback)
 * pasaban sin que nadie los viera. Por eso, donde se prohíbe lectura_bloqueante, se paran todas
 * las llamadas con una ruta (la clase %file de strace) y las que trabajan sobre un descriptor
 * (POR_DESCRIPTOR_TODAS), y en el hilo del bucle ninguna que acabe bien puede tocar un archivo
 * normal, salvo lo de esta lista de permitidas:
 *   - el execve del programa (arriba);
 *   - mirar algo por su ruta (stat, lstat, newfstatat, statx, access, faccessat*) antes de
 *     uv_run, es decir, antes del primer epoll_ctl del hilo: la carpeta de -d del 11, al
 *     empezar. Dentro de uv_run (en las callbacks) ya no: eso es uv_fs_stat sin callback.
 * Lo demás (stat, close, lseek, fchmod, readlink, chdir, unlink…) cuenta como una lectura
 * síncrona, con el mismo aviso (autograder/README.md, «Medios»). */
static const char *const mirar_por_ruta[] = {"stat",   "lstat",     "newfstatat", "statx",
                                             "access", "faccessat", "faccessat2", NULL};

/* Una llamada que acabó bien en el hilo del bucle y no tiene regla propia: si toca un archivo
 * normal y no está en la lista de permitidas, queda anotada como lectura síncrona. */
static void tocar_archivo(vista_t *v, const char *nombre, const char *par)
{
    char ruta[512];
    if (!ruta_tocada(nombre, par, ruta, sizeof ruta) ||
        (!empieza(ruta, "./") && !ruta_normal(ruta)))
        return;
    if (en_lista(nombre, mirar_por_ruta) && v->epoll == 0 && par[1] != '\0' &&
        (par[1] == '"' || empieza(par + 1, "AT_FDCWD")) && strstr(par, "AT_EMPTY_PATH") == NULL)
        return;
    /* Cerrar o medir un descriptor (fstat: newfstatat o statx con AT_EMPTY_PATH) es menor. */
    int menor = strcmp(nombre, "close") == 0 || strcmp(nombre, "fstat") == 0 ||
                (en_lista(nombre, por_descriptor) && strstr(par, "AT_EMPTY_PATH") != NULL);
    anotar(menor ? v->menor : v->lectura, menor ? sizeof v->menor : sizeof v->lectura,
           "%s de «%s» en el hilo del bucle (síncrono: uv_fs_* con su callback lo hace en el "
           "grupo de hilos)",
           nombre, ruta);
}

/* Un archivo normal leído o escrito en un hilo que no es el del bucle: el grupo de libuv, o
 * uno propio. Un hilo así no es del resolutor de libcurl, que solo lee los archivos del
 * sistema (hostiles/medios_08_hilo.c abría un socket de datagramas para parecerlo). */
/* Un archivo normal (`ruta`) en un hilo del grupo de libuv. Con «medios.pila_en», además se
 * espera su pila (pila_cerrar): una uv_fs_* con callback la hace libuv (worker → uv__fs_work →
 * libc, sin un marco del programa); una uv_fs_* sin callback o una llamada de libc dentro de
 * la callback de trabajo de uv_queue_work tiene en su pila la función del programa. */
static void grupo_toca(vista_t *v, long tid, const char *nombre, const char *ruta)
{
    if (v->trabajo) {
        pila_cerrar(v);
        v->pila_pendiente = 1;
        v->pila_modo = 1;
        v->pila_marcos = v->pila_biblioteca = 0;
        v->pila_programa[0] = '\0';
        v->pila_n = 0;
        v->pila_libuv[0] = '\0';
        snprintf(v->pila_nombre, sizeof v->pila_nombre, "%s", nombre);
        snprintf(v->pila_ruta, sizeof v->pila_ruta, "%s%s", ruta_corta(ruta) != ruta ? "…/" : "",
                 ruta_corta(ruta));
    }
    v->lecturas_grupo++;
    for (int i = 0; i < v->ntocan; i++)
        if (v->tocan[i] == tid)
            return;
    if (v->ntocan < MAX_PREVIOS)
        v->tocan[v->ntocan++] = tid;
}

/* Una llamada completa «nombre(args) = ret…» del hilo `tid`. */
static void llamada(vista_t *v, long tid, unsigned long ip, const char *texto)
{
    const char *programa = v->programa;
    const char *par = strchr(texto, '(');
    if (par == NULL)
        return;
    char nombre[32];
    size_t nl = (size_t)(par - texto);
    if (nl == 0 || nl >= sizeof nombre)
        return;
    memcpy(nombre, texto, nl);
    nombre[nl] = '\0';
    /* El resultado es el último « = » que sigue a un «)»: strace lo alinea en una columna
     * con espacios («close(3</x>)     = 0»), y una llamada partida en <unfinished …> y
     * <… resumed> casi siempre acaba así (sin esto, un execve partido, frecuente con la
     * máquina cargada, dejaba la ejecución sin observar y sus medios sin juzgar). */
    const char *igual = NULL;
    for (const char *o = strstr(texto, " = "); o != NULL; o = strstr(o + 1, " = ")) {
        const char *a = o;
        while (a > texto && a[-1] == ' ')
            a--;
        if (a > texto && a[-1] == ')')
            igual = o;
    }
    if (igual == NULL)
        return;
    const char *ret_txt = igual + 3;
    long ret = strtol(ret_txt, NULL, 10);
    int bien = ret_txt[0] != '-' && ret_txt[0] != '?';

    /* De cualquier proceso de la traza: bajo valgrind no se sabe cuál es el programa, y ni
     * strace, ni la puerta, ni bwrap las llaman. */
    if (filtro_es_nombrada(nombre)) {
        anotar(v->denegada, sizeof v->denegada,
               "que la entrega llamó a %s, que la caja de arena no permite (falló con ENOSYS)%s",
               nombre, "");
        return;
    }

    if (strcmp(nombre, "execve") == 0 || strcmp(nombre, "execveat") == 0) {
        if (!bien)
            return;
        char herramienta[512];
        primera_cadena(par, herramienta, sizeof herramienta);
        if (empieza(herramienta, "/usr/libexec/valgrind/") ||
            empieza(herramienta, "/usr/lib/x86_64-linux-gnu/valgrind/")) {
            v->herramientas++;
            return;
        }
        if (es_miembro(v, tid)) {
            anotar(v->proceso, sizeof v->proceso, "%s (ejecutar otro programa)%s", nombre, "");
            return;
        }
        char ruta[512];
        primera_cadena(par, ruta, sizeof ruta);
        const char *base = strrchr(ruta, '/');
        if (v->principal == 0 && base != NULL && strcmp(base + 1, programa) == 0)
            v->principal = tid;
        return;
    }
    if (!es_miembro(v, tid))
        return;
    int principal = tid == v->principal;
    char ruta[512] = "";
    if (strcmp(nombre, "mmap") == 0 && bien)
        mapa_anotar(v, par, ret_txt);

    if (strcmp(nombre, "clone") == 0 || strcmp(nombre, "clone3") == 0 ||
        strcmp(nombre, "fork") == 0 || strcmp(nombre, "vfork") == 0) {
        if (!bien || ret <= 0)
            return;
        if (strstr(par, "CLONE_THREAD") != NULL) {
            v->creados++;
        } else {
            anotar(v->proceso, sizeof v->proceso, "%s (un proceso nuevo)%s", nombre, "");
        }
        return;
    }
    if (strcmp(nombre, "epoll_ctl") == 0 || strcmp(nombre, "epoll_create") == 0 ||
        strcmp(nombre, "epoll_create1") == 0) {
        if (strcmp(nombre, "epoll_ctl") == 0)
            v->epoll += principal;
        if (bien) {
            origen_juzgar(v, nombre, ip, 0);
            pila_esperar(v, nombre, 0);
        }
        return;
    }
    if (strcmp(nombre, "poll") == 0 || strcmp(nombre, "ppoll") == 0 ||
        strcmp(nombre, "select") == 0 || strcmp(nombre, "pselect6") == 0) {
        return; /* contados al entrar, en leer_traza */
    }
    if (strcmp(nombre, "nanosleep") == 0 || strcmp(nombre, "clock_nanosleep") == 0) {
        if (principal) {
            /* Dentro de uv_run o en un bucle propio: lo dice su pila (espera_cerrar). */
            v->esperas++;
            pila_cerrar(v);
            v->pila_pendiente = 1;
            v->pila_modo = 2;
            v->pila_marcos = v->pila_biblioteca = 0;
        }
        return;
    }
    if (!bien)
        return;
    if (v->lento && (strcmp(nombre, "link") == 0 || strcmp(nombre, "linkat") == 0 ||
                     strcmp(nombre, "symlink") == 0 || strcmp(nombre, "symlinkat") == 0)) {
        char r0[512];
        primera_cadena(par, r0, sizeof r0);
        if (r0[0] != '/' || ruta_normal(r0))
            anotar(v->esquivo, sizeof v->esquivo, "%s de «%s» (en vez de rename)", nombre,
                   ruta_corta(r0));
    }
    if (en_lista(nombre, red)) {
        /* El resolutor de libcurl es un hilo por nombre que resolver: getaddrinfo pregunta al
         * DNS por UDP (SOCK_DGRAM) o a nscd por AF_UNIX. Esos hilos valen; un socket TCP
         * fuera del hilo del bucle, no. */
        if (!principal && strcmp(nombre, "socket") == 0 &&
            (strstr(par, "SOCK_DGRAM") != NULL || strstr(par, "AF_UNIX") != NULL ||
             strstr(par, "AF_NETLINK") != NULL)) {
            int visto = es_resolutor(v, tid);
            if (!visto && v->nresolutores < MAX_PREVIOS)
                v->resolutores[v->nresolutores++] = tid;
            return;
        }
        if (!principal)
            anotar(v->red, sizeof v->red, "%s en un hilo que no es el del bucle%s", nombre, "");
        /* Un socket TCP, listen y accept los hace libuv (o curl, o libpq), nunca el programa. */
        if (strcmp(nombre, "listen") == 0 || strcmp(nombre, "accept") == 0 ||
            strcmp(nombre, "accept4") == 0 ||
            (strcmp(nombre, "socket") == 0 && strstr(par, "SOCK_STREAM") != NULL &&
             (strstr(par, "AF_INET") != NULL))) {
            origen_juzgar(v, nombre, ip, 1);
            pila_esperar(v, nombre, 1);
        }
        return;
    }
    int lee = en_lista(nombre, por_fd_lectura), escribe = en_lista(nombre, por_fd_escritura);
    if (lee || escribe) {
        if (!ruta_fd(par, ruta, sizeof ruta))
            return;
        if (!ruta_normal(ruta)) {
            if (!principal && (empieza(ruta, "TCP") || empieza(ruta, "UDP") ||
                               empieza(ruta, "UNIX") || empieza(ruta, "socket:")))
                anotar(v->red, sizeof v->red, "%s de un socket en un hilo que no es el del bucle%s",
                       nombre, "");
            return;
        }
        if (lee && strncmp(nombre, "getdents", 8) != 0)
            juzgar_lectura(v, nombre, par, ruta);
        if (v->lento && (strcmp(nombre, "write") == 0 || strcmp(nombre, "writev") == 0))
            anotar(v->esquivo, sizeof v->esquivo, "%s en «%s» (uv_fs_write sin posición)", nombre,
                   ruta_corta(ruta));
        if (!principal)
            grupo_toca(v, tid, nombre, ruta);
        else if (lee)
            anotar(v->lectura, sizeof v->lectura, "%s de «%s» en el hilo del bucle", nombre, ruta);
        else
            anotar(v->escritura, sizeof v->escritura, "%s en «%s» en el hilo del bucle", nombre,
                   ruta);
        return;
    }
    if (en_lista(nombre, por_anillo)) {
        anotar(v->lectura, sizeof v->lectura, "%s (io_uring: lecturas que no se ven)%s", nombre,
               "");
        anotar(v->escritura, sizeof v->escritura, "%s (io_uring: escrituras que no se ven)%s",
               nombre, "");
        return;
    }
    if (en_lista(nombre, por_fd_copia) || strcmp(nombre, "mmap") == 0) {
        /* Hasta dos rutas de descriptor: origen y destino (sendfile: destino y origen; mmap,
         * fallocate y sync_file_range: una, la del archivo). */
        char otra[512] = "";
        const char *cierre = NULL;
        if (ruta_fd(par, ruta, sizeof ruta))
            cierre = strstr(strchr(par, '<'), ">");
        if (cierre != NULL)
            ruta_fd(cierre, otra, sizeof otra);
        int una = strcmp(nombre, "mmap") == 0 || strcmp(nombre, "fallocate") == 0 ||
                  strcmp(nombre, "sync_file_range") == 0;
        if (strcmp(nombre, "sendfile") == 0) {
            char t[512];
            snprintf(t, sizeof t, "%s", ruta);
            snprintf(ruta, sizeof ruta, "%s", otra);
            snprintf(otra, sizeof otra, "%s", t);
        }
        int lee = ruta[0] != '\0' && ruta_normal(ruta) && (strcmp(nombre, "mmap") == 0 || !una);
        int escribe = (!una && otra[0] != '\0' && ruta_normal(otra)) ||
                      (una && strcmp(nombre, "mmap") != 0 && ruta_normal(ruta)) ||
                      (strcmp(nombre, "mmap") == 0 && ruta_normal(ruta) &&
                       strstr(par, "MAP_SHARED") != NULL && strstr(par, "PROT_WRITE") != NULL);
        if (!lee && !escribe)
            return;
        /* Lo que «reglas_traza» pide es de cada lectura: un archivo de la entrada que entra sin
         * read, pread64, readv, preadv ni preadv2 (un mapa, una copia a una tubería) rompe
         * cada regla, en cualquier hilo. */
        if (lee)
            juzgar_sin_lectura(v, nombre, ruta);
        if (v->lento && escribe && !una)
            anotar(v->esquivo, sizeof v->esquivo, "%s en «%s»", nombre, ruta_corta(otra));
        if (v->lento && escribe && strcmp(nombre, "mmap") == 0)
            anotar(v->esquivo, sizeof v->esquivo, "%s compartido de «%s»", nombre,
                   ruta_corta(ruta));
        /* Un mapa no lee ni escribe al hacerse: lo hace después el hilo que toque la memoria, el
         * que sea, con fallos de página que ninguna traza ve (hostiles/medios_08_mapa.c: el
         * grupo mapea y el hilo del bucle copia). Así que el mapa de un archivo normal cuenta
         * como hecho en el hilo del bucle, lo pida el hilo que lo pida. */
        if (strcmp(nombre, "mmap") == 0) {
            if (lee)
                anotar(v->lectura, sizeof v->lectura,
                       "mmap de «%s» (lo lee, por fallos de página que no se ven, el hilo que "
                       "toca esa memoria: también el del bucle)%s",
                       ruta, "");
            if (escribe)
                anotar(v->escritura, sizeof v->escritura,
                       "mmap de «%s» para escribir (escribe, sin que se vea, el hilo que toca "
                       "esa memoria: también el del bucle)%s",
                       ruta, "");
            return;
        }
        if (!principal)
            grupo_toca(v, tid, nombre, lee ? ruta : otra);
        else if (lee)
            anotar(v->lectura, sizeof v->lectura, "%s de «%s» en el hilo del bucle", nombre, ruta);
        if (principal && escribe)
            anotar(v->escritura, sizeof v->escritura, "%s en «%s» en el hilo del bucle", nombre,
                   una ? ruta : otra);
        return;
    }
    if (strcmp(nombre, "openat") == 0 || strcmp(nombre, "open") == 0 ||
        strcmp(nombre, "openat2") == 0 || strcmp(nombre, "creat") == 0) {
        if (!ruta_fd(ret_txt, ruta, sizeof ruta) || !ruta_normal(ruta))
            return;
        if (!principal) {
            grupo_toca(v, tid, nombre, ruta);
            return;
        }
        int escritura = strstr(par, "O_WRONLY") != NULL || strstr(par, "O_RDWR") != NULL ||
                        strcmp(nombre, "creat") == 0;
        if (escritura)
            anotar(v->escritura, sizeof v->escritura,
                   "%s de «%s» para escribir, en el hilo del bucle", nombre, ruta);
        else
            anotar(v->lectura, sizeof v->lectura, "%s de «%s» en el hilo del bucle", nombre, ruta);
        return;
    }
    int escrita = 0;
    if (en_lista(nombre, por_descriptor)) {
        /* close y fstat de un archivo normal: el grupo de libuv los hace con su callback; en
         * el hilo del bucle son uv_fs_close o uv_fs_fstat sin callback (síncronos). Los stat
         * por ruta (la carpeta de -d antes de uv_run) no cuentan: solo los de un descriptor
         * («fd</ruta>», y en newfstatat y statx con AT_EMPTY_PATH). */
        int por_fd = par[1] >= '0' && par[1] <= '9' &&
                     (strcmp(nombre, "close") == 0 || strcmp(nombre, "fstat") == 0 ||
                      strstr(par, "AT_EMPTY_PATH") != NULL);
        if (principal && por_fd && ruta_fd(par, ruta, sizeof ruta) && ruta_normal(ruta)) {
            anotar(v->menor, sizeof v->menor,
                   "%s de «%s» en el hilo del bucle (uv_fs_* sin callback: síncrono)", nombre,
                   ruta);
            escrita = 1;
        }
    } else if (en_lista(nombre, por_ruta) && principal) {
        primera_cadena(par, ruta, sizeof ruta);
        if (ruta[0] != '/' || ruta_normal(ruta)) {
            if (en_lista(nombre, menores))
                anotar(v->menor, sizeof v->menor, "%s de «%s» en el hilo del bucle", nombre, ruta);
            else
                anotar(v->escritura, sizeof v->escritura, "%s de «%s» en el hilo del bucle", nombre,
                       ruta);
            escrita = 1;
        }
    }
    /* Lo que queda, con la lista de permitidas: toda operación de archivo del hilo del bucle
     * (si archivos_bloqueantes ya la cuenta, con su aviso, no se cuenta dos veces). */
    if (principal && !(escrita && v->lab != NULL && prohibe(v->lab, "archivos_bloqueantes")))
        tocar_archivo(v, nombre, par);
}

/* Un marco « > /ruta(función+0x…) […]» de la llamada de antes (strace -k). Para saber si strace
 * sabe desenrollar (pilas_largas) solo cuentan los que tienen archivo: varias líneas
 * «unexpected_backtracing_error» no son una pila entera. */
static void oir_marco(void *dato, const char *marco)
{
    vista_t *v = dato;
    if (marco[0] == '/') {
        v->pila_lineas++;
        if (v->pila_lineas == 3 && es_miembro(v, v->pila_tid))
            v->pilas_largas++;
    }
    pila_marco(v, marco);
}

/* Cada línea que no es un marco: acaban los de la llamada de antes. `resto` (NULL si no es una
 * llamada), lo que sigue al hilo, completa o no. */
static void oir_linea(void *dato, long tid, const char *resto)
{
    vista_t *v = dato;
    pila_cerrar(v);
    v->pila_tid = tid;
    v->pila_lineas = 0;
    if (resto == NULL)
        return;
    if (v->principal == 0 && v->nprevios < MAX_PREVIOS) {
        int visto = 0;
        for (int i = 0; i < v->nprevios && !visto; i++)
            visto = v->previos[i] == tid;
        if (!visto)
            v->previos[v->nprevios++] = tid;
    }
    /* Una espera con poll o select puede no volver nunca (el programa muere en ella): se
     * cuenta al entrar, esté o no completa la línea. */
    int sondeo = empieza(resto, "poll(") || empieza(resto, "ppoll(") || empieza(resto, "select(") ||
                 empieza(resto, "pselect6(");
    if (sondeo && v->principal != 0 && tid == v->principal) {
        v->sondeos++;
        v->sondeos_espera += !sondeo_sin_espera(resto);
    } else if (sondeo && v->principal != 0 && es_miembro(v, tid) && !es_resolutor(v, tid)) {
        v->sondeos_hilo++;
    }
}

static void oir_llamada(void *dato, long tid, unsigned long ip, const char *texto)
{
    llamada(dato, tid, ip, texto);
}

void leer_traza(const char *ruta, const char *programa, vista_t *v, int pila)
{
    const lab_t *lab = v->lab;
    const entradas_t *entradas = v->entradas;
    memset(v, 0, sizeof *v);
    v->lab = lab;
    v->entradas = entradas;
    v->programa = programa;
    v->pila = pila;
    v->trabajo = lab != NULL && lab->npila_en > 0 &&
                 (prohibe(lab, "lectura_bloqueante") || prohibe(lab, "archivos_bloqueantes"));
    const char *base = strrchr(ruta, '/');
    base = base != NULL ? base + 1 : ruta;
    v->lento = strstr(base, "-lento@") != NULL || strstr(base, "-lento.traza") != NULL;
    v->mapas =
        malloc(MAX_MAPAS * sizeof *v->mapas); /* sin memoria: nada mapeado, y no sale de libc */
    static const traza_oyente_t oyente = {oir_marco, oir_linea, oir_llamada};
    traza_recorrer(ruta, &oyente, v);
    pila_cerrar(v);
    pila_cortadas(v);
    free(v->mapas);
    v->mapas = NULL;
    v->nmapas = 0;
}

int prohibe(const lab_t *lab, const char *grupo)
{
    for (int i = 0; i < lab->nprohibidos; i++)
        if (strcmp(lab->prohibidos[i], grupo) == 0)
            return 1;
    return 0;
}

int requiere(const lab_t *lab, const char *nombre)
{
    for (int i = 0; i < lab->nrequeridos; i++)
        if (strcmp(lab->requeridos[i], nombre) == 0)
            return 1;
    return 0;
}
