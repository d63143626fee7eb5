/* bitacora.h — registro por niveles con marca de tiempo (el «usa logging, no print» del
 * curso de Python).
 *
 * Cada línea va a la salida elegida (stderr por omisión) con el tiempo transcurrido desde
 * el arranque del programa, el nivel y el mensaje:
 *
 *     [   0.153 s] INFO   descargado /imagen/200/300 (54 KiB)
 *
 * El nivel mínimo se fija con bitacora_fijar_nivel() o con la variable de entorno
 * CURSO_BITACORA=depurar|info|aviso|error (la variable solo se lee si nadie fijó el nivel).
 * Estado global de un solo hilo: llámese desde el hilo del bucle. No reserva memoria.
 */
#ifndef CURSO_BITACORA_H
#define CURSO_BITACORA_H

#include <stdio.h>

typedef enum {
    BITACORA_DEPURAR = 0,
    BITACORA_INFO = 1,
    BITACORA_AVISO = 2,
    BITACORA_ERROR = 3
} bitacora_nivel_t;

void bitacora_fijar_nivel(bitacora_nivel_t nivel);
/* `salida` no pasa a ser nuestra: el llamador la cierra (si hace falta) al final. */
void bitacora_fijar_salida(FILE *salida);

void bitacora_escribir(bitacora_nivel_t nivel, const char *formato, ...)
    __attribute__((format(printf, 2, 3)));

#define bitacora_depurar(...) bitacora_escribir(BITACORA_DEPURAR, __VA_ARGS__)
#define bitacora_info(...)    bitacora_escribir(BITACORA_INFO, __VA_ARGS__)
#define bitacora_aviso(...)   bitacora_escribir(BITACORA_AVISO, __VA_ARGS__)
#define bitacora_error(...)   bitacora_escribir(BITACORA_ERROR, __VA_ARGS__)

#endif
