/* entrada.c — lo que entra mal por la red: una línea sin fin (que el servidor no puede
 * guardar entera) y basura binaria. El servidor responde con un error, no difunde nada y
 * sigue atendiendo a los demás. Todo desde fuera, con clientes TCP crudos. */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comun.h"
#include "curso/errores.h"

/* Una línea sin fin (LINEA_SIN_FIN_MIB MiB sin '\n') no puede vivir en la memoria del servidor:
 * quien la guarda entera y mira su largo al llegar el '\n' da un solo error y no difunde nada,
 * como pide el enunciado, pero su memoria crece con cada trozo. Se mide su memoria residente
 * máxima (VmHWM, de /proc): la solución no pasa de unos pocos MiB (MEMORIA_MAXIMA_MIB, en
 * comun.h). Mutante: linea_sin_tope. */
#define LINEA_SIN_FIN_MIB 32

/* El error de una línea demasiado larga, la línea exacta del enunciado: con solo su principio
 * («! ») pasaban un texto con erratas y, para quien aún no tenía nombre, el error del nombre
 * largo seguido de la pregunta (auditoría de la sesión 98). `que` dice qué línea se mandó. */
/* El nombre más largo que vale, en bytes (el enunciado). */
#define NOMBRE_MAXIMO 32
#define ERR_LINEA     "! Línea demasiado larga (máximo 4096 bytes): se descarta"
static int error_de_linea_larga(sesion_t *s, tcp_t *c, const char *que)
{
    if (chat_espera_linea(s, c, ERR_LINEA))
        return 1;
    cal_nota("(%s: el error es esa línea exacta, también para quien aún no tiene nombre)", que);
    return 0;
}

/* ana (c[0]) manda la línea sin fin en trozos de 16 KiB (`trozo`, con sitio para ellos) y su
 * '\n'; beto (c[1]) no recibe nada de ella y la sesión sigue. 1 si todo va bien. */
static int sin_guardar_la_linea(sesion_t *s, tcp_t *c, char *trozo)
{
    uint64_t pico;

    memset(trozo, 'g', 16 * 1024);
    for (int i = 0; i < LINEA_SIN_FIN_MIB * 64; i++) {
        if (tcp_enviar(&c[0], trozo, 16 * 1024) < 0) {
            cal_esperado("que el servidor aguantara una línea de %d MiB", LINEA_SIN_FIN_MIB);
            cal_obtenido("dejó de leer a ana o cerró su conexión a mitad de la línea");
            chat_sigue_vivo(s);
            return 0;
        }
    }
    tcp_texto(&c[0], "\nsin tope\n");
    if (!error_de_linea_larga(s, &c[0], "ana mandó una línea de 32 MiB") ||
        !chat_espera_linea(s, &c[1], "ana: sin tope")) {
        return 0;
    }
    pico = chat_memoria_pico(s);
    if (pico == 0) {
        return 0;
    }
    if (pico > (uint64_t)MEMORIA_MAXIMA_MIB * 1024) {
        cal_esperado("memoria residente máxima (VmHWM) de %d MiB como mucho mientras ana manda "
                     "una línea de %d MiB sin \\n",
                     MEMORIA_MAXIMA_MIB, LINEA_SIN_FIN_MIB);
        cal_obtenido("llegó a %llu MiB: el servidor guarda lo que sigue llegando de una línea "
                     "que ya pasó de 4096 bytes",
                     (unsigned long long)(pico / 1024));
        return 0;
    }
    cal_nota("Con una línea de %d MiB sin \\n, memoria residente máxima de %llu KiB.",
             LINEA_SIN_FIN_MIB, (unsigned long long)pico);
    return 1;
}

CAL_PRUEBA(linea_larga, 25)
static void linea_larga(void)
{
    static const char *const nombres[] = {"ana", "beto"};
    sesion_t s;
    tcp_t c[2], x, y;
    char *grande = malloc(5001 + 16 * 1024);
    char *esperada = malloc(4096 + NOMBRE_MAXIMO + 8);
    int ok = 0;

    if (grande == NULL || esperada == NULL) {
        cal_esperado("reservar memoria para la verificación");
        cal_obtenido("error del calificador: malloc falló");
        goto fin;
    }
    if (!chat_arrancar(&s, 0, 20) || !chat_llenar_sala(&s, c, nombres, 2)) {
        goto fin;
    }
    memset(grande, 'a', 5000);
    grande[5000] = '\n';
    tcp_enviar(&c[0], grande, 5001);
    if (!error_de_linea_larga(&s, &c[0], "ana mandó una línea de 5000 bytes")) {
        goto fin;
    }
    if (!chat_espera_silencio(&c[1], 300,
                              "que una línea de más de 4096 bytes no llegara a nadie")) {
        goto fin;
    }
    tcp_texto(&c[0], "sigo aquí\n");
    if (!chat_espera_linea(&s, &c[1], "ana: sigo aquí")) {
        cal_nota("(tras rechazar una línea larga, la sesión de ana debe seguir)");
        goto fin;
    }
    /* Justo el máximo: 4096 bytes sí valen. */
    memset(grande, 'b', 4096);
    grande[4096] = '\n';
    tcp_enviar(&c[0], grande, 4097);
    memcpy(esperada, "ana: ", 5);
    memset(esperada + 5, 'b', 4096);
    esperada[4101] = '\0';
    if (!chat_espera_linea(&s, &c[1], esperada)) {
        cal_nota("(ana envió una línea de exactamente 4096 bytes: es el máximo y vale)");
        goto fin;
    }
    /* Los dos bordes: 4096 bytes con «\r\n» valen (el \r no cuenta); 4097, no. */
    memset(grande, 'e', 4096);
    memcpy(grande + 4096, "\r\n", 2);
    tcp_enviar(&c[0], grande, 2048); /* en dos lecturas: la segunda mitad se junta en el búfer */
    cal_esperar(200);
    tcp_enviar(&c[0], grande + 2048, 2050);
    memset(esperada + 5, 'e', 4096);
    if (!chat_espera_linea(&s, &c[1], esperada)) {
        cal_nota("(ana envió 4096 bytes y «\\r\\n», en dos trozos: el \\r es parte del final "
                 "de línea, no de la línea, así que mide 4096 y vale; el búfer de la línea a "
                 "medias necesita sitio para el \\r)");
        goto fin;
    }
    memset(grande, 'f', 4097);
    grande[4097] = '\n';
    tcp_enviar(&c[0], grande, 4098);
    if (!error_de_linea_larga(&s, &c[0], "ana mandó una línea de 4097 bytes") ||
        !chat_espera_silencio(&c[1], 300,
                              "que una línea de 4097 bytes (uno de más) no llegara a "
                              "nadie")) {
        goto fin;
    }
    /* 256 KiB sin '\n', en trozos: un solo error y nada se difunde. */
    memset(grande, 'c', 16 * 1024);
    for (int i = 0; i < 16; i++) {
        if (tcp_enviar(&c[0], grande, 16 * 1024) < 0) {
            cal_esperado("que el servidor aguantara una línea de 256 KiB");
            cal_obtenido("dejó de leer a ana o cerró su conexión a mitad de la línea");
            chat_sigue_vivo(&s);
            goto fin;
        }
        cal_esperar(10);
    }
    tcp_texto(&c[0], "\nfin\n");
    if (!error_de_linea_larga(&s, &c[0], "ana mandó una línea de 256 KiB")) {
        goto fin;
    }
    if (!chat_espera_linea(&s, &c[1], "ana: fin")) {
        cal_nota("(de una línea demasiado larga se descarta todo lo que llega hasta su \\n: ningún "
                 "trozo "
                 "se difunde)");
        goto fin;
    }
    if (!chat_espera_silencio(&c[0], 300,
                              "un solo error por la línea de 256 KiB, no uno por trozo")) {
        goto fin;
    }
    if (!sin_guardar_la_linea(&s, c, grande)) {
        goto fin;
    }
    /* Antes de dar el nombre: el error y otra vez la pregunta; después, el nombre vale. */
    if (!chat_conectar(&s, &x, "un cliente sin nombre", 0, 0)) {
        goto fin;
    }
    memset(grande, 'd', 5000);
    grande[5000] = '\n';
    tcp_enviar(&x, grande, 5001);
    if (!error_de_linea_larga(&s, &x, "un cliente sin nombre mandó una línea de 5000 bytes")) {
        goto fin;
    }
    if (!chat_espera_linea(&s, &x, PREGUNTA)) {
        cal_nota("(si aún no tenía nombre, tras el error de línea larga va otra vez la pregunta)");
        goto fin;
    }
    tcp_texto(&x, "dora\n");
    if (!chat_espera_bienvenida(&s, &x, "dora")) {
        goto fin;
    }
    /* Los dos máximos a la vez: un nombre de 32 bytes que manda 4096. Su línea, «nombre: texto»,
     * mide 32 + 2 + 4096 + 1: quien la arma en un búfer fijo contado para el texto (y un nombre
     * corto) la corta o escribe fuera de él; todas las demás de 4096 eran de «ana» (auditoría de
     * la sesión 98). Mutante: mensaje_en_bufer_fijo. */
    char nombre_max[NOMBRE_MAXIMO + 1];
    memset(nombre_max, 'n', NOMBRE_MAXIMO);
    nombre_max[NOMBRE_MAXIMO] = '\0';
    if (!chat_entrar(&s, &y, nombre_max) || !chat_aviso_entrada(&s, &x, nombre_max)) {
        goto fin;
    }
    memset(grande, 'h', 4096);
    grande[4096] = '\n';
    tcp_enviar(&y, grande, 4097);
    snprintf(esperada, 4096 + NOMBRE_MAXIMO + 8, "%s: ", nombre_max);
    memset(esperada + NOMBRE_MAXIMO + 2, 'h', 4096);
    esperada[NOMBRE_MAXIMO + 2 + 4096] = '\0';
    ok = chat_espera_linea(&s, &x, esperada);
    if (!ok) {
        cal_nota("(alguien con un nombre de 32 bytes, el máximo, mandó 4096 bytes, el máximo: "
                 "la línea que sale, con su \\n, pasa del máximo de 4096: bytes, %d)",
                 NOMBRE_MAXIMO + 2 + 4096 + 1);
    }
fin:
    free(grande);
    free(esperada);
    CAL_FIN(ok);
}

CAL_PRUEBA(basura, 20)
static void basura(void)
{
    static const char *const nombres[] = {"ana", "beto"};
    static const char malo[] = "\x00\x01\x02\xff\xfe\xc3\x28 basura \x7f\n";
    sesion_t s;
    tcp_t c[2], x;
    char linea[8192];
    char ruido[2001];
    unsigned semilla = 12345;
    size_t largo;
    int visto = 0;

    if (!chat_arrancar(&s, 0, 15) || !chat_llenar_sala(&s, c, nombres, 2)) {
        CAL_FIN(0);
    }
    tcp_enviar(&c[0], malo, sizeof malo - 1);
    /* El texto va tal cual, byte a byte: también los nulos y el UTF-8 roto. */
    {
        char esperada[64] = "ana: ";
        char vista[256];
        size_t n = 5 + sizeof malo - 2;
        int r = tcp_linea(&c[1], s.espera, linea, sizeof linea, &largo);

        memcpy(esperada + 5, malo, sizeof malo - 2);
        if (r != 1 || largo != n || memcmp(linea, esperada, n) != 0) {
            cal_esperado("que beto recibiera, byte a byte, «%s»",
                         tcp_visible(esperada, n, 200, vista, sizeof vista));
            if (r == 1) {
                cal_obtenido("recibió «%s»", tcp_visible(linea, largo, 200, vista, sizeof vista));
            } else {
                cal_obtenido("no recibió esa línea");
            }
            cal_nota("(ana mandó una línea con bytes nulos y UTF-8 inválido: se reenvía tal cual, "
                     "con su longitud; strlen, strchr y «%%s» se paran en el primer byte nulo)");
            chat_sigue_vivo(&s);
            CAL_FIN(0);
        }
    }
    for (size_t i = 0; i < sizeof ruido - 1; i++) {
        semilla = semilla * 1103515245u + 12345u;
        ruido[i] = (char)((semilla >> 16) & 0xff);
        if (ruido[i] == '\n') {
            ruido[i] = '\0';
        }
    }
    ruido[sizeof ruido - 1] = '\n';
    tcp_enviar(&c[0], ruido, sizeof ruido);
    tcp_texto(&c[0], "todo bien\n");
    /* Lo que el servidor haga con la basura (reenviarla o rechazarla) es cosa suya; lo que
     * no puede es morir ni perder la sesión. */
    for (int i = 0; i < 4 && !visto; i++) {
        int r = tcp_linea(&c[1], s.espera, linea, sizeof linea, &largo);
        if (r != 1) {
            break;
        }
        visto = strcmp(linea, "ana: todo bien") == 0;
    }
    if (!visto) {
        cal_esperado("que, después de que ana mandara bytes nulos, UTF-8 inválido y 2000 bytes "
                     "aleatorios, beto recibiera «ana: todo bien»");
        cal_obtenido("no llegó");
        chat_sigue_vivo(&s);
        CAL_FIN(0);
    }
    if (!chat_conectar(&s, &x, "un cliente nuevo", 0, 0)) {
        CAL_FIN(0);
    }
    tcp_enviar(&x, "\xff\x00\xfe\n", 4);
    if (!chat_espera_prefijo(&s, &x, "! ", "un error por un nombre con bytes basura", linea,
                             sizeof linea) ||
        !chat_espera_linea(&s, &x, PREGUNTA)) {
        CAL_FIN(0);
    }
    CAL_FIN(chat_sigue_vivo(&s));
}
