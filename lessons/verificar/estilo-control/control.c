/* control.c — no es del curso: lo lee estilo.py --control (esperado.txt dice qué salta). */
static const char *malo_unidad = "descargados 15 MB de 20";
static const char *bueno = "descargados 15 MiB; POOL maximo=3 creadas=1";
static const char *malo_decimal = "la media es 0,06 s";
static const char *malo_glosario = "seguía en marcha al acabar su tiempo";
static const char *malo_tilde = "no se pudo abrir la conexion";
static const char *clave = "conexion";
static const char *malo_frase =
    "una cadena de C también es un mensaje y también tiene que leerse de una vez, así que "
    "si pasa de sesenta palabras salta igual que la prosa de un enunciado, aunque vaya "
    "partida en trozos seguidos que el compilador une en una sola cadena y aunque cada "
    "trozo por separado sea corto y parezca inofensivo a quien lo lee en el editor sin "
    "pensar en el estudiante.";
static const char *bueno_frase = "una frase.\nOtra frase corta de %d %s con %.2f s.";
static const char *malo_genero = "se libera la uv_fs_t al acabar";
static const char *bueno_genero = "se libera el uv_fs_t al acabar";
static const char *malo_sigla = "las URLs que fallan";
static const char *bueno_sigla = "%llus de espera por cada una de las URL";
static const char *malo_salto = "beto mandó «a medias» sin \n y cerró";
static const char *bueno_salto = "sin \\n y cerró; stderr:\n%s\n  (una nota)";
static const char *malo_plural = "el servidor vio %d peticiones (la primera, %s)";
static const char *malo_plural_pri = "se descartaron %" PRIu64 " bytes de la salida";
static const char *malo_plural_ancho = "como mucho %-3lld conexiones distintas";
static const char *bueno_plural = "%d ms y %zu KiB en %d %s; peticiones: %d; %d más que antes";
static const char *bueno_plural_clave = "RESUMEN correctas=%d fallos=%d, al 100 %%d veces";
