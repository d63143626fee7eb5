/* entrada.c — la entrada inválida: opciones y URL que el programa rechaza con el código 2
 * y un mensaje en stderr, sin descargar nada. */
#include <criterion/criterion.h>

#include "comun.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CAL_PRUEBA(entrada_invalida, 30)
static void entrada_invalida(void)
{
    cal_esperado("código 2, un mensaje en stderr (que cite la URL mala) y ninguna petición");
    cal_servidor_t *s;
    if (cal_servidor(&s) < 0)
        CAL_FIN(0);
    const char *casos[][6] = {{NULL},
                              {"ftp://127.0.0.1/x", NULL},
                              {"/bytes/10", "http:///x", NULL},
                              {"-c", "0", "/bytes/10", NULL},
                              {"-c", "abc", "/bytes/10", NULL},
                              {"-t", "12x", "/bytes/10", NULL},
                              {"-r", "-1", "/bytes/10", NULL},
                              {"-d", "/no/existe/aqui", "/bytes/10", NULL},
                              {"-c", "65", "/bytes/10", NULL},
                              {"-t", "99", "/bytes/10", NULL},
                              {"-t", "3600001", "/bytes/10", NULL},
                              {"-r", "11", "/bytes/10", NULL},
                              {"/bytes/10", "http://", NULL},
                              {"/bytes/1 0", NULL}};
    int ok = 1;
    for (size_t i = 0; i < sizeof casos / sizeof casos[0] && ok; i++) {
        cal_proceso_t *p = desc_lanzar(s, NULL, casos[i], 8, 0, 0);
        if (p == NULL)
            CAL_FIN(0);
        int c = desc_fin(p, 5000);
        const char *err = cal_errores(p);
        char f[128];
        if (c != 2 || err[0] == '\0') {
            cal_obtenido("%s, stderr %s", desc_como(p, c, f, sizeof f),
                         err[0] != '\0' ? "con mensaje" : "vacío");
            cal_nota_salida(p, 4);
            ok = 0;
        } else if (i == 1 && strstr(err, "ftp://127.0.0.1/x") == NULL) {
            cal_obtenido("el mensaje no cita la URL mala: %s", err);
            ok = 0;
        }
    }
    const cal_peticion_t *v;
    int n = cal_registro(s, &v);
    if (ok && n > 0) {
        cal_obtenido("con la entrada inválida, el servidor recibió %d %s (la primera, %s)", n,
                     texto_plural(n, "petición", "peticiones"), v[0].ruta);
        ok = 0;
    }
    if (ok)
        cal_obtenido("todos los casos (%d) salen con código 2 y mensaje, sin pedir nada",
                     (int)(sizeof casos / sizeof casos[0]));
    CAL_FIN(ok);
}
