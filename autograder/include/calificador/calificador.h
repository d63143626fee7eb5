/* calificador.h — biblioteca común de los calificadores ocultos de los laboratorios.
 *
 * Un calificador es un binario de Criterion (los .c de labs/NN-tema/.calificador/) que juzga el
 * programa del estudiante DESDE FUERA (autograder/README.md, «Principios»): lo lanza aparte, dentro
 * de la caja de arena, le habla, le manda señales y mira lo observable (su salida, su código
 * de salida, el registro de peticiones del servidor de práctica, el informe de valgrind).
 * El código del estudiante nunca se enlaza con el calificador.
 *
 * Cada verificación es una prueba de Criterion declarada con CAL_PRUEBA(id, segundos), cuyo
 * `id` coincide con una entrada de lab.json. La prueba describe lo que esperaba y lo que
 * obtuvo (cal_esperado, cal_obtenido, cal_nota) y termina con CAL_FIN(ok), que escribe
 * $CALIF_RESULTADOS/<id>.json (lo lee el ejecutor: calificar) y hace el cr_assert. Una
 * verificación sin archivo de resultado cuenta como fallida: así ni un cuelgue ni un
 * _exit(0) pueden aprobarla (trampa de Criterion 2.4.1, common/TRAMPAS.md).
 *
 * Variables de entorno que pone el ejecutor:
 *   CALIF_PROGRAMA     ruta del binario del estudiante (solo se lee, nunca se escribe)
 *   CALIF_RESULTADOS   carpeta donde se escriben los resultados de cada verificación
 *   CALIF_CAJA         "bwrap" (bubblewrap) o "limites" (sin caja: solo límites y limpieza)
 *   CURSO_SERVIDOR_BIN el servidor de práctica (lo usa practica_arrancar)
 *   TMPDIR             carpeta para temporales (se borran al terminar cada verificación)
 *
 * Memoria y procesos: todo lo que crea esta biblioteca (procesos, servidores, temporales)
 * queda apuntado y se destruye en CAL_FIN / cal_fin() o, si la prueba muere antes, en el
 * atexit instalado por cal_inicio(); además cada hijo recibe SIGKILL si muere la prueba
 * (PR_SET_PDEATHSIG, --die-with-parent). Los textos devueltos (cal_salida…) son prestados y
 * viven hasta cal_proceso_liberar(). Todo desde un solo hilo.
 */
#ifndef CALIFICADOR_H
#define CALIFICADOR_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ---------------------------------------------------------------- verificaciones */

/* Empieza la verificación `id`, con `segundos` de tiempo (lo hace CAL_PRUEBA; 0: sin tiempo
 * propio, solo el .timeout de quien la declare). */
void cal_inicio(const char *id, int segundos);

/* Qué se esperaba y qué se obtuvo: textos para el estudiante, en español. Cada llamada
 * sustituye al anterior. */
void cal_esperado(const char *formato, ...) __attribute__((format(printf, 1, 2)));
void cal_obtenido(const char *formato, ...) __attribute__((format(printf, 1, 2)));
/* Añade una línea al detalle (contexto: órdenes usadas, extracto de la salida…). */
void cal_nota(const char *formato, ...) __attribute__((format(printf, 1, 2)));

/* Si la verificación falla, que no se repita sola (runner/repetir.c): el fallo se vio en algo
 * que la carga de la máquina no explica. Un programa lento por la carga o gasta CPU o espera
 * a alguien; uno que duerme sin que nadie tenga nada suyo pendiente (un programa colgado: el
 * servidor no hace ninguna sentencia suya) no se arregla repitiendo, y repetir daba por bueno
 * un fallo que solo aparece a veces (el estudiante de prueba del 12, sesión 41: 95 una vez, 100
 * la otra). `porque` va al resultado, y el ejecutor lo pone en el detalle al no repetirla. Solo
 * puede restar: el resultado de quien no la llama es el de siempre. */
void cal_sin_repetir(const char *formato, ...) __attribute__((format(printf, 1, 2)));

/* Cierra la verificación: mata y recoge todo lo lanzado, para los servidores, borra los
 * temporales y escribe el resultado. Devuelve `ok` (normalizado a 0/1). */
int cal_fin(int ok);

/* Texto corto para el mensaje del cr_assert («esperado … / obtenido …»). Estático. */
const char *cal_resumen(void);

/* Declara una verificación con su tiempo máximo (`segundos`). La sigue la función que la hace,
 * con el mismo nombre:
 *
 *     CAL_PRUEBA(saluda, 20)
 *     static void saluda(void)
 *     {
 *         …
 *         CAL_FIN(ok);
 *     }
 *
 * El nombre se escribe dos veces a propósito: así el cuerpo es una función de C que se ve como
 * tal (el editor salta a ella; ctags y quien lee el código no toman sus variables por globales
 * del archivo). Si los dos nombres no coinciden, no compila: la declarada aquí queda sin
 * definir y la escrita, sin usar. */
/* Los `segundos` se miden con el reloj de las esperas y de los límites de los programas, que se
 * alarga con la máquina cargada hasta CAL_RED_VECES veces (plazo_verificacion_empezar en
 * calificador/base.h, con RELOJ_CPU_TOPE). Al acabarse, las esperas acaban, los programas se
 * paran y la verificación falla con su porqué (cal_fin). El .timeout de Criterion, de reloj de
 * pared, queda de red para lo que no espere con plazo: nunca debe llegar antes. */
#define CAL_RED_VECES    4
#define CAL_RED_MARGEN_S 10
#define CAL_PRUEBA(id, segundos)                                                                   \
    static void id(void);                                                                          \
    Test(lab, id, .timeout = (segundos)*CAL_RED_VECES + CAL_RED_MARGEN_S)                          \
    {                                                                                              \
        cal_inicio(#id, (segundos));                                                               \
        id();                                                                                      \
    }

/* Termina la verificación con el veredicto `ok` (y return). */
#define CAL_FIN(ok)                                                                                \
    do {                                                                                           \
        int cal_ok_ = cal_fin(ok);                                                                 \
        cr_assert(cal_ok_, "%s", cal_resumen());                                                   \
        return;                                                                                    \
    } while (0)

/* ---------------------------------------------------------------- reloj */

/* Milisegundos del reloj monotónico (el mismo que usa el registro del servidor). */
uint64_t cal_ahora_ms(void);

/* ---------------------------------------------------------------- programa del estudiante */

/* Código con el que sale valgrind cuando encuentra errores o fugas (--error-exitcode). */
#define CAL_CODIGO_VALGRIND 99

/* Cuántos elementos tiene el arreglo `a` (un arreglo de verdad, no un puntero), como int. */
#define CAL_CUANTOS(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct cal_proceso cal_proceso_t;

typedef struct {
    const char *const *args;     /* argumentos (sin argv[0]), terminados en NULL */
    const char *const *entorno;  /* "CLAVE=valor" añadidos al entorno limpio, o NULL */
    double limite_s;             /* tiempo transcurrido máximo: después SIGKILL (0 = 10 s) */
    int valgrind;                /* != 0: bajo valgrind (informe con cal_valgrind) */
    const char *entrada;         /* texto para stdin (se escribe entero y se cierra), o NULL */
    int entrada_abierta;         /* != 0: stdin queda abierta para cal_escribir() */
    const char *const *carpetas; /* carpetas (de cal_carpeta) que el programa ve en la misma
                                  * ruta, con escritura; terminadas en NULL, o NULL */
    int terminal;                /* != 0: stdout y stderr a un pseudoterminal de 80×24 (el
                                  * programa ve isatty(1) == 1); todo llega a cal_salida() */
    const char *junto;           /* un archivo que el programa ve en su propia carpeta, con
                                  * el mismo nombre y de solo lectura (lo que un programa
                                  * busca «junto a sí», no en la carpeta actual), o NULL */
    uint64_t tope_archivo;       /* != 0: ningún archivo puede pasar de estos bytes (como un
                                  * disco lleno: la escritura que cruza el tope se queda corta
                                  * y la siguiente falla con EFBIG; SIGXFSZ, ignorada). 0: el
                                  * tope de siempre (lib/cuota.c) */
    unsigned escritura_lenta_ms; /* un disco lento: != 0, cada escritura con posición del
                                  * programa (pwrite64, pwritev, pwritev2: las de uv_fs_write)
                                  * tarda estos ms más antes de hacerse (strace, lib/observar.c) */
    unsigned rename_lento_ms;    /* ídem con cada rename (rename, renameat, renameat2). Los dos,
                                  * solo si se observa y sin valgrind: cal_disco_lento_posible() */
    const char *orden;           /* lo que anota «Se ejecutó:» en vez del programa y sus
                                  * argumentos (p. ej. con las URL de verdad detrás de unos
                                  * alias, y por qué), o NULL */
    int cierre;                  /* != 0: con la precarga vivos, que apunta qué handles
                                  * siguen abiertos cuando uv_run acaba (cal_sin_cerrar);
                                  * sin valgrind */
    int trafico;                 /* != 0 (un servidor de libuv): con la precarga vivos, que
                                  * cuenta los bytes que pasan por las callbacks de lectura y
                                  * por uv_write/uv_try_write de las conexiones aceptadas. Si
                                  * la verificación pasa, cal_fin se las pide y las compara
                                  * con lo que enviaron y recibieron los tcp_t de la
                                  * verificación: lo que el programa leyó o escribió por su
                                  * cuenta la suspende (lib/vivos.c). Sin valgrind */
} cal_lanzamiento_t;

/* 1 si cal_lanzar puede hacer lento el disco (escritura_lenta_ms, rename_lento_ms): los
 * lanzamientos se observan con strace (CALIF_OBSERVAR, lib/observar.c). Si no, 0: quien
 * califica lo dice en una nota y no juzga lo que solo se ve con el disco lento. */
int cal_disco_lento_posible(void);

/* Lanza $CALIF_PROGRAMA en la caja de arena, con límites (CPU, memoria, procesos, tamaño de
 * archivo, descriptores), entorno limpio, stdin vacía (o `entrada`, o abierta para
 * cal_escribir) y stdout/stderr capturados (con tope: lo que pase del tope se descarta y se
 * cuenta). Devuelve 0, o un error negativo estilo errno (y *p queda NULL).
 * Lo anota ella misma en el resultado: al lanzar, «Se ejecutó: <programa> <argumentos>» en el
 * detalle (lo de la temporal de la verificación, como «…/resto»); si no se pudo, lo obtenido
 * («no se pudo lanzar el programa (motivo)»). El calificador no lo repite. */
int cal_lanzar(const cal_lanzamiento_t *l, cal_proceso_t **p);
/* Ese mismo texto del último cal_lanzar que falló («no se pudo lanzar el programa (motivo)»),
 * para las verificaciones compuestas que arman su propio «Obtenido» con un `motivo`: así no lo
 * tapan con uno más corto. Si ningún lanzamiento falló, «no se pudo lanzar el programa».
 * Cadena de la biblioteca: válida hasta el siguiente cal_lanzar. */
const char *cal_lanzar_motivo(void);

/* Espera `ms` milisegundos (de reloj) leyendo la salida de todos los procesos lanzados. */
void cal_esperar(int ms);

/* Las esperas «como mucho `max_ms`» de aquí abajo (cal_esperar_fin, cal_esperar_lineas,
 * cal_escribir, cal_parar, cal_fifo_escribir) miden con el reloj de los topes (plazo_t en
 * base.h), el mismo del límite del programa: con la máquina cargada se alargan (hasta
 * RELOJ_CPU_TOPE veces). Acaban en cuanto pasa lo esperado, así que solo alargan lo que no
 * llega; lo que juzga rapidez lo mide la verificación con cal_ahora_ms. */

/* Espera como mucho `max_ms` a que el programa termine. Devuelve 1 si terminó. */
int cal_esperar_fin(cal_proceso_t *p, int max_ms);

/* Espera como mucho `max_ms` a que aparezcan en stdout `n` líneas cuya primera palabra sea
 * `prefijo` y cuya segunda sea `url` (NULL = cualquiera), como cal_contar. Devuelve 1 si
 * aparecieron (sirve para no esperar de más). */
int cal_esperar_lineas(cal_proceso_t *p, const char *prefijo, const char *url, int n, int max_ms);

/* Escribe `n` bytes en la stdin del programa (lanzado con entrada_abierta), leyendo su
 * salida mientras tanto para que nadie se bloquee; como mucho `max_ms`. Devuelve los bytes
 * escritos o un error negativo (-EPIPE si el programa cerró su entrada o terminó). */
long cal_escribir(cal_proceso_t *p, const char *datos, size_t n, int max_ms);
/* Cierra la stdin del programa (le llega fin de archivo). Idempotente. */
void cal_cerrar_entrada(cal_proceso_t *p);

/* Envía `senal` al programa del estudiante (no a la caja). Devuelve 0 o -errno. Cualquier
 * señal menos SIGSTOP y SIGCONT cuenta como «se le pidió acabar»: si al cerrar la verificación
 * sigue vivo, el informe dice qué lo mantenía vivo. */
int cal_senal(cal_proceso_t *p, int senal);

/* ¿Duerme ahora el hilo principal del programa (estado «S» de /proc/<pid>/stat: espera algo,
 * p. ej. en el epoll_wait de uv_run)? 1 si duerme; 0 si está en la CPU o esperando turno
 * para ella, parado por el trazador (strace) o en el disco; -1 si no se sabe (terminó, o
 * no se pudo leer). Para juzgar «sin avances» por lo que hace el programa y no por el reloj:
 * con la máquina cargada, el programa que espera turno no está dormido. */
int cal_dormido(cal_proceso_t *p);

/* Para el programa con SIGSTOP y espera (como mucho `max_ms`) a que /proc diga que está
 * parado («T» o «t»): en una máquina cargada la señal tarda en surtir efecto y lo que se
 * mande justo después puede llegarle aún en marcha. 1 si se vio parado; 0 si no (la señal
 * se mandó igual: quien llama decide). Se sigue con cal_senal(p, SIGCONT). */
int cal_parar(cal_proceso_t *p, int max_ms);

/* Mata al programa y a todo lo que haya creado (SIGKILL) y lo recoge. Idempotente. */
void cal_matar(cal_proceso_t *p);

/* Estado: 1 si terminó. Código: el de exit() (0–255), 128 + señal si murió por una señal,
 * -1 si sigue vivo o lo mató el calificador por pasarse del límite. */
int cal_termino(const cal_proceso_t *p);
int cal_codigo(const cal_proceso_t *p);
/* La señal que mató al programa, o 0 si salió por su pie (exit), sigue vivo o no se sabe.
 * cal_codigo() da lo mismo, 130, con exit(130) que muerto por SIGINT; esto los separa. Sin
 * caja, con el estado de wait. Con bwrap, que transmite «muerto por la señal N» como
 * exit(128 + N), solo se reconoce la última señal mandada con cal_senal() (y de las que por
 * omisión terminan el proceso): N si en ese instante el programa no la capturaba, ni la
 * ignoraba, ni la bloqueaba (/proc/PID/status), porque entonces fue el núcleo quien lo
 * terminó. Un programa que captura la señal y después se la reenvía a sí mismo con la
 * acción por omisión cuenta, con bwrap, como exit(128 + N). */
int cal_senal_mortal(const cal_proceso_t *p);
/* ¿Atiende ahora el programa `senal`? 1 si la captura, la ignora o la bloquea (SigCgt, SigIgn
 * y SigBlk de /proc/PID/status, del proceso del programa dentro de la caja); 0 si la deja a
 * la acción por omisión del núcleo; -1 si no se sabe (terminó, va bajo valgrind, que las
 * captura todas, o no se pudo leer). Para lo que el enunciado pide de una señal que las
 * verificaciones no pueden provocar a voluntad (SIGPIPE del 09: si llega depende de en qué
 * orden atiende el servidor una lectura y un corte). */
int cal_senal_atendida(cal_proceso_t *p, int senal);
/* Milisegundos (cal_ahora_ms) del lanzamiento y del final observado (0 si no terminó). Con
 * la observación de los medios (lib/observar.c), el lanzamiento es cuando la caja está en pie:
 * el arranque de strace no cuenta. */
uint64_t cal_lanzado_ms(const cal_proceso_t *p);
uint64_t cal_terminado_ms(const cal_proceso_t *p);
/* Espera a que termine (cal_esperar_fin, como mucho `max_ms` desde ahora) y devuelve 1 si
 * terminó por su pie como mucho `max_ms` de reloj después de `desde_ms` (cal_ahora_ms). Es el
 * juicio de rapidez («sale en ≤ 2 s tras SIGINT»): la espera se alarga con la máquina cargada
 * (solo mira más tiempo), y lo que juzga no. Las dos cosas en una: esperar sin juzgar con
 * reloj aprobaba a un lento con carga, y juzgar sin esperar suspendía a uno rápido. */
int cal_termino_en(cal_proceso_t *p, uint64_t desde_ms, int max_ms);
/* 1 si hubo que matarlo por pasarse de su límite de tiempo transcurrido. */
int cal_excedido(const cal_proceso_t *p);

/* Salida capturada (terminada en NUL; prestada). */
const char *cal_salida(const cal_proceso_t *p);
const char *cal_errores(const cal_proceso_t *p);
const char *cal_valgrind(const cal_proceso_t *p);
/* Cuándo (cal_ahora_ms) leyó el calificador entera la línea `i` (la primera es la 0) de
 * stdout (`flujo` 1) o de stderr (2) de `p`: el instante en que llegó su \n a una lectura, que
 * se hace en cada espera (cal_esperar, cal_esperar_fin, cal_esperar_lineas…). 0 si aún no ha
 * llegado o es de después de las primeras CAL_LINEAS_FECHADAS. Así se juzga cuándo dijo algo
 * el programa (una línea después de su petición, no antes) sin fechar a mano. */
#define CAL_LINEAS_FECHADAS 8192
uint64_t cal_linea_vista_ms(const cal_proceso_t *p, int flujo, int i);
/* Bytes descartados por pasar del tope (stdout + stderr). */
uint64_t cal_descartados(const cal_proceso_t *p);

/* Describe cómo terminó («salió con código 0», «murió por la señal SIGSEGV», «seguía vivo»…)
 * en `buf`. Devuelve `buf`. */
const char *cal_describir_fin(const cal_proceso_t *p, char *buf, size_t tam);

/* Añade al detalle las últimas `n` líneas de stdout y de stderr del programa. */
void cal_nota_salida(const cal_proceso_t *p, int n);

/* Memoria residente máxima (KiB) del programa: la mayor VmHWM de /proc/<pid>/status vista
 * en las esperas (se lee como mucho cada 50 ms mientras vive, y otra vez al llamar a esta
 * función si sigue vivo) y, sin bwrap, la de wait4()
 * al recogerlo. Con bwrap, wait4 no sirve (bwrap sale sin recoger a su init): un programa
 * que vive menos de ~50 ms puede quedar sin medir. Bajo valgrind, es la de valgrind. 0 si
 * no se supo. */
uint64_t cal_memoria_pico_kib(cal_proceso_t *p);
/* El tiempo de CPU de un programa lanzado, hasta ahora (si sigue vivo) o hasta su última
 * lectura (si ya terminó: se pierden como mucho sus últimos 50 ms). Se lee de /proc del
 * programa (dentro de la caja, el hijo del init de bwrap, que wait4 no ve) en cada espera,
 * como mucho cada 50 ms, y otra vez al llamar a cal_cpu si sigue vivo; sin caja ni strace, al
 * recogerlo, el de wait4. Bajo valgrind es el de valgrind. */
typedef struct {
    int64_t cpu_ms;      /* usuario + sistema de todos sus hilos y de los hijos que recogió
                          * (/proc/<pid>/stat, en tics de 10 ms), o -1 */
    int64_t listo_ms;    /* cuánto quisieron la CPU sus hilos vivos: en ella o esperando turno
                          * en la cola (/proc/<pid>/task/<tid>/schedstat), o -1 si no se sabe */
    int64_t cola_ms;     /* de listo_ms, lo que esperaron su turno en la cola, o -1 */
    int64_t despertares; /* cuántas veces se durmió su hilo principal, el del bucle (y
                          * despertó): voluntary_ctxt_switches de /proc/<pid>/status, o -1 */
    uint64_t reloj_ms;   /* tiempo transcurrido desde el lanzamiento hasta esa lectura */
} cal_cpu_t;
/* 0, o -1 si aún no se pudo leer nada (*m con -1 y 0). */
int cal_cpu(cal_proceso_t *p, cal_cpu_t *m);

/* El tiempo propio de un programa: lo que pasa en la CPU (cal_cpu) más lo que se le ve
 * dormido (cal_dormido), esperando algo. Lo que espera su turno para la CPU, o al trazador
 * (strace), no cuenta: con la máquina cargada el reloj corre y el programa no tiene la culpa.
 * Para los plazos que juzgan lo que hace el programa (la carga del 09, el primer ciclo del
 * 07), no para los que el enunciado da en segundos de reloj. Se mira en un bucle, cada pocos
 * milisegundos: entre dos miradas cuenta como mucho 100 ms dormido (el calificador también
 * espera su turno). `avanzo` (1: algo avanzó desde la mirada anterior) pone a cero `quieto`,
 * el tiempo visto dormido sin avances. */
typedef struct {
    uint64_t mirada;  /* reloj de la última mirada */
    int64_t cpu0;     /* CPU del programa al empezar (ms) */
    uint64_t dormido; /* visto dormido, en total */
    uint64_t quieto;  /* visto dormido desde el último avance */
} cal_tiempo_propio_t;
void cal_tiempo_propio_empezar(cal_tiempo_propio_t *t, cal_proceso_t *p);
/* Una mirada: devuelve el tiempo propio (ms) desde cal_tiempo_propio_empezar. */
uint64_t cal_tiempo_propio_mirar(cal_tiempo_propio_t *t, cal_proceso_t *p, int avanzo);
/* Juicio común «sin espera activa» (autograder/README.md, «Espera activa»): 0 si el programa
 * quiso la CPU (listo_ms; sin schedstat, cpu_ms) más de CAL_ESPERA_FRACCION de su tiempo
 * transcurrido, lo que solo hace quien espera dando vueltas (un uv_run(…, UV_RUN_NOWAIT) en
 * un bucle, mirar la hora sin dormir); 1 si no, y también bajo valgrind o sin medida (menos
 * de CAL_ESPERA_RELOJ_MIN_MS): ahí no se juzga. En `motivo`, la frase para «obtenido» o para
 * una nota, con las cifras. Se llama mientras el programa espera, antes de mandarle la
 * señal de parar: lo que gaste al terminar no es espera. */
#define CAL_ESPERA_FRACCION     0.5
#define CAL_ESPERA_RELOJ_MIN_MS 1000
/* Y si, de las miradas (cada 50 ms como mucho, mientras el calificador espera) en que el hilo
 * principal dormía, más de la mitad lo vieron fuera del epoll de uv_run (/proc/<pid>/wchan:
 * un futex, nanosleep, poll…), también es esperar fuera del bucle. Con menos de estas
 * miradas no se juzga dónde. */
#define CAL_ESPERA_MIRADAS_MIN 10
/* Y si su hilo principal despertó más de estas veces por segundo (de media, desde que se
 * lanzó), es que mira una y otra vez si hay algo que hacer: un temporizador de 1 ms despierta
 * unas 900 veces por segundo aunque la máquina esté cargada, y uno de 10 ms, unas 100; un
 * programa que espera a que libuv le avise, una vez por suceso (autograder/README.md, «Espera
 * activa»). Bajo strace cuenta también cada llamada que el trazador para (dos veces), y solo
 * se paran las de los medios, nunca epoll_wait. */
#define CAL_ESPERA_DESPERTARES_S 300.0
/* La ventana que se juzga: CAL_ESPERA_TRANQUILA si en ella el programa solo espera sucesos
 * contados (un temporizador del enunciado, unas pocas respuestas o trozos: la solución despierta
 * menos de 150 veces por segundo), y entonces también se juzgan los despertares;
 * CAL_ESPERA_CON_DATOS si recibe un flujo de datos (una descarga a 100 KiB/s despierta a la
 * solución del 11 unas 700 veces por segundo, tantas como un sondeo de 1 ms): solo la CPU y
 * dónde duerme. */
typedef enum { CAL_ESPERA_TRANQUILA, CAL_ESPERA_CON_DATOS } cal_espera_t;
int cal_sin_espera_activa(cal_proceso_t *p, cal_espera_t ventana, char *motivo, size_t tam);
/* Cuántos temporizadores que se repiten cada menos de 10 ms arrancó el programa (uv_timer_start,
 * uv_timer_set_repeat), según las cuentas de la precarga vivos: mirar cada milisegundo si hay
 * algo que hacer es esperar dando vueltas, aunque gaste poca CPU. Solo con .trafico (lib/vivos.c);
 * -1 si no se puede saber (sin precarga, o el programa no dio sus cuentas). */
int cal_temporizadores_rapidos(cal_proceso_t *p);
/* Juicio común «lo cerró el programa, no la red de seguridad» (autograder/README.md, «La
 * caja de arena», vivos), para un programa ya terminado que se lanzó con .cierre: cuántos
 * handles seguían abiertos y sin uv_close la primera vez que su uv_run volvió sin nada vivo, o
 * se cerraron fuera de uv_run antes (tras un uv_stop), los que cerró bucle_cerrar de libcurso
 * o su propio uv_walk, y en `texto` uno por línea, con el archivo:línea donde se
 * creó. -1 si no se pudo mirar (sin la precarga, bajo valgrind o aún en marcha): ahí no se
 * juzga. -2 si la precarga no dio su testigo al salir, o no cuadra (el programa la calló o no
 * pasó por su uv_run): no hay informe, y en `texto`, por qué; la verificación no se aprueba.
 * Salir con exit() desde una callback (uv_run aún en marcha) suma uno y lo dice en `texto`. */
int cal_sin_cerrar(cal_proceso_t *p, char *texto, size_t tam);
/* Como cal_sin_cerrar, solo con los handles de tipo `tipo` (el nombre del tipo de libuv:
 * "uv_timer_t", "uv_tcp_t"…); la salida con exit() desde una callback no es de ningún tipo y
 * aquí no cuenta (cal_salio_desde_callback). Para una verificación que cobra un olvido concreto
 * y deja el resto a otra. */
int cal_sin_cerrar_de(cal_proceso_t *p, const char *tipo, char *texto, size_t tam);
/* 1 si el programa salió con exit() desde una callback (su uv_run aún en marcha), según el
 * testigo de la precarga; 0 si uv_run volvió; -1 o -2 como cal_sin_cerrar (en `texto`, con -2,
 * por qué). */
int cal_salio_desde_callback(cal_proceso_t *p, char *texto, size_t tam);
/* El juicio de la parada sobre cal_sin_cerrar, el mismo en todos los laboratorios: 1 si la
 * parada lo cerró todo (o no se pudo mirar: lo anota); si no, 0, con «esperado» (que cerrara
 * `que_cierra`, p. ej. «el servidor, las conexiones y los handles de las señales») y
 * «obtenido» ya escritos. Un exit() desde una callback cuenta como un olvido más. */
int cal_parada_cerro_todo(cal_proceso_t *p, const char *que_cierra);
/* Como cal_parada_cerro_todo, solo con los handles creados en `archivo` de libcurso
 * («common/src/bd.c»: las conexiones de bd_conectar) y la salida desde una callback: para la
 * verificación de un camino concreto (una conexión rota, un error) que juzga lo suyo. Los demás
 * olvidos (las señales, un temporizador propio) no son del camino: los cobra una vez otra que
 * pase por todos, `quien_cobra` («valgrind»), y aquí se anotan. Un olvido cuesta una vez, no
 * en cada verificación que pasa por la parada. Sin información de depuración no hay archivo
 * que reconocer y aquí no se cobra nada. */
int cal_parada_cerro_lo_de(cal_proceso_t *p, const char *que_cierra, const char *archivo,
                           const char *quien_cobra);
/* Cuántos descriptores del programa apuntan ahora a rutas que empiezan por `prefijo` (lee
 * /proc/<pid>/fd). -1 si no se pudo mirar (el programa ya terminó, o sin permiso). */
int cal_abiertos(cal_proceso_t *p, const char *prefijo);

/* Veredicto de valgrind del programa lanzado con .valgrind = 1, el mismo en todos los
 * laboratorios: 1 si hay un solo programa y un solo resumen en el informe, con «ERROR
 * SUMMARY: 0 errors», nada descartado, sin el código CAL_CODIGO_VALGRIND y sin morir por una
 * señal (entonces el código de valgrind no dice nada: lib/valgrind.c); si no, 0. En `motivo`
 * deja una frase para «obtenido». */
int cal_valgrind_veredicto(const cal_proceso_t *p, char *motivo, size_t tam);
/* Cierre ordenado, visto desde fuera: 1 si valgrind no vio memoria «still reachable» al
 * salir (ni un bloque que el programa aún podía liberar). Quien sale con exit() desde una
 * callback (de una señal, p. ej.) no ha cerrado el bucle: sus estructuras, y las de libuv,
 * siguen alcanzables. No se fabrica sin hacer el trabajo: liberar lo de libuv pide que
 * uv_loop_close() dé 0. Las fugas (memoria perdida) las juzga cal_valgrind_veredicto. Si no,
 * 0 y el motivo. */
int cal_valgrind_cerrado(const cal_proceso_t *p, char *motivo, size_t tam);
/* Añade al detalle el primer problema que señala valgrind y su resumen. */
void cal_valgrind_nota(const cal_proceso_t *p);
/* La señal por la que murió (sin capturarla) el programa que corrió bajo valgrind y ya
 * terminó: su número, -1 si murió por una pero no se sabe cuál, o 0 si salió por su pie (o lo
 * mató el calificador). Para no cobrar dos veces lo mismo: morir por Ctrl+C lo juzga la
 * verificación de Ctrl+C, no la de memoria. */
int cal_valgrind_senal(const cal_proceso_t *p);

/* Libera el proceso (lo mata antes si sigue vivo). */
void cal_proceso_liberar(cal_proceso_t *p);

/* La cuota de disco de la verificación (lib/cuota.c: 256 MiB desde el lanzamiento) mide
 * además la carpeta `ruta` mientras viva algún programa de la verificación: lo que la entrega
 * escribe a través de otro proceso (el PostgreSQL del 12, en la carpeta de su clúster). `que`
 * la nombra en el mensaje («la carpeta de datos de su PostgreSQL»). Hasta 4; cal_inicio las
 * olvida. Se abre aquí (antes de lanzar: la ruta no puede ser algo que la entrega pudo tocar)
 * y se mide siempre desde ese descriptor. 0, o -EINVAL (ruta no absoluta), -ENOSPC o el error
 * de abrirla (base/arbol.c). */
int cal_cuota_vigilar(const char *ruta, const char *que);

/* La caja en uso: "bwrap" o "limites". */
const char *cal_caja(void);

/* ---------------------------------------------------------------- entradas y archivos */

/* Una carpeta temporal de la verificación (se borra en cal_fin) que el usuario de la caja
 * puede leer y escribir; pásala en cal_lanzamiento_t.carpetas para que el programa la vea. */
int cal_carpeta(const char *nombre, char *ruta, size_t tam);

/* Lo que cuelga de una carpeta de cal_carpeta es de la entrega: ahí pudo dejar, en cualquier
 * momento, un enlace simbólico en lugar de un archivo o de una subcarpeta (hostiles/enlace_08.c,
 * enlace_11.c, parte_enlace.c). Un calificador NUNCA toca esas rutas con llamadas por ruta
 * (open, fopen, stat, lstat, chmod, opendir, mkdir, symlink…: la prueba estática de
 * prueba-autograder lo comprueba), sino con estas, que bajan desde la temporal de la
 * verificación (abierta antes de lanzar nada) sin seguir ningún enlace (base/arbol.c). Todas
 * devuelven un error negativo estilo errno si no pueden: -ELOOP si en el camino hay un enlace
 * simbólico, -EXDEV si `ruta` no cuelga de la temporal de la verificación. Ese error cuenta
 * como fallo de la verificación, con cal_ruta_error() en el detalle; nunca como éxito. */
/* open(2) de `ruta` (sin O_CREAT: para crear, cal_crear_archivo). Descriptor (de quien llama). */
int cal_abrir(const char *ruta, int flags);
/* Como lstat(2): de un enlace, el del propio enlace. 0 o error. */
int cal_estado(const char *ruta, struct stat *st);
/* chmod(2) del propio archivo o carpeta (nunca a través de un enlace). 0 o error. */
int cal_chmod(const char *ruta, mode_t modo);
/* Lista la carpeta `ruta`: *d es de quien llama (closedir). 0 o error. */
int cal_listar(const char *ruta, DIR **d);
/* mkdir(2) con el modo exacto (sin la máscara del proceso). 0 o error. */
int cal_crear_carpeta(const char *ruta, mode_t modo);
/* symlink(2): crea en `ruta` un enlace a `destino` (una entrada que prepara el calificador). */
int cal_crear_enlace(const char *destino, const char *ruta);
/* Borra `ruta`: un archivo o un enlace (el enlace, no a lo que apunta), o una carpeta con todo
 * lo que tiene, sin seguir nada (arbol_borrar). 0 o error. */
int cal_borrar(const char *ruta);
/* El error `r` en español, para el detalle: «la entrega puso un enlace simbólico donde se
 * esperaba un archivo o una carpeta: no se sigue»… Estático. */
const char *cal_ruta_error(int r);
/* Crea (vacío, modo `modo`) el archivo `ruta`, dentro de una carpeta de cal_carpeta: lo que
 * el programa dejó con ese nombre (un enlace, una FIFO, un archivo) se borra y se crea de nuevo
 * (O_EXCL). Descriptor (de quien llama, para escribir) o error. */
int cal_crear_archivo(const char *ruta, mode_t modo);
/* Crea la FIFO `carpeta`/`nombre` (ruta completa en `ruta`). 0 o -errno. */
int cal_fifo(const char *carpeta, const char *nombre, char *ruta, size_t tam);
/* Abre la FIFO para escribir sin esperar a un lector: el programa que la abra para leer
 * espera datos hasta que el calificador escriba o cierre (close: fin de archivo). fd o
 * -errno; el descriptor es de quien llama. */
int cal_fifo_abrir(const char *ruta);
/* Escribe `n` bytes en la FIFO (como mucho `max_ms`, leyendo mientras la salida del
 * programa). Devuelve los bytes escritos o -errno. */
long cal_fifo_escribir(int fd, const void *datos, size_t n, int max_ms);
/* SHA-256 de un archivo (de una carpeta de cal_carpeta), en hexadecimal. 0 o -errno. */
int cal_archivo_sha256(const char *ruta, char hex[65]);
/* 1 si el archivo tiene exactamente los `n` bytes de `esperado`; si no, 0 y en `motivo` la
 * primera diferencia («no existe», «tiene 10 bytes y se esperaban 12», «difiere en el byte
 * 7 (0x41 en vez de 0x42)»). */
int cal_archivo_igual(const char *ruta, const void *esperado, size_t n, char *motivo, size_t tam);

/* ---------------------------------------------------------------- líneas de salida */

/* Cuenta las líneas de `texto` cuya primera palabra es `prefijo` y cuya segunda palabra es
 * exactamente `url` (NULL = cualquiera). */
int cal_contar(const char *texto, const char *prefijo, const char *url);

/* Línea número `i` (0, 1, …) de las que cuenta cal_contar, copiada en `buf` sin el '\n'.
 * Devuelve su posición (número de línea en el texto, desde 0) o -1 si no existe. */
int cal_linea(const char *texto, const char *prefijo, const char *url, int i, char *buf,
              size_t tam);

/* Palabra número `n` (0 = la primera) de `linea`, copiada en `buf`. Devuelve `buf` o NULL. */
const char *cal_palabra(const char *linea, int n, char *buf, size_t tam);

/* Copia en `buf` un texto para mostrar: como mucho `max_lineas` líneas, cada una recortada
 * a 160 caracteres, sangradas con dos espacios; «(vacío)» si no hay nada. */
const char *cal_extracto(const char *texto, int max_lineas, char *buf, size_t tam);

/* ---------------------------------------------------------------- servidor de práctica */

typedef struct {
    uint64_t inicio_ms;
    uint64_t fin_ms;
    int estado;
    int abortada;   /* el cliente cortó antes de recibir la respuesta entera */
    uint64_t bytes; /* bytes de cuerpo enviados (sin cabeceras) */
    char metodo[16];
    char ruta[512];
    char rango[64]; /* la cabecera Range de la petición («bytes=1234-»), "" si no la traía */
} cal_peticion_t;

typedef struct cal_servidor cal_servidor_t;

/* Arranca un servidor de práctica propio en un puerto efímero, con su registro en una
 * carpeta temporal. Sus bytes de /bytes, /stream-bytes y /cortar son la secuencia secreta
 * (curso/secuencia.h) de una clave de getrandom, la misma para todos los servidores de este
 * proceso, que solo conocen el servidor y el calificador (cal_bytes): de los bytes que la
 * entrega ya recibió no puede sacar los que faltan. Devuelve 0 o un error negativo (y *s queda
 * NULL); si falla, lo anota ella misma en el resultado («no arrancó el servidor de práctica (error
 * del calificador: …)»): el calificador no lo repite. */
int cal_servidor(cal_servidor_t **s);
/* Como cal_servidor(), con rutas opacas cuyas respuestas fija `guion`: texto JSON con el
 * formato de «servidor-practica --guion» (common/servidor/guion.h), p. ej.
 *   {"/v/…": {"pasos": [{"estado": 503, "veces": 4}], "despues": {"estado": 200}},
 *    "/v/…": {"despues": {"estado": 200, "retraso_ms": 600}}}
 * Las peticiones a una ruta toman los pasos en el orden en que llegan. `guion` es prestado
 * durante la llamada: se escribe en un temporal que se borra en cuanto el servidor lo ha
 * leído, así que el programa del estudiante no puede leerlo. Devuelve 0 o un error negativo
 * (-EINVAL si el servidor rechazó el guion: error del calificador), anotado como en
 * cal_servidor(). */
int cal_servidor_guion(const char *guion, cal_servidor_t **s);

/* Lo que cambia de una calificación a otra (lib/azar.c): el calificador se puede leer, así
 * que un valor fijo se sabría de antemano. Cada valor sale de getrandom en cada llamada.
 * cal_bytes_azar: `n` bytes en `datos`; 0 o un error negativo.
 * cal_azar: un entero en [min, max] (min si max <= min).
 * cal_hex_azar: 2·`bytes` cifras hexadecimales (bytes <= 64) y un NUL en `buf` (tam >=
 * 2·bytes + 1); 0 o un error negativo. */
int cal_bytes_azar(void *datos, size_t n);
int64_t cal_azar(int64_t min, int64_t max);
int cal_hex_azar(char *buf, size_t tam, size_t bytes);

/* Escribe en `ruta` (tam >= 36) una ruta opaca nueva, "/v/" + 32 cifras hexadecimales al
 * azar (getrandom): ni se adivina ni dice nada de cómo responderá. 0 o un error negativo. */
int cal_ruta_opaca(char *ruta, size_t tam);

/* Un alias nuevo de `destino` (ruta del servidor con su consulta, p. ej. «/status/404»):
 * escribe en `ruta` (tam >= 36) «/c/» + 32 cifras hexadecimales al azar, que el servidor `s`
 * atiende como `destino` y anota en su registro como `destino`; la petición no puede traer
 * consulta (un 400; para una que sí, cal_alias_consulta). Así la URL que recibe el programa no dice
 * qué escenario es. El alias se apunta en un archivo de la carpeta del servidor, que la caja no ve.
 * 0 o un error negativo (-EINVAL: destino que no empieza por «/» o lleva espacios). */
int cal_alias(cal_servidor_t *s, const char *destino, char *ruta, size_t tam);
/* Lo mismo, pero la petición puede traer consulta con esas `claves` («ciudad,q», separadas por
 * comas: letras, cifras, «_» y «-»), y solo esas: con otra, el servidor contesta un 400 que la
 * nombra (así el programa no cambia el escenario: el servidor toma el primer valor de cada
 * parámetro, y la consulta de la petición va delante). cal_alias es esto con NULL: ninguna
 * consulta. 0 o un error negativo (-EINVAL también con claves mal escritas). */
int cal_alias_consulta(cal_servidor_t *s, const char *destino, const char *claves, char *ruta,
                       size_t tam);

/* Los bytes [desde, desde + n) de /bytes?seed=`semilla` de los servidores de esta verificación
 * (la secuencia secreta de su clave): lo que un archivo bien descargado debe contener. */
void cal_bytes(uint64_t semilla, uint64_t desde, unsigned char *destino, size_t n);

/* "http://127.0.0.1:PUERTO" (sin barra final). */
const char *cal_servidor_url(const cal_servidor_t *s);

/* Lee el registro (lo escrito hasta ahora). Devuelve cuántas peticiones hay y deja en *v un
 * array (del servidor: válido hasta la siguiente llamada o hasta cal_fin). Las líneas que no
 * se entienden se ignoran. */
int cal_registro(cal_servidor_t *s, const cal_peticion_t **v);

/* Copia en `v` (capacidad `max`) las peticiones cuya ruta es exactamente `ruta`, en orden de
 * inicio. Devuelve cuántas hay (puede ser > max: solo se copian max). */
int cal_registro_ruta(cal_servidor_t *s, const char *ruta, cal_peticion_t *v, int max);

/* Un puerto de 127.0.0.1 en el que (ahora mismo) nadie escucha. 0 si falla. */
int cal_puerto_cerrado(void);

#endif
