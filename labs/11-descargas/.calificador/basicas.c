/* basicas.c — verificaciones de lo básico: entrada inválida, archivos íntegros, nombres
 * seguros, concurrencia y código de salida. */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ entrada */

CAL_PRUEBA(entrada_invalida, 30)
{
    cal_esperado("código 2, un mensaje en stderr (que nombre la URL mala) y ninguna petición");
    cal_servidor_t *s = servidor();
    if (s == NULL)
        CAL_FIN(0);
    const char *casos[][6] = {{NULL},
                              {"ftp://127.0.0.1/x", NULL},
                              {"/bytes/10", "http:///x", NULL},
                              {"-c", "0", "/bytes/10", NULL},
                              {"-c", "abc", "/bytes/10", NULL},
                              {"-t", "12x", "/bytes/10", NULL},
                              {"-r", "-1", "/bytes/10", NULL},
                              {"-d", "/no/existe/aqui", "/bytes/10", NULL}};
    int ok = 1;
    for (size_t i = 0; i < sizeof casos / sizeof casos[0] && ok; i++) {
        cal_proceso_t *p = descargas(s, NULL, casos[i], 8, 0, 0);
        if (p == NULL)
            CAL_FIN(0);
        int c = fin(p, 5000);
        const char *err = cal_errores(p);
        char f[128];
        if (c != 2 || err[0] == '\0') {
            cal_obtenido("%s, stderr %s", como(p, c, f, sizeof f),
                         err[0] != '\0' ? "con mensaje" : "vacía");
            cal_nota_salida(p, 4);
            ok = 0;
        } else if (i == 1 && strstr(err, "ftp://127.0.0.1/x") == NULL) {
            cal_obtenido("el mensaje no nombra la URL mala: %s", err);
            ok = 0;
        }
    }
    const cal_peticion_t *v;
    int n = cal_registro(s, &v);
    if (ok && n > 0) {
        cal_obtenido("con la entrada mala, el servidor recibió %d peticiones (%s)", n, v[0].ruta);
        ok = 0;
    }
    if (ok)
        cal_obtenido("los 8 casos salen con código 2 y mensaje, sin pedir nada");
    CAL_FIN(ok);
}

/* ------------------------------------------------------------------ lo básico */

CAL_PRUEBA(descarga_integra, 30)
{
    cal_esperado("exit 0, «OK nombre bytes …» por archivo y cada archivo idéntico (SHA-256) a lo "
                 "servido, con su petición completa en el registro y sin .parte");
    carpeta_t c;
    cal_servidor_t *s = servidor();
    if (s == NULL || carpeta(&c) < 0)
        CAL_FIN(0);
    uint64_t sem[3] = {semilla_nueva(), semilla_nueva(), semilla_nueva()};
    uint64_t tam[3] = {300001, 1048583, 0};
    const char *nombres[3] = {"a.bin", "b.dat", "vacio"};
    char urls[3][128], args_b[3][160];
    const char *args[4];
    for (int i = 0; i < 3; i++) {
        bytes_url(urls[i], sizeof urls[i], tam[i], sem[i], NULL);
        args[i] = arg(args_b[i], sizeof args_b[i], nombres[i], urls[i]);
    }
    args[3] = NULL;
    cal_proceso_t *p = descargas(s, &c, args, 20, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    int cod = fin(p, 15000);
    char f[128], motivo[256], l[256], lista[512];
    int ok = cod == 0;
    if (!ok)
        snprintf(motivo, sizeof motivo, "%s", como(p, cod, f, sizeof f));
    for (int i = 0; i < 3 && ok; i++) {
        char bytes[32];
        cal_peticion_t v[4];
        int n = registro_de(s, urls[i], v, 4);
        if (!archivo_bien(c.dir, nombres[i], sem[i], tam[i], motivo, sizeof motivo))
            ok = 0;
        else if (!linea(p, "OK", nombres[i], l, sizeof l) ||
                 strtoull(cal_palabra(l, 2, bytes, sizeof bytes) ? bytes : "x", NULL, 10) !=
                     tam[i]) {
            snprintf(motivo, sizeof motivo, "falta «OK %s %llu …» en la salida", nombres[i],
                     (unsigned long long)tam[i]);
            ok = 0;
        } else if (n < 1 || v[n - 1].estado != 200 || v[n - 1].abortada ||
                   v[n - 1].bytes != tam[i]) {
            snprintf(motivo, sizeof motivo, "el servidor no registró una descarga completa de %s",
                     urls[i]);
            ok = 0;
        }
        char parte[64];
        snprintf(parte, sizeof parte, "%s.parte", nombres[i]);
        if (ok && tam_archivo(c.dir, parte) >= 0) {
            snprintf(motivo, sizeof motivo, "quedó %s junto al archivo terminado", parte);
            ok = 0;
        }
    }
    cal_obtenido("%s",
                 ok ? "los 3 archivos (300001 bytes, 1 MiB y 0 bytes) son idénticos" : motivo);
    if (!ok) {
        cal_nota("En la carpeta: %s", listar(c.dir, lista, sizeof lista));
        cal_nota_salida(p, 8);
    }
    CAL_FIN(ok);
}

CAL_PRUEBA(nombres_seguros, 30)
{
    cal_esperado("«../x=URL» se guarda como x dentro de -d; nombre vacío, «.» o «..» → descarga; "
                 "sin NOMBRE=, el último segmento de la ruta; repetidos → n-1.ext, n-2.ext");
    carpeta_t c;
    cal_servidor_t *s = servidor();
    if (s == NULL || carpeta(&c) < 0)
        CAL_FIN(0);
    struct {
        const char *nombre; /* NULL = la URL sola */
        const char *esperado;
        uint64_t tam, sem;
    } casos[] = {{"../x", "x", 1000, 0},        {"", "descarga", 1001, 0},
                 {"..", "descarga-1", 1002, 0}, {NULL, "1003", 1003, 0},
                 {"d.bin", "d.bin", 1004, 0},   {"d.bin", "d-1.bin", 1005, 0},
                 {"d.bin", "d-2.bin", 1006, 0}};
    enum { N = sizeof casos / sizeof casos[0] };
    char b[N][200], u[N][128];
    const char *args[N + 1];
    for (int i = 0; i < N; i++) {
        casos[i].sem = semilla_nueva();
        bytes_url(u[i], sizeof u[i], casos[i].tam, casos[i].sem, NULL);
        args[i] = casos[i].nombre != NULL ? arg(b[i], sizeof b[i], casos[i].nombre, u[i]) : u[i];
    }
    args[N] = NULL;
    cal_proceso_t *p = descargas(s, &c, args, 20, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    int cod = fin(p, 15000);
    char f[128], motivo[256] = "", lista[1024];
    int ok = cod == 0;
    if (!ok)
        snprintf(motivo, sizeof motivo, "%s", como(p, cod, f, sizeof f));
    for (int i = 0; i < N && ok; i++)
        ok = archivo_bien(c.dir, casos[i].esperado, casos[i].sem, casos[i].tam, motivo,
                          sizeof motivo);
    if (ok && tam_archivo(c.raiz, "x") >= 0) {
        snprintf(motivo, sizeof motivo, "«../x» escribió fuera de la carpeta -d");
        ok = 0;
    }
    cal_obtenido("%s", ok ? "los 7 nombres son los esperados y nada salió de -d" : motivo);
    if (!ok) {
        cal_nota("En -d: %s", listar(c.dir, lista, sizeof lista));
        cal_nota("Encima de -d: %s", listar(c.raiz, lista, sizeof lista));
        cal_nota_salida(p, 10);
    }
    CAL_FIN(ok);
}

CAL_PRUEBA(concurrencia_maxima, 30)
{
    cal_esperado("con -c 2 y 5 descargas lentas (la primera, más larga): nunca más de 2 a la vez "
                 "en el servidor, 2 a la vez en algún momento, empiezan en el orden de los "
                 "argumentos y un hueco que queda libre se ocupa enseguida (no por tandas)");
    carpeta_t c;
    cal_servidor_t *s = servidor();
    if (s == NULL || carpeta(&c) < 0)
        CAL_FIN(0);
    enum { N = 5 };
    char u[N][128], b[N][200];
    uint64_t sem[N];
    const char *args[N + 3] = {"-c", "2"};
    for (int i = 0; i < N; i++) {
        char nombre[16];
        sem[i] = semilla_nueva();
        snprintf(nombre, sizeof nombre, "c%d.bin", i);
        /* La primera dura ~2 s y las otras ~0,4 s: mientras la primera sigue, las demás
         * pasan una tras otra por el otro hueco. */
        bytes_url(u[i], sizeof u[i], i == 0 ? 204800 : 40960, sem[i], "&kbps=100");
        args[i + 2] = arg(b[i], sizeof b[i], nombre, u[i]);
    }
    args[N + 2] = NULL;
    cal_proceso_t *p = descargas(s, &c, args, 25, 0, 0);
    if (p == NULL)
        CAL_FIN(0);
    int cod = fin(p, 20000);
    char f[128];
    cal_peticion_t v[N][2];
    uint64_t ini[N] = {0}, fi[N] = {0};
    int todas = 1;
    for (int i = 0; i < N; i++) {
        int n = registro_de(s, u[i], v[i], 2);
        if (n < 1)
            todas = 0;
        else {
            ini[i] = v[i][0].inicio_ms;
            fi[i] = v[i][n - 1].fin_ms;
        }
    }
    if (cod != 0 || !todas) {
        cal_obtenido("%s; peticiones en el registro: %s", como(p, cod, f, sizeof f),
                     todas ? "todas" : "faltan");
        cal_nota_salida(p, 8);
        CAL_FIN(0);
    }
    int maximo = 0, orden = 1;
    for (int i = 0; i < N; i++) {
        int a_la_vez = 0;
        for (int j = 0; j < N; j++)
            if (ini[j] <= ini[i] && ini[i] < fi[j])
                a_la_vez++;
        if (a_la_vez > maximo)
            maximo = a_la_vez;
        /* Las dos primeras salen a la vez (y cualquiera llega antes al servidor), igual
         * que dos que ocupan a la vez dos huecos libres: se admite que dos vecinas se
         * crucen, no que una adelante a la de dos puestos antes. */
        if (i > 1 && ini[i] < ini[i - 2])
            orden = 0;
    }
    /* La descarga i (i ≥ 2) cabe en cuanto han terminado i-1 de las anteriores: su hueco
     * quedó libre en el (i-1)-ésimo final, y debe empezar poco después (1 s de margen para
     * una máquina cargada; por tandas, la tercera espera a la primera, ~1,6 s más). */
    uint64_t tarde = 0;
    int cual = -1;
    for (int i = 2; i < N; i++) {
        uint64_t fines[N];
        for (int j = 0; j < i; j++)
            fines[j] = fi[j];
        for (int a = 0; a < i; a++) /* ordenar los i primeros finales */
            for (int b2 = a + 1; b2 < i; b2++)
                if (fines[b2] < fines[a]) {
                    uint64_t t = fines[a];
                    fines[a] = fines[b2];
                    fines[b2] = t;
                }
        uint64_t libre = fines[i - 2];
        uint64_t espera = ini[i] > libre ? ini[i] - libre : 0;
        if (espera > tarde) {
            tarde = espera;
            cual = i;
        }
    }
    int ok = maximo == 2 && orden && tarde <= 1000;
    if (maximo == 2 && orden && tarde > 1000)
        cal_obtenido("c%d.bin empezó %llu ms después de quedar libre un hueco (se espera que "
                     "empiece enseguida, no cuando acaba toda la tanda)",
                     cual, (unsigned long long)tarde);
    else
        cal_obtenido("como mucho %d a la vez; orden de inicio %s; un hueco libre se ocupa en "
                     "%llu ms como mucho",
                     maximo, orden ? "el de los argumentos" : "distinto del de los argumentos",
                     (unsigned long long)tarde);
    CAL_FIN(ok);
}
