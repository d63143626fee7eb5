/* api.c — una API JSON pequeña sobre libuv y llhttp: lo que haría un framework web,
 * escrito a mano para ver cada pieza.
 *
 *   api [--puerto N]       (8080 por omisión; 0 = uno libre). Ctrl+C la para con orden.
 *
 * Rutas (todas responden JSON):
 *   GET    /salud            estado del servidor
 *   GET    /notas            todas las notas
 *   POST   /notas            crea una nota: {"texto": "…"} → 201
 *   GET    /notas/{id}       una nota, o 404
 *   GET    /lento?ms=N       responde tras N ms (0..5000) sin bloquear a nadie: un uv_timer
 *   GET    /reunir?ms=A,B,…  hasta 4 llamadas lentas A, B… ms A LA VEZ (cada una, un uv_timer
 *                            que haría de consulta a otro servicio); responde cuando han
 *                            vuelto todas: tarda lo que la más lenta, no la suma
 *   GET    /informe?ms=N     necesita una de las 2 «sesiones» del servidor (lo que sería una
 *                            conexión a la base de datos) durante N ms; si están ocupadas,
 *                            espera turno. Con &falla=1 la ruta falla (500) a medias. La
 *                            sesión se devuelve una vez, pase lo que pase: un gestor de
 *                            contexto por petición
 *
 * Cada conexión es un conexion_t con su analizador llhttp. Las peticiones se atienden de una
 * en una por conexión: al completar un mensaje el analizador se PAUSA (HPE_PAUSED), se deja
 * de leer y lo que sobró se guarda; cuando la respuesta ha salido entera se reanuda. Así una
 * conexión que encadena peticiones (*pipelining*) recibe las respuestas en orden.
 *
 * Límites: URL de 1 KiB, cabeceras de 8 KiB, cuerpo de 4 KiB (414, 431, 413 y cierre). Una
 * petición mal formada recibe 400 y se cierra: el servidor nunca se cae por basura.
 *
 * Parada ordenada: SIGINT/SIGTERM cierran la escucha y las conexiones inactivas; las que
 * están atendiendo una petición se cierran al enviar su respuesta.
 *
 * Memoria: cada conexion_t se reserva al aceptar y se libera cuando se han cerrado todos sus
 * handles (el socket, el temporizador de /lento y /informe y los de /reunir). Cada respuesta
 * es un bloque (petición de escritura + bytes) que se libera en su callback. Las sesiones son
 * del servidor: una conexión solo las toma prestadas (ver devolver_sesion).
 */
#include <errno.h>
#include <jansson.h>
#include <llhttp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/contenedor.h"
#include "curso/errores.h"
#include "curso/escritura.h"
#include "curso/reloj.h"
#include "curso/senales.h"

#define MAX_URL     1024
#define MAX_CABEZA  8192
#define MAX_CUERPO  4096
#define MAX_NOTAS   100
#define TAM_TEXTO   200
#define TAM_LECTURA 16384
#define MAX_LENTO   5000
#define MAX_LLAMADAS 4
#define MAX_SESIONES 2 /* las «conexiones a la base de datos» que comparten todas las peticiones */
#define ESPERA_DESCARTE_MS 2000 /* cierre prolongado tras un error: ver al_apagar */

typedef struct {
    int id;
    char texto[TAM_TEXTO];
} nota_t;

typedef struct conexion_s conexion_t;

typedef struct {
    uv_loop_t *bucle;
    uv_tcp_t escucha;
    senales_t senales;
    conexion_t *conexiones; /* lista de conexiones vivas */
    int abiertas, en_espera;
    long atendidas; /* respuestas enviadas (puestas en la cola de escritura) */
    nota_t notas[MAX_NOTAS];
    int num_notas, siguiente_id;
    int sesion_ocupada[MAX_SESIONES];
    conexion_t *cola, *cola_fin; /* peticiones de /informe esperando una sesión, en orden */
    int parando;
    uv_tcp_t descarte; /* recoge y cierra la conexión que llega sin memoria: ver descartar */
    int descartando, por_descartar;
} servidor_t;

struct conexion_s {
    uv_tcp_t tcp;
    uv_timer_t espera; /* para /lento */
    uv_timer_t llamadas[MAX_LLAMADAS]; /* para /reunir: una «llamada lenta» cada uno */
    uint64_t llamadas_ms[MAX_LLAMADAS];
    int num_llamadas, llamadas_pendientes;
    uv_shutdown_t apagado;
    servidor_t *s;
    conexion_t *anterior, *siguiente;
    int id;
    llhttp_t analizador;
    /* La petición en curso. */
    char metodo[16];
    char url[MAX_URL];
    size_t largo_url;
    char cuerpo[MAX_CUERPO + 1];
    size_t largo_cuerpo;
    size_t bytes_cabeza;
    int error_http; /* 414/431/413 detectado dentro de una callback de llhttp */
    int mantener;   /* persistente: lo decide llhttp según la versión y Connection */
    int atendiendo; /* entre el final del mensaje y el final de su respuesta */
    int leyendo;
    uint64_t lento_ms;
    int fin_entrada;
    uint64_t inicio_ms;
    /* Lo leído que el analizador aún no consumió: la petición siguiente, si se encadenan. */
    char entrada[TAM_LECTURA];
    char resto[TAM_LECTURA];
    size_t largo_resto;
    int cerrando;
    int descartar; /* cierre prolongado: tras un error quedan bytes del cliente sin leer */
    int handles_abiertos;
    /* /informe: la sesión prestada (1..MAX_SESIONES; 0 = ninguna) o el sitio en la cola. */
    int sesion;
    int en_cola;
    int informe_falla;
    conexion_t *siguiente_en_cola;
};

static void atender(conexion_t *c);
static void leer(conexion_t *c);
static void procesar(conexion_t *c, const char *datos, size_t n);
static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf);
static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf);
static void salir_de_la_cola(conexion_t *c);
static void devolver_sesion(conexion_t *c, const char *motivo);

/* ---------- Cerrar ------------------------------------------------------------------------ */

static void al_cerrar_handle(uv_handle_t *h)
{
    conexion_t *c = h->data;
    if (--c->handles_abiertos > 0)
        return;
    if (c->anterior != NULL)
        c->anterior->siguiente = c->siguiente;
    else
        c->s->conexiones = c->siguiente;
    if (c->siguiente != NULL)
        c->siguiente->anterior = c->anterior;
    c->s->abiertas--;
    free(c); /* todos sus handles ya están cerrados: libuv no volverá a tocarlos */
}

static void cerrar(conexion_t *c)
{
    if (c->cerrando)
        return;
    c->cerrando = 1;
    if ((uv_is_active((uv_handle_t *)&c->espera) || c->llamadas_pendientes > 0 || c->en_cola) &&
        !c->descartar)
        c->s->en_espera--; /* una respuesta lenta que ya nadie recibirá */
    /* La salida de /informe también corre si la conexión se cierra antes de responder. */
    salir_de_la_cola(c);
    devolver_sesion(c, "conexión cerrada");
    uv_close((uv_handle_t *)&c->espera, al_cerrar_handle);
    for (int i = 0; i < MAX_LLAMADAS; i++) /* cerrar cancela las llamadas que quedaran */
        uv_close((uv_handle_t *)&c->llamadas[i], al_cerrar_handle);
    uv_close((uv_handle_t *)&c->tcp, al_cerrar_handle);
}

static void al_leer_descartar(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    if (n < 0) /* UV_EOF: el cliente leyó la respuesta y cerró; o un error: se acabó */
        cerrar(flujo->data);
}

static void al_vencer_descarte(uv_timer_t *t)
{
    cerrar(t->data);
}

/* Cierre prolongado (lingering close). Tras un 400, 413, 414 o 431 el cliente puede seguir
 * enviando el cuerpo que no quisimos leer. Cerrar un socket con datos recibidos sin leer
 * hace que el núcleo mande RST en vez de FIN, y el RST puede borrar del búfer del cliente
 * la respuesta de error antes de que la lea. Así que, tras el FIN, se lee y se tira lo que
 * llegue hasta que el cliente cierre o pasen ESPERA_DESCARTE_MS. */
static void al_apagar(uv_shutdown_t *req, int estado)
{
    conexion_t *c = req->data;
    if (estado == 0 && c->descartar && !c->s->parando &&
        uv_read_start((uv_stream_t *)&c->tcp, reservar, al_leer_descartar) == 0) {
        uv_timer_start(&c->espera, al_vencer_descarte, ESPERA_DESCARTE_MS, 0);
        return;
    }
    cerrar(c);
}

/* Cierre suave: lo que quede en la cola de escritura sale antes del FIN. */
static void despedir(conexion_t *c)
{
    if (c->cerrando)
        return;
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->leyendo = 0;
    c->apagado.data = c;
    if (uv_shutdown(&c->apagado, (uv_stream_t *)&c->tcp, al_apagar) < 0)
        cerrar(c);
}

/* ---------- Responder ----------------------------------------------------------------------- */

static const char *frase(int estado)
{
    switch (estado) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    default:
        return "Service Unavailable";
    }
}

static void al_escribir_respuesta(uv_write_t *req, int estado)
{
    conexion_t *c = req->handle->data;
    free(req->data);
    /* La respuesta ha salido (o no saldrá): ahora se devuelve la sesión, vaya bien o mal. */
    devolver_sesion(c, estado < 0 ? "el envío falló" : "respuesta enviada");
    if (c->cerrando)
        return; /* cancelada porque la conexión se cerró */
    if (estado < 0) {
        cerrar(c);
        return;
    }
    c->atendiendo = 0;
    if (!c->mantener || c->fin_entrada || c->s->parando) {
        despedir(c);
        return;
    }
    /* La petición siguiente: primero lo que ya llegó (procesar vuelve a leer si hace falta
     * más); si no llegó nada, a leer otra vez. */
    llhttp_resume(&c->analizador);
    if (c->largo_resto > 0)
        procesar(c, c->resto, c->largo_resto);
    else
        leer(c);
}

/* Envía `doc` (se queda con la referencia) con el estado dado. */
static void responder(conexion_t *c, int estado, json_t *doc)
{
    char cabeza[256];
    char *cuerpo = json_dumps(doc, JSON_COMPACT);
    size_t lc, lb;
    escritura_t *e;

    json_decref(doc);
    if (cuerpo == NULL) {
        cerrar(c);
        return;
    }
    lb = strlen(cuerpo);
    /* El cuerpo termina en \n (cuenta en Content-Length): cómodo para curl y para leer. */
    lc = (size_t)snprintf(cabeza, sizeof cabeza,
                          "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n%s\r\n",
                          estado, frase(estado), lb + 1,
                          c->mantener && !c->s->parando ? "" : "Connection: close\r\n");
    e = malloc(sizeof *e + lc + lb + 1);
    if (e == NULL) {
        free(cuerpo);
        cerrar(c);
        return;
    }
    memcpy(e->datos, cabeza, lc);
    memcpy(e->datos + lc, cuerpo, lb);
    e->datos[lc + lb] = '\n';
    free(cuerpo);
    e->buf = uv_buf_init(e->datos, (unsigned)(lc + lb + 1));
    e->req.data = e;
    c->s->atendidas++;
    printf("conexión %d: %s %s → %d (%.2f s)\n", c->id, c->metodo, c->url, estado,
           reloj_desde(c->inicio_ms));
    if (uv_write(&e->req, (uv_stream_t *)&c->tcp, &e->buf, 1, al_escribir_respuesta) < 0) {
        free(e);
        cerrar(c);
    }
}

static void responder_error(conexion_t *c, int estado, const char *mensaje)
{
    responder(c, estado, json_pack("{s:s}", "error", mensaje));
}

/* ---------- Rutas -------------------------------------------------------------------------- */

static json_t *nota_json(const nota_t *n)
{
    return json_pack("{s:i, s:s}", "id", n->id, "texto", n->texto);
}

static void crear_nota(conexion_t *c)
{
    servidor_t *s = c->s;
    json_error_t error;
    json_t *doc = json_loadb(c->cuerpo, c->largo_cuerpo, 0, &error);
    json_t *texto = json_object_get(doc, "texto"); /* prestado; NULL si doc es NULL */
    nota_t *n;

    if (doc == NULL) {
        responder_error(c, 400, "el cuerpo no es JSON válido");
    } else if (!json_is_string(texto) || json_string_length(texto) == 0 ||
               json_string_length(texto) >= TAM_TEXTO) {
        responder_error(c, 400, "falta «texto» (una cadena de 1 a 199 bytes)");
    } else if (s->num_notas == MAX_NOTAS) {
        responder_error(c, 503, "no caben más notas");
    } else {
        n = &s->notas[s->num_notas++];
        n->id = ++s->siguiente_id;
        snprintf(n->texto, sizeof n->texto, "%s", json_string_value(texto));
        responder(c, 201, nota_json(n));
    }
    json_decref(doc);
}

static void al_vencer_lento(uv_timer_t *t)
{
    conexion_t *c = t->data;
    c->s->en_espera--;
    responder(c, 200, json_pack("{s:I}", "esperado_ms", (json_int_t)c->lento_ms));
}

/* Lee «ms=N» de la consulta en *ms. Si falta o no vale, responde 400 y devuelve -1. */
static int leer_ms(conexion_t *c, const char *consulta, uint64_t *ms)
{
    const char *p = consulta != NULL ? strstr(consulta, "ms=") : NULL;
    char *fin;
    long n;
    if (p == NULL) {
        responder_error(c, 400, "falta el parámetro ms");
        return -1;
    }
    errno = 0;
    n = strtol(p + 3, &fin, 10);
    if (errno != 0 || fin == p + 3 || (*fin != '\0' && *fin != '&') || n < 0 || n > MAX_LENTO) {
        responder_error(c, 400, "ms debe ser un entero entre 0 y 5000");
        return -1;
    }
    *ms = (uint64_t)n;
    return 0;
}

static void ruta_lenta(conexion_t *c, const char *consulta)
{
    if (leer_ms(c, consulta, &c->lento_ms) < 0)
        return;
    /* Una espera dentro de una función de ruta: la conexión espera, el
     * bucle no. Una consulta lenta a una base de datos o a otra API tendría la misma forma:
     * empezar la operación aquí y responder desde su callback. */
    c->s->en_espera++;
    uv_timer_start(&c->espera, al_vencer_lento, c->lento_ms, 0);
}

/* Una de las llamadas de /reunir ha vuelto. Cuando vuelve la última, una sola respuesta
 * con los resultados EN EL ORDEN EN QUE SE PIDIERON, no en el de llegada. */
static void al_volver_llamada(uv_timer_t *t)
{
    conexion_t *c = t->data;
    json_t *resultados;
    uint64_t mas_lenta = 0;
    if (--c->llamadas_pendientes > 0)
        return;
    resultados = json_array();
    for (int i = 0; i < c->num_llamadas; i++) {
        json_array_append_new(resultados, json_pack("{s:i, s:I}", "llamada", i + 1, "ms",
                                                    (json_int_t)c->llamadas_ms[i]));
        if (c->llamadas_ms[i] > mas_lenta)
            mas_lenta = c->llamadas_ms[i];
    }
    c->s->en_espera--;
    responder(c, 200, json_pack("{s:o, s:I}", "resultados", resultados, "espera_ms",
                                (json_int_t)mas_lenta));
}

/* /reunir?ms=300,100,200: tres llamadas lentas a la vez dentro de una función de ruta.
 * Las llamadas empiezan todas a la vez; la conexión espera a la última, el bucle a nadie. */
static void ruta_reunir(conexion_t *c, const char *consulta)
{
    const char *p = consulta != NULL ? strstr(consulta, "ms=") : NULL;
    char *fin;
    long n;
    c->num_llamadas = 0;
    if (p == NULL) {
        responder_error(c, 400, "falta el parámetro ms (ms=300,100,200)");
        return;
    }
    p += 3;
    for (;;) {
        errno = 0;
        n = strtol(p, &fin, 10);
        if (errno != 0 || fin == p || n < 0 || n > MAX_LENTO || c->num_llamadas == MAX_LLAMADAS) {
            responder_error(c, 400, "ms: de 1 a 4 enteros entre 0 y 5000, separados por comas");
            return;
        }
        c->llamadas_ms[c->num_llamadas++] = (uint64_t)n;
        if (*fin != ',')
            break;
        p = fin + 1;
    }
    if (*fin != '\0' && *fin != '&') {
        responder_error(c, 400, "ms: de 1 a 4 enteros entre 0 y 5000, separados por comas");
        return;
    }
    c->llamadas_pendientes = c->num_llamadas;
    c->s->en_espera++;
    for (int i = 0; i < c->num_llamadas; i++)
        uv_timer_start(&c->llamadas[i], al_volver_llamada, c->llamadas_ms[i], 0);
}

/* ---------- Un recurso por petición: la sesión de /informe ------------------------------------
 * Un gestor de contexto por petición, en tres piezas:
 *     entrada: tomar_sesion      toma una libre o espera turno en la cola, sin bloquear
 *     cuerpo:  usar_sesion       la ruta trabaja con ella (un temporizador hace de consulta)
 *     salida:  devolver_sesion   la devuelve o se la pasa al primero de la cola
 * La salida corre UNA vez pase lo que pase: respuesta enviada, ruta fallida, envío fallido o
 * conexión cerrada antes de tiempo (cerrar). Y corre cuando la respuesta ya ha salido, no
 * antes: la sesión sirve hasta el último byte. */

static void al_vencer_informe(uv_timer_t *t)
{
    conexion_t *c = t->data;
    c->s->en_espera--;
    if (c->informe_falla) { /* la ruta falla con la sesión en la mano: igual se devuelve */
        responder_error(c, 500, "el informe falló a medias (falla=1)");
        return;
    }
    responder(c, 200,
              json_pack("{s:i, s:I}", "sesion", c->sesion, "ms", (json_int_t)c->lento_ms));
}

/* La ruta, con la sesión ya en la mano: un temporizador hace de consulta. */
static void usar_sesion(conexion_t *c)
{
    uv_timer_start(&c->espera, al_vencer_informe, c->lento_ms, 0);
}

static void tomar_sesion(conexion_t *c)
{
    servidor_t *s = c->s;
    for (int i = 0; i < MAX_SESIONES; i++) {
        if (!s->sesion_ocupada[i]) {
            s->sesion_ocupada[i] = 1;
            c->sesion = i + 1;
            printf("conexión %d: sesión %d tomada\n", c->id, c->sesion);
            usar_sesion(c);
            return;
        }
    }
    /* Todas prestadas: a la cola, por orden de llegada; devolver_sesion la despertará. */
    c->en_cola = 1;
    c->siguiente_en_cola = NULL;
    if (s->cola_fin != NULL)
        s->cola_fin->siguiente_en_cola = c;
    else
        s->cola = c;
    s->cola_fin = c;
    printf("conexión %d: espera una sesión libre\n", c->id);
}

static void salir_de_la_cola(conexion_t *c)
{
    servidor_t *s = c->s;
    conexion_t **p = &s->cola, *anterior = NULL;
    if (!c->en_cola)
        return;
    while (*p != c) {
        anterior = *p;
        p = &(*p)->siguiente_en_cola;
    }
    *p = c->siguiente_en_cola;
    if (s->cola_fin == c)
        s->cola_fin = anterior;
    c->en_cola = 0;
}

/* Idempotente: la segunda llamada (p. ej. cerrar tras un envío fallido) no hace nada. Si
 * alguien espera turno, la sesión pasa directamente a él: nadie se la quita por el camino. */
static void devolver_sesion(conexion_t *c, const char *motivo)
{
    servidor_t *s = c->s;
    conexion_t *turno = s->cola;
    int sesion = c->sesion;
    if (sesion == 0)
        return;
    c->sesion = 0;
    printf("conexión %d: sesión %d devuelta (%s)\n", c->id, sesion, motivo);
    if (turno == NULL) {
        s->sesion_ocupada[sesion - 1] = 0;
        return;
    }
    salir_de_la_cola(turno);
    turno->sesion = sesion;
    printf("conexión %d: sesión %d tomada tras esperar turno\n", turno->id, sesion);
    usar_sesion(turno);
}

static void ruta_informe(conexion_t *c, const char *consulta)
{
    /* Validar antes de tomar nada: una petición con un ms que no vale no ocupa una sesión. */
    if (leer_ms(c, consulta, &c->lento_ms) < 0)
        return;
    c->informe_falla = strstr(consulta, "falla=1") != NULL;
    c->s->en_espera++;
    tomar_sesion(c);
}

static void atender(conexion_t *c)
{
    servidor_t *s = c->s;
    char ruta[MAX_URL];
    char *consulta;
    int get = strcmp(c->metodo, "GET") == 0, post = strcmp(c->metodo, "POST") == 0;
    long id;
    char *fin;

    snprintf(ruta, sizeof ruta, "%s", c->url);
    consulta = strchr(ruta, '?');
    if (consulta != NULL)
        *consulta++ = '\0';

    if (strcmp(ruta, "/salud") == 0 && get) {
        responder(c, 200,
                  json_pack("{s:s, s:i, s:i, s:I}", "estado", "ok", "conexiones", s->abiertas,
                            "en_espera", s->en_espera, "atendidas", (json_int_t)s->atendidas));
    } else if (strcmp(ruta, "/notas") == 0 && get) {
        json_t *lista = json_array();
        for (int i = 0; i < s->num_notas; i++)
            json_array_append_new(lista, nota_json(&s->notas[i]));
        responder(c, 200, json_pack("{s:o}", "notas", lista));
    } else if (strcmp(ruta, "/notas") == 0 && post) {
        crear_nota(c);
    } else if (strncmp(ruta, "/notas/", 7) == 0 && get) {
        errno = 0;
        id = strtol(ruta + 7, &fin, 10);
        for (int i = 0; errno == 0 && *fin == '\0' && i < s->num_notas; i++) {
            if (s->notas[i].id == id) {
                responder(c, 200, nota_json(&s->notas[i]));
                return;
            }
        }
        responder_error(c, 404, "no existe esa nota");
    } else if (strcmp(ruta, "/lento") == 0 && get) {
        ruta_lenta(c, consulta);
    } else if (strcmp(ruta, "/reunir") == 0 && get) {
        ruta_reunir(c, consulta);
    } else if (strcmp(ruta, "/informe") == 0 && get) {
        ruta_informe(c, consulta);
    } else if (strcmp(ruta, "/salud") == 0 || strncmp(ruta, "/notas", 6) == 0 ||
               strcmp(ruta, "/lento") == 0 || strcmp(ruta, "/reunir") == 0 ||
               strcmp(ruta, "/informe") == 0) {
        responder_error(c, 405, "método no permitido en esta ruta");
    } else {
        responder_error(c, 404, "no existe esa ruta");
    }
}

/* ---------- llhttp: las callbacks del analizador -------------------------------------------- */

static conexion_t *de(llhttp_t *a)
{
    return CONTENEDOR_DE(a, conexion_t, analizador);
}

static int al_empezar_mensaje(llhttp_t *a)
{
    conexion_t *c = de(a);
    c->largo_url = c->largo_cuerpo = c->bytes_cabeza = 0;
    c->url[0] = '\0';
    c->error_http = 0;
    c->inicio_ms = reloj_ms();
    return 0;
}

/* Los datos de la URL, los nombres y los valores pueden llegar en varios trozos: se acumula. */
static int al_recibir_url(llhttp_t *a, const char *at, size_t n)
{
    conexion_t *c = de(a);
    if (c->largo_url + n >= MAX_URL) {
        c->error_http = 414;
        return -1;
    }
    memcpy(c->url + c->largo_url, at, n);
    c->largo_url += n;
    c->url[c->largo_url] = '\0';
    return 0;
}

static int al_recibir_cabecera(llhttp_t *a, const char *at, size_t n)
{
    conexion_t *c = de(a);
    (void)at;
    c->bytes_cabeza += n; /* nombres y valores no se guardan: esta API no los necesita */
    if (c->bytes_cabeza > MAX_CABEZA) {
        c->error_http = 431;
        return -1;
    }
    return 0;
}

static int al_completar_cabeza(llhttp_t *a)
{
    conexion_t *c = de(a);
    /* Un Content-Length excesivo se rechaza antes de recibir un solo byte del cuerpo. */
    if ((a->flags & F_CONTENT_LENGTH) && a->content_length > MAX_CUERPO) {
        c->error_http = 413;
        return -1;
    }
    return 0;
}

static int al_recibir_cuerpo(llhttp_t *a, const char *at, size_t n)
{
    conexion_t *c = de(a);
    if (c->largo_cuerpo + n > MAX_CUERPO) { /* cuerpos por trozos (chunked) sin longitud */
        c->error_http = 413;
        return -1;
    }
    memcpy(c->cuerpo + c->largo_cuerpo, at, n);
    c->largo_cuerpo += n;
    return 0;
}

static int al_completar_mensaje(llhttp_t *a)
{
    conexion_t *c = de(a);
    /* Se consulta aquí: después llhttp reinicia su estado para el mensaje siguiente. */
    c->mantener = llhttp_should_keep_alive(a);
    snprintf(c->metodo, sizeof c->metodo, "%s", llhttp_method_name((llhttp_method_t)a->method));
    c->cuerpo[c->largo_cuerpo] = '\0';
    c->atendiendo = 1;
    atender(c);
    return HPE_PAUSED; /* una petición cada vez: se reanuda cuando salga la respuesta */
}

static const llhttp_settings_t ajustes = {
    .on_message_begin = al_empezar_mensaje,
    .on_url = al_recibir_url,
    .on_header_field = al_recibir_cabecera,
    .on_header_value = al_recibir_cabecera,
    .on_headers_complete = al_completar_cabeza,
    .on_body = al_recibir_cuerpo,
    .on_message_complete = al_completar_mensaje,
};

/* ---------- Leer ------------------------------------------------------------------------------ */

static void procesar(conexion_t *c, const char *datos, size_t n)
{
    llhttp_errno_t e = llhttp_execute(&c->analizador, datos, n);
    const char *pos;
    if (e == HPE_OK) { /* todo consumido; la petición, completa o no, sigue por la red */
        c->largo_resto = 0;
        leer(c);
        return;
    }
    if (e == HPE_PAUSED) {
        /* Se guarda lo que sobró (memmove: `datos` puede ser el propio c->resto) y no se lee
         * más hasta responder: así se respeta el orden y se pone freno al cliente. */
        pos = llhttp_get_error_pos(&c->analizador);
        c->largo_resto = n - (size_t)(pos - datos);
        memmove(c->resto, pos, c->largo_resto);
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->leyendo = 0;
        return;
    }
    /* Mal formada o demasiado grande: se contesta y se cierra. */
    /* Si ya llegó la URL, el método se analizó antes que ella y se conoce. */
    snprintf(c->metodo, sizeof c->metodo, "%s",
             c->largo_url > 0 ? llhttp_method_name((llhttp_method_t)c->analizador.method)
                              : "?");
    if (c->largo_url == 0)
        snprintf(c->url, sizeof c->url, "%s", "(petición mal formada)");
    c->mantener = 0;
    c->atendiendo = 1;
    c->descartar = 1;
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->leyendo = 0;
    switch (c->error_http) {
    case 413:
        responder_error(c, 413, "cuerpo demasiado grande (máximo 4096 bytes)");
        break;
    case 414:
        responder_error(c, 414, "URL demasiado larga (máximo 1024 bytes)");
        break;
    case 431:
        responder_error(c, 431, "cabeceras demasiado grandes (máximo 8192 bytes)");
        break;
    default:
        responder_error(c, 400, "petición HTTP mal formada");
    }
}

static void reservar(uv_handle_t *h, size_t sugerido, uv_buf_t *buf)
{
    conexion_t *c = h->data;
    (void)sugerido;
    *buf = uv_buf_init(c->entrada, sizeof c->entrada);
}

static void leer(conexion_t *c)
{
    if (c->leyendo || c->cerrando)
        return;
    if (uv_read_start((uv_stream_t *)&c->tcp, reservar, al_leer) < 0) {
        cerrar(c);
        return;
    }
    c->leyendo = 1;
}

static void al_leer(uv_stream_t *flujo, ssize_t n, const uv_buf_t *buf)
{
    conexion_t *c = flujo->data;
    if (n > 0) {
        procesar(c, buf->base, (size_t)n);
    } else if (n == UV_EOF) {
        /* El cliente terminó de enviar. Si hay una respuesta pendiente, sale y luego se
         * cierra; si no, se cierra ya. */
        c->fin_entrada = 1;
        if (!c->atendiendo)
            despedir(c);
    } else if (n < 0) {
        cerrar(c);
    }
}

/* ---------- Aceptar y parar ------------------------------------------------------------------ */

static void descartar(servidor_t *s);

static void al_cerrar_descarte(uv_handle_t *h)
{
    servidor_t *s = h->data;
    s->descartando = 0;
    if (s->por_descartar) { /* otra llegó sin memoria mientras se cerraba esta */
        s->por_descartar = 0;
        descartar(s);
    }
}

/* Sin memoria para atender a un cliente. Cuando libuv llama a al_conectar ya hizo el accept()
 * del sistema y guarda la conexión; si no se recogiera con uv_accept, libuv dejaría de
 * vigilar la escucha (lección 6). Se recoge en un handle de reserva, que no necesita memoria
 * nueva, y se cierra en el acto: ese cliente ve un cierre y los demás siguen entrando. */
static void descartar(servidor_t *s)
{
    if (uv_is_closing((uv_handle_t *)&s->escucha))
        return; /* parando: al cerrar la escucha, libuv cierra también la pendiente */
    if (s->descartando) {
        s->por_descartar = 1; /* la recogerá al_cerrar_descarte */
        return;
    }
    uv_tcp_init(s->bucle, &s->descarte); /* sin familia no crea socket: no falla */
    s->descarte.data = s;
    s->descartando = 1;
    if (uv_accept((uv_stream_t *)&s->escucha, (uv_stream_t *)&s->descarte) < 0)
        fprintf(stderr, "al aceptar: no se pudo recoger la conexión descartada\n");
    uv_close((uv_handle_t *)&s->descarte, al_cerrar_descarte);
}

static void al_conectar(uv_stream_t *escucha, int estado)
{
    servidor_t *s = escucha->data;
    static int siguiente_id = 0;
    conexion_t *c;

    if (estado < 0) {
        fprintf(stderr, "al aceptar: %s\n", error_texto(estado));
        return;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        fprintf(stderr, "al aceptar: sin memoria; conexión rechazada\n");
        descartar(s);
        return;
    }
    c->s = s;
    c->id = ++siguiente_id;
    /* Sobre un bucle válido, ninguna de las dos falla. */
    uv_tcp_init(s->bucle, &c->tcp);
    uv_timer_init(s->bucle, &c->espera);
    c->tcp.data = c->espera.data = c;
    for (int i = 0; i < MAX_LLAMADAS; i++) {
        uv_timer_init(s->bucle, &c->llamadas[i]);
        c->llamadas[i].data = c;
    }
    c->handles_abiertos = 2 + MAX_LLAMADAS;
    c->siguiente = s->conexiones;
    if (s->conexiones != NULL)
        s->conexiones->anterior = c;
    s->conexiones = c;
    s->abiertas++;
    llhttp_init(&c->analizador, HTTP_REQUEST, &ajustes);
    if (uv_accept(escucha, (uv_stream_t *)&c->tcp) < 0)
        cerrar(c);
    else
        leer(c);
}

static void al_parar(senales_t *senales, int signum, void *datos)
{
    servidor_t *s = datos;
    conexion_t *c, *sig;
    (void)signum;
    s->parando = 1;
    printf("Parando: dejo de aceptar (conexiones abiertas: %d, esperando respuesta: %d)\n",
           s->abiertas, s->en_espera);
    uv_close((uv_handle_t *)&s->escucha, NULL);
    for (c = s->conexiones; c != NULL; c = sig) {
        sig = c->siguiente; /* despedir puede acabar liberando c más adelante, nunca aquí */
        if (!c->atendiendo)
            despedir(c);
    }
    senales_cerrar(senales);
}

static int leer_puerto(int argc, char **argv, int *puerto)
{
    char *fin;
    long p;
    *puerto = 8080;
    if (argc == 1)
        return 0;
    if (argc != 3 || strcmp(argv[1], "--puerto") != 0)
        return -1;
    errno = 0;
    p = strtol(argv[2], &fin, 10);
    if (errno != 0 || fin == argv[2] || *fin != '\0' || p < 0 || p > 65535)
        return -1;
    *puerto = (int)p;
    return 0;
}

int main(int argc, char **argv)
{
    uv_loop_t bucle;
    servidor_t s;
    struct sockaddr_in dir;
    struct sockaddr_storage real;
    int largo = sizeof real, puerto, r;

    if (leer_puerto(argc, argv, &puerto) < 0) {
        fprintf(stderr, "uso: api [--puerto N]   (N entre 0 y 65535)\n");
        return 2;
    }
    /* Un cliente que se va con una respuesta a medio enviar no debe matar el servidor:
     * sin esto, seguir escribiendo en su socket cerrado manda SIGPIPE al proceso. */
    signal(SIGPIPE, SIG_IGN);
    memset(&s, 0, sizeof s);
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "uv_loop_init: %s\n", error_texto(r));
        return 1;
    }
    s.bucle = &bucle;
    s.escucha.data = &s;
    uv_ip4_addr("127.0.0.1", puerto, &dir);
    r = uv_tcp_init(&bucle, &s.escucha);
    if (r == 0)
        r = uv_tcp_bind(&s.escucha, (const struct sockaddr *)&dir, 0);
    if (r == 0)
        r = uv_listen((uv_stream_t *)&s.escucha, 128, al_conectar);
    if (r == 0)
        r = uv_tcp_getsockname(&s.escucha, (struct sockaddr *)&real, &largo);
    if (r == 0)
        r = senales_iniciar(&bucle, &s.senales, al_parar, &s);
    if (r < 0) {
        fprintf(stderr, "no puedo escuchar en 127.0.0.1:%d: %s\n", puerto, error_texto(r));
        bucle_cerrar(&bucle, 0);
        return 1;
    }
    printf("Escuchando en http://127.0.0.1:%d\n", ntohs(((struct sockaddr_in *)&real)->sin_port));
    fflush(stdout);
    r = bucle_terminar(&bucle);
    printf("Servidor detenido: %ld respuestas\n", s.atendidas);
    return r == 0 ? 0 : 1;
}
