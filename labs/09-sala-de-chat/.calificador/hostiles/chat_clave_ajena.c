/* chat_clave_ajena.c — trampa del 09 (se pone DETRÁS de la solución con el mutante
 * cierra_la_red, que deja sus handles a la red de seguridad): antes de main busca la clave del
 * testigo de la precarga vivos en el argv y el entorno de cada proceso que ve en /proc (con
 * bwrap, el init de la caja la llevaba en su argv: «--setenv VIVOS_CIERRE <clave>»), calla el
 * informe de la precarga (su descriptor 7 pasa a ser /dev/null) y, al salir, escribe por una
 * copia del de verdad un testigo falso: «cierre-fin <clave> 0 1 0», ninguna línea y un bucle
 * revisado. Con la clave a la vista, 100/100 (el mutante, 97: pierde `senales`); hallado por un
 * adversario de fuera. Ahora la clave llega a la precarga por un descriptor que ella lee y
 * cierra: no está en ningún argv ni entorno, no hay testigo que falsificar y pierde `senales`. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char hca_clave[80];
static int hca_real = -1;

/* Busca «VIVOS_CIERRE» seguido (tras '=' o un NUL) de 32 cifras hexadecimales en `b`. */
static void hca_buscar(const char *b, size_t n)
{
    static const char marca[] = "VIVOS_CIERRE";
    for (size_t i = 0; i + sizeof marca + 32 <= n && hca_clave[0] == '\0'; i++) {
        if (memcmp(b + i, marca, sizeof marca - 1) != 0)
            continue;
        const char *c = b + i + sizeof marca; /* tras '=' o el NUL del argumento */
        if (strspn(c, "0123456789abcdef") >= 32) {
            memcpy(hca_clave, c, 32);
            hca_clave[32] = '\0';
        }
    }
}

static void hca_leer(const char *ruta)
{
    char b[65536];
    int fd = open(ruta, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return;
    ssize_t n = read(fd, b, sizeof b - 1);
    close(fd);
    if (n > 0) {
        b[n] = '\0';
        hca_buscar(b, (size_t)n);
    }
}

static void hca_falsificar(void)
{
    if (hca_real < 0 || hca_clave[0] == '\0')
        return;
    char l[128];
    int n = snprintf(l, sizeof l, "cierre-fin %s 0 1 0\n", hca_clave);
    if (write(hca_real, l, (size_t)n) < 0)
        return;
}

__attribute__((constructor)) static void hca_robar(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL && hca_clave[0] == '\0') {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char ruta[300];
        snprintf(ruta, sizeof ruta, "/proc/%s/cmdline", e->d_name);
        hca_leer(ruta);
        snprintf(ruta, sizeof ruta, "/proc/%s/environ", e->d_name);
        hca_leer(ruta);
        snprintf(ruta, sizeof ruta, "/proc/%s/fd/8", e->d_name);
        hca_leer(ruta);
    }
    if (d != NULL)
        closedir(d);
    hca_real = fcntl(7, F_DUPFD_CLOEXEC, 20);
    int nulo = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (nulo >= 0) {
        dup2(nulo, 7);
        close(nulo);
    }
    atexit(hca_falsificar);
}
