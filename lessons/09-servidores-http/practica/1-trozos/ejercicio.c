/* ejercicio.c — peticiones HTTP a trozos con llhttp (práctica 1 de la lección 9).
 *
 *   analizar TROZO...    da cada argumento a llhttp como si fuera una lectura del socket e
 *                        imprime cada petición completa: «MÉTODO URL (cuerpo: N bytes)».
 *
 * Tal como está, llhttp analiza pero nadie guarda la URL ni cuenta el cuerpo. Tu trabajo:
 * al_empezar, al_recibir_url y al_recibir_cuerpo (ver README.md).
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
    /* TODO: una petición nueva empieza */
    (void)a;
    return 0;
}

static int al_recibir_url(llhttp_t *a, const char *at, size_t n)
{
    /* TODO: un trozo de la URL (puede haber varios); más de MAX_URL bytes en total: 414 */
    (void)a;
    (void)at;
    (void)n;
    return 0;
}

static int al_recibir_cuerpo(llhttp_t *a, const char *at, size_t n)
{
    /* TODO: un trozo del cuerpo */
    (void)a;
    (void)at;
    (void)n;
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
