/* protocolo.c — Laboratorio 09: de bytes a líneas y validación de nombres (programa de
 * partida).
 *
 * Este archivo no sabe nada de libuv ni de sockets: recibe trozos de bytes y entrega líneas
 * completas. Así se puede razonar (y probar) aparte del servidor. El contrato está en
 * protocolo.h; léelo antes de empezar.
 *
 * El lector de líneas ya está hecho: es el encuadre que escribiste en el ejercicio 1 de la
 * lección 6 (juntar trozos, sacar cada línea completa, quitar el '\r' de un CRLF y descartar
 * una línea demasiado larga hasta su '\n'), ahora con un búfer por cliente. Léelo: tu
 * servidor lo usa desde la callback de lectura. proto_utf8_valido() también está hecha. Lo
 * que falta es el TODO 6: validar un nombre.
 */
#include "protocolo.h"

#include <stdlib.h>
#include <string.h>

void lector_iniciar(lector_t *l)
{
    l->datos = NULL;
    l->usados = 0;
    l->descartando = 0;
}

void lector_liberar(lector_t *l)
{
    free(l->datos);
    lector_iniciar(l);
}

/* Cabe en el búfer todo lo que pueda llegar a ser una línea válida: el contenido más un
 * posible '\r' que se quitará cuando llegue el '\n'. */
#define CAPACIDAD (PROTO_MAX_LINEA + 1)

/* Entrega una línea completa (quita el '\r' final) y deja el lector vacío ANTES de llamar
 * a la callback: si esta cierra el cliente y libera el lector, no queda nada colgando. */
static int entregar(lector_t *l, const char *linea, size_t largo, int larga, lector_cb cb,
                    void *ctx)
{
    char *prestado = l->datos;
    int r;

    l->datos = NULL;
    l->usados = 0;
    if (!larga && largo > 0 && linea[largo - 1] == '\r') {
        largo--;
    }
    if (larga || largo > PROTO_MAX_LINEA) {
        r = cb(ctx, NULL, 0, 1);
    } else {
        r = cb(ctx, linea, largo, 0);
    }
    free(prestado);
    return r;
}

int lector_alimentar(lector_t *l, const char *datos, size_t n, lector_cb cb, void *ctx)
{
    size_t i = 0;

    while (i < n) {
        const char *inicio = datos + i;
        const char *fin = memchr(inicio, '\n', n - i);
        size_t trozo = fin != NULL ? (size_t)(fin - inicio) : n - i;
        int r;

        if (l->descartando) {
            /* Ya avisamos de esta línea: se tira hasta su '\n', llegue cuando llegue. */
            if (fin == NULL) {
                return 0;
            }
            l->descartando = 0;
            i += trozo + 1;
            continue;
        }
        if (fin == NULL) {
            /* Línea incompleta: se guarda, salvo que ya sea imposible que quepa. */
            if (l->usados + trozo > CAPACIDAD) {
                free(l->datos);
                l->datos = NULL;
                l->usados = 0;
                l->descartando = 1;
                return cb(ctx, NULL, 0, 1);
            }
            if (l->datos == NULL) {
                l->datos = malloc(CAPACIDAD);
                if (l->datos == NULL) {
                    return -1;
                }
            }
            memcpy(l->datos + l->usados, inicio, trozo);
            l->usados += trozo;
            return 0;
        }
        i += trozo + 1;
        if (l->usados == 0) {
            /* Lo normal: la línea entera está en lo recién leído; no hace falta copiarla. */
            r = entregar(l, inicio, trozo, 0, cb, ctx);
        } else if (l->usados + trozo > CAPACIDAD) {
            r = entregar(l, NULL, 0, 1, cb, ctx);
        } else {
            memcpy(l->datos + l->usados, inicio, trozo);
            r = entregar(l, l->datos, l->usados + trozo, 0, cb, ctx);
        }
        if (r != 0) {
            return r;
        }
    }
    return 0;
}

int proto_utf8_valido(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned char c = p[i];
        size_t extra;
        unsigned int punto;
        unsigned int minimo;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            punto = c & 0x1F;
            minimo = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            punto = c & 0x0F;
            minimo = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            punto = c & 0x07;
            minimo = 0x10000;
        } else {
            return 0; /* byte de continuación suelto, 0xC0/0xC1 o 0xF5–0xFF */
        }
        if (n - i <= extra) {
            return 0; /* secuencia cortada */
        }
        for (size_t k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xC0) != 0x80) {
                return 0;
            }
            punto = (punto << 6) | (p[i + k] & 0x3F);
        }
        if (punto < minimo || punto > 0x10FFFF || (punto >= 0xD800 && punto <= 0xDFFF)) {
            return 0; /* sobrelargo, fuera de Unicode o sustituto UTF-16 */
        }
        i += extra + 1;
    }
    return 1;
}

nombre_error_t proto_validar_nombre(const char *nombre, size_t largo)
{
    /* TODO 6: devuelve, en este orden:
     *   NOMBRE_VACIO         si largo == 0;
     *   NOMBRE_LARGO         si largo > PROTO_MAX_NOMBRE (se cuentan bytes, no letras);
     *   NOMBRE_NO_PERMITIDO  si empieza por '/', si tiene algún byte < 0x20, 0x7F, espacio,
     *                        ':' o ',', o si no es UTF-8 válido (proto_utf8_valido);
     *   NOMBRE_VALIDO        en otro caso.
     * Que el nombre esté libre lo comprueba la sala (chat.c), no este módulo. */
    (void)nombre;
    (void)largo;
    return NOMBRE_VALIDO;
}
