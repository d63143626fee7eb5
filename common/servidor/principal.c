/* principal.c — servidor-practica: argumentos, señales y arranque del bucle.
 *
 *   servidor-practica [--puerto N] [--registro ARCHIVO] [--guion ARCHIVO] [--alias ARCHIVO]
 *                     [--inactividad S] [--silencioso] [--ayuda]
 *
 * La primera línea de la salida estándar es exactamente «http://127.0.0.1:PUERTO»: así quien
 * lo arranca con --puerto 0 sabe dónde está (practica_arrancar() la lee). Todo lo demás va a
 * stderr. SIGINT/SIGTERM: deja de aceptar, cierra las conexiones y sale con 0 si el bucle
 * quedó cerrado del todo. Un --guion o un --alias inválido se explica en stderr y sale con 2
 * sin escuchar.
 *
 * Entorno: CURSO_SERVIDOR_CLAVE (32 cifras hexadecimales), el secreto del servidor: de él salen
 * la clave de la secuencia secreta de /bytes y el secreto de /clima, cada uno con su subclave
 * (secuencia_subclave, curso/secuencia.h). Lo da el calificador (practica_arrancar_secreto) y
 * nunca va en los argumentos, que cualquiera lee en /proc/<pid>/cmdline. Con ella el proceso se
 * hace no volcable (PR_SET_DUMPABLE 0) antes de anunciar su URL: el mismo uid (la entrega, sin
 * bwrap) no lee su environ ni su memoria.
 */
#include "bytes.h"
#include "clima.h"
#include "contexto.h"
#include "guion.h"
#include "registro.h"
#include "servidor.h"

#include "curso/secuencia.h"
#include "curso/senales.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <uv.h>

#define PUERTO_OMISION        8080
#define INACTIVIDAD_OMISION_S 30

typedef struct {
    long puerto;
    const char *registro;
    const char *guion;
    const char *alias;
    long inactividad_s;
    int silencioso;
} opciones_t;

/* Con --silencioso solo se escriben errores en stderr (las pruebas arrancan muchos). */
static int silencioso;

static void uso(FILE *salida)
{
    fprintf(salida,
            "Uso: servidor-practica [--puerto N] [--registro ARCHIVO] [--guion ARCHIVO]\n"
            "                         [--alias ARCHIVO] [--inactividad S] [--silencioso]\n"
            "\n"
            "Servidor HTTP de práctica del curso (solo escucha en 127.0.0.1).\n"
            "\n"
            "  --puerto N          puerto de escucha (0 = uno libre cualquiera; por omisión %d)\n"
            "  --registro ARCHIVO  escribe una línea JSON por petición atendida\n"
            "  --guion ARCHIVO     rutas opacas con sus respuestas, petición a petición (JSON:\n"
            "                      {\"/v/a1\": {\"pasos\": [{\"estado\": 503, \"veces\": 4}],\n"
            "                      \"despues\": {\"estado\": 200, \"retraso_ms\": 0}}}); se lee\n"
            "                      una vez al arrancar y no se ve por HTTP\n"
            "  --alias ARCHIVO     rutas /c/FICHA que están por otra ruta, una por línea\n"
            "                      («FICHA /status/404»); /c/FICHA?a=1 se atiende como el\n"
            "                      destino con a=1 delante de su consulta. Se relee cuando\n"
            "                      llega una ficha desconocida (404 si sigue sin estar)\n"
            "  --inactividad S     segundos que se espera a un cliente callado o que no lee\n"
            "                      (por omisión %d)\n"
            "  --silencioso        no avisa en stderr al arrancar y al parar\n"
            "  --ayuda             muestra esta ayuda\n"
            "\n"
            "La primera línea de la salida es la URL base, p. ej. http://127.0.0.1:8080\n"
            "Pide GET / para ver la lista de rutas. Ctrl+C lo para.\n",
            PUERTO_OMISION, INACTIVIDAD_OMISION_S);
}

static int numero(const char *texto, long min, long max, long *valor)
{
    char *fin = NULL;
    errno = 0;
    long v = strtol(texto, &fin, 10);
    if (errno != 0 || fin == texto || *fin != '\0' || v < min || v > max)
        return -1;
    *valor = v;
    return 0;
}

/* Devuelve 0 si hay que arrancar, 1 si ya se mostró la ayuda, 2 si los argumentos están mal. */
static int leer_opciones(int argc, char **argv, opciones_t *o)
{
    o->puerto = PUERTO_OMISION;
    o->registro = NULL;
    o->guion = NULL;
    o->alias = NULL;
    o->inactividad_s = INACTIVIDAD_OMISION_S;
    o->silencioso = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--ayuda") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            uso(stdout);
            return 1;
        }
        if (strcmp(a, "--silencioso") == 0) {
            o->silencioso = 1;
            continue;
        }
        int con_valor = strcmp(a, "--puerto") == 0 || strcmp(a, "--registro") == 0 ||
                        strcmp(a, "--guion") == 0 || strcmp(a, "--alias") == 0 ||
                        strcmp(a, "--inactividad") == 0;
        if (!con_valor) {
            fprintf(stderr, "servidor-practica: opción desconocida «%s»\n", a);
            goto mal;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "servidor-practica: a «%s» le falta el valor\n", a);
            goto mal;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--puerto") == 0) {
            if (numero(v, 0, 65535, &o->puerto) < 0) {
                fprintf(stderr, "servidor-practica: puerto inválido «%s» (0–65535)\n", v);
                goto mal;
            }
        } else if (strcmp(a, "--inactividad") == 0) {
            if (numero(v, 1, 86400, &o->inactividad_s) < 0) {
                fprintf(stderr, "servidor-practica: inactividad inválida «%s» (1–86400 s)\n", v);
                goto mal;
            }
        } else if (strcmp(a, "--guion") == 0) {
            if (v[0] == '\0') {
                fprintf(stderr, "servidor-practica: el archivo del guion no puede ser «»\n");
                goto mal;
            }
            o->guion = v;
        } else if (strcmp(a, "--alias") == 0) {
            if (v[0] == '\0') {
                fprintf(stderr, "servidor-practica: el archivo de alias no puede ser «»\n");
                goto mal;
            }
            o->alias = v;
        } else {
            if (v[0] == '\0') {
                fprintf(stderr, "servidor-practica: el archivo de registro no puede ser «»\n");
                goto mal;
            }
            o->registro = v;
        }
    }
    return 0;
mal:
    fprintf(stderr, "Prueba «servidor-practica --ayuda».\n");
    return 2;
}

/* El secreto de CURSO_SERVIDOR_CLAVE, si está. 0 si no está o se pudo usar; -1 si no vale. */
static int leer_clave(void)
{
    const char *texto = getenv("CURSO_SERVIDOR_CLAVE");
    secuencia_clave_t clave;
    if (texto == NULL)
        return 0;
    if (secuencia_clave_de_texto(texto, &clave) < 0) {
        fprintf(stderr,
                "servidor-practica: CURSO_SERVIDOR_CLAVE debe tener %d cifras hexadecimales\n",
                SECUENCIA_CLAVE_HEX);
        return -1;
    }
#ifdef __linux__
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        fprintf(stderr, "servidor-practica: no se puede proteger la clave (prctl: %s)\n",
                strerror(errno));
        return -1;
    }
#endif
    secuencia_clave_t bytes, clima;
    char texto_clima[SECUENCIA_CLAVE_HEX + 1];
    secuencia_subclave(&clave, SECUENCIA_USO_BYTES, &bytes);
    secuencia_subclave(&clave, SECUENCIA_USO_CLIMA, &clima);
    secuencia_clave_a_texto(&clima, texto_clima);
    bytes_poner_clave(&bytes);
    clima_poner_secreto(texto_clima);
    return 0;
}

/* Miles de peticiones lentas a la vez necesitan miles de descriptores: se sube el límite
 * blando hasta el duro. */
static void subir_limite_archivos(void)
{
    struct rlimit l;
    if (getrlimit(RLIMIT_NOFILE, &l) == 0 && l.rlim_cur < l.rlim_max) {
        l.rlim_cur = l.rlim_max;
        setrlimit(RLIMIT_NOFILE, &l);
    }
}

typedef struct {
    senales_t senales;
    servidor_t *servidor;
} estado_t;

static void al_servidor_cerrado(void *datos)
{
    estado_t *e = datos;
    /* Las señales siguen escuchando hasta aquí: una segunda Ctrl+C durante el cierre no
     * mata el proceso a medias (senales.h: a la tercera, salida inmediata). */
    senales_cerrar(&e->senales);
}

static void al_parar(senales_t *s, int signum, void *datos)
{
    (void)s;
    estado_t *e = datos;
    if (!silencioso)
        fprintf(stderr, "servidor-practica: recibida %s, cerrando %u conexiones…\n",
                signum == SIGINT ? "SIGINT" : "SIGTERM", servidor_clientes(e->servidor));
    servidor_cerrar(e->servidor, al_servidor_cerrado, e);
}

int main(int argc, char **argv)
{
    opciones_t o;
    int r = leer_opciones(argc, argv, &o);
    if (r == 1)
        return 0;
    if (r != 0)
        return 2;

    /* Un cliente que se va a media respuesta, o quien leyó nuestra primera línea y cerró la
     * tubería, no debe matarnos con SIGPIPE: el error llega como EPIPE y se trata. */
    silencioso = o.silencioso;
    signal(SIGPIPE, SIG_IGN);
    subir_limite_archivos();
    if (leer_clave() < 0)
        return 2;

    static contexto_t ctx;
    static estado_t estado;
    uv_loop_t bucle;
    int salida = 1;

    inestable_iniciar(&ctx.inestable);
    ctx.inactividad_ms = (uint64_t)o.inactividad_s * 1000u;
    if (o.guion != NULL) {
        char error[512];
        if (guion_cargar(o.guion, &ctx.guion, error, sizeof error) < 0) {
            fprintf(stderr, "servidor-practica: el guion «%s» no vale: %s\n", o.guion, error);
            return 2;
        }
    }
    if (o.alias != NULL) {
        char error[512];
        if (alias_cargar(o.alias, &ctx.alias, error, sizeof error) < 0) {
            fprintf(stderr, "servidor-practica: el archivo de alias «%s» no vale: %s\n", o.alias,
                    error);
            guion_liberar(ctx.guion);
            return 2;
        }
    }
    if (o.registro != NULL) {
        r = registro_abrir(o.registro, &ctx.registro);
        if (r < 0) {
            fprintf(stderr, "servidor-practica: no se puede abrir el registro «%s»: %s\n",
                    o.registro, strerror(-r));
            guion_liberar(ctx.guion);
            alias_liberar(ctx.alias);
            return 1;
        }
    }
    r = uv_loop_init(&bucle);
    if (r < 0) {
        fprintf(stderr, "servidor-practica: uv_loop_init: %s\n", uv_strerror(r));
        registro_cerrar(ctx.registro);
        guion_liberar(ctx.guion);
        alias_liberar(ctx.alias);
        return 1;
    }

    int puerto = 0;
    r = servidor_iniciar(&bucle, &ctx, (int)o.puerto, &estado.servidor, &puerto);
    if (r < 0) {
        fprintf(stderr, "servidor-practica: no se puede escuchar en 127.0.0.1:%ld: %s\n", o.puerto,
                uv_strerror(r));
        goto fin;
    }
    r = senales_iniciar(&bucle, &estado.senales, al_parar, &estado);
    if (r < 0) {
        fprintf(stderr, "servidor-practica: no se pueden instalar las señales: %s\n",
                uv_strerror(r));
        servidor_cerrar(estado.servidor, NULL, NULL);
        goto fin;
    }

    printf("http://127.0.0.1:%d\n", puerto);
    fflush(stdout);
    if (!silencioso)
        fprintf(stderr,
                "servidor-practica: escuchando en http://127.0.0.1:%d (Ctrl+C para parar)\n",
                puerto);
    salida = 0;

fin:
    uv_run(&bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(&bucle);
    if (r != 0) {
        fprintf(stderr, "servidor-practica: el bucle no quedó cerrado: %s\n", uv_strerror(r));
        salida = 1;
    }
    registro_cerrar(ctx.registro);
    guion_liberar(ctx.guion);
    alias_liberar(ctx.alias);
    if (salida == 0 && !silencioso)
        fprintf(stderr, "servidor-practica: parado\n");
    return salida;
}
