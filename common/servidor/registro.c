/* registro.c — líneas JSON del registro de peticiones, construidas con jansson para que
 * rutas con comillas o bytes raros salgan bien escapadas (ver registro.h). */
#include "registro.h"

#include "texto.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

struct registro_s {
    FILE *archivo;
};

int registro_abrir(const char *ruta, registro_t **r)
{
    *r = NULL;
    registro_t *nuevo = malloc(sizeof *nuevo);
    if (nuevo == NULL)
        return -ENOMEM;
    nuevo->archivo = fopen(ruta, "we");
    if (nuevo->archivo == NULL) {
        int e = errno;
        free(nuevo);
        return -e;
    }
    *r = nuevo;
    return 0;
}

void registro_anotar(registro_t *r, const registro_linea_t *l)
{
    if (r == NULL)
        return;
    json_t *o = json_object();
    if (o == NULL)
        return;
    json_object_set_new(o, "inicio_ms", json_integer((json_int_t)l->inicio_ms));
    json_object_set_new(o, "fin_ms", json_integer((json_int_t)l->fin_ms));
    json_object_set_new(o, "metodo", texto_json_c(l->metodo != NULL ? l->metodo : ""));
    json_object_set_new(o, "ruta", texto_json_c(l->ruta != NULL ? l->ruta : ""));
    json_object_set_new(o, "estado", json_integer(l->estado));
    json_object_set_new(o, "bytes", json_integer((json_int_t)l->bytes));
    json_object_set_new(o, "puerto_cliente", json_integer(l->puerto_cliente));
    if (l->abortada)
        json_object_set_new(o, "abortada", json_true());
    char *texto = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (texto == NULL)
        return;
    fprintf(r->archivo, "%s\n", texto);
    fflush(r->archivo);
    free(texto);
}

void registro_cerrar(registro_t *r)
{
    if (r == NULL)
        return;
    fclose(r->archivo);
    free(r);
}
