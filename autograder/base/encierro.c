/* encierro.c — sin bubblewrap, el programa del estudiante solo escribe donde su verificación
 * lo deja (su carpeta de trabajo y las carpetas que le da) y solo lee y ejecuta el sistema, esas
 * carpetas, su binario y lo nuestro que el lanzamiento necesita: lo que bwrap le montaría, más
 * /sys y el resolutor (Landlock, un LSM que un proceso sin privilegios se pone a sí mismo).
 *
 * Por qué: con bwrap el programa ve su propio árbol de archivos; sin él (un contenedor sin
 * CAP_SYS_ADMIN, la jaula de Moodle VPL, un portátil como usuario normal) ve el de la máquina
 * y, con el mismo usuario que quien califica, podía escribir los resultados de la calificación
 * o dejar archivos en cualquier carpeta que todos pueden escribir (/run/lock…) para la
 * siguiente, y leer todo lo que su usuario lee: las soluciones de un clon 0755 del curso, el
 * código de los calificadores, build/, las temporales de las otras verificaciones
 * (hostiles/lee_curso.c). Una lista de carpetas prohibidas no se acaba nunca; aquí se permite,
 * no se prohíbe. Escribir (crear, escribir, truncar, borrar, renombrar, enlazar) fuera de las
 * carpetas dadas y de /dev (los terminales, /dev/null) falla con EACCES. Leer (abrir un archivo
 * para leerlo, listar una carpeta) y ejecutar, también, salvo en esas carpetas (leer, no
 * ejecutar), en el sistema (/usr, /etc, /bin, /sbin y /lib…, que no sean enlaces; leer y
 * ejecutar), en /proc, /sys y /dev (leer), en el archivo al que lleve /etc/resolv.conf si está
 * fuera de eso (/run/systemd/resolve/…: el resolutor de glibc) y en los archivos que da quien
 * lanza (el binario: leer y ejecutar; la precarga vivos y la copia de `junto`: leer). Mirar
 * (stat, readlink) o atravesar una carpeta no se limita: la entrega sabe qué hay, no lo lee.
 * Landlock además niega a un proceso encerrado mirar a uno de fuera (ptrace,
 * /proc/<pid>/environ, /fd, /mem, /cwd, /root): el de quien califica.
 *
 * Los derechos dependen de la versión de Landlock del núcleo (ABI): los de escribir y los de
 * leer y ejecutar (READ_FILE, READ_DIR, EXECUTE), de la 1; con la 2, REFER (mover o enlazar
 * entre carpetas; sin manejarlo, la 1 lo niega siempre); con la 3, TRUNCATE. Sin Landlock
 * (núcleo antiguo o apagado: ENOSYS, EOPNOTSUPP) no hay encierro y quien lanza lo dice en el
 * informe: nunca en silencio.
 *
 * Se prepara en el padre (abrir las carpetas) y se aplica en el hijo entre fork y exec, solo
 * con prctl y la llamada de Landlock (seguras tras fork).
 */
#define _GNU_SOURCE
#include "calificador/base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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

#define LEER     (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define EJECUTAR LANDLOCK_ACCESS_FS_EXECUTE
/* Los derechos que Landlock admite en una regla sobre un archivo (no una carpeta). */
#define DE_ARCHIVO                                                                                 \
    (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_EXECUTE |   \
     LANDLOCK_ACCESS_FS_TRUNCATE)

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

/* Lo que se vigila de escribir (y se da dentro de las carpetas de la verificación) con esta
 * versión. */
static uint64_t escribir(int abi)
{
    uint64_t d = ESCRIBIR_ABI1;
    if (abi >= 2)
        d |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        d |= LANDLOCK_ACCESS_FS_TRUNCATE;
    return d;
}

/* Permite `derechos` dentro de la carpeta (o en el archivo) abierta `fd` (prestado): en un
 * archivo, solo los que Landlock admite ahí. 0 o -errno. */
static int permitir(int reglas, int fd, uint64_t derechos)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    if (!S_ISDIR(st.st_mode))
        derechos &= DE_ARCHIVO;
    struct landlock_path_beneath_attr regla = {.allowed_access = derechos, .parent_fd = fd};
    long r = syscall(SYS_landlock_add_rule, reglas, LANDLOCK_RULE_PATH_BENEATH, &regla, 0);
    return r < 0 ? -errno : 0;
}

/* Una carpeta del sistema por su ruta fija (la entrega no la cambia de sitio: es de root, o de
 * quien califica fuera de toda carpeta que ella escriba), sin seguir el último enlace: /bin o
 * /lib que son enlaces a /usr (un sistema con /usr fusionado) ya van por /usr, y una que no
 * existe (/libx32, /sys en un contenedor raro) se salta. 0 o -errno. */
static int permitir_sistema(int reglas, const char *ruta, uint64_t derechos)
{
    int fd = open(ruta, O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 0 : -errno;
    int r = permitir(reglas, fd, derechos);
    close(fd);
    return r;
}

/* /etc/resolv.conf puede ser un enlace fuera de /etc (systemd-resolved: a
 * /run/systemd/resolve/stub-resolv.conf) y Landlock mira el archivo al que lleva: ese
 * archivo, solo para leerlo (no su carpeta). Lo pone el sistema (/etc es de root). 0 o -errno. */
static int permitir_resolutor(int reglas)
{
    char destino[PATH_MAX];
    if (realpath("/etc/resolv.conf", destino) == NULL)
        return 0; /* sin resolutor: no hay nada que leer */
    int fd = open(destino, O_PATH | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    struct stat st;
    int r = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
                ? permitir(reglas, fd, LANDLOCK_ACCESS_FS_READ_FILE)
                : 0;
    close(fd);
    return r;
}

/* El sistema: lo que bwrap monta de solo lectura (base/caja.c, caja_sistema), más /proc, /sys y
 * /dev. En /dev, además, escribir en lo que ya existe (terminales, /dev/null), nada de crear ni
 * borrar. 0 o -errno. */
static int permitir_todo_el_sistema(int reglas, uint64_t derechos)
{
    static const char *const programas[] = {"/usr", "/etc",   "/bin",   "/sbin",
                                            "/lib", "/lib32", "/lib64", "/libx32"};
    int r = 0;
    for (size_t i = 0; r == 0 && i < sizeof programas / sizeof programas[0]; i++)
        r = permitir_sistema(reglas, programas[i], LEER | EJECUTAR);
    if (r == 0)
        r = permitir_sistema(reglas, "/proc", LEER);
    if (r == 0)
        r = permitir_sistema(reglas, "/sys", LEER);
    if (r == 0)
        r = permitir_sistema(reglas, "/dev",
                             LEER | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                 (derechos & LANDLOCK_ACCESS_FS_TRUNCATE));
    if (r == 0)
        r = permitir_resolutor(reglas);
    return r;
}

int encierro_preparar(const encierro_regla_t *dadas, int n)
{
    int abi = abi_landlock();
    if (abi < 0)
        return abi;
    uint64_t derechos = escribir(abi);
    struct landlock_ruleset_attr attr = {.handled_access_fs = derechos | LEER | EJECUTAR};
    int reglas = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (reglas < 0)
        return -errno;
    int r = permitir_todo_el_sistema(reglas, derechos);
    for (int i = 0; r == 0 && i < n; i++) {
        uint64_t d = dadas[i].uso == ENCIERRO_ESCRIBE   ? derechos | LEER
                     : dadas[i].uso == ENCIERRO_EJECUTA ? LANDLOCK_ACCESS_FS_READ_FILE | EJECUTAR
                                                        : LEER;
        r = permitir(reglas, dadas[i].fd, d);
    }
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
