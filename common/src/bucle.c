/* bucle.c — ejecutar un bucle hasta el final y cerrarlo comprobando que no quede nada. */
#include "curso/bucle.h"

const char *bucle_nombre_tipo(uv_handle_type tipo)
{
    switch (tipo) {
#define CURSO_NOMBRE_TIPO(nombre, minusculas)                                                      \
    case UV_##nombre:                                                                              \
        return #minusculas;
        UV_HANDLE_TYPE_MAP(CURSO_NOMBRE_TIPO)
#undef CURSO_NOMBRE_TIPO
    case UV_FILE:
        return "file";
    default:
        return "desconocido";
    }
}

typedef struct {
    FILE *salida;
    int cuantos;
} listado_t;

static void listar_uno(uv_handle_t *h, void *arg)
{
    listado_t *l = arg;
    l->cuantos++;
    if (l->salida != NULL) {
        fprintf(l->salida, "  handle %-8s activo=%d ref=%d cerrando=%d data=%p\n",
                bucle_nombre_tipo(h->type), uv_is_active(h), uv_has_ref(h), uv_is_closing(h),
                h->data);
    }
}

int bucle_listar(uv_loop_t *bucle, FILE *salida)
{
    listado_t l = {salida, 0};
    uv_walk(bucle, listar_uno, &l);
    return l.cuantos;
}

int bucle_ejecutar(uv_loop_t *bucle)
{
    return uv_run(bucle, UV_RUN_DEFAULT);
}

static void cerrar_uno(uv_handle_t *h, void *arg)
{
    const int *avisar = arg;
    if (uv_is_closing(h)) {
        return;
    }
    if (*avisar) {
        fprintf(stderr, "aviso: el handle %s (data=%p) seguía abierto; se cierra ahora\n",
                bucle_nombre_tipo(h->type), h->data);
    }
    uv_close(h, NULL);
}

int bucle_cerrar(uv_loop_t *bucle, int avisar)
{
    int r;

    uv_walk(bucle, cerrar_uno, &avisar);
    /* Entrega los cierres pendientes (y termina lo que aún esté en curso). */
    uv_run(bucle, UV_RUN_DEFAULT);
    r = uv_loop_close(bucle);
    if (r != 0) {
        fprintf(stderr, "error: uv_loop_close() = %s; sigue vivo:\n", uv_err_name(r));
        if (bucle_listar(bucle, stderr) == 0) {
            fprintf(stderr, "  (ningún handle: queda una petición en curso, p. ej. uv_fs o "
                            "uv_work)\n");
        }
    }
    return r;
}

int bucle_terminar(uv_loop_t *bucle)
{
    bucle_ejecutar(bucle);
    return bucle_cerrar(bucle, 1);
}
