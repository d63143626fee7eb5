/* enlace_11.c — trampa del laboratorio 11 (se antepone a la solución): el programa descarga bien
 * y, al salir, cambia su carpeta -d por un enlace simbólico a una carpeta ajena (@SECRETO@, 0700
 * y de root, con un archivo de nombre único que pone la prueba). Cuando una verificación falla,
 * el calificador (fuera de la caja, como root) pone en el informe qué hay en -d: antes lo listaba
 * con opendir(ruta), seguía el enlace y el nombre de ese archivo salía en el informe y en
 * results.json. Ahora lo lista con base/arbol.c, que no sigue ningún enlace. Todo con uv_fs_* en
 * el grupo de hilos, en un bucle propio al salir (los medios del 11 lo permiten). */
#include <stdio.h>
#include <string.h>
#include <uv.h>

static char e11_dir[1024], e11_viejo[1100];
static uv_loop_t e11_bucle;
static uv_fs_t e11_pet;

static void e11_enlazado(uv_fs_t *r)
{
    uv_fs_req_cleanup(r);
}

static void e11_movida(uv_fs_t *r)
{
    int ok = r->result == 0;
    uv_fs_req_cleanup(r);
    if (ok)
        uv_fs_symlink(&e11_bucle, &e11_pet, "@SECRETO@", e11_dir, 0, e11_enlazado);
}

__attribute__((constructor)) static void e11_anotar(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "-d") == 0)
            snprintf(e11_dir, sizeof e11_dir, "%s", argv[i + 1]);
}

__attribute__((destructor)) static void e11_cambiar(void)
{
    if (e11_dir[0] == '\0' || uv_loop_init(&e11_bucle) != 0)
        return;
    snprintf(e11_viejo, sizeof e11_viejo, "%s.viejo", e11_dir);
    uv_fs_rename(&e11_bucle, &e11_pet, e11_dir, e11_viejo, e11_movida);
    uv_run(&e11_bucle, UV_RUN_DEFAULT);
    uv_loop_close(&e11_bucle);
}
