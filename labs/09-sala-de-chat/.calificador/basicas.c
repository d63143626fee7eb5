/* basicas.c — verificaciones del protocolo de la sala: puerto, bienvenida, difusión, CRLF,
 * líneas partidas y juntas, nombres, /list y /quit. Cada una arranca su propio servidor y
 * le habla con clientes TCP crudos (tcp_* de calificador/base.h); el código del estudiante
 * nunca se enlaza aquí. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "comun.h"

/* Con argumentos que no valen, el programa sale con 2 sin escuchar. 1 si todos. */
static int argumentos_malos(void)
{
    static const char *const casos[][3] = {
        {"--puerto", "abc", NULL},
        {"--puerto", "70000", NULL},
        {"--puerto", NULL, NULL},
    };
    char fin[160];

    for (size_t i = 0; i < sizeof casos / sizeof casos[0]; i++) {
        cal_lanzamiento_t l = {.args = casos[i], .limite_s = 10};
        cal_proceso_t *p;

        if (cal_lanzar(&l, &p) < 0)
            return 0;
        if (!cal_esperar_fin(p, 5000) || cal_codigo(p) != 2) {
            cal_esperado("que «chat %s%s%s» saliera con código 2 (argumentos que no valen)",
                         casos[i][0], casos[i][1] != NULL ? " " : "",
                         casos[i][1] != NULL ? casos[i][1] : "");
            cal_obtenido("%s", cal_describir_fin(p, fin, sizeof fin));
            cal_nota_salida(p, 5);
            return 0;
        }
    }
    return 1;
}

/* Con el puerto ya escuchado por otro (el calificador), el programa no puede escuchar: sale
 * con 1 («1 si no pudo escuchar», dice el enunciado; el 2 es de los argumentos, que aquí valen)
 * sin anunciar nada y con un mensaje en stderr. Mutante: ocupado_sale_con_0. 1 si es así. */
static int puerto_ocupado(void)
{
    struct sockaddr_in dir = {.sin_family = AF_INET};
    socklen_t largo = sizeof dir;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    char puerto[16], fin[160];
    cal_proceso_t *p;

    dir.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&dir, sizeof dir) < 0 || listen(fd, 1) < 0 ||
        getsockname(fd, (struct sockaddr *)&dir, &largo) < 0) {
        cal_esperado("poder ocupar un puerto para probar el programa con él");
        cal_obtenido("error del calificador: no se pudo escuchar en 127.0.0.1");
        if (fd >= 0) {
            close(fd);
        }
        return 0;
    }
    snprintf(puerto, sizeof puerto, "%d", ntohs(dir.sin_port));
    const char *const args[] = {"--puerto", puerto, NULL};
    cal_lanzamiento_t l = {.args = args, .limite_s = 10};
    if (cal_lanzar(&l, &p) < 0) {
        close(fd);
        return 0;
    }
    int ok = cal_esperar_fin(p, 5000) && cal_codigo(p) == 1 &&
             cal_contar(cal_salida(p), "Escuchando", NULL) == 0 && cal_errores(p)[0] != '\0';
    close(fd);
    if (!ok) {
        cal_esperado("que «chat --puerto %s», con ese puerto ya ocupado por otro, saliera con "
                     "código 1 (no pudo escuchar), sin anunciar «Escuchando en …» y con un "
                     "mensaje en stderr",
                     puerto);
        cal_obtenido("%s", cal_describir_fin(p, fin, sizeof fin));
        cal_nota_salida(p, 5);
    }
    return ok;
}

/* Sin --puerto escucha en 9999. Se prueba en la red propia de la verificación, donde nadie
 * más escucha; si aun así el calificador no puede usar ese puerto, lo dice (no lo da por
 * bueno). 1 si anuncia 9999 y se le puede hablar ahí. */
static int puerto_por_omision(void)
{
    static const char *const args[] = {NULL};
    struct sockaddr_in dir = {.sin_family = AF_INET, .sin_port = htons(9999)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int libre;
    cal_lanzamiento_t l = {.args = args, .limite_s = 10, .trafico = 1};
    cal_proceso_t *p;
    char linea[256];
    size_t largo;
    tcp_t c;

    dir.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    libre = fd >= 0 && bind(fd, (struct sockaddr *)&dir, sizeof dir) == 0;
    if (fd >= 0) {
        close(fd);
    }
    if (!libre) {
        cal_esperado("poder probar el puerto por omisión (9999)");
        cal_obtenido("error del calificador: el puerto 9999 está ocupado en esta máquina (red "
                     "%s)",
                     red_estado());
        return 0;
    }
    if (cal_lanzar(&l, &p) < 0)
        return 0;
    if (!cal_esperar_lineas(p, "Escuchando", NULL, 1, 5000) ||
        cal_linea(cal_salida(p), "Escuchando", NULL, 0, linea, sizeof linea) < 0 ||
        strcmp(linea, "Escuchando en 127.0.0.1:9999") != 0) {
        cal_esperado("que sin --puerto escuchara en el puerto por omisión: «Escuchando en "
                     "127.0.0.1:9999»");
        if (cal_linea(cal_salida(p), "Escuchando", NULL, 0, linea, sizeof linea) >= 0) {
            cal_obtenido("«%s»", linea);
        } else {
            cal_obtenido("%s", cal_termino(p) ? "terminó sin anunciarlo" : "no lo anunció en 5 s");
        }
        cal_nota_salida(p, 5);
        return 0;
    }
    if (tcp_abrir(&c, 9999, "un cliente en 9999", 0) < 0 ||
        tcp_linea(&c, 5000, linea, sizeof linea, &largo) != 1 || strcmp(linea, PREGUNTA) != 0) {
        cal_esperado("que sin --puerto se le pudiera hablar en 127.0.0.1:9999 (la pregunta del "
                     "nombre)");
        cal_obtenido("no se pudo conectar o no llegó «%s»", PREGUNTA);
        return 0;
    }
    tcp_cerrar(&c);
    return 1;
}

CAL_PRUEBA(anuncia_puerto, 20)
static void anuncia_puerto(void)
{
    sesion_t s;
    tcp_t c;
    char linea[256];
    int pos;

    if (!chat_arrancar(&s, 0, 15)) {
        CAL_FIN(0);
    }
    pos = cal_linea(cal_salida(s.p), "Escuchando", NULL, 0, linea, sizeof linea);
    if (pos != 0) {
        cal_esperado("que «Escuchando en 127.0.0.1:PUERTO» sea la PRIMERA línea de stdout");
        cal_obtenido("es la línea %d", pos + 1);
        cal_nota_salida(s.p, 5);
        CAL_FIN(0);
    }
    if (!chat_conectar(&s, &c, "un cliente nuevo", 0, 0)) {
        cal_nota("(se conectó al puerto anunciado en «Escuchando en 127.0.0.1:PUERTO»)");
        CAL_FIN(0);
    }
    /* Después de esa línea, stdout no se usa: el registro va a stderr. */
    tcp_texto(&c, "ana\n");
    if (!chat_espera_bienvenida(&s, &c, "ana")) {
        CAL_FIN(0);
    }
    tcp_texto(&c, "/quit\n");
    tcp_esperar_cierre(&c, s.espera);
    cal_esperar(100);
    if (strchr(cal_salida(s.p), '\n') != strrchr(cal_salida(s.p), '\n')) {
        cal_esperado("que stdout no tuviera nada más que «Escuchando en …» (el registro va a "
                     "stderr)");
        cal_obtenido("tras entrar y salir un cliente, stdout tiene más líneas");
        cal_nota_salida(s.p, 5);
        CAL_FIN(0);
    }
    CAL_FIN(argumentos_malos() && puerto_ocupado() && puerto_por_omision());
}

CAL_PRUEBA(bienvenida, 20)
static void bienvenida(void)
{
    sesion_t s;
    tcp_t ana, beto, anonimo;

    if (!chat_arrancar(&s, 0, 15) || !chat_entrar(&s, &ana, "ana")) {
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&ana, 300,
                              "que ana no recibiera nada tras su bienvenida (el aviso de "
                              "entrada es solo para los demás)")) {
        CAL_FIN(0);
    }
    if (!chat_conectar(&s, &anonimo, "un cliente aún sin nombre", 0, 0)) {
        CAL_FIN(0);
    }
    if (!chat_entrar(&s, &beto, "beto") || !chat_aviso_entrada(&s, &ana, "beto")) {
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&beto, 300, "que beto no recibiera su propio aviso de entrada")) {
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&anonimo, 300,
                              "que un cliente que aún no ha dado su nombre no reciba avisos de "
                              "la sala")) {
        CAL_FIN(0);
    }
    /* Los avisos propios que llegaron con la bienvenida no se quedan en el flujo (comun.h,
     * chat_aviso_propio): se cobran aquí. */
    int veces = 0;
    const char *quien = chat_aviso_propio(&veces);
    if (quien != NULL) {
        cal_esperado("que quien entra en la sala no reciba su propio aviso de entrada (es solo "
                     "para los demás)");
        cal_obtenido("%s recibió «* %s ha entrado en la sala»%s", quien, quien,
                     veces > 1 ? ", y beto el suyo" : "");
        CAL_FIN(0);
    }
    CAL_FIN(1);
}

static int entrar_con_porcentaje(sesion_t *s, tcp_t *c, const char *nombre, tcp_t *testigo);

/* Un nombre con «%» que habla (cada nombre con «%» de las demás verificaciones solo entra, sale
 * o pide /list): quien monta «nombre: » y lo pasa después como formato cambia el mensaje. Sin
 * «%s», como los de las demás: quien pasa el aviso de entrada como formato lo escribe mal pero no
 * se cae, y eso lo cobra solo nombres (nombre_formato_entrada). */
#define RARO_HABLA "d%d%x%%"

CAL_PRUEBA(difusion, 20)
static void difusion(void)
{
    static const char *const nombres[] = {"ana", "beto", "carla"};
    sesion_t s;
    tcp_t c[3], anonimo;

    /* Y uno que conecta cuando la sala ya está llena y no da su nombre: no está en la sala, y
     * los mensajes no le llegan (quien difunde los mensajes a todos los conectados y los
     * avisos solo a los de la sala lo mezcla). Conecta después de las entradas: unos avisos
     * de más los cobran bienvenida y lista, no esta. Mutante: mensajes_a_quien_no_tiene_nombre. */
    if (!chat_arrancar(&s, 0, 15) || !chat_llenar_sala(&s, c, nombres, 3)) {
        CAL_FIN(0);
    }
    if (!chat_conectar(&s, &anonimo, "un cliente sin nombre", 0, 0)) {
        CAL_FIN(0);
    }
    tcp_texto(&c[0], "hola a todos\n");
    if (!chat_espera_linea(&s, &c[1], "ana: hola a todos") ||
        !chat_espera_linea(&s, &c[2], "ana: hola a todos")) {
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&c[0], 300,
                              "que ana NO recibiera su propio mensaje (se difunde a "
                              "todos menos al remitente)")) {
        CAL_FIN(0);
    }
    tcp_texto(&c[2], "¡buenas! ¿qué tal?\n");
    if (!chat_espera_linea(&s, &c[0], "carla: ¡buenas! ¿qué tal?") ||
        !chat_espera_linea(&s, &c[1], "carla: ¡buenas! ¿qué tal?")) {
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&c[2], 300, "que carla NO recibiera su propio mensaje")) {
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&anonimo, 300,
                              "que un cliente que aún no ha dado su nombre no recibiera los "
                              "mensajes de la sala (no está en ella)")) {
        CAL_FIN(0);
    }
    /* Y habla alguien con «%» en el nombre (auditoría de la sesión 98). Su bienvenida y su aviso
     * de entrada no se juzgan aquí (son de nombres): se toma una línea en cada uno. Si el
     * servidor rechaza el nombre, eso lo cobra nombres y aquí no se mira. Mutante:
     * nombre_formato_mensaje. */
    tcp_t raro;
    char linea[512];
    size_t largo;
    int entro = entrar_con_porcentaje(&s, &raro, RARO_HABLA, &c[0]);
    if (entro <= 0) {
        CAL_FIN(entro < 0);
    }
    if (tcp_linea(&c[1], s.espera, linea, sizeof linea, &largo) != 1) {
        cal_esperado("que beto recibiera el aviso de entrada de «%s»", RARO_HABLA);
        cal_obtenido("no recibió nada en %d ms", s.espera);
        CAL_FIN(0);
    }
    tcp_texto(&raro, "hola\n");
    if (!chat_espera_linea(&s, &c[0], RARO_HABLA ": hola")) {
        cal_nota("(«%s» es un nombre válido y su mensaje sale con él tal cual: un nombre es un "
                 "dato, nunca parte del formato de printf)",
                 RARO_HABLA);
        CAL_FIN(0);
    }
    CAL_FIN(1);
}

CAL_PRUEBA(crlf, 20)
static void crlf(void)
{
    static const char *const nombres[] = {"ana", "beto"};
    sesion_t s;
    tcp_t c[2], dana;
    char linea[512];

    if (!chat_arrancar(&s, 0, 15) || !chat_llenar_sala(&s, c, nombres, 2)) {
        CAL_FIN(0);
    }
    tcp_texto(&c[1], "con crlf\r\n");
    if (!chat_espera_linea(&s, &c[0], "beto: con crlf")) {
        cal_nota("(beto envió «con crlf\\r\\n»: el \\r es parte del final de línea)");
        CAL_FIN(0);
    }
    /* Solo el \r FINAL es del final de línea: uno en medio, los espacios y el tabulador del
     * final son texto y van tal cual. Una línea vacía con CRLF sigue siendo vacía. */
    tcp_texto(&c[1], "\r\n");
    cal_esperar(150); /* cada línea en su lectura: varias juntas se prueban aparte */
    tcp_texto(&c[1], "uno\rdos \t \r\n");
    if (!chat_espera_linea(&s, &c[0], "beto: uno\rdos \t ")) {
        cal_nota("(beto envió «\\r\\n», una línea vacía, y después «uno\\rdos \\t "
                 "\\r\\n»: la vacía no se difunde y de la otra solo se quita el \\r "
                 "final; el \\r de en medio y los espacios del final son texto)");
        CAL_FIN(0);
    }
    /* Y solo uno: el \r de delante del último es texto (quien los quita en un while, no). */
    tcp_texto(&c[1], "tres\r\r\n");
    if (!chat_espera_linea(&s, &c[0], "beto: tres\r")) {
        cal_nota("(beto envió «tres\\r\\r\\n»: del final de línea solo es el último \\r; el "
                 "otro es texto y llega tal cual)");
        CAL_FIN(0);
    }
    /* Y los espacios son texto también al principio y en una línea que no tiene otra cosa: no
     * es una línea vacía (quien no difunde las «en blanco» o recorta los del principio sacaba
     * 100: solo se probaban los del final; auditoría de la sesión 98). Mutante:
     * espacios_en_blanco_no_van. */
    tcp_texto(&c[1], "   \r\n");
    cal_esperar(150);
    tcp_texto(&c[1], "  x\n");
    if (!chat_espera_linea(&s, &c[0], "beto:    ") || !chat_espera_linea(&s, &c[0], "beto:   x")) {
        cal_nota("(beto envió «   \\r\\n», tres espacios, y después «  x»: los espacios son "
                 "texto, también los del principio, y una línea de solo espacios no está vacía)");
        CAL_FIN(0);
    }
    if (!chat_conectar(&s, &dana, "dana", 0, 0)) {
        CAL_FIN(0);
    }
    tcp_texto(&dana, "dana\r\n");
    if (!chat_espera_bienvenida(&s, &dana, "dana") || !chat_aviso_entrada(&s, &c[0], "dana")) {
        cal_nota("(dana envió su nombre como «dana\\r\\n»)");
        CAL_FIN(0);
    }
    tcp_texto(&dana, "/list\r\n");
    CAL_FIN(chat_espera_prefijo(&s, &dana, "* Conectados (3): ", "la respuesta a «/list\\r\\n»",
                                linea, sizeof linea));
}

/* Con los 64 KiB enteros en la cola del servidor antes de seguir, un servidor que echa a beto
 * lo hace por la lectura con nread == 0, y eso no lo explica la carga: el fallo no se repite
 * solo (cal_sin_repetir). Lo dice algo que el programa no finge: el servidor cerró la
 * conexión de beto. */
static void beto_echado(tcp_t *beto, int en_cola)
{
    if (en_cola && tcp_esperar_cierre(beto, 500)) {
        cal_sin_repetir("el servidor cerró la conexión de beto tras recibir sus 64 KiB enteros "
                        "de una vez");
    }
}

/* 64 KiB de una vez (16 líneas de 4096 bytes, el máximo): el servidor puede leerlos en una
 * lectura que llena entero el búfer que sugiere libuv (65536), y entonces libuv lee otra vez, no
 * hay nada (EAGAIN) y llama a la callback con nread == 0, que no es un cierre ni un error (el
 * estudiante de prueba de la sesión 28 echaba así a beto: 100/100 antes). c[1] los manda y
 * c[0] los recibe todos, y después uno corto: beto sigue en la sala.
 * Que la lectura sea una sola no puede dejarse al reloj: con otra calificación al lado, el
 * servidor leía mientras los bytes llegaban, nunca llenaba el búfer y el mutante
 * nread_cero_es_cierre sacaba 100 (pasada de la sesión 44). Así que el servidor está parado
 * (SIGSTOP) mientras beto los manda, y sigue (SIGCONT) cuando el núcleo los tiene todos en la
 * cola de recepción de su socket (vista desde fuera, tcp_sin_leer_en_el_servidor): su primera
 * lectura los encuentra enteros. */
static int bloque_de_64k(sesion_t *s, tcp_t c[2])
{
    enum { LINEAS = 16, LARGO = 4096 };
    static char bloque[LINEAS * LARGO];
    char esperada[LARGO + 16];
    for (int i = 0; i < LINEAS; i++) {
        char *l = bloque + (size_t)i * LARGO;
        memset(l, 'a' + i, LARGO - 1);
        memcpy(l, "bloque ", 7);
        l[LARGO - 1] = '\n';
    }
    int puerto = tcp_puerto_local(&c[1]);
    int parado = 0;
    if (puerto > 0) {
        parado = cal_parar(s->p, 2000); /* si no se vio parado, la señal se mandó igual */
    }
    size_t enviado = 0;
    int en_cola = 0;
    uint64_t limite = cal_ahora_ms() + 2000;
    while (parado && !en_cola && cal_ahora_ms() < limite) {
        if (enviado < sizeof bloque) {
            long n = tcp_enviar_algo(&c[1], bloque + enviado, sizeof bloque - enviado);
            if (n < 0) {
                break;
            }
            enviado += (size_t)n;
        }
        en_cola = enviado == sizeof bloque &&
                  tcp_sin_leer_en_el_servidor(s->puerto, puerto) >= (long long)sizeof bloque;
        if (!en_cola) {
            cal_esperar(5);
        }
    }
    if (puerto > 0) {
        cal_senal(s->p, SIGCONT);
    }
    if (!en_cola) {
        cal_nota("(no se pudieron dejar los 64 KiB de beto enteros en la cola del servidor "
                 "mientras estaba parado: puede que los leyera en varias lecturas)");
    }
    if (enviado < sizeof bloque &&
        tcp_enviar(&c[1], bloque + enviado, sizeof bloque - enviado) < 0) {
        cal_obtenido("no se pudieron mandar los 64 KiB de beto");
        return 0;
    }
    for (int i = 0; i < LINEAS; i++) {
        snprintf(esperada, sizeof esperada, "beto: %.*s", LARGO - 1, bloque + (size_t)i * LARGO);
        if (!chat_espera_linea(s, &c[0], esperada)) {
            cal_nota("(beto mandó 64 KiB de una vez, 16 líneas de 4096 bytes: esta era la "
                     "%d.ª; una lectura de libuv con nread == 0 no es un cierre)",
                     i + 1);
            beto_echado(&c[1], en_cola);
            return 0;
        }
    }
    tcp_texto(&c[1], "sigo aquí\n");
    if (!chat_espera_linea(s, &c[0], "beto: sigo aquí")) {
        cal_nota("(tras sus 64 KiB de una vez, beto seguía conectado: una lectura con "
                 "nread == 0 no es un cierre)");
        beto_echado(&c[1], en_cola);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(trozos, 25)
static void trozos(void)
{
    static const char *const nombres[] = {"ana", "beto"};
    sesion_t s;
    tcp_t c[2], eva;
    char linea[512];

    if (!chat_arrancar(&s, 0, 20) || !chat_llenar_sala(&s, c, nombres, 2)) {
        CAL_FIN(0);
    }
    /* Cada trozo va en su propio segmento TCP: el servidor lo lee en lecturas distintas. */
    tcp_texto(&c[1], "ho");
    cal_esperar(200);
    tcp_texto(&c[1], "la, ");
    cal_esperar(200);
    tcp_texto(&c[1], "mundo\n");
    if (!chat_espera_linea(&s, &c[0], "beto: hola, mundo")) {
        cal_nota("(beto envió «ho», «la, » y «mundo\\n» con 200 ms entre trozos: el servidor "
                 "debe guardar lo leído hasta que llegue el \\n)");
        CAL_FIN(0);
    }
    /* Dos líneas a medias a la vez, una de cada uno: cada cliente tiene su búfer de línea. Con
     * uno solo para todos (libuv lee de uno cada vez), «bue» de ana y «adi» de beto acaban en
     * la misma línea (mutante bufer_de_linea_compartido). */
    tcp_texto(&c[0], "bue");
    cal_esperar(200);
    tcp_texto(&c[1], "adi");
    cal_esperar(200);
    tcp_texto(&c[0], "nas\n");
    cal_esperar(200);
    tcp_texto(&c[1], "ós\n");
    if (!chat_espera_linea(&s, &c[1], "ana: buenas") ||
        !chat_espera_linea(&s, &c[0], "beto: adiós")) {
        cal_nota("(ana y beto tenían a la vez una línea a medias: ana mandó «bue», beto «adi», "
                 "ana «nas\\n» y beto «ós\\n»; la línea a medias es de cada cliente, en su "
                 "propio lector)");
        CAL_FIN(0);
    }
    tcp_texto(&c[1], "espa\xc3");
    cal_esperar(200);
    tcp_texto(&c[1], "\xb1"
                     "a\n");
    if (!chat_espera_linea(&s, &c[0], "beto: españa")) {
        cal_nota("(la «ñ» llegó partida entre dos lecturas: sus dos bytes van juntos en la "
                 "línea)");
        CAL_FIN(0);
    }
    tcp_texto(&c[1], "partido\r");
    cal_esperar(200);
    tcp_texto(&c[1], "\n");
    if (!chat_espera_linea(&s, &c[0], "beto: partido")) {
        cal_nota("(el \\r y el \\n de «partido\\r\\n» llegaron en lecturas distintas)");
        CAL_FIN(0);
    }
    if (!bloque_de_64k(&s, c)) {
        CAL_FIN(0);
    }
    if (!chat_conectar(&s, &eva, "eva", 0, 0)) {
        CAL_FIN(0);
    }
    tcp_texto(&eva, "ev");
    cal_esperar(200);
    tcp_texto(&eva, "a\n");
    if (!chat_espera_bienvenida(&s, &eva, "eva")) {
        cal_nota("(eva envió su nombre en dos trozos: «ev» y «a\\n»)");
        CAL_FIN(0);
    }
    if (!chat_aviso_entrada(&s, &c[0], "eva") || !chat_aviso_entrada(&s, &c[1], "eva")) {
        CAL_FIN(0);
    }
    tcp_texto(&eva, "/li");
    cal_esperar(200);
    tcp_texto(&eva, "st\n");
    if (!chat_espera_prefijo(&s, &eva, "* Conectados (3): ",
                             "la respuesta a /list (enviado como "
                             "«/li» y «st\\n»)",
                             linea, sizeof linea)) {
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&c[0], 200,
                              "que ana no recibiera nada más (ningún trozo suelto se difunde "
                              "como mensaje)")) {
        CAL_FIN(0);
    }
    /* Casi todo este tiempo (más de 1.2 s en pausas de 200 ms), el servidor espera a que sus
     * clientes manden algo: esperar es dormir en uv_run (cal_sin_espera_activa; mutante
     * espera_activa). */
    char cpu[512];
    if (!cal_sin_espera_activa(s.p, CAL_ESPERA_TRANQUILA, cpu, sizeof cpu)) {
        cal_esperado("que, mientras espera a que sus clientes manden el trozo siguiente, el "
                     "servidor duerma en uv_run, sin espera activa: en la CPU o esperando turno "
                     "para ella como mucho el %.0f %% del tiempo transcurrido",
                     CAL_ESPERA_FRACCION * 100.0);
        cal_obtenido("cada línea llegó entera; %s", cpu);
        CAL_FIN(0);
    }
    /* Ni un temporizador que mira cada milisegundo si hay algo que hacer: gasta poca CPU, pero
     * es la misma espera (las cuentas de la precarga vivos; mutante sondea_cada_ms). */
    int rapidos = cal_temporizadores_rapidos(s.p);
    if (rapidos > 0) {
        cal_esperado("que, mientras espera a que sus clientes manden algo, el servidor duerma en "
                     "uv_run hasta que libuv lo despierte: llegan datos (uv_read_start) o se "
                     "puede escribir (uv_write)");
        cal_obtenido(
            "arrancó %d %s cada menos de 10 ms: mirar cada pocos milisegundos si hay "
            "algo que hacer es esperar dando vueltas, aunque gaste poca CPU",
            rapidos,
            texto_plural(rapidos, "temporizador que se repite", "temporizadores que se repiten"));
        CAL_FIN(0);
    }
    cal_nota("CPU: %s.", cpu);
    CAL_FIN(1);
}

CAL_PRUEBA(varias_lineas, 20)
static void varias_lineas(void)
{
    static const char *const nombres[] = {"ana", "beto"};
    sesion_t s;
    tcp_t c[2], fede;

    if (!chat_arrancar(&s, 0, 15) || !chat_llenar_sala(&s, c, nombres, 2)) {
        CAL_FIN(0);
    }
    tcp_texto(&c[1], "uno\ndos\ntres\n");
    if (!chat_espera_linea(&s, &c[0], "beto: uno") || !chat_espera_linea(&s, &c[0], "beto: dos") ||
        !chat_espera_linea(&s, &c[0], "beto: tres")) {
        cal_nota("(beto envió «uno\\ndos\\ntres\\n» en una sola escritura: una lectura puede "
                 "traer varias líneas y hay que procesarlas todas)");
        CAL_FIN(0);
    }
    /* El nombre y el primer mensaje juntos, sin esperar a la pregunta. */
    if (!chat_abrir(&s, &fede, "fede", 0, 0)) {
        CAL_FIN(0);
    }
    tcp_texto(&fede, "fede\nprimer mensaje\n");
    if (!chat_espera_linea(&s, &fede, PREGUNTA) || !chat_espera_bienvenida(&s, &fede, "fede") ||
        !chat_aviso_entrada(&s, &c[0], "fede") ||
        !chat_espera_linea(&s, &c[0], "fede: primer mensaje")) {
        cal_nota("(fede envió «fede\\nprimer mensaje\\n» de una vez, nada más conectar)");
        CAL_FIN(0);
    }
    /* Final de una línea + una entera + principio de otra en la misma lectura. */
    tcp_texto(&c[1], "cua");
    cal_esperar(200);
    tcp_texto(&c[1], "tro\ncinco\nse");
    cal_esperar(200);
    tcp_texto(&c[1], "is\n");
    if (!chat_espera_linea(&s, &c[0], "beto: cuatro") ||
        !chat_espera_linea(&s, &c[0], "beto: cinco") ||
        !chat_espera_linea(&s, &c[0], "beto: seis")) {
        cal_nota("(beto envió «cua», «tro\\ncinco\\nse» e «is\\n»)");
        CAL_FIN(0);
    }
    CAL_FIN(1);
}

/* El nombre más largo que se manda: una línea válida (menos de 4096 bytes), 125 veces el
 * máximo de un nombre. */
#define NOMBRE_ENORME 4000

/* Manda un nombre malo y espera la línea de error exacta seguida de la pregunta otra vez. */
static int rechazado(sesion_t *s, tcp_t *c, const char *nombre, size_t largo, const char *error,
                     const char *que)
{
    static char envio[NOMBRE_ENORME + 1];

    if (largo >= sizeof envio) {
        cal_esperado("un nombre de prueba que quepa en el envío (bytes: %zu como mucho)",
                     sizeof envio - 1);
        cal_obtenido("error del calificador: bytes del nombre: %zu", largo);
        return 0;
    }
    memcpy(envio, nombre, largo);
    envio[largo] = '\n';
    if (tcp_enviar(c, envio, largo + 1) < 0) {
        cal_esperado("poder enviar el nombre");
        cal_obtenido("el servidor cerró la conexión");
        return 0;
    }
    if (!chat_espera_linea(s, c, error)) {
        cal_nota("(se envió %s; los casos se comprueban en el orden del enunciado: vacío, "
                 "demasiado largo, caracteres no permitidos, en uso)",
                 que);
        return 0;
    }
    if (!chat_espera_linea(s, c, PREGUNTA)) {
        cal_nota("(tras rechazar %s, el servidor vuelve a preguntar el nombre)", que);
        return 0;
    }
    return 1;
}

#define ERR_VACIO  "! El nombre no puede estar vacío"
#define ERR_LARGO  "! El nombre es demasiado largo (máximo 32 bytes)"
#define ERR_CARACT "! El nombre tiene caracteres no permitidos"
/* Válidos aunque lo parezcan poco: con «%», que printf interpretaría si el nombre acabara en
 * la cadena de formato (uno distinto en cada verificación que lo usa). Los de nombres_unicos,
 * lista y quit, sin «%s»: con un nombre así en el formato de la bienvenida (lo que cobra
 * nombres), el servidor escribe otra cosa pero no se cae, y esas verificaciones siguen. */
#define RARO        "x/y%s%s%s%s%s"
#define RARO_EN_USO "u%d%x%d%%"
#define RARO_SALE   "s%x%d%%x"
#define RARO_LISTA  "l%d%%%x%d"

/* Entra como `nombre` (uno con «%») sin juzgar la bienvenida ni el aviso de entrada que
 * recibe `testigo` (si no es NULL): los dos los juzga nombres, y un nombre metido en su formato
 * no cuesta también las verificaciones que usan estos. Lee la pregunta, manda el nombre y toma
 * una línea, la que sea, en cada uno. 1 si entró; -1 si el servidor rechazó el nombre (lo
 * cobra nombres: quien llama deja de mirar lo de la «%»; anotado); 0 si no (anotado). */
static int entrar_con_porcentaje(sesion_t *s, tcp_t *c, const char *nombre, tcp_t *testigo)
{
    char linea[512], envio[64];
    size_t largo;
    int r;

    if (!chat_conectar(s, c, nombre, 0, 0)) {
        return 0;
    }
    snprintf(envio, sizeof envio, "%s\n", nombre);
    r = tcp_texto(c, envio) < 0 ? -1 : 1;
    if (r == 1) {
        /* Su propio aviso de entrada, antes o después de la respuesta, lo cobra bienvenida. */
        chat_saltar_aviso_propio(c, nombre, s->espera);
        r = tcp_linea(c, s->espera, linea, sizeof linea, &largo);
    }
    if (r == 1) {
        chat_saltar_aviso_propio(c, nombre, 0);
    }
    if (r != 1) {
        cal_esperado("que «%s» (un nombre válido: la «%%» también vale) recibiera respuesta a "
                     "su nombre",
                     nombre);
        if (r < 0) {
            cal_obtenido("el servidor cerró la conexión");
        } else {
            cal_obtenido("no recibió nada en %d ms", s->espera);
        }
        chat_sigue_vivo(s);
        return 0;
    }
    if (largo >= 2 && linea[0] == '!' && linea[1] == ' ') {
        cal_nota("(rechazó «%s», un nombre válido, con «%s»: eso lo cobra nombres, y aquí no se "
                 "mira lo de la «%%»)",
                 nombre, linea);
        return -1;
    }
    if (testigo == NULL) {
        return 1;
    }
    r = tcp_linea(testigo, s->espera, linea, sizeof linea, &largo);
    if (r != 1) {
        cal_esperado("que los demás de la sala recibieran el aviso de entrada de «%s»", nombre);
        if (r < 0) {
            cal_obtenido("el servidor cerró su conexión");
        } else {
            cal_obtenido("no recibieron nada en %d ms", s->espera);
        }
        chat_sigue_vivo(s);
        return 0;
    }
    return 1;
}

CAL_PRUEBA(nombres, 25)
static void nombres(void)
{
    /* Nombres que no valen por sus caracteres: cada uno con su motivo. */
    static const struct {
        const char *nombre;
        size_t largo;
        const char *que;
    } malos[] = {
        {"a\tb", 3, "un nombre con un carácter de control (tabulador)"},
        {"bel\x1b[31m", 8, "un nombre con un carácter de control (ESC)"},
        {"\xff\xfe", 2, "un nombre con UTF-8 inválido"},
        {"ana maría", 10, "un nombre con un espacio"},
        {"a:b", 3, "un nombre con «:»"},
        {"a,b", 3, "un nombre con «,»"},
        {"/ana", 4, "un nombre que empieza por «/»"},
        {"del\x7f", 4, "un nombre con el byte 0x7F"},
        /* Un byte nulo en medio: quien valida hasta el primer nulo (como una cadena de C) ve
         * «b» y lo da por bueno. Mutante: nombre_hasta_el_nulo. */
        {"b\0b", 3, "un nombre con un byte nulo en medio (0x00 es un carácter de control)"},
        /* Antes del nombre solo vale /quit: «/list» es un nombre que empieza por «/» (quien
         * atiende las órdenes antes de mirar si ya tiene nombre le contesta con la sala: el
         * estudiante de prueba de la sesión 59, bug 56, con 100). Mutante: lista_sin_nombre. */
        {"/list", 5, "«/list» antes de dar el nombre (ahí solo vale /quit)"},
    };
    sesion_t s;
    tcp_t ana, x, y;
    char largo[40];
    static char enorme[NOMBRE_ENORME];
    char enes[48] = "";

    if (!chat_arrancar(&s, 0, 20) || !chat_entrar(&s, &ana, "ana")) {
        CAL_FIN(0);
    }
    if (!chat_conectar(&s, &x, "el cliente nuevo", 0, 0)) {
        CAL_FIN(0);
    }
    memset(largo, 'x', 33);
    largo[33] = '\0';
    if (!rechazado(&s, &x, "", 0, ERR_VACIO, "un nombre vacío") ||
        !rechazado(&s, &x, largo, 33, ERR_LARGO, "un nombre de 33 bytes (máximo 32)")) {
        CAL_FIN(0);
    }
    /* Largo Y con caracteres no permitidos: manda el largo (se comprueba antes). */
    largo[5] = ':';
    largo[10] = ' ';
    if (!rechazado(&s, &x, largo, 33, ERR_LARGO,
                   "un nombre de 33 bytes que además tiene «:» y un espacio")) {
        CAL_FIN(0);
    }
    /* Y largo con una «/» inicial, o todo UTF-8 inválido: también manda el largo. Quien mira la
     * «/» o el UTF-8 antes de medir daba el otro error y sacaba 100: la única prueba del orden
     * era la de «:» (auditoría de la sesión 98). Mutantes: barra_antes_que_largo y
     * utf8_antes_que_largo. */
    largo[5] = 'x';
    largo[10] = 'x';
    largo[0] = '/';
    char roto[33];
    memset(roto, 0xc3, sizeof roto);
    if (!rechazado(&s, &x, largo, 33, ERR_LARGO, "un nombre de 33 bytes que empieza por «/»") ||
        !rechazado(&s, &x, roto, sizeof roto, ERR_LARGO,
                   "un nombre de 33 bytes que no es UTF-8 válido (33 veces el byte 0xC3)")) {
        CAL_FIN(0);
    }
    /* Y mucho más largos: quien copia el nombre en su campo (33 bytes con el nulo) antes de
     * medirlo escribe fuera de él. Mutante: nombre_copiado_antes. */
    memset(enorme, 'y', sizeof enorme);
    if (!rechazado(&s, &x, enorme, 100, ERR_LARGO, "un nombre de 100 bytes") ||
        !rechazado(&s, &x, enorme, sizeof enorme, ERR_LARGO,
                   "un nombre de 4000 bytes (la línea vale: no pasa de 4096)")) {
        CAL_FIN(0);
    }
    for (size_t i = 0; i < sizeof malos / sizeof malos[0]; i++) {
        if (!rechazado(&s, &x, malos[i].nombre, malos[i].largo, ERR_CARACT, malos[i].que)) {
            CAL_FIN(0);
        }
    }
    /* 17 eñes son 17 letras pero 34 bytes: el máximo se cuenta en bytes. */
    for (int i = 0; i < 17; i++) {
        strcat(enes, "ñ");
    }
    if (!rechazado(&s, &x, enes, strlen(enes), ERR_LARGO,
                   "un nombre de 17 «ñ» (17 letras, pero 34 bytes)")) {
        CAL_FIN(0);
    }
    /* 16 eñes = 32 bytes en UTF-8: justo el máximo, y vale. */
    enes[32] = '\0';
    strcat(enes, "\n");
    tcp_texto(&x, enes);
    enes[strlen(enes) - 1] = '\0';
    if (!chat_espera_bienvenida(&s, &x, enes)) {
        cal_nota("(un nombre de 16 «ñ» ocupa 32 bytes: justo el máximo permitido)");
        CAL_FIN(0);
    }
    /* ana solo se entera del nombre bueno. */
    if (!chat_aviso_entrada(&s, &ana, enes)) {
        cal_nota("(los nombres rechazados no entran en la sala ni se anuncian)");
        CAL_FIN(0);
    }
    /* Lo que las reglas no prohíben vale: «/» que no va al principio, y «%» (que printf
     * interpretaría si el nombre acabara en la cadena de formato). */
    if (!chat_entrar(&s, &y, RARO) || !chat_aviso_entrada(&s, &ana, RARO)) {
        cal_nota("(«%s» es un nombre válido: solo está prohibida la «/» inicial, y un nombre "
                 "es un dato, nunca parte del formato de printf)",
                 RARO);
        CAL_FIN(0);
    }
    CAL_FIN(1);
}

/* Un nombre en uso se rechaza; uno que solo se le parece (mayúsculas, prefijo) no. */
CAL_PRUEBA(nombres_unicos, 25)
static void nombres_unicos(void)
{
    sesion_t s;
    tcp_t ana, x, y, z, w;

    if (!chat_arrancar(&s, 0, 20) || !chat_entrar(&s, &ana, "ana")) {
        CAL_FIN(0);
    }
    if (!chat_conectar(&s, &x, "el cliente nuevo", 0, 0)) {
        CAL_FIN(0);
    }
    if (!rechazado(&s, &x, "ana", 3, "! El nombre «ana» ya está en uso",
                   "el nombre «ana», que ya está en la sala")) {
        CAL_FIN(0);
    }
    tcp_texto(&x, "Ana\n");
    if (!chat_espera_bienvenida(&s, &x, "Ana") || !chat_aviso_entrada(&s, &ana, "Ana")) {
        cal_nota("(con «ana» en la sala, «Ana» es otro nombre: se distinguen mayúsculas)");
        CAL_FIN(0);
    }
    if (!chat_entrar(&s, &y, "an") || !chat_aviso_entrada(&s, &ana, "an")) {
        cal_nota("(con «ana» en la sala, «an» es otro nombre: compara también la longitud)");
        CAL_FIN(0);
    }
    if (!chat_entrar(&s, &z, "anabel") || !chat_aviso_entrada(&s, &ana, "anabel")) {
        cal_nota("(con «ana» en la sala, «anabel» es otro nombre)");
        CAL_FIN(0);
    }
    if (!chat_conectar(&s, &x, "otro cliente nuevo", 0, 0)) {
        CAL_FIN(0);
    }
    if (!rechazado(&s, &x, "Ana", 3, "! El nombre «Ana» ya está en uso",
                   "el nombre «Ana», que ya está en la sala")) {
        CAL_FIN(0);
    }
    /* Un nombre con «%» en uso: el error lo cita tal cual (quien monta el mensaje y se lo pasa
     * a printf como formato escribe otra cosa, o se cae). Mutante: nombre_formato_en_uso. */
    int entro = entrar_con_porcentaje(&s, &w, RARO_EN_USO, NULL);
    if (entro <= 0) {
        CAL_FIN(entro < 0);
    }
    CAL_FIN(rechazado(&s, &x, RARO_EN_USO, strlen(RARO_EN_USO),
                      "! El nombre «" RARO_EN_USO "» ya está en uso",
                      "el nombre «" RARO_EN_USO "», que ya está en la sala (un nombre es un dato, "
                      "nunca parte del formato de printf)"));
}

/* Líneas vacías y órdenes desconocidas: nada se difunde; la orden mala tiene su error. */
CAL_PRUEBA(ordenes, 20)
static void ordenes(void)
{
    static const char *const nombres[] = {"ana", "beto"};
    static const char *const malas[] = {"/lista\n", "/LIST\n", "/\n", "/quit ya\n"};
    sesion_t s;
    tcp_t c[2];

    if (!chat_arrancar(&s, 0, 15) || !chat_llenar_sala(&s, c, nombres, 2)) {
        CAL_FIN(0);
    }
    /* Cada envío en su propia lectura (con una pausa): aquí no se prueba el búfer de línea. */
    tcp_texto(&c[1], "\n");
    cal_esperar(150);
    tcp_texto(&c[1], "\n");
    cal_esperar(150);
    for (size_t i = 0; i < sizeof malas / sizeof malas[0]; i++) {
        tcp_texto(&c[1], malas[i]);
        if (!chat_espera_linea(&s, &c[1], "! Orden desconocida (usa /list o /quit)")) {
            cal_nota("(beto envió «%.*s»: una línea que empieza por «/» y no es exactamente "
                     "/list ni /quit es una orden desconocida)",
                     (int)strlen(malas[i]) - 1, malas[i]);
            CAL_FIN(0);
        }
    }
    tcp_texto(&c[1], "fin\n");
    if (!chat_espera_linea(&s, &c[0], "beto: fin")) {
        cal_nota("(antes de «fin», beto envió dos líneas vacías y cuatro "
                 "órdenes desconocidas: nada de eso se difunde)");
        CAL_FIN(0);
    }
    CAL_FIN(chat_espera_silencio(&c[1], 300,
                                 "que beto no recibiera nada más (un error por orden mala y "
                                 "nada por las líneas vacías)"));
}

/* Comprueba «* Conectados (N): a, b, c» exacta: los nombres en el orden en que entraron. */
static int lista_correcta(sesion_t *s, tcp_t *c, const char *const *nombres, int n)
{
    char esperada[8192];
    size_t usados;

    snprintf(esperada, sizeof esperada, "* Conectados (%d): ", n);
    for (int i = 0; i < n; i++) {
        usados = strlen(esperada);
        snprintf(esperada + usados, sizeof esperada - usados, "%s%s", i > 0 ? ", " : "",
                 nombres[i]);
    }
    return chat_espera_linea(s, c, esperada);
}

/* Con tantos nombres de 32 bytes, la respuesta a /list pasa de 4096 bytes: ni un búfer fijo
 * pequeño ni uno del tamaño de una línea de cliente (PROTO_MAX_LINEA) bastan. Mutantes:
 * lista_buffer_fijo (512 bytes) y lista_buffer_linea (4098). */
#define LISTA_LARGOS 125

/* Conecta n clientes, cada uno con su pregunta, y después manda los n nombres seguidos: entran
 * casi a la vez. Cada uno recibe su bienvenida antes que nada más (los avisos solo van a los
 * que ya están en la sala). Los avisos son los mismos (unos n²/2: 7800 con 125), pero con
 * chat_llenar_sala cada entrada esperaba a que todos los de antes leyeran el suyo, y cada
 * uv_write iba por separado: un servidor que duerme 200 µs tras cada uno
 * (duerme_tras_escribir) no llegaba a tiempo. Así, quien junta lo de una vuelta escribe una vez
 * por cliente, y eso lo cobra carga_200, no esta. */
static int entran_a_la_vez(sesion_t *s, tcp_t *c, char (*nombres)[40], int n)
{
    char envio[48], bienvenida[96];

    for (int i = 0; i < n; i++) {
        if (!chat_conectar(s, &c[i], nombres[i], 0, 0)) {
            return 0;
        }
    }
    for (int i = 0; i < n; i++) {
        snprintf(envio, sizeof envio, "%.39s\n", nombres[i]);
        tcp_texto(&c[i], envio);
    }
    for (int i = 0; i < n; i++) {
        snprintf(bienvenida, sizeof bienvenida, "%.39s", nombres[i]);
        if (!chat_espera_bienvenida(s, &c[i], bienvenida)) {
            cal_nota("(los clientes que mandaron su nombre casi a la vez: %d)", n);
            return 0;
        }
    }
    return 1;
}

/* Lee en c los avisos de entrada de los n `nombres`, en el orden en que entraron (el del
 * servidor: entraron casi a la vez), y deja ese orden en `orden`. 1 si llegaron todos. */
static int avisos_en_orden(sesion_t *s, tcp_t *c, char (*nombres)[40], int n, const char **orden)
{
    static const char entra[] = " ha entrado en la sala";
    char linea[512], vista[600];
    size_t largo;
    int visto[LISTA_LARGOS] = {0};

    if (n > LISTA_LARGOS) {
        cal_esperado("nombres: %d como mucho", LISTA_LARGOS);
        cal_obtenido("error del calificador: nombres: %d", n);
        return 0;
    }

    for (int k = 0; k < n; k++) {
        int r = tcp_linea(c, s->espera, linea, sizeof linea, &largo);
        int cual = -1;

        for (int i = 0; r == 1 && i < n && cual < 0; i++) {
            size_t l = strlen(nombres[i]);
            if (!visto[i] && largo == 2 + l + strlen(entra) && strncmp(linea, "* ", 2) == 0 &&
                memcmp(linea + 2, nombres[i], l) == 0 && strcmp(linea + 2 + l, entra) == 0) {
                cual = i;
            }
        }
        if (cual < 0) {
            cal_esperado("que %s recibiera los avisos de entrada de los %d que entraron casi a la "
                         "vez, cada uno una vez y en cualquier orden",
                         c->etiqueta, n);
            if (r == 1) {
                cal_obtenido("tras %d %s, recibió «%s»", k, texto_plural(k, "aviso", "avisos"),
                             tcp_visible(linea, largo, 300, vista, sizeof vista));
            } else {
                cal_obtenido("tras %d %s, %s", k, texto_plural(k, "aviso", "avisos"),
                             r == 0 ? "no recibió nada en el plazo" : "la conexión se cerró");
            }
            chat_sigue_vivo(s);
            return 0;
        }
        visto[cual] = 1;
        orden[k] = nombres[cual];
    }
    return 1;
}

CAL_PRUEBA(lista, 20)
static void lista(void)
{
    static const char *const nombres[] = {"ana", "beto", "carla"};
    static const char *const despues[] = {"ana", "beto", "dora"};
    static char largos[LISTA_LARGOS][40];
    const char *todos[4 + LISTA_LARGOS] = {"ana", "beto", "dora"};
    sesion_t s;
    tcp_t c[3], x, y, raro, otros[LISTA_LARGOS];

    if (!chat_arrancar(&s, 0, 15)) {
        CAL_FIN(0);
    }
    /* x conecta antes que nadie, pero da su nombre la última; y se va sin haberlo dado. */
    if (!chat_conectar(&s, &x, "un cliente sin nombre", 0, 0) ||
        !chat_conectar(&s, &y, "otro cliente sin nombre", 0, 0) ||
        !chat_llenar_sala(&s, c, nombres, 3)) {
        CAL_FIN(0);
    }
    /* y se va (fin de archivo) antes de la lista: quien no estaba en la sala no se descuenta
     * de ella (mutante resta_sin_nombre). Se espera a que el servidor cierre su conexión, y
     * así haya atendido la salida antes del /list; no se exige (es cosa de corte_brusco). */
    shutdown(y.fd, SHUT_WR);
    tcp_esperar_cierre(&y, s.espera);
    tcp_cerrar(&y);
    tcp_texto(&c[1], "/list\n");
    if (!lista_correcta(&s, &c[1], nombres, 3)) {
        cal_nota("(además hay un cliente conectado que aún no ha dado su nombre, y otro sin "
                 "nombre acaba de irse: ninguno de los dos cuenta, ni para sumar ni para "
                 "restar)");
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&c[0], 200, "que /list solo contestara a quien lo pidió")) {
        CAL_FIN(0);
    }
    tcp_texto(&c[2], "/quit\n");
    if (!chat_aviso_salida(&s, &c[1], "carla")) {
        CAL_FIN(0);
    }
    tcp_texto(&c[1], "/list\n");
    if (!lista_correcta(&s, &c[1], nombres, 2)) {
        CAL_FIN(0);
    }
    tcp_texto(&x, "dora\n");
    if (!chat_espera_bienvenida(&s, &x, "dora") || !chat_aviso_entrada(&s, &c[1], "dora")) {
        CAL_FIN(0);
    }
    tcp_texto(&c[1], "/list\n");
    if (!lista_correcta(&s, &c[1], despues, 3)) {
        cal_nota("(dora conectó la primera, pero dio su nombre la última: /list va en el orden "
                 "en que entraron en la sala, no en el de conexión)");
        CAL_FIN(0);
    }
    /* Una sala llena de nombres de 32 bytes (LISTA_LARGOS). Y uno más, con «%» (quien manda un
     * nombre a printf como formato escribe otra cosa: mutante nombre_formato_lista). */
    for (int i = 0; i < LISTA_LARGOS; i++) {
        snprintf(largos[i], sizeof largos[i], "%03d%.29s", i,
                 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
    }
    if (!entran_a_la_vez(&s, otros, largos, LISTA_LARGOS) ||
        !avisos_en_orden(&s, &c[1], largos, LISTA_LARGOS, todos + 3)) {
        CAL_FIN(0);
    }
    todos[3 + LISTA_LARGOS] = RARO_LISTA;
    int entro = entrar_con_porcentaje(&s, &raro, RARO_LISTA, &c[1]);
    if (entro == 0) {
        CAL_FIN(0);
    }
    int en_sala = entro > 0 ? 4 + LISTA_LARGOS : 3 + LISTA_LARGOS;
    tcp_texto(&c[1], "/list\n");
    if (!lista_correcta(&s, &c[1], todos, en_sala)) {
        cal_nota("(clientes en la sala: %d; con nombres de 32 bytes: %d, así que la respuesta "
                 "pasa de 4096 bytes, más que una línea de cliente; y uno, «%s», que se escribe "
                 "tal cual: un nombre nunca es parte del formato de printf)",
                 en_sala, LISTA_LARGOS, RARO_LISTA);
        CAL_FIN(0);
    }
    CAL_FIN(1);
}

/* /quit con mensajes aún en cola: «tardi» no lee y entra RIADA_DESFASE bytes después de
 * «lento», así que cuando el servidor expulsa a «lento» tiene unos 512 KiB esperando. Manda
 * /quit: el lector ve su salida y, desde ese momento, otro puede entrar con su nombre (aunque
 * su despedida aún esté en la cola). Después se pone a leer: debe recibirlo todo, intacto,
 * después la despedida y el cierre (uv_close directo tiraría la cola, despedida incluida). */
static int quit_con_cola(void)
{
    static const char *const nombres[] = {"lector", "emisor"};
    sesion_t s;
    tcp_t lento, tardi, otro, c[2];
    char linea[2048], vista[512], ultima[256] = "";
    size_t largo;
    uint64_t enviados = 0;
    int r;

    if (!chat_arrancar_perturbando(&s, 40) || !chat_sala_con_lento(&s, &lento, c, nombres)) {
        return 0;
    }
    if (chat_inundar(&s, &c[0], &c[1], RIADA_DESFASE, &enviados) != 1) {
        return 0;
    }
    if (!chat_conectar(&s, &tardi, "tardi", 4096, 0)) {
        return 0;
    }
    tcp_texto(&tardi, "tardi\n");
    if (!chat_espera_bienvenida(&s, &tardi, "tardi") ||
        chat_inundar(&s, &c[0], &c[1], 0, &enviados) != 2) {
        return 0;
    }
    cal_nota("«lento» fue expulsado tras %.1f MiB enviados a la sala; «tardi» lleva unos 512 KiB "
             "sin leer y manda "
             "/quit.",
             enviados / 1048576.0);
    tcp_texto(&tardi, "/quit\n");
    /* Ya fuera de la sala (el lector ve su salida), su nombre queda libre aunque su despedida
     * siga en la cola, detrás de lo que no ha leído: otro puede entrar como «tardi». */
    while ((r = tcp_linea(&c[0], 3000, linea, sizeof linea, &largo)) == 1 &&
           strcmp(linea, "* tardi ha salido de la sala") != 0) {
    }
    if (r != 1) {
        cal_esperado("que el lector recibiera «* tardi ha salido de la sala» tras su /quit");
        cal_obtenido("%s",
                     r < 0 ? "la conexión del lector se cerró sin ese aviso" : "no llegó en 3 s");
        return 0;
    }
    /* El emisor se va también, y su memoria se libera antes de que entre otro: lo que «tardi»
     * tiene en cola es suyo y llega intacto, con su nombre. Quien manda el nombre prestado del
     * cliente que habla (sin copiarlo en el envío) manda después lo que haya en esa memoria:
     * el servidor corre con la memoria liberada rellenada en el acto (chat_arrancar_perturbando),
     * así que es basura siempre (mutante nombre_prestado_en_la_cola). */
    tcp_texto(&c[1], "/quit\n");
    while ((r = tcp_linea(&c[1], 3000, linea, sizeof linea, &largo)) == 1) {
    }
    if (r == 0) {
        cal_esperado("que «emisor», tras mandar /quit, recibiera su despedida y el cierre");
        cal_obtenido("su conexión seguía abierta 3 s después");
        return 0;
    }
    cal_esperar(200); /* el servidor acaba de cerrarlo y libera su memoria */
    if (!chat_conectar(&s, &otro, "otro «tardi»", 0, 0)) {
        return 0;
    }
    tcp_texto(&otro, "tardi\n");
    if (!chat_espera_bienvenida(&s, &otro, "tardi")) {
        cal_nota("(«tardi» ya salió de la sala con /quit: su nombre queda libre en ese momento, "
                 "aunque su despedida aún esté en la cola detrás de lo que no ha leído)");
        return 0;
    }
    tcp_cerrar(&otro);
    while ((r = tcp_linea(&tardi, 3000, linea, sizeof linea, &largo)) == 1) {
        snprintf(ultima, sizeof ultima, "%.200s", linea);
        if (!chat_linea_de_la_riada(linea, largo, 'y')) {
            cal_esperado("que lo que «tardi» tenía en cola le llegara tal cual se envió");
            cal_obtenido("recibió «%s»", tcp_visible(linea, largo, 120, vista, sizeof vista));
            cal_nota("(antes de que «tardi» leyera su cola, «emisor», que la llenó, se fue con "
                     "/quit y entró otro cliente: cada mensaje en cola lleva su propia copia del "
                     "nombre de quien lo mandó)");
            return 0;
        }
    }
    if (r >= 0 || strcmp(ultima, "* ¡Adiós, tardi!") != 0) {
        cal_esperado("que «tardi», que tenía mensajes en cola al mandar /quit, recibiera todo lo "
                     "pendiente, después «* ¡Adiós, tardi!» y el cierre");
        cal_obtenido("%s; su última línea fue «%s»",
                     r < 0 ? "su conexión se cerró" : "la conexión seguía abierta sin datos",
                     ultima);
        cal_nota("(uv_close descarta lo que quede en la cola de escritura, despedida incluida: "
                 "primero uv_shutdown, que espera a que salga, y uv_close en su callback)");
        return 0;
    }
    return 1;
}

CAL_PRUEBA(quit, 45)
static void quit(void)
{
    static const char *const nombres[] = {"ana", "beto", "carla"};
    sesion_t s;
    tcp_t c[3], x, r;

    if (!chat_arrancar(&s, 0, 15) || !chat_llenar_sala(&s, c, nombres, 3)) {
        CAL_FIN(0);
    }
    /* Lo que venga detrás de /quit en la misma escritura ya no cuenta. */
    tcp_texto(&c[2], "/quit\nya me he ido\n");
    if (!chat_espera_linea(&s, &c[2], "* ¡Adiós, carla!")) {
        CAL_FIN(0);
    }
    if (!tcp_esperar_cierre(&c[2], s.espera)) {
        cal_esperado("que tras la despedida el servidor cerrara la conexión de carla");
        cal_obtenido("la conexión seguía abierta %d ms después", s.espera);
        CAL_FIN(0);
    }
    if (!chat_aviso_salida(&s, &c[0], "carla") || !chat_aviso_salida(&s, &c[1], "carla")) {
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&c[0], 300,
                              "que a ana no le llegara nada más de carla (mandó «/quit\\nya me he "
                              "ido\\n» de una vez: tras /quit, el resto de lo leído se ignora)")) {
        CAL_FIN(0);
    }
    /* Se va uno con «%» en el nombre: su despedida y su aviso de salida lo citan tal cual
     * (quien monta el aviso y se lo pasa a printf como formato escribe otra cosa, o se cae).
     * Mutante: nombre_formato_salida. */
    int entro = entrar_con_porcentaje(&s, &r, RARO_SALE, &c[0]);
    if (entro == 0) {
        CAL_FIN(0);
    }
    if (entro > 0) {
        tcp_texto(&r, "/quit\n");
    }
    if (entro > 0 && (!chat_espera_linea(&s, &r, "* ¡Adiós, " RARO_SALE "!") ||
                      !chat_aviso_salida(&s, &c[0], RARO_SALE))) {
        cal_nota("(«%s» es un nombre válido: un nombre es un dato, nunca parte del formato de "
                 "printf)",
                 RARO_SALE);
        CAL_FIN(0);
    }
    /* /quit antes de dar el nombre: despedida y cierre, sin avisos a la sala. */
    if (!chat_conectar(&s, &x, "un cliente sin nombre", 0, 0)) {
        CAL_FIN(0);
    }
    tcp_texto(&x, "/quit\n");
    if (!chat_espera_linea(&s, &x, "* ¡Adiós!")) {
        cal_nota("(sin nombre, la despedida es «* ¡Adiós!», sin coma ni nombre)");
        CAL_FIN(0);
    }
    if (!tcp_esperar_cierre(&x, s.espera)) {
        cal_esperado("que /quit cerrara también la conexión de un cliente sin nombre");
        cal_obtenido("la conexión seguía abierta");
        CAL_FIN(0);
    }
    if (!chat_espera_silencio(&c[0], 300,
                              "que nadie se enterara de la salida de un cliente que "
                              "nunca entró en la sala")) {
        CAL_FIN(0);
    }
    CAL_FIN(quit_con_cola());
}
