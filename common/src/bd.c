/* bd.c — conexión asíncrona con PostgreSQL: libpq no bloqueante conducida por un uv_poll.
 *
 * Una máquina de estados pequeña: CONECTANDO (PQconnectPoll dice qué esperar: leer o
 * escribir), LISTA (sin consulta: se vigila la lectura para notar enseguida si el servidor
 * cierra), CONSULTANDO (PQflush hasta vaciar, PQconsumeInput, PQisBusy, PQgetResult hasta
 * NULL), ROTA y CERRANDO. Todo el trabajo ocurre en `avanzar`, que llaman el poll y el
 * temporizador de «avisos» (fallos que hay que entregar desde el bucle, nunca desde la llamada).
 *
 * Durante la conexión libpq puede cerrar su socket y abrir otro (la dirección siguiente de
 * un nombre como «localhost», o un reintento sin SSL o sin GSS), y el nuevo suele reutilizar
 * el MISMO número de descriptor; el núcleo ya sacó el viejo de epoll al cerrarlo. La regla:
 * uv_poll_start después de CADA PQconnectPoll (en libuv 1.44–1.50 quita el descriptor de
 * epoll y lo vuelve a añadir), que es lo que hace `vigilar`. Además el poll se identifica por
 * descriptor + inodo (fstat) y se rehace entero cuando cualquiera de los dos cambia: un
 * uv_poll_t queda atado al descriptor con el que se inició.
 *
 * Con un `host` que es un nombre, PQconnectStartParams/PQconnectPoll llaman a getaddrinfo()
 * de forma síncrona (PostgreSQL 15–17): solo una dirección numérica (`hostaddr`) no bloquea.
 *
 * bd_cancelar no llama a PQcancel en el hilo del bucle (abre una conexión nueva con el
 * servidor y espera su respuesta: bloquea). Lo manda al grupo de hilos con uv_queue_work; el
 * PGcancel es una copia independiente de la conexión, y mientras el trabajo está en curso
 * cuenta como un handle más: la conexión no se libera hasta que vuelve.
 */
#include "curso/bd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "curso/errores.h"

typedef enum { E_CONECTANDO, E_LISTA, E_CONSULTANDO, E_ROTA, E_CERRANDO } estado_t;

struct bd_conexion_s {
    uv_loop_t *bucle;
    PGconn *pg;
    estado_t estado;
    uv_timer_t aviso; /* entrega desde el bucle los fallos detectados en una llamada */
    uv_poll_t *poll;  /* el del socket actual; NULL si no hay */
    int fd;
    dev_t dev;
    ino_t ino;
    int handles;    /* handles abiertos o cerrándose: la memoria se libera al llegar a 0 */
    int enviando;   /* PQflush dijo 1: queda por enviar */
    int cancelando; /* una petición de cancelación en curso en el grupo de hilos */
    PGresult *res;
    bd_conectado_cb al_conectar;
    void *datos_conectar;
    bd_resultado_cb al_terminar;
    void *datos_consulta;
    int pendiente_conectar; /* al cerrar: callbacks que aún se deben (UV_ECANCELED) */
    int pendiente_consulta;
    bd_cerrado_cb al_cerrar;
    void *datos_cerrar;
    char error[512];
};

static void avanzar(bd_conexion_t *c);

const char *bd_texto(int codigo)
{
    switch (codigo) {
    case BD_E_CONEXION:
        return "no se pudo conectar con PostgreSQL o se perdió la conexión";
    case BD_E_SQL:
        return "error de SQL";
    default:
        return error_texto(codigo);
    }
}

/* Las razones de libpq más corrientes, en español. El texto original va siempre detrás. */
static const char *traducir(const char *libpq)
{
    static const struct {
        const char *ingles;
        const char *espanol;
    } tabla[] = {
        {"Connection refused", "conexión rechazada (¿está arrancado el servidor?)"},
        {"No such file or directory", "no existe el socket (¿está arrancado el servidor?)"},
        {"could not translate host name", "no se pudo resolver el nombre del servidor"},
        {"does not exist", "no existe (la base de datos o el usuario)"},
        {"timeout expired", "se agotó el tiempo de conexión"},
        {"authentication failed", "falló la autenticación"},
        {"no password supplied", "el servidor pide contraseña"},
        {"too many clients", "el servidor no admite más conexiones"},
        {"server closed the connection", "el servidor cerró la conexión"},
        {"terminating connection", "el servidor terminó la conexión"},
        {"the database system is shutting down", "el servidor se está apagando"},
        {"the database system is starting up", "el servidor aún está arrancando"},
        {"no connection to the server", "no hay conexión con el servidor"},
    };
    for (size_t i = 0; i < sizeof tabla / sizeof tabla[0]; i++)
        if (strstr(libpq, tabla[i].ingles) != NULL)
            return tabla[i].espanol;
    return NULL;
}

/* Copia `texto` a `destino` en una sola línea: saltos y tabuladores de libpq → un espacio. */
static void una_linea(char *destino, size_t tam, const char *texto)
{
    size_t j = 0;
    int espacio = 0;
    for (size_t i = 0; texto[i] != '\0' && j + 1 < tam; i++) {
        char ch = texto[i];
        if (ch == '\n' || ch == '\t' || ch == '\r' || ch == ' ') {
            espacio = j > 0;
            continue;
        }
        if (espacio && j + 2 < tam)
            destino[j++] = ' ';
        espacio = 0;
        destino[j++] = ch;
    }
    destino[j] = '\0';
}

static void anotar(bd_conexion_t *c, const char *que, const char *libpq)
{
    char razon[400];
    una_linea(razon, sizeof razon, libpq != NULL ? libpq : "");
    const char *es = traducir(razon);
    if (es != NULL)
        snprintf(c->error, sizeof c->error, "%s: %s (%s)", que, es, razon);
    else if (razon[0] != '\0')
        snprintf(c->error, sizeof c->error, "%s: %s", que, razon);
    else
        snprintf(c->error, sizeof c->error, "%s", que);
}

static void poll_cerrado(uv_handle_t *h)
{
    bd_conexion_t *c = h->data;
    free(h);
    c->handles--;
    if (c->handles == 0)
        avanzar(c); /* en E_CERRANDO termina el cierre */
}

static void aviso_cerrado(uv_handle_t *h)
{
    bd_conexion_t *c = h->data;
    c->handles--;
    if (c->handles == 0)
        avanzar(c);
}

static void soltar_poll(bd_conexion_t *c)
{
    if (c->poll != NULL) {
        uv_close((uv_handle_t *)c->poll, poll_cerrado);
        c->poll = NULL;
    }
}

static void al_poll(uv_poll_t *p, int status, int eventos)
{
    (void)status; /* un error del poll lo descubrirá libpq al leer o escribir */
    (void)eventos;
    avanzar(p->data);
}

static void al_aviso(uv_timer_t *t)
{
    avanzar(t->data);
}

/* Vigila el socket actual de libpq con `eventos` (0 = dejar de vigilar). */
static int vigilar(bd_conexion_t *c, int eventos)
{
    int fd = PQsocket(c->pg);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        soltar_poll(c);
        return UV_EBADF;
    }
    if (c->poll != NULL && (c->fd != fd || c->dev != st.st_dev || c->ino != st.st_ino))
        soltar_poll(c);
    if (c->poll == NULL) {
        if (eventos == 0)
            return 0;
        uv_poll_t *p = malloc(sizeof *p);
        if (p == NULL)
            return UV_ENOMEM;
        int r = uv_poll_init(c->bucle, p, fd);
        if (r < 0) {
            free(p);
            return r;
        }
        p->data = c;
        c->poll = p;
        c->handles++;
        c->fd = fd;
        c->dev = st.st_dev;
        c->ino = st.st_ino;
    }
    if (eventos == 0)
        return uv_poll_stop(c->poll);
    return uv_poll_start(c->poll, eventos, al_poll);
}

static void diferir(bd_conexion_t *c)
{
    uv_timer_start(&c->aviso, al_aviso, 0, 0);
}

static void ignorar_aviso(void *arg, const PGresult *res)
{
    (void)arg; /* NOTICE de «CREATE TABLE IF NOT EXISTS»…: no es asunto del programa */
    (void)res;
}

int bd_comprobar_cadena(const char *conexion, char *mensaje, size_t tam)
{
    char *err = NULL;
    if (conexion == NULL) {
        if (mensaje != NULL && tam > 0)
            snprintf(mensaje, tam, "cadena de conexión vacía");
        return UV_EINVAL;
    }
    PQconninfoOption *o = PQconninfoParse(conexion, &err);
    int r = 0;
    if (o == NULL) {
        r = UV_EINVAL;
        if (mensaje != NULL && tam > 0) {
            char razon[300];
            una_linea(razon, sizeof razon, err != NULL ? err : "sin memoria");
            snprintf(mensaje, tam, "cadena de conexión no válida: %s", razon);
        }
    }
    PQconninfoFree(o);
    PQfreemem(err);
    return r;
}

int bd_conectar(uv_loop_t *bucle, bd_conexion_t **salida, const char *conexion,
                const char *aplicacion, bd_conectado_cb al_conectar, void *datos)
{
    if (bucle == NULL || salida == NULL || al_conectar == NULL)
        return UV_EINVAL;
    *salida = NULL;
    if (bd_comprobar_cadena(conexion, NULL, 0) < 0)
        return UV_EINVAL;
    bd_conexion_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return UV_ENOMEM;
    /* dbname se expande como cadena completa; lo que va detrás la completa o la sustituye. */
    const char *claves[] = {"dbname", "application_name", NULL};
    const char *valores[] = {conexion, aplicacion, NULL};
    if (aplicacion == NULL)
        claves[1] = NULL;
    c->pg = PQconnectStartParams(claves, valores, 1);
    if (c->pg == NULL) {
        free(c);
        return UV_ENOMEM;
    }
    PQsetNoticeReceiver(c->pg, ignorar_aviso, NULL);
    c->bucle = bucle;
    c->estado = E_CONECTANDO;
    c->fd = -1;
    c->al_conectar = al_conectar;
    c->datos_conectar = datos;
    c->pendiente_conectar = 1;
    uv_timer_init(bucle, &c->aviso);
    c->aviso.data = c;
    c->handles = 1;
    /* Al empezar se espera a poder escribir (lo dice la documentación de PQconnectPoll). Si
     * libpq ya falló (PQstatus BAD) o no hay socket, el aviso lo entrega desde el bucle. */
    if (PQstatus(c->pg) == CONNECTION_BAD || vigilar(c, UV_WRITABLE) < 0)
        diferir(c);
    *salida = c;
    return 0;
}

static void fallo_conexion(bd_conexion_t *c, const char *que)
{
    anotar(c, que, PQerrorMessage(c->pg));
    c->estado = E_ROTA;
    vigilar(c, 0);
}

static void avanzar_conexion(bd_conexion_t *c)
{
    PostgresPollingStatusType r = PQconnectPoll(c->pg);
    int v = 0;
    if (r == PGRES_POLLING_READING)
        v = vigilar(c, UV_READABLE);
    else if (r == PGRES_POLLING_WRITING)
        v = vigilar(c, UV_WRITABLE);
    if (r == PGRES_POLLING_READING || r == PGRES_POLLING_WRITING) {
        if (v < 0) {
            snprintf(c->error, sizeof c->error, "no se pudo vigilar el socket de PostgreSQL: %s",
                     error_texto(v));
            c->estado = E_ROTA;
            soltar_poll(c);
            c->pendiente_conectar = 0;
            c->al_conectar(c, BD_E_CONEXION, c->datos_conectar);
        }
        return;
    }
    c->pendiente_conectar = 0;
    if (r == PGRES_POLLING_OK && PQsetnonblocking(c->pg, 1) == 0) {
        c->estado = E_LISTA;
        c->error[0] = '\0';
        vigilar(c, UV_READABLE);
        c->al_conectar(c, 0, c->datos_conectar);
        return;
    }
    fallo_conexion(c, "no se pudo conectar con PostgreSQL");
    c->al_conectar(c, BD_E_CONEXION, c->datos_conectar);
}

/* Sin consulta: si llega algo es un aviso, una notificación o el cierre del servidor. */
static void avanzar_lista(bd_conexion_t *c)
{
    if (PQconsumeInput(c->pg) == 0 || PQstatus(c->pg) == CONNECTION_BAD) {
        fallo_conexion(c, "se perdió la conexión con PostgreSQL");
        return;
    }
    PGnotify *n;
    while ((n = PQnotifies(c->pg)) != NULL)
        PQfreemem(n);
}

/* Guarda el primer resultado de error o, si no lo hay, el último. */
static void guardar(bd_conexion_t *c, PGresult *r)
{
    if (c->res == NULL) {
        c->res = r;
    } else if (PQresultStatus(c->res) != PGRES_FATAL_ERROR) {
        PQclear(c->res);
        c->res = r;
    } else {
        PQclear(r);
    }
}

static void terminar_consulta(bd_conexion_t *c, int estado)
{
    PGresult *res = c->res;
    c->res = NULL;
    c->pendiente_consulta = 0;
    if (estado == BD_E_CONEXION) {
        PQclear(res);
        res = NULL;
    }
    c->al_terminar(c, estado, res, c->datos_consulta);
}

static void consulta_terminada(bd_conexion_t *c)
{
    int estado = 0;
    PGresult *res = c->res;
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        const char *m = res != NULL ? PQresultErrorMessage(res) : "";
        anotar(c, "se perdió la conexión con PostgreSQL", m[0] != '\0' ? m : PQerrorMessage(c->pg));
        c->estado = E_ROTA;
        vigilar(c, 0);
        terminar_consulta(c, BD_E_CONEXION);
        return;
    }
    ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_EMPTY_QUERY;
    if (st == PGRES_FATAL_ERROR || st == PGRES_NONFATAL_ERROR || st == PGRES_BAD_RESPONSE) {
        const char *sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (sqlstate != NULL && strcmp(sqlstate, "57014") == 0) {
            estado = UV_ECANCELED;
            anotar(c, "consulta cancelada", PQresultErrorMessage(res));
        } else {
            estado = BD_E_SQL;
            anotar(c, "error de SQL", PQresultErrorMessage(res));
        }
    } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY) {
        estado = BD_E_SQL;
        snprintf(c->error, sizeof c->error, "resultado no admitido: %s", PQresStatus(st));
    } else {
        c->error[0] = '\0';
    }
    c->estado = E_LISTA;
    vigilar(c, UV_READABLE);
    terminar_consulta(c, estado);
}

static void avanzar_consulta(bd_conexion_t *c)
{
    if (c->enviando) {
        int f = PQflush(c->pg);
        if (f < 0) {
            fallo_conexion(c, "se perdió la conexión con PostgreSQL");
            terminar_consulta(c, BD_E_CONEXION);
            return;
        }
        c->enviando = f == 1;
    }
    if (PQconsumeInput(c->pg) == 0) {
        fallo_conexion(c, "se perdió la conexión con PostgreSQL");
        terminar_consulta(c, BD_E_CONEXION);
        return;
    }
    while (!PQisBusy(c->pg)) {
        PGresult *r = PQgetResult(c->pg);
        if (r == NULL) {
            consulta_terminada(c);
            return;
        }
        guardar(c, r);
    }
    if (vigilar(c, UV_READABLE | (c->enviando ? UV_WRITABLE : 0)) < 0) {
        fallo_conexion(c, "se perdió la conexión con PostgreSQL");
        terminar_consulta(c, BD_E_CONEXION);
    }
}

static void avanzar_cierre(bd_conexion_t *c)
{
    if (c->handles > 0)
        return;
    if (c->pendiente_conectar) {
        c->pendiente_conectar = 0;
        c->al_conectar(c, UV_ECANCELED, c->datos_conectar);
    }
    if (c->pendiente_consulta) {
        c->pendiente_consulta = 0;
        PQclear(c->res);
        c->res = NULL;
        c->al_terminar(c, UV_ECANCELED, NULL, c->datos_consulta);
    }
    if (c->al_cerrar != NULL)
        c->al_cerrar(c, c->datos_cerrar);
    free(c);
}

static void avanzar(bd_conexion_t *c)
{
    switch (c->estado) {
    case E_CONECTANDO:
        avanzar_conexion(c);
        break;
    case E_LISTA:
        avanzar_lista(c);
        break;
    case E_CONSULTANDO:
        avanzar_consulta(c);
        break;
    case E_ROTA:
        vigilar(c, 0);
        break;
    case E_CERRANDO:
        avanzar_cierre(c);
        break;
    }
}

int bd_consultar(bd_conexion_t *c, const char *sql, int n, const char *const *valores,
                 bd_resultado_cb al_terminar, void *datos)
{
    if (c == NULL || sql == NULL || al_terminar == NULL || n < 0 || (n > 0 && valores == NULL))
        return UV_EINVAL;
    if (c->estado == E_CONSULTANDO)
        return UV_EBUSY;
    if (c->estado != E_LISTA)
        return UV_ENOTCONN;
    if (PQsendQueryParams(c->pg, sql, n, NULL, valores, NULL, NULL, 0) == 0) {
        anotar(c, "no se pudo enviar la consulta", PQerrorMessage(c->pg));
        if (PQstatus(c->pg) == CONNECTION_BAD) {
            c->estado = E_ROTA;
            vigilar(c, 0);
            return UV_ENOTCONN;
        }
        return UV_EINVAL;
    }
    c->estado = E_CONSULTANDO;
    c->al_terminar = al_terminar;
    c->datos_consulta = datos;
    c->pendiente_consulta = 1;
    c->error[0] = '\0';
    int f = PQflush(c->pg);
    c->enviando = f != 0; /* con -1, el siguiente PQflush (en el bucle) dará el error */
    if (vigilar(c, UV_READABLE | UV_WRITABLE) < 0)
        diferir(c);
    return 0;
}

/* Una petición de cancelación en el grupo de hilos. Es de bd_cancelar hasta que vuelve. */
typedef struct {
    uv_work_t req;
    bd_conexion_t *c;
    PGcancel *k;
    int enviada; /* 1 si PQcancel pudo enviarla */
    char razon[256];
} cancelacion_t;

static void cancelar_en_hilo(uv_work_t *req)
{
    cancelacion_t *x = req->data;
    /* PQcancel es segura en cualquier hilo: solo usa el PGcancel, no el PGconn. */
    x->enviada = PQcancel(x->k, x->razon, sizeof x->razon);
}

static void al_cancelar(uv_work_t *req, int estado)
{
    cancelacion_t *x = req->data;
    bd_conexion_t *c = x->c;
    c->cancelando = 0;
    if ((estado < 0 || !x->enviada) && c->estado != E_CERRANDO)
        anotar(c, "no se pudo pedir la cancelación", estado < 0 ? error_texto(estado) : x->razon);
    PQfreeCancel(x->k);
    free(x);
    c->handles--;
    if (c->handles == 0)
        avanzar(c); /* bd_cerrar llegó mientras tanto: ahora sí termina el cierre */
}

int bd_cancelar(bd_conexion_t *c)
{
    cancelacion_t *x;
    int r;
    if (c == NULL || c->estado != E_CONSULTANDO)
        return UV_ENOTCONN;
    if (c->cancelando)
        return UV_EALREADY; /* la primera ya va de camino */
    x = calloc(1, sizeof *x);
    if (x == NULL)
        return UV_ENOMEM;
    x->k = PQgetCancel(c->pg);
    if (x->k == NULL) {
        anotar(c, "no se pudo pedir la cancelación", PQerrorMessage(c->pg));
        free(x);
        return BD_E_CONEXION;
    }
    x->c = c;
    x->req.data = x;
    r = uv_queue_work(c->bucle, &x->req, cancelar_en_hilo, al_cancelar);
    if (r < 0) {
        PQfreeCancel(x->k);
        free(x);
        return r;
    }
    c->cancelando = 1;
    c->handles++; /* la conexión espera a que vuelva antes de liberarse */
    return 0;
}

void bd_cerrar(bd_conexion_t *c, bd_cerrado_cb al_cerrar, void *datos)
{
    if (c == NULL || c->estado == E_CERRANDO)
        return;
    c->estado = E_CERRANDO;
    c->al_cerrar = al_cerrar;
    c->datos_cerrar = datos;
    /* uv_close deja de vigilar el descriptor en el acto; después ya se puede cerrar. */
    soltar_poll(c);
    uv_close((uv_handle_t *)&c->aviso, aviso_cerrado);
    PQfinish(c->pg);
    c->pg = NULL;
}

int bd_disponible(const bd_conexion_t *c)
{
    return c != NULL && c->estado == E_LISTA;
}

int bd_rota(const bd_conexion_t *c)
{
    return c != NULL && c->estado == E_ROTA;
}

const char *bd_error(const bd_conexion_t *c)
{
    return c != NULL ? c->error : "";
}

PGconn *bd_pg(const bd_conexion_t *c)
{
    return c != NULL ? c->pg : NULL;
}
