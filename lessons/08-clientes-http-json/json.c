/* json.c — JSON con jansson: analizar, mirar tipos, quién es dueño de cada valor y construir
 * un documento nuevo.
 *
 * Pide a la vez tres rutas del servidor de práctica: /users/ana (un usuario al estilo de
 * GitHub), /posts/1 (una publicación) y /json-invalido (un documento roto a propósito).
 * Cuando llegan las tres, ya fuera del bucle:
 *   1. recorre el usuario e imprime el tipo de cada campo;
 *   2. explica el recuento de referencias con un valor prestado que pasa a otro documento;
 *   3. construye un resumen con partes de los dos documentos y lo serializa.
 *
 * Memoria (la regla de jansson): lo que devuelve json_object_get() es PRESTADO (vive lo que
 * viva su padre); lo que devuelven json_object(), json_string(), json_loadb()… es NUESTRO
 * (una referencia que hay que soltar con json_decref). json_object_set() suma una
 * referencia; json_object_set_new() se queda con la nuestra. json_dumps() devuelve texto
 * reservado con malloc: free().
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curso/bucle.h"
#include "curso/http.h"
#include "curso/practica.h"

typedef struct {
    http_cliente_t *cliente;
    json_t *usuario;     /* nuestro (referencia propia) o NULL */
    json_t *publicacion; /* ídem */
    char error_invalido[256];
    int pendientes;
    int errores;
} programa_t;

typedef struct {
    programa_t *prog;
    const char *ruta;
    json_t **destino; /* dónde guardar el documento, o NULL si se espera un error */
} consulta_t;

static const char *nombre_tipo(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "objeto";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "cadena";
    case JSON_INTEGER:
        return "entero";
    case JSON_REAL:
        return "real";
    case JSON_TRUE:
    case JSON_FALSE:
        return "booleano";
    default:
        return "null";
    }
}

static void al_terminar(http_peticion_t *p, const http_respuesta_t *r, void *usuario)
{
    consulta_t *c = usuario;
    programa_t *prog = c->prog;
    char error[256];
    (void)p;

    if (r->error != 0) {
        fprintf(stderr, "%s: %s\n", c->ruta, r->mensaje);
        prog->errores++;
    } else if (c->destino != NULL) {
        /* La respuesta es prestada y desaparece al volver; el json_t es nuestro. */
        *c->destino = http_respuesta_json(r, error, sizeof error);
        if (*c->destino == NULL) {
            fprintf(stderr, "%s: %s\n", c->ruta, error);
            prog->errores++;
        }
    } else {
        json_t *doc = http_respuesta_json(r, prog->error_invalido, sizeof prog->error_invalido);
        json_decref(doc); /* NULL si era inválido, como se espera: json_decref(NULL) no hace nada */
    }
    if (--prog->pendientes == 0)
        http_cliente_cerrar(prog->cliente, NULL, NULL);
}

/* 1. Cada campo del objeto, con su tipo. json_object_foreach respeta el orden del texto. */
static void describir(json_t *objeto)
{
    const char *clave;
    json_t *valor;
    json_object_foreach(objeto, clave, valor)
    {
        printf("  %-12s %-8s ", clave, nombre_tipo(valor));
        if (json_is_string(valor))
            printf("\"%s\"\n", json_string_value(valor));
        else if (json_is_integer(valor))
            printf("%" JSON_INTEGER_FORMAT "\n", json_integer_value(valor));
        else
            printf("…\n");
    }
}

/* 2 y 3. El resumen toma valores de los dos documentos. */
static json_t *resumir(programa_t *prog)
{
    json_t *resumen = json_object();
    json_t *login = json_object_get(prog->usuario, "login"); /* prestado */
    json_t *seguidores = json_object_get(prog->usuario, "followers");
    json_t *etiquetas = json_array();

    if (resumen == NULL || etiquetas == NULL || !json_is_string(login) ||
        !json_is_integer(seguidores)) {
        json_decref(resumen);
        json_decref(etiquetas);
        return NULL;
    }
    /* seguidores es prestado del documento que se va a soltar: se copia su valor antes. */
    json_object_set_new(resumen, "seguidores", json_integer(json_integer_value(seguidores)));
    printf("refcount de \"login\" prestado: %zu\n", login->refcount);
    json_object_set(resumen, "usuario", login); /* set: el resumen suma su referencia */
    printf("tras json_object_set: %zu\n", login->refcount);
    json_decref(prog->usuario); /* el documento original suelta la suya… */
    prog->usuario = NULL;
    printf("tras soltar el documento original: %zu (sigue vivo en el resumen)\n",
           login->refcount);

    /* _new: el valor recién creado pasa a ser del resumen; no hay nada que soltar después.
     * En json_pack, «O» suma una referencia al valor prestado («o» se quedaría la nuestra). */
    json_object_set_new(resumen, "publicacion",
                        json_pack("{s:O, s:O}", "id", json_object_get(prog->publicacion, "id"),
                                  "titulo", json_object_get(prog->publicacion, "title")));
    json_array_append_new(etiquetas, json_string("c"));
    json_array_append_new(etiquetas, json_string("libuv"));
    json_object_set_new(resumen, "etiquetas", etiquetas);
    return resumen;
}

int main(void)
{
    uv_loop_t bucle;
    programa_t prog;
    consulta_t consultas[] = {
        {&prog, "/users/ana", &prog.usuario},
        {&prog, "/posts/1", &prog.publicacion},
        {&prog, "/json-invalido", NULL},
    };
    json_t *resumen;
    char url[512];
    int r;

    memset(&prog, 0, sizeof prog);
    if (uv_loop_init(&bucle) < 0 || http_cliente_nuevo(&bucle, 0, &prog.cliente) < 0)
        return 1;
    for (size_t i = 0; i < sizeof consultas / sizeof consultas[0]; i++) {
        snprintf(url, sizeof url, "%s%s", practica_url(), consultas[i].ruta);
        r = http_pedir(prog.cliente, url, NULL, al_terminar, &consultas[i], NULL);
        if (r < 0) {
            fprintf(stderr, "%s: %s\n", consultas[i].ruta, http_error_texto(r));
            prog.errores++;
        } else {
            prog.pendientes++;
        }
    }
    if (prog.pendientes == 0)
        http_cliente_cerrar(prog.cliente, NULL, NULL);
    r = bucle_terminar(&bucle);

    if (r == 0 && prog.errores == 0) {
        printf("/users/ana:\n");
        describir(prog.usuario);
        printf("/json-invalido: %s\n", prog.error_invalido);
        resumen = resumir(&prog);
        if (resumen == NULL) {
            fprintf(stderr, "el usuario no tiene la forma esperada\n");
            prog.errores++;
        } else {
            char *texto = json_dumps(resumen, JSON_INDENT(2));
            if (texto != NULL)
                printf("%s\n", texto);
            free(texto);         /* json_dumps reserva con malloc */
            json_decref(resumen); /* suelta el resumen y, con él, todo lo que contiene */
        }
    }
    json_decref(prog.usuario); /* NULL si ya se soltó: no hace nada */
    json_decref(prog.publicacion);
    return r == 0 && prog.errores == 0 ? 0 : 1;
}
