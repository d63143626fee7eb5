/* prueba_arbol.c — base/arbol.c por dentro, con openat2 y sin él (CALIF_SIN_OPENAT2=1): en un
 * árbol con las trampas de una entrega (un enlace en medio del camino, al final, a una carpeta
 * de fuera, «..», una ruta absoluta, un enlace duro, una FIFO, 80 niveles), cada operación o no
 * sigue nada o falla con el error que dice la API, y lo de fuera queda intacto. La llama
 * prueba-autograder.sh (una vez con cada camino). Sale con 0 si todo se cumple; si no, 1 y una
 * línea por cada fallo.
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fallos;

static void comprobar(int cierto, const char *que)
{
    if (!cierto) {
        fallos++;
        printf("  ✘ arbol: %s\n", que);
    }
}

static void escribir(const char *ruta, const char *texto, mode_t modo)
{
    int fd = open(ruta, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, modo);
    if (fd < 0 || write(fd, texto, strlen(texto)) < 0 || fchmod(fd, modo) < 0) {
        perror(ruta);
        exit(2);
    }
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "uso: prueba_arbol CARPETA_VACÍA\n");
        return 2;
    }
    char fuera[PATH_MAX], arbol[PATH_MAX], victima[PATH_MAX], p[PATH_MAX];
    texto_poner(fuera, sizeof fuera, "%s/fuera", argv[1]);
    texto_poner(arbol, sizeof arbol, "%s/arbol", argv[1]);
    texto_poner(victima, sizeof victima, "%s/victima", fuera);
    if (mkdir(fuera, 0700) < 0 || mkdir(arbol, 0755) < 0) {
        perror("mkdir");
        return 2;
    }
    escribir(victima, "intacta\n", 0600);
    /* Lo que dejaría una entrega: enlaces al archivo de fuera y a la carpeta de fuera. */
    texto_poner(p, sizeof p, "%s/sub", arbol);
    mkdir(p, 0755);
    texto_poner(p, sizeof p, "%s/sub/bueno", arbol);
    escribir(p, "bueno\n", 0644);
    texto_poner(p, sizeof p, "%s/sub/al_archivo", arbol);
    symlink(victima, p);
    texto_poner(p, sizeof p, "%s/a_fuera", arbol);
    symlink(fuera, p);
    texto_poner(p, sizeof p, "%s/duro", arbol);
    int duro = link(victima, p) == 0;

    int raiz = arbol_raiz(arbol);
    comprobar(raiz >= 0, "arbol_raiz de una carpeta normal");
    struct stat st;
    int fd = arbol_abrir(raiz, "sub/bueno", O_RDONLY);
    comprobar(fd >= 0, "abrir sub/bueno");
    if (fd >= 0)
        close(fd);
    comprobar(arbol_abrir(raiz, "sub/al_archivo", O_RDONLY) == -ELOOP,
              "abrir un enlace al final da -ELOOP");
    comprobar(arbol_abrir(raiz, "a_fuera/victima", O_RDONLY) == -ELOOP,
              "abrir a través de un enlace a una carpeta da -ELOOP");
    comprobar(arbol_abrir(raiz, "sub/../../fuera/victima", O_RDONLY) == -EXDEV, "«..» da -EXDEV");
    comprobar(arbol_abrir(raiz, victima, O_RDONLY) == -EXDEV, "una ruta absoluta da -EXDEV");
    comprobar(arbol_abrir(raiz, "a_fuera", O_RDONLY | O_DIRECTORY) == -ELOOP,
              "abrir como carpeta un enlace a una carpeta da -ELOOP");
    comprobar(arbol_abrir(raiz, "sub", O_RDONLY | O_DIRECTORY) >= 0, "abrir una carpeta");
    DIR *d;
    comprobar(arbol_listar(raiz, "a_fuera", &d) == -ELOOP && d == NULL,
              "listar un enlace a una carpeta da -ELOOP");
    comprobar(arbol_listar(raiz, "sub", &d) == 0 && d != NULL, "listar una carpeta");
    if (d != NULL)
        closedir(d);
    comprobar(arbol_estado(raiz, "sub/al_archivo", &st) == 0 && S_ISLNK(st.st_mode),
              "estado de un enlace: el del enlace (como lstat)");
    comprobar(arbol_estado(raiz, "a_fuera/victima", &st) == -ELOOP,
              "estado a través de un enlace da -ELOOP");
    comprobar(arbol_chmod(raiz, "sub/al_archivo", 0777) == -ELOOP, "chmod de un enlace: -ELOOP");
    comprobar(arbol_chmod(raiz, "a_fuera/victima", 0777) == -ELOOP,
              "chmod a través de un enlace: -ELOOP");
    if (duro)
        comprobar(arbol_chmod(raiz, "duro", 0777) == -EMLINK,
                  "chmod de un enlace duro a otro archivo: -EMLINK");
    comprobar(arbol_chown(raiz, "sub/al_archivo", 12345, 12345) == -ELOOP,
              "chown de un enlace: -ELOOP");
    comprobar(arbol_chmod(raiz, "sub/bueno", 0600) == 0 &&
                  arbol_estado(raiz, "sub/bueno", &st) == 0 && (st.st_mode & 07777) == 0600,
              "chmod de un archivo normal");
    fd = arbol_crear(raiz, "sub/al_archivo", O_WRONLY, 0644);
    comprobar(fd >= 0, "crear sobre un enlace quita el enlace y crea un archivo");
    if (fd >= 0) {
        comprobar(write(fd, "x", 1) == 1, "escribir en lo creado");
        close(fd);
    }
    comprobar(arbol_crear(raiz, "a_fuera/nuevo", O_WRONLY, 0644) == -ELOOP,
              "crear a través de un enlace: -ELOOP");
    comprobar(arbol_carpeta(raiz, "a_fuera/nueva", 0755) == -ELOOP,
              "mkdir a través de un enlace: -ELOOP");
    comprobar(arbol_fifo(raiz, "sub/tubo", 0644) == 0, "mkfifo");
    fd = arbol_abrir(raiz, "sub/tubo", O_RDONLY | O_NONBLOCK);
    comprobar(fd >= 0, "abrir una FIFO sin esperar");
    if (fd >= 0)
        close(fd);
    comprobar(arbol_enlace(raiz, "/etc/passwd", "sub/otro") == 0, "symlink");
    /* 80 niveles: más que ARBOL_NIVELES, para que se suba lo hondo y se siga. */
    char rel[PATH_MAX] = "hondo";
    comprobar(arbol_carpeta(raiz, rel, 0755) == 0, "mkdir hondo");
    for (int i = 0; i < 80; i++) {
        size_t n = strlen(rel);
        texto_poner(rel + n, sizeof rel - n, "/n");
        arbol_carpeta(raiz, rel, 0755);
    }
    texto_poner(rel + strlen(rel), sizeof rel - strlen(rel), "/hoja");
    fd = arbol_crear(raiz, rel, O_WRONLY, 0644);
    comprobar(fd >= 0, "crear a 80 niveles");
    if (fd >= 0)
        close(fd);
    comprobar(arbol_carpeta(raiz, "hondo/cerrada", 0) == 0, "mkdir de una carpeta cerrada");
    comprobar(arbol_borrar(raiz, "a_fuera") == 0 && arbol_estado(raiz, "a_fuera", &st) == -ENOENT,
              "borrar un enlace a una carpeta quita el enlace");
    comprobar(arbol_borrar(raiz, "hondo") == 0 && arbol_estado(raiz, "hondo", &st) == -ENOENT,
              "borrar un árbol de 80 niveles con una carpeta cerrada");
    comprobar(arbol_borrar(raiz, "sub") == 0, "borrar sub");
    close(raiz);
    /* Y lo de fuera, intacto. */
    char *texto = archivos_leer(victima, 64);
    comprobar(texto != NULL && strcmp(texto, "intacta\n") == 0 && stat(victima, &st) == 0 &&
                  (st.st_mode & 07777) == 0600 && st.st_uid == getuid(),
              "el archivo de fuera sigue igual (contenido, modo 0600, dueño)");
    free(texto);
    archivos_borrar_arbol(arbol);
    comprobar(stat(arbol, &st) < 0 && stat(victima, &st) == 0,
              "archivos_borrar_arbol borra el árbol y nada de fuera");
    const char *camino = getenv("CALIF_SIN_OPENAT2");
    if (fallos == 0)
        printf("  ✔ arbol: %s, todas las trampas dan su error y lo de fuera sigue igual\n",
               camino != NULL && strcmp(camino, "1") == 0 ? "sin openat2 (recorrido)"
                                                          : "con openat2");
    return fallos == 0 ? 0 : 1;
}
