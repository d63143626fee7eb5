/* exportadas.c — ¿cae una dirección dentro de una función que exporta una biblioteca?
 *
 * runner/conducta_pila.c juzga la pila de cada archivo que toca el grupo de hilos de libuv: justo
 * encima del bucle del grupo (`worker`) tiene que estar la función de archivos de libuv
 * (`uv__fs_work`, estática), no una que el programa puede llamar (`uv_fs_read` sin callback,
 * alcanzada con una llamada de cola desde una callback de uv_queue_work). Los nombres que
 * escribe strace -k no sirven para eso: libdw da el símbolo exportado más cercano por debajo
 * (`uv__fs_work` sale como «uv_fs_req_cleanup+0x11e3»). Los rangos sí: cada función de
 * `.dynsym` tiene principio y tamaño (st_value, st_size), y una dirección de retorno dentro de
 * uno de ellos es de esa función.
 *
 * Las direcciones son las de strace -k («[0x…]»: relativas al archivo, que en una biblioteca
 * compartida empieza en 0). Se guarda la tabla de la última biblioteca leída: un laboratorio
 * solo pregunta por libuv.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOPE_BIBLIOTECA (64L * 1024 * 1024) /* más que eso no es libuv */

typedef struct {
    unsigned long desde, hasta;
    char nombre[64];
} funcion_t;

static char leida[PATH_MAX]; /* la biblioteca de la tabla ("": ninguna aún) */
static funcion_t *funciones; /* sus funciones exportadas */
static int nfunciones = -1;  /* -1: no se pudo leer */

/* El archivo entero (las bibliotecas del sistema son pequeñas), o NULL. */
static unsigned char *leer_entera(const char *ruta, size_t *tam)
{
    int fd = open(ruta, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    unsigned char *datos = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)sizeof(Elf64_Ehdr) &&
        st.st_size < TOPE_BIBLIOTECA)
        datos = malloc((size_t)st.st_size);
    size_t hecho = 0;
    while (datos != NULL && hecho < (size_t)st.st_size) {
        ssize_t n = pread(fd, datos + hecho, (size_t)st.st_size - hecho, (off_t)hecho);
        if (n <= 0) {
            free(datos);
            datos = NULL;
        } else {
            hecho += (size_t)n;
        }
    }
    close(fd);
    *tam = hecho;
    return datos;
}

/* Las funciones definidas de .dynsym (con su tamaño). El número, o -1 si no es un ELF de 64
 * bits que se entienda. */
static int tabla_de(const unsigned char *d, size_t tam, funcion_t **sal)
{
    const Elf64_Ehdr *e = (const Elf64_Ehdr *)d;
    *sal = NULL;
    if (memcmp(e->e_ident, ELFMAG, SELFMAG) != 0 || e->e_ident[EI_CLASS] != ELFCLASS64 ||
        e->e_shentsize != sizeof(Elf64_Shdr) || e->e_shoff == 0 || e->e_shoff > tam ||
        (size_t)e->e_shnum * sizeof(Elf64_Shdr) > tam - e->e_shoff)
        return -1;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(d + e->e_shoff);
    for (int i = 0; i < e->e_shnum; i++) {
        if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_entsize != sizeof(Elf64_Sym) ||
            sh[i].sh_link >= e->e_shnum)
            continue;
        const Elf64_Shdr *cad = &sh[sh[i].sh_link];
        if (sh[i].sh_offset > tam || sh[i].sh_size > tam - sh[i].sh_offset ||
            cad->sh_offset > tam || cad->sh_size > tam - cad->sh_offset)
            return -1;
        size_t n = sh[i].sh_size / sizeof(Elf64_Sym);
        const Elf64_Sym *s = (const Elf64_Sym *)(d + sh[i].sh_offset);
        funcion_t *f = calloc(n > 0 ? n : 1, sizeof *f);
        if (f == NULL)
            return -1;
        int k = 0;
        for (size_t j = 0; j < n; j++) {
            if (ELF64_ST_TYPE(s[j].st_info) != STT_FUNC || s[j].st_shndx == SHN_UNDEF ||
                s[j].st_size == 0)
                continue;
            f[k].desde = s[j].st_value;
            f[k].hasta = s[j].st_value + s[j].st_size;
            const char *nombre =
                s[j].st_name < cad->sh_size ? (const char *)d + cad->sh_offset + s[j].st_name : "?";
            snprintf(f[k].nombre, sizeof f[k].nombre, "%.*s", (int)strnlen(nombre, 63), nombre);
            k++;
        }
        *sal = f;
        return k;
    }
    return -1;
}

int exportada_en(const char *ruta, unsigned long dir, char *nombre, size_t tam)
{
    if (ruta == NULL || ruta[0] == '\0')
        return -1;
    if (leida[0] == '\0' || strcmp(ruta, leida) != 0) {
        free(funciones);
        funciones = NULL;
        nfunciones = -1;
        snprintf(leida, sizeof leida, "%s", ruta);
        size_t largo = 0;
        unsigned char *d = leer_entera(ruta, &largo);
        if (d != NULL)
            nfunciones = tabla_de(d, largo, &funciones);
        free(d);
    }
    if (nfunciones < 0)
        return -1;
    for (int i = 0; i < nfunciones; i++)
        if (dir >= funciones[i].desde && dir < funciones[i].hasta) {
            if (nombre != NULL && tam > 0)
                snprintf(nombre, tam, "%s", funciones[i].nombre);
            return 1;
        }
    return 0;
}
