/* protecciones.c — qué protecciones tiene esta calificación y, si falta alguna, por qué y
 * cómo conseguirla. Lo dice la cabecera del informe (y results.json): una nota obtenida sin
 * caja no vale lo mismo que una con caja, y quien califica tiene que saberlo.
 *
 * Las cuatro: la caja de bubblewrap (la entrega no ve el repositorio ni escribe fuera de su
 * /tmp; su compilación tampoco ve nada más), la red propia de cada verificación, el filtro
 * seccomp (no crea procesos) y un usuario propio por verificación (como root) o el del
 * estudiante (sin privilegios). Las dos primeras necesitan espacios de nombres de usuario,
 * que Ubuntu 24.04 restringe con AppArmor y que algunos contenedores y WSL 1 no tienen.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COMO_ACTIVAR "Cómo activarlas: README.md, apartado «Si no eres root»."

/* Por qué no hay espacios de nombres de usuario: el ajuste del núcleo que lo impide, si es
 * uno de los conocidos; si no, lo habitual (contenedores, WSL 1). */
static const char *causa_sin_espacios(void)
{
    static const struct {
        const char *ruta, *valor, *texto;
    } ajustes[] = {
        {"/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1",
         "AppArmor lo impide (kernel.apparmor_restrict_unprivileged_userns = 1, lo "
         "habitual desde Ubuntu 23.10)"},
        {"/proc/sys/kernel/unprivileged_userns_clone", "0",
         "el núcleo lo impide (kernel.unprivileged_userns_clone = 0)"},
        {"/proc/sys/user/max_user_namespaces", "0",
         "el núcleo lo impide (user.max_user_namespaces = 0)"},
    };
    for (size_t i = 0; i < sizeof ajustes / sizeof ajustes[0]; i++) {
        char *v = archivos_leer(ajustes[i].ruta, 16);
        size_t n = strlen(ajustes[i].valor);
        int coincide =
            v != NULL && strncmp(v, ajustes[i].valor, n) == 0 && (v[n] == '\n' || v[n] == '\0');
        free(v);
        if (coincide)
            return ajustes[i].texto;
    }
    return "pasa a menudo dentro de contenedores (Docker, Podman…) y en WSL 1";
}

/* Lo que tiene: una frase. */
static size_t tiene(char *buf, size_t tam, int bwrap, int red, int filtro, int root)
{
    return (size_t)snprintf(
        buf, tam, "%s%s%s; %s",
        bwrap ? "bubblewrap (el entorno aislado donde se compila y ejecuta la entrega: "
                "espacios de nombres de usuario y de PID, sistema de archivos de solo lectura, "
                "/tmp privado, sin acceso al repositorio, también al compilar)"
        : encierro_disponible() > 0
            ? "SIN caja de arena (pero con Landlock: la entrega solo lee el sistema y lo que "
              "le da la verificación, solo escribe en su carpeta de trabajo y en las de la "
              "verificación, y no mira los procesos del calificador)"
            : "SIN caja de arena",
        red ? "; red propia por verificación" : "",
        filtro ? "; solo las llamadas al sistema que usa el curso (seccomp: sin procesos nuevos "
                 "ni código escrito en memoria)"
               : "",
        root ? "un usuario propio por verificación" : "con tu usuario");
}

/* Lo que falta, con el porqué y lo que se mantiene. */
static void faltan(char *buf, size_t tam, int bwrap, const char *m_caja, int red, const char *m_red,
                   int filtro, int root)
{
    int sin_espacios = strstr(m_caja, "espacios de nombres") != NULL || !red;
    size_t n = (size_t)snprintf(buf, tam, ".\nProtecciones que faltan:");
    if (!bwrap && n < tam)
        n += (size_t)snprintf(
            buf + n, tam - n,
            "\n  - caja de arena: bubblewrap %s%s%s. La entrega ve todo el sistema de "
            "archivos (%s) y no tiene /tmp privado ni espacio de PID propio; su compilación "
            "también ve el disco.",
            m_caja, sin_espacios ? ": " : "", sin_espacios ? causa_sin_espacios() : "",
            encierro_disponible() > 0
                ? "ve los nombres, pero Landlock solo le deja leer el sistema y lo que le da la "
                  "verificación, y escribir en su carpeta"
            : root ? "corre con un usuario sin privilegios: puede leer lo que cualquiera puede "
                     "leer, pero no escribir en el repositorio ni en los informes"
                   : "corre como tú: puede leer lo que tú puedes leer y escribir donde tú "
                     "puedes escribir, también en el repositorio y en build/");
    if (!red && n < tam)
        n += (size_t)snprintf(buf + n, tam - n,
                              "\n  - red propia: %s; la entrega llega a los puertos de "
                              "127.0.0.1 de la máquina.",
                              m_red);
    if (!filtro && n < tam)
        n += (size_t)snprintf(buf + n, tam - n,
                              "\n  - filtro seccomp: no lo hay para esta arquitectura; crear "
                              "procesos solo lo impide el análisis de símbolos.");
    if (n < tam)
        n += (size_t)snprintf(buf + n, tam - n,
                              "\n  Se mantienen: límites de CPU, memoria, procesos, salida y "
                              "tiempo, entorno limpio, análisis de lo que usa la entrega y la "
                              "limpieza de todos sus procesos al terminar.%s",
                              root ? ""
                                   : " Para calificar tu propio código basta; no "
                                     "califiques así entregas ajenas.");
    if (n < tam)
        snprintf(buf + n, tam - n, "\n  %s", COMO_ACTIVAR);
}

int protecciones_describir(char *buf, size_t tam, int *hay_bwrap)
{
    char m_caja[256] = "", m_red[256] = "";
    *hay_bwrap = caja_probar(m_caja, sizeof m_caja);
    int red = red_probar(m_red, sizeof m_red);
    int filtro = filtro_disponible();
    int root = geteuid() == 0;
    size_t n = tiene(buf, tam, *hay_bwrap, red, filtro, root);
    int cuantas = !*hay_bwrap + !red + !filtro;
    if (cuantas > 0 && n < tam)
        faltan(buf + n, tam - n, *hay_bwrap, m_caja, red, m_red, filtro, root);
    return cuantas;
}
