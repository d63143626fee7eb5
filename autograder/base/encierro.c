/* encierro.c — sin bubblewrap, el programa del estudiante solo escribe donde su verificación
 * lo deja: su carpeta de trabajo y las carpetas que le da (Landlock, un LSM que un proceso sin
 * privilegios se pone a sí mismo).
 *
 * Por qué: con bwrap el programa ve su propio árbol de archivos; sin él (un contenedor sin
 * CAP_SYS_ADMIN, la jaula de Moodle VPL, un portátil como usuario normal) ve el de la máquina
 * y, con el mismo usuario que quien califica, podía escribir los resultados de la calificación
 * o dejar archivos en cualquier carpeta que todos pueden escribir (/run/lock…) para la
 * siguiente. Una lista de carpetas prohibidas no se acaba nunca; aquí se permite, no se
 * prohíbe: toda escritura (crear, escribir, truncar, borrar, renombrar, enlazar) fuera de las
 * carpetas dadas y de /dev (los terminales, /dev/null) falla con EACCES. Leer no se limita (el
 * curso se puede leer: README, «Lo que no se puede impedir»). Landlock además niega a un
 * proceso encerrado mirar a uno de fuera (ptrace, /proc/<pid>/environ, /fd, /mem): el de quien
 * califica.
 *
 * Los derechos dependen de la versión de Landlock del núcleo (ABI): los de escribir de la 1;
 * con la 2, REFER (mover o enlazar entre carpetas; sin manejarlo, la 1 lo niega siempre); con
 * la 3, TRUNCATE. Sin Landlock (núcleo antiguo o apagado: ENOSYS, EOPNOTSUPP) no hay encierro
 * y quien lanza lo dice en el informe: nunca en silencio.
 *
 * Se prepara en el padre (abrir las carpetas) y se aplica en el hijo entre fork y exec, solo
 * con prctl y la llamada de Landlock (seguras tras fork).
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Las cabeceras de Debian 12 (Linux 6.1) no traen el derecho de la ABI 3; el valor es el del
 * núcleo (include/uapi/linux/landlock.h), y solo se pide si el núcleo dice tenerlo. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define ESCRIBIR_ABI1                                                                              \
    (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                               \
     LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | \
     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |   \
     LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)

/* La versión de Landlock del núcleo, o un error negativo si no lo hay (o si
 * CALIF_SIN_ENCIERRO=1 lo quita: las pruebas, para ver lo que queda sin él). */
static int abi_landlock(void)
{
    const char *sin = getenv("CALIF_SIN_ENCIERRO");
    if (sin != NULL && strcmp(sin, "1") == 0)
        return -EOPNOTSUPP;
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

/* Lo que se vigila (y se da dentro de las carpetas permitidas) con esta versión. */
static uint64_t escribir(int abi)
{
    uint64_t d = ESCRIBIR_ABI1;
    if (abi >= 2)
        d |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        d |= LANDLOCK_ACCESS_FS_TRUNCATE;
    return d;
}

/* Permite `derechos` dentro de la carpeta abierta `fd` (prestado). 0 o -errno. */
static int permitir(int reglas, int fd, uint64_t derechos)
{
    struct landlock_path_beneath_attr regla = {.allowed_access = derechos, .parent_fd = fd};
    long r = syscall(SYS_landlock_add_rule, reglas, LANDLOCK_RULE_PATH_BENEATH, &regla, 0);
    return r < 0 ? -errno : 0;
}

int encierro_preparar(const int *carpetas, int n)
{
    int abi = abi_landlock();
    if (abi < 0)
        return abi;
    uint64_t derechos = escribir(abi);
    struct landlock_ruleset_attr attr = {.handled_access_fs = derechos};
    int reglas = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (reglas < 0)
        return -errno;
    /* /dev: escribir en lo que ya existe (terminales, /dev/null), nada de crear ni borrar. Es
     * del sistema (la entrega no la cambia de sitio): se abre por su ruta. */
    uint64_t dispositivos =
        LANDLOCK_ACCESS_FS_WRITE_FILE | (derechos & LANDLOCK_ACCESS_FS_TRUNCATE);
    int dev = open("/dev", O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW);
    int r = dev < 0 ? -errno : permitir(reglas, dev, dispositivos);
    if (dev >= 0)
        close(dev);
    for (int i = 0; r == 0 && i < n; i++)
        r = permitir(reglas, carpetas[i], derechos);
    if (r < 0) {
        close(reglas);
        return r;
    }
    return reglas;
}

int encierro_aplicar(int reglas)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -errno;
    if (syscall(SYS_landlock_restrict_self, reglas, 0) < 0)
        return -errno;
    return 0;
}

int encierro_disponible(void)
{
    return abi_landlock();
}
