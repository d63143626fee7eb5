/* escribe.c — entrega hostil: intenta cambiar el repositorio, falsificar el informe y los
 * resultados de las verificaciones, y escribir en /tmp del sistema. Las rutas @RAIZ@ y
 * @SALIDA@ las pone la prueba (autograder/pruebas/prueba-autograder.sh) antes de compilar:
 * así hace lo que haría un estudiante que conoce las rutas.
 * Cada intento escribe en stdout «ESCRITO <ruta>» o «BLOQUEADO <ruta>». */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void intentar(const char *ruta, const char *texto, int anadir)
{
    int fd = open(ruta, O_WRONLY | O_CREAT | (anadir ? O_APPEND : O_TRUNC), 0666);
    if (fd >= 0 && write(fd, texto, strlen(texto)) > 0) {
        printf("ESCRITO %s\n", ruta);
    } else {
        printf("BLOQUEADO %s (%s)\n", ruta, strerror(errno));
    }
    if (fd >= 0)
        close(fd);
}

static const char forjado[] =
    "{\"id\":\"X\",\"ok\":true,\"esperado\":\"FORJADO\",\"obtenido\":\"FORJADO\",\"detalle\":\"\"}";

int main(void)
{
    intentar("@RAIZ@/labs/07-monitor-web/README.md", "\nHACKEADO\n", 1);
    intentar("@RAIZ@/labs/07-monitor-web/HACKEADO", "HACKEADO\n", 0);
    intentar("@RAIZ@/solutions/07-monitor-web/monitor.c", "HACKEADO", 1);
    intentar("@RAIZ@/autograder/HACKEADO", "HACKEADO\n", 0);
    intentar("@SALIDA@/results.json", "{\"score\": 1000, \"tests\": []}", 0);
    intentar("@SALIDA@/junit.xml", "<HACKEADO/>", 0);
    intentar("/tmp/HACKEADO-calificador", "HACKEADO\n", 0);
    /* Resultados de las verificaciones: los de cada una y uno por cada nombre posible. */
    static const char *ids[] = {"entrada_sin_urls", "concurrencia",       "intervalo", "sigint",
                                "valgrind",         "alerta_tres_fallos", NULL};
    char ruta[4096];
    for (int i = 0; ids[i] != NULL; i++) {
        snprintf(ruta, sizeof ruta, "@SALIDA@/trabajo/07-monitor-web/resultados/%s.json", ids[i]);
        intentar(ruta, forjado, 0);
    }
    /* Y el propio binario y las fuentes copiadas. */
    intentar("@SALIDA@/trabajo/07-monitor-web/monitor", "HACKEADO", 0);
    intentar("@SALIDA@/trabajo/07-monitor-web/fuentes/monitor.c", "HACKEADO", 0);
    fflush(stdout);
    return 0;
}
