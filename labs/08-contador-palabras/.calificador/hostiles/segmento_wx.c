/* segmento_wx.c — trampa (se antepone a la solución del 08): una sección propia con permisos
 * «awx» hace que el enlazador cree un segmento de carga que se puede escribir y ejecutar, y el
 * núcleo lo da al cargar el programa sin ninguna llamada que el filtro de la caja pueda negar
 * (mmap y mprotect con PROT_WRITE|PROT_EXEC sí se niegan). Ahí el programa puede copiar código y
 * ejecutarlo: sus marcos no son de ningún archivo y libdw no los sigue (un adversario, sesión
 * 27). Aquí solo se pide la memoria; el calificador mira los segmentos del programa enlazado
 * (runner/segmentos.c) y no lo califica. */
__asm__(".section .hm_x,\"awx\",@nobits\n"
        ".globl hm_x\n"
        "hm_x: .space 4096\n"
        ".previous\n");
