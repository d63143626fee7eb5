/* parada.c — Ctrl+C: con una descarga lenta en curso y otra aún escribiéndose en un disco
 * lento, el programa cancela, guarda lo recibido en su .parte, cierra en orden y sale con
 * 130; bajo valgrind, sin nada en uso al salir. */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cierre ordenado, visto desde fuera: Ctrl+C bajo valgrind con una descarga lenta en curso.
 * Quien imprime el resumen y sale con exit(130) desde una callback da el mismo código, los
 * mismos .parte y la misma salida, pero valgrind ve el bucle sin liberar
 * (cal_valgrind_cerrado). Las fugas son de «valgrind». 1, o 0 con el motivo. */
static int sigint_cerrado(cal_servidor_t *s, char *motivo, size_t tam)
{
    carpeta_t c;
    if (desc_carpeta(&c) < 0) {
        snprintf(motivo, tam, "no se pudo preparar la carpeta (error del calificador)");
        return 0;
    }
    char u[128], b[200];
    desc_bytes_url(u, sizeof u, 2000000, desc_semilla_nueva(), "&kbps=300");
    /* -t explícito: bajo valgrind el primer byte tarda, y aquí no se juzga -t. */
    const char *args[] = {"-t", "60000", desc_arg(b, sizeof b, desc_nombre("lenta.bin"), u), NULL};
    cal_proceso_t *p = desc_lanzar(s, &c, args, 40, 1, 0);
    if (p == NULL) {
        snprintf(motivo, tam, "%s (bajo valgrind)", cal_lanzar_motivo());
        return 0;
    }
    for (int espera = 0; espera < 20000 && !cal_termino(p); espera += 50) {
        if (desc_tam_archivo(c.dir, desc_nombre("lenta.bin.parte")) > 0)
            break;
        cal_esperar(50);
    }
    cal_senal(p, SIGINT);
    char f[128];
    int cod = desc_fin(p, 15000);
    if (cod != 130 && cod != CAL_CODIGO_VALGRIND) {
        snprintf(motivo, tam, "bajo valgrind, tras SIGINT: %s (se espera 130)",
                 desc_como(p, cod, f, sizeof f));
        cal_nota_salida(p, 6);
        return 0;
    }
    char m[300];
    if (!cal_valgrind_cerrado(p, m, sizeof m)) {
        snprintf(motivo, tam, "bajo valgrind, tras SIGINT: %s", m);
        cal_valgrind_nota(p);
        return 0;
    }
    return 1;
}

/* El disco lento de sigint: cada uv_fs_write de pendiente.bin tarda esto (la primera, de un
 * trozo, acaba mucho después de la señal), y lo que puede faltar en su .parte respecto a la
 * línea PROGRESO (un trozo que curl ya contó al pausar y no llegó a al_recibir). */
#define SIGINT_LENTO_MS 1200
/* Tras Ctrl+C, salir es cancelar, escribir lo recibido y cerrar: milisegundos. Quien deja
 * vencer la espera de un reintento tarda lo que le queda de ella (la cuarta: 1.6 s o más). */
#define SIGINT_SALIDA_MS 1000
/* Cuánto después de verse en el registro la quinta petición de s2 llega Ctrl+C: el corte ya
 * se vio y s2 está en su quinta espera (3.2–4.8 s), que no llega a vencer sin pasar de
 * SIGINT_SALIDA_MS. */
#define SIGINT_TRAS_QUINTA_MS 500
#define SIGINT_HOLGURA        (64 * 1024)

/* Los bytes que dice la última línea PROGRESO de `nombre` (0 si no hay ninguna). */
static uint64_t progreso_dice(cal_proceso_t *p, const char *nombre)
{
    char lp[256], w[32];
    int k = cal_contar(cal_salida(p), "PROGRESO", nombre);
    if (k <= 0 || cal_linea(cal_salida(p), "PROGRESO", nombre, k - 1, lp, sizeof lp) < 0 ||
        cal_palabra(lp, 3, w, sizeof w) == NULL)
        return 0;
    return strtoull(w, NULL, 10);
}

/* Cuándo llega Ctrl+C a la corrida del disco lento: lo decide lo que se ve desde fuera, no
 * las líneas del programa. acabada.bin (menos de 1 MiB, sin pausa) sale entera del servidor
 * enseguida, y su primera escritura, de un trozo, tarda SIGINT_LENTO_MS: desde que el
 * registro del servidor la da por mandada hay SIGINT_LEIDA_MS para que el programa lea lo que
 * quedaba en el socket, y a partir de ahí Ctrl+C la encuentra recibida entera y casi toda sin
 * escribir (lo juzga el registro, no el programa). Se espera entonces a que una línea
 * PROGRESO de pendiente.bin diga 1 MiB o más, como mucho hasta SIGINT_TOPE_MS después: antes
 * se esperaba solo a esa línea, y quien contaba en <bytes> lo escrito y no lo recibido (o no
 * escribía ninguna) recibía la señal con la cola ya escrita, o solo una nota, y tirar la cola
 * al llegar Ctrl+C pasaba (mutante parar_sin_escribir_progreso_en_disco). Lo que diga esa
 * línea se compara después con el .parte de pendiente.bin: lo que el programa dice haber
 * recibido es lo mínimo que tiene que escribir. */
#define SIGINT_LEIDA_MS 300
#define SIGINT_TOPE_MS  700

/* Lo de arriba: 1 si ya toca la señal de `p` (y entonces la manda y deja en *dicho los bytes
 * que decía la última línea PROGRESO de pendiente.bin, 0 si ninguna). `u5` es la URL de
 * acabada.bin y `tam5` su tamaño. *vistas pasa a 1 en cuanto se ve, con `p` vivo, alguna línea
 * PROGRESO de pendiente.bin. */
static int senal_con_pendiente(cal_proceso_t *p, cal_servidor_t *s, const char *u5, uint64_t tam5,
                               uint64_t *dicho, int *vistas)
{
    if (cal_termino(p))
        return 0;
    if (cal_contar(cal_salida(p), "PROGRESO", desc_nombre("pendiente.bin")) > 0)
        *vistas = 1;
    cal_peticion_t v5[2];
    if (desc_registro_de(s, u5, v5, 2) != 1 || v5[0].bytes != tam5)
        return 0;
    uint64_t ahora = cal_ahora_ms(), n = progreso_dice(p, desc_nombre("pendiente.bin"));
    if (ahora < v5[0].fin_ms + SIGINT_LEIDA_MS ||
        (n < 1048576 && ahora < v5[0].fin_ms + SIGINT_TOPE_MS))
        return 0;
    *dicho = n;
    cal_senal(p, SIGINT);
    return 1;
}

CAL_PRUEBA(sigint, 60)
static void sigint(void)
{
    cal_esperado("Ctrl+C a media descarga (-c 2 -r 8: una descargando tras tres 503, otra "
                 "esperando un reintento y una tercera esperando turno): sale con 130 enseguida, "
                 "en menos de 1 s (sin dejar que venza la espera del reintento, ni esperar para "
                 "reintentar la cancelada: no es un fallo pasajero) y sin ninguna petición "
                 "después de la señal. Escribe «ERROR …» por cada descarga (también la que "
                 "esperaba) y deja cada .parte con los bytes recibidos (un prefijo exacto), sin "
                 "nombres finales. Con un disco lento, Ctrl+C con más de 1 MiB recibido y sin "
                 "escribir: lo recibido llega al .parte antes de salir, también en otra que ya lo "
                 "había recibido todo y aún lo escribía (OK o su .parte entero). Y, bajo "
                 "valgrind, cierra en orden (nada alcanzable sin liberar al salir)");
    carpeta_t c;
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0 || desc_carpeta(&c) < 0)
        CAL_FIN(0);
    uint64_t sem[2] = {desc_semilla_nueva(), desc_semilla_nueva()};
    char u[3][128], b[3][200];
    /* s1 recibe tres 503 (con sus esperas: 1.4–2.1 s) y su cuarta petición descarga despacio
     * (1.8–2.2 MB a 300 KiB/s: 6 s o más) cuando llega la señal: si cancelarla contara como
     * fallo pasajero, su cuarto reintento (1.6 s o más de espera) retrasaría la salida; con la
     * primera petición solo eran 200–300 ms, y no se veía. -r 8 y no 4: los reintentos de s1
     * y s2 no llegan a 8 ni contando los dos juntos, así que un contador de reintentos común a
     * todas (que ya pierde reintentos) no hace acabar el programa antes de la señal. */
    char extra1[64];
    snprintf(extra1, sizeof extra1, "&kbps=300&fallos=3&id=s1%llu", (unsigned long long)sem[0]);
    desc_bytes_url(u[0], sizeof u[0], (uint64_t)cal_azar(1800000, 2200000), sem[0], extra1);
    /* s2 se corta enseguida y pasa 3 s o más esperando sus reintentos: la señal llega en su
     * quinta espera (3.2–4.8 s; a los 3.0–4.5 s de empezar, cuando s1 ya descarga), y tras ella
     * no sale ninguna petición más ni se espera a que venza. */
    uint64_t corte2 = (uint64_t)cal_azar(20000, 100000);
    char extra2[32];
    snprintf(extra2, sizeof extra2, "&cortar=%llu", (unsigned long long)corte2);
    desc_bytes_url(u[1], sizeof u[1], (uint64_t)cal_azar(1200000, 1600000), sem[1], extra2);
    /* s3 espera turno; también es lenta, para que, si empezara antes de tiempo, siguiera a
     * medias al llegar la señal (lo del hueco lo juzga concurrencia_maxima). */
    desc_bytes_url(u[2], sizeof u[2], (uint64_t)cal_azar(1200000, 1600000), desc_semilla_nueva(),
                   "&kbps=300");
    const char *args[] = {"-c",
                          "2",
                          "-r",
                          "8",
                          desc_arg(b[0], sizeof b[0], desc_nombre("s1.bin"), u[0]),
                          desc_arg(b[1], sizeof b[1], desc_nombre("s2.bin"), u[1]),
                          desc_arg(b[2], sizeof b[2], desc_nombre("s3.bin"), u[2]),
                          NULL};
    cal_proceso_t *p = desc_lanzar(s, &c, args, 20, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* A la vez, con un disco lento: pendiente.bin llega de una vez y cada uv_fs_write tarda
     * SIGINT_LENTO_MS, así que con más de 1 MiB en la cola la transferencia se pausa con casi
     * todo sin escribir. Ctrl+C llega antes de que acabe la primera escritura (cuándo, lo
     * decide senal_con_pendiente con el registro del servidor): lo ya recibido debe llegar al
     * .parte. */
    carpeta_t c4;
    char b4[200], u4[128], b5[200], u5[128];
    uint64_t sem4 = desc_semilla_nueva();
    /* Y a su lado, acabada.bin: más corta que 1 MiB, llega entera enseguida (su transferencia
     * acaba sin pausa) y queda escribiéndose en el disco lento cuando llega Ctrl+C. No tiene
     * petición que cancelar, pero lo recibido es suyo: acaba OK o con su .parte entero. */
    uint64_t sem5 = desc_semilla_nueva(), tam5 = (uint64_t)cal_azar(400000, 700000);
    const char *args4[] = {desc_arg(b4, sizeof b4, desc_nombre("pendiente.bin"),
                                    desc_bytes_url(u4, sizeof u4, 3000000, sem4, NULL)),
                           desc_arg(b5, sizeof b5, desc_nombre("acabada.bin"),
                                    desc_bytes_url(u5, sizeof u5, tam5, sem5, NULL)),
                           NULL};
    cal_proceso_t *p4 = NULL;
    if (!desc_lanzar_disco_lento(s, &c4, args4, SIGINT_LENTO_MS,
                                 "Ctrl+C tira lo que ya se recibió y aún no se había escrito", &p4))
        CAL_FIN(0);
    uint64_t dicho4 = 0, senal4_ms = 0;
    long long t4 = -1;
    int senal4 = 0, vistas4 = 0, entera5 = 0;
    /* SIGINT en cuanto el servidor ha visto el cuarto reintento de s2 y los tres 503 de s1, y
     * s1 ya recibe: s2 está entonces en su quinta espera (3.2–4.8 s). Quien no la cancela con
     * la señal sale cuando vence: 3 s o más después. s1 sigue descargando (la señal llega a
     * los 3–4.5 s). Que s1 ya reciba se ve en su .parte o en los bytes de su última línea
     * PROGRESO (un programa que guarda el cuerpo en memoria no escribe el .parte hasta el
     * final: eso lo juzga memoria). Y no en cuanto se ve: SIGINT_TRAS_QUINTA_MS después. Con
     * la señal justo al verse la quinta petición de s2, el programa aún no había visto el
     * corte (o aún escribía lo recibido) y la cancelaba como una transferencia en curso: quien
     * no para el temporizador de la espera sacaba igual el 100 (el estudiante de la ronda del
     * 05-12-2026). La quinta espera dura 3.2 s o más: queda de sobra. */
    uint64_t vista5_ms = 0;
    for (int espera = 0; espera < 10000 && !cal_termino(p); espera += 20) {
        cal_peticion_t w0[6], w1[4];
        if (p4 != NULL && !senal4) {
            senal4 = senal_con_pendiente(p4, s, u5, tam5, &dicho4, &vistas4);
            senal4_ms = cal_ahora_ms();
        }
        if (vista5_ms == 0 && cal_registro_ruta(s, u[1], w0, 6) >= 5 &&
            cal_registro_ruta(s, u[0], w1, 4) >= 3 &&
            (desc_tam_archivo(c.dir, desc_nombre("s1.bin.parte")) > 0 ||
             progreso_dice(p, desc_nombre("s1.bin")) > 0))
            vista5_ms = cal_ahora_ms();
        if (vista5_ms != 0 && cal_ahora_ms() - vista5_ms >= SIGINT_TRAS_QUINTA_MS)
            break;
        cal_esperar(20);
    }
    uint64_t senal_ms = cal_ahora_ms();
    cal_peticion_t w5[6];
    int en_espera = cal_registro_ruta(s, u[1], w5, 6) == 5;
    /* Un programa que ya acabó por su cuenta no tiene Ctrl+C que atender: se le dice eso, y no
     * que su señal falla (el estudiante de prueba de la sesión 46: un corte a media respuesta
     * sin reintentar acababa antes de la quinta espera y leía «se espera 130»). */
    int acabo_antes = cal_termino(p);
    cal_senal(p, SIGINT);
    int cod = desc_fin(p, 3000);
    uint64_t salida_ms = cal_ahora_ms() - senal_ms;
    char f[128], motivo[512] = "", lista[512], l[256];
    if (p4 != NULL) {
        for (int espera = 0; !senal4 && espera < 4000 && !cal_termino(p4); espera += 20) {
            cal_esperar(20);
            senal4 = senal_con_pendiente(p4, s, u5, tam5, &dicho4, &vistas4);
            senal4_ms = cal_ahora_ms();
        }
        if (!senal4 && !vistas4 && cal_termino(p4)) {
            /* Acabó por su cuenta antes de que el servidor mandara entera acabada.bin (o justo
             * después) y sin ninguna línea PROGRESO mientras corría: no hay Ctrl+C que juzgar
             * en esta corrida (antes, «terminó con código 0» y un consejo sobre las escrituras
             * que no venía a cuento: el estudiante de la sesión 33, que ahora recibe la señal
             * a su hora: la decide el registro del servidor, no sus líneas). */
            cal_nota("%s no escribió ninguna línea PROGRESO mientras corría y acabó antes de "
                     "Ctrl+C: la corrida del disco lento no se juzga",
                     desc_nombre("pendiente.bin"));
            p4 = NULL;
        } else if (!senal4) {
            /* El servidor no llegó a mandar entera acabada.bin (menos de 1 MiB: no se pausa)
             * mientras el programa corría: Ctrl+C igual, y se juzga lo demás. */
            cal_nota("el servidor no llegó a mandar entero %s a tiempo: no se compara lo que "
                     "recibió con su .parte",
                     desc_nombre("acabada.bin"));
            cal_senal(p4, SIGINT);
        }
    }
    int ok = cod == 130;
    if (!ok && acabo_antes) {
        snprintf(motivo, sizeof motivo,
                 "antes de Ctrl+C, el programa ya había acabado (%s): la señal iba a llegar con %s "
                 "en la espera de su quinto reintento (el servidor le corta cada respuesta a "
                 "media descarga, y un corte es un fallo pasajero que -r 8 reintenta) y %s "
                 "descargando",
                 desc_como(p, cod, f, sizeof f), desc_nombre("s2.bin"), desc_nombre("s1.bin"));
    } else if (!ok) {
        snprintf(motivo, sizeof motivo, "%s (se espera 130)", desc_como(p, cod, f, sizeof f));
    } else if (salida_ms > SIGINT_SALIDA_MS) {
        /* Dos esperas pueden retrasarla: la de s2 (si estaba esperando) y la de s1 si su
         * cancelación se tomó por un fallo pasajero. Desde fuera no se distingue cuál. */
        char s2[160] = "";
        if (en_espera)
            snprintf(s2, sizeof s2, "%s estaba en la espera de su quinto reintento (3.2–4.8 s) y ",
                     desc_nombre("s2.bin"));
        snprintf(motivo, sizeof motivo,
                 "salió con 130, pero %llu ms después de Ctrl+C; %s%s descargaba (tras tres 503, "
                 "con reintentos por gastar). La señal acaba también las que esperan un "
                 "reintento (se para su temporizador y terminan con ERROR), y cancelar una "
                 "transferencia por la señal no es un fallo pasajero: no se espera para "
                 "reintentarla",
                 (unsigned long long)salida_ms, s2, desc_nombre("s1.bin"));
        ok = 0;
    }
    const char *nombres[2] = {desc_nombre("s1.bin"), desc_nombre("s2.bin")};
    for (int i = 0; i < 2 && ok; i++) {
        char parte[32];
        snprintf(parte, sizeof parte, "%s.parte", nombres[i]);
        long long t = desc_tam_archivo(c.dir, parte);
        if (!desc_linea(p, "ERROR", nombres[i], l, sizeof l)) {
            snprintf(motivo, sizeof motivo, "falta «ERROR %s …» en el resumen", nombres[i]);
            ok = 0;
        } else if (desc_tam_archivo(c.dir, nombres[i]) >= 0) {
            snprintf(motivo, sizeof motivo, "%s existe con su nombre final", nombres[i]);
            ok = 0;
        } else if (t <= 0) {
            snprintf(motivo, sizeof motivo, "%s no existe o está vacío", parte);
            ok = 0;
        } else {
            ok = desc_archivo_bien(c.dir, parte, sem[i], (uint64_t)t, motivo, sizeof motivo);
        }
    }
    if (ok && !desc_linea(p, "ERROR", desc_nombre("s3.bin"), l, sizeof l)) {
        cal_peticion_t v[2];
        if (desc_registro_de(s, u[2], v, 2) == 0)
            snprintf(motivo, sizeof motivo,
                     "falta «ERROR %s …»: esperaba turno (el servidor no la vio) y el "
                     "resumen tiene todas las descargas, también las que no empezaron",
                     desc_nombre("s3.bin"));
        else
            snprintf(motivo, sizeof motivo, "falta «ERROR %s …» en el resumen",
                     desc_nombre("s3.bin"));
        ok = 0;
    }
    /* Tras la señal no sale ninguna petición: ni el reintento que s2 esperaba ni uno de s1,
     * cuya transferencia se canceló (cancelar no es un fallo pasajero: con -r 8, marcarlo
     * así la volvía a pedir tras Ctrl+C, y solo se miraba s2), ni s3, que esperaba turno. */
    for (int k = 0; k < 3 && ok; k++) {
        cal_peticion_t w[8];
        int nw = desc_registro_de(s, u[k], w, 8);
        for (int i = 0; i < nw && ok; i++) {
            if (w[i].inicio_ms <= senal_ms + 100)
                continue;
            unsigned long long tras = (unsigned long long)(w[i].inicio_ms - senal_ms);
            if (k == 1)
                snprintf(motivo, sizeof motivo,
                         "%s esperaba un reintento cuando llegó Ctrl+C, y su petición %d llegó "
                         "al servidor %llu ms después de la señal: tras Ctrl+C no se reintenta",
                         nombres[1], i + 1, tras);
            else
                snprintf(motivo, sizeof motivo,
                         "%s %s cuando llegó Ctrl+C, y su petición %d llegó al servidor %llu ms "
                         "después de la señal: tras Ctrl+C no sale ninguna petición (cancelar "
                         "no es un fallo pasajero: no se reintenta)",
                         k == 0 ? nombres[0] : desc_nombre("s3.bin"),
                         k == 0 ? "descargaba" : "esperaba turno", i + 1, tras);
            ok = 0;
        }
    }
    if (ok && desc_tam_archivo(c.dir, desc_nombre("s3.bin")) >= 0) {
        snprintf(motivo, sizeof motivo, "%s existe con su nombre final", desc_nombre("s3.bin"));
        ok = 0;
    }
    if (ok && !sigint_cerrado(s, motivo, sizeof motivo))
        ok = 0;
    if (ok && p4 != NULL) {
        /* Después de la corrida bajo valgrind: el final de pendiente.bin (dos escrituras lentas
         * tras la señal) se solapa con ella. */
        int cod4 = desc_fin(p4, 3 * SIGINT_LENTO_MS + 2000);
        t4 = desc_tam_archivo(c4.dir, desc_nombre("pendiente.bin.parte"));
        if (cod4 != 130) {
            snprintf(motivo, sizeof motivo,
                     "con un disco lento, tras Ctrl+C, %s (se espera 130; cada uv_fs_write lleva "
                     "toda la cola: un trozo por llamada no se pone al día)",
                     desc_como(p4, cod4, f, sizeof f));
            ok = 0;
        } else if (t4 <= 0 && desc_tam_archivo(c4.dir, desc_nombre("pendiente.bin")) == 3000000) {
            /* Sin pausa a partir de 1 MiB, los 3 MB llegan antes de la señal y la descarga,
             * ya sin transferencia, acaba y se renombra: el .parte «vacío» era eso (el
             * estudiante de prueba de la sesión 33, con el umbral en 4 MiB). */
            snprintf(motivo, sizeof motivo,
                     "con un disco lento (cada escritura tarda %u ms), %s (3000000 bytes) llegó "
                     "entera sin pausarse y, tras Ctrl+C, acabó con su nombre final: con más de "
                     "1 MiB recibido sin escribir, la transferencia se pausa (requisito 2), y "
                     "Ctrl+C la encuentra a medias: ERROR y su .parte con lo recibido",
                     SIGINT_LENTO_MS, desc_nombre("pendiente.bin"));
            ok = 0;
        } else if (t4 <= 0) {
            snprintf(motivo, sizeof motivo,
                     "con un disco lento, tras Ctrl+C, %s no existe o está vacío",
                     desc_nombre("pendiente.bin.parte"));
            ok = 0;
        } else if (!desc_archivo_bien(c4.dir, desc_nombre("pendiente.bin.parte"), sem4,
                                      (uint64_t)t4, motivo, sizeof motivo)) {
            ok = 0;
        } else if (senal4 && (uint64_t)t4 + SIGINT_HOLGURA < dicho4) {
            snprintf(motivo, sizeof motivo,
                     "con un disco lento (cada escritura tarda %u ms), la línea PROGRESO dijo %llu "
                     "%s de %s y, tras Ctrl+C, su .parte tiene %lld: lo que ya llegó "
                     "se escribe antes de cerrar (los .parte son para continuar)",
                     SIGINT_LENTO_MS, (unsigned long long)dicho4,
                     texto_plural((long long)dicho4, "byte recibido", "bytes recibidos"),
                     desc_nombre("pendiente.bin"), t4);
            ok = 0;
        }
        /* acabada.bin: si el servidor ya la había mandado entera antes de la señal, o con su
         * nombre final y entera, o su .parte entero («interrumpida»): las dos valen. */
        cal_peticion_t v5[2];
        if (ok && senal4 && desc_registro_de(s, u5, v5, 2) == 1 && v5[0].bytes == tam5 &&
            v5[0].fin_ms < senal4_ms) {
            int final = desc_tam_archivo(c4.dir, desc_nombre("acabada.bin")) >= 0;
            const char *nom5 =
                final ? desc_nombre("acabada.bin") : desc_nombre("acabada.bin.parte");
            long long t5 = desc_tam_archivo(c4.dir, nom5);
            if (t5 >= 0 && (uint64_t)t5 == tam5) {
                ok = desc_archivo_bien(c4.dir, nom5, sem5, tam5, motivo, sizeof motivo);
                entera5 = ok;
            } else {
                char tras[160];
                if (t5 < 0)
                    snprintf(tras, sizeof tras, "no existe ni %s ni %s", desc_nombre("acabada.bin"),
                             desc_nombre("acabada.bin.parte"));
                else
                    snprintf(tras, sizeof tras, "%s tiene %lld %s", nom5, t5,
                             texto_plural(t5, "byte", "bytes"));
                snprintf(motivo, sizeof motivo,
                         "con un disco lento (cada escritura tarda %u ms), %s había "
                         "llegado entera (%llu %s) y aún se escribía cuando llegó Ctrl+C; "
                         "tras él, %s: lo que ya llegó se escribe antes de cerrar, también en "
                         "una descarga sin petición que cancelar",
                         SIGINT_LENTO_MS, desc_nombre("acabada.bin"), (unsigned long long)tam5,
                         texto_plural((long long)tam5, "byte", "bytes"), tras);
                ok = 0;
            }
        }
        if (!ok)
            cal_nota_salida(p4, 4);
    }

    if (ok && senal4)
        cal_obtenido("130, resumen con las tres y .parte correctos; con el disco lento, lo ya "
                     "recibido llegó al .parte (PROGRESO dijo %llu %s; el .parte, %lld%s)",
                     (unsigned long long)dicho4, texto_plural((long long)dicho4, "byte", "bytes"),
                     t4, entera5 ? "; y la que el servidor ya había mandado entera, entera" : "");
    else if (ok)
        cal_obtenido("130, resumen con las tres y .parte correctos");
    else
        cal_obtenido("%s", motivo);
    if (!ok) {
        cal_nota("En la carpeta: %s", desc_listar(c.dir, lista, sizeof lista));
        cal_nota_salida(p, 8);
    }
    CAL_FIN(ok);
}
