/* http_cliente.c — el cliente HTTP del curso: la interfaz multi de libcurl conducida por
 * el bucle de libuv (el patrón de docs/examples/multi-uv.c de curl, con sus fallos
 * corregidos), la cola del tope de simultáneas, la cancelación y el cierre ordenado.
 *
 * Cómo encaja:
 *   - curl nos dice qué sockets vigilar (CURLMOPT_SOCKETFUNCTION): un uv_poll por socket,
 *     guardado con curl_multi_assign; y cuándo despertarle (CURLMOPT_TIMERFUNCTION): un
 *     único uv_timer. Cuando uno u otro salta, llamamos a curl_multi_socket_action y
 *     SIEMPRE vaciamos después curl_multi_info_read (ahí llegan las transferencias hechas).
 *   - Las callbacks del usuario `al_terminar` nunca se llaman desde dentro de curl ni desde
 *     http_pedir/http_cancelar: los resultados van a la lista `terminadas` y los entrega
 *     un uv_idle (`diferido`) en la siguiente vuelta del bucle. Ese mismo idle hace lo que
 *     no se puede hacer dentro de una callback de curl: quitar del multi las canceladas,
 *     arrancar las de la cola y desmontar el cliente si se pidió cerrarlo.
 *   - Cierre: curl_multi_cleanup → cerrar sockets, temporizador e idle → en el último
 *     cierre se entregan las canceladas pendientes, se libera la memoria y se llama a
 *     `al_cerrar`.
 */
#include "http_interno.h"

#include <stdlib.h>

/* ---- Listas ---------------------------------------------------------------------------- */

static void lista_iniciar(nodo_t *cabeza)
{
    cabeza->ant = cabeza;
    cabeza->sig = cabeza;
}

static int lista_vacia(const nodo_t *cabeza)
{
    return cabeza->sig == cabeza;
}

static void lista_meter(nodo_t *cabeza, nodo_t *n)
{
    n->sig = cabeza;
    n->ant = cabeza->ant;
    cabeza->ant->sig = n;
    cabeza->ant = n;
}

static void lista_quitar(nodo_t *n)
{
    n->ant->sig = n->sig;
    n->sig->ant = n->ant;
    n->ant = n;
    n->sig = n;
}

static nodo_t *lista_primero(const nodo_t *cabeza)
{
    return lista_vacia(cabeza) ? NULL : cabeza->sig;
}

#define PETICION_DE(n) HTTP_CONTENEDOR(n, http_peticion_t, nodo)

/* ---- Trabajo diferido ------------------------------------------------------------------ */

static void diferido_cb(uv_idle_t *idle);

static int hay_hueco(const http_cliente_t *c)
{
    return c->max_simultaneas == 0 || c->activas < c->max_simultaneas;
}

/* Enciende el idle si queda algo que hacer fuera de curl. */
static void programar(http_cliente_t *c)
{
    if (c->desmontado)
        return; /* el idle ya está cerrado: lo que quede lo entrega el último cierre */
    int pendiente = !lista_vacia(&c->terminadas) || c->hay_cancelaciones || c->hay_reanudaciones ||
                    c->cerrando || (!lista_vacia(&c->cola) && hay_hueco(c));
    if (pendiente)
        uv_idle_start(&c->diferido, diferido_cb);
    else
        uv_idle_stop(&c->diferido);
}

static void terminar(http_cliente_t *c, http_peticion_t *p)
{
    p->estado = PET_TERMINADA;
    lista_meter(&c->terminadas, &p->nodo);
}

/* Saca de la cola hacia el multi mientras haya hueco. Nunca desde dentro de curl. */
static void arrancar_cola(http_cliente_t *c)
{
    nodo_t *n;

    if (c->ocupado || c->cerrando)
        return;
    for (n = lista_primero(&c->cola); n != NULL && hay_hueco(c); n = lista_primero(&c->cola)) {
        http_peticion_t *p = PETICION_DE(n);
        lista_quitar(n);
        c->en_cola--;
        peticion_empezar(p);
        CURLMcode m = curl_multi_add_handle(c->multi, p->easy);
        if (m != CURLM_OK) {
            peticion_cerrar_resultado(p, CURLE_OK,
                                      m == CURLM_OUT_OF_MEMORY ? UV_ENOMEM : HTTP_E_OTRO);
            terminar(c, p);
            continue;
        }
        p->estado = PET_EN_CURSO;
        lista_meter(&c->en_curso, n);
        c->activas++;
    }
}

/* Llama a `al_terminar` de cada petición terminada y la libera. */
static void entregar(http_cliente_t *c)
{
    nodo_t *n;

    c->ocupado++;
    for (n = lista_primero(&c->terminadas); n != NULL; n = lista_primero(&c->terminadas)) {
        http_peticion_t *p = PETICION_DE(n);
        lista_quitar(n);
        p->estado = PET_ENTREGANDO;
        p->al_terminar(p, &p->respuesta, p->usuario);
        peticion_liberar(p);
    }
    c->ocupado--;
}

/* Quita del multi las peticiones en curso que se cancelaron. */
static void procesar_cancelaciones(http_cliente_t *c)
{
    nodo_t *n = c->en_curso.sig;

    c->hay_cancelaciones = 0;
    while (n != &c->en_curso) {
        nodo_t *sig = n->sig;
        http_peticion_t *p = PETICION_DE(n);
        if (p->cancelada) {
            lista_quitar(n);
            curl_multi_remove_handle(c->multi, p->easy);
            c->activas--;
            peticion_cerrar_resultado(p, CURLE_OK, HTTP_E_CANCELADA);
            terminar(c, p);
        }
        n = sig;
    }
}

/* Reanuda las pausadas que lo pidieron. Fuera de curl: curl_easy_pause(CONT) entrega en el
 * acto lo que guardaba (al_recibir se llama desde aquí, desde el bucle). */
static void procesar_reanudaciones(http_cliente_t *c)
{
    nodo_t *n = c->en_curso.sig;

    c->hay_reanudaciones = 0;
    c->ocupado++;
    while (n != &c->en_curso) {
        nodo_t *sig = n->sig;
        http_peticion_t *p = PETICION_DE(n);
        if (p->reanudar_pedido && !p->cancelada) {
            p->reanudar_pedido = 0;
            p->pausada = 0;
            curl_easy_pause(p->easy, CURLPAUSE_CONT);
        }
        n = sig;
    }
    c->ocupado--;
}

static void desmontar(http_cliente_t *c);

static void diferido_cb(uv_idle_t *idle)
{
    http_cliente_t *c = HTTP_CONTENEDOR(idle, http_cliente_t, diferido);

    if (c->cerrando) {
        desmontar(c);
        entregar(c);
        return;
    }
    if (c->hay_reanudaciones)
        procesar_reanudaciones(c);
    if (c->hay_cancelaciones)
        procesar_cancelaciones(c);
    arrancar_cola(c);
    entregar(c);
    arrancar_cola(c); /* lo que se pidió desde dentro de al_terminar */
    programar(c);
}

/* ---- curl → libuv ---------------------------------------------------------------------- */

/* Recoge las transferencias terminadas. Se llama después de CADA socket_action: el
 * `if (running_handles)` de multi-uv.c pierde el último mensaje DONE. */
static void vaciar_mensajes(http_cliente_t *c)
{
    CURLMsg *msg;
    int quedan;

    for (msg = curl_multi_info_read(c->multi, &quedan); msg != NULL;
         msg = curl_multi_info_read(c->multi, &quedan)) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        /* Lo que hace falta del mensaje se lee ANTES de remove_handle, que lo invalida. */
        CURL *easy = msg->easy_handle;
        CURLcode resultado = msg->data.result;
        char *privado = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &privado);
        http_peticion_t *p = (http_peticion_t *)privado;
        curl_multi_remove_handle(c->multi, easy);
        lista_quitar(&p->nodo);
        c->activas--;
        peticion_cerrar_resultado(p, resultado, 0);
        terminar(c, p);
    }
}

static void accion(http_cliente_t *c, curl_socket_t fd, int eventos)
{
    int corriendo;

    c->ocupado++;
    curl_multi_socket_action(c->multi, fd, eventos, &corriendo);
    vaciar_mensajes(c);
    c->ocupado--;
    arrancar_cola(c);
    programar(c);
}

static void poll_cb(uv_poll_t *poll, int estado, int eventos)
{
    http_socket_t *s = HTTP_CONTENEDOR(poll, http_socket_t, poll);
    int indicadores = 0;

    if (estado < 0) {
        indicadores = CURL_CSELECT_ERR; /* curl mirará el error del socket */
    } else {
        if (eventos & UV_READABLE)
            indicadores |= CURL_CSELECT_IN;
        if (eventos & UV_WRITABLE)
            indicadores |= CURL_CSELECT_OUT;
    }
    accion(s->cliente, s->fd, indicadores);
}

static void temporizador_cb(uv_timer_t *t)
{
    http_cliente_t *c = HTTP_CONTENEDOR(t, http_cliente_t, temporizador);
    accion(c, CURL_SOCKET_TIMEOUT, 0);
}

static void finalizar_si_toca(http_cliente_t *c);

static void socket_cerrado_cb(uv_handle_t *h)
{
    http_socket_t *s = HTTP_CONTENEDOR(h, http_socket_t, poll);
    http_cliente_t *c = s->cliente;
    free(s);
    c->cierres_pendientes--;
    finalizar_si_toca(c);
}

static void socket_cerrar(http_cliente_t *c, http_socket_t *s)
{
    lista_quitar(&s->nodo);
    c->cierres_pendientes++;
    /* uv_close deja de vigilar el descriptor en el acto: curl puede cerrarlo y reutilizar
     * su número para otro socket sin que libuv vea dos vigilantes en el mismo fd. */
    uv_close((uv_handle_t *)&s->poll, socket_cerrado_cb);
}

/* CURLMOPT_SOCKETFUNCTION: qué vigilar en el socket `fd`. */
static int socket_cb(CURL *easy, curl_socket_t fd, int que, void *arg, void *socketp)
{
    http_cliente_t *c = arg;
    http_socket_t *s = socketp;
    (void)easy;

    if (que == CURL_POLL_REMOVE) {
        /* curl borra su asociación socket→contexto él mismo tras avisarnos. */
        if (s != NULL)
            socket_cerrar(c, s);
        return 0;
    }
    if (s == NULL) {
        /* Un contexto viejo con el mismo número de fd sería de un socket ya cerrado que
         * curl no nos avisó: se cierra antes de crear el nuevo (nunca dos uv_poll). */
        for (nodo_t *n = c->sockets.sig; n != &c->sockets; n = n->sig) {
            http_socket_t *viejo = HTTP_CONTENEDOR(n, http_socket_t, nodo);
            if (viejo->fd == fd) {
                socket_cerrar(c, viejo);
                break;
            }
        }
        s = calloc(1, sizeof *s);
        if (s == NULL)
            return -1;
        if (uv_poll_init_socket(c->bucle, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        s->fd = fd;
        s->cliente = c;
        lista_meter(&c->sockets, &s->nodo);
        curl_multi_assign(c->multi, fd, s);
    }
    int eventos = 0;
    if (que & CURL_POLL_IN)
        eventos |= UV_READABLE;
    if (que & CURL_POLL_OUT)
        eventos |= UV_WRITABLE;
    if (uv_poll_start(&s->poll, eventos, poll_cb) != 0)
        return -1;
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: aquí NUNCA se llama a curl_multi_socket_action (sería una
 * llamada recursiva): solo se programa el uv_timer. */
static int temporizador_pedido_cb(CURLM *multi, long ms, void *arg)
{
    http_cliente_t *c = arg;
    (void)multi;

    if (ms < 0) {
        uv_timer_stop(&c->temporizador);
        return 0;
    }
    /* 0 → 1 ms: en libuv 1.44 un temporizador de 0 ms rearmado desde su callback vuelve a
     * correr en la misma vuelta y puede dejar sin turno a la E/S. */
    return uv_timer_start(&c->temporizador, temporizador_cb, ms == 0 ? 1 : (uint64_t)ms, 0) == 0
               ? 0
               : -1;
}

/* ---- Cierre ---------------------------------------------------------------------------- */

static void finalizar_si_toca(http_cliente_t *c)
{
    if (!c->desmontado || c->cierres_pendientes > 0)
        return;
    /* Las canceladas por el cierre que aún no se entregaron (el idle ya estaba cerrado). */
    entregar(c);
    void (*al_cerrar)(void *) = c->al_cerrar;
    void *usuario = c->usuario_cerrar;
    free(c);
    curl_global_cleanup(); /* emparejado con el curl_global_init de http_cliente_nuevo */
    if (al_cerrar != NULL)
        al_cerrar(usuario);
}

static void handle_cerrado_cb(uv_handle_t *h)
{
    http_cliente_t *c = h->data;
    c->cierres_pendientes--;
    finalizar_si_toca(c);
}

static void desmontar(http_cliente_t *c)
{
    nodo_t *n;

    if (c->desmontado)
        return;
    c->desmontado = 1;
    for (n = lista_primero(&c->cola); n != NULL; n = lista_primero(&c->cola)) {
        http_peticion_t *p = PETICION_DE(n);
        lista_quitar(n);
        c->en_cola--;
        peticion_cerrar_resultado(p, CURLE_OK, HTTP_E_CANCELADA);
        terminar(c, p);
    }
    for (n = lista_primero(&c->en_curso); n != NULL; n = lista_primero(&c->en_curso)) {
        http_peticion_t *p = PETICION_DE(n);
        lista_quitar(n);
        curl_multi_remove_handle(c->multi, p->easy);
        c->activas--;
        peticion_cerrar_resultado(p, CURLE_OK, HTTP_E_CANCELADA);
        terminar(c, p);
    }
    /* Orden: primero curl (cierra sus conexiones y nos avisa de los sockets), luego los
     * handles de libuv; la memoria se libera en el último cierre. */
    curl_multi_cleanup(c->multi);
    c->multi = NULL;
    for (n = lista_primero(&c->sockets); n != NULL; n = lista_primero(&c->sockets))
        socket_cerrar(c, HTTP_CONTENEDOR(n, http_socket_t, nodo));
    c->cierres_pendientes += 2;
    uv_close((uv_handle_t *)&c->temporizador, handle_cerrado_cb);
    uv_close((uv_handle_t *)&c->diferido, handle_cerrado_cb);
}

/* ---- Interfaz pública ------------------------------------------------------------------ */

int http_cliente_nuevo(uv_loop_t *bucle, unsigned max_simultaneas, http_cliente_t **cliente)
{
    http_cliente_t *c = NULL;
    int global = 0;
    int r = UV_EINVAL;

    if (cliente == NULL)
        return UV_EINVAL;
    *cliente = NULL;
    if (bucle == NULL)
        goto fallo;
    r = UV_ENOMEM;
    /* curl cuenta las llamadas: solo la primera inicializa y solo la última
     * curl_global_cleanup (al liberar el último cliente) libera. Desde curl 7.84 es segura
     * entre hilos. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        goto fallo;
    global = 1;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        goto fallo;
    c->bucle = bucle;
    c->max_simultaneas = max_simultaneas;
    lista_iniciar(&c->cola);
    lista_iniciar(&c->en_curso);
    lista_iniciar(&c->terminadas);
    lista_iniciar(&c->sockets);
    c->multi = curl_multi_init();
    if (c->multi == NULL)
        goto fallo;
    if (curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, socket_cb) != CURLM_OK ||
        curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, (void *)c) != CURLM_OK ||
        curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, temporizador_pedido_cb) != CURLM_OK ||
        curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, (void *)c) != CURLM_OK) {
        r = HTTP_E_OTRO;
        goto fallo;
    }
    /* uv_timer_init y uv_idle_init no fallan en libuv (devuelven siempre 0); se hacen al
     * final para que ningún camino de error tenga que cerrar handles. */
    uv_timer_init(bucle, &c->temporizador);
    uv_idle_init(bucle, &c->diferido);
    c->temporizador.data = c;
    c->diferido.data = c;
    *cliente = c;
    return 0;
fallo:
    if (c != NULL) {
        if (c->multi != NULL)
            curl_multi_cleanup(c->multi);
        free(c);
    }
    if (global)
        curl_global_cleanup();
    return r;
}

int http_pedir(http_cliente_t *cliente, const char *url, const http_opciones_t *opciones,
               http_fin_cb al_terminar, void *usuario, http_peticion_t **peticion)
{
    http_peticion_t *p = NULL;
    int r;

    if (peticion != NULL)
        *peticion = NULL;
    if (cliente == NULL || al_terminar == NULL)
        return UV_EINVAL;
    if (cliente->cerrando)
        return UV_ECANCELED;
    r = peticion_validar_url(url);
    if (r < 0)
        return r;
    r = peticion_nueva(cliente, url, opciones, al_terminar, usuario, &p);
    if (r < 0)
        return r;
    p->estado = PET_EN_COLA;
    lista_meter(&cliente->cola, &p->nodo);
    cliente->en_cola++;
    if (peticion != NULL)
        *peticion = p;
    /* Si no estamos dentro de curl, sale ya de la cola (curl_multi_add_handle solo programa
     * el temporizador: ninguna callback del usuario corre aquí). */
    arrancar_cola(cliente);
    programar(cliente);
    return 0;
}

int http_cancelar(http_peticion_t *p)
{
    if (p == NULL)
        return UV_EINVAL;
    http_cliente_t *c = p->cliente;
    switch (p->estado) {
    case PET_EN_COLA:
        lista_quitar(&p->nodo);
        c->en_cola--;
        peticion_cerrar_resultado(p, CURLE_OK, HTTP_E_CANCELADA);
        terminar(c, p);
        programar(c);
        return 0;
    case PET_EN_CURSO:
        if (p->cancelada)
            return UV_EALREADY;
        /* Quitarla del multi aquí podría ser una llamada recursiva a curl (si nos llaman
         * desde al_recibir): se marca, sus callbacks dejan de pasar datos y el idle la
         * saca en la próxima vuelta. */
        p->cancelada = 1;
        c->hay_cancelaciones = 1;
        programar(c);
        return 0;
    default:
        return UV_EALREADY;
    }
}

int http_pausar(http_peticion_t *p)
{
    if (p == NULL || p->estado != PET_EN_CURSO || p->cancelada)
        return UV_EINVAL;
    p->reanudar_pedido = 0; /* pausar después de pedir reanudar: gana lo último */
    if (p->pausada)
        return 0;
    p->pausada = 1;
    /* curl permite pausar desde sus callbacks; si falla, la marca basta: al_escribir
     * devolverá CURL_WRITEFUNC_PAUSE con el próximo trozo. */
    curl_easy_pause(p->easy, CURLPAUSE_RECV);
    return 0;
}

int http_reanudar(http_peticion_t *p)
{
    if (p == NULL || p->estado != PET_EN_CURSO || p->cancelada)
        return UV_EINVAL;
    if (!p->pausada)
        return 0;
    p->reanudar_pedido = 1;
    p->cliente->hay_reanudaciones = 1;
    programar(p->cliente);
    return 0;
}

unsigned http_cliente_activas(const http_cliente_t *cliente)
{
    return cliente != NULL ? cliente->activas : 0;
}

unsigned http_cliente_en_cola(const http_cliente_t *cliente)
{
    return cliente != NULL ? cliente->en_cola : 0;
}

void http_cliente_cerrar(http_cliente_t *cliente, void (*al_cerrar)(void *usuario), void *usuario)
{
    if (cliente == NULL || cliente->cerrando)
        return;
    cliente->cerrando = 1;
    cliente->al_cerrar = al_cerrar;
    cliente->usuario_cerrar = usuario;
    if (cliente->ocupado) {
        programar(cliente); /* desde dentro de curl o de una entrega: lo hará el idle */
        return;
    }
    desmontar(cliente);
}
