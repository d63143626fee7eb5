/* medios_08_contexto.c — trampa del 08 (se antepone a la solución): cada lectura es una
 * uv_fs_read sin callback (síncrona) hecha en una callback de uv_queue_work, pero desde una pila
 * nueva hecha con makecontext cuya función de entrada es la propia uv_fs_read: la pila que ve
 * strace es libc ← uv__fs_work ← uv_fs_read ← __start_context de libc, sin ningún marco del
 * programa, y con uv__fs_work (de libuv, no exportada) justo encima del último marco de libuv.
 * La regla de la pila miraba el marco del programa y lo que hay encima de ese último marco de
 * libuv: 100/100 en el 08 sin aviso (un adversario, sesión 26). Ahora la pila tiene que ser
 * entera la de una uv_fs_* con callback: el último marco de libuv es el bucle del grupo, que
 * libuv no exporta (runner/conducta_pila.c, pila_cola): no se califica. Lo demás (abrir, cerrar)
 * va por las uv_fs_* con callback de la solución; la vuelta al programa, por un uv_fs_fstat con
 * callback que lleva el resultado de la lectura. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>
#include <uv.h>

//@ preludio vuelta
//@ preludio lectura

#define HM_PILA (256 * 1024)

static void hm_en_pila_nueva(uv_work_t *w)
{
    hm_lectura_t *c = w->data;
    uv_fs_t sincrona;
    ucontext_t vuelta, nueva;
    char *pila = malloc(HM_PILA);
    c->leido = UV_ENOMEM;
    if (pila == NULL || getcontext(&nueva) != 0) {
        free(pila);
        return;
    }
    nueva.uc_stack.ss_sp = pila;
    nueva.uc_stack.ss_size = HM_PILA;
    nueva.uc_link = &vuelta;
    /* En x86-64, glibc pasa los argumentos de makecontext de 64 bits: los siete de uv_fs_read. */
    makecontext(&nueva, (void (*)(void))uv_fs_read, 7, (uintptr_t)w->loop, (uintptr_t)&sincrona,
                (uintptr_t)c->f, (uintptr_t)&c->b, (uintptr_t)1, (uintptr_t)c->pedido,
                (uintptr_t)NULL);
    if (swapcontext(&vuelta, &nueva) == 0) {
        c->leido = sincrona.result;
        uv_fs_req_cleanup(&sincrona);
    }
    free(pila);
}

#define uv_fs_read(l, r, f, b, n, o, cb) hm_lectura_encolar(l, r, f, b, o, cb, hm_en_pila_nueva)
