/* interno.h — lo que comparten los módulos de la biblioteca del calificador (no es API). */
#ifndef CALIFICADOR_INTERNO_H
#define CALIFICADOR_INTERNO_H

#include <stddef.h>
#include <sys/types.h>

#include "calificador/base.h"

/* canal.c. 1 si el canal de Criterion va en $CALIF_CANAL (la carpeta de esta calificación).
 * Llamarla trae de libcalificador.a el módulo que define nn_bind y nn_connect. */
int canal_propio(void);

/* temporales.c. Empieza las temporales de la verificación `id` / las borra todas. */
void temporales_iniciar(const char *id);
/* El id de la verificación en curso ("" antes de cal_inicio): nombra sus trazas. */
const char *temporales_id(void);
void temporales_borrar(void);
/* Crea una carpeta temporal dentro de la de esta verificación y deja su ruta en `ruta`.
 * Se borra (con todo su contenido) en cal_fin. Devuelve 0 o -errno (-ESRCH antes de
 * cal_inicio: nadie la borraría). */
int temporal_nuevo(const char *nombre, char *ruta, size_t tam);
/* La temporal de la verificación (raíz de las de temporal_nuevo), o "" si no hay. */
const char *temporal_raiz(void);
/* Su descriptor (O_PATH, abierto al crearla, antes de lanzar nada), o -1 si no hay: la raíz
 * de todo lo que se hace dentro con base/arbol.c. Prestado. */
int temporal_raiz_fd(void);
/* Deja en *rel la parte de `ruta` que cuelga de la temporal (sin la barra). 0, o -EXDEV si
 * `ruta` no cuelga de ella. */
int temporal_relativa(const char *ruta, const char **rel);

/* notas.c — el resultado de la verificación en curso tal como se dijo con cal_esperado,
 * cal_obtenido y cal_nota (de notas.c; NULL si no se dijo nada). Lo lee verificacion.c. */
const char *notas_esperado(void);
const char *notas_obtenido(void);
const char *notas_detalle(void);
/* Un errno dicho en castellano para el informe (el calificador corre con LC_ALL=C, y strerror
 * hablaría inglés): los que pueden salir al lanzar, leer y mirar /proc; los demás, «error N».
 * Devuelve un texto estático (el de «error N», de un búfer que la siguiente llamada pisa). */
const char *notas_errno(int e);

/* proceso.c — un programa lanzado y sus tres flujos de salida (stdout, stderr, valgrind),
 * leídos con poll() desde el único hilo del calificador (ver proceso.c). */
#include <stdint.h>
#include "calificador/calificador.h"
#define TOPE_SALIDA   (256 * 1024)
#define TOPE_ERRORES  (64 * 1024)
#define TOPE_VALGRIND (256 * 1024)
#define TOPE_VIVOS    (16 * 1024)
typedef struct {
    int fd;      /* extremo de lectura, -1 cuando llegó el fin */
    char *datos; /* terminado en NUL */
    size_t usados;
    size_t tope;
    uint64_t descartados;
    int fechado;      /* != 0: se fecha cada línea (stdout y stderr, no valgrind ni vivos) */
    uint64_t *vistas; /* cuándo llegó el \n de cada línea (cal_linea_vista_ms), o NULL */
    int nvistas;
} flujo_t;

struct cal_proceso {
    pid_t pid;      /* nuestro hijo directo: bwrap o el propio programa */
    pid_t init;     /* bwrap: init del espacio de PID (PID visto desde fuera) */
    pid_t programa; /* el programa del estudiante (0 = aún no localizado) */
    int termino;    /* nuestro hijo ya fue recogido */
    int estado;     /* estado de waitpid */
    int excedido;   /* lo matamos por el límite de tiempo transcurrido */
    int matado;     /* lo matamos nosotros (cal_matar) */
    int entrada;    /* extremo de escritura de su stdin, o -1 */
    uint64_t lanzado_ms, terminado_ms;
    plazo_t limite; /* su tiempo: con el reloj de las esperas (base/reloj.c), que bombear mira */
    flujo_t salida, errores, valgrind;
    flujo_t vivos;       /* el informe de la precarga vivos (lib/vivos.c); fd -1 sin ella */
    int cierre;          /* la precarga mira qué queda abierto al acabar uv_run (.cierre) */
    int trafico;         /* la precarga cuenta el tráfico de libuv (.trafico): vivos_cuentas */
    char testigo[40];    /* con .cierre o .trafico, la clave al azar que la precarga devuelve */
    uint64_t pico_kib;   /* memoria residente máxima vista (cal_memoria_pico_kib) */
    uint64_t muestra_ms; /* última lectura de VmHWM */
    int senal_enviada;   /* la última señal de cal_senal(), o 0 */
    int senal_omision;   /* al enviarla, el programa no la capturaba, ignoraba ni bloqueaba */
    int fd_avisado;      /* ya se anotó que no se pudo leer /proc/<pid>/fd */
    int disco;           /* se paró por pasar de la cuota de disco (cuota.c) */
    char *traza;         /* con valgrind y observado: su traza (lib/valgrind.c), o NULL */
    int observado;       /* corre bajo strace (lib/observar.c): p->pid es strace */
    int bajo_valgrind;   /* lanzado con .valgrind: su CPU es la de valgrind (no se juzga) */
    int64_t cpu_ms;      /* CPU del programa en su última lectura de /proc, o -1 (cal_cpu) */
    int64_t listo_ms;    /* CPU más espera de turno de sus hilos (schedstat), o -1 */
    int64_t cola_ms;     /* de listo_ms, la espera de turno */
    uint64_t cpu_visto;  /* cuándo (cal_ahora_ms) se hizo esa lectura */
    int64_t despertares; /* veces que su hilo principal se durmió y despertó, o -1 (cal_cpu) */
    /* Dónde se vio dormir al hilo principal (el del bucle) en cada lectura: en el epoll de
     * uv_run, en otra espera (la última, en dormido_donde) o sin poder saberlo (wchan). */
    unsigned dormido_bucle, dormido_fuera, dormido_sin_saber;
    char dormido_donde[48];
};

/* El flujo lee de `fd` (ya suyo) con un tope de `tope` bytes; con `fechado`, apunta cuándo
 * llega cada línea (cal_linea_vista_ms). 0 o -ENOMEM. */
int flujo_iniciar(flujo_t *f, int fd, size_t tope, int fechado);
void flujo_cerrar(flujo_t *f);
/* Lee lo que haya ya en `f` (no bloquea); al fin de archivo lo cierra (fd -1). */
void flujo_leer(flujo_t *f);
/* El pid (visto desde fuera) del programa de `p` dentro de la caja (o el de p). */
pid_t proceso_programa(cal_proceso_t *p);
/* Recoge `p` si ya terminó (sin esperar). */
void proceso_recoger(cal_proceso_t *p);
/* Apunta `p` entre los procesos vivos de la verificación (los que bombear() lee). */
int procesos_registrar(cal_proceso_t *p);
/* Cierra los flujos de `p` y libera su memoria (sin matar ni recoger: eso es cal_matar). */
void proceso_destruir(cal_proceso_t *p);
int procesos_hay_hueco(void);
/* Mata y libera todo lo lanzado con cal_lanzar. */
void procesos_liberar_todos(void);
/* Los programas apuntados de la verificación, por casilla: procesos_en(i) con 0 ≤ i <
 * procesos_cuantos() (NULL: casilla libre). */
cal_proceso_t *procesos_en(int i);
int procesos_cuantos(void);
/* Cuántos programas lanzados siguen vivos. */
int procesos_vivos(void);
/* A cada programa vivo al que se mandó una señal (cal_senal) y lanzado con la precarga vivos,
 * que diga qué mantiene vivo su bucle (lib/vivos.c); después muere. Lo que digan, en
 * vivos_informe(). */
void procesos_pedir_vivos(void);
/* Lo que la espera de proceso.c avisa a módulos de más arriba que a su vez usan proceso.c
 * (vivos.c, cuota.c): los pone cal_inicio. Sin avisos (NULL), no se avisa. */
typedef struct {
    /* Antes de matar un programa que no terminó: que diga qué lo mantiene vivo (vivos_pedir). */
    void (*antes_de_matar)(cal_proceso_t *p);
    /* En cada vuelta de la espera con programas vivos: 1 si lo escrito pasa de la cuota de
     * disco y hay que pararlo todo (cuota_mirar). */
    int (*disco_lleno)(uint64_t ahora_ms);
} procesos_avisos_t;
void procesos_avisar(const procesos_avisos_t *avisos);
/* Bytes de los archivos normales de `disp` que los programas vivos tienen abiertos y ya no
 * tienen nombre (borrados, pero ocupan disco hasta que se cierran). */
uint64_t procesos_borrados_abiertos(dev_t disp);
/* Los pids (vistos desde fuera) de los programas vivos que corren en bwrap; cuántos. */
int procesos_en_caja(pid_t *v, int max);

/* cuota.c — lo que la entrega puede escribir en disco en una verificación (ver cuota.c). */
/* Lo más que escribe un programa correcto en una verificación: 57 MiB (la solución del 11 en
 * `memoria`, 4 descargas de 15 MB); el tope, más de 4 veces eso. */
#define CUOTA_MIB 256
/* Por archivo (RLIMIT_FSIZE): el mayor de un programa correcto es de 15 MB (el mismo). */
#define CUOTA_ARCHIVO_MIB 64
/* Al empezar la verificación. */
void cuota_reiniciar(void);
/* Tras lanzar un programa: sin `otros_vivos`, la medida de ahora es el punto de partida. */
void cuota_lanzado(int otros_vivos);
/* Mide (como mucho cada 50 ms): 1 si lo escrito pasa de la cuota. */
int cuota_mirar(uint64_t ahora_ms);
/* Sin bwrap y como root, borra lo que el uid de la caja dejó en /tmp, /var/tmp y /dev/shm. */
void cuota_limpiar(void);
/* El mensaje para el estudiante si en esta verificación se pasó de la cuota, o NULL. */
const char *cuota_disparada(void);

/* Para todos los servidores arrancados con cal_servidor y libera su memoria. */
void servidores_parar_todos(void);

/* vivos.c — la precarga vivos (common/herramientas/vivos) en la caja: qué mantiene vivo el
 * bucle de un programa que no termina (ver vivos.c). */
/* La ruta de la precarga (CALIF_VIVOS) si existe y se puede leer, o NULL. */
const char *vivos_ruta(void);
/* La misma precarga para un lanzamiento con .cierre: la da el ejecutor aunque los informes
 * de «qué lo mantiene vivo» estén apagados en los laboratorios (CALIF_VIVOS_CIERRE). */
const char *vivos_ruta_cierre(void);
/* Pide el informe a `p` (SIGRTMIN+4), lo lee de su flujo vivos esperando como mucho 500 ms a
 * que muera, y lo guarda para vivos_anotar. Nada si `p` ya terminó o corre sin la precarga. */
void vivos_pedir(cal_proceso_t *p);
/* Las cuentas del tráfico de un programa lanzado con .trafico (common/herramientas/vivos/vivos.c,
 * «Las cuentas del tráfico»): por cada cliente de 127.0.0.1 (su puerto), los bytes que libuv
 * leyó y escribió en su conexión; los uv_poll creados y los temporizadores rápidos. Vivo, se las
 * pide (SIGRTMIN+5 con un número al azar que vuelve en cada línea) y espera como mucho 500 ms;
 * terminado, las que dejó al salir. Cada línea va firmada con la llave de la clave del
 * lanzamiento (firma.h). 1 con `c` lleno (cuentas_liberar después); 0 si no las dio (vivo, o
 * terminado por su cuenta: _exit, una señal); -2 si terminó sin darlas porque lo mató el
 * calificador (no hay nada que mirar); -1 sin .trafico o sin precarga. */
typedef struct {
    int puerto;
    uint64_t leidos, escritos;
} cuentas_conexion_t;
typedef struct {
    unsigned sondeos, rapidos; /* uv_poll; temporizadores que se repiten cada < 10 ms */
    unsigned sitios;           /* llamadas de libuv a read/write… halladas; 0: solo el rango */
    size_t n;                  /* conexiones */
    cuentas_conexion_t *de;    /* n casillas, reservadas */
} cuentas_t;
int vivos_cuentas(cal_proceso_t *p, cuentas_t *c);
void cuentas_liberar(cuentas_t *c);
/* Con todos los programas de .trafico de la verificación: 1 si lo que enviaron y recibieron
 * sus clientes tcp_t pasó por libuv, cliente a cliente (o no hay nada que mirar); si no, 0 y lo
 * explica (cal_esperado/cal_obtenido). Lo llama cal_fin de una verificación que pasa. */
int procesos_trafico_por_libuv(void);
/* Anota en el detalle de la verificación lo que se guardó (traducido a archivo:línea con
 * addr2line sobre CALIF_PROGRAMA) y lo olvida. */
void vivos_anotar(void);
/* Olvida lo guardado (una verificación que pasa no lo enseña). */
void vivos_olvidar(void);

/* observar.c — strace desde fuera de la caja (ver observar.c). */
/* La carpeta de trazas (CALIF_OBSERVAR) si hay que observar, o NULL. */
const char *observar_carpeta(void);
/* Archivo de traza nuevo para un lanzamiento: su fd (CLOEXEC), 0 si no se observa o -errno.
 * Se llama «<pid>-<n>[-valgrind][-lento]@<id>.traza», con el id de la verificación en curso (el
 * ejecutor sabe así en qué verificación se vio cada cosa: runner/conducta.c) y, con el disco
 * lento (`lento`), «-lento»: allí conducta.c exige que las escrituras sean de las que se hacen
 * lentas. Con valgrind,
 * la traza lleva los execve, clone, exit, mmap y mprotect con la dirección de cada uno
 * (lib/valgrind.c). */
int observar_abrir(int valgrind, int lento);
/* Añade a `a` «strace … -o /proc/self/fd/FD -- calif-puerta --cerrar FD [--filtro --info
 * FD_INFO] [--encierro FD_ENCIERRO] --» (fd_info, fd_encierro < 0: sin ellos): detrás va la
 * orden de siempre (bwrap… o el programa). escritura_ms y rename_ms > 0 (sin valgrind): cada
 * pwrite64/pwritev/pwritev2, y cada rename, tarda esos ms más (un disco lento: inject
 * …:delay_enter). */
void observar_argumentos(caja_orden_t *a, int fd_traza, int filtro, int fd_info, int fd_encierro,
                         int valgrind, uint64_t tope_archivo, unsigned escritura_ms,
                         unsigned rename_ms);
/* 1 si el laboratorio tiene reglas sobre las lecturas de la entrada (CALIF_OBSERVAR_ENTRADA=1,
 * que el ejecutor pone con «reglas_traza» en lab.json) y se observa. */
int observar_entrada(void);
/* 1 si el lanzamiento que se prepara lleva la pila de cada llamada (strace -k):
 * CALIF_OBSERVAR_ORIGEN=2, o «3:id,…» con la verificación de ahora en la lista. */
int observar_con_pila(int valgrind);
/* Con observar_entrada(): deja en la carpeta de trazas «<pid>-<id>.entrada», la lista de los
 * archivos regulares que escribió la verificación `id` bajo `raiz` (su descriptor, `raiz_fd`,
 * abierto antes de lanzar nada; una ruta por línea), para
 * que el ejecutor sepa qué lecturas son de la entrada. Sin errores: si no puede, no la deja. */
void observar_anotar_entrada(const char *raiz, int raiz_fd, const char *id);
/* La ruta del archivo de la última traza que abrió observar_abrir ("" si ninguna). */
const char *observar_ultima(void);

#endif
