/* robustez.c — lo que los servidores asíncronos hacen mal en la vida real: cortes bruscos
 * en mitad de una difusión, clientes que no leen y 200 clientes a la vez. Todo desde fuera,
 * con clientes TCP crudos. Las líneas sin fin y la basura están en entrada.c, las señales
 * en parada.c y valgrind en memoria.c. */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comun.h"
#include "curso/errores.h"

/* Líneas de LINEA_INUNDACION bytes que ana deja en camino mientras el servidor está parado
 * (corte_brusco): unos 250 KB, más de dos veces lo que un servidor junta para un cliente antes
 * de escribirle (64 KiB en la solución), para que le escriba al menos tres veces en la misma
 * vuelta del bucle. */
#define EN_CAMINO 256

/* Lee en `c`, hasta `limite`, las líneas de ana (de LINEA_INUNDACION bytes) y los avisos de
 * salida de dana y eva, en cualquier orden entre sí: las cuenta en *lineas y *vistos. */
static void contar_difusion(sesion_t *s, tcp_t *c, uint64_t limite, int *lineas, int *vistos)
{
    char linea[2048];
    size_t largo;

    while ((*vistos < 2 || *lineas < EN_CAMINO) && cal_ahora_ms() < limite) {
        int r = tcp_linea(c, 200, linea, sizeof linea, &largo);
        if (r < 0) {
            cal_esperar_fin(s->p, 1000); /* la conexión acabó: ¿murió el servidor? */
            break;
        }
        if (r == 0) {
            continue;
        }
        if (strcmp(linea, "* dana ha salido de la sala") == 0 ||
            strcmp(linea, "* eva ha salido de la sala") == 0) {
            (*vistos)++;
        } else if (largo == LINEA_INUNDACION + 4 && strncmp(linea, "ana: xxx", 8) == 0) {
            (*lineas)++;
        }
    }
}

/* dana (cierre normal, FIN) y eva (RST) se van mientras ana difunde: el servidor aún les
 * escribe. La primera escritura a la conexión muerta falla con ECONNRESET y la siguiente,
 * con EPIPE y la señal SIGPIPE, que sin signal(SIGPIPE, SIG_IGN) mata el proceso. Que esas
 * escrituras lleguen antes que la lectura del cierre depende de la carrera; para que sea
 * segura, el servidor se para (SIGSTOP) mientras ana manda EN_CAMINO líneas y los dos cierran:
 * al seguir (SIGCONT), lo de ana está listo ANTES que los cierres (epoll los da en ese orden).
 * Mutante: sin_sigpipe. Y fede, que entró después de eva, las recibe todas también: quien
 * cierra en el acto al cliente cuya escritura falla, dentro de la difusión que recorre la
 * lista, deja sin esa línea a los que van detrás (mutante cierra_al_fallar_en_difusion).
 * 1 si beto2 y fede reciben todas las líneas de ana y los dos avisos. */
static int cierran_en_difusion(sesion_t *s, tcp_t *ana, tcp_t *beto2)
{
    static char bloque[EN_CAMINO * LINEA_INUNDACION];
    tcp_t dana, eva, fede;
    size_t enviado = 0;
    int vistos = 0, lineas = 0, vistos_fede = 0, lineas_fede = 0;
    uint64_t limite;

    if (!chat_entrar(s, &dana, "dana") || !chat_aviso_entrada(s, ana, "dana") ||
        !chat_aviso_entrada(s, beto2, "dana") || !chat_entrar(s, &eva, "eva") ||
        !chat_aviso_entrada(s, ana, "eva") || !chat_aviso_entrada(s, beto2, "eva") ||
        !chat_aviso_entrada(s, &dana, "eva") || !chat_entrar(s, &fede, "fede") ||
        !chat_aviso_entrada(s, ana, "fede") || !chat_aviso_entrada(s, beto2, "fede") ||
        !chat_aviso_entrada(s, &dana, "fede") || !chat_aviso_entrada(s, &eva, "fede")) {
        return 0;
    }
    tcp_vaciar(&dana, 100); /* sin nada por leer, su cierre es un FIN y no un RST */
    for (size_t i = 0; i < sizeof bloque; i += LINEA_INUNDACION) {
        memset(bloque + i, 'x', LINEA_INUNDACION - 1);
        bloque[i + LINEA_INUNDACION - 1] = '\n';
    }
    cal_senal(s->p, SIGSTOP);
    cal_esperar(50);
    while (enviado < sizeof bloque) {
        long n = tcp_enviar_algo(ana, bloque + enviado, sizeof bloque - enviado);
        if (n <= 0) {
            break; /* no cabe más hasta que el servidor lea */
        }
        enviado += (size_t)n;
    }
    tcp_cerrar(&dana);
    tcp_cortar(&eva);
    cal_esperar(50);
    cal_senal(s->p, SIGCONT);
    if (enviado < sizeof bloque && tcp_enviar(ana, bloque + enviado, sizeof bloque - enviado) < 0) {
        cal_esperado("que el servidor siguiera leyendo a ana");
        cal_obtenido("no aceptó sus mensajes");
        chat_sigue_vivo(s);
        return 0;
    }
    /* beto2 lee las líneas de ana y los dos avisos, en cualquier orden entre sí; después fede,
     * a quien el servidor se las tiene en su cola mientras tanto. */
    limite = cal_ahora_ms() + (uint64_t)s->espera + 2000;
    contar_difusion(s, beto2, limite, &lineas, &vistos);
    if (vistos == 2 && lineas == EN_CAMINO) {
        contar_difusion(s, &fede, cal_ahora_ms() + (uint64_t)s->espera + 2000, &lineas_fede,
                        &vistos_fede);
        if (vistos_fede == 2 && lineas_fede == EN_CAMINO) {
            return 1;
        }
        cal_esperado("que fede, que entró en la sala después de eva, también recibiera todas las "
                     "líneas de ana (%d) y los dos avisos de salida",
                     EN_CAMINO);
        cal_obtenido("beto2 las recibió todas, y fede %d de las líneas y %d de los dos avisos",
                     lineas_fede, vistos_fede);
        cal_nota("(dana y eva se fueron mientras ana mandaba líneas: una escritura que falla no "
                 "se atiende dentro del recorrido de la difusión; se apunta al cliente y se le "
                 "cierra al acabar, o los que van detrás en la lista se quedan sin ese mensaje)");
        chat_sigue_vivo(s);
        return 0;
    }
    cal_esperado("que beto2 recibiera todas las líneas de ana (%d), «* dana ha salido de la "
                 "sala» y «* eva ha salido de la sala», y el servidor siguiera sirviendo",
                 EN_CAMINO);
    cal_obtenido("beto2 recibió %d de las líneas de ana (eran %d) y %d de los dos avisos", lineas,
                 EN_CAMINO, vistos);
    cal_nota("(dana cerró su conexión y eva la cortó con RST mientras ana mandaba "
             "líneas (%d), y el servidor aún les escribía)",
             EN_CAMINO);
    /* El consejo de SIGPIPE, solo si es lo que pasó: muerto por ella, que con la caja se ve
     * como código 128 + 13. Con otro final (una fuga de la cola, un aviso que se pierde), el
     * consejo mandaba a buscar donde no estaba el fallo. */
    if (cal_termino(s->p) && cal_codigo(s->p) == 128 + SIGPIPE)
        cal_nota("(el servidor murió por SIGPIPE: escribir en una conexión que el otro extremo "
                 "ya cortó hace que el núcleo la envíe, y por omisión mata el proceso. Haz "
                 "signal(SIGPIPE, SIG_IGN) en main y trata el error de la escritura como un "
                 "corte)");
    chat_sigue_vivo(s);
    return 0;
}

CAL_PRUEBA(corte_brusco, 20)
static void corte_brusco(void)
{
    static const char *const nombres[] = {"ana", "beto", "carla"};
    sesion_t s;
    tcp_t c[3], beto2, anonimo;

    if (!chat_arrancar(&s, 0, 15) || !chat_llenar_sala(&s, c, nombres, 3)) {
        CAL_FIN(0);
    }
    tcp_texto(&c[1], "a medias"); /* sin '\n': se descarta al cortar */
    cal_esperar(200);
    /* Cierre normal (FIN) sin /quit. Solo el lado de beto: así se ve si el servidor cierra
     * después el suyo. Quien avisa y saca a beto de la sala pero no cierra su handle deja la
     * conexión medio abierta (CLOSE_WAIT en el núcleo) con su descriptor y su memoria hasta la
     * parada, donde un uv_walk propio la tapaba (el estudiante de prueba de la sesión 39, 100/100
     * antes). Mutante: eof_sin_cerrar. */
    tcp_medio_cerrar(&c[1]);
    if (!chat_aviso_salida(&s, &c[0], "beto") || !chat_aviso_salida(&s, &c[2], "beto")) {
        cal_nota("(beto mandó «a medias» sin \\n y cerró su conexión sin /quit: el servidor "
                 "lee EOF; lo que quedó a medias se descarta, no se difunde)");
        CAL_FIN(0);
    }
    if (!tcp_esperar_cierre(&c[1], s.espera)) {
        cal_esperado("que, tras el EOF de beto, el servidor cerrara también su lado de la "
                     "conexión");
        cal_obtenido("avisó de su salida, pero %d ms después la conexión seguía abierta por su "
                     "lado: medio abierta, con su descriptor y su memoria, hasta la parada",
                     s.espera);
        cal_nota("(un EOF o un error de lectura es una salida como /quit sin despedida: uv_close "
                 "del cliente, y liberarlo en la callback del cierre)");
        CAL_FIN(0);
    }
    tcp_cerrar(&c[1]);
    tcp_cortar(&c[2]); /* corte brusco: RST */
    if (!chat_aviso_salida(&s, &c[0], "carla")) {
        cal_nota("(carla cortó la conexión con RST: el servidor lee ECONNRESET, no EOF; "
                 "también es una salida)");
        CAL_FIN(0);
    }
    /* El nombre de beto vuelve a estar libre y la sala sigue funcionando. */
    if (!chat_entrar(&s, &beto2, "beto") || !chat_aviso_entrada(&s, &c[0], "beto")) {
        cal_nota("(tras salir, el nombre «beto» debe quedar libre)");
        CAL_FIN(0);
    }
    /* Y la sala cuenta solo a quien sigue en ella: un corte también descuenta. Un servidor que
     * bajaba la cuenta en /quit y al echar a quien no lee, pero no en un corte, respondía
     * «* Conectados (3): ana, beto» (el estudiante de prueba de la sesión 66, 100/100 antes).
     * Mutante: cuenta_sin_restar_en_corte. */
    tcp_texto(&c[0], "/list\n");
    if (!chat_espera_linea(&s, &c[0], "* Conectados (2): ana, beto")) {
        cal_nota("(beto se fue cerrando su conexión y carla cortándola con RST; después entró "
                 "otro beto: en la sala quedan ana y beto, y «/list» cuenta a los que quedan)");
        CAL_FIN(0);
    }
    if (!cierran_en_difusion(&s, &c[0], &beto2)) {
        CAL_FIN(0);
    }
    tcp_texto(&c[0], "¿sigue alguien?\n");
    if (!chat_espera_linea(&s, &beto2, "ana: ¿sigue alguien?")) {
        CAL_FIN(0);
    }
    /* El EOF de quien aún no ha dado su nombre: no hay nadie a quien avisar, pero su conexión
     * también se cierra (quien solo atiende el EOF de los que están en la sala la deja medio
     * abierta hasta la parada). Después del /list: quien además lo descontara de la sala
     * (resta_sin_nombre) lo paga solo en lista. Mutante: eof_sin_nombre_abierto. */
    if (!chat_conectar(&s, &anonimo, "un cliente sin nombre", 0, 0)) {
        CAL_FIN(0);
    }
    tcp_medio_cerrar(&anonimo);
    if (!tcp_esperar_cierre(&anonimo, s.espera)) {
        cal_esperado("que, tras el EOF de un cliente que aún no había dado su nombre, el servidor "
                     "cerrara también su lado de la conexión");
        cal_obtenido("%d ms después el servidor no había cerrado su lado: la conexión queda "
                     "medio abierta, con su descriptor y su memoria, hasta la parada",
                     s.espera);
        cal_nota("(fuera de la sala no hay a quién avisar, pero un EOF es una salida igual: "
                 "uv_close del cliente)");
        CAL_FIN(0);
    }
    tcp_cerrar(&anonimo);
    /* Que escribir a quien ya se fue no lo mate depende del orden: un servidor que agrupa sus
     * escrituras al final de la vuelta lee antes el corte y no llega a escribirle, así que
     * sin SIGPIPE ignorada pasaba (lo vio un estudiante de prueba). Lo que el enunciado pide
     * se mira donde está: la disposición de SIGPIPE del programa, ya en marcha. */
    if (cal_senal_atendida(s.p, SIGPIPE) == 0) {
        cal_esperado("que SIGPIPE no pudiera matar al servidor: signal(SIGPIPE, SIG_IGN) en main "
                     "(o un manejador)");
        cal_obtenido(
            "SIGPIPE sigue con su acción por omisión (ni ignorada, ni capturada, ni "
            "bloqueada): el primer cliente que se vaya mientras el servidor aún le "
            "escribe lo tumbará; en esta verificación no llegó a pasar solo porque atendió los "
            "cortes en un orden afortunado");
        CAL_FIN(0);
    }
    CAL_FIN(1);
}

/* Un cliente que no lee: con una ventana TCP pequeña y sin llamar nunca a recv. Otro
 * inunda la sala y un tercero lee todo. El servidor debe echar al que no lee cuando su cola
 * de escritura pase del límite (1 MiB en el enunciado) en vez de acumular sin fin. */

#define LIMITE_COLA (1u << 20)

/* Lo que el servidor tiró al expulsar a «lento» es lo que le difundió (todo lo que el lector
 * recibió antes del aviso) menos lo que «lento» llegó a recibir (lo que el núcleo ya había
 * aceptado se entrega aunque el servidor cierre): su cola de escritura en ese momento, que
 * debe rondar el límite del enunciado, 1 MiB, y no 64 KiB ni 16 MiB. Un margen de una vuelta
 * de lectura (64 KiB) a cada lado. */
static int limite_bien_medido(uint64_t difundido, uint64_t recibido)
{
    double tirado = ((double)difundido - (double)recibido) / 1048576.0;
    if (tirado < 0.005)
        tirado = 0.0; /* sin «-0.00» */
    /* Recibió todo lo difundido: su cola no se tiró, siguió enviándose (un uv_shutdown, que
     * espera a vaciarla, o la conexión sin cerrar). Dicho así, no como «expulsado con 0 MiB en
     * cola» (el estudiante de prueba de la sesión 28, error 37). */
    if (difundido <= recibido + (64u << 10)) {
        cal_nota("A «lento» se le difundieron %.2f MiB y los recibió todos.",
                 difundido / 1048576.0);
        cal_esperado("que, al echar a «lento», el servidor tirara su cola de escritura (cerca "
                     "de 1 MiB que no llegan a enviarse)");
        cal_obtenido("«lento» recibió todo lo que se le difundió (%.2f MiB): su cola siguió "
                     "enviándose tras echarlo",
                     difundido / 1048576.0);
        cal_nota("(a quien no lee se le cierra con uv_close, que descarta lo que quede en cola; "
                 "uv_shutdown espera a que salga todo, y quien no lee no deja que salga)");
        return 0;
    }
    cal_nota("A «lento» se le difundieron %.2f MiB y recibió %.2f MiB: al expulsarlo, su cola "
             "tenía unos %.2f MiB.",
             difundido / 1048576.0, recibido / 1048576.0, tirado);
    if (difundido < recibido + LIMITE_COLA - (64u << 10) ||
        difundido > recibido + LIMITE_COLA + (128u << 10)) {
        cal_esperado("que «lento» fuera expulsado cuando su cola de escritura pasara de 1 MiB "
                     "(ni mucho antes ni mucho después)");
        cal_obtenido("lo fue con unos %.2f MiB en cola", tirado);
        cal_nota("(la cola es lo que uv_stream_get_write_queue_size() cuenta: lo que el sistema "
                 "operativo aún no aceptó; el límite es 1 MiB = 1024 × 1024 bytes)");
        return 0;
    }
    return 1;
}

/* Tras la expulsión, «lento» ya no cuenta en /list. */
/* Cada línea de la riada llega al lector una vez, también la que hizo pasar a «lento» de
 * 1 MiB: quien lo cierra en el acto, dentro de la difusión que recorre la lista, cambia la
 * lista bajo el bucle y los que van detrás de él se quedan sin ese mensaje. Mutante:
 * expulsa_en_difusion. */
static int riada_entera(uint64_t recibidas, uint64_t enviadas)
{
    if (recibidas == enviadas) {
        return 1;
    }
    cal_esperado("que el lector recibiera cada línea del emisor (%llu), también la que hizo "
                 "pasar a «lento» de 1 MiB",
                 (unsigned long long)enviadas);
    cal_obtenido("recibió %llu", (unsigned long long)recibidas);
    cal_nota("(«lento» entró el primero: si su conexión se cierra en mitad de la difusión, "
             "la lista cambia bajo el bucle que la recorre. Apúntalo y ciérralo cuando la "
             "difusión acabe)");
    return 0;
}

static int lista_tras_expulsion(sesion_t *s, tcp_t *emisor)
{
    char linea[512];

    tcp_texto(emisor, "/list\n");
    for (int i = 0; i < 4; i++) {
        if (!chat_espera_prefijo(s, emisor, "* ", "la respuesta a /list", linea, sizeof linea)) {
            return 0;
        }
        if (strncmp(linea, "* Conectados", 12) == 0) {
            break;
        }
    }
    if (strcmp(linea, "* Conectados (2): lector, emisor") != 0) {
        cal_esperado("que tras expulsar a «lento», «/list» respondiera «* Conectados (2): "
                     "lector, emisor»");
        cal_obtenido("«%.300s»", linea);
        return 0;
    }
    return 1;
}

/* El tope vale para todo lo que se le debe a un cliente, no solo para lo que se difunde:
 * «pesado» entra con la ventana mínima (tcp_abrir_mss: el núcleo del servidor solo le acepta
 * unos 40 KiB), no lee y manda «/list» sin parar. Cada respuesta es suya y solo suya: quien
 * mira la cola solo al difundir lo deja crecer sin fin (a 600 000 «/list», unos 100 MB de
 * memoria en el servidor). Debe salir con el aviso de expulsión y quedar cerrado. Se
 * mandan a lo más PESADO_MAX_MIB de órdenes (unas 40 MiB de respuestas: el límite es 1 MiB).
 * También vale la contrapresión (lección 6): dejar de leer a quien no lee lo que se le
 * contesta. Si el servidor deja de aceptar sus órdenes PESADO_PARADO_MS seguidos con la
 * memoria residente máxima en como mucho MEMORIA_MAXIMA_MIB, su cola no crece: pasa.
 * Mutante: tope_solo_al_difundir. */
#define PESADO_MAX_MIB   6
#define PESADO_PARADO_MS 2000

static int echa_al_que_pide_sin_leer(sesion_t *s, tcp_t *lector, tcp_t *emisor)
{
    static char ordenes[6 * 1024 * 6]; /* 6144 «/list\n» */
    tcp_t pesado;
    char linea[2048];
    size_t largo, en_bloque = 0;
    uint64_t enviados = 0, limite, avance;
    int fuera = 0;

    for (size_t i = 0; i < sizeof ordenes; i += 6) {
        memcpy(ordenes + i, "/list\n", 6);
    }
    if (!chat_entrar_con(s, &pesado, "pesado", 1, 536) ||
        !chat_aviso_entrada(s, lector, "pesado") || !chat_aviso_entrada(s, emisor, "pesado")) {
        return 0;
    }
    limite = cal_ahora_ms() + 12000;
    avance = cal_ahora_ms();
    while (!fuera && cal_ahora_ms() < limite && enviados < ((uint64_t)PESADO_MAX_MIB << 20)) {
        long w = tcp_enviar_algo(&pesado, ordenes + en_bloque, sizeof ordenes - en_bloque);
        if (w < 0) {
            break; /* lo cerró: se verá en el aviso */
        }
        if (w > 0) {
            avance = cal_ahora_ms();
        } else if (cal_ahora_ms() > avance + PESADO_PARADO_MS) {
            uint64_t pico = cal_memoria_pico_kib(s->p);
            if (pico > 0 && pico <= (uint64_t)MEMORIA_MAXIMA_MIB * 1024) {
                cal_nota("El servidor dejó de leer a «pesado» tras %.1f MiB de «/list» "
                         "(contrapresión), con %llu KiB de memoria residente máxima.",
                         enviados / 1048576.0, (unsigned long long)pico);
                return 1;
            }
            break;
        }
        enviados += (uint64_t)w;
        en_bloque = (en_bloque + (size_t)w) % sizeof ordenes;
        while (tcp_linea(lector, 0, linea, sizeof linea, &largo) == 1) {
            if (strcmp(linea, "* pesado ha salido de la sala (no leía sus mensajes)") == 0) {
                fuera = 1;
            }
        }
        tcp_recibir(lector, w == 0 ? 5 : 0);
    }
    limite = cal_ahora_ms() + (uint64_t)s->espera;
    while (!fuera && cal_ahora_ms() < limite) {
        int r = tcp_linea(lector, 100, linea, sizeof linea, &largo);
        if (r < 0) {
            break;
        }
        fuera =
            r == 1 && strcmp(linea, "* pesado ha salido de la sala (no leía sus mensajes)") == 0;
    }
    if (!fuera) {
        cal_esperado("que el servidor desconectara a «pesado», que manda «/list» sin parar y "
                     "no lee, cuando su cola de escritura (también las respuestas a sus órdenes) "
                     "pasara de 1 MiB, y el lector recibiera "
                     "«* pesado ha salido de la sala (no leía sus mensajes)»");
        cal_obtenido(
            "tras %.1f MiB de «/list» (unos %.0f MiB de respuestas), «pesado» seguía conectado",
            enviados / 1048576.0, enviados / 6.0 * 40 / 1048576.0);
        cal_nota("(el tope de 1 MiB es para la cola de escritura entera de cada cliente: "
                 "también lo que se le contesta a él, no solo lo que se difunde)");
        chat_sigue_vivo(s);
        return 0;
    }
    if (!tcp_esperar_cierre(&pesado, s->espera)) {
        cal_esperado("que la conexión de «pesado» quedara cerrada tras el aviso");
        cal_obtenido("seguía abierta");
        return 0;
    }
    return 1;
}

/* Tras expulsar a «lento», la riada sigue hasta RIADA_ENTREGADA_MIB hacia el lector, que lo lee
 * todo: lo ya entregado no es de nadie, y el servidor tiene que soltarlo en la callback de cada
 * escritura. Quien guardaba las escrituras terminadas y las liberaba al salir pasaba valgrind
 * (nada se pierde) y todo lo demás, con la memoria creciendo con cada mensaje (el estudiante de
 * prueba de la sesión 66, 100/100 antes). Mutante: escrituras_liberadas_al_salir. */
#define RIADA_ENTREGADA_MIB 24

/* La riada no tiene plazo de reloj, que la carga de la máquina agota (el mutante
 * duerme_tras_escribir, con otra calificación al lado, no llegaba a 24 MiB en 12 s y perdía
 * esta verificación además de la suya): tiene RIADA_PROPIO_MS del tiempo propio del servidor
 * (cal_tiempo_propio_t, como carga_200: en la CPU o dormido; lo que espera su turno no cuenta)
 * y acaba antes si se le ve dormido s.espera ms seguidos sin que nada avance. La solución
 * difunde los 24 MiB en menos de 1 s (la verificación entera, 1.1 s). */
#define RIADA_PROPIO_MS 12000

/* Por qué acabó la riada antes de tiempo, para el informe: lo que sigue a «tras enviar N MiB a
 * la sala» (`veredicto` 0) o a «llegaron solo N MiB» (`veredicto` 1, con el juicio). Las mismas
 * condiciones que cortan el bucle de cliente_lento: `parada_ms` es su s.espera. */
static const char *riada_cortada(uint64_t propio_ms, const cal_tiempo_propio_t *t,
                                 uint64_t parada_ms, int veredicto, char *buf, size_t tam)
{
    if (propio_ms >= RIADA_PROPIO_MS) {
        snprintf(buf, tam, "en %d s de tiempo propio del servidor (en la CPU o dormido)%s",
                 RIADA_PROPIO_MS / 1000, veredicto ? ": difunde demasiado despacio" : "");
    } else if (t->quieto >= parada_ms) {
        snprintf(buf, tam, "%s: pasó %.1f s dormido sin que el emisor ni el lector avanzaran",
                 veredicto ? "y el servidor dejó de difundir" : "hasta que la sala se paró",
                 t->quieto / 1000.0);
    } else {
        snprintf(buf, tam, "en el tiempo de la verificación");
    }
    return buf;
}

/* 1 si la memoria residente máxima del servidor (VmHWM) no pasó de MEMORIA_MAXIMA_MIB durante
 * la riada de `enviados` bytes. */
static int memoria_tras_la_riada(sesion_t *s, uint64_t enviados)
{
    uint64_t pico = chat_memoria_pico(s);

    if (pico == 0) {
        return 0;
    }
    if (pico > (uint64_t)MEMORIA_MAXIMA_MIB * 1024) {
        cal_esperado("memoria residente máxima (VmHWM) de %d MiB como mucho tras difundir "
                     "%.0f MiB a un lector que lo lee todo (y 1 MiB a «lento», al que se "
                     "expulsa)",
                     MEMORIA_MAXIMA_MIB, enviados / 1048576.0);
        cal_obtenido("llegó a %llu MiB: lo que ya se entregó sigue en la memoria del servidor",
                     (unsigned long long)(pico / 1024));
        cal_nota("(el búfer de cada escritura se libera en su callback, en cuanto libuv "
                 "termina con él; guardarlo hasta el final no es una fuga para valgrind, pero "
                 "la memoria crece con cada mensaje)");
        return 0;
    }
    cal_nota("Tras difundir %.0f MiB, memoria residente máxima de %llu KiB.", enviados / 1048576.0,
             (unsigned long long)pico);
    return 1;
}

CAL_PRUEBA(cliente_lento, 30)
static void cliente_lento(void)
{
    static const char *const nombres[] = {"lector", "emisor"};
    sesion_t s;
    tcp_t lento, c[2];
    char bloque[64 * LINEA_INUNDACION];
    char linea[2048];
    size_t largo;
    uint64_t enviados = 0, limite, difundidas = 0, todas = 0, al_expulsar = 0;
    uint64_t propio_ms = 0, mirada = 0, hecho = 0;
    cal_tiempo_propio_t propio;
    size_t en_bloque = 0;
    int expulsado = 0;
    char aviso[256] = "", corte[128];

    if (!chat_arrancar(&s, 0, 25)) {
        CAL_FIN(0);
    }
    if (!chat_sala_con_lento(&s, &lento, c, nombres)) {
        CAL_FIN(0);
    }
    for (size_t i = 0; i < sizeof bloque; i += LINEA_INUNDACION) {
        memset(bloque + i, 'x', LINEA_INUNDACION - 1);
        bloque[i + LINEA_INUNDACION - 1] = '\n';
    }
    cal_tiempo_propio_empezar(&propio, s.p);
    while ((!expulsado || enviados < ((uint64_t)RIADA_ENTREGADA_MIB << 20)) &&
           enviados < MAX_INUNDACION && propio_ms < RIADA_PROPIO_MS &&
           propio.quieto < (uint64_t)s.espera) {
        /* No adelantarse más de 512 KiB al lector: así el lector nunca es «lento». */
        if (enviados < c[0].recibidos + (512u << 10)) {
            /* A trozos desalineados (comun.h, TROZO_DESALINEADO). */
            size_t pedir = sizeof bloque - en_bloque;
            if (pedir > TROZO_DESALINEADO)
                pedir = TROZO_DESALINEADO;
            long w = tcp_enviar_algo(&c[1], bloque + en_bloque, pedir);
            if (w < 0) {
                cal_esperado("que el emisor pudiera seguir escribiendo");
                cal_obtenido("el servidor cerró su conexión: %s", error_texto((int)w));
                chat_sigue_vivo(&s);
                CAL_FIN(0);
            }
            enviados += (uint64_t)w;
            en_bloque = (en_bloque + (size_t)w) % sizeof bloque;
        }
        while (tcp_linea(&c[0], 0, linea, sizeof linea, &largo) == 1) {
            if (strncmp(linea, "* lento ha salido de la sala", 28) == 0) {
                expulsado = 1;
                al_expulsar = enviados;
                snprintf(aviso, sizeof aviso, "%.200s", linea);
            } else if (largo == LINEA_DIFUNDIDA - 1) {
                difundidas += !expulsado;
                todas++;
            }
        }
        if (c[0].fin) {
            cal_esperado("que el lector (que sí lee) siguiera conectado");
            cal_obtenido("el servidor cerró su conexión");
            chat_sigue_vivo(&s);
            CAL_FIN(0);
        }
        tcp_recibir(&c[0], 5);
        /* Una mirada a /proc cada 20 ms como mucho: la riada no espera al calificador. */
        if (cal_ahora_ms() >= mirada + 20) {
            uint64_t ahora = enviados + c[0].recibidos;
            propio_ms = cal_tiempo_propio_mirar(&propio, s.p, ahora != hecho);
            hecho = ahora;
            mirada = cal_ahora_ms();
        }
    }
    if (!expulsado) {
        cal_esperado("que el servidor desconectara a «lento» (no lee) y el lector recibiera "
                     "«* lento ha salido de la sala …»");
        cal_obtenido("tras enviar %.1f MiB a la sala %s, «lento» seguía conectado",
                     enviados / 1048576.0,
                     riada_cortada(propio_ms, &propio, (uint64_t)s.espera, 0, corte, sizeof corte));
        cal_nota("(«lento» tiene una ventana TCP de 4 KiB y nunca lee: todo lo que se le "
                 "manda se acumula en la cola de escritura del servidor. Mira "
                 "uv_stream_get_write_queue_size)");
        chat_sigue_vivo(&s);
        CAL_FIN(0);
    }
    cal_nota("«lento» fue desconectado tras %.1f MiB enviados a la sala.", al_expulsar / 1048576.0);
    if (strcmp(aviso, "* lento ha salido de la sala (no leía sus mensajes)") != 0) {
        cal_esperado("el aviso exacto «* lento ha salido de la sala (no leía sus mensajes)»");
        cal_obtenido("«%s»", aviso);
        CAL_FIN(0);
    }
    if (!tcp_esperar_cierre(&lento, s.espera)) {
        cal_esperado("que la conexión de «lento» quedara cerrada tras el aviso");
        cal_obtenido("seguía abierta");
        CAL_FIN(0);
    }
    if (!limite_bien_medido(difundidas * LINEA_DIFUNDIDA, lento.recibidos)) {
        CAL_FIN(0);
    }
    if (enviados < ((uint64_t)RIADA_ENTREGADA_MIB << 20)) {
        cal_esperado("que la sala difundiera %d MiB del emisor al lector en %d s de tiempo "
                     "propio del servidor",
                     RIADA_ENTREGADA_MIB, RIADA_PROPIO_MS / 1000);
        cal_obtenido("llegaron solo %.1f MiB %s", enviados / 1048576.0,
                     riada_cortada(propio_ms, &propio, (uint64_t)s.espera, 1, corte, sizeof corte));
        chat_sigue_vivo(&s);
        CAL_FIN(0);
    }
    if (!memoria_tras_la_riada(&s, enviados)) {
        CAL_FIN(0);
    }
    /* La sala sigue: el emisor acaba su línea a medias, habla, y el lector lo oye tras lo que
     * quede de la riada. */
    if (en_bloque % LINEA_INUNDACION != 0) {
        size_t resto = LINEA_INUNDACION - en_bloque % LINEA_INUNDACION;
        tcp_enviar(&c[1], bloque + en_bloque, resto);
        enviados += resto;
    }
    tcp_texto(&c[1], "después\n");
    limite = cal_ahora_ms() + 5000;
    while (cal_ahora_ms() < limite) {
        int r = tcp_linea(&c[0], 100, linea, sizeof linea, &largo);
        if (r == 1 && strcmp(linea, "emisor: después") == 0) {
            CAL_FIN(riada_entera(todas, enviados / LINEA_INUNDACION) &&
                    lista_tras_expulsion(&s, &c[1]) && echa_al_que_pide_sin_leer(&s, &c[0], &c[1]));
        }
        if (r == 1 && largo == LINEA_DIFUNDIDA - 1) {
            todas++;
        }
        if (r < 0) {
            break;
        }
    }
    cal_esperado("que tras expulsar a «lento» la sala siguiera funcionando");
    cal_obtenido("el lector no recibió «emisor: después»");
    chat_sigue_vivo(&s);
    CAL_FIN(0);
}

/* 200 clientes; cada uno manda 5 mensajes de una vez. Cada mensaje debe llegar a los otros
 * 199 exactamente una vez y en el orden en que lo mandó su remitente. */
#define CARGA_N 200
#define CARGA_M 5

/* Lo que carga_200 espera al servidor no es el reloj, que la carga de la máquina agota (en
 * Debian 13 con carga 43, cada parada de strace -k en un accept4 costaba unos 80 ms: 16–20 s
 * para las 200 bienvenidas de la solución, sin un hueco de más de 0.6 s), sino su tiempo
 * propio (cal_tiempo_propio_t: en la CPU o dormido). Y «sin avances» es el tiempo que se le
 * ve dormido sin que ningún cliente avance. */
CAL_PRUEBA(carga_200, 40)
static void carga_200(void)
{
    sesion_t s;
    tcp_t *c = calloc(CARGA_N, sizeof *c);
    int(*siguiente)[CARGA_N] = calloc(CARGA_N, sizeof *siguiente);
    int recibidos[CARGA_N] = {0};
    int fase[CARGA_N] = {0}; /* 0: espera pregunta, 1: espera bienvenida, 2: dentro */
    struct pollfd pfd[CARGA_N];
    char linea[512], nombre[16], esperado[96];
    size_t largo;
    cal_tiempo_propio_t t;
    int dentro = 0, completos = 0, ok = 0;
    long malos = 0;
    char primer_error[600] = "";

    if (c == NULL || siguiente == NULL) {
        cal_esperado("reservar memoria para la verificación");
        cal_obtenido("error del calificador: calloc falló");
        goto fin;
    }
    if (!chat_arrancar(&s, 0, 35)) {
        goto fin;
    }
    for (int i = 0; i < CARGA_N; i++) {
        snprintf(nombre, sizeof nombre, "u%03d", i);
        int r = tcp_abrir(&c[i], s.puerto, nombre, 0);
        if (r < 0) {
            cal_esperado("poder conectar 200 clientes a la vez");
            cal_obtenido("el cliente %d no pudo conectar: %s", i, error_texto(r));
            chat_sigue_vivo(&s);
            goto fin;
        }
        snprintf(esperado, sizeof esperado, "%s\n", nombre);
        tcp_texto(&c[i], esperado);
    }
    /* Todos dentro: pregunta y bienvenida; los avisos de entrada se ignoran. Hasta 15 s del
     * servidor (cal_tiempo_propio_t), y sin que pase 3 s dormido sin que nadie avance. */
    cal_tiempo_propio_empezar(&t, s.p);
    int antes = 0, pasos = 0;
    while (dentro < CARGA_N && cal_tiempo_propio_mirar(&t, s.p, pasos != antes) < 15000 &&
           t.quieto < (uint64_t)s.espera) {
        antes = pasos;
        for (int i = 0; i < CARGA_N; i++) {
            pfd[i] = (struct pollfd){.fd = c[i].fd, .events = POLLIN};
        }
        poll(pfd, CARGA_N, 20);
        cal_esperar(0);
        for (int i = 0; i < CARGA_N; i++) {
            if (fase[i] == 2 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            tcp_recibir(&c[i], 0);
            while (fase[i] < 2 && tcp_linea(&c[i], 0, linea, sizeof linea, &largo) == 1) {
                snprintf(esperado, sizeof esperado, "* Hola, %s. Órdenes: /list, /quit",
                         c[i].etiqueta);
                if (fase[i] == 0 && strcmp(linea, PREGUNTA) == 0) {
                    fase[i] = 1;
                    pasos++;
                } else if (fase[i] == 1 && strcmp(linea, esperado) == 0) {
                    fase[i] = 2;
                    dentro++;
                    pasos++;
                } else if (fase[i] == 1 && linea[0] == '*') {
                    continue;
                } else {
                    cal_esperado("que %s recibiera la pregunta y después su bienvenida",
                                 c[i].etiqueta);
                    cal_obtenido("recibió «%.200s»", linea);
                    goto fin;
                }
            }
        }
    }
    if (dentro < CARGA_N) {
        cal_esperado("que los 200 clientes recibieran su bienvenida");
        cal_obtenido("la recibieron solo %d de los 200 clientes (se esperó al servidor hasta 15 s, "
                     "en la CPU o "
                     "dormido, y como mucho 3 s con él dormido sin que ningún cliente avanzara; "
                     "se le vio dormido %.1f s)",
                     dentro, t.dormido / 1000.0);
        chat_sigue_vivo(&s);
        goto fin;
    }
    /* Cada uno manda sus 5 mensajes en una sola escritura. */
    for (int i = 0; i < CARGA_N; i++) {
        char bloque[CARGA_M * 32];
        size_t n = 0;
        for (int j = 0; j < CARGA_M; j++) {
            n += (size_t)snprintf(bloque + n, sizeof bloque - n, "m%d de %s\n", j, c[i].etiqueta);
        }
        if (tcp_enviar(&c[i], bloque, n) < 0) {
            cal_esperado("poder enviar los mensajes");
            cal_obtenido("el servidor cerró la conexión de %s", c[i].etiqueta);
            goto fin;
        }
    }
    /* Hasta 20 s del servidor, y sin que pase 3 s dormido sin que nadie avance. */
    cal_tiempo_propio_empezar(&t, s.p);
    long entregas = 0, vistas = 0;
    while (completos < CARGA_N && cal_tiempo_propio_mirar(&t, s.p, entregas != vistas) < 20000 &&
           t.quieto < (uint64_t)s.espera) {
        vistas = entregas;
        for (int i = 0; i < CARGA_N; i++) {
            pfd[i] = (struct pollfd){.fd = c[i].fd, .events = POLLIN};
        }
        poll(pfd, CARGA_N, 20);
        cal_esperar(0);
        for (int i = 0; i < CARGA_N; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            tcp_recibir(&c[i], 0);
            while (tcp_linea(&c[i], 0, linea, sizeof linea, &largo) == 1) {
                int k, j;
                char de[16];
                if (linea[0] == '*') {
                    continue; /* avisos de entrada de los que llegaron después */
                }
                /* La línea exacta, «uK: mJ de uK»: el texto llega tal cual lo mandó uK. */
                char exacta[48] = "";
                int leidos = sscanf(linea, "u%3d: m%d de %15s", &k, &j, de);
                if (leidos == 3) {
                    snprintf(exacta, sizeof exacta, "u%03d: m%d de u%03d", k, j, k);
                }
                if (leidos != 3 || k < 0 || k >= CARGA_N || k == i || j != siguiente[i][k] ||
                    strcmp(linea, exacta) != 0) {
                    if (malos++ == 0) {
                        snprintf(
                            primer_error, sizeof primer_error, "%s recibió «%.200s»%s",
                            c[i].etiqueta, linea,
                            (sscanf(linea, "u%3d:", &k) == 1 && k == i) ? " (¡su propio mensaje!)"
                            : (leidos == 3 && strcmp(linea, exacta) != 0)
                                ? " (no es el texto que mandó su remitente, «uK: mJ de uK»)"
                            : (sscanf(linea, "u%3d: m%d", &k, &j) == 2 && k >= 0 && k < CARGA_N)
                                ? " (fuera de orden, repetido o tras perder otro)"
                                : "");
                    }
                    continue;
                }
                siguiente[i][k]++;
                entregas++;
                if (++recibidos[i] == (CARGA_N - 1) * CARGA_M) {
                    completos++;
                }
            }
            if (c[i].fin && recibidos[i] < (CARGA_N - 1) * CARGA_M) {
                cal_esperado("que ningún cliente fuera desconectado");
                cal_esperar(0);
                if (cal_termino(s.p)) {
                    cal_obtenido("la conexión de %s se cerró cuando había recibido %d %s de %d "
                                 "porque el servidor ya había terminado",
                                 c[i].etiqueta, recibidos[i],
                                 texto_plural(recibidos[i], "mensaje", "mensajes"),
                                 (CARGA_N - 1) * CARGA_M);
                } else {
                    cal_obtenido("el servidor cerró la conexión de %s cuando había recibido %d "
                                 "%s de %d",
                                 c[i].etiqueta, recibidos[i],
                                 texto_plural(recibidos[i], "mensaje", "mensajes"),
                                 (CARGA_N - 1) * CARGA_M);
                }
                chat_sigue_vivo(&s);
                goto fin;
            }
        }
        if (malos > 0) {
            break;
        }
    }
    if (malos > 0) {
        cal_esperado("cada mensaje en los otros 199 clientes, una sola vez y en el orden de su "
                     "remitente");
        cal_obtenido("%s", primer_error);
        goto fin;
    }
    if (completos < CARGA_N) {
        long total = 0;
        for (int i = 0; i < CARGA_N; i++) {
            total += recibidos[i];
        }
        cal_esperado("entregas: %d (200 clientes × 5 mensajes × 199 destinatarios)",
                     CARGA_N * (CARGA_N - 1) * CARGA_M);
        cal_obtenido("entregas: %ld; clientes que lo recibieron todo: %d (se esperó al servidor "
                     "hasta 20 s, en la CPU o dormido, y como mucho 3 s con él dormido sin que "
                     "llegara ninguna)",
                     total, completos);
        chat_sigue_vivo(&s);
        goto fin;
    }
    ok = chat_sigue_vivo(&s);
fin:
    if (c != NULL) {
        for (int i = 0; i < CARGA_N; i++) {
            if (c[i].buf != NULL || c[i].fd > 0) {
                tcp_cerrar(&c[i]);
            }
        }
    }
    free(c);
    free(siguiente);
    CAL_FIN(ok);
}
