/* ejercicio.c — peticiones HTTP a trozos con llhttp (práctica 1 de la lección 9): una respuesta.
 *
 *   analizar TROZO...    da cada argumento a llhttp como si fuera una lectura del socket e
 *                        imprime cada petición completa: «MÉTODO URL (cuerpo: N bytes)».
 *
 * llhttp llama a on_url con cada trozo de URL que tiene: se acumula (con límite) y se pone a
 * cero al empezar cada mensaje, porque por el mismo flujo pueden llegar varias peticiones.
 */
#include <llhttp.h>
#include <stdio.h>
#include <string.h>

#define MAX_URL 32 /* bytes de URL; más, y la respuesta sería 414 */

static char url[MAX_URL + 1];
static size_t largo_url, cuerpo;
static int peticiones, error_http;

static int al_empezar(llhttp_t *a)
{
    (void)a;
    largo_url = 0;
    url[0] = '\0';
    cuerpo = 0;
    return 0;
}

static int al_recibir_url(llhttp_t *a, const char *at, size_t n)
{
    (void)a;
    if (largo_url + n > MAX_URL) {
        error_http = 414;
        return -1; /* detiene el análisis: llhttp_execute devuelve un error */
    }
    memcpy(url + largo_url, at, n);
    largo_url += n;
    url[largo_url] = '\0';
    return 0;
}

static int al_recibir_cuerpo(llhttp_t *a, const char *at, size_t n)
{
    (void)a;
    (void)at;
    cuerpo += n;
    return 0;
}

static int al_completar(llhttp_t *a)
{
    printf("%s %s (cuerpo: %zu bytes)\n", llhttp_method_name((llhttp_method_t)a->method), url, cuerpo);
    peticiones++;
    return 0;
}

int main(int argc, char **argv)
{
    llhttp_settings_t ajustes;
    llhttp_t analizador;

    llhttp_settings_init(&ajustes);
    ajustes.on_message_begin = al_empezar;
    ajustes.on_url = al_recibir_url;
    ajustes.on_body = al_recibir_cuerpo;
    ajustes.on_message_complete = al_completar;
    llhttp_init(&analizador, HTTP_REQUEST, &ajustes);

    for (int i = 1; i < argc; i++) {
        if (llhttp_execute(&analizador, argv[i], strlen(argv[i])) != HPE_OK) {
            if (error_http == 414)
                printf("414: URL demasiado larga\n");
            else
                printf("400: petición mal formada\n");
            return 1;
        }
    }
    printf("peticiones: %d\n", peticiones);
    return 0;
}
