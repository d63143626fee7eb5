/* chat_sin_libuv.c — trampa del 09 (se antepone a chat_epoll.c): la misma sala sin libuv, pero
 * cada llamada (socket, bind, listen, accept4, epoll_create1, epoll_ctl, epoll_wait) la hace
 * la función de libc, encontrada en tiempo de ejecución sin nombrarla: dl_iterate_phdr da la
 * tabla de símbolos dinámicos de libc, y en ella se busca cada nombre. Ni nm (no hay símbolo
 * sin definir) ni objdump (no hay instrucción syscall que se use) ni la dirección de cada
 * llamada (strace -i: sale de libc, como las de libuv) la delatan: antes, 100/100 sin aviso.
 * Lo que la delata es la pila (strace -k): entre libc y el programa no hay libuv.so
 * (runner/conducta.c, autograder/README.md, «Medios»). */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <string.h>

typedef struct {
    const char *nombre;
    void *funcion;
} sl_busqueda_t;

/* Busca `nombre` en la tabla de símbolos dinámicos de libc (DT_SYMTAB, hasta DT_STRTAB, que
 * en glibc va justo detrás). */
static int sl_en_objeto(struct dl_phdr_info *info, size_t tam, void *dato)
{
    (void)tam;
    sl_busqueda_t *b = dato;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libc.so") == NULL)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
            continue;
        const ElfW(Dyn) *d = (const void *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
        const ElfW(Sym) *sym = NULL;
        const char *str = NULL;
        for (; d->d_tag != DT_NULL; d++) {
            ElfW(Addr) v = d->d_un.d_ptr;
            if (v < info->dlpi_addr)
                v += info->dlpi_addr; /* sin reubicar en memoria */
            if (d->d_tag == DT_SYMTAB)
                sym = (const void *)v;
            else if (d->d_tag == DT_STRTAB)
                str = (const void *)v;
        }
        if (sym == NULL || str == NULL || (const char *)sym >= str)
            return 0;
        for (const ElfW(Sym) *s = sym; (const char *)(s + 1) <= str; s++)
            if (s->st_value != 0 && ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
                strcmp(str + s->st_name, b->nombre) == 0) {
                b->funcion = (void *)(info->dlpi_addr + s->st_value);
                return 1;
            }
    }
    return 0;
}

/* Como la instrucción syscall escondida de chat_epoll.c (devuelve -errno), pero por libc. */
static long sl_libc6(long nr, long a, long b, long c, long d, long e, long f)
{
    (void)e;
    (void)f;
    static const struct {
        long nr;
        const char *nombre;
    } tabla[] = {{41, "socket"},         {49, "bind"},       {50, "listen"},      {288, "accept4"},
                 {291, "epoll_create1"}, {233, "epoll_ctl"}, {232, "epoll_wait"}, {0, NULL}};
    static void *funciones[8];
    for (int i = 0; tabla[i].nombre != NULL; i++) {
        if (tabla[i].nr != nr)
            continue;
        if (funciones[i] == NULL) {
            sl_busqueda_t bq = {tabla[i].nombre, NULL};
            dl_iterate_phdr(sl_en_objeto, &bq);
            funciones[i] = bq.funcion;
        }
        if (funciones[i] == NULL)
            return -ENOSYS;
        long r = ((long (*)(long, long, long, long))funciones[i])(a, b, c, d);
        return r == -1 ? -errno : r;
    }
    return -ENOSYS;
}
#define hm_oculta6 sl_libc6
