/* lee_curso.c — trampa del laboratorio 08 (se antepone a la solución; sin bwrap): leer el curso.
 *
 * Sin caja el programa ve el disco de la máquina. Antes de main, sube desde su carpeta de
 * trabajo (y desde la de su binario, /proc/self/exe) hasta encontrar la solución del 08
 * (solutions/…/contador.c), el código de su calificador (labs/…/.calificador/comun.c), el
 * calificador construido (build/labs/…/calificador), los resultados de las verificaciones
 * (resultados/, junto al binario) y la carpeta con las temporales de todas las verificaciones
 * del laboratorio. Lo que consigue leer lo imprime en su salida, una línea «FUGA …» por cosa
 * (un extracto), y sale con código 3: todas las verificaciones fallan y el informe enseña esas
 * líneas. Antes, sin bwrap, el encierro de Landlock solo limitaba la escritura y todo eso
 * salía en el informe (4/100). Ahora leer fuera de lo que la caja le da falla con EACCES y
 * entonces calla: el contador cuenta como la solución (100/100). Cualquier otra cosa (no
 * encontrar algo, otro error) también se imprime y sale con 3: la prueba no pasa en vacío.
 * Todo con uv_fs_* y su callback, en un bucle propio (los medios del 08 lo permiten; getcwd o
 * readlink en el hilo del bucle los ve la observación y la entrega no se califica). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define LC_SUBIR 16

static uv_loop_t lc_bucle;
static uv_fs_t lc_pet;
static int lc_visto; /* algo leído o algo que no es EACCES: sale con 3 */

static void lc_hecha(uv_fs_t *r)
{
    (void)r;
}

/* Espera a la petición en curso y devuelve su resultado (la petición queda por limpiar). */
static ssize_t lc_esperar(void)
{
    uv_run(&lc_bucle, UV_RUN_DEFAULT);
    return lc_pet.result;
}

/* `base`/../…/`rel` (subiendo de 0 a LC_SUBIR niveles) que exista, en `ruta`. 1 si la hay. */
static int lc_buscar(const char *base, const char *rel, char *ruta, size_t tam)
{
    char arriba[3 * LC_SUBIR + 1] = "";
    for (int n = 0; n <= LC_SUBIR; n++) {
        snprintf(ruta, tam, "%s/%s%s", base, arriba, rel);
        uv_fs_stat(&lc_bucle, &lc_pet, ruta, lc_hecha);
        ssize_t r = lc_esperar();
        uv_fs_req_cleanup(&lc_pet);
        if (r == 0)
            return 1;
        strcat(arriba, "../");
    }
    return 0;
}

/* Lo que salió de leer `ruta` (`rel`, para el informe): con EACCES, nada. */
static void lc_motivo(const char *rel, ssize_t r)
{
    if (r != UV_EACCES) {
        printf("LEE_CURSO: %s: %s\n", rel, uv_strerror((int)r));
        lc_visto = 1;
    }
}

static void lc_archivo(const char *base, const char *rel)
{
    char ruta[8192], buf[4096];
    if (!lc_buscar(base, rel, ruta, sizeof ruta)) {
        printf("LEE_CURSO: no se encontró %s\n", rel);
        lc_visto = 1;
        return;
    }
    uv_fs_open(&lc_bucle, &lc_pet, ruta, UV_FS_O_RDONLY, 0, lc_hecha);
    ssize_t fd = lc_esperar();
    uv_fs_req_cleanup(&lc_pet);
    if (fd < 0) {
        lc_motivo(rel, fd);
        return;
    }
    uv_buf_t b = uv_buf_init(buf, sizeof buf - 1);
    uv_fs_read(&lc_bucle, &lc_pet, (uv_file)fd, &b, 1, 0, lc_hecha);
    ssize_t n = lc_esperar();
    uv_fs_req_cleanup(&lc_pet);
    buf[n > 0 ? n : 0] = '\0';
    /* Un extracto: la primera línea que no es una marca «//@» (de un ELF, «ELF»). */
    char *linea = buf, *fin;
    while (linea != NULL && strncmp(linea, "//@", 3) == 0)
        linea = (fin = strchr(linea, '\n')) != NULL ? fin + 1 : NULL;
    if (linea != NULL && (fin = strchr(linea, '\n')) != NULL)
        *fin = '\0';
    printf("FUGA %s (%zd bytes): %.100s\n", rel, n, linea != NULL ? linea : "");
    lc_visto = 1;
    uv_fs_close(&lc_bucle, &lc_pet, (uv_file)fd, lc_hecha);
    lc_esperar();
    uv_fs_req_cleanup(&lc_pet);
}

static void lc_carpeta(const char *base, const char *rel)
{
    char ruta[8192];
    if (!lc_buscar(base, rel, ruta, sizeof ruta)) {
        printf("LEE_CURSO: no se encontró %s\n", rel);
        lc_visto = 1;
        return;
    }
    uv_fs_scandir(&lc_bucle, &lc_pet, ruta, 0, lc_hecha);
    ssize_t r = lc_esperar();
    if (r < 0) {
        uv_fs_req_cleanup(&lc_pet);
        lc_motivo(rel, r);
        return;
    }
    uv_dirent_t e;
    char nombres[120] = "";
    int n = 0;
    while (uv_fs_scandir_next(&lc_pet, &e) != UV_EOF) {
        size_t u = strlen(nombres);
        snprintf(nombres + u, sizeof nombres - u, "%s%s", n++ > 0 ? ", " : "", e.name);
    }
    printf("FUGA %s/ (%d entradas): %s\n", rel, n, nombres);
    lc_visto = 1;
    uv_fs_req_cleanup(&lc_pet);
}

/* `ruta` resuelta por el grupo de hilos (realpath o readlink), en `dest`. 1 si se pudo. */
static int lc_resolver(const char *ruta, int enlace, char *dest, size_t tam)
{
    if (enlace)
        uv_fs_readlink(&lc_bucle, &lc_pet, ruta, lc_hecha);
    else
        uv_fs_realpath(&lc_bucle, &lc_pet, ruta, lc_hecha);
    int ok = lc_esperar() == 0 && lc_pet.ptr != NULL;
    if (ok)
        snprintf(dest, tam, "%s", (const char *)lc_pet.ptr);
    uv_fs_req_cleanup(&lc_pet);
    return ok;
}

/* Todo en el grupo de hilos (uv_fs_* con callback): getcwd o readlink en el hilo del bucle los
 * ve la observación del 08 y la entrega no se califica. */
__attribute__((constructor)) static void lc_mirar(void)
{
    char trabajo[4096], binario[4096];
    if (uv_loop_init(&lc_bucle) != 0)
        return;
    if (lc_resolver(".", 0, trabajo, sizeof trabajo) &&
        lc_resolver("/proc/self/exe", 1, binario, sizeof binario)) {
        char *barra = strrchr(binario, '/');
        if (barra != NULL)
            *barra = '\0';
        lc_archivo(trabajo, "solutions/08-contador-palabras/contador.c");
        lc_archivo(trabajo, "labs/08-contador-palabras/.calificador/comun.c");
        lc_archivo(binario, "labs/08-contador-palabras/calificador");
        lc_carpeta(binario, "resultados");
        lc_carpeta(trabajo, "../..");
    } else {
        printf("LEE_CURSO: no se sabe dónde está\n");
        lc_visto = 1;
    }
    uv_loop_close(&lc_bucle);
    if (lc_visto)
        exit(3);
}
