/* base.h — la capa de abajo del calificador: lo que comparten la biblioteca de los
 * calificadores (libcalificador) y el ejecutor (calificar), y que no depende de ninguno de
 * los dos. Textos, archivos, reloj, el barrido de huérfanos, la caja de arena (bubblewrap,
 * seccomp, red y usuario propios), el único lanzador de procesos y SHA-256. Incluye el cliente
 * TCP crudo de quien prueba servidores (curso/tcp_prueba.h, en libcurso).
 *
 * Memoria: lo que devuelve un `char *` es nuevo y de quien llama (free). Los textos que se
 * guardan en un caja_orden_t u orden_t no son de la estructura: deben vivir tanto como ella.
 * Errores: 0 o un error negativo estilo errno, salvo donde se diga.
 */
#ifndef CALIFICADOR_BASE_H
#define CALIFICADOR_BASE_H

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "curso/huella.h"
#include "curso/tcp_prueba.h"

/* ---------------------------------------------------------------- texto.c */
/* Copia de `s` (NULL = ""). Sin memoria, termina el proceso con un mensaje. */
char *texto_dup(const char *s);
/* printf a memoria nueva. Sin memoria, termina el proceso con un mensaje. */
char *texto_formato(const char *formato, ...) __attribute__((format(printf, 1, 2)));
/* snprintf para rutas y mensajes (un recorte, si lo hubiera, se ve en el resultado). */
void texto_poner(char *buf, size_t tam, const char *formato, ...)
    __attribute__((format(printf, 3, 4)));
/* El nombre que va tras un número en un mensaje: `singular` si n es 1 o -1 («1 petición»),
 * `plural` con cualquier otro, también con 0 («0 peticiones»). Devuelve uno de sus dos
 * argumentos, prestado (vive lo que viva él: en la práctica, literales). Así ningún mensaje
 * dice «1 peticiones»: "%d %s", n, texto_plural(n, "petición", "peticiones"). Lo exige la
 * clase «plural» de lessons/verificar/estilo.py. */
const char *texto_plural(long long n, const char *singular, const char *plural);
/* Copia apta para JSON, XML y la terminal: UTF-8 válido (lo inválido pasa a U+FFFD) y solo
 * caracteres de una lista de permitidos (texto y símbolos; ni controles salvo \n y \t, ni
 * C1, ni separadores de línea, ni marcas de dirección ni invisibles: esos pasan a «?» o
 * U+FFFD). NULL solo si no hay memoria. Nueva: la libera quien llama. */
char *texto_sanear(const char *texto);

/* ---------------------------------------------------------------- archivos.c */
int archivos_crear_carpetas(const char *ruta);
/* Copia un archivo normal (nunca un enlace) de como mucho 1 MiB. 0, o -1 y el motivo en
 * `error`. */
int archivos_copiar(const char *origen, const char *destino, char *error, size_t tam);
/* Como mucho `tope` bytes de `ruta`, terminados en NUL; NULL si no se puede leer. */
char *archivos_leer(const char *ruta, size_t tope);
/* Borra `ruta` y todo lo que contiene sin seguir enlaces (lo que no se pueda, se deja). La
 * carpeta que contiene `ruta` debe ser de quien califica: de ahí abajo, arbol_borrar. */
void archivos_borrar_arbol(const char *ruta);

/* ---------------------------------------------------------------- arbol.c */
/* Lo ÚNICO que se hace sobre un árbol que la entrega pudo escribir (las carpetas de una
 * verificación, la de trabajo del programa, la de fuentes tras compilar en la caja): cada
 * paso baja desde `raiz`, un descriptor de carpeta abierto ANTES de lanzar nada de la entrega,
 * con openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) o, sin openat2,
 * componente a componente con O_NOFOLLOW; nunca por la ruta entera. `rel` es relativa a
 * `raiz` ("" o "." es la raíz). Un enlace simbólico en cualquier punto da -ELOOP; un «..» o
 * una ruta absoluta, -EXDEV; cambiar un archivo con más de un enlace duro, -EMLINK. Nada de
 * eso se sigue nunca. `raiz` es prestado; lo que devuelven (descriptores, DIR*) es de quien
 * llama. 0, un descriptor o un error negativo estilo errno. */
/* Abre la raíz de un árbol por su ruta (O_PATH, sin seguir el último enlace). Solo con una
 * ruta que la entrega no pudo tocar: antes de lanzarla, o cuyas carpetas no son suyas. */
int arbol_raiz(const char *ruta);
/* Abre `rel` con `flags` de open (sin O_CREAT: eso es arbol_crear). Descriptor o error. */
int arbol_abrir(int raiz, const char *rel, int flags);
/* El contenido del archivo normal `rel` (no un enlace, una FIFO ni una carpeta), como mucho
 * `tope` bytes: texto nuevo acabado en '\0' (de quien llama: free), o NULL. */
char *arbol_leer(int raiz, const char *rel, size_t tope);
/* Quita lo que haya con el nombre de `rel` (no una carpeta) y crea un archivo nuevo (O_EXCL)
 * con `flags` y `modo`. Descriptor o error. */
int arbol_crear(int raiz, const char *rel, int flags, mode_t modo);
/* Como lstat: de un enlace simbólico, el del propio enlace (S_ISLNK). */
int arbol_estado(int raiz, const char *rel, struct stat *st);
/* chmod y chown del propio archivo o carpeta (de un enlace simbólico, -ELOOP). */
int arbol_chmod(int raiz, const char *rel, mode_t modo);
int arbol_chown(int raiz, const char *rel, uid_t uid, gid_t gid);
/* Lista la carpeta `rel`: deja en *d un DIR* (de quien llama: closedir). */
int arbol_listar(int raiz, const char *rel, DIR **d);
/* mkdir, mkfifo y symlink (el enlace apunta a `destino`, que no se mira) de `rel`. */
int arbol_carpeta(int raiz, const char *rel, mode_t modo);
int arbol_fifo(int raiz, const char *rel, mode_t modo);
int arbol_enlace(int raiz, const char *destino, const char *rel);
/* Borra `rel`: un archivo o un enlace (el enlace, no a lo que apunta), o una carpeta con todo
 * lo que tiene, sin seguir nada (sin root, abre antes las carpetas cerradas que son suyas). */
int arbol_borrar(int raiz, const char *rel);
/* El error para el informe, en español: «la entrega puso un enlace simbólico donde se esperaba
 * un archivo o una carpeta: no se sigue» (-ELOOP), … Estático. */
const char *arbol_error(int r);

/* ---------------------------------------------------------------- entropia.c */
/* Llena los `n` bytes de `datos` con getrandom (repite las lecturas cortas y EINTR). 0, o un
 * error negativo estilo errno: entonces `datos` no vale. */
int entropia_llenar(void *datos, size_t n);

/* ---------------------------------------------------------------- traza.c */
/* Parte una línea de strace («TID [DIRECCIÓN] llamada(…)», la dirección solo con -i): devuelve
 * el hilo (0 si la línea no empieza por un número), deja en *ip la dirección (0 sin ella o si
 * no se lee entera) y en *resto lo que sigue, sin los espacios. No copia nada: *resto apunta
 * dentro de `linea`. */
long traza_linea(char *linea, unsigned long *ip, char **resto);

/* ---------------------------------------------------------------- reloj.c */
/* Milisegundos y segundos del reloj monotónico (el del registro del servidor). */
uint64_t reloj_ms(void);
double reloj_s(void);
/* El reloj de los topes (el del calificador entero, el del compilador…): el tiempo que la
 * máquina pudo dar a lo que se espera. Cada segundo cuenta entero si hay tantas tareas listas
 * para correr como núcleos o menos (/proc/loadavg), y la parte que toca si hay más: con dos
 * bucles ocupados y make test al lado, un tope de 90 s era un tope de 25 s de trabajo, y la
 * verificación colgada de bd_colgado se llevaba a las demás del 12 (la serie con carga de la
 * sesión 42). Un tope así no se deja vencer por la carga, venga de donde venga; para que
 * tampoco se alargue sin fin (una entrega que carga la máquina a propósito), nunca pasa de
 * RELOJ_CPU_TOPE veces el tope en tiempo de reloj. Se mira en cada vuelta de la espera (cada
 * 20–50 ms). */
#define RELOJ_CPU_TOPE 4
typedef struct {
    double inicio, antes; /* reloj_s al empezar y en la última mirada */
    double con_cpu;       /* segundos con CPU para lo esperado, hasta la última mirada */
    long nucleos;
} reloj_cpu_t;
void reloj_cpu_empezar(reloj_cpu_t *r);
/* Mira (suma el paso desde la anterior) y devuelve los segundos con CPU hasta ahora. */
double reloj_cpu_mirar(reloj_cpu_t *r);
/* 1 si ya pasó `limite_s` con CPU, o RELOJ_CPU_TOPE × `limite_s` de reloj. */
int reloj_cpu_pasado(reloj_cpu_t *r, double limite_s);
/* Un plazo de espera con ese mismo reloj: lo que el calificador espera a que pase (que el
 * programa termine, abra una FIFO, escriba sus líneas). El límite del programa se mide con
 * reloj_cpu_t, y una espera de reloj del calificador más corta que él se acababa antes con la
 * máquina cargada: la solución del 08 «no terminó a tiempo» en make test (CI de la sesión 46,
 * tres verificaciones con 4–6 s de espera y 8–10 s de límite). Lo que juzga rapidez («≤ 1.5 s
 * tras SIGINT») se sigue midiendo con reloj_ms: el plazo solo decide hasta cuándo se mira. */
typedef struct {
    reloj_cpu_t reloj;
    double limite_s;
} plazo_t;
void plazo_empezar(plazo_t *p, int max_ms);
/* 1 si ya venció (reloj_cpu_pasado), o si venció el tiempo de la verificación. */
int plazo_vencido(plazo_t *p);
/* El tiempo de la verificación (los segundos de CAL_PRUEBA), con el mismo reloj que sus esperas
 * y que el límite de sus programas. El .timeout de Criterion es de reloj de pared: con la
 * máquina cargada, las esperas de una verificación (que se alargan con la carga) pasaban de él,
 * y una verificación que debía terminar se cortaba (tabla_distinta del 12 en bd_colgado, CI de
 * beafa754: siete lanzamientos y una espera de 15 s con CPU en un .timeout de 30 s de reloj).
 * Ahora el .timeout es solo la red (RELOJ_CPU_TOPE veces y un margen: CAL_PRUEBA), y el tiempo
 * de verdad es este: al vencer, toda espera con plazo_t acaba y todo programa lanzado se para
 * (su límite es un plazo_t), así que la verificación termina por su pie y cal_fin la da por
 * fallida con su porqué. Lo empieza cal_inicio; sin empezar, no vence nunca. */
void plazo_verificacion_empezar(int segundos);
/* 1 si el tiempo de la verificación ya venció (y desde entonces, siempre 1). */
int plazo_verificacion_vencido(void);

/* ---------------------------------------------------------------- huerfanos.c */
/* Mata y recoge a todos nuestros hijos: los huérfanos heredados (somos subreaper) y
 * cualquier otro. Se llama cuando ya no queda ningún hijo que conservar. */
void huerfanos_barrer(void);
/* Mata los procesos sin terminal que nombran `carpeta` (o algo dentro) en su línea de
 * órdenes: los restos de una calificación anterior que murió sin limpiar (el ejecutor
 * matado con SIGKILL deja, por ejemplo, el PostgreSQL del 12 en marcha). Devuelve cuántos. */
int huerfanos_restos(const char *carpeta);

/* ---------------------------------------------------------------- orden.c */
#define TOPE_CAPTURA (48 * 1024)
typedef struct {
    const char *const *argv;
    const char *const *entorno;
    const char *carpeta; /* cwd del hijo */
    const char *salida;  /* archivo donde va stdout+stderr (NULL = capturar) */
    int limite_s;    /* tope, en segundos con CPU (reloj_cpu_t): con la máquina cargada, más */
    uid_t uid;       /* != 0: el hijo baja a este usuario antes del exec */
    char *capturado; /* si salida == NULL: lo escrito (tope TOPE_CAPTURA); free */
    size_t tope;     /* != 0: el tope de lo capturado en vez de TOPE_CAPTURA */
    int recortado;   /* 1 si lo capturado pasó del tope (lo demás se descartó) */
    int estado;      /* de waitpid */
    int excedido;    /* 1 si hubo que matarla por pasar de limite_s */
    /* != 0: límites del hijo (RLIMIT_FSIZE por archivo y RLIMIT_AS, en MiB; y sin core) para
     * una orden de confianza que trabaja sobre lo que escribió la entrega (el compilador). */
    unsigned tope_archivo_mib, tope_memoria_mib;
    /* Opcional: se llama en cada vuelta de la espera (cada 20–50 ms), p. ej. para enseñar el
     * avance en la terminal. No debe bloquear. */
    void (*al_esperar)(void *datos);
    void *datos_espera;
    /* 1: el hijo recibe la clave de la calificación (clave_descriptor()) como su descriptor
     * CLAVE_FD. Solo para el calificador: ninguna otra orden la ve. */
    int con_clave;
} orden_t;
#define ORDEN_MAX_FDS 10
/* Dónde ve el programa, en bwrap, la precarga vivos (lib/vivos.c, runner/conducta_traza.c). */
#define CAL_VIVOS_EN_CAJA "/calificador/vivos.so"
typedef struct {
    const char *const *argv;
    const char *const *entorno;
    const char *carpeta;    /* cwd del hijo (NULL = la de ahora) */
    uid_t uid;              /* != 0: baja a este usuario antes del exec */
    int fds[ORDEN_MAX_FDS]; /* fds[i] será el descriptor i del hijo; -1 en 0–2 = /dev/null */
    int nfds;               /* cuántos (al menos 3); los demás se cierran */
    int buscar_en_path;     /* 1: execvpe (argv[0] en PATH); 0: execve (ruta) */
    /* En el hijo, antes (fase 0) y después (fase 1) de bajar de usuario: límites, seccomp.
     * Solo llamadas seguras tras fork. Un valor < 0 aborta el hijo (código 127). */
    int (*preparar)(void *datos, int fase);
    void *datos;
} orden_hijo_t;
/* Hace fork y, en el hijo, lo que dice `h` y execve. Devuelve el pid o -errno. Si el exec
 * falla, el hijo lo dice en su stderr y sale con 127. */
pid_t orden_lanzar(const orden_hijo_t *h);

/* Ejecuta una orden de confianza (compilador, nm, el calificador…) en su propio grupo de
 * procesos y espera a que termine o la mata al pasar su límite. 0 si pudo ejecutarla (mirar
 * estado y excedido) o -errno. Nunca se usa para el programa del estudiante: ese lo lanza
 * cal_lanzar(), dentro de la caja. */
int orden_ejecutar(orden_t *o);
/* 1 si terminó por sí sola con código 0. */
int orden_bien(const orden_t *o);
/* Ctrl+C (SIGINT), la terminal que se cierra (SIGHUP) y SIGTERM dejan de matar al ejecutor
 * en seco: se anotan (SA_RESTART) y quien califica para cuando le toca, mata lo que lanzó y
 * borra lo suyo. Una señal que llegó ignorada (nohup, trap '' INT) sigue ignorada. Una vez,
 * en main, antes de lanzar nada. Desde entonces, orden_ejecutar() mata el grupo que espera
 * en cuanto llega una y no lanza ninguno más (-EINTR). */
void orden_senales_instalar(void);
/* La señal que interrumpió la calificación (SIGINT, SIGHUP o SIGTERM), o 0. */
int orden_interrumpida(void);
/* Parte `s` (se modifica) por espacios y añade los trozos a argv desde *n (argv[*n] = NULL). */
void orden_partir(char *s, const char **argv, int *n, int max);

/* ---------------------------------------------------------------- encierro.c */
/* Sin bwrap, lo único que el programa puede escribir, leer y ejecutar (Landlock). Cada cosa
 * que da quien lanza, abierta (O_PATH, descriptor prestado: ábrela con arbol_*, sin seguir
 * enlaces) y con su uso: ESCRIBE, una carpeta donde escribe y lee (la de trabajo, las de la
 * verificación); LEE, una carpeta o un archivo que solo lee (la precarga, la copia de `junto`);
 * EJECUTA, el binario (leer y ejecutar). */
typedef enum { ENCIERRO_ESCRIBE, ENCIERRO_LEE, ENCIERRO_EJECUTA } encierro_uso_t;
typedef struct {
    int fd;
    encierro_uso_t uso;
} encierro_regla_t;
/* Prepara, en el padre, las reglas que dejan hacer eso con las `n` de `dadas` y leer (y
 * ejecutar) el sistema: /usr, /etc, /bin, /sbin, /lib…, /proc, /sys y /dev (donde además
 * escribe en lo que ya existe). Devuelve el descriptor de las reglas (suyo: cerrarlo), o
 * -ENOSYS/-EOPNOTSUPP si el núcleo no tiene Landlock, u otro error negativo. */
int encierro_preparar(const encierro_regla_t *dadas, int n);
/* En el hijo, entre fork y exec: se encierra con `reglas`. 0 o -errno. */
int encierro_aplicar(int reglas);
/* La versión de Landlock del núcleo (>= 1), o un error negativo si no lo hay. */
int encierro_disponible(void);

/* ---------------------------------------------------------------- caja.c */
#define CAJA_MAX_ARGS    200
#define CAJA_MAX_ENLACES 8
typedef struct {
    const char *argv[CAJA_MAX_ARGS]; /* terminada en NULL */
    int n;
    char enlaces[CAJA_MAX_ENLACES][PATH_MAX]; /* destinos de /bin, /lib… (caja_sistema) */
    int nenlaces;
} caja_orden_t;
/* Ruta de bubblewrap (CALIF_BWRAP o /usr/bin/bwrap). */
const char *caja_bwrap(void);
/* Añade un argumento (lo que no cabe se descarta: CAJA_MAX_ARGS sobra para el curso). */
void caja_poner(caja_orden_t *o, const char *a);
/* Argumentos de bwrap para /usr, /etc y /bin, /lib… de solo lectura. */
void caja_sistema(caja_orden_t *o);
/* Empieza `o` (vacía) con la caja de una herramienta de confianza que lee archivos de la entrega
 * (el compilador, addr2line): bwrap sin ningún espacio de nombres compartido (tampoco la red), que
 * muere con nosotros, en una sesión propia y con solo el sistema de solo lectura. Quien llama
 * monta lo que la herramienta deba ver y pone «--» y la orden. */
void caja_herramienta(caja_orden_t *o);
/* 1 si bubblewrap funciona aquí tal como se usará; si no, 0 y el motivo (en español). */
int caja_probar(char *motivo, size_t tam);
/* 1 si este bwrap conoce --disable-userns (sin espacios de nombres de usuario anidados). */
int caja_sin_userns(void);
/* 1 si el usuario de la caja puede ejecutar `ruta` (en una carpeta: entrar en ella). */
int caja_alcanza(const char *ruta);
/* 1 si el usuario de la caja puede leer el archivo `ruta` (libcurso.a: 0644, no ejecutable). */
int caja_lee(const char *ruta);
/* Pone en `buf` la plantilla de mkdtemp para una carpeta aparte del ejecutor («NOMBRE-XXXXXX»)
 * que el usuario de la caja alcance: bajo $TMPDIR si es una ruta absoluta que la caja alcanza
 * y que solo puede cambiar quien califica (suya y sin escritura para el grupo ni los demás, o
 * con el bit pegajoso, como /tmp); si no, bajo /tmp. Así quien la pone (una prueba, un
 * servicio con su TMPDIR) sabe dónde buscar lo que quede. */
void caja_carpeta_aparte(char *buf, size_t tam, const char *nombre);

/* ---------------------------------------------------------------- filtro.c (seccomp) */
/* Lista de permitidos (libseccomp): lo que llaman libc, libuv, libcurl, libpq y valgrind, más
 * lo que pida el laboratorio; sin procesos nuevos ni memoria escrita y ejecutada. */
int filtro_disponible(void);
/* Construye el programa BPF en el proceso actual (no tras fork: reserva memoria). `extra`:
 * llamadas que añade el laboratorio, «a,b,c» (o NULL); `valgrind`: sin las reglas W^X (su JIT
 * necesita memoria RWX). Se guarda para filtro_instalar y filtro_descriptor. 0 o -errno. */
int filtro_preparar(const char *extra, int valgrind);
/* En `extra`, no una llamada sino el permiso de abrir sockets AF_UNIX (socket(AF_UNIX, …); sin
 * él, EPERM): lo pone el ejecutor si el lab.json dice «llamadas»: {"unix": true}. */
#define FILTRO_UNIX "AF_UNIX"
/* Instala el programa preparado en el proceso actual (tras fork, antes de execve: solo
 * prctl). 0 o -errno. */
int filtro_instalar(void);
/* Un memfd (CLOEXEC) con el programa preparado, para bwrap --seccomp FD. fd o -errno. */
int filtro_descriptor(void);
/* ¿Puede un lab.json pedir `nombre`? 0 sí; -ENOENT si libseccomp no la conoce; -EPERM si
 * está siempre prohibida; -EEXIST si tiene reglas propias (clone, mmap, mprotect…). */
int filtro_llamada_pedible(const char *nombre);
/* Las prohibidas que se nombran en el informe («keyctl,add_key,…», las que existen aquí):
 * lib/observar.c se las pide a strace (trace e inject) y runner/conducta.c las busca. */
const char *filtro_nombradas(void);
int filtro_es_nombrada(const char *nombre);

/* ---------------------------------------------------------------- aislamiento.c */
/* Espacio de nombres de red nuevo con solo loopback. 0 o -errno (y entonces se sigue en la
 * red de la máquina: red_estado() lo explica). */
int red_aislar(void);
/* «aislada (…)» o «sin aislar: …». Estático. */
const char *red_estado(void);
/* 1 si aquí se puede dar red propia a cada verificación; si no, 0 y el motivo. */
int red_probar(char *motivo, size_t tam);
/* Como root: el uid (y gid) con el que corre lo que lanza este proceso en la caja. */
uid_t uid_caja(void);
/* RLIMIT_NPROC para la entrega (ver aislamiento.c). */
unsigned long limite_procesos(void);

/* ---------------------------------------------------------------- sha256.c */
/* La huella en hexadecimal, sobre el SHA-256 por trozos de libcurso (curso/huella.h): una
 * sola implementación del estándar para el curso y sus calificadores. */
typedef huella_t sha256_t;
void sha256_iniciar(sha256_t *s);
void sha256_anadir(sha256_t *s, const void *datos, size_t n);
/* Termina y deja la huella en hexadecimal (64 cifras y NUL). `s` ya no sirve. */
void sha256_terminar(sha256_t *s, char hex[65]);

/* ---------------------------------------------------------------- clave.c */
/* La clave de cada calificación y la firma de cada resultado (HMAC-SHA256, RFC 2104): sin
 * bwrap y con el mismo uid (VPL), solo así sabe el ejecutor que un resultado lo escribió el
 * calificador y no el programa. */
#define CLAVE_BYTES 32
#define CLAVE_FD    3 /* el descriptor del calificador que trae la clave (CALIF_CLAVE_FD) */
/* PR_SET_DUMPABLE 0: el mismo uid no abre /proc/<pid>/{fd,environ,mem} ni hace ptrace.
 * execve lo deshace: cada binario lo pide al arrancar. */
void clave_no_volcable(void);
/* El ejecutor: clave nueva (getrandom) en un memfd sellado con O_CLOEXEC. El fd o -errno. */
int clave_crear(void);
/* El calificador: la clave del descriptor que dice CALIF_CLAVE_FD (pread). 0 o -errno. */
int clave_leer(void);
/* El memfd de clave_crear (-1 si no hay): quien lanza el calificador lo pone como su
 * descriptor CLAVE_FD. */
int clave_descriptor(void);
/* 1 si este proceso tiene clave (clave_crear o clave_leer). */
int clave_hay(void);
void clave_firma_iniciar(sha256_t *s);
void clave_firma_campo(sha256_t *s, const char *texto);
void clave_firma_terminar(sha256_t *s, char hex[65]);
/* La firma (64 cifras hexadecimales) del veredicto `ok` de la verificación `id`. */
void clave_firmar_veredicto(const char *id, int ok, char hex[65]);
/* 1 si las dos firmas (64 cifras hexadecimales) son iguales, en tiempo constante. */
int clave_iguales(const char *a, const char *b);

#define CAL_TEXTO_(x) #x
#define CAL_TEXTO(x)  CAL_TEXTO_(x)

#endif
