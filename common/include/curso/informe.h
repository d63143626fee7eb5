/* informe.h — ejecutar un programa bajo una herramienta de depuración (valgrind, un
 * sanitizador, gdb, strace) y enseñar lo esencial de su informe de forma estable.
 *
 * Lo usan las lecciones que muestran informes reales en el capítulo (el interludio 6b y la
 * lección 11): el comprobador de lecciones compara su salida con la del README, así que
 * aquí se quita todo lo que cambia de una ejecución a otra (direcciones, pids, rutas).
 *
 * Ninguna función reserva memoria que el llamador deba liberar; las cadenas de la
 * descripción son del llamador y deben vivir mientras dura la llamada.
 */
#ifndef CURSO_INFORME_H
#define CURSO_INFORME_H

#include <stdio.h>

typedef struct {
    const char *programa;  /* nombre del ejecutable, en la misma carpeta que quien llama */
    const char *argumento; /* su único argumento (el fallo que se provoca) */
    const char *orden[12]; /* la herramienta y sus opciones, acabadas en NULL;
                              {NULL} = el programa a secas (un sanitizador va dentro) */
    const char *empieza;   /* la primera línea que se enseña contiene esto */
    const char *termina;   /* y la última, esto (NULL: hasta el final) */
    const char *quitar[6]; /* líneas que no aportan (marcos de libc…), acabadas en NULL */
} informe_t;

/* Lanza la herramienta como proceso hijo (uv_spawn, en un bucle propio), con stdout y
 * stderr por la misma tubería, y escribe en `salida`: la orden («$ valgrind … programa
 * argumento»), hasta 40 líneas normalizadas del informe precedidas de «  │ » y, al final,
 * «estado de salida: N» o «terminó por la señal N». Si tarda más de 60 s, la mata.
 * Del entorno del hijo quita LD_PRELOAD (ASan se niega a arrancar si otro va antes).
 * Devuelve 0 si la herramienta se pudo ejecutar (falle o no el programa) y el bucle quedó
 * cerrado; un código de libuv negativo si no (con un mensaje en stderr). */
int informe_ejecutar(const informe_t *informe, FILE *salida);

#endif
