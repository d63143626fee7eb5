/* runner.h — estructuras del ejecutor `calificar` (el programa detrás de `make grade`).
 *
 * Memoria: todo lo que cuelga de un lab_t (textos, arrays) es del lab_t y se libera con
 * lab_liberar(). Los textos de resultado (esperado, obtenido, detalle) ya vienen saneados:
 * UTF-8 válido, aptos para la terminal, JSON y XML.
 */
#ifndef CALIFICAR_RUNNER_H
#define CALIFICAR_RUNNER_H

#include <stddef.h>

typedef struct {
    char *id;       /* nombre de la prueba de Criterion (o "compila") */
    char *nombre;   /* título corto para el estudiante */
    char *que;      /* qué se comprueba, en una o dos frases */
    char *pista;    /* consejo si falla */
    int puntos;
    /* Resultado */
    int ok;
    char *esperado, *obtenido, *detalle;
    double segundos;
} verificacion_t;

typedef struct {
    char *carpeta;   /* "07-monitor-web" */
    char numero[8];  /* "07" */
    char *titulo;
    char *programa;  /* nombre del binario */
    char **archivos; /* archivos que edita el estudiante */
    int narchivos;
    int solucion_publicada;
    int tiempo_limite_s; /* para el calificador entero */
    int trabajos;        /* --jobs de Criterion */
    verificacion_t *v;
    int nv;
    /* Resultado del laboratorio */
    int calificado;      /* 0: no se pudo calificar (ver aviso) */
    int compila;
    char *compilador;    /* mensajes del compilador (saneados) */
    char *aviso;         /* problema a nivel de laboratorio, para el estudiante */
    int error_instructor;
    double segundos;
} lab_t;

/* manifiesto.c */
int manifiesto_leer(const char *ruta, lab_t *lab, char *error, size_t tam);
void lab_liberar(lab_t *lab);
verificacion_t *lab_verificacion(lab_t *lab, const char *id);

/* informe.c */
typedef struct {
    const char *origen;   /* de dónde salieron los archivos calificados */
    const char *caja;     /* descripción de la caja de arena */
    int caja_aviso;       /* 1 si no hay caja (se avisa) */
    double segundos;
    const char *salida;   /* carpeta de los informes */
} contexto_informe_t;

void informe_cabecera(const contexto_informe_t *c);
void informe_lab(const lab_t *lab);
void informe_total(const lab_t *labs, int n, const contexto_informe_t *c);
int informe_json(const char *ruta, const lab_t *labs, int n, const contexto_informe_t *c);
int informe_junit(const char *ruta, const lab_t *labs, int n, const contexto_informe_t *c);

/* Utilidades (calificar.c) */
char *texto_dup(const char *s);
char *texto_formato(const char *formato, ...) __attribute__((format(printf, 1, 2)));

#endif
