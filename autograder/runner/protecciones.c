/* protecciones.c — qué protecciones tiene esta calificación y, si falta alguna, por qué y
 * cómo conseguirla. Lo dice la cabecera del informe (y results.json): una nota obtenida sin
 * caja no vale lo mismo que una con caja, y quien califica tiene que saberlo.
 *
 * Las cuatro: la caja de bubblewrap (la entrega no ve el repositorio ni escribe fuera de su
 * /tmp; su compilación tampoco ve nada más), la red propia de cada verificación, el filtro
 * seccomp (no crea procesos) y un usuario propio por verificación (como root) o el del
 * estudiante (sin privilegios).
 */
#define _GNU_SOURCE
#include "runner.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Lo que se le dice a quien no tiene espacios de nombres de usuario (Ubuntu 24.04 los
 * restringe con AppArmor; algunos contenedores y WSL no los tienen). */
#define COMO_ACTIVAR                                                                        \
    "Para activarlas: «make deps» instala bubblewrap; en Ubuntu 24.04 o posterior, "      \
    "«sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0» (o un perfil de "       \
    "AppArmor para bwrap); en un contenedor, que permita espacios de nombres de usuario. "  \
    "Más en el README, «Si no eres root»."

int protecciones_describir(char *buf, size_t tam, int *hay_bwrap)
{
    char m_caja[256], m_red[256];
    *hay_bwrap = caja_probar(m_caja, sizeof m_caja);
    int red = red_probar(m_red, sizeof m_red);
    int filtro = filtro_disponible();
    int root = geteuid() == 0;
    int faltan = !*hay_bwrap + !red + !filtro;
    size_t n = 0;
    n += (size_t)snprintf(buf + n, tam - n, "%s",
                          *hay_bwrap ? "bubblewrap (espacios de nombres de usuario y de PID, "
                                       "sistema de solo lectura, /tmp privado, sin acceso al "
                                       "repositorio, también al compilar)"
                                     : "SIN caja de arena");
    if (n < tam && red)
        n += (size_t)snprintf(buf + n, tam - n, "; red propia por verificación");
    if (n < tam && filtro)
        n += (size_t)snprintf(buf + n, tam - n, "; no puede crear procesos (seccomp)");
    if (n < tam)
        n += (size_t)snprintf(buf + n, tam - n, "; %s",
                              root ? "un usuario propio por verificación"
                                   : "con tu usuario");
    if (faltan == 0 || n >= tam)
        return 0;
    n += (size_t)snprintf(buf + n, tam - n, ".\nFALTAN PROTECCIONES:");
    if (!*hay_bwrap && n < tam)
        n += (size_t)snprintf(buf + n, tam - n,
                              "\n  - caja de arena: bubblewrap %s. La entrega corre con "
                              "límites (CPU, memoria, procesos, salida, tiempo) y se limpia "
                              "al terminar, pero puede leer el disco%s, y su compilación "
                              "también lo ve.",
                              m_caja, root ? "" : " y escribir donde puedas escribir tú");
    if (!red && n < tam)
        n += (size_t)snprintf(buf + n, tam - n,
                              "\n  - red propia: %s; la entrega ve los puertos de 127.0.0.1 "
                              "de la máquina.",
                              m_red);
    if (!filtro && n < tam)
        n += (size_t)snprintf(buf + n, tam - n,
                              "\n  - filtro seccomp: no lo hay para esta arquitectura; "
                              "crear procesos solo lo impide el análisis de símbolos.");
    if (n < tam)
        snprintf(buf + n, tam - n, "\n  %s", COMO_ACTIVAR);
    return faltan;
}
