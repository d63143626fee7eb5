/* http_errores.c — códigos de error del cliente HTTP: su nombre, su texto en español y la
 * traducción desde los CURLcode de libcurl. */
#include "http_interno.h"

#include "curso/errores.h"

typedef struct {
    int codigo;
    const char *nombre;
    const char *texto;
} http_error_info_t;

static const http_error_info_t errores[] = {
    {HTTP_E_TIEMPO, "HTTP_E_TIEMPO", "se agotó el tiempo límite de la petición"},
    {HTTP_E_CONEXION, "HTTP_E_CONEXION", "no se pudo conectar con el servidor"},
    {HTTP_E_RESOLUCION, "HTTP_E_RESOLUCION", "no se pudo resolver el nombre del servidor"},
    {HTTP_E_CORTADA, "HTTP_E_CORTADA", "el servidor cortó la transferencia antes de terminar"},
    {HTTP_E_ESTADO, "HTTP_E_ESTADO", "el servidor respondió con un estado de error"},
    {HTTP_E_CANCELADA, "HTTP_E_CANCELADA", "la petición se canceló"},
    {HTTP_E_URL, "HTTP_E_URL", "URL mal formada o protocolo no admitido: solo http y https"},
    {HTTP_E_DEMASIADO, "HTTP_E_DEMASIADO", "el cuerpo de la respuesta superó el máximo"},
    {HTTP_E_ABORTADA, "HTTP_E_ABORTADA", "la callback de datos pidió parar la descarga"},
    {HTTP_E_OTRO, "HTTP_E_OTRO", "fallo de libcurl"},
};

static const http_error_info_t *buscar(int codigo)
{
    for (size_t i = 0; i < sizeof errores / sizeof errores[0]; i++) {
        if (errores[i].codigo == codigo)
            return &errores[i];
    }
    return NULL;
}

const char *http_error_texto(int codigo)
{
    if (codigo == 0)
        return "sin error";
    const http_error_info_t *e = buscar(codigo);
    if (e != NULL)
        return e->texto;
    /* Los de libuv, en español (curso/errores.h); estos dos tienen aquí un sentido
     * concreto: http_pedir con el cliente cerrándose y http_cancelar repetida. */
    switch (codigo) {
    case UV_ECANCELED:
        return "operación cancelada (el cliente se está cerrando)";
    case UV_EALREADY:
        return "la operación ya estaba en curso o terminando";
    default:
        return error_texto(codigo);
    }
}

const char *http_error_nombre(int codigo)
{
    if (codigo == 0)
        return "OK";
    const http_error_info_t *e = buscar(codigo);
    if (e != NULL)
        return e->nombre;
    /* Sin el «UV_» de error_nombre(); y uv_err_name() reservaría memoria para un código
     * que no conoce. */
    const char *nombre = error_nombre(codigo);
    return nombre != NULL ? nombre + 3 : "DESCONOCIDO";
}

int http_error_desde_curl(CURLcode codigo)
{
    switch (codigo) {
    case CURLE_OK:
        return 0;
    case CURLE_OPERATION_TIMEDOUT:
        return HTTP_E_TIEMPO;
    case CURLE_COULDNT_CONNECT:
        return HTTP_E_CONEXION;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return HTTP_E_RESOLUCION;
    /* Todo lo que significa «la respuesta quedó a medias»: nunca un éxito corto. */
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return HTTP_E_CORTADA;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return HTTP_E_URL;
    case CURLE_FILESIZE_EXCEEDED:
        return HTTP_E_DEMASIADO;
    default:
        return HTTP_E_OTRO;
    }
}
