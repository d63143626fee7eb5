/* datos.c — documentos de ejemplo deterministas (ver datos.h). Los textos se eligen de
 * listas fijas con un hash del identificador: mismo id, mismo documento, siempre. */
#include "datos.h"

#include "texto.h"

#include <stdio.h>
#include <string.h>

#define NUM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const temas[] = {
    "el bucle de eventos", "las corrutinas",       "los temporizadores",
    "la contrapresión",    "las colas de trabajo", "los sockets no bloqueantes",
    "la cancelación",      "los tiempos límite",   "el paralelismo real",
    "las señales",
};
static const char *const titulos[] = {
    "Apuntes sobre %s",          "Lo que nadie te cuenta de %s", "Una semana aprendiendo %s",
    "Errores frecuentes con %s", "%s explicado con café",        "Preguntas y respuestas sobre %s",
};
static const char *const frases[] = {
    "Esperar no significa bloquear: mientras una operación espera, el programa atiende otras.",
    "Cada callback debe volver pronto para que el bucle siga girando.",
    "Un temporizador no garantiza puntualidad, solo que no llegará antes de tiempo.",
    "Cerrar bien los recursos es tan importante como abrirlos.",
    "La concurrencia trata de estructurar el trabajo; el paralelismo, de ejecutarlo a la vez.",
    "Si algo puede fallar por red, fallará justo durante la demostración.",
    "Medir antes de optimizar ahorra muchas tardes.",
    "Un límite de simultaneidad protege al servidor y al cliente.",
};

json_t *datos_presentacion(void)
{
    return json_pack("{s:{s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s, s:[s, s]}]}}", "slideshow",
                     "author", "Equipo del curso", "date", "1 de marzo de 2024", "title",
                     "Presentación de ejemplo", "slides", "title",
                     "¡Bienvenidos a la programación asíncrona!", "type", "all", "title", "Resumen",
                     "type", "all", "items", "Por qué esperar sin bloquear",
                     "Quién hace el trabajo mientras tanto");
}

json_t *datos_post(long id)
{
    unsigned long long h = (unsigned long long)id * 0x9E3779B97F4A7C15ULL;
    char titulo[160];
    char cuerpo[512];
    const char *tema = temas[(size_t)(h >> 11) % NUM(temas)];
    snprintf(titulo, sizeof titulo, titulos[(size_t)(h >> 23) % NUM(titulos)], tema);
    /* La primera letra en mayúscula cuando el título empieza por el tema. */
    if (titulo[0] >= 'a' && titulo[0] <= 'z')
        titulo[0] = (char)(titulo[0] - 'a' + 'A');
    size_t a = (size_t)(h >> 31) % NUM(frases);
    size_t b = (a + 1 + (size_t)(h >> 41) % (NUM(frases) - 1)) % NUM(frases);
    snprintf(cuerpo, sizeof cuerpo, "%s\n%s", frases[a], frases[b]);
    return json_pack("{s:I, s:I, s:s, s:s}", "userId", (json_int_t)((id - 1) / 10 + 1), "id",
                     (json_int_t)id, "title", titulo, "body", cuerpo);
}

static const char *const nombres[] = {"Ana",    "Luis",  "Marta", "Jorge", "Lucía",
                                      "Sergio", "Paula", "Íñigo", "Nuria", "Andrés"};
static const char *const apellidos[] = {"García", "Martínez",  "López", "Sánchez", "Pérez",
                                        "Gómez",  "Fernández", "Díaz",  "Muñoz",   "Álvarez"};
static const char *const ciudades[] = {"Madrid", "Barcelona", "Valencia", "Sevilla",
                                       "Bilbao", "Zaragoza",  "Málaga",   "A Coruña"};

json_t *datos_usuario(const char *login, const char *base)
{
    unsigned long long h = texto_hash(login);
    char nombre[96], enlace[512], avatar[512], creado[32];
    snprintf(nombre, sizeof nombre, "%s %s", nombres[h % NUM(nombres)],
             apellidos[(h >> 8) % NUM(apellidos)]);
    snprintf(enlace, sizeof enlace, "%s/users/%s", base, login);
    snprintf(avatar, sizeof avatar, "%s/imagen/120/120", base);
    snprintf(creado, sizeof creado, "20%02u-%02u-%02uT10:00:00Z", (unsigned)(8 + (h >> 16) % 16),
             (unsigned)(1 + (h >> 24) % 12), (unsigned)(1 + (h >> 28) % 28));
    json_t *doc = json_pack(
        "{s:o, s:I, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s}", "login",
        texto_json_c(login), "id", (json_int_t)(1000 + (h >> 20) % 9000000), "avatar_url", avatar,
        "html_url", texto_json_c(enlace), "type", "User", "name", nombre, "location",
        ciudades[(h >> 36) % NUM(ciudades)], "public_repos", (json_int_t)((h >> 40) % 120),
        "public_gists", (json_int_t)((h >> 44) % 30), "followers", (json_int_t)((h >> 48) % 5000),
        "following", (json_int_t)((h >> 56) % 200), "created_at", creado);
    return doc;
}
