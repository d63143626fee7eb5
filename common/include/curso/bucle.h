/* bucle.h — ayudas para ejecutar y cerrar un bucle de libuv como se debe.
 *
 * Todo programa del curso termina con uv_loop_close() == 0: eso prueba que no quedó ningún
 * handle abierto ni ninguna petición en curso. Cuando no es así, bucle_listar() enseña qué
 * quedó vivo (tipo y ->data de cada handle): la respuesta del curso a asyncio.all_tasks().
 *
 * Ninguna de estas funciones reserva memoria que el llamador deba liberar.
 */
#ifndef CURSO_BUCLE_H
#define CURSO_BUCLE_H

#include <stdio.h>
#include <uv.h>

/* Ejecuta el bucle hasta que no quede trabajo (UV_RUN_DEFAULT). Devuelve lo que uv_run. */
int bucle_ejecutar(uv_loop_t *bucle);

/* Escribe en `salida` una línea por handle vivo: tipo, si está activo, si cuenta para
 * mantener vivo el bucle (ref) y su ->data. Devuelve cuántos hay. */
int bucle_listar(uv_loop_t *bucle, FILE *salida);

/* Cierre ordenado: cierra con uv_close todo handle que siga abierto (sin callback: su
 * memoria debe ser del llamador o estática), ejecuta el bucle para entregar los cierres
 * pendientes y llama a uv_loop_close().
 * Devuelve 0 si el bucle quedó cerrado. Si no (p. ej. una petición uv_fs o uv_work aún en
 * curso), lista lo que quedó en stderr y devuelve el error de uv_loop_close (UV_EBUSY).
 *
 * Úsese como red de seguridad al final de main(): un programa correcto ya lo cerró todo y
 * entonces bucle_cerrar() no encuentra nada que cerrar. Con `avisar` != 0 imprime en stderr
 * cada handle que tuvo que cerrar, para que el olvido se vea. */
int bucle_cerrar(uv_loop_t *bucle, int avisar);

/* Atajo habitual de los ejemplos: bucle_ejecutar() y luego bucle_cerrar(bucle, 1).
 * Devuelve 0 si todo terminó y cerró limpio. */
int bucle_terminar(uv_loop_t *bucle);

/* Nombre legible de un tipo de handle («timer», «tcp», …). Cadena estática. */
const char *bucle_nombre_tipo(uv_handle_type tipo);

#endif
