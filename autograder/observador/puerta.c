/* puerta.c — calif-puerta: lo último que corre antes del programa observado.
 *
 *   calif-puerta --cerrar FD [--filtro LLAMADAS [--valgrind]] [--info FD2] [--tope-archivo B]
 *                [--encierro FD3] -- programa args…
 *
 * strace (lib/observar.c) lanza esta puerta, que cierra el descriptor de la traza (strace ya
 * abrió el suyo, con CLOEXEC: el programa nunca tiene la traza en sus manos) y ejecuta el
 * programa. Sin bwrap, además pone el filtro seccomp de la caja (base/filtro.c: LLAMADAS son
 * las que añade el laboratorio, «a,b», y --valgrind lo construye sin W^X) —no podía ponerse
 * antes: strace necesita crear un proceso— y dice su pid por FD2 con el formato de
 * --info-fd de bwrap, porque el programa conservará ese pid tras el exec y el calificador le
 * manda ahí las señales. Con --tope-archivo, ningún archivo del programa pasa de B bytes
 * (RLIMIT_FSIZE: un disco lleno como entrada, cal_lanzamiento_t.tope_archivo); se pone aquí y
 * no antes porque strace también escribe un archivo, la traza. Con --encierro, se encierra
 * con las reglas de Landlock de FD3 (base/encierro.c: solo escribe en su carpeta, solo lee el
 * sistema y lo que le da la verificación) y lo cierra.
 */
#include "calificador/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int i = 1, filtro = 0, valgrind = 0, info = -1, encierro = -1;
    const char *extra = NULL;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--cerrar") == 0 && i + 1 < argc)
            close((int)strtol(argv[++i], NULL, 10));
        else if (strcmp(argv[i], "--filtro") == 0 && i + 1 < argc) {
            filtro = 1;
            extra = argv[++i];
        } else if (strcmp(argv[i], "--valgrind") == 0)
            valgrind = 1;
        else if (strcmp(argv[i], "--info") == 0 && i + 1 < argc)
            info = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--encierro") == 0 && i + 1 < argc)
            encierro = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--tope-archivo") == 0 && i + 1 < argc) {
            rlim_t tope = (rlim_t)strtoull(argv[++i], NULL, 10);
            struct rlimit r = {tope, tope};
            if (tope == 0 || setrlimit(RLIMIT_FSIZE, &r) < 0) {
                fprintf(stderr, "calif-puerta: no se pudo poner el tope de archivo\n");
                return 127;
            }
        }
    }
    if (i + 1 >= argc) {
        fprintf(stderr, "calif-puerta: falta la orden tras --\n");
        return 127;
    }
    if (encierro >= 0) {
        int r = encierro_aplicar(encierro);
        close(encierro);
        if (r < 0) {
            fprintf(stderr, "calif-puerta: no se pudo poner el encierro (Landlock)\n");
            return 127;
        }
    }
    if (filtro && (filtro_preparar(extra, valgrind) < 0 || filtro_instalar() < 0)) {
        fprintf(stderr, "calif-puerta: no se pudo instalar el filtro seccomp\n");
        return 127;
    }
    if (info >= 0) {
        dprintf(info, "{\"child-pid\": %ld}\n", (long)getpid());
        close(info);
    }
    execv(argv[i + 1], argv + i + 1);
    perror("calif-puerta: exec");
    return 127;
}
