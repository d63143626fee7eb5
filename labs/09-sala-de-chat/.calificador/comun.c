/* comun.c — arrancar el servidor del estudiante y entrar en la sala (ver comun.h). */
#include "comun.h"

#include "curso/errores.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int chat_sigue_vivo(sesion_t *s)
{
    char fin[160];

    cal_esperar(0);
    if (!cal_termino(s->p)) {
        return 1;
    }
    /* Matado al acabar su tiempo no es «terminó antes de tiempo»: el alumno lo leía como una
     * contradicción («terminó… seguía en ejecución»). */
    cal_nota("%s: %s.",
             cal_excedido(s->p) ? "Se acabó el tiempo del servidor en esta verificación"
                                : "El servidor terminó antes de tiempo",
             cal_describir_fin(s->p, fin, sizeof fin));
    cal_nota_salida(s->p, 15);
    return 0;
}

static int arrancar_con(sesion_t *s, int valgrind, int cierre, int perturbar, double limite_s)
{
    static const char *const args[] = {"--puerto", "0", NULL};
    /* La memoria que se libera, rellena en el acto (0xA5) y sin la caché por hilo de glibc
     * (tcache), que no la rellena: leer memoria ya liberada lee basura visible, siempre, y no
     * lo que hubiera antes. */
    static const char *const perturbado[] = {
        "GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.perturb=165", NULL};
    /* .trafico: lo que leen y escriben las conexiones pasa por libuv (lib/vivos.c); valgrind
     * corre sin la precarga. */
    cal_lanzamiento_t l = {.args = args,
                           .entorno = perturbar ? perturbado : NULL,
                           .limite_s = limite_s,
                           .valgrind = valgrind,
                           .cierre = cierre,
                           .trafico = !valgrind};
    char linea[256];
    char fin[160];
    char extra;

    s->espera = valgrind ? 2 * ESPERA : ESPERA;
    s->puerto = 0;
    if (cal_lanzar(&l, &s->p) < 0) /* cal_lanzar anota la orden, o por qué no pudo */
        return 0;
    if (!cal_esperar_lineas(s->p, "Escuchando", NULL, 1, valgrind ? 20000 : 5000)) {
        cal_esperado("que al arrancar con «--puerto 0» escriba en stdout «Escuchando en "
                     "127.0.0.1:PUERTO» (y haga fflush)");
        if (cal_termino(s->p)) {
            cal_obtenido("el programa terminó sin escribirla: %s",
                         cal_describir_fin(s->p, fin, sizeof fin));
        } else {
            cal_obtenido("en %d s no apareció esa línea", valgrind ? 20 : 5);
        }
        cal_nota_salida(s->p, 10);
        return 0;
    }
    cal_linea(cal_salida(s->p), "Escuchando", NULL, 0, linea, sizeof linea);
    if (sscanf(linea, "Escuchando en 127.0.0.1:%d%c", &s->puerto, &extra) != 1 || s->puerto <= 0 ||
        s->puerto > 65535) {
        cal_esperado("una línea exactamente «Escuchando en 127.0.0.1:PUERTO» con el puerto "
                     "real (no 0)");
        cal_obtenido("«%s»", linea);
        return 0;
    }
    return 1;
}

int chat_espera_linea(sesion_t *s, tcp_t *c, const char *esperada)
{
    char obtenido[1200];
    char visible[600];

    if (tcp_esperar(c, esperada, s->espera, obtenido, sizeof obtenido)) {
        return 1;
    }
    /* Con los mismos escapes que lo obtenido (\r, \t): en crudo, el informe pintaba el \r
     * como «?» en un lado y «\r» en el otro. */
    cal_esperado("que %s recibiera la línea «%s»", c->etiqueta,
                 tcp_visible(esperada, strlen(esperada), 200, visible, sizeof visible));
    cal_obtenido("%s", obtenido);
    chat_sigue_vivo(s);
    return 0;
}

int chat_espera_silencio(tcp_t *c, int ms, const char *porque)
{
    char obtenido[1200];

    if (tcp_silencio(c, ms, obtenido, sizeof obtenido)) {
        return 1;
    }
    cal_esperado("%s", porque);
    cal_obtenido("%s", obtenido);
    return 0;
}

int chat_espera_prefijo(sesion_t *s, tcp_t *c, const char *prefijo, const char *que, char *linea,
                        size_t tam)
{
    char vista[1024];
    size_t largo;
    int r = tcp_linea(c, s->espera, linea, tam, &largo);

    if (r == 1 && strncmp(linea, prefijo, strlen(prefijo)) == 0) {
        return 1;
    }
    cal_esperado("que %s recibiera %s (una línea que empiece por «%s»)", c->etiqueta, que, prefijo);
    if (r == 1) {
        cal_obtenido("recibió «%s»", tcp_visible(linea, largo, 300, vista, sizeof vista));
    } else if (r == 0) {
        cal_obtenido("no recibió ninguna línea en %d ms", s->espera);
    } else {
        cal_obtenido("el servidor cerró la conexión");
    }
    chat_sigue_vivo(s);
    return 0;
}

int chat_entrar(sesion_t *s, tcp_t *c, const char *nombre)
{
    return chat_entrar_con(s, c, nombre, 0, 0);
}

int chat_abrir(sesion_t *s, tcp_t *c, const char *etiqueta, int rcvbuf, int mss)
{
    int r = tcp_abrir_mss(c, s->puerto, etiqueta, rcvbuf, mss);

    if (r < 0) {
        cal_esperado("que %s pudiera conectar con 127.0.0.1:%d", etiqueta, s->puerto);
        cal_obtenido("connect: %s", error_texto(r));
        chat_sigue_vivo(s);
        return 0;
    }
    return 1;
}

int chat_conectar(sesion_t *s, tcp_t *c, const char *etiqueta, int rcvbuf, int mss)
{
    if (!chat_abrir(s, c, etiqueta, rcvbuf, mss)) {
        return 0;
    }
    if (!chat_espera_linea(s, c, PREGUNTA)) {
        cal_nota("(lo primero que recibe un cliente al conectar es la pregunta del nombre)");
        return 0;
    }
    return 1;
}

/* Quién recibió su propio aviso de entrada, el primero (vacío: nadie), y cuántas veces. */
static char aviso_propio_de[48];
static int avisos_propios;

const char *chat_aviso_propio(int *veces)
{
    *veces = avisos_propios;
    return avisos_propios > 0 ? aviso_propio_de : NULL;
}

/* Si lo siguiente que `c` tiene recibido es su propio aviso de entrada («* NOMBRE ha entrado en
 * la sala»), lo consume y lo apunta; si no, no toca nada: la línea se queda para quien la
 * espera. Espera como mucho `ms` al primer byte (con 0, mira solo lo que ya llegó) y, si lo que
 * llega empieza como el aviso, hasta ESPERA más a que llegue entero. Lo escribe un servidor que
 * difunde la entrada también a quien entra, con la misma llamada que la bienvenida: llega con
 * ella. */
void chat_saltar_aviso_propio(tcp_t *c, const char *nombre, int ms)
{
    char aviso[160];
    int n = snprintf(aviso, sizeof aviso, "* %s ha entrado en la sala\n", nombre);
    uint64_t hasta = cal_ahora_ms() + (uint64_t)ms;

    if (n <= 0 || (size_t)n >= sizeof aviso) {
        return;
    }
    for (;;) {
        if (!c->fin) {
            tcp_recibir(c, 0);
        }
        size_t hay = tcp_pendientes(c);
        size_t comun = hay < (size_t)n ? hay : (size_t)n;
        if (comun > 0 && memcmp(c->buf + c->inicio, aviso, comun) != 0) {
            return; /* otra línea */
        }
        if (hay >= (size_t)n) {
            break;
        }
        uint64_t limite = hay == 0 ? hasta : hasta + ESPERA;
        if (c->fin || cal_ahora_ms() >= limite) {
            return;
        }
        tcp_recibir(c, 10);
    }
    tcp_leer(c, 0, NULL, (size_t)n);
    if (avisos_propios++ == 0) {
        snprintf(aviso_propio_de, sizeof aviso_propio_de, "%s", nombre);
    }
}

int chat_entrar_con(sesion_t *s, tcp_t *c, const char *nombre, int rcvbuf, int mss)
{
    char bienvenida[160];

    if (!chat_conectar(s, c, nombre, rcvbuf, mss)) {
        return 0;
    }
    /* Nombre y '\n' en una sola escritura: partir líneas se prueba aparte (trozos). */
    snprintf(bienvenida, sizeof bienvenida, "%s\n", nombre);
    if (tcp_texto(c, bienvenida) < 0) {
        cal_esperado("poder enviar el nombre «%s»", nombre);
        cal_obtenido("el envío falló");
        return 0;
    }
    if (!chat_espera_bienvenida(s, c, nombre)) {
        cal_nota("(tras un nombre válido, el cliente recibe la bienvenida)");
        return 0;
    }
    return 1;
}

int chat_espera_bienvenida(sesion_t *s, tcp_t *c, const char *nombre)
{
    char bienvenida[160];

    snprintf(bienvenida, sizeof bienvenida, "* Hola, %s. Órdenes: /list, /quit", nombre);
    /* Su propio aviso de entrada, antes o justo después de la bienvenida, solo lo cobra
     * `bienvenida` (chat_aviso_propio): si se quedara en su flujo, cada línea que esperan las
     * demás verificaciones llegaría una detrás y las perdería todas por una sola línea de más. */
    chat_saltar_aviso_propio(c, nombre, s->espera);
    if (!chat_espera_linea(s, c, bienvenida)) {
        return 0;
    }
    chat_saltar_aviso_propio(c, nombre, 0);
    return 1;
}

int chat_aviso_entrada(sesion_t *s, tcp_t *c, const char *nombre)
{
    char aviso[160];

    snprintf(aviso, sizeof aviso, "* %s ha entrado en la sala", nombre);
    return chat_espera_linea(s, c, aviso);
}

int chat_aviso_salida(sesion_t *s, tcp_t *c, const char *nombre)
{
    char aviso[160];

    snprintf(aviso, sizeof aviso, "* %s ha salido de la sala", nombre);
    return chat_espera_linea(s, c, aviso);
}

int chat_llenar_sala(sesion_t *s, tcp_t *c, const char *const *nombres, int n)
{
    for (int i = 0; i < n; i++) {
        if (!chat_entrar(s, &c[i], nombres[i])) {
            return 0;
        }
        for (int k = 0; k < i; k++) {
            if (!chat_aviso_entrada(s, &c[k], nombres[i])) {
                return 0;
            }
        }
    }
    return 1;
}

/* «lento» (con un búfer de recepción pequeño, para que su cola crezca pronto) entra en la
 * sala y después los dos de `nombres`. 1 si todos entraron. */
int chat_sala_con_lento(sesion_t *s, tcp_t *lento, tcp_t *c, const char *const *nombres)
{
    return chat_entrar_con(s, lento, "lento", 4096, 0) && chat_llenar_sala(s, c, nombres, 2);
}

/* 1 si `linea` es una línea de la riada («emisor: » y LINEA_INUNDACION − 1 veces `letra`) o
 * un aviso de la sala. */
int chat_linea_de_la_riada(const char *linea, size_t largo, char letra)
{
    if (largo >= 2 && linea[0] == '*' && linea[1] == ' ') {
        return 1;
    }
    if (largo != LINEA_DIFUNDIDA - 1 || strncmp(linea, "emisor: ", 8) != 0) {
        return 0;
    }
    for (size_t i = 8; i < largo; i++) {
        if (linea[i] != letra) {
            return 0;
        }
    }
    return 1;
}

/* El emisor inunda la sala sin adelantarse al lector más de RIADA_ADELANTO, hasta que el
 * lector haya recibido `hasta` bytes o vea «* lento ha salido …». Devuelve 1, 2 (expulsado)
 * o 0 (ya explicado). */
int chat_inundar(sesion_t *s, tcp_t *lector, tcp_t *emisor, uint64_t hasta, uint64_t *enviados)
{
    static char bloque[64 * LINEA_INUNDACION];
    static size_t en_bloque;
    char linea[2048];
    size_t largo;
    uint64_t limite = cal_ahora_ms() + 12000;

    for (size_t i = 0; i < sizeof bloque; i += LINEA_INUNDACION) {
        memset(bloque + i, 'y', LINEA_INUNDACION - 1);
        bloque[i + LINEA_INUNDACION - 1] = '\n';
    }
    while (cal_ahora_ms() < limite && *enviados < MAX_INUNDACION) {
        if ((hasta == 0 || *enviados < hasta) && *enviados < lector->recibidos + RIADA_ADELANTO) {
            long w = tcp_enviar_algo(emisor, bloque + en_bloque, sizeof bloque - en_bloque);
            if (w < 0) {
                cal_esperado("que el emisor pudiera seguir escribiendo");
                cal_obtenido("el servidor cerró su conexión: %s", error_texto((int)w));
                chat_sigue_vivo(s);
                return 0;
            }
            *enviados += (uint64_t)w;
            en_bloque = (en_bloque + (size_t)w) % sizeof bloque;
        }
        while (tcp_linea(lector, 0, linea, sizeof linea, &largo) == 1) {
            if (strncmp(linea, "* lento ha salido de la sala", 28) == 0) {
                return 2;
            }
            if (strncmp(linea, "* tard", 6) == 0 && strstr(linea, "ha salido") != NULL) {
                cal_esperado("que el servidor no expulsara a quien tiene menos de 1 MiB en cola");
                cal_obtenido("el lector recibió «%.100s»", linea);
                return 0;
            }
        }
        if (lector->fin) {
            cal_esperado("que el lector (que sí lee) siguiera conectado");
            cal_obtenido("el servidor cerró su conexión");
            chat_sigue_vivo(s);
            return 0;
        }
        if (hasta > 0 && lector->recibidos >= hasta && *enviados <= lector->recibidos) {
            return 1;
        }
        tcp_recibir(lector, 5);
    }
    cal_esperado("que el servidor expulsara a «lento», que no lee (su cola pasó de 1 MiB)");
    cal_obtenido("tras enviar %.1f MiB a la sala, «lento» seguía conectado", *enviados / 1048576.0);
    cal_nota("(esta verificación usa la expulsión de «lento» para saber cuánto tienen en cola "
             "los demás: sin el límite de 1 MiB no puede seguir)");
    chat_sigue_vivo(s);
    return 0;
}

int chat_arrancar(sesion_t *s, int valgrind, double limite_s)
{
    return arrancar_con(s, valgrind, 0, 0, limite_s);
}

int chat_arrancar_vigilando_cierre(sesion_t *s, double limite_s)
{
    return arrancar_con(s, 0, 1, 0, limite_s);
}

int chat_arrancar_perturbando(sesion_t *s, double limite_s)
{
    return arrancar_con(s, 0, 0, 1, limite_s);
}

uint64_t chat_memoria_pico(sesion_t *s)
{
    uint64_t pico = cal_memoria_pico_kib(s->p);

    if (pico == 0) {
        cal_esperado("medir la memoria residente máxima (VmHWM) del servidor");
        cal_obtenido(
            "no se pudo medir: sin esa medida, esta verificación no se puede dar por buena");
    }
    return pico;
}
