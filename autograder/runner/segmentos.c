/* segmentos.c — ¿pide el programa enlazado memoria que se escribe y se ejecuta a la vez?
 *
 * La caja no deja pedirla en tiempo de ejecución (base/filtro.c: mmap y mprotect con PROT_WRITE
 * y PROT_EXEC a la vez), pero el núcleo la da sin ninguna llamada si la pide el propio ELF: una
 * sección propia con permisos «awx» (`__attribute__((section(".x,\"awx\",@nobits#")))` o en
 * ensamblador) acaba en un segmento PT_LOAD con PF_W y PF_X, y el programa puede escribir ahí
 * código y ejecutarlo sin que nada lo vea (lo mostró un adversario en la sesión 27: código sin
 * archivo, cuyos marcos libdw no sabe seguir). Ningún compilador lo hace por su cuenta con el
 * código de un laboratorio, así que se rechaza. La pila ejecutable (PT_GNU_STACK con PF_X, la
 * de las funciones anidadas de GNU C que toman su dirección) no: es C raro, pero honrado.
 *
 * Se lee del descriptor que runner/compilar.c ya abrió sin seguir enlaces (nada por ruta).
 */
#define _GNU_SOURCE
#include "runner.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_SEGMENTOS 64 /* más que eso no lo hace un enlazador con un programa del curso */

int segmentos_wx(int fd, char *motivo, size_t tam)
{
    Elf64_Ehdr e;
    if (pread(fd, &e, sizeof e, 0) != (ssize_t)sizeof e ||
        memcmp(e.e_ident, ELFMAG, SELFMAG) != 0 || e.e_ident[EI_CLASS] != ELFCLASS64 ||
        e.e_phentsize != sizeof(Elf64_Phdr))
        return -1;
    if (e.e_phnum > MAX_SEGMENTOS)
        return -1;
    for (unsigned i = 0; i < e.e_phnum; i++) {
        Elf64_Phdr p;
        off_t donde = (off_t)e.e_phoff + (off_t)i * (off_t)sizeof p;
        if (pread(fd, &p, sizeof p, donde) != (ssize_t)sizeof p)
            return -1;
        if (p.p_type == PT_LOAD && (p.p_flags & PF_W) && (p.p_flags & PF_X)) {
            snprintf(motivo, tam,
                     "el programa enlazado pide memoria que se puede escribir y ejecutar a la vez "
                     "(un segmento de carga con permisos de escritura y ejecución, de una sección "
                     "propia con «awx»): así se ejecuta código escrito en tiempo de ejecución sin "
                     "que nada lo vea, y la caja de arena no lo permite");
            return 1;
        }
    }
    return 0;
}
