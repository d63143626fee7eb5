/* errores.h — los códigos de error de libuv explicados en español.
 *
 * uv_strerror() responde en inglés («connection refused», «resource busy or locked»); el
 * curso se lee en español, así que aquí está el texto breve de cada código que pueden dar
 * las piezas de libuv que usa el curso: TCP, archivos (uv_fs_*), DNS (uv_getaddrinfo),
 * temporizadores, señales, tuberías y el bucle. Un código que la tabla no conoce no se
 * queda sin texto: error_texto() lo nombra («error desconocido de libuv: UV_ECHARSET»).
 *
 *   if (r < 0)
 *       fprintf(stderr, "no puedo escuchar en el puerto %d: %s\n", puerto, error_texto(r));
 *
 * Memoria: no reserva nada. Las cadenas devueltas son estáticas y nunca se liberan, salvo
 * la de un código que ni siquiera es de libuv: esa vive en un búfer propio de cada hilo que
 * la siguiente llamada desde el mismo hilo puede reescribir (cópiela quien la quiera
 * conservar). Se puede llamar desde cualquier hilo.
 */
#ifndef CURSO_ERRORES_H
#define CURSO_ERRORES_H

/* Texto breve en español, sin mayúscula inicial ni punto final, para una sola línea:
 * error_texto(UV_ECONNREFUSED) → «conexión rechazada». 0 da «sin error»; un código de
 * libuv sin traducir, «error desconocido de libuv: UV_EXXX»; cualquier otro número,
 * «error desconocido (código N)». */
const char *error_texto(int codigo);

/* Nombre simbólico con el prefijo de libuv: «UV_ECONNREFUSED», «UV_EOF»; «OK» para 0 y
 * NULL si el código no es de libuv. Cadena estática (a diferencia de uv_err_name(), no
 * reserva memoria para los códigos que no conoce). */
const char *error_nombre(int codigo);

#endif
