/* interno.h — lo que comparten los módulos de la biblioteca del calificador (no es API). */
#ifndef CALIFICADOR_INTERNO_H
#define CALIFICADOR_INTERNO_H

#include <stddef.h>
#include <sys/types.h>

/* caja.c — piezas de bubblewrap que comparten la biblioteca y el ejecutor. */
#include <limits.h>
#define CAJA_MAX_ARGS 200
#define CAJA_MAX_ENLACES 8
typedef struct {
    const char *argv[CAJA_MAX_ARGS]; /* terminada en NULL; los textos no son de la lista */
    int n;
    char enlaces[CAJA_MAX_ENLACES][PATH_MAX]; /* destinos de /bin, /lib… (caja_sistema) */
    int nenlaces;
} caja_orden_t;
/* Ruta de bubblewrap (CALIF_BWRAP o /usr/bin/bwrap). */
const char *ruta_bwrap(void);
/* Añade un argumento (lo que no cabe se descarta: CAJA_MAX_ARGS sobra para el curso). */
void caja_poner(caja_orden_t *o, const char *a);
/* Argumentos de bwrap para /usr, /etc y /bin, /lib… de solo lectura. */
void caja_sistema(caja_orden_t *o);
/* setgroups + setgid + setuid a `uid` (en un hijo, antes de exec). 0 o -1. */
int caja_bajar_usuario(uid_t uid);
/* 1 si bubblewrap funciona aquí tal como se usará; si no, 0 y el motivo. */
int caja_probar(char *motivo, size_t tam);
/* 1 si el usuario de la caja (uid_caja como root; nosotros si no) puede ejecutar `ruta`. */
int caja_alcanza(const char *ruta);

/* Crea una carpeta temporal dentro de la de esta verificación y deja su ruta en `ruta`.
 * Se borra (con todo su contenido) en cal_fin. Devuelve 0 o -errno. */
int temporal_nuevo(const char *nombre, char *ruta, size_t tam);

/* Borra `ruta` y todo lo que contiene sin seguir enlaces simbólicos (lo que no se pueda
 * borrar se deja). La usan la biblioteca y el ejecutor. */
void borrar_arbol(const char *ruta);

/* Mata y recoge a los hijos huérfanos heredados (somos subreaper) salvo los que
 * `conservar` indique. */
void barrer_huerfanos(int (*conservar)(pid_t));

/* Mata y libera todo lo lanzado con cal_lanzar. */
void procesos_liberar_todos(void);

/* Para todos los servidores arrancados con cal_servidor y libera su memoria. */
void servidores_parar_todos(void);

/* Copia de `texto` apta para JSON y XML: UTF-8 válido (lo inválido pasa a U+FFFD) y sin
 * caracteres de control salvo \n y \t. Memoria nueva (free); NULL si no hay memoria. */
char *cal_sanear(const char *texto);

/* aislamiento.c — red propia de la verificación e identidad de la entrega. */
/* Entra en un espacio de nombres de red nuevo con solo loopback. 0 o -errno (y entonces la
 * verificación sigue en la red de la máquina: red_estado() lo explica). */
int aislar_red(void);
/* «aislada (…)» o «sin aislar: …», para el resultado de la verificación. Estático. */
const char *red_estado(void);
/* Como root: el uid (y gid) con el que corre la entrega de esta verificación. */
uid_t uid_caja(void);
/* RLIMIT_NPROC para la entrega (ver aislamiento.c). */
unsigned long limite_procesos(void);

/* filtro.c — seccomp: la entrega no puede crear procesos (sí hilos). */
int filtro_disponible(void);
/* Lo instala en el proceso actual (tras fork, antes de execve). 0 o -errno. */
int filtro_instalar(void);
/* Un descriptor (memfd, CLOEXEC) con el programa BPF, para bwrap --seccomp. fd o -errno. */
int filtro_descriptor(void);

#define CAL_TEXTO_(x) #x
#define CAL_TEXTO(x) CAL_TEXTO_(x)

#endif
