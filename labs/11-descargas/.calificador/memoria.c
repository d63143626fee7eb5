/* memoria.c — la memoria: plana con archivos grandes (lo que se recibe va al disco, no se
 * acumula) y, bajo valgrind, sin fugas ni errores. */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pide al servidor, antes de lanzar el programa, la huella de cada archivo (un 206 de 1 byte
 * por otra URL: el registro no la confunde con la del programa): el servidor la calcula antes
 * de mandar las cabeceras (unos 150 ms por 30 MB, de una en una) y la guarda. Sin esto, las
 * cabeceras de las cuatro salían escalonadas esos 150 ms, las cuatro acababan escalonadas igual y
 * un programa que lee el .parte entero para su huella (~150 ms cada una) casi nunca tenía dos a
 * la vez en memoria: el mutante huella_entera pasaba una pasada sí y otra no. */
static void calentar_huellas(cal_servidor_t *s, const uint64_t *sem, int n, uint64_t tam)
{
    const char *dos_puntos = strrchr(cal_servidor_url(s), ':');
    long puerto = dos_puntos != NULL ? strtol(dos_puntos + 1, NULL, 10) : 0;
    for (int i = 0; i < n && puerto > 0; i++) {
        tcp_t c;
        char peticion[256], linea[128];
        size_t largo;
        if (tcp_abrir(&c, (int)puerto, "calentar la huella", 0) < 0) {
            tcp_cerrar(&c);
            continue;
        }
        snprintf(peticion, sizeof peticion,
                 "GET /bytes/%llu?seed=%llu&digest=si HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Range: bytes=0-0\r\nConnection: close\r\n\r\n",
                 (unsigned long long)tam, (unsigned long long)sem[i]);
        if (tcp_texto(&c, peticion) == 0)
            (void)tcp_linea(&c, 10000, linea, sizeof linea, &largo);
        tcp_cerrar(&c);
    }
}

/* Cada archivo: más grande que 32 MiB menos lo que el programa ocupa de por sí (la solución,
 * ~15 MiB con las cuatro en curso), así que leer uno solo entero para su huella, o guardar un
 * solo cuerpo entero, ya pasa del límite. Con 15 MB hacían falta dos a la vez, y que acabaran
 * juntas dependía de la carga: el mutante huella_entera pasaba una pasada sí y otra no. */
#define TAM_MEMORIA 30000000

CAL_PRUEBA(memoria, 40)
static void memoria(void)
{
    cal_esperado(
        "4 archivos de 30 000 000 bytes a la vez (las cuatro en curso a la vez en el registro "
        "del servidor), con su Repr-Digest, idénticos, con una memoria residente máxima de 32 "
        "MiB como mucho (los cuerpos van al disco, no a la memoria, y la "
        "huella se calcula leyendo el .parte por trozos)");
    carpeta_t c;
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0 || desc_carpeta(&c) < 0)
        CAL_FIN(0);
    enum { N = 4 };
    uint64_t sem[N];
    char u[N][128], b[N][200];
    /* -t explícito: el servidor calcula cada huella (30 MB) antes de mandar las cabeceras, y
     * con la máquina cargada eso tarda; aquí no se juzga -t (eso es de estancada). */
    const char *args[N + 5] = {"-c", "4", "-t", "60000"};
    for (int i = 0; i < N; i++) {
        char nombre[16];
        sem[i] = desc_semilla_nueva();
        snprintf(nombre, sizeof nombre, "m%d.bin", i);
        /* Con su huella: acaban casi a la vez, así que un programa que lee el .parte entero
         * para calcularla tiene cuatro archivos en memoria a la vez. Cada una calla 800 ms
         * tras su primer MiB: sin pausa, cada cuerpo llegaba en decenas de milisegundos, y con
         * la máquina cargada la primera podía acabar antes de que el servidor (un solo hilo,
         * que además calcula cada huella antes de contestar) leyera la cuarta petición: «no
         * estuvieron a la vez» con un programa que sí las lanza a la vez (el hito B, a carga
         * 20). Un tope de velocidad lo arreglaba, pero dejaba al disco ponerse al día: sin
         * contrapresión (el hito A) ya no se notaba en la memoria. Tras la pausa, el resto
         * llega tan deprisa como antes. */
        desc_bytes_url(u[i], sizeof u[i], TAM_MEMORIA, sem[i],
                       "&digest=si&callar=1048576&callar_ms=800");
        args[i + 4] = desc_arg(b[i], sizeof b[i], desc_nombre(nombre), u[i]);
    }
    args[N + 4] = NULL;
    calentar_huellas(s, sem, N, TAM_MEMORIA);
    cal_proceso_t *p = desc_lanzar(s, &c, args, 30, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    int cod = desc_fin(p, 25000);
    uint64_t kib = cal_memoria_pico_kib(p);
    char motivo[256] = "";
    int ok = desc_por_si_mismo(p, cod, motivo, sizeof motivo);
    for (int i = 0; i < N && ok; i++) {
        char nombre[16];
        snprintf(nombre, sizeof nombre, "m%d.bin", i);
        ok = desc_archivo_bien(c.dir, desc_nombre(nombre), sem[i], TAM_MEMORIA, motivo,
                               sizeof motivo);
    }
    /* «A la vez»: las cuatro en curso en algún momento, según el registro del servidor. De una
     * en una y con cada cuerpo entero en memoria cabía en 32 MiB (un adversario de la sesión
     * 30 lo hacía al reconocer los nombres: 25 MiB, y esta verificación pasaba). */
    uint64_t ultimo_inicio = 0, primer_fin = UINT64_MAX;
    for (int i = 0; i < N && ok; i++) {
        cal_peticion_t v[2];
        if (desc_registro_de(s, u[i], v, 2) < 1) {
            char papel[16];
            snprintf(papel, sizeof papel, "m%d.bin", i);
            snprintf(motivo, sizeof motivo, "el servidor no registró ninguna petición de %s",
                     desc_nombre(papel));
            ok = 0;
        } else {
            ultimo_inicio = v[0].inicio_ms > ultimo_inicio ? v[0].inicio_ms : ultimo_inicio;
            primer_fin = v[0].fin_ms < primer_fin ? v[0].fin_ms : primer_fin;
        }
    }
    if (ok && ultimo_inicio >= primer_fin) {
        snprintf(motivo, sizeof motivo,
                 "las cuatro no estuvieron en curso a la vez: la última empezó %llu ms después "
                 "de que acabara la primera (con -c 4, van las cuatro a la vez)",
                 (unsigned long long)(ultimo_inicio - primer_fin));
        ok = 0;
    }
    if (ok && kib == 0) {
        snprintf(motivo, sizeof motivo,
                 "no se pudo medir la memoria residente máxima del programa: sin esa medida, "
                 "esta verificación no se puede dar por buena");
        ok = 0;
    } else if (ok && kib > 32 * 1024) {
        snprintf(motivo, sizeof motivo,
                 "memoria residente máxima: %llu KiB (como mucho 32768 KiB, 32 MiB)",
                 (unsigned long long)kib);
        ok = 0;
    }
    if (ok)
        snprintf(motivo, sizeof motivo,
                 "120 000 000 bytes descargados con %llu KiB de memoria como mucho",
                 (unsigned long long)kib);
    cal_obtenido("%s", motivo);
    if (!ok)
        cal_nota_salida(p, 6);
    CAL_FIN(ok);
}

CAL_PRUEBA(valgrind, 60)
static void valgrind(void)
{
    cal_esperado("bajo valgrind, con una descarga buena y otras que fallan por varios caminos (un "
                 "corte con un reintento, una huella mala, un 4xx, un 416 y un 206 mal situado "
                 "que obligan a empezar de cero, y un disco lleno): «ERROR SUMMARY: 0 errors» y "
                 "sin fugas");
    carpeta_t c;
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0 || desc_carpeta(&c) < 0)
        CAL_FIN(0);
    uint64_t sem = desc_semilla_nueva();
    char u[6][128], b[7][200], x4[32];
    desc_bytes_url(u[0], sizeof u[0], 400000, sem, NULL);
    desc_bytes_url(u[1], sizeof u[1], 300000, desc_semilla_nueva(), "&cortar=100000");
    desc_bytes_url(u[2], sizeof u[2], 1000, desc_semilla_nueva(), "&digest=mal");
    /* d.bin: un .parte más largo que el archivo → 416 → de cero (camino del reinicio). */
    desc_bytes_url(u[3], sizeof u[3], 20000, desc_semilla_nueva(), NULL);
    snprintf(x4, sizeof x4, "/status/%d", (int)cal_azar(400, 404));
    /* f.bin: un .parte bueno y un servidor que contesta un 206 desde el byte 0 (camino del
     * 206 mal situado, otro reinicio). */
    uint64_t sem_f = desc_semilla_nueva();
    desc_bytes_url(u[4], sizeof u[4], 20000, sem_f, "&rango=mal");
    /* g.bin no cabe: ningún archivo puede pasar de 450 000 bytes (proximo_tope, como en
     * disco_lleno), y los demás caben. La escritura que falla deja trozos en la cola: el
     * camino del disco lleno también los libera. */
    desc_bytes_url(u[5], sizeof u[5], (uint64_t)cal_azar(600000, 800000), desc_semilla_nueva(),
                   NULL);
    if (desc_escribir_parte(c.dir, desc_nombre("d.bin.parte"), 0, 30000) < 0 ||
        desc_escribir_parte(c.dir, desc_nombre("f.bin.parte"), sem_f, 5000) < 0) {
        cal_obtenido("no se pudo preparar d.bin.parte o f.bin.parte (error del calificador)");
        CAL_FIN(0);
    }
    const char *args[] = {"-r",
                          "1",
                          "--continuar",
                          desc_arg(b[0], sizeof b[0], desc_nombre("a.bin"), u[0]),
                          desc_arg(b[1], sizeof b[1], desc_nombre("b.bin"), u[1]),
                          desc_arg(b[2], sizeof b[2], desc_nombre("c.bin"), u[2]),
                          desc_arg(b[3], sizeof b[3], desc_nombre("d.bin"), u[3]),
                          desc_arg(b[4], sizeof b[4], desc_nombre("e.bin"), x4),
                          desc_arg(b[5], sizeof b[5], desc_nombre("f.bin"), u[4]),
                          desc_arg(b[6], sizeof b[6], desc_nombre("g.bin"), u[5]),
                          NULL};
    desc_proximo_tope(450000);
    cal_proceso_t *p = desc_lanzar(s, &c, args, 50, 1, 0);
    if (p == NULL)
        CAL_FIN(0);
    int cod = desc_fin(p, 45000);
    char f[128], motivo[256], m2[256];
    int limpio = cal_valgrind_veredicto(p, motivo, sizeof motivo);
    int bien = desc_archivo_bien(c.dir, desc_nombre("a.bin"), sem, 400000, m2, sizeof m2);
    int ok = (cod == 0 || cod == 1) && limpio && bien;
    /* Lo primero que se dice es lo que falló: valgrind puede estar limpio y fallar el código. */
    if (limpio && cod != 0 && cod != 1)
        cal_obtenido("valgrind limpio, pero %s", desc_como(p, cod, f, sizeof f));
    else if (limpio && !bien)
        cal_obtenido("valgrind limpio, pero %s", m2);
    else
        cal_obtenido("%s; %s", desc_como(p, cod, f, sizeof f), motivo);
    if (!ok) {
        cal_valgrind_nota(p);
        cal_nota_salida(p, 6);
    }
    CAL_FIN(ok);
}
