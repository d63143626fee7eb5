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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Lo que no se deja leer no se da por bueno: el programa lo enlazó el compilador del curso en la
 * caja, así que un ELF que no se entiende es cosa de la entrega, y se rechaza con su porqué. */
static int ilegible(char *motivo, size_t tam, const char *que)
{
    snprintf(motivo, tam,
             "no se pudo comprobar qué memoria pide el programa enlazado (%s), y sin esa "
             "comprobación no se ejecuta",
             que);
    return 1;
}

/* El número de cabeceras de programa. Con más de 0xfffe, e_phnum vale PN_XNUM y el número de
 * verdad va en sh_info de la cabecera de sección 0 (elf(5)). -1 si no se pudo leer. */
static long numero_de_segmentos(int fd, const Elf64_Ehdr *e)
{
    if (e->e_phnum != PN_XNUM)
        return e->e_phnum;
    Elf64_Shdr s0;
    if (e->e_shoff == 0 || e->e_shentsize != sizeof s0 ||
        pread(fd, &s0, sizeof s0, (off_t)e->e_shoff) != (ssize_t)sizeof s0)
        return -1;
    return (long)s0.sh_info;
}

int segmentos_wx(int fd, char *motivo, size_t tam)
{
    Elf64_Ehdr e;
    if (pread(fd, &e, sizeof e, 0) != (ssize_t)sizeof e ||
        memcmp(e.e_ident, ELFMAG, SELFMAG) != 0 || e.e_ident[EI_CLASS] != ELFCLASS64)
        return ilegible(motivo, tam, "no es un ELF de 64 bits");
    if (e.e_phentsize != sizeof(Elf64_Phdr))
        return ilegible(motivo, tam, "sus cabeceras de programa no tienen el tamaño de ELF64");
    long n = numero_de_segmentos(fd, &e);
    if (n < 0)
        return ilegible(motivo, tam, "el número de sus cabeceras de programa no se pudo leer");
    /* Todas, sin tope: una por llamada (pocas decenas en un programa del curso). */
    for (long i = 0; i < n; i++) {
        Elf64_Phdr p;
        off_t donde = (off_t)e.e_phoff + (off_t)i * (off_t)sizeof p;
        if (pread(fd, &p, sizeof p, donde) != (ssize_t)sizeof p)
            return ilegible(motivo, tam, "una de sus cabeceras de programa no se pudo leer");
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

int segmentos_mostrar(const opciones_t *op)
{
    int fd = open(op->segmentos, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "calificar: no se pudo abrir «%s»: %s\n", op->segmentos, strerror(errno));
        return 2;
    }
    char motivo[400];
    int r = segmentos_wx(fd, motivo, sizeof motivo);
    close(fd);
    if (r == 0)
        printf("%s: se ejecutaría (ningún segmento de carga que se escriba y se ejecute)\n",
               op->segmentos);
    else
        printf("%s: no se ejecutaría: %s\n", op->segmentos, motivo);
    return r;
}
