/* practica.h — dónde está el servidor de práctica y cómo arrancarlo para una prueba.
 *
 * Todos los ejemplos y laboratorios hablan con el servidor de práctica
 * (build/bin/servidor-practica) y toman su URL base de practica_url(): así una prueba o el
 * calificador pueden arrancar su propio servidor en un puerto efímero y señalarlo con la
 * variable de entorno CURSO_SERVIDOR.
 *
 * practica_arrancar()/practica_parar() son BLOQUEANTES: sirven a pruebas, calificadores y
 * comprobadores, nunca dentro de un bucle de eventos.
 *
 * Memoria: practica_t la aporta el llamador (en la pila vale) y no contiene nada que haya
 * que liberar; practica_parar() recoge el proceso hijo. La cadena de practica_url() es
 * prestada (del entorno o estática).
 *
 * Procesos: el hijo recibe SIGTERM si muere el HILO que lo arrancó (PR_SET_PDEATHSIG en
 * Linux), de modo que una prueba que se estrella no deja servidores huérfanos. Por eso el
 * hilo que llama a practica_arrancar() debe vivir hasta practica_parar().
 */
#ifndef CURSO_PRACTICA_H
#define CURSO_PRACTICA_H

#include "curso/secuencia.h"

#include <sys/types.h>

/* URL base del servidor: getenv("CURSO_SERVIDOR") si está definida y no vacía, si no
 * "http://127.0.0.1:8080". Sin barra final. */
const char *practica_url(void);

typedef struct {
    pid_t pid;    /* proceso hijo; 0 cuando no hay servidor arrancado */
    int puerto;   /* puerto real en 127.0.0.1 */
    char url[64]; /* "http://127.0.0.1:PUERTO", sin barra final */
} practica_t;

/* Arranca el servidor como proceso hijo con `--puerto 0 --silencioso` (y
 * `--registro registro` si `registro` no es NULL; el archivo se vacía), lee la primera línea de su
 * salida estándar (máximo 10 s) y rellena `p`. Después cierra esa tubería: el servidor no escribe
 * nada más en stdout.
 *
 * El binario: getenv("CURSO_SERVIDOR_BIN") si está definida; si no, el primer
 * bin/servidor-practica que exista subiendo desde la carpeta del ejecutable actual
 * (/proc/self/exe: sirve para build/bin, build/tests/common, build/labs/…); si no,
 * build/bin/servidor-practica relativo a la carpeta de trabajo.
 *
 * Devuelve 0, o un código negativo estilo errno: -ENOENT (no hay binario), -ETIMEDOUT (no
 * anunció su URL a tiempo; el hijo queda terminado), -EPROTO (la primera línea no era una
 * URL), -ECHILD (el hijo terminó antes de anunciarse), u otro error del sistema. Si falla,
 * no queda ningún proceso vivo y p->pid vale 0. */
int practica_arrancar(practica_t *p, const char *registro);

/* Como practica_arrancar(), y además `--guion guion` si `guion` no es NULL: rutas opacas
 * cuyas respuestas fija ese archivo JSON (formato en common/servidor/guion.h). El servidor
 * lee el archivo una sola vez antes de anunciar su URL, así que al volver (0) el llamador
 * ya puede borrarlo. Un guion inválido hace que el servidor salga con 2 y explique por qué
 * en stderr: aquí llega como -ECHILD. `guion` es prestado durante la llamada. */
int practica_arrancar_guion(practica_t *p, const char *registro, const char *guion);

/* Como practica_arrancar_guion(), y además `--alias alias` si `alias` no es NULL: rutas
 * /c/FICHA que están por otra ruta, una por línea (formato en common/servidor/alias.h). El
 * servidor lo lee al arrancar (tiene que existir y valer: si no, -ECHILD) y lo relee cuando
 * llega una ficha que no conoce, así que el llamador puede añadir líneas después y no debe
 * borrarlo mientras el servidor viva. `alias` es prestado durante la llamada. */
int practica_arrancar_alias(practica_t *p, const char *registro, const char *guion,
                            const char *alias);

/* Como practica_arrancar_alias(), y además, si `clave` no es NULL, el secreto del servidor:
 * los bytes de /bytes, /stream-bytes y /cortar son la secuencia secreta de su subclave
 * SECUENCIA_USO_BYTES (curso/secuencia.h: quien solo ve la respuesta no puede predecir los
 * bytes que aún no le llegaron) y las temperaturas de /clima dependen de la subclave
 * SECUENCIA_USO_CLIMA (no se deducen de la URL). La clave va en el entorno del servidor
 * (CURSO_SERVIDOR_CLAVE), nunca en sus argumentos, y el servidor se hace no volcable. `clave`
 * es prestada durante la llamada. */
int practica_arrancar_secreto(practica_t *p, const char *registro, const char *guion,
                              const char *alias, const secuencia_clave_t *clave);

/* Envía SIGTERM, espera hasta 5 s y, si sigue vivo, SIGKILL. Devuelve el estado de salida
 * (0–255), 128 + señal si murió por una señal, o -EINVAL si no había servidor arrancado.
 * Deja p->pid a 0. */
int practica_parar(practica_t *p);

#endif
