/* clientes_prueba.h — los clientes de prueba de un servidor de difusión (la práctica 4 de la
 * lección 6), en otro proceso.
 *
 * Un servidor no se prueba desde dentro: lo que importa es lo que ven sus clientes y cuánta
 * memoria gasta, y eso se mide desde fuera. clientes_prueba_lanzar() crea un proceso hijo
 * (fork) que conecta varios clientes TCP bloqueantes a 127.0.0.1:puerto, sigue el escenario
 * pedido, escribe en stdout, una línea por observación, lo que ve cada cliente, y al final
 * manda SIGINT o SIGTERM al servidor (el proceso padre) y comprueba que cierra cada
 * conexión y deja de aceptar. Los escenarios (cada línea que manda un cliente llega a todos
 * los demás, nunca a él mismo):
 *
 *   charla   tres clientes hablan (líneas enteras, dos en un trozo, una en dos trozos); SIGINT
 *   corte    un cliente corta de golpe (RST) con líneas sin leer; los demás siguen; SIGTERM
 *   lento    un cliente que no lee, otro que lee y un emisor que manda 16 MiB: el lector lo
 *            recibe todo, el lento queda desconectado y la memoria residente máxima del
 *            servidor (VmHWM, de /proc) no crece más de 8 MiB; SIGINT
 *   valgrind corte y después lento con 4 MiB y sin medir la memoria (bajo valgrind no
 *            significa nada); SIGTERM
 *
 * BLOQUEANTE donde se dice: clientes_prueba_lanzar() va antes de uv_run (tras anunciar el
 * puerto) y clientes_prueba_esperar() después de que el bucle termine, nunca dentro de él.
 *
 * Procesos: el hijo muere con SIGKILL si muere el hilo que lo lanzó (PR_SET_PDEATHSIG en
 * Linux) y ninguna de sus esperas pasa de unos segundos. Memoria: nada que liberar.
 */
#ifndef CURSO_CLIENTES_PRUEBA_H
#define CURSO_CLIENTES_PRUEBA_H

/* Lanza el escenario `escenario` contra 127.0.0.1:puerto en un proceso hijo. Vacía stdout
 * antes del fork (si no, lo que quedara en su búfer saldría dos veces). Devuelve 0, -EINVAL
 * si el escenario no existe (y no lanza nada) u otro error negativo del sistema. */
int clientes_prueba_lanzar(const char *escenario, int puerto);

/* Espera a que el hijo termine (como mucho unos segundos: ya mandó la señal). Devuelve 0 si
 * no había hijo o terminó bien, o 1 si terminó mal. */
int clientes_prueba_esperar(void);

#endif
