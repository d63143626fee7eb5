/* bd_rechazadas.c — entrega hostil del laboratorio 12: no hace el laboratorio; en cada
 * ejecución abre CONEXIONES conexiones a la vez con la cadena que le da el calificador (el
 * último argumento), también en las que debe rechazar. Es lo que hizo un adversario de la
 * sesión 86: en las ejecuciones de `argumentos` (-p 0, -p 101, -n 0, -n 12x) el tope de
 * conexiones de su papel salía de esos mismos argumentos (-p 101 contaba como 100: 202
 * conexiones) y abrió 70 procesos del servidor con 2,18 GB. Ahora una ejecución que el programa
 * debe rechazar tiene 2 (comun.c, conexiones_del_papel).
 *
 * Escribe «CONEXIONES ABIERTAS k, NEGADAS m DE n CON -p 101» cuando le dan -p 101 (en stdout:
 * `argumentos` lo enseña al fallar), y lo mismo en stderr en las demás; las de `argumentos`
 * salen con 2, las demás con 1. prueba-autograder (despues_bd_rechazadas) exige la línea de
 * -p 101 con, como mucho, 2 abiertas. Es bd_memoria.c sin pedir memoria (casos.tsv pone este
 * archivo delante de aquel: «bd_rechazadas.c+bd_memoria.c»). */
#define RECHAZADAS 1
