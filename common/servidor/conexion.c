/* conexion.c — máquina de estados HTTP/1.1 de una conexión (ver conexion.h).
 *
 * Fases:
 *   LEYENDO   esperando o analizando una petición (plazo de inactividad armado)
 *   ESPERANDO la ruta pidió esperar antes de responder (/delay): temporizador
 *   ENVIANDO  cabecera enviada; el cuerpo se genera por trozos mientras la cola de
 *             escritura no pase de CONEXION_MAX_COLA (contrapresión)
 *   GOTEANDO  cuerpo repartido en el tiempo (/drip): un trozo en cada tic
 *   VACIANDO  todo encolado; se espera a que se escriba para anotar el registro y pasar a
 *             la siguiente petición (o cerrar)
 *   CERRADA   se pidió el cierre; ya no se usan las operaciones
 *
 * llhttp: las callbacks de datos pueden llegar en varios trozos por token (se acumulan en
 * peticion_t) y on_message_complete devuelve HPE_PAUSED para atender de una en una las
 * peticiones encadenadas; se reanuda con llhttp_resume() desde llhttp_get_error_pos().
 */
#include "conexion.h"

#include "peticion.h"
#include "respuesta.h"
#include "rutas.h"

#include "curso/reloj.h"

#include <llhttp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if LLHTTP_VERSION_MAJOR < 8
#error "hace falta llhttp 8 o posterior (callbacks *_complete)"
#endif

/* Tic mínimo del goteo: más fino no aporta nada a una barra de progreso. */
#define GOTEO_TIC_MIN_MS 10
/* Respuestas encadenadas que se terminan seguidas dentro de una misma llamada (ver
 * avanzar()); las demás esperan a la vuelta siguiente del bucle para no acapararlo. */
#define MAX_SEGUIDAS 32

typedef enum {
    FASE_LEYENDO,
    FASE_ESPERANDO,
    FASE_ENVIANDO,
    FASE_GOTEANDO,
    FASE_CALLANDO, /* a media respuesta, callada un rato (respuesta_t.callar_ms) */
    FASE_VACIANDO,
    FASE_CERRADA
} fase_t;

struct conexion_s {
    llhttp_t parser;
    contexto_t *ctx;
    const conexion_ops_t *ops;
    void *usuario;
    char origen[64];
    int puerto_cliente;
    fase_t fase;

    /* Petición en curso. */
    peticion_t pet;
    int error_http; /* 431/413 detectado dentro de una callback de llhttp */
    uint64_t cuerpo_recibido;
    int cabeza_completa;
    int mantener;    /* keep-alive según llhttp */
    int mantener_10; /* cliente HTTP/1.0 con keep-alive explícito */
    int es_head;
    uint64_t inicio_ms;

    /* Respuesta en curso. */
    respuesta_t resp;
    int en_curso;     /* hay una respuesta que anotar en el registro */
    uint64_t enviado; /* bytes de cuerpo ya encolados */
    uint64_t goteo_intervalo_ms, goteo_tics, goteo_tic;
    int callado; /* ya calló su rato (una vez por respuesta) */

    /* Entrada recibida mientras se atendía otra petición. */
    char *entrada;
    size_t entrada_len, entrada_cap;
    int lectura_parada;
    int fin_entrada;
};

/* Búfer de trabajo para generar trozos: todo ocurre en el hilo del bucle y `enviar` copia,
 * así que basta uno por hilo. */
static _Thread_local char trozo[CONEXION_TROZO + 64];

static void atender(conexion_t *c);
static void procesar_guardado(conexion_t *c);
static void terminar_respuesta(conexion_t *c);

/* Termina las respuestas ya escritas enteras y atiende las encadenadas detrás. Un bucle y
 * no recursión: así nunca se apilan peticiones una dentro de otra. Tras MAX_SEGUIDAS
 * seguidas, el resto espera al temporizador (1 ms: uno de 0 ms rearmado desde su propia
 * callback vuelve a correr en la misma pasada del bucle en libuv 1.44, ver TRAMPAS.md), para
 * que un cliente con cien peticiones encadenadas no deje esperando a los demás. Se llama al
 * final de cada punto de entrada (recibir, escrito, vencido). */
static void avanzar(conexion_t *c)
{
    for (int i = 0; c->fase == FASE_VACIANDO && c->ops->pendiente(c->usuario) == 0; i++) {
        if (i == MAX_SEGUIDAS) {
            c->ops->programar(c->usuario, 1);
            return;
        }
        terminar_respuesta(c);
    }
}

/* --- Callbacks de llhttp ------------------------------------------------------------- */

static conexion_t *de(llhttp_t *p)
{
    return p->data;
}

/* Un fallo de tamaño de cabecera: se recuerda el código y se corta el análisis. */
static int demasiado(conexion_t *c, int estado)
{
    if (c->error_http == 0)
        c->error_http = estado;
    return -1;
}

static int al_empezar(llhttp_t *p)
{
    conexion_t *c = de(p);
    peticion_reiniciar(&c->pet);
    c->error_http = 0;
    c->cuerpo_recibido = 0;
    c->cabeza_completa = 0;
    return 0;
}

static int al_url(llhttp_t *p, const char *at, size_t n)
{
    return peticion_anadir(&de(p)->pet, at, n) < 0 ? demasiado(de(p), 431) : 0;
}

static int al_url_completa(llhttp_t *p)
{
    return peticion_terminar_url(&de(p)->pet) < 0 ? demasiado(de(p), 431) : 0;
}

static int al_campo(llhttp_t *p, const char *at, size_t n)
{
    conexion_t *c = de(p);
    if (!c->pet.abierta && peticion_empezar_cabecera(&c->pet) < 0)
        return demasiado(c, 431);
    return peticion_anadir(&c->pet, at, n) < 0 ? demasiado(c, 431) : 0;
}

static int al_campo_completo(llhttp_t *p)
{
    return peticion_terminar_campo(&de(p)->pet) < 0 ? demasiado(de(p), 431) : 0;
}

static int al_valor(llhttp_t *p, const char *at, size_t n)
{
    return peticion_anadir(&de(p)->pet, at, n) < 0 ? demasiado(de(p), 431) : 0;
}

static int al_valor_completo(llhttp_t *p)
{
    return peticion_terminar_valor(&de(p)->pet) < 0 ? demasiado(de(p), 431) : 0;
}

/* El nombre del método en la petición (sin snprintf: esto ocurre en cada petición). */
static void copiar_metodo(conexion_t *c, llhttp_method_t metodo)
{
    const char *nombre = llhttp_method_name(metodo);
    size_t n = strlen(nombre);
    if (n >= sizeof c->pet.metodo)
        n = sizeof c->pet.metodo - 1;
    memcpy(c->pet.metodo, nombre, n);
    c->pet.metodo[n] = '\0';
}

static int al_cabeza_completa(llhttp_t *p)
{
    conexion_t *c = de(p);
    c->cabeza_completa = 1;
    c->inicio_ms = reloj_ms();
    copiar_metodo(c, (llhttp_method_t)p->method);
    c->pet.version_mayor = p->http_major;
    c->pet.version_menor = p->http_minor;
    c->es_head = p->method == HTTP_HEAD;
    if (p->content_length > CONEXION_MAX_CUERPO)
        return demasiado(c, 413);
    /* curl manda «Expect: 100-continue» con cuerpos grandes y espera un segundo antes de
     * enviarlos si nadie contesta: contestar evita ese segundo perdido. */
    const char *espera = peticion_cabecera(&c->pet, "Expect");
    if (espera != NULL && strcasecmp(espera, "100-continue") == 0) {
        static const char continuar[] = "HTTP/1.1 100 Continue\r\n\r\n";
        c->ops->enviar(c->usuario, continuar, sizeof continuar - 1);
    }
    return 0;
}

static int al_cuerpo(llhttp_t *p, const char *at, size_t n)
{
    (void)at;
    conexion_t *c = de(p);
    c->cuerpo_recibido += n;
    return c->cuerpo_recibido > CONEXION_MAX_CUERPO ? demasiado(c, 413) : 0;
}

static int al_mensaje_completo(llhttp_t *p)
{
    conexion_t *c = de(p);
    /* Se consulta aquí: después llhttp reinicia sus indicadores para el mensaje siguiente. */
    c->mantener = llhttp_should_keep_alive(p) && !p->upgrade;
    c->mantener_10 = c->mantener && p->http_major == 1 && p->http_minor == 0;
    return HPE_PAUSED;
}

static const llhttp_settings_t ajustes = {
    .on_message_begin = al_empezar,
    .on_url = al_url,
    .on_url_complete = al_url_completa,
    .on_header_field = al_campo,
    .on_header_field_complete = al_campo_completo,
    .on_header_value = al_valor,
    .on_header_value_complete = al_valor_completo,
    .on_headers_complete = al_cabeza_completa,
    .on_body = al_cuerpo,
    .on_message_complete = al_mensaje_completo,
};

/* --- Registro y cierre --------------------------------------------------------------- */

static void anotar(conexion_t *c, int abortada)
{
    if (!c->en_curso)
        return;
    c->en_curso = 0;
    if (c->ctx->registro == NULL)
        return;
    registro_linea_t l = {
        .inicio_ms = c->inicio_ms,
        .fin_ms = reloj_ms(),
        .metodo = c->pet.metodo[0] != '\0' ? c->pet.metodo : "-",
        .ruta = peticion_url(&c->pet),
        .estado = c->resp.estado,
        .bytes = c->enviado,
        .puerto_cliente = c->puerto_cliente,
        .abortada = abortada,
        .rango = peticion_cabecera(&c->pet, "Range"),
    };
    registro_anotar(c->ctx->registro, &l);
}

static void cerrar(conexion_t *c, int suave)
{
    if (c->fase == FASE_CERRADA)
        return;
    c->fase = FASE_CERRADA;
    c->ops->desprogramar(c->usuario);
    c->ops->cerrar(c->usuario, suave);
}

/* La respuesta no puede completarse (cliente lento o desaparecido, fallo al enviar). */
static void abortar(conexion_t *c)
{
    anotar(c, 1);
    cerrar(c, 0);
}

static int enviar(conexion_t *c, const char *datos, size_t n)
{
    if (c->ops->enviar(c->usuario, datos, n) < 0) {
        abortar(c);
        return -1;
    }
    return 0;
}

/* --- Envío del cuerpo ---------------------------------------------------------------- */

static void pasar_a_vaciar(conexion_t *c)
{
    c->fase = FASE_VACIANDO;
    /* Con todo escrito ya (el transporte lo entregó al sistema sin esperar), la respuesta se
     * termina en avanzar(), al volver de la llamada que empezó todo: ni temporizador ni vuelta
     * del bucle de por medio, que es lo que cuesta el camino keep-alive. Si no, el plazo vigila
     * a un cliente que no lee. */
    if (c->ops->pendiente(c->usuario) > 0)
        c->ops->programar(c->usuario, c->ctx->inactividad_ms);
}

/* Encola hasta `maximo` bytes de cuerpo (en una sola escritura). Devuelve 0 o -1. */
static int enviar_cuerpo(conexion_t *c, uint64_t maximo)
{
    respuesta_t *r = &c->resp;
    uint64_t queda = r->longitud - c->enviado;
    if (queda > maximo)
        queda = maximo;
    if (!r->troceado) {
        size_t n = queda > CONEXION_TROZO ? CONEXION_TROZO : (size_t)queda;
        respuesta_leer(r, c->enviado, trozo, n);
        if (enviar(c, trozo, n) < 0)
            return -1;
        c->enviado += n;
        return 0;
    }
    /* Chunked: tantos trozos de tam_trozo como quepan en el búfer de trabajo. */
    size_t usados = 0;
    size_t tam = r->tam_trozo > 0 && r->tam_trozo < CONEXION_TROZO ? r->tam_trozo : CONEXION_TROZO;
    uint64_t puesto = 0;
    while (puesto < queda) {
        size_t n = queda - puesto > tam ? tam : (size_t)(queda - puesto);
        if (usados + n + 32 > sizeof trozo)
            break;
        int h = snprintf(trozo + usados, 24, "%zx\r\n", n);
        usados += (size_t)h;
        respuesta_leer(r, c->enviado + puesto, trozo + usados, n);
        usados += n;
        memcpy(trozo + usados, "\r\n", 2);
        usados += 2;
        puesto += n;
    }
    if (enviar(c, trozo, usados) < 0)
        return -1;
    c->enviado += puesto;
    return 0;
}

/* Fin del cuerpo: el trozo final de chunked y a esperar a que se escriba. */
static void cuerpo_terminado(conexion_t *c)
{
    if (c->resp.troceado && !c->es_head) {
        static const char final[] = "0\r\n\r\n";
        if (enviar(c, final, sizeof final - 1) < 0)
            return;
    }
    pasar_a_vaciar(c);
}

/* Genera cuerpo mientras la cola de escritura tenga sitio. Con callar_ms, al llegar a
 * callar_tras bytes se calla ese rato (FASE_CALLANDO) sin cerrar, y después sigue. */
static void bombear(conexion_t *c)
{
    const respuesta_t *r = &c->resp;
    while (c->enviado < r->longitud) {
        int por_callar = r->callar_ms > 0 && !c->callado;
        if (por_callar && c->enviado >= r->callar_tras) {
            c->callado = 1;
            c->fase = FASE_CALLANDO;
            c->ops->programar(c->usuario, r->callar_ms);
            return;
        }
        if (c->ops->pendiente(c->usuario) >= CONEXION_MAX_COLA) {
            /* Contrapresión: se espera a conexion_escrito(). Si el cliente no lee nada en
             * el plazo de inactividad, se le abandona. */
            c->ops->programar(c->usuario, c->ctx->inactividad_ms);
            return;
        }
        if (enviar_cuerpo(c, por_callar ? r->callar_tras - c->enviado : UINT64_MAX) < 0)
            return;
    }
    cuerpo_terminado(c);
}

static void tic_goteo(conexion_t *c)
{
    c->goteo_tic++;
    uint64_t objetivo = c->resp.longitud;
    if (c->goteo_tic < c->goteo_tics)
        objetivo = c->resp.longitud * c->goteo_tic / c->goteo_tics;
    while (c->enviado < objetivo) {
        if (enviar_cuerpo(c, objetivo - c->enviado) < 0)
            return;
    }
    if (c->enviado >= c->resp.longitud)
        cuerpo_terminado(c);
    else
        c->ops->programar(c->usuario, c->goteo_intervalo_ms);
}

/* Envía la cabecera y arranca el cuerpo según su tipo. */
static void empezar_envio(conexion_t *c)
{
    respuesta_t *r = &c->resp;
    c->callado = 0;
    size_t n = respuesta_cabeza(r, c->mantener_10, trozo, sizeof trozo);
    if (n == 0) {
        abortar(c);
        return;
    }
    /* Cuerpo de longitud conocida que sale ya: su comienzo va detrás de la cabecera en la
     * misma escritura. Una respuesta pequeña (/json, /ping) es así una sola llamada al
     * sistema y una sola copia, no dos. */
    int junto =
        !c->es_head && !r->sin_cuerpo && !r->troceado && r->goteo_ms == 0 && r->callar_ms == 0;
    size_t cuerpo = 0;
    if (junto) {
        uint64_t cabe = sizeof trozo - n;
        cuerpo = r->longitud < cabe ? (size_t)r->longitud : (size_t)cabe;
        respuesta_leer(r, 0, trozo + n, cuerpo);
    }
    if (enviar(c, trozo, n + cuerpo) < 0)
        return;
    c->enviado = cuerpo;
    if (c->es_head || r->sin_cuerpo) {
        /* HEAD: misma cabecera (con su Content-Length), ningún byte de cuerpo. */
        r->longitud = 0;
        pasar_a_vaciar(c);
        return;
    }
    if (r->goteo_ms > 0 && r->longitud > 0) {
        uint64_t intervalo = r->goteo_ms / r->longitud;
        if (intervalo < GOTEO_TIC_MIN_MS)
            intervalo = GOTEO_TIC_MIN_MS;
        c->goteo_intervalo_ms = intervalo;
        c->goteo_tics = r->goteo_ms / intervalo;
        if (c->goteo_tics == 0)
            c->goteo_tics = 1;
        c->goteo_tic = 0;
        c->fase = FASE_GOTEANDO;
        c->ops->programar(c->usuario, intervalo);
        return;
    }
    c->fase = FASE_ENVIANDO;
    bombear(c);
}

/* Respuesta escrita entera: registro y, o bien cierre, o bien la petición siguiente (que
 * puede quedar también terminada: de eso se ocupa el bucle de avanzar()). */
static void terminar_respuesta(conexion_t *c)
{
    anotar(c, 0);
    int cerrar_ya = c->resp.cerrar;
    respuesta_liberar(&c->resp);
    if (cerrar_ya) {
        cerrar(c, 1);
        return;
    }
    c->fase = FASE_LEYENDO;
    c->ops->programar(c->usuario, c->ctx->inactividad_ms);
    llhttp_resume(&c->parser);
    procesar_guardado(c);
    if (c->fase == FASE_CERRADA)
        return;
    if (c->fase == FASE_LEYENDO && c->fin_entrada) {
        /* El cliente ya no mandará más y no queda nada por contestar. */
        cerrar(c, 1);
        return;
    }
    if (c->lectura_parada && c->entrada_len <= CONEXION_MAX_ENTRADA) {
        c->lectura_parada = 0;
        c->ops->leer(c->usuario, 1);
    }
}

/* --- Entrada ------------------------------------------------------------------------- */

/* Petición mal formada o demasiado grande: se contesta y se cierra. */
static void fallo_protocolo(conexion_t *c, int estado)
{
    char mensaje[200];
    if (estado == 431)
        snprintf(mensaje, sizeof mensaje,
                 "cabeceras demasiado grandes (máximo %d bytes, %d cabeceras)", PETICION_MAX_CABEZA,
                 PETICION_MAX_CABECERAS);
    else if (estado == 413)
        snprintf(mensaje, sizeof mensaje, "cuerpo demasiado grande (máximo %u bytes)",
                 CONEXION_MAX_CUERPO);
    else
        snprintf(mensaje, sizeof mensaje, "petición HTTP mal formada: %s",
                 llhttp_get_error_reason(&c->parser) != NULL ? llhttp_get_error_reason(&c->parser)
                                                             : "error desconocido");
    c->entrada_len = 0;
    if (!c->cabeza_completa) {
        c->inicio_ms = reloj_ms();
        /* Si ya llegó la URL, el método se analizó antes: sirve para el registro. */
        if (c->pet.usados > 0 && c->pet.metodo[0] == '\0')
            snprintf(c->pet.metodo, sizeof c->pet.metodo, "%s",
                     llhttp_method_name((llhttp_method_t)c->parser.method));
    }
    c->ops->desprogramar(c->usuario);
    respuesta_iniciar(&c->resp);
    respuesta_error(&c->resp, estado, mensaje);
    c->resp.cerrar = 1;
    c->mantener_10 = 0;
    c->es_head = 0;
    c->en_curso = 1;
    c->enviado = 0;
    c->fase = FASE_ENVIANDO;
    empezar_envio(c);
}

/* Analiza `n` bytes. Devuelve 1 si quedó una petición completa (y deja en *usados lo
 * consumido), 0 si hace falta más, -1 si hubo error (ya contestado). */
static int analizar(conexion_t *c, const char *datos, size_t n, size_t *usados)
{
    llhttp_errno_t e = llhttp_execute(&c->parser, datos, n);
    *usados = n;
    if (e == HPE_OK)
        return 0;
    if (e == HPE_PAUSED) {
        const char *pos = llhttp_get_error_pos(&c->parser);
        if (pos != NULL && pos >= datos && pos <= datos + n)
            *usados = (size_t)(pos - datos);
        return 1;
    }
    fallo_protocolo(c, c->error_http != 0 ? c->error_http : 400);
    return -1;
}

/* Guarda entrada para después. Devuelve 0 o -1 (sin memoria: conexión abortada). */
static int guardar(conexion_t *c, const char *datos, size_t n)
{
    if (n == 0)
        return 0;
    if (c->entrada_len + n > c->entrada_cap) {
        size_t cap = c->entrada_cap > 0 ? c->entrada_cap : 4096;
        while (cap < c->entrada_len + n)
            cap *= 2;
        char *nueva = realloc(c->entrada, cap);
        if (nueva == NULL) {
            abortar(c);
            return -1;
        }
        c->entrada = nueva;
        c->entrada_cap = cap;
    }
    memcpy(c->entrada + c->entrada_len, datos, n);
    c->entrada_len += n;
    if (c->entrada_len > CONEXION_MAX_ENTRADA && !c->lectura_parada) {
        c->lectura_parada = 1;
        c->ops->leer(c->usuario, 0);
    }
    return 0;
}

static void procesar_guardado(conexion_t *c)
{
    if (c->entrada_len == 0)
        return;
    size_t usados;
    int r = analizar(c, c->entrada, c->entrada_len, &usados);
    if (r == 1) {
        memmove(c->entrada, c->entrada + usados, c->entrada_len - usados);
        c->entrada_len -= usados;
        atender(c);
    } else {
        c->entrada_len = 0;
    }
    /* Una conexión que ya no guarda nada no retiene memoria mientras está ociosa. */
    if (c->entrada_len == 0 && c->entrada_cap > 4 * 4096) {
        free(c->entrada);
        c->entrada = NULL;
        c->entrada_cap = 0;
    }
}

/* Petición completa: la ruta decide la respuesta. */
static void atender(conexion_t *c)
{
    /* El plazo de inactividad sigue armado: todos los caminos que siguen lo rearman (espera,
     * goteo, contrapresión, vaciado, siguiente petición) o cierran, y pararlo aquí costaría
     * una operación más por petición. */
    respuesta_iniciar(&c->resp);
    c->en_curso = 1;
    c->enviado = 0;
    /* Un alias (/c/FICHA) se atiende como su destino, y así se anota en el registro. */
    char destino[PETICION_MAX_CABEZA];
    int alias = alias_traducir(c->ctx->alias, peticion_url(&c->pet), destino, sizeof destino);
    if (alias == 1 && peticion_cambiar_url(&c->pet, destino) < 0) {
        c->en_curso = 0;
        fallo_protocolo(c, 431);
        return;
    }
    if (peticion_separar(&c->pet) < 0) {
        c->en_curso = 0;
        fallo_protocolo(c, 431);
        return;
    }
    if (alias == -2) {
        char motivo[200];
        snprintf(motivo, sizeof motivo,
                 "parámetro no permitido en esta ruta: «%.64s» (el escenario no se cambia desde "
                 "la petición)",
                 destino);
        respuesta_error(&c->resp, 400, motivo);
    } else if (alias < 0)
        respuesta_error(&c->resp, 404, "alias desconocido: ninguna ruta tiene esa ficha");
    else
        rutas_atender(c->ctx, &c->pet, c->origen, &c->resp);
    if (!c->mantener)
        c->resp.cerrar = 1;
    if (c->resp.espera_ms > 0) {
        c->fase = FASE_ESPERANDO;
        c->ops->programar(c->usuario, c->resp.espera_ms);
        return;
    }
    empezar_envio(c);
}

/* --- Interfaz pública ---------------------------------------------------------------- */

conexion_t *conexion_nueva(contexto_t *ctx, const conexion_ops_t *ops, void *usuario,
                           const char *origen, int puerto_cliente)
{
    conexion_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    if (peticion_iniciar(&c->pet) < 0) {
        free(c);
        return NULL;
    }
    c->ctx = ctx;
    c->ops = ops;
    c->usuario = usuario;
    snprintf(c->origen, sizeof c->origen, "%s", origen);
    c->puerto_cliente = puerto_cliente;
    respuesta_iniciar(&c->resp);
    llhttp_init(&c->parser, HTTP_REQUEST, &ajustes);
    c->parser.data = c;
    c->fase = FASE_LEYENDO;
    ops->programar(usuario, ctx->inactividad_ms);
    return c;
}

void conexion_recibir(conexion_t *c, const char *datos, size_t n)
{
    if (c->fase == FASE_CERRADA || n == 0)
        return;
    if (c->fase != FASE_LEYENDO) {
        guardar(c, datos, n);
        return;
    }
    size_t usados;
    if (analizar(c, datos, n, &usados) == 1) {
        if (guardar(c, datos + usados, n - usados) < 0)
            return;
        atender(c);
    }
    avanzar(c);
}

void conexion_escrito(conexion_t *c)
{
    switch (c->fase) {
    case FASE_ENVIANDO:
        bombear(c);
        break;
    case FASE_VACIANDO:
        if (c->ops->pendiente(c->usuario) > 0)
            c->ops->programar(c->usuario, c->ctx->inactividad_ms);
        break;
    default:
        break;
    }
    avanzar(c);
}

void conexion_vencido(conexion_t *c)
{
    switch (c->fase) {
    case FASE_LEYENDO:
        /* Nada (o media petición) en todo el plazo: se cierra sin contestar. */
        cerrar(c, 0);
        break;
    case FASE_ESPERANDO:
        empezar_envio(c);
        break;
    case FASE_ENVIANDO:
        abortar(c); /* el cliente no leyó nada en todo el plazo */
        break;
    case FASE_GOTEANDO:
        tic_goteo(c);
        break;
    case FASE_CALLANDO:
        c->fase = FASE_ENVIANDO;
        bombear(c);
        break;
    case FASE_VACIANDO:
        if (c->ops->pendiente(c->usuario) > 0)
            abortar(c);
        break;
    case FASE_CERRADA:
        break;
    }
    avanzar(c);
}

void conexion_fin_entrada(conexion_t *c)
{
    switch (c->fase) {
    case FASE_CERRADA:
        break;
    case FASE_LEYENDO:
        cerrar(c, 0);
        break;
    case FASE_ESPERANDO:
    case FASE_CALLANDO:
        /* Quien cierra mientras espera una respuesta lenta (o callada a medias) ya no la
         * quiere: se anota como abortada (el registro muestra cuándo se canceló). */
        abortar(c);
        break;
    default:
        /* La respuesta ya está saliendo: se termina y después se cierra. */
        c->fin_entrada = 1;
        break;
    }
}

int conexion_cerrada(const conexion_t *c)
{
    return c->fase == FASE_CERRADA;
}

void conexion_liberar(conexion_t *c)
{
    if (c == NULL)
        return;
    anotar(c, 1);
    respuesta_liberar(&c->resp);
    peticion_liberar(&c->pet);
    free(c->entrada);
    free(c);
}
