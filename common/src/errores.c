/* errores.c — texto en español de los códigos de error de libuv (ver curso/errores.h). */
#include "curso/errores.h"

#include <stddef.h>
#include <stdio.h>
#include <uv.h>

typedef struct {
    int codigo;
    const char *texto;
} error_info_t;

/* Lo que el curso puede encontrarse. Los que faltan a propósito (UV_ECHARSET, solo de
 * Windows; UV_EFTYPE, solo de BSD; UV_ENOTTY; UV_EREMOTEIO) y los que añadan versiones de
 * libuv posteriores salen por el texto de reserva, que los nombra. */
static const error_info_t tabla[] = {
    /* Red: conexiones TCP, tuberías y direcciones. */
    {UV_ECONNREFUSED, "conexión rechazada"},
    {UV_ECONNRESET, "el otro extremo cortó la conexión"},
    {UV_ECONNABORTED, "conexión abortada en este equipo"},
    {UV_ETIMEDOUT, "se agotó el tiempo de espera"},
    {UV_EADDRINUSE, "la dirección ya está en uso"},
    {UV_EADDRNOTAVAIL, "la dirección no está disponible en este equipo"},
    {UV_EAFNOSUPPORT, "familia de direcciones no admitida"},
    {UV_ENETUNREACH, "la red es inalcanzable"},
    {UV_ENETDOWN, "la red está caída"},
    {UV_EHOSTUNREACH, "el equipo es inalcanzable"},
    {UV_EHOSTDOWN, "el equipo está apagado o no responde"},
    {UV_ENONET, "el equipo no está conectado a la red"},
    {UV_EPIPE, "tubería rota: el otro extremo ya cerró"},
    {UV_ENOTCONN, "el socket no está conectado"},
    {UV_EISCONN, "el socket ya está conectado"},
    {UV_EALREADY, "la operación ya está en curso"},
    {UV_ESHUTDOWN, "no se puede enviar: la escritura ya se cerró"},
    {UV_EDESTADDRREQ, "falta la dirección de destino"},
    {UV_EMSGSIZE, "mensaje demasiado largo"},
    {UV_ENOBUFS, "no quedan búferes libres en el sistema"},
    {UV_ENOTSOCK, "el descriptor no es un socket"},
    {UV_ENOTSUP, "operación no admitida"},
    {UV_ENOPROTOOPT, "opción de protocolo no disponible"},
    {UV_EPROTO, "error de protocolo"},
    {UV_EPROTONOSUPPORT, "protocolo no admitido"},
    {UV_EPROTOTYPE, "tipo de protocolo equivocado para el socket"},
    {UV_ESOCKTNOSUPPORT, "tipo de socket no admitido"},
    /* Resolución de nombres (uv_getaddrinfo). */
    {UV_EAI_ADDRFAMILY, "el nombre no tiene direcciones de esa familia"},
    {UV_EAI_AGAIN, "fallo temporal al resolver el nombre; reinténtalo"},
    {UV_EAI_BADFLAGS, "opciones de resolución de nombres no válidas"},
    {UV_EAI_BADHINTS, "pistas de resolución de nombres no válidas"},
    {UV_EAI_CANCELED, "resolución de nombre cancelada"},
    {UV_EAI_FAIL, "fallo definitivo al resolver el nombre"},
    {UV_EAI_FAMILY, "familia de direcciones no admitida al resolver el nombre"},
    {UV_EAI_MEMORY, "sin memoria al resolver el nombre"},
    {UV_EAI_NODATA, "el nombre existe pero no tiene dirección"},
    {UV_EAI_NONAME, "nombre o servicio desconocido"},
    {UV_EAI_OVERFLOW, "búfer demasiado pequeño al resolver el nombre"},
    {UV_EAI_PROTOCOL, "protocolo resuelto desconocido"},
    {UV_EAI_SERVICE, "servicio no disponible para ese tipo de socket"},
    {UV_EAI_SOCKTYPE, "tipo de socket no admitido al resolver el nombre"},
    /* Archivos y rutas (uv_fs_*). */
    {UV_ENOENT, "no existe el archivo o la carpeta"},
    {UV_EACCES, "permiso denegado"},
    {UV_EPERM, "operación no permitida"},
    {UV_EEXIST, "el archivo ya existe"},
    {UV_EISDIR, "es un directorio"},
    {UV_ENOTDIR, "no es un directorio"},
    {UV_ENOTEMPTY, "el directorio no está vacío"},
    {UV_ENAMETOOLONG, "nombre de archivo demasiado largo"},
    {UV_ELOOP, "demasiados enlaces simbólicos encadenados"},
    {UV_EMLINK, "demasiados enlaces"},
    {UV_EROFS, "sistema de archivos de solo lectura"},
    {UV_EXDEV, "no se puede enlazar ni mover entre sistemas de archivos distintos"},
    {UV_ENOSPC, "no queda espacio en el dispositivo"},
    {UV_EFBIG, "archivo demasiado grande"},
    {UV_ETXTBSY, "el archivo ejecutable está en uso"},
    {UV_ESPIPE, "no se puede saltar a una posición en este descriptor"},
    {UV_EIO, "error de entrada/salida"},
    {UV_ENODEV, "no existe el dispositivo"},
    {UV_ENXIO, "no existe el dispositivo o la dirección"},
    {UV_EOF, "fin de los datos"},
    /* Recursos del proceso y del sistema. */
    {UV_EMFILE, "demasiados archivos abiertos en el proceso"},
    {UV_ENFILE, "demasiados archivos abiertos en el sistema"},
    {UV_ENOMEM, "no hay memoria suficiente"},
    {UV_EAGAIN, "recurso no disponible por ahora; reinténtalo"},
    {UV_EBUSY, "recurso ocupado"},
    /* Uso de la API: argumentos, handles y el bucle. */
    {UV_EINVAL, "argumento no válido"},
    {UV_EBADF, "descriptor de archivo no válido"},
    {UV_EFAULT, "dirección de memoria no válida en una llamada al sistema"},
    {UV_ECANCELED, "operación cancelada"},
    {UV_EINTR, "llamada al sistema interrumpida"},
    {UV_ENOSYS, "función no implementada"},
    {UV_E2BIG, "lista de argumentos demasiado larga"},
    {UV_ERANGE, "resultado fuera de rango"},
    {UV_EOVERFLOW, "valor demasiado grande para su tipo"},
    {UV_EILSEQ, "secuencia de bytes no válida"},
    {UV_ESRCH, "no existe ese proceso"},
    {UV_UNKNOWN, "error desconocido del sistema"},
};

static const error_info_t *buscar(int codigo)
{
    for (size_t i = 0; i < sizeof tabla / sizeof tabla[0]; i++) {
        if (tabla[i].codigo == codigo)
            return &tabla[i];
    }
    return NULL;
}

/* UV_ERRNO_MAP lista todos los códigos de la versión de libuv con que se compila: así el
 * nombre y el texto de reserva son estáticos para cualquiera de ellos. */
const char *error_nombre(int codigo)
{
    if (codigo == 0)
        return "OK";
    switch (codigo) {
#define ERROR_NOMBRE(nombre, _)                                                                    \
    case UV_##nombre:                                                                              \
        return "UV_" #nombre;
        UV_ERRNO_MAP(ERROR_NOMBRE)
#undef ERROR_NOMBRE
    default:
        return NULL;
    }
}

static const char *texto_de_reserva(int codigo)
{
    switch (codigo) {
#define ERROR_RESERVA(nombre, _)                                                                   \
    case UV_##nombre:                                                                              \
        return "error desconocido de libuv: UV_" #nombre;
        UV_ERRNO_MAP(ERROR_RESERVA)
#undef ERROR_RESERVA
    default:
        return NULL;
    }
}

const char *error_texto(int codigo)
{
    static _Thread_local char otro[64];

    if (codigo == 0)
        return "sin error";
    const error_info_t *e = buscar(codigo);
    if (e != NULL)
        return e->texto;
    const char *reserva = texto_de_reserva(codigo);
    if (reserva != NULL)
        return reserva;
    snprintf(otro, sizeof otro, "error desconocido (código %d)", codigo);
    return otro;
}
