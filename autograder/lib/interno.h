/* interno.h — lo que comparten los módulos de la biblioteca del calificador (no es API). */
#ifndef CALIFICADOR_INTERNO_H
#define CALIFICADOR_INTERNO_H

#include <stddef.h>
#include <sys/types.h>

#include "calificador/base.h"

/* temporales.c. Empieza las temporales de la verificación `id` / las borra todas. */
void temporales_iniciar(const char *id);
void temporales_borrar(void);
/* Crea una carpeta temporal dentro de la de esta verificación y deja su ruta en `ruta`.
 * Se borra (con todo su contenido) en cal_fin. Devuelve 0 o -errno. */
int temporal_nuevo(const char *nombre, char *ruta, size_t tam);



/* Mata y libera todo lo lanzado con cal_lanzar. */
void procesos_liberar_todos(void);

/* Para todos los servidores arrancados con cal_servidor y libera su memoria. */
void servidores_parar_todos(void);


#endif
