/* comun.h — lo que comparten las verificaciones del laboratorio 12: el PostgreSQL de la
 * calificación, una base de datos por verificación, lanzar el programa y leer las pruebas
 * que deja el propio servidor.
 *
 * Un solo servidor por calificación: lo arranca el proceso principal de Criterion antes de la
 * primera verificación (ReportHook PRE_ALL, con common/herramientas/postgres.sh en una carpeta
 * de TMPDIR) y lo para y borra después de la última (POST_ALL). Si el calificador muere antes,
 * el ejecutor mata a los huérfanos (el postmaster es uno) y borra su TMPDIR. initdb, una vez por
 * calificación: los demás clústeres de esa calificación (el de cada verificación que el ejecutor
 * repite sola, otro proceso, y el propio de servidor_cae) copian una plantilla que deja el primero
 * en TMPDIR (base_plantilla). Cada verificación
 * trabaja en su propia base de datos (c_<azar>) y el programa llega al servidor por el socket
 * unix, cuya carpeta se monta en la caja: la red de la caja es otra y no ve 127.0.0.1 de fuera.
 *
 * Las pruebas de cargo salen del servidor, nunca de lo que el programa dice: las filas, un
 * disparador que hace lenta cada inserción y apunta en calif.registro cuándo empezó y acabó,
 * con qué proceso del servidor y cuántas conexiones del programa había (pg_stat_activity), y
 * las cuentas de sesiones de pg_stat_database, y el registro de sentencias del servidor.
 *
 * El programa entra con el papel de su verificación, p_<base> (sin superusuario ni permisos
 * fuera de su base ni sobre el esquema calif,
 * donde van esas pruebas); el calificador, con admin (el superusuario), por el socket y con la
 * contraseña de esta calificación. Ver conectar() en comun.c: el calificador nunca ejecuta
 * nada que haya definido el programa, y el programa solo define tablas (calif.solo_tablas).
 *
 * Cada verificación prepara su base de datos, lanza `basedatos` en la caja y juzga con lo que dice
 * el servidor: las filas, el registro del disparador lento (cuándo empezó y acabó cada
 * inserción, con qué proceso y cuántas conexiones del programa había), pg_stat_activity y
 * pg_stat_database. Lo que el programa imprime solo cuenta si eso lo respalda.
 *
 * Las lecturas del programa pasan, en algunas verificaciones, por una política de seguridad de
 * filas (base_vigilar_lecturas): así se ve desde el servidor que la secuencial ya está cerrada
 * durante las consultas («cierre»: la primera consulta de cada conexión del pool espera 300 ms y
 * mira si el proceso de la secuencial sigue vivo) y qué hace el programa con una consulta
 * rechazada («sentencia_falla», «valgrind»).
 *
 * Cada función que falla deja escritos cal_esperado/cal_obtenido: la verificación solo tiene
 * que hacer CAL_FIN(0). Memoria: PGconn y PGresult son de quien los pide (PQfinish, PQclear).
 */
#ifndef BD_COMUN_H
#define BD_COMUN_H

/* Los papeles del programa. Cada verificación crea el suyo, p_<base> (p. ej. p_c_3fa07c1d9e2b5a40),
 * con CONNECT solo en su base (c_ y 16 cifras al azar: su nombre no dice la verificación) y miembro
 * del papel curso de postgres.sh (hereda lo que se le da a curso dentro de la base, y nada fuera:
 * curso ya no entra en ninguna). La cadena que recibe el programa es la de ese papel. Antes todas
 * entraban como curso: el programa de una verificación podía conectarse a la base de otra que
 * corriera a la vez, y un ALTER ROLE curso SET sobrevivía a su verificación. Al acabar, la base y
 * el papel se borran. */
#define BASE_PAPEL         "curso"
#define BASE_PREFIJO_PAPEL "p_"
/* El papel del programa en la base en que se evalúa (para los disparadores y las funciones del
 * calificador: session_user). */
#define BASE_PAPEL_DE_LA_BASE "('" BASE_PREFIJO_PAPEL "' || current_database())"

/* Las sesiones del programa en pg_stat_activity, para las consultas del calificador: las del
 * papel de su base (el único con el que entra: la cadena que recibe), que son de un cliente. Por
 * el papel y no por el application_name que el programa pone en cada conexión: ese nombre lo pone
 * (o se le olvida) el programa, y olvidarlo en una conexión hacía que varias verificaciones no
 * la vieran (21 puntos por una línea). El nombre lo juzga una sola verificación, «nombre». */
#define BASE_SESIONES_DEL_PROGRAMA                                                                 \
    "usename = ('" BASE_PREFIJO_PAPEL "' || datname) AND backend_type = 'client backend'"

#include "calificador/base.h"
#include "calificador/calificador.h"

#include <libpq-fe.h>
#include <stddef.h>

/* Cómo se prepara la base de datos de una verificación. */
typedef enum {
    SIN_TABLA,            /* el programa debe crearla */
    TABLA_LENTA,          /* usuarios con la forma del enunciado y el disparador lento */
    TABLA_DISTINTA,       /* usuarios(id integer, nombre varchar(10)) con 2 filas */
    TABLA_ANULABLE,       /* usuarios como la del enunciado pero con nombre anulable, con 1 fila */
    TABLA_BIGINT,         /* usuarios(id bigint, nombre text NOT NULL, correo text) con 1 fila */
    TABLA_DESORDENADA,    /* usuarios(nombre text NOT NULL, id integer, correo text) con 1 fila */
    TABLA_AMPLIADA,       /* la del enunciado con una cuarta columna (alta date), con 1 fila */
    TABLA_RENOMBRADA,     /* como la del enunciado pero con nombre_completo en vez de nombre */
    TABLA_CORREO_NO_NULO, /* como la del enunciado pero con correo NOT NULL, con 1 fila */
    TABLA_CON_FILAS       /* la del enunciado con 4 filas de antes (ids 1 y 3, y dos fuera) */
} preparacion_t;

typedef struct {
    char nombre[64];     /* c_ y 16 cifras hexadecimales al azar (no el id de la verificación) */
    char papel[72];      /* p_<nombre>: el papel del programa en esta base (BASE_PREFIJO_PAPEL) */
    char conexion[1024]; /* la cadena que recibe el programa (socket unix, su papel) */
    char admin[1024];    /* la del calificador: la misma base, como superusuario */
    char servidor[1024]; /* la del calificador a la base «postgres» (crear y borrar bases) */
    char carpeta[400];   /* la carpeta del socket (se monta en la caja) */
    int lento_ms;
    int falla;        /* id de la fila que el servidor rechaza (0: ninguna) */
    char ficha[16];   /* marca al azar del mensaje de error de esa fila */
    PGconn *sorpresa; /* la sesión de las filas sorpresa (base_sorpresa_preparar), o NULL */
} base_t;

/* «POSTGRES_PLANTILLA='…' » para las órdenes de postgres.sh iniciar de esta calificación (el
 * clúster se copia de una plantilla en vez de ejecutar initdb cada vez), o "" sin TMPDIR. */
const char *base_plantilla(void);

/* El principio de cada orden de shell que lanza postgres.sh (popen, system): cierra el
 * descriptor de la clave del calificador (CLAVE_FD). popen y system no cierran nada, y el
 * postmaster y cada sesión lo heredaban: con código suyo en el servidor, un programa leía la
 * clave de /proc/self/fd/3 y firmaba sus notas (revisión de la sesión 77). */
#define BASE_SIN_CLAVE "exec " CAL_TEXTO(CLAVE_FD) "<&- ; "

/* La memoria del PostgreSQL de la calificación. Cada conexión del programa es un proceso del
 * servidor, fuera de la caja y sin el RLIMIT_AS del programa (lib/lanzar.c): antes de la sesión
 * 84, `repeat('x', 300 MiB)` en 3 conexiones de cada una de las 8 ejecuciones a la vez de la
 * verificación de valgrind llegó a 12,7 GB en 31 procesos del servidor. Dos topes la acotan:
 *  - cada proceso del servidor, BASE_DATOS_PROCESO_KIB de memoria privada (RLIMIT_DATA:
 *    `ulimit -d` antes de postgres.sh iniciar, que hereda el postmaster y cada sesión; cuenta
 *    malloc y los mmap privados, no la memoria compartida de PostgreSQL). Lo que pase de ahí es
 *    un «out of memory» de esa sentencia, no del servidor;
 *  - el papel de cada ejecución, max(2·p, n) + 2 conexiones a la vez (CONNECTION LIMIT; p y n,
 *    los -p y -n de la ejecución, n hasta 100): el doble del pool, o una por inserción como
 *    abre un pool sin límite (el mutante sin_limite: con 2·p + 2 se le rechazaban y perdía 59
 *    puntos en vez de limite_pool y salida), más dos para que reemplaza_rotas reconecte antes
 *    de que salgan las cortadas. PostgreSQL no lo mira de forma atómica: con 40 a la vez
 *    entran unas pocas de más (medido: 13 con tope 12, 25 con 22).
 * Una ejecución con -n 40 -p 5 tiene así unas 42 × 32 MiB en el servidor, no 300 × lo que pida.
 * Medido con la solución: ningún proceso del servidor pasó de 3 MiB de memoria privada; initdb
 * cabe en 32 MiB. */
#define BASE_DATOS_PROCESO_KIB 32768
#define BASE_TOPE_MEMORIA      "ulimit -d " CAL_TEXTO(BASE_DATOS_PROCESO_KIB) " && "

/* Cierra la base curso del servidor de la carpeta `dir` de postgres.sh (ya en marcha): el papel
 * del programa solo entra en las bases de las verificaciones. 1 si fue bien (si no, anotado). */
int base_solo_sus_bases(const char *dir);

/* Crea una base de datos de nombre al azar (c_<16 cifras hexadecimales>, con su papel) en el
 * servidor de la calificación (o en el de `otro`, una carpeta de postgres.sh ya en marcha) y la
 * prepara. 1 si todo fue bien. */
int base_preparar(base_t *b, preparacion_t prep, int lento_ms, const char *otro);

/* Como base_preparar con TABLA_LENTA, pero las inserciones de id ≤ `primeras` tardan
 * `primeras_ms` (las demás, `lento_ms`). */
int base_preparar_lenta(base_t *b, int lento_ms, int primeras, int primeras_ms);

/* Como base_preparar_lenta, y además la inserción de id `ultima` tarda `ultima_ms`. */
int base_preparar_lenta_fin(base_t *b, int lento_ms, int primeras, int primeras_ms, int ultima,
                            int ultima_ms);

/* Como TABLA_LENTA sin esperas, pero el servidor rechaza la inserción de la fila `falla` con
 * el error «calificador: fila <falla> rechazada (<b->ficha>)». */
int base_preparar_falla(base_t *b, int falla);

/* Limita a `limite` las conexiones del papel del programa a la base b (ALTER DATABASE …
 * CONNECTION LIMIT; las del calificador, superusuario, no cuentan): la siguiente la rechaza el
 * servidor («too many connections»). 1 si se pudo. */
int base_limitar(const base_t *b, int limite);

/* Con TABLA_LENTA: el TRUNCATE del programa (el de su preparación) tarda `ms` en el servidor,
 * que apunta cuándo acabó. 1 si se pudo. */
int base_vaciado_lento(const base_t *b, int ms);

/* Tras base_vaciado_lento: cuándo acabó el último TRUNCATE del programa, en ms desde 1970 (el
 * mismo reloj que inicio y fin de insercion_t), o -1 si no hubo ninguno o no se pudo leer. */
double base_vaciado_fin(const base_t *b);

/* Retiene las conexiones nuevas a la base b durante unos 5 s: un CREATE DATABASE … TEMPLATE
 * desde otra base toma un ShareLock sobre ella (cada conexión nueva pide un RowExclusiveLock al
 * arrancar y espera) y, como la base tiene sesiones (la del calificador, al menos), espera 5 s
 * a que salgan y falla, y suelta el cerrojo. Las conexiones ya abiertas no notan nada. Devuelve
 * la conexión que lo lanzó, con el cerrojo ya concedido, o NULL si no se pudo (nada retenido).
 * Después, base_soltar_conexiones (espera a que acabe y la cierra). */
PGconn *base_retener_conexiones(const base_t *b);
void base_soltar_conexiones(const base_t *b, PGconn *c);
/* Como base_soltar_conexiones, pero sin esperar los 5 s: cancela antes el CREATE DATABASE (las
 * conexiones retenidas siguen en cuanto se cancela). Para quien ya no necesita retenerlas. */
void base_soltar_conexiones_ya(const base_t *b, PGconn *c);

/* Según el registro del servidor: cuántas conexiones a la base b rechazó por el límite
 * (base_limitar: «too many connections») y cuántas inserciones del programa llegaron después
 * de la primera (el registro va en el orden en que el servidor las anota). 0 si no hay
 * registro. */
int base_rechazos(const base_t *b, int *rechazos, int *despues);
/* Como base_rechazos, pero relee el registro (hasta 2 s) mientras haya menos de `minimo`
 * rechazos: el recolector los escribe con retraso, y contar de menos daría por bueno a quien
 * vuelve a pedir una conexión rechazada. */
int base_rechazos_al_menos(const base_t *b, int minimo, int *rechazos, int *despues);

/* SIN_TABLA deja además un disparador de eventos: cuando el programa crea usuarios, le pone un
 * disparador que apunta en calif.texto (id, consulta) el texto SQL que llegó al servidor con cada
 * inserción (current_query()). Devuelve cuántas inserciones llevaban algún valor pegado en el
 * texto (el nombre o el correo de una fila) y deja en `ejemplo` la primera; -1 si no se pudo
 * leer (explicado). En `total`, cuántas inserciones se apuntaron. */
int base_texto_pegado(const base_t *b, long long *total, char *ejemplo, size_t tam);

/* 1 si public.usuarios es una tabla de verdad (no una vista del programa, que llamaría a sus
 * funciones como superusuario al leerla); si no, 0 y lo explica. */
int base_tabla_segura(PGconn *c);

/* Vigila las lecturas del programa (sus SELECT sobre usuarios; solo con TABLA_LENTA, cuya tabla es
 * del calificador) con una política de seguridad de filas. LECTURA_RECHAZADA: el servidor las
 * rechaza todas con el error «calificador: consulta rechazada (<b->ficha>)». LECTURA_LENTA: la
 * primera de cada conexión tarda 300 ms y apunta si la conexión de la fase secuencial (la de la
 * última inserción) sigue abierta en el servidor. LECTURA_AL_REVES: las 4 primeras sentencias
 * que leen tardan 600, 450, 300 y 150 ms (en el orden en que llegan al servidor), así que con
 * dos o más a la vez las respuestas vuelven en otro orden: imprimir cada CONSULTA según llega
 * se ve siempre, no solo cuando la máquina las desordena. 1 si se pudo. */
typedef enum { LECTURA_RECHAZADA, LECTURA_LENTA, LECTURA_AL_REVES } lectura_t;
int base_vigilar_lecturas(const base_t *b, lectura_t modo);

/* Tras LECTURA_LENTA: cuántas lecturas se apuntaron y en cuántas la conexión secuencial seguía
 * abierta. 1 si se pudo leer (explicado si no). */
int base_lecturas(const base_t *b, long long *total, long long *con_secuencial);

/* Conexión del calificador a la base b (o a «curso» si b es NULL). NULL si falla (explicado). */
PGconn *base_conectar(const base_t *b);

/* Lanza el programa con los argumentos dados (terminados en NULL) y la cadena de b al final,
 * viendo la carpeta del socket. 1 si se lanzó. */
int base_lanzar(const base_t *b, const char *const *args, int valgrind, double limite_s,
                cal_proceso_t **p);
/* Igual, con la precarga vivos vigilando la parada (.cierre, sin valgrind): después,
 * cal_parada_cerro_todo dice si el programa lo cerró todo él mismo. */
int base_lanzar_vigilando_cierre(const base_t *b, const char *const *args, double limite_s,
                                 cal_proceso_t **p);
/* La parada de un camino concreto (conexiones rotas, una rechazada, una sentencia que falla;
 * lanzado con base_lanzar_vigilando_cierre) cerró lo suyo: cada conexión (los handles que crea
 * bd_conectar), sin salir desde una callback. Un handle que no es de ninguna conexión (las
 * señales, un temporizador propio) no es cosa del camino: lo cobra una vez «valgrind», que pasa
 * por los mismos caminos y pide uv_loop_close() == 0 (el estudiante de prueba de la sesión 41
 * pagaba un senales_cerrar olvidado en cuatro verificaciones: 79/100). Mutantes:
 * senales_abiertas_en_error, temporizador_sin_cerrar. */
int base_camino_cerro_lo_suyo(cal_proceso_t *p, const char *que_cierra);

/* Un entero de la primera fila y columna de `sql` (con hasta 2 parámetros de texto), o -1. */
long long base_entero(PGconn *c, const char *sql, const char *p1, const char *p2);

/* Espera hasta `max_ms` a que el servidor no tenga ninguna conexión del programa
 * (BASE_SESIONES_DEL_PROGRAMA) en la base b. Devuelve cuántas quedan. */
int base_esperar_sin_conexiones(const base_t *b, int max_ms);

/* Cuentas de pg_stat_database de la base b, ya estables (las sesiones cuentan al cerrarse). */
typedef struct {
    long long sesiones, abandonadas, terminadas;
} sesiones_t;
int base_sesiones(const base_t *b, sesiones_t *s);

/* Conexiones que abrió el calificador a cada base antes de lanzar el programa: se restan. */
#define SESIONES_CALIFICADOR 1

/* Una inserción según el disparador: id, proceso del servidor, inicio y fin (ms) y cuántas
 * conexiones del programa veía el servidor al acabar. */
typedef struct {
    int id;
    int pid;
    double inicio, fin;
    int conexiones;
} insercion_t;

/* Lee calif.registro ordenado por inicio. Devuelve cuántas (y *v, que se libera con free), o
 * -1 (explicado). */
int base_registro(const base_t *b, insercion_t **v);

/* Máximo de inserciones solapadas en el tiempo entre las de id en [desde, hasta]. */
int base_solape_maximo(const insercion_t *v, int n, int desde, int hasta);

/* La prueba, según el servidor, de que hubo un pool que trabajó: que `solape` (el de las
 * inserciones de la fase concurrente, base_solape_maximo) llegue a `minimo`. 1 si llega;
 * si no, 0 y lo anota: «el servidor nunca vio <minimo> inserciones de la fase concurrente a la
 * vez (como mucho, S): <sin_pool>». Sin ella, lo que se juzga del pool no ocurrió: un programa
 * en serie nunca pasa de -p, no desordena, no espera ni tiene conexiones que sustituir. Cada
 * verificación pide lo que publica su lab.json: tres para la concurrencia, el tope y la cola
 * (con -n 40 y -p 5, un pool las ve de sobra), dos de 3 con -n 3 (perezoso), y dos para
 * esperas y sustituir rotas (una sola conexión nunca hace esperar a nadie ni tiene a quién
 * sustituir). */
int base_hubo_pool(int solape, int minimo, const char *sin_pool);
/* `esperas` en la línea POOL (`linea`) cuenta peticiones que esperaron una conexión: solo las
 * respalda un servidor que vio al pool trabajar (base_hubo_pool con dos inserciones a la vez;
 * `solape`: base_solape_maximo(v, n, 1, N)). 1 si las vio; si no, 0 y lo anota (un programa en
 * serie que imprime la fórmula del enunciado no cobra salida). */
int base_esperas_vistas(int solape, const char *linea);
/* Duración (ms) desde el primer inicio hasta el último fin de las de id en [desde, hasta]. */
double base_duracion(const insercion_t *v, int n, int desde, int hasta);

/* Espera (hasta 15 s con plazo_t, o a que el programa acabe) a que empiece la secuencial: la
 * primera inserción con id > n en calif.registro (o, con la tabla del programa, en calif.texto).
 * Devuelve el proceso del servidor que la hizo (0 en calif.texto, que no lo apunta), o -1. */
long long base_esperar_secuencial(PGconn *c, cal_proceso_t *p, int n);

/* Cuántas sentencias del programa tiene en marcha el servidor ahora mismo. */
#define BASE_SQL_EN_CURSO "SELECT count(*) " BASE_DESDE_EN_CURSO
/* Las mismas sentencias, desde FROM: para elegir sus procesos (SELECT pid …). */
#define BASE_DESDE_EN_CURSO                                                                        \
    "FROM pg_stat_activity WHERE datname = current_database() AND " BASE_SESIONES_DEL_PROGRAMA     \
    " AND state = 'active'"

/* Una sentencia del programa en curso en el servidor: su proceso y su transacción virtual
 * («3/12»: la misma en el registro, campo vxid). */
typedef struct {
    int pid;
    char vxid[32];
} en_vuelo_t;

/* Las sentencias del programa en curso ahora en la base b (como mucho `max`), por la conexión
 * `c` del calificador. Cuántas, o -1 (anotado). */
int base_en_vuelo(PGconn *c, const base_t *b, en_vuelo_t *v, int max);

/* De las `n` sentencias `v`, cuántas canceló el servidor por una petición de cancelación
 * (SQLSTATE 57014, «canceling statement due to user request»: PQcancel, lo que hace
 * bd_cancelar, o pg_cancel_backend) según su registro, en ese proceso y esa transacción. Cerrar
 * la conexión no es cancelar: la sentencia sigue hasta que el servidor intenta escribirle, o se
 * corta antes con client_connection_check_interval, y ninguna de las dos deja un 57014. -1 si no
 * hay registro (anotado). */
int base_canceladas(const base_t *b, const en_vuelo_t *v, int n);

/* Cuántas inserciones del programa tiene en marcha el servidor ahora mismo (no las sentencias de
 * su preparación: CREATE, la forma, TRUNCATE). */
#define BASE_SQL_INSERCIONES_EN_CURSO BASE_SQL_EN_CURSO " AND query ILIKE '%insert%'"

/* Espera (hasta `max_ms` o a que el programa acabe) a que el servidor vea `en_vuelo`
 * sentencias del programa en marcha a la vez (pg_stat_activity, state = 'active'; con
 * `solo_inserciones`, solo INSERT); con `tras_concurrente` > 0, solo cuentan las que haya
 * cuando sus `tras_concurrente` primeras filas ya están en calif.registro (la fase concurrente
 * acabó). Devuelve las que vio la última vez que miró (≥ en_vuelo si llegaron). */
long long base_esperar_en_curso(PGconn *c, cal_proceso_t *p, int en_vuelo, int solo_inserciones,
                                int tras_concurrente, int max_ms);

/* Crea el papel de un solo uso de las filas sorpresa de b (s_<id>, sin superusuario; `admin`:
 * la conexión del calificador, base_conectar) y abre su sesión en b->sorpresa, antes de que
 * haga falta: al añadirlas solo quedan dos viajes al servidor. 1, o 0 (explicado). Después,
 * siempre, base_sorpresa_quitar (si la verificación acaba antes, el papel se borra al salir). */
int base_sorpresa_preparar(base_t *b, PGconn *admin);

/* Añade a usuarios, por b->sorpresa (con INSERT en la tabla, que `c` le da ahora), entre 3 y 9
 * filas al azar (ids por encima de 2n): las consultas, que el programa lanza después de la fase
 * secuencial, dan otro resultado que nadie puede saber de antemano. Con `con_nulo`, la de id más
 * alto lleva correo NULL: la consulta 9 da un NULL de SQL (solo en «filas», que juzga lo que da
 * cada CONSULTA: un NULL mal impreso se cobra una vez). Cuántas añadió, o -1 (explicado). */
int base_filas_sorpresa(const base_t *b, PGconn *c, int n, int con_nulo);

/* Corta en el servidor (pg_terminate_backend) las conexiones del programa a la base de `c`
 * menos la del proceso `salvo` (la de la fase secuencial): las del pool. Cuántas cortó, o -1. */
long long base_cortar_pool(PGconn *c, long long salvo);

/* Cierra b->sorpresa (si está abierta) y borra su papel y lo que se le dio. Se puede llamar sin
 * base_sorpresa_preparar y más de una vez. */
void base_sorpresa_quitar(base_t *b, PGconn *admin);

/* Lo que el registro de sentencias del servidor (log_statement = all, en JSON) dice de las
 * consultas del programa (SELECT … usuarios, con su papel) en la base b: cuántas
 * ejecutó después de que el calificador añadiera sus filas sorpresa, cuáles de las 10 del
 * enunciado eran (su texto y, en la 3 y la 10, su parámetro, con -n `n`), cuántas de ellas por
 * un proceso del servidor que no había hecho nada antes (una conexión nueva), y la primera con
 * un valor pegado en el texto. 0 si no se pudo leer (explicado). */
typedef struct {
    int despues, nuevas;
    unsigned hechas; /* bit k: la consulta k+1 del enunciado corrió después de las sorpresa */
    unsigned hechas_siempre; /* lo mismo, en cualquier momento */
    unsigned pegadas; /* bit k: la consulta k+1 corrió después, con su valor pegado en el texto
                       * (la 3 y la 10: «WHERE id = 40») en vez de como parámetro */
    unsigned otro_parametro; /* bit k: la consulta k+1 (la 3 o la 10) corrió después con su
                              * texto, pero con otro valor en su parámetro */
    int marca;               /* el calificador añadió filas sorpresa */
    int repetidas;   /* lecturas que un proceso del servidor hizo después de que le rechazaran una
                      * (LECTURA_RECHAZADA): el programa siguió por esa conexión tras el error */
    int conexiones;  /* conexiones del programa que el servidor autorizó (log_connections) */
    int inserciones; /* sentencias INSERT del programa (una por fila, si cada fila va aparte) */
    int sin_nombre;  /* de ellas, las que no llevaban application_name «basedatos» */
    char pegada[300];
} sentencias_t;
int base_sentencias(const base_t *b, int n, sentencias_t *s);
/* Cuántas de las 10 consultas del enunciado tiene que haber visto el servidor para dar por
 * hecho el trabajo en las verificaciones que juzgan otra cosa (perezoso, valgrind): que una
 * salga mal (un parámetro equivocado) ya lo cobran filas y salida; que falten casi todas (un
 * programa que calcula las CONSULTA sin preguntar) no es trabajo. */
#define CONSULTAS_TRABAJO 8
/* «la 3 y la 7»: las consultas del enunciado que faltan en `hechas` (bit k: la k+1), en `buf`. */
const char *base_consultas_que_faltan(unsigned hechas, char *buf, size_t tam);

/* Lo que el registro de sentencias del servidor dice de la preparación del programa en la base
 * b (crear, comprobar y vaciar la tabla): las sentencias del programa (su papel) antes de su
 * primer INSERT, cuántos procesos del servidor (conexiones) las hicieron
 * y cuál fue el primero, y qué proceso hizo ese primer INSERT (0: ninguno). Con `inserto`, el
 * programa insertó filas: se relee hasta ver su INSERT (el recolector escribe con retraso). 0 si
 * no se pudo leer (explicado). */
typedef struct {
    int antes;         /* sentencias del programa antes de su primer INSERT */
    int procesos;      /* procesos del servidor distintos que las hicieron */
    int pid;           /* el de la primera de ellas */
    int pid_insercion; /* el del primer INSERT del programa, o 0 */
} preparacion_vista_t;
int base_preparacion(const base_t *b, int inserto, preparacion_vista_t *s);

/* Comprueba que la salida tiene las 10 CONSULTA con lo que esas consultas dan sobre la
 * tabla (calculado aquí, sobre la base b); con `en_orden`, la k-ésima línea CONSULTA es la de
 * k (si no, la que lleva el número k). 1 si cuadran. */
int base_consultas_cuadran(const base_t *b, cal_proceso_t *p, int n, int en_orden);

/* 1 si `texto` contiene `palabra` sin mirar mayúsculas (ASCII): «select» y «SELECT» son la
 * misma palabra clave de SQL. */
int base_contiene_sin_mayusculas(const char *texto, const char *palabra);

/* Nombre y correo de la fila i según el enunciado. */
void base_fila_esperada(int i, char *nombre, size_t tn, char *correo, size_t tc);

/* ------------------------------------------------------------------ lo que comparten las
 * verificaciones: la ejecución normal, esperar el final y leer lo que dice el servidor. */

#define N        40 /* filas por fase en las ejecuciones normales */
#define TAMANO   5  /* -p en las ejecuciones normales */
#define LENTO_MS 15

/* Cuánto se espera la línea CONCURRENTE en «salida» desde que el servidor ve la fase secuencial:
 * con fflush ya está en la tubería; sin él, llega al salir, tras ≥ 600 ms de inserciones en serie
 * (y las filas sorpresa se añaden después: la fase secuencial sigue en marcha). */
#define SECUENCIAL_VISTA_MS 300
#define HOLGURA_MS          20 /* reloj del servidor frente al del programa */
/* Lo que tarda en «salida» la última inserción concurrente (id N, la última que se pide): una
 * fase secuencial que empieza antes de que vuelvan todas (un contador que se queda en uno) se
 * solapa con ella en el servidor, aunque abrir su conexión lleve unos ms. */
#define ULTIMA_MS 300
/* -n 40 -p 5 sin conexiones rotas: esperan 35 inserciones y 5 de las 10 consultas. */
#define ESPERAS (N - TAMANO + 10 - TAMANO)

/* Los argumentos de la ejecución normal. */
extern const char *const base_args_normal[];

/* Un programa que hace su trabajo pero no sale de uv_run (lo habitual: algo queda abierto) no
 * debe costar más que las verificaciones que piden terminar: tras imprimir POOL tiene
 * MARGEN_MS para salir. Si no sale, las verificaciones que juzgan lo que hizo (codigo < 0) lo
 * paran y siguen; las demás fallan enseguida, con el motivo, sin agotar su tiempo. */
#define MARGEN_MS          5000
#define MARGEN_VALGRIND_MS 15000

/* Espera el final del programa; si no termina o falla, lo explica. `codigo` < 0: cualquiera.
 * Con `parar_si_hecho`, basta con que haya terminado su trabajo (ver MARGEN_MS). */
int base_esperar_fin_margen(cal_proceso_t *p, int max_ms, int codigo, int margen_ms,
                            int parar_si_hecho);

/* base_esperar_fin_margen con MARGEN_MS; con `codigo` < 0 (cualquiera), basta con que haya
 * terminado su trabajo. */
int base_esperar_fin(cal_proceso_t *p, int max_ms, int codigo);

/* El registro del disparador, con las 2·N inserciones. */
int base_registro_completo(const base_t *b, insercion_t **v, int *n);
/* El registro del disparador con las N inserciones de la fase concurrente y, de la secuencial,
 * al menos `sec_min` (y no más de N). Para las verificaciones que juzgan el pool: una fila
 * de menos en la secuencial la cobran filas y salida, no cada una (el estudiante de prueba de
 * la sesión 41, bug 38: 55/100; mutante secuencial_una_menos). */
int base_registro_fases(const base_t *b, insercion_t **v, int *n, int sec_min);

/* El proceso del servidor que hizo inserciones de las dos fases, o 0: la secuencial usó el pool. */
int base_secuencial_por_el_pool(const insercion_t *v, int n);

/* «PREFIJO …» → la línea entera; 0 si no está (explicado). */
int base_linea_de(cal_proceso_t *p, const char *prefijo, char *linea, size_t tam);

/* Según el registro de sentencias del servidor: las 10 consultas se ejecutaron después de las
 * filas sorpresa; con `forma`, sin valores pegados y con su parámetro (la 3 y la 10: lo juzga
 * filas; sin `forma`, una consulta con su valor pegado o con otro valor en su parámetro cuenta
 * como hecha: su resultado, si sale mal, ya lo cobran filas y, por el orden, salida); con
 * `nuevas`, además por conexiones que no existían antes (las sustitutas de las cortadas). 0 si
 * no (explicado). */
int base_consultas_de_verdad(const base_t *b, int nuevas, int forma);

/* Con LECTURA_AL_REVES: 1 si alguna lectura de la fase de consultas empezó en el servidor,
 * por otra conexión, mientras otra seguía en curso (las 10 a la vez, no una tras otra); si no,
 * 0 y el motivo en cal_obtenido (el adversario de la sesión 49 las hacía en serie por una sola
 * conexión y sacaba 100). */
int base_consultas_a_la_vez(const base_t *b);

/* Varias ejecuciones juzgadas una tras otra: lo que se obtuvo es lo de la primera que falla (una
 * que sale bien después no lo tapa); con `ya_fallo`, el resumen de esta va al detalle. */
void base_obtenido_o_nota(int ya_fallo, const char *resumen);

#endif
