/* basedatos.c — Laboratorio 12: base de datos asíncrona con un pool de conexiones.
 *
 *   basedatos [-p TAMAÑO] [-n REGISTROS] CONEXIÓN
 *
 * Programa de partida: lee los argumentos, prepara el bucle y para limpiamente con Ctrl+C, pero
 * no hace el trabajo. Lo que falta está marcado con TODO; el enunciado (README.md) dice qué debe
 * hacer el programa, el formato exacto de la salida y cómo se califica.
 *
 * La conexión asíncrona con PostgreSQL ya la tienes: curso/bd.h (bd_conectar, bd_consultar,
 * bd_cancelar, bd_cerrar). Lo que escribes tú es el pool que reparte varias conexiones.
 */
#include "curso/bd.h"
#include "curso/senales.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define TAMANO_OMISION 10
#define REGISTROS_OMISION 100
#define TAMANO_MAXIMO 100
#define REGISTROS_MAXIMO 1000000

/* Las sentencias, con parámetros $1, $2, $3: los valores viajan aparte (bd_consultar). */
static const char *const SQL_CREAR = "CREATE TABLE IF NOT EXISTS usuarios (id integer PRIMARY KEY, "
                                     "nombre text NOT NULL, correo text)";
static const char *const SQL_INSERTAR =
    "INSERT INTO usuarios (id, nombre, correo) VALUES ($1, $2, $3)";

/* ------------------------------------------------------------------------------ el pool */

/* TODO: el pool. Como mucho `maximo` conexiones, abiertas solo cuando una petición no encuentra
 * ninguna libre; una cola FIFO para las peticiones que tienen que esperar; las conexiones rotas
 * (bd_disponible / bd_rota) se descartan; al final, bd_cerrar en todas. Una forma de empezar:
 *
 *   typedef void (*pool_cb)(pool_t *pool, bd_conexion_t *c, int estado, void *datos);
 *   int  pool_pedir(pool_t *pool, pool_cb cb, void *datos);   // presta una conexión (o espera)
 *   void pool_devolver(pool_t *pool, bd_conexion_t *c);       // la deja libre para el siguiente
 *   void pool_cerrar(pool_t *pool, int cancelar, void (*al_cerrar)(pool_t *pool));
 */
typedef struct {
    uv_loop_t *bucle;
    const char *cadena;
    int maximo;
    int creadas; /* conexiones abiertas en total (línea POOL) */
    int esperas; /* peticiones que tuvieron que hacer cola (línea POOL) */
} pool_t;

/* ------------------------------------------------------------------------------ el programa */

typedef struct {
    uv_loop_t bucle;
    senales_t senales;
    pool_t pool;
    const char *cadena;
    int tamano, registros;
    int codigo; /* de salida */
} programa_t;

/* Cierra todo; el bucle termina cuando no queda nada abierto. */
static void acabar(programa_t *prog, int codigo)
{
    prog->codigo = codigo;
    /* TODO: cancelar (si es Ctrl+C) y cerrar las conexiones del pool y la secuencial. */
    senales_cerrar(&prog->senales);
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)s;
    (void)signum;
    fprintf(stderr, "basedatos: interrumpido\n");
    acabar(datos, 130);
}

static void empezar(programa_t *prog)
{
    /* TODO: comprobar la cadena de conexión (código 2 si no vale), crear la tabla si falta y
     * comprobar su forma, vaciarla, y después las tres fases del enunciado: inserciones
     * concurrentes por el pool, secuenciales por una conexión propia y 10 consultas a la vez.
     * Imprime CONCURRENTE, SECUENCIAL, ACELERACION, CONSULTA ×10 y POOL con fflush(stdout). */
    (void)SQL_CREAR;
    (void)SQL_INSERTAR;
    fprintf(stderr, "basedatos: aún no hace nada (lee los TODO de basedatos.c)\n");
    acabar(prog, 0);
}

static int leer_entero(const char *texto, const char *que, int minimo, int maximo, int *valor)
{
    char *fin = NULL;
    errno = 0;
    long v = strtol(texto, &fin, 10);
    if (texto[0] == '\0' || errno != 0 || *fin != '\0' || v < minimo || v > maximo) {
        fprintf(stderr, "basedatos: %s «%s» no es válido: un número entero entre %d y %d\n", que,
                texto, minimo, maximo);
        return -1;
    }
    *valor = (int)v;
    return 0;
}

static void uso(void)
{
    fprintf(stderr, "uso: basedatos [-p TAMAÑO] [-n REGISTROS] CONEXIÓN\n"
                    "  -p  conexiones como mucho en el pool (1 a %d; por omisión %d)\n"
                    "  -n  filas que se insertan en cada fase (1 a %d; por omisión %d)\n"
                    "  CONEXIÓN: cadena de libpq, p. ej. la que imprime «make bd»\n",
            TAMANO_MAXIMO, TAMANO_OMISION, REGISTROS_MAXIMO, REGISTROS_OMISION);
}

int main(int argc, char **argv)
{
    programa_t prog;
    memset(&prog, 0, sizeof prog);
    prog.tamano = TAMANO_OMISION;
    prog.registros = REGISTROS_OMISION;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i += 2) {
        int r = -1;
        if (i + 1 < argc && strcmp(argv[i], "-p") == 0)
            r = leer_entero(argv[i + 1], "el tamaño del pool", 1, TAMANO_MAXIMO, &prog.tamano);
        else if (i + 1 < argc && strcmp(argv[i], "-n") == 0)
            r = leer_entero(argv[i + 1], "el número de registros", 1, REGISTROS_MAXIMO,
                            &prog.registros);
        if (r < 0) {
            uso();
            return 2;
        }
    }
    if (i != argc - 1) {
        uso();
        return 2;
    }
    prog.cadena = argv[i];
    uv_loop_init(&prog.bucle);
    prog.pool.bucle = &prog.bucle;
    prog.pool.cadena = prog.cadena;
    prog.pool.maximo = prog.tamano;
    if (senales_iniciar(&prog.bucle, &prog.senales, al_parar, &prog) < 0) {
        fprintf(stderr, "basedatos: no se pudieron escuchar las señales\n");
        return 1;
    }
    empezar(&prog);
    uv_run(&prog.bucle, UV_RUN_DEFAULT);
    if (uv_loop_close(&prog.bucle) != 0)
        fprintf(stderr, "basedatos: quedaron handles abiertos al terminar\n");
    return prog.codigo;
}
