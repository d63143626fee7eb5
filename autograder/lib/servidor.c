/* servidor.c — un servidor de práctica propio por verificación y lectura de su registro.
 *
 * Criterion ejecuta las verificaciones en paralelo: cada una arranca su servidor en un
 * puerto efímero (practica_arrancar) con el registro en su carpeta temporal. Cada línea del
 * registro es un objeto JSON con inicio_ms y fin_ms en el reloj monotónico (el mismo de
 * cal_ahora_ms), así que se comparan con los instantes que mide el calificador.
 *
 * Rutas opacas: cal_ruta_opaca() inventa rutas al azar (getrandom) y cal_servidor_guion()
 * arranca el servidor con un guion que dice qué responde cada una, petición a petición. El
 * guion se escribe en un archivo temporal que se borra en cuanto el servidor lo ha leído (antes
 * de que arranque el programa del estudiante): su contenido solo está en la memoria del
 * servidor.
 *
 * El secreto de los servidores: una clave de este proceso que cada servidor recibe en su
 * entorno (practica_arrancar_secreto). De ella salen los bytes de /bytes (la secuencia
 * secreta de su subclave, curso/secuencia.h), que cal_bytes() usa para saber qué debe
 * contener un archivo bien descargado, y las temperaturas de /clima (el 10 las pide al
 * servidor como referencia: no dependen de la URL sola). Con la pública, una entrega sacaba la
 * semilla de los 8 primeros bytes recibidos y escribía los demás sin recibirlos.
 */
#define _GNU_SOURCE
#include "calificador/calificador.h"
#include "interno.h"

#include "curso/practica.h"
#include "curso/secuencia.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SERVIDORES 4

struct cal_servidor {
    practica_t practica;
    char registro[PATH_MAX];
    char alias[PATH_MAX]; /* el archivo de --alias: en la carpeta del servidor, fuera de la caja */
    cal_peticion_t *peticiones;
    int n;
};

static cal_servidor_t *servidores[MAX_SERVIDORES];

/* La clave de la secuencia de los servidores de este proceso (se crea con el primero). */
static secuencia_clave_t clave;
static int clave_lista;

static int clave_preparada(void)
{
    if (!clave_lista) {
        int r = secuencia_clave_nueva(&clave);
        if (r < 0)
            return r;
        clave_lista = 1;
    }
    return 0;
}

void cal_bytes(uint64_t semilla, uint64_t desde, unsigned char *destino, size_t n)
{
    /* Sin servidor arrancado aún, la clave se crea aquí: la del primero será esta. */
    if (clave_preparada() < 0)
        abort(); /* sin getrandom no arranca ningún servidor: no hay qué comparar */
    secuencia_clave_t bytes;
    secuencia_subclave(&clave, SECUENCIA_USO_BYTES, &bytes);
    secuencia_generar(&bytes, semilla, desde, destino, n);
}

/* Arranca un servidor (con `guion`, texto JSON, si no es NULL). */
static int arrancar_servidor(const char *guion, cal_servidor_t **s)
{
    *s = NULL;
    int hueco = -1;
    for (int i = 0; i < MAX_SERVIDORES; i++)
        if (servidores[i] == NULL) {
            hueco = i;
            break;
        }
    if (hueco < 0)
        return -EMFILE;
    cal_servidor_t *n = calloc(1, sizeof *n);
    if (n == NULL)
        return -ENOMEM;
    char dir[PATH_MAX - 64];
    char archivo_guion[PATH_MAX] = "";
    int r = temporal_nuevo("servidor", dir, sizeof dir);
    /* Sus archivos (el guion, los alias, el registro) son pruebas de cargo: solo de quien
     * califica. La temporal es 0755 (el programa, sin bwrap, llega por ella a su carpeta de
     * trabajo), y sin caja un programa subía desde su TMPDIR y leía alias.txt y registro.jsonl:
     * cada ruta opaca con su escenario (hostiles/lee_servidor.c). El servidor es un hijo de
     * quien califica, con su mismo usuario. */
    const char *rel = NULL;
    if (r == 0)
        r = temporal_relativa(dir, &rel);
    if (r == 0)
        r = arbol_chmod(temporal_raiz_fd(), rel, 0700);
    if (r == 0 && guion != NULL) {
        snprintf(archivo_guion, sizeof archivo_guion, "%s/guion.json", dir);
        FILE *f = fopen(archivo_guion, "wex");
        if (f == NULL) {
            r = -errno;
        } else {
            int bien = fputs(guion, f) >= 0;
            if (fclose(f) != 0 || !bien)
                r = -EIO;
        }
    }
    if (r == 0) {
        /* El archivo de alias empieza vacío; cal_alias() le añade líneas. */
        snprintf(n->alias, sizeof n->alias, "%s/alias.txt", dir);
        FILE *f = fopen(n->alias, "wex");
        if (f == NULL || fclose(f) != 0)
            r = -EIO;
    }
    if (r == 0) {
        snprintf(n->registro, sizeof n->registro, "%s/registro.jsonl", dir);
        r = clave_preparada();
        if (r == 0)
            r = practica_arrancar_secreto(&n->practica, n->registro,
                                          guion != NULL ? archivo_guion : NULL, n->alias, &clave);
        /* Un guion que el servidor rechaza es un error del calificador, no del estudiante. */
        if (r == -ECHILD && guion != NULL)
            r = -EINVAL;
    }
    if (archivo_guion[0] != '\0')
        unlink(archivo_guion);
    if (r < 0) {
        free(n);
        return r;
    }
    servidores[hueco] = n;
    *s = n;
    return 0;
}

/* El veredicto de un servidor que no arrancó, igual en todos los laboratorios (como el de
 * cal_lanzar): el calificador solo devuelve fallo. */
static int anotar_fallo(int r)
{
    if (r == -EINVAL)
        cal_obtenido("el servidor de práctica rechazó su guion (error del calificador)");
    else if (r < 0)
        cal_obtenido("no arrancó el servidor de práctica (error del calificador: %s)",
                     notas_errno(-r));
    return r;
}

int cal_servidor(cal_servidor_t **s)
{
    return anotar_fallo(arrancar_servidor(NULL, s));
}

int cal_servidor_guion(const char *guion, cal_servidor_t **s)
{
    if (guion == NULL) {
        *s = NULL;
        return anotar_fallo(-EINVAL);
    }
    return anotar_fallo(arrancar_servidor(guion, s));
}

int cal_alias(cal_servidor_t *s, const char *destino, char *ruta, size_t tam)
{
    return cal_alias_consulta(s, destino, NULL, ruta, tam);
}

int cal_alias_consulta(cal_servidor_t *s, const char *destino, const char *claves, char *ruta,
                       size_t tam)
{
    char opaca[48];
    int r = cal_ruta_opaca(opaca, sizeof opaca);
    if (r < 0)
        return r;
    if (s == NULL || destino == NULL || destino[0] != '/' || strpbrk(destino, " \t\r\n#") != NULL)
        return -EINVAL;
    /* Las claves: como las valida el servidor (common/servidor/alias.c), o no arrancaría. */
    if (claves != NULL &&
        (claves[0] == '\0' || claves[0] == ',' || claves[strlen(claves) - 1] == ',' ||
         strstr(claves, ",,") != NULL ||
         strspn(claves, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-,") !=
             strlen(claves)))
        return -EINVAL;
    char linea[1200];
    int n = snprintf(linea, sizeof linea, "%s %s%s%s\n", opaca + 3, destino,
                     claves != NULL ? " " : "", claves != NULL ? claves : "");
    if (n < 0 || (size_t)n >= sizeof linea || tam < strlen(opaca) + 1)
        return -ENOSPC;
    /* Una sola write() con O_APPEND: el servidor, si relee justo entonces, ve la línea entera
     * o no la ve. */
    int fd = open(s->alias, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t w = write(fd, linea, (size_t)n);
    int e = errno;
    close(fd);
    if (w != n)
        return w < 0 ? -e : -EIO;
    snprintf(ruta, tam, "/c/%s", opaca + 3);
    return 0;
}

int cal_ruta_opaca(char *ruta, size_t tam)
{
    if (tam < 3 + 2 * 16 + 1)
        return -ENOSPC;
    memcpy(ruta, "/v/", 3);
    return cal_hex_azar(ruta + 3, tam - 3, 16);
}

const char *cal_servidor_url(const cal_servidor_t *s)
{
    return s->practica.url;
}

static int leer_entero(json_t *o, const char *clave, json_int_t *v)
{
    json_t *x = json_object_get(o, clave);
    if (json_is_integer(x)) {
        *v = json_integer_value(x);
        return 0;
    }
    if (json_is_real(x)) {
        *v = (json_int_t)json_real_value(x);
        return 0;
    }
    return -1;
}

int cal_registro(cal_servidor_t *s, const cal_peticion_t **v)
{
    free(s->peticiones);
    s->peticiones = NULL;
    s->n = 0;
    *v = NULL;
    FILE *f = fopen(s->registro, "r");
    if (f == NULL)
        return 0;
    int cap = 0;
    char *linea = NULL;
    size_t tam = 0;
    while (getline(&linea, &tam, f) > 0) {
        json_t *o = json_loads(linea, 0, NULL);
        json_int_t ini, fin, est = 0;
        const char *ruta = json_string_value(json_object_get(o, "ruta"));
        const char *metodo = json_string_value(json_object_get(o, "metodo"));
        if (o != NULL && ruta != NULL && leer_entero(o, "inicio_ms", &ini) == 0 &&
            leer_entero(o, "fin_ms", &fin) == 0) {
            leer_entero(o, "estado", &est);
            if (s->n == cap) {
                int nc = cap > 0 ? cap * 2 : 64;
                cal_peticion_t *nv = realloc(s->peticiones, (size_t)nc * sizeof *nv);
                if (nv == NULL) {
                    json_decref(o);
                    break;
                }
                s->peticiones = nv;
                cap = nc;
            }
            cal_peticion_t *p = &s->peticiones[s->n++];
            memset(p, 0, sizeof *p);
            p->inicio_ms = (uint64_t)ini;
            p->fin_ms = (uint64_t)fin;
            p->estado = (int)est;
            p->abortada = json_is_true(json_object_get(o, "abortada"));
            json_int_t bytes = 0;
            leer_entero(o, "bytes", &bytes);
            p->bytes = (uint64_t)bytes;
            snprintf(p->ruta, sizeof p->ruta, "%s", ruta);
            snprintf(p->metodo, sizeof p->metodo, "%s", metodo != NULL ? metodo : "");
            const char *rango = json_string_value(json_object_get(o, "rango"));
            snprintf(p->rango, sizeof p->rango, "%s", rango != NULL ? rango : "");
        }
        json_decref(o);
    }
    free(linea);
    fclose(f);
    /* El registro se escribe al terminar cada respuesta: se ordena por inicio. */
    for (int i = 1; i < s->n; i++) {
        cal_peticion_t x = s->peticiones[i];
        int j = i - 1;
        while (j >= 0 && s->peticiones[j].inicio_ms > x.inicio_ms) {
            s->peticiones[j + 1] = s->peticiones[j];
            j--;
        }
        s->peticiones[j + 1] = x;
    }
    *v = s->peticiones;
    return s->n;
}

int cal_registro_ruta(cal_servidor_t *s, const char *ruta, cal_peticion_t *v, int max)
{
    const cal_peticion_t *todas;
    int n = cal_registro(s, &todas);
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(todas[i].ruta, ruta) != 0)
            continue;
        if (k < max)
            v[k] = todas[i];
        k++;
    }
    return k;
}

void servidores_parar_todos(void)
{
    for (int i = 0; i < MAX_SERVIDORES; i++) {
        cal_servidor_t *s = servidores[i];
        if (s == NULL)
            continue;
        if (s->practica.pid > 0)
            practica_parar(&s->practica);
        free(s->peticiones);
        free(s);
        servidores[i] = NULL;
    }
}

int cal_puerto_cerrado(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    int puerto = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        puerto = ntohs(a.sin_port);
    close(fd);
    return puerto;
}
