/* protocolo.c — Laboratorio 09: de bytes a líneas y validación de nombres (programa de
 * partida).
 *
 * Este archivo no sabe nada de libuv ni de sockets: recibe trozos de bytes y entrega líneas
 * completas. Así se puede razonar (y probar) aparte del servidor. El contrato está en
 * protocolo.h; léelo antes de empezar.
 *
 * Así como está, compila pero no entrega ninguna línea y acepta cualquier nombre. Completa
 * los TODO A → C. proto_utf8_valido() ya está hecha: no es el tema de este laboratorio.
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

int lector_alimentar(lector_t *l, const char *datos, size_t n, lector_cb cb, void *ctx)
{
    /* TODO A: parte `datos` en líneas. En un bucle:
     *   1. Busca el siguiente '\n' con memchr (¡no strchr!: puede haber bytes '\0').
     *   2. Si NO lo hay, lo que queda es una línea a medias: añádelo a l->datos (resérvalo
     *      con malloc la primera vez; caben PROTO_MAX_LINEA + 1 bytes: la línea y un posible
     *      '\r') y devuelve 0. Llegará el resto en la siguiente lectura.
     *   3. Si lo hay, la línea completa es lo guardado en l->datos + lo que hay hasta el
     *      '\n'. Quita el '\r' final si lo tiene (CRLF) y llama a cb(ctx, linea, largo, 0).
     *      Vacía el lector ANTES de llamar a cb (cb puede cerrar el cliente y liberarlo).
     *   4. Si cb devuelve algo distinto de 0, para y devuélvelo.
     *
     * Líneas largas (TODO C, después): si lo guardado supera PROTO_MAX_LINEA + 1 bytes sin
     * '\n', llama UNA vez a cb(ctx, NULL, 0, 1), tira lo guardado y pon l->descartando = 1:
     * mientras valga 1, tira todo hasta el siguiente '\n' y entonces vuelve a 0. Una línea
     * completa de más de PROTO_MAX_LINEA bytes (ya sin '\r') también es «demasiado larga».
     */
    (void)l;
    (void)datos;
    (void)n;
    (void)cb;
    (void)ctx;
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
    /* TODO B: devuelve, en este orden:
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
